//! Runs every scenario × replication in parallel and reduces the results in
//! a fixed order, so the output is the same whatever the number of threads.

use crate::error::{Error, Result};
use crate::kpi::{self, EstimateMap, Kpi, KpiValues, NO_TRAFFIC_KPIS, RunKpis, no_traffic};
use crate::model::{ChannelSlot, IntervalTally, LineSlot};
use crate::model::{ContactSink, RunTally, run_replication, run_replication_with};
use crate::scenario::Scenario;
use crate::stats::{Estimate, Moments, tidy};
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
    /// The calendar date of day 1, `YYYY-MM-DD`, when `simulation.start`
    /// is a date (left out of the JSON for a weekday start).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// The currency of every cost figure (`economics.currency`; left out of
    /// the JSON when the scenario names none).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub currency: String,
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
    /// Mean handled contacts and busy hours per agent over replications,
    /// agents numbered line by line.
    #[serde(skip)]
    pub agents: Vec<AgentSummary>,
}

/// Marks the [`NO_TRAFFIC_KPIS`] of `kpis` undefined (mean and interval NaN).
fn undefined_without_traffic(kpis: &mut EstimateMap) {
    for k in NO_TRAFFIC_KPIS {
        if let Some(e) = kpis.get_mut(&k) {
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
    /// The scenario-wide KPIs that mix them ([`kpi::MIXED`]).
    pub kpis: Vec<Kpi>,
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
            kpis: kpi::MIXED.to_vec(),
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
        let k = kpi::measure(sc, tally);
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
}

/// One interval of the average week.
#[derive(Debug, Clone, Serialize)]
pub struct IntervalResult {
    /// The interval's calendar date, `YYYY-MM-DD`, when the scenario starts
    /// on a date and the interval falls once in the measured window (a run
    /// of a week or less); left out otherwise (the average of several
    /// dates, or a weekday start).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Weekday of the interval (`mon` .. `sun`).
    pub weekday: &'static str,
    /// Clock time of its start, `HH:MM`.
    pub start: String,
    /// Per channel: `offered`, `answered`, `abandoned` (mean per occurrence
    /// of this interval), `service_level` (contacts arriving in the interval
    /// answered in time / offered in it; absent when none arrived) and
    /// `asa_seconds` (of the answers given in it; absent when none was
    /// given), over all occurrences and replications.
    pub channels: IndexMap<String, IndexMap<Kpi, f64>>,
    /// Per line: `mean_queue`, `max_queue` (largest in a run, mean over
    /// runs), `agents_rostered`, `agents_on_duty`, `agents_on_break`,
    /// `agents_busy` (time averages).
    pub lines: IndexMap<String, IndexMap<Kpi, f64>>,
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
///
/// Replications run in batches of a few per thread, replication by
/// replication across the scenarios (replication 0 of each, then 1, ...);
/// each batch is folded into the scenarios' sums in that fixed order before
/// the next one starts, so memory does not grow with the number of
/// replications and the results do not depend on the number of threads.
pub fn run(scenarios: &[Scenario], progress: &(dyn Fn() + Sync)) -> Results {
    match run_logged(scenarios, progress, &mut NoLog) {
        Ok(results) => results,
        Err(never) => match never {},
    }
}

/// Where the per-contact records of chosen replications go (the event
/// log): each logged replication writes its own part on the thread that
/// runs it, and the parts are handed back in run order.
pub trait ContactLog: Sync {
    /// One replication's records, written as it runs.
    type Part: ContactSink + Send;
    /// Why a part could not be made or added.
    type Error: Send;
    /// True when replication `replication` (from 0) of scenario `scenario`
    /// (index in the expanded file) is logged.
    fn wants(&self, scenario: usize, replication: u64) -> bool;
    /// A new part for that replication (called on any thread).
    fn part(
        &self,
        sc: &Scenario,
        scenario: usize,
        replication: u64,
    ) -> std::result::Result<Self::Part, Self::Error>;
    /// Adds a finished part, in run order: replication by replication,
    /// scenario by scenario within one (called on the caller's thread).
    fn append(&mut self, part: Self::Part) -> std::result::Result<(), Self::Error>;
}

/// No event log.
struct NoLog;

/// A part of [`NoLog`], never made.
enum NoPart {}

impl ContactSink for NoPart {
    fn contact(&mut self, _: &crate::model::Contact) -> bool {
        match *self {}
    }
}

impl ContactLog for NoLog {
    type Part = NoPart;
    type Error = std::convert::Infallible;
    fn wants(&self, _: usize, _: u64) -> bool {
        false
    }
    fn part(&self, _: &Scenario, _: usize, _: u64) -> std::result::Result<NoPart, Self::Error> {
        unreachable!("NoLog wants no replication")
    }
    fn append(&mut self, part: NoPart) -> std::result::Result<(), Self::Error> {
        match part {}
    }
}

/// A finished job of [`run_logged`]: its record, and its part of the log.
type Job<L> =
    std::result::Result<(Record, Option<<L as ContactLog>::Part>), <L as ContactLog>::Error>;

/// Runs like [`run`] and writes the contacts of the replications `log`
/// wants into it: each such replication into its own part as it runs, the
/// parts appended in run order (replication by replication, scenario by
/// scenario within one), so the log is the same whatever the number of
/// threads. The results are exactly those of [`run`].
///
/// While logging, batches hold at most two replications per thread, so
/// at most that many parts wait to be appended.
pub fn run_logged<L: ContactLog>(
    scenarios: &[Scenario],
    progress: &(dyn Fn() + Sync),
    log: &mut L,
) -> std::result::Result<Results, L::Error> {
    let threads = rayon::current_num_threads();
    let logging = replication_order(scenarios).any(|(s, r)| log.wants(s, r));
    let batch = if logging {
        (threads * 2).max(2)
    } else {
        (threads * 8).max(32)
    };
    let mut fold = Fold::new(scenarios);
    let mut order = replication_order(scenarios).peekable();
    let mut next: Vec<(usize, u64)> = Vec::with_capacity(batch);
    while order.peek().is_some() {
        next.clear();
        next.extend(order.by_ref().take(batch));
        let shared: &L = log;
        // collect() keeps job order, whatever thread ran each job
        let done: Vec<Job<L>> = next
            .par_iter()
            .map(|&(s, r)| {
                let sc = &scenarios[s];
                let (t, part) = if shared.wants(s, r) {
                    let mut part = shared.part(sc, s, r)?;
                    (run_replication_with(sc, r, &mut part), Some(part))
                } else {
                    (run_replication(sc, r), None)
                };
                progress();
                Ok((Record::new(sc, s, r, &t), part))
            })
            .collect();
        for job in done {
            let (rec, part) = job?;
            fold.push(&rec);
            if let Some(part) = part {
                log.append(part)?;
            }
        }
    }
    Ok(fold.finish())
}

/// Every (scenario, replication) of a run, replication by replication:
/// replication 0 of every scenario, then replication 1, and so on, so that
/// each variant's replication comes right after the base's it is paired
/// with. Within one scenario, replications come in order.
fn replication_order(scenarios: &[Scenario]) -> impl Iterator<Item = (usize, u64)> + '_ {
    let most = scenarios.iter().map(|s| s.replications).max().unwrap_or(0) as u64;
    (0..most).flat_map(move |r| {
        scenarios
            .iter()
            .enumerate()
            .filter(move |(_, sc)| r < sc.replications as u64)
            .map(move |(s, _)| (s, r))
    })
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
/// order; each (scenario, replication) exactly once), folded in the order
/// [`run`] folds them, so that they are exactly the unsharded results.
pub fn assemble(scenarios: &[Scenario], records: &[Record]) -> Results {
    let mut order: Vec<&Record> = records.iter().collect();
    order.sort_by_key(|r| (r.replication, r.scenario));
    let mut fold = Fold::new(scenarios);
    for rec in order {
        fold.push(rec);
    }
    fold.finish()
}

/// Differences of every scenario-wide KPI of `other` to `base`, paired by
/// replication (tallies in replication order, over the replications both
/// have): the `vs_base` of `other` run beside `base`.
pub fn paired_differences(
    base_sc: &Scenario,
    base: &[RunTally],
    other_sc: &Scenario,
    other: &[RunTally],
) -> EstimateMap {
    let pair = [base_sc.clone(), other_sc.clone()];
    let mut fold = Fold::new(&pair);
    for k in 0..base.len().max(other.len()) {
        for (s, tallies) in [base, other].into_iter().enumerate() {
            if let Some(t) = tallies.get(k) {
                fold.push(&Record::new(&pair[s], s, k as u64, t));
            }
        }
    }
    fold.finish().scenarios[1]
        .vs_base
        .take()
        .unwrap_or_default()
}

/// How a variant's KPIs pair with the base's: scenario-wide KPIs by
/// position, channels by name and their KPIs by name (a channel the base
/// lacks has no difference).
#[derive(Debug, Default)]
struct Pairing {
    /// Per channel of the variant: the base's channel and, per KPI, the
    /// base's KPI.
    channels: Vec<Option<(usize, Vec<Option<usize>>)>>,
}

impl Pairing {
    fn new(base: &RunKpis, other: &RunKpis) -> Pairing {
        Pairing {
            channels: other
                .channels
                .iter()
                .map(|(name, kpis)| {
                    let bc = base.channels.iter().position(|b| &b.0 == name)?;
                    let bk = &base.channels[bc].1;
                    Some((
                        bc,
                        kpis.iter()
                            .map(|(kpi, _)| bk.iter().position(|b| b.0 == *kpi))
                            .collect(),
                    ))
                })
                .collect(),
        }
    }
}

/// Paired differences to the base (this minus base), folded in
/// replication order: scenario-wide and per channel.
#[derive(Debug, Default)]
struct Paired {
    overall: Vec<Moments>,
    channels: Vec<Vec<Moments>>,
}

impl Paired {
    fn new(pairing: &Pairing) -> Paired {
        Paired {
            overall: Vec::new(),
            channels: pairing
                .channels
                .iter()
                .map(|c| {
                    c.as_ref()
                        .map_or_else(Vec::new, |(_, k)| moments_for(k.len()))
                })
                .collect(),
        }
    }

    /// Adds replication k of the variant (`other`), paired with the base's
    /// scenario-wide and per-channel values of the same replication.
    fn push(
        &mut self,
        pairing: &Pairing,
        base: &[f64],
        base_channels: &[Vec<f64>],
        other: &Record,
    ) {
        if self.overall.len() < other.overall.len() {
            self.overall.resize(other.overall.len(), Moments::default());
        }
        for (m, (o, b)) in self.overall.iter_mut().zip(other.overall.iter().zip(base)) {
            m.push(o - b);
        }
        for ((ms, map), vals) in self
            .channels
            .iter_mut()
            .zip(&pairing.channels)
            .zip(&other.channels)
        {
            let Some((bc, kpis)) = map else { continue };
            let Some(bvals) = base_channels.get(*bc) else {
                continue;
            };
            for ((m, bi), o) in ms.iter_mut().zip(kpis).zip(vals) {
                if let Some(b) = bi.and_then(|bi| bvals.get(bi)) {
                    m.push(o - b);
                }
            }
        }
    }

    fn overall_estimates(&self, names: &KpiValues) -> EstimateMap {
        names
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                let m = self.overall.get(i).copied().unwrap_or_default();
                (*name, m.estimate())
            })
            .collect()
    }

    fn channel_estimates(
        &self,
        pairing: &Pairing,
        names: &[(String, KpiValues)],
    ) -> IndexMap<String, EstimateMap> {
        let mut out = IndexMap::new();
        for (((name, kpis), map), ms) in names.iter().zip(&pairing.channels).zip(&self.channels) {
            let Some((_, bk)) = map else { continue };
            let m = kpis
                .iter()
                .zip(bk)
                .zip(ms)
                .filter(|((_, bi), _)| bi.is_some())
                .map(|(((kpi, _), _), m)| (*kpi, m.estimate()))
                .collect();
            out.insert(name.clone(), m);
        }
        out
    }
}

/// The base's scenario-wide and per-channel KPI values of one replication,
/// kept until the variants' of the same replication are paired with them.
struct BaseReplication {
    replication: u64,
    overall: Vec<f64>,
    channels: Vec<Vec<f64>>,
}

/// The scenarios' sums, fed records replication by replication (see
/// [`replication_order`]).
struct Fold<'a> {
    scenarios: &'a [Scenario],
    sums: Vec<Summary>,
    pairings: Vec<Pairing>,
    base: Option<BaseReplication>,
}

