//! Deterministic generator of every agency's nightly export, in each agency's native
//! format, calibrated to the real public data in `data/real/`, consistent across agencies,
//! with realistic faults injected at a configurable rate.
//!
//! For every Indonesian entry point and every local night it writes, into
//! `<out_dir>/<YYYY-MM-DD>/`, one file per feed named
//! `<prefix>_<PORT>_<YYYYMMDD>_<YYYYMMDDTHHMMSSZ>.<ext>` (the last part is the UTC time
//! the agency's system exported it, normally in the small hours after the night):
//! - `bcm_…jsonl` Immigration BCM: one traveller per line, epoch milliseconds, holding
//!   exactly the travellers whose queue-join time falls on that local date (`day.rs`);
//! - `bc_…csv` Customs inspections, semicolon CSV, local `dd/mm/yyyy` (`customs.rs`);
//! - `kkp_…xlsx` Health Quarantine hourly counts, a workbook (`quarantine.rs`);
//! - `polri_…json` Police incidents and joint operations, one document (`police.rs`);
//! - `otoritas_…csv` the authority's arriving flights, vessels or buses, UTC (`authority.rs`);
//! - `bus_…jsonl` the integration bus's messages, RFC 3339 UTC (`bus.rs`).
//!
//! The formats are the ones documented in `crate::feeds`. The exports tell one story:
//! the authority's arrivals are the flights BCM's arriving travellers came on (`intl_pax`
//! is their count), Customs inspects some of those travellers after their clearance under
//! the same passport, Quarantine counts them per hour, the bus carries each flight's
//! manifest before it lands, the police log a wanted-list match for every detention after
//! a red notice, and while a joint operation runs the terminal's immigration throughput
//! drops. Each agency's clock is off from Immigration's by a small constant skew per port.
//!
//! - Volumes: BPS monthly foreign arrivals per port (latest year in the embedded workbook)
//!   ÷ days in the month × 2.7 (foreign + citizen arrivals, departures mirroring them)
//!   × `scale`, with Poisson noise and a weekday pattern. Flights keep their realistic
//!   number below scale 1 and carry a scaled sample of their passengers.
//! - Shape of the day and of queue waits: the CBP JFK 2018 hourly wait-time export (hourly
//!   passenger shares; wait buckets), with busy hours pushing waits up so that big ports
//!   see a few bottleneck hours a week and small ports almost none.
//! - Faults (`faults.rs`): with probability `faults` per record a malformed line, an
//!   impossible time, an unknown port code or a duplicate; with about twice that per file a
//!   late, re-sent, truncated or wrongly encoded file. Every one is listed in
//!   `<out_dir>/_faults.csv` (feed, file, record number, kind, detail: this run's faults;
//!   a later run into the same folder replaces the list); with `faults` 0 the files are
//!   clean and the list has only its header.
//! - Determinism: every port-night-feed draws from its own ChaCha8 streams seeded by
//!   (seed, port, date, purpose), so one port or one night generated alone is
//!   byte-identical to the same file inside a full run.
//!
//! Files are written through a `BufWriter` to `<name>.partial` and renamed when complete,
//! so an interrupted run never leaves a truncated file under the final name (only the
//! truncated-file fault does that, on purpose).

mod authority;
mod bus;
mod calibration;
mod customs;
mod day;
mod faults;
mod format;
mod people;
mod police;
mod profile;
mod quarantine;
mod rng;

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, Days, NaiveDate};

use crate::feeds::Feed;
use crate::reference::{Port, PortRegistry};
use day::{Day, RunParams};
pub use faults::{FAULTS_FILE, InjectedFault};
use faults::{FileFault, LINE_FAULTS, LineSink, LineStyle, Noted, RecordFault, RecordFaults};
use police::Operation;
use profile::PortPlan;
use rng::Key;

/// Largest accepted `scale`: beyond this a single port-day no longer fits comfortably in
/// memory for sorting.
pub const MAX_SCALE: f64 = 100.0;

/// The fault rate the command line uses unless told otherwise: a handful of bad records
/// per thousand files' worth, and about a dozen bad files in a 35-night demo.
pub const DEFAULT_FAULT_RATE: f64 = 0.001;

