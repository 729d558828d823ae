//! The `gerbang` command: command-line glue over the `gerbang-*` crates.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use gerbang_dashboard::SignIn;
use gerbang_ingest::config::Config;
use gerbang_ingest::generate::{DEFAULT_FAULT_RATE, FAULTS_FILE, FEEDS, GenerateOptions, generate};
use gerbang_ingest::lake::Lake;
use gerbang_ingest::run::{FileOutcome, IngestOptions, Progress, RunReport, ingest};
use gerbang_query::Warehouse;
use gerbang_query::accounts::Accounts;
use gerbang_query::policy::QueryLimits;
use gerbang_query::rollup::{self, AfterIngest, RollupProgress};
use indicatif::{ProgressBar, ProgressStyle};

mod bench;
mod output;
mod report;
mod schedule;
mod shell;
mod users;

/// Gerbang: one warehouse and dashboard for every agency at Indonesia's entry points.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// Configuration file (pseudonymisation key, port registry). Optional.
    #[arg(long, global = true, env = "GERBANG_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write realistic nightly agency exports (native formats) for demos and tests.
    Generate {
        /// Folder to write into; one sub-folder per night.
        #[arg(long)]
        out: PathBuf,
        /// First night (local date), YYYY-MM-DD.
        #[arg(long)]
        from: NaiveDate,
        /// Number of nights.
        #[arg(long, default_value_t = 7)]
        days: u32,
        /// `all`, or port codes separated by commas (CGK,DPS).
        #[arg(long, default_value = "all")]
        ports: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Volume relative to real traffic (1 = the national volume, about 32 million records a year).
        #[arg(long, default_value_t = 0.1)]
        scale: f64,
        /// Share of records given a realistic fault (malformed, impossible time, unknown
        /// port, duplicate); files get late, re-sent, truncated or wrongly encoded at about
        /// twice this. 0 writes clean exports. Every fault is listed in <out>/_faults.csv.
        #[arg(long, value_name = "RATE", default_value_t = DEFAULT_FAULT_RATE)]
        faults: f64,
    },
    /// Land everything new in an inbox folder into the lake, in one commit, and move what
    /// was dealt with to the inbox's _archive/ folder.
    ///
    /// Exit status: 0 when every file was landed (or had landed before; rejected records are
    /// kept in the rejects table and are not a failure), 3 when the run committed but some
    /// files were not recognised and stay in the inbox, 1 when the run failed and nothing
    /// of it is visible (run it again: it lands the same files), 2 for wrong arguments.
    Ingest {
        /// Folder (or file:// URL) the nightly exports are delivered to.
        #[arg(long)]
        inbox: String,
        /// Lake location: a folder (or file:// URL).
        #[arg(long, env = "GERBANG_LAKE")]
        lake: String,
        /// Leave the files in the inbox instead of moving them to <inbox>/_archive/<run id>/.
        #[arg(long)]
        keep: bool,
    },
    /// Run one SQL query over the lake and print the result.
    Sql {
        #[arg(long, env = "GERBANG_LAKE")]
        lake: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Run as a user of an agency with roles (e.g. customs:analyst): the query sees only
        /// what that agency's sharing policies allow, is read-only and bounded, and is
        /// audited. Without it the query runs with the lake's own (full) access, unaudited.
        #[arg(long = "as", value_name = "AGENCY:ROLE[,ROLE]")]
        as_principal: Option<String>,
        /// The user name the audit records with --as.
        #[arg(long, env = "USER", default_value = "cli")]
        user: String,
        /// Folder of sharing-policy files to use instead of the built-in ones.
        #[arg(long, env = "GERBANG_POLICIES")]
        policies: Option<PathBuf>,
        /// The query, e.g. "SELECT * FROM kpi_bottleneck_episodes LIMIT 10". Without it,
        /// statements are read from standard input: an interactive shell on a terminal (as
        /// `gerbang shell`), a script otherwise (exit status 1 when any statement failed).
        query: Option<String>,
    },
    /// An interactive SQL shell as a user of an agency: line editing and history,
    /// statements ending with `;`, \d to list what the user may see, \d NAME for its
    /// columns, \timing, \q. Ctrl-C stops the running query. Reads a script from standard
    /// input when it is not a terminal (exit status 1 when any statement failed).
    Shell {
        #[arg(long, env = "GERBANG_LAKE")]
        lake: String,
        /// The agency and roles to run as (e.g. customs:analyst): queries see only what the
        /// sharing policies allow, are read-only and bounded, and are audited.
        #[arg(long = "as", value_name = "AGENCY:ROLE[,ROLE]")]
        as_principal: String,
        /// The user name the audit records.
        #[arg(long, env = "USER", default_value = "cli")]
        user: String,
        /// Folder of sharing-policy files to use instead of the built-in ones.
        #[arg(long, env = "GERBANG_POLICIES")]
        policies: Option<PathBuf>,
    },
    /// The sharing policies (data/policies/*.toml).
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// The accounts that may sign in (dashboard, HTTP API, Postgres port).
    User {
        /// The accounts file [default: `[auth] users_file` of the configuration].
        #[arg(long, env = "GERBANG_USERS_FILE", global = true)]
        users_file: Option<PathBuf>,
        #[command(subcommand)]
        command: users::UserCommand,
    },
    /// The KPI library.
    Kpi {
        #[command(subcommand)]
        command: KpiCommand,
    },
    /// Serve the dashboard.
    Serve {
        #[arg(long, env = "GERBANG_LAKE")]
        lake: String,
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Also land this inbox every night (and archive what landed); the dashboard serves
        /// each new version as soon as it is committed. Also `[nightly_ingest]` in the
        /// configuration file.
        #[arg(long, env = "GERBANG_INBOX")]
        inbox: Option<String>,
        /// Local time of day of the nightly ingest [default: 01:30].
        #[arg(long, value_name = "HH:MM", requires = "inbox")]
        ingest_at: Option<String>,
        /// Time zone of --ingest-at, an IANA name [default: Asia/Jakarta].
        #[arg(long, value_name = "ZONE", requires = "inbox")]
        ingest_zone: Option<String>,
        /// Also serve the Postgres wire protocol here (psql, DBeaver, Excel, Grafana), for
        /// the accounts of `[auth] users_file`; also `[postgres] addr` in the configuration.
        #[arg(long, env = "GERBANG_PG_ADDR")]
        pg_addr: Option<SocketAddr>,
    },
    /// Recompute the rollups (hourly traveller counts and wait-time histograms per port and
    /// local date, kept in the lake under _rollups/) that are missing, older than their raw
    /// data, or unreadable, and delete superseded ones. Every ingest run already refreshes
    /// the partitions it touched; this repairs the rest.
    Rollup {
        #[arg(long, env = "GERBANG_LAKE")]
        lake: String,
        /// Recompute every partition, not only the stale ones.
        #[arg(long)]
        all: bool,
    },
    /// MoU review reports: PDF for signing, XLSX annex, HTML, as an agency's user sees them.
    Report {
        #[command(subcommand)]
        command: report::ReportCommand,
    },
    /// Generate 35 nights for every port, ingest them with the real CBP and BPS files, and serve.
    Demo {
        /// Where the demo keeps its inbox, lake and key.
        #[arg(long, default_value = "gerbang-demo")]
        dir: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        #[arg(long, default_value_t = 35)]
        days: u32,
        #[arg(long, default_value_t = 0.1)]
        scale: f64,
        /// Prepare the lake and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Time SQL statements in one process (for tests/bench/suite.py): see src/bench.rs.
    #[command(hide = true)]
    BenchQueries {
        #[arg(long, env = "GERBANG_LAKE")]
        lake: String,
        /// File of `-- name: <name>` lines, each followed by one statement.
        #[arg(long)]
        queries: PathBuf,
        /// Times each statement is run.
        #[arg(long, default_value_t = 3)]
        runs: u32,
        /// Also write the in-memory tables (ports, targets, ingest runs) and every lake
        /// table's schema as Parquet files into this folder.
        #[arg(long)]
        export: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum KpiCommand {
    /// Every KPI with its titles, unit, grain and target.
    List,
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// Check the policy files against the warehouse's tables, views and columns, warn
    /// about grants ending within 30 days, and list what every agency and role sees.
    /// Exit status 1 when a policy does not fit.
    Check {
        /// Folder of policy files [default: the built-in data/policies].
        #[arg(long, env = "GERBANG_POLICIES")]
        policies: Option<PathBuf>,
        /// Check against this lake's catalog instead of the built-in table schemas.
        #[arg(long)]
        lake: Option<String>,
        /// The day to check on [default: today in Jakarta].
        #[arg(long)]
        on: Option<NaiveDate>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Csv,
    Json,
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => match error.downcast_ref::<Unrecognised>() {
            Some(unrecognised) => {
                eprintln!("attention: {unrecognised}");
                std::process::ExitCode::from(3)
            }
            None => {
                eprintln!("error: {}", error_text(&error));
                std::process::ExitCode::FAILURE
            }
        },
    }
}

/// An error and its causes in one line, each cause once: a query error's text already
/// holds the DataFusion errors below it, which `{:#}` would print again after it.
fn error_text(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let part = cause.to_string();
        if text.contains(part.trim()) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

/// A run committed, but some inbox files were not recognised: exit status 3, so that a
/// scheduler can tell "needs a look" from "failed".
#[derive(Debug)]
struct Unrecognised(usize);

impl std::fmt::Display for Unrecognised {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} inbox files were not recognised as any feed and were left in the inbox; \
             rename them to a feed's file-name convention or remove them",
            self.0
        )
    }
}

