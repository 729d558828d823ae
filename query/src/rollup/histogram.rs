//! Wait-time histograms and the percentile read from them.
//!
//! Bucket `k` holds the minutes in `(k − 1, k]` (the ceiling of the minutes), and records
//! how many travellers fell in it and the smallest and largest of their minutes. Buckets
//! close at the top, like the CBP report's "16-30" buckets, so that "waited longer than T"
//! and "cleared within T" are exact bucket sums for any whole-minute target T; the MoU's
//! wait threshold is one by validation (`targets.rs`).
//!
//! The percentile reads the histogram the way `percentile_linear` reads the values: rank
//! `p × (n − 1)`, linear interpolation between the values at the two neighbouring ranks.
//! The value at a rank is estimated inside its bucket, spread evenly from the bucket's
//! smallest to its largest value. That estimate is never a minute off:
//! - the buckets are ordered like their values, so the k-th smallest value `x_k` lies in the
//!   bucket whose cumulative count covers rank k;
//! - the estimate `e_k` lies between that bucket's smallest and largest value, and so does
//!   `x_k`, so `|e_k − x_k| ≤ max − min < 1` (both lie in the same half-open minute);
//! - the percentile is the same weighted mean of `e_lo`, `e_hi` as the exact one is of
//!   `x_lo`, `x_hi`, so its error is below one minute too.
//!
//! A bucket whose travellers all waited the same, a single traveller, and the smallest and
//! largest value of every bucket come out exact.

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, Int64Array, ListArray};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Int64Type, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::{Result, ScalarValue, plan_err};
use datafusion::logical_expr::function::AccumulatorArgs;
use datafusion::logical_expr::{Accumulator, AggregateUDF, ColumnarValue, Volatility, create_udaf};

/// The histogram bucket of a duration in minutes: its ceiling, so bucket `k` is `(k − 1, k]`.
/// The rollup SQL computes the same with `CAST(ceil(minutes) AS BIGINT)`.
pub fn bucket_of(minutes: f64) -> i64 {
    minutes.ceil() as i64
}

/// One bucket: how many travellers, and the range of their minutes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    pub travellers: u64,
    pub min_minutes: f64,
    pub max_minutes: f64,
}

/// A sparse histogram of minutes: only buckets somebody fell in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Histogram {
    buckets: BTreeMap<i64, Bucket>,
}

impl Histogram {
    /// The histogram of `minutes`, bucketed as the rollups bucket them.
    pub fn from_minutes(minutes: &[f64]) -> Histogram {
        let mut histogram = Histogram::default();
        for &value in minutes {
            histogram.add(bucket_of(value), 1, value, value);
        }
        histogram
    }

    /// Adds travellers to a bucket; a bucket given twice (two hours, two lanes) is merged.
    pub fn add(&mut self, bucket: i64, travellers: u64, min_minutes: f64, max_minutes: f64) {
        if travellers == 0 {
            return;
        }
        self.buckets
            .entry(bucket)
            .and_modify(|b| {
                b.travellers += travellers;
                b.min_minutes = b.min_minutes.min(min_minutes);
                b.max_minutes = b.max_minutes.max(max_minutes);
            })
            .or_insert(Bucket {
                travellers,
                min_minutes,
                max_minutes,
            });
    }

    /// Every traveller counted.
    pub fn travellers(&self) -> u64 {
        self.buckets.values().map(|b| b.travellers).sum()
    }

    /// The percentile `p` (0 to 1), within a minute of `percentile_linear` on the values;
    /// `None` for an empty histogram.
    pub fn percentile(&self, p: f64) -> Option<f64> {
        let n = self.travellers();
        if n == 0 {
            return None;
        }
        let rank = p * (n - 1) as f64;
        let lower = rank.floor() as u64;
        let upper = rank.ceil() as u64;
        let weight = rank - lower as f64;
        let at_lower = self.value_at(lower)?;
        let at_upper = if upper == lower {
            at_lower
        } else {
            self.value_at(upper)?
        };
        Some(at_lower + (at_upper - at_lower) * weight)
    }

    /// The estimated value of the traveller at `rank` (0 = shortest).
    fn value_at(&self, rank: u64) -> Option<f64> {
        let mut before = 0;
        for bucket in self.buckets.values() {
            if rank < before + bucket.travellers {
                let within = rank - before;
                if bucket.travellers == 1 {
                    return Some(bucket.min_minutes);
                }
                let share = within as f64 / (bucket.travellers - 1) as f64;
                return Some(
                    bucket.min_minutes + (bucket.max_minutes - bucket.min_minutes) * share,
                );
            }
            before += bucket.travellers;
        }
        None
    }

    fn iter(&self) -> impl Iterator<Item = (&i64, &Bucket)> {
        self.buckets.iter()
    }
}

