//! Rollups on generated nights: the KPIs read from rollups agree with the raw data, a
//! later run recomputes only the partitions it touched, and a missing or damaged rollup
//! object is rebuilt by `gerbang rollup` (and a missing one by the next ingest).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::{KEY, Scratch, gerbang_ok, sql_rows, stdout_of};

/// Every rollup object below the lake: path below `_rollups/` → (size, modified).
fn rollup_objects(lake: &Path) -> BTreeMap<String, (u64, std::time::SystemTime)> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, (u64, std::time::SystemTime)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                let meta = std::fs::metadata(&path).unwrap();
                let relative = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(relative, (meta.len(), meta.modified().unwrap()));
            }
        }
    }
    let root = lake.join("_rollups");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

/// The one object of a rollup table's partition.
fn object_of(lake: &Path, table: &str, port: &str, date: &str) -> PathBuf {
    let dir = lake
        .join("_rollups")
        .join(table)
        .join(format!("port={port}"))
        .join(format!("local_date={date}"));
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

fn number(text: &str) -> f64 {
    text.parse()
        .unwrap_or_else(|_| panic!("'{text}' is not a number"))
}

fn single(lake: &Path, query: &str) -> String {
    sql_rows(lake, query)[0][0].clone()
}

const MEASURES: [&str; 3] = ["clearance", "queue_wait", "processing"];

/// The raw-path percentiles and means of `crossing_times`, grouped by `group`.
fn raw_columns() -> String {
    let mut columns = Vec::new();
    for measure in MEASURES {
        for (name, p) in [("p50", 0.5), ("p90", 0.9), ("p95", 0.95)] {
            columns.push(format!(
                "percentile_linear({measure}_minutes, {p}) AS {measure}_{name}"
            ));
        }
        columns.push(format!("avg({measure}_minutes) AS {measure}_mean"));
    }
    columns.join(", ")
}

/// Per port and period, travellers and the twelve figures from both paths; asserts
/// travellers and means agree exactly (to rounding), percentiles within one minute.
/// Returns the number of rows compared and the largest percentile gap.
fn compare_periods(lake: &Path, rollup_view: &str, period: &str, raw_period: &str) -> (usize, f64) {
    let mut figures = vec!["r.travellers".to_string(), "x.travellers".to_string()];
    for measure in MEASURES {
        for stat in ["p50", "p90", "p95", "mean"] {
            figures.push(format!("r.{measure}_{stat}"));
            figures.push(format!("x.{measure}_{stat}"));
        }
    }
    let query = format!(
        "SELECT r.port, CAST(r.{period} AS VARCHAR) AS period, {} \
         FROM {rollup_view} r \
         FULL JOIN (SELECT port, {raw_period} AS {period}, count(*) AS travellers, {} \
                    FROM crossing_times GROUP BY port, {raw_period}) x \
           ON x.port = r.port AND x.{period} = r.{period} \
         ORDER BY 1, 2",
        figures.join(", "),
        raw_columns()
    );
    let rows = sql_rows(lake, &query);
    let mut worst: f64 = 0.0;
    for row in &rows {
        let context = format!("{rollup_view} {} {}", row[0], row[1]);
        assert_eq!(row[2], row[3], "travellers of {context}");
        for (index, pair) in row[4..].chunks(2).enumerate() {
            let name = format!(
                "{}_{}",
                MEASURES[index / 4],
                ["p50", "p90", "p95", "mean"][index % 4]
            );
            let (rolled, raw) = (number(&pair[0]), number(&pair[1]));
            let gap = (rolled - raw).abs();
            if index % 4 == 3 {
                assert!(
                    gap <= 1e-9 * raw.abs().max(1.0),
                    "{name} of {context}: rollup {rolled} vs raw {raw}"
                );
            } else {
                worst = worst.max(gap);
                assert!(
                    gap <= 1.0,
                    "{name} of {context}: rollup {rolled} vs raw {raw}, more than a minute apart"
                );
            }
        }
    }
    (rows.len(), worst)
}

/// The rollup path against the raw path: travellers per port, day and hour; clearance,
/// queue wait and processing percentiles and means per port and day and per port and
/// week; bottleneck hours per port and day.
fn assert_rollups_agree_with_raw(lake: &Path) {
    let hours = single(
        lake,
        "SELECT count(*) FROM (SELECT port, local_date, local_hour, count(*) FROM crossings \
         GROUP BY 1, 2, 3)",
    );
    assert!(number(&hours) > 100.0, "{hours} hours of data");
    let differing_hours = sql_rows(
        lake,
        "SELECT r.port, r.local_date, r.local_hour, r.n, x.n \
         FROM (SELECT port, local_date, local_hour, sum(travellers) AS n \
               FROM rollup_crossings_hourly GROUP BY 1, 2, 3) r \
         FULL JOIN (SELECT port, local_date, local_hour, count(*) AS n FROM crossings \
                    GROUP BY 1, 2, 3) x \
           ON x.port = r.port AND x.local_date = r.local_date AND x.local_hour = r.local_hour \
         WHERE r.n IS DISTINCT FROM x.n",
    );
    assert!(differing_hours.is_empty(), "{differing_hours:?}");

    // The port-wide histograms hold the traveller groups' histograms summed, row for row.
    let groups_summed = "SELECT port, local_date, local_hour, hour_start, measure, bucket, \
                                sum(travellers) AS travellers, min(min_minutes) AS low, \
                                max(max_minutes) AS high \
                         FROM rollup_wait_histogram GROUP BY 1, 2, 3, 4, 5, 6";
    let port_wide = "SELECT port, local_date, local_hour, hour_start, measure, bucket, \
                            travellers, min_minutes, max_minutes FROM rollup_wait_histogram_by_port";
    let port_rows = sql_rows(
        lake,
        "SELECT count(*), sum(travellers) = (SELECT sum(travellers) \
                                             FROM rollup_wait_histogram) \
         FROM rollup_wait_histogram_by_port",
    );
    assert!(
        number(&port_rows[0][0]) > 0.0 && port_rows[0][1] == "true",
        "{port_rows:?}"
    );
    let missing = sql_rows(lake, &format!("{groups_summed} EXCEPT ALL {port_wide}"));
    let extra = sql_rows(lake, &format!("{port_wide} EXCEPT ALL {groups_summed}"));
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{missing:?} {extra:?}"
    );

    let (days, worst_day) = compare_periods(
        lake,
        "kpi_clearance_daily_rollup",
        "local_date",
        "local_date",
    );
    let (weeks, worst_week) = compare_periods(
        lake,
        "kpi_clearance_weekly_rollup",
        "week_start",
        "CAST(date_trunc('week', local_date) AS DATE)",
    );
    eprintln!(
        "rollup vs raw: {days} port-days (largest percentile gap {worst_day:.4} min), \
         {weeks} port-weeks (largest gap {worst_week:.4} min)"
    );
    assert!(days >= 9 && weeks >= 3, "{days} days, {weeks} weeks");

    let bottlenecks = sql_rows(
        lake,
        "SELECT coalesce(r.port, x.port), CAST(coalesce(r.local_date, x.local_date) AS VARCHAR), \
                coalesce(r.bottleneck_hours, 0), coalesce(x.hours, 0) \
         FROM kpi_clearance_daily_rollup r \
         FULL JOIN (SELECT port, local_date, \
                           sum(CASE WHEN is_bottleneck THEN 1 ELSE 0 END) AS hours \
                    FROM kpi_bottleneck_hours WHERE source = 'events' AND terminal IS NULL \
                    GROUP BY 1, 2) x \
           ON x.port = r.port AND x.local_date = r.local_date \
         ORDER BY 1, 2",
    );
    let mut total = 0.0;
    for row in &bottlenecks {
        assert_eq!(row[2], row[3], "bottleneck hours of {} {}", row[0], row[1]);
        total += number(&row[2]);
    }
    eprintln!("bottleneck hours, both paths: {total}");
    assert!(
        total > 0.0,
        "the generated nights have bottleneck hours to compare"
    );
}

