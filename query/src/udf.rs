//! SQL functions Gerbang adds to DataFusion.
//!
//! - `port_local_time(ts, zone)` shows a UTC timestamp as the wall-clock time of an IANA
//!   zone (`'2026-10-20 07:00'`). DataFusion's `AT TIME ZONE` takes only a constant zone,
//!   but KPI rows span ports in three Indonesian zones and the benchmark airports' zones.
//! - `percentile_linear(value, p)` is the percentile the KPI definitions sign off: linear
//!   interpolation between the two nearest values at rank `p × (n − 1)`, NULLs ignored.
//!   DataFusion's own `percentile_cont` rounds the interpolation weight down to a
//!   millionth, so its p95 of 500 and 5000 ms came out 4549.9955 instead of 4550.
//! - `suppress_small(count)` is an enforcement count as shown to someone without detail
//!   rights on its dataset: `'<5'` for 1 to 4 (a handful of refusals or seizures at one port
//!   on one day can point at a person), the number as text otherwise, NULL for NULL.

use std::sync::Arc;

use std::fmt::Debug;

use chrono::DateTime;
use chrono_tz::Tz;
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Float64Array, RecordBatch, StringBuilder,
};
use datafusion::arrow::datatypes::{
    DataType, Field, Float64Type, Int64Type, Schema, TimeUnit, TimestampMillisecondType,
};
use datafusion::common::{Result, ScalarValue, exec_err, plan_err};
use datafusion::logical_expr::function::AccumulatorArgs;
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, ColumnarValue, ScalarUDF, Volatility, create_udaf, create_udf,
};

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

/// `suppress_small(count BIGINT) -> text`: see [`small_count_shown`].
///
/// # Example
/// ```sql
/// SELECT suppress_small(3), suppress_small(5), suppress_small(0)  -- '<5', '5', '0'
/// ```
pub fn suppress_small() -> ScalarUDF {
    create_udf(
        "suppress_small",
        vec![DataType::Int64],
        DataType::Utf8,
        Volatility::Immutable,
        Arc::new(|args: &[ColumnarValue]| {
            let arrays = ColumnarValue::values_to_arrays(args)?;
            let [counts] = arrays.as_slice() else {
                return exec_err!("suppress_small takes one count");
            };
            let counts = counts.as_primitive::<Int64Type>();
            let mut out = StringBuilder::with_capacity(counts.len(), counts.len() * 4);
            for count in counts.iter() {
                out.append_option(count.map(small_count_shown));
            }
            Ok(ColumnarValue::Array(Arc::new(out.finish())))
        }),
    )
}

/// Counts below this, except zero, are shown as `'<5'` without detail rights.
pub const SMALL_COUNT_LIMIT: i64 = 5;

/// An enforcement count as someone without detail rights sees it: `"<5"` for 1 to 4, the
/// number otherwise (zero is shown: that nothing happened reveals nobody).
pub fn small_count_shown(count: i64) -> String {
    if (1..SMALL_COUNT_LIMIT).contains(&count) {
        format!("<{SMALL_COUNT_LIMIT}")
    } else {
        count.to_string()
    }
}

/// `percentile_linear(value DOUBLE, p DOUBLE literal) -> DOUBLE`.
pub fn percentile_linear() -> AggregateUDF {
    create_udaf(
        "percentile_linear",
        vec![DataType::Float64, DataType::Float64],
        Arc::new(DataType::Float64),
        Volatility::Immutable,
        Arc::new(|args: AccumulatorArgs| {
            let Some(p_expr) = args.exprs.get(1) else {
                return plan_err!("percentile_linear takes a value and a percentile");
            };
            let empty = RecordBatch::new_empty(Arc::new(Schema::empty()));
            let p = match p_expr.evaluate(&empty)? {
                ColumnarValue::Scalar(ScalarValue::Float64(Some(p))) => p,
                _ => {
                    return plan_err!("percentile_linear: the percentile must be a number literal");
                }
            };
            if !(0.0..=1.0).contains(&p) {
                return plan_err!("percentile_linear: the percentile {p} is not between 0 and 1");
            }
            Ok(Box::new(LinearPercentile {
                p,
                values: Vec::new(),
            }))
        }),
        Arc::new(vec![DataType::List(Arc::new(Field::new(
            "item",
            DataType::Float64,
            true,
        )))]),
    )
}

