//! The sharing policies as the web sees them: the security suite through `POST /api/sql`
//! (each agency signs in with its token and tries what its policies forbid), the pages of
//! an agency without rights to a view, pages kept apart per agency in the cache, and the
//! audit of every page served.
//!
//! The fixture is the policy engine's (`query/src/policy/tests.rs`), cut to what the
//! attempts read: one local day, 2026-10-20, at CGK (UTC+7) and DPS (UTC+8), under the
//! embedded `data/policies/*.toml`.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::NaiveDate;
use datafusion::arrow::array::new_null_array;
use datafusion::arrow::array::{ArrayRef, Int32Array, Int64Array, RecordBatch, StringArray};
use datafusion::arrow::compute::{cast, concat_batches};
use datafusion::arrow::datatypes::DataType;
use datafusion::prelude::SessionContext;
use gerbang_ingest::schema::Table;
use serde_json::Value;

use super::{
    accounts, bearer, crossings, get, policy_day, router, send_bytes, warehouse, week_fixture,
};
use crate::SignIn;
use crate::cache::PageCache;
use crate::server::{PolicyDay, router_with_cache};

/// Rows of a SQL `VALUES` list as a lake table: the columns named are cast to the table's
/// types, the others filled (NULL where allowed, `x` or 0 otherwise).
async fn fixture(table: Table, columns: &str, rows: &[String]) -> (String, Vec<RecordBatch>) {
    let sql = format!(
        "SELECT * FROM (VALUES {}) AS t({columns})",
        rows.join(",\n")
    );
    let batches = SessionContext::new()
        .sql(&sql)
        .await
        .expect("the fixture plans")
        .collect()
        .await
        .expect("the fixture runs");
    let given = concat_batches(&batches[0].schema(), &batches).expect("one schema");
    let n = given.num_rows();
    let schema = table.schema();
    let columns: Vec<ArrayRef> = schema
        .fields()
        .iter()
        .map(|field| {
            let filled: ArrayRef = match (given.column_by_name(field.name()), field.data_type()) {
                (Some(column), _) => Arc::clone(column),
                (None, _) if field.is_nullable() => new_null_array(field.data_type(), n),
                (None, DataType::Utf8) => Arc::new(StringArray::from(vec!["x"; n])),
                (None, DataType::Date32) => Arc::new(Int32Array::from(vec![0; n])),
                (None, _) => Arc::new(Int64Array::from(vec![0; n])),
            };
            cast(&filled, field.data_type()).expect("castable fixture column")
        })
        .collect();
    let batch = RecordBatch::try_new(schema, columns).expect("the fixture fits its table");
    (table.name().to_string(), vec![batch])
}

fn ts(hhmm: &str) -> String {
    format!("TIMESTAMP '2026-10-20 {hhmm}:00'")
}

/// One BCM record: local hour 8 at CGK starts 01:00 UTC.
fn crossing(port: &str, hour: u32, direction: &str, outcome: &str, key: &str) -> String {
    let utc = hour - if port == "CGK" { 7 } else { 8 };
    format!(
        "('{port}', DATE '2026-10-20', {hour}, {}, '{direction}', 'foreigner', 'AUS', \
         '{outcome}', '{key}', 'R-{key}', {}, {}, 'GA100')",
        ts(&format!("{utc:02}:00")),
        ts(&format!("{utc:02}:05")),
        ts(&format!("{utc:02}:20")),
    )
}

