//! Agency comparison (`/agencies`): the same KPIs side by side for every agency at the
//! entry points (or one port), over the period chosen: how much each handled, whether it
//! met its MoU service level, how much of an arrival's door-to-door time it held, whether
//! its messages arrived in time and its nightly exports landed, and its enforcement.
//!
//! Enforcement is shown as someone without detail rights may see it: from
//! `kpi_enforcement_public_daily`, where a day's count of 1 to 4 is '<5' and a total that
//! would give one back is withheld. A period's figure adds up only the days shown and says
//! how many days were hidden, so nothing on this page gives a hidden count back; its rate
//! per 10,000 travellers is given only when no day was hidden.

use leptos::prelude::*;

use crate::data::{self, Answer, Period, Viewer, sql_text};
use crate::error::Result;
use crate::filters::{Filters, PORT_AND_DATES};
use crate::health::{self, ExchangeRoute, FeedHealth};
use crate::i18n::Lang;
use crate::layout::{
    FilterForm, PageContext, document, filter_form, national_ports, not_shared_section, status,
};

/// The agencies compared, as the KPI tables name them, in the order of the columns.
const AGENCIES: [&str; 5] = [
    "immigration",
    "customs",
    "quarantine",
    "police",
    "authority",
];

/// The page's own words.
#[derive(Debug)]
struct Text {
    title: &'static str,
    intro: &'static str,
    matrix_title: &'static str,
    kpi: &'static str,
    volume: &'static str,
    service_level: &'static str,
    stage: &'static str,
    exchange: &'static str,
    feeds: &'static str,
    not_applicable: &'static str,
    travellers_processed: &'static str,
    inspections: &'static str,
    screened: &'static str,
    joint_operations: &'static str,
    arrivals: &'static str,
    lane_hours_lost: &'static str,
    held_up_title: &'static str,
    enforcement_title: &'static str,
    enforcement_intro: &'static str,
    agency: &'static str,
    measure: &'static str,
    cases: &'static str,
    per_10k: &'static str,
    rate_hidden: &'static str,
    attributed_note: &'static str,
    no_enforcement: &'static str,
    no_data: &'static str,
}

const EN: Text = Text {
    title: "Agencies side by side",
    intro: "The same KPIs for every agency at the entry points, over the same days: what each handled, whether it met its MoU target, how long it held arriving travellers, and whether its data arrived in time.",
    matrix_title: "The same KPIs per agency",
    kpi: "KPI",
    volume: "Handled",
    service_level: "Service level against the MoU",
    stage: "Time an arrival's travellers were held (median, share of door-to-door)",
    exchange: "Messages sent that arrived within the MoU latency",
    feeds: "Nightly exports on time (all nights)",
    not_applicable: "not applicable",
    travellers_processed: "travellers processed",
    inspections: "baggage inspections",
    screened: "travellers screened",
    joint_operations: "joint operations",
    arrivals: "arrivals on block",
    lane_hours_lost: "lane-hours halted",
    held_up_title: "Who held arriving travellers",
    enforcement_title: "Enforcement",
    enforcement_intro: "Counts of 1 to 4 on a day are shown only as \"<5\" to anyone without detail rights. A period's figure adds up the days shown; where days were hidden it is a lower bound and says so, and no rate is given.",
    agency: "Agency",
    measure: "Measure",
    cases: "Cases",
    per_10k: "Per 10,000 travellers",
    rate_hidden: "not given: it would show a hidden count",
    attributed_note: "arrivals with both stages measured",
    no_enforcement: "No enforcement was recorded in this period.",
    no_data: "No data has been ingested yet.",
};

