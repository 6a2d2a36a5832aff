//! Replaying a real day: calendar dates, holidays and closed dates,
//! recorded arrivals (traces) and staffing by interval (rosters).
//!
//! The checks are exact: a trace fixes every arrival, a roster every
//! agent on duty, so counts, times and waits are compared with the file
//! or with a schedule worked out by hand.

use staffsim::scenario::{Scenario, load_str};

fn load(text: &str) -> Scenario {
    match load_str(text, "test.toml", None) {
        Ok(s) => s,
        Err(e) => panic!("test scenario does not load: {e}\n{text}"),
    }
}

/// A one-line scenario starting at `start`.
fn starting(start: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "3d"
start = {start}
[[channel]]
name = "phone"
[[arrivals]]
channel = "phone"
per_hour = 1
[[line]]
name = "L1"
channels = ["phone"]
agents = 1
handle = "1m"
"#
    )
}

#[test]
fn a_date_start_gives_its_weekday_and_calendar_times() {
    // 15 February 1999 was a Monday, 21 February a Sunday
    let sc = load(&starting("\"1999-02-21\""));
    assert_eq!(sc.start_weekday, 6);
    assert_eq!(sc.datetime_at(0.0).to_string(), "1999-02-21T00:00:00");
    assert_eq!(
        sc.datetime_at(86_400.0 + 7.0 * 3600.0 + 3.0 * 60.0 + 12.25)
            .to_string(),
        "1999-02-22T07:03:12.25"
    );
    // a TOML date, unquoted, is the same
    let toml_date = load(&starting("1999-02-21"));
    assert_eq!(toml_date.start_date, sc.start_date);
    // a weekday start runs in the nominal week of Monday 2001-01-01
    let wed = load(&starting("\"wed\""));
    assert_eq!(wed.start_date, None);
    assert_eq!(wed.datetime_at(3600.0).to_string(), "2001-01-03T01:00:00");
    assert_eq!(
        load(&starting("\"mon\"")).start_date().to_string(),
        "2001-01-01"
    );
}

#[test]
fn a_start_date_in_a_wrong_format_is_an_error_with_its_place() {
    for (bad, says) in [
        ("\"1999-2-15\"", "write \"YYYY-MM-DD\""),
        ("\"15/02/1999\"", "write \"YYYY-MM-DD\""),
        ("\"1999-02-30\"", "not a date of the calendar"),
        ("\"9999-12-30\"", "past the year 9999"),
    ] {
        let text = starting(bad);
        let err = load_str(&text, "test.toml", None)
            .expect_err(bad)
            .to_string();
        assert!(
            err.contains("test.toml:4:") && err.contains("simulation.start") && err.contains(says),
            "{bad}: {err}"
        );
    }
}

use staffsim::model::run_replication;

/// Writes `files` (name, text) into a temporary folder and loads the
/// scenario `scenario.toml` written there.
fn load_with(scenario: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, Scenario) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let path = dir.path().join("scenario.toml");
    std::fs::write(&path, scenario).unwrap();
    let sc = staffsim::scenario::load_file(&path)
        .unwrap_or_else(|e| panic!("test scenario does not load: {e}\n{scenario}"));
    (dir, sc)
}

/// The error of loading `scenario` with `files`.
fn load_error(scenario: &str, files: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let path = dir.path().join("scenario.toml");
    std::fs::write(&path, scenario).unwrap();
    match staffsim::scenario::load_file(&path) {
        Ok(_) => panic!("loads, but should not:\n{scenario}\n{files:?}"),
        Err(e) => e.to_string(),
    }
}

/// One channel replayed from `trace.csv`, one line of `agents` agents
/// with a constant handling time, 1-minute intervals.
fn traced(agents: u32, handle: &str, reps: u32) -> String {
    format!(
        r#"
[simulation]
horizon = "1d"
replications = {reps}
seed = 11
interval = "1m"
start = "1999-02-15"
[[channel]]
name = "phone"
[[arrivals]]
channel = "phone"
trace = "trace.csv"
[[line]]
name = "L1"
channels = ["phone"]
agents = {agents}
handle = "{handle}"
"#
    )
}

