//! A stored rollup as DataFusion sees it: exactly the rollup objects that are fresh for
//! the snapshot being served, pruned by `port` and `local_date` before any is opened.
//!
//! `LakeTable` does the same for the raw tables, but its schemas are the ingest tables';
//! a rollup's schema is whatever its SQL produces.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use datafusion::arrow::array::{Array, ArrayRef, BooleanArray, Date32Array, StringArray};
use datafusion::arrow::datatypes::{Date32Type, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::catalog::Session;
use datafusion::common::{DFSchema, Result};
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::PartitionedFile;
use datafusion::datasource::physical_plan::{FileGroup, FileScanConfigBuilder, ParquetSource};
use datafusion::datasource::{TableProvider, TableType};
use datafusion::execution::object_store::ObjectStoreUrl;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::empty::EmptyExec;

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
}

impl RollupTable {
    pub fn new(schema: SchemaRef, store_url: ObjectStoreUrl, files: Vec<RollupFile>) -> Self {
        RollupTable {
            schema,
            store_url,
            files,
        }
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
        let files: Vec<PartitionedFile> = self
            .files
            .iter()
            .zip(keep)
            .filter(|(_, keep)| *keep)
            .map(|(file, _)| PartitionedFile::new(file.path.clone(), file.bytes))
            .collect();
        if files.is_empty() {
            let schema = match projection {
                Some(indices) => Arc::new(self.schema.project(indices)?),
                None => Arc::clone(&self.schema),
            };
            return Ok(Arc::new(EmptyExec::new(schema)));
        }
        let target = state.config().target_partitions().max(1);
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
