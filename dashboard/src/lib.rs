//! `gerbang-dashboard` is Gerbang's web dashboard: server-rendered pages for the weekly
//! leadership meeting, in Bahasa Indonesia and English.
//!
//! Every page is a Leptos view rendered to HTML on the server, with its charts drawn by
//! plotters into inline SVG: no script runs in the browser, links and forms carry every
//! choice, and each page is complete for keyboards and screen readers. Every figure comes
//! from the KPI views of [`gerbang_query`], held to the MoU targets they name.
//!
//! Every page and API route needs a signed-in user ([`SignIn`]: the accounts, browser
//! sign-ins, API tokens), and every question runs in that user's policy session, so a
//! user sees only what their agency's sharing policies allow. `POST /api/sql` runs a
//! visitor's read-only SQL in that session for programs.
//!
//! `/console` is the same SQL for people: an editor, the result as a table and a quick
//! chart, downloads, the user's history and saved queries. `/reports` makes an MoU
//! review report ([`report`]) under the user's policies and lists the monthly ones.
//!
//! It does not compute KPIs of its own or write the lake's tables (the console keeps its
//! saved queries there, under `_console/saved/`).
//!
//! # Example
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::path::Path;
//! use std::sync::Arc;
//! use gerbang_query::accounts::Accounts;
//! let warehouse = Arc::new(gerbang_query::Warehouse::open("lake").await?);
//! let accounts = Arc::new(Accounts::load(Path::new("/etc/gerbang/users.toml"))?);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let stop = async { tokio::signal::ctrl_c().await.unwrap_or_default() };
//! let sign_in = gerbang_dashboard::SignIn::new(accounts);
//! let monthly_reports = Some("/srv/gerbang/reports".to_string());
//! gerbang_dashboard::serve(warehouse, sign_in, monthly_reports, listener, stop).await?;
//! # Ok(()) }
//! ```

mod agencies;
mod api;
mod auth;
mod benchmarks;
mod cache;
mod charts;
mod console;
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
pub mod report;
mod reports;
mod server;

pub use auth::SignIn;
pub use server::{router, serve};

#[cfg(test)]
mod tests;
