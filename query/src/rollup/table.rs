//! A stored rollup as DataFusion sees it: exactly the rollup objects that are fresh for
//! the snapshot being served, pruned by `port` and `local_date` before any is opened.
//!
//! `LakeTable` does the same for the raw tables, but its schemas are the ingest tables';
//! a rollup's schema is whatever its SQL produces. Scans small enough for the
//! [`RollupCache`] read decoded objects from memory and decode only what it lacks.
//!
//! Every row of an object has the object's port and local date, and a decoded object is
//! kept as one batch per measure. So a condition on `port`, `local_date` and `measure`
//! alone (`measure = 'queue_wait' AND local_date >= DATE '2026-10-01'`) holds for a whole
//! object or batch or for none of its rows: the table applies it exactly, by choosing
//! objects and batches, and DataFusion does not filter those rows again. A page reading
//! one measure of 56 days of every port then hands on a third of the rows it would
//! otherwise read and filter. What cannot be decided that way (a measure condition on
//! objects read straight from Parquet, or a condition that cannot be evaluated on the
//! partition values) is applied by a filter inside the scan.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use datafusion::arrow::array::{Array, ArrayRef, BooleanArray, Date32Array, StringArray};
use datafusion::arrow::compute::{cast, concat_batches, partition};
use datafusion::arrow::datatypes::{DataType, Date32Type, SchemaRef};
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
use datafusion::logical_expr::utils::conjunction;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::empty::EmptyExec;
use datafusion::physical_plan::filter::FilterExecBuilder;
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};

use super::cache::RollupCache;

/// Objects read at once when the cache lacks them.
const CONCURRENT_READS: usize = 8;

/// The columns every row of an object shares: the object's partition.
const PARTITION_COLUMNS: [&str; 2] = ["port", "local_date"];

/// The column a decoded object is split by, in the tables that have it as text.
const MEASURE: &str = "measure";

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
    /// Whether the table has a text `measure` column, by which decoded objects are split.
    split_by_measure: bool,
}

impl RollupTable {
    pub fn new(
        schema: SchemaRef,
        store_url: ObjectStoreUrl,
        files: Vec<RollupFile>,
        cache: Arc<RollupCache>,
    ) -> Self {
        let split_by_measure = schema
            .field_with_name(MEASURE)
            .is_ok_and(|field| field.data_type() == &DataType::Utf8);
        RollupTable {
            schema,
            store_url,
            files,
            cache,
            split_by_measure,
        }
    }

    /// Whether `filter` holds for all rows of a batch or for none: it reads nothing but the
    /// columns a batch from memory has one value of (partition and measure) and gives the
    /// same answer every time. The table applies such a filter exactly.
    fn applies_exactly(&self, filter: &Expr) -> bool {
        let columns = filter.column_refs();
        !columns.is_empty()
            && !filter.is_volatile()
            && columns.iter().all(|c| {
                PARTITION_COLUMNS.contains(&c.name.as_str())
                    || (self.split_by_measure && c.name == MEASURE)
            })
    }

    /// The decoded batches of each of `files`, in their order: from the cache, or read,
    /// decoded and kept there.
    async fn cached_objects(
        &self,
        state: &dyn Session,
        files: &[&RollupFile],
    ) -> Result<Vec<Arc<[RecordBatch]>>> {
        let mut objects: Vec<Option<Arc<[RecordBatch]>>> = Vec::with_capacity(files.len());
        let mut missing = Vec::new();
        for (index, file) in files.iter().enumerate() {
            let held = self.cache.get(&file.path);
            if held.is_none() {
                missing.push((index, file.path.clone()));
            }
            objects.push(held);
        }
        if !missing.is_empty() {
            let store = state.runtime_env().object_store(&self.store_url)?;
            let split = self.split_by_measure;
            let mut reads = futures::stream::iter(missing)
                .map(|(index, path)| {
                    let read =
                        read_object(Arc::clone(&store), Arc::clone(&self.schema), path, split);
                    async move { read.await.map(|read| (index, read)) }
                })
                .buffer_unordered(CONCURRENT_READS);
            while let Some((index, (path, read))) = reads.try_next().await? {
                self.cache.insert(&path, Arc::clone(&read));
                objects[index] = Some(read);
            }
        }
        objects
            .into_iter()
            .map(|object| {
                object.ok_or_else(|| {
                    DataFusionError::Internal("a rollup object was neither held nor read".into())
                })
            })
            .collect()
    }

