//! The Customs export (`bc_<PORT>_<YYYYMMDD>_<stamp>.csv`): semicolon-separated, local
//! `dd/mm/yyyy HH:MM:SS` times on Customs' clock, decimal commas. One line per baggage or
//! consignment inspection that started on the local night.
//!
//! - Travellers: a share of the arriving travellers BCM let in (about 5%; more from risky
//!   origins and among citizens bringing goods home) are inspected after baggage reclaim,
//!   which follows their immigration clearance. Their passport (`negara_paspor` =
//!   BCM's `negara`, `no_paspor` = BCM's `no_paspor`) is the one BCM recorded, so the
//!   pseudonymised traveller keys match, and `no_manifes` is `MNF-<FLIGHTNO>-<YYYYMMDD>`
//!   of their flight. An inspection starting after midnight belongs to the next night's
//!   file, so a file holds travellers of its own night and of the night before.
//! - Channels: green (most; quick, nearly always released) or red (a quarter, half from
//!   risky origins; duty is often paid, a few seizures with a category, rare holds).
//! - Consignments: a few a day per flight, no passport, inspected hours after on-block.

use std::io::Write;

use rand::Rng;

use super::Night;
use super::day::terminal_code;
use super::day::{ARRIVAL, Day, LANJUTAN, LOLOS, MINUTE_MS, movement_code, render_identity};
use super::faults::{LineSink, RecordFault};
use super::format::{decimal_comma, in_1970, local_dmy, rupiah, ymd};
use super::profile::{Mode, PortPlan, risky_origin};
use super::rng::{Key, Weighted, below, lognormal, poisson, triangular, uniform, unit};

pub(crate) const HEADER: &str = "no_pemeriksaan;kode_tpi;terminal;jalur;waktu_mulai;\
                                 waktu_selesai;hasil;kategori_sitaan;nilai_barang;no_manifes;\
                                 no_penerbangan;negara_paspor;no_paspor;skor_risiko";

/// Share of arriving travellers inspected, before the origin and citizen factors.
const INSPECTED_SHARE: f64 = 0.045;
/// Consignments inspected per arriving flight at scale 1.
const CONSIGNMENTS_PER_FLIGHT: f64 = 0.05;

/// Seizure categories and their weights.
const SEIZURES: [(&str, f64); 7] = [
    ("NARKOTIKA", 10.0),
    ("SATWA", 8.0),
    ("MATA_UANG", 12.0),
    ("ROKOK", 30.0),
    ("MIRAS", 25.0),
    ("SENJATA", 3.0),
    ("LAINNYA", 12.0),
];

