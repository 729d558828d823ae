//! The airport or port authority's arrivals export
//! (`otoritas_<PORT>_<YYYYMMDD>_<stamp>.csv`): comma-separated, English headers, times in
//! UTC on the authority's clock, one line per arriving flight, vessel or bus service of
//! the night — the same movements whose passengers BCM processed.
//!
//! - `flight_id` is `<PORT>-<YYYYMMDD>-<FLIGHTNO>`, unique per port and night, and is the
//!   `ref` of the bus messages about the flight.
//! - `intl_pax` is exactly the number of BCM arrival records of the flight in the same
//!   night (scaled like them below scale 1); cancelled services have no actual on-block
//!   and carry nobody.
//! - `counters_staffed`: manual immigration counters staffed at the terminal in the hour
//!   the service arrived, less any a joint operation had halted.

use std::io::Write;

use super::Night;
use super::day::{ARRIVAL, Movement, movement_code, terminal_code};
use super::faults::{LineSink, RecordFault};
use super::format::{in_1970, utc_seconds, ymd};

pub(crate) const HEADER: &str = "flight_id,port,terminal,flight_no,origin,sched_on_block_utc,\
                                 actual_on_block_utc,intl_pax,counters_staffed";

/// The night's listed arrivals, in order of (actual, else scheduled) on-block.
pub(crate) fn arrivals<'a>(night: &'a Night<'_>) -> Vec<&'a Movement> {
    let mut list: Vec<&Movement> = night
        .day
        .movements
        .iter()
        .filter(|m| m.dir == ARRIVAL && m.service)
        .collect();
    list.sort_by_key(|m| (m.on_block, m.carrier, m.number));
    list
}

/// The authority's id of an arriving movement.
pub(crate) fn flight_id(night: &Night<'_>, m: &Movement) -> String {
    format!(
        "{}-{}-{}",
        night.plan.code,
        ymd(night.date()),
        movement_code(night.plan, Some(m))
    )
}

/// Writes the arrivals as CSV lines through `sink`.
pub(crate) fn write_authority<W: Write>(
    night: &Night<'_>,
    sink: &mut LineSink<W>,
) -> std::io::Result<()> {
    let (plan, day) = (night.plan, night.day);
    let skew = night.clocks.authority;
    sink.header(HEADER)?;
    let list = arrivals(night);
    sink.expect_records(list.len());
    let mut line = String::with_capacity(160);
    for m in list {
        if sink.stopped() {
            break;
        }
        let on_block = day.day_start_ms + m.on_block + skew;
        let mut scheduled = utc_seconds(on_block - m.delay);
        let mut actual = if m.cancelled {
            String::new()
        } else {
            utc_seconds(on_block)
        };
        let mut port = plan.code.as_str();
        let fault = sink.draw();
        let detail = match fault {
            Some(RecordFault::ImpossibleTime) if m.cancelled => {
                scheduled = utc_seconds(in_1970(on_block - m.delay));
                "sched_on_block_utc is in 1970 (a reset clock)".to_string()
            }
            Some(RecordFault::ImpossibleTime) => {
                actual = utc_seconds(in_1970(on_block));
                "actual_on_block_utc is in 1970 (a reset clock)".to_string()
            }
            Some(RecordFault::UnknownPort) => {
                port = night.unknown_port;
                format!("port '{port}' is not a registered port")
            }
            _ => String::new(),
        };
        let counters = day.counters_staffed(plan, m.terminal, m.on_block, night.ops);
        let code = movement_code(plan, Some(m));
        line.clear();
        line.push_str(&flight_id(night, m));
        for field in [
            port,
            terminal_code(plan, m.terminal),
            &code,
            m.origin,
            &scheduled,
            &actual,
            &m.pax.to_string(),
            &counters.to_string(),
        ] {
            line.push(',');
            line.push_str(field);
        }
        sink.record(line.as_bytes(), fault.map(|f| (f, detail)))?;
    }
    Ok(())
}