/// - crossings (16): CGK local hour 8 arrivals T1..T5 cleared and T6 refused; CGK hour 9
///   arrivals T7, T8 cleared and T9 a departure; DPS hour 10 arrivals D1..D6 cleared and
///   D7 detained.
/// - customs_inspections (4): C1 CGK seized narcotics (T1, risk 0.95), C2 CGK released
///   (T2), C3 CGK released (T3), C4 DPS seized wildlife (D1, risk 0.90).
/// - health_screenings_hourly: CGK hour 8 screened 120; DPS hour 10 screened 40.
/// - incidents: I1 CGK theft, I2 CGK narcotics in joint operation OP1, I3 DPS fraud.
async fn security_warehouse() -> gerbang_query::Warehouse {
    let mut rows = Vec::new();
    for key in ["T1", "T2", "T3", "T4", "T5"] {
        rows.push(crossing("CGK", 8, "arrival", "cleared", key));
    }
    rows.push(crossing("CGK", 8, "arrival", "refused", "T6"));
    rows.push(crossing("CGK", 9, "arrival", "cleared", "T7"));
    rows.push(crossing("CGK", 9, "arrival", "cleared", "T8"));
    rows.push(crossing("CGK", 9, "departure", "cleared", "T9"));
    for key in ["D1", "D2", "D3", "D4", "D5", "D6"] {
        rows.push(crossing("DPS", 10, "arrival", "cleared", key));
    }
    rows.push(crossing("DPS", 10, "arrival", "detained", "D7"));
    let day = "DATE '2026-10-20'";
    let tables = vec![
        fixture(
            Table::Crossings,
            "port, local_date, local_hour, hour_start, direction, citizenship, nationality, \
             outcome, traveller_key, record_id, joined_queue_at, cleared_at, carrier",
            &rows,
        )
        .await,
        fixture(
            Table::CustomsInspections,
            "port, local_date, local_hour, hour_start, inspection_id, channel, started_at, \
             ended_at, outcome, seizure_category, goods_value_idr, carrier, traveller_key, risk_score",
            &[
                format!("('CGK', {day}, 8, {}, 'C1', 'red', {}, {}, 'seized', 'narcotics', 5000000.0, 'GA100', 'T1', 0.95)", ts("01:00"), ts("01:25"), ts("01:40")),
                format!("('CGK', {day}, 8, {}, 'C2', 'green', {}, {}, 'released', NULL, 100000.0, 'GA100', 'T2', 0.10)", ts("01:00"), ts("01:26"), ts("01:30")),
                format!("('CGK', {day}, 8, {}, 'C3', 'red', {}, {}, 'released', NULL, 250000.0, 'GA100', 'T3', 0.50)", ts("01:00"), ts("01:27"), ts("01:45")),
                format!("('DPS', {day}, 10, {}, 'C4', 'red', {}, {}, 'seized', 'wildlife', 900000.0, 'QZ7', 'D1', 0.90)", ts("02:00"), ts("02:25"), ts("02:50")),
            ],
        )
        .await,
        fixture(
            Table::HealthScreeningsHourly,
            "port, local_date, local_hour, hour_start, screened, referred, isolated, mean_screening_min",
            &[
                format!("('CGK', {day}, 8, {}, 120, 3, 1, 2.5)", ts("01:00")),
                format!("('DPS', {day}, 10, {}, 40, 0, 0, 2.0)", ts("02:00")),
            ],
        )
        .await,
        fixture(
            Table::Incidents,
            "port, local_date, local_hour, hour_start, incident_id, category, reported_at, operation_id, lanes_halted",
            &[
                format!("('CGK', {day}, 8, {}, 'I1', 'theft', {}, NULL, 0)", ts("01:00"), ts("01:10")),
                format!("('CGK', {day}, 8, {}, 'I2', 'narcotics', {}, 'OP1', 2)", ts("01:00"), ts("01:40")),
                format!("('DPS', {day}, 10, {}, 'I3', 'document_fraud', {}, NULL, 0)", ts("02:00"), ts("02:10")),
            ],
        )
        .await,
    ];
    warehouse(tables).await
}

/// The day after customs.toml's grant of seizures to the police ended (15 December 2026).
fn after_the_seizures_grant() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 16).expect("a date")
}

/// What an attempt must get.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// `403` with code `refused`, the message saying this.
    Refused(&'static str),
    /// `200` with exactly these rows (cells joined by spaces, NULL for null).
    Rows(&'static [&'static str]),
    /// `200` with no row naming any of these.
    Lacks(&'static [&'static str]),
}

