//! The lake's commit protocol: unreferenced files are invisible, commits cannot collide.

use std::collections::BTreeMap;

use datafusion::arrow::array::RecordBatch;
use gerbang_ingest::IngestError;
use gerbang_ingest::lake::{Commit, Lake, Snapshot};
use gerbang_ingest::schema::Table;

fn empty_commit(run_id: &str) -> Commit {
    Commit {
        version: 0,
        run_id: run_id.to_string(),
        started_at: chrono::Utc::now(),
        finished_at: chrono::Utc::now(),
        sources: vec![],
        files: vec![],
    }
}

#[tokio::test]
async fn data_files_without_a_commit_are_not_part_of_the_lake() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::open(&dir.path().to_string_lossy()).unwrap();
    let batch = RecordBatch::new_empty(Table::Rejects.schema());
    let partition = BTreeMap::from([("run_id".to_string(), "crashed".to_string())]);
    let file = lake
        .write_data_file(
            Table::Rejects,
            partition,
            "part-crashed-00000.parquet",
            &[batch],
        )
        .await
        .unwrap();
    assert!(
        dir.path().join(&file.path).exists(),
        "the data file was written"
    );
    // The run "dies" here, before its commit.
    let snapshot = lake.snapshot().await.unwrap();
    assert_eq!(snapshot.version(), 0);
    assert_eq!(snapshot.files("rejects").count(), 0);
}

#[tokio::test]
async fn two_runs_cannot_commit_the_same_version() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::open(&dir.path().to_string_lossy()).unwrap();
    let base = Snapshot::default();
    let first = lake.commit(empty_commit("one"), &base).await.unwrap();
    assert_eq!(first.version, 1);
    let err = lake.commit(empty_commit("two"), &base).await.unwrap_err();
    assert!(
        matches!(err, IngestError::ConcurrentCommit { version: 1 }),
        "{err}"
    );
    assert!(err.to_string().contains("Run ingest again"));
    let snapshot = lake.snapshot().await.unwrap();
    assert_eq!(snapshot.commits.len(), 1);
    assert_eq!(snapshot.commits[0].run_id, "one");
}

#[tokio::test]
async fn a_damaged_commit_is_reported_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let lake = Lake::open(&dir.path().to_string_lossy()).unwrap();
    lake.commit(empty_commit("one"), &Snapshot::default())
        .await
        .unwrap();
    let log = dir
        .path()
        .join("_gerbang_log")
        .join(format!("{:020}.json", 1));
    std::fs::write(&log, b"{ not json").unwrap();
    let err = lake.snapshot().await.unwrap_err().to_string();
    assert!(
        err.contains("damaged") && err.contains("00000000000000000001.json"),
        "{err}"
    );
}

#[test]
fn an_object_store_this_build_cannot_reach_is_refused_plainly() {
    let err = Lake::open("gs://bucket/lake").unwrap_err().to_string();
    assert!(
        err.contains("S3-compatible") && err.contains("gs://"),
        "{err}"
    );
}
