//! `staffsim forecast`: next weeks' volumes per channel and interval from a
//! volume history, with 80% and 90% prediction intervals.
//!
//! The steps, per channel: the history's buckets are summed into the
//! forecast's intervals; anomalous days and intervals are found against
//! the same weekday of the weeks around ([`anomaly`]), listed, and kept
//! out of the fitting (a day left out, an interval replaced by what was
//! expected); every method ([`methods`]) is scored by a rolling-origin
//! backtest inside the history (weekly origins, the forecast's own
//! horizon); `auto` takes the method of the smallest interval-level WAPE;
//! and the prediction intervals come from that method's backtest errors,
//! per week of lead: the relative variance beyond Poisson, `c²`, with
//! `Var = μ + c²μ²` (a gamma of that mean and variance gives the
//! quantiles). The day-level `c` is the scenario's `volume_cv`.

pub mod anomaly;
pub mod history;
pub mod methods;
mod output;

pub use history::{History, read_history, read_history_bytes};
pub use methods::Method;
pub use output::FORECAST_FILES;

use crate::error::{Error, Result};
use jiff::civil::{Date, DateTime, Time};
use methods::{Clean, Target};
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Gamma};

/// Most weeks forecast.
pub const MAX_WEEKS: u32 = 26;
/// Most backtest origins (one a week, the most recent first).
pub const BACKTEST_ORIGINS: usize = 12;

/// Which method to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// The method of the smallest backtest error, per channel.
    Auto,
    /// This method.
    Fixed(Method),
}

impl Choice {
    /// `auto` or a method's name.
    pub fn parse(text: &str) -> std::result::Result<Choice, String> {
        if text == "auto" {
            return Ok(Choice::Auto);
        }
        Method::parse(text).map(Choice::Fixed).ok_or_else(|| {
            format!(
                "\"{text}\" is not a method; write auto or one of {}",
                Method::ALL.map(Method::name).join(", ")
            )
        })
    }
}

/// What to forecast.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Weeks ahead (1 to [`MAX_WEEKS`]).
    pub weeks: u32,
    /// The forecast's interval, seconds (a multiple of the history's buckets, dividing a day).
    pub interval: u32,
    /// The method.
    pub method: Choice,
    /// The first date forecast; the history before it is used. `None`:
    /// the day after the history's last date.
    pub from: Option<Date>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            weeks: 4,
            interval: 1800,
            method: Choice::Auto,
            from: None,
        }
    }
}

/// The forecast of one interval.
#[derive(Debug, Clone, Serialize)]
pub struct IntervalForecast {
    /// The channel.
    pub channel: String,
    /// Start of the interval, local clock time as in the history.
    #[serde(serialize_with = "output::datetime")]
    pub start: DateTime,
    /// Expected contacts.
    #[serde(serialize_with = "output::count")]
    pub mean: f64,
    /// Lower bound of the 80% prediction interval.
    #[serde(serialize_with = "output::count")]
    pub lo80: f64,
    /// Upper bound of the 80% prediction interval.
    #[serde(serialize_with = "output::count")]
    pub hi80: f64,
    /// Lower bound of the 90% prediction interval.
    #[serde(serialize_with = "output::count")]
    pub lo90: f64,
    /// Upper bound of the 90% prediction interval.
    #[serde(serialize_with = "output::count")]
    pub hi90: f64,
}

/// The forecast of one day's total.
#[derive(Debug, Clone, Serialize)]
pub struct DayForecast {
    /// The channel.
    pub channel: String,
    /// The date.
    #[serde(serialize_with = "output::date")]
    pub date: Date,
    /// Expected contacts.
    #[serde(serialize_with = "output::count")]
    pub mean: f64,
    /// Lower bound of the 80% prediction interval.
    #[serde(serialize_with = "output::count")]
    pub lo80: f64,
    /// Upper bound of the 80% prediction interval.
    #[serde(serialize_with = "output::count")]
    pub hi80: f64,
    /// Lower bound of the 90% prediction interval.
    #[serde(serialize_with = "output::count")]
    pub lo90: f64,
    /// Upper bound of the 90% prediction interval.
    #[serde(serialize_with = "output::count")]
    pub hi90: f64,
}

