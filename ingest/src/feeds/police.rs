//! Police / security: one JSON document per port and local night with incidents and joint
//! operations, times in ISO-8601 with an offset
//! (`polri_<PORT>_<YYYYMMDD>[_<YYYYMMDDTHHMMSSZ>].json`).
//!
//! ```json
//! {"kode_tpi": "CGK", "tanggal": "2026-10-20", "dibuat": "2026-10-21T01:05:00+07:00",
//!  "insiden": [
//!    {"id": "POL-CGK-20261020-001", "kategori": "narkotika", "terminal": "T3",
//!     "dilaporkan": "2026-10-20T14:03:00+07:00", "ditanggapi": "2026-10-20T14:09:30+07:00",
//!     "ditutup": "2026-10-20T16:40:00+07:00", "operasi_gabungan": "OPG-CGK-20261020-01",
//!     "lajur_dihentikan": 0}],
//!  "operasi_gabungan": [
//!    {"id": "OPG-CGK-20261020-01", "nama": "Operasi Bersinar", "terminal": "T3",
//!     "mulai": "2026-10-20T13:30:00+07:00", "selesai": "2026-10-20T15:45:00+07:00",
//!     "instansi": ["POLRI", "IMIGRASI", "BEA_CUKAI"], "lajur_dihentikan": 4}]}
//! ```
//! - Offsets may be any (`+07:00`, `+08:00`, `Z`; `+0700` is read too); a time without an
//!   offset is rejected. Seconds may carry a fraction.
//! - `kategori`: `pencurian` (theft), `narkotika` (narcotics), `perdagangan_orang`
//!   (trafficking), `pemalsuan_dokumen` (document fraud), `ancaman_keamanan` (security
//!   threat), `daftar_pencarian` (wanted-list match).
//! - `ditanggapi` / `ditutup` may be null (not yet responded / still open); `terminal` may
//!   be null or empty (the whole port); `operasi_gabungan` on an incident is null or an
//!   operation id. The operation may be in this document or in an earlier night's: an id
//!   this document does not hold still lands, with a `police_unknown_operation` finding.
//! - `instansi`: `POLRI`, `IMIGRASI`, `BEA_CUKAI`, `KARANTINA`, `OTORITAS`, at least one.
//! - `lajur_dihentikan`: a whole number of lanes, 0 to 200.
//! - Responded and closed are not before reported, closed not before responded, and an
//!   operation ends after it starts; no incident or operation spans more than 7 days.
//! - The document holds `kode_tpi` and, optionally, `tanggal`, `dibuat` (both informational,
//!   not checked), `insiden` and `operasi_gabungan` (missing or null: none). Any other key,
//!   or a key of the wrong type, rejects the document, so that a renamed array cannot pass
//!   as an empty one. An unknown `kode_tpi` rejects every incident and operation.
//! - Records are numbered through the document: the incidents first (1, 2, ...), then the
//!   operations; a reject's raw record is the element's JSON (re-serialised, so its keys
//!   come out in alphabetical order).
//! - A document that does not parse (truncated, wrong encoding) or does not have the shape
//!   above is one rejected record holding the whole text, with the parser's line and column.
//!
//! Lands in `incidents` (by the local time it was reported) and `joint_operations` (by the
//! local time it started).

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use datafusion::arrow::array::{
    ArrayRef, Date32Array, Int32Array, RecordBatch, StringArray, TimestampMillisecondArray,
};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{Number, Value};

use super::{ByPartition, FeedContext, FeedOutput, Finding, PartitionBatch, Reject};
use crate::error::Result;
use crate::reference::PortRegistry;
use crate::schema::Table;

/// Longer than this from report to closure, or from start to end, is a broken record.
const MAX_SPAN_DAYS: i64 = 7;

