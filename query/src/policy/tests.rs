//! The security suite: each agency signs in and tries to read what its policies forbid
//! through every interface the engine has (direct reads, views, joins, UNION,
//! subqueries, information_schema and catalog statements, COPY, external tables, table
//! and file functions, aggregation below the grain, small counts, expired grants); every
//! attempt must be refused or masked. Then: policy-file validation, expiry, the audit,
//! and the limits.
//!
//! The fixture (one local day, 2026-10-20, at CGK and DPS) is small enough to work out
//! by hand; each expected value says where it comes from. The policies are the embedded
//! `data/policies/*.toml`, so this suite tests what ships.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use datafusion::arrow::array::{
    ArrayRef, Int32Array, Int64Array, RecordBatch, StringArray, new_null_array,
};
use datafusion::arrow::compute::{cast, concat_batches};
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::prelude::SessionContext;
use gerbang_ingest::reference::PortRegistry;
use gerbang_ingest::schema::Table;

use super::{PolicySet, Principal, QueryLimits, Seen, Session};
use crate::targets::MouTargets;
use crate::{QueryError, Warehouse};

/// The day the sessions are made on: every embedded grant is in force.
fn on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).expect("a date")
}

/// Rows of a SQL `VALUES` list as a lake table: the columns named are cast to the
/// table's types, the others filled (NULL where allowed, `x` or 0 otherwise).
async fn fixture(table: Table, columns: &str, rows: &[String]) -> (String, Vec<RecordBatch>) {
    let sql = format!(
        "SELECT * FROM (VALUES {}) AS t({columns})",
        rows.join(",\n")
    );
    let ctx = SessionContext::new();
    let batches = match ctx.sql(&sql).await {
        Ok(frame) => frame.collect().await,
        Err(e) => Err(e),
    }
    .unwrap_or_else(|e| panic!("fixture of {}: {e}", table.name()));
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
    let batch = RecordBatch::try_new(schema, columns)
        .unwrap_or_else(|e| panic!("fixture of {}: {e}", table.name()));
    (table.name().to_string(), vec![batch])
}

fn ts(hhmm: &str) -> String {
    format!("TIMESTAMP '2026-10-20 {hhmm}:00'")
}

/// One BCM record: CGK is UTC+7 and DPS UTC+8, so local hour 8 at CGK starts 01:00 UTC.
fn crossing(
    port: &str,
    hour: u32,
    direction: &str,
    outcome: &str,
    notice: &str,
    key: &str,
) -> String {
    let utc = hour - if port == "CGK" { 7 } else { 8 };
    format!(
        "('{port}', DATE '2026-10-20', {hour}, {}, '{direction}', 'foreigner', 'AUS', \
         '{outcome}', {notice}, '{key}', 'R-{key}', {}, {}, 'GA100')",
        ts(&format!("{utc:02}:00")),
        ts(&format!("{utc:02}:05")),
        ts(&format!("{utc:02}:20")),
    )
}

/// The day's records, by table:
/// - crossings (16): CGK local hour 8 arrivals 5 cleared (T1..T5, T1 with a red notice)
///   and 1 refused (T6); CGK hour 9 arrivals 2 cleared (T7, T8) and 1 departure (T9);
///   DPS hour 10 arrivals 6 cleared (D1..D6) and 1 detained (D7).
/// - customs_inspections (4): C1 CGK red seized narcotics (T1, risk 0.95), C2 CGK green
///   released (T2), C3 CGK red released (T3), C4 DPS red seized wildlife (D1, risk 0.90).
/// - health_screenings_hourly: CGK hour 8 screened 120, referred 3, isolated 1; DPS 40/0/0.
/// - incidents: I1 CGK theft, I2 CGK narcotics in joint operation OP1, I3 DPS fraud.
/// - joint_operations: OP1 "Operasi Garuda" at CGK. flights: F1 GA100 at CGK.
/// - exchanges: M1 immigration→customs, M2 customs→police, M3 authority→quarantine.
/// - rejects: one each from the BCM, customs and police feeds (the BCM one with a
///   passport number, as rejected records arrive), with their ingest_runs rows.
async fn fixture_warehouse() -> Warehouse {
    let mut crossings = Vec::new();
    for key in ["T1", "T2", "T3", "T4", "T5"] {
        let notice = if key == "T1" { "'red'" } else { "NULL" };
        crossings.push(crossing("CGK", 8, "arrival", "cleared", notice, key));
    }
    crossings.push(crossing("CGK", 8, "arrival", "refused", "NULL", "T6"));
    crossings.push(crossing("CGK", 9, "arrival", "cleared", "NULL", "T7"));
    crossings.push(crossing("CGK", 9, "arrival", "cleared", "NULL", "T8"));
    crossings.push(crossing("CGK", 9, "departure", "cleared", "NULL", "T9"));
    for key in ["D1", "D2", "D3", "D4", "D5", "D6"] {
        crossings.push(crossing("DPS", 10, "arrival", "cleared", "NULL", key));
    }
    crossings.push(crossing("DPS", 10, "arrival", "detained", "NULL", "D7"));
    let day = "DATE '2026-10-20'";
    let tables = vec![
        fixture(
            Table::Crossings,
            "port, local_date, local_hour, hour_start, direction, citizenship, nationality, \
             outcome, i247_notice, traveller_key, record_id, joined_queue_at, cleared_at, carrier",
            &crossings,
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
        fixture(
            Table::JointOperations,
            "port, local_date, local_hour, hour_start, operation_id, name, started_at, ended_at, agencies, lanes_halted",
            &[format!(
                "('CGK', {day}, 8, {}, 'OP1', 'Operasi Garuda', {}, {}, 'customs,police', 2)",
                ts("01:00"), ts("01:30"), ts("02:30")
            )],
        )
        .await,
        fixture(
            Table::Flights,
            "port, local_date, local_hour, hour_start, flight_id, carrier, origin, scheduled_on_block_at, actual_on_block_at, intl_pax, counters_staffed",
            &[format!(
                "('CGK', {day}, 8, {}, 'F1', 'GA100', 'SIN', {}, {}, 180, 6)",
                ts("01:00"), ts("00:55"), ts("01:00")
            )],
        )
        .await,
        fixture(
            Table::Exchanges,
            "port, local_date, local_hour, hour_start, message_id, sender, receiver, kind, produced_at, received_at, status, reference",
            &[
                format!("('CGK', {day}, 8, {}, 'M1', 'immigration', 'customs', 'manifest', {}, {}, 'delivered', 'GA100')", ts("01:00"), ts("01:00"), ts("01:02")),
                format!("('CGK', {day}, 8, {}, 'M2', 'customs', 'police', 'alert', {}, {}, 'delivered', 'C1')", ts("01:00"), ts("01:41"), ts("01:43")),
                format!("('CGK', {day}, 8, {}, 'M3', 'authority', 'quarantine', 'manifest', {}, {}, 'delivered', 'F1')", ts("01:00"), ts("01:00"), ts("01:20")),
            ],
        )
        .await,
        fixture(
            Table::Rejects,
            "run_id, feed, source_file, record_number, reason, raw",
            &[
                "('r1', 'immigration_bcm', 'bcm_CGK_20261020.jsonl', 7, 'bad time: 25:00', '{\"paspor\":\"A1234567\"}')".to_string(),
                "('r1', 'customs', 'bc_CGK_20261020.csv', 3, 'bad channel: blue', 'C9;blue')".to_string(),
                "('r1', 'police', 'polri_CGK_20261020.json', 1, 'bad category: x', '{}')".to_string(),
            ],
        )
        .await,
        ingest_runs().await,
    ];
    Warehouse::from_tables(tables, PortRegistry::embedded(), MouTargets::embedded())
        .await
        .expect("the fixture warehouse opens")
        .with_mask_secret(b"security suite")
}

async fn ingest_runs() -> (String, Vec<RecordBatch>) {
    let rows = [
        ("bcm_CGK_20261020.jsonl", "immigration_bcm", "immigration"),
        ("bc_CGK_20261020.csv", "customs", "customs"),
        ("polri_CGK_20261020.json", "police", "police"),
    ]
    .map(|(file, feed, agency)| {
        format!(
            "('r1', 1, {t}, {t}, '{file}', '{feed}', 'sha', 10, 9, 1, '{agency}', 'CGK', DATE '2026-10-20', NULL)",
            t = ts("18:00")
        )
    });
    let sql = format!(
        "SELECT * FROM (VALUES {}) AS t(run_id, version, started_at, finished_at, source_file, \
         feed, sha256, rows_in, rows_landed, rows_rejected, agency, port, night, exported_at)",
        rows.join(", ")
    );
    let batches = SessionContext::new()
        .sql(&sql)
        .await
        .expect("plans")
        .collect()
        .await
        .expect("runs");
    let schema = crate::warehouse::ingest_runs_schema();
    let columns = schema
        .fields()
        .iter()
        .map(|f| {
            let column = batches[0].column_by_name(f.name()).expect("column given");
            cast(column, f.data_type()).expect("castable")
        })
        .collect();
    (
        "ingest_runs".to_string(),
        vec![RecordBatch::try_new(schema, columns).expect("fits")],
    )
}

async fn session(warehouse: &Warehouse, spec: &str) -> Session {
    let principal = Principal::parse("tester", spec).expect("a principal");
    warehouse
        .session_for_on(&principal, on())
        .await
        .unwrap_or_else(|e| panic!("{spec}: {e}"))
}

fn cells(batches: &[RecordBatch]) -> Vec<Vec<String>> {
    let options = FormatOptions::default().with_null("NULL");
    let mut rows = Vec::new();
    for batch in batches {
        let formatters: Vec<_> = batch
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &options).expect("formattable"))
            .collect();
        for row in 0..batch.num_rows() {
            rows.push(
                formatters
                    .iter()
                    .map(|f| f.value(row).to_string())
                    .collect(),
            );
        }
    }
    rows
}

