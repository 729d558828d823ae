//! The overview for the weekly meeting (`/`): one tile per Indonesian entry point for the
//! last seven local days (or the dates chosen), held against its MoU targets and set beside
//! the days before, ports that missed a target first, and a chart of hourly clearance at
//! the busiest ports. A tile has Immigration's clearance and bottleneck hours, and the
//! other agencies' headlines ([`crate::headlines`]): enforcement as the public may see it,
//! I-24/7 check health, and data-exchange latency against the MoU.
//!
//! Clearance percentiles are read from the rollups' histograms, so that every port's
//! fortnight is thousands of rows rather than millions, and the page says so.
//!
//! The same page serves the meeting room: `?mode=meeting` drops the forms, enlarges the
//! type for a projector and reloads itself, and printing it gives one A4 page, where the
//! tiles give way to one compact table (see the print rules in `gerbang.css`).

use chrono::NaiveDate;
use leptos::prelude::*;

use crate::charts::{HOURLY, LineChart, Reference, SMALL, Series, line_chart_svg};
use crate::data::{self, BenchmarkPort, HourlyValue, NotShared, Period, PortWeek, Source, Viewer};
use crate::error::Result;
use crate::filters::{Filters, OVERVIEW_PARAMS};
use crate::headlines::{self, Enforcement, Exchange, Headlines, Interpol, Unshared};
use crate::i18n::Lang;
use crate::layout::{
    ChartFigure, FilterForm, LegendEntry, PageContext, chart_figure, document, filter_form,
    legend_list, national_ports, not_shared_notice, p90_target_text, selection_summary, verdict,
    verdict_or, weekly_hours_target_text,
};

/// How many of the busiest ports the overview chart draws: more lines are not readable.
const CHART_PORTS: usize = 4;

/// The commands the empty overview suggests.
const INGEST_COMMAND: &str = "gerbang ingest --inbox <folder> --lake <lake>";
const DEMO_COMMAND: &str = "gerbang demo";

