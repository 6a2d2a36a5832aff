//! The section "What the Erlang formulas say" of `report.html`: for each
//! line taking live channels, the per-interval requirement of
//! [`crate::calculator::scenario_requirements`] (what `staffsim erlang FILE`
//! prints) beside the agents the base scenario has on duty and the service
//! level the simulation measured in the same intervals.
//!
//! To stay readable, consecutive intervals of a day with the same
//! requirement and about the same agents on duty are shown as one row
//! (their service level pooled over the contacts offered in them).

use super::charts::style::{duration, pct, pct_tick};
use crate::calculator::{ChannelRequirement, scenario_requirements};
use crate::experiment::{IntervalResult, ScenarioResult};
use crate::kpi::Kpi;
use crate::scenario::{MINUTES_PER_DAY, Scenario, WEEKDAY_NAMES, WEEKDAYS};
use maud::{Markup, Render, html};
use std::collections::{BTreeMap, HashMap};

/// More rows than this for the busiest day: only those starting on the
/// hour (and the peak) are shown.
const MAX_DAY_ROWS: usize = 48;

/// Intervals whose agents on duty differ by less than this from the first
/// of a row are shown in the same row.
const SAME_ON_DUTY: f64 = 0.5;

/// Agents per channel of a line: `None` with no arrivals in the interval,
/// `Some(None)` when the target is out of the calculator's reach.
type Need = Vec<Option<Option<u32>>>;

/// One interval of the week on one line.
struct Interval<'a> {
    /// Weekday index (0 = Monday).
    day: usize,
    /// Minute of the day it starts.
    minute: u32,
    /// The requirement per channel of the line.
    need: Need,
    /// The simulated interval, if the measured window holds it.
    sim: Option<&'a IntervalResult>,
}

impl Interval<'_> {
    /// Agents for every channel of the line together, each staffed alone;
    /// `None` when one is out of reach.
    fn total(&self) -> Option<u32> {
        self.need
            .iter()
            .flatten()
            .try_fold(0u32, |acc, n| n.map(|n| acc.saturating_add(n)))
    }

    /// For choosing the peak: out of reach counts as most.
    fn rank(&self) -> u32 {
        self.total().unwrap_or(u32::MAX)
    }

    fn line_value(&self, line: &str, key: Kpi) -> Option<f64> {
        self.sim
            .and_then(|iv| iv.lines.get(line))
            .and_then(|m| m.get(&key).copied())
    }

    /// Contacts offered to a channel and answered in time, per occurrence.
    fn in_time(&self, channel: &str) -> Option<(f64, f64)> {
        let m = self.sim?.channels.get(channel)?;
        let offered = m.get(&Kpi::Offered).copied().unwrap_or(0.0);
        (offered > 0.0).then(|| {
            (
                offered,
                offered * m.get(&Kpi::ServiceLevel).copied().unwrap_or(0.0),
            )
        })
    }
}

/// Consecutive intervals of one day with the same requirement and about
/// the same agents on duty, shown as one row.
struct Block<'a> {
    intervals: Vec<&'a Interval<'a>>,
    /// Length of an interval, minutes.
    step: u32,
}

impl Block<'_> {
    fn first(&self) -> &Interval<'_> {
        self.intervals[0]
    }

    fn need(&self) -> &[Option<Option<u32>>] {
        &self.first().need
    }

    fn total(&self) -> Option<u32> {
        self.first().total()
    }

    /// `10:00–12:00`.
    fn hours(&self) -> String {
        let clock = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
        let end = self.intervals.last().map_or(0, |i| i.minute) + self.step;
        format!("{}–{}", clock(self.first().minute), clock(end))
    }

    /// The service level of a channel over the block's contacts.
    fn service_level(&self, channel: &str) -> Option<f64> {
        let (offered, in_time) = self
            .intervals
            .iter()
            .filter_map(|i| i.in_time(channel))
            .fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
        (offered > 0.0).then(|| in_time / offered)
    }

    /// The time average of a line figure over the block.
    fn line_value(&self, line: &str, key: Kpi) -> Option<f64> {
        let values: Vec<f64> = self
            .intervals
            .iter()
            .filter_map(|i| i.line_value(line, key))
            .collect();
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    }

    fn contains(&self, i: &Interval) -> bool {
        self.intervals.iter().any(|j| std::ptr::eq(*j, i))
    }
}

