//! Rollups: hourly traveller counts and one-minute wait histograms (by traveller group,
//! and for the whole port), kept in the lake next to the raw crossings so that KPIs over
//! weeks and months read thousands of rows instead of millions.
//!
//! Layout below the lake's root, partitioned like the raw data:
//! ```text
//! _rollups/crossings_hourly/port=CGK/local_date=2026-10-01/part-<fingerprint>.parquet
//! _rollups/wait_histogram/port=CGK/local_date=2026-10-01/part-<fingerprint>.parquet
//! _rollups/wait_histogram_by_port/port=CGK/local_date=2026-10-01/part-<fingerprint>.parquet
//! ```
//! A partition's rollups are computed with the SQL of `sql/96_rollup_computed_*.sql` from
//! exactly the crossings files the commit log names for that port and local date. The
//! fingerprint in the object's name is a hash of those files' paths and of that SQL; the
//! object's Parquet metadata also lists the files. So:
//! - one `LIST` of `_rollups/` tells which partitions are fresh for a snapshot: those whose
//!   objects carry the fingerprint the snapshot gives. An ingest run makes the
//!   partitions it touched stale, and so does a change to the rollup SQL;
//! - each object is written with a single put, which object stores make atomic, under a
//!   name no other source set uses, so a crash between an ingest commit and the rollup
//!   refresh leaves stale partitions, never wrong ones; the next ingest run or
//!   `gerbang rollup` recomputes them;
//! - the warehouse reads the fresh objects and computes the stale partitions from the raw
//!   crossings on the fly (views `rollup_crossings_hourly`, `rollup_wait_histogram`), so the
//!   rollup path agrees with the raw path at every lake version, stale or not.
//!
//! Superseded objects are deleted after their replacement is written. A run that commits
//! while another process deletes superseded objects can lose a fresh object to that
//! deletion; the partition then reads from raw until the next refresh writes it again.
//!
//! This module does not decide when to refresh: `gerbang ingest`, the nightly job of
//! `gerbang serve` and `gerbang rollup` do.

mod cache;
mod histogram;
mod table;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::NaiveDate;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::datasource::MemTable;
use datafusion::datasource::TableProvider;
use datafusion::execution::object_store::ObjectStoreUrl;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, ZstdLevel};
use datafusion::parquet::file::metadata::KeyValue;
use datafusion::parquet::file::properties::WriterProperties;
use datafusion::parquet::file::reader::{FileReader, SerializedFileReader};
use datafusion::physical_plan::collect;
use datafusion::prelude::{SessionConfig, SessionContext, col};
use futures::{StreamExt, TryStreamExt};
use gerbang_ingest::IngestError;
use gerbang_ingest::lake::{DataFile, Lake, Snapshot};
use gerbang_ingest::schema::Table;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};

use crate::error::{QueryError, Result};
use crate::kpi;
use crate::lake_table::LakeTable;
pub use cache::{DEFAULT_BUDGET as DEFAULT_CACHE_BUDGET, RollupCache};
pub use histogram::{Bucket, Histogram, bucket_of, percentile_from_histogram};
use table::{RollupFile, RollupTable};

/// Where the rollups live below the lake root.
pub const ROLLUP_DIR: &str = "_rollups";
/// The table the computed rollup views read: one partition's crossings when a rollup is
/// built, the crossings of stale partitions in the warehouse.
const SOURCE_TABLE: &str = "rollup_source_crossings";
/// Bumped when the way objects are written changes without the SQL changing.
const FORMAT: &str = "gerbang-rollup-1";
const KEY_FINGERPRINT: &str = "gerbang.rollup.fingerprint";
const KEY_SOURCES: &str = "gerbang.rollup.sources";
const KEY_LAKE_VERSION: &str = "gerbang.rollup.lake_version";

/// One rollup table: where its objects live and how it is made.
#[derive(Debug)]
struct Kind {
    /// Folder below `_rollups/`.
    dir: &'static str,
    /// The library view that computes it from `rollup_source_crossings`.
    computed_view: &'static str,
    /// The warehouse table of its fresh objects.
    stored_table: &'static str,
    /// Row order inside an object, so that rebuilding gives the same file.
    order: &'static [&'static str],
}