/// Renders the overview page.
pub async fn overview_page(
    viewer: &Viewer,
    context: &PageContext,
    filters: &Filters,
) -> Result<String> {
    let lang = context.lang;
    let benchmarks = data::benchmark_ports(viewer).await?;
    let last = match data::shared(data::latest_crossing_date(viewer).await)? {
        Ok(Some(last)) => last,
        Ok(None) => return Ok(empty_overview(context, benchmarks)),
        Err(not_shared) => return Ok(not_shared_overview(context, &not_shared, benchmarks)),
    };
    let period = filters.period(last);
    let only = filters.port.as_deref();
    let (weeks, mut headlines) = tokio::try_join!(
        async { data::shared(data::port_weeks(viewer, &period, only, filters).await) },
        headlines::headlines(viewer, &period, only),
    )?;
    let weeks = match weeks {
        Ok(weeks) => weeks,
        Err(not_shared) => return Ok(not_shared_overview(context, &not_shared, benchmarks)),
    };
    let unshared = headlines.unshared.clone();
    let mut tiles: Vec<PortTile> = weeks
        .into_iter()
        .map(|week| PortTile {
            headlines: headlines.by_port.remove(&week.port).unwrap_or_default(),
            week,
        })
        .collect();
    tiles.sort_by(|a, b| {
        b.missed_targets()
            .cmp(&a.missed_targets())
            .then(b.week.travellers.cmp(&a.week.travellers))
            .then(a.week.port.cmp(&b.week.port))
    });
    let (active, quiet): (Vec<PortTile>, Vec<PortTile>) =
        tiles.into_iter().partition(|t| t.week.travellers > 0);

    let mut busiest: Vec<&PortWeek> = active.iter().map(|t| &t.week).collect();
    busiest.sort_by(|a, b| b.travellers.cmp(&a.travellers).then(a.port.cmp(&b.port)));
    busiest.truncate(CHART_PORTS);
    let codes: Vec<&str> = busiest.iter().map(|w| w.port.as_str()).collect();
    let hourly = data::shared(
        data::hourly_clearance_p90(viewer, &period, &codes, filters, Source::Histograms).await,
    )?;
    let charts = match &hourly {
        Ok(hourly) => Ok(busiest_charts(lang, &period, &busiest, hourly)?),
        Err(not_shared) => Err(not_shared.clone()),
    };

    let labels = lang.labels();
    let targets_version = active
        .first()
        .map(|t| t.week.targets_version.clone())
        .unwrap_or_else(|| context.targets_version.clone());
    let missed = active.iter().filter(|t| t.missed_targets() > 0).count();
    let exchange_target = lang.exchange_target(
        viewer.targets().exchange.required_share,
        viewer.targets().exchange.latency_target_minutes,
    );
    let period_line = format!(
        "{}: {} · {} v{}",
        labels.period,
        lang.date_range(period.first, period.last),
        labels.mou_targets,
        targets_version
    );
    // A port's page opens on the same dates and travellers.
    let port_filters = Filters {
        from: filters.from,
        to: filters.to,
        lane: filters.lane,
        citizenship: filters.citizenship,
        direction: filters.direction,
        ..Filters::default()
    }
    .canonical();
    let port_link = |code: &str| context.link_with(&format!("/port/{code}"), &port_filters);
    let tile_views = active
        .iter()
        .map(|t| {
            let link = port_link(&t.week.port);
            tile(lang, &period, t, (&exchange_target, &unshared), link)
        })
        .collect_view();
    let summary_table = summary_table(lang, &period, &active);
    let quiet_list = (!quiet.is_empty() && !context.meeting).then(|| {
        let items = quiet
            .iter()
            .map(|t| &t.week)
            .map(|w| {
                view! {
                    <li>
                        <a href=port_link(&w.port)>{format!("{} ({})", w.name, w.port)}</a>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="quiet-title" class="screen-only">
                <h2 id="quiet-title">{labels.no_crossings_in_period}</h2>
                <ul class="port-list">{items}</ul>
            </section>
        }
    });
    let chart = match charts {
        Err(not_shared) => Some(
            view! {
                <section aria-labelledby="chart-title" class="overview-charts">
                    <h2 id="chart-title">{labels.chart_overview_title}</h2>
                    {not_shared_notice(lang, &not_shared)}
                </section>
            }
            .into_any(),
        ),
        Ok(charts) if charts.is_empty() => None,
        Ok(charts) => Some(overview_charts(lang, charts)),
    };
    let selection =
        selection_summary(lang, filters).map(|text| view! { <p class="selection">{text}</p> });
    let grain_note = filters.beyond_bottleneck_grain().then(|| {
        view! {
            <p class="note">{labels.bottleneck_grain_note}</p>
            <p class="note">{labels.other_agencies_grain_note}</p>
        }
    });
    let controls = meeting_controls(context, filters, &period, national_ports(viewer.ports()));
    let main = view! {
        <h1>{labels.overview_title}</h1>
        <p class="period">{period_line}</p>
        {selection}
        {controls}
        <p class="lead">{labels.overview_intro}</p>
        <p class="attention-summary">{lang.attention_summary(missed, active.len())}</p>
        {grain_note}
        <section aria-labelledby="tiles-title" class="overview-tiles">
            <h2 id="tiles-title">{labels.entry_points}</h2>
            <ul class="tiles">{tile_views}</ul>
            <p class="note screen-only">{labels.tiles_explainer}</p>
            <p class="note">{labels.rollup_caption}</p>
        </section>
        {summary_table}
        {chart}
        {quiet_list}
        {(!context.meeting).then(|| benchmark_section(context, benchmarks))}
    }
    .into_any();
    Ok(document(context, labels.overview_title, main))
}

/// The small multiples of hourly clearance at the busiest ports.
fn overview_charts(lang: Lang, charts: Vec<(String, ChartFigure)>) -> AnyView {
    let labels = lang.labels();
    let panels = charts
        .into_iter()
        .map(|(heading, figure)| {
            view! {
                <li>
                    <h3>{heading}</h3>
                    {chart_figure(figure)}
                </li>
            }
        })
        .collect_view();
    let legend = vec![
        LegendEntry {
            label: labels.chart_port_title.into(),
            colour: Some(0),
        },
        LegendEntry {
            label: labels.mou_target_line.into(),
            colour: None,
        },
    ];
    view! {
        <section aria-labelledby="chart-title" class="overview-charts">
            <h2 id="chart-title">{labels.chart_overview_title}</h2>
            {legend_list(legend)}
            <ul class="small-multiples">{panels}</ul>
            <p class="note">{labels.rollup_caption}</p>
        </section>
    }
    .into_any()
}

/// The overview of a user whose agency may not see the entry points' figures: the notice
/// where the tiles would be, and the benchmarks.
fn not_shared_overview(
    context: &PageContext,
    not_shared: &NotShared,
    benchmarks: Vec<BenchmarkPort>,
) -> String {
    let labels = context.lang.labels();
    let main = view! {
        <h1>{labels.overview_title}</h1>
        <p class="lead">{labels.overview_intro}</p>
        <section aria-labelledby="tiles-title" class="overview-tiles">
            <h2 id="tiles-title">{labels.entry_points}</h2>
            {not_shared_notice(context.lang, not_shared)}
        </section>
        {benchmark_section(context, benchmarks)}
    }
    .into_any();
    document(context, labels.overview_title, main)
}

/// The filter form and the way into meeting mode, or in meeting mode the way out.
fn meeting_controls(
    context: &PageContext,
    filters: &Filters,
    period: &Period,
    ports: Vec<(String, String)>,
) -> AnyView {
    let labels = context.lang.labels();
    let mut without_mode = filters.clone();
    without_mode.meeting = false;
    if context.meeting {
        return view! {
            <p class="meeting-exit screen-only">
                <a href=context.link_with("/", &without_mode.canonical())>
                    {labels.leave_meeting_mode}
                </a>
            </p>
        }
        .into_any();
    }
    let meeting = Filters {
        meeting: true,
        ..without_mode.clone()
    };
    let form = filter_form(
        context,
        FilterForm {
            params: OVERVIEW_PARAMS,
            filters: without_mode,
            period: Some(*period),
            ports,
            terminals: Vec::new(),
        },
    );
    view! {
        {form}
        <p class="meeting-enter screen-only">
            <a href=context.link_with("/", &meeting.canonical())>{labels.meeting_mode}</a>
            {format!(" — {}. {}", labels.meeting_mode_hint, labels.print_hint)}
        </p>
    }
    .into_any()
}

/// One port's tiles figures: its clearance week and the other agencies' headlines.
#[derive(Debug, Clone)]
struct PortTile {
    week: PortWeek,
    headlines: Headlines,
}

impl PortTile {
    /// Whether data exchange at the port met its MoU target over the period.
    fn exchange_met(&self) -> Option<bool> {
        self.headlines.exchange.current.and_then(|e| e.met())
    }

    /// How many of the port's targets were missed: the order of the overview.
    fn missed_targets(&self) -> usize {
        self.week.missed_targets() + usize::from(self.exchange_met() == Some(false))
    }
}

/// One port's tile: its targets, each met or missed in colour, mark and words, its
/// figures without a target saying so, and how each figure moved since the days before.
fn tile(
    lang: Lang,
    period: &Period,
    port: &PortTile,
    (exchange_target, unshared): (&str, &Unshared),
    link: String,
) -> AnyView {
    let labels = lang.labels();
    let week = &port.week;
    let days = period.days();
    let attention = port.missed_targets() > 0;
    let (class, status) = if attention {
        ("tile attention", format!("✗ {}", labels.needs_attention))
    } else {
        ("tile on-target", format!("✓ {}", labels.on_target))
    };
    let p90 = week
        .clearance_p90
        .map_or_else(|| labels.no_value.to_string(), |v| lang.minutes(v));
    let meta = format!(
        "{} · {} · {}",
        week.port,
        lang.port_kind(&week.kind),
        week.zone_label
    );
    let p90_class = figure_class(week.p90_met());
    let hours_class = figure_class(week.bottlenecks_met());
    let previous = week.previous.as_ref();
    let travellers_change =
        WeekChange::of_travellers(lang, week.travellers, previous.map(|p| p.travellers));
    let p90_change = WeekChange::of(
        week.clearance_p90
            .zip(previous.and_then(|p| p.clearance_p90))
            .map(|(now, before)| now - before),
        1,
        |minutes| lang.minutes(minutes),
    );
    let hours_change = WeekChange::of(
        previous.map(|p| week.bottleneck_hours - p.bottleneck_hours),
        1,
        |hours| lang.hours(hours),
    );
    view! {
        <li class=class>
            <h3>
                <a href=link>{week.name.clone()}</a>
            </h3>
            <p class="tile-meta">{meta}</p>
            <p class="tile-status">{status}</p>
            <dl>
                <div class="figure count">
                    <dt>{labels.travellers}</dt>
                    <dd class="value">{lang.count(week.travellers)}</dd>
                    {change_line(lang, days, travellers_change, Rise::Neutral)}
                </div>
                <div class=p90_class>
                    <dt>{labels.clearance_p90}</dt>
                    <dd class="value">{p90}</dd>
                    {change_line(lang, days, p90_change, Rise::Worse)}
                    <dd>
                        {verdict(
                            lang,
                            week.p90_met(),
                            p90_target_text(lang, week.clearance_p90_target),
                        )}
                    </dd>
                </div>
                <div class=hours_class>
                    <dt>{labels.bottleneck_hours}</dt>
                    <dd class="value">{lang.hours(week.bottleneck_hours)}</dd>
                    {change_line(lang, days, hours_change, Rise::Worse)}
                    <dd>{bottleneck_verdict(lang, week)}</dd>
                </div>
                {match &unshared.enforcement {
                    Some(not_shared) => unshared_figure(lang, labels.enforcement_cases, not_shared),
                    None => enforcement_figure(lang, days, &port.headlines),
                }}
                {match &unshared.interpol {
                    Some(not_shared) => unshared_figure(lang, labels.i247_share_ok, not_shared),
                    None => interpol_figure(lang, days, &port.headlines),
                }}
                {match &unshared.exchange {
                    Some(not_shared) => unshared_figure(lang, labels.exchange_within, not_shared),
                    None => exchange_figure(lang, days, &port.headlines, exchange_target),
                }}
            </dl>
        </li>
    }
    .into_any()
}

/// A figure of a tile whose view the user's agency may not see: the notice instead of
/// its number.
fn unshared_figure(lang: Lang, label: &'static str, not_shared: &NotShared) -> AnyView {
    view! {
        <div class="figure not-shared">
            <dt>{label}</dt>
            <dd>{not_shared_notice(lang, not_shared)}</dd>
        </div>
    }
    .into_any()
}

/// The verdict of a figure the MoU sets no target for.
fn no_target(lang: Lang) -> AnyView {
    verdict_or(lang, None, String::new(), lang.labels().no_mou_target)
}

/// Enforcement cases as the public may see them: a total with hidden small counts is a
/// lower bound, marked `≥`, that says how many it holds, and is not compared with the days
/// before, since a change between two lower bounds means nothing.
fn enforcement_figure(lang: Lang, days: u64, headlines: &Headlines) -> AnyView {
    let labels = lang.labels();
    let figures = headlines.enforcement;
    let value = figures.current.map_or_else(
        || labels.no_value.to_string(),
        |e: Enforcement| lang.lower_bound(e.shown, e.hidden),
    );
    let hidden = figures
        .current
        .filter(|e| e.hidden > 0)
        .map(|e| view! { <dd class="figure-note">{lang.hidden_counts(e.hidden)}</dd> });
    let change = match (figures.current, figures.previous) {
        (Some(now), Some(before)) if now.hidden > 0 || before.hidden > 0 => WeekChange::NotCompared,
        (now, before) => WeekChange::of(
            now.zip(before)
                .map(|(now, before)| (now.shown - before.shown) as f64),
            0,
            |cases| lang.cases(cases.round() as i64),
        ),
    };
    view! {
        <div class="figure">
            <dt>{labels.enforcement_cases}</dt>
            <dd class="value">{value}</dd>
            {hidden}
            {change_line(lang, days, change, Rise::Neutral)}
            <dd>{no_target(lang)}</dd>
        </div>
    }
    .into_any()
}

/// The share of I-24/7 checks answered OK: the MoU sets no target for it.
fn interpol_figure(lang: Lang, days: u64, headlines: &Headlines) -> AnyView {
    let labels = lang.labels();
    let figures = headlines.interpol;
    let share = |i: Option<Interpol>| i.and_then(|i| i.share_ok());
    let value =
        share(figures.current).map_or_else(|| labels.no_value.to_string(), |s| lang.percent(s));
    let checks = figures.current.filter(|i| i.checks > 0).map(
        |i| view! { <dd class="figure-note detail">{lang.checks_line(i.checks, i.timeouts)}</dd> },
    );
    let change = WeekChange::of(
        share(figures.current)
            .zip(share(figures.previous))
            .map(|(now, before)| now - before),
        3,
        |points| lang.points(points),
    );
    view! {
        <div class="figure">
            <dt>{labels.i247_share_ok}</dt>
            <dd class="value">{value}</dd>
            {checks}
            {change_line(lang, days, change, Rise::Better)}
            <dd>{no_target(lang)}</dd>
        </div>
    }
    .into_any()
}

/// The share of messages between agency systems that arrived within their route's MoU
/// latency, met when every route met its MoU share.
fn exchange_figure(lang: Lang, days: u64, headlines: &Headlines, exchange_target: &str) -> AnyView {
    let labels = lang.labels();
    let figures = headlines.exchange;
    let share = |e: Option<Exchange>| e.and_then(|e| e.share_within());
    let met = figures.current.and_then(|e| e.met());
    let value =
        share(figures.current).map_or_else(|| labels.no_value.to_string(), |s| lang.percent(s));
    let routes = figures.current.filter(|e| e.messages > 0).map(|e| {
        view! {
            <dd class="figure-note detail">{lang.routes_line(e.routes_met, e.routes, e.messages)}</dd>
        }
    });
    let change = WeekChange::of(
        share(figures.current)
            .zip(share(figures.previous))
            .map(|(now, before)| now - before),
        3,
        |points| lang.points(points),
    );
    view! {
        <div class=figure_class(met)>
            <dt>{labels.exchange_within}</dt>
            <dd class="value">{value}</dd>
            {routes}
            {change_line(lang, days, change, Rise::Better)}
            <dd>{verdict(lang, met, exchange_target.to_string())}</dd>
        </div>
    }
    .into_any()
}

/// What a rise of a figure means for the port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rise {
    /// More travellers is neither good nor bad news.
    Neutral,
    /// A longer p90 or more bottleneck hours is worse.
    Worse,
    /// A larger share of checks answered or of messages in time is better.
    Better,
}

/// How one figure of a tile moved since the seven days before the period.
#[derive(Debug, Clone, PartialEq)]
enum WeekChange {
    NoDataLastWeek,
    /// Not compared: the two figures are lower bounds, whose difference means nothing.
    NotCompared,
    /// The change rounds to zero at the precision shown.
    Unchanged,
    /// Rose or fell by `amount`: the size of the change as shown, with its unit.
    Moved {
        rose: bool,
        amount: String,
    },
}

impl WeekChange {
    /// A change of `difference` shown with `decimals` digits by `amount`.
    fn of(difference: Option<f64>, decimals: i32, amount: impl Fn(f64) -> String) -> WeekChange {
        let Some(difference) = difference.filter(|d| d.is_finite()) else {
            return WeekChange::NoDataLastWeek;
        };
        if (difference * 10f64.powi(decimals)).round() == 0.0 {
            return WeekChange::Unchanged;
        }
        WeekChange::Moved {
            rose: difference > 0.0,
            amount: amount(difference.abs()),
        }
    }

    /// The change in travellers as a percentage of last week's: whole percents, with one
    /// decimal below 10% so that a small change does not read as none.
    fn of_travellers(lang: Lang, now: i64, before: Option<i64>) -> WeekChange {
        let percent = before
            .filter(|before| *before > 0)
            .map(|before| (now - before) as f64 / before as f64 * 100.0);
        let decimals = if percent.is_some_and(|p| p.abs() < 10.0) {
            1
        } else {
            0
        };
        WeekChange::of(percent, decimals, |p| {
            format!("{}%", lang.number_trimmed(p, decimals as usize))
        })
    }
}

/// Whether a port's bottleneck hours met the weekly allowance, or why they are not judged.
pub fn bottleneck_verdict(lang: Lang, week: &PortWeek) -> AnyView {
    let unknown = if week.weekly_allowance_applies {
        lang.labels().no_value
    } else {
        lang.labels().not_judged
    };
    verdict_or(
        lang,
        week.bottlenecks_met(),
        bottleneck_target_text(lang, week),
        unknown,
    )
}

/// The bottleneck target beside a port's hours: the weekly allowance, and why it does not
/// judge these hours when it does not.
pub fn bottleneck_target_text(lang: Lang, week: &PortWeek) -> String {
    let target = weekly_hours_target_text(lang, week.max_bottleneck_hours);
    if week.weekly_allowance_applies {
        target
    } else {
        format!("{target} ({})", lang.labels().weekly_target_only)
    }
}

/// The change from the days before under a figure: an arrow, the signed change in words
/// and, where a rise is bad news, whether the port got worse or better, so that neither
/// the arrow nor a colour has to be read alone.
fn change_line(lang: Lang, days: u64, change: WeekChange, rise: Rise) -> AnyView {
    let labels = lang.labels();
    let (class, mark, text, judgement) = match change {
        WeekChange::NoDataLastWeek => ("change", "–", lang.no_data_previous(days), None),
        WeekChange::NotCompared => ("change", "–", lang.not_compared_previous(days), None),
        WeekChange::Unchanged => ("change", "=", lang.no_change_previous(days), None),
        WeekChange::Moved { rose, amount } => {
            let (mark, sign) = if rose { ("▲", "+") } else { ("▼", "−") };
            let (class, judgement) = match (rise, rose) {
                (Rise::Neutral, _) => ("change", None),
                (Rise::Worse, true) => ("change worse", Some(labels.worse)),
                (Rise::Worse, false) => ("change better", Some(labels.better)),
                (Rise::Better, true) => ("change better", Some(labels.better)),
                (Rise::Better, false) => ("change worse", Some(labels.worse)),
            };
            let text = format!("{sign}{amount} {}", lang.since_previous(days));
            (class, mark, text, judgement)
        }
    };
    view! {
        <dd class=class>
            <span class="mark" aria-hidden="true">
                {mark}
            </span>
            " "
            <span class="change-text">{text}</span>
            {judgement
                .map(|word| {
                    view! {
                        " "
                        <span class="change-word">{format!("({word})")}</span>
                    }
                })}
        </dd>
    }
    .into_any()
}

/// Every port of the overview in one compact table, for print: the tiles' figures and
/// verdicts in rows, so that all the ports fit on one A4 page. The verdicts are marks with
/// a key, and the ports that need attention come first as on the screen.
fn summary_table(lang: Lang, period: &Period, ports: &[PortTile]) -> AnyView {
    let labels = lang.labels();
    let days = period.days();
    let rows = ports
        .iter()
        .map(|port| {
            let week = &port.week;
            let previous = week.previous.as_ref();
            let travellers_change = match WeekChange::of_travellers(
                lang,
                week.travellers,
                previous.map(|p| p.travellers),
            ) {
                WeekChange::Moved { rose, amount } => {
                    format!("{}{amount}", if rose { "+" } else { "−" })
                }
                WeekChange::Unchanged => "=".to_string(),
                WeekChange::NoDataLastWeek | WeekChange::NotCompared => "–".to_string(),
            };
            let headlines = &port.headlines;
            let enforcement = headlines.enforcement.current.map_or_else(
                || labels.no_value.to_string(),
                |e| lang.lower_bound(e.shown, e.hidden),
            );
            let interpol = headlines
                .interpol
                .current
                .and_then(|i| i.share_ok())
                .map_or_else(|| labels.no_value.to_string(), |s| lang.percent(s));
            let exchange_met = port.exchange_met();
            let exchange = headlines
                .exchange
                .current
                .and_then(|e| e.share_within())
                .map_or_else(
                    || labels.no_value.to_string(),
                    |s| {
                        let mark = match exchange_met {
                            Some(true) => "✓ ",
                            Some(false) => "✗ ",
                            None => "",
                        };
                        format!("{mark}{}", lang.percent(s))
                    },
                );
            // Figure and target in one cell, the verdict as a mark: the key says which is
            // which, and the row fits an A4 page.
            let judged = |met: Option<bool>, value: String, target: String| {
                let mark = match met {
                    Some(true) => "✓",
                    Some(false) => "✗",
                    None => "–",
                };
                format!("{mark} {value} (≤ {target})")
            };
            let p90 = judged(
                week.p90_met(),
                week.clearance_p90
                    .map_or_else(|| labels.no_value.to_string(), |v| lang.number(v, 1)),
                lang.number_trimmed(week.clearance_p90_target, 1),
            );
            let hours = judged(
                week.bottlenecks_met(),
                lang.number_trimmed(week.bottleneck_hours, 1),
                lang.count(week.max_bottleneck_hours),
            );
            view! {
                <tr>
                    <th scope="row">{format!("{} ({})", week.name, week.port)}</th>
                    <td class="num">{lang.count(week.travellers)}</td>
                    <td class="num">{travellers_change}</td>
                    <td class=figure_class(week.p90_met()).replace("figure", "verdict-cell num")>
                        {p90}
                    </td>
                    <td class=figure_class(week.bottlenecks_met()).replace("figure", "verdict-cell num")>
                        {hours}
                    </td>
                    <td class="num">{enforcement}</td>
                    <td class="num">{interpol}</td>
                    <td class=figure_class(exchange_met).replace("figure", "verdict-cell num")>
                        {exchange}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let caption = format!(
        "{}: {} · {}",
        labels.period,
        lang.date_range(period.first, period.last),
        labels.summary_key
    );
    let unit = |name: &str, unit: &str| format!("{name} ({unit})");
    view! {
        <section class="print-only summary-table" aria-labelledby="summary-title">
            <h2 id="summary-title">{labels.port_summary_table}</h2>
            <table>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{labels.entry_point}</th>
                        <th scope="col" class="num">{labels.travellers}</th>
                        <th scope="col" class="num">{format!("{} ({})", labels.change, lang.since_previous(days))}</th>
                        <th scope="col" class="num">{unit(labels.clearance_p90, labels.minutes_unit)}</th>
                        <th scope="col" class="num">{unit(labels.bottleneck_hours, labels.hours_unit)}</th>
                        <th scope="col" class="num">{labels.enforcement_cases}</th>
                        <th scope="col" class="num">{labels.i247_share_ok}</th>
                        <th scope="col" class="num">{labels.exchange_within}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
    .into_any()
}

/// The CSS class of a figure held to a target.
pub fn figure_class(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "figure met",
        Some(false) => "figure missed",
        None => "figure",
    }
}

/// One small chart per busiest port, on one shared scale, each with its port's target.
fn busiest_charts(
    lang: Lang,
    period: &Period,
    busiest: &[&PortWeek],
    hourly: &[HourlyValue],
) -> Result<Vec<(String, ChartFigure)>> {
    let labels = lang.labels();
    let y_max = hourly
        .iter()
        .map(|h| h.value)
        .chain(busiest.iter().map(|w| w.clearance_p90_target))
        .filter(|v| v.is_finite())
        .fold(10.0_f64, f64::max)
        * 1.1;
    busiest
        .iter()
        .map(|week| {
            let values: Vec<&HourlyValue> = hourly.iter().filter(|h| h.port == week.port).collect();
            let summary = format!(
                "{} {}",
                lang.chart_intro(
                    labels.clearance_p90,
                    period.first,
                    period.last,
                    &week.zone_label
                ),
                series_summary(lang, week, &values)
            );
            let svg = line_chart_svg(&LineChart {
                id: format!("chart-{}", week.port),
                day_labels: period
                    .dates()
                    .into_iter()
                    .map(|d| lang.date_tiny(d))
                    .collect(),
                x_description: format!("{} ({})", labels.axis_local_time, week.zone_label),
                y_description: labels.axis_p90_minutes.into(),
                series: vec![Series {
                    short_label: labels.p90.into(),
                    points: values
                        .iter()
                        .map(|h| (hour_position(period, h.local_date, h.local_hour), h.value))
                        .collect(),
                }],
                reference: Some(Reference {
                    short_label: p90_target_text(lang, week.clearance_p90_target),
                    value: week.clearance_p90_target,
                }),
                summary: summary.clone(),
                lang,
                size: SMALL,
                y_max: Some(y_max),
                join_within: HOURLY,
            })?;
            let heading = format!("{} – {}", week.port, week.name);
            Ok((
                heading,
                ChartFigure {
                    svg,
                    legend: Vec::new(),
                    summary,
                },
            ))
        })
        .collect()
}

/// Where an hour sits on a chart's x axis: hours since the start of the period.
pub fn hour_position(period: &Period, local_date: NaiveDate, local_hour: i32) -> i32 {
    let hours = period.day_index(local_date) * 24 + i64::from(local_hour);
    i32::try_from(hours).unwrap_or(i32::MAX)
}

/// One sentence about one port's line: its peak and how many hours were above target.
pub fn series_summary(lang: Lang, week: &PortWeek, values: &[&HourlyValue]) -> String {
    let Some(peak) = values.iter().max_by(|a, b| a.value.total_cmp(&b.value)) else {
        return format!("{}: {}.", week.port, lang.labels().no_value);
    };
    let moment = lang.local_moment(
        peak.local_date,
        u32::try_from(peak.local_hour).unwrap_or(0),
        0,
        &week.zone_label,
    );
    let above = values
        .iter()
        .filter(|v| v.value > week.clearance_p90_target)
        .count();
    format!(
        "{}; {}.",
        lang.series_peak(&week.port, &lang.minutes(peak.value), &moment),
        lang.hours_above(
            above,
            values.len(),
            &p90_target_text(lang, week.clearance_p90_target)
        )
    )
}

/// The overview of a lake without crossings: what to do, not an error.
fn empty_overview(context: &PageContext, benchmarks: Vec<BenchmarkPort>) -> String {
    let labels = context.lang.labels();
    let main = view! {
        <h1>{labels.overview_title}</h1>
        <section class="notice" aria-labelledby="empty-title">
            <h2 id="empty-title">{labels.empty_title}</h2>
            <p>{labels.empty_body}</p>
            <p>{labels.empty_how_ingest}</p>
            <pre>
                <code>{INGEST_COMMAND}</code>
            </pre>
            <p>{labels.empty_how_demo}</p>
            <pre>
                <code>{DEMO_COMMAND}</code>
            </pre>
            <p>{labels.empty_then}</p>
        </section>
        {benchmark_section(context, benchmarks)}
    }
    .into_any();
    document(context, labels.overview_title, main)
}

/// Links to the benchmark airports that have wait reports, if any.
fn benchmark_section(context: &PageContext, benchmarks: Vec<BenchmarkPort>) -> Option<AnyView> {
    if benchmarks.is_empty() {
        return None;
    }
    let labels = context.lang.labels();
    let items = benchmarks
        .into_iter()
        .map(|b| {
            view! {
                <li>
                    <a href=context.link(&format!("/port/{}", b.port))>
                        {format!("{} ({})", b.name, b.port)}
                    </a>
                </li>
            }
        })
        .collect_view();
    Some(
        view! {
            <section aria-labelledby="benchmarks-title" class="screen-only">
                <h2 id="benchmarks-title">{labels.benchmarks}</h2>
                <p>{labels.benchmarks_intro}</p>
                <ul class="port-list">{items}</ul>
            </section>
        }
        .into_any(),
    )
}
