//! What a report holds, whatever it is rendered as: its words already in the request's
//! language, its numbers as numbers, so that the PDF, the XLSX annex and the HTML page
//! show the same figures and the annex keeps them computable.

use chrono::{DateTime, NaiveDate, Utc};
use gerbang_query::policy::Principal;

use super::fingerprint::Fingerprint;
use super::request::Request;

/// One MoU review report, built by [`super::build`] and rendered by [`super::render`].
#[derive(Debug, Clone)]
pub struct Report {
    pub request: Request,
    /// Who the report was made for: it shows what their policies let them see.
    pub principal: Principal,
    pub title: String,
    /// The period in words: "1–31 Oktober 2026".
    pub period_text: String,
    /// The cover's lines: every filter used, the targets and the data it rests on.
    pub cover: Vec<(String, String)>,
    pub provenance: Provenance,
    pub fingerprint: Fingerprint,
    /// When it was made: printed, never fingerprinted.
    pub generated_at: DateTime<Utc>,
    pub summary: Vec<SummaryLine>,
    pub sections: Vec<Section>,
    /// Sections the principal's policies keep out of the report, with why.
    pub left_out: Vec<LeftOut>,
    /// Every KPI of the library with its signed-off definition, for the appendix.
    pub definitions: Vec<Definition>,
}

/// The data and rules a report rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// The lake version read: it changes with every committed ingest run.
    pub lake_version: u64,
    /// Every committed ingest run the lake holds at that version.
    pub runs: Vec<IngestRun>,
    pub targets_version: String,
    pub targets_source: String,
    pub targets_effective_from: String,
    /// The sharing policies' versions, per agency.
    pub policies: String,
}

/// One committed ingest run.
#[derive(Debug, Clone, PartialEq)]
pub struct IngestRun {
    pub run_id: String,
    pub version: u64,
    pub finished_at: String,
    pub files: u64,
    pub rows_landed: u64,
    pub rows_rejected: u64,
}

/// One KPI's line on the summary page.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryLine {
    /// The KPI view the figures come from.
    pub view: String,
    pub title: String,
    /// The target in words, or that there is none.
    pub target: String,
    /// The figures in a sentence.
    pub result: String,
    pub verdict: Verdict,
    /// Each number of the line, as the view's query gave it.
    pub figures: Vec<Figure>,
    /// The section with the detail, by number.
    pub section: Option<usize>,
}

/// One number of the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Stable name, for the annex and the tests: `port_days_met`.
    pub key: &'static str,
    pub label: String,
    pub value: Option<f64>,
    pub kind: Kind,
}

/// Whether a KPI met its MoU target over the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Met on every day (week, route) it was measured.
    Met,
    /// Missed at least once.
    Missed,
    /// The MoU sets no target for it.
    NoTarget,
    /// Nothing was measured in the period.
    NoData,
}

/// A numbered section of the report.
#[derive(Debug, Clone)]
pub struct Section {
    /// Stable name: anchors and sheet names.
    pub key: &'static str,
    pub number: usize,
    pub title: String,
    pub intro: String,
    /// The KPI views its figures come from.
    pub sources: Vec<String>,
    pub blocks: Vec<Block>,
}

/// What a section is made of, in order.
#[derive(Debug, Clone)]
pub enum Block {
    Paragraph(String),
    Chart(Chart),
    Table(Table),
}

/// A table: rows of typed cells under typed columns.
#[derive(Debug, Clone)]
pub struct Table {
    /// Stable name within the report: the annex's sheet name.
    pub key: String,
    pub caption: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// What the table says when it has no rows.
    pub empty: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    pub unit: Option<String>,
    pub kind: Kind,
}

/// How a column's numbers are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Whole numbers with grouped thousands.
    Count,
    /// Real numbers with this many decimals (minutes, rates).
    Decimal(usize),
    /// A share of one, written as a percentage with one decimal.
    Share,
    /// Rupiah, whole.
    Money,
    Date,
    Verdict,
}

impl Kind {
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            Kind::Count | Kind::Decimal(_) | Kind::Share | Kind::Money
        )
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Verdict(Verdict),
    /// A total some of whose parts are withheld small counts: at least this many.
    AtLeast(i64),
    /// A count of 1 to 4 withheld from someone without detail rights.
    Suppressed,
}

/// A chart of a section, drawn the same way into the PDF and the HTML.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Unique within the report.
    pub id: String,
    pub title: String,
    /// The text alternative, and the sentence under the chart.
    pub summary: String,
    /// Lines and columns: one label per day. Stacked bars: one label per bar.
    pub labels: Vec<String>,
    pub y_label: String,
    pub series: Vec<ChartSeries>,
    /// A target line.
    pub reference: Option<(String, f64)>,
    pub style: ChartStyle,
    /// Values are shares of one, drawn as percentages.
    pub percent: bool,
}

#[derive(Debug, Clone)]
pub struct ChartSeries {
    pub label: String,
    /// One value per label; `None` where nothing was measured.
    pub values: Vec<Option<f64>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartStyle {
    /// One line per series over the days.
    Lines,
    /// One column per day (the first series).
    Columns,
    /// Horizontal bars, one per label, the series stacked.
    StackedBars,
}

/// A section the principal's policies keep out.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOut {
    pub title: String,
    pub reason: String,
}

/// A KPI of the library, for the appendix.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    pub view: String,
    pub title: String,
    pub unit: String,
    pub grain: String,
    pub owner: String,
    pub target: String,
    pub definition: String,
}

impl Report {
    /// Every table of the report, in order, with the section it belongs to.
    pub fn tables(&self) -> impl Iterator<Item = (&Section, &Table)> {
        self.sections.iter().flat_map(|section| {
            section.blocks.iter().filter_map(move |block| match block {
                Block::Table(table) => Some((section, table)),
                _ => None,
            })
        })
    }

    /// The summary line of a KPI view, if the report has one.
    pub fn summary_of(&self, view: &str) -> Option<&SummaryLine> {
        self.summary.iter().find(|line| line.view == view)
    }

    /// The file name without extension: `mou-2026-10-id-3fa9c2d1`. Reports of other
    /// periods, languages, filters, principals or data get other names; making the same
    /// report again gives the same name.
    pub fn file_stem(&self) -> String {
        format!(
            "mou-{}-{}-{}",
            self.request.period_slug(),
            self.request.lang.code(),
            &self.fingerprint.hex[..8]
        )
    }
}