    /// Which files may hold rows matching `filters` (those [`Self::applies_exactly`] on
    /// partition values alone), and the filters that could not be judged that way.
    fn prune<'a>(
        &self,
        state: &dyn Session,
        filters: &[&'a Expr],
    ) -> Result<(Vec<bool>, Vec<&'a Expr>)> {
        if filters.is_empty() || self.files.is_empty() {
            return Ok((vec![true; self.files.len()], Vec::new()));
        }
        let ports = self.files.iter().map(|f| Some(f.port.as_str()));
        let dates = self.files.iter().map(|f| Some(f.local_date));
        let values = self.partition_values(ports, dates, None)?;
        Ok(judge_all(state, filters, &values))
    }

    /// One row per file or batch with its `port`, `local_date` and, when given, `measure`,
    /// in the table's types, to evaluate filters on.
    fn partition_values<'a>(
        &self,
        ports: impl Iterator<Item = Option<&'a str>>,
        dates: impl Iterator<Item = Option<NaiveDate>>,
        measures: Option<Vec<Option<&str>>>,
    ) -> Result<RecordBatch> {
        let ports: ArrayRef = Arc::new(StringArray::from_iter(ports));
        let dates: ArrayRef = Arc::new(Date32Array::from_iter(
            dates.map(|d| d.map(Date32Type::from_naive_date)),
        ));
        let mut columns = vec![("port", ports), ("local_date", dates)];
        if let Some(measures) = measures {
            columns.push((MEASURE, Arc::new(StringArray::from(measures)) as ArrayRef));
        }
        let columns = columns
            .into_iter()
            .map(|(name, values)| {
                let values = match self.schema.field_with_name(name) {
                    Ok(field) => cast(&values, field.data_type())?,
                    Err(_) => values,
                };
                Ok((name, values))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(RecordBatch::try_from_iter(columns)?)
    }

    /// The batches of `objects` (the decoded `files`) whose partition and measure satisfy
    /// every one of `filters`, and the filters that could not be evaluated on them.
    fn choose_batches<'a>(
        &self,
        state: &dyn Session,
        files: &[&RollupFile],
        objects: Vec<Arc<[RecordBatch]>>,
        filters: &[&'a Expr],
    ) -> Result<(Vec<RecordBatch>, Vec<&'a Expr>)> {
        let batches: Vec<(&RollupFile, RecordBatch)> = files
            .iter()
            .zip(&objects)
            .flat_map(|(file, batches)| {
                batches
                    .iter()
                    .filter(|b| b.num_rows() > 0)
                    .map(move |b| (*file, b.clone()))
            })
            .collect();
        if filters.is_empty() || batches.is_empty() {
            return Ok((
                batches.into_iter().map(|(_, b)| b).collect(),
                filters.to_vec(),
            ));
        }
        // Each batch has one measure (objects are split by it when decoded): its first
        // row's.
        let measures = batches
            .iter()
            .map(|(_, batch)| {
                batch
                    .column_by_name(MEASURE)
                    .and_then(|c| c.as_any().downcast_ref::<StringArray>())
                    .and_then(|m| m.is_valid(0).then(|| m.value(0)))
            })
            .collect();
        let values = self.partition_values(
            batches.iter().map(|(f, _)| Some(f.port.as_str())),
            batches.iter().map(|(f, _)| Some(f.local_date)),
            Some(measures),
        )?;
        let (keep, unjudged) = judge_all(state, filters, &values);
        let chosen = batches
            .into_iter()
            .zip(keep)
            .filter(|(_, keep)| *keep)
            .map(|((_, batch), _)| batch)
            .collect();
        Ok((chosen, unjudged))
    }
}

/// Whether each row of `values` satisfies every one of `filters`, judged by those that can
/// be evaluated on them, and the filters that cannot.
fn judge_all<'a>(
    state: &dyn Session,
    filters: &[&'a Expr],
    values: &RecordBatch,
) -> (Vec<bool>, Vec<&'a Expr>) {
    let mut keep = vec![true; values.num_rows()];
    let mut unjudged = Vec::new();
    for filter in filters {
        match judge(state, filter, values) {
            Some(matches) => {
                for (keep, matches) in keep.iter_mut().zip(matches) {
                    *keep &= matches;
                }
            }
            None => unjudged.push(*filter),
        }
    }
    (keep, unjudged)
}

/// Whether each row of `values` satisfies `filter` (a null answer does not), or `None` if
/// the filter cannot be evaluated on them.
fn judge(state: &dyn Session, filter: &Expr, values: &RecordBatch) -> Option<Vec<bool>> {
    let schema = DFSchema::try_from(values.schema()).ok()?;
    let physical = state.create_physical_expr(filter.clone(), &schema).ok()?;
    let array = physical
        .evaluate(values)
        .and_then(|value| value.into_array(values.num_rows()))
        .ok()?;
    let matches = array.as_any().downcast_ref::<BooleanArray>()?;
    Some(
        (0..matches.len())
            .map(|i| matches.is_valid(i) && matches.value(i))
            .collect(),
    )
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
        // The filters reported exact (see `supports_filters_pushdown`): each must be applied
        // here, by choosing files and batches or else by filtering rows.
        let exact: Vec<&Expr> = filters.iter().filter(|f| self.applies_exactly(f)).collect();
        let (on_partition, on_measure): (Vec<&Expr>, Vec<&Expr>) = exact
            .iter()
            .partition(|f| f.column_refs().iter().all(|c| c.name != MEASURE));
        let (keep, mut unapplied) = self.prune(state, &on_partition)?;
        let kept: Vec<&RollupFile> = self
            .files
            .iter()
            .zip(keep)
            .filter(|(_, keep)| *keep)
            .map(|(file, _)| file)
            .collect();
        if kept.is_empty() {
            return Ok(Arc::new(EmptyExec::new(self.projected(projection)?)));
        }
        let from_memory = self.cache.takes(kept.iter().map(|f| f.bytes).sum());
        let batches = if from_memory {
            let objects = self.cached_objects(state, &kept).await?;
            let (batches, unjudged) = self.choose_batches(state, &kept, objects, &on_measure)?;
            unapplied.extend(unjudged);
            Some(batches)
        } else {
            // Parquet objects hold every measure.
            unapplied.extend(on_measure);
            None
        };

        // What could not be applied by choosing is applied to the rows, which needs the
        // columns it reads whether the query reads them or not.
        let residual = conjunction(unapplied.into_iter().cloned());
        let read: Option<Vec<usize>> = match (&residual, projection) {
            (Some(residual), Some(indices)) => {
                let mut read = indices.clone();
                for column in residual.column_refs() {
                    let index = self.schema.index_of(&column.name)?;
                    if !read.contains(&index) {
                        read.push(index);
                    }
                }
                Some(read)
            }
            (_, projection) => projection.cloned(),
        };
        let read_limit = if residual.is_some() { None } else { limit };
        let plan = match batches {
            Some(batches) => self.memory_plan(state, batches, read.as_ref(), read_limit)?,
            None => {
                self.parquet_plan(state, &kept, read.as_ref(), read_limit)
                    .await?
            }
        };
        let Some(residual) = residual else {
            return Ok(plan);
        };
        let read_schema = DFSchema::try_from(plan.schema())?;
        let predicate = state.create_physical_expr(residual, &read_schema)?;
        let output = projection.map(|indices| (0..indices.len()).collect());
        Ok(Arc::new(
            FilterExecBuilder::new(predicate, plan)
                .apply_projection(output)?
                .with_fetch(limit)
                .build()?,
        ))
    }

    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> Result<Vec<TableProviderFilterPushDown>> {
        Ok(filters
            .iter()
            .map(|filter| {
                if self.applies_exactly(filter) {
                    TableProviderFilterPushDown::Exact
                } else {
                    TableProviderFilterPushDown::Inexact
                }
            })
            .collect())
    }
}

