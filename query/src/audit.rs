//! The audit log: one record per query (and later per page view, export and report) with
//! who asked, when, what, which tables it touched, how many rows came back and how it
//! ended. It is the table `audit`: administrators read all of it, an agency's data owners
//! the records of queries that touched their agency's tables.
//!
//! Records are kept in memory and flushed into the lake as small Parquet files below
//! `_audit/` (`_audit/date=2026-11-24/audit-<millis>-<process>-<sequence>.parquet`), each
//! written with a single create-only put, so a file is either whole or absent. They are
//! outside the commit log on purpose: the audit is appended by every query, and ingest
//! runs must not wait for it. A flush happens when 64 records wait, when the oldest has
//! waited 5 seconds (checked after each query and by a background task), and on
//! [`AuditLog::flush`], which a server calls when it stops. The table reads the files and
//! the records still waiting, so nothing is invisible between flushes.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use datafusion::arrow::array::{
    ArrayRef, Int64Array, RecordBatch, StringArray, TimestampMillisecondArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use datafusion::catalog::Session;
use datafusion::common::Result as DfResult;
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::PartitionedFile;
use datafusion::datasource::memory::MemorySourceConfig;
use datafusion::datasource::physical_plan::{FileGroup, FileScanConfigBuilder, ParquetSource};
use datafusion::datasource::{TableProvider, TableType};
use datafusion::error::DataFusionError;
use datafusion::execution::object_store::ObjectStoreUrl;
use datafusion::logical_expr::Expr;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, ZstdLevel};
use datafusion::parquet::file::properties::WriterProperties;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::union::UnionExec;
use futures::TryStreamExt;
use gerbang_ingest::IngestError;
use gerbang_ingest::lake::Lake;
use object_store::path::Path;
use object_store::{ObjectStore, PutMode, PutOptions, PutPayload};

use crate::error::{QueryError, Result};

/// Where the audit lives below the lake's root.
pub const AUDIT_DIR: &str = "_audit";
/// Records waiting before a flush is due.
const FLUSH_AT_RECORDS: usize = 64;
/// How long a record may wait before a flush is due.
const FLUSH_AFTER: Duration = Duration::from_secs(5);

/// How an audited action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// Refused before it ran: a statement only administrators may run, a table function.
    Refused,
    /// Bad SQL, an unknown (or hidden) table or column, an execution error.
    Failed,
    /// Stopped by the per-query time limit.
    TimedOut,
    /// Stopped by the per-query memory limit.
    MemoryExceeded,
    /// The caller went away (the future was dropped) before it finished.
    Cancelled,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Refused => "refused",
            Outcome::Failed => "failed",
            Outcome::TimedOut => "timed_out",
            Outcome::MemoryExceeded => "memory_exceeded",
            Outcome::Cancelled => "cancelled",
        }
    }
}

/// One audited action.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub at: DateTime<Utc>,
    pub user: String,
    pub agency: String,
    /// Comma-separated, sorted.
    pub roles: String,
    /// `query` (later also `page_view`, `export`, `report`).
    pub action: String,
    /// Where it came from: `cli`, `console`, `api`, `postgres`, `dashboard`, ...
    pub interface: String,
    pub sql: String,
    /// The warehouse tables the action read (views resolved to their tables).
    pub tables: BTreeSet<String>,
    pub rows: Option<u64>,
    pub outcome: Outcome,
    pub error: Option<String>,
    pub duration: Duration,
}

/// The schema of the `audit` table.
pub fn audit_schema() -> SchemaRef {
    let text = |name: &str| Field::new(name, DataType::Utf8, false);
    Arc::new(Schema::new(vec![
        Field::new(
            "at",
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
            false,
        ),
        text("user"),
        text("agency"),
        text("roles"),
        text("action"),
        text("interface"),
        text("sql"),
        // Comma-separated, sorted: `crossings,customs_inspections`.
        text("tables_touched"),
        Field::new("rows_returned", DataType::Int64, true),
        text("outcome"),
        Field::new("error", DataType::Utf8, true),
        Field::new("duration_ms", DataType::Int64, false),
    ]))
}

