//! Random durations: exponential, lognormal, gamma, uniform, constant and empirical.
//!
//! Constructors validate their parameters and return `Result`, so a bad
//! parameter fails when a scenario loads, never in the middle of a run.
//! Parameters and samples are in seconds; [`Dist::sample`] returns a
//! [`SimTime`] rounded to the microsecond.

use super::{SimTime, Stream};
use rand::Rng;
use rand_distr::{Distribution, Exp1, Gamma, StandardNormal};
use std::sync::Arc;

/// Why a distribution's parameters were refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DistError {
    /// A mean, value or bound is negative, zero where it must be positive, or not finite.
    #[error("{0} must be a positive, finite number of seconds")]
    NotPositive(&'static str),
    /// A coefficient of variation is negative, zero or not finite.
    #[error("cv must be a positive, finite number")]
    BadCv,
    /// `min` is greater than `max`.
    #[error("min must not be greater than max")]
    MinAboveMax,
    /// An empirical sample has no observations.
    #[error("the file holds no durations")]
    EmptyEmpirical,
    /// A lognormal or gamma cv so large that draws cannot come near the mean.
    #[error(
        "cv must be at most {MAX_CV}, found {0}: with a larger cv a run's draws cannot come near the mean (almost all are far below it, and the rare huge ones that make it are not drawn), so the simulated mean would not be the one given"
    )]
    CvTooLarge(f64),
}

/// Largest coefficient of variation of a lognormal or gamma distribution.
///
/// Measured (the test `cv_figures`, median over 41 runs of the mean of
/// 10,000 draws of mean 240 s, as a run rounds them): at cv 10 it is 0.4%
/// from the stated mean for the lognormal and 1.5% for the gamma; beyond,
/// the gamma's draws are mostly zero (78% at cv 10, 94% at 20) and its mean
/// strays (8% at cv 20, 13% at 30, 29% at 100, all of it at 300), and the
/// lognormal's falls away (3% low at cv 30, 9% at 100, 29% at 1,000, 83% at
/// a million). Real handling and patience times have cvs of about 0.3 to 3.
pub const MAX_CV: f64 = 10.0;

/// A distribution of durations, in seconds.
#[derive(Debug, Clone)]
pub enum Dist {
    /// Exponential with the given mean.
    Exponential {
        /// Mean in seconds.
        mean: f64,
    },
    /// Lognormal given by its mean and coefficient of variation.
    LogNormal {
        /// Mean in seconds.
        mean: f64,
        /// Standard deviation / mean.
        cv: f64,
        /// Location of the underlying normal.
        mu: f64,
        /// Scale of the underlying normal.
        sigma: f64,
    },
    /// Gamma given by its mean and coefficient of variation.
    Gamma {
        /// Mean in seconds.
        mean: f64,
        /// Standard deviation / mean.
        cv: f64,
        /// The sampler (shape 1/cv², scale mean·cv²).
        inner: Gamma<f64>,
    },
    /// Uniform between two bounds.
    Uniform {
        /// Lower bound in seconds.
        min: f64,
        /// Upper bound in seconds.
        max: f64,
    },
    /// Always the same value.
    Constant {
        /// The value in seconds.
        value: f64,
    },
    /// Observed durations, sampled with replacement.
    Empirical {
        /// The observations in seconds.
        values: Arc<[f64]>,
    },
}

fn positive(x: f64, what: &'static str) -> Result<f64, DistError> {
    if x.is_finite() && x > 0.0 {
        Ok(x)
    } else {
        Err(DistError::NotPositive(what))
    }
}

fn non_negative(x: f64, what: &'static str) -> Result<f64, DistError> {
    if x.is_finite() && x >= 0.0 {
        Ok(x)
    } else {
        Err(DistError::NotPositive(what))
    }
}

fn cv_ok(cv: f64) -> Result<f64, DistError> {
    if !(cv.is_finite() && cv > 0.0) {
        Err(DistError::BadCv)
    } else if cv > MAX_CV {
        Err(DistError::CvTooLarge(cv))
    } else {
        Ok(cv)
    }
}

impl Dist {
    /// Exponential with mean `mean` seconds.
    pub fn exponential(mean: f64) -> Result<Dist, DistError> {
        Ok(Dist::Exponential {
            mean: positive(mean, "mean")?,
        })
    }

