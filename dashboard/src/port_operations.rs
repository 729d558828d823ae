//! The port page's operations: throughput against the lanes in use
//! (`kpi_throughput_hourly`) and the counters the authority reported staffed
//! (`kpi_throughput_staffed_hourly`), who holds arriving travellers (`kpi_stage_attribution_daily`,
//! with the longest arrivals of `kpi_stage_attribution`), and the joint operations with
//! their impact on throughput (`kpi_joint_operation_impact`).
//!
//! These views are per port, not per terminal, lane kind, citizenship or direction, so the
//! sections say they count the whole port whatever the filters. Throughput needs each
//! traveller's lane, which the rollups do not keep, so it is read from the raw crossings at
//! every period length.

use chrono::NaiveDate;
use gerbang_ingest::reference::Port;
use leptos::prelude::*;

use crate::charts::{
    BarColours, BarScale, HOURLY, LineChart, Series, StackedBars, WIDE, css_colour, line_chart_svg,
    stacked_bars_svg,
};
use crate::data::{Answer, NotShared, Period, Viewer, sql_text};
use crate::error::{DashboardError, Result};
use crate::i18n::Lang;
use crate::layout::{ChartFigure, LegendEntry, chart_figure, not_shared_notice};
use crate::overview::hour_position;
use crate::port::local_moment_short;

/// How many of the period's arrivals the table of longest door-to-door times lists.
const LONGEST_ARRIVALS: usize = 10;

/// One local hour of a port's throughput: `kpi_throughput_hourly` (every traveller whose
/// processing ended in the hour, over the lanes in use) and, where the authority reported
/// one, `kpi_throughput_staffed_hourly` (arrivals at manual counters over the counters it
/// reported staffed).
#[derive(Debug, Clone, PartialEq)]
pub struct ThroughputHour {
    pub local_date: NaiveDate,
    pub local_hour: u32,
    pub processed: i64,
    pub cleared: i64,
    pub lanes: i64,
    pub per_lane: Option<f64>,
    /// Arriving travellers finished at manual counters.
    pub arrivals_at_counters: i64,
    /// The counters the authority reported staffed; `None` when no arrival said.
    pub counters_staffed: Option<i64>,
    pub per_staffed_counter: Option<f64>,
}

/// One local day of throughput, added up from its hours.
#[derive(Debug, Clone, PartialEq)]
pub struct ThroughputDay {
    pub local_date: NaiveDate,
    pub processed: i64,
    pub cleared: i64,
    /// The hour in which the most travellers were processed, and how many.
    pub busiest: Option<(u32, i64)>,
    pub most_lanes: i64,
    /// Travellers processed over lane-hours in use.
    pub per_lane_hour: Option<f64>,
    pub most_staffed: Option<i64>,
    /// Arrivals at counters over staffed counter-hours, in the hours with a staffing figure.
    pub per_staffed_hour: Option<f64>,
}

/// The view of arrivals per staffed counter: it reads both Immigration's crossings and the
/// authority's flights, so it shows only to an agency both grant it to (or that may make it
/// again from what it sees of the crossings).
const STAFFED_VIEW: &str = "kpi_throughput_staffed_hourly";

/// The port's throughput hours ([`throughput_hours`]), and when the user's agency may not
/// see the arrivals per staffed counter, the hours of `kpi_throughput_hourly` alone (which
/// Immigration grants to every agency) with why the staffed figures are not there.
pub async fn throughput(
    viewer: &Viewer,
    period: &Period,
    port: &str,
) -> Result<(Vec<ThroughputHour>, Option<NotShared>)> {
    match throughput_hours(viewer, period, port).await {
        Ok(hours) => Ok((hours, None)),
        Err(DashboardError::NotShared(not_shared))
            if not_shared
                .objects
                .iter()
                .all(|(name, _)| name == STAFFED_VIEW) =>
        {
            let sql = format!(
                "SELECT local_date, local_hour, travellers_processed AS processed,
                        travellers_cleared AS cleared, lanes_in_use AS lanes,
                        processed_per_lane AS per_lane,
                        CAST(0 AS BIGINT) AS arrivals_at_counters,
                        CAST(NULL AS BIGINT) AS counters_staffed,
                        CAST(NULL AS DOUBLE) AS per_staffed_counter
                 FROM kpi_throughput_hourly WHERE port = {} AND {}
                 ORDER BY local_date, local_hour",
                sql_text(port),
                period.sql_condition("local_date"),
            );
            Ok((
                throughput_rows(&Answer::ask(viewer, &sql).await?)?,
                Some(not_shared),
            ))
        }
        Err(other) => Err(other),
    }
}

