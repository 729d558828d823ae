//! The police export (`polri_<PORT>_<YYYYMMDD>_<stamp>.json`): one JSON document per port
//! and night with the night's incidents and joint operations, times in ISO 8601 with the
//! port's offset, on the police system's clock.
//!
//! - Joint operations are planned before the day is simulated, because they change it:
//!   at the bigger ports (size ≥ 0.25) a few times a month, at one terminal, for one to
//!   three hours in a busy part of the day, halting one to six manual counters. While one
//!   runs the terminal keeps only part of its pace ([`Operation::capacity`]), so
//!   Immigration's queue builds up and clears afterwards (see [`Operation::delayed`]).
//! - Incidents: a low background rate that grows with traffic (thefts, document fraud,
//!   security threats, ...), one or two finds during most joint operations, and a
//!   wanted-list match (`daftar_pencarian`) for every traveller BCM detained after a red
//!   I-24/7 notice, reported minutes after the detention.

use chrono::Datelike;
use rand::Rng;
use serde::Serialize;

use super::day::{DITAHAN, HOUR_MS, MINUTE_MS, RED, terminal_code};
use super::faults::{Noted, RecordFault, RecordFaults};
use super::format::{in_1970, local_with_offset, local_without_offset, ymd};
use super::profile::PortPlan;
use super::rng::{Key, Weighted, below, lognormal, poisson, uniform, unit};
use super::{Document, Night};

/// The record faults a police document carries (its port is the document's, not the
/// incident's, so there is no unknown port per record).
pub(crate) const POLICE_FAULTS: &[RecordFault] = &[
    RecordFault::Malformed,
    RecordFault::ImpossibleTime,
    RecordFault::Duplicate,
];

/// Joint operations a day at a port of size 1 (a few a month at the biggest ports).
const OPERATIONS_PER_DAY: f64 = 0.12;
/// Ports smaller than this have no joint operations.
const OPERATIONS_MIN_SIZE: f64 = 0.25;
/// Share of the terminal's pace the remaining counters lose to an operation (officers
/// called to it, travellers stopped for joint checks, the hall cordoned), besides the
/// halted lanes.
const OPERATION_SLOWDOWN: f64 = 0.4;

/// Kinds of joint operation: name, agencies taking part, and the category of what they
/// typically find.
const OPERATION_KINDS: [(&str, &[&str], &str); 5] = [
    (
        "Operasi Bersinar",
        &["POLRI", "BEA_CUKAI", "IMIGRASI"],
        "narkotika",
    ),
    (
        "Operasi Cipta Kondisi",
        &["POLRI", "OTORITAS", "IMIGRASI"],
        "pencurian",
    ),
    (
        "Operasi Sapu Bersih TPPO",
        &["POLRI", "IMIGRASI"],
        "perdagangan_orang",
    ),
    (
        "Operasi Pengawasan Karantina",
        &["POLRI", "KARANTINA", "BEA_CUKAI"],
        "pemalsuan_dokumen",
    ),
    (
        "Operasi Patroli Terpadu",
        &["POLRI", "OTORITAS", "BEA_CUKAI", "IMIGRASI"],
        "ancaman_keamanan",
    ),
];

/// Background incident categories and their weights.
const CATEGORIES: [(&str, f64); 5] = [
    ("pencurian", 40.0),
    ("narkotika", 15.0),
    ("perdagangan_orang", 5.0),
    ("pemalsuan_dokumen", 20.0),
    ("ancaman_keamanan", 20.0),
];

/// Background incidents per BCM record of the day.
const INCIDENTS_PER_RECORD: f64 = 1.2e-4;

/// A joint operation, on the reference clock.
#[derive(Debug, Clone)]
pub(crate) struct Operation {
    /// Its number on the day (1-based).
    pub(crate) number: u32,
    pub(crate) terminal: u8,
    /// Start and end, milliseconds after local midnight.
    pub(crate) start: i64,
    pub(crate) end: i64,
    /// Manual counters halted.
    pub(crate) lanes: u32,
    /// Share of the terminal's usual pace left while it runs.
    pub(crate) capacity: f64,
    kind: usize,
}

impl Operation {
    pub(crate) fn active(&self, t: i64) -> bool {
        self.start <= t && t < self.end
    }