/// `percentile_from_histogram(bucket BIGINT, travellers BIGINT, min_minutes DOUBLE,
/// max_minutes DOUBLE, p DOUBLE literal) -> DOUBLE`: the percentile of the histogram rows
/// of the group, which may come from any number of hours, lanes or days.
///
/// # Example
/// ```sql
/// SELECT port, percentile_from_histogram(bucket, travellers, min_minutes, max_minutes, 0.9)
/// FROM rollup_wait_histogram WHERE measure = 'clearance' GROUP BY port
/// ```
pub fn percentile_from_histogram() -> AggregateUDF {
    let list = |item: DataType| DataType::List(Arc::new(Field::new("item", item, true)));
    create_udaf(
        "percentile_from_histogram",
        vec![
            DataType::Int64,
            DataType::Int64,
            DataType::Float64,
            DataType::Float64,
            DataType::Float64,
        ],
        Arc::new(DataType::Float64),
        Volatility::Immutable,
        Arc::new(|args: AccumulatorArgs| {
            let Some(p_expr) = args.exprs.get(4) else {
                return plan_err!(
                    "percentile_from_histogram takes bucket, travellers, min_minutes, \
                     max_minutes and a percentile"
                );
            };
            let empty = RecordBatch::new_empty(Arc::new(Schema::empty()));
            let p = match p_expr.evaluate(&empty)? {
                ColumnarValue::Scalar(ScalarValue::Float64(Some(p))) => p,
                _ => {
                    return plan_err!(
                        "percentile_from_histogram: the percentile must be a number literal"
                    );
                }
            };
            if !(0.0..=1.0).contains(&p) {
                return plan_err!(
                    "percentile_from_histogram: the percentile {p} is not between 0 and 1"
                );
            }
            Ok(Box::new(HistogramPercentile {
                p,
                histogram: Histogram::default(),
            }))
        }),
        Arc::new(vec![
            list(DataType::Int64),
            list(DataType::Int64),
            list(DataType::Float64),
            list(DataType::Float64),
        ]),
    )
}

#[derive(Debug)]
struct HistogramPercentile {
    p: f64,
    histogram: Histogram,
}

impl HistogramPercentile {
    fn add_rows(&mut self, columns: [&ArrayRef; 4]) {
        let [buckets, travellers, mins, maxs] = columns;
        let buckets = buckets.as_primitive::<Int64Type>();
        let travellers = travellers.as_primitive::<Int64Type>();
        let mins = mins.as_primitive::<Float64Type>();
        let maxs = maxs.as_primitive::<Float64Type>();
        for row in 0..buckets.len() {
            if buckets.is_null(row)
                || travellers.is_null(row)
                || mins.is_null(row)
                || maxs.is_null(row)
            {
                continue;
            }
            let Ok(count) = u64::try_from(travellers.value(row)) else {
                continue;
            };
            self.histogram
                .add(buckets.value(row), count, mins.value(row), maxs.value(row));
        }
    }
}

fn one_list(values: ArrayRef) -> ScalarValue {
    let field = Arc::new(Field::new("item", values.data_type().clone(), true));
    ScalarValue::List(Arc::new(ListArray::new(
        field,
        OffsetBuffer::from_lengths([values.len()]),
        values,
        None,
    )))
}

impl Accumulator for HistogramPercentile {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let [buckets, travellers, mins, maxs, ..] = values else {
            return plan_err!("percentile_from_histogram takes five arguments");
        };
        self.add_rows([buckets, travellers, mins, maxs]);
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let [buckets, travellers, mins, maxs] = states else {
            return plan_err!("percentile_from_histogram: a partial state has four lists");
        };
        let lists = [buckets, travellers, mins, maxs].map(|s| s.as_list::<i32>());
        for row in 0..lists[0].len() {
            if lists.iter().any(|list| list.is_null(row)) {
                continue;
            }
            let [b, t, lo, hi] = lists.map(|list| list.value(row));
            self.add_rows([&b, &t, &lo, &hi]);
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let buckets: Vec<_> = self.histogram.iter().collect();
        let ints = |f: &dyn Fn(&(&i64, &Bucket)) -> i64| -> ArrayRef {
            Arc::new(Int64Array::from_iter_values(buckets.iter().map(f)))
        };
        let floats = |f: &dyn Fn(&(&i64, &Bucket)) -> f64| -> ArrayRef {
            Arc::new(Float64Array::from_iter_values(buckets.iter().map(f)))
        };
        Ok(vec![
            one_list(ints(&|(k, _)| **k)),
            one_list(ints(&|(_, b)| {
                i64::try_from(b.travellers).unwrap_or(i64::MAX)
            })),
            one_list(floats(&|(_, b)| b.min_minutes)),
            one_list(floats(&|(_, b)| b.max_minutes)),
        ])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Float64(self.histogram.percentile(self.p)))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
            + self.histogram.buckets.len()
                * (std::mem::size_of::<i64>() + std::mem::size_of::<Bucket>())
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::udf::linear_percentile;

