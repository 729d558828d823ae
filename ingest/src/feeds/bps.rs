//! Statistics Indonesia's (BPS) workbook of monthly foreign arrivals per entry point →
//! `arrivals_monthly`, one row per port and month. It is for landing BPS's port figures
//! and checking every total the workbook declares; it is not for national or group totals
//! (those are computed from the port rows, in `sql/70_kpi_national_arrivals.sql`).
//!
//! # The workbook
//! One sheet; a header row naming `Pintu Masuk` (entry point), the Indonesian months
//! `Januari` … `Desember`, `Tahunan` (declared annual) and `Tahun` (year), found by name,
//! not position. Each year is a block of rows, in this order:
//! - group rows `a. pintu udara` (air), `b. pintu laut` (sea), `c. pintu darat` (land),
//!   each followed by its port rows and its `pintu … lainnya` row (the group's other ports);
//! - `jumlah (a+b+c)`, `lainnya` (arrivals at no named entry point) and `total`.
//!
//! Only port rows land. Group, `… lainnya`, `jumlah` and `total` rows are recognised by
//! name and never landed (that would count arrivals twice): they are declared totals, and
//! each is checked against its parts, month by month. Every disagreement is a [`Finding`],
//! never a correction:
//! - `bps_annual_vs_months`: any row's `Tahunan` against the sum of its 12 months;
//! - `bps_group_vs_ports`: a group row's month against the port rows under it plus its
//!   `… lainnya` row (ports belong to the group row above them, as in the sheet);
//! - `bps_total_vs_groups`: `jumlah (a+b+c)`'s month against a + b + c, and `total`'s month
//!   against a + b + c + `lainnya`.
//!
//! Rows that could not be read (no number in a month, no year) are rejected and are not
//! parts of any check. A port row whose name the registry does not know is rejected, but
//! its numbers are BPS's own and still count as parts of its group.
//!
//! # Record numbers and counts
//! A record is one data row of the sheet, numbered as the spreadsheet numbers it (1-based;
//! the header is row 1 in BPS's file). Blank rows and rows above the header are not
//! records. Each record ends as exactly one of:
//! - landed: a port row whose 12 port-months landed, or a recognised total row whose checks
//!   ran;
//! - rejected: with the reason (unknown port, unreadable cell, duplicate port-year).
//!
//! So for the sheet, records in = records landed + records rejected ([`SheetCounts`]), and
//! that is what the run reports (`FeedOutput::records_landed`); the table rows written are
//! the port-months.
//!
//! # Partitioning
//! The lake writes one file per (`port`, `local_date`). For this table `local_date` is the
//! first day of the year, stored in every row too, so that each port's year is one file of
//! 12 rows (26 ports × 8 years = 208 files, not 2,496) and partition pruning stays exact.
//! `year` and `month` say which month a row is.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::sync::Arc;

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use chrono::NaiveDate;
use datafusion::arrow::array::{
    ArrayRef, Date32Array, Int32Array, Int64Array, RecordBatch, StringArray,
};

use super::{FeedContext, FeedOutput, Finding, PartitionBatch, Reject};
use crate::error::Result;
use crate::reference::PortRegistry;
use crate::schema::Table;

/// The month columns, as BPS names them (the generator's calibration reads them too).
pub(crate) const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maret",
    "april",
    "mei",
    "juni",
    "juli",
    "agustus",
    "september",
    "oktober",
    "november",
    "desember",
];

pub const CHECK_ANNUAL: &str = "bps_annual_vs_months";
pub const CHECK_GROUP: &str = "bps_group_vs_ports";
pub const CHECK_TOTAL: &str = "bps_total_vs_groups";

/// The three groups of entry points BPS reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    Air,
    Sea,
    Land,
}

impl Group {
    fn letter(self) -> &'static str {
        match self {
            Group::Air => "a",
            Group::Sea => "b",
            Group::Land => "c",
        }
    }

    fn others_row(self) -> &'static str {
        match self {
            Group::Air => "pintu udara lainnya",
            Group::Sea => "pintu laut lainnya",
            Group::Land => "pintu darat lainnya",
        }
    }

    fn from_word(word: &str) -> Option<Group> {
        match word {
            "udara" => Some(Group::Air),
            "laut" => Some(Group::Sea),
            "darat" => Some(Group::Land),
            _ => None,
        }
    }
}

/// What a sheet row is, from its `Pintu Masuk` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `a. pintu udara`: the group's declared total.
    Group(Group),
    /// `pintu udara lainnya`: the group's ports BPS does not name.
    GroupOthers(Group),
    /// `jumlah (a+b+c)`.
    Sum,
    /// `lainnya`: arrivals at no named entry point.
    Others,
    /// `total`.
    Total,
    /// A named entry point.
    Port,
}

