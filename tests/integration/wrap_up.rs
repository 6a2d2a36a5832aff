//! Per-channel handling time, wrap-up (after-contact work) and shrinkage:
//! wrap-up keeps the agent busy after the customer is gone (checked against
//! Pollaczek–Khinchine with service time = talk + wrap-up), shrinkage takes
//! its share of on-duty time, and the Erlang requirement is scaled by it.

use crate::util::{Budget, check, check_rel};
use staffsim::calculator::{rostered_agents, scenario_requirements};
use staffsim::experiment::summarize;
use staffsim::kpi::{self, Kpi};
use staffsim::model::{RunTally, run_replication};
use staffsim::scenario::{Scenario, load_str};

fn load(text: &str) -> Scenario {
    load_str(text, "test.toml", None).unwrap_or_else(|e| panic!("does not load: {e}\n{text}"))
}

fn tallies(sc: &Scenario) -> Vec<RunTally> {
    use rayon::prelude::*;
    (0..sc.replications as u64)
        .into_par_iter()
        .map(|r| run_replication(sc, r))
        .collect()
}

/// One agent, Poisson arrivals at 30/h, lognormal talk time (mean 1 min,
/// cv 1) and a constant 30 s wrap-up. The agent is occupied S = T + w:
/// E[S] = 90 s, E[S²] = E[T²] + 2 E[T] w + w² = 7,200 + 3,600 + 900 s²,
/// ρ = 0.75, so Pollaczek–Khinchine gives Wq = λ E[S²] / (2 (1 − ρ)) = 195 s.
/// Occupancy is ρ, and the customer's talk time excludes the wrap-up.
#[test]
fn one_agent_with_wrap_up_matches_pollaczek_khinchine() {
    let _budget = Budget::new("wrap_up::one_agent_with_wrap_up_matches_pollaczek_khinchine");
    let sc = load(
        r#"
[simulation]
horizon = "41d"
warmup = "1d"
replications = 30
seed = 13

[[channel]]
name = "phone"

[[arrivals]]
channel = "phone"
per_hour = 30

[[line]]
name = "L1"
channels = ["phone"]
agents = 1
handle = { dist = "lognormal", mean = "1m", cv = 1.0 }
wrap_up = "30s"
"#,
    );
    let lambda = 30.0 / 3600.0;
    let (talk, wrap) = (60.0, 30.0);
    let mean_s = talk + wrap;
    let second_moment = (1.0 + 1.0) * talk * talk + 2.0 * talk * wrap + wrap * wrap;
    let wq =
        staffsim::analytic::pollaczek_khinchine_wq(lambda, mean_s, second_moment).expect("stable");
    assert!((wq - 195.0).abs() < 1e-9, "{wq}");
    let runs = tallies(&sc);
    let r = summarize(&sc, &runs);
    let reps = sc.replications;
    check_rel(
        "M/G/1 + wrap-up",
        "asa_seconds",
        r.kpis[&Kpi::AsaSeconds],
        reps,
        wq,
        0.08,
        1.0,
    );
    check(
        "M/G/1 + wrap-up",
        "occupancy",
        r.kpis[&Kpi::Occupancy],
        reps,
        lambda * mean_s,
        0.01,
    );
    check_rel(
        "M/G/1 + wrap-up",
        "talk_seconds",
        r.kpis[&Kpi::TalkSeconds],
        reps,
        talk,
        0.02,
        0.5,
    );
    // the wrap-up is constant: exactly 30 s per handled contact, and AHT is talk + wrap-up
    for t in &runs {
        let k = kpi::measure(&sc, t);
        let get = |name: Kpi| {
            k.overall
                .iter()
                .find(|(n, _)| *n == name)
                .map(|x| x.1)
                .unwrap()
        };
        assert!((get(Kpi::WrapUpSeconds) - wrap).abs() < 1e-6);
        assert!((get(Kpi::AhtSeconds) - get(Kpi::TalkSeconds) - wrap).abs() < 1e-6);
    }
}

const TWO_CHANNELS: &str = r#"
[simulation]
horizon = "8d"
warmup = "1d"
replications = 2
seed = 3

[[channel]]
name = "phone"
patience = { dist = "exponential", mean = "5m" }

[[channel]]
name = "email"

[[arrivals]]
channel = "phone"
per_hour = 20

[[arrivals]]
channel = "email"
per_hour = 5

[[line]]
name = "L1"
channels = ["phone", "email"]
agents = 4
handle = { phone = "6m", email = { dist = "constant", value = "10m" } }
wrap_up = { phone = "1m" }
"#;

