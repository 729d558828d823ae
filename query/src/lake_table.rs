//! A lake table as DataFusion sees it: exactly the files the commit log names.
//!
//! Listing folders would also pick up files of a run that died before committing, so the
//! table is built from the snapshot's file list instead (as delta-rs does). Files are
//! pruned by their partition values (`port`, `local_date`, `run_id`) before any is opened;
//! row groups and pages are then pruned by Parquet statistics.

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::array::{
    Array, ArrayRef, BooleanArray, Date32Array, RecordBatch, StringArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
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
use gerbang_ingest::lake::{DataFile, Lake};
use gerbang_ingest::schema::Table;

/// One lake table at one snapshot.
#[derive(Debug)]
pub struct LakeTable {
    table: Table,
    store_url: ObjectStoreUrl,
    /// Full object-store paths and descriptions of the visible files.
    files: Vec<(String, DataFile)>,
}

impl LakeTable {
    pub fn new<'a>(
        lake: &Lake,
        table: Table,
        files: impl Iterator<Item = &'a DataFile>,
    ) -> Result<LakeTable> {
        let store_url = ObjectStoreUrl::parse(lake.store_url().as_str())?;
        let files = files
            .map(|file| (lake.path(&file.path).to_string(), file.clone()))
            .collect();
        Ok(LakeTable {
            table,
            store_url,
            files,
        })
    }

    /// A batch of the files' partition values, one row per file, to evaluate filters on.
    fn partition_batch(&self) -> Result<RecordBatch> {
        let mut fields = Vec::new();
        let mut columns: Vec<ArrayRef> = Vec::new();
        let schema = self.table.schema();
        for name in self.table.partition_columns() {
            let field = schema.field_with_name(name)?;
            let values = self
                .files
                .iter()
                .map(|(_, f)| f.partition.get(*name).map(String::as_str));
            let column: ArrayRef = match field.data_type() {
                DataType::Date32 => {
                    let days = values.map(|v| {
                        v.and_then(|text| text.parse::<chrono::NaiveDate>().ok())
                            .map(|d| {
                                d.signed_duration_since(chrono::NaiveDate::default())
                                    .num_days() as i32
                            })
                    });
                    Arc::new(Date32Array::from_iter(days))
                }
                _ => Arc::new(StringArray::from_iter(values)),
            };
            fields.push(Field::new(*name, field.data_type().clone(), true));
            columns.push(column);
        }
        Ok(RecordBatch::try_new(
            Arc::new(Schema::new(fields)),
            columns,
        )?)
    }

    /// Which files may hold rows matching `filters`; filters on other columns keep all.
    fn prune(&self, state: &dyn Session, filters: &[Expr]) -> Result<Vec<bool>> {
        let mut keep = vec![true; self.files.len()];
        let partition_columns = self.table.partition_columns();
        let usable: Vec<&Expr> = filters
            .iter()
            .filter(|f| {
                let columns = f.column_refs();
                !columns.is_empty()
                    && columns
                        .iter()
                        .all(|c| partition_columns.contains(&c.name.as_str()))
            })
            .collect();
        if usable.is_empty() || self.files.is_empty() {
            return Ok(keep);
        }
        let batch = self.partition_batch()?;
        let df_schema = DFSchema::try_from(batch.schema())?;
        for filter in usable {
            // A filter that cannot be evaluated on partition values alone prunes nothing.
            let Ok(physical) = state.create_physical_expr(filter.clone(), &df_schema) else {
                continue;
            };
            let Ok(value) = physical.evaluate(&batch) else {
                continue;
            };
            let Ok(array) = value.into_array(batch.num_rows()) else {
                continue;
            };
            let Some(matches) = array.as_any().downcast_ref::<BooleanArray>() else {
                continue;
            };
            for (index, keep) in keep.iter_mut().enumerate() {
                // NULL (unknown) keeps the file: pruning must never drop a possible match.
                if matches.is_valid(index) && !matches.value(index) {
                    *keep = false;
                }
            }
        }
        Ok(keep)
    }
}

#[async_trait]
impl TableProvider for LakeTable {
    fn schema(&self) -> SchemaRef {
        self.table.schema()
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
            .map(|((path, file), _)| PartitionedFile::new(path.clone(), file.bytes))
            .collect();
        if files.is_empty() {
            let schema = match projection {
                Some(indices) => Arc::new(self.table.schema().project(indices)?),
                None => self.table.schema(),
            };
            return Ok(Arc::new(EmptyExec::new(schema)));
        }
        let target = state.config().target_partitions().max(1);
        let mut groups: Vec<Vec<PartitionedFile>> = vec![Vec::new(); target.min(files.len())];
        let group_count = groups.len();
        for (index, file) in files.into_iter().enumerate() {
            groups[index % group_count].push(file);
        }
        let source = Arc::new(ParquetSource::new(self.table.schema()));
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
        // Partition values are also stored in the files, so every filter is re-checked
        // above the scan; pruning only saves reading.
        Ok(vec![TableProviderFilterPushDown::Inexact; filters.len()])
    }
}

impl LakeTable {
    /// How many files the table has at this snapshot.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use datafusion::arrow::array::RecordBatch;
    use gerbang_ingest::lake::{Commit, Lake, Snapshot};
    use gerbang_ingest::reference::PortRegistry;
    use gerbang_ingest::schema::Table;

    use crate::Warehouse;
    use crate::targets::MouTargets;

