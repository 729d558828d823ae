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
    /// One row per Customs baggage or consignment inspection.
    CustomsInspections,
    /// Health Quarantine's hourly counts per port and terminal.
    HealthScreeningsHourly,
    /// Police / security incidents.
    Incidents,
    /// Joint enforcement operations (Police with other agencies), which may halt lanes.
    JointOperations,
    /// Arriving flights or vessels, from the airport or port authority.
    Flights,
    /// Messages exchanged between agency systems over the integration bus.
    Exchanges,
}

impl Table {
    pub const ALL: [Table; 11] = [
        Table::Crossings,
        Table::WaitHourly,
        Table::Rejects,
        Table::QualityFindings,
        Table::ArrivalsMonthly,
        Table::CustomsInspections,
        Table::HealthScreeningsHourly,
        Table::Incidents,
        Table::JointOperations,
        Table::Flights,
        Table::Exchanges,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Table::Crossings => "crossings",
            Table::WaitHourly => "wait_hourly",
            Table::Rejects => "rejects",
            Table::QualityFindings => "quality_findings",
            Table::ArrivalsMonthly => "arrivals_monthly",
            Table::CustomsInspections => "customs_inspections",
            Table::HealthScreeningsHourly => "health_screenings_hourly",
            Table::Incidents => "incidents",
            Table::JointOperations => "joint_operations",
            Table::Flights => "flights",
            Table::Exchanges => "exchanges",
        }
    }

    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Columns that name the `key=value/` folders of a data file (also stored in the file).
    pub fn partition_columns(self) -> &'static [&'static str] {
        match self {
            Table::Rejects | Table::QualityFindings => &["run_id"],
            _ => &["port", "local_date"],
        }
    }

    /// The columns that identify a record in its source system: a row whose key is already
    /// in the lake (from an earlier file or run) is a duplicate and is rejected, not landed
    /// twice. Empty for the tables that record ingest itself.
    pub fn key_columns(self) -> &'static [&'static str] {
        match self {
            Table::Crossings => &["port", "record_id"],
            Table::WaitHourly => &["port", "terminal", "hour_start"],
            Table::Rejects | Table::QualityFindings => &[],
            Table::ArrivalsMonthly => &["port", "year", "month"],
            Table::CustomsInspections => &["port", "inspection_id"],
            Table::HealthScreeningsHourly => &["port", "terminal", "hour_start"],
            Table::Incidents => &["port", "incident_id"],
            Table::JointOperations => &["port", "operation_id"],
            Table::Flights => &["port", "flight_id"],
            Table::Exchanges => &["port", "message_id"],
        }
    }

    pub fn schema(self) -> SchemaRef {
        match self {
            Table::Crossings => crossings_schema(),
            Table::WaitHourly => wait_hourly_schema(),
            Table::Rejects => rejects_schema(),
            Table::QualityFindings => quality_findings_schema(),
            Table::ArrivalsMonthly => arrivals_monthly_schema(),
            Table::CustomsInspections => customs_inspections_schema(),
            Table::HealthScreeningsHourly => health_screenings_hourly_schema(),
            Table::Incidents => incidents_schema(),
            Table::JointOperations => joint_operations_schema(),
            Table::Flights => flights_schema(),
            Table::Exchanges => exchanges_schema(),
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

/// The columns every event or hourly table starts with: where and when, in the port's
/// local calendar, and the UTC start of that local hour.
fn located(mut rest: Vec<Field>) -> SchemaRef {
    let mut fields = vec![
        text("port"),
        Field::new("local_date", DataType::Date32, false),
        Field::new("local_hour", DataType::Int32, false),
        Field::new("hour_start", utc_millis(), false),
    ];
    fields.append(&mut rest);
    Arc::new(Schema::new(fields))
}

fn customs_inspections_schema() -> SchemaRef {
    // Located by the inspection's start.
    located(vec![
        text("terminal"),
        text("inspection_id"),
        // 'green' | 'red'
        text("channel"),
        Field::new("started_at", utc_millis(), false),
        Field::new("ended_at", utc_millis(), false),
        // 'released' | 'duty_paid' | 'seized' | 'held'
        text("outcome"),
        // NULL unless seized: 'narcotics' | 'wildlife' | 'currency' | 'tobacco' | 'alcohol'
        // | 'weapons' | 'other'
        text_or_null("seizure_category"),
        // Declared or assessed value of the goods, in rupiah.
        Field::new("goods_value_idr", DataType::Float64, true),
        // The passenger or cargo manifest the inspection belongs to.
        text_or_null("manifest_ref"),
        // Flight or vessel number.
        text_or_null("carrier"),
        // Keyed hash of the passport number (as in `crossings`), NULL for consignments.
        text_or_null("traveller_key"),
        // Customs' own risk score, 0 to 1. Customs considers it sensitive.
        Field::new("risk_score", DataType::Float64, true),
    ])
}

fn health_screenings_hourly_schema() -> SchemaRef {
    located(vec![
        text("terminal"),
        Field::new("screened", DataType::Int64, false),
        Field::new("referred", DataType::Int64, false),
        Field::new("isolated", DataType::Int64, false),
        // NULL when nobody was screened in the hour.
        Field::new("mean_screening_min", DataType::Float64, true),
    ])
}

fn incidents_schema() -> SchemaRef {
    // Located by the time the incident was reported.
    located(vec![
        text_or_null("terminal"),
        text("incident_id"),
        // 'theft' | 'narcotics' | 'trafficking' | 'document_fraud' | 'security_threat'
        // | 'wanted_list'
        text("category"),
        Field::new("reported_at", utc_millis(), false),
        Field::new("responded_at", utc_millis(), true),
        Field::new("closed_at", utc_millis(), true),
        // The joint operation the incident belongs to, if any.
        text_or_null("operation_id"),
        Field::new("lanes_halted", DataType::Int32, false),
    ])
}

fn joint_operations_schema() -> SchemaRef {
    // Located by the operation's start.
    located(vec![
        // NULL: the whole port.
        text_or_null("terminal"),
        text("operation_id"),
        text("name"),
        Field::new("started_at", utc_millis(), false),
        Field::new("ended_at", utc_millis(), false),
        // The agencies taking part, sorted and comma-separated, from 'authority', 'customs',
        // 'immigration', 'police', 'quarantine'.
        text("agencies"),
        // Immigration lanes (counters or gates) closed while it ran.
        Field::new("lanes_halted", DataType::Int32, false),
    ])
}

fn flights_schema() -> SchemaRef {
    // Located by the actual on-block time, or the scheduled one when there is none.
    located(vec![
        text("terminal"),
        text("flight_id"),
        // Flight or vessel number, as BCM records it in `crossings.carrier`.
        text("carrier"),
        // IATA airport or UN/LOCODE port the flight or vessel came from.
        text("origin"),
        Field::new("scheduled_on_block_at", utc_millis(), false),
        // NULL: cancelled or not yet arrived.
        Field::new("actual_on_block_at", utc_millis(), true),
        Field::new("intl_pax", DataType::Int64, false),
        // Immigration counters staffed when it arrived.
        Field::new("counters_staffed", DataType::Int32, false),
    ])
}

fn exchanges_schema() -> SchemaRef {
    // Located by the time the message was produced.
    located(vec![
        text("message_id"),
        // Agencies: 'authority' | 'customs' | 'immigration' | 'police' | 'quarantine'
        text("sender"),
        text("receiver"),
        // 'manifest' | 'alert' | 'risk_profile'
        text("kind"),
        Field::new("produced_at", utc_millis(), false),
        // NULL when it never arrived.
        Field::new("received_at", utc_millis(), true),
        // 'delivered' | 'failed' | 'manual'
        text("status"),
        // What the message is about (a flight id, a manifest), if the sender says.
        text_or_null("reference"),
    ])
}
