//! Source keys: which records a lake table already holds, so that no record lands twice.
//!
//! A row's key is its table's [`Table::key_columns`] (for example port and BCM
//! transaction id). The index holds a 128-bit hash of every key seen in this run and of
//! every key already in a partition the run writes to, loaded from that partition's data
//! files the first time the run touches it. Memory is about 30 bytes a row.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use chrono::NaiveDate;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Int32Type, Int64Type, TimestampMillisecondType,
};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::parquet::arrow::ProjectionMask;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use object_store::ObjectStoreExt;
use xxhash_rust::xxh3::xxh3_128;

use crate::error::{IngestError, Result};
use crate::feeds::PartitionBatch;
use crate::lake::{Lake, Snapshot};
use crate::schema::Table;

/// Where a key was seen first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Seen {
    /// In a data file an earlier run committed.
    Lake,
    /// Earlier in this run: the file's number in the run and its record.
    Run { file: u32, record: u64 },
}

/// `Seen`, packed in 8 bytes: the lake is all ones; otherwise file (16 bits) and record.
#[derive(Debug, Clone, Copy)]
struct Packed(u64);

const RECORD_BITS: u32 = 48;

impl Packed {
    fn new(seen: Seen) -> Packed {
        match seen {
            Seen::Lake => Packed(u64::MAX),
            Seen::Run { file, record } => {
                let file = u64::from(file.min(0xfffe));
                Packed((file << RECORD_BITS) | (record & ((1 << RECORD_BITS) - 1)))
            }
        }
    }

    fn unpack(self) -> Seen {
        if self.0 == u64::MAX {
            Seen::Lake
        } else {
            Seen::Run {
                file: (self.0 >> RECORD_BITS) as u32,
                record: self.0 & ((1 << RECORD_BITS) - 1),
            }
        }
    }
}

/// The keys are hashes already: the map uses them as they are.
#[derive(Debug, Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u128(&mut self, value: u128) {
        self.0 = (value as u64) ^ ((value >> 64) as u64);
    }
}

type Partition = (Table, String, NaiveDate);

/// Every key of the run's partitions.
#[derive(Debug)]
pub(super) struct KeyIndex {
    seen: HashMap<u128, Packed, BuildHasherDefault<PreHashed>>,
    loaded: HashSet<Partition>,
    /// Committed data files by partition, as paths below the lake root.
    files: HashMap<Partition, Vec<String>>,
}

impl KeyIndex {
    pub(super) fn new(snapshot: &Snapshot) -> KeyIndex {
        let mut files: HashMap<Partition, Vec<String>> = HashMap::new();
        for table in Table::ALL {
            if table.key_columns().is_empty() {
                continue;
            }
            for file in snapshot.files(table.name()) {
                let port = file.partition.get("port");
                let date = file
                    .partition
                    .get("local_date")
                    .and_then(|d| d.parse::<NaiveDate>().ok());
                if let (Some(port), Some(date)) = (port, date) {
                    files
                        .entry((table, port.clone(), date))
                        .or_default()
                        .push(file.path.clone());
                }
            }
        }
        KeyIndex {
            seen: HashMap::default(),
            loaded: HashSet::new(),
            files,
        }
    }

    /// Reads the keys of the partition `part` belongs to from the lake, once per run.
    pub(super) async fn load_partition(
        &mut self,
        lake: &Lake,
        part: &PartitionBatch,
    ) -> Result<()> {
        let partition = (part.table, part.port.clone(), part.local_date);
        if part.table.key_columns().is_empty() || self.loaded.contains(&partition) {
            return Ok(());
        }
        let files = self.files.get(&partition).cloned().unwrap_or_default();
        for path in files {
            // Partition files are a night of one port: small enough to read whole.
            let bytes = lake
                .store()
                .get(&lake.path(&path))
                .await
                .map_err(IngestError::store(format!("reading the lake file {path}")))?
                .bytes()
                .await
                .map_err(IngestError::store(format!("reading the lake file {path}")))?;
            let builder = ParquetRecordBatchReaderBuilder::try_new(bytes)?;
            let schema = builder.schema().clone();
            let indices: Vec<usize> = part
                .table
                .key_columns()
                .iter()
                .map(|name| {
                    schema.index_of(name).map_err(|_| {
                        IngestError::Config(format!(
                            "the lake file {path} has no column {name}; it was not written by \
                             this version of Gerbang"
                        ))
                    })
                })
                .collect::<Result<_>>()?;
            let mask = ProjectionMask::roots(builder.parquet_schema(), indices);
            for batch in builder.with_projection(mask).build()? {
                let batch = batch?;
                let columns: Vec<&ArrayRef> = batch.columns().iter().collect();
                for row in 0..batch.num_rows() {
                    self.seen
                        .insert(hash_key(&columns, row), Packed::new(Seen::Lake));
                }
            }
        }
        self.loaded.insert(partition);
        Ok(())
    }