/// The port's hours of both throughput views over the period, whole port.
pub async fn throughput_hours(
    viewer: &Viewer,
    period: &Period,
    port: &str,
) -> Result<Vec<ThroughputHour>> {
    let sql = format!(
        "WITH lanes AS (
            SELECT local_date, local_hour, travellers_processed, travellers_cleared,
                   lanes_in_use, processed_per_lane
            FROM kpi_throughput_hourly WHERE port = {port} AND {in_period}
        ), staffed AS (
            SELECT local_date, local_hour, arrivals_processed, counters_staffed,
                   arrivals_per_staffed_counter
            FROM kpi_throughput_staffed_hourly
            WHERE port = {port} AND terminal IS NULL AND {in_period}
        )
        SELECT coalesce(l.local_date, s.local_date) AS local_date,
               coalesce(l.local_hour, s.local_hour) AS local_hour,
               coalesce(l.travellers_processed, 0) AS processed,
               coalesce(l.travellers_cleared, 0) AS cleared,
               coalesce(l.lanes_in_use, 0) AS lanes, l.processed_per_lane AS per_lane,
               coalesce(s.arrivals_processed, 0) AS arrivals_at_counters,
               s.counters_staffed, s.arrivals_per_staffed_counter AS per_staffed_counter
        FROM lanes l FULL OUTER JOIN staffed s
            ON s.local_date = l.local_date AND s.local_hour = l.local_hour
        ORDER BY local_date, local_hour",
        port = sql_text(port),
        in_period = period.sql_condition("local_date"),
    );
    throughput_rows(&Answer::ask(viewer, &sql).await?)
}

/// The rows of a throughput question, one per local hour.
fn throughput_rows(answer: &Answer) -> Result<Vec<ThroughputHour>> {
    let dates = answer.dates("local_date")?;
    let hours = answer.i64s("local_hour")?;
    let processed = answer.i64s("processed")?;
    let cleared = answer.i64s("cleared")?;
    let lanes = answer.i64s("lanes")?;
    let per_lane = answer.f64s("per_lane")?;
    let arrivals = answer.i64s("arrivals_at_counters")?;
    let staffed = answer.i64s("counters_staffed")?;
    let per_staffed = answer.f64s("per_staffed_counter")?;
    Ok((0..answer.len())
        .filter_map(|i| {
            Some(ThroughputHour {
                local_date: dates[i]?,
                local_hour: u32::try_from(hours[i]?).ok()?,
                processed: processed[i].unwrap_or(0),
                cleared: cleared[i].unwrap_or(0),
                lanes: lanes[i].unwrap_or(0),
                per_lane: per_lane[i],
                arrivals_at_counters: arrivals[i].unwrap_or(0),
                counters_staffed: staffed[i],
                per_staffed_counter: per_staffed[i],
            })
        })
        .collect())
}

