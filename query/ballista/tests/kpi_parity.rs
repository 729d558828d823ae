//! The Ballista path gives the KPI numbers the warehouse gives: a small generated lake is
//! landed once, and KPI views are queried through `gerbang_query::Warehouse` on one
//! machine and through a Ballista cluster started in this process (standalone mode).

use std::sync::Arc;

use chrono::NaiveDate;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::Schema;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use gerbang_ballista::{Cluster, connect};
use gerbang_ingest::generate::{GenerateOptions, generate};
use gerbang_ingest::lake::Lake;
use gerbang_ingest::pseudonym::PseudonymKey;
use gerbang_ingest::reference::PortRegistry;
use gerbang_ingest::run::{IngestOptions, ingest};
use gerbang_query::Warehouse;

const KEY: &str = "ballista-test-key-0123456789abcdef0123456789";

/// Generates three nights of two ports (with a few faults, so that `ingest_runs` and the
/// feed-health view have something to say) and lands them with their rollups, as
/// `gerbang ingest` does.
async fn land(lake: &Lake, inbox: &std::path::Path) {
    generate(
        &GenerateOptions {
            out_dir: inbox.to_path_buf(),
            from: NaiveDate::from_ymd_opt(2026, 10, 5).expect("a valid date"),
            days: 3,
            ports: vec!["CGK".to_string(), "DPS".to_string()],
            seed: 11,
            scale: 0.02,
            faults: 0.002,
        },
        &PortRegistry::embedded(),
        &mut |_| {},
    )
    .expect("generate");
    let options = IngestOptions::new(
        PortRegistry::embedded(),
        Some(PseudonymKey::new(KEY).expect("a valid key")),
    );
    let report = ingest(&inbox.to_string_lossy(), lake, &options, &mut |_| {})
        .await
        .expect("ingest");
    gerbang_query::rollup::refresh_after_ingest(lake, report.version, &mut |_| {})
        .await
        .expect("rollups");
}

/// Every row of `batches` as text, sorted: row order is not part of a view's answer, and
/// both engines may split the work differently. Floats are written in Rust's shortest
/// round-trip form, so equal text is equal bits.
fn sorted_rows(batches: &[RecordBatch]) -> Vec<Vec<String>> {
    let options = FormatOptions::default().with_null("NULL");
    let mut rows = Vec::new();
    for batch in batches {
        let formatters: Vec<ArrayFormatter> = batch
            .columns()
            .iter()
            .map(|column| ArrayFormatter::try_new(column.as_ref(), &options).expect("format"))
            .collect();
        for row in 0..batch.num_rows() {
            rows.push(
                formatters
                    .iter()
                    .map(|f| f.value(row).to_string())
                    .collect(),
            );
        }
    }
    rows.sort();
    rows
}

fn columns(schema: &Schema) -> Vec<(String, String)> {
    schema
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kpi_views_agree_locally_and_on_ballista_standalone() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let lake_dir = dir.path().join("lake");
    let lake = Lake::open(&lake_dir.to_string_lossy()).expect("lake");
    land(&lake, &dir.path().join("inbox")).await;

    let warehouse = Warehouse::open(&lake_dir.to_string_lossy())
        .await
        .expect("warehouse");
    let session = connect(&lake_dir.to_string_lossy(), &Cluster::Standalone)
        .await
        .expect("ballista session");
    assert_eq!(session.version(), warehouse.data_version());

    // Clearance percentiles (Gerbang's own aggregate), throughput and the service level
    // read the crossings. Not here yet: `kpi_feed_health` (it reads `ingest_runs`, copied
    // into the plan as VALUES) and `kpi_clearance_daily_rollup` (empty stored rollups)
    // never finish on the standalone cluster; see the README's status.
    for view in [
        "kpi_clearance_hourly",
        "kpi_throughput_hourly",
        "kpi_service_level_daily",
    ] {
        let query = format!("SELECT * FROM {view}");
        let local = warehouse.sql(&query).await.expect("local query");
        let distributed = session.sql(&query).await.expect("Ballista query");
        let local_schema = warehouse
            .context()
            .table(view)
            .await
            .expect("local view")
            .schema()
            .as_arrow()
            .clone();
        let distributed_schema: Arc<Schema> = distributed
            .first()
            .map(RecordBatch::schema)
            .unwrap_or_else(|| Arc::new(local_schema.clone()));
        assert_eq!(
            columns(&distributed_schema),
            columns(&local_schema),
            "{view}: columns"
        );
        let local_rows = sorted_rows(&local);
        assert!(!local_rows.is_empty(), "{view}: the lake gives rows");
        assert_eq!(sorted_rows(&distributed), local_rows, "{view}: rows");
    }
}
