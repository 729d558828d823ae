//! Gerbang's configuration file (`gerbang.toml`), for the settings that must not be flags.
//!
//! ```toml
//! # The secret for traveller pseudonyms. Prefer the GERBANG_PSEUDONYM_KEY environment
//! # variable; never commit a real key.
//! pseudonym_key = "…at least 32 random characters…"
//! # A port registry to use instead of the one built in.
//! ports_file = "/etc/gerbang/ports.csv"
//!
//! # `gerbang serve` lands the inbox every night at this local time.
//! [nightly_ingest]
//! inbox = "/srv/gerbang/inbox"
//! at = "01:30"
//! zone = "Asia/Jakarta"
//!
//! # Limits for every query run on behalf of a user (dashboard, API, Postgres port, CLI).
//! [query]
//! time_limit_seconds = 60
//! memory_limit_mib = 1024
//! # Decoded rollups kept in memory for the pages (0 turns it off).
//! rollup_cache_mib = 512
//! # Decoded Parquet footers kept in memory, so queries do not read them again (0: off).
//! footer_cache_mib = 256
//!
//! # Accounts: who may sign in, with argon2 password hashes and API token hashes.
//! # Managed with `gerbang user`; never commit a real file.
//! [auth]
//! users_file = "/etc/gerbang/users.toml"
//! session_hours = 12
//!
//! # The Postgres wire-protocol port for psql, DBeaver, Excel/ODBC and Grafana.
//! [postgres]
//! addr = "127.0.0.1:5433"
//! tls_cert = "/etc/gerbang/tls/cert.pem"
//! tls_key = "/etc/gerbang/tls/key.pem"
//!
//! # MoU review reports written on a schedule by `gerbang serve`.
//! [reports]
//! out = "/srv/gerbang/reports"
//! day_of_month = 1
//! at = "06:00"
//! zone = "Asia/Jakarta"
//! formats = ["pdf", "xlsx", "html"]
//! lang = "id"
//! audiences = ["immigration:leadership", "customs:leadership"]
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{IngestError, Result};
use crate::pseudonym::PseudonymKey;
use crate::reference::PortRegistry;

/// The settings of `gerbang.toml`; every one is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub pseudonym_key: Option<String>,
    pub ports_file: Option<PathBuf>,
    pub nightly_ingest: Option<NightlyIngestConfig>,
    pub query: Option<QueryConfig>,
    pub auth: Option<AuthConfig>,
    pub postgres: Option<PostgresConfig>,
    pub reports: Option<ReportsConfig>,
}

/// Limits applied to every query run on behalf of a user.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueryConfig {
    /// Planning and running together; the query is cancelled when it is reached.
    pub time_limit_seconds: Option<u64>,
    /// Memory one query's operators may hold before sorts and aggregations spill.
    pub memory_limit_mib: Option<u64>,
    /// Memory the server keeps decoded rollup objects in, shared by every query; 0 reads
    /// them from the lake every time.
    pub rollup_cache_mib: Option<u64>,
    /// Memory the server keeps decoded Parquet footers in, shared by every query; 0 reads
    /// each file's footer on every query.
    pub footer_cache_mib: Option<u64>,
}

/// Where the accounts live and how long a browser session lasts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// The accounts file (users, agencies, roles, argon2 password hashes, token hashes).
    pub users_file: PathBuf,
    /// Hours a dashboard sign-in lasts [default: 12].
    pub session_hours: Option<u64>,
}

/// The Postgres wire-protocol listener of `gerbang serve`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostgresConfig {
    /// Address to listen on, e.g. `127.0.0.1:5433`.
    pub addr: String,
    /// PEM certificate chain; with `tls_key`, clients may (and should) use TLS.
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of `tls_cert`.
    pub tls_key: Option<PathBuf>,
}

/// MoU review reports that `gerbang serve` writes every month.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportsConfig {
    /// Folder or object-store URL the reports are written to and listed from.
    pub out: String,
    /// Day of the month the previous month's report is written [default: 1].
    pub day_of_month: Option<u32>,
    /// Local time of day, `HH:MM` [default: 06:00].
    pub at: Option<String>,
    /// IANA time zone of `at` [default: Asia/Jakarta].
    pub zone: Option<String>,
    /// Any of `pdf`, `xlsx`, `html` [default: all three].
    pub formats: Option<Vec<String>>,
    /// `id` or `en` [default: id].
    pub lang: Option<String>,
    /// Whom a report is made for, each `agency:role[,role]` (e.g. `customs:leadership`):
    /// one report per entry, showing what that agency's policies let it see [default: one
    /// administrator's report of everything].
    pub audiences: Option<Vec<String>>,
}

/// When `gerbang serve` runs the nightly ingest, and of which inbox.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NightlyIngestConfig {
    /// Folder (or URL) the agencies deliver to.
    pub inbox: String,
    /// Local time of day, `HH:MM`.
    #[serde(default = "default_at")]
    pub at: String,
    /// IANA time zone of `at`.
    #[serde(default = "default_zone")]
    pub zone: String,
}

fn default_at() -> String {
    "01:30".to_string()
}

fn default_zone() -> String {
    "Asia/Jakarta".to_string()
}

impl Config {
    /// Reads a configuration file.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|source| IngestError::Io {
            context: format!("reading the configuration file {}", path.display()),
            source,
        })?;
        toml::from_str(&text).map_err(|e| IngestError::Config(format!("{}: {e}", path.display())))
    }

    /// The pseudonymisation key from this file or the environment.
    pub fn pseudonym_key(&self) -> Result<Option<PseudonymKey>> {
        PseudonymKey::from_config_or_env(self.pseudonym_key.as_deref())
    }

    /// The configured port registry, or the built-in one.
    pub fn port_registry(&self) -> Result<PortRegistry> {
        match &self.ports_file {
            Some(path) => PortRegistry::from_csv(path),
            None => Ok(PortRegistry::embedded()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example at the top of this module is the documentation of every key; it must
    /// stay a valid configuration.
    #[test]
    fn the_documented_example_is_a_valid_configuration() {
        let example: String = include_str!("config.rs")
            .lines()
            .skip_while(|line| !line.starts_with("//! ```toml"))
            .skip(1)
            .take_while(|line| !line.starts_with("//! ```"))
            .map(|line| line.trim_start_matches("//!").trim_start_matches(' '))
            .collect::<Vec<_>>()
            .join("\n");
        let config: Config = toml::from_str(&example).expect("the documented example parses");
        let query = config.query.expect("[query]");
        assert_eq!(query.time_limit_seconds, Some(60));
        assert_eq!(query.memory_limit_mib, Some(1024));
        assert_eq!(query.rollup_cache_mib, Some(512));
        assert_eq!(query.footer_cache_mib, Some(256));
        assert_eq!(
            config.auth.expect("[auth]").users_file,
            PathBuf::from("/etc/gerbang/users.toml")
        );
        assert_eq!(config.postgres.expect("[postgres]").addr, "127.0.0.1:5433");
        assert_eq!(config.reports.expect("[reports]").day_of_month, Some(1));
        assert_eq!(config.nightly_ingest.expect("[nightly_ingest]").at, "01:30");
    }

    #[test]
    fn an_unknown_key_is_refused_with_its_name() {
        let error = toml::from_str::<Config>("[query]\ntime_limit = 5\n")
            .expect_err("unknown key")
            .to_string();
        assert!(error.contains("time_limit"), "{error}");
    }
}