/// More halted lanes than this is not a plausible count for any port.
const MAX_LANES: i64 = 200;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    kode_tpi: String,
    #[serde(rename = "tanggal")]
    _tanggal: Option<IgnoredAny>,
    #[serde(rename = "dibuat")]
    _dibuat: Option<IgnoredAny>,
    insiden: Option<Vec<Value>>,
    operasi_gabungan: Option<Vec<Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IncidentRecord {
    id: String,
    kategori: String,
    terminal: Option<String>,
    dilaporkan: String,
    ditanggapi: Option<String>,
    ditutup: Option<String>,
    operasi_gabungan: Option<String>,
    lajur_dihentikan: Number,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OperationRecord {
    id: String,
    nama: String,
    terminal: Option<String>,
    mulai: String,
    selesai: String,
    instansi: Vec<String>,
    lajur_dihentikan: Number,
}

/// One canonical `incidents` row.
#[derive(Debug)]
struct Incident {
    record: u64,
    local_hour: i32,
    hour_start: i64,
    terminal: Option<String>,
    incident_id: String,
    category: &'static str,
    reported_at: i64,
    responded_at: Option<i64>,
    closed_at: Option<i64>,
    operation_id: Option<String>,
    lanes_halted: i32,
}

/// One canonical `joint_operations` row.
#[derive(Debug)]
struct Operation {
    record: u64,
    local_hour: i32,
    hour_start: i64,
    terminal: Option<String>,
    operation_id: String,
    name: String,
    started_at: i64,
    ended_at: i64,
    agencies: String,
    lanes_halted: i32,
}

/// Where a row belongs: the port's local calendar of its locating time.
#[derive(Debug)]
struct Located {
    local_date: NaiveDate,
    local_hour: i32,
    hour_start: i64,
}

pub(super) fn convert(bytes: &[u8], context: &FeedContext<'_>) -> Result<FeedOutput> {
    let mut output = FeedOutput::default();
    let document = match read_document(bytes) {
        Ok(document) => document,
        Err(reason) => {
            output.rows_in = 1;
            output.rejects.push(Reject {
                record_number: 1,
                reason,
                raw: String::from_utf8_lossy(bytes).into_owned(),
            });
            return Ok(output);
        }
    };
    let incidents = document.insiden.unwrap_or_default();
    let operations = document.operasi_gabungan.unwrap_or_default();
    output.rows_in = (incidents.len() + operations.len()) as u64;
    let code = document.kode_tpi.trim().to_uppercase();
    let Some(port) = context.registry.get(&code) else {
        let reason = PortRegistry::unknown_port_reason(&document.kode_tpi);
        for (index, element) in incidents.iter().chain(&operations).enumerate() {
            output.rejects.push(Reject {
                record_number: index as u64 + 1,
                reason: reason.clone(),
                raw: element.to_string(),
            });
        }
        return Ok(output);
    };
    let known_operations: HashSet<&str> = operations
        .iter()
        .filter_map(|op| op.get("id").and_then(Value::as_str))
        .map(str::trim)
        .collect();

    let mut incident_rows: ByPartition<Incident> = ByPartition::new();
    for (index, element) in incidents.iter().enumerate() {
        let record = index as u64 + 1;
        match incident(element, port.zone) {
            Ok((located, row)) => {
                if let Some(operation) = &row.operation_id
                    && !known_operations.contains(operation.as_str())
                {
                    output.findings.push(Finding {
                        record_number: record,
                        check_name: "police_unknown_operation",
                        declared: None,
                        computed: None,
                        message: format!(
                            "incident {} names joint operation '{operation}', which this \
                             document does not hold; it landed, but the operation should be \
                             in an earlier night's export",
                            row.incident_id
                        ),
                    });
                }
                incident_rows
                    .entry((port.code.clone(), located.local_date))
                    .or_default()
                    .push(Incident { record, ..row });
            }
            Err(reason) => output.rejects.push(Reject {
                record_number: record,
                reason,
                raw: element.to_string(),
            }),
        }
    }

    let mut operation_rows: ByPartition<Operation> = ByPartition::new();
    for (index, element) in operations.iter().enumerate() {
        let record = (incidents.len() + index) as u64 + 1;
        match operation(element, port.zone) {
            Ok((located, row)) => operation_rows
                .entry((port.code.clone(), located.local_date))
                .or_default()
                .push(Operation { record, ..row }),
            Err(reason) => output.rejects.push(Reject {
                record_number: record,
                reason,
                raw: element.to_string(),
            }),
        }
    }

    for ((port, local_date), mut rows) in incident_rows {
        rows.sort_by(|a, b| (a.reported_at, &a.incident_id).cmp(&(b.reported_at, &b.incident_id)));
        output.partitions.push(PartitionBatch {
            table: Table::Incidents,
            batch: incidents_batch(&port, local_date, &rows)?,
            port,
            local_date,
            records: rows.iter().map(|r| r.record).collect(),
        });
    }
    for ((port, local_date), mut rows) in operation_rows {
        rows.sort_by(|a, b| (a.started_at, &a.operation_id).cmp(&(b.started_at, &b.operation_id)));
        output.partitions.push(PartitionBatch {
            table: Table::JointOperations,
            batch: operations_batch(&port, local_date, &rows)?,
            port,
            local_date,
            records: rows.iter().map(|r| r.record).collect(),
        });
    }
    Ok(output)
}

/// Parses the whole document, or says why it cannot be read.
fn read_document(bytes: &[u8]) -> std::result::Result<Document, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let good = bytes.get(..e.valid_up_to()).unwrap_or_default();
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let column = good.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        format!(
            "encoding: the document is not valid UTF-8 (bad byte at line {line} column \
             {column}); the export must be written in UTF-8"
        )
    })?;
    let value: Value = serde_json::from_str(text)
        .map_err(|e| format!("schema: the document is not valid JSON: {e}"))?;
    serde_json::from_value(value).map_err(|e| {
        format!(
            "schema: the document is not a police export (an object with kode_tpi, insiden \
             and operasi_gabungan): {e}"
        )
    })
}

