//! `POST /api/sql`: the four formats, the error shape, content negotiation, the OpenAPI
//! document, exports in the audit, and a runaway query that is stopped while the
//! dashboard keeps answering.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::compute::concat_batches;
use datafusion::arrow::ipc::reader::StreamReader;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use gerbang_query::policy::{Principal, QueryLimits};
use serde_json::{Value, json};

use super::{
    bearer, crossings, get, jfk_reports, policy_day, router, send_bytes, warehouse, week_fixture,
};
use crate::api;

/// The week fixture's dashboard (CGK: ten travellers on 20 October 2026 at 08:00 and one on
/// 10 October; DPS: four on 19 October at 10:00; JFK's two report hours).
async fn week_warehouse() -> gerbang_query::Warehouse {
    warehouse(vec![
        ("crossings".to_string(), vec![crossings(&week_fixture())]),
        ("wait_hourly".to_string(), vec![jfk_reports()]),
    ])
    .await
}

/// `POST /api/sql` as `user` with `sql` (text/plain) and an optional `Accept`.
async fn ask(
    app: &Router,
    user: &str,
    accept: Option<&str>,
    sql: &str,
) -> (StatusCode, HeaderMap, Bytes) {
    let mut request = Request::post("/api/sql")
        .header("authorization", bearer(user))
        .header("content-type", "text/plain");
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let request = request
        .body(Body::from(sql.to_string()))
        .expect("a valid request");
    send_bytes(app.clone(), request).await
}

/// The JSON body of an answer.
fn json_of(body: &Bytes) -> Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body)))
}

/// The code and message of an error answer, insisting on the one shape.
fn error_of(body: &Bytes) -> (String, String) {
    let value = json_of(body);
    let object = value.as_object().expect("an object");
    assert_eq!(object.len(), 1, "only `error`: {value}");
    let error = value["error"].as_object().expect("`error` is an object");
    assert_eq!(error.len(), 2, "only code and message: {value}");
    (
        error["code"].as_str().expect("a code").to_string(),
        error["message"].as_str().expect("a message").to_string(),
    )
}

/// Travellers per port and local day, with one column of each kind the formats carry.
const PER_DAY: &str = "SELECT port, local_date, count(*) AS travellers, avg(local_hour) AS mean_hour, \
       bool_or(lane_kind = 'autogate') AS autogate, CAST(NULL AS VARCHAR) AS note \
     FROM crossings GROUP BY port, local_date ORDER BY port, local_date";

#[tokio::test]
async fn every_accept_format_round_trips_the_same_rows_and_downloads_are_audited_as_exports() {
    let warehouse = Arc::new(week_warehouse().await);
    let app = router(Arc::clone(&warehouse));
    let user = "immigration-analyst";

    // JSON, the default: worked out from the fixture by hand (the lone CGK traveller of
    // 10 October, the ten of the 20th, all at 08:00; DPS's four at 10:00; none through
    // an autogate).
    let (status, headers, body) = ask(&app, user, None, PER_DAY).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(headers["content-type"], "application/json");
    let answer = json_of(&body);
    assert_eq!(
        answer,
        json!({
            "columns": [
                {"name": "port", "type": "Utf8"},
                {"name": "local_date", "type": "Date32"},
                {"name": "travellers", "type": "Int64"},
                {"name": "mean_hour", "type": "Float64"},
                {"name": "autogate", "type": "Boolean"},
                {"name": "note", "type": "Utf8View"}
            ],
            "rows": [
                ["CGK", "2026-10-10", 1, 8.0, false, null],
                ["CGK", "2026-10-20", 10, 8.0, false, null],
                ["DPS", "2026-10-19", 4, 10.0, false, null]
            ],
            "row_count": 3,
            "tables": ["crossings"]
        })
    );
    let (_, _, same) = ask(&app, user, Some("*/*"), PER_DAY).await;
    assert_eq!(json_of(&same), answer, "*/* is JSON");

    // CSV with a header line.
    let (status, headers, body) = ask(&app, user, Some("text/csv"), PER_DAY).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"gerbang-query.csv\""
    );
    assert_eq!(
        String::from_utf8_lossy(&body),
        "port,local_date,travellers,mean_hour,autogate,note\n\
         CGK,2026-10-10,1,8.0,false,\n\
         CGK,2026-10-20,10,8.0,false,\n\
         DPS,2026-10-19,4,10.0,false,\n"
    );

    // Arrow IPC and Parquet read back to the batches the session itself gives.
    let principal = Principal::parse(user, "immigration:analyst").expect("a principal");
    let session = warehouse
        .session_for_on(&principal, policy_day())
        .await
        .expect("a session");
    let expected = session.sql(PER_DAY).await.expect("the query runs");
    let expected = concat_batches(&expected.schema, &expected.batches).expect("one schema");

    let (status, headers, body) = ask(
        &app,
        user,
        Some("application/vnd.apache.arrow.stream"),
        PER_DAY,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers["content-type"],
        "application/vnd.apache.arrow.stream"
    );
    let reader = StreamReader::try_new(std::io::Cursor::new(body.to_vec()), None)
        .expect("an Arrow IPC stream");
    let schema = reader.schema();
    let batches: Vec<RecordBatch> = reader.map(|b| b.expect("a batch")).collect();
    let arrow = concat_batches(&schema, &batches).expect("one schema");
    assert_eq!(arrow, expected);

    let (status, headers, body) = ask(
        &app,
        user,
        Some("application/json;q=0.5, application/vnd.apache.parquet"),
        PER_DAY,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/vnd.apache.parquet");
    let reader = ParquetRecordBatchReaderBuilder::try_new(body)
        .expect("a Parquet file")
        .build()
        .expect("a reader");
    let batches: Vec<RecordBatch> = reader.map(|b| b.expect("a batch")).collect();
    let parquet = concat_batches(&batches[0].schema(), &batches).expect("one schema");
    assert_eq!(parquet.columns(), expected.columns());
    let names = |batch: &RecordBatch| {
        batch
            .schema()
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&parquet), names(&expected));

    // Three downloads (CSV, Arrow, Parquet) are exports; the two JSON answers are not.
    let (_, _, audit) = ask(
        &app,
        "admin",
        None,
        "SELECT action, interface, rows_returned, tables_touched, outcome FROM audit \
         WHERE user = 'immigration-analyst' ORDER BY at, action",
    )
    .await;
    let rows = json_of(&audit)["rows"].clone();
    let exports: Vec<&Value> = rows
        .as_array()
        .expect("rows")
        .iter()
        .filter(|row| row[0] == "export")
        .collect();
    assert_eq!(exports.len(), 3, "{rows}");
    for export in exports {
        assert_eq!(export, &json!(["export", "api", 3, "crossings", "ok"]));
    }
    let queries = rows
        .as_array()
        .expect("rows")
        .iter()
        .filter(|row| row[0] == "query" && row[1] == "api")
        .count();
    assert_eq!(queries, 5, "every request ran one audited query: {rows}");
}