    /// Whether a traveller who would reach a counter at `reach` is held back by the
    /// operation: from its start until its backlog has cleared.
    pub(crate) fn holds_back(&self, reach: i64) -> bool {
        let backlog = ((self.end - self.start) as f64 * (1.0 - self.capacity)) as i64;
        reach >= self.start && reach < self.end + backlog
    }

    /// When a traveller who would have reached a counter at `reach` reaches one: during
    /// the operation the queue moves at `capacity` of its pace; afterwards the backlog
    /// clears at twice the pace (everyone back at the counters) until the queue is normal.
    pub(crate) fn delayed(&self, reach: i64) -> i64 {
        if reach < self.start {
            return reach;
        }
        let c = self.capacity;
        let start = self.start as f64;
        let end = self.end as f64;
        let v = start + (reach as f64 - start) / c;
        let t = if v <= end {
            v
        } else {
            end + (v - end) * c / 2.0
        };
        (t.round() as i64).max(reach)
    }
}

/// The joint operations of a port's day (none at most ports on most days).
pub(crate) fn plan_operations(
    plan: &PortPlan,
    seed: u64,
    date: chrono::NaiveDate,
    day_len: i64,
) -> Vec<Operation> {
    if plan.size < OPERATIONS_MIN_SIZE {
        return Vec::new();
    }
    let mut rng = Key::new(seed)
        .str("polri-operations")
        .str(&plan.code)
        .date(date)
        .chacha();
    if unit(&mut rng) >= OPERATIONS_PER_DAY * plan.size {
        return Vec::new();
    }
    let manual = |i: usize| plan.terminals.get(i).map_or(0, |t| t.manual);
    let mut terminal = plan.terminal_weights.sample(&mut rng);
    if manual(terminal) < 4 {
        terminal = (0..plan.terminals.len())
            .max_by_key(|i| manual(*i))
            .unwrap_or(0);
    }
    let counters = manual(terminal);
    if counters < 4 {
        return Vec::new();
    }
    let lanes = (1 + below(&mut rng, 6) as u32).min(counters - 2);
    let duration = (60 + 5 * below(&mut rng, 25) as i64) * 60_000;
    let hour = plan.hourly_weights.sample(&mut rng) as i64;
    let start = hour * HOUR_MS + 5 * below(&mut rng, 12) as i64 * 60_000;
    let (from, to) = match plan.open_hours {
        None => (0, day_len),
        Some((from, to)) => (i64::from(from) * HOUR_MS, i64::from(to) * HOUR_MS),
    };
    let start = start.min(to - duration).max(from);
    let share = f64::from(counters - lanes) / f64::from(counters);
    vec![Operation {
        number: 1,
        terminal: terminal as u8,
        start,
        end: start + duration,
        lanes,
        capacity: (share - OPERATION_SLOWDOWN).clamp(0.3, 0.8),
        kind: below(&mut rng, OPERATION_KINDS.len() as u64) as usize,
    }]
}

/// An incident on the reference clock (UTC epoch milliseconds).
#[derive(Debug, Clone)]
struct Incident {
    category: &'static str,
    terminal: Option<&'static str>,
    reported: i64,
    responded: Option<i64>,
    closed: Option<i64>,
    operation: Option<u32>,
    lanes: u32,
}

#[derive(Serialize)]
struct IncidentOut<'a> {
    id: &'a str,
    kategori: &'a str,
    terminal: Option<&'a str>,
    dilaporkan: String,
    ditanggapi: Option<String>,
    ditutup: Option<String>,
    operasi_gabungan: Option<String>,
    lajur_dihentikan: u32,
}

#[derive(Serialize)]
struct OperationOut<'a> {
    id: String,
    nama: &'a str,
    terminal: Option<&'a str>,
    mulai: String,
    selesai: String,
    instansi: &'a [&'a str],
    lajur_dihentikan: u32,
}

