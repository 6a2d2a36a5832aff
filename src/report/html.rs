//! `report.html`: one self-contained page a manager can open offline, print
//! or attach to a budget request: a summary in plain words, the KPI table,
//! the charts (SVG inline) and the assumptions. No script, no network: the
//! CSS is in the page. The pages are `maud` templates, so every text from
//! the scenario is escaped unless a template says otherwise.

use super::Exporter;
use super::charts::style::{duration, money, pct, pct_tick, thousands};
use super::charts::{RenderedChart, has_targets, missed_targets, sweep};
use super::words;
use crate::experiment::{Results, ScenarioResult};
use crate::kpi::{self, Kpi, Unit};
use crate::scenario::Scenario;
use crate::targets::{self, Judgement};
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// The style sheet of every page.
const CSS: &str = include_str!("report.css");

/// The HTML report of a run.
#[derive(Debug, Clone, Copy)]
pub struct HtmlReport<'a> {
    /// The base scenario (targets, currency, horizon, seed).
    pub base: &'a Scenario,
    /// The scenario file, as the user named it.
    pub file: &'a str,
    /// The scenario file's text, shown under the assumptions.
    pub source: &'a str,
    /// When the results were made (`YYYY-MM-DDTHH:MM:SSZ`).
    pub date: &'a str,
    /// The charts, shown inline in this order.
    pub charts: &'a [RenderedChart],
}

fn mean(s: &ScenarioResult, key: Kpi) -> f64 {
    s.kpis.get(&key).map_or(0.0, |e| e.mean)
}

fn ci(s: &ScenarioResult, key: Kpi) -> f64 {
    s.kpis.get(&key).map_or(0.0, |e| e.ci95)
}

/// A span of simulated time: `35 days`, `1 day`, `12 h`, else as [`duration`].
pub(super) fn span(secs: f64) -> String {
    let days = secs / 86_400.0;
    let hours = secs / 3600.0;
    if secs >= 86_400.0 && (days - days.round()).abs() < 1e-9 {
        let d = days.round();
        format!("{d:.0} day{}", if d == 1.0 { "" } else { "s" })
    } else if secs >= 3600.0 && (hours - hours.round()).abs() < 1e-9 {
        format!("{:.0} h", hours.round())
    } else {
        duration(secs)
    }
}

/// `+2.0`, `−0.8` (a true minus sign, as in the other differences).
pub(super) fn signed(x: f64) -> String {
    let s = format!("{x:+.1}");
    s.replacen('-', "−", 1)
}

/// A name in quotes, as text (escaped where it is put in a page).
pub(super) fn quote(name: &str) -> String {
    format!("“{name}”")
}

/// `items` one after another with `sep` between them.
pub(super) fn join(items: &[Markup], sep: &str) -> Markup {
    html! {
        @for (i, item) in items.iter().enumerate() {
            @if i > 0 { (sep) }
            (item)
        }
    }
}

