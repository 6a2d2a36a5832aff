//! The simulator against exact queueing results: Erlang C, Erlang A,
//! Pollaczek–Khinchine, a Jackson tandem network, and conservation.
//!
//! Each check asks that the exact value lie within the simulated mean's
//! confidence interval at the level of one comparison of the suite's error
//! budget (`util::check`: Student t for the replications, Bonferroni over
//! the whole suite); it also asks the 95% interval to be tight, so a check
//! cannot pass just by being vague. Seeds are fixed, so a run is
//! reproducible.

use crate::util::{Budget, check_rel};
use rayon::prelude::*;
use staffsim::analytic::{ErlangA, ErlangC, pollaczek_khinchine_wq};
use staffsim::experiment::{ScenarioResult, summarize};
use staffsim::kpi::Kpi;
use staffsim::model::{RunTally, run_replication};
use staffsim::scenario::{Scenario, load_str};
use staffsim::stats::Estimate;

struct OneLine<'a> {
    per_hour: f64,
    handle: &'a str,
    agents: u32,
    patience_min: Option<f64>,
    answer_within_s: f64,
    days: u32,
    reps: u32,
    seed: u64,
}

impl OneLine<'_> {
    fn toml(&self) -> String {
        let patience = self
            .patience_min
            .map(|p| format!("patience = {{ dist = \"exponential\", mean = \"{p}m\" }}\n"))
            .unwrap_or_default();
        format!(
            r#"
[simulation]
horizon = "{days}d"
warmup = "1d"
replications = {reps}
seed = {seed}

[[channel]]
name = "phone"
{patience}service_level = {{ answer_within = "{t}s" }}

[[arrivals]]
channel = "phone"
per_hour = {per_hour}

[[line]]
name = "L1"
channels = ["phone"]
agents = {agents}
handle = {handle}
"#,
            days = self.days + 1,
            reps = self.reps,
            seed = self.seed,
            t = self.answer_within_s,
            per_hour = self.per_hour,
            agents = self.agents,
            handle = self.handle,
        )
    }
}

fn load(text: &str) -> Scenario {
    match load_str(text, "test.toml", None) {
        Ok(s) => s,
        Err(e) => panic!("test scenario does not load: {e}\n{text}"),
    }
}

fn simulate(sc: &Scenario) -> (ScenarioResult, Vec<RunTally>) {
    let tallies: Vec<RunTally> = (0..sc.replications as u64)
        .into_par_iter()
        .map(|r| run_replication(sc, r))
        .collect();
    (summarize(sc, &tallies), tallies)
}

/// Share of all arrivals that had to wait (those who abandoned waited too),
/// per replication.
fn p_wait(tallies: &[RunTally]) -> Estimate {
    let xs: Vec<f64> = tallies
        .iter()
        .map(|t| {
            let offered: u64 = t.channels.iter().map(|c| c.offered).sum();
            let answered: u64 = t.channels.iter().map(|c| c.answered).sum();
            let abandoned: u64 = t.channels.iter().map(|c| c.abandoned).sum();
            let waited = answered as f64 * (1.0 - t.waits.share_at_or_below(0)) + abandoned as f64;
            waited / offered as f64
        })
        .collect();
    Estimate::from_samples(&xs)
}

fn kpi(r: &ScenarioResult, name: Kpi) -> Estimate {
    r.kpis[&name]
}

struct CCase {
    name: &'static str,
    per_hour: f64,
    aht_min: f64,
    agents: u32,
    t_s: f64,
    days: u32,
    reps: u32,
}

