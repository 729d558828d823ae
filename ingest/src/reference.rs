//! Reference data that every feed is checked against: the registry of entry points.
//!
//! The registry ships inside the binary (from `data/ports.csv`) so that `gerbang` works from
//! any directory; a deployment can replace it with its own file via [`PortRegistry::from_csv`].
//! A feed row that names a port missing from the registry is rejected with a reason that says
//! how to register it.

use std::collections::BTreeMap;
use std::path::Path;

use chrono_tz::Tz;
use serde::Deserialize;

use crate::error::{IngestError, Result};

/// The registry bundled with the binary.
const EMBEDDED_PORTS: &str = include_str!("../../data/ports.csv");

/// What kind of crossing an entry point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PortKind {
    Air,
    Sea,
    Land,
}

impl PortKind {
    /// The lower-case name used in the registry file and in SQL.
    pub fn as_str(self) -> &'static str {
        match self {
            PortKind::Air => "air",
            PortKind::Sea => "sea",
            PortKind::Land => "land",
        }
    }
}

/// One entry point (TPI), or a foreign benchmark airport.
#[derive(Debug, Clone)]
pub struct Port {
    /// Short code used in every feed and table (IATA for airports, Gerbang's own otherwise).
    pub code: String,
    pub name: String,
    /// The name Statistics Indonesia uses in its arrivals tables, when it reports this port.
    pub bps_name: Option<String>,
    pub kind: PortKind,
    /// The port's IANA zone; every KPI is grouped by local date and hour in this zone.
    pub zone: Tz,
    /// ISO 3166 alpha-2 country code.
    pub country: String,
    /// Foreign ports shown for comparison only, never added into national totals.
    pub benchmark: bool,
}

impl Port {
    /// The Indonesian zone abbreviation (WIB/WITA/WIT) or, abroad, the IANA name.
    pub fn zone_label(&self) -> &str {
        match self.zone {
            Tz::Asia__Jakarta | Tz::Asia__Pontianak => "WIB",
            Tz::Asia__Makassar => "WITA",
            Tz::Asia__Jayapura => "WIT",
            _ => self.zone.name(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PortRow {
    code: String,
    name: String,
    bps_name: String,
    kind: PortKind,
    zone: String,
    country: String,
    benchmark: bool,
}

/// All known entry points, keyed by code.
#[derive(Debug, Clone)]
pub struct PortRegistry {
    ports: BTreeMap<String, Port>,
}

impl PortRegistry {
    /// The registry bundled with this build (`data/ports.csv`).
    pub fn embedded() -> PortRegistry {
        // The bundled file is checked by a unit test, so failing here is a build defect.
        Self::parse(EMBEDDED_PORTS, "data/ports.csv (embedded)")
            .expect("the embedded port registry is valid")
    }

    /// Reads a registry file with the columns of `data/ports.csv`.
    pub fn from_csv(path: &Path) -> Result<PortRegistry> {
        let text = std::fs::read_to_string(path).map_err(|source| IngestError::Io {
            context: format!("reading the port registry {}", path.display()),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    fn parse(text: &str, origin: &str) -> Result<PortRegistry> {
        let mut ports = BTreeMap::new();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        for (index, row) in reader.deserialize::<PortRow>().enumerate() {
            let line = index + 2;
            let row =
                row.map_err(|e| IngestError::Config(format!("{origin}, line {line}: {e}")))?;
            let zone: Tz = row.zone.parse().map_err(|_| {
                IngestError::Config(format!(
                    "{origin}, line {line}: '{}' is not an IANA time zone (for example Asia/Jakarta)",
                    row.zone
                ))
            })?;
            if row.code.is_empty() || !row.code.chars().all(|c| c.is_ascii_uppercase()) {
                return Err(IngestError::Config(format!(
                    "{origin}, line {line}: port code '{}' must be upper-case letters",
                    row.code
                )));
            }
            let port = Port {
                code: row.code.clone(),
                name: row.name,
                bps_name: (!row.bps_name.is_empty()).then_some(row.bps_name),
                kind: row.kind,
                zone,
                country: row.country,
                benchmark: row.benchmark,
            };
            if ports.insert(row.code.clone(), port).is_some() {
                return Err(IngestError::Config(format!(
                    "{origin}, line {line}: port code '{}' is listed twice",
                    row.code
                )));
            }
        }
        Ok(PortRegistry { ports })
    }

    pub fn get(&self, code: &str) -> Option<&Port> {
        self.ports.get(code)
    }

    /// Every port, ordered by code.
    pub fn iter(&self) -> impl Iterator<Item = &Port> {
        self.ports.values()
    }

    /// The port Statistics Indonesia calls `name` (case and surrounding space ignored).
    pub fn by_bps_name(&self, name: &str) -> Option<&Port> {
        let wanted = name.trim().to_lowercase();
        self.ports
            .values()
            .find(|p| p.bps_name.as_deref() == Some(wanted.as_str()))
    }

    /// The reason a feed row naming an unknown port is rejected with.
    pub fn unknown_port_reason(code: &str) -> String {
        format!(
            "unknown port '{code}': it is not in the port registry; if it is a real entry point, \
             add a line for it to data/ports.csv (code,name,bps_name,kind,zone,country,benchmark) \
             and ingest the file again"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_registry_covers_every_bps_port_and_twenty_us_airports() {
        let registry = PortRegistry::embedded();
        let indonesian = registry.iter().filter(|p| p.country == "ID").count();
        assert_eq!(indonesian, 26);
        assert!(registry.iter().all(|p| p.benchmark == (p.country != "ID")));
        let us = registry.iter().filter(|p| p.country == "US").count();
        assert!(us >= 20, "only {us} US airports");
        assert_eq!(
            registry.by_bps_name(" Ngurah Rai").map(|p| p.code.as_str()),
            Some("DPS")
        );
        assert_eq!(registry.get("DPS").map(Port::zone_label), Some("WITA"));
        assert_eq!(registry.get("JYP").map(Port::zone_label), Some("WIT"));
        assert_eq!(
            registry.get("JFK").map(Port::zone_label),
            Some("America/New_York")
        );
    }

    #[test]
    fn bad_zone_is_reported_with_its_line() {
        let text =
            "code,name,bps_name,kind,zone,country,benchmark\nXXX,X,,air,Mars/Olympus,ID,false\n";
        let err = PortRegistry::parse(text, "test.csv")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("test.csv, line 2") && err.contains("Mars/Olympus"),
            "{err}"
        );
    }
}
