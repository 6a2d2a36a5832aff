//! Distributions fitted to observed durations: maximum likelihood for the exponential, lognormal and gamma families on complete or right-censored data, AIC, the Kolmogorov–Smirnov distance, and the Kaplan–Meier estimator.
//!
//! These are the estimators `staffsim fit` needs to turn a contact log into
//! a scenario: handling times are complete observations; waits are
//! observations of patience, exact for callers who abandoned and
//! right-censored for callers who were answered first (their patience was
//! at least their wait).
//!
//! Durations are grouped by value ([`Durations`]), so a log of a million
//! rows whose times are whole seconds costs a few thousand terms per
//! likelihood evaluation.

use statrs::function::erf::erfc;
use statrs::function::gamma::{checked_gamma_lr, checked_gamma_ur, digamma, ln_gamma};
use std::f64::consts::{PI, SQRT_2};

/// The 97.5% quantile of the standard normal: the half-width factor of a
/// 95% interval from an asymptotically normal estimate.
const Z975: f64 = 1.959_963_984_540_054;

/// One distinct duration and how often it was observed exactly and how
/// often as a lower bound (right-censored).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// The duration, in seconds (or any unit, as long as it is one).
    pub x: f64,
    /// Observations exactly equal to `x` (events).
    pub observed: f64,
    /// Observations known only to be at least `x` (censored).
    pub censored: f64,
}

/// Durations grouped by value, in increasing order of value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Durations {
    points: Vec<Point>,
    /// Values refused because they were negative, infinite or NaN.
    rejected: u64,
}

impl Durations {
    /// Complete observations: every value is observed exactly.
    pub fn complete(values: impl IntoIterator<Item = f64>) -> Durations {
        Durations::censored(values.into_iter().map(|x| (x, true)))
    }

    /// Observations with a flag each: `true` for an exact value (an
    /// event), `false` for a lower bound (right-censored). Negative,
    /// infinite and NaN values are refused and counted in
    /// [`Durations::rejected`].
    pub fn censored(values: impl IntoIterator<Item = (f64, bool)>) -> Durations {
        let mut all: Vec<(f64, bool)> = Vec::new();
        let mut rejected = 0;
        for (x, observed) in values {
            if x.is_finite() && x >= 0.0 {
                all.push((x, observed));
            } else {
                rejected += 1;
            }
        }
        all.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut points: Vec<Point> = Vec::new();
        for (x, observed) in all {
            let (o, c) = if observed { (1.0, 0.0) } else { (0.0, 1.0) };
            match points.last_mut() {
                Some(p) if p.x == x => {
                    p.observed += o;
                    p.censored += c;
                }
                _ => points.push(Point {
                    x,
                    observed: o,
                    censored: c,
                }),
            }
        }
        Durations { points, rejected }
    }

    /// The distinct values, in increasing order.
    pub fn points(&self) -> &[Point] {
        &self.points
    }

    /// How many values were refused (negative, infinite or NaN).
    pub fn rejected(&self) -> u64 {
        self.rejected
    }

    /// Number of exact observations (events).
    pub fn events(&self) -> f64 {
        self.points.iter().map(|p| p.observed).sum()
    }

    /// Number of observations, exact and censored.
    pub fn len(&self) -> f64 {
        self.points.iter().map(|p| p.observed + p.censored).sum()
    }

    /// True when there is no observation.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// True when no observation is censored.
    pub fn is_complete(&self) -> bool {
        self.points.iter().all(|p| p.censored == 0.0)
    }

    /// Sum of every value, exact and censored: the total time at risk.
    pub fn exposure(&self) -> f64 {
        self.points
            .iter()
            .map(|p| p.x * (p.observed + p.censored))
            .sum()
    }

    /// The naive estimate of the mean under an exponential law: total
    /// time at risk over the number of events (for patience: time all
    /// callers spent waiting over the number who abandoned, the Erlang A
    /// identity). Biased when the law is not exponential. `None` with no
    /// event.
    pub fn naive_mean(&self) -> Option<f64> {
        let d = self.events();
        (d > 0.0).then(|| self.exposure() / d)
    }
}

/// A family of distributions that can be fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Exponential, one parameter (rate).
    Exponential,
    /// Lognormal, parameters `mu` and `sigma` of the logarithm.
    Lognormal,
    /// Gamma, parameters shape `k` and scale `theta`.
    Gamma,
}

