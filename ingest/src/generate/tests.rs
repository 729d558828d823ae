//! Tests of the BCM generator through its public entry point: the files it writes are
//! read back and checked against the brief (format, determinism, calibration, time zones,
//! bottlenecks).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use chrono::{NaiveDate, TimeZone, Timelike};
use serde_json::Value;

use super::profile::RECORDS_PER_FOREIGN_ARRIVAL;
use super::*;
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

/// Share of travellers waiting (reached counter − joined queue) over 30 minutes, per
/// local hour of `waktu_antri`; hours without a recorded counter time are left out.
fn hourly_long_wait_share(records: &[Value], zone: chrono_tz::Tz) -> BTreeMap<u32, (u32, u32)> {
    let mut hours: BTreeMap<u32, (u32, u32)> = BTreeMap::new();
    for r in records {
        let Some(loket) = r.get("waktu_loket").and_then(Value::as_i64) else {
            continue;
        };
        let antri = int(r, "waktu_antri");
        let hour = zone
            .timestamp_millis_opt(antri)
            .single()
            .expect("valid instant")
            .hour();
        let e = hours.entry(hour).or_default();
        e.1 += 1;
        if loket - antri > 30 * 60_000 {
            e.0 += 1;
        }
    }
    hours
}

fn bottleneck_hours(records: &[Value], zone: chrono_tz::Tz) -> (usize, usize) {
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
    let first = run(&options(a.path(), from, 2, &ports, 7, 0.05));
    let second = run(&options(b.path(), from, 2, &ports, 7, 0.05));
    let other = run(&options(c.path(), from, 2, &ports, 8, 0.05));
    assert_eq!(first.files.len(), 6);
    let mut differing = 0;
    for ((f1, f2), f3) in first.files.iter().zip(&second.files).zip(&other.files) {
        let (b1, b2, b3) = (
            std::fs::read(&f1.path).expect("read"),
            std::fs::read(&f2.path).expect("read"),
            std::fs::read(&f3.path).expect("read"),
        );
        assert!(!b1.is_empty(), "{} is empty", f1.path.display());
        assert_eq!(
            b1,
            b2,
            "same seed must give identical bytes: {}",
            f1.path.display()
        );
        differing += usize::from(b1 != b3);
    }
    assert_eq!(differing, 6, "a different seed must change every file");

    // One port for one night alone gives the same bytes as inside the full run.
    let single = run(&options(d.path(), date(2026, 10, 21), 1, &["BTM"], 7, 0.05));
    let inside = first
        .files
        .iter()
        .find(|f| f.port == "BTM" && f.night == date(2026, 10, 21))
        .expect("BTM 21 Oct in the full run");
    assert_eq!(
        std::fs::read(&single.files[0].path).expect("read"),
        std::fs::read(&inside.path).expect("read")
    );
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
    let names: Vec<String> = summary
        .files
        .iter()
        .map(|f| {
            f.path
                .strip_prefix(dir.path())
                .expect("under out_dir")
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        [
            "2026-10-20/bcm_DPS_20261020.jsonl",
            "2026-10-20/bcm_JYP_20261020.jsonl",
            "2026-10-21/bcm_DPS_20261021.jsonl",
            "2026-10-21/bcm_JYP_20261021.jsonl",
        ]
    );
    for f in &summary.files {
        assert_eq!(read_lines(&f.path).len() as u64, f.records);
    }
    // No partial files are left behind.
    for night in ["2026-10-20", "2026-10-21"] {
        for entry in std::fs::read_dir(dir.path().join(night)).expect("night folder") {
            let name = entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .to_string();
            assert!(name.ends_with(".jsonl"), "unexpected file {name}");
        }
    }
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
    let got: Vec<&str> = summary.files.iter().map(|f| f.port.as_str()).collect();
    assert_eq!(got, expected);
    assert_eq!(got.len(), 26);
    assert!(!got.contains(&"JFK"));
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
    let (mut loket_missing, mut notices, mut autogates) = (0usize, 0usize, 0usize);
    for f in &summary.files {
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
                _ => assert_eq!(trip, "DARAT"),
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
    for f in &summary.files {
        let zone = registry.get(&f.port).expect("port").zone;
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
    let got_cgk = cgk.records() as f64;
    let got_nbd = nbd.records() as f64;
    assert!(
        (got_cgk / expect_cgk - 1.0).abs() < 0.03,
        "CGK {got_cgk} vs {expect_cgk}"
    );
    assert!(
        (got_nbd / expect_nbd - 1.0).abs() < 0.08,
        "NBD {got_nbd} vs {expect_nbd}"
    );
    // Days differ (Poisson noise and weekdays), and the file counts are the lines.
    let per_day: HashSet<u64> = cgk.files.iter().map(|f| f.records).collect();
    assert!(per_day.len() > 20);
    for f in nbd.files.iter().take(3) {
        assert_eq!(read_lines(&f.path).len() as u64, f.records);
    }
    // Arrivals and departures mirror each other.
    let sample = read_lines(&cgk.files[0].path);
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
        2026,
        1.0,
    ));
    let zone = chrono_tz::Asia::Jakarta;
    let (mut days_with, mut bottlenecks, mut hours, mut small) = (0, 0, 0, 0);
    for f in &summary.files {
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
    for f in &summary.files {
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
    for f in &summary.files {
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

    // Scale 0 is allowed and writes empty exports.
    let summary = generate(
        &GenerateOptions { scale: 0.0, ..base },
        &registry,
        &mut |_| {},
    )
    .expect("scale 0");
    assert_eq!(summary.records(), 0);
    assert_eq!(
        std::fs::read(&summary.files[0].path)
            .expect("empty file")
            .len(),
        0
    );
}

#[test]
fn generate_waits_follow_the_day() {
    let dir = tempdir();
    let summary = run(&options(dir.path(), date(2026, 8, 10), 3, &["CGK"], 9, 1.0));
    let mut per_hour = [0u64; 24];
    let mut waits: Vec<i64> = Vec::new();
    let mut autogate = Vec::new();
    let mut manual = Vec::new();
    for f in &summary.files {
        for r in read_lines(&f.path) {
            let antri = int(&r, "waktu_antri");
            per_hour[chrono_tz::Asia::Jakarta
                .timestamp_millis_opt(antri)
                .single()
                .expect("instant")
                .hour() as usize] += 1;
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
