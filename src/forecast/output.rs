//! How a [`Forecast`] renders: the table, the JSON document, the CSV rows
//! (also `forecast.csv`, which a scenario reads with `volumes =`), and
//! the `[[arrivals]]` blocks to paste into a scenario.

use super::Forecast;
use crate::error::Result;
use crate::report::{Document, Provenance, printable};
use jiff::civil::{Date, DateTime};
use serde::Serializer;
use std::fmt::Write as _;

/// The top-level files `forecast --out` writes.
pub const FORECAST_FILES: [&str; 3] = ["forecast.json", "forecast.csv", "arrivals.toml"];

/// Rounds a count for the documents (two decimals).
pub(super) fn count<S: Serializer>(v: &f64, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64((v * 100.0).round() / 100.0)
}

/// Rounds a ratio for the documents (four decimals).
pub(super) fn ratio<S: Serializer>(v: &f64, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64((v * 10_000.0).round() / 10_000.0)
}

/// A date-time as `YYYY-MM-DDTHH:MM:SS` (local clock time).
pub fn stamp(dt: DateTime) -> String {
    dt.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Serializes a date-time as [`stamp`].
pub(super) fn datetime<S: Serializer>(v: &DateTime, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&stamp(*v))
}

/// Serializes an optional date-time as [`stamp`].
pub(super) fn opt_datetime<S: Serializer>(
    v: &Option<DateTime>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_str(&stamp(*v)),
        None => s.serialize_none(),
    }
}

/// Serializes a date as `YYYY-MM-DD`.
pub(super) fn date<S: Serializer>(v: &Date, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&v.to_string())
}

