//! The Health Quarantine export (`kkp_<PORT>_<YYYYMMDD>_<stamp>.xlsx`): a workbook with one
//! sheet named by the local day (`dd-mm-yyyy`), one row per terminal and local hour, and a
//! `TOTAL` row with the day's sums.
//!
//! Counts follow the travellers BCM recorded arriving at the terminal in that hour (by
//! BCM's queue-join time): nearly all are screened, a few in a thousand are referred, and
//! about one in eight of those isolated. Airports report every hour; seaports and border
//! posts their opening hours. The workbook's creation time is its export stamp, so the
//! same night always gives the same bytes.

use chrono::{Datelike, Timelike};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};

use super::day::{ARRIVAL, HOUR_MS, terminal_code};
use super::faults::{Noted, RecordFault, RecordFaults};
use super::format::local_hm;
use super::rng::{lognormal, poisson};
use super::{Document, Night};

/// The record faults a quarantine sheet carries: a count that is not a number, or a row
/// given twice. Its port and times come from the file name and sheet.
pub(crate) const QUARANTINE_FAULTS: &[RecordFault] =
    &[RecordFault::Malformed, RecordFault::Duplicate];

pub(crate) const HEADER: [&str; 6] = [
    "Jam",
    "Terminal",
    "Diperiksa",
    "Dirujuk",
    "Diisolasi",
    "Rata-rata menit pemeriksaan",
];

/// Share of arriving travellers the thermal screening misses.
const MISSED_SHARE: f64 = 0.05;
/// Referrals per screened traveller.
const REFERRED_SHARE: f64 = 0.003;
/// Isolations per referral.
const ISOLATED_SHARE: f64 = 0.12;

#[derive(Debug, Clone)]
struct Row {
    hour: String,
    terminal: &'static str,
    screened: u64,
    referred: u64,
    isolated: u64,
    /// Mean screening minutes, one decimal; `None` when nobody was screened.
    minutes: Option<f64>,
}

fn rows(night: &Night<'_>) -> Vec<Row> {
    let (plan, day) = (night.plan, night.day);
    let hours = (day.day_len_ms / HOUR_MS).max(1) as usize;
    let terminals = plan.terminals.len().max(1);
    let mut arrivals = vec![0u64; hours * terminals];
    for r in day.recs.iter().filter(|r| r.dir == ARRIVAL) {
        let h = (i64::from(r.t) / HOUR_MS) as usize;
        let t = usize::from(day.terminal_index(r));
        if let Some(c) = arrivals.get_mut(h.min(hours - 1) * terminals + t.min(terminals - 1)) {
            *c += 1;
        }
    }
    let (open_from, open_to) = plan.open_hours.map_or((0, hours), |(from, to)| {
        (from as usize, (to as usize).min(hours))
    });
    let mut rng = night.key("kkp-hourly").chacha();
    let mut out = Vec::with_capacity(hours * terminals);
    for h in open_from..open_to {
        let hour = local_hm(plan.zone, day.day_start_ms + h as i64 * HOUR_MS);
        for t in 0..terminals {
            let n = arrivals.get(h * terminals + t).copied().unwrap_or(0);
            let screened = n - poisson(&mut rng, n as f64 * MISSED_SHARE).min(n);
            let referred = poisson(&mut rng, screened as f64 * REFERRED_SHARE).min(screened);
            let isolated = poisson(&mut rng, referred as f64 * ISOLATED_SHARE).min(referred);
            let busy = screened as f64 / (screened as f64 + 50.0);
            let minutes = (screened > 0)
                .then(|| (lognormal(&mut rng, 1.2 + 0.8 * busy, 0.15) * 10.0).round() / 10.0);
            out.push(Row {
                hour: hour.clone(),
                terminal: terminal_code(plan, t as u8),
                screened,
                referred,
                isolated,
                minutes,
            });
        }
    }
    out
}