/// An anomaly of the history, kept out of the fitting.
#[derive(Debug, Clone, Serialize)]
pub struct Anomaly {
    /// The channel.
    pub channel: String,
    /// The date.
    #[serde(serialize_with = "output::date")]
    pub date: Date,
    /// `day` (the whole day left out) or `intervals` (those replaced by what was expected).
    pub kind: &'static str,
    /// Start of the first interval (`intervals` only).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "output::opt_datetime"
    )]
    pub start: Option<DateTime>,
    /// End of the last interval (`intervals` only).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "output::opt_datetime"
    )]
    pub end: Option<DateTime>,
    /// Contacts in the history.
    #[serde(serialize_with = "output::count")]
    pub actual: f64,
    /// Contacts expected from the same weekday of the weeks around.
    #[serde(serialize_with = "output::count")]
    pub expected: f64,
}

/// One method's backtest score.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    /// The method.
    pub method: Method,
    /// Interval-level weighted absolute percentage error: sum of absolute
    /// errors over sum of actuals.
    #[serde(serialize_with = "output::ratio")]
    pub wape: f64,
    /// Mean absolute percentage error of the daily totals.
    #[serde(serialize_with = "output::ratio")]
    pub daily_mape: f64,
    /// Intervals scored.
    pub intervals: usize,
}

/// The spread of the forecast error at one week of lead, beyond Poisson.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Spread {
    /// Relative standard deviation of an interval's count beyond Poisson
    /// (`Var = μ + c²μ²`).
    #[serde(serialize_with = "output::ratio")]
    pub interval_cv: f64,
    /// The same for a day's total.
    #[serde(serialize_with = "output::ratio")]
    pub day_cv: f64,
}

/// What was found for one channel.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelForecast {
    /// The channel.
    pub channel: String,
    /// The method used.
    pub method: Method,
    /// Every method's backtest score (empty when the history is too short
    /// for one: then the spread is Poisson's with a 10% day-level spread).
    pub backtest: Vec<Score>,
    /// Backtest origins used.
    pub origins: usize,
    /// Spread per week of lead.
    pub spread: Vec<Spread>,
    /// The day-to-day uncertainty to give the scenario as `volume_cv`.
    #[serde(serialize_with = "output::ratio")]
    pub volume_cv: f64,
}

/// A forecast: the document of `staffsim forecast`.
#[derive(Debug, Clone, Serialize)]
pub struct Forecast {
    /// The method used (the channels' common method, else `mixed`).
    pub method: String,
    /// Per interval, per channel.
    pub intervals: Vec<IntervalForecast>,
    /// Per day, per channel.
    pub days: Vec<DayForecast>,
    /// Anomalies of the history kept out of the fitting.
    pub anomalies: Vec<Anomaly>,
    /// The history file.
    pub history: String,
    /// The forecast's interval, minutes.
    pub interval_minutes: u32,
    /// The first date forecast.
    #[serde(serialize_with = "output::date")]
    pub from: Date,
    /// Weeks forecast.
    pub weeks: u32,
    /// Per channel: method, backtest, spread.
    pub channels: Vec<ChannelForecast>,
    /// The history, summed into the forecast's intervals, for charts:
    /// `(channel, dates, rows)` of the last weeks before `from`.
    #[serde(skip)]
    pub recent: Vec<(String, Vec<Date>, Vec<Vec<f64>>)>,
}

/// Day numbers are days from this date.
const EPOCH: Date = Date::constant(2000, 1, 1);

/// The day number of a date.
pub fn day_number(d: Date) -> i64 {
    i64::from(EPOCH.until(d).map(|s| s.get_days()).unwrap_or(0))
}

/// The date of a day number.
pub fn date_of(n: i64) -> Date {
    EPOCH
        .checked_add(jiff::Span::new().days(n))
        .unwrap_or(EPOCH)
}

