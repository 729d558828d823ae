//! The MoU targets every KPI is held to, from the versioned `data/mou-targets.toml`.
//!
//! Targets are national defaults with per-port exceptions. The query layer exposes them as
//! the table `mou_targets` (one row per port, exceptions applied) so that KPI views join
//! them in SQL, and every row that uses a target also carries `targets_version`.
//! Data-exchange targets are national defaults with per agency-pair exceptions, exposed as
//! `mou_exchange_targets`: one row per sender, receiver and message kind, exceptions
//! applied, so that a view joins it on all three without working out which entry wins.

use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use gerbang_ingest::reference::PortRegistry;
use serde::Deserialize;

use crate::error::{QueryError, Result};

/// The agencies whose systems exchange messages over the integration bus, as the KPI
/// tables name them (`Feed::agency` of each agency's own feed; `exchanges.sender`).
pub const EXCHANGE_AGENCIES: [&str; 5] = [
    "authority",
    "customs",
    "immigration",
    "police",
    "quarantine",
];

/// The kinds of message the bus carries (`exchanges.kind`).
pub const MESSAGE_KINDS: [&str; 3] = ["alert", "manifest", "risk_profile"];

const EMBEDDED_TARGETS: &str = include_str!("../../data/mou-targets.toml");

/// The bottleneck definition's two numbers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BottleneckTargets {
    pub wait_threshold_minutes: f64,
    pub max_share_over_threshold: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClearanceTargets {
    pub p90_target_minutes: f64,
    pub target_minutes: f64,
    pub required_share: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeeklyTargets {
    pub max_bottleneck_hours: i64,
}

/// Data exchange between agency systems: a message should arrive within the minutes, and
/// at least the share of messages should.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeTargets {
    pub latency_target_minutes: f64,
    pub required_share: f64,
}

/// Customs service level: a traveller's inspection should end (the traveller released)
/// within the minutes of its start, for at least the share of inspections.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomsTargets {
    pub release_target_minutes: f64,
    pub required_share: f64,
}

/// A port's exceptions to the national targets.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortTargets {
    pub code: String,
    pub p90_target_minutes: Option<f64>,
    pub max_bottleneck_hours: Option<i64>,
    pub customs_release_target_minutes: Option<f64>,
    pub customs_required_share: Option<f64>,
}

/// An agency pair's exceptions to the national data-exchange targets: for every kind of
/// message from `sender` to `receiver`, or for one `kind` only. An entry with a kind wins
/// over one without for that kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyPairTargets {
    pub sender: String,
    pub receiver: String,
    pub kind: Option<String>,
    pub latency_target_minutes: Option<f64>,
    pub required_share: Option<f64>,
}

/// The whole targets file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MouTargets {
    pub version: String,
    pub effective_from: String,
    pub source: String,
    pub bottleneck: BottleneckTargets,
    pub clearance: ClearanceTargets,
    pub weekly: WeeklyTargets,
    pub exchange: ExchangeTargets,
    pub customs: CustomsTargets,
    #[serde(default, rename = "port")]
    pub ports: Vec<PortTargets>,
    #[serde(default, rename = "agency_pair")]
    pub agency_pairs: Vec<AgencyPairTargets>,
}

/// The data-exchange target one message is held to, and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExchangeTarget {
    pub latency_target_minutes: f64,
    pub required_share: f64,
    /// `national`, `agency_pair` or `agency_pair_kind`: which entry of the file applies.
    pub scope: &'static str,
}

/// Wait buckets of hourly reports end at these minutes; the bottleneck threshold must be one
/// of them for reports to give the same answer as individual waits.
const BUCKET_EDGES: [f64; 6] = [15.0, 30.0, 45.0, 60.0, 90.0, 120.0];

impl MouTargets {
    /// The targets bundled with this build.
    pub fn embedded() -> MouTargets {
        // Checked by a unit test: failing here is a build defect.
        Self::parse(EMBEDDED_TARGETS, "data/mou-targets.toml (embedded)")
            .expect("the embedded MoU targets are valid")
    }

