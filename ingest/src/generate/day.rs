//! Simulation of one port's local day — the flights, vessels or buses that arrive and
//! leave, and every traveller Immigration (BCM) processes — and its JSON-lines
//! serialisation. The other agencies' exports are derived from this day (see the sibling
//! modules), so that the same flights and travellers appear in every agency's view.
//!
//! A day is built in four steps, all drawn from one ChaCha8 stream seeded by
//! (seed, port, date):
//! 1. the day's record count (Poisson around the BPS-calibrated mean; its own stream, so
//!    other days can look it up cheaply), split evenly into arrivals and departures;
//! 2. movements, each a burst of travellers: an arriving flight (vessel, bus) gets an
//!    actual on-block time drawn from the port's diurnal profile, a scheduled time (a
//!    realistic delay) and an origin, and its passengers join the immigration queue after
//!    a walk of ten to forty minutes (less at seaports and border posts), all within the
//!    day; departing travellers trickle in over the check-in wave. A few scheduled flights
//!    are cancelled and carry nobody;
//! 3. the congestion of each local hour, from how busy that hour turned out against the
//!    port's planned peak, a day factor, a little hour noise and the odd disruption
//!    episode (staff shortage or an I-24/7 slowdown);
//! 4. each traveller's identity, lane, counter, queue wait (CBP wait-bucket distribution
//!    scaled by the hour's congestion), processing time, outcome and I-24/7 check. During
//!    a joint operation (planned beforehand, see [`super::police`]) the terminal loses the
//!    halted counters and the pace of the others, so its queue builds up and clears after.
//!
//! Times inside the simulation are on Immigration's clock, the reference: other agencies'
//! systems are off from it by a small constant skew (see [`super::Clocks`]).
//!
//! Records are then sorted by queue-join time, numbered, and written one JSON object per
//! line. Only compact fixed-size records are held in memory; names and passport numbers
//! are rendered while writing.

use std::collections::{BTreeSet, HashMap};
use std::io::{self, Write};

use chrono::{Days, NaiveDate, TimeDelta, TimeZone};
use chrono_tz::Tz;
use rand::Rng;

use super::calibration::WAIT_BUCKETS;
use super::faults::{LineSink, Noted, RecordFault};
use super::format::{in_1970, push_field, push_i64, push_json_str, push_padded, push_u64};
use super::people::{write_name, write_passport};
use super::police::Operation;
use super::profile::{CITIZEN_SHARE, Mode, PortPlan, origins};
use super::rng::{
    Key, SplitMix, Weighted, below, exponential, lognormal, normal, poisson, triangular, uniform,
    unit,
};

pub(crate) const HOUR_MS: i64 = 3_600_000;
pub(crate) const MINUTE_MS: f64 = 60_000.0;
/// At most 25 local hours in a day (daylight-saving fall-back).
pub(crate) const MAX_HOURS: usize = 25;

/// Congestion multiplier of the CBP wait distribution in a quiet hour. The multiplier
/// scales JFK's waits: above about 0.64 more than 10% of an hour's travellers wait over
/// 30 minutes (a bottleneck hour).
const CONGESTION_FLOOR: f64 = 0.12;
/// How much a port of size 1 at its staffed peak adds to the multiplier. Tuned so that
/// CGK and DPS see two to five bottleneck episodes a week, Batam a few (mostly busy
/// afternoons), mid-size ports under one and small ports almost never.
const CONGESTION_SPAN: f64 = 0.45;
/// How steeply congestion grows with load (load relative to the staffed peak).
const CONGESTION_POWER: f64 = 1.5;
/// Share of an hour's queue load that is the previous hour's queue carried over.
const QUEUE_CARRY: f64 = 0.4;
/// How far rosters follow the weekday pattern (0: not at all, 1: fully).
const WEEKDAY_STAFFING: f64 = 0.75;
/// Queue waits at autogates, relative to manual counters.
const AUTOGATE_WAIT: f64 = 0.45;
/// Share of scheduled arriving services that are cancelled.
const CANCELLED_SHARE: f64 = 0.015;

/// Share of foreigners' departures that are the same traveller's earlier arrival here,
/// and of citizens' arrivals that are the return of an earlier departure.
const RETURN_SHARE: f64 = 0.5;

/// Options that every day of a run shares.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RunParams {
    pub(crate) seed: u64,
    pub(crate) scale: f64,
}

pub(crate) const ARRIVAL: u8 = 0;
pub(crate) const DEPARTURE: u8 = 1;

const HASIL: [&str; 5] = [
    "lolos",
    "pemeriksaan_lanjutan",
    "tolak",
    "tangkal",
    "ditahan",
];
pub(crate) const LOLOS: u8 = 0;
pub(crate) const LANJUTAN: u8 = 1;
const TOLAK: u8 = 2;
const TANGKAL: u8 = 3;
pub(crate) const DITAHAN: u8 = 4;

const STATUS: [&str; 3] = ["OK", "TIMEOUT", "ERROR"];
const OK: u8 = 0;
const TIMEOUT: u8 = 1;
const ERROR: u8 = 2;

/// Notice types, index 0 meaning "no notice".
const NOTICE: [&str; 7] = ["", "RED", "YELLOW", "BLUE", "GREEN", "DIFFUSION", "SLTD"];
const NOTICE_WEIGHTS: [f64; 6] = [8.0, 10.0, 15.0, 12.0, 15.0, 40.0];
pub(crate) const RED: u8 = 1;
const SLTD: u8 = 6;

/// How the counter time was recorded.
const LOKET_RECORDED: u8 = 0;
const LOKET_NULL: u8 = 1;
const LOKET_ABSENT: u8 = 2;

