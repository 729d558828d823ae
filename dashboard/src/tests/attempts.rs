//! The security suite of issue 7: each agency tries to read what its sharing policies
//! forbid, and every attempt must be refused or masked, through every interface. One table
//! of attempts ([`ATTEMPTS`]), one fixture ([`security_tables`]) and one verdict
//! ([`verdict`]), shared by the runners of each interface:
//! - `dashboard/src/tests/policies.rs`: `POST /api/sql`, the SQL console's page and its
//!   CSV download, and the Postgres port (psql);
//! - `tests/e2e/policies.rs`: `gerbang sql --as` over a lake, which includes this file
//!   with `#[path]` (so it uses only crates both test targets have).
//!
//! The fixture is the policy engine's (`query/src/policy/tests.rs`), cut to what the
//! attempts read: one local day, 2026-10-20, at CGK (UTC+7) and DPS (UTC+8), under the
//! embedded `data/policies/*.toml`.

use std::sync::Arc;

use chrono::NaiveDate;
use datafusion::arrow::array::new_null_array;
use datafusion::arrow::array::{ArrayRef, Int32Array, Int64Array, RecordBatch, StringArray};
use datafusion::arrow::compute::{cast, concat_batches};
use datafusion::arrow::datatypes::DataType;
use datafusion::prelude::SessionContext;
use gerbang_ingest::schema::Table;

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
pub(super) async fn security_tables() -> Vec<(String, Vec<RecordBatch>)> {
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
    vec![
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
    ]
}

/// The day after customs.toml's grant of seizures to the police ended (15 December 2026).
pub(super) fn after_the_seizures_grant() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 16).expect("a date")
}

/// What an attempt must get.
#[derive(Debug, Clone, Copy)]
pub(super) enum Expect {
    /// Refused (as each interface says it: see [`Got::Refused`]), the message saying this.
    Refused(&'static str),
    /// Exactly these rows (cells joined by spaces, NULL for null).
    Rows(&'static [&'static str]),
    /// Some rows, and no cell naming any of these.
    Lacks(&'static [&'static str]),
}

/// One attempt of the security suite: who, on which day's policies, what SQL, and what
/// it must get.
pub(super) struct Attempt {
    pub(super) name: &'static str,
    pub(super) user: &'static str,
    pub(super) after_expiry: bool,
    pub(super) sql: &'static str,
    pub(super) expect: Expect,
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
pub(super) const ATTEMPTS: &[Attempt] = &[
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

impl Attempt {
    /// Whether the attempt's expectation holds under the policies in force on `day`, for
    /// the interfaces that read the policies of the day they run (the Postgres port and
    /// `gerbang sql --as`, which have no other day to be given). Until customs' seizures
    /// grant to the police ends (15 December 2026), every attempt but the two made after
    /// it; from then, the attempts that do not read what that grant gives. Once every
    /// embedded grant has expired (after 31 December 2027), none: the policies need
    /// renewing before the suite means anything there.
    pub(super) fn holds_on(&self, day: NaiveDate) -> bool {
        let last_grant = NaiveDate::from_ymd_opt(2027, 12, 31).expect("a date");
        let granted = day < after_the_seizures_grant();
        let reads_the_grant = self.after_expiry
            || (self.user == "police-analyst"
                && (self.sql.contains("customs_inspections")
                    || self.sql.contains("kpi_enforcement_counts_daily")));
        day <= last_grant && (!reads_the_grant || self.after_expiry != granted)
    }
}

/// What an interface answered, read by its runner.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Got {
    /// Refused the way the interface refuses (`403` with code `refused` from the API, `403`
    /// with the error notice from the console and its downloads, SQLSTATE 42501 from the
    /// Postgres port, a failed run from the command line), with the message it gave.
    Refused(String),
    /// Rows, each as its cells' text (NULL for null).
    Rows(Vec<Vec<String>>),
    /// Anything else (another error, an unreadable answer), said for the failure list.
    Other(String),
}

/// Whether an interface's answer is what the attempt must get.
pub(super) fn verdict(expect: Expect, got: &Got) -> bool {
    match (expect, got) {
        (Expect::Refused(words), Got::Refused(message)) => message.contains(words),
        (Expect::Rows(expected), Got::Rows(rows)) => {
            rows.len() == expected.len()
                && rows
                    .iter()
                    .zip(expected)
                    .all(|(row, want)| row.join(" ") == *want)
        }
        (Expect::Lacks(names), Got::Rows(rows)) => {
            !rows.is_empty()
                && rows
                    .iter()
                    .flatten()
                    .all(|cell| !names.contains(&cell.as_str()))
        }
        _ => false,
    }
}

/// The rows of a CSV answer (the console's download, `gerbang sql --format csv`), header
/// dropped and cells split at commas (no cell of the fixture holds one); an empty field is
/// NULL (the fixture has no empty text).
pub(super) fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip(1)
        .map(|line| {
            line.split(',')
                .map(|cell| if cell.is_empty() { "NULL" } else { cell })
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// Today in Jakarta (UTC+7 all year), the day the Postgres port and the command line read
/// the sharing policies' dates in.
pub(super) fn today_in_jakarta() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive()
}

/// Runs through one interface every attempt that `holds` (see [`Attempt::holds_on`]),
/// `run` turning the interface's answer into a [`Got`], and fails naming every attempt
/// whose answer is not what it must get, so that one run names them all.
pub(super) async fn every_attempt_through<F, R>(
    interface: &str,
    holds: impl Fn(&Attempt) -> bool,
    mut run: F,
) where
    F: FnMut(&'static Attempt) -> R,
    R: std::future::Future<Output = Got>,
{
    let mut failures = Vec::new();
    let mut ran = 0;
    for attempt in ATTEMPTS.iter().filter(|attempt| holds(attempt)) {
        ran += 1;
        let got = run(attempt).await;
        if !verdict(attempt.expect, &got) {
            failures.push(format!(
                "{}: expected {:?}, got {got:?}",
                attempt.name, attempt.expect
            ));
        }
    }
    assert!(ran > 0, "no attempt holds for {interface} today");
    assert!(
        failures.is_empty(),
        "{} of {ran} attempts through {interface} got what they must not:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
