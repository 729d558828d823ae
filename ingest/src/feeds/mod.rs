//! One adapter per agency feed, each turning a native export into canonical rows.
//!
//! An adapter never fails on a bad record: it keeps the record, with its line or record
//! number and the reason, as a [`Reject`], and goes on. Only a problem with the whole file
//! (no pseudonymisation key for a feed with personal data) stops it. For every file,
//! rows in = rows landed + rows rejected.

pub mod authority;
pub mod bcm;
pub mod bps;
pub mod bus;
pub mod cbp;
pub mod customs;
pub mod police;
pub mod quarantine;

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
    /// Customs inspections, semicolon CSV with local times (`bc_<PORT>_<YYYYMMDD>.csv`).
    Customs,
    /// Health Quarantine hourly counts, an XLSX workbook (`kkp_<PORT>_<YYYYMMDD>.xlsx`).
    Quarantine,
    /// Police incidents and joint operations, one JSON document (`polri_<PORT>_<YYYYMMDD>.json`).
    Police,
    /// Arriving flights or vessels from the airport or port authority, UTC CSV
    /// (`otoritas_<PORT>_<YYYYMMDD>.csv`).
    Authority,
    /// Messages between agency systems from the integration bus, JSON lines
    /// (`bus_<PORT>_<YYYYMMDD>.jsonl`).
    Bus,
}

impl Feed {
    pub const ALL: [Feed; 8] = [
        Feed::Bcm,
        Feed::Customs,
        Feed::Quarantine,
        Feed::Police,
        Feed::Authority,
        Feed::Bus,
        Feed::CbpWaitTimes,
        Feed::BpsArrivals,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Feed::Bcm => "immigration_bcm",
            Feed::CbpWaitTimes => "cbp_wait_times",
            Feed::BpsArrivals => "bps_arrivals",
            Feed::Customs => "customs",
            Feed::Quarantine => "health_quarantine",
            Feed::Police => "police",
            Feed::Authority => "authority",
            Feed::Bus => "integration_bus",
        }
    }

    /// The feed a name (as [`Feed::name`] gives it) stands for.
    pub fn from_name(name: &str) -> Option<Feed> {
        Feed::ALL.into_iter().find(|feed| feed.name() == name)
    }

    /// The agency that sends the feed, as the KPI tables name agencies.
    pub fn agency(self) -> &'static str {
        match self {
            Feed::Bcm => "immigration",
            Feed::Customs => "customs",
            Feed::Quarantine => "quarantine",
            Feed::Police => "police",
            Feed::Authority => "authority",
            Feed::Bus => "integration_bus",
            Feed::CbpWaitTimes => "us_cbp",
            Feed::BpsArrivals => "statistics_indonesia",
        }
    }

    /// The file-name prefix and extension of the agency's nightly export
    /// (`<prefix>_<PORT>_<YYYYMMDD>[_<export time>].<extension>`), for the feeds that have one.
    pub fn nightly_file(self) -> Option<(&'static str, &'static str)> {
        match self {
            Feed::Bcm => Some(("bcm", "jsonl")),
            Feed::Customs => Some(("bc", "csv")),
            Feed::Quarantine => Some(("kkp", "xlsx")),
            Feed::Police => Some(("polri", "json")),
            Feed::Authority => Some(("otoritas", "csv")),
            Feed::Bus => Some(("bus", "jsonl")),
            Feed::CbpWaitTimes | Feed::BpsArrivals => None,
        }
    }

    /// Whether the feed's first line names the columns instead of holding a record.
    pub fn has_header_line(self) -> bool {
        matches!(self, Feed::CbpWaitTimes | Feed::Customs | Feed::Authority)
    }

    /// Whether the feed's files are binary (a workbook), not lines of text.
    pub fn is_binary(self) -> bool {
        matches!(self, Feed::BpsArrivals | Feed::Quarantine)
    }

    /// Whether a file of the feed is one record per line, converted a block of lines at a
    /// time so that a file of any size streams through in bounded memory. The other feeds
    /// are small documents (a workbook, one JSON document, a yearly hourly report) and are
    /// converted whole.
    pub fn streams(self) -> bool {
        matches!(
            self,
            Feed::Bcm | Feed::Customs | Feed::Authority | Feed::Bus
        )
    }

    /// Recognises a file's feed from its name and first bytes.
    pub fn recognise(file_name: &str, head: &[u8]) -> Option<Feed> {
        let lower = file_name.to_ascii_lowercase();
        for feed in Feed::ALL {
            if let Some((prefix, extension)) = feed.nightly_file()
                && lower.starts_with(&format!("{prefix}_"))
                && lower.ends_with(&format!(".{extension}"))
            {
                return Some(feed);
            }
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
            Feed::Customs => customs::convert(bytes, context),
            Feed::Quarantine => quarantine::convert(bytes, context),
            Feed::Police => police::convert(bytes, context),
            Feed::Authority => authority::convert(bytes, context),
            Feed::Bus => bus::convert(bytes, context),
        }
    }
}