impl std::error::Error for Unrecognised {}

async fn run(cli: Cli) -> Result<()> {
    let config = match &cli.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    match cli.command {
        Command::Generate {
            out,
            from,
            days,
            ports,
            seed,
            scale,
            faults,
        } => {
            let options = GenerateOptions {
                out_dir: out,
                from,
                days,
                ports: parse_ports(&ports),
                seed,
                scale,
                faults,
            };
            run_generate(&options, &config)?;
        }
        Command::User {
            users_file,
            command,
        } => {
            let path = users::users_file(users_file, &config)?;
            users::run(command, &path)?;
        }
        Command::Ingest { inbox, lake, keep } => {
            let lake = Lake::open(&lake)?;
            let mut options = IngestOptions::new(config.port_registry()?, config.pseudonym_key()?);
            options.archive = !keep;
            let report = run_ingest(&inbox, &lake, &options).await?;
            print_report(&report, true);
            refresh_rollups(&lake, report.version).await;
            if report.unrecognised() > 0 {
                return Err(anyhow::Error::new(Unrecognised(report.unrecognised())));
            }
        }
        Command::Sql {
            lake,
            format,
            as_principal,
            user,
            policies,
            query,
        } => {
            let Some(query) = query else {
                let spec = as_principal.as_deref();
                return run_shell(&lake, &config, spec, &user, policies.as_deref(), format).await;
            };
            let mut warehouse = Warehouse::open(&lake)
                .await?
                .with_query_limits(query_limits(&config)?);
            let batches = match as_principal {
                Some(spec) => {
                    warehouse = with_policies(warehouse, policies.as_deref())?;
                    warehouse = with_configured_mask(warehouse, &config)?;
                    let principal = gerbang_query::policy::Principal::parse(&user, &spec)?;
                    let session = warehouse
                        .session_for(&principal)
                        .await?
                        .with_interface("cli");
                    let answer = session.sql(&query).await;
                    warehouse.flush_audit().await?;
                    answer?.batches
                }
                None => warehouse.sql(&query).await?,
            };
            output::print(&batches, format)?;
        }
        Command::Shell {
            lake,
            as_principal,
            user,
            policies,
        } => {
            let spec = Some(as_principal.as_str());
            run_shell(
                &lake,
                &config,
                spec,
                &user,
                policies.as_deref(),
                Format::Table,
            )
            .await?;
        }
        Command::Policy {
            command: PolicyCommand::Check { policies, lake, on },
        } => {
            let warehouse = match lake {
                Some(lake) => Warehouse::open(&lake).await?,
                None => {
                    let registry = config.port_registry()?;
                    let targets = gerbang_query::targets::MouTargets::embedded();
                    Warehouse::from_tables(Vec::new(), registry, targets).await?
                }
            };
            let warehouse = with_policies(warehouse, policies.as_deref())?;
            let on = on.unwrap_or_else(|| {
                chrono::Utc::now()
                    .with_timezone(&chrono_tz::Asia::Jakarta)
                    .date_naive()
            });
            let report = gerbang_query::policy::report::check(&warehouse, on).await?;
            print!("{report}");
            if !report.is_ok() {
                bail!("the sharing policies do not fit the warehouse");
            }
        }
        Command::Kpi {
            command: KpiCommand::List,
        } => output::print_kpis(&gerbang_query::kpi::library()?),
        Command::Serve {
            lake,
            addr,
            inbox,
            ingest_at,
            ingest_zone,
            pg_addr,
        } => {
            // A server that lands an inbox every night may start before the first run, and
            // creates its lake; one that only reads refuses a lake that is not there.
            if inbox.is_some() || config.nightly_ingest.is_some() {
                Lake::open(&lake)?;
            }
            let warehouse = Arc::new(with_configured_mask(
                Warehouse::open(&lake)
                    .await?
                    .with_query_limits(query_limits(&config)?)
                    .with_rollup_cache_budget(rollup_cache_budget(&config))
                    .with_footer_cache_budget(footer_cache_budget(&config)),
                &config,
            )?);
            let sign_in = sign_in_of(&config)?;
            let configured = config.nightly_ingest.clone();
            let nightly = match (inbox, configured) {
                (Some(inbox), configured) => Some(schedule::NightlyIngest::parse(
                    inbox,
                    ingest_at
                        .as_deref()
                        .or(configured.as_ref().map(|c| c.at.as_str()))
                        .unwrap_or("01:30"),
                    ingest_zone
                        .as_deref()
                        .or(configured.as_ref().map(|c| c.zone.as_str()))
                        .unwrap_or("Asia/Jakarta"),
                )?),
                (None, Some(c)) => Some(schedule::NightlyIngest::parse(c.inbox, &c.at, &c.zone)?),
                (None, None) => None,
            };
            if let Some(job) = nightly {
                let options = IngestOptions::new(config.port_registry()?, config.pseudonym_key()?)
                    .archiving();
                tokio::spawn(schedule::run_nightly(
                    job,
                    Lake::open(&lake)?,
                    options,
                    Arc::clone(&warehouse),
                ));
            }
            if let Some(reports) = &config.reports {
                tokio::spawn(schedule::run_reports(
                    schedule::ScheduledReports::from_config(reports)?,
                    Arc::clone(&warehouse),
                ));
            }
            start_postgres(&config, pg_addr, &warehouse, &sign_in.accounts).await?;
            let reports_out = config.reports.as_ref().map(|r| r.out.clone());
            serve(warehouse, sign_in, reports_out, addr).await?;
        }
        Command::Report { command } => report::run(command, &config).await?,
        Command::Rollup { lake, all } => {
            let lake = Lake::open_existing(&lake)?;
            run_rollup_check(&lake, all).await?;
        }
        Command::BenchQueries {
            lake,
            queries,
            runs,
            export,
        } => bench::run(&lake, &queries, runs, export.as_deref()).await?,
        Command::Demo {
            dir,
            addr,
            days,
            scale,
            no_serve,
        } => {
            let warehouse = prepare_demo(&dir, days, scale, &config)
                .await?
                .with_query_limits(query_limits(&config)?);
            if !no_serve {
                let sign_in = demo_sign_in(&warehouse, &config)?;
                let warehouse = Arc::new(warehouse);
                // The demo's monthly reports: `[reports] out` if configured, otherwise
                // last month's, written now for two agencies' leadership.
                let reports_out = match &config.reports {
                    Some(reports) => reports.out.clone(),
                    None => {
                        let out = dir.join("reports").to_string_lossy().into_owned();
                        let job = schedule::ScheduledReports::demo(&out)?;
                        println!(
                            "writing last month's MoU review reports for Immigration's and \
                             Customs' leadership in the background; /reports lists them when ready"
                        );
                        let warehouse = Arc::clone(&warehouse);
                        tokio::spawn(async move {
                            job.run_once(&warehouse, chrono::Utc::now()).await;
                        });
                        out
                    }
                };
                serve(warehouse, sign_in, Some(reports_out), addr).await?;
            }
        }
    }
    Ok(())
}

