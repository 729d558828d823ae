//! Customs (Bea dan Cukai) inspections: semicolon-separated CSV with Indonesian headers,
//! local times and decimal commas, one file per port and local night
//! (`bc_<PORT>_<YYYYMMDD>[_<YYYYMMDDTHHMMSSZ>].csv`).
//!
//! ```text
//! no_pemeriksaan;kode_tpi;terminal;jalur;waktu_mulai;waktu_selesai;hasil;kategori_sitaan;nilai_barang;no_manifes;no_penerbangan;negara_paspor;no_paspor;skor_risiko
//! BC-CGK-20261020-000123;CGK;T3;MERAH;20/10/2026 07:41:05;20/10/2026 07:52:40;DISITA;NARKOTIKA;12.500.000,00;MNF-GA717-20261020;GA717;AUS;PA1234567;0,87
//! BC-CGK-20261020-000124;CGK;T3;HIJAU;20/10/2026 07:42:10;20/10/2026 07:43:02;DILEPAS;;;MNF-GA717-20261020;GA717;IDN;PB7654321;0,12
//! ```
//! - The first line is the header; columns are found by name (any order), and a missing
//!   required column rejects every record of the file with a reason naming it.
//! - `waktu_mulai` / `waktu_selesai`: `dd/mm/yyyy HH:MM:SS` in the port's local time zone.
//! - `jalur`: `HIJAU` (green) or `MERAH` (red).
//! - `hasil`: `DILEPAS` (released), `BAYAR_BEA` (duty paid), `DISITA` (seized), `DITAHAN` (held).
//! - `kategori_sitaan`: required when `hasil` is `DISITA`, empty otherwise: `NARKOTIKA`,
//!   `SATWA` (wildlife), `MATA_UANG` (currency), `ROKOK` (tobacco), `MIRAS` (alcohol),
//!   `SENJATA` (weapons), `LAINNYA` (other).
//! - `nilai_barang`: rupiah with a decimal comma and optional `.` thousands separators;
//!   empty when not assessed.
//! - `negara_paspor` + `no_paspor`: the passport's issuing country (ISO 3166 alpha-3) and
//!   number, personal data: they become `traveller_key`, the same keyed hash BCM's records
//!   get, so a traveller can be followed from Immigration to Customs. Both empty for
//!   consignments.
//! - `skor_risiko`: 0 to 1 with a decimal comma; empty when not scored.
//!
//! Lands in `customs_inspections`, partitioned by the port's local date of `waktu_mulai`.
//!
//! # How the adapter reads it
//! - Every column above is required; the header names them in any order, in any case,
//!   with surrounding spaces and a UTF-8 byte-order mark tolerated. Other columns are
//!   ignored (they never land). A column named twice rejects every record too.
//! - A record is one line (LF or CRLF). Blank lines, and a line that repeats the header
//!   (as when two exports are concatenated), are not records. A record must have exactly
//!   as many fields as the header. A field may be enclosed in double quotes to hold a `;`;
//!   a doubled quote inside stands for one quote. Values are trimmed.
//! - Times: `dd/mm/yyyy HH:MM:SS`, or `dd/mm/yyyy HH:MM` (seconds 0), exactly those digits.
//!   A local time that does not exist in the port's zone (clocks jumped forward) is
//!   rejected; one that happens twice (clocks fell back) is the earlier instant, except that
//!   `waktu_selesai` takes the later one when the earlier would be before `waktu_mulai`.
//!   The end may equal the start; an end before the start, or an inspection longer than
//!   24 hours, is rejected.
//! - Numbers: an optional `,` with at least one digit after it, and before it either plain
//!   digits (`1250000`) or `.`-separated groups of exactly three digits after the first
//!   group of one to three (`12.500.000`). So `1.250` is one thousand two hundred and fifty,
//!   and `12.50`, `1,2,3`, `,5`, `12,` and `1 000` are rejected as malformed, not guessed.
//!   A leading `-` is read so that the reason can say the value is negative.
//! - Codes are matched case-insensitively.
//! - A passport number needs its issuing country (three letters), and an issuing country
//!   needs a passport number: one without the other is rejected. Without a
//!   pseudonymisation key, the first record that carries a passport number stops the file
//!   (it stays in the inbox). The passport number never appears in a landed column or a
//!   reject reason; a reject's raw line keeps the record as it arrived.
//! - Duplicate inspection numbers are left to the ingest run, which checks every table's
//!   key columns.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use datafusion::arrow::array::{
    ArrayRef, Date32Array, Float64Array, Int32Array, RecordBatch, StringArray,
    TimestampMillisecondArray,
};

use super::{ByPartition, Feed, FeedContext, FeedOutput, PartitionBatch, Reject, plausible_millis};
use crate::error::{IngestError, Result};
use crate::pseudonym::PseudonymKey;
use crate::reference::PortRegistry;
use crate::schema::Table;

/// The columns of the export, in the order of the module documentation.
const COLUMNS: [&str; 14] = [
    "no_pemeriksaan",
    "kode_tpi",
    "terminal",
    "jalur",
    "waktu_mulai",
    "waktu_selesai",
    "hasil",
    "kategori_sitaan",
    "nilai_barang",
    "no_manifes",
    "no_penerbangan",
    "negara_paspor",
    "no_paspor",
    "skor_risiko",
];

/// Longer than this from start to end is a broken record, not a thorough inspection.
const MAX_INSPECTION_HOURS: i64 = 24;

/// One canonical `customs_inspections` row.
#[derive(Debug)]
struct Inspection {
    /// The line of the file the row came from.
    line: u64,
    local_hour: i32,
    hour_start: i64,
    terminal: String,
    inspection_id: String,
    channel: &'static str,
    started_at: i64,
    ended_at: i64,
    outcome: &'static str,
    seizure_category: Option<&'static str>,
    goods_value_idr: Option<f64>,
    manifest_ref: Option<String>,
    carrier: Option<String>,
    traveller_key: Option<String>,
    risk_score: Option<f64>,
}

/// The file's header: what it names, and where each column of [`COLUMNS`] is.
#[derive(Debug)]
struct Header {
    /// The header's names, normalised, to recognise the header repeated further down.
    names: Vec<String>,
    /// For each of [`COLUMNS`], its position among a line's fields; or why no record can
    /// be read.
    positions: std::result::Result<[usize; COLUMNS.len()], String>,
}

