//! `report.html` of `staffsim optimize --out DIR`: the optimizer's answer
//! on one self-contained page in the style of the run report — the
//! recommended plan beside the Erlang answer, its KPIs with confidence
//! intervals and cost, the targets met or not, the marginal value of one
//! more agent on each line or shift, and the `[[variant]]` block to paste.

use super::charts::style::{duration, money, pct, pct_tick};
use super::html::{esc, page, quote, section, signed, span};
use crate::optimize::{LinePlan, OptimizeResult, SEARCH_REPLICATIONS, TargetCheck};
use crate::scenario::{MINUTES_PER_DAY, Scenario, Shift};
use std::fmt::Write;

/// The HTML report of an optimization.
#[derive(Debug, Clone, Copy)]
pub struct OptimizeReport<'a> {
    /// The scenario optimized (targets, currency, lines and shifts, seed,
    /// replications).
    pub base: &'a Scenario,
    /// The scenario file, as the user named it.
    pub file: &'a str,
    /// The scenario file's text, shown under the assumptions.
    pub source: &'a str,
    /// When the answer was made (`YYYY-MM-DDTHH:MM:SSZ`).
    pub date: &'a str,
}

/// The most agents of `shifts` (with the agents of `plan`) on duty at the
/// same minute of the week.
fn most_on_duty(shifts: &[Shift], agents: impl Fn(&Shift) -> u32) -> u32 {
    let mut on = vec![0u32; 7 * MINUTES_PER_DAY as usize];
    for s in shifts {
        let n = agents(s);
        for m in s.week_minutes() {
            on[m] += n;
        }
    }
    on.into_iter().max().unwrap_or(0)
}

/// A KPI value for people: shares in percent, times as durations.
fn kpi_value(kpi: &str, x: f64) -> String {
    if kpi.ends_with("_seconds") {
        duration(x)
    } else {
        pct(x)
    }
}

fn target_text(c: &TargetCheck) -> String {
    let what = match c.kpi.as_str() {
        "service_level" => "Service level",
        "abandon_rate" => "Abandon rate",
        "asa_seconds" => "ASA (mean wait)",
        "resolved_within_target" => "Resolved within the target time",
        other => other,
    };
    let target = if c.kpi.ends_with("_seconds") {
        duration(c.target)
    } else {
        pct_tick(c.target)
    };
    let rel = if c.relation == ">=" {
        "at least"
    } else {
        "at most"
    };
    format!("{what}: {rel} {target}")
}

