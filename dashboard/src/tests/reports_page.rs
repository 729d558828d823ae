//! The reports page: a report made in the browser under the signed-in user's policies,
//! its progress and files kept for that user alone, the form's errors, and the monthly
//! reports listed and served only to the agency they were made for.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::*;
use crate::cache::PageCache;
use crate::report::tests::{policies_without_customs_grants, week, week_lake};
use crate::report::{self, Format, Lang as ReportLang};
use crate::server::{PolicyDay, router_with};

/// The week of three ports the report module's tests land (5 to 11 October 2026), with
/// Customs granting nothing to anyone.
async fn week_warehouse() -> Arc<Warehouse> {
    Arc::new(
        Warehouse::open(week_lake())
            .await
            .expect("the week's lake opens")
            .with_policies(policies_without_customs_grants()),
    )
}

fn reports_router(warehouse: &Arc<Warehouse>, out: Option<String>) -> Router {
    router_with(
        Arc::clone(warehouse),
        SignIn::new(accounts()),
        Arc::new(PageCache::new(PageCache::DEFAULT_CAPACITY)),
        PolicyDay::Fixed(policy_day()),
        out,
    )
}

/// `POST /reports` with `form` as `user`.
async fn ask(app: &Router, user: &str, form: &str) -> Page {
    let request = Request::post("/reports")
        .header("authorization", bearer(user))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(form.to_string()))
        .expect("a valid request");
    send(app.clone(), request).await
}

/// The week, three ports, in English, as HTML and PDF.
const WEEK_FORM: &str = "lang=en&from=2026-10-05&to=2026-10-11&port=CGK&port=DPS&port=BTM\
                         &report_lang=en&format=html&format=pdf";

