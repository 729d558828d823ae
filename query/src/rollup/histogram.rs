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

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Float64Array, Int64Array, ListArray,
};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float64Type, Int64Type};
use datafusion::common::{Result, ScalarValue, plan_err};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, EmitTo, GroupsAccumulator, Signature, Volatility,
};

use crate::udf::passes;

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
    AggregateUDF::from(PercentileFromHistogram {
        signature: Signature::exact(
            vec![
                DataType::Int64,
                DataType::Int64,
                DataType::Float64,
                DataType::Float64,
                DataType::Float64,
            ],
            Volatility::Immutable,
        ),
    })
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct PercentileFromHistogram {
    signature: Signature,
}

fn percentile_argument(args: &AccumulatorArgs) -> Result<f64> {
    crate::udf::percentile_literal(
        args,
        "percentile_from_histogram",
        4,
        "bucket, travellers, min_minutes, max_minutes and a percentile",
    )
}

/// The partial state's four lists: buckets, travellers, smallest and largest minutes.
fn state_types() -> [DataType; 4] {
    let list = |item: DataType| DataType::List(Arc::new(Field::new("item", item, true)));
    [
        list(DataType::Int64),
        list(DataType::Int64),
        list(DataType::Float64),
        list(DataType::Float64),
    ]
}

impl AggregateUDFImpl for PercentileFromHistogram {
    fn name(&self) -> &str {
        "percentile_from_histogram"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let names = ["buckets", "travellers", "min_minutes", "max_minutes"];
        Ok(names
            .into_iter()
            .zip(state_types())
            .map(|(name, data_type)| {
                Arc::new(Field::new(
                    format_state_name(args.name, name),
                    data_type,
                    true,
                ))
            })
            .collect())
    }

    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(HistogramPercentile {
            p: percentile_argument(&args)?,
            histogram: Histogram::default(),
        }))
    }

    fn groups_accumulator_supported(&self, args: AccumulatorArgs) -> bool {
        !args.is_distinct
    }

    fn create_groups_accumulator(
        &self,
        args: AccumulatorArgs,
    ) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(HistogramPercentileGroups {
            p: percentile_argument(&args)?,
            groups: Vec::new(),
        }))
    }
}

/// The histogram rows of a batch as typed columns.
struct Rows<'a> {
    buckets: &'a Int64Array,
    travellers: &'a Int64Array,
    mins: &'a Float64Array,
    maxs: &'a Float64Array,
}

impl<'a> Rows<'a> {
    fn of(columns: [&'a ArrayRef; 4]) -> Rows<'a> {
        let [buckets, travellers, mins, maxs] = columns;
        Rows {
            buckets: buckets.as_primitive::<Int64Type>(),
            travellers: travellers.as_primitive::<Int64Type>(),
            mins: mins.as_primitive::<Float64Type>(),
            maxs: maxs.as_primitive::<Float64Type>(),
        }
    }

    fn len(&self) -> usize {
        self.buckets.len()
    }

    /// Row `row` as (bucket, travellers, min, max); `None` for a row with a NULL or a
    /// negative count, which no histogram counts.
    fn get(&self, row: usize) -> Option<(i64, u64, f64, f64)> {
        if self.buckets.is_null(row)
            || self.travellers.is_null(row)
            || self.mins.is_null(row)
            || self.maxs.is_null(row)
        {
            return None;
        }
        let count = u64::try_from(self.travellers.value(row)).ok()?;
        Some((
            self.buckets.value(row),
            count,
            self.mins.value(row),
            self.maxs.value(row),
        ))
    }
}

/// `percentile_from_histogram` for grouped aggregation: one histogram per group, added to
/// by group index, instead of one accumulator per group fed slices of every batch.
#[derive(Debug)]
struct HistogramPercentileGroups {
    p: f64,
    groups: Vec<Histogram>,
}

impl GroupsAccumulator for HistogramPercentileGroups {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        let [buckets, travellers, mins, maxs, ..] = values else {
            return plan_err!("percentile_from_histogram takes five arguments");
        };
        let rows = Rows::of([buckets, travellers, mins, maxs]);
        self.groups
            .resize_with(total_num_groups, Histogram::default);
        for (row, &group) in group_indices.iter().enumerate() {
            if !passes(opt_filter, row) {
                continue;
            }
            if let Some((bucket, count, low, high)) = rows.get(row) {
                self.groups[group].add(bucket, count, low, high);
            }
        }
        Ok(())
    }

    fn merge_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        total_num_groups: usize,
    ) -> Result<()> {
        let [buckets, travellers, mins, maxs] = values else {
            return plan_err!("percentile_from_histogram: a partial state has four lists");
        };
        let lists = [buckets, travellers, mins, maxs].map(|s| s.as_list::<i32>());
        // The four lists of a row have the same length; their values are read in place.
        let offsets = lists[0].value_offsets();
        let inner = lists.map(|list| list.values());
        let rows = Rows::of([inner[0], inner[1], inner[2], inner[3]]);
        self.groups
            .resize_with(total_num_groups, Histogram::default);
        for (row, &group) in group_indices.iter().enumerate() {
            if lists.iter().any(|list| list.is_null(row)) {
                continue;
            }
            let (start, end) = (offsets[row] as usize, offsets[row + 1] as usize);
            for index in start..end.min(rows.len()) {
                if let Some((bucket, count, low, high)) = rows.get(index) {
                    self.groups[group].add(bucket, count, low, high);
                }
            }
        }
        Ok(())
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        Ok(histogram_lists(&emit_to.take_needed(&mut self.groups)))
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let p = self.p;
        let result: Float64Array = emit_to
            .take_needed(&mut self.groups)
            .iter()
            .map(|histogram| histogram.percentile(p))
            .collect();
        Ok(Arc::new(result))
    }

