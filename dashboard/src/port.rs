//! The page of one entry point (`/port/{code}`): its queue waits by day and hour, its
//! clearance day by day and hour by hour, its bottleneck episodes, its throughput against
//! the lanes in use and the counters staffed, who holds its arriving travellers, and its
//! joint operations, all in the port's local time.
//!
//! Indonesian ports are shown from their Immigration crossings over the overview's period,
//! or the dates, terminal, lane kind, citizenship and direction chosen in the address. Over
//! more than a week the daily and hourly percentiles are read from the rollups' histograms
//! ([`Source::Histograms`]), which the page says.
//! Benchmark airports (such as JFK in the CBP feed) only send hourly wait reports, so their
//! page shows those, over the last seven days of their own reports or the dates chosen.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Timelike};
use gerbang_ingest::reference::Port;
use leptos::prelude::*;

use crate::charts::{HOURLY, LineChart, Reference, Series, WIDE, line_chart_svg};
use crate::data::{
    self, ClearanceDay, Episode, HourlyValue, Period, PortWeek, ReportDay, ReportHour, Source,
    Viewer,
};
use crate::error::Result;
use crate::filters::{Filters, PORT_PARAMS, Param};
use crate::i18n::Lang;
use crate::layout::{
    ChartFigure, FilterForm, LegendEntry, PageContext, chart_figure, document, filter_form,
    not_shared_section, p90_target_text, selection_summary, verdict, verdict_or,
    weekly_hours_target_text,
};
use crate::overview::{bottleneck_verdict, figure_class, hour_position, series_summary};
use crate::port_operations::{
    joint_operations, joint_section, longest_arrivals, stage_days, stages_section, throughput,
    throughput_section,
};
use crate::port_waits::{
    episodes_timeline, heat_map_section, percentiles_chart, place_label, wait_hours,
};

/// Under a timeline, a list of more episodes than this is folded away.
const FOLDED_EPISODES: usize = 12;

/// The KPI views whose definitions the port page explains.
const DEFINED_VIEWS: [&str; 9] = [
    "kpi_clearance_hourly",
    "kpi_bottleneck_hours",
    "kpi_bottleneck_episodes",
    "kpi_throughput_hourly",
    "kpi_throughput_staffed_hourly",
    "kpi_stage_attribution",
    "kpi_stage_attribution_daily",
    "kpi_joint_operation_impact",
    "kpi_clearance_daily_rollup",
];

/// Renders the page of a registered port.
pub async fn port_page(
    viewer: &Viewer,
    context: &PageContext,
    port: &Port,
    filters: &Filters,
) -> Result<String> {
    if port.benchmark {
        benchmark_page(viewer, context, port, filters).await
    } else {
        crossings_page(viewer, context, port, filters).await
    }
}

/// The heading, kind and zone of a port, with a way back.
fn port_header(context: &PageContext, port: &Port) -> AnyView {
    let lang = context.lang;
    let labels = lang.labels();
    let zone = if port.zone_label() == port.zone.name() {
        port.zone.name().to_string()
    } else {
        format!("{} ({})", port.zone_label(), port.zone.name())
    };
    let mut meta = format!("{} · {}", lang.port_kind(port.kind.as_str()), zone);
    if port.country != "ID" {
        meta = format!("{meta} · {}", port.country);
    }
    view! {
        <p class="crumbs">
            <a href=context.link("/")>{format!("← {}", labels.back_to_overview)}</a>
        </p>
        <h1>{format!("{} ({})", port.name, port.code)}</h1>
        <p class="port-meta">{meta}</p>
    }
    .into_any()
}

/// A port page that has nothing to show yet.
fn no_data_page(context: &PageContext, port: &Port) -> String {
    let labels = context.lang.labels();
    let main = view! {
        {port_header(context, port)}
        <p class="notice">{labels.port_no_data}</p>
    }
    .into_any();
    document(context, &port.name, main)
}

fn period_line(lang: Lang, period: &Period, targets_version: &str) -> String {
    let labels = lang.labels();
    format!(
        "{}: {} · {} v{}",
        labels.period,
        lang.date_range(period.first, period.last),
        labels.mou_targets,
        targets_version
    )
}

