//! Benchmarks (`/benchmarks`): how long travellers wait at our ports next to the foreign
//! airports that publish hourly wait reports (US CBP's, such as JFK), in the buckets those
//! reports use.
//!
//! A CBP report counts the passengers of each hour by how long they waited for the booth;
//! our ports' nearest measure is the queue wait (joined queue to reached counter), which the
//! bottleneck KPI already holds to the same threshold for both kinds of feed. Our travellers
//! are put in the same buckets as the reports (0–15, 16–30, … minutes, a wait of exactly 30
//! minutes being in 16–30), over the period chosen; each benchmark is shown over a period of
//! the same length ending with its own latest report, since its reports may be from another
//! year. Benchmarks are compared, never added into national figures.

use leptos::prelude::*;

use crate::charts::{BarColours, BarScale, StackedBars, css_sequential, stacked_bars_svg};
use crate::data::{self, Answer, Period, Viewer, sql_text};
use crate::error::Result;
use crate::filters::{Filters, PORT_AND_DATES};
use crate::i18n::Lang;
use crate::layout::{
    FilterForm, PageContext, document, filter_form, national_ports, not_shared_notice,
};

/// The wait buckets of the hourly reports: `(upper bound in minutes, report column)`; the
/// last has no upper bound.
const BUCKETS: [(Option<f64>, &str); 7] = [
    (Some(15.0), "pax_0_15"),
    (Some(30.0), "pax_16_30"),
    (Some(45.0), "pax_31_45"),
    (Some(60.0), "pax_46_60"),
    (Some(90.0), "pax_61_90"),
    (Some(120.0), "pax_91_120"),
    (None, "pax_over_120"),
];

/// The page's own words.
#[derive(Debug)]
struct Text {
    title: &'static str,
    intro: &'static str,
    chart_title: &'static str,
    axis: &'static str,
    ours: &'static str,
    benchmark: &'static str,
    counted: &'static str,
    average: &'static str,
    share_bottleneck_hours: &'static str,
    table_title: &'static str,
    bucket_note: &'static str,
    no_data: &'static str,
    minutes_range: &'static str,
    kind: &'static str,
    over: &'static str,
}

const EN: Text = Text {
    title: "Benchmarks",
    intro: "How long travellers wait at our entry points next to foreign airports that publish hourly wait reports. Our ports count the queue wait (joining the queue to reaching the counter) of every traveller, in the buckets the reports use. Benchmarks are compared, never added into national figures.",
    chart_title: "Share of travellers by wait",
    axis: "Share of travellers counted",
    ours: "our port",
    benchmark: "benchmark",
    counted: "Travellers counted",
    average: "Average wait",
    share_bottleneck_hours: "Bottleneck hours (share of hours)",
    table_title: "Waits side by side",
    bucket_note: "A benchmark is shown over a period as long as ours, ending with its latest report.",
    no_data: "There are no waits to compare in this period.",
    minutes_range: "min",
    kind: "Kind",
    over: "over",
};

const ID: Text = Text {
    title: "Pembanding",
    intro: "Lama pelintas menunggu di TPI kita dibandingkan dengan bandara luar negeri yang menerbitkan laporan waktu tunggu per jam. TPI kita menghitung waktu antre (dari mulai antre sampai tiba di loket) setiap pelintas, dalam kelompok yang dipakai laporan tersebut. Pembanding hanya untuk perbandingan dan tidak pernah dijumlahkan ke angka nasional.",
    chart_title: "Porsi pelintas menurut waktu tunggu",
    axis: "Porsi pelintas yang dihitung",
    ours: "TPI kita",
    benchmark: "pembanding",
    counted: "Pelintas dihitung",
    average: "Rata-rata waktu tunggu",
    share_bottleneck_hours: "Jam kemacetan (porsi dari jam)",
    table_title: "Waktu tunggu berdampingan",
    bucket_note: "Pembanding ditampilkan untuk periode yang sama panjangnya dengan periode kita, berakhir pada laporan terakhirnya.",
    no_data: "Tidak ada waktu tunggu yang dapat dibandingkan pada periode ini.",
    minutes_range: "menit",
    kind: "Jenis",
    over: "lebih dari",
};

fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::En => &EN,
        Lang::Id => &ID,
    }
}

/// One port's waits over its period.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitProfile {
    pub port: String,
    pub name: String,
    pub benchmark: bool,
    pub period: Period,
    /// Travellers (or passengers) in each bucket of [`BUCKETS`].
    pub buckets: [i64; 7],
    pub average_wait: Option<f64>,
    /// The bottleneck KPI's share of travellers counted who waited longer than T.
    pub share_over_threshold: Option<f64>,
    pub threshold_minutes: f64,
    pub bottleneck_hours: i64,
    pub hours_counted: i64,
}

