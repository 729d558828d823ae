//! `gerbang-dashboard` is Gerbang's web dashboard: server-rendered pages for the weekly
//! leadership meeting, in Bahasa Indonesia and English.
//!
//! Every page is a Leptos view rendered to HTML on the server, with its charts drawn by
//! plotters into inline SVG: no script runs in the browser, links and forms carry every
//! choice, and each page is complete for keyboards and screen readers. Every figure comes
//! from the KPI views of [`gerbang_query`], held to the MoU targets they name.
//!
//! It does not compute KPIs of its own, write the lake, or run SQL typed by visitors.
//!
//! # Example
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! let warehouse = Arc::new(gerbang_query::Warehouse::open("lake").await?);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! gerbang_dashboard::serve(warehouse, listener).await?;
//! # Ok(()) }
//! ```

mod agencies;
mod benchmarks;
mod cache;
mod charts;
mod data;
mod error;
mod filters;
mod glossary;
mod headlines;
mod health;
mod i18n;
mod layout;
mod overview;
mod port;
mod port_operations;
mod port_waits;
mod server;

pub use server::{router, serve};

#[cfg(test)]
mod tests;