fn excel_time(ms: i64) -> Result<ExcelDateTime, XlsxError> {
    let t = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
    ExcelDateTime::from_ymd(
        u16::try_from(t.year()).unwrap_or(2000),
        t.month() as u8,
        t.day() as u8,
    )?
    .and_hms(t.hour() as u16, t.minute() as u8, t.second())
}

/// Writes the night's workbook, exported at `exported_ms`. `truncate_at`: for a truncated
/// file, about where (0–1) the bytes are cut.
pub(crate) fn write_quarantine(
    night: &Night<'_>,
    exported_ms: i64,
    faults: &mut RecordFaults,
    truncate_at: Option<f64>,
) -> Result<Document, XlsxError> {
    let rows = rows(night);
    let mut workbook = Workbook::new();
    // The sheets are tiny: the fastest compression costs a few bytes and saves time.
    workbook.set_zip_compression_level(1);
    workbook.set_properties(
        &DocProperties::new()
            .set_author("SIMKES KKP")
            .set_creation_datetime(&excel_time(exported_ms)?),
    );
    let sheet = workbook.add_worksheet();
    sheet.set_name(night.date().format("%d-%m-%Y").to_string())?;
    for (col, title) in HEADER.iter().enumerate() {
        sheet.write_string(0, col as u16, *title)?;
    }
    // Records are the data rows, numbered from 1: a record's number is its sheet row
    // counted from 0 at the header.
    let mut noted = Vec::new();
    let mut duplicates = Vec::new();
    let mut row_number = 1u32;
    for row in &rows {
        let fault = faults.draw();
        write_row(
            sheet,
            row_number,
            row,
            fault == Some(RecordFault::Malformed),
        )?;
        match fault {
            Some(RecordFault::Malformed) => noted.push(Noted {
                record_number: Some(u64::from(row_number)),
                kind: "malformed",
                detail: "Diperiksa is '-', not a count".to_string(),
            }),
            Some(RecordFault::Duplicate) => duplicates.push((row_number, row)),
            _ => {}
        }
        row_number += 1;
    }
    for (original, row) in duplicates {
        write_row(sheet, row_number, row, false)?;
        noted.push(Noted {
            record_number: Some(u64::from(row_number)),
            kind: "duplicate",
            detail: format!("repeats record {original}"),
        });
        row_number += 1;
    }
    let records = u64::from(row_number - 1);
    sheet.write_string(row_number, 0, "TOTAL")?;
    let sums = [
        rows.iter().map(|r| r.screened).sum::<u64>(),
        rows.iter().map(|r| r.referred).sum::<u64>(),
        rows.iter().map(|r| r.isolated).sum::<u64>(),
    ];
    for (col, sum) in sums.into_iter().enumerate() {
        sheet.write_number(row_number, 2 + col as u16, sum as f64)?;
    }
    let mut bytes = workbook.save_to_buffer()?;
    if let Some(at) = truncate_at {
        let len = bytes.len();
        let cut = ((len as f64 * at) as usize).clamp(1, len.saturating_sub(1).max(1));
        bytes.truncate(cut);
        noted = vec![Noted {
            record_number: None,
            kind: "truncated",
            detail: format!("the workbook ends after {cut} of its {len} bytes"),
        }];
    }
    Ok(Document {
        bytes,
        records,
        noted,
    })
}

fn write_row(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row_number: u32,
    row: &Row,
    malformed: bool,
) -> Result<(), XlsxError> {
    sheet.write_string(row_number, 0, row.hour.as_str())?;
    sheet.write_string(row_number, 1, row.terminal)?;
    if malformed {
        sheet.write_string(row_number, 2, "-")?;
    } else {
        sheet.write_number(row_number, 2, row.screened as f64)?;
    }
    sheet.write_number(row_number, 3, row.referred as f64)?;
    sheet.write_number(row_number, 4, row.isolated as f64)?;
    if let Some(minutes) = row.minutes {
        sheet.write_number(row_number, 5, minutes)?;
    }
    Ok(())
}
