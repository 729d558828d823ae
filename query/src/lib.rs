//! `gerbang-query` is Gerbang's SQL layer on DataFusion.
//!
//! A [`Warehouse`] opens a lake, registers every lake table (pruning files by `port` and
//! `local_date` before any is opened), the reference tables (`ports`, `mou_targets`,
//! `mou_exchange_targets`, `ingest_runs`), the rollups (`rollup_crossings_hourly`,
//! `rollup_wait_histogram`) and every KPI view defined in `sql/`. The dashboard, the CLI
//! and the reports all ask their questions through it, so a KPI is defined once. KPIs over
//! long periods read the [`rollup`]s (hourly counts and wait histograms) instead of every
//! crossing.
//!
//! It lands no raw data (that is `gerbang-ingest`; it writes only the derived rollups
//! below `_rollups/`) and renders nothing.

pub mod accounts;
pub mod audit;
pub mod error;
pub mod guard;
pub mod kpi;
pub mod lake_table;
pub mod pgwire;
pub mod policy;
pub mod rollup;
pub mod targets;
pub mod udf;
pub mod warehouse;

pub use error::{QueryError, Result};
pub use warehouse::Warehouse;
