//! `staffsim forecast` (issue 16): each method on synthetic series with a
//! known answer, the prediction intervals' coverage, anomalies, bad
//! histories, the JSON contract, and the real bank data when it is there.

use crate::util::{root, staffsim, stdout_of};
use jiff::civil::Date;
use rand::SeedableRng;
use rand_distr::{Distribution, Gamma, Poisson};
use rand_xoshiro::Xoshiro256PlusPlus;
use staffsim::forecast::{
    Choice, Forecast, History, Method, Options, accuracy, date_of, day_number, forecast,
    read_history,
};

/// Half-hour slots 07:00–21:00 (14 of a day's 48).
const OPEN: std::ops::Range<usize> = 14..42;

/// The weekdays (Monday to Friday) of `weeks` weeks from Monday 2003-03-03.
fn weekdays(weeks: i64) -> Vec<Date> {
    let monday = day_number(Date::constant(2003, 3, 3));
    (0..weeks * 7)
        .map(|d| date_of(monday + d))
        .filter(|d| d.weekday().to_monday_zero_offset() < 5)
        .collect()
}

/// The expected count of interval `s` of a day of weekday `w` with a daily total of `total`.
fn shaped(total: f64, w: usize, s: usize) -> f64 {
    if !OPEN.contains(&s) {
        return 0.0;
    }
    // a late-morning peak, a different shape on Mondays
    let x = (s - OPEN.start) as f64 / OPEN.len() as f64;
    let shape = |x: f64| 1.0 + 0.8 * (-((x - 0.3) / 0.15).powi(2)).exp() + 0.3 * x;
    let weights: f64 = OPEN
        .map(|i| {
            let xi = (i - OPEN.start) as f64 / OPEN.len() as f64;
            shape(xi) + if w == 0 { xi * 0.5 } else { 0.0 }
        })
        .sum();
    total * (shape(x) + if w == 0 { x * 0.5 } else { 0.0 }) / weights
}

/// A history of 30-minute buckets of channel `calls`, one row per date.
fn history(dates: &[Date], row: impl Fn(usize, Date) -> Vec<f64>) -> History {
    let counts = vec![dates.iter().enumerate().map(|(i, d)| row(i, *d)).collect()];
    History::from_counts(
        "synthetic.csv",
        1800,
        vec!["calls".into()],
        dates.to_vec(),
        counts,
    )
    .expect("a valid history")
}

/// Daily total of a weekday in the synthetic weekly pattern.
fn weekday_total(w: usize) -> f64 {
    [3600.0, 3100.0, 2950.0, 2900.0, 3050.0][w]
}

fn wd(d: Date) -> usize {
    d.weekday().to_monday_zero_offset() as usize
}

/// Splits `dates` at `from`: (history dates, actual dates).
fn split(dates: &[Date], from: Date) -> usize {
    dates.partition_point(|d| *d < from)
}

fn options(weeks: u32, method: Choice) -> Options {
    Options {
        weeks,
        interval: 1800,
        method,
        from: None,
    }
}

#[test]
fn a_pure_weekly_pattern_is_forecast_with_zero_error_by_every_method() {
    let dates = weekdays(14);
    let h = history(&dates, |_, d| {
        (0..48)
            .map(|s| shaped(weekday_total(wd(d)), wd(d), s))
            .collect()
    });
    for m in Method::ALL {
        let f = forecast(&h, &options(4, Choice::Fixed(m))).unwrap();
        assert_eq!(f.days.len(), 20, "{}: four weeks of weekdays", m.name());
        assert_eq!(
            f.intervals.len(),
            20 * OPEN.len(),
            "{}: closed intervals left out",
            m.name()
        );
        for x in &f.intervals {
            let d = x.start.date();
            let s = (x.start.hour() as usize * 60 + x.start.minute() as usize) / 30;
            let want = shaped(weekday_total(wd(d)), wd(d), s);
            assert!(
                (x.mean - want).abs() < 1e-6 * want,
                "{}: {} {} vs {want}",
                m.name(),
                x.start,
                x.mean
            );
        }
        // the backtest saw no error either
        let score = f.channels[0]
            .backtest
            .iter()
            .find(|s| s.method == m)
            .unwrap();
        assert!(
            score.wape < 1e-9,
            "{}: backtest WAPE {}",
            m.name(),
            score.wape
        );
    }
    assert!(
        forecast(&h, &options(4, Choice::Auto))
            .unwrap()
            .anomalies
            .is_empty()
    );
}