/// The feeds written for every port and night, in writing order.
pub const FEEDS: [Feed; 6] = [
    Feed::Bcm,
    Feed::Customs,
    Feed::Quarantine,
    Feed::Police,
    Feed::Authority,
    Feed::Bus,
];

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateOptions {
    /// Root folder; one sub-folder per local night is created inside it.
    pub out_dir: PathBuf,
    /// First local night to generate.
    pub from: NaiveDate,
    /// Number of consecutive nights (at least 1).
    pub days: u32,
    /// Port codes to generate; empty means every Indonesian (non-benchmark) port.
    pub ports: Vec<String>,
    /// Seed: the same options give byte-identical files.
    pub seed: u64,
    /// Volume multiplier: 1.0 is the real national volume (about 32 million BCM records a
    /// year).
    pub scale: f64,
    /// Fault rate, 0 to 1: the probability that a record is faulty (a file gets a
    /// whole-file fault at about twice this). 0 writes clean exports.
    pub faults: f64,
}

/// What was written, in generation order (night by night, port by port, feed by feed).
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateSummary {
    pub files: Vec<GeneratedFile>,
    /// Every fault injected, as listed in [`FAULTS_FILE`].
    pub faults: Vec<InjectedFault>,
}

impl GenerateSummary {
    /// Total records over all files.
    pub fn records(&self) -> u64 {
        self.files.iter().map(|f| f.records).sum()
    }

    /// Records in the files of one feed.
    pub fn records_of(&self, feed: Feed) -> u64 {
        self.files
            .iter()
            .filter(|f| f.feed == feed)
            .map(|f| f.records)
            .sum()
    }
}

/// One written export file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub feed: Feed,
    pub port: String,
    /// The local date whose records the file holds.
    pub night: NaiveDate,
    /// Records written: lines (the header not counted), sheet rows (the TOTAL row not
    /// counted), or incidents and operations; faulty ones included.
    pub records: u64,
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error(
        "unknown port code `{code}`: it is not in the port registry (data/ports.csv). \
         Indonesian ports the generator can write: {known}"
    )]
    UnknownPort { code: String, known: String },

    #[error(
        "port {code} ({name}, {country}) is a benchmark port; the generator only writes \
         Indonesian entry points. Remove {code} from the port list"
    )]
    BenchmarkPort {
        code: String,
        name: String,
        country: String,
    },

    #[error(
        "port {code} has no Statistics Indonesia name (bps_name) in data/ports.csv, so its \
         daily volume cannot be calibrated. Add its BPS name there or leave {code} out"
    )]
    NoBpsName { code: String },

    #[error(
        "port {code}: the embedded BPS workbook ({source_name}) has no row named `{bps_name}` \
         for {year}. Check the spelling of bps_name for {code} in data/ports.csv"
    )]
    NoBpsRow {
        code: String,
        bps_name: String,
        year: i32,
        source_name: &'static str,
    },

    #[error("invalid generator options: {0}")]
    InvalidOptions(String),

    #[error(
        "port {code}: the local day {night} cannot be placed in UTC in time zone {zone}; \
         check the zone in data/ports.csv"
    )]
    LocalDay {
        code: String,
        night: NaiveDate,
        zone: String,
    },

    #[error(
        "the embedded calibration data ({source_name}) could not be used: {detail}. This is a \
         problem with the build, not with your options"
    )]
    Calibration {
        source_name: &'static str,
        detail: String,
    },

    #[error("could not create the output folder {}: {source}. Check that the output directory is writable", .path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("could not write {}: {source}. Check free disk space and permissions; the partial file was removed", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Generates the exports described by `options`, calling `progress` after each file.
