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