    /// Lognormal with mean `mean` seconds and coefficient of variation `cv`.
    pub fn lognormal(mean: f64, cv: f64) -> Result<Dist, DistError> {
        let mean = positive(mean, "mean")?;
        let cv = cv_ok(cv)?;
        let s2 = (1.0 + cv * cv).ln();
        Ok(Dist::LogNormal {
            mean,
            cv,
            mu: mean.ln() - s2 / 2.0,
            sigma: s2.sqrt(),
        })
    }

    /// Gamma with mean `mean` seconds and coefficient of variation `cv`.
    pub fn gamma(mean: f64, cv: f64) -> Result<Dist, DistError> {
        let mean = positive(mean, "mean")?;
        let cv = cv_ok(cv)?;
        let shape = 1.0 / (cv * cv);
        let inner = Gamma::new(shape, mean / shape).map_err(|_| DistError::BadCv)?;
        Ok(Dist::Gamma { mean, cv, inner })
    }

    /// Uniform between `min` and `max` seconds.
    pub fn uniform(min: f64, max: f64) -> Result<Dist, DistError> {
        let min = non_negative(min, "min")?;
        let max = non_negative(max, "max")?;
        if min > max {
            return Err(DistError::MinAboveMax);
        }
        Ok(Dist::Uniform { min, max })
    }

    /// Always `value` seconds.
    pub fn constant(value: f64) -> Result<Dist, DistError> {
        Ok(Dist::Constant {
            value: non_negative(value, "value")?,
        })
    }

    /// Resamples the given observations (seconds).
    pub fn empirical(values: Vec<f64>) -> Result<Dist, DistError> {
        Dist::empirical_shared(values.into())
    }

    /// Resamples observations (seconds) shared with other distributions: a
    /// file read once serves every scenario of a sweep without a copy.
    pub fn empirical_shared(values: Arc<[f64]>) -> Result<Dist, DistError> {
        if values.is_empty() {
            return Err(DistError::EmptyEmpirical);
        }
        for &v in values.iter() {
            non_negative(v, "every observation")?;
        }
        Ok(Dist::Empirical { values })
    }

    /// The mean in seconds.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Exponential { mean } => *mean,
            Dist::LogNormal { mean, .. } | Dist::Gamma { mean, .. } => *mean,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Constant { value } => *value,
            Dist::Empirical { values } => values.iter().sum::<f64>() / values.len() as f64,
        }
    }

    /// The second moment E\[X²\] in seconds².
    pub fn second_moment(&self) -> f64 {
        match self {
            Dist::Exponential { mean } => 2.0 * mean * mean,
            Dist::LogNormal { mean, cv, .. } | Dist::Gamma { mean, cv, .. } => {
                mean * mean * (1.0 + cv * cv)
            }
            Dist::Uniform { min, max } => (min * min + min * max + max * max) / 3.0,
            Dist::Constant { value } => value * value,
            Dist::Empirical { values } => {
                values.iter().map(|v| v * v).sum::<f64>() / values.len() as f64
            }
        }
    }

    /// The share of draws that are zero once rounded to the microsecond
    /// (exact for constant, uniform and empirical distributions, within a
    /// few per cent for the others: enough to tell a duration that is
    /// almost always zero from one that is not).
    pub fn zero_share(&self) -> f64 {
        /// Below half a microsecond a draw rounds to zero.
        const HALF_US: f64 = 0.5e-6;
        match self {
            Dist::Exponential { mean } => 1.0 - (-HALF_US / mean).exp(),
            Dist::LogNormal { mu, sigma, .. } => normal_cdf((HALF_US.ln() - mu) / sigma),
            Dist::Gamma { mean, cv, .. } => {
                // P(X < x) = x^a / Γ(a + 1) (1 - O(x)) for a small x of the
                // unit scale; Γ(a + 1) is within 12% of 1 for a ≤ 1
                let shape = 1.0 / (cv * cv);
                let x = HALF_US / (mean / shape);
                x.powf(shape).min(1.0)
            }
            Dist::Uniform { min, max } => {
                if max > min {
                    ((HALF_US - min) / (max - min)).clamp(0.0, 1.0)
                } else if *min < HALF_US {
                    1.0
                } else {
                    0.0
                }
            }
            Dist::Constant { value } => {
                if *value < HALF_US {
                    1.0
                } else {
                    0.0
                }
            }
            Dist::Empirical { values } => {
                values.iter().filter(|&&v| v < HALF_US).count() as f64 / values.len() as f64
            }
        }
    }

    /// Draws one duration in seconds.
    #[inline]
    pub fn sample_secs(&self, rng: &mut Stream) -> f64 {
        match self {
            Dist::Exponential { mean } => {
                let e: f64 = Exp1.sample(rng);
                e * mean
            }
            Dist::LogNormal { mu, sigma, .. } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
            Dist::Gamma { inner, .. } => inner.sample(rng),
            Dist::Uniform { min, max } => min + (max - min) * rng.random::<f64>(),
            Dist::Constant { value } => *value,
            Dist::Empirical { values } => values[rng.random_range(0..values.len())],
        }
    }

    /// Draws one duration.
    #[inline]
    pub fn sample(&self, rng: &mut Stream) -> SimTime {
        // The exponential is by far the most common duration: draw it
        // inline, the same way `sample_secs` does, so the hot path pays
        // no call and no match over the other variants.
        let secs = match self {
            Dist::Exponential { mean } => {
                let e: f64 = Exp1.sample(rng);
                e * mean
            }
            _ => self.sample_secs_other(rng),
        };
        secs_to_micros(secs)
    }

    /// [`Dist::sample_secs`] kept out of line, so that [`Dist::sample`]
    /// stays small enough to inline.
    #[inline(never)]
    fn sample_secs_other(&self, rng: &mut Stream) -> f64 {
        self.sample_secs(rng)
    }
}

