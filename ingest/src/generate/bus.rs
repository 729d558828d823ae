//! The integration bus message log (`bus_<PORT>_<YYYYMMDD>_<stamp>.jsonl`): JSON lines,
//! RFC 3339 UTC times on the bus's clock, one message between agency systems per line —
//! the messages about the night's flights and travellers.
//!
//! - Every arriving flight (vessel, bus service) that was not cancelled: its passenger
//!   manifest from `OTORITAS` to `IMIGRASI` and to `BEA_CUKAI`, produced when it left its
//!   origin, well before on-block.
//! - For some flights (more from risky origins) Customs' `risk_profile` to `IMIGRASI`,
//!   minutes after Customs received the manifest.
//! - For every red I-24/7 notice hit, an `alert` from `IMIGRASI` to `POLRI` seconds after
//!   the check.
//!
//! `ref` is the authority's `flight_id` (for an alert about a traveller who came without a
//! listed service, BCM's `id_transaksi`). Latency is lognormal, a minute or two typically
//! with a long tail; a few messages fail (`received_at` null) and a few are handled by hand
//! (`manual`, 15 to 45 minutes: the manual conversion the product replaces).

use std::io::Write;

use rand::Rng;

use super::Night;
use super::authority::{arrivals, flight_id};
use super::day::{MINUTE_MS, RED};
use super::faults::{LineSink, RecordFault};
use super::format::{in_1970, push_field, push_json_str, utc_millis, ymd};
use super::profile::{Mode, risky_origin};
use super::rng::{below, exponential, lognormal, uniform, unit};

/// One message, on the reference clock (UTC epoch milliseconds).
#[derive(Debug, Clone)]
struct Message {
    produced: i64,
    received: Option<i64>,
    sender: &'static str,
    receiver: &'static str,
    kind: &'static str,
    status: &'static str,
    reference: String,
}

/// Delivery of a message produced at `produced`: (status, received). `median_minutes`
/// is the typical latency of the message kind.
fn deliver<R: Rng>(rng: &mut R, produced: i64, median_minutes: f64) -> (&'static str, Option<i64>) {
    let u = unit(rng);
    if u < 0.008 {
        return ("failed", None);
    }
    if u < 0.04 {
        let minutes = uniform(rng, 15.0, 45.0);
        return ("manual", Some(produced + (minutes * MINUTE_MS) as i64));
    }
    let mut minutes = lognormal(rng, median_minutes, 1.0).min(600.0);
    if unit(rng) < 0.03 {
        // A backlog on the bus: a long tail of a quarter of an hour to two hours.
        minutes += 15.0 + exponential(rng, 30.0).min(105.0);
    }
    ("delivered", Some(produced + (minutes * MINUTE_MS) as i64))
}

