//! Ingest runs: rows in = landed + rejected, idempotence, and refusing personal data
//! without a key.

use gerbang_ingest::lake::Lake;
use gerbang_ingest::pseudonym::PseudonymKey;
use gerbang_ingest::reference::PortRegistry;
use gerbang_ingest::run::{FileOutcome, IngestOptions, ingest};

const KEY: &str = "test-key-0123456789abcdef0123456789";

fn bcm_line(id: &str, port: &str, joined_ms: i64) -> String {
    format!(
        r#"{{"id_transaksi":"{id}","kode_tpi":"{port}","terminal":"T1","loket":"M01","jenis_loket":"manual","arah":"kedatangan","kewarganegaraan":"WNA","negara":"SGP","no_penerbangan":"SQ950","no_paspor":"K{id}","nama":"TEST","waktu_antri":{joined_ms},"waktu_loket":{},"waktu_selesai":{},"hasil":"lolos","i247":{{"status":"OK","waktu_respons_ms":300,"jenis_notice":null}}}}"#,
        joined_ms + 600_000,
        joined_ms + 700_000
    )
}

fn options(key: Option<&str>) -> IngestOptions {
    IngestOptions::new(
        PortRegistry::embedded(),
        key.map(|k| PseudonymKey::new(k).unwrap()),
    )
}