    fn convert_to_state(
        &self,
        values: &[ArrayRef],
        opt_filter: Option<&BooleanArray>,
    ) -> Result<Vec<ArrayRef>> {
        let [buckets, travellers, mins, maxs, ..] = values else {
            return plan_err!("percentile_from_histogram takes five arguments");
        };
        let rows = Rows::of([buckets, travellers, mins, maxs]);
        let histograms: Vec<Histogram> = (0..rows.len())
            .map(|row| {
                let mut histogram = Histogram::default();
                if passes(opt_filter, row)
                    && let Some((bucket, count, low, high)) = rows.get(row)
                {
                    histogram.add(bucket, count, low, high);
                }
                histogram
            })
            .collect();
        Ok(histogram_lists(&histograms))
    }

    fn size(&self) -> usize {
        // An estimate: walking every group's buckets on every batch would cost more than
        // the aggregation. Groups hold a few dozen one-minute buckets each.
        std::mem::size_of_val(self)
            + self.groups.capacity() * std::mem::size_of::<Histogram>()
            + self.groups.len() * 32 * (std::mem::size_of::<i64>() + std::mem::size_of::<Bucket>())
    }
}

/// The four state lists of `histograms`, one row per histogram.
fn histogram_lists(histograms: &[Histogram]) -> Vec<ArrayRef> {
    let offsets = OffsetBuffer::from_lengths(histograms.iter().map(|h| h.buckets.len()));
    let buckets = || histograms.iter().flat_map(Histogram::iter);
    let columns: [ArrayRef; 4] = [
        Arc::new(Int64Array::from_iter_values(buckets().map(|(k, _)| *k))),
        Arc::new(Int64Array::from_iter_values(
            buckets().map(|(_, b)| i64::try_from(b.travellers).unwrap_or(i64::MAX)),
        )),
        Arc::new(Float64Array::from_iter_values(
            buckets().map(|(_, b)| b.min_minutes),
        )),
        Arc::new(Float64Array::from_iter_values(
            buckets().map(|(_, b)| b.max_minutes),
        )),
    ];
    columns
        .into_iter()
        .map(|values| {
            let field = Arc::new(Field::new("item", values.data_type().clone(), true));
            Arc::new(ListArray::new(field, offsets.clone(), values, None)) as ArrayRef
        })
        .collect()
}

#[derive(Debug)]
struct HistogramPercentile {
    p: f64,
    histogram: Histogram,
}

impl HistogramPercentile {
    fn add_rows(&mut self, columns: [&ArrayRef; 4]) {
        let rows = Rows::of(columns);
        for row in 0..rows.len() {
            if let Some((bucket, count, low, high)) = rows.get(row) {
                self.histogram.add(bucket, count, low, high);
            }
        }
    }
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
        histogram_lists(std::slice::from_ref(&self.histogram))
            .iter()
            .map(|list| ScalarValue::try_from_array(list, 0))
            .collect()
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
    use datafusion::arrow::datatypes::Schema;
    use datafusion::arrow::record_batch::RecordBatch;

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