/// `handle` and `wrap_up` per channel: each channel's contacts take their
/// own times, and a channel without a wrap-up has none.
#[test]
fn handle_and_wrap_up_per_channel() {
    let sc = load(TWO_CHANNELS);
    let r = summarize(&sc, &tallies(&sc));
    let ch = |c: &str, k: Kpi| r.channels[c][&k].mean;
    assert!((ch("phone", Kpi::TalkSeconds) - 360.0).abs() < 1e-6);
    assert!((ch("phone", Kpi::WrapUpSeconds) - 60.0).abs() < 1e-6);
    assert!((ch("phone", Kpi::AhtSeconds) - 420.0).abs() < 1e-6);
    assert!((ch("email", Kpi::TalkSeconds) - 600.0).abs() < 1e-6);
    assert!(ch("email", Kpi::WrapUpSeconds).abs() < 1e-12);
    // the ticket type's handle comes first, then the channel's, then the line's
    let typed = TWO_CHANNELS.replace(
        "[[line]]",
        "[[ticket_type]]\nname = \"access\"\nshare = 1.0\nhandle = { L1 = \"2m\" }\n\n[[line]]",
    );
    let sc = load(&typed);
    let r = summarize(&sc, &tallies(&sc));
    assert!((r.channels["phone"][&Kpi::TalkSeconds].mean - 120.0).abs() < 1e-6);
    let other = TWO_CHANNELS.replace(
        "handle = { phone = \"6m\", email = { dist = \"constant\", value = \"10m\" } }",
        "handle = { phone = \"6m\", other = \"3m\" }",
    );
    let sc = load(&other);
    let r = summarize(&sc, &tallies(&sc));
    assert!((r.channels["email"][&Kpi::TalkSeconds].mean - 180.0).abs() < 1e-6);
}

/// Shrinkage takes its share of on-duty time, breaks or not: available
/// hours = on duty × (1 − s) − breaks; and the Erlang requirement of the
/// line is rostered over (1 − s).
#[test]
fn shrinkage_takes_its_share_of_on_duty_time() {
    let text = r#"
[simulation]
horizon = "15d"
warmup = "1d"
replications = 2
seed = 4

[[channel]]
name = "phone"
patience = { dist = "exponential", mean = "5m" }

[[arrivals]]
channel = "phone"
per_hour = 30

[economics]
shrinkage = 0.15

[[line]]
name = "L1"
channels = ["phone"]
handle = "4m"
  [[line.shift]]
  name = "day"
  start = "08:00"
  end = "16:00"
  agents = 5
  [line.breaks]
  every = "60m"
  length = "10m"
"#;
    let sc = load(text);
    assert_eq!(sc.lines[0].shrinkage, 0.15);
    let r = summarize(&sc, &tallies(&sc));
    let line = &r.lines["L1"];
    let on_duty = line[&Kpi::OnDutyHours].mean;
    let shrink = line[&Kpi::ShrinkageHours].mean;
    let breaks = line[&Kpi::BreakHours].mean;
    assert!(on_duty > 0.0 && breaks > 0.0);
    let share = shrink / on_duty;
    assert!((share - 0.15).abs() < 0.01, "shrinkage share {share}");
    // the line's own key comes before the desk's
    let own = text.replace("handle = \"4m\"", "handle = \"4m\"\nshrinkage = 0.3");
    let sc2 = load(&own);
    assert_eq!(sc2.lines[0].shrinkage, 0.3);
    let r2 = summarize(&sc2, &tallies(&sc2));
    let share2 = r2.lines["L1"][&Kpi::ShrinkageHours].mean / r2.lines["L1"][&Kpi::OnDutyHours].mean;
    assert!((share2 - 0.3).abs() < 0.015, "shrinkage share {share2}");
    // without shrinkage no time is taken, and the service is better
    let none = load(&text.replace("shrinkage = 0.15", "shrinkage = 0.0"));
    let r0 = summarize(&none, &tallies(&none));
    assert_eq!(r0.lines["L1"][&Kpi::ShrinkageHours].mean, 0.0);
    assert!(r0.kpis[&Kpi::ServiceLevel].mean > r.kpis[&Kpi::ServiceLevel].mean);
    // the Erlang requirement is rostered over (1 − s)
    let req = scenario_requirements(&sc, None);
    let phone = &req.channels["phone"];
    assert_eq!(phone.shrinkage, Some(0.15));
    let busy = phone
        .intervals
        .iter()
        .find(|i| i.required_agents.is_some_and(|n| n > 0))
        .expect("an interval with arrivals");
    let n = busy.required_agents.unwrap();
    assert_eq!(busy.rostered_agents, Some(rostered_agents(n, 0.15)));
    // --shrinkage overrides the file's
    let req = scenario_requirements(&sc, Some(0.3));
    assert_eq!(req.channels["phone"].shrinkage, Some(0.3));
}
