//! Tests of the generator through its public entry point: the files it writes are read
//! back — with serde_json, csv and calamine, never with the ingest adapters — and checked
//! against the format docs in `crate::feeds`, against each other (one story across
//! agencies), and against the brief (determinism, calibration, time zones, bottlenecks,
//! faults).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Timelike};
use chrono_tz::Tz;
use serde_json::Value;

use super::profile::RECORDS_PER_FOREIGN_ARRIVAL;
use super::*;
use crate::feeds::{Feed, NightlyName};
use crate::reference::PortRegistry;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

fn options(
    out: &Path,
    from: NaiveDate,
    days: u32,
    ports: &[&str],
    seed: u64,
    scale: f64,
) -> GenerateOptions {
    GenerateOptions {
        out_dir: out.to_path_buf(),
        from,
        days,
        ports: ports.iter().map(|p| p.to_string()).collect(),
        seed,
        scale,
        faults: 0.0,
    }
}

fn run(opts: &GenerateOptions) -> GenerateSummary {
    let registry = PortRegistry::embedded();
    let mut seen = 0usize;
    let summary = generate(opts, &registry, &mut |_| seen += 1).expect("generation succeeds");
    assert_eq!(
        seen,
        summary.files.len(),
        "progress is called once per file"
    );
    summary
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

fn zone_of(port: &str) -> Tz {
    PortRegistry::embedded()
        .get(port)
        .expect("registered port")
        .zone
}

fn of(summary: &GenerateSummary, feed: Feed) -> Vec<&GeneratedFile> {
    summary.files.iter().filter(|f| f.feed == feed).collect()
}

/// The file of a feed, port and night (the first one, if it was re-sent).
fn file_of<'a>(
    summary: &'a GenerateSummary,
    feed: Feed,
    port: &str,
    night: NaiveDate,
) -> &'a GeneratedFile {
    summary
        .files
        .iter()
        .find(|f| f.feed == feed && f.port == port && f.night == night)
        .unwrap_or_else(|| panic!("no {} file for {port} {night}", feed.name()))
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .expect("under out_dir")
        .to_string_lossy()
        .replace('\\', "/")
}

fn read_lines(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).expect("generated file is readable UTF-8");
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str::<Value>(l)
                .unwrap_or_else(|e| panic!("{}:{}: not JSON ({e}): {l}", path.display(), i + 1))
        })
        .collect()
}

/// A clean delimited file: its header and rows, every row as wide as the header.
fn read_csv(path: &Path, separator: u8) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .from_path(path)
        .expect("readable CSV");
    let header: Vec<String> = reader
        .headers()
        .expect("header line")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            r.iter().map(str::to_string).collect::<Vec<_>>()
        })
        .collect();
    (header, rows)
}

/// A workbook's sheets, each as rows of cells.
fn read_workbook(path: &Path) -> Vec<(String, Vec<Vec<Data>>)> {
    let bytes = std::fs::read(path).expect("read workbook");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("a readable workbook");
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).expect("readable sheet");
            let rows = range.rows().map(<[Data]>::to_vec).collect();
            (name, rows)
        })
        .collect()
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("UTF-8 document");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn int(v: &Value, field: &str) -> i64 {
    v.get(field)
        .and_then(Value::as_i64)
        .unwrap_or_else(|| panic!("{field} is not an integer in {v}"))
}

fn text<'a>(v: &'a Value, field: &str) -> &'a str {
    v.get(field)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{field} is not a string in {v}"))
}

fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("not text: {other:?}"),
    }
}

fn local_hour(zone: Tz, ms: i64) -> u32 {
    zone.timestamp_millis_opt(ms)
        .single()
        .expect("valid instant")
        .hour()
}

/// A customs local time, `dd/mm/yyyy HH:MM:SS`, as UTC milliseconds.
fn customs_time(zone: Tz, text: &str) -> i64 {
    let naive = NaiveDateTime::parse_from_str(text, "%d/%m/%Y %H:%M:%S")
        .unwrap_or_else(|e| panic!("customs time '{text}': {e}"));
    zone.from_local_datetime(&naive)
        .single()
        .expect("unambiguous local time")
        .timestamp_millis()
}

/// An authority UTC time, `YYYY-MM-DDTHH:MM:SSZ`, as UTC milliseconds.
fn authority_time(text: &str) -> i64 {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%SZ")
        .unwrap_or_else(|e| panic!("authority time '{text}': {e}"))
        .and_utc()
        .timestamp_millis()
}

fn rfc3339(text: &str) -> i64 {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("time '{text}': {e}"))
        .timestamp_millis()
}

/// Share of travellers waiting (reached counter − joined queue) over 30 minutes, per
/// local hour of `waktu_antri`; hours without a recorded counter time are left out.
fn hourly_long_wait_share(records: &[Value], zone: Tz) -> BTreeMap<u32, (u32, u32)> {
    let mut hours: BTreeMap<u32, (u32, u32)> = BTreeMap::new();
    for r in records {
        let Some(loket) = r.get("waktu_loket").and_then(Value::as_i64) else {
            continue;
        };
        let antri = int(r, "waktu_antri");
        let e = hours.entry(local_hour(zone, antri)).or_default();
        e.1 += 1;
        if loket - antri > 30 * 60_000 {
            e.0 += 1;
        }
    }
    hours
}

fn bottleneck_hours(records: &[Value], zone: Tz) -> (usize, usize) {
    let hours = hourly_long_wait_share(records, zone);
    let bottlenecks = hours
        .values()
        .filter(|(long, all)| *all > 0 && f64::from(*long) > 0.1 * f64::from(*all))
        .count();
    (
        bottlenecks,
        hours.values().filter(|(_, all)| *all > 0).count(),
    )
}

#[test]
fn generate_same_seed_same_bytes_different_seed_different_bytes() {
    let (a, b, c, d) = (tempdir(), tempdir(), tempdir(), tempdir());
    let from = date(2026, 10, 20);
    let ports = ["CGK", "BTM", "ATB"];
    let with_faults = |out: &Path, seed, from, days, ports: &[&str]| GenerateOptions {
        faults: 0.01,
        ..options(out, from, days, ports, seed, 0.05)
    };
    let first = run(&with_faults(a.path(), 7, from, 2, &ports));
    let second = run(&with_faults(b.path(), 7, from, 2, &ports));
    let other = run(&with_faults(c.path(), 8, from, 2, &ports));
    assert!(first.files.len() >= 36, "{} files", first.files.len());
    assert_eq!(first.files.len(), second.files.len());
    for (f1, f2) in first.files.iter().zip(&second.files) {
        assert_eq!(relative(a.path(), &f1.path), relative(b.path(), &f2.path));
        assert_eq!(
            std::fs::read(&f1.path).expect("read"),
            std::fs::read(&f2.path).expect("read"),
            "same seed must give identical bytes: {}",
            f1.path.display()
        );
    }
    assert_eq!(
        std::fs::read(a.path().join(FAULTS_FILE)).expect("fault list"),
        std::fs::read(b.path().join(FAULTS_FILE)).expect("fault list")
    );
    // A different seed changes every export of every feed that holds records.
    for feed in FEEDS {
        for f1 in of(&first, feed).into_iter().filter(|f| f.records > 0) {
            let f3 = file_of(&other, feed, &f1.port, f1.night);
            assert_ne!(
                std::fs::read(&f1.path).expect("read"),
                std::fs::read(&f3.path).expect("read"),
                "{} did not change with the seed",
                f1.path.display()
            );
        }
    }

    // One port for one night alone gives the same files as inside the full run.
    let night = date(2026, 10, 21);
    let single = run(&with_faults(d.path(), 7, night, 1, &["BTM"]));
    assert!(single.files.len() >= 6);
    for f in &single.files {
        let inside = a.path().join(relative(d.path(), &f.path));
        assert_eq!(
            std::fs::read(&f.path).expect("read"),
            std::fs::read(&inside).expect("the same file in the full run"),
            "{}",
            f.path.display()
        );
    }
}

