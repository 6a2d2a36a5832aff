//! The staffing optimizer: the cheapest plan (agents per line and shift) that meets every target, each channel's on its own figures, found by simulation.
//!
//! Targets are judged by [`targets::judge`] with [`Rule::Confident`]: each
//! channel's own targets on that channel's figures, `[targets]` on the
//! desk's figures mixed over channels. Before searching, targets that no
//! staffing can meet are looked for ([`feasibility::check`]); when there
//! are any, the answer names them and no search is run.
//!
//! Every candidate plan runs on the same random streams (common random
//! numbers), so plans are compared on the same customers. A target counts as
//! met only when the whole 95% confidence interval is on the right side of
//! it (for a service level, the interval's lower end must reach the
//! target). The search starts from the smallest stable staffing of every
//! line, adds the agent that buys the most progress towards the targets per
//! unit of cost until every target is met, then removes agents, dearest
//! first, while the plan stays feasible.

use crate::analytic::ErlangC;
use crate::experiment::{self, ScenarioResult};
use crate::feasibility::{self, Unreachable, target_name};
use crate::kpi::{EstimateMap, Kpi, Unit};
use crate::scenario::{Scenario, capacity};
use crate::targets::{self, Direction, Judgement, Rule};
use indexmap::IndexMap;
use serde::Serialize;
use std::collections::HashMap;

/// Replications per plan while searching; the recommended plan is then
/// confirmed with the scenario's own replications.
pub const SEARCH_REPLICATIONS: u32 = 10;

/// One decision: the agents of a line, or of one of its shifts.
#[derive(Debug, Clone, Serialize)]
pub struct Variable {
    /// The line's index.
    #[serde(skip)]
    pub line: usize,
    /// The shift's index, for lines with shifts.
    #[serde(skip)]
    pub shift: Option<usize>,
    /// The scenario path of this number (`line.L1.shift.early.agents`).
    pub path: String,
}

/// How a plan fares against one target, judged with the whole 95%
/// confidence interval on the right side ([`Rule::Confident`]): each
/// channel's targets on its own figures, `[targets]` on the desk's mix.
#[derive(Debug, Clone, Serialize)]
pub struct TargetCheck {
    /// The target as the scenario names it: `channel.phone.service_level`,
    /// `channel.email.resolved_within`, `targets.abandon_rate_max`.
    pub name: String,
    /// The judgement: `scope` (`channel.<name>` or `desk`), `kpi`,
    /// `target`, `value` (the mean) and `met`, as in `run --format json`.
    #[serde(flatten)]
    pub judgement: Judgement,
    /// `>=` or `<=`.
    pub relation: &'static str,
    /// The unit of `target`, `value`, `bound` and `shortfall`: `share` (a
    /// fraction of 1) or `seconds`.
    pub unit: &'static str,
    /// The end of the 95% interval that must satisfy the target.
    pub bound: f64,
    /// How far the bound is on the wrong side of the target, in `unit`
    /// (positive: still missed by this much).
    pub shortfall: f64,
}

impl TargetCheck {
    /// The check of one judgement made with [`Rule::Confident`].
    pub fn of(judgement: Judgement) -> TargetCheck {
        let (relation, bound, shortfall) = match judgement.direction {
            Direction::AtLeast => {
                let b = judgement.value - judgement.ci95;
                (">=", b, judgement.target - b)
            }
            Direction::AtMost => {
                let b = judgement.value + judgement.ci95;
                ("<=", b, b - judgement.target)
            }
        };
        TargetCheck {
            name: target_name(&judgement.scope, judgement.kpi),
            unit: match judgement.kpi.unit() {
                Unit::Seconds => "seconds",
                _ => "share",
            },
            relation,
            bound,
            shortfall,
            judgement,
        }
    }

    /// The KPI judged.
    pub fn kpi(&self) -> Kpi {
        self.judgement.kpi
    }

    /// Whether the target is met with the whole interval on its side.
    pub fn met(&self) -> bool {
        self.judgement.met
    }