impl Header {
    fn read(line: &str) -> Header {
        let names: Vec<String> = match split_fields(line) {
            Ok(fields) => fields.iter().map(|f| normalise(f)).collect(),
            Err(problem) => {
                return Header {
                    names: Vec::new(),
                    positions: Err(format!(
                        "schema: the header line cannot be split into columns ({problem}), so \
                         no record of this file can be read"
                    )),
                };
            }
        };
        let mut positions = [0; COLUMNS.len()];
        let mut missing = Vec::new();
        let mut doubled = Vec::new();
        for (slot, wanted) in positions.iter_mut().zip(COLUMNS) {
            let found: Vec<usize> = names
                .iter()
                .enumerate()
                .filter(|(_, name)| *name == wanted)
                .map(|(at, _)| at)
                .collect();
            match found.as_slice() {
                [at] => *slot = *at,
                [] => missing.push(wanted),
                _ => doubled.push(wanted),
            }
        }
        let positions = if !missing.is_empty() {
            Err(format!(
                "schema: the header has no column {}; a customs export names its columns {}, \
                 so no record of this file can be read",
                missing.join(", "),
                COLUMNS.join(";")
            ))
        } else if !doubled.is_empty() {
            Err(format!(
                "schema: the header names column {} more than once, so which field is meant \
                 cannot be known and no record of this file can be read",
                doubled.join(", ")
            ))
        } else {
            Ok(positions)
        };
        Header { names, positions }
    }

    /// Whether `line` is the header again.
    /// Whether a line's fields are the header again.
    fn is_repeated_by(&self, fields: &[String]) -> bool {
        fields.len() == self.names.len()
            && fields
                .iter()
                .zip(&self.names)
                .all(|(field, name)| normalise(field) == *name)
    }
}

/// A header name as compared: trimmed, without a byte-order mark, lower case.
fn normalise(name: &str) -> String {
    name.trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
}

/// Why a record did not land, or why the whole file must stop.
enum Refusal {
    Reject(String),
    /// The record carries a passport number and there is no key to pseudonymise it with.
    NoKey,
}

impl From<String> for Refusal {
    fn from(reason: String) -> Refusal {
        Refusal::Reject(reason)
    }
}

pub(super) fn convert(bytes: &[u8], context: &FeedContext<'_>) -> Result<FeedOutput> {
    let mut output = FeedOutput::default();
    let mut rows: ByPartition<Inspection> = ByPartition::new();
    let mut lines = bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .map(|(index, line)| {
            (
                context.first_line + index as u64,
                line.strip_suffix(b"\r").unwrap_or(line),
            )
        });
    let header = match context.header {
        Some(header) => Header::read(header.trim_end_matches(['\r', '\n'])),
        None => match lines.next() {
            None => return Ok(output),
            Some((line_number, line)) => match std::str::from_utf8(line) {
                Ok(text) => Header::read(text),
                Err(e) => Header {
                    names: Vec::new(),
                    positions: Err(format!(
                        "encoding: the header (line {line_number}) is not valid UTF-8 (bad byte \
                         at column {}), so its columns cannot be read; the export must be \
                         written in UTF-8",
                        e.valid_up_to() + 1
                    )),
                },
            },
        },
    };
    for (line_number, line) in lines {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let text = match super::utf8_line(line, line_number) {
            Ok(text) => text,
            Err(reject) => {
                output.rows_in += 1;
                output.rejects.push(reject);
                continue;
            }
        };
        let values = split_fields(text);
        if values
            .as_deref()
            .is_ok_and(|values| header.is_repeated_by(values))
        {
            continue;
        }
        output.rows_in += 1;
        let read = match (&header.positions, values) {
            (Err(reason), _) => Err(Refusal::Reject(reason.clone())),
            (Ok(_), Err(problem)) => Err(Refusal::Reject(format!("schema: {problem}"))),
            (Ok(positions), Ok(values)) => {
                read_record(&values, positions, header.names.len(), context)
            }
        };
        match read {
            Ok((partition, inspection)) => rows.entry(partition).or_default().push(Inspection {
                line: line_number,
                ..inspection
            }),
            Err(Refusal::Reject(reason)) => output.rejects.push(Reject {
                record_number: line_number,
                reason,
                raw: text.to_string(),
            }),
            Err(Refusal::NoKey) => {
                return Err(IngestError::MissingPseudonymKey {
                    feed: Feed::Customs.name().to_string(),
                    file: context.source_file.to_string(),
                });
            }
        }
    }
    for ((port, local_date), mut inspections) in rows {
        inspections.sort_by(|a, b| {
            (a.started_at, &a.inspection_id, a.line).cmp(&(b.started_at, &b.inspection_id, b.line))
        });
        let batch = to_batch(&port, local_date, &inspections)?;
        output.partitions.push(PartitionBatch {
            table: Table::CustomsInspections,
            port,
            local_date,
            batch,
            records: inspections.iter().map(|i| i.line).collect(),
        });
    }
    Ok(output)
}

/// Splits a line at `;`. A field that starts with `"` runs to the next lone `"` and may
/// hold `;`; `""` inside it stands for one `"`.
fn split_fields(line: &str) -> std::result::Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    None => {
                        return Err(format!(
                            "field {} opens a double quote that is never closed",
                            fields.len() + 1
                        ));
                    }
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                }
            }
            loop {
                match chars.next() {
                    None => {
                        fields.push(field);
                        return Ok(fields);
                    }
                    Some(';') => break,
                    Some(c) if c.is_whitespace() => {}
                    Some(_) => {
                        return Err(format!(
                            "field {} has text after its closing double quote",
                            fields.len() + 1
                        ));
                    }
                }
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        fields.push(field);
                        return Ok(fields);
                    }
                    Some(';') => break,
                    Some(c) => field.push(c),
                }
            }
        }
        fields.push(field);
    }
}

/// A record's values by name, trimmed.
struct Fields<'a> {
    id: &'a str,
    port: &'a str,
    terminal: &'a str,
    channel: &'a str,
    start: &'a str,
    end: &'a str,
    outcome: &'a str,
    category: &'a str,
    value: &'a str,
    manifest: &'a str,
    carrier: &'a str,
    country: &'a str,
    passport: &'a str,
    risk: &'a str,
}

