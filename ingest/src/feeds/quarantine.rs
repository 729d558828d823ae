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
//!
//! # How the adapter reads it
//! - A record is a non-empty data row: not the header, not a `TOTAL` row, not a row whose
//!   cells are all empty. Records are numbered 1, 2, … through the whole workbook, sheet
//!   by sheet in workbook order; a reject's raw text names the sheet and spreadsheet row
//!   (`sheet 20-10-2026 row 5: 07:00 | T3 | 412 | 3 | 0 | 1.8`).
//! - The header is the sheet's first non-empty row. Every column above is required, found
//!   by name in any order (case and spacing ignored); other columns are ignored. A header
//!   that lacks a column, or names one twice, rejects the sheet's rows with a reason naming
//!   it. A first row that names none of the columns is no header: it and every row under it
//!   are rejected.
//! - A sheet's name must be exactly `dd-mm-yyyy` (surrounding spaces ignored). A file whose
//!   name does not follow the convention above, or names a port the registry does not
//!   know, rejects every record: the port cannot be known.
//! - `Jam`: text `HH:MM` or `H:MM` with minutes `00`, or an Excel time of day (a number
//!   from 0 to under 1, with or without a time format) that is a whole hour. A local hour
//!   that does not exist in the port's zone is rejected; one that happens twice is the
//!   earlier instant.
//! - `Terminal` must not be empty. Counts are whole numbers of zero or more, as numbers or
//!   text (`412.0` is 412; `412.5` is rejected); `Dirujuk` (referred) may not exceed
//!   `Diperiksa` (screened), nor `Diisolasi` (isolated) `Dirujuk`.
//! - The mean is 0 to 1440 minutes. When people were screened but the mean is empty, the
//!   row lands with no mean and a `quarantine_mean_missing` finding; when nobody was
//!   screened but a mean is given, the row lands with no mean and a
//!   `quarantine_mean_without_screening` finding that says what was given.
//! - Each `TOTAL` row is checked against the rows above it in its sheet that landed: one
//!   `quarantine_total_vs_hours` finding per column that differs (or cannot be read), whose
//!   message also says how many rows above it were rejected and so are not in the sum. A
//!   sheet with a header and no `TOTAL` row gets a `quarantine_total_missing` finding. As
//!   `TOTAL` is not a record, these findings carry the number of the last record read
//!   before them (0 when there is none); their message names the sheet and row.
//! - A file that cannot be opened as a workbook is one rejected record; a sheet that cannot
//!   be read is one rejected record too. This includes workbooks so malformed that the
//!   reader library panics: the panic is caught and the file or sheet is rejected.
//! - The same terminal and hour given twice is left to the ingest run, which checks every
//!   table's key columns.

use std::io::Cursor;
use std::sync::Arc;

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use datafusion::arrow::array::{
    ArrayRef, Date32Array, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray,
    TimestampMillisecondArray,
};

use super::{
    ByPartition, Feed, FeedContext, FeedOutput, Finding, NightlyName, PartitionBatch, Reject,
};
use crate::error::Result;
use crate::reference::{Port, PortRegistry};
use crate::schema::Table;

/// The sheet's columns, as the header names them (normalised: lower case, single spaces).
const COLUMNS: [&str; 6] = [
    "jam",
    "terminal",
    "diperiksa",
    "dirujuk",
    "diisolasi",
    "rata-rata menit pemeriksaan",
];

/// The same columns as a person reads them, for messages.
const TITLES: [&str; 6] = [
    "Jam",
    "Terminal",
    "Diperiksa",
    "Dirujuk",
    "Diisolasi",
    "Rata-rata menit pemeriksaan",
];

pub const CHECK_TOTAL: &str = "quarantine_total_vs_hours";
pub const CHECK_TOTAL_MISSING: &str = "quarantine_total_missing";
pub const CHECK_MEAN_MISSING: &str = "quarantine_mean_missing";
pub const CHECK_MEAN_WITHOUT_SCREENING: &str = "quarantine_mean_without_screening";

/// A mean screening time longer than a day is a broken cell, not a slow hour.
const MAX_MEAN_MINUTES: f64 = 1440.0;

/// One sheet of the workbook: its name and its non-empty rows, each with its spreadsheet
/// row number; or why the sheet could not be read.
#[derive(Debug)]
struct Sheet {
    name: String,
    rows: std::result::Result<Vec<(u64, Vec<Data>)>, String>,
}

/// One canonical `health_screenings_hourly` row.
#[derive(Debug)]
struct ScreeningHour {
    /// The record (running data-row number) it came from.
    record: u64,
    local_hour: i32,
    hour_start: i64,
    terminal: String,
    /// Screened, referred, isolated.
    counts: [i64; 3],
    mean_screening_min: Option<f64>,
}

pub(super) fn convert(bytes: &[u8], context: &FeedContext<'_>) -> Result<FeedOutput> {
    let opened =
        guarded(|| open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| e.to_string()));
    let mut workbook = match opened {
        Ok(workbook) => workbook,
        Err(e) => {
            return Ok(FeedOutput {
                rows_in: 1,
                rejects: vec![Reject {
                    record_number: 1,
                    reason: format!("schema: the workbook cannot be opened: {e}"),
                    raw: format!("<workbook of {} bytes>", bytes.len()),
                }],
                ..FeedOutput::default()
            });
        }
    };
    let sheets: Vec<Sheet> = workbook
        .sheet_names()
        .into_iter()
        .map(|name| {
            let rows = guarded(|| {
                let range = workbook.worksheet_range(&name).map_err(|e| e.to_string())?;
                let first = range.start().map_or(0, |(row, _)| u64::from(row)) + 1;
                Ok(range
                    .rows()
                    .enumerate()
                    .map(|(index, cells)| (first + index as u64, cells.to_vec()))
                    .filter(|(_, cells)| !cells.iter().all(is_blank))
                    .collect())
            });
            Sheet { name, rows }
        })
        .collect();
    convert_sheets(&sheets, context)
}

/// Runs one step of reading the workbook, turning a panic of the reader into an error.
///
/// calamine has panicked on malformed workbooks instead of returning an error (0.31 on a
/// cell that points past the end of the shared strings, as the random-mutation test
/// found); a broken export must become a reject, not stop the whole ingest run. This relies on
/// panics unwinding, which is the workspace's setting.
fn guarded<T>(
    step: impl FnOnce() -> std::result::Result<T, String>,
) -> std::result::Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(step))
        .unwrap_or_else(|_| Err("the workbook reader failed on malformed content".to_string()))
}