async fn rows(session: &Session, sql: &str) -> Vec<Vec<String>> {
    let answer = session
        .sql(sql)
        .await
        .unwrap_or_else(|e| panic!("{} ran {sql}: {e}", session.principal()));
    cells(&answer.batches)
}

fn flat(rows: Vec<Vec<String>>) -> Vec<String> {
    rows.into_iter().map(|r| r.join(" ")).collect()
}

async fn refused(session: &Session, sql: &str) -> String {
    match session.sql(sql).await {
        Ok(answer) => panic!(
            "{} ran {sql} and got {:?}",
            session.principal(),
            cells(&answer.batches)
        ),
        Err(error) => error.to_string(),
    }
}

/// The columns a query returns.
async fn columns(session: &Session, sql: &str) -> Vec<String> {
    let answer = session.sql(sql).await.expect("runs");
    answer.batches[0]
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect()
}

/// A hidden table cannot be reached by any route: direct, qualified, joined, in a UNION
/// or a subquery, through a view built on it, the catalog, or the files behind it.
#[tokio::test]
async fn a_hidden_table_is_refused_through_every_interface() {
    let warehouse = fixture_warehouse().await;
    // Police shares no incident with Health Quarantine (police.toml).
    let quarantine = session(&warehouse, "quarantine:analyst").await;
    let not_found = [
        "SELECT * FROM incidents",
        "SELECT count(*) FROM gerbang.public.incidents",
        "SELECT * FROM datafusion.public.incidents",
        "SELECT * FROM health_screenings_hourly h JOIN incidents i ON i.port = h.port",
        "SELECT port FROM health_screenings_hourly UNION SELECT port FROM incidents",
        "SELECT port FROM health_screenings_hourly UNION ALL SELECT port FROM incidents",
        "SELECT * FROM ports WHERE port IN (SELECT port FROM incidents)",
        "SELECT * FROM ports p WHERE EXISTS (SELECT 1 FROM incidents i WHERE i.port = p.port)",
        "SELECT (SELECT count(*) FROM incidents) AS n",
        "WITH i AS (SELECT * FROM incidents) SELECT * FROM i",
        // kpi_incidents_daily reads incidents: it is absent, not computed over nothing.
        "SELECT * FROM kpi_incidents_daily",
        "DESCRIBE incidents",
        "SHOW COLUMNS FROM incidents",
        // The audit is for administrators and data owners.
        "SELECT * FROM audit",
        // A file path as a table name is not a table.
        "SELECT * FROM 'incidents/port=CGK/local_date=2026-10-20/part-0.parquet'",
    ];
    for sql in not_found {
        let error = refused(&quarantine, sql).await;
        assert!(
            error.contains("not found") || error.contains("not exist"),
            "{sql}: {error}"
        );
        assert!(
            error.matches("Error during planning").count() <= 1,
            "{sql}: the planner's prefix is repeated: {error}"
        );
    }
    assert!(
        quarantine.visibility().absent["kpi_incidents_daily"].contains("incidents"),
        "{:?}",
        quarantine.visibility().absent
    );
    let statements = [
        ("COPY incidents TO '/tmp/incidents.csv'", "COPY is refused"),
        (
            "COPY (SELECT * FROM health_screenings_hourly) TO '/tmp/h.parquet'",
            "COPY is refused",
        ),
        (
            "CREATE EXTERNAL TABLE stolen STORED AS PARQUET LOCATION '/lake/incidents/'",
            "CREATE EXTERNAL TABLE is refused",
        ),
        (
            "SELECT * FROM read_parquet('/lake/incidents/port=CGK/x.parquet')",
            "table function read_parquet",
        ),
        (
            "SELECT * FROM read_csv('/etc/passwd')",
            "table function read_csv",
        ),
        (
            "SELECT * FROM generate_series(1, 3)",
            "table function generate_series",
        ),
        (
            "CREATE VIEW mine AS SELECT * FROM ports",
            "CREATE VIEW is refused",
        ),
        (
            "CREATE TABLE mine AS SELECT * FROM ports",
            "CREATE TABLE is refused",
        ),
        ("DROP VIEW kpi_weekly_headlines", "DROP VIEW is refused"),
        ("INSERT INTO ports SELECT * FROM ports", "INSERT is refused"),
        ("DELETE FROM ports", "DELETE is refused"),
        (
            "SET datafusion.catalog.information_schema = false",
            "SET is refused",
        ),
        (
            "EXPLAIN SELECT * FROM health_screenings_hourly",
            "EXPLAIN is refused",
        ),
        (
            "EXPLAIN ANALYZE SELECT * FROM exchanges",
            "EXPLAIN is refused",
        ),
    ];
    for (sql, expected) in statements {
        let error = refused(&quarantine, sql).await;
        assert!(error.contains(expected), "{sql}: {error}");
    }
}

