//! Streaming statistics: per-run tallies in constant memory, and estimates
//! over replications with Student-t 95% confidence intervals.

pub mod fit;
mod tdist;

pub use tdist::{normal_quantile, t_quantile, t_quantile_975, t_two_sided_tail};

use hdrhistogram::Histogram;
use serde::Serialize;

/// A histogram of durations in microseconds, 1% relative precision, up to
/// one year; longer values are clipped to one year.
#[derive(Debug, Clone)]
pub struct DurationHistogram {
    inner: Histogram<u64>,
}

/// One year in microseconds: the largest value a histogram keeps exactly.
const HISTOGRAM_MAX_MICROS: u64 = 366 * 86_400 * 1_000_000;

impl Default for DurationHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl DurationHistogram {
    /// An empty histogram.
    pub fn new() -> Self {
        DurationHistogram {
            inner: Histogram::new_with_bounds(1, HISTOGRAM_MAX_MICROS, 2)
                .expect("constant histogram bounds are valid"),
        }
    }

    /// Records one duration in microseconds.
    #[inline]
    pub fn record(&mut self, micros: u64) {
        self.inner
            .saturating_record(micros.min(HISTOGRAM_MAX_MICROS));
    }

    /// The `q` quantile in seconds (0 when empty).
    pub fn quantile_secs(&self, q: f64) -> f64 {
        if self.inner.is_empty() {
            return 0.0;
        }
        self.inner.value_at_quantile(q) as f64 / 1e6
    }

    /// Share of recorded values at or below `micros`.
    pub fn share_at_or_below(&self, micros: u64) -> f64 {
        if self.inner.is_empty() {
            return 0.0;
        }
        self.inner.count_between(0, micros) as f64 / self.inner.len() as f64
    }

    /// Number of recorded values.
    pub fn len(&self) -> u64 {
        self.inner.len()
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
}

/// `x` rounded to 12 significant digits: what the results carry, so that
/// float noise from summing (`266.76448600000003`) is gone from every output
/// and a figure reads the same in the JSON and the CSV (written in the
/// shortest form that reads back to it). Not finite values are unchanged.
pub fn tidy(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        // also turns -0 into 0
        return if x == 0.0 { 0.0 } else { x };
    }
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// `num / den`, or 0 when there is nothing to divide.
#[inline]
pub fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 { num / den } else { 0.0 }
}

/// Coefficient of variation (population standard deviation / mean) of a
/// set of counts; 0 for fewer than two values or a zero mean.
pub fn coefficient_of_variation(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if mean <= 0.0 {
        return 0.0;
    }
    let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    var.sqrt() / mean
}

/// A KPI over replications: its mean and the half-width of its 95% CI.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// Mean over replications.
    pub mean: f64,
    /// Half-width of the Student-t 95% confidence interval (0 for one replication).
    pub ci95: f64,
}

impl Estimate {
    /// Mean and 95% CI half-width of independent observations, both
    /// rounded to 12 significant digits ([`tidy`]).
    pub fn from_samples(xs: &[f64]) -> Estimate {
        let e = Estimate::exact(xs);
        Estimate {
            mean: tidy(e.mean),
            ci95: tidy(e.ci95),
        }
    }

    /// [`Estimate::from_samples`] before rounding.
    fn exact(xs: &[f64]) -> Estimate {
        let n = xs.len();
        if n == 0 {
            return Estimate {
                mean: 0.0,
                ci95: 0.0,
            };
        }
        let mean = xs.iter().sum::<f64>() / n as f64;
        if n < 2 {
            return Estimate { mean, ci95: 0.0 };
        }
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
        let ci95 = t_quantile_975(n - 1) * (var / n as f64).sqrt();
        Estimate { mean, ci95 }
    }

    /// Lower end of the interval.
    pub fn low(&self) -> f64 {
        self.mean - self.ci95
    }

    /// Upper end of the interval.
    pub fn high(&self) -> f64 {
        self.mean + self.ci95
    }