/// A whole count with thousands separators.
fn whole(v: f64) -> String {
    let n = v.round() as i64;
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn percent(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl Forecast {
    /// The table for people.
    pub fn table(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(
            t,
            "Forecast of {}: {} week(s) from {}, {}-minute intervals",
            self.history, self.weeks, self.from, self.interval_minutes
        );
        for c in &self.channels {
            let _ = writeln!(t);
            let _ = writeln!(
                t,
                "{} — method {} ({})",
                c.channel,
                c.method.name(),
                c.method.describe()
            );
            if c.backtest.is_empty() {
                let _ = writeln!(
                    t,
                    "  no backtest: the history is too short; intervals assume a 10% spread beyond Poisson"
                );
            } else {
                let _ = writeln!(
                    t,
                    "  backtest over {} weekly origin(s), {}-week horizon:",
                    c.origins, self.weeks
                );
                let _ = writeln!(
                    t,
                    "    {:<16} {:>10} {:>11}",
                    "method", "WAPE", "daily MAPE"
                );
                for s in &c.backtest {
                    let mark = if s.method == c.method { " ←" } else { "" };
                    let _ = writeln!(
                        t,
                        "    {:<16} {:>10} {:>11}{mark}",
                        s.method.name(),
                        percent(s.wape),
                        percent(s.daily_mape)
                    );
                }
            }
            let _ = writeln!(
                t,
                "  spread beyond Poisson by week of lead (interval / day): {}",
                c.spread
                    .iter()
                    .map(|s| format!("{:.3} / {:.3}", s.interval_cv, s.day_cv))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let _ = writeln!(
                t,
                "  volume_cv for the scenario (day-to-day forecast uncertainty): {:.3}",
                c.volume_cv
            );
            let _ = writeln!(t);
            let _ = writeln!(
                t,
                "  {:<10} {:<3} {:>9} {:>19} {:>19}",
                "date", "day", "contacts", "80% interval", "90% interval"
            );
            for d in self.days.iter().filter(|d| d.channel == c.channel) {
                let wd = d.date.weekday().to_monday_zero_offset() as usize;
                let _ = writeln!(
                    t,
                    "  {:<10} {:<3} {:>9} {:>19} {:>19}",
                    d.date.to_string(),
                    DAY_NAMES[wd],
                    whole(d.mean),
                    format!("{} – {}", whole(d.lo80), whole(d.hi80)),
                    format!("{} – {}", whole(d.lo90), whole(d.hi90)),
                );
            }
        }
        let _ = writeln!(t);
        if self.anomalies.is_empty() {
            let _ = writeln!(t, "No anomalous day or interval found in the history.");
        } else {
            let _ = writeln!(t, "Anomalies kept out of the fitting:");
            for a in &self.anomalies {
                let when = match (a.start, a.end) {
                    (Some(s), Some(e)) => format!(
                        "{} {}–{}",
                        a.date,
                        s.strftime("%H:%M"),
                        if e.date() != s.date() {
                            "24:00".to_string()
                        } else {
                            e.strftime("%H:%M").to_string()
                        }
                    ),
                    _ => format!("{} (whole day)", a.date),
                };
                let _ = writeln!(
                    t,
                    "  {}  {when}: {} contacts, expected {}",
                    a.channel,
                    whole(a.actual),
                    whole(a.expected)
                );
            }
        }
        let _ = writeln!(
            t,
            "\nPer-interval forecasts: --format json or csv, or forecast.csv with --out."
        );
        t
    }

    /// The CSV rows: one per channel and interval (`forecast.csv`).
    pub fn csv_rows(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(["channel", "start", "mean", "lo80", "hi80", "lo90", "hi90"]);
        for x in &self.intervals {
            let r = |v: f64| format!("{:.2}", v);
            let _ = w.write_record([
                x.channel.clone(),
                stamp(x.start),
                r(x.mean),
                r(x.lo80),
                r(x.hi80),
                r(x.lo90),
                r(x.hi90),
            ]);
        }
        w.into_inner().unwrap_or_default()
    }

    /// The `[[arrivals]]` blocks to paste into a scenario: the average
    /// forecast week as `per_day`, weekday factors and a profile per
    /// interval, with the forecast's `volume_cv`.
    pub fn arrivals_blocks(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(
            t,
            "# [[arrivals]] from the forecast of {} ({} week(s) from {}, {}-minute intervals).",
            self.history, self.weeks, self.from, self.interval_minutes
        );
        let _ = writeln!(
            t,
            "# Paste one form per channel (rename the channel to the scenario's own)."
        );
        for c in &self.channels {
            let days: Vec<_> = self
                .days
                .iter()
                .filter(|d| d.channel == c.channel)
                .collect();
            let _ = writeln!(t);
            // the average week
            let mut by_day = [(0.0, 0usize); 7];
            for d in &days {
                let w = d.date.weekday().to_monday_zero_offset() as usize;
                by_day[w].0 += d.mean;
                by_day[w].1 += 1;
            }
            let means: Vec<f64> = by_day
                .iter()
                .map(|(s, n)| if *n > 0 { s / *n as f64 } else { 0.0 })
                .collect();
            let open: Vec<f64> = means.iter().copied().filter(|m| *m > 0.0).collect();
            let per_day = open.iter().sum::<f64>() / open.len().max(1) as f64;
            let slots = (24 * 60 / self.interval_minutes.max(1)) as usize;
            let mut profile = vec![0.0; slots];
            for x in self.intervals.iter().filter(|x| x.channel == c.channel) {
                let s = (x.start.hour() as usize * 60 + x.start.minute() as usize)
                    / self.interval_minutes.max(1) as usize;
                if let Some(p) = profile.get_mut(s) {
                    *p += x.mean;
                }
            }
            let total: f64 = profile.iter().sum();
            let _ = writeln!(t);
            let _ = writeln!(
                t,
                "# {}: the average forecast week (the profile has one weight per {}-minute interval from 00:00: set simulation.interval to match).",
                c.channel, self.interval_minutes
            );
            let _ = writeln!(t, "[[arrivals]]");
            let _ = writeln!(t, "channel = {:?}", c.channel);
            let _ = writeln!(t, "per_day = {:.0}", per_day);
            let factors: Vec<String> = KEYS
                .iter()
                .zip(&means)
                .map(|(k, m)| format!("{k} = {:.3}", if per_day > 0.0 { m / per_day } else { 0.0 }))
                .collect();
            let _ = writeln!(t, "weekday = {{ {} }}", factors.join(", "));
            let weights: Vec<String> = profile
                .iter()
                .map(|p| format!("{:.5}", if total > 0.0 { p / total } else { 0.0 }))
                .collect();
            let _ = writeln!(t, "profile = [{}]", weights.join(", "));
            let _ = writeln!(t, "volume_cv = {:.3}", c.volume_cv);
        }
        t
    }
}

impl Document for Forecast {
    fn table(&self) -> Vec<u8> {
        printable(&Forecast::table(self)).into_owned().into_bytes()
    }

    fn json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    fn csv(&self) -> Option<Vec<u8>> {
        Some(self.csv_rows())
    }

    fn files(&self, _made: &Provenance) -> Result<Vec<(String, Vec<u8>)>> {
        let files = vec![
            ("forecast.json".to_string(), Document::json(self)),
            ("forecast.csv".to_string(), self.csv_rows()),
            (
                "arrivals.toml".to_string(),
                self.arrivals_blocks().into_bytes(),
            ),
        ];
        Ok(files)
    }
}
