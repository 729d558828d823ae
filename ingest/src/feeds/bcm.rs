//! Immigration BCM traveller records: JSON lines with epoch milliseconds and Indonesian
//! field names, one file per port and local day (`bcm_<PORT>_<YYYYMMDD>.jsonl`).
//!
//! ```json
//! {"id_transaksi":"CGK-20261020-0000001","kode_tpi":"CGK","terminal":"T3","loket":"T3-M07",
//!  "jenis_loket":"manual","arah":"kedatangan","kewarganegaraan":"WNA","negara":"AUS",
//!  "no_penerbangan":"GA717","no_paspor":"PA1234567","nama":"OLIVIA MARTIN",
//!  "waktu_antri":1760930000000,"waktu_loket":1760930420000,"waktu_selesai":1760930510000,
//!  "hasil":"lolos","i247":{"status":"OK","waktu_respons_ms":412,"jenis_notice":null}}
//! ```
//! `waktu_antri` is when the traveller joined the queue, `waktu_loket` when they reached the
//! counter or gate (sometimes not recorded), `waktu_selesai` when they were cleared.
//! Passport number and name are personal data: the number becomes `traveller_key`, the
//! name is dropped.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use datafusion::arrow::array::{
    ArrayRef, Date32Array, Int32Array, RecordBatch, StringArray, StringBuilder,
    TimestampMillisecondArray, UInt64Array,
};
use datafusion::arrow::compute::{SortColumn, lexsort_to_indices, take_record_batch};
use serde::Deserialize;

use super::{FeedContext, FeedOutput, PartitionBatch, Reject, plausible_millis};
use crate::error::{IngestError, Result};
use crate::schema::Table;

/// Longer than this from queue to clearance is a broken record, not a slow day.
const MAX_CLEARANCE_HOURS: i64 = 24;

/// A BCM line as written, borrowing its text from the line where it has no escapes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BcmRecord<'a> {
    #[serde(borrow)]
    id_transaksi: Cow<'a, str>,
    #[serde(borrow)]
    kode_tpi: Cow<'a, str>,
    #[serde(borrow)]
    terminal: Cow<'a, str>,
    #[serde(borrow)]
    loket: Cow<'a, str>,
    #[serde(borrow)]
    jenis_loket: Cow<'a, str>,
    #[serde(borrow)]
    arah: Cow<'a, str>,
    #[serde(borrow)]
    kewarganegaraan: Cow<'a, str>,
    #[serde(borrow)]
    negara: Cow<'a, str>,
    #[serde(borrow)]
    no_penerbangan: Cow<'a, str>,
    #[serde(borrow)]
    no_paspor: Cow<'a, str>,
    /// Accepted so the record validates, and dropped: names never land.
    #[serde(rename = "nama")]
    _nama: serde::de::IgnoredAny,
    waktu_antri: i64,
    waktu_loket: Option<i64>,
    waktu_selesai: i64,
    #[serde(borrow)]
    hasil: Cow<'a, str>,
    #[serde(borrow)]
    i247: I247Check<'a>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct I247Check<'a> {
    #[serde(borrow)]
    status: Cow<'a, str>,
    waktu_respons_ms: Option<i64>,
    #[serde(borrow)]
    jenis_notice: Option<Cow<'a, str>>,
}

/// One canonical `crossings` row, borrowing its text from the record it came from.
#[derive(Debug)]
struct Crossing<'r> {
    local_hour: i32,
    hour_start: i64,
    terminal: &'r str,
    lane: &'r str,
    lane_kind: &'static str,
    direction: &'static str,
    citizenship: &'static str,
    nationality: [u8; 3],
    carrier: &'r str,
    joined_queue_at: i64,
    reached_counter_at: Option<i64>,
    cleared_at: i64,
    outcome: &'static str,
    i247_status: &'static str,
    i247_response_ms: Option<i32>,
    i247_notice: Option<&'static str>,
    record_id: &'r str,
}

/// The rows of one partition (port and local date), column by column: records are
/// appended straight into Arrow builders, with no per-row allocation.
struct Columns {
    port: String,
    local_date: NaiveDate,
    records: Vec<u64>,
    local_hour: Vec<i32>,
    hour_start: Vec<i64>,
    terminal: StringBuilder,
    lane: StringBuilder,
    lane_kind: StringBuilder,
    direction: StringBuilder,
    citizenship: StringBuilder,
    nationality: StringBuilder,
    carrier: StringBuilder,
    joined_queue_at: Vec<i64>,
    reached_counter_at: Vec<Option<i64>>,
    cleared_at: Vec<i64>,
    outcome: StringBuilder,
    i247_status: StringBuilder,
    i247_response_ms: Vec<Option<i32>>,
    i247_notice: StringBuilder,
    traveller_key: StringBuilder,
    record_id: StringBuilder,
}