    /// Whether the target is missed (a channel without traffic is neither
    /// met nor missed: its figure is undefined).
    pub fn missed(&self) -> bool {
        self.judgement.missed()
    }

    /// The shortfall for people: `6.9 points`, `12 s`.
    pub fn shortfall_text(&self) -> String {
        if self.unit == "seconds" {
            self.kpi().show(self.shortfall.max(0.0), "")
        } else {
            format!("{:.1} points", self.shortfall.max(0.0) * 100.0)
        }
    }
}

/// Every target of `sc` judged on a plan's results with the whole 95%
/// interval on the right side: each channel's own, then the desk's.
pub fn check_plan(sc: &Scenario, r: &ScenarioResult) -> Vec<TargetCheck> {
    targets::judge(sc, &r.kpis, &r.channels, Rule::Confident)
        .into_iter()
        .map(TargetCheck::of)
        .collect()
}

/// What one more agent on a variable buys, from the recommended plan.
#[derive(Debug, Clone, Serialize)]
pub struct Marginal {
    /// The variable's path.
    pub path: String,
    /// Extra cost of the plan with one more agent there.
    pub cost: f64,
    /// Change of the desk's service level, mixed over channels (paired mean
    /// difference).
    pub service_level: f64,
    /// Change of the desk's mean wait, seconds.
    pub asa_seconds: f64,
    /// Per channel: the change of its own service level and ASA.
    pub channels: IndexMap<String, ChannelGain>,
}

/// What one more agent buys on one channel (paired mean differences).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ChannelGain {
    /// Change of the channel's service level (a share).
    pub service_level: f64,
    /// Change of the channel's mean wait, seconds.
    pub asa_seconds: f64,
}

/// Which limit stopped the search before every target was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// A line or shift reached `--max-agents`.
    MaxAgents,
    /// The search simulated as many plans as it may.
    MaxEvaluations,
}

/// The optimizer's answer when a plan was searched for.
#[derive(Debug, Clone, Serialize)]
pub struct OptimizeResult {
    /// Whether a plan meeting every target was found.
    pub feasible: bool,
    /// Targets no staffing can meet: always empty here (such a scenario
    /// gets an [`Infeasible`] answer instead), kept so that every answer
    /// has the key.
    pub infeasible: Vec<Unreachable>,
    /// The limit that stopped the search, when no plan meets every target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<Limit>,
    /// The most agents allowed on any one line or shift.
    pub max_agents: u32,
    /// The targets the recommended plan still misses, and by how much
    /// (`shortfall`, in `unit`); empty when feasible.
    pub missed: Vec<TargetCheck>,
    /// The recommended plan: per line `{"agents": n}` or `{"shifts": {name: n}}`.
    pub recommended: Recommended,
    /// The plan as a `[[variant]]` block to paste into the scenario.
    pub variant: String,
    /// The plan's KPIs (mean and 95% CI), mixed over channels.
    pub kpis: EstimateMap,
    /// The plan's KPIs per channel.
    pub channels: IndexMap<String, EstimateMap>,
    /// The plan's total cost (mean over replications).
    pub cost_total: f64,
    /// Each target and how the plan meets it: each channel's, then the desk's.
    pub targets: Vec<TargetCheck>,
    /// Problems of the recommended plan in plain words (overload, instability).
    pub warnings: Vec<String>,
    /// Erlang C's answer per line: agents needed on duty at the line's
    /// busiest load (see [`erlang_requirements`]).
    pub erlang: IndexMap<String, Option<u32>>,
    /// What one more agent on each variable buys.
    pub marginal: Vec<Marginal>,
    /// Plans simulated.
    pub evaluations: usize,
}

/// The optimizer's answer when some target cannot be met by any staffing:
/// no search was run.
#[derive(Debug, Clone, Serialize)]
pub struct Infeasible {
    /// Always false.
    pub feasible: bool,
    /// Each target out of reach, with its reason.
    pub infeasible: Vec<Unreachable>,
    /// Plans simulated: none.
    pub evaluations: usize,
}

