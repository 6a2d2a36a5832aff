//! A plain-text table for people: one row per KPI, one column per scenario.

use super::Exporter;
use super::words;
use crate::experiment::{Results, ScenarioResult};
use crate::kpi::{EstimateMap, Kpi, Unit};
use crate::targets::Judgement;

/// The terminal table printed by `staffsim run`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Table;

/// The KPIs of the headline block: shown overall and for every channel.
const HEADLINE: [Kpi; 6] = [
    Kpi::ServiceLevel,
    Kpi::AbandonRate,
    Kpi::AsaSeconds,
    Kpi::WaitP50Seconds,
    Kpi::WaitP90Seconds,
    Kpi::WaitP99Seconds,
];

/// Line KPIs that mean nothing for an outside vendor (no agents, no queue).
const VENDOR_NA: [Kpi; 18] = [
    Kpi::CostWages,
    Kpi::CostOverhead,
    Kpi::CostTraining,
    Kpi::CostOvertime,
    Kpi::AsaSeconds,
    Kpi::AhtSeconds,
    Kpi::TalkSeconds,
    Kpi::WrapUpSeconds,
    Kpi::ShrinkageHours,
    Kpi::Occupancy,
    Kpi::TicketsPerAgentDay,
    Kpi::LoadBalanceCv,
    Kpi::Agents,
    Kpi::PaidHours,
    Kpi::OnDutyHours,
    Kpi::BreakHours,
    Kpi::OvertimeHours,
    Kpi::AbsentDays,
];

/// True when a scenario's figures have a confidence interval (two or more replications).
fn has_ci(s: &ScenarioResult) -> bool {
    s.replications >= 2
}

/// A KPI's name with its unit: `(%)` for a share, the currency for a
/// cost (`cost_total (EUR)`).
fn label(kpi: Kpi, currency: &str) -> String {
    match kpi.unit() {
        Unit::Share => format!("{kpi} (%)"),
        Unit::Money if !currency.is_empty() => format!("{kpi} ({currency})"),
        _ => kpi.to_string(),
    }
}

struct Grid {
    rows: Vec<Vec<String>>,
    /// The currency shown beside cost KPIs.
    currency: String,
}

impl Grid {
    fn section(&mut self, title: &str, ncols: usize) {
        let mut r = vec![title.to_string()];
        r.resize(ncols + 1, String::new());
        self.rows.push(r);
    }

    /// One row per KPI of the first map, except those in `skip`; a cell per
    /// scenario (`ci`: whether it has an interval).
    fn kpis(&mut self, indent: &str, maps: &[Option<&EstimateMap>], ci: &[bool], skip: &[Kpi]) {
        let Some(first) = maps.iter().flatten().next() else {
            return;
        };
        for &kpi in first.keys().filter(|k| !skip.contains(k)) {
            self.row(
                format!("{indent}{}", label(kpi, &self.currency)),
                kpi,
                maps,
                ci,
            );
        }
    }

    /// One KPI's row, labelled `title`.
    fn row(&mut self, title: String, kpi: Kpi, maps: &[Option<&EstimateMap>], ci: &[bool]) {
        let mut r = vec![title];
        for (m, ci) in maps.iter().zip(ci) {
            r.push(
                m.and_then(|m| m.get(&kpi))
                    .map(|e| kpi.unit().figure(e, *ci))
                    .unwrap_or_default(),
            );
        }
        self.rows.push(r);
    }

