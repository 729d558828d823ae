//! The reports page: a signed-in user makes an MoU review report under their own sharing
//! policies, watches it being made, and downloads it; and downloads the monthly reports
//! that `gerbang serve` writes (`[reports]` in `gerbang.toml`) that were made for their
//! agency.
//!
//! A report takes a while (a month of every port is some fifty queries), so `POST
//! /reports` starts it in the background and sends the browser to the report's own page,
//! which reloads itself every few seconds and shows how many of the report's steps are
//! done until the files are ready. The files are kept in memory for
//! [`KEEP_HOURS`] hours for the user who asked (nobody else sees that they exist); every
//! query behind them ran in that user's policy session as the `report` interface, and
//! every download is audited as an `export`. At most [`RUNNING_AT_ONCE`] reports are made
//! at once, and one per user, so reports never crowd out the dashboard.
//!
//! The monthly reports are listed from the reports folder or object-store prefix; a user
//! sees (and may download) those [`ReportListing::visible_to`] them: administrators every
//! report, others their agency's reports that were not made for an administrator.
//!
//! Like the console, the page is plain HTML forms and works without JavaScript.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use gerbang_query::audit::{AuditRecord, Outcome};
use gerbang_query::policy::Principal;
use leptos::prelude::*;
use rand::Rng;
use serde::Deserialize;

use crate::auth::SignedIn;
use crate::i18n::Lang;
use crate::layout::{ACCOUNT_SLOT, PageContext, Section, account_html, document, national_ports};
use crate::report::{
    self, AGENCIES, Format, Progress, ReportError, ReportListing, Request, list_reports,
};
use crate::server::{Dashboard, LangChoice, private_page};

/// Hours a report made on the page stays downloadable.
pub(crate) const KEEP_HOURS: i64 = 12;
/// Reports being made at once, across all users.
pub(crate) const RUNNING_AT_ONCE: usize = 2;
/// Reports kept per user; the oldest finished one goes first.
const KEPT_PER_USER: usize = 10;
/// Seconds between reloads of a report's page while it is being made.
const RELOAD_SECONDS: u32 = 3;

/// The reports made on the page, while they are kept.
#[derive(Debug, Default)]
pub(crate) struct ReportJobs {
    jobs: Mutex<Vec<Arc<Job>>>,
}

/// One report asked for on the page.
#[derive(Debug)]
struct Job {
    /// Random, so that an address does not give away how many reports were made.
    id: String,
    user: String,
    agency: String,
    asked_at: DateTime<Utc>,
    request: Request,
    formats: Vec<Format>,
    progress: Progress,
    state: Mutex<JobState>,
}

#[derive(Debug, Clone)]
enum JobState {
    Running,
    Ready(Arc<Made>),
    Failed(String),
}

/// A finished report: its files and what the page says about it.
#[derive(Debug)]
struct Made {
    stem: String,
    files: Vec<(Format, Vec<u8>)>,
    fingerprint: String,
    left_out: Vec<(String, String)>,
}

impl Job {
    fn state(&self) -> JobState {
        self.state
            .lock()
            .map(|s| s.clone())
            .unwrap_or(JobState::Running)
    }

    fn belongs_to(&self, principal: &Principal) -> bool {
        self.user == principal.user && self.agency == principal.agency
    }
}

/// Why a report was not started.
enum NotStarted {
    Busy,
    YoursRunning,
}

impl ReportJobs {
    /// Registers a job unless too many are running; drops jobs past their time and the
    /// user's oldest finished ones beyond [`KEPT_PER_USER`].
    fn start(&self, job: Job) -> Result<Arc<Job>, NotStarted> {
        let mut jobs = self.jobs.lock().map_err(|_| NotStarted::Busy)?;
        let now = Utc::now();
        jobs.retain(|j| {
            matches!(j.state(), JobState::Running)
                || now.signed_duration_since(j.asked_at).num_hours() < KEEP_HOURS
        });
        let running: Vec<&Arc<Job>> = jobs
            .iter()
            .filter(|j| matches!(j.state(), JobState::Running))
            .collect();
        if running
            .iter()
            .any(|j| j.user == job.user && j.agency == job.agency)
        {
            return Err(NotStarted::YoursRunning);
        }
        if running.len() >= RUNNING_AT_ONCE {
            return Err(NotStarted::Busy);
        }
        let mine = jobs
            .iter()
            .filter(|j| j.user == job.user && j.agency == job.agency)
            .count();
        if mine >= KEPT_PER_USER
            && let Some(oldest) = jobs
                .iter()
                .position(|j| j.user == job.user && j.agency == job.agency)
        {
            jobs.remove(oldest);
        }
        let job = Arc::new(job);
        jobs.push(Arc::clone(&job));
        Ok(job)
    }