    /// A lake with one empty crossings file per (port, date), committed.
    async fn lake_with_partitions(dir: &std::path::Path, partitions: &[(&str, &str)]) -> Lake {
        let lake = Lake::open(&dir.to_string_lossy()).unwrap();
        let mut files = Vec::new();
        for (n, (port, date)) in partitions.iter().enumerate() {
            let partition = BTreeMap::from([
                ("port".to_string(), port.to_string()),
                ("local_date".to_string(), date.to_string()),
            ]);
            let batch = RecordBatch::new_empty(Table::Crossings.schema());
            let name = format!("part-test-{n:05}.parquet");
            files.push(
                lake.write_data_file(Table::Crossings, partition, &name, &[batch])
                    .await
                    .unwrap(),
            );
        }
        let commit = Commit {
            version: 0,
            run_id: "test".to_string(),
            started_at: chrono::Utc::now(),
            finished_at: chrono::Utc::now(),
            sources: vec![],
            files,
        };
        lake.commit(commit, &Snapshot::default()).await.unwrap();
        lake
    }

    async fn files_scanned(warehouse: &Warehouse, sql: &str) -> usize {
        let plan = warehouse.sql(&format!("EXPLAIN {sql}")).await.unwrap();
        let text = datafusion::arrow::util::pretty::pretty_format_batches(&plan)
            .unwrap()
            .to_string();
        text.matches(".parquet").count()
    }

    #[tokio::test]
    async fn filters_on_port_and_local_date_prune_files_before_any_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let lake = lake_with_partitions(
            dir.path(),
            &[
                ("CGK", "2026-10-19"),
                ("CGK", "2026-10-20"),
                ("DPS", "2026-10-20"),
                ("SUB", "2026-10-21"),
            ],
        )
        .await;
        let warehouse =
            Warehouse::open_lake(lake, PortRegistry::embedded(), MouTargets::embedded())
                .await
                .unwrap();
        assert_eq!(
            files_scanned(&warehouse, "SELECT count(*) FROM crossings").await,
            4
        );
        assert_eq!(
            files_scanned(
                &warehouse,
                "SELECT count(*) FROM crossings WHERE port = 'CGK'"
            )
            .await,
            2
        );
        assert_eq!(
            files_scanned(
                &warehouse,
                "SELECT count(*) FROM crossings WHERE local_date >= DATE '2026-10-20' AND port IN ('CGK', 'SUB')"
            )
            .await,
            2
        );
        let none = "SELECT count(*) FROM crossings WHERE port = 'JOG'";
        assert_eq!(files_scanned(&warehouse, none).await, 0);
        assert_eq!(warehouse.sql(none).await.unwrap()[0].num_rows(), 1);
    }

    #[tokio::test]
    async fn refresh_serves_a_newer_commit_to_tables_and_views() {
        let dir = tempfile::tempdir().unwrap();
        let lake = lake_with_partitions(dir.path(), &[("CGK", "2026-10-19")]).await;
        let warehouse = Warehouse::open_lake(
            lake.clone(),
            PortRegistry::embedded(),
            MouTargets::embedded(),
        )
        .await
        .unwrap();
        let view = "SELECT * FROM kpi_clearance_hourly";
        assert_eq!(files_scanned(&warehouse, view).await, 1);
        assert_eq!(warehouse.refresh().await.unwrap(), 1, "nothing new yet");

        // Another run commits a second night.
        let partition = BTreeMap::from([
            ("port".to_string(), "CGK".to_string()),
            ("local_date".to_string(), "2026-10-20".to_string()),
        ]);
        let batch = RecordBatch::new_empty(Table::Crossings.schema());
        let file = lake
            .write_data_file(Table::Crossings, partition, "part-later.parquet", &[batch])
            .await
            .unwrap();
        let before = lake.snapshot().await.unwrap();
        let commit = Commit {
            version: 0,
            run_id: "later".to_string(),
            started_at: chrono::Utc::now(),
            finished_at: chrono::Utc::now(),
            sources: vec![],
            files: vec![file],
        };
        lake.commit(commit, &before).await.unwrap();

        assert_eq!(
            warehouse.data_version(),
            1,
            "served as before until refreshed"
        );
        assert_eq!(warehouse.refresh().await.unwrap(), 2);
        assert_eq!(warehouse.data_version(), 2);
        assert_eq!(
            files_scanned(&warehouse, "SELECT count(*) FROM crossings").await,
            2
        );
        assert_eq!(files_scanned(&warehouse, view).await, 2);
    }

    #[tokio::test]
    async fn footers_are_read_once_and_kept_within_the_budget() {
        let dir = tempfile::tempdir().unwrap();
        let lake =
            lake_with_partitions(dir.path(), &[("CGK", "2026-10-19"), ("DPS", "2026-10-20")]).await;
        let open = || {
            Warehouse::open_lake(
                lake.clone(),
                PortRegistry::embedded(),
                MouTargets::embedded(),
            )
        };
        let query = "SELECT port, count(*) FROM crossings GROUP BY port";

        let warehouse = open().await.unwrap();
        let opened = warehouse.footer_cache();
        assert_eq!(opened.budget, crate::warehouse::DEFAULT_FOOTER_CACHE_BUDGET);
        warehouse.sql(query).await.unwrap();
        let first = warehouse.footer_cache();
        assert_eq!(
            first.files,
            opened.files + 2,
            "both crossings files' footers"
        );
        assert!(first.bytes > 0 && first.bytes <= first.budget, "{first:?}");
        warehouse.sql(query).await.unwrap();
        let second = warehouse.footer_cache();
        assert_eq!(second.files, first.files, "nothing new to keep");
        assert!(second.hits >= first.hits + 2, "{first:?} then {second:?}");

        let without = open().await.unwrap().with_footer_cache_budget(0);
        without.sql(query).await.unwrap();
        assert_eq!(
            without.footer_cache(),
            crate::warehouse::FooterCacheUsage {
                files: 0,
                bytes: 0,
                hits: 0,
                budget: 0
            }
        );
    }
}