/// What `optimize` answers: a plan, or the targets no plan can meet.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Outcome {
    /// The search ran: the cheapest plan found (feasible or not).
    Plan(Box<OptimizeResult>),
    /// Some target is out of reach of any staffing; no search was run.
    Infeasible(Infeasible),
}

impl Outcome {
    /// Whether a plan meeting every target was found.
    pub fn feasible(&self) -> bool {
        match self {
            Outcome::Plan(r) => r.feasible,
            Outcome::Infeasible(_) => false,
        }
    }

    /// The plan, when a search ran.
    pub fn plan(&self) -> Option<&OptimizeResult> {
        match self {
            Outcome::Plan(r) => Some(r),
            Outcome::Infeasible(_) => None,
        }
    }

    /// The targets no staffing can meet (empty when a search ran).
    pub fn unreachable(&self) -> &[Unreachable] {
        match self {
            Outcome::Plan(_) => &[],
            Outcome::Infeasible(i) => &i.infeasible,
        }
    }
}

/// The recommended staffing.
#[derive(Debug, Clone, Serialize)]
pub struct Recommended {
    /// Per line.
    pub lines: IndexMap<String, LinePlan>,
}

/// One line's staffing.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum LinePlan {
    /// Always-on agents.
    Agents {
        /// How many.
        agents: u32,
    },
    /// Agents per shift.
    Shifts {
        /// Per shift name.
        shifts: IndexMap<String, u32>,
    },
}

/// Search settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// Most agents on any one variable.
    pub max_agents: u32,
    /// Most plans to simulate.
    pub max_evaluations: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_agents: 500,
            max_evaluations: 400,
        }
    }
}

/// Why the optimizer cannot start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptimizeError {
    /// The scenario states no target to meet.
    #[error(
        "the scenario has no [targets] and no channel targets: add e.g. service_level = {{ answer_within = \"20s\", target = 0.80 }} or abandon_rate_max = 0.05 under a [[channel]], or service_level = 0.80 under [targets]"
    )]
    NoTargets,
    /// No line has agents to decide on.
    #[error("the scenario has no line with agents to staff")]
    NothingToStaff,
    /// Some targets cannot be met by any staffing (the answer, with the
    /// reasons, is printed before).
    #[error(
        "{0} target(s) cannot be met by any staffing (the reasons are above); no search was run"
    )]
    Infeasible(usize),
}

/// The decision variables of a scenario.
pub fn variables(sc: &Scenario) -> Vec<Variable> {
    let mut out = Vec::new();
    for (l, line) in sc.lines.iter().enumerate() {
        // a roster is staffing given interval by interval: not searched
        if line.external.is_some() || line.roster.is_some() {
            continue;
        }
        if line.shifts.is_empty() {
            out.push(Variable {
                line: l,
                shift: None,
                path: format!("line.{}.agents", line.name),
            });
        } else {
            for (s, shift) in line.shifts.iter().enumerate() {
                out.push(Variable {
                    line: l,
                    shift: Some(s),
                    path: format!("line.{}.shift.{}.agents", line.name, shift.name),
                });
            }
        }
    }
    out
}

/// The scenario with the plan's agent numbers written in.
pub fn apply(sc: &Scenario, vars: &[Variable], plan: &[u32]) -> Scenario {
    let mut out = sc.clone();
    for (v, &n) in vars.iter().zip(plan) {
        let line = &mut out.lines[v.line];
        match v.shift {
            Some(s) => {
                let shift = &mut line.shifts[s];
                shift.agents = n;
                // a shift's own reservation, never more than its agents
                shift.key_clients = shift.key_clients.map(|k| k.min(n));
            }
            None => line.agents = n,
        }
        // the line's reservation is spread over its shifts as they are now
        // (Line::key_clients_per_shift), never more than all its agents
        line.key_clients = line.key_clients.min(line.headcount());
    }
    out
}