    #[test]
    fn buckets_close_at_the_top_so_whole_minute_targets_are_exact() {
        assert_eq!(bucket_of(0.0), 0);
        assert_eq!(bucket_of(0.01), 1);
        assert_eq!(
            bucket_of(30.0),
            30,
            "30 minutes is not over a 30-minute threshold"
        );
        assert_eq!(bucket_of(30.000_1), 31);
    }

    #[test]
    fn a_single_value_and_all_equal_values_come_out_exact() {
        let one = Histogram::from_minutes(&[12.25]);
        assert_eq!(one.percentile(0.5), Some(12.25));
        let same = Histogram::from_minutes(&[7.5; 40]);
        for p in [0.0, 0.5, 0.9, 0.95, 1.0] {
            assert_eq!(same.percentile(p), Some(7.5));
        }
        assert_eq!(Histogram::default().percentile(0.5), None);
    }

    #[test]
    fn hand_worked_histogram() {
        // 12 15 23 31 44 (the clearance_hourly fixture): buckets 12, 15, 23, 31, 44 hold one
        // value each, so every rank is exact: p90 at rank 3.6 = 31 + 0.6 × 13 = 38.8.
        let h = Histogram::from_minutes(&[12.0, 15.0, 23.0, 31.0, 44.0]);
        assert!((h.percentile(0.9).unwrap() - 38.8).abs() < 1e-9);
        // 10.2 10.4 10.9 in bucket 11 (min 10.2, max 10.9) and 20.0 in bucket 20.
        // p50: rank 1.5, between rank 1 (estimated 10.55, the bucket's middle; really 10.4)
        // and rank 2 (10.9 exact): 10.725 against the exact 10.65.
        let h = Histogram::from_minutes(&[10.4, 20.0, 10.9, 10.2]);
        assert!((h.percentile(0.5).unwrap() - 10.725).abs() < 1e-9);
        assert_eq!(h.percentile(1.0), Some(20.0));
    }

    /// Samples of every shape the property must hold for.
    fn sample(rng: &mut ChaCha8Rng, shape: usize) -> Vec<f64> {
        let n = match rng.random_range(0..4) {
            0 => rng.random_range(1..=5),
            1 => rng.random_range(1..=100),
            _ => rng.random_range(1..=5000),
        };
        let mut values = Vec::with_capacity(n);
        let constant = rng.random_range(0.0..200.0);
        for _ in 0..n {
            let u: f64 = rng.random_range(0.0..1.0);
            let value = match shape {
                // Uniform over a short and a long range.
                0 => u * 3.0,
                1 => u * 600.0,
                // Long-tailed: exponential with a 12-minute mean, and Pareto.
                2 => -(1.0 - u).ln() * 12.0,
                3 => 2.0 * (1.0 - u).powf(-1.0 / 1.3),
                // All equal.
                4 => constant,
                // Exactly on minute boundaries.
                5 => f64::from(rng.random_range(0..90)),
                // Whole seconds, as BCM's millisecond times mostly give.
                6 => f64::from(rng.random_range(0..5400)) / 60.0,
                // Two clusters far apart (a quiet lane and a jammed one).
                _ => {
                    if u < 0.8 {
                        u * 5.0
                    } else {
                        300.0 + u * 100.0
                    }
                }
            };
            values.push(value.min(1439.99));
        }
        values
    }

    /// Seeded loops rather than proptest: the shapes above are the cases that matter, and
    /// a failure names its seed and shape, which is enough to replay it.
    #[test]
    fn histogram_percentiles_are_within_one_minute_of_exact_percentiles() {
        let mut worst: f64 = 0.0;
        for seed in 0..400u64 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let shape = (seed % 8) as usize;
            let mut values = sample(&mut rng, shape);
            let histogram = Histogram::from_minutes(&values);
            assert_eq!(histogram.travellers(), values.len() as u64);
            for p in [
                0.0,
                0.05,
                0.5,
                0.9,
                0.95,
                0.99,
                1.0,
                rng.random_range(0.0..1.0),
            ] {
                let exact = linear_percentile(&mut values, p).unwrap();
                let estimate = histogram.percentile(p).unwrap();
                let error = (estimate - exact).abs();
                worst = worst.max(error);
                assert!(
                    error <= 1.0,
                    "seed {seed}, shape {shape}, n {}, p {p}: histogram {estimate} vs exact {exact}",
                    values.len()
                );
            }
        }
        assert!(worst > 0.0, "the samples exercise the estimate");
    }

    #[test]
    fn merging_buckets_from_several_hours_keeps_the_bound() {
        // The same data split over hours and merged row by row, as a weekly KPI does.
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut values = sample(&mut rng, 2);
        let mut merged = Histogram::default();
        for chunk in values.chunks(37) {
            for (bucket, b) in Histogram::from_minutes(chunk).iter() {
                merged.add(*bucket, b.travellers, b.min_minutes, b.max_minutes);
            }
        }
        assert_eq!(merged, Histogram::from_minutes(&values));
        let exact = linear_percentile(&mut values, 0.95).unwrap();
        assert!((merged.percentile(0.95).unwrap() - exact).abs() <= 1.0);
    }
}
