//! Runs every scenario × replication in parallel and reduces the results in
//! a fixed order, so the output is the same whatever the number of threads.

use crate::error::{Error, Result};
use crate::model::IntervalTally;
use crate::model::{RunTally, run_replication};
use crate::scenario::Scenario;
use crate::stats::{Estimate, EstimateMap, KpiValues, RunKpis, aggregate, aggregate_groups, tidy};
use crate::targets::{Judgement, Rule, judge};
use indexmap::IndexMap;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The results of every scenario of a run, in the order they were given.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    /// One entry per scenario: the base first, then variants and sweep points.
    pub scenarios: Vec<ScenarioResult>,
}

/// The KPIs of one scenario over its replications.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioResult {
    /// The scenario's name.
    pub name: String,
    /// Replications run.
    pub replications: u32,
    /// True when the plan does not keep up with demand: a line whose
    /// tickets never abandon gets more work than its agents can do (its
    /// queue grows without bound), or some replication stopped because too
    /// many tickets were open. The averages then understate the queue.
    pub unstable: bool,
    /// Problems in plain words: overloaded lines (from the scenario, before
    /// the run) and runs stopped at `simulation.max_in_system`.
    pub warnings: Vec<String>,
    /// Every target judged on the mean: each channel's own, then the desk's
    /// (see [`crate::targets`]).
    pub targets: Vec<Judgement>,
    /// When the scenario has both live and backlog channels: which are
    /// which, and the scenario-wide KPIs that mix them (read each channel's
    /// own figures instead).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mixed: Option<Mixed>,
    /// Scenario-wide KPIs: mean and 95% CI half-width.
    pub kpis: EstimateMap,
    /// Per line.
    pub lines: IndexMap<String, EstimateMap>,
    /// Per channel.
    pub channels: IndexMap<String, EstimateMap>,
    /// Per ticket type (when the scenario defines ticket types).
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub ticket_types: IndexMap<String, EstimateMap>,
    /// The average week, interval by interval (weekday and clock time of
    /// each interval's start), over every replication.
    pub intervals: Vec<IntervalResult>,
    /// For every scenario but the first: the difference of each scenario-wide
    /// KPI to the first scenario (this minus base), with the 95% CI of the
    /// paired differences (replication k of both runs on the same random
    /// streams).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vs_base: Option<EstimateMap>,
    /// For every scenario but the first: the paired differences of each
    /// channel's KPIs to the first scenario's, as in `vs_base`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vs_base_channels: Option<IndexMap<String, EstimateMap>>,
    /// The KPIs of every replication, in replication order.
    #[serde(skip)]
    pub runs: Vec<RunKpis>,
    /// Mean handled contacts and busy hours per agent over replications,
    /// agents numbered line by line.
    #[serde(skip)]
    pub agents: Vec<AgentSummary>,
}

/// Scenario-wide KPIs that mix every channel's contacts: with live and
/// backlog channels together, seconds-long waits with hours-long ones.
pub const MIXED_KPIS: [&str; 7] = [
    "service_level",
    "abandon_rate",
    "asa_seconds",
    "wait_p50_seconds",
    "wait_p90_seconds",
    "wait_p99_seconds",
    "aht_seconds",
];

/// KPIs that mean nothing where no contact arrived (scenario-wide, or for
/// one channel): shares and means over contacts, answers, resolutions, and
/// costs per contact. Where the scope's `offered` is 0 in every
/// replication they are undefined: NaN in [`ScenarioResult`], `null` in the
/// JSON, an empty CSV cell, "no traffic" in the table and the report,
/// never 0 (a service level of 0% would read as a missed target).
pub const NO_TRAFFIC_KPIS: [&str; 14] = [
    "abandon_rate",
    "asa_seconds",
    "wait_p50_seconds",
    "wait_p90_seconds",
    "wait_p99_seconds",
    "service_level",
    "aht_seconds",
    "resolution_hours",
    "resolved_within_target",
    "fcr",
    "escalation_rate",
    "misroute_rate",
    "cost_per_incident",
    "cost_per_contact",
];

/// True when `kpis` (scenario-wide or one channel's) saw no contact: its
/// `offered` is 0 in every replication.
pub fn no_traffic(kpis: &EstimateMap) -> bool {
    kpis.get("offered").is_some_and(|e| e.mean <= 0.0)
}