impl OptimizeReport<'_> {
    fn currency(&self) -> &str {
        &self.base.economics.currency
    }

    fn days(&self) -> f64 {
        self.base.window().as_secs_f64() / 86_400.0
    }

    /// Costs in money, or paid agent-hours when the scenario sets no wages
    /// (what the optimizer then minimizes).
    fn cost(&self, r: &OptimizeResult, x: f64) -> String {
        if r.cost_total > 0.0 {
            money(x, self.currency())
        } else {
            format!("{x:.0} paid agent-hours")
        }
    }

    /// The plan of one line in words: `11 agents`, `early 8, late 6`.
    fn plan_text(plan: &LinePlan) -> String {
        match plan {
            LinePlan::Agents { agents } => format!("{agents} agents"),
            LinePlan::Shifts { shifts } => shifts
                .iter()
                .map(|(k, v)| format!("{} {v}", esc(k)))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// Agents of the plan on duty at the busiest minute of the week (for a
    /// line without shifts: its agents).
    fn on_duty(&self, line: &str, plan: &LinePlan) -> u32 {
        match plan {
            LinePlan::Agents { agents } => *agents,
            LinePlan::Shifts { shifts } => {
                let Some(l) = self.base.lines.iter().find(|l| l.name == line) else {
                    return shifts.values().sum();
                };
                most_on_duty(&l.shifts, |s| {
                    shifts.get(&s.name).copied().unwrap_or(s.agents)
                })
            }
        }
    }

    fn summary(&self, r: &OptimizeResult) -> String {
        let plan: Vec<String> = r
            .recommended
            .lines
            .iter()
            .map(|(l, p)| format!("{} {}", esc(l), Self::plan_text(p)))
            .collect();
        let mut h = String::from("<p class=\"verdict\">");
        if r.feasible {
            let _ = write!(
                h,
                "<span class=\"ok\">The cheapest plan that meets every target</span> (with the \
                 95% confidence interval on the safe side): {}.",
                plan.join("; ")
            );
        } else {
            let missed: Vec<String> = r
                .targets
                .iter()
                .filter(|c| !c.met)
                .map(|c| {
                    format!(
                        "{} (95% bound {})",
                        target_text(c),
                        kpi_value(&c.kpi, c.bound)
                    )
                })
                .collect();
            let _ = write!(
                h,
                "<span class=\"miss\">No plan within the limits meets every target.</span> The \
                 closest plan found: {}",
                plan.join("; ")
            );
            if missed.is_empty() {
                h.push('.');
            } else {
                let _ = write!(h, "; it misses {}.", esc(&missed.join("; ")));
            }
        }
        h.push_str("</p>\n<ul class=\"summary\">\n");
        let sl = r.kpis.get("service_level");
        let mut first = format!(
            "It costs <strong>{}</strong> over the measured {:.0} days",
            self.cost(r, r.cost_total),
            self.days()
        );
        if let Some(e) = sl {
            let _ = write!(
                first,
                " and answers <strong>{}</strong> of contacts in time (95% CI {} to {})",
                pct(e.mean),
                pct(e.low()),
                pct(e.high())
            );
        }
        first.push('.');
        let _ = writeln!(h, "<li>{first}</li>");
        let erlang: Vec<String> = r
            .recommended
            .lines
            .iter()
            .filter_map(|(l, p)| {
                let e = r.erlang.get(l).copied().flatten()?;
                let sim = self.on_duty(l, p);
                let word = match sim.cmp(&e) {
                    std::cmp::Ordering::Equal => "the simulation recommends the same".to_string(),
                    std::cmp::Ordering::Less => {
                        format!("the simulation recommends {sim}, {} fewer", e - sim)
                    }
                    std::cmp::Ordering::Greater => {
                        format!("the simulation recommends {sim}, {} more", sim - e)
                    }
                };
                Some(format!("<strong>{e}</strong> on {} ({word})", esc(l)))
            })
            .collect();
        if !erlang.is_empty() {
            let _ = writeln!(
                h,
                "<li>Erlang C, at each line's busiest load, asks for agents on duty: {}.</li>",
                erlang.join("; ")
            );
        }
        if let Some(best) = r
            .marginal
            .iter()
            .filter(|m| m.cost > 0.0)
            .max_by(|a, b| (a.service_level / a.cost).total_cmp(&(b.service_level / b.cost)))
            && best.service_level > 0.0
        {
            let _ = writeln!(
                h,
                "<li>The best value for one more agent: <code>{}</code>, {} points of service \
                 level for {} more.</li>",
                esc(&best.path),
                signed_points(best.service_level),
                self.cost(r, best.cost)
            );
        }
        let _ = writeln!(
            h,
            "<li>{} plans simulated; the recommended one again with {} replications.</li>",
            r.evaluations, self.base.replications
        );
        h.push_str("</ul>\n");
        h
    }

    fn plan(&self, r: &OptimizeResult) -> String {
        let mut h = String::from(
            "<table>\n<thead><tr><th>Line</th><th>Recommended</th><th>On duty at the busiest \
             time</th><th>Erlang C at the busiest load</th><th>Simulation − Erlang</th></tr>\
             </thead>\n<tbody>\n",
        );
        for (line, plan) in &r.recommended.lines {
            let on = self.on_duty(line, plan);
            let (e, diff) = match r.erlang.get(line).copied().flatten() {
                Some(e) => (
                    e.to_string(),
                    match i64::from(on) - i64::from(e) {
                        0 => "0".to_string(),
                        d => format!("{d:+}").replacen('-', "−", 1),
                    },
                ),
                None => ("no answer".into(), "–".into()),
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{on}</td><td>{e}</td><td>{diff}</td></tr>",
                esc(line),
                Self::plan_text(plan)
            );
        }
        h.push_str("</tbody>\n</table>\n");
        h.push_str(
            "<p class=\"note\">Erlang C: the agents a calculator gives for the line's service-level \
             target (or 80%) within the threshold of its first live channel (or 20 s), at its \
             busiest load — for a line taking first contacts, the busiest minute of the week's \
             arrival profile; for a line fed by escalations, its weekly work spread over the hours \
             it is staffed. It leaves out breaks, shifts, abandonment, escalations and the \
             channels sharing a line; the simulation does not. The <code>staffsim erlang \
             FILE</code> calculator gives the requirement interval by interval.</p>\n",
        );
        h
    }

    fn targets(&self, r: &OptimizeResult) -> String {
        if r.targets.is_empty() {
            return "<p>No targets.</p>\n".into();
        }
        let mut h = String::from(
            "<table>\n<thead><tr><th>Target</th><th>Simulated mean</th><th>95% bound</th>\
             <th class=\"targets\">Met?</th></tr></thead>\n<tbody>\n",
        );
        for c in &r.targets {
            let status = if c.met {
                "<span class=\"ok\">✓ met</span>".to_string()
            } else {
                format!(
                    "<span class=\"miss\">✗ not met</span>, short by {}",
                    if c.kpi.ends_with("_seconds") {
                        duration(c.shortfall)
                    } else {
                        format!("{:.1} points", c.shortfall * 100.0)
                    }
                )
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"targets\">{status}</td></tr>",
                esc(&target_text(c)),
                kpi_value(&c.kpi, c.mean),
                kpi_value(&c.kpi, c.bound)
            );
        }
        h.push_str("</tbody>\n</table>\n");
        h.push_str(
            "<p class=\"note\">A target counts as met only when the end of the 95% confidence \
             interval on the wrong side meets it: the lower end for a service level, the upper \
             end for an abandon rate or a wait.</p>\n",
        );
        h
    }

    fn kpis(&self, r: &OptimizeResult) -> String {
        let mut rows: Vec<(&str, &str)> = vec![
            ("Service level", "service_level"),
            ("Abandon rate", "abandon_rate"),
            ("ASA (mean wait)", "asa_seconds"),
            ("90% answered within", "wait_p90_seconds"),
            ("Occupancy", "occupancy"),
            ("First-contact resolution", "fcr"),
        ];
        if r.cost_total > 0.0 {
            rows.push(("Total cost", "cost_total"));
            rows.push(("Cost per incident", "cost_per_incident"));
        }
        let mut h = String::from(
            "<table>\n<thead><tr><th>Key figure</th><th>Mean</th><th>95% CI</th></tr></thead>\n\
             <tbody>\n",
        );
        for (label, key) in rows {
            let Some(e) = r.kpis.get(key) else { continue };
            let (v, lo, hi) = match key {
                "asa_seconds" | "wait_p90_seconds" => {
                    (duration(e.mean), duration(e.low()), duration(e.high()))
                }
                "cost_total" | "cost_per_incident" => (
                    money(e.mean, self.currency()),
                    money(e.low(), self.currency()),
                    money(e.high(), self.currency()),
                ),
                _ => (pct(e.mean), pct(e.low()), pct(e.high())),
            };
            let _ = writeln!(
                h,
                "<tr><td>{label}</td><td>{v}</td><td>{lo} to {hi}</td></tr>"
            );
        }
        h.push_str("</tbody>\n</table>\n");
        let _ = writeln!(
            h,
            "<p class=\"note\">The recommended plan, mean over {} replications; costs over the \
             measured {:.0} days.</p>",
            self.base.replications,
            self.days()
        );
        h
    }

    fn marginal(&self, r: &OptimizeResult) -> String {
        let mut h = String::from(
            "<table>\n<thead><tr><th>One more agent on</th><th>Extra cost</th><th>Service \
             level</th><th>ASA (mean wait)</th></tr></thead>\n<tbody>\n",
        );
        for m in &r.marginal {
            let asa = if m.asa_seconds < 0.0 {
                format!("−{}", duration(-m.asa_seconds))
            } else {
                format!("+{}", duration(m.asa_seconds))
            };
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td>+{}</td><td>{} points</td><td>{asa}</td></tr>",
                esc(&m.path),
                self.cost(r, m.cost),
                signed_points(m.service_level)
            );
        }
        h.push_str("</tbody>\n</table>\n");
        h.push_str(
            "<p class=\"note\">From the recommended plan, one agent added at a time, on the same \
             random numbers (paired differences); what the next agent would buy, where \
             spending more helps most.</p>\n",
        );
        h
    }

    fn variant(&self, r: &OptimizeResult) -> String {
        format!(
            "<p>Paste this block into <code>{file}</code> and run <code>staffsim report {file} \
             --out DIR</code> to see the plan side by side with the base scenario:</p>\n\
             <pre>{}</pre>\n",
            esc(&r.variant),
            file = esc(self.file)
        )
    }

    fn assumptions(&self, r: &OptimizeResult) -> String {
        let b = self.base;
        let mut h = String::from("<dl class=\"assumptions\">\n");
        let mut row = |k: &str, v: String| {
            let _ = writeln!(h, "<dt>{k}</dt><dd>{v}</dd>");
        };
        row("Scenario file", format!("<code>{}</code>", esc(self.file)));
        row("Scenario", quote(&b.name));
        row("Seed", b.seed.to_string());
        row(
            "Replications",
            format!(
                "{} per plan while searching, {} for the recommended plan, on common random \
                 numbers",
                b.replications.min(SEARCH_REPLICATIONS),
                b.replications
            ),
        );
        row("Plans simulated", r.evaluations.to_string());
        row(
            "Simulated span",
            format!(
                "{}, of which the first {} is discarded as warm-up ({:.0} days measured)",
                span(b.horizon.as_secs_f64()),
                span(b.warmup.as_secs_f64()),
                self.days()
            ),
        );
        if !b.economics.currency.is_empty() {
            row("Currency", esc(&b.economics.currency));
        }
        row("staffsim version", env!("CARGO_PKG_VERSION").to_string());
        row("Date", esc(self.date));
        h.push_str("</dl>\n");
        let _ = write!(
            h,
            "<p class=\"note\">Every number comes from the simulation of the file below; the \
             same file, seed and replications give the same answer. Reproduce with \
             <code>staffsim optimize {} --out DIR</code>; the same answer as JSON is in \
             <code>optimize.json</code>.</p>\n<pre>{}</pre>\n",
            esc(self.file),
            esc(self.source)
        );
        h
    }

    /// The page, `report.html`.
    pub fn render(&self, result: &OptimizeResult) -> Vec<u8> {
        let title = format!("Staffing plan: {}", self.base.name);
        let meta = format!(
            "{} · optimized by simulation · {} · staffsim {}",
            self.file,
            self.date,
            env!("CARGO_PKG_VERSION")
        );
        let sections = [
            section("summary", "Summary", &self.summary(result)),
            section(
                "plan",
                "Recommended plan and the Erlang answer",
                &self.plan(result),
            ),
            section("targets", "Targets", &self.targets(result)),
            section("kpis", "Key figures", &self.kpis(result)),
            section("marginal", "One more agent", &self.marginal(result)),
            section("variant", "Paste into the scenario", &self.variant(result)),
            section("assumptions", "Assumptions", &self.assumptions(result)),
        ];
        page(&title, &meta, &sections.concat())
    }
}

/// A change of a share in points: `+6.5`, `−0.8`.
fn signed_points(x: f64) -> String {
    signed(x * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shift(start: u32, end: u32, agents: u32) -> Shift {
        Shift {
            name: format!("{start}"),
            start,
            end,
            days: [true, true, true, true, true, false, false],
            agents,
        }
    }

    #[test]
    fn overlapping_shifts_add_up() {
        let shifts = [shift(8 * 60, 16 * 60, 5), shift(12 * 60, 20 * 60, 4)];
        assert_eq!(most_on_duty(&shifts, |s| s.agents), 9);
        assert_eq!(most_on_duty(&shifts, |s| s.agents * 2), 18);
        // a night shift across midnight meets the next day's early shift
        let night = [shift(22 * 60, 9 * 60, 3), shift(8 * 60, 16 * 60, 5)];
        assert_eq!(most_on_duty(&night, |s| s.agents), 8);
    }

    #[test]
    fn points_have_a_true_minus() {
        assert_eq!(signed_points(0.065), "+6.5");
        assert_eq!(signed_points(-0.008), "−0.8");
    }
}
