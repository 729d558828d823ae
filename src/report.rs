//! `gerbang report mou`: an MoU review report from the command line, as a user of an
//! agency sees it (`--as`), or as an administrator named after `$USER`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use gerbang_dashboard::report::{
    self, Format, Progress, Report, ReportError, Request, RequestRecord, parse_lang,
};
use gerbang_ingest::config::Config;
use gerbang_query::Warehouse;
use gerbang_query::policy::{Principal, Role};

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// A period's KPIs against the MoU targets: PDF for signing, XLSX annex, HTML page.
    ///
    /// Every number comes from the KPI views through the sharing policies of the user
    /// the report is made for: a section they may not see is left out, and the report
    /// says why. The files are named mou-<period>-<lang>-<fingerprint>.<format>, next to
    /// a <name>.request.json that records everything needed to make the report again
    /// (--request). Exit status 1 with a message for a bad period, port, agency or format.
    Mou(MouArgs),
}

#[derive(Debug, Args)]
pub struct MouArgs {
    #[arg(long, env = "GERBANG_LAKE")]
    lake: String,
    /// A calendar month, YYYY-MM.
    #[arg(long, conflicts_with_all = ["from", "to", "request"], required_unless_present_any = ["from", "request"])]
    period: Option<String>,
    /// First local date of the period, YYYY-MM-DD (with --to).
    #[arg(long, requires = "to", conflicts_with = "request")]
    from: Option<NaiveDate>,
    /// Last local date of the period, included.
    #[arg(long, requires = "from", conflicts_with = "request")]
    to: Option<NaiveDate>,
    /// Port codes separated by commas, or all (every Indonesian entry point).
    #[arg(long, default_value = "all", conflicts_with = "request")]
    ports: String,
    /// Agencies whose KPIs to cover, separated by commas, or all.
    #[arg(long, default_value = "all", conflicts_with = "request")]
    agencies: String,
    /// id (Bahasa Indonesia) or en (English).
    #[arg(long, default_value = "id", conflicts_with = "request")]
    lang: String,
    /// Any of pdf, xlsx, html, separated by commas.
    #[arg(long, default_value = "pdf,xlsx,html")]
    format: String,
    /// Folder (or s3://bucket/prefix) the files are written to.
    #[arg(long)]
    out: String,
    /// Make the report as a user of an agency with roles (e.g. customs:leadership). Without
    /// it the report is made for an administrator named after $USER.
    #[arg(
        long = "as",
        value_name = "AGENCY:ROLE[,ROLE]",
        conflicts_with = "request"
    )]
    as_principal: Option<String>,
    /// The user name the report and the audit record.
    #[arg(long, env = "USER", default_value = "cli")]
    user: String,
    /// Folder of sharing-policy files to use instead of the built-in ones.
    #[arg(long, env = "GERBANG_POLICIES")]
    policies: Option<PathBuf>,
    /// Make a written report again from its <name>.request.json: the same request for the
    /// same principal. Says whether the fingerprint is the same, and if not, which part
    /// (data, targets, definitions, access) changed.
    #[arg(long, value_name = "FILE")]
    request: Option<PathBuf>,
}

pub async fn run(command: ReportCommand, config: &Config) -> Result<()> {
    match command {
        ReportCommand::Mou(args) => mou(args, config).await,
    }
}

async fn mou(args: MouArgs, config: &Config) -> Result<()> {
    let formats = Format::parse_list(&args.format)?;
    let previous: Option<RequestRecord> = match &args.request {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the request file {}", path.display()))?;
            Some(report::read_request(&text)?)
        }
        None => None,
    };
    let (request, principal) = match &previous {
        Some(record) => (record.request.clone(), record.principal()?),
        None => {
            let lang = parse_lang(&args.lang)?;
            let request = match (&args.period, args.from, args.to) {
                (Some(period), _, _) => Request::month(period, lang)?,
                (None, Some(from), Some(to)) => Request::between(from, to, lang)?,
                _ => bail!("give the period as --period YYYY-MM or as --from and --to"),
            };
            let request = request
                .with_ports(&args.ports)?
                .with_agencies(&args.agencies)?;
            let principal = match &args.as_principal {
                Some(spec) => Principal::parse(&args.user, spec)?,
                None => Principal::new(args.user.clone(), "gerbang", [Role::Administrator]),
            };
            (request, principal)
        }
    };
    let mut warehouse = Warehouse::open(&args.lake).await?;
    if let Some(folder) = &args.policies {
        warehouse = warehouse.with_policies(gerbang_query::policy::PolicySet::load_dir(folder)?);
    }
    warehouse = crate::with_configured_mask(warehouse, config)?;
    let built = build_with_bar(&warehouse, &principal, &request).await;
    warehouse.flush_audit().await?;
    let built = built?;
    let written = report::write(&args.out, &built, &formats).await?;
    println!(
        "MoU review report {} for {principal}: {} sections, {} left out",
        built.period_text,
        built.sections.len(),
        built.left_out.len()
    );
    for item in &built.left_out {
        println!("  left out {}: {}", item.title, item.reason);
    }
    println!("fingerprint {}", built.fingerprint.hex);
    for file in &written {
        println!("wrote {}/{file}", args.out.trim_end_matches('/'));
    }
    if let Some(record) = previous {
        let (was, now) = (&record.fingerprint, &built.fingerprint);
        if was.hex == now.hex {
            println!("same fingerprint as the report of {}", record.generated_at);
        } else {
            let changed: Vec<&str> = [
                ("data", &was.data, &now.data),
                ("targets", &was.targets, &now.targets),
                ("definitions", &was.definitions, &now.definitions),
                ("request", &was.request, &now.request),
                ("access", &was.access, &now.access),
            ]
            .into_iter()
            .filter(|(_, a, b)| a != b)
            .map(|(part, _, _)| part)
            .collect();
            println!(
                "the fingerprint differs from the report of {} (lake version {} then, {} now): \
                 changed {}",
                record.generated_at,
                record.lake_version,
                built.provenance.lake_version,
                changed.join(", ")
            );
        }
    }
    Ok(())
}

/// Builds the report with a progress bar on the terminal (a month of every port takes a
/// while): one step per section.
async fn build_with_bar(
    warehouse: &Warehouse,
    principal: &Principal,
    request: &Request,
) -> Result<Report, ReportError> {
    let session = warehouse
        .session_for(principal)
        .await?
        .with_interface("report");
    let progress = Arc::new(Progress::default());
    let bar = crate::bar(Progress::STEPS as u64, "report sections gathered");
    let ticker = {
        let (bar, progress) = (bar.clone(), Arc::clone(&progress));
        tokio::spawn(async move {
            loop {
                bar.set_position(progress.done() as u64);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };
    let built = report::build_tracked(warehouse, &session, request, &progress).await;
    ticker.abort();
    bar.finish_and_clear();
    built
}