pub fn generate(
    options: &GenerateOptions,
    ports: &PortRegistry,
    progress: &mut dyn FnMut(&GeneratedFile),
) -> Result<GenerateSummary, GenerateError> {
    validate(options)?;
    let nights = nights(options)?;
    let selected = select_ports(options, ports)?;
    let cal = calibration::get()?;
    let setups = selected
        .iter()
        .map(|p| {
            Ok(PortSetup {
                plan: PortPlan::new(p, cal)?,
                unknown_port: faults::unknown_port_code(&p.code, |c| ports.get(c).is_some()),
                clocks: Clocks::new(options.seed, &p.code),
            })
        })
        .collect::<Result<Vec<_>, GenerateError>>()?;
    let wait_buckets =
        rng::Weighted::new(cal.wait_buckets).ok_or_else(|| GenerateError::Calibration {
            source_name: calibration::CBP_SOURCE,
            detail: "the wait buckets are all zero".to_string(),
        })?;
    let params = RunParams {
        seed: options.seed,
        scale: options.scale,
    };

    let mut output = Output {
        options,
        folders: BTreeSet::new(),
        files: Vec::with_capacity(nights.len() * setups.len() * FEEDS.len()),
        faults: Vec::new(),
        progress,
    };
    // Each port's previous day, kept for Customs (its night holds inspections of travellers
    // cleared late the night before).
    let mut previous: Vec<Option<Day>> = setups.iter().map(|_| None).collect();
    for night in nights {
        for (setup, kept) in setups.iter().zip(previous.iter_mut()) {
            let yesterday = night
                .pred_opt()
                .ok_or_else(|| local_day_error(&setup.plan, night))?;
            let before = match kept.take() {
                Some(day) if day.date == yesterday => day,
                _ => simulate(setup, &wait_buckets, params, yesterday)?.1,
            };
            let (ops, day) = simulate(setup, &wait_buckets, params, night)?;
            let context = Night {
                plan: &setup.plan,
                seed: options.seed,
                scale: options.scale,
                day: &day,
                previous: &before,
                ops: &ops,
                clocks: setup.clocks,
                unknown_port: &setup.unknown_port,
            };
            for feed in FEEDS {
                output.feed(&context, feed)?;
            }
            *kept = Some(day);
        }
    }
    output.write_fault_list()?;
    Ok(GenerateSummary {
        files: output.files,
        faults: output.faults,
    })
}

fn validate(options: &GenerateOptions) -> Result<(), GenerateError> {
    if options.days == 0 {
        return Err(GenerateError::InvalidOptions(
            "days is 0; ask for at least one night".to_string(),
        ));
    }
    if !options.scale.is_finite() || options.scale < 0.0 || options.scale > MAX_SCALE {
        return Err(GenerateError::InvalidOptions(format!(
            "scale {} is out of range; use a number from 0 to {MAX_SCALE} (1.0 = real national volume)",
            options.scale
        )));
    }
    if !(0.0..=1.0).contains(&options.faults) {
        return Err(GenerateError::InvalidOptions(format!(
            "faults {} is out of range; use a rate from 0 (clean exports) to 1 (the default is \
             {DEFAULT_FAULT_RATE})",
            options.faults
        )));
    }
    Ok(())
}

fn nights(options: &GenerateOptions) -> Result<Vec<NaiveDate>, GenerateError> {
    (0..options.days)
        .map(|d| {
            options
                .from
                .checked_add_days(Days::new(u64::from(d)))
                .filter(|n| n.year() <= 9999)
                .ok_or_else(|| {
                    GenerateError::InvalidOptions(format!(
                        "{} nights from {} run past the year 9999",
                        options.days, options.from
                    ))
                })
        })
        .collect()
}

fn select_ports<'a>(
    options: &GenerateOptions,
    registry: &'a PortRegistry,
) -> Result<Vec<&'a Port>, GenerateError> {
    if options.ports.is_empty() {
        return Ok(registry.iter().filter(|p| !p.benchmark).collect());
    }
    let mut selected: Vec<&Port> = Vec::with_capacity(options.ports.len());
    for code in &options.ports {
        let trimmed = code.trim();
        let port = registry
            .get(trimmed)
            .or_else(|| registry.get(&trimmed.to_uppercase()))
            .ok_or_else(|| GenerateError::UnknownPort {
                code: code.clone(),
                known: registry
                    .iter()
                    .filter(|p| !p.benchmark)
                    .map(|p| p.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        if port.benchmark {
            return Err(GenerateError::BenchmarkPort {
                code: port.code.clone(),
                name: port.name.clone(),
                country: port.country.clone(),
            });
        }
        if !selected.iter().any(|p| p.code == port.code) {
            selected.push(port);
        }
    }
    Ok(selected)
}

/// What the generator holds for one port across the run.
#[derive(Debug)]
struct PortSetup {
    plan: PortPlan,
    /// A port code the registry does not know, for unknown-port faults.
    unknown_port: String,
    clocks: Clocks,
}

/// How far each agency system's clock at a port is off from Immigration's (the reference),
/// in milliseconds: seconds to a couple of minutes, either way, constant for the port.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clocks {
    pub(crate) customs: i64,
    pub(crate) police: i64,
    pub(crate) authority: i64,
    pub(crate) bus: i64,
}

impl Clocks {
    fn new(seed: u64, port: &str) -> Clocks {
        let skew = |agency: &str| {
            let mut rng = Key::new(seed).str("clock").str(port).str(agency).chacha();
            let seconds = rng::lognormal(&mut rng, 25.0, 0.9).clamp(2.0, 150.0);
            let sign = if rng::unit(&mut rng) < 0.5 { -1.0 } else { 1.0 };
            (sign * seconds * 1_000.0).round() as i64
        };
        Clocks {
            customs: skew("customs"),
            police: skew("police"),
            authority: skew("authority"),
            bus: skew("bus"),
        }
    }
}

/// Everything the feed writers need about one port and night.
#[derive(Debug)]
pub(crate) struct Night<'a> {
    pub(crate) plan: &'a PortPlan,
    pub(crate) seed: u64,
    pub(crate) scale: f64,
    pub(crate) day: &'a Day,
    /// The day before, for what spills over midnight.
    pub(crate) previous: &'a Day,
    pub(crate) ops: &'a [Operation],
    pub(crate) clocks: Clocks,
    pub(crate) unknown_port: &'a str,
}