fn incident(element: &Value, zone: Tz) -> std::result::Result<(Located, Incident), String> {
    let record = IncidentRecord::deserialize(element)
        .map_err(|e| format!("schema: incident (element of insiden): {e}"))?;
    let incident_id = required_text("id", &record.id)?;
    let category = one_of(
        "kategori",
        &record.kategori,
        &[
            ("pencurian", "theft"),
            ("narkotika", "narcotics"),
            ("perdagangan_orang", "trafficking"),
            ("pemalsuan_dokumen", "document_fraud"),
            ("ancaman_keamanan", "security_threat"),
            ("daftar_pencarian", "wanted_list"),
        ],
    )?;
    let operation_id = match record.operasi_gabungan.as_deref().map(str::trim) {
        None => None,
        Some("") => {
            return Err(
                "schema: operasi_gabungan is empty; it is null when the incident \
                        is not part of a joint operation"
                    .to_string(),
            );
        }
        Some(id) => Some(id.to_string()),
    };
    let lanes_halted = lanes(&record.lajur_dihentikan)?;
    let reported = time("dilaporkan", &record.dilaporkan)?;
    let responded = record
        .ditanggapi
        .as_deref()
        .map(|t| time("ditanggapi", t))
        .transpose()?;
    let closed = record
        .ditutup
        .as_deref()
        .map(|t| time("ditutup", t))
        .transpose()?;
    let reported_field = ("dilaporkan", &record.dilaporkan, reported);
    if let (Some(at), Some(text)) = (responded, &record.ditanggapi) {
        not_before(("ditanggapi", text, at), reported_field)?;
        within_span(reported_field, ("ditanggapi", text, at))?;
    }
    if let (Some(at), Some(text)) = (closed, &record.ditutup) {
        not_before(("ditutup", text, at), reported_field)?;
        if let (Some(responded), Some(responded_text)) = (responded, &record.ditanggapi) {
            not_before(
                ("ditutup", text, at),
                ("ditanggapi", responded_text, responded),
            )?;
        }
        within_span(reported_field, ("ditutup", text, at))?;
    }
    let located = locate(reported, zone);
    let row = Incident {
        record: 0,
        local_hour: located.local_hour,
        hour_start: located.hour_start,
        terminal: optional_text(record.terminal.as_deref()),
        incident_id,
        category,
        reported_at: reported.timestamp_millis(),
        responded_at: responded.map(|t| t.timestamp_millis()),
        closed_at: closed.map(|t| t.timestamp_millis()),
        operation_id,
        lanes_halted,
    };
    Ok((located, row))
}

fn operation(element: &Value, zone: Tz) -> std::result::Result<(Located, Operation), String> {
    let record = OperationRecord::deserialize(element)
        .map_err(|e| format!("schema: joint operation (element of operasi_gabungan): {e}"))?;
    let operation_id = required_text("id", &record.id)?;
    let name = required_text("nama", &record.nama)?;
    let mut agencies = BTreeSet::new();
    for code in &record.instansi {
        agencies.insert(one_of(
            "instansi",
            code,
            &[
                ("POLRI", "police"),
                ("IMIGRASI", "immigration"),
                ("BEA_CUKAI", "customs"),
                ("KARANTINA", "quarantine"),
                ("OTORITAS", "authority"),
            ],
        )?);
    }
    if agencies.is_empty() {
        return Err(
            "schema: instansi is empty; a joint operation names the agencies taking part"
                .to_string(),
        );
    }
    let lanes_halted = lanes(&record.lajur_dihentikan)?;
    let started = time("mulai", &record.mulai)?;
    let ended = time("selesai", &record.selesai)?;
    if ended <= started {
        return Err(format!(
            "time order: the operation ends (selesai {}) no later than it starts (mulai {})",
            record.selesai, record.mulai
        ));
    }
    within_span(
        ("mulai", &record.mulai, started),
        ("selesai", &record.selesai, ended),
    )?;
    let located = locate(started, zone);
    let row = Operation {
        record: 0,
        local_hour: located.local_hour,
        hour_start: located.hour_start,
        terminal: optional_text(record.terminal.as_deref()),
        operation_id,
        name,
        started_at: started.timestamp_millis(),
        ended_at: ended.timestamp_millis(),
        agencies: agencies.into_iter().collect::<Vec<_>>().join(","),
        lanes_halted,
    };
    Ok((located, row))
}

fn required_text(field: &str, value: &str) -> std::result::Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(format!("schema: {field} is empty"));
    }
    Ok(value.to_string())
}

