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