const ID: Text = Text {
    title: "Perbandingan antarinstansi",
    intro: "KPI yang sama untuk setiap instansi di TPI, pada hari-hari yang sama: berapa banyak yang ditangani, apakah target MoU tercapai, berapa lama pelintas yang datang tertahan, dan apakah datanya tiba tepat waktu.",
    matrix_title: "KPI yang sama per instansi",
    kpi: "KPI",
    volume: "Ditangani",
    service_level: "Tingkat layanan terhadap MoU",
    stage: "Lama pelintas suatu kedatangan tertahan (median, porsi dari total waktu)",
    exchange: "Pesan terkirim yang tiba dalam batas latensi MoU",
    feeds: "Ekspor malam tepat waktu (semua malam)",
    not_applicable: "tidak berlaku",
    travellers_processed: "pelintas diproses",
    inspections: "pemeriksaan barang bawaan",
    screened: "pelintas diperiksa kesehatannya",
    joint_operations: "operasi gabungan",
    arrivals: "kedatangan (on block)",
    lane_hours_lost: "jam-jalur terhenti",
    held_up_title: "Siapa yang menahan pelintas yang datang",
    enforcement_title: "Penegakan hukum",
    enforcement_intro: "Jumlah 1 sampai 4 dalam sehari hanya ditampilkan sebagai \"<5\" bagi yang tidak memiliki hak rinci. Angka suatu periode menjumlahkan hari yang ditampilkan; jika ada hari yang disamarkan, angka itu batas bawah dan dinyatakan demikian, tanpa tingkat per 10.000.",
    agency: "Instansi",
    measure: "Ukuran",
    cases: "Kasus",
    per_10k: "Per 10.000 pelintas",
    rate_hidden: "tidak diberikan: akan memperlihatkan jumlah yang disamarkan",
    attributed_note: "kedatangan yang kedua tahapnya terukur",
    no_enforcement: "Tidak ada penegakan hukum tercatat pada periode ini.",
    no_data: "Belum ada data yang dimuat.",
};

fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::En => &EN,
        Lang::Id => &ID,
    }
}

/// One agency's service level over the period (`kpi_service_level_by_agency_daily`).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceLevel {
    pub agency: String,
    pub measured: i64,
    pub within_target: i64,
    pub target_minutes: (f64, f64),
    pub required_share: f64,
}

impl ServiceLevel {
    pub fn share(&self) -> Option<f64> {
        (self.measured > 0).then(|| self.within_target as f64 / self.measured as f64)
    }

    pub fn met(&self) -> Option<bool> {
        self.share().map(|s| s >= self.required_share)
    }
}

/// Stage attribution over the period's arrivals (`kpi_stage_attribution`).
#[derive(Debug, Clone, PartialEq)]
pub struct Stages {
    pub flights: i64,
    pub attributed: i64,
    pub immigration_minutes: Option<f64>,
    pub customs_minutes: Option<f64>,
    pub immigration_share: Option<f64>,
    pub customs_share: Option<f64>,
}

/// One enforcement measure of one agency over the period, as the public may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicCount {
    pub agency: String,
    pub measure: String,
    /// The sum of the daily counts shown.
    pub shown: i64,
    /// Days whose count was '<5' or withheld.
    pub days_hidden: i64,
}

/// How much each agency handled over the period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Volumes {
    pub travellers: i64,
    pub inspections: i64,
    pub screened: i64,
    pub joint_operations: i64,
    pub lane_hours_lost: f64,
    pub arrivals: i64,
}

/// Renders the agency comparison.
pub async fn agencies_page(
    viewer: &Viewer,
    context: &PageContext,
    filters: &Filters,
) -> Result<String> {
    let lang = context.lang;
    let words = text(lang);
    let labels = lang.labels();
    let Some(latest) = data::latest_crossing_date(viewer).await? else {
        let main = view! {
            <h1>{words.title}</h1>
            <p class="notice">{words.no_data}</p>
        }
        .into_any();
        return Ok(document(context, words.title, main));
    };
    let period = filters.period(latest);
    let port = filters.port.as_deref();
    // The comparison needs every agency's figures; the enforcement table is its own
    // section. Either shows the notice when the user's agency may not see what it reads.
    let compared = data::shared(
        async {
            Ok((
                volumes(viewer, &period, port).await?,
                service_levels(viewer, &period, port).await?,
                stages(viewer, &period, port).await?,
                health::exchange_routes(viewer, &period, port).await?,
                health::feed_health(viewer, port).await?,
            ))
        }
        .await,
    )?;
    let enforcement = data::shared(public_counts(viewer, &period, port).await)?;
    let form = filter_form(
        context,
        FilterForm {
            params: PORT_AND_DATES,
            filters: filters.clone(),
            period: Some(period),
            ports: national_ports(viewer.ports()),
            terminals: Vec::new(),
        },
    );
    let place = port.and_then(|code| viewer.ports().get(code)).map_or_else(
        || labels.all_ports.to_string(),
        |p| format!("{} ({})", p.name, p.code),
    );
    let period_line = format!(
        "{}: {} · {place} · {} v{}",
        labels.period,
        lang.date_range(period.first, period.last),
        labels.mou_targets,
        context.targets_version
    );
    let main = view! {
        <h1>{words.title}</h1>
        <p class="period">{period_line}</p>
        <p class="lead">{words.intro}</p>
        {form}
        {match (&compared, &enforcement) {
            (Ok((volumes, levels, stages, routes, feeds)), enforcement) => {
                view! {
                    {held_up(lang, stages)}
                    {matrix(lang, volumes, levels, stages, routes, feeds)}
                    {match enforcement {
                        Ok(enforcement) => enforcement_table(lang, enforcement, volumes.travellers),
                        Err(not_shared) => {
                            not_shared_section(
                                lang,
                                ("enforcement", words.enforcement_title),
                                not_shared,
                            )
                        }
                    }}
                }
                    .into_any()
            }
            (Err(not_shared), _) => {
                not_shared_section(lang, ("matrix", words.matrix_title), not_shared)
            }
        }}
    }
    .into_any();
    Ok(document(context, words.title, main))
}