/// A terminal: null or blank means the whole port.
fn optional_text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

fn one_of(
    field: &str,
    value: &str,
    choices: &[(&str, &'static str)],
) -> std::result::Result<&'static str, String> {
    choices
        .iter()
        .find(|(native, _)| native.eq_ignore_ascii_case(value.trim()))
        .map(|(_, canonical)| *canonical)
        .ok_or_else(|| {
            let allowed: Vec<&str> = choices.iter().map(|(native, _)| *native).collect();
            format!(
                "unknown code: {field} is '{value}', expected one of {}",
                allowed.join(", ")
            )
        })
}

fn lanes(number: &Number) -> std::result::Result<i32, String> {
    match number.as_i64() {
        Some(n) if (0..=MAX_LANES).contains(&n) => Ok(n as i32),
        _ if number.is_f64() => Err(format!(
            "type: lajur_dihentikan = {number} is not a whole number of lanes"
        )),
        _ => Err(format!(
            "range: lajur_dihentikan = {number} is outside 0 to {MAX_LANES} lanes"
        )),
    }
}

/// An ISO-8601 time with an offset, as a plausible UTC instant.
fn time(field: &str, text: &str) -> std::result::Result<DateTime<Utc>, String> {
    let trimmed = text.trim();
    let parsed = DateTime::parse_from_rfc3339(trimmed)
        .or_else(|_| DateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .map_err(|_| {
            let naive = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
                .iter()
                .any(|format| NaiveDateTime::parse_from_str(trimmed, format).is_ok());
            if naive {
                format!(
                    "type: {field} '{text}' has no UTC offset; the police feed gives every time \
                     with one (for example 2026-10-20T14:03:00+07:00)"
                )
            } else {
                format!(
                    "type: {field} '{text}' is not an ISO-8601 time with an offset (for \
                     example 2026-10-20T14:03:00+07:00)"
                )
            }
        })?;
    let utc = parsed.with_timezone(&Utc);
    super::plausible_millis(utc.timestamp_millis())
        .ok_or_else(|| format!("range: {field} '{text}' is not a time between 2000 and 2100"))
}

/// Fails when `later` is before `earlier`; each is (field, text as given, instant).
fn not_before(
    later: (&str, &String, DateTime<Utc>),
    earlier: (&str, &String, DateTime<Utc>),
) -> std::result::Result<(), String> {
    if later.2 < earlier.2 {
        return Err(format!(
            "time order: {} ({}) is before {} ({})",
            later.0, later.1, earlier.0, earlier.1
        ));
    }
    Ok(())
}

fn within_span(
    from: (&str, &String, DateTime<Utc>),
    to: (&str, &String, DateTime<Utc>),
) -> std::result::Result<(), String> {
    if to.2 - from.2 > TimeDelta::days(MAX_SPAN_DAYS) {
        return Err(format!(
            "range: {} ({}) is {:.1} days after {} ({}); more than {MAX_SPAN_DAYS} days is not \
             plausible",
            to.0,
            to.1,
            (to.2 - from.2).num_minutes() as f64 / 1440.0,
            from.0,
            from.1
        ));
    }
    Ok(())
}

/// The port's local date and hour of `at`, and the UTC start of that local hour.
fn locate(at: DateTime<Utc>, zone: Tz) -> Located {
    let (local_date, local_hour, hour_start) = super::locate(at, zone);
    Located {
        local_date,
        local_hour,
        hour_start,
    }
}

fn days_since_epoch(date: NaiveDate) -> i32 {
    date.signed_duration_since(NaiveDate::default()).num_days() as i32
}

fn millis_column(values: impl Iterator<Item = Option<i64>>) -> ArrayRef {
    Arc::new(TimestampMillisecondArray::from_iter(values).with_timezone("UTC"))
}

fn incidents_batch(port: &str, local_date: NaiveDate, rows: &[Incident]) -> Result<RecordBatch> {
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(vec![port; rows.len()])),
        Arc::new(Date32Array::from(vec![
            days_since_epoch(local_date);
            rows.len()
        ])),
        Arc::new(Int32Array::from_iter_values(
            rows.iter().map(|r| r.local_hour),
        )),
        millis_column(rows.iter().map(|r| Some(r.hour_start))),
        Arc::new(StringArray::from_iter(
            rows.iter().map(|r| r.terminal.as_deref()),
        )),
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|r| r.incident_id.as_str()),
        )),
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|r| r.category),
        )),
        millis_column(rows.iter().map(|r| Some(r.reported_at))),
        millis_column(rows.iter().map(|r| r.responded_at)),
        millis_column(rows.iter().map(|r| r.closed_at)),
        Arc::new(StringArray::from_iter(
            rows.iter().map(|r| r.operation_id.as_deref()),
        )),
        Arc::new(Int32Array::from_iter_values(
            rows.iter().map(|r| r.lanes_halted),
        )),
    ];
    Ok(RecordBatch::try_new(Table::Incidents.schema(), columns)?)
}

