//! `gerbang-ballista` runs Gerbang's SQL on an Apache DataFusion Ballista cluster, for
//! lakes that outgrow one machine: a scheduler plans each query into stages and executors
//! read the lake's Parquet files straight from the object store.
//!
//! [`connect`] gives a Ballista `SessionContext` with the lake's tables at its current
//! version and the KPI views of `sql/`, defined exactly as in [`gerbang_query::Warehouse`]:
//! - each lake table is a plain DataFusion `ListingTable` over exactly the Parquet files
//!   the commit log names (never a folder listing, which would also see files of a run
//!   that died before committing). Gerbang's own table providers cannot cross to the
//!   executors: Ballista serialises plans, and only DataFusion's own providers have a
//!   serialised form;
//! - the reference tables (`ports`, `mou_targets`, `mou_exchange_targets`, `ingest_runs`)
//!   are copied from a local warehouse over the same lake version into `VALUES` plans,
//!   which travel inside the query plan;
//! - the rollup views read the raw crossings: stored rollups are not used, so the numbers
//!   are exact (and never stale) but long periods cost a scan of every crossing;
//! - Gerbang's SQL functions (`percentile_linear`, `port_local_time`, …) are registered in
//!   the client's session; [`session_state`] and [`Functions`] give a scheduler and its
//!   executors the same (the `gerbang-ballista scheduler` and `executor` commands).
//!
//! It is an administrator's tool and nothing more: Gerbang's sharing policies, masks,
//! small-count suppression, query limits and audit live in `gerbang-query`'s per-user
//! sessions and are **not** applied here. It serves no users and renders nothing.
//!
//! The package lives outside Gerbang's workspace because Ballista needs DataFusion with its
//! default features, which the workspace deliberately leaves off.

use std::str::FromStr;
use std::sync::Arc;

use ballista::prelude::SessionContextExt;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::TableProvider;
use datafusion::common::{DFSchema, ScalarValue};
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::datasource::view::ViewTable;
use datafusion::error::DataFusionError;
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use datafusion::execution::{FunctionRegistry, SessionStateBuilder};
use datafusion::logical_expr::{
    AggregateUDF, EmptyRelation, Expr, LogicalPlan, LogicalPlanBuilder, ScalarUDF, lit,
};
use datafusion::prelude::{SessionConfig, SessionContext};
use gerbang_ingest::lake::{DataFile, Lake};
use gerbang_ingest::reference::PortRegistry;
use gerbang_ingest::schema::Table;
use gerbang_query::Warehouse;
use gerbang_query::targets::MouTargets;

pub use datafusion::execution::SessionState;

/// The tables a warehouse registers from reference data and the commit log rather than
/// from Parquet files; they are copied into the query plans.
const REFERENCE_TABLES: [&str; 4] = [
    "ports",
    "mou_targets",
    "mou_exchange_targets",
    "ingest_runs",
];
/// What the warehouse's rollup views read (see `gerbang_query::rollup`): the crossings of
/// partitions without a fresh rollup, and the fresh stored rollups. Here every partition
/// counts as without one, so the first is every crossing and the others are empty.
const ROLLUP_SOURCE_TABLE: &str = "rollup_source_crossings";
const ROLLUP_STORED_TABLES: [&str; 3] = [
    "rollup_stored_crossings_hourly",
    "rollup_stored_wait_histogram",
    "rollup_stored_wait_histogram_by_port",
];

/// Errors of the Ballista path, each written for the administrator who ran it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The lake could not be opened or read.
    #[error(transparent)]
    Lake(#[from] gerbang_ingest::IngestError),
    /// The local warehouse the definitions come from could not be opened.
    #[error(transparent)]
    Warehouse(#[from] gerbang_query::QueryError),
    /// A KPI view could not be defined on the cluster's session.
    #[error("KPI view {view}: {message}")]
    Definition { view: String, message: String },
    /// The cluster was named wrongly.
    #[error("{0}")]
    Cluster(String),
    /// Planning or running a query failed, on the client or on the cluster.
    #[error("{0}")]
    Sql(#[from] DataFusionError),
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where queries run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cluster {
    /// A scheduler and an executor started inside this process: for tests and for trying
    /// the path on one machine.
    Standalone,
    /// A running scheduler, `df://host:port` (port 50050 when left out).
    Scheduler(String),
}

impl FromStr for Cluster {
    type Err = Error;

    fn from_str(text: &str) -> Result<Cluster> {
        if text == "standalone" {
            return Ok(Cluster::Standalone);
        }
        match text.split_once("://") {
            Some(("df", host)) if !host.is_empty() => Ok(Cluster::Scheduler(text.to_string())),
            _ => Err(Error::Cluster(format!(
                "'{text}' is neither 'standalone' nor a scheduler address like df://host:50050"
            ))),
        }
    }
}

impl std::fmt::Display for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cluster::Standalone => f.write_str("standalone"),
            Cluster::Scheduler(url) => f.write_str(url),
        }
    }
}