fn port_filter(column: &str, port: Option<&str>) -> String {
    port.map(|p| format!(" AND {column} = {}", sql_text(p)))
        .unwrap_or_default()
}

/// The national ports only: benchmarks never count into national figures.
const NATIONAL: &str = "port IN (SELECT port FROM ports WHERE NOT benchmark)";

async fn volumes(viewer: &Viewer, period: &Period, port: Option<&str>) -> Result<Volumes> {
    let in_period = period.sql_condition("local_date");
    let at = port_filter("port", port);
    let sql = format!(
        "SELECT
            (SELECT count(*) FROM crossings WHERE {NATIONAL} AND {in_period}{at}) AS travellers,
            (SELECT count(*) FROM customs_inspections
                WHERE traveller_key IS NOT NULL AND {NATIONAL} AND {in_period}{at}) AS inspections,
            (SELECT sum(screened) FROM health_screenings_hourly
                WHERE {NATIONAL} AND {in_period}{at}) AS screened,
            (SELECT count(*) FROM kpi_joint_operation_impact
                WHERE {NATIONAL} AND {in_period}{at}) AS joint_operations,
            (SELECT sum(lane_hours_lost) FROM kpi_joint_operation_impact
                WHERE {NATIONAL} AND {in_period}{at}) AS lane_hours_lost,
            (SELECT count(*) FROM flights
                WHERE actual_on_block_at IS NOT NULL AND {NATIONAL} AND {in_period}{at})
                AS arrivals"
    );
    let answer = Answer::ask(viewer, &sql).await?;
    let first = |values: Vec<Option<i64>>| values.into_iter().flatten().next().unwrap_or(0);
    Ok(Volumes {
        travellers: first(answer.i64s("travellers")?),
        inspections: first(answer.i64s("inspections")?),
        screened: first(answer.i64s("screened")?),
        joint_operations: first(answer.i64s("joint_operations")?),
        lane_hours_lost: answer
            .f64s("lane_hours_lost")?
            .into_iter()
            .flatten()
            .next()
            .unwrap_or(0.0),
        arrivals: first(answer.i64s("arrivals")?),
    })
}

async fn service_levels(
    viewer: &Viewer,
    period: &Period,
    port: Option<&str>,
) -> Result<Vec<ServiceLevel>> {
    let sql = format!(
        "SELECT agency, sum(measured) AS measured, sum(within_target) AS within_target,
                min(target_minutes) AS target_min, max(target_minutes) AS target_max,
                max(required_share) AS required_share
         FROM kpi_service_level_by_agency_daily
         WHERE {NATIONAL} AND {}{}
         GROUP BY agency",
        period.sql_condition("local_date"),
        port_filter("port", port)
    );
    let answer = Answer::ask(viewer, &sql).await?;
    let agencies = answer.strings("agency")?;
    let measured = answer.i64s("measured")?;
    let within = answer.i64s("within_target")?;
    let low = answer.f64s("target_min")?;
    let high = answer.f64s("target_max")?;
    let required = answer.f64s("required_share")?;
    Ok((0..answer.len())
        .map(|i| ServiceLevel {
            agency: agencies[i].clone().unwrap_or_default(),
            measured: measured[i].unwrap_or(0),
            within_target: within[i].unwrap_or(0),
            target_minutes: (low[i].unwrap_or(f64::NAN), high[i].unwrap_or(f64::NAN)),
            required_share: required[i].unwrap_or(f64::NAN),
        })
        .collect())
}

