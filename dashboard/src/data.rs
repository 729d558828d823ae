//! The questions the pages ask the warehouse, and the typed rows they get back.
//!
//! Every question runs through the signed-in user's session ([`Viewer`]), so a page shows
//! only what the sharing policies let the user's agency see; a question about a table or
//! view the agency may not see gives [`NotShared`], which a page shows in the section
//! that asked instead of failing (see [`shared`]).
//!
//! Every figure comes from the KPI views in `sql/` (through [`Session::sql`]), so the
//! dashboard computes nothing its own way, with two exceptions. A percentile over a whole
//! week or day is a `percentile_linear` over the same `crossing_times` rows the hourly view
//! uses, or over long periods a `percentile_from_histogram` over the rollups' one-minute
//! histograms (within a minute of it), because percentiles of hours cannot be combined into
//! a week. And bottleneck hours over a period are counted from the same histogram rows
//! `rollup_wait_hours` reads, by the same definition, so that a period's condition reaches
//! the files (see [`bottleneck_hours_sql`]).
//!
//! Those exact minutes (`crossings`, `crossing_times`) are Immigration's own. Every other
//! agency reads Immigration's clearance from what Immigration grants every agency
//! ([`Viewer::sees_every_crossing`]): the rollups' histograms and hourly sums (aggregates
//! computed over every traveller, without identities or outcomes) and `kpi_clearance_hourly`,
//! never from the part of the records its own grant may show (arrivals only, or counts),
//! which would give another number under the same name.
//!
//! SQL text is assembled here only from dates, from port codes that were first looked up
//! in the port registry, and from filter values that [`crate::filters`] checked against
//! what they may be and that are quoted as SQL strings, never from raw visitor input.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{Days, NaiveDate};
use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Date32Type, Float64Type, Int64Type};
use datafusion::error::DataFusionError;
use datafusion::sql::parser::DFParser;
use datafusion::sql::resolve::resolve_table_references;
use gerbang_ingest::reference::PortRegistry;
use gerbang_query::kpi::ViewDefinition;
use gerbang_query::policy::{Principal, Seen, Session, Visibility};
use gerbang_query::targets::MouTargets;
use gerbang_query::{QueryError, Warehouse};

use crate::error::{DashboardError, Result};
use crate::filters::Filters;

/// The warehouse as one signed-in user sees it. Every question goes through the user's
/// [`Session`] (their agency's sharing policies, the query limits, the audit, as the
/// `dashboard` interface); the registry, the targets and the lake version are the
/// warehouse's own, which everyone may read. There is no way from here to the
/// warehouse's unrestricted SQL.
#[derive(Debug)]
pub struct Viewer {
    warehouse: Arc<Warehouse>,
    session: Session,
    /// The warehouse tables the questions asked so far read, for the page view's audit.
    read: Mutex<BTreeSet<String>>,
}

impl Viewer {
    pub fn new(warehouse: Arc<Warehouse>, session: Session) -> Viewer {
        Viewer {
            warehouse,
            session: session.with_interface("dashboard"),
            read: Mutex::new(BTreeSet::new()),
        }
    }

    pub fn ports(&self) -> &PortRegistry {
        self.warehouse.ports()
    }

    pub fn targets(&self) -> &MouTargets {
        self.warehouse.targets()
    }

    /// The KPI library's definitions (what each view means, not its rows).
    pub fn views(&self) -> &[ViewDefinition] {
        self.warehouse.views()
    }

    pub fn principal(&self) -> &Principal {
        self.session.principal()
    }

    pub fn visibility(&self) -> &Visibility {
        self.session.visibility()
    }

    /// Whether the user sees every traveller record of Immigration (`crossings` in full):
    /// its own users and administrators. Everyone else reads the clearance figures from
    /// the views Immigration grants to every agency (the rollups' histograms and hourly
    /// sums, `kpi_clearance_hourly`), which are computed over all travellers, and never
    /// from what they may see of the records themselves (Customs and the authority see
    /// arrivals only: a p90 made from those would be another number under the same name).
    pub fn sees_every_crossing(&self) -> bool {
        self.principal().is_administrator()
            || matches!(self.visibility().objects.get("crossings"), Some(Seen::Full))
    }

    /// The warehouse tables every question so far read, views resolved.
    pub fn tables_read(&self) -> BTreeSet<String> {
        self.read
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Runs one question in the user's session; a question about what the user's agency
    /// may not see fails with [`DashboardError::NotShared`] before it runs. (Administrators
    /// see everything there is: for them a missing table is a failure.)
    async fn sql(&self, sql: &str) -> Result<Vec<RecordBatch>> {
        let names = self.names_in(sql);
        let admin = self.principal().is_administrator();
        let hidden: Vec<&String> = names
            .iter()
            .filter(|name| !admin && !self.visibility().objects.contains_key(name.as_str()))
            .collect();
        if !hidden.is_empty() {
            return Err(DashboardError::NotShared(self.not_shared(hidden)));
        }
        match self.session.sql(sql).await {
            Ok(answer) => {
                self.read
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .extend(answer.tables);
                Ok(answer.batches)
            }
            Err(error) => Err(self.explain(error, &names)),
        }
    }

    /// The tables and views a statement names (common table expressions left out); none
    /// when it does not parse, which the session then reports.
    fn names_in(&self, sql: &str) -> BTreeSet<String> {
        let Ok(mut statements) = DFParser::parse_sql(sql) else {
            return BTreeSet::new();
        };
        let Some(statement) = statements.pop_front() else {
            return BTreeSet::new();
        };
        resolve_table_references(&statement, true)
            .map(|(relations, _)| relations.iter().map(|r| r.table().to_string()).collect())
            .unwrap_or_default()
    }

    /// A failed question about names the user's agency sees only in part (some columns,
    /// or counts) that failed for want of a column is not shared with them, rather than
    /// broken.
    fn explain(&self, error: QueryError, names: &BTreeSet<String>) -> DashboardError {
        let missing_column = matches!(
            &error,
            QueryError::Sql(e) if matches!(e.find_root(), DataFusionError::SchemaError(..))
                || e.to_string().contains("No field named")
        );
        let partial: Vec<&String> = names
            .iter()
            .filter(|name| {
                matches!(
                    self.visibility().objects.get(name.as_str()),
                    Some(Seen::Records(_) | Seen::Aggregate(_) | Seen::GrantedView(_))
                )
            })
            .collect();
        if missing_column && !partial.is_empty() && !self.principal().is_administrator() {
            DashboardError::NotShared(self.not_shared(partial))
        } else {
            DashboardError::Query(error)
        }
    }

    fn not_shared(&self, names: Vec<&String>) -> NotShared {
        let agency = &self.principal().agency;
        let objects = names
            .into_iter()
            .map(|name| {
                let why = match (
                    self.visibility().absent.get(name),
                    self.visibility().objects.get(name),
                ) {
                    (Some(reason), _) => reason.clone(),
                    (None, Some(Seen::Aggregate(grant))) => {
                        format!("{agency} sees it only as counts ({grant})")
                    }
                    (None, Some(_)) => format!("{agency} sees only some of its columns"),
                    (None, None) => format!("it is not shared with {agency}"),
                };
                (name.clone(), why)
            })
            .collect();
        NotShared { objects }
    }
}

/// Tables or views a question needed that the user's agency may not see (or not all of),
/// each with why (in the policy engine's words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotShared {
    pub objects: Vec<(String, String)>,
}