#[test]
fn a_trace_of_n_arrivals_gives_n_offered_contacts_at_those_times_in_every_replication() {
    // 40 arrivals at uneven times, some sharing a minute, given both ways
    let mut trace = String::from("arrival\n");
    let mut per_minute = vec![0u32; 1440];
    for i in 0..40u32 {
        let secs = 300 + i * i * 17 + (i % 3) * 5;
        per_minute[(secs / 60) as usize] += 1;
        if i % 2 == 0 {
            trace.push_str(&format!("{secs}\n"));
        } else {
            let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
            trace.push_str(&format!("1999-02-15T{h:02}:{m:02}:{s:02}\n"));
        }
    }
    // a row after the horizon is not replayed
    trace.push_str("1999-02-16T00:00:00\n");
    let (_dir, sc) = load_with(&traced(50, "3m", 5), &[("trace.csv", &trace)]);
    for r in 0..sc.replications as u64 {
        let t = run_replication(&sc, r);
        assert_eq!(t.channels[0].offered, 40, "replication {r}");
        assert_eq!(t.channels[0].answered, 40, "replication {r}");
        for (m, &n) in per_minute.iter().enumerate() {
            assert_eq!(
                t.intervals.channels[0][m].offered, n as f64,
                "replication {r}, minute {m}"
            );
        }
    }
}

#[test]
fn a_trace_with_constant_handling_and_no_patience_gives_the_schedule_worked_by_hand() {
    // 2 agents, 10-minute handling. Arrivals at 0, 1, 2, 3 and 15 minutes:
    // 1 and 2 answered at once (ends 10 and 11 min); 3 waits for the first
    // agent (answered at 10 min, waited 8), 4 for the second (11 min,
    // waited 8); 5 finds the first agent back at 20 min: answered at 20,
    // waited 5 minutes.
    let trace = "arrival\n0\n60\n120\n180\n900\n";
    let (_dir, sc) = load_with(&traced(2, "10m", 3), &[("trace.csv", trace)]);
    // (minute answered, wait in seconds)
    let schedule = [
        (0usize, 0.0),
        (1, 0.0),
        (10, 480.0),
        (11, 480.0),
        (20, 300.0),
    ];
    for r in 0..sc.replications as u64 {
        let t = run_replication(&sc, r);
        let ch = &t.channels[0];
        assert_eq!((ch.offered, ch.answered, ch.abandoned), (5, 5, 0));
        assert_eq!(ch.wait_sum, 1260.0);
        for m in 0..1440 {
            let slot = t.intervals.channels[0][m];
            match schedule.iter().find(|(at, _)| *at == m) {
                Some(&(_, wait)) => {
                    assert_eq!(slot.answered, 1.0, "one answer in minute {m}");
                    assert_eq!(slot.wait_sum, wait, "the wait of the answer in minute {m}");
                }
                None => assert_eq!(slot.answered, 0.0, "no answer in minute {m}"),
            }
        }
        assert_eq!(t.lines[0].handled, 5);
        assert_eq!(t.lines[0].handle_sum, 3000.0);
    }
    // the file's own handling times replace the line's: 10, 5, 7, 3 and 2
    // minutes give waits 0, 0, 4 (answered at 6 by the second agent), 7
    // (answered at 10 by the first) and 0
    let trace = "arrival,handle\n0,600\n60,300\n120,420\n180,180\n900,120\n";
    let (_dir, sc) = load_with(&traced(2, "10m", 2), &[("trace.csv", trace)]);
    let t = run_replication(&sc, 1);
    assert_eq!(t.channels[0].wait_sum, 240.0 + 420.0);
    assert_eq!(t.lines[0].handle_sum, 600.0 + 300.0 + 420.0 + 180.0 + 120.0);
    assert_eq!(t.intervals.channels[0][6].wait_sum, 240.0);
    assert_eq!(t.intervals.channels[0][10].wait_sum, 420.0);
}

#[test]
fn a_trace_gives_patience_type_and_priority_where_it_has_them() {
    // one agent busy for an hour with the first contact; the second
    // contact's recorded patience of 5 minutes runs out, the third's is
    // not given and the channel has none: it waits
    let scenario = r#"
[simulation]
horizon = "1d"
replications = 2
interval = "1m"
[[channel]]
name = "phone"
[[arrivals]]
channel = "phone"
trace = "trace.csv"
[[ticket_type]]
name = "access"
share = 0.5
[[ticket_type]]
name = "billing"
share = 0.5
[[line]]
name = "L1"
channels = ["phone"]
agents = 1
handle = "1h"
"#;
    let trace = "arrival,type,priority,key_client,patience\n0,billing,high,false,\n60,access,,,300\n120,access,low,no,\n";
    let (_dir, sc) = load_with(scenario, &[("trace.csv", trace)]);
    for r in 0..2 {
        let t = run_replication(&sc, r);
        assert_eq!(t.channels[0].offered, 3);
        assert_eq!(t.channels[0].abandoned, 1);
        assert_eq!(t.types[1].offered, 1, "billing");
        assert_eq!(t.types[0].offered, 2, "access");
    }
}

