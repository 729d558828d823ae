//! Hourly airport wait reports in the shape of US CBP's Airport Wait Times export: one row
//! per airport, terminal, local date (`M/D/YYYY`) and hour (`"0900 - 1000"`), with average
//! and maximum waits and passengers per wait bucket.
//!
//! Dates and hours are the airport's local time. Turning them into UTC meets daylight
//! saving head on, and nothing is guessed:
//! - an hour that does not exist locally (clocks jumped forward) is rejected;
//! - an hour that happens twice (clocks fell back) and is reported twice gets the earlier
//!   UTC hour for its first row and the later for its second; reported once, it covers both
//!   occurrences, so it lands as one 120-minute hour (`hour_minutes`) and a finding says so.
//!
//! `Total` declares the passengers of the row; when it differs from the buckets plus
//! `Excluded` the row still lands, with a `pax_total_vs_parts` finding.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use datafusion::arrow::array::{
    ArrayRef, Date32Array, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray,
    TimestampMillisecondArray,
};

use super::{ByPartition, FeedContext, FeedOutput, Finding, PartitionBatch, Reject};
use crate::error::Result;
use crate::schema::Table;

const COLUMNS: [&str; 21] = [
    "Airport",
    "Terminal",
    "Date",
    "Hour",
    "U.S._Citizen_Average_Wait_Time",
    "U.S._Citizen_Max_Wait_Time",
    "Non_U.S._Citizen_Average_Wait_Time",
    "Non_U.S._Citizen_Max_Wait_Time",
    "All_Passengers_Average_Wait_Time",
    "All_Passengers_Max_Wait_Time",
    "Number_Of_Passengers_Time_Interval_0-15",
    "Number_Of_Passengers_Time_Interval_16-30",
    "Number_Of_Passengers_Time_Interval_31-45",
    "Number_Of_Passengers_Time_Interval_46-60",
    "Number_Of_Passengers_Time_Interval_61-90",
    "Number_Of_Passengers_Time_Interval_91-120",
    "Number_Of_Passengers_Time_Interval_120_plus",
    "Excluded",
    "Total",
    "Flights",
    "Booths",
];

/// One canonical `wait_hourly` row.
#[derive(Debug, Clone)]
struct WaitHour {
    /// The line of the report the row came from.
    line: u64,
    terminal: String,
    hour_start: i64,
    hour_minutes: i32,
    local_hour: i32,
    waits: [Option<f64>; 6],
    /// Buckets 0-15 … 120+, then excluded, total, flights, booths.
    counts: [i64; 11],
}

/// A row whose local hour happens twice; resolved once the whole file is read.
#[derive(Debug)]
struct FoldedRow {
    line: u64,
    port: String,
    local_date: NaiveDate,
    earlier: DateTime<Utc>,
    later: DateTime<Utc>,
    row: WaitHour,
}

