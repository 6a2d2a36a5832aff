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
}

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
    if cv.is_finite() && cv > 0.0 {
        Ok(cv)
    } else {
        Err(DistError::BadCv)
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
        if values.is_empty() {
            return Err(DistError::EmptyEmpirical);
        }
        for &v in &values {
            non_negative(v, "every observation")?;
        }
        Ok(Dist::Empirical {
            values: values.into(),
        })
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

    /// The second moment E[X²] in seconds².
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
        SimTime::from_secs_f64(self.sample_secs(rng))
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
