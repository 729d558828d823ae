//! Where a run's rows go: one open Parquet writer per partition it touches, plus the
//! run's rejects and findings, with memory kept bounded.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use datafusion::arrow::array::{
    ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
};
use datafusion::arrow::compute::filter_record_batch;

use crate::error::Result;
use crate::feeds::{Finding, PartitionBatch, Reject};
use crate::lake::{DataFile, Lake, PartitionWriter};
use crate::schema::Table;

/// Rows held in open writers, over all partitions, before they are all closed. A closed
/// partition that receives more rows later in the run gets a further file.
const OPEN_ROWS_LIMIT: usize = 512 * 1024;

/// Partition files open at once before they are all closed. Each open Parquet writer holds
/// encoders for every column, so a run over thousands of port-nights must not keep them
/// all open; a nightly file rarely adds to a partition another file already wrote.
const OPEN_FILES_LIMIT: usize = 64;

/// Rejects or findings held before they are written as one batch.
const PENDING_LIMIT: usize = 64 * 1024;

/// A run's writers.
pub(super) struct Landing<'a> {
    lake: &'a Lake,
    run_id: String,
    open: BTreeMap<(Table, String, NaiveDate), PartitionWriter>,
    open_rows: usize,
    rejects: Vec<(&'static str, String, Reject)>,
    findings: Vec<(&'static str, String, Finding)>,
    rejects_writer: Option<PartitionWriter>,
    findings_writer: Option<PartitionWriter>,
    written: Vec<DataFile>,
    next_file: usize,
}

impl std::fmt::Debug for Landing<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Landing")
            .field("run_id", &self.run_id)
            .field("open", &self.open.len())
            .field("written", &self.written.len())
            .finish()
    }
}

impl<'a> Landing<'a> {
    pub(super) fn new(lake: &'a Lake, run_id: &str) -> Landing<'a> {
        Landing {
            lake,
            run_id: run_id.to_string(),
            open: BTreeMap::new(),
            open_rows: 0,
            rejects: Vec::new(),
            findings: Vec::new(),
            rejects_writer: None,
            findings_writer: None,
            written: Vec::new(),
            next_file: 0,
        }
    }

    pub(super) fn lake(&self) -> &'a Lake {
        self.lake
    }

    fn file_name(&mut self) -> String {
        let name = format!("part-{}-{:05}.parquet", self.run_id, self.next_file);
        self.next_file += 1;
        name
    }

    /// Writes the rows of `part` whose `keep` is true. Returns how many were written.
    pub(super) async fn write(&mut self, part: PartitionBatch, keep: &[bool]) -> Result<usize> {
        let batch = if keep.iter().all(|k| *k) {
            part.batch
        } else {
            filter_record_batch(&part.batch, &BooleanArray::from(keep.to_vec()))?
        };
        let rows = batch.num_rows();
        if rows == 0 {
            return Ok(0);
        }
        let key = (part.table, part.port, part.local_date);
        if !self.open.contains_key(&key) {
            // One block can touch many partitions (a CBP export covers a year of days, 364
            // open writers took 800 MiB), so the limit holds while a block is written too.
            if self.open.len() >= OPEN_FILES_LIMIT {
                self.close_open().await?;
            }
            let partition = BTreeMap::from([
                ("port".to_string(), key.1.clone()),
                ("local_date".to_string(), key.2.to_string()),
            ]);
            let name = self.file_name();
            let writer = self.lake.data_file_writer(key.0, partition, &name)?;
            self.open.insert(key.clone(), writer);
        }
        if let Some(writer) = self.open.get_mut(&key) {
            writer.write(&batch).await?;
        }
        self.open_rows += rows;
        Ok(rows)
    }

    /// Takes a file's rejects (leaving `rejects` empty).
    pub(super) fn add_rejects(
        &mut self,
        feed: &'static str,
        file: &str,
        rejects: &mut Vec<Reject>,
    ) {
        self.rejects
            .extend(rejects.drain(..).map(|r| (feed, file.to_string(), r)));
    }