/// What a nightly export's file name says: `<prefix>_<PORT>_<YYYYMMDD>[_<YYYYMMDDTHHMMSSZ>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NightlyName {
    pub feed: Feed,
    pub port: String,
    /// The local night (date) the export covers.
    pub night: NaiveDate,
    /// When the agency's system wrote the export (UTC), if the name says.
    pub exported_at: Option<DateTime<Utc>>,
}

impl NightlyName {
    /// Reads a nightly export's name; `None` when the name does not follow the convention
    /// (the file is still converted; its records say where and when they belong).
    pub fn parse(file_name: &str) -> Option<NightlyName> {
        let lower = file_name.to_ascii_lowercase();
        let feed = Feed::ALL.into_iter().find(|feed| {
            feed.nightly_file().is_some_and(|(prefix, extension)| {
                lower.starts_with(&format!("{prefix}_"))
                    && lower.ends_with(&format!(".{extension}"))
            })
        })?;
        let (prefix, extension) = feed.nightly_file()?;
        let stem = &file_name[prefix.len() + 1..file_name.len() - extension.len() - 1];
        let mut parts = stem.split('_');
        let port = parts.next()?.to_ascii_uppercase();
        let night = NaiveDate::parse_from_str(parts.next()?, "%Y%m%d").ok()?;
        let exported_at = match parts.next() {
            Some(stamp) => Some(
                chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%SZ")
                    .ok()?
                    .and_utc(),
            ),
            None => None,
        };
        if parts.next().is_some() || port.is_empty() {
            return None;
        }
        Some(NightlyName {
            feed,
            port,
            night,
            exported_at,
        })
    }
}

/// What an adapter needs besides the file itself.
#[derive(Debug)]
pub struct FeedContext<'a> {
    pub registry: &'a PortRegistry,
    pub key: Option<&'a PseudonymKey>,
    /// Where the file came from, for messages.
    pub source_file: &'a str,
    /// The line number (1-based) of the first line of `bytes`: 1 for a whole file, more for
    /// a later block of a streamed file.
    pub first_line: u64,
    /// For a later block of a streamed file whose feed has a header line: that header. When
    /// `None`, `bytes` starts at the top of the file (header included, if the feed has one).
    pub header: Option<&'a str>,
}

impl<'a> FeedContext<'a> {
    /// The context for converting a whole file.
    pub fn whole_file(
        registry: &'a PortRegistry,
        key: Option<&'a PseudonymKey>,
        source_file: &'a str,
    ) -> FeedContext<'a> {
        FeedContext {
            registry,
            key,
            source_file,
            first_line: 1,
            header: None,
        }
    }
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
    /// For each row of `batch`, the record (line, row) of the source file it came from, so
    /// that a row found to be a duplicate later can be rejected with its place.
    pub records: Vec<u64>,
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

/// The lines of `bytes` split at `\n` (a last line without one included, empty if the
/// bytes end with `\n`): `bytes.split(|b| *b == b'\n')`, found with SIMD.
pub(crate) fn split_lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', bytes);
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        match ends.next() {
            Some(end) => {
                let line = &bytes[start..end];
                start = end + 1;
                Some(line)
            }
            None => {
                done = true;
                Some(&bytes[start..])
            }
        }
    })
}