impl Columns {
    fn new(port: &str, local_date: NaiveDate) -> Columns {
        Columns {
            port: port.to_string(),
            local_date,
            records: Vec::new(),
            local_hour: Vec::new(),
            hour_start: Vec::new(),
            terminal: StringBuilder::new(),
            lane: StringBuilder::new(),
            lane_kind: StringBuilder::new(),
            direction: StringBuilder::new(),
            citizenship: StringBuilder::new(),
            nationality: StringBuilder::new(),
            carrier: StringBuilder::new(),
            joined_queue_at: Vec::new(),
            reached_counter_at: Vec::new(),
            cleared_at: Vec::new(),
            outcome: StringBuilder::new(),
            i247_status: StringBuilder::new(),
            i247_response_ms: Vec::new(),
            i247_notice: StringBuilder::new(),
            traveller_key: StringBuilder::new(),
            record_id: StringBuilder::new(),
        }
    }

    fn push(&mut self, line_number: u64, row: &Crossing<'_>, traveller_key: &str) {
        self.records.push(line_number);
        self.local_hour.push(row.local_hour);
        self.hour_start.push(row.hour_start);
        self.terminal.append_value(row.terminal);
        self.lane.append_value(row.lane);
        self.lane_kind.append_value(row.lane_kind);
        self.direction.append_value(row.direction);
        self.citizenship.append_value(row.citizenship);
        // Checked to be three ASCII capitals.
        self.nationality
            .append_value(std::str::from_utf8(&row.nationality).unwrap_or("???"));
        self.carrier.append_value(row.carrier);
        self.joined_queue_at.push(row.joined_queue_at);
        self.reached_counter_at.push(row.reached_counter_at);
        self.cleared_at.push(row.cleared_at);
        self.outcome.append_value(row.outcome);
        self.i247_status.append_value(row.i247_status);
        self.i247_response_ms.push(row.i247_response_ms);
        self.i247_notice.append_option(row.i247_notice);
        self.traveller_key.append_value(traveller_key);
        self.record_id.append_value(row.record_id);
    }

    /// The partition's batch, ordered by queue time and record id (the order readers
    /// expect for tight row-group statistics); most exports are in that order already.
    fn finish(mut self) -> Result<PartitionBatch> {
        let rows = self.records.len();
        let days = self
            .local_date
            .signed_duration_since(NaiveDate::default())
            .num_days() as i32;
        let millis = |values: Vec<Option<i64>>| -> ArrayRef {
            Arc::new(TimestampMillisecondArray::from(values).with_timezone("UTC"))
        };
        let required = |values: Vec<i64>| -> ArrayRef {
            Arc::new(TimestampMillisecondArray::from(values).with_timezone("UTC"))
        };
        let joined = std::mem::take(&mut self.joined_queue_at);
        let record_id = self.record_id.finish();
        let sorted = (1..rows)
            .all(|i| (joined[i - 1], record_id.value(i - 1)) <= (joined[i], record_id.value(i)));
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(vec![self.port.as_str(); rows])),
            Arc::new(Date32Array::from(vec![days; rows])),
            Arc::new(Int32Array::from(std::mem::take(&mut self.local_hour))),
            required(std::mem::take(&mut self.hour_start)),
            Arc::new(self.terminal.finish()),
            Arc::new(self.lane.finish()),
            Arc::new(self.lane_kind.finish()),
            Arc::new(self.direction.finish()),
            Arc::new(self.citizenship.finish()),
            Arc::new(self.nationality.finish()),
            Arc::new(self.carrier.finish()),
            required(joined),
            millis(std::mem::take(&mut self.reached_counter_at)),
            required(std::mem::take(&mut self.cleared_at)),
            Arc::new(self.outcome.finish()),
            Arc::new(self.i247_status.finish()),
            Arc::new(Int32Array::from(std::mem::take(&mut self.i247_response_ms))),
            Arc::new(self.i247_notice.finish()),
            Arc::new(self.traveller_key.finish()),
            Arc::new(record_id),
        ];
        let mut batch = RecordBatch::try_new(Table::Crossings.schema(), columns)?;
        let mut records = self.records;
        if !sorted {
            let order = lexsort_to_indices(
                &[
                    SortColumn {
                        values: Arc::clone(batch.column(11)),
                        options: None,
                    },
                    SortColumn {
                        values: Arc::clone(batch.column(19)),
                        options: None,
                    },
                    // Ties (a record given twice) keep file order, so that the first copy
                    // lands and the later one is the duplicate.
                    SortColumn {
                        values: Arc::new(UInt64Array::from(records.clone())),
                        options: None,
                    },
                ],
                None,
            )?;
            batch = take_record_batch(&batch, &order)?;
            records = order
                .values()
                .iter()
                .map(|i| records[*i as usize])
                .collect();
        }
        Ok(PartitionBatch {
            table: Table::Crossings,
            port: self.port,
            local_date: self.local_date,
            batch,
            records,
        })
    }
}