fn current(sc: &Scenario, vars: &[Variable]) -> Vec<u32> {
    vars.iter()
        .map(|v| match v.shift {
            Some(s) => sc.lines[v.line].shifts[s].agents,
            None => sc.lines[v.line].agents,
        })
        .collect()
}

/// How far a plan is from meeting every target (0: all met), each
/// shortfall of the interval's bound relative to its target.
fn gap(checks: &[TargetCheck]) -> f64 {
    checks
        .iter()
        .filter(|c| c.missed())
        .map(|c| c.shortfall.max(0.0) / c.judgement.target.abs().max(1e-9) + 1e-6)
        .sum()
}

/// Erlang C's answer per line: the agents needed on duty to meet the
/// service-level target (or 80%) within the threshold of the line's first
/// live channel (or 20 s), at the line's busiest load — for a line taking
/// first contacts, the busiest minute of the week's arrival profile; for a
/// line fed by escalations, its weekly work spread over the hours it is
/// staffed. Breaks, shifts and abandonment are ignored: this is the number
/// a calculator would give.
pub fn erlang_requirements(sc: &Scenario) -> IndexMap<String, Option<u32>> {
    let load = capacity::offered_load(sc);
    let rates = sc.line_arrival_rates();
    let week = 7 * crate::scenario::MINUTES_PER_DAY as usize;
    let mut out = IndexMap::new();
    for (l, line) in sc.lines.iter().enumerate() {
        if line.external.is_some() {
            continue;
        }
        let first_live = sc.channels.iter().find(|c| c.line == l && c.live);
        let threshold = first_live.map_or(20.0, |c| c.answer_within.as_secs_f64());
        // the channel's own target, else the desk's, else 80%
        let target = first_live
            .and_then(|c| c.targets.service_level)
            .or(sc.targets.service_level)
            .unwrap_or(0.8);
        // how much busier than average the busiest time is
        let firsts: Vec<&crate::engine::PeriodicRate> = sc
            .arrivals
            .iter()
            .filter(|a| sc.channels[a.channel].line == l)
            .map(|a| &a.rate)
            .collect();
        let peak_factor = if !firsts.is_empty() {
            let at = |m: usize| -> f64 {
                firsts
                    .iter()
                    .map(|r| {
                        let slot_min = (r.slot().0 / 60_000_000).max(1) as usize;
                        r.rates()[(m / slot_min) % r.rates().len()]
                    })
                    .sum()
            };
            let mean = (0..week).map(at).sum::<f64>() / week as f64;
            let peak = (0..week).map(at).fold(0.0, f64::max);
            if mean > 0.0 { peak / mean } else { 1.0 }
        } else if line.shifts.is_empty() {
            1.0
        } else {
            let mut covered = vec![false; week];
            for m in line.shifts.iter().flat_map(|s| s.week_minutes()) {
                covered[m] = true;
            }
            let staffed = covered.iter().filter(|&&c| c).count();
            if staffed > 0 {
                week as f64 / staffed as f64
            } else {
                1.0
            }
        };
        let answer = (rates[l] > 0.0 && load[l] > 0.0).then(|| {
            let aht = load[l] / rates[l];
            let lambda = rates[l] * peak_factor;
            let mut c = (lambda * aht).floor() as u32 + 1;
            while c < 100_000 {
                if let Some(e) = ErlangC::new(lambda, aht, c)
                    && e.service_level(threshold) >= target
                {
                    return Some(c);
                }
                c += 1;
            }
            None
        });
        out.insert(line.name.clone(), answer.flatten());
    }
    out
}

struct Search<'a> {
    sc: &'a Scenario,
    /// The scenario as searched: at most `SEARCH_REPLICATIONS` replications.
    fast: Scenario,
    vars: Vec<Variable>,
    cache: HashMap<Vec<u32>, ScenarioResult>,
    progress: &'a (dyn Fn(usize) + Sync),
}

