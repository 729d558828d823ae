//! Every agency feed generated with faults and landed: each injected fault must show as a
//! reject or a finding with its reason, and rows in = landed + rejected for every file.

use std::collections::{BTreeMap, BTreeSet};

use crate::{KEY, Scratch, gerbang_ok, sql_rows, stdout_of};

#[test]
fn every_injected_fault_of_every_agency_feed_is_explained_and_nothing_is_lost() {
    let scratch = Scratch::folder();
    let inbox = scratch.inbox_arg();
    gerbang_ok(
        &[
            "generate",
            "--out",
            &inbox,
            "--from",
            "2026-10-05",
            "--days",
            "6",
            "--ports",
            "CGK,DPS,BTM,JYP",
            "--scale",
            "0.05",
            "--faults",
            "0.02",
        ],
        None,
    );
    let faults_text = std::fs::read_to_string(scratch.inbox.join("_faults.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(faults_text.as_bytes());
    let faults: Vec<(String, String, Option<i64>, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[0].to_string(),
                r[1].to_string(),
                r[2].parse().ok(),
                r[3].to_string(),
            )
        })
        .collect();
    let kinds: BTreeSet<&str> = faults.iter().map(|f| f.3.as_str()).collect();
    let feeds: BTreeSet<&str> = faults.iter().map(|f| f.0.as_str()).collect();
    assert!(
        kinds.len() >= 6,
        "too few kinds of fault to test: {kinds:?}"
    );
    assert!(
        feeds.len() >= 5,
        "too few feeds with faults to test: {feeds:?}"
    );

    stdout_of(scratch.ingest(Some(KEY)));
    let lake = &scratch.lake;
    let prefix = format!("{inbox}/");
    let relative = |path: &str| path.strip_prefix(&prefix).unwrap_or(path).to_string();

    // Nothing lost: every file accounts for every record.
    for row in sql_rows(
        lake,
        "SELECT source_file, rows_in, rows_landed, rows_rejected FROM ingest_runs",
    ) {
        let [file, rows_in, landed, rejected] = &row[..] else {
            panic!("{row:?}")
        };
        let (rows_in, landed, rejected): (u64, u64, u64) = (
            rows_in.parse().unwrap(),
            landed.parse().unwrap(),
            rejected.parse().unwrap(),
        );
        assert_eq!(rows_in, landed + rejected, "{file}");
    }

    let mut rejects: BTreeMap<String, BTreeMap<i64, String>> = BTreeMap::new();
    for row in sql_rows(
        lake,
        "SELECT source_file, record_number, split_part(reason, ':', 1) FROM rejects",
    ) {
        rejects
            .entry(relative(&row[0]))
            .or_default()
            .insert(row[1].parse().unwrap(), row[2].clone());
    }
    let runs: BTreeMap<String, (u64, u64, u64)> = sql_rows(
        lake,
        "SELECT source_file, rows_in, rows_landed, rows_rejected FROM ingest_runs",
    )
    .into_iter()
    .map(|r| {
        (
            relative(&r[0]),
            (
                r[1].parse().unwrap(),
                r[2].parse().unwrap(),
                r[3].parse().unwrap(),
            ),
        )
    })
    .collect();
    let late: BTreeSet<String> = sql_rows(
        lake,
        "SELECT r.source_file FROM ingest_runs r JOIN ports p ON p.port = r.port \
         WHERE port_local_time(r.exported_at, p.zone) \
               > concat(CAST(r.night + INTERVAL '1 day' AS VARCHAR), ' 06:00')",
    )
    .into_iter()
    .map(|r| relative(&r[0]))
    .collect();

    let mut unexplained = Vec::new();
    for (feed, file, record, kind) in &faults {
        let in_file = rejects.get(file);
        let explained = match (kind.as_str(), record) {
            ("late", _) => late.contains(file),
            ("resent", _) => runs.get(file).is_some_and(|(rows_in, landed, rejected)| {
                *rows_in > 0 && *landed == 0 && rejected == rows_in
            }),
            ("encoding", _) => in_file.is_some_and(|r| r.values().any(|k| k == "encoding")),
            ("truncated", _) => in_file.is_some_and(|r| !r.is_empty()),
            (_, Some(record)) => in_file.is_some_and(|r| r.contains_key(record)),
            (_, None) => false,
        };
        if !explained {
            unexplained.push(format!("{feed} {file} {record:?} {kind}"));
        }
    }
    assert!(
        unexplained.is_empty(),
        "{} of {} injected faults left no reject or finding:\n{}",
        unexplained.len(),
        faults.len(),
        unexplained.join("\n")
    );
    eprintln!(
        "{} injected faults of kinds {kinds:?} in feeds {feeds:?}, all explained",
        faults.len()
    );
}
