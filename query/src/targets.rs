//! The MoU targets every KPI is held to, from the versioned `data/mou-targets.toml`.
//!
//! Targets are national defaults with per-port exceptions. The query layer exposes them as
//! the table `mou_targets` (one row per port, exceptions applied) so that KPI views join
//! them in SQL, and every row that uses a target also carries `targets_version`.

use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use gerbang_ingest::reference::PortRegistry;
use serde::Deserialize;

use crate::error::{QueryError, Result};

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

/// A port's exceptions to the national targets.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortTargets {
    pub code: String,
    pub p90_target_minutes: Option<f64>,
    pub max_bottleneck_hours: Option<i64>,
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
    #[serde(default, rename = "port")]
    pub ports: Vec<PortTargets>,
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
        Ok(targets)
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