pub(super) fn convert(bytes: &[u8], context: &FeedContext<'_>) -> Result<FeedOutput> {
    let mut output = FeedOutput::default();
    let mut partitions: Vec<Columns> = Vec::new();
    let mut key_buffer = [0u8; 32];
    for (index, line) in super::split_lines(bytes).enumerate() {
        let line_number = context.first_line + index as u64;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        output.rows_in += 1;
        let text = match super::utf8_line(line, line_number) {
            Ok(text) => text,
            Err(reject) => {
                output.rejects.push(reject);
                continue;
            }
        };
        let record: BcmRecord<'_> = match serde_json::from_str(text) {
            Ok(record) => record,
            Err(e) => {
                output.rejects.push(Reject {
                    record_number: line_number,
                    reason: format!("schema: {e}"),
                    raw: text.to_string(),
                });
                continue;
            }
        };
        let Some(key) = context.key else {
            return Err(IngestError::MissingPseudonymKey {
                feed: super::Feed::Bcm.name().to_string(),
                file: context.source_file.to_string(),
            });
        };
        match validate(&record, context) {
            Ok((port, local_date, crossing)) => {
                let nationality = std::str::from_utf8(&crossing.nationality).unwrap_or("???");
                let traveller_key =
                    key.write_traveller_key(nationality, &record.no_paspor, &mut key_buffer);
                let at = match partitions
                    .iter()
                    .position(|c| c.local_date == local_date && c.port == port)
                {
                    Some(at) => at,
                    None => {
                        partitions.push(Columns::new(port, local_date));
                        partitions.len() - 1
                    }
                };
                partitions[at].push(line_number, &crossing, traveller_key);
            }
            Err(reason) => output.rejects.push(Reject {
                record_number: line_number,
                reason,
                raw: text.to_string(),
            }),
        }
    }
    partitions.sort_by(|a, b| (&a.port, a.local_date).cmp(&(&b.port, b.local_date)));
    for columns in partitions {
        output.partitions.push(columns.finish()?);
    }
    Ok(output)
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

fn time(field: &str, ms: i64) -> std::result::Result<DateTime<Utc>, String> {
    plausible_millis(ms).ok_or_else(|| {
        format!("range: {field} = {ms} is not a time between 2000 and 2100 in epoch milliseconds")
    })
}