/// How many `\n` `bytes` holds.
pub(crate) fn count_newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// A line of a text feed as UTF-8, or the reject that says it is not.
pub(crate) fn utf8_line(line: &[u8], line_number: u64) -> std::result::Result<&str, Reject> {
    std::str::from_utf8(line).map_err(|e| Reject {
        record_number: line_number,
        reason: format!(
            "encoding: the line is not valid UTF-8 (bad byte at column {}); the export must be \
             written in UTF-8",
            e.valid_up_to() + 1
        ),
        raw: String::from_utf8_lossy(line).into_owned(),
    })
}

/// The port's local date and hour of `at`, and the UTC start of that local hour (exact
/// also in zones whose offset is not a whole number of hours).
pub(crate) fn locate(at: DateTime<Utc>, zone: chrono_tz::Tz) -> (NaiveDate, i32, i64) {
    use chrono::Timelike;
    let local = at.with_timezone(&zone);
    let into_hour = i64::from(local.minute()) * 60_000
        + i64::from(local.second()) * 1_000
        + at.timestamp_millis().rem_euclid(1_000);
    (
        local.date_naive(),
        local.hour() as i32,
        at.timestamp_millis() - into_hour,
    )
}

/// An RFC 3339 time in UTC (`Z` or `+00:00`) such as `example`, as a plausible instant.
/// `feed` names the feed in messages ("the bus log"): a time without an offset, or with
/// another one, is refused with the reason that the feed is UTC.
pub(crate) fn utc_time(
    field: &str,
    text: &str,
    feed: &str,
    example: &str,
) -> std::result::Result<DateTime<Utc>, String> {
    let parsed = DateTime::parse_from_rfc3339(text).map_err(|_| {
        let naive = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
            .iter()
            .any(|format| chrono::NaiveDateTime::parse_from_str(text, format).is_ok());
        if naive {
            format!(
                "type: {field} '{text}' has no UTC offset; {feed} is UTC, with times such as \
                 {example}"
            )
        } else {
            format!("type: {field} '{text}' is not a UTC time such as {example}")
        }
    })?;
    if parsed.offset().local_minus_utc() != 0 {
        return Err(format!(
            "type: {field} '{text}' has offset {}, but {feed} is UTC: times end in Z",
            parsed.offset()
        ));
    }
    plausible_millis(parsed.timestamp_millis())
        .ok_or_else(|| format!("range: {field} '{text}' is not a time between 2000 and 2100"))
}

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

/// Seeded random damage for the adapters' robustness tests: the kind of input a broken
/// export, a bad transfer or a wrong encoding produces.
#[cfg(test)]
pub(crate) mod damage {
    use rand::Rng;
    use rand_chacha::ChaCha8Rng;

    /// Applies one to three random edits to `bytes`: a cut, a flipped bit, an inserted byte
    /// from `alphabet`, or a removed run of bytes.
    pub(crate) fn mutate(rng: &mut ChaCha8Rng, bytes: &mut Vec<u8>, alphabet: &[u8]) {
        for _ in 0..rng.random_range(1..=3) {
            let at = rng.random_range(0..=bytes.len());
            match rng.random_range(0..4) {
                0 => bytes.truncate(at),
                1 if at < bytes.len() => bytes[at] ^= 1 << rng.random_range(0..8),
                2 if !alphabet.is_empty() => {
                    bytes.insert(at, alphabet[rng.random_range(0..alphabet.len())]);
                }
                _ => {
                    let end = (at + rng.random_range(1..20)).min(bytes.len());
                    bytes.drain(at.min(end)..end);
                }
            }
        }
    }

    /// Non-blank lines: the records of a line-based file.
    pub(crate) fn lines(bytes: &[u8]) -> u64 {
        bytes
            .split(|b| *b == b'\n')
            .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
            .count() as u64
    }
}

#[cfg(test)]
mod line_tests {
    use super::{count_newlines, split_lines};

    #[test]
    fn split_lines_is_split_at_newline() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\n\n",
            "\n\nx\n",
            "é\nñ",
        ] {
            let bytes = text.as_bytes();
            let ours: Vec<&[u8]> = split_lines(bytes).collect();
            let std: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
            assert_eq!(ours, std, "{text:?}");
            assert_eq!(
                count_newlines(bytes),
                bytes.iter().filter(|b| **b == b'\n').count() as u64
            );
        }
    }
}