async fn crossings_page(
    viewer: &Viewer,
    context: &PageContext,
    port: &Port,
    filters: &Filters,
) -> Result<String> {
    let lang = context.lang;
    let labels = lang.labels();
    let Some(last) = data::latest_crossing_date(viewer).await? else {
        return Ok(no_data_page(context, port));
    };
    let period = filters.period(last);
    let Some(week) = data::port_weeks(viewer, &period, Some(&port.code), filters)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(no_data_page(context, port));
    };
    let source = Source::for_period(&period);
    let bounds = period_bounds_ms(&port.zone, &period);
    let terminal = filters.terminal.as_deref();
    let code = port.code.as_str();
    let codes = [code];
    // The sections ask independent questions: asked together, one's reading overlaps
    // another's computing.
    let (days, hourly, episodes, waits, throughput, stages, arrivals, operations, terminals) = tokio::try_join!(
        data::clearance_days(viewer, &period, code, filters, source),
        data::hourly_clearance_p90(viewer, &period, &codes, filters, source),
        data::event_episodes(viewer, code, &period, bounds, terminal),
        wait_hours(viewer, &period, code, filters),
        async { data::shared(throughput(viewer, &period, code).await) },
        async { data::shared(stage_days(viewer, &period, code).await) },
        async { data::shared(longest_arrivals(viewer, &period, code).await) },
        async { data::shared(joint_operations(viewer, &period, code).await) },
        data::terminals(viewer, code),
    )?;
    // Throughput, stage attribution and joint operations come from views other agencies
    // grant: a user whose agency may not see one gets the notice in its section.
    let throughput = match throughput {
        Ok((hours, staffed)) => throughput_section(lang, port, &period, &hours, staffed.as_ref())?,
        Err(not_shared) => {
            not_shared_section(lang, ("throughput", labels.throughput_title), &not_shared)
        }
    };
    let stages = match (stages, arrivals) {
        (Ok(stages), Ok(arrivals)) => stages_section(lang, port, &stages, &arrivals)?,
        (Err(not_shared), _) | (_, Err(not_shared)) => {
            not_shared_section(lang, ("stages", labels.stages_title), &not_shared)
        }
    };
    let joint = match operations {
        Ok(operations) => joint_section(lang, port, &operations),
        Err(not_shared) => not_shared_section(lang, ("joint", labels.joint_title), &not_shared),
    };
    let form = filter_form(
        context,
        FilterForm {
            params: PORT_PARAMS,
            filters: filters.clone(),
            period: Some(period),
            ports: Vec::new(),
            terminals,
        },
    );

    let figure = (!hourly.is_empty())
        .then(|| clearance_chart(lang, &period, &week, &hourly))
        .transpose()?;
    let p90 = week
        .clearance_p90
        .map_or_else(|| labels.no_value.to_string(), |v| lang.minutes(v));
    let figures = view! {
        <dl class="figures">
            <div class="figure">
                <dt>{labels.travellers}</dt>
                <dd class="value">{lang.count(week.travellers)}</dd>
            </div>
            <div class=figure_class(week.p90_met())>
                <dt>{labels.clearance_p90}</dt>
                <dd class="value">{p90}</dd>
                <dd>
                    {verdict(lang, week.p90_met(), p90_target_text(lang, week.clearance_p90_target))}
                </dd>
            </div>
            <div class=figure_class(week.bottlenecks_met())>
                <dt>{labels.bottleneck_hours}</dt>
                <dd class="value">{lang.hours(week.bottleneck_hours)}</dd>
                <dd>{bottleneck_verdict(lang, &week)}</dd>
            </div>
        </dl>
    };
    let selection =
        selection_summary(lang, filters).map(|text| view! { <p class="selection">{text}</p> });
    let grain_note = filters
        .beyond_bottleneck_grain()
        .then(|| view! { <p class="note">{labels.bottleneck_grain_note}</p> });
    let whole_port_note = (filters.terminal.is_some() || filters.beyond_bottleneck_grain())
        .then(|| view! { <p class="note">{labels.whole_port_note}</p> });
    // Either the figures' p90 alone, or every percentile of the page, is from histograms.
    let source_note = match source {
        // Another agency reads Immigration's clearance from the views it grants.
        _ if !viewer.sees_every_crossing() => labels.rollup_shared_note,
        Source::Histograms => labels.rollup_port_note,
        Source::Exact => labels.rollup_figures_note,
    };
    let source_note = view! { <p class="note">{source_note}</p> };
    let chart = figure.map(|figure| {
        view! {
            <section aria-labelledby="chart-title" id="hourly">
                <h2 id="chart-title">{labels.chart_port_title}</h2>
                {chart_figure(figure)}
            </section>
        }
    });
    let quiet = (week.travellers == 0)
        .then(|| view! { <p class="notice">{labels.no_crossings_in_period}</p> });
    let bottleneck = &viewer.targets().bottleneck;
    let heat_map = (!waits.is_empty())
        .then(|| {
            heat_map_section(
                lang,
                port,
                &period,
                &waits,
                (
                    bottleneck.wait_threshold_minutes,
                    bottleneck.max_share_over_threshold,
                ),
            )
        })
        .transpose()?;
    let percentiles = percentiles_chart(lang, port, &period, &week, &days)?.map(chart_figure);
    let timeline = episodes_timeline(lang, port, &period, bounds, &episodes)?;
    let main = view! {
        {port_header(context, port)}
        <p class="period">{period_line(lang, &period, &week.targets_version)}</p>
        {selection}
        {form}
        {quiet}
        {figures}
        {source_note}
        {grain_note}
        {whole_port_note}
        {contents(lang)}
        {heat_map}
        {clearance_table(lang, port, &week, &days, percentiles)}
        {chart}
        {episodes_table(lang, port, &episodes, timeline)}
        {throughput}
        {stages}
        {joint}
        {definitions(viewer, lang)}
    }
    .into_any();
    Ok(document(context, &port.name, main))
}

