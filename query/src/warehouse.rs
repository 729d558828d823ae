//! The [`Warehouse`]: one DataFusion session over one snapshot of the lake.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use datafusion::arrow::array::{
    ArrayRef, BooleanArray, Date32Array, RecordBatch, StringArray, TimestampMillisecondArray,
    UInt64Array,
};
use datafusion::arrow::datatypes::{DataType, Date32Type, Field, Schema, SchemaRef, TimeUnit};
use datafusion::datasource::MemTable;
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};
use gerbang_ingest::feeds::Feed;
use gerbang_ingest::lake::{Lake, Snapshot};
use gerbang_ingest::reference::PortRegistry;
use gerbang_ingest::schema::Table;

use crate::error::Result;
use crate::kpi::{self, ViewDefinition};
use crate::lake_table::LakeTable;
use crate::rollup;
use crate::targets::MouTargets;
use crate::udf;

/// The bytes of decoded Parquet footers (file metadata, statistics, page indexes) a
/// warehouse keeps in memory by default, shared by every query and user: 256 MiB.
///
/// Without them every query reads and decodes the footer of each file it scans again. A
/// national year at scale 1 has about 8,000 crossings files; loading their footers was
/// half of a plain scan's time (see `BENCHMARKS.md`). DataFusion's own default, 50 MB, holds
/// only part of them, and it evicts the least recently used, so a full scan kept missing.
pub const DEFAULT_FOOTER_CACHE_BUDGET: usize = 256 << 20;

/// What the rollup cache holds after [`Warehouse::warm_rollup_cache`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WarmedRollups {
    /// Rollup objects held.
    pub objects: usize,
    /// Their decoded bytes.
    pub bytes: usize,
}

/// What the footer cache holds: see [`Warehouse::footer_cache`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FooterCacheUsage {
    /// Files whose footer is held.
    pub files: usize,
    /// Bytes those footers take, as DataFusion accounts them.
    pub bytes: usize,
    /// Times a query found a footer here instead of reading it from its file.
    pub hits: usize,
    /// The most bytes it may hold.
    pub budget: usize,
}

/// A queryable view of the lake at one version, with the KPI library registered.
///
/// # Example
/// ```no_run
/// # async fn demo() -> gerbang_query::Result<()> {
/// let warehouse = gerbang_query::Warehouse::open("lake").await?;
/// let batches = warehouse.sql("SELECT port, count(*) FROM crossings GROUP BY port").await?;
/// # Ok(()) }
/// ```
pub struct Warehouse {
    ctx: SessionContext,
    lake: Option<Lake>,
    version: AtomicU64,
    /// Held while the lake's tables are swapped for a newer version.
    refreshing: tokio::sync::Mutex<()>,
    registry: PortRegistry,
    targets: MouTargets,
    views: Vec<ViewDefinition>,
    /// Decoded rollup objects, kept across the versions this warehouse serves.
    rollup_cache: Arc<rollup::RollupCache>,
    /// The latest local date with stored rollups, in the version served.
    latest_rollup_date: std::sync::Mutex<Option<chrono::NaiveDate>>,
    /// Sharing policies, query limits, the audit log and the principals' sessions.
    pub(crate) access: crate::policy::Access,
}

impl std::fmt::Debug for Warehouse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Warehouse")
            .field("lake", &self.lake.as_ref().map(Lake::location))
            .field("version", &self.data_version())
            .field("targets_version", &self.targets.version)
            .finish_non_exhaustive()
    }
}

impl Warehouse {
    /// Opens the lake at a path or URL with the embedded port registry and MoU targets. A
    /// local lake that does not exist is an error: reading never creates one.
    pub async fn open(location: &str) -> Result<Warehouse> {
        let lake = Lake::open_existing(location)?;
        Self::open_lake(lake, PortRegistry::embedded(), MouTargets::embedded()).await
    }

    /// Opens a lake with the given reference data.
    pub async fn open_lake(
        lake: Lake,
        registry: PortRegistry,
        targets: MouTargets,
    ) -> Result<Warehouse> {
        let snapshot = lake.snapshot().await?;
        let ctx = new_context()?;
        ctx.register_object_store(lake.store_url(), lake.store());
        for table in Table::ALL {
            let provider = LakeTable::new(&lake, table, snapshot.files(table.name()))?;
            ctx.register_table(table.name(), Arc::new(provider))?;
        }
        let rollup_cache = Arc::new(rollup::RollupCache::new(rollup::DEFAULT_CACHE_BUDGET));
        let latest_rollup_date = rollup::register(&ctx, &lake, &snapshot, &rollup_cache).await?;
        register_batch(&ctx, "ingest_runs", ingest_runs_batch(&snapshot)?)?;
        let mut warehouse = Warehouse {
            ctx,
            rollup_cache,
            latest_rollup_date: std::sync::Mutex::new(latest_rollup_date),
            access: crate::policy::Access::new(Some(&lake))?,
            lake: Some(lake),
            version: AtomicU64::new(snapshot.version()),
            refreshing: tokio::sync::Mutex::new(()),
            registry,
            targets,
            views: Vec::new(),
        };
        warehouse.register_reference_and_views().await?;
        Ok(warehouse)
    }

