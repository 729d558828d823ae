//! The statement check every query passes before it is planned: read-only, bounded SQL
//! for everyone but administrators.
//!
//! The check runs on the very statement that is then planned (parsed once with the
//! session's own parser), so what is checked is what runs. Allowed for non-administrators:
//! - queries (`SELECT`, `WITH … SELECT`, `VALUES`, set operations), without `SELECT INTO`
//!   and without table functions (`FROM generate_series(…)`, file readers such as
//!   `read_parquet('…')`): a table function is a way past the catalog, and the catalog is
//!   where the sharing policies live;
//! - `SHOW TABLES`, `SHOW COLUMNS`, `DESCRIBE`: they read the session's own catalog, which
//!   holds only what the policies allow.
//!
//! Refused: everything else, in particular DDL (`CREATE`, `DROP`, `ALTER`), DML (`INSERT`,
//! `UPDATE`, `DELETE`), `COPY`, `CREATE EXTERNAL TABLE`, `SET`/`RESET` of options, and
//! `EXPLAIN`: a plan shows storage paths and the policy's own filters, and `EXPLAIN
//! ANALYZE` shows how many rows a scan read before the policy's row filter removed the
//! rows the user may not see. DataFusion's [`SQLOptions`] check runs on the plan as well,
//! as a second line.
//!
//! [`SQLOptions`]: datafusion::execution::context::SQLOptions

use std::ops::ControlFlow;

use datafusion::sql::parser::Statement as DfStatement;
use datafusion::sql::sqlparser::ast::{Select, Statement, TableFactor, Visit, Visitor};

/// Why a statement was refused, in words for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// What was refused: `COPY`, `the table function read_parquet`, ...
    pub what: String,
    /// Why, and what to do instead.
    pub why: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is refused: {}", self.what, self.why)
    }
}

const READ_ONLY: &str = "Gerbang's SQL is read-only for everyone but administrators; \
     only SELECT queries (and SHOW TABLES, SHOW COLUMNS, DESCRIBE) are allowed";

/// Checks a statement for a principal who is not an administrator (administrators run
/// anything in their own session).
pub fn check(statement: &DfStatement) -> Result<(), Refusal> {
    let refuse = |what: &str, why: &str| {
        Err(Refusal {
            what: what.to_string(),
            why: why.to_string(),
        })
    };
    match statement {
        DfStatement::Statement(statement) => match statement.as_ref() {
            Statement::Query(_) => check_relations(statement),
            Statement::ShowTables { .. }
            | Statement::ShowColumns { .. }
            | Statement::ExplainTable { .. } => Ok(()),
            Statement::Explain { .. } => refuse(
                "EXPLAIN",
                "query plans show storage paths and the sharing policy's own filters \
                 (and EXPLAIN ANALYZE how many rows were read before them); an \
                 administrator can explain a query for you",
            ),
            Statement::Copy { .. } => refuse(
                "COPY",
                "copying data into or out of files is for administrators; export results \
                 through the console or API instead",
            ),
            Statement::Set(_) => refuse(
                "SET",
                "session options (limits, formats, file access) are fixed for everyone but \
                 administrators",
            ),
            other => refuse(&first_words(&other.to_string()), READ_ONLY),
        },
        DfStatement::CreateExternalTable(_) => refuse(
            "CREATE EXTERNAL TABLE",
            "reading files directly would go around the sharing policies; only \
             administrators may register external tables",
        ),
        DfStatement::CopyTo(_) => refuse(
            "COPY",
            "copying data into or out of files is for administrators; export results \
             through the console or API instead",
        ),
        DfStatement::Explain(_) => refuse(
            "EXPLAIN",
            "query plans show storage paths and the sharing policy's own filters",
        ),
        DfStatement::Reset(_) => refuse(
            "RESET",
            "session options are fixed for everyone but administrators",
        ),
    }
}

/// The statement's kind as its first keywords: `INSERT`, `CREATE TABLE`, `DROP VIEW`.
fn first_words(sql: &str) -> String {
    let words: Vec<&str> = sql.split_whitespace().take(2).collect();
    match words.as_slice() {
        [verb, object]
            if ["CREATE", "DROP", "ALTER", "TRUNCATE"].contains(&verb.to_uppercase().as_str()) =>
        {
            format!("{} {}", verb.to_uppercase(), object.to_uppercase())
        }
        [verb, ..] => verb.to_uppercase(),
        [] => "an empty statement".to_string(),
    }
}