    /// The user's reports, newest first.
    fn of(&self, principal: &Principal) -> Vec<Arc<Job>> {
        let now = Utc::now();
        let mut mine: Vec<Arc<Job>> = self
            .jobs
            .lock()
            .map(|jobs| {
                jobs.iter()
                    .filter(|j| j.belongs_to(principal))
                    .filter(|j| now.signed_duration_since(j.asked_at).num_hours() < KEEP_HOURS)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        mine.reverse();
        mine
    }

    /// One of the user's reports; another user's is as absent as one that never was.
    fn find(&self, principal: &Principal, id: &str) -> Option<Arc<Job>> {
        self.of(principal).into_iter().find(|j| j.id == id)
    }
}

/// The page's words, in both languages.
struct Texts {
    title: &'static str,
    intro: &'static str,
    make: &'static str,
    month: &'static str,
    or_days: &'static str,
    from: &'static str,
    to: &'static str,
    ports: &'static str,
    all_ports_hint: &'static str,
    agencies: &'static str,
    all_agencies_hint: &'static str,
    report_lang: &'static str,
    formats: &'static str,
    submit: &'static str,
    takes_a_while: &'static str,
    yours: &'static str,
    yours_none: &'static str,
    kept_note: &'static str,
    asked: &'static str,
    period: &'static str,
    status: &'static str,
    files: &'static str,
    making: &'static str,
    steps_of: &'static str,
    ready: &'static str,
    failed: &'static str,
    left_out: &'static str,
    fingerprint: &'static str,
    monthly: &'static str,
    monthly_intro: &'static str,
    monthly_none: &'static str,
    monthly_unconfigured: &'static str,
    monthly_unreadable: &'static str,
    made_for: &'static str,
    generated: &'static str,
    language: &'static str,
    back: &'static str,
    not_found: &'static str,
    no_period: &'static str,
    bad_date: &'static str,
    no_format: &'static str,
    unknown_port: &'static str,
    not_made: &'static str,
    busy: &'static str,
    yours_running: &'static str,
    all: &'static str,
}

const EN: Texts = Texts {
    title: "MoU review reports",
    intro: "A report holds only what your agency's sharing policies let you see: a section \
            you may not see is left out, and the report says why. Every number comes from the \
            KPI views of the glossary, and the cover records the data, targets and definitions \
            it was made from.",
    make: "Make a report",
    month: "Month",
    or_days: "or from one day to another",
    from: "First day",
    to: "Last day",
    ports: "Ports",
    all_ports_hint: "None ticked: every Indonesian entry point.",
    agencies: "Agencies",
    all_agencies_hint: "None ticked: every agency.",
    report_lang: "Language of the report",
    formats: "Files",
    submit: "Make the report",
    takes_a_while: "A month of every port takes a minute or two; its page shows how far it has got.",
    yours: "Your reports",
    yours_none: "You have not made a report here in the last hours.",
    kept_note: "Reports made here are kept for 12 hours, for you only.",
    asked: "Asked for",
    period: "Period",
    status: "Status",
    files: "Files",
    making: "Being made",
    steps_of: "steps done of",
    ready: "Ready",
    failed: "Not made",
    left_out: "Left out by your agency's sharing policies",
    fingerprint: "Fingerprint",
    monthly: "Monthly reports",
    monthly_intro: "Written on a schedule for each agency's leadership; you see the ones made for your agency.",
    monthly_none: "No monthly report for your agency has been written yet.",
    monthly_unconfigured: "No folder for monthly reports is set up: [reports] out in gerbang.toml names it.",
    monthly_unreadable: "The monthly reports could not be listed: ",
    made_for: "Made for",
    generated: "Written",
    language: "Language",
    back: "All reports",
    not_found: "There is no such report among yours. Reports are kept for 12 hours.",
    no_period: "Choose a month, or a first and a last day.",
    bad_date: "A day is not a date like 2026-10-31: ",
    no_format: "Tick at least one kind of file.",
    unknown_port: "No Indonesian entry point has the code ",
    not_made: "The report could not be made: ",
    busy: "The server is already making as many reports as it makes at once; try again in a minute.",
    yours_running: "One of your reports is still being made; wait until it is ready.",
    all: "all",
};

const ID: Texts = Texts {
    title: "Laporan tinjauan MoU",
    intro: "Laporan hanya memuat apa yang boleh Anda lihat menurut kebijakan berbagi data \
            instansi Anda: bagian yang tidak boleh Anda lihat tidak dimuat, dan laporan \
            menyebutkan alasannya. Setiap angka berasal dari tampilan KPI di glosarium, dan \
            sampulnya mencatat data, target, dan definisi yang dipakai.",
    make: "Buat laporan",
    month: "Bulan",
    or_days: "atau dari satu hari ke hari lain",
    from: "Hari pertama",
    to: "Hari terakhir",
    ports: "Pelabuhan dan bandara",
    all_ports_hint: "Tidak ada yang dicentang: semua tempat pemeriksaan di Indonesia.",
    agencies: "Instansi",
    all_agencies_hint: "Tidak ada yang dicentang: semua instansi.",
    report_lang: "Bahasa laporan",
    formats: "Berkas",
    submit: "Buat laporan",
    takes_a_while: "Satu bulan untuk semua pelabuhan memerlukan satu atau dua menit; halamannya menunjukkan kemajuannya.",
    yours: "Laporan Anda",
    yours_none: "Anda belum membuat laporan di sini dalam beberapa jam terakhir.",
    kept_note: "Laporan yang dibuat di sini disimpan selama 12 jam, hanya untuk Anda.",
    asked: "Diminta",
    period: "Periode",
    status: "Status",
    files: "Berkas",
    making: "Sedang dibuat",
    steps_of: "langkah selesai dari",
    ready: "Siap",
    failed: "Tidak dapat dibuat",
    left_out: "Tidak dimuat karena kebijakan berbagi data instansi Anda",
    fingerprint: "Sidik",
    monthly: "Laporan bulanan",
    monthly_intro: "Ditulis terjadwal untuk pimpinan setiap instansi; Anda melihat laporan yang dibuat untuk instansi Anda.",
    monthly_none: "Belum ada laporan bulanan untuk instansi Anda.",
    monthly_unconfigured: "Folder laporan bulanan belum diatur: [reports] out di gerbang.toml menentukannya.",
    monthly_unreadable: "Laporan bulanan tidak dapat didaftar: ",
    made_for: "Dibuat untuk",
    generated: "Ditulis",
    language: "Bahasa",
    back: "Semua laporan",
    not_found: "Tidak ada laporan seperti itu di antara laporan Anda. Laporan disimpan selama 12 jam.",
    no_period: "Pilih satu bulan, atau hari pertama dan hari terakhir.",
    bad_date: "Hari bukan tanggal seperti 2026-10-31: ",
    no_format: "Centang paling sedikit satu jenis berkas.",
    unknown_port: "Tidak ada tempat pemeriksaan di Indonesia dengan kode ",
    not_made: "Laporan tidak dapat dibuat: ",
    busy: "Server sedang membuat laporan sebanyak yang dapat dibuatnya sekaligus; coba lagi sebentar lagi.",
    yours_running: "Salah satu laporan Anda masih dibuat; tunggu sampai siap.",
    all: "semua",
};

fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::Id => &ID,
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageParams {
    lang: Option<String>,
}

fn choice_of(lang: Option<&str>, headers: &HeaderMap) -> LangChoice {
    LangChoice::of(lang.map(|l| format!("lang={l}")).as_deref(), headers)
}

/// What the form asks for, as the browser sent it (ports, agencies and formats are
/// repeated fields).
#[derive(Debug, Default, Clone)]
struct Asked {
    period: String,
    from: String,
    to: String,
    ports: Vec<String>,
    agencies: Vec<String>,
    report_lang: Option<Lang>,
    formats: Vec<String>,
    lang: Option<String>,
}

impl Asked {
    fn of(fields: Vec<(String, String)>) -> Asked {
        let mut asked = Asked::default();
        for (name, value) in fields {
            let value = value.trim().to_string();
            match name.as_str() {
                "period" => asked.period = value,
                "from" => asked.from = value,
                "to" => asked.to = value,
                "port" => asked.ports.push(value),
                "agency" => asked.agencies.push(value),
                "report_lang" => asked.report_lang = Lang::parse(&value),
                "format" => asked.formats.push(value),
                "lang" => asked.lang = Some(value),
                _ => {}
            }
        }
        asked
    }

    /// The form as a page shows it first: last month, every port and agency, all files.
    fn default_for(lang: Lang) -> Asked {
        let today = chrono::Utc::now().with_timezone(&jakarta()).date_naive();
        let last_month = today
            .with_day(1)
            .and_then(|first| first.checked_sub_days(Days::new(1)))
            .unwrap_or(today);
        Asked {
            period: last_month.format("%Y-%m").to_string(),
            report_lang: Some(lang),
            formats: Format::ALL
                .iter()
                .map(|f| f.extension().to_string())
                .collect(),
            ..Asked::default()
        }
    }

    /// The report request and its formats, or what to say is wrong (in the page's
    /// language where the page itself finds it).
    fn request(
        &self,
        lang: Lang,
        known_ports: &[(String, String)],
    ) -> Result<(Request, Vec<Format>), String> {
        let t = texts(lang);
        let report_lang = self.report_lang.unwrap_or(lang);
        let date = |text: &str| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| format!("{}{text}", t.bad_date))
        };
        let not_made = |e: ReportError| format!("{}{e}", t.not_made);
        let request = if !self.from.is_empty() || !self.to.is_empty() {
            if self.from.is_empty() || self.to.is_empty() {
                return Err(t.no_period.to_string());
            }
            Request::between(date(&self.from)?, date(&self.to)?, report_lang).map_err(not_made)?
        } else if !self.period.is_empty() {
            Request::month(&self.period, report_lang).map_err(not_made)?
        } else {
            return Err(t.no_period.to_string());
        };
        let joined = |items: &[String]| {
            if items.is_empty() {
                "all".to_string()
            } else {
                items.join(",")
            }
        };
        let request = request
            .with_ports(&joined(&self.ports))
            .map_err(not_made)?
            .with_agencies(&joined(&self.agencies))
            .map_err(not_made)?;
        if let Some(unknown) = request
            .ports
            .iter()
            .find(|code| !known_ports.iter().any(|(known, _)| known == *code))
        {
            return Err(format!("{}{unknown}", t.unknown_port));
        }
        if self.formats.is_empty() {
            return Err(t.no_format.to_string());
        }
        let formats = Format::parse_list(&self.formats.join(",")).map_err(not_made)?;
        Ok((request, formats))
    }
}