/// A Ballista session over one version of a lake.
pub struct ClusterSession {
    context: SessionContext,
    version: u64,
}

impl std::fmt::Debug for ClusterSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterSession")
            .field("session_id", &self.context.session_id())
            .field("version", &self.version)
            .finish()
    }
}

impl ClusterSession {
    /// The Ballista-backed DataFusion session, with the lake's tables and the KPI views.
    pub fn context(&self) -> &SessionContext {
        &self.context
    }

    /// The lake version the tables were registered at.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Runs one SQL statement on the cluster and collects its result.
    pub async fn sql(&self, sql: &str) -> Result<Vec<RecordBatch>> {
        Ok(self.context.sql(sql).await?.collect().await?)
    }
}

/// Opens the lake at `location` (a local folder or `s3://bucket/prefix`) and connects to
/// `cluster`, with the lake's tables at its current version and the KPI views registered.
/// For administrators only: no sharing policy applies to this session.
///
/// # Example
/// ```no_run
/// # async fn demo() -> gerbang_ballista::Result<()> {
/// let cluster = "df://scheduler.internal:50050".parse()?;
/// let session = gerbang_ballista::connect("s3://gerbang-lake/prod", &cluster).await?;
/// let batches = session.sql("SELECT * FROM kpi_service_level_daily").await?;
/// # Ok(()) }
/// ```
pub async fn connect(location: &str, cluster: &Cluster) -> Result<ClusterSession> {
    let lake = Lake::open_existing(location)?;
    // The local warehouse is where the definitions come from: the views, the functions
    // and the reference tables, at the version whose files are registered below.
    let warehouse = Warehouse::open_lake(
        lake.clone(),
        PortRegistry::embedded(),
        MouTargets::embedded(),
    )
    .await?;
    let version = warehouse.data_version();
    let mut snapshot = lake.snapshot().await?;
    // A run that committed since the warehouse opened is left out: commits never change,
    // so the first `version` of them are exactly the warehouse's lake.
    snapshot.commits.retain(|commit| commit.version <= version);

    let state = client_state(&warehouse, &lake)?;
    let context = match cluster {
        Cluster::Standalone => SessionContext::standalone_with_state(state).await?,
        Cluster::Scheduler(url) => SessionContext::remote_with_state(url, state).await?,
    };
    // Ballista's upgrade of the client's state replaces its function lists with its own:
    // Gerbang's go back on top (the in-process scheduler and executor kept them).
    let functions = Functions::of(&warehouse);
    for function in &functions.scalar {
        context.register_udf(function.as_ref().clone());
    }
    for function in &functions.aggregate {
        context.register_udaf(function.as_ref().clone());
    }

    for table in Table::ALL {
        let files: Vec<&DataFile> = snapshot.files(table.name()).collect();
        let provider = committed_files_table(&lake, table.schema(), &files)?;
        if table == Table::Crossings {
            context.register_table(ROLLUP_SOURCE_TABLE, Arc::clone(&provider))?;
        }
        context.register_table(table.name(), provider)?;
    }
    for name in ROLLUP_STORED_TABLES {
        let schema = warehouse.context().table_provider(name).await?.schema();
        context.register_table(name, empty_table(schema)?)?;
    }
    for name in REFERENCE_TABLES {
        let batches = warehouse.sql(&format!("SELECT * FROM {name}")).await?;
        let schema = warehouse.context().table_provider(name).await?.schema();
        context.register_table(name, values_table(schema, &batches)?)?;
    }
    for view in warehouse.views() {
        let statement = format!("CREATE OR REPLACE VIEW {} AS {}", view.name, view.sql);
        context
            .sql(&statement)
            .await
            .map_err(|e| Error::Definition {
                view: view.name.clone(),
                message: e.to_string(),
            })?;
    }
    Ok(ClusterSession { context, version })
}

/// The client's session state: Gerbang's settings (catalog `gerbang.public`, like the
/// warehouse), its SQL functions and the lake's object store.
fn client_state(warehouse: &Warehouse, lake: &Lake) -> Result<SessionState> {
    let config = SessionConfig::new()
        .with_information_schema(true)
        .with_default_catalog_and_schema("gerbang", "public");
    session_state(config, lake_runtime(lake)?, &Functions::of(warehouse))
}

/// A session state for any part of the cluster: `config` (the client's, as a scheduler
/// receives it), `runtime` and Gerbang's functions. A scheduler and its executors must
/// know the same functions and object store as the client, or they cannot read its plans.
pub fn session_state(
    config: SessionConfig,
    runtime: Arc<RuntimeEnv>,
    functions: &Functions,
) -> Result<SessionState> {
    let mut state = SessionStateBuilder::new()
        .with_config(config)
        .with_runtime_env(runtime)
        .with_default_features()
        .build();
    for function in &functions.scalar {
        state.register_udf(Arc::clone(function))?;
    }
    for function in &functions.aggregate {
        state.register_udaf(Arc::clone(function))?;
    }
    Ok(state)
}