/// Names with letters outside ASCII, for the wrong-encoding fault (each letter exists in
/// Windows-1252), with the letter and its single Windows-1252 byte.
const NON_ASCII_NAMES: [(&str, char, u8); 6] = [
    ("JOSÉ SANTOS", 'É', 0xC9),
    ("JÜRGEN MÜLLER", 'Ü', 0xDC),
    ("FRANÇOIS LEFEBVRE", 'Ç', 0xC7),
    ("JOÃO PEREIRA", 'Ã', 0xC3),
    ("BJÖRN OLSSON", 'Ö', 0xD6),
    ("IÑAKI ETXEBERRIA", 'Ñ', 0xD1),
];

/// A flight, vessel or bus, or a group of travellers arriving by car (land crossings).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Movement {
    pub(crate) carrier: u16,
    /// Flight, sailing or service number, unique per port, day and carrier.
    pub(crate) number: u32,
    pub(crate) terminal: u8,
    pub(crate) dir: u8,
    /// A scheduled service the authority lists (every flight and vessel; buses at land
    /// crossings). Private cars are not.
    pub(crate) service: bool,
    /// Cancelled: scheduled, never arrived, carries nobody.
    pub(crate) cancelled: bool,
    /// Arrivals: actual on-block (the scheduled one when cancelled), milliseconds after
    /// local midnight on the reference clock.
    pub(crate) on_block: i64,
    /// Arrivals: actual minus scheduled on-block, milliseconds.
    pub(crate) delay: i64,
    /// Arrivals: the airport, port or town it came from.
    pub(crate) origin: &'static str,
    /// Travellers Immigration processed from it.
    pub(crate) pax: u32,
}

/// One traveller, compact; strings are rendered at write time.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Rec {
    /// Milliseconds after local midnight at which the traveller joined the queue.
    pub(crate) t: u32,
    slot: u32,
    pub(crate) movement: u32,
    pub(crate) dir: u8,
    pub(crate) autogate: bool,
    pub(crate) citizen: bool,
    loket: u8,
    pub(crate) hasil: u8,
    status: u8,
    pub(crate) notice: u8,
    counter: u16,
    pub(crate) wait_ms: u32,
    pub(crate) proc_ms: u32,
    pub(crate) resp_ms: u32,
    pub(crate) identity: u64,
}

/// UTC epoch milliseconds of local midnight starting `date` in `zone` (the first valid
/// local instant of the day if midnight falls in a daylight-saving gap).
pub(crate) fn local_midnight_ms(zone: Tz, date: NaiveDate) -> Option<i64> {
    let mut naive = date.and_hms_opt(0, 0, 0)?;
    for _ in 0..(4 * 24) {
        match zone.from_local_datetime(&naive) {
            chrono::LocalResult::Single(dt) => return Some(dt.timestamp_millis()),
            chrono::LocalResult::Ambiguous(first, _) => return Some(first.timestamp_millis()),
            chrono::LocalResult::None => naive += TimeDelta::minutes(15),
        }
    }
    None
}

/// UTC epoch milliseconds of a local day's first instant, and its length in milliseconds.
pub(crate) fn day_bounds(zone: Tz, date: NaiveDate) -> Option<(i64, i64)> {
    let start = local_midnight_ms(zone, date)?;
    let next = date.checked_add_days(Days::new(1))?;
    let len = local_midnight_ms(zone, next)? - start;
    (len > 0).then_some((start, len))
}

/// The record count of a port's day, split into (arrivals, departures).
pub(crate) fn day_counts(plan: &PortPlan, params: RunParams, date: NaiveDate) -> (u64, u64) {
    let lambda = plan.expected_records(date, params.scale);
    let mut rng = Key::new(params.seed)
        .str("bcm-count")
        .str(&plan.code)
        .date(date)
        .chacha();
    let n = poisson(&mut rng, lambda);
    let extra = u64::from(n % 2 == 1 && unit(&mut rng) < 0.5);
    let arrivals = n / 2 + extra;
    (arrivals, n - arrivals)
}

fn slot_key(params: RunParams, code: &str, date: NaiveDate, dir: u8, slot: u64) -> u64 {
    Key::new(params.seed)
        .str("bcm-slot")
        .str(code)
        .date(date)
        .num(u64::from(dir))
        .num(slot)
        .value()
}

/// Whether the traveller behind an identity key is a citizen: the key's first draw.
fn key_is_citizen(key: u64) -> bool {
    unit(&mut SplitMix::new(key)) < CITIZEN_SHARE
}

/// Per-day state shared by the steps of the simulation.
struct DaySim<'a> {
    plan: &'a PortPlan,
    params: RunParams,
    date: NaiveDate,
    counts_cache: HashMap<NaiveDate, (u64, u64)>,
}

impl DaySim<'_> {
    fn counts(&mut self, date: NaiveDate) -> (u64, u64) {
        let (plan, params) = (self.plan, self.params);
        *self
            .counts_cache
            .entry(date)
            .or_insert_with(|| day_counts(plan, params, date))
    }

    /// The traveller in slot `slot` of direction `dir`: citizen or not, and the key their
    /// identity is rendered from. A foreigner departing may be one who arrived here a few
    /// days earlier (and a citizen arriving one who left earlier): then the key is that
    /// earlier slot's, so passport and name match across the two files.
    fn identity<R: Rng>(&mut self, rng: &mut R, dir: u8, slot: u64) -> (bool, u64) {
        let own = slot_key(self.params, &self.plan.code, self.date, dir, slot);
        let citizen = key_is_citizen(own);
        let returning = (dir == DEPARTURE && !citizen) || (dir == ARRIVAL && citizen);
        if returning && unit(rng) < RETURN_SHARE {
            let earlier_dir = if dir == ARRIVAL { DEPARTURE } else { ARRIVAL };
            for _ in 0..3 {
                // Trips of 2 to 21 days, most of them about a week.
                let days = (2.0 + exponential(rng, 5.0)).round().min(21.0) as u64;
                let Some(earlier) = self.date.checked_sub_days(Days::new(days)) else {
                    break;
                };
                let (a, d) = self.counts(earlier);
                let n = if earlier_dir == ARRIVAL { a } else { d };
                if n == 0 {
                    continue;
                }
                let key = slot_key(
                    self.params,
                    &self.plan.code,
                    earlier,
                    earlier_dir,
                    below(rng, n),
                );
                if key_is_citizen(key) == citizen {
                    return (citizen, key);
                }
            }
        }
        (citizen, own)
    }
}