pub(super) fn convert(bytes: &[u8], context: &FeedContext<'_>) -> FeedOutput {
    let mut output = FeedOutput::default();
    let mut rows: ByPartition<WaitHour> = ByPartition::new();
    let mut folded: BTreeMap<(String, String, NaiveDate, i32), Vec<FoldedRow>> = BTreeMap::new();
    let mut seen: HashMap<(String, String, i64), u64> = HashMap::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.byte_records();
    // The header is line 1; it must name the columns this adapter reads, in order.
    match records.next() {
        Some(Ok(header)) => {
            let names: Vec<String> = header
                .iter()
                .map(|f| {
                    String::from_utf8_lossy(f)
                        .trim_start_matches('\u{feff}')
                        .to_string()
                })
                .collect();
            if names != COLUMNS {
                output.rows_in += 1;
                output.rejects.push(Reject {
                    record_number: 1,
                    reason: format!(
                        "schema: the header does not match the CBP Airport Wait Times export \
                         (expected {} columns starting Airport, Terminal, Date, Hour); no row \
                         of this file was read",
                        COLUMNS.len()
                    ),
                    raw: names.join(","),
                });
                // Without a header nothing can be trusted: keep every line as a reject.
                for (index, record) in records.enumerate() {
                    output.rows_in += 1;
                    output.rejects.push(Reject {
                        record_number: index as u64 + 2,
                        reason: "schema: the file's header was not recognised".to_string(),
                        raw: record.map(|r| raw_line(&r)).unwrap_or_default(),
                    });
                }
                return output;
            }
        }
        Some(Err(e)) => {
            output.rows_in += 1;
            output.rejects.push(Reject {
                record_number: 1,
                reason: format!("schema: the header line could not be read: {e}"),
                raw: String::new(),
            });
            return output;
        }
        None => return output,
    }
    for record in records {
        output.rows_in += 1;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                output.rejects.push(Reject {
                    record_number: line,
                    reason: format!("schema: the line is not valid CSV: {e}"),
                    raw: String::new(),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let raw = raw_line(&record);
        match parse_row(&record, context) {
            Err(reason) => output.rejects.push(Reject {
                record_number: line,
                reason,
                raw,
            }),
            Ok(Parsed::Single {
                port,
                local_date,
                row,
                total_finding,
            }) => {
                if let Some(finding) = total_finding {
                    output.findings.push(Finding {
                        record_number: line,
                        ..finding
                    });
                }
                let key = (port.clone(), row.terminal.clone(), row.hour_start);
                if let Some(first) = seen.get(&key) {
                    output.rejects.push(Reject {
                        record_number: line,
                        reason: format!(
                            "duplicate: {port} {} {} hour {:02}:00 was already given on line {first}",
                            row.terminal, local_date, row.local_hour
                        ),
                        raw,
                    });
                    continue;
                }
                seen.insert(key, line);
                rows.entry((port, local_date))
                    .or_default()
                    .push(WaitHour { line, ..row });
            }
            Ok(Parsed::Folded {
                port,
                local_date,
                earlier,
                later,
                row,
                total_finding,
            }) => {
                if let Some(finding) = total_finding {
                    output.findings.push(Finding {
                        record_number: line,
                        ..finding
                    });
                }
                let key = (
                    port.clone(),
                    row.terminal.clone(),
                    local_date,
                    row.local_hour,
                );
                folded.entry(key).or_default().push(FoldedRow {
                    line,
                    port,
                    local_date,
                    earlier,
                    later,
                    row,
                });
            }
        }
    }
    for ((port, terminal, local_date, hour), mut group) in folded {
        let zone = group
            .first()
            .map(|g| g.earlier.to_rfc3339())
            .unwrap_or_default();
        if group.len() == 1 {
            let mut only = group.remove(0);
            only.row.hour_start = only.earlier.timestamp_millis();
            only.row.hour_minutes = 120;
            only.row.line = only.line;
            output.findings.push(Finding {
                record_number: only.line,
                check_name: "repeated_local_hour",
                declared: None,
                computed: None,
                message: format!(
                    "{port} {terminal} {local_date} {hour:02}:00 happens twice (daylight saving \
                     ends) but is reported once; it landed as one 120-minute hour from {zone}"
                ),
            });
            rows.entry((only.port, only.local_date))
                .or_default()
                .push(only.row);
            continue;
        }
        for (index, mut occurrence) in group.into_iter().enumerate() {
            let start = match index {
                0 => occurrence.earlier,
                1 => occurrence.later,
                _ => {
                    output.rejects.push(Reject {
                        record_number: occurrence.line,
                        reason: format!(
                            "duplicate: {port} {terminal} {local_date} {hour:02}:00 happens at \
                             most twice, but this is its third row"
                        ),
                        raw: String::new(),
                    });
                    continue;
                }
            };
            occurrence.row.hour_start = start.timestamp_millis();
            occurrence.row.line = occurrence.line;
            rows.entry((occurrence.port, occurrence.local_date))
                .or_default()
                .push(occurrence.row);
        }
    }
    for ((port, local_date), mut hours) in rows {
        hours.sort_by(|a, b| (&a.terminal, a.hour_start).cmp(&(&b.terminal, b.hour_start)));
        match to_batch(&port, local_date, &hours) {
            Ok(batch) => output.partitions.push(PartitionBatch {
                table: Table::WaitHourly,
                port,
                local_date,
                batch,
                records: hours.iter().map(|h| h.line).collect(),
            }),
            Err(e) => {
                // The schema is ours, so this cannot happen with rows we validated; keep
                // the rows as rejects rather than lose them if it ever does.
                for _ in &hours {
                    output.rejects.push(Reject {
                        record_number: 0,
                        reason: format!("internal: could not build the batch: {e}"),
                        raw: String::new(),
                    });
                }
            }
        }
    }
    output
}

enum Parsed {
    Single {
        port: String,
        local_date: NaiveDate,
        row: WaitHour,
        total_finding: Option<Finding>,
    },
    Folded {
        port: String,
        local_date: NaiveDate,
        earlier: DateTime<Utc>,
        later: DateTime<Utc>,
        row: WaitHour,
        total_finding: Option<Finding>,
    },
}

fn raw_line(record: &csv::ByteRecord) -> String {
    record
        .iter()
        .map(|f| format!("\"{}\"", String::from_utf8_lossy(f)))
        .collect::<Vec<_>>()
        .join(",")
}

fn parse_row(
    record: &csv::ByteRecord,
    context: &FeedContext<'_>,
) -> std::result::Result<Parsed, String> {
    if record.len() != COLUMNS.len() {
        return Err(format!(
            "schema: {} fields, expected {}",
            record.len(),
            COLUMNS.len()
        ));
    }
    let field = |i: usize| -> std::result::Result<&str, String> {
        std::str::from_utf8(&record[i])
            .map(str::trim)
            .map_err(|_| format!("encoding: {} is not valid UTF-8", COLUMNS[i]))
    };
    let code = field(0)?.to_uppercase();
    let port = context
        .registry
        .get(&code)
        .ok_or_else(|| crate::reference::PortRegistry::unknown_port_reason(&code))?;
    let terminal = field(1)?.to_string();
    if terminal.is_empty() {
        return Err("schema: Terminal is empty".to_string());
    }
    let date_text = field(2)?;
    let local_date = NaiveDate::parse_from_str(date_text, "%m/%d/%Y")
        .map_err(|_| format!("type: Date '{date_text}' is not a date in M/D/YYYY form"))?;
    let hour_text = field(3)?;
    let local_hour = parse_hour(hour_text)?;
    let mut waits = [None; 6];
    for (slot, i) in waits.iter_mut().zip(4..10) {
        let text = field(i)?;
        if !text.is_empty() {
            let minutes: f64 = text
                .parse()
                .map_err(|_| format!("type: {} '{text}' is not a number", COLUMNS[i]))?;
            if !(0.0..=1440.0).contains(&minutes) {
                return Err(format!(
                    "range: {} = {minutes} minutes is outside 0 to 1440",
                    COLUMNS[i]
                ));
            }
            *slot = Some(minutes);
        }
    }
    let mut counts = [0i64; 11];
    for (slot, i) in counts.iter_mut().zip(10..21) {
        let text = field(i)?;
        *slot = text
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| {
                format!(
                    "type: {} '{text}' is not a whole number of zero or more",
                    COLUMNS[i]
                )
            })?;
    }
    let parts: i64 = counts[..8].iter().sum();
    let total_finding = (parts != counts[8]).then(|| Finding {
        record_number: 0,
        check_name: "pax_total_vs_parts",
        declared: Some(counts[8] as f64),
        computed: Some(parts as f64),
        message: format!(
            "{code} {terminal} {local_date} {local_hour:02}:00: Total declares {} passengers \
             but the wait buckets and Excluded add up to {parts}",
            counts[8]
        ),
    });
    let row = WaitHour {
        line: 0,
        terminal,
        hour_start: 0,
        hour_minutes: 60,
        local_hour,
        waits,
        counts,
    };
    let naive = NaiveDateTime::new(
        local_date,
        NaiveTime::from_hms_opt(local_hour as u32, 0, 0).ok_or("range: bad hour")?,
    );
    let port_code = port.code.clone();
    match resolve_local(port.zone, naive) {
        LocalHour::Single(start) => Ok(Parsed::Single {
            port: port_code,
            local_date,
            row: WaitHour {
                hour_start: start.timestamp_millis(),
                ..row
            },
            total_finding,
        }),
        LocalHour::Twice(earlier, later) => Ok(Parsed::Folded {
            port: port_code,
            local_date,
            earlier,
            later,
            row,
            total_finding,
        }),
        LocalHour::Missing => Err(format!(
            "time: {local_date} {local_hour:02}:00 does not exist in {} (clocks jumped \
             forward for daylight saving), so no passengers can have been counted in it",
            port.zone.name()
        )),
    }
}

/// Parses `"0900 - 1000"` to 9.
fn parse_hour(text: &str) -> std::result::Result<i32, String> {
    let bad = || format!("type: Hour '{text}' is not of the form 'HH00 - HH00'");
    let (start, end) = text.split_once('-').ok_or_else(bad)?;
    let (start, end) = (start.trim(), end.trim());
    if start.len() != 4 || end.len() != 4 || !start.ends_with("00") || !end.ends_with("00") {
        return Err(bad());
    }
    let from: i32 = start[..2].parse().map_err(|_| bad())?;
    let to: i32 = end[..2].parse().map_err(|_| bad())?;
    if !(0..24).contains(&from) || (from + 1) % 24 != to {
        return Err(format!("range: Hour '{text}' is not one hour of a day"));
    }
    Ok(from)
}

/// A local hour start, in UTC.
#[derive(Debug, PartialEq)]
pub(crate) enum LocalHour {
    Single(DateTime<Utc>),
    /// Clocks fell back: the hour happens twice.
    Twice(DateTime<Utc>, DateTime<Utc>),
    /// Clocks jumped forward: the hour does not exist.
    Missing,
}

pub(crate) fn resolve_local(zone: Tz, local: NaiveDateTime) -> LocalHour {
    match zone.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => LocalHour::Single(t.with_timezone(&Utc)),
        chrono::LocalResult::Ambiguous(a, b) => {
            let (a, b) = (a.with_timezone(&Utc), b.with_timezone(&Utc));
            LocalHour::Twice(a.min(b), a.max(b))
        }
        chrono::LocalResult::None => LocalHour::Missing,
    }
}