/// Erlang C: P(wait), ASA and service level on five cases from light to
/// heavy load, 1 to 100 agents.
#[test]
fn erlang_c_cases_match_the_formulas() {
    let _budget = Budget::new("statistical::erlang_c_cases_match_the_formulas");
    let cases = [
        // M/M/1 of reference-values.md: ρ = 0.8, P(wait) 0.8, ASA 4 min, SL(1 min) 0.345015
        CCase {
            name: "M/M/1 rho 0.8",
            per_hour: 48.0,
            aht_min: 1.0,
            agents: 1,
            t_s: 60.0,
            days: 60,
            reps: 30,
        },
        // SSJ ContactCenters MMC: occupancy 0.70
        CCase {
            name: "SSJ MMC c=12",
            per_hour: 252.0,
            aht_min: 2.0,
            agents: 12,
            t_s: 20.0,
            days: 20,
            reps: 20,
        },
        // Herzog ErlangC test: ASA 26.557 s, occupancy 0.81
        CCase {
            name: "Herzog c=13",
            per_hour: 210.0,
            aht_min: 3.0,
            agents: 13,
            t_s: 20.0,
            days: 20,
            reps: 20,
        },
        // occupancy 0.90
        CCase {
            name: "c=20 rho 0.9",
            per_hour: 360.0,
            aht_min: 3.0,
            agents: 20,
            t_s: 20.0,
            days: 20,
            reps: 20,
        },
        // 100 agents, occupancy 0.95
        CCase {
            name: "c=100 rho 0.95",
            per_hour: 1900.0,
            aht_min: 3.0,
            agents: 100,
            t_s: 20.0,
            days: 10,
            reps: 20,
        },
    ];
    for (i, c) in cases.into_iter().enumerate() {
        let handle = format!("{{ dist = \"exponential\", mean = \"{}m\" }}", c.aht_min);
        let sc = load(
            &OneLine {
                per_hour: c.per_hour,
                handle: &handle,
                agents: c.agents,
                patience_min: None,
                answer_within_s: c.t_s,
                days: c.days,
                reps: c.reps,
                seed: 2024 + i as u64,
            }
            .toml(),
        );
        let exact = ErlangC::new(c.per_hour / 3600.0, c.aht_min * 60.0, c.agents).expect("stable");
        let (r, tallies) = simulate(&sc);
        check_rel(
            c.name,
            "P(wait)",
            p_wait(&tallies),
            sc.replications,
            exact.p_wait,
            0.05,
            0.005,
        );
        check_rel(
            c.name,
            "asa_seconds",
            kpi(&r, Kpi::AsaSeconds),
            sc.replications,
            exact.asa,
            0.08,
            0.5,
        );
        check_rel(
            c.name,
            "service_level",
            kpi(&r, Kpi::ServiceLevel),
            sc.replications,
            exact.service_level(c.t_s),
            0.02,
            0.01,
        );
        check_rel(
            c.name,
            "occupancy",
            kpi(&r, Kpi::Occupancy),
            sc.replications,
            exact.occupancy,
            0.01,
            0.005,
        );
        assert_eq!(kpi(&r, Kpi::Abandoned).mean, 0.0);
    }
}