fn read_record(
    values: &[String],
    positions: &[usize; COLUMNS.len()],
    header_len: usize,
    context: &FeedContext<'_>,
) -> std::result::Result<((String, NaiveDate), Inspection), Refusal> {
    if values.len() != header_len {
        return Err(Refusal::Reject(format!(
            "schema: the line has {} fields separated by ';' but the header has {header_len}",
            values.len()
        )));
    }
    let get = |column: usize| {
        positions
            .get(column)
            .and_then(|at| values.get(*at))
            .map_or("", |v| v.trim())
    };
    let fields = Fields {
        id: get(0),
        port: get(1),
        terminal: get(2),
        channel: get(3),
        start: get(4),
        end: get(5),
        outcome: get(6),
        category: get(7),
        value: get(8),
        manifest: get(9),
        carrier: get(10),
        country: get(11),
        passport: get(12),
        risk: get(13),
    };
    // Pseudonymise before checking the other values: without a key, a record that carries
    // a passport number stops the file even when another of its values is wrong.
    let traveller_key = traveller_key(&fields, context.key)?;
    let port = context
        .registry
        .get(&fields.port.to_uppercase())
        .ok_or_else(|| PortRegistry::unknown_port_reason(fields.port))?;
    for (name, value) in [("no_pemeriksaan", fields.id), ("terminal", fields.terminal)] {
        if value.is_empty() {
            return Err(Refusal::Reject(format!("schema: {name} is empty")));
        }
    }
    let channel = one_of(
        "jalur",
        fields.channel,
        &[("HIJAU", "green"), ("MERAH", "red")],
    )?;
    let outcome = one_of(
        "hasil",
        fields.outcome,
        &[
            ("DILEPAS", "released"),
            ("BAYAR_BEA", "duty_paid"),
            ("DISITA", "seized"),
            ("DITAHAN", "held"),
        ],
    )?;
    let seizure_category = match (outcome, fields.category.is_empty()) {
        ("seized", true) => {
            return Err(Refusal::Reject(
                "schema: kategori_sitaan is empty but hasil is DISITA; a seizure needs its \
                 category"
                    .to_string(),
            ));
        }
        ("seized", false) => Some(one_of(
            "kategori_sitaan",
            fields.category,
            &[
                ("NARKOTIKA", "narcotics"),
                ("SATWA", "wildlife"),
                ("MATA_UANG", "currency"),
                ("ROKOK", "tobacco"),
                ("MIRAS", "alcohol"),
                ("SENJATA", "weapons"),
                ("LAINNYA", "other"),
            ],
        )?),
        (_, true) => None,
        (_, false) => {
            return Err(Refusal::Reject(format!(
                "schema: kategori_sitaan is '{}' but hasil is {}; only a seizure (DISITA) has a \
                 category",
                fields.category, fields.outcome
            )));
        }
    };

    let start_local = local_time("waktu_mulai", fields.start)?;
    let end_local = local_time("waktu_selesai", fields.end)?;
    let started = match in_zone(port.zone, start_local) {
        Some((earlier, _)) => earlier,
        None => {
            return Err(Refusal::Reject(missing_time(
                port.zone,
                "waktu_mulai",
                fields.start,
            )));
        }
    };
    let ended = match in_zone(port.zone, end_local) {
        // An end time that happens twice is the occurrence that can follow the start.
        Some((earlier, later)) if earlier < started => later,
        Some((earlier, _)) => earlier,
        None => {
            return Err(Refusal::Reject(missing_time(
                port.zone,
                "waktu_selesai",
                fields.end,
            )));
        }
    };
    for (name, text, time) in [
        ("waktu_mulai", fields.start, started),
        ("waktu_selesai", fields.end, ended),
    ] {
        if plausible_millis(time.timestamp_millis()).is_none() {
            return Err(Refusal::Reject(format!(
                "range: {name} '{text}' is not a time between 2000 and 2100"
            )));
        }
    }
    if ended < started {
        return Err(Refusal::Reject(format!(
            "time order: the inspection ended (waktu_selesai {}) before it started (waktu_mulai \
             {})",
            fields.end, fields.start
        )));
    }
    if ended - started > TimeDelta::hours(MAX_INSPECTION_HOURS) {
        return Err(Refusal::Reject(format!(
            "range: the inspection lasted {:.1} hours (waktu_mulai {} to waktu_selesai {}); \
             more than {MAX_INSPECTION_HOURS} hours is not a plausible inspection",
            (ended - started).num_minutes() as f64 / 60.0,
            fields.start,
            fields.end
        )));
    }

    let goods_value_idr = optional_number("nilai_barang", fields.value)?;
    let risk_score = optional_number("skor_risiko", fields.risk)?;
    if let Some(risk) = risk_score
        && risk > 1.0
    {
        return Err(Refusal::Reject(format!(
            "range: skor_risiko '{}' is outside 0 to 1",
            fields.risk
        )));
    }

    // The local hour's start, counted back from the start instant so that an hour that
    // happens twice keeps the occurrence the inspection started in.
    let into_hour = TimeDelta::seconds(i64::from(start_local.minute() * 60 + start_local.second()));
    let inspection = Inspection {
        line: 0,
        local_hour: start_local.hour() as i32,
        hour_start: (started - into_hour).timestamp_millis(),
        terminal: fields.terminal.to_string(),
        inspection_id: fields.id.to_string(),
        channel,
        started_at: started.timestamp_millis(),
        ended_at: ended.timestamp_millis(),
        outcome,
        seizure_category,
        goods_value_idr,
        manifest_ref: non_empty(fields.manifest),
        carrier: non_empty(fields.carrier),
        traveller_key,
        risk_score,
    };
    Ok(((port.code.clone(), start_local.date()), inspection))
}

/// The traveller key of the record's passport, `None` for a consignment.
fn traveller_key(
    fields: &Fields<'_>,
    key: Option<&PseudonymKey>,
) -> std::result::Result<Option<String>, Refusal> {
    match (fields.country.is_empty(), fields.passport.is_empty()) {
        (true, true) => Ok(None),
        (false, true) => Err(Refusal::Reject(format!(
            "schema: negara_paspor is '{}' but no_paspor is empty; a traveller's record gives \
             both, a consignment's neither",
            fields.country
        ))),
        (true, false) => Err(Refusal::Reject(
            "schema: no_paspor is given but negara_paspor (the issuing country) is empty; the \
             traveller key needs both"
                .to_string(),
        )),
        (false, false) => {
            let Some(key) = key else {
                return Err(Refusal::NoKey);
            };
            if fields.country.len() != 3 || !fields.country.chars().all(|c| c.is_ascii_alphabetic())
            {
                return Err(Refusal::Reject(format!(
                    "schema: negara_paspor '{}' is not an ISO 3166 alpha-3 country code",
                    fields.country
                )));
            }
            Ok(Some(key.traveller_key(fields.country, fields.passport)))
        }
    }
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_string())
}