/// Marks the [`NO_TRAFFIC_KPIS`] of `kpis` undefined (mean and interval NaN).
fn undefined_without_traffic(kpis: &mut EstimateMap) {
    for k in NO_TRAFFIC_KPIS {
        if let Some(e) = kpis.get_mut(k) {
            *e = Estimate {
                mean: f64::NAN,
                ci95: f64::NAN,
            };
        }
    }
}

/// The label of overall figures that mix live and backlog channels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mixed {
    /// Live channels (a customer waits on the line), in scenario order.
    pub live: Vec<String>,
    /// Backlog channels (tickets wait in a queue), in scenario order.
    pub backlog: Vec<String>,
    /// The scenario-wide KPIs that mix them ([`MIXED_KPIS`]).
    pub kpis: Vec<&'static str>,
}

impl Mixed {
    /// The label for `sc`, when it has both live and backlog channels.
    pub fn of(sc: &Scenario) -> Option<Mixed> {
        if !sc.mixes_live_and_backlog() {
            return None;
        }
        let names = |live: bool| {
            sc.channels
                .iter()
                .filter(|c| c.live == live)
                .map(|c| c.name.clone())
                .collect()
        };
        Some(Mixed {
            live: names(true),
            backlog: names(false),
            kpis: MIXED_KPIS.to_vec(),
        })
    }
}

/// What a scenario's summary needs from one replication: its KPI values,
/// per-agent tallies and per-interval counters. Small, serializable, and
/// enough to merge shards of a run into exactly the unsharded result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    /// Index of the scenario in the expanded file (base 0).
    pub scenario: usize,
    /// The replication.
    pub replication: u64,
    /// Scenario-wide KPI values, in KPI order.
    pub overall: Vec<f64>,
    /// Per line, in scenario order.
    pub lines: Vec<Vec<f64>>,
    /// Per channel, in scenario order.
    pub channels: Vec<Vec<f64>>,
    /// Per ticket type (when the scenario defines them).
    pub types: Vec<Vec<f64>>,
    /// Handled tickets per agent.
    pub agent_handled: Vec<u64>,
    /// Busy seconds per agent.
    pub agent_busy: Vec<f64>,
    /// Available seconds per agent (on duty less breaks).
    #[serde(default)]
    pub agent_available: Vec<f64>,
    /// Per-interval counters.
    pub intervals: IntervalTally,
    /// The run stopped because too many tickets were open.
    pub overflow: bool,
}

fn values(v: &KpiValues) -> Vec<f64> {
    v.iter().map(|x| x.1).collect()
}

fn groups(v: &[(String, KpiValues)]) -> Vec<Vec<f64>> {
    v.iter().map(|g| values(&g.1)).collect()
}

impl Record {
    /// The record of replication `replication` of scenario `scenario`.
    pub fn new(sc: &Scenario, scenario: usize, replication: u64, tally: &RunTally) -> Record {
        let k = tally.kpis(sc);
        Record {
            scenario,
            replication,
            overall: values(&k.overall),
            lines: groups(&k.lines),
            channels: groups(&k.channels),
            types: groups(&k.types),
            agent_handled: tally.agent_handled.clone(),
            agent_busy: tally.agent_busy.clone(),
            agent_available: tally.agent_available.clone(),
            intervals: tally.intervals.clone(),
            overflow: tally.overflow,
        }
    }

    /// The KPIs with their names (taken from the scenario's shape).
    fn kpis(&self, template: &RunKpis) -> RunKpis {
        let named = |names: &KpiValues, vals: &[f64]| -> KpiValues {
            names.iter().zip(vals).map(|(n, v)| (n.0, *v)).collect()
        };
        let named_groups = |names: &[(String, KpiValues)], vals: &[Vec<f64>]| {
            names
                .iter()
                .zip(vals)
                .map(|(n, v)| (n.0.clone(), named(&n.1, v)))
                .collect()
        };
        RunKpis {
            overall: named(&template.overall, &self.overall),
            lines: named_groups(&template.lines, &self.lines),
            channels: named_groups(&template.channels, &self.channels),
            types: named_groups(&template.types, &self.types),
        }
    }
}

