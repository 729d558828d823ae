//! Airport / port authority arrivals: comma-separated CSV, English headers, times in UTC,
//! one file per port and local night (`otoritas_<PORT>_<YYYYMMDD>[_<YYYYMMDDTHHMMSSZ>].csv`).
//!
//! ```text
//! flight_id,port,terminal,flight_no,origin,sched_on_block_utc,actual_on_block_utc,intl_pax,counters_staffed
//! CGK-20261020-GA717,CGK,T3,GA717,SYD,2026-10-20T00:35:00Z,2026-10-20T00:41:00Z,287,14
//! ```
//! - The first line is the header; columns are found by name (any order, case and
//!   surrounding spaces ignored, a UTF-8 byte-order mark tolerated; other columns are
//!   ignored). A missing required column, or one named twice, rejects every record of the
//!   file with a reason naming it.
//! - One record per line (LF or CRLF); fields may be quoted (`""` for a quote inside) but
//!   cannot hold a line break, and a line whose quotes do not pair up is rejected. Blank
//!   lines are not records. Every field is trimmed.
//! - `flight_id`, `port` (a registered port), `terminal`, `flight_no` and `origin` are
//!   required.
//! - Times are ISO-8601 UTC (`2026-10-20T00:35:00Z`; a fraction of a second and `+00:00`
//!   are read too). A time without an offset, or with any other offset, is rejected: the
//!   feed is UTC. `actual_on_block_utc` is empty for a cancelled flight, and is at most 48
//!   hours from the scheduled time.
//! - `intl_pax`: international passengers on board, 0 to 5000 (a vessel carries more than
//!   an aircraft); `counters_staffed`: immigration counters staffed when it arrived, 0 to
//!   500. Both whole numbers.
//! - Vessels at seaports and buses at land crossings use the same columns (`flight_no` is
//!   the vessel or service number).
//!
//! Lands in `flights`, partitioned by the port's local date of the actual on-block time
//! (the scheduled one when there is no actual).

use std::sync::Arc;

use chrono::{NaiveDate, TimeDelta};
use datafusion::arrow::array::{
    ArrayRef, Date32Array, Int32Array, Int64Array, RecordBatch, StringArray,
    TimestampMillisecondArray,
};

use super::{ByPartition, FeedContext, FeedOutput, PartitionBatch, Reject, locate, utc_time};
use crate::error::Result;
use crate::reference::PortRegistry;
use crate::schema::Table;

/// How this feed's times are named in messages, and what one looks like.
const FEED: &str = "the authority feed";
const EXAMPLE: &str = "2026-10-20T00:35:00Z";

/// The columns the adapter reads, as the header names them.
const COLUMNS: [&str; 9] = [
    "flight_id",
    "port",
    "terminal",
    "flight_no",
    "origin",
    "sched_on_block_utc",
    "actual_on_block_utc",
    "intl_pax",
    "counters_staffed",
];

/// More than this between scheduled and actual on-block is a broken record, not a delay.
const MAX_DELAY_HOURS: i64 = 48;

const MAX_PAX: i64 = 5000;
const MAX_COUNTERS: i64 = 500;

/// Where the header puts each of [`COLUMNS`], and how many fields a line has.
#[derive(Debug)]
struct Layout {
    positions: [usize; COLUMNS.len()],
    width: usize,
}

/// One canonical `flights` row.
#[derive(Debug)]
struct Flight {
    line: u64,
    local_hour: i32,
    hour_start: i64,
    terminal: String,
    flight_id: String,
    carrier: String,
    origin: String,
    scheduled_on_block_at: i64,
    actual_on_block_at: Option<i64>,
    intl_pax: i64,
    counters_staffed: i32,
}

impl Flight {
    /// The time the row is located by.
    fn located_at(&self) -> i64 {
        self.actual_on_block_at
            .unwrap_or(self.scheduled_on_block_at)
    }
}