impl<'a> Fold<'a> {
    fn new(scenarios: &'a [Scenario]) -> Self {
        let sums: Vec<Summary> = scenarios.iter().map(Summary::new).collect();
        let pairings = match sums.first() {
            Some(base) => sums
                .iter()
                .map(|s| Pairing::new(&base.template, &s.template))
                .collect(),
            None => Vec::new(),
        };
        let sums = sums
            .into_iter()
            .zip(&pairings)
            .map(|(mut s, p)| {
                s.vs_base = Paired::new(p);
                s
            })
            .collect();
        Fold {
            scenarios,
            sums,
            pairings,
            base: None,
        }
    }

    /// Adds one record: every scenario's replications must come in
    /// replication order, and the base's before the variants' of the same
    /// replication.
    fn push(&mut self, rec: &Record) {
        let Some(sum) = self.sums.get_mut(rec.scenario) else {
            return;
        };
        if rec.scenario == 0 {
            self.base = Some(BaseReplication {
                replication: rec.replication,
                overall: rec.overall.clone(),
                channels: rec.channels.clone(),
            });
        } else if let Some(b) = &self.base
            && b.replication == rec.replication
        {
            sum.vs_base
                .push(&self.pairings[rec.scenario], &b.overall, &b.channels, rec);
        }
        sum.push(rec);
    }