fn batch_of(records: &[AuditRecord]) -> Result<RecordBatch> {
    let text = |f: &dyn Fn(&AuditRecord) -> &str| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(records.iter().map(f)))
    };
    let tables: Vec<String> = records
        .iter()
        .map(|r| r.tables.iter().cloned().collect::<Vec<_>>().join(","))
        .collect();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(
            TimestampMillisecondArray::from_iter_values(
                records.iter().map(|r| r.at.timestamp_millis()),
            )
            .with_timezone("UTC"),
        ),
        text(&|r| &r.user),
        text(&|r| &r.agency),
        text(&|r| &r.roles),
        text(&|r| &r.action),
        text(&|r| &r.interface),
        text(&|r| &r.sql),
        Arc::new(StringArray::from_iter_values(tables)),
        Arc::new(Int64Array::from_iter(
            records
                .iter()
                .map(|r| r.rows.map(|n| i64::try_from(n).unwrap_or(i64::MAX))),
        )),
        text(&|r| r.outcome.as_str()),
        Arc::new(StringArray::from_iter(
            records.iter().map(|r| r.error.as_deref()),
        )),
        Arc::new(Int64Array::from_iter_values(records.iter().map(|r| {
            i64::try_from(r.duration.as_millis()).unwrap_or(i64::MAX)
        }))),
    ];
    Ok(RecordBatch::try_new(audit_schema(), columns).map_err(DataFusionError::from)?)
}

/// Where flushed records go.
#[derive(Debug)]
struct LakeSink {
    store: Arc<dyn ObjectStore>,
    store_url: ObjectStoreUrl,
    dir: Path,
    location: String,
}

#[derive(Debug, Default)]
struct Pending {
    records: Vec<AuditRecord>,
    since: Option<Instant>,
}

#[derive(Debug)]
struct Inner {
    sink: Option<LakeSink>,
    pending: Mutex<Pending>,
    /// Held while records move from memory to a file, and while the table lists files and
    /// copies the waiting records, so that a reader sees each record exactly once.
    moving: tokio::sync::Mutex<()>,
    sequence: AtomicU64,
}

/// The audit log of one warehouse; cheap to clone.
#[derive(Debug, Clone)]
pub struct AuditLog {
    inner: Arc<Inner>,
}

impl AuditLog {
    /// A log kept in memory only: for warehouses without a lake (tests, fixtures).
    pub fn in_memory() -> AuditLog {
        AuditLog::with_sink(None)
    }