pub(super) fn convert(bytes: &[u8], context: &FeedContext<'_>) -> Result<FeedOutput> {
    let mut output = FeedOutput::default();
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
        Some(header) => header.to_string(),
        None => match lines.next() {
            Some((_, line)) => String::from_utf8_lossy(line).into_owned(),
            None => return Ok(output),
        },
    };
    let layout = layout(&header);
    let mut rows: ByPartition<Flight> = ByPartition::new();
    for (line_number, line) in lines {
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
        let parsed = layout
            .as_ref()
            .map_err(String::clone)
            .and_then(|layout| flight(text, layout, context));
        match parsed {
            Ok((partition, row)) => rows.entry(partition).or_default().push(Flight {
                line: line_number,
                ..row
            }),
            Err(reason) => output.rejects.push(Reject {
                record_number: line_number,
                reason,
                raw: text.to_string(),
            }),
        }
    }
    for ((port, local_date), mut flights) in rows {
        flights.sort_by(|a, b| (a.located_at(), &a.flight_id).cmp(&(b.located_at(), &b.flight_id)));
        output.partitions.push(PartitionBatch {
            table: Table::Flights,
            batch: to_batch(&port, local_date, &flights)?,
            port,
            local_date,
            records: flights.iter().map(|f| f.line).collect(),
        });
    }
    Ok(output)
}

/// Finds the columns in the header line, or says which are missing.
fn layout(header: &str) -> std::result::Result<Layout, String> {
    let header = header.trim_end_matches(['\r', '\n']);
    let names: Vec<String> = fields(header.trim_start_matches('\u{feff}'))
        .map_err(|e| format!("schema: the header line {e}; no record of this file can be read"))?
        .iter()
        .map(|name| name.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let mut positions = [0; COLUMNS.len()];
    let mut missing = Vec::new();
    for (slot, column) in positions.iter_mut().zip(COLUMNS) {
        let mut found = names.iter().enumerate().filter(|(_, name)| *name == column);
        match (found.next(), found.next()) {
            (Some((position, _)), None) => *slot = position,
            (Some(_), Some(_)) => {
                return Err(format!(
                    "schema: the header names column {column} more than once, so its values \
                     are ambiguous; no record of this file can be read"
                ));
            }
            (None, _) => missing.push(column),
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "schema: the header has no column {} (the authority export needs {}); no record \
             of this file can be read",
            missing.join(", "),
            COLUMNS.join(", ")
        ));
    }
    Ok(Layout {
        positions,
        width: names.len(),
    })
}