/// The warehouse with masked (hashed) values keyed by the configured pseudonymisation key,
/// so that they stay the same from one run or restart to the next. Without a key they hold
/// for the life of the process.
fn with_configured_mask(warehouse: Warehouse, config: &Config) -> Result<Warehouse> {
    Ok(match config.pseudonym_key()? {
        Some(key) => {
            let secret = key.traveller_key("gerbang", "sharing-policy mask");
            warehouse.with_mask_secret(secret.as_bytes())
        }
        None => warehouse,
    })
}

/// The warehouse with the policies of a folder, when one is given.
fn with_policies(warehouse: Warehouse, folder: Option<&Path>) -> Result<Warehouse> {
    Ok(match folder {
        Some(folder) => {
            warehouse.with_policies(gerbang_query::policy::PolicySet::load_dir(folder)?)
        }
        None => warehouse,
    })
}

/// `gerbang shell`, and `gerbang sql` without a query: statements from standard input, as
/// the principal of `spec` (audited as interface `shell`) or with the lake's own access.
async fn run_shell(
    lake: &str,
    config: &Config,
    spec: Option<&str>,
    user: &str,
    policies: Option<&Path>,
    format: Format,
) -> Result<()> {
    let mut warehouse = Warehouse::open(lake)
        .await?
        .with_rollup_cache_budget(rollup_cache_budget(config))
        .with_footer_cache_budget(footer_cache_budget(config));
    let Some(spec) = spec else {
        return shell::run(shell::Runner::Lake(Arc::new(warehouse)), format).await;
    };
    warehouse = with_policies(warehouse, policies)?;
    warehouse = with_configured_mask(warehouse, config)?;
    let principal = gerbang_query::policy::Principal::parse(user, spec)?;
    let session = warehouse
        .session_for(&principal)
        .await?
        .with_interface("shell");
    let result = shell::run(shell::Runner::Session(Box::new(session)), format).await;
    warehouse.flush_audit().await?;
    result
}

