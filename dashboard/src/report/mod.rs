//! MoU review reports: a period's KPIs against the MoU targets, as a PDF for signing, an
//! XLSX annex and a self-contained HTML page, in Bahasa Indonesia or English.
//!
//! A report is built for a principal ([`build`]): every number comes from a KPI view of
//! `sql/`, queried through that principal's policy [`Session`], so the report holds only
//! what their sharing policies let them see, and says which sections were left out and
//! why. It is rendered ([`render`]) to any [`Format`] from the same [`Report`], so the
//! three files show the same figures. Its [`Fingerprint`] hashes the KPI definitions, the
//! MoU targets, the lake's committed runs and the request: the same command on the same
//! lake gives the same numbers and the same fingerprint. [`write`] puts the files and a
//! `<name>.request.json` sidecar (everything needed to make the report again) in a folder
//! or object-store prefix, and [`list_reports`] lists what is there for the dashboard.
//!
//! It does not decide who may read a written report; [`ReportListing::visible_to`] says
//! whom it was made for, and the dashboard decides.
//!
//! # Example
//! ```no_run
//! # async fn demo(warehouse: &gerbang_query::Warehouse) -> Result<(), gerbang_dashboard::report::ReportError> {
//! use gerbang_dashboard::report::{self, Format, Lang, Request};
//! use gerbang_query::policy::Principal;
//! let principal = Principal::parse("siti", "customs:leadership")?;
//! let request = Request::month("2026-10", Lang::Id)?.with_ports("CGK,DPS")?;
//! let report = report::build_for(warehouse, &principal, &request).await?;
//! let pdf: Vec<u8> = report::render(&report, Format::Pdf)?;
//! let written = report::write("/srv/gerbang/reports", &report, &[Format::Pdf, Format::Xlsx]).await?;
//! # Ok(()) }
//! ```

mod charts;
mod fingerprint;
mod fonts;
mod gather;
mod html;
mod model;
mod pdf;
mod pdf_backend;
mod request;
mod store;
mod text;
mod values;
mod xlsx;

#[cfg(test)]
pub(crate) mod tests;

use std::sync::atomic::{AtomicUsize, Ordering};

use gerbang_query::policy::{Principal, Session};
use gerbang_query::{QueryError, Warehouse};

pub use crate::i18n::Lang;
pub use fingerprint::Fingerprint;
pub use gather::{build, build_tracked};
pub use model::{
    Block, Cell, Chart, ChartSeries, ChartStyle, Column, Definition, Figure, IngestRun, Kind,
    LeftOut, Provenance, Report, Section, SummaryLine, Table, Verdict,
};
pub use request::{AGENCIES, Format, MAX_DAYS, Request, parse_lang};
pub use store::{ReportListing, RequestRecord, fetch_report, list_reports, read_request, write};
use text::Words;

/// Why a report could not be made, written, or listed.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The request is not one a report can be made for (bad period, unknown port, ...).
    #[error("{0}")]
    Request(String),
    /// A query behind the report failed, or the principal may not have a session.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// The report could not be drawn in a format.
    #[error("rendering the report: {0}")]
    Render(String),
    /// The reports folder or object store could not be read or written.
    #[error("reports at {location}: {message}")]
    Store { location: String, message: String },
}

/// Builds a report for `principal`: their session (interface `report`, audited like any
/// query) under the policies in force today, then [`build`].
pub async fn build_for(
    warehouse: &Warehouse,
    principal: &Principal,
    request: &Request,
) -> Result<Report, ReportError> {
    let session: Session = warehouse
        .session_for(principal)
        .await?
        .with_interface("report");
    build(warehouse, &session, request).await
}

/// How far a report being built has got: its steps done, of [`Progress::STEPS`] (one per
/// section, then the provenance and fingerprint). Shared between the task building the
/// report and whoever shows its progress.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicUsize,
}

impl Progress {
    /// The steps of a report: twelve sections, then provenance and fingerprint.
    pub const STEPS: usize = 13;

    /// Steps done so far.
    pub fn done(&self) -> usize {
        self.done.load(Ordering::Relaxed)
    }

    /// Counts a step as done when it succeeded, and passes its result on.
    pub(crate) fn step<T>(&self, result: Result<T, ReportError>) -> Result<T, ReportError> {
        if result.is_ok() {
            self.done.fetch_add(1, Ordering::Relaxed);
        }
        result
    }
}

/// Renders a report in one format.
pub fn render(report: &Report, format: Format) -> Result<Vec<u8>, ReportError> {
    match format {
        Format::Pdf => pdf::render(report),
        Format::Xlsx => xlsx::render(report),
        Format::Html => Ok(html::render(report)?.into_bytes()),
    }
}