/// Monday = 0.
fn weekday_of(d: Date) -> usize {
    d.weekday().to_monday_zero_offset() as usize
}

/// One channel's history summed into intervals: day numbers, weekdays, rows.
struct Grid {
    day: Vec<i64>,
    weekday: Vec<usize>,
    rows: Vec<Vec<f64>>,
}

fn grid(h: &History, channel: usize, per: usize, before: i64) -> Grid {
    let mut g = Grid {
        day: Vec::new(),
        weekday: Vec::new(),
        rows: Vec::new(),
    };
    for (i, d) in h.dates.iter().enumerate() {
        let n = day_number(*d);
        if n >= before {
            break;
        }
        g.day.push(n);
        g.weekday.push(weekday_of(*d));
        g.rows.push(
            h.counts[channel][i]
                .chunks(per)
                .map(|c| c.iter().sum())
                .collect(),
        );
    }
    g
}

/// Backtest errors of one method, for scoring and spread.
#[derive(Debug, Default, Clone)]
struct Errors {
    abs: f64,
    actual: f64,
    ape: Vec<f64>,
    cells: usize,
    /// Per lead week: (Σ(e² − μ), Σμ²) over intervals, and over days.
    interval: Vec<(f64, f64)>,
    day: Vec<(f64, f64)>,
}

impl Errors {
    fn new(leads: usize) -> Self {
        Errors {
            interval: vec![(0.0, 0.0); leads],
            day: vec![(0.0, 0.0); leads],
            ..Default::default()
        }
    }
}

/// The (weekday, interval) pairs the history has volume in.
fn open_slots(c: &Clean, slots: usize) -> [Vec<bool>; 7] {
    let mut open: [Vec<bool>; 7] = std::array::from_fn(|_| vec![false; slots]);
    for (i, row) in c.rows.iter().enumerate() {
        for (s, v) in row.iter().enumerate() {
            if *v > 0.0 {
                open[c.weekday[i]][s] = true;
            }
        }
    }
    open
}

/// Scores `method` by rolling origins ending at day `end`, over `weeks` weeks of lead.
fn backtest(
    method: Method,
    c: &Clean,
    end: i64,
    weeks: usize,
    open: &[Vec<bool>; 7],
) -> (Errors, usize) {
    let mut err = Errors::new(weeks);
    let mut origins = 0;
    let first = c.day.first().copied().unwrap_or(end);
    for j in 1..=BACKTEST_ORIGINS as i64 {
        let origin = end - 7 * j;
        if origin - first < 7 {
            break;
        }
        let n = c.before(origin);
        let stop = c.before((origin + 7 * weeks as i64).min(end));
        let days: Vec<usize> = (n..stop).collect();
        if days.is_empty() || n == 0 {
            continue;
        }
        origins += 1;
        let targets: Vec<Target> = days
            .iter()
            .map(|&i| Target {
                day: c.day[i],
                weekday: c.weekday[i],
            })
            .collect();
        let pred = predict_open(method, c, n, &targets, open);
        for (k, &i) in days.iter().enumerate() {
            let lead = ((c.day[i] - origin) / 7) as usize;
            let (mut day_a, mut day_f, mut clean_day) = (0.0, 0.0, true);
            for (s, &f) in pred[k].iter().enumerate() {
                let a = c.rows[i][s];
                day_a += a;
                day_f += f;
                if c.imputed[i][s] {
                    clean_day = false;
                    continue;
                }
                if !open[c.weekday[i]][s] {
                    continue;
                }
                err.abs += (a - f).abs();
                err.actual += a;
                err.cells += 1;
                if f > 0.0 {
                    let cell = &mut err.interval[lead];
                    cell.0 += (a - f).powi(2) - f;
                    cell.1 += f * f;
                }
            }
            if day_a > 0.0 {
                err.ape.push((day_a - day_f).abs() / day_a);
            }
            if clean_day && day_f > 0.0 {
                let d = &mut err.day[lead];
                d.0 += (day_a - day_f).powi(2) - day_f;
                d.1 += day_f * day_f;
            }
        }
    }
    (err, origins)
}

