//! One client connection: sign-in, then every statement through the signed-in user's
//! session (or the port's own answers, [`super::answers`]).

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{Schema, SchemaRef};
use futures::{Sink, SinkExt, stream};
use pgwire::api::auth::{
    AuthDriver, DefaultServerParameterProvider, ServerParameterProvider, StartupHandler,
    protocol_negotiation, save_startup_parameters_to_metadata,
};
use pgwire::api::portal::{Format, Portal};
use pgwire::api::query::{ExtendedQueryHandler, SimpleQueryHandler};
use pgwire::api::results::{FieldFormat, FieldInfo, QueryResponse, Response, Tag};
use pgwire::api::stmt::QueryParser;
use pgwire::api::store::PortalStore;
use pgwire::api::{
    ClientInfo, ClientPortalStore, METADATA_APPLICATION_NAME, METADATA_USER, PgWireConnectionState,
    Type,
};
use pgwire::error::{ErrorInfo, PgWireError, PgWireResult};
use pgwire::messages::startup::Authentication;
use pgwire::messages::{PgWireBackendMessage, PgWireFrontendMessage};

use super::answers::{self, Asker, DATE_STYLE, Reply, SERVER_VERSION, TIME_ZONE};
use super::errors::{error, fatal, query_error, sign_in_error, sqlstate};
use super::text::{all_statements, parameter_count, substitute};
use super::types::{fields, format_of, literal, pg_type, rows};
use crate::Warehouse;
use crate::accounts::{Accounts, TOKEN_PREFIX};
use crate::policy::{Principal, Session};

/// What a signed-in connection keeps: who signed in, and their session for the data
/// version and the day it was made.
struct Signed {
    principal: Principal,
    current: tokio::sync::Mutex<Current>,
}

struct Current {
    version: u64,
    day: NaiveDate,
    session: Arc<Session>,
}

impl Signed {
    /// The session to run the next statement in. Clients such as Grafana keep a connection
    /// for hours: after a nightly ingest (a new data version) or at midnight (grants that
    /// expire) the session is made again, so a long connection sees what a new one would.
    /// An account disabled or changed in the accounts file since it signed in runs nothing
    /// more on the connection.
    async fn session(
        &self,
        warehouse: &Warehouse,
        accounts: &Accounts,
    ) -> PgWireResult<Arc<Session>> {
        if !accounts.is_active(&self.principal) {
            return Err(fatal(
                sqlstate::INVALID_AUTHORIZATION,
                "this account has been disabled or changed since it signed in; sign in again",
            ));
        }
        let mut current = self.current.lock().await;
        let (version, day) = (warehouse.data_version(), today());
        if current.version != version || current.day != day {
            current.session = Arc::new(session_of(warehouse, &self.principal).await?);
            current.version = version;
            current.day = day;
        }
        Ok(Arc::clone(&current.session))
    }
}

/// Today in Jakarta, the day the sharing policies' dates are read in.
fn today() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Jakarta)
        .date_naive()
}

async fn session_of(warehouse: &Warehouse, principal: &Principal) -> PgWireResult<Session> {
    Ok(warehouse
        .session_for(principal)
        .await
        .map_err(|e| fatal(sqlstate::INVALID_AUTHORIZATION, e.to_string()))?
        .with_interface("postgres"))
}

/// The port's handlers, shared by every connection.
pub(super) struct Port {
    pub(super) warehouse: Arc<Warehouse>,
    pub(super) accounts: Arc<Accounts>,
    /// With TLS configured, secrets travel only over TLS (or on this machine).
    pub(super) tls: bool,
    pub(super) driver: AuthDriver<Parameters>,
    pub(super) parser: Arc<Parser>,
}

/// The run-time parameters sent after sign-in, telling the truth about the connection.
#[derive(Debug)]
pub(super) struct Parameters;

impl ServerParameterProvider for Parameters {
    fn server_parameters<C>(&self, client: &C) -> Option<HashMap<String, String>>
    where
        C: ClientInfo,
    {
        let mut defaults = DefaultServerParameterProvider::default();
        defaults.server_version = SERVER_VERSION.to_string();
        defaults.date_style = DATE_STYLE.to_string();
        defaults.time_zone = TIME_ZONE.to_string();
        let admin = client
            .session_extensions()
            .get::<Signed>()
            .is_some_and(|signed| signed.principal.is_administrator());
        defaults.is_superuser = admin;
        defaults.default_transaction_read_only = !admin;
        let mut parameters = defaults.server_parameters(client)?;
        // Only one way of signing in: no SCRAM iterations to tell.
        parameters.remove("scram_iterations");
        Some(parameters)
    }
}

fn signed<C: ClientInfo + ?Sized>(client: &C) -> PgWireResult<Arc<Signed>> {
    client
        .session_extensions()
        .get::<Signed>()
        .ok_or_else(|| fatal(sqlstate::INVALID_AUTHORIZATION, "not signed in"))
}

