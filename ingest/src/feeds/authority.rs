//! Airport / port authority arrivals: comma-separated CSV, English headers, times in UTC,
//! one file per port and local night (`otoritas_<PORT>_<YYYYMMDD>[_<YYYYMMDDTHHMMSSZ>].csv`).
//!
//! ```text
//! flight_id,port,terminal,flight_no,origin,sched_on_block_utc,actual_on_block_utc,intl_pax,counters_staffed
//! CGK-20261020-GA717,CGK,T3,GA717,SYD,2026-10-20T00:35:00Z,2026-10-20T00:41:00Z,287,14
//! ```
//! - Times are ISO-8601 UTC (`Z`). `actual_on_block_utc` is empty for a cancelled flight.
//! - `intl_pax`: international passengers on board; `counters_staffed`: immigration
//!   counters staffed when it arrived.
//! - Vessels at seaports and buses at land crossings use the same columns (`flight_no` is
//!   the vessel or service number).
//!
//! Lands in `flights`, partitioned by the port's local date of the actual on-block time
//! (the scheduled one when there is no actual).

use super::{FeedContext, FeedOutput};
use crate::error::{IngestError, Result};

pub(super) fn convert(_bytes: &[u8], context: &FeedContext<'_>) -> Result<FeedOutput> {
    Err(IngestError::Config(format!(
        "{}: this build cannot read the authority feed yet; the file stays in the inbox",
        context.source_file
    )))
}