/// A runtime with the lake's object store registered (for `s3://` lakes, configured from
/// the `AWS_*` environment variables, as `gerbang` itself does).
pub fn lake_runtime(lake: &Lake) -> Result<Arc<RuntimeEnv>> {
    let runtime = RuntimeEnvBuilder::new().build_arc()?;
    runtime.register_object_store(lake.store_url(), lake.store());
    Ok(runtime)
}

/// The SQL functions Gerbang adds to DataFusion's own (`percentile_linear`,
/// `port_local_time`, …), taken from a warehouse so that the list is never repeated here.
#[derive(Debug, Clone)]
pub struct Functions {
    scalar: Vec<Arc<ScalarUDF>>,
    aggregate: Vec<Arc<AggregateUDF>>,
}

impl Functions {
    /// The functions `warehouse` has beyond those of a plain DataFusion session.
    pub fn of(warehouse: &Warehouse) -> Functions {
        let plain = SessionStateBuilder::new().with_default_features().build();
        let local = warehouse.context().state();
        Functions {
            scalar: local
                .scalar_functions()
                .iter()
                .filter(|(name, _)| !plain.scalar_functions().contains_key(*name))
                .map(|(_, function)| Arc::clone(function))
                .collect(),
            aggregate: local
                .aggregate_functions()
                .iter()
                .filter(|(name, _)| !plain.aggregate_functions().contains_key(*name))
                .map(|(_, function)| Arc::clone(function))
                .collect(),
        }
    }

    /// Gerbang's functions, from a warehouse without data: for schedulers and executors.
    pub async fn gerbang() -> Result<Functions> {
        let warehouse =
            Warehouse::from_tables(Vec::new(), PortRegistry::embedded(), MouTargets::embedded())
                .await?;
        Ok(Functions::of(&warehouse))
    }

    /// Their names, for messages.
    pub fn names(&self) -> Vec<String> {
        let scalar = self.scalar.iter().map(|f| f.name().to_string());
        let aggregate = self.aggregate.iter().map(|f| f.name().to_string());
        let mut names: Vec<String> = scalar.chain(aggregate).collect();
        names.sort();
        names
    }
}

/// A `ListingTable` over exactly `files`: one table path per committed file, so the
/// table never lists a folder (each file costs one `HEAD` when a query is planned).
fn committed_files_table(
    lake: &Lake,
    schema: SchemaRef,
    files: &[&DataFile],
) -> Result<Arc<dyn TableProvider>> {
    if files.is_empty() {
        return empty_table(schema);
    }
    let paths = files
        .iter()
        .map(|file| {
            ListingTableUrl::parse(format!("{}{}", lake.store_url(), lake.path(&file.path)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let options =
        ListingOptions::new(Arc::new(ParquetFormat::default())).with_file_extension(".parquet");
    let config = ListingTableConfig::new_with_multi_paths(paths)
        .with_listing_options(options)
        .with_schema(schema);
    Ok(Arc::new(ListingTable::try_new(config)?))
}

/// A table with `batches` as its rows, as a `VALUES` plan that travels with the query.
fn values_table(schema: SchemaRef, batches: &[RecordBatch]) -> Result<Arc<dyn TableProvider>> {
    let mut rows: Vec<Vec<Expr>> = Vec::new();
    for batch in batches {
        for row in 0..batch.num_rows() {
            let values = batch
                .columns()
                .iter()
                .map(|column| ScalarValue::try_from_array(column, row).map(lit))
                .collect::<Result<Vec<_>, _>>()?;
            rows.push(values);
        }
    }
    if rows.is_empty() {
        return empty_table(schema);
    }
    let df_schema = Arc::new(DFSchema::try_from(Arc::clone(&schema))?);
    let values = LogicalPlanBuilder::values_with_schema(rows, &df_schema)?;
    // `VALUES` names its columns column1, column2, …: give them the table's names.
    let named = values
        .schema()
        .columns()
        .into_iter()
        .zip(schema.fields())
        .map(|(column, field)| Expr::Column(column).alias(field.name()))
        .collect::<Vec<_>>();
    let plan = values.project(named)?.build()?;
    Ok(Arc::new(ViewTable::new(plan, None)))
}

/// A table without rows.
fn empty_table(schema: SchemaRef) -> Result<Arc<dyn TableProvider>> {
    let plan = LogicalPlan::EmptyRelation(EmptyRelation {
        produce_one_row: false,
        schema: Arc::new(DFSchema::try_from(schema)?),
    });
    Ok(Arc::new(ViewTable::new(plan, None)))
}