async fn stages(viewer: &Viewer, period: &Period, port: Option<&str>) -> Result<Stages> {
    let sql = format!(
        "SELECT count(*) AS flights, count(door_to_door_minutes) AS attributed,
                percentile_linear(immigration_minutes, 0.5) AS immigration_minutes,
                percentile_linear(customs_minutes, 0.5) AS customs_minutes,
                percentile_linear(immigration_share, 0.5) AS immigration_share,
                percentile_linear(customs_share, 0.5) AS customs_share
         FROM kpi_stage_attribution
         WHERE {NATIONAL} AND {}{}",
        period.sql_condition("local_date"),
        port_filter("port", port)
    );
    let answer = Answer::ask(viewer, &sql).await?;
    let one = |values: Vec<Option<f64>>| values.into_iter().flatten().next();
    Ok(Stages {
        flights: answer
            .i64s("flights")?
            .into_iter()
            .flatten()
            .next()
            .unwrap_or(0),
        attributed: answer
            .i64s("attributed")?
            .into_iter()
            .flatten()
            .next()
            .unwrap_or(0),
        immigration_minutes: one(answer.f64s("immigration_minutes")?),
        customs_minutes: one(answer.f64s("customs_minutes")?),
        immigration_share: one(answer.f64s("immigration_share")?),
        customs_share: one(answer.f64s("customs_share")?),
    })
}

async fn public_counts(
    viewer: &Viewer,
    period: &Period,
    port: Option<&str>,
) -> Result<Vec<PublicCount>> {
    let sql = format!(
        "SELECT agency, measure,
                sum(CASE WHEN suppressed IS NULL THEN CAST(count_shown AS BIGINT) ELSE 0 END)
                    AS shown,
                sum(CASE WHEN suppressed IS NULL THEN 0 ELSE 1 END) AS days_hidden
         FROM kpi_enforcement_public_daily
         WHERE category = 'all' AND {NATIONAL} AND {}{}
         GROUP BY agency, measure",
        period.sql_condition("local_date"),
        port_filter("port", port)
    );
    let answer = Answer::ask(viewer, &sql).await?;
    let agencies = answer.strings("agency")?;
    let measures = answer.strings("measure")?;
    let shown = answer.i64s("shown")?;
    let hidden = answer.i64s("days_hidden")?;
    let mut counts: Vec<PublicCount> = (0..answer.len())
        .map(|i| PublicCount {
            agency: agencies[i].clone().unwrap_or_default(),
            measure: measures[i].clone().unwrap_or_default(),
            shown: shown[i].unwrap_or(0),
            days_hidden: hidden[i].unwrap_or(0),
        })
        .collect();
    let order = |c: &PublicCount| {
        (
            AGENCIES
                .iter()
                .position(|a| *a == c.agency)
                .unwrap_or(AGENCIES.len()),
            MEASURES
                .iter()
                .position(|(m, _, _)| *m == c.measure)
                .unwrap_or(MEASURES.len()),
        )
    };
    counts.sort_by_key(order);
    Ok(counts)
}

/// The enforcement measures of `kpi_enforcement_counts_daily`, in words.
const MEASURES: [(&str, &str, &str); 8] = [
    (
        "refusal",
        "Refused entry (tolak/tangkal)",
        "Penolakan masuk (tolak/tangkal)",
    ),
    ("detention", "Detentions", "Penahanan"),
    (
        "notice_hit",
        "I-24/7 notice hits",
        "Kecocokan notice I-24/7",
    ),
    (
        "secondary_referral",
        "Sent to secondary inspection",
        "Rujukan pemeriksaan lanjutan",
    ),
    ("seizure", "Seizures", "Penyitaan"),
    (
        "referral",
        "Referred for examination",
        "Rujukan pemeriksaan kesehatan",
    ),
    ("isolation", "Isolations", "Isolasi"),
    ("incident", "Security incidents", "Insiden keamanan"),
];