/// A verdict in words with its mark, so that it never rests on colour alone.
pub(crate) fn verdict_label(verdict: Verdict, w: &Words) -> String {
    let mark = match verdict {
        Verdict::Met => "✓",
        Verdict::Missed => "✗",
        Verdict::NoTarget => "–",
        Verdict::NoData => "○",
    };
    format!("{mark} {}", w.verdict(verdict))
}

/// A cell as the PDF and the HTML page write it.
pub(crate) fn cell_text(cell: &Cell, kind: Kind, lang: Lang, w: &Words) -> String {
    match cell {
        Cell::Empty => w.dash.to_string(),
        Cell::Text(text) => text.clone(),
        Cell::Number(value) => match kind {
            Kind::Decimal(decimals) => lang.number(*value, decimals),
            Kind::Share => lang.percent(*value),
            _ => lang.number(*value, 0),
        },
        Cell::Date(date) => date.format("%Y-%m-%d").to_string(),
        Cell::Verdict(verdict) => verdict_label(*verdict, w),
        Cell::AtLeast(value) => format!("≥ {}", lang.count(*value)),
        Cell::Suppressed => "<5".to_string(),
    }
}

/// The summary page's table: one row per KPI.
pub(crate) fn summary_table(report: &Report, w: &Words) -> Table {
    let text = |header: &str| Column {
        header: header.to_string(),
        unit: None,
        kind: Kind::Text,
    };
    Table {
        key: "summary".into(),
        caption: report.period_text.clone(),
        columns: vec![
            text(w.kpi),
            text(w.target),
            text(w.result),
            Column {
                header: w.verdict.to_string(),
                unit: None,
                kind: Kind::Verdict,
            },
            text(w.section),
        ],
        rows: report
            .summary
            .iter()
            .map(|line| {
                vec![
                    Cell::Text(line.title.clone()),
                    Cell::Text(line.target.clone()),
                    Cell::Text(line.result.clone()),
                    Cell::Verdict(line.verdict),
                    Cell::Text(line.section.map_or_else(String::new, |s| s.to_string())),
                ]
            })
            .collect(),
        empty: w.no_data.into(),
    }
}

/// The ingest runs the report rests on (the last `limit`), and how many earlier ones
/// are not listed.
pub(crate) fn runs_table(report: &Report, w: &Words, limit: usize) -> (Table, usize) {
    let runs = &report.provenance.runs;
    let skip = runs.len().saturating_sub(limit);
    let table = Table {
        key: "ingest_runs".into(),
        caption: w.sheet_runs.into(),
        columns: vec![
            Column {
                header: w.run.into(),
                unit: None,
                kind: Kind::Text,
            },
            Column {
                header: w.lake_version.into(),
                unit: None,
                kind: Kind::Count,
            },
            Column {
                header: w.finished.into(),
                unit: None,
                kind: Kind::Text,
            },
            Column {
                header: w.files.into(),
                unit: None,
                kind: Kind::Count,
            },
            Column {
                header: w.rows_landed.into(),
                unit: None,
                kind: Kind::Count,
            },
            Column {
                header: w.rows_rejected.into(),
                unit: None,
                kind: Kind::Count,
            },
        ],
        rows: runs[skip..]
            .iter()
            .map(|run| {
                vec![
                    Cell::Text(run.run_id.clone()),
                    Cell::Number(run.version as f64),
                    Cell::Text(run.finished_at.clone()),
                    Cell::Number(run.files as f64),
                    Cell::Number(run.rows_landed as f64),
                    Cell::Number(run.rows_rejected as f64),
                ]
            })
            .collect(),
        empty: w.no_data_landed.into(),
    };
    (table, skip)
}

/// The fingerprint and its parts.
pub(crate) fn fingerprint_table(report: &Report, w: &Words) -> Table {
    let f = &report.fingerprint;
    let row =
        |part: &str, hash: &str| vec![Cell::Text(part.to_string()), Cell::Text(hash.to_string())];
    Table {
        key: "fingerprint".into(),
        caption: w.fingerprint_parts.into(),
        columns: vec![
            Column {
                header: w.part.into(),
                unit: None,
                kind: Kind::Text,
            },
            Column {
                header: "SHA-256".into(),
                unit: None,
                kind: Kind::Text,
            },
        ],
        rows: vec![
            row(w.part_definitions, &f.definitions),
            row(w.part_targets, &f.targets),
            row(w.part_data, &f.data),
            row(w.part_request, &f.request),
            row(w.part_access, &f.access),
            row(w.fingerprint_label, &f.hex),
        ],
        empty: String::new(),
    }
}
