//! The sharing policies as the web and the Postgres port see them: the security suite
//! ([`super::attempts`]) through `POST /api/sql`, the SQL console's page and its CSV
//! download, and the Postgres port spoken to by psql (each agency signs in with its token
//! and tries what its policies forbid); the pages of an agency without rights to a view,
//! pages kept apart per agency in the cache, and the audit of every page served.

use std::process::Command;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::NaiveDate;
use serde_json::Value;

use super::attempts::{
    Attempt, Got, after_the_seizures_grant, csv_rows, every_attempt_through, security_tables,
    today_in_jakarta,
};
use super::{
    accounts, bearer, crossings, get, policy_day, router, send_bytes, token, warehouse,
    week_fixture,
};
use crate::SignIn;
use crate::cache::PageCache;
use crate::server::{PolicyDay, router_with_cache};

/// A cell of a JSON answer as the attempts write it.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => "NULL".to_string(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The dashboard over the security fixture under the policies of `day`.
fn security_router(warehouse: &Arc<gerbang_query::Warehouse>, day: NaiveDate) -> Router {
    router_with_cache(
        Arc::clone(warehouse),
        SignIn::new(accounts()),
        Arc::new(PageCache::new(PageCache::DEFAULT_CAPACITY)),
        PolicyDay::Fixed(day),
    )
}

/// The dashboard under the policies in force ([`policy_day`]) and after customs' seizures
/// grant to the police ended, for the attempts made then.
struct Dashboards {
    in_force: Router,
    expired: Router,
}

impl Dashboards {
    async fn over_the_fixture() -> Dashboards {
        let warehouse = Arc::new(warehouse(security_tables().await).await);
        Dashboards {
            in_force: security_router(&warehouse, policy_day()),
            expired: security_router(&warehouse, after_the_seizures_grant()),
        }
    }

    fn for_attempt(&self, attempt: &Attempt) -> Router {
        if attempt.after_expiry {
            self.expired.clone()
        } else {
            self.in_force.clone()
        }
    }
}

/// `POST /api/sql` with the agency's API token: refused is `403` with code `refused`.
async fn through_the_api(app: Router, attempt: &Attempt) -> Got {
    let request = Request::post("/api/sql")
        .header("authorization", bearer(attempt.user))
        .body(Body::from(attempt.sql))
        .expect("a valid request");
    let (status, _, body) = send_bytes(app, request).await;
    let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    match (status, json["rows"].as_array()) {
        (StatusCode::FORBIDDEN, _) if json["error"]["code"] == "refused" => Got::Refused(
            json["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        ),
        (StatusCode::OK, Some(rows)) => Got::Rows(
            rows.iter()
                .map(|row| row.as_array().into_iter().flatten().map(cell).collect())
                .collect(),
        ),
        _ => Got::Other(format!("{status} {}", String::from_utf8_lossy(&body))),
    }
}

/// A form field's value, percent-encoded as a browser sends it.
fn form_value(text: &str) -> String {
    let escape = |b: u8| match b {
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => char::from(b).to_string(),
        _ => format!("%{b:02X}"),
    };
    text.bytes().map(escape).collect()
}

/// The text between `start` (through the end of its tag) and `end`, HTML unescaped.
fn element_text(page: &str, start: &str, end: &str) -> Option<String> {
    let (_, rest) = page.split_once(start)?;
    let (_, rest) = rest.split_once('>')?;
    let (text, _) = rest.split_once(end)?;
    Some(
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&"),
    )
}

/// The cells of the console's result table, row by row (none when the result is empty).
fn console_rows(page: &str) -> Vec<Vec<String>> {
    let body =
        element_text(page, "class=\"table-wrap console-result\"", "</tbody>").unwrap_or_default();
    body.split("<tr>")
        .skip(2)
        .map(|row| {
            row.split("</td>")
                .filter(|cell| cell.contains("<td"))
                .filter_map(|cell| cell.rsplit_once('>').map(|(_, text)| text.to_string()))
                .collect()
        })
        .collect()
}

/// The SQL console as a browser drives it: the form posted to `path` (`/console` runs the
/// query and shows the page; `/console/download?format=csv` is the editor's CSV button)
/// with the agency's token. Refused is `403` with the page's error notice; rows are the
/// result table's, or the CSV's ([`csv_rows`]).
async fn through_the_console(app: Router, attempt: &Attempt, path: &str) -> Got {
    let request = Request::post(path)
        .header("authorization", bearer(attempt.user))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "lang=en&sql={}",
            form_value(attempt.sql)
        )))
        .expect("a valid request");
    let (status, headers, body) = send_bytes(app, request).await;
    let text = String::from_utf8_lossy(&body);
    let csv = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv"));
    let notice = element_text(&text, "class=\"error-details\"", "</pre>");
    match (status, notice) {
        (StatusCode::FORBIDDEN, Some(message)) if text.contains("console-error") => {
            Got::Refused(message)
        }
        (StatusCode::OK, None) if csv => Got::Rows(csv_rows(&text)),
        (StatusCode::OK, None) if text.contains("id=\"console-result-title\"") => {
            Got::Rows(console_rows(&text))
        }
        _ => Got::Other(format!("{status} {text}")),
    }
}

