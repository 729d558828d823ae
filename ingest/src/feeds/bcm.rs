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

use std::sync::Arc;

use chrono::{DateTime, Timelike, Utc};
use datafusion::arrow::array::{
    ArrayRef, Date32Array, Int32Array, RecordBatch, StringArray, TimestampMillisecondArray,
};
use serde::Deserialize;

use super::{ByPartition, FeedContext, FeedOutput, PartitionBatch, Reject, plausible_millis};
use crate::error::{IngestError, Result};
use crate::schema::Table;

/// Longer than this from queue to clearance is a broken record, not a slow day.
const MAX_CLEARANCE_HOURS: i64 = 24;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BcmRecord {
    id_transaksi: String,
    kode_tpi: String,
    terminal: String,
    loket: String,
    jenis_loket: String,
    arah: String,
    kewarganegaraan: String,
    negara: String,
    no_penerbangan: String,
    no_paspor: String,
    /// Accepted so the record validates, and dropped: names never land.
    #[serde(rename = "nama")]
    _nama: serde::de::IgnoredAny,
    waktu_antri: i64,
    waktu_loket: Option<i64>,
    waktu_selesai: i64,
    hasil: String,
    i247: I247Check,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct I247Check {
    status: String,
    waktu_respons_ms: Option<i64>,
    jenis_notice: Option<String>,
}

/// One canonical `crossings` row.
#[derive(Debug)]
struct Crossing {
    line_number: u64,
    local_hour: i32,
    hour_start: i64,
    terminal: String,
    lane: String,
    lane_kind: &'static str,
    direction: &'static str,
    citizenship: &'static str,
    nationality: String,
    carrier: String,
    joined_queue_at: i64,
    reached_counter_at: Option<i64>,
    cleared_at: i64,
    outcome: &'static str,
    i247_status: &'static str,
    i247_response_ms: Option<i32>,
    i247_notice: Option<&'static str>,
    traveller_key: String,
    record_id: String,
}

pub(super) fn convert(bytes: &[u8], context: &FeedContext<'_>) -> Result<FeedOutput> {
    let mut output = FeedOutput::default();
    let mut rows: ByPartition<Crossing> = ByPartition::new();
    for (index, line) in bytes.split(|b| *b == b'\n').enumerate() {
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
        let record: BcmRecord = match serde_json::from_str(text) {
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
        match validate(record, context, key) {
            Ok((partition, mut crossing)) => {
                crossing.line_number = line_number;
                rows.entry(partition).or_default().push(crossing);
            }
            Err(reason) => output.rejects.push(Reject {
                record_number: line_number,
                reason,
                raw: text.to_string(),
            }),
        }
    }
    for ((port, local_date), mut crossings) in rows {
        crossings.sort_by(|a, b| {
            (a.joined_queue_at, &a.record_id).cmp(&(b.joined_queue_at, &b.record_id))
        });
        let batch = to_batch(&port, local_date, &crossings)?;
        output.partitions.push(PartitionBatch {
            table: Table::Crossings,
            port,
            local_date,
            batch,
            records: crossings.iter().map(|c| c.line_number).collect(),
        });
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

fn validate(
    record: BcmRecord,
    context: &FeedContext<'_>,
    key: &crate::pseudonym::PseudonymKey,
) -> std::result::Result<((String, chrono::NaiveDate), Crossing), String> {
    let code = record.kode_tpi.trim().to_uppercase();
    let port = context
        .registry
        .get(&code)
        .ok_or_else(|| crate::reference::PortRegistry::unknown_port_reason(&record.kode_tpi))?;
    for (field, value) in [
        ("id_transaksi", &record.id_transaksi),
        ("terminal", &record.terminal),
        ("loket", &record.loket),
        ("no_paspor", &record.no_paspor),
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
    let nationality = record.negara.trim().to_uppercase();
    if nationality.len() != 3 || !nationality.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(format!(
            "schema: negara '{}' is not an ISO 3166 alpha-3 country code",
            record.negara
        ));
    }
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
        line_number: 0,
        local_hour: local.hour() as i32,
        hour_start: hour_start.timestamp_millis(),
        terminal: record.terminal.trim().to_string(),
        lane: record.loket.trim().to_string(),
        lane_kind,
        direction,
        citizenship,
        traveller_key: key.traveller_key(&nationality, &record.no_paspor),
        nationality,
        carrier: record.no_penerbangan.trim().to_string(),
        joined_queue_at: joined.timestamp_millis(),
        reached_counter_at: reached.map(|t| t.timestamp_millis()),
        cleared_at: cleared.timestamp_millis(),
        outcome,
        i247_status,
        i247_response_ms,
        i247_notice,
        record_id: record.id_transaksi.trim().to_string(),
    };
    Ok(((port.code.clone(), local.date_naive()), crossing))
}

fn to_batch(port: &str, local_date: chrono::NaiveDate, rows: &[Crossing]) -> Result<RecordBatch> {
    let days = local_date
        .signed_duration_since(chrono::NaiveDate::default())
        .num_days() as i32;
    let text = |f: &dyn Fn(&Crossing) -> &str| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(rows.iter().map(f)))
    };
    let millis = |f: &dyn Fn(&Crossing) -> Option<i64>| -> ArrayRef {
        Arc::new(TimestampMillisecondArray::from_iter(rows.iter().map(f)).with_timezone("UTC"))
    };
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(vec![port; rows.len()])),
        Arc::new(Date32Array::from(vec![days; rows.len()])),
        Arc::new(Int32Array::from_iter_values(
            rows.iter().map(|r| r.local_hour),
        )),
        millis(&|r| Some(r.hour_start)),
        text(&|r| &r.terminal),
        text(&|r| &r.lane),
        text(&|r| r.lane_kind),
        text(&|r| r.direction),
        text(&|r| r.citizenship),
        text(&|r| &r.nationality),
        text(&|r| &r.carrier),
        millis(&|r| Some(r.joined_queue_at)),
        millis(&|r| r.reached_counter_at),
        millis(&|r| Some(r.cleared_at)),
        text(&|r| r.outcome),
        text(&|r| r.i247_status),
        Arc::new(Int32Array::from_iter(
            rows.iter().map(|r| r.i247_response_ms),
        )),
        Arc::new(StringArray::from_iter(rows.iter().map(|r| r.i247_notice))),
        text(&|r| &r.traveller_key),
        text(&|r| &r.record_id),
    ];
    Ok(RecordBatch::try_new(Table::Crossings.schema(), columns)?)
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