/// One always-open channel, one line staffed by `staffing`.
fn staffed(staffing: &str, reps: u32) -> String {
    format!(
        r#"
[simulation]
horizon = "2d"
replications = {reps}
seed = 5
interval = "30m"
start = "1999-02-15"
[[channel]]
name = "phone"
patience = {{ dist = "exponential", mean = "3m" }}
[[arrivals]]
channel = "phone"
per_hour = 30
[[line]]
name = "L1"
channels = ["phone"]
handle = {{ dist = "exponential", mean = "8m" }}
{staffing}
"#
    )
}

#[test]
fn a_roster_step_from_3_to_5_agents_at_10_is_the_agents_on_duty_in_intervals_csv() {
    let mut roster = String::from("date,start,agents\n");
    for day in ["1999-02-15", "1999-02-16"] {
        for h in 8..18 {
            for m in [0, 30] {
                let n = if h < 10 { 3 } else { 5 };
                roster.push_str(&format!("{day},{h:02}:{m:02},{n}\n"));
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("roster.csv"), &roster).unwrap();
    let file = dir.path().join("scenario.toml");
    std::fs::write(&file, staffed("roster = \"roster.csv\"", 3)).unwrap();
    let out = dir.path().join("out");
    crate::util::stdout_of(
        crate::util::staffsim()
            .arg("run")
            .arg(&file)
            .arg("-q")
            .arg("--out")
            .arg(&out),
    );
    let text = std::fs::read_to_string(out.join("intervals.csv")).unwrap();
    let mut lines = text.lines();
    let header = crate::util::csv_fields(lines.next().unwrap());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut seen = 0;
    for line in lines {
        let f = crate::util::csv_fields(line);
        if f[col("kind")] != "line" {
            continue;
        }
        let (h, m) = f[col("start")].split_once(':').unwrap();
        let minute: u32 = h.parse::<u32>().unwrap() * 60 + m.parse::<u32>().unwrap();
        let want = match minute {
            m if !(8 * 60..18 * 60).contains(&m) => 0.0,
            m if m < 10 * 60 => 3.0,
            _ => 5.0,
        };
        let rostered: f64 = f[col("agents_rostered")].parse().unwrap();
        assert_eq!(rostered, want, "{line}");
        // on duty: exactly the roster from 00:00 to 18:00 (at 10:00 agents
        // join, nobody leaves); after 18:00 some finish the contact in hand
        if minute < 18 * 60 {
            let on_duty: f64 = f[col("agents_on_duty")].parse().unwrap();
            assert_eq!(on_duty, want, "{line}");
        }
        seen += 1;
    }
    assert_eq!(seen, 2 * 48, "every interval of both days:\n{text}");
}

#[test]
fn an_always_full_roster_equals_constant_staffing() {
    let constant = load(&staffed("agents = 5", 4));
    let week: String = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|d| format!("{d} = [{}]\n", vec!["5"; 48].join(", ")))
        .collect();
    let by_interval = load(&staffed(&format!("[line.agents_by_interval]\n{week}"), 4));
    let mut roster = String::from("weekday,start,agents\n");
    for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
        for i in 0..48 {
            roster.push_str(&format!("{d},{:02}:{:02},5\n", i / 2, (i % 2) * 30));
        }
    }
    let (_dir, file) = load_with(
        &staffed("roster = \"roster.csv\"", 4),
        &[("roster.csv", &roster)],
    );
    let a = staffsim::experiment::summarize(
        &constant,
        &(0..4)
            .map(|r| run_replication(&constant, r))
            .collect::<Vec<_>>(),
    );
    for other in [&by_interval, &file] {
        let b = staffsim::experiment::summarize(
            other,
            &(0..4)
                .map(|r| run_replication(other, r))
                .collect::<Vec<_>>(),
        );
        let (ja, jb) = (
            serde_json::to_value(&a.kpis).unwrap(),
            serde_json::to_value(&b.kpis).unwrap(),
        );
        assert_eq!(ja, jb, "the KPIs differ");
    }
}