impl WaitProfile {
    pub fn counted(&self) -> i64 {
        self.buckets.iter().sum()
    }

    /// Each bucket's share of the travellers counted.
    pub fn shares(&self) -> Vec<f64> {
        let total = self.counted();
        self.buckets
            .iter()
            .map(|n| {
                if total > 0 {
                    *n as f64 / total as f64
                } else {
                    0.0
                }
            })
            .collect()
    }
}

/// Renders the benchmarks page.
pub async fn benchmarks_page(
    viewer: &Viewer,
    context: &PageContext,
    filters: &Filters,
) -> Result<String> {
    let lang = context.lang;
    let words = text(lang);
    let labels = lang.labels();
    // Indonesian ports' profiles come from Immigration's data, the benchmarks' from public
    // reports: a user whose agency may not see the first gets the notice and the second.
    let latest = data::shared(data::latest_crossing_date(viewer).await)?;
    let period = latest
        .as_ref()
        .ok()
        .and_then(|l| l.map(|l| filters.period(l)));
    let ours = match (&latest, &period) {
        (Err(not_shared), _) => Err(not_shared.clone()),
        (Ok(_), Some(period)) => {
            data::shared(our_profiles(viewer, period, filters.port.as_deref()).await)?
        }
        (Ok(_), None) => Ok(Vec::new()),
    };
    let (mut profiles, unshared) = match ours {
        Ok(profiles) => (profiles, None),
        Err(not_shared) => (Vec::new(), Some(not_shared_notice(lang, &not_shared))),
    };
    let days = period.map_or(Period::DAYS, |p| p.days());
    for benchmark in data::benchmark_ports(viewer).await? {
        if let Some(last) = data::latest_report_date(viewer, &benchmark.port).await? {
            let period = Period {
                first: last
                    .checked_sub_days(chrono::Days::new(days - 1))
                    .unwrap_or(last),
                last,
            };
            profiles.extend(
                benchmark_profile(viewer, &period, &benchmark.port, &benchmark.name).await?,
            );
        }
    }
    let form = filter_form(
        context,
        FilterForm {
            params: PORT_AND_DATES,
            filters: filters.clone(),
            period,
            ports: national_ports(viewer.ports()),
            terminals: Vec::new(),
        },
    );
    let period_line =
        period.map(|p| format!("{}: {}", labels.period, lang.date_range(p.first, p.last)));
    let body = if profiles.iter().all(|p| p.counted() == 0) {
        view! { <p class="notice">{words.no_data}</p> }.into_any()
    } else {
        profiles.retain(|p| p.counted() > 0);
        let chart = bars_chart(lang, &profiles)?;
        view! {
            <section aria-labelledby="bars-title">
                <h2 id="bars-title">{words.chart_title}</h2>
                <figure class="chart">
                    <div class="chart-frame" inner_html=chart></div>
                    {bucket_legend(lang)}
                </figure>
            </section>
            {profiles_table(lang, &profiles)}
        }
        .into_any()
    };
    let main = view! {
        <h1>{words.title}</h1>
        <p class="period">{period_line}</p>
        <p class="lead">{words.intro}</p>
        {form}
        {unshared}
        {body}
    }
    .into_any();
    Ok(document(context, words.title, main))
}

/// "0–15 min", "16–30 min", …, "over 120 min".
fn bucket_label(lang: Lang, index: usize) -> String {
    let words = text(lang);
    let lower = index
        .checked_sub(1)
        .and_then(|i| BUCKETS[i].0)
        .map_or(0.0, |edge| edge + 1.0);
    match BUCKETS[index].0 {
        Some(upper) => format!(
            "{}–{} {}",
            lang.number(lower, 0),
            lang.number(upper, 0),
            words.minutes_range
        ),
        None => format!(
            "{} {} {}",
            words.over,
            lang.number(lower - 1.0, 0),
            words.minutes_range
        ),
    }
}