impl RollupTable {
    /// The table's schema with only the `projection`'s columns.
    fn projected(&self, projection: Option<&Vec<usize>>) -> Result<SchemaRef> {
        Ok(match projection {
            Some(indices) => Arc::new(self.schema.project(indices)?),
            None => Arc::clone(&self.schema),
        })
    }

    /// A scan of decoded `batches`, spread over the session's partitions.
    fn memory_plan(
        &self,
        state: &dyn Session,
        batches: Vec<RecordBatch>,
        projection: Option<&Vec<usize>>,
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let schema = self.projected(projection)?;
        let target = state.config().target_partitions().max(1);
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
        Ok(DataSourceExec::from_data_source(source))
    }

    /// A scan of the Parquet objects `files`, spread over the session's partitions.
    async fn parquet_plan(
        &self,
        state: &dyn Session,
        files: &[&RollupFile],
        projection: Option<&Vec<usize>>,
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let target = state.config().target_partitions().max(1);
        let mut groups: Vec<Vec<PartitionedFile>> = vec![Vec::new(); target.min(files.len())];
        let group_count = groups.len();
        for (index, file) in files.iter().enumerate() {
            groups[index % group_count].push(PartitionedFile::new(file.path.clone(), file.bytes));
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
/// adapts the object's types the same way), so that every batch of a scan has one schema;
/// with `split_by_measure`, as one batch per run of rows of one measure.
async fn read_object(
    store: Arc<dyn ObjectStore>,
    schema: SchemaRef,
    path: String,
    split_by_measure: bool,
) -> Result<(String, Arc<[RecordBatch]>)> {
    let location = Path::parse(&path).map_err(|e| DataFusionError::External(e.into()))?;
    let bytes = store.get(&location).await?.bytes().await?;
    // Decoding is CPU work: on the blocking pool, so that the objects of a scan are
    // decoded on every core while planning waits.
    let batches = tokio::task::spawn_blocking(move || {
        let batches = decode(&path, &schema, bytes)?;
        let batches = if split_by_measure {
            split_measures(&schema, &batches)?
        } else {
            batches
        };
        Ok::<_, DataFusionError>((path, batches))
    })
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

/// `batches` as one batch per run of rows with the same `measure`. Objects are written
/// sorted by measure, so an object becomes one batch per measure; the batches are slices
/// of one copy of the object.
fn split_measures(schema: &SchemaRef, batches: &[RecordBatch]) -> Result<Arc<[RecordBatch]>> {
    let object = concat_batches(schema, batches)?;
    if object.num_rows() == 0 {
        return Ok(Arc::from(Vec::new()));
    }
    let measure = object
        .column_by_name(MEASURE)
        .ok_or_else(|| DataFusionError::Internal(format!("a rollup has no {MEASURE} column")))?;
    let runs = partition(std::slice::from_ref(measure))?;
    Ok(runs
        .ranges()
        .into_iter()
        .map(|run| object.slice(run.start, run.end - run.start))
        .collect())
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

    /// The lake at `location` read without the rollup cache.
    async fn uncached(location: &str) -> Warehouse {
        Warehouse::open(location)
            .await
            .unwrap()
            .with_rollup_cache_budget(0)
    }

    #[tokio::test]
    async fn rollups_read_from_memory_answer_as_read_from_the_lake_and_outlive_the_objects() {
        let dir = tempfile::tempdir().unwrap();
        let location = landed(dir.path()).await;
        let from_lake = uncached(&location).await;
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
        let expected = answers(&uncached(&location).await).await;
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

    /// The same figures two ways: with conditions on measure and partition that the table
    /// applies itself, and by reading every row and choosing in the aggregate.
    const CHOSEN_BY_THE_TABLE: [(&str, &str); 3] = [
        (
            "SELECT port, sum(travellers) AS t FROM rollup_wait_histogram_by_port \
             WHERE measure = 'queue_wait' AND local_date = DATE '2026-10-06' \
             GROUP BY port ORDER BY port",
            "SELECT port, sum(CASE WHEN measure = 'queue_wait' \
                                   AND local_date = DATE '2026-10-06' THEN travellers END) AS t \
             FROM rollup_wait_histogram_by_port GROUP BY port ORDER BY port",
        ),
        (
            "SELECT port, bucket, sum(travellers) AS t FROM rollup_wait_histogram \
             WHERE measure IN ('processing', 'clearance') OR local_date = DATE '2026-10-05' \
             GROUP BY port, bucket ORDER BY port, bucket",
            "SELECT port, bucket, sum(CASE WHEN measure IN ('processing', 'clearance') \
                                   OR local_date = DATE '2026-10-05' THEN travellers END) AS t \
             FROM rollup_wait_histogram GROUP BY port, bucket \
             HAVING count(CASE WHEN measure IN ('processing', 'clearance') \
                                OR local_date = DATE '2026-10-05' THEN 1 END) > 0 \
             ORDER BY port, bucket",
        ),
        (
            "SELECT count(*) AS rows, count(DISTINCT measure) AS measures, min(measure) AS m \
             FROM (SELECT * FROM rollup_wait_histogram_by_port \
                   WHERE measure = 'clearance' AND port = 'DPS' LIMIT 5)",
            "SELECT CAST(5 AS BIGINT) AS rows, CAST(1 AS BIGINT) AS measures, 'clearance' AS m",
        ),
    ];

    async fn text(warehouse: &Warehouse, sql: &str) -> String {
        let batches = warehouse.sql(sql).await.unwrap();
        assert!(batches.iter().any(|b| b.num_rows() > 0), "{sql} is empty");
        pretty_format_batches(&batches).unwrap().to_string()
    }

    #[tokio::test]
    async fn conditions_on_measure_and_partition_are_applied_by_the_table_and_only_once() {
        let dir = tempfile::tempdir().unwrap();
        let location = landed(dir.path()).await;
        let cached = Warehouse::open(&location).await.unwrap();
        let from_lake = uncached(&location).await;
        for warehouse in [&cached, &from_lake] {
            for (chosen, in_the_aggregate) in CHOSEN_BY_THE_TABLE {
                assert_eq!(
                    text(warehouse, chosen).await,
                    text(warehouse, in_the_aggregate).await,
                    "{chosen}"
                );
            }
        }
        // From memory, the chosen batches are all there is to read: no row is filtered.
        // From Parquet, whose objects hold every measure, the scan filters the rows.
        // (The stored table alone: the view also computes stale partitions from the raw
        // crossings, which are filtered.)
        let explain = format!(
            "EXPLAIN {}",
            CHOSEN_BY_THE_TABLE[0].0.replace(
                "rollup_wait_histogram_by_port",
                "rollup_stored_wait_histogram_by_port"
            )
        );
        let plan = text(&cached, &explain).await;
        assert!(!plan.contains("FilterExec"), "{plan}");
        let plan = text(&from_lake, &explain).await;
        assert!(plan.contains("FilterExec"), "{plan}");
        assert!(plan.contains("measure@"), "{plan}");
    }

    #[tokio::test]
    async fn warming_reads_the_latest_weeks_of_every_stored_rollup_into_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let location = landed(dir.path()).await;
        let off = uncached(&location).await;
        let expected = answers(&off).await;
        let warmed = off.warm_rollup_cache().await.unwrap();
        assert_eq!(
            (warmed.objects, warmed.bytes),
            (0, 0),
            "a budget of 0 keeps nothing"
        );

        let warehouse = Warehouse::open(&location).await.unwrap();
        let warmed = warehouse.warm_rollup_cache().await.unwrap();
        // Two nights are well within the weeks read ahead: every object is held.
        let objects = objects_below(&dir.path().join("lake").join("_rollups"));
        assert_eq!(warmed.objects, objects);
        assert_eq!(warehouse.rollup_cache().len(), objects);
        assert_eq!(warmed.bytes, warehouse.rollup_cache().used());
        assert!(warmed.bytes > 0);
        std::fs::remove_dir_all(dir.path().join("lake").join("_rollups")).unwrap();
        assert_eq!(answers(&warehouse).await, expected, "answers from memory");
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