impl std::fmt::Display for NotShared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .objects
            .iter()
            .map(|(name, why)| format!("{name}: {why}"))
            .collect();
        write!(f, "not shared with your agency ({})", parts.join("; "))
    }
}

/// A section's figures, or what of them the user's agency may not see.
pub type Shared<T> = std::result::Result<T, NotShared>;

/// Keeps "not shared" apart from real failures: the first is shown where the section
/// would be, the second fails the page.
pub fn shared<T>(result: Result<T>) -> Result<Shared<T>> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(DashboardError::NotShared(not_shared)) => Ok(Err(not_shared)),
        Err(other) => Err(other),
    }
}

/// The local days a page reports on, both ends included: a week unless the visitor chose
/// other dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Period {
    /// How many days the weekly meeting looks at, and a page shows unless told otherwise.
    pub const DAYS: u64 = 7;

    /// How many days the period covers.
    pub fn days(&self) -> u64 {
        u64::try_from((self.last - self.first).num_days() + 1).unwrap_or(1)
    }

    /// Whether the period is one week long, the length the weekly targets are set for.
    pub fn is_week(&self) -> bool {
        self.days() == Self::DAYS
    }

    /// The days just before this period, as many as it has: "last week" for a week.
    pub fn previous(&self) -> Period {
        let last = self.first.pred_opt().unwrap_or(self.first);
        let first = last
            .checked_sub_days(Days::new(self.days() - 1))
            .unwrap_or(last);
        Period { first, last }
    }

    /// Every date of the period, in order.
    pub fn dates(&self) -> Vec<NaiveDate> {
        self.first
            .iter_days()
            .take_while(|d| *d <= self.last)
            .collect()
    }

    /// How many days after the first day of the period `date` is.
    pub fn day_index(&self, date: NaiveDate) -> i64 {
        (date - self.first).num_days()
    }

    /// A SQL condition that keeps `column` (a `local_date`) inside the period.
    pub fn sql_condition(&self, column: &str) -> String {
        format!(
            "{column} BETWEEN DATE '{}' AND DATE '{}'",
            self.first.format("%Y-%m-%d"),
            self.last.format("%Y-%m-%d")
        )
    }
}

/// A SQL string literal.
pub fn sql_text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// Seven days of one Indonesian port, with the targets it is held to.
#[derive(Debug, Clone, PartialEq)]
pub struct PortWeek {
    pub port: String,
    pub name: String,
    pub kind: String,
    pub zone_label: String,
    pub travellers: i64,
    /// Exact p90 of clearance minutes over every traveller of the period.
    pub clearance_p90: Option<f64>,
    pub clearance_p90_target: f64,
    pub bottleneck_hours: f64,
    pub max_bottleneck_hours: i64,
    /// Whether the weekly bottleneck allowance can judge these hours: only over a week, and
    /// only for the whole port, which is what the MoU sets it for.
    pub weekly_allowance_applies: bool,
    pub targets_version: String,
    /// The same figures over the days just before the period; `None` when the port had
    /// no travellers then.
    pub previous: Option<PreviousWeek>,
}

/// A port's figures over the seven days before the reported period, for the change from
/// last week.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviousWeek {
    pub travellers: i64,
    pub clearance_p90: Option<f64>,
    pub bottleneck_hours: f64,
}

impl PortWeek {
    /// Whether the period's p90 met the target; `None` without travellers.
    pub fn p90_met(&self) -> Option<bool> {
        self.clearance_p90
            .map(|p90| p90 <= self.clearance_p90_target)
    }

    /// Whether the bottleneck hours stayed within the weekly allowance; `None` without
    /// travellers, because an hour nobody was counted in is not a bottleneck hour either,
    /// and `None` where the allowance does not apply (see `weekly_allowance_applies`).
    pub fn bottlenecks_met(&self) -> Option<bool> {
        (self.travellers > 0 && self.weekly_allowance_applies)
            .then_some(self.bottleneck_hours <= self.max_bottleneck_hours as f64)
    }

    /// How many of the two targets were missed: the order of the overview.
    pub fn missed_targets(&self) -> usize {
        [self.p90_met(), self.bottlenecks_met()]
            .into_iter()
            .filter(|met| *met == Some(false))
            .count()
    }
}

/// One hourly value of one port, at the port's local date and hour.
#[derive(Debug, Clone, PartialEq)]
pub struct HourlyValue {
    pub port: String,
    pub local_date: NaiveDate,
    pub local_hour: i32,
    pub value: f64,
}

/// One local day of one port's Immigration clearance.
#[derive(Debug, Clone, PartialEq)]
pub struct ClearanceDay {
    pub local_date: NaiveDate,
    pub travellers: i64,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p95: Option<f64>,
    pub bottleneck_hours: f64,
}

