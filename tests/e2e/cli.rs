//! generate → ingest → sql, the JFK benchmark file, and the operator's error messages.

use crate::{KEY, Scratch, gerbang, gerbang_ok, repo_file, sql_rows, stdout_of};

#[test]
fn jfk_file_lands_every_row_and_passenger_totals_match_the_csv() {
    let inbox = tempfile::tempdir().unwrap();
    let lake = tempfile::tempdir().unwrap();
    let csv = std::fs::read_to_string(repo_file("data/real/cbp-awt/JFK-2018.csv")).unwrap();
    std::fs::write(inbox.path().join("JFK-2018.csv"), &csv).unwrap();
    // Totals straight from the CSV: column 19 is Total, 18 is Excluded.
    let (mut rows, mut total) = (0u64, 0u64);
    for line in csv.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').map(|f| f.trim_matches('"')).collect();
        rows += 1;
        total += fields[18].parse::<u64>().unwrap();
    }

    let out = gerbang_ok(
        &[
            "ingest",
            "--inbox",
            &inbox.path().to_string_lossy(),
            "--lake",
            &lake.path().to_string_lossy(),
        ],
        None,
    );
    assert!(
        out.contains(&format!("{rows} rows in = {rows} landed + 0 rejected")),
        "{out}"
    );

    let landed = sql_rows(
        lake.path(),
        "SELECT count(*), sum(pax_total) FROM wait_hourly",
    );
    assert_eq!(landed, vec![vec![rows.to_string(), total.to_string()]]);
    assert_eq!(
        sql_rows(lake.path(), "SELECT count(*) FROM rejects"),
        vec![vec!["0".to_string()]]
    );
    // Declared totals that disagree with their parts are findings, not rejects; so is the
    // hour that daylight saving repeats.
    let findings = sql_rows(
        lake.path(),
        "SELECT check_name, count(*) FROM quality_findings GROUP BY check_name ORDER BY check_name",
    );
    assert_eq!(
        findings,
        vec![
            vec!["pax_total_vs_parts".to_string(), "15".to_string()],
            vec!["repeated_local_hour".to_string(), "1".to_string()],
        ]
    );
}

#[test]
fn generated_nights_land_with_rows_in_equal_landed_plus_rejected_and_twice_is_a_noop() {
    let scratch = Scratch::folder();
    scratch.generate("2026-10-19", "2", "CGK,DPS", "0.02");
    let first = stdout_of(scratch.ingest(Some(KEY)));
    assert!(first.contains("committed lake version 1"), "{first}");

    let per_file = sql_rows(
        &scratch.lake,
        "SELECT source_file, rows_in, rows_landed, rows_rejected, feed FROM ingest_runs ORDER BY source_file",
    );
    // Two ports, two nights, six agency feeds.
    assert_eq!(per_file.len(), 24, "{per_file:?}");
    for row in &per_file {
        let n: Vec<u64> = row[1..4].iter().map(|v| v.parse().unwrap()).collect();
        assert_eq!(
            n[0],
            n[1] + n[2],
            "rows in = landed + rejected for {}",
            row[0]
        );
        assert_eq!(n[2], 0, "clean generated data had rejects in {}", row[0]);
        if row[4] != "police" {
            assert!(n[1] > 0, "{} landed nothing", row[0]);
        }
    }
    let crossings = sql_rows(&scratch.lake, "SELECT count(*) FROM crossings");
    let landed: u64 = per_file
        .iter()
        .filter(|r| r[4] == "immigration_bcm")
        .map(|r| r[2].parse::<u64>().unwrap())
        .sum();
    assert_eq!(crossings, vec![vec![landed.to_string()]]);

    let second = stdout_of(scratch.ingest(Some(KEY)));
    assert!(second.contains("nothing new to ingest"), "{second}");
    assert_eq!(
        sql_rows(&scratch.lake, "SELECT count(*) FROM crossings"),
        crossings
    );
    assert_eq!(
        sql_rows(&scratch.lake, "SELECT max(version) FROM ingest_runs"),
        vec![vec!["1".to_string()]]
    );

    // No passport number or name reaches the lake.
    let night = scratch.inbox.join("2026-10-19");
    let bcm = std::fs::read_dir(&night)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("bcm_CGK_20261019_")
        })
        .unwrap();
    let sample = std::fs::read_to_string(bcm).unwrap();
    let first_record: serde_json::Value =
        serde_json::from_str(sample.lines().next().unwrap()).unwrap();
    let passport = first_record["no_paspor"].as_str().unwrap();
    let leaked = sql_rows(
        &scratch.lake,
        &format!(
            "SELECT count(*) FROM crossings WHERE traveller_key = '{passport}' OR record_id LIKE '%{passport}%'"
        ),
    );
    assert_eq!(leaked, vec![vec!["0".to_string()]]);

    // The KPI views answer on generated data.
    let hours = sql_rows(
        &scratch.lake,
        "SELECT count(*) > 0 FROM kpi_clearance_hourly WHERE port = 'CGK'",
    );
    assert_eq!(hours, vec![vec!["true".to_string()]]);
}

