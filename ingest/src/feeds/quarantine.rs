//! Health Quarantine (Kantor Kesehatan Pelabuhan) hourly counts: an XLSX workbook, one
//! sheet per local day, one file per port and night
//! (`kkp_<PORT>_<YYYYMMDD>[_<YYYYMMDDTHHMMSSZ>].xlsx`).
//!
//! Normally the workbook holds one sheet, the night's day; a corrected export may carry
//! earlier days as further sheets. Each sheet is named by its day, `dd-mm-yyyy`
//! (e.g. `20-10-2026`), and reads:
//!
//! | Jam   | Terminal | Diperiksa | Dirujuk | Diisolasi | Rata-rata menit pemeriksaan |
//! |-------|----------|-----------|---------|-----------|-----------------------------|
//! | 00:00 | T3       | 412       | 3       | 0         | 1.8                         |
//! | ...   |          |           |         |           |                             |
//! | TOTAL |          | 9120      | 61      | 2         |                             |
//!
//! - Row 1 is the header (matched by name, case-insensitive). `Jam` is the local hour as
//!   text `HH:MM` or as an Excel time of day; counts are whole numbers; the mean is a number
//!   of minutes, empty when nobody was screened.
//! - The last row, `TOTAL` in `Jam`, declares the day's sums of screened, referred and
//!   isolated. It is not a record: it is checked against the rows above it, and a mismatch
//!   is a data-quality finding that says what was declared and what the rows add up to.
//! - The port is the file name's; a sheet whose name is not a date rejects its rows.
//!
//! Lands in `health_screenings_hourly`, one row per port, terminal and local hour.

use super::{FeedContext, FeedOutput};
use crate::error::{IngestError, Result};

pub(super) fn convert(_bytes: &[u8], context: &FeedContext<'_>) -> Result<FeedOutput> {
    Err(IngestError::Config(format!(
        "{}: this build cannot read the quarantine feed yet; the file stays in the inbox",
        context.source_file
    )))
}