    /// A warehouse over in-memory tables instead of a lake: for tests and fixtures. Every
    /// lake table not given is registered empty.
    pub async fn from_tables(
        tables: Vec<(String, Vec<RecordBatch>)>,
        registry: PortRegistry,
        targets: MouTargets,
    ) -> Result<Warehouse> {
        let ctx = new_context()?;
        for table in Table::ALL {
            if !tables.iter().any(|(name, _)| name == table.name()) {
                let empty = MemTable::try_new(table.schema(), vec![vec![]])?;
                ctx.register_table(table.name(), Arc::new(empty))?;
            }
        }
        for (name, batches) in tables {
            let Some(schema) = batches.first().map(RecordBatch::schema) else {
                continue;
            };
            ctx.register_table(
                name.as_str(),
                Arc::new(MemTable::try_new(schema, vec![batches])?),
            )?;
        }
        rollup::register_without_lake(&ctx).await?;
        if !ctx.table_exist("ingest_runs")? {
            let empty_runs = ingest_runs_batch(&Snapshot::default())?;
            register_batch(&ctx, "ingest_runs", empty_runs)?;
        }
        let mut warehouse = Warehouse {
            ctx,
            lake: None,
            version: AtomicU64::new(0),
            refreshing: tokio::sync::Mutex::new(()),
            registry,
            targets,
            views: Vec::new(),
            rollup_cache: Arc::new(rollup::RollupCache::new(0)),
            latest_rollup_date: std::sync::Mutex::new(None),
            access: crate::policy::Access::new(None)?,
        };
        warehouse.register_reference_and_views().await?;
        Ok(warehouse)
    }

    async fn register_reference_and_views(&mut self) -> Result<()> {
        self.ctx.register_udf(udf::port_local_time());
        self.ctx.register_udaf(udf::percentile_linear());
        self.ctx.register_udaf(rollup::percentile_from_histogram());
        self.ctx.register_udf(udf::suppress_small());
        register_batch(&self.ctx, "ports", ports_batch(&self.registry)?)?;
        register_batch(
            &self.ctx,
            "mou_targets",
            self.targets.to_batch(&self.registry)?,
        )?;
        register_batch(
            &self.ctx,
            "mou_exchange_targets",
            self.targets.exchange_batch()?,
        )?;
        self.views = kpi::library()?;
        self.create_views(&self.views).await
    }

    async fn create_views(&self, views: &[ViewDefinition]) -> Result<()> {
        for view in views {
            let statement = format!("CREATE OR REPLACE VIEW {} AS {}", view.name, view.sql);
            self.ctx
                .sql(&statement)
                .await
                .map_err(|e| crate::QueryError::Definition {
                    file: view.file.to_string(),
                    message: e.to_string(),
                })?;
        }
        Ok(())
    }

    /// Runs one SQL statement and collects its result.
    pub async fn sql(&self, sql: &str) -> Result<Vec<RecordBatch>> {
        Ok(self.ctx.sql(sql).await?.collect().await?)
    }