impl Search<'_> {
    fn eval(&mut self, plan: &[u32]) -> &ScenarioResult {
        if !self.cache.contains_key(plan) {
            let s = apply(&self.fast, &self.vars, plan);
            let mut r = experiment::run(std::slice::from_ref(&s), &|| {});
            self.cache.insert(plan.to_vec(), r.scenarios.remove(0));
            (self.progress)(self.cache.len());
        }
        &self.cache[plan]
    }

    fn cost(&mut self, plan: &[u32]) -> f64 {
        let r = self.eval(plan);
        let cost = r.kpis.get(&Kpi::CostTotal).map_or(0.0, |e| e.mean);
        if cost > 0.0 {
            cost
        } else {
            // no wages given: paid agent-hours stand in for cost
            r.lines
                .values()
                .map(|m| m.get(&Kpi::PaidHours).map_or(0.0, |e| e.mean))
                .sum()
        }
    }

    /// Distance from feasibility: target shortfalls, plus any line that
    /// cannot keep up on average (its tickets would never be resolved,
    /// which no target on resolved tickets sees), plus an unstable run.
    fn gap(&mut self, plan: &[u32]) -> f64 {
        let sc = self.sc;
        let planned = apply(sc, &self.vars, plan);
        let load = capacity::offered_load(&planned);
        let cap = capacity::capacity(&planned);
        let overload: f64 = load
            .iter()
            .zip(&cap)
            .filter(|(l, c)| **l > 0.0 && *l >= *c)
            .map(|(l, c)| (l - c) / l + 1e-6)
            .sum();
        let r = self.eval(plan);
        let unstable = if r.unstable { 1.0 } else { 0.0 };
        gap(&check_plan(sc, r)) + overload + unstable
    }
}