#[tokio::test]
async fn the_catalog_lists_only_what_the_principal_may_see() {
    let warehouse = fixture_warehouse().await;
    let quarantine = session(&warehouse, "quarantine:analyst").await;
    let listed: BTreeSet<String> = flat(
        rows(
            &quarantine,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
        )
        .await,
    )
    .into_iter()
    .collect();
    for hidden in [
        "incidents",
        "kpi_incidents_daily",
        "audit",
        "rollup_stored_crossings_hourly",
        "kpi_enforcement_counts_daily",
    ] {
        assert!(!listed.contains(hidden), "{hidden} is listed: {listed:?}");
    }
    for shown in [
        "crossings",
        "health_screenings_hourly",
        "kpi_enforcement_public_daily",
    ] {
        assert!(listed.contains(shown), "{shown} is not listed: {listed:?}");
    }
    let shown = flat(rows(&quarantine, "SHOW TABLES").await).join("\n");
    assert!(
        !shown.contains(" incidents ") && shown.contains("crossings"),
        "{shown}"
    );

    // Police: customs' risk score and goods' value are not columns at all.
    let police = session(&warehouse, "police:analyst").await;
    let customs_columns = flat(
        rows(
            &police,
            "SELECT column_name FROM information_schema.columns \
             WHERE table_name = 'customs_inspections' ORDER BY ordinal_position",
        )
        .await,
    );
    assert_eq!(
        customs_columns,
        [
            "port",
            "local_date",
            "local_hour",
            "hour_start",
            "terminal",
            "inspection_id",
            "channel",
            "started_at",
            "outcome",
            "seizure_category",
            "manifest_ref",
            "carrier",
            "traveller_key",
        ]
    );
    // The crossings are counts: no traveller, no time of clearing.
    let crossing_columns = flat(rows(&police, "SHOW COLUMNS FROM crossings").await);
    assert!(
        crossing_columns
            .iter()
            .all(|c| !c.contains("traveller_key") && !c.contains("cleared_at")),
        "{crossing_columns:?}"
    );
    let described = flat(rows(&police, "DESCRIBE crossings").await).join("\n");
    assert!(
        described.contains("travellers") && !described.contains("nationality"),
        "{described}"
    );
}

/// Police see crossings only as counts per port, local hour, direction and outcome;
/// groups under 5 travellers have no number.
#[tokio::test]
async fn aggregation_below_the_allowed_grain_and_small_counts_are_out_of_reach() {
    let warehouse = fixture_warehouse().await;
    let police = session(&warehouse, "police:analyst").await;
    assert_eq!(
        columns(&police, "SELECT * FROM crossings").await,
        [
            "port",
            "local_date",
            "local_hour",
            "direction",
            "outcome",
            "travellers",
            "suppressed"
        ]
    );
    // CGK 8 arrival cleared: T1..T5 = 5, shown; every other group has 1, 2, 1, 6 or 1:
    // DPS 10 cleared (6) is shown, the rest withheld.
    assert_eq!(
        flat(
            rows(
                &police,
                "SELECT port, local_hour, direction, outcome, travellers, suppressed \
                 FROM crossings ORDER BY port, local_hour, direction, outcome",
            )
            .await
        ),
        [
            "CGK 8 arrival cleared 5 false",
            "CGK 8 arrival refused NULL true",
            "CGK 9 arrival cleared NULL true",
            "CGK 9 departure cleared NULL true",
            "DPS 10 arrival cleared 6 false",
            "DPS 10 arrival detained NULL true",
        ]
    );
    // Single records are not there to count: count(*) counts the 6 groups, not the 16
    // travellers, and a finer grain than the grant's does not exist.
    assert_eq!(
        flat(rows(&police, "SELECT count(*) FROM crossings").await),
        ["6"]
    );
    for sql in [
        "SELECT traveller_key FROM crossings",
        "SELECT nationality, count(*) FROM crossings GROUP BY nationality",
        "SELECT port, count(*) FROM crossings WHERE cleared_at > TIMESTAMP '2026-10-20 01:10:00' GROUP BY port",
        "SELECT * FROM crossing_times",
    ] {
        let error = refused(&police, sql).await;
        assert!(
            error.contains("No field named") || error.contains("not found"),
            "{sql}: {error}"
        );
    }
    // Adding up over the grain does not bring withheld counts back: the one refusal at
    // CGK stays unknown, not 0 and not 1.
    assert_eq!(
        flat(
            rows(
                &police,
                "SELECT sum(travellers), bool_or(suppressed) FROM crossings WHERE outcome = 'refused'",
            )
            .await
        ),
        ["NULL true"]
    );
    // Filters on the grain's columns narrow the groups, never the counts in them.
    assert_eq!(
        flat(
            rows(
                &police,
                "SELECT travellers FROM crossings WHERE port = 'CGK' AND local_hour = 8 AND outcome = 'cleared'",
            )
            .await
        ),
        ["5"]
    );
    // Customs gives Health Quarantine hourly counts per channel: CGK 8 red (C1, C3) is 2,
    // withheld.
    let quarantine = session(&warehouse, "quarantine:analyst").await;
    assert_eq!(
        flat(
            rows(
                &quarantine,
                "SELECT port, channel, inspections, suppressed FROM customs_inspections ORDER BY port, channel",
            )
            .await
        ),
        ["CGK green NULL true", "CGK red NULL true", "DPS red NULL true"]
    );
    assert!(!police.detail_rights("crossings") && police.detail_rights("incidents"));
    assert!(police.detail_rights("customs_inspections"));
}