/// The hours added up per day, in date order.
pub fn throughput_days(hours: &[ThroughputHour]) -> Vec<ThroughputDay> {
    #[derive(Default)]
    struct Sums {
        lane_hours: i64,
        staffed_arrivals: i64,
        staffed_hours: i64,
    }
    let mut days: Vec<(ThroughputDay, Sums)> = Vec::new();
    for hour in hours {
        if days.last().map(|(d, _)| d.local_date) != Some(hour.local_date) {
            days.push((
                ThroughputDay {
                    local_date: hour.local_date,
                    processed: 0,
                    cleared: 0,
                    busiest: None,
                    most_lanes: 0,
                    per_lane_hour: None,
                    most_staffed: None,
                    per_staffed_hour: None,
                },
                Sums::default(),
            ));
        }
        let Some((day, sums)) = days.last_mut() else {
            continue;
        };
        day.processed += hour.processed;
        day.cleared += hour.cleared;
        day.most_lanes = day.most_lanes.max(hour.lanes);
        if hour.processed > 0 && day.busiest.is_none_or(|(_, most)| hour.processed > most) {
            day.busiest = Some((hour.local_hour, hour.processed));
        }
        sums.lane_hours += hour.lanes;
        day.per_lane_hour =
            (sums.lane_hours > 0).then(|| day.processed as f64 / sums.lane_hours as f64);
        if let Some(staffed) = hour.counters_staffed {
            day.most_staffed = Some(day.most_staffed.map_or(staffed, |m| m.max(staffed)));
            sums.staffed_arrivals += hour.arrivals_at_counters;
            sums.staffed_hours += staffed;
        }
        day.per_staffed_hour = (sums.staffed_hours > 0)
            .then(|| sums.staffed_arrivals as f64 / sums.staffed_hours as f64);
    }
    days.into_iter().map(|(day, _)| day).collect()
}