const KINDS: [Kind; 3] = [
    Kind {
        dir: "crossings_hourly",
        computed_view: "rollup_crossings_hourly_computed",
        stored_table: "rollup_stored_crossings_hourly",
        order: &[
            "hour_start",
            "terminal",
            "lane_kind",
            "direction",
            "citizenship",
        ],
    },
    Kind {
        dir: "wait_histogram",
        computed_view: "rollup_wait_histogram_computed",
        stored_table: "rollup_stored_wait_histogram",
        order: &[
            "measure",
            "hour_start",
            "terminal",
            "lane_kind",
            "direction",
            "citizenship",
            "bucket",
        ],
    },
    // Made from the wait histogram's rows of the same partition (its computed view reads
    // `rollup_wait_histogram_computed`), so it comes after it.
    Kind {
        dir: "wait_histogram_by_port",
        computed_view: "rollup_wait_histogram_by_port_computed",
        stored_table: "rollup_stored_wait_histogram_by_port",
        order: &["measure", "hour_start", "bucket"],
    },
];

/// How many rollup tables there are.
const KIND_COUNT: usize = KINDS.len();

/// A rollup partition: one port's local date, as the raw crossings are partitioned.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Partition {
    pub port: String,
    pub local_date: NaiveDate,
}

impl std::fmt::Display for Partition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.port, self.local_date)
    }
}

impl Partition {
    fn of(file: &DataFile) -> Option<Partition> {
        Some(Partition {
            port: file.partition.get("port")?.clone(),
            local_date: file.partition.get("local_date")?.parse().ok()?,
        })
    }

    fn folder(&self, kind: &Kind) -> String {
        format!(
            "{ROLLUP_DIR}/{}/port={}/local_date={}",
            kind.dir, self.port, self.local_date
        )
    }
}

/// The committed crossings files of one partition and the fingerprint they give.
#[derive(Debug)]
struct Sources {
    files: Vec<DataFile>,
    fingerprint: String,
}

/// One rollup object found in the store.
#[derive(Debug, Clone)]
struct StoredObject {
    kind: usize,
    partition: Partition,
    fingerprint: String,
    location: Path,
    bytes: u64,
}

/// What a refresh is doing, for a progress bar.
#[derive(Debug)]
pub enum RollupProgress<'a> {
    /// This many partitions are about to be recomputed.
    Planned { partitions: usize },
    /// One more partition is written.
    Refreshed { partition: &'a Partition },
}

/// The rollups of a lake at one snapshot: which partitions exist in the raw data, and
/// which of them have fresh rollup objects.
///
/// # Example
/// ```no_run
/// # async fn demo() -> gerbang_query::Result<()> {
/// let lake = gerbang_ingest::lake::Lake::open("lake")?;
/// let mut rollups = gerbang_query::rollup::Rollups::open(&lake).await?;
/// let stale = rollups.stale();
/// rollups.refresh(&stale, &mut |_| {}).await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Rollups {
    lake: Lake,
    snapshot: Snapshot,
    computed_sql: [&'static str; KIND_COUNT],
    expected: BTreeMap<Partition, Sources>,
    /// The objects found, by rollup kind and partition: one per partition, unless a
    /// refresh died between writing a new one and deleting the old.
    stored: BTreeMap<(usize, Partition), Vec<StoredObject>>,
}

impl Rollups {
    /// The rollups at the lake's current version.
    pub async fn open(lake: &Lake) -> Result<Rollups> {
        let snapshot = lake.snapshot().await?;
        Rollups::at(lake, snapshot).await
    }

    /// The rollups as they stand for `snapshot`: one listing of `_rollups/`.
    pub async fn at(lake: &Lake, snapshot: Snapshot) -> Result<Rollups> {
        let computed_sql = computed_sql()?;
        let mut by_partition: BTreeMap<Partition, Vec<DataFile>> = BTreeMap::new();
        for file in snapshot.files(Table::Crossings.name()) {
            if let Some(partition) = Partition::of(file) {
                by_partition
                    .entry(partition)
                    .or_default()
                    .push(file.clone());
            }
        }
        let expected = by_partition
            .into_iter()
            .map(|(partition, mut files)| {
                files.sort_by(|a, b| a.path.cmp(&b.path));
                let fingerprint = fingerprint(&computed_sql, &files);
                (partition, Sources { files, fingerprint })
            })
            .collect();
        let stored = list_stored(lake).await?;
        Ok(Rollups {
            lake: lake.clone(),
            snapshot,
            computed_sql,
            expected,
            stored,
        })
    }

