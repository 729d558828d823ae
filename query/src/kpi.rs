//! The KPI library: every view in `sql/`, with the metadata its header declares.
//!
//! Each file in `sql/` is one view: a header of `-- key: value` lines, then a `SELECT`.
//! ```sql
//! -- view: kpi_clearance_hourly
//! -- kind: kpi
//! -- title_en: Clearance time per hour
//! -- title_id: Waktu penyelesaian per jam
//! -- unit: minutes
//! -- grain: port, local date, local hour
//! -- owner: immigration
//! -- target: clearance_p90_target_minutes
//! -- definition: Minutes from joining the queue to being cleared, ...
//! --   (indented comment lines continue the previous key)
//! SELECT ...
//! ```
//! The files are compiled into the binary, in file-name order (a view may use the views
//! before it). The dashboard's glossary, `gerbang kpi list` and the reports read this
//! metadata, so a KPI is described in one place.

use crate::error::{QueryError, Result};

/// Every file of `sql/`, in registration order. A unit test checks that the folder and
/// this list agree.
const SQL_FILES: &[(&str, &str)] = &[
    (
        "00_crossing_times.sql",
        include_str!("../../sql/00_crossing_times.sql"),
    ),
    (
        "10_kpi_clearance_hourly.sql",
        include_str!("../../sql/10_kpi_clearance_hourly.sql"),
    ),
    (
        "11_kpi_clearance_segments_hourly.sql",
        include_str!("../../sql/11_kpi_clearance_segments_hourly.sql"),
    ),
    (
        "20_kpi_bottleneck_hours.sql",
        include_str!("../../sql/20_kpi_bottleneck_hours.sql"),
    ),
    (
        "21_kpi_bottleneck_episodes.sql",
        include_str!("../../sql/21_kpi_bottleneck_episodes.sql"),
    ),
    (
        "30_kpi_throughput_hourly.sql",
        include_str!("../../sql/30_kpi_throughput_hourly.sql"),
    ),
    (
        "31_kpi_throughput_staffed_hourly.sql",
        include_str!("../../sql/31_kpi_throughput_staffed_hourly.sql"),
    ),
    (
        "40_kpi_i247_health_daily.sql",
        include_str!("../../sql/40_kpi_i247_health_daily.sql"),
    ),
    (
        "50_kpi_service_level_daily.sql",
        include_str!("../../sql/50_kpi_service_level_daily.sql"),
    ),
    (
        "60_kpi_enforcement_daily.sql",
        include_str!("../../sql/60_kpi_enforcement_daily.sql"),
    ),
    (
        "61_kpi_i247_notice_hits_daily.sql",
        include_str!("../../sql/61_kpi_i247_notice_hits_daily.sql"),
    ),
    (
        "62_kpi_customs_seizures_daily.sql",
        include_str!("../../sql/62_kpi_customs_seizures_daily.sql"),
    ),
    (
        "63_kpi_quarantine_daily.sql",
        include_str!("../../sql/63_kpi_quarantine_daily.sql"),
    ),
    (
        "64_kpi_incidents_daily.sql",
        include_str!("../../sql/64_kpi_incidents_daily.sql"),
    ),
    (
        "65_kpi_enforcement_counts_daily.sql",
        include_str!("../../sql/65_kpi_enforcement_counts_daily.sql"),
    ),
    (
        "66_kpi_enforcement_public_daily.sql",
        include_str!("../../sql/66_kpi_enforcement_public_daily.sql"),
    ),
    (
        "70_kpi_national_arrivals.sql",
        include_str!("../../sql/70_kpi_national_arrivals.sql"),
    ),
    (
        "80_kpi_feed_health.sql",
        include_str!("../../sql/80_kpi_feed_health.sql"),
    ),
    (
        "81_kpi_feed_rejects.sql",
        include_str!("../../sql/81_kpi_feed_rejects.sql"),
    ),
    (
        "89_flight_stage_times.sql",
        include_str!("../../sql/89_flight_stage_times.sql"),
    ),
    (
        "90_kpi_stage_attribution.sql",
        include_str!("../../sql/90_kpi_stage_attribution.sql"),
    ),
    (
        "91_kpi_exchange_latency_daily.sql",
        include_str!("../../sql/91_kpi_exchange_latency_daily.sql"),
    ),
    (
        "92_kpi_joint_operation_impact.sql",
        include_str!("../../sql/92_kpi_joint_operation_impact.sql"),
    ),
    (
        "93_kpi_service_level_by_agency_daily.sql",
        include_str!("../../sql/93_kpi_service_level_by_agency_daily.sql"),
    ),
    (
        "94_kpi_stage_attribution_daily.sql",
        include_str!("../../sql/94_kpi_stage_attribution_daily.sql"),
    ),
    (
        "95_kpi_weekly_headlines.sql",
        include_str!("../../sql/95_kpi_weekly_headlines.sql"),
    ),
    (
        "96_rollup_computed_crossings_hourly.sql",
        include_str!("../../sql/96_rollup_computed_crossings_hourly.sql"),
    ),
    (
        "96_rollup_computed_wait_histogram.sql",
        include_str!("../../sql/96_rollup_computed_wait_histogram.sql"),
    ),
    (
        "96_rollup_computed_wait_histogram_by_port.sql",
        include_str!("../../sql/96_rollup_computed_wait_histogram_by_port.sql"),
    ),
    (
        "96_rollup_crossings_hourly.sql",
        include_str!("../../sql/96_rollup_crossings_hourly.sql"),
    ),
    (
        "96_rollup_wait_histogram.sql",
        include_str!("../../sql/96_rollup_wait_histogram.sql"),
    ),
    (
        "96_rollup_wait_histogram_by_port.sql",
        include_str!("../../sql/96_rollup_wait_histogram_by_port.sql"),
    ),
    (
        "96_rollup_wait_hours.sql",
        include_str!("../../sql/96_rollup_wait_hours.sql"),
    ),
    (
        "97_kpi_clearance_daily_from_rollup.sql",
        include_str!("../../sql/97_kpi_clearance_daily_from_rollup.sql"),
    ),
    (
        "97_kpi_clearance_weekly_from_rollup.sql",
        include_str!("../../sql/97_kpi_clearance_weekly_from_rollup.sql"),
    ),
];