    /// Takes a file's findings (leaving `findings` empty).
    pub(super) fn add_findings(
        &mut self,
        feed: &'static str,
        file: &str,
        findings: &mut Vec<Finding>,
    ) {
        self.findings
            .extend(findings.drain(..).map(|f| (feed, file.to_string(), f)));
    }

    /// Writes out what is held beyond the limits: pending rejects and findings as a batch,
    /// and, when the open partition files are too many or hold too many rows, closes them
    /// all.
    pub(super) async fn bound_memory(&mut self) -> Result<()> {
        if self.rejects.len() >= PENDING_LIMIT {
            self.write_rejects().await?;
        }
        if self.findings.len() >= PENDING_LIMIT {
            self.write_findings().await?;
        }
        if self.open_rows >= OPEN_ROWS_LIMIT || self.open.len() >= OPEN_FILES_LIMIT {
            self.close_open().await?;
        }
        Ok(())
    }

    async fn close_open(&mut self) -> Result<()> {
        for (_, writer) in std::mem::take(&mut self.open) {
            self.written.push(writer.close().await?);
        }
        self.open_rows = 0;
        Ok(())
    }

    fn run_partition(&self) -> BTreeMap<String, String> {
        BTreeMap::from([("run_id".to_string(), self.run_id.clone())])
    }

    async fn write_rejects(&mut self) -> Result<()> {
        if self.rejects.is_empty() {
            return Ok(());
        }
        let batch = rejects_batch(&self.run_id, &self.rejects)?;
        self.rejects.clear();
        if self.rejects_writer.is_none() {
            let name = self.file_name();
            let partition = self.run_partition();
            self.rejects_writer = Some(self.lake.data_file_writer(
                Table::Rejects,
                partition,
                &name,
            )?);
        }
        if let Some(writer) = self.rejects_writer.as_mut() {
            writer.write(&batch).await?;
        }
        Ok(())
    }

    async fn write_findings(&mut self) -> Result<()> {
        if self.findings.is_empty() {
            return Ok(());
        }
        let batch = findings_batch(&self.run_id, &self.findings)?;
        self.findings.clear();
        if self.findings_writer.is_none() {
            let name = self.file_name();
            let partition = self.run_partition();
            self.findings_writer = Some(self.lake.data_file_writer(
                Table::QualityFindings,
                partition,
                &name,
            )?);
        }
        if let Some(writer) = self.findings_writer.as_mut() {
            writer.write(&batch).await?;
        }
        Ok(())
    }

    /// Files that are open or waiting to be written.
    pub(super) fn open_files(&self) -> usize {
        self.open.len()
            + usize::from(!self.rejects.is_empty())
            + usize::from(!self.findings.is_empty())
    }

    /// Writes everything still held and closes every file. Returns what the commit names.
    pub(super) async fn finish(mut self) -> Result<Vec<DataFile>> {
        self.write_rejects().await?;
        self.write_findings().await?;
        self.close_open().await?;
        for writer in [self.rejects_writer.take(), self.findings_writer.take()]
            .into_iter()
            .flatten()
        {
            self.written.push(writer.close().await?);
        }
        Ok(self.written)
    }
}

type Located<T> = (&'static str, String, T);

fn rejects_batch(run_id: &str, rejects: &[Located<Reject>]) -> Result<RecordBatch> {
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(
            rejects.iter().map(|_| run_id),
        )),
        Arc::new(StringArray::from_iter_values(rejects.iter().map(|r| r.0))),
        Arc::new(StringArray::from_iter_values(
            rejects.iter().map(|r| r.1.as_str()),
        )),
        Arc::new(Int64Array::from_iter_values(
            rejects.iter().map(|r| r.2.record_number as i64),
        )),
        Arc::new(StringArray::from_iter_values(
            rejects.iter().map(|r| r.2.reason.as_str()),
        )),
        Arc::new(StringArray::from_iter_values(
            rejects.iter().map(|r| r.2.raw.as_str()),
        )),
    ];
    Ok(RecordBatch::try_new(Table::Rejects.schema(), columns)?)
}