    fn finish(self) -> Results {
        let mut sums = self.scenarios.iter().zip(self.sums).zip(&self.pairings);
        let Some(((sc, sum), _)) = sums.next() else {
            return Results {
                scenarios: Vec::new(),
            };
        };
        let base = sum.finish(sc, None);
        let variants: Vec<ScenarioResult> = sums
            .map(|((sc, sum), pairing)| sum.finish(sc, Some((pairing, &base))))
            .collect();
        let mut scenarios = vec![base];
        scenarios.extend(variants);
        Results { scenarios }
    }
}

/// One scenario's replications folded in replication order: moments of
/// every KPI, per-agent and per-interval sums, paired differences to the
/// base. Its size depends on the scenario's shape, not on the number of
/// replications.
struct Summary {
    template: RunKpis,
    n: u32,
    stopped: u32,
    overall: Vec<Moments>,
    lines: Vec<Vec<Moments>>,
    channels: Vec<Vec<Moments>>,
    types: Vec<Vec<Moments>>,
    agent_handled: Vec<f64>,
    agent_busy: Vec<f64>,
    agent_available: Vec<f64>,
    intervals: Option<IntervalSums>,
    vs_base: Paired,
}

/// Per-interval counters summed over replications, in replication order.
struct IntervalSums {
    slots: usize,
    occurrences: Vec<f64>,
    channels: Vec<Vec<ChannelSlot>>,
    lines: Vec<Vec<LineSlot>>,
}