/// Customs shows the police seized goods only, never the risk score or the value, and the
/// traveller pseudonym only as a hash made for the police.
#[tokio::test]
async fn hidden_and_hashed_columns_and_rows_stay_hidden_in_subqueries_and_joins() {
    let warehouse = fixture_warehouse().await;
    let police = session(&warehouse, "police:analyst").await;
    // C1 and C4 are the seizures; C2 and C3 (released) are not rows for the police.
    assert_eq!(
        flat(
            rows(
                &police,
                "SELECT inspection_id FROM customs_inspections ORDER BY 1"
            )
            .await
        ),
        ["C1", "C4"]
    );
    assert_eq!(
        flat(
            rows(
                &police,
                "SELECT count(*) FROM customs_inspections WHERE outcome = 'released'"
            )
            .await
        ),
        ["0"]
    );
    for sql in [
        "SELECT risk_score FROM customs_inspections",
        "SELECT inspection_id FROM customs_inspections ORDER BY risk_score DESC",
        "SELECT count(*) FROM customs_inspections WHERE inspection_id IN \
         (SELECT inspection_id FROM customs_inspections WHERE risk_score > 0.9)",
        "SELECT max(goods_value_idr) FROM customs_inspections",
        "SELECT c.port FROM customs_inspections c JOIN (SELECT port, avg(risk_score) AS r FROM customs_inspections GROUP BY port) s ON s.port = c.port",
        "SELECT port FROM customs_inspections UNION SELECT CAST(risk_score AS VARCHAR) FROM customs_inspections",
    ] {
        let error = refused(&police, sql).await;
        assert!(
            error.contains("risk_score") || error.contains("goods_value_idr"),
            "{sql}: {error}"
        );
    }
    // The pseudonym is a 32-character hash, not T1 or D1; asking for T1 finds nothing.
    let keys = flat(
        rows(
            &police,
            "SELECT traveller_key FROM customs_inspections ORDER BY inspection_id",
        )
        .await,
    );
    assert!(
        keys.iter().all(|k| k.len() == 32 && k != "T1" && k != "D1"),
        "{keys:?}"
    );
    for sql in [
        "SELECT count(*) FROM customs_inspections WHERE traveller_key = 'T1'",
        "SELECT count(*) FROM customs_inspections WHERE traveller_key IN (SELECT 'T1')",
        "SELECT count(*) FROM customs_inspections c JOIN (VALUES ('T1'), ('D1')) AS v(k) ON v.k = c.traveller_key",
    ] {
        assert_eq!(flat(rows(&police, sql).await), ["0"], "{sql}");
    }
    // Immigration, which customs trusts with the pseudonym, sees T1 in clear; the police
    // hash is the same in every query (police analysts can count and join on it).
    let immigration = session(&warehouse, "immigration:analyst").await;
    assert_eq!(
        flat(
            rows(
                &immigration,
                "SELECT traveller_key FROM customs_inspections WHERE inspection_id = 'C1'"
            )
            .await
        ),
        ["T1"]
    );
    assert_eq!(
        flat(
            rows(
                &police,
                "SELECT traveller_key FROM customs_inspections ORDER BY inspection_id"
            )
            .await
        ),
        keys
    );
    // The authority gets arrivals (T1 and D1 among them) with the pseudonym hashed under
    // its own key: none of its hashes is one of the police's, so the two cannot link what
    // they each see, and none is a pseudonym in clear.
    let authority = session(&warehouse, "authority:analyst").await;
    let authority_keys =
        flat(rows(&authority, "SELECT DISTINCT traveller_key FROM crossings").await);
    assert_eq!(authority_keys.len(), 15);
    assert!(
        authority_keys
            .iter()
            .all(|k| !keys.contains(k) && k.len() == 32 && !k.starts_with('T')),
        "{authority_keys:?}"
    );
    let error = refused(&authority, "SELECT record_id FROM crossings").await;
    assert!(error.contains("record_id"), "{error}");
    // A row filter is a filter, not a suggestion: only arrivals reach customs (15 of 16).
    let customs = session(&warehouse, "customs:analyst").await;
    assert_eq!(
        flat(rows(&customs, "SELECT count(*) FROM crossings").await),
        ["15"]
    );
    let error = refused(&customs, "SELECT nationality FROM crossings").await;
    assert!(error.contains("nationality"), "{error}");
}

/// The user's conditions run only on rows the policy let through: a condition that fails
/// on a hidden row (division by zero on the released inspections) would otherwise betray
/// that row by its error.
#[tokio::test]
async fn a_failing_condition_cannot_probe_hidden_rows() {
    let warehouse = fixture_warehouse().await;
    let probe = "SELECT inspection_id FROM customs_inspections \
                 WHERE 1 / (CASE WHEN outcome = 'released' THEN 0 ELSE 1 END) = 1 ORDER BY 1";
    let customs = session(&warehouse, "customs:analyst").await;
    let error = refused(&customs, probe).await;
    assert!(error.to_lowercase().contains("divide by zero"), "{error}");
    let police = session(&warehouse, "police:analyst").await;
    assert_eq!(flat(rows(&police, probe).await), ["C1", "C4"]);
    let probe_crossings = "SELECT count(*) FROM crossings \
                           WHERE 1 / (CASE WHEN direction = 'departure' THEN 0 ELSE 1 END) = 1";
    let customs = session(&warehouse, "customs:analyst").await;
    assert_eq!(flat(rows(&customs, probe_crossings).await), ["15"]);
}

