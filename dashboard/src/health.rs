//! Data health (`/health`): per agency and port, whether last night's export landed, rows
//! landed and rejected and why, files delivered late, data-quality findings, and how fast
//! messages between agency systems arrive against the MoU target.
//!
//! Feed health, rejects and exchange latency come from their KPI views (`kpi_feed_health`,
//! `kpi_feed_rejects`, `kpi_exchange_latency_daily`); findings are listed from the
//! `quality_findings` table, with the agency and port of the file they were found in.
//! Latency percentiles over the chosen days are exact percentiles over the same messages
//! and the same latency the daily view uses, because daily percentiles cannot be combined.

use chrono::NaiveDate;
use leptos::prelude::*;

use crate::data::{self, Answer, Period, Viewer, sql_text};
use crate::error::Result;
use crate::filters::{Filters, PORT_AND_DATES};
use crate::glossary::message_kind;
use crate::i18n::Lang;
use crate::layout::{
    FilterForm, PageContext, document, filter_form, national_ports, not_shared_section, status,
    verdict,
};

/// The page's own words.
#[derive(Debug)]
struct Text {
    title: &'static str,
    intro: &'static str,
    feeds_title: &'static str,
    feeds_target: &'static str,
    feeds_caption: &'static str,
    agency: &'static str,
    last_night: &'static str,
    up_to_date: &'static str,
    behind: &'static str,
    nights_delivered: &'static str,
    nights_missing: &'static str,
    files_late: &'static str,
    rows_in: &'static str,
    rows_rejected: &'static str,
    on_time: &'static str,
    late_or_missing: &'static str,
    delivery: &'static str,
    rejects_title: &'static str,
    rejects_none: &'static str,
    reason: &'static str,
    files: &'static str,
    example: &'static str,
    findings_title: &'static str,
    findings_intro: &'static str,
    findings_none: &'static str,
    check: &'static str,
    findings: &'static str,
    exchange_title: &'static str,
    exchange_intro: &'static str,
    exchange_none: &'static str,
    route: &'static str,
    kind: &'static str,
    messages: &'static str,
    within_target: &'static str,
    failed: &'static str,
    by_hand: &'static str,
    no_feeds: &'static str,
    all_figures: &'static str,
    never_delivered: &'static str,
    not_named: &'static str,
    late: &'static str,
    nights_missing_short: &'static str,
    target_share_within: &'static str,
}

const EN: Text = Text {
    title: "Data health",
    intro: "Did every agency's export of last night land, how many records were rejected and why, and do messages between agency systems arrive within the minutes the MoU sets?",
    feeds_title: "Nightly exports per agency and entry point",
    feeds_target: "target: every night delivered by 06:00 local time the next morning, nothing rejected",
    feeds_caption: "Since the first delivery",
    agency: "Agency",
    last_night: "Last night delivered",
    up_to_date: "up to date",
    behind: "behind",
    nights_delivered: "Nights delivered",
    nights_missing: "Nights missing",
    files_late: "Files late",
    rows_in: "Rows in",
    rows_rejected: "Rows rejected",
    on_time: "on time",
    late_or_missing: "late or missing",
    delivery: "Delivery",
    rejects_title: "Rejected records by reason",
    rejects_none: "No record has been rejected.",
    reason: "Reason",
    files: "Files",
    example: "Example",
    findings_title: "Data-quality findings",
    findings_intro: "Records that landed but disagree with something the same file declares, such as a total that does not match its parts.",
    findings_none: "No data-quality findings.",
    check: "Check",
    findings: "Findings",
    exchange_title: "Data-exchange latency against the MoU",
    exchange_intro: "Minutes from a message being produced by one agency's system to its arrival at another's, over the integration bus. A message that failed or never arrived counts as late.",
    exchange_none: "No messages were exchanged in this period.",
    route: "From → to",
    kind: "Message",
    messages: "Messages",
    within_target: "Within target",
    failed: "Failed",
    by_hand: "By hand",
    no_feeds: "No nightly export has landed yet.",
    all_figures: "Every figure per feed",
    never_delivered: "never delivered",
    not_named: "not in the file name",
    late: "late",
    nights_missing_short: "nights missing",
    target_share_within: "within",
};

