//! Killing `gerbang ingest` with SIGKILL at many points: the lake must always read as
//! either before or after the run, never half, never doubled, and the next run completes.

use std::process::{Command, Stdio};
use std::time::Instant;

use crate::{KEY, Scratch, sql_rows};

/// What a lake holds, in the figures that would show a half or doubled run.
fn figures(lake: &std::path::Path) -> Vec<Vec<String>> {
    // A run killed before it made the lake's folder left nothing: read that as an empty
    // lake (`gerbang sql` refuses a folder that does not exist).
    std::fs::create_dir_all(lake).unwrap();
    sql_rows(
        lake,
        "SELECT (SELECT count(*) FROM crossings) AS crossings, \
                (SELECT count(DISTINCT record_id) FROM crossings) AS distinct_records, \
                (SELECT count(*) FROM rejects) AS rejects, \
                (SELECT count(*) FROM ingest_runs) AS files",
    )
}

fn spawn_ingest(scratch: &Scratch) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_gerbang"))
        .args(scratch.ingest_args())
        .env("GERBANG_PSEUDONYM_KEY", KEY)
        .env_remove("GERBANG_CONFIG")
        .env_remove("GERBANG_LAKE")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn killing_ingest_at_any_point_leaves_the_lake_whole_and_the_next_run_completes() {
    let reference = Scratch::folder();
    reference.generate("2026-10-01", "6", "CGK,DPS,BTM,SUB", "0.1");
    let started = Instant::now();
    let status = spawn_ingest(&reference).wait().unwrap();
    assert!(status.success());
    let full_run = started.elapsed();
    let complete = figures(&reference.lake);
    let empty = figures(&Scratch::folder().lake);
    assert_ne!(complete, empty);
    assert_eq!(
        complete[0][0], complete[0][1],
        "the reference run has no doubles"
    );

    // The same inbox, ingested into another lake and killed at points spread over (and a
    // little past) the length of a whole run; the spread is fixed, the run's speed is not,
    // so the points fall at different stages on different machines.
    let crashed = Scratch::folder();
    std::fs::rename(&reference.inbox, &crashed.inbox).unwrap();
    let kills = 16u32;
    let mut outcomes = Vec::new();
    for k in 0..kills {
        let delay = full_run.mul_f64(f64::from(k) / f64::from(kills - 2));
        let mut child = spawn_ingest(&crashed);
        std::thread::sleep(delay);
        let finished = child.try_wait().unwrap().is_some();
        if !finished {
            child.kill().unwrap();
        }
        child.wait().unwrap();
        // Readable, and either before or after, whatever the stage.
        let now = figures(&crashed.lake);
        assert!(
            now == empty || now == complete,
            "after a kill at {delay:?} the lake holds {now:?}; expected {empty:?} or {complete:?}"
        );
        outcomes.push((delay, finished, now == complete));
    }
    eprintln!("kill points (delay, run had finished, lake complete): {outcomes:?}");
    assert!(
        outcomes.iter().any(|(_, finished, _)| !finished),
        "no run was killed before it finished: {outcomes:?}"
    );

    // The next run completes what the killed ones did not, and lands nothing twice.
    let status = spawn_ingest(&crashed).wait().unwrap();
    assert!(status.success());
    assert_eq!(figures(&crashed.lake), complete);
    let status = spawn_ingest(&crashed).wait().unwrap();
    assert!(status.success());
    assert_eq!(figures(&crashed.lake), complete);
}