/// One bottleneck episode; times are UTC milliseconds, shown in the port's zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Episode {
    /// `None` for the whole port.
    pub terminal: Option<String>,
    pub start_ms: i64,
    pub end_ms: i64,
    pub hours: f64,
}

/// A benchmark port that has hourly wait reports.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchmarkPort {
    pub port: String,
    pub name: String,
}

/// Seven days of one port's hourly wait reports.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportWeek {
    pub passengers: i64,
    pub flights: i64,
    pub average_wait: Option<f64>,
    pub maximum_wait: Option<f64>,
    pub share_over_threshold: Option<f64>,
    pub bottleneck_hours: f64,
    pub wait_threshold_minutes: f64,
    pub max_bottleneck_hours: i64,
    pub targets_version: String,
}

/// One local day of one port's hourly wait reports.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportDay {
    pub local_date: NaiveDate,
    pub passengers: i64,
    pub flights: i64,
    pub average_wait: Option<f64>,
    pub maximum_wait: Option<f64>,
    pub share_over_threshold: Option<f64>,
    pub bottleneck_hours: f64,
}

/// One local hour of one port's hourly wait reports, all terminals together.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportHour {
    pub local_date: NaiveDate,
    pub local_hour: i32,
    pub average_wait: Option<f64>,
    pub maximum_wait: Option<f64>,
}

/// Hours covered by the bottleneck rows summed in a query (a daylight-saving hour that a
/// report gives once for two counts twice).
const BOTTLENECK_HOURS: &str =
    "(arrow_cast(hour_end, 'Int64') - arrow_cast(hour_start, 'Int64')) / 3600000.0";

/// The latest local date with Immigration crossings at an Indonesian port, if any.
///
/// Asked over the whole table, the question opens every crossings file of the lake. The
/// latest night Immigration delivered (`ingest_runs`, held in memory) says where to look
/// first: if any crossing is dated at most a week before that night or later, the latest of
/// those is the latest of all, and only the files of those days are read.
pub async fn latest_crossing_date(viewer: &Viewer) -> Result<Option<NaiveDate>> {
    const LOOK_BACK_DAYS: u64 = 7;
    let table = crossings_or_hourly_rollup(viewer);
    let latest = |condition: String| async move {
        let sql = format!(
            "SELECT max(c.local_date) AS latest FROM {table} c \
             JOIN ports p ON p.port = c.port WHERE NOT p.benchmark{condition}"
        );
        let answer = Answer::ask(viewer, &sql).await?;
        Ok::<_, DashboardError>(answer.dates("latest")?.into_iter().flatten().next())
    };
    let night = Answer::ask(
        viewer,
        "SELECT max(night) AS night FROM ingest_runs WHERE agency = 'immigration'",
    )
    .await?
    .dates("night")?
    .into_iter()
    .flatten()
    .next();
    if let Some(from) = night.and_then(|n| n.checked_sub_days(Days::new(LOOK_BACK_DAYS))) {
        let recent = latest(format!(
            " AND c.local_date >= DATE '{}'",
            from.format("%Y-%m-%d")
        ));
        if let Some(date) = recent.await? {
            return Ok(Some(date));
        }
    }
    latest(String::new()).await
}

/// Where a question about which ports, days and terminals had travellers looks: the
/// crossings for those who see all of them, otherwise the hourly rollup Immigration grants
/// to every agency, which has a row for every port, day and terminal with a traveller.
fn crossings_or_hourly_rollup(viewer: &Viewer) -> &'static str {
    if viewer.sees_every_crossing() {
        "crossings"
    } else {
        "rollup_crossings_hourly"
    }
}

/// Where a page reads clearance percentiles from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `percentile_linear` over every traveller's minutes in `crossing_times`.
    Exact,
    /// `percentile_from_histogram` over the one-minute histograms of
    /// `rollup_wait_histogram`: within one minute of the exact value, and far less to read
    /// over long periods.
    Histograms,
}

impl Source {
    /// Histograms for a period longer than the weekly meeting's, exact ones otherwise.
    pub fn for_period(period: &Period) -> Source {
        if period.days() > Period::DAYS {
            Source::Histograms
        } else {
            Source::Exact
        }
    }

    /// The source `viewer` may read: the exact minutes of every traveller are
    /// Immigration's own, so anyone else reads the histograms that Immigration grants to
    /// every agency (within a minute of the exact figure, as for long periods).
    fn for_viewer(self, viewer: &Viewer) -> Source {
        if viewer.sees_every_crossing() {
            self
        } else {
            Source::Histograms
        }
    }

    /// The table to read the clearance minutes of `percentile(p)` from for the travellers
    /// `filters` selects, with any condition it needs first (`AND …` conditions go after
    /// it).
    fn clearance_rows(self, filters: &Filters) -> String {
        match self {
            Source::Exact => "crossing_times WHERE true".to_string(),
            Source::Histograms => format!(
                "{} WHERE measure = 'clearance'",
                wait_histograms(filters.selects_every_traveller())
            ),
        }
    }

    /// The percentile `p` of clearance minutes over the rows of [`Self::clearance_rows`].
    fn percentile(self, p: f64) -> String {
        match self {
            Source::Exact => format!("percentile_linear(clearance_minutes, {p})"),
            Source::Histograms => format!(
                "percentile_from_histogram(bucket, travellers, min_minutes, max_minutes, {p})"
            ),
        }
    }

    /// The number of travellers over the rows of [`Self::clearance_rows`].
    fn travellers(self) -> &'static str {
        match self {
            Source::Exact => "count(*)",
            Source::Histograms => "sum(travellers)",
        }
    }
}

/// How far from its target a p90 read from histograms is worked out exactly: the
/// histograms are within a minute of the exact value, so only closer than that can the
/// verdict differ.
const EXACT_NEAR_TARGET_MINUTES: f64 = 1.0;

/// The wait histograms to read: the port-wide rollup (one row per hour and bucket) when
/// every traveller of the port counts, the rollup by terminal, lane kind, direction and
/// citizenship when some of them are chosen. Both give the same figures for a whole
/// port; the port-wide one has far fewer rows.
fn wait_histograms(whole_port: bool) -> &'static str {
    if whole_port {
        "rollup_wait_histogram_by_port"
    } else {
        "rollup_wait_histogram"
    }
}

