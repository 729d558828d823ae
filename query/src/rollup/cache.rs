//! Decoded rollup objects kept in memory between queries.
//!
//! A rollup object is written once, under a name that fingerprints its sources, and never
//! rewritten: what a name holds never changes, so a decoded copy never goes stale, from
//! one lake version to the next. The dashboard's pages read the latest weeks of every
//! port again and again. From Parquet, every read opens hundreds of small objects (a
//! national year has 7,840 per rollup table) at about half a millisecond each, which made
//! the overview of 28 days take over a second; from memory the same query only filters
//! and aggregates.
//!
//! The cache holds at most its budget of decoded bytes (`[query] rollup_cache_mib`,
//! [`DEFAULT_BUDGET`] unless configured; 0 turns it off) and drops the objects used
//! longest ago first. A scan whose objects would take more than half the budget (a KPI
//! over a whole year) reads Parquet as before and leaves the cache alone, so that one long
//! query does not push out what the pages need. The memory is the server's, outside any
//! one query's memory limit.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use datafusion::arrow::record_batch::RecordBatch;

/// The budget when none is configured: at national scale a day of wait histograms for
/// every port decodes to about 3.6 MB, so 512 MiB holds the 56 days the overview compares
/// and the hourly counts of several years.
pub const DEFAULT_BUDGET: usize = 512 << 20;

/// How many bytes a rollup object takes decoded, per byte of Parquet: 5.3 for the wait
/// histograms and 0.9 for the hourly counts of a generated national year; the larger,
/// rounded up, to judge a scan before reading it.
const DECODED_PER_STORED_BYTE: u64 = 6;

/// Decoded rollup objects by object path, shared by every version a warehouse serves.
#[derive(Debug)]
pub struct RollupCache {
    budget: AtomicUsize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    entries: HashMap<String, Entry>,
    /// Decoded bytes held.
    used: usize,
    /// Counts uses, to find the object used longest ago.
    clock: u64,
}

#[derive(Debug)]
struct Entry {
    batches: Arc<[RecordBatch]>,
    bytes: usize,
    used_at: u64,
}

impl RollupCache {
    pub fn new(budget: usize) -> RollupCache {
        RollupCache {
            budget: AtomicUsize::new(budget),
            state: Mutex::new(State::default()),
        }
    }

    /// Changes the budget, dropping objects until what is held fits.
    pub fn set_budget(&self, budget: usize) {
        self.budget.store(budget, Ordering::Relaxed);
        let mut state = self.state();
        evict(&mut state, budget);
    }

    pub fn budget(&self) -> usize {
        self.budget.load(Ordering::Relaxed)
    }

    /// Decoded bytes held now.
    pub fn used(&self) -> usize {
        self.state().used
    }