/// One attempt of the security suite: who, on which day's policies, what SQL, and what
/// it must get.
struct Attempt {
    name: &'static str,
    user: &'static str,
    after_expiry: bool,
    sql: &'static str,
    expect: Expect,
}

const fn attempt(
    name: &'static str,
    user: &'static str,
    sql: &'static str,
    expect: Expect,
) -> Attempt {
    Attempt {
        name,
        user,
        after_expiry: false,
        sql,
        expect,
    }
}

/// Every attempt, by agency. Police shares no incident with Health Quarantine; Customs
/// shares only seizures with the police, without risk score or goods' value, the
/// traveller pseudonym hashed, until 15 December 2026; Immigration gives the police
/// crossings only as counts per port, hour, direction and outcome, small counts withheld,
/// and Customs arrivals only, without nationality.
const ATTEMPTS: &[Attempt] = &[
    attempt(
        "quarantine reads incidents directly",
        "quarantine-analyst",
        "SELECT * FROM incidents",
        Expect::Refused("not found"),
    ),
    attempt(
        "quarantine reads incidents by their qualified name",
        "quarantine-analyst",
        "SELECT count(*) FROM gerbang.public.incidents",
        Expect::Refused("not found"),
    ),
    attempt(
        "quarantine reads incidents in another catalog",
        "quarantine-analyst",
        "SELECT * FROM datafusion.public.incidents",
        Expect::Refused("not found"),
    ),
    attempt(
        "quarantine joins its screenings to incidents",
        "quarantine-analyst",
        "SELECT * FROM health_screenings_hourly h JOIN incidents i ON i.port = h.port",
        Expect::Refused("not found"),
    ),
    attempt(
        "quarantine unions its screenings with incidents",
        "quarantine-analyst",
        "SELECT port FROM health_screenings_hourly UNION SELECT port FROM incidents",
        Expect::Refused("not found"),
    ),
    attempt(
        "quarantine reads incidents in a subquery",
        "quarantine-analyst",
        "SELECT * FROM ports WHERE port IN (SELECT port FROM incidents)",
        Expect::Refused("not found"),
    ),
    attempt(
        "quarantine reads incidents in a scalar subquery",
        "quarantine-analyst",
        "SELECT (SELECT count(*) FROM incidents) AS n",
        Expect::Refused("not found"),
    ),
    attempt(
        "quarantine reads incidents through a common table expression",
        "quarantine-analyst",
        "WITH i AS (SELECT * FROM incidents) SELECT * FROM i",
        Expect::Refused("not found"),
    ),
    attempt(
        "quarantine reads the KPI view built on incidents",
        "quarantine-analyst",
        "SELECT * FROM kpi_incidents_daily",
        Expect::Refused("not found"),
    ),
    attempt(
        "quarantine looks for hidden tables in information_schema.tables",
        "quarantine-analyst",
        "SELECT table_name FROM information_schema.tables \
         WHERE table_name IN ('incidents', 'kpi_incidents_daily', 'audit', 'customs_inspections') \
         ORDER BY table_name",
        Expect::Rows(&["customs_inspections"]),
    ),
    attempt(
        "quarantine lists every column in information_schema.columns",
        "quarantine-analyst",
        "SELECT table_name, column_name FROM information_schema.columns",
        Expect::Lacks(&["incidents", "kpi_incidents_daily", "audit", "risk_score"]),
    ),
    attempt(
        "quarantine runs SHOW TABLES",
        "quarantine-analyst",
        "SHOW TABLES",
        Expect::Lacks(&["incidents", "kpi_incidents_daily", "audit"]),
    ),
    attempt(
        "quarantine describes incidents",
        "quarantine-analyst",
        "DESCRIBE incidents",
        Expect::Refused("not found"),
    ),
    attempt(
        "quarantine shows the columns of incidents",
        "quarantine-analyst",
        "SHOW COLUMNS FROM incidents",
        Expect::Refused("not found"),
    ),
    attempt(
        "quarantine reads the audit",
        "quarantine-analyst",
        "SELECT * FROM audit",
        Expect::Refused("not found"),
    ),
    attempt(
        "quarantine copies incidents to a file",
        "quarantine-analyst",
        "COPY incidents TO '/tmp/incidents.csv'",
        Expect::Refused("COPY is refused"),
    ),
    attempt(
        "quarantine copies a query to a file",
        "quarantine-analyst",
        "COPY (SELECT * FROM health_screenings_hourly) TO '/tmp/h.parquet'",
        Expect::Refused("COPY is refused"),
    ),
    attempt(
        "quarantine registers an external table over the lake",
        "quarantine-analyst",
        "CREATE EXTERNAL TABLE stolen STORED AS PARQUET LOCATION '/lake/incidents/'",
        Expect::Refused("CREATE EXTERNAL TABLE is refused"),
    ),
    attempt(
        "quarantine reads a Parquet file with read_parquet",
        "quarantine-analyst",
        "SELECT * FROM read_parquet('/lake/incidents/port=CGK/x.parquet')",
        Expect::Refused("table function read_parquet"),
    ),
    attempt(
        "quarantine reads /etc/passwd with read_csv",
        "quarantine-analyst",
        "SELECT * FROM read_csv('/etc/passwd')",
        Expect::Refused("table function read_csv"),
    ),
    attempt(
        "quarantine names a file path as a table",
        "quarantine-analyst",
        "SELECT * FROM 'incidents/port=CGK/local_date=2026-10-20/part-0.parquet'",
        Expect::Refused("not found"),
    ),
    attempt(
        "quarantine generates rows with generate_series",
        "quarantine-analyst",
        "SELECT * FROM generate_series(1, 3)",
        Expect::Refused("table function generate_series"),
    ),
    attempt(
        "quarantine creates a view",
        "quarantine-analyst",
        "CREATE VIEW mine AS SELECT * FROM ports",
        Expect::Refused("CREATE VIEW is refused"),
    ),
    attempt(
        "quarantine inserts into ports",
        "quarantine-analyst",
        "INSERT INTO ports SELECT * FROM ports",
        Expect::Refused("INSERT is refused"),
    ),
    attempt(
        "quarantine turns information_schema off",
        "quarantine-analyst",
        "SET datafusion.catalog.information_schema = false",
        Expect::Refused("SET is refused"),
    ),
    attempt(
        "quarantine explains a query",
        "quarantine-analyst",
        "EXPLAIN ANALYZE SELECT * FROM health_screenings_hourly",
        Expect::Refused("EXPLAIN is refused"),
    ),
    attempt(
        "quarantine counts customs inspections below the suppression threshold",
        "quarantine-analyst",
        "SELECT port, channel, inspections, suppressed FROM customs_inspections ORDER BY port, channel",
        Expect::Rows(&[
            "CGK green NULL true",
            "CGK red NULL true",
            "DPS red NULL true",
        ]),
    ),
    attempt(
        "police reads customs' risk score",
        "police-analyst",
        "SELECT risk_score FROM customs_inspections",
        Expect::Refused("risk_score"),
    ),
    attempt(
        "police orders by the hidden risk score",
        "police-analyst",
        "SELECT inspection_id FROM customs_inspections ORDER BY risk_score DESC",
        Expect::Refused("risk_score"),
    ),
    attempt(
        "police filters a subquery on the hidden risk score",
        "police-analyst",
        "SELECT count(*) FROM customs_inspections WHERE inspection_id IN \
         (SELECT inspection_id FROM customs_inspections WHERE risk_score > 0.9)",
        Expect::Refused("risk_score"),
    ),
    attempt(
        "police unions the hidden goods' value into a column",
        "police-analyst",
        "SELECT port FROM customs_inspections UNION SELECT CAST(goods_value_idr AS VARCHAR) FROM customs_inspections",
        Expect::Refused("goods_value_idr"),
    ),
    attempt(
        "police asks information_schema for customs' hidden columns",
        "police-analyst",
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'customs_inspections' \
         AND column_name IN ('risk_score', 'goods_value_idr', 'outcome', 'traveller_key') ORDER BY 1",
        Expect::Rows(&["outcome", "traveller_key"]),
    ),
    attempt(
        "police sees only the seizures among customs inspections",
        "police-analyst",
        "SELECT inspection_id FROM customs_inspections ORDER BY 1",
        Expect::Rows(&["C1", "C4"]),
    ),
    attempt(
        "police counts the released inspections it is not given",
        "police-analyst",
        "SELECT count(*) FROM customs_inspections WHERE outcome = 'released'",
        Expect::Rows(&["0"]),
    ),
    attempt(
        "police looks up a traveller by the pseudonym customs hashes for it",
        "police-analyst",
        "SELECT count(*) FROM customs_inspections WHERE traveller_key = 'T1'",
        Expect::Rows(&["0"]),
    ),
    attempt(
        "police joins the hashed pseudonym to pseudonyms it knows",
        "police-analyst",
        "SELECT count(*) FROM customs_inspections c JOIN (VALUES ('T1'), ('D1')) AS v(k) ON v.k = c.traveller_key",
        Expect::Rows(&["0"]),
    ),
    attempt(
        "police reads single crossings' pseudonyms",
        "police-analyst",
        "SELECT traveller_key FROM crossings",
        Expect::Refused("traveller_key"),
    ),
    attempt(
        "police counts crossings by nationality, below the allowed grain",
        "police-analyst",
        "SELECT nationality, count(*) FROM crossings GROUP BY nationality",
        Expect::Refused("nationality"),
    ),
    attempt(
        "police counts crossings by time of clearing, below the allowed grain",
        "police-analyst",
        "SELECT port, count(*) FROM crossings WHERE cleared_at > TIMESTAMP '2026-10-20 01:10:00' GROUP BY port",
        Expect::Refused("cleared_at"),
    ),
    attempt(
        "police reads the view of single clearance times",
        "police-analyst",
        "SELECT * FROM crossing_times",
        Expect::Refused("not found"),
    ),
    attempt(
        "police reads crossings counts, groups under 5 withheld",
        "police-analyst",
        "SELECT port, local_hour, direction, outcome, travellers, suppressed FROM crossings \
         ORDER BY port, local_hour, direction, outcome",
        Expect::Rows(&[
            "CGK 8 arrival cleared 5 false",
            "CGK 8 arrival refused NULL true",
            "CGK 9 arrival cleared NULL true",
            "CGK 9 departure cleared NULL true",
            "DPS 10 arrival cleared 6 false",
            "DPS 10 arrival detained NULL true",
        ]),
    ),
    attempt(
        "police adds up withheld refusals",
        "police-analyst",
        "SELECT sum(travellers), bool_or(suppressed) FROM crossings WHERE outcome = 'refused'",
        Expect::Rows(&["NULL true"]),
    ),
    attempt(
        "police counts single crossings when it has only groups",
        "police-analyst",
        "SELECT count(*) FROM crossings",
        Expect::Rows(&["6"]),
    ),
    Attempt {
        name: "police reads customs inspections after the seizures grant ended",
        user: "police-analyst",
        after_expiry: true,
        sql: "SELECT count(*) FROM customs_inspections",
        expect: Expect::Refused("not found"),
    },
    Attempt {
        name: "police reads the exact enforcement counts after the seizures grant ended",
        user: "police-analyst",
        after_expiry: true,
        sql: "SELECT * FROM kpi_enforcement_counts_daily",
        expect: Expect::Refused("not found"),
    },
    attempt(
        "customs reads departures it is not given",
        "customs-analyst",
        "SELECT count(*) FROM crossings",
        Expect::Rows(&["15"]),
    ),
    attempt(
        "customs reads travellers' nationality",
        "customs-analyst",
        "SELECT nationality FROM crossings",
        Expect::Refused("nationality"),
    ),
    attempt(
        "customs probes hidden departures with a failing condition",
        "customs-analyst",
        "SELECT count(*) FROM crossings WHERE 1 / (CASE WHEN direction = 'departure' THEN 0 ELSE 1 END) = 1",
        Expect::Rows(&["15"]),
    ),
    attempt(
        "customs reads the audit of other agencies' tables",
        "customs-analyst",
        "SELECT * FROM audit",
        Expect::Refused("not found"),
    ),
    attempt(
        "authority looks up a traveller by the pseudonym hashed for it",
        "authority-analyst",
        "SELECT count(*) FROM crossings WHERE traveller_key IN ('T1', 'D1')",
        Expect::Rows(&["0"]),
    ),
    attempt(
        "authority reads the BCM record numbers",
        "authority-analyst",
        "SELECT record_id FROM crossings",
        Expect::Refused("record_id"),
    ),
    attempt(
        "statistics reads crossings it is not given at all",
        "statistics-analyst",
        "SELECT count(*) FROM crossings",
        Expect::Refused("not found"),
    ),
];

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