const ID: Text = Text {
    title: "Kesehatan data",
    intro: "Apakah ekspor setiap instansi tadi malam sudah masuk, berapa rekaman yang ditolak dan mengapa, dan apakah pesan antarsistem instansi tiba dalam batas menit yang ditetapkan MoU?",
    feeds_title: "Ekspor malam per instansi dan TPI",
    feeds_target: "target: setiap malam terkirim paling lambat pukul 06.00 waktu setempat keesokan paginya, tanpa rekaman ditolak",
    feeds_caption: "Sejak pengiriman pertama",
    agency: "Instansi",
    last_night: "Malam terakhir terkirim",
    up_to_date: "mutakhir",
    behind: "tertinggal",
    nights_delivered: "Malam terkirim",
    nights_missing: "Malam hilang",
    files_late: "Berkas terlambat",
    rows_in: "Baris masuk",
    rows_rejected: "Baris ditolak",
    on_time: "tepat waktu",
    late_or_missing: "terlambat atau hilang",
    delivery: "Pengiriman",
    rejects_title: "Rekaman yang ditolak menurut alasan",
    rejects_none: "Tidak ada rekaman yang ditolak.",
    reason: "Alasan",
    files: "Berkas",
    example: "Contoh",
    findings_title: "Temuan kualitas data",
    findings_intro: "Rekaman yang masuk tetapi tidak sesuai dengan yang dinyatakan berkas yang sama, misalnya total yang tidak sama dengan jumlah rinciannya.",
    findings_none: "Tidak ada temuan kualitas data.",
    check: "Pemeriksaan",
    findings: "Temuan",
    exchange_title: "Latensi pertukaran data terhadap MoU",
    exchange_intro: "Menit sejak pesan dibuat oleh sistem satu instansi sampai tiba di sistem instansi lain melalui bus integrasi. Pesan yang gagal atau tidak pernah tiba dihitung terlambat.",
    exchange_none: "Tidak ada pesan yang dipertukarkan pada periode ini.",
    route: "Dari → ke",
    kind: "Pesan",
    messages: "Pesan",
    within_target: "Dalam target",
    failed: "Gagal",
    by_hand: "Manual",
    no_feeds: "Belum ada ekspor malam yang masuk.",
    all_figures: "Semua angka per kiriman",
    never_delivered: "belum pernah terkirim",
    not_named: "tidak ada di nama berkas",
    late: "terlambat",
    nights_missing_short: "ada malam hilang",
    target_share_within: "dalam",
};

fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::En => &EN,
        Lang::Id => &ID,
    }
}

/// One agency's nightly export at one port (`kpi_feed_health`).
#[derive(Debug, Clone, PartialEq)]
pub struct FeedHealth {
    pub agency: String,
    pub port: String,
    pub last_night: Option<NaiveDate>,
    pub nights_delivered: i64,
    pub nights_missing: i64,
    pub files_late: i64,
    pub rows_in: i64,
    pub rows_rejected: i64,
    pub rejected_share: Option<f64>,
    /// The latest night any agency at the port delivered.
    pub port_latest_night: Option<NaiveDate>,
}

impl FeedHealth {
    /// Whether the feed has delivered the port's latest night.
    pub fn up_to_date(&self) -> bool {
        self.last_night.is_some() && self.last_night == self.port_latest_night
    }

    /// On time: up to date, no night missing and no file late.
    pub fn on_time(&self) -> bool {
        self.up_to_date() && self.nights_missing == 0 && self.files_late == 0
    }
}

/// Rejected rows (`kpi_feed_rejects`) or data-quality findings of one agency, port and
/// reason or check.
#[derive(Debug, Clone, PartialEq)]
struct ProblemGroup {
    agency: String,
    port: Option<String>,
    /// The reject reason or the check's name.
    what: String,
    /// Rows rejected or findings.
    count: i64,
    files: i64,
    example: String,
}