    /// The DataFusion session, for callers that stream or inspect plans.
    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }

    /// The lake version this warehouse reads: it changes with every committed ingest run.
    pub fn data_version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    /// Reads the lake's commit log again and, if an ingest run committed since, serves
    /// the new version: tables, `ingest_runs` and the KPI views are registered anew.
    /// Queries already running finish on the version they started with. Returns the
    /// version now served.
    pub async fn refresh(&self) -> Result<u64> {
        let Some(lake) = &self.lake else {
            return Ok(self.data_version());
        };
        let _only_one = self.refreshing.lock().await;
        let snapshot = lake.snapshot().await?;
        if snapshot.version() == self.data_version() {
            return Ok(snapshot.version());
        }
        for table in Table::ALL {
            let provider = LakeTable::new(lake, table, snapshot.files(table.name()))?;
            self.ctx.deregister_table(table.name())?;
            self.ctx.register_table(table.name(), Arc::new(provider))?;
        }
        let latest = rollup::register(&self.ctx, lake, &snapshot, &self.rollup_cache).await?;
        *self.latest_rollup_date() = latest;
        self.ctx.deregister_table("ingest_runs")?;
        register_batch(&self.ctx, "ingest_runs", ingest_runs_batch(&snapshot)?)?;
        // A view holds the plan it was made with, tables included: make them again.
        self.create_views(&self.views).await?;
        self.version.store(snapshot.version(), Ordering::Release);
        Ok(snapshot.version())
    }

    /// Reads the stored rollups of the latest [`rollup::WARM_DAYS`] local dates into the
    /// rollup cache, as far as its budget takes them, so that the first visitor of the
    /// dashboard's pages after a start or an ingest run does not wait while hundreds of
    /// objects are read and decoded. Returns what the cache holds afterwards.
    pub async fn warm_rollup_cache(&self) -> Result<WarmedRollups> {
        let latest = *self.latest_rollup_date();
        if let Some(latest) = latest.filter(|_| self.rollup_cache.budget() > 0) {
            for statement in rollup::warming_statements(latest) {
                self.sql(&statement).await?;
            }
        }
        Ok(WarmedRollups {
            objects: self.rollup_cache.len(),
            bytes: self.rollup_cache.used(),
        })
    }

    fn latest_rollup_date(&self) -> std::sync::MutexGuard<'_, Option<chrono::NaiveDate>> {
        // A plain value: a panic elsewhere cannot leave it half-written.
        self.latest_rollup_date
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Sets how many bytes of decoded rollup objects the warehouse keeps in memory
    /// (see [`rollup::RollupCache`]); 0 reads every rollup from the lake every time.
    pub fn with_rollup_cache_budget(self, bytes: usize) -> Warehouse {
        self.rollup_cache.set_budget(bytes);
        self
    }

    /// Sets how many bytes of decoded Parquet footers the warehouse keeps in memory (see
    /// [`DEFAULT_FOOTER_CACHE_BUDGET`]); 0 reads each file's footer on every query.
    /// Per-user sessions share the same cache.
    pub fn with_footer_cache_budget(self, bytes: usize) -> Warehouse {
        self.footer_cache_handle().update_cache_limit(bytes);
        self
    }

    /// How many footers the footer cache holds, and how many bytes they take.
    pub fn footer_cache(&self) -> FooterCacheUsage {
        let cache = self.footer_cache_handle();
        let entries = cache.list_entries();
        FooterCacheUsage {
            files: entries.len(),
            bytes: entries.values().map(|entry| entry.size_bytes).sum(),
            hits: entries.values().map(|entry| entry.hits).sum(),
            budget: cache.cache_limit(),
        }
    }

    fn footer_cache_handle(
        &self,
    ) -> Arc<datafusion::execution::cache::cache_manager::FileMetadataCache> {
        self.ctx
            .runtime_env()
            .cache_manager
            .get_file_metadata_cache()
    }

    /// The decoded rollup objects kept in memory.
    pub fn rollup_cache(&self) -> &rollup::RollupCache {
        &self.rollup_cache
    }

    /// The lake, when this warehouse reads one.
    pub fn lake(&self) -> Option<&Lake> {
        self.lake.as_ref()
    }

    pub fn ports(&self) -> &PortRegistry {
        &self.registry
    }

    pub fn targets(&self) -> &MouTargets {
        &self.targets
    }

    /// Every view of the KPI library, in registration order.
    pub fn views(&self) -> &[ViewDefinition] {
        &self.views
    }
}

fn new_context() -> Result<SessionContext> {
    let config = SessionConfig::new()
        .with_information_schema(true)
        .with_default_catalog_and_schema("gerbang", "public");
    let runtime = RuntimeEnvBuilder::new()
        .with_metadata_cache_limit(DEFAULT_FOOTER_CACHE_BUDGET)
        .build_arc()?;
    let state = SessionStateBuilder::new()
        .with_config(config)
        .with_runtime_env(runtime)
        .with_default_features()
        .build();
    Ok(SessionContext::new_with_state(state))
}

fn register_batch(ctx: &SessionContext, name: &str, batch: RecordBatch) -> Result<()> {
    let table = MemTable::try_new(batch.schema(), vec![vec![batch]])?;
    ctx.register_table(name, Arc::new(table))?;
    Ok(())
}

