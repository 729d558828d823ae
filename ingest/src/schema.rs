//! The canonical shape of every lake table.
//!
//! Each agency's native format is converted to these schemas at ingest, so every later
//! layer (KPI views, dashboard, reports) reads one standard shape. Timestamps are UTC;
//! `local_date` and `local_hour` are the port's local calendar, computed at ingest from the
//! port's IANA zone, because every KPI groups by them.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};

/// Timestamps in the lake: milliseconds, UTC.
pub fn utc_millis() -> DataType {
    DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
}

fn text(name: &str) -> Field {
    Field::new(name, DataType::Utf8, false)
}

fn text_or_null(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}

/// A lake table: its name, schema and the columns its files are partitioned by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// One row per traveller processed by Immigration (BCM).
    Crossings,
    /// One row per port, terminal and hour from an hourly wait report (CBP shape).
    WaitHourly,
    /// Every record that did not land, with where it came from and why.
    Rejects,
    /// Data-quality findings: declared totals that disagree with their parts, and the like.
    QualityFindings,
    /// Foreign arrivals per port and month, from Statistics Indonesia (BPS). One file per
    /// port and year: `local_date` is the first day of the year, the partition key.
    ArrivalsMonthly,
}

impl Table {
    pub const ALL: [Table; 5] = [
        Table::Crossings,
        Table::WaitHourly,
        Table::Rejects,
        Table::QualityFindings,
        Table::ArrivalsMonthly,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Table::Crossings => "crossings",
            Table::WaitHourly => "wait_hourly",
            Table::Rejects => "rejects",
            Table::QualityFindings => "quality_findings",
            Table::ArrivalsMonthly => "arrivals_monthly",
        }
    }

    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Columns that name the `key=value/` folders of a data file (also stored in the file).
    pub fn partition_columns(self) -> &'static [&'static str] {
        match self {
            Table::Crossings | Table::WaitHourly | Table::ArrivalsMonthly => {
                &["port", "local_date"]
            }
            Table::Rejects | Table::QualityFindings => &["run_id"],
        }
    }

    pub fn schema(self) -> SchemaRef {
        match self {
            Table::Crossings => crossings_schema(),
            Table::WaitHourly => wait_hourly_schema(),
            Table::Rejects => rejects_schema(),
            Table::QualityFindings => quality_findings_schema(),
            Table::ArrivalsMonthly => arrivals_monthly_schema(),
        }
    }
}

fn crossings_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        text("port"),
        Field::new("local_date", DataType::Date32, false),
        Field::new("local_hour", DataType::Int32, false),
        Field::new("hour_start", utc_millis(), false),
        text("terminal"),
        text("lane"),
        // 'counter' | 'autogate'
        text("lane_kind"),
        // 'arrival' | 'departure'
        text("direction"),
        // 'citizen' | 'foreigner'
        text("citizenship"),
        text("nationality"),
        text("carrier"),
        Field::new("joined_queue_at", utc_millis(), false),
        Field::new("reached_counter_at", utc_millis(), true),
        Field::new("cleared_at", utc_millis(), false),
        // 'cleared' | 'secondary' | 'refused' | 'detained'
        text("outcome"),
        // 'ok' | 'timeout' | 'error'
        text("i247_status"),
        Field::new("i247_response_ms", DataType::Int32, true),
        // NULL or 'red' | 'yellow' | 'blue' | 'green' | 'diffusion' | 'sltd'
        text_or_null("i247_notice"),
        text("traveller_key"),
        text("record_id"),
    ]))
}

fn wait_hourly_schema() -> SchemaRef {
    let mut fields = vec![
        text("port"),
        text("terminal"),
        Field::new("hour_start", utc_millis(), false),
        // 60, or 120 for the local hour that daylight saving repeats when the report gives
        // it once.
        Field::new("hour_minutes", DataType::Int32, false),
        Field::new("local_date", DataType::Date32, false),
        Field::new("local_hour", DataType::Int32, false),
    ];
    for name in [
        "wait_avg_min_citizen",
        "wait_max_min_citizen",
        "wait_avg_min_foreign",
        "wait_max_min_foreign",
        "wait_avg_min_all",
        "wait_max_min_all",
    ] {
        fields.push(Field::new(name, DataType::Float64, true));
    }
    for name in [
        "pax_0_15",
        "pax_16_30",
        "pax_31_45",
        "pax_46_60",
        "pax_61_90",
        "pax_91_120",
        "pax_over_120",
        "pax_excluded",
        "pax_total",
        "flights",
        "booths",
    ] {
        fields.push(Field::new(name, DataType::Int64, false));
    }
    Arc::new(Schema::new(fields))
}

fn rejects_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        text("run_id"),
        text("feed"),
        text("source_file"),
        // Line number for line-based files, record number otherwise (1-based).
        Field::new("record_number", DataType::Int64, false),
        text("reason"),
        // The record as it arrived, so nothing is lost.
        text("raw"),
    ]))
}

fn quality_findings_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        text("run_id"),
        text("feed"),
        text("source_file"),
        Field::new("record_number", DataType::Int64, false),
        text("check_name"),
        Field::new("declared", DataType::Float64, true),
        Field::new("computed", DataType::Float64, true),
        text("message"),
    ]))
}

fn arrivals_monthly_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        // The registry code of the entry point (Indonesian ports only; BPS reports no others).
        text("port"),
        // The first day of `year`: the partition key, so that a port's year is one file.
        // It is not the month's date; use `year` and `month` for that.
        Field::new("local_date", DataType::Date32, false),
        Field::new("year", DataType::Int32, false),
        // 1 = January ... 12 = December.
        Field::new("month", DataType::Int32, false),
        // Foreign arrivals recorded by BPS at the port in that month.
        Field::new("arrivals", DataType::Int64, false),
    ]))
}