/// Every UTC hour of the period whose queue waits are in the histograms, with the local
/// date and hour it starts on and whether it is a bottleneck hour, for every port (or
/// `port`) and, when `filters` chooses one, for that terminal.
///
/// This is `kpi_bottleneck_hours`' definition for traveller events (and
/// `rollup_wait_hours`'), worked out from the same histogram rows `rollup_wait_hours`
/// reads. Both views give an hour's local date as an aggregate (`min(local_date)`), so a
/// condition on the local date cannot reach their files and a page over one week would read
/// every day of the lake; here the condition is applied to the histogram rows, whose files
/// are partitioned by local date. An hour of a zone with whole-hour offsets starts on one
/// local date, so restricting its rows by local date keeps or drops the whole hour; a
/// terminal condition gives the terminal's hours, as the views' terminal rows do. Without
/// a terminal the port-wide histograms are read. The counts over the threshold are exact:
/// bucket `k` holds the minutes in `(k − 1, k]` and the threshold is a whole minute.
pub fn bottleneck_hours_sql(period: &Period, port: Option<&str>, filters: &Filters) -> String {
    let mut conditions = format!(" AND {}", period.sql_condition("h.local_date"));
    if let Some(port) = port {
        conditions.push_str(&format!(" AND h.port = {}", sql_text(port)));
    }
    if let Some(terminal) = &filters.terminal {
        conditions.push_str(&format!(" AND h.terminal = {}", sql_text(terminal)));
    }
    format!(
        "SELECT h.port, h.hour_start,
                min(h.local_date) AS local_date, min(h.local_hour) AS local_hour,
                CAST(sum(CASE WHEN h.bucket > m.wait_threshold_minutes THEN h.travellers
                              ELSE 0 END) AS DOUBLE) / sum(h.travellers)
                    > m.max_share_over_threshold AS is_bottleneck
         FROM {} h JOIN mou_targets m ON m.port = h.port
         WHERE h.measure = 'queue_wait'{conditions}
         GROUP BY h.port, h.hour_start, m.max_share_over_threshold",
        wait_histograms(filters.terminal.is_none())
    )
}

/// The period's figures of every Indonesian port (or of `only` that one), by port code,
/// each with the same figures over the days just before, for the travellers `filters`
/// selects. Bottleneck hours are the port's, or the filtered terminal's: they are defined
/// per port and terminal, whatever lane kind, citizenship or direction is chosen.
///
/// Travellers and bottleneck hours are exact; the p90s are read from the histograms (so
/// the overview of every port over two weeks reads thousands of rows rather than millions),
/// and a period's p90 that comes within a minute of its port's target is worked out
/// exactly, so that the verdict is the one the exact KPI gives.
///
/// Both periods come from one pass over both, grouped by a period label and then turned
/// into one row per port, so the previous period costs no second scan.
pub async fn port_weeks(
    viewer: &Viewer,
    period: &Period,
    only: Option<&str>,
    filters: &Filters,
) -> Result<Vec<PortWeek>> {
    let previous = period.previous();
    let travellers = filters.crossing_conditions(None);
    let weekly_allowance_applies = period.is_week() && filters.terminal.is_none();
    let fortnight_period = Period {
        first: previous.first,
        last: period.last,
    };
    let fortnight = fortnight_period.sql_condition("local_date");
    let label = format!(
        "CASE WHEN local_date >= DATE '{}' THEN 'current' ELSE 'previous' END",
        period.first.format("%Y-%m-%d")
    );
    let port_filter = only
        .map(|code| format!("AND p.port = {}", sql_text(code)))
        .unwrap_or_default();
    let traffic_port = only
        .map(|code| format!(" AND port = {}", sql_text(code)))
        .unwrap_or_default();
    let hours = bottleneck_hours_sql(&fortnight_period, only, filters);
    let histograms = wait_histograms(filters.selects_every_traveller());
    let sql = format!(
        "WITH traffic AS (
            SELECT port, week, sum(travellers) AS travellers,
                   percentile_from_histogram(bucket, travellers, min_minutes, max_minutes, 0.9)
                       AS clearance_p90
            FROM (SELECT port, bucket, travellers, min_minutes, max_minutes, {label} AS week
                  FROM {histograms}
                  WHERE measure = 'clearance' AND {fortnight}{traffic_port}{travellers})
            GROUP BY port, week
        ), bottlenecks AS (
            SELECT port, week, CAST(count(*) AS DOUBLE) AS bottleneck_hours
            FROM (SELECT port, {label} AS week FROM ({hours}) WHERE is_bottleneck)
            GROUP BY port, week
        ), weeks AS (
            SELECT t.port,
                   max(CASE WHEN t.week = 'current' THEN t.travellers END) AS travellers,
                   max(CASE WHEN t.week = 'current' THEN t.clearance_p90 END) AS clearance_p90,
                   max(CASE WHEN t.week = 'current' THEN b.bottleneck_hours END)
                       AS bottleneck_hours,
                   max(CASE WHEN t.week = 'previous' THEN t.travellers END)
                       AS previous_travellers,
                   max(CASE WHEN t.week = 'previous' THEN t.clearance_p90 END)
                       AS previous_clearance_p90,
                   max(CASE WHEN t.week = 'previous' THEN b.bottleneck_hours END)
                       AS previous_bottleneck_hours
            FROM traffic t
            LEFT JOIN bottlenecks b ON b.port = t.port AND b.week = t.week
            GROUP BY t.port
        )
        SELECT p.port, p.name, p.kind, p.zone_label,
               coalesce(w.travellers, 0) AS travellers, w.clearance_p90,
               coalesce(w.bottleneck_hours, 0.0) AS bottleneck_hours,
               w.previous_travellers, w.previous_clearance_p90,
               coalesce(w.previous_bottleneck_hours, 0.0) AS previous_bottleneck_hours,
               m.clearance_p90_target_minutes, m.max_bottleneck_hours_week, m.targets_version
        FROM ports p
        JOIN mou_targets m ON m.port = p.port
        LEFT JOIN weeks w ON w.port = p.port
        WHERE NOT p.benchmark {port_filter}
        ORDER BY p.port"
    );
    let answer = Answer::ask(viewer, &sql).await?;
    let ports = answer.strings("port")?;
    let names = answer.strings("name")?;
    let kinds = answer.strings("kind")?;
    let zones = answer.strings("zone_label")?;
    let travellers = answer.i64s("travellers")?;
    let p90 = answer.f64s("clearance_p90")?;
    let bottleneck_hours = answer.f64s("bottleneck_hours")?;
    let previous_travellers = answer.i64s("previous_travellers")?;
    let previous_p90 = answer.f64s("previous_clearance_p90")?;
    let previous_hours = answer.f64s("previous_bottleneck_hours")?;
    let targets = answer.f64s("clearance_p90_target_minutes")?;
    let max_hours = answer.i64s("max_bottleneck_hours_week")?;
    let versions = answer.strings("targets_version")?;
    let mut weeks: Vec<PortWeek> = (0..answer.len())
        .map(|i| PortWeek {
            port: ports[i].clone().unwrap_or_default(),
            name: names[i].clone().unwrap_or_default(),
            kind: kinds[i].clone().unwrap_or_default(),
            zone_label: zones[i].clone().unwrap_or_default(),
            travellers: travellers[i].unwrap_or(0),
            clearance_p90: p90[i],
            clearance_p90_target: targets[i].unwrap_or(f64::NAN),
            bottleneck_hours: bottleneck_hours[i].unwrap_or(0.0),
            max_bottleneck_hours: max_hours[i].unwrap_or(0),
            weekly_allowance_applies,
            targets_version: versions[i].clone().unwrap_or_default(),
            previous: previous_travellers[i]
                .filter(|count| *count > 0)
                .map(|travellers| PreviousWeek {
                    travellers,
                    clearance_p90: previous_p90[i],
                    bottleneck_hours: previous_hours[i].unwrap_or(0.0),
                }),
        })
        .collect();
    exact_p90_near_targets(viewer, period, filters, &mut weeks).await?;
    Ok(weeks)
}