/// Travellers in one flight, vessel or road group, and whether it is a scheduled service
/// (a land crossing's cars are not; its buses are). Below scale 1 a burst is the scaled
/// sample of a full load, so the number of flights a day (and the shape of the day) stays
/// realistic at demo volumes.
fn burst_size<R: Rng>(plan: &PortPlan, scale: f64, rng: &mut R) -> (u64, bool) {
    let u = unit(rng);
    let (pax, service) = match plan.mode {
        Mode::Air => {
            let seats = if plan.size >= 0.5 {
                if u < 0.4 {
                    uniform(rng, 250.0, 380.0)
                } else {
                    uniform(rng, 150.0, 190.0)
                }
            } else if u < 0.12 {
                uniform(rng, 250.0, 330.0)
            } else if u < 0.75 {
                uniform(rng, 150.0, 190.0)
            } else {
                uniform(rng, 70.0, 120.0)
            };
            (seats * uniform(rng, 0.65, 0.95), true)
        }
        Mode::Sea if plan.cruise => (uniform(rng, 600.0, 2_400.0), true),
        Mode::Sea => (uniform(rng, 80.0, 250.0) * uniform(rng, 0.3, 0.8), true),
        Mode::Land => {
            if u < 0.7 {
                (uniform(rng, 1.0, 3.0).floor(), false)
            } else if u < 0.95 {
                (uniform(rng, 3.0, 7.0).floor(), false)
            } else {
                (uniform(rng, 15.0, 41.0).floor(), true)
            }
        }
    };
    (((pax * scale.min(1.0)).round() as u64).max(1), service)
}

/// A service number for a new movement, unique for its carrier on the day (carriers
/// repeat in the plan's list to weigh them, so uniqueness goes by the carrier's code).
fn service_number<R: Rng>(
    plan: &PortPlan,
    carrier: u16,
    used: &mut BTreeSet<(&'static str, u32)>,
    rng: &mut R,
) -> u32 {
    let code = carrier_code(plan, carrier);
    let mut number = match plan.mode {
        Mode::Air if unit(rng) < 0.92 => rng.random_range(100..1000),
        Mode::Air => rng.random_range(1000..10_000),
        Mode::Sea if plan.cruise => 0,
        Mode::Sea => rng.random_range(1..31),
        Mode::Land => rng.random_range(1..21),
    };
    while !used.insert((code, number)) {
        number += 1;
    }
    number
}

/// Actual minus scheduled on-block, minutes: most services within a few minutes of the
/// timetable, a share some twenty minutes late, a long tail of hours.
fn delay_minutes<R: Rng>(mode: Mode, rng: &mut R) -> f64 {
    let u = unit(rng);
    match mode {
        Mode::Air if u < 0.55 => -3.0 + 7.0 * normal(rng),
        Mode::Air if u < 0.9 => lognormal(rng, 18.0, 0.6),
        Mode::Air => lognormal(rng, 60.0, 0.7).min(360.0),
        Mode::Sea | Mode::Land if u < 0.7 => 5.0 * normal(rng),
        Mode::Sea | Mode::Land => lognormal(rng, 20.0, 0.7).min(240.0),
    }
}

/// Minutes from the burst's anchor to a traveller joining the queue: (shift, offset,
/// spread). Arrivals reach the hall `offset` to `offset + spread` minutes after on-block,
/// which is `shift` minutes from the anchor; departures trickle in over the check-in wave.
/// Shifts centre the bursts on the anchor drawn from the diurnal profile.
fn join_window(plan: &PortPlan, dir: u8) -> (f64, f64, f64) {
    match (plan.mode, dir) {
        (Mode::Air, ARRIVAL) => (-25.0, 10.0, 30.0),
        (Mode::Air, _) => (-60.0, 0.0, 120.0),
        (Mode::Sea, ARRIVAL) if plan.cruise => (-60.0, 0.0, 120.0),
        (Mode::Sea, ARRIVAL) => (-15.0, 5.0, 20.0),
        (Mode::Sea, _) => (-30.0, 0.0, 60.0),
        (Mode::Land, _) => (0.0, 0.0, 3.0),
    }
}

/// Folds a time into the day: airports wrap around midnight, daytime ports reflect off
/// their opening hours.
fn place(t: i64, day_len: i64, open: Option<(u32, u32)>) -> u32 {
    let t = match open {
        None => t.rem_euclid(day_len),
        Some((from, to)) => {
            let from = i64::from(from) * HOUR_MS;
            let to = (i64::from(to) * HOUR_MS).min(day_len);
            let t = if t < from { 2 * from - t } else { t };
            let t = if t >= to { 2 * to - 1 - t } else { t };
            t.clamp(from, to - 1)
        }
    };
    u32::try_from(t.clamp(0, day_len - 1)).unwrap_or(0)
}

/// Reflects `t` off the ends of `[lo, hi]`.
fn reflect(t: i64, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        return lo;
    }
    let t = if t < lo { 2 * lo - t } else { t };
    let t = if t > hi { 2 * hi - t } else { t };
    t.clamp(lo, hi)
}