#[test]
fn a_linear_trend_is_extrapolated_by_the_top_down_regression() {
    let dates = weekdays(12);
    let t0 = day_number(dates[0]);
    let total = |d: Date| weekday_total(wd(d)) + 12.0 * (day_number(d) - t0) as f64;
    let all = weekdays(16);
    let from = split(&all, dates[dates.len() - 1]) + 1;
    let h = history(&dates, |_, d| {
        (0..48).map(|s| shaped(total(d), wd(d), s)).collect()
    });
    let actual = history(&all[from..], |_, d| {
        (0..48).map(|s| shaped(total(d), wd(d), s)).collect()
    });
    let f = forecast(&h, &options(4, Choice::Fixed(Method::TopDown))).unwrap();
    for d in &f.days {
        assert!(
            (d.mean - total(d.date)).abs() < 1e-6 * total(d.date),
            "{}: {} vs {}",
            d.date,
            d.mean,
            total(d.date)
        );
    }
    let acc = accuracy(&f, &actual, "calls").unwrap();
    assert!(acc.wape < 1e-9, "top-down WAPE {}", acc.wape);
    // auto finds it; a method with no trend lags behind
    let auto = forecast(&h, &options(4, Choice::Auto)).unwrap();
    assert_eq!(auto.method, "top-down");
    let naive = forecast(&h, &options(4, Choice::Fixed(Method::SeasonalNaive))).unwrap();
    let lag = accuracy(&naive, &actual, "calls").unwrap();
    assert!(
        lag.wape > 0.02,
        "seasonal naive does not follow the trend: {}",
        lag.wape
    );
}

/// Counts around the weekly pattern: each day's volume times a gamma
/// factor of `day_cv`, each interval's times one of `interval_cv`, then Poisson.
fn noisy(
    dates: &[Date],
    seed: u64,
    scale: f64,
    day_cv: f64,
    interval_cv: f64,
) -> (History, Vec<Vec<f64>>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let gamma = |cv: f64| (cv > 0.0).then(|| Gamma::new(1.0 / (cv * cv), cv * cv).unwrap());
    let (gd, gi) = (gamma(day_cv), gamma(interval_cv));
    let mut rates = Vec::new();
    let mut rows = Vec::new();
    for d in dates {
        let f = gd.map_or(1.0, |g| g.sample(&mut rng));
        let rate: Vec<f64> = (0..48)
            .map(|s| scale * shaped(weekday_total(wd(*d)), wd(*d), s))
            .collect();
        let row: Vec<f64> = rate
            .iter()
            .map(|&r| {
                let r = r * f * gi.map_or(1.0, |g| g.sample(&mut rng));
                if r > 0.0 {
                    Poisson::new(r).unwrap().sample(&mut rng)
                } else {
                    0.0
                }
            })
            .collect();
        rates.push(rate);
        rows.push(row);
    }
    let h = history(dates, |i, _| rows[i].clone());
    (h, rates)
}

#[test]
fn poisson_counts_around_a_known_rate_give_a_wape_near_the_poisson_floor() {
    let all = weekdays(24);
    let cut = split(&all, date_of(day_number(all[0]) + 20 * 7));
    let (h_all, rates) = noisy(&all, 7, 1.0, 0.0, 0.0);
    let h = History::from_counts(
        "h",
        1800,
        h_all.channels.clone(),
        all[..cut].to_vec(),
        vec![h_all.counts[0][..cut].to_vec()],
    )
    .unwrap();
    let actual = History::from_counts(
        "a",
        1800,
        h_all.channels.clone(),
        all[cut..].to_vec(),
        vec![h_all.counts[0][cut..].to_vec()],
    )
    .unwrap();
    let f = forecast(&h, &options(4, Choice::Auto)).unwrap();
    let acc = accuracy(&f, &actual, "calls").unwrap();
    // the floor: E|X - λ| / λ summed, for Poisson X of the true rates
    let (mut dev, mut sum) = (0.0, 0.0);
    for r in rates[cut..].iter().flatten().filter(|r| **r > 0.0) {
        dev += (2.0 * r / std::f64::consts::PI).sqrt();
        sum += r;
    }
    let floor = dev / sum;
    println!(
        "Poisson: WAPE {:.4} with {}, floor {:.4}",
        acc.wape, f.method, floor
    );
    assert!(
        acc.wape < 1.2 * floor && acc.wape > 0.85 * floor,
        "WAPE {} vs floor {floor}",
        acc.wape
    );
    assert!(
        f.anomalies.len() <= 2,
        "Poisson noise is not an anomaly: {:?}",
        f.anomalies
    );
}