fn incidents(night: &Night<'_>) -> Vec<Incident> {
    let (plan, day) = (night.plan, night.day);
    let mut rng = night.key("polri-incidents").chacha();
    let mut out = Vec::new();
    let lambda = INCIDENTS_PER_RECORD * day.recs.len() as f64 + 0.02 * night.scale.clamp(0.0, 1.0);
    let categories = Weighted::new(CATEGORIES.iter().map(|(_, w)| *w));
    for _ in 0..poisson(&mut rng, lambda) {
        let hour = plan.hourly_weights.sample(&mut rng) as f64;
        let reported = day.day_start_ms + ((hour + unit(&mut rng)) * HOUR_MS as f64) as i64;
        let category = categories
            .as_ref()
            .and_then(|w| CATEGORIES.get(w.sample(&mut rng)))
            .map_or("pencurian", |(c, _)| *c);
        let terminal = (unit(&mut rng) < 0.9)
            .then(|| terminal_code(plan, plan.terminal_weights.sample(&mut rng) as u8));
        let lanes = if category == "ancaman_keamanan" && unit(&mut rng) < 0.5 {
            1 + below(&mut rng, 3) as u32
        } else {
            0
        };
        out.push(respond(&mut rng, category, terminal, reported, None, lanes));
    }
    for op in night.ops {
        if unit(&mut rng) >= 0.7 {
            continue;
        }
        let category = OPERATION_KINDS.get(op.kind).map_or("narkotika", |k| k.2);
        for _ in 0..1 + below(&mut rng, 2) {
            let at = uniform(&mut rng, op.start as f64, op.end as f64) as i64;
            let terminal = Some(terminal_code(plan, op.terminal));
            out.push(respond(
                &mut rng,
                category,
                terminal,
                day.day_start_ms + at,
                Some(op.number),
                0,
            ));
        }
    }
    for r in &day.recs {
        if r.notice == RED && r.hasil == DITAHAN {
            let reported = day.cleared(r) + (uniform(&mut rng, 2.0, 15.0) * MINUTE_MS) as i64;
            let responded = reported + (lognormal(&mut rng, 4.0, 0.5) * MINUTE_MS) as i64;
            let closed = responded + (uniform(&mut rng, 30.0, 150.0) * MINUTE_MS) as i64;
            out.push(Incident {
                category: "daftar_pencarian",
                terminal: Some(terminal_code(plan, day.terminal_index(r))),
                reported,
                responded: Some(responded),
                closed: Some(closed),
                operation: None,
                lanes: 0,
            });
        }
    }
    out.sort_by_key(|i| (i.reported, i.category));
    out
}

/// An incident's response: usually within minutes, closed an hour or two later; a few
/// are not yet responded to or still open when the night is exported.
fn respond<R: Rng>(
    rng: &mut R,
    category: &'static str,
    terminal: Option<&'static str>,
    reported: i64,
    operation: Option<u32>,
    lanes: u32,
) -> Incident {
    let responded = (unit(rng) >= 0.02)
        .then(|| reported + (lognormal(rng, 6.0, 0.6) * MINUTE_MS) as i64 + 30_000);
    let closed = responded
        .filter(|_| unit(rng) >= 0.04)
        .map(|r| r + (lognormal(rng, 70.0, 0.7) * MINUTE_MS) as i64);
    Incident {
        category,
        terminal,
        reported,
        responded,
        closed,
        operation,
        lanes,
    }
}

