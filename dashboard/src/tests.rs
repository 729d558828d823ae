//! Tests of the whole dashboard: a warehouse over tiny hand-made tables, driven through
//! the router as a browser would, with assertions on the figures the pages show. The
//! pages are asked for by an administrator (who sees every figure) unless a test says
//! otherwise; signing in, the SQL API and the sharing policies have their own modules.

mod accounts_reload;
mod attempts;
mod console;
mod pages_by_agency;
mod policies;
mod reports_page;
mod sign_in;
mod sql_api;

use std::sync::{Arc, LazyLock};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use chrono::{DateTime, NaiveDate, TimeZone, Timelike, Utc};
use datafusion::arrow::array::{
    ArrayRef, Date32Array, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray,
    TimestampMillisecondArray,
};
use gerbang_ingest::reference::PortRegistry;
use gerbang_ingest::schema::Table;
use gerbang_query::Warehouse;
use gerbang_query::accounts::{Accounts, hash_password, token_hash};
use gerbang_query::policy::Principal;
use gerbang_query::targets::MouTargets;
use tower::ServiceExt;

use crate::SignIn;
use crate::cache::PageCache;
use crate::data::{Answer, Period, Viewer};
use crate::filters::Filters;
use crate::server::{PolicyDay, router_with_cache};

/// The day the tests' sessions are made on: every embedded grant is in force (the policy
/// engine's own tests use the same day).
fn policy_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).expect("a date")
}

/// The password of the test accounts that have one.
const PASSWORD: &str = "correct horse battery staple";

/// The test accounts: `(name, agency, roles)`. Each holds the API token [`token`]`(name)`;
/// `siti` and `gone` also sign in with [`PASSWORD`], and `gone` is disabled.
const ACCOUNTS: [(&str, &str, &str); 12] = [
    ("admin", "gerbang", "administrator"),
    ("immigration-leadership", "immigration", "leadership"),
    ("immigration-analyst", "immigration", "analyst"),
    ("customs-leadership", "customs", "leadership"),
    ("customs-analyst", "customs", "analyst"),
    ("police-analyst", "police", "analyst"),
    ("quarantine-analyst", "quarantine", "analyst"),
    ("authority-analyst", "authority", "analyst"),
    ("statistics-analyst", "statistics_indonesia", "analyst"),
    ("customs-owner", "customs", "data_owner"),
    ("siti", "customs", "analyst"),
    ("gone", "customs", "analyst"),
];

/// The API token of a test account.
fn token(name: &str) -> String {
    format!("gbt_{name}")
}

/// The `Authorization` header value of a test account.
fn bearer(name: &str) -> String {
    format!("Bearer {}", token(name))
}

/// Fresh test accounts (each test its own, so that one test's failed sign-ins do not
/// count against another's).
fn accounts() -> Arc<Accounts> {
    static HASH: LazyLock<String> =
        LazyLock::new(|| hash_password(PASSWORD).expect("the password hashes"));
    let mut text = String::new();
    for (name, agency, roles) in ACCOUNTS {
        text.push_str(&format!(
            "[[user]]\nname = \"{name}\"\nagency = \"{agency}\"\nroles = [\"{roles}\"]\n\
             tokens = [\"{}\"]\n",
            token_hash(&token(name))
        ));
        if name == "siti" || name == "gone" {
            text.push_str(&format!("password = \"{}\"\n", *HASH));
        }
        if name == "gone" {
            text.push_str("disabled = true\n");
        }
    }
    Arc::new(Accounts::parse(&text, "test accounts").expect("the test accounts parse"))
}

/// The dashboard over `warehouse` for the test accounts, under the policies in force on
/// [`policy_day`].
fn router(warehouse: Arc<Warehouse>) -> Router {
    router_with_cache(
        warehouse,
        SignIn::new(accounts()),
        Arc::new(PageCache::new(PageCache::DEFAULT_CAPACITY)),
        PolicyDay::Fixed(policy_day()),
    )
}

/// The warehouse as the administrator sees it, for tests of the questions themselves.
async fn administrator_view(warehouse: Warehouse) -> Viewer {
    let admin = Principal::parse("admin", "gerbang:administrator").expect("a principal");
    let warehouse = Arc::new(warehouse);
    let session = warehouse
        .session_for_on(&admin, policy_day())
        .await
        .expect("an administrator's session");
    Viewer::new(warehouse, session)
}

/// One traveller of the fixture: joined the queue at a local time, cleared after
/// `clearance` minutes, reached the counter two minutes before being cleared.
struct Traveller {
    port: &'static str,
    local: (i32, u32, u32, u32),
    clearance: i64,
}

fn date32(date: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    i32::try_from((date - epoch).num_days()).expect("date fits")
}

fn utc_ms(values: impl IntoIterator<Item = i64>) -> ArrayRef {
    Arc::new(TimestampMillisecondArray::from_iter_values(values).with_timezone("UTC"))
}

fn text(values: Vec<String>) -> ArrayRef {
    Arc::new(StringArray::from(values))
}

fn crossings(travellers: &[Traveller]) -> RecordBatch {
    let lanes = vec!["counter"; travellers.len()];
    crossings_in_lanes(travellers, &lanes)
}

/// [`crossings`], each traveller through the lane kind at the same index of `lanes`.
fn crossings_in_lanes(travellers: &[Traveller], lanes: &[&'static str]) -> RecordBatch {
    let detailed: Vec<Crossing> = travellers
        .iter()
        .zip(lanes)
        .map(|(t, lane_kind)| Crossing {
            port: t.port,
            local: t.local,
            clearance_seconds: t.clearance * 60,
            lane_kind,
            outcome: "cleared",
            i247_status: "ok",
        })
        .collect();
    crossing_batch(&detailed)
}

/// One traveller with every detail a fixture may set: clearance to the second, the lane
/// kind, the outcome and the I-24/7 check's status. Reached the counter two minutes before
/// being cleared, at counter (lane) A1 of terminal T3, off flight GA 821, as
/// `traveller-<index>`.
struct Crossing {
    port: &'static str,
    local: (i32, u32, u32, u32),
    clearance_seconds: i64,
    lane_kind: &'static str,
    outcome: &'static str,
    i247_status: &'static str,
}

impl Crossing {
    fn cleared(port: &'static str, local: (i32, u32, u32, u32), clearance_seconds: i64) -> Self {
        Crossing {
            port,
            local,
            clearance_seconds,
            lane_kind: "counter",
            outcome: "cleared",
            i247_status: "ok",
        }
    }
}

/// The UTC instant of a local time at a registered port.
fn port_time(port: &str, (y, m, d, h): (i32, u32, u32, u32), minute: u32) -> DateTime<Utc> {
    PortRegistry::embedded()
        .get(port)
        .expect("fixture port is registered")
        .zone
        .with_ymd_and_hms(y, m, d, h, minute, 0)
        .single()
        .expect("unambiguous time")
        .with_timezone(&Utc)
}

fn crossing_batch(travellers: &[Crossing]) -> RecordBatch {
    let registry = PortRegistry::embedded();
    let mut joined = Vec::new();
    let mut local_dates = Vec::new();
    let mut local_hours = Vec::new();
    for t in travellers {
        let zone = registry
            .get(t.port)
            .expect("fixture port is registered")
            .zone;
        let (y, m, d, h) = t.local;
        let local = zone
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .expect("unambiguous time");
        joined.push(local.with_timezone(&Utc));
        local_dates.push(date32(local.date_naive()));
        local_hours.push(i32::try_from(local.hour()).expect("hour fits"));
    }
    let ms = |t: &DateTime<Utc>| t.timestamp_millis();
    let minute = 60_000;
    let n = travellers.len();
    let same = |value: &str| text(vec![value.to_string(); n]);
    let each = |pick: fn(&Crossing) -> &'static str| {
        text(travellers.iter().map(|t| pick(t).to_string()).collect())
    };
    let columns: Vec<ArrayRef> = vec![
        each(|t| t.port),
        Arc::new(Date32Array::from(local_dates)),
        Arc::new(Int32Array::from(local_hours)),
        utc_ms(joined.iter().map(|t| ms(t) - ms(t) % (60 * minute))),
        same("T3"),
        same("A1"),
        each(|t| t.lane_kind),
        same("arrival"),
        same("foreigner"),
        same("SG"),
        same("GA 821"),
        utc_ms(joined.iter().map(ms)),
        utc_ms(
            joined
                .iter()
                .zip(travellers)
                .map(|(j, t)| ms(j) + t.clearance_seconds * 1000 - 2 * minute),
        ),
        utc_ms(
            joined
                .iter()
                .zip(travellers)
                .map(|(j, t)| ms(j) + t.clearance_seconds * 1000),
        ),
        each(|t| t.outcome),
        each(|t| t.i247_status),
        Arc::new(Int32Array::from(vec![Some(120); n])),
        Arc::new(StringArray::from(vec![None::<&str>; n])),
        text((0..n).map(|i| format!("traveller-{i}")).collect()),
        text((0..n).map(|i| format!("record-{i}")).collect()),
    ];
    RecordBatch::try_new(Table::Crossings.schema(), columns).expect("fixture matches the schema")
}