impl Night<'_> {
    pub(crate) fn date(&self) -> NaiveDate {
        self.day.date
    }

    /// The seed of a random stream for one purpose on this port and night.
    pub(crate) fn key(&self, purpose: &str) -> Key {
        Key::new(self.seed)
            .str(purpose)
            .str(&self.plan.code)
            .date(self.date())
    }
}

/// A whole document (workbook, police JSON) as written, with what it holds.
#[derive(Debug)]
pub(crate) struct Document {
    pub(crate) bytes: Vec<u8>,
    pub(crate) records: u64,
    pub(crate) noted: Vec<Noted>,
}

fn local_day_error(plan: &PortPlan, night: NaiveDate) -> GenerateError {
    GenerateError::LocalDay {
        code: plan.code.clone(),
        night,
        zone: plan.zone.name().to_string(),
    }
}

/// A port's day: its joint operations, then the day they shape.
fn simulate(
    setup: &PortSetup,
    wait_buckets: &rng::Weighted,
    params: RunParams,
    date: NaiveDate,
) -> Result<(Vec<Operation>, Day), GenerateError> {
    let plan = &setup.plan;
    let (_, day_len) =
        day::day_bounds(plan.zone, date).ok_or_else(|| local_day_error(plan, date))?;
    let ops = police::plan_operations(plan, params.seed, date, day_len);
    let day = day::simulate(plan, wait_buckets, params, date, &ops)
        .ok_or_else(|| local_day_error(plan, date))?;
    Ok((ops, day))
}

/// Minutes after the local midnight that ends the night within which each agency's
/// system exports it: the authority and the bus just after midnight, Immigration soon
/// after, Customs and the police in the small hours, Quarantine's clerk in the morning.
fn export_window(feed: Feed) -> (f64, f64) {
    match feed {
        Feed::Authority => (5.0, 40.0),
        Feed::Bus => (10.0, 50.0),
        Feed::Bcm => (20.0, 60.0),
        Feed::Customs => (60.0, 150.0),
        Feed::Police => (60.0, 180.0),
        _ => (390.0, 510.0),
    }
}

/// The record faults a feed's files can carry.
fn record_fault_kinds(feed: Feed) -> &'static [RecordFault] {
    match feed {
        Feed::Police => police::POLICE_FAULTS,
        Feed::Quarantine => quarantine::QUARANTINE_FAULTS,
        _ => LINE_FAULTS,
    }
}

/// The file name of a port's export of a feed for a night, exported at `exported_ms`.
pub fn file_name(feed: Feed, port: &str, night: NaiveDate, exported_ms: i64) -> Option<String> {
    let (prefix, extension) = feed.nightly_file()?;
    Some(format!(
        "{prefix}_{port}_{}_{}.{extension}",
        format::ymd(night),
        format::utc_stamp(exported_ms)
    ))
}

/// Where the files go, and what has been written.
struct Output<'a> {
    options: &'a GenerateOptions,
    /// Night folders already created.
    folders: BTreeSet<NaiveDate>,
    files: Vec<GeneratedFile>,
    faults: Vec<InjectedFault>,
    progress: &'a mut dyn FnMut(&GeneratedFile),
}