/// The fields of one CSV line, or what is wrong with it (worded to follow "the line").
fn fields(line: &str) -> std::result::Result<Vec<String>, String> {
    // Quotes come in pairs in a well-formed line; an odd one would swallow the rest of it.
    if line.matches('"').count() % 2 == 1 {
        return Err("has a quote that is never closed".to_string());
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    let mut records = reader.records();
    let fields = match records.next() {
        None => Vec::new(),
        Some(Ok(record)) => record.iter().map(str::to_string).collect(),
        Some(Err(e)) => return Err(format!("is not valid CSV: {e}")),
    };
    if records.next().is_some() {
        return Err("holds more than one CSV record (a stray carriage return?)".to_string());
    }
    Ok(fields)
}

fn flight(
    text: &str,
    layout: &Layout,
    context: &FeedContext<'_>,
) -> std::result::Result<((String, NaiveDate), Flight), String> {
    let values = fields(text).map_err(|e| format!("schema: the line {e}"))?;
    if values.len() != layout.width {
        return Err(format!(
            "schema: the line has {} fields but the header has {}",
            values.len(),
            layout.width
        ));
    }
    let value = |column: &str| -> &str {
        COLUMNS
            .iter()
            .position(|c| *c == column)
            .and_then(|index| layout.positions.get(index))
            .and_then(|position| values.get(*position))
            .map_or("", |v| v.trim())
    };
    let required = |column: &str| -> std::result::Result<String, String> {
        match value(column) {
            "" => Err(format!("schema: {column} is empty")),
            text => Ok(text.to_string()),
        }
    };
    let flight_id = required("flight_id")?;
    let code = required("port")?;
    let port = context
        .registry
        .get(&code.to_uppercase())
        .ok_or_else(|| PortRegistry::unknown_port_reason(&code))?;
    let terminal = required("terminal")?;
    let carrier = required("flight_no")?;
    let origin = required("origin")?;
    let scheduled = utc_time(
        "sched_on_block_utc",
        &required("sched_on_block_utc")?,
        FEED,
        EXAMPLE,
    )?;
    let actual = match value("actual_on_block_utc") {
        "" => None,
        text => Some(utc_time("actual_on_block_utc", text, FEED, EXAMPLE)?),
    };
    let intl_pax = count("intl_pax", value("intl_pax"), MAX_PAX)?;
    let counters_staffed = count("counters_staffed", value("counters_staffed"), MAX_COUNTERS)?;
    if let Some(actual) = actual
        && (actual - scheduled).abs() > TimeDelta::hours(MAX_DELAY_HOURS)
    {
        return Err(format!(
            "range: actual_on_block_utc ({}) is {:.1} hours from sched_on_block_utc ({}); more \
             than {MAX_DELAY_HOURS} hours is not a plausible delay",
            value("actual_on_block_utc"),
            (actual - scheduled).num_minutes() as f64 / 60.0,
            value("sched_on_block_utc")
        ));
    }
    let (local_date, local_hour, hour_start) = locate(actual.unwrap_or(scheduled), port.zone);
    let row = Flight {
        line: 0,
        local_hour,
        hour_start,
        terminal,
        flight_id,
        carrier,
        origin,
        scheduled_on_block_at: scheduled.timestamp_millis(),
        actual_on_block_at: actual.map(|t| t.timestamp_millis()),
        intl_pax,
        counters_staffed: counters_staffed as i32,
    };
    Ok(((port.code.clone(), local_date), row))
}

/// A whole number from 0 to `max`.
fn count(column: &str, text: &str, max: i64) -> std::result::Result<i64, String> {
    let n: i64 = text
        .parse()
        .map_err(|_| format!("type: {column} '{text}' is not a whole number"))?;
    if !(0..=max).contains(&n) {
        return Err(format!("range: {column} = {n} is outside 0 to {max}"));
    }
    Ok(n)
}

fn to_batch(port: &str, local_date: NaiveDate, rows: &[Flight]) -> Result<RecordBatch> {
    let days = local_date
        .signed_duration_since(NaiveDate::default())
        .num_days() as i32;
    let text = |f: &dyn Fn(&Flight) -> &str| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(rows.iter().map(f)))
    };
    let millis = |f: &dyn Fn(&Flight) -> Option<i64>| -> ArrayRef {
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
        text(&|r| &r.flight_id),
        text(&|r| &r.carrier),
        text(&|r| &r.origin),
        millis(&|r| Some(r.scheduled_on_block_at)),
        millis(&|r| r.actual_on_block_at),
        Arc::new(Int64Array::from_iter_values(
            rows.iter().map(|r| r.intl_pax),
        )),
        Arc::new(Int32Array::from_iter_values(
            rows.iter().map(|r| r.counters_staffed),
        )),
    ];
    Ok(RecordBatch::try_new(Table::Flights.schema(), columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use datafusion::arrow::array::Array;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    const HEADER: &str = "flight_id,port,terminal,flight_no,origin,sched_on_block_utc,\
                          actual_on_block_utc,intl_pax,counters_staffed";
    const CGK: &str =
        "CGK-20261020-GA717,CGK,T3,GA717,SYD,2026-10-20T00:35:00Z,2026-10-20T00:41:00Z,287,14";
    const DPS: &str =
        "DPS-20261020-QF43,DPS,INT,QF43,SYD,2026-10-20T15:50:00Z,2026-10-20T16:12:30.5Z,301,12";
    const CANCELLED: &str = "DPS-20261020-JQ35,dps,INT,JQ35,MEL,2026-10-20T15:55:00+00:00,,0,10";

    /// What a landed row says, for comparing outputs: line, port, local date and hour, hour
    /// start, flight id, scheduled and actual on-block.
    type Landed = (u64, String, String, i32, i64, String, i64, Option<i64>);

    fn convert_with(bytes: &[u8], first_line: u64, header: Option<&str>) -> FeedOutput {
        let registry = PortRegistry::embedded();
        let context = FeedContext {
            registry: &registry,
            key: None,
            source_file: "otoritas_CGK_20261020.csv",
            first_line,
            header,
        };
        let out = convert(bytes, &context).unwrap();
        assert_eq!(out.rows_in, out.rows_landed() + out.rejects.len() as u64);
        for part in &out.partitions {
            assert_eq!(part.records.len(), part.batch.num_rows());
            assert_eq!(part.batch.schema(), Table::Flights.schema());
        }
        out
    }

    fn run(lines: &[&str]) -> FeedOutput {
        convert_with(format!("{}\n", lines.join("\n")).as_bytes(), 1, None)
    }

    fn landed(out: &FeedOutput) -> Vec<Landed> {
        let mut rows = Vec::new();
        for part in &out.partitions {
            let b = &part.batch;
            let column = |name: &str| b.column_by_name(name).unwrap().clone();
            let hours = column("local_hour");
            let hours = hours.as_any().downcast_ref::<Int32Array>().unwrap();
            let ids = column("flight_id");
            let ids = ids.as_any().downcast_ref::<StringArray>().unwrap();
            let times = |name: &str| {
                let array = column(name);
                let array = array
                    .as_any()
                    .downcast_ref::<TimestampMillisecondArray>()
                    .unwrap();
                (0..array.len())
                    .map(|i| array.is_valid(i).then(|| array.value(i)))
                    .collect::<Vec<_>>()
            };
            let (starts, scheduled, actual) = (
                times("hour_start"),
                times("scheduled_on_block_at"),
                times("actual_on_block_at"),
            );
            for (i, record) in part.records.iter().enumerate() {
                rows.push((
                    *record,
                    part.port.clone(),
                    part.local_date.to_string(),
                    hours.value(i),
                    starts[i].unwrap(),
                    ids.value(i).to_string(),
                    scheduled[i].unwrap(),
                    actual[i],
                ));
            }
        }
        rows.sort();
        rows
    }

    fn utc(d: u32, h: u32, mi: u32, s: u32) -> i64 {
        chrono::Utc
            .with_ymd_and_hms(2026, 10, d, h, mi, s)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn good_records_land_in_the_ports_local_partitions() {
        let out = run(&[HEADER, CGK, DPS, CANCELLED]);
        assert_eq!(
            (out.rows_in, out.rows_landed()),
            (3, 3),
            "{:?}",
            out.rejects
        );
        let rows = landed(&out);
        // 00:41 UTC is 07:41 WIB (UTC+7), in the hour that starts at 00:00 UTC.
        let cgk = (2, "CGK".into(), "2026-10-20".into(), 7, utc(20, 0, 0, 0));
        // 16:12:30.5 UTC is 00:12 WITA (UTC+8) on the next local day.
        let dps = (3, "DPS".into(), "2026-10-21".into(), 0, utc(20, 16, 0, 0));
        // A cancelled flight is located by its scheduled time: 23:55 WITA.
        let cancelled = (4, "DPS".into(), "2026-10-20".into(), 23, utc(20, 15, 0, 0));
        let located: Vec<(u64, String, String, i32, i64)> = rows
            .iter()
            .map(|r| (r.0, r.1.clone(), r.2.clone(), r.3, r.4))
            .collect();
        assert_eq!(located, vec![cgk, dps, cancelled]);
        assert_eq!(rows[1].7, Some(utc(20, 16, 12, 30) + 500));
        assert_eq!(rows[2].7, None);
        let part = out.partitions.iter().find(|p| p.port == "CGK").unwrap();
        let pax = part.batch.column_by_name("intl_pax").unwrap();
        assert_eq!(
            pax.as_any().downcast_ref::<Int64Array>().unwrap().value(0),
            287
        );
    }

    #[test]
    fn bad_records_are_rejected_with_line_and_reason_while_good_ones_land() {
        let lines = [
            HEADER,
            CGK,
            &CGK.replace("00:41:00Z", "07:41:00+07:00"),
            &CGK.replace("00:41:00Z", "00:41:00"),
            &CGK.replace(",CGK,", ",XYZ,"),
            &CGK.replace("CGK-20261020-GA717", " "),
            &CGK.replace(",287,", ",5001,"),
            &CGK.replace(",287,", ",28.7,"),
            &CGK.replace(",14", ",501"),
            &CGK.replace("2026-10-20T00:41:00Z", "2026-10-22T01:00:00Z"),
            &CGK.replace(",SYD,", ",SYD,extra,"),
            &CGK.replace("2026-10-20T00:35:00Z", "1999-10-20T00:35:00Z"),
            "",
            &CGK.replace(",T3,", ",\"T3\"\","),
            &CGK.replace(",GA717,", ",GA717\rGA718,"),
            &CGK.replace(",T3,", ",\"T3, \"\"north\"\"\","),
            DPS,
        ];
        let out = run(&lines);
        assert_eq!((out.rows_in, out.rows_landed()), (15, 3));
        let expected: [(u64, &str); 12] = [
            (
                3,
                "type: actual_on_block_utc '2026-10-20T07:41:00+07:00' has offset +07:00, but the \
                 authority feed is UTC",
            ),
            (
                4,
                "type: actual_on_block_utc '2026-10-20T00:41:00' has no UTC offset",
            ),
            (5, "unknown port 'XYZ'"),
            (6, "schema: flight_id is empty"),
            (7, "range: intl_pax = 5001 is outside 0 to 5000"),
            (8, "type: intl_pax '28.7' is not a whole number"),
            (9, "range: counters_staffed = 501 is outside 0 to 500"),
            (
                10,
                "range: actual_on_block_utc (2026-10-22T01:00:00Z) is 48.4 hours from",
            ),
            (11, "schema: the line has 10 fields but the header has 9"),
            (
                12,
                "range: sched_on_block_utc '1999-10-20T00:35:00Z' is not a time between",
            ),
            (14, "schema: the line has a quote that is never closed"),
            (15, "schema: the line holds more than one CSV record"),
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
        assert_eq!(out.rejects[2].raw, lines[4]);
        let lines_landed: Vec<u64> = landed(&out).iter().map(|r| r.0).collect();
        assert_eq!(lines_landed, vec![2, 16, 17]);
        let part = out.partitions.iter().find(|p| p.port == "CGK").unwrap();
        let terminals = part.batch.column_by_name("terminal").unwrap();
        let terminals = terminals.as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(terminals.value(1), "T3, \"north\"");
    }

    #[test]
    fn invalid_utf8_is_an_encoding_reject() {
        let mut bytes = format!("{HEADER}\n{CGK}\n").into_bytes();
        bytes.extend_from_slice(b"DPS-1,DPS,T\xe9,QF43,SYD,2026-10-20T15:50:00Z,,1,1\n");
        let out = convert_with(&bytes, 1, None);
        assert_eq!((out.rows_in, out.rows_landed()), (2, 1));
        assert_eq!(out.rejects[0].record_number, 3);
        assert!(
            out.rejects[0]
                .reason
                .starts_with("encoding: the line is not valid UTF-8 (bad byte at column 12)")
        );
    }

    #[test]
    fn columns_are_found_by_name_in_any_order_despite_bom_case_spaces_and_crlf() {
        let header = "\u{feff}Counters_Staffed, INTL_PAX ,remarks,actual_on_block_utc,\
                      \"sched_on_block_utc\",origin,flight_no,terminal,port,flight_id";
        let row = "14,287,late,2026-10-20T00:41:00Z,2026-10-20T00:35:00Z,SYD,GA717,T3,CGK,\
                   CGK-20261020-GA717";
        let text = format!("{header}\r\n{row}\r\n\r\n");
        let reordered = landed(&convert_with(text.as_bytes(), 1, None));
        assert_eq!(reordered, landed(&run(&[HEADER, CGK])));
    }

    #[test]
    fn missing_column_rejects_every_record_naming_it() {
        let header = HEADER.replace(",intl_pax", "");
        let row = CGK.replace(",287", "");
        let out = run(&[&header, &row, &row]);
        assert_eq!((out.rows_in, out.rows_landed()), (2, 0));
        for (reject, line) in out.rejects.iter().zip([2, 3]) {
            assert_eq!(reject.record_number, line);
            assert!(
                reject
                    .reason
                    .starts_with("schema: the header has no column intl_pax")
            );
        }
        let twice = format!("{HEADER},port");
        let out = run(&[&twice, &format!("{CGK},CGK")]);
        assert!(out.rejects[0].reason.contains("column port more than once"));
    }

    #[test]
    fn streamed_block_gives_the_same_rows_as_the_whole_file() {
        let mut lines = vec![HEADER.to_string()];
        for i in 0..40 {
            let row = match i % 4 {
                0 => CGK.to_string(),
                1 => DPS.to_string(),
                2 => CANCELLED.to_string(),
                _ => CGK.replace(",287,", ",-1,"),
            };
            lines.push(row.replace("-20261020-", &format!("-{i}-")));
            if i % 7 == 0 {
                lines.push(String::new());
            }
        }
        let whole = convert_with(format!("{}\r\n", lines.join("\r\n")).as_bytes(), 1, None);
        for split in [1, 2, 17, lines.len()] {
            let head = format!("{}\r\n", lines[..split].join("\r\n"));
            let tail = format!("{}\r\n", lines[split..].join("\r\n"));
            let first = convert_with(head.as_bytes(), 1, None);
            let second = convert_with(tail.as_bytes(), split as u64 + 1, Some(HEADER));
            let mut rows = landed(&first);
            rows.extend(landed(&second));
            rows.sort();
            assert_eq!(rows, landed(&whole), "split at {split}");
            let mut rejects = first.rejects.clone();
            rejects.extend(second.rejects.clone());
            assert_eq!(rejects, whole.rejects, "split at {split}");
            assert_eq!(first.rows_in + second.rows_in, whole.rows_in);
        }
        assert_eq!((whole.rows_in, whole.rejects.len()), (40, 10));
    }

    #[test]
    fn random_mutations_never_panic_and_every_record_is_accounted_for() {
        let text = format!("{HEADER}\n{CGK}\n{DPS}\n{CANCELLED}\n");
        let mut rng = ChaCha8Rng::seed_from_u64(20261020);
        let alphabet = b",\"\r\n :-+TZ.0123456789\xff\xc3\xef\xbb\xbf";
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
            let out = convert_with(&bytes, 1, None);
            // Every non-blank line after the header is a record.
            let records = bytes
                .split(|b| *b == b'\n')
                .skip(1)
                .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
                .count() as u64;
            assert_eq!(out.rows_in, records);
            // The same bytes as a later block of a streamed file.
            let block = convert_with(&bytes, 101, Some(HEADER));
            assert!(block.rejects.iter().all(|r| r.record_number >= 101));
        }
    }
}
