//! The security suite of issue 7 through the command line: the attempts, fixture and
//! verdict of `dashboard/src/tests/attempts.rs` (included here, so that there is one table
//! of attempts for every interface), the fixture landed in a lake as ingest lands it
//! (Parquet data files in `port=…/local_date=…` folders, made visible by one commit), and
//! each attempt run by the `gerbang` binary as `gerbang sql --as <agency>:<role>`: the
//! command's own path from its arguments through `Warehouse::open`, the policies, the
//! session and the audit to what it prints.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::process::{Command, Stdio};

use datafusion::arrow::array::{RecordBatch, StringArray};
use datafusion::arrow::compute::filter_record_batch;
use datafusion::arrow::compute::kernels::cmp::eq;
use gerbang_ingest::lake::{Commit, Lake, Snapshot};
use gerbang_ingest::schema::Table;

use crate::Scratch;

// The runners of the other interfaces use what the command line does not.
#[allow(dead_code)]
#[path = "../../dashboard/src/tests/attempts.rs"]
mod attempts;

use attempts::{
    ATTEMPTS, Attempt, Got, csv_rows, every_attempt_through, security_tables, today_in_jakarta,
};

/// The fixture's tables as data files of `lake`, one a port (all of it is of one local
/// day), made visible by one commit.
async fn land(lake: &Lake, tables: Vec<(String, Vec<RecordBatch>)>) {
    let mut files = Vec::new();
    for (name, batches) in tables {
        let table = Table::from_name(&name).unwrap();
        assert_eq!(table.partition_columns(), ["port", "local_date"]);
        for batch in batches {
            let ports: &StringArray = batch
                .column_by_name("port")
                .unwrap()
                .as_any()
                .downcast_ref()
                .unwrap();
            let mut seen: Vec<&str> = ports.iter().flatten().collect();
            seen.sort_unstable();
            seen.dedup();
            for port in seen {
                let rows = eq(ports, &StringArray::new_scalar(port)).unwrap();
                let part = filter_record_batch(&batch, &rows).unwrap();
                let partition = BTreeMap::from([
                    ("port".to_string(), port.to_string()),
                    ("local_date".to_string(), "2026-10-20".to_string()),
                ]);
                let file = lake
                    .write_data_file(table, partition, "part-security.parquet", &[part])
                    .await
                    .unwrap();
                files.push(file);
            }
        }
    }
    let commit = Commit {
        version: 0,
        run_id: "security-fixture".to_string(),
        started_at: chrono::Utc::now(),
        finished_at: chrono::Utc::now(),
        sources: vec![],
        files,
    };
    lake.commit(commit, &Snapshot::default()).await.unwrap();
}

/// `--as` for a test account of the dashboard's tests (`<agency>-<role>`; Statistics
/// Indonesia's agency is `statistics_indonesia`).
fn principal_of(user: &str) -> String {
    let (agency, role) = user.rsplit_once('-').unwrap();
    let agency = if agency == "statistics" {
        "statistics_indonesia"
    } else {
        agency
    };
    format!("{agency}:{role}")
}

/// The attempt run by `gerbang sql --as <agency>:<role> --format csv`: with the statement
/// as its argument (`script` false), or, as a script on standard input (`script` true),
/// through the SQL shell's path (`gerbang shell`'s statement reader and runner, audited as
/// `shell`). The command says a refusal the only way it says any failure, a failed run
/// with the message on stderr (`error: …`), so a failed run is read as refused and the
/// verdict judges its message. Rows are the CSV's ([`csv_rows`]).
fn through_the_command_line(lake: &str, attempt: &Attempt, script: bool) -> Got {
    let spec = principal_of(attempt.user);
    let mut command = Command::new(env!("CARGO_BIN_EXE_gerbang"));
    command
        .args(["sql", "--lake", lake, "--as", &spec, "--user", attempt.user])
        .args(["--format", "csv"])
        .env_remove("GERBANG_CONFIG")
        .env_remove("GERBANG_LAKE")
        .env_remove("GERBANG_POLICIES")
        .env_remove("GERBANG_PSEUDONYM_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if !script {
        command.arg(attempt.sql);
    }
    let mut child = command.spawn().expect("the gerbang binary runs");
    let mut stdin = child.stdin.take().unwrap();
    if script {
        writeln!(stdin, "{};", attempt.sql).unwrap();
    }
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0) => Got::Rows(csv_rows(&stdout)),
        Some(1) if stdout.is_empty() => match stderr.trim().strip_prefix("error: ") {
            Some(message) => Got::Refused(message.to_string()),
            None => Got::Other(stderr.into_owned()),
        },
        _ => Got::Other(format!("{}: {stdout}{stderr}", output.status)),
    }
}

/// Every attempt that holds today through the binary, over a lake of the fixture. The
/// command reads the policies in force today, so the attempts run are those that hold
/// today ([`Attempt::holds_on`]). A run spends most of its time waiting, so the runs are
/// made four at a time, then judged in the table's order.
async fn every_attempt_through_the_binary(interface: &str, script: bool) {
    let scratch = Scratch::folder();
    let lake = Lake::open(&scratch.lake_arg()).unwrap();
    land(&lake, security_tables().await).await;
    let location = scratch.lake_arg();
    let today = today_in_jakarta();
    let holding: Vec<&'static Attempt> = ATTEMPTS
        .iter()
        .filter(|attempt| attempt.holds_on(today))
        .collect();
    let mut answers: HashMap<&str, Got> = std::thread::scope(|scope| {
        let runs: Vec<_> = holding
            .chunks(holding.len().div_ceil(4).max(1))
            .map(|chunk| {
                let location = &location;
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|a| (a.name, through_the_command_line(location, a, script)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        runs.into_iter()
            .flat_map(|run| run.join().unwrap())
            .collect()
    });
    every_attempt_through(
        interface,
        |attempt| attempt.holds_on(today),
        |attempt| {
            let got = answers
                .remove(attempt.name)
                .unwrap_or_else(|| Got::Other("not run".to_string()));
            async move { got }
        },
    )
    .await;
}

/// Every attempt of the security suite through `gerbang sql --as … "<statement>"`.
#[tokio::test]
async fn gerbang_sql_as_an_agency_refuses_or_masks_every_attempt_as_the_api_does() {
    every_attempt_through_the_binary("gerbang sql --as", false).await;
}

/// Every attempt of the security suite through the SQL shell's path, the statement read
/// from standard input.
#[tokio::test]
async fn the_sql_shell_as_an_agency_refuses_or_masks_every_attempt_as_the_api_does() {
    every_attempt_through_the_binary("the SQL shell (gerbang sql --as, stdin)", true).await;
}