/// Throughput per lane in use and per staffed counter, hour by hour, and the days in a
/// table.
///
/// When the figures per staffed counter are not shared with the user's agency
/// (`staffed_not_shared`), the section says so and why; the figures per lane still show.
pub fn throughput_section(
    lang: Lang,
    port: &Port,
    period: &Period,
    hours: &[ThroughputHour],
    staffed_not_shared: Option<&NotShared>,
) -> Result<AnyView> {
    let labels = lang.labels();
    let staffed_notice = staffed_not_shared.map(|not_shared| not_shared_notice(lang, not_shared));
    let heading = view! { <h2 id="throughput-title">{labels.throughput_title}</h2> };
    if hours.iter().all(|h| h.processed == 0) {
        return Ok(view! {
            <section aria-labelledby="throughput-title" id="throughput">
                {heading}
                <p>{labels.no_throughput}</p>
            </section>
        }
        .into_any());
    }
    let zone = port.zone_label();
    let position = |h: &ThroughputHour| {
        let hour = i32::try_from(h.local_hour).unwrap_or(0);
        hour_position(period, h.local_date, hour)
    };
    let peak = |pick: fn(&ThroughputHour) -> Option<f64>| {
        hours
            .iter()
            .filter_map(|h| Some((h, pick(h)?)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(h, value)| (h.local_date, h.local_hour, value))
    };
    let summary = lang.throughput_summary(
        (period.first, period.last),
        zone,
        peak(|h| h.per_lane),
        peak(|h| h.per_staffed_counter),
    );
    let series = |label: &str, pick: fn(&ThroughputHour) -> Option<f64>| Series {
        short_label: label.to_string(),
        points: hours
            .iter()
            .filter_map(|h| Some((position(h), pick(h)?)))
            .collect(),
    };
    let svg = line_chart_svg(&LineChart {
        id: "throughput-chart".into(),
        day_labels: period
            .dates()
            .into_iter()
            .map(|d| lang.date_short(d))
            .collect(),
        x_description: format!("{} ({zone})", labels.axis_local_time),
        y_description: labels.axis_per_counter.into(),
        series: vec![
            series(labels.per_lane_short, |h| h.per_lane),
            series(labels.per_staffed_short, |h| h.per_staffed_counter),
        ],
        reference: None,
        summary: summary.clone(),
        lang,
        size: WIDE,
        y_max: None,
        join_within: HOURLY,
    })?;
    let figure = chart_figure(ChartFigure {
        svg,
        legend: vec![
            LegendEntry {
                label: labels.per_lane_in_use.into(),
                colour: Some(0),
            },
            LegendEntry {
                label: labels.per_staffed_counter.into(),
                colour: Some(1),
            },
        ],
        summary,
    });
    let optional =
        |v: Option<f64>| v.map_or_else(|| labels.no_value.to_string(), |v| lang.number(v, 1));
    let rows = throughput_days(hours)
        .into_iter()
        .map(|day| {
            let busiest = day.busiest.map_or_else(
                || labels.no_value.to_string(),
                |(hour, count)| format!("{} ({})", lang.clock(hour, 0), lang.count(count)),
            );
            let most_staffed = day
                .most_staffed
                .map_or_else(|| labels.no_value.to_string(), |v| lang.count(v));
            view! {
                <tr>
                    <th scope="row">{lang.date_long(day.local_date)}</th>
                    <td class="num">{lang.count(day.processed)}</td>
                    <td class="num">{lang.count(day.cleared)}</td>
                    <td class="num">{busiest}</td>
                    <td class="num">{lang.count(day.most_lanes)}</td>
                    <td class="num">{optional(day.per_lane_hour)}</td>
                    <td class="num">{most_staffed}</td>
                    <td class="num">{optional(day.per_staffed_hour)}</td>
                </tr>
            }
        })
        .collect_view();
    Ok(view! {
        <section aria-labelledby="throughput-title" id="throughput">
            {heading}
            <p class="lead">{labels.throughput_note}</p>
            {staffed_notice}
            {figure}
            <div class="table-wrap">
                <table>
                    <caption>{format!("{} ({zone})", labels.local_date)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{labels.local_date}</th>
                            <th scope="col" class="num">{labels.travellers_processed}</th>
                            <th scope="col" class="num">{labels.travellers_cleared}</th>
                            <th scope="col" class="num">{labels.busiest_hour}</th>
                            <th scope="col" class="num">{labels.most_lanes}</th>
                            <th scope="col" class="num">{labels.per_lane_hour}</th>
                            <th scope="col" class="num">{labels.most_staffed}</th>
                            <th scope="col" class="num">{labels.per_staffed_hour}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any())
}

/// One local day of `kpi_stage_attribution_daily`.
#[derive(Debug, Clone, PartialEq)]
pub struct StageDay {
    pub local_date: NaiveDate,
    pub flights: i64,
    pub with_immigration: i64,
    pub attributed: i64,
    pub immigration_minutes: Option<f64>,
    pub customs_minutes: Option<f64>,
    pub door_to_door_minutes: Option<f64>,
    pub immigration_share: Option<f64>,
    pub customs_share: Option<f64>,
    pub longer_stage: Option<String>,
}

/// One arrival of `kpi_stage_attribution` with both stages measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrival {
    pub carrier: String,
    pub origin: String,
    pub on_block_ms: Option<i64>,
    pub travellers_matched: i64,
    pub immigration_minutes: f64,
    pub customs_minutes: f64,
    pub door_to_door_minutes: f64,
    pub longer_stage: Option<String>,
}

/// The port's days of `kpi_stage_attribution_daily` over the period.
pub async fn stage_days(viewer: &Viewer, period: &Period, port: &str) -> Result<Vec<StageDay>> {
    let sql = format!(
        "SELECT local_date, flights, flights_with_immigration_stage, flights_attributed,
                immigration_minutes_p50, customs_minutes_p50, door_to_door_minutes_p50,
                immigration_share_p50, customs_share_p50, longer_stage
         FROM kpi_stage_attribution_daily
         WHERE port = {} AND {}
         ORDER BY local_date",
        sql_text(port),
        period.sql_condition("local_date")
    );
    let answer = Answer::ask(viewer, &sql).await?;
    let dates = answer.dates("local_date")?;
    let flights = answer.i64s("flights")?;
    let with_immigration = answer.i64s("flights_with_immigration_stage")?;
    let attributed = answer.i64s("flights_attributed")?;
    let immigration = answer.f64s("immigration_minutes_p50")?;
    let customs = answer.f64s("customs_minutes_p50")?;
    let door = answer.f64s("door_to_door_minutes_p50")?;
    let immigration_share = answer.f64s("immigration_share_p50")?;
    let customs_share = answer.f64s("customs_share_p50")?;
    let longer = answer.strings("longer_stage")?;
    Ok((0..answer.len())
        .filter_map(|i| {
            Some(StageDay {
                local_date: dates[i]?,
                flights: flights[i].unwrap_or(0),
                with_immigration: with_immigration[i].unwrap_or(0),
                attributed: attributed[i].unwrap_or(0),
                immigration_minutes: immigration[i],
                customs_minutes: customs[i],
                door_to_door_minutes: door[i],
                immigration_share: immigration_share[i],
                customs_share: customs_share[i],
                longer_stage: longer[i].clone(),
            })
        })
        .collect())
}

/// The period's arrivals at the port with the longest door-to-door time.
pub async fn longest_arrivals(
    viewer: &Viewer,
    period: &Period,
    port: &str,
) -> Result<Vec<Arrival>> {
    let sql = format!(
        "SELECT carrier, origin, arrow_cast(actual_on_block_at, 'Int64') AS on_block_ms,
                travellers_matched, immigration_minutes, customs_minutes,
                door_to_door_minutes, longer_stage
         FROM kpi_stage_attribution
         WHERE port = {} AND {} AND door_to_door_minutes IS NOT NULL
         ORDER BY door_to_door_minutes DESC, flight_id
         LIMIT {LONGEST_ARRIVALS}",
        sql_text(port),
        period.sql_condition("local_date")
    );
    let answer = Answer::ask(viewer, &sql).await?;
    let carriers = answer.strings("carrier")?;
    let origins = answer.strings("origin")?;
    let on_block = answer.i64s("on_block_ms")?;
    let matched = answer.i64s("travellers_matched")?;
    let immigration = answer.f64s("immigration_minutes")?;
    let customs = answer.f64s("customs_minutes")?;
    let door = answer.f64s("door_to_door_minutes")?;
    let longer = answer.strings("longer_stage")?;
    Ok((0..answer.len())
        .filter_map(|i| {
            Some(Arrival {
                carrier: carriers[i].clone().unwrap_or_default(),
                origin: origins[i].clone().unwrap_or_default(),
                on_block_ms: on_block[i],
                travellers_matched: matched[i].unwrap_or(0),
                immigration_minutes: immigration[i]?,
                customs_minutes: customs[i]?,
                door_to_door_minutes: door[i]?,
                longer_stage: longer[i].clone(),
            })
        })
        .collect())
}

/// Who holds arriving travellers: a stacked bar of each day's median stage minutes, the
/// days in a table, and the arrivals that took longest.
pub fn stages_section(
    lang: Lang,
    port: &Port,
    days: &[StageDay],
    arrivals: &[Arrival],
) -> Result<AnyView> {
    let labels = lang.labels();
    let heading = view! { <h2 id="stages-title">{labels.stages_title}</h2> };
    if days.is_empty() {
        return Ok(view! {
            <section aria-labelledby="stages-title" id="stages">
                {heading}
                <p>{labels.no_arrivals}</p>
            </section>
        }
        .into_any());
    }
    let immigration = lang.agency("immigration");
    let customs = lang.agency("customs");
    let measured: Vec<&StageDay> = days
        .iter()
        .filter(|d| d.immigration_minutes.is_some())
        .collect();
    let chart = if measured.is_empty() {
        None
    } else {
        let longer = |agency: &str| {
            measured
                .iter()
                .filter(|d| d.longer_stage.as_deref() == Some(agency))
                .count()
        };
        let summary = lang.stages_summary(measured.len(), longer("immigration"), longer("customs"));
        let svg = stacked_bars_svg(&StackedBars {
            id: "stage-bars".into(),
            rows: measured
                .iter()
                .map(|d| {
                    (
                        lang.date_short(d.local_date),
                        vec![
                            d.immigration_minutes.unwrap_or(0.0),
                            d.customs_minutes.unwrap_or(0.0),
                        ],
                    )
                })
                .collect(),
            x_description: labels.axis_stage_minutes.into(),
            summary: summary.clone(),
            lang,
            scale: BarScale::Minutes,
            colours: BarColours::Categorical,
        })?;
        let swatch = |index: usize, name: &str| {
            view! {
                <li>
                    <span
                        class="swatch block"
                        style=format!("background: {}", css_colour(index))
                        aria-hidden="true"
                    ></span>
                    {name.to_string()}
                </li>
            }
        };
        Some(view! {
            <figure class="chart">
                <div class="chart-frame" inner_html=svg></div>
                <ul class="legend">{swatch(0, &immigration)} {swatch(1, &customs)}</ul>
                <figcaption>{summary}</figcaption>
            </figure>
        })
    };
    let negative = days
        .iter()
        .any(|d| d.customs_minutes.is_some_and(|m| m < 0.0))
        .then(|| view! { <p class="note">{labels.negative_stage_note}</p> });
    let minutes =
        |v: Option<f64>| v.map_or_else(|| labels.no_value.to_string(), |v| lang.number(v, 1));
    let share = |v: Option<f64>| v.map_or_else(|| labels.no_value.to_string(), |v| lang.percent(v));
    let longer = |agency: Option<&str>| {
        agency.map_or_else(|| labels.no_value.to_string(), |a| lang.agency(a))
    };
    let rows = days
        .iter()
        .map(|day| {
            view! {
                <tr>
                    <th scope="row">{lang.date_long(day.local_date)}</th>
                    <td class="num">{lang.count(day.flights)}</td>
                    <td class="num">{lang.count(day.with_immigration)}</td>
                    <td class="num">{lang.count(day.attributed)}</td>
                    <td class="num">{minutes(day.immigration_minutes)}</td>
                    <td class="num">{minutes(day.customs_minutes)}</td>
                    <td class="num">{minutes(day.door_to_door_minutes)}</td>
                    <td class="num">{share(day.immigration_share)}</td>
                    <td class="num">{share(day.customs_share)}</td>
                    <td>{longer(day.longer_stage.as_deref())}</td>
                </tr>
            }
        })
        .collect_view();
    let median = |name: &str| format!("{name} ({})", labels.median_minutes);
    let median_share = |name: &str| format!("{name} ({})", labels.median_share);
    let zone = port.zone_label();
    Ok(view! {
        <section aria-labelledby="stages-title" id="stages">
            {heading}
            <p class="lead">{labels.stages_intro}</p>
            {chart}
            {negative}
            <div class="table-wrap">
                <table>
                    <caption>{format!("{} ({zone})", labels.local_date)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{labels.local_date}</th>
                            <th scope="col" class="num">{labels.arrivals_listed}</th>
                            <th scope="col" class="num">{labels.immigration_measured}</th>
                            <th scope="col" class="num">{labels.both_measured}</th>
                            <th scope="col" class="num">{median(&immigration)}</th>
                            <th scope="col" class="num">{median(&customs)}</th>
                            <th scope="col" class="num">{median(labels.door_to_door)}</th>
                            <th scope="col" class="num">{median_share(&immigration)}</th>
                            <th scope="col" class="num">{median_share(&customs)}</th>
                            <th scope="col">{labels.longer_stage}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {arrivals_table(lang, port, arrivals)}
        </section>
    }
    .into_any())
}

fn arrivals_table(lang: Lang, port: &Port, arrivals: &[Arrival]) -> Option<AnyView> {
    if arrivals.is_empty() {
        return None;
    }
    let labels = lang.labels();
    let minutes = |v: f64| lang.number(v, 1);
    let rows = arrivals
        .iter()
        .map(|a| {
            let on_block = a.on_block_ms.map_or_else(
                || labels.no_value.to_string(),
                |ms| local_moment_short(lang, port, ms),
            );
            let longer = a
                .longer_stage
                .as_deref()
                .map_or_else(|| labels.no_value.to_string(), |s| lang.agency(s));
            view! {
                <tr>
                    <th scope="row">{a.carrier.clone()}</th>
                    <td>{a.origin.clone()}</td>
                    <td>{on_block}</td>
                    <td class="num">{lang.count(a.travellers_matched)}</td>
                    <td class="num">{minutes(a.immigration_minutes)}</td>
                    <td class="num">{minutes(a.customs_minutes)}</td>
                    <td class="num">{minutes(a.door_to_door_minutes)}</td>
                    <td>{longer}</td>
                </tr>
            }
        })
        .collect_view();
    let unit = |name: &str| format!("{name} ({})", labels.minutes_unit);
    Some(
        view! {
            <h3 class="table-title">{labels.longest_arrivals}</h3>
            <div class="table-wrap">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{labels.flight}</th>
                            <th scope="col">{labels.origin}</th>
                            <th scope="col">{format!("{} ({})", labels.on_block, port.zone_label())}</th>
                            <th scope="col" class="num">{labels.travellers_matched}</th>
                            <th scope="col" class="num">{unit(&lang.agency("immigration"))}</th>
                            <th scope="col" class="num">{unit(&lang.agency("customs"))}</th>
                            <th scope="col" class="num">{unit(labels.door_to_door)}</th>
                            <th scope="col">{labels.longer_stage}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any(),
    )
}

/// One joint operation of `kpi_joint_operation_impact`.
#[derive(Debug, Clone, PartialEq)]
pub struct JointOperation {
    pub name: String,
    pub terminal: Option<String>,
    pub agencies: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub duration_minutes: f64,
    pub lanes_halted: i64,
    pub lane_hours_lost: f64,
    pub cleared_per_hour: Option<f64>,
    pub baseline_per_hour: Option<f64>,
    pub baseline_days: i64,
    pub change_share: Option<f64>,
}

/// The port's joint operations that started on a day of the period.
pub async fn joint_operations(
    viewer: &Viewer,
    period: &Period,
    port: &str,
) -> Result<Vec<JointOperation>> {
    let sql = format!(
        "SELECT name, terminal, agencies,
                arrow_cast(started_at, 'Int64') AS start_ms,
                arrow_cast(ended_at, 'Int64') AS end_ms,
                duration_minutes, lanes_halted, lane_hours_lost, cleared_per_hour,
                baseline_cleared_per_hour, baseline_days_used, change_share
         FROM kpi_joint_operation_impact
         WHERE port = {} AND {}
         ORDER BY started_at, operation_id",
        sql_text(port),
        period.sql_condition("local_date")
    );
    let answer = Answer::ask(viewer, &sql).await?;
    let names = answer.strings("name")?;
    let terminals = answer.strings("terminal")?;
    let agencies = answer.strings("agencies")?;
    let starts = answer.i64s("start_ms")?;
    let ends = answer.i64s("end_ms")?;
    let durations = answer.f64s("duration_minutes")?;
    let lanes = answer.i64s("lanes_halted")?;
    let lost = answer.f64s("lane_hours_lost")?;
    let during = answer.f64s("cleared_per_hour")?;
    let baseline = answer.f64s("baseline_cleared_per_hour")?;
    let days = answer.i64s("baseline_days_used")?;
    let change = answer.f64s("change_share")?;
    Ok((0..answer.len())
        .filter_map(|i| {
            Some(JointOperation {
                name: names[i].clone().unwrap_or_default(),
                terminal: terminals[i].clone(),
                agencies: agencies[i].clone().unwrap_or_default(),
                start_ms: starts[i]?,
                end_ms: ends[i]?,
                duration_minutes: durations[i].unwrap_or(0.0),
                lanes_halted: lanes[i].unwrap_or(0),
                lane_hours_lost: lost[i].unwrap_or(0.0),
                cleared_per_hour: during[i],
                baseline_per_hour: baseline[i],
                baseline_days: days[i].unwrap_or(0),
                change_share: change[i],
            })
        })
        .collect())
}

/// The joint operations and how throughput fared during each.
pub fn joint_section(lang: Lang, port: &Port, operations: &[JointOperation]) -> AnyView {
    let labels = lang.labels();
    let heading = view! { <h2 id="joint-title">{labels.joint_title}</h2> };
    if operations.is_empty() {
        return view! {
            <section aria-labelledby="joint-title" id="joint">
                {heading}
                <p>{labels.joint_none}</p>
            </section>
        }
        .into_any();
    }
    let rate =
        |v: Option<f64>| v.map_or_else(|| labels.no_value.to_string(), |v| lang.number(v, 1));
    let rows = operations
        .iter()
        .map(|op| {
            let agencies = op
                .agencies
                .split(',')
                .map(|a| lang.agency(a))
                .collect::<Vec<_>>()
                .join(", ");
            let place = crate::port_waits::place_label(lang, op.terminal.as_deref());
            let baseline = format!(
                "{} {}",
                rate(op.baseline_per_hour),
                lang.days_used(op.baseline_days)
            );
            // A fall in throughput is the cost of the operation: it carries a mark.
            let change = match op.change_share {
                Some(share) if share < 0.0 => view! {
                    <td class="num missed">
                        <span class="mark" aria-hidden="true">"▼ "</span>
                        {format!("−{}", lang.percent(-share))}
                    </td>
                }
                .into_any(),
                Some(share) => view! {
                    <td class="num">{format!("+{}", lang.percent(share))}</td>
                }
                .into_any(),
                None => view! { <td class="num">{labels.no_value}</td> }.into_any(),
            };
            view! {
                <tr>
                    // A name, in whatever language the police gave it.
                    <th scope="row" translate="no">{op.name.clone()}</th>
                    <td>{place}</td>
                    <td>{agencies}</td>
                    <td class="nowrap">{local_moment_short(lang, port, op.start_ms)}</td>
                    <td class="nowrap">{local_moment_short(lang, port, op.end_ms)}</td>
                    <td class="num">{lang.duration(op.duration_minutes)}</td>
                    <td class="num">{lang.count(op.lanes_halted)}</td>
                    <td class="num">{lang.number_trimmed(op.lane_hours_lost, 1)}</td>
                    <td class="num">{rate(op.cleared_per_hour)}</td>
                    <td class="num">{baseline}</td>
                    {change}
                </tr>
            }
        })
        .collect_view();
    let lost: f64 = operations.iter().map(|o| o.lane_hours_lost).sum();
    view! {
        <section aria-labelledby="joint-title" id="joint">
            {heading}
            <p class="lead">{labels.joint_intro}</p>
            <p class="attention-summary">{lang.joint_summary(operations.len(), lost)}</p>
            <div class="table-wrap">
                <table>
                    <caption>{format!("{} ({})", labels.axis_local_time, port.zone_label())}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{labels.operation}</th>
                            <th scope="col">{labels.episode_where}</th>
                            <th scope="col">{labels.agencies}</th>
                            <th scope="col">{labels.episode_start}</th>
                            <th scope="col">{labels.episode_end}</th>
                            <th scope="col" class="num">{labels.duration}</th>
                            <th scope="col" class="num">{labels.lanes_halted}</th>
                            <th scope="col" class="num">{labels.lane_hours_lost}</th>
                            <th scope="col" class="num">{labels.cleared_per_hour_during}</th>
                            <th scope="col" class="num">{labels.baseline_per_hour}</th>
                            <th scope="col" class="num">{labels.change}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hour(day: u32, local_hour: u32, processed: i64, lanes: i64) -> ThroughputHour {
        ThroughputHour {
            local_date: NaiveDate::from_ymd_opt(2026, 10, day).expect("a date"),
            local_hour,
            processed,
            cleared: processed - 1,
            lanes,
            per_lane: Some(processed as f64 / lanes as f64),
            arrivals_at_counters: processed / 2,
            counters_staffed: None,
            per_staffed_counter: None,
        }
    }

    #[test]
    fn throughput_days_add_up_hours_and_divide_by_lane_and_counter_hours() {
        // 19 October: 10 travellers on 2 lanes at 08:00, 30 on 3 lanes at 09:00: 40
        // processed over 5 lane-hours is 8 per lane-hour; the busiest hour is 09:00. The
        // authority reported 4 counters staffed at 09:00 only: its 15 arrivals at counters
        // over 4 counter-hours is 3.75; the 5 arrivals of 08:00 had no figure.
        // 20 October: 6 on 1 lane at 07:00, no staffing reported.
        let staffed = ThroughputHour {
            counters_staffed: Some(4),
            ..hour(19, 9, 30, 3)
        };
        let days = throughput_days(&[hour(19, 8, 10, 2), staffed, hour(20, 7, 6, 1)]);
        assert_eq!(days.len(), 2);
        assert_eq!((days[0].processed, days[0].cleared), (40, 38));
        assert_eq!(days[0].busiest, Some((9, 30)));
        assert_eq!(days[0].most_lanes, 3);
        assert_eq!(days[0].per_lane_hour, Some(8.0));
        assert_eq!(
            (days[0].most_staffed, days[0].per_staffed_hour),
            (Some(4), Some(3.75))
        );
        assert_eq!(days[1].per_lane_hour, Some(6.0));
        assert_eq!(
            (days[1].most_staffed, days[1].per_staffed_hour),
            (None, None)
        );
    }
}
