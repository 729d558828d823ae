//! Errors as Postgres `ErrorResponse`s: the message is the one the console shows (the
//! error's `Display`), the SQLSTATE one a client can act on.

use datafusion::error::DataFusionError;
use pgwire::error::{ErrorInfo, PgWireError, SEVERITY_ERROR, SEVERITY_FATAL};

use crate::accounts::SignInError;
use crate::error::QueryError;
use crate::policy::Principal;

/// The SQLSTATEs the port answers with.
pub mod sqlstate {
    pub const SYNTAX_ERROR: &str = "42601";
    pub const INSUFFICIENT_PRIVILEGE: &str = "42501";
    pub const UNDEFINED_TABLE: &str = "42P01";
    pub const UNDEFINED_COLUMN: &str = "42703";
    pub const UNDEFINED_OBJECT: &str = "42704";
    pub const SYNTAX_OR_ACCESS_RULE: &str = "42000";
    pub const QUERY_CANCELED: &str = "57014";
    pub const OUT_OF_MEMORY: &str = "53200";
    pub const INVALID_PASSWORD: &str = "28P01";
    pub const INVALID_AUTHORIZATION: &str = "28000";
    pub const CONFIGURATION_LIMIT_EXCEEDED: &str = "53400";
    pub const FEATURE_NOT_SUPPORTED: &str = "0A000";
    pub const DATA_EXCEPTION: &str = "22000";
    pub const INVALID_PARAMETER_VALUE: &str = "22023";
    pub const PROTOCOL_VIOLATION: &str = "08P01";
    pub const INTERNAL_ERROR: &str = "XX000";
}

/// An `ERROR` (the statement failed; the connection stays).
pub fn error(code: &str, message: impl Into<String>) -> PgWireError {
    PgWireError::UserError(Box::new(ErrorInfo::new(
        SEVERITY_ERROR.to_string(),
        code.to_string(),
        message.into(),
    )))
}

/// A `FATAL` error: the connection ends (failed sign-in).
pub fn fatal(code: &str, message: impl Into<String>) -> PgWireError {
    PgWireError::UserError(Box::new(ErrorInfo::new(
        SEVERITY_FATAL.to_string(),
        code.to_string(),
        message.into(),
    )))
}

/// A failed query of `principal`'s. For everyone but administrators a column that is not
/// found is refused (42501), the same whether it does not exist or is not shared with the
/// agency, as a table that is not found is (the session says so in that message), and as
/// the API and the console answer both.
pub fn query_error(failure: &QueryError, principal: &Principal) -> PgWireError {
    if let QueryError::Sql(sql) = failure
        && !principal.is_administrator()
        && missing_column(sql)
    {
        return error(
            sqlstate::INSUFFICIENT_PRIVILEGE,
            format!(
                "{failure} (it does not exist, or is not shared with {})",
                principal.agency
            ),
        );
    }
    let code = error_info(failure).unwrap_or(sqlstate::INTERNAL_ERROR);
    error(code, failure.to_string())
}

fn missing_column(error: &DataFusionError) -> bool {
    matches!(error.find_root(), DataFusionError::SchemaError(..))
        || error.to_string().contains("No field named")
}

fn error_info(error: &QueryError) -> Option<&'static str> {
    use sqlstate::*;
    Some(match error {
        QueryError::Refused(_) | QueryError::Policy { .. } => INSUFFICIENT_PRIVILEGE,
        QueryError::Limit(message) if message.contains("memory") => OUT_OF_MEMORY,
        QueryError::Limit(_) => QUERY_CANCELED,
        QueryError::Sql(error) => sql_state(error),
        QueryError::Lake(_) | QueryError::Definition { .. } | QueryError::Targets { .. } => {
            return None;
        }
    })
}