/// Exchanges: analysts see their own agency's messages; leadership every message without
/// what it was about; someone with both roles sees the reference of their own only.
#[tokio::test]
async fn rows_of_the_receiving_agency_and_per_role_columns() {
    let warehouse = fixture_warehouse().await;
    let analyst = session(&warehouse, "customs:analyst").await;
    assert_eq!(
        flat(
            rows(
                &analyst,
                "SELECT message_id, reference FROM exchanges ORDER BY 1"
            )
            .await
        ),
        ["M1 GA100", "M2 C1"]
    );
    let leader = session(&warehouse, "customs:leadership").await;
    assert_eq!(
        flat(rows(&leader, "SELECT message_id FROM exchanges ORDER BY 1").await),
        ["M1", "M2", "M3"]
    );
    assert!(
        refused(&leader, "SELECT reference FROM exchanges")
            .await
            .contains("reference")
    );
    let both = session(&warehouse, "customs:analyst,leadership").await;
    assert_eq!(
        flat(
            rows(
                &both,
                "SELECT message_id, reference FROM exchanges ORDER BY 1"
            )
            .await
        ),
        ["M1 GA100", "M2 C1", "M3 NULL"]
    );
    assert_eq!(
        flat(
            rows(
                &both,
                "SELECT count(*) FROM exchanges WHERE reference = 'F1'"
            )
            .await
        ),
        ["0"]
    );
    // Rejected records carry personal data as they arrived: each agency sees its own feed.
    let police = session(&warehouse, "police:analyst").await;
    assert_eq!(
        flat(rows(&police, "SELECT feed FROM rejects").await),
        ["police"]
    );
    assert_eq!(
        flat(
            rows(
                &police,
                "SELECT count(*) FROM rejects WHERE raw LIKE '%A1234567%'"
            )
            .await
        ),
        ["0"]
    );
    // A view made from what customs sees (kpi_feed_rejects) shows customs' rejects only.
    assert!(matches!(
        analyst.visibility().objects.get("kpi_feed_rejects"),
        Some(Seen::DerivedView)
    ));
    assert_eq!(
        flat(
            rows(
                &analyst,
                "SELECT agency, rows_rejected FROM kpi_feed_rejects"
            )
            .await
        ),
        ["customs 1"]
    );
}

/// KPI views follow the same rules: shared KPIs are there for everyone, exact small
/// counts only for those the owners give detail rights.
#[tokio::test]
async fn kpi_views_obey_the_policies() {
    let warehouse = fixture_warehouse().await;
    let query = "SELECT count_shown, suppressed FROM kpi_enforcement_public_daily \
                 WHERE port = 'CGK' AND agency = 'immigration' AND measure = 'refusal' AND category = 'all'";
    // One refusal at CGK (T6): '<5' for everyone without detail rights.
    for spec in [
        "quarantine:analyst",
        "authority:leadership",
        "customs:analyst",
        "police:analyst",
    ] {
        let principal = session(&warehouse, spec).await;
        assert_eq!(
            flat(rows(&principal, query).await),
            ["<5 small_count"],
            "{spec}"
        );
        assert!(matches!(
            principal
                .visibility()
                .objects
                .get("kpi_enforcement_public_daily"),
            Some(Seen::GrantedView(_))
        ));
    }
    // The exact count is the police's under the enforcement MoUs; nobody else's.
    let exact = "SELECT count FROM kpi_enforcement_counts_daily \
                 WHERE port = 'CGK' AND agency = 'immigration' AND measure = 'refusal' AND category = 'all'";
    let police = session(&warehouse, "police:analyst").await;
    assert_eq!(flat(rows(&police, exact).await), ["1"]);
    for spec in [
        "quarantine:analyst",
        "authority:analyst",
        "customs:leadership",
    ] {
        let principal = session(&warehouse, spec).await;
        assert!(
            refused(&principal, exact).await.contains("not found"),
            "{spec}"
        );
    }
    // The clearance KPI is computed over every traveller for everyone: CGK hour 8 has the 6
    // travellers of that hour, though customs' own crossings rows are arrivals only.
    let customs = session(&warehouse, "customs:analyst").await;
    let travellers = "SELECT sum(travellers) FROM kpi_clearance_hourly WHERE port = 'CGK'";
    let admin = session(&warehouse, "gerbang:administrator").await;
    assert_eq!(
        flat(rows(&customs, travellers).await),
        flat(rows(&admin, travellers).await)
    );
    // The weekly page: a week's enforcement total made of daily counts of 1 to 4 is
    // detail_only, shown to the police and administrators only. CGK: refusal T6, notice
    // hit T1, seizure C1, isolation 1, incidents I1 and I2 = 6; DPS: detention D7,
    // seizure C4, incident I3 = 3. Every count in them is 1 or 2, so both are detail_only.
    let detail = "SELECT port, value FROM kpi_weekly_headlines WHERE detail_only ORDER BY port";
    assert_eq!(flat(rows(&admin, detail).await), ["CGK 6.0", "DPS 3.0"]);
    assert_eq!(flat(rows(&police, detail).await), ["CGK 6.0", "DPS 3.0"]);
    assert!(rows(&customs, detail).await.is_empty());
    let headlines = "SELECT count(*) > 0 FROM kpi_weekly_headlines";
    assert_eq!(flat(rows(&customs, headlines).await), ["true"]);
    // Every KPI view a principal has plans and runs.
    for spec in [
        "police:analyst",
        "quarantine:leadership",
        "customs:data_owner",
        "authority:analyst",
    ] {
        let principal = session(&warehouse, spec).await;
        for (name, seen) in &principal.visibility().objects {
            if matches!(seen, Seen::GrantedView(_) | Seen::DerivedView) {
                principal
                    .sql(&format!("SELECT * FROM {name}"))
                    .await
                    .unwrap_or_else(|e| panic!("{spec} {name}: {e}"));
            }
        }
    }
}

/// customs.toml's grant of seizures to the police ends on 15 December 2026.
#[tokio::test]
async fn an_expired_grant_shares_nothing() {
    let warehouse = fixture_warehouse().await;
    let police = Principal::parse("tester", "police:analyst").expect("a principal");
    let last_day = NaiveDate::from_ymd_opt(2026, 12, 15).expect("a date");
    let before = warehouse
        .session_for_on(&police, last_day)
        .await
        .expect("a session");
    assert_eq!(
        flat(rows(&before, "SELECT count(*) FROM customs_inspections").await),
        ["2"]
    );
    let after = warehouse
        .session_for_on(&police, last_day.succ_opt().expect("a date"))
        .await
        .expect("a session");
    assert!(
        refused(&after, "SELECT count(*) FROM customs_inspections")
            .await
            .contains("not found")
    );
    // The exact enforcement counts read customs' data too: gone with its grant.
    assert!(
        refused(&after, "SELECT * FROM kpi_enforcement_counts_daily")
            .await
            .contains("not found")
    );
    assert!(
        after
            .visibility()
            .objects
            .contains_key("kpi_enforcement_public_daily")
    );
    let policies = warehouse.policies().expect("policies");
    let soon: Vec<&str> = policies
        .expiring(NaiveDate::from_ymd_opt(2026, 11, 24).expect("a date"), 30)
        .iter()
        .map(|(g, _)| g.name.as_str())
        .collect();
    assert!(soon.contains(&"customs-seizures-to-police"), "{soon:?}");
    assert!(policies.expired(on()).is_empty());
}