/// One interval of the average week.
#[derive(Debug, Clone, Serialize)]
pub struct IntervalResult {
    /// Weekday of the interval (`mon` .. `sun`).
    pub weekday: &'static str,
    /// Clock time of its start, `HH:MM`.
    pub start: String,
    /// Per channel: `offered`, `answered`, `abandoned` (mean per occurrence
    /// of this interval), `service_level` (contacts arriving in the interval
    /// answered in time / offered in it; absent when none arrived) and
    /// `asa_seconds` (of the answers given in it; absent when none was
    /// given), over all occurrences and replications.
    pub channels: IndexMap<String, IndexMap<&'static str, f64>>,
    /// Per line: `mean_queue`, `max_queue` (largest in a run, mean over
    /// runs), `agents_rostered`, `agents_on_duty`, `agents_on_break`,
    /// `agents_busy` (time averages).
    pub lines: IndexMap<String, IndexMap<&'static str, f64>>,
}

/// One agent's tallies, averaged over replications.
#[derive(Debug, Clone, Serialize)]
pub struct AgentSummary {
    /// The agent's line.
    pub line: String,
    /// Number of the agent within its line, from 1.
    pub agent: u32,
    /// Mean handled contacts per replication.
    pub handled: f64,
    /// Mean busy hours per replication (inside the measured window).
    pub busy_hours: f64,
    /// Mean available hours per replication: on duty (overtime included)
    /// less breaks, inside the measured window.
    pub available_hours: f64,
    /// Busy share of the agent's own available time, over every
    /// replication: the line's definition of occupancy, so the agents of a
    /// line, weighted by their available hours, average to the line's
    /// busy time over its available time.
    pub occupancy: f64,
}

/// Runs every replication of every scenario on the current rayon pool.
/// `progress` is called once per finished replication, from any thread.
pub fn run(scenarios: &[Scenario], progress: &(dyn Fn() + Sync)) -> Results {
    let jobs = jobs(scenarios);
    // collect() keeps job order, whatever thread ran each job
    let records: Vec<Record> = jobs
        .par_iter()
        .map(|&(s, r)| {
            let t = run_replication(&scenarios[s], r);
            progress();
            Record::new(&scenarios[s], s, r, &t)
        })
        .collect();
    assemble(scenarios, &records)
}

/// The jobs of a run: every (scenario, replication), in order.
pub fn jobs(scenarios: &[Scenario]) -> Vec<(usize, u64)> {
    scenarios
        .iter()
        .enumerate()
        .flat_map(|(s, sc)| (0..sc.replications as u64).map(move |r| (s, r)))
        .collect()
}

/// The jobs of shard `index` (from 1) of `count`: those whose position in
/// [`jobs`] is `index - 1` modulo `count`.
pub fn shard_jobs(scenarios: &[Scenario], index: usize, count: usize) -> Vec<(usize, u64)> {
    jobs(scenarios)
        .into_iter()
        .enumerate()
        .filter(|(j, _)| j % count == index - 1)
        .map(|(_, job)| job)
        .collect()
}

/// Runs shard `index` (from 1) of `count` ([`shard_jobs`]). Merging the
/// records of every shard with [`assemble`] gives exactly the unsharded
/// results.
pub fn run_shard(
    scenarios: &[Scenario],
    index: usize,
    count: usize,
    progress: &(dyn Fn() + Sync),
) -> Vec<Record> {
    shard_jobs(scenarios, index, count)
        .par_iter()
        .map(|&(s, r)| {
            let t = run_replication(&scenarios[s], r);
            progress();
            Record::new(&scenarios[s], s, r, &t)
        })
        .collect()
}

/// Results from the records of every replication of every scenario (in any
/// order; each (scenario, replication) exactly once).
pub fn assemble(scenarios: &[Scenario], records: &[Record]) -> Results {
    let mut by_scenario: Vec<Vec<&Record>> = vec![Vec::new(); scenarios.len()];
    for r in records {
        by_scenario[r.scenario].push(r);
    }
    let mut out: Vec<ScenarioResult> = Vec::with_capacity(scenarios.len());
    for (sc, recs) in scenarios.iter().zip(&mut by_scenario) {
        recs.sort_by_key(|r| r.replication);
        let owned: Vec<Record> = recs.iter().map(|r| (*r).clone()).collect();
        let mut r = summarize_records(sc, &owned);
        if let Some(base) = out.first() {
            r.vs_base = Some(paired_differences(base, &r));
            r.vs_base_channels = Some(paired_channel_differences(base, &r));
        }
        out.push(r);
    }
    Results { scenarios: out }
}

