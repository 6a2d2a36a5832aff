//! Runs every scenario × replication in parallel and reduces the results in
//! a fixed order, so the output is the same whatever the number of threads.

use crate::error::{Error, Result};
use crate::model::{RunTally, run_replication};
use crate::scenario::Scenario;
use crate::stats::{Estimate, EstimateMap, RunKpis, aggregate, aggregate_groups};
use indexmap::IndexMap;
use rayon::prelude::*;
use serde::Serialize;

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
    /// True when some replication stopped because too many tickets were open:
    /// the averages then describe a system that does not keep up.
    pub unstable: bool,
    /// Scenario-wide KPIs: mean and 95% CI half-width.
    pub kpis: EstimateMap,
    /// Per line.
    pub lines: IndexMap<String, EstimateMap>,
    /// Per channel.
    pub channels: IndexMap<String, EstimateMap>,
    /// For every scenario but the first: the difference of each scenario-wide
    /// KPI to the first scenario (this minus base), with the 95% CI of the
    /// paired differences (replication k of both runs on the same random
    /// streams).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vs_base: Option<EstimateMap>,
    /// The KPIs of every replication, in replication order.
    #[serde(skip)]
    pub runs: Vec<RunKpis>,
    /// Mean handled contacts and busy hours per agent over replications,
    /// agents numbered line by line.
    #[serde(skip)]
    pub agents: Vec<AgentSummary>,
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
    /// Busy share of the measured window.
    pub occupancy: f64,
}

/// Runs every replication of every scenario on the current rayon pool.
/// `progress` is called once per finished replication, from any thread.
pub fn run(scenarios: &[Scenario], progress: &(dyn Fn() + Sync)) -> Results {
    let jobs: Vec<(usize, u64)> = scenarios
        .iter()
        .enumerate()
        .flat_map(|(s, sc)| (0..sc.replications as u64).map(move |r| (s, r)))
        .collect();
    // collect() keeps job order, whatever thread ran each job
    let tallies: Vec<RunTally> = jobs
        .par_iter()
        .map(|&(s, r)| {
            let t = run_replication(&scenarios[s], r);
            progress();
            t
        })
        .collect();
    let mut out: Vec<ScenarioResult> = Vec::with_capacity(scenarios.len());
    let mut at = 0;
    for sc in scenarios {
        let n = sc.replications as usize;
        let mut r = summarize(sc, &tallies[at..at + n]);
        if let Some(base) = out.first() {
            r.vs_base = Some(paired_differences(base, &r));
        }
        out.push(r);
        at += n;
    }
    Results { scenarios: out }
}

/// Differences of every scenario-wide KPI of `other` to `base`, paired by
/// replication (over the replications both have).
pub fn paired_differences(base: &ScenarioResult, other: &ScenarioResult) -> EstimateMap {
    let n = base.runs.len().min(other.runs.len());
    let mut out = EstimateMap::new();
    let Some(first) = other.runs.first() else { return out };
    for (i, (name, _)) in first.overall.iter().enumerate() {
        let diffs: Vec<f64> = (0..n)
            .map(|k| other.runs[k].overall[i].1 - base.runs[k].overall[i].1)
            .collect();
        out.insert((*name).to_string(), Estimate::from_samples(&diffs));
    }
    out
}

/// Runs on a pool of `threads` threads (all cores when `None`).
pub fn run_with_threads(
    scenarios: &[Scenario],
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
) -> Result<Results> {
    match threads {
        None => Ok(run(scenarios, progress)),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| Error::BadOption {
                    option: "--threads".into(),
                    message: e.to_string(),
                })?;
            Ok(pool.install(|| run(scenarios, progress)))
        }
    }
}

/// Reduces the tallies of one scenario's replications, in replication order.
pub fn summarize(sc: &Scenario, tallies: &[RunTally]) -> ScenarioResult {
    let kpis: Vec<RunKpis> = tallies.iter().map(|t| t.kpis(sc)).collect();
    let overall: Vec<_> = kpis.iter().map(|k| &k.overall).collect();
    let lines: Vec<_> = kpis.iter().map(|k| k.lines.as_slice()).collect();
    let channels: Vec<_> = kpis.iter().map(|k| k.channels.as_slice()).collect();
    let reps = tallies.len().max(1) as f64;
    let window_h = sc.window().as_secs_f64() / 3600.0;
    let mut agents = Vec::new();
    let mut i = 0;
    for line in &sc.lines {
        for a in 0..line.agents {
            let handled = tallies.iter().map(|t| t.agent_handled[i] as f64).sum::<f64>() / reps;
            let busy_hours = tallies.iter().map(|t| t.agent_busy[i]).sum::<f64>() / reps / 3600.0;
            agents.push(AgentSummary {
                line: line.name.clone(),
                agent: a + 1,
                handled,
                busy_hours,
                occupancy: if window_h > 0.0 { busy_hours / window_h } else { 0.0 },
            });
            i += 1;
        }
    }
    ScenarioResult {
        name: sc.name.clone(),
        replications: tallies.len() as u32,
        unstable: tallies.iter().any(|t| t.overflow),
        kpis: aggregate(&overall),
        lines: aggregate_groups(&lines),
        channels: aggregate_groups(&channels),
        vs_base: None,
        agents,
        runs: kpis,
    }
}