/// Jakarta's zone, where the default month is counted.
fn jakarta() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// `GET /reports`: the form, the user's reports and the monthly reports.
pub(crate) async fn page(
    State(dashboard): State<Dashboard>,
    SignedIn { principal }: SignedIn,
    Query(params): Query<PageParams>,
    headers: HeaderMap,
) -> Response {
    let choice = choice_of(params.lang.as_deref(), &headers);
    let asked = Asked::default_for(choice.lang);
    render(&dashboard, &principal, choice, &asked, None, StatusCode::OK).await
}

/// `POST /reports`: starts the report and sends the browser to its page.
pub(crate) async fn make(
    State(dashboard): State<Dashboard>,
    SignedIn { principal }: SignedIn,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let asked = Asked::of(fields);
    let choice = choice_of(asked.lang.as_deref(), &headers);
    let lang = choice.lang;
    let t = texts(lang);
    let known_ports = national_ports(dashboard.warehouse.ports());
    let (request, formats) = match asked.request(lang, &known_ports) {
        Ok(made) => made,
        Err(problem) => {
            let status = StatusCode::BAD_REQUEST;
            return render(
                &dashboard,
                &principal,
                choice,
                &asked,
                Some(problem),
                status,
            )
            .await;
        }
    };
    let session = match dashboard.session_for(&principal).await {
        Ok(session) => session.with_interface("report"),
        Err(error) => {
            let problem = format!("{}{error}", t.not_made);
            let status = StatusCode::FORBIDDEN;
            return render(
                &dashboard,
                &principal,
                choice,
                &asked,
                Some(problem),
                status,
            )
            .await;
        }
    };
    let job = Job {
        id: format!("{:032x}", rand::rng().random::<u128>()),
        user: principal.user.clone(),
        agency: principal.agency.clone(),
        asked_at: Utc::now(),
        request,
        formats,
        progress: Progress::default(),
        state: Mutex::new(JobState::Running),
    };
    let job = match dashboard.reports.jobs.start(job) {
        Ok(job) => job,
        Err(why) => {
            let problem = match why {
                NotStarted::Busy => t.busy,
                NotStarted::YoursRunning => t.yours_running,
            };
            let status = StatusCode::TOO_MANY_REQUESTS;
            let asked = asked.clone();
            return render(
                &dashboard,
                &principal,
                choice,
                &asked,
                Some(problem.to_string()),
                status,
            )
            .await;
        }
    };
    let warehouse = Arc::clone(&dashboard.warehouse);
    let running = Arc::clone(&job);
    tokio::spawn(async move {
        let made =
            report::build_tracked(&warehouse, &session, &running.request, &running.progress).await;
        // Queries are audited as they run; make sure they reach the lake even if nobody
        // looks at the page again.
        if let Err(e) = warehouse.flush_audit().await {
            eprintln!(
                "report {}: audit records could not be written yet: {e}",
                running.id
            );
        }
        let state = match made {
            Ok(built) => {
                let formats = running.formats.clone();
                let rendered = tokio::task::spawn_blocking(move || {
                    let files = formats
                        .iter()
                        .map(|f| report::render(&built, *f).map(|bytes| (*f, bytes)))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok::<_, ReportError>(Made {
                        stem: built.file_stem(),
                        files,
                        fingerprint: built.fingerprint.grouped(),
                        left_out: built
                            .left_out
                            .iter()
                            .map(|l| (l.title.clone(), l.reason.clone()))
                            .collect(),
                    })
                })
                .await;
                match rendered {
                    Ok(Ok(made)) => JobState::Ready(Arc::new(made)),
                    Ok(Err(e)) => JobState::Failed(e.to_string()),
                    Err(e) => JobState::Failed(format!("rendering stopped: {e}")),
                }
            }
            Err(e) => JobState::Failed(e.to_string()),
        };
        if let Ok(mut slot) = running.state.lock() {
            *slot = state;
        }
    });
    see_other(&format!("/reports/made/{}?lang={}", job.id, lang.code()))
}

