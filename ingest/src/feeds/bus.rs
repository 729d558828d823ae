//! Integration bus message log: JSON lines, one message exchanged between agency systems
//! per line, one file per port and local night (`bus_<PORT>_<YYYYMMDD>[_<...Z>].jsonl`).
//!
//! ```json
//! {"message_id":"MSG-CGK-20261020-000042","port":"CGK","sender":"OTORITAS","receiver":"IMIGRASI","kind":"manifest","produced_at":"2026-10-19T23:55:02.120Z","received_at":"2026-10-19T23:58:40.004Z","status":"delivered","ref":"CGK-20261020-GA717"}
//! ```
//! - `message_id` and `port` (a registered port) are required; no other field is allowed.
//! - `sender` / `receiver`: `IMIGRASI`, `BEA_CUKAI`, `KARANTINA`, `POLRI`, `OTORITAS`; a
//!   message from an agency to itself is rejected.
//! - `kind`: `manifest`, `alert`, `risk_profile`.
//! - Times are RFC 3339 UTC (`Z` or `+00:00`); a time without an offset, or with any other
//!   offset, is rejected: the log is UTC. `received_at` is null (or absent) when the message
//!   never arrived.
//! - `status`: `delivered`, `failed`, `manual` (handled by hand). A delivered message has a
//!   `received_at`; a failed or manual one may have one or not.
//! - The sender's and receiver's clocks differ: a message received up to 5 minutes before it
//!   was produced lands as given, with a `bus_clock_skew` finding; earlier than that is
//!   rejected. A message received more than 7 days after it was produced is rejected.
//! - `ref` is optional (absent, null or blank: none).
//! - One record per line (LF or CRLF); blank lines are not records; a UTF-8 byte-order mark
//!   at the start of the file is tolerated.
//!
//! Lands in `exchanges`, partitioned by the port's local date of `produced_at`.

use std::sync::Arc;

use chrono::{NaiveDate, TimeDelta};
use datafusion::arrow::array::{
    ArrayRef, Date32Array, Int32Array, RecordBatch, StringArray, TimestampMillisecondArray,
};
use serde::Deserialize;

use super::{
    ByPartition, FeedContext, FeedOutput, Finding, PartitionBatch, Reject, locate, utc_time,
};
use crate::error::Result;
use crate::reference::PortRegistry;
use crate::schema::Table;

/// How this feed's times are named in messages, and what one looks like.
const FEED: &str = "the bus log";
const EXAMPLE: &str = "2026-10-19T23:55:02.120Z";

/// Received this much before produced is still clock skew between the two systems.
const MAX_SKEW_MINUTES: i64 = 5;

/// Received later than this after produced is a broken record, not a slow bus.
const MAX_LATENCY_DAYS: i64 = 7;

const AGENCIES: [(&str, &str); 5] = [
    ("IMIGRASI", "immigration"),
    ("BEA_CUKAI", "customs"),
    ("KARANTINA", "quarantine"),
    ("POLRI", "police"),
    ("OTORITAS", "authority"),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MessageRecord {
    message_id: String,
    port: String,
    sender: String,
    receiver: String,
    kind: String,
    produced_at: String,
    received_at: Option<String>,
    status: String,
    #[serde(rename = "ref")]
    reference: Option<String>,
}

/// One canonical `exchanges` row.
#[derive(Debug)]
struct Exchange {
    line: u64,
    local_hour: i32,
    hour_start: i64,
    message_id: String,
    sender: &'static str,
    receiver: &'static str,
    kind: &'static str,
    produced_at: i64,
    received_at: Option<i64>,
    status: &'static str,
    reference: Option<String>,
}

pub(super) fn convert(bytes: &[u8], context: &FeedContext<'_>) -> Result<FeedOutput> {
    let mut output = FeedOutput::default();
    let mut rows: ByPartition<Exchange> = ByPartition::new();
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
        // A byte-order mark can only start the file's first line.
        let json = if line_number == 1 {
            text.trim_start_matches('\u{feff}')
        } else {
            text
        };
        let checked = serde_json::from_str::<MessageRecord>(json)
            .map_err(|e| format!("schema: {e}"))
            .and_then(|record| exchange(record, context));
        match checked {
            Ok((partition, row, skew)) => {
                if let Some(finding) = skew {
                    output.findings.push(Finding {
                        record_number: line_number,
                        ..finding
                    });
                }
                rows.entry(partition).or_default().push(Exchange {
                    line: line_number,
                    ..row
                });
            }
            Err(reason) => output.rejects.push(Reject {
                record_number: line_number,
                reason,
                raw: text.to_string(),
            }),
        }
    }
    for ((port, local_date), mut exchanges) in rows {
        exchanges
            .sort_by(|a, b| (a.produced_at, &a.message_id).cmp(&(b.produced_at, &b.message_id)));
        output.partitions.push(PartitionBatch {
            table: Table::Exchanges,
            batch: to_batch(&port, local_date, &exchanges)?,
            port,
            local_date,
            records: exchanges.iter().map(|e| e.line).collect(),
        });
    }
    Ok(output)
}