/// Recognises a row by its name (case and spacing ignored).
fn classify(name: &str) -> Kind {
    let name = normalise(name);
    let words: Vec<&str> = name.split(' ').collect();
    match words.as_slice() {
        [letter, "pintu", word] if ["a.", "b.", "c."].contains(letter) => {
            Group::from_word(word).map_or(Kind::Port, Kind::Group)
        }
        ["pintu", word, "lainnya"] => Group::from_word(word).map_or(Kind::Port, Kind::GroupOthers),
        ["lainnya"] => Kind::Others,
        ["total"] => Kind::Total,
        ["jumlah", ..] => Kind::Sum,
        _ => Kind::Port,
    }
}

fn normalise(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// One readable data row of the sheet.
#[derive(Debug, Clone)]
struct SheetRow {
    /// The spreadsheet row number.
    record: u64,
    name: String,
    kind: Kind,
    year: i32,
    months: [i64; 12],
    annual: Option<i64>,
}

/// How the sheet's records ended (see the module documentation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SheetCounts {
    /// Data rows of the sheet.
    pub rows_in: u64,
    /// Port rows that landed their 12 months, and recognised total rows that were checked.
    pub rows_landed: u64,
    pub rows_rejected: u64,
    /// Table rows written (12 per landed port row).
    pub port_months: u64,
}

/// Whether a workbook's first sheet has BPS's `Pintu Masuk` header in its first rows.
pub(super) fn has_arrivals_header(bytes: &[u8]) -> bool {
    let Ok(mut workbook) = open_workbook_auto_from_rs(Cursor::new(bytes)) else {
        return false;
    };
    let Some(Ok(range)) = workbook.worksheet_range_at(0) else {
        return false;
    };
    range.rows().take(10).any(|row| {
        row.iter()
            .any(|c| normalise(&c.to_string()) == "pintu masuk")
    })
}

pub(super) fn convert(bytes: &[u8], context: &FeedContext<'_>) -> FeedOutput {
    convert_counted(bytes, context).0
}

/// Where each column is, by its position in the sheet's rows.
struct Columns {
    name: usize,
    months: [usize; 12],
    annual: usize,
    year: usize,
}

