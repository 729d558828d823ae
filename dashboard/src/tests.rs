//! Tests of the whole dashboard: a warehouse over tiny hand-made tables, driven through
//! the router as a browser would, with assertions on the figures the pages show.

use std::sync::Arc;

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
use gerbang_query::targets::MouTargets;
use tower::ServiceExt;

use crate::cache::PageCache;
use crate::router;
use crate::server::router_with_cache;

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
    let columns: Vec<ArrayRef> = vec![
        text(travellers.iter().map(|t| t.port.to_string()).collect()),
        Arc::new(Date32Array::from(local_dates)),
        Arc::new(Int32Array::from(local_hours)),
        utc_ms(joined.iter().map(|t| ms(t) - ms(t) % (60 * minute))),
        same("T3"),
        same("A1"),
        same("counter"),
        same("arrival"),
        same("foreigner"),
        same("SG"),
        same("GA 821"),
        utc_ms(joined.iter().map(ms)),
        utc_ms(
            joined
                .iter()
                .zip(travellers)
                .map(|(j, t)| ms(j) + (t.clearance - 2) * minute),
        ),
        utc_ms(
            joined
                .iter()
                .zip(travellers)
                .map(|(j, t)| ms(j) + t.clearance * minute),
        ),
        same("cleared"),
        same("ok"),
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

async fn get(router: Router, uri: &str, headers: &[(&str, &str)]) -> Page {
    let mut request = Request::builder().uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Body::empty()).expect("a valid request");
    let response = router.oneshot(request).await.expect("the router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("the body is readable");
    Page {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).expect("the page is UTF-8"),
    }
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
    let app = router_with_cache(Arc::new(warehouse(tables).await), Arc::clone(&pages));
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
    assert_eq!(header(&first, "cache-control"), "no-cache");

    let second = get(app.clone(), "/?lang=en", &[]).await;
    assert_eq!((pages.renders(), pages.hits()), (1, 1), "drawn once");
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.body, first.body);
    assert_eq!(header(&second, "etag"), etag, "the same page keeps its tag");
    assert_eq!(header(&second, "cache-control"), "no-cache");
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
    assert_eq!(header(&revalidated, "cache-control"), "no-cache");
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
    let broken = warehouse(vec![(
        "crossings".to_string(),
        vec![crossings(&week_fixture())],
    )])
    .await;
    broken
        .context()
        .deregister_table("crossings")
        .expect("deregistering works");
    let pages = Arc::new(PageCache::new(PageCache::DEFAULT_CAPACITY));
    let app = router_with_cache(Arc::new(broken), Arc::clone(&pages));
    for _ in 0..2 {
        let page = get(app.clone(), "/?lang=en", &[]).await;
        assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(page.headers.get("etag").is_none());
    }
    assert_eq!((pages.renders(), pages.hits(), pages.len()), (2, 0, 0));
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
    // Travellers, then p90, then bottleneck hours.
    assert_eq!(
        change_lines(tile(body, "CGK")),
        [
            "▲ +25% from last week",
            "▲ +23.6 min from last week (worse)",
            "▲ +1 h from last week (worse)",
        ]
    );
    assert_eq!(
        change_lines(tile(body, "DPS")),
        [
            "▼ −20% from last week",
            "▼ −31.8 min from last week (better)",
            "▼ −1 h from last week (better)",
        ]
    );
    assert_eq!(
        change_lines(tile(body, "SUB")),
        [
            "– no data last week",
            "– no data last week",
            "– no data last week"
        ]
    );
    assert!(
        tile(body, "CGK").contains("<span aria-hidden=\"true\" class=\"mark\">▲</span>"),
        "the arrow is decoration: the signed number and the words say it"
    );

    let indonesian = get(app, "/?lang=id", &[]).await;
    let body = &indonesian.body;
    assert_eq!(
        change_lines(tile(body, "CGK")),
        [
            "▲ +25% dari minggu lalu",
            "▲ +23,6 menit dari minggu lalu (memburuk)",
            "▲ +1 jam dari minggu lalu (memburuk)",
        ]
    );
    assert_eq!(
        change_lines(tile(body, "DPS")),
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
        change_lines(tile(&page.body, "CGK")),
        [
            "= no change from last week",
            "= no change from last week",
            "= no change from last week",
        ]
    );
}
