//! `gerbang-ingest` lands each agency's nightly export in Gerbang's Parquet lake.
//!
//! It owns the lake's on-store layout and commit protocol ([`lake`]), the canonical table
//! schemas ([`schema`]), the reference data feeds are checked against ([`reference`]), one
//! adapter per native feed format ([`feeds`]), the keyed pseudonymisation of personal
//! fields ([`pseudonym`]), the ingest run itself ([`run`]) and the generator of realistic
//! native feeds for demos, tests and benchmarks ([`generate`]).
//!
//! It does not compute KPIs or serve anything: that is `gerbang-query` and
//! `gerbang-dashboard`.

pub mod config;
pub mod error;
pub mod feeds;
pub mod generate;
pub mod lake;
pub mod pseudonym;
pub mod reference;
pub mod run;
pub mod schema;

pub use error::{IngestError, Result};
