//! The Postgres wire protocol: psql, DBeaver, Excel (ODBC), Grafana and any other
//! Postgres client query the warehouse as the user they sign in as.
//!
//! Every connection signs in with its user name and, as the password, either the user's
//! password or one of their API tokens (`gbt_…`), checked by [`Accounts`] (cleartext
//! password exchange; with TLS configured, only over TLS unless the client is on this
//! machine). It then gets that user's [`Session`]: every statement is checked, bounded,
//! audited (interface `postgres`) and sees only what the sharing policies allow, exactly as
//! in the console and the API.
//!
//! Supported:
//! - the simple query protocol (several statements in one message run in order and stop
//!   at the first error) and the extended protocol (Parse/Bind/Describe/Execute, named and
//!   unnamed statements and portals, row limits per Execute): parameters `$1`, `$2`, … are
//!   bound in text or binary format for `bool`, `int2/4/8`, `float4/8`, `numeric`, `text`,
//!   `date`, `time`, `timestamp`, `timestamptz` and `interval`, and put into the statement
//!   as checked literals (so the audit shows the values);
//! - results in text or binary format, types mapped as in [`types`];
//! - query cancellation (psql's Ctrl-C, JDBC's `cancel()`): the query is dropped and
//!   audited as cancelled;
//! - what clients send on connect: `SET` (settings that would change results — time zone,
//!   encoding, date style — are checked; `SET ROLE` is refused), `SHOW`,
//!   `current_setting()`, `version()`, `current_schema()`, `current_database()`,
//!   `current_user`, `pg_backend_pid()`, `BEGIN`/`COMMIT`/`ROLLBACK` (every query reads
//!   the data version current when it runs; there is nothing to commit);
//! - psql's `\d`, `\dt`, `\dv`, `\d name`, `\dn`, `\l` and `\gdesc`, answered from the
//!   session's own visibility ([`catalog`]), and `pg_type` lookups of the types above;
//!   `information_schema` is the session's own.
//!
//! Not supported: other system catalogs (`pg_proc`, `pg_settings`, `pg_roles`, …; a tool
//! that browses them gets an error pointing to `information_schema`), `COPY`, SCRAM or MD5
//! sign-in, client certificates. Errors carry a SQLSTATE ([`errors::sqlstate`]): 42501
//! for what the policies or the read-only rule refuse, 57014 for the time limit, 42601 for
//! syntax, 28P01 for a wrong password, 53400 for too many failed sign-ins.
//!
//! # Example
//! ```no_run
//! # async fn run(warehouse: std::sync::Arc<gerbang_query::Warehouse>,
//! #              accounts: std::sync::Arc<gerbang_query::accounts::Accounts>) -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:5433").await?;
//! gerbang_query::pgwire::serve(warehouse, accounts, listener, None).await
//! # }
//! ```
//! then `psql "host=127.0.0.1 port=5433 user=siti dbname=gerbang"`.
//!
//! [`Session`]: crate::policy::Session

mod answers;
mod catalog;
mod connection;
pub mod errors;
mod text;
pub mod types;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use pgwire::api::auth::AuthDriver;
use pgwire::api::cancel::DefaultCancelHandler;
use pgwire::api::{ConnectionManager, PgWireServerHandlers};
use pgwire::tokio::process_socket;
use pgwire::tokio::tokio_rustls::TlsAcceptor;
use pgwire::tokio::tokio_rustls::rustls::ServerConfig;
use pgwire::tokio::tokio_rustls::rustls::crypto::ring;
use pgwire::tokio::tokio_rustls::rustls::pki_types::pem::PemObject;
use pgwire::tokio::tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;

pub use answers::SERVER_VERSION;
pub use connection::Prepared;
pub use text::{Statements, split_statements};

use crate::Warehouse;
use crate::accounts::Accounts;
use connection::{Parameters, Parser, Port};

/// Serves the Postgres protocol on `listener` until the process ends: one task per
/// connection. With `tls`, clients may (and, from other machines, must) use TLS.
pub async fn serve(
    warehouse: Arc<Warehouse>,
    accounts: Arc<Accounts>,
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
) -> std::io::Result<()> {
    let connections = Arc::new(ConnectionManager::new());
    let parser = Arc::new(Parser {
        warehouse: Arc::clone(&warehouse),
        accounts: Arc::clone(&accounts),
    });
    let handlers = Arc::new(Handlers {
        port: Arc::new(Port {
            warehouse,
            accounts,
            tls: tls.is_some(),
            driver: AuthDriver::new(Parameters).with_connection_manager(Arc::clone(&connections)),
            parser,
        }),
        cancel: Arc::new(DefaultCancelHandler::new(connections)),
    });
    loop {
        let socket = match listener.accept().await {
            Ok((socket, _)) => socket,
            // Out of file descriptors and the like: wait, and keep serving the others.
            Err(e) => {
                eprintln!("warning: the Postgres port could not accept a connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let handlers = Arc::clone(&handlers);
        let tls = tls.clone();
        tokio::spawn(async move {
            // A connection's end, clean or not, concerns only that client.
            let _ = process_socket(socket, tls, handlers).await;
        });
    }
}

/// The TLS setup of a PEM certificate chain and its private key (`[postgres] tls_cert`,
/// `tls_key`).
pub fn tls_acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, String> {
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("the TLS certificate {}: {e}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!(
            "the TLS certificate {} holds no certificate",
            cert.display()
        ));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("the TLS key {}: {e}", key.display()))?;
    let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("the TLS certificate and key do not fit together: {e}"))?;
    config.alpn_protocols = vec![b"postgresql".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

struct Handlers {
    port: Arc<Port>,
    cancel: Arc<DefaultCancelHandler>,
}

impl PgWireServerHandlers for Handlers {
    fn simple_query_handler(&self) -> Arc<impl pgwire::api::query::SimpleQueryHandler> {
        Arc::clone(&self.port)
    }

    fn extended_query_handler(&self) -> Arc<impl pgwire::api::query::ExtendedQueryHandler> {
        Arc::clone(&self.port)
    }

    fn startup_handler(&self) -> Arc<impl pgwire::api::auth::StartupHandler> {
        Arc::clone(&self.port)
    }

    fn cancel_handler(&self) -> Arc<impl pgwire::api::cancel::CancelHandler> {
        Arc::clone(&self.cancel)
    }
}