fn findings_batch(run_id: &str, findings: &[Located<Finding>]) -> Result<RecordBatch> {
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(
            findings.iter().map(|_| run_id),
        )),
        Arc::new(StringArray::from_iter_values(findings.iter().map(|f| f.0))),
        Arc::new(StringArray::from_iter_values(
            findings.iter().map(|f| f.1.as_str()),
        )),
        Arc::new(Int64Array::from_iter_values(
            findings.iter().map(|f| f.2.record_number as i64),
        )),
        Arc::new(StringArray::from_iter_values(
            findings.iter().map(|f| f.2.check_name),
        )),
        Arc::new(Float64Array::from_iter(
            findings.iter().map(|f| f.2.declared),
        )),
        Arc::new(Float64Array::from_iter(
            findings.iter().map(|f| f.2.computed),
        )),
        Arc::new(StringArray::from_iter_values(
            findings.iter().map(|f| f.2.message.as_str()),
        )),
    ];
    Ok(RecordBatch::try_new(
        Table::QualityFindings.schema(),
        columns,
    )?)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::NaiveDate;
    use datafusion::arrow::record_batch::RecordBatch;

    use super::{Landing, OPEN_FILES_LIMIT};
    use crate::feeds::PartitionBatch;
    use crate::lake::Lake;
    use crate::schema::Table;

    /// A block that touches three times as many partitions as may be open at once, written
    /// without a pause between partitions: the open writers stay within the limit, and
    /// every partition's rows are in the files the run names.
    #[tokio::test]
    async fn a_block_touching_many_partitions_keeps_open_writers_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::open(&dir.path().to_string_lossy()).unwrap();
        let mut landing = Landing::new(&lake, "test-run");
        let days = OPEN_FILES_LIMIT * 3;
        let first = NaiveDate::from_ymd_opt(2018, 1, 1).unwrap();
        let schema = Table::WaitHourly.schema();
        for day in 0..days {
            let batch = one_row(&schema);
            let part = PartitionBatch {
                table: Table::WaitHourly,
                port: "JFK".to_string(),
                local_date: first + chrono::Days::new(day as u64),
                batch,
                records: vec![day as u64 + 2],
            };
            assert_eq!(landing.write(part, &[true]).await.unwrap(), 1);
            assert!(
                landing.open_files() <= OPEN_FILES_LIMIT,
                "{} open",
                landing.open_files()
            );
        }
        let files = landing.finish().await.unwrap();
        let dates: BTreeMap<String, u64> = files
            .iter()
            .map(|f| (f.partition["local_date"].clone(), f.rows))
            .collect();
        assert_eq!(dates.len(), days);
        assert!(dates.values().all(|rows| *rows == 1));
    }

    /// One row with a default value in every column of `schema`.
    fn one_row(schema: &datafusion::arrow::datatypes::SchemaRef) -> RecordBatch {
        use datafusion::arrow::array::new_null_array;
        use datafusion::arrow::compute::cast;
        use datafusion::arrow::datatypes::DataType;
        let columns = schema
            .fields()
            .iter()
            .map(|field| {
                let zero: datafusion::arrow::array::ArrayRef = match field.data_type() {
                    DataType::Utf8 => {
                        std::sync::Arc::new(datafusion::arrow::array::StringArray::from(vec!["x"]))
                    }
                    DataType::Boolean => {
                        std::sync::Arc::new(datafusion::arrow::array::BooleanArray::from(vec![
                            false,
                        ]))
                    }
                    other => cast(
                        &datafusion::arrow::array::Int64Array::from(vec![0_i64]),
                        other,
                    )
                    .unwrap_or_else(|_| new_null_array(other, 1)),
                };
                zero
            })
            .collect();
        RecordBatch::try_new(std::sync::Arc::clone(schema), columns).unwrap()
    }
}
