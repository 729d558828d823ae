//! Gathering a report's numbers: every figure is one query of a KPI view from `sql/`,
//! run through the principal's session, so the report shows exactly what their sharing
//! policies let them see and a section whose views they do not see is left out, with
//! the reason the policies give.
//!
//! The queries only select, filter (period, ports, agencies), count, add up and divide
//! sums of the views' rows: a period's share within target is the sum of the days'
//! travellers within target over the sum of their travellers, which is the KPI's own
//! definition over the longer period. No KPI is worked out here its own way.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Utc};
use gerbang_query::Warehouse;
use gerbang_query::kpi::ViewKind;
use gerbang_query::policy::{Seen, Session};

use super::fingerprint::{Fingerprint, Inputs, canonical_rows};
use super::model::*;
use super::request::Request;
use super::text::Words;
use super::values::{Value, rows};
use super::{Progress, ReportError};
use crate::i18n::Lang;

/// The dataset behind each agency's enforcement counts: detail rights on it decide
/// whether small counts are shown exactly.
const ENFORCEMENT_DATASETS: [(&str, &str); 4] = [
    ("immigration", "crossings"),
    ("customs", "customs_inspections"),
    ("quarantine", "health_screenings_hourly"),
    ("police", "incidents"),
];

/// The enforcement measures, in the order the report lists them.
const MEASURES: [(&str, &str); 8] = [
    ("immigration", "refusal"),
    ("immigration", "detention"),
    ("immigration", "notice_hit"),
    ("immigration", "secondary_referral"),
    ("customs", "seizure"),
    ("quarantine", "isolation"),
    ("quarantine", "referral"),
    ("police", "incident"),
];

/// An enforcement count's place: port, agency, measure, category.
type CountKey = (String, String, String, String);

/// How many of the busiest ports get a line of their own in the daily p90 chart.
const CHART_PORTS: usize = 5;

/// Builds the report `request` asks for, as `session`'s principal may see it, from
/// `warehouse` (the same warehouse the session was made from: its lake version, policies
/// and KPI library are recorded; every number comes through the session).
pub async fn build(
    warehouse: &Warehouse,
    session: &Session,
    request: &Request,
) -> Result<Report, ReportError> {
    build_tracked(warehouse, session, request, &Progress::default()).await
}