/// Works out exactly the p90 of every port whose p90 from the histograms is within
/// [`EXACT_NEAR_TARGET_MINUTES`] of its target.
async fn exact_p90_near_targets(
    viewer: &Viewer,
    period: &Period,
    filters: &Filters,
    weeks: &mut [PortWeek],
) -> Result<()> {
    // Only Immigration's own users see the travellers' exact minutes; everyone else gets
    // the p90 of the histograms, the figure of the weekly rollup KPI it is granted.
    if !viewer.sees_every_crossing() {
        return Ok(());
    }
    let near: Vec<String> = weeks
        .iter()
        .filter(|w| {
            w.clearance_p90
                .is_some_and(|p90| (p90 - w.clearance_p90_target).abs() < EXACT_NEAR_TARGET_MINUTES)
        })
        .map(|w| sql_text(&w.port))
        .collect();
    if near.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "SELECT port, percentile_linear(clearance_minutes, 0.9) AS clearance_p90
         FROM crossing_times WHERE port IN ({}) AND {}{}
         GROUP BY port",
        near.join(", "),
        period.sql_condition("local_date"),
        filters.crossing_conditions(None)
    );
    let answer = Answer::ask(viewer, &sql).await?;
    let ports = answer.strings("port")?;
    let p90 = answer.f64s("clearance_p90")?;
    for (port, p90) in ports.into_iter().zip(p90) {
        if let Some(week) = weeks.iter_mut().find(|w| Some(&w.port) == port.as_ref()) {
            week.clearance_p90 = p90;
        }
    }
    Ok(())
}

/// Hourly clearance p90 of the given ports over the period, for the travellers `filters`
/// selects: `kpi_clearance_hourly`'s definition, worked out over the selected travellers
/// because the view itself cannot be narrowed to a lane kind or a direction.
pub async fn hourly_clearance_p90(
    viewer: &Viewer,
    period: &Period,
    ports: &[&str],
    filters: &Filters,
    source: Source,
) -> Result<Vec<HourlyValue>> {
    if ports.is_empty() {
        return Ok(Vec::new());
    }
    let listed: Vec<String> = ports.iter().map(|p| sql_text(p)).collect();
    let travellers = filters.crossing_conditions(None);
    if source == Source::Exact && !viewer.sees_every_crossing() && travellers.is_empty() {
        // All travellers: the granted KPI view itself, the very figure Immigration sees.
        let sql = format!(
            "SELECT port, local_date, local_hour, clearance_p90 AS value
             FROM kpi_clearance_hourly WHERE port IN ({}) AND {}
             ORDER BY port, local_date, local_hour",
            listed.join(", "),
            period.sql_condition("local_date"),
        );
        return hourly_values(viewer, &sql).await;
    }
    let source = source.for_viewer(viewer);
    let sql = format!(
        "SELECT port, local_date, local_hour, {} AS value
         FROM {} AND port IN ({}) AND {}{}
         GROUP BY port, local_date, local_hour
         ORDER BY port, local_date, local_hour",
        source.percentile(0.9),
        source.clearance_rows(filters),
        listed.join(", "),
        period.sql_condition("local_date"),
        travellers
    );
    hourly_values(viewer, &sql).await
}

async fn hourly_values(viewer: &Viewer, sql: &str) -> Result<Vec<HourlyValue>> {
    let answer = Answer::ask(viewer, sql).await?;
    let ports = answer.strings("port")?;
    let dates = answer.dates("local_date")?;
    let hours = answer.i64s("local_hour")?;
    let values = answer.f64s("value")?;
    Ok((0..answer.len())
        .filter_map(|i| {
            Some(HourlyValue {
                port: ports[i].clone()?,
                local_date: dates[i]?,
                local_hour: i32::try_from(hours[i]?).ok()?,
                value: values[i]?,
            })
        })
        .collect())
}