    /// For each row of `part`: `None` if its key is new (it is then remembered as this
    /// file's), or where the key was seen before.
    pub(super) fn check(&mut self, part: &PartitionBatch, file: u32) -> Vec<Option<Seen>> {
        let names = part.table.key_columns();
        if names.is_empty() {
            return vec![None; part.batch.num_rows()];
        }
        let columns: Vec<&ArrayRef> = names
            .iter()
            .filter_map(|name| part.batch.column_by_name(name))
            .collect();
        self.seen.reserve(part.batch.num_rows());
        (0..part.batch.num_rows())
            .map(|row| {
                let record = part.records.get(row).copied().unwrap_or(0);
                match self.seen.entry(hash_key(&columns, row)) {
                    std::collections::hash_map::Entry::Occupied(first) => {
                        Some(first.get().unpack())
                    }
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(Packed::new(Seen::Run { file, record }));
                        None
                    }
                }
            })
            .collect()
    }
}

/// A 128-bit hash (XXH3) of one row's key columns, each written with a type tag and its
/// length so that no two different keys give the same bytes.
fn hash_key(columns: &[&ArrayRef], row: usize) -> u128 {
    let mut bytes = [0u8; 256];
    let mut used = 0;
    let mut spill: Vec<u8> = Vec::new();
    let mut put = |part: &[u8]| {
        if spill.is_empty() && used + part.len() <= bytes.len() {
            bytes[used..used + part.len()].copy_from_slice(part);
            used += part.len();
        } else {
            if spill.is_empty() {
                spill.extend_from_slice(&bytes[..used]);
            }
            spill.extend_from_slice(part);
        }
    };
    for column in columns {
        if column.is_null(row) {
            put(&[0]);
            continue;
        }
        match column.data_type() {
            DataType::Utf8 => {
                let value = column.as_string::<i32>().value(row);
                put(&[1]);
                put(&(value.len() as u64).to_le_bytes());
                put(value.as_bytes());
            }
            DataType::Int32 => {
                let value = column.as_primitive::<Int32Type>().value(row);
                put(&[2]);
                put(&i64::from(value).to_le_bytes());
            }
            DataType::Date32 => {
                let value = column.as_primitive::<Date32Type>().value(row);
                put(&[2]);
                put(&i64::from(value).to_le_bytes());
            }
            DataType::Int64 => {
                let value = column.as_primitive::<Int64Type>().value(row);
                put(&[2]);
                put(&value.to_le_bytes());
            }
            DataType::Timestamp(..) => {
                let value = column.as_primitive::<TimestampMillisecondType>().value(row);
                put(&[2]);
                put(&value.to_le_bytes());
            }
            other => {
                // Key columns are text, whole numbers or times; anything else is hashed by
                // its display so that the check still holds.
                let text = ArrayFormatter::try_new(column.as_ref(), &FormatOptions::default())
                    .map(|f| f.value(row).to_string())
                    .unwrap_or_else(|_| format!("{other}"));
                put(&[3]);
                put(&(text.len() as u64).to_le_bytes());
                put(text.as_bytes());
            }
        }
    }
    if spill.is_empty() {
        xxh3_128(&bytes[..used])
    } else {
        xxh3_128(&spill)
    }
}

fn format_value(column: &dyn Array, row: usize) -> String {
    let options = FormatOptions::default().with_null("NULL");
    ArrayFormatter::try_new(column, &options)
        .map(|f| f.value(row).to_string())
        .unwrap_or_default()
}

/// A row's key for messages: `port=CGK, record_id=CGK-1`.
pub(super) fn render_key(part: &PartitionBatch, row: usize) -> String {
    part.table
        .key_columns()
        .iter()
        .filter_map(|name| {
            let column = part.batch.column_by_name(name)?;
            Some(format!("{name}={}", format_value(column.as_ref(), row)))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A whole row as `column=value` pairs: the raw record of a duplicate from a document
/// feed, whose records are not lines.
pub(super) fn render_row(part: &PartitionBatch, row: usize) -> String {
    render_batch_row(&part.batch, row)
}

fn render_batch_row(batch: &RecordBatch, row: usize) -> String {
    batch
        .schema()
        .fields()
        .iter()
        .zip(batch.columns())
        .map(|(field, column)| format!("{}={}", field.name(), format_value(column.as_ref(), row)))
        .collect::<Vec<_>>()
        .join(", ")
}
