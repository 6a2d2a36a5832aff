//! Runs every scenario × replication in parallel and reduces the results in
//! a fixed order, so the output is the same whatever the number of threads.

use crate::error::{Error, Result};
use crate::model::{RunTally, run_replication};
use crate::scenario::Scenario;
use crate::stats::{EstimateMap, RunKpis, aggregate, aggregate_groups};
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
}

/// Runs every replication of every scenario on the current rayon pool.
pub fn run(scenarios: &[Scenario]) -> Results {
    let jobs: Vec<(usize, u64)> = scenarios
        .iter()
        .enumerate()
        .flat_map(|(s, sc)| (0..sc.replications as u64).map(move |r| (s, r)))
        .collect();
    // collect() keeps job order, whatever thread ran each job
    let tallies: Vec<RunTally> = jobs
        .par_iter()
        .map(|&(s, r)| run_replication(&scenarios[s], r))
        .collect();
    let mut out = Vec::with_capacity(scenarios.len());
    let mut at = 0;
    for sc in scenarios {
        let n = sc.replications as usize;
        out.push(summarize(sc, &tallies[at..at + n]));
        at += n;
    }
    Results { scenarios: out }
}

/// Runs on a pool of `threads` threads (all cores when `None`).
pub fn run_with_threads(scenarios: &[Scenario], threads: Option<usize>) -> Result<Results> {
    match threads {
        None => Ok(run(scenarios)),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| Error::BadOption {
                    option: "--threads".into(),
                    message: e.to_string(),
                })?;
            Ok(pool.install(|| run(scenarios)))
        }
    }
}

/// Reduces the tallies of one scenario's replications, in replication order.
pub fn summarize(sc: &Scenario, tallies: &[RunTally]) -> ScenarioResult {
    let kpis: Vec<RunKpis> = tallies.iter().map(|t| t.kpis(sc)).collect();
    let overall: Vec<_> = kpis.iter().map(|k| &k.overall).collect();
    let lines: Vec<_> = kpis.iter().map(|k| k.lines.as_slice()).collect();
    let channels: Vec<_> = kpis.iter().map(|k| k.channels.as_slice()).collect();
    ScenarioResult {
        name: sc.name.clone(),
        replications: tallies.len() as u32,
        unstable: tallies.iter().any(|t| t.overflow),
        kpis: aggregate(&overall),
        lines: aggregate_groups(&lines),
        channels: aggregate_groups(&channels),
    }
}