fn bucket_legend(lang: Lang) -> AnyView {
    let entries = (0..BUCKETS.len())
        .map(|i| {
            let style = format!("background: {}", css_sequential(i));
            view! {
                <li>
                    <span class="swatch block" style=style aria-hidden="true"></span>
                    {bucket_label(lang, i)}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="legend">{entries}</ul> }.into_any()
}

fn row_label(lang: Lang, profile: &WaitProfile) -> String {
    let words = text(lang);
    let kind = if profile.benchmark {
        words.benchmark
    } else {
        words.ours
    };
    format!("{} ({kind})", profile.port)
}

fn bars_chart(lang: Lang, profiles: &[WaitProfile]) -> Result<String> {
    let words = text(lang);
    let sentences: Vec<String> = profiles
        .iter()
        .map(|p| {
            let over = p
                .share_over_threshold
                .map_or_else(|| lang.labels().no_value.to_string(), |s| lang.percent(s));
            format!(
                "{}: {} {}, {} {}",
                row_label(lang, p),
                lang.percent(p.shares()[0]),
                bucket_label(lang, 0),
                over,
                lang.waited_over(p.threshold_minutes).to_lowercase()
            )
        })
        .collect();
    stacked_bars_svg(&StackedBars {
        id: "wait-bars".into(),
        rows: profiles
            .iter()
            .map(|p| (row_label(lang, p), p.shares()))
            .collect(),
        x_description: words.axis.into(),
        summary: format!("{}. {}.", words.chart_title, sentences.join("; ")),
        lang,
        scale: BarScale::Shares,
        colours: BarColours::Sequential,
    })
}

fn profiles_table(lang: Lang, profiles: &[WaitProfile]) -> AnyView {
    let words = text(lang);
    let labels = lang.labels();
    let threshold = profiles.first().map_or(30.0, |p| p.threshold_minutes);
    let rows = profiles
        .iter()
        .map(|p| {
            let shares = p
                .shares()
                .into_iter()
                .map(|s| view! { <td class="num">{lang.percent(s)}</td> })
                .collect_view();
            let hours = if p.hours_counted > 0 {
                format!(
                    "{} / {} ({})",
                    lang.count(p.bottleneck_hours),
                    lang.count(p.hours_counted),
                    lang.percent(p.bottleneck_hours as f64 / p.hours_counted as f64)
                )
            } else {
                labels.no_value.to_string()
            };
            let kind = if p.benchmark { words.benchmark } else { words.ours };
            let period = format!(
                "{} – {}",
                lang.date_compact(p.period.first),
                lang.date_compact(p.period.last)
            );
            view! {
                <tr>
                    <th scope="row">{format!("{} ({})", p.name, p.port)}</th>
                    <td>{kind}</td>
                    <td class="nowrap">{period}</td>
                    <td class="num">{lang.count(p.counted())}</td>
                    <td class="num">
                        {p.average_wait.map_or_else(|| labels.no_value.to_string(), |v| lang.minutes(v))}
                    </td>
                    <td class="num">
                        {p.share_over_threshold.map_or_else(|| labels.no_value.to_string(), |s| lang.percent(s))}
                    </td>
                    <td class="num">{hours}</td>
                    {shares}
                </tr>
            }
        })
        .collect_view();
    let bucket_headers = (0..BUCKETS.len())
        .map(|i| view! { <th scope="col" class="num">{bucket_label(lang, i)}</th> })
        .collect_view();
    view! {
        <section aria-labelledby="table-title">
            <h2 id="table-title">{words.table_title}</h2>
            <div class="table-wrap">
                <table>
                    <caption>{words.bucket_note}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{labels.entry_point}</th>
                            <th scope="col">{words.kind}</th>
                            <th scope="col">{labels.period}</th>
                            <th scope="col" class="num">{words.counted}</th>
                            <th scope="col" class="num">{words.average}</th>
                            <th scope="col" class="num">{lang.waited_over(threshold)}</th>
                            <th scope="col" class="num">{words.share_bottleneck_hours}</th>
                            {bucket_headers}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

/// The bottleneck KPI over a period, per port: the share of travellers counted who waited
/// longer than T, bottleneck hours and hours anybody was counted in.
const BOTTLENECK_SUMMARY: &str = "
    SELECT port,
           CAST(sum(travellers_over_threshold) AS DOUBLE)
               / nullif(sum(travellers_counted), 0) AS share_over_threshold,
           sum(CASE WHEN is_bottleneck THEN 1 ELSE 0 END) AS bottleneck_hours,
           sum(CASE WHEN travellers_counted > 0 THEN 1 ELSE 0 END) AS hours_counted,
           max(wait_threshold_minutes) AS threshold_minutes
    FROM kpi_bottleneck_hours";

/// Our ports' queue waits over the period, in the reports' buckets.
pub async fn our_profiles(
    viewer: &Viewer,
    period: &Period,
    port: Option<&str>,
) -> Result<Vec<WaitProfile>> {
    let in_period = period.sql_condition("local_date");
    let at_port = port
        .map(|p| format!(" AND t.port = {}", sql_text(p)))
        .unwrap_or_default();
    let mut bucket_columns = Vec::new();
    let mut lower: Option<f64> = None;
    for (index, (upper, _)) in BUCKETS.iter().enumerate() {
        let above = lower.map_or_else(String::new, |l| format!(" AND queue_wait_minutes > {l}"));
        let below = upper.map_or_else(String::new, |u| format!(" AND queue_wait_minutes <= {u}"));
        bucket_columns.push(format!(
            "sum(CASE WHEN queue_wait_minutes IS NOT NULL{above}{below} THEN 1 ELSE 0 END) AS b{index}"
        ));
        lower = *upper;
    }
    let sql = format!(
        "WITH waits AS (
            SELECT t.port, {buckets}, avg(t.queue_wait_minutes) AS average_wait
            FROM crossing_times t JOIN ports p ON p.port = t.port
            WHERE NOT p.benchmark AND {in_period}{at_port}
            GROUP BY t.port
        ), bottlenecks AS ({BOTTLENECK_SUMMARY}
            WHERE terminal IS NULL AND source = 'events' AND {in_period}
            GROUP BY port
        )
        SELECT w.*, p.name, b.share_over_threshold, b.bottleneck_hours, b.hours_counted,
               b.threshold_minutes
        FROM waits w JOIN ports p ON p.port = w.port
        LEFT JOIN bottlenecks b ON b.port = w.port
        ORDER BY b.share_over_threshold DESC NULLS LAST, w.port",
        buckets = bucket_columns.join(", ")
    );
    profiles(viewer, &sql, false, *period).await
}

/// One benchmark port's hourly reports over the period, all terminals together.
pub async fn benchmark_profile(
    viewer: &Viewer,
    period: &Period,
    port: &str,
    name: &str,
) -> Result<Vec<WaitProfile>> {
    let in_period = period.sql_condition("local_date");
    let quoted = sql_text(port);
    let buckets: Vec<String> = BUCKETS
        .iter()
        .enumerate()
        .map(|(i, (_, column))| format!("sum({column}) AS b{i}"))
        .collect();
    let sql = format!(
        "WITH waits AS (
            SELECT port, {buckets},
                   sum(wait_avg_min_all * pax_total)
                       / nullif(sum(CASE WHEN wait_avg_min_all IS NOT NULL THEN pax_total END), 0)
                       AS average_wait
            FROM wait_hourly WHERE port = {quoted} AND {in_period}
            GROUP BY port
        ), bottlenecks AS ({BOTTLENECK_SUMMARY}
            WHERE terminal IS NULL AND source = 'hourly_report' AND port = {quoted}
              AND {in_period}
            GROUP BY port
        )
        SELECT w.*, {name} AS name, b.share_over_threshold, b.bottleneck_hours,
               b.hours_counted, b.threshold_minutes
        FROM waits w LEFT JOIN bottlenecks b ON b.port = w.port",
        buckets = buckets.join(", "),
        name = sql_text(name)
    );
    profiles(viewer, &sql, true, *period).await
}

async fn profiles(
    viewer: &Viewer,
    sql: &str,
    benchmark: bool,
    period: Period,
) -> Result<Vec<WaitProfile>> {
    let answer = Answer::ask(viewer, sql).await?;
    let ports = answer.strings("port")?;
    let names = answer.strings("name")?;
    let mut buckets = Vec::new();
    for i in 0..BUCKETS.len() {
        buckets.push(answer.i64s(&format!("b{i}"))?);
    }
    let average = answer.f64s("average_wait")?;
    let share = answer.f64s("share_over_threshold")?;
    let hours = answer.i64s("bottleneck_hours")?;
    let counted = answer.i64s("hours_counted")?;
    let threshold = answer.f64s("threshold_minutes")?;
    let fallback_threshold = viewer.targets().bottleneck.wait_threshold_minutes;
    Ok((0..answer.len())
        .map(|i| {
            let port = ports[i].clone().unwrap_or_default();
            WaitProfile {
                period,
                name: names[i].clone().unwrap_or_default(),
                benchmark,
                buckets: std::array::from_fn(|b| buckets[b][i].unwrap_or(0)),
                average_wait: average[i],
                share_over_threshold: share[i],
                threshold_minutes: threshold[i].unwrap_or(fallback_threshold),
                bottleneck_hours: hours[i].unwrap_or(0),
                hours_counted: counted[i].unwrap_or(0),
                port,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_named_like_the_reports() {
        assert_eq!(bucket_label(Lang::En, 0), "0–15 min");
        assert_eq!(bucket_label(Lang::En, 1), "16–30 min");
        assert_eq!(bucket_label(Lang::Id, 6), "lebih dari 120 menit");
    }
}