fn moments_for(n: usize) -> Vec<Moments> {
    vec![Moments::default(); n]
}

fn push_all(ms: &mut [Moments], xs: &[f64]) {
    for (m, &x) in ms.iter_mut().zip(xs) {
        m.push(x);
    }
}

/// Adds `xs` to the sums `s`, element by element.
fn add<'x>(s: &mut [f64], xs: impl IntoIterator<Item = &'x f64>) {
    for (p, q) in s.iter_mut().zip(xs) {
        *p += q;
    }
}

fn estimates(names: &KpiValues, ms: &[Moments]) -> EstimateMap {
    names
        .iter()
        .zip(ms)
        .map(|((name, _), m)| (*name, m.estimate()))
        .collect()
}

fn group_estimates(
    names: &[(String, KpiValues)],
    ms: &[Vec<Moments>],
) -> IndexMap<String, EstimateMap> {
    names
        .iter()
        .zip(ms)
        .map(|((name, kpis), m)| (name.clone(), estimates(kpis, m)))
        .collect()
}

impl Summary {
    /// The names of `sc`'s KPIs, in the order of a [`Record`]'s values.
    fn template(sc: &Scenario) -> RunKpis {
        kpi::measure(sc, &RunTally::new(sc))
    }

    fn new(sc: &Scenario) -> Self {
        let template = Summary::template(sc);
        let agents: usize = sc.lines.iter().map(|l| l.headcount() as usize).sum();
        // the sums start where `Iterator::sum` of f64 starts
        Summary {
            n: 0,
            stopped: 0,
            overall: moments_for(template.overall.len()),
            lines: template
                .lines
                .iter()
                .map(|g| moments_for(g.1.len()))
                .collect(),
            channels: template
                .channels
                .iter()
                .map(|g| moments_for(g.1.len()))
                .collect(),
            types: template
                .types
                .iter()
                .map(|g| moments_for(g.1.len()))
                .collect(),
            agent_handled: vec![-0.0; agents],
            agent_busy: vec![-0.0; agents],
            agent_available: vec![-0.0; agents],
            intervals: None,
            vs_base: Paired::default(),
            template,
        }
    }