/// Messages of one sender, receiver and kind over the period.
#[derive(Debug, Clone, PartialEq)]
pub struct ExchangeRoute {
    pub sender: String,
    pub receiver: String,
    pub kind: String,
    pub messages: i64,
    pub latency_p50: Option<f64>,
    pub latency_p95: Option<f64>,
    pub share_within_target: Option<f64>,
    pub share_failed: Option<f64>,
    pub share_manual: Option<f64>,
    pub target_minutes: f64,
    pub required_share: f64,
}

impl ExchangeRoute {
    pub fn met(&self) -> Option<bool> {
        self.share_within_target.map(|s| s >= self.required_share)
    }
}

/// Renders the data-health page.
pub async fn health_page(
    viewer: &Viewer,
    context: &PageContext,
    filters: &Filters,
) -> Result<String> {
    let lang = context.lang;
    let words = text(lang);
    let port = filters.port.as_deref();
    // Each section reads its own tables: one the user's agency may not see shows the
    // notice, the others their figures.
    let feeds = data::shared(feed_health(viewer, port).await)?;
    let rejects = data::shared(reject_reasons(viewer, port).await)?;
    let findings = data::shared(finding_groups(viewer, port).await)?;
    let (period, routes) = match data::shared(latest_exchange_date(viewer).await)? {
        Ok(latest) => {
            let period = latest.map(|latest| filters.period(latest));
            let routes = match &period {
                Some(period) => data::shared(exchange_routes(viewer, period, port).await)?,
                None => Ok(Vec::new()),
            };
            (period, routes)
        }
        Err(not_shared) => (None, Err(not_shared)),
    };
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
    let port_name = |code: &str| {
        viewer
            .ports()
            .get(code)
            .map_or_else(|| code.to_string(), |p| format!("{} ({code})", p.name))
    };
    let main = view! {
        <h1>{words.title}</h1>
        <p class="lead">{words.intro}</p>
        {form}
        {match &feeds {
            Ok(feeds) => feeds_section(lang, feeds, &port_name),
            Err(not_shared) => not_shared_section(lang, ("feeds", words.feeds_title), not_shared),
        }}
        {match &routes {
            Ok(routes) => exchange_section(lang, period.as_ref(), routes),
            Err(not_shared) => {
                not_shared_section(lang, ("exchange", words.exchange_title), not_shared)
            }
        }}
        {match &rejects {
            Ok(rejects) => rejects_section(lang, rejects, &port_name),
            Err(not_shared) => {
                not_shared_section(lang, ("rejects", words.rejects_title), not_shared)
            }
        }}
        {match &findings {
            Ok(findings) => findings_section(lang, findings, &port_name),
            Err(not_shared) => {
                not_shared_section(lang, ("findings", words.findings_title), not_shared)
            }
        }}
    }
    .into_any();
    Ok(document(context, words.title, main))
}

fn port_condition(column: &str, port: Option<&str>) -> String {
    port.map(|p| format!(" AND {column} = {}", sql_text(p)))
        .unwrap_or_default()
}

/// `kpi_feed_health`, with each port's latest night delivered by any agency.
pub async fn feed_health(viewer: &Viewer, port: Option<&str>) -> Result<Vec<FeedHealth>> {
    let sql = format!(
        "SELECT agency, port, last_night_delivered, nights_delivered, nights_missing,
                files_late, rows_in, rows_rejected, rejected_share,
                max(last_night_delivered) OVER (PARTITION BY port) AS port_latest_night
         FROM kpi_feed_health WHERE true{}
         ORDER BY port, agency",
        port_condition("port", port)
    );
    let answer = Answer::ask(viewer, &sql).await?;
    let agencies = answer.strings("agency")?;
    let ports = answer.strings("port")?;
    let last = answer.dates("last_night_delivered")?;
    let delivered = answer.i64s("nights_delivered")?;
    let missing = answer.i64s("nights_missing")?;
    let late = answer.i64s("files_late")?;
    let rows_in = answer.i64s("rows_in")?;
    let rejected = answer.i64s("rows_rejected")?;
    let share = answer.f64s("rejected_share")?;
    let latest = answer.dates("port_latest_night")?;
    Ok((0..answer.len())
        .map(|i| FeedHealth {
            agency: agencies[i].clone().unwrap_or_default(),
            port: ports[i].clone().unwrap_or_default(),
            last_night: last[i],
            nights_delivered: delivered[i].unwrap_or(0),
            nights_missing: missing[i].unwrap_or(0),
            files_late: late[i].unwrap_or(0),
            rows_in: rows_in[i].unwrap_or(0),
            rows_rejected: rejected[i].unwrap_or(0),
            rejected_share: share[i],
            port_latest_night: latest[i],
        })
        .collect())
}