fn parse_ports(ports: &str) -> Vec<String> {
    if ports.trim().eq_ignore_ascii_case("all") {
        return Vec::new();
    }
    ports
        .split(',')
        .map(|p| p.trim().to_uppercase())
        .filter(|p| !p.is_empty())
        .collect()
}

fn run_generate(options: &GenerateOptions, config: &Config) -> Result<()> {
    let registry = config.port_registry()?;
    let started = Instant::now();
    let ports = if options.ports.is_empty() {
        registry.iter().filter(|p| !p.benchmark).count()
    } else {
        options.ports.len()
    };
    let bar = bar(
        u64::from(options.days) * ports as u64 * FEEDS.len() as u64,
        "generating",
    );
    let mut records = 0;
    let summary = generate(options, &registry, &mut |file| {
        records += file.records;
        bar.inc(1);
        bar.set_message(format!("{} {} {}", file.port, file.night, file.feed.name()));
    })?;
    bar.finish_and_clear();
    println!(
        "wrote {} files ({records} records) to {} in {:.1}s",
        summary.files.len(),
        options.out_dir.display(),
        started.elapsed().as_secs_f64()
    );
    for feed in FEEDS {
        let files = summary.files.iter().filter(|f| f.feed == feed).count();
        println!(
            "  {:<18} {files:>6} files {:>10} records",
            feed.name(),
            summary.records_of(feed)
        );
    }
    println!(
        "injected {} faults at rate {}, listed in {}",
        summary.faults.len(),
        options.faults,
        options.out_dir.join(FAULTS_FILE).display()
    );
    Ok(())
}