/// [`methods::predict`] with intervals the history never has volume in set to 0.
fn predict_open(
    method: Method,
    c: &Clean,
    n: usize,
    targets: &[Target],
    open: &[Vec<bool>; 7],
) -> Vec<Vec<f64>> {
    let mut pred = methods::predict(method, c, n, targets);
    for (row, t) in pred.iter_mut().zip(targets) {
        for (v, o) in row.iter_mut().zip(&open[t.weekday]) {
            if !o {
                *v = 0.0;
            }
        }
    }
    pred
}

/// The quantiles (p10, p90, p5, p95) of a count of mean `mean` and
/// relative spread `cv` beyond Poisson: a gamma of that mean and variance.
pub fn quantiles(mean: f64, cv: f64) -> [f64; 4] {
    if mean <= 0.0 {
        return [0.0; 4];
    }
    let var = mean + (cv * mean).powi(2);
    let shape = mean * mean / var;
    let rate = mean / var;
    match Gamma::new(shape, rate) {
        Ok(g) => [0.10, 0.90, 0.05, 0.95].map(|p| g.inverse_cdf(p)),
        Err(_) => [mean; 4],
    }
}

/// The spread per week of lead from backtest errors: each lead's own when
/// it has any, never less than a shorter lead's; with no backtest, Poisson
/// and a 10% day-level spread.
fn spread(err: Option<&Errors>, weeks: usize) -> Vec<Spread> {
    let mut out = Vec::with_capacity(weeks);
    let mut last = Spread {
        interval_cv: 0.1,
        day_cv: 0.1,
    };
    let cv = |(num, den): (f64, f64)| (den > 0.0).then(|| (num / den).max(0.0).sqrt());
    for lead in 0..weeks {
        if let Some(e) = err {
            let (i, d) = (cv(e.interval[lead]), cv(e.day[lead]));
            if lead == 0 {
                last = Spread {
                    interval_cv: i.unwrap_or(0.0),
                    day_cv: d.unwrap_or(0.0),
                };
            } else {
                last = Spread {
                    interval_cv: i.unwrap_or(last.interval_cv).max(last.interval_cv),
                    day_cv: d.unwrap_or(last.day_cv).max(last.day_cv),
                };
            }
        }
        out.push(last);
    }
    out
}