/// Differences of every scenario-wide KPI of `other` to `base`, paired by
/// replication (over the replications both have).
pub fn paired_differences(base: &ScenarioResult, other: &ScenarioResult) -> EstimateMap {
    let n = base.runs.len().min(other.runs.len());
    let mut out = EstimateMap::new();
    let Some(first) = other.runs.first() else {
        return out;
    };
    for (i, (name, _)) in first.overall.iter().enumerate() {
        let diffs: Vec<f64> = (0..n)
            .map(|k| other.runs[k].overall[i].1 - base.runs[k].overall[i].1)
            .collect();
        out.insert((*name).to_string(), Estimate::from_samples(&diffs));
    }
    if no_traffic(&base.kpis) || no_traffic(&other.kpis) {
        undefined_without_traffic(&mut out);
    }
    out
}

/// Differences of every channel KPI of `other` to `base`, paired by
/// replication, for the channels both have (by name).
pub fn paired_channel_differences(
    base: &ScenarioResult,
    other: &ScenarioResult,
) -> IndexMap<String, EstimateMap> {
    let n = base.runs.len().min(other.runs.len());
    let mut out = IndexMap::new();
    let Some(first) = other.runs.first() else {
        return out;
    };
    for (c, (name, kpis)) in first.channels.iter().enumerate() {
        let Some(bc) = base.runs[0].channels.iter().position(|b| &b.0 == name) else {
            continue;
        };
        let mut m = EstimateMap::new();
        for (i, (kpi, _)) in kpis.iter().enumerate() {
            let Some(bi) = base.runs[0].channels[bc].1.iter().position(|b| b.0 == *kpi) else {
                continue;
            };
            let diffs: Vec<f64> = (0..n)
                .map(|k| other.runs[k].channels[c].1[i].1 - base.runs[k].channels[bc].1[bi].1)
                .collect();
            m.insert((*kpi).to_string(), Estimate::from_samples(&diffs));
        }
        if [&base.channels, &other.channels]
            .iter()
            .any(|c| c.get(name).is_some_and(no_traffic))
        {
            undefined_without_traffic(&mut m);
        }
        out.insert(name.clone(), m);
    }
    out
}

/// Runs on a pool of `threads` threads (all cores when `None`).
pub fn run_with_threads(
    scenarios: &[Scenario],
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
) -> Result<Results> {
    on_threads(threads, || run(scenarios, progress))
}

/// Runs `f` on a pool of `threads` threads (at least 1), or on the global
/// pool (all cores) when `None`; results never depend on the choice.
pub fn on_threads<T: Send>(threads: Option<usize>, f: impl FnOnce() -> T + Send) -> Result<T> {
    match threads {
        None => Ok(f()),
        Some(0) => Err(Error::BadOption {
            option: "--threads".into(),
            message: "must be at least 1".into(),
        }),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| Error::BadOption {
                    option: "--threads".into(),
                    message: e.to_string(),
                })?;
            Ok(pool.install(f))
        }
    }
}

/// Reduces the tallies of one scenario's replications, in replication order.
pub fn summarize(sc: &Scenario, tallies: &[RunTally]) -> ScenarioResult {
    let records: Vec<Record> = tallies
        .iter()
        .enumerate()
        .map(|(r, t)| Record::new(sc, 0, r as u64, t))
        .collect();
    summarize_records(sc, &records)
}

