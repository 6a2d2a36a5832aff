//! What-if comparisons and what they cost: the cost KPIs against a hand
//! computation, variants and common random numbers, paired confidence
//! intervals, sweeps, the results directory and the JSON contract of a
//! file with variants.

use crate::util::{Budget, clearly_positive, csv_fields, root, run_json, staffsim};
use serde_json::Value;
use sha2::{Digest, Sha256};
use staffsim::experiment::{Results, run};
use staffsim::kpi::RunKpis;
use staffsim::kpi::{self, Kpi};
use staffsim::model::run_replication;
use staffsim::scenario::{Scenario, load_experiment_str};
use staffsim::stats::{Estimate, t_quantile_975};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const TWO_LINES: &str = "scenarios/two-lines.toml";
const ERLANG_A: &str = "scenarios/erlang-a.toml";

// ---------------------------------------------------------------------------
// helpers

/// Loads a file's text with its variants and sweep points.
fn load(text: &str) -> Vec<Scenario> {
    load_experiment_str(text, "whatif.toml", None)
        .unwrap_or_else(|e| panic!("the test scenario does not load: {e}\n{text}"))
}

/// Loads and runs every scenario of a file's text.
fn simulate(text: &str) -> Results {
    run(&load(text), &|| {})
}

/// The KPIs of every replication of scenario `s`, in replication order
/// (the results keep only estimates over replications).
fn runs(scenarios: &[Scenario], s: usize) -> Vec<RunKpis> {
    let sc = &scenarios[s];
    (0..sc.replications as u64)
        .map(|r| kpi::measure(sc, &run_replication(sc, r)))
        .collect()
}

/// A file of the repository, as text.
fn shipped(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).expect("the shipped scenario is readable")
}

/// A scenario-wide KPI of one replication.
fn overall(r: &RunKpis, kpi: Kpi) -> f64 {
    r.overall
        .iter()
        .find(|(k, _)| *k == kpi)
        .unwrap_or_else(|| panic!("no KPI {kpi} in a run"))
        .1
}

/// A KPI of line `line` in one replication.
fn line_kpi(r: &RunKpis, line: &str, kpi: Kpi) -> f64 {
    let (_, values) = r
        .lines
        .iter()
        .find(|(n, _)| n == line)
        .unwrap_or_else(|| panic!("no line {line} in a run"));
    values
        .iter()
        .find(|(k, _)| *k == kpi)
        .unwrap_or_else(|| panic!("no KPI {kpi} for line {line}"))
        .1
}

/// Asserts `got` equals `want` to 1e-9 relative.
/// Cost per incident and per contact of one run, from its hand-computed
/// `total` and its `resolved` tickets.
fn assert_unit_costs(r: &RunKpis, at: &dyn Fn(&str) -> String, total: f64, resolved: f64) {
    assert_close(
        &at("cost_per_incident"),
        overall(r, Kpi::CostPerIncident),
        total / resolved,
    );
    assert_close(
        &at("cost_per_contact"),
        overall(r, Kpi::CostPerContact),
        total / overall(r, Kpi::Offered),
    );
}

fn assert_close(what: &str, got: f64, want: f64) {
    let tol = 1e-9 * want.abs().max(1e-300);
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, computed by hand {want} (difference {})",
        got - want
    );
}

/// A scenario file written into a fresh temporary directory.
struct TempScenario {
    dir: tempfile::TempDir,
    path: PathBuf,
}

impl TempScenario {
    fn new(text: &str) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("scenario.toml");
        std::fs::write(&path, text).expect("the scenario is written");
        TempScenario { dir, path }
    }

    fn file(&self) -> &str {
        self.path.to_str().expect("temporary paths are UTF-8")
    }
}

