//! The forecasting methods, each a plain function of the cleaned history
//! before an origin: seasonal naive, the mean and the median of the last
//! same weekdays, and two top-down models (a daily-total model times an
//! intraday profile per weekday).
//!
//! Written by hand: each is a few lines of arithmetic on a table of days
//! by intervals. The one model a crate could have given, exponential
//! smoothing with weekly seasonality, is not in `augurs-ets` (0.10: "seasonal
//! models are not yet implemented"), and its MSTL route would bring
//! `nalgebra` and a second `rand` into the build for a 5-parameter
//! recursion on one number a day; the calendar-aware Holt–Winters below
//! is 40 lines and handles holidays (missing days) directly.

use serde::Serialize;

/// How many same weekdays the mean and median look back.
pub const SAME_WEEKDAYS: usize = 4;
/// Weeks of daily totals the regression of the top-down model is fitted on.
pub const REGRESSION_WEEKS: i32 = 8;
/// Same weekdays the intraday profile of the top-down models is averaged over.
pub const PROFILE_WEEKDAYS: usize = 8;

/// A forecasting method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Each interval as on the same weekday of the last week the history has.
    SeasonalNaive,
    /// Each interval the mean of the last [`SAME_WEEKDAYS`] same weekdays.
    WeekdayMean,
    /// Each interval the median of the last [`SAME_WEEKDAYS`] same weekdays.
    WeekdayMedian,
    /// Daily total by a regression on weekday and a linear trend over the
    /// last [`REGRESSION_WEEKS`] weeks, times the weekday's intraday profile.
    TopDown,
    /// Daily total by exponential smoothing (additive Holt–Winters, weekly
    /// seasonality, smoothing constants fitted), times the weekday's profile.
    TopDownEts,
}

impl Method {
    /// Every method, simplest first (a tie in the backtest goes to the simpler).
    pub const ALL: [Method; 5] = [
        Method::SeasonalNaive,
        Method::WeekdayMean,
        Method::WeekdayMedian,
        Method::TopDown,
        Method::TopDownEts,
    ];

    /// The method's name, as `--method` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Method::SeasonalNaive => "seasonal-naive",
            Method::WeekdayMean => "weekday-mean",
            Method::WeekdayMedian => "weekday-median",
            Method::TopDown => "top-down",
            Method::TopDownEts => "top-down-ets",
        }
    }

    /// The method named `name`.
    pub fn parse(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.name() == name)
    }

    /// What the method does, in a line.
    pub fn describe(self) -> &'static str {
        match self {
            Method::SeasonalNaive => "same weekday of the last week",
            Method::WeekdayMean => "mean of the last 4 same weekdays",
            Method::WeekdayMedian => "median of the last 4 same weekdays",
            Method::TopDown => "daily total: weekday + trend regression over 8 weeks; × profile",
            Method::TopDownEts => "daily total: Holt-Winters, weekly season; × profile",
        }
    }
}

/// The cleaned history of one channel, by day and interval: anomalous
/// days left out, anomalous intervals replaced by what was expected.
#[derive(Debug, Clone, Default)]
pub struct Clean {
    /// Day numbers (days from 2000-01-01), in order.
    pub day: Vec<i64>,
    /// Weekday of each day (Monday = 0).
    pub weekday: Vec<usize>,
    /// Count of each interval of each day.
    pub rows: Vec<Vec<f64>>,
    /// Intervals replaced by their expected value (not scored in backtests).
    pub imputed: Vec<Vec<bool>>,
}

impl Clean {
    /// Days before day number `origin`: a prefix.
    pub fn before(&self, origin: i64) -> usize {
        self.day.partition_point(|&d| d < origin)
    }

    /// Indices of the last `k` days of weekday `w` among the first `n`, most recent first.
    fn last_same(&self, n: usize, w: usize, k: usize) -> Vec<usize> {
        (0..n)
            .rev()
            .filter(|&i| self.weekday[i] == w)
            .take(k)
            .collect()
    }

    /// The day's total.
    fn total(&self, i: usize) -> f64 {
        self.rows[i].iter().sum()
    }
}

/// One day to forecast: its day number and weekday.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Days from 2000-01-01.
    pub day: i64,
    /// Monday = 0.
    pub weekday: usize,
}

