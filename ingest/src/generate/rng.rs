//! Deterministic randomness for the feed generator.
//!
//! Everything the generator draws comes from one of two sources, both fully determined by
//! the user's seed:
//! - a [`ChaCha8Rng`] per port and local day (and purpose), seeded from a stable hash of
//!   `seed`, port code, date and a purpose label, so that generating one port or one night
//!   alone produces the same bytes as generating it inside a full run;
//! - a tiny [`SplitMix`] stream per traveller "slot", so that a traveller's identity
//!   (passport, name, nationality) can be recomputed from another day without replaying
//!   that day.
//!
//! The hash is written out here (SplitMix64 finaliser over FNV-1a) rather than taken from
//! `std`, whose hasher is not guaranteed stable across Rust releases.

use chrono::{Datelike, NaiveDate};
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// SplitMix64 finaliser: a strong 64-bit mixing function.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// A stable, order-sensitive hash builder used to derive every seed in the generator.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Key(u64);

impl Key {
    pub(crate) fn new(seed: u64) -> Self {
        Key(mix64(seed ^ 0x4745_5242_414E_4721)) // "GERBANG!"
    }

    pub(crate) fn str(self, s: &str) -> Self {
        Key(mix64(self.0 ^ fnv1a(s.as_bytes())))
    }

    pub(crate) fn num(self, v: u64) -> Self {
        Key(mix64(self.0 ^ mix64(v)))
    }

    pub(crate) fn date(self, d: NaiveDate) -> Self {
        // Days since the common era, offset so it is non-negative for every chrono date.
        let days = i64::from(d.num_days_from_ce()) + (1 << 32);
        self.num(days.unsigned_abs())
    }

    pub(crate) fn value(self) -> u64 {
        self.0
    }

    pub(crate) fn chacha(self) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(self.0)
    }
}

/// SplitMix64: a very small, fast generator used for per-traveller identity streams.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix(u64);

impl SplitMix {
    pub(crate) fn new(state: u64) -> Self {
        SplitMix(state)
    }
}

impl RngCore for SplitMix {
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        rand::rand_core::impls::fill_bytes_via_next(self, dst);
    }
}

/// Uniform draw in `[0, 1)`.
pub(crate) fn unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    rng.random::<f64>()
}

/// Uniform integer in `[0, n)`; `n == 0` gives 0.
pub(crate) fn below<R: Rng + ?Sized>(rng: &mut R, n: u64) -> u64 {
    if n == 0 { 0 } else { rng.random_range(0..n) }
}

/// Uniform draw in `[lo, hi)`.
pub(crate) fn uniform<R: Rng + ?Sized>(rng: &mut R, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * unit(rng)
}

/// Standard normal draw (Box–Muller, one value per call).
pub(crate) fn normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    // 1 - u is in (0, 1], so the logarithm is finite.
    let u1 = 1.0 - unit(rng);
    let u2 = unit(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Lognormal draw with the given median and log-scale spread.
pub(crate) fn lognormal<R: Rng + ?Sized>(rng: &mut R, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// Exponential draw with the given mean.
pub(crate) fn exponential<R: Rng + ?Sized>(rng: &mut R, mean: f64) -> f64 {
    -mean * (1.0 - unit(rng)).ln()
}

/// Triangular draw on `[lo, hi]` with the given mode.
pub(crate) fn triangular<R: Rng + ?Sized>(rng: &mut R, lo: f64, mode: f64, hi: f64) -> f64 {
    let u = unit(rng);
    let c = (mode - lo) / (hi - lo);
    if u < c {
        lo + ((hi - lo) * (mode - lo) * u).sqrt()
    } else {
        hi - ((hi - lo) * (hi - mode) * (1.0 - u)).sqrt()
    }
}

/// Poisson draw: exact (Knuth) for small means, rounded normal approximation above 30.
pub(crate) fn poisson<R: Rng + ?Sized>(rng: &mut R, lambda: f64) -> u64 {
    if !lambda.is_finite() || lambda <= 0.0 {
        return 0;
    }
    if lambda < 30.0 {
        let limit = (-lambda).exp();
        let mut k = 0u64;
        let mut p = unit(rng);
        while p > limit {
            k += 1;
            p *= unit(rng);
        }
        k
    } else {
        let x = (lambda + lambda.sqrt() * normal(rng)).round();
        if x <= 0.0 { 0 } else { x as u64 }
    }
}

/// A discrete distribution over indices, drawn by binary search on cumulative weights.
#[derive(Debug, Clone)]
pub(crate) struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    /// Builds from non-negative weights; returns `None` when they sum to zero.
    pub(crate) fn new<I: IntoIterator<Item = f64>>(weights: I) -> Option<Self> {
        let mut total = 0.0;
        let cumulative: Vec<f64> = weights
            .into_iter()
            .map(|w| {
                total += if w.is_finite() && w > 0.0 { w } else { 0.0 };
                total
            })
            .collect();
        if total > 0.0 {
            Some(Weighted { cumulative })
        } else {
            None
        }
    }

    pub(crate) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = unit(rng) * total;
        let i = self.cumulative.partition_point(|c| *c <= x);
        i.min(self.cumulative.len().saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_rng_poisson_mean_is_close() {
        let mut rng = Key::new(7).chacha();
        for lambda in [3.0, 25.0, 400.0] {
            let n = 20_000;
            let sum: u64 = (0..n).map(|_| poisson(&mut rng, lambda)).sum();
            let mean = sum as f64 / n as f64;
            assert!(
                (mean - lambda).abs() < lambda.sqrt() * 0.1 + 0.05,
                "lambda {lambda} mean {mean}"
            );
        }
    }

    #[test]
    fn generate_rng_weighted_respects_zero_weights() {
        let w = Weighted::new([0.0, 1.0, 0.0, 3.0]).expect("non-zero weights");
        let mut rng = SplitMix::new(1);
        let mut counts = [0u32; 4];
        for _ in 0..10_000 {
            counts[w.sample(&mut rng)] += 1;
        }
        assert_eq!(counts[0], 0);
        assert_eq!(counts[2], 0);
        assert!(counts[3] > 2 * counts[1]);
        assert!(Weighted::new([0.0, 0.0]).is_none());
    }

    #[test]
    fn generate_rng_keys_are_order_sensitive() {
        let a = Key::new(1).str("CGK").num(2).value();
        let b = Key::new(1).num(2).str("CGK").value();
        assert_ne!(a, b);
        assert_eq!(a, Key::new(1).str("CGK").num(2).value());
    }
}
