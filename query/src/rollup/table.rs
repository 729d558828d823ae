//! A stored rollup as DataFusion sees it: exactly the rollup objects that are fresh for
//! the snapshot being served, pruned by `port` and `local_date` before any is opened.
//!
//! `LakeTable` does the same for the raw tables, but its schemas are the ingest tables';
//! a rollup's schema is whatever its SQL produces. Scans small enough for the
//! [`RollupCache`] read decoded objects from memory and decode only what it lacks.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use datafusion::arrow::array::{Array, ArrayRef, BooleanArray, Date32Array, StringArray};
use datafusion::arrow::compute::{cast, concat_batches};
use datafusion::arrow::datatypes::{Date32Type, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::catalog::Session;
use datafusion::common::{DFSchema, DataFusionError, Result};
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::PartitionedFile;
use datafusion::datasource::memory::MemorySourceConfig;
use datafusion::datasource::physical_plan::{FileGroup, FileScanConfigBuilder, ParquetSource};
use datafusion::datasource::source::DataSourceExec;
use datafusion::datasource::{TableProvider, TableType};
use datafusion::execution::object_store::ObjectStoreUrl;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::empty::EmptyExec;
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};

use super::cache::RollupCache;

/// Objects read at once when the cache lacks them.
const CONCURRENT_READS: usize = 8;

/// One rollup object: its full object-store path, size and partition.
#[derive(Debug, Clone)]
pub(crate) struct RollupFile {
    pub path: String,
    pub bytes: u64,
    pub port: String,
    pub local_date: NaiveDate,
}

/// One rollup table at one snapshot.
#[derive(Debug)]
pub(crate) struct RollupTable {
    schema: SchemaRef,
    store_url: ObjectStoreUrl,
    files: Vec<RollupFile>,
    cache: Arc<RollupCache>,
}

impl RollupTable {
    pub fn new(
        schema: SchemaRef,
        store_url: ObjectStoreUrl,
        files: Vec<RollupFile>,
        cache: Arc<RollupCache>,
    ) -> Self {
        RollupTable {
            schema,
            store_url,
            files,
            cache,
        }
    }

    /// The decoded batches of `files`: from the cache, or read, decoded and kept there.
    async fn cached_batches(
        &self,
        state: &dyn Session,
        files: &[&RollupFile],
    ) -> Result<Vec<RecordBatch>> {
        let mut batches = Vec::new();
        let mut missing = Vec::new();
        for file in files {
            match self.cache.get(&file.path) {
                Some(held) => batches.extend(held.iter().cloned()),
                None => missing.push(file.path.clone()),
            }
        }
        if missing.is_empty() {
            return Ok(batches);
        }
        let store = state.runtime_env().object_store(&self.store_url)?;
        let mut reads = futures::stream::iter(missing)
            .map(|path| read_object(Arc::clone(&store), Arc::clone(&self.schema), path))
            .buffer_unordered(CONCURRENT_READS);
        while let Some((path, read)) = reads.try_next().await? {
            batches.extend(read.iter().cloned());
            self.cache.insert(&path, read);
        }
        Ok(batches)
    }