/// One inspection, on the reference clock (UTC epoch milliseconds).
#[derive(Debug, Clone)]
struct Inspection {
    start: i64,
    end: i64,
    terminal: &'static str,
    red: bool,
    outcome: &'static str,
    category: &'static str,
    value: Option<u64>,
    manifest: String,
    flight: String,
    passport: Option<(&'static str, String)>,
    score: Option<f64>,
}

/// The outcome of a red- or green-channel inspection, its category if seized, and how
/// long it took in minutes.
fn outcome<R: Rng>(
    rng: &mut R,
    red: bool,
    seizures: Option<&Weighted>,
) -> (&'static str, &'static str, f64) {
    let u = unit(rng);
    let seized = |rng: &mut R| {
        seizures
            .and_then(|w| SEIZURES.get(w.sample(rng)))
            .map_or("LAINNYA", |(c, _)| *c)
    };
    if !red {
        if u < 0.97 {
            ("DILEPAS", "", uniform(rng, 0.5, 3.0))
        } else {
            ("BAYAR_BEA", "", uniform(rng, 5.0, 15.0))
        }
    } else if u < 0.70 {
        ("DILEPAS", "", uniform(rng, 4.0, 15.0))
    } else if u < 0.94 {
        ("BAYAR_BEA", "", uniform(rng, 10.0, 30.0))
    } else if u < 0.985 {
        let category = seized(rng);
        ("DISITA", category, uniform(rng, 20.0, 90.0))
    } else {
        ("DITAHAN", "", uniform(rng, 30.0, 120.0))
    }
}

/// The goods' assessed value in rupiah (rounded to a thousand), if assessed.
fn value<R: Rng>(rng: &mut R, outcome: &str, category: &str, red: bool) -> Option<u64> {
    let median = match (outcome, category) {
        ("DISITA", "NARKOTIKA") => 40_000_000.0,
        ("DISITA", _) => 8_000_000.0,
        ("BAYAR_BEA", _) => 4_500_000.0,
        ("DITAHAN", _) => 6_000_000.0,
        // A released red-channel check is sometimes assessed; a green one never.
        _ if red && unit(rng) < 0.3 => 1_500_000.0,
        _ => return None,
    };
    Some((lognormal(rng, median, 0.9) / 1_000.0).round() as u64 * 1_000)
}

/// Customs' risk score: high in the red channel, low in the green; a few unscored.
fn score<R: Rng>(rng: &mut R, red: bool) -> Option<f64> {
    if unit(rng) < 0.08 {
        return None;
    }
    Some(if red {
        0.45 + 0.55 * unit(rng).powf(0.8)
    } else {
        0.35 * unit(rng)
    })
}

/// Minutes from immigration clearance to the start of a baggage inspection.
fn reclaim_minutes<R: Rng>(plan: &PortPlan, rng: &mut R) -> f64 {
    match plan.mode {
        Mode::Air => triangular(rng, 8.0, 18.0, 40.0),
        Mode::Sea if plan.cruise => uniform(rng, 10.0, 40.0),
        Mode::Sea => uniform(rng, 3.0, 15.0),
        Mode::Land => uniform(rng, 1.0, 5.0),
    }
}

/// Every inspection that follows from one simulated day: its arriving travellers and the
/// consignments of its flights. A pure function of the day, so the next night's file can
/// take the ones that start after midnight.
fn inspections(plan: &PortPlan, seed: u64, scale: f64, day: &Day) -> Vec<Inspection> {
    let mut rng = Key::new(seed)
        .str("bc-inspections")
        .str(&plan.code)
        .date(day.date)
        .chacha();
    let seizures = Weighted::new(SEIZURES.iter().map(|(_, w)| *w));
    let ymd = ymd(day.date);
    let manifest = |flight: &str| format!("MNF-{flight}-{ymd}");
    let (mut name, mut passport) = (String::new(), String::new());
    let mut out = Vec::new();
    for r in &day.recs {
        if r.dir != ARRIVAL || !(r.hasil == LOLOS || r.hasil == LANJUTAN) {
            continue;
        }
        let m = day.movement(r);
        let origin = m.map_or("", |m| m.origin);
        let risky = risky_origin(origin);
        let p = INSPECTED_SHARE * if risky { 1.7 } else { 1.0 } * if r.citizen { 1.2 } else { 1.0 };
        if unit(&mut rng) >= p {
            continue;
        }
        let start = day.cleared(r) + (reclaim_minutes(plan, &mut rng) * MINUTE_MS) as i64;
        let red = unit(&mut rng) < if risky { 0.5 } else { 0.25 };
        let (outcome, category, minutes) = outcome(&mut rng, red, seizures.as_ref());
        let nationality = render_identity(plan, r, &mut name, &mut passport);
        let flight = movement_code(plan, m);
        let listed = m.is_some_and(|m| m.service);
        out.push(Inspection {
            start,
            end: start + (minutes * MINUTE_MS) as i64,
            terminal: terminal_code(plan, day.terminal_index(r)),
            red,
            outcome,
            category,
            value: value(&mut rng, outcome, category, red),
            manifest: if listed {
                manifest(&flight)
            } else {
                String::new()
            },
            flight,
            passport: Some((nationality, passport.clone())),
            score: score(&mut rng, red),
        });
    }
    let flights: Vec<_> = day
        .movements
        .iter()
        .filter(|m| m.dir == ARRIVAL && m.service && !m.cancelled && m.pax > 0)
        .collect();
    let lambda = CONSIGNMENTS_PER_FLIGHT * flights.len() as f64 * scale.min(1.0);
    for _ in 0..poisson(&mut rng, lambda) {
        let Some(m) = flights.get(below(&mut rng, flights.len() as u64) as usize) else {
            break;
        };
        let start =
            day.day_start_ms + m.on_block + (uniform(&mut rng, 60.0, 240.0) * MINUTE_MS) as i64;
        let red = unit(&mut rng) < 0.8;
        let u = unit(&mut rng);
        let (outcome, category) = if u < 0.35 {
            ("DILEPAS", "")
        } else if u < 0.85 {
            ("BAYAR_BEA", "")
        } else if u < 0.95 {
            let category = seizures
                .as_ref()
                .and_then(|w| SEIZURES.get(w.sample(&mut rng)))
                .map_or("LAINNYA", |(c, _)| *c);
            ("DISITA", category)
        } else {
            ("DITAHAN", "")
        };
        let flight = movement_code(plan, Some(m));
        out.push(Inspection {
            start,
            end: start + (uniform(&mut rng, 15.0, 90.0) * MINUTE_MS) as i64,
            terminal: terminal_code(plan, m.terminal),
            red,
            outcome,
            category,
            value: Some((lognormal(&mut rng, 25_000_000.0, 1.0) / 1_000.0).round() as u64 * 1_000),
            manifest: manifest(&flight),
            flight,
            passport: None,
            score: Some(0.3 + 0.7 * unit(&mut rng)),
        });
    }
    out
}

/// Writes the inspections that started on the night (Customs' clock) through `sink`.
pub(crate) fn write_customs<W: Write>(
    night: &Night<'_>,
    sink: &mut LineSink<W>,
) -> std::io::Result<()> {
    let (plan, day) = (night.plan, night.day);
    let skew = night.clocks.customs;
    let (from, to) = (day.day_start_ms, day.day_start_ms + day.day_len_ms);
    let mut list: Vec<Inspection> = [night.previous, day]
        .into_iter()
        .flat_map(|d| inspections(plan, night.seed, night.scale, d))
        .filter(|i| (from..to).contains(&(i.start + skew)))
        .collect();
    // Stable: equal start times keep the day-then-traveller order.
    list.sort_by_key(|i| i.start);
    sink.header(HEADER)?;
    sink.expect_records(list.len());
    let ymd = ymd(night.date());
    let mut line = String::with_capacity(200);
    for (n, i) in list.iter().enumerate() {
        if sink.stopped() {
            break;
        }
        let mut start = local_dmy(plan.zone, i.start + skew);
        let mut end = local_dmy(plan.zone, i.end + skew);
        let mut port = plan.code.as_str();
        let fault = sink.draw();
        let detail = match fault {
            Some(RecordFault::ImpossibleTime) => {
                if unit(sink.fault_rng()) < 0.5 {
                    let minutes = 5 + below(sink.fault_rng(), 60) as i64;
                    end = local_dmy(plan.zone, i.start + skew - minutes * 60_000);
                    format!("waktu_selesai is {minutes} minutes before waktu_mulai")
                } else {
                    start = local_dmy(plan.zone, in_1970(i.start + skew));
                    "waktu_mulai is in 1970 (a reset clock)".to_string()
                }
            }
            Some(RecordFault::UnknownPort) => {
                port = night.unknown_port;
                format!("kode_tpi '{port}' is not a registered port")
            }
            _ => String::new(),
        };
        let (country, number) = i
            .passport
            .as_ref()
            .map_or(("", ""), |(c, p)| (*c, p.as_str()));
        let value = i.value.map(rupiah).unwrap_or_default();
        let score = i.score.map(decimal_comma).unwrap_or_default();
        line.clear();
        line.push_str(&format!("BC-{}-{ymd}-{:06}", plan.code, n + 1));
        for field in [
            port,
            i.terminal,
            if i.red { "MERAH" } else { "HIJAU" },
            &start,
            &end,
            i.outcome,
            i.category,
            &value,
            &i.manifest,
            &i.flight,
            country,
            number,
            &score,
        ] {
            line.push(';');
            line.push_str(field);
        }
        sink.record(line.as_bytes(), fault.map(|f| (f, detail)))?;
    }
    Ok(())
}
