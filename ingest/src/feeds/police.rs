//! Police / security: one JSON document per port and local night with incidents and joint
//! operations, times in ISO-8601 with an offset
//! (`polri_<PORT>_<YYYYMMDD>[_<YYYYMMDDTHHMMSSZ>].json`).
//!
//! ```json
//! {"kode_tpi": "CGK", "tanggal": "2026-10-20", "dibuat": "2026-10-21T01:05:00+07:00",
//!  "insiden": [
//!    {"id": "POL-CGK-20261020-001", "kategori": "narkotika", "terminal": "T3",
//!     "dilaporkan": "2026-10-20T14:03:00+07:00", "ditanggapi": "2026-10-20T14:09:30+07:00",
//!     "ditutup": "2026-10-20T16:40:00+07:00", "operasi_gabungan": "OPG-CGK-20261020-01",
//!     "lajur_dihentikan": 0}],
//!  "operasi_gabungan": [
//!    {"id": "OPG-CGK-20261020-01", "nama": "Operasi Bersinar", "terminal": "T3",
//!     "mulai": "2026-10-20T13:30:00+07:00", "selesai": "2026-10-20T15:45:00+07:00",
//!     "instansi": ["POLRI", "IMIGRASI", "BEA_CUKAI"], "lajur_dihentikan": 4}]}
//! ```
//! - Offsets may be any (`+07:00`, `+08:00`, `Z`); a time without an offset is rejected.
//! - `kategori`: `pencurian` (theft), `narkotika` (narcotics), `perdagangan_orang`
//!   (trafficking), `pemalsuan_dokumen` (document fraud), `ancaman_keamanan` (security
//!   threat), `daftar_pencarian` (wanted-list match).
//! - `ditanggapi` / `ditutup` may be null (not yet responded / still open); `terminal` may
//!   be null (the whole port); `operasi_gabungan` on an incident is null or an operation id.
//! - `instansi`: `POLRI`, `IMIGRASI`, `BEA_CUKAI`, `KARANTINA`, `OTORITAS`.
//! - Records are numbered through the document: the incidents first (1, 2, ...), then the
//!   operations; a reject's raw record is the element's JSON.
//! - A document that does not parse (truncated, wrong encoding) is one rejected record
//!   holding the whole text, with the parser's line and column.
//!
//! Lands in `incidents` and `joint_operations`.

use super::{FeedContext, FeedOutput};
use crate::error::{IngestError, Result};

pub(super) fn convert(_bytes: &[u8], context: &FeedContext<'_>) -> Result<FeedOutput> {
    Err(IngestError::Config(format!(
        "{}: this build cannot read the police feed yet; the file stays in the inbox",
        context.source_file
    )))
}