/// The window an arriving movement's on-block must fall in so that all its travellers
/// join the queue inside the day (and inside a daytime port's opening hours), and so that
/// another agency's clock skew never moves it to a neighbouring day.
fn on_block_window(plan: &PortPlan, day_len: i64) -> (i64, i64) {
    let (_, offset, spread) = join_window(plan, ARRIVAL);
    let reach = ((offset + spread) * MINUTE_MS) as i64 + 1;
    let (from, to) = match plan.open_hours {
        None => (0, day_len),
        Some((from, to)) => (
            i64::from(from) * HOUR_MS,
            (i64::from(to) * HOUR_MS).min(day_len),
        ),
    };
    (from + 5 * 60_000, to - reach)
}

/// A traveller's queue-join time, minutes after the movement's on-block (arrivals) or
/// anchor (departures).
fn join_minutes<R: Rng>(offset: f64, spread: f64, rng: &mut R) -> f64 {
    offset + spread * 0.5 * (unit(rng) + unit(rng))
}

/// Share of a typical day's queue load that falls in its busiest local hour, once bursts
/// are placed around their anchors and part of each hour's queue carries into the next:
/// the load a port's counters are staffed for. Estimated once per port by sampling from a
/// fixed stream, so it depends on the port only.
pub(crate) fn staffed_peak_share(plan: &PortPlan) -> f64 {
    const SAMPLES: u32 = 40_000;
    let mut rng = SplitMix::new(Key::new(0).str("bcm-staffing").str(&plan.code).value());
    let day_len = 24 * HOUR_MS;
    let (lo, hi) = on_block_window(plan, day_len);
    let mut counts = [0.0f64; 24];
    for dir in [ARRIVAL, DEPARTURE] {
        let (shift, offset, spread) = join_window(plan, dir);
        for _ in 0..SAMPLES {
            let hour = plan.hourly_weights.sample(&mut rng) as f64;
            let anchor = (hour + unit(&mut rng)) * HOUR_MS as f64 + shift * MINUTE_MS;
            let minutes = join_minutes(offset, spread, &mut rng);
            let t = if dir == ARRIVAL {
                reflect(anchor.round() as i64, lo, hi) + (minutes * MINUTE_MS).round() as i64
            } else {
                i64::from(place(
                    (anchor + minutes * MINUTE_MS).round() as i64,
                    day_len,
                    plan.open_hours,
                ))
            };
            if let Some(c) = counts.get_mut((t / HOUR_MS) as usize) {
                *c += 1.0;
            }
        }
    }
    let total = 2.0 * f64::from(SAMPLES);
    let mut peak = 0.0f64;
    let mut previous = 0.0;
    for c in counts {
        peak = peak.max(((1.0 - QUEUE_CARRY) * c + QUEUE_CARRY * previous) / total);
        previous = c;
    }
    peak
}

/// A queue wait in minutes from the CBP wait buckets (uniform inside each bucket, an
/// exponential tail past 120 minutes).
fn base_wait_minutes<R: Rng>(buckets: &Weighted, rng: &mut R) -> f64 {
    let i = buckets.sample(rng);
    let (_, lo, hi) = WAIT_BUCKETS.get(i).copied().unwrap_or(("", 0.0, 15.0));
    if hi.is_finite() {
        uniform(rng, lo, hi)
    } else {
        (lo + exponential(rng, 25.0)).min(300.0)
    }
}

/// Counters of `lanes` open in an hour as busy as `busy` (load over the staffed peak).
fn open_lanes(lanes: u32, busy: f64) -> u32 {
    let share = (0.25 + 0.85 * busy).clamp(0.0, 1.0);
    ((f64::from(lanes) * share).ceil() as u32).clamp(1, lanes.max(1))
}

/// Everything a simulated day holds before it is written.
pub(crate) struct Day {
    pub(crate) date: NaiveDate,
    /// UTC epoch milliseconds of local midnight.
    pub(crate) day_start_ms: i64,
    /// Length of the local day in milliseconds.
    pub(crate) day_len_ms: i64,
    pub(crate) movements: Vec<Movement>,
    /// Travellers, in the order of the export (by queue-join time).
    pub(crate) recs: Vec<Rec>,
    /// Each local hour's load relative to the staffed peak.
    busy: [f64; MAX_HOURS],
}

impl std::fmt::Debug for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Day")
            .field("date", &self.date)
            .field("day_start_ms", &self.day_start_ms)
            .field("movements", &self.movements.len())
            .field("records", &self.recs.len())
            .finish()
    }
}

impl Day {
    pub(crate) fn movement(&self, r: &Rec) -> Option<&Movement> {
        self.movements.get(r.movement as usize)
    }

    /// UTC epoch milliseconds at which the traveller joined the queue.
    pub(crate) fn joined(&self, r: &Rec) -> i64 {
        self.day_start_ms + i64::from(r.t)
    }

    /// ... reached the counter or gate.
    pub(crate) fn reached(&self, r: &Rec) -> i64 {
        self.joined(r) + i64::from(r.wait_ms)
    }

    /// ... was cleared.
    pub(crate) fn cleared(&self, r: &Rec) -> i64 {
        self.reached(r) + i64::from(r.proc_ms)
    }

    /// The terminal's index in the port plan.
    pub(crate) fn terminal_index(&self, r: &Rec) -> u8 {
        self.movement(r).map_or(0, |m| m.terminal)
    }