/// Follows a report's page until it is ready (or two minutes pass); returns the page.
async fn until_ready(app: &Router, user: &str, location: &str) -> Page {
    let started = Instant::now();
    loop {
        let page = get(app.clone(), location, &[("authorization", &bearer(user))]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let running = page.body.contains("Being made");
        assert_eq!(
            running,
            page.headers.contains_key("refresh"),
            "the page reloads itself exactly while the report is being made"
        );
        if !running {
            return page;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the report was not ready within two minutes"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Every `href` in a page that starts with `prefix`.
fn links<'a>(page: &'a str, prefix: &str) -> Vec<&'a str> {
    page.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with(prefix))
        .collect()
}

/// Immigration's leadership makes the week's report on the page: it is started in the
/// background, its page reloads itself until ready, and the files hold the report built
/// directly for the same user under the same policies (the same fingerprint), with the
/// Customs sections left out and named. Another user finds neither the page nor the
/// files, and the download is audited as an export.
#[tokio::test]
async fn a_report_made_on_the_page_is_the_users_own_under_their_policies() {
    let warehouse = week_warehouse().await;
    let app = reports_router(&warehouse, None);
    let asked = ask(&app, "immigration-leadership", WEEK_FORM).await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let location = asked.headers["location"]
        .to_str()
        .expect("a location")
        .to_string();
    assert!(location.starts_with("/reports/made/"), "{location}");

    let ready = until_ready(&app, "immigration-leadership", &location).await;
    assert!(ready.body.contains("✓ Ready"), "{}", ready.body);
    let files = links(&ready.body, "/reports/made/");
    assert_eq!(files.len(), 2, "an HTML and a PDF file: {files:?}");

    // The same report, built directly for the same user on the same day's policies.
    let leader =
        Principal::parse("immigration-leadership", "immigration:leadership").expect("a principal");
    let session = warehouse
        .session_for_on(&leader, policy_day())
        .await
        .expect("a session")
        .with_interface("report");
    let direct = report::build(&warehouse, &session, &week(ReportLang::En))
        .await
        .expect("the report builds");
    assert!(
        ready.body.contains(&direct.fingerprint.grouped()),
        "the page shows the fingerprint of the report built directly"
    );
    assert!(!direct.left_out.is_empty(), "customs grants nothing here");
    for left_out in &direct.left_out {
        assert!(
            ready.body.contains(&left_out.title),
            "the page names what was left out: {}",
            left_out.title
        );
    }

    let html = files
        .iter()
        .find(|f| f.ends_with(".html"))
        .expect("an HTML file");
    let (status, headers, body) = send_bytes(
        app.clone(),
        Request::get(*html)
            .header("authorization", bearer("immigration-leadership"))
            .body(Body::empty())
            .expect("a valid request"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], Format::Html.content_type());
    let html_text = String::from_utf8_lossy(&body);
    assert!(
        html_text.contains(&direct.fingerprint.grouped()),
        "the file is the report built directly: the same fingerprint"
    );
    for left_out in &direct.left_out {
        assert!(
            html_text.contains(&left_out.title),
            "the file says what was left out: {}",
            left_out.title
        );
    }
    let pdf = files
        .iter()
        .find(|f| f.ends_with(".pdf"))
        .expect("a PDF file");
    let (status, headers, body) = send_bytes(
        app.clone(),
        Request::get(*pdf)
            .header("authorization", bearer("immigration-leadership"))
            .body(Body::empty())
            .expect("a valid request"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.starts_with(b"%PDF-"), "a PDF");
    assert!(
        headers["content-disposition"]
            .to_str()
            .expect("ascii")
            .contains(&direct.file_stem()),
        "the file keeps the report's name"
    );

    // Another user, even of the same agency, gets neither the page nor a file.
    for other in ["immigration-analyst", "customs-leadership", "admin"] {
        let page = get(app.clone(), &location, &[("authorization", &bearer(other))]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{other} sees the page");
        let file = get(app.clone(), html, &[("authorization", &bearer(other))]).await;
        assert_eq!(file.status, StatusCode::NOT_FOUND, "{other} gets the file");
        let own = get(
            app.clone(),
            "/reports",
            &[("authorization", &bearer(other))],
        )
        .await;
        assert!(
            !own.body.contains(&location),
            "{other}'s list shows someone else's report"
        );
    }
    let own = get(
        app.clone(),
        "/reports?lang=en",
        &[("authorization", &bearer("immigration-leadership"))],
    )
    .await;
    assert!(
        own.body
            .contains(location.split('?').next().unwrap_or_default()),
        "the user's list links the report"
    );

    warehouse.flush_audit().await.expect("audit flushes");
    let count = |action: &'static str| {
        let request = Request::post("/api/sql")
            .header("authorization", bearer("admin"))
            .body(Body::from(format!(
                "SELECT count(*) FROM audit WHERE user = 'immigration-leadership' \
                 AND interface = 'report' AND action = '{action}'"
            )))
            .expect("a valid request");
        let app = app.clone();
        async move {
            let (status, _, body) = send_bytes(app, request).await;
            assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
            let json: Value = serde_json::from_slice(&body).expect("JSON");
            json["rows"][0][0].as_i64().expect("a count")
        }
    };
    assert_eq!(count("export").await, 2, "both downloads are audited");
    assert!(
        count("query").await > 10,
        "the report's queries ran as the report interface"
    );
}

/// What the form cannot make a report of is said on the form, in the page's language,
/// with status 400, and nothing is started.
#[tokio::test]
async fn the_form_says_what_is_wrong_with_a_request() {
    let warehouse = week_warehouse().await;
    let app = reports_router(&warehouse, None);
    let cases = [
        (
            "lang=en&period=&format=pdf",
            "Choose a month, or a first and a last day.",
        ),
        (
            "lang=en&from=2026-10-05&format=pdf",
            "Choose a month, or a first and a last day.",
        ),
        (
            "lang=en&from=2026-10-05&to=5/10/2026&format=pdf",
            "A day is not a date like 2026-10-31: 5/10/2026",
        ),
        ("lang=en&period=2026-10", "Tick at least one kind of file."),
        (
            "lang=en&period=2026-13&format=pdf",
            "The report could not be made: the period '2026-13' is not a month like 2026-10",
        ),
        (
            "lang=en&period=2026-10&port=XXX&format=pdf",
            "No Indonesian entry point has the code XXX",
        ),
        (
            "lang=en&period=2026-10&port=JFK&format=pdf",
            "No Indonesian entry point has the code JFK",
        ),
        (
            "lang=id&period=&format=pdf",
            "Pilih satu bulan, atau hari pertama dan hari terakhir.",
        ),
    ];
    for (form, says) in cases {
        let page = ask(&app, "customs-analyst", form).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{form}");
        assert!(
            page.body.contains(says),
            "{form}: expected {says:?} in the page\n{}",
            page.body
        );
        assert!(
            page.body.contains("role=\"alert\""),
            "{form}: shown as an alert"
        );
    }
    let list = get(
        app.clone(),
        "/reports?lang=en",
        &[("authorization", &bearer("customs-analyst"))],
    )
    .await;
    assert!(
        list.body.contains("You have not made a report here"),
        "nothing was started"
    );
}

/// One report at a time per user: asking again while the first is being made is refused
/// with 429 and a sentence saying to wait.
#[tokio::test]
async fn a_user_makes_one_report_at_a_time() {
    let warehouse = week_warehouse().await;
    let app = reports_router(&warehouse, None);
    let first = ask(&app, "police-analyst", WEEK_FORM).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = ask(&app, "police-analyst", WEEK_FORM).await;
    assert_eq!(second.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        second
            .body
            .contains("One of your reports is still being made"),
        "{}",
        second.body
    );
    let location = first.headers["location"]
        .to_str()
        .expect("ascii")
        .to_string();
    until_ready(&app, "police-analyst", &location).await;
    let third = ask(&app, "police-analyst", WEEK_FORM).await;
    assert_eq!(third.status, StatusCode::SEE_OTHER, "free again once ready");
}

/// A monthly report written for Customs' leadership is listed for and served to
/// Customs' users; Immigration's do not see it and cannot fetch it by name, an
/// administrator sees it, and names outside the listing are not served.
#[tokio::test]
async fn monthly_reports_are_listed_and_served_to_the_agency_they_were_made_for() {
    let warehouse = week_warehouse().await;
    let out = tempfile::tempdir().expect("a temporary folder");
    let out_arg = out.path().join("reports").to_string_lossy().into_owned();
    let unconfigured = reports_router(&warehouse, None);
    let page = get(
        unconfigured,
        "/reports?lang=en",
        &[("authorization", &bearer("customs-analyst"))],
    )
    .await;
    assert!(
        page.body.contains("[reports] out in gerbang.toml"),
        "{}",
        page.body
    );

    let app = reports_router(&warehouse, Some(out_arg.clone()));
    let page = get(
        app.clone(),
        "/reports?lang=en",
        &[("authorization", &bearer("customs-analyst"))],
    )
    .await;
    assert!(
        page.body
            .contains("No monthly report for your agency has been written yet."),
        "an empty folder lists nothing"
    );

    let leader = Principal::parse("scheduled-reports", "customs:leadership").expect("a principal");
    let made = report::build_for(&warehouse, &leader, &week(ReportLang::Id))
        .await
        .expect("the report builds");
    report::write(&out_arg, &made, &[Format::Pdf, Format::Xlsx])
        .await
        .expect("the report is written");
    let pdf_name = format!("{}.pdf", made.file_stem());
    let href = format!("/reports/monthly/{pdf_name}");

    for (user, sees) in [
        ("customs-analyst", true),
        ("customs-leadership", true),
        ("admin", true),
        ("immigration-leadership", false),
        ("police-analyst", false),
    ] {
        let page = get(
            app.clone(),
            "/reports?lang=en",
            &[("authorization", &bearer(user))],
        )
        .await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.body.contains(&href), sees, "{user} lists the report");
        let (status, _, body) = send_bytes(
            app.clone(),
            Request::get(href.as_str())
                .header("authorization", bearer(user))
                .body(Body::empty())
                .expect("a valid request"),
        )
        .await;
        if sees {
            assert_eq!(status, StatusCode::OK, "{user} downloads it");
            let written = report::fetch_report(&out_arg, &pdf_name)
                .await
                .expect("the file is there");
            assert_eq!(body.as_ref(), written.as_slice());
        } else {
            assert_eq!(status, StatusCode::NOT_FOUND, "{user} downloads it");
        }
    }
    let sidecar = format!("/reports/monthly/{}.request.json", made.file_stem());
    for path in [
        sidecar.as_str(),
        "/reports/monthly/..%2F..%2Fetc%2Fpasswd",
        "/reports/monthly/secret.pdf",
    ] {
        let page = get(app.clone(), path, &[("authorization", &bearer("admin"))]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
}