    pub fn from_file(path: &Path) -> Result<MouTargets> {
        let text = std::fs::read_to_string(path).map_err(|e| QueryError::Targets {
            origin: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, origin: &str) -> Result<MouTargets> {
        let fail = |message: String| QueryError::Targets {
            origin: origin.to_string(),
            message,
        };
        let targets: MouTargets = toml::from_str(text).map_err(|e| fail(e.to_string()))?;
        let threshold = targets.bottleneck.wait_threshold_minutes;
        if !BUCKET_EDGES.contains(&threshold) {
            return Err(fail(format!(
                "bottleneck.wait_threshold_minutes = {threshold}: hourly wait reports count \
                 passengers in buckets ending at 15, 30, 45, 60, 90 and 120 minutes, so the \
                 threshold must be one of those for both kinds of feed to agree"
            )));
        }
        for (name, share) in [
            (
                "bottleneck.max_share_over_threshold",
                targets.bottleneck.max_share_over_threshold,
            ),
            ("clearance.required_share", targets.clearance.required_share),
        ] {
            if !(0.0..=1.0).contains(&share) {
                return Err(fail(format!(
                    "{name} = {share} must be a share between 0 and 1"
                )));
            }
        }
        targets.validate_exchange_and_customs().map_err(fail)?;
        Ok(targets)
    }

    /// Checks the data-exchange and customs targets: positive minutes, shares between 0
    /// and 1, known agencies and message kinds, one entry per agency pair and kind.
    fn validate_exchange_and_customs(&self) -> std::result::Result<(), String> {
        let minutes = |key: String, value: f64| {
            if value.is_finite() && value > 0.0 {
                Ok(())
            } else {
                Err(format!(
                    "{key} = {value} must be a positive number of minutes"
                ))
            }
        };
        let share = |key: String, value: f64| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(format!("{key} = {value} must be a share between 0 and 1"))
            }
        };
        minutes(
            "exchange.latency_target_minutes".into(),
            self.exchange.latency_target_minutes,
        )?;
        share(
            "exchange.required_share".into(),
            self.exchange.required_share,
        )?;
        minutes(
            "customs.release_target_minutes".into(),
            self.customs.release_target_minutes,
        )?;
        share("customs.required_share".into(), self.customs.required_share)?;
        for port in &self.ports {
            if let Some(value) = port.customs_release_target_minutes {
                minutes(
                    format!("port '{}'.customs_release_target_minutes", port.code),
                    value,
                )?;
            }
            if let Some(value) = port.customs_required_share {
                share(
                    format!("port '{}'.customs_required_share", port.code),
                    value,
                )?;
            }
        }
        let mut seen: Vec<(&str, &str, Option<&str>)> = Vec::new();
        for (i, pair) in self.agency_pairs.iter().enumerate() {
            let at = format!("agency_pair[{}]", i + 1);
            for (field, agency) in [("sender", &pair.sender), ("receiver", &pair.receiver)] {
                if !EXCHANGE_AGENCIES.contains(&agency.as_str()) {
                    return Err(format!(
                        "{at}.{field} = '{agency}' is not an agency; expected one of {}",
                        EXCHANGE_AGENCIES.join(", ")
                    ));
                }
            }
            if pair.sender == pair.receiver {
                return Err(format!(
                    "{at}: sender and receiver are both '{}'; a message goes from one agency \
                     to another",
                    pair.sender
                ));
            }
            if let Some(kind) = &pair.kind
                && !MESSAGE_KINDS.contains(&kind.as_str())
            {
                return Err(format!(
                    "{at}.kind = '{kind}' is not a message kind; expected one of {}",
                    MESSAGE_KINDS.join(", ")
                ));
            }
            if pair.latency_target_minutes.is_none() && pair.required_share.is_none() {
                return Err(format!(
                    "{at} ({} to {}) sets neither latency_target_minutes nor required_share",
                    pair.sender, pair.receiver
                ));
            }
            if let Some(value) = pair.latency_target_minutes {
                minutes(format!("{at}.latency_target_minutes"), value)?;
            }
            if let Some(value) = pair.required_share {
                share(format!("{at}.required_share"), value)?;
            }
            let key = (
                pair.sender.as_str(),
                pair.receiver.as_str(),
                pair.kind.as_deref(),
            );
            if seen.contains(&key) {
                return Err(format!(
                    "{at} repeats the entry for {} to {}{}; give each agency pair (and kind) once",
                    pair.sender,
                    pair.receiver,
                    pair.kind
                        .as_deref()
                        .map(|k| format!(" ({k})"))
                        .unwrap_or_default()
                ));
            }
            seen.push(key);
        }
        Ok(())
    }