fn to_batch(port: &str, local_date: NaiveDate, rows: &[WaitHour]) -> Result<RecordBatch> {
    let days = local_date
        .signed_duration_since(NaiveDate::default())
        .num_days() as i32;
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(rows.iter().map(|_| port))),
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|r| r.terminal.as_str()),
        )),
        Arc::new(
            TimestampMillisecondArray::from_iter_values(rows.iter().map(|r| r.hour_start))
                .with_timezone("UTC"),
        ),
        Arc::new(Int32Array::from_iter_values(
            rows.iter().map(|r| r.hour_minutes),
        )),
        Arc::new(Date32Array::from(vec![days; rows.len()])),
        Arc::new(Int32Array::from_iter_values(
            rows.iter().map(|r| r.local_hour),
        )),
    ];
    for i in 0..6 {
        columns.push(Arc::new(Float64Array::from_iter(
            rows.iter().map(|r| r.waits[i]),
        )));
    }
    for i in 0..11 {
        columns.push(Arc::new(Int64Array::from_iter_values(
            rows.iter().map(|r| r.counts[i]),
        )));
    }
    Ok(RecordBatch::try_new(Table::WaitHourly.schema(), columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::PortRegistry;

    const HEADER: &str = r#""Airport","Terminal","Date","Hour","U.S._Citizen_Average_Wait_Time","U.S._Citizen_Max_Wait_Time","Non_U.S._Citizen_Average_Wait_Time","Non_U.S._Citizen_Max_Wait_Time","All_Passengers_Average_Wait_Time","All_Passengers_Max_Wait_Time","Number_Of_Passengers_Time_Interval_0-15","Number_Of_Passengers_Time_Interval_16-30","Number_Of_Passengers_Time_Interval_31-45","Number_Of_Passengers_Time_Interval_46-60","Number_Of_Passengers_Time_Interval_61-90","Number_Of_Passengers_Time_Interval_91-120","Number_Of_Passengers_Time_Interval_120_plus","Excluded","Total","Flights","Booths""#;

    fn row(date: &str, hour: &str, total: u32) -> String {
        format!(
            r#""JFK","Terminal 4","{date}","{hour}","12","45","23","47","17","47","60","20","10","5","0","0","0","5","{total}","3","12""#
        )
    }

    fn convert_text(lines: &[String]) -> FeedOutput {
        let registry = PortRegistry::embedded();
        let context = FeedContext {
            registry: &registry,
            key: None,
            source_file: "t.csv",
            first_line: 1,
            header: None,
        };
        let text = format!("{HEADER}\n{}\n", lines.join("\n"));
        convert(text.as_bytes(), &context)
    }

    fn starts(out: &FeedOutput) -> Vec<(i64, i32)> {
        let mut all = vec![];
        for p in &out.partitions {
            let b = &p.batch;
            let s = b
                .column(2)
                .as_any()
                .downcast_ref::<TimestampMillisecondArray>()
                .unwrap();
            let m = b.column(3).as_any().downcast_ref::<Int32Array>().unwrap();
            for i in 0..b.num_rows() {
                all.push((s.value(i) / 3_600_000, m.value(i)));
            }
        }
        all
    }

    #[test]
    fn ordinary_hour_is_converted_to_utc() {
        // 09:00 EST on 1 January 2018 is 14:00 UTC.
        let out = convert_text(&[row("1/1/2018", "0900 - 1000", 100)]);
        assert_eq!((out.rows_in, out.rows_landed()), (1, 1));
        let expected = Utc
            .with_ymd_and_hms(2018, 1, 1, 14, 0, 0)
            .unwrap()
            .timestamp_millis();
        assert_eq!(starts(&out), vec![(expected / 3_600_000, 60)]);
        assert!(out.findings.is_empty());
    }

    #[test]
    fn hour_skipped_by_daylight_saving_is_rejected_not_guessed() {
        let out = convert_text(&[row("3/11/2018", "0200 - 0300", 100)]);
        assert_eq!((out.rows_in, out.rows_landed()), (1, 0));
        assert!(
            out.rejects[0]
                .reason
                .contains("does not exist in America/New_York")
        );
        assert_eq!(out.rejects[0].record_number, 2);
    }

    #[test]
    fn repeated_hour_reported_once_covers_both_occurrences() {
        let out = convert_text(&[row("11/4/2018", "0100 - 0200", 100)]);
        // 01:00 EDT is 05:00 UTC; the repeated 01:00 EST is 06:00 UTC.
        let earlier = Utc
            .with_ymd_and_hms(2018, 11, 4, 5, 0, 0)
            .unwrap()
            .timestamp_millis();
        assert_eq!(starts(&out), vec![(earlier / 3_600_000, 120)]);
        assert_eq!(out.findings[0].check_name, "repeated_local_hour");
    }

    #[test]
    fn repeated_hour_reported_twice_gets_both_utc_hours() {
        let out = convert_text(&[
            row("11/4/2018", "0100 - 0200", 100),
            row("11/4/2018", "0100 - 0200", 100),
        ]);
        let earlier = Utc
            .with_ymd_and_hms(2018, 11, 4, 5, 0, 0)
            .unwrap()
            .timestamp_millis();
        assert_eq!(
            starts(&out),
            vec![(earlier / 3_600_000, 60), (earlier / 3_600_000 + 1, 60)]
        );
        assert!(out.findings.is_empty());
    }

    #[test]
    fn total_that_disagrees_with_its_parts_lands_with_a_finding() {
        let out = convert_text(&[row("1/2/2018", "0900 - 1000", 101)]);
        assert_eq!(out.rows_landed(), 1);
        let finding = &out.findings[0];
        assert_eq!(finding.check_name, "pax_total_vs_parts");
        assert_eq!(
            (finding.declared, finding.computed),
            (Some(101.0), Some(100.0))
        );
        assert_eq!(finding.record_number, 2);
    }

    #[test]
    fn duplicate_hour_and_bad_fields_are_rejected_with_reasons() {
        let out = convert_text(&[
            row("1/2/2018", "0900 - 1000", 100),
            row("1/2/2018", "0900 - 1000", 100),
            row("13/2/2018", "0900 - 1000", 100),
            row("1/2/2018", "0900 - 1100", 100),
            row("1/2/2018", "1000 - 1100", 100).replace("\"JFK\"", "\"XXX\""),
        ]);
        assert_eq!((out.rows_in, out.rows_landed()), (5, 1));
        let reasons: Vec<&str> = out.rejects.iter().map(|r| r.reason.as_str()).collect();
        assert!(
            reasons[0].contains("already given on line 2"),
            "{reasons:?}"
        );
        assert!(reasons[1].starts_with("type: Date"));
        assert!(reasons[2].starts_with("range: Hour"));
        assert!(reasons[3].contains("unknown port 'XXX'"));
    }

    #[test]
    fn random_damage_never_panics_and_every_row_is_accounted_for() {
        use rand::SeedableRng;
        let rows = [
            r#""JFK","Terminal 4","1/2/2018","0900 - 1000","10","22","14","40","12","40","100","50","20","5","0","0","0","3","178","4","10""#,
            r#""JFK","Terminal 1","1/2/2018","1000 - 1100","8","15","11","30","9","30","80","20","0","0","0","0","0","0","100","2","6""#,
        ];
        let text = format!("{HEADER}\n{}\n{}\n", rows[0], rows[1]);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(8);
        let registry = PortRegistry::embedded();
        for _ in 0..3000 {
            let mut bytes = text.as_bytes().to_vec();
            crate::feeds::damage::mutate(&mut rng, &mut bytes, b"\",0123456789-/ \r\n\xff");
            let context = FeedContext::whole_file(&registry, None, "JFK.csv");
            let out = convert(&bytes, &context);
            assert_eq!(out.rows_in, out.rows_landed() + out.rejects.len() as u64);
        }
    }
}