    /// The snapshot these rollups are judged against.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// Every partition of the raw crossings.
    pub fn partitions(&self) -> Vec<Partition> {
        self.expected.keys().cloned().collect()
    }

    /// Whether every rollup of `partition` was computed from its current files.
    pub fn is_fresh(&self, partition: &Partition) -> bool {
        let Some(sources) = self.expected.get(partition) else {
            return false;
        };
        (0..KINDS.len()).all(|kind| self.fresh_object(kind, partition, sources).is_some())
    }

    fn fresh_object(
        &self,
        kind: usize,
        partition: &Partition,
        sources: &Sources,
    ) -> Option<&StoredObject> {
        self.stored
            .get(&(kind, partition.clone()))?
            .iter()
            .find(|o| o.fingerprint == sources.fingerprint)
    }

    /// Partitions whose rollups are missing or were computed from other files (or by other
    /// rollup SQL): judged by object names alone, so it costs one listing.
    pub fn stale(&self) -> Vec<Partition> {
        self.expected
            .keys()
            .filter(|p| !self.is_fresh(p))
            .cloned()
            .collect()
    }

    /// The partitions whose crossings the commit of `version` added to.
    pub fn touched_by(&self, version: u64) -> Vec<Partition> {
        let touched: BTreeSet<Partition> = self
            .snapshot
            .commits
            .iter()
            .filter(|c| c.version == version)
            .flat_map(|c| c.files.iter())
            .filter(|f| f.table == Table::Crossings.name())
            .filter_map(Partition::of)
            .collect();
        touched.into_iter().collect()
    }

    /// Partitions that look fresh by name but whose object cannot be read as Parquet, or
    /// whose metadata records another source set: damaged or tampered objects. Reads every
    /// object's footer, so it is for `gerbang rollup`, not for every ingest run.
    pub async fn unreadable(&self) -> Result<Vec<Partition>> {
        let store = self.lake.store();
        let mut checks = Vec::new();
        for (partition, sources) in &self.expected {
            for kind in 0..KINDS.len() {
                if let Some(object) = self.fresh_object(kind, partition, sources) {
                    let recorded = Recorded::of(sources);
                    checks.push((partition.clone(), recorded, object.location.clone()));
                }
            }
        }
        let bad: Vec<Option<Partition>> = futures::stream::iter(checks)
            .map(|(partition, recorded, location)| {
                let store = Arc::clone(&store);
                async move {
                    let good = records_sources(&store, &location, &recorded).await?;
                    Ok::<_, QueryError>((!good).then_some(partition))
                }
            })
            .buffer_unordered(8)
            .try_collect()
            .await?;
        let bad: BTreeSet<Partition> = bad.into_iter().flatten().collect();
        Ok(bad.into_iter().collect())
    }