impl Family {
    /// Every family, in the order fits are reported.
    pub const ALL: [Family; 3] = [Family::Exponential, Family::Lognormal, Family::Gamma];

    /// The family's name as the scenario's `dist` key spells it.
    pub fn key(self) -> &'static str {
        match self {
            Family::Exponential => "exponential",
            Family::Lognormal => "lognormal",
            Family::Gamma => "gamma",
        }
    }

    /// Number of free parameters (for AIC).
    pub fn parameters(self) -> usize {
        match self {
            Family::Exponential => 1,
            Family::Lognormal | Family::Gamma => 2,
        }
    }
}

/// A member of a [`Family`], by its natural parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Law {
    /// Exponential with this mean.
    Exponential {
        /// Mean (1 / rate).
        mean: f64,
    },
    /// Lognormal: `ln X` is normal with mean `mu` and deviation `sigma`.
    Lognormal {
        /// Mean of `ln X`.
        mu: f64,
        /// Standard deviation of `ln X`.
        sigma: f64,
    },
    /// Gamma with shape `k` and scale `theta`.
    Gamma {
        /// Shape.
        k: f64,
        /// Scale.
        theta: f64,
    },
}

impl Law {
    /// The law's family.
    pub fn family(&self) -> Family {
        match self {
            Law::Exponential { .. } => Family::Exponential,
            Law::Lognormal { .. } => Family::Lognormal,
            Law::Gamma { .. } => Family::Gamma,
        }
    }

    /// The mean.
    pub fn mean(&self) -> f64 {
        match *self {
            Law::Exponential { mean } => mean,
            Law::Lognormal { mu, sigma } => (mu + 0.5 * sigma * sigma).exp(),
            Law::Gamma { k, theta } => k * theta,
        }
    }

    /// The coefficient of variation (standard deviation over mean).
    pub fn cv(&self) -> f64 {
        match *self {
            Law::Exponential { .. } => 1.0,
            Law::Lognormal { sigma, .. } => (sigma * sigma).exp_m1().sqrt(),
            Law::Gamma { k, .. } => 1.0 / k.sqrt(),
        }
    }

    /// P(X <= x).
    pub fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        match *self {
            Law::Exponential { mean } => -(-x / mean).exp_m1(),
            Law::Lognormal { mu, sigma } => 0.5 * erfc(-(x.ln() - mu) / (sigma * SQRT_2)),
            Law::Gamma { k, theta } => checked_gamma_lr(k, x / theta).unwrap_or(f64::NAN),
        }
    }

    /// ln f(x), the log density (minus infinity where it is zero).
    fn ln_pdf(&self, x: f64) -> f64 {
        match *self {
            Law::Exponential { mean } => {
                if x < 0.0 {
                    f64::NEG_INFINITY
                } else {
                    -mean.ln() - x / mean
                }
            }
            Law::Lognormal { mu, sigma } => {
                if x <= 0.0 {
                    return f64::NEG_INFINITY;
                }
                let z = (x.ln() - mu) / sigma;
                -x.ln() - sigma.ln() - 0.5 * (2.0 * PI).ln() - 0.5 * z * z
            }
            Law::Gamma { k, theta } => {
                if x <= 0.0 {
                    return f64::NEG_INFINITY;
                }
                (k - 1.0) * x.ln() - x / theta - ln_gamma(k) - k * theta.ln()
            }
        }
    }

    /// ln P(X > x), the log survival.
    fn ln_survival(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        match *self {
            Law::Exponential { mean } => -x / mean,
            Law::Lognormal { mu, sigma } => {
                let z = (x.ln() - mu) / sigma;
                ln_normal_tail(z)
            }
            Law::Gamma { k, theta } => checked_gamma_ur(k, x / theta)
                .map(f64::ln)
                .unwrap_or(f64::NAN),
        }
    }

    /// The log-likelihood of `data`: densities of the exact values,
    /// survivals of the censored ones.
    pub fn log_likelihood(&self, data: &Durations) -> f64 {
        data.points
            .iter()
            .map(|p| {
                let mut l = 0.0;
                if p.observed > 0.0 {
                    l += p.observed * self.ln_pdf(p.x);
                }
                if p.censored > 0.0 {
                    l += p.censored * self.ln_survival(p.x);
                }
                l
            })
            .sum()
    }
}