/// Erlang A: abandon rate, ASA of answered contacts and service level on
/// four cases, one of them overloaded.
#[test]
fn erlang_a_cases_match_the_formulas() {
    let _budget = Budget::new("statistical::erlang_a_cases_match_the_formulas");
    struct ACase {
        name: &'static str,
        per_hour: f64,
        aht_min: f64,
        agents: u32,
        patience_min: f64,
        t_s: f64,
    }
    let cases = [
        // SSJ ContactCenters MMCAb: P(abandon) 0.029679, ASA 0.024060 min, SL 0.945270
        ACase {
            name: "SSJ MMCAb n=12",
            per_hour: 252.0,
            aht_min: 2.0,
            agents: 12,
            patience_min: 1.0,
            t_s: 20.0,
        },
        // the shipped scenarios/erlang-a.toml
        ACase {
            name: "erlang-a.toml n=9",
            per_hour: 120.0,
            aht_min: 4.0,
            agents: 9,
            patience_min: 5.0,
            t_s: 20.0,
        },
        // overloaded: 10 Erlangs offered to 8 agents
        ACase {
            name: "overloaded 10E on 8",
            per_hour: 150.0,
            aht_min: 4.0,
            agents: 8,
            patience_min: 3.0,
            t_s: 20.0,
        },
        // 50 agents near full load, impatient
        ACase {
            name: "n=50 48E",
            per_hour: 960.0,
            aht_min: 3.0,
            agents: 50,
            patience_min: 2.0,
            t_s: 30.0,
        },
    ];
    for (i, c) in cases.into_iter().enumerate() {
        let handle = format!("{{ dist = \"exponential\", mean = \"{}m\" }}", c.aht_min);
        let sc = load(
            &OneLine {
                per_hour: c.per_hour,
                handle: &handle,
                agents: c.agents,
                patience_min: Some(c.patience_min),
                answer_within_s: c.t_s,
                days: 20,
                reps: 20,
                seed: 99 + i as u64,
            }
            .toml(),
        );
        let exact = ErlangA::new(
            c.per_hour / 3600.0,
            c.aht_min * 60.0,
            c.agents,
            c.patience_min * 60.0,
        )
        .expect("valid");
        let (r, tallies) = simulate(&sc);
        check_rel(
            c.name,
            "abandon_rate",
            kpi(&r, Kpi::AbandonRate),
            sc.replications,
            exact.p_abandon,
            0.05,
            0.002,
        );
        check_rel(
            c.name,
            "asa_seconds (answered)",
            kpi(&r, Kpi::AsaSeconds),
            sc.replications,
            exact.asa_answered,
            0.08,
            0.3,
        );
        check_rel(
            c.name,
            "service_level",
            kpi(&r, Kpi::ServiceLevel),
            sc.replications,
            exact.service_level(c.t_s),
            0.02,
            0.01,
        );
        check_rel(
            c.name,
            "P(wait)",
            p_wait(&tallies),
            sc.replications,
            exact.p_wait,
            0.05,
            0.005,
        );
    }
}

/// Pollaczek–Khinchine: one agent, constant and lognormal handle times.
#[test]
fn one_agent_general_service_matches_pollaczek_khinchine() {
    let _budget = Budget::new("statistical::one_agent_general_service_matches_pollaczek_khinchine");
    let cases = [
        // constant 1 min at ρ = 0.8: Wq = 2 min
        ("M/D/1 rho 0.8", 48.0, "\"1m\"", 60.0, 60.0 * 60.0, 40, 30),
        // lognormal mean 1 min, cv 1.5 at ρ = 0.7: E[S²] = 3.25 min²
        (
            "M/LN/1 cv 1.5 rho 0.7",
            42.0,
            "{ dist = \"lognormal\", mean = \"1m\", cv = 1.5 }",
            60.0,
            3.25 * 3600.0,
            60,
            40,
        ),
        // gamma mean 1 min, cv 0.5 at ρ = 0.8: E[S²] = 1.25 min² (Erlang-4)
        (
            "M/E4/1 rho 0.8",
            48.0,
            "{ dist = \"gamma\", mean = \"1m\", cv = 0.5 }",
            60.0,
            1.25 * 3600.0,
            40,
            30,
        ),
    ];
    for (i, (name, per_hour, handle, mean_s, second_moment, days, reps)) in
        cases.into_iter().enumerate()
    {
        let sc = load(
            &OneLine {
                per_hour,
                handle,
                agents: 1,
                patience_min: None,
                answer_within_s: 20.0,
                days,
                reps,
                seed: 5 + i as u64,
            }
            .toml(),
        );
        let wq = pollaczek_khinchine_wq(per_hour / 3600.0, mean_s, second_moment).expect("stable");
        let (r, _) = simulate(&sc);
        check_rel(
            name,
            "asa_seconds",
            kpi(&r, Kpi::AsaSeconds),
            sc.replications,
            wq,
            0.06,
            0.5,
        );
    }
}