/// A validated message: its partition, its row and, when the clocks disagree, a finding.
type Checked = ((String, NaiveDate), Exchange, Option<Finding>);

fn exchange(
    record: MessageRecord,
    context: &FeedContext<'_>,
) -> std::result::Result<Checked, String> {
    let message_id = record.message_id.trim().to_string();
    if message_id.is_empty() {
        return Err("schema: message_id is empty".to_string());
    }
    let port = context
        .registry
        .get(&record.port.trim().to_uppercase())
        .ok_or_else(|| PortRegistry::unknown_port_reason(&record.port))?;
    let sender = one_of("sender", &record.sender, &AGENCIES)?;
    let receiver = one_of("receiver", &record.receiver, &AGENCIES)?;
    if sender == receiver {
        return Err(format!(
            "schema: sender and receiver are both {}; a message goes from one agency to another",
            record.sender.trim()
        ));
    }
    let kind = one_of(
        "kind",
        &record.kind,
        &[
            ("manifest", "manifest"),
            ("alert", "alert"),
            ("risk_profile", "risk_profile"),
        ],
    )?;
    let status = one_of(
        "status",
        &record.status,
        &[
            ("delivered", "delivered"),
            ("failed", "failed"),
            ("manual", "manual"),
        ],
    )?;
    let produced = utc_time("produced_at", &record.produced_at, FEED, EXAMPLE)?;
    let received = record
        .received_at
        .as_deref()
        .map(|text| utc_time("received_at", text, FEED, EXAMPLE))
        .transpose()?;
    let mut skew = None;
    match received {
        None if status == "delivered" => {
            return Err(
                "schema: received_at is null but status is delivered; a delivered message has \
                 a received time"
                    .to_string(),
            );
        }
        None => {}
        Some(received) => {
            let latency = received - produced;
            if latency < -TimeDelta::minutes(MAX_SKEW_MINUTES) {
                return Err(format!(
                    "time order: received_at ({}) is {:.1} minutes before produced_at ({}); \
                     more than {MAX_SKEW_MINUTES} minutes is not clock skew",
                    record.received_at.as_deref().unwrap_or_default(),
                    -latency.num_milliseconds() as f64 / 60_000.0,
                    record.produced_at
                ));
            }
            if latency > TimeDelta::days(MAX_LATENCY_DAYS) {
                return Err(format!(
                    "range: received_at ({}) is {:.1} days after produced_at ({}); more than \
                     {MAX_LATENCY_DAYS} days is not a plausible delivery",
                    record.received_at.as_deref().unwrap_or_default(),
                    latency.num_minutes() as f64 / 1440.0,
                    record.produced_at
                ));
            }
            if latency < TimeDelta::zero() {
                let seconds = latency.num_milliseconds() as f64 / 1000.0;
                skew = Some(Finding {
                    record_number: 0,
                    check_name: "bus_clock_skew",
                    declared: None,
                    computed: Some(seconds),
                    message: format!(
                        "message {message_id} from {sender} to {receiver} was received {:.3} s \
                         before it was produced: the two systems' clocks disagree; it landed \
                         with the times as sent",
                        -seconds
                    ),
                });
            }
        }
    }
    let (local_date, local_hour, hour_start) = locate(produced, port.zone);
    let row = Exchange {
        line: 0,
        local_hour,
        hour_start,
        message_id,
        sender,
        receiver,
        kind,
        produced_at: produced.timestamp_millis(),
        received_at: received.map(|t| t.timestamp_millis()),
        status,
        reference: record
            .reference
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty()),
    };
    Ok(((port.code.clone(), local_date), row, skew))
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