/// Finds the cheapest plan meeting every target: each channel's on its own
/// figures and the desk's, all with the 95% interval on the safe side.
/// First checks what no staffing can fix ([`feasibility::check`]): when
/// some target is out of reach, answers [`Outcome::Infeasible`] without
/// searching. `progress` is told the number of plans simulated so far.
pub fn optimize(
    sc: &Scenario,
    options: &Options,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Outcome, OptimizeError> {
    if !sc.has_targets() {
        return Err(OptimizeError::NoTargets);
    }
    let unreachable = feasibility::check(sc);
    if !unreachable.is_empty() {
        return Ok(Outcome::Infeasible(Infeasible {
            feasible: false,
            infeasible: unreachable,
            evaluations: 0,
        }));
    }
    let vars = variables(sc);
    if vars.is_empty() {
        return Err(OptimizeError::NothingToStaff);
    }
    let mut fast = sc.clone();
    fast.replications = fast.replications.min(SEARCH_REPLICATIONS);
    let mut search = Search {
        sc,
        fast,
        vars: vars.clone(),
        cache: HashMap::new(),
        progress,
    };

    // Start: the smallest staffing at which every line keeps up on average,
    // scaling a line's shifts together.
    let mut plan = current(sc, &vars);
    let load = capacity::offered_load(sc);
    for (l, &line_load) in load.iter().enumerate() {
        let idx: Vec<usize> = (0..vars.len()).filter(|&i| vars[i].line == l).collect();
        if idx.is_empty() {
            continue;
        }
        for i in &idx {
            plan[*i] = 1;
        }
        let cap_of = |plan: &[u32]| capacity::capacity(&apply(sc, &vars, plan))[l];
        while cap_of(&plan) < line_load && idx.iter().all(|&i| plan[i] < options.max_agents) {
            for &i in &idx {
                plan[i] += 1;
            }
        }
    }

    // Up: add the agent that buys the most progress per unit of cost.
    let mut g = search.gap(&plan);
    while g > 0.0 && search.cache.len() < options.max_evaluations {
        let base_cost = search.cost(&plan);
        let mut best: Option<(f64, usize)> = None;
        for i in 0..vars.len() {
            if plan[i] >= options.max_agents {
                continue;
            }
            let mut p = plan.clone();
            p[i] = (p[i] + step(p[i])).min(options.max_agents);
            let gain = g - search.gap(&p);
            let extra = (search.cost(&p) - base_cost).max(1e-9);
            let score = gain / extra;
            if best.is_none_or(|b| score > b.0) {
                best = Some((score, i));
            }
        }
        let Some((score, i)) = best else { break };
        if score <= 0.0 {
            // nothing helps on its own: grow the busiest line
            let cap = capacity::capacity(&apply(sc, &vars, &plan));
            let busiest = (0..vars.len())
                .filter(|&i| plan[i] < options.max_agents)
                .max_by(|&a, &b| {
                    let ra = load[vars[a].line] / cap[vars[a].line].max(1e-9);
                    let rb = load[vars[b].line] / cap[vars[b].line].max(1e-9);
                    ra.total_cmp(&rb)
                });
            match busiest {
                Some(j) => plan[j] += 1,
                None => break,
            }
        } else {
            plan[i] = (plan[i] + step(plan[i])).min(options.max_agents);
        }
        g = search.gap(&plan);
    }

    // Down: remove agents, dearest first, while every target holds; big
    // steps first, then single agents.
    if g == 0.0 {
        let mut d = plan.iter().map(|&n| step(n)).max().unwrap_or(1);
        while d > 0 && search.cache.len() < options.max_evaluations {
            let base_cost = search.cost(&plan);
            let mut best: Option<(f64, usize)> = None;
            for i in 0..vars.len() {
                if plan[i] < d {
                    continue;
                }
                let mut p = plan.clone();
                p[i] -= d;
                if search.gap(&p) == 0.0 {
                    let saving = base_cost - search.cost(&p);
                    if best.is_none_or(|b| saving > b.0) {
                        best = Some((saving, i));
                    }
                }
            }
            match best {
                Some((_, i)) => plan[i] -= d,
                None => d /= 2,
            }
        }
    }

    let feasible = search.gap(&plan) == 0.0;
    // among every plan simulated, the cheapest feasible one
    if feasible {
        let mut cheapest = plan.clone();
        let mut cheapest_cost = search.cost(&plan);
        let keys: Vec<Vec<u32>> = search.cache.keys().cloned().collect();
        for k in keys {
            if search.gap(&k) == 0.0 {
                let c = search.cost(&k);
                if c < cheapest_cost - 1e-9 || (c - cheapest_cost).abs() <= 1e-9 && k < cheapest {
                    cheapest = k;
                    cheapest_cost = c;
                }
            }
        }
        plan = cheapest;
    }

    // What one more agent buys on each variable: the plan and every plan
    // with one more agent side by side, replication k of each on the same
    // random streams, so each one's vs_base is its paired difference to
    // the plan (the results keep no replication's KPIs to pair afterwards)
    let base_cost = search.cost(&plan);
    let mut side_by_side = vec![apply(&search.fast, &vars, &plan)];
    let mut extras = Vec::new();
    for i in 0..vars.len() {
        let mut p = plan.clone();
        p[i] += 1;
        extras.push(search.cost(&p) - base_cost);
        side_by_side.push(apply(&search.fast, &vars, &p));
    }
    let paired = experiment::run(&side_by_side, &|| {});
    let mut marginal = Vec::new();
    for ((v, extra), more) in vars.iter().zip(extras).zip(&paired.scenarios[1..]) {
        let diff = more.vs_base.clone().unwrap_or_default();
        let channels = more
            .vs_base_channels
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|(name, d)| {
                let gain = ChannelGain {
                    service_level: d.get(&Kpi::ServiceLevel).map_or(0.0, |e| e.mean),
                    asa_seconds: d.get(&Kpi::AsaSeconds).map_or(0.0, |e| e.mean),
                };
                (name, gain)
            })
            .collect();
        marginal.push(Marginal {
            path: v.path.clone(),
            cost: extra,
            service_level: diff.get(&Kpi::ServiceLevel).map_or(0.0, |e| e.mean),
            asa_seconds: diff.get(&Kpi::AsaSeconds).map_or(0.0, |e| e.mean),
            channels,
        });
    }

    // the recommended plan with the scenario's own replications
    let result = {
        let s = apply(sc, &vars, &plan);
        experiment::run(std::slice::from_ref(&s), &|| {})
            .scenarios
            .remove(0)
    };
    let checks = check_plan(sc, &result);
    let feasible = feasible && !checks.iter().any(|c| c.missed());
    let limit = if feasible {
        None
    } else if plan.iter().any(|&n| n >= options.max_agents) {
        Some(Limit::MaxAgents)
    } else if search.cache.len() >= options.max_evaluations {
        Some(Limit::MaxEvaluations)
    } else {
        None
    };
    let missed = checks.iter().filter(|c| c.missed()).cloned().collect();
    let recommended = recommended(sc, &vars, &plan);
    let set: Vec<String> = vars
        .iter()
        .zip(&plan)
        .map(|(v, n)| format!("\"{}\" = {n}", v.path))
        .collect();
    let variant = format!(
        "[[variant]]\nname = \"optimized\"\nset = {{ {} }}\n",
        set.join(", ")
    );
    Ok(Outcome::Plan(Box::new(OptimizeResult {
        feasible,
        infeasible: Vec::new(),
        limit,
        max_agents: options.max_agents,
        missed,
        recommended,
        variant,
        cost_total: result.kpis.get(&Kpi::CostTotal).map_or(0.0, |e| e.mean),
        kpis: result.kpis,
        channels: result.channels,
        targets: checks,
        warnings: result.warnings,
        erlang: erlang_requirements(&apply(sc, &vars, &plan)),
        marginal,
        evaluations: search.cache.len(),
    })))
}

