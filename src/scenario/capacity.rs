//! Offered load against capacity, line by line: the check that flags a plan
//! whose queues would grow without bound before any simulation runs.

use super::{MINUTES_PER_DAY, Scenario};
use std::fmt;

/// A line whose average offered work exceeds its average staffed capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct Overload {
    /// The line's name.
    pub line: String,
    /// Offered load: hours of agent work arriving per hour, averaged over the week.
    pub load: f64,
    /// Agents on duty and not on break, averaged over the week.
    pub capacity: f64,
    /// True when the line's tickets never abandon (escalations, backlog
    /// channels, misrouting returns): its queue then grows without bound and
    /// the scenario is unstable. False for a line fed only by live channels
    /// whose customers hang up: abandonment absorbs the excess.
    pub unbounded: bool,
}

impl fmt::Display for Overload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let against = if self.capacity > 0.0 {
            format!(
                "{:.1} agents available on average over the week ({:.0}%)",
                self.capacity,
                100.0 * self.load / self.capacity
            )
        } else {
            "no agent ever available".to_string()
        };
        if self.unbounded {
            write!(
                f,
                "line {}: offered load {:.1} agents' worth of work against {against}; tickets reaching it do not abandon, so its queue grows without bound and the results describe a desk that does not keep up",
                self.line, self.load,
            )
        } else {
            write!(
                f,
                "line {}: offered load {:.1} agents' worth of work against {against}; more work arrives than its agents can do, so customers wait until they hang up: abandonment, not staffing, decides how many are answered",
                self.line, self.load,
            )
        }
    }
}

/// Average offered load (in agents' worth of work) at every line, over the
/// week: the traffic equations of the line network with each ticket type's
/// handling and resolution, misrouting returns included, chat concurrency
/// counted as a fraction of an agent. Retries are left out.
pub fn offered_load(sc: &Scenario) -> Vec<f64> {
    let mut load = vec![0.0; sc.lines.len()];
    for a in &sc.arrivals {
        let ch = &sc.channels[a.channel];
        let rate = sc.mean_rate(a.channel);
        for (t, tt) in sc.ticket_types.iter().enumerate() {
            let mut flow = rate * tt.share;
            let mut line = Some(ch.line);
            let mut first = true;
            let mut steps = 0;
            while let Some(l) = line {
                if sc.lines[l].external.is_some() {
                    break;
                }
                // a misrouted ticket comes back for another first-line handling
                let passes = if first && tt.misroute > 0.0 {
                    let m = tt.misroute;
                    (1.0 - m.powi(sc.max_misroutes as i32 + 1)) / (1.0 - m)
                } else {
                    1.0
                };
                let share = if first {
                    1.0 / ch.concurrency.max(1) as f64
                } else {
                    1.0
                };
                // an agent is occupied for the talk and the wrap-up after it
                let mean = sc.mean_occupied(t, a.channel, l).unwrap_or(0.0);
                load[l] += flow * passes * mean * share;
                flow *= 1.0 - sc.resolve(t, l);
                line = sc.lines[l].escalates_to;
                first = false;
                steps += 1;
                if steps > sc.lines.len() {
                    break;
                }
            }
        }
    }
    load
}

/// Agents on duty and not on break at every line, averaged over the week.
pub fn capacity(sc: &Scenario) -> Vec<f64> {
    sc.lines
        .iter()
        .map(|line| {
            if line.external.is_some() {
                return f64::INFINITY;
            }
            let (present, shift_minutes) = if let Some(r) = &line.roster {
                (r.mean(sc.horizon), None)
            } else if line.shifts.is_empty() {
                (line.agents as f64, None)
            } else {
                let week = 7.0 * MINUTES_PER_DAY as f64;
                let agent_minutes: f64 = line
                    .shifts
                    .iter()
                    .map(|s| {
                        s.agents as f64
                            * s.minutes() as f64
                            * s.days.iter().filter(|d| **d).count() as f64
                    })
                    .sum();
                let mean_shift = line.shifts.iter().map(|s| s.minutes() as f64).sum::<f64>()
                    / line.shifts.len() as f64;
                (
                    agent_minutes / week * (1.0 - sc.economics.absenteeism),
                    Some(mean_shift * 60.0),
                )
            };
            let on_break = line.breaks.as_ref().map_or(0.0, |b| {
                let every = (b.every.0 + b.every.1) / 2.0;
                let short = b.length / (every + b.length);
                let lunch = match (b.lunch, shift_minutes) {
                    (Some((_, len)), Some(shift)) if shift > 0.0 => len / shift,
                    _ => 0.0,
                };
                (short + lunch).min(1.0)
            });
            // shrinkage is a share of on-duty time, breaks included
            present * (1.0 - on_break - line.shrinkage).max(0.0)
        })
        .collect()
}