/// CGK: ten travellers on Tuesday 20 October 2026 at 08:00 WIB, clearing in 5, 10, …, 50
/// minutes (p90 45.5 against a 35-minute target: missed; four of ten waited over 30
/// minutes: one bottleneck hour), and one traveller ten days earlier, outside the week.
/// DPS: four travellers on Monday 19 October at 10:00 WITA, clearing in 10–16 minutes
/// (p90 15.4: met).
fn week_fixture() -> Vec<Traveller> {
    let mut travellers: Vec<Traveller> = (1..=10)
        .map(|i| Traveller {
            port: "CGK",
            local: (2026, 10, 20, 8),
            clearance: 5 * i,
        })
        .collect();
    travellers.push(Traveller {
        port: "CGK",
        local: (2026, 10, 10, 8),
        clearance: 100,
    });
    for clearance in [10, 12, 14, 16] {
        travellers.push(Traveller {
            port: "DPS",
            local: (2026, 10, 19, 10),
            clearance,
        });
    }
    travellers
}

/// Two hourly CBP rows at JFK on Sunday 30 December 2018, 15:00 and 16:00 local: the first
/// has 20 of 100 passengers waiting more than 30 minutes (a bottleneck hour), the second
/// none.
fn jfk_reports() -> RecordBatch {
    let zone = PortRegistry::embedded()
        .get("JFK")
        .expect("JFK is registered")
        .zone;
    let starts: Vec<DateTime<Utc>> = [15, 16]
        .iter()
        .map(|h| {
            zone.with_ymd_and_hms(2018, 12, 30, *h, 0, 0)
                .single()
                .expect("unambiguous time")
                .with_timezone(&Utc)
        })
        .collect();
    let date = date32(NaiveDate::from_ymd_opt(2018, 12, 30).expect("valid date"));
    let float = |a: f64, b: f64| -> ArrayRef { Arc::new(Float64Array::from(vec![a, b])) };
    let int = |a: i64, b: i64| -> ArrayRef { Arc::new(Int64Array::from(vec![a, b])) };
    let columns: Vec<ArrayRef> = vec![
        text(vec!["JFK".into(), "JFK".into()]),
        text(vec!["Terminal 4".into(), "Terminal 4".into()]),
        utc_ms(starts.iter().map(DateTime::timestamp_millis)),
        Arc::new(Int32Array::from(vec![60, 60])),
        Arc::new(Date32Array::from(vec![date, date])),
        Arc::new(Int32Array::from(vec![15, 16])),
        float(18.0, 6.0),
        float(50.0, 14.0),
        float(22.0, 4.0),
        float(55.0, 13.0),
        float(20.0, 5.0),
        float(55.0, 14.0),
        int(50, 100),
        int(30, 0),
        int(15, 0),
        int(5, 0),
        int(0, 0),
        int(0, 0),
        int(0, 0),
        int(0, 0),
        int(100, 100),
        int(3, 2),
        int(10, 8),
    ];
    RecordBatch::try_new(Table::WaitHourly.schema(), columns).expect("fixture matches the schema")
}

async fn warehouse(tables: Vec<(String, Vec<RecordBatch>)>) -> Warehouse {
    Warehouse::from_tables(tables, PortRegistry::embedded(), MouTargets::embedded())
        .await
        .expect("the fixture warehouse opens")
}

async fn week_router() -> Router {
    let tables = vec![
        ("crossings".to_string(), vec![crossings(&week_fixture())]),
        ("wait_hourly".to_string(), vec![jfk_reports()]),
    ];
    router(Arc::new(warehouse(tables).await))
}

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

/// `GET uri` with `headers`, as the administrator unless the headers say who is asking.
async fn get(router: Router, uri: &str, headers: &[(&str, &str)]) -> Page {
    let mut request = Request::builder().uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let signed_in = headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("authorization") || value.contains("gerbang_session=")
    });
    if !signed_in {
        request = request.header("authorization", bearer("admin"));
    }
    send(
        router,
        request.body(Body::empty()).expect("a valid request"),
    )
    .await
}