#[test]
fn ingest_without_a_key_says_how_to_set_one_and_lands_nothing() {
    let scratch = Scratch::folder();
    scratch.generate("2026-10-19", "1", "JOG", "0.05");
    let output = scratch.ingest(None);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("GERBANG_PSEUDONYM_KEY") && stderr.contains("_JOG_20261019_"),
        "{stderr}"
    );
    assert_eq!(
        sql_rows(&scratch.lake, "SELECT count(*) FROM crossings"),
        vec![vec!["0".to_string()]]
    );
}

#[test]
fn bad_sql_is_explained_not_a_panic() {
    let lake = tempfile::tempdir().unwrap();
    let output = gerbang(
        &[
            "sql",
            "--lake",
            &lake.path().to_string_lossy(),
            "SELECT nope FROM crossings",
        ],
        None,
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error:") && stderr.contains("nope"),
        "{stderr}"
    );
}

#[test]
fn kpi_list_shows_every_kpi_with_both_titles_unit_grain_and_target() {
    let out = gerbang_ok(&["kpi", "list"], None);
    for name in [
        "kpi_clearance_hourly",
        "kpi_bottleneck_hours",
        "kpi_bottleneck_episodes",
    ] {
        assert!(out.contains(name), "{name} missing from:\n{out}");
    }
    assert!(out.contains("Jam kemacetan") && out.contains("Bottleneck hours"));
    assert!(out.contains("target:      clearance_p90_target_minutes"));
    assert!(!out.contains("crossing_times"), "helper views are not KPIs");
}

#[test]
fn demo_prepares_a_lake_from_generated_and_real_data_and_a_rerun_lands_nothing_new() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let demo_s = demo.to_string_lossy().into_owned();
    let args = [
        "demo",
        "--dir",
        &demo_s,
        "--days",
        "3",
        "--scale",
        "0.02",
        "--no-serve",
    ];
    let out = gerbang_ok(&args, None);
    assert!(out.contains("[1/3]") && out.contains("demo ready"), "{out}");
    assert!(out.contains("made a demo pseudonymisation key"), "{out}");
    let lake = demo.join("lake");
    let jfk = sql_rows(&lake, "SELECT count(*) FROM wait_hourly WHERE port = 'JFK'");
    assert_eq!(jfk, vec![vec!["28594".to_string()]]);
    let bps = sql_rows(&lake, "SELECT count(*) FROM arrivals_monthly");
    assert_eq!(bps, vec![vec!["2496".to_string()]]);
    let ports = sql_rows(&lake, "SELECT count(DISTINCT port) FROM crossings");
    assert!(ports[0][0].parse::<u32>().unwrap() >= 20, "{ports:?}");

    let again = gerbang_ok(&args, None);
    assert!(again.contains("nothing new to ingest"), "{again}");
    assert!(
        !again.contains("made a demo pseudonymisation key"),
        "the key is kept"
    );
}