/// Converts the sheets read from a workbook.
fn convert_sheets(sheets: &[Sheet], context: &FeedContext<'_>) -> Result<FeedOutput> {
    let mut output = FeedOutput::default();
    let mut hours: ByPartition<ScreeningHour> = ByPartition::new();
    let port = port_of(context);
    let mut record = 0u64;
    for sheet in sheets {
        let rows = match &sheet.rows {
            Ok(rows) => rows,
            Err(e) => {
                record += 1;
                output.rows_in += 1;
                output.rejects.push(Reject {
                    record_number: record,
                    reason: format!("schema: sheet '{}' cannot be read: {e}", sheet.name),
                    raw: format!("<sheet {}>", sheet.name),
                });
                continue;
            }
        };
        let Some((first_row, first_cells)) = rows.first() else {
            continue;
        };
        let names: Vec<String> = first_cells.iter().map(normalise).collect();
        let names_a_column = names.iter().any(|name| COLUMNS.contains(&name.as_str()));
        // Where `Jam` is, to recognise TOTAL rows even when another column is missing.
        let jam_at = names.iter().position(|name| name == "jam");
        let (columns, data) = if names_a_column {
            (
                find_columns(&names, &sheet.name, *first_row),
                rows.get(1..).unwrap_or(&[]),
            )
        } else {
            let reason = format!(
                "schema: sheet '{}' has no header row: its first row names none of the columns {}",
                sheet.name,
                TITLES.join(", ")
            );
            (Err(reason), rows.as_slice())
        };
        let date = sheet_date(&sheet.name);
        let mut sums = [0i64; 3];
        let mut landed = 0u64;
        let mut rejected = 0u64;
        let mut total_seen = false;
        for (row, cells) in data {
            if is_total(jam_at.and_then(|at| cells.get(at))) {
                total_seen = true;
                if let Ok(columns) = &columns {
                    output.findings.extend(check_total(
                        &TotalRow {
                            sheet: &sheet.name,
                            row: *row,
                            cells,
                            columns,
                        },
                        sums,
                        landed,
                        rejected,
                        record,
                    ));
                }
                continue;
            }
            record += 1;
            output.rows_in += 1;
            let read = match (&columns, &port, date) {
                (Err(reason), _, _) | (_, Err(reason), _) => Err(reason.clone()),
                (_, _, None) => Err(format!(
                    "schema: the sheet is named '{}', not by its day as dd-mm-yyyy, so the date of \
                     its rows cannot be known",
                    sheet.name
                )),
                (Ok(columns), Ok(port), Some(date)) => read_hour(cells, columns, port.zone, date)
                    .map(|(hour, finding)| ((port.code.clone(), date), hour, finding)),
            };
            match read {
                Ok((partition, mut hour, mean_finding)) => {
                    hour.record = record;
                    for (sum, count) in sums.iter_mut().zip(hour.counts) {
                        *sum = sum.saturating_add(count);
                    }
                    landed += 1;
                    if let Some((check_name, declared, problem)) = mean_finding {
                        output.findings.push(Finding {
                            record_number: record,
                            check_name,
                            declared,
                            computed: None,
                            message: format!(
                                "sheet {} row {row}: terminal {} {:02}:00 {problem}",
                                sheet.name, hour.terminal, hour.local_hour
                            ),
                        });
                    }
                    hours.entry(partition).or_default().push(hour);
                }
                Err(reason) => {
                    rejected += 1;
                    output.rejects.push(Reject {
                        record_number: record,
                        reason,
                        raw: render(&sheet.name, *row, cells),
                    });
                }
            }
        }
        if columns.is_ok() && !total_seen {
            output.findings.push(Finding {
                record_number: record,
                check_name: CHECK_TOTAL_MISSING,
                declared: None,
                computed: Some(sums[0] as f64),
                message: format!(
                    "sheet {} has no TOTAL row, so its hourly counts ({landed} rows landed, \
                     {} screened) cannot be checked against a declared day total",
                    sheet.name, sums[0]
                ),
            });
        }
    }
    for ((port, local_date), mut rows) in hours {
        rows.sort_by(|a, b| {
            (&a.terminal, a.hour_start, a.record).cmp(&(&b.terminal, b.hour_start, b.record))
        });
        let batch = to_batch(&port, local_date, &rows)?;
        output.partitions.push(PartitionBatch {
            table: Table::HealthScreeningsHourly,
            port,
            local_date,
            batch,
            records: rows.iter().map(|r| r.record).collect(),
        });
    }
    Ok(output)
}

/// The port the file name gives, or why it cannot be known.
fn port_of<'a>(context: &FeedContext<'a>) -> std::result::Result<&'a Port, String> {
    let file_name = context
        .source_file
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(context.source_file);
    match NightlyName::parse(file_name) {
        Some(name) if name.feed == Feed::Quarantine => context
            .registry
            .get(&name.port)
            .ok_or_else(|| PortRegistry::unknown_port_reason(&name.port)),
        _ => Err(format!(
            "schema: the file name '{file_name}' does not follow \
             kkp_<PORT>_<YYYYMMDD>[_<YYYYMMDDTHHMMSSZ>].xlsx, so the port of its rows cannot be \
             known"
        )),
    }
}