/// One live channel open every day, a start date and a calendar.
fn dated(start: &str, calendar: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "7d"
replications = 3
seed = 3
start = "{start}"
[[channel]]
name = "phone"
patience = {{ dist = "exponential", mean = "3m" }}
[[channel]]
name = "email"
[[arrivals]]
channel = "phone"
per_day = 480
weekday = {{ mon = 2.0, tue = 0.0, wed = 0.0, thu = 0.0, fri = 0.0, sat = 0.0, sun = 0.0 }}
[[arrivals]]
channel = "email"
per_hour = 10
[[line]]
name = "L1"
channels = ["phone", "email"]
agents = 10
handle = "2m"
{calendar}
"#
    )
}

#[test]
fn a_dated_scenario_runs_its_dates_weekday_and_a_holiday_has_no_live_arrivals() {
    // phone calls come on Mondays only; 1999-02-17 was a Wednesday, so a
    // week from it has its Monday on day 6 (1999-02-22)
    let sc = load(&dated("1999-02-17", ""));
    assert_eq!(sc.start_weekday, 2);
    let t = run_replication(&sc, 0);
    let per_day = 48;
    let monday = 0; // slot of the week: Monday first
    let phone: f64 = (monday..monday + per_day)
        .map(|s| t.intervals.channels[0][s].offered)
        .sum();
    assert_eq!(phone, t.channels[0].offered as f64);
    assert!(t.channels[0].offered > 700, "{}", t.channels[0].offered);
    // that Monday a holiday: no phone call at all, the email keeps coming
    let holiday = load(&dated(
        "1999-02-17",
        "[calendar]\nholidays = [\"1999-02-22\"]",
    ));
    for r in 0..3 {
        let t = run_replication(&holiday, r);
        assert_eq!(t.channels[0].offered, 0, "replication {r}");
        assert!(
            t.channels[1].offered > 1000,
            "email: {}",
            t.channels[1].offered
        );
    }
    // a holiday at half volume, and a closed date, are both read
    let half = load(&dated(
        "1999-02-17",
        "[calendar]\nholidays = [{ date = 1999-02-22, multiplier = 0.5 }]\nclosed = [\"1999-02-18\"]",
    ));
    assert_eq!(half.calendar.holidays[0].multiplier, 0.5);
    let t = run_replication(&half, 0);
    // 480 a day × 2 on Mondays, halved: 480 expected (sd 22)
    assert!(
        (380..=580).contains(&t.channels[0].offered),
        "about 480: {}",
        t.channels[0].offered
    );
}

#[test]
fn bad_replay_inputs_name_the_file_row_and_column() {
    let trace_cases: [(&str, &str); 7] = [
        ("arrival\n60\nyesterday\n", "row 3, column arrival"),
        (
            "arrival\n60\n30\n",
            "row 3, column arrival: earlier than the row before",
        ),
        (
            "arrival,handle\n60,-5\n",
            "row 2, column handle: a negative duration",
        ),
        (
            "arrival,patience\n60,-1\n",
            "row 2, column patience: a negative duration",
        ),
        (
            "arrival,caller\n60,x\n",
            "row 1, column 2: not a known column",
        ),
        ("arrival\n", "holds no arrivals"),
        ("when\n60\n", "row 1, column 1: not a known column"),
    ];
    for (trace, says) in trace_cases {
        let err = load_error(&traced(2, "1m", 1), &[("trace.csv", trace)]);
        assert!(
            err.contains("trace.csv") && err.contains(says) && err.contains("arrivals.phone.trace"),
            "{trace:?}: {err}"
        );
    }
    let roster_cases: [(&str, &str); 5] = [
        (
            "date,start,agents\n1999-02-15,08:00,-2\n",
            "row 2, column agents: a negative number",
        ),
        (
            "date,start,agents\n15.02.1999,08:00,2\n",
            "row 2, column date: not a date",
        ),
        (
            "date,start,agents\n1999-02-15,08:10,2\n",
            "row 2, column start: not the start of an interval",
        ),
        (
            "weekday,start,agents\nmon,8am,2\n",
            "row 2, column start: not a clock time",
        ),
        (
            "start,agents\n08:00,2\n",
            "row 1: the header has no column date or weekday",
        ),
    ];
    for (roster, says) in roster_cases {
        let err = load_error(
            &staffed("roster = \"roster.csv\"", 1),
            &[("roster.csv", roster)],
        );
        assert!(
            err.contains("roster.csv") && err.contains(says) && err.contains("line.L1.roster"),
            "{roster:?}: {err}"
        );
    }
    // agents_by_interval: a missing interval, a negative count
    let err = load_error(
        &staffed("[line.agents_by_interval]\nmon = [1, 2, 3]", 1),
        &[],
    );
    assert!(
        err.contains("line.L1.agents_by_interval.mon") && err.contains("3 counts for 48 intervals"),
        "{err}"
    );
    let err = load_error(&staffed("[line.agents_by_interval]\nmon = [1, -2]", 1), &[]);
    assert!(err.contains("a negative number of agents"), "{err}");
    // a holiday in a wrong format
    let err = load_error(
        &dated("1999-02-17", "[calendar]\nholidays = [\"22.02.1999\"]"),
        &[],
    );
    assert!(
        err.contains("calendar.holidays") && err.contains("write \"YYYY-MM-DD\""),
        "{err}"
    );
    // a cell is never quoted: the file may be any file on the machine
    let err = load_error(
        &traced(2, "1m", 1),
        &[("trace.csv", "arrival\nroot:x:0:0:secret\n")],
    );
    assert!(!err.contains("secret"), "{err}");
}