    /// The data-exchange target for messages of `kind` from `sender` to `receiver`: the
    /// entry for the pair and kind, else the pair's entry for every kind, else the
    /// national default; a field an entry leaves out comes from the next one down.
    pub fn exchange_target(&self, sender: &str, receiver: &str, kind: &str) -> ExchangeTarget {
        let entry = |with_kind: Option<&str>| {
            self.agency_pairs.iter().find(|p| {
                p.sender == sender && p.receiver == receiver && p.kind.as_deref() == with_kind
            })
        };
        let for_kind = entry(Some(kind));
        let for_pair = entry(None);
        let pick = |field: fn(&AgencyPairTargets) -> Option<f64>, national: f64| {
            for_kind
                .and_then(field)
                .or_else(|| for_pair.and_then(field))
                .unwrap_or(national)
        };
        ExchangeTarget {
            latency_target_minutes: pick(
                |p| p.latency_target_minutes,
                self.exchange.latency_target_minutes,
            ),
            required_share: pick(|p| p.required_share, self.exchange.required_share),
            scope: match (for_kind, for_pair) {
                (Some(_), _) => "agency_pair_kind",
                (None, Some(_)) => "agency_pair",
                (None, None) => "national",
            },
        }
    }

    /// The `mou_exchange_targets` table: one row per sender, receiver (another agency) and
    /// message kind, exceptions applied.
    pub fn exchange_batch(&self) -> Result<RecordBatch> {
        let mut rows = Vec::new();
        for sender in EXCHANGE_AGENCIES {
            for receiver in EXCHANGE_AGENCIES.iter().filter(|r| **r != sender) {
                for kind in MESSAGE_KINDS {
                    rows.push((
                        sender,
                        *receiver,
                        kind,
                        self.exchange_target(sender, receiver, kind),
                    ));
                }
            }
        }
        let n = rows.len();
        let schema = Arc::new(Schema::new(vec![
            Field::new("sender", DataType::Utf8, false),
            Field::new("receiver", DataType::Utf8, false),
            Field::new("kind", DataType::Utf8, false),
            Field::new("latency_target_minutes", DataType::Float64, false),
            Field::new("required_share", DataType::Float64, false),
            Field::new("target_scope", DataType::Utf8, false),
            Field::new("targets_version", DataType::Utf8, false),
        ]));
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.0))),
            Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.1))),
            Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.2))),
            Arc::new(Float64Array::from_iter_values(
                rows.iter().map(|r| r.3.latency_target_minutes),
            )),
            Arc::new(Float64Array::from_iter_values(
                rows.iter().map(|r| r.3.required_share),
            )),
            Arc::new(StringArray::from_iter_values(
                rows.iter().map(|r| r.3.scope),
            )),
            Arc::new(StringArray::from(vec![self.version.as_str(); n])),
        ];
        Ok(RecordBatch::try_new(schema, columns)
            .map_err(datafusion::error::DataFusionError::from)?)
    }

    /// The `mou_targets` table: one row per registered port, exceptions applied.
    pub fn to_batch(&self, registry: &PortRegistry) -> Result<RecordBatch> {
        let ports: Vec<&str> = registry.iter().map(|p| p.code.as_str()).collect();
        let exception = |code: &str| self.ports.iter().find(|p| p.code == code);
        let n = ports.len();
        let float = |v: f64| -> ArrayRef { Arc::new(Float64Array::from(vec![v; n])) };
        let schema = Arc::new(Schema::new(vec![
            Field::new("port", DataType::Utf8, false),
            Field::new("wait_threshold_minutes", DataType::Float64, false),
            Field::new("max_share_over_threshold", DataType::Float64, false),
            Field::new("clearance_p90_target_minutes", DataType::Float64, false),
            Field::new("clearance_target_minutes", DataType::Float64, false),
            Field::new("clearance_required_share", DataType::Float64, false),
            Field::new("max_bottleneck_hours_week", DataType::Int64, false),
            Field::new("customs_release_target_minutes", DataType::Float64, false),
            Field::new("customs_required_share", DataType::Float64, false),
            Field::new("targets_version", DataType::Utf8, false),
        ]));
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from_iter_values(ports.iter().copied())),
            float(self.bottleneck.wait_threshold_minutes),
            float(self.bottleneck.max_share_over_threshold),
            Arc::new(Float64Array::from_iter_values(ports.iter().map(|code| {
                exception(code)
                    .and_then(|p| p.p90_target_minutes)
                    .unwrap_or(self.clearance.p90_target_minutes)
            }))),
            float(self.clearance.target_minutes),
            float(self.clearance.required_share),
            Arc::new(Int64Array::from_iter_values(ports.iter().map(|code| {
                exception(code)
                    .and_then(|p| p.max_bottleneck_hours)
                    .unwrap_or(self.weekly.max_bottleneck_hours)
            }))),
            Arc::new(Float64Array::from_iter_values(ports.iter().map(|code| {
                exception(code)
                    .and_then(|p| p.customs_release_target_minutes)
                    .unwrap_or(self.customs.release_target_minutes)
            }))),
            Arc::new(Float64Array::from_iter_values(ports.iter().map(|code| {
                exception(code)
                    .and_then(|p| p.customs_required_share)
                    .unwrap_or(self.customs.required_share)
            }))),
            Arc::new(StringArray::from(vec![self.version.as_str(); n])),
        ];
        Ok(RecordBatch::try_new(schema, columns)
            .map_err(datafusion::error::DataFusionError::from)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::Array;

    #[test]
    fn embedded_targets_parse_and_apply_port_exceptions() {
        let targets = MouTargets::embedded();
        assert_eq!(targets.bottleneck.wait_threshold_minutes, 30.0);
        assert_eq!(targets.bottleneck.max_share_over_threshold, 0.10);
        let batch = targets.to_batch(&PortRegistry::embedded()).unwrap();
        let ports = batch
            .column(0)
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        let p90 = batch
            .column(3)
            .as_any()
            .downcast_ref::<Float64Array>()
            .unwrap();
        let at = |code: &str| (0..ports.len()).find(|i| ports.value(*i) == code).unwrap();
        assert_eq!(p90.value(at("CGK")), 35.0);
        assert_eq!(p90.value(at("SUB")), targets.clearance.p90_target_minutes);
    }

    #[test]
    fn embedded_customs_targets_apply_port_exceptions() {
        let targets = MouTargets::embedded();
        let batch = targets.to_batch(&PortRegistry::embedded()).unwrap();
        let column = |name: &str| {
            batch
                .column_by_name(name)
                .unwrap()
                .as_any()
                .downcast_ref::<Float64Array>()
                .unwrap()
                .clone()
        };
        let ports = batch
            .column_by_name("port")
            .unwrap()
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap()
            .clone();
        let at = |code: &str| (0..ports.len()).find(|i| ports.value(*i) == code).unwrap();
        let release = column("customs_release_target_minutes");
        let share = column("customs_required_share");
        assert_eq!(release.value(at("CGK")), 45.0);
        assert_eq!(
            release.value(at("SUB")),
            targets.customs.release_target_minutes
        );
        assert_eq!(share.value(at("CGK")), targets.customs.required_share);
    }

    #[test]
    fn exchange_targets_cover_every_agency_pair_and_kind_with_exceptions_applied() {
        let targets = MouTargets::embedded();
        let batch = targets.exchange_batch().unwrap();
        // Five agencies, each to the four others, three kinds of message.
        assert_eq!(batch.num_rows(), 5 * 4 * 3);
        let alert = targets.exchange_target("immigration", "police", "alert");
        assert_eq!(
            (
                alert.latency_target_minutes,
                alert.required_share,
                alert.scope
            ),
            (1.0, 0.99, "agency_pair_kind")
        );
        let manifest = targets.exchange_target("immigration", "police", "manifest");
        assert_eq!(
            (manifest.latency_target_minutes, manifest.required_share),
            (
                targets.exchange.latency_target_minutes,
                targets.exchange.required_share
            )
        );
        assert_eq!(manifest.scope, "national");
        // The pair's entry sets only the minutes: the share is the national one.
        let pair = targets.exchange_target("authority", "immigration", "manifest");
        assert_eq!(
            (pair.latency_target_minutes, pair.required_share, pair.scope),
            (10.0, targets.exchange.required_share, "agency_pair")
        );
    }

    #[test]
    fn exchange_target_for_a_kind_wins_over_the_pair_and_fills_in_from_it() {
        let text = format!(
            "{EMBEDDED_TARGETS}\n[[agency_pair]]\nsender = \"customs\"\nreceiver = \"immigration\"\n\
             latency_target_minutes = 8.0\nrequired_share = 0.9\n\n[[agency_pair]]\n\
             sender = \"customs\"\nreceiver = \"immigration\"\nkind = \"risk_profile\"\n\
             latency_target_minutes = 3.0\n"
        );
        let targets = MouTargets::parse(&text, "t.toml").unwrap();
        let profile = targets.exchange_target("customs", "immigration", "risk_profile");
        assert_eq!(
            (
                profile.latency_target_minutes,
                profile.required_share,
                profile.scope
            ),
            (3.0, 0.9, "agency_pair_kind")
        );
        let alert = targets.exchange_target("customs", "immigration", "alert");
        assert_eq!(
            (
                alert.latency_target_minutes,
                alert.required_share,
                alert.scope
            ),
            (8.0, 0.9, "agency_pair")
        );
        // The other direction is another pair.
        let back = targets.exchange_target("immigration", "customs", "risk_profile");
        assert_eq!(back.scope, "national");
    }

    #[test]
    fn exchange_agencies_are_named_as_the_feeds_name_them() {
        use gerbang_ingest::feeds::Feed;
        for agency in EXCHANGE_AGENCIES {
            assert!(
                Feed::ALL.iter().any(|feed| feed.agency() == agency),
                "{agency} is no feed's agency"
            );
        }
    }

    #[test]
    fn bad_exchange_and_customs_targets_are_refused_naming_file_and_key() {
        let pair = |body: &str| format!("{EMBEDDED_TARGETS}\n[[agency_pair]]\n{body}\n");
        let cases = [
            (
                pair("sender = \"imigrasi\"\nreceiver = \"police\"\nrequired_share = 0.9"),
                "agency_pair[3].sender = 'imigrasi' is not an agency; expected one of \
                 authority, customs, immigration, police, quarantine",
            ),
            (
                pair("sender = \"customs\"\nreceiver = \"tni\"\nrequired_share = 0.9"),
                "agency_pair[3].receiver = 'tni' is not an agency",
            ),
            (
                pair(
                    "sender = \"customs\"\nreceiver = \"police\"\nkind = \"email\"\n\
                     required_share = 0.9",
                ),
                "agency_pair[3].kind = 'email' is not a message kind",
            ),
            (
                pair("sender = \"police\"\nreceiver = \"police\"\nrequired_share = 0.9"),
                "agency_pair[3]: sender and receiver are both 'police'",
            ),
            (
                pair("sender = \"customs\"\nreceiver = \"police\""),
                "agency_pair[3] (customs to police) sets neither",
            ),
            (
                pair(
                    "sender = \"immigration\"\nreceiver = \"police\"\nkind = \"alert\"\n\
                     required_share = 0.9",
                ),
                "agency_pair[3] repeats the entry for immigration to police (alert)",
            ),
            (
                pair("sender = \"customs\"\nreceiver = \"police\"\nrequired_share = 1.5"),
                "agency_pair[3].required_share = 1.5 must be a share between 0 and 1",
            ),
            (
                EMBEDDED_TARGETS.replace(
                    "latency_target_minutes = 5.0",
                    "latency_target_minutes = 0.0",
                ),
                "exchange.latency_target_minutes = 0 must be a positive number of minutes",
            ),
            (
                EMBEDDED_TARGETS.replace(
                    "release_target_minutes = 30.0",
                    "release_target_minutes = -30.0",
                ),
                "customs.release_target_minutes = -30 must be a positive number",
            ),
            (
                EMBEDDED_TARGETS.replace(
                    "customs_release_target_minutes = 45.0",
                    "customs_required_share = 95.0",
                ),
                "port 'CGK'.customs_required_share = 95 must be a share between 0 and 1",
            ),
            (
                pair("sender = \"customs\"\nreceiver = \"police\"\nlatency = 3.0"),
                "unknown field `latency`",
            ),
        ];
        for (text, expected) in cases {
            let err = MouTargets::parse(&text, "t.toml").unwrap_err().to_string();
            assert!(
                err.starts_with("MoU targets t.toml: ") && err.contains(expected),
                "expected '{expected}' in: {err}"
            );
        }
        let without_customs = EMBEDDED_TARGETS.replace("[customs]", "[customs_draft]");
        let err = MouTargets::parse(&without_customs, "t.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("t.toml") && err.contains("customs"), "{err}");
    }

    #[test]
    fn threshold_between_bucket_edges_is_refused() {
        let text = EMBEDDED_TARGETS.replace(
            "wait_threshold_minutes = 30.0",
            "wait_threshold_minutes = 40.0",
        );
        let err = MouTargets::parse(&text, "t.toml").unwrap_err().to_string();
        assert!(
            err.contains("t.toml") && err.contains("15, 30, 45"),
            "{err}"
        );
    }
}