/// The standard normal distribution function, within 1.5e-7
/// (Abramowitz and Stegun 7.1.26).
fn normal_cdf(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erfc = poly * (-x * x).exp();
    if z >= 0.0 {
        1.0 - erfc / 2.0
    } else {
        erfc / 2.0
    }
}

/// How many draws a [`Sampler`] makes at a time.
const BATCH: usize = 64;

/// A distribution together with a stream that serves nothing else, drawn
/// ahead in batches.
///
/// It returns exactly the durations that calling [`Dist::sample`] on the
/// same stream, one at a time, would, in the same order: a stream's output
/// depends only on how many numbers were taken from it, never on when. The
/// batch loop has no dependency from one draw to the next other than the
/// generator's state, so the processor overlaps the draws, where a lone
/// draw is a chain of float operations the caller has to wait for.
#[derive(Debug, Clone)]
pub struct Sampler {
    dist: Dist,
    rng: Stream,
    buf: [SimTime; BATCH],
    next: usize,
}

impl Sampler {
    /// Draws `dist` from `rng`, which nothing else may use.
    pub fn new(dist: Dist, rng: Stream) -> Sampler {
        Sampler {
            dist,
            rng,
            buf: [SimTime::ZERO; BATCH],
            next: BATCH,
        }
    }

    /// The distribution drawn.
    pub fn dist(&self) -> &Dist {
        &self.dist
    }

    /// The next duration.
    #[inline]
    pub fn sample(&mut self) -> SimTime {
        if self.next == BATCH {
            self.refill();
        }
        let d = self.buf[self.next];
        self.next += 1;
        d
    }

    #[inline(never)]
    fn refill(&mut self) {
        let rng = &mut self.rng;
        match &self.dist {
            Dist::Exponential { mean } => {
                for slot in &mut self.buf {
                    let e: f64 = Exp1.sample(rng);
                    *slot = secs_to_micros(e * mean);
                }
            }
            other => {
                for slot in &mut self.buf {
                    *slot = secs_to_micros(other.sample_secs(rng));
                }
            }
        }
        self.next = 0;
    }
}

