//! Integration bus message log: JSON lines, one message exchanged between agency systems
//! per line, one file per port and local night (`bus_<PORT>_<YYYYMMDD>[_<...Z>].jsonl`).
//!
//! ```json
//! {"message_id":"MSG-CGK-20261020-000042","port":"CGK","sender":"OTORITAS","receiver":"IMIGRASI","kind":"manifest","produced_at":"2026-10-19T23:55:02.120Z","received_at":"2026-10-19T23:58:40.004Z","status":"delivered","ref":"CGK-20261020-GA717"}
//! ```
//! - `sender` / `receiver`: `IMIGRASI`, `BEA_CUKAI`, `KARANTINA`, `POLRI`, `OTORITAS`.
//! - `kind`: `manifest`, `alert`, `risk_profile`.
//! - Times are RFC 3339 UTC; `received_at` is null when the message never arrived.
//! - `status`: `delivered`, `failed`, `manual` (handled by hand).
//!
//! Lands in `exchanges`, partitioned by the port's local date of `produced_at`.

use super::{FeedContext, FeedOutput};
use crate::error::{IngestError, Result};

pub(super) fn convert(_bytes: &[u8], context: &FeedContext<'_>) -> Result<FeedOutput> {
    Err(IngestError::Config(format!(
        "{}: this build cannot read the bus feed yet; the file stays in the inbox",
        context.source_file
    )))
}