impl HtmlReport<'_> {
    fn currency(&self) -> &str {
        &self.base.economics.currency
    }

    fn days(&self) -> f64 {
        self.base.window().as_secs_f64() / 86_400.0
    }

    fn has_costs(&self, results: &Results) -> bool {
        results
            .scenarios
            .iter()
            .any(|s| mean(s, Kpi::CostTotal) != 0.0)
    }

    /// The summary's lead: the base's worst target, the channel that
    /// misses its own target by most (a whole-desk target only when no
    /// channel target is missed), then the other targets it misses. Without
    /// targets: the channel answered worst.
    fn lead_item(&self, base: &ScenarioResult) -> Markup {
        let idle: Vec<String> = base
            .targets
            .iter()
            .filter(|j| j.no_traffic)
            .map(words::judgement)
            .collect();
        let Some(w) = targets::worst(&base.targets) else {
            return html! {
                (self.worst_channel_item(base))
                @if !idle.is_empty() {
                    " No contact arrived to judge the targets on: " (idle.join("; ")) "."
                }
            };
        };
        let mut others: Vec<&Judgement> = base
            .targets
            .iter()
            .filter(|j| j.missed() && !std::ptr::eq(*j, w))
            .collect();
        others.sort_by(|a, b| {
            a.channel()
                .is_none()
                .cmp(&b.channel().is_none())
                .then(b.shortfall().total_cmp(&a.shortfall()))
        });
        let others: Vec<String> = others.into_iter().map(words::judgement).collect();
        let ci = w.ci95 > 0.0 && base.replications > 1;
        html! {
            "The base scenario " (quote(&base.name))
            @match w.channel() {
                Some(c) => {
                    @if w.met { ", channel closest to its target: " } @else { ", worst channel against its target: " }
                    strong { (c) } ", "
                }
                None => { ", against the whole-desk target (all channels mixed): " }
            }
            (words::measure(w))
            @if ci {
                " (95% CI " (w.kpi.show(w.value - w.ci95, "")) " to "
                (w.kpi.show(w.value + w.ci95, "")) ")"
            }
            ": "
            @if w.too_close_to_call() {
                "too close to call with " (base.replications)
                " replications (the interval includes the target)"
            } @else if w.met {
                span.ok { (words::verdict(w)) }
            } @else {
                span.miss { (words::verdict(w)) }
            }
            "."
            @if !others.is_empty() {
                " Also missed: " (others.join("; ")) "."
            } @else if w.met && base.targets.len() > idle.len() + 1 {
                " Every other target is met with more room."
            }
            @if !idle.is_empty() {
                " No traffic to judge: " (idle.join("; ")) "."
            }
        }
    }

    /// Without targets: the base's channel with the lowest service level.
    fn worst_channel_item(&self, base: &ScenarioResult) -> Markup {
        let worst = self
            .base
            .channels
            .iter()
            .filter_map(|ch| {
                let m = base.channels.get(&ch.name)?;
                let offered = m.get(&Kpi::Offered).map_or(0.0, |e| e.mean);
                let sl = m.get(&Kpi::ServiceLevel).filter(|e| e.mean.is_finite())?;
                (offered > 0.0).then_some((ch, *sl))
            })
            .min_by(|a, b| a.1.mean.total_cmp(&b.1.mean));
        let Some((ch, sl)) = worst else {
            return html! {
                "The base scenario " (quote(&base.name)) " had "
                strong { "no traffic" } ": no contact arrived in the measured window."
            };
        };
        html! {
            "The base scenario " (quote(&base.name)) " answers "
            @if self.base.channels.len() > 1 { "its worst channel, " }
            strong { (ch.name) } ", " strong { (pct(sl.mean)) } " in time (within "
            (duration(ch.answer_within.as_secs_f64())) ")"
            @if sl.ci95 > 0.0 && base.replications > 1 {
                " (95% CI " (pct(sl.mean - sl.ci95)) " to " (pct(sl.mean + sl.ci95)) ")"
            }
            "."
        }
    }

    /// The base's figures over every channel together, labelled as mixed
    /// when they mix live and backlog channels, and its costs.
    fn mix_item(&self, results: &Results, base: &ScenarioResult) -> Markup {
        let cur = self.currency();
        let sl = mean(base, Kpi::ServiceLevel);
        let sl_ci = ci(base, Kpi::ServiceLevel);
        let ab = mean(base, Kpi::AbandonRate);
        let several = self.base.channels.len() > 1;
        if crate::kpi::no_traffic(&base.kpis) {
            return html! {
                "With no traffic there is no service level, abandon rate or wait to report."
                @if self.has_costs(results) {
                    " The plan costs " (money(mean(base, Kpi::CostTotal), cur)) " over the measured "
                    (format!("{:.0}", self.days())) " days."
                }
            };
        }
        html! {
            @if several {
                "Over all channels together"
                @if let Some(m) = &base.mixed {
                    " (mixing live " (m.live.join(", ")) " with backlog " (m.backlog.join(", "))
                    ": judge each channel on its own)"
                }
                ", "
            } @else {
                "Overall, "
            }
            strong { (pct(sl)) } " of contacts are answered in time"
            @if sl_ci > 0.0 && base.replications > 1 {
                " (95% CI " (pct(sl - sl_ci)) " to " (pct(sl + sl_ci)) ")"
            }
            ", " (pct(ab)) " hang up before an answer, and answered contacts wait "
            (duration(mean(base, Kpi::AsaSeconds))) " on average."
            @if self.has_costs(results) {
                " It costs " (money(mean(base, Kpi::CostTotal), cur)) " over the measured "
                (format!("{:.0}", self.days())) " days, "
                (money(mean(base, Kpi::CostPerIncident), cur)) " per resolved ticket."
            }
        }
    }

    /// The plain-words summary.
    fn summary(&self, results: &Results) -> Markup {
        let scenarios = &results.scenarios;
        let Some(base) = scenarios.first() else {
            return html! { p { "No scenario was run." } };
        };
        let cur = self.currency();
        let mut items = vec![self.lead_item(base), self.mix_item(results, base)];

        // each variant against the base, in paired differences
        let sweep = sweep(results);
        let in_sweep = |i: usize| {
            sweep
                .as_ref()
                .is_some_and(|sw| sw.points.iter().any(|p| p.0 == i))
        };
        for (i, s) in scenarios.iter().enumerate().skip(1) {
            if in_sweep(i) {
                continue;
            }
            let Some(d) = &s.vs_base else { continue };
            let mut parts = Vec::new();
            let sign = |x: f64| if x < 0.0 { "−" } else { "+" };
            if let Some(e) = d.get(&Kpi::ServiceLevel).filter(|e| e.mean.is_finite()) {
                parts.push(format!(
                    "service level {} points (± {:.1})",
                    signed(e.mean * 100.0),
                    e.ci95 * 100.0
                ));
            }
            if let Some(e) = d.get(&Kpi::AbandonRate).filter(|e| e.mean.is_finite()) {
                parts.push(format!(
                    "abandon rate {} points (± {:.1})",
                    signed(e.mean * 100.0),
                    e.ci95 * 100.0
                ));
            }
            if let Some(e) = d.get(&Kpi::AsaSeconds).filter(|e| e.mean.is_finite()) {
                parts.push(format!(
                    "ASA {}{} (± {})",
                    sign(e.mean),
                    duration(e.mean.abs()),
                    duration(e.ci95)
                ));
            }
            if self.has_costs(results)
                && let Some(e) = d.get(&Kpi::CostTotal)
            {
                parts.push(format!(
                    "total cost {}{} (± {})",
                    sign(e.mean),
                    money(e.mean.abs(), cur),
                    money(e.ci95, cur)
                ));
            }
            items.push(html! { (quote(&s.name)) " against the base: " (parts.join(", ")) "." });
        }
        if let Some(sw) = &sweep {
            let (first, last) = (&sw.points[0], &sw.points[sw.points.len() - 1]);
            items.push(html! {
                "The sweep over " code { (sw.key) } " runs " (sw.points.len()) " values, from "
                (first.2) " (" (pct(mean(&scenarios[first.0], Kpi::ServiceLevel))) " in time) to "
                (last.2) " (" (pct(mean(&scenarios[last.0], Kpi::ServiceLevel)))
                " in time); see the staffing chart."
            });
        }
        // every warning of every scenario, once each
        for s in scenarios {
            for w in &s.warnings {
                items.push(html! {
                    span.miss {
                        "Warning"
                        @if scenarios.len() > 1 { " (" (quote(&s.name)) ")" }
                    }
                    ": " (w) "."
                });
            }
            if s.unstable && s.warnings.is_empty() {
                items.push(html! {
                    span.miss { (quote(&s.name)) " is unstable" }
                    ": the plan does not keep up with demand and its averages understate the queue."
                });
            }
        }
        html! {
            p.verdict { (self.verdict(results)) } "\n"
            ul.summary { "\n"
                @for i in &items { li { (i) } "\n" }
            } "\n"
        }
    }

    /// One sentence: which scenario to pick, or that none meets the targets.
    fn verdict(&self, results: &Results) -> Markup {
        let scenarios = &results.scenarios;
        let cur = self.currency();
        let days = format!("{:.0}", self.days());
        if !has_targets(self.base) {
            let best = scenarios
                .iter()
                .filter(|s| mean(s, Kpi::ServiceLevel).is_finite())
                .max_by(|a, b| mean(a, Kpi::ServiceLevel).total_cmp(&mean(b, Kpi::ServiceLevel)));
            return match (scenarios.len(), best) {
                (1, _) | (_, None) => html! {
                    "The scenario states no targets (" code { "[targets]" } "), so this report \
                     describes the plan without judging it."
                },
                (n, Some(b)) => html! {
                    "The scenario states no targets (" code { "[targets]" } "); of the " (n)
                    " scenarios, " (quote(&b.name)) " has the highest service level ("
                    (pct(mean(b, Kpi::ServiceLevel))) ")."
                },
            };
        }
        if scenarios.iter().all(|s| crate::kpi::no_traffic(&s.kpis)) {
            return html! {
                "No contact arrived in the measured window: there was " strong { "no traffic" }
                " to judge the plan on."
            };
        }
        // met: nothing missed, and something judged (a scenario with no
        // traffic meets nothing)
        let meeting: Vec<(usize, &ScenarioResult)> = scenarios
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                missed_targets(s, self.base).is_empty()
                    && (s.targets.is_empty() || s.targets.iter().any(|j| !j.no_traffic))
            })
            .collect();
        if meeting.is_empty() {
            let closest = scenarios.iter().min_by(|a, b| {
                let (ma, mb) = (
                    missed_targets(a, self.base).len(),
                    missed_targets(b, self.base).len(),
                );
                ma.cmp(&mb)
                    .then(mean(b, Kpi::ServiceLevel).total_cmp(&mean(a, Kpi::ServiceLevel)))
            });
            let what = if scenarios.len() == 1 {
                "The plan does not meet its targets".to_string()
            } else {
                format!(
                    "None of the {} scenarios meets every target",
                    scenarios.len()
                )
            };
            return html! {
                span.miss { (what) "." }
                @if let Some(c) = closest {
                    " Closest: " (quote(&c.name)) " ("
                    (missed_targets(c, self.base).join("; ")) ")."
                }
            };
        }
        if let Some(sw) = sweep(results) {
            let mut ok: Vec<&(usize, f64, String)> = sw
                .points
                .iter()
                .filter(|p| meeting.iter().any(|(i, _)| *i == p.0))
                .collect();
            ok.sort_by(|a, b| a.1.total_cmp(&b.1));
            if let Some(p) = ok.first() {
                let s = &scenarios[p.0];
                return html! {
                    span.ok {
                        "The smallest " code { (sw.key) } " that meets every target is " (p.2)
                    }
                    ": service level " (pct(mean(s, Kpi::ServiceLevel)))
                    @if self.has_costs(results) {
                        ", total cost " (money(mean(s, Kpi::CostTotal), cur)) " over " (days) " days"
                    }
                    "."
                };
            }
        }
        if self.has_costs(results) {
            let (i, best) = meeting
                .iter()
                .min_by(|a, b| mean(a.1, Kpi::CostTotal).total_cmp(&mean(b.1, Kpi::CostTotal)))
                .copied()
                .unwrap_or(meeting[0]);
            let total = money(mean(best, Kpi::CostTotal), cur);
            let vs_base = best
                .vs_base
                .as_ref()
                .and_then(|d| d.get(&Kpi::CostTotal))
                .filter(|_| i > 0);
            return html! {
                @if scenarios.len() == 1 {
                    span.ok { "The plan meets every target" } ", at " (total) " over " (days) " days"
                } @else {
                    span.ok { (quote(&best.name)) " meets every target at the lowest cost" }
                    ": " (total) " over " (days) " days, "
                    (money(mean(best, Kpi::CostPerIncident), cur)) " per resolved ticket"
                }
                @if let Some(d) = vs_base {
                    " (" (money(d.mean.abs(), cur))
                    (if d.mean >= 0.0 { " more" } else { " less" })
                    " than the base, ± " (money(d.ci95, cur)) ")"
                }
                "."
            };
        }
        let names: Vec<String> = meeting.iter().map(|(_, s)| quote(&s.name)).collect();
        html! {
            span.ok { "Meets every target:" } " " (names.join(", "))
            " (the scenario sets no costs to compare them by)."
        }
    }

    fn kpi_table(&self, results: &Results) -> Markup {
        let cur = self.currency();
        let targets = has_targets(self.base);
        let mut cols = kpi::KEY_FIGURES.to_vec();
        if self.has_costs(results) {
            cols.extend(kpi::KEY_COSTS);
        }
        let cell = |s: &ScenarioResult, kpi: Kpi| {
            let (m, c) = (mean(s, kpi), ci(s, kpi));
            if m.is_nan() {
                return (kpi.show(m, cur), String::new());
            }
            let half = match kpi.unit() {
                Unit::Share => format!("± {:.1} pts", c * 100.0),
                unit => format!("± {}", unit.show(c, cur)),
            };
            (kpi.show(m, cur), half)
        };
        html! {
            table { "\n"
                thead { tr {
                    th { "Scenario" }
                    @for kpi in &cols { th { (kpi.title()) } }
                    @if targets { th.targets { "Targets" } }
                } } "\n"
                tbody { "\n"
                    @for s in &results.scenarios {
                        tr {
                            td {
                                (s.name)
                                @if s.unstable { " " span.miss { "(unstable)" } }
                            }
                            @for &kpi in &cols {
                                @let (v, pm) = cell(s, kpi);
                                td { (v) span.ci { (pm) } }
                            }
                            @if targets {
                                @let missed = missed_targets(s, self.base);
                                td.targets {
                                    @if missed.is_empty() && !s.targets.is_empty() && s.targets.iter().all(|j| j.no_traffic) {
                                        "no traffic"
                                    } @else if missed.is_empty() {
                                        span.ok { "✓ all met" }
                                    } @else {
                                        span.miss { "✗ missed:" } " " (missed.join("; "))
                                    }
                                }
                            }
                        } "\n"
                    }
                } "\n"
            } "\n"
            p.note {
                "Mean over " (results.scenarios.first().map_or(0, |s| s.replications))
                " replications; “±” is the half-width of the 95% confidence interval. Service \
                 level: contacts answered within their channel's threshold, of all offered. ASA: \
                 mean wait of answered contacts. Costs over the measured "
                (format!("{:.0}", self.days())) " days."
            } "\n"
            @if let Some(base) = results.scenarios.first() {
                (self.channel_table(base))
            }
        }
    }

    fn channel_table(&self, base: &ScenarioResult) -> Markup {
        html! {
            h3 { "Channels of the base scenario " (quote(&base.name)) } "\n"
            table { "\n"
                thead { tr {
                    th { "Channel" } th { "Offered" } th { "Service level" } th { "Target" }
                    th { "Abandon rate" } th { "ASA" }
                } } "\n"
                tbody { "\n"
                    @for ch in &self.base.channels {
                        @if let Some(m) = base.channels.get(&ch.name) {
                            @let g = |k: Kpi| m.get(&k).map_or(0.0, |e| e.mean);
                            @let within = duration(ch.answer_within.as_secs_f64());
                            tr {
                                td { (ch.name) }
                                td { (thousands(g(Kpi::Offered))) }
                                td { (pct(g(Kpi::ServiceLevel))) }
                                td {
                                    @match ch.targets.service_level {
                                        Some(t) if g(Kpi::ServiceLevel).is_nan() => {
                                            (pct_tick(t)) " within " (within)
                                        }
                                        Some(t) => {
                                            span class=(if g(Kpi::ServiceLevel) >= t { "ok" } else { "miss" }) {
                                                (pct_tick(t)) " within " (within)
                                            }
                                        }
                                        None => { "none (threshold " (within) ")" }
                                    }
                                }
                                td { (pct(g(Kpi::AbandonRate))) }
                                td { (duration(g(Kpi::AsaSeconds))) }
                            } "\n"
                        }
                    }
                } "\n"
            } "\n"
            p.note {
                "Offered: contacts over the measured " (format!("{:.0}", self.days()))
                " days, mean per replication."
            } "\n"
        }
    }

    fn charts(&self) -> Markup {
        html! {
            @for (n, c) in self.charts.iter().enumerate() {
                figure id={ "figure-" (c.id) } { "\n"
                    // the chart's SVG, drawn by plotters (which escapes its texts)
                    (PreEscaped(c.svg.trim())) "\n"
                    figcaption {
                        "Figure " (n + 1) ": " (c.title) ". Also in " code { "charts/" (c.id) ".svg" }
                        " and " code { "charts/" (c.id) ".png" } "."
                    } "\n"
                } "\n"
            }
        }
    }

    fn assumptions(&self, results: &Results) -> Markup {
        let b = self.base;
        let names: Vec<String> = results.scenarios.iter().map(|s| quote(&s.name)).collect();
        let reps = results
            .scenarios
            .first()
            .map_or(b.replications, |s| s.replications);
        html! {
            dl.assumptions { "\n"
                (row("Scenario file", html! { code { (self.file) } }))
                (row("Scenarios", html! { (results.scenarios.len()) ": " (names.join(", ")) }))
                (row("Seed", html! { (b.seed) }))
                (row("Replications", html! {
                    (reps) " independent runs of every scenario, on common random numbers"
                }))
                (row("Simulated span", simulated_span(b)))
                (row("Interval", html! { (b.interval.to_string()) }))
                @if !b.economics.currency.is_empty() {
                    (row("Currency", html! { (b.economics.currency) }))
                }
                (row("staffsim version", html! { (env!("CARGO_PKG_VERSION")) }))
                (row("Date", html! { (self.date) }))
            } "\n"
            p.note {
                "Every number comes from the simulation of the file below; the same file, seed \
                 and replications give the same results. Reproduce with "
                code { "staffsim report " (self.file) " --out DIR" } "."
            } "\n"
            pre { (self.source) } "\n"
        }
    }
}