    /// Recomputes the rollups of `partitions` from their committed crossings files, writes
    /// each object with one put, and deletes the objects they supersede. Returns how many
    /// partitions were written. Partitions no longer in the raw data are skipped.
    pub async fn refresh(
        &mut self,
        partitions: &[Partition],
        progress: &mut (dyn FnMut(RollupProgress<'_>) + Send),
    ) -> Result<usize> {
        let wanted: BTreeSet<Partition> = partitions
            .iter()
            .filter(|p| self.expected.contains_key(*p))
            .cloned()
            .collect();
        progress(RollupProgress::Planned {
            partitions: wanted.len(),
        });
        let parallel = std::thread::available_parallelism().map_or(2, |n| n.get());
        let this = &*self;
        let mut written = Vec::new();
        let mut superseded = BTreeSet::new();
        {
            // The stream owns its partitions: futures over borrowed ones are not provably
            // Send for every lifetime, which the nightly job's `tokio::spawn` needs.
            let mut jobs = futures::stream::iter(wanted)
                .map(|partition| async move {
                    let objects = this.write_partition(&partition).await?;
                    Ok::<_, QueryError>((partition, objects))
                })
                .buffer_unordered(parallel);
            while let Some(done) = jobs.next().await {
                let (partition, objects) = done?;
                progress(RollupProgress::Refreshed {
                    partition: &partition,
                });
                for object in &objects {
                    let key = (object.kind, object.partition.clone());
                    superseded.extend(
                        this.stored
                            .get(&key)
                            .into_iter()
                            .flatten()
                            .filter(|o| o.location != object.location)
                            .map(|o| o.location.clone()),
                    );
                }
                written.extend(objects);
            }
        }
        let count = written.len() / KINDS.len();
        self.delete(superseded.iter()).await?;
        for object in written {
            self.stored
                .insert((object.kind, object.partition.clone()), vec![object]);
        }
        Ok(count)
    }

    /// Deletes objects of partitions no longer in the raw data and objects superseded by
    /// a fresh one (left by a run that died between writing and deleting). Returns how
    /// many were deleted.
    pub async fn remove_superseded(&mut self) -> Result<usize> {
        let mut doomed = BTreeSet::new();
        for ((kind, partition), objects) in &self.stored {
            let Some(sources) = self.expected.get(partition) else {
                // No raw data any more: an orphan.
                doomed.extend(objects.iter().map(|o| o.location.clone()));
                continue;
            };
            if let Some(fresh) = self.fresh_object(*kind, partition, sources) {
                doomed.extend(
                    objects
                        .iter()
                        .filter(|o| o.location != fresh.location)
                        .map(|o| o.location.clone()),
                );
            }
        }
        self.delete(doomed.iter()).await?;
        for objects in self.stored.values_mut() {
            objects.retain(|o| !doomed.contains(&o.location));
        }
        self.stored.retain(|_, objects| !objects.is_empty());
        Ok(doomed.len())
    }

    async fn delete(&self, locations: impl Iterator<Item = &Path>) -> Result<()> {
        let store = self.lake.store();
        for location in locations {
            match store.delete(location).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(source) => {
                    return Err(IngestError::ObjectStore {
                        context: format!("deleting the superseded rollup {location}"),
                        source,
                    }
                    .into());
                }
            }
        }
        Ok(())
    }

    /// Computes and writes every rollup of one partition.
    async fn write_partition(&self, partition: &Partition) -> Result<Vec<StoredObject>> {
        let Some(sources) = self.expected.get(partition) else {
            return Ok(Vec::new());
        };
        let ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(1));
        ctx.register_object_store(self.lake.store_url(), self.lake.store());
        let source = LakeTable::new(&self.lake, Table::Crossings, sources.files.iter())?;
        ctx.register_table(SOURCE_TABLE, Arc::new(source))?;
        let source_paths: Vec<&str> = sources.files.iter().map(|f| f.path.as_str()).collect();
        let metadata = vec![
            KeyValue::new(KEY_FINGERPRINT.to_string(), sources.fingerprint.clone()),
            KeyValue::new(
                KEY_SOURCES.to_string(),
                serde_json::to_string(&source_paths).unwrap_or_default(),
            ),
            KeyValue::new(
                KEY_LAKE_VERSION.to_string(),
                self.snapshot.version().to_string(),
            ),
        ];
        let mut objects = Vec::with_capacity(KINDS.len());
        for (index, kind) in KINDS.iter().enumerate() {
            let order = kind.order.iter().map(|c| col(*c)).collect();
            let plan = ctx
                .sql(self.computed_sql[index])
                .await?
                .sort_by(order)?
                .create_physical_plan()
                .await?;
            let schema = plan.schema();
            let batches = collect(plan, ctx.task_ctx()).await?;
            let bytes = parquet_bytes(Arc::clone(&schema), &batches, metadata.clone())?;
            // A later kind may be made from this one's rows: it reads them under the
            // name of this kind's computed view, rather than computing them again.
            let rows = MemTable::try_new(schema, vec![batches])?;
            ctx.register_table(kind.computed_view, Arc::new(rows))?;
            let relative = format!(
                "{}/part-{}.parquet",
                partition.folder(kind),
                sources.fingerprint
            );
            let location = self.lake.path(&relative);
            let size = bytes.len() as u64;
            self.lake
                .store()
                .put(&location, PutPayload::from(bytes))
                .await
                .map_err(|source| IngestError::ObjectStore {
                    context: format!("writing the rollup {location}"),
                    source,
                })?;
            objects.push(StoredObject {
                kind: index,
                partition: partition.clone(),
                fingerprint: sources.fingerprint.clone(),
                location,
                bytes: size,
            });
        }
        Ok(objects)
    }
}