    /// Which files may hold rows matching `filters`, judged on `port` and `local_date`.
    fn prune(&self, state: &dyn Session, filters: &[Expr]) -> Result<Vec<bool>> {
        let mut keep = vec![true; self.files.len()];
        let usable: Vec<&Expr> = filters
            .iter()
            .filter(|f| {
                let columns = f.column_refs();
                !columns.is_empty()
                    && columns
                        .iter()
                        .all(|c| c.name == "port" || c.name == "local_date")
            })
            .collect();
        if usable.is_empty() || self.files.is_empty() {
            return Ok(keep);
        }
        let ports: ArrayRef = Arc::new(StringArray::from_iter_values(
            self.files.iter().map(|f| f.port.as_str()),
        ));
        let dates: ArrayRef = Arc::new(Date32Array::from_iter_values(
            self.files
                .iter()
                .map(|f| Date32Type::from_naive_date(f.local_date)),
        ));
        let batch = RecordBatch::try_from_iter([("port", ports), ("local_date", dates)])?;
        let df_schema = DFSchema::try_from(batch.schema())?;
        for filter in usable {
            // A filter that cannot be judged on partition values alone prunes nothing.
            let Ok(physical) = state.create_physical_expr(filter.clone(), &df_schema) else {
                continue;
            };
            let Ok(array) = physical
                .evaluate(&batch)
                .and_then(|value| value.into_array(batch.num_rows()))
            else {
                continue;
            };
            let Some(matches) = array.as_any().downcast_ref::<BooleanArray>() else {
                continue;
            };
            for (index, keep) in keep.iter_mut().enumerate() {
                if matches.is_valid(index) && !matches.value(index) {
                    *keep = false;
                }
            }
        }
        Ok(keep)
    }
}

#[async_trait]
impl TableProvider for RollupTable {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let keep = self.prune(state, filters)?;
        let kept: Vec<&RollupFile> = self
            .files
            .iter()
            .zip(keep)
            .filter(|(_, keep)| *keep)
            .map(|(file, _)| file)
            .collect();
        if kept.is_empty() {
            let schema = match projection {
                Some(indices) => Arc::new(self.schema.project(indices)?),
                None => Arc::clone(&self.schema),
            };
            return Ok(Arc::new(EmptyExec::new(schema)));
        }
        let target = state.config().target_partitions().max(1);
        if self.cache.takes(kept.iter().map(|f| f.bytes).sum()) {
            let batches = self.cached_batches(state, &kept).await?;
            let schema = match projection {
                Some(indices) => Arc::new(self.schema.project(indices)?),
                None => Arc::clone(&self.schema),
            };
            let count = target.min(batches.len()).max(1);
            let mut partitions: Vec<Vec<RecordBatch>> = vec![Vec::new(); count];
            for (index, batch) in batches.into_iter().enumerate() {
                let batch = match projection {
                    Some(indices) => batch.project(indices)?,
                    None => batch,
                };
                partitions[index % count].push(batch);
            }
            let partitions = partitions
                .into_iter()
                .map(|batches| coalesced(&schema, batches))
                .collect::<Result<Vec<_>>>()?;
            let source = MemorySourceConfig::try_new(&partitions, schema, None)?.with_limit(limit);
            return Ok(DataSourceExec::from_data_source(source));
        }
        let files: Vec<PartitionedFile> = kept
            .iter()
            .map(|file| PartitionedFile::new(file.path.clone(), file.bytes))
            .collect();
        let mut groups: Vec<Vec<PartitionedFile>> = vec![Vec::new(); target.min(files.len())];
        let group_count = groups.len();
        for (index, file) in files.into_iter().enumerate() {
            groups[index % group_count].push(file);
        }
        let source = Arc::new(ParquetSource::new(Arc::clone(&self.schema)));
        let config = FileScanConfigBuilder::new(self.store_url.clone(), source)
            .with_file_groups(groups.into_iter().map(FileGroup::new).collect())
            .with_projection_indices(projection.cloned())?
            .with_limit(limit)
            .build();
        ParquetFormat::default()
            .with_options(state.table_options().parquet.clone())
            .create_physical_plan(state, config)
            .await
    }

    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> Result<Vec<TableProviderFilterPushDown>> {
        // Partition values are stored in the files too; pruning only saves reading.
        Ok(vec![TableProviderFilterPushDown::Inexact; filters.len()])
    }
}

/// Rows per batch a scan from memory hands on. A rollup object holds one port's day, often
/// a few hundred rows, and every operator above the scan pays a cost per batch: a page over
/// 28 days of every port would otherwise pass on some 1,500 small batches.
const SCAN_BATCH_ROWS: usize = 8192;