/// `GET /reports/made/{id}`: one of the user's reports, reloading itself until ready.
pub(crate) async fn made(
    State(dashboard): State<Dashboard>,
    SignedIn { principal }: SignedIn,
    Path(id): Path<String>,
    Query(params): Query<PageParams>,
    headers: HeaderMap,
) -> Response {
    let choice = choice_of(params.lang.as_deref(), &headers);
    let lang = choice.lang;
    let t = texts(lang);
    let Some(job) = dashboard.reports.jobs.find(&principal, &id) else {
        return not_found(&dashboard, &principal, choice);
    };
    let state = job.state();
    let running = matches!(state, JobState::Running);
    let main = view! {
        <h1>{t.title}</h1>
        <p>
            <a href=format!("/reports?lang={}", lang.code())>{format!("← {}", t.back)}</a>
        </p>
        <h2>{period_text(lang, &job.request)}</h2>
        {job_details(lang, &job, &state)}
    }
    .into_any();
    let mut response = page_response(&dashboard, &principal, choice, main, StatusCode::OK);
    if running {
        // The page reloads itself while the report is being made (no script needed).
        if let Ok(value) = HeaderValue::from_str(&RELOAD_SECONDS.to_string()) {
            response.headers_mut().insert("refresh", value);
        }
    }
    response
}