/// The canonical code of `value`, one of the native codes in `choices` (case ignored).
fn one_of(
    field: &str,
    value: &str,
    choices: &[(&str, &'static str)],
) -> std::result::Result<&'static str, String> {
    choices
        .iter()
        .find(|(native, _)| native.eq_ignore_ascii_case(value))
        .map(|(_, canonical)| *canonical)
        .ok_or_else(|| {
            let allowed: Vec<&str> = choices.iter().map(|(native, _)| *native).collect();
            format!(
                "unknown code: {field} is '{value}', expected one of {}",
                allowed.join(", ")
            )
        })
}

/// Reads `dd/mm/yyyy HH:MM:SS` or `dd/mm/yyyy HH:MM`, exactly.
fn local_time(field: &str, text: &str) -> std::result::Result<NaiveDateTime, String> {
    let bad =
        || format!("type: {field} '{text}' is not a local time in the form dd/mm/yyyy HH:MM:SS");
    let pattern: &[u8] = match text.len() {
        19 => b"00/00/0000 00:00:00",
        16 => b"00/00/0000 00:00",
        _ => return Err(bad()),
    };
    let fits = text.bytes().zip(pattern).all(|(c, p)| {
        if *p == b'0' {
            c.is_ascii_digit()
        } else {
            c == *p
        }
    });
    if !fits {
        return Err(bad());
    }
    // Every position checked above is an ASCII digit, so these slices are numbers.
    let number = |from: usize, to: usize| {
        text.get(from..to)
            .and_then(|digits| digits.parse::<u32>().ok())
            .ok_or_else(bad)
    };
    let (day, month, year) = (number(0, 2)?, number(3, 5)?, number(6, 10)?);
    let (hour, minute) = (number(11, 13)?, number(14, 16)?);
    let second = if text.len() == 19 { number(17, 19)? } else { 0 };
    let date = i32::try_from(year)
        .ok()
        .and_then(|year| NaiveDate::from_ymd_opt(year, month, day));
    let time = NaiveTime::from_hms_opt(hour, minute, second);
    match (date, time) {
        (Some(date), Some(time)) => Ok(NaiveDateTime::new(date, time)),
        (None, _) => Err(format!("range: {field} '{text}' is not a calendar date")),
        (_, None) => Err(format!("range: {field} '{text}' is not a time of day")),
    }
}

/// A local time's instants: (earlier, later), the same one twice unless the local time
/// happens twice; `None` when it does not exist in the zone.
fn in_zone(zone: Tz, local: NaiveDateTime) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    match zone.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => Some((t.to_utc(), t.to_utc())),
        chrono::LocalResult::Ambiguous(a, b) => {
            let (a, b) = (a.to_utc(), b.to_utc());
            Some((a.min(b), a.max(b)))
        }
        chrono::LocalResult::None => None,
    }
}

fn missing_time(zone: Tz, field: &str, text: &str) -> String {
    format!(
        "range: {field} '{text}' does not exist in {} (clocks jumped forward for daylight \
         saving)",
        zone.name()
    )
}

/// An empty value or a number of zero or more (see [`decimal`]).
fn optional_number(field: &str, text: &str) -> std::result::Result<Option<f64>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let value = decimal(field, text)?;
    if value < 0.0 {
        return Err(format!("range: {field} '{text}' is negative"));
    }
    Ok(Some(value))
}

/// Reads a number with a decimal comma and optional `.` thousands separators
/// (`12.500.000,00`, `0,87`, `1250000`, `-3,5`).
fn decimal(field: &str, text: &str) -> std::result::Result<f64, String> {
    let bad = || {
        format!(
            "type: {field} '{text}' is not a number with a decimal comma and optional '.' \
             thousands separators (such as 12.500.000,00 or 0,87)"
        )
    };
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = match unsigned.split_once(',') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if fraction.is_some_and(|f| !digits(f)) {
        return Err(bad());
    }
    let groups: Vec<&str> = whole.split('.').collect();
    let grouped = match groups.as_slice() {
        [plain] => digits(plain),
        [first, rest @ ..] => {
            digits(first) && first.len() <= 3 && rest.iter().all(|g| digits(g) && g.len() == 3)
        }
        [] => false,
    };
    if !grouped {
        if fraction.is_none() && groups.len() == 2 && groups.iter().all(|g| digits(g)) {
            return Err(format!(
                "type: {field} '{text}' uses '.' as a decimal point; the export writes decimals \
                 with a comma (such as 0,87) and '.' only between groups of three digits"
            ));
        }
        return Err(bad());
    }
    let plain = format!("{}.{}", groups.concat(), fraction.unwrap_or("0"));
    let value: f64 = plain.parse().map_err(|_| bad())?;
    if !value.is_finite() {
        return Err(format!("range: {field} '{text}' is too large"));
    }
    // `-0` is zero, not a negative value.
    Ok(if negative && value > 0.0 {
        -value
    } else {
        value
    })
}