/// ln P(Z > z) for a standard normal Z, accurate far in the upper tail.
fn ln_normal_tail(z: f64) -> f64 {
    if z < 5.0 {
        (0.5 * erfc(z / SQRT_2)).ln()
    } else {
        // Mills ratio asymptotic series: P(Z > z) ~ phi(z)/z (1 - 1/z^2 + 3/z^4)
        let z2 = z * z;
        -0.5 * z2 - z.ln() - 0.5 * (2.0 * PI).ln() + (1.0 - 1.0 / z2 + 3.0 / (z2 * z2)).ln()
    }
}

/// A maximum-likelihood fit and how well it fits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// The fitted law.
    pub law: Law,
    /// The maximised log-likelihood.
    pub log_likelihood: f64,
    /// Akaike's information criterion, `2 p - 2 ln L` (lower is better).
    pub aic: f64,
    /// Kolmogorov–Smirnov distance between the fitted CDF and the
    /// empirical one (the Kaplan–Meier one when data are censored).
    pub ks: f64,
    /// 95% confidence interval of the mean, from the observed information
    /// (delta method on the log of the mean).
    pub mean_ci95: (f64, f64),
    /// Number of observations, exact and censored.
    pub n: f64,
    /// Number of exact observations.
    pub events: f64,
}

impl Fit {
    /// Half the width of [`Fit::mean_ci95`], for a figure shown as
    /// mean ± half-width.
    pub fn mean_half_width(&self) -> f64 {
        0.5 * (self.mean_ci95.1 - self.mean_ci95.0)
    }
}

/// Fits `family` to `data` by maximum likelihood. Complete data use the
/// closed forms (exponential, lognormal) or a one-dimensional root
/// (gamma's shape); censored data a Nelder–Mead search of the
/// log-likelihood. `None` when the family cannot be fitted: no event, a
/// zero value for the lognormal or gamma family, or all values equal.
pub fn fit(family: Family, data: &Durations) -> Option<Fit> {
    let d = data.events();
    if d < 1.0 {
        return None;
    }
    if family != Family::Exponential && data.points.first().is_some_and(|p| p.x <= 0.0) {
        return None;
    }
    let law = if data.is_complete() {
        fit_complete(family, data)?
    } else {
        fit_censored(family, data)?
    };
    let log_likelihood = law.log_likelihood(data);
    if !log_likelihood.is_finite() {
        return None;
    }
    let mean_ci95 = mean_interval(&law, data);
    Some(Fit {
        law,
        log_likelihood,
        aic: 2.0 * family.parameters() as f64 - 2.0 * log_likelihood,
        ks: ks_distance(&law, data),
        mean_ci95,
        n: data.len(),
        events: d,
    })
}

/// Every family that can be fitted to `data`, best (lowest AIC) first.
pub fn fit_all(data: &Durations) -> Vec<Fit> {
    let mut fits: Vec<Fit> = Family::ALL.iter().filter_map(|&f| fit(f, data)).collect();
    fits.sort_by(|a, b| a.aic.total_cmp(&b.aic));
    fits
}