impl std::fmt::Debug for Output<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output")
            .field("out_dir", &self.options.out_dir)
            .field("files", &self.files.len())
            .field("faults", &self.faults.len())
            .finish()
    }
}

impl Output<'_> {
    /// The folder of a night's deliveries, created on first use.
    fn folder(&mut self, night: NaiveDate) -> Result<PathBuf, GenerateError> {
        let folder = self
            .options
            .out_dir
            .join(night.format("%Y-%m-%d").to_string());
        if self.folders.insert(night) {
            fs::create_dir_all(&folder).map_err(|source| GenerateError::CreateDir {
                path: folder.clone(),
                source,
            })?;
        }
        Ok(folder)
    }

    fn written(&mut self, file: GeneratedFile) {
        (self.progress)(&file);
        self.files.push(file);
    }

    fn note(&mut self, feed: Feed, file: &str, noted: Noted) {
        self.faults.push(InjectedFault {
            feed,
            file: file.to_string(),
            record_number: noted.record_number,
            kind: noted.kind,
            detail: noted.detail,
        });
    }

    /// Writes one feed's export of a port's night, with its faults.
    fn feed(&mut self, night: &Night<'_>, feed: Feed) -> Result<(), GenerateError> {
        let (plan, date) = (night.plan, night.date());
        let (prefix, _) = feed.nightly_file().unwrap_or(("", ""));
        let key = night.key("faults").str(prefix);
        let rate = self.options.faults;
        let file_fault = faults::file_fault(key.str("file"), rate, feed);
        let record_faults = RecordFaults::new(key.str("records"), rate, record_fault_kinds(feed));

        let (from, to) = export_window(feed);
        let mut rng = night.key("export").str(prefix).chacha();
        let night_end = night.day.day_start_ms + night.day.day_len_ms;
        let usual =
            night_end + (rng::uniform(&mut rng, from, to) * 60_000.0) as i64 / 1_000 * 1_000;
        let (delivered, exported) = match file_fault {
            Some(FileFault::Late { days, extra_ms }) => (
                date.checked_add_days(Days::new(u64::from(days)))
                    .unwrap_or(date),
                usual + i64::from(days) * 86_400_000 + extra_ms / 1_000 * 1_000,
            ),
            _ => (date, usual),
        };
        let name = file_name(feed, &plan.code, date, exported).unwrap_or_default();
        let path = self.folder(delivered)?.join(&name);
        let relative = format!("{}/{name}", delivered.format("%Y-%m-%d"));
        let (truncate, encoding) = match file_fault {
            Some(FileFault::Truncated { at }) => (Some(at), None),
            Some(FileFault::Encoding { at }) => (None, Some(at)),
            _ => (None, None),
        };
        let (records, noted) = write_atomically(&path, |out| {
            render(
                night,
                feed,
                exported,
                record_faults,
                truncate,
                encoding,
                out,
            )
        })?;
        self.written(GeneratedFile {
            path: path.clone(),
            feed,
            port: plan.code.clone(),
            night: date,
            records,
        });
        // A re-sent copy repeats the original's faulty records.
        let repeated: Vec<Noted> = match file_fault {
            Some(FileFault::Resent { .. }) => noted.clone(),
            _ => Vec::new(),
        };
        for n in noted {
            self.note(feed, &relative, n);
        }
        match file_fault {
            Some(FileFault::Late { days, .. }) => self.note(
                feed,
                &relative,
                Noted {
                    record_number: None,
                    kind: "late",
                    detail: format!(
                        "covers the night of {date} but was exported at {} ({days} days \
                         later than usual) and delivered with the night of {delivered}",
                        format::utc_seconds(exported)
                    ),
                },
            ),
            Some(FileFault::Resent { after_ms }) => {
                let again = exported + after_ms / 1_000 * 1_000;
                // Delivered with the night whose usual exports go out that morning.
                let with = format::local_date(plan.zone, again)
                    .pred_opt()
                    .unwrap_or(date)
                    .max(date);
                let name = file_name(feed, &plan.code, date, again).unwrap_or_default();
                let copy = self.folder(with)?.join(&name);
                let copy_relative = format!("{}/{name}", with.format("%Y-%m-%d"));
                write_atomically(&copy, |out| out.write_all(&fs::read(&path)?))?;
                self.written(GeneratedFile {
                    path: copy,
                    feed,
                    port: plan.code.clone(),
                    night: date,
                    records,
                });
                for n in repeated {
                    self.note(feed, &copy_relative, n);
                }
                self.note(
                    feed,
                    &copy_relative,
                    Noted {
                        record_number: None,
                        kind: "resent",
                        detail: format!(
                            "the same records as {relative}, sent again {:.1} hours later",
                            after_ms as f64 / 3_600_000.0
                        ),
                    },
                );
            }
            _ => {}
        }
        Ok(())
    }

    /// Writes [`FAULTS_FILE`]: every injected fault, by file and record.
    fn write_fault_list(&mut self) -> Result<(), GenerateError> {
        self.faults.sort_by(|a, b| {
            (&a.file, a.record_number, a.kind).cmp(&(&b.file, b.record_number, b.kind))
        });
        let out_dir = &self.options.out_dir;
        fs::create_dir_all(out_dir).map_err(|source| GenerateError::CreateDir {
            path: out_dir.clone(),
            source,
        })?;
        let faults = &self.faults;
        write_atomically(&out_dir.join(FAULTS_FILE), |out| {
            let mut csv = csv::Writer::from_writer(out);
            csv.write_record(["feed", "file", "record_number", "kind", "detail"])?;
            for f in faults {
                let number = f.record_number.map(|n| n.to_string()).unwrap_or_default();
                csv.write_record([f.feed.name(), &f.file, &number, f.kind, &f.detail])?;
            }
            csv.flush()
        })
    }
}