/// [`build`], counting each step done in `progress` (of [`Progress::STEPS`]), so that a
/// page or a terminal can show how far the report has got.
pub async fn build_tracked(
    warehouse: &Warehouse,
    session: &Session,
    request: &Request,
    progress: &Progress,
) -> Result<Report, ReportError> {
    let session_ports = Gather::ports(session, request).await?;
    let mut gather = Gather {
        session,
        request,
        lang: request.lang,
        w: Words::of(request.lang),
        ports: session_ports,
        summary: Vec::new(),
        sections: Vec::new(),
        left_out: Vec::new(),
    };
    progress.step(gather.trends().await)?;
    progress.step(gather.clearance().await)?;
    progress.step(gather.bottleneck_episodes().await)?;
    progress.step(gather.service_level_by_agency().await)?;
    progress.step(gather.stage_attribution().await)?;
    progress.step(gather.enforcement().await)?;
    progress.step(gather.customs_seizures().await)?;
    progress.step(gather.i247().await)?;
    progress.step(gather.exchange().await)?;
    progress.step(gather.joint_operations().await)?;
    progress.step(gather.feed_health().await)?;
    progress.step(gather.national_arrivals().await)?;
    gather.summary.sort_by_key(|(rank, _)| *rank);

    let (provenance, fingerprint) = progress.step(gather.provenance(warehouse).await)?;
    let w = gather.w;
    let lang = gather.lang;
    let principal = session.principal().clone();
    let period_text = w.period(request.first, request.last);
    let ports_text = if request.ports.is_empty() {
        w.all_ports(gather.ports.len())
    } else {
        gather
            .ports
            .iter()
            .map(|p| p.label())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let agencies_text = if request.agencies.is_empty() {
        w.all_agencies.to_string()
    } else {
        request
            .agencies
            .iter()
            .map(|a| lang.agency(a))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let last_run = provenance.runs.last();
    let data_as_of = match last_run {
        Some(run) => w.data_as_of(
            provenance.lake_version,
            provenance.runs.len(),
            &run.finished_at,
        ),
        None => w.no_data_landed.to_string(),
    };
    let generated_at = Utc::now();
    let cover = vec![
        (w.period_label.to_string(), period_text.clone()),
        (w.ports_label.to_string(), ports_text),
        (w.agencies_label.to_string(), agencies_text),
        (w.language_label.to_string(), lang.endonym().to_string()),
        (
            w.prepared_for.to_string(),
            format!(
                "{} ({}:{})",
                principal.user,
                principal.agency,
                principal.roles_text()
            ),
        ),
        (w.policies_label.to_string(), provenance.policies.clone()),
        (
            w.targets_label.to_string(),
            w.targets_version(&provenance.targets_version),
        ),
        (w.data_as_of_label.to_string(), data_as_of),
        (w.fingerprint_label.to_string(), fingerprint.grouped()),
        (
            w.generated_label.to_string(),
            format!(
                "{} UTC {}",
                generated_at.format("%Y-%m-%d %H:%M"),
                w.generated_note
            ),
        ),
    ];
    let definitions = warehouse
        .views()
        .iter()
        .filter(|v| v.kind == ViewKind::Kpi)
        .map(|v| Definition {
            view: v.name.clone(),
            title: match lang {
                Lang::Id => v.title_id.clone(),
                Lang::En => v.title_en.clone(),
            },
            unit: v.unit.clone(),
            grain: v.grain.clone(),
            owner: v.owner.clone(),
            target: v.target.clone().unwrap_or_else(|| w.none.to_string()),
            definition: v.definition.clone(),
        })
        .collect();
    Ok(Report {
        request: request.clone(),
        principal,
        title: w.title.to_string(),
        period_text,
        cover,
        provenance,
        fingerprint,
        generated_at,
        summary: gather.summary.into_iter().map(|(_, line)| line).collect(),
        sections: gather.sections,
        left_out: gather.left_out,
        definitions,
    })
}

/// A port the report covers.
#[derive(Debug, Clone)]
struct PortInfo {
    code: String,
    name: String,
}

impl PortInfo {
    fn label(&self) -> String {
        format!("{} {}", self.code, self.name)
    }
}

struct Gather<'a> {
    session: &'a Session,
    request: &'a Request,
    lang: Lang,
    w: &'static Words,
    ports: Vec<PortInfo>,
    /// Summary lines with the place they take on the summary page.
    summary: Vec<(u8, SummaryLine)>,
    sections: Vec<Section>,
    left_out: Vec<LeftOut>,
}

impl Gather<'_> {
    /// The ports of the request, checked against the registry: all Indonesian entry
    /// points when none are named.
    async fn ports(session: &Session, request: &Request) -> Result<Vec<PortInfo>, ReportError> {
        let answer = session
            .sql("SELECT port, name, benchmark FROM ports ORDER BY port")
            .await?;
        let registered: Vec<(PortInfo, bool)> = rows(&answer.batches)?
            .into_iter()
            .map(|row| {
                (
                    PortInfo {
                        code: row[0].text(),
                        name: row[1].text(),
                    },
                    row[2].bool().unwrap_or(false),
                )
            })
            .collect();
        if request.ports.is_empty() {
            return Ok(registered
                .into_iter()
                .filter(|(_, benchmark)| !benchmark)
                .map(|(port, _)| port)
                .collect());
        }
        let mut chosen = Vec::new();
        for code in &request.ports {
            match registered.iter().find(|(p, _)| &p.code == code) {
                Some((port, _)) => chosen.push(port.clone()),
                None => {
                    return Err(ReportError::Request(format!(
                        "unknown port '{code}'; the registered ports are {}",
                        registered
                            .iter()
                            .map(|(p, _)| p.code.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
        }
        Ok(chosen)
    }

    async fn query(&self, sql: &str) -> Result<Vec<Vec<Value>>, ReportError> {
        let answer = self.session.sql(sql).await?;
        rows(&answer.batches)
    }

    /// One row of an aggregate query (aggregates without GROUP BY always give one).
    async fn one(&self, sql: &str) -> Result<Vec<Value>, ReportError> {
        Ok(self
            .query(sql)
            .await?
            .into_iter()
            .next()
            .unwrap_or_default())
    }

    fn visible(&self, view: &str) -> bool {
        self.session.visibility().objects.contains_key(view)
    }

    /// Whether every view is visible; if not, the section is recorded as left out with
    /// the policies' reasons.
    fn require(&mut self, title: &str, views: &[&str]) -> bool {
        let missing: Vec<String> = views
            .iter()
            .filter(|v| !self.visible(v))
            .map(|v| {
                let reason = self
                    .session
                    .visibility()
                    .absent
                    .get(*v)
                    .cloned()
                    .unwrap_or_else(|| {
                        format!("not shared with {}", self.session.principal().agency)
                    });
                format!("{v}: {reason}")
            })
            .collect();
        if missing.is_empty() {
            return true;
        }
        self.left_out.push(LeftOut {
            title: title.to_string(),
            reason: missing.join("; "),
        });
        false
    }

    /// `port IN ('CGK', ...)` over the report's ports.
    fn ports_sql(&self, column: &str) -> String {
        if self.ports.is_empty() {
            return "FALSE".to_string();
        }
        let list = self
            .ports
            .iter()
            .map(|p| format!("'{}'", p.code.replace('\'', "''")))
            .collect::<Vec<_>>()
            .join(", ");
        format!("{column} IN ({list})")
    }

    /// The period and the ports.
    fn scope(&self, date_column: &str) -> String {
        format!(
            "{} AND {}",
            self.request.period_sql(date_column),
            self.ports_sql("port")
        )
    }

    /// `column IN ('customs', ...)` over the covered agencies among `agencies`.
    fn agencies_sql(&self, column: &str, agencies: &[&str]) -> String {
        let list: Vec<String> = agencies
            .iter()
            .filter(|a| self.request.covers(a))
            .map(|a| format!("'{a}'"))
            .collect();
        if list.is_empty() {
            "FALSE".to_string()
        } else {
            format!("{column} IN ({})", list.join(", "))
        }
    }

    fn port_label(&self, code: &str) -> String {
        self.ports
            .iter()
            .find(|p| p.code == code)
            .map_or_else(|| code.to_string(), PortInfo::label)
    }

    fn next_number(&self) -> usize {
        self.sections.len() + 2
    }

    fn push_section(
        &mut self,
        key: &'static str,
        title: &str,
        intro: &str,
        sources: &[&str],
        blocks: Vec<Block>,
    ) -> usize {
        let number = self.next_number();
        self.sections.push(Section {
            key,
            number,
            title: title.to_string(),
            intro: intro.to_string(),
            sources: sources.iter().map(|s| s.to_string()).collect(),
            blocks,
        });
        number
    }

    fn view_title(&self, view: &str) -> String {
        gerbang_query::kpi::library()
            .ok()
            .and_then(|views| views.into_iter().find(|v| v.name == view))
            .map_or_else(
                || view.to_string(),
                |v| match self.lang {
                    Lang::Id => v.title_id,
                    Lang::En => v.title_en,
                },
            )
    }

    fn count(&self, value: Option<f64>) -> String {
        value.map_or_else(|| self.w.dash.to_string(), |v| self.lang.number(v, 0))
    }

    fn percent(&self, value: Option<f64>) -> String {
        value.map_or_else(|| self.w.dash.to_string(), |v| self.lang.percent(v))
    }

    fn minutes(&self, value: Option<f64>) -> String {
        value.map_or_else(|| self.w.dash.to_string(), |v| self.lang.minutes(v))
    }

    /// "Met" when every measured unit met its target, "missed" when one did not, "no
    /// data" when none was measured.
    fn verdict(measured: Option<f64>, met: Option<f64>) -> Verdict {
        match (measured, met) {
            (Some(m), Some(ok)) if m > 0.0 && ok >= m => Verdict::Met,
            (Some(m), _) if m > 0.0 => Verdict::Missed,
            _ => Verdict::NoData,
        }
    }

    fn figure(key: &'static str, label: &str, value: Option<f64>, kind: Kind) -> Figure {
        Figure {
            key,
            label: label.to_string(),
            value,
            kind,
        }
    }

    /// A target that may differ by port, in words: "30 min (35 min: CGK, DPS)".
    async fn per_port_target(
        &self,
        column: &str,
        write: &(dyn Fn(f64) -> String + Sync),
    ) -> Result<String, ReportError> {
        let rows = self
            .query(&format!(
                "SELECT {column}, port FROM mou_targets WHERE {} ORDER BY port",
                self.ports_sql("port")
            ))
            .await?;
        let mut by_value: BTreeMap<String, (f64, Vec<String>)> = BTreeMap::new();
        for row in rows {
            if let Some(value) = row[0].f64() {
                by_value
                    .entry(format!("{value:.6}"))
                    .or_insert((value, Vec::new()))
                    .1
                    .push(row[1].text());
            }
        }
        let mut groups: Vec<(f64, Vec<String>)> = by_value.into_values().collect();
        groups.sort_by_key(|(_, ports)| std::cmp::Reverse(ports.len()));
        let mut parts = groups.iter();
        let Some((usual, _)) = parts.next() else {
            return Ok(self.w.dash.to_string());
        };
        let exceptions: Vec<String> = parts
            .map(|(value, ports)| format!("{}: {}", write(*value), ports.join(", ")))
            .collect();
        Ok(if exceptions.is_empty() {
            write(*usual)
        } else {
            format!("{} ({})", write(*usual), exceptions.join("; "))
        })
    }

    fn day_labels(&self) -> Vec<String> {
        self.request
            .dates()
            .into_iter()
            .map(|d| self.lang.date_tiny(d))
            .collect()
    }

    /// Values per day of the period from rows of (local_date, value).
    fn daily(&self, rows: &[Vec<Value>], value: usize) -> Vec<Option<f64>> {
        let dates = self.request.dates();
        let mut values = vec![None; dates.len()];
        for row in rows {
            if let Some(index) = row[0]
                .date()
                .and_then(|d| dates.iter().position(|x| *x == d))
            {
                values[index] = row[value].f64();
            }
        }
        values
    }

    async fn trends(&mut self) -> Result<(), ReportError> {
        let w = self.w;
        if !self.request.covers_any(&["immigration", "integration_bus"]) {
            return Ok(());
        }
        let mut blocks = Vec::new();
        let mut sources = Vec::new();
        let labels = self.day_labels();
        if self.visible("kpi_throughput_hourly") && self.request.covers("immigration") {
            let rows = self
                .query(&format!(
                    "SELECT local_date, sum(travellers_processed) FROM kpi_throughput_hourly \
                     WHERE {} GROUP BY local_date ORDER BY local_date",
                    self.scope("local_date")
                ))
                .await?;
            let values = self.daily(&rows, 1);
            blocks.push(Block::Chart(Chart {
                id: "travellers-per-day".into(),
                title: w.chart_travellers.into(),
                summary: w.chart_travellers_summary(self.lang, &values),
                labels: labels.clone(),
                y_label: w.travellers.into(),
                series: vec![ChartSeries {
                    label: w.travellers.into(),
                    values,
                }],
                reference: None,
                style: ChartStyle::Columns,
                percent: false,
            }));
            sources.push("kpi_throughput_hourly");
        }
        if self.visible("kpi_clearance_daily_rollup") && self.request.covers("immigration") {
            let busiest = self
                .query(&format!(
                    "SELECT port FROM kpi_clearance_daily_rollup WHERE {} GROUP BY port \
                     ORDER BY sum(travellers) DESC, port LIMIT {CHART_PORTS}",
                    self.scope("local_date")
                ))
                .await?;
            let busiest: Vec<String> = busiest.iter().map(|r| r[0].text()).collect();
            let rows = if busiest.is_empty() {
                Vec::new()
            } else {
                self.query(&format!(
                    "SELECT port, local_date, clearance_p90 FROM kpi_clearance_daily_rollup \
                     WHERE {} AND port IN ({}) ORDER BY port, local_date",
                    self.request.period_sql("local_date"),
                    busiest
                        .iter()
                        .map(|p| format!("'{}'", p.replace('\'', "''")))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .await?
            };
            let series: Vec<ChartSeries> = busiest
                .iter()
                .map(|port| {
                    let of_port: Vec<Vec<Value>> = rows
                        .iter()
                        .filter(|r| &r[0].text() == port)
                        .map(|r| r[1..].to_vec())
                        .collect();
                    ChartSeries {
                        label: port.clone(),
                        values: self.daily(&of_port, 1),
                    }
                })
                .collect();
            let target = self
                .one(&format!(
                    "SELECT min(clearance_p90_target_minutes) FROM mou_targets WHERE {}",
                    self.ports_sql("port")
                ))
                .await?
                .first()
                .and_then(Value::f64);
            blocks.push(Block::Chart(Chart {
                id: "p90-per-day".into(),
                title: w.chart_p90.into(),
                summary: w.chart_p90_summary(self.lang, &series, target),
                labels: labels.clone(),
                y_label: w.minutes_axis.into(),
                series,
                reference: target.map(|t| (w.target_line(self.lang, t), t)),
                style: ChartStyle::Lines,
                percent: false,
            }));
            let rows = self
                .query(&format!(
                    "SELECT local_date, sum(bottleneck_hours) FROM kpi_clearance_daily_rollup \
                     WHERE {} GROUP BY local_date ORDER BY local_date",
                    self.scope("local_date")
                ))
                .await?;
            let values = self.daily(&rows, 1);
            blocks.push(Block::Chart(Chart {
                id: "bottleneck-hours-per-day".into(),
                title: w.chart_bottleneck_hours.into(),
                summary: w.chart_hours_summary(self.lang, &values),
                labels: labels.clone(),
                y_label: w.hours_axis.into(),
                series: vec![ChartSeries {
                    label: w.bottleneck_hours.into(),
                    values,
                }],
                reference: None,
                style: ChartStyle::Columns,
                percent: false,
            }));
            sources.push("kpi_clearance_daily_rollup");
        }
        if self.visible("kpi_service_level_daily") && self.request.covers("immigration") {
            let rows = self
                .query(&format!(
                    "SELECT local_date, CAST(sum(within_target) AS DOUBLE) / sum(travellers), \
                     max(clearance_required_share) FROM kpi_service_level_daily \
                     WHERE {} AND travellers > 0 GROUP BY local_date ORDER BY local_date",
                    self.scope("local_date")
                ))
                .await?;
            let required = rows.iter().filter_map(|r| r[2].f64()).reduce(f64::max);
            let values = self.daily(&rows, 1);
            blocks.push(Block::Chart(Chart {
                id: "service-level-per-day".into(),
                title: w.chart_service_level.into(),
                summary: w.chart_share_summary(self.lang, &values, required),
                labels: labels.clone(),
                y_label: w.share_axis.into(),
                series: vec![ChartSeries {
                    label: w.all_ports_short.into(),
                    values,
                }],
                reference: required.map(|r| (w.required_line(self.lang, r), r)),
                style: ChartStyle::Lines,
                percent: true,
            }));
            sources.push("kpi_service_level_daily");
        }
        if self.visible("kpi_exchange_latency_daily")
            && self.request.covers_any(&["integration_bus"])
        {
            let routes = self
                .query(&format!(
                    "SELECT sender, receiver, kind FROM kpi_exchange_latency_daily WHERE {} \
                     AND {} GROUP BY sender, receiver, kind ORDER BY sum(messages) DESC, \
                     sender, receiver, kind LIMIT 6",
                    self.scope("local_date"),
                    self.exchange_agencies_sql()
                ))
                .await?;
            let rows = self
                .query(&format!(
                    "SELECT sender, receiver, kind, local_date, \
                     CAST(sum(within_target) AS DOUBLE) / sum(messages) \
                     FROM kpi_exchange_latency_daily WHERE {} AND {} AND messages > 0 \
                     GROUP BY sender, receiver, kind, local_date \
                     ORDER BY sender, receiver, kind, local_date",
                    self.scope("local_date"),
                    self.exchange_agencies_sql()
                ))
                .await?;
            let series: Vec<ChartSeries> = routes
                .iter()
                .map(|route| {
                    let of_route: Vec<Vec<Value>> = rows
                        .iter()
                        .filter(|r| r[..3] == route[..3])
                        .map(|r| r[3..].to_vec())
                        .collect();
                    ChartSeries {
                        label: format!(
                            "{} → {} {}",
                            self.lang.agency(&route[0].text()),
                            self.lang.agency(&route[1].text()),
                            w.message_kind(&route[2].text())
                        ),
                        values: self.daily(&of_route, 1),
                    }
                })
                .collect();
            blocks.push(Block::Chart(Chart {
                id: "exchange-within-target-per-day".into(),
                title: w.chart_exchange.into(),
                summary: w.chart_exchange_summary(self.lang, &series),
                labels,
                y_label: w.share_axis.into(),
                series,
                reference: None,
                style: ChartStyle::Lines,
                percent: true,
            }));
            sources.push("kpi_exchange_latency_daily");
        }
        if blocks.is_empty() {
            self.require(
                w.trends_title,
                &[
                    "kpi_throughput_hourly",
                    "kpi_clearance_daily_rollup",
                    "kpi_service_level_daily",
                ],
            );
            return Ok(());
        }
        self.push_section("trends", w.trends_title, w.trends_intro, &sources, blocks);
        Ok(())
    }

    async fn clearance(&mut self) -> Result<(), ReportError> {
        let w = self.w;
        if !self.request.covers("immigration") {
            return Ok(());
        }
        let section_number = self.next_number();
        let mut blocks = Vec::new();
        let mut sources = Vec::new();
        let lang = self.lang;
        let minutes = move |v: f64| lang.minutes_trimmed(v);
        if self.require(
            &self.view_title("kpi_clearance_daily_rollup"),
            &["kpi_clearance_daily_rollup"],
        ) {
            let totals = self
                .one(&format!(
                    "SELECT count(*), sum(CASE WHEN p90_met THEN 1 ELSE 0 END), \
                     max(clearance_p90), sum(travellers) FROM kpi_clearance_daily_rollup \
                     WHERE {} AND clearance_p90 IS NOT NULL",
                    self.scope("local_date")
                ))
                .await?;
            let (days, met, worst, travellers) = (
                totals[0].f64(),
                totals[1].f64(),
                totals[2].f64(),
                totals[3].f64(),
            );
            let target = self
                .per_port_target("clearance_p90_target_minutes", &minutes)
                .await?;
            self.summary.push((
                10,
                SummaryLine {
                    view: "kpi_clearance_daily_rollup".into(),
                    title: w.p90_line.into(),
                    target: w.p90_target(&target),
                    result: w.days_on_target(lang, met, days, w.port_days)
                        + &w.worst_day(&self.minutes(worst)),
                    verdict: Self::verdict(days, met),
                    figures: vec![
                        Self::figure("port_days", w.port_days, days, Kind::Count),
                        Self::figure("port_days_met", w.port_days_met, met, Kind::Count),
                        Self::figure(
                            "highest_daily_p90",
                            w.highest_daily_p90,
                            worst,
                            Kind::Decimal(1),
                        ),
                        Self::figure("travellers", w.travellers, travellers, Kind::Count),
                    ],
                    section: Some(section_number),
                },
            ));
            let rows = self
                .query(&format!(
                    "SELECT port, sum(travellers), count(*), \
                     sum(CASE WHEN p90_met THEN 1 ELSE 0 END), median(clearance_p90), \
                     max(clearance_p90), max(clearance_p90_target_minutes), \
                     sum(bottleneck_hours) FROM kpi_clearance_daily_rollup \
                     WHERE {} AND clearance_p90 IS NOT NULL GROUP BY port ORDER BY port",
                    self.scope("local_date")
                ))
                .await?;
            blocks.push(Block::Table(Table {
                key: "clearance_per_port".into(),
                caption: w.clearance_table.into(),
                columns: vec![
                    col(w.port, None, Kind::Text),
                    col(w.travellers, None, Kind::Count),
                    col(w.days_measured, None, Kind::Count),
                    col(w.days_on_target_col, None, Kind::Count),
                    col(w.median_daily_p90, Some(w.min_unit), Kind::Decimal(1)),
                    col(w.highest_daily_p90, Some(w.min_unit), Kind::Decimal(1)),
                    col(w.target, Some(w.min_unit), Kind::Decimal(1)),
                    col(w.bottleneck_hours, Some(w.hours_unit), Kind::Count),
                ],
                rows: rows
                    .iter()
                    .map(|r| {
                        let mut cells = vec![Cell::Text(self.port_label(&r[0].text()))];
                        cells.extend(r[1..].iter().map(number));
                        cells
                    })
                    .collect(),
                empty: w.no_rows.into(),
            }));
            sources.push("kpi_clearance_daily_rollup");
        }
        if self.visible("kpi_clearance_weekly_rollup") {
            let whole_weeks_end = self.request.last - chrono::Days::new(6);
            let condition = format!(
                "{} AND week_start >= DATE '{}' AND week_start <= DATE '{}'",
                self.ports_sql("port"),
                self.request.first,
                whole_weeks_end
            );
            let totals = self
                .one(&format!(
                    "SELECT count(*), sum(CASE WHEN bottleneck_hours_met THEN 1 ELSE 0 END), \
                     sum(bottleneck_hours) FROM kpi_clearance_weekly_rollup WHERE {condition} \
                     AND travellers > 0"
                ))
                .await?;
            let (weeks, met, hours) = (totals[0].f64(), totals[1].f64(), totals[2].f64());
            let allowance = self
                .per_port_target("max_bottleneck_hours_week", &|v| lang.hours(v))
                .await?;
            self.summary.push((
                20,
                SummaryLine {
                    view: "kpi_clearance_weekly_rollup".into(),
                    title: w.weekly_bottleneck_line.into(),
                    target: w.weekly_allowance(&allowance),
                    result: if weeks.unwrap_or(0.0) > 0.0 {
                        w.days_on_target(lang, met, weeks, w.port_weeks)
                    } else {
                        w.no_whole_week.to_string()
                    },
                    verdict: Self::verdict(weeks, met),
                    figures: vec![
                        Self::figure("port_weeks", w.port_weeks, weeks, Kind::Count),
                        Self::figure("port_weeks_met", w.port_weeks_met, met, Kind::Count),
                        Self::figure("bottleneck_hours", w.bottleneck_hours, hours, Kind::Count),
                    ],
                    section: Some(section_number),
                },
            ));
            let rows = self
                .query(&format!(
                    "SELECT port, week_start, travellers, clearance_p90, \
                     clearance_p90_target_minutes, p90_met, bottleneck_hours, \
                     max_bottleneck_hours_week, bottleneck_hours_met \
                     FROM kpi_clearance_weekly_rollup WHERE {condition} AND travellers > 0 \
                     ORDER BY port, week_start"
                ))
                .await?;
            blocks.push(Block::Table(Table {
                key: "clearance_per_week".into(),
                caption: w.weekly_table.into(),
                columns: vec![
                    col(w.port, None, Kind::Text),
                    col(w.week_from, None, Kind::Date),
                    col(w.travellers, None, Kind::Count),
                    col(w.p90, Some(w.min_unit), Kind::Decimal(1)),
                    col(w.target, Some(w.min_unit), Kind::Decimal(1)),
                    col(w.p90_verdict, None, Kind::Verdict),
                    col(w.bottleneck_hours, Some(w.hours_unit), Kind::Count),
                    col(w.allowed, Some(w.hours_unit), Kind::Count),
                    col(w.hours_verdict, None, Kind::Verdict),
                ],
                rows: rows
                    .iter()
                    .map(|r| {
                        vec![
                            Cell::Text(r[0].text()),
                            r[1].date().map_or(Cell::Empty, Cell::Date),
                            number(&r[2]),
                            number(&r[3]),
                            number(&r[4]),
                            verdict_cell(&r[5]),
                            number(&r[6]),
                            number(&r[7]),
                            verdict_cell(&r[8]),
                        ]
                    })
                    .collect(),
                empty: w.no_whole_week.into(),
            }));
            sources.push("kpi_clearance_weekly_rollup");
        }
        if self.visible("kpi_service_level_daily") {
            let totals = self
                .one(&format!(
                    "SELECT count(*), sum(CASE WHEN met THEN 1 ELSE 0 END), \
                     CAST(sum(within_target) AS DOUBLE) / sum(travellers), \
                     max(clearance_required_share), max(clearance_target_minutes) \
                     FROM kpi_service_level_daily WHERE {} AND travellers > 0",
                    self.scope("local_date")
                ))
                .await?;
            let (days, met, share) = (totals[0].f64(), totals[1].f64(), totals[2].f64());
            let required = totals[3].f64();
            let within = totals[4].f64();
            self.summary.push((
                30,
                SummaryLine {
                    view: "kpi_service_level_daily".into(),
                    title: w.service_level_line.into(),
                    target: w.service_target(lang, required, within),
                    result: w.days_on_target(lang, met, days, w.port_days)
                        + &w.period_share(&self.percent(share)),
                    verdict: Self::verdict(days, met),
                    figures: vec![
                        Self::figure("port_days", w.port_days, days, Kind::Count),
                        Self::figure("port_days_met", w.port_days_met, met, Kind::Count),
                        Self::figure("share_within_target", w.share_within, share, Kind::Share),
                    ],
                    section: Some(section_number),
                },
            ));
            let rows = self
                .query(&format!(
                    "SELECT port, sum(travellers), sum(within_target), \
                     CAST(sum(within_target) AS DOUBLE) / sum(travellers), \
                     max(clearance_required_share), count(*), \
                     sum(CASE WHEN met THEN 1 ELSE 0 END) FROM kpi_service_level_daily \
                     WHERE {} AND travellers > 0 GROUP BY port ORDER BY port",
                    self.scope("local_date")
                ))
                .await?;
            blocks.push(Block::Table(Table {
                key: "service_level_per_port".into(),
                caption: w.service_level_table.into(),
                columns: vec![
                    col(w.port, None, Kind::Text),
                    col(w.travellers, None, Kind::Count),
                    col(w.within_target, None, Kind::Count),
                    col(w.share_within, None, Kind::Share),
                    col(w.required_share, None, Kind::Share),
                    col(w.days_measured, None, Kind::Count),
                    col(w.days_on_target_col, None, Kind::Count),
                ],
                rows: rows
                    .iter()
                    .map(|r| {
                        let mut cells = vec![Cell::Text(self.port_label(&r[0].text()))];
                        cells.extend(r[1..].iter().map(number));
                        cells
                    })
                    .collect(),
                empty: w.no_rows.into(),
            }));
            sources.push("kpi_service_level_daily");
        }
        if self.visible("kpi_throughput_hourly") {
            let totals = self
                .one(&format!(
                    "SELECT sum(travellers_processed), sum(travellers_cleared), \
                     max(travellers_processed) FROM kpi_throughput_hourly WHERE {}",
                    self.scope("local_date")
                ))
                .await?;
            let (processed, cleared, busiest) = (totals[0].f64(), totals[1].f64(), totals[2].f64());
            self.summary.push((
                40,
                SummaryLine {
                    view: "kpi_throughput_hourly".into(),
                    title: w.throughput_line.into(),
                    target: w.no_target.into(),
                    result: w.throughput_result(
                        &self.count(processed),
                        &self.count(cleared),
                        &self.count(busiest),
                    ),
                    verdict: if processed.is_some() {
                        Verdict::NoTarget
                    } else {
                        Verdict::NoData
                    },
                    figures: vec![
                        Self::figure("travellers_processed", w.processed, processed, Kind::Count),
                        Self::figure("travellers_cleared", w.cleared, cleared, Kind::Count),
                        Self::figure("busiest_hour", w.busiest_hour, busiest, Kind::Count),
                    ],
                    section: self
                        .sections
                        .iter()
                        .find(|s| s.key == "trends")
                        .map(|s| s.number),
                },
            ));
        }
        if blocks.is_empty() {
            return Ok(());
        }
        self.push_section(
            "clearance",
            w.clearance_title,
            w.clearance_intro,
            &sources,
            blocks,
        );
        Ok(())
    }

    async fn bottleneck_episodes(&mut self) -> Result<(), ReportError> {
        let w = self.w;
        if !self.request.covers("immigration")
            || !self.require(
                &self.view_title("kpi_bottleneck_episodes"),
                &["kpi_bottleneck_episodes"],
            )
        {
            return Ok(());
        }
        let lang = self.lang;
        let condition = format!(
            "{} AND {}",
            self.request
                .period_sql("CAST(split_part(local_start, ' ', 1) AS DATE)"),
            self.ports_sql("port")
        );
        let section_number = self.next_number();
        let totals = self
            .one(&format!(
                "SELECT count(*), sum(hours), max(hours) FROM kpi_bottleneck_episodes \
                 WHERE {condition} AND terminal IS NULL"
            ))
            .await?;
        let (episodes, hours, longest) = (totals[0].f64(), totals[1].f64(), totals[2].f64());
        let threshold = self
            .one(&format!(
                "SELECT min(wait_threshold_minutes), min(max_share_over_threshold) \
                 FROM mou_targets WHERE {}",
                self.ports_sql("port")
            ))
            .await?;
        self.summary.push((
            25,
            SummaryLine {
                view: "kpi_bottleneck_episodes".into(),
                title: w.episodes_line.into(),
                target: w.episode_rule(lang, threshold[0].f64(), threshold[1].f64()),
                result: w.episodes_result(lang, episodes, hours, longest),
                verdict: if episodes.is_some() {
                    Verdict::NoTarget
                } else {
                    Verdict::NoData
                },
                figures: vec![
                    Self::figure("episodes", w.episodes, episodes, Kind::Count),
                    Self::figure("episode_hours", w.bottleneck_hours, hours, Kind::Decimal(0)),
                    Self::figure(
                        "longest_episode_hours",
                        w.longest,
                        longest,
                        Kind::Decimal(0),
                    ),
                ],
                section: Some(section_number),
            },
        ));
        let per_port = self
            .query(&format!(
                "SELECT port, sum(CASE WHEN terminal IS NULL THEN 1 ELSE 0 END), \
                 sum(CASE WHEN terminal IS NULL THEN hours ELSE 0 END), \
                 max(CASE WHEN terminal IS NULL THEN hours END), \
                 sum(CASE WHEN terminal IS NULL THEN 0 ELSE 1 END) \
                 FROM kpi_bottleneck_episodes WHERE {condition} GROUP BY port ORDER BY port"
            ))
            .await?;
        let list = self
            .query(&format!(
                "SELECT port, local_start, local_end, zone_label, hours, source \
                 FROM kpi_bottleneck_episodes WHERE {condition} AND terminal IS NULL \
                 ORDER BY port, episode_start"
            ))
            .await?;
        let blocks = vec![
            Block::Table(Table {
                key: "episodes_per_port".into(),
                caption: w.episodes_per_port.into(),
                columns: vec![
                    col(w.port, None, Kind::Text),
                    col(w.episodes, None, Kind::Count),
                    col(w.bottleneck_hours, Some(w.hours_unit), Kind::Count),
                    col(w.longest, Some(w.hours_unit), Kind::Count),
                    col(w.terminal_episodes, None, Kind::Count),
                ],
                rows: per_port
                    .iter()
                    .map(|r| {
                        let mut cells = vec![Cell::Text(self.port_label(&r[0].text()))];
                        cells.extend(r[1..].iter().map(number));
                        cells
                    })
                    .collect(),
                empty: w.no_episodes.into(),
            }),
            Block::Table(Table {
                key: "episodes".into(),
                caption: w.episodes_list.into(),
                columns: vec![
                    col(w.port, None, Kind::Text),
                    col(w.local_start, None, Kind::Text),
                    col(w.local_end, None, Kind::Text),
                    col(w.zone, None, Kind::Text),
                    col(w.length, Some(w.hours_unit), Kind::Count),
                    col(w.counted_from, None, Kind::Text),
                ],
                rows: list
                    .iter()
                    .map(|r| {
                        vec![
                            Cell::Text(r[0].text()),
                            Cell::Text(r[1].text()),
                            Cell::Text(r[2].text()),
                            Cell::Text(r[3].text()),
                            number(&r[4]),
                            Cell::Text(w.source_kind(&r[5].text()).to_string()),
                        ]
                    })
                    .collect(),
                empty: w.no_episodes.into(),
            }),
        ];
        self.push_section(
            "episodes",
            w.episodes_title,
            w.episodes_intro,
            &["kpi_bottleneck_episodes"],
            blocks,
        );
        Ok(())
    }

    async fn service_level_by_agency(&mut self) -> Result<(), ReportError> {
        let w = self.w;
        let view = "kpi_service_level_by_agency_daily";
        if !self.request.covers_any(&["immigration", "customs"])
            || !self.require(&self.view_title(view), &[view])
        {
            return Ok(());
        }
        let lang = self.lang;
        let section_number = self.next_number();
        // Immigration's rows are kpi_service_level_daily's, shown with clearance time.
        let immigration_shown = self.sections.iter().any(|s| {
            s.key == "clearance" && s.sources.iter().any(|v| v == "kpi_service_level_daily")
        });
        let agencies = if immigration_shown {
            self.agencies_sql("agency", &["customs"])
        } else {
            self.agencies_sql("agency", &["immigration", "customs"])
        };
        if self.request.covers("customs") {
            let totals = self
                .one(&format!(
                    "SELECT count(*), sum(CASE WHEN met THEN 1 ELSE 0 END), \
                     CAST(sum(within_target) AS DOUBLE) / sum(measured), max(required_share), \
                     max(target_minutes) FROM {view} WHERE {} AND agency = 'customs' \
                     AND measured > 0",
                    self.scope("local_date")
                ))
                .await?;
            let (days, met, share) = (totals[0].f64(), totals[1].f64(), totals[2].f64());
            let release = self
                .per_port_target("customs_release_target_minutes", &|v| {
                    lang.minutes_trimmed(v)
                })
                .await?;
            self.summary.push((
                35,
                SummaryLine {
                    view: view.into(),
                    title: w.customs_service_line.into(),
                    target: w.customs_target(lang, totals[3].f64(), &release),
                    result: w.days_on_target(lang, met, days, w.port_days)
                        + &w.period_share(&self.percent(share)),
                    verdict: Self::verdict(days, met),
                    figures: vec![
                        Self::figure("port_days", w.port_days, days, Kind::Count),
                        Self::figure("port_days_met", w.port_days_met, met, Kind::Count),
                        Self::figure("share_within_target", w.share_within, share, Kind::Share),
                    ],
                    section: Some(section_number),
                },
            ));
        }
        let rows = self
            .query(&format!(
                "SELECT agency, port, sum(measured), sum(within_target), \
                 CAST(sum(within_target) AS DOUBLE) / sum(measured), max(target_minutes), \
                 max(required_share), count(*), sum(CASE WHEN met THEN 1 ELSE 0 END) \
                 FROM {view} WHERE {} AND {agencies} AND measured > 0 \
                 GROUP BY agency, port ORDER BY agency, port",
                self.scope("local_date")
            ))
            .await?;
        let table = Table {
            key: "service_level_per_agency".into(),
            caption: w.service_by_agency_table.into(),
            columns: vec![
                col(w.agency, None, Kind::Text),
                col(w.port, None, Kind::Text),
                col(w.measured, None, Kind::Count),
                col(w.within_target, None, Kind::Count),
                col(w.share_within, None, Kind::Share),
                col(w.target, Some(w.min_unit), Kind::Decimal(0)),
                col(w.required_share, None, Kind::Share),
                col(w.days_measured, None, Kind::Count),
                col(w.days_on_target_col, None, Kind::Count),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    let mut cells = vec![
                        Cell::Text(lang.agency(&r[0].text())),
                        Cell::Text(r[1].text()),
                    ];
                    cells.extend(r[2..].iter().map(number));
                    cells
                })
                .collect(),
            empty: w.no_rows.into(),
        };
        let mut blocks = Vec::new();
        if immigration_shown {
            blocks.push(Block::Paragraph(w.immigration_in_clearance.to_string()));
        }
        blocks.push(Block::Table(table));
        self.push_section(
            "service_level",
            w.service_title,
            w.service_intro,
            &[view],
            blocks,
        );
        Ok(())
    }

    async fn stage_attribution(&mut self) -> Result<(), ReportError> {
        let w = self.w;
        let view = "kpi_stage_attribution_daily";
        if !self
            .request
            .covers_any(&["authority", "immigration", "customs"])
            || !self.require(&self.view_title(view), &[view])
        {
            return Ok(());
        }
        let lang = self.lang;
        let section_number = self.next_number();
        let totals = self
            .one(&format!(
                "SELECT sum(flights), sum(flights_attributed), \
                 sum(CASE WHEN longer_stage = 'immigration' THEN 1 ELSE 0 END), \
                 sum(CASE WHEN longer_stage = 'customs' THEN 1 ELSE 0 END) FROM {view} WHERE {}",
                self.scope("local_date")
            ))
            .await?;
        let (flights, attributed, imm_days, cus_days) = (
            totals[0].f64(),
            totals[1].f64(),
            totals[2].f64(),
            totals[3].f64(),
        );
        self.summary.push((
            50,
            SummaryLine {
                view: view.into(),
                title: w.stage_line.into(),
                target: w.no_target.into(),
                result: w.stage_result(lang, flights, attributed, imm_days, cus_days),
                verdict: if flights.is_some() {
                    Verdict::NoTarget
                } else {
                    Verdict::NoData
                },
                figures: vec![
                    Self::figure("flights", w.flights, flights, Kind::Count),
                    Self::figure("flights_attributed", w.attributed, attributed, Kind::Count),
                    Self::figure(
                        "days_immigration_longer",
                        w.days_immigration_longer,
                        imm_days,
                        Kind::Count,
                    ),
                    Self::figure(
                        "days_customs_longer",
                        w.days_customs_longer,
                        cus_days,
                        Kind::Count,
                    ),
                ],
                section: Some(section_number),
            },
        ));
        let rows = self
            .query(&format!(
                "SELECT port, count(*), sum(flights), sum(flights_attributed), \
                 median(immigration_minutes_p50), median(customs_minutes_p50), \
                 median(door_to_door_minutes_p50), median(immigration_share_p50), \
                 sum(CASE WHEN longer_stage = 'immigration' THEN 1 ELSE 0 END), \
                 sum(CASE WHEN longer_stage = 'customs' THEN 1 ELSE 0 END) \
                 FROM {view} WHERE {} GROUP BY port ORDER BY port",
                self.scope("local_date")
            ))
            .await?;
        let chart = Chart {
            id: "stages-per-port".into(),
            title: w.chart_stages.into(),
            summary: w.chart_stages_summary(lang, rows.len()),
            labels: rows.iter().map(|r| r[0].text()).collect(),
            y_label: w.minutes_axis.into(),
            series: vec![
                ChartSeries {
                    label: lang.agency("immigration"),
                    values: rows.iter().map(|r| r[4].f64()).collect(),
                },
                ChartSeries {
                    label: lang.agency("customs"),
                    values: rows.iter().map(|r| r[5].f64()).collect(),
                },
            ],
            reference: None,
            style: ChartStyle::StackedBars,
            percent: false,
        };
        let table = Table {
            key: "stage_attribution".into(),
            caption: w.stage_table.into(),
            columns: vec![
                col(w.port, None, Kind::Text),
                col(w.days, None, Kind::Count),
                col(w.flights, None, Kind::Count),
                col(w.attributed, None, Kind::Count),
                col(w.immigration_minutes, Some(w.min_unit), Kind::Decimal(1)),
                col(w.customs_minutes, Some(w.min_unit), Kind::Decimal(1)),
                col(w.door_to_door, Some(w.min_unit), Kind::Decimal(1)),
                col(w.immigration_share, None, Kind::Share),
                col(w.days_immigration_longer, None, Kind::Count),
                col(w.days_customs_longer, None, Kind::Count),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    let mut cells = vec![Cell::Text(self.port_label(&r[0].text()))];
                    cells.extend(r[1..].iter().map(number));
                    cells
                })
                .collect(),
            empty: w.no_rows.into(),
        };
        let mut blocks = Vec::new();
        if !rows.is_empty() {
            blocks.push(Block::Chart(chart));
        }
        blocks.push(Block::Table(table));
        self.push_section("stages", w.stage_title, w.stage_intro, &[view], blocks);
        Ok(())
    }

    async fn enforcement(&mut self) -> Result<(), ReportError> {
        let w = self.w;
        let lang = self.lang;
        let covered: Vec<&str> = ENFORCEMENT_DATASETS
            .iter()
            .map(|(agency, _)| *agency)
            .filter(|a| self.request.covers(a))
            .collect();
        if covered.is_empty() {
            return Ok(());
        }
        let exact_view = "kpi_enforcement_counts_daily";
        let public_view = "kpi_enforcement_public_daily";
        // Per agency: exact counts with detail rights on its dataset, else the public view.
        let exact: Vec<&str> = covered
            .iter()
            .copied()
            .filter(|agency| {
                self.visible(exact_view)
                    && ENFORCEMENT_DATASETS
                        .iter()
                        .any(|(a, dataset)| a == agency && self.session.detail_rights(dataset))
            })
            .collect();
        let public: Vec<&str> = covered
            .iter()
            .copied()
            .filter(|a| !exact.contains(a))
            .collect();
        if !public.is_empty() && !self.visible(public_view) {
            if exact.is_empty() {
                self.require(w.enforcement_title, &[exact_view, public_view]);
                return Ok(());
            }
            self.left_out.push(LeftOut {
                title: format!(
                    "{} ({})",
                    w.enforcement_title,
                    public
                        .iter()
                        .map(|a| lang.agency(a))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                reason: self
                    .session
                    .visibility()
                    .absent
                    .get(public_view)
                    .cloned()
                    .unwrap_or_else(|| "not shared".into()),
            });
        }
        let section_number = self.next_number();
        let list = |agencies: &[&str]| {
            if agencies.is_empty() {
                "FALSE".to_string()
            } else {
                format!(
                    "agency IN ({})",
                    agencies
                        .iter()
                        .map(|a| format!("'{a}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        };
        let public_ok = self.visible(public_view);
        // (port, agency, measure, category) -> (shown, hidden) from both views.
        let mut counts: BTreeMap<CountKey, (i64, i64)> = BTreeMap::new();
        if !exact.is_empty() {
            for row in self
                .query(&format!(
                    "SELECT port, agency, measure, category, sum(\"count\") FROM {exact_view} \
                     WHERE {} AND {} GROUP BY port, agency, measure, category",
                    self.scope("local_date"),
                    list(&exact)
                ))
                .await?
            {
                counts.insert(
                    (row[0].text(), row[1].text(), row[2].text(), row[3].text()),
                    (row[4].i64().unwrap_or(0), 0),
                );
            }
        }
        let public_agencies: Vec<&str> = if public_ok {
            public.clone()
        } else {
            Vec::new()
        };
        if !public_agencies.is_empty() {
            for row in self
                .query(&format!(
                    "SELECT port, agency, measure, category, \
                     sum(CASE WHEN suppressed IS NULL THEN TRY_CAST(count_shown AS BIGINT) ELSE 0 END), \
                     sum(CASE WHEN suppressed IS NULL THEN 0 ELSE 1 END) FROM {public_view} \
                     WHERE {} AND {} GROUP BY port, agency, measure, category",
                    self.scope("local_date"),
                    list(&public_agencies)
                ))
                .await?
            {
                counts.insert(
                    (row[0].text(), row[1].text(), row[2].text(), row[3].text()),
                    (row[4].i64().unwrap_or(0), row[5].i64().unwrap_or(0)),
                );
            }
        }
        let shown_agencies: BTreeSet<&str> = exact
            .iter()
            .chain(public_agencies.iter())
            .copied()
            .collect();
        let measures: Vec<(&str, &str)> = MEASURES
            .iter()
            .copied()
            .filter(|(agency, _)| shown_agencies.contains(agency))
            .collect();
        // Travellers per port over the period, for rates per 10,000: each port-day once.
        let travellers_view = if exact.is_empty() {
            public_view
        } else {
            exact_view
        };
        let travellers: BTreeMap<String, f64> = self
            .query(&format!(
                "SELECT port, sum(travellers) FROM (SELECT port, local_date, \
                 max(travellers) AS travellers FROM {travellers_view} WHERE {} \
                 GROUP BY port, local_date) GROUP BY port",
                self.scope("local_date")
            ))
            .await?
            .into_iter()
            .filter_map(|r| Some((r[0].text(), r[1].f64()?)))
            .collect();
        let all_travellers: f64 = travellers.values().sum();
        let cell = |(shown, hidden): (i64, i64)| {
            if hidden > 0 {
                Cell::AtLeast(shown + hidden)
            } else {
                Cell::Number(shown as f64)
            }
        };
        let total = |filter: &dyn Fn(&CountKey) -> bool| {
            counts
                .iter()
                .filter(|(k, _)| filter(k))
                .fold((0, 0), |acc, (_, v)| (acc.0 + v.0, acc.1 + v.1))
        };
        // Per port: one column per measure, the 'all' rows.
        let mut columns = vec![
            col(w.port, None, Kind::Text),
            col(w.travellers, None, Kind::Count),
        ];
        columns.extend(
            measures
                .iter()
                .map(|(_, measure)| col(&capitalized(w.measure(measure)), None, Kind::Count)),
        );
        let per_port_rows: Vec<Vec<Cell>> = self
            .ports
            .iter()
            .filter(|p| travellers.contains_key(&p.code))
            .map(|p| {
                let mut cells = vec![
                    Cell::Text(p.code.clone()),
                    travellers
                        .get(&p.code)
                        .map_or(Cell::Empty, |t| Cell::Number(*t)),
                ];
                cells.extend(measures.iter().map(|(agency, measure)| {
                    cell(total(&|k| {
                        k.0 == p.code && k.1 == *agency && k.2 == *measure && k.3 == "all"
                    }))
                }));
                cells
            })
            .collect();
        // Per measure, all ports: with the rate per 10,000 travellers when exact.
        let mut figures = Vec::new();
        let mut result_parts = Vec::new();
        let mut per_measure_rows = Vec::new();
        for (agency, measure) in &measures {
            let (shown, hidden) = total(&|k| k.1 == *agency && k.2 == *measure && k.3 == "all");
            let rate = (hidden == 0 && all_travellers > 0.0)
                .then(|| shown as f64 * 10_000.0 / all_travellers);
            per_measure_rows.push(vec![
                Cell::Text(lang.agency(agency)),
                Cell::Text(capitalized(w.measure(measure))),
                cell((shown, hidden)),
                rate.map_or(Cell::Empty, Cell::Number),
                Cell::Text(if exact.contains(agency) {
                    w.exact.to_string()
                } else {
                    w.small_counts_withheld.to_string()
                }),
            ]);
            figures.push(Self::figure(
                measure_key(measure),
                w.measure(measure),
                Some((shown + hidden) as f64),
                Kind::Count,
            ));
            result_parts.push(format!(
                "{} {}{}",
                w.measure(measure),
                if hidden > 0 { "≥ " } else { "" },
                lang.count(shown + hidden)
            ));
        }
        let mut category_rows = Vec::new();
        for ((port_agency, measure, category), value) in
            counts.iter().filter(|(k, _)| k.3 != "all").fold(
                BTreeMap::new(),
                |mut acc: BTreeMap<(String, String, String), (i64, i64)>, (k, v)| {
                    let entry = acc
                        .entry((k.1.clone(), k.2.clone(), k.3.clone()))
                        .or_insert((0, 0));
                    entry.0 += v.0;
                    entry.1 += v.1;
                    acc
                },
            )
        {
            category_rows.push(vec![
                Cell::Text(lang.agency(&port_agency)),
                Cell::Text(capitalized(w.measure(&measure))),
                Cell::Text(w.category(&category)),
                cell(value),
            ]);
        }
        let mut sources = Vec::new();
        if !exact.is_empty() {
            sources.push(exact_view);
        }
        if !public_agencies.is_empty() {
            sources.push(public_view);
        }
        self.summary.push((
            60,
            SummaryLine {
                view: sources.first().copied().unwrap_or(public_view).into(),
                title: w.enforcement_line.into(),
                target: w.no_target.into(),
                result: result_parts.join(", "),
                verdict: if counts.is_empty() {
                    Verdict::NoData
                } else {
                    Verdict::NoTarget
                },
                figures,
                section: Some(section_number),
            },
        ));
        let blocks = vec![
            Block::Paragraph(if public_agencies.is_empty() {
                w.enforcement_exact_note.to_string()
            } else {
                w.enforcement_public_note.to_string()
            }),
            Block::Table(Table {
                key: "enforcement_per_measure".into(),
                caption: w.enforcement_per_measure.into(),
                columns: vec![
                    col(w.agency, None, Kind::Text),
                    col(w.measure_col, None, Kind::Text),
                    col(w.cases, None, Kind::Count),
                    col(w.per_10k, None, Kind::Decimal(2)),
                    col(w.detail, None, Kind::Text),
                ],
                rows: per_measure_rows,
                empty: w.no_rows.into(),
            }),
            Block::Table(Table {
                key: "enforcement_per_port".into(),
                caption: w.enforcement_per_port.into(),
                columns,
                rows: per_port_rows,
                empty: w.no_rows.into(),
            }),
            Block::Table(Table {
                key: "enforcement_by_category".into(),
                caption: w.enforcement_by_category.into(),
                columns: vec![
                    col(w.agency, None, Kind::Text),
                    col(w.measure_col, None, Kind::Text),
                    col(w.category_col, None, Kind::Text),
                    col(w.cases, None, Kind::Count),
                ],
                rows: category_rows,
                empty: w.no_rows.into(),
            }),
        ];
        self.push_section(
            "enforcement",
            w.enforcement_title,
            w.enforcement_intro,
            &sources,
            blocks,
        );
        Ok(())
    }

    async fn customs_seizures(&mut self) -> Result<(), ReportError> {
        let w = self.w;
        let view = "kpi_customs_seizures_daily";
        if !self.request.covers("customs") || !self.require(&self.view_title(view), &[view]) {
            return Ok(());
        }
        if !self.session.detail_rights("customs_inspections") {
            self.left_out.push(LeftOut {
                title: self.view_title(view),
                reason: w.needs_detail_rights.to_string(),
            });
            return Ok(());
        }
        let lang = self.lang;
        let section_number = self.next_number();
        let totals = self
            .one(&format!(
                "SELECT sum(seizures), sum(goods_value_idr) FROM {view} WHERE {}",
                self.scope("local_date")
            ))
            .await?;
        self.summary.push((
            65,
            SummaryLine {
                view: view.into(),
                title: w.seizures_line.into(),
                target: w.no_target.into(),
                result: w.seizures_result(lang, totals[0].f64(), totals[1].f64()),
                verdict: if totals[0].is_null() {
                    Verdict::NoData
                } else {
                    Verdict::NoTarget
                },
                figures: vec![
                    Self::figure("seizures", w.seizures, totals[0].f64(), Kind::Count),
                    Self::figure(
                        "goods_value_idr",
                        w.goods_value,
                        totals[1].f64(),
                        Kind::Money,
                    ),
                ],
                section: Some(section_number),
            },
        ));
        let rows = self
            .query(&format!(
                "SELECT seizure_category, sum(seizures), sum(seizures_valued), \
                 sum(goods_value_idr) FROM {view} WHERE {} GROUP BY seizure_category \
                 ORDER BY seizure_category",
                self.scope("local_date")
            ))
            .await?;
        let table = Table {
            key: "customs_seizures".into(),
            caption: w.seizures_table.into(),
            columns: vec![
                col(w.category_col, None, Kind::Text),
                col(w.seizures, None, Kind::Count),
                col(w.valued, None, Kind::Count),
                col(w.goods_value, Some("IDR"), Kind::Money),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        Cell::Text(w.category(&r[0].text())),
                        number(&r[1]),
                        number(&r[2]),
                        number(&r[3]),
                    ]
                })
                .collect(),
            empty: w.no_rows.into(),
        };
        self.push_section(
            "customs_seizures",
            w.seizures_title,
            w.seizures_intro,
            &[view],
            vec![Block::Table(table)],
        );
        Ok(())
    }

    async fn i247(&mut self) -> Result<(), ReportError> {
        let w = self.w;
        let view = "kpi_i247_health_daily";
        if !self.request.covers("immigration") || !self.require(&self.view_title(view), &[view]) {
            return Ok(());
        }
        let lang = self.lang;
        let section_number = self.next_number();
        let totals = self
            .one(&format!(
                "SELECT sum(checks), CAST(sum(checks_ok) AS DOUBLE) / sum(checks), \
                 sum(timeouts), sum(errors) FROM {view} WHERE {} AND checks > 0",
                self.scope("local_date")
            ))
            .await?;
        self.summary.push((
            70,
            SummaryLine {
                view: view.into(),
                title: w.i247_line.into(),
                target: w.no_target.into(),
                result: w.i247_result(lang, totals[0].f64(), totals[1].f64(), totals[2].f64()),
                verdict: if totals[0].is_null() {
                    Verdict::NoData
                } else {
                    Verdict::NoTarget
                },
                figures: vec![
                    Self::figure("checks", w.checks, totals[0].f64(), Kind::Count),
                    Self::figure("share_ok", w.share_ok, totals[1].f64(), Kind::Share),
                    Self::figure("timeouts", w.timeouts, totals[2].f64(), Kind::Count),
                    Self::figure("errors", w.errors, totals[3].f64(), Kind::Count),
                ],
                section: Some(section_number),
            },
        ));
        let rows = self
            .query(&format!(
                "SELECT port, sum(checks), CAST(sum(checks_ok) AS DOUBLE) / sum(checks), \
                 median(response_p50_ms), max(response_p95_ms), sum(timeouts), sum(errors) \
                 FROM {view} WHERE {} AND checks > 0 GROUP BY port ORDER BY port",
                self.scope("local_date")
            ))
            .await?;
        let table = Table {
            key: "i247_health".into(),
            caption: w.i247_table.into(),
            columns: vec![
                col(w.port, None, Kind::Text),
                col(w.checks, None, Kind::Count),
                col(w.share_ok, None, Kind::Share),
                col(w.median_p50_ms, Some("ms"), Kind::Count),
                col(w.highest_p95_ms, Some("ms"), Kind::Count),
                col(w.timeouts, None, Kind::Count),
                col(w.errors, None, Kind::Count),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    let mut cells = vec![Cell::Text(self.port_label(&r[0].text()))];
                    cells.extend(r[1..].iter().map(number));
                    cells
                })
                .collect(),
            empty: w.no_rows.into(),
        };
        self.push_section(
            "i247",
            w.i247_title,
            w.i247_intro,
            &[view],
            vec![Block::Table(table)],
        );
        Ok(())
    }

    /// Messages between covered agencies: sent or received by one (all, when the
    /// integration bus itself is covered).
    fn exchange_agencies_sql(&self) -> String {
        if self.request.covers("integration_bus") {
            return "TRUE".to_string();
        }
        format!(
            "({} OR {})",
            self.agencies_sql("sender", &super::request::AGENCIES),
            self.agencies_sql("receiver", &super::request::AGENCIES)
        )
    }

    async fn exchange(&mut self) -> Result<(), ReportError> {
        let w = self.w;
        let view = "kpi_exchange_latency_daily";
        if !self.request.covers_any(&super::request::AGENCIES)
            || !self.require(&self.view_title(view), &[view])
        {
            return Ok(());
        }
        let lang = self.lang;
        let section_number = self.next_number();
        let condition = format!(
            "{} AND {}",
            self.scope("local_date"),
            self.exchange_agencies_sql()
        );
        let totals = self
            .one(&format!(
                "SELECT count(*), sum(CASE WHEN met THEN 1 ELSE 0 END), sum(messages), \
                 CAST(sum(within_target) AS DOUBLE) / sum(messages) FROM {view} \
                 WHERE {condition} AND messages > 0"
            ))
            .await?;
        let (days, met, messages, share) = (
            totals[0].f64(),
            totals[1].f64(),
            totals[2].f64(),
            totals[3].f64(),
        );
        self.summary.push((
            80,
            SummaryLine {
                view: view.into(),
                title: w.exchange_line.into(),
                target: w.exchange_target.into(),
                result: w.days_on_target(lang, met, days, w.route_days)
                    + &w.period_share(&self.percent(share)),
                verdict: Self::verdict(days, met),
                figures: vec![
                    Self::figure("route_days", w.route_days, days, Kind::Count),
                    Self::figure("route_days_met", w.route_days_met, met, Kind::Count),
                    Self::figure("messages", w.messages, messages, Kind::Count),
                    Self::figure("share_within_target", w.share_within, share, Kind::Share),
                ],
                section: Some(section_number),
            },
        ));
        let rows = self
            .query(&format!(
                "SELECT sender, receiver, kind, sum(messages), sum(messages_arrived), \
                 CAST(sum(within_target) AS DOUBLE) / sum(messages), \
                 max(latency_target_minutes), max(required_share), \
                 sum(share_failed * messages) / sum(messages), \
                 sum(share_manual * messages) / sum(messages), max(latency_p95_minutes), \
                 count(*), sum(CASE WHEN met THEN 1 ELSE 0 END) FROM {view} \
                 WHERE {condition} AND messages > 0 GROUP BY sender, receiver, kind \
                 ORDER BY sender, receiver, kind"
            ))
            .await?;
        let table = Table {
            key: "exchange_latency".into(),
            caption: w.exchange_table.into(),
            columns: vec![
                col(w.sender, None, Kind::Text),
                col(w.receiver, None, Kind::Text),
                col(w.kind, None, Kind::Text),
                col(w.messages, None, Kind::Count),
                col(w.arrived, None, Kind::Count),
                col(w.share_within, None, Kind::Share),
                col(w.target, Some(w.min_unit), Kind::Decimal(0)),
                col(w.required_share, None, Kind::Share),
                col(w.share_failed, None, Kind::Share),
                col(w.share_manual, None, Kind::Share),
                col(w.highest_daily_p95, Some(w.min_unit), Kind::Decimal(1)),
                col(w.days_measured, None, Kind::Count),
                col(w.days_on_target_col, None, Kind::Count),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    let mut cells = vec![
                        Cell::Text(lang.agency(&r[0].text())),
                        Cell::Text(lang.agency(&r[1].text())),
                        Cell::Text(w.message_kind(&r[2].text()).to_string()),
                    ];
                    cells.extend(r[3..].iter().map(number));
                    cells
                })
                .collect(),
            empty: w.no_rows.into(),
        };
        self.push_section(
            "exchange",
            w.exchange_title,
            w.exchange_intro,
            &[view],
            vec![Block::Table(table)],
        );
        Ok(())
    }

    async fn joint_operations(&mut self) -> Result<(), ReportError> {
        let w = self.w;
        let view = "kpi_joint_operation_impact";
        if !self.request.covers_any(&[
            "police",
            "immigration",
            "customs",
            "quarantine",
            "authority",
        ]) || !self.require(&self.view_title(view), &[view])
        {
            return Ok(());
        }
        let lang = self.lang;
        let section_number = self.next_number();
        let agencies = if self.request.agencies.is_empty() {
            "TRUE".to_string()
        } else {
            format!(
                "({})",
                self.request
                    .agencies
                    .iter()
                    .map(|a| format!("agencies LIKE '%{a}%'"))
                    .collect::<Vec<_>>()
                    .join(" OR ")
            )
        };
        let condition = format!("{} AND {agencies}", self.scope("local_date"));
        let totals = self
            .one(&format!(
                "SELECT count(*), sum(lane_hours_lost), \
                 sum(CASE WHEN change_per_hour < 0 THEN 1 ELSE 0 END) FROM {view} WHERE {condition}"
            ))
            .await?;
        let operations = totals[0].f64();
        self.summary.push((
            90,
            SummaryLine {
                view: view.into(),
                title: w.joint_line.into(),
                target: w.no_target.into(),
                result: w.joint_result(lang, operations, totals[1].f64(), totals[2].f64()),
                verdict: if operations.unwrap_or(0.0) > 0.0 {
                    Verdict::NoTarget
                } else {
                    Verdict::NoData
                },
                figures: vec![
                    Self::figure("operations", w.operations, operations, Kind::Count),
                    Self::figure(
                        "lane_hours_lost",
                        w.lane_hours_lost,
                        totals[1].f64(),
                        Kind::Decimal(1),
                    ),
                    Self::figure(
                        "operations_below_baseline",
                        w.below_baseline,
                        totals[2].f64(),
                        Kind::Count,
                    ),
                ],
                section: Some(section_number),
            },
        ));
        let rows = self
            .query(&format!(
                "SELECT port, terminal, name, agencies, local_start, local_end, zone_label, \
                 duration_minutes, lanes_halted, lane_hours_lost, cleared_per_hour, \
                 baseline_cleared_per_hour, change_share FROM {view} WHERE {condition} \
                 ORDER BY started_at, port"
            ))
            .await?;
        let table = Table {
            key: "joint_operations".into(),
            caption: w.joint_table.into(),
            columns: vec![
                col(w.port, None, Kind::Text),
                col(w.operation, None, Kind::Text),
                col(w.agencies_col, None, Kind::Text),
                col(w.local_start, None, Kind::Text),
                col(w.local_end, None, Kind::Text),
                col(w.duration, Some(w.min_unit), Kind::Count),
                col(w.lanes, None, Kind::Count),
                col(w.lane_hours_lost, Some(w.hours_unit), Kind::Decimal(1)),
                col(w.cleared_per_hour, None, Kind::Decimal(1)),
                col(w.baseline_per_hour, None, Kind::Decimal(1)),
                col(w.change, None, Kind::Share),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    let place = if r[1].is_null() {
                        r[0].text()
                    } else {
                        format!("{} {}", r[0].text(), r[1].text())
                    };
                    let agencies = r[3]
                        .text()
                        .split(',')
                        .map(|a| lang.agency(a))
                        .collect::<Vec<_>>()
                        .join(", ");
                    vec![
                        Cell::Text(place),
                        Cell::Text(r[2].text()),
                        Cell::Text(agencies),
                        Cell::Text(format!("{} {}", r[4].text(), r[6].text())),
                        Cell::Text(r[5].text()),
                        number(&r[7]),
                        number(&r[8]),
                        number(&r[9]),
                        number(&r[10]),
                        number(&r[11]),
                        number(&r[12]),
                    ]
                })
                .collect(),
            empty: w.no_operations.into(),
        };
        self.push_section(
            "joint",
            w.joint_title,
            w.joint_intro,
            &[view],
            vec![Block::Table(table)],
        );
        Ok(())
    }

    async fn feed_health(&mut self) -> Result<(), ReportError> {
        let w = self.w;
        let view = "kpi_feed_health";
        if !self.require(&self.view_title(view), &[view]) {
            return Ok(());
        }
        let lang = self.lang;
        let section_number = self.next_number();
        let agencies = self.agencies_sql("agency", &super::request::AGENCIES);
        let condition = format!("{} AND {agencies}", self.ports_sql("port"));
        let totals = self
            .one(&format!(
                "SELECT sum(files), sum(files_late), sum(nights_missing), sum(rows_in), \
                 sum(rows_rejected) FROM {view} WHERE {condition}"
            ))
            .await?;
        let (files, late, missing, rows_in, rejected) = (
            totals[0].f64(),
            totals[1].f64(),
            totals[2].f64(),
            totals[3].f64(),
            totals[4].f64(),
        );
        let clean = late == Some(0.0) && missing == Some(0.0) && rejected == Some(0.0);
        self.summary.push((
            95,
            SummaryLine {
                view: view.into(),
                title: w.feed_line.into(),
                target: w.feed_target.into(),
                result: w.feed_result(lang, files, late, missing, rejected, rows_in),
                verdict: match files {
                    None => Verdict::NoData,
                    Some(_) if clean => Verdict::Met,
                    Some(_) => Verdict::Missed,
                },
                figures: vec![
                    Self::figure("files", w.files, files, Kind::Count),
                    Self::figure("files_late", w.files_late, late, Kind::Count),
                    Self::figure("nights_missing", w.nights_missing, missing, Kind::Count),
                    Self::figure("rows_in", w.rows_in, rows_in, Kind::Count),
                    Self::figure("rows_rejected", w.rows_rejected, rejected, Kind::Count),
                ],
                section: Some(section_number),
            },
        ));
        let per_agency = self
            .query(&format!(
                "SELECT agency, count(*), min(last_night_delivered), sum(files), \
                 sum(files_late), sum(nights_missing), sum(rows_in), sum(rows_rejected) \
                 FROM {view} WHERE {condition} GROUP BY agency ORDER BY agency"
            ))
            .await?;
        let problems = self
            .query(&format!(
                "SELECT agency, port, last_night_delivered, nights_delivered, nights_missing, \
                 files_late, rows_rejected, rejected_share FROM {view} WHERE {condition} \
                 AND (files_late > 0 OR nights_missing > 0 OR rows_rejected > 0) \
                 ORDER BY agency, port"
            ))
            .await?;
        let mut blocks = vec![
            Block::Paragraph(w.feed_note.to_string()),
            Block::Table(Table {
                key: "feed_health_per_agency".into(),
                caption: w.feed_per_agency.into(),
                columns: vec![
                    col(w.agency, None, Kind::Text),
                    col(w.ports_col, None, Kind::Count),
                    col(w.earliest_last_night, None, Kind::Date),
                    col(w.files, None, Kind::Count),
                    col(w.files_late, None, Kind::Count),
                    col(w.nights_missing, None, Kind::Count),
                    col(w.rows_in, None, Kind::Count),
                    col(w.rows_rejected, None, Kind::Count),
                ],
                rows: per_agency
                    .iter()
                    .map(|r| {
                        let mut cells = vec![Cell::Text(lang.agency(&r[0].text())), number(&r[1])];
                        cells.push(r[2].date().map_or(Cell::Empty, Cell::Date));
                        cells.extend(r[3..].iter().map(number));
                        cells
                    })
                    .collect(),
                empty: w.no_rows.into(),
            }),
            Block::Table(Table {
                key: "feed_health_problems".into(),
                caption: w.feed_problems.into(),
                columns: vec![
                    col(w.agency, None, Kind::Text),
                    col(w.port, None, Kind::Text),
                    col(w.last_night, None, Kind::Date),
                    col(w.nights_delivered, None, Kind::Count),
                    col(w.nights_missing, None, Kind::Count),
                    col(w.files_late, None, Kind::Count),
                    col(w.rows_rejected, None, Kind::Count),
                    col(w.rejected_share, None, Kind::Share),
                ],
                rows: problems
                    .iter()
                    .map(|r| {
                        vec![
                            Cell::Text(lang.agency(&r[0].text())),
                            Cell::Text(r[1].text()),
                            r[2].date().map_or(Cell::Empty, Cell::Date),
                            number(&r[3]),
                            number(&r[4]),
                            number(&r[5]),
                            number(&r[6]),
                            number(&r[7]),
                        ]
                    })
                    .collect(),
                empty: w.no_feed_problems.into(),
            }),
        ];
        let mut sources = vec![view];
        if self.visible("kpi_feed_rejects") {
            let rejects = self
                .query(&format!(
                    "SELECT agency, reason, sum(rows_rejected), sum(files), min(example) \
                     FROM kpi_feed_rejects WHERE {condition} GROUP BY agency, reason \
                     ORDER BY agency, reason"
                ))
                .await?;
            blocks.push(Block::Table(Table {
                key: "rejects_by_reason".into(),
                caption: w.rejects_table.into(),
                columns: vec![
                    col(w.agency, None, Kind::Text),
                    col(w.reason, None, Kind::Text),
                    col(w.rows_rejected, None, Kind::Count),
                    col(w.files, None, Kind::Count),
                    col(w.example, None, Kind::Text),
                ],
                rows: rejects
                    .iter()
                    .map(|r| {
                        vec![
                            Cell::Text(lang.agency(&r[0].text())),
                            Cell::Text(r[1].text()),
                            number(&r[2]),
                            number(&r[3]),
                            Cell::Text(shorten(&r[4].text(), 180)),
                        ]
                    })
                    .collect(),
                empty: w.no_rejects.into(),
            }));
            sources.push("kpi_feed_rejects");
        } else {
            self.require(&self.view_title("kpi_feed_rejects"), &["kpi_feed_rejects"]);
        }
        if self.visible("quality_findings") {
            let findings = self
                .query(&format!(
                    "SELECT r.agency, q.check_name, count(*), min(q.message) \
                     FROM quality_findings q JOIN (SELECT DISTINCT feed, agency FROM ingest_runs) r \
                     ON q.feed = r.feed WHERE {} GROUP BY r.agency, q.check_name \
                     ORDER BY r.agency, q.check_name",
                    self.agencies_sql("r.agency", &super::request::AGENCIES)
                ))
                .await?;
            blocks.push(Block::Table(Table {
                key: "quality_findings".into(),
                caption: w.findings_table.into(),
                columns: vec![
                    col(w.agency, None, Kind::Text),
                    col(w.check, None, Kind::Text),
                    col(w.findings, None, Kind::Count),
                    col(w.example, None, Kind::Text),
                ],
                rows: findings
                    .iter()
                    .map(|r| {
                        vec![
                            Cell::Text(lang.agency(&r[0].text())),
                            Cell::Text(r[1].text()),
                            number(&r[2]),
                            Cell::Text(shorten(&r[3].text(), 180)),
                        ]
                    })
                    .collect(),
                empty: w.no_findings.into(),
            }));
            sources.push("quality_findings");
        }
        self.push_section("feeds", w.feed_title, w.feed_intro, &sources, blocks);
        Ok(())
    }

    async fn national_arrivals(&mut self) -> Result<(), ReportError> {
        let w = self.w;
        let view = "kpi_national_arrivals";
        if !self.request.covers("statistics_indonesia") || !self.visible(view) {
            return Ok(());
        }
        let lang = self.lang;
        let first_month = self.request.first.with_day(1).unwrap_or(self.request.first);
        let scope = if self.request.ports.is_empty() {
            "scope = 'national'".to_string()
        } else {
            self.ports_sql("port")
        };
        let totals = self
            .one(&format!(
                "SELECT sum(arrivals), count(*) FROM {view} WHERE {scope} AND \
                 month_start BETWEEN DATE '{first_month}' AND DATE '{}'",
                self.request.last
            ))
            .await?;
        let arrivals = totals[0].f64();
        self.summary.push((
            99,
            SummaryLine {
                view: view.into(),
                title: w.arrivals_line.into(),
                target: w.no_target.into(),
                result: match arrivals {
                    Some(a) => w.arrivals_result(lang, a),
                    None => w.arrivals_none.to_string(),
                },
                verdict: if arrivals.is_some() {
                    Verdict::NoTarget
                } else {
                    Verdict::NoData
                },
                figures: vec![Self::figure("arrivals", w.arrivals, arrivals, Kind::Count)],
                section: None,
            },
        ));
        Ok(())
    }

    /// The lake, targets, policies and definitions the report rests on, and its
    /// fingerprint.
    async fn provenance(
        &self,
        warehouse: &Warehouse,
    ) -> Result<(Provenance, Fingerprint), ReportError> {
        let runs_answer = self
            .session
            .sql(
                "SELECT run_id, version, to_char(max(finished_at), '%Y-%m-%d %H:%M UTC'), \
                 count(*), sum(rows_landed), sum(rows_rejected) FROM ingest_runs \
                 GROUP BY run_id, version ORDER BY version, run_id",
            )
            .await?;
        let runs: Vec<IngestRun> = rows(&runs_answer.batches)?
            .into_iter()
            .map(|r| IngestRun {
                run_id: r[0].text(),
                version: r[1].i64().unwrap_or(0).max(0) as u64,
                finished_at: r[2].text(),
                files: r[3].i64().unwrap_or(0).max(0) as u64,
                rows_landed: r[4].i64().unwrap_or(0).max(0) as u64,
                rows_rejected: r[5].i64().unwrap_or(0).max(0) as u64,
            })
            .collect();
        let files = self
            .session
            .sql(
                "SELECT version, run_id, source_file, feed, sha256, rows_in, rows_landed, \
                 rows_rejected FROM ingest_runs ORDER BY version, run_id, source_file",
            )
            .await?;
        let lake_version = warehouse.data_version();
        let data = format!(
            "lake version {lake_version}\n{}",
            canonical_rows(&files.batches)?
        );
        let targets = self
            .session
            .sql("SELECT * FROM mou_targets ORDER BY port")
            .await?;
        let exchange = self
            .session
            .sql("SELECT * FROM mou_exchange_targets ORDER BY sender, receiver, kind")
            .await?;
        let warehouse_targets = warehouse.targets();
        let targets_text = format!(
            "version {}\n{}{}",
            warehouse_targets.version,
            canonical_rows(&targets.batches)?,
            canonical_rows(&exchange.batches)?
        );
        let policies = warehouse
            .policies()
            .map(|p| p.versions())
            .unwrap_or_default();
        let principal = self.session.principal();
        let visibility = self.session.visibility();
        let mut access = format!(
            "agency {}\nroles {}\npolicies {policies}\n",
            principal.agency,
            principal.roles_text()
        );
        for (name, seen) in &visibility.objects {
            let seen = match seen {
                Seen::Full => "full".to_string(),
                Seen::Records(grants) => format!("records {}", grants.join(",")),
                Seen::Aggregate(grant) => format!("aggregate {grant}"),
                Seen::GrantedView(grants) => format!("granted view {}", grants.join(",")),
                Seen::DerivedView => "derived view".to_string(),
                Seen::Audit => "audit".to_string(),
            };
            access.push_str(&format!("{name} {seen}\n"));
        }
        for (name, reason) in &visibility.absent {
            access.push_str(&format!("absent {name} {reason}\n"));
        }
        let fingerprint = Fingerprint::of(&Inputs {
            views: warehouse.views(),
            targets: targets_text,
            data,
            request: self.request,
            access,
        });
        Ok((
            Provenance {
                lake_version,
                runs,
                targets_version: warehouse_targets.version.clone(),
                targets_source: warehouse_targets.source.clone(),
                targets_effective_from: warehouse_targets.effective_from.clone(),
                policies,
            },
            fingerprint,
        ))
    }
}

fn col(header: &str, unit: Option<&str>, kind: Kind) -> Column {
    Column {
        header: header.to_string(),
        unit: unit.map(str::to_string),
        kind,
    }
}

/// A numeric cell from a query value (empty for NULL).
fn number(value: &Value) -> Cell {
    value.f64().map_or(Cell::Empty, Cell::Number)
}

fn verdict_cell(value: &Value) -> Cell {
    match value.bool() {
        Some(true) => Cell::Verdict(Verdict::Met),
        Some(false) => Cell::Verdict(Verdict::Missed),
        None => Cell::Verdict(Verdict::NoData),
    }
}

/// The summary figure key of an enforcement measure.
fn measure_key(measure: &str) -> &'static str {
    match measure {
        "refusal" => "refusals",
        "detention" => "detentions",
        "notice_hit" => "notice_hits",
        "secondary_referral" => "secondary_referrals",
        "seizure" => "seizures",
        "isolation" => "isolations",
        "referral" => "quarantine_referrals",
        "incident" => "incidents",
        _ => "other",
    }
}

/// Text cut to at most `max` characters, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// The text with its first letter in upper case, for headers and first cells.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