/// Lines that cannot keep up on average: those whose tickets never abandon
/// (escalated tickets, backlog channels) first make the scenario unstable,
/// their queues growing without bound ([`Overload::unbounded`]); those fed
/// only by customers who hang up lose the excess to abandonment.
pub fn overloads(sc: &Scenario) -> Vec<Overload> {
    let load = offered_load(sc);
    let cap = capacity(sc);
    sc.lines
        .iter()
        .enumerate()
        .filter(|&(l, _)| load[l] > 0.0 && load[l] >= cap[l])
        .map(|(l, line)| {
            // a line fed only by live channels whose customers abandon is
            // bounded by abandonment; anything else piles up
            let escalated_in = sc.lines.iter().any(|x| x.escalates_to == Some(l));
            let patient_in = sc
                .channels
                .iter()
                .any(|c| c.line == l && c.patience.is_none());
            Overload {
                line: line.name.clone(),
                load: load[l],
                capacity: cap[l],
                unbounded: escalated_in
                    || patient_in
                    || sc.ticket_types.iter().any(|t| t.misroute > 0.0),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;

    #[test]
    fn a_line_with_no_agents_reads_plainly() {
        let o = Overload {
            line: "L2".into(),
            load: 2.5,
            capacity: 0.0,
            unbounded: true,
        };
        let text = o.to_string();
        assert!(text.contains("against no agent ever available;"), "{text}");
        assert!(!text.contains("inf"), "{text}");
    }

    fn scenario(agents_l2: u32, patience: &str) -> Scenario {
        let text = format!(
            r#"
[simulation]
horizon = "1d"
[[channel]]
name = "phone"
{patience}
[[arrivals]]
channel = "phone"
per_hour = 120
[[line]]
name = "L1"
channels = ["phone"]
agents = 9
handle = {{ dist = "exponential", mean = "4m" }}
resolve = 0.5
escalates_to = "L2"
[[line]]
name = "L2"
agents = {agents_l2}
handle = "10m"
"#
        );
        load_str(&text, "t.toml", None).unwrap()
    }

    #[test]
    fn loads_follow_the_traffic_equations() {
        let sc = scenario(12, "");
        let load = offered_load(&sc);
        assert!((load[0] - 8.0).abs() < 1e-9, "{load:?}");
        assert!((load[1] - 10.0).abs() < 1e-9, "{load:?}");
        assert_eq!(capacity(&sc), vec![9.0, 12.0]);
        assert!(overloads(&sc).is_empty());
    }

    #[test]
    fn an_overloaded_second_line_is_flagged_and_an_abandoning_first_line_is_not() {
        let sc = scenario(9, "patience = \"2m\"");
        let o = overloads(&sc);
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].line, "L2");
        assert!(o[0].unbounded);
        assert!(o[0].to_string().contains("line L2: offered load 10.0"));
        // L1 with 7 agents at 8 Erlangs is overloaded too: flagged, but its
        // callers abandon, so its queue stays bounded
        let text = scenario(12, "patience = \"2m\"");
        let mut sc = text;
        sc.lines[0].agents = 7;
        let l1 = overloads(&sc).into_iter().find(|o| o.line == "L1").unwrap();
        assert!(!l1.unbounded);
        assert!(l1.to_string().contains("(114%)"), "{l1}");
        assert!(l1.to_string().contains("hang up"), "{l1}");
        sc.channels[0].patience = None;
        assert!(overloads(&sc).iter().any(|o| o.line == "L1" && o.unbounded));
    }
}