async fn run_ingest(inbox: &str, lake: &Lake, options: &IngestOptions) -> Result<RunReport> {
    let bar = bar(0, "reading");
    let mut name = String::new();
    let report = ingest(inbox, lake, options, &mut |event| match event {
        Progress::Reading {
            index, total, file, ..
        } => {
            bar.set_length(total as u64);
            bar.set_position(index as u64);
            name = file.rsplit('/').next().unwrap_or(file).to_string();
            bar.set_message(name.clone());
        }
        Progress::Converting { done, bytes } => {
            // Only large files take long enough for their own progress to matter.
            if bytes > 64 << 20 {
                bar.set_message(format!("{name} {} of {} MiB", done >> 20, bytes >> 20));
            }
        }
        Progress::Converted(_) => {}
        Progress::Writing { files } => {
            bar.set_message(format!("writing {files} data files and committing"));
        }
    })
    .await?;
    bar.finish_and_clear();
    Ok(report)
}

/// After an ingest run: recomputes the rollups of the partitions it touched and of any
/// left stale before (a crash after an earlier commit). A failure here does not fail the
/// run: its data is committed, and KPIs read the raw data of stale partitions until the
/// next run or `gerbang rollup` writes their rollups.
async fn refresh_rollups(lake: &Lake, version: Option<u64>) {
    let bar = bar(0, "rollups");
    let result = rollup::refresh_after_ingest(lake, version, &mut |event| {
        rollup_progress(&bar, event);
    })
    .await;
    bar.finish_and_clear();
    match result {
        Ok(AfterIngest { touched, healed }) => println!(
            "rollups: refreshed {} partitions ({touched} touched by this run, {healed} found out of date)",
            touched + healed
        ),
        Err(e) => eprintln!(
            "warning: the run is committed but its rollups could not be refreshed ({e}); \
             KPIs read the raw data of those partitions until the next ingest or `gerbang rollup`"
        ),
    }
}

async fn run_rollup_check(lake: &Lake, all: bool) -> Result<()> {
    let started = Instant::now();
    let bar = bar(0, "rollups");
    let summary = rollup::check(lake, all, &mut |event| rollup_progress(&bar, event)).await?;
    bar.finish_and_clear();
    println!(
        "rollups of {}: {} partitions, {} out of date, {} unreadable; refreshed {} in {:.1}s, \
         removed {} superseded objects",
        lake.location(),
        summary.partitions,
        summary.stale,
        summary.unreadable,
        summary.refreshed,
        started.elapsed().as_secs_f64(),
        summary.removed
    );
    Ok(())
}

fn rollup_progress(bar: &ProgressBar, event: RollupProgress<'_>) {
    match event {
        RollupProgress::Planned { partitions } => bar.set_length(partitions as u64),
        RollupProgress::Refreshed { partition } => {
            bar.inc(1);
            bar.set_message(format!("rollups {partition}"));
        }
    }
}

fn bar(length: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(length);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {wide_bar} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar
}

