//! The independent KPI cross-check (`tests/crosscheck/crosscheck.py`): DuckDB, reading the
//! same lake and computing from the KPI definitions, must agree with Gerbang's views, on
//! generated nights and on the real JFK file, and must say so when it does not.
//!
//! These tests need python3 with DuckDB's package; without it they fail, saying how to
//! install it, rather than pass unseen.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::{KEY, Scratch, repo_file, stdout_of};

/// Runs the cross-check on `lake` with `extra` options; returns its output and the
/// summary it wrote.
fn crosscheck(lake: &Path, extra: &[&str]) -> (Output, Value) {
    require_duckdb();
    let summary = summary_path(lake);
    let output = Command::new("python3")
        .arg(repo_file("tests/crosscheck/crosscheck.py"))
        .arg("--lake")
        .arg(lake)
        .arg("--gerbang")
        .arg(env!("CARGO_BIN_EXE_gerbang"))
        .arg("--summary-json")
        .arg(&summary)
        .args(extra)
        .output()
        .expect("python3 runs");
    let text = std::fs::read_to_string(&summary).unwrap_or_else(|_| {
        panic!(
            "the cross-check wrote no summary:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output, serde_json::from_str(&text).unwrap())
}

fn summary_path(lake: &Path) -> PathBuf {
    lake.with_file_name("crosscheck-summary.json")
}

fn require_duckdb() {
    let install = "install it with `python3 -m pip install duckdb` (.ci/run does)";
    match Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
    {
        Ok(probe) if probe.status.success() => {}
        Ok(probe) => panic!(
            "the KPI cross-check needs DuckDB's Python package; {install}\n{}",
            String::from_utf8_lossy(&probe.stderr)
        ),
        Err(error) => panic!("the KPI cross-check needs python3 ({error}) with DuckDB; {install}"),
    }
}

/// The summary's entry for `kpi`: (rows computed by DuckDB, rows from Gerbang, mismatches).
fn compared(summary: &Value, kpi: &str) -> (u64, u64, u64) {
    let entry = summary["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kpi"] == kpi)
        .unwrap_or_else(|| panic!("no {kpi} in {summary}"));
    let n = |field: &str| entry[field].as_u64().unwrap();
    (n("crosscheck_rows"), n("gerbang_rows"), n("mismatches"))
}

/// The bottleneck totals of one port's terminals (whole port left out) from one feed kind.
fn terminal_bottlenecks<'a>(summary: &'a Value, port: &str, source: &str) -> Vec<&'a Value> {
    summary["bottlenecks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["port"] == port && b["source"] == source && !b["terminal"].is_null())
        .collect()
}

/// A lake holding the real JFK 2018 wait-time file, landed by `gerbang ingest`.
fn jfk_lake() -> Scratch {
    let scratch = Scratch::folder();
    std::fs::create_dir_all(&scratch.inbox).unwrap();
    std::fs::copy(
        repo_file("data/real/cbp-awt/JFK-2018.csv"),
        scratch.inbox.join("JFK-2018.csv"),
    )
    .unwrap();
    stdout_of(scratch.ingest(None));
    scratch
}

#[test]
fn generated_nights_agree_with_duckdb_and_an_uncommitted_runs_files_are_not_counted() {
    let scratch = Scratch::folder();
    scratch.generate("2026-10-19", "3", "CGK,DPS,BTM,JYP", "0.02");
    stdout_of(scratch.ingest(Some(KEY)));
    // A run that died before its commit leaves its data files behind: a copy of a landed
    // crossings file under another run's name. Neither reader may count it.
    let landed = std::fs::read_dir(scratch.lake.join("crossings"))
        .unwrap()
        .map(|date| date.unwrap().path())
        .flat_map(|date| std::fs::read_dir(date).unwrap())
        .map(|port| port.unwrap().path())
        .flat_map(|port| std::fs::read_dir(port).unwrap())
        .map(|file| file.unwrap().path())
        .find(|file| file.extension().is_some_and(|e| e == "parquet"))
        .unwrap();
    std::fs::copy(
        &landed,
        landed.with_file_name("part-20261022T000000Z-deadbeef-00000.parquet"),
    )
    .unwrap();

    let (output, summary) = crosscheck(&scratch.lake, &[]);
    let printed = stdout_of(output);
    println!("{printed}");
    assert_eq!(summary["ok"], true, "{printed}");
    assert_eq!(summary["uncommitted_files_ignored"], 1, "{printed}");
    for kpi in [
        "passengers_daily",
        "clearance_hourly",
        "bottleneck_hours",
        "bottleneck_episodes",
        "bottleneck_summary",
    ] {
        let (ours, gerbang, mismatches) = compared(&summary, kpi);
        assert!(ours > 0, "{kpi}: nothing was compared\n{printed}");
        assert_eq!((ours, mismatches), (gerbang, 0), "{kpi}\n{printed}");
    }
    // Four ports over three nights: one row per port and local date (a night's crossings
    // may spill into the next local date, never further).
    let (days, _, _) = compared(&summary, "passengers_daily");
    assert!((12..=16).contains(&days), "{days} port-days\n{printed}");
}

#[test]
fn jfk_bottleneck_hours_and_episodes_per_terminal_match_an_independent_computation() {
    let scratch = jfk_lake();
    let (output, summary) = crosscheck(&scratch.lake, &[]);
    let printed = stdout_of(output);
    println!("{printed}");
    assert_eq!(summary["ok"], true, "{printed}");
    for kpi in [
        "report_pax_daily",
        "bottleneck_hours",
        "bottleneck_episodes",
    ] {
        let (ours, gerbang, mismatches) = compared(&summary, kpi);
        assert!(ours > 0, "{kpi}: nothing was compared\n{printed}");
        assert_eq!((ours, mismatches), (gerbang, 0), "{kpi}\n{printed}");
    }

    // Every terminal of the file, each with its own bottleneck hours and episodes, the
    // same from DuckDB and from Gerbang, number for number.
    let csv = std::fs::read_to_string(repo_file("data/real/cbp-awt/JFK-2018.csv")).unwrap();
    let in_file: BTreeSet<String> = csv
        .lines()
        .skip(1)
        .filter_map(|line| line.split(',').nth(1))
        .map(|t| t.trim_matches('"').to_string())
        .collect();
    let terminals = terminal_bottlenecks(&summary, "JFK", "hourly_report");
    let compared_terminals: BTreeSet<String> = terminals
        .iter()
        .map(|b| b["terminal"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(compared_terminals, in_file);
    for terminal in terminals {
        let ours = &terminal["crosscheck"];
        assert_eq!(ours, &terminal["gerbang"], "{}", terminal["terminal"]);
        println!(
            "JFK {}: {} bottleneck hours in {} episodes, longest {} hours",
            terminal["terminal"],
            ours["bottleneck_hours"],
            ours["episodes"],
            ours["longest_episode_hours"]
        );
        assert!(
            ours["bottleneck_hours"].as_f64().unwrap() > 0.0,
            "{terminal}"
        );
        assert!(ours["episodes"].as_u64().unwrap() > 0, "{terminal}");
        assert!(
            ours["episode_hours"] == ours["bottleneck_hours"],
            "every bottleneck hour belongs to exactly one episode: {terminal}"
        );
    }
}

#[test]
fn a_different_bottleneck_threshold_is_caught_as_a_mismatch() {
    let scratch = jfk_lake();
    // Gerbang keeps the MoU's T = 30 minutes; the cross-check is told 45.
    let (output, summary) = crosscheck(&scratch.lake, &["--threshold-minutes", "45"]);
    let printed = String::from_utf8_lossy(&output.stdout);
    println!("{printed}");
    assert_eq!(output.status.code(), Some(1), "{printed}");
    assert_eq!(summary["ok"], false);
    assert!(printed.contains("MISMATCH"), "{printed}");
    assert!(
        printed.contains("travellers_over_threshold cross-check"),
        "the first mismatches are shown: {printed}"
    );
    for kpi in [
        "bottleneck_hours",
        "bottleneck_episodes",
        "bottleneck_summary",
    ] {
        let (_, _, mismatches) = compared(&summary, kpi);
        assert!(mismatches > 0, "{kpi} should differ\n{printed}");
    }
    // Passenger totals do not depend on T and still agree.
    assert_eq!(compared(&summary, "report_pax_daily").2, 0, "{printed}");
    for terminal in terminal_bottlenecks(&summary, "JFK", "hourly_report") {
        assert_ne!(terminal["crosscheck"], terminal["gerbang"], "{terminal}");
    }
}