/// The parts of `cost_total`, in the order a budget lists them, with the
/// colour of their band in the stacked bar.
const COST_PARTS: [(Kpi, &str); 6] = [
    (Kpi::CostWages, "#4e79a7"),
    (Kpi::CostOverhead, "#a0cbe8"),
    (Kpi::CostTraining, "#59a14f"),
    (Kpi::CostOvertime, "#f28e2b"),
    (Kpi::CostVendor, "#b07aa1"),
    (Kpi::CostAbandon, "#e15759"),
];

impl HtmlReport<'_> {
    /// The cost section: per scenario, each part of the total over the
    /// measured window, the total per month and per year, and a bar of the
    /// parts stacked to the total (the widest total fills the width).
    fn costs(&self, results: &Results) -> Markup {
        let cur = self.currency();
        let scenarios = &results.scenarios;
        let widest = scenarios
            .iter()
            .map(|s| mean(s, Kpi::CostTotal))
            .filter(|x| x.is_finite())
            .fold(0.0_f64, f64::max);
        html! {
            p {
                "Over the measured " (format!("{:.0}", self.days())) " days, and scaled to a                  30.4-day month and a 365-day year. Wages are paid hours at each line's wage;                  overhead and training are on top of them; overtime is paid at the overtime rate."
            } "\n"
            table.costs {
                thead { tr {
                    th { "Part" }
                    @for s in scenarios { th { (quote(&s.name)) } }
                } } "\n"
                tbody {
                    @for (key, colour) in COST_PARTS {
                        tr {
                            td { span.swatch style={ "background:" (colour) } {} " " (key.title()) }
                            @for s in scenarios { td { (money(mean(s, key), cur)) } }
                        } "\n"
                    }
                    tr.total {
                        td { "Total" }
                        @for s in scenarios { td { (money(mean(s, Kpi::CostTotal), cur)) } }
                    } "\n"
                    tr {
                        td { "Per month" }
                        @for s in scenarios { td { (money(mean(s, Kpi::CostPerMonth), cur)) } }
                    } "\n"
                    tr {
                        td { "Per year" }
                        @for s in scenarios { td { (money(mean(s, Kpi::CostPerYear), cur)) } }
                    } "\n"
                }
            } "\n"
            @for s in scenarios {
                div.stack-row {
                    span.stack-name { (quote(&s.name)) }
                    span.stack role="img" aria-label={ "costs of " (s.name) } {
                        @for (key, colour) in COST_PARTS {
                            @let x = mean(s, key);
                            @if widest > 0.0 && x.is_finite() && x > 0.0 {
                                span style={ "width:" (format!("{:.2}", 100.0 * x / widest)) "%;background:" (colour) }
                                    title={ (key.title()) ": " (key.show(x, cur)) } {}
                            }
                        }
                    }
                } "\n"
            }
        }
    }
}

