//! What the port answers itself instead of the session: the statements clients send on
//! their own when they connect (`SET`, `SHOW`, `BEGIN`, `SELECT version()`, …), and the
//! system-catalog queries behind psql's `\d` commands ([`super::catalog`]). None of them
//! reads warehouse data, and none loosens the session: `SET` changes nothing that decides
//! what a query may see or how long it may run.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanArray, Int32Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::sql::sqlparser::ast::{
    Expr, FunctionArg, FunctionArgExpr, FunctionArguments, ObjectName, Query, SelectItem, Set,
    SetExpr, Statement, Value,
};
use datafusion::sql::sqlparser::dialect::PostgreSqlDialect;
use datafusion::sql::sqlparser::parser::Parser;
use pgwire::error::PgWireError;

use super::catalog;
use super::errors::{error, sqlstate};
use crate::policy::Session;

/// The version clients are told (`server_version`, `SHOW server_version`, `version()`):
/// the Postgres protocol and catalog behaviour the port follows.
pub const SERVER_VERSION: &str = "16.6";
const SERVER_VERSION_NUM: &str = "160006";
pub const DATE_STYLE: &str = "ISO, YMD";
pub const TIME_ZONE: &str = "Etc/UTC";
pub const DATABASE: &str = "gerbang";

/// A statement's answer that the port makes without the session.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Rows, tagged `SELECT n`.
    Rows {
        schema: SchemaRef,
        batches: Vec<RecordBatch>,
    },
    /// A command that returns no rows, with its tag (`SET`).
    Command(&'static str),
    /// `BEGIN`: each query reads the data version current when it runs, so a transaction
    /// is only a bracket.
    Begin,
    /// `COMMIT` or `ROLLBACK`.
    End(&'static str),
}

impl Reply {
    /// Rows of text columns.
    pub fn text_rows(columns: &[&str], rows: &[Vec<Option<String>>]) -> Reply {
        let fields: Vec<Field> = columns
            .iter()
            .map(|name| Field::new(*name, DataType::Utf8, true))
            .collect();
        let arrays: Vec<ArrayRef> = (0..columns.len())
            .map(|i| {
                Arc::new(StringArray::from(
                    rows.iter()
                        .map(|row| row.get(i).cloned().flatten())
                        .collect::<Vec<_>>(),
                )) as ArrayRef
            })
            .collect();
        Reply::rows(Arc::new(Schema::new(fields)), arrays)
    }

    pub fn rows(schema: SchemaRef, columns: Vec<ArrayRef>) -> Reply {
        let batches = if schema.fields().is_empty() {
            Vec::new()
        } else {
            RecordBatch::try_new(Arc::clone(&schema), columns)
                .map(|batch| vec![batch])
                .unwrap_or_default()
        };
        Reply::Rows { schema, batches }
    }
}

/// Who is connected, for the answers that depend on it.
#[derive(Debug, Clone, Copy)]
pub struct Asker<'a> {
    pub session: &'a Session,
    pub application_name: &'a str,
    pub backend_pid: i32,
}

/// The port's own answer to a statement, or `None` when the session runs it.
pub async fn answer(asker: Asker<'_>, sql: &str) -> Result<Option<Reply>, PgWireError> {
    // Statements this parser does not take are the session's to judge (and to explain).
    let Ok(mut statements) = Parser::parse_sql(&PostgreSqlDialect {}, sql) else {
        return Ok(None);
    };
    let (Some(statement), true) = (statements.pop(), statements.is_empty()) else {
        return Ok(None);
    };
    Ok(match statement {
        // DataFusion's own settings are the session's to judge (it refuses every SET), as
        // `SHOW datafusion.…` is the session's to answer: taken here, the client would be
        // told that a setting changed when it did not.
        Statement::Set(Set::SingleAssignment { ref variable, .. })
            if variable
                .to_string()
                .to_ascii_lowercase()
                .starts_with("datafusion.") =>
        {
            None
        }
        Statement::Set(set) => Some(set_statement(&set, asker)?),
        Statement::ShowVariable { variable } => {
            let name = variable
                .iter()
                .map(|ident| ident.value.to_ascii_lowercase())
                .collect::<Vec<_>>()
                .join(" ");
            if name.starts_with("datafusion.") {
                return Ok(None);
            }
            Some(show(&name, asker)?)
        }
        Statement::StartTransaction { .. } => Some(Reply::Begin),
        Statement::Commit { .. } => Some(Reply::End("COMMIT")),
        Statement::Rollback { .. } => Some(Reply::End("ROLLBACK")),
        Statement::Discard { .. } => Some(Reply::Command("DISCARD ALL")),
        Statement::Deallocate { .. } => Some(Reply::Command("DEALLOCATE")),
        Statement::Query(query) => {
            if let Some(reply) = catalog::type_names(&query) {
                Some(reply)
            } else if catalog::reads_system_catalog(&query) {
                Some(catalog::answer(asker.session, &query).await?)
            } else {
                session_functions(&query, asker)?
            }
        }
        _ => None,
    })
}