/// Every attempt of the security suite gets exactly what it must through `POST /api/sql`.
#[tokio::test]
async fn every_attempt_to_read_past_the_sharing_policies_is_refused_or_masked() {
    let dashboards = Dashboards::over_the_fixture().await;
    every_attempt_through(
        "POST /api/sql",
        |_| true,
        |attempt| through_the_api(dashboards.for_attempt(attempt), attempt),
    )
    .await;
}

/// The same attempts through the SQL console's page: the result table shows only what the
/// API gives, and a refusal is the console's error notice with the same message.
#[tokio::test]
async fn the_sql_console_refuses_or_masks_every_attempt_as_the_api_does() {
    let dashboards = Dashboards::over_the_fixture().await;
    every_attempt_through(
        "POST /console",
        |_| true,
        |attempt| through_the_console(dashboards.for_attempt(attempt), attempt, "/console"),
    )
    .await;
}

/// The same attempts as the console's CSV download: an export gives no more than the page.
#[tokio::test]
async fn a_console_download_gives_no_more_than_the_page_for_every_attempt() {
    let dashboards = Dashboards::over_the_fixture().await;
    every_attempt_through(
        "the console's CSV download",
        |_| true,
        |attempt| {
            through_the_console(
                dashboards.for_attempt(attempt),
                attempt,
                "/console/download?format=csv",
            )
        },
    )
    .await;
}

/// Debian's psql (postgresql-client, installed by `.ci/run`).
const PSQL: &str = "/usr/bin/psql";

/// One psql run of the attempt, signed in as its user with their API token: unaligned,
/// tuples only, cells split by the unit separator, NULL written `NULL`, errors with their
/// SQLSTATE (`VERBOSITY=verbose`). Refused is SQLSTATE 42501 with the message the API
/// gives. psql writes booleans as `t` and `f`; they are read back as `true` and `false`
/// (the fixture has no text `t` or `f`).
fn through_psql(port: u16, attempt: &Attempt) -> Got {
    let output = Command::new(PSQL)
        .args(["-X", "-A", "-t", "-F", "\u{1f}", "-P", "null=NULL"])
        .args(["-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose"])
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-d", "gerbang"])
        .args(["-U", attempt.user, "-c", attempt.sql])
        .env("PGPASSWORD", token(attempt.user))
        .env("PGSSLMODE", "disable")
        .env("PGCONNECT_TIMEOUT", "10")
        .env_remove("PGSERVICE")
        .env_remove("PGOPTIONS")
        .output()
        .unwrap_or_else(|e| panic!("{PSQL} runs (postgresql-client is installed): {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        return Got::Rows(
            stdout
                .lines()
                .map(|line| {
                    line.split('\u{1f}')
                        .map(|cell| match cell {
                            "t" => "true",
                            "f" => "false",
                            other => other,
                        })
                        .map(str::to_string)
                        .collect()
                })
                .collect(),
        );
    }
    let refusal = stderr
        .lines()
        .find_map(|line| line.strip_prefix("ERROR:  42501: "));
    match refusal {
        Some(message) => Got::Refused(message.to_string()),
        None => Got::Other(format!("{}: {stderr}", output.status)),
    }
}

/// The same attempts through the Postgres port, served in-process on 127.0.0.1 over the
/// fixture and the test accounts, each run by its own psql. The port reads the policies in
/// force today, so the attempts run are those that hold today ([`Attempt::holds_on`]).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_port_refuses_or_masks_every_attempt_as_the_api_does() {
    let warehouse = Arc::new(warehouse(security_tables().await).await);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let port = listener.local_addr().expect("a local address").port();
    let server = tokio::spawn(gerbang_query::pgwire::serve(
        warehouse,
        accounts(),
        listener,
        None,
    ));
    let today = today_in_jakarta();
    every_attempt_through(
        "the Postgres port",
        |attempt| attempt.holds_on(today),
        |attempt| async move {
            tokio::task::spawn_blocking(move || through_psql(port, attempt))
                .await
                .expect("psql ran")
        },
    )
    .await;
    server.abort();
}