async fn reject_reasons(viewer: &Viewer, port: Option<&str>) -> Result<Vec<ProblemGroup>> {
    let sql = format!(
        "SELECT agency, port, reason AS what, rows_rejected AS count, files, example
         FROM kpi_feed_rejects WHERE true{}
         ORDER BY count DESC, agency, port, what",
        port_condition("port", port)
    );
    problem_groups(viewer, &sql).await
}

async fn finding_groups(viewer: &Viewer, port: Option<&str>) -> Result<Vec<ProblemGroup>> {
    let sql = format!(
        "SELECT coalesce(r.agency, q.feed) AS agency, r.port, q.check_name AS what,
                count(*) AS count, count(DISTINCT q.source_file) AS files,
                min(q.message) AS example
         FROM quality_findings q
         LEFT JOIN ingest_runs r ON r.run_id = q.run_id AND r.source_file = q.source_file
         WHERE true{}
         GROUP BY coalesce(r.agency, q.feed), r.port, q.check_name
         ORDER BY count DESC, agency, r.port, q.check_name",
        port_condition("r.port", port)
    );
    problem_groups(viewer, &sql).await
}

/// The rows of a query with the columns agency, port, what, count, files and example.
async fn problem_groups(viewer: &Viewer, sql: &str) -> Result<Vec<ProblemGroup>> {
    let answer = Answer::ask(viewer, sql).await?;
    let agencies = answer.strings("agency")?;
    let ports = answer.strings("port")?;
    let whats = answer.strings("what")?;
    let counts = answer.i64s("count")?;
    let files = answer.i64s("files")?;
    let examples = answer.strings("example")?;
    Ok((0..answer.len())
        .map(|i| ProblemGroup {
            agency: agencies[i].clone().unwrap_or_default(),
            port: ports[i].clone(),
            what: whats[i].clone().unwrap_or_default(),
            count: counts[i].unwrap_or(0),
            files: files[i].unwrap_or(0),
            example: examples[i].clone().unwrap_or_default(),
        })
        .collect())
}

async fn latest_exchange_date(viewer: &Viewer) -> Result<Option<NaiveDate>> {
    let answer = Answer::ask(viewer, "SELECT max(local_date) AS latest FROM exchanges").await?;
    Ok(answer.dates("latest")?.into_iter().flatten().next())
}