/// What [`refresh_after_ingest`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterIngest {
    /// Partitions recomputed because the run added crossings to them.
    pub touched: usize,
    /// Partitions recomputed because their rollups were missing or out of date before the
    /// run (a crash after an earlier commit, a deleted object, new rollup SQL).
    pub healed: usize,
}

/// After an ingest run that committed `version` (or found nothing new): recomputes the
/// partitions the run touched, and any other stale partition, judged by one listing.
pub async fn refresh_after_ingest(
    lake: &Lake,
    version: Option<u64>,
    progress: &mut (dyn FnMut(RollupProgress<'_>) + Send),
) -> Result<AfterIngest> {
    let mut rollups = Rollups::open(lake).await?;
    let stale = rollups.stale();
    let touched: BTreeSet<Partition> = version
        .map(|v| rollups.touched_by(v))
        .unwrap_or_default()
        .into_iter()
        .collect();
    rollups.refresh(&stale, progress).await?;
    let touched = stale.iter().filter(|p| touched.contains(*p)).count();
    Ok(AfterIngest {
        touched,
        healed: stale.len() - touched,
    })
}

/// What [`check`] found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckSummary {
    /// Partitions in the raw crossings.
    pub partitions: usize,
    /// Of those, rollups missing or computed from other files.
    pub stale: usize,
    /// Of those, rollups that looked fresh but could not be read or recorded other files.
    pub unreadable: usize,
    /// Partitions recomputed.
    pub refreshed: usize,
    /// Superseded or orphaned objects deleted.
    pub removed: usize,
}

/// The full check of `gerbang rollup`: every partition whose rollups are missing, out of
/// date, unreadable or record other source files is recomputed (every partition when
/// `all`), and superseded objects are deleted.
pub async fn check(
    lake: &Lake,
    all: bool,
    progress: &mut (dyn FnMut(RollupProgress<'_>) + Send),
) -> Result<CheckSummary> {
    let mut rollups = Rollups::open(lake).await?;
    let stale = rollups.stale();
    let unreadable = rollups.unreadable().await?;
    let todo: Vec<Partition> = if all {
        rollups.partitions()
    } else {
        let set: BTreeSet<Partition> = stale.iter().chain(&unreadable).cloned().collect();
        set.into_iter().collect()
    };
    let refreshed = rollups.refresh(&todo, progress).await?;
    let removed = rollups.remove_superseded().await?;
    Ok(CheckSummary {
        partitions: rollups.expected.len(),
        stale: stale.len(),
        unreadable: unreadable.len(),
        refreshed,
        removed,
    })
}

/// Registers the rollups of `snapshot` in a warehouse session: the fresh objects as
/// `rollup_stored_*`, and the crossings of every other partition as the source the
/// computed views read, so that the `rollup_*` views cover every partition.
pub(crate) async fn register(
    ctx: &SessionContext,
    lake: &Lake,
    snapshot: &Snapshot,
    cache: &Arc<RollupCache>,
) -> Result<Option<NaiveDate>> {
    let rollups = Rollups::at(lake, snapshot.clone()).await?;
    let pending = rollups
        .expected
        .iter()
        .filter(|(partition, _)| !rollups.is_fresh(partition))
        .flat_map(|(_, sources)| sources.files.iter());
    let source = LakeTable::new(lake, Table::Crossings, pending)?;
    replace_table(ctx, SOURCE_TABLE, Arc::new(source))?;
    let store_url = ObjectStoreUrl::parse(lake.store_url().as_str())?;
    let schemas = computed_schemas(ctx, &rollups.computed_sql).await?;
    for ((index, kind), schema) in KINDS.iter().enumerate().zip(schemas) {
        let files = rollups
            .expected
            .iter()
            .filter(|(partition, _)| rollups.is_fresh(partition))
            .filter_map(|(partition, sources)| rollups.fresh_object(index, partition, sources))
            .map(|object| RollupFile {
                path: object.location.to_string(),
                bytes: object.bytes,
                port: object.partition.port.clone(),
                local_date: object.partition.local_date,
            })
            .collect();
        let table = RollupTable::new(schema, store_url.clone(), files, Arc::clone(cache));
        replace_table(ctx, kind.stored_table, Arc::new(table))?;
    }
    Ok(rollups
        .expected
        .keys()
        .filter(|partition| rollups.is_fresh(partition))
        .map(|partition| partition.local_date)
        .max())
}

/// How many local dates, up to the latest, [`warming_statements`] read: the overview
/// compares 28 days with the 28 before.
pub const WARM_DAYS: u32 = 56;

/// Statements that read every stored rollup object of the [`WARM_DAYS`] local dates up to
/// `latest`, so that the rollup cache holds them before the dashboard's pages ask. They
/// follow [`KINDS`], which ends with the whole-port histograms the pages read most: those
/// are read last, and so are the last the cache would drop.
pub(crate) fn warming_statements(latest: NaiveDate) -> Vec<String> {
    let first = latest - chrono::Days::new(u64::from(WARM_DAYS - 1));
    KINDS
        .iter()
        .map(|kind| {
            format!(
                "SELECT count(*) FROM {} WHERE local_date >= DATE '{}'",
                kind.stored_table,
                first.format("%Y-%m-%d")
            )
        })
        .collect()
}

/// Registers the rollups of a warehouse without a lake (tests and fixtures): nothing is
/// stored, so the `rollup_*` views compute everything from `crossings`.
pub(crate) async fn register_without_lake(ctx: &SessionContext) -> Result<()> {
    let crossings = ctx.table_provider(Table::Crossings.name()).await?;
    replace_table(ctx, SOURCE_TABLE, crossings)?;
    let schemas = computed_schemas(ctx, &computed_sql()?).await?;
    for (kind, schema) in KINDS.iter().zip(schemas) {
        let empty = MemTable::try_new(schema, vec![vec![]])?;
        replace_table(ctx, kind.stored_table, Arc::new(empty))?;
    }
    Ok(())
}

fn replace_table(ctx: &SessionContext, name: &str, table: Arc<dyn TableProvider>) -> Result<()> {
    ctx.deregister_table(name)?;
    ctx.register_table(name, table)?;
    Ok(())
}

/// The schema of each rollup kind's rows, in the order of [`KINDS`]. The library's views
/// are not registered yet when the rollups are, so each computed view's SQL is planned in
/// a scratch context over the warehouse's source table, where every kind before it is an
/// empty table under its view's name.
async fn computed_schemas(
    ctx: &SessionContext,
    computed_sql: &[&str; KIND_COUNT],
) -> Result<Vec<SchemaRef>> {
    let scratch = SessionContext::new();
    scratch.register_table(SOURCE_TABLE, ctx.table_provider(SOURCE_TABLE).await?)?;
    let mut schemas = Vec::with_capacity(KIND_COUNT);
    for (sql, kind) in computed_sql.iter().zip(&KINDS) {
        let schema: SchemaRef = Arc::new(scratch.sql(sql).await?.schema().as_arrow().clone());
        let empty = MemTable::try_new(Arc::clone(&schema), vec![vec![]])?;
        scratch.register_table(kind.computed_view, Arc::new(empty))?;
        schemas.push(schema);
    }
    Ok(schemas)
}

/// The SQL of the computed rollup views, from the KPI library, in the order of [`KINDS`].
fn computed_sql() -> Result<[&'static str; KIND_COUNT]> {
    let library = kpi::library()?;
    let find = |name: &str| {
        library
            .iter()
            .find(|v| v.name == name)
            .map(|v| v.sql)
            .ok_or_else(|| QueryError::Definition {
                file: "sql/".to_string(),
                message: format!("the rollup view {name} is missing from the library"),
            })
    };
    let mut found = [""; KIND_COUNT];
    for (sql, kind) in found.iter_mut().zip(&KINDS) {
        *sql = find(kind.computed_view)?;
    }
    Ok(found)
}

/// A hash of what a partition's rollups are made from: the rollup SQL and the partition's
/// committed files (sorted). Sixteen hex digits are plenty to tell source sets apart.
fn fingerprint(computed_sql: &[&str; KIND_COUNT], files: &[DataFile]) -> String {
    let mut hash = Sha256::new();
    hash.update(FORMAT.as_bytes());
    for sql in computed_sql {
        hash.update(b"\n\x00");
        hash.update(sql.as_bytes());
    }
    for file in files {
        hash.update(b"\n\x01");
        hash.update(file.path.as_bytes());
    }
    hash.finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every rollup object in the store whose name follows the layout, by kind and partition.
async fn list_stored(lake: &Lake) -> Result<BTreeMap<(usize, Partition), Vec<StoredObject>>> {
    let prefix = lake.path(ROLLUP_DIR);
    let listed: Vec<object_store::ObjectMeta> = lake
        .store()
        .list(Some(&prefix))
        .try_collect()
        .await
        .map_err(|source| IngestError::ObjectStore {
            context: format!("listing the rollups of {}", lake.location()),
            source,
        })?;
    let mut stored: BTreeMap<(usize, Partition), Vec<StoredObject>> = BTreeMap::new();
    let objects = listed.into_iter().filter_map(|meta| {
        let parts: Vec<String> = meta
            .location
            .prefix_match(&prefix)?
            .map(|part| part.as_ref().to_string())
            .collect();
        let [dir, port, date, name] = parts.as_slice() else {
            return None;
        };
        let kind = KINDS.iter().position(|k| k.dir == dir)?;
        let fingerprint = name.strip_prefix("part-")?.strip_suffix(".parquet")?;
        Some(StoredObject {
            kind,
            partition: Partition {
                port: port.strip_prefix("port=")?.to_string(),
                local_date: date.strip_prefix("local_date=")?.parse().ok()?,
            },
            fingerprint: fingerprint.to_string(),
            location: meta.location,
            bytes: meta.size,
        })
    });
    for object in objects {
        stored
            .entry((object.kind, object.partition.clone()))
            .or_default()
            .push(object);
    }
    Ok(stored)
}

/// What a fresh rollup object's metadata must record.
#[derive(Debug)]
struct Recorded {
    fingerprint: String,
    sources: Vec<String>,
}

impl Recorded {
    fn of(sources: &Sources) -> Recorded {
        Recorded {
            fingerprint: sources.fingerprint.clone(),
            sources: sources.files.iter().map(|f| f.path.clone()).collect(),
        }
    }
}

/// Whether the object at `location` is readable Parquet whose metadata records exactly
/// the expected fingerprint and source files.
async fn records_sources(
    store: &Arc<dyn ObjectStore>,
    location: &Path,
    expected: &Recorded,
) -> Result<bool> {
    let bytes = match store.get(location).await {
        Ok(found) => found.bytes().await,
        Err(error) => Err(error),
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(object_store::Error::NotFound { .. }) => return Ok(false),
        Err(source) => {
            return Err(IngestError::ObjectStore {
                context: format!("reading the rollup {location}"),
                source,
            }
            .into());
        }
    };
    let Ok(reader) = SerializedFileReader::new(bytes) else {
        return Ok(false);
    };
    let metadata = reader.metadata().file_metadata().key_value_metadata();
    let value = |key: &str| {
        metadata
            .and_then(|kv| kv.iter().find(|kv| kv.key == key))
            .and_then(|kv| kv.value.clone())
    };
    let recorded: Option<Vec<String>> =
        value(KEY_SOURCES).and_then(|v| serde_json::from_str(&v).ok());
    Ok(
        value(KEY_FINGERPRINT).as_deref() == Some(expected.fingerprint.as_str())
            && recorded.is_some_and(|r| r == expected.sources),
    )
}

/// One Parquet object in memory, with the rollup's metadata in its footer.
fn parquet_bytes(
    schema: SchemaRef,
    batches: &[RecordBatch],
    metadata: Vec<KeyValue>,
) -> Result<Vec<u8>> {
    let properties = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_key_value_metadata(Some(metadata))
        .build();
    let parquet = |e| QueryError::Lake(IngestError::Parquet(e));
    let mut writer = ArrowWriter::try_new(Vec::new(), schema, Some(properties)).map_err(parquet)?;
    for batch in batches {
        writer.write(batch).map_err(parquet)?;
    }
    writer.into_inner().map_err(parquet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warming_reads_the_56_local_dates_up_to_the_latest_of_every_stored_rollup() {
        let latest = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let statements = warming_statements(latest);
        assert_eq!(statements.len(), KIND_COUNT);
        // 5 January to 1 March is 27 + 28 + 1 = 56 days.
        for statement in &statements {
            assert!(
                statement.ends_with("WHERE local_date >= DATE '2026-01-05'"),
                "{statement}"
            );
        }
        for kind in &KINDS {
            assert!(
                statements
                    .iter()
                    .any(|s| s.contains(&format!("FROM {} ", kind.stored_table))),
                "{} is read",
                kind.stored_table
            );
        }
        assert!(statements[KIND_COUNT - 1].contains("rollup_stored_wait_histogram_by_port"));
    }
}