#[tokio::test]
async fn a_file_with_broken_records_lands_the_good_ones_and_explains_the_rest() {
    let inbox = tempfile::tempdir().unwrap();
    let lake_dir = tempfile::tempdir().unwrap();
    let night = inbox.path().join("2026-10-20");
    std::fs::create_dir_all(&night).unwrap();
    let t = 1_760_940_000_000;
    let text = [
        bcm_line("1", "CGK", t),
        "{\"truncated\": ".to_string(),
        bcm_line("2", "ZZZ", t),
        bcm_line("3", "CGK", t + 60_000),
    ]
    .join("\n");
    std::fs::write(night.join("bcm_CGK_20261020.jsonl"), text).unwrap();
    std::fs::write(night.join("notes.txt"), "not a feed").unwrap();
    let lake = Lake::open(&lake_dir.path().to_string_lossy()).unwrap();

    let report = ingest(
        &inbox.path().to_string_lossy(),
        &lake,
        &options(Some(KEY)),
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(report.version, Some(1));
    let bcm = report
        .files
        .iter()
        .find(|f| f.file.ends_with(".jsonl"))
        .unwrap();
    assert_eq!((bcm.rows_in, bcm.rows_landed, bcm.rows_rejected), (4, 2, 2));
    let notes = report
        .files
        .iter()
        .find(|f| f.file.ends_with("notes.txt"))
        .unwrap();
    assert_eq!(notes.outcome, FileOutcome::Unrecognised);

    let snapshot = lake.snapshot().await.unwrap();
    assert_eq!(snapshot.files("crossings").map(|f| f.rows).sum::<u64>(), 2);
    assert_eq!(snapshot.files("rejects").map(|f| f.rows).sum::<u64>(), 2);
    let source = &snapshot.commits[0].sources[0];
    assert_eq!(
        (source.rows_in, source.rows_landed, source.rows_rejected),
        (4, 2, 2)
    );
    assert_eq!(source.sha256.len(), 64);
}

#[tokio::test]
async fn ingesting_the_same_inbox_twice_changes_nothing() {
    let inbox = tempfile::tempdir().unwrap();
    let lake_dir = tempfile::tempdir().unwrap();
    let t = 1_760_940_000_000;
    std::fs::write(
        inbox.path().join("bcm_DPS_20261020.jsonl"),
        bcm_line("9", "DPS", t),
    )
    .unwrap();
    // The same content delivered again under another name lands once; the copy's record
    // is kept as a duplicate reject.
    std::fs::write(
        inbox.path().join("bcm_DPS_20261020_resent.jsonl"),
        bcm_line("9", "DPS", t),
    )
    .unwrap();
    let lake = Lake::open(&lake_dir.path().to_string_lossy()).unwrap();
    let inbox_path = inbox.path().to_string_lossy().into_owned();

    let first = ingest(&inbox_path, &lake, &options(Some(KEY)), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(first.version, Some(1));
    let copy = &first.files[1];
    assert_eq!(
        (copy.rows_in, copy.rows_landed, copy.rows_rejected),
        (1, 0, 1)
    );
    let before = lake.snapshot().await.unwrap();

    let second = ingest(&inbox_path, &lake, &options(Some(KEY)), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(second.version, None);
    assert!(
        second
            .files
            .iter()
            .all(|f| matches!(f.outcome, FileOutcome::AlreadyLanded { .. }))
    );
    let after = lake.snapshot().await.unwrap();
    assert_eq!(before.commits, after.commits);
    assert_eq!(after.files("crossings").map(|f| f.rows).sum::<u64>(), 1);
}

#[tokio::test]
async fn personal_data_without_a_key_is_refused_and_nothing_lands() {
    let inbox = tempfile::tempdir().unwrap();
    let lake_dir = tempfile::tempdir().unwrap();
    std::fs::write(
        inbox.path().join("bcm_CGK_20261020.jsonl"),
        bcm_line("1", "CGK", 1_760_940_000_000),
    )
    .unwrap();
    let lake = Lake::open(&lake_dir.path().to_string_lossy()).unwrap();
    let err = ingest(
        &inbox.path().to_string_lossy(),
        &lake,
        &options(None),
        &mut |_| {},
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("GERBANG_PSEUDONYM_KEY") && err.contains("bcm_CGK_20261020.jsonl"),
        "{err}"
    );
    assert_eq!(lake.snapshot().await.unwrap().version(), 0);
}

async fn run_once(
    inbox: &std::path::Path,
    lake: &Lake,
    archive: bool,
) -> gerbang_ingest::run::RunReport {
    let mut options = options(Some(KEY));
    options.archive = archive;
    ingest(&inbox.to_string_lossy(), lake, &options, &mut |_| {})
        .await
        .unwrap()
}

/// Every reject of the lake as (source file name, record number, reason).
async fn rejects(lake: &Lake) -> Vec<(String, i64, String)> {
    use datafusion::arrow::array::{AsArray, RecordBatch};
    use datafusion::arrow::datatypes::Int64Type;
    use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let snapshot = lake.snapshot().await.unwrap();
    let mut out = Vec::new();
    for file in snapshot.files("rejects") {
        let path = lake.path(&file.path);
        let bytes = std::fs::read(format!("/{path}")).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes))
            .unwrap()
            .build()
            .unwrap();
        for batch in reader {
            let batch: RecordBatch = batch.unwrap();
            let source = batch
                .column_by_name("source_file")
                .unwrap()
                .as_string::<i32>();
            let record = batch
                .column_by_name("record_number")
                .unwrap()
                .as_primitive::<Int64Type>();
            let reason = batch.column_by_name("reason").unwrap().as_string::<i32>();
            for row in 0..batch.num_rows() {
                let name = source.value(row).rsplit('/').next().unwrap().to_string();
                out.push((name, record.value(row), reason.value(row).to_string()));
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn a_resent_file_lands_only_its_new_records_and_says_where_the_others_came_from() {
    let inbox = tempfile::tempdir().unwrap();
    let lake_dir = tempfile::tempdir().unwrap();
    let lake = Lake::open(&lake_dir.path().to_string_lossy()).unwrap();
    let t = 1_760_940_000_000;
    let first = ["1", "2", "3"].map(|id| bcm_line(id, "CGK", t)).join("\n");
    std::fs::write(inbox.path().join("bcm_CGK_20261020.jsonl"), first).unwrap();
    run_once(inbox.path(), &lake, false).await;

    // The agency re-exports the night with one new record; record 4 is also repeated.
    let again = ["2", "3", "4", "4"]
        .map(|id| bcm_line(id, "CGK", t))
        .join("\n");
    std::fs::write(
        inbox.path().join("bcm_CGK_20261020_20261022T010000Z.jsonl"),
        again,
    )
    .unwrap();
    // A second file in the same run repeats record 4 of the first.
    std::fs::write(
        inbox.path().join("bcm_CGK_20261020_20261022T020000Z.jsonl"),
        bcm_line("4", "CGK", t),
    )
    .unwrap();
    let report = run_once(inbox.path(), &lake, false).await;
    let counts: Vec<(u64, u64, u64, u64)> = report
        .files
        .iter()
        .filter(|f| f.outcome == FileOutcome::Landed)
        .map(|f| (f.rows_in, f.rows_landed, f.rows_rejected, f.duplicates))
        .collect();
    assert_eq!(counts, vec![(4, 1, 3, 3), (1, 0, 1, 1)]);

    let snapshot = lake.snapshot().await.unwrap();
    assert_eq!(snapshot.files("crossings").map(|f| f.rows).sum::<u64>(), 4);
    let rejects = rejects(&lake).await;
    let resent = "bcm_CGK_20261020_20261022T010000Z.jsonl";
    assert_eq!(rejects.len(), 4, "{rejects:?}");
    assert_eq!((rejects[0].0.as_str(), rejects[0].1), (resent, 1));
    assert!(rejects[0].2.contains("record_id=1") || rejects[0].2.contains("record_id=2"));
    assert!(
        rejects[0]
            .2
            .contains("already in the lake from an earlier run"),
        "{rejects:?}"
    );
    assert!(
        rejects[2]
            .2
            .contains("already given at record 3 of this file"),
        "{rejects:?}"
    );
    assert!(
        rejects[3].2.contains(&format!(
            "at record 3 of {}",
            inbox.path().join(resent).display()
        )) || rejects[3].2.contains(resent),
        "{rejects:?}"
    );
    // The version stamp and port/night of the names are recorded for feed health.
    let source = snapshot.commits[1]
        .sources
        .iter()
        .find(|s| s.file.ends_with(resent))
        .unwrap();
    assert_eq!(source.port.as_deref(), Some("CGK"));
    assert_eq!(
        source.night.map(|d| d.to_string()).as_deref(),
        Some("2026-10-20")
    );
    assert_eq!(
        source.exported_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-10-22T01:00:00+00:00")
    );
}

#[tokio::test]
async fn a_file_larger_than_a_block_streams_with_right_line_numbers() {
    let inbox = tempfile::tempdir().unwrap();
    let lake_dir = tempfile::tempdir().unwrap();
    let lake = Lake::open(&lake_dir.path().to_string_lossy()).unwrap();
    let t = 1_760_940_000_000;
    // About 12 MiB: more than one 8 MiB block. Every 5,000th line is broken.
    let mut text = String::new();
    let lines = 30_000;
    for n in 1..=lines {
        if n % 5_000 == 0 {
            text.push_str("{\"broken\": tru\n");
        } else {
            text.push_str(&bcm_line(&n.to_string(), "CGK", t + i64::from(n) * 1_000));
            text.push('\n');
        }
    }
    assert!(text.len() > 9 << 20);
    std::fs::write(inbox.path().join("bcm_CGK_20261020.jsonl"), &text).unwrap();
    let report = run_once(inbox.path(), &lake, false).await;
    let file = &report.files[0];
    assert_eq!(
        (file.rows_in, file.rows_landed, file.rows_rejected),
        (30_000, 29_994, 6)
    );
    let lines: Vec<i64> = rejects(&lake).await.iter().map(|r| r.1).collect();
    assert_eq!(lines, vec![5_000, 10_000, 15_000, 20_000, 25_000, 30_000]);
}

#[tokio::test]
async fn archived_files_leave_the_inbox_and_a_late_file_lands_in_its_own_night() {
    let inbox = tempfile::tempdir().unwrap();
    let lake_dir = tempfile::tempdir().unwrap();
    let lake = Lake::open(&lake_dir.path().to_string_lossy()).unwrap();
    // 2026-10-21 08:00 WIB and 2026-10-20 08:00 WIB.
    let night_21 = 1_792_544_400_000;
    let night_20 = night_21 - 86_400_000;
    std::fs::write(
        inbox.path().join("bcm_CGK_20261021.jsonl"),
        bcm_line("21-1", "CGK", night_21),
    )
    .unwrap();
    let first = run_once(inbox.path(), &lake, true).await;
    let archived = first.files[0].archived_to.clone().unwrap();
    assert!(archived.contains(&format!("_archive/{}/bcm_CGK_20261021.jsonl", first.run_id)));
    assert!(!inbox.path().join("bcm_CGK_20261021.jsonl").exists());

    // The night before arrives a day late.
    std::fs::write(
        inbox.path().join("bcm_CGK_20261020_20261022T013000Z.jsonl"),
        bcm_line("20-1", "CGK", night_20),
    )
    .unwrap();
    let late = run_once(inbox.path(), &lake, true).await;
    assert_eq!(late.files.len(), 1, "the archive is not read again");
    let snapshot = lake.snapshot().await.unwrap();
    let mut nights: Vec<String> = snapshot
        .files("crossings")
        .map(|f| f.partition["local_date"].clone())
        .collect();
    nights.sort();
    assert_eq!(nights, vec!["2026-10-20", "2026-10-21"]);

    // A file put back from the archive is recognised as landed and changes nothing.
    std::fs::copy(
        format!("/{archived}"),
        inbox.path().join("bcm_CGK_20261021.jsonl"),
    )
    .unwrap();
    let again = run_once(inbox.path(), &lake, true).await;
    assert_eq!(again.version, None);
    assert!(matches!(
        again.files[0].outcome,
        FileOutcome::AlreadyLanded { .. }
    ));
    assert_eq!(lake.snapshot().await.unwrap().version(), 2);
}