#[test]
fn bps_workbook_lands_every_port_month_and_every_declared_total_is_checked() {
    let inbox = tempfile::tempdir().unwrap();
    let lake = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo_file("data/real/bps/foreign-arrivals-by-port-2017-2024.xlsx"),
        inbox.path().join("foreign-arrivals-by-port-2017-2024.xlsx"),
    )
    .unwrap();
    let out = gerbang_ok(
        &[
            "ingest",
            "--inbox",
            &inbox.path().to_string_lossy(),
            "--lake",
            &lake.path().to_string_lossy(),
        ],
        None,
    );
    assert!(
        out.contains("280 rows in = 280 landed + 0 rejected"),
        "{out}"
    );
    let months = sql_rows(
        lake.path(),
        "SELECT count(*), count(DISTINCT port) FROM arrivals_monthly",
    );
    assert_eq!(months, vec![vec!["2496".to_string(), "26".to_string()]]);
    // The national yearly figure is the sum of the monthly port figures.
    let national = sql_rows(
        lake.path(),
        "SELECT n.year, n.total, p.total FROM
           (SELECT year, sum(arrivals) AS total FROM kpi_national_arrivals WHERE port IS NULL GROUP BY year) n
           JOIN (SELECT year, sum(arrivals) AS total FROM arrivals_monthly GROUP BY year) p ON p.year = n.year
         ORDER BY n.year",
    );
    assert_eq!(national.len(), 8);
    assert!(national.iter().all(|r| r[1] == r[2]), "{national:?}");
    let findings = sql_rows(
        lake.path(),
        "SELECT check_name, count(*) FROM quality_findings GROUP BY check_name ORDER BY check_name",
    );
    let expected = [
        ("bps_annual_vs_months", "280"),
        ("bps_group_vs_ports", "1"),
        ("bps_total_vs_groups", "2"),
    ];
    let expected: Vec<Vec<String>> = expected
        .iter()
        .map(|(c, n)| vec![c.to_string(), n.to_string()])
        .collect();
    assert_eq!(findings, expected);
}

/// Regression: `gerbang sql --lake <a path that does not exist>` created an empty folder and
/// printed no rows, as if the lake held no data; a mistyped path looked like a quiet night.
#[test]
fn reading_a_lake_that_does_not_exist_fails_says_to_ingest_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-lake");
    let missing_s = missing.to_string_lossy().into_owned();
    let reads: [&[&str]; 3] = [
        &[
            "sql",
            "--lake",
            &missing_s,
            "SELECT count(*) FROM crossings",
        ],
        &["rollup", "--lake", &missing_s],
        &["serve", "--lake", &missing_s, "--addr", "127.0.0.1:0"],
    ];
    for args in reads {
        let output = exits_within(args, std::time::Duration::from_secs(60));
        assert!(!output.status.success(), "{args:?} succeeded");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("the lake at {missing_s} does not exist"))
                && stderr.contains("gerbang ingest --inbox")
                && !stderr.contains("configuration:"),
            "{args:?}: {stderr}"
        );
        assert!(!missing.exists(), "{args:?} created the lake folder");
    }

    // Ingest creates the lake; from then on it reads, even before anything has landed.
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    gerbang_ok(
        &[
            "ingest",
            "--inbox",
            &inbox.to_string_lossy(),
            "--lake",
            &missing_s,
        ],
        None,
    );
    assert!(missing.is_dir());
    assert_eq!(
        sql_rows(&missing, "SELECT count(*) FROM crossings"),
        vec![vec!["0".to_string()]]
    );
}

/// Runs `gerbang` and waits at most `limit` for it to exit (a server that should have
/// refused to start would otherwise hang the test); kills it and fails after that.
fn exits_within(args: &[&str], limit: std::time::Duration) -> std::process::Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gerbang"))
        .args(args)
        .env_remove("GERBANG_CONFIG")
        .env_remove("GERBANG_LAKE")
        .env_remove("GERBANG_INBOX")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("{args:?} was still running after {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    child.wait_with_output().unwrap()
}