/// Splits the week's intervals (in order) into blocks.
fn blocks<'a>(intervals: &'a [Interval<'a>], line: &str, step: u32) -> Vec<Block<'a>> {
    let mut out: Vec<Block> = Vec::new();
    for i in intervals {
        if let Some(b) = out.last_mut() {
            let last = b.intervals[b.intervals.len() - 1];
            let first = b.first();
            let duty = |x: &Interval| x.line_value(line, Kpi::AgentsOnDuty);
            let same_duty = match (duty(first), duty(i)) {
                (Some(a), Some(c)) => (a - c).abs() < SAME_ON_DUTY,
                (None, None) => true,
                _ => false,
            };
            if last.day == i.day
                && last.minute + step == i.minute
                && last.need == i.need
                && same_duty
            {
                b.intervals.push(i);
                continue;
            }
        }
        out.push(Block {
            intervals: vec![i],
            step,
        });
    }
    out
}

/// Agents who can take a contact: on duty less those on break.
fn available(on_duty: f64, on_break: f64) -> f64 {
    (on_duty - on_break).max(0.0)
}

/// Agents as people read them: `16`, `22.4`.
fn agents(x: f64) -> String {
    if (x - x.round()).abs() < 0.05 {
        format!("{:.0}", x.round())
    } else {
        format!("{x:.1}")
    }
}

fn need_text(n: Option<Option<u32>>) -> String {
    match n {
        None => "–".into(),
        Some(Some(n)) => n.to_string(),
        Some(None) => "out of reach".into(),
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list<T: Render>(items: &[T]) -> Markup {
    html! {
        @for (i, item) in items.iter().enumerate() {
            @if i + 1 == items.len() && i > 0 { " and " } @else if i > 0 { ", " }
            (item)
        }
    }
}

/// What the simulation of line `l` includes that the formulas leave out.
fn left_out(sc: &Scenario, l: usize) -> Vec<Markup> {
    let line = &sc.lines[l];
    let mut out = Vec::new();
    if line.channels.len() > 1 {
        let names: Vec<String> = line
            .channels
            .iter()
            .map(|&c| sc.channels[c].name.clone())
            .collect();
        out.push(html! { (and_list(&names)) " sharing the agents" });
    }
    if sc.lines.iter().any(|o| o.escalates_to == Some(l))
        || line.escalates_to.is_some()
        || sc.ticket_types.iter().any(|t| t.misroute > 0.0)
    {
        out.push(html! { "escalations" });
    }
    if line.breaks.is_some() {
        out.push(html! { "breaks" });
    }
    if !line.shifts.is_empty() {
        out.push(html! { "shifts" });
    }
    if line
        .channels
        .iter()
        .any(|&c| sc.channels[c].retry.is_some())
    {
        out.push(html! { "callers who try again" });
    }
    if sc.economics.absenteeism > 0.0 {
        out.push(html! { "absence" });
    }
    if sc
        .arrivals
        .iter()
        .any(|a| sc.channels[a.channel].line == l && a.volume_cv > 0.0)
    {
        out.push(html! { "day-to-day swings in volume" });
    }
    out
}

/// The section's HTML for the base scenario `sc` and its results.
pub(super) fn section(sc: &Scenario, result: &ScenarioResult) -> Markup {
    let req = scenario_requirements(sc, None);
    let sims: HashMap<(&str, &str), &IntervalResult> = result
        .intervals
        .iter()
        .map(|iv| ((iv.weekday, iv.start.as_str()), iv))
        .collect();
    let mut parts = Vec::new();
    for (l, line) in sc.lines.iter().enumerate() {
        let channels: Vec<(&str, &ChannelRequirement)> = req
            .channels
            .iter()
            .filter(|(_, c)| c.line == line.name && !c.intervals.is_empty())
            .map(|(n, c)| (n.as_str(), c))
            .collect();
        if channels.is_empty() {
            continue;
        }
        let part = Part {
            sc,
            l,
            channels: &channels,
            step: req.interval_minutes.max(1),
            replications: result.replications,
        };
        parts.push(part.render(&sims));
    }
    html! {
        p {
            "The Erlang formulas (" code { "staffsim erlang FILE" } ") give the agents each live \
             channel needs in each interval to meet its service-level target, as if the channel \
             had its agents to itself, contacts arrived at a steady rate through the interval \
             and nothing else took the agents' time. Beside them: the agents the base scenario \
             has on duty in those intervals, those of them available (not on break), and the \
             service level the simulation measured. Where the simulation misses the target \
             with as many agents available as the formulas ask for, the formulas mislead; \
             with fewer, the plan is short."
        } "\n"
        @for p in &parts { (p) }
        @if parts.is_empty() {
            p {
                "The scenario has no live channel with arrivals, so the formulas have nothing to \
                 say: they size queues people wait on the line in, not backlogs."
            } "\n"
        }
        @for n in &req.notes { p.note { (n) "." } "\n" }
    }
}

/// The part of one line.
struct Part<'a> {
    sc: &'a Scenario,
    l: usize,
    channels: &'a [(&'a str, &'a ChannelRequirement)],
    /// Length of an interval, minutes.
    step: u32,
    replications: u32,
}

/// The first of `items` with the highest rank.
fn busiest<'a, T>(items: impl Iterator<Item = &'a T>, rank: impl Fn(&T) -> u32) -> Option<&'a T> {
    items.fold(None, |best: Option<&T>, x| match best {
        Some(b) if rank(b) >= rank(x) => Some(b),
        _ => Some(x),
    })
}