    /// Manual counters staffed for arrivals at a terminal at `t` (milliseconds after local
    /// midnight): the roster for the hour, less the lanes a joint operation halts.
    pub(crate) fn counters_staffed(
        &self,
        plan: &PortPlan,
        terminal: u8,
        t: i64,
        ops: &[Operation],
    ) -> u32 {
        let lanes = plan
            .terminals
            .get(usize::from(terminal))
            .map_or(1, |t| t.manual)
            .max(1);
        let h = (t.max(0) / HOUR_MS).min(MAX_HOURS as i64 - 1) as usize;
        let open = open_lanes(lanes, self.busy[h]);
        match ops.iter().find(|o| o.terminal == terminal && o.active(t)) {
            Some(op) => {
                let halted = op.lanes.min(lanes - 1);
                open.max(halted + 1) - halted
            }
            None => open,
        }
    }
}

/// The terminal code of a movement.
pub(crate) fn terminal_code(plan: &PortPlan, terminal: u8) -> &'static str {
    plan.terminals
        .get(usize::from(terminal))
        .map_or("INTL", |t| t.code)
}

/// Appends the flight, vessel or bus number BCM, the authority and Customs write
/// (`GA717`, `MV-SINDO-07`, `MV-OVATION`, `DAMRI-03`), or `DARAT` for travellers by car.
pub(crate) fn push_movement_code(plan: &PortPlan, m: Option<&Movement>, out: &mut String) {
    let Some(m) = m.filter(|m| m.service) else {
        out.push_str("DARAT");
        return;
    };
    let carrier = plan
        .carriers
        .get(usize::from(m.carrier))
        .copied()
        .unwrap_or("XX");
    out.push_str(carrier);
    match plan.mode {
        Mode::Air => push_u64(out, u64::from(m.number)),
        Mode::Sea if plan.cruise => {
            if m.number > 0 {
                out.push('-');
                push_u64(out, u64::from(m.number));
            }
        }
        Mode::Sea | Mode::Land => {
            out.push('-');
            push_padded(out, u64::from(m.number), 2);
        }
    }
}

/// The movement's number as a string (see [`push_movement_code`]).
pub(crate) fn movement_code(plan: &PortPlan, m: Option<&Movement>) -> String {
    let mut s = String::with_capacity(12);
    push_movement_code(plan, m, &mut s);
    s
}

/// Renders a traveller's name and passport number; returns the passport's country.
pub(crate) fn render_identity(
    plan: &PortPlan,
    r: &Rec,
    name: &mut String,
    passport: &mut String,
) -> &'static str {
    // The key's first draw decided citizenship; the rest is the person.
    let mut id_rng = SplitMix::new(r.identity);
    let _citizenship = unit(&mut id_rng);
    let nationality = if r.citizen {
        "IDN"
    } else {
        let k = plan.nationality_weights.sample(&mut id_rng);
        plan.nationalities.get(k).copied().unwrap_or("AUS")
    };
    name.clear();
    passport.clear();
    write_name(&mut id_rng, nationality, name);
    write_passport(&mut id_rng, nationality, passport);
    nationality
}

