//! `gerbang-query` is Gerbang's SQL layer on DataFusion.
//!
//! A [`Warehouse`] opens a lake, registers every lake table (pruning files by `port` and
//! `local_date` before any is opened), the reference tables (`ports`, `mou_targets`,
//! `ingest_runs`) and every KPI view defined in `sql/`. The dashboard, the CLI and the
//! reports all ask their questions through it, so a KPI is defined once.
//!
//! It does not write the lake (that is `gerbang-ingest`) and renders nothing.

pub mod error;
pub mod kpi;
pub mod lake_table;
pub mod targets;
pub mod udf;
pub mod warehouse;

pub use error::{QueryError, Result};
pub use warehouse::Warehouse;