#[tokio::test]
async fn administrators_may_change_their_own_session_only() {
    let warehouse = fixture_warehouse().await;
    let admin = session(&warehouse, "gerbang:administrator").await;
    admin
        .sql("CREATE VIEW scratch AS SELECT port FROM ports")
        .await
        .expect("DDL for administrators");
    assert!(!rows(&admin, "SELECT * FROM scratch").await.is_empty());
    rows(&admin, "EXPLAIN SELECT * FROM crossings").await;
    rows(&admin, "SELECT * FROM generate_series(1, 3)").await;
    let other = session(&warehouse, "gerbang:administrator").await;
    assert!(
        refused(&other, "SELECT * FROM scratch")
            .await
            .contains("not found")
    );
    let analyst = session(&warehouse, "immigration:analyst").await;
    assert!(
        refused(&analyst, "SELECT * FROM scratch")
            .await
            .contains("not found")
    );
    assert_eq!(
        flat(rows(&analyst, "SELECT count(*) FROM crossings").await),
        ["16"],
        "own agency: every record"
    );
}

#[tokio::test]
async fn unknown_agencies_and_roleless_principals_get_no_session() {
    let warehouse = fixture_warehouse().await;
    let stranger = Principal::parse("x", "interpol:analyst").expect("parses");
    let error = warehouse
        .session_for_on(&stranger, on())
        .await
        .expect_err("no file");
    assert!(error.to_string().contains("has no policy file"), "{error}");
    let nobody = Principal::new("x", "customs", []);
    assert!(warehouse.session_for_on(&nobody, on()).await.is_err());
    assert!(Principal::parse("x", "customs:director").is_err());
    assert!(Principal::parse("x", "customs").is_err());
}

#[tokio::test]
async fn the_embedded_policies_fit_and_every_agency_and_role_gets_a_session() {
    let warehouse = fixture_warehouse().await;
    assert_eq!(
        warehouse.policy_problems().await.expect("checked"),
        Vec::<String>::new()
    );
    let report = super::report::check(&warehouse, on())
        .await
        .expect("a report");
    assert!(report.is_ok(), "{report}");
    assert!(
        report
            .sights
            .iter()
            .any(|s| s.starts_with("police:analyst")),
        "{report}"
    );
}

fn policy(files: &[(&str, &str)]) -> Result<PolicySet, QueryError> {
    PolicySet::parse(
        files
            .iter()
            .map(|(name, text)| (format!("policies/{name}.toml"), text.to_string())),
    )
}

const OWNER: &str = "agency = \"customs\"\nversion = 1\ntables = [\"customs_inspections\"]\n";
const OTHER: &str =
    "agency = \"police\"\nversion = 1\ntables = [\"incidents\", \"joint_operations\"]\n";

fn with_grant(grant: &str) -> String {
    format!(
        "{OWNER}\n[[grant]]\non = \"customs_inspections\"\nexpires = \"2027-01-01\"\nmou = \"m\"\n{grant}\n"
    )
}

#[test]
fn malformed_policy_files_are_refused_with_the_file_and_the_reason() {
    let cases: Vec<(String, &str)> = vec![
        (
            format!("{OWNER}colour = \"red\"\n"),
            "unknown field `colour`",
        ),
        (
            OWNER.replace("version = 1", "version = 0"),
            "version must be 1 or more",
        ),
        (
            with_grant("to = [\"interpol\"]"),
            "'interpol', which has no policy file",
        ),
        (with_grant("to = []"), "to is empty"),
        (with_grant("to = [\"customs\"]"), "names customs itself"),
        (with_grant("to = [\"*\", \"police\"]"), "list nothing else"),
        (
            with_grant("to = [\"police\"]\nroles = [\"director\"]"),
            "unknown variant `director`",
        ),
        (
            with_grant("to = [\"police\"]\ncolumns = [\"port\"]\naggregate = { by = [\"port\"] }"),
            "leave out columns and hash",
        ),
        (
            with_grant("to = [\"police\"]\naggregate = { by = [\"port\"], min_count = 2 }"),
            "below 5",
        ),
        (
            with_grant("to = [\"police\"]\naggregate = { by = [] }"),
            "aggregate.by is empty",
        ),
        (
            with_grant("to = [\"police\"]\ncolumns = [\"port\"]\nhash = [\"traveller_key\"]"),
            "not among the columns shown",
        ),
        (
            with_grant("to = [\"police\"]\nrows = \"port = {port}\""),
            "the only placeholder is {agency}",
        ),
        (
            with_grant("to = [\"police\"]").replace("2027-01-01", "31/12/2027"),
            "is not a date (YYYY-MM-DD)",
        ),
        (
            with_grant("to = [\"police\"]").replace("mou = \"m\"", "mou = \" \""),
            "mou is empty",
        ),
        (
            format!(
                "{}\n{}",
                with_grant("to = [\"police\"]\naggregate = { by = [\"port\"] }"),
                "[[grant]]\non = \"customs_inspections\"\nto = [\"police\"]\nexpires = \"2027-01-01\"\nmou = \"m\"\naggregate = { by = [\"channel\"] }\n"
            ),
            "already has an aggregate grant for police",
        ),
    ];
    for (text, expected) in cases {
        let error = policy(&[("customs", &text), ("police", OTHER)])
            .expect_err(&text)
            .to_string();
        assert!(error.contains("policies/customs.toml"), "{error}");
        assert!(
            error.contains(expected),
            "expected '{expected}' in: {error}"
        );
    }
    let misnamed = policy(&[("douane", OWNER), ("police", OTHER)]).expect_err("misnamed");
    assert!(
        misnamed.to_string().contains("is named douane.toml"),
        "{misnamed}"
    );
    let twice = policy(&[
        ("customs", OWNER),
        ("police", &OTHER.replace("incidents", "customs_inspections")),
    ])
    .expect_err("two owners");
    assert!(
        twice.to_string().contains("also claimed by customs"),
        "{twice}"
    );
}

