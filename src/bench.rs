//! `gerbang bench-queries`: times SQL statements inside one process, for the benchmark
//! suite (`tests/bench/suite.py`). Opening the lake and registering its tables and views
//! happens once and is reported on its own line, and so is reading the latest weeks of
//! rollups into the rollup cache, as `gerbang serve` does when it starts; each statement is
//! then planned, run and collected `--runs` times, and only that is timed. It is a
//! measurement aid, not a user command, so it is hidden from `--help`.
//!
//! The statements file holds `-- name: <name>` lines, each followed by one statement:
//! ```sql
//! -- name: kpi_clearance_hourly
//! SELECT * FROM kpi_clearance_hourly
//! ```
//! Each statement prints one JSON line to standard output:
//! `{"name":"kpi_clearance_hourly","rows":123,"ms":[812.4,790.1,801.7]}`.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use datafusion::dataframe::DataFrameWriteOptions;
use gerbang_ingest::schema::Table;
use gerbang_query::Warehouse;

/// The tables a warehouse holds in memory rather than in the lake's Parquet files: another
/// engine needs them as files to run the same SQL.
const IN_MEMORY_TABLES: &[&str] = &[
    "ports",
    "mou_targets",
    "mou_exchange_targets",
    "ingest_runs",
];

/// One named statement of a statements file.
#[derive(Debug, PartialEq)]
struct Statement {
    name: String,
    sql: String,
}

/// Opens the lake once, optionally exports the in-memory tables to `export`, then times
/// every statement of `queries` `runs` times.
pub async fn run(lake: &str, queries: &Path, runs: u32, export: Option<&Path>) -> Result<()> {
    let text = std::fs::read_to_string(queries)
        .with_context(|| format!("reading {}", queries.display()))?;
    let statements = parse_statements(&text)?;
    let opened = Instant::now();
    let warehouse = Warehouse::open(lake).await?;
    eprintln!(
        "opened lake version {} in {:.1} ms",
        warehouse.data_version(),
        elapsed_ms(opened)
    );
    if let Some(folder) = export {
        export_tables(&warehouse, folder).await?;
    }
    let warming = Instant::now();
    let warmed = warehouse.warm_rollup_cache().await?;
    eprintln!(
        "read the latest {} days of rollups into the rollup cache, as the dashboard does: \
         {} objects, {:.1} MiB, in {:.1} ms",
        gerbang_query::rollup::WARM_DAYS,
        warmed.objects,
        warmed.bytes as f64 / f64::from(1 << 20),
        elapsed_ms(warming)
    );
    for statement in &statements {
        let mut timings = Vec::new();
        let mut rows = 0;
        for _ in 0..runs.max(1) {
            let started = Instant::now();
            let batches = warehouse
                .sql(&statement.sql)
                .await
                .with_context(|| format!("statement {}", statement.name))?;
            timings.push(elapsed_ms(started));
            rows = batches.iter().map(|b| b.num_rows()).sum::<usize>();
        }
        let shown: Vec<String> = timings.iter().map(|ms| format!("{ms:.3}")).collect();
        println!(
            "{{\"name\":\"{}\",\"rows\":{rows},\"ms\":[{}]}}",
            json_escaped(&statement.name),
            shown.join(",")
        );
    }
    let footers = warehouse.footer_cache();
    eprintln!(
        "footer cache: {} files, {:.1} MiB of {:.0} MiB",
        footers.files,
        footers.bytes as f64 / f64::from(1 << 20),
        footers.budget as f64 / f64::from(1 << 20)
    );
    Ok(())
}

/// Writes each in-memory table to `<folder>/<name>.parquet`, and every lake table's empty
/// schema to `<folder>/<name>.empty.parquet` (for tables with no data files yet).
async fn export_tables(warehouse: &Warehouse, folder: &Path) -> Result<()> {
    std::fs::create_dir_all(folder)?;
    let lake_tables = Table::ALL.iter().map(|t| (t.name(), true));
    let in_memory = IN_MEMORY_TABLES.iter().map(|name| (*name, false));
    for (name, schema_only) in in_memory.chain(lake_tables) {
        let (file, sql) = if schema_only {
            (
                format!("{name}.empty.parquet"),
                format!("SELECT * FROM {name} LIMIT 0"),
            )
        } else {
            (format!("{name}.parquet"), format!("SELECT * FROM {name}"))
        };
        let path = folder.join(file);
        let Some(path) = path.to_str() else {
            bail!("{} is not UTF-8", path.display());
        };
        warehouse
            .context()
            .sql(&sql)
            .await?
            .write_parquet(
                path,
                DataFrameWriteOptions::new().with_single_file_output(true),
                None,
            )
            .await
            .with_context(|| format!("exporting {name}"))?;
    }
    Ok(())
}

fn parse_statements(text: &str) -> Result<Vec<Statement>> {
    let mut statements: Vec<Statement> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.trim().strip_prefix("-- name:") {
            statements.push(Statement {
                name: name.trim().to_string(),
                sql: String::new(),
            });
        } else if let Some(current) = statements.last_mut() {
            current.sql.push_str(line);
            current.sql.push('\n');
        } else if !line.trim().is_empty() {
            bail!("the statements file must start with a `-- name:` line");
        }
    }
    if let Some(empty) = statements.iter().find(|s| s.sql.trim().is_empty()) {
        bail!("statement {} has no SQL", empty.name);
    }
    Ok(statements)
}

fn elapsed_ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

fn json_escaped(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_split_at_name_lines() {
        let text = "-- name: a\nSELECT 1\n\n-- name: b\nSELECT *\nFROM t\n";
        let statements = parse_statements(text).expect("parses");
        assert_eq!(
            statements,
            vec![
                Statement {
                    name: "a".into(),
                    sql: "SELECT 1\n\n".into()
                },
                Statement {
                    name: "b".into(),
                    sql: "SELECT *\nFROM t\n".into()
                },
            ]
        );
    }

    #[test]
    fn a_statement_without_sql_or_a_name_is_refused() {
        assert!(parse_statements("-- name: a\n\n-- name: b\nSELECT 1\n").is_err());
        assert!(parse_statements("SELECT 1\n").is_err());
    }
}