/// `batches` put together into batches of at least [`SCAN_BATCH_ROWS`] rows (the last one
/// may be smaller), in order.
fn coalesced(schema: &SchemaRef, batches: Vec<RecordBatch>) -> Result<Vec<RecordBatch>> {
    let mut out = Vec::new();
    let mut pending = Vec::new();
    let mut rows = 0;
    for batch in batches {
        rows += batch.num_rows();
        pending.push(batch);
        if rows >= SCAN_BATCH_ROWS {
            out.push(concat_batches(schema, &pending)?);
            pending.clear();
            rows = 0;
        }
    }
    if !pending.is_empty() {
        out.push(concat_batches(schema, &pending)?);
    }
    Ok(out)
}

/// Reads and decodes the rollup object at `path`, in the table's `schema` (the Parquet path
/// adapts the object's types the same way), so that every batch of a scan has one schema.
async fn read_object(
    store: Arc<dyn ObjectStore>,
    schema: SchemaRef,
    path: String,
) -> Result<(String, Arc<[RecordBatch]>)> {
    let location = Path::parse(&path).map_err(|e| DataFusionError::External(e.into()))?;
    let bytes = store.get(&location).await?.bytes().await?;
    // Decoding is CPU work: on the blocking pool, so that the objects of a scan are
    // decoded on every core while planning waits.
    let batches =
        tokio::task::spawn_blocking(move || decode(&path, &schema, bytes).map(|b| (path, b)))
            .await
            .map_err(|e| DataFusionError::External(e.into()))??;
    Ok(batches)
}