/// `GET /reports/made/{id}/{file}`: a file of one of the user's reports.
pub(crate) async fn made_file(
    State(dashboard): State<Dashboard>,
    SignedIn { principal }: SignedIn,
    Path((id, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let choice = choice_of(None, &headers);
    let started = Instant::now();
    let made = dashboard
        .reports
        .jobs
        .find(&principal, &id)
        .and_then(|job| match job.state() {
            JobState::Ready(made) => Some(made),
            _ => None,
        });
    let Some((format, bytes, name)) = made.and_then(|made| {
        made.files.iter().find_map(|(format, bytes)| {
            let name = format!("{}.{}", made.stem, format.extension());
            (name == file).then(|| (*format, bytes.clone(), name))
        })
    }) else {
        return not_found(&dashboard, &principal, choice);
    };
    audit_download(&dashboard, &principal, &name, started);
    download(format, bytes, &name)
}

/// `GET /reports/monthly/{file}`: a file of a monthly report made for the user's agency.
pub(crate) async fn monthly_file(
    State(dashboard): State<Dashboard>,
    SignedIn { principal }: SignedIn,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let choice = choice_of(None, &headers);
    let started = Instant::now();
    let Some(out) = dashboard.reports.out.as_deref() else {
        return not_found(&dashboard, &principal, choice);
    };
    // Only a file the listing offers this user: never a path made up by the visitor.
    let listed = list_reports(out).await.unwrap_or_default();
    let Some(format) = listed
        .iter()
        .filter(|listing| listing.visible_to(&principal))
        .flat_map(|listing| &listing.files)
        .find(|(_, name, _)| *name == file)
        .map(|(format, _, _)| *format)
    else {
        return not_found(&dashboard, &principal, choice);
    };
    match report::fetch_report(out, &file).await {
        Ok(bytes) => {
            audit_download(&dashboard, &principal, &file, started);
            download(format, bytes, &file)
        }
        Err(error) => {
            let t = texts(choice.lang);
            let main = view! {
                <h1>{t.title}</h1>
                <p class="notice">{format!("{}{error}", t.monthly_unreadable)}</p>
            }
            .into_any();
            page_response(
                &dashboard,
                &principal,
                choice,
                main,
                StatusCode::INTERNAL_SERVER_ERROR,
            )
        }
    }
}

/// Where the dashboard's reports live: those made on the page, and the folder (or
/// object-store prefix) of the monthly ones.
#[derive(Debug, Default)]
pub(crate) struct Reports {
    pub(crate) jobs: ReportJobs,
    pub(crate) out: Option<String>,
}

fn audit_download(dashboard: &Dashboard, principal: &Principal, name: &str, started: Instant) {
    dashboard.warehouse.audit_log().record(AuditRecord {
        at: Utc::now(),
        user: principal.user.clone(),
        agency: principal.agency.clone(),
        roles: principal.roles_text(),
        action: "export".to_string(),
        interface: "report".to_string(),
        sql: format!("-- MoU review report file {name}"),
        tables: Default::default(),
        rows: None,
        outcome: Outcome::Ok,
        error: None,
        duration: started.elapsed(),
    });
}

fn download(format: Format, bytes: Vec<u8>, name: &str) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // The names are made of letters, digits, '-' and '.': safe in the header as they are.
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    response
}

fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

fn not_found(dashboard: &Dashboard, principal: &Principal, choice: LangChoice) -> Response {
    let lang = choice.lang;
    let t = texts(lang);
    let main = view! {
        <h1>{t.title}</h1>
        <p class="notice">{t.not_found}</p>
        <p>
            <a href=format!("/reports?lang={}", lang.code())>{t.back}</a>
        </p>
    }
    .into_any();
    page_response(dashboard, principal, choice, main, StatusCode::NOT_FOUND)
}

fn page_response(
    dashboard: &Dashboard,
    principal: &Principal,
    choice: LangChoice,
    main: AnyView,
    status: StatusCode,
) -> Response {
    let lang = choice.lang;
    let context = PageContext {
        lang,
        path: "/reports".to_string(),
        query: String::new(),
        section: Section::Reports,
        meeting: false,
        data_version: dashboard.warehouse.data_version(),
        targets_version: dashboard.warehouse.targets().version.clone(),
    };
    let body = document(&context, texts(lang).title, main).replacen(
        ACCOUNT_SLOT,
        &account_html(lang, principal),
        1,
    );
    // The user's own reports: never kept by a cache.
    private_page(status, body, choice)
}

/// The period of a request in words, with its ports and agencies.
fn period_text(lang: Lang, request: &Request) -> String {
    let t = texts(lang);
    let list = |items: &[String]| {
        if items.is_empty() {
            t.all.to_string()
        } else {
            items.join(", ")
        }
    };
    let agencies: Vec<String> = request.agencies.iter().map(|a| lang.agency(a)).collect();
    format!(
        "{} – {} · {}: {} · {}: {}",
        request.first.format("%Y-%m-%d"),
        request.last.format("%Y-%m-%d"),
        t.ports,
        list(&request.ports),
        t.agencies,
        list(&agencies)
    )
}

/// A report's state: progress, its files, or why it was not made.
fn job_details(lang: Lang, job: &Job, state: &JobState) -> AnyView {
    let t = texts(lang);
    match state {
        JobState::Running => view! {
            <p role="status">
                <strong>{format!("{} ", t.making)}</strong>
                <progress max=Progress::STEPS.to_string() value=job.progress.done().to_string()>
                    {format!("{}/{}", job.progress.done(), Progress::STEPS)}
                </progress>
                {format!(" {} {} {}", job.progress.done(), t.steps_of, Progress::STEPS)}
            </p>
            <p class="lead">{t.takes_a_while}</p>
        }
        .into_any(),
        JobState::Failed(message) => view! {
            <p class="notice" role="alert">
                <strong>{format!("{}: ", t.failed)}</strong>
                {message.clone()}
            </p>
        }
        .into_any(),
        JobState::Ready(made) => {
            let links = made
                .files
                .iter()
                .map(|(format, bytes)| {
                    let name = format!("{}.{}", made.stem, format.extension());
                    let href = format!("/reports/made/{}/{name}", job.id);
                    view! {
                        <li>
                            <a href=href download=name.clone()>
                                {name.clone()}
                            </a>
                            {format!(" ({})", size_text(lang, bytes.len() as u64))}
                        </li>
                    }
                })
                .collect_view();
            let left_out = (!made.left_out.is_empty()).then(|| {
                let items = made
                    .left_out
                    .iter()
                    .map(|(title, reason)| {
                        view! {
                            <li>
                                <strong>{title.clone()}</strong>
                                {format!(": {reason}")}
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <h3>{t.left_out}</h3>
                    <ul>{items}</ul>
                }
            });
            view! {
                <p role="status">
                    <strong>{format!("✓ {}", t.ready)}</strong>
                </p>
                <ul>{links}</ul>
                <p>
                    {format!("{}: ", t.fingerprint)}
                    <code>{made.fingerprint.clone()}</code>
                </p>
                {left_out}
            }
            .into_any()
        }
    }
}

fn size_text(lang: Lang, bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", lang.number(bytes as f64 / (1024.0 * 1024.0), 1))
    } else {
        format!("{} KB", lang.number((bytes as f64 / 1024.0).max(1.0), 0))
    }
}

async fn render(
    dashboard: &Dashboard,
    principal: &Principal,
    choice: LangChoice,
    asked: &Asked,
    problem: Option<String>,
    status: StatusCode,
) -> Response {
    let lang = choice.lang;
    let t = texts(lang);
    let jobs = dashboard.reports.jobs.of(principal);
    let monthly = match dashboard.reports.out.as_deref() {
        None => Err(t.monthly_unconfigured.to_string()),
        Some(out) => list_reports(out)
            .await
            .map(|all| {
                all.into_iter()
                    .filter(|l| l.visible_to(principal))
                    .collect::<Vec<_>>()
            })
            .map_err(|e| format!("{}{e}", t.monthly_unreadable)),
    };
    let ports = national_ports(dashboard.warehouse.ports());
    let main = view! {
        <h1>{t.title}</h1>
        <p class="lead">{t.intro}</p>
        <style>{REPORTS_CSS}</style>
        {form(lang, asked, &ports, problem)}
        {yours(lang, &jobs)}
        {monthly_view(lang, monthly)}
    }
    .into_any();
    page_response(dashboard, principal, choice, main, status)
}

fn form(lang: Lang, asked: &Asked, ports: &[(String, String)], problem: Option<String>) -> AnyView {
    let t = texts(lang);
    let problem = problem.map(|p| {
        view! {
            <p class="notice problem" role="alert">
                {p}
            </p>
        }
    });
    let port_boxes = ports
        .iter()
        .map(|(code, name)| {
            let checked = asked.ports.iter().any(|p| p.eq_ignore_ascii_case(code));
            view! {
                <label>
                    <input type="checkbox" name="port" value=code.clone() checked=checked />
                    {format!(" {name} ({code})")}
                </label>
            }
        })
        .collect_view();
    let agency_boxes = AGENCIES
        .iter()
        .map(|agency| {
            let checked = asked.agencies.iter().any(|a| a == agency);
            view! {
                <label>
                    <input type="checkbox" name="agency" value=*agency checked=checked />
                    {format!(" {}", lang.agency(agency))}
                </label>
            }
        })
        .collect_view();
    let report_lang = asked.report_lang.unwrap_or(lang);
    let lang_radios = [Lang::Id, Lang::En]
        .into_iter()
        .map(|option| {
            view! {
                <label lang=option.code() translate="no">
                    <input
                        type="radio"
                        name="report_lang"
                        value=option.code()
                        checked=option == report_lang
                    />
                    {format!(" {}", option.endonym())}
                </label>
            }
        })
        .collect_view();
    let format_boxes = Format::ALL
        .into_iter()
        .map(|format| {
            let ext = format.extension();
            let checked = asked.formats.iter().any(|f| f.eq_ignore_ascii_case(ext));
            view! {
                <label>
                    <input type="checkbox" name="format" value=ext checked=checked />
                    {format!(" {}", ext.to_uppercase())}
                </label>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="make-report">
            <h2 id="make-report">{t.make}</h2>
            {problem}
            <form class="report-form" method="post" action="/reports">
                <input type="hidden" name="lang" value=lang.code() />
                <fieldset>
                    <legend>{t.period}</legend>
                    <label>
                        {t.month}
                        <input type="month" name="period" value=asked.period.clone() />
                    </label>
                    <span class="or">{t.or_days}</span>
                    <label>
                        {t.from}
                        <input type="date" name="from" value=asked.from.clone() />
                    </label>
                    <label>
                        {t.to}
                        <input type="date" name="to" value=asked.to.clone() />
                    </label>
                </fieldset>
                <fieldset>
                    <legend>{t.ports}</legend>
                    <p class="hint">{t.all_ports_hint}</p>
                    <div class="choices">{port_boxes}</div>
                </fieldset>
                <fieldset>
                    <legend>{t.agencies}</legend>
                    <p class="hint">{t.all_agencies_hint}</p>
                    <div class="choices">{agency_boxes}</div>
                </fieldset>
                <fieldset>
                    <legend>{t.report_lang}</legend>
                    <div class="choices">{lang_radios}</div>
                </fieldset>
                <fieldset>
                    <legend>{t.formats}</legend>
                    <div class="choices">{format_boxes}</div>
                </fieldset>
                <p>
                    <button type="submit">{t.submit}</button>
                    {format!(" {}", t.takes_a_while)}
                </p>
            </form>
        </section>
    }
    .into_any()
}

fn yours(lang: Lang, jobs: &[Arc<Job>]) -> AnyView {
    let t = texts(lang);
    let body = if jobs.is_empty() {
        view! { <p>{t.yours_none}</p> }.into_any()
    } else {
        let rows = jobs
            .iter()
            .map(|job| {
                let state = job.state();
                let status = match &state {
                    JobState::Running => {
                        format!("{} ({}/{})", t.making, job.progress.done(), Progress::STEPS)
                    }
                    JobState::Ready(_) => format!("✓ {}", t.ready),
                    JobState::Failed(_) => format!("✗ {}", t.failed),
                };
                let href = format!("/reports/made/{}?lang={}", job.id, lang.code());
                let formats: Vec<&str> = job.formats.iter().map(|f| f.extension()).collect();
                view! {
                    <tr>
                        <td>{job.asked_at.format("%Y-%m-%d %H:%M UTC").to_string()}</td>
                        <td>
                            <a href=href>{period_text(lang, &job.request)}</a>
                        </td>
                        <td>{job.request.lang.endonym()}</td>
                        <td>{formats.join(", ").to_uppercase()}</td>
                        <td>{status}</td>
                    </tr>
                }
            })
            .collect_view();
        table(
            [t.asked, t.period, t.language, t.files, t.status],
            rows.into_any(),
        )
    };
    section("your-reports", t.yours, t.kept_note, body)
}

/// A table of reports with its column headers.
fn table(headers: [&'static str; 5], rows: AnyView) -> AnyView {
    let headers = headers
        .into_iter()
        .map(|header| view! { <th scope="col">{header}</th> })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>{headers}</tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A section of the page with its heading and a line saying what it holds.
fn section(id: &'static str, title: &'static str, hint: &'static str, body: AnyView) -> AnyView {
    view! {
        <section aria-labelledby=id>
            <h2 id=id>{title}</h2>
            <p class="hint">{hint}</p>
            {body}
        </section>
    }
    .into_any()
}

fn monthly_view(lang: Lang, monthly: Result<Vec<ReportListing>, String>) -> AnyView {
    let t = texts(lang);
    let body = match monthly {
        Err(message) => view! { <p class="notice">{message}</p> }.into_any(),
        Ok(listings) if listings.is_empty() => view! { <p>{t.monthly_none}</p> }.into_any(),
        Ok(listings) => {
            let rows = listings
                .into_iter()
                .map(|listing| {
                    let record = &listing.record;
                    let files = listing
                        .files
                        .iter()
                        .map(|(_, name, size)| {
                            let href = format!("/reports/monthly/{name}");
                            view! {
                                <li>
                                    <a href=href download=name.clone()>
                                        {name.clone()}
                                    </a>
                                    {format!(" ({})", size_text(lang, *size))}
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <tr>
                            <td>{period_text(lang, &record.request)}</td>
                            <td>
                                {format!(
                                    "{} ({}:{})",
                                    record.user,
                                    record.agency,
                                    record.roles.join(","),
                                )}
                            </td>
                            <td>{record.request.lang.endonym()}</td>
                            <td>{record.generated_at.format("%Y-%m-%d %H:%M UTC").to_string()}</td>
                            <td>
                                <ul class="files">{files}</ul>
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            table(
                [t.period, t.made_for, t.language, t.generated, t.files],
                rows.into_any(),
            )
        }
    };
    section("monthly-reports", t.monthly, t.monthly_intro, body)
}

const REPORTS_CSS: &str = "\
.report-form { display: grid; gap: 0.8rem; background: var(--paper); border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.25rem; }\
.report-form fieldset { border: 1px solid var(--line); border-radius: 4px; display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; align-items: flex-end; }\
.report-form legend { font-weight: 700; padding: 0 0.3rem; }\
.report-form fieldset > label { display: flex; flex-direction: column; font-size: 0.9rem; font-weight: 600; gap: 0.2rem; }\
.report-form input[type=month], .report-form input[type=date] { font: inherit; padding: 0.3rem; border: 1px solid var(--muted); border-radius: 4px; }\
.report-form .or { color: var(--muted); padding-bottom: 0.4rem; }\
.report-form .hint { flex-basis: 100%; margin: 0; }\
.report-form .choices { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: 0.2rem 1rem; flex-basis: 100%; }\
.report-form .choices label { font-weight: normal; }\
.report-form button { font: inherit; font-weight: 700; padding: 0.4rem 1.2rem; border: 2px solid var(--brand); border-radius: 4px; background: var(--brand); color: #fff; cursor: pointer; }\
.hint { color: var(--muted); font-size: 0.9rem; }\
.problem { border-left-color: var(--missed); }\
ul.files { margin: 0; padding-left: 1rem; }\
";