/// Problems only the warehouse can tell: each listed with its file and grant, and no
/// session for anyone but administrators until they are fixed.
#[tokio::test]
async fn policies_that_do_not_fit_the_warehouse_keep_everyone_out() {
    let mut files: Vec<(String, String)> = Vec::new();
    for agency in PolicySet::embedded().expect("embedded").agencies() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../data/policies")
                .join(format!("{}.toml", agency.agency)),
        )
        .expect("readable");
        files.push((agency.agency.clone(), text));
    }
    let broken = [
        (
            "columns = [\"port\", \"colour\"]",
            "columns names colour, which customs_inspections does not have",
        ),
        ("rows = \"colour = 'red'\"", "rows = \"colour = 'red'\""),
        ("rows = \"port\"", "not a true/false condition"),
        (
            "rows = \"port IN (SELECT port FROM ports)\"",
            "rows = \"port IN (SELECT port FROM ports)\"",
        ),
        (
            "hash = [\"risk_score\"]",
            "hash names risk_score, which is not text",
        ),
    ];
    let base = fixture_warehouse().await;
    for (line, expected) in broken {
        let mut set = files.clone();
        let customs = set
            .iter_mut()
            .find(|(a, _)| a == "customs")
            .expect("customs");
        customs.1.push_str(&format!(
            "\n[[grant]]\nname = \"broken\"\non = \"customs_inspections\"\nto = [\"police\"]\n\
             expires = \"2027-01-01\"\nmou = \"m\"\n{line}\n"
        ));
        let policies = PolicySet::parse(
            set.into_iter()
                .map(|(a, t)| (format!("data/policies/{a}.toml"), t)),
        )
        .expect("parses");
        let warehouse = fixture_warehouse().await.with_policies(policies);
        let problems = warehouse
            .policy_problems()
            .await
            .expect("checked")
            .join("\n");
        assert!(
            problems.contains("grant 'broken'") && problems.contains(expected),
            "{line}: {problems}"
        );
        let police = Principal::parse("x", "police:analyst").expect("parses");
        let error = warehouse
            .session_for_on(&police, on())
            .await
            .expect_err("kept out");
        assert!(error.to_string().contains("do not fit"), "{error}");
        let admin = Principal::parse("x", "gerbang:administrator").expect("parses");
        assert!(warehouse.session_for_on(&admin, on()).await.is_ok());
    }
    // A table nobody owns is reported; a grant on another agency's table or on a view
    // that reads none of the granter's tables is refused.
    let mut set = files.clone();
    let police = set.iter_mut().find(|(a, _)| a == "police").expect("police");
    police.1 = police.1.replace(
        "tables = [\"incidents\", \"joint_operations\"]",
        "tables = [\"incidents\"]",
    );
    police.1.push_str(
        "\n[[grant]]\nname = \"not mine\"\non = \"crossings\"\nto = [\"customs\"]\nexpires = \"2027-01-01\"\nmou = \"m\"\n\
         \n[[grant]]\nname = \"not my view\"\non = \"kpi_exchange_latency_daily\"\nto = [\"customs\"]\nexpires = \"2027-01-01\"\nmou = \"m\"\n",
    );
    let policies = PolicySet::parse(
        set.into_iter()
            .map(|(a, t)| (format!("data/policies/{a}.toml"), t)),
    )
    .expect("parses");
    let problems = base
        .with_policies(policies)
        .policy_problems()
        .await
        .expect("checked")
        .join("\n");
    assert!(
        problems.contains("table joint_operations is owned by no policy file"),
        "{problems}"
    );
    assert!(
        problems.contains("grant 'not mine': crossings belongs to another agency"),
        "{problems}"
    );
    assert!(
        problems.contains(
            "grant 'not my view': the view kpi_exchange_latency_daily reads none of police's tables"
        ),
        "{problems}"
    );
}

/// Every query is audited with who, what and how it ended; administrators read all of
/// it, an agency's data owners the queries that touched their tables, nobody else any.
#[tokio::test]
async fn every_query_is_audited_and_owners_see_the_queries_on_their_data() {
    let warehouse = fixture_warehouse().await;
    let police = session(&warehouse, "police:analyst")
        .await
        .with_interface("console");
    police
        .sql("SELECT count(*) FROM crossings")
        .await
        .expect("runs");
    police
        .sql("COPY crossings TO '/tmp/x.csv'")
        .await
        .expect_err("refused");
    police
        .sql("SELECT risk_score FROM customs_inspections")
        .await
        .expect_err("hidden");
    let customs = session(&warehouse, "customs:analyst").await;
    customs.sql("SELECT * FROM exchanges").await.expect("runs");
    customs
        .sql("SELECT * FROM kpi_clearance_hourly")
        .await
        .expect("runs");

    let admin = session(&warehouse, "gerbang:administrator").await;
    let audit = flat(
        rows(
            &admin,
            "SELECT user, agency, roles, interface, outcome, tables_touched, rows_returned, sql \
             FROM audit WHERE agency <> 'gerbang' ORDER BY sql",
        )
        .await,
    );
    assert_eq!(
        audit,
        [
            "tester police analyst console refused crossings NULL COPY crossings TO '/tmp/x.csv'",
            "tester customs analyst sql ok exchanges 2 SELECT * FROM exchanges",
            // Three hours: CGK 8, CGK 9 and DPS 10.
            "tester customs analyst sql ok crossings,mou_targets 3 SELECT * FROM kpi_clearance_hourly",
            "tester police analyst console ok crossings 1 SELECT count(*) FROM crossings",
            "tester police analyst console failed customs_inspections NULL SELECT risk_score FROM customs_inspections",
        ]
    );
    let error = flat(rows(&admin, "SELECT error FROM audit WHERE outcome = 'refused'").await);
    assert!(error[0].contains("COPY is refused"), "{error:?}");

    // Immigration's owner sees the queries on crossings (police's count, the KPI and the
    // refused COPY), not customs' query on exchanges.
    let owner = session(&warehouse, "immigration:data_owner").await;
    let seen = flat(rows(&owner, "SELECT sql FROM audit ORDER BY sql").await);
    assert_eq!(
        seen,
        [
            "COPY crossings TO '/tmp/x.csv'",
            "SELECT * FROM kpi_clearance_hourly",
            "SELECT count(*) FROM crossings",
        ]
    );
    let bus_owner = session(&warehouse, "integration_bus:data_owner").await;
    let seen = flat(
        rows(
            &bus_owner,
            "SELECT sql FROM audit WHERE sql NOT LIKE '%audit%'",
        )
        .await,
    );
    assert_eq!(seen, ["SELECT * FROM exchanges"]);
    let analyst = session(&warehouse, "immigration:analyst").await;
    assert!(
        refused(&analyst, "SELECT * FROM audit")
            .await
            .contains("not found")
    );
}