fn decode(path: &str, schema: &SchemaRef, bytes: bytes::Bytes) -> Result<Arc<[RecordBatch]>> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(bytes)?.build()?;
    let mut batches = Vec::new();
    for batch in reader {
        let batch = batch?;
        let columns = schema
            .fields()
            .iter()
            .map(|field| {
                let column = batch.column_by_name(field.name()).ok_or_else(|| {
                    DataFusionError::Execution(format!(
                        "rollup object {path} has no column {}",
                        field.name()
                    ))
                })?;
                Ok(cast(column, field.data_type())?)
            })
            .collect::<Result<Vec<_>>>()?;
        batches.push(RecordBatch::try_new(Arc::clone(schema), columns)?);
    }
    Ok(Arc::from(batches))
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::util::pretty::pretty_format_batches;
    use gerbang_ingest::generate::{GenerateOptions, generate};
    use gerbang_ingest::lake::Lake;
    use gerbang_ingest::pseudonym::PseudonymKey;
    use gerbang_ingest::reference::PortRegistry;
    use gerbang_ingest::run::{IngestOptions, ingest};

    use crate::Warehouse;

    /// Queries that read every stored rollup, filtered by port and date as the pages do,
    /// and over everything.
    const QUERIES: [&str; 4] = [
        "SELECT port, local_date, measure, sum(travellers) AS travellers, count(*) AS rows, \
         min(min_minutes) AS low, max(max_minutes) AS high FROM rollup_wait_histogram \
         GROUP BY port, local_date, measure ORDER BY port, local_date, measure",
        "SELECT local_hour, sum(counter_travellers) AS counted, \
         sum(queue_wait_minutes_sum) AS waited FROM rollup_crossings_hourly \
         WHERE port = 'DPS' AND local_date = DATE '2026-10-06' \
         GROUP BY local_hour ORDER BY local_hour",
        "SELECT * FROM kpi_clearance_daily_rollup ORDER BY port, local_date",
        "SELECT port, measure, sum(travellers) AS travellers, count(*) AS rows \
         FROM rollup_wait_histogram_by_port WHERE local_date >= DATE '2026-10-05' \
         GROUP BY port, measure ORDER BY port, measure",
    ];

    async fn answers(warehouse: &Warehouse) -> Vec<String> {
        let mut out = Vec::new();
        for query in QUERIES {
            let batches = warehouse.sql(query).await.unwrap();
            assert!(batches.iter().any(|b| b.num_rows() > 0), "{query} is empty");
            out.push(pretty_format_batches(&batches).unwrap().to_string());
        }
        out
    }

    /// Two nights of two ports, landed with their rollups as `gerbang ingest` does.
    async fn landed(dir: &std::path::Path) -> String {
        let inbox = dir.join("inbox");
        generate(
            &GenerateOptions {
                out_dir: inbox.clone(),
                from: chrono::NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
                days: 2,
                ports: vec!["CGK".into(), "DPS".into()],
                seed: 11,
                scale: 0.02,
                faults: 0.0,
            },
            &PortRegistry::embedded(),
            &mut |_| {},
        )
        .unwrap();
        let location = dir.join("lake").to_string_lossy().into_owned();
        let lake = Lake::open(&location).unwrap();
        let options = IngestOptions::new(
            PortRegistry::embedded(),
            Some(PseudonymKey::new("rollup-cache-test-key-0123456789abcdef").unwrap()),
        );
        let report = ingest(&inbox.to_string_lossy(), &lake, &options, &mut |_| {})
            .await
            .unwrap();
        crate::rollup::refresh_after_ingest(&lake, report.version, &mut |_| {})
            .await
            .unwrap();
        location
    }

    #[tokio::test]
    async fn rollups_read_from_memory_answer_as_read_from_the_lake_and_outlive_the_objects() {
        let dir = tempfile::tempdir().unwrap();
        let location = landed(dir.path()).await;
        let from_lake = Warehouse::open(&location)
            .await
            .unwrap()
            .with_rollup_cache_budget(0);
        let cached = Warehouse::open(&location).await.unwrap();
        assert!(cached.rollup_cache().is_empty());

        let expected = answers(&from_lake).await;
        assert!(
            from_lake.rollup_cache().is_empty(),
            "a budget of 0 keeps nothing"
        );
        assert_eq!(
            answers(&cached).await,
            expected,
            "the first, decoding, read"
        );
        // Every object was read and kept.
        let objects = objects_below(&dir.path().join("lake").join("_rollups"));
        assert!(
            objects >= 12,
            "three tables, two ports, two nights: {objects} objects"
        );
        assert_eq!(cached.rollup_cache().len(), objects);
        assert!(cached.rollup_cache().used() > 0);

        // Objects never change under their names, so once kept they are not read again:
        // with the objects gone, the answers come from memory and stay the same, while a
        // warehouse without the cache can no longer read them.
        std::fs::remove_dir_all(dir.path().join("lake").join("_rollups")).unwrap();
        assert_eq!(answers(&cached).await, expected, "answers from memory");
        assert!(from_lake.sql(QUERIES[0]).await.is_err());
    }

    #[tokio::test]
    async fn a_scan_too_large_for_the_budget_reads_the_lake_and_keeps_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let location = landed(dir.path()).await;
        let expected = answers(
            &Warehouse::open(&location)
                .await
                .unwrap()
                .with_rollup_cache_budget(0),
        )
        .await;
        // 64 KiB: half of it is less than six times the objects' Parquet bytes.
        let small = Warehouse::open(&location)
            .await
            .unwrap()
            .with_rollup_cache_budget(64 << 10);
        assert_eq!(answers(&small).await, expected);
        assert!(small.rollup_cache().used() <= 64 << 10);
        let whole = small.sql(QUERIES[0]).await.unwrap();
        assert!(!whole.is_empty());
        let objects = objects_below(&dir.path().join("lake").join("_rollups"));
        assert!(
            small.rollup_cache().len() < objects,
            "the whole-lake scans bypassed the cache"
        );
    }

    /// How many Parquet objects there are below `dir`.
    fn objects_below(dir: &std::path::Path) -> usize {
        let mut count = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                count += objects_below(&path);
            } else if path.extension().is_some_and(|e| e == "parquet") {
                count += 1;
            }
        }
        count
    }
}