fn ports_batch(registry: &PortRegistry) -> Result<RecordBatch> {
    let ports: Vec<_> = registry.iter().collect();
    let text = |f: &dyn Fn(&gerbang_ingest::reference::Port) -> &str| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(ports.iter().map(|p| f(p))))
    };
    let schema = Arc::new(Schema::new(vec![
        Field::new("port", DataType::Utf8, false),
        Field::new("name", DataType::Utf8, false),
        Field::new("bps_name", DataType::Utf8, true),
        Field::new("kind", DataType::Utf8, false),
        Field::new("zone", DataType::Utf8, false),
        Field::new("zone_label", DataType::Utf8, false),
        Field::new("country", DataType::Utf8, false),
        Field::new("benchmark", DataType::Boolean, false),
    ]));
    let columns: Vec<ArrayRef> = vec![
        text(&|p| &p.code),
        text(&|p| &p.name),
        Arc::new(StringArray::from_iter(
            ports.iter().map(|p| p.bps_name.as_deref()),
        )),
        text(&|p| p.kind.as_str()),
        text(&|p| p.zone.name()),
        text(&|p| p.zone_label()),
        text(&|p| &p.country),
        Arc::new(BooleanArray::from_iter(
            ports.iter().map(|p| Some(p.benchmark)),
        )),
    ];
    Ok(RecordBatch::try_new(schema, columns).map_err(datafusion::error::DataFusionError::from)?)
}

/// The schema of `ingest_runs`: one row per source file per committed run.
pub fn ingest_runs_schema() -> SchemaRef {
    let utc = || DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()));
    Arc::new(Schema::new(vec![
        Field::new("run_id", DataType::Utf8, false),
        Field::new("version", DataType::UInt64, false),
        Field::new("started_at", utc(), false),
        Field::new("finished_at", utc(), false),
        Field::new("source_file", DataType::Utf8, false),
        Field::new("feed", DataType::Utf8, false),
        Field::new("sha256", DataType::Utf8, false),
        Field::new("rows_in", DataType::UInt64, false),
        Field::new("rows_landed", DataType::UInt64, false),
        Field::new("rows_rejected", DataType::UInt64, false),
        // The agency that sends the feed ('immigration', 'customs', ...).
        Field::new("agency", DataType::Utf8, false),
        // Port and local night from the file's name, when it follows the convention.
        Field::new("port", DataType::Utf8, true),
        Field::new("night", DataType::Date32, true),
        // When the agency's system exported the file, if its name says.
        Field::new("exported_at", utc(), true),
    ]))
}

/// `ingest_runs`: one row per source file per committed run.
fn ingest_runs_batch(snapshot: &Snapshot) -> Result<RecordBatch> {
    let rows: Vec<_> = snapshot
        .commits
        .iter()
        .flat_map(|c| c.sources.iter().map(move |s| (c, s)))
        .collect();
    let schema = ingest_runs_schema();
    let time = |f: &dyn Fn(&gerbang_ingest::lake::Commit) -> i64| -> ArrayRef {
        Arc::new(
            TimestampMillisecondArray::from_iter_values(rows.iter().map(|(c, _)| f(c)))
                .with_timezone("UTC"),
        )
    };
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|(c, _)| c.run_id.as_str()),
        )),
        Arc::new(UInt64Array::from_iter_values(
            rows.iter().map(|(c, _)| c.version),
        )),
        time(&|c| c.started_at.timestamp_millis()),
        time(&|c| c.finished_at.timestamp_millis()),
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|(_, s)| s.file.as_str()),
        )),
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|(_, s)| s.feed.as_str()),
        )),
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|(_, s)| s.sha256.as_str()),
        )),
        Arc::new(UInt64Array::from_iter_values(
            rows.iter().map(|(_, s)| s.rows_in),
        )),
        Arc::new(UInt64Array::from_iter_values(
            rows.iter().map(|(_, s)| s.rows_landed),
        )),
        Arc::new(UInt64Array::from_iter_values(
            rows.iter().map(|(_, s)| s.rows_rejected),
        )),
        Arc::new(StringArray::from_iter_values(rows.iter().map(|(_, s)| {
            Feed::from_name(&s.feed).map_or("unknown", Feed::agency)
        }))),
        Arc::new(StringArray::from_iter(
            rows.iter().map(|(_, s)| s.port.as_deref()),
        )),
        Arc::new(Date32Array::from_iter(
            rows.iter()
                .map(|(_, s)| s.night.map(Date32Type::from_naive_date)),
        )),
        Arc::new(
            TimestampMillisecondArray::from_iter(
                rows.iter()
                    .map(|(_, s)| s.exported_at.map(|t| t.timestamp_millis())),
            )
            .with_timezone("UTC"),
        ),
    ];
    Ok(RecordBatch::try_new(schema, columns).map_err(datafusion::error::DataFusionError::from)?)
}