#[test]
fn ninety_percent_intervals_cover_nine_in_ten_overdispersed_counts() {
    let all = weekdays(24);
    let cut = split(&all, date_of(day_number(all[0]) + 20 * 7));
    let (mut inside, mut n, mut days_in, mut days) = (0.0, 0.0, 0.0, 0.0);
    for seed in 0..12 {
        let (h_all, _) = noisy(&all, 100 + seed, 1.0, 0.08, 0.05);
        let part = |a: usize, b: usize| {
            History::from_counts(
                "h",
                1800,
                h_all.channels.clone(),
                all[a..b].to_vec(),
                vec![h_all.counts[0][a..b].to_vec()],
            )
            .unwrap()
        };
        let f = forecast(&part(0, cut), &options(4, Choice::Auto)).unwrap();
        let acc = accuracy(&f, &part(cut, all.len()), "calls").unwrap();
        inside += acc.coverage90 * acc.intervals as f64;
        n += acc.intervals as f64;
        days_in += acc.day_coverage90 * acc.days as f64;
        days += acc.days as f64;
    }
    let coverage = inside / n;
    println!(
        "overdispersed: 90% coverage {coverage:.3} of {n} intervals, days {:.3}",
        days_in / days
    );
    assert!((0.85..=0.95).contains(&coverage), "coverage {coverage}");
    assert!(
        (0.80..=0.98).contains(&(days_in / days)),
        "day coverage {}",
        days_in / days
    );
}

#[test]
fn an_outage_is_listed_and_not_copied_forward() {
    let dates = weekdays(10);
    let last = dates.len() - 1;
    let h = history(&dates, |i, d| {
        (0..48)
            .map(|s| {
                let v = shaped(weekday_total(wd(d)), wd(d), s);
                // the last Friday's evening collapses from 19:30
                if i == last && s >= 39 { v * 0.1 } else { v }
            })
            .collect()
    });
    for m in [Choice::Auto, Choice::Fixed(Method::SeasonalNaive)] {
        let f = forecast(&h, &options(2, m)).unwrap();
        assert_eq!(f.anomalies.len(), 1, "{:?}", f.anomalies);
        let a = &f.anomalies[0];
        assert_eq!((a.date, a.kind), (dates[last], "intervals"));
        assert_eq!(
            a.start.unwrap().to_string(),
            format!("{}T19:30:00", dates[last])
        );
        for x in f.intervals.iter().filter(|x| wd(x.start.date()) == 4) {
            let s = (x.start.hour() as usize * 60 + x.start.minute() as usize) / 30;
            let want = shaped(weekday_total(4), 4, s);
            assert!(
                (x.mean - want).abs() < 1e-6 * want,
                "{:?}: {} {} vs {want}",
                m,
                x.start,
                x.mean
            );
        }
    }
    // a whole day of zeros is a day anomaly, left out
    let h = history(&dates, |i, d| {
        (0..48)
            .map(|s| {
                if i == 22 {
                    0.0
                } else {
                    shaped(weekday_total(wd(d)), wd(d), s)
                }
            })
            .collect()
    });
    let f = forecast(&h, &options(1, Choice::Auto)).unwrap();
    assert_eq!(f.anomalies.len(), 1);
    assert_eq!(
        (f.anomalies[0].date, f.anomalies[0].kind),
        (dates[22], "day")
    );
    assert!(f.channels[0].backtest.iter().all(|s| s.wape < 1e-9));
}