#[async_trait]
impl StartupHandler for Port {
    async fn on_startup<C>(
        &self,
        client: &mut C,
        message: PgWireFrontendMessage,
    ) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        match message {
            PgWireFrontendMessage::Startup(ref startup) => {
                protocol_negotiation(client, startup).await?;
                save_startup_parameters_to_metadata(client, startup);
                if client.metadata().get(METADATA_USER).is_none() {
                    return Err(PgWireError::UserNameRequired);
                }
                if self.tls && !client.is_secure() && !client.socket_addr().ip().is_loopback() {
                    return Err(fatal(
                        sqlstate::INVALID_AUTHORIZATION,
                        "this server takes passwords and tokens only over TLS from other \
                         machines; connect with sslmode=require (or verify-full)",
                    ));
                }
                client.set_state(PgWireConnectionState::AuthenticationInProgress);
                client
                    .send(PgWireBackendMessage::Authentication(
                        Authentication::CleartextPassword,
                    ))
                    .await?;
            }
            PgWireFrontendMessage::PasswordMessageFamily(message) => {
                let secret = message.into_password()?.password;
                let user = client
                    .metadata()
                    .get(METADATA_USER)
                    .cloned()
                    .unwrap_or_default();
                let peer = client.socket_addr().ip();
                let accounts = Arc::clone(&self.accounts);
                let principal = if secret.starts_with(TOKEN_PREFIX) {
                    accounts
                        .sign_in_with_token(&secret, peer)
                        // A token signs in its own user; another user name is refused
                        // like a wrong password.
                        .and_then(|principal| {
                            if principal.user == user {
                                Ok(principal)
                            } else {
                                Err(crate::accounts::SignInError::Refused)
                            }
                        })
                } else {
                    tokio::task::spawn_blocking(move || accounts.sign_in(&user, &secret, peer))
                        .await
                        .map_err(|e| fatal(sqlstate::INTERNAL_ERROR, e.to_string()))?
                }
                .map_err(|e| sign_in_error(&e))?;
                let (version, day) = (self.warehouse.data_version(), today());
                let session = Arc::new(session_of(&self.warehouse, &principal).await?);
                client.session_extensions().insert(Signed {
                    principal,
                    current: tokio::sync::Mutex::new(Current {
                        version,
                        day,
                        session,
                    }),
                });
                self.driver.complete_authentication(client, None).await?;
            }
            _ => {}
        }
        Ok(())
    }
}

/// The answer to one statement, as pgwire sends it; `formats` are the result formats a
/// `Bind` asked for (`None` in the simple protocol: text).
async fn respond(
    session: &Session,
    asker: Asker<'_>,
    sql: &str,
    formats: Option<&Format>,
    described: Option<&SchemaRef>,
) -> PgWireResult<Response> {
    let reply = match answers::answer(asker, sql).await? {
        Some(reply) => reply,
        None => {
            let answer = session
                .sql(sql)
                .await
                .map_err(|e| query_error(&e, session.principal()))?;
            Reply::Rows {
                schema: answer.schema,
                batches: answer.batches,
            }
        }
    };
    Ok(match reply {
        Reply::Rows { schema, batches } => {
            // What runs must arrive as the client was told at Describe: a parameter can
            // change a column's type (`SELECT $1` bound to a number).
            let (schema, batches) = match described {
                Some(described) if described.fields().len() == schema.fields().len() => {
                    (Arc::clone(described), conform(described, batches)?)
                }
                _ => (schema, batches),
            };
            let fields = Arc::new(fields(&schema, formats));
            let data = rows(&batches, &fields).map_err(|e| error(sqlstate::DATA_EXCEPTION, e))?;
            Response::Query(QueryResponse::new(
                fields,
                stream::iter(data.into_iter().map(Ok)),
            ))
        }
        Reply::Command(tag) => Response::Execution(Tag::new(tag)),
        Reply::Begin => Response::TransactionStart(Tag::new("BEGIN")),
        Reply::End(tag) => Response::TransactionEnd(Tag::new(tag)),
    })
}

fn conform(described: &SchemaRef, batches: Vec<RecordBatch>) -> PgWireResult<Vec<RecordBatch>> {
    // Whether a column may be NULL can differ once parameters are values; Postgres clients
    // are not told either way.
    let schema = &Arc::new(Schema::new(
        described
            .fields()
            .iter()
            .map(|field| field.as_ref().clone().with_nullable(true))
            .collect::<Vec<_>>(),
    ));
    batches
        .into_iter()
        .map(|batch| {
            if batch
                .schema()
                .fields()
                .iter()
                .zip(schema.fields())
                .all(|(a, b)| a.data_type() == b.data_type())
            {
                return RecordBatch::try_new(Arc::clone(schema), batch.columns().to_vec());
            }
            let columns = batch
                .columns()
                .iter()
                .zip(schema.fields())
                .map(|(column, field)| cast(column, field.data_type()))
                .collect::<Result<Vec<_>, _>>()?;
            RecordBatch::try_new(Arc::clone(schema), columns)
        })
        .collect::<Result<_, _>>()
        .map_err(|e| error(sqlstate::DATA_EXCEPTION, e.to_string()))
}

fn asker<'a, C: ClientInfo + ?Sized>(client: &'a C, session: &'a Session) -> Asker<'a> {
    Asker {
        session,
        application_name: client
            .metadata()
            .get(METADATA_APPLICATION_NAME)
            .map_or("", String::as_str),
        backend_pid: client.pid_and_secret_key().0,
    }
}