fn to_batch(port: &str, local_date: NaiveDate, rows: &[Exchange]) -> Result<RecordBatch> {
    let days = local_date
        .signed_duration_since(NaiveDate::default())
        .num_days() as i32;
    let text = |f: &dyn Fn(&Exchange) -> &str| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(rows.iter().map(f)))
    };
    let millis = |f: &dyn Fn(&Exchange) -> Option<i64>| -> ArrayRef {
        Arc::new(TimestampMillisecondArray::from_iter(rows.iter().map(f)).with_timezone("UTC"))
    };
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(vec![port; rows.len()])),
        Arc::new(Date32Array::from(vec![days; rows.len()])),
        Arc::new(Int32Array::from_iter_values(
            rows.iter().map(|r| r.local_hour),
        )),
        millis(&|r| Some(r.hour_start)),
        text(&|r| &r.message_id),
        text(&|r| r.sender),
        text(&|r| r.receiver),
        text(&|r| r.kind),
        millis(&|r| Some(r.produced_at)),
        millis(&|r| r.received_at),
        text(&|r| r.status),
        Arc::new(StringArray::from_iter(
            rows.iter().map(|r| r.reference.as_deref()),
        )),
    ];
    Ok(RecordBatch::try_new(Table::Exchanges.schema(), columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use datafusion::arrow::array::Array;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    const CGK: &str = concat!(
        r#"{"message_id":"MSG-CGK-20261020-000042","port":"CGK","sender":"OTORITAS","#,
        r#""receiver":"IMIGRASI","kind":"manifest","produced_at":"2026-10-19T23:55:02.120Z","#,
        r#""received_at":"2026-10-19T23:58:40.004Z","status":"delivered","#,
        r#""ref":"CGK-20261020-GA717"}"#
    );
    const DPS: &str = concat!(
        r#"{"message_id":"MSG-DPS-20261020-000007","port":"dps","sender":"bea_cukai","#,
        r#""receiver":"POLRI","kind":"risk_profile","#,
        r#""produced_at":"2026-10-20T15:59:59.999+00:00","received_at":null,"status":"failed"}"#
    );

    /// Line, port, local date, local hour, hour start, message id, sender, receiver, kind,
    /// produced, received, status, reference.
    type Landed = (
        u64,
        String,
        String,
        i32,
        i64,
        Vec<Option<String>>,
        i64,
        Option<i64>,
    );

    fn convert_at(bytes: &[u8], first_line: u64) -> FeedOutput {
        let registry = PortRegistry::embedded();
        let context = FeedContext {
            registry: &registry,
            key: None,
            source_file: "bus_CGK_20261020.jsonl",
            first_line,
            header: None,
        };
        let out = convert(bytes, &context).unwrap();
        assert_eq!(out.rows_in, out.rows_landed() + out.rejects.len() as u64);
        for part in &out.partitions {
            assert_eq!(part.records.len(), part.batch.num_rows());
            assert_eq!(part.batch.schema(), Table::Exchanges.schema());
        }
        out
    }

    fn run(lines: &[&str]) -> FeedOutput {
        convert_at(format!("{}\n", lines.join("\n")).as_bytes(), 1)
    }

    fn landed(out: &FeedOutput) -> Vec<Landed> {
        let mut rows = Vec::new();
        for part in &out.partitions {
            let b = &part.batch;
            let times = |name: &str| {
                let array = b.column_by_name(name).unwrap();
                let array = array
                    .as_any()
                    .downcast_ref::<TimestampMillisecondArray>()
                    .unwrap();
                (0..array.len())
                    .map(|i| array.is_valid(i).then(|| array.value(i)))
                    .collect::<Vec<_>>()
            };
            let texts = |i: usize| {
                [
                    "message_id",
                    "sender",
                    "receiver",
                    "kind",
                    "status",
                    "reference",
                ]
                .iter()
                .map(|name| {
                    let array = b.column_by_name(name).unwrap();
                    let array = array.as_any().downcast_ref::<StringArray>().unwrap();
                    array.is_valid(i).then(|| array.value(i).to_string())
                })
                .collect::<Vec<_>>()
            };
            let hours = b.column_by_name("local_hour").unwrap();
            let hours = hours.as_any().downcast_ref::<Int32Array>().unwrap();
            let (starts, produced, received) = (
                times("hour_start"),
                times("produced_at"),
                times("received_at"),
            );
            for (i, record) in part.records.iter().enumerate() {
                rows.push((
                    *record,
                    part.port.clone(),
                    part.local_date.to_string(),
                    hours.value(i),
                    starts[i].unwrap(),
                    texts(i),
                    produced[i].unwrap(),
                    received[i],
                ));
            }
        }
        rows.sort();
        rows
    }

    fn utc(d: u32, h: u32, mi: u32, s: u32, ms: i64) -> i64 {
        chrono::Utc
            .with_ymd_and_hms(2026, 10, d, h, mi, s)
            .unwrap()
            .timestamp_millis()
            + ms
    }

    fn strings(values: &[&str]) -> Vec<Option<String>> {
        values
            .iter()
            .map(|v| (!v.is_empty()).then(|| v.to_string()))
            .collect()
    }

    #[test]
    fn good_messages_land_with_local_date_hour_and_mapped_codes() {
        let out = run(&[CGK, DPS]);
        assert!(out.rejects.is_empty() && out.findings.is_empty());
        let rows = landed(&out);
        let expected: Vec<Landed> = vec![
            // 23:55 UTC on the 19th is 06:55 WIB (UTC+7) on the 20th.
            (
                1,
                "CGK".into(),
                "2026-10-20".into(),
                6,
                utc(19, 23, 0, 0, 0),
                strings(&[
                    "MSG-CGK-20261020-000042",
                    "authority",
                    "immigration",
                    "manifest",
                    "delivered",
                    "CGK-20261020-GA717",
                ]),
                utc(19, 23, 55, 2, 120),
                Some(utc(19, 23, 58, 40, 4)),
            ),
            // 15:59:59.999 UTC is 23:59 WITA (UTC+8), still the 20th.
            (
                2,
                "DPS".into(),
                "2026-10-20".into(),
                23,
                utc(20, 15, 0, 0, 0),
                strings(&[
                    "MSG-DPS-20261020-000007",
                    "customs",
                    "police",
                    "risk_profile",
                    "failed",
                    "",
                ]),
                utc(20, 15, 59, 59, 999),
                None,
            ),
        ];
        assert_eq!(rows, expected);
    }

    #[test]
    fn bad_messages_are_rejected_with_line_and_reason_while_good_ones_land() {
        let lines = [
            CGK,
            "{\"message_id\":",
            &CGK.replace("\"ref\"", "\"referensi\""),
            &CGK.replace("\"port\":\"CGK\"", "\"port\":\"XYZ\""),
            &CGK.replace("\"IMIGRASI\"", "\"otoritas\""),
            &CGK.replace("\"IMIGRASI\"", "\"TNI\""),
            &CGK.replace("manifest", "invoice"),
            &CGK.replace("delivered", "lost"),
            &CGK.replace("\"2026-10-19T23:58:40.004Z\"", "null"),
            &CGK.replace("2026-10-19T23:58:40.004Z", "2026-10-20T06:58:40.004+07:00"),
            &CGK.replace("2026-10-19T23:55:02.120Z", "2026-10-19T23:55:02.120"),
            &CGK.replace("2026-10-19T23:58:40.004Z", "2026-10-19T23:49:02Z"),
            &CGK.replace("2026-10-19T23:58:40.004Z", "2026-10-27T23:58:40Z"),
            &CGK.replace("2026-10-19T23:55:02.120Z", "2100-01-01T00:00:00Z"),
            &CGK.replace("MSG-CGK-20261020-000042", ""),
            "",
            "   \r",
            DPS,
        ];
        let out = run(&lines);
        assert_eq!((out.rows_in, out.rows_landed()), (16, 2));
        let expected: [(u64, &str); 14] = [
            (2, "schema: EOF while parsing a value at line 1 column 14"),
            (3, "schema: unknown field `referensi`"),
            (4, "unknown port 'XYZ'"),
            (5, "schema: sender and receiver are both OTORITAS"),
            (
                6,
                "unknown code: receiver is 'TNI', expected one of IMIGRASI, BEA_CUKAI, KARANTINA, \
                 POLRI, OTORITAS",
            ),
            (
                7,
                "unknown code: kind is 'invoice', expected one of manifest, alert, risk_profile",
            ),
            (
                8,
                "unknown code: status is 'lost', expected one of delivered, failed, manual",
            ),
            (9, "schema: received_at is null but status is delivered"),
            (
                10,
                "type: received_at '2026-10-20T06:58:40.004+07:00' has offset +07:00, but the bus \
                 log is UTC",
            ),
            (
                11,
                "type: produced_at '2026-10-19T23:55:02.120' has no UTC offset",
            ),
            (
                12,
                "time order: received_at (2026-10-19T23:49:02Z) is 6.0 minutes before produced_at",
            ),
            (
                13,
                "range: received_at (2026-10-27T23:58:40Z) is 8.0 days after produced_at",
            ),
            (
                14,
                "range: produced_at '2100-01-01T00:00:00Z' is not a time between 2000 and 2100",
            ),
            (15, "schema: message_id is empty"),
        ];
        let reasons: Vec<(u64, &str)> = out
            .rejects
            .iter()
            .map(|r| (r.record_number, r.reason.as_str()))
            .collect();
        assert_eq!(reasons.len(), expected.len(), "{reasons:#?}");
        for ((number, reason), (want_number, want)) in reasons.iter().zip(expected) {
            assert_eq!(*number, want_number, "{reason}");
            assert!(reason.starts_with(want), "line {number}: {reason}");
        }
        assert_eq!(out.rejects[0].raw, "{\"message_id\":");
        let lines_landed: Vec<u64> = landed(&out).iter().map(|r| r.0).collect();
        assert_eq!(lines_landed, vec![1, 18]);
    }

    #[test]
    fn invalid_utf8_is_an_encoding_reject() {
        let mut bytes = format!("{CGK}\n").into_bytes();
        bytes.extend_from_slice(b"{\"message_id\":\"\xff\"}\n");
        let out = convert_at(&bytes, 1);
        assert_eq!((out.rows_in, out.rows_landed()), (2, 1));
        assert_eq!(out.rejects[0].record_number, 2);
        assert!(
            out.rejects[0]
                .reason
                .starts_with("encoding: the line is not valid UTF-8 (bad byte at column 16)")
        );
    }

    #[test]
    fn received_a_little_before_produced_is_clock_skew_more_is_a_time_order_reject() {
        let skewed = CGK.replace("2026-10-19T23:58:40.004Z", "2026-10-19T23:50:02.120Z");
        let too_early = CGK.replace("2026-10-19T23:58:40.004Z", "2026-10-19T23:50:02.119Z");
        let slightly = CGK.replace("2026-10-19T23:58:40.004Z", "2026-10-19T23:55:01.620Z");
        let out = run(&[&skewed, &too_early, &slightly]);
        assert_eq!((out.rows_in, out.rows_landed()), (3, 2));
        assert_eq!(out.rejects[0].record_number, 2);
        assert!(out.rejects[0].reason.starts_with("time order: received_at"));
        let findings: Vec<(u64, &str, Option<f64>)> = out
            .findings
            .iter()
            .map(|f| (f.record_number, f.check_name, f.computed))
            .collect();
        assert_eq!(
            findings,
            vec![
                (1, "bus_clock_skew", Some(-300.0)),
                (3, "bus_clock_skew", Some(-0.5))
            ]
        );
        assert!(
            out.findings[0]
                .message
                .contains("from authority to immigration")
        );
        // The skewed message lands with its times as sent.
        let rows = landed(&out);
        assert_eq!(rows[0].7, Some(utc(19, 23, 50, 2, 120)));
    }

    #[test]
    fn failed_and_manual_messages_may_lack_a_received_time() {
        let failed = CGK
            .replace("\"2026-10-19T23:58:40.004Z\"", "null")
            .replace("delivered", "failed");
        let manual = CGK
            .replace(",\"received_at\":\"2026-10-19T23:58:40.004Z\"", "")
            .replace("delivered", "MANUAL")
            .replace("\"CGK-20261020-GA717\"", "\" \"");
        let manual_received = CGK.replace("delivered", "manual");
        let out = run(&[&failed, &manual, &manual_received]);
        assert_eq!(
            (out.rows_in, out.rows_landed()),
            (3, 3),
            "{:?}",
            out.rejects
        );
        let rows = landed(&out);
        assert_eq!(rows[0].7, None);
        assert_eq!(
            (rows[1].7, &rows[1].5[4], &rows[1].5[5]),
            (None, &Some("manual".into()), &None)
        );
        assert!(rows[2].7.is_some());
    }

    #[test]
    fn byte_order_mark_and_crlf_are_tolerated() {
        let text = format!("\u{feff}{CGK}\r\n\r\n{DPS}\r\n");
        let out = convert_at(text.as_bytes(), 1);
        assert_eq!(landed(&out), landed(&run(&[CGK, "", DPS])));
    }

    #[test]
    fn streamed_block_gives_the_same_rows_as_the_whole_file() {
        let mut lines = Vec::new();
        for i in 0..40 {
            let line = match i % 4 {
                0 => CGK.to_string(),
                1 => DPS.to_string(),
                2 => CGK.replace("2026-10-19T23:58:40.004Z", "2026-10-19T23:53:02Z"),
                _ => CGK.replace("manifest", "memo"),
            };
            lines.push(line.replace("-0000", &format!("-{i:02}")));
            if i % 9 == 0 {
                lines.push(String::new());
            }
        }
        let whole = convert_at(format!("{}\n", lines.join("\n")).as_bytes(), 1);
        assert_eq!(
            (whole.rows_in, whole.rejects.len(), whole.findings.len()),
            (40, 10, 10)
        );
        for split in [1, 13, lines.len() - 1] {
            let head = format!("{}\n", lines[..split].join("\n"));
            let tail = format!("{}\n", lines[split..].join("\n"));
            let first = convert_at(head.as_bytes(), 1);
            let second = convert_at(tail.as_bytes(), split as u64 + 1);
            let mut rows = landed(&first);
            rows.extend(landed(&second));
            rows.sort();
            assert_eq!(rows, landed(&whole), "split at {split}");
            let mut rejects = first.rejects.clone();
            rejects.extend(second.rejects.clone());
            assert_eq!(rejects, whole.rejects, "split at {split}");
            let mut findings = first.findings.clone();
            findings.extend(second.findings.clone());
            assert_eq!(findings, whole.findings, "split at {split}");
        }
    }

    #[test]
    fn random_mutations_never_panic_and_every_record_is_accounted_for() {
        let text = format!("{CGK}\n{DPS}\n{}\n", CGK.replace("delivered", "manual"));
        let mut rng = ChaCha8Rng::seed_from_u64(20261020);
        let alphabet = b"{}[]\",:0123456789+-TZ.e \r\n\\\xff\xc3\xef\xbb\xbf";
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
            let out = convert_at(&bytes, rng.random_range(1..=3));
            let records = bytes
                .split(|b| *b == b'\n')
                .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
                .count() as u64;
            assert_eq!(out.rows_in, records);
        }
    }
}