    fn push(&mut self, rec: &Record) {
        self.n += 1;
        if rec.overflow {
            self.stopped += 1;
        }
        push_all(&mut self.overall, &rec.overall);
        for (ms, xs) in self.lines.iter_mut().zip(&rec.lines) {
            push_all(ms, xs);
        }
        for (ms, xs) in self.channels.iter_mut().zip(&rec.channels) {
            push_all(ms, xs);
        }
        for (ms, xs) in self.types.iter_mut().zip(&rec.types) {
            push_all(ms, xs);
        }
        for (s, &x) in self.agent_handled.iter_mut().zip(&rec.agent_handled) {
            *s += x as f64;
        }
        add(&mut self.agent_busy, &rec.agent_busy);
        // a record without available time (an older shard) counts 0
        add(&mut self.agent_available, &rec.agent_available);
        let iv = &rec.intervals;
        let sums = self.intervals.get_or_insert_with(|| IntervalSums {
            slots: iv.slots,
            occurrences: vec![-0.0; iv.slots],
            channels: vec![vec![ChannelSlot::sum_start(); iv.slots]; iv.channels.len()],
            lines: vec![vec![LineSlot::sum_start(); iv.slots]; iv.lines.len()],
        });
        for (s, &x) in sums.occurrences.iter_mut().zip(&iv.occurrences) {
            *s += x as f64;
        }
        for (s, x) in sums.channels.iter_mut().zip(&iv.channels) {
            for (a, b) in s.iter_mut().zip(x) {
                a.add(b);
            }
        }
        for (s, x) in sums.lines.iter_mut().zip(&iv.lines) {
            for (a, b) in s.iter_mut().zip(x) {
                a.add(b);
            }
        }
    }

    /// The scenario's results; for a variant, how it pairs with the base
    /// and the base's results; `None` for the base.
    fn finish(self, sc: &Scenario, base: Option<(&Pairing, &ScenarioResult)>) -> ScenarioResult {
        let reps = self.n.max(1) as f64;
        let mut agents = Vec::new();
        let mut i = 0;
        for line in &sc.lines {
            for a in 0..line.headcount() {
                let busy = self.agent_busy[i];
                let available = self.agent_available[i];
                agents.push(AgentSummary {
                    line: line.name.clone(),
                    agent: a + 1,
                    handled: tidy(self.agent_handled[i] / reps),
                    busy_hours: tidy(busy / reps / 3600.0),
                    available_hours: tidy(available / reps / 3600.0),
                    occupancy: tidy(crate::stats::ratio(busy, available)),
                });
                i += 1;
            }
        }
        let overloads = crate::scenario::capacity::overloads(sc);
        let overflow = self.stopped > 0;
        let mut warnings: Vec<String> = overloads.iter().map(|o| o.to_string()).collect();
        warnings.extend(sc.lines.iter().filter_map(|l| l.key_clients_warning()));
        if overflow {
            warnings.push(format!(
                "{} of {} replications stopped early: more than {} tickets were open at once \
                 (simulation.max_in_system); the plan does not keep up with demand and the averages \
                 understate the queue",
                self.stopped, self.n, sc.max_in_system
            ));
        }
        let t = &self.template;
        let any = self.n > 0;
        let (mut kpis, lines, mut channels, ticket_types) = if any {
            (
                estimates(&t.overall, &self.overall),
                group_estimates(&t.lines, &self.lines),
                group_estimates(&t.channels, &self.channels),
                group_estimates(&t.types, &self.types),
            )
        } else {
            Default::default()
        };
        // no contact, no service level: undefined rather than 0
        if no_traffic(&kpis) {
            undefined_without_traffic(&mut kpis);
        }
        for m in channels.values_mut() {
            if no_traffic(m) {
                undefined_without_traffic(m);
            }
        }
        let (vs_base, vs_base_channels) = match base {
            None => (None, None),
            Some(_) if !any => (Some(EstimateMap::new()), Some(IndexMap::new())),
            Some((p, base)) => {
                let mut overall = self.vs_base.overall_estimates(&t.overall);
                if no_traffic(&base.kpis) || no_traffic(&kpis) {
                    undefined_without_traffic(&mut overall);
                }
                let mut per_channel = self.vs_base.channel_estimates(p, &t.channels);
                for (name, m) in per_channel.iter_mut() {
                    if [&base.channels, &channels]
                        .iter()
                        .any(|c| c.get(name).is_some_and(no_traffic))
                    {
                        undefined_without_traffic(m);
                    }
                }
                (Some(overall), Some(per_channel))
            }
        };
        ScenarioResult {
            name: sc.name.clone(),
            replications: self.n,
            start_date: sc.start_date.map(|d| d.to_string()),
            currency: sc.economics.currency.clone(),
            unstable: overflow || overloads.iter().any(|o| o.unbounded),
            warnings,
            targets: judge(sc, &kpis, &channels, Rule::Mean),
            mixed: Mixed::of(sc),
            kpis,
            lines,
            channels,
            ticket_types,
            intervals: self
                .intervals
                .as_ref()
                .map_or_else(Vec::new, |s| intervals(sc, s, self.n as f64)),
            vs_base,
            vs_base_channels,
            agents,
        }
    }
}