/// Writes one export's content; returns its record count and the faults noted in it.
fn render(
    night: &Night<'_>,
    feed: Feed,
    exported: i64,
    mut record_faults: RecordFaults,
    truncate: Option<f64>,
    encoding: Option<f64>,
    out: &mut BufWriter<File>,
) -> io::Result<(u64, Vec<Noted>)> {
    let document = match feed {
        Feed::Quarantine => Some(
            quarantine::write_quarantine(night, exported, &mut record_faults, truncate)
                .map_err(io::Error::other)?,
        ),
        Feed::Police => Some(
            police::write_police(night, exported, &mut record_faults, truncate)
                .map_err(io::Error::other)?,
        ),
        _ => None,
    };
    if let Some(document) = document {
        out.write_all(&document.bytes)?;
        return Ok((document.records, document.noted));
    }
    let style = match feed {
        Feed::Customs => LineStyle::Csv(b';'),
        Feed::Authority => LineStyle::Csv(b','),
        _ => LineStyle::Json,
    };
    let mut sink = LineSink::new(out, style, record_faults, truncate);
    let mut noted = Vec::new();
    match feed {
        Feed::Bcm => {
            let n = night.day.recs.len();
            sink.expect_records(n);
            let at = encoding
                .filter(|_| n > 0)
                .map(|at| ((at * n as f64) as usize).min(n - 1));
            noted.extend(day::write_day(
                night.plan,
                night.day,
                &mut sink,
                at,
                night.unknown_port,
            )?);
        }
        Feed::Customs => customs::write_customs(night, &mut sink)?,
        Feed::Authority => authority::write_authority(night, &mut sink)?,
        _ => bus::write_bus(night, &mut sink)?,
    }
    let (_, result) = sink.finish()?;
    noted.extend(result.noted);
    Ok((result.records, noted))
}

/// Writes `path` through `<path>.partial`, renamed when complete; the partial file is
/// removed if writing fails.
fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<T>,
) -> Result<T, GenerateError> {
    let mut partial_name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    partial_name.push(".partial");
    let partial = path.with_file_name(partial_name);
    let result = (|| -> io::Result<T> {
        let mut out = BufWriter::with_capacity(1 << 18, File::create(&partial)?);
        let value = write(&mut out)?;
        out.flush()?;
        drop(out);
        fs::rename(&partial, path)?;
        Ok(value)
    })();
    result.map_err(|source| {
        // Best effort: the error being reported is the write failure, not this.
        let _ = fs::remove_file(&partial);
        GenerateError::Write {
            path: path.to_path_buf(),
            source,
        }
    })
}

#[cfg(test)]
mod tests;