fn messages(night: &Night<'_>) -> Vec<Message> {
    let (plan, day) = (night.plan, night.day);
    let mut rng = night.key("bus-messages").chacha();
    let mut out = Vec::new();
    for m in arrivals(night).into_iter().filter(|m| !m.cancelled) {
        let reference = flight_id(night, m);
        let lead = match plan.mode {
            Mode::Air => uniform(&mut rng, 45.0, 240.0),
            Mode::Sea => uniform(&mut rng, 30.0, 90.0),
            Mode::Land => uniform(&mut rng, 20.0, 60.0),
        };
        let produced = day.day_start_ms + m.on_block - (lead * MINUTE_MS) as i64;
        let mut customs_received = None;
        for receiver in ["IMIGRASI", "BEA_CUKAI"] {
            let at = produced + (uniform(&mut rng, 0.0, 3.0) * 1_000.0) as i64;
            let (status, received) = deliver(&mut rng, at, 1.2);
            if receiver == "BEA_CUKAI" {
                customs_received = received;
            }
            out.push(Message {
                produced: at,
                received,
                sender: "OTORITAS",
                receiver,
                kind: "manifest",
                status,
                reference: reference.clone(),
            });
        }
        let p_profile = if risky_origin(m.origin) { 0.4 } else { 0.15 };
        if unit(&mut rng) < p_profile {
            // Without the manifest Customs profiles from the timetable, later.
            let base = customs_received.unwrap_or(produced + 20 * 60_000);
            let at = base + (uniform(&mut rng, 3.0, 25.0) * MINUTE_MS) as i64;
            let (status, received) = deliver(&mut rng, at, 1.0);
            out.push(Message {
                produced: at,
                received,
                sender: "BEA_CUKAI",
                receiver: "IMIGRASI",
                kind: "risk_profile",
                status,
                reference: reference.clone(),
            });
        }
    }
    let ymd = ymd(night.date());
    for (i, r) in day.recs.iter().enumerate() {
        if r.notice != RED {
            continue;
        }
        let at =
            day.reached(r) + i64::from(r.resp_ms) + (uniform(&mut rng, 5.0, 60.0) * 1_000.0) as i64;
        let (status, received) = deliver(&mut rng, at, 0.3);
        let reference = match day.movement(r).filter(|m| m.service) {
            Some(m) => flight_id(night, m),
            None => format!("{}-{ymd}-{:07}", plan.code, i + 1),
        };
        out.push(Message {
            produced: at,
            received,
            sender: "IMIGRASI",
            receiver: "POLRI",
            kind: "alert",
            status,
            reference,
        });
    }
    // Stable: equal times keep the flight-then-receiver order.
    out.sort_by_key(|m| m.produced);
    out
}

/// Writes the night's messages as JSON lines through `sink`.
pub(crate) fn write_bus<W: Write>(
    night: &Night<'_>,
    sink: &mut LineSink<W>,
) -> std::io::Result<()> {
    let plan = night.plan;
    let skew = night.clocks.bus;
    let ymd = ymd(night.date());
    let list = messages(night);
    sink.expect_records(list.len());
    let mut line = String::with_capacity(300);
    for (i, m) in list.iter().enumerate() {
        if sink.stopped() {
            break;
        }
        let mut produced = utc_millis(m.produced + skew);
        let mut received = m.received.map(|t| utc_millis(t + skew));
        let mut port = plan.code.as_str();
        let fault = sink.draw();
        let detail = match fault {
            Some(RecordFault::ImpossibleTime) => match m.received {
                Some(t) => {
                    // Well beyond any clock skew between two systems.
                    let lag = (t - m.produced).max(0)
                        + (10 + below(sink.fault_rng(), 60) as i64) * 60_000;
                    received = Some(utc_millis(m.produced - lag + skew));
                    format!(
                        "received_at is {:.1} minutes before produced_at",
                        lag as f64 / MINUTE_MS
                    )
                }
                None => {
                    produced = utc_millis(in_1970(m.produced + skew));
                    "produced_at is in 1970 (a reset clock)".to_string()
                }
            },
            Some(RecordFault::UnknownPort) => {
                port = night.unknown_port;
                format!("port '{port}' is not a registered port")
            }
            _ => String::new(),
        };
        line.clear();
        line.push_str(&format!(
            "{{\"message_id\":\"MSG-{}-{ymd}-{:06}\"",
            plan.code,
            i + 1
        ));
        push_field(&mut line, "port");
        push_json_str(&mut line, port);
        push_field(&mut line, "sender");
        push_json_str(&mut line, m.sender);
        push_field(&mut line, "receiver");
        push_json_str(&mut line, m.receiver);
        push_field(&mut line, "kind");
        push_json_str(&mut line, m.kind);
        push_field(&mut line, "produced_at");
        push_json_str(&mut line, &produced);
        push_field(&mut line, "received_at");
        match &received {
            Some(t) => push_json_str(&mut line, t),
            None => line.push_str("null"),
        }
        push_field(&mut line, "status");
        push_json_str(&mut line, m.status);
        push_field(&mut line, "ref");
        push_json_str(&mut line, &m.reference);
        line.push('}');
        sink.record(line.as_bytes(), fault.map(|f| (f, detail)))?;
    }
    Ok(())
}