/// Whether a view is a KPI leadership signs off, or a building block of KPIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewKind {
    Kpi,
    Helper,
}

/// One view of the library and what its header says.
#[derive(Debug, Clone)]
pub struct ViewDefinition {
    pub file: &'static str,
    pub name: String,
    pub kind: ViewKind,
    pub title_en: String,
    pub title_id: String,
    pub unit: String,
    pub grain: String,
    pub owner: String,
    /// The `mou_targets` column this KPI is held to, if any.
    pub target: Option<String>,
    pub definition: String,
    /// The `SELECT` the view is made of.
    pub sql: &'static str,
}

/// All views of the library, in registration order.
pub fn library() -> Result<Vec<ViewDefinition>> {
    SQL_FILES
        .iter()
        .map(|(file, text)| parse(file, text))
        .collect()
}

fn parse(file: &'static str, text: &'static str) -> Result<ViewDefinition> {
    let fail = |message: String| QueryError::Definition {
        file: file.to_string(),
        message,
    };
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut body_start = text.len();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if let Some(comment) = trimmed.strip_prefix("--") {
            if let Some(continued) = comment.strip_prefix("   ").filter(|_| !fields.is_empty()) {
                if let Some((_, value)) = fields.last_mut() {
                    value.push(' ');
                    value.push_str(continued.trim());
                }
            } else if let Some((key, value)) = comment.trim().split_once(':') {
                fields.push((key.trim().to_string(), value.trim().to_string()));
            }
        } else if !trimmed.is_empty() {
            body_start = offset;
            break;
        }
        offset += line.len();
    }
    let get = |key: &str| {
        fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let required =
        |key: &str| get(key).ok_or_else(|| fail(format!("the header has no '{key}:' line")));
    let kind = match required("kind")?.as_str() {
        "kpi" => ViewKind::Kpi,
        "helper" => ViewKind::Helper,
        other => {
            return Err(fail(format!(
                "kind '{other}' is neither 'kpi' nor 'helper'"
            )));
        }
    };
    let sql = text[body_start..].trim();
    if !sql.to_ascii_uppercase().starts_with("SELECT")
        && !sql.to_ascii_uppercase().starts_with("WITH")
    {
        return Err(fail(
            "the body after the header must be one SELECT (or WITH … SELECT)".into(),
        ));
    }
    Ok(ViewDefinition {
        file,
        name: required("view")?,
        kind,
        title_en: required("title_en")?,
        title_id: required("title_id")?,
        unit: required("unit")?,
        grain: required("grain")?,
        owner: required("owner")?,
        target: get("target").filter(|t| !t.is_empty() && t != "none"),
        definition: required("definition")?,
        sql,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_sql_folder_is_in_the_library_and_parses() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../sql");
        let mut on_disk: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".sql"))
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = SQL_FILES.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            on_disk, listed,
            "add new sql/ files to SQL_FILES in query/src/kpi.rs"
        );
        let views = library().unwrap();
        assert!(
            views
                .iter()
                .any(|v| v.name == "kpi_bottleneck_episodes" && v.kind == ViewKind::Kpi)
        );
        assert!(
            views
                .iter()
                .all(|v| !v.definition.is_empty() && !v.title_id.is_empty())
        );
    }

    #[test]
    fn header_without_a_required_key_is_reported_with_the_file() {
        let err = parse("x.sql", "-- view: v\n-- kind: kpi\nSELECT 1")
            .unwrap_err()
            .to_string();
        assert!(err.contains("x.sql") && err.contains("title_en"), "{err}");
    }
}