/// The forecast of `method` for every target, from the first `n` days of
/// `h`: one row of interval means per target.
pub fn predict(method: Method, h: &Clean, n: usize, targets: &[Target]) -> Vec<Vec<f64>> {
    let slots = h.rows.first().map_or(0, Vec::len);
    let fallback = || mean_rows(h, &(0..n).collect::<Vec<_>>(), slots);
    match method {
        Method::SeasonalNaive | Method::WeekdayMean | Method::WeekdayMedian => {
            let k = if method == Method::SeasonalNaive {
                1
            } else {
                SAME_WEEKDAYS
            };
            targets
                .iter()
                .map(|t| {
                    let same = h.last_same(n, t.weekday, k);
                    if same.is_empty() {
                        fallback()
                    } else if method == Method::WeekdayMedian {
                        (0..slots)
                            .map(|s| median(same.iter().map(|&i| h.rows[i][s]).collect()))
                            .collect()
                    } else {
                        mean_rows(h, &same, slots)
                    }
                })
                .collect()
        }
        Method::TopDown | Method::TopDownEts => {
            let totals: Vec<f64> = if method == Method::TopDown {
                regression_totals(h, n, targets)
            } else {
                holt_winters_totals(h, n, targets)
            };
            targets
                .iter()
                .zip(totals)
                .map(|(t, total)| {
                    let same = h.last_same(n, t.weekday, PROFILE_WEEKDAYS);
                    let days = if same.is_empty() {
                        (0..n).collect()
                    } else {
                        same
                    };
                    let sum = mean_rows(h, &days, slots);
                    let all: f64 = sum.iter().sum();
                    sum.iter()
                        .map(|v| {
                            if all > 0.0 {
                                total.max(0.0) * v / all
                            } else {
                                0.0
                            }
                        })
                        .collect()
                })
                .collect()
        }
    }
}

/// The mean row of days `days`.
fn mean_rows(h: &Clean, days: &[usize], slots: usize) -> Vec<f64> {
    let mut sum = vec![0.0; slots];
    for &i in days {
        for (s, v) in sum.iter_mut().zip(&h.rows[i]) {
            *s += v;
        }
    }
    let n = days.len().max(1) as f64;
    sum.iter_mut().for_each(|s| *s /= n);
    sum
}

/// The median of `v` (0 when empty).
pub fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// Daily totals by least squares on weekday indicators and a linear trend
/// (in days), over the last [`REGRESSION_WEEKS`] weeks before the origin.
/// Without two weeks to see a trend in, the trend is left out.
fn regression_totals(h: &Clean, n: usize, targets: &[Target]) -> Vec<f64> {
    let end = h.day.get(n.wrapping_sub(1)).copied().unwrap_or(0) + 1;
    let from = h.before(end - 7 * i64::from(REGRESSION_WEEKS)).min(n);
    let days: Vec<usize> = (from..n).collect();
    let mut present = [false; 7];
    for &i in &days {
        present[h.weekday[i]] = true;
    }
    let cols: Vec<usize> = (0..7).filter(|&w| present[w]).collect();
    let t_mean = days.iter().map(|&i| h.day[i] as f64).sum::<f64>() / days.len().max(1) as f64;
    let span = days
        .first()
        .zip(days.last())
        .map_or(0, |(&a, &b)| h.day[b] - h.day[a]);
    let trend = span >= 14;
    let p = cols.len() + usize::from(trend);
    let x = |i: usize| -> Vec<f64> {
        let mut row: Vec<f64> = cols
            .iter()
            .map(|&w| f64::from(u8::from(h.weekday[i] == w)))
            .collect();
        if trend {
            row.push(h.day[i] as f64 - t_mean);
        }
        row
    };
    let mut a = vec![vec![0.0; p + 1]; p];
    for &i in &days {
        let xi = x(i);
        let y = h.total(i);
        for r in 0..p {
            for c in 0..p {
                a[r][c] += xi[r] * xi[c];
            }
            a[r][p] += xi[r] * y;
        }
    }
    let beta = solve(a).unwrap_or_else(|| vec![0.0; p]);
    let overall = days.iter().map(|&i| h.total(i)).sum::<f64>() / days.len().max(1) as f64;
    targets
        .iter()
        .map(|t| {
            let level = match cols.iter().position(|&w| w == t.weekday) {
                Some(c) => beta[c],
                None => overall,
            };
            let slope = if trend { beta[p - 1] } else { 0.0 };
            (level + slope * (t.day as f64 - t_mean)).max(0.0)
        })
        .collect()
}