fn measure_label(lang: Lang, measure: &str) -> String {
    MEASURES.iter().find(|(m, _, _)| *m == measure).map_or_else(
        || measure.replace('_', " "),
        |(_, en, id)| match lang {
            Lang::En => (*en).to_string(),
            Lang::Id => (*id).to_string(),
        },
    )
}

/// The sentence that answers "who held it up".
fn held_up(lang: Lang, stages: &Stages) -> Option<AnyView> {
    let words = text(lang);
    let (Some(immigration), Some(customs)) = (stages.immigration_share, stages.customs_share)
    else {
        return None;
    };
    let minutes =
        |v: Option<f64>| v.map_or_else(|| lang.labels().no_value.into(), |v| lang.minutes(v));
    let sentence = match lang {
        Lang::En => format!(
            "On a typical arrival (median of {} flights or vessels with both stages measured), Immigration held travellers {} from on-block to clearance ({} of the door-to-door time) and Customs {} more ({}).",
            lang.count(stages.attributed),
            minutes(stages.immigration_minutes),
            lang.percent(immigration),
            minutes(stages.customs_minutes),
            lang.percent(customs)
        ),
        Lang::Id => format!(
            "Pada kedatangan yang umum (median dari {} penerbangan atau kapal yang kedua tahapnya terukur), Imigrasi menahan pelintas {} dari on-block sampai selesai ({} dari total waktu) dan Bea Cukai {} lagi ({}).",
            lang.count(stages.attributed),
            minutes(stages.immigration_minutes),
            lang.percent(immigration),
            minutes(stages.customs_minutes),
            lang.percent(customs)
        ),
    };
    Some(
        view! {
            <section aria-labelledby="held-title">
                <h2 id="held-title">{words.held_up_title}</h2>
                <p class="attention-summary">{sentence}</p>
            </section>
        }
        .into_any(),
    )
}

/// A cell with no KPI for that agency: a dash, and the words for screen readers.
fn empty_cell(lang: Lang) -> AnyView {
    let words = text(lang);
    view! {
        <td class="not-applicable">
            <span aria-hidden="true">"—"</span>
            <span class="visually-hidden">{words.not_applicable}</span>
        </td>
    }
    .into_any()
}