    /// A log flushed into the lake's `_audit/` folder. Inside a Tokio runtime, a
    /// background task flushes waiting records every few seconds while the log lives.
    pub fn in_lake(lake: &Lake) -> Result<AuditLog> {
        let store_url = ObjectStoreUrl::parse(lake.store_url().as_str())?;
        let log = AuditLog::with_sink(Some(LakeSink {
            store: lake.store(),
            store_url,
            dir: lake.path(AUDIT_DIR),
            location: lake.location().to_string(),
        }));
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(flush_in_background(Arc::downgrade(&log.inner)));
        }
        Ok(log)
    }

    fn with_sink(sink: Option<LakeSink>) -> AuditLog {
        AuditLog {
            inner: Arc::new(Inner {
                sink,
                pending: Mutex::new(Pending::default()),
                moving: tokio::sync::Mutex::new(()),
                sequence: AtomicU64::new(0),
            }),
        }
    }

    /// Adds a record; it is visible in `audit` at once and reaches the lake with the next
    /// flush. Never blocks on I/O, so it can run when a query is dropped.
    pub fn record(&self, record: AuditRecord) {
        let mut pending = self.lock();
        pending.since.get_or_insert_with(Instant::now);
        pending.records.push(record);
    }

    /// Flushes if enough records wait, or the oldest has waited long enough.
    pub async fn flush_if_due(&self) -> Result<()> {
        let due = {
            let pending = self.lock();
            pending.records.len() >= FLUSH_AT_RECORDS
                || pending.since.is_some_and(|t| t.elapsed() >= FLUSH_AFTER)
        };
        if due {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes every waiting record to one new file in the lake; returns how many. A log
    /// without a lake keeps them in memory.
    pub async fn flush(&self) -> Result<usize> {
        let Some(sink) = &self.inner.sink else {
            return Ok(0);
        };
        let _moving = self.inner.moving.lock().await;
        let records = self.lock().records.clone();
        if records.is_empty() {
            return Ok(0);
        }
        let batch = batch_of(&records)?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .build();
        let parquet = |e| QueryError::Lake(IngestError::Parquet(e));
        let mut writer =
            ArrowWriter::try_new(Vec::new(), audit_schema(), Some(properties)).map_err(parquet)?;
        writer.write(&batch).map_err(parquet)?;
        let bytes = writer.into_inner().map_err(parquet)?;
        let first = &records[0].at;
        let name = format!(
            "audit-{}-{}-{:06}.parquet",
            Utc::now().timestamp_millis(),
            std::process::id(),
            self.inner.sequence.fetch_add(1, Ordering::Relaxed)
        );
        let path = sink
            .dir
            .clone()
            .join(format!("date={}", first.format("%Y-%m-%d")).as_str())
            .join(name.as_str());
        let options = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        sink.store
            .put_opts(&path, PutPayload::from(bytes), options)
            .await
            .map_err(|source| {
                QueryError::Lake(IngestError::ObjectStore {
                    context: format!("writing the audit file {path} in {}", sink.location),
                    source,
                })
            })?;
        let mut pending = self.lock();
        pending.records.drain(..records.len());
        pending.since = (!pending.records.is_empty()).then(Instant::now);
        Ok(records.len())
    }

    /// The `audit` table over this log: the flushed files and the records still waiting.
    /// Sessions register it under the audit's access rules; the dashboard's SQL console
    /// reads a user's own queries from it for their history.
    pub fn table(&self) -> Arc<dyn TableProvider> {
        Arc::new(AuditTable { log: self.clone() })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        // A panic while holding the lock leaves whole records behind: keep using them.
        self.inner
            .pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

async fn flush_in_background(log: Weak<Inner>) {
    loop {
        tokio::time::sleep(FLUSH_AFTER).await;
        let Some(inner) = log.upgrade() else {
            return;
        };
        let log = AuditLog { inner };
        if let Err(error) = log.flush_if_due().await {
            eprintln!(
                "warning: audit records could not be written yet ({error}); they are kept in memory and retried"
            );
        }
    }
}

/// The `audit` table: the flushed files and the records still waiting.
#[derive(Debug)]
struct AuditTable {
    log: AuditLog,
}

#[async_trait]
impl TableProvider for AuditTable {
    fn schema(&self) -> SchemaRef {
        audit_schema()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        _filters: &[Expr],
        _limit: Option<usize>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        let inner = &self.log.inner;
        let _moving = inner.moving.lock().await;
        let waiting = batch_of(&self.log.lock().records)
            .map_err(|e| DataFusionError::External(Box::new(e)))?;
        let mut parts: Vec<Arc<dyn ExecutionPlan>> = vec![MemorySourceConfig::try_new_exec(
            &[vec![waiting]],
            audit_schema(),
            projection.cloned(),
        )?];
        if let Some(sink) = &inner.sink {
            let files: Vec<PartitionedFile> = sink
                .store
                .list(Some(&sink.dir))
                .try_collect::<Vec<_>>()
                .await?
                .into_iter()
                .filter(|meta| meta.location.as_ref().ends_with(".parquet"))
                .map(|meta| PartitionedFile::new(meta.location.to_string(), meta.size))
                .collect();
            if !files.is_empty() {
                let source = Arc::new(ParquetSource::new(audit_schema()));
                let config = FileScanConfigBuilder::new(sink.store_url.clone(), source)
                    .with_file_groups(vec![FileGroup::new(files)])
                    .with_projection_indices(projection.cloned())?
                    .build();
                parts.push(
                    ParquetFormat::default()
                        .with_options(state.table_options().parquet.clone())
                        .create_physical_plan(state, config)
                        .await?,
                );
            }
        }
        UnionExec::try_new(parts)
    }
}