#[tokio::test]
async fn every_failure_has_one_json_shape_with_a_fitting_status() {
    let app = router(Arc::new(week_warehouse().await));
    let user = "customs-analyst";
    let cases: [(&str, Option<&str>, &str, StatusCode, &str); 8] = [
        (
            "XML is not written",
            Some("application/xml"),
            "SELECT 1",
            StatusCode::NOT_ACCEPTABLE,
            "not_acceptable",
        ),
        (
            "HTML is not written",
            Some("text/html"),
            "SELECT 1",
            StatusCode::NOT_ACCEPTABLE,
            "not_acceptable",
        ),
        (
            "a syntax error",
            None,
            "SELEC 1",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "an empty statement",
            None,
            "  ",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "a function that does not exist",
            None,
            "SELECT no_such_function(1)",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "a statement only administrators run",
            None,
            "DROP TABLE ports",
            StatusCode::FORBIDDEN,
            "refused",
        ),
        (
            "a table that does not exist",
            None,
            "SELECT * FROM no_such_table",
            StatusCode::FORBIDDEN,
            "refused",
        ),
        (
            "division by zero while running",
            None,
            "SELECT 1 / (count(*) - count(*)) FROM ports",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
    ];
    for (name, accept, sql, status, code) in cases {
        let (got, _, body) = ask(&app, user, accept, sql).await;
        assert_eq!(got, status, "{name}: {}", String::from_utf8_lossy(&body));
        assert_eq!(error_of(&body).0, code, "{name}");
    }
    let (_, _, body) = ask(&app, user, None, "SELECT * FROM no_such_table").await;
    assert!(
        error_of(&body)
            .1
            .contains("it does not exist, or is not shared with customs"),
        "a missing table and a hidden one read the same"
    );

    let request = |content_type: &str, body: &str| {
        Request::post("/api/sql")
            .header("authorization", bearer(user))
            .header("content-type", content_type)
            .body(Body::from(body.to_string()))
            .expect("a valid request")
    };
    let (status, _, body) = send_bytes(
        app.clone(),
        request("application/json", r#"{"sql": "SELECT 2 AS two"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json_of(&body)["rows"], json!([[2]]));
    // curl's default type, with the SQL as it is or a form's field.
    for body in ["SELECT 2 AS two", "sql=SELECT+2+AS+%22two%22"] {
        let form = request("application/x-www-form-urlencoded", body);
        let (status, _, answer) = send_bytes(app.clone(), form).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(json_of(&answer)["rows"], json!([[2]]), "{body}");
    }
    for (content_type, body, status) in [
        ("application/json", r#"{"sql": 1}"#, StatusCode::BAD_REQUEST),
        (
            "application/x-www-form-urlencoded",
            "sql=SELECT+%ZZ",
            StatusCode::BAD_REQUEST,
        ),
        (
            "application/json",
            r#"{"query": "SELECT 1"}"#,
            StatusCode::BAD_REQUEST,
        ),
        (
            "application/xml",
            "<sql>SELECT 1</sql>",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
    ] {
        let (got, _, answer) = send_bytes(app.clone(), request(content_type, body)).await;
        assert_eq!(got, status, "{body}");
        assert_eq!(error_of(&answer).0, "bad_request", "{body}");
    }
    let too_long = format!("SELECT '{}'", "x".repeat(2 << 20));
    let (status, _, body) = send_bytes(app.clone(), request("text/plain", &too_long)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_of(&body).0, "bad_request");

    let wrong_method = Request::get("/api/sql")
        .header("authorization", bearer(user))
        .body(Body::empty())
        .expect("a valid request");
    let (status, _, body) = send_bytes(app.clone(), wrong_method).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error_of(&body).0, "method_not_allowed");
    let nowhere = Request::get("/api/nothing")
        .header("authorization", bearer(user))
        .body(Body::empty())
        .expect("a valid request");
    let (status, _, body) = send_bytes(app, nowhere).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_of(&body).0, "not_found");
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route_and_error_code() {
    let app = router(Arc::new(week_warehouse().await));
    let request = Request::get("/api/openapi.json")
        .header("authorization", bearer("police-analyst"))
        .body(Body::empty())
        .expect("a valid request");
    let (status, _, body) = send_bytes(app.clone(), request).await;
    assert_eq!(status, StatusCode::OK);
    let document = json_of(&body);
    assert_eq!(document, api::openapi());
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().expect("paths");
    let routed: Vec<&str> = api::routes().iter().map(|r| r.path).collect();
    let described: Vec<&str> = paths.keys().map(String::as_str).collect();
    let mut sorted = routed.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted, described,
        "every route is described, and nothing else"
    );
    // Each method the document names is one the route answers (not 405), and the others
    // get 405.
    for (path, operations) in paths {
        for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE] {
            let request = Request::builder()
                .method(method.clone())
                .uri(path.as_str())
                .header("authorization", bearer("police-analyst"))
                .body(Body::from("SELECT 1"))
                .expect("a valid request");
            let (status, _, _) = send_bytes(app.clone(), request).await;
            let described = operations
                .get(method.as_str().to_ascii_lowercase())
                .is_some();
            assert_eq!(
                status != StatusCode::METHOD_NOT_ALLOWED,
                described,
                "{method} {path}: {status}"
            );
        }
    }
    let codes = document["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
        ["code"]["enum"]
        .clone();
    assert_eq!(
        codes,
        json!([
            "refused",
            "limit",
            "policy",
            "bad_request",
            "unauthorized",
            "rate_limited",
            "not_acceptable",
            "internal",
            "not_found",
            "method_not_allowed"
        ])
    );
    for scheme in ["bearer", "session"] {
        assert!(
            document["components"]["securitySchemes"][scheme].is_object(),
            "{scheme}"
        );
    }
}

/// A cross join of the port registry with itself six times runs far longer than the 2 s
/// limit. While it runs, the overview answers; then the query gets the limit's error and
/// the audit says it timed out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runaway_query_is_stopped_while_the_overview_keeps_answering() {
    let limits = QueryLimits {
        timeout: Duration::from_secs(2),
        ..QueryLimits::default()
    };
    let warehouse = Arc::new(week_warehouse().await.with_query_limits(limits));
    let app = router(warehouse);
    let runaway = "SELECT count(*) FROM ports a, ports b, ports c, ports d, ports e, ports f \
                   WHERE a.name || b.name || c.name || d.name <> e.name || f.name";
    let heavy = {
        let app = app.clone();
        tokio::spawn(async move { ask(&app, "police-analyst", None, runaway).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!heavy.is_finished(), "the runaway query is still running");
    let overview = get(
        app.clone(),
        "/?lang=en",
        &[("authorization", &bearer("immigration-leadership"))],
    )
    .await;
    assert_eq!(overview.status, StatusCode::OK, "{}", overview.body);
    assert!(overview.body.contains("45.5 min"), "the overview's figures");

    let (status, _, body) = heavy.await.expect("the request task ends");
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (code, message) = error_of(&body);
    assert_eq!(code, "limit");
    assert!(message.contains("per-query time limit"), "{message}");
    let (_, _, audit) = ask(
        &app,
        "admin",
        None,
        "SELECT user, interface, outcome FROM audit WHERE action = 'query' AND sql LIKE '%ports f%'",
    )
    .await;
    assert_eq!(
        json_of(&audit)["rows"],
        json!([["police-analyst", "api", "timed_out"]])
    );
}