/// Forecasts every channel of `h` (see the module doc).
pub fn forecast(h: &History, opts: &Options) -> Result<Forecast> {
    let bad = |setting: &str, message: String| Error::BadSetting {
        setting: setting.into(),
        message,
    };
    if opts.weeks == 0 || opts.weeks > MAX_WEEKS {
        return Err(bad("weeks", format!("must be 1 to {MAX_WEEKS}")));
    }
    if opts.interval == 0 || 86_400 % opts.interval != 0 || !opts.interval.is_multiple_of(h.bucket)
    {
        return Err(bad(
            "interval",
            format!(
                "must be a multiple of the history's {}-minute buckets that divides a day (e.g. 15m, 30m, 1h)",
                f64::from(h.bucket) / 60.0
            ),
        ));
    }
    let last = h.dates.last().map_or(0, |d| day_number(*d));
    let first = h.dates.first().map_or(0, |d| day_number(*d));
    let from = opts.from.map_or(last + 1, day_number);
    if from - first < 14 {
        return Err(Error::History {
            message: format!(
                "{}: only {} day(s) of history before {}; a forecast needs at least two weeks (14 days) before the date it starts on",
                h.file,
                (from - first).max(0),
                date_of(from)
            ),
        });
    }
    let per = (opts.interval / h.bucket) as usize;
    let slots = (86_400 / opts.interval) as usize;
    let weeks = opts.weeks as usize;
    let mut out = Forecast {
        method: String::new(),
        intervals: Vec::new(),
        days: Vec::new(),
        anomalies: Vec::new(),
        history: h.file.clone(),
        interval_minutes: opts.interval / 60,
        from: date_of(from),
        weeks: opts.weeks,
        channels: Vec::new(),
        recent: Vec::new(),
    };
    for (ch, name) in h.channels.iter().enumerate() {
        let g = grid(h, ch, per, from);
        let (found, clean) = anomaly::clean(&g.day, &g.weekday, &g.rows);
        for f in &found {
            let date = date_of(g.day[f.day]);
            let at = |s: usize| {
                let secs = (s as u32 * opts.interval) as i64;
                date.to_datetime(Time::midnight())
                    .checked_add(jiff::SignedDuration::from_secs(secs))
                    .ok()
            };
            out.anomalies.push(Anomaly {
                channel: name.clone(),
                date,
                kind: if f.slots.is_some() {
                    "intervals"
                } else {
                    "day"
                },
                start: f.slots.and_then(|(a, _)| at(a)),
                end: f.slots.and_then(|(_, b)| at(b)),
                actual: f.actual,
                expected: f.expected,
            });
        }
        let open = open_slots(&clean, slots);
        // weekdays forecast: those the last four weeks of history have
        let recent_from = clean.before(from - 28);
        let mut open_day = [false; 7];
        for i in recent_from..clean.day.len() {
            open_day[clean.weekday[i]] = true;
        }
        let scored: Vec<(Method, Errors, usize)> = Method::ALL
            .iter()
            .map(|&m| {
                let (e, o) = backtest(m, &clean, from, weeks, &open);
                (m, e, o)
            })
            .collect();
        let origins = scored.first().map_or(0, |s| s.2);
        let backtest: Vec<Score> = if origins == 0 {
            Vec::new()
        } else {
            scored
                .iter()
                .map(|(m, e, _)| Score {
                    method: *m,
                    wape: if e.actual > 0.0 {
                        e.abs / e.actual
                    } else {
                        0.0
                    },
                    daily_mape: e.ape.iter().sum::<f64>() / e.ape.len().max(1) as f64,
                    intervals: e.cells,
                })
                .collect()
        };
        let method = match opts.method {
            Choice::Fixed(m) => m,
            Choice::Auto => backtest
                .iter()
                .min_by(|a, b| a.wape.total_cmp(&b.wape))
                .map_or(Method::WeekdayMean, |s| s.method),
        };
        let errors = scored.iter().find(|s| s.0 == method).map(|s| &s.1);
        let spread = spread(errors.filter(|_| origins > 0), weeks);
        let volume_cv = spread.iter().map(|s| s.day_cv).sum::<f64>() / weeks as f64;
        let targets: Vec<Target> = (from..from + 7 * weeks as i64)
            .map(|d| Target {
                day: d,
                weekday: weekday_of(date_of(d)),
            })
            .filter(|t| open_day[t.weekday])
            .collect();
        let pred = predict_open(method, &clean, clean.day.len(), &targets, &open);
        for (t, row) in targets.iter().zip(&pred) {
            let lead = ((t.day - from) / 7) as usize;
            let sp = spread[lead.min(weeks - 1)];
            let date = date_of(t.day);
            for (s, &mean) in row.iter().enumerate() {
                if !open[t.weekday][s] {
                    continue;
                }
                let [lo80, hi80, lo90, hi90] = quantiles(mean, sp.interval_cv);
                let start = date
                    .to_datetime(Time::midnight())
                    .checked_add(jiff::SignedDuration::from_secs(i64::from(
                        s as u32 * opts.interval,
                    )))
                    .unwrap_or_default();
                out.intervals.push(IntervalForecast {
                    channel: name.clone(),
                    start,
                    mean,
                    lo80,
                    hi80,
                    lo90,
                    hi90,
                });
            }
            let mean: f64 = row.iter().sum();
            let [lo80, hi80, lo90, hi90] = quantiles(mean, sp.day_cv);
            out.days.push(DayForecast {
                channel: name.clone(),
                date,
                mean,
                lo80,
                hi80,
                lo90,
                hi90,
            });
        }
        out.channels.push(ChannelForecast {
            channel: name.clone(),
            method,
            backtest,
            origins,
            spread,
            volume_cv,
        });
        let keep = g.day.partition_point(|&d| d < from - 28);
        out.recent.push((
            name.clone(),
            g.day[keep..].iter().map(|&d| date_of(d)).collect(),
            g.rows[keep..].to_vec(),
        ));
    }
    let first_method = out.channels.first().map(|c| c.method);
    out.method = match first_method {
        Some(m) if out.channels.iter().all(|c| c.method == m) => m.name().to_string(),
        Some(_) => "mixed".into(),
        None => String::new(),
    };
    Ok(out)
}