/// The UTC milliseconds of the period's first local midnight and of the midnight after it.
fn period_bounds_ms<Z: TimeZone>(zone: &Z, period: &Period) -> (i64, i64) {
    let after = period
        .last
        .checked_add_days(Days::new(1))
        .unwrap_or(period.last);
    (
        local_midnight_ms(zone, period.first),
        local_midnight_ms(zone, after),
    )
}

fn local_midnight_ms<Z: TimeZone>(zone: &Z, date: NaiveDate) -> i64 {
    let midnight = date.and_time(NaiveTime::MIN);
    // A zone that skips midnight for daylight saving starts the day at the first hour it has.
    zone.from_local_datetime(&midnight)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(midnight + chrono::Duration::hours(1)))
                .earliest()
        })
        .map_or_else(
            || midnight.and_utc().timestamp_millis(),
            |t| t.timestamp_millis(),
        )
}

/// A UTC instant in the port's local time, written out with its zone label.
pub fn local_moment(lang: Lang, port: &Port, utc_ms: i64) -> String {
    moment_in(lang, port, utc_ms, Lang::local_moment)
}

/// A UTC instant in the port's local time, short enough for a narrow column.
pub fn local_moment_short(lang: Lang, port: &Port, utc_ms: i64) -> String {
    moment_in(lang, port, utc_ms, Lang::local_moment_short)
}

fn moment_in(
    lang: Lang,
    port: &Port,
    utc_ms: i64,
    write: fn(Lang, NaiveDate, u32, u32, &str) -> String,
) -> String {
    match DateTime::from_timestamp_millis(utc_ms) {
        Some(utc) => {
            let local = utc.with_timezone(&port.zone);
            // Abroad the label is the IANA name; the moment's own abbreviation (EST or EDT)
            // is shorter and also says whether daylight saving was in force.
            let zone = if port.zone_label() == port.zone.name() {
                local.format("%Z").to_string()
            } else {
                port.zone_label().to_string()
            };
            write(
                lang,
                local.date_naive(),
                local.hour(),
                local.minute(),
                &zone,
            )
        }
        None => lang.labels().no_value.to_string(),
    }
}

