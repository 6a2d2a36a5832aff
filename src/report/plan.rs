//! `report.html` of `staffsim optimize --out DIR`: the optimizer's answer
//! on one self-contained page in the style of the run report — the
//! recommended plan beside the Erlang answer, its KPIs with confidence
//! intervals and cost, each channel's targets and the desk's met or not
//! (with units), the marginal value of one more agent on each line or
//! shift, and the `[[variant]]` block to paste; or, when some target is out
//! of reach of any staffing, which and why.

use super::charts::style::{duration, money};
use super::html::{join, page, quote, row, section, signed, simulated_span};
use super::words;
use crate::kpi::{self, Kpi};
use crate::optimize::{Infeasible, Limit, LinePlan, OptimizeResult, Outcome, SEARCH_REPLICATIONS};
use crate::scenario::{MINUTES_PER_DAY, Scenario, Shift};
use maud::{Markup, html};

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

/// The minute of the week (from Monday 00:00) when the first contacts of
/// line `l` arrive fastest: the busiest load Erlang C is sized for. `None`
/// for a line that takes no first contacts.
fn busiest_minute(sc: &Scenario, l: usize) -> Option<usize> {
    let rates: Vec<&crate::engine::PeriodicRate> = sc
        .arrivals
        .iter()
        .filter(|a| sc.channels[a.channel].line == l)
        .map(|a| &a.rate)
        .collect();
    if rates.is_empty() {
        return None;
    }
    let at = |m: usize| -> f64 {
        rates
            .iter()
            .map(|r| {
                let slot_min = (r.slot().0 / 60_000_000).max(1) as usize;
                r.rates()[(m / slot_min) % r.rates().len()]
            })
            .sum()
    };
    let week = 7 * MINUTES_PER_DAY as usize;
    (0..week)
        .fold(None, |best: Option<(usize, f64)>, m| {
            let x = at(m);
            match best {
                Some((_, b)) if b >= x => best,
                _ => Some((m, x)),
            }
        })
        .map(|b| b.0)
}

/// The agents of `shifts` (with the agents of `plan`) on duty at minute
/// `minute` of the week, or, with `None`, the most on duty at any one
/// minute.
fn on_duty_at(shifts: &[Shift], minute: Option<usize>, agents: impl Fn(&Shift) -> u32) -> u32 {
    let mut on = vec![0u32; 7 * MINUTES_PER_DAY as usize];
    for s in shifts {
        let n = agents(s);
        for m in s.week_minutes() {
            on[m] += n;
        }
    }
    match minute {
        Some(m) => on.get(m).copied().unwrap_or(0),
        None => on.into_iter().max().unwrap_or(0),
    }
}

