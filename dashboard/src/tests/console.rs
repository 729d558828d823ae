//! The SQL console: a result as a table with its chart, errors in the user's language,
//! the schema browser cut to the user's agency, downloads that read back, saved queries
//! private and shared, and a history of the user's own queries only.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use calamine::{Data, Reader, Xlsx};
use datafusion::arrow::array::AsArray;
use datafusion::arrow::datatypes::Int64Type;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use gerbang_ingest::lake::Lake;
use gerbang_ingest::reference::PortRegistry;
use gerbang_query::Warehouse;
use gerbang_query::policy::Principal;
use gerbang_query::targets::MouTargets;

use super::{bearer, crossings, get, send_bytes, warehouse, week_fixture};
use crate::console::SavedQueries;

/// The week fixture's dashboard: CGK ten travellers on 20 October 2026 and one on
/// 10 October, DPS four on 19 October.
async fn console_router() -> (Router, Arc<Warehouse>) {
    let warehouse = Arc::new(
        warehouse(vec![(
            "crossings".to_string(),
            vec![crossings(&week_fixture())],
        )])
        .await,
    );
    (super::router(Arc::clone(&warehouse)), warehouse)
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A form POST to `path` as `user`, fields percent-encoded.
async fn post(
    app: &Router,
    user: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Bytes) {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let request = Request::post(path)
        .header("authorization", bearer(user))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("a valid request");
    send_bytes(app.clone(), request).await
}

async fn run(app: &Router, user: &str, sql: &str, lang: &str) -> (StatusCode, String) {
    let (status, _, body) = post(app, user, "/console", &[("sql", sql), ("lang", lang)]).await;
    (status, String::from_utf8_lossy(&body).into_owned())
}

async fn console_page(app: &Router, user: &str, query: &str) -> String {
    let page = get(
        app.clone(),
        &format!("/console?{query}"),
        &[("authorization", &bearer(user))],
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.body
}

/// The text of the cells of the result table, row by row.
fn result_rows(page: &str) -> Vec<Vec<String>> {
    let table = page
        .split("class=\"table-wrap console-result\"")
        .nth(1)
        .and_then(|rest| rest.split("<tbody>").nth(1))
        .and_then(|rest| rest.split("</tbody>").next())
        .unwrap_or_default();
    table
        .split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .filter_map(|cell| cell.split_once('>').map(|(_, rest)| rest))
                .filter_map(|cell| cell.split("</td>").next())
                .map(str::to_string)
                .collect()
        })
        .collect()
}

const PER_DAY: &str = "SELECT local_date, count(*) AS travellers FROM crossings \
                       GROUP BY local_date ORDER BY local_date";

#[tokio::test]
async fn a_query_shows_its_rows_its_count_and_a_chart_or_why_not() {
    let (app, _) = console_router().await;
    // By hand from the fixture: one traveller on 10 October, DPS's four on the 19th,
    // CGK's ten on the 20th.
    let (status, page) = run(&app, "immigration-analyst", PER_DAY, "en").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        result_rows(&page),
        vec![
            vec!["2026-10-10", "1"],
            vec!["2026-10-19", "4"],
            vec!["2026-10-20", "10"]
        ]
    );
    assert!(page.contains("3 rows."), "the count is said");
    assert!(
        page.contains("<figure class=\"chart\">") && page.contains("<svg"),
        "a date column and a count make a line chart"
    );
    assert!(page.contains("travellers"), "the line is named");
    // The SQL stays in the editor.
    assert!(page.contains("GROUP BY local_date ORDER BY local_date</textarea>"));

    // Text first: bars.
    let (_, page) = run(
        &app,
        "immigration-analyst",
        "SELECT port, count(*) AS travellers FROM crossings GROUP BY port ORDER BY port",
        "en",
    )
    .await;
    assert_eq!(
        result_rows(&page),
        vec![vec!["CGK", "11"], vec!["DPS", "4"]]
    );
    assert!(page.contains("<figure class=\"chart\">"));

    // One number alone: no chart, and why.
    let (_, page) = run(
        &app,
        "immigration-analyst",
        "SELECT count(*) AS travellers FROM crossings",
        "id",
    )
    .await;
    assert_eq!(result_rows(&page), vec![vec!["15"]]);
    assert!(!page.contains("<figure class=\"chart\">"));
    assert!(
        page.contains("Tanpa grafik: grafik memerlukan kolom pertama berisi teks"),
        "{page}"
    );
}

#[tokio::test]
async fn a_refused_query_shows_the_policy_message_in_the_users_language() {
    let (app, _) = console_router().await;
    let sql = "COPY crossings TO '/tmp/crossings.csv'";
    let (status, page) = run(&app, "immigration-analyst", sql, "en").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        page.contains("Refused by the sharing policy or the console"),
        "{page}"
    );
    assert!(
        page.contains("COPY is refused"),
        "the engine's reason: {page}"
    );
    assert!(
        page.contains("/tmp/crossings.csv&#x27;</textarea>")
            || page.contains("/tmp/crossings.csv'</textarea>")
    );

    let (status, page) = run(&app, "immigration-analyst", sql, "id").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        page.contains("Ditolak oleh kebijakan berbagi data"),
        "{page}"
    );

    // A table the agency may not see reads as not found or not shared.
    let (status, page) = run(&app, "quarantine-analyst", "SELECT * FROM incidents", "en").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        page.contains("Not found, or not shared with your agency"),
        "{page}"
    );

    // Bad SQL.
    let (status, page) = run(&app, "immigration-analyst", "SELEC 1", "en").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("The SQL could not be run"), "{page}");
}

