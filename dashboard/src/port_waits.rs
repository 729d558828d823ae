//! The port page's waits: a heat map of queue waits by local day and hour, the clearance
//! percentiles of each day as lines, and the bottleneck episodes on a timeline, each with a
//! caption and a text alternative (a table, or the table the page already has).
//!
//! The heat map reads the hourly rollup (`rollup_crossings_hourly`), whose sums of queue
//! minutes over counts give exact means at any period length, and marks the bottleneck
//! hours of [`data::bottleneck_hours_sql`].

use chrono::NaiveDate;
use gerbang_ingest::reference::Port;
use leptos::prelude::*;

use crate::charts::{
    DAILY, HeatMap, LineChart, Reference, Series, Timeline, WIDE, css_heat, heat_map_svg,
    line_chart_svg, timeline_svg,
};
use crate::data::{self, Answer, ClearanceDay, Episode, Period, PortWeek, Viewer, sql_text};
use crate::error::Result;
use crate::filters::Filters;
use crate::i18n::Lang;
use crate::layout::{ChartFigure, LegendEntry, chart_figure, p90_target_text};

/// The upper edges of the heat map's colour steps, in minutes of mean queue wait: five
/// minutes apart up to 20, then the usual bottleneck threshold and above.
const WAIT_STEPS: [f64; 6] = [5.0, 10.0, 15.0, 20.0, 30.0, 45.0];

/// One local hour of a port: the travellers counted in it and their mean queue wait, and
/// whether it was a bottleneck hour of the port (or the filtered terminal).
#[derive(Debug, Clone, PartialEq)]
pub struct WaitHour {
    pub local_date: NaiveDate,
    pub local_hour: u32,
    pub counted: i64,
    pub mean_wait: Option<f64>,
    pub bottleneck: bool,
}

/// The port's hours over the period, for the travellers `filters` selects.
pub async fn wait_hours(
    viewer: &Viewer,
    period: &Period,
    port: &str,
    filters: &Filters,
) -> Result<Vec<WaitHour>> {
    let hours = data::bottleneck_hours_sql(period, Some(port), filters);
    let sql = format!(
        "WITH waits AS (
            SELECT local_date, local_hour, sum(counter_travellers) AS counted,
                   sum(queue_wait_minutes_sum) / nullif(sum(counter_travellers), 0)
                       AS mean_wait
            FROM rollup_crossings_hourly
            WHERE port = {port} AND {in_period}{travellers}
            GROUP BY local_date, local_hour
        ), hours AS ({hours})
        SELECT w.local_date, w.local_hour, w.counted, w.mean_wait,
               coalesce(h.is_bottleneck, false) AS bottleneck
        FROM waits w
        LEFT JOIN hours h ON h.local_date = w.local_date AND h.local_hour = w.local_hour
        ORDER BY w.local_date, w.local_hour",
        port = sql_text(port),
        in_period = period.sql_condition("local_date"),
        travellers = filters.crossing_conditions(None),
    );
    let answer = Answer::ask(viewer, &sql).await?;
    let dates = answer.dates("local_date")?;
    let hours = answer.i64s("local_hour")?;
    let counted = answer.i64s("counted")?;
    let means = answer.f64s("mean_wait")?;
    let bottleneck = answer.bools("bottleneck")?;
    Ok((0..answer.len())
        .filter_map(|i| {
            Some(WaitHour {
                local_date: dates[i]?,
                local_hour: u32::try_from(hours[i]?).ok().filter(|h| *h < 24)?,
                counted: counted[i].unwrap_or(0),
                mean_wait: means[i],
                bottleneck: bottleneck[i].unwrap_or(false),
            })
        })
        .collect())
}

/// The rows of the heat map: one per day of the period, 24 hours each.
fn grid(period: &Period, hours: &[WaitHour]) -> (Vec<[Option<f64>; 24]>, Vec<[bool; 24]>) {
    let days = period.dates().len();
    let mut cells = vec![[None; 24]; days];
    let mut outlined = vec![[false; 24]; days];
    for hour in hours {
        let Ok(day) = usize::try_from(period.day_index(hour.local_date)) else {
            continue;
        };
        let (Some(row), Some(marks)) = (cells.get_mut(day), outlined.get_mut(day)) else {
            continue;
        };
        let at = hour.local_hour as usize;
        row[at] = hour.mean_wait;
        marks[at] = hour.bottleneck;
    }
    (cells, outlined)
}