/// A sheet name `dd-mm-yyyy` as its day.
fn sheet_date(name: &str) -> Option<NaiveDate> {
    let name = name.trim();
    let form = name.len() == 10
        && name.bytes().enumerate().all(|(at, b)| match at {
            2 | 5 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !form {
        return None;
    }
    NaiveDate::parse_from_str(name, "%d-%m-%Y").ok()
}

/// A cell's text as header names are compared: lower case, single spaces.
fn normalise(cell: &Data) -> String {
    cell.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

fn is_total(cell: Option<&Data>) -> bool {
    matches!(cell, Some(Data::String(s)) if s.trim().eq_ignore_ascii_case("total"))
}

/// Where each of [`COLUMNS`] is among the header's cells.
fn find_columns(
    names: &[String],
    sheet: &str,
    row: u64,
) -> std::result::Result<[usize; COLUMNS.len()], String> {
    let mut positions = [0; COLUMNS.len()];
    let mut missing = Vec::new();
    let mut doubled = Vec::new();
    for ((slot, wanted), title) in positions.iter_mut().zip(COLUMNS).zip(TITLES) {
        let found: Vec<usize> = names
            .iter()
            .enumerate()
            .filter(|(_, name)| *name == wanted)
            .map(|(at, _)| at)
            .collect();
        match found.as_slice() {
            [at] => *slot = *at,
            [] => missing.push(title),
            _ => doubled.push(title),
        }
    }
    if !missing.is_empty() {
        Err(format!(
            "schema: the header (sheet {sheet} row {row}) has no column {}; the sheet's columns \
             are {}, so none of its rows can be read",
            missing.join(", "),
            TITLES.join(", ")
        ))
    } else if !doubled.is_empty() {
        Err(format!(
            "schema: the header (sheet {sheet} row {row}) names column {} more than once, so \
             which cell is meant cannot be known",
            doubled.join(", ")
        ))
    } else {
        Ok(positions)
    }
}

/// A finding about the mean: (check, declared value, what happened).
type MeanFinding = (&'static str, Option<f64>, String);

fn read_hour(
    cells: &[Data],
    columns: &[usize; COLUMNS.len()],
    zone: Tz,
    date: NaiveDate,
) -> std::result::Result<(ScreeningHour, Option<MeanFinding>), String> {
    let cell = |column: usize| columns.get(column).and_then(|at| cells.get(*at));
    let hour = hour_of(cell(0))?;
    let terminal = cell(1).map(|c| c.to_string()).unwrap_or_default();
    let terminal = terminal.trim();
    if terminal.is_empty() {
        return Err("schema: Terminal is empty".to_string());
    }
    let screened = count(cell(2), TITLES[2])?;
    let referred = count(cell(3), TITLES[3])?;
    let isolated = count(cell(4), TITLES[4])?;
    if referred > screened {
        return Err(format!(
            "range: Dirujuk (referred) {referred} is more than Diperiksa (screened) {screened}; \
             only screened travellers can be referred"
        ));
    }
    if isolated > referred {
        return Err(format!(
            "range: Diisolasi (isolated) {isolated} is more than Dirujuk (referred) {referred}; \
             only referred travellers can be isolated"
        ));
    }
    let mean = mean_of(cell(5))?;
    let (mean_screening_min, finding) = match mean {
        Some(mean) if screened == 0 => (
            None,
            Some((
                CHECK_MEAN_WITHOUT_SCREENING,
                Some(mean),
                format!(
                    "gives a mean screening time of {mean} minutes but nobody was screened; it \
                     landed without a mean"
                ),
            )),
        ),
        None if screened > 0 => (
            None,
            Some((
                CHECK_MEAN_MISSING,
                None,
                format!(
                    "screened {screened} travellers but gives no mean screening time; it landed \
                     without one"
                ),
            )),
        ),
        mean => (mean, None),
    };
    let local = NaiveDateTime::new(
        date,
        NaiveTime::from_hms_opt(hour, 0, 0).ok_or("range: Jam is not an hour of the day")?,
    );
    let hour_start = match zone.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => t.to_utc(),
        chrono::LocalResult::Ambiguous(a, b) => a.to_utc().min(b.to_utc()),
        chrono::LocalResult::None => {
            return Err(format!(
                "range: {date} {hour:02}:00 does not exist in {} (clocks jumped forward for \
                 daylight saving), so nobody can have been screened in it",
                zone.name()
            ));
        }
    };
    let row = ScreeningHour {
        record: 0,
        local_hour: hour as i32,
        hour_start: hour_start.timestamp_millis(),
        terminal: terminal.to_string(),
        counts: [screened, referred, isolated],
        mean_screening_min,
    };
    Ok((row, finding))
}

/// The local hour of a `Jam` cell.
fn hour_of(cell: Option<&Data>) -> std::result::Result<u32, String> {
    let fraction = match cell {
        None | Some(Data::Empty) => return Err("schema: Jam is empty".to_string()),
        Some(Data::String(text)) => return hour_of_text(text.trim()),
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        Some(Data::DateTime(t)) => t.as_f64(),
        Some(other) => {
            return Err(format!(
                "type: Jam '{other}' is not an hour as HH:MM or an Excel time of day"
            ));
        }
    };
    if !(0.0..1.0).contains(&fraction) {
        return Err(format!(
            "range: Jam {fraction} is not an Excel time of day (a fraction of a day, from 0 to \
             under 1)"
        ));
    }
    let seconds = (fraction * 86_400.0).round() as u32;
    if !seconds.is_multiple_of(3600) || seconds >= 86_400 {
        return Err(format!(
            "range: Jam {} is not the start of an hour",
            time_of_day(fraction)
        ));
    }
    Ok(seconds / 3600)
}

fn hour_of_text(text: &str) -> std::result::Result<u32, String> {
    let bad = || format!("type: Jam '{text}' is not an hour as HH:MM or an Excel time of day");
    let (hour, minute) = text.split_once(':').ok_or_else(bad)?;
    let digits = |s: &str, most: usize| {
        (1..=most).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(hour, 2) || !digits(minute, 2) || minute.len() != 2 {
        return Err(bad());
    }
    let hour: u32 = hour.parse().map_err(|_| bad())?;
    if hour > 23 {
        return Err(format!("range: Jam '{text}' is not an hour of the day"));
    }
    if minute != "00" {
        return Err(format!(
            "range: Jam '{text}' is not the start of an hour (the minutes must be 00)"
        ));
    }
    Ok(hour)
}

/// A fraction of a day as `HH:MM`, or `HH:MM:SS` when the seconds are not zero.
fn time_of_day(fraction: f64) -> String {
    let seconds = (fraction * 86_400.0).round() as u32;
    let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if rest == 0 {
        format!("{hours:02}:{minutes:02}")
    } else {
        format!("{hours:02}:{minutes:02}:{rest:02}")
    }
}

/// A whole number of zero or more from a count cell.
fn count(cell: Option<&Data>, title: &str) -> std::result::Result<i64, String> {
    let value = match cell {
        None | Some(Data::Empty) => return Err(format!("schema: {title} is empty")),
        Some(Data::Int(i)) => *i as f64,
        Some(Data::Float(f)) => *f,
        Some(Data::String(text)) if text.trim().is_empty() => {
            return Err(format!("schema: {title} is empty"));
        }
        Some(Data::String(text)) => text.trim().parse::<f64>().unwrap_or(f64::NAN),
        Some(_) => f64::NAN,
    };
    let shown = cell.map(|c| c.to_string()).unwrap_or_default();
    if !value.is_finite() || value.fract() != 0.0 {
        return Err(format!(
            "type: {title} '{shown}' is not a whole number of travellers"
        ));
    }
    if value < 0.0 {
        return Err(format!("range: {title} {shown} is negative"));
    }
    if value >= 9.0e15 {
        return Err(format!("range: {title} {shown} is too large"));
    }
    Ok(value as i64)
}

/// The mean screening minutes, `None` when the cell is empty.
fn mean_of(cell: Option<&Data>) -> std::result::Result<Option<f64>, String> {
    let title = TITLES[5];
    let value = match cell {
        None | Some(Data::Empty) => return Ok(None),
        Some(Data::String(text)) if text.trim().is_empty() => return Ok(None),
        Some(Data::String(text)) => text.trim().parse::<f64>().unwrap_or(f64::NAN),
        Some(Data::Int(i)) => *i as f64,
        Some(Data::Float(f)) => *f,
        Some(_) => f64::NAN,
    };
    let shown = cell.map(|c| c.to_string()).unwrap_or_default();
    if !value.is_finite() {
        return Err(format!(
            "type: {title} '{shown}' is not a number of minutes"
        ));
    }
    if !(0.0..=MAX_MEAN_MINUTES).contains(&value) {
        return Err(format!(
            "range: {title} {shown} is outside 0 to {MAX_MEAN_MINUTES} minutes"
        ));
    }
    Ok(Some(value))
}

/// A sheet's `TOTAL` row, where it is.
struct TotalRow<'a> {
    sheet: &'a str,
    row: u64,
    cells: &'a [Data],
    columns: &'a [usize; COLUMNS.len()],
}

/// The `TOTAL` row's declared sums against the `sums` of the `landed` rows above it.
fn check_total(
    total: &TotalRow<'_>,
    sums: [i64; 3],
    landed: u64,
    rejected: u64,
    record: u64,
) -> Vec<Finding> {
    let rejected_note = match rejected {
        0 => "no row above it was rejected".to_string(),
        1 => "1 row above it was rejected and is not in the sum".to_string(),
        n => format!("{n} rows above it were rejected and are not in the sum"),
    };
    let mut findings = Vec::new();
    let counted = [(2, TITLES[2]), (3, TITLES[3]), (4, TITLES[4])];
    for (computed, (column, title)) in sums.into_iter().zip(counted) {
        let cell = total
            .columns
            .get(column)
            .and_then(|at| total.cells.get(*at));
        let declared = match count(cell, title) {
            Ok(declared) if declared == computed => continue,
            Ok(declared) => {
                findings.push(Finding {
                    record_number: record,
                    check_name: CHECK_TOTAL,
                    declared: Some(declared as f64),
                    computed: Some(computed as f64),
                    message: format!(
                        "sheet {} row {} (TOTAL): {title} declares {declared}, but the {landed} \
                         rows above it that landed add up to {computed}; {rejected_note}",
                        total.sheet, total.row
                    ),
                });
                continue;
            }
            Err(problem) => problem,
        };
        findings.push(Finding {
            record_number: record,
            check_name: CHECK_TOTAL,
            declared: None,
            computed: Some(computed as f64),
            message: format!(
                "sheet {} row {} (TOTAL): the declared {title} cannot be read ({declared}); the \
                 {landed} rows above it that landed add up to {computed}; {rejected_note}",
                total.sheet, total.row
            ),
        });
    }
    findings
}

/// A row as a person would read it: `sheet 20-10-2026 row 5: 07:00 | T3 | 412 | 3 | 0 | 1.8`.
fn render(sheet: &str, row: u64, cells: &[Data]) -> String {
    let used = cells
        .iter()
        .rposition(|c| !is_blank(c))
        .map_or(0, |at| at + 1);
    let shown: Vec<String> = cells
        .iter()
        .take(used)
        .map(|cell| match cell {
            Data::DateTime(t) if (0.0..1.0).contains(&t.as_f64()) => time_of_day(t.as_f64()),
            other => other.to_string(),
        })
        .collect();
    format!("sheet {sheet} row {row}: {}", shown.join(" | "))
}

fn to_batch(port: &str, local_date: NaiveDate, rows: &[ScreeningHour]) -> Result<RecordBatch> {
    let days = local_date
        .signed_duration_since(NaiveDate::default())
        .num_days() as i32;
    let count = |i: usize| -> ArrayRef {
        Arc::new(Int64Array::from_iter_values(
            rows.iter()
                .map(|r| r.counts.get(i).copied().unwrap_or_default()),
        ))
    };
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(vec![port; rows.len()])),
        Arc::new(Date32Array::from(vec![days; rows.len()])),
        Arc::new(Int32Array::from_iter_values(
            rows.iter().map(|r| r.local_hour),
        )),
        Arc::new(
            TimestampMillisecondArray::from_iter_values(rows.iter().map(|r| r.hour_start))
                .with_timezone("UTC"),
        ),
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|r| r.terminal.as_str()),
        )),
        count(0),
        count(1),
        count(2),
        Arc::new(Float64Array::from_iter(
            rows.iter().map(|r| r.mean_screening_min),
        )),
    ];
    Ok(RecordBatch::try_new(
        Table::HealthScreeningsHourly.schema(),
        columns,
    )?)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use calamine::{ExcelDateTime, ExcelDateTimeType};
    use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use rust_xlsxwriter::{Format, Workbook};

    use super::*;

    /// A cell of a test workbook.
    #[derive(Debug, Clone)]
    enum Cell {
        Text(String),
        Number(f64),
        /// A number formatted as a time of day, which calamine reads as a date-time.
        Time(f64),
        Blank,
    }
    use Cell::{Blank, Number, Text, Time};

    fn text(s: &str) -> Cell {
        Text(s.to_string())
    }

    fn header() -> Vec<Cell> {
        TITLES.iter().map(|t| text(t)).collect()
    }

    /// An hour row with its Jam as text.
    fn hour(jam: &str, terminal: &str, counts: [f64; 3], mean: Option<f64>) -> Vec<Cell> {
        let mut row = vec![text(jam), text(terminal)];
        row.extend(counts.map(Number));
        row.push(mean.map_or(Blank, Number));
        row
    }

    fn total(counts: [f64; 3]) -> Vec<Cell> {
        let mut row = vec![text("TOTAL"), Blank];
        row.extend(counts.map(Number));
        row
    }

    fn xlsx(sheets: &[(&str, Vec<Vec<Cell>>)]) -> Vec<u8> {
        let mut workbook = Workbook::new();
        let time = Format::new().set_num_format("hh:mm");
        for (name, rows) in sheets {
            let sheet = workbook.add_worksheet();
            sheet.set_name(*name).unwrap();
            for (r, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let (r, c) = (r as u32, c as u16);
                    match cell {
                        Text(t) => sheet.write_string(r, c, t.as_str()).map(|_| ()),
                        Number(n) => sheet.write_number(r, c, *n).map(|_| ()),
                        Time(t) => sheet.write_number_with_format(r, c, *t, &time).map(|_| ()),
                        Blank => Ok(()),
                    }
                    .unwrap();
                }
            }
        }
        workbook.save_to_buffer().unwrap()
    }

    fn run_named(file: &str, bytes: &[u8]) -> FeedOutput {
        let registry = PortRegistry::embedded();
        let context = FeedContext::whole_file(&registry, None, file);
        convert(bytes, &context).unwrap()
    }

    fn run(sheets: &[(&str, Vec<Vec<Cell>>)]) -> FeedOutput {
        run_named("inbox/kkp_DPS_20261020.xlsx", &xlsx(sheets))
    }

    /// Every landed row as column name → displayed value, with its record number.
    fn landed(output: &FeedOutput) -> Vec<(u64, BTreeMap<String, String>)> {
        let options = FormatOptions::default();
        let mut rows = Vec::new();
        for part in &output.partitions {
            assert_eq!(part.table, Table::HealthScreeningsHourly);
            assert_eq!(part.records.len(), part.batch.num_rows());
            let schema = part.batch.schema();
            let formatters: Vec<ArrayFormatter> = part
                .batch
                .columns()
                .iter()
                .map(|c| ArrayFormatter::try_new(c.as_ref(), &options).unwrap())
                .collect();
            for (row, record) in part.records.iter().enumerate() {
                let cells = schema
                    .fields()
                    .iter()
                    .zip(&formatters)
                    .map(|(f, v)| (f.name().clone(), v.value(row).to_string()))
                    .collect();
                rows.push((*record, cells));
            }
        }
        rows
    }

    fn accounted(output: &FeedOutput) -> bool {
        output.rows_in == output.rows_landed() + output.rejects.len() as u64
    }

    fn good_day() -> Vec<Vec<Cell>> {
        vec![
            header(),
            hour("00:00", "T3", [412.0, 3.0, 0.0], Some(1.8)),
            // 07:00 as an Excel time of day with a time format, and as a plain number.
            vec![
                Time(7.0 / 24.0),
                text("T3"),
                Number(120.0),
                Number(2.0),
                Number(1.0),
                Number(2.5),
            ],
            vec![
                Number(8.0 / 24.0),
                text("T1"),
                Number(0.0),
                Number(0.0),
                Number(0.0),
                Blank,
            ],
            vec![],
            total([532.0, 5.0, 1.0]),
        ]
    }

    #[test]
    fn good_workbook_lands_every_hour_in_the_ports_local_calendar_with_utc_hour_starts() {
        let earlier_day = vec![
            header(),
            hour("23:00", "T3", [10.0, 0.0, 0.0], Some(1.0)),
            total([10.0, 0.0, 0.0]),
        ];
        let output = run(&[("20-10-2026", good_day()), ("19-10-2026", earlier_day)]);
        assert!(output.rejects.is_empty(), "{:?}", output.rejects);
        assert!(output.findings.is_empty(), "{:?}", output.findings);
        assert_eq!((output.rows_in, output.rows_landed()), (4, 4));
        let partitions: Vec<(&str, String)> = output
            .partitions
            .iter()
            .map(|p| (p.port.as_str(), p.local_date.to_string()))
            .collect();
        assert_eq!(
            partitions,
            vec![("DPS", "2026-10-19".into()), ("DPS", "2026-10-20".into())]
        );
        let rows = landed(&output);
        let summary: Vec<(u64, &str, &str, &str, &str, &str)> = rows
            .iter()
            .map(|(record, r)| {
                (
                    *record,
                    r["terminal"].as_str(),
                    r["local_hour"].as_str(),
                    r["hour_start"].as_str(),
                    r["screened"].as_str(),
                    r["mean_screening_min"].as_str(),
                )
            })
            .collect();
        // WITA is UTC+8: local midnight on 20 October is 16:00 UTC on the 19th. Sorted by
        // terminal, then hour; records count data rows through the workbook.
        assert_eq!(
            summary,
            vec![
                (4, "T3", "23", "2026-10-19T15:00:00Z", "10", "1.0"),
                (3, "T1", "8", "2026-10-20T00:00:00Z", "0", ""),
                (1, "T3", "0", "2026-10-19T16:00:00Z", "412", "1.8"),
                (2, "T3", "7", "2026-10-19T23:00:00Z", "120", "2.5"),
            ]
        );
        assert_eq!(rows[3].1["referred"], "2");
        assert_eq!(rows[3].1["isolated"], "1");
        assert_eq!(rows[3].1["port"], "DPS");
        assert_eq!(rows[3].1["local_date"], "2026-10-20");

        // WIB is UTC+7.
        let output = run_named(
            "kkp_CGK_20261020_20261021T013000Z.xlsx",
            &xlsx(&[("20-10-2026", good_day())]),
        );
        let rows = landed(&output);
        assert_eq!(rows[2].1["port"], "CGK");
        assert_eq!(rows[2].1["hour_start"], "2026-10-20T00:00:00Z");
        assert_eq!(rows[1].1["hour_start"], "2026-10-19T17:00:00Z");
    }

    #[test]
    fn bad_rows_are_rejected_with_record_number_reason_and_raw_and_good_ones_land() {
        let cases: Vec<(Vec<Cell>, &str)> = vec![
            (
                hour("07:30", "T3", [1.0, 0.0, 0.0], Some(1.0)),
                "range: Jam '07:30' is not the start of an hour",
            ),
            (
                hour("25:00", "T3", [1.0, 0.0, 0.0], Some(1.0)),
                "range: Jam '25:00' is not an hour of the day",
            ),
            (
                hour("jam 7", "T3", [1.0, 0.0, 0.0], Some(1.0)),
                "type: Jam 'jam 7' is not an hour as HH:MM",
            ),
            (
                hour("7.00", "T3", [1.0, 0.0, 0.0], Some(1.0)),
                "type: Jam '7.00'",
            ),
            (
                vec![
                    Time(7.5 / 24.0),
                    text("T3"),
                    Number(1.0),
                    Number(0.0),
                    Number(0.0),
                    Number(1.0),
                ],
                "range: Jam 07:30 is not the start of an hour",
            ),
            (
                vec![
                    Number(1.25),
                    text("T3"),
                    Number(1.0),
                    Number(0.0),
                    Number(0.0),
                    Number(1.0),
                ],
                "range: Jam 1.25 is not an Excel time of day",
            ),
            (
                vec![
                    Blank,
                    text("T3"),
                    Number(1.0),
                    Number(0.0),
                    Number(0.0),
                    Number(1.0),
                ],
                "schema: Jam is empty",
            ),
            (
                hour("09:00", " ", [1.0, 0.0, 0.0], Some(1.0)),
                "schema: Terminal is empty",
            ),
            (
                hour("09:00", "T3", [412.5, 0.0, 0.0], Some(1.0)),
                "type: Diperiksa '412.5' is not a whole number",
            ),
            (
                hour("09:00", "T3", [5.0, -1.0, 0.0], Some(1.0)),
                "range: Dirujuk -1 is negative",
            ),
            (
                vec![
                    text("09:00"),
                    text("T3"),
                    text("banyak"),
                    Number(0.0),
                    Number(0.0),
                    Number(1.0),
                ],
                "type: Diperiksa 'banyak' is not a whole number",
            ),
            (
                vec![
                    text("09:00"),
                    text("T3"),
                    Number(5.0),
                    Number(0.0),
                    Blank,
                    Number(1.0),
                ],
                "schema: Diisolasi is empty",
            ),
            (
                hour("09:00", "T3", [5.0, 6.0, 0.0], Some(1.0)),
                "range: Dirujuk (referred) 6 is more than Diperiksa (screened) 5",
            ),
            (
                hour("09:00", "T3", [5.0, 2.0, 3.0], Some(1.0)),
                "range: Diisolasi (isolated) 3 is more than Dirujuk (referred) 2",
            ),
            (
                hour("09:00", "T3", [5.0, 0.0, 0.0], Some(2000.0)),
                "range: Rata-rata menit pemeriksaan 2000 is outside 0 to 1440",
            ),
            (
                vec![
                    text("09:00"),
                    text("T3"),
                    Number(5.0),
                    Number(0.0),
                    Number(0.0),
                    text("cepat"),
                ],
                "type: Rata-rata menit pemeriksaan 'cepat' is not a number",
            ),
        ];
        let mut rows = vec![header(), hour("06:00", "T3", [7.0, 1.0, 0.0], Some(1.5))];
        rows.extend(cases.iter().map(|(row, _)| row.clone()));
        rows.push(hour("10:00", "T3", [8.0, 0.0, 0.0], Some(2.0)));
        rows.push(total([15.0, 1.0, 0.0]));
        let output = run(&[("20-10-2026", rows)]);
        assert!(accounted(&output));
        assert_eq!(
            (output.rows_in, output.rows_landed()),
            (cases.len() as u64 + 2, 2)
        );
        assert_eq!(output.rejects.len(), cases.len());
        for (index, (reject, (_, expected))) in output.rejects.iter().zip(&cases).enumerate() {
            assert_eq!(reject.record_number, index as u64 + 2, "{}", reject.reason);
            assert!(
                reject.reason.starts_with(expected),
                "'{}' is not '{expected}'",
                reject.reason
            );
        }
        assert_eq!(
            output.rejects[0].raw,
            "sheet 20-10-2026 row 3: 07:30 | T3 | 1 | 0 | 0 | 1"
        );
        assert_eq!(
            output.rejects[4].raw,
            "sheet 20-10-2026 row 7: 07:30 | T3 | 1 | 0 | 0 | 1"
        );
        assert_eq!(
            output.rejects[6].raw,
            "sheet 20-10-2026 row 9:  | T3 | 1 | 0 | 0 | 1"
        );
        let records: Vec<u64> = landed(&output).iter().map(|(r, _)| *r).collect();
        assert_eq!(records, vec![1, cases.len() as u64 + 2]);
        // The total matches the two rows that landed.
        assert!(output.findings.is_empty(), "{:?}", output.findings);
    }

    #[test]
    fn total_row_is_checked_against_the_rows_that_landed_and_says_how_many_were_rejected() {
        let rows = vec![
            header(),
            hour("00:00", "T3", [100.0, 3.0, 1.0], Some(1.0)),
            hour("01:00", "T3", [50.0, 2.0, 0.0], Some(1.0)),
            hour("02:00", "T3", [20.5, 0.0, 0.0], Some(1.0)),
            vec![
                text(" total "),
                Blank,
                Number(170.0),
                Number(5.0),
                text("satu"),
            ],
        ];
        let output = run(&[
            ("20-10-2026", rows),
            (
                "19-10-2026",
                vec![header(), hour("05:00", "T1", [1.0, 0.0, 0.0], Some(3.0))],
            ),
        ]);
        assert!(accounted(&output));
        assert_eq!((output.rows_in, output.rows_landed()), (4, 3));
        let findings: Vec<(&str, u64, Option<f64>, Option<f64>)> = output
            .findings
            .iter()
            .map(|f| (f.check_name, f.record_number, f.declared, f.computed))
            .collect();
        assert_eq!(
            findings,
            vec![
                (CHECK_TOTAL, 3, Some(170.0), Some(150.0)),
                (CHECK_TOTAL, 3, None, Some(1.0)),
                (CHECK_TOTAL_MISSING, 4, None, Some(1.0)),
            ]
        );
        assert_eq!(
            output.findings[0].message,
            "sheet 20-10-2026 row 5 (TOTAL): Diperiksa declares 170, but the 2 rows above it \
             that landed add up to 150; 1 row above it was rejected and is not in the sum"
        );
        assert!(output.findings[1].message.contains("the declared Diisolasi cannot be read (type: Diisolasi 'satu' is not a whole number"), "{}", output.findings[1].message);
        assert!(
            output.findings[2]
                .message
                .starts_with("sheet 19-10-2026 has no TOTAL row")
        );
    }

    #[test]
    fn a_missing_mean_or_a_mean_without_screening_lands_without_a_mean_and_with_a_finding() {
        let rows = vec![
            header(),
            hour("00:00", "T3", [12.0, 0.0, 0.0], None),
            hour("01:00", "T3", [0.0, 0.0, 0.0], Some(2.5)),
            total([12.0, 0.0, 0.0]),
        ];
        let output = run(&[("20-10-2026", rows)]);
        assert_eq!(output.rows_landed(), 2);
        let means: Vec<String> = landed(&output)
            .iter()
            .map(|(_, r)| r["mean_screening_min"].clone())
            .collect();
        assert_eq!(means, vec!["", ""]);
        let findings: Vec<(&str, u64, Option<f64>)> = output
            .findings
            .iter()
            .map(|f| (f.check_name, f.record_number, f.declared))
            .collect();
        assert_eq!(
            findings,
            vec![
                (CHECK_MEAN_MISSING, 1, None),
                (CHECK_MEAN_WITHOUT_SCREENING, 2, Some(2.5))
            ]
        );
        assert_eq!(
            output.findings[0].message,
            "sheet 20-10-2026 row 2: terminal T3 00:00 screened 12 travellers but gives no mean \
             screening time; it landed without one"
        );
    }

    #[test]
    fn the_file_name_gives_the_port_and_without_it_every_record_is_rejected() {
        let bytes = xlsx(&[("20-10-2026", good_day())]);
        for (name, expected) in [
            (
                "quarantine_DPS.xlsx",
                "schema: the file name 'quarantine_DPS.xlsx' does not follow kkp_<PORT>_<YYYYMMDD>",
            ),
            (
                "inbox/kkp_DPS.xlsx",
                "schema: the file name 'kkp_DPS.xlsx' does not follow",
            ),
            ("kkp_XYZ_20261020.xlsx", "unknown port 'XYZ'"),
        ] {
            let output = run_named(name, &bytes);
            assert_eq!((output.rows_in, output.rows_landed()), (3, 0), "{name}");
            assert!(
                output
                    .rejects
                    .iter()
                    .all(|r| r.reason.starts_with(expected)),
                "{name}: {:?}",
                output.rejects
            );
            // The TOTAL row is still checked, and says that every row was rejected.
            assert!(
                output.findings[0]
                    .message
                    .contains("3 rows above it were rejected")
            );
        }
    }

    #[test]
    fn sheets_not_named_by_a_date_or_without_a_header_reject_their_rows() {
        let mut no_header = good_day();
        no_header.remove(0);
        let mut short_header = good_day();
        short_header[0].truncate(4);
        let output = run(&[
            ("Sheet1", good_day()),
            ("2026-10-20", good_day()),
            ("19-10-2026", no_header),
            ("18-10-2026", short_header),
            ("17-10-2026", vec![]),
        ]);
        assert!(accounted(&output));
        assert_eq!(output.rows_landed(), 0);
        // 3 rows each; the sheet without a header also has its TOTAL row as a record.
        assert_eq!(output.rows_in, 3 + 3 + 4 + 3);
        let reasons: Vec<&str> = output.rejects.iter().map(|r| r.reason.as_str()).collect();
        assert!(
            reasons[0]
                .starts_with("schema: the sheet is named 'Sheet1', not by its day as dd-mm-yyyy")
        );
        assert!(reasons[3].starts_with("schema: the sheet is named '2026-10-20'"));
        assert!(reasons[6].starts_with("schema: sheet '19-10-2026' has no header row"));
        assert_eq!(
            output.rejects[9].raw,
            "sheet 19-10-2026 row 5: TOTAL |  | 532 | 5 | 1"
        );
        assert!(reasons[10].starts_with("schema: the header (sheet 18-10-2026 row 1) has no column Diisolasi, Rata-rata menit pemeriksaan"), "{}", reasons[10]);
        let records: Vec<u64> = output.rejects.iter().map(|r| r.record_number).collect();
        assert_eq!(records, (1..=13).collect::<Vec<u64>>());
    }

    #[test]
    fn a_file_that_is_not_a_workbook_is_one_rejected_record() {
        let mut truncated = xlsx(&[("20-10-2026", good_day())]);
        truncated.truncate(truncated.len() / 2);
        for bytes in [b"not a workbook".to_vec(), truncated, Vec::new()] {
            let output = run_named("kkp_DPS_20261020.xlsx", &bytes);
            assert_eq!((output.rows_in, output.rejects.len()), (1, 1));
            let reject = &output.rejects[0];
            assert_eq!(reject.record_number, 1);
            assert!(
                reject
                    .reason
                    .starts_with("schema: the workbook cannot be opened: "),
                "{}",
                reject.reason
            );
            assert_eq!(reject.raw, format!("<workbook of {} bytes>", bytes.len()));
        }
    }

    #[test]
    fn daylight_saving_gaps_are_rejected_and_repeated_hours_take_the_earlier_instant() {
        let bytes = xlsx(&[
            (
                "08-03-2026",
                vec![
                    header(),
                    hour("02:00", "T4", [1.0, 0.0, 0.0], Some(1.0)),
                    hour("03:00", "T4", [1.0, 0.0, 0.0], Some(1.0)),
                    total([2.0, 0.0, 0.0]),
                ],
            ),
            (
                "01-11-2026",
                vec![
                    header(),
                    hour("01:00", "T4", [1.0, 0.0, 0.0], Some(1.0)),
                    total([1.0, 0.0, 0.0]),
                ],
            ),
        ]);
        let output = run_named("kkp_JFK_20261101.xlsx", &bytes);
        assert!(accounted(&output));
        assert_eq!(output.rejects.len(), 1);
        assert!(
            output.rejects[0]
                .reason
                .starts_with("range: 2026-03-08 02:00 does not exist in America/New_York")
        );
        let starts: Vec<String> = landed(&output)
            .iter()
            .map(|(_, r)| r["hour_start"].clone())
            .collect();
        // 03:00 EDT is 07:00 UTC; 01:00 on 1 November is first EDT (05:00 UTC), then EST.
        assert_eq!(starts, vec!["2026-03-08T07:00:00Z", "2026-11-01T05:00:00Z"]);
        // The TOTAL of 8 March counts the rejected hour, and the finding says so.
        assert!(
            output.findings[0]
                .message
                .contains("1 row above it was rejected")
        );
    }

    /// A random cell, biased towards values that look almost right.
    fn random_cell(rng: &mut ChaCha8Rng) -> Data {
        const TEXTS: &[&str] = &[
            "TOTAL",
            "total",
            "07:00",
            "7:00",
            "07:30",
            "24:00",
            "",
            " ",
            "T3",
            "Jam",
            "abc",
            "412",
            "412.0",
            "-1",
            "1e3",
            "NaN",
            "inf",
            "Diperiksa",
            "00:00",
            "٠٧:٠٠",
        ];
        match rng.random_range(0..8) {
            0 => Data::Empty,
            1 => Data::Int(rng.random_range(-5..500)),
            2 => Data::Float(rng.random_range(-2.0..2.0)),
            3 => Data::Float(f64::from(rng.random_range(0..24u32)) / 24.0),
            4 => Data::Float(
                [f64::NAN, f64::INFINITY, -0.0, 1e300, 0.999_999_9][rng.random_range(0..5)],
            ),
            5 => Data::DateTime(ExcelDateTime::new(
                rng.random_range(-1.0..3.0),
                ExcelDateTimeType::DateTime,
                false,
            )),
            6 => Data::Bool(rng.random()),
            _ => Data::String(TEXTS[rng.random_range(0..TEXTS.len())].to_string()),
        }
    }

    fn sample_sheets() -> Vec<Sheet> {
        let to_data = |cell: &Cell| match cell {
            Text(t) => Data::String(t.clone()),
            Number(n) => Data::Float(*n),
            Time(t) => Data::DateTime(ExcelDateTime::new(*t, ExcelDateTimeType::DateTime, false)),
            Blank => Data::Empty,
        };
        ["20-10-2026", "19-10-2026"]
            .iter()
            .map(|name| Sheet {
                name: name.to_string(),
                rows: Ok(good_day()
                    .iter()
                    .enumerate()
                    .map(|(r, row)| (r as u64 + 1, row.iter().map(to_data).collect()))
                    .filter(|(_, cells): &(u64, Vec<Data>)| !cells.iter().all(is_blank))
                    .collect()),
            })
            .collect()
    }

    #[test]
    fn random_cell_mutations_never_panic_and_every_record_is_accounted_for() {
        let registry = PortRegistry::embedded();
        let context = FeedContext::whole_file(&registry, None, "kkp_DPS_20261020.xlsx");
        let mut rng = ChaCha8Rng::seed_from_u64(20261020);
        for round in 0..3000 {
            let mut sheets = sample_sheets();
            for _ in 0..rng.random_range(1..6) {
                let at = rng.random_range(0..sheets.len());
                let Sheet { name, rows } = &mut sheets[at];
                let Ok(rows) = rows else {
                    continue;
                };
                if rows.is_empty() {
                    continue;
                }
                let r = rng.random_range(0..rows.len());
                match rng.random_range(0..7) {
                    0..=2 => {
                        let cells = &mut rows[r].1;
                        let c = rng.random_range(0..cells.len() + 2);
                        if c < cells.len() {
                            cells[c] = random_cell(&mut rng);
                        } else {
                            cells.push(random_cell(&mut rng));
                        }
                    }
                    3 => {
                        rows.remove(r);
                    }
                    4 => {
                        let copy = rows[r].clone();
                        rows.insert(rng.random_range(0..=rows.len()), copy);
                    }
                    5 => {
                        let keep = rng.random_range(0..=rows[r].1.len());
                        rows[r].1.truncate(keep);
                    }
                    _ => {
                        name.push(['x', '-', '1'][rng.random_range(0..3)]);
                    }
                }
            }
            if rng.random_bool(0.05) {
                sheets.push(Sheet {
                    name: "broken".to_string(),
                    rows: Err("bad XML".to_string()),
                });
            }
            let output = convert_sheets(&sheets, &context).unwrap();
            assert!(accounted(&output), "round {round}: {output:?}");
            for part in &output.partitions {
                assert_eq!(part.records.len(), part.batch.num_rows());
            }
            let mut numbers: Vec<u64> = output.rejects.iter().map(|r| r.record_number).collect();
            numbers.extend(
                output
                    .partitions
                    .iter()
                    .flat_map(|p| p.records.iter().copied()),
            );
            numbers.sort_unstable();
            assert_eq!(
                numbers,
                (1..=output.rows_in).collect::<Vec<u64>>(),
                "round {round}"
            );
        }
    }

    #[test]
    fn random_byte_mutations_of_the_workbook_never_panic_and_are_accounted_for() {
        let sample = xlsx(&[("20-10-2026", good_day())]);
        let registry = PortRegistry::embedded();
        let context = FeedContext::whole_file(&registry, None, "kkp_DPS_20261020.xlsx");
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut opened = 0;
        for round in 0..2000 {
            let mut bytes = sample.clone();
            for _ in 0..rng.random_range(1..4) {
                let len = bytes.len();
                match rng.random_range(0..3) {
                    0 => bytes.truncate(rng.random_range(0..=len)),
                    1 if len > 0 => {
                        let at = rng.random_range(0..len);
                        bytes[at] = rng.random();
                    }
                    _ => {
                        let at = rng.random_range(0..=len);
                        bytes.insert(at, rng.random());
                    }
                }
            }
            let output = convert(&bytes, &context).unwrap();
            assert!(accounted(&output), "round {round}: {output:?}");
            if !output
                .rejects
                .iter()
                .any(|r| r.reason.contains("cannot be opened"))
            {
                opened += 1;
            }
        }
        // Enough mutated workbooks still open for the sheets' reading to be exercised.
        assert!(opened > 100, "only {opened} mutated workbooks opened");
    }

    /// A workbook whose only cell points at a shared string that does not exist.
    fn workbook_with_a_dangling_shared_string() -> Vec<u8> {
        use std::io::Write;
        let files = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="20-10-2026" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
            ),
            (
                "xl/worksheets/sheet1.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>5</v></c></row></sheetData></worksheet>"#,
            ),
        ];
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, text) in files {
            zip.start_file(name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_workbook_with_a_dangling_shared_string_is_rejected_not_a_crash() {
        // calamine 0.31 panicked on this cell (an index past the shared strings); 0.38
        // reports it. Either way the sheet's record is rejected and the run goes on.
        let output = run_named(
            "kkp_DPS_20261020.xlsx",
            &workbook_with_a_dangling_shared_string(),
        );
        assert_eq!(
            output.rows_in,
            output.rows_landed() + output.rejects.len() as u64
        );
        assert_eq!(output.rows_landed(), 0, "{:?}", output.rejects);
        assert!(!output.rejects.is_empty());
        assert!(
            output.rejects[0].reason.starts_with("schema:"),
            "{:?}",
            output.rejects
        );
    }
}
