//! One adapter per agency feed, each turning a native export into canonical rows.
//!
//! An adapter never fails on a bad record: it keeps the record, with its line or record
//! number and the reason, as a [`Reject`], and goes on. Only a problem with the whole file
//! (no pseudonymisation key for a feed with personal data) stops it. For every file,
//! rows in = rows landed + rows rejected.

pub mod bcm;
pub mod bps;
pub mod cbp;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use datafusion::arrow::array::RecordBatch;

use crate::error::Result;
use crate::pseudonym::PseudonymKey;
use crate::reference::PortRegistry;
use crate::schema::Table;

/// The feeds Gerbang recognises in an inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// Immigration BCM traveller records, JSON lines (`bcm_<PORT>_<YYYYMMDD>.jsonl`).
    Bcm,
    /// An hourly airport wait report in US CBP's Airport Wait Times CSV export.
    CbpWaitTimes,
    /// Statistics Indonesia's monthly foreign arrivals per entry point (XLSX workbook).
    BpsArrivals,
}

impl Feed {
    pub fn name(self) -> &'static str {
        match self {
            Feed::Bcm => "immigration_bcm",
            Feed::CbpWaitTimes => "cbp_wait_times",
            Feed::BpsArrivals => "bps_arrivals",
        }
    }

    /// Whether the feed's first line names the columns instead of holding a record.
    pub fn has_header_line(self) -> bool {
        matches!(self, Feed::CbpWaitTimes)
    }

    /// Whether the feed's files are binary (a workbook), not lines of text.
    pub fn is_binary(self) -> bool {
        matches!(self, Feed::BpsArrivals)
    }

    /// Recognises a file's feed from its name and first bytes.
    pub fn recognise(file_name: &str, head: &[u8]) -> Option<Feed> {
        let lower = file_name.to_ascii_lowercase();
        if lower.starts_with("bcm_") && lower.ends_with(".jsonl") {
            return Some(Feed::Bcm);
        }
        if lower.ends_with(".xlsx") {
            // Only workbooks are opened to look for the header, and only when the name does
            // not already say what they are.
            return (lower.contains("arrivals") || bps::has_arrivals_header(head))
                .then_some(Feed::BpsArrivals);
        }
        let head = String::from_utf8_lossy(&head[..head.len().min(200)]);
        let first_line = head
            .trim_start_matches('\u{feff}')
            .lines()
            .next()
            .unwrap_or("");
        if lower.ends_with(".csv")
            && first_line
                .replace('"', "")
                .starts_with("Airport,Terminal,Date,Hour")
        {
            return Some(Feed::CbpWaitTimes);
        }
        None
    }

    /// Converts one file. `bytes` is the whole file as it arrived.
    pub fn convert(self, bytes: &[u8], context: &FeedContext<'_>) -> Result<FeedOutput> {
        match self {
            Feed::Bcm => bcm::convert(bytes, context),
            Feed::CbpWaitTimes => Ok(cbp::convert(bytes, context)),
            Feed::BpsArrivals => Ok(bps::convert(bytes, context)),
        }
    }
}

/// What an adapter needs besides the file itself.
#[derive(Debug)]
pub struct FeedContext<'a> {
    pub registry: &'a PortRegistry,
    pub key: Option<&'a PseudonymKey>,
    /// Where the file came from, for messages.
    pub source_file: &'a str,
}

/// A record that did not land, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Reject {
    pub record_number: u64,
    pub reason: String,
    pub raw: String,
}

/// Something a feed declares that its own parts contradict, or a correction that had to be
/// made. Findings never stop a record from landing.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub record_number: u64,
    pub check_name: &'static str,
    pub declared: Option<f64>,
    pub computed: Option<f64>,
    pub message: String,
}

/// Canonical rows for one partition of one table.
#[derive(Debug)]
pub struct PartitionBatch {
    pub table: Table,
    pub port: String,
    pub local_date: NaiveDate,
    pub batch: RecordBatch,
}

/// Everything an adapter made of one file.
#[derive(Debug, Default)]
pub struct FeedOutput {
    /// Records the file held (lines, rows, sheet rows: whatever a record is for the feed).
    pub rows_in: u64,
    pub partitions: Vec<PartitionBatch>,
    pub rejects: Vec<Reject>,
    pub findings: Vec<Finding>,
    /// Records that landed, when a record is not one table row (a BPS sheet row lands as
    /// twelve port-months, or as checks of a declared total). `None`: one record, one row.
    pub records_landed: Option<u64>,
}

impl FeedOutput {
    /// Records that landed; with [`FeedOutput::rejects`] they account for every record in.
    pub fn rows_landed(&self) -> u64 {
        self.records_landed.unwrap_or_else(|| {
            self.partitions
                .iter()
                .map(|p| p.batch.num_rows() as u64)
                .sum()
        })
    }

    /// Rows written to lake tables.
    pub fn table_rows(&self) -> u64 {
        self.partitions
            .iter()
            .map(|p| p.batch.num_rows() as u64)
            .sum()
    }
}

/// Groups rows by (port, local date), the partitioning of the event and hourly tables.
pub(crate) type ByPartition<R> = BTreeMap<(String, NaiveDate), Vec<R>>;

/// Milliseconds since the epoch as a UTC time, if it is a plausible feed time.
pub(crate) fn plausible_millis(ms: i64) -> Option<DateTime<Utc>> {
    // Feeds describe travel from 2000 to 2100; anything else is a broken clock or field.
    const FROM: i64 = 946_684_800_000;
    const TO: i64 = 4_102_444_800_000;
    if (FROM..TO).contains(&ms) {
        DateTime::from_timestamp_millis(ms)
    } else {
        None
    }
}