/// The schema browser's list of objects (not the list of views left out).
fn schema_objects(page: &str) -> Vec<String> {
    page.split("class=\"console-object\"")
        .skip(1)
        .filter_map(|item| item.split("<code>").nth(1))
        .filter_map(|code| code.split("</code>").next())
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn the_schema_browser_lists_only_what_the_agency_may_see() {
    let (app, _) = console_router().await;
    let page = console_page(&app, "quarantine-analyst", "lang=en").await;
    let objects = schema_objects(&page);
    assert!(
        objects.iter().any(|o| o == "customs_inspections"),
        "{objects:?}"
    );
    for hidden in ["incidents", "kpi_incidents_daily", "audit"] {
        assert!(
            !objects.iter().any(|o| o == hidden),
            "{hidden} in {objects:?}"
        );
    }
    // The columns and types of what it sees.
    assert!(!page.contains("<code>risk_score</code>"), "a hidden column");
    // The KPI view it may not see is listed as not shared, with the reason.
    let absent = page
        .split("class=\"console-absent\"")
        .skip(1)
        .filter_map(|item| item.split("<code>").nth(1))
        .filter_map(|code| code.split("</code>").next())
        .collect::<Vec<_>>();
    assert!(absent.contains(&"kpi_incidents_daily"), "{absent:?}");

    let admin = console_page(&app, "admin", "lang=en").await;
    let objects = schema_objects(&admin);
    assert!(objects.iter().any(|o| o == "incidents"));
    assert!(objects.iter().any(|o| o == "audit"));
    assert!(
        admin.contains("<code>local_date</code>"),
        "columns are listed"
    );
}

#[tokio::test]
async fn each_download_format_reads_back_and_is_audited_as_an_export() {
    let (app, warehouse) = console_router().await;
    let user = "immigration-analyst";
    let download = |format: &'static str| {
        let app = app.clone();
        async move {
            let (status, headers, body) = post(
                &app,
                user,
                &format!("/console/download?format={format}"),
                &[("sql", PER_DAY), ("lang", "en")],
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
            assert_eq!(
                headers["content-disposition"],
                format!("attachment; filename=\"gerbang-console.{format}\"").as_str()
            );
            body
        }
    };
    let csv = download("csv").await;
    assert_eq!(
        String::from_utf8_lossy(&csv),
        "local_date,travellers\n2026-10-10,1\n2026-10-19,4\n2026-10-20,10\n"
    );

    let parquet = download("parquet").await;
    let reader = ParquetRecordBatchReaderBuilder::try_new(parquet)
        .expect("a Parquet file")
        .build()
        .expect("a reader");
    let counts: Vec<i64> = reader
        .flat_map(|batch| {
            let batch = batch.expect("a batch");
            batch
                .column(1)
                .as_primitive::<Int64Type>()
                .values()
                .to_vec()
        })
        .collect();
    assert_eq!(counts, vec![1, 4, 10]);

    let xlsx = download("xlsx").await;
    let mut workbook = Xlsx::new(std::io::Cursor::new(xlsx.to_vec())).expect("an XLSX workbook");
    let sheet = workbook
        .worksheet_range("result")
        .expect("the result sheet");
    let rows: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(
        rows,
        vec![
            vec![
                Data::String("local_date".into()),
                Data::String("travellers".into())
            ],
            vec![Data::String("2026-10-10".into()), Data::Float(1.0)],
            vec![Data::String("2026-10-19".into()), Data::Float(4.0)],
            vec![Data::String("2026-10-20".into()), Data::Float(10.0)],
        ],
        "numbers are number cells"
    );

    // A GET with the SQL in the address does the same.
    let page = get(
        app.clone(),
        &format!("/console/download?format=csv&sql={}", encode(PER_DAY)),
        &[("authorization", &bearer(user))],
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.starts_with("local_date,travellers\n"));

    let admin = Principal::parse("admin", "gerbang:administrator").expect("a principal");
    let session = warehouse
        .session_for_on(&admin, super::policy_day())
        .await
        .expect("a session");
    let audit = session
        .sql(
            "SELECT count(*) FROM audit WHERE action = 'export' AND interface = 'console' \
             AND user = 'immigration-analyst' AND rows_returned = 3",
        )
        .await
        .expect("the audit reads");
    let exports = audit.batches[0]
        .column(0)
        .as_primitive::<Int64Type>()
        .value(0);
    assert_eq!(exports, 4, "csv, parquet, xlsx and the GET");

    // An unknown format is said in the page.
    let (status, _, body) = post(
        &app,
        user,
        "/console/download?format=xls",
        &[("sql", PER_DAY), ("lang", "en")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&body).contains("Choose a download format"));
}

/// Saves `sql` as `user`; the id from the address it sends the browser to.
async fn save(app: &Router, user: &str, title: &str, sql: &str, shared: bool) -> String {
    let mut fields = vec![("sql", sql), ("title", title), ("lang", "en")];
    if shared {
        fields.push(("shared", "on"));
    }
    let (status, headers, _) = post(app, user, "/console/saved", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers["location"].to_str().expect("text");
    location
        .strip_prefix("/console?load=")
        .and_then(|rest| rest.split('&').next())
        .expect("the saved query's address")
        .to_string()
}

fn saved_titles(page: &str) -> Vec<String> {
    page.split("class=\"console-saved\"")
        .skip(1)
        .filter_map(|item| item.split("\">").nth(1))
        .filter_map(|rest| rest.split("</a>").next())
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn saved_queries_are_private_or_shared_within_the_agency_and_never_across() {
    let (app, _) = console_router().await;
    let private = save(
        &app,
        "customs-analyst",
        "Mine alone",
        "SELECT 1 AS one",
        false,
    )
    .await;
    let shared = save(&app, "siti", "For customs", "SELECT 2 AS two", true).await;

    let mut mine = saved_titles(&console_page(&app, "customs-analyst", "lang=en").await);
    mine.sort();
    assert_eq!(mine, vec!["For customs", "Mine alone"]);
    assert_eq!(
        saved_titles(&console_page(&app, "siti", "lang=en").await),
        vec!["For customs"],
        "a colleague does not see a private query"
    );
    assert!(saved_titles(&console_page(&app, "immigration-analyst", "lang=en").await).is_empty());

    // Loading: the owner and the agency load the shared one; another agency cannot, even
    // with its id.
    let loaded = console_page(&app, "customs-analyst", &format!("load={shared}&lang=en")).await;
    assert!(loaded.contains("SELECT 2 AS two</textarea>"));
    let refused = console_page(&app, "siti", &format!("load={private}&lang=en")).await;
    assert!(!refused.contains("SELECT 1 AS one"));
    assert!(refused.contains("not yours and not shared with your agency"));
    let other = console_page(
        &app,
        "immigration-analyst",
        &format!("load={shared}&lang=en"),
    )
    .await;
    assert!(!other.contains("SELECT 2 AS two"));

    // Only the owner deletes.
    let (status, _, _) = post(
        &app,
        "customs-analyst",
        "/console/saved/delete",
        &[("id", &shared), ("lang", "en")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        saved_titles(&console_page(&app, "siti", "lang=en").await),
        vec!["For customs"],
        "not deleted by a colleague"
    );
    post(
        &app,
        "siti",
        "/console/saved/delete",
        &[("id", &shared), ("lang", "en")],
    )
    .await;
    assert!(saved_titles(&console_page(&app, "siti", "lang=en").await).is_empty());
}

#[tokio::test]
async fn saved_queries_in_a_lake_survive_a_restart() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let location = folder.path().to_str().expect("a UTF-8 path");
    let open = || async {
        let lake = Lake::open(location).expect("the lake opens");
        Warehouse::open_lake(lake, PortRegistry::embedded(), MouTargets::embedded())
            .await
            .expect("the warehouse opens")
    };
    let siti = Principal::parse("siti", "customs:analyst").expect("a principal");
    let before = SavedQueries::of(&open().await);
    let saved = before
        .save(&siti, "Weekly", "SELECT 1", true)
        .await
        .expect("saved");
    let after = SavedQueries::of(&open().await);
    let found = after.get(&siti, &saved.id).await.expect("still there");
    assert_eq!(found, saved);
    assert!(
        folder
            .path()
            .join(format!("_console/saved/customs/{}.json", saved.id))
            .exists()
    );
}

#[tokio::test]
async fn the_history_lists_only_the_users_own_console_queries() {
    let (app, _) = console_router().await;
    run(&app, "immigration-analyst", "SELECT 41 AS mine_first", "en").await;
    run(
        &app,
        "immigration-analyst",
        "SELECT 42 AS mine_second",
        "en",
    )
    .await;
    run(&app, "customs-analyst", "SELECT 43 AS theirs", "en").await;
    let page = console_page(&app, "immigration-analyst", "lang=en").await;
    let history = page
        .split("class=\"console-history\"")
        .nth(1)
        .and_then(|rest| rest.split("</ol>").next())
        .expect("a history");
    let second = history.find("SELECT 42 AS mine_second").expect("listed");
    let first = history.find("SELECT 41 AS mine_first").expect("listed");
    assert!(second < first, "newest first");
    assert!(
        !history.contains("theirs"),
        "another user's query: {history}"
    );
    assert!(
        history.contains("/console?sql=SELECT%2042%20AS%20mine_second&amp;lang=en"),
        "a link loads it back: {history}"
    );
}