/// Reduces the records of one scenario's replications, in the order given.
pub fn summarize_records(sc: &Scenario, tallies: &[Record]) -> ScenarioResult {
    let template = RunTally::new(sc).kpis(sc);
    let kpis: Vec<RunKpis> = tallies.iter().map(|t| t.kpis(&template)).collect();
    let overall: Vec<_> = kpis.iter().map(|k| &k.overall).collect();
    let lines: Vec<_> = kpis.iter().map(|k| k.lines.as_slice()).collect();
    let channels: Vec<_> = kpis.iter().map(|k| k.channels.as_slice()).collect();
    let types: Vec<_> = kpis.iter().map(|k| k.types.as_slice()).collect();
    let reps = tallies.len().max(1) as f64;
    let mut agents = Vec::new();
    let mut i = 0;
    for line in &sc.lines {
        for a in 0..line.headcount() {
            let handled = tallies
                .iter()
                .map(|t| t.agent_handled[i] as f64)
                .sum::<f64>()
                / reps;
            let busy = tallies.iter().map(|t| t.agent_busy[i]).sum::<f64>();
            let available = tallies
                .iter()
                .map(|t| t.agent_available.get(i).copied().unwrap_or(0.0))
                .sum::<f64>();
            agents.push(AgentSummary {
                line: line.name.clone(),
                agent: a + 1,
                handled: tidy(handled),
                busy_hours: tidy(busy / reps / 3600.0),
                available_hours: tidy(available / reps / 3600.0),
                occupancy: tidy(crate::stats::ratio(busy, available)),
            });
            i += 1;
        }
    }
    let overloads = crate::scenario::capacity::overloads(sc);
    let overflow = tallies.iter().any(|t| t.overflow);
    let mut warnings: Vec<String> = overloads.iter().map(|o| o.to_string()).collect();
    if overflow {
        let stopped = tallies.iter().filter(|t| t.overflow).count();
        warnings.push(format!(
            "{stopped} of {} replications stopped early: more than {} tickets were open at once \
             (simulation.max_in_system); the plan does not keep up with demand and the averages \
             understate the queue",
            tallies.len(),
            sc.max_in_system
        ));
    }
    let mut kpi_estimates = aggregate(&overall);
    let mut channel_estimates = aggregate_groups(&channels);
    // no contact, no service level: undefined rather than 0
    if no_traffic(&kpi_estimates) {
        undefined_without_traffic(&mut kpi_estimates);
    }
    for m in channel_estimates.values_mut() {
        if no_traffic(m) {
            undefined_without_traffic(m);
        }
    }
    ScenarioResult {
        name: sc.name.clone(),
        replications: tallies.len() as u32,
        unstable: overflow || overloads.iter().any(|o| o.unbounded),
        warnings,
        targets: judge(sc, &kpi_estimates, &channel_estimates, Rule::Mean),
        mixed: Mixed::of(sc),
        kpis: kpi_estimates,
        lines: aggregate_groups(&lines),
        channels: channel_estimates,
        ticket_types: aggregate_groups(&types),
        intervals: intervals(sc, tallies),
        vs_base: None,
        vs_base_channels: None,
        agents,
        runs: kpis,
    }
}

/// The average week over every replication: counts per occurrence of each
/// interval, shares and means over all of them.
fn intervals(sc: &Scenario, tallies: &[Record]) -> Vec<IntervalResult> {
    let Some(first) = tallies.first() else {
        return Vec::new();
    };
    let slots = first.intervals.slots;
    let per_day = slots / 7;
    let step = sc.interval.as_secs_f64();
    let reps = tallies.len() as f64;
    let mut out = Vec::new();
    for slot in 0..slots {
        let occ: f64 = tallies
            .iter()
            .map(|t| t.intervals.occurrences[slot] as f64)
            .sum();
        if occ == 0.0 {
            continue;
        }
        let minute = (slot % per_day) as f64 * step / 60.0;
        let mut channels = IndexMap::new();
        for (c, ch) in sc.channels.iter().enumerate() {
            let sum = |i: usize| -> f64 {
                tallies
                    .iter()
                    .map(|t| t.intervals.channels[c][slot][i])
                    .sum()
            };
            let (offered, answered, abandoned, in_time, wait) =
                (sum(0), sum(1), sum(2), sum(3), sum(4));
            let mut m = IndexMap::new();
            m.insert("offered", offered / occ);
            m.insert("answered", answered / occ);
            m.insert("abandoned", abandoned / occ);
            // no contact, no service level (and no answer, no ASA): left
            // out rather than shown as 0
            if offered > 0.0 {
                m.insert("service_level", in_time / offered);
            }
            if answered > 0.0 {
                m.insert("asa_seconds", wait / answered);
            }
            channels.insert(ch.name.clone(), m);
        }
        let mut lines = IndexMap::new();
        for (l, line) in sc.lines.iter().enumerate() {
            let sum =
                |i: usize| -> f64 { tallies.iter().map(|t| t.intervals.lines[l][slot][i]).sum() };
            let time = occ * step;
            let mut m = IndexMap::new();
            m.insert("mean_queue", sum(0) / time);
            m.insert("max_queue", sum(1) / reps);
            m.insert("agents_rostered", sum(5) / time);
            m.insert("agents_on_duty", sum(3) / time);
            m.insert("agents_on_break", sum(4) / time);
            m.insert("agents_busy", sum(2) / time);
            lines.insert(line.name.clone(), m);
        }
        for m in channels.values_mut().chain(lines.values_mut()) {
            for v in m.values_mut() {
                *v = tidy(*v);
            }
        }
        out.push(IntervalResult {
            weekday: crate::scenario::WEEKDAYS[slot / per_day],
            start: format!(
                "{:02}:{:02}",
                (minute / 60.0) as u32,
                (minute % 60.0) as u32
            ),
            channels,
            lines,
        });
    }
    out
}