/// One row of the assumptions.
pub(super) fn row(key: &str, value: Markup) -> Markup {
    html! { dt { (key) } dd { (value) } "\n" }
}

/// The simulated span of `b`, with its warm-up and the days measured.
pub(super) fn simulated_span(b: &Scenario) -> Markup {
    html! {
        (span(b.horizon.as_secs_f64())) ", of which the first " (span(b.warmup.as_secs_f64()))
        " is discarded as warm-up (" (format!("{:.0}", b.window().as_secs_f64() / 86_400.0))
        " days measured)"
    }
}

impl Exporter for HtmlReport<'_> {
    fn render(&self, results: &Results) -> Vec<u8> {
        let base_name = results
            .scenarios
            .first()
            .map_or(self.base.name.as_str(), |s| s.name.as_str());
        let title = format!("Staffing report: {base_name}");
        let meta = format!(
            "{} · {} scenario(s) · {} · staffsim {}",
            self.file,
            results.scenarios.len(),
            self.date,
            env!("CARGO_PKG_VERSION")
        );
        let erlang = results
            .scenarios
            .first()
            .map(|s| super::erlang::section(self.base, s));
        page(
            &title,
            &meta,
            html! {
                (section("summary", "Summary", self.summary(results)))
                (section("kpis", "Key figures", self.kpi_table(results)))
                (section("erlang", "What the Erlang formulas say", html! { @if let Some(e) = erlang { (e) } }))
                @if self.has_costs(results) {
                    (section("costs", "What it costs", self.costs(results)))
                }
                (section("charts", "Charts", self.charts()))
                (section("assumptions", "Assumptions", self.assumptions(results)))
            },
        )
    }
}