fn print_report(report: &RunReport, every_file: bool) {
    let landed: Vec<_> = report
        .files
        .iter()
        .filter(|f| f.outcome == FileOutcome::Landed)
        .collect();
    if every_file && !landed.is_empty() {
        println!(
            "{:<60} {:>10} {:>10} {:>10} {:>9}",
            "file", "rows in", "landed", "rejected", "findings"
        );
        for file in &landed {
            println!(
                "{:<60} {:>10} {:>10} {:>10} {:>9}",
                file.file, file.rows_in, file.rows_landed, file.rows_rejected, file.findings
            );
        }
    }
    for file in &report.files {
        match &file.outcome {
            FileOutcome::AlreadyLanded { run_id } if every_file => {
                println!("skipped {}: already landed in run {run_id}", file.file);
            }
            FileOutcome::Unrecognised => {
                println!("left in inbox {}: no feed recognises this file", file.file);
            }
            _ => {}
        }
    }
    let (rows_in, rows_landed, rows_rejected) = landed.iter().fold((0, 0, 0), |acc, f| {
        (
            acc.0 + f.rows_in,
            acc.1 + f.rows_landed,
            acc.2 + f.rows_rejected,
        )
    });
    let skipped = report
        .files
        .iter()
        .filter(|f| matches!(f.outcome, FileOutcome::AlreadyLanded { .. }))
        .count();
    let unrecognised = report
        .files
        .iter()
        .filter(|f| f.outcome == FileOutcome::Unrecognised)
        .count();
    match report.version {
        Some(version) => println!(
            "run {} committed lake version {version}: {} files landed, {skipped} skipped as landed before, \
             {unrecognised} not recognised; {rows_in} rows in = {rows_landed} landed + {rows_rejected} rejected{}",
            report.run_id,
            landed.len(),
            if rows_rejected > 0 {
                " (see table rejects)"
            } else {
                ""
            }
        ),
        None => println!(
            "nothing new to ingest: {skipped} files landed before, {unrecognised} not recognised"
        ),
    }
    let archived = report
        .files
        .iter()
        .filter(|f| f.archived_to.is_some())
        .count();
    if archived > 0 {
        println!(
            "moved {archived} files to the inbox's _archive/{}/",
            report.run_id
        );
    }
}

/// Serves the dashboard and its API on `addr` until Ctrl-C (or SIGTERM), lets the requests
/// under way finish, and writes the audit records still in memory to the lake. Its reports
/// page lists the monthly reports written to `reports_out` (a folder or object-store prefix).
async fn serve(
    warehouse: Arc<Warehouse>,
    sign_in: SignIn,
    reports_out: Option<String>,
    addr: SocketAddr,
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
        format!("could not listen on {addr}; is another server using it? pick another with --addr")
    })?;
    let local = listener.local_addr()?;
    println!(
        "Gerbang dashboard: http://{local}/  (lake version {}; Ctrl-C stops it)",
        warehouse.data_version()
    );
    let warming = Arc::clone(&warehouse);
    tokio::spawn(async move { schedule::warm_rollup_cache(&warming, "dashboard").await });
    gerbang_dashboard::serve(
        Arc::clone(&warehouse),
        sign_in,
        reports_out,
        listener,
        stop_requested(),
    )
    .await?;
    let written = warehouse
        .flush_audit()
        .await
        .context("writing the last audit records to the lake")?;
    println!("stopped; wrote the last {written} audit records to the lake");
    Ok(())
}

/// Starts the Postgres wire-protocol port beside the dashboard when `--pg-addr` or
/// `[postgres] addr` asks for one, with TLS when `[postgres] tls_cert` and `tls_key` are
/// set. Its address goes to stderr: the dashboard's URL stays the first line on stdout.
async fn start_postgres(
    config: &Config,
    flag: Option<SocketAddr>,
    warehouse: &Arc<Warehouse>,
    accounts: &Arc<gerbang_query::accounts::Accounts>,
) -> Result<()> {
    let configured = config.postgres.as_ref();
    let addr = match (flag, configured) {
        (Some(addr), _) => addr,
        (None, Some(postgres)) => postgres.addr.parse().with_context(|| {
            format!(
                "[postgres] addr '{}' is not an address such as 127.0.0.1:5433",
                postgres.addr
            )
        })?,
        (None, None) => return Ok(()),
    };
    let tls = match configured.map(|c| (&c.tls_cert, &c.tls_key)) {
        Some((Some(cert), Some(key))) => {
            Some(gerbang_query::pgwire::tls_acceptor(cert, key).map_err(anyhow::Error::msg)?)
        }
        Some((None, None)) | None => None,
        Some(_) => bail!("[postgres] needs both tls_cert and tls_key, or neither"),
    };
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
        format!(
            "could not listen on {addr} for Postgres clients; is another server using it? \
             pick another with --pg-addr"
        )
    })?;
    let local = listener.local_addr()?;
    if tls.is_none() && !local.ip().is_loopback() {
        eprintln!(
            "warning: the Postgres port {local} has no TLS, so passwords cross the network in \
             clear; set [postgres] tls_cert and tls_key"
        );
    }
    let host = if local.ip().is_unspecified() {
        "<this server>".to_string()
    } else {
        local.ip().to_string()
    };
    eprintln!(
        "Gerbang Postgres port: {local}{}  (psql \"host={host} port={} user=<name> dbname=gerbang\")",
        if tls.is_some() { " with TLS" } else { "" },
        local.port()
    );
    tokio::spawn(gerbang_query::pgwire::serve(
        Arc::clone(warehouse),
        Arc::clone(accounts),
        listener,
        tls,
    ));
    Ok(())
}