/// A Jackson tandem: L1 resolves with probability r, escalations queue at
/// L2; each line's mean wait is Erlang C at its own arrival rate.
#[test]
fn tandem_lines_match_erlang_c_per_line() {
    let _budget = Budget::new("statistical::tandem_lines_match_erlang_c_per_line");
    let text = r#"
[simulation]
horizon = "21d"
warmup = "1d"
replications = 20
seed = 31

[[channel]]
name = "phone"

[[arrivals]]
channel = "phone"
per_hour = 120

[[line]]
name = "L1"
channels = ["phone"]
agents = 9
handle = { dist = "exponential", mean = "4m" }
resolve = 0.6
escalates_to = "L2"

[[line]]
name = "L2"
agents = 6
handle = { dist = "exponential", mean = "6m" }
"#;
    let sc = load(text);
    let (r, _) = simulate(&sc);
    let l1 = ErlangC::new(120.0 / 3600.0, 240.0, 9).unwrap();
    let l2 = ErlangC::new(48.0 / 3600.0, 360.0, 6).unwrap();
    check_rel(
        "tandem",
        "L1 asa_seconds",
        r.lines["L1"][&Kpi::AsaSeconds],
        sc.replications,
        l1.asa,
        0.08,
        0.5,
    );
    check_rel(
        "tandem",
        "L2 asa_seconds",
        r.lines["L2"][&Kpi::AsaSeconds],
        sc.replications,
        l2.asa,
        0.08,
        0.5,
    );
    check_rel(
        "tandem",
        "L1 occupancy",
        r.lines["L1"][&Kpi::Occupancy],
        sc.replications,
        l1.occupancy,
        0.01,
        0.005,
    );
    check_rel(
        "tandem",
        "L2 occupancy",
        r.lines["L2"][&Kpi::Occupancy],
        sc.replications,
        l2.occupancy,
        0.01,
        0.005,
    );
    check_rel(
        "tandem",
        "fcr",
        kpi(&r, Kpi::Fcr),
        sc.replications,
        0.6,
        0.01,
        0.005,
    );
    check_rel(
        "tandem",
        "escalation_rate",
        kpi(&r, Kpi::EscalationRate),
        sc.replications,
        0.4,
        0.01,
        0.005,
    );
    // resolution time = W1 + S1 + 0.4 (W2 + S2)
    let resolution_h = (l1.asa + 240.0 + 0.4 * (l2.asa + 360.0)) / 3600.0;
    check_rel(
        "tandem",
        "resolution_hours",
        kpi(&r, Kpi::ResolutionHours),
        sc.replications,
        resolution_h,
        0.02,
        0.001,
    );
}

/// offered = answered + abandoned + still waiting, per channel and per line,
/// in every replication; handled never exceeds answered.
#[test]
fn contacts_are_conserved_in_every_replication() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/two-lines.toml"
    ))
    .unwrap();
    let mut sc = load(&text);
    sc.replications = 8;
    // a shorter run that ends with queues in flight
    sc.horizon = staffsim::engine::SimTime::from_secs(3 * 86_400 + 3_777);
    let (_, tallies) = simulate(&sc);
    for (rep, t) in tallies.iter().enumerate() {
        for (c, ch) in t.channels.iter().enumerate() {
            assert!(ch.offered > 0);
            assert_eq!(
                ch.offered,
                ch.answered + ch.abandoned + ch.waiting_end,
                "replication {rep}, channel {c}"
            );
        }
        for (l, line) in t.lines.iter().enumerate() {
            assert!(line.offered > 0);
            assert_eq!(
                line.offered,
                line.answered + line.abandoned + line.waiting_end,
                "replication {rep}, line {l}"
            );
            assert_eq!(
                line.answered,
                line.handled + line.in_service_end,
                "replication {rep}, line {l}"
            );
        }
    }
}