#[test]
fn generate_writes_the_documented_layout() {
    let dir = tempdir();
    let summary = run(&options(
        dir.path(),
        date(2026, 10, 20),
        2,
        &["dps", "JYP"],
        1,
        0.02,
    ));
    assert_eq!(summary.files.len(), 2 * 2 * 6);
    let mut expected_order = Vec::new();
    for night in [date(2026, 10, 20), date(2026, 10, 21)] {
        for port in ["DPS", "JYP"] {
            for feed in FEEDS {
                expected_order.push((night, port.to_string(), feed));
            }
        }
    }
    let order: Vec<_> = summary
        .files
        .iter()
        .map(|f| (f.night, f.port.clone(), f.feed))
        .collect();
    assert_eq!(order, expected_order);
    for f in &summary.files {
        let path = relative(dir.path(), &f.path);
        let (folder, name) = path.split_once('/').expect("night folder");
        assert_eq!(folder, f.night.format("%Y-%m-%d").to_string());
        let parsed = NightlyName::parse(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(
            (parsed.feed, parsed.port.as_str(), parsed.night),
            (f.feed, f.port.as_str(), f.night)
        );
        assert_eq!(Feed::recognise(name, b""), Some(f.feed), "{name}");
        // Exported shortly after the local midnight that ends the night.
        let exported = parsed
            .exported_at
            .expect("every file carries an export stamp");
        let zone = zone_of(&f.port);
        let night_end = zone
            .from_local_datetime(
                &f.night
                    .succ_opt()
                    .expect("date")
                    .and_time(Default::default()),
            )
            .single()
            .expect("midnight")
            .with_timezone(&chrono::Utc);
        let after = exported - night_end;
        assert!(
            after > Duration::minutes(4) && after < Duration::hours(9),
            "{name} exported {after} after the night"
        );
        if f.feed == Feed::Bcm {
            assert_eq!(read_lines(&f.path).len() as u64, f.records);
        }
    }
    // No partial files are left behind; the fault list has only its header.
    for night in ["2026-10-20", "2026-10-21"] {
        for entry in std::fs::read_dir(dir.path().join(night)).expect("night folder") {
            let name = entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .to_string();
            assert!(!name.ends_with(".partial"), "unexpected file {name}");
        }
    }
    assert!(summary.faults.is_empty());
    assert_eq!(
        std::fs::read_to_string(dir.path().join(FAULTS_FILE)).expect("fault list"),
        "feed,file,record_number,kind,detail\n"
    );
}

#[test]
fn generate_all_ports_means_every_indonesian_port_and_no_benchmark() {
    let dir = tempdir();
    let summary = run(&options(dir.path(), date(2026, 1, 5), 1, &[], 3, 0.01));
    let registry = PortRegistry::embedded();
    let expected: Vec<&str> = registry
        .iter()
        .filter(|p| !p.benchmark)
        .map(|p| p.code.as_str())
        .collect();
    let got: Vec<&str> = of(&summary, Feed::Bcm)
        .iter()
        .map(|f| f.port.as_str())
        .collect();
    assert_eq!(got, expected);
    assert_eq!(got.len(), 26);
    assert!(!got.contains(&"JFK"));
    for feed in FEEDS {
        assert_eq!(of(&summary, feed).len(), 26, "{}", feed.name());
    }
}

#[test]
fn generate_every_line_has_the_documented_fields() {
    let dir = tempdir();
    let ports = [
        "CGK", "DPS", "KNO", "LOP", "BTM", "TBN", "ETK", "ATB", "JYP",
    ];
    let summary = run(&options(dir.path(), date(2026, 3, 2), 2, &ports, 11, 0.2));
    let registry = PortRegistry::embedded();
    let mut ids = HashSet::new();
    let mut total = 0usize;
    let mut hasil: HashMap<String, usize> = HashMap::new();
    let mut status: HashMap<String, usize> = HashMap::new();
    let (mut loket_missing, mut notices, mut autogates, mut buses) = (0usize, 0, 0, 0);
    for f in of(&summary, Feed::Bcm) {
        let port = registry.get(&f.port).expect("registered port");
        let kind = format!("{:?}", port.kind).to_lowercase();
        let ymd = f.night.format("%Y%m%d").to_string();
        let records = read_lines(&f.path);
        assert!(!records.is_empty(), "{} is empty", f.path.display());
        for (i, r) in records.iter().enumerate() {
            total += 1;
            let obj = r.as_object().expect("each line is a JSON object");
            let id = text(r, "id_transaksi");
            assert_eq!(id, format!("{}-{ymd}-{:07}", f.port, i + 1));
            assert!(ids.insert(id.to_string()), "duplicate id {id}");
            assert_eq!(text(r, "kode_tpi"), f.port);
            let terminal = text(r, "terminal");
            let loket = text(r, "loket");
            let lane = text(r, "jenis_loket");
            assert!(
                loket.starts_with(&format!(
                    "{terminal}-{}",
                    if lane == "autogate" { "A" } else { "M" }
                )),
                "{r}"
            );
            assert!(lane == "manual" || lane == "autogate");
            if lane == "autogate" {
                autogates += 1;
                assert_eq!(kind, "air", "autogates only at airports: {r}");
            }
            assert!(["kedatangan", "keberangkatan"].contains(&text(r, "arah")));
            let wn = text(r, "kewarganegaraan");
            let negara = text(r, "negara");
            assert!(
                negara.len() == 3 && negara.chars().all(|c| c.is_ascii_uppercase()),
                "{r}"
            );
            match wn {
                "WNI" => assert_eq!(negara, "IDN"),
                "WNA" => assert_ne!(negara, "IDN"),
                other => panic!("kewarganegaraan {other}"),
            }
            let trip = text(r, "no_penerbangan");
            match kind.as_str() {
                "air" => assert!(
                    trip.len() >= 5
                        && trip[..2].chars().all(|c| c.is_ascii_alphanumeric())
                        && trip[2..].chars().all(|c| c.is_ascii_digit()),
                    "flight {trip}"
                ),
                "sea" => assert!(trip.starts_with("MV-"), "vessel {trip}"),
                _ => {
                    // Cars cross as DARAT; a bus service has its operator and number.
                    if trip != "DARAT" {
                        buses += 1;
                        let (operator, number) = trip.rsplit_once('-').expect("bus service");
                        assert!(operator.chars().all(|c| c.is_ascii_uppercase()), "{trip}");
                        assert!(number.len() == 2 && number.parse::<u32>().is_ok(), "{trip}");
                    }
                }
            }
            let passport = text(r, "no_paspor");
            assert!(passport.len() >= 8 && passport.chars().all(|c| c.is_ascii_alphanumeric()));
            assert!(text(r, "nama").len() >= 3);
            let antri = int(r, "waktu_antri");
            let selesai = int(r, "waktu_selesai");
            match obj.get("waktu_loket") {
                Some(Value::Number(n)) => {
                    let loket = n.as_i64().expect("integer waktu_loket");
                    assert!(
                        antri <= loket && loket <= selesai,
                        "times out of order: {r}"
                    );
                }
                Some(Value::Null) | None => {
                    loket_missing += 1;
                    assert!(antri <= selesai);
                }
                Some(other) => panic!("waktu_loket {other}"),
            }
            *hasil.entry(text(r, "hasil").to_string()).or_default() += 1;
            let check = r
                .get("i247")
                .and_then(Value::as_object)
                .expect("i247 object");
            let st = check
                .get("status")
                .and_then(Value::as_str)
                .expect("i247.status");
            let ms = check
                .get("waktu_respons_ms")
                .and_then(Value::as_u64)
                .expect("i247.waktu_respons_ms");
            *status.entry(st.to_string()).or_default() += 1;
            if st == "TIMEOUT" {
                assert!(ms >= 5000, "timeouts take 5 s or more: {r}");
            }
            match check.get("jenis_notice") {
                Some(Value::Null) => {}
                Some(Value::String(n)) => {
                    notices += 1;
                    assert!(
                        ["RED", "YELLOW", "BLUE", "GREEN", "DIFFUSION", "SLTD"]
                            .contains(&n.as_str())
                    );
                }
                other => panic!("jenis_notice {other:?}"),
            }
        }
    }
    let share = |n: usize| n as f64 / total as f64;
    let get = |m: &HashMap<String, usize>, k: &str| m.get(k).copied().unwrap_or(0);
    assert!(total > 20_000, "{total}");
    assert!(hasil.keys().all(|k| {
        [
            "lolos",
            "pemeriksaan_lanjutan",
            "tolak",
            "tangkal",
            "ditahan",
        ]
        .contains(&k.as_str())
    }));
    assert!(share(get(&hasil, "lolos")) > 0.97, "{hasil:?}");
    assert!(
        (0.005..0.02).contains(&share(get(&hasil, "pemeriksaan_lanjutan"))),
        "{hasil:?}"
    );
    assert!(
        share(get(&hasil, "tolak") + get(&hasil, "tangkal") + get(&hasil, "ditahan")) < 0.003,
        "{hasil:?}"
    );
    assert!(
        (0.008..0.03).contains(&share(get(&status, "TIMEOUT"))),
        "{status:?}"
    );
    assert!(
        (0.001..0.006).contains(&share(get(&status, "ERROR"))),
        "{status:?}"
    );
    assert!(
        (0.001..0.006).contains(&share(loket_missing)),
        "{loket_missing} of {total}"
    );
    assert!(share(notices) < 0.003);
    assert!(autogates > 0);
    assert!(buses > 0, "some travellers cross the land borders by bus");
}

#[test]
fn generate_times_are_local_to_the_night_in_each_zone() {
    let dir = tempdir();
    // WIB, WITA and WIT ports, across a month boundary.
    let summary = run(&options(
        dir.path(),
        date(2026, 1, 31),
        2,
        &["CGK", "DPS", "ATB", "JYP", "BTM"],
        5,
        0.05,
    ));
    let registry = PortRegistry::embedded();
    for f in of(&summary, Feed::Bcm) {
        let zone = zone_of(&f.port);
        let records = read_lines(&f.path);
        let mut previous = i64::MIN;
        let mut hours = HashSet::new();
        for r in &records {
            let antri = int(r, "waktu_antri");
            assert!(antri >= previous, "records are ordered by waktu_antri");
            previous = antri;
            let local = zone
                .timestamp_millis_opt(antri)
                .single()
                .expect("valid instant");
            assert_eq!(local.date_naive(), f.night, "{}: {r}", f.path.display());
            hours.insert(local.hour());
        }
        let kind = format!("{:?}", registry.get(&f.port).expect("port").kind);
        if kind != "Air" {
            // Seaports and land crossings are daytime only.
            assert!(
                hours.iter().all(|h| (7..21).contains(h)),
                "{}: hours {hours:?}",
                f.port
            );
        } else {
            assert!(
                hours.len() >= 20,
                "{}: an international airport works round the clock: {hours:?}",
                f.port
            );
        }
    }
}

#[test]
fn generate_volumes_follow_bps_for_a_big_and_a_small_port() {
    // July: BPS 2024 has 271,680 foreign arrivals at Soekarno-Hatta and 940 at Nanga Badau.
    let dir = tempdir();
    let cgk = run(&options(
        dir.path(),
        date(2026, 7, 1),
        31,
        &["CGK"],
        21,
        0.1,
    ));
    let nbd = run(&options(
        dir.path(),
        date(2026, 7, 1),
        31,
        &["NBD"],
        21,
        1.0,
    ));
    let expect_cgk = 271_680.0 * RECORDS_PER_FOREIGN_ARRIVAL * 0.1;
    let expect_nbd = 940.0 * RECORDS_PER_FOREIGN_ARRIVAL;
    let got_cgk = cgk.records_of(Feed::Bcm) as f64;
    let got_nbd = nbd.records_of(Feed::Bcm) as f64;
    assert!(
        (got_cgk / expect_cgk - 1.0).abs() < 0.03,
        "CGK {got_cgk} vs {expect_cgk}"
    );
    assert!(
        (got_nbd / expect_nbd - 1.0).abs() < 0.08,
        "NBD {got_nbd} vs {expect_nbd}"
    );
    // Days differ (Poisson noise and weekdays), and the file counts are the lines.
    let cgk_bcm = of(&cgk, Feed::Bcm);
    let per_day: HashSet<u64> = cgk_bcm.iter().map(|f| f.records).collect();
    assert!(per_day.len() > 20);
    for f in of(&nbd, Feed::Bcm).iter().take(3) {
        assert_eq!(read_lines(&f.path).len() as u64, f.records);
    }
    // Arrivals and departures mirror each other.
    let sample = read_lines(&cgk_bcm[0].path);
    let arrivals = sample
        .iter()
        .filter(|r| text(r, "arah") == "kedatangan")
        .count();
    assert!((arrivals as f64 / sample.len() as f64 - 0.5).abs() < 0.02);
    let foreign = sample
        .iter()
        .filter(|r| text(r, "kewarganegaraan") == "WNA")
        .count();
    assert!((foreign as f64 / sample.len() as f64 - 1.0 / 1.35).abs() < 0.03);
}

#[test]
fn generate_cgk_has_some_but_not_most_bottleneck_hours() {
    // A week of August at real national volume. Bottleneck hour: more than 10% of the
    // hour's travellers waited over 30 minutes. CGK should have a few such hours on some
    // days, never most of a day's hours, and a small border post almost none.
    let dir = tempdir();
    let summary = run(&options(
        dir.path(),
        date(2026, 8, 3),
        7,
        &["CGK", "ARK"],
        1,
        1.0,
    ));
    let zone = chrono_tz::Asia::Jakarta;
    let (mut days_with, mut bottlenecks, mut hours, mut small) = (0, 0, 0, 0);
    for f in of(&summary, Feed::Bcm) {
        let records = read_lines(&f.path);
        let (b, h) = bottleneck_hours(&records, zone);
        if f.port == "CGK" {
            assert!(
                records.len() > 18_000,
                "{}: {} records",
                f.night,
                records.len()
            );
            assert!(h >= 22, "{}: only {h} hours with travellers", f.night);
            assert!(
                b * 2 < h,
                "{}: {b} of {h} hours are bottlenecks: {:?}",
                f.night,
                hourly_long_wait_share(&records, zone)
            );
            days_with += usize::from(b > 0);
            bottlenecks += b;
            hours += h;
        } else {
            small += b;
        }
    }
    assert!(
        days_with >= 2,
        "bottleneck hours on only {days_with} of 7 days"
    );
    assert!(bottlenecks >= 3, "{bottlenecks} bottleneck hours in a week");
    assert!(
        bottlenecks * 10 < hours,
        "{bottlenecks} of {hours} hours are bottlenecks"
    );
    assert!(small <= 1, "{small} bottleneck hours at Aruk in a week");
}

#[test]
fn generate_returning_travellers_keep_passport_and_name() {
    let dir = tempdir();
    let summary = run(&options(
        dir.path(),
        date(2026, 5, 1),
        21,
        &["DPS"],
        4,
        0.02,
    ));
    // passport -> (name, nationality, night) of foreigners' arrivals and citizens' departures
    let mut earlier: HashMap<(String, String), (String, String, NaiveDate)> = HashMap::new();
    let (mut departures, mut returning_foreigners, mut returning_citizens) =
        (0usize, 0usize, 0usize);
    for f in of(&summary, Feed::Bcm) {
        for r in read_lines(&f.path) {
            let passport = text(&r, "no_paspor").to_string();
            let who = (
                text(&r, "nama").to_string(),
                text(&r, "negara").to_string(),
                f.night,
            );
            let wn = text(&r, "kewarganegaraan");
            let arrival = text(&r, "arah") == "kedatangan";
            match (wn, arrival) {
                ("WNA", true) | ("WNI", false) => {
                    earlier.insert((wn.to_string(), passport), who);
                }
                (_, _) => {
                    if wn == "WNA" && f.night >= date(2026, 5, 15) {
                        departures += 1;
                    }
                    if let Some((name, negara, night)) = earlier.get(&(wn.to_string(), passport)) {
                        assert_eq!(
                            (name, negara),
                            (&who.0, &who.1),
                            "same passport, same person"
                        );
                        assert!(
                            *night < f.night,
                            "the earlier trip leg is on an earlier night"
                        );
                        if wn == "WNA" {
                            returning_foreigners += usize::from(f.night >= date(2026, 5, 15));
                        } else {
                            returning_citizens += 1;
                        }
                    }
                }
            }
        }
    }
    // In the last week nearly every earlier arrival is inside the generated window.
    let share = returning_foreigners as f64 / departures as f64;
    assert!(
        (0.3..0.7).contains(&share),
        "{returning_foreigners} of {departures} departing foreigners arrived earlier"
    );
    assert!(
        returning_citizens > 100,
        "{returning_citizens} citizens came home"
    );
}

#[test]
fn generate_nationality_mix_follows_the_port() {
    let dir = tempdir();
    let summary = run(&options(
        dir.path(),
        date(2026, 6, 1),
        3,
        &["ATB", "JYP", "ETK", "BTM", "TBK", "DPS"],
        12,
        0.3,
    ));
    let mut mix: HashMap<String, HashMap<String, usize>> = HashMap::new();
    for f in of(&summary, Feed::Bcm) {
        for r in read_lines(&f.path) {
            if text(&r, "kewarganegaraan") == "WNA" {
                *mix.entry(f.port.clone())
                    .or_default()
                    .entry(text(&r, "negara").to_string())
                    .or_default() += 1;
            }
        }
    }
    let share = |port: &str, nat: &str| {
        let m = &mix[port];
        m.get(nat).copied().unwrap_or(0) as f64 / m.values().sum::<usize>() as f64
    };
    assert!(share("ATB", "TLS") > 0.85);
    assert!(share("JYP", "PNG") > 0.85);
    assert!(share("ETK", "MYS") > 0.85);
    assert!(share("BTM", "SGP") > 0.5);
    assert!(share("TBK", "SGP") + share("TBK", "MYS") > 0.7);
    let dps_top = mix["DPS"]
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(k, _)| k.as_str());
    assert_eq!(dps_top, Some("AUS"));
    assert!(mix["DPS"].len() >= 10, "a varied mix at Bali");
}