/// Accuracy of a forecast against what happened: the figures the README reports.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Accuracy {
    /// Mean absolute percentage error of the daily totals.
    #[serde(serialize_with = "output::ratio")]
    pub daily_mape: f64,
    /// Interval-level WAPE: sum of absolute errors over sum of actuals.
    #[serde(serialize_with = "output::ratio")]
    pub wape: f64,
    /// Share of intervals whose actual count is inside the 90% interval.
    #[serde(serialize_with = "output::ratio")]
    pub coverage90: f64,
    /// Share of intervals inside the 80% interval.
    #[serde(serialize_with = "output::ratio")]
    pub coverage80: f64,
    /// Share of days inside the 90% interval.
    #[serde(serialize_with = "output::ratio")]
    pub day_coverage90: f64,
    /// Total width of the 90% intervals over the total forecast.
    #[serde(serialize_with = "output::ratio")]
    pub width90: f64,
    /// Intervals compared.
    pub intervals: usize,
    /// Days compared.
    pub days: usize,
}

/// Compares `f` with the history `actual` (summed into `f`'s intervals)
/// for channel `channel`, on the dates both have.
pub fn accuracy(f: &Forecast, actual: &History, channel: &str) -> Option<Accuracy> {
    let ch = actual.channels.iter().position(|c| c == channel)?;
    let interval = f.interval_minutes * 60;
    if !interval.is_multiple_of(actual.bucket) {
        return None;
    }
    let per = (interval / actual.bucket) as usize;
    let mut rows = std::collections::HashMap::new();
    for (i, d) in actual.dates.iter().enumerate() {
        let row: Vec<f64> = actual.counts[ch][i]
            .chunks(per)
            .map(|c| c.iter().sum())
            .collect();
        rows.insert(*d, row);
    }
    let (mut abs, mut act, mut width, mut mean, mut in90, mut in80, mut n) =
        (0.0, 0.0, 0.0, 0.0, 0, 0, 0);
    for x in f.intervals.iter().filter(|x| x.channel == channel) {
        let Some(row) = rows.get(&x.start.date()) else {
            continue;
        };
        let secs = x.start.time().hour() as u32 * 3600 + x.start.time().minute() as u32 * 60;
        let a = row[(secs / interval) as usize];
        abs += (a - x.mean).abs();
        act += a;
        width += x.hi90 - x.lo90;
        mean += x.mean;
        in90 += usize::from(a >= x.lo90 && a <= x.hi90);
        in80 += usize::from(a >= x.lo80 && a <= x.hi80);
        n += 1;
    }
    let (mut ape, mut din, mut days) = (0.0, 0, 0);
    for d in f.days.iter().filter(|d| d.channel == channel) {
        let Some(row) = rows.get(&d.date) else {
            continue;
        };
        let a: f64 = row.iter().sum();
        if a > 0.0 {
            ape += (a - d.mean).abs() / a;
            din += usize::from(a >= d.lo90 && a <= d.hi90);
            days += 1;
        }
    }
    (n > 0 && days > 0).then(|| Accuracy {
        daily_mape: ape / days as f64,
        wape: abs / act.max(f64::MIN_POSITIVE),
        coverage90: in90 as f64 / n as f64,
        coverage80: in80 as f64 / n as f64,
        day_coverage90: din as f64 / days as f64,
        width90: width / mean.max(f64::MIN_POSITIVE),
        intervals: n,
        days,
    })
}