/// Immigration grants its clearance KPIs and the rollups they are read from to every
/// agency, so Customs' leadership sees CGK's clearance figures as Immigration's does; the
/// I-24/7 check health, which Immigration grants to the police only, still shows the notice
/// with its reason in Customs' tiles. Each agency's page is drawn for it, and each view is
/// audited.
#[tokio::test]
async fn an_agency_without_rights_to_a_view_gets_the_notice_instead_of_its_numbers() {
    let tables = vec![("crossings".to_string(), vec![crossings(&week_fixture())])];
    let app = router(Arc::new(warehouse(tables).await));
    let customs = bearer("customs-leadership");
    let immigration = bearer("immigration-leadership");

    let seen_by_customs = get(app.clone(), "/?lang=en", &[("authorization", &customs)]).await;
    assert_eq!(
        seen_by_customs.status,
        StatusCode::OK,
        "{}",
        seen_by_customs.body
    );
    let body = &seen_by_customs.body;
    let tiles = body
        .split("id=\"tiles-title\"")
        .nth(1)
        .expect("the entry points' section");
    assert!(
        tiles.contains("Not shared with your agency")
            && tiles.contains("kpi_i247_health_daily")
            && tiles.contains("which customs does not see in clear")
            && !tiles.contains("rollup_wait_histogram"),
        "{body}"
    );
    assert!(
        tiles.contains("45.5 min") && tiles.contains("href=\"/port/CGK?"),
        "{body}"
    );
    assert!(body.contains(" · customs · leadership"));
    let in_indonesian = get(app.clone(), "/?lang=id", &[("authorization", &customs)]).await;
    assert!(
        in_indonesian
            .body
            .contains("Tidak dibagikan dengan instansi Anda")
    );

    let seen_by_immigration =
        get(app.clone(), "/?lang=en", &[("authorization", &immigration)]).await;
    assert!(seen_by_immigration.body.contains("45.5 min"));
    assert!(
        !seen_by_immigration
            .body
            .contains("Not shared with your agency")
    );
    let tag = |page: &super::Page| {
        page.headers
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_ne!(tag(&seen_by_customs), tag(&seen_by_immigration));
    // The page drawn for Immigration is not Customs' to revalidate.
    let revalidated = get(
        app.clone(),
        "/?lang=en",
        &[
            ("authorization", &customs),
            ("if-none-match", &tag(&seen_by_immigration)),
        ],
    )
    .await;
    assert_eq!(revalidated.status, StatusCode::OK);
    assert!(revalidated.body.contains("kpi_i247_health_daily"));

    // A port's page for Customs has the clearance figures too, read from the granted views.
    let port = get(
        app.clone(),
        "/port/CGK?lang=en",
        &[("authorization", &customs)],
    )
    .await;
    assert_eq!(port.status, StatusCode::OK);
    assert!(!port.body.contains("Not shared with your agency") && port.body.contains("45.5"));

    // Every page served is a page_view in the audit, with the tables it was drawn from.
    let request = Request::post("/api/sql")
        .header("authorization", bearer("admin"))
        .body(Body::from(
            "SELECT user, agency, interface, sql, tables_touched, outcome FROM audit \
             WHERE action = 'page_view' ORDER BY at",
        ))
        .expect("a valid request");
    let (_, _, audit) = send_bytes(app, request).await;
    let audit: Value = serde_json::from_slice(&audit).expect("JSON");
    let views: Vec<Vec<String>> = audit["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| row.as_array().expect("a row").iter().map(cell).collect())
        .collect();
    let summary: Vec<(&str, &str, &str)> = views
        .iter()
        .map(|v| (v[0].as_str(), v[3].as_str(), v[5].as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("customs-leadership", "/?lang=en", "ok"),
            ("customs-leadership", "/?lang=id", "ok"),
            ("immigration-leadership", "/?lang=en", "ok"),
            ("customs-leadership", "/?lang=en", "ok"),
            ("customs-leadership", "/port/CGK?lang=en", "ok"),
        ]
    );
    assert!(views.iter().all(|v| v[2] == "dashboard"));
    assert!(
        views[2][4].contains("crossings") && views[2][4].contains("rollup_stored_wait_histogram"),
        "the overview read the crossings and the rollups: {}",
        views[2][4]
    );
}