/// One port's clearance per local day of the period for the travellers `filters` selects,
/// with the bottleneck hours of the port (or of the filtered terminal).
pub async fn clearance_days(
    viewer: &Viewer,
    period: &Period,
    port: &str,
    filters: &Filters,
    source: Source,
) -> Result<Vec<ClearanceDay>> {
    let source = source.for_viewer(viewer);
    let in_period = period.sql_condition("local_date");
    let travellers = filters.crossing_conditions(None);
    let hours = bottleneck_hours_sql(period, Some(port), filters);
    let sql = format!(
        "WITH days AS (
            SELECT local_date, {count} AS travellers,
                   {p50} AS p50, {p90} AS p90, {p95} AS p95
            FROM {rows} AND port = {port} AND {in_period}{travellers}
            GROUP BY local_date
        ), bottlenecks AS (
            SELECT local_date, CAST(count(*) AS DOUBLE) AS bottleneck_hours
            FROM ({hours}) WHERE is_bottleneck
            GROUP BY local_date
        )
        SELECT d.local_date, d.travellers, d.p50, d.p90, d.p95,
               coalesce(b.bottleneck_hours, 0.0) AS bottleneck_hours
        FROM days d LEFT JOIN bottlenecks b ON b.local_date = d.local_date
        ORDER BY d.local_date",
        count = source.travellers(),
        p50 = source.percentile(0.5),
        p90 = source.percentile(0.9),
        p95 = source.percentile(0.95),
        rows = source.clearance_rows(filters),
        port = sql_text(port),
    );
    let answer = Answer::ask(viewer, &sql).await?;
    let dates = answer.dates("local_date")?;
    let travellers = answer.i64s("travellers")?;
    let p50 = answer.f64s("p50")?;
    let p90 = answer.f64s("p90")?;
    let p95 = answer.f64s("p95")?;
    let hours = answer.f64s("bottleneck_hours")?;
    Ok((0..answer.len())
        .filter_map(|i| {
            Some(ClearanceDay {
                local_date: dates[i]?,
                travellers: travellers[i].unwrap_or(0),
                p50: p50[i],
                p90: p90[i],
                p95: p95[i],
                bottleneck_hours: hours[i].unwrap_or(0.0),
            })
        })
        .collect())
}

/// How many days either side of a period the episodes of its bottleneck hours are looked
/// for in the histograms: an episode that reaches further is read from the KPI view.
const EPISODE_MARGIN_DAYS: u64 = 2;

/// The bottleneck episodes from traveller events of one port that overlap the period, whose
/// local midnights are `[from_ms, to_ms)` (UTC milliseconds): whole port first, then each
/// terminal's, or only `terminal`'s when one is given.
///
/// `kpi_bottleneck_episodes` is made of `kpi_bottleneck_hours`, which gives an hour's local
/// date as an aggregate, so a question about one week reads every day the port ever had.
/// Its definition (a maximal run of bottleneck hours whose starts are one hour apart) is
/// applied here to the exact bottleneck hours of the histograms ([`bottleneck_hours_sql`]),
/// over the period and [`EPISODE_MARGIN_DAYS`] either side. An episode that reaches the edge
/// of those days may go on beyond them, and then the view is asked after all.
pub async fn event_episodes(
    viewer: &Viewer,
    port: &str,
    period: &Period,
    (from_ms, to_ms): (i64, i64),
    terminal: Option<&str>,
) -> Result<Vec<Episode>> {
    const HOUR_MS: i64 = 3_600_000;
    let margin = Days::new(EPISODE_MARGIN_DAYS);
    let window = Period {
        first: period
            .first
            .checked_sub_days(margin)
            .unwrap_or(period.first),
        last: period.last.checked_add_days(margin).unwrap_or(period.last),
    };
    let (place, grouping) = match terminal {
        Some(t) => (
            format!(" AND h.terminal = {}", sql_text(t)),
            "GROUP BY h.terminal, h.hour_start",
        ),
        None => (
            String::new(),
            "GROUP BY GROUPING SETS ((h.hour_start), (h.terminal, h.hour_start))",
        ),
    };
    let sql = format!(
        "SELECT terminal, start_ms FROM (
            SELECT h.terminal, arrow_cast(h.hour_start, 'Int64') AS start_ms,
                   CAST(sum(CASE WHEN h.bucket > m.wait_threshold_minutes THEN h.travellers
                                 ELSE 0 END) AS DOUBLE) / sum(h.travellers)
                       > max(m.max_share_over_threshold) AS is_bottleneck
            FROM rollup_wait_histogram h JOIN mou_targets m ON m.port = h.port
            WHERE h.measure = 'queue_wait' AND h.port = {} AND {}{place}
            {grouping}
         ) WHERE is_bottleneck
         ORDER BY terminal NULLS FIRST, start_ms",
        sql_text(port),
        window.sql_condition("h.local_date"),
    );
    let answer = Answer::ask(viewer, &sql).await?;
    let terminals = answer.strings("terminal")?;
    let starts = answer.i64s("start_ms")?;
    let mut episodes: Vec<Episode> = Vec::new();
    for (terminal, start) in terminals.into_iter().zip(starts) {
        let Some(start) = start else { continue };
        match episodes.last_mut() {
            Some(last) if last.terminal == terminal && last.end_ms == start => {
                last.end_ms = start + HOUR_MS;
                last.hours += 1.0;
            }
            _ => episodes.push(Episode {
                terminal,
                start_ms: start,
                end_ms: start + HOUR_MS,
                hours: 1.0,
            }),
        }
    }
    episodes.retain(|e| e.end_ms > from_ms && e.start_ms < to_ms);
    let (window_from, window_to) = (
        from_ms - i64::try_from(EPISODE_MARGIN_DAYS).unwrap_or(0) * 24 * HOUR_MS,
        to_ms + i64::try_from(EPISODE_MARGIN_DAYS).unwrap_or(0) * 24 * HOUR_MS,
    );
    if episodes
        .iter()
        .any(|e| e.start_ms <= window_from || e.end_ms >= window_to)
    {
        return self::episodes(viewer, port, "events", (from_ms, to_ms), terminal).await;
    }
    Ok(episodes)
}

