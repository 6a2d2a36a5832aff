//! A plain-text table for people: one row per KPI, one column per scenario.

use super::Exporter;
use crate::experiment::Results;
use crate::stats::{Estimate, EstimateMap};

/// The terminal table printed by `staffsim run`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Table;

/// Whether a KPI is a share, shown as a percentage.
fn is_share(kpi: &str) -> bool {
    matches!(
        kpi,
        "abandon_rate"
            | "service_level"
            | "fcr"
            | "escalation_rate"
            | "occupancy"
            | "resolved_within_target"
            | "misroute_rate"
    )
}

/// How a KPI reads best.
fn format_estimate(kpi: &str, e: &Estimate) -> String {
    if is_share(kpi) {
        format!("{:.2}% ± {:.2}", e.mean * 100.0, e.ci95 * 100.0)
    } else if kpi.ends_with("_seconds")
        || kpi.ends_with("_hours")
        || kpi == "load_balance_cv"
        || kpi == "tickets_per_agent_day"
    {
        format!("{:.3} ± {:.3}", e.mean, e.ci95)
    } else {
        format!("{:.1} ± {:.1}", e.mean, e.ci95)
    }
}

fn label(kpi: &str) -> String {
    let unit = if is_share(kpi) { " (%)" } else { "" };
    format!("{kpi}{unit}")
}

struct Grid {
    rows: Vec<Vec<String>>,
}

impl Grid {
    fn section(&mut self, title: &str, ncols: usize) {
        let mut r = vec![title.to_string()];
        r.resize(ncols + 1, String::new());
        self.rows.push(r);
    }

    fn kpis(&mut self, indent: &str, maps: &[Option<&EstimateMap>]) {
        let Some(first) = maps.iter().flatten().next() else {
            return;
        };
        for kpi in first.keys() {
            let mut r = vec![format!("{indent}{}", label(kpi))];
            for m in maps {
                r.push(
                    m.and_then(|m| m.get(kpi))
                        .map(|e| format_estimate(kpi, e))
                        .unwrap_or_default(),
                );
            }
            self.rows.push(r);
        }
    }

    fn render(&self) -> String {
        let ncols = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![0; ncols];
        for r in &self.rows {
            for (i, c) in r.iter().enumerate() {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
        let mut out = String::new();
        for r in &self.rows {
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
const COMPACT: [&str; 7] = [
    "offered",
    "service_level",
    "abandon_rate",
    "asa_seconds",
    "occupancy",
    "fcr",
    "backlog_end",
];

fn format_difference(kpi: &str, e: &Estimate) -> String {
    if is_share(kpi) {
        format!("{:+.2} pp ± {:.2}", e.mean * 100.0, e.ci95 * 100.0)
    } else {
        format!("{:+.3} ± {:.3}", e.mean, e.ci95)
    }
}

/// One row per scenario, a few KPIs as columns: for sweeps and long lists.
fn compact(results: &Results) -> String {
    let mut grid = Grid { rows: Vec::new() };
    let mut head = vec!["scenario (mean ± 95% CI)".to_string()];
    head.extend(COMPACT.iter().map(|k| label(k)));
    grid.rows.push(head);
    for s in &results.scenarios {
        let mut name = s.name.clone();
        if s.unstable {
            name.push_str(" UNSTABLE");
        }
        let mut r = vec![name];
        r.extend(COMPACT.iter().map(|k| {
            s.kpis
                .get(*k)
                .map(|e| format_estimate(k, e))
                .unwrap_or_default()
        }));
        grid.rows.push(r);
    }
    grid.render()
}

impl Exporter for Table {
    fn render(&self, results: &Results) -> Vec<u8> {
        let scenarios = &results.scenarios;
        let n = scenarios.len();
        if n > 6 {
            let mut out = compact(results);
            if scenarios.iter().any(|s| s.unstable) {
                out.push_str("\nUNSTABLE: more tickets were open at once than simulation.max_in_system allows.\n");
            }
            return out.into_bytes();
        }
        let mut grid = Grid { rows: Vec::new() };
        let mut head = vec!["KPI (mean ± 95% CI)".to_string()];
        head.extend(scenarios.iter().map(|s| {
            let mut h = format!("{} ({} reps)", s.name, s.replications);
            if s.unstable {
                h.push_str(" UNSTABLE");
            }
            h
        }));
        grid.rows.push(head);
        grid.section("overall", n);
        grid.kpis(
            "  ",
            &scenarios.iter().map(|s| Some(&s.kpis)).collect::<Vec<_>>(),
        );
        if let Some(first) = scenarios.first() {
            for name in first.lines.keys() {
                grid.section(&format!("line {name}"), n);
                grid.kpis(
                    "  ",
                    &scenarios
                        .iter()
                        .map(|s| s.lines.get(name))
                        .collect::<Vec<_>>(),
                );
            }
            for name in first.ticket_types.keys() {
                grid.section(&format!("ticket type {name}"), n);
                let maps: Vec<_> = scenarios.iter().map(|s| s.ticket_types.get(name)).collect();
                grid.kpis("  ", &maps);
            }
            for name in first.channels.keys() {
                grid.section(&format!("channel {name}"), n);
                grid.kpis(
                    "  ",
                    &scenarios
                        .iter()
                        .map(|s| s.channels.get(name))
                        .collect::<Vec<_>>(),
                );
            }
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
            if let Some(first) = scenarios[1].vs_base.as_ref() {
                for kpi in first.keys() {
                    let mut r = vec![format!("  {}", label(kpi)), String::new()];
                    for s in &scenarios[1..] {
                        r.push(
                            s.vs_base
                                .as_ref()
                                .and_then(|m| m.get(kpi))
                                .map(|e| format_difference(kpi, e))
                                .unwrap_or_default(),
                        );
                    }
                    grid.rows.push(r);
                }
            }
        }
        let mut out = grid.render();
        for s in scenarios {
            for w in &s.warnings {
                out.push_str(&format!("\nWARNING ({}): {w}\n", s.name));
            }
        }
        if scenarios.iter().any(|s| s.unstable) {
            out.push_str(
                "\nUNSTABLE: more tickets were open at once than simulation.max_in_system allows;\n\
                 the plan does not keep up with demand and the averages above understate the queue.\n",
            );
        }
        out.into_bytes()
    }
}