/// Sends any request; the answer with its body as text (lossy for binary bodies, which
/// [`send_bytes`] keeps).
async fn send(router: Router, request: Request<Body>) -> Page {
    let (status, headers, bytes) = send_bytes(router, request).await;
    Page {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn send_bytes(
    router: Router,
    request: Request<Body>,
) -> (StatusCode, HeaderMap, axum::body::Bytes) {
    let response = router.oneshot(request).await.expect("the router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("the body is readable");
    (status, headers, bytes)
}

/// The HTML of every overview tile.
fn tiles(page: &str) -> impl Iterator<Item = &str> {
    page.split("<li class=\"tile ")
        .skip(1)
        .filter_map(|rest| rest.split("</li>").next())
}

/// The HTML of the overview tile that links to `port`.
fn tile<'a>(page: &'a str, port: &str) -> &'a str {
    let link = format!("href=\"/port/{port}?");
    tiles(page)
        .find(|tile| tile.contains(&link))
        .unwrap_or_else(|| panic!("no tile links to {port}"))
}

#[tokio::test]
async fn overview_tiles_show_the_weeks_travellers_and_exact_p90_against_targets() {
    let page = get(week_router().await, "/?lang=en", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    assert!(
        body.contains("Wednesday 14 October 2026 – Tuesday 20 October 2026"),
        "{body}"
    );
    assert!(body.contains("MoU targets v2026.1"));

    let cgk = tile(body, "CGK");
    // Ten travellers: the one ten days earlier is outside the week.
    assert!(cgk.contains("<dd class=\"value\">10</dd>"), "{cgk}");
    assert!(cgk.contains("45.5 min"), "{cgk}");
    assert!(
        cgk.contains("✗") && cgk.contains("missed") && cgk.contains("target ≤ 35 min"),
        "{cgk}"
    );
    assert!(
        cgk.contains("1 h") && cgk.contains("target ≤ 20 h per week"),
        "{cgk}"
    );
    assert!(cgk.contains("Needs attention"));

    let dps = tile(body, "DPS");
    assert!(dps.contains("<dd class=\"value\">4</dd>"), "{dps}");
    assert!(
        dps.contains("15.4 min") && dps.contains("✓") && dps.contains("met"),
        "{dps}"
    );
    assert!(!dps.contains("✗"), "{dps}");

    let position = |port: &str| {
        body.find(&format!("href=\"/port/{port}?lang=en\""))
            .expect("linked")
    };
    assert!(
        position("CGK") < position("DPS"),
        "the port that missed a target comes first"
    );
    let jfk_tile = tiles(body).any(|t| t.contains("/port/JFK?"));
    assert!(!jfk_tile, "a benchmark airport never gets a national tile");
    assert!(body.contains("role=\"img\"") && body.contains("<title id=\"chart-CGK-title\">"));
    assert!(
        body.contains("CGK: highest 45.5 min"),
        "the chart summary names the peak hour"
    );
}

#[tokio::test]
async fn indonesian_switches_labels_numbers_dates_links_and_remembers_the_choice() {
    let page = get(week_router().await, "/?lang=id", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("<html lang=\"id\""));
    assert!(body.contains("Ikhtisar mingguan") && !body.contains("Weekly overview"));
    assert!(body.contains("Rabu, 14 Oktober 2026 – Selasa, 20 Oktober 2026"));
    let cgk = tile(body, "CGK");
    assert!(
        cgk.contains("45,5 menit") && cgk.contains("tidak tercapai"),
        "{cgk}"
    );
    assert!(cgk.contains("target ≤ 35 menit"), "{cgk}");
    assert!(
        body.contains("href=\"/port/CGK?lang=id\""),
        "links keep the language"
    );
    assert!(
        body.contains("href=\"/?lang=en\""),
        "the switch offers English"
    );
    let cookie = page
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(cookie.starts_with("lang=id;"), "{cookie}");

    let remembered = get(week_router().await, "/", &[("cookie", "lang=id")]).await;
    assert!(remembered.body.contains("Ikhtisar mingguan"));
    let negotiated = get(
        week_router().await,
        "/",
        &[("accept-language", "id-ID,id;q=0.9,en;q=0.8")],
    )
    .await;
    assert!(negotiated.body.contains("Ikhtisar mingguan"));
    let english = get(
        week_router().await,
        "/",
        &[("accept-language", "en-GB,en;q=0.9")],
    )
    .await;
    assert!(english.body.contains("Weekly overview"));
}

#[tokio::test]
async fn port_page_shows_days_and_episodes_in_local_time() {
    let page = get(week_router().await, "/port/CGK?lang=en", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    assert!(body.contains("Soekarno-Hatta International Airport (CGK)"));
    let row = body
        .split("<tr>")
        .find(|row| row.contains("Tuesday 20 October 2026</th>"))
        .expect("a row for the busy day");
    // p50 27.5, p90 45.5 (above the 35-minute target, so marked), p95 47.75.
    assert!(
        row.contains(">10<") && row.contains("27.5") && row.contains("45.5"),
        "{row}"
    );
    assert!(row.contains("✗"), "{row}");
    assert!(
        body.contains("Tuesday 20 October 2026, 08:00 WIB"),
        "episode start in WIB"
    );
    assert!(
        body.contains("Tuesday 20 October 2026, 09:00 WIB"),
        "episode end in WIB"
    );
    assert!(body.contains("whole port") && body.contains("terminal T3"));
    assert!(body.contains("<title id=\"port-chart-title\">"));

    let indonesian = get(week_router().await, "/port/cgk?lang=id", &[]).await;
    assert_eq!(indonesian.status, StatusCode::OK);
    assert!(
        indonesian
            .body
            .contains("Selasa, 20 Oktober 2026, 08.00 WIB")
    );
    assert!(indonesian.body.contains("seluruh TPI"));
}

#[tokio::test]
async fn benchmark_port_shows_its_hourly_wait_reports() {
    let page = get(week_router().await, "/port/JFK?lang=en", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    assert!(
        body.contains("Monday 24 December 2018 – Sunday 30 December 2018"),
        "{body}"
    );
    assert!(
        body.contains("<dd class=\"value\">200</dd>"),
        "passengers of both hours"
    );
    // (20 × 100 + 5 × 100) / 200 passengers.
    assert!(body.contains("12.5 min"), "passenger-weighted average wait");
    assert!(
        body.contains("Sunday 30 December 2018, 15:00 EST"),
        "episode start in New York time"
    );
    assert!(body.contains("Terminal 4</td>") && !body.contains("terminal Terminal 4"));
    assert!(
        body.contains("10.0%"),
        "20 of 200 passengers waited more than 30 minutes"
    );

    let overview = get(week_router().await, "/?lang=en", &[]).await;
    assert!(
        overview.body.contains("href=\"/port/JFK?lang=en\""),
        "benchmarks are linked"
    );
}

#[tokio::test]
async fn unknown_port_gives_a_friendly_404_with_a_way_back() {
    let page = get(week_router().await, "/port/NOPE?lang=en", &[]).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Page not found") && page.body.contains("href=\"/?lang=en\""));
    let elsewhere = get(week_router().await, "/no/such/page?lang=id", &[]).await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    assert!(elsewhere.body.contains("Halaman tidak ditemukan"));
}

#[tokio::test]
async fn empty_lake_says_no_data_yet_and_how_to_ingest() {
    let empty = router(Arc::new(warehouse(Vec::new()).await));
    let page = get(empty.clone(), "/?lang=en", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("No data has been ingested yet"));
    assert!(page.body.contains("gerbang ingest --inbox"));
    let port = get(empty, "/port/CGK?lang=id", &[]).await;
    assert_eq!(port.status, StatusCode::OK);
    assert!(
        port.body
            .contains("Belum ada data yang dimuat untuk TPI ini")
    );
}

#[tokio::test]
async fn failing_query_renders_an_error_page_with_status_500() {
    let broken = warehouse(vec![(
        "crossings".to_string(),
        vec![crossings(&week_fixture())],
    )])
    .await;
    broken
        .context()
        .deregister_table("crossings")
        .expect("deregistering works");
    let page = get(router(Arc::new(broken)), "/?lang=en", &[]).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page.body.contains("This page could not be shown"));
    assert!(
        page.body.contains("crossings"),
        "the details name what failed: {}",
        page.body
    );
}

#[tokio::test]
async fn stylesheet_is_served_with_focus_outlines() {
    let page = get(week_router().await, "/static/gerbang.css", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(":focus-visible"));
}

/// The fixture's router with its page cache in view.
async fn cached_router() -> (Router, Arc<PageCache>) {
    let tables = vec![("crossings".to_string(), vec![crossings(&week_fixture())])];
    let pages = Arc::new(PageCache::new(PageCache::DEFAULT_CAPACITY));
    let app = router_with_cache(
        Arc::new(warehouse(tables).await),
        SignIn::new(accounts()),
        Arc::clone(&pages),
        PolicyDay::Fixed(policy_day()),
    );
    (app, pages)
}

fn header<'a>(page: &'a Page, name: &str) -> &'a str {
    page.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn second_identical_request_is_served_from_the_cache_with_the_same_etag() {
    let (app, pages) = cached_router().await;
    let first = get(app.clone(), "/?lang=en", &[]).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!((pages.renders(), pages.hits()), (1, 0));
    let etag = header(&first, "etag");
    assert!(etag.starts_with("\"v") && etag.ends_with('"'), "{etag}");
    assert_eq!(header(&first, "cache-control"), "private, no-cache");

    let second = get(app.clone(), "/?lang=en", &[]).await;
    assert_eq!((pages.renders(), pages.hits()), (1, 1), "drawn once");
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.body, first.body);
    assert_eq!(header(&second, "etag"), etag, "the same page keeps its tag");
    assert_eq!(header(&second, "cache-control"), "private, no-cache");
    assert!(
        header(&second, "set-cookie").starts_with("lang=en;"),
        "a cached page still remembers the language chosen with ?lang="
    );

    // A parameter the pages do not read, and English chosen by cookie, share the entry.
    let tagged = get(app.clone(), "/?utm_source=mail&lang=en", &[]).await;
    let by_cookie = get(app.clone(), "/", &[("cookie", "lang=en")]).await;
    assert_eq!((pages.renders(), pages.hits()), (1, 3));
    assert_eq!(header(&tagged, "etag"), etag);
    assert_eq!(header(&by_cookie, "etag"), etag);
    assert!(
        by_cookie.headers.get("set-cookie").is_none(),
        "no choice made, nothing to remember"
    );

    // Indonesian, negotiated from the header, is another page with another tag.
    let indonesian = get(app.clone(), "/", &[("accept-language", "id-ID,id;q=0.9")]).await;
    assert_eq!(
        pages.renders(),
        2,
        "never the English page for an Indonesian visitor"
    );
    assert!(indonesian.body.contains("Ikhtisar mingguan"));
    assert_eq!(header(&indonesian, "content-language"), "id");
    assert_ne!(header(&indonesian, "etag"), etag);
    let by_query = get(app.clone(), "/?lang=id", &[("cookie", "lang=en")]).await;
    assert_eq!(header(&by_query, "etag"), header(&indonesian, "etag"));
    assert!(by_query.body.contains("Ikhtisar mingguan"));
    assert_eq!(pages.renders(), 2);

    // Another page is another entry; a port's code in lower case is the same port.
    let port = get(app.clone(), "/port/CGK?lang=en", &[]).await;
    assert_eq!(port.status, StatusCode::OK);
    assert_eq!(pages.renders(), 3);
    assert_ne!(header(&port, "etag"), etag);
    let lower = get(app.clone(), "/port/cgk?lang=en", &[]).await;
    assert_eq!(header(&lower, "etag"), header(&port, "etag"));
    assert_eq!((pages.renders(), pages.len()), (3, 3));
}

