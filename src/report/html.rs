//! `report.html`: one self-contained page a manager can open offline, print
//! or attach to a budget request: a summary in plain words, the KPI table,
//! the charts (SVG inline) and the assumptions. No script, no network: the
//! CSS is in the page, the template is embedded with `include_str!`.

use super::Exporter;
use super::charts::style::{duration, money, pct, pct_tick};
use super::charts::{RenderedChart, has_targets, missed_targets, service_level_target, sweep};
use crate::experiment::{Results, ScenarioResult};
use crate::scenario::Scenario;
use std::fmt::Write;

const TEMPLATE: &str = include_str!("report.html");

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

/// Escapes text for HTML.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Fills `{{name}}` slots in one pass, so filled-in text is never read as a slot.
fn fill(template: &str, slots: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let name = &after[..end];
                match slots.iter().find(|(n, _)| *n == name) {
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&rest[start..start + 2 + end + 2]),
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn mean(s: &ScenarioResult, key: &str) -> f64 {
    s.kpis.get(key).map_or(0.0, |e| e.mean)
}

fn ci(s: &ScenarioResult, key: &str) -> f64 {
    s.kpis.get(key).map_or(0.0, |e| e.ci95)
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

pub(super) fn quote(name: &str) -> String {
    format!("“{}”", esc(name))
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
            .any(|s| mean(s, "cost_total") != 0.0)
    }

    /// The plain-words summary.
    fn summary(&self, results: &Results) -> String {
        let scenarios = &results.scenarios;
        let Some(base) = scenarios.first() else {
            return "<p>No scenario was run.</p>".into();
        };
        let mut items: Vec<String> = Vec::new();
        let cur = self.currency();

        // the verdict
        let verdict = self.verdict(results);

        // the base against its targets
        let sl = mean(base, "service_level");
        let sl_ci = ci(base, "service_level");
        let mut s = format!(
            "The base scenario {} answers <strong>{}</strong> of contacts in time \
             (95% CI {} to {})",
            quote(&base.name),
            pct(sl),
            pct(sl - sl_ci),
            pct(sl + sl_ci)
        );
        if let Some(t) = service_level_target(self.base) {
            let gap = (sl - t) * 100.0;
            if (sl - sl_ci..=sl + sl_ci).contains(&t) {
                let _ = write!(
                    s,
                    ", against a target of {}: too close to call with {} replications \
                     (the interval includes the target)",
                    pct_tick(t),
                    base.replications
                );
            } else if gap < 0.0 {
                let _ = write!(
                    s,
                    ", against a target of {}: <span class=\"miss\">it misses the target by \
                     {:.1} points</span>",
                    pct_tick(t),
                    -gap
                );
            } else {
                let _ = write!(
                    s,
                    ", against a target of {}: <span class=\"ok\">it meets the target</span> \
                     ({:.1} points above)",
                    pct_tick(t),
                    gap
                );
            }
        }
        s.push_str(". ");
        let ab = mean(base, "abandon_rate");
        let _ = write!(s, "{} of contacts hang up before an answer", pct(ab));
        if let Some(max) = self.base.targets.abandon_rate_max {
            let (class, word) = if ab <= max {
                ("ok", "within")
            } else {
                ("miss", "above")
            };
            let _ = write!(
                s,
                " (<span class=\"{class}\">{word} the limit of {}</span>)",
                pct_tick(max)
            );
        }
        let _ = write!(
            s,
            "; answered contacts wait {} on average.",
            duration(mean(base, "asa_seconds"))
        );
        if self.has_costs(results) {
            let _ = write!(
                s,
                " It costs {} over the measured {:.0} days, {} per resolved ticket.",
                money(mean(base, "cost_total"), cur),
                self.days(),
                money(mean(base, "cost_per_incident"), cur)
            );
        }
        items.push(s);

        // channels that miss their own targets
        let mut channel_misses = Vec::new();
        for ch in &self.base.channels {
            if let (Some(t), Some(m)) = (
                ch.service_level_target,
                base.channels
                    .get(&ch.name)
                    .and_then(|m| m.get("service_level")),
            ) && m.mean < t
            {
                channel_misses.push(format!(
                    "{} {} (target {} within {})",
                    esc(&ch.name),
                    pct(m.mean),
                    pct_tick(t),
                    duration(ch.answer_within.as_secs_f64())
                ));
            }
        }
        if !channel_misses.is_empty() {
            items.push(format!(
                "Channels of the base below their own service-level target: {}.",
                channel_misses.join("; ")
            ));
        }

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
            if let Some(e) = d.get("service_level") {
                parts.push(format!(
                    "service level {} points (± {:.1})",
                    signed(e.mean * 100.0),
                    e.ci95 * 100.0
                ));
            }
            if let Some(e) = d.get("abandon_rate") {
                parts.push(format!(
                    "abandon rate {} points (± {:.1})",
                    signed(e.mean * 100.0),
                    e.ci95 * 100.0
                ));
            }
            if let Some(e) = d.get("asa_seconds") {
                let sign = if e.mean < 0.0 { "−" } else { "+" };
                parts.push(format!(
                    "ASA {sign}{} (± {})",
                    duration(e.mean.abs()),
                    duration(e.ci95)
                ));
            }
            if self.has_costs(results)
                && let Some(e) = d.get("cost_total")
            {
                let sign = if e.mean < 0.0 { "−" } else { "+" };
                parts.push(format!(
                    "total cost {sign}{} (± {})",
                    money(e.mean.abs(), cur),
                    money(e.ci95, cur)
                ));
            }
            items.push(format!(
                "{} against the base: {}.",
                quote(&s.name),
                parts.join(", ")
            ));
        }
        if let Some(sw) = &sweep {
            let first = &scenarios[sw.points[0].0];
            let last = &scenarios[sw.points[sw.points.len() - 1].0];
            items.push(format!(
                "The sweep over <code>{}</code> runs {} values, from {} ({} in time) to {} \
                 ({} in time); see the staffing chart.",
                esc(&sw.key),
                sw.points.len(),
                esc(&sw.points[0].2),
                pct(mean(first, "service_level")),
                esc(&sw.points[sw.points.len() - 1].2),
                pct(mean(last, "service_level")),
            ));
        }
        for s in scenarios.iter().filter(|s| s.unstable) {
            items.push(format!(
                "<span class=\"miss\">{} is unstable</span>: more tickets were open at once than \
                 simulation.max_in_system allows, so the plan does not keep up with demand and \
                 its averages understate the queue.",
                quote(&s.name)
            ));
        }
        let mut out = format!("<p class=\"verdict\">{verdict}</p>\n<ul class=\"summary\">\n");
        for i in items {
            let _ = writeln!(out, "<li>{i}</li>");
        }
        out.push_str("</ul>\n");
        out
    }

    /// One sentence: which scenario to pick, or that none meets the targets.
    fn verdict(&self, results: &Results) -> String {
        let scenarios = &results.scenarios;
        let cur = self.currency();
        if !has_targets(self.base) {
            let best = scenarios
                .iter()
                .max_by(|a, b| mean(a, "service_level").total_cmp(&mean(b, "service_level")));
            return match (scenarios.len(), best) {
                (1, _) | (_, None) => {
                    "The scenario states no targets (<code>[targets]</code>), so this report \
                     describes the plan without judging it."
                        .into()
                }
                (_, Some(b)) => format!(
                    "The scenario states no targets (<code>[targets]</code>); of the {} \
                     scenarios, {} has the highest service level ({}).",
                    scenarios.len(),
                    quote(&b.name),
                    pct(mean(b, "service_level"))
                ),
            };
        }
        let meeting: Vec<(usize, &ScenarioResult)> = scenarios
            .iter()
            .enumerate()
            .filter(|(_, s)| missed_targets(s, self.base).is_empty())
            .collect();
        if meeting.is_empty() {
            let closest = scenarios.iter().min_by(|a, b| {
                let (ma, mb) = (
                    missed_targets(a, self.base).len(),
                    missed_targets(b, self.base).len(),
                );
                ma.cmp(&mb)
                    .then(mean(b, "service_level").total_cmp(&mean(a, "service_level")))
            });
            let what = if scenarios.len() == 1 {
                "The plan does not meet its targets".to_string()
            } else {
                format!(
                    "None of the {} scenarios meets every target",
                    scenarios.len()
                )
            };
            return match closest {
                Some(c) => format!(
                    "<span class=\"miss\">{what}.</span> Closest: {} ({}).",
                    quote(&c.name),
                    missed_targets(c, self.base).join("; ")
                ),
                None => format!("<span class=\"miss\">{what}.</span>"),
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
                let mut v = format!(
                    "<span class=\"ok\">The smallest <code>{}</code> that meets every target is \
                     {}</span>: service level {}",
                    esc(&sw.key),
                    esc(&p.2),
                    pct(mean(s, "service_level"))
                );
                if self.has_costs(results) {
                    let _ = write!(
                        v,
                        ", total cost {} over {:.0} days",
                        money(mean(s, "cost_total"), cur),
                        self.days()
                    );
                }
                v.push('.');
                return v;
            }
        }
        if self.has_costs(results) {
            let (i, best) = meeting
                .iter()
                .min_by(|a, b| mean(a.1, "cost_total").total_cmp(&mean(b.1, "cost_total")))
                .copied()
                .unwrap_or(meeting[0]);
            let mut v = if scenarios.len() == 1 {
                format!(
                    "<span class=\"ok\">The plan meets every target</span>, at {} over {:.0} days",
                    money(mean(best, "cost_total"), cur),
                    self.days()
                )
            } else {
                format!(
                    "<span class=\"ok\">{} meets every target at the lowest cost</span>: {} over \
                     {:.0} days, {} per resolved ticket",
                    quote(&best.name),
                    money(mean(best, "cost_total"), cur),
                    self.days(),
                    money(mean(best, "cost_per_incident"), cur)
                )
            };
            if i > 0
                && let Some(d) = best.vs_base.as_ref().and_then(|d| d.get("cost_total"))
            {
                let word = if d.mean >= 0.0 { "more" } else { "less" };
                let _ = write!(
                    v,
                    " ({} {word} than the base, ± {})",
                    money(d.mean.abs(), cur),
                    money(d.ci95, cur)
                );
            }
            v.push('.');
            return v;
        }
        let names: Vec<String> = meeting.iter().map(|(_, s)| quote(&s.name)).collect();
        format!(
            "<span class=\"ok\">Meets every target:</span> {} (the scenario sets no costs to \
             compare them by).",
            names.join(", ")
        )
    }

    fn kpi_table(&self, results: &Results) -> String {
        let cur = self.currency();
        let costs = self.has_costs(results);
        let targets = has_targets(self.base);
        let mut h = String::from("<table>\n<thead><tr><th>Scenario</th>");
        let mut cols: Vec<(&str, &str)> = vec![
            ("Service level", "service_level"),
            ("Abandon rate", "abandon_rate"),
            ("ASA (mean wait)", "asa_seconds"),
            ("90% answered within", "wait_p90_seconds"),
            ("Occupancy", "occupancy"),
            ("First-contact resolution", "fcr"),
        ];
        if costs {
            cols.push(("Total cost", "cost_total"));
            cols.push(("Cost per incident", "cost_per_incident"));
        }
        for (label, _) in &cols {
            let _ = write!(h, "<th>{label}</th>");
        }
        if targets {
            h.push_str("<th class=\"targets\">Targets</th>");
        }
        h.push_str("</tr></thead>\n<tbody>\n");
        for s in &results.scenarios {
            let _ = write!(h, "<tr><td>{}", esc(&s.name));
            if s.unstable {
                h.push_str(" <span class=\"miss\">(unstable)</span>");
            }
            h.push_str("</td>");
            for (_, key) in &cols {
                let (m, c) = (mean(s, key), ci(s, key));
                let (v, pm) = match *key {
                    "service_level" | "abandon_rate" | "occupancy" | "fcr" => {
                        (pct(m), format!("± {:.1} pts", c * 100.0))
                    }
                    "asa_seconds" | "wait_p90_seconds" => {
                        (duration(m), format!("± {}", duration(c)))
                    }
                    _ => (money(m, cur), format!("± {}", money(c, cur))),
                };
                let _ = write!(h, "<td>{v}<span class=\"ci\">{pm}</span></td>");
            }
            if targets {
                let missed = missed_targets(s, self.base);
                if missed.is_empty() {
                    h.push_str("<td class=\"targets\"><span class=\"ok\">✓ all met</span></td>");
                } else {
                    let _ = write!(
                        h,
                        "<td class=\"targets\"><span class=\"miss\">✗ missed:</span> {}</td>",
                        esc(&missed.join("; "))
                    );
                }
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n</table>\n");
        let _ = writeln!(
            h,
            "<p class=\"note\">Mean over {} replications; “±” is the half-width of the 95% \
             confidence interval. Service level: contacts answered within their channel's \
             threshold, of all offered. ASA: mean wait of answered contacts. Costs over the \
             measured {:.0} days.</p>",
            results.scenarios.first().map_or(0, |s| s.replications),
            self.days()
        );
        if let Some(base) = results.scenarios.first() {
            h.push_str(&self.channel_table(base));
        }
        h
    }

    fn channel_table(&self, base: &ScenarioResult) -> String {
        let mut h = format!(
            "<h3>Channels of the base scenario {}</h3>\n<table>\n<thead><tr><th>Channel</th>\
             <th>Offered</th><th>Service level</th><th>Target</th><th>Abandon rate</th>\
             <th>ASA</th></tr></thead>\n<tbody>\n",
            quote(&base.name)
        );
        for ch in &self.base.channels {
            let Some(m) = base.channels.get(&ch.name) else {
                continue;
            };
            let g = |k: &str| m.get(k).map_or(0.0, |e| e.mean);
            let target = match ch.service_level_target {
                Some(t) => {
                    let class = if g("service_level") >= t {
                        "ok"
                    } else {
                        "miss"
                    };
                    format!(
                        "<span class=\"{class}\">{} within {}</span>",
                        pct_tick(t),
                        duration(ch.answer_within.as_secs_f64())
                    )
                }
                None => format!(
                    "none (threshold {})",
                    duration(ch.answer_within.as_secs_f64())
                ),
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{target}</td><td>{}</td><td>{}</td></tr>",
                esc(&ch.name),
                super::charts::style::thousands(g("offered")),
                pct(g("service_level")),
                pct(g("abandon_rate")),
                duration(g("asa_seconds"))
            );
        }
        h.push_str("</tbody>\n</table>\n");
        h.push_str(&format!(
            "<p class=\"note\">Offered: contacts over the measured {:.0} days, mean per replication.</p>\n",
            self.days()
        ));
        h
    }

    fn charts(&self) -> String {
        let mut h = String::new();
        for (n, c) in self.charts.iter().enumerate() {
            let _ = write!(
                h,
                "<figure id=\"figure-{id}\">\n{svg}\n<figcaption>Figure {num}: {title}. Also in \
                 <code>charts/{id}.svg</code> and <code>charts/{id}.png</code>.</figcaption>\n\
                 </figure>\n",
                id = c.id,
                svg = c.svg.trim(),
                num = n + 1,
                title = esc(&c.title)
            );
        }
        h
    }

    fn assumptions(&self, results: &Results) -> String {
        let b = self.base;
        let names: Vec<String> = results.scenarios.iter().map(|s| quote(&s.name)).collect();
        let reps = results
            .scenarios
            .first()
            .map_or(b.replications, |s| s.replications);
        let mut h = String::from("<dl class=\"assumptions\">\n");
        let mut row = |k: &str, v: String| {
            let _ = writeln!(h, "<dt>{k}</dt><dd>{v}</dd>");
        };
        row("Scenario file", format!("<code>{}</code>", esc(self.file)));
        row(
            "Scenarios",
            format!("{}: {}", results.scenarios.len(), names.join(", ")),
        );
        row("Seed", b.seed.to_string());
        row(
            "Replications",
            format!("{reps} independent runs of every scenario, on common random numbers"),
        );
        row(
            "Simulated span",
            format!(
                "{}, of which the first {} is discarded as warm-up ({:.0} days measured)",
                span(b.horizon.as_secs_f64()),
                span(b.warmup.as_secs_f64()),
                self.days()
            ),
        );
        row("Interval", esc(&b.interval.to_string()));
        if !b.economics.currency.is_empty() {
            row("Currency", esc(&b.economics.currency));
        }
        row("staffsim version", env!("CARGO_PKG_VERSION").to_string());
        row("Date", esc(self.date));
        h.push_str("</dl>\n");
        let _ = write!(
            h,
            "<p class=\"note\">Every number comes from the simulation of the file below; the \
             same file, seed and replications give the same results. Reproduce with \
             <code>staffsim report {} --out DIR</code>.</p>\n<pre>{}</pre>\n",
            esc(self.file),
            esc(self.source)
        );
        h
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
        let sections = [
            section("summary", "Summary", &self.summary(results)),
            section("kpis", "Key figures", &self.kpi_table(results)),
            section(
                "erlang",
                "What the Erlang formulas say",
                &results
                    .scenarios
                    .first()
                    .map(|s| super::erlang::section(self.base, s))
                    .unwrap_or_default(),
            ),
            section("charts", "Charts", &self.charts()),
            section("assumptions", "Assumptions", &self.assumptions(results)),
        ];
        page(&title, &meta, &sections.concat())
    }
}

/// A whole page: the template (its style sheet) around `sections`.
pub(super) fn page(title: &str, meta: &str, sections: &str) -> Vec<u8> {
    fill(
        TEMPLATE,
        &[
            ("title", esc(title)),
            ("meta", esc(meta)),
            ("version", esc(env!("CARGO_PKG_VERSION"))),
            ("sections", sections.to_string()),
        ],
    )
    .into_bytes()
}

/// One `<section>` of a page, with its heading (`heading` is HTML).
pub(super) fn section(id: &str, heading: &str, content: &str) -> String {
    format!("<section id=\"{id}\">\n<h2>{heading}</h2>\n{content}</section>\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_slots_once() {
        let out = fill(
            "<p>{{a}} {{b}} {{c}}</p>",
            &[("a", "{{b}}".into()), ("b", "x".into())],
        );
        assert_eq!(out, "<p>{{b}} x {{c}}</p>");
    }

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
    fn escapes() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn the_template_has_every_slot() {
        for slot in ["title", "meta", "version", "sections"] {
            assert!(TEMPLATE.contains(&format!("{{{{{slot}}}}}")), "{slot}");
        }
    }
}