/// Every sender, receiver and kind over the period: counts and shares summed from
/// `kpi_exchange_latency_daily`, percentiles over the period's messages with the view's
/// latency (received - produced, for messages that arrived and did not fail).
pub async fn exchange_routes(
    viewer: &Viewer,
    period: &Period,
    port: Option<&str>,
) -> Result<Vec<ExchangeRoute>> {
    let in_period = period.sql_condition("local_date");
    let at_port = port_condition("port", port);
    let sql = format!(
        "WITH days AS (
            SELECT sender, receiver, kind,
                   sum(messages) AS messages,
                   sum(within_target) AS within_target,
                   sum(share_failed * messages) AS failed,
                   sum(share_manual * messages) AS manual,
                   max(latency_target_minutes) AS target_minutes,
                   max(required_share) AS required_share
            FROM kpi_exchange_latency_daily
            WHERE {in_period}{at_port}
            GROUP BY sender, receiver, kind
        ), latencies AS (
            SELECT sender, receiver, kind,
                   percentile_linear(latency_minutes, 0.5) AS latency_p50,
                   percentile_linear(latency_minutes, 0.95) AS latency_p95
            FROM (
                SELECT sender, receiver, kind,
                       CASE WHEN received_at IS NOT NULL AND status <> 'failed'
                           THEN (arrow_cast(received_at, 'Int64')
                                 - arrow_cast(produced_at, 'Int64')) / 60000.0
                       END AS latency_minutes
                FROM exchanges WHERE {in_period}{at_port}
            )
            GROUP BY sender, receiver, kind
        )
        SELECT d.sender, d.receiver, d.kind, d.messages, l.latency_p50, l.latency_p95,
               CAST(d.within_target AS DOUBLE) / d.messages AS share_within_target,
               d.failed / d.messages AS share_failed,
               d.manual / d.messages AS share_manual,
               d.target_minutes, d.required_share
        FROM days d
        LEFT JOIN latencies l
            ON l.sender = d.sender AND l.receiver = d.receiver AND l.kind = d.kind
        ORDER BY d.sender, d.receiver, d.kind"
    );
    let answer = Answer::ask(viewer, &sql).await?;
    let senders = answer.strings("sender")?;
    let receivers = answer.strings("receiver")?;
    let kinds = answer.strings("kind")?;
    let messages = answer.i64s("messages")?;
    let p50 = answer.f64s("latency_p50")?;
    let p95 = answer.f64s("latency_p95")?;
    let within = answer.f64s("share_within_target")?;
    let failed = answer.f64s("share_failed")?;
    let manual = answer.f64s("share_manual")?;
    let targets = answer.f64s("target_minutes")?;
    let required = answer.f64s("required_share")?;
    Ok((0..answer.len())
        .map(|i| ExchangeRoute {
            sender: senders[i].clone().unwrap_or_default(),
            receiver: receivers[i].clone().unwrap_or_default(),
            kind: kinds[i].clone().unwrap_or_default(),
            messages: messages[i].unwrap_or(0),
            latency_p50: p50[i],
            latency_p95: p95[i],
            share_within_target: within[i],
            share_failed: failed[i],
            share_manual: manual[i],
            target_minutes: targets[i].unwrap_or(f64::NAN),
            required_share: required[i].unwrap_or(f64::NAN),
        })
        .collect())
}

/// A reason as `kpi_feed_rejects` gives it ("time order", "unknown port 'CKG'"), in the
/// page's language; the reason's details stay as ingest wrote them.
fn reason_label(lang: Lang, reason: &str) -> String {
    if lang == Lang::En {
        return reason.to_string();
    }
    let known = [
        ("schema", "skema"),
        ("type", "tipe data"),
        ("range", "di luar rentang"),
        ("time order", "urutan waktu"),
        ("unknown code", "kode tidak dikenal"),
        ("unknown port", "TPI tidak dikenal"),
        ("encoding", "pengodean"),
        ("duplicate", "duplikat"),
    ];
    known
        .iter()
        .find_map(|(en, id)| reason.strip_prefix(en).map(|rest| format!("{id}{rest}")))
        .unwrap_or_else(|| reason.to_string())
}

/// A check of the quality findings, in words; an unknown check by its name.
fn check_label(lang: Lang, check: &str) -> String {
    const KNOWN: [(&str, &str, &str); 9] = [
        (
            "quarantine_total_vs_hours",
            "Quarantine day total against its hours",
            "Total harian karantina terhadap jam-jamnya",
        ),
        (
            "quarantine_total_missing",
            "Quarantine day without its total row",
            "Hari karantina tanpa baris total",
        ),
        (
            "quarantine_mean_missing",
            "Quarantine hour without its mean screening time",
            "Jam karantina tanpa rata-rata waktu pemeriksaan",
        ),
        (
            "quarantine_mean_without_screening",
            "Mean screening time in an hour nobody was screened",
            "Rata-rata waktu pemeriksaan pada jam tanpa pemeriksaan",
        ),
        (
            "pax_total_vs_parts",
            "Passenger total against its wait buckets",
            "Total penumpang terhadap kelompok waktu tunggunya",
        ),
        (
            "bps_annual_vs_months",
            "Declared annual total against its months",
            "Total tahunan yang dinyatakan terhadap bulan-bulannya",
        ),
        (
            "bps_group_vs_ports",
            "Group subtotal against its entry points",
            "Subtotal kelompok terhadap TPI-nya",
        ),
        (
            "bps_total_vs_groups",
            "Grand total against its groups",
            "Total keseluruhan terhadap kelompoknya",
        ),
        (
            "bus_clock_skew",
            "Message received before it was produced (clock skew)",
            "Pesan diterima sebelum dibuat (selisih jam sistem)",
        ),
    ];
    let police = (
        "police_unknown_operation",
        "Incident naming an unknown joint operation",
        "Insiden yang menyebut operasi gabungan tak dikenal",
    );
    KNOWN
        .iter()
        .chain(std::iter::once(&police))
        .find(|(name, _, _)| *name == check)
        .map_or_else(
            || check.replace('_', " "),
            |(_, en, id)| match lang {
                Lang::En => (*en).to_string(),
                Lang::Id => (*id).to_string(),
            },
        )
}