fn set_statement(set: &Set, asker: Asker<'_>) -> Result<Reply, PgWireError> {
    match set {
        Set::SingleAssignment {
            variable, values, ..
        } => {
            let name = variable.to_string().to_ascii_lowercase();
            let value = values
                .iter()
                .map(|v| unquoted(v).to_ascii_lowercase())
                .collect::<Vec<_>>()
                .join(", ");
            check_setting(&name, &value, asker)?;
            Ok(Reply::Command("SET"))
        }
        Set::SetTimeZone { value, .. } => {
            check_setting("timezone", &unquoted(value).to_ascii_lowercase(), asker)?;
            Ok(Reply::Command("SET"))
        }
        Set::SetRole { .. } | Set::SetSessionAuthorization(_) => Err(error(
            sqlstate::INSUFFICIENT_PRIVILEGE,
            "the signed-in user cannot be changed on a connection; connect as the other user",
        )),
        _ => Ok(Reply::Command("SET")),
    }
}

/// Settings that would change what the client reads are checked: the port sends text in
/// UTF-8, dates in ISO style and times in UTC, and nothing else. Others (application
/// name, float digits, timeouts under the server's own limits, …) are taken and change
/// nothing.
fn check_setting(name: &str, value: &str, _asker: Asker<'_>) -> Result<(), PgWireError> {
    let fixed = |what: &str| {
        Err(error(
            sqlstate::INVALID_PARAMETER_VALUE,
            format!("{name} cannot be changed here: Gerbang's Postgres port {what}"),
        ))
    };
    match name {
        "timezone" | "time zone"
            if ![
                "utc", "etc/utc", "gmt", "z", "zulu", "0", "+00", "+00:00", "default", "local",
            ]
            .contains(&value) =>
        {
            fixed("shows times in UTC (timestamptz values end in +00)")
        }
        "client_encoding" if !["utf8", "utf-8", "unicode", "default"].contains(&value) => {
            fixed("sends text in UTF8")
        }
        "datestyle" if !value.starts_with("iso") && value != "default" => {
            fixed("writes dates in ISO style (2024-02-29)")
        }
        "intervalstyle" if value != "postgres" && value != "default" => {
            fixed("writes intervals in the postgres style")
        }
        "role" | "session_authorization" | "session authorization" => Err(error(
            sqlstate::INSUFFICIENT_PRIVILEGE,
            "the signed-in user cannot be changed on a connection; connect as the other user",
        )),
        "search_path"
            if !value.split(',').map(str::trim).all(|schema| {
                [
                    "public",
                    "$user",
                    "\"$user\"",
                    "pg_catalog",
                    "information_schema",
                    "default",
                ]
                .contains(&schema)
            }) =>
        {
            fixed("has one schema, public")
        }
        _ => Ok(()),
    }
}

fn unquoted(expr: &Expr) -> String {
    match expr {
        Expr::Value(value) => match &value.value {
            Value::SingleQuotedString(text) | Value::DoubleQuotedString(text) => text.clone(),
            other => other.to_string(),
        },
        Expr::Identifier(ident) => ident.value.clone(),
        other => other.to_string(),
    }
}

/// The run-time parameters `SHOW` and `current_setting()` tell, as (name, value).
fn settings(asker: Asker<'_>) -> Vec<(&'static str, String)> {
    let admin = asker.session.principal().is_administrator();
    let on_off = |on: bool| if on { "on" } else { "off" }.to_string();
    vec![
        ("application_name", asker.application_name.to_string()),
        ("client_encoding", "UTF8".to_string()),
        ("DateStyle", DATE_STYLE.to_string()),
        ("default_transaction_read_only", on_off(!admin)),
        ("integer_datetimes", "on".to_string()),
        ("IntervalStyle", "postgres".to_string()),
        ("is_superuser", on_off(admin)),
        ("max_identifier_length", "63".to_string()),
        ("search_path", "public".to_string()),
        ("server_encoding", "UTF8".to_string()),
        ("server_version", SERVER_VERSION.to_string()),
        ("server_version_num", SERVER_VERSION_NUM.to_string()),
        (
            "session_authorization",
            asker.session.principal().user.clone(),
        ),
        ("standard_conforming_strings", "on".to_string()),
        (
            "statement_timeout",
            format!("{}s", asker.session.limits().timeout.as_secs()),
        ),
        ("TimeZone", TIME_ZONE.to_string()),
        ("transaction_isolation", "read committed".to_string()),
        ("transaction_read_only", on_off(!admin)),
    ]
}

