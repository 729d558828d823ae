//! Deterministic generator of the Immigration BCM nightly export (JSON lines), calibrated
//! to the real public data in `data/real/`.
//!
//! For every Indonesian entry point and every local night it writes
//! `<out_dir>/<YYYY-MM-DD>/bcm_<PORT>_<YYYYMMDD>.jsonl`: one traveller per line, Indonesian
//! field names, times as UTC epoch milliseconds, holding exactly the travellers whose
//! queue-join time (`waktu_antri`) falls on that local date in the port's own time zone.
//!
//! - Volumes: BPS monthly foreign arrivals per port (latest year in the embedded workbook)
//!   ÷ days in the month × 2.7 (foreign + citizen arrivals, departures mirroring them)
//!   × `scale`, with Poisson noise and a weekday pattern.
//! - Shape of the day and of queue waits: the CBP JFK 2018 hourly wait-time export (hourly
//!   passenger shares; wait buckets), with busy hours pushing waits up so that big ports
//!   see a few bottleneck hours a week and small ports almost none.
//! - Determinism: every port-night draws from its own ChaCha8 stream seeded by
//!   (seed, port, date), so one port or one night generated alone is byte-identical to the
//!   same file inside a full run.
//!
//! Files are written through a `BufWriter` to `<name>.partial` and renamed when complete,
//! so an interrupted run never leaves a truncated file under the final name.

mod calibration;
mod day;
mod people;
mod profile;
mod rng;

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, Days, NaiveDate};

use crate::reference::{Port, PortRegistry};
use day::RunParams;
use profile::PortPlan;

/// Largest accepted `scale`: beyond this a single port-day no longer fits comfortably in
/// memory for sorting.
pub const MAX_SCALE: f64 = 100.0;

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
    /// Volume multiplier: 1.0 is the real national volume (about 32 million records a year).
    pub scale: f64,
}

/// What was written, in generation order (night by night, port by port).
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateSummary {
    pub files: Vec<GeneratedFile>,
}

impl GenerateSummary {
    /// Total records over all files.
    pub fn records(&self) -> u64 {
        self.files.iter().map(|f| f.records).sum()
    }
}

/// One written export file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub port: String,
    /// The local date whose travellers the file holds.
    pub night: NaiveDate,
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
        "port {code} ({name}, {country}) is a benchmark port; the BCM generator only writes \
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

/// Generates the BCM exports described by `options`, calling `progress` after each file.
pub fn generate(
    options: &GenerateOptions,
    ports: &PortRegistry,
    progress: &mut dyn FnMut(&GeneratedFile),
) -> Result<GenerateSummary, GenerateError> {
    validate(options)?;
    let nights = nights(options)?;
    let selected = select_ports(options, ports)?;
    let cal = calibration::get()?;
    let plans = selected
        .iter()
        .map(|p| PortPlan::new(p, cal))
        .collect::<Result<Vec<_>, _>>()?;
    let wait_buckets =
        rng::Weighted::new(cal.wait_buckets).ok_or_else(|| GenerateError::Calibration {
            source_name: calibration::CBP_SOURCE,
            detail: "the wait buckets are all zero".to_string(),
        })?;
    let params = RunParams {
        seed: options.seed,
        scale: options.scale,
    };

    let mut files = Vec::with_capacity(nights.len() * plans.len());
    for night in nights {
        let folder = options.out_dir.join(night.format("%Y-%m-%d").to_string());
        fs::create_dir_all(&folder).map_err(|source| GenerateError::CreateDir {
            path: folder.clone(),
            source,
        })?;
        for plan in &plans {
            let file = write_night(plan, &wait_buckets, params, night, &folder)?;
            progress(&file);
            files.push(file);
        }
    }
    Ok(GenerateSummary { files })
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

/// The file name of a port's export for a night.
pub fn file_name(port: &str, night: NaiveDate) -> String {
    format!("bcm_{port}_{}.jsonl", night.format("%Y%m%d"))
}

fn write_night(
    plan: &PortPlan,
    wait_buckets: &rng::Weighted,
    params: RunParams,
    night: NaiveDate,
    folder: &Path,
) -> Result<GeneratedFile, GenerateError> {
    let path = folder.join(file_name(&plan.code, night));
    let day = day::simulate(plan, wait_buckets, params, night).ok_or_else(|| {
        GenerateError::LocalDay {
            code: plan.code.clone(),
            night,
            zone: plan.zone.name().to_string(),
        }
    })?;
    let mut partial_name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    partial_name.push(".partial");
    let partial = path.with_file_name(partial_name);

    let result = (|| -> std::io::Result<u64> {
        let mut out = BufWriter::with_capacity(1 << 18, File::create(&partial)?);
        let records = day::write_day(plan, night, &day, &mut out)?;
        out.flush()?;
        drop(out);
        fs::rename(&partial, &path)?;
        Ok(records)
    })();
    match result {
        Ok(records) => {
            debug_assert_eq!(records as usize, day.len());
            Ok(GeneratedFile {
                path,
                port: plan.code.clone(),
                night,
                records,
            })
        }
        Err(source) => {
            // Best effort: the error being reported is the write failure, not this.
            let _ = fs::remove_file(&partial);
            Err(GenerateError::Write { path, source })
        }
    }
}

#[cfg(test)]
mod tests;