/// Completes on Ctrl-C, or on SIGTERM (how service managers stop a server).
async fn stop_requested() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// The per-query limits of `[query]` in the configuration, the defaults (60 s, 1024 MiB)
/// for what it leaves out. They bound every query run for a user (dashboard, API, `sql --as`).
fn query_limits(config: &Config) -> Result<QueryLimits> {
    let defaults = QueryLimits::default();
    let configured = config.query.as_ref();
    let seconds = configured.and_then(|q| q.time_limit_seconds);
    let mib = configured.and_then(|q| q.memory_limit_mib);
    if seconds == Some(0) || mib == Some(0) {
        bail!("`[query] time_limit_seconds` and `memory_limit_mib` must be above 0");
    }
    Ok(QueryLimits {
        timeout: seconds.map_or(defaults.timeout, Duration::from_secs),
        memory_bytes: mib.map_or(defaults.memory_bytes, mib_in_bytes),
    })
}

/// The bytes of decoded rollups a long-running process keeps in memory: `[query]
/// rollup_cache_mib`, 512 MiB when not configured, 0 for none.
fn rollup_cache_budget(config: &Config) -> usize {
    let mib = config.query.as_ref().and_then(|q| q.rollup_cache_mib);
    mib.map_or(gerbang_query::rollup::DEFAULT_CACHE_BUDGET, mib_in_bytes)
}

/// The bytes of decoded Parquet footers a long-running process keeps in memory: `[query]
/// footer_cache_mib`, 256 MiB when not configured, 0 for none.
fn footer_cache_budget(config: &Config) -> usize {
    let mib = config.query.as_ref().and_then(|q| q.footer_cache_mib);
    mib.map_or(
        gerbang_query::warehouse::DEFAULT_FOOTER_CACHE_BUDGET,
        mib_in_bytes,
    )
}

/// A size configured in MiB, in bytes (as many as a `usize` holds at the most).
fn mib_in_bytes(mib: u64) -> usize {
    usize::try_from(mib.saturating_mul(1 << 20)).unwrap_or(usize::MAX)
}

/// Who may sign in to `gerbang serve`: the accounts file of `[auth] users_file`, followed
/// while the server runs (see `Accounts::load`). There is no default account: without the
/// file the server does not start.
fn sign_in_of(config: &Config) -> Result<SignIn> {
    let Some(auth) = &config.auth else {
        bail!(
            "gerbang serve needs accounts to sign users in, and none are configured: set \
             `[auth] users_file` in the configuration file (--config or GERBANG_CONFIG) and \
             add users with `gerbang user add <name> --as <agency>:<role>` (`gerbang demo` \
             makes throw-away accounts for a demo instead)"
        );
    };
    let accounts = Accounts::load(&auth.users_file)?;
    if accounts.is_empty() {
        eprintln!(
            "warning: {} has no accounts, so nobody can sign in; add one with `gerbang user add`",
            auth.users_file.display()
        );
    }
    let sign_in = SignIn::new(Arc::new(accounts));
    Ok(match auth.session_hours {
        Some(hours) => sign_in.with_session_hours(hours),
        None => sign_in,
    })
}

/// Throw-away accounts for one demo run: an analyst, a leadership and a data-owner account
/// for every agency with a sharing policy, and an administrator, with random passwords and
/// API tokens, printed here and gone when the demo stops.
fn demo_sign_in(warehouse: &Warehouse, config: &Config) -> Result<SignIn> {
    let agencies: Vec<String> = warehouse
        .policies()?
        .agencies()
        .iter()
        .map(|policy| policy.agency.clone())
        // Gerbang's own reference tables have a policy, but no users of their own.
        .filter(|agency| agency != "gerbang")
        .collect();
    let names: Vec<&str> = agencies.iter().map(String::as_str).collect();
    let (accounts, shown) = Accounts::demo(&names);
    println!(
        "demo accounts (they work only in this demo run; the next run makes new ones):\n  \
         {:<34} {:<22} {:<14} {:<18} API token",
        "user", "agency", "roles", "password"
    );
    for account in &shown {
        println!(
            "  {:<34} {:<22} {:<14} {:<18} {}",
            account.user, account.agency, account.roles, account.password, account.token
        );
    }
    let sign_in = SignIn::new(Arc::new(accounts));
    let hours = config.auth.as_ref().and_then(|auth| auth.session_hours);
    Ok(match hours {
        Some(hours) => sign_in.with_session_hours(hours),
        None => sign_in,
    })
}