/// A whole page: the style sheet, the title and `sections`.
pub(super) fn page(title: &str, meta: &str, sections: Markup) -> Vec<u8> {
    html! {
        (DOCTYPE) "\n"
        html lang="en" { "\n"
            head { "\n"
                meta charset="utf-8"; "\n"
                meta name="viewport" content="width=device-width, initial-scale=1"; "\n"
                meta name="generator" content={ "staffsim " (env!("CARGO_PKG_VERSION")) }; "\n"
                title { (title) } "\n"
                style { "\n" (PreEscaped(CSS)) } "\n"
            } "\n"
            body { "\n"
                header { "\n" h1 { (title) } "\n" p.meta { (meta) } "\n" } "\n\n"
                (sections) "\n"
            } "\n"
        } "\n"
    }
    .into_string()
    .into_bytes()
}

/// One `<section>` of a page, with its heading.
pub(super) fn section(id: &str, heading: &str, content: Markup) -> Markup {
    html! { section id=(id) { "\n" h2 { (heading) } "\n" (content) } "\n\n" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans() {
        assert_eq!(span(35.0 * 86_400.0), "35 days");
        assert_eq!(span(86_400.0), "1 day");
        assert_eq!(span(12.0 * 3600.0), "12 h");
        assert_eq!(span(90.0), "1.5 min");
    }

    #[test]
    fn signs() {
        assert_eq!(signed(2.04), "+2.0");
        assert_eq!(signed(-0.8), "−0.8");
    }

    #[test]
    fn texts_are_escaped() {
        let page = String::from_utf8(page(
            "<script>x</script>",
            "\"'&<>",
            section("s", "<b>", html! { (quote("<i>")) }),
        ))
        .unwrap();
        assert!(!page.contains("<script"), "{page}");
        assert!(!page.contains("<b>") && !page.contains("<i>"), "{page}");
        assert!(page.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(page.contains("&quot;'&amp;&lt;&gt;"));
    }
}