/// Checks a record and gives its partition and row; the reason if it cannot land.
fn validate<'r, 'c>(
    record: &'r BcmRecord<'_>,
    context: &FeedContext<'c>,
) -> std::result::Result<(&'c str, NaiveDate, Crossing<'r>), String> {
    let code = record.kode_tpi.trim();
    let port = context
        .registry
        .get(code)
        .or_else(|| context.registry.get(&code.to_uppercase()))
        .ok_or_else(|| crate::reference::PortRegistry::unknown_port_reason(&record.kode_tpi))?;
    for (field, value) in [
        ("id_transaksi", &*record.id_transaksi),
        ("terminal", &*record.terminal),
        ("loket", &*record.loket),
        ("no_paspor", &*record.no_paspor),
    ] {
        if value.trim().is_empty() {
            return Err(format!("schema: {field} is empty"));
        }
    }
    let lane_kind = one_of(
        "jenis_loket",
        &record.jenis_loket,
        &[("manual", "counter"), ("autogate", "autogate")],
    )?;
    let direction = one_of(
        "arah",
        &record.arah,
        &[("kedatangan", "arrival"), ("keberangkatan", "departure")],
    )?;
    let citizenship = one_of(
        "kewarganegaraan",
        &record.kewarganegaraan,
        &[("WNI", "citizen"), ("WNA", "foreigner")],
    )?;
    let outcome = one_of(
        "hasil",
        &record.hasil,
        &[
            ("lolos", "cleared"),
            ("pemeriksaan_lanjutan", "secondary"),
            ("tolak", "refused"),
            ("tangkal", "refused"),
            ("ditahan", "detained"),
        ],
    )?;
    let i247_status = one_of(
        "i247.status",
        &record.i247.status,
        &[("OK", "ok"), ("TIMEOUT", "timeout"), ("ERROR", "error")],
    )?;
    let i247_notice = match record.i247.jenis_notice.as_deref() {
        None | Some("") => None,
        Some(notice) => Some(one_of(
            "i247.jenis_notice",
            notice,
            &[
                ("RED", "red"),
                ("YELLOW", "yellow"),
                ("BLUE", "blue"),
                ("GREEN", "green"),
                ("DIFFUSION", "diffusion"),
                ("SLTD", "sltd"),
            ],
        )?),
    };
    let i247_response_ms = match record.i247.waktu_respons_ms {
        None => None,
        Some(ms) if (0..=600_000).contains(&ms) => i32::try_from(ms).ok(),
        Some(ms) => {
            return Err(format!(
                "range: i247.waktu_respons_ms = {ms} is outside 0 to 600000 milliseconds"
            ));
        }
    };
    let nationality: [u8; 3] = match record.negara.trim().as_bytes() {
        &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_alphabetic) => {
            [a, b, c].map(|x| x.to_ascii_uppercase())
        }
        _ => {
            return Err(format!(
                "schema: negara '{}' is not an ISO 3166 alpha-3 country code",
                record.negara
            ));
        }
    };
    let joined = time("waktu_antri", record.waktu_antri)?;
    let cleared = time("waktu_selesai", record.waktu_selesai)?;
    let reached = record
        .waktu_loket
        .map(|ms| time("waktu_loket", ms))
        .transpose()?;
    if let Some(reached) = reached {
        if reached < joined {
            return Err(format!(
                "time order: reached the counter (waktu_loket {}) before joining the queue \
                 (waktu_antri {})",
                reached.to_rfc3339(),
                joined.to_rfc3339()
            ));
        }
        if cleared < reached {
            return Err(format!(
                "time order: cleared (waktu_selesai {}) before reaching the counter \
                 (waktu_loket {})",
                cleared.to_rfc3339(),
                reached.to_rfc3339()
            ));
        }
    }
    if cleared < joined {
        return Err(format!(
            "time order: cleared (waktu_selesai {}) before joining the queue (waktu_antri {})",
            cleared.to_rfc3339(),
            joined.to_rfc3339()
        ));
    }
    if (cleared - joined).num_hours() >= MAX_CLEARANCE_HOURS {
        return Err(format!(
            "range: cleared {:.1} hours after joining the queue; more than {MAX_CLEARANCE_HOURS} \
             hours is not a plausible clearance",
            (cleared - joined).num_minutes() as f64 / 60.0
        ));
    }
    let local = joined.with_timezone(&port.zone);
    let hour_start = joined
        .with_minute(0)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .ok_or_else(|| "range: waktu_antri has no hour start".to_string())?;
    let crossing = Crossing {
        local_hour: local.hour() as i32,
        hour_start: hour_start.timestamp_millis(),
        terminal: record.terminal.trim(),
        lane: record.loket.trim(),
        lane_kind,
        direction,
        citizenship,
        nationality,
        carrier: record.no_penerbangan.trim(),
        joined_queue_at: joined.timestamp_millis(),
        reached_counter_at: reached.map(|t| t.timestamp_millis()),
        cleared_at: cleared.timestamp_millis(),
        outcome,
        i247_status,
        i247_response_ms,
        i247_notice,
        record_id: record.id_transaksi.trim(),
    };
    Ok((port.code.as_str(), local.date_naive(), crossing))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pseudonym::PseudonymKey;
    use crate::reference::PortRegistry;
    use datafusion::arrow::array::Array;

    const GOOD: &str = r#"{"id_transaksi":"DPS-1","kode_tpi":"DPS","terminal":"INT","loket":"M01","jenis_loket":"manual","arah":"kedatangan","kewarganegaraan":"WNA","negara":"AUS","no_penerbangan":"QF43","no_paspor":"PA1234567","nama":"OLIVIA MARTIN","waktu_antri":1760976000000,"waktu_loket":1760976600000,"waktu_selesai":1760976720000,"hasil":"lolos","i247":{"status":"OK","waktu_respons_ms":412,"jenis_notice":null}}"#;

    fn run(text: &str, key: Option<&PseudonymKey>) -> Result<FeedOutput> {
        let registry = PortRegistry::embedded();
        let context = FeedContext {
            registry: &registry,
            key,
            source_file: "bcm_DPS_20261020.jsonl",
            first_line: 1,
            header: None,
        };
        convert(text.as_bytes(), &context)
    }

    fn key() -> PseudonymKey {
        PseudonymKey::new("0123456789abcdef0123456789abcdef").unwrap()
    }

    #[test]
    fn good_record_lands_in_its_local_partition_without_personal_data() {
        let key = key();
        let out = run(GOOD, Some(&key)).unwrap();
        assert_eq!((out.rows_in, out.rows_landed()), (1, 1));
        let part = &out.partitions[0];
        // 1760976000000 is 2025-10-20 16:00 UTC, i.e. 00:00 on 21 October in WITA (UTC+8).
        assert_eq!(part.port, "DPS");
        assert_eq!(part.local_date.to_string(), "2025-10-21");
        let hour = part.batch.column_by_name("local_hour").unwrap();
        assert_eq!(
            hour.as_any().downcast_ref::<Int32Array>().unwrap().value(0),
            0
        );
        let debug = format!("{:?}", part.batch);
        assert!(!debug.contains("PA1234567") && !debug.contains("OLIVIA"));
    }

    #[test]
    fn bad_records_are_rejected_with_line_and_reason_and_good_ones_land() {
        let key = key();
        let unknown_port = GOOD.replace("\"DPS\"", "\"XYZ\"").replace("DPS-1", "DPS-2");
        let backwards = GOOD
            .replace("1760976720000", "1760975000000")
            .replace("DPS-1", "DPS-3");
        let text = format!("{GOOD}\nnot json\n\n{unknown_port}\n{backwards}\n");
        let out = run(&text, Some(&key)).unwrap();
        assert_eq!(out.rows_in, 4);
        assert_eq!(out.rows_landed(), 1);
        assert_eq!(out.partitions[0].records, vec![1]);
        let reasons: Vec<(u64, &str)> = out
            .rejects
            .iter()
            .map(|r| (r.record_number, r.reason.as_str()))
            .collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons[0].0 == 2 && reasons[0].1.starts_with("schema:"));
        assert!(reasons[1].0 == 4 && reasons[1].1.contains("unknown port 'XYZ'"));
        assert!(reasons[1].1.contains("data/ports.csv"));
        assert!(reasons[2].0 == 5 && reasons[2].1.starts_with("time order:"));
        assert_eq!(out.rejects[0].raw, "not json");
    }

    #[test]
    fn missing_counter_time_still_lands() {
        let key = key();
        let text = GOOD.replace("\"waktu_loket\":1760976600000", "\"waktu_loket\":null");
        let out = run(&text, Some(&key)).unwrap();
        assert_eq!(out.rows_landed(), 1);
        let reached = out.partitions[0]
            .batch
            .column_by_name("reached_counter_at")
            .unwrap();
        assert!(reached.is_null(0));
    }

    #[test]
    fn personal_data_without_a_key_is_refused_with_advice() {
        let err = run(GOOD, None).unwrap_err().to_string();
        assert!(err.contains("GERBANG_PSEUDONYM_KEY"), "{err}");
    }

    #[test]
    fn invalid_utf8_is_a_reject_not_a_crash() {
        let key = key();
        let mut bytes = GOOD.as_bytes().to_vec();
        bytes.extend_from_slice(b"\n{\"id_transaksi\":\"\xff\xfe\"}\n");
        let registry = PortRegistry::embedded();
        let context = FeedContext {
            registry: &registry,
            key: Some(&key),
            source_file: "x",
            first_line: 1,
            header: None,
        };
        let out = convert(&bytes, &context).unwrap();
        assert_eq!(
            (out.rows_in, out.rows_landed(), out.rejects.len()),
            (2, 1, 1)
        );
        assert!(out.rejects[0].reason.starts_with("encoding:"));
    }

    #[test]
    fn random_damage_never_panics_and_every_line_is_accounted_for() {
        use rand::SeedableRng;
        let key = key();
        let other = GOOD
            .replace("DPS-1", "DPS-2")
            .replace("\"waktu_loket\":1760976600000", "\"waktu_loket\":null");
        let text = format!("{GOOD}\n{other}\n");
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for _ in 0..3000 {
            let mut bytes = text.as_bytes().to_vec();
            crate::feeds::damage::mutate(
                &mut rng,
                &mut bytes,
                b"{}[]\",:0123456789-nul \r\n\xff\xc3",
            );
            let registry = PortRegistry::embedded();
            let context = FeedContext::whole_file(&registry, Some(&key), "x");
            let out = convert(&bytes, &context).unwrap();
            assert_eq!(out.rows_in, crate::feeds::damage::lines(&bytes));
            assert_eq!(out.rows_in, out.rows_landed() + out.rejects.len() as u64);
        }
    }
}