#[test]
fn the_results_of_a_dated_run_carry_its_dates() {
    let sc = load(&dated("1999-02-17", ""));
    let tallies: Vec<_> = (0..3).map(|r| run_replication(&sc, r)).collect();
    let result = staffsim::experiment::summarize(&sc, &tallies);
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json["start_date"], "1999-02-17");
    let date_of = |weekday: &str, start: &str| {
        result
            .intervals
            .iter()
            .find(|iv| iv.weekday == weekday && iv.start == start)
            .and_then(|iv| iv.date.clone())
    };
    // a week from Wednesday the 17th: Wednesday first, Tuesday last
    assert_eq!(date_of("wed", "00:00").as_deref(), Some("1999-02-17"));
    assert_eq!(date_of("mon", "10:30").as_deref(), Some("1999-02-22"));
    assert_eq!(date_of("tue", "23:30").as_deref(), Some("1999-02-23"));
    assert_eq!(json["intervals"][0]["date"], "1999-02-22", "Monday's first");
    // two weeks: each interval is the average of two dates, and has none
    let two = load(&dated("1999-02-17", "").replace("horizon = \"7d\"", "horizon = \"14d\""));
    let tallies: Vec<_> = (0..2).map(|r| run_replication(&two, r)).collect();
    let result = staffsim::experiment::summarize(&two, &tallies);
    assert!(result.intervals.iter().all(|iv| iv.date.is_none()));
    // a weekday start has no date in the results
    let undated = load(&starting("\"wed\""));
    let result = staffsim::experiment::summarize(&undated, &[run_replication(&undated, 0)]);
    let json = serde_json::to_value(&result).unwrap();
    assert!(json.get("start_date").is_none());
    assert!(result.intervals.iter().all(|iv| iv.date.is_none()));
}

#[test]
fn on_a_closed_date_no_shift_and_no_roster_agent_is_on_duty() {
    // a day shift every day; Friday 1999-02-19 closed: four of five days staffed
    let shifts = "[[line.shift]]\nname = \"day\"\nstart = \"08:00\"\nend = \"16:00\"\nagents = 2";
    let text = staffed(shifts, 1)
        .replace("horizon = \"2d\"", "horizon = \"5d\"")
        .replace(
            "1999-02-15",
            "1999-02-15\"\n[calendar]\nclosed = [\"1999-02-19\"]\n#",
        );
    let sc = load(&text);
    let t = run_replication(&sc, 0);
    assert_eq!(
        t.lines[0].paid,
        4.0 * 2.0 * 8.0 * 3600.0,
        "four days of two agents"
    );
    // the same with a roster by weekday: Friday's agents stay home
    let mut roster = String::from("weekday,start,agents\n");
    for d in ["mon", "tue", "wed", "thu", "fri"] {
        roster.push_str(&format!("{d},08:00,2\n{d},08:30,2\n"));
    }
    let text = staffed("roster = \"roster.csv\"", 1)
        .replace("horizon = \"2d\"", "horizon = \"5d\"")
        .replace(
            "1999-02-15",
            "1999-02-15\"\n[calendar]\nclosed = [\"1999-02-19\"]\n#",
        );
    let (_dir, sc) = load_with(&text, &[("roster.csv", &roster)]);
    let t = run_replication(&sc, 0);
    assert_eq!(
        t.lines[0].paid,
        4.0 * 2.0 * 3600.0,
        "four days of one hour, two agents"
    );
}