fn fit_complete(family: Family, data: &Durations) -> Option<Law> {
    let n = data.len();
    let mean = data.exposure() / n;
    match family {
        Family::Exponential => (mean > 0.0).then_some(Law::Exponential { mean }),
        Family::Lognormal => {
            let mu = data
                .points
                .iter()
                .map(|p| p.observed * p.x.ln())
                .sum::<f64>()
                / n;
            let var = data
                .points
                .iter()
                .map(|p| p.observed * (p.x.ln() - mu).powi(2))
                .sum::<f64>()
                / n;
            (var > 0.0).then(|| Law::Lognormal {
                mu,
                sigma: var.sqrt(),
            })
        }
        Family::Gamma => {
            // The shape solves ln k - digamma(k) = s, s = ln(mean) - mean(ln x) > 0;
            // the left side falls from +inf to 0 as k grows, so bisect on ln k.
            let mean_ln = data
                .points
                .iter()
                .map(|p| p.observed * p.x.ln())
                .sum::<f64>()
                / n;
            let s = mean.ln() - mean_ln;
            if s.is_nan() || s <= 1e-12 {
                return None;
            }
            let (mut lo, mut hi) = ((1e-8f64).ln(), (1e10f64).ln());
            for _ in 0..200 {
                let mid = 0.5 * (lo + hi);
                let k = mid.exp();
                if k.ln() - digamma(k) > s {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let k = (0.5 * (lo + hi)).exp();
            Some(Law::Gamma { k, theta: mean / k })
        }
    }
}

/// The law of `family` at the point `p` of its search space (log scale
/// for positive parameters).
fn law_at(family: Family, p: [f64; 2]) -> Law {
    match family {
        Family::Exponential => Law::Exponential { mean: p[0].exp() },
        Family::Lognormal => Law::Lognormal {
            mu: p[0],
            sigma: p[1].exp(),
        },
        Family::Gamma => Law::Gamma {
            k: p[0].exp(),
            theta: p[1].exp(),
        },
    }
}

/// The search-space point of `law` (inverse of [`law_at`]).
fn point_of(law: &Law) -> [f64; 2] {
    match *law {
        Law::Exponential { mean } => [mean.ln(), 0.0],
        Law::Lognormal { mu, sigma } => [mu, sigma.ln()],
        Law::Gamma { k, theta } => [k.ln(), theta.ln()],
    }
}

fn fit_censored(family: Family, data: &Durations) -> Option<Law> {
    if family == Family::Exponential {
        // closed form: events over time at risk
        return data.naive_mean().map(|mean| Law::Exponential { mean });
    }
    // Start from the complete-data fit of every value taken as exact (the
    // censored ones too): biased, but in the right region.
    let as_exact = Durations {
        points: data
            .points
            .iter()
            .map(|p| Point {
                x: p.x,
                observed: p.observed + p.censored,
                censored: 0.0,
            })
            .collect(),
        rejected: 0,
    };
    let start = fit_complete(family, &as_exact)?;
    let nll = |p: [f64; 2]| {
        let l = law_at(family, p).log_likelihood(data);
        if l.is_finite() { -l } else { f64::INFINITY }
    };
    let best = nelder_mead(nll, point_of(&start));
    let law = law_at(family, best);
    law.mean().is_finite().then_some(law)
}

/// Minimises `f` over two variables by the Nelder–Mead simplex method
/// (standard coefficients), from `start`. Written here because it is one
/// short function of a two-parameter likelihood; an optimisation crate's
/// problem and solver plumbing would be longer than the method.
fn nelder_mead(f: impl Fn([f64; 2]) -> f64, start: [f64; 2]) -> [f64; 2] {
    let mut s = [
        start,
        [start[0] + 0.1, start[1]],
        [start[0], start[1] + 0.1],
    ];
    let mut v = s.map(&f);
    for _ in 0..5_000 {
        // order: best first
        let mut idx = [0, 1, 2];
        idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
        s = idx.map(|i| s[i]);
        v = idx.map(|i| v[i]);
        let spread = (v[2] - v[0]).abs();
        let size = (s[2][0] - s[0][0]).abs().max((s[2][1] - s[0][1]).abs())
            + (s[1][0] - s[0][0]).abs().max((s[1][1] - s[0][1]).abs());
        if spread <= 1e-12 * (1.0 + v[0].abs()) && size < 1e-9 {
            break;
        }
        let c = [(s[0][0] + s[1][0]) / 2.0, (s[0][1] + s[1][1]) / 2.0];
        let at = |t: f64| [c[0] + t * (s[2][0] - c[0]), c[1] + t * (s[2][1] - c[1])];
        let r = at(-1.0);
        let fr = f(r);
        if fr < v[0] {
            let e = at(-2.0);
            let fe = f(e);
            if fe < fr {
                (s[2], v[2]) = (e, fe);
            } else {
                (s[2], v[2]) = (r, fr);
            }
        } else if fr < v[1] {
            (s[2], v[2]) = (r, fr);
        } else {
            let (k, fk) = if fr < v[2] {
                let k = at(-0.5);
                (k, f(k))
            } else {
                let k = at(0.5);
                (k, f(k))
            };
            if fk < v[2].min(fr) {
                (s[2], v[2]) = (k, fk);
            } else {
                for i in 1..3 {
                    s[i] = [
                        s[0][0] + 0.5 * (s[i][0] - s[0][0]),
                        s[0][1] + 0.5 * (s[i][1] - s[0][1]),
                    ];
                    v[i] = f(s[i]);
                }
            }
        }
    }
    let best = (0..3).min_by(|&a, &b| v[a].total_cmp(&v[b])).unwrap_or(0);
    s[best]
}

/// The 95% interval of the law's mean: the observed information (a
/// numerical Hessian of the log-likelihood in the search parameters),
/// inverted, and the delta method on the log of the mean, so the interval
/// stays positive.
fn mean_interval(law: &Law, data: &Durations) -> (f64, f64) {
    let mean = law.mean();
    let family = law.family();
    let var_ln_mean = if family == Family::Exponential {
        // ln(mean) = ln(T) - ln(d): its variance is 1/d
        1.0 / data.events()
    } else {
        let p = point_of(law);
        let ll = |q: [f64; 2]| law_at(family, q).log_likelihood(data);
        let h = 1e-4;
        let at = |i: usize, di: f64, j: usize, dj: f64| {
            let mut q = p;
            q[i] += di;
            q[j] += dj;
            ll(q)
        };
        let mut info = [[0.0; 2]; 2];
        for (i, row) in info.iter_mut().enumerate() {
            for (j, cell) in row.iter_mut().enumerate() {
                let second = (at(i, h, j, h) - at(i, h, j, -h) - at(i, -h, j, h)
                    + at(i, -h, j, -h))
                    / (4.0 * h * h);
                *cell = -second;
            }
        }
        let det = info[0][0] * info[1][1] - info[0][1] * info[1][0];
        if det.is_nan() || det <= 0.0 {
            return (f64::NAN, f64::NAN);
        }
        let cov = [
            [info[1][1] / det, -info[0][1] / det],
            [-info[1][0] / det, info[0][0] / det],
        ];
        // gradient of ln(mean) in the search parameters
        let g = match *law {
            Law::Lognormal { sigma, .. } => [1.0, sigma * sigma],
            Law::Gamma { .. } => [1.0, 1.0],
            Law::Exponential { .. } => [1.0, 0.0],
        };
        g[0] * g[0] * cov[0][0] + 2.0 * g[0] * g[1] * cov[0][1] + g[1] * g[1] * cov[1][1]
    };
    let w = Z975 * var_ln_mean.max(0.0).sqrt();
    (mean * (-w).exp(), mean * w.exp())
}

/// The Kolmogorov–Smirnov distance: the largest gap between the law's CDF
/// and the empirical CDF (Kaplan–Meier's `1 - S` when some values are
/// censored), on both sides of every jump.
pub fn ks_distance(law: &Law, data: &Durations) -> f64 {
    let km = KaplanMeier::new(data);
    let mut before = 0.0;
    let mut d: f64 = 0.0;
    for step in &km.steps {
        let f = law.cdf(step.time);
        let after = 1.0 - step.survival;
        d = d.max((f - before).abs()).max((f - after).abs());
        before = after;
    }
    d
}

/// The asymptotic critical value of the one-sample Kolmogorov–Smirnov
/// distance at level `alpha` (0.05 or 0.01 usually) for `n` observations:
/// `sqrt(-ln(alpha / 2) / (2 n))`. Conservative for fitted parameters.
pub fn ks_critical(alpha: f64, n: f64) -> f64 {
    (-(alpha / 2.0).ln() / (2.0 * n)).sqrt()
}

/// One step of a Kaplan–Meier curve: at a time where at least one event
/// happened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    /// The event time.
    pub time: f64,
    /// Observations still at risk just before `time` (values >= `time`).
    pub at_risk: f64,
    /// Events at `time`.
    pub events: f64,
    /// The estimated survival just after `time`, P(X > time).
    pub survival: f64,
    /// Greenwood's standard error of `survival`.
    pub std_error: f64,
}

/// The Kaplan–Meier (product-limit) estimate of a survival function from
/// right-censored data. At a tie, events are taken to happen before
/// censorings, so a value censored at an event time counts as at risk.
#[derive(Debug, Clone, PartialEq)]
pub struct KaplanMeier {
    /// The curve's steps, in time order.
    pub steps: Vec<Step>,
    /// The largest value observed, exact or censored: the curve is known
    /// up to there.
    pub horizon: f64,
    /// Sum over steps of `d / (n (n - d))`, Greenwood's running sum at the
    /// end (for the mean's variance).
    greenwood: Vec<f64>,
}

impl KaplanMeier {
    /// The estimate from `data`.
    pub fn new(data: &Durations) -> KaplanMeier {
        let mut at_risk = data.len();
        let mut survival = 1.0;
        let mut sum = 0.0;
        let mut steps = Vec::new();
        let mut greenwood = Vec::new();
        for p in &data.points {
            if p.observed > 0.0 {
                survival *= 1.0 - p.observed / at_risk;
                let term = if at_risk > p.observed {
                    p.observed / (at_risk * (at_risk - p.observed))
                } else {
                    0.0
                };
                sum += term;
                greenwood.push(term);
                steps.push(Step {
                    time: p.x,
                    at_risk,
                    events: p.observed,
                    survival,
                    std_error: survival * sum.sqrt(),
                });
            }
            at_risk -= p.observed + p.censored;
        }
        KaplanMeier {
            steps,
            horizon: data.points.last().map_or(0.0, |p| p.x),
            greenwood,
        }
    }

    /// The estimated P(X > t).
    pub fn survival(&self, t: f64) -> f64 {
        match self.steps.partition_point(|s| s.time <= t) {
            0 => 1.0,
            i => self.steps[i - 1].survival,
        }
    }

    /// The median: the first event time where the survival falls to 0.5
    /// or below; `None` when it never does within the data.
    pub fn median(&self) -> Option<f64> {
        self.steps
            .iter()
            .find(|s| s.survival <= 0.5)
            .map(|s| s.time)
    }

    /// The mean restricted to the horizon (the area under the curve up to
    /// the largest value) with its 95% interval from the usual variance
    /// `sum A_j^2 d_j / (n_j (n_j - d_j))`, `A_j` the area after step `j`.
    /// It is the mean itself when the largest value is an event (the curve
    /// reaches zero); below the mean otherwise.
    pub fn restricted_mean(&self) -> (f64, (f64, f64)) {
        // areas of the pieces: [0, t1) at 1, [t1, t2) at S1, ..., [tk, horizon) at Sk
        let mut area_after = vec![0.0; self.steps.len()];
        let mut tail = 0.0;
        for j in (0..self.steps.len()).rev() {
            let end = self.steps.get(j + 1).map_or(self.horizon, |s| s.time);
            tail += self.steps[j].survival * (end - self.steps[j].time);
            area_after[j] = tail;
        }
        let first = self.steps.first().map_or(self.horizon, |s| s.time);
        let mean = first + tail;
        let var: f64 = area_after
            .iter()
            .zip(&self.greenwood)
            .map(|(a, g)| a * a * g)
            .sum();
        let w = Z975 * var.sqrt();
        (mean, (mean - w, mean + w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Klein & Moeschberger's 6-MP group (the Freireich leukaemia trial,
    /// weeks in remission, `false` = censored), with ties of events and
    /// censorings at 6 and 10. The product-limit values and Greenwood
    /// errors below are worked by hand from `prod (1 - d/n)`.
    fn six_mp() -> Durations {
        let obs = [
            (6.0, true),
            (6.0, true),
            (6.0, true),
            (6.0, false),
            (7.0, true),
            (9.0, false),
            (10.0, true),
            (10.0, false),
            (11.0, false),
            (13.0, true),
            (16.0, true),
            (17.0, false),
            (19.0, false),
            (20.0, false),
            (22.0, true),
            (23.0, true),
            (25.0, false),
            (32.0, false),
            (32.0, false),
            (34.0, false),
            (35.0, false),
        ];
        Durations::censored(obs)
    }

    #[test]
    fn kaplan_meier_matches_the_textbook_by_hand() {
        let km = KaplanMeier::new(&six_mp());
        // (time, at risk, events, S = running product of (1 - d/n))
        let s6 = 18.0 / 21.0;
        let s7 = s6 * 16.0 / 17.0;
        let s10 = s7 * 14.0 / 15.0;
        let s13 = s10 * 11.0 / 12.0;
        let s16 = s13 * 10.0 / 11.0;
        let s22 = s16 * 6.0 / 7.0;
        let s23 = s22 * 5.0 / 6.0;
        let want = [
            (6.0, 21.0, 3.0, s6),
            (7.0, 17.0, 1.0, s7),
            (10.0, 15.0, 1.0, s10),
            (13.0, 12.0, 1.0, s13),
            (16.0, 11.0, 1.0, s16),
            (22.0, 7.0, 1.0, s22),
            (23.0, 6.0, 1.0, s23),
        ];
        assert_eq!(km.steps.len(), want.len());
        for (step, (t, n, d, s)) in km.steps.iter().zip(want) {
            assert_eq!((step.time, step.at_risk, step.events), (t, n, d));
            assert!((step.survival - s).abs() < 1e-12, "{t}: {}", step.survival);
        }
        // the published rounded values
        let rounded: Vec<f64> = km
            .steps
            .iter()
            .map(|s| (s.survival * 1000.0).round() / 1000.0)
            .collect();
        assert_eq!(rounded, [0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448]);
        // Greenwood at 6: S sqrt(3 / (21 * 18)) = 0.0764; at 23: 0.1346
        assert!((km.steps[0].std_error - s6 * (3.0f64 / (21.0 * 18.0)).sqrt()).abs() < 1e-12);
        assert_eq!((km.steps[6].std_error * 1e4).round() / 1e4, 0.1346);
        assert_eq!(km.survival(5.0), 1.0);
        for (t, want) in [(6.0, s6), (22.5, s22), (100.0, s23)] {
            assert!((km.survival(t) - want).abs() < 1e-12, "S({t})");
        }
        assert_eq!(km.median(), Some(23.0), "S first falls below 0.5 at 23");
    }

    #[test]
    fn kaplan_meier_median_and_mean_without_censoring_are_the_sample_ones() {
        let data = Durations::complete([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]);
        let km = KaplanMeier::new(&data);
        assert_eq!(km.median(), Some(3.0));
        let (mean, (lo, hi)) = km.restricted_mean();
        assert!((mean - 31.0 / 8.0).abs() < 1e-12, "{mean}");
        assert!(lo < mean && mean < hi);
        // with no censoring the variance is the sample variance / n (biased form)
        let var = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]
            .iter()
            .map(|x: &f64| (x - 31.0 / 8.0).powi(2))
            .sum::<f64>()
            / 64.0;
        assert!(((hi - mean) / Z975 - var.sqrt()).abs() < 1e-9);
    }

    #[test]
    fn lognormal_complete_fit_is_the_closed_form() {
        let xs = [120.0, 95.0, 300.0, 41.0, 180.0, 220.0, 75.0, 510.0];
        let fit = fit(Family::Lognormal, &Durations::complete(xs)).expect("fits");
        let logs: Vec<f64> = xs.iter().map(|x| x.ln()).collect();
        let mu = logs.iter().sum::<f64>() / 8.0;
        let sigma = (logs.iter().map(|l| (l - mu).powi(2)).sum::<f64>() / 8.0).sqrt();
        match fit.law {
            Law::Lognormal { mu: m, sigma: s } => {
                assert!((m - mu).abs() < 1e-12 && (s - sigma).abs() < 1e-12);
            }
            other => panic!("{other:?}"),
        }
        assert!((fit.law.mean() - (mu + sigma * sigma / 2.0).exp()).abs() < 1e-9);
        let ll: f64 = logs
            .iter()
            .map(|l| -l - sigma.ln() - 0.5 * (2.0 * PI).ln() - 0.5 * ((l - mu) / sigma).powi(2))
            .sum();
        assert!((fit.log_likelihood - ll).abs() < 1e-9);
        assert!((fit.aic - (4.0 - 2.0 * ll)).abs() < 1e-9);
    }

    #[test]
    fn exponential_fit_is_events_over_exposure() {
        let data = Durations::censored([(10.0, true), (20.0, false), (30.0, true), (40.0, false)]);
        let fit = fit(Family::Exponential, &data).expect("fits");
        assert_eq!(fit.law, Law::Exponential { mean: 50.0 });
        assert_eq!(data.naive_mean(), Some(50.0));
        let (lo, hi) = fit.mean_ci95;
        let w = (Z975 / 2f64.sqrt()).exp();
        assert!((lo - 50.0 / w).abs() < 1e-9 && (hi - 50.0 * w).abs() < 1e-9);
    }

    #[test]
    fn gamma_shape_solves_the_likelihood_equation() {
        let xs = [
            120.0, 95.0, 300.0, 41.0, 180.0, 220.0, 75.0, 510.0, 66.0, 143.0,
        ];
        let fit = fit(Family::Gamma, &Durations::complete(xs)).expect("fits");
        let Law::Gamma { k, theta } = fit.law else {
            panic!("{:?}", fit.law)
        };
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let s = mean.ln() - xs.iter().map(|x| x.ln()).sum::<f64>() / n;
        assert!((k.ln() - digamma(k) - s).abs() < 1e-12);
        assert!((k * theta - mean).abs() < 1e-9);
        // An independent reference, computed once with SciPy 1.17.1:
        // scipy.stats.gamma.fit(xs, floc=0) and gamma.logpdf(...).sum()
        assert!((k - 2.0757041156788274).abs() < 1e-9, "{k}");
        assert!((theta - 84.30874067172572).abs() < 1e-6, "{theta}");
        assert!((fit.log_likelihood - -60.37913019060935).abs() < 1e-9);
    }

    #[test]
    fn censored_lognormal_matches_an_independent_reference() {
        // The 6-MP data, lognormal by maximum likelihood with censoring.
        // Reference computed once with SciPy 1.17.1: Nelder-Mead (xatol
        // 1e-12) on the censored log-likelihood built from norm.logpdf and
        // norm.logsf of (ln t - mu) / sigma.
        let fit = fit(Family::Lognormal, &six_mp()).expect("fits");
        let Law::Lognormal { mu, sigma } = fit.law else {
            panic!("{:?}", fit.law)
        };
        assert!((mu - 3.2030676507804827).abs() < 1e-6, "{mu}");
        assert!((sigma - 0.978724787003693).abs() < 1e-6, "{sigma}");
        assert!((fit.log_likelihood - -40.68015586990787).abs() < 1e-9);
        assert_eq!((fit.n, fit.events), (21.0, 9.0));
    }

    #[test]
    fn censored_fits_recover_the_law_that_made_the_data() {
        // Patience lognormal (mean 180 s, cv 1.5) observed through waits
        // cut at an exponential service moment of mean 60 s: most callers
        // are answered first (censored).
        use rand::SeedableRng;
        use rand_distr::{Distribution, Exp, LogNormal};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(11);
        let (mean, cv): (f64, f64) = (180.0, 1.5);
        let sigma = (1.0 + cv * cv).ln().sqrt();
        let mu = mean.ln() - sigma * sigma / 2.0;
        let patience = LogNormal::new(mu, sigma).expect("law");
        let answer = Exp::new(1.0 / 60.0).expect("law");
        let data = Durations::censored((0..20_000).map(|_| {
            let p: f64 = patience.sample(&mut rng);
            let a: f64 = answer.sample(&mut rng);
            if p < a { (p, true) } else { (a, false) }
        }));
        assert!(data.events() < 0.5 * data.len(), "mostly censored");
        let fits = fit_all(&data);
        assert_eq!(fits[0].law.family(), Family::Lognormal, "{fits:?}");
        let best = fits[0];
        let (lo, hi) = best.mean_ci95;
        assert!(lo < mean && mean < hi, "{lo} .. {hi}");
        assert!((best.law.cv() - cv).abs() < 0.2, "cv {}", best.law.cv());
        // the naive (exponential) estimate is measurably off
        let naive = data.naive_mean().expect("events");
        assert!(naive < lo || naive > hi, "naive {naive} in {lo} .. {hi}");
    }

    #[test]
    fn ks_distance_of_a_sample_from_its_own_law_is_small() {
        use rand::SeedableRng;
        use rand_distr::{Distribution, Gamma};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(5);
        let law = Gamma::new(2.0, 100.0).expect("law");
        let data = Durations::complete((0..5_000).map(|_| law.sample(&mut rng)));
        let fits = fit_all(&data);
        assert_eq!(fits[0].law.family(), Family::Gamma);
        assert!(fits[0].ks < ks_critical(0.01, 5_000.0), "{}", fits[0].ks);
        let exp = fits.iter().find(|f| f.law.family() == Family::Exponential);
        assert!(exp.expect("fits").ks > ks_critical(0.01, 5_000.0));
    }

    #[test]
    fn bad_values_are_counted_and_degenerate_data_not_fitted() {
        let data = Durations::complete([1.0, f64::NAN, -2.0, f64::INFINITY, 1.0]);
        assert_eq!(data.rejected(), 3);
        assert_eq!(data.len(), 2.0);
        assert!(fit(Family::Lognormal, &data).is_none(), "all equal");
        assert!(fit(Family::Gamma, &data).is_none(), "all equal");
        assert!(fit(Family::Lognormal, &Durations::complete([0.0, 3.0])).is_none());
        assert!(fit(Family::Exponential, &Durations::censored([(3.0, false)])).is_none());
        assert!(fit_all(&Durations::default()).is_empty());
    }
}