fn check_relations(statement: &Statement) -> Result<(), Refusal> {
    let mut visitor = Relations;
    match statement.visit(&mut visitor) {
        ControlFlow::Break(refusal) => Err(refusal),
        ControlFlow::Continue(()) => Ok(()),
    }
}

struct Relations;

impl Visitor for Relations {
    type Break = Refusal;

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<Refusal> {
        let table_function = |name: String| {
            ControlFlow::Break(Refusal {
                what: format!("the table function {name}"),
                why: "table functions (file readers, generators) are a way around the \
                      catalog that the sharing policies guard; only administrators may \
                      use them"
                    .to_string(),
            })
        };
        match factor {
            TableFactor::Table {
                name,
                args: Some(_),
                ..
            }
            | TableFactor::Function { name, .. } => table_function(name.to_string()),
            TableFactor::TableFunction { expr, .. } => table_function(expr.to_string()),
            TableFactor::JsonTable { .. }
            | TableFactor::OpenJsonTable { .. }
            | TableFactor::XmlTable { .. } => table_function("JSON_TABLE/XMLTABLE".to_string()),
            _ => ControlFlow::Continue(()),
        }
    }

    fn pre_visit_select(&mut self, select: &Select) -> ControlFlow<Refusal> {
        if select.into.is_some() {
            return ControlFlow::Break(Refusal {
                what: "SELECT INTO".to_string(),
                why: "it creates a table; only administrators may change the catalog".to_string(),
            });
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use datafusion::sql::parser::DFParser;

    use super::check;

    fn verdict(sql: &str) -> Result<(), String> {
        let mut statements = DFParser::parse_sql(sql).expect("the test SQL parses");
        let statement = statements.pop_front().expect("one statement");
        check(&statement).map_err(|r| r.to_string())
    }

    #[test]
    fn queries_and_catalog_listings_pass() {
        for sql in [
            "SELECT port, count(*) FROM crossings GROUP BY port",
            "WITH t AS (SELECT 1 AS x) SELECT x FROM t UNION ALL SELECT 2",
            "SELECT * FROM (SELECT port FROM crossings) c JOIN ports p ON p.port = c.port",
            "SELECT x FROM (VALUES (1), (2)) AS v(x)",
            "SHOW TABLES",
            "SHOW COLUMNS FROM crossings",
            "DESCRIBE crossings",
        ] {
            assert_eq!(verdict(sql), Ok(()), "{sql}");
        }
    }

    #[test]
    fn writes_files_options_plans_and_table_functions_are_refused_with_the_reason() {
        let cases = [
            ("COPY crossings TO '/tmp/x.csv'", "COPY is refused"),
            (
                "CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '/lake/crossings/'",
                "CREATE EXTERNAL TABLE is refused: reading files directly",
            ),
            (
                "CREATE TABLE t AS SELECT 1",
                "CREATE TABLE is refused: Gerbang's SQL is read-only",
            ),
            ("CREATE VIEW v AS SELECT 1", "CREATE VIEW is refused"),
            ("DROP TABLE crossings", "DROP TABLE is refused"),
            ("INSERT INTO crossings VALUES (1)", "INSERT is refused"),
            ("DELETE FROM crossings", "DELETE is refused"),
            ("UPDATE crossings SET port = 'X'", "UPDATE is refused"),
            ("SET datafusion.execution.batch_size = 1", "SET is refused"),
            ("RESET datafusion.execution.batch_size", "RESET is refused"),
            ("EXPLAIN SELECT * FROM crossings", "EXPLAIN is refused"),
            (
                "EXPLAIN ANALYZE SELECT * FROM crossings",
                "EXPLAIN is refused",
            ),
            (
                "SELECT * FROM generate_series(1, 10)",
                "the table function generate_series",
            ),
            (
                "SELECT * FROM read_parquet('/lake/crossings/x.parquet')",
                "the table function read_parquet",
            ),
            (
                "SELECT * FROM ports WHERE port IN (SELECT value FROM range(3))",
                "the table function range",
            ),
            (
                "SELECT * INTO copy_of FROM crossings",
                "SELECT INTO is refused",
            ),
            ("PREPARE q AS SELECT 1", "PREPARE is refused"),
        ];
        for (sql, expected) in cases {
            let refused = verdict(sql).expect_err(sql);
            assert!(refused.contains(expected), "{sql}: {refused}");
        }
    }
}
