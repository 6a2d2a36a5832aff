//! Anomalous days and intervals of a history (outages, a closed day with
//! rows of zeros, a file cut mid-day): found against the same weekday of
//! the weeks around, listed, and kept out of the fitting.

use super::methods::{Clean, median};

/// Weeks on each side a day is compared with.
const NEIGHBOUR_WEEKS: i64 = 5;
/// A day whose total differs from its neighbours' median by more than
/// this factor (either way) is anomalous.
const DAY_FACTOR: f64 = 1.65;
/// Relative spread allowed on top of Poisson when judging an interval.
const INTERVAL_CV: f64 = 0.1;
/// An interval this many standard deviations off is anomalous.
const INTERVAL_Z: f64 = 4.5;

/// An anomaly found: a whole day or a run of intervals of one day.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Index of the day in the history grid.
    pub day: usize,
    /// `None`: the whole day; else the run of intervals `[from, to)`.
    pub slots: Option<(usize, usize)>,
    /// Contacts in the history.
    pub actual: f64,
    /// Contacts expected from the same weekday of the weeks around.
    pub expected: f64,
}

/// Finds the anomalies of a grid (`day` numbers, weekdays, rows) and
/// returns them with the cleaned history.
pub fn clean(day: &[i64], weekday: &[usize], rows: &[Vec<f64>]) -> (Vec<Found>, Clean) {
    let n = day.len();
    let totals: Vec<f64> = rows.iter().map(|r| r.iter().sum()).collect();
    let slots = rows.first().map_or(0, Vec::len);
    let mut found = Vec::new();
    let mut out = Clean::default();
    for i in 0..n {
        let near: Vec<usize> = (0..n)
            .filter(|&j| {
                j != i && weekday[j] == weekday[i] && (day[j] - day[i]).abs() <= 7 * NEIGHBOUR_WEEKS
            })
            .collect();
        let mut row = rows[i].clone();
        let mut imputed = vec![false; slots];
        if near.len() >= 2 {
            let expected_total = median(near.iter().map(|&j| totals[j]).collect());
            let ratio = if expected_total > 0.0 {
                totals[i] / expected_total
            } else if totals[i] > 0.0 {
                f64::INFINITY
            } else {
                1.0
            };
            if !(1.0 / DAY_FACTOR..=DAY_FACTOR).contains(&ratio) {
                found.push(Found {
                    day: i,
                    slots: None,
                    actual: totals[i],
                    expected: expected_total,
                });
                continue;
            }
            let expected: Vec<f64> = (0..slots)
                .map(|s| median(near.iter().map(|&j| rows[j][s]).collect()))
                .collect();
            // the day's level against its neighbours, robust to the anomaly itself
            let level = median(
                (0..slots)
                    .filter(|&s| expected[s] >= 5.0)
                    .map(|s| rows[i][s] / expected[s])
                    .collect(),
            );
            let level = if level > 0.0 { level } else { 1.0 };
            let odd: Vec<bool> = (0..slots)
                .map(|s| {
                    let e = expected[s] * level;
                    let sd = (e + (INTERVAL_CV * e).powi(2)).sqrt().max(1.0);
                    (rows[i][s] - e).abs() / sd > INTERVAL_Z
                })
                .collect();
            let mut s = 0;
            while s < slots {
                if !odd[s] {
                    s += 1;
                    continue;
                }
                let from = s;
                while s < slots && odd[s] {
                    row[s] = expected[s] * level;
                    imputed[s] = true;
                    s += 1;
                }
                found.push(Found {
                    day: i,
                    slots: Some((from, s)),
                    actual: rows[i][from..s].iter().sum(),
                    expected: expected[from..s].iter().sum::<f64>() * level,
                });
            }
        }
        out.day.push(day[i]);
        out.weekday.push(weekday[i]);
        out.rows.push(row);
        out.imputed.push(imputed);
    }
    (found, out)
}