/// Writes `text` as a history file in a fresh folder.
fn file(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// A CSV of `days` days of 5-minute buckets, 07:00–08:55, two channels.
fn csv(days: i64) -> String {
    let mut s = String::from("DateTime,phone,email\n");
    for d in 0..days {
        let date = date_of(day_number(Date::constant(2003, 3, 3)) + d);
        for m in (0..120).step_by(5) {
            s += &format!(
                "{date}T{:02}:{:02}:00Z,{},{}\n",
                7 + m / 60,
                m % 60,
                10 + m / 5,
                3
            );
        }
    }
    s
}

#[test]
fn the_json_document_follows_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let path = file(&dir, "h.csv", &csv(21));
    let text = stdout_of(staffsim().args([
        "forecast",
        &path,
        "--weeks",
        "1",
        "--interval",
        "30m",
        "--format",
        "json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(v["method"].is_string());
    let first = &v["intervals"][0];
    assert_eq!(first["channel"], "phone");
    assert_eq!(first["start"], "2003-03-24T07:00:00");
    // six 5-minute buckets of 10..15 contacts
    assert!(
        (first["mean"].as_f64().unwrap() - 75.0).abs() < 1e-9,
        "{first}"
    );
    for k in ["lo80", "hi80", "lo90", "hi90"] {
        assert!(first[k].is_number(), "{k}");
    }
    assert!(
        first["lo90"].as_f64() <= first["lo80"].as_f64()
            && first["hi80"].as_f64() <= first["hi90"].as_f64()
    );
    let day = &v["days"][0];
    assert_eq!(
        (day["channel"].as_str(), day["date"].as_str()),
        (Some("phone"), Some("2003-03-24"))
    );
    for k in ["mean", "lo90", "hi90"] {
        assert!(day[k].is_number(), "{k}");
    }
    assert!(v["anomalies"].as_array().unwrap().is_empty());
    // 4 open intervals a day (07:00–09:00), 7 days, two channels
    assert_eq!(v["intervals"].as_array().unwrap().len(), 4 * 7 * 2);
    assert!(
        v["intervals"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["channel"] == "email")
    );
    // one unnamed count column is channel calls; the CSV form has a row per interval
    let one = file(
        &dir,
        "one.csv",
        &csv(21).replace(",phone,email", ",").replace(",3\n", "\n"),
    );
    let rows = stdout_of(staffsim().args(["forecast", &one, "--weeks", "1", "--format", "csv"]));
    assert_eq!(
        rows.lines().next(),
        Some("channel,start,mean,lo80,hi80,lo90,hi90")
    );
    assert!(
        rows.lines()
            .nth(1)
            .unwrap()
            .starts_with("calls,2003-03-24T07:00:00,")
    );
    // --out writes the files, and refuses to overwrite them
    let out = dir.path().join("out");
    stdout_of(staffsim().args(["forecast", &path, "--out", out.to_str().unwrap()]));
    for f in ["forecast.json", "forecast.csv", "arrivals.toml"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let blocks = std::fs::read_to_string(out.join("arrivals.toml")).unwrap();
    assert!(blocks.contains("per_day = ") && blocks.contains("volume_cv = "));
    staffsim()
        .args(["forecast", &path, "--out", out.to_str().unwrap()])
        .assert()
        .code(2);
}

#[test]
fn bad_histories_are_refused_with_file_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let good = csv(21);
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "empty.csv",
            String::new(),
            "is empty; a volume history needs a header",
        ),
        ("header.csv", "DateTime,Calls\n".into(), "holds no volumes"),
        ("short.csv", csv(10), "needs at least two weeks (14 days)"),
        (
            "order.csv",
            good.replacen("07:10:00Z", "06:10:00Z", 1),
            "row 4, column 1 (DateTime): earlier than the row before",
        ),
        (
            "negative.csv",
            good.replacen(",3\n", ",-3\n", 1),
            "row 2, column 3 (email): a negative count",
        ),
        (
            "text.csv",
            good.replacen(",3\n", ",many\n", 1),
            "row 2, column 3 (email): not a number",
        ),
        (
            "stamp.csv",
            good.replacen("2003-03-03T07:00:00Z", "03/03/2003 7:00", 1),
            "row 2, column 1 (DateTime): not a timestamp",
        ),
        (
            "mixed.csv",
            {
                let mut s = good.clone();
                for m in (0..120).step_by(15) {
                    s += &format!("2003-03-24T{:02}:{:02}:00Z,1,1\n", 7 + m / 60, m % 60);
                }
                s
            },
            "mixed bucket widths",
        ),
        (
            "gap.csv",
            good.clone() + "2003-05-01T07:00:00Z,1,1\n",
            "gap of weeks",
        ),
    ];
    for (name, text, want) in cases {
        let path = file(&dir, name, &text);
        let out = staffsim().args(["forecast", &path]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(&path) && err.contains(want), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
    let path = file(&dir, "ok.csv", &good);
    for (args, want) in [
        (vec!["--weeks", "0"], "--weeks: must be 1 to"),
        (vec!["--interval", "7m"], "--interval: must be a multiple"),
        (
            vec!["--method", "magic"],
            "--method: \"magic\" is not a method",
        ),
        (vec!["--from", "2003-03-10"], "at least two weeks"),
    ] {
        let out = staffsim()
            .args(["forecast", &path])
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
}

/// The bank's five-minute volumes, when the shared data is there.
fn bank() -> Option<History> {
    // ../shared beside the repository (a git worktree one level deeper: ../../shared)
    let file = "shared/data/bank-calls/calls-5min-2003-03-03-to-09-26.csv";
    let path = root().join("..").join(file);
    let path = if path.is_file() {
        path
    } else {
        root().join("../..").join(file)
    };
    if !path.is_file() {
        println!(
            "note: {} is absent; the real-data forecast test is skipped",
            path.display()
        );
        return None;
    }
    Some(read_history(&path).expect("the bank data reads"))
}

fn report(name: &str, f: &Forecast, actual: &History) -> staffsim::forecast::Accuracy {
    let a = accuracy(f, actual, "calls").unwrap();
    println!(
        "{name:>15} ({}): daily MAPE {:.2}%, 30-min WAPE {:.2}%, 90% coverage {:.3} (80%: {:.3}, days {:.3}), 90% width {:.1}% of forecast, {} intervals",
        f.method,
        a.daily_mape * 100.0,
        a.wape * 100.0,
        a.coverage90,
        a.coverage80,
        a.day_coverage90,
        a.width90 * 100.0,
        a.intervals
    );
    a
}

#[test]
fn the_bank_s_september_is_forecast_from_its_history_to_august() {
    let Some(h) = bank() else { return };
    let from = Some(Date::constant(2003, 9, 1));
    let opts = |method| Options {
        weeks: 4,
        interval: 1800,
        method,
        from,
    };
    let auto = forecast(&h, &opts(Choice::Auto)).unwrap();
    let a = report("auto", &auto, &h);
    let naive = forecast(&h, &opts(Choice::Fixed(Method::SeasonalNaive))).unwrap();
    let n = report("seasonal naive", &naive, &h);
    for m in Method::ALL {
        report(
            m.name(),
            &forecast(&h, &opts(Choice::Fixed(m))).unwrap(),
            &h,
        );
    }
    assert_eq!(a.days, 19, "2003-09-02 … 09-26 (Labor Day has no data)");
    assert!(
        a.wape < 0.9 * n.wape,
        "WAPE {} vs seasonal naive {}",
        a.wape,
        n.wape
    );
    assert!(
        (0.85..=0.97).contains(&a.coverage90),
        "coverage {}",
        a.coverage90
    );
    assert!(a.width90 <= 0.40, "width {}", a.width90);
    // the whole file: the evening outage of 2003-09-26 is found, and the
    // next Friday's evening is not a collapse
    let f = forecast(
        &h,
        &Options {
            from: None,
            ..opts(Choice::Auto)
        },
    )
    .unwrap();
    let outage = f
        .anomalies
        .iter()
        .find(|x| {
            x.date == Date::constant(2003, 9, 26)
                && x.kind == "intervals"
                && x.start.is_some_and(|s| s.hour() == 20)
        })
        .unwrap_or_else(|| panic!("the outage is listed: {:?}", f.anomalies));
    assert!(outage.actual < 0.5 * outage.expected);
    let evening = |date: Date| -> f64 {
        f.intervals
            .iter()
            .filter(|x| x.start.date() == date && x.start.hour() == 20)
            .map(|x| x.mean)
            .sum()
    };
    let friday = evening(Date::constant(2003, 10, 3));
    println!(
        "forecast of Friday 2003-10-03 20:00–21:00: {friday:.0} (2003-09-26 had {:.0}, expected {:.0})",
        outage.actual, outage.expected
    );
    assert!(friday > 0.7 * outage.expected, "{friday}");
    assert_eq!(f.intervals[0].start.to_string(), "2003-09-29T07:00:00");
}