fn clearance_chart(
    lang: Lang,
    period: &Period,
    week: &PortWeek,
    hourly: &[HourlyValue],
) -> Result<ChartFigure> {
    let labels = lang.labels();
    let values: Vec<&HourlyValue> = hourly.iter().collect();
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
    let target = p90_target_text(lang, week.clearance_p90_target);
    let svg = line_chart_svg(&LineChart {
        id: "port-chart".into(),
        day_labels: period
            .dates()
            .into_iter()
            .map(|d| lang.date_short(d))
            .collect(),
        x_description: format!("{} ({})", labels.axis_local_time, week.zone_label),
        y_description: labels.axis_p90_minutes.into(),
        series: vec![Series {
            short_label: "p90".into(),
            points: hourly
                .iter()
                .map(|h| (hour_position(period, h.local_date, h.local_hour), h.value))
                .collect(),
        }],
        reference: Some(Reference {
            short_label: format!(
                "{} {}",
                labels.target,
                lang.number_trimmed(week.clearance_p90_target, 1)
            ),
            value: week.clearance_p90_target,
        }),
        summary: summary.clone(),
        lang,
        size: WIDE,
        y_max: None,
        join_within: HOURLY,
    })?;
    Ok(ChartFigure {
        svg,
        legend: vec![
            LegendEntry {
                label: format!("{} – {}", labels.clearance_p90, week.port),
                colour: Some(0),
            },
            LegendEntry {
                label: target,
                colour: None,
            },
        ],
        summary,
    })
}

/// A minutes cell, marked when the value is above a limit.
fn minutes_cell(lang: Lang, value: Option<f64>, above: Option<f64>) -> AnyView {
    let labels = lang.labels();
    let Some(value) = value else {
        return view! { <td class="num">{labels.no_value}</td> }.into_any();
    };
    let text = lang.number(value, 1);
    if above.is_some_and(|limit| value > limit) {
        view! {
            <td class="num missed">
                <span class="mark" aria-hidden="true">"✗ "</span>
                {text}
                <span class="visually-hidden">{format!(" ({})", labels.day_missed_target)}</span>
            </td>
        }
        .into_any()
    } else {
        view! { <td class="num">{text}</td> }.into_any()
    }
}

