//! Common random numbers that pair like with like: every draw comes from a
//! stream named by its purpose and its owner, so one more agent on one line
//! leaves every other line's draws, and whatever that line cannot reach,
//! exactly as they were.

use staffsim::experiment::summarize;
use staffsim::model::{RunTally, run_replication};
use staffsim::scenario::{Scenario, load_file, load_str};

fn plus_one(sc: &Scenario, line: &str) -> Scenario {
    let mut more = sc.clone();
    let l = more.line_index(line).expect("the line exists");
    match more.lines[l].shifts.first_mut() {
        Some(shift) => shift.agents += 1,
        None => more.lines[l].agents += 1,
    }
    more
}

fn runs(sc: &Scenario) -> Vec<RunTally> {
    (0..sc.replications as u64)
        .map(|r| run_replication(sc, r))
        .collect()
}

/// The shipped help desk (absenteeism 5%): one more L3 engineer leaves the
/// absences of L1 and L2 identical, replication by replication, while L3's
/// own rostered agent-days do change.
#[test]
fn one_more_l3_agent_leaves_l1_absences_identical() {
    let mut base = load_file("scenarios/helpdesk.toml".as_ref()).expect("helpdesk loads");
    base.replications = 4;
    assert!(base.economics.absenteeism > 0.0);
    let more = plus_one(&base, "L3");
    let (a, b) = (runs(&base), runs(&more));
    let mut absent = 0.0;
    for (rep, (a, b)) in a.iter().zip(&b).enumerate() {
        for l in ["L1", "L2"] {
            let i = base.line_index(l).unwrap();
            assert_eq!(
                a.lines[i].absent_days, b.lines[i].absent_days,
                "replication {rep}: {l}'s absences moved with one more L3 agent"
            );
            assert_eq!(a.lines[i].agent_days, b.lines[i].agent_days);
            absent += a.lines[i].absent_days;
        }
        let l3 = base.line_index("L3").unwrap();
        assert!(b.lines[l3].agent_days > a.lines[l3].agent_days);
    }
    assert!(absent > 0.0, "the test needs absences to compare");
}

const SEPARATE: &str = r#"
[simulation]
horizon = "14d"
warmup = "1d"
replications = 4
seed = 4242

[hours]
open = "08:00"
close = "18:00"
days = ["mon", "tue", "wed", "thu", "fri"]

[[channel]]
name = "phone"
patience = { dist = "exponential", mean = "3m" }
retry = { probability = 0.3, delay = { dist = "exponential", mean = "15m" } }

[[channel]]
name = "email"

[[arrivals]]
channel = "phone"
per_day = 900
profile = "office"
volume_cv = 0.1

[[arrivals]]
channel = "email"
per_day = 120
profile = "office"

[[ticket_type]]
name = "access"
share = 0.6
handle = { L1 = { dist = "lognormal", mean = "4m", cv = 0.5 } }
resolve = { L1 = 0.9, L3 = 0.9 }
misroute = 0.04

[[ticket_type]]
name = "incident"
share = 0.4
priority = "high"
key_client = 0.1
resolve = { L1 = 0.6, L3 = 0.95 }
misroute = 0.04

[[line]]
name = "L1"
channels = ["phone"]
escalates_to = "L2"
routing = "random"
handle = { dist = "lognormal", mean = "6m", cv = 0.6 }
  [[line.shift]]
  name = "early"
  start = "08:00"
  end = "14:00"
  days = ["mon", "tue", "wed", "thu", "fri"]
  agents = 9
  [[line.shift]]
  name = "late"
  start = "12:00"
  end = "18:00"
  days = ["mon", "tue", "wed", "thu", "fri"]
  agents = 8
  [line.breaks]
  every = ["50m", "70m"]
  length = "10m"

[[line]]
name = "L2"
handle = { dist = "gamma", mean = "20m", cv = 0.8 }
  [[line.shift]]
  name = "day"
  start = "08:00"
  end = "18:00"
  days = ["mon", "tue", "wed", "thu", "fri"]
  agents = 5

[[line]]
name = "L3"
channels = ["email"]
routing = "random"
handle = { dist = "lognormal", mean = "25m", cv = 1.0 }
  [[line.shift]]
  name = "day"
  start = "09:00"
  end = "17:00"
  days = ["mon", "tue", "wed", "thu", "fri"]
  agents = 4
  [line.breaks]
  every = ["50m", "70m"]
  length = "10m"

[economics]
absenteeism = 0.1
"#;

/// Phone goes to L1 (escalating to L2), email to L3, and nothing L3 does
/// comes back to L1's queue: with one more L3 agent, phone's KPIs and the
/// tallies of L1 and L2 are bit-identical, while email's do change.
#[test]
fn a_line_that_cannot_reach_phone_leaves_phone_bit_identical() {
    let base = match load_str(SEPARATE, "separate.toml", None) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let more = plus_one(&base, "L3");
    let (a, b) = (runs(&base), runs(&more));
    for (rep, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(
            format!("{:?}", x.channels[0]),
            format!("{:?}", y.channels[0]),
            "replication {rep}: phone's tallies"
        );
        for l in 0..2 {
            assert_eq!(
                format!("{:?}", x.lines[l]),
                format!("{:?}", y.lines[l]),
                "replication {rep}: line {l}'s tallies"
            );
        }
        assert_eq!(x.intervals.channels[0], y.intervals.channels[0]);
    }
    let (ra, rb) = (summarize(&base, &a), summarize(&more, &b));
    let json = |r: &staffsim::experiment::ScenarioResult, c: &str| {
        serde_json::to_string(&r.channels[c]).expect("serializes")
    };
    assert_eq!(json(&ra, "phone"), json(&rb, "phone"), "phone's KPIs");
    assert_ne!(
        json(&ra, "email"),
        json(&rb, "email"),
        "one more L3 agent should change email's figures"
    );
    for l in ["L1", "L2"] {
        assert_eq!(
            serde_json::to_string(&ra.lines[l]).unwrap(),
            serde_json::to_string(&rb.lines[l]).unwrap(),
            "{l}'s KPIs"
        );
    }
}