/// In a lake, the audit lands as Parquet below `_audit/`, outside the commit log, and a
/// warehouse opened later reads it.
#[tokio::test]
async fn audit_records_land_in_the_lake_and_are_read_back() {
    let dir = tempfile::tempdir().expect("a folder");
    let location = dir.path().to_string_lossy().to_string();
    gerbang_ingest::lake::Lake::open(&location).expect("a lake");
    let warehouse = Warehouse::open(&location).await.expect("opens");
    let analyst = session(&warehouse, "customs:analyst").await;
    analyst
        .sql("SELECT count(*) FROM customs_inspections")
        .await
        .expect("runs");
    assert_eq!(warehouse.flush_audit().await.expect("flushed"), 1);
    assert_eq!(warehouse.flush_audit().await.expect("nothing left"), 0);
    let files: Vec<_> = walk(&dir.path().join("_audit"));
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].contains("date=") && files[0].ends_with(".parquet"),
        "{files:?}"
    );
    assert!(
        !dir.path().join("_gerbang_log").exists(),
        "the audit commits nothing"
    );

    let later = Warehouse::open(&location).await.expect("opens");
    let admin = session(&later, "gerbang:administrator").await;
    assert_eq!(
        flat(
            rows(
                &admin,
                "SELECT agency, outcome, sql FROM audit WHERE agency = 'customs'"
            )
            .await
        ),
        ["customs ok SELECT count(*) FROM customs_inspections"]
    );
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path.to_string_lossy().to_string());
        }
    }
    found
}

/// A cross join of the port registry with itself six times (about 10^10 rows) is stopped
/// by the time limit, while a small query on the same warehouse answers at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runaway_query_is_stopped_while_the_dashboard_keeps_answering() {
    let limits = QueryLimits {
        timeout: Duration::from_secs(2),
        ..QueryLimits::default()
    };
    let warehouse = Arc::new(fixture_warehouse().await.with_query_limits(limits));
    let runaway = "SELECT count(*) FROM ports a, ports b, ports c, ports d, ports e, ports f \
                   WHERE a.name || b.name || c.name || d.name <> e.name || f.name";
    let analyst = session(&warehouse, "police:analyst").await;
    let metrics = tokio::runtime::Handle::current().metrics();
    let tasks_before = metrics.num_alive_tasks();
    let started = Instant::now();
    let heavy = tokio::spawn(async move { analyst.sql(runaway).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let dashboard = session(&warehouse, "police:leadership").await;
    let asked = Instant::now();
    let small = dashboard
        .sql("SELECT count(*) FROM kpi_clearance_hourly")
        .await
        .expect("the small query answers");
    assert_eq!(small.rows, 1);
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "the small query took {:?}",
        asked.elapsed()
    );
    let error = heavy.await.expect("joins").expect_err("stopped");
    assert!(
        error.to_string().contains("per-query time limit"),
        "{error}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // Stopped, not just abandoned: the tasks that ran it end within a second.
    let stopped = Instant::now();
    while metrics.num_alive_tasks() > tasks_before {
        assert!(
            stopped.elapsed() < Duration::from_secs(1),
            "{} tasks still run the stopped query",
            metrics.num_alive_tasks() - tasks_before
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let admin = session(&warehouse, "gerbang:administrator").await;
    assert_eq!(
        flat(
            rows(
                &admin,
                "SELECT outcome FROM audit WHERE sql LIKE '%ports f%'"
            )
            .await
        ),
        ["timed_out"]
    );
}

/// A hash join whose build side needs far more than the memory limit fails with the
/// limit's message instead of taking the server's memory; a sort of the same size spills
/// to disk and answers.
#[tokio::test]
async fn a_query_over_its_memory_limit_is_stopped_with_a_clear_error() {
    let limits = QueryLimits {
        memory_bytes: 4 << 20,
        ..QueryLimits::default()
    };
    let warehouse = fixture_warehouse().await.with_query_limits(limits);
    let admin = session(&warehouse, "gerbang:administrator").await;
    let error = admin
        .sql("SELECT count(*) FROM range(3000000) a JOIN range(3000000) b ON a.value = b.value")
        .await
        .expect_err("over the limit");
    assert!(
        matches!(error, QueryError::Limit(_)) && error.to_string().contains("4 MiB"),
        "{error}"
    );
    assert_eq!(
        flat(
            rows(
                &admin,
                "SELECT outcome FROM audit WHERE sql LIKE '%range(3000000)%'"
            )
            .await
        ),
        ["memory_exceeded"]
    );
    // 3 million numbers sorted need about 24 MiB: under a 16 MiB limit (DataFusion keeps
    // 10 MiB of it for merging what it spilled) the sort spills and the query answers.
    let limits = QueryLimits {
        memory_bytes: 16 << 20,
        ..QueryLimits::default()
    };
    let warehouse = fixture_warehouse().await.with_query_limits(limits);
    let admin = session(&warehouse, "gerbang:administrator").await;
    assert_eq!(
        flat(
            rows(
                &admin,
                "SELECT max(r) FROM (SELECT row_number() OVER (ORDER BY value DESC) AS r \
                 FROM range(3000000))",
            )
            .await
        ),
        ["3000000"]
    );
}

/// Dropping a query's future cancels it; the audit still says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_query_is_audited_as_cancelled() {
    let warehouse = fixture_warehouse().await;
    let analyst = session(&warehouse, "police:analyst").await;
    let runaway = "SELECT count(*) FROM ports a, ports b, ports c, ports d, ports e, ports f \
                   WHERE a.name || b.name <> f.name";
    let gave_up = tokio::time::timeout(Duration::from_millis(300), analyst.sql(runaway)).await;
    assert!(gave_up.is_err(), "the query should still be running");
    let admin = session(&warehouse, "gerbang:administrator").await;
    assert_eq!(
        flat(
            rows(
                &admin,
                "SELECT outcome FROM audit WHERE sql LIKE '%ports f%'"
            )
            .await
        ),
        ["cancelled"]
    );
}

/// A recursive query without an end (each step adds a row, forever) is stopped too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recursive_query_without_end_is_stopped_by_the_time_limit() {
    let limits = QueryLimits {
        timeout: Duration::from_secs(1),
        ..QueryLimits::default()
    };
    let warehouse = fixture_warehouse().await.with_query_limits(limits);
    let analyst = session(&warehouse, "customs:analyst").await;
    let started = Instant::now();
    let error = analyst
        .sql("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t")
        .await
        .expect_err("endless");
    assert!(
        error.to_string().contains("per-query time limit"),
        "{error}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}