/// Keeps every non-NULL value of the group; the percentile needs them all.
#[derive(Debug)]
struct LinearPercentile {
    p: f64,
    values: Vec<f64>,
}

impl Accumulator for LinearPercentile {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let Some(column) = values.first() else {
            return Ok(());
        };
        let column = column.as_primitive::<Float64Type>();
        self.values
            .extend(column.iter().flatten().filter(|v| !v.is_nan()));
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let Some(lists) = states.first() else {
            return Ok(());
        };
        for list in lists.as_list::<i32>().iter().flatten() {
            self.values
                .extend(list.as_primitive::<Float64Type>().iter().flatten());
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let values: ArrayRef = Arc::new(Float64Array::from(std::mem::take(&mut self.values)));
        Ok(vec![ScalarValue::List(Arc::new(
            datafusion::arrow::array::ListArray::new(
                Arc::new(Field::new("item", DataType::Float64, true)),
                datafusion::arrow::buffer::OffsetBuffer::from_lengths([values.len()]),
                values,
                None,
            ),
        ))])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Float64(linear_percentile(
            &mut self.values,
            self.p,
        )))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.values.capacity() * std::mem::size_of::<f64>()
    }
}

/// The percentile `p` of `values` by linear interpolation at rank `p × (n − 1)`.
pub fn linear_percentile(values: &mut [f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let rank = p * (values.len() - 1) as f64;
    let lower = rank.floor() as usize;
    let upper = rank.ceil() as usize;
    let weight = rank - lower as f64;
    Some(values[lower] + (values[upper] - values[lower]) * weight)
}

#[cfg(test)]
mod tests {
    use super::{linear_percentile, small_count_shown, suppress_small};
    use datafusion::arrow::array::AsArray;
    use datafusion::arrow::compute::cast;
    use datafusion::arrow::datatypes::DataType;
    use datafusion::prelude::SessionContext;

    #[test]
    fn small_enforcement_counts_are_shown_as_under_five() {
        let shown: Vec<String> = [0, 1, 4, 5, 6, 1234].map(small_count_shown).into();
        assert_eq!(shown, ["0", "<5", "<5", "5", "6", "1234"]);
    }

    #[tokio::test]
    async fn suppress_small_in_sql_keeps_nulls_and_takes_any_integer() {
        let ctx = SessionContext::new();
        ctx.register_udf(suppress_small());
        let batches = ctx
            .sql(
                "SELECT suppress_small(n) AS shown FROM (VALUES \
                 (CAST(0 AS INT)), (3), (NULL), (4), (5)) AS t(n)",
            )
            .await
            .unwrap()
            .collect()
            .await
            .unwrap();
        let shown: Vec<Option<String>> = batches
            .iter()
            .flat_map(|b| {
                let column = cast(b.column(0), &DataType::Utf8).unwrap();
                column
                    .as_string::<i32>()
                    .iter()
                    .map(|v| v.map(str::to_string))
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(
            shown,
            [Some("0"), Some("<5"), None, Some("<5"), Some("5")].map(|v| v.map(str::to_string))
        );
    }

    #[test]
    fn interpolates_between_the_nearest_values() {
        assert_eq!(
            linear_percentile(&mut [500.0, 5000.0, 300.0], 0.95),
            Some(4550.0)
        );
        assert_eq!(
            linear_percentile(&mut [12.0, 15.0, 23.0, 31.0, 44.0], 0.5),
            Some(23.0)
        );
        let p90 = linear_percentile(&mut [12.0, 15.0, 23.0, 31.0, 44.0], 0.9).unwrap();
        assert!((p90 - 38.8).abs() < 1e-9);
        assert_eq!(linear_percentile(&mut [7.0], 0.9), Some(7.0));
        assert_eq!(linear_percentile(&mut [], 0.9), None);
    }
}
