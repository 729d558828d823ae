//! Runs the KPI library's sqllogictest files (`query/tests/slt/*.slt`).
//!
//! Each `<name>.slt` gets a fresh [`Warehouse`] whose tables are filled from
//! `<name>.fixture.sql`: blocks that start with `-- table: <lake table>` followed by one
//! query giving that table's rows. Columns a fixture leaves out are filled in (NULL where
//! allowed, a placeholder otherwise); for `crossings`, `hour_start`, `local_date` and
//! `local_hour` are derived from `joined_queue_at` and the port's zone, exactly as ingest
//! does, unless the fixture gives them.
//!
//! `cargo test -p gerbang-query --test sqllogictests -- --complete` rewrites the expected
//! output of every file from the current results; read the diff before committing it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Timelike};
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Date32Array, Int32Array, Int64Array, RecordBatch, StringArray,
    TimestampMillisecondArray, new_null_array,
};
use datafusion::arrow::compute::{cast, concat_batches};
use datafusion::arrow::datatypes::{
    DataType, Field, Float64Type, SchemaRef, TimestampMillisecondType,
};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::prelude::SessionContext;
use gerbang_ingest::reference::PortRegistry;
use gerbang_ingest::schema::Table;
use gerbang_query::targets::MouTargets;
use gerbang_query::{QueryError, Warehouse};
use sqllogictest::{DBOutput, DefaultColumnType};

struct WarehouseDb {
    warehouse: Arc<Warehouse>,
}

#[async_trait]
impl sqllogictest::AsyncDB for WarehouseDb {
    type Error = QueryError;
    type ColumnType = DefaultColumnType;

    async fn run(&mut self, sql: &str) -> Result<DBOutput<DefaultColumnType>, QueryError> {
        let batches = self.warehouse.sql(sql).await?;
        let Some(schema) = batches.first().map(RecordBatch::schema) else {
            return Ok(DBOutput::Rows {
                types: vec![],
                rows: vec![],
            });
        };
        let types = schema
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::Float16
                | DataType::Float32
                | DataType::Float64
                | DataType::Decimal128(..) => DefaultColumnType::FloatingPoint,
                t if t.is_integer() => DefaultColumnType::Integer,
                _ => DefaultColumnType::Text,
            })
            .collect();
        let mut rows = Vec::new();
        for batch in &batches {
            let formatters: Vec<Box<dyn Fn(usize) -> String>> = batch
                .columns()
                .iter()
                .map(|c| cell_formatter(c.clone()))
                .collect();
            for row in 0..batch.num_rows() {
                rows.push(formatters.iter().map(|f| f(row)).collect());
            }
        }
        Ok(DBOutput::Rows { types, rows })
    }

    async fn shutdown(&mut self) {}

    fn engine_name(&self) -> &str {
        "gerbang"
    }
}

/// Cells as the `.slt` files write them: NULL, `(empty)`, floats to at most 4 decimals.
fn cell_formatter(column: ArrayRef) -> Box<dyn Fn(usize) -> String> {
    Box::new(move |row| {
        if column.is_null(row) {
            return "NULL".to_string();
        }
        if let DataType::Float64 = column.data_type() {
            let value = column.as_primitive::<Float64Type>().value(row);
            let text = format!("{value:.4}");
            let text = text.trim_end_matches('0').trim_end_matches('.').to_string();
            return if text == "-0" { "0".to_string() } else { text };
        }
        let options = FormatOptions::default();
        let text = ArrayFormatter::try_new(column.as_ref(), &options)
            .map(|f| f.value(row).to_string())
            .unwrap_or_else(|e| format!("<unformattable: {e}>"));
        if text.is_empty() {
            "(empty)".to_string()
        } else {
            text
        }
    })
}

/// Reads `<name>.fixture.sql` into canonical lake-table batches.
async fn load_fixture(
    path: &Path,
    registry: &PortRegistry,
) -> Result<Vec<(String, Vec<RecordBatch>)>, String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(vec![]);
    };
    let ctx = SessionContext::new();
    let mut tables = Vec::new();
    let mut blocks = text.split("-- table:").skip(1);
    for block in blocks.by_ref() {
        let (name, query) = block
            .split_once('\n')
            .ok_or("a '-- table:' line without a query")?;
        let name = name.trim();
        // The lake's tables, and the run manifest the warehouse builds from the commit log.
        let (target, is_crossings) = match Table::from_name(name) {
            Some(table) => (table.schema(), table == Table::Crossings),
            None if name == "ingest_runs" => {
                (gerbang_query::warehouse::ingest_runs_schema(), false)
            }
            None => return Err(format!("'{name}' is not a lake table nor ingest_runs")),
        };
        let batches = ctx
            .sql(query)
            .await
            .map_err(|e| format!("{name}: {e}"))?
            .collect()
            .await
            .map_err(|e| format!("{name}: {e}"))?;
        let Some(schema) = batches.first().map(RecordBatch::schema) else {
            continue;
        };
        let batch = concat_batches(&schema, &batches).map_err(|e| e.to_string())?;
        tables.push((
            name.to_string(),
            vec![conform(target, is_crossings, &batch, registry)?],
        ));
    }
    Ok(tables)
}

