//! Simulation of one port's Immigration BCM export for one local day, and its JSON-lines
//! serialisation.
//!
//! A day is built in four steps, all drawn from one ChaCha8 stream seeded by
//! (seed, port, date):
//! 1. the day's record count (Poisson around the BPS-calibrated mean; its own stream, so
//!    other days can look it up cheaply), split evenly into arrivals and departures;
//! 2. flights, vessels or road groups, each a burst of travellers joining the queue within
//!    tens of minutes of on-block (arrivals) or spread over the check-in wave (departures),
//!    their times drawn from the port's diurnal profile;
//! 3. the congestion of each local hour, from how busy that hour turned out against the
//!    port's planned peak, a day factor, a little hour noise and the odd disruption
//!    episode (staff shortage or an I-24/7 slowdown);
//! 4. each traveller's identity, lane, counter, queue wait (CBP wait-bucket distribution
//!    scaled by the hour's congestion), processing time, outcome and I-24/7 check.
//!
//! Records are then sorted by queue-join time, numbered, and written one JSON object per
//! line. Only compact fixed-size records are held in memory; names and passport numbers
//! are rendered while writing.

use std::collections::HashMap;
use std::io::{self, Write};

use chrono::{Datelike, Days, NaiveDate, TimeDelta, TimeZone};
use chrono_tz::Tz;
use rand::Rng;

use super::calibration::WAIT_BUCKETS;
use super::people::{write_name, write_passport};
use super::profile::{CITIZEN_SHARE, Mode, PortPlan};
use super::rng::{
    Key, SplitMix, Weighted, below, exponential, lognormal, poisson, triangular, uniform, unit,
};

const HOUR_MS: i64 = 3_600_000;
const MINUTE_MS: f64 = 60_000.0;
/// At most 25 local hours in a day (daylight-saving fall-back).
const MAX_HOURS: usize = 25;

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

/// Share of foreigners' departures that are the same traveller's earlier arrival here,
/// and of citizens' arrivals that are the return of an earlier departure.
const RETURN_SHARE: f64 = 0.5;

/// Options that every day of a run shares.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RunParams {
    pub(crate) seed: u64,
    pub(crate) scale: f64,
}

const ARRIVAL: u8 = 0;
const DEPARTURE: u8 = 1;

const HASIL: [&str; 5] = [
    "lolos",
    "pemeriksaan_lanjutan",
    "tolak",
    "tangkal",
    "ditahan",
];
const LOLOS: u8 = 0;
const LANJUTAN: u8 = 1;
const TOLAK: u8 = 2;
const TANGKAL: u8 = 3;
const DITAHAN: u8 = 4;

const STATUS: [&str; 3] = ["OK", "TIMEOUT", "ERROR"];
const OK: u8 = 0;
const TIMEOUT: u8 = 1;
const ERROR: u8 = 2;

/// Notice types, index 0 meaning "no notice".
const NOTICE: [&str; 7] = ["", "RED", "YELLOW", "BLUE", "GREEN", "DIFFUSION", "SLTD"];
const NOTICE_WEIGHTS: [f64; 6] = [8.0, 10.0, 15.0, 12.0, 15.0, 40.0];
const RED: u8 = 1;
const SLTD: u8 = 6;

/// How the counter time was recorded.
const LOKET_RECORDED: u8 = 0;
const LOKET_NULL: u8 = 1;
const LOKET_ABSENT: u8 = 2;

#[derive(Debug, Clone, Copy)]
struct Movement {
    carrier: u16,
    number: u16,
    terminal: u8,
}

/// One traveller, compact; strings are rendered at write time.
#[derive(Debug, Clone, Copy, Default)]
struct Rec {
    /// Milliseconds after local midnight at which the traveller joined the queue.
    t: u32,
    slot: u32,
    movement: u32,
    dir: u8,
    autogate: bool,
    citizen: bool,
    loket: u8,
    hasil: u8,
    status: u8,
    notice: u8,
    counter: u16,
    wait_ms: u32,
    proc_ms: u32,
    resp_ms: u32,
    identity: u64,
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

/// Travellers in one flight, vessel or road group. Below scale 1 a burst is the scaled
/// sample of a full load, so the number of flights a day (and the shape of the day) stays
/// realistic at demo volumes.
fn burst_size<R: Rng>(plan: &PortPlan, scale: f64, rng: &mut R) -> u64 {
    let u = unit(rng);
    let pax = match plan.mode {
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
            seats * uniform(rng, 0.65, 0.95)
        }
        Mode::Sea if plan.cruise => uniform(rng, 600.0, 2_400.0),
        Mode::Sea => uniform(rng, 80.0, 250.0) * uniform(rng, 0.3, 0.8),
        Mode::Land => {
            if u < 0.7 {
                uniform(rng, 1.0, 3.0).floor()
            } else if u < 0.95 {
                uniform(rng, 3.0, 7.0).floor()
            } else {
                uniform(rng, 15.0, 41.0).floor()
            }
        }
    };
    ((pax * scale.min(1.0)).round() as u64).max(1)
}

