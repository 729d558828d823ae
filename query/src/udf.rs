//! SQL functions Gerbang adds to DataFusion.
//!
//! `port_local_time(ts, zone)` shows a UTC timestamp as the wall-clock time of an IANA zone
//! (`'2026-10-20 07:00'`). DataFusion's `AT TIME ZONE` takes only a constant zone, but KPI
//! rows span ports in three Indonesian zones and the benchmark airports' zones.

use std::sync::Arc;

use chrono::DateTime;
use chrono_tz::Tz;
use datafusion::arrow::array::{Array, AsArray, StringBuilder};
use datafusion::arrow::datatypes::{DataType, TimeUnit, TimestampMillisecondType};
use datafusion::common::exec_err;
use datafusion::logical_expr::{ColumnarValue, ScalarUDF, Volatility, create_udf};

/// `port_local_time(timestamp_utc, zone) -> text`.
pub fn port_local_time() -> ScalarUDF {
    create_udf(
        "port_local_time",
        vec![
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
            DataType::Utf8,
        ],
        DataType::Utf8,
        Volatility::Immutable,
        Arc::new(|args: &[ColumnarValue]| {
            let arrays = ColumnarValue::values_to_arrays(args)?;
            let [times, zones] = arrays.as_slice() else {
                return exec_err!("port_local_time takes a timestamp and a zone name");
            };
            let times = times.as_primitive::<TimestampMillisecondType>();
            let zones = zones.as_string::<i32>();
            let mut out = StringBuilder::with_capacity(times.len(), times.len() * 16);
            for i in 0..times.len() {
                if times.is_null(i) || zones.is_null(i) {
                    out.append_null();
                    continue;
                }
                let Ok(zone) = zones.value(i).parse::<Tz>() else {
                    return exec_err!("port_local_time: '{}' is not an IANA zone", zones.value(i));
                };
                match DateTime::from_timestamp_millis(times.value(i)) {
                    Some(t) => out
                        .append_value(t.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()),
                    None => out.append_null(),
                }
            }
            Ok(ColumnarValue::Array(Arc::new(out.finish())))
        }),
    )
}