/// How many crossings the warehouse computes from raw because their rollups are stale.
fn read_from_raw(lake: &Path) -> String {
    single(lake, "SELECT count(*) FROM rollup_source_crossings")
}

/// A late correction file for CGK's night of 2 October: five of its travellers again,
/// under record ids the agency had not sent before.
fn write_late_file(scratch: &Scratch) {
    let night = scratch.inbox.join("2026-10-02");
    let original = std::fs::read_dir(&night)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("bcm_CGK_20261002"))
        })
        .unwrap();
    let text = std::fs::read_to_string(original).unwrap();
    let late: String = text
        .lines()
        .take(5)
        .map(|line| {
            assert!(line.contains("\"CGK-20261002-"), "{line}");
            format!(
                "{}\n",
                line.replace("\"CGK-20261002-", "\"CGK-20261002-LATE-")
            )
        })
        .collect();
    std::fs::write(night.join("bcm_CGK_20261002_20261004T030000Z.jsonl"), late).unwrap();
}

#[test]
fn rollups_agree_with_raw_data_refresh_only_touched_partitions_and_heal() {
    let scratch = Scratch::folder();
    scratch.generate("2026-10-01", "3", "CGK,DPS,JYP", "0.05");
    let first = stdout_of(scratch.ingest(Some(KEY)));
    assert!(
        first.contains(
            "rollups: refreshed 9 partitions (9 touched by this run, 0 found out of date)"
        ),
        "{first}"
    );
    let lake = &scratch.lake;
    assert_eq!(
        read_from_raw(lake),
        "0",
        "every partition reads its stored rollup"
    );
    for stored in [
        "rollup_stored_wait_histogram",
        "rollup_stored_wait_histogram_by_port",
    ] {
        let rows = single(lake, &format!("SELECT count(*) FROM {stored}"));
        assert!(number(&rows) > 0.0, "{stored}: {rows} rows");
    }
    assert_rollups_agree_with_raw(lake);

    // A late correction file for a night already landed, and a new night at another port.
    let before = rollup_objects(lake);
    write_late_file(&scratch);
    scratch.generate("2026-10-04", "1", "JYP", "0.05");
    let second = stdout_of(scratch.ingest(Some(KEY)));
    assert!(
        second.contains(
            "rollups: refreshed 2 partitions (2 touched by this run, 0 found out of date)"
        ),
        "{second}"
    );
    let after = rollup_objects(lake);
    let touched = [
        "port=CGK/local_date=2026-10-02",
        "port=JYP/local_date=2026-10-04",
    ];
    for (path, stamp) in &before {
        if touched.iter().any(|t| path.contains(t)) {
            assert!(
                !after.contains_key(path),
                "{path} was superseded and removed"
            );
        } else {
            assert_eq!(after.get(path), Some(stamp), "{path} was left as it was");
        }
    }
    let new: Vec<&String> = after.keys().filter(|p| !before.contains_key(*p)).collect();
    assert_eq!(
        new.len(),
        6,
        "three rollups for each touched partition: {new:?}"
    );
    assert!(
        new.iter().all(|p| touched.iter().any(|t| p.contains(t))),
        "{new:?}"
    );
    assert_eq!(
        single(
            lake,
            "SELECT sum(travellers) FROM rollup_crossings_hourly \
             WHERE port = 'CGK' AND local_date = DATE '2026-10-02'"
        ),
        single(
            lake,
            "SELECT count(*) FROM crossings WHERE port = 'CGK' AND local_date = DATE '2026-10-02'"
        )
    );
    assert_eq!(read_from_raw(lake), "0");
    assert_rollups_agree_with_raw(lake);

    // A deleted rollup object: the warehouse computes that partition from raw, so the KPIs
    // still agree, and `gerbang rollup` writes it again. A damaged one is found by reading
    // its footer and rebuilt.
    let deleted = object_of(lake, "crossings_hourly", "DPS", "2026-10-01");
    std::fs::remove_file(&deleted).unwrap();
    let dps_day = single(
        lake,
        "SELECT count(*) FROM crossings WHERE port = 'DPS' AND local_date = DATE '2026-10-01'",
    );
    assert_eq!(read_from_raw(lake), dps_day);
    assert_rollups_agree_with_raw(lake);
    // An object left behind by a refresh that died between writing a partition's new
    // rollup and deleting the old one: its name does not match the partition's files, so
    // it is never read (no traveller is counted twice) and the full check deletes it.
    let fresh = object_of(lake, "crossings_hourly", "DPS", "2026-10-02");
    let leftover = fresh.with_file_name("part-0000000000000000.parquet");
    std::fs::copy(&fresh, &leftover).unwrap();
    assert_rollups_agree_with_raw(lake);
    let damaged = object_of(lake, "wait_histogram", "JYP", "2026-10-03");
    std::fs::write(&damaged, b"not a parquet file").unwrap();
    let lake_arg = scratch.lake_arg();
    let healed = gerbang_ok(&["rollup", "--lake", &lake_arg], None);
    assert!(
        healed.contains("10 partitions, 1 out of date, 1 unreadable; refreshed 2")
            && healed.contains("removed 1 superseded objects"),
        "{healed}"
    );
    assert!(!leftover.exists() && fresh.exists());
    assert!(
        deleted.exists(),
        "rewritten under the same name: same source files"
    );
    assert_ne!(std::fs::read(&damaged).unwrap(), b"not a parquet file");
    assert_eq!(read_from_raw(lake), "0");
    assert_rollups_agree_with_raw(lake);
    let clean = gerbang_ok(&["rollup", "--lake", &lake_arg], None);
    assert!(
        clean.contains("10 partitions, 0 out of date, 0 unreadable; refreshed 0"),
        "{clean}"
    );

    // The next ingest run heals a missing rollup even when it lands nothing new.
    std::fs::remove_file(object_of(lake, "wait_histogram", "CGK", "2026-10-03")).unwrap();
    let third = stdout_of(scratch.ingest(Some(KEY)));
    assert!(third.contains("nothing new to ingest"), "{third}");
    assert!(
        third.contains(
            "rollups: refreshed 1 partitions (0 touched by this run, 1 found out of date)"
        ),
        "{third}"
    );
    assert_eq!(read_from_raw(lake), "0");

    let all = gerbang_ok(&["rollup", "--lake", &lake_arg, "--all"], None);
    assert!(all.contains("refreshed 10 in"), "{all}");
    assert_rollups_agree_with_raw(lake);
}