fn matrix(
    lang: Lang,
    volumes: &Volumes,
    levels: &[ServiceLevel],
    stages: &Stages,
    routes: &[ExchangeRoute],
    feeds: &[FeedHealth],
) -> AnyView {
    let words = text(lang);
    let labels = lang.labels();
    let headers = AGENCIES
        .iter()
        .map(|a| view! { <th scope="col">{lang.agency(a)}</th> })
        .collect_view();
    let volume_cells = AGENCIES
        .iter()
        .map(|agency| {
            let (count, what) = match *agency {
                "immigration" => (lang.count(volumes.travellers), words.travellers_processed),
                "customs" => (lang.count(volumes.inspections), words.inspections),
                "quarantine" => (lang.count(volumes.screened), words.screened),
                "police" => (lang.count(volumes.joint_operations), words.joint_operations),
                _ => (lang.count(volumes.arrivals), words.arrivals),
            };
            let extra = (*agency == "police" && volumes.joint_operations > 0).then(|| {
                view! {
                    <br />
                    {format!("{} {}", lang.number_trimmed(volumes.lane_hours_lost, 1), words.lane_hours_lost)}
                }
            });
            view! {
                <td>
                    <span class="value">{count}</span>
                    {format!(" {what}")}
                    {extra}
                </td>
            }
            .into_any()
        })
        .collect_view();
    let level_cells = AGENCIES
        .iter()
        .map(|agency| {
            let Some(level) = levels.iter().find(|l| l.agency == *agency) else {
                return empty_cell(lang);
            };
            let within = if level.target_minutes.0 == level.target_minutes.1 {
                lang.minutes_trimmed(level.target_minutes.0)
            } else {
                format!(
                    "{}–{}",
                    lang.number_trimmed(level.target_minutes.0, 1),
                    lang.minutes_trimmed(level.target_minutes.1)
                )
            };
            let share = level
                .share()
                .map_or_else(|| labels.no_value.to_string(), |s| lang.percent(s));
            let sentence = match lang {
                Lang::En => format!("{share} within {within}"),
                Lang::Id => format!("{share} dalam {within}"),
            };
            let target = format!("{} ≥ {}", labels.target, lang.percent(level.required_share));
            view! {
                <td class=cell_class(level.met())>
                    <span class="value">{sentence}</span>
                    <br />
                    {crate::layout::verdict(lang, level.met(), target)}
                </td>
            }
            .into_any()
        })
        .collect_view();
    let stage_cells = AGENCIES
        .iter()
        .map(|agency| {
            let (minutes, share) = match *agency {
                "immigration" => (stages.immigration_minutes, stages.immigration_share),
                "customs" => (stages.customs_minutes, stages.customs_share),
                _ => return empty_cell(lang),
            };
            let Some(minutes) = minutes else {
                return view! { <td>{labels.no_value}</td> }.into_any();
            };
            let share = share
                .map(|s| format!(" ({})", lang.percent(s)))
                .unwrap_or_default();
            view! {
                <td>
                    <span class="value">{format!("{}{share}", lang.minutes(minutes))}</span>
                </td>
            }
            .into_any()
        })
        .collect_view();
    let exchange_cells = AGENCIES
        .iter()
        .map(|agency| {
            let sent: Vec<&ExchangeRoute> = routes.iter().filter(|r| r.sender == *agency).collect();
            let messages: i64 = sent.iter().map(|r| r.messages).sum();
            if messages == 0 {
                return empty_cell(lang);
            }
            let within: f64 = sent
                .iter()
                .map(|r| r.share_within_target.unwrap_or(0.0) * r.messages as f64)
                .sum();
            let met = sent.iter().filter(|r| r.met() == Some(true)).count();
            let all_met = met == sent.len();
            let routes_met = match lang {
                Lang::En => format!("routes on target: {met} of {}", sent.len()),
                Lang::Id => format!("rute sesuai target: {met} dari {}", sent.len()),
            };
            view! {
                <td class=cell_class(Some(all_met))>
                    <span class="value">{lang.percent(within / messages as f64)}</span>
                    {match lang {
                        Lang::En => format!(" of {} messages", lang.count(messages)),
                        Lang::Id => format!(" dari {} pesan", lang.count(messages)),
                    }}
                    <br />
                    {status(all_met, labels.met, labels.missed)}
                    " "
                    {routes_met}
                </td>
            }
            .into_any()
        })
        .collect_view();
    let feed_cells = AGENCIES
        .iter()
        .map(|agency| {
            let own: Vec<&FeedHealth> = feeds.iter().filter(|f| f.agency == *agency).collect();
            if own.is_empty() {
                return empty_cell(lang);
            }
            let on_time = own.iter().filter(|f| f.on_time()).count();
            let rows_in: i64 = own.iter().map(|f| f.rows_in).sum();
            let rejected: i64 = own.iter().map(|f| f.rows_rejected).sum();
            let ports = match lang {
                Lang::En => format!("{on_time} of {} ports", own.len()),
                Lang::Id => format!("{on_time} dari {} TPI", own.len()),
            };
            let rejected = if rows_in > 0 {
                match lang {
                    Lang::En => format!(
                        "{} of rows rejected",
                        lang.percent(rejected as f64 / rows_in as f64)
                    ),
                    Lang::Id => format!(
                        "{} baris ditolak",
                        lang.percent(rejected as f64 / rows_in as f64)
                    ),
                }
            } else {
                String::new()
            };
            let all = on_time == own.len();
            view! {
                <td class=cell_class(Some(all))>
                    <span class="value">{ports}</span>
                    <br />
                    {status(all, labels.met, labels.missed)}
                    " "
                    {rejected}
                </td>
            }
            .into_any()
        })
        .collect_view();
    let stage_note = format!(
        "{} {}",
        lang.count(stages.attributed),
        words.attributed_note
    );
    view! {
        <section aria-labelledby="matrix-title">
            <h2 id="matrix-title">{words.matrix_title}</h2>
            <div class="table-wrap">
                <table class="matrix">
                    <thead>
                        <tr>
                            <th scope="col">{words.kpi}</th>
                            {headers}
                        </tr>
                    </thead>
                    <tbody>
                        <tr>
                            <th scope="row">{words.volume}</th>
                            {volume_cells}
                        </tr>
                        <tr>
                            <th scope="row">{words.service_level}</th>
                            {level_cells}
                        </tr>
                        <tr>
                            <th scope="row">
                                {words.stage}
                                <br />
                                <span class="row-note">{stage_note}</span>
                            </th>
                            {stage_cells}
                        </tr>
                        <tr>
                            <th scope="row">{words.exchange}</th>
                            {exchange_cells}
                        </tr>
                        <tr>
                            <th scope="row">{words.feeds}</th>
                            {feed_cells}
                        </tr>
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

fn cell_class(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "met-cell",
        Some(false) => "missed-cell",
        None => "",
    }
}

/// The text of a public count over a period: the days shown added up, and on how many
/// days it was under 5 and hidden ("at least 50, and <5 on each of 2 other days").
pub fn public_count_text(lang: Lang, count: &PublicCount) -> String {
    if count.days_hidden == 0 {
        return lang.count(count.shown);
    }
    let days = count.days_hidden;
    match (lang, count.shown) {
        (Lang::En, 0) if days == 1 => "<5 on 1 day".to_string(),
        (Lang::En, 0) => format!("<5 on each of {days} days"),
        (Lang::En, shown) => {
            let unit = if days == 1 { "day" } else { "days" };
            format!(
                "at least {}, and <5 on each of {days} other {unit}",
                lang.count(shown)
            )
        }
        (Lang::Id, 0) if days == 1 => "<5 pada 1 hari".to_string(),
        (Lang::Id, 0) => format!("<5 pada masing-masing {days} hari"),
        (Lang::Id, shown) => format!(
            "sedikitnya {}, dan <5 pada masing-masing {days} hari lainnya",
            lang.count(shown)
        ),
    }
}

fn enforcement_table(lang: Lang, counts: &[PublicCount], travellers: i64) -> AnyView {
    let words = text(lang);
    if counts.is_empty() {
        return view! {
            <section aria-labelledby="enforcement-title">
                <h2 id="enforcement-title">{words.enforcement_title}</h2>
                <p>{words.no_enforcement}</p>
            </section>
        }
        .into_any();
    }
    let rows = counts
        .iter()
        .map(|count| {
            let rate = (count.days_hidden == 0 && travellers > 0)
                .then(|| lang.number(count.shown as f64 * 10_000.0 / travellers as f64, 1));
            let rate = match rate {
                Some(rate) => view! { <td class="num">{rate}</td> }.into_any(),
                None => view! {
                    <td class="num">
                        <span aria-hidden="true">"–"</span>
                        <span class="visually-hidden">{words.rate_hidden}</span>
                    </td>
                }
                .into_any(),
            };
            view! {
                <tr>
                    <td>{lang.agency(&count.agency)}</td>
                    <th scope="row">{measure_label(lang, &count.measure)}</th>
                    <td class="num">{public_count_text(lang, count)}</td>
                    {rate}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="enforcement-title">
            <h2 id="enforcement-title">{words.enforcement_title}</h2>
            <p class="lead">{words.enforcement_intro}</p>
            <div class="table-wrap">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{words.agency}</th>
                            <th scope="col">{words.measure}</th>
                            <th scope="col" class="num">{words.cases}</th>
                            <th scope="col" class="num">{words.per_10k}</th>
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

    #[test]
    fn a_period_with_hidden_days_is_a_lower_bound_that_names_them() {
        let shown = PublicCount {
            agency: "immigration".into(),
            measure: "refusal".into(),
            shown: 12,
            days_hidden: 0,
        };
        assert_eq!(public_count_text(Lang::En, &shown), "12");
        let hidden = PublicCount {
            days_hidden: 2,
            ..shown
        };
        assert_eq!(
            public_count_text(Lang::En, &hidden),
            "at least 12, and <5 on each of 2 other days"
        );
        assert_eq!(
            public_count_text(Lang::Id, &hidden),
            "sedikitnya 12, dan <5 pada masing-masing 2 hari lainnya"
        );
        let only_small = PublicCount { shown: 0, ..hidden };
        assert_eq!(
            public_count_text(Lang::En, &only_small),
            "<5 on each of 2 days"
        );
    }
}