fn find_columns(header: &[Data]) -> std::result::Result<Columns, String> {
    let names: Vec<String> = header.iter().map(|c| normalise(&c.to_string())).collect();
    let find = |wanted: &str| names.iter().position(|n| n == wanted);
    let mut missing = Vec::new();
    let mut need = |wanted: &'static str| {
        find(wanted).unwrap_or_else(|| {
            missing.push(wanted);
            0
        })
    };
    let name = need("pintu masuk");
    let months = MONTHS.map(&mut need);
    let annual = need("tahunan");
    let year = need("tahun");
    if missing.is_empty() {
        Ok(Columns {
            name,
            months,
            annual,
            year,
        })
    } else {
        Err(format!(
            "schema: the header row has no column {}; expected 'Pintu Masuk', 'Januari' … \
             'Desember', 'Tahunan' and 'Tahun' as in BPS's arrivals workbook, so no row of this \
             sheet was read",
            missing
                .iter()
                .map(|m| format!("'{m}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}

fn raw(row: &[Data]) -> String {
    row.iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// A whole, non-negative number of arrivals from a cell.
fn count(cell: Option<&Data>) -> std::result::Result<i64, String> {
    let value = match cell {
        Some(Data::Int(i)) => Some(*i as f64),
        Some(Data::Float(f)) => Some(*f),
        Some(Data::String(s)) => s.trim().parse::<i64>().ok().map(|i| i as f64),
        _ => None,
    };
    match value {
        Some(v) if v.fract() == 0.0 && (0.0..9.0e15).contains(&v) => Ok(v as i64),
        _ => Err(match cell {
            None | Some(Data::Empty) => "is empty".to_string(),
            Some(other) => format!("'{other}' is not a whole number of arrivals"),
        }),
    }
}

fn read_row(row: &[Data], columns: &Columns, record: u64) -> std::result::Result<SheetRow, String> {
    let name = match row.get(columns.name) {
        Some(Data::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        _ => return Err("'Pintu Masuk' (the entry point) is empty".to_string()),
    };
    let year = match count(row.get(columns.year)) {
        Ok(y) if (2000..=2100).contains(&y) => y as i32,
        Ok(y) => return Err(format!("'Tahun' {y} is not a year between 2000 and 2100")),
        Err(e) => return Err(format!("'Tahun' (the year) {e}")),
    };
    let mut months = [0i64; 12];
    for (m, column) in columns.months.iter().enumerate() {
        months[m] =
            count(row.get(*column)).map_err(|e| format!("'{}' {year} {e}", title_month(m)))?;
    }
    let annual = match row.get(columns.annual) {
        None | Some(Data::Empty) => None,
        cell => Some(count(cell).map_err(|e| format!("'Tahunan' (annual) {e}"))?),
    };
    Ok(SheetRow {
        record,
        kind: classify(&name),
        name,
        year,
        months,
        annual,
    })
}

/// Converts the workbook and says how its sheet rows ended.
pub fn convert_counted(bytes: &[u8], context: &FeedContext<'_>) -> (FeedOutput, SheetCounts) {
    let mut output = FeedOutput::default();
    let mut counts = SheetCounts::default();
    let whole_file_reject = |reason: String| {
        let output = FeedOutput {
            rows_in: 1,
            rejects: vec![Reject {
                record_number: 1,
                reason,
                raw: String::new(),
            }],
            ..FeedOutput::default()
        };
        let counts = SheetCounts {
            rows_in: 1,
            rows_rejected: 1,
            ..SheetCounts::default()
        };
        (output, counts)
    };
    let mut workbook = match open_workbook_auto_from_rs(Cursor::new(bytes)) {
        Ok(workbook) => workbook,
        Err(e) => {
            return whole_file_reject(format!(
                "the file is not a readable workbook ({e}); no row was read"
            ));
        }
    };
    let range = match workbook.worksheet_range_at(0) {
        Some(Ok(range)) => range,
        Some(Err(e)) => {
            return whole_file_reject(format!("the first sheet could not be read ({e})"));
        }
        None => return whole_file_reject("the workbook has no sheet".to_string()),
    };
    // Spreadsheet row number of the range's first row (the range starts at the first
    // non-empty cell).
    let first_row = u64::from(range.start().map_or(0, |(row, _)| row)) + 1;
    let rows: Vec<(u64, &[Data])> = range
        .rows()
        .enumerate()
        .map(|(i, row)| (first_row + i as u64, row))
        .filter(|(_, row)| row.iter().any(|c| !c.to_string().trim().is_empty()))
        .collect();
    let header_at = rows.iter().position(|(_, row)| {
        row.iter()
            .any(|c| normalise(&c.to_string()) == "pintu masuk")
    });
    let columns = match header_at.map(|at| find_columns(rows[at].1)) {
        Some(Ok(columns)) => columns,
        failure => {
            let reason = match failure {
                Some(Err(reason)) => reason,
                _ => "schema: no header row names 'Pintu Masuk'; this is not BPS's arrivals \
                      workbook in the shape this adapter reads, so no row was read"
                    .to_string(),
            };
            for (record, row) in &rows {
                output.rejects.push(Reject {
                    record_number: *record,
                    reason: reason.clone(),
                    raw: raw(row),
                });
            }
            counts.rows_in = rows.len() as u64;
            counts.rows_rejected = counts.rows_in;
            output.rows_in = counts.rows_in;
            return (output, counts);
        }
    };
    let data = &rows[header_at.map_or(0, |at| at + 1)..];
    counts.rows_in = data.len() as u64;

    let mut readable: Vec<SheetRow> = Vec::new();
    for (record, row) in data {
        match read_row(row, &columns, *record) {
            Ok(parsed) => readable.push(parsed),
            Err(reason) => output.rejects.push(Reject {
                record_number: *record,
                reason: format!("row {record}: {reason}; the row was not read"),
                raw: raw(row),
            }),
        }
    }
    let raw_of: BTreeMap<u64, String> = data.iter().map(|(r, row)| (*r, raw(row))).collect();

    // Port rows land; everything else is a recognised total.
    let mut landed: BTreeMap<(String, i32), (u64, [i64; 12])> = BTreeMap::new();
    for row in &readable {
        if row.kind != Kind::Port {
            counts.rows_landed += 1;
            continue;
        }
        let Some(port) = context.registry.by_bps_name(&row.name) else {
            output.rejects.push(Reject {
                record_number: row.record,
                reason: format!(
                    "row {}: {}",
                    row.record,
                    PortRegistry::unknown_port_reason(&row.name)
                ),
                raw: raw_of.get(&row.record).cloned().unwrap_or_default(),
            });
            continue;
        };
        let key = (port.code.clone(), row.year);
        if let Some((first, _)) = landed.get(&key) {
            output.rejects.push(Reject {
                record_number: row.record,
                reason: format!(
                    "duplicate: row {} gives '{}' ({}) for {} again; row {first} already did, \
                     so this row was not landed",
                    row.record, row.name, port.code, row.year
                ),
                raw: raw_of.get(&row.record).cloned().unwrap_or_default(),
            });
            continue;
        }
        landed.insert(key, (row.record, row.months));
        counts.rows_landed += 1;
    }
    counts.rows_rejected = output.rejects.len() as u64;

    output.findings = check(&readable);

    for ((port, year), (record, months)) in landed {
        let Some(local_date) = NaiveDate::from_ymd_opt(year, 1, 1) else {
            continue;
        };
        match to_batch(&port, local_date, year, &months) {
            Ok(batch) => {
                counts.port_months += batch.num_rows() as u64;
                let rows = batch.num_rows();
                output.partitions.push(PartitionBatch {
                    table: Table::ArrivalsMonthly,
                    port,
                    local_date,
                    batch,
                    records: vec![record; rows],
                });
            }
            Err(e) => {
                // The schema is ours, so this cannot happen with rows read above; keep the
                // row as a reject rather than lose it if it ever does.
                counts.rows_landed -= 1;
                counts.rows_rejected += 1;
                output.rejects.push(Reject {
                    record_number: 0,
                    reason: format!("internal: could not build the batch for {port} {year}: {e}"),
                    raw: String::new(),
                });
            }
        }
    }
    output.rows_in = counts.rows_in;
    output.records_landed = Some(counts.rows_landed);
    (output, counts)
}

fn title_month(m: usize) -> String {
    let mut chars = MONTHS[m].chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase())
        .into_iter()
        .chain(chars)
        .collect()
}

fn rows_list(records: &[u64]) -> String {
    match records {
        [] => "no rows".to_string(),
        [one] => format!("row {one}"),
        many => format!(
            "rows {}",
            many.iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Every declared total against its parts.
fn check(rows: &[SheetRow]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for row in rows {
        let Some(declared) = row.annual else {
            continue;
        };
        let sum: i64 = row.months.iter().sum();
        if declared != sum {
            let hint = if declared == 2 * sum + i64::from(row.year) {
                format!(
                    " (the declared value is exactly twice the months plus the year {}, which \
                     looks like a formula error in the workbook)",
                    row.year
                )
            } else if sum > 0 && (declared - 2 * sum).abs() <= i64::from(row.year) + 2 {
                " (about twice the months: the annual column looks double counted)".to_string()
            } else {
                String::new()
            };
            findings.push(Finding {
                record_number: row.record,
                check_name: CHECK_ANNUAL,
                declared: Some(declared as f64),
                computed: Some(sum as f64),
                message: format!(
                    "row {} '{}', {}: 'Tahunan' declares {declared} arrivals, but its 12 months \
                     add up to {sum}{hint}",
                    row.record, row.name, row.year
                ),
            });
        }
    }

    let mut years: Vec<i32> = rows.iter().map(|r| r.year).collect();
    years.sort_unstable();
    years.dedup();
    for year in years {
        let block: Vec<&SheetRow> = rows.iter().filter(|r| r.year == year).collect();
        // Parts of each group row: the ports under it and its "lainnya" row.
        let mut parts: BTreeMap<u64, Vec<&SheetRow>> = BTreeMap::new();
        let mut groups: Vec<(Group, &SheetRow)> = Vec::new();
        let mut current: Option<(Group, u64)> = None;
        for row in &block {
            match row.kind {
                Kind::Group(group) => {
                    groups.push((group, row));
                    parts.insert(row.record, Vec::new());
                    current = Some((group, row.record));
                }
                Kind::Port => {
                    if let Some((_, record)) = current {
                        parts.entry(record).or_default().push(row);
                    }
                }
                Kind::GroupOthers(group) => {
                    let owner = groups
                        .iter()
                        .rev()
                        .find(|(g, _)| *g == group)
                        .map(|(_, r)| r.record);
                    if let Some(record) = owner {
                        parts.entry(record).or_default().push(row);
                    }
                    // A group's "lainnya" row closes it: ports after it are not its own.
                    current = None;
                }
                Kind::Sum | Kind::Others | Kind::Total => current = None,
            }
        }
        for (group, row) in &groups {
            let members = parts.get(&row.record).map(Vec::as_slice).unwrap_or(&[]);
            let records: Vec<u64> = members.iter().map(|r| r.record).collect();
            for m in 0..12 {
                let computed: i64 = members.iter().map(|r| r.months[m]).sum();
                let declared = row.months[m];
                if declared != computed {
                    findings.push(Finding {
                        record_number: row.record,
                        check_name: CHECK_GROUP,
                        declared: Some(declared as f64),
                        computed: Some(computed as f64),
                        message: format!(
                            "row {} '{}', {} {year}: declares {declared} arrivals, but its ports \
                             and '{}' ({}) add up to {computed}",
                            row.record,
                            row.name,
                            title_month(m),
                            group.others_row(),
                            rows_list(&records)
                        ),
                    });
                }
            }
        }
        let others: Vec<&SheetRow> = block
            .iter()
            .copied()
            .filter(|r| r.kind == Kind::Others)
            .collect();
        for row in block
            .iter()
            .filter(|r| matches!(r.kind, Kind::Sum | Kind::Total))
        {
            let mut members: Vec<&SheetRow> = groups.iter().map(|(_, r)| *r).collect();
            let mut label = groups
                .iter()
                .map(|(g, _)| g.letter())
                .collect::<Vec<_>>()
                .join(" + ");
            if label.is_empty() {
                label = "the group rows (none found)".to_string();
            }
            if row.kind == Kind::Total {
                members.extend(others.iter().copied());
                label.push_str(" + 'lainnya'");
            }
            let records: Vec<u64> = members.iter().map(|r| r.record).collect();
            for m in 0..12 {
                let computed: i64 = members.iter().map(|r| r.months[m]).sum();
                let declared = row.months[m];
                if declared != computed {
                    findings.push(Finding {
                        record_number: row.record,
                        check_name: CHECK_TOTAL,
                        declared: Some(declared as f64),
                        computed: Some(computed as f64),
                        message: format!(
                            "row {} '{}', {} {year}: declares {declared} arrivals, but {label} \
                             ({}) add up to {computed}",
                            row.record,
                            row.name,
                            title_month(m),
                            rows_list(&records)
                        ),
                    });
                }
            }
        }
    }
    findings
}

fn to_batch(
    port: &str,
    local_date: NaiveDate,
    year: i32,
    months: &[i64; 12],
) -> Result<RecordBatch> {
    let days = local_date
        .signed_duration_since(NaiveDate::default())
        .num_days() as i32;
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(vec![port; 12])),
        Arc::new(Date32Array::from(vec![days; 12])),
        Arc::new(Int32Array::from(vec![year; 12])),
        Arc::new(Int32Array::from_iter_values(1..=12)),
        Arc::new(Int64Array::from(months.to_vec())),
    ];
    Ok(RecordBatch::try_new(
        Table::ArrivalsMonthly.schema(),
        columns,
    )?)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use datafusion::arrow::array::AsArray;
    use datafusion::arrow::datatypes::{Int32Type, Int64Type};

    use super::*;
    use crate::feeds::Feed;

    /// A cell of the test workbook.
    #[derive(Clone)]
    enum Cell {
        Text(&'static str),
        Number(i64),
        Blank,
    }
    use Cell::{Blank, Number, Text};

    /// A minimal XLSX file (one sheet, inline strings), which calamine reads like Excel's.
    fn xlsx(rows: &[Vec<Cell>]) -> Vec<u8> {
        let mut sheet = String::from(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
        );
        for (r, row) in rows.iter().enumerate() {
            sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
            for (c, cell) in row.iter().enumerate() {
                let at = format!("{}{}", (b'A' + c as u8) as char, r + 1);
                match cell {
                    Text(t) => sheet.push_str(&format!(
                        r#"<c r="{at}" t="inlineStr"><is><t>{t}</t></is></c>"#
                    )),
                    Number(n) => sheet.push_str(&format!(r#"<c r="{at}"><v>{n}</v></c>"#)),
                    Blank => {}
                }
            }
            sheet.push_str("</row>");
        }
        sheet.push_str("</sheetData></worksheet>");
        let files = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
            ),
            ("xl/worksheets/sheet1.xml", sheet),
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

    fn header() -> Vec<Cell> {
        let mut row = vec![Blank, Text("Pintu Masuk")];
        for m in [
            "Januari",
            "Februari",
            "Maret",
            "April",
            "Mei",
            "Juni",
            "Juli",
            "Agustus",
            "September",
            "Oktober",
            "November",
            "Desember",
        ] {
            row.push(Text(m));
        }
        row.push(Text("Tahunan"));
        row.push(Text("Tahun"));
        row
    }

    /// A data row whose months are `month_value(m)` for m = 1..=12 and whose annual is
    /// their sum plus `annual_error`.
    fn data(
        name: &'static str,
        year: i64,
        month_value: impl Fn(i64) -> i64,
        annual_error: i64,
    ) -> Vec<Cell> {
        let months: Vec<i64> = (1..=12).map(month_value).collect();
        let mut row = vec![Number(0), Text(name)];
        row.extend(months.iter().map(|v| Number(*v)));
        row.push(Number(months.iter().sum::<i64>() + annual_error));
        row.push(Number(year));
        row
    }

    /// One consistent year: DPS 100+m, CGK 50, air others 5, Batam 30, sea others 3,
    /// Entikong 7, land others 2, national 'lainnya' 0.
    fn year_block(year: i64) -> Vec<Vec<Cell>> {
        vec![
            data("a. pintu udara", year, |m| 155 + m, 0),
            data("ngurah rai", year, |m| 100 + m, 0),
            data("soekarno-hatta", year, |_| 50, 0),
            data("pintu udara lainnya", year, |_| 5, 0),
            data("b. pintu laut", year, |_| 33, 0),
            data("batam", year, |_| 30, 0),
            data("pintu laut lainnya", year, |_| 3, 0),
            data("c. pintu darat", year, |_| 9, 0),
            data("entikong", year, |_| 7, 0),
            data("pintu darat lainnya", year, |_| 2, 0),
            data("jumlah (a+b+c)", year, |m| 197 + m, 0),
            data("lainnya", year, |_| 0, 0),
            data("total", year, |m| 197 + m, 0),
        ]
    }

    fn run(rows: &[Vec<Cell>]) -> (FeedOutput, SheetCounts) {
        let registry = PortRegistry::embedded();
        let context = FeedContext {
            registry: &registry,
            key: None,
            source_file: "test.xlsx",
            first_line: 1,
            header: None,
        };
        convert_counted(&xlsx(rows), &context)
    }

    fn by_check(output: &FeedOutput, check: &str) -> Vec<Finding> {
        output
            .findings
            .iter()
            .filter(|f| f.check_name == check)
            .cloned()
            .collect()
    }

    #[test]
    fn rows_are_classified_by_name() {
        assert_eq!(classify("a. pintu udara"), Kind::Group(Group::Air));
        assert_eq!(classify(" B.  Pintu Laut "), Kind::Group(Group::Sea));
        assert_eq!(
            classify("pintu darat lainnya"),
            Kind::GroupOthers(Group::Land)
        );
        assert_eq!(classify("jumlah (a+b+c)"), Kind::Sum);
        assert_eq!(classify("lainnya"), Kind::Others);
        assert_eq!(classify("Total"), Kind::Total);
        assert_eq!(classify("ngurah rai"), Kind::Port);
        assert_eq!(classify("bandara int. lombok"), Kind::Port);
    }

    #[test]
    fn consistent_years_land_every_port_month_one_file_per_port_year_without_findings() {
        let mut rows = vec![header()];
        rows.extend(year_block(2023));
        rows.extend(year_block(2024));
        let (output, counts) = run(&rows);
        assert!(output.rejects.is_empty(), "{:?}", output.rejects);
        assert!(output.findings.is_empty(), "{:?}", output.findings);
        assert_eq!(
            counts,
            SheetCounts {
                rows_in: 26,
                rows_landed: 26,
                rows_rejected: 0,
                port_months: 4 * 2 * 12,
            }
        );
        // Today's FeedOutput counts table rows: port-months landed + rejected rows.
        assert_eq!(
            output.rows_in,
            output.rows_landed() + output.rejects.len() as u64
        );
        let files: Vec<(String, String)> = output
            .partitions
            .iter()
            .map(|p| (p.port.clone(), p.local_date.to_string()))
            .collect();
        assert_eq!(files.len(), 8);
        assert!(files.contains(&("DPS".into(), "2024-01-01".into())));
        assert!(
            output
                .partitions
                .iter()
                .all(|p| p.table == Table::ArrivalsMonthly)
        );
        let dps = output
            .partitions
            .iter()
            .find(|p| p.port == "DPS" && p.local_date.to_string() == "2023-01-01")
            .unwrap();
        let months = dps
            .batch
            .column_by_name("month")
            .unwrap()
            .as_primitive::<Int32Type>();
        let arrivals = dps
            .batch
            .column_by_name("arrivals")
            .unwrap()
            .as_primitive::<Int64Type>();
        assert_eq!(months.values().to_vec(), (1..=12).collect::<Vec<i32>>());
        assert_eq!(arrivals.value(0), 101);
        assert_eq!(arrivals.value(11), 112);
    }

    #[test]
    fn declared_totals_that_disagree_with_their_parts_are_findings() {
        let mut rows = vec![header()];
        rows.extend(year_block(2024));
        // Row 3: DPS's annual is twice its months plus the year, as in BPS's file.
        let dps_sum: i64 = (1..=12).map(|m| 100 + m).sum();
        rows[2] = data("ngurah rai", 2024, |m| 100 + m, dps_sum + 2024);
        // Row 9: sea group says 34 in March instead of 33.
        rows[5] = data("b. pintu laut", 2024, |m| if m == 3 { 34 } else { 33 }, 0);
        // Row 12: jumlah is off by one in December.
        rows[11] = data(
            "jumlah (a+b+c)",
            2024,
            |m| if m == 12 { 208 } else { 197 + m },
            0,
        );
        let (output, counts) = run(&rows);
        assert_eq!(counts.rows_landed, 13);
        assert_eq!(counts.port_months, 48, "totals never land as ports");

        let annual = by_check(&output, CHECK_ANNUAL);
        assert_eq!(annual.len(), 1, "{annual:?}");
        assert_eq!(annual[0].record_number, 3);
        assert_eq!(annual[0].declared, Some((2 * dps_sum + 2024) as f64));
        assert_eq!(annual[0].computed, Some(dps_sum as f64));
        assert!(
            annual[0].message.contains("row 3 'ngurah rai', 2024")
                && annual[0].message.contains("twice the months plus the year"),
            "{}",
            annual[0].message
        );

        let group = by_check(&output, CHECK_GROUP);
        assert_eq!(group.len(), 1, "{group:?}");
        assert_eq!(
            (group[0].record_number, group[0].declared, group[0].computed),
            (6, Some(34.0), Some(33.0))
        );
        assert!(
            group[0].message.contains("Maret 2024") && group[0].message.contains("rows 7, 8"),
            "{}",
            group[0].message
        );
        // The changed group is also off against its own annual, and the totals against it.
        let total = by_check(&output, CHECK_TOTAL);
        let described: Vec<(u64, Option<f64>, Option<f64>)> = total
            .iter()
            .map(|f| (f.record_number, f.declared, f.computed))
            .collect();
        assert_eq!(
            described,
            vec![
                (12, Some(200.0), Some(201.0)),
                (12, Some(208.0), Some(209.0)),
                (14, Some(200.0), Some(201.0)),
            ]
        );
        assert!(
            total[1].message.contains("Desember 2024") && total[1].message.contains("a + b + c")
        );
        assert!(
            by_check(&output, CHECK_ANNUAL).len() == 1,
            "the sea row's annual was recomputed"
        );
    }

    #[test]
    fn unknown_ports_and_unreadable_rows_are_rejected_with_reasons_and_counted() {
        let mut rows = vec![header()];
        rows.extend(year_block(2024));
        // An unknown port inside the air group: rejected, but still part of the group.
        rows.insert(4, data("bandara antah berantah", 2024, |_| 0, 0));
        // A row with text where a month should be.
        let mut bad = data("batam", 2023, |_| 1, 0);
        bad[4] = Text("n/a");
        rows.push(bad);
        // The same port twice in a year.
        rows.push(data("entikong", 2024, |_| 7, 0));
        let (output, counts) = run(&rows);
        assert_eq!(
            counts,
            SheetCounts {
                rows_in: 16,
                rows_landed: 13,
                rows_rejected: 3,
                port_months: 48,
            }
        );
        assert_eq!(counts.rows_in, counts.rows_landed + counts.rows_rejected);
        let reasons: Vec<(u64, &str)> = output
            .rejects
            .iter()
            .map(|r| (r.record_number, r.reason.as_str()))
            .collect();
        assert_eq!(reasons.len(), 3);
        assert!(
            reasons[0].0 == 16
                && reasons[0]
                    .1
                    .contains("'Maret' 2023 'n/a' is not a whole number"),
            "{reasons:?}"
        );
        assert!(
            reasons[1].0 == 5
                && reasons[1]
                    .1
                    .contains("unknown port 'bandara antah berantah'"),
            "{reasons:?}"
        );
        assert!(
            reasons[2].0 == 17 && reasons[2].1.contains("row 11 already did"),
            "{reasons:?}"
        );
        assert!(output.rejects[1].raw.contains("bandara antah berantah"));
        // The unknown port's zeros change nothing; the duplicate Entikong row adds to the
        // land group, which says so.
        let group = by_check(&output, CHECK_GROUP);
        assert_eq!(
            group.len(),
            0,
            "the duplicate sits after 'total', in no group: {group:?}"
        );
        assert_eq!(
            output.rows_in,
            output.rows_landed() + output.rejects.len() as u64
        );
    }

    #[test]
    fn a_sheet_without_the_header_is_rejected_row_by_row() {
        let rows = vec![
            vec![Text("Port"), Text("Jan")],
            vec![Text("ngurah rai"), Number(1)],
        ];
        let (output, counts) = run(&rows);
        assert_eq!((counts.rows_in, counts.rows_rejected), (2, 2));
        assert!(
            output
                .rejects
                .iter()
                .all(|r| r.reason.contains("'Pintu Masuk'"))
        );
        let mut short_header = header();
        short_header.truncate(10);
        let (output, _) = run(&[short_header, data("ngurah rai", 2024, |_| 1, 0)]);
        assert!(
            output.rejects[0].reason.contains("no column 'september'"),
            "{}",
            output.rejects[0].reason
        );
        let registry = PortRegistry::embedded();
        let context = FeedContext {
            registry: &registry,
            key: None,
            source_file: "x.xlsx",
            first_line: 1,
            header: None,
        };
        let output = convert(b"not a workbook", &context);
        assert_eq!((output.rows_in, output.rejects.len()), (1, 1));
    }

    #[test]
    fn workbooks_are_recognised_by_name_or_header() {
        let mut rows = vec![header()];
        rows.extend(year_block(2024));
        let bytes = xlsx(&rows);
        assert_eq!(
            Feed::recognise("kunjungan.xlsx", &bytes),
            Some(Feed::BpsArrivals)
        );
        assert_eq!(
            Feed::recognise("Foreign-Arrivals.XLSX", b""),
            Some(Feed::BpsArrivals)
        );
        assert_eq!(
            Feed::recognise("budget.xlsx", &xlsx(&[vec![Text("x")]])),
            None
        );
        assert!(!Feed::BpsArrivals.has_header_line());
    }

    #[test]
    fn the_real_workbook_lands_every_port_month_and_its_inconsistencies_are_findings() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../data/real/bps/foreign-arrivals-by-port-2017-2024.xlsx"
        );
        let bytes = std::fs::read(path).unwrap();
        let registry = PortRegistry::embedded();
        let context = FeedContext {
            registry: &registry,
            key: None,
            source_file: path,
            first_line: 1,
            header: None,
        };
        let (output, counts) = convert_counted(&bytes, &context);
        assert!(output.rejects.is_empty(), "{:?}", output.rejects);
        assert_eq!(
            counts,
            SheetCounts {
                rows_in: 280,
                rows_landed: 280,
                rows_rejected: 0,
                port_months: 26 * 8 * 12,
            }
        );
        // What the run reports: every sheet row in, landed or rejected; 2,496 table rows.
        assert_eq!((output.rows_in, output.rows_landed()), (280, 280));
        assert_eq!(output.table_rows(), 26 * 8 * 12);
        // Every registered Indonesian port, every year 2017-2024, 12 months each.
        let indonesian: Vec<&str> = registry
            .iter()
            .filter(|p| !p.benchmark)
            .map(|p| p.code.as_str())
            .collect();
        assert_eq!(indonesian.len(), 26);
        let mut national: BTreeMap<i32, i64> = BTreeMap::new();
        for port in &indonesian {
            for year in 2017..=2024 {
                let file = output
                    .partitions
                    .iter()
                    .find(|p| {
                        p.port == *port
                            && p.local_date == NaiveDate::from_ymd_opt(year, 1, 1).unwrap()
                    })
                    .unwrap_or_else(|| panic!("{port} {year} did not land"));
                assert_eq!(file.batch.num_rows(), 12);
                let arrivals = file
                    .batch
                    .column_by_name("arrivals")
                    .unwrap()
                    .as_primitive::<Int64Type>();
                *national.entry(year).or_default() += arrivals.values().iter().sum::<i64>();
            }
        }
        // The named ports alone: Ngurah Rai's 2017 months are 5,682,248 of the national
        // 2017 figure; the years' sums are computed from the landed port-months.
        assert_eq!(national.len(), 8);
        let dps_2017: i64 = [
            455930, 448157, 424134, 477408, 488698, 505976, 594238, 601553, 551968, 464703, 360043,
            309440,
        ]
        .iter()
        .sum();
        assert_eq!(dps_2017, 5_682_248);
        assert!(national[&2017] > dps_2017 && national[&2020] < national[&2019]);

        let annual = by_check(&output, CHECK_ANNUAL);
        // Every row's 'Tahunan' is about twice its months (plus the year) in this file.
        assert_eq!(annual.len(), 280);
        let dps = annual.iter().find(|f| f.record_number == 3).unwrap();
        assert_eq!(
            (dps.declared, dps.computed),
            (Some(11_366_513.0), Some(dps_2017 as f64))
        );
        assert!(
            dps.message.contains("'ngurah rai', 2017"),
            "{}",
            dps.message
        );
        let lainnya = annual.iter().find(|f| f.record_number == 35).unwrap();
        assert_eq!(
            (lainnya.declared, lainnya.computed),
            (Some(2017.0), Some(0.0))
        );
        let group = by_check(&output, CHECK_GROUP);
        assert_eq!(group.len(), 1, "{group:?}");
        assert_eq!(
            (group[0].record_number, group[0].declared, group[0].computed),
            (272, Some(110_740.0), Some(110_741.0))
        );
        let total = by_check(&output, CHECK_TOTAL);
        let records: Vec<u64> = total.iter().map(|f| f.record_number).collect();
        assert_eq!(records, vec![279, 281], "{total:?}");
    }

    #[test]
    fn random_damage_to_the_workbook_never_panics_and_every_record_is_accounted_for() {
        use rand::SeedableRng;
        let mut rows = vec![header()];
        rows.extend(year_block(2024));
        let workbook = xlsx(&rows);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        let registry = PortRegistry::embedded();
        for _ in 0..500 {
            let mut bytes = workbook.clone();
            crate::feeds::damage::mutate(&mut rng, &mut bytes, b"<>/\"=0123456789 PK\x00\xff");
            let context = FeedContext::whole_file(&registry, None, "arrivals.xlsx");
            let (out, counts) = convert_counted(&bytes, &context);
            assert_eq!(
                counts.rows_in,
                counts.rows_landed + counts.rows_rejected,
                "{:?}",
                out.rejects.first()
            );
        }
    }
}