    /// `percentile_from_histogram` grouped over many batches in four partitions (partial
    /// states merged), with and without DataFusion skipping the partial aggregation, gives
    /// each group's `Histogram::percentile`, FILTER and NULL rows included.
    #[tokio::test]
    async fn grouped_sql_matches_the_histogram_of_each_group_through_every_path() {
        use datafusion::datasource::MemTable;
        use datafusion::prelude::{SessionConfig, SessionContext};
        use std::collections::BTreeMap;

        let mut rng = ChaCha8Rng::seed_from_u64(3);
        // (group, bucket, travellers, min, max), some travellers NULL.
        let rows: Vec<(i64, i64, Option<i64>, f64, f64)> = (0..30_000)
            .map(|_| {
                let bucket = rng.random_range(0..60);
                let low = bucket as f64 - 1.0 + rng.random_range(0.01..0.5);
                let high = low + rng.random_range(0.0..0.49);
                let travellers = (rng.random_range(0..40) != 0).then(|| rng.random_range(0..30));
                (rng.random_range(0..200), bucket, travellers, low, high)
            })
            .collect();
        let schema = Arc::new(Schema::new(vec![
            Field::new("g", DataType::Int64, false),
            Field::new("bucket", DataType::Int64, false),
            Field::new("travellers", DataType::Int64, true),
            Field::new("min_minutes", DataType::Float64, false),
            Field::new("max_minutes", DataType::Float64, false),
        ]));
        let batches: Vec<RecordBatch> = rows
            .chunks(900)
            .map(|chunk| {
                let columns: Vec<ArrayRef> = vec![
                    Arc::new(Int64Array::from_iter_values(chunk.iter().map(|r| r.0))),
                    Arc::new(Int64Array::from_iter_values(chunk.iter().map(|r| r.1))),
                    Arc::new(Int64Array::from_iter(chunk.iter().map(|r| r.2))),
                    Arc::new(Float64Array::from_iter_values(chunk.iter().map(|r| r.3))),
                    Arc::new(Float64Array::from_iter_values(chunk.iter().map(|r| r.4))),
                ];
                RecordBatch::try_new(Arc::clone(&schema), columns).unwrap()
            })
            .collect();
        let partitions: Vec<Vec<RecordBatch>> = (0..4)
            .map(|i| batches.iter().skip(i).step_by(4).cloned().collect())
            .collect();
        let mut expected: BTreeMap<i64, (Histogram, Histogram)> = BTreeMap::new();
        for &(group, bucket, travellers, low, high) in &rows {
            let entry = expected.entry(group).or_default();
            if let Some(count) = travellers {
                entry.0.add(bucket, count as u64, low, high);
                if bucket > 20 {
                    entry.1.add(bucket, count as u64, low, high);
                }
            }
        }

        for skip_partial in [false, true] {
            let mut config = SessionConfig::new().with_target_partitions(4);
            if skip_partial {
                let options = config.options_mut();
                options
                    .execution
                    .skip_partial_aggregation_probe_rows_threshold = 1;
                options
                    .execution
                    .skip_partial_aggregation_probe_ratio_threshold = 0.0;
            }
            let ctx = SessionContext::new_with_config(config);
            ctx.register_udaf(percentile_from_histogram());
            let table = MemTable::try_new(Arc::clone(&schema), partitions.clone()).unwrap();
            ctx.register_table("h", Arc::new(table)).unwrap();
            let result = ctx
                .sql(
                    "SELECT g, \
                     percentile_from_histogram(bucket, travellers, min_minutes, max_minutes, 0.9), \
                     percentile_from_histogram(bucket, travellers, min_minutes, max_minutes, 0.5) \
                       FILTER (WHERE bucket > 20) \
                     FROM h GROUP BY g ORDER BY g",
                )
                .await
                .unwrap()
                .collect()
                .await
                .unwrap();
            let mut seen = 0;
            for batch in &result {
                let groups = batch.column(0).as_primitive::<Int64Type>();
                let p90 = batch.column(1).as_primitive::<Float64Type>();
                let p50 = batch.column(2).as_primitive::<Float64Type>();
                for row in 0..batch.num_rows() {
                    let (all, over) = &expected[&groups.value(row)];
                    let got = |a: &Float64Array| a.is_valid(row).then(|| a.value(row));
                    assert_eq!(got(p90), all.percentile(0.9), "skip {skip_partial}");
                    assert_eq!(got(p50), over.percentile(0.5), "skip {skip_partial}");
                    seen += 1;
                }
            }
            assert_eq!(seen, expected.len());
        }
    }
}