fn to_batch(port: &str, local_date: NaiveDate, rows: &[Inspection]) -> Result<RecordBatch> {
    let days = local_date
        .signed_duration_since(NaiveDate::default())
        .num_days() as i32;
    let text = |f: &dyn Fn(&Inspection) -> &str| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(rows.iter().map(f)))
    };
    let text_or_null = |f: &dyn Fn(&Inspection) -> Option<&str>| -> ArrayRef {
        Arc::new(StringArray::from_iter(rows.iter().map(f)))
    };
    let millis = |f: &dyn Fn(&Inspection) -> i64| -> ArrayRef {
        Arc::new(
            TimestampMillisecondArray::from_iter_values(rows.iter().map(f)).with_timezone("UTC"),
        )
    };
    let number = |f: &dyn Fn(&Inspection) -> Option<f64>| -> ArrayRef {
        Arc::new(Float64Array::from_iter(rows.iter().map(f)))
    };
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(vec![port; rows.len()])),
        Arc::new(Date32Array::from(vec![days; rows.len()])),
        Arc::new(Int32Array::from_iter_values(
            rows.iter().map(|r| r.local_hour),
        )),
        millis(&|r| r.hour_start),
        text(&|r| &r.terminal),
        text(&|r| &r.inspection_id),
        text(&|r| r.channel),
        millis(&|r| r.started_at),
        millis(&|r| r.ended_at),
        text(&|r| r.outcome),
        text_or_null(&|r| r.seizure_category),
        number(&|r| r.goods_value_idr),
        text_or_null(&|r| r.manifest_ref.as_deref()),
        text_or_null(&|r| r.carrier.as_deref()),
        text_or_null(&|r| r.traveller_key.as_deref()),
        number(&|r| r.risk_score),
    ];
    Ok(RecordBatch::try_new(
        Table::CustomsInspections.schema(),
        columns,
    )?)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::reference::PortRegistry;

    const HEADER: &str = "no_pemeriksaan;kode_tpi;terminal;jalur;waktu_mulai;waktu_selesai;hasil;kategori_sitaan;nilai_barang;no_manifes;no_penerbangan;negara_paspor;no_paspor;skor_risiko";

    /// Lines 2 to 5 of a good file: two CGK (WIB, UTC+7) travellers, a DPS (WITA, UTC+8)
    /// consignment in the early morning and a DPS traveller just after local midnight.
    const GOOD: [&str; 4] = [
        "BC-CGK-20261020-000123;CGK;T3;MERAH;20/10/2026 07:41:05;20/10/2026 07:52:40;DISITA;NARKOTIKA;12.500.000,00;MNF-GA717-20261020;GA717;AUS;PA1234567;0,87",
        "BC-CGK-20261020-000124;CGK;T3;HIJAU;20/10/2026 07:42:10;20/10/2026 07:43:02;DILEPAS;;;MNF-GA717-20261020;GA717;IDN;PB7654321;0,12",
        "BC-DPS-20261021-000001;DPS;INT;merah;21/10/2026 07:30;21/10/2026 09:05;DITAHAN;;1250000;;;;;",
        "BC-DPS-20261020-000002;DPS;INT;HIJAU;20/10/2026 00:15:00;20/10/2026 00:20:00;BAYAR_BEA;;350.000,50;MNF-QF43;QF43;NZL;LA0001112;0,3",
    ];

    fn key() -> PseudonymKey {
        PseudonymKey::new("0123456789abcdef0123456789abcdef").unwrap()
    }

    fn file(lines: &[&str]) -> String {
        format!("{HEADER}\n{}\n", lines.join("\n"))
    }

    fn run_block(
        bytes: &[u8],
        key: Option<&PseudonymKey>,
        first_line: u64,
        header: Option<&str>,
    ) -> Result<FeedOutput> {
        let registry = PortRegistry::embedded();
        let context = FeedContext {
            registry: &registry,
            key,
            source_file: "bc_CGK_20261020.csv",
            first_line,
            header,
        };
        convert(bytes, &context)
    }

    fn run(text: &str) -> FeedOutput {
        let key = key();
        run_block(text.as_bytes(), Some(&key), 1, None).unwrap()
    }

    /// Every landed row as column name → displayed value, with its source line.
    fn landed(output: &FeedOutput) -> Vec<(u64, BTreeMap<String, String>)> {
        let options = FormatOptions::default();
        let mut rows = Vec::new();
        for part in &output.partitions {
            assert_eq!(part.table, Table::CustomsInspections);
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

    fn reasons(output: &FeedOutput) -> Vec<(u64, &str)> {
        output
            .rejects
            .iter()
            .map(|r| (r.record_number, r.reason.as_str()))
            .collect()
    }

    fn accounted(output: &FeedOutput) -> bool {
        output.rows_in == output.rows_landed() + output.rejects.len() as u64
    }

    #[test]
    fn good_file_lands_in_local_partitions_with_utc_times_and_canonical_codes() {
        let output = run(&file(&GOOD));
        assert!(output.rejects.is_empty(), "{:?}", output.rejects);
        assert!(output.findings.is_empty());
        assert_eq!((output.rows_in, output.rows_landed()), (4, 4));
        let partitions: Vec<(&str, String, usize)> = output
            .partitions
            .iter()
            .map(|p| {
                (
                    p.port.as_str(),
                    p.local_date.to_string(),
                    p.batch.num_rows(),
                )
            })
            .collect();
        assert_eq!(
            partitions,
            vec![
                ("CGK", "2026-10-20".to_string(), 2),
                ("DPS", "2026-10-20".to_string(), 1),
                ("DPS", "2026-10-21".to_string(), 1),
            ]
        );
        let rows = landed(&output);
        let lines: Vec<u64> = rows.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, vec![2, 3, 5, 4]);
        let seized = &rows[0].1;
        let expect = |row: &BTreeMap<String, String>, pairs: &[(&str, &str)]| {
            for (column, value) in pairs {
                assert_eq!(row[*column], *value, "{column} in {row:?}");
            }
        };
        // 07:41:05 WIB is 00:41:05 UTC.
        expect(
            seized,
            &[
                ("port", "CGK"),
                ("local_date", "2026-10-20"),
                ("local_hour", "7"),
                ("hour_start", "2026-10-20T00:00:00Z"),
                ("terminal", "T3"),
                ("inspection_id", "BC-CGK-20261020-000123"),
                ("channel", "red"),
                ("started_at", "2026-10-20T00:41:05Z"),
                ("ended_at", "2026-10-20T00:52:40Z"),
                ("outcome", "seized"),
                ("seizure_category", "narcotics"),
                ("goods_value_idr", "12500000.0"),
                ("manifest_ref", "MNF-GA717-20261020"),
                ("carrier", "GA717"),
                ("risk_score", "0.87"),
            ],
        );
        assert_eq!(
            seized["traveller_key"],
            key().traveller_key("AUS", "PA1234567")
        );
        expect(
            &rows[1].1,
            &[
                ("channel", "green"),
                ("outcome", "released"),
                ("seizure_category", ""),
                ("goods_value_idr", ""),
            ],
        );
        // 00:15 WITA on 20 October is 16:15 UTC on the 19th, in the local hour 00.
        expect(
            &rows[2].1,
            &[
                ("local_date", "2026-10-20"),
                ("local_hour", "0"),
                ("hour_start", "2026-10-19T16:00:00Z"),
                ("started_at", "2026-10-19T16:15:00Z"),
                ("outcome", "duty_paid"),
                ("goods_value_idr", "350000.5"),
                ("risk_score", "0.3"),
            ],
        );
        // A consignment: no passport, no traveller key, no risk score; HH:MM times.
        expect(
            &rows[3].1,
            &[
                ("port", "DPS"),
                ("local_date", "2026-10-21"),
                ("local_hour", "7"),
                ("hour_start", "2026-10-20T23:00:00Z"),
                ("started_at", "2026-10-20T23:30:00Z"),
                ("ended_at", "2026-10-21T01:05:00Z"),
                ("channel", "red"),
                ("outcome", "held"),
                ("goods_value_idr", "1250000.0"),
                ("manifest_ref", ""),
                ("carrier", ""),
                ("traveller_key", ""),
                ("risk_score", ""),
            ],
        );
        let traveller_key = output.partitions[2]
            .batch
            .column_by_name("traveller_key")
            .unwrap();
        assert!(traveller_key.is_null(0));
    }

    #[test]
    fn passport_numbers_never_land_and_a_key_is_needed_only_when_one_is_present() {
        let output = run(&file(&GOOD));
        let everything = format!("{:?}", output.partitions);
        for passport in ["PA1234567", "PB7654321", "LA0001112"] {
            assert!(!everything.contains(passport));
        }
        let err = run_block(file(&GOOD).as_bytes(), None, 1, None).unwrap_err();
        assert!(
            matches!(err, IngestError::MissingPseudonymKey { .. }),
            "{err}"
        );
        assert!(!err.to_string().contains("PA1234567"));
        // Consignments only: no personal data, no key needed.
        let output = run_block(file(&GOOD[2..3]).as_bytes(), None, 1, None).unwrap();
        assert_eq!(output.rows_landed(), 1);
        // A rejected record with a passport keeps it in its raw line only.
        let bad = GOOD[0].replace("MERAH", "UNGU");
        let output = run(&file(&[&bad]));
        assert!(output.rejects[0].raw.contains("PA1234567"));
        assert!(!output.rejects[0].reason.contains("PA1234567"));
    }

    #[test]
    fn bad_records_are_rejected_with_line_and_reason_and_good_ones_still_land() {
        let g = GOOD[0];
        let cases: Vec<(String, &str)> = vec![
            (g.replace(";CGK;", ";XYZ;"), "unknown port 'XYZ'"),
            (g.replace(";T3;", ";  ;"), "schema: terminal is empty"),
            (
                g.replace("BC-CGK-20261020-000123", ""),
                "schema: no_pemeriksaan is empty",
            ),
            (
                g.replace("MERAH", "KUNING"),
                "unknown code: jalur is 'KUNING', expected one of HIJAU, MERAH",
            ),
            (
                g.replace("DISITA", "DIBAKAR"),
                "unknown code: hasil is 'DIBAKAR', expected one of DILEPAS, BAYAR_BEA, DISITA, DITAHAN",
            ),
            (
                g.replace("NARKOTIKA", ""),
                "schema: kategori_sitaan is empty but hasil is DISITA",
            ),
            (
                g.replace("NARKOTIKA", "EMAS"),
                "unknown code: kategori_sitaan is 'EMAS', expected one of NARKOTIKA, SATWA",
            ),
            (
                g.replace("DISITA", "DILEPAS"),
                "schema: kategori_sitaan is 'NARKOTIKA' but hasil is DILEPAS",
            ),
            (
                g.replace("20/10/2026 07:52:40", "20/10/2026 07:30:00"),
                "time order: the inspection ended (waktu_selesai 20/10/2026 07:30:00) before it started",
            ),
            (
                g.replace("20/10/2026 07:52:40", "21/10/2026 07:52:40"),
                "range: the inspection lasted 24.2 hours",
            ),
            (
                g.replace("20/10/2026 07:41:05", "2026-10-20 07:41:05"),
                "type: waktu_mulai '2026-10-20 07:41:05' is not a local time in the form dd/mm/yyyy HH:MM:SS",
            ),
            (
                g.replace("20/10/2026 07:41:05", "20/10/2026 7:41:05"),
                "type: waktu_mulai",
            ),
            (
                g.replace("20/10/2026 07:52:40", "31/02/2026 07:52:40"),
                "range: waktu_selesai '31/02/2026 07:52:40' is not a calendar date",
            ),
            (
                g.replace("20/10/2026 07:41:05", "20/10/2026 24:00:00"),
                "range: waktu_mulai '20/10/2026 24:00:00' is not a time of day",
            ),
            (
                g.replace("20/10/2026 07:41:05", "20/10/1999 07:41:05"),
                "range: waktu_mulai '20/10/1999 07:41:05' is not a time between 2000 and 2100",
            ),
            (
                g.replace("12.500.000,00", "1,2,3"),
                "type: nilai_barang '1,2,3' is not a number",
            ),
            (
                g.replace("12.500.000,00", "12.50"),
                "type: nilai_barang '12.50' uses '.' as a decimal point",
            ),
            (
                g.replace("12.500.000,00", "-5,00"),
                "range: nilai_barang '-5,00' is negative",
            ),
            (
                g.replace("0,87", "1,5"),
                "range: skor_risiko '1,5' is outside 0 to 1",
            ),
            (
                g.replace("0,87", "-0,1"),
                "range: skor_risiko '-0,1' is negative",
            ),
            (
                g.replace(";AUS;", ";;"),
                "schema: no_paspor is given but negara_paspor (the issuing country) is empty",
            ),
            (
                g.replace(";PA1234567;", ";;"),
                "schema: negara_paspor is 'AUS' but no_paspor is empty",
            ),
            (
                g.replace(";AUS;", ";AU;"),
                "schema: negara_paspor 'AU' is not an ISO 3166 alpha-3",
            ),
            (
                g.replace(";0,87", ""),
                "schema: the line has 13 fields separated by ';' but the header has 14",
            ),
            (format!("{g};extra"), "schema: the line has 15 fields"),
            (
                g.replace(";T3;", ";\"T3;"),
                "schema: field 3 opens a double quote that is never closed",
            ),
        ];
        let mut lines: Vec<String> = vec![GOOD[1].to_string()];
        lines.extend(cases.iter().map(|(line, _)| line.clone()));
        lines.push(GOOD[2].to_string());
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let mut bytes = file(&refs).into_bytes();
        bytes.extend_from_slice(b"BC-X;CGK;T\xff3;HIJAU\n");
        let output = run_block(&bytes, Some(&key()), 1, None).unwrap();
        assert!(accounted(&output));
        assert_eq!(output.rows_in, cases.len() as u64 + 3);
        assert_eq!(output.rows_landed(), 2);
        let got = reasons(&output);
        assert_eq!(got.len(), cases.len() + 1, "{got:#?}");
        for (index, ((line, reason), (case, expected))) in got.iter().zip(&cases).enumerate() {
            // Line 1 is the header, line 2 the first good record.
            assert_eq!(*line, index as u64 + 3, "{reason}");
            assert!(
                reason.contains(expected),
                "line {line}: '{reason}' lacks '{expected}'"
            );
            assert!(!reason.contains("PA1234567"), "{reason}");
            assert_eq!(output.rejects[index].raw, *case);
        }
        let last = got.last().unwrap();
        assert_eq!(last.0, cases.len() as u64 + 4);
        assert!(
            last.1
                .starts_with("encoding: the line is not valid UTF-8 (bad byte at column 11)")
        );
        assert_eq!(
            output.rejects.last().unwrap().raw,
            "BC-X;CGK;T\u{fffd}3;HIJAU"
        );
        let landed_lines: Vec<u64> = landed(&output).iter().map(|(line, _)| *line).collect();
        assert_eq!(landed_lines, vec![2, cases.len() as u64 + 3]);
    }

    #[test]
    fn columns_are_found_by_name_whatever_the_order_case_bom_quotes_and_line_ends() {
        // The header reversed, in capitals, with a BOM; CRLF line ends; quoted fields.
        let mut names: Vec<String> = COLUMNS.iter().map(|c| c.to_uppercase()).collect();
        names.reverse();
        names.insert(3, " catatan ".to_string());
        let reorder = |line: &str| {
            let mut fields: Vec<String> = line.split(';').map(str::to_string).collect();
            fields.reverse();
            fields.insert(3, "\"catatan; \"\"bebas\"\"\"".to_string());
            fields.join(";")
        };
        let text = format!(
            "\u{feff}{}\r\n{}\r\n\r\n{}\r\n",
            names.join(" ; "),
            reorder(GOOD[0]),
            reorder(GOOD[2]).replace("INT", "\" INT \"")
        );
        let output = run(&text);
        assert!(output.rejects.is_empty(), "{:?}", output.rejects);
        let expected = landed(&run(&file(&[GOOD[0], "", GOOD[2]])));
        assert_eq!(landed(&output), expected);
        assert_eq!(expected[1].1["terminal"], "INT");
    }

    #[test]
    fn a_missing_or_doubled_column_rejects_every_record_naming_it() {
        let header = HEADER.replace("waktu_selesai", "waktu_akhir");
        let text = format!("{header}\n{}\n{}\n", GOOD[0], GOOD[1]);
        let output = run(&text);
        assert_eq!((output.rows_in, output.rows_landed()), (2, 0));
        assert_eq!(
            output
                .rejects
                .iter()
                .map(|r| r.record_number)
                .collect::<Vec<_>>(),
            vec![2, 3]
        );
        assert!(
            output.rejects[0]
                .reason
                .starts_with("schema: the header has no column waktu_selesai;"),
            "{}",
            output.rejects[0].reason
        );
        let header = format!("{HEADER};Terminal");
        let text = format!("{header}\n{};T9\n", GOOD[0]);
        let output = run(&text);
        assert!(
            output.rejects[0]
                .reason
                .contains("names column terminal more than once")
        );
        let output = run_block(b"no_pemeriksaan;\xff\nBC-1;CGK\n", Some(&key()), 1, None).unwrap();
        assert_eq!((output.rows_in, output.rejects.len()), (1, 1));
        assert!(
            output.rejects[0]
                .reason
                .starts_with("encoding: the header (line 1)")
        );
    }

    #[test]
    fn blank_lines_and_repeated_headers_are_not_records() {
        let text = format!(
            "{HEADER}\n\n{}\n   \n{}\n{HEADER}\n{}\n",
            GOOD[0],
            HEADER.to_uppercase(),
            GOOD[1]
        );
        let output = run(&text);
        assert_eq!((output.rows_in, output.rows_landed()), (2, 2));
        let lines: Vec<u64> = landed(&output).iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, vec![3, 7]);
        assert_eq!(run("").rows_in, 0);
        assert_eq!(run(HEADER).rows_in, 0);
    }

    #[test]
    fn streamed_blocks_give_the_same_rows_and_rejects_as_the_whole_file() {
        let bad = GOOD[1].replace("HIJAU", "BIRU");
        let text = format!(
            "\u{feff}{HEADER}\r\n{}\r\n{bad}\r\n\r\n{}\r\n{}\r\n",
            GOOD[0], GOOD[2], GOOD[3]
        );
        let key = key();
        let whole = run_block(text.as_bytes(), Some(&key), 1, None).unwrap();
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let header = lines[0];
        for split in 1..lines.len() {
            let head = lines[..split].concat();
            let tail = lines[split..].concat();
            let first = run_block(head.as_bytes(), Some(&key), 1, None).unwrap();
            let second =
                run_block(tail.as_bytes(), Some(&key), split as u64 + 1, Some(header)).unwrap();
            let mut rows = landed(&first);
            rows.extend(landed(&second));
            rows.sort_by_key(|(line, _)| *line);
            let mut expected = landed(&whole);
            expected.sort_by_key(|(line, _)| *line);
            assert_eq!(rows, expected, "split before line {}", split + 1);
            let mut rejects = first.rejects.clone();
            rejects.extend(second.rejects.clone());
            assert_eq!(rejects, whole.rejects);
            assert_eq!(first.rows_in + second.rows_in, whole.rows_in);
        }
        assert_eq!((whole.rows_in, whole.rows_landed()), (4, 3));
        assert_eq!(whole.rejects[0].record_number, 3);
    }

    #[test]
    fn daylight_saving_gaps_are_rejected_and_repeated_times_take_the_earlier_instant() {
        let jfk =
            |start: &str, end: &str| format!("BC-JFK-1;JFK;T4;HIJAU;{start};{end};DILEPAS;;;;;;;");
        let text = file(&[
            // 02:30 on 8 March 2026 does not exist in New York.
            &jfk("08/03/2026 02:30:00", "08/03/2026 03:10:00"),
            // 01:30 on 1 November 2026 happens twice: EDT (05:30 UTC), then EST (06:30 UTC).
            &jfk("01/11/2026 01:30:00", "01/11/2026 01:40:00"),
            // Ends in the repeated hour, after the clocks fell back.
            &jfk("01/11/2026 01:50:00", "01/11/2026 01:10:00"),
        ]);
        let output = run(&text);
        assert!(accounted(&output));
        assert_eq!(output.rejects.len(), 1);
        assert!(
            output.rejects[0]
                .reason
                .contains("'08/03/2026 02:30:00' does not exist in America/New_York"),
            "{}",
            output.rejects[0].reason
        );
        let rows = landed(&output);
        assert_eq!(rows[0].1["started_at"], "2026-11-01T05:30:00Z");
        assert_eq!(rows[0].1["hour_start"], "2026-11-01T05:00:00Z");
        assert_eq!(rows[0].1["local_hour"], "1");
        assert_eq!(rows[1].1["started_at"], "2026-11-01T05:50:00Z");
        assert_eq!(rows[1].1["ended_at"], "2026-11-01T06:10:00Z");
    }

    #[test]
    fn numbers_use_a_decimal_comma_and_dot_thousands_groups_only() {
        for (text, value) in [
            ("12.500.000,00", 12_500_000.0),
            ("0,87", 0.87),
            ("1250000", 1_250_000.0),
            ("1.250", 1250.0),
            ("999,5", 999.5),
            ("-3,5", -3.5),
            ("-0", 0.0),
        ] {
            assert_eq!(decimal("x", text), Ok(value), "{text}");
        }
        for text in [
            "1,2,3", "12.50", "1.2345", "1234.567", ".500", "1..000", ",5", "12,", "1 000", "+1",
            "--1", "-", "1e5", "0x10", "١٢",
        ] {
            let reason = decimal("x", text).unwrap_err();
            assert!(reason.starts_with("type: x"), "{text}: {reason}");
        }
        let huge = "9".repeat(400);
        assert!(decimal("x", &huge).unwrap_err().starts_with("range:"));
    }

    #[test]
    fn times_are_read_exactly_with_or_without_seconds() {
        let t = |text: &str| local_time("t", text).map(|t| t.to_string());
        assert_eq!(t("20/10/2026 07:41:05").unwrap(), "2026-10-20 07:41:05");
        assert_eq!(t("20/10/2026 07:41").unwrap(), "2026-10-20 07:41:00");
        for bad in [
            "2/10/2026 07:41:05",
            "20/10/26 07:41:05",
            "20-10-2026 07:41:05",
            "20/10/2026T07:41:05",
            "20/10/2026 07:41:05.5",
            "20/10/2026 07:41:5 ",
            "20/10/2026",
            "",
        ] {
            assert!(t(bad).unwrap_err().starts_with("type:"), "{bad}");
        }
        assert!(t("29/02/2026 00:00").unwrap_err().starts_with("range:"));
        assert!(t("20/10/2026 23:59:60").unwrap_err().starts_with("range:"));
    }

    /// Applies one random mutation to `bytes`.
    fn mutate(bytes: &mut Vec<u8>, rng: &mut ChaCha8Rng) {
        const INTERESTING: &[u8] = b";;\"\n\r,.-0123456789/: \xff\xc3";
        let len = bytes.len();
        match rng.random_range(0..6) {
            0 => bytes.truncate(rng.random_range(0..=len)),
            1 if len > 0 => {
                let at = rng.random_range(0..len);
                bytes[at] = rng.random();
            }
            2 => {
                let at = rng.random_range(0..=len);
                let byte = if rng.random_bool(0.7) {
                    INTERESTING[rng.random_range(0..INTERESTING.len())]
                } else {
                    rng.random()
                };
                bytes.insert(at, byte);
            }
            3 if len > 0 => {
                let from = rng.random_range(0..len);
                let to = (from + rng.random_range(1..8)).min(len);
                bytes.drain(from..to);
            }
            4 => {
                // Swap two fields of one line.
                let text = String::from_utf8_lossy(bytes).into_owned();
                let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
                let line = rng.random_range(0..lines.len());
                let mut fields: Vec<&str> = lines[line].split(';').collect();
                let (a, b) = (
                    rng.random_range(0..fields.len()),
                    rng.random_range(0..fields.len()),
                );
                fields.swap(a, b);
                lines[line] = fields.join(";");
                *bytes = lines.join("\n").into_bytes();
            }
            _ => {
                // Repeat a line elsewhere.
                let text = String::from_utf8_lossy(bytes).into_owned();
                let mut lines: Vec<&str> = text.split('\n').collect();
                let line = lines[rng.random_range(0..lines.len())];
                lines.insert(rng.random_range(0..=lines.len()), line);
                *bytes = lines.join("\n").into_bytes();
            }
        }
    }

    #[test]
    fn random_mutations_never_panic_and_every_record_is_accounted_for() {
        let sample = file(&GOOD).into_bytes();
        let key = key();
        let mut rng = ChaCha8Rng::seed_from_u64(20261020);
        let categories = [
            "schema:",
            "type:",
            "range:",
            "time order:",
            "unknown code:",
            "encoding:",
            "unknown port",
        ];
        for round in 0..3000 {
            let mut bytes = sample.clone();
            for _ in 0..rng.random_range(1..5) {
                mutate(&mut bytes, &mut rng);
            }
            let output = run_block(&bytes, Some(&key), 1, None).unwrap();
            assert!(accounted(&output), "round {round}: {output:?}");
            let lines = bytes.split(|b| *b == b'\n').count() as u64;
            for reject in &output.rejects {
                assert!((2..=lines).contains(&reject.record_number), "round {round}");
                assert!(
                    categories.iter().any(|c| reject.reason.starts_with(c)),
                    "round {round}: {}",
                    reject.reason
                );
            }
            for part in &output.partitions {
                assert_eq!(part.records.len(), part.batch.num_rows());
            }
            // The same bytes streamed in two blocks account for the same records.
            let split = rng.random_range(1..=lines) as usize;
            let mut parts = bytes.split(|b| *b == b'\n');
            let header = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
            let tail: Vec<&[u8]> = parts.collect();
            let (head, rest) = tail.split_at((split - 1).min(tail.len()));
            let mut first = header.clone().into_bytes();
            for line in head {
                first.push(b'\n');
                first.extend_from_slice(line);
            }
            let second = rest.join(&b'\n');
            let a = run_block(&first, Some(&key), 1, None).unwrap();
            let b = run_block(&second, Some(&key), split as u64 + 1, Some(&header)).unwrap();
            assert!(accounted(&a) && accounted(&b), "round {round}");
            if bytes.starts_with(header.as_bytes()) {
                assert_eq!(a.rows_in + b.rows_in, output.rows_in, "round {round}");
            }
        }
    }
}