#[async_trait]
impl SimpleQueryHandler for Port {
    async fn do_query<C>(&self, client: &mut C, query: &str) -> PgWireResult<Vec<Response>>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let session = signed(client)?
            .session(&self.warehouse, &self.accounts)
            .await?;
        let asker = asker(client, &session);
        let mut responses = Vec::new();
        for statement in all_statements(query) {
            match respond(&session, asker, statement, None, None).await {
                Ok(response) => responses.push(response),
                // The statements after a failed one are not run, as in Postgres.
                Err(e) => {
                    responses.push(Response::Error(Box::new(ErrorInfo::from(e))));
                    break;
                }
            }
        }
        if responses.is_empty() {
            responses.push(Response::EmptyQuery);
        }
        Ok(responses)
    }
}

/// A statement of the extended protocol, checked and described when it is parsed.
#[derive(Debug, Clone)]
pub struct Prepared {
    sql: String,
    parameters: Vec<Type>,
    /// The result's columns; `None` for commands without rows.
    schema: Option<SchemaRef>,
}

/// Parses a `Parse` message's statement: the port's own answers are made at once (to tell
/// their columns), every other statement is planned (not run) in the session.
#[derive(Debug)]
pub(super) struct Parser {
    pub(super) warehouse: Arc<Warehouse>,
    /// To refuse a statement from an account disabled since it signed in.
    pub(super) accounts: Arc<Accounts>,
}

#[async_trait]
impl QueryParser for Parser {
    type Statement = Prepared;

    async fn parse_sql<C>(
        &self,
        client: &C,
        sql: &str,
        types: &[Option<Type>],
    ) -> PgWireResult<Option<Prepared>>
    where
        C: ClientInfo + Unpin + Send + Sync,
    {
        let statements = all_statements(sql);
        let statement = match statements.as_slice() {
            [] => return Ok(None),
            [one] => *one,
            _ => {
                return Err(error(
                    sqlstate::SYNTAX_ERROR,
                    "cannot insert multiple commands into a prepared statement",
                ));
            }
        };
        let session = signed(client)?
            .session(&self.warehouse, &self.accounts)
            .await?;
        let asker = asker(client, &session);
        let (schema, described) = match answers::answer(asker, statement).await? {
            Some(Reply::Rows { schema, .. }) => (Some(schema), Vec::new()),
            Some(_) => (None, Vec::new()),
            None => {
                let described = session
                    .describe(statement)
                    .await
                    .map_err(|e| query_error(&e, session.principal()))?;
                let schema = (!described.schema.fields().is_empty()).then_some(described.schema);
                (schema, described.parameters)
            }
        };
        let count = parameter_count(statement)
            .max(described.len())
            .max(types.len());
        let parameters = (0..count)
            .map(|i| {
                types
                    .get(i)
                    .cloned()
                    .flatten()
                    .filter(|t| *t != Type::UNKNOWN)
                    .or_else(|| described.get(i).cloned().flatten().map(|d| pg_type(&d)))
                    .unwrap_or(Type::TEXT)
            })
            .collect();
        Ok(Some(Prepared {
            sql: statement.to_string(),
            parameters,
            schema,
        }))
    }

    fn get_parameter_types(&self, statement: &Prepared) -> PgWireResult<Vec<Type>> {
        Ok(statement.parameters.clone())
    }

    fn get_result_schema(
        &self,
        statement: &Prepared,
        formats: Option<&Format>,
    ) -> PgWireResult<Vec<FieldInfo>> {
        Ok(statement
            .schema
            .as_ref()
            .map(|schema| fields(schema, formats))
            .unwrap_or_default())
    }
}

#[async_trait]
impl ExtendedQueryHandler for Port {
    type Statement = Prepared;
    type QueryParser = Parser;

    fn query_parser(&self) -> Arc<Parser> {
        Arc::clone(&self.parser)
    }

    async fn do_query<C>(
        &self,
        client: &mut C,
        portal: &Portal<Prepared>,
        _max_rows: usize,
    ) -> PgWireResult<Response>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Prepared>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let session = signed(client)?
            .session(&self.warehouse, &self.accounts)
            .await?;
        let asker = asker(client, &session);
        let prepared = &portal.statement.statement;
        let literals = portal
            .parameters
            .iter()
            .enumerate()
            .map(|(i, value)| {
                let ty = prepared.parameters.get(i).unwrap_or(&Type::TEXT);
                let binary = format_of(&portal.parameter_format, i) == FieldFormat::Binary;
                literal(value.as_deref(), ty, binary)
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| error(sqlstate::INVALID_PARAMETER_VALUE, e))?;
        let sql = if literals.is_empty() {
            prepared.sql.clone()
        } else {
            substitute(&prepared.sql, &literals)
                .map_err(|e| error(sqlstate::PROTOCOL_VIOLATION, e))?
        };
        respond(
            &session,
            asker,
            &sql,
            Some(&portal.result_column_format),
            prepared.schema.as_ref(),
        )
        .await
    }
}