/// The bottleneck episodes of one port and feed kind (`'events'` or `'hourly_report'`)
/// that overlap `[from_ms, to_ms)` (UTC milliseconds), whole port first; only those of
/// `terminal` when one is given.
pub async fn episodes(
    viewer: &Viewer,
    port: &str,
    source: &str,
    (from_ms, to_ms): (i64, i64),
    terminal: Option<&str>,
) -> Result<Vec<Episode>> {
    let place = terminal
        .map(|t| format!(" AND terminal = {}", sql_text(t)))
        .unwrap_or_default();
    let sql = format!(
        "SELECT terminal,
                arrow_cast(episode_start, 'Int64') AS start_ms,
                arrow_cast(episode_end, 'Int64') AS end_ms,
                hours
         FROM kpi_bottleneck_episodes
         WHERE port = {} AND source = {}
           AND arrow_cast(episode_end, 'Int64') > {from_ms}
           AND arrow_cast(episode_start, 'Int64') < {to_ms}{place}
         ORDER BY terminal NULLS FIRST, episode_start",
        sql_text(port),
        sql_text(source)
    );
    let answer = Answer::ask(viewer, &sql).await?;
    let terminals = answer.strings("terminal")?;
    let starts = answer.i64s("start_ms")?;
    let ends = answer.i64s("end_ms")?;
    let hours = answer.f64s("hours")?;
    Ok((0..answer.len())
        .filter_map(|i| {
            Some(Episode {
                terminal: terminals[i].clone(),
                start_ms: starts[i]?,
                end_ms: ends[i]?,
                hours: hours[i].unwrap_or(0.0),
            })
        })
        .collect())
}

/// The terminals of one port that have Immigration crossings, for the terminal filter.
pub async fn terminals(viewer: &Viewer, port: &str) -> Result<Vec<String>> {
    let sql = format!(
        "SELECT DISTINCT terminal FROM {} WHERE port = {} ORDER BY terminal",
        crossings_or_hourly_rollup(viewer),
        sql_text(port)
    );
    let answer = Answer::ask(viewer, &sql).await?;
    Ok(answer.strings("terminal")?.into_iter().flatten().collect())
}

/// Benchmark ports that have hourly wait reports in the lake.
pub async fn benchmark_ports(viewer: &Viewer) -> Result<Vec<BenchmarkPort>> {
    let sql = "SELECT p.port, p.name FROM ports p
               WHERE p.benchmark AND p.port IN (SELECT DISTINCT port FROM wait_hourly)
               ORDER BY p.port";
    let answer = Answer::ask(viewer, sql).await?;
    let ports = answer.strings("port")?;
    let names = answer.strings("name")?;
    Ok((0..answer.len())
        .filter_map(|i| {
            Some(BenchmarkPort {
                port: ports[i].clone()?,
                name: names[i].clone()?,
            })
        })
        .collect())
}

/// The latest local date of one port's hourly wait reports, if it has any.
pub async fn latest_report_date(viewer: &Viewer, port: &str) -> Result<Option<NaiveDate>> {
    let sql = format!(
        "SELECT max(local_date) AS latest FROM wait_hourly WHERE port = {}",
        sql_text(port)
    );
    let answer = Answer::ask(viewer, &sql).await?;
    Ok(answer.dates("latest")?.into_iter().flatten().next())
}

/// Passenger-weighted average wait, and the longest wait, of the report rows in a group.
const REPORT_WAITS: &str = "sum(wait_avg_min_all * pax_total)
        / nullif(sum(CASE WHEN wait_avg_min_all IS NOT NULL THEN pax_total END), 0)
        AS average_wait,
    max(wait_max_min_all) AS maximum_wait";

/// One port's hourly wait reports over the period, summed over all its terminals.
pub async fn report_week(
    viewer: &Viewer,
    period: &Period,
    port: &str,
) -> Result<Option<ReportWeek>> {
    let in_period = period.sql_condition("local_date");
    let port = sql_text(port);
    let sql = format!(
        "WITH reports AS (
            SELECT sum(pax_total) AS passengers, sum(flights) AS flights, {REPORT_WAITS}
            FROM wait_hourly WHERE port = {port} AND {in_period}
        ), bottlenecks AS (
            SELECT sum(travellers_over_threshold) AS over_threshold,
                   sum(travellers_counted) AS counted,
                   sum(CASE WHEN is_bottleneck THEN {BOTTLENECK_HOURS} ELSE 0.0 END)
                       AS bottleneck_hours
            FROM kpi_bottleneck_hours
            WHERE port = {port} AND terminal IS NULL AND source = 'hourly_report' AND {in_period}
        )
        SELECT r.passengers, r.flights, r.average_wait, r.maximum_wait,
               CAST(b.over_threshold AS DOUBLE) / nullif(b.counted, 0) AS share_over_threshold,
               coalesce(b.bottleneck_hours, 0.0) AS bottleneck_hours,
               m.wait_threshold_minutes, m.max_bottleneck_hours_week, m.targets_version
        FROM reports r CROSS JOIN bottlenecks b CROSS JOIN mou_targets m
        WHERE m.port = {port}"
    );
    let answer = Answer::ask(viewer, &sql).await?;
    let passengers = answer.i64s("passengers")?;
    let flights = answer.i64s("flights")?;
    let average = answer.f64s("average_wait")?;
    let maximum = answer.f64s("maximum_wait")?;
    let share = answer.f64s("share_over_threshold")?;
    let hours = answer.f64s("bottleneck_hours")?;
    let threshold = answer.f64s("wait_threshold_minutes")?;
    let max_hours = answer.i64s("max_bottleneck_hours_week")?;
    let versions = answer.strings("targets_version")?;
    Ok((0..answer.len()).next().map(|i| ReportWeek {
        passengers: passengers[i].unwrap_or(0),
        flights: flights[i].unwrap_or(0),
        average_wait: average[i],
        maximum_wait: maximum[i],
        share_over_threshold: share[i],
        bottleneck_hours: hours[i].unwrap_or(0.0),
        wait_threshold_minutes: threshold[i].unwrap_or(f64::NAN),
        max_bottleneck_hours: max_hours[i].unwrap_or(0),
        targets_version: versions[i].clone().unwrap_or_default(),
    }))
}