fn feeds_section(lang: Lang, feeds: &[FeedHealth], port_name: &dyn Fn(&str) -> String) -> AnyView {
    let words = text(lang);
    let labels = lang.labels();
    if feeds.is_empty() {
        return view! {
            <section aria-labelledby="feeds-title">
                <h2 id="feeds-title">{words.feeds_title}</h2>
                <p class="notice">{words.no_feeds}</p>
            </section>
        }
        .into_any();
    }
    let on_time = feeds.iter().filter(|f| f.on_time()).count();
    let summary = match lang {
        Lang::En => format!("{on_time} of {} feeds are delivered on time.", feeds.len()),
        Lang::Id => format!("{on_time} dari {} kiriman data tepat waktu.", feeds.len()),
    };
    let rows = feeds
        .iter()
        .map(|feed| {
            let last = feed
                .last_night
                .map_or_else(|| labels.no_value.to_string(), |d| lang.date_short(d));
            let (last_class, last_mark, last_word) = if feed.up_to_date() {
                ("met", "✓", words.up_to_date)
            } else {
                ("missed", "✗", words.behind)
            };
            let late_class = if feed.files_late > 0 {
                "num missed"
            } else {
                "num"
            };
            let missing_class = if feed.nights_missing > 0 {
                "num missed"
            } else {
                "num"
            };
            let rejected = match feed.rejected_share {
                Some(share) => format!(
                    "{} ({})",
                    lang.count(feed.rows_rejected),
                    lang.percent(share)
                ),
                None => lang.count(feed.rows_rejected),
            };
            view! {
                <tr>
                    <td>{port_name(&feed.port)}</td>
                    <th scope="row">{lang.agency(&feed.agency)}</th>
                    <td>{status(feed.on_time(), words.on_time, words.late_or_missing)}</td>
                    <td class=last_class>
                        <span class="mark" aria-hidden="true">{format!("{last_mark} ")}</span>
                        {format!("{last} ({last_word})")}
                    </td>
                    <td class="num">{lang.count(feed.nights_delivered)}</td>
                    <td class=missing_class>{lang.count(feed.nights_missing)}</td>
                    <td class=late_class>{lang.count(feed.files_late)}</td>
                    <td class="num">{lang.count(feed.rows_in)}</td>
                    <td class="num">{rejected}</td>
                </tr>
            }
        })
        .collect_view();
    let caption = format!("{} · {}", words.feeds_caption, words.feeds_target);
    view! {
        <section aria-labelledby="feeds-title">
            <h2 id="feeds-title">{words.feeds_title}</h2>
            <p class="attention-summary">{summary}</p>
            {feeds_matrix(lang, feeds, port_name, &caption)}
            <details class="definitions">
                <summary>{words.all_figures}</summary>
            <div class="table-wrap">
                <table>
                    <caption>{caption.clone()}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{labels.entry_point}</th>
                            <th scope="col">{words.agency}</th>
                            <th scope="col">{words.delivery}</th>
                            <th scope="col">{words.last_night}</th>
                            <th scope="col" class="num">{words.nights_delivered}</th>
                            <th scope="col" class="num">{words.nights_missing}</th>
                            <th scope="col" class="num">{words.files_late}</th>
                            <th scope="col" class="num">{words.rows_in}</th>
                            <th scope="col" class="num">{words.rows_rejected}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            </details>
        </section>
    }
    .into_any()
}