impl Part<'_> {
    fn line(&self) -> &str {
        &self.sc.lines[self.l].name
    }

    /// The plain-words summary, the count over the week, the busiest day
    /// and the peak of every day.
    fn render(&self, sims: &HashMap<(&str, &str), &IntervalResult>) -> Markup {
        let line = self.line();
        let channels = self.channels;
        // every interval of the week with arrivals on any of the channels
        let mut keyed: BTreeMap<(usize, u32), (&str, Need)> = BTreeMap::new();
        for (i, (_, ch)) in channels.iter().enumerate() {
            for iv in &ch.intervals {
                let day = WEEKDAYS.iter().position(|d| *d == iv.weekday).unwrap_or(0);
                let minute = iv
                    .start
                    .split_once(':')
                    .and_then(|(h, m)| Some(h.parse::<u32>().ok()? * 60 + m.parse::<u32>().ok()?))
                    .unwrap_or(0)
                    .min(MINUTES_PER_DAY);
                keyed
                    .entry((day, minute))
                    .or_insert_with(|| (iv.start.as_str(), vec![None; channels.len()]))
                    .1[i] = Some(iv.required_agents);
            }
        }
        let intervals: Vec<Interval> = keyed
            .into_iter()
            .map(|((day, minute), (start, need))| Interval {
                day,
                minute,
                need,
                sim: sims.get(&(WEEKDAYS[day], start)).copied(),
            })
            .collect();
        let Some(peak) = busiest(intervals.iter(), Interval::rank) else {
            return html! {};
        };
        let all = blocks(&intervals, line, self.step);
        let flat = intervals.iter().all(|i| i.need == peak.need);
        let Some(peak_block) = all.iter().find(|b| b.contains(peak)) else {
            return html! {};
        };
        let whole_week = Block {
            intervals: intervals.iter().collect(),
            step: self.step,
        };
        let names: Vec<&str> = channels.iter().map(|(n, _)| *n).collect();
        let summary = if flat {
            self.summary("In every interval of the week", &whole_week)
        } else {
            let when = format!(
                "At the busiest time, {} {}",
                WEEKDAY_NAMES[peak.day],
                peak_block.hours().replace('–', " to ")
            );
            self.summary(&when, peak_block)
        };

        // the busiest day
        let mut day: Vec<&Block> = all.iter().filter(|b| b.first().day == peak.day).collect();
        let thinned = day.len() > MAX_DAY_ROWS;
        if thinned {
            day.retain(|b| b.first().minute % 60 == 0 || std::ptr::eq(*b, peak_block));
        }
        // the peak of every day
        let peaks: Vec<&Block> = (0..7)
            .filter_map(|d| busiest(intervals.iter().filter(|i| i.day == d), Interval::rank))
            .filter_map(|p| all.iter().find(|b| b.contains(p)))
            .collect();
        html! {
            h3 { "Line " (line) ": " (and_list(&names)) } "\n"
            (summary)
            (self.week(&intervals))
            h3 {
                (WEEKDAY_NAMES[peak.day])
                (if flat { ", like every day" } else { ", the busiest day" })
            } "\n"
            (self.table("Time", &day, peak_block, |b| b.hours()))
            @if thinned {
                p.note {
                    "Only the rows starting on the hour are shown; " code { "staffsim erlang FILE" }
                    " and " code { "intervals.csv" } " have every interval."
                } "\n"
            }
            @if !flat && peaks.len() > 1 {
                h3 { "The busiest time of each day" } "\n"
                (self.table("Day", &peaks, peak_block, |b| {
                    format!("{} {}", WEEKDAY_NAMES[b.first().day], b.hours())
                }))
            }
            (self.notes())
        }
    }

    /// The paragraph on the busiest time (or the whole week when the
    /// requirement never changes).
    fn summary(&self, when: &str, b: &Block) -> Markup {
        let line = self.line();
        let channels = self.channels;
        let mut says: Vec<Markup> = Vec::new();
        for (i, (name, _)) in channels.iter().enumerate() {
            if let Some(n) = b.need()[i] {
                let first = says.is_empty();
                says.push(html! {
                    @match n {
                        Some(n) => { strong { (n) } }
                        None => { "more agents than it can count" }
                    }
                    (if first { " agents for " } else { " for " }) (name)
                });
            }
        }
        let mut reached: Vec<Markup> = Vec::new();
        let mut misses = false;
        for (name, ch) in channels {
            if let Some(sl) = b.service_level(name) {
                let below = sl < ch.target;
                misses |= below;
                reached.push(html! {
                    @if below { span.miss { (pct(sl)) } } @else { strong { (pct(sl)) } }
                    " for " (name) " (target " (pct_tick(ch.target)) ")"
                });
            }
        }
        let factors = left_out(self.sc, self.l);
        let on_duty = b
            .line_value(line, Kpi::AgentsOnDuty)
            .filter(|_| !reached.is_empty());
        let on_break = b.line_value(line, Kpi::AgentsOnBreak).unwrap_or(0.0);
        html! {
            p {
                (when) ", the Erlang formulas say " (and_list(&says))
                @if channels.len() > 1 && let Some(t) = b.total() {
                    ", " strong { (t) } " on " (line) " if each channel had agents of its own"
                }
                ". "
                @if factors.is_empty() {
                    "The simulation "
                } @else {
                    "The simulation, with " (and_list(&factors)) ", "
                }
                @if let Some(d) = on_duty {
                    @let avail = available(d, on_break);
                    "reaches " (and_list(&reached)) " with the " strong { (agents(d)) }
                    " agents on duty"
                    @if on_break >= 0.05 {
                        " (" (agents(on_break)) " of them on break on average, so "
                        strong { (agents(avail)) } " available)"
                    }
                    "."
                    @if let Some(t) = b.total() {
                        @let t = f64::from(t);
                        @if avail + 1e-9 >= t && misses {
                            " " span.miss {
                                "As many agents available as the formulas ask for, or more, and \
                                 still short of the target"
                            }
                            ": here the formulas mislead."
                        } @else if d + 1e-9 >= t && avail + 1e-9 < t && misses {
                            " " span.miss {
                                "Enough agents on duty, but once breaks are taken fewer are \
                                 available than the formulas ask for"
                            }
                            ": the plan itself is short, and the formulas agree."
                        } @else if avail + 1e-9 < t && !misses {
                            " Fewer agents available than the formulas ask for, and still on \
                             target: here the formulas ask for too many."
                        }
                    }
                } @else {
                    "measured no contacts then to compare with."
                }
            } "\n"
        }
    }

    /// Over the week: intervals with the agents the formulas ask for, and
    /// how often the simulation disagrees.
    fn week(&self, intervals: &[Interval]) -> Markup {
        let line = self.line();
        let channels = self.channels;
        let mut with_enough = 0usize;
        let mut compared = 0usize;
        let mut misled = vec![0usize; channels.len()];
        let mut pessimistic = vec![0usize; channels.len()];
        for r in intervals {
            let (Some(t), Some(d)) = (r.total(), r.line_value(line, Kpi::AgentsOnDuty)) else {
                continue;
            };
            let d = available(d, r.line_value(line, Kpi::AgentsOnBreak).unwrap_or(0.0));
            compared += 1;
            let enough = d + 1e-9 >= f64::from(t);
            with_enough += usize::from(enough);
            for (i, (name, ch)) in channels.iter().enumerate() {
                if let Some((offered, in_time)) = r.in_time(name) {
                    let sl = in_time / offered;
                    if enough && sl < ch.target {
                        misled[i] += 1;
                    } else if !enough && sl >= ch.target {
                        pessimistic[i] += 1;
                    }
                }
            }
        }
        if compared == 0 {
            return html! {};
        }
        let count = |counts: &[usize]| -> Vec<String> {
            channels
                .iter()
                .zip(counts)
                .filter(|(_, n)| **n > 0)
                .map(|((name, _), n)| format!("{name} in {n}"))
                .collect()
        };
        let (missing, better) = (count(&misled), count(&pessimistic));
        html! {
            p {
                "Over the week, " (line) " has at least the agents the formulas ask for available \
                 (on duty and not on break) in "
                (with_enough) " of the " (compared) " intervals with contacts"
                @if with_enough > 0 {
                    @if missing.is_empty() {
                        "; in all of those the simulation meets every channel's target"
                    } @else {
                        "; in some of those the simulation still misses the target: "
                        (and_list(&missing))
                    }
                }
                "."
                @if !better.is_empty() {
                    " With fewer agents than the formulas ask for, the simulation still meets \
                     the target: " (and_list(&better)) "."
                }
            } "\n"
        }
    }

    fn notes(&self) -> Markup {
        let models: Vec<String> = self
            .channels
            .iter()
            .map(|(n, c)| {
                format!(
                    "{n}: {}, handling time {}{}{}{}",
                    c.model.label(),
                    duration(c.aht_seconds),
                    c.wrap_up_seconds
                        .map(|w| format!(" (talk and a wrap-up of {})", duration(w)))
                        .unwrap_or_default(),
                    c.patience_seconds
                        .map(|p| format!(", patience {}", duration(p)))
                        .unwrap_or_default(),
                    c.shrinkage
                        .map(|s| format!(
                            ", shrinkage {:.0}% (rostered = required / (1 − shrinkage), rounded up)",
                            s * 100.0
                        ))
                        .unwrap_or_default()
                )
            })
            .collect();
        html! {
            p.note {
                "Erlang: agents needed, each channel staffed alone (" (models.join("; "))
                "). Simulated service level: contacts arriving in the row's intervals answered \
                 within the channel's threshold, over every week measured and "
                (self.replications)
                " replications. On duty, on break, available: time averages over the interval \
                 of the agents on duty at each moment (only the shifts working then), those of \
                 them on break, and the others, who can take a contact: the formulas are \
                 compared with the agents available. A row joins consecutive intervals with the \
                 same requirement and about the same agents on duty."
                @for (n, c) in self.channels {
                    @if let Some(note) = &c.note { " " (n) ": " (note) }
                }
            } "\n"
        }
    }

    /// A table of `rows`: per channel the requirement and the simulated
    /// service level, then the line's agents.
    fn table(
        &self,
        first: &str,
        rows: &[&Block],
        peak: &Block,
        label: impl Fn(&Block) -> String,
    ) -> Markup {
        let line = self.line();
        let channels = self.channels;
        let several = channels.len() > 1;
        let v = |b: &Block, k: Kpi| b.line_value(line, k).map_or_else(|| "–".into(), agents);
        html! {
            table { "\n"
                thead {
                    tr {
                        th.blank {}
                        @for (name, ch) in channels {
                            th colspan="2" class="group" {
                                (name) " (target " (pct_tick(ch.target)) " within "
                                (duration(ch.answer_within_seconds)) ")"
                            }
                        }
                        th colspan=(if several { 4 } else { 3 }) class="group" { "Line " (line) }
                    } "\n"
                    tr {
                        th { (first) }
                        @for _ in channels {
                            th.sub { "Erlang: agents" } th.sub { "Simulated service level" }
                        }
                        @if several { th.sub { "Erlang: all channels" } }
                        th.sub { "On duty" } th.sub { "On break" } th.sub { "Available" }
                    }
                } "\n"
                tbody { "\n"
                    @for b in rows {
                        tr class=[std::ptr::eq(*b, peak).then_some("peak")] {
                            td { (label(b)) }
                            @for (i, (name, ch)) in channels.iter().enumerate() {
                                td { (need_text(b.need()[i])) }
                                td {
                                    @match b.service_level(name) {
                                        Some(sl) if sl < ch.target => { span.miss { (pct(sl)) } }
                                        Some(sl) => { (pct(sl)) }
                                        None => { "–" }
                                    }
                                }
                            }
                            @if several {
                                td {
                                    @match b.total() {
                                        Some(t) => { (t) }
                                        None => { "out of reach" }
                                    }
                                }
                            }
                            td { (v(b, Kpi::AgentsOnDuty)) } td { (v(b, Kpi::AgentsOnBreak)) }
                            td {
                                @match b.line_value(line, Kpi::AgentsOnDuty) {
                                    Some(d) => {
                                        (agents(available(d, b.line_value(line, Kpi::AgentsOnBreak).unwrap_or(0.0))))
                                    }
                                    None => { "–" }
                                }
                            }
                        } "\n"
                    }
                } "\n"
            } "\n"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_agents_read_well() {
        let list = |items: &[&str]| and_list(items).into_string();
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["a"]), "a");
        assert_eq!(list(&["a", "b"]), "a and b");
        assert_eq!(list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(list(&["<i>"]), "&lt;i&gt;");
        assert_eq!(agents(16.01), "16");
        assert_eq!(agents(22.416), "22.4");
    }
}