fn setting(name: &str, asker: Asker<'_>) -> Option<(&'static str, String)> {
    let wanted = match name {
        "transaction isolation level" => "transaction_isolation",
        "time zone" => "timezone",
        other => other,
    };
    settings(asker)
        .into_iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(wanted))
}

fn show(name: &str, asker: Asker<'_>) -> Result<Reply, PgWireError> {
    if name == "all" {
        let rows: Vec<Vec<Option<String>>> = settings(asker)
            .into_iter()
            .map(|(name, value)| vec![Some(name.to_string()), Some(value), None])
            .collect();
        return Ok(Reply::text_rows(&["name", "setting", "description"], &rows));
    }
    let (column, value) = setting(name, asker).ok_or_else(|| unknown_setting(name))?;
    Ok(Reply::text_rows(&[column], &[vec![Some(value)]]))
}

fn unknown_setting(name: &str) -> PgWireError {
    error(
        sqlstate::UNDEFINED_OBJECT,
        format!("unrecognized configuration parameter \"{name}\""),
    )
}

/// `SELECT version()`, `SELECT current_schema(), session_user` and the like: a `SELECT`
/// without `FROM` whose every column is one of the functions that describe the connection.
fn session_functions(query: &Query, asker: Asker<'_>) -> Result<Option<Reply>, PgWireError> {
    let SetExpr::Select(select) = query.body.as_ref() else {
        return Ok(None);
    };
    if !select.from.is_empty() || select.selection.is_some() || select.projection.is_empty() {
        return Ok(None);
    }
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for item in &select.projection {
        let (expr, alias) = match item {
            SelectItem::UnnamedExpr(expr) => (expr, None),
            SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias.value.clone())),
            _ => return Ok(None),
        };
        let Some((name, value)) = session_function(expr, asker)? else {
            return Ok(None);
        };
        let (data_type, array): (DataType, ArrayRef) = match value {
            Known::Text(text) => (DataType::Utf8, Arc::new(StringArray::from(vec![text]))),
            Known::Int(n) => (DataType::Int32, Arc::new(Int32Array::from(vec![n]))),
            Known::Bool(b) => (DataType::Boolean, Arc::new(BooleanArray::from(vec![b]))),
        };
        fields.push(Field::new(alias.unwrap_or(name), data_type, true));
        columns.push(array);
    }
    Ok(Some(Reply::rows(Arc::new(Schema::new(fields)), columns)))
}

enum Known {
    Text(Option<String>),
    Int(i32),
    Bool(bool),
}

fn session_function(expr: &Expr, asker: Asker<'_>) -> Result<Option<(String, Known)>, PgWireError> {
    let (name, args) = match expr {
        Expr::Function(function) => (last_part(&function.name), &function.args),
        Expr::Identifier(ident) => (ident.value.to_ascii_lowercase(), &FunctionArguments::None),
        _ => return Ok(None),
    };
    let user = || Known::Text(Some(asker.session.principal().user.clone()));
    let known = match name.as_str() {
        "version" => Known::Text(Some(format!(
            "PostgreSQL {SERVER_VERSION} (Gerbang {} on Apache DataFusion; the Postgres wire \
             protocol over a read-only warehouse)",
            env!("CARGO_PKG_VERSION")
        ))),
        "current_schema" => Known::Text(Some("public".to_string())),
        "current_database" | "current_catalog" => Known::Text(Some(DATABASE.to_string())),
        "current_user" | "session_user" | "user" | "current_role" => user(),
        "pg_backend_pid" => Known::Int(asker.backend_pid),
        "pg_is_in_recovery" => Known::Bool(false),
        "current_setting" => {
            let FunctionArguments::List(list) = args else {
                return Ok(None);
            };
            let Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(arg))) = list.args.first() else {
                return Ok(None);
            };
            let wanted = unquoted(arg).to_ascii_lowercase();
            let missing_ok = list.args.len() > 1;
            match setting(&wanted, asker) {
                Some((_, value)) => Known::Text(Some(value)),
                None if missing_ok => Known::Text(None),
                None => return Err(unknown_setting(&wanted)),
            }
        }
        _ => return Ok(None),
    };
    Ok(Some((name, known)))
}