/// The heat map section: the chart, its legend, its caption, and the same numbers as a
/// table for anyone who cannot see the colours.
pub fn heat_map_section(
    lang: Lang,
    port: &Port,
    period: &Period,
    hours: &[WaitHour],
    (threshold_minutes, max_share): (f64, f64),
) -> Result<AnyView> {
    let labels = lang.labels();
    let zone = port.zone_label();
    let (cells, outlined) = grid(period, hours);
    let peak = hours
        .iter()
        .filter_map(|h| Some((h, h.mean_wait?)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(h, minutes)| (h.local_date, h.local_hour, minutes));
    let counted = hours.iter().filter(|h| h.counted > 0).count();
    let bottlenecks = hours.iter().filter(|h| h.bottleneck).count();
    let summary = lang.heatmap_summary(
        (period.first, period.last),
        zone,
        peak,
        (bottlenecks, counted),
    );
    let svg = heat_map_svg(&HeatMap {
        id: "wait-heat".into(),
        row_labels: period
            .dates()
            .into_iter()
            .map(|d| lang.date_short(d))
            .collect(),
        cells: cells.clone(),
        outlined: outlined.clone(),
        steps: WAIT_STEPS.to_vec(),
        x_description: format!("{} ({zone})", labels.axis_local_hour),
        summary: summary.clone(),
        lang,
    })?;
    let mut bounds: Vec<(Option<f64>, Option<f64>)> = Vec::new();
    for (i, edge) in WAIT_STEPS.iter().enumerate() {
        bounds.push((i.checked_sub(1).map(|j| WAIT_STEPS[j]), Some(*edge)));
    }
    bounds.push((WAIT_STEPS.last().copied(), None));
    let scale = bounds
        .into_iter()
        .enumerate()
        .map(|(i, (low, high))| {
            view! {
                <li>
                    <span
                        class="swatch block"
                        style=format!("background: {}", css_heat(i))
                        aria-hidden="true"
                    ></span>
                    {lang.wait_step(low, high)}
                </li>
            }
        })
        .collect_view();
    let table = heat_map_table(lang, period, &cells, &outlined);
    Ok(view! {
        <section aria-labelledby="heat-title" id="waits">
            <h2 id="heat-title">{labels.heatmap_title}</h2>
            <p class="lead">{lang.heatmap_intro(threshold_minutes, max_share)}</p>
            <figure class="chart">
                <div class="chart-frame" inner_html=svg></div>
                <ul class="legend">
                    <li class="legend-title">{format!("{}:", labels.mean_queue_wait)}</li>
                    {scale}
                    <li>
                        <span class="swatch block outlined" aria-hidden="true"></span>
                        {labels.bottleneck_hour}
                    </li>
                    <li>
                        <span class="swatch block empty" aria-hidden="true"></span>
                        {labels.nobody_counted}
                    </li>
                </ul>
                <figcaption>{summary}</figcaption>
            </figure>
            {table}
        </section>
    }
    .into_any())
}

/// The heat map's numbers: a row per day, a column per hour, bottleneck hours marked.
fn heat_map_table(
    lang: Lang,
    period: &Period,
    cells: &[[Option<f64>; 24]],
    outlined: &[[bool; 24]],
) -> AnyView {
    let labels = lang.labels();
    let header = (0..24)
        .map(|hour| view! { <th scope="col" class="num">{format!("{hour:02}")}</th> })
        .collect_view();
    let rows = period
        .dates()
        .into_iter()
        .zip(cells.iter().zip(outlined))
        .map(|(date, (values, marks))| {
            let cells = values
                .iter()
                .zip(marks)
                .map(|(value, bottleneck)| match (value, bottleneck) {
                    (None, _) => view! {
                        <td class="num">
                            <span aria-hidden="true">"–"</span>
                            <span class="visually-hidden">{labels.nobody_counted}</span>
                        </td>
                    }
                    .into_any(),
                    (Some(minutes), true) => view! {
                        <td class="num missed">
                            <span class="mark" aria-hidden="true">"✗ "</span>
                            {lang.number(*minutes, 1)}
                            <span class="visually-hidden">
                                {format!(" ({})", labels.bottleneck_hour)}
                            </span>
                        </td>
                    }
                    .into_any(),
                    (Some(minutes), false) => {
                        view! { <td class="num">{lang.number(*minutes, 1)}</td> }.into_any()
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{lang.date_short(date)}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="definitions">
            <summary>{labels.heatmap_table}</summary>
            <div class="table-wrap">
                <table class="heat-table">
                    <thead>
                        <tr>
                            <th scope="col">{labels.local_date}</th>
                            {header}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
    .into_any()
}

/// Clearance p50, p90 and p95 per day as three lines, with the p90 target; the per-day
/// table that follows it on the page gives the same numbers.
pub fn percentiles_chart(
    lang: Lang,
    port: &Port,
    period: &Period,
    week: &PortWeek,
    days: &[ClearanceDay],
) -> Result<Option<ChartFigure>> {
    if days.is_empty() {
        return Ok(None);
    }
    let labels = lang.labels();
    let midday =
        |date: NaiveDate| i32::try_from(period.day_index(date) * 24 + 12).unwrap_or(i32::MAX);
    let line = |label: &str, pick: fn(&ClearanceDay) -> Option<f64>| Series {
        short_label: label.to_string(),
        points: days
            .iter()
            .filter_map(|d| Some((midday(d.local_date), pick(d)?)))
            .collect(),
    };
    let target = week.clearance_p90_target;
    let highest = days
        .iter()
        .filter_map(|d| Some((d.local_date, d.p90?)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    let above = days
        .iter()
        .filter(|d| d.p90.is_some_and(|p| p > target))
        .count();
    let summary = lang.percentiles_summary(
        (period.first, period.last),
        port.zone_label(),
        highest,
        (above, days.len()),
        &p90_target_text(lang, target),
    );
    let svg = line_chart_svg(&LineChart {
        id: "percentile-chart".into(),
        day_labels: period
            .dates()
            .into_iter()
            .map(|d| lang.date_short(d))
            .collect(),
        x_description: format!("{} ({})", labels.local_date, port.zone_label()),
        y_description: labels.axis_clearance_minutes.into(),
        series: vec![
            line(labels.p50, |d| d.p50),
            line(labels.p90, |d| d.p90),
            line(labels.p95, |d| d.p95),
        ],
        reference: Some(Reference {
            short_label: format!("{} {}", labels.target, lang.number_trimmed(target, 1)),
            value: target,
        }),
        summary: summary.clone(),
        lang,
        size: WIDE,
        y_max: None,
        join_within: DAILY,
    })?;
    let entry = |label: &str, colour| LegendEntry {
        label: format!("{} {label}", labels.clearance_time),
        colour,
    };
    Ok(Some(ChartFigure {
        svg,
        legend: vec![
            entry(labels.p50, Some(0)),
            entry(labels.p90, Some(1)),
            entry(labels.p95, Some(2)),
            LegendEntry {
                label: p90_target_text(lang, target),
                colour: None,
            },
        ],
        summary,
    }))
}

/// Where an episode was: the whole port, or a terminal ("terminal T3", "Terminal 4").
pub fn place_label(lang: Lang, terminal: Option<&str>) -> String {
    let labels = lang.labels();
    match terminal {
        // Some feeds name terminals "Terminal 4", others just "T2".
        Some(terminal) if terminal.to_lowercase().starts_with(labels.terminal) => {
            terminal.to_string()
        }
        Some(terminal) => format!("{} {terminal}", labels.terminal),
        None => labels.whole_port.to_string(),
    }
}

/// The episodes as bars along the period in local time, one row per place; the episodes
/// table under it is its text alternative.
pub fn episodes_timeline(
    lang: Lang,
    port: &Port,
    period: &Period,
    (from_ms, _): (i64, i64),
    episodes: &[Episode],
) -> Result<Option<AnyView>> {
    if episodes.is_empty() {
        return Ok(None);
    }
    let labels = lang.labels();
    let mut rows: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for episode in episodes {
        let place = place_label(lang, episode.terminal.as_deref());
        let hours = |ms: i64| (ms - from_ms) as f64 / 3_600_000.0;
        let bar = (hours(episode.start_ms), hours(episode.end_ms));
        match rows.iter_mut().find(|(label, _)| *label == place) {
            Some((_, bars)) => bars.push(bar),
            None => rows.push((place, vec![bar])),
        }
    }
    let total: f64 = episodes.iter().map(|e| e.hours).sum();
    let summary = lang.timeline_summary(episodes.len(), total, port.zone_label());
    let svg = timeline_svg(&Timeline {
        id: "episode-timeline".into(),
        day_labels: period
            .dates()
            .into_iter()
            .map(|d| lang.date_short(d))
            .collect(),
        rows,
        x_description: format!("{} ({})", labels.axis_local_time, port.zone_label()),
        summary: summary.clone(),
    })?;
    Ok(Some(chart_figure(ChartFigure {
        svg,
        legend: Vec::new(),
        summary,
    })))
}