    /// True when `x` lies in the interval.
    pub fn contains(&self, x: f64) -> bool {
        self.low() <= x && x <= self.high()
    }
}

/// Mean and variance of observations fed one at a time (Welford), in
/// constant memory. Fed in a fixed order (replication order), the estimate
/// is the same whatever thread ran each replication.
#[derive(Debug, Clone, Copy)]
pub struct Moments {
    n: u64,
    sum: f64,
    mean: f64,
    m2: f64,
}

impl Default for Moments {
    fn default() -> Self {
        // the sum starts where `Iterator::sum` of f64 starts, so the mean is
        // the one `Estimate::from_samples` gives for the same observations
        Moments {
            n: 0,
            sum: -0.0,
            mean: 0.0,
            m2: 0.0,
        }
    }
}

impl Moments {
    /// Adds one observation.
    #[inline]
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        self.sum += x;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    /// Number of observations so far.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Mean and 95% CI half-width of the observations so far, rounded as
    /// [`Estimate::from_samples`] rounds them: the mean is their sum over
    /// their count, as there; the variance is Welford's (the same up to
    /// rounding in the last digits).
    pub fn estimate(&self) -> Estimate {
        let n = self.n as usize;
        if n == 0 {
            return Estimate {
                mean: 0.0,
                ci95: 0.0,
            };
        }
        let mean = tidy(self.sum / n as f64);
        if n < 2 {
            return Estimate { mean, ci95: 0.0 };
        }
        let var = (self.m2 / (n - 1) as f64).max(0.0);
        Estimate {
            mean,
            ci95: tidy(t_quantile_975(n - 1) * (var / n as f64).sqrt()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_of_known_samples() {
        let e = Estimate::from_samples(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(e.mean, 3.0);
        // s = sqrt(2.5), t(4) = 2.776445
        assert!((e.ci95 - 2.776_445 * (2.5f64 / 5.0).sqrt()).abs() < 1e-5);
        assert_eq!(Estimate::from_samples(&[7.0]).ci95, 0.0);
    }

    #[test]
    fn tidy_rounds_away_float_noise_only() {
        assert_eq!(tidy(266.764_486_000_000_03).to_string(), "266.764486");
        assert_eq!(tidy(0.1 + 0.2).to_string(), "0.3");
        assert_eq!(tidy(6_755.666_666_666_667), 6_755.666_666_67);
        assert_eq!(tidy(-0.0).to_string(), "0");
        assert_eq!(tidy(1e-300), 1e-300);
        assert!(tidy(f64::NAN).is_nan());
        assert_eq!(tidy(tidy(2.0 / 3.0)), tidy(2.0 / 3.0));
    }

    #[test]
    fn moments_match_two_pass_estimate() {
        let xs = [3.5, 1.25, 9.0, 4.75, 2.0, 7.5];
        let mut m = Moments::default();
        xs.iter().for_each(|&x| m.push(x));
        let (a, b) = (m.estimate(), Estimate::from_samples(&xs));
        assert_eq!(m.count(), 6);
        assert_eq!(a.mean, b.mean);
        assert!((a.ci95 - b.ci95).abs() <= 1e-12 * b.ci95);
        let mut one = Moments::default();
        one.push(0.1);
        assert_eq!(one.estimate(), Estimate::from_samples(&[0.1]));
        assert_eq!(Moments::default().estimate(), Estimate::from_samples(&[]));
    }

    #[test]
    fn cv_of_counts() {
        assert_eq!(coefficient_of_variation(&[5.0, 5.0, 5.0]), 0.0);
        assert!((coefficient_of_variation(&[0.0, 10.0]) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn histogram_quantiles() {
        let mut h = DurationHistogram::new();
        for i in 0..1000u64 {
            h.record(i * 1_000_000);
        }
        assert!((h.quantile_secs(0.5) - 500.0).abs() < 6.0);
        assert!((h.share_at_or_below(99_000_000) - 0.1).abs() < 0.002);
    }
}