    fn render(&self) -> String {
        // names escaped before measuring: no control character reaches a terminal
        let rows: Vec<Vec<std::borrow::Cow<str>>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(|c| super::terminal::printable(c)).collect())
            .collect();
        let ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![0; ncols];
        for r in &rows {
            for (i, c) in r.iter().enumerate() {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
        let mut out = String::new();
        for r in &rows {
            let mut line = String::new();
            for (i, c) in r.iter().enumerate() {
                let pad = widths[i] - c.chars().count();
                if i == 0 {
                    line.push_str(c);
                    line.push_str(&" ".repeat(pad));
                } else {
                    line.push_str("  ");
                    line.push_str(&" ".repeat(pad));
                    line.push_str(c);
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// The KPIs shown when there are too many scenarios for one column each.
const COMPACT: [Kpi; 7] = [
    Kpi::Offered,
    Kpi::ServiceLevel,
    Kpi::AbandonRate,
    Kpi::AsaSeconds,
    Kpi::Occupancy,
    Kpi::Fcr,
    Kpi::BacklogEnd,
];

/// A scenario's targets in one cell: `met`, or what is missed.
fn targets_cell(s: &ScenarioResult) -> String {
    let names = |keep: fn(&Judgement) -> bool| -> Vec<String> {
        s.targets
            .iter()
            .filter(|j| keep(j))
            .map(|j| format!("{} {}", words::subject(j), j.kpi.label()))
            .collect()
    };
    let (missed, idle) = (names(Judgement::missed), names(|j| j.no_traffic));
    let mut parts = Vec::new();
    if !missed.is_empty() {
        parts.push(format!("missed: {}", missed.join(", ")));
    } else if idle.len() < s.targets.len() {
        parts.push("all met".to_string());
    }
    if !idle.is_empty() {
        parts.push(format!("no traffic: {}", idle.join(", ")));
    }
    parts.join("; ")
}

/// One row per scenario, a few KPIs as columns: for sweeps and long lists.
fn compact(results: &Results) -> String {
    let cur = results
        .scenarios
        .first()
        .map_or("", |s| s.currency.as_str());
    let mut grid = Grid {
        rows: Vec::new(),
        currency: cur.to_string(),
    };
    let mut head = vec!["scenario (mean ± 95% CI)".to_string()];
    let mixed = results.scenarios.first().and_then(|s| s.mixed.as_ref());
    head.extend(COMPACT.iter().map(|&k| {
        if mixed.is_some_and(|m| m.kpis.contains(&k)) {
            format!("{}*", label(k, cur))
        } else {
            label(k, cur)
        }
    }));
    // each channel's own service level beside the mixed one
    let channels: Vec<String> = match results.scenarios.first() {
        Some(s) if s.channels.len() > 1 => s.channels.keys().cloned().collect(),
        _ => Vec::new(),
    };
    head.extend(channels.iter().map(|c| format!("{c} service_level (%)")));
    let any_targets = results.scenarios.iter().any(|s| !s.targets.is_empty());
    if any_targets {
        head.push("targets (judged on the mean)".into());
    }
    grid.rows.push(head);
    for s in &results.scenarios {
        let mut name = s.name.clone();
        if s.unstable {
            name.push_str(" UNSTABLE");
        }
        let ci = has_ci(s);
        let mut r = vec![name];
        r.extend(COMPACT.iter().map(|k| {
            s.kpis
                .get(k)
                .map(|e| k.unit().figure(e, ci))
                .unwrap_or_default()
        }));
        r.extend(channels.iter().map(|c| {
            s.channels
                .get(c)
                .and_then(|m| m.get(&Kpi::ServiceLevel))
                .map(|e| Kpi::ServiceLevel.unit().figure(e, ci))
                .unwrap_or_default()
        }));
        if any_targets {
            r.push(targets_cell(s));
        }
        grid.rows.push(r);
    }
    grid.render()
}

/// A target's row label: `phone: service level ≥ 80% within 20 s`.
fn target_label(j: &Judgement) -> String {
    format!("  {}: {}", words::subject(j), words::target(j))
}

/// A judgement's cell: the value and whether it is met.
fn judgement_cell(j: &Judgement) -> String {
    if j.no_traffic {
        return "no traffic".to_string();
    }
    let verdict = if j.met { "met" } else { "MISSED" };
    format!("{} {verdict}", j.kpi.show(j.value, ""))
}

/// The targets block: one row per target any scenario states, a verdict per scenario.
fn targets_block(grid: &mut Grid, scenarios: &[ScenarioResult]) {
    let mut keys: Vec<(String, Kpi)> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    for s in scenarios {
        for j in &s.targets {
            let key = (j.scope.to_string(), j.kpi);
            if !keys.contains(&key) {
                keys.push(key);
                labels.push(target_label(j));
            }
        }
    }
    if keys.is_empty() {
        return;
    }
    grid.section(
        "targets (judged on the mean; channels on their own figures)",
        scenarios.len(),
    );
    for (key, label) in keys.iter().zip(labels) {
        let mut r = vec![label];
        for s in scenarios {
            r.push(
                s.targets
                    .iter()
                    .find(|j| j.scope.to_string() == key.0 && j.kpi == key.1)
                    .map(judgement_cell)
                    .unwrap_or_default(),
            );
        }
        grid.rows.push(r);
    }
}

/// The footer: per scenario, the targets missed (worst first) and the
/// warnings, each said once.
fn footer(results: &Results, mixed: Option<&str>, compact: bool) -> String {
    let scenarios = &results.scenarios;
    let mut out = String::new();
    if let Some(note) = mixed {
        out.push_str(&format!("\n* {note}\n"));
    }
    if scenarios.iter().any(|s| !has_ci(s)) {
        out.push_str(
            "\nWith 1 replication no confidence interval can be computed: the figures are \
             single runs; run at least 2 (--replications) to see how sure they are.\n",
        );
    }
    if compact {
        // the table's targets column has each scenario's verdict
        let meeting: Vec<&str> = scenarios
            .iter()
            .filter(|s| !s.targets.is_empty() && s.targets.iter().all(|j| j.met))
            .map(|s| s.name.as_str())
            .collect();
        if scenarios.iter().any(|s| !s.targets.is_empty()) {
            if meeting.is_empty() {
                out.push_str("\nNo scenario meets every target.\n");
            } else {
                out.push_str(&format!(
                    "\nMeeting every target ({} of {}): {}.\n",
                    meeting.len(),
                    scenarios.len(),
                    meeting.join("; ")
                ));
            }
        }
    }
    for s in scenarios.iter().filter(|_| !compact) {
        if s.targets.is_empty() {
            continue;
        }
        let idle: Vec<&Judgement> = s.targets.iter().filter(|j| j.no_traffic).collect();
        if !idle.is_empty() {
            out.push_str(&format!(
                "\n{}: no traffic, so {} of {} targets cannot be judged:\n",
                s.name,
                idle.len(),
                s.targets.len()
            ));
            for j in &idle {
                out.push_str(&format!("  {}\n", words::judgement(j)));
            }
            if idle.len() == s.targets.len() {
                continue;
            }
        }
        let mut missed: Vec<&Judgement> = s.targets.iter().filter(|j| j.missed()).collect();
        missed.sort_by(|a, b| {
            a.channel()
                .is_none()
                .cmp(&b.channel().is_none())
                .then(b.shortfall().total_cmp(&a.shortfall()))
        });
        if missed.is_empty() {
            let judged = s.targets.len() - idle.len();
            out.push_str(&format!(
                "\n{}: every target {} met ({judged}).\n",
                s.name,
                if idle.is_empty() { "is" } else { "judged is" }
            ));
        } else {
            out.push_str(&format!(
                "\n{}: {} of {} targets missed:\n",
                s.name,
                missed.len(),
                s.targets.len()
            ));
            for j in missed {
                out.push_str(&format!("  {}\n", words::judgement(j)));
            }
        }
    }
    for s in scenarios {
        for w in &s.warnings {
            out.push_str(&format!("\nWARNING ({}): {w}\n", s.name));
        }
    }
    if scenarios.iter().any(|s| s.unstable) {
        out.push_str(
            "\nUNSTABLE: the plan does not keep up with demand (a queue grows without bound, or \
             more tickets were open at once than simulation.max_in_system allows); the averages \
             above understate the queue.\n",
        );
    }
    out
}

/// The note on overall figures when the base mixes live and backlog channels.
fn mixed_note(first: &ScenarioResult) -> Option<String> {
    first.mixed.as_ref().map(|m| {
        format!(
            "overall figures marked * mix live channels ({}) with backlog channels ({}): \
             seconds-long waits with hours-long ones; judge each channel on its own rows",
            m.live.join(", "),
            m.backlog.join(", ")
        )
    })
}

impl Exporter for Table {
    fn render(&self, results: &Results) -> Vec<u8> {
        let scenarios = &results.scenarios;
        let n = scenarios.len();
        if n > 6 {
            let mut out = compact(results);
            let mixed = scenarios.first().and_then(mixed_note);
            out.push_str(&footer(results, mixed.as_deref(), true));
            return out.into_bytes();
        }
        let ci: Vec<bool> = scenarios.iter().map(has_ci).collect();
        let cur = scenarios.first().map_or("", |s| s.currency.as_str());
        let mut grid = Grid {
            rows: Vec::new(),
            currency: cur.to_string(),
        };
        let mut head = vec!["KPI (mean ± 95% CI)".to_string()];
        head.extend(scenarios.iter().map(|s| {
            let mut h = if has_ci(s) {
                format!("{} ({} reps)", s.name, s.replications)
            } else {
                format!("{} (1 rep, no CI)", s.name)
            };
            if s.unstable {
                h.push_str(" UNSTABLE");
            }
            h
        }));
        grid.rows.push(head);
        let Some(first) = scenarios.first() else {
            return grid.render().into_bytes();
        };
        targets_block(&mut grid, scenarios);

        let mixed = mixed_note(first);
        let overall_label = |kpi: Kpi| {
            if first.mixed.as_ref().is_some_and(|m| m.kpis.contains(&kpi)) {
                format!("{}*", label(kpi, cur))
            } else {
                label(kpi, cur)
            }
        };

        let overall_maps: Vec<_> = scenarios.iter().map(|s| Some(&s.kpis)).collect();
        if first.channels.len() > 1 {
            grid.section("headline: all channels, then each channel", n);
            for kpi in HEADLINE {
                grid.row(
                    format!("  {} all channels", overall_label(kpi)),
                    kpi,
                    &overall_maps,
                    &ci,
                );
                for name in first.channels.keys() {
                    let maps: Vec<_> = scenarios.iter().map(|s| s.channels.get(name)).collect();
                    grid.row(format!("    {name}"), kpi, &maps, &ci);
                }
            }
        }
        let skip: &[Kpi] = if first.channels.len() > 1 {
            &HEADLINE
        } else {
            &[]
        };
        grid.section("overall", n);
        if let Some(kpis) = overall_maps.iter().flatten().next() {
            for &kpi in kpis.keys().filter(|k| !skip.contains(k)) {
                grid.row(format!("  {}", overall_label(kpi)), kpi, &overall_maps, &ci);
            }
        }
        for (name, kpis) in &first.lines {
            grid.section(&format!("line {name}"), n);
            let maps: Vec<_> = scenarios.iter().map(|s| s.lines.get(name)).collect();
            if kpis.contains_key(&Kpi::DelayHours) {
                // an outside vendor: its delay, and no agents or queue
                let delay = Kpi::DelayHours;
                grid.row(format!("  {delay}"), delay, &maps, &ci);
                for &kpi in kpis.keys().filter(|&&k| k != delay) {
                    if VENDOR_NA.contains(&kpi) {
                        let mut r = vec![format!("  {}", label(kpi, cur))];
                        r.resize(n + 1, "n/a".into());
                        grid.rows.push(r);
                    } else {
                        grid.row(format!("  {}", label(kpi, cur)), kpi, &maps, &ci);
                    }
                }
            } else {
                grid.kpis("  ", &maps, &ci, &[]);
            }
        }
        for name in first.ticket_types.keys() {
            grid.section(&format!("ticket type {name}"), n);
            let maps: Vec<_> = scenarios.iter().map(|s| s.ticket_types.get(name)).collect();
            grid.kpis("  ", &maps, &ci, &[]);
        }
        for name in first.channels.keys() {
            grid.section(&format!("channel {name}"), n);
            let maps: Vec<_> = scenarios.iter().map(|s| s.channels.get(name)).collect();
            grid.kpis("  ", &maps, &ci, skip);
        }
        if n > 1 {
            grid.rows.push(vec![String::new()]);
            let mut head = vec![format!(
                "difference to {} (paired 95% CI)",
                scenarios[0].name
            )];
            head.push(String::new());
            head.extend(scenarios[1..].iter().map(|s| s.name.clone()));
            grid.rows.push(head);
            let diff_row =
                |grid: &mut Grid, title: String, kpi: Kpi, maps: &[Option<&EstimateMap>]| {
                    let mut r = vec![title, String::new()];
                    for (m, s) in maps.iter().zip(&scenarios[1..]) {
                        r.push(
                            m.and_then(|m| m.get(&kpi))
                                .map(|e| kpi.unit().difference(e, has_ci(s)))
                                .unwrap_or_default(),
                        );
                    }
                    grid.rows.push(r);
                };
            let overall: Vec<_> = scenarios[1..].iter().map(|s| s.vs_base.as_ref()).collect();
            if let Some(kpis) = overall.iter().flatten().next() {
                grid.section("overall", n + 1);
                for &kpi in kpis.keys() {
                    diff_row(
                        &mut grid,
                        format!("  {}", overall_label(kpi)),
                        kpi,
                        &overall,
                    );
                }
            }
            for name in first.channels.keys() {
                let maps: Vec<_> = scenarios[1..]
                    .iter()
                    .map(|s| s.vs_base_channels.as_ref().and_then(|c| c.get(name)))
                    .collect();
                let Some(kpis) = maps.iter().flatten().next() else {
                    continue;
                };
                grid.section(&format!("channel {name}"), n + 1);
                for &kpi in kpis.keys() {
                    diff_row(&mut grid, format!("  {}", label(kpi, cur)), kpi, &maps);
                }
            }
        }
        let mut out = grid.render();
        out.push_str(&footer(results, mixed.as_deref(), false));
        out.into_bytes()
    }
}