/// Simulates one port's day, given the joint operations planned for it. `None` if the
/// local day cannot be placed in UTC.
pub(crate) fn simulate(
    plan: &PortPlan,
    wait_buckets: &Weighted,
    params: RunParams,
    date: NaiveDate,
    ops: &[Operation],
) -> Option<Day> {
    let (day_start_ms, day_len) = day_bounds(plan.zone, date)?;
    let mut sim = DaySim {
        plan,
        params,
        date,
        counts_cache: HashMap::new(),
    };
    let (arrivals, departures) = sim.counts(date);
    let mut rng = Key::new(params.seed)
        .str("bcm-day")
        .str(&plan.code)
        .date(date)
        .chacha();

    // Step 2: movements and their travellers.
    let total = usize::try_from(arrivals + departures).unwrap_or(usize::MAX);
    let mut recs: Vec<Rec> = Vec::with_capacity(total);
    let mut movements: Vec<Movement> = Vec::new();
    let mut used = BTreeSet::new();
    let (lo, hi) = on_block_window(plan, day_len);
    for (dir, count) in [(ARRIVAL, arrivals), (DEPARTURE, departures)] {
        let (shift, offset, spread) = join_window(plan, dir);
        let mut slot = 0u64;
        while slot < count {
            let (full, service) = burst_size(plan, params.scale, &mut rng);
            let pax = full.min(count - slot);
            let carrier = below(&mut rng, plan.carriers.len() as u64) as u16;
            let number = if service {
                service_number(plan, carrier, &mut used, &mut rng)
            } else {
                0
            };
            let terminal = plan.terminal_weights.sample(&mut rng) as u8;
            let movement = movements.len() as u32;
            let hour = plan.hourly_weights.sample(&mut rng) as f64;
            let anchor = (hour + unit(&mut rng)) * HOUR_MS as f64 + shift * MINUTE_MS;
            let mut m = Movement {
                carrier,
                number,
                terminal,
                dir,
                service,
                cancelled: false,
                on_block: 0,
                delay: 0,
                origin: "",
                pax: u32::try_from(pax).unwrap_or(u32::MAX),
            };
            if dir == ARRIVAL {
                // On-block to the second; travellers walk to the hall from there.
                m.on_block = reflect((anchor / 1_000.0).round() as i64 * 1_000, lo, hi);
                if service {
                    arrival_details(plan, &mut m, &mut rng);
                }
            }
            for _ in 0..pax {
                let minutes = join_minutes(offset, spread, &mut rng);
                let t = if dir == ARRIVAL {
                    let t = m.on_block + (minutes * MINUTE_MS).round() as i64;
                    u32::try_from(t.clamp(0, day_len - 1)).unwrap_or(0)
                } else {
                    let t = (anchor + minutes * MINUTE_MS).round() as i64;
                    place(t, day_len, plan.open_hours)
                };
                recs.push(Rec {
                    t,
                    slot: slot as u32,
                    movement,
                    dir,
                    ..Rec::default()
                });
                slot += 1;
            }
            movements.push(m);
        }
    }
    // A few scheduled arrivals are cancelled: listed by the authority, nobody aboard.
    let services = movements
        .iter()
        .filter(|m| m.dir == ARRIVAL && m.service)
        .count();
    for _ in 0..poisson(&mut rng, CANCELLED_SHARE * services as f64) {
        let carrier = below(&mut rng, plan.carriers.len() as u64) as u16;
        let number = service_number(plan, carrier, &mut used, &mut rng);
        let terminal = plan.terminal_weights.sample(&mut rng) as u8;
        let hour = plan.hourly_weights.sample(&mut rng) as f64;
        // Timetables run in five-minute steps.
        let scheduled = ((hour + unit(&mut rng)) * 12.0).round() as i64 * 300_000;
        let mut m = Movement {
            carrier,
            number,
            terminal,
            dir: ARRIVAL,
            service: true,
            cancelled: true,
            on_block: reflect(scheduled, lo, hi),
            delay: 0,
            origin: "",
            pax: 0,
        };
        let options = origins(&plan.code, plan.mode, carrier_code(plan, carrier));
        m.origin = options
            .get(below(&mut rng, options.len() as u64) as usize)
            .copied()
            .unwrap_or("SIN");
        movements.push(m);
    }

    // Step 3: congestion per local hour.
    let mut realised = [0u32; MAX_HOURS];
    for r in &recs {
        let h = (i64::from(r.t) / HOUR_MS) as usize;
        if let Some(c) = realised.get_mut(h) {
            *c += 1;
        }
    }
    // Counters are staffed for the month's usual peak, partly adjusted for the weekday.
    let planned_peak = plan.planned_records(date, params.scale)
        * plan.weekday_factor(date).powf(WEEKDAY_STAFFING)
        * plan.peak_share;
    let day_factor = lognormal(&mut rng, 1.0, 0.10);
    let mut busy = [0.0f64; MAX_HOURS];
    let mut congestion = [0.0f64; MAX_HOURS];
    let mut slow_checks = [false; MAX_HOURS];
    for h in 0..MAX_HOURS {
        // A queue carries over part of the previous hour's load.
        let previous = if h > 0 {
            f64::from(realised[h - 1])
        } else {
            0.0
        };
        let load = (1.0 - QUEUE_CARRY) * f64::from(realised[h]) + QUEUE_CARRY * previous;
        let b = if planned_peak > 0.0 {
            load / planned_peak
        } else {
            0.0
        };
        busy[h] = b;
        let noise = lognormal(&mut rng, 1.0, 0.06);
        congestion[h] = (CONGESTION_FLOOR
            + CONGESTION_SPAN * plan.size * b.min(1.6).powf(CONGESTION_POWER))
            * day_factor
            * noise;
    }
    // Disruption episodes (a staff shortage, an I-24/7 slowdown): more likely where
    // traffic is heavy, and in busy hours.
    let episodes = poisson(&mut rng, 0.04 + 0.2 * plan.size);
    for _ in 0..episodes {
        let start = plan.hourly_weights.sample(&mut rng);
        let hours = 1 + below(&mut rng, 3) as usize;
        let intensity = uniform(&mut rng, 1.4, 2.2);
        let slow = unit(&mut rng) < 0.4;
        for h in start..(start + hours).min(MAX_HOURS) {
            congestion[h] *= intensity;
            slow_checks[h] |= slow;
        }
    }

    // Step 4: every traveller's processing.
    let notice_weights = Weighted::new(NOTICE_WEIGHTS);
    for r in &mut recs {
        let h = ((i64::from(r.t) / HOUR_MS) as usize).min(MAX_HOURS - 1);
        let (citizen, identity) = sim.identity(&mut rng, r.dir, u64::from(r.slot));
        r.citizen = citizen;
        r.identity = identity;
        r.autogate = plan.autogate && unit(&mut rng) < if citizen { 0.65 } else { 0.12 };
        let terminal_index = movements.get(r.movement as usize).map_or(0, |m| m.terminal);
        let terminal = plan.terminals.get(usize::from(terminal_index));

        // I-24/7 check.
        let p_timeout = if slow_checks[h] { 0.12 } else { 0.015 };
        let u = unit(&mut rng);
        let (status, resp) = if u < p_timeout {
            (TIMEOUT, 5_000.0 + exponential(&mut rng, 350.0))
        } else if u < p_timeout + 0.003 {
            (ERROR, uniform(&mut rng, 15.0, 1_500.0))
        } else {
            let median = if slow_checks[h] { 950.0 } else { 430.0 };
            (OK, lognormal(&mut rng, median, 0.38).clamp(40.0, 4_900.0))
        };
        r.status = status;
        r.resp_ms = resp.round() as u32;
        let p_notice = if citizen { 0.000_4 } else { 0.001_2 };
        if status == OK && unit(&mut rng) < p_notice {
            r.notice = notice_weights
                .as_ref()
                .map_or(SLTD, |w| 1 + w.sample(&mut rng) as u8);
        }

        // Outcome.
        let foreign_arrival = !citizen && r.dir == ARRIVAL;
        let u = unit(&mut rng);
        r.hasil = match r.notice {
            0 => {
                if foreign_arrival && u < 0.000_5 {
                    TOLAK
                } else if foreign_arrival && u < 0.000_7 {
                    TANGKAL
                } else if u < 0.000_73 {
                    DITAHAN
                } else if u < 0.010_2 {
                    LANJUTAN
                } else {
                    LOLOS
                }
            }
            RED => {
                if u < 0.6 {
                    DITAHAN
                } else {
                    LANJUTAN
                }
            }
            SLTD if foreign_arrival => {
                if u < 0.45 {
                    TOLAK
                } else if u < 0.9 {
                    LANJUTAN
                } else {
                    DITAHAN
                }
            }
            SLTD => {
                if u < 0.8 {
                    LANJUTAN
                } else {
                    DITAHAN
                }
            }
            _ => {
                if u < 0.65 {
                    LANJUTAN
                } else {
                    LOLOS
                }
            }
        };

        // Queue wait: the CBP distribution scaled by the hour's congestion; a joint
        // operation at the terminal holds the queue back further.
        let lane = if r.autogate { AUTOGATE_WAIT } else { 1.0 };
        let wait = congestion[h] * lane * base_wait_minutes(wait_buckets, &mut rng)
            + uniform(&mut rng, 0.0, 0.6);
        let t = i64::from(r.t);
        let mut reach = t + (wait.min(480.0) * MINUTE_MS).round() as i64;
        let op = ops
            .iter()
            .find(|o| o.terminal == terminal_index && o.holds_back(reach));
        if let Some(op) = op {
            reach = op.delayed(reach);
        }
        r.wait_ms = u32::try_from(reach - t).unwrap_or(u32::MAX);

        // The counter or gate: one of those open in the hour, never a halted one.
        let lanes = terminal
            .map_or(1, |t| if r.autogate { t.autogates } else { t.manual })
            .max(1);
        let open = open_lanes(lanes, busy[h]);
        let halted = match op {
            Some(op) if !r.autogate && op.active(reach) => op.lanes.min(lanes - 1),
            _ => 0,
        };
        let open = open.max(halted + 1);
        let counter = 1
            + u32::from(r.dir) * lanes
            + halted
            + below(&mut rng, u64::from(open - halted)) as u32;
        r.counter = u16::try_from(counter).unwrap_or(u16::MAX);

        // Processing at the counter.
        let mut seconds = if r.autogate {
            uniform(&mut rng, 20.0, 40.0)
        } else {
            triangular(&mut rng, 60.0, 85.0, 150.0)
        };
        seconds += 60.0
            * match r.hasil {
                LANJUTAN => uniform(&mut rng, 10.0, 45.0),
                TOLAK | TANGKAL => uniform(&mut rng, 20.0, 90.0),
                DITAHAN => uniform(&mut rng, 30.0, 180.0),
                _ => 0.0,
            };
        if status == TIMEOUT && !r.autogate {
            seconds += f64::from(r.resp_ms) / 1_000.0;
        }
        r.proc_ms = (seconds * 1_000.0).round() as u32;

        // A real system sometimes fails to record the counter time.
        let u = unit(&mut rng);
        r.loket = if u < 0.002 {
            LOKET_NULL
        } else if u < 0.003 {
            LOKET_ABSENT
        } else {
            LOKET_RECORDED
        };
    }

    recs.sort_unstable_by_key(|r| (r.t, r.dir, r.slot));
    Some(Day {
        date,
        day_start_ms,
        day_len_ms: day_len,
        movements,
        recs,
        busy,
    })
}