/// The days of the period: the percentile lines, then the same numbers in a table.
fn clearance_table(
    lang: Lang,
    port: &Port,
    week: &PortWeek,
    days: &[ClearanceDay],
    chart: Option<AnyView>,
) -> AnyView {
    let labels = lang.labels();
    let minutes = |name: &str| format!("{name} ({})", labels.minutes_unit);
    let rows = days
        .iter()
        .map(|day| {
            view! {
                <tr>
                    <th scope="row">{lang.date_long(day.local_date)}</th>
                    <td class="num">{lang.count(day.travellers)}</td>
                    {minutes_cell(lang, day.p50, None)}
                    {minutes_cell(lang, day.p90, Some(week.clearance_p90_target))}
                    {minutes_cell(lang, day.p95, None)}
                    <td class="num">{lang.number_trimmed(day.bottleneck_hours, 1)}</td>
                </tr>
            }
        })
        .collect_view();
    let caption = format!(
        "{} ({}) · {} {}",
        labels.local_date,
        port.zone_label(),
        labels.p90,
        p90_target_text(lang, week.clearance_p90_target)
    );
    view! {
        <section aria-labelledby="days-title" id="days">
            <h2 id="days-title">{labels.percentiles_title}</h2>
            {chart}
            <div class="table-wrap">
                <table>
                    <caption>{caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{labels.local_date}</th>
                            <th scope="col" class="num">{labels.travellers}</th>
                            <th scope="col" class="num">{minutes(labels.p50)}</th>
                            <th scope="col" class="num">{minutes(labels.p90)}</th>
                            <th scope="col" class="num">{minutes(labels.p95)}</th>
                            <th scope="col" class="num">
                                {format!("{} ({})", labels.bottleneck_hours, labels.hours_unit)}
                            </th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

/// The bottleneck episodes in a table, under their timeline when there is one.
fn episodes_table(
    lang: Lang,
    port: &Port,
    episodes: &[Episode],
    timeline: Option<AnyView>,
) -> AnyView {
    let labels = lang.labels();
    if episodes.is_empty() {
        return view! {
            <section aria-labelledby="episodes-title" id="episodes">
                <h2 id="episodes-title">{labels.episodes}</h2>
                <p>{labels.episodes_none}</p>
            </section>
        }
        .into_any();
    }
    let rows = episodes
        .iter()
        .map(|episode| {
            let place = place_label(lang, episode.terminal.as_deref());
            view! {
                <tr>
                    <td>{local_moment(lang, port, episode.start_ms)}</td>
                    <td>{local_moment(lang, port, episode.end_ms)}</td>
                    <td class="num">{lang.number_trimmed(episode.hours, 1)}</td>
                    <td>{place}</td>
                </tr>
            }
        })
        .collect_view();
    // Episodes that began before the period or end after it are listed whole, so their
    // hours are not totalled here: the period's bottleneck hours are in the figures above.
    let caption = format!("{} ({})", labels.axis_local_time, port.zone_label());
    let table = view! {
        <div class="table-wrap">
            <table>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{labels.episode_start}</th>
                        <th scope="col">{labels.episode_end}</th>
                        <th scope="col" class="num">{labels.episode_hours}</th>
                        <th scope="col">{labels.episode_where}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    };
    // Under a timeline, a long list is folded away: the timeline shows it at a glance.
    let table = if timeline.is_some() && episodes.len() > FOLDED_EPISODES {
        view! {
            <details class="definitions">
                <summary>{lang.episodes_as_table(episodes.len())}</summary>
                {table}
            </details>
        }
        .into_any()
    } else {
        table.into_any()
    };
    view! {
        <section aria-labelledby="episodes-title" id="episodes">
            <h2 id="episodes-title">{labels.episodes}</h2>
            {timeline}
            {table}
        </section>
    }
    .into_any()
}

/// Links to the sections of a port's page, so that a long page can be read in parts.
fn contents(lang: Lang) -> AnyView {
    let labels = lang.labels();
    let sections = [
        ("#waits", labels.heatmap_title),
        ("#days", labels.percentiles_title),
        ("#hourly", labels.chart_port_title),
        ("#episodes", labels.episodes),
        ("#throughput", labels.throughput_title),
        ("#stages", labels.stages_title),
        ("#joint", labels.joint_title),
    ];
    let items = sections
        .into_iter()
        .map(|(href, title)| view! { <li><a href=href>{title}</a></li> })
        .collect_view();
    view! {
        <nav class="page-contents" aria-labelledby="contents-title">
            <h2 id="contents-title">{labels.on_this_page}</h2>
            <ul>{items}</ul>
        </nav>
    }
    .into_any()
}

/// The signed-off definitions of the KPIs on the page, from the headers in `sql/`.
fn definitions(viewer: &Viewer, lang: Lang) -> AnyView {
    let labels = lang.labels();
    let items = viewer
        .views()
        .iter()
        .filter(|v| DEFINED_VIEWS.contains(&v.name.as_str()))
        .map(|v| {
            let title = match lang {
                Lang::Id => v.title_id.clone(),
                Lang::En => v.title_en.clone(),
            };
            view! {
                <dt>{title}</dt>
                // The definitions are written and signed off in English only.
                <dd lang="en">{v.definition.clone()}</dd>
            }
        })
        .collect_view();
    view! {
        <details class="definitions">
            <summary>{labels.definitions}</summary>
            <dl>{items}</dl>
        </details>
    }
    .into_any()
}

async fn benchmark_page(
    viewer: &Viewer,
    context: &PageContext,
    port: &Port,
    filters: &Filters,
) -> Result<String> {
    let lang = context.lang;
    let labels = lang.labels();
    let Some(last) = data::latest_report_date(viewer, &port.code).await? else {
        return Ok(no_data_page(context, port));
    };
    let period = filters.period(last);
    let Some(week) = data::report_week(viewer, &period, &port.code).await? else {
        return Ok(no_data_page(context, port));
    };
    let days = data::report_days(viewer, &period, &port.code).await?;
    let hours = data::report_hours(viewer, &period, &port.code).await?;
    let bounds = period_bounds_ms(&port.zone, &period);
    let episodes = data::episodes(viewer, &port.code, "hourly_report", bounds, None).await?;
    let form = filter_form(
        context,
        FilterForm {
            params: &[Param::From, Param::To],
            filters: filters.clone(),
            period: Some(period),
            ports: Vec::new(),
            terminals: Vec::new(),
        },
    );

    let optional_minutes =
        |v: Option<f64>| v.map_or_else(|| labels.no_value.to_string(), |v| lang.minutes(v));
    let threshold = lang.waited_over(week.wait_threshold_minutes);
    // The weekly allowance judges a week; other periods are shown without a verdict.
    let bottlenecks_met = period
        .is_week()
        .then_some(week.bottleneck_hours <= week.max_bottleneck_hours as f64);
    let hours_target = if period.is_week() {
        weekly_hours_target_text(lang, week.max_bottleneck_hours)
    } else {
        format!(
            "{} ({})",
            weekly_hours_target_text(lang, week.max_bottleneck_hours),
            labels.weekly_target_only
        )
    };
    let period_text = if filters.from.is_none() && filters.to.is_none() {
        format!(
            "{} · {}",
            period_line(lang, &period, &week.targets_version),
            labels.benchmark_period
        )
    } else {
        period_line(lang, &period, &week.targets_version)
    };
    let figure = (!hours.is_empty())
        .then(|| wait_chart(lang, port, &period, &week, &hours))
        .transpose()?;
    let chart = figure.map(|figure| {
        view! {
            <section aria-labelledby="chart-title">
                <h2 id="chart-title">{labels.chart_wait_title}</h2>
                {chart_figure(figure)}
            </section>
        }
    });
    let main = view! {
        {port_header(context, port)}
        <p class="lead">{labels.benchmark_note}</p>
        <p class="period">
            {period_text}
        </p>
        {form}
        <dl class="figures">
            <div class="figure">
                <dt>{labels.passengers}</dt>
                <dd class="value">{lang.count(week.passengers)}</dd>
            </div>
            <div class="figure">
                <dt>{labels.flights}</dt>
                <dd class="value">{lang.count(week.flights)}</dd>
            </div>
            <div class="figure">
                <dt>{labels.average_wait}</dt>
                <dd class="value">{optional_minutes(week.average_wait)}</dd>
            </div>
            <div class="figure">
                <dt>{labels.maximum_wait}</dt>
                <dd class="value">{optional_minutes(week.maximum_wait)}</dd>
            </div>
            <div class="figure">
                <dt>{threshold}</dt>
                <dd class="value">
                    {week.share_over_threshold.map_or_else(|| labels.no_value.to_string(), |s| lang.percent(s))}
                </dd>
            </div>
            <div class=figure_class(bottlenecks_met)>
                <dt>{labels.bottleneck_hours}</dt>
                <dd class="value">{lang.hours(week.bottleneck_hours)}</dd>
                <dd>{verdict_or(lang, bottlenecks_met, hours_target, labels.not_judged)}</dd>
            </div>
        </dl>
        {chart}
        {report_table(lang, port, &week, &days)}
        {episodes_table(lang, port, &episodes, None)}
        {definitions(viewer, lang)}
    }
    .into_any();
    Ok(document(context, &port.name, main))
}

fn wait_chart(
    lang: Lang,
    port: &Port,
    period: &Period,
    week: &data::ReportWeek,
    hours: &[ReportHour],
) -> Result<ChartFigure> {
    let labels = lang.labels();
    let position = |h: &ReportHour| hour_position(period, h.local_date, h.local_hour);
    let average: Vec<(i32, f64)> = hours
        .iter()
        .filter_map(|h| Some((position(h), h.average_wait?)))
        .collect();
    let maximum: Vec<(i32, f64)> = hours
        .iter()
        .filter_map(|h| Some((position(h), h.maximum_wait?)))
        .collect();
    let peak = |pick: fn(&ReportHour) -> Option<f64>, name: &str| {
        hours
            .iter()
            .filter_map(|h| Some((h, pick(h)?)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(h, value)| {
                let moment = lang.local_moment(
                    h.local_date,
                    u32::try_from(h.local_hour).unwrap_or(0),
                    0,
                    port.zone_label(),
                );
                lang.series_peak(name, &lang.minutes(value), &moment)
            })
    };
    let mut summary = vec![lang.chart_intro(
        labels.chart_wait_title,
        period.first,
        period.last,
        port.zone_label(),
    )];
    summary.extend(peak(|h| h.average_wait, labels.average_wait).map(|s| format!("{s}.")));
    summary.extend(peak(|h| h.maximum_wait, labels.maximum_wait).map(|s| format!("{s}.")));
    let summary = summary.join(" ");
    let threshold = format!(
        "{}: {}",
        labels.wait_threshold,
        lang.minutes_trimmed(week.wait_threshold_minutes)
    );
    let svg = line_chart_svg(&LineChart {
        id: "wait-chart".into(),
        day_labels: period
            .dates()
            .into_iter()
            .map(|d| lang.date_short(d))
            .collect(),
        x_description: format!("{} ({})", labels.axis_local_time, port.zone_label()),
        y_description: labels.axis_wait_minutes.into(),
        series: vec![
            Series {
                short_label: labels.average_short.into(),
                points: average,
            },
            Series {
                short_label: labels.maximum_short.into(),
                points: maximum,
            },
        ],
        reference: Some(Reference {
            short_label: format!("T {}", lang.number_trimmed(week.wait_threshold_minutes, 1)),
            value: week.wait_threshold_minutes,
        }),
        summary: summary.clone(),
        lang,
        size: WIDE,
        y_max: None,
        join_within: HOURLY,
    })?;
    Ok(ChartFigure {
        svg,
        legend: vec![
            LegendEntry {
                label: labels.average_wait.into(),
                colour: Some(0),
            },
            LegendEntry {
                label: labels.maximum_wait.into(),
                colour: Some(1),
            },
            LegendEntry {
                label: format!("T – {threshold}"),
                colour: None,
            },
        ],
        summary,
    })
}

fn report_table(lang: Lang, port: &Port, week: &data::ReportWeek, days: &[ReportDay]) -> AnyView {
    let labels = lang.labels();
    let minutes = |name: &str| format!("{name} ({})", labels.minutes_unit);
    let rows = days
        .iter()
        .map(|day| {
            view! {
                <tr>
                    <th scope="row">{lang.date_long(day.local_date)}</th>
                    <td class="num">{lang.count(day.passengers)}</td>
                    <td class="num">{lang.count(day.flights)}</td>
                    {minutes_cell(lang, day.average_wait, None)}
                    {minutes_cell(lang, day.maximum_wait, None)}
                    <td class="num">
                        {day.share_over_threshold.map_or_else(|| labels.no_value.to_string(), |s| lang.percent(s))}
                    </td>
                    <td class="num">{lang.number_trimmed(day.bottleneck_hours, 1)}</td>
                </tr>
            }
        })
        .collect_view();
    let caption = format!("{} ({})", labels.local_date, port.zone_label());
    view! {
        <section aria-labelledby="days-title">
            <h2 id="days-title">{labels.per_day}</h2>
            <div class="table-wrap">
                <table>
                    <caption>{caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{labels.local_date}</th>
                            <th scope="col" class="num">{labels.passengers}</th>
                            <th scope="col" class="num">{labels.flights}</th>
                            <th scope="col" class="num">{minutes(labels.average_wait)}</th>
                            <th scope="col" class="num">{minutes(labels.maximum_wait)}</th>
                            <th scope="col" class="num">
                                {lang.waited_over(week.wait_threshold_minutes)}
                            </th>
                            <th scope="col" class="num">
                                {format!("{} ({})", labels.bottleneck_hours, labels.hours_unit)}
                            </th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}