    /// How many objects are held now.
    pub fn len(&self) -> usize {
        self.state().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether a scan of objects of `stored_bytes` Parquet bytes should go through the
    /// cache: it is on, and they would take at most half of it decoded.
    pub(crate) fn takes(&self, stored_bytes: u64) -> bool {
        let budget = self.budget() as u64;
        budget > 0 && stored_bytes.saturating_mul(DECODED_PER_STORED_BYTE) <= budget / 2
    }

    /// The decoded object at `path`, if held; it becomes the most recently used.
    pub(crate) fn get(&self, path: &str) -> Option<Arc<[RecordBatch]>> {
        let mut state = self.state();
        state.clock += 1;
        let now = state.clock;
        let entry = state.entries.get_mut(path)?;
        entry.used_at = now;
        Some(Arc::clone(&entry.batches))
    }

    /// Keeps the decoded object at `path`, dropping the least recently used objects while
    /// the budget is exceeded. An object larger than the whole budget is not kept.
    pub(crate) fn insert(&self, path: &str, batches: Arc<[RecordBatch]>) {
        let bytes = batches.iter().map(held_bytes).sum();
        let budget = self.budget();
        if bytes > budget {
            return;
        }
        let mut state = self.state();
        state.clock += 1;
        let entry = Entry {
            batches,
            bytes,
            used_at: state.clock,
        };
        if let Some(previous) = state.entries.insert(path.to_string(), entry) {
            state.used -= previous.bytes;
        }
        state.used += bytes;
        evict(&mut state, budget);
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is consistent between statements, so a panic elsewhere while the lock
        // was held leaves nothing half done.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The bytes `batch` holds. The batches of an object may be slices of one batch, so each
/// counts its own rows' share rather than the whole buffers it points into.
fn held_bytes(batch: &RecordBatch) -> usize {
    batch
        .columns()
        .iter()
        .map(|column| {
            column
                .to_data()
                .get_slice_memory_size()
                .unwrap_or_else(|_| column.get_array_memory_size())
        })
        .sum()
}

/// Drops the least recently used objects until `used` is within `budget`.
fn evict(state: &mut State, budget: usize) {
    if state.used <= budget {
        return;
    }
    let mut by_age: Vec<(u64, String)> = state
        .entries
        .iter()
        .map(|(path, entry)| (entry.used_at, path.clone()))
        .collect();
    by_age.sort_unstable();
    for (_, path) in by_age {
        if state.used <= budget {
            break;
        }
        if let Some(entry) = state.entries.remove(&path) {
            state.used -= entry.bytes;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::array::{ArrayRef, Int64Array};
    use datafusion::arrow::record_batch::RecordBatch;

    use super::RollupCache;

    /// One batch of `rows` 64-bit integers, and its size as the cache counts it.
    fn object(rows: i64) -> (Arc<[RecordBatch]>, usize) {
        let column: ArrayRef = Arc::new(Int64Array::from_iter_values(0..rows));
        let batch = RecordBatch::try_from_iter([("n", column)]).unwrap();
        let bytes = super::held_bytes(&batch);
        (Arc::from(vec![batch]), bytes)
    }

    #[test]
    fn slices_of_one_batch_count_their_own_rows_not_the_whole_buffers() {
        let (whole, size) = object(1000);
        assert_eq!(size, 1000 * 8);
        let halves: Arc<[RecordBatch]> =
            Arc::from(vec![whole[0].slice(0, 500), whole[0].slice(500, 500)]);
        let cache = RollupCache::new(size * 3);
        cache.insert("halves", halves);
        assert_eq!(
            cache.used(),
            size,
            "two halves hold one batch's bytes, not two"
        );
    }

    #[test]
    fn the_least_recently_used_objects_go_first_when_the_budget_is_exceeded() {
        let (a, size) = object(1000);
        let cache = RollupCache::new(size * 3);
        cache.insert("a", Arc::clone(&a));
        cache.insert("b", object(1000).0);
        cache.insert("c", object(1000).0);
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.used(), size * 3);
        // `a` is read again, so `b` is now the one used longest ago.
        assert!(cache.get("a").is_some());
        cache.insert("d", object(1000).0);
        assert!(cache.get("b").is_none(), "b was used longest ago");
        for kept in ["a", "c", "d"] {
            assert!(cache.get(kept).is_some(), "{kept} was dropped");
        }
        assert_eq!(cache.used(), size * 3);
        // The same object read back is the one that went in.
        assert_eq!(cache.get("a").unwrap()[0], a[0]);
    }

    #[test]
    fn a_smaller_budget_drops_objects_and_zero_turns_the_cache_off() {
        let (_, size) = object(1000);
        let cache = RollupCache::new(size * 4);
        for name in ["a", "b", "c", "d"] {
            cache.insert(name, object(1000).0);
        }
        cache.set_budget(size * 2);
        assert_eq!(cache.len(), 2);
        assert!(cache.get("c").is_some() && cache.get("d").is_some());
        cache.set_budget(0);
        assert!(cache.is_empty());
        assert_eq!(cache.used(), 0);
        cache.insert("e", object(10).0);
        assert!(cache.is_empty(), "nothing is kept with the cache off");
        assert!(!cache.takes(1));
    }

    #[test]
    fn an_object_larger_than_the_budget_is_not_kept_and_large_scans_bypass_the_cache() {
        let (_, size) = object(1000);
        let cache = RollupCache::new(size);
        cache.insert("big", object(5000).0);
        assert!(cache.is_empty());
        // Half of the budget, at six decoded bytes per stored byte.
        let half = (size / 2) as u64;
        assert!(cache.takes(half / 6));
        assert!(!cache.takes(half / 6 + 1));
    }
}