/// Every attempt of [`ATTEMPTS`] gets exactly what it must, through `POST /api/sql` with
/// the agency's API token. Failures are collected, so that one run names them all.
#[tokio::test]
async fn every_attempt_to_read_past_the_sharing_policies_is_refused_or_masked() {
    let warehouse = Arc::new(security_warehouse().await);
    let in_force = security_router(&warehouse, policy_day());
    let expired = security_router(&warehouse, after_the_seizures_grant());
    let mut failures = Vec::new();
    for attempt in ATTEMPTS {
        let app = if attempt.after_expiry {
            &expired
        } else {
            &in_force
        };
        let request = Request::post("/api/sql")
            .header("authorization", bearer(attempt.user))
            .body(Body::from(attempt.sql))
            .expect("a valid request");
        let (status, _, body) = send_bytes(app.clone(), request).await;
        let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let rows: Vec<String> = json["rows"]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .map(|row| {
                        row.as_array()
                            .map(|cells| cells.iter().map(cell).collect::<Vec<_>>().join(" "))
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .unwrap_or_default();
        let verdict = match attempt.expect {
            Expect::Refused(words) => {
                status == StatusCode::FORBIDDEN
                    && json["error"]["code"] == "refused"
                    && json["error"]["message"]
                        .as_str()
                        .is_some_and(|m| m.contains(words))
            }
            Expect::Rows(expected) => status == StatusCode::OK && rows == expected,
            Expect::Lacks(names) => {
                status == StatusCode::OK
                    && !rows.is_empty()
                    && json["rows"].as_array().is_some_and(|rows| {
                        rows.iter()
                            .flat_map(|row| row.as_array().into_iter().flatten())
                            .all(|cell| !names.iter().any(|name| cell == *name))
                    })
            }
        };
        if !verdict {
            failures.push(format!(
                "{}: expected {:?}, got {status} {}",
                attempt.name,
                attempt.expect,
                String::from_utf8_lossy(&body)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Customs' leadership may not see Immigration's clearance rollups: the overview shows the
/// notice where the tiles would be, never CGK's numbers; Immigration's leadership gets the
/// numbers. Each agency's page is drawn for it, and each view is audited.
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
            && tiles.contains("rollup_wait_histogram")
            && tiles.contains("not shared with customs"),
        "{body}"
    );
    assert!(
        !body.contains("45.5 min") && !body.contains("href=\"/port/CGK?"),
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
    assert!(!revalidated.body.contains("45.5 min"));

    // A port's page for Customs is the notice as a whole: its figures all read the rollups.
    let port = get(
        app.clone(),
        "/port/CGK?lang=en",
        &[("authorization", &customs)],
    )
    .await;
    assert_eq!(port.status, StatusCode::OK);
    assert!(port.body.contains("Not shared with your agency") && !port.body.contains("45.5"));

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