/// Exactly [`SimTime::from_secs_f64`], without the `f64::round` call.
///
/// On the baseline x86-64 target `round` is a library call; here a value
/// below 2^53 microseconds is split into its integer part (`as i64`
/// truncates) and its fraction, which is exact (Sterbenz), and rounded half
/// away from zero by hand, as `round` does. Anything else (zero, negative,
/// NaN, huge) takes the general path.
#[inline]
fn secs_to_micros(secs: f64) -> SimTime {
    /// 2^53: below it every integer, and so every truncation, is exact.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let us = secs * super::time::MICROS_PER_SEC as f64;
    if us > 0.0 && us < EXACT {
        let whole = us as i64;
        let up = (us - whole as f64 >= 0.5) as i64;
        SimTime((whole + up) as u64)
    } else {
        SimTime::from_secs_f64(secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream;

    fn moments(d: &Dist, n: usize) -> (f64, f64) {
        let mut rng = stream(3, 0, "dist-test");
        let (mut s, mut s2) = (0.0, 0.0);
        for _ in 0..n {
            let x = d.sample_secs(&mut rng);
            s += x;
            s2 += x * x;
        }
        let m = s / n as f64;
        (m, (s2 / n as f64 - m * m).sqrt() / m)
    }

    #[test]
    fn samples_have_the_stated_mean_and_cv() {
        let cases = [
            (Dist::exponential(240.0).unwrap(), 240.0, 1.0),
            (Dist::lognormal(300.0, 0.5).unwrap(), 300.0, 0.5),
            (Dist::gamma(2400.0, 0.8).unwrap(), 2400.0, 0.8),
            (
                Dist::uniform(60.0, 120.0).unwrap(),
                90.0,
                30.0 / 3f64.sqrt() / 90.0,
            ),
        ];
        for (d, mean, cv) in cases {
            let (m, c) = moments(&d, 400_000);
            assert!((m / mean - 1.0).abs() < 0.01, "{d:?}: mean {m}");
            assert!((c / cv - 1.0).abs() < 0.03, "{d:?}: cv {c}");
            assert!((d.mean() / mean - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn fast_rounding_matches_from_secs_f64() {
        let mut rng = stream(4, 0, "rounding-test");
        let special = [
            0.0,
            -0.0,
            -1.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            4.9e-7,
            5e-7,
            5.000000000000001e-7,
            1.5e-6,
            2.5e-6,
            0.4999995,
            0.5000005,
            1e9,
            9_007_199_254.740_991,
            9_007_199_254.740_993,
            u64::MAX as f64 / 1e6,
            f64::from_bits((u64::MAX as f64 / 1e6).to_bits() - 1),
            1.9e13,
            f64::MAX,
        ];
        for s in special {
            assert_eq!(secs_to_micros(s), SimTime::from_secs_f64(s), "{s}");
        }
        for _ in 0..1_000_000 {
            // microsecond ties (k + 0.5 µs) and values over many magnitudes
            let k = rng.random_range(0..10_000_000u64) as f64;
            let tie = (k + 0.5) / 1e6;
            assert_eq!(secs_to_micros(tie), SimTime::from_secs_f64(tie), "{tie}");
            let x =
                f64::from_bits(rng.random_range(0x3E00_0000_0000_0000..0x4300_0000_0000_0000u64));
            assert_eq!(secs_to_micros(x), SimTime::from_secs_f64(x), "{x}");
        }
    }

    #[test]
    fn a_sampler_draws_what_sample_would() {
        let dists = [
            Dist::exponential(240.0).unwrap(),
            Dist::lognormal(300.0, 0.5).unwrap(),
            Dist::gamma(2400.0, 0.8).unwrap(),
            Dist::uniform(60.0, 120.0).unwrap(),
            Dist::constant(5.0).unwrap(),
            Dist::empirical(vec![1.0, 2.5, 7.25]).unwrap(),
        ];
        for d in dists {
            let mut one_by_one = stream(9, 2, "sampler-test");
            let mut sampler = Sampler::new(d.clone(), stream(9, 2, "sampler-test"));
            for i in 0..1000 {
                assert_eq!(sampler.sample(), d.sample(&mut one_by_one), "{d:?} #{i}");
            }
        }
    }

    /// The median, over `reps` runs, of the mean of `n` draws (rounded to
    /// the microsecond, as a run draws them) divided by the stated mean.
    fn median_mean_ratio(d: &Dist, n: usize, reps: u64) -> f64 {
        let mut ratios: Vec<f64> = (0..reps)
            .map(|r| {
                let mut rng = stream(11, r, "cv-bound");
                let sum: f64 = (0..n).map(|_| d.sample(&mut rng).as_secs_f64()).sum();
                sum / n as f64 / d.mean()
            })
            .collect();
        ratios.sort_by(f64::total_cmp);
        ratios[ratios.len() / 2]
    }

    /// A lognormal or gamma of mean 240 s and `cv`, built without the bound.
    fn unbounded(kind: &str, cv: f64) -> Dist {
        let mean = 240.0;
        if kind == "gamma" {
            let shape = 1.0 / (cv * cv);
            Dist::Gamma {
                mean,
                cv,
                inner: Gamma::new(shape, mean / shape).unwrap(),
            }
        } else {
            let s2 = (1.0 + cv * cv).ln();
            Dist::LogNormal {
                mean,
                cv,
                mu: mean.ln() - s2 / 2.0,
                sigma: s2.sqrt(),
            }
        }
    }

    #[test]
    fn cv_bound_keeps_the_mean() {
        // at the bound, a run of 10,000 draws comes near the stated mean
        for kind in ["lognormal", "gamma"] {
            let d = unbounded(kind, MAX_CV);
            let r = median_mean_ratio(&d, 10_000, 41);
            assert!(
                (r - 1.0).abs() < 0.05,
                "{kind} cv {MAX_CV}: median ratio {r}"
            );
        }
        // far beyond it, it does not: what the bound protects from
        for kind in ["lognormal", "gamma"] {
            let d = unbounded(kind, 1e6);
            let r = median_mean_ratio(&d, 10_000, 41);
            assert!(r < 0.2, "{kind} cv 1e6: median ratio {r}");
        }
        assert_eq!(
            Dist::lognormal(240.0, 1e6).unwrap_err(),
            DistError::CvTooLarge(1e6)
        );
        assert_eq!(
            Dist::gamma(240.0, 10.5).unwrap_err(),
            DistError::CvTooLarge(10.5)
        );
        assert!(Dist::gamma(240.0, MAX_CV).is_ok());
    }

    /// The figures behind [`MAX_CV`]: `cargo test --release --lib
    /// cv_figures -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn cv_figures() {
        for kind in ["lognormal", "gamma"] {
            for cv in [1.0, 3.0, 5.0, 10.0, 20.0, 30.0, 100.0, 300.0, 1e3, 1e6] {
                let d = unbounded(kind, cv);
                let r = median_mean_ratio(&d, 10_000, 41);
                println!(
                    "{kind} cv {cv}: median mean of 10,000 draws / mean = {r:.3}, zero share {:.3}",
                    d.zero_share()
                );
            }
        }
    }

    #[test]
    fn zero_shares() {
        assert_eq!(Dist::constant(0.0).unwrap().zero_share(), 1.0);
        assert_eq!(Dist::constant(1e-3).unwrap().zero_share(), 0.0);
        assert_eq!(Dist::uniform(0.0, 0.0).unwrap().zero_share(), 1.0);
        assert!(Dist::uniform(0.0, 1.0).unwrap().zero_share() < 1e-6);
        assert_eq!(
            Dist::empirical(vec![0.0, 0.0, 5.0, 7.0])
                .unwrap()
                .zero_share(),
            0.5
        );
        assert!(Dist::exponential(60.0).unwrap().zero_share() < 1e-8);
        assert!(Dist::lognormal(60.0, 1.0).unwrap().zero_share() < 1e-8);
        assert!(Dist::gamma(60.0, 1.0).unwrap().zero_share() < 1e-8);
        // a draw far below a microsecond rounds to zero
        assert!(Dist::exponential(1e-9).unwrap().zero_share() > 0.99);
        assert!(Dist::lognormal(1e-9, 0.5).unwrap().zero_share() > 0.99);
        assert!(Dist::gamma(1e-9, 0.5).unwrap().zero_share() > 0.99);
        // within the accuracy of the approximations, against draws
        for d in [
            Dist::lognormal(1e-6, 2.0).unwrap(),
            Dist::gamma(240.0, 10.0).unwrap(),
            Dist::exponential(1e-6).unwrap(),
        ] {
            let mut rng = stream(5, 0, "zero-share");
            let n = 100_000;
            let zeros = (0..n)
                .filter(|_| d.sample(&mut rng) == SimTime::ZERO)
                .count();
            let seen = zeros as f64 / n as f64;
            assert!(
                (seen - d.zero_share()).abs() < 0.05,
                "{d:?}: {seen} vs {}",
                d.zero_share()
            );
        }
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert!(Dist::exponential(0.0).is_err());
        assert!(Dist::exponential(f64::NAN).is_err());
        assert!(Dist::lognormal(10.0, -1.0).is_err());
        assert!(Dist::gamma(10.0, f64::INFINITY).is_err());
        assert!(Dist::uniform(5.0, 1.0).is_err());
        assert!(Dist::empirical(vec![]).is_err());
        assert!(Dist::empirical(vec![1.0, -2.0]).is_err());
    }
}