/// Writes the night's police document, exported at `exported_ms`. `truncate_at`: for a
/// truncated file, about where (0–1) the text is cut.
pub(crate) fn write_police(
    night: &Night<'_>,
    exported_ms: i64,
    faults: &mut RecordFaults,
    truncate_at: Option<f64>,
) -> Result<Document, serde_json::Error> {
    let (plan, zone) = (night.plan, night.plan.zone);
    let skew = night.clocks.police;
    let ymd = ymd(night.date());
    let at = |ms: i64| local_with_offset(zone, ms + skew);
    let operation_id = |n: u32| format!("OPG-{}-{ymd}-{n:02}", plan.code);

    let mut elements: Vec<String> = Vec::new();
    let mut noted = Vec::new();
    let mut duplicates = Vec::new();
    for (i, incident) in incidents(night).iter().enumerate() {
        let id = format!("POL-{}-{ymd}-{:03}", plan.code, i + 1);
        let mut out = IncidentOut {
            id: &id,
            kategori: incident.category,
            terminal: incident.terminal,
            dilaporkan: at(incident.reported),
            ditanggapi: incident.responded.map(at),
            ditutup: incident.closed.map(at),
            operasi_gabungan: incident.operation.map(operation_id),
            lajur_dihentikan: incident.lanes,
        };
        let fault = faults.draw();
        let detail = match fault {
            Some(RecordFault::Malformed) => {
                out.dilaporkan = local_without_offset(zone, incident.reported + skew);
                Some(format!("dilaporkan '{}' has no UTC offset", out.dilaporkan))
            }
            Some(RecordFault::ImpossibleTime) => match incident.closed {
                Some(_) if unit(faults.rng()) < 0.5 => {
                    let minutes = 10 + below(faults.rng(), 120) as i64;
                    out.ditutup = Some(at(incident.reported - minutes * 60_000));
                    Some(format!("ditutup is {minutes} minutes before dilaporkan"))
                }
                _ => {
                    out.dilaporkan = at(in_1970(incident.reported));
                    Some("dilaporkan is in 1970 (a reset clock)".to_string())
                }
            },
            _ => None,
        };
        let text = serde_json::to_string(&out)?;
        if let (Some(fault), Some(detail)) = (fault, detail) {
            noted.push(Noted {
                record_number: Some(elements.len() as u64 + 1),
                kind: fault.name(),
                detail,
            });
        }
        if fault == Some(RecordFault::Duplicate) {
            duplicates.push((elements.len() as u64 + 1, text.clone()));
        }
        elements.push(text);
    }
    // Repeated incidents come at the end of the list, as a re-synchronised system adds them.
    for (original, text) in duplicates {
        elements.push(text);
        noted.push(Noted {
            record_number: Some(elements.len() as u64),
            kind: "duplicate",
            detail: format!("repeats incident {original}"),
        });
    }
    let incident_count = elements.len();
    for op in night.ops {
        let (name, agencies, _) = OPERATION_KINDS
            .get(op.kind)
            .copied()
            .unwrap_or(OPERATION_KINDS[0]);
        let out = OperationOut {
            id: operation_id(op.number),
            nama: name,
            terminal: Some(terminal_code(plan, op.terminal)),
            mulai: at(night.day.day_start_ms + op.start),
            selesai: at(night.day.day_start_ms + op.end),
            instansi: agencies,
            lajur_dihentikan: op.lanes,
        };
        elements.push(serde_json::to_string(&out)?);
    }

    let mut text = format!(
        "{{\"kode_tpi\":{},\"tanggal\":\"{:04}-{:02}-{:02}\",\"dibuat\":{},\"insiden\":[",
        serde_json::to_string(&plan.code)?,
        night.date().year(),
        night.date().month(),
        night.date().day(),
        serde_json::to_string(&at(exported_ms - skew))?,
    );
    let (incidents, operations) = elements.split_at(incident_count);
    for (list, closing) in [(incidents, "],\"operasi_gabungan\":["), (operations, "]}")] {
        for (i, element) in list.iter().enumerate() {
            text.push_str(if i == 0 { "\n" } else { ",\n" });
            text.push_str(element);
        }
        if !list.is_empty() {
            text.push('\n');
        }
        text.push_str(closing);
    }
    text.push('\n');
    let records = elements.len() as u64;
    let mut bytes = text.into_bytes();
    if let Some(at) = truncate_at {
        let len = bytes.len();
        let cut = ((len as f64 * at) as usize).clamp(1, len.saturating_sub(3).max(1));
        bytes.truncate(cut);
        noted = vec![Noted {
            record_number: None,
            kind: "truncated",
            detail: format!("the document ends after {cut} of its {len} bytes"),
        }];
    }
    Ok(Document {
        bytes,
        records,
        noted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_police_operation_delays_build_up_and_clear() {
        let op = Operation {
            number: 1,
            terminal: 0,
            start: 1_000_000,
            end: 1_000_000 + 7_200_000,
            lanes: 4,
            capacity: 0.5,
            kind: 0,
        };
        assert_eq!(op.delayed(999_999), 999_999);
        assert_eq!(op.delayed(1_000_000), 1_000_000);
        // Half the pace: someone due an hour in is served at the end.
        assert_eq!(op.delayed(1_000_000 + 3_600_000), 1_000_000 + 7_200_000);
        // The backlog clears an hour (duration × (1 − capacity)) after the end.
        let cleared = 1_000_000 + 7_200_000 + 3_600_000;
        assert_eq!(op.delayed(cleared), cleared);
        assert!(op.holds_back(cleared - 1) && !op.holds_back(cleared));
        let mut last = 0;
        for t in (0..14_000_000).step_by(60_000) {
            let d = op.delayed(t);
            assert!(d >= t && d >= last, "monotone and never earlier");
            last = d;
        }
    }
}