fn operations_batch(port: &str, local_date: NaiveDate, rows: &[Operation]) -> Result<RecordBatch> {
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(vec![port; rows.len()])),
        Arc::new(Date32Array::from(vec![
            days_since_epoch(local_date);
            rows.len()
        ])),
        Arc::new(Int32Array::from_iter_values(
            rows.iter().map(|r| r.local_hour),
        )),
        millis_column(rows.iter().map(|r| Some(r.hour_start))),
        Arc::new(StringArray::from_iter(
            rows.iter().map(|r| r.terminal.as_deref()),
        )),
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|r| r.operation_id.as_str()),
        )),
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|r| r.name.as_str()),
        )),
        millis_column(rows.iter().map(|r| Some(r.started_at))),
        millis_column(rows.iter().map(|r| Some(r.ended_at))),
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|r| r.agencies.as_str()),
        )),
        Arc::new(Int32Array::from_iter_values(
            rows.iter().map(|r| r.lanes_halted),
        )),
    ];
    Ok(RecordBatch::try_new(
        Table::JointOperations.schema(),
        columns,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use datafusion::arrow::array::Array;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    const INCIDENT: &str = r#"{"id": "POL-CGK-20261020-001", "kategori": "narkotika",
     "terminal": "T3", "dilaporkan": "2026-10-20T14:03:00+07:00",
     "ditanggapi": "2026-10-20T14:09:30+07:00", "ditutup": "2026-10-20T16:40:00+07:00",
     "operasi_gabungan": "OPG-CGK-20261020-01", "lajur_dihentikan": 0}"#;

    const OPERATION: &str = r#"{"id": "OPG-CGK-20261020-01", "nama": "Operasi Bersinar",
     "terminal": "T3", "mulai": "2026-10-20T13:30:00+07:00", "selesai": "2026-10-20T15:45:00+07:00",
     "instansi": ["POLRI", "IMIGRASI", "BEA_CUKAI", "POLRI"], "lajur_dihentikan": 4}"#;

    fn document(port: &str, incidents: &[String], operations: &[String]) -> String {
        format!(
            "{{\"kode_tpi\": \"{port}\", \"tanggal\": \"2026-10-20\", \
             \"dibuat\": \"2026-10-21T01:05:00+07:00\",\n \"insiden\": [{}],\n \
             \"operasi_gabungan\": [{}]}}\n",
            incidents.join(",\n"),
            operations.join(",\n")
        )
    }

    fn run(bytes: &[u8]) -> FeedOutput {
        let registry = PortRegistry::embedded();
        let context = FeedContext::whole_file(&registry, None, "polri_CGK_20261020.json");
        let out = convert(bytes, &context).unwrap();
        assert_accounting(&out);
        out
    }

    fn assert_accounting(out: &FeedOutput) {
        assert_eq!(out.rows_in, out.rows_landed() + out.rejects.len() as u64);
        for part in &out.partitions {
            assert_eq!(part.records.len(), part.batch.num_rows());
            assert_eq!(part.batch.schema(), part.table.schema());
        }
    }

    fn partition<'a>(out: &'a FeedOutput, table: Table, date: &str) -> &'a PartitionBatch {
        out.partitions
            .iter()
            .find(|p| p.table == table && p.local_date.to_string() == date)
            .unwrap()
    }

    fn texts(part: &PartitionBatch, column: &str) -> Vec<Option<String>> {
        let array = part.batch.column_by_name(column).unwrap();
        let array = array.as_any().downcast_ref::<StringArray>().unwrap();
        (0..array.len())
            .map(|i| array.is_valid(i).then(|| array.value(i).to_string()))
            .collect()
    }

    fn ints(part: &PartitionBatch, column: &str) -> Vec<i32> {
        let array = part.batch.column_by_name(column).unwrap();
        let array = array.as_any().downcast_ref::<Int32Array>().unwrap();
        array.values().to_vec()
    }

    fn millis(part: &PartitionBatch, column: &str) -> Vec<Option<i64>> {
        let array = part.batch.column_by_name(column).unwrap();
        let array = array
            .as_any()
            .downcast_ref::<TimestampMillisecondArray>()
            .unwrap();
        (0..array.len())
            .map(|i| array.is_valid(i).then(|| array.value(i)))
            .collect()
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn good_document_lands_incidents_and_operations_in_local_partitions() {
        let text = document("CGK", &[INCIDENT.to_string()], &[OPERATION.to_string()]);
        let out = run(text.as_bytes());
        assert_eq!((out.rows_in, out.rows_landed()), (2, 2));
        assert!(out.rejects.is_empty() && out.findings.is_empty());

        let incidents = partition(&out, Table::Incidents, "2026-10-20");
        assert_eq!(incidents.port, "CGK");
        assert_eq!(incidents.records, vec![1]);
        assert_eq!(ints(incidents, "local_hour"), vec![14]);
        // 14:03 WIB (UTC+7) is 07:03 UTC; its local hour starts at 07:00 UTC.
        assert_eq!(
            millis(incidents, "hour_start"),
            vec![Some(utc(2026, 10, 20, 7, 0, 0))]
        );
        assert_eq!(
            millis(incidents, "reported_at"),
            vec![Some(utc(2026, 10, 20, 7, 3, 0))]
        );
        assert_eq!(
            millis(incidents, "closed_at"),
            vec![Some(utc(2026, 10, 20, 9, 40, 0))]
        );
        assert_eq!(texts(incidents, "category"), vec![Some("narcotics".into())]);
        assert_eq!(
            texts(incidents, "operation_id"),
            vec![Some("OPG-CGK-20261020-01".into())]
        );

        let operations = partition(&out, Table::JointOperations, "2026-10-20");
        assert_eq!(operations.records, vec![2]);
        assert_eq!(ints(operations, "local_hour"), vec![13]);
        assert_eq!(ints(operations, "lanes_halted"), vec![4]);
        assert_eq!(
            texts(operations, "agencies"),
            vec![Some("customs,immigration,police".into())]
        );
        assert_eq!(
            millis(operations, "ended_at"),
            vec![Some(utc(2026, 10, 20, 8, 45, 0))]
        );
    }

    #[test]
    fn offsets_plus_eight_and_z_are_both_read_right_at_a_wita_port() {
        let with_offset = INCIDENT
            .replace("2026-10-20T14:03:00+07:00", "2026-10-20T23:30:00+08:00")
            .replace("2026-10-20T14:09:30+07:00", "2026-10-20T16:08:00Z")
            .replace("2026-10-20T16:40:00+07:00", "2026-10-21T00:10:00.250+08:00")
            .replace("\"T3\"", "null")
            .replace("\"OPG-CGK-20261020-01\"", "null");
        let zulu = with_offset
            .replace("2026-10-20T23:30:00+08:00", "2026-10-20T15:30:00Z")
            .replace("-001", "-002");
        let next_day = with_offset
            .replace("2026-10-20T23:30:00+08:00", "2026-10-20T16:05:00Z")
            .replace("-001", "-003");
        let text = document("dps", &[next_day, zulu, with_offset], &[]);
        let out = run(text.as_bytes());
        assert_eq!(
            (out.rows_in, out.rows_landed()),
            (3, 3),
            "{:?}",
            out.rejects
        );

        let day = partition(&out, Table::Incidents, "2026-10-20");
        assert_eq!(day.port, "DPS");
        // Sorted by reported time, then id: the two 23:30 WITA incidents.
        assert_eq!(day.records, vec![3, 2]);
        assert_eq!(ints(day, "local_hour"), vec![23, 23]);
        let start = Some(utc(2026, 10, 20, 15, 0, 0));
        assert_eq!(millis(day, "hour_start"), vec![start, start]);
        assert_eq!(texts(day, "terminal"), vec![None, None]);
        assert_eq!(texts(day, "operation_id"), vec![None, None]);
        assert_eq!(
            millis(day, "closed_at")[0],
            Some(utc(2026, 10, 20, 16, 10, 0) + 250)
        );

        // 16:05 UTC is 00:05 on the next local day in WITA (UTC+8).
        let next = partition(&out, Table::Incidents, "2026-10-21");
        assert_eq!(next.records, vec![1]);
        assert_eq!(ints(next, "local_hour"), vec![0]);
        assert_eq!(
            millis(next, "hour_start"),
            vec![Some(utc(2026, 10, 20, 16, 0, 0))]
        );
    }

    #[test]
    fn times_are_read_with_any_offset_and_refused_without_one() {
        let instant = Some(utc(2026, 10, 20, 7, 3, 0));
        for text in [
            "2026-10-20T14:03:00+07:00",
            "2026-10-20T14:03:00+0700",
            "2026-10-20T15:03:00.000+08:00",
            "2026-10-20T07:03:00Z",
            " 2026-10-20T07:03:00z ",
        ] {
            assert_eq!(
                time("t", text).ok().map(|t| t.timestamp_millis()),
                instant,
                "{text}"
            );
        }
        for (text, reason) in [
            ("2026-10-20T14:03:00", "has no UTC offset"),
            ("2026-10-20 14:03:00", "has no UTC offset"),
            ("20/10/2026 14:03", "is not an ISO-8601 time"),
            ("2026-10-20T14:03:00+25:00", "is not an ISO-8601 time"),
        ] {
            let error = time("t", text).unwrap_err();
            assert!(
                error.starts_with("type: t") && error.contains(reason),
                "{error}"
            );
        }
    }

    #[test]
    fn bad_elements_are_rejected_with_number_and_reason_while_good_ones_land() {
        let incidents = vec![
            INCIDENT.to_string(),
            INCIDENT.replace("narkotika", "penyelundupan"),
            INCIDENT.replace("2026-10-20T14:03:00+07:00", "2026-10-20T14:03:00"),
            INCIDENT.replace("2026-10-20T14:09:30+07:00", "2026-10-20T13:09:30+07:00"),
            INCIDENT.replace("\"lajur_dihentikan\": 0", "\"lajur_dihentikan\": 201"),
            INCIDENT.replace("\"lajur_dihentikan\": 0", "\"lajur_dihentikan\": 2.5"),
            INCIDENT.replace("\"terminal\"", "\"gerbang\""),
            INCIDENT.replace("2026-10-20T16:40:00+07:00", "2026-10-28T16:40:00+07:00"),
            INCIDENT.replace("POL-CGK-20261020-001", " "),
            INCIDENT.replace("2026-10-20T16:40:00+07:00", "2026-10-20T14:05:00+07:00"),
            INCIDENT.replace("2026-10-20T14:03:00+07:00", "1999-12-31T23:00:00Z"),
            "42".to_string(),
        ];
        let operations = vec![
            OPERATION.replace("2026-10-20T15:45:00+07:00", "2026-10-20T13:30:00+07:00"),
            OPERATION.replace("BEA_CUKAI", "TNI"),
            OPERATION.replace("\"POLRI\", \"IMIGRASI\", \"BEA_CUKAI\", \"POLRI\"", ""),
            OPERATION.to_string(),
        ];
        let text = document("CGK", &incidents, &operations);
        let out = run(text.as_bytes());
        assert_eq!((out.rows_in, out.rows_landed()), (16, 2));
        let reasons: Vec<(u64, &str)> = out
            .rejects
            .iter()
            .map(|r| (r.record_number, r.reason.as_str()))
            .collect();
        let expected: [(u64, &str); 14] = [
            (
                2,
                "unknown code: kategori is 'penyelundupan', expected one of pencurian,",
            ),
            (
                3,
                "type: dilaporkan '2026-10-20T14:03:00' has no UTC offset",
            ),
            (
                4,
                "time order: ditanggapi (2026-10-20T13:09:30+07:00) is before dilaporkan",
            ),
            (5, "range: lajur_dihentikan = 201 is outside 0 to 200"),
            (6, "type: lajur_dihentikan = 2.5 is not a whole number"),
            (
                7,
                "schema: incident (element of insiden): unknown field `gerbang`",
            ),
            (
                8,
                "range: ditutup (2026-10-28T16:40:00+07:00) is 8.1 days after dilaporkan",
            ),
            (9, "schema: id is empty"),
            (
                10,
                "time order: ditutup (2026-10-20T14:05:00+07:00) is before ditanggapi",
            ),
            (
                11,
                "range: dilaporkan '1999-12-31T23:00:00Z' is not a time between 2000",
            ),
            (
                12,
                "schema: incident (element of insiden): invalid type: integer `42`",
            ),
            (
                13,
                "time order: the operation ends (selesai 2026-10-20T13:30:00+07:00) no later",
            ),
            (
                14,
                "unknown code: instansi is 'TNI', expected one of POLRI, IMIGRASI,",
            ),
            (15, "schema: instansi is empty"),
        ];
        assert_eq!(reasons.len(), expected.len(), "{reasons:#?}");
        for ((number, reason), (want_number, want)) in reasons.iter().zip(expected) {
            assert_eq!(*number, want_number, "{reason}");
            assert!(reason.starts_with(want), "record {number}: {reason}");
        }
        // The raw record is the element's JSON.
        let raw: Value = serde_json::from_str(&out.rejects[0].raw).unwrap();
        assert_eq!(raw["kategori"], "penyelundupan");
        assert_eq!(out.rejects[10].raw, "42");
        assert_eq!(
            partition(&out, Table::Incidents, "2026-10-20").records,
            vec![1]
        );
        assert_eq!(
            partition(&out, Table::JointOperations, "2026-10-20").records,
            vec![16]
        );
    }

    #[test]
    fn truncated_document_is_one_reject_with_line_and_column() {
        let text = document("CGK", &[INCIDENT.to_string()], &[OPERATION.to_string()]);
        let cut = &text[..text.len() / 2];
        let out = run(cut.as_bytes());
        assert_eq!((out.rows_in, out.rows_landed()), (1, 0));
        let reject = &out.rejects[0];
        assert_eq!(reject.record_number, 1);
        assert!(
            reject
                .reason
                .starts_with("schema: the document is not valid JSON: EOF")
        );
        assert!(reject.reason.contains(" line ") && reject.reason.contains(" column "));
        assert_eq!(reject.raw, cut);
    }

    #[test]
    fn document_in_another_encoding_is_one_encoding_reject() {
        // "T3" becomes "T" and a Latin-1 é, which is not UTF-8.
        let text = document("CGK", &[INCIDENT.replace("\"T3\"", "\"T@\"")], &[]);
        let bytes: Vec<u8> = text
            .bytes()
            .map(|b| if b == b'@' { 0xE9 } else { b })
            .collect();
        let out = run(&bytes);
        assert_eq!((out.rows_in, out.rows_landed()), (1, 0));
        assert!(
            out.rejects[0].reason.starts_with(
                "encoding: the document is not valid UTF-8 (bad byte at line 3 column 20)"
            ),
            "{}",
            out.rejects[0].reason
        );
    }

    #[test]
    fn document_of_the_wrong_shape_is_one_schema_reject() {
        for text in [
            r#"{"kode_tpi": "CGK", "insiden": "none"}"#,
            r#"{"kode_tpi": "CGK", "incidents": []}"#,
            r#"{"insiden": []}"#,
            r#"[{"kode_tpi": "CGK"}]"#,
            "",
        ] {
            let out = run(text.as_bytes());
            assert_eq!((out.rows_in, out.rows_landed()), (1, 0), "{text}");
            assert!(
                out.rejects[0].reason.starts_with("schema: the document"),
                "{text}"
            );
            assert_eq!(out.rejects[0].raw, text);
        }
    }

    #[test]
    fn missing_or_null_arrays_mean_no_records() {
        for text in [
            r#"{"kode_tpi": "CGK"}"#,
            r#"{"kode_tpi": "CGK", "insiden": null, "operasi_gabungan": []}"#,
        ] {
            let out = run(text.as_bytes());
            assert_eq!((out.rows_in, out.rejects.len()), (0, 0), "{text}");
        }
    }

    #[test]
    fn unknown_port_rejects_every_element() {
        let text = document("XYZ", &[INCIDENT.to_string()], &[OPERATION.to_string()]);
        let out = run(text.as_bytes());
        assert_eq!((out.rows_in, out.rows_landed()), (2, 0));
        let numbers: Vec<u64> = out.rejects.iter().map(|r| r.record_number).collect();
        assert_eq!(numbers, vec![1, 2]);
        assert!(
            out.rejects
                .iter()
                .all(|r| r.reason.contains("unknown port 'XYZ'"))
        );
    }

    #[test]
    fn incident_naming_an_operation_not_in_the_document_lands_with_a_finding() {
        let elsewhere = INCIDENT
            .replace("OPG-CGK-20261020-01", "OPG-CGK-20261019-03")
            .replace("-001", "-002");
        let text = document(
            "CGK",
            &[INCIDENT.to_string(), elsewhere],
            &[OPERATION.to_string()],
        );
        let out = run(text.as_bytes());
        assert_eq!((out.rows_in, out.rows_landed()), (3, 3));
        assert_eq!(out.findings.len(), 1);
        let finding = &out.findings[0];
        assert_eq!(finding.check_name, "police_unknown_operation");
        assert_eq!(finding.record_number, 2);
        assert!(finding.message.contains("OPG-CGK-20261019-03"));
    }

    #[test]
    fn random_mutations_never_panic_and_every_record_is_accounted_for() {
        let text = document(
            "DPS",
            &[INCIDENT.to_string(), INCIDENT.replace("-001", "-002")],
            &[OPERATION.to_string()],
        );
        let mut rng = ChaCha8Rng::seed_from_u64(20261020);
        let alphabet = b"{}[]\",:0123456789+-TZ.e \n\\\xff\xc3";
        let mut landed_any = false;
        for _ in 0..3000 {
            let mut bytes = text.as_bytes().to_vec();
            for _ in 0..rng.random_range(1..=3) {
                let at = rng.random_range(0..=bytes.len());
                match rng.random_range(0..4) {
                    0 => bytes.truncate(at),
                    1 if at < bytes.len() => bytes[at] ^= 1 << rng.random_range(0..8),
                    2 => {
                        let byte = alphabet[rng.random_range(0..alphabet.len())];
                        bytes.insert(at, byte);
                    }
                    _ => {
                        let end = (at + rng.random_range(1..20)).min(bytes.len());
                        bytes.drain(at..end);
                    }
                }
            }
            let out = run(&bytes);
            landed_any |= out.rows_landed() > 0;
        }
        assert!(landed_any);
    }
}