#[test]
fn generate_rejects_bad_options_with_helpful_messages() {
    let dir = tempdir();
    let registry = PortRegistry::embedded();
    let attempt = |opts: GenerateOptions| generate(&opts, &registry, &mut |_| {}).map(|_| ());
    let base = options(dir.path(), date(2026, 1, 1), 1, &["CGK"], 1, 0.01);

    let err = attempt(GenerateOptions {
        ports: vec!["XXX".into()],
        ..base.clone()
    })
    .expect_err("unknown port");
    assert!(matches!(err, GenerateError::UnknownPort { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("XXX") && msg.contains("CGK") && msg.contains("ports.csv"),
        "{msg}"
    );

    let err = attempt(GenerateOptions {
        ports: vec!["JFK".into()],
        ..base.clone()
    })
    .expect_err("benchmark");
    assert!(err.to_string().contains("benchmark"), "{err}");

    let err = attempt(GenerateOptions {
        days: 0,
        ..base.clone()
    })
    .expect_err("no nights");
    assert!(err.to_string().contains("days"), "{err}");
    for scale in [f64::NAN, -1.0, f64::INFINITY, 1e9] {
        let err = attempt(GenerateOptions {
            scale,
            ..base.clone()
        })
        .expect_err("bad scale");
        assert!(err.to_string().contains("scale"), "{err}");
    }
    for faults in [f64::NAN, -0.1, 1.5] {
        let err = attempt(GenerateOptions {
            faults,
            ..base.clone()
        })
        .expect_err("bad fault rate");
        assert!(err.to_string().contains("faults"), "{err}");
    }

    // An output "directory" that is a file.
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").expect("write");
    let err = attempt(GenerateOptions {
        out_dir: file.clone(),
        ..base.clone()
    })
    .expect_err("unwritable");
    assert!(matches!(err, GenerateError::CreateDir { .. }));
    assert!(err.to_string().contains("not-a-dir"), "{err}");

    // Scale 0 is allowed: no travellers, so no flights, inspections or messages either.
    let summary = generate(
        &GenerateOptions { scale: 0.0, ..base },
        &registry,
        &mut |_| {},
    )
    .expect("scale 0");
    for feed in [Feed::Bcm, Feed::Customs, Feed::Authority, Feed::Bus] {
        assert_eq!(summary.records_of(feed), 0, "{}", feed.name());
    }
    let bcm = of(&summary, Feed::Bcm);
    assert_eq!(std::fs::read(&bcm[0].path).expect("empty file").len(), 0);
}

#[test]
fn generate_waits_follow_the_day() {
    let dir = tempdir();
    let summary = run(&options(dir.path(), date(2026, 8, 10), 3, &["CGK"], 9, 1.0));
    let mut per_hour = [0u64; 24];
    let mut waits: Vec<i64> = Vec::new();
    let mut autogate = Vec::new();
    let mut manual = Vec::new();
    for f in of(&summary, Feed::Bcm) {
        for r in read_lines(&f.path) {
            let antri = int(&r, "waktu_antri");
            per_hour[local_hour(chrono_tz::Asia::Jakarta, antri) as usize] += 1;
            if let Some(loket) = r.get("waktu_loket").and_then(Value::as_i64) {
                waits.push(loket - antri);
                let proc = int(&r, "waktu_selesai") - loket;
                let status = r.pointer("/i247/status").and_then(Value::as_str);
                if text(&r, "hasil") == "lolos" && status == Some("OK") {
                    if text(&r, "jenis_loket") == "autogate" {
                        autogate.push(proc)
                    } else {
                        manual.push(proc)
                    }
                }
            }
        }
    }
    // Afternoon and evening (JFK's shape) are far busier than the small hours.
    let afternoon: u64 = per_hour[13..20].iter().sum();
    let night: u64 = per_hour[1..5].iter().sum();
    assert!(afternoon > 8 * night, "{per_hour:?}");
    // Most travellers wait under 15 minutes; a tail waits over an hour.
    waits.sort_unstable();
    let median = waits[waits.len() / 2];
    assert!(median < 15 * 60_000, "median wait {median} ms");
    assert!(waits.iter().any(|w| *w > 60 * 60_000));
    // Autogates take 20–40 s, manual counters 60–150 s when nothing goes wrong.
    assert!(!autogate.is_empty() && !manual.is_empty());
    assert!(
        autogate.iter().all(|p| (20_000..=40_000).contains(p)),
        "autogate processing"
    );
    assert!(
        manual.iter().all(|p| (60_000..=150_000).contains(p)),
        "manual processing"
    );
}

/// The clean exports of a small run: an airport with two terminals, a seaport with four,
/// a land crossing, three nights.
fn clean_run(dir: &Path) -> GenerateSummary {
    run(&options(
        dir,
        date(2026, 10, 19),
        3,
        &["CGK", "BTM", "ATB"],
        17,
        0.1,
    ))
}

#[test]
fn generate_clean_customs_quarantine_and_authority_files_follow_their_docs() {
    let dir = tempdir();
    let summary = clean_run(dir.path());
    let registry = PortRegistry::embedded();
    let (mut inspections, mut seizures, mut consignments, mut flights, mut cancelled) =
        (0, 0, 0, 0, 0);

    for f in of(&summary, Feed::Customs) {
        let zone = zone_of(&f.port);
        let ymd = f.night.format("%Y%m%d").to_string();
        let (header, rows) = read_csv(&f.path, b';');
        assert_eq!(header.join(";"), super::customs::HEADER);
        assert_eq!(rows.len() as u64, f.records);
        let mut ids = HashSet::new();
        for (i, row) in rows.iter().enumerate() {
            inspections += 1;
            assert_eq!(row.len(), 14, "{row:?}");
            assert_eq!(row[0], format!("BC-{}-{ymd}-{:06}", f.port, i + 1));
            assert!(ids.insert(row[0].clone()));
            assert_eq!(row[1], f.port);
            assert!(registry.get(&row[1]).is_some());
            assert!(!row[2].is_empty());
            assert!(row[3] == "HIJAU" || row[3] == "MERAH", "{row:?}");
            let (start, end) = (customs_time(zone, &row[4]), customs_time(zone, &row[5]));
            assert!(start <= end, "{row:?}");
            let local = zone.timestamp_millis_opt(start).single().expect("instant");
            assert_eq!(local.date_naive(), f.night, "{row:?}");
            assert!(
                ["DILEPAS", "BAYAR_BEA", "DISITA", "DITAHAN"].contains(&row[6].as_str()),
                "{row:?}"
            );
            if row[6] == "DISITA" {
                seizures += 1;
                assert!(
                    [
                        "NARKOTIKA",
                        "SATWA",
                        "MATA_UANG",
                        "ROKOK",
                        "MIRAS",
                        "SENJATA",
                        "LAINNYA"
                    ]
                    .contains(&row[7].as_str()),
                    "{row:?}"
                );
            } else {
                assert!(row[7].is_empty(), "{row:?}");
            }
            if !row[8].is_empty() {
                let (whole, cents) = row[8].split_once(',').expect("decimal comma");
                assert_eq!(cents.len(), 2, "{row:?}");
                let groups: Vec<&str> = whole.split('.').collect();
                assert!(groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
                assert!(whole.replace('.', "").parse::<u64>().is_ok(), "{row:?}");
            }
            if !row[9].is_empty() {
                let suffix = row[9]
                    .strip_prefix(&format!("MNF-{}-", row[10]))
                    .unwrap_or_else(|| panic!("manifest of the flight: {row:?}"));
                assert!(
                    NaiveDate::parse_from_str(suffix, "%Y%m%d").is_ok(),
                    "{row:?}"
                );
            }
            assert_eq!(row[11].is_empty(), row[12].is_empty(), "{row:?}");
            if row[11].is_empty() {
                consignments += 1;
            } else {
                assert!(row[11].len() == 3 && row[11].chars().all(|c| c.is_ascii_uppercase()));
            }
            if !row[13].is_empty() {
                let score: f64 = row[13].replace(',', ".").parse().expect("score");
                assert!((0.0..=1.0).contains(&score) && row[13].contains(','));
            }
        }
    }
    assert!(inspections > 100, "{inspections} inspections");
    assert!(
        consignments > 0 && seizures > 0,
        "{consignments} {seizures}"
    );

    for f in of(&summary, Feed::Quarantine) {
        let sheets = read_workbook(&f.path);
        assert_eq!(sheets.len(), 1);
        let (name, rows) = &sheets[0];
        assert_eq!(name, &f.night.format("%d-%m-%Y").to_string());
        let header: Vec<String> = rows[0].iter().map(cell_text).collect();
        assert_eq!(header, super::quarantine::HEADER);
        let (body, total) = rows[1..].split_at(rows.len() - 2);
        assert_eq!(body.len() as u64, f.records);
        let mut sums = [0.0; 3];
        for row in body {
            let hour = cell_text(&row[0]);
            assert!(
                NaiveDateTime::parse_from_str(&format!("2026-01-01 {hour}"), "%Y-%m-%d %H:%M")
                    .is_ok()
            );
            assert!(!cell_text(&row[1]).is_empty());
            let counts = [number(&row[2]), number(&row[3]), number(&row[4])];
            assert!(counts.iter().all(|c| *c >= 0.0 && c.fract() == 0.0));
            assert!(counts[1] <= counts[0] && counts[2] <= counts[1], "{row:?}");
            for (s, c) in sums.iter_mut().zip(counts) {
                *s += c;
            }
            match row.get(5) {
                Some(Data::Float(m)) => assert!(counts[0] > 0.0 && *m > 0.0),
                None | Some(Data::Empty) => assert_eq!(counts[0], 0.0),
                other => panic!("mean minutes {other:?}"),
            }
        }
        let total = &total[0];
        assert_eq!(cell_text(&total[0]), "TOTAL");
        assert_eq!(
            [number(&total[2]), number(&total[3]), number(&total[4])],
            sums
        );
    }

    for f in of(&summary, Feed::Authority) {
        let ymd = f.night.format("%Y%m%d").to_string();
        let zone = zone_of(&f.port);
        let (header, rows) = read_csv(&f.path, b',');
        assert_eq!(header.join(","), super::authority::HEADER);
        assert_eq!(rows.len() as u64, f.records);
        let mut ids = HashSet::new();
        for row in &rows {
            flights += 1;
            assert_eq!(row.len(), 9);
            assert_eq!(row[0], format!("{}-{ymd}-{}", f.port, row[3]));
            assert!(ids.insert(row[0].clone()), "flight ids are unique: {row:?}");
            assert_eq!(row[1], f.port);
            assert!(!row[2].is_empty() && !row[4].is_empty());
            let scheduled = authority_time(&row[5]);
            let pax: u32 = row[7].parse().expect("intl_pax");
            let counters: u32 = row[8].parse().expect("counters_staffed");
            assert!(counters >= 1);
            if row[6].is_empty() {
                cancelled += 1;
                assert_eq!(pax, 0);
            } else {
                let actual = authority_time(&row[6]);
                assert!(pax > 0);
                let local = zone.timestamp_millis_opt(actual).single().expect("instant");
                assert_eq!(local.date_naive(), f.night);
                assert!((actual - scheduled).abs() < 7 * 3_600_000, "{row:?}");
            }
        }
    }
    assert!(
        flights > 50 && cancelled > 0,
        "{flights} flights, {cancelled} cancelled"
    );
}

#[test]
fn generate_clean_police_and_bus_files_follow_their_docs() {
    let dir = tempdir();
    let summary = run(&options(
        dir.path(),
        date(2026, 10, 1),
        30,
        &["DPS", "TBK"],
        17,
        0.05,
    ));
    let agencies = ["POLRI", "IMIGRASI", "BEA_CUKAI", "KARANTINA", "OTORITAS"];
    let (mut incidents, mut operations) = (0, 0);
    for f in of(&summary, Feed::Police) {
        let doc = read_json(&f.path);
        assert_eq!(text(&doc, "kode_tpi"), f.port);
        assert_eq!(
            text(&doc, "tanggal"),
            f.night.format("%Y-%m-%d").to_string()
        );
        let created = text(&doc, "dibuat");
        assert!(
            created.ends_with("+08:00") || created.ends_with("+07:00"),
            "{created}"
        );
        rfc3339(created);
        let list = doc["insiden"].as_array().expect("insiden");
        let ops = doc["operasi_gabungan"]
            .as_array()
            .expect("operasi_gabungan");
        assert_eq!((list.len() + ops.len()) as u64, f.records);
        let op_ids: HashSet<&str> = ops.iter().map(|o| text(o, "id")).collect();
        let mut ids = HashSet::new();
        for i in list {
            incidents += 1;
            assert!(ids.insert(text(i, "id")));
            assert!(text(i, "id").starts_with(&format!("POL-{}-", f.port)));
            assert!(
                [
                    "pencurian",
                    "narkotika",
                    "perdagangan_orang",
                    "pemalsuan_dokumen",
                    "ancaman_keamanan",
                    "daftar_pencarian"
                ]
                .contains(&text(i, "kategori")),
                "{i}"
            );
            let reported = rfc3339(text(i, "dilaporkan"));
            let responded = i["ditanggapi"].as_str().map(rfc3339);
            let closed = i["ditutup"].as_str().map(rfc3339);
            assert!(responded.is_some() || closed.is_none(), "{i}");
            assert!(responded.is_none_or(|r| r >= reported), "{i}");
            assert!(closed.is_none_or(|c| Some(c) >= responded), "{i}");
            assert!(i["terminal"].is_null() || i["terminal"].is_string());
            match &i["operasi_gabungan"] {
                Value::Null => {}
                Value::String(id) => assert!(op_ids.contains(id.as_str()), "{i}"),
                other => panic!("operasi_gabungan {other}"),
            }
            assert!(i["lajur_dihentikan"].as_u64().is_some());
        }
        for o in ops {
            operations += 1;
            let start = rfc3339(text(o, "mulai"));
            let end = rfc3339(text(o, "selesai"));
            assert!((60 * 60_000..=180 * 60_000).contains(&(end - start)), "{o}");
            let lanes = o["lajur_dihentikan"].as_u64().expect("lanes");
            assert!((1..=6).contains(&lanes), "{o}");
            let taking_part: Vec<&str> = o["instansi"]
                .as_array()
                .expect("instansi")
                .iter()
                .map(|a| a.as_str().expect("agency"))
                .collect();
            assert!(taking_part.contains(&"POLRI"));
            assert!(taking_part.iter().all(|a| agencies.contains(a)), "{o}");
            assert!(!text(o, "nama").is_empty() && text(o, "terminal") == "INTL");
        }
    }
    assert!(incidents > 5, "{incidents} incidents in a month");
    assert!(
        (1..=10).contains(&operations),
        "{operations} joint operations in a month at Bali"
    );

    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    let mut latencies = Vec::new();
    for f in of(&summary, Feed::Bus) {
        let mut ids = HashSet::new();
        let lines = read_lines(&f.path);
        assert_eq!(lines.len() as u64, f.records);
        for m in &lines {
            assert_eq!(m.as_object().map(|o| o.len()), Some(9), "{m}");
            assert!(ids.insert(text(m, "message_id").to_string()));
            assert_eq!(text(m, "port"), f.port);
            assert!(agencies.contains(&text(m, "sender")));
            assert!(agencies.contains(&text(m, "receiver")));
            *kinds.entry(text(m, "kind").to_string()).or_default() += 1;
            let status = text(m, "status");
            *statuses.entry(status.to_string()).or_default() += 1;
            let produced = text(m, "produced_at");
            assert!(produced.ends_with('Z'), "{m}");
            let produced = rfc3339(produced);
            match (&m["received_at"], status) {
                (Value::Null, "failed") => {}
                (Value::String(t), "delivered" | "manual") => {
                    let latency = rfc3339(t) - produced;
                    assert!(latency >= 0, "{m}");
                    latencies.push(latency);
                }
                other => panic!("received_at and status disagree: {other:?}"),
            }
        }
    }
    assert!(kinds.contains_key("manifest") && kinds.contains_key("risk_profile"));
    assert!(
        kinds
            .keys()
            .all(|k| ["manifest", "risk_profile", "alert"].contains(&k.as_str())),
        "{kinds:?}"
    );
    assert!(statuses.contains_key("failed") && statuses.contains_key("manual"));
    latencies.sort_unstable();
    let median = latencies[latencies.len() / 2];
    let p95 = latencies[latencies.len() * 95 / 100];
    assert!(
        median < 5 * 60_000 && p95 > 10 * 60_000,
        "median {median}, p95 {p95}"
    );
}

/// BCM arrivals of one night: per flight number, per (terminal, local hour), and the
/// passports with the traveller's clearance time.
#[derive(Default)]
struct Arrivals {
    per_flight: HashMap<String, (u32, i64)>,
    per_hour: HashMap<(String, u32), u32>,
    passports: HashMap<(String, String), i64>,
}

fn bcm_arrivals(path: &Path, zone: Tz) -> Arrivals {
    let mut out = Arrivals::default();
    for r in read_lines(path) {
        if text(&r, "arah") != "kedatangan" {
            continue;
        }
        let antri = int(&r, "waktu_antri");
        let flight = out
            .per_flight
            .entry(text(&r, "no_penerbangan").to_string())
            .or_insert((0, i64::MAX));
        flight.0 += 1;
        flight.1 = flight.1.min(antri);
        *out.per_hour
            .entry((text(&r, "terminal").to_string(), local_hour(zone, antri)))
            .or_default() += 1;
        out.passports.insert(
            (
                text(&r, "negara").to_string(),
                text(&r, "no_paspor").to_string(),
            ),
            int(&r, "waktu_selesai"),
        );
    }
    out
}

#[test]
fn generate_agencies_tell_one_story() {
    let dir = tempdir();
    let summary = clean_run(dir.path());
    let mut checked = [0usize; 5];
    for port in ["CGK", "BTM", "ATB"] {
        let zone = zone_of(port);
        let mut yesterday: Option<Arrivals> = None;
        for night in [date(2026, 10, 19), date(2026, 10, 20), date(2026, 10, 21)] {
            let bcm = bcm_arrivals(&file_of(&summary, Feed::Bcm, port, night).path, zone);

            // The authority's flights are the flights BCM's arrivals came on.
            let (_, flights) =
                read_csv(&file_of(&summary, Feed::Authority, port, night).path, b',');
            let mut listed = HashSet::new();
            for row in &flights {
                listed.insert(row[3].clone());
                let pax: u32 = row[7].parse().expect("intl_pax");
                let bcm_pax = bcm.per_flight.get(&row[3]).map_or(0, |f| f.0);
                assert_eq!(pax, bcm_pax, "{port} {night} {}", row[0]);
                if !row[6].is_empty() {
                    // Travellers join the queue after on-block (clocks differ by minutes).
                    let first_join = bcm.per_flight.get(&row[3]).map_or(i64::MAX, |f| f.1);
                    assert!(
                        first_join >= authority_time(&row[6]) - 5 * 60_000,
                        "{row:?}"
                    );
                }
                checked[0] += 1;
            }
            for flight in bcm.per_flight.keys() {
                assert!(
                    flight == "DARAT" || listed.contains(flight),
                    "{port} {night}: BCM flight {flight} is not in the authority's list"
                );
            }

            // Customs inspects travellers BCM let in, after their clearance.
            if let Some(before) = &yesterday {
                let (_, rows) = read_csv(&file_of(&summary, Feed::Customs, port, night).path, b';');
                for row in rows.iter().filter(|r| !r[11].is_empty()) {
                    let key = (row[11].clone(), row[12].clone());
                    let cleared = bcm
                        .passports
                        .get(&key)
                        .or_else(|| before.passports.get(&key))
                        .unwrap_or_else(|| panic!("{port} {night}: {key:?} never arrived"));
                    assert!(
                        customs_time(zone, &row[4]) > cleared - 5 * 60_000,
                        "{row:?}"
                    );
                    checked[1] += 1;
                }
            }

            // Quarantine screens at most the hour's arrivals, and its TOTAL adds up.
            let sheets = read_workbook(&file_of(&summary, Feed::Quarantine, port, night).path);
            let rows = &sheets[0].1;
            let mut screened = 0.0;
            for row in &rows[1..rows.len() - 1] {
                let hour: u32 = cell_text(&row[0])[..2].parse().expect("hour");
                let arrived = bcm
                    .per_hour
                    .get(&(cell_text(&row[1]), hour))
                    .copied()
                    .unwrap_or(0);
                assert!(
                    number(&row[2]) <= f64::from(arrived),
                    "{port} {night} {row:?}"
                );
                screened += number(&row[2]);
                checked[2] += 1;
            }
            assert_eq!(number(&rows[rows.len() - 1][2]), screened);
            let arrivals: u32 = bcm.per_hour.values().sum();
            assert!(
                screened >= 0.85 * f64::from(arrivals),
                "{screened} of {arrivals}"
            );

            // Every manifest on the bus is about a flight the authority lists, sent before it lands.
            let on_block: HashMap<String, &str> = flights
                .iter()
                .map(|row| (row[0].clone(), row[6].as_str()))
                .collect();
            for m in read_lines(&file_of(&summary, Feed::Bus, port, night).path) {
                if text(&m, "kind") == "manifest" {
                    let actual = on_block
                        .get(text(&m, "ref"))
                        .unwrap_or_else(|| panic!("manifest for an unlisted flight: {m}"));
                    assert!(!actual.is_empty(), "no manifest for a cancelled flight");
                    assert!(rfc3339(text(&m, "produced_at")) < authority_time(actual));
                    checked[3] += 1;
                }
            }
            checked[4] += flights.len();
            yesterday = Some(bcm);
        }
    }
    assert!(checked.iter().all(|c| *c > 20), "{checked:?}");
}

#[test]
fn generate_red_notice_detentions_reach_the_police_and_the_bus() {
    // Red notices are rare (about one foreigner in ten thousand): a month at Bali.
    let dir = tempdir();
    let summary = run(&options(dir.path(), date(2026, 9, 1), 30, &["DPS"], 5, 0.1));
    let (mut detained, mut wanted, mut hits, mut alerts) = (0, 0, 0, 0);
    for night in (0..30).map(|d| date(2026, 9, 1) + Duration::days(d)) {
        for r in read_lines(&file_of(&summary, Feed::Bcm, "DPS", night).path) {
            if r.pointer("/i247/jenis_notice").and_then(Value::as_str) == Some("RED") {
                hits += 1;
                detained += usize::from(text(&r, "hasil") == "ditahan");
            }
        }
        let doc = read_json(&file_of(&summary, Feed::Police, "DPS", night).path);
        wanted += doc["insiden"]
            .as_array()
            .expect("insiden")
            .iter()
            .filter(|i| text(i, "kategori") == "daftar_pencarian")
            .count();
        for m in read_lines(&file_of(&summary, Feed::Bus, "DPS", night).path) {
            if text(&m, "kind") == "alert" {
                alerts += 1;
                assert_eq!(
                    (text(&m, "sender"), text(&m, "receiver")),
                    ("IMIGRASI", "POLRI")
                );
            }
        }
    }
    assert!(hits > 0, "no red notice in a month at Bali");
    assert_eq!(wanted, detained);
    assert_eq!(alerts, hits);
}

#[test]
fn generate_joint_operations_slow_immigration_down() {
    let dir = tempdir();
    let from = date(2026, 9, 1);
    let days = 28;
    let summary = run(&options(dir.path(), from, days, &["DPS"], 3, 0.05));
    let zone = zone_of("DPS");
    // Clearances per night and local hour.
    let mut cleared: BTreeMap<NaiveDate, [u32; 24]> = BTreeMap::new();
    let mut operations = Vec::new();
    for night in (0..i64::from(days)).map(|d| from + Duration::days(d)) {
        let hours = cleared.entry(night).or_insert([0; 24]);
        for r in read_lines(&file_of(&summary, Feed::Bcm, "DPS", night).path) {
            let t = int(&r, "waktu_selesai");
            let local = zone.timestamp_millis_opt(t).single().expect("instant");
            if local.date_naive() == night {
                hours[local.hour() as usize] += 1;
            }
        }
        let doc = read_json(&file_of(&summary, Feed::Police, "DPS", night).path);
        for o in doc["operasi_gabungan"].as_array().expect("operations") {
            let start = zone
                .timestamp_millis_opt(rfc3339(text(o, "mulai")))
                .single()
                .expect("start");
            let end = zone
                .timestamp_millis_opt(rfc3339(text(o, "selesai")))
                .single()
                .expect("end");
            operations.push((night, start.hour() + 1, end.hour()));
        }
    }
    assert!(
        !operations.is_empty(),
        "no joint operation at Bali in four weeks"
    );
    let op_nights: BTreeSet<NaiveDate> = operations.iter().map(|o| o.0).collect();
    // Whole hours inside each operation, against the same hours on nights without one.
    let (mut during, mut usual, mut hours) = (0.0, 0.0, Vec::new());
    for (night, first, last) in &operations {
        for hour in *first..*last {
            let others: Vec<f64> = cleared
                .iter()
                .filter(|(n, _)| !op_nights.contains(n))
                .map(|(_, h)| f64::from(h[hour as usize]))
                .collect();
            let this = f64::from(cleared[night][hour as usize]);
            let mean = others.iter().sum::<f64>() / others.len() as f64;
            during += this;
            usual += mean;
            hours.push((night, hour, this, mean.round()));
        }
    }
    assert!(
        !hours.is_empty(),
        "operations too short to hold a whole hour: {operations:?}"
    );
    assert!(
        during < 0.8 * usual,
        "{during} cleared during operations against {usual:.0} usually: {hours:?}"
    );
}

/// The line (1-based) of a text file, as bytes.
fn line_of(bytes: &[u8], number: u64) -> &[u8] {
    bytes
        .split(|b| *b == b'\n')
        .nth(number as usize - 1)
        .unwrap_or_else(|| panic!("no line {number}"))
}

#[test]
fn generate_fault_list_matches_the_files() {
    let dir = tempdir();
    let summary = run(&GenerateOptions {
        faults: 0.2,
        ..options(
            dir.path(),
            date(2026, 10, 19),
            5,
            &["CGK", "DPS", "BTM", "ATB", "KNO", "TBN"],
            23,
            0.02,
        )
    });
    let registry = PortRegistry::embedded();
    let (header, rows) = read_csv(&dir.path().join(FAULTS_FILE), b',');
    assert_eq!(header, ["feed", "file", "record_number", "kind", "detail"]);
    assert_eq!(rows.len(), summary.faults.len());
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut listed: HashSet<(String, u64)> = HashSet::new();
    let mut whole_file: HashMap<String, String> = HashMap::new();
    for row in &rows {
        let (feed, file, record, kind) = (&row[0], &row[1], &row[2], row[3].as_str());
        *kinds.entry(kind.to_string()).or_default() += 1;
        let path = dir.path().join(file);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        let name = file.rsplit('/').next().expect("file name");
        let parsed = NightlyName::parse(name).expect("a nightly name");
        assert_eq!(parsed.feed.name(), feed);
        let line_feed = matches!(
            parsed.feed,
            Feed::Bcm | Feed::Customs | Feed::Authority | Feed::Bus
        );
        if record.is_empty() {
            whole_file.insert(file.clone(), kind.to_string());
        } else {
            listed.insert((file.clone(), record.parse().expect("record number")));
        }
        match (kind, line_feed) {
            ("malformed", true) => {
                let line = line_of(&bytes, record.parse().expect("line"));
                match parsed.feed {
                    Feed::Customs | Feed::Authority => {
                        let sep = if parsed.feed == Feed::Customs {
                            b';'
                        } else {
                            b','
                        };
                        let fields = line.split(|b| *b == sep).count();
                        assert_ne!(fields, if sep == b';' { 14 } else { 9 }, "{row:?}");
                    }
                    _ => assert!(serde_json::from_slice::<Value>(line).is_err(), "{row:?}"),
                }
            }
            ("duplicate", true) => {
                let original: u64 = row[4]
                    .strip_prefix("repeats line ")
                    .and_then(|n| n.parse().ok())
                    .expect("original line");
                let number: u64 = record.parse().expect("line");
                assert!(original < number);
                assert_eq!(
                    line_of(&bytes, number),
                    line_of(&bytes, original),
                    "{row:?}"
                );
            }
            ("unknown_port" | "impossible_time", true) => {
                let line =
                    String::from_utf8(line_of(&bytes, record.parse().expect("line")).to_vec())
                        .expect("UTF-8 line");
                if kind == "unknown_port" {
                    let sep = if parsed.feed == Feed::Customs {
                        ';'
                    } else {
                        ','
                    };
                    let code = match parsed.feed {
                        Feed::Customs | Feed::Authority => {
                            line.split(sep).nth(1).expect("port field").to_string()
                        }
                        _ => {
                            let v: Value = serde_json::from_str(&line).expect("JSON");
                            let field = if parsed.feed == Feed::Bcm {
                                "kode_tpi"
                            } else {
                                "port"
                            };
                            text(&v, field).to_string()
                        }
                    };
                    assert!(registry.get(&code).is_none(), "{row:?}");
                } else {
                    let impossible = match parsed.feed {
                        Feed::Bcm => {
                            let v: Value = serde_json::from_str(&line).expect("JSON");
                            let antri = int(&v, "waktu_antri");
                            int(&v, "waktu_selesai") < antri || antri < 946_684_800_000
                        }
                        Feed::Customs => {
                            let f: Vec<&str> = line.split(';').collect();
                            let zone = zone_of(&parsed.port);
                            f[4].contains("/1970 ")
                                || customs_time(zone, f[5]) < customs_time(zone, f[4])
                        }
                        Feed::Authority => line.contains(",1970-"),
                        _ => {
                            let v: Value = serde_json::from_str(&line).expect("JSON");
                            let produced = rfc3339(text(&v, "produced_at"));
                            produced < 946_684_800_000
                                || v["received_at"]
                                    .as_str()
                                    .is_some_and(|r| rfc3339(r) < produced - 5 * 60_000)
                        }
                    };
                    assert!(impossible, "{row:?}: {line}");
                }
            }
            ("malformed" | "duplicate" | "impossible_time", false)
                if parsed.feed == Feed::Police =>
            {
                let doc = read_json(&path);
                let incidents = doc["insiden"].as_array().expect("insiden");
                let n: usize = record.parse().expect("element");
                let incident = &incidents[n - 1];
                match kind {
                    "malformed" => {
                        assert!(DateTime::parse_from_rfc3339(text(incident, "dilaporkan")).is_err())
                    }
                    "duplicate" => {
                        let original: usize = row[4]
                            .strip_prefix("repeats incident ")
                            .and_then(|n| n.parse().ok())
                            .expect("original");
                        assert_eq!(incident, &incidents[original - 1]);
                    }
                    _ => {
                        let reported = rfc3339(text(incident, "dilaporkan"));
                        let closed = incident["ditutup"].as_str().map(rfc3339);
                        assert!(
                            reported < 946_684_800_000 || closed.is_some_and(|c| c < reported),
                            "{incident}"
                        );
                    }
                }
            }
            ("malformed" | "duplicate", false) => {
                assert_eq!(parsed.feed, Feed::Quarantine);
                let sheets = read_workbook(&path);
                // Records are numbered from the first row under the header.
                let rows = &sheets[0].1;
                let n: usize = record.parse().expect("record");
                if kind == "malformed" {
                    assert_eq!(rows[n][2], Data::String("-".to_string()));
                } else {
                    let original: usize = row[4]
                        .strip_prefix("repeats record ")
                        .and_then(|n| n.parse().ok())
                        .expect("original");
                    assert_eq!(rows[n], rows[original]);
                }
            }
            ("truncated", _) => match parsed.feed {
                Feed::Quarantine => {
                    assert!(
                        Xlsx::new(Cursor::new(bytes.clone()))
                            .map(|_: Xlsx<_>| ())
                            .is_err()
                    )
                }
                Feed::Police => assert!(serde_json::from_slice::<Value>(&bytes).is_err()),
                _ => {
                    assert!(!bytes.ends_with(b"\n"), "{row:?}");
                    let last = bytes.rsplit(|b| *b == b'\n').next().expect("last line");
                    match parsed.feed {
                        Feed::Customs => assert!(last.split(|b| *b == b';').count() < 14),
                        Feed::Authority => assert!(last.split(|b| *b == b',').count() < 9),
                        _ => assert!(serde_json::from_slice::<Value>(last).is_err()),
                    }
                }
            },
            ("encoding", _) => {
                assert_eq!(parsed.feed, Feed::Bcm);
                assert!(std::str::from_utf8(&bytes).is_err());
                let number: u64 = row[4]
                    .split("line ")
                    .nth(1)
                    .and_then(|rest| rest.split(' ').next())
                    .and_then(|n| n.parse().ok())
                    .expect("the line with the name");
                let line = line_of(&bytes, number);
                assert!(std::str::from_utf8(line).is_err());
                // Windows-1252 (Latin-1 for these letters): the line reads once decoded
                // byte by byte.
                let decoded: String = line.iter().map(|b| char::from(*b)).collect();
                assert!(serde_json::from_str::<Value>(&decoded).is_ok(), "{decoded}");
            }
            ("late", _) => {
                let exported = parsed.exported_at.expect("export stamp");
                let folder = NaiveDate::parse_from_str(&file[..10], "%Y-%m-%d").expect("folder");
                assert!(folder > parsed.night && folder <= parsed.night + Duration::days(3));
                let night_end = zone_of(&parsed.port)
                    .from_local_datetime(
                        &(parsed.night + Duration::days(1)).and_time(Default::default()),
                    )
                    .single()
                    .expect("midnight");
                assert!(
                    exported - night_end.with_timezone(&chrono::Utc) > Duration::days(1),
                    "{row:?}"
                );
            }
            ("resent", _) => {
                let original = row[4]
                    .strip_prefix("the same records as ")
                    .and_then(|d| d.split(',').next())
                    .expect("original file");
                assert_eq!(
                    bytes,
                    std::fs::read(dir.path().join(original)).expect("original")
                );
                let first =
                    NightlyName::parse(original.rsplit('/').next().expect("name")).expect("name");
                assert!(parsed.exported_at > first.exported_at);
                assert_eq!((first.feed, first.night), (parsed.feed, parsed.night));
            }
            other => panic!("unexpected fault {other:?}: {row:?}"),
        }
    }
    for kind in [
        "malformed",
        "impossible_time",
        "unknown_port",
        "duplicate",
        "late",
        "resent",
        "truncated",
        "encoding",
    ] {
        assert!(kinds.contains_key(kind), "no {kind} fault in {kinds:?}");
    }
    // Conversely, every JSON line that does not parse is listed (or is a cut last line).
    for f in summary
        .files
        .iter()
        .filter(|f| matches!(f.feed, Feed::Bcm | Feed::Bus))
    {
        let file = relative(dir.path(), &f.path);
        let bytes = std::fs::read(&f.path).expect("read");
        let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
        for (i, line) in lines.iter().enumerate() {
            let number = i as u64 + 1;
            let last = i + 1 == lines.len();
            if line.is_empty() || serde_json::from_slice::<Value>(line).is_ok() {
                continue;
            }
            let explained = listed.contains(&(file.clone(), number))
                || (last && whole_file.get(&file).map(String::as_str) == Some("truncated"))
                || whole_file.get(&file).map(String::as_str) == Some("encoding");
            assert!(
                explained,
                "{file}:{number} does not parse and is not listed"
            );
        }
    }
}

#[test]
fn generate_workbooks_do_not_carry_the_time_they_were_written() {
    // A workbook records its creation time; the generator sets it to the export stamp, so
    // two runs a second apart still give the same bytes.
    let (a, b) = (tempdir(), tempdir());
    let first = run(&options(a.path(), date(2026, 10, 20), 1, &["LOP"], 2, 0.05));
    std::thread::sleep(std::time::Duration::from_millis(1_100));
    let second = run(&options(b.path(), date(2026, 10, 20), 1, &["LOP"], 2, 0.05));
    let (x, y) = (
        of(&first, Feed::Quarantine)[0],
        of(&second, Feed::Quarantine)[0],
    );
    assert_eq!(
        std::fs::read(&x.path).expect("read"),
        std::fs::read(&y.path).expect("read")
    );
}