/// Solves the augmented system `a` (p rows of p + 1) by Gaussian
/// elimination with partial pivoting; `None` when singular.
fn solve(mut a: Vec<Vec<f64>>) -> Option<Vec<f64>> {
    let p = a.len();
    for c in 0..p {
        let pivot = (c..p).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if a[pivot][c].abs() < 1e-9 {
            return None;
        }
        a.swap(c, pivot);
        let row_c = a[c].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / row_c[c];
                if f != 0.0 {
                    for (x, y) in row.iter_mut().zip(&row_c).skip(c) {
                        *x -= f * y;
                    }
                }
            }
        }
    }
    Some((0..p).map(|r| a[r][p] / a[r][r]).collect())
}

/// Daily totals by additive Holt–Winters on the calendar: a level, a
/// trend per day and a seasonal term per weekday, the day's error
/// updating all three; the smoothing constants are those of the smallest
/// one-step-ahead squared error over a small grid.
fn holt_winters_totals(h: &Clean, n: usize, targets: &[Target]) -> Vec<f64> {
    let totals: Vec<(i64, usize, f64)> = (0..n)
        .map(|i| (h.day[i], h.weekday[i], h.total(i)))
        .collect();
    let Some(&(first, _, _)) = totals.first() else {
        return vec![0.0; targets.len()];
    };
    let mut best: Option<(f64, State)> = None;
    for alpha in [0.05, 0.1, 0.2, 0.35, 0.5] {
        for beta in [0.0, 0.02, 0.1] {
            for gamma in [0.05, 0.15, 0.3] {
                let (sse, state) = run_hw(&totals, first, alpha, beta, gamma);
                if best.as_ref().is_none_or(|(b, _)| sse < *b) {
                    best = Some((sse, state));
                }
            }
        }
    }
    let Some((_, s)) = best else {
        return vec![0.0; targets.len()];
    };
    targets
        .iter()
        .map(|t| (s.level + s.trend * (t.day - s.day) as f64 + s.season[t.weekday]).max(0.0))
        .collect()
}

/// Holt–Winters state after the last day.
#[derive(Debug, Clone, Copy)]
struct State {
    level: f64,
    trend: f64,
    season: [f64; 7],
    day: i64,
}

/// Runs Holt–Winters over `totals` (day, weekday, total); the first two
/// weeks initialize it. Returns the one-step squared error after them and
/// the final state.
fn run_hw(
    totals: &[(i64, usize, f64)],
    first: i64,
    alpha: f64,
    beta: f64,
    gamma: f64,
) -> (f64, State) {
    let init: Vec<&(i64, usize, f64)> = totals.iter().take_while(|t| t.0 < first + 14).collect();
    let level = init.iter().map(|t| t.2).sum::<f64>() / init.len().max(1) as f64;
    let mut season = [0.0; 7];
    for (w, s) in season.iter_mut().enumerate() {
        let same: Vec<f64> = init.iter().filter(|t| t.1 == w).map(|t| t.2).collect();
        if !same.is_empty() {
            *s = same.iter().sum::<f64>() / same.len() as f64 - level;
        }
    }
    let mut st = State {
        level,
        trend: 0.0,
        season,
        day: first + 6,
    };
    let mut sse = 0.0;
    for &(day, w, y) in totals.iter().skip(init.len()) {
        let gap = (day - st.day) as f64;
        let base = st.level + st.trend * gap;
        let e = y - (base + st.season[w]);
        sse += e * e;
        st.level = base + alpha * e;
        st.trend += alpha * beta * e / gap.max(1.0);
        st.season[w] += gamma * (1.0 - alpha) * e;
        st.day = day;
    }
    if init.len() == totals.len() {
        st.day = totals.last().map_or(first, |t| t.0);
    }
    (sse, st)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_squares_solves_a_small_system() {
        // x + y = 3, x - y = 1
        let a = vec![vec![2.0, 0.0, 4.0], vec![0.0, 2.0, 2.0]];
        assert_eq!(solve(a), Some(vec![2.0, 1.0]));
        assert_eq!(solve(vec![vec![0.0, 1.0]]), None);
    }

    #[test]
    fn the_median_of_an_even_count_is_the_middle_pair_s_mean() {
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(vec![5.0, 1.0, 3.0]), 3.0);
    }
}