/// The step of the search for a variable at `n` agents: about an eighth of it.
fn step(n: u32) -> u32 {
    (n / 8).max(1)
}

fn recommended(sc: &Scenario, vars: &[Variable], plan: &[u32]) -> Recommended {
    let mut lines = IndexMap::new();
    for (v, &n) in vars.iter().zip(plan) {
        let name = sc.lines[v.line].name.clone();
        match v.shift {
            None => {
                lines.insert(name, LinePlan::Agents { agents: n });
            }
            Some(s) => {
                let entry = lines.entry(name).or_insert_with(|| LinePlan::Shifts {
                    shifts: IndexMap::new(),
                });
                if let LinePlan::Shifts { shifts } = entry {
                    shifts.insert(sc.lines[v.line].shifts[s].name.clone(), n);
                }
            }
        }
    }
    Recommended { lines }
}

/// The answer as text for people.
pub fn render_table(sc: &Scenario, outcome: &Outcome) -> String {
    match outcome {
        Outcome::Plan(r) => render_plan(sc, r),
        Outcome::Infeasible(i) => render_infeasible(i),
    }
}

fn render_infeasible(i: &Infeasible) -> String {
    let mut out =
        String::from("No staffing can meet these targets, so no plan was searched for:\n\n");
    for u in &i.infeasible {
        out.push_str(&format!("  {}: {}\n\n", u.target, u.reason));
    }
    out.push_str("Change the roster or the targets, then run optimize again.\n");
    out
}