/// The fixture's columns cast to the table's schema; columns it leaves out are NULL, zero
/// or '-', and for crossings the local calendar is derived from the queue-join time.
fn conform(
    target: SchemaRef,
    is_crossings: bool,
    batch: &RecordBatch,
    registry: &PortRegistry,
) -> Result<RecordBatch, String> {
    let n = batch.num_rows();
    let given = |name: &str, field: &Field| -> Result<Option<ArrayRef>, String> {
        batch
            .column_by_name(name)
            .map(|c| cast(c, field.data_type()).map_err(|e| format!("{name}: {e}")))
            .transpose()
    };
    let derived = if is_crossings {
        derive_local(batch, registry)?
    } else {
        None
    };
    let mut columns = Vec::new();
    for field in target.fields() {
        let column = match given(field.name(), field)? {
            Some(column) => column,
            None => match (field.name().as_str(), &derived) {
                ("hour_start", Some((start, _, _))) => Arc::new(start.clone()) as ArrayRef,
                ("local_date", Some((_, date, _))) => Arc::new(date.clone()),
                ("local_hour", Some((_, _, hour))) => Arc::new(hour.clone()),
                _ if field.is_nullable() => new_null_array(field.data_type(), n),
                _ => {
                    let zeros: ArrayRef = Arc::new(Int64Array::from(vec![0; n]));
                    match field.data_type() {
                        DataType::Utf8 => Arc::new(StringArray::from(vec!["-"; n])) as ArrayRef,
                        other => {
                            cast(&zeros, other).map_err(|e| format!("{}: {e}", field.name()))?
                        }
                    }
                }
            },
        };
        columns.push(column);
    }
    RecordBatch::try_new(target, columns).map_err(|e| e.to_string())
}

/// hour_start, local_date and local_hour from joined_queue_at and the port's zone.
fn derive_local(
    batch: &RecordBatch,
    registry: &PortRegistry,
) -> Result<Option<(TimestampMillisecondArray, Date32Array, Int32Array)>, String> {
    let (Some(joined), Some(ports)) = (
        batch.column_by_name("joined_queue_at"),
        batch.column_by_name("port"),
    ) else {
        return Ok(None);
    };
    let joined = cast(joined, &gerbang_ingest::schema::utc_millis()).map_err(|e| e.to_string())?;
    let joined = joined.as_primitive::<TimestampMillisecondType>();
    let ports = cast(ports, &DataType::Utf8).map_err(|e| e.to_string())?;
    let ports = ports.as_string::<i32>();
    let (mut starts, mut dates, mut hours) = (vec![], vec![], vec![]);
    for i in 0..batch.num_rows() {
        let port = registry.get(ports.value(i)).ok_or(format!(
            "fixture port '{}' is not registered",
            ports.value(i)
        ))?;
        let t = DateTime::from_timestamp_millis(joined.value(i)).ok_or("bad joined_queue_at")?;
        let local = t.with_timezone(&port.zone);
        starts.push(joined.value(i) - joined.value(i).rem_euclid(3_600_000));
        dates.push(
            local
                .date_naive()
                .signed_duration_since(chrono::NaiveDate::default())
                .num_days() as i32,
        );
        hours.push(local.hour() as i32);
    }
    Ok(Some((
        TimestampMillisecondArray::from(starts).with_timezone("UTC"),
        Date32Array::from(dates),
        Int32Array::from(hours),
    )))
}

fn slt_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/slt");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "slt"));
    files.sort();
    files
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let complete = std::env::args().any(|a| a == "--complete");
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let registry = PortRegistry::embedded();
    let (mut passed, mut failed) = (0, 0);
    for file in slt_files() {
        let name = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if filter.as_ref().is_some_and(|f| !name.contains(f.as_str())) {
            continue;
        }
        let fixture = file.with_file_name(format!("{name}.fixture.sql"));
        let result: Result<(), String> = async {
            let tables = load_fixture(&fixture, &registry).await?;
            let warehouse = Arc::new(
                Warehouse::from_tables(tables, registry.clone(), MouTargets::embedded())
                    .await
                    .map_err(|e| e.to_string())?,
            );
            let mut runner = sqllogictest::Runner::new(move || {
                let warehouse = Arc::clone(&warehouse);
                async move { Ok(WarehouseDb { warehouse }) }
            });
            if complete {
                runner
                    .update_test_file(
                        &file,
                        " ",
                        sqllogictest::default_validator,
                        sqllogictest::default_normalizer,
                        sqllogictest::default_column_validator,
                    )
                    .await
                    .map_err(|e| e.to_string())
            } else {
                runner
                    .run_file_async(&file)
                    .await
                    .map_err(|e| e.display(true).to_string())
            }
        }
        .await;
        match result {
            Ok(()) => {
                passed += 1;
                println!("ok     {name}");
            }
            Err(e) => {
                failed += 1;
                println!("FAILED {name}\n{e}");
            }
        }
    }
    println!("sqllogictest: {passed} passed, {failed} failed");
    if failed > 0 {
        std::process::ExitCode::FAILURE
    } else {
        std::process::ExitCode::SUCCESS
    }
}