/// Minutes from the burst's anchor to a traveller joining the queue: (shift, spread).
/// Arrivals reach the hall 10–40 minutes after on-block; departures trickle in over the
/// check-in wave. Shifts centre the bursts on the anchor drawn from the diurnal profile.
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

/// Share of a typical day's queue load that falls in its busiest local hour, once bursts
/// are placed around their anchors and part of each hour's queue carries into the next:
/// the load a port's counters are staffed for. Estimated once per port by sampling from a
/// fixed stream, so it depends on the port only.
pub(crate) fn staffed_peak_share(plan: &PortPlan) -> f64 {
    const SAMPLES: u32 = 40_000;
    let mut rng = SplitMix::new(Key::new(0).str("bcm-staffing").str(&plan.code).value());
    let day_len = 24 * HOUR_MS;
    let mut counts = [0.0f64; 24];
    for dir in [ARRIVAL, DEPARTURE] {
        let (shift, offset, spread) = join_window(plan, dir);
        for _ in 0..SAMPLES {
            let hour = plan.hourly_weights.sample(&mut rng) as f64;
            let minutes = shift + offset + spread * 0.5 * (unit(&mut rng) + unit(&mut rng));
            let t = (hour + unit(&mut rng)) * HOUR_MS as f64 + minutes * MINUTE_MS;
            let h = i64::from(place(t.round() as i64, day_len, plan.open_hours)) / HOUR_MS;
            if let Some(c) = counts.get_mut(h as usize) {
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

/// Everything a simulated day holds before it is written.
pub(crate) struct Day {
    day_start_ms: i64,
    movements: Vec<Movement>,
    recs: Vec<Rec>,
}

impl std::fmt::Debug for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Day")
            .field("day_start_ms", &self.day_start_ms)
            .field("movements", &self.movements.len())
            .field("records", &self.recs.len())
            .finish()
    }
}

impl Day {
    pub(crate) fn len(&self) -> usize {
        self.recs.len()
    }
}

/// Simulates one port's day. `None` if the local day cannot be placed in UTC.
pub(crate) fn simulate(
    plan: &PortPlan,
    wait_buckets: &Weighted,
    params: RunParams,
    date: NaiveDate,
) -> Option<Day> {
    let day_start_ms = local_midnight_ms(plan.zone, date)?;
    let next = date.checked_add_days(Days::new(1))?;
    let day_len = local_midnight_ms(plan.zone, next)? - day_start_ms;
    if day_len <= 0 {
        return None;
    }
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

    // Step 2: bursts of travellers.
    let total = usize::try_from(arrivals + departures).unwrap_or(usize::MAX);
    let mut recs: Vec<Rec> = Vec::with_capacity(total);
    let mut movements: Vec<Movement> = Vec::new();
    for (dir, count) in [(ARRIVAL, arrivals), (DEPARTURE, departures)] {
        let (shift, offset, spread) = join_window(plan, dir);
        let mut slot = 0u64;
        while slot < count {
            let pax = burst_size(plan, params.scale, &mut rng).min(count - slot);
            let carrier = below(&mut rng, plan.carriers.len() as u64) as u16;
            let number = match plan.mode {
                Mode::Air if unit(&mut rng) < 0.92 => rng.random_range(100..1000),
                Mode::Air => rng.random_range(1000..10_000),
                Mode::Sea => rng.random_range(1..31),
                Mode::Land => 0,
            };
            let terminal = plan.terminal_weights.sample(&mut rng) as u8;
            let movement = movements.len() as u32;
            movements.push(Movement {
                carrier,
                number,
                terminal,
            });
            let hour = plan.hourly_weights.sample(&mut rng) as f64;
            let anchor = (hour + unit(&mut rng)) * HOUR_MS as f64 + shift * MINUTE_MS;
            for _ in 0..pax {
                let minutes = offset + spread * 0.5 * (unit(&mut rng) + unit(&mut rng));
                let t = (anchor + minutes * MINUTE_MS).round() as i64;
                recs.push(Rec {
                    t: place(t, day_len, plan.open_hours),
                    slot: slot as u32,
                    movement,
                    dir,
                    ..Rec::default()
                });
                slot += 1;
            }
        }
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

        let terminal = movements
            .get(r.movement as usize)
            .and_then(|m| plan.terminals.get(usize::from(m.terminal)));
        let lanes = terminal
            .map_or(1, |t| if r.autogate { t.autogates } else { t.manual })
            .max(1);
        let open_share = (0.25 + 0.85 * busy[h]).clamp(0.0, 1.0);
        let open = ((f64::from(lanes) * open_share).ceil() as u32).clamp(1, lanes);
        let counter = 1 + u32::from(r.dir) * lanes + below(&mut rng, u64::from(open)) as u32;
        r.counter = u16::try_from(counter).unwrap_or(u16::MAX);

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

        // Queue wait: the CBP distribution scaled by the hour's congestion.
        let lane = if r.autogate { AUTOGATE_WAIT } else { 1.0 };
        let wait = congestion[h] * lane * base_wait_minutes(wait_buckets, &mut rng)
            + uniform(&mut rng, 0.0, 0.6);
        r.wait_ms = (wait.min(480.0) * MINUTE_MS).round() as u32;

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
        day_start_ms,
        movements,
        recs,
    })
}

fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for b in &buf[i..] {
        out.push(char::from(*b));
    }
}