fn render_plan(sc: &Scenario, r: &OptimizeResult) -> String {
    use crate::report::words;
    let cur = if sc.economics.currency.is_empty() {
        String::new()
    } else {
        format!(" {}", sc.economics.currency)
    };
    let mut out = String::new();
    if r.feasible {
        out.push_str(
            "Cheapest plan that meets every target (with the 95% CI on the safe side):\n\n",
        );
    } else {
        out.push_str("No plan within the limits meets every target");
        match r.limit {
            Some(Limit::MaxAgents) => out.push_str(&format!(
                ": the search stopped at --max-agents {} (agents on any one line or shift)",
                r.max_agents
            )),
            Some(Limit::MaxEvaluations) => out.push_str(&format!(
                ": the search stopped after {} plans simulated",
                r.evaluations
            )),
            None => {}
        }
        out.push_str(". The closest plan found:\n\n");
    }
    for (line, plan) in &r.recommended.lines {
        match plan {
            LinePlan::Agents { agents } => out.push_str(&format!("  {line}: {agents} agents\n")),
            LinePlan::Shifts { shifts } => {
                let s: Vec<String> = shifts.iter().map(|(k, v)| format!("{k} {v}")).collect();
                out.push_str(&format!("  {line}: {}\n", s.join(", ")));
            }
        }
    }
    out.push_str(&format!(
        "\n  cost_total: {:.2}{cur}\n\nTargets (the mean, and the end of its 95% interval that must meet the target):\n",
        r.cost_total
    ));
    for c in &r.targets {
        let j = &c.judgement;
        let status = if c.judgement.no_traffic {
            "no traffic".to_string()
        } else if c.met() {
            "met".to_string()
        } else {
            format!("NOT MET, short by {}", c.shortfall_text())
        };
        out.push_str(&format!(
            "  {}: {}: mean {}, 95% bound {} — {status}\n",
            words::subject(j),
            words::target(j),
            j.kpi.show(j.value, ""),
            j.kpi.show(c.bound, "")
        ));
    }
    if !r.missed.is_empty() {
        out.push_str("\nStill missed:\n");
        for c in &r.missed {
            out.push_str(&format!(
                "  {} ({}: {}): short by {}\n",
                c.name,
                words::subject(&c.judgement),
                words::target(&c.judgement),
                c.shortfall_text()
            ));
        }
    }
    if !r.channels.is_empty() {
        out.push_str("\nPer channel:\n");
        for (name, k) in &r.channels {
            let mut parts = Vec::new();
            for kpi in [
                Kpi::ServiceLevel,
                Kpi::AbandonRate,
                Kpi::AsaSeconds,
                Kpi::ResolvedWithinTarget,
            ] {
                if let Some(e) = k.get(&kpi) {
                    parts.push(format!("{} {}", kpi.label(), kpi.show(e.mean, "")));
                }
            }
            out.push_str(&format!("  {name}: {}\n", parts.join(", ")));
        }
    }
    for w in &r.warnings {
        out.push_str(&format!("\nwarning: {w}\n"));
    }
    out.push_str(
        "\nErlang C at the busiest load (agents on duty; no breaks, shifts or abandonment):\n",
    );
    for (line, n) in &r.erlang {
        match n {
            Some(n) => out.push_str(&format!("  {line}: {n}\n")),
            None => out.push_str(&format!("  {line}: no answer\n")),
        }
    }
    out.push_str("\nOne more agent:\n");
    for m in &r.marginal {
        out.push_str(&format!("  {}: +{:.2}{cur}", m.path, m.cost));
        if m.channels.is_empty() {
            out.push_str(&format!(
                ", service level {:+.2} pp, ASA {}\n",
                m.service_level * 100.0,
                signed_secs(m.asa_seconds)
            ));
        } else {
            let per: Vec<String> = m
                .channels
                .iter()
                .map(|(c, g)| {
                    format!(
                        "{c} service level {:+.2} pp, ASA {}",
                        g.service_level * 100.0,
                        signed_secs(g.asa_seconds)
                    )
                })
                .collect();
            out.push_str(&format!("; {}\n", per.join("; ")));
        }
    }
    out.push_str(&format!(
        "\n{} plans simulated. Paste into the scenario to compare it with the base:\n\n{}",
        r.evaluations, r.variant
    ));
    out
}

/// A change of a wait for people: `+2 s`, `−3.0 min`.
fn signed_secs(x: f64) -> String {
    let d = Kpi::AsaSeconds.show(x.abs(), "");
    if d == "0 s" {
        d
    } else if x < 0.0 {
        format!("−{d}")
    } else {
        format!("+{d}")
    }
}