/// Runs the binary expecting exit code 2 (bad input), nothing on standard
/// output and no panic; returns standard error.
fn refused(args: &[&str]) -> String {
    let out = staffsim().args(args).output().expect("staffsim starts");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(2),
        "staffsim {args:?} should fail with exit code 2; stderr:\n{stderr}"
    );
    assert!(out.stdout.is_empty(), "staffsim {args:?} wrote to stdout");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// Every file of a directory, by name, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("the directory is readable")
        .map(|e| {
            let e = e.expect("a directory entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("the file is readable"),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------
// 1. costs computed by hand

/// Always-on agents are paid for the whole measured window whatever
/// happens, nobody abandons without patience, and a first line that
/// resolves everything (`resolve = 1`) sends nothing to its vendor: the cost
/// of this plan does not depend on randomness at all. Every replication
/// must report exactly the hand-computed figure.
#[test]
fn cost_of_always_on_lines_is_deterministic_and_matches_the_hand_computation() {
    let text = r#"
[simulation]
horizon = "10d"
warmup = "2d"
replications = 5
seed = 3

[[channel]]
name = "phone"

[[arrivals]]
channel = "phone"
per_hour = 20

[[line]]
name = "L1"
channels = ["phone"]
agents = 3
handle = "4m"
wage = 21.5
resolve = 1.0
escalates_to = "V"

[[line]]
name = "L2"
agents = 2
handle = "30m"
wage = 40.0

[[line]]
name = "V"
external = true
delay = "1d"
cost_per_ticket = 150.0

[economics]
overhead = 0.35
overtime_multiplier = 1.75
training_days_per_year = 10
working_days_per_year = 220
abandon_cost = 8.0
"#;
    // 8 measured days = 192 hours; L2 is idle (nothing escalates) but paid
    let hours = 8.0 * 24.0;
    let loaded = 1.35 * (1.0 + 10.0 / 220.0);
    let l1 = 21.5 * loaded * 3.0 * hours;
    let l2 = 40.0 * loaded * 2.0 * hours;
    let total = l1 + l2;
    // (21.5 × 3 + 40 × 2) €/h × 192 h × 1.35 × 230/220
    assert_close("the hand computation", total, 39_156.872_727_272_73);

    let results = simulate(text);
    let reps = runs(&load(text), 0);
    let s = &results.scenarios[0];
    assert_eq!(reps.len(), 5);
    for (k, r) in reps.iter().enumerate() {
        let at = |what: &str| format!("replication {k}: {what}");
        assert_eq!(
            line_kpi(r, "L1", Kpi::PaidHours),
            3.0 * hours,
            "{}",
            at("L1 paid hours")
        );
        assert_eq!(
            line_kpi(r, "L1", Kpi::OvertimeHours),
            0.0,
            "{}",
            at("overtime")
        );
        assert_eq!(
            line_kpi(r, "V", Kpi::VendorTickets),
            0.0,
            "{}",
            at("vendor tickets")
        );
        assert_eq!(overall(r, Kpi::Abandoned), 0.0, "{}", at("abandoned"));
        assert_close(
            &at("lines.L1.cost_total"),
            line_kpi(r, "L1", Kpi::CostTotal),
            l1,
        );
        assert_close(
            &at("lines.L2.cost_total"),
            line_kpi(r, "L2", Kpi::CostTotal),
            l2,
        );
        assert_eq!(
            line_kpi(r, "V", Kpi::CostTotal),
            0.0,
            "{}",
            at("vendor cost")
        );
        assert_close(&at("cost_total"), overall(r, Kpi::CostTotal), total);
        // L1 resolves what it handles: resolved = handled at L1
        let resolved = line_kpi(r, "L1", Kpi::Handled);
        assert!(
            resolved > 2000.0,
            "{}",
            at("too few tickets to mean anything")
        );
        assert_unit_costs(r, &at, total, resolved);
    }
    let e = s.kpis[&Kpi::CostTotal];
    assert_close("mean cost_total", e.mean, total);
    assert!(
        e.ci95 <= 1e-9 * total,
        "a constant cost has ci95 {}",
        e.ci95
    );
    // ... and the binary reports the same in its JSON
    let tmp = TempScenario::new(text);
    let doc = run_json(tmp.file(), &["--threads", "2"]);
    let kpis = &doc["scenarios"][0]["kpis"];
    assert_close(
        "JSON cost_total",
        kpis["cost_total"]["mean"].as_f64().unwrap(),
        total,
    );
    assert!(kpis["cost_total"]["ci95"].as_f64().unwrap() <= 1e-9 * total);
    assert_close(
        "JSON cost_per_incident",
        kpis["cost_per_incident"]["mean"].as_f64().unwrap(),
        s.kpis[&Kpi::CostPerIncident].mean,
    );
}

/// Every term of the formula at once, against the simulated counts of each
/// replication: one 8-hour shift Monday to Friday (paid hours fixed by the
/// roster: 2 agents × 8 h × 10 weekdays), overtime when agents finish the
/// call in hand after 16:00 (the line is overloaded, so they always have
/// one), abandoned callers, and a vendor that gets every ticket L1 handles
/// (`resolve = 0`), so vendor tickets = L1 escalations exactly.
#[test]
fn cost_of_shifts_overtime_vendor_and_abandonment_matches_the_hand_computation() {
    let text = r#"
[simulation]
horizon = "14d"
warmup = "0s"
start = "mon"
replications = 6
seed = 5

[[channel]]
name = "phone"
patience = { dist = "exponential", mean = "10m" }
hours = { open = "08:00", close = "18:00", days = ["mon", "tue", "wed", "thu", "fri"] }

[[arrivals]]
channel = "phone"
per_hour = 10

[[line]]
name = "L1"
channels = ["phone"]
handle = "20m"
wage = 30.0
resolve = 0
escalates_to = "V"
  [[line.shift]]
  name = "day"
  start = "08:00"
  end = "16:00"
  days = ["mon", "tue", "wed", "thu", "fri"]
  agents = 2

[[line]]
name = "V"
external = true
delay = "2h"
cost_per_ticket = 45.5

[economics]
overhead = 0.25
overtime_multiplier = 1.5
training_days_per_year = 12
working_days_per_year = 230
abandon_cost = 7.25
"#;
    let paid = 2.0 * 8.0 * 10.0;
    let wages = 30.0 * 1.25 * (1.0 + 12.0 / 230.0) * paid;
    let results = simulate(text);
    let reps = runs(&load(text), 0);
    let s = &results.scenarios[0];
    for (k, r) in reps.iter().enumerate() {
        let at = |what: &str| format!("replication {k}: {what}");
        assert_eq!(
            line_kpi(r, "L1", Kpi::PaidHours),
            paid,
            "{}",
            at("paid hours")
        );
        let overtime = line_kpi(r, "L1", Kpi::OvertimeHours);
        // each agent finishes at most one 20-minute call per day after 16:00
        assert!(
            overtime > 0.0 && overtime <= 2.0 * 10.0 / 3.0 + 1e-9,
            "{}",
            at(&format!("overtime {overtime} h"))
        );
        let escalated = line_kpi(r, "L1", Kpi::Escalated);
        let vendor = line_kpi(r, "V", Kpi::VendorTickets);
        assert_eq!(
            vendor,
            escalated,
            "{}",
            at("vendor tickets = L1 escalations")
        );
        assert_eq!(
            escalated,
            line_kpi(r, "L1", Kpi::Handled),
            "{}",
            at("resolve = 0")
        );
        let abandoned = overall(r, Kpi::Abandoned);
        assert!(
            abandoned > 100.0,
            "{}",
            at("the overloaded line loses callers")
        );
        let l1 = wages + 30.0 * 1.25 * 1.5 * overtime;
        let v = 45.5 * vendor;
        let total = l1 + v + 7.25 * abandoned;
        assert_close(
            &at("lines.L1.cost_total"),
            line_kpi(r, "L1", Kpi::CostTotal),
            l1,
        );
        assert_close(
            &at("lines.V.cost_total"),
            line_kpi(r, "V", Kpi::CostTotal),
            v,
        );
        assert_close(&at("cost_total"), overall(r, Kpi::CostTotal), total);
        // every part of the total, by hand: wages 30 × 160 h, overhead 25%
        // of them, training 12/230 of both, overtime at 1.5 with overhead,
        // vendor fees, abandons; per month and year from the 14 days
        let base_wages = 30.0 * paid;
        let parts = [
            (Kpi::CostWages, base_wages),
            (Kpi::CostOverhead, base_wages * 0.25),
            (Kpi::CostTraining, base_wages * 1.25 * 12.0 / 230.0),
            (Kpi::CostOvertime, 30.0 * 1.25 * 1.5 * overtime),
            (Kpi::CostVendor, v),
            (Kpi::CostAbandon, 7.25 * abandoned),
            (Kpi::CostPerMonth, total / 14.0 * 30.4),
            (Kpi::CostPerYear, total / 14.0 * 365.0),
        ];
        for (kpi, want) in parts {
            assert_close(&at(kpi.key()), overall(r, kpi), want);
        }
        let l1_parts = [
            (Kpi::CostWages, base_wages),
            (Kpi::CostOverhead, base_wages * 0.25),
            (Kpi::CostTraining, base_wages * 1.25 * 12.0 / 230.0),
            (Kpi::CostOvertime, 30.0 * 1.25 * 1.5 * overtime),
            (Kpi::CostVendor, 0.0),
            (Kpi::CostPerMonth, l1 / 14.0 * 30.4),
        ];
        for (kpi, want) in l1_parts {
            assert_close(
                &at(&format!("lines.L1.{kpi}")),
                line_kpi(r, "L1", kpi),
                want,
            );
        }
        assert_close(
            &at("lines.V.cost_vendor"),
            line_kpi(r, "V", Kpi::CostVendor),
            v,
        );
        assert_eq!(
            line_kpi(r, "V", Kpi::CostWages),
            0.0,
            "{}",
            at("vendor wages")
        );
        // tickets are resolved when the vendor returns them
        let resolved = line_kpi(r, "V", Kpi::Handled);
        assert!(resolved > 0.0 && resolved <= vendor, "{}", at("resolved"));
        assert_unit_costs(r, &at, total, resolved);
    }
    let mean: f64 =
        reps.iter().map(|r| overall(r, Kpi::CostTotal)).sum::<f64>() / reps.len() as f64;
    assert_close("mean cost_total", s.kpis[&Kpi::CostTotal].mean, mean);
}

// ---------------------------------------------------------------------------
// 2. variants and common random numbers

/// A variant that writes the base's own values back (an agent count, a
/// patience, a whole handling-time table) is the same scenario on the same
/// random streams: every KPI of every replication is identical, so the
/// paired difference is exactly 0 ± 0.
#[test]
fn a_variant_that_changes_nothing_differs_by_exactly_zero() {
    let text = format!(
        "{}\n{}",
        shipped(TWO_LINES),
        r#"
[[variant]]
name = "same again"
set = { "line.L2.agents" = 8, "channel.phone.patience.mean" = "5m", "line.L1.handle" = { dist = "exponential", mean = "4m" } }
"#
    );
    let mut scenarios = load(&text);
    assert_eq!(scenarios.len(), 2);
    for sc in &mut scenarios {
        sc.replications = 4;
        sc.horizon = staffsim::engine::SimTime::from_secs(8 * 86_400);
    }
    let results = run(&scenarios, &|| {});
    let [base, same] = &results.scenarios[..] else {
        panic!("two scenarios");
    };
    assert_eq!(same.name, "same again");
    assert!(
        base.vs_base.is_none(),
        "the base has no difference to itself"
    );
    assert_eq!(runs(&scenarios, 0).len(), 4);
    for (k, (a, b)) in runs(&scenarios, 0)
        .iter()
        .zip(&runs(&scenarios, 1))
        .enumerate()
    {
        assert_eq!(a.overall, b.overall, "replication {k}");
        assert_eq!(a.lines, b.lines, "replication {k}");
        assert_eq!(a.channels, b.channels, "replication {k}");
    }
    assert_eq!(base.kpis, same.kpis);
    assert_eq!(base.lines, same.lines);
    assert_eq!(base.channels, same.channels);
    let vs = same.vs_base.as_ref().expect("a variant has vs_base");
    assert_eq!(
        vs.keys().collect::<Vec<_>>(),
        base.kpis.keys().collect::<Vec<_>>()
    );
    for (kpi, e) in vs {
        assert_eq!(
            *e,
            Estimate {
                mean: 0.0,
                ci95: 0.0
            },
            "vs_base.{kpi}"
        );
    }
    // something happened: the comparison is not between two empty runs
    assert!(base.kpis[&Kpi::Offered].mean > 10_000.0);
    assert!(base.kpis[&Kpi::Abandoned].mean > 0.0);
}

/// One more agent never makes anyone wait longer, replication by
/// replication, when nobody abandons.
///
/// Why: arrivals come from their own random stream, so customer k arrives
/// at the same time a_k in both runs. Handling times are drawn from the
/// line's stream in the order handlings start, which under FIFO with one
/// class and no abandonment is the arrival order; so customer k gets the
/// same handling time s_k in both runs (common random numbers). Customer k
/// starts at max(a_k, earliest time an agent is free) and that agent is
/// then free at start + s_k (the Kiefer–Wolfowitz recursion). By induction
/// on k, the j-th earliest free time with c + 1 agents is at most the j-th
/// earliest with c agents, for j = 1..c: replacing the minimum by a value
/// no larger keeps the sorted vectors ordered, and the extra agent only
/// adds one more element, which can only lower order statistics. Hence
/// every customer's wait with c + 1 agents is at most the wait with c, and
/// so are their mean, every quantile, and the share answered late.
///
/// The channel is open 08:00-20:00 and the horizon ends at midnight, so
/// every counted caller is answered in both runs and the means are over
/// the same callers (at a 24/7 horizon the extra agent could answer a
/// long-waiting caller the base run never answers, and raise the mean).
/// Floating-point sums of termwise smaller waits, in the same order, are
/// no larger, so the comparison is exact.
#[test]
fn one_more_agent_never_raises_the_wait_of_any_replication() {
    // (agents, calls per hour, 5-minute calls): load from 75% to 94%
    let cases = [(1, 9.0), (3, 30.0), (8, 90.0), (15, 150.0)];
    for (c, per_hour) in cases {
        let text = format!(
            r#"
[simulation]
horizon = "8d"
warmup = "1d"
replications = 8
seed = {seed}

[hours]
open = "08:00"
close = "20:00"

[[channel]]
name = "phone"
live = true

[[arrivals]]
channel = "phone"
per_hour = {per_hour}

[[line]]
name = "L1"
channels = ["phone"]
agents = {c}
handle = {{ dist = "exponential", mean = "5m" }}

[[variant]]
name = "+1 agent"
set = {{ "line.L1.agents" = {c1} }}
"#,
            seed = 100 + c,
            c1 = c + 1
        );
        let results = simulate(&text);
        let [_, more] = &results.scenarios[..] else {
            panic!("two scenarios");
        };
        let case = format!("{c} agents, {per_hour}/h");
        let mut total = (0.0, 0.0);
        for (k, (b, m)) in runs(&load(&text), 0)
            .iter()
            .zip(&runs(&load(&text), 1))
            .enumerate()
        {
            let at = format!("{case}, replication {k}");
            let offered = overall(b, Kpi::Offered);
            assert_eq!(offered, overall(m, Kpi::Offered), "{at}: the same arrivals");
            assert_eq!(
                overall(b, Kpi::Answered),
                offered,
                "{at}: all answered (base)"
            );
            assert_eq!(
                overall(m, Kpi::Answered),
                offered,
                "{at}: all answered (+1)"
            );
            for kpi in [
                Kpi::AsaSeconds,
                Kpi::WaitP50Seconds,
                Kpi::WaitP90Seconds,
                Kpi::WaitP99Seconds,
            ] {
                let (wb, wm) = (overall(b, kpi), overall(m, kpi));
                assert!(
                    wm <= wb,
                    "{at}: {kpi} {wm} with one more agent, {wb} without"
                );
            }
            let (sb, sm) = (overall(b, Kpi::ServiceLevel), overall(m, Kpi::ServiceLevel));
            assert!(
                sm >= sb,
                "{at}: service level {sm} with one more agent, {sb} without"
            );
            total.0 += overall(b, Kpi::AsaSeconds);
            total.1 += overall(m, Kpi::AsaSeconds);
        }
        eprintln!(
            "{case:<16} mean ASA {:>8.2} s -> {:>7.2} s with one more agent",
            total.0 / 8.0,
            total.1 / 8.0
        );
        assert!(total.1 < total.0, "{case}: the extra agent changed nothing");
        let d = more.vs_base.as_ref().expect("vs_base")[&Kpi::AsaSeconds];
        assert!(d.mean < 0.0, "{case}: vs_base.asa_seconds {d:?}");
    }
}

// ---------------------------------------------------------------------------
// 3. paired against unpaired confidence intervals

/// Sample variance (n - 1).
fn variance(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0)
}

/// Half-width of the 95% Welch interval of mean(b) - mean(a), as if the
/// two runs were independent (degrees of freedom rounded down).
fn welch_half_width(a: &[f64], b: &[f64]) -> f64 {
    let (va, vb) = (variance(a) / a.len() as f64, variance(b) / b.len() as f64);
    let df = (va + vb).powi(2) / (va * va / (a.len() - 1) as f64 + vb * vb / (b.len() - 1) as f64);
    t_quantile_975((df.floor() as usize).max(1)) * (va + vb).sqrt()
}

/// Common random numbers pay: the 95% interval of the difference "+1
/// agent" minus base, from the paired differences (`vs_base`), is narrower
/// than what two independent runs would give, for ASA and service level,
/// on Erlang A (9 -> 10 agents) and the two-line tandem (L1 9 -> 10).
#[test]
fn paired_intervals_are_narrower_than_unpaired_ones() {
    let _budget = Budget::new("whatif::paired_intervals_are_narrower_than_unpaired_ones");
    let reps = 20;
    for (file, variant) in [(ERLANG_A, "line.L1.agents"), (TWO_LINES, "line.L1.agents")] {
        let text = format!(
            "{}\n[[variant]]\nname = \"+1 agent\"\nset = {{ \"{variant}\" = 10 }}\n",
            shipped(file)
        );
        let mut scenarios = load(&text);
        for sc in &mut scenarios {
            sc.replications = reps;
        }
        let results = run(&scenarios, &|| {});
        let [base, more] = &results.scenarios[..] else {
            panic!("two scenarios");
        };
        for kpi in [Kpi::AsaSeconds, Kpi::ServiceLevel] {
            let a: Vec<f64> = runs(&scenarios, 0)
                .iter()
                .map(|r| overall(r, kpi))
                .collect();
            let b: Vec<f64> = runs(&scenarios, 1)
                .iter()
                .map(|r| overall(r, kpi))
                .collect();
            let diffs: Vec<f64> = a.iter().zip(&b).map(|(x, y)| y - x).collect();
            let paired = more.vs_base.as_ref().expect("vs_base")[&kpi];
            // vs_base is the Student interval of the paired differences
            let mine = Estimate::from_samples(&diffs);
            assert_close(
                &format!("{file} vs_base.{kpi}.mean"),
                paired.mean,
                mine.mean,
            );
            assert_close(
                &format!("{file} vs_base.{kpi}.ci95"),
                paired.ci95,
                mine.ci95,
            );
            assert_close(
                &format!("{file} vs_base.{kpi}.ci95 by hand"),
                paired.ci95,
                t_quantile_975(reps as usize - 1) * (variance(&diffs) / reps as f64).sqrt(),
            );
            let welch = welch_half_width(&a, &b);
            let naive = (base.kpis[&kpi].ci95.powi(2) + more.kpis[&kpi].ci95.powi(2)).sqrt();
            let corr = {
                let (ma, mb) = (
                    a.iter().sum::<f64>() / a.len() as f64,
                    b.iter().sum::<f64>() / b.len() as f64,
                );
                let cov = a
                    .iter()
                    .zip(&b)
                    .map(|(x, y)| (x - ma) * (y - mb))
                    .sum::<f64>()
                    / (a.len() - 1) as f64;
                cov / (variance(&a) * variance(&b)).sqrt()
            };
            println!(
                "{file:<26} {kpi:<14} diff {:>+10.4}  paired ±{:.4}  Welch ±{:.4}  \
                 sqrt(ci_a²+ci_b²) ±{:.4}  paired/Welch {:.3}  paired/sqrt {:.3}  corr {:.3}",
                paired.mean,
                paired.ci95,
                welch,
                naive,
                paired.ci95 / welch,
                paired.ci95 / naive,
                corr
            );
            assert!(
                paired.ci95 < welch && paired.ci95 < naive,
                "{file} {kpi}: paired ±{} is not narrower than unpaired (Welch ±{welch}, ±{naive})",
                paired.ci95
            );
            // the difference itself is real and has the right sign
            let sign = if kpi == Kpi::AsaSeconds { -1.0 } else { 1.0 };
            clearly_positive(
                file,
                &format!("+1 agent improves {kpi}"),
                Estimate {
                    mean: sign * paired.mean,
                    ci95: paired.ci95,
                },
                reps,
            );
        }
    }
}

// ---------------------------------------------------------------------------
// 4. sweeps

const SMALL: &str = r#"
[simulation]
name = "small"
horizon = "3d"
warmup = "1d"
replications = 2
seed = 9

[[channel]]
name = "phone"
patience = { dist = "exponential", mean = "5m" }

[[arrivals]]
channel = "phone"
per_hour = 60

[[line]]
name = "L1"
channels = ["phone"]
agents = 5
handle = { dist = "exponential", mean = "4m" }
wage = 20.0

[economics]
overhead = 0.3
"#;

/// Rate of the first channel, per hour.
fn per_hour(sc: &Scenario) -> f64 {
    (sc.mean_rate(0) * 3600.0 * 1e6).round() / 1e6
}

#[test]
fn a_sweep_of_n_points_gives_n_scenarios_in_file_order() {
    let text = format!("{SMALL}\n[sweep]\n\"line.L1.agents\" = [7, 4, 6, 5, 9]\n");
    let s = load(&text);
    let names: Vec<&str> = s.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "small",
            "line.L1.agents=7",
            "line.L1.agents=4",
            "line.L1.agents=6",
            "line.L1.agents=5",
            "line.L1.agents=9"
        ]
    );
    let agents: Vec<u32> = s.iter().map(|x| x.lines[0].agents).collect();
    assert_eq!(agents, [5, 7, 4, 6, 5, 9]);
    // nothing else moved
    for sc in &s[1..] {
        assert_eq!(per_hour(sc), 60.0);
        assert_eq!(sc.economics.overhead, 0.3);
    }

    // a float and a string axis
    let text = format!(
        "{SMALL}\n[sweep]\n\"economics.overhead\" = [0.1, 0.45]\n\"channel.phone.patience.mean\" = [\"3m\", \"90s\"]\n"
    );
    let s = load(&text);
    let got: Vec<(String, f64, f64)> = s[1..]
        .iter()
        .map(|x| {
            (
                x.name.clone(),
                x.economics.overhead,
                x.channels[0].patience.as_ref().unwrap().mean(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "economics.overhead=0.1, channel.phone.patience.mean=\"3m\"".to_string(),
                0.1,
                180.0
            ),
            (
                "economics.overhead=0.1, channel.phone.patience.mean=\"90s\"".to_string(),
                0.1,
                90.0
            ),
            (
                "economics.overhead=0.45, channel.phone.patience.mean=\"3m\"".to_string(),
                0.45,
                180.0
            ),
            (
                "economics.overhead=0.45, channel.phone.patience.mean=\"90s\"".to_string(),
                0.45,
                90.0
            ),
        ]
    );
}

/// Two axes give their product, the last axis varying fastest, after the
/// variants; the binary reports them in that order.
#[test]
fn a_2d_sweep_gives_the_product_with_the_last_axis_fastest() {
    let text = format!(
        "{SMALL}
[[variant]]
name = \"busy\"
set = {{ \"arrivals.phone.per_hour\" = 75 }}

[sweep]
\"arrivals.phone.per_hour\" = [50, 70, 90]
\"line.L1.agents\" = [4, 6]
"
    );
    let s = load(&text);
    assert_eq!(s.len(), 1 + 1 + 3 * 2);
    let grid: Vec<(f64, u32)> = s.iter().map(|x| (per_hour(x), x.lines[0].agents)).collect();
    assert_eq!(
        grid,
        [
            (60.0, 5),
            (75.0, 5),
            (50.0, 4),
            (50.0, 6),
            (70.0, 4),
            (70.0, 6),
            (90.0, 4),
            (90.0, 6)
        ]
    );
    let want: Vec<String> = ["small".to_string(), "busy".to_string()]
        .into_iter()
        .chain(
            grid[2..]
                .iter()
                .map(|(r, a)| format!("arrivals.phone.per_hour={r}, line.L1.agents={a}")),
        )
        .collect();
    let names: Vec<String> = s.iter().map(|x| x.name.clone()).collect();
    assert_eq!(names, want);

    let tmp = TempScenario::new(&text);
    let doc = run_json(tmp.file(), &["--replications", "1"]);
    let names: Vec<&str> = doc["scenarios"]
        .as_array()
        .expect("scenarios")
        .iter()
        .map(|x| x["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(names, want);
    // the swept value is visible in the results: more callers, more offered
    let offered = |i: usize| {
        doc["scenarios"][i]["kpis"]["offered"]["mean"]
            .as_f64()
            .unwrap()
    };
    assert!(offered(2) < offered(4) && offered(4) < offered(6));
    assert_eq!(offered(2), offered(3), "same arrivals, other staffing");
    let agents = |i: usize| doc["scenarios"][i]["lines"]["L1"]["agents"]["mean"].as_f64();
    assert_eq!(agents(0), Some(5.0));
    assert_eq!(agents(2), Some(4.0));
    assert_eq!(agents(3), Some(6.0));
}

/// A path that addresses nothing, in a variant or a sweep, is refused by
/// `run` and `validate` with exit code 2 and a message that names it, at
/// the line of the file where it is written, with the reason.
#[test]
fn bad_sweep_and_variant_paths_are_named_with_exit_code_2() {
    // (what is appended to the file, the path, why it is refused)
    let cases: [(&str, &str, &str); 9] = [
        (
            "[[variant]]\nname = \"x\"\nset = { \"line.L9.agents\" = 6 }\n",
            "line.L9.agents",
            "no line with name \"L9\"",
        ),
        (
            "[[variant]]\nname = \"x\"\nset = { \"line.L1\" = 6 }\n",
            "line.L1",
            "names an entry, not a key",
        ),
        (
            "[[variant]]\nname = \"x\"\nset = { \"simulation.horizon.days\" = 6 }\n",
            "simulation.horizon.days",
            "is a value, not a table",
        ),
        (
            "[[variant]]\nname = \"x\"\nset = { \"line..agents\" = 6 }\n",
            "line..agents",
            "is not a path",
        ),
        (
            "[sweep]\n\"line.L1.shift.early.agents\" = [3, 4]\n",
            "line.L1.shift.early.agents",
            "no \"shift\" in line.L1",
        ),
        (
            "[sweep]\n\"arrivals.email.per_hour\" = [30]\n",
            "arrivals.email.per_hour",
            "no arrivals with channel \"email\"",
        ),
        (
            "[sweep]\n\"lines.L1.agents\" = [3]\n",
            "lines.L1.agents",
            "no \"lines\" in the file",
        ),
        (
            "[sweep]\n\"line.L1.agents\" = []\n",
            "line.L1.agents",
            "non-empty array",
        ),
        (
            "[sweep]\n\"line.L1.agentz\" = [3, 4]\n",
            "line.L1.agentz",
            "did you mean \"agents\"",
        ),
    ];
    for (extra, path, why) in cases {
        let text = format!("{SMALL}\n{extra}");
        let line = 1 + text
            .lines()
            .position(|l| l.contains(&format!("\"{path}\"")))
            .expect("the path is in the file");
        let tmp = TempScenario::new(&text);
        let place = format!("error: {}:{line}:", tmp.file());
        for cmd in ["run", "validate"] {
            let args = if cmd == "run" {
                vec![cmd, tmp.file(), "--replications", "1"]
            } else {
                vec![cmd, tmp.file()]
            };
            let err = refused(&args);
            assert!(
                err.contains(path) && err.contains(why),
                "{cmd} with {extra:?}: the message does not name {path} ({why}):\n{err}"
            );
            assert!(err.starts_with(&place), "{cmd}: not at {place}:\n{err}");
        }
    }

    // every bad path of a file in one run
    let tmp = TempScenario::new(&format!(
        "{SMALL}\n{}\n{}",
        "[[variant]]\nname = \"x\"\nset = { \"line.L9.agents\" = 6 }\n",
        "[sweep]\n\"channel.chat.patience.mean\" = [\"3m\"]\n"
    ));
    let err = refused(&["validate", tmp.file()]);
    for path in ["line.L9.agents", "channel.chat.patience.mean"] {
        assert!(err.contains(path), "{path} is not named in\n{err}");
    }
}

/// Scenario names identify results (JSON entries, CSV rows, table
/// columns), and two variants with one name are refused; a variant named
/// like a sweep point must be refused too.
#[test]
fn a_variant_named_like_a_sweep_point_is_refused() {
    let text = format!(
        "{SMALL}\n[[variant]]\nname = \"line.L1.agents=4\"\nset = {{ \"line.L1.agents\" = 6 }}\n\n[sweep]\n\"line.L1.agents\" = [4]\n"
    );
    match load_experiment_str(&text, "whatif.toml", None) {
        Err(e) => {
            let e = e.to_string();
            assert!(
                e.contains("whatif.toml:")
                    && e.contains("variant.line.L1.agents=4.name: a [sweep] point is also named \"line.L1.agents=4\""),
                "{e}"
            );
        }
        Ok(s) => {
            let names: Vec<&str> = s.iter().map(|x| x.name.as_str()).collect();
            panic!("loaded, with two scenarios of one name: {names:?}");
        }
    }
}

// ---------------------------------------------------------------------------
// 5. the results directory

/// `two-lines` with a variant and a two-axis sweep whose names hold commas
/// and quotes (so the CSV files must quote them).
fn two_lines_with_whatifs() -> TempScenario {
    TempScenario::new(&format!(
        "{}\n{}",
        shipped(TWO_LINES),
        r#"
[[variant]]
name = "+1 L1"
set = { "line.L1.agents" = 10 }

[sweep]
"line.L1.agents" = [8, 10]
"channel.phone.patience.mean" = ["5m"]
"#
    ))
}

fn run_out(file: &str, dir: &Path, extra: &[&str]) -> std::process::Output {
    staffsim()
        .args([
            "run",
            file,
            "--format",
            "json",
            "--replications",
            "4",
            "--out",
        ])
        .arg(dir)
        .args(extra)
        .output()
        .expect("staffsim starts")
}

const FILES: [&str; 6] = [
    "agents.csv",
    "intervals.csv",
    "kpis.csv",
    "manifest.json",
    "scenario.toml",
    "summary.json",
];

#[test]
fn out_dir_is_identical_for_one_and_two_threads() {
    let sc = two_lines_with_whatifs();
    let a = sc.dir.path().join("one");
    let b = sc.dir.path().join("two");
    let out_a = run_out(sc.file(), &a, &["--threads", "1"]);
    let out_b = run_out(sc.file(), &b, &["--threads", "2"]);
    for o in [&out_a, &out_b] {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let (fa, fb) = (snapshot(&a), snapshot(&b));
    assert_eq!(fa.keys().collect::<Vec<_>>(), FILES);
    for name in ["summary.json", "kpis.csv", "agents.csv", "intervals.csv"] {
        assert!(
            fa[name] == fb[name],
            "{name} differs between --threads 1 and --threads 2"
        );
    }
    assert_eq!(fa["summary.json"], out_a.stdout, "summary.json = stdout");
    assert_eq!(out_a.stdout, out_b.stdout);
    let source = std::fs::read(&sc.path).unwrap();
    assert_eq!(
        fa["scenario.toml"], source,
        "scenario.toml is the file as given"
    );
    let doc: Value = serde_json::from_slice(&fa["summary.json"]).expect("summary.json parses");
    let names: Vec<&str> = doc["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "two-lines",
            "+1 L1",
            "line.L1.agents=8, channel.phone.patience.mean=\"5m\"",
            "line.L1.agents=10, channel.phone.patience.mean=\"5m\""
        ]
    );

    // the manifest
    let m: Value = serde_json::from_slice(&fa["manifest.json"]).expect("manifest.json parses");
    assert_eq!(m["staffsim_version"], env!("CARGO_PKG_VERSION"));
    let sha: String = Sha256::digest(&source)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(m["scenario_sha256"], sha.as_str());
    assert_eq!(m["seed"], 11);
    let date = m["date"].as_str().expect("a date string");
    let shape = date.len() == 20
        && date.chars().enumerate().all(|(i, c)| match i {
            4 | 7 => c == '-',
            10 => c == 'T',
            13 | 16 => c == ':',
            19 => c == 'Z',
            _ => c.is_ascii_digit(),
        });
    assert!(shape && date >= "2024", "date {date:?}");
    let mb: Value = serde_json::from_slice(&fb["manifest.json"]).unwrap();
    for key in [
        "staffsim_version",
        "scenario_sha256",
        "seed",
        "scenarios",
        "replications",
    ] {
        assert_eq!(m[key], mb[key], "manifest {key}");
    }
    assert_eq!(m["replications"], serde_json::json!([4, 4, 4, 4]));

    // the CSV files parse, with as many fields in every record as in the header
    let sweep_name = "line.L1.agents=8, channel.phone.patience.mean=\"5m\"";
    let agents_per_scenario = [9 + 8, 10 + 8, 8 + 8, 10 + 8];
    for (name, text_cols, rows) in [
        ("kpis.csv", vec!["scenario", "unstable"], 4),
        (
            "agents.csv",
            vec!["scenario", "line"],
            agents_per_scenario.iter().sum(),
        ),
        (
            "intervals.csv",
            vec!["scenario", "date", "weekday", "start", "kind", "name"],
            4 * 7 * 48 * 3,
        ),
    ] {
        let text = String::from_utf8(fa[name].clone()).expect("UTF-8");
        let mut records = text.lines();
        let header = csv_fields(records.next().expect("a header"));
        let mut n = 0;
        let mut sweep_rows = 0;
        for (i, rec) in records.enumerate() {
            let fields = csv_fields(rec);
            assert_eq!(
                fields.len(),
                header.len(),
                "{name} record {}: {rec:?}",
                i + 2
            );
            for (h, f) in header.iter().zip(&fields) {
                if !text_cols.contains(&h.as_str()) && !f.is_empty() {
                    let v: f64 = f
                        .parse()
                        .unwrap_or_else(|_| panic!("{name} {h} = {f:?} is not a number"));
                    assert!(v.is_finite(), "{name} {h} = {f}");
                }
            }
            if fields[0] == sweep_name {
                sweep_rows += 1;
            }
            n += 1;
        }
        assert_eq!(n, rows, "{name}: records");
        assert!(sweep_rows > 0, "{name}: no row for {sweep_name:?}");
    }
}

#[test]
fn out_dir_is_refused_when_not_empty_and_replaced_with_force() {
    let sc = two_lines_with_whatifs();
    let dir = sc.dir.path().join("results");
    let first = run_out(sc.file(), &dir, &["--seed", "1"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let before = snapshot(&dir);
    assert_eq!(before.keys().collect::<Vec<_>>(), FILES);

    let dir_s = dir.to_str().unwrap();
    let err = refused(&[
        "run",
        sc.file(),
        "--replications",
        "4",
        "--seed",
        "2",
        "--out",
        dir_s,
    ]);
    assert!(
        err.contains(dir_s),
        "the message does not name {dir_s}:\n{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert!(
        snapshot(&dir) == before,
        "a refused run changed the directory"
    );

    // a directory holding anything at all is not empty
    let other = sc.dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    let err = refused(&["run", sc.file(), "--out", other.to_str().unwrap()]);
    assert!(err.contains(other.to_str().unwrap()), "{err}");
    assert_eq!(std::fs::read(other.join("notes.txt")).unwrap(), b"mine");
    assert_eq!(snapshot(&other).len(), 1);

    let forced = run_out(sc.file(), &dir, &["--seed", "2", "--force"]);
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
    let after = snapshot(&dir);
    assert_eq!(after.keys().collect::<Vec<_>>(), FILES, "no leftover files");
    assert_eq!(after["summary.json"], forced.stdout);
    assert_ne!(
        after["summary.json"], before["summary.json"],
        "not replaced"
    );
    assert_ne!(after["kpis.csv"], before["kpis.csv"], "not replaced");
    let m: Value = serde_json::from_slice(&after["manifest.json"]).unwrap();
    assert_eq!(m["seed"], 2);
}

// ---------------------------------------------------------------------------
// 6. the JSON contract with variants

#[test]
fn json_lists_base_variants_then_sweep_points_with_vs_base() {
    let text = format!(
        "{SMALL}
[[variant]]
name = \"more agents\"
set = {{ \"line.L1.agents\" = 6 }}

[[variant]]
name = \"pricier\"
set = {{ \"economics.overhead\" = 0.5 }}

[sweep]
\"line.L1.agents\" = [4, 5, 7]
"
    );
    let tmp = TempScenario::new(&text);
    let doc = run_json(tmp.file(), &["--replications", "3"]);
    let scenarios = doc["scenarios"]
        .as_array()
        .expect("\"scenarios\" is an array");
    let names: Vec<&str> = scenarios
        .iter()
        .map(|s| s["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(
        names,
        [
            "small",
            "more agents",
            "pricier",
            "line.L1.agents=4",
            "line.L1.agents=5",
            "line.L1.agents=7"
        ]
    );
    let base = &scenarios[0];
    let kpi_names: Vec<&String> = base["kpis"].as_object().expect("kpis").keys().collect();
    for kpi in [
        "offered",
        "abandon_rate",
        "asa_seconds",
        "service_level",
        "cost_total",
        "cost_per_incident",
        "cost_per_contact",
    ] {
        assert!(
            kpi_names.iter().any(|k| *k == kpi),
            "no {kpi} in {kpi_names:?}"
        );
    }
    let estimate = |e: &Value, at: &str| -> (f64, f64) {
        let obj = e.as_object().unwrap_or_else(|| panic!("{at}: {e}"));
        assert_eq!(obj.len(), 2, "{at}: {e}");
        match (e["mean"].as_f64(), e["ci95"].as_f64()) {
            (Some(m), Some(c)) if m.is_finite() && c.is_finite() && c >= 0.0 => (m, c),
            _ => panic!("{at}: want {{\"mean\", \"ci95\"}}, got {e}"),
        }
    };
    assert!(base.get("vs_base").is_none(), "the base has no vs_base");
    for (i, s) in scenarios.iter().enumerate() {
        let name = names[i];
        assert_eq!(s["replications"], 3, "{name}");
        let kpis = s["kpis"].as_object().expect("kpis");
        assert_eq!(kpis.keys().collect::<Vec<_>>(), kpi_names, "{name}");
        for (k, e) in kpis {
            estimate(e, &format!("{name}.kpis.{k}"));
        }
        assert!(s["lines"]["L1"].is_object(), "{name}: lines.L1");
        assert!(s["channels"]["phone"].is_object(), "{name}: channels.phone");
        if i == 0 {
            continue;
        }
        let vs = s["vs_base"]
            .as_object()
            .unwrap_or_else(|| panic!("{name}: no vs_base"));
        assert_eq!(vs.keys().collect::<Vec<_>>(), kpi_names, "{name}.vs_base");
        for (k, e) in vs {
            let (d, _) = estimate(e, &format!("{name}.vs_base.{k}"));
            // the mean of the differences is the difference of the means
            let (m, _) = estimate(&s["kpis"][k], k);
            let (m0, _) = estimate(&base["kpis"][k], k);
            assert!(
                (d - (m - m0)).abs() <= 1e-9 * (m.abs() + m0.abs()) + 1e-12,
                "{name}.vs_base.{k} = {d}, but {m} - {m0} = {}",
                m - m0
            );
        }
    }
    // the overhead variant changes costs only, on the same random numbers
    let pricier = &scenarios[2]["vs_base"];
    assert_eq!(pricier["offered"]["mean"], 0.0);
    assert_eq!(pricier["asa_seconds"]["mean"], 0.0);
    assert!(pricier["cost_total"]["mean"].as_f64().unwrap() > 0.0);
}
