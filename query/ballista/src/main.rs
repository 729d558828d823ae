//! `gerbang-ballista`: Gerbang's SQL on a Ballista cluster, and the cluster's scheduler and
//! executors with Gerbang's SQL functions. An administrator's tool: no sharing policy
//! applies (see the package's README).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use ballista_core::registry::BallistaFunctionRegistry;
use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;
use clap::{Parser, Subcommand};
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::prelude::SessionConfig;
use gerbang_ballista::{Cluster, Functions, lake_runtime, session_state};
use gerbang_ingest::lake::Lake;

#[derive(Debug, Parser)]
#[command(
    name = "gerbang-ballista",
    about = "Gerbang's SQL on an Apache DataFusion Ballista cluster (administrators only: \
             no sharing policy applies)"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs one SQL statement over the lake's tables and KPI views on a cluster and prints
    /// the result as a table.
    Sql {
        /// The lake: a local folder or s3://bucket/prefix (AWS_* variables for S3).
        #[arg(long, env = "GERBANG_LAKE")]
        lake: String,
        /// `standalone` (a scheduler and an executor in this process) or a scheduler,
        /// df://host:50050.
        #[arg(long)]
        scheduler: String,
        /// Says you know that sharing policies, masks and small-count suppression do not
        /// apply here: every row of every table is visible.
        #[arg(long)]
        as_administrator: bool,
        /// The statement.
        sql: String,
    },
    /// Runs a scheduler that knows Gerbang's SQL functions and the lake's object store.
    Scheduler {
        #[arg(long, env = "GERBANG_LAKE")]
        lake: String,
        /// Address to listen on.
        #[arg(long, default_value = "0.0.0.0:50050")]
        bind: SocketAddr,
        /// The name executors and clients reach this scheduler by.
        #[arg(long, default_value = "localhost")]
        external_host: String,
    },
    /// Runs an executor that knows Gerbang's SQL functions and the lake's object store.
    Executor {
        #[arg(long, env = "GERBANG_LAKE")]
        lake: String,
        /// The scheduler, host:port.
        #[arg(long, default_value = "localhost:50050")]
        scheduler: String,
        /// Host to listen on.
        #[arg(long, default_value = "0.0.0.0")]
        bind_host: String,
        /// The name the scheduler and other executors reach this executor by.
        #[arg(long)]
        external_host: Option<String>,
        /// Port of the Arrow Flight service that serves shuffle data.
        #[arg(long, default_value_t = 50051)]
        port: u16,
        /// Port of the gRPC service the scheduler talks to.
        #[arg(long, default_value_t = 50052)]
        grpc_port: u16,
        /// Tasks run at once (0: one per core).
        #[arg(long, default_value_t = 0)]
        vcores: usize,
        /// Folder for shuffle files (a temporary folder when left out).
        #[arg(long)]
        work_dir: Option<String>,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Ballista's own binaries give planning threads a large stack: deep plans (the
        // KPI views nest) recurse far.
        .thread_stack_size(32 * 1024 * 1024)
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: starting the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Sql {
            lake,
            scheduler,
            as_administrator,
            sql,
        } => {
            if !as_administrator {
                bail!(
                    "this path applies no sharing policy, mask or small-count suppression: \
                     every row of every table is visible. It is for administrators; add \
                     --as-administrator to say you are one. Agencies' users query through \
                     `gerbang sql --as agency:role`, the dashboard or the Postgres port."
                );
            }
            let cluster: Cluster = scheduler.parse()?;
            let session = gerbang_ballista::connect(&lake, &cluster)
                .await
                .with_context(|| format!("opening {lake} on the cluster {cluster}"))?;
            let batches = session
                .sql(&sql)
                .await
                .with_context(|| format!("running the query on {cluster}"))?;
            println!("{}", pretty_format_batches(&batches)?);
            Ok(())
        }
        Command::Scheduler {
            lake,
            bind,
            external_host,
        } => {
            let lake = Lake::open_existing(&lake)?;
            let functions = Functions::gerbang().await?;
            let runtime = lake_runtime(&lake)?;
            eprintln!(
                "scheduler for {} on {bind}, with {}",
                lake.location(),
                functions.names().join(", ")
            );
            // Each client session arrives with its own settings; its state gets Gerbang's
            // functions and the lake's store on top.
            let session_builder: ballista_scheduler::scheduler_server::SessionBuilder =
                Arc::new(move |config: SessionConfig| {
                    session_state(config, Arc::clone(&runtime), &functions)
                        .map_err(|e| datafusion::error::DataFusionError::External(Box::new(e)))
                });
            let config = SchedulerConfig {
                external_host,
                bind_host: bind.ip().to_string(),
                bind_port: bind.port(),
                ..SchedulerConfig::default()
            }
            .with_override_session_builder(session_builder);
            let cluster = BallistaCluster::new_from_config(&config)
                .await
                .map_err(ballista_error)?;
            start_server(cluster, bind, Arc::new(config))
                .await
                .map_err(ballista_error)
                .context("running the scheduler")
        }
        Command::Executor {
            lake,
            scheduler,
            bind_host,
            external_host,
            port,
            grpc_port,
            vcores,
            work_dir,
        } => {
            let lake = Lake::open_existing(&lake)?;
            let functions = Functions::gerbang().await?;
            let (scheduler_host, scheduler_port) = scheduler
                .rsplit_once(':')
                .and_then(|(host, port)| Some((host.to_string(), port.parse().ok()?)))
                .with_context(|| format!("--scheduler '{scheduler}' is not host:port"))?;
            let runtime = lake_runtime(&lake)?;
            let registry_state =
                session_state(SessionConfig::new(), Arc::clone(&runtime), &functions)?;
            eprintln!(
                "executor for {} on {bind_host}:{port}, scheduler {scheduler_host}:{scheduler_port}",
                lake.location()
            );
            let config = ExecutorProcessConfig {
                bind_host,
                external_host,
                port,
                grpc_port,
                scheduler_host,
                scheduler_port,
                vcores,
                work_dir,
                override_function_registry: Some(Arc::new(BallistaFunctionRegistry::from(
                    &registry_state,
                ))),
                override_runtime_producer: Some(Arc::new(move |_: &SessionConfig| {
                    Ok(Arc::clone(&runtime))
                })),
                ..ExecutorProcessConfig::default()
            };
            start_executor_process(Arc::new(config))
                .await
                .map_err(ballista_error)
                .context("running the executor")
        }
    }
}

/// Ballista's errors as `anyhow` errors, by their message.
fn ballista_error(error: ballista_core::error::BallistaError) -> anyhow::Error {
    anyhow::anyhow!("{error}")
}