impl OptimizeReport<'_> {
    fn currency(&self) -> &str {
        &self.base.economics.currency
    }

    fn days(&self) -> String {
        format!("{:.0}", self.base.window().as_secs_f64() / 86_400.0)
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
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// Agents of the plan on duty at the line's busiest time, the minute of
    /// the week its first contacts arrive fastest (the load Erlang C is
    /// sized for): only the shifts working then count. A line fed by
    /// escalations only: the most on duty at any one minute. A line
    /// without shifts: its agents.
    fn on_duty(&self, line: &str, plan: &LinePlan) -> u32 {
        match plan {
            LinePlan::Agents { agents } => *agents,
            LinePlan::Shifts { shifts } => {
                let Some(l) = self.base.lines.iter().position(|l| l.name == line) else {
                    return shifts.values().sum();
                };
                let busiest = busiest_minute(self.base, l);
                on_duty_at(&self.base.lines[l].shifts, busiest, |s| {
                    shifts.get(&s.name).copied().unwrap_or(s.agents)
                })
            }
        }
    }

    fn summary(&self, r: &OptimizeResult) -> Markup {
        let plan: Vec<String> = r
            .recommended
            .lines
            .iter()
            .map(|(l, p)| format!("{l} {}", Self::plan_text(p)))
            .collect();
        let missed: Vec<String> = r
            .missed
            .iter()
            .map(|c| {
                format!(
                    "{}: {} (95% bound {}, short by {})",
                    words::subject(&c.judgement),
                    words::target(&c.judgement),
                    c.kpi().show(c.bound, ""),
                    c.shortfall_text()
                )
            })
            .collect();
        let limit = match r.limit {
            Some(Limit::MaxAgents) => format!(
                ": the search stopped at --max-agents {} (agents on any one line or shift)",
                r.max_agents
            ),
            Some(Limit::MaxEvaluations) => format!(
                ": the search stopped after {} plans simulated",
                r.evaluations
            ),
            None => String::new(),
        };
        // the channel judged closest to (or furthest past) its target leads
        let judgements: Vec<_> = r.targets.iter().map(|c| c.judgement.clone()).collect();
        let lead = crate::targets::worst(&judgements).cloned();
        let erlang: Vec<Markup> = r
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
                Some(html! { strong { (e) } " on " (l) " (" (word) ")" })
            })
            .collect();
        let best = r
            .marginal
            .iter()
            .filter(|m| m.cost > 0.0)
            .max_by(|a, b| (a.service_level / a.cost).total_cmp(&(b.service_level / b.cost)))
            .filter(|best| best.service_level > 0.0);
        html! {
            p.verdict {
                @if r.feasible {
                    span.ok { "The cheapest plan that meets every target" }
                    " (with the 95% confidence interval on the safe side): " (plan.join("; ")) "."
                } @else {
                    span.miss { "No plan within the limits meets every target" } (limit) "."
                    " The closest plan found: " (plan.join("; "))
                    @if !missed.is_empty() { "; it still misses " (missed.join("; ")) }
                    "."
                }
            } "\n"
            ul.summary { "\n"
                li {
                    "It costs " strong { (self.cost(r, r.cost_total)) } " over the measured "
                    (self.days()) " days."
                } "\n"
                @if let Some(j) = &lead {
                    li {
                        @if r.feasible { "Closest to its target: " } @else { "Furthest from its target: " }
                        (words::judgement(j)) "."
                    } "\n"
                }
                @if !erlang.is_empty() {
                    li {
                        "Erlang C, at each line's busiest load, asks for agents on duty: "
                        (join(&erlang, "; ")) "."
                    } "\n"
                }
                @if let Some(best) = best {
                    li {
                        "The best value for one more agent: " code { (best.path) } ", "
                        (signed_points(best.service_level)) " points of service level for "
                        (self.cost(r, best.cost)) " more."
                    } "\n"
                }
                li {
                    (r.evaluations) " plans simulated; the recommended one again with "
                    (self.base.replications) " replications."
                } "\n"
            } "\n"
        }
    }

    fn plan(&self, r: &OptimizeResult) -> Markup {
        html! {
            table { "\n"
                thead { tr {
                    th { "Line" } th { "Recommended" } th { "On duty at the busiest time" }
                    th { "Erlang C at the busiest load" } th { "Simulation − Erlang" }
                } } "\n"
                tbody { "\n"
                    @for (line, plan) in &r.recommended.lines {
                        @let on = self.on_duty(line, plan);
                        tr {
                            td { (line) } td { (Self::plan_text(plan)) } td { (on) }
                            @match r.erlang.get(line).copied().flatten() {
                                Some(e) => {
                                    td { (e) }
                                    td {
                                        @match i64::from(on) - i64::from(e) {
                                            0 => { "0" }
                                            d => { (format!("{d:+}").replacen('-', "−", 1)) }
                                        }
                                    }
                                }
                                None => { td { "no answer" } td { "–" } }
                            }
                        } "\n"
                    }
                } "\n"
            } "\n"
            p.note {
                "Erlang C: the agents a calculator gives for the line's service-level target (or \
                 80%) within the threshold of its first live channel (or 20 s), at its busiest \
                 load — for a line taking first contacts, the busiest minute of the week's \
                 arrival profile; for a line fed by escalations, its weekly work spread over the \
                 hours it is staffed. It leaves out breaks, shifts, abandonment, escalations and \
                 the channels sharing a line; the simulation does not. The "
                code { "staffsim erlang FILE" }
                " calculator gives the requirement interval by interval."
            } "\n"
        }
    }

    fn targets(&self, r: &OptimizeResult) -> Markup {
        if r.targets.is_empty() {
            return html! { p { "No targets." } "\n" };
        }
        html! {
            table { "\n"
                thead { tr {
                    th { "Whose" } th { "Target" } th { "Simulated mean" } th { "95% bound" }
                    th.targets { "Met?" }
                } } "\n"
                tbody { "\n"
                    @for c in &r.targets {
                        @let j = &c.judgement;
                        tr {
                            td { (words::subject(j)) }
                            td { (words::target(j)) }
                            td { (j.kpi.show(j.value, "")) }
                            td { (j.kpi.show(c.bound, "")) }
                            td.targets {
                                @if j.no_traffic {
                                    "no traffic"
                                } @else if c.met() {
                                    span.ok { "✓ met" }
                                } @else {
                                    span.miss { "✗ not met" } ", short by " (c.shortfall_text())
                                }
                            }
                        } "\n"
                    }
                } "\n"
            } "\n"
            p.note {
                "Each channel's targets are judged on its own contacts; the whole desk's "
                "([targets]) on all channels mixed. A target counts as met only when the end of "
                "the 95% confidence interval on the wrong side meets it: the lower end for a "
                "service level or a share resolved in time, the upper end for an abandon rate "
                "or a wait."
            } "\n"
        }
    }

    fn kpis(&self, r: &OptimizeResult) -> Markup {
        let mut rows = kpi::KEY_FIGURES.to_vec();
        if r.cost_total > 0.0 {
            rows.extend(kpi::KEY_COSTS);
        }
        let show = |kpi: Kpi, x: f64| kpi.show(x, self.currency());
        html! {
            table { "\n"
                thead { tr { th { "Key figure" } th { "Mean" } th { "95% CI" } } } "\n"
                tbody { "\n"
                    @for key in rows {
                        @if let Some(e) = r.kpis.get(&key) {
                            tr {
                                td { (key.title()) } td { (show(key, e.mean)) }
                                td { (show(key, e.low())) " to " (show(key, e.high())) }
                            } "\n"
                        }
                    }
                } "\n"
            } "\n"
            @if !r.channels.is_empty() {
                table { "\n"
                    thead { tr {
                        th { "Channel" }
                        @for kpi in kpi::TARGET_KPIS { th { (kpi.title()) } }
                    } } "\n"
                    tbody { "\n"
                        @for (name, k) in &r.channels {
                            tr {
                                td { (name) }
                                @for kpi in kpi::TARGET_KPIS {
                                    td {
                                        @match k.get(&kpi) {
                                            Some(e) => { (kpi.show(e.mean, "")) }
                                            None => { "–" }
                                        }
                                    }
                                }
                            } "\n"
                        }
                    } "\n"
                } "\n"
            }
            p.note {
                "The recommended plan, mean over " (self.base.replications)
                " replications; costs over the measured " (self.days()) " days. The first table "
                "mixes every channel; the second gives each channel its own figures."
            } "\n"
        }
    }

    fn marginal(&self, r: &OptimizeResult) -> Markup {
        html! {
            table { "\n"
                thead { tr {
                    th { "One more agent on" } th { "Extra cost" } th { "Channel" }
                    th { "Service level" } th { "ASA (mean wait)" }
                } } "\n"
                tbody { "\n"
                    @for m in &r.marginal {
                        @let rows: Vec<(String, f64, f64)> = if m.channels.is_empty() {
                            vec![("whole desk".to_string(), m.service_level, m.asa_seconds)]
                        } else {
                            m.channels
                                .iter()
                                .map(|(c, g)| (c.clone(), g.service_level, g.asa_seconds))
                                .collect()
                        };
                        @for (i, (channel, sl, asa)) in rows.iter().enumerate() {
                            tr {
                                @if i == 0 {
                                    td { code { (m.path) } }
                                    td { "+" (self.cost(r, m.cost)) }
                                } @else {
                                    td {} td {}
                                }
                                td { (channel) }
                                td { (signed_points(*sl)) " points" }
                                td {
                                    @if duration(asa.abs()) == "0 s" {
                                        "0 s"
                                    } @else if *asa < 0.0 {
                                        "−" (duration(-asa))
                                    } @else {
                                        "+" (duration(*asa))
                                    }
                                }
                            } "\n"
                        }
                    }
                } "\n"
            } "\n"
            p.note {
                "From the recommended plan, one agent added at a time, on the same random numbers \
                 (paired differences); what the next agent would buy, where spending more helps \
                 most."
            } "\n"
        }
    }

    fn variant(&self, r: &OptimizeResult) -> Markup {
        html! {
            p {
                "Paste this block into " code { (self.file) } " and run "
                code { "staffsim report " (self.file) " --out DIR" }
                " to see the plan side by side with the base scenario:"
            } "\n"
            pre { (r.variant) } "\n"
        }
    }

    fn assumptions(&self, evaluations: usize) -> Markup {
        let b = self.base;
        html! {
            dl.assumptions { "\n"
                (row("Scenario file", html! { code { (self.file) } }))
                (row("Scenario", html! { (quote(&b.name)) }))
                (row("Seed", html! { (b.seed) }))
                (row("Replications", html! {
                    (b.replications.min(SEARCH_REPLICATIONS)) " per plan while searching, "
                    (b.replications) " for the recommended plan, on common random numbers"
                }))
                (row("Plans simulated", html! { (evaluations) }))
                (row("Simulated span", simulated_span(b)))
                @if !b.economics.currency.is_empty() {
                    (row("Currency", html! { (b.economics.currency) }))
                }
                (row("staffsim version", html! { (env!("CARGO_PKG_VERSION")) }))
                (row("Date", html! { (self.date) }))
            } "\n"
            p.note {
                "Every number comes from the simulation of the file below; the same file, seed \
                 and replications give the same answer. Reproduce with "
                code { "staffsim optimize " (self.file) " --out DIR" }
                "; the same answer as JSON is in " code { "optimize.json" } "."
            } "\n"
            pre { (self.source) } "\n"
        }
    }

    fn infeasible(&self, i: &Infeasible) -> Markup {
        html! {
            p.verdict {
                span.miss { "No staffing can meet every target" }
                ", so no plan was searched for. "
                @if i.infeasible.len() == 1 { "One target is" } @else { (i.infeasible.len()) " targets are" }
                " out of reach whatever the number of agents: they depend on when shifts are "
                "rostered or on an outside vendor, not on how many agents there are."
            } "\n"
            table { "\n"
                thead { tr { th { "Target" } th { "Why no staffing can meet it" } } } "\n"
                tbody { "\n"
                    @for u in &i.infeasible {
                        tr { td { code { (u.target) } } td { (u.reason) } } "\n"
                    }
                } "\n"
            } "\n"
            p.note {
                "Every share above is a lower bound for any staffing: a contact that arrives "
                "when nobody is rostered waits at least until the next shift starts, and a "
                "ticket sent to a vendor takes at least the vendor's delay. Change the roster "
                "(a shift at those hours) or the target, then run "
                code { "staffsim optimize " (self.file) } " again."
            } "\n"
        }
    }

    /// The page, `report.html`.
    pub fn render(&self, outcome: &Outcome) -> Vec<u8> {
        let title = format!("Staffing plan: {}", self.base.name);
        let meta = format!(
            "{} · optimized by simulation · {} · staffsim {}",
            self.file,
            self.date,
            env!("CARGO_PKG_VERSION")
        );
        let body = match outcome {
            Outcome::Plan(result) => html! {
                (section("summary", "Summary", self.summary(result)))
                (section("plan", "Recommended plan and the Erlang answer", self.plan(result)))
                (section("targets", "Targets", self.targets(result)))
                (section("kpis", "Key figures", self.kpis(result)))
                (section("marginal", "One more agent", self.marginal(result)))
                (section("variant", "Paste into the scenario", self.variant(result)))
                (section("assumptions", "Assumptions", self.assumptions(result.evaluations)))
            },
            Outcome::Infeasible(i) => html! {
                (section("summary", "Summary", self.infeasible(i)))
                (section("assumptions", "Assumptions", self.assumptions(i.evaluations)))
            },
        };
        page(&title, &meta, body)
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
            key_clients: None,
        }
    }

    #[test]
    fn overlapping_shifts_add_up() {
        let shifts = [shift(8 * 60, 16 * 60, 5), shift(12 * 60, 20 * 60, 4)];
        assert_eq!(on_duty_at(&shifts, None, |s| s.agents), 9);
        assert_eq!(on_duty_at(&shifts, None, |s| s.agents * 2), 18);
        // a night shift across midnight meets the next day's early shift
        let night = [shift(22 * 60, 9 * 60, 3), shift(8 * 60, 16 * 60, 5)];
        assert_eq!(on_duty_at(&night, None, |s| s.agents), 8);
    }

    /// At Monday 10:00 only the early shift works: its agents, not the
    /// early and late shifts added up.
    #[test]
    fn on_duty_at_the_busiest_time_counts_the_shifts_working_then() {
        let shifts = [shift(8 * 60, 16 * 60, 24), shift(12 * 60, 20 * 60, 21)];
        assert_eq!(on_duty_at(&shifts, Some(10 * 60), |s| s.agents), 24);
        assert_eq!(on_duty_at(&shifts, Some(13 * 60), |s| s.agents), 45);
        assert_eq!(
            on_duty_at(&shifts, Some(5 * 1440 + 10 * 60), |s| s.agents),
            0
        );
    }

    #[test]
    fn points_have_a_true_minus() {
        assert_eq!(signed_points(0.065), "+6.5");
        assert_eq!(signed_points(-0.008), "−0.8");
    }
}