fn carrier_code(plan: &PortPlan, carrier: u16) -> &'static str {
    plan.carriers
        .get(usize::from(carrier))
        .copied()
        .unwrap_or("XX")
}

/// An arriving service's origin and its delay against the timetable; the scheduled
/// on-block is kept to five-minute steps, as timetables are.
fn arrival_details<R: Rng>(plan: &PortPlan, m: &mut Movement, rng: &mut R) {
    let options = origins(&plan.code, plan.mode, carrier_code(plan, m.carrier));
    m.origin = options
        .get(below(rng, options.len() as u64) as usize)
        .copied()
        .unwrap_or("SIN");
    let delay_ms = (delay_minutes(plan.mode, rng) * MINUTE_MS).round() as i64;
    let scheduled = (m.on_block - delay_ms).div_euclid(300_000) * 300_000;
    m.delay = m.on_block - scheduled;
}

/// Writes the day as JSON lines through `sink`, applying the record faults it draws.
/// `encoding_at`: for a file written in the wrong encoding, the record that carries a
/// non-ASCII name; returns what was noted about it.
pub(crate) fn write_day<W: Write>(
    plan: &PortPlan,
    day: &Day,
    sink: &mut LineSink<W>,
    encoding_at: Option<usize>,
    unknown_port: &str,
) -> io::Result<Option<Noted>> {
    let ymd = super::format::ymd(day.date);
    let mut line = String::with_capacity(512);
    let mut name = String::with_capacity(48);
    let mut passport = String::with_capacity(12);
    let mut encoding_noted = None;
    for (i, r) in day.recs.iter().enumerate() {
        if sink.stopped() {
            break;
        }
        let movement = day.movement(r);
        let terminal = terminal_code(plan, movement.map_or(0, |m| m.terminal));
        let nationality = render_identity(plan, r, &mut name, &mut passport);
        let wrong_encoding = encoding_at == Some(i);
        let fault = if wrong_encoding { None } else { sink.draw() };
        let mut odd = None;
        if wrong_encoding {
            let k = below(sink.fault_rng(), NON_ASCII_NAMES.len() as u64) as usize;
            odd = NON_ASCII_NAMES.get(k).copied();
            if let Some((odd_name, _, _)) = odd {
                name.clear();
                name.push_str(odd_name);
            }
        }

        let mut antri = day.joined(r);
        let loket = day.reached(r);
        let mut selesai = day.cleared(r);
        let mut kode_tpi = plan.code.as_str();
        let mut detail = String::new();
        match fault {
            Some(RecordFault::ImpossibleTime) => {
                if unit(sink.fault_rng()) < 0.5 {
                    selesai = antri - (selesai - antri) - 60_000;
                    detail = format!(
                        "waktu_selesai is {} minutes before waktu_antri",
                        (antri - selesai) / 60_000
                    );
                } else {
                    antri = in_1970(antri);
                    detail = "waktu_antri is in 1970 (a reset clock)".to_string();
                }
            }
            Some(RecordFault::UnknownPort) => {
                kode_tpi = unknown_port;
                detail = format!("kode_tpi '{unknown_port}' is not a registered port");
            }
            _ => {}
        }

        line.clear();
        line.push_str("{\"id_transaksi\":\"");
        line.push_str(&plan.code);
        line.push('-');
        line.push_str(&ymd);
        line.push('-');
        push_padded(&mut line, i as u64 + 1, 7);
        line.push('"');
        push_field(&mut line, "kode_tpi");
        push_json_str(&mut line, kode_tpi);
        push_field(&mut line, "terminal");
        push_json_str(&mut line, terminal);
        push_field(&mut line, "loket");
        line.push('"');
        line.push_str(terminal);
        line.push_str(if r.autogate { "-A" } else { "-M" });
        push_padded(&mut line, u64::from(r.counter), 2);
        line.push('"');
        push_field(&mut line, "jenis_loket");
        line.push_str(if r.autogate {
            "\"autogate\""
        } else {
            "\"manual\""
        });
        push_field(&mut line, "arah");
        line.push_str(if r.dir == ARRIVAL {
            "\"kedatangan\""
        } else {
            "\"keberangkatan\""
        });
        push_field(&mut line, "kewarganegaraan");
        line.push_str(if r.citizen { "\"WNI\"" } else { "\"WNA\"" });
        push_field(&mut line, "negara");
        push_json_str(&mut line, nationality);
        push_field(&mut line, "no_penerbangan");
        line.push('"');
        push_movement_code(plan, movement, &mut line);
        line.push('"');
        push_field(&mut line, "no_paspor");
        push_json_str(&mut line, &passport);
        push_field(&mut line, "nama");
        push_json_str(&mut line, &name);
        push_field(&mut line, "waktu_antri");
        push_i64(&mut line, antri);
        match r.loket {
            LOKET_ABSENT => {}
            LOKET_NULL => {
                push_field(&mut line, "waktu_loket");
                line.push_str("null");
            }
            _ => {
                push_field(&mut line, "waktu_loket");
                push_i64(&mut line, loket);
            }
        }
        push_field(&mut line, "waktu_selesai");
        push_i64(&mut line, selesai);
        push_field(&mut line, "hasil");
        line.push('"');
        line.push_str(HASIL.get(usize::from(r.hasil)).copied().unwrap_or("lolos"));
        line.push('"');
        line.push_str(",\"i247\":{\"status\":\"");
        line.push_str(STATUS.get(usize::from(r.status)).copied().unwrap_or("OK"));
        line.push_str("\",\"waktu_respons_ms\":");
        push_u64(&mut line, u64::from(r.resp_ms));
        line.push_str(",\"jenis_notice\":");
        match NOTICE.get(usize::from(r.notice)).copied() {
            Some(n) if !n.is_empty() => {
                line.push('"');
                line.push_str(n);
                line.push('"');
            }
            _ => line.push_str("null"),
        }
        line.push_str("}}");

        if let Some((_, letter, byte)) = odd {
            // Windows-1252: every character here is ASCII except the name's one letter.
            let bytes: Vec<u8> = line
                .chars()
                .map(|c| if c == letter { byte } else { c as u8 })
                .collect();
            encoding_noted = Some(Noted {
                record_number: None,
                kind: "encoding",
                detail: format!(
                    "written in Windows-1252, not UTF-8: line {} holds the name's '{letter}' \
                     as the single byte 0x{byte:02X}",
                    sink.next_line()
                ),
            });
            sink.record(&bytes, None)?;
        } else {
            sink.record(line.as_bytes(), fault.map(|f| (f, detail)))?;
        }
    }
    Ok(encoding_noted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_day_place_keeps_times_inside_the_day() {
        let day = 24 * HOUR_MS;
        assert_eq!(place(-1, day, None), (day - 1) as u32);
        assert_eq!(place(day + 5, day, None), 5);
        let open = Some((7, 21));
        let t = place(6 * HOUR_MS, day, open);
        assert_eq!(i64::from(t), 8 * HOUR_MS);
        let t = place(22 * HOUR_MS, day, open);
        assert!(i64::from(t) < 21 * HOUR_MS && i64::from(t) >= 19 * HOUR_MS);
        assert_eq!(reflect(-5, 0, 100), 5);
        assert_eq!(reflect(104, 0, 100), 96);
        assert_eq!(reflect(50, 10, 5), 10);
    }

    #[test]
    fn generate_day_local_midnight_in_indonesian_zones() {
        let date = NaiveDate::from_ymd_opt(2026, 10, 20).expect("valid date");
        let wib = local_midnight_ms(chrono_tz::Asia::Jakarta, date).expect("WIB");
        let wit = local_midnight_ms(chrono_tz::Asia::Jayapura, date).expect("WIT");
        assert_eq!(wib - wit, 2 * HOUR_MS);
    }
}