fn sql_state(error: &DataFusionError) -> &'static str {
    use sqlstate::*;
    let root = error.find_root();
    let text = root.to_string();
    match root {
        DataFusionError::SQL(..) => SYNTAX_ERROR,
        // A name the session does not know: it does not exist, or the sharing policies
        // keep it from this principal (the session says which it may be, not which it is).
        DataFusionError::Plan(_) if text.contains("is not shared with") => INSUFFICIENT_PRIVILEGE,
        DataFusionError::Plan(_) if text.contains("not found") => UNDEFINED_TABLE,
        DataFusionError::SchemaError(..) => UNDEFINED_COLUMN,
        DataFusionError::Plan(_) => SYNTAX_OR_ACCESS_RULE,
        DataFusionError::NotImplemented(_) => FEATURE_NOT_SUPPORTED,
        DataFusionError::ResourcesExhausted(_) => OUT_OF_MEMORY,
        DataFusionError::ArrowError(..) | DataFusionError::Execution(_) => DATA_EXCEPTION,
        _ => INTERNAL_ERROR,
    }
}

/// A refused sign-in; it ends the connection.
pub fn sign_in_error(error: &SignInError) -> PgWireError {
    let code = match error {
        SignInError::Refused => sqlstate::INVALID_PASSWORD,
        SignInError::TooMany { .. } => sqlstate::CONFIGURATION_LIMIT_EXCEEDED,
        SignInError::Disabled => sqlstate::INVALID_AUTHORIZATION,
    };
    fatal(code, error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::sql::sqlparser::parser::ParserError;

    fn code(error: &QueryError) -> String {
        let analyst = Principal::parse("siti", "customs:analyst").expect("a principal");
        ErrorInfo::from(query_error(error, &analyst)).code
    }

    #[test]
    fn each_kind_of_failure_has_the_sqlstate_clients_know() {
        assert_eq!(
            code(&QueryError::Refused("COPY is refused".into())),
            "42501"
        );
        assert_eq!(
            code(&QueryError::Limit("ran longer than 60 s".into())),
            "57014"
        );
        assert_eq!(
            code(&QueryError::Limit(
                "needed more than 1024 MiB of memory".into()
            )),
            "53200"
        );
        let syntax = DataFusionError::SQL(
            Box::new(ParserError::ParserError("Expected: an expression".into())),
            None,
        );
        assert_eq!(code(&QueryError::Sql(syntax)), "42601");
        let hidden = DataFusionError::Plan(
            "table 'gerbang.public.crossings' not found (it does not exist, or is not shared \
             with customs)"
                .into(),
        );
        assert_eq!(code(&QueryError::Sql(hidden)), "42501");
        let missing = DataFusionError::Plan("table 'gerbang.public.nope' not found".into());
        assert_eq!(code(&QueryError::Sql(missing)), "42P01");
    }

    #[test]
    fn a_column_not_found_is_refused_for_all_but_administrators() {
        let hidden = || {
            QueryError::Sql(DataFusionError::SchemaError(
                Box::new(datafusion::common::SchemaError::FieldNotFound {
                    field: Box::new(datafusion::common::Column::from_name("risk_score")),
                    valid_fields: vec![],
                }),
                Box::new(None),
            ))
        };
        let police = Principal::parse("p", "police:analyst").expect("a principal");
        let refused = ErrorInfo::from(query_error(&hidden(), &police));
        assert_eq!(refused.code, "42501");
        assert!(
            refused.message.contains("risk_score")
                && refused
                    .message
                    .ends_with("(it does not exist, or is not shared with police)"),
            "{}",
            refused.message
        );
        let admin = Principal::parse("a", "gerbang:administrator").expect("a principal");
        assert_eq!(
            ErrorInfo::from(query_error(&hidden(), &admin)).code,
            "42703"
        );
    }

    #[test]
    fn sign_in_failures_end_the_connection_with_their_own_codes() {
        let refused = ErrorInfo::from(sign_in_error(&SignInError::Refused));
        assert_eq!(
            (refused.severity.as_str(), refused.code.as_str()),
            ("FATAL", "28P01")
        );
        assert_eq!(refused.message, "wrong user name or password");
        let many = SignInError::TooMany {
            retry_after: std::time::Duration::from_secs(600),
        };
        assert_eq!(ErrorInfo::from(sign_in_error(&many)).code, "53400");
        assert_eq!(
            ErrorInfo::from(sign_in_error(&SignInError::Disabled)).code,
            "28000"
        );
    }
}