#[tokio::test]
async fn if_none_match_with_the_current_etag_gets_304_and_no_body() {
    let (app, pages) = cached_router().await;
    let first = get(app.clone(), "/?lang=en", &[]).await;
    let etag = header(&first, "etag").to_string();
    let revalidated = get(app.clone(), "/?lang=en", &[("if-none-match", &etag)]).await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    assert!(revalidated.body.is_empty());
    assert_eq!(header(&revalidated, "etag"), etag);
    assert_eq!(header(&revalidated, "cache-control"), "private, no-cache");
    assert!(header(&revalidated, "set-cookie").starts_with("lang=en;"));
    assert_eq!(pages.renders(), 1);

    // The tag of the English page does not match the Indonesian one.
    let indonesian = get(app.clone(), "/?lang=id", &[("if-none-match", &etag)]).await;
    assert_eq!(indonesian.status, StatusCode::OK);
    assert!(indonesian.body.contains("Ikhtisar mingguan"));
    let stale = get(app.clone(), "/?lang=en", &[("if-none-match", "\"v0-0\"")]).await;
    assert_eq!(stale.status, StatusCode::OK);
    assert!(!stale.body.is_empty());

    // A server that has just started knows the tag without drawing the page.
    let (restarted, fresh_pages) = cached_router().await;
    let cold = get(restarted, "/?lang=en", &[("if-none-match", &etag)]).await;
    assert_eq!(cold.status, StatusCode::NOT_MODIFIED);
    assert_eq!(fresh_pages.renders(), 0);

    // Not-found pages are cached, but a conditional request still gets its 404.
    let missing = get(app.clone(), "/port/NOPE?lang=en", &[]).await;
    let elsewhere = get(app.clone(), "/no/such/page?lang=en", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    assert_eq!(header(&elsewhere, "etag"), header(&missing, "etag"));
    let conditional = get(
        app,
        "/port/NOPE?lang=en",
        &[("if-none-match", header(&missing, "etag"))],
    )
    .await;
    assert_eq!(conditional.status, StatusCode::NOT_FOUND);
    assert!(conditional.body.contains("Page not found"));
    assert_eq!(
        pages.renders(),
        3,
        "two overviews and one not-found page for every unknown address"
    );
}

#[tokio::test]
async fn error_pages_are_not_cached_and_carry_no_etag() {
    let broken = Arc::new(
        warehouse(vec![(
            "crossings".to_string(),
            vec![crossings(&week_fixture())],
        )])
        .await,
    );
    let pages = Arc::new(PageCache::new(PageCache::DEFAULT_CAPACITY));
    let app = router_with_cache(
        Arc::clone(&broken),
        SignIn::new(accounts()),
        Arc::clone(&pages),
        PolicyDay::Fixed(policy_day()),
    );
    // The glossary reads no table: drawn (and cached) while the warehouse is whole, it
    // lets the sessions know the catalog, so that the table going missing afterwards
    // fails the overview's queries rather than the session.
    let glossary = get(app.clone(), "/glossary?lang=en", &[]).await;
    assert_eq!(glossary.status, StatusCode::OK);
    broken
        .context()
        .deregister_table("crossings")
        .expect("deregistering works");
    for _ in 0..2 {
        let page = get(app.clone(), "/?lang=en", &[]).await;
        assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(page.body.contains("crossings"), "{}", page.body);
        assert!(page.headers.get("etag").is_none());
    }
    assert_eq!(
        (pages.renders(), pages.hits(), pages.len()),
        (3, 0, 1),
        "the glossary once, the overview twice and never stored"
    );
}

/// Two weeks, Wednesday 7 – Tuesday 20 October 2026, the report being the second.
/// CGK got worse: 8 travellers on Tuesday 13 October clearing in 3, 6, …, 24 minutes (p90
/// 21.9, no bottleneck), then the ten of [`week_fixture`] (p90 45.5, one bottleneck hour).
/// DPS got better: 5 travellers on Monday 12 October clearing in 40–48 minutes (p90 47.2,
/// all waited over 30 minutes: one bottleneck hour), then 4 clearing in 10–16 (p90 15.4).
/// SUB has 3 travellers on Sunday 18 October and none the week before.
fn two_weeks_fixture() -> Vec<Traveller> {
    let mut travellers: Vec<Traveller> = week_fixture()
        .into_iter()
        .filter(|t| t.local.2 >= 14)
        .collect();
    travellers.extend((1..=8).map(|i| Traveller {
        port: "CGK",
        local: (2026, 10, 13, 8),
        clearance: 3 * i,
    }));
    travellers.extend([40, 42, 44, 46, 48].map(|clearance| Traveller {
        port: "DPS",
        local: (2026, 10, 12, 10),
        clearance,
    }));
    travellers.extend([10, 20, 30].map(|clearance| Traveller {
        port: "SUB",
        local: (2026, 10, 18, 9),
        clearance,
    }));
    travellers
}

/// The week-over-week lines of one tile, as text without tags: arrow and words.
fn change_lines(tile: &str) -> Vec<String> {
    tile.split("<dd class=\"change")
        .skip(1)
        .filter_map(|rest| rest.split("</dd>").next())
        .map(|line| {
            let text = line.split_once('>').map_or(line, |(_, inner)| inner);
            let mut plain = String::new();
            let mut in_tag = false;
            for c in text.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => plain.push(c),
                    _ => {}
                }
            }
            plain.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

#[tokio::test]
async fn tiles_show_the_change_from_last_week_with_arrows_and_words() {
    let tables = vec![(
        "crossings".to_string(),
        vec![crossings(&two_weeks_fixture())],
    )];
    let app = router(Arc::new(warehouse(tables).await));

    let english = get(app.clone(), "/?lang=en", &[]).await;
    assert_eq!(english.status, StatusCode::OK, "{}", english.body);
    let body = &english.body;
    assert!(body.contains("Wednesday 14 October 2026 – Tuesday 20 October 2026"));
    // Travellers, then p90, then bottleneck hours, then enforcement cases (none either
    // week: every traveller was cleared), I-24/7 checks (all OK both weeks) and data
    // exchange (no messages at all).
    assert_eq!(
        change_lines(tile(body, "CGK")),
        [
            "▲ +25% from last week",
            "▲ +23.6 min from last week (worse)",
            "▲ +1 h from last week (worse)",
            "= no change from last week",
            "= no change from last week",
            "– no data last week",
        ]
    );
    assert_eq!(
        change_lines(tile(body, "DPS"))[..3],
        [
            "▼ −20% from last week",
            "▼ −31.8 min from last week (better)",
            "▼ −1 h from last week (better)",
        ]
    );
    assert_eq!(
        change_lines(tile(body, "SUB")),
        ["– no data last week"; 6],
        "SUB had no travellers, so no checks and no enforcement figures, the week before"
    );
    assert!(
        tile(body, "CGK").contains("<span aria-hidden=\"true\" class=\"mark\">▲</span>"),
        "the arrow is decoration: the signed number and the words say it"
    );

    let indonesian = get(app, "/?lang=id", &[]).await;
    let body = &indonesian.body;
    assert_eq!(
        change_lines(tile(body, "CGK"))[..3],
        [
            "▲ +25% dari minggu lalu",
            "▲ +23,6 menit dari minggu lalu (memburuk)",
            "▲ +1 jam dari minggu lalu (memburuk)",
        ]
    );
    assert_eq!(
        change_lines(tile(body, "DPS"))[..3],
        [
            "▼ −20% dari minggu lalu",
            "▼ −31,8 menit dari minggu lalu (membaik)",
            "▼ −1 jam dari minggu lalu (membaik)",
        ]
    );
    assert_eq!(
        change_lines(tile(body, "SUB"))[0],
        "– tidak ada data minggu lalu"
    );
}

#[tokio::test]
async fn a_change_that_rounds_to_zero_reads_as_no_change() {
    // The same CGK week twice: every figure unchanged.
    let mut travellers = week_fixture();
    travellers.retain(|t| t.port == "CGK" && t.local.2 == 20);
    travellers.extend((1..=10).map(|i| Traveller {
        port: "CGK",
        local: (2026, 10, 13, 8),
        clearance: 5 * i,
    }));
    let tables = vec![("crossings".to_string(), vec![crossings(&travellers)])];
    let page = get(router(Arc::new(warehouse(tables).await)), "/?lang=en", &[]).await;
    assert_eq!(
        change_lines(tile(&page.body, "CGK"))[..5],
        ["= no change from last week"; 5]
    );
}

/// [`week_fixture`] with four more CGK travellers on Tuesday 20 October at 08:00 WIB who
/// went through an autogate in 2, 3, 4 and 5 minutes.
fn lanes_router_tables() -> Vec<(String, Vec<RecordBatch>)> {
    let mut travellers = week_fixture();
    let mut lanes = vec!["counter"; travellers.len()];
    travellers.extend((2..=5).map(|clearance| Traveller {
        port: "CGK",
        local: (2026, 10, 20, 8),
        clearance,
    }));
    lanes.extend(["autogate"; 4]);
    vec![
        (
            "crossings".to_string(),
            vec![crossings_in_lanes(&travellers, &lanes)],
        ),
        ("wait_hourly".to_string(), vec![jfk_reports()]),
    ]
}

#[tokio::test]
async fn lane_filter_changes_the_numbers_and_travels_with_links_and_the_language_switch() {
    let app = router(Arc::new(warehouse(lanes_router_tables()).await));
    let all = get(app.clone(), "/?lang=en", &[]).await;
    assert!(
        tile(&all.body, "CGK").contains("<dd class=\"value\">14</dd>"),
        "ten counter and four autogate travellers"
    );
    // p90 of 2, 3, 4, 5 minutes: rank 0.9 × 3 = 2.7, so 4 + 0.7 × (5 − 4) = 4.7.
    let autogate = get(app.clone(), "/?lane=autogate&lang=en", &[]).await;
    assert_eq!(autogate.status, StatusCode::OK, "{}", autogate.body);
    let cgk = tile(&autogate.body, "CGK");
    assert!(cgk.contains("<dd class=\"value\">4</dd>"), "{cgk}");
    assert!(cgk.contains("4.7 min"), "{cgk}");
    assert!(
        cgk.contains("href=\"/port/CGK?lane=autogate&amp;lang=en\""),
        "the port's page opens on the same travellers: {cgk}"
    );
    assert!(autogate.body.contains("Showing: Autogate"));
    assert!(
        autogate
            .body
            .contains("<option value=\"autogate\" selected"),
        "the form shows the filter in force"
    );
    assert!(
        autogate
            .body
            .contains("href=\"/?lane=autogate&amp;lang=id\""),
        "the language switch keeps the filters"
    );
    assert!(
        !tiles(&autogate.body).any(|t| t.contains("/port/DPS?")),
        "DPS has no autogate travellers, so no tile"
    );

    let port = get(app.clone(), "/port/CGK?lang=en&lane=autogate", &[]).await;
    let row = port
        .body
        .split("<tr>")
        .find(|row| row.contains("Tuesday 20 October 2026</th>"))
        .expect("a row for the day");
    assert!(row.contains(">4<") && row.contains("4.7"), "{row}");
    assert!(
        port.body
            .contains("Bottleneck hours are defined per port and terminal"),
        "says why bottleneck hours do not follow the lane filter"
    );
    let counters = get(app.clone(), "/port/CGK?lane=counter&lang=en", &[]).await;
    assert!(
        counters.body.contains("45.5"),
        "the ten counter travellers' p90"
    );

    // The same filters in another order, and a parameter the page does not read, are one
    // page with one tag; other filters are another page.
    let reordered = get(app.clone(), "/?utm=x&lang=en&lane=autogate", &[]).await;
    assert_eq!(header(&reordered, "etag"), header(&autogate, "etag"));
    assert_ne!(header(&autogate, "etag"), header(&all, "etag"));
    let hostile = get(app, "/?lane=autogate'--&lang=en", &[]).await;
    assert_eq!(hostile.status, StatusCode::OK);
    assert_eq!(
        header(&hostile, "etag"),
        header(&all, "etag"),
        "an unknown value is ignored"
    );
}

#[tokio::test]
async fn a_chosen_date_range_is_reported_and_weekly_allowances_are_not_applied_to_it() {
    let app = router(Arc::new(warehouse(lanes_router_tables()).await));
    let page = get(app, "/?from=2026-10-07&to=2026-10-20&lang=en", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("Wednesday 7 October 2026 – Tuesday 20 October 2026")
    );
    let cgk = tile(&page.body, "CGK");
    // The fourteen travellers of the week and the one of Saturday 10 October.
    assert!(cgk.contains("<dd class=\"value\">15</dd>"), "{cgk}");
    assert!(cgk.contains("no data in the previous 14 days"), "{cgk}");
    assert!(cgk.contains("not judged"), "{cgk}");
}

#[tokio::test]
async fn meeting_mode_refreshes_itself_without_forms_and_print_has_a_summary_table() {
    let app = router(Arc::new(warehouse(lanes_router_tables()).await));
    let meeting = get(app.clone(), "/?mode=meeting&lang=en", &[]).await;
    let body = &meeting.body;
    assert!(body.contains("<meta http-equiv=\"refresh\" content=\"300\""));
    assert!(body.contains("<body class=\"meeting\""));
    assert!(!body.contains("<form"), "no form on the projector");
    assert!(body.contains("Leave meeting mode"));
    let normal = get(app, "/?lang=en", &[]).await;
    assert!(!normal.body.contains("http-equiv=\"refresh\""));
    assert!(normal.body.contains("href=\"/?mode=meeting&amp;lang=en\""));
    let table = normal
        .body
        .split("class=\"print-only summary-table\"")
        .nth(1)
        .expect("a summary table for print");
    let cgk_row = table
        .split("<tr>")
        .find(|row| row.contains("(CGK)"))
        .expect("a row for CGK");
    // The fourteen counter and autogate travellers: p90 of 2, 3, 4, 5, 5, 10, …, 50 at rank
    // 0.9 × 13 = 11.7 is 40 + 0.7 × 5 = 43.5.
    assert!(cgk_row.contains("✗ 43.5 (≤ 35)"), "{cgk_row}");
    assert!(table.contains("✓ met, ✗ missed, – not judged; the MoU target in brackets"));
}

#[tokio::test]
async fn every_page_is_linked_from_the_navigation_and_marks_where_the_visitor_is() {
    let app = router(Arc::new(warehouse(lanes_router_tables()).await));
    for (path, current) in [
        ("/agencies", "Agencies"),
        ("/health", "Data health"),
        ("/benchmarks", "Benchmarks"),
        ("/glossary", "KPI glossary"),
    ] {
        let page = get(app.clone(), &format!("{path}?lang=en"), &[]).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        assert!(
            page.body.contains(&format!(
                "<a href=\"{path}?lang=en\" aria-current=\"page\">{current}</a>"
            )),
            "{path}"
        );
        for other in ["/?lang=en", "/agencies?lang=en", "/glossary?lang=en"] {
            assert!(page.body.contains(&format!("href=\"{other}\"")), "{path}");
        }
        let indonesian = get(app.clone(), &format!("{path}?lang=id"), &[]).await;
        for english in [
            "Weekly overview",
            "Data health",
            "Agencies",
            "KPI glossary",
            "Apply",
            "Clear filters",
            "Entry point",
            "Period",
        ] {
            assert!(
                !indonesian.body.contains(&format!(">{english}<")),
                "{path} in Indonesian still says '{english}'"
            );
        }
    }
}

#[tokio::test]
async fn glossary_lists_every_kpi_with_its_target_from_the_targets_file() {
    let tables = vec![("crossings".to_string(), vec![crossings(&week_fixture())])];
    let warehouse = warehouse(tables).await;
    let kpis: Vec<String> = warehouse
        .views()
        .iter()
        .filter(|v| v.kind == gerbang_query::kpi::ViewKind::Kpi)
        .map(|v| v.name.clone())
        .collect();
    let app = router(Arc::new(warehouse));
    let english = get(app.clone(), "/glossary?lang=en", &[]).await;
    for name in &kpis {
        assert!(
            english.body.contains(&format!("<section id=\"{name}\"")),
            "{name} is missing"
        );
    }
    assert!(
        english
            .body
            .contains("Clearance time p90 at most 30 min; CGK 35 min, DPS 35 min")
    );
    assert!(english.body.contains("Clearance time per hour"));
    let indonesian = get(app, "/glossary?lang=id", &[]).await;
    assert!(indonesian.body.contains("Waktu penyelesaian per jam"));
    assert!(
        indonesian
            .body
            .contains("Waktu penyelesaian p90 paling lama 30 menit; CGK 35 menit, DPS 35 menit")
    );
    assert!(
        indonesian.body.contains("<dd lang=\"en\">"),
        "definitions say they are English"
    );
}

#[tokio::test]
async fn agencies_compare_service_levels_against_the_mou() {
    let tables = vec![("crossings".to_string(), vec![crossings(&week_fixture())])];
    let app = router(Arc::new(warehouse(tables).await));
    let page = get(app.clone(), "/agencies?lang=en", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // CGK: 6 of 10 cleared within 30 minutes (5 … 30); DPS: all 4. 10 of 14 = 71.4%,
    // below the 90% the MoU requires.
    assert!(page.body.contains("71.4% within 30 min"), "{}", page.body);
    assert!(page.body.contains("14</span> travellers processed"));
    let cell = page
        .body
        .split("71.4% within 30 min")
        .nth(1)
        .and_then(|rest| rest.split("</td>").next())
        .expect("the immigration service-level cell");
    assert!(
        cell.contains("✗") && cell.contains("target ≥ 90.0%"),
        "{cell}"
    );
    let cgk = get(app, "/agencies?port=CGK&lang=id", &[]).await;
    assert!(cgk.body.contains("60,0% dalam 30 menit"), "{}", cgk.body);
}

#[tokio::test]
async fn benchmarks_put_our_queue_waits_in_the_report_buckets_next_to_jfk() {
    let tables = vec![
        ("crossings".to_string(), vec![crossings(&week_fixture())]),
        ("wait_hourly".to_string(), vec![jfk_reports()]),
    ];
    let app = router(Arc::new(warehouse(tables).await));
    let page = get(app, "/benchmarks?port=CGK&lang=en", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let row = |code: &str| {
        page.body
            .split("<tr>")
            .find(|row| row.contains(&format!("({code})</th>")))
            .unwrap_or_else(|| panic!("no row for {code}"))
            .to_string()
    };
    // CGK's queue waits are clearance − 2: 3, 8, …, 48 minutes. 0–15: 3, 8, 13; 16–30:
    // 18, 23, 28; 31–45: 33, 38, 43; 46–60: 48.
    let cgk = row("CGK");
    assert!(
        cgk.contains("<td class=\"num\">30.0%</td><td class=\"num\">30.0%</td><td class=\"num\">30.0%</td><td class=\"num\">10.0%</td>"),
        "{cgk}"
    );
    // JFK: 150, 30, 15 and 5 of 200 passengers.
    let jfk = row("JFK");
    assert!(
        jfk.contains("<td class=\"num\">75.0%</td><td class=\"num\">15.0%</td>"),
        "{jfk}"
    );
    assert!(jfk.contains("30 Dec 2018"), "its own dates: {jfk}");
    assert!(page.body.contains("<title id=\"wait-bars-title\">"));
    assert!(!page.body.contains("(DPS)</th>"), "the port filter holds");
}

/// `ingest_runs` rows: one file per agency and night.
fn ingest_runs(files: &[(&str, &str, &str, u64, u64, &str)]) -> RecordBatch {
    let night = |text: &str| date32(NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date"));
    let exported = |text: &str| {
        DateTime::parse_from_rfc3339(text)
            .expect("a time")
            .timestamp_millis()
    };
    let n = files.len();
    let columns: Vec<ArrayRef> = vec![
        text(vec!["run-1".to_string(); n]),
        Arc::new(datafusion::arrow::array::UInt64Array::from(vec![1u64; n])),
        utc_ms(files.iter().map(|f| exported(f.5))),
        utc_ms(files.iter().map(|f| exported(f.5))),
        text(
            files
                .iter()
                .map(|f| format!("{}_{}_{}.dat", f.0, f.1, f.2))
                .collect(),
        ),
        text(files.iter().map(|f| f.0.to_string()).collect()),
        text(vec!["0".repeat(64); n]),
        Arc::new(datafusion::arrow::array::UInt64Array::from(
            files.iter().map(|f| f.3).collect::<Vec<_>>(),
        )),
        Arc::new(datafusion::arrow::array::UInt64Array::from(
            files.iter().map(|f| f.3 - f.4).collect::<Vec<_>>(),
        )),
        Arc::new(datafusion::arrow::array::UInt64Array::from(
            files.iter().map(|f| f.4).collect::<Vec<_>>(),
        )),
        text(files.iter().map(|f| f.0.to_string()).collect()),
        text(files.iter().map(|f| f.1.to_string()).collect()),
        Arc::new(Date32Array::from(
            files.iter().map(|f| night(f.2)).collect::<Vec<_>>(),
        )),
        utc_ms(files.iter().map(|f| exported(f.5))),
    ];
    RecordBatch::try_new(gerbang_query::warehouse::ingest_runs_schema(), columns)
        .expect("fixture matches the schema")
}

#[tokio::test]
async fn data_health_shows_which_feed_is_behind_or_late_and_why_rows_were_rejected() {
    // CGK: Immigration delivered the nights of 19 and 20 October, each by 01:00 WIB the
    // next morning (on time), 2 of 100 rows of the second rejected as duplicates.
    // Customs delivered only the 19th, at 07:30 WIB on the 20th: late (after 06:00), and
    // behind (the port's latest night is the 20th) with one night missing.
    let runs = ingest_runs(&[
        (
            "immigration",
            "CGK",
            "2026-10-19",
            80,
            0,
            "2026-10-19T18:00:00Z",
        ),
        (
            "immigration",
            "CGK",
            "2026-10-20",
            100,
            2,
            "2026-10-20T18:00:00Z",
        ),
        (
            "customs",
            "CGK",
            "2026-10-19",
            10,
            0,
            "2026-10-20T00:30:00Z",
        ),
    ]);
    let reject = |record: i64| -> [String; 6] {
        [
            "run-1".into(),
            "bcm".into(),
            "immigration_CGK_2026-10-20.dat".into(),
            record.to_string(),
            format!("duplicate: crossings record CGK-{record} was already given"),
            "{}".into(),
        ]
    };
    let rows = [reject(7), reject(9)];
    let column = |i: usize| text(rows.iter().map(|r| r[i].clone()).collect());
    let rejects = RecordBatch::try_new(
        Table::Rejects.schema(),
        vec![
            column(0),
            column(1),
            column(2),
            Arc::new(Int64Array::from(vec![7, 9])),
            column(4),
            column(5),
        ],
    )
    .expect("fixture matches the schema");
    let tables = vec![
        ("crossings".to_string(), vec![crossings(&week_fixture())]),
        ("ingest_runs".to_string(), vec![runs]),
        ("rejects".to_string(), vec![rejects]),
    ];
    let app = router(Arc::new(warehouse(tables).await));
    let page = get(app.clone(), "/health?lang=en", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    assert!(
        body.contains("1 of 2 feeds are delivered on time."),
        "{body}"
    );
    let matrix = body
        .split("<table class=\"matrix\">")
        .nth(1)
        .expect("the matrix");
    let cells: Vec<&str> = matrix.split("<td class=").skip(1).collect();
    // Columns in the traveller's order: Immigration, then Customs.
    assert!(
        cells[0].contains("✓") && cells[0].contains("on time") && cells[0].contains("Tue 20/10"),
        "{}",
        cells[0]
    );
    assert!(
        cells[1].contains("✗") && cells[1].contains("behind") && cells[1].contains("Mon 19/10"),
        "{}",
        cells[1]
    );
    assert!(cells[1].contains("Files late: 1") && cells[1].contains("Nights missing: 1"));
    let reasons = body
        .split("id=\"rejects-title\"")
        .nth(1)
        .expect("the rejects");
    assert!(
        reasons.contains(">duplicate<") && reasons.contains(">2<"),
        "{reasons}"
    );
    let indonesian = get(app, "/health?lang=id", &[]).await;
    assert!(indonesian.body.contains(">duplikat<"));
    assert!(indonesian.body.contains("tertinggal"));
}

/// The columns every event table starts with (port, local date, local hour and the UTC
/// start of that hour) for events at `times` (UTC) at `port`.
fn located(port: &str, times: &[DateTime<Utc>]) -> Vec<ArrayRef> {
    let zone = PortRegistry::embedded()
        .get(port)
        .expect("fixture port is registered")
        .zone;
    let local: Vec<_> = times.iter().map(|t| t.with_timezone(&zone)).collect();
    let hour_ms = 3_600_000;
    vec![
        text(vec![port.to_string(); times.len()]),
        Arc::new(Date32Array::from(
            local
                .iter()
                .map(|l| date32(l.date_naive()))
                .collect::<Vec<_>>(),
        )),
        Arc::new(Int32Array::from(
            local
                .iter()
                .map(|l| i32::try_from(l.hour()).expect("hour fits"))
                .collect::<Vec<_>>(),
        )),
        utc_ms(
            times
                .iter()
                .map(|t| t.timestamp_millis() - t.timestamp_millis() % hour_ms),
        ),
    ]
}

/// One bus message: sender, receiver, kind, when it was produced and its latency in
/// minutes.
type Message = (&'static str, &'static str, &'static str, DateTime<Utc>, i64);

/// Bus messages at `port`, each delivered.
fn exchanges(port: &str, messages: &[Message]) -> RecordBatch {
    let produced: Vec<DateTime<Utc>> = messages.iter().map(|m| m.3).collect();
    let mut columns = located(port, &produced);
    let field = |pick: fn(&Message) -> &'static str| {
        text(messages.iter().map(|m| pick(m).to_string()).collect())
    };
    columns.extend([
        text(
            (0..messages.len())
                .map(|i| format!("message-{i}"))
                .collect(),
        ),
        field(|m| m.0),
        field(|m| m.1),
        field(|m| m.2),
        utc_ms(produced.iter().map(DateTime::timestamp_millis)),
        utc_ms(
            messages
                .iter()
                .map(|m| m.3.timestamp_millis() + m.4 * 60_000),
        ) as ArrayRef,
        text(vec!["delivered".to_string(); messages.len()]),
        Arc::new(StringArray::from(vec![None::<&str>; messages.len()])),
    ]);
    RecordBatch::try_new(Table::Exchanges.schema(), columns).expect("fixture matches the schema")
}

/// The week of the overview's other figures, Wednesday 14 to Tuesday 20 October 2026, and
/// the week before.
///
/// CGK this week: the ten travellers of [`week_fixture`] on Tuesday 20 October, two of them
/// refused entry and the rest cleared; their I-24/7 checks: 8 OK, 1 timed out, 1 error.
/// Last week: ten travellers on Tuesday 13 October, all cleared, all checks OK.
/// CGK's bus this week: 2 Immigration → Police alerts arriving in 0 minutes (target 1 min,
/// 99% required: 2 of 2, met) and 4 authority → Immigration manifests arriving in 8, 8, 8
/// and 12 minutes (target 10 min, 95% required: 3 of 4, missed); last week 2 manifests in
/// 5 minutes.
fn other_figures_tables() -> Vec<(String, Vec<RecordBatch>)> {
    let mut travellers: Vec<Crossing> = (1..=10)
        .map(|i| Crossing {
            outcome: if i <= 2 { "refused" } else { "cleared" },
            i247_status: match i {
                9 => "timeout",
                10 => "error",
                _ => "ok",
            },
            ..Crossing::cleared("CGK", (2026, 10, 20, 8), 5 * 60 * i)
        })
        .collect();
    travellers.extend((1..=10).map(|i| Crossing::cleared("CGK", (2026, 10, 13, 8), 5 * 60 * i)));
    let now = port_time("CGK", (2026, 10, 20, 9), 0);
    let before = port_time("CGK", (2026, 10, 13, 9), 0);
    let messages = [
        ("immigration", "police", "alert", now, 0),
        ("immigration", "police", "alert", now, 0),
        ("authority", "immigration", "manifest", now, 8),
        ("authority", "immigration", "manifest", now, 8),
        ("authority", "immigration", "manifest", now, 8),
        ("authority", "immigration", "manifest", now, 12),
        ("authority", "immigration", "manifest", before, 5),
        ("authority", "immigration", "manifest", before, 5),
    ];
    vec![
        ("crossings".to_string(), vec![crossing_batch(&travellers)]),
        ("exchanges".to_string(), vec![exchanges("CGK", &messages)]),
    ]
}

/// The figure of a tile labelled `label`, as text without tags.
fn figure_text(tile: &str, label: &str) -> String {
    let html = tile
        .split(&format!("<dt>{label}</dt>"))
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .unwrap_or_else(|| panic!("no figure '{label}' in {tile}"));
    let mut plain = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                plain.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => plain.push(c),
            _ => {}
        }
    }
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn tiles_show_enforcement_interpol_and_exchange_with_their_targets_and_changes() {
    let app = router(Arc::new(warehouse(other_figures_tables()).await));
    let english = get(app.clone(), "/?lang=en", &[]).await;
    assert_eq!(english.status, StatusCode::OK, "{}", english.body);
    let cgk = tile(&english.body, "CGK");

    // Two refusals on one day: '<5' to the public, so the total is at least 0 + 1 and is
    // not compared with last week's 0; the 2 is never shown.
    let enforcement = figure_text(cgk, "Enforcement cases");
    assert_eq!(
        enforcement,
        "≥ 1 1 daily count under 5 hidden, counted as 1 – not compared with last week – no \
         MoU target"
    );
    // 8 of 10 checks OK against 10 of 10 last week: 80.0%, 20 points down.
    assert_eq!(
        figure_text(cgk, "I-24/7 checks answered OK"),
        "80.0% of 10 checks · 1 timed out ▼ −20.0 percentage points from last week (worse) \
         – no MoU target"
    );
    // 5 of 6 messages within their route's target (83.3%), against 2 of 2 (100%) last
    // week; the manifests' route missed its 95%, so the port missed the target.
    assert_eq!(
        figure_text(cgk, "Messages within MoU latency"),
        "83.3% 1 of 2 routes on target · 6 messages ▼ −16.7 percentage points from last week \
         (worse) ✗ missed target ≥ 95.0% within 5 min on every route, or the route's MoU \
         exception"
    );
    assert!(
        cgk.contains("<div class=\"figure missed\"><dt>Messages within MoU latency"),
        "{cgk}"
    );
    let print = english
        .body
        .split("class=\"print-only summary-table\"")
        .nth(1)
        .expect("the print table");
    let row = print
        .split("<tr>")
        .find(|row| row.contains("(CGK)"))
        .expect("a row for CGK");
    assert!(
        row.contains(">≥ 1<") && row.contains(">80.0%<") && row.contains("✗ 83.3%"),
        "{row}"
    );

    let indonesian = get(app, "/?lang=id", &[]).await;
    let cgk = tile(&indonesian.body, "CGK");
    assert!(
        figure_text(cgk, "Pemeriksaan I-24/7 terjawab OK")
            .starts_with("80,0% dari 10 pemeriksaan · 1 habis waktu ▼ −20,0 poin persentase"),
        "{cgk}"
    );
    assert!(figure_text(cgk, "Kasus penegakan hukum").ends_with("tidak ada target MoU"));
    assert!(
        figure_text(cgk, "Pesan dalam batas latensi MoU")
            .contains("83,3% 1 dari 2 rute sesuai target · 6 pesan"),
        "{cgk}"
    );
}

#[tokio::test]
async fn a_p90_read_from_histograms_is_worked_out_exactly_near_its_target_and_on_short_periods() {
    // Ten CGK travellers on Tuesday 20 October clearing in 1 to 7 minutes, then 34.1, 34.2
    // and 34.9 minutes (target 35). Exact p90: rank 0.9 × 9 = 8.1, so 34.2 + 0.1 × 0.7 =
    // 34.27. From the histogram, bucket 35 holds the last three, spread evenly from 34.1 to
    // 34.9: ranks 7, 8, 9 read 34.1, 34.5, 34.9, so 34.5 + 0.1 × 0.4 = 34.54.
    let mut travellers: Vec<Crossing> = (1..=7)
        .map(|m| Crossing::cleared("CGK", (2026, 10, 20, 8), m * 60))
        .collect();
    travellers.extend(
        [2046, 2052, 2094].map(|seconds| Crossing::cleared("CGK", (2026, 10, 20, 8), seconds)),
    );
    let tables = vec![("crossings".to_string(), vec![crossing_batch(&travellers)])];
    let app = router(Arc::new(warehouse(tables).await));

    let overview = get(app.clone(), "/?lang=en", &[]).await;
    let cgk = tile(&overview.body, "CGK");
    assert!(
        cgk.contains("34.3 min") && !cgk.contains("34.5 min"),
        "within a minute of the target, the exact p90: {cgk}"
    );
    assert!(overview.body.contains("within 1 minute of the exact value"));

    let day_row = |page: &Page| {
        page.body
            .split("<tr>")
            .find(|row| row.contains("Tuesday 20 October 2026</th>"))
            .map(str::to_string)
            .expect("a row for the day")
    };
    let week = get(app.clone(), "/port/CGK?lang=en", &[]).await;
    assert!(day_row(&week).contains(">34.3<"), "a week is exact");
    assert!(!week.body.contains("Over more than 7 days"));
    let fortnight = get(app, "/port/CGK?lang=en&from=2026-10-07&to=2026-10-20", &[]).await;
    assert_eq!(fortnight.status, StatusCode::OK, "{}", fortnight.body);
    assert!(
        day_row(&fortnight).contains(">34.5<"),
        "two weeks read the histograms: {}",
        day_row(&fortnight)
    );
    assert!(fortnight.body.contains("Over more than 7 days"));
}

/// [`week_fixture`] and one more CGK traveller on Tuesday 13 October who joined at 08:00
/// WIB and was cleared 20 minutes later, with around them:
/// - flight GA 821 from SIN on block at 08:00 WIB on 20 October, with 12 Immigration
///   counters staffed at T3, which the ten CGK travellers of that morning came off (they
///   joined at 08:00, cleared 08:05 to 08:50);
/// - Customs inspections of `traveller-0` and `traveller-1` (cleared 08:05 and 08:10),
///   started 08:10 and 08:15 and ended 08:40 and 09:00;
/// - a joint operation at terminal T3 from 08:00 to 09:00 WIB on 20 October that halted 2
///   lanes.
fn port_sections_tables() -> Vec<(String, Vec<RecordBatch>)> {
    let mut travellers = week_fixture();
    travellers.push(Traveller {
        port: "CGK",
        local: (2026, 10, 13, 8),
        clearance: 20,
    });
    let at = |h, m| port_time("CGK", (2026, 10, 20, h), m);
    let on_block = at(8, 0);
    let mut flight = located("CGK", &[on_block]);
    flight.extend([
        text(vec!["T3".into()]),
        text(vec!["GA821-20261020".into()]),
        text(vec!["GA 821".into()]),
        text(vec!["SIN".into()]),
        utc_ms([on_block.timestamp_millis()]),
        utc_ms([on_block.timestamp_millis()]),
        Arc::new(Int64Array::from(vec![180])) as ArrayRef,
        Arc::new(Int32Array::from(vec![12])) as ArrayRef,
    ]);
    let flights =
        RecordBatch::try_new(Table::Flights.schema(), flight).expect("fixture matches the schema");
    let starts = [at(8, 10), at(8, 15)];
    let mut inspection = located("CGK", &starts);
    inspection.extend([
        text(vec!["T3".into(); 2]),
        text(vec!["inspection-0".into(), "inspection-1".into()]),
        text(vec!["red".into(); 2]),
        utc_ms(starts.iter().map(DateTime::timestamp_millis)),
        utc_ms([at(8, 40), at(9, 0)].iter().map(DateTime::timestamp_millis)),
        text(vec!["released".into(); 2]),
        Arc::new(StringArray::from(vec![None::<&str>; 2])) as ArrayRef,
        Arc::new(Float64Array::from(vec![None::<f64>; 2])) as ArrayRef,
        Arc::new(StringArray::from(vec![None::<&str>; 2])) as ArrayRef,
        Arc::new(StringArray::from(vec![Some("GA 821"); 2])) as ArrayRef,
        Arc::new(StringArray::from(vec![
            Some("traveller-0"),
            Some("traveller-1"),
        ])) as ArrayRef,
        Arc::new(Float64Array::from(vec![None::<f64>; 2])) as ArrayRef,
    ]);
    let inspections = RecordBatch::try_new(Table::CustomsInspections.schema(), inspection)
        .expect("fixture matches the schema");
    let mut operation = located("CGK", &[at(8, 0)]);
    operation.extend([
        Arc::new(StringArray::from(vec![Some("T3")])) as ArrayRef,
        text(vec!["op-1".into()]),
        text(vec!["Operasi Uji".into()]),
        utc_ms([at(8, 0).timestamp_millis()]),
        utc_ms([at(9, 0).timestamp_millis()]),
        text(vec!["immigration,police".into()]),
        Arc::new(Int32Array::from(vec![2])) as ArrayRef,
    ]);
    let operations = RecordBatch::try_new(Table::JointOperations.schema(), operation)
        .expect("fixture matches the schema");
    vec![
        ("crossings".to_string(), vec![crossings(&travellers)]),
        ("flights".to_string(), vec![flights]),
        ("customs_inspections".to_string(), vec![inspections]),
        ("joint_operations".to_string(), vec![operations]),
    ]
}

/// The rows of the table that follows `marker` on a page, as text without tags.
fn table_rows(page: &str, marker: &str) -> Vec<String> {
    let table = page
        .split(marker)
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .unwrap_or_else(|| panic!("no table after {marker}"));
    table
        .split("<tr>")
        .skip(2)
        .map(|row| {
            let mut plain = String::new();
            let mut in_tag = false;
            for c in row.chars() {
                match c {
                    '<' => {
                        in_tag = true;
                        plain.push(' ');
                    }
                    '>' => in_tag = false,
                    c if !in_tag => plain.push(c),
                    _ => {}
                }
            }
            plain.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

#[tokio::test]
async fn port_page_shows_waits_throughput_stages_and_joint_operations_with_text_alternatives() {
    let app = router(Arc::new(warehouse(port_sections_tables()).await));
    let page = get(app.clone(), "/port/CGK?lang=en", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;

    // Heat map: the ten travellers of 08:00 waited 3, 8, …, 48 minutes (clearance − 2):
    // mean 25.5, and 4 of 10 over 30 minutes make it a bottleneck hour.
    assert!(body.contains("<title id=\"wait-heat-title\">Heat map of mean queue wait"));
    let heat = table_rows(body, "<table class=\"heat-table\">");
    let tuesday = heat
        .iter()
        .find(|row| row.starts_with("Tue 20/10"))
        .expect("a row for Tuesday");
    assert!(
        tuesday.contains("✗ 25.5 (bottleneck hour)"),
        "08:00 is marked: {tuesday}"
    );
    assert_eq!(
        tuesday.matches("nobody counted").count(),
        23,
        "the other hours had nobody: {tuesday}"
    );
    assert!(body.contains("1 of 1 hours with travellers were bottleneck hours."));

    // Percentile lines and the episode timeline, each titled for screen readers.
    assert!(body.contains(
        "<title id=\"percentile-chart-title\">Line chart of clearance time p50, p90 and p95"
    ));
    assert!(body.contains(
        "<title id=\"episode-timeline-title\">Timeline of 2 bottleneck episodes (2 h in all)"
    ));

    // Throughput: all ten were cleared in the 08:00 hour at one counter (A1): 10 per lane
    // in use; the flight on block at 08:00 reported 12 counters staffed: 10 / 12 = 0.8.
    let throughput = table_rows(body, "id=\"throughput-title\"");
    assert_eq!(
        throughput,
        ["Tuesday 20 October 2026 10 10 08:00 (10) 1 10.0 12 0.8"],
        "{throughput:?}"
    );
    assert!(
        body.contains("the Immigration counters staffed at its terminal when it came on block")
    );

    // Stages: median clearance of the ten is 08:27:30, 27.5 minutes after on-block at
    // 08:00; the two inspected were released at 08:40 and 09:00, median 08:50, 22.5 minutes
    // later. Door to door 50: Immigration 55%, Customs 45%.
    let stages = table_rows(body, "id=\"stages-title\"");
    assert_eq!(
        stages,
        ["Tuesday 20 October 2026 1 1 1 27.5 22.5 50.0 55.0% 45.0% Immigration"],
        "{stages:?}"
    );
    let arrivals = table_rows(body, "Arrivals with the longest door-to-door time");
    assert_eq!(
        arrivals,
        ["GA 821 SIN Tue 20/10 08:00 WIB 10 27.5 22.5 50.0 Immigration"],
        "{arrivals:?}"
    );
    assert!(body.contains("<title id=\"stage-bars-title\">"));

    // The joint operation: all ten cleared at T3 between 08:00 and 09:00 (10 an hour);
    // of the four Tuesdays before, only 13 October had Immigration records, with one
    // traveller cleared at 08:20: a baseline of 1.0 an hour on 1 day, so +900%.
    assert!(body.contains("1 joint operation halted 2 lane-hours."));
    let joint = table_rows(body, "id=\"joint-title\"");
    assert_eq!(
        joint,
        [
            "Operasi Uji terminal T3 Immigration, Police Tue 20/10 08:00 WIB Tue 20/10 09:00 \
             WIB 1 h 2 2 10.0 1.0 (1 day) +900.0%"
        ],
        "{joint:?}"
    );

    // Every section is reachable from the contents, and all of it is in Indonesian too.
    for anchor in [
        "#waits",
        "#days",
        "#episodes",
        "#throughput",
        "#stages",
        "#joint",
    ] {
        assert!(body.contains(&format!("href=\"{anchor}\"")), "{anchor}");
    }
    let indonesian = get(app, "/port/CGK?lang=id", &[]).await;
    let body = &indonesian.body;
    for heading in [
        "Waktu antre per hari dan jam",
        "Waktu penyelesaian per hari",
        "Pelintas terlayani terhadap jalur yang dipakai dan loket yang dijaga",
        "Siapa yang menahan pelintas yang datang",
        "Operasi gabungan dan dampaknya",
        "1 operasi gabungan menghentikan 2 jam-jalur.",
    ] {
        assert!(body.contains(heading), "{heading}");
    }
    let joint = table_rows(body, "id=\"joint-title\"");
    assert!(
        joint[0].contains("Sel 20/10 08.00 WIB") && joint[0].ends_with("+900,0%"),
        "{joint:?}"
    );
}

#[tokio::test]
async fn bottleneck_hours_and_episodes_from_histograms_agree_with_the_kpi_views() {
    // CGK on Tuesday 20 October: the ten travellers of 08:00 (4 of 10 waited over 30
    // minutes: a bottleneck hour), and at 09:00 and 10:00 two travellers each who waited
    // 38 minutes: two more. One episode of three hours, 08:00 to 11:00 WIB, for the
    // whole port and for terminal T3; at 12:00 one traveller who waited 8 minutes.
    let mut travellers = week_fixture();
    for hour in [9, 9, 10, 10] {
        travellers.push(Traveller {
            port: "CGK",
            local: (2026, 10, 20, hour),
            clearance: 40,
        });
    }
    travellers.push(Traveller {
        port: "CGK",
        local: (2026, 10, 20, 12),
        clearance: 10,
    });
    let tables = vec![("crossings".to_string(), vec![crossings(&travellers)])];
    let warehouse = &administrator_view(warehouse(tables).await).await;
    let period = Period {
        first: NaiveDate::from_ymd_opt(2026, 10, 14).expect("a date"),
        last: NaiveDate::from_ymd_opt(2026, 10, 20).expect("a date"),
    };
    for terminal in [None, Some("T3")] {
        let filters = Filters {
            terminal: terminal.map(str::to_string),
            ..Filters::default()
        };
        let ours = crate::data::bottleneck_hours_sql(&period, Some("CGK"), &filters);
        let place = terminal.map_or("terminal IS NULL".to_string(), |t| {
            format!("terminal = '{t}'")
        });
        let hours = |sql: String| async move {
            let answer = Answer::ask(warehouse, &sql).await.expect("the query runs");
            let starts = answer.i64s("start_ms").expect("start_ms");
            let flags = answer.bools("is_bottleneck").expect("is_bottleneck");
            starts.into_iter().zip(flags).collect::<Vec<_>>()
        };
        let from_histograms = hours(format!(
            "SELECT arrow_cast(hour_start, 'Int64') AS start_ms, is_bottleneck FROM ({ours}) \
             ORDER BY start_ms"
        ))
        .await;
        let from_view = hours(format!(
            "SELECT arrow_cast(hour_start, 'Int64') AS start_ms, is_bottleneck \
             FROM kpi_bottleneck_hours WHERE port = 'CGK' AND source = 'events' AND {place} \
             AND local_date BETWEEN DATE '2026-10-14' AND DATE '2026-10-20' ORDER BY start_ms"
        ))
        .await;
        assert_eq!(from_histograms, from_view, "{terminal:?}");
        assert_eq!(
            from_view.iter().filter(|(_, b)| *b == Some(true)).count(),
            3,
            "{terminal:?}"
        );

        let bounds = (
            port_time("CGK", (2026, 10, 14, 0), 0).timestamp_millis(),
            port_time("CGK", (2026, 10, 21, 0), 0).timestamp_millis(),
        );
        let ours = crate::data::event_episodes(warehouse, "CGK", &period, bounds, terminal)
            .await
            .expect("episodes from the histograms");
        let view = crate::data::episodes(warehouse, "CGK", "events", bounds, terminal)
            .await
            .expect("episodes from the view");
        assert_eq!(ours, view, "{terminal:?}");
        let start = port_time("CGK", (2026, 10, 20, 8), 0).timestamp_millis();
        assert_eq!(
            ours.iter()
                .map(|e| (e.start_ms, e.hours))
                .collect::<Vec<_>>(),
            vec![(start, 3.0); if terminal.is_some() { 1 } else { 2 }],
            "{terminal:?}"
        );
    }
}