/// The real CBP wait-time file shipped in `data/`, landed with every demo.
const DEMO_CBP_FILE: &str = include_str!("../data/real/cbp-awt/JFK-2018.csv");
/// Statistics Indonesia's monthly arrivals workbook shipped in `data/`, landed with every demo.
const DEMO_BPS_FILE: &[u8] =
    include_bytes!("../data/real/bps/foreign-arrivals-by-port-2017-2024.xlsx");

async fn prepare_demo(dir: &Path, days: u32, scale: f64, config: &Config) -> Result<Warehouse> {
    let started = Instant::now();
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(inbox.join("benchmarks"))
        .with_context(|| format!("creating the demo folder {}", dir.display()))?;
    let key = demo_key(dir, config)?;
    let today = chrono::Utc::now().date_naive();
    let from = today - chrono::Days::new(u64::from(days));
    println!(
        "[1/3] generating {days} nights ({from} to {}) for every port at scale {scale}",
        today.pred_opt().unwrap_or(today)
    );
    run_generate(
        &GenerateOptions {
            out_dir: inbox.clone(),
            from,
            days,
            ports: Vec::new(),
            seed: 1,
            scale,
            faults: DEFAULT_FAULT_RATE,
        },
        config,
    )?;
    std::fs::write(inbox.join("benchmarks").join("JFK-2018.csv"), DEMO_CBP_FILE)
        .context("writing the CBP benchmark file into the demo inbox")?;
    std::fs::write(
        inbox
            .join("benchmarks")
            .join("foreign-arrivals-by-port-2017-2024.xlsx"),
        DEMO_BPS_FILE,
    )
    .context("writing the BPS arrivals workbook into the demo inbox")?;
    println!("[2/3] ingesting into {}", dir.join("lake").display());
    let lake_dir = dir.join("lake");
    let lake = Lake::open(&lake_dir.to_string_lossy())?;
    let options = IngestOptions::new(config.port_registry()?, Some(key)).archiving();
    let inbox_text = inbox.to_string_lossy();
    let report = run_ingest(&inbox_text, &lake, &options).await?;
    print_report(&report, false);
    refresh_rollups(&lake, report.version).await;
    println!("[3/3] opening the warehouse");
    let warehouse = Warehouse::open(&lake_dir.to_string_lossy()).await?;
    println!("demo ready in {:.1}s", started.elapsed().as_secs_f64());
    Ok(warehouse)
}

/// The demo's own pseudonymisation key: the configured one, or a random key kept in the
/// demo folder so re-runs give the same pseudonyms. It is never used outside the demo.
fn demo_key(dir: &Path, config: &Config) -> Result<gerbang_ingest::pseudonym::PseudonymKey> {
    if let Some(key) = config.pseudonym_key()? {
        return Ok(key);
    }
    let path = dir.join("demo-pseudonym.key");
    let key = match std::fs::read_to_string(&path) {
        Ok(key) => key,
        Err(_) => {
            let key: String = (0..4)
                .map(|_| format!("{:016x}", rand::random::<u64>()))
                .collect();
            std::fs::write(&path, &key).with_context(|| format!("writing {}", path.display()))?;
            println!(
                "made a demo pseudonymisation key in {} (demo only; production reads GERBANG_PSEUDONYM_KEY)",
                path.display()
            );
            key
        }
    };
    if key.trim().is_empty() {
        bail!(
            "{} is empty; delete it and run the demo again",
            path.display()
        );
    }
    Ok(gerbang_ingest::pseudonym::PseudonymKey::new(&key)?)
}

#[cfg(test)]
mod tests {
    use super::error_text;

    #[test]
    fn an_error_line_names_each_cause_once() {
        let missing = || std::io::Error::other("No field named nationality");
        // A cause whose text the error above it already holds is not repeated.
        let wrapped = anyhow::Error::new(missing())
            .context(format!("Schema error: {}", missing()))
            .context(format!("Schema error: Schema error: {}", missing()));
        assert_eq!(
            error_text(&wrapped),
            "Schema error: Schema error: No field named nationality"
        );
        // Causes that say something new are all kept, outermost first.
        let file = anyhow::Error::new(missing()).context("reading the request file r.json");
        assert_eq!(
            error_text(&file),
            "reading the request file r.json: No field named nationality"
        );
    }
}