pub(super) fn last_part(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .map(|ident| ident.value.to_ascii_lowercase())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Principal;
    use crate::targets::MouTargets;
    use gerbang_ingest::reference::PortRegistry;
    use pgwire::error::ErrorInfo;

    async fn session(spec: &str) -> Session {
        let warehouse = crate::Warehouse::from_tables(
            Vec::new(),
            PortRegistry::embedded(),
            MouTargets::embedded(),
        )
        .await
        .unwrap();
        warehouse
            .session_for(&Principal::parse("siti", spec).unwrap())
            .await
            .unwrap()
    }

    async fn ask(session: &Session, sql: &str) -> Result<Option<Reply>, String> {
        let asker = Asker {
            session,
            application_name: "test",
            backend_pid: 7,
        };
        answer(asker, sql)
            .await
            .map_err(|e| ErrorInfo::from(e).code)
    }

    /// The rows of a reply as text.
    fn text(reply: Option<Reply>) -> Vec<Vec<String>> {
        let Some(Reply::Rows { batches, .. }) = reply else {
            panic!("no rows");
        };
        let mut rows = Vec::new();
        for batch in &batches {
            for row in 0..batch.num_rows() {
                rows.push(
                    batch
                        .columns()
                        .iter()
                        .map(|column| {
                            datafusion::arrow::util::display::array_value_to_string(column, row)
                                .unwrap()
                        })
                        .collect(),
                );
            }
        }
        rows
    }

    #[tokio::test]
    async fn connection_chatter_is_answered_and_nothing_that_changes_results_is_taken() {
        let session = session("gerbang:administrator").await;
        assert!(matches!(
            ask(&session, "SET extra_float_digits = 3").await,
            Ok(Some(Reply::Command("SET")))
        ));
        assert!(matches!(
            ask(&session, "SET TIME ZONE 'UTC'").await,
            Ok(Some(Reply::Command("SET")))
        ));
        assert_eq!(
            ask(&session, "SET TimeZone = 'Asia/Jakarta'")
                .await
                .err()
                .as_deref(),
            Some("22023")
        );
        assert_eq!(
            ask(&session, "SET ROLE postgres").await.err().as_deref(),
            Some("42501")
        );
        assert!(
            matches!(
                ask(
                    &session,
                    "SET datafusion.catalog.information_schema = false"
                )
                .await,
                Ok(None)
            ),
            "DataFusion's settings are the session's to refuse"
        );
        assert_eq!(
            ask(&session, "SHOW no_such_thing").await.err().as_deref(),
            Some("42704")
        );
        assert_eq!(
            text(ask(&session, "SHOW TimeZone").await.unwrap()),
            [["Etc/UTC"]]
        );
        assert_eq!(
            text(
                ask(
                    &session,
                    "SELECT current_setting('is_superuser'), pg_backend_pid()"
                )
                .await
                .unwrap()
            ),
            [["on", "7"]]
        );
        assert!(matches!(
            ask(&session, "BEGIN").await,
            Ok(Some(Reply::Begin))
        ));
        // Anything else is the session's.
        assert!(ask(&session, "SELECT 1").await.unwrap().is_none());
        assert!(
            ask(&session, "SELECT version(), 1")
                .await
                .unwrap()
                .is_none()
        );
    }

    #[tokio::test]
    async fn system_catalogs_answer_from_the_port_or_point_elsewhere() {
        let session = session("gerbang:administrator").await;
        // psqlODBC asks for the large-object type, which Gerbang does not have.
        let lo = ask(
            &session,
            "select oid, typbasetype from pg_type where typname = 'lo'",
        )
        .await;
        assert!(text(lo.unwrap()).is_empty());
        let int4 = ask(
            &session,
            "SELECT typname, typlen FROM pg_catalog.pg_type WHERE oid = 23",
        );
        assert_eq!(text(int4.await.unwrap()), [["int4", "4"]]);
        // psql's \gdesc names the types of a described query.
        let described = ask(
            &session,
            "SELECT name AS \"Column\", pg_catalog.format_type(tp, tpm) AS \"Type\" FROM \
             (VALUES ('port', '25'::pg_catalog.oid, -1), ('amount', '1700'::pg_catalog.oid, 655366)) \
             s(name, tp, tpm)",
        );
        assert_eq!(
            text(described.await.unwrap()),
            [["port", "text"], ["amount", "numeric(10,2)"]]
        );
        // No indexes, constraints or triggers: no rows, not an error.
        let indexes = ask(
            &session,
            "SELECT c2.relname FROM pg_catalog.pg_class c, pg_catalog.pg_class c2, \
             pg_catalog.pg_index i WHERE c.oid = '16384' AND c.oid = i.indrelid",
        );
        let Ok(Some(Reply::Rows { batches, schema })) = indexes.await else {
            panic!("no answer");
        };
        assert!(batches.iter().all(|b| b.num_rows() == 0));
        assert_eq!(schema.field(0).name(), "relname");
        assert_eq!(
            ask(&session, "SELECT * FROM pg_catalog.pg_proc")
                .await
                .err()
                .as_deref(),
            Some("0A000")
        );
    }
}