/// One port's hourly wait reports per local day of the period.
pub async fn report_days(viewer: &Viewer, period: &Period, port: &str) -> Result<Vec<ReportDay>> {
    let in_period = period.sql_condition("local_date");
    let port = sql_text(port);
    let sql = format!(
        "WITH reports AS (
            SELECT local_date, sum(pax_total) AS passengers, sum(flights) AS flights,
                   {REPORT_WAITS}
            FROM wait_hourly WHERE port = {port} AND {in_period}
            GROUP BY local_date
        ), bottlenecks AS (
            SELECT local_date,
                   sum(travellers_over_threshold) AS over_threshold,
                   sum(travellers_counted) AS counted,
                   sum(CASE WHEN is_bottleneck THEN {BOTTLENECK_HOURS} ELSE 0.0 END)
                       AS bottleneck_hours
            FROM kpi_bottleneck_hours
            WHERE port = {port} AND terminal IS NULL AND source = 'hourly_report' AND {in_period}
            GROUP BY local_date
        )
        SELECT r.local_date, r.passengers, r.flights, r.average_wait, r.maximum_wait,
               CAST(b.over_threshold AS DOUBLE) / nullif(b.counted, 0) AS share_over_threshold,
               coalesce(b.bottleneck_hours, 0.0) AS bottleneck_hours
        FROM reports r LEFT JOIN bottlenecks b ON b.local_date = r.local_date
        ORDER BY r.local_date"
    );
    let answer = Answer::ask(viewer, &sql).await?;
    let dates = answer.dates("local_date")?;
    let passengers = answer.i64s("passengers")?;
    let flights = answer.i64s("flights")?;
    let average = answer.f64s("average_wait")?;
    let maximum = answer.f64s("maximum_wait")?;
    let share = answer.f64s("share_over_threshold")?;
    let hours = answer.f64s("bottleneck_hours")?;
    Ok((0..answer.len())
        .filter_map(|i| {
            Some(ReportDay {
                local_date: dates[i]?,
                passengers: passengers[i].unwrap_or(0),
                flights: flights[i].unwrap_or(0),
                average_wait: average[i],
                maximum_wait: maximum[i],
                share_over_threshold: share[i],
                bottleneck_hours: hours[i].unwrap_or(0.0),
            })
        })
        .collect())
}

/// One port's hourly wait reports hour by hour over the period, all terminals together.
pub async fn report_hours(viewer: &Viewer, period: &Period, port: &str) -> Result<Vec<ReportHour>> {
    let sql = format!(
        "SELECT local_date, local_hour, {REPORT_WAITS}
         FROM wait_hourly WHERE port = {} AND {}
         GROUP BY local_date, local_hour
         ORDER BY local_date, local_hour",
        sql_text(port),
        period.sql_condition("local_date")
    );
    let answer = Answer::ask(viewer, &sql).await?;
    let dates = answer.dates("local_date")?;
    let hours = answer.i64s("local_hour")?;
    let average = answer.f64s("average_wait")?;
    let maximum = answer.f64s("maximum_wait")?;
    Ok((0..answer.len())
        .filter_map(|i| {
            Some(ReportHour {
                local_date: dates[i]?,
                local_hour: i32::try_from(hours[i]?).ok()?,
                average_wait: average[i],
                maximum_wait: maximum[i],
            })
        })
        .collect())
}

/// The batches of one query, read column by column into plain vectors.
#[derive(Debug)]
pub struct Answer {
    batches: Vec<RecordBatch>,
}

impl Answer {
    pub async fn ask(viewer: &Viewer, sql: &str) -> Result<Answer> {
        Ok(Answer {
            batches: viewer.sql(sql).await?,
        })
    }

    pub fn len(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// One column of every batch, cast to `to`.
    fn column(&self, name: &str, to: &DataType, expected: &'static str) -> Result<Vec<ArrayRef>> {
        self.batches
            .iter()
            .map(|batch| {
                let column = batch
                    .column_by_name(name)
                    .ok_or_else(|| DashboardError::MissingColumn(name.to_string()))?;
                cast(column, to).map_err(|e| DashboardError::ColumnType {
                    column: name.to_string(),
                    expected,
                    message: e.to_string(),
                })
            })
            .collect()
    }

    pub fn f64s(&self, name: &str) -> Result<Vec<Option<f64>>> {
        let arrays = self.column(name, &DataType::Float64, "a number")?;
        Ok(arrays
            .iter()
            .flat_map(|a| a.as_primitive::<Float64Type>().iter().collect::<Vec<_>>())
            .collect())
    }

    pub fn i64s(&self, name: &str) -> Result<Vec<Option<i64>>> {
        let arrays = self.column(name, &DataType::Int64, "a whole number")?;
        Ok(arrays
            .iter()
            .flat_map(|a| a.as_primitive::<Int64Type>().iter().collect::<Vec<_>>())
            .collect())
    }

    pub fn strings(&self, name: &str) -> Result<Vec<Option<String>>> {
        let arrays = self.column(name, &DataType::Utf8, "text")?;
        Ok(arrays
            .iter()
            .flat_map(|a| {
                a.as_string::<i32>()
                    .iter()
                    .map(|v| v.map(str::to_string))
                    .collect::<Vec<_>>()
            })
            .collect())
    }

    pub fn bools(&self, name: &str) -> Result<Vec<Option<bool>>> {
        let arrays = self.column(name, &DataType::Boolean, "true or false")?;
        Ok(arrays
            .iter()
            .flat_map(|a| a.as_boolean().iter().collect::<Vec<_>>())
            .collect())
    }

    pub fn dates(&self, name: &str) -> Result<Vec<Option<NaiveDate>>> {
        let arrays = self.column(name, &DataType::Date32, "a date")?;
        Ok(arrays
            .iter()
            .flat_map(|a| {
                let days = a.as_primitive::<Date32Type>();
                (0..days.len())
                    .map(|i| {
                        (!days.is_null(i))
                            .then(|| days.value(i))
                            .and_then(date_from_days)
                    })
                    .collect::<Vec<_>>()
            })
            .collect())
    }
}

/// The date `days` after 1970-01-01 (Arrow's `Date32`).
fn date_from_days(days: i32) -> Option<NaiveDate> {
    const UNIX_EPOCH_FROM_CE: i32 = 719_163;
    NaiveDate::from_num_days_from_ce_opt(days.checked_add(UNIX_EPOCH_FROM_CE)?)
}