fn push_i64(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    push_u64(out, v.unsigned_abs());
}

fn push_padded(out: &mut String, v: u64, width: usize) {
    let mut digits = String::with_capacity(width);
    push_u64(&mut digits, v);
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

/// Appends `s` as a JSON string literal.
fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                out.push_str("\\u00");
                let v = u32::from(c);
                out.push(char::from(b"0123456789abcdef"[(v >> 4) as usize]));
                out.push(char::from(b"0123456789abcdef"[(v & 15) as usize]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_field(out: &mut String, name: &str) {
    out.push_str(",\"");
    out.push_str(name);
    out.push_str("\":");
}

/// Writes the day as JSON lines; returns the number of lines.
pub(crate) fn write_day<W: Write>(
    plan: &PortPlan,
    date: NaiveDate,
    day: &Day,
    out: &mut W,
) -> io::Result<u64> {
    let mut ymd = String::with_capacity(8);
    push_padded(&mut ymd, u64::try_from(date.year()).unwrap_or(0), 4);
    push_padded(&mut ymd, u64::from(date.month()), 2);
    push_padded(&mut ymd, u64::from(date.day()), 2);

    let mut line = String::with_capacity(512);
    let mut name = String::with_capacity(48);
    let mut passport = String::with_capacity(12);
    let mut written = 0u64;
    for (i, r) in day.recs.iter().enumerate() {
        let movement = day.movements.get(r.movement as usize);
        let terminal = movement
            .and_then(|m| plan.terminals.get(usize::from(m.terminal)))
            .map_or("INTL", |t| t.code);

        // Identity: the key's first draw decided citizenship; the rest is the person.
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
        write_name(&mut id_rng, nationality, &mut name);
        write_passport(&mut id_rng, nationality, &mut passport);

        line.clear();
        line.push_str("{\"id_transaksi\":\"");
        line.push_str(&plan.code);
        line.push('-');
        line.push_str(&ymd);
        line.push('-');
        push_padded(&mut line, i as u64 + 1, 7);
        line.push('"');
        push_field(&mut line, "kode_tpi");
        push_json_str(&mut line, &plan.code);
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
        match (plan.mode, movement) {
            (Mode::Land, _) | (_, None) => line.push_str("DARAT"),
            (Mode::Air, Some(m)) => {
                line.push_str(
                    plan.carriers
                        .get(usize::from(m.carrier))
                        .copied()
                        .unwrap_or("GA"),
                );
                push_u64(&mut line, u64::from(m.number));
            }
            (Mode::Sea, Some(m)) => {
                line.push_str(
                    plan.carriers
                        .get(usize::from(m.carrier))
                        .copied()
                        .unwrap_or("MV-KM"),
                );
                if !plan.cruise {
                    line.push('-');
                    push_padded(&mut line, u64::from(m.number), 2);
                }
            }
        }
        line.push('"');
        push_field(&mut line, "no_paspor");
        push_json_str(&mut line, &passport);
        push_field(&mut line, "nama");
        push_json_str(&mut line, &name);

        let antri = day.day_start_ms + i64::from(r.t);
        let loket = antri + i64::from(r.wait_ms);
        let selesai = loket + i64::from(r.proc_ms);
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
        line.push_str("}}\n");
        out.write_all(line.as_bytes())?;
        written += 1;
    }
    Ok(written)
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
    }

    #[test]
    fn generate_day_json_strings_are_escaped() {
        let mut s = String::new();
        push_json_str(&mut s, "O'BRIEN \"X\"\\\u{1}");
        assert_eq!(s, "\"O'BRIEN \\\"X\\\"\\\\\\u0001\"");
        let mut n = String::new();
        push_padded(&mut n, 42, 7);
        push_i64(&mut n, -5);
        assert_eq!(n, "0000042-5");
    }

    #[test]
    fn generate_day_local_midnight_in_indonesian_zones() {
        let date = NaiveDate::from_ymd_opt(2026, 10, 20).expect("valid date");
        let wib = local_midnight_ms(chrono_tz::Asia::Jakarta, date).expect("WIB");
        let wit = local_midnight_ms(chrono_tz::Asia::Jayapura, date).expect("WIT");
        assert_eq!(wib - wit, 2 * HOUR_MS);
    }
}