/// The feeds at a glance: one row per port, one column per agency, each cell the feed's
/// state in mark and words, its last night and what went wrong.
fn feeds_matrix(
    lang: Lang,
    feeds: &[FeedHealth],
    port_name: &dyn Fn(&str) -> String,
    caption: &str,
) -> AnyView {
    let words = text(lang);
    let mut agencies: Vec<&str> = feeds.iter().map(|f| f.agency.as_str()).collect();
    agencies.sort_by_key(|a| {
        FEED_ORDER
            .iter()
            .position(|o| o == a)
            .unwrap_or(FEED_ORDER.len())
    });
    agencies.dedup();
    let mut ports: Vec<&str> = feeds.iter().map(|f| f.port.as_str()).collect();
    ports.dedup();
    let headers = agencies
        .iter()
        .map(|a| view! { <th scope="col">{lang.agency(a)}</th> })
        .collect_view();
    let rows = ports
        .iter()
        .map(|port| {
            let cells = agencies
                .iter()
                .map(|agency| {
                    let Some(feed) = feeds
                        .iter()
                        .find(|f| f.port == *port && f.agency == *agency)
                    else {
                        return view! {
                            <td class="not-applicable">
                                <span aria-hidden="true">"—"</span>
                                <span class="visually-hidden">{words.never_delivered}</span>
                            </td>
                        }
                        .into_any();
                    };
                    let mut problems = Vec::new();
                    if feed.nights_missing > 0 {
                        problems.push(format!(
                            "{}: {}",
                            words.nights_missing,
                            lang.count(feed.nights_missing)
                        ));
                    }
                    if feed.files_late > 0 {
                        problems.push(format!(
                            "{}: {}",
                            words.files_late,
                            lang.count(feed.files_late)
                        ));
                    }
                    if feed.rows_rejected > 0 {
                        problems.push(format!(
                            "{}: {}",
                            words.rows_rejected,
                            lang.count(feed.rows_rejected)
                        ));
                    }
                    // The worst of what went wrong names the state.
                    let problem = if !feed.up_to_date() {
                        words.behind
                    } else if feed.nights_missing > 0 {
                        words.nights_missing_short
                    } else {
                        words.late
                    };
                    let last = feed.last_night.map_or_else(
                        || lang.labels().no_value.to_string(),
                        |d| lang.date_short(d),
                    );
                    let class = if feed.on_time() {
                        "met-cell"
                    } else {
                        "missed-cell"
                    };
                    view! {
                        <td class=class>
                            {status(feed.on_time(), words.on_time, problem)}
                            <br />
                            <span class="value">{last}</span>
                            <br />
                            <span class="row-note">{problems.join(" · ")}</span>
                        </td>
                    }
                    .into_any()
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{port_name(port)}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="matrix">
                <caption>{caption.to_string()}</caption>
                <thead>
                    <tr>
                        <th scope="col">{lang.labels().entry_point}</th>
                        {headers}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The order of the feeds' columns: the traveller's path, then the bus.
const FEED_ORDER: [&str; 6] = [
    "authority",
    "immigration",
    "customs",
    "quarantine",
    "police",
    "integration_bus",
];

fn exchange_section(lang: Lang, period: Option<&Period>, routes: &[ExchangeRoute]) -> AnyView {
    let words = text(lang);
    let labels = lang.labels();
    let period_line =
        period.map(|p| format!("{}: {}", labels.period, lang.date_range(p.first, p.last)));
    if routes.is_empty() {
        return view! {
            <section aria-labelledby="exchange-title">
                <h2 id="exchange-title">{words.exchange_title}</h2>
                <p class="period">{period_line}</p>
                <p>{words.exchange_none}</p>
            </section>
        }
        .into_any();
    }
    let optional =
        |v: Option<f64>| v.map_or_else(|| labels.no_value.to_string(), |v| lang.minutes(v));
    let share = |v: Option<f64>| v.map_or_else(|| labels.no_value.to_string(), |v| lang.percent(v));
    let rows = routes
        .iter()
        .map(|route| {
            let target = format!(
                "{} ≥ {} {} {}",
                labels.target,
                lang.percent(route.required_share),
                words.target_share_within,
                lang.minutes_trimmed(route.target_minutes)
            );
            view! {
                <tr>
                    <th scope="row">
                        {format!("{} → {}", lang.agency(&route.sender), lang.agency(&route.receiver))}
                    </th>
                    <td>{message_kind(lang, &route.kind)}</td>
                    <td class="num">{lang.count(route.messages)}</td>
                    <td class="num">{optional(route.latency_p50)}</td>
                    <td class="num">{optional(route.latency_p95)}</td>
                    <td class="num">{share(route.share_within_target)}</td>
                    <td>{verdict(lang, route.met(), target)}</td>
                    <td class="num">{share(route.share_failed)}</td>
                    <td class="num">{share(route.share_manual)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="exchange-title">
            <h2 id="exchange-title">{words.exchange_title}</h2>
            <p class="period">{period_line}</p>
            <p class="lead">{words.exchange_intro}</p>
            <div class="table-wrap">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{words.route}</th>
                            <th scope="col">{words.kind}</th>
                            <th scope="col" class="num">{words.messages}</th>
                            <th scope="col" class="num">{labels.p50}</th>
                            <th scope="col" class="num">{labels.p95}</th>
                            <th scope="col" class="num">{words.within_target}</th>
                            <th scope="col">{labels.target}</th>
                            <th scope="col" class="num">{words.failed}</th>
                            <th scope="col" class="num">{words.by_hand}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

/// What differs between the rejects table and the findings table.
struct ProblemTable {
    /// The section's id prefix.
    id: &'static str,
    title: &'static str,
    /// Said instead of an empty table.
    none: &'static str,
    intro: Option<&'static str>,
    /// Headers of the reason or check column and of the count column.
    what: &'static str,
    count: &'static str,
    /// The reason or check in the page's language.
    label: fn(Lang, &str) -> String,
}

fn rejects_section(
    lang: Lang,
    rejects: &[ProblemGroup],
    port_name: &dyn Fn(&str) -> String,
) -> AnyView {
    let words = text(lang);
    let table = ProblemTable {
        id: "rejects",
        title: words.rejects_title,
        none: words.rejects_none,
        intro: None,
        what: words.reason,
        count: words.rows_rejected,
        label: reason_label,
    };
    problems_section(lang, &table, rejects, port_name)
}

fn findings_section(
    lang: Lang,
    findings: &[ProblemGroup],
    port_name: &dyn Fn(&str) -> String,
) -> AnyView {
    let words = text(lang);
    let table = ProblemTable {
        id: "findings",
        title: words.findings_title,
        none: words.findings_none,
        intro: Some(words.findings_intro),
        what: words.check,
        count: words.findings,
        label: check_label,
    };
    problems_section(lang, &table, findings, port_name)
}

fn problems_section(
    lang: Lang,
    table: &ProblemTable,
    groups: &[ProblemGroup],
    port_name: &dyn Fn(&str) -> String,
) -> AnyView {
    let words = text(lang);
    let labels = lang.labels();
    let title_id = format!("{}-title", table.id);
    let labelled_by = title_id.clone();
    if groups.is_empty() {
        return view! {
            <section aria-labelledby=labelled_by>
                <h2 id=title_id>{table.title}</h2>
                <p>{table.none}</p>
            </section>
        }
        .into_any();
    }
    let rows = groups
        .iter()
        .map(|g| {
            let port = g
                .port
                .as_deref()
                .map_or_else(|| words.not_named.to_string(), port_name);
            view! {
                <tr>
                    <th scope="row">{lang.agency(&g.agency)}</th>
                    <td>{port}</td>
                    <td>{(table.label)(lang, &g.what)}</td>
                    <td class="num">{lang.count(g.count)}</td>
                    <td class="num">{lang.count(g.files)}</td>
                    <td class="example" lang="en">{g.example.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let intro = table
        .intro
        .map(|intro| view! { <p class="lead">{intro}</p> });
    view! {
        <section aria-labelledby=labelled_by>
            <h2 id=title_id>{table.title}</h2>
            {intro}
            <div class="table-wrap">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{words.agency}</th>
                            <th scope="col">{labels.entry_point}</th>
                            <th scope="col">{table.what}</th>
                            <th scope="col" class="num">{table.count}</th>
                            <th scope="col" class="num">{words.files}</th>
                            <th scope="col">{words.example}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}