/// Runs like [`run_logged`] on a pool of `threads` threads (all cores
/// when `None`).
pub fn run_logged_with_threads<L: ContactLog + Send>(
    scenarios: &[Scenario],
    threads: Option<usize>,
    progress: &(dyn Fn() + Sync),
    log: &mut L,
) -> Result<std::result::Result<Results, L::Error>> {
    on_threads(threads, || run_logged(scenarios, progress, log))
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
        Some(0) => Err(Error::BadSetting {
            setting: "threads".into(),
            message: "must be at least 1".into(),
        }),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| Error::BadSetting {
                    setting: "threads".into(),
                    message: e.to_string(),
                })?;
            Ok(pool.install(f))
        }
    }
}

/// Reduces the tallies of one scenario's replications, in replication order.
pub fn summarize(sc: &Scenario, tallies: &[RunTally]) -> ScenarioResult {
    let mut sum = Summary::new(sc);
    for (r, t) in tallies.iter().enumerate() {
        sum.push(&Record::new(sc, 0, r as u64, t));
    }
    sum.finish(sc, None)
}

/// The average week over every replication: counts per occurrence of each
/// interval, shares and means over all of them.
fn intervals(sc: &Scenario, sums: &IntervalSums, reps: f64) -> Vec<IntervalResult> {
    let slots = sums.slots;
    let per_day = slots / 7;
    let step = sc.interval.as_secs_f64();
    let mut out = Vec::new();
    for slot in 0..slots {
        let occ: f64 = sums.occurrences[slot];
        if occ == 0.0 {
            continue;
        }
        let minute = (slot % per_day) as f64 * step / 60.0;
        let mut channels = IndexMap::new();
        for (c, ch) in sc.channels.iter().enumerate() {
            let ChannelSlot {
                offered,
                answered,
                abandoned,
                answered_in_time: in_time,
                wait_sum: wait,
            } = sums.channels[c][slot];
            let mut m = IndexMap::new();
            m.insert(Kpi::Offered, offered / occ);
            m.insert(Kpi::Answered, answered / occ);
            m.insert(Kpi::Abandoned, abandoned / occ);
            // no contact, no service level (and no answer, no ASA): left
            // out rather than shown as 0
            if offered > 0.0 {
                m.insert(Kpi::ServiceLevel, in_time / offered);
            }
            if answered > 0.0 {
                m.insert(Kpi::AsaSeconds, wait / answered);
            }
            channels.insert(ch.name.clone(), m);
        }
        let mut lines = IndexMap::new();
        for (l, line) in sc.lines.iter().enumerate() {
            let sum = &sums.lines[l][slot];
            let time = occ * step;
            let mut m = IndexMap::new();
            m.insert(Kpi::MeanQueue, sum.queue_area / time);
            m.insert(Kpi::MaxQueue, sum.max_queue / reps);
            m.insert(Kpi::AgentsRostered, sum.rostered_area / time);
            m.insert(Kpi::AgentsOnDuty, sum.on_duty_area / time);
            m.insert(Kpi::AgentsOnBreak, sum.on_break_area / time);
            m.insert(Kpi::AgentsBusy, sum.busy_area / time);
            lines.insert(line.name.clone(), m);
        }
        for m in channels.values_mut().chain(lines.values_mut()) {
            for v in m.values_mut() {
                *v = tidy(*v);
            }
        }
        // the one date of an interval met once per replication
        let date = sc.start_date.filter(|_| occ == reps).and_then(|_| {
            let week = 7 * 86_400_000_000u64;
            let at = (slot as u64 * sc.interval.0 + week
                - u64::from(sc.start_weekday % 7) * 86_400_000_000)
                % week;
            let skip = sc.warmup.0.saturating_sub(at).div_ceil(week);
            let t = at + skip * week;
            (t < sc.horizon.0).then(|| sc.datetime_at(t as f64 / 1e6).date().to_string())
        });
        out.push(IntervalResult {
            date,
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
