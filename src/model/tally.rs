//! What one replication counts, and the KPIs computed from it.

use crate::economics::{cost_kpis, costs};
use crate::scenario::Scenario;
use crate::stats::{DurationHistogram, KpiValues, RunKpis, coefficient_of_variation, ratio};

/// Counters of one channel (contacts that arrived after the warm-up).
#[derive(Debug, Clone, Default)]
pub struct ChannelTally {
    /// Contacts offered: first attempts and retries.
    pub offered: u64,
    /// Distinct contacts (first attempts).
    pub unique: u64,
    /// Attempts that reached an agent.
    pub answered: u64,
    /// Attempts that left before an agent took them.
    pub abandoned: u64,
    /// Abandoned attempts that will try again.
    pub retried: u64,
    /// Abandoned attempts whose new attempt fell due while the channel was
    /// closed (lost, or moved to the next opening: `retry.after_closing`).
    pub retries_after_closing: u64,
    /// Attempts answered within the channel's threshold.
    pub answered_in_time: u64,
    /// Sum of waits to first answer, seconds.
    pub wait_sum: f64,
    /// Attempts still waiting for a first answer at the horizon.
    pub waiting_end: u64,
    /// Waits to first answer, microseconds.
    pub waits: DurationHistogram,
    /// Handlings of this channel's tickets that ended, at every staffed line.
    pub handled: u64,
    /// Sum of those handling (talk) times, seconds.
    pub handle_sum: f64,
    /// Sum of the wrap-ups after those handlings, seconds.
    pub wrap_sum: f64,
    /// This channel's tickets resolved.
    pub resolved: u64,
    /// Of those, resolved within the channel's `resolved_within` time.
    pub resolved_in_target: u64,
}

/// Counters of one line (tickets that arrived after the warm-up; times in
/// seconds inside the measured window).
#[derive(Debug, Clone, Default)]
pub struct LineTally {
    /// Tickets that joined this line (first contacts, escalations, returns).
    pub offered: u64,
    /// Tickets an agent of this line started on.
    pub answered: u64,
    /// Tickets that abandoned from this line's queue.
    pub abandoned: u64,
    /// Tickets whose handling here ended.
    pub handled: u64,
    /// Tickets this line passed on.
    pub escalated: u64,
    /// Sum of waits in this line's queue, seconds.
    pub wait_sum: f64,
    /// Sum of handling (talk) times, seconds (an outside vendor's: its delays).
    pub handle_sum: f64,
    /// Sum of wrap-ups after those handlings, seconds.
    pub wrap_sum: f64,
    /// Tickets still in this line's queue at the horizon.
    pub waiting_end: u64,
    /// Tickets in service on this line at the horizon.
    pub in_service_end: u64,
    /// Time agents were on duty (shift time, overtime included, breaks included).
    pub on_duty: f64,
    /// Time agents spent on breaks and lunch.
    pub on_break: f64,
    /// Time agents spent off the phones for shrinkage (meetings, coaching, admin).
    pub shrinkage: f64,
    /// Time agents worked past the end of their shift.
    pub overtime: f64,
    /// Paid time (rostered shifts, absent days included when paid).
    pub paid: f64,
    /// Agent-days rostered.
    pub agent_days: f64,
    /// Agent-days lost to absence.
    pub absent_days: f64,
    /// Busy time: capacity in use over time, in agent-seconds.
    pub busy: f64,
    /// Tickets sent to this (external) line.
    pub vendor_tickets: u64,
    /// Short breaks taken per agent-shift: entry n counts the agent-shifts
    /// (on a shift that started after the warm-up and ended by the horizon)
    /// in which the agent took n short breaks (lunch not counted).
    pub short_breaks_per_shift: Vec<u64>,
}

/// Counters of one ticket type.
#[derive(Debug, Clone, Default)]
pub struct TypeTally {
    /// Tickets of this type (distinct contacts).
    pub offered: u64,
    /// First answers.
    pub answered: u64,
    /// Sum of waits to first answer, seconds.
    pub wait_sum: f64,
    /// Tickets resolved.
    pub resolved: u64,
    /// Sum of arrival-to-resolution times, seconds.
    pub resolution_sum: f64,
    /// Tickets whose first handling ended.
    pub first_handled: u64,
    /// Tickets resolved by their first line at the first contact.
    pub first_contact_resolved: u64,
    /// Tickets escalated at least once.
    pub escalated: u64,
    /// Tickets misrouted at least once.
    pub misrouted: u64,
}

/// Per-interval counters, folded over the week (slot = weekday × interval).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct IntervalTally {
    /// Slots per week.
    pub slots: usize,
    /// Times each slot occurred inside the measured window.
    pub occurrences: Vec<u32>,
    /// Per channel and slot: offered, answered, abandoned, answered in time, wait sum.
    pub channels: Vec<Vec<[f64; 5]>>,
    /// Per line and slot: queue-length area, max queue, busy area, on-duty
    /// area, on-break area, rostered agents (summed over occurrences).
    pub lines: Vec<Vec<[f64; 6]>>,
}

impl IntervalTally {
    fn new(sc: &Scenario) -> Self {
        let slots = (7 * 86_400_000_000 / sc.interval.0.max(1)) as usize;
        IntervalTally {
            slots,
            occurrences: vec![0; slots],
            channels: vec![vec![[0.0; 5]; slots]; sc.channels.len()],
            lines: vec![vec![[0.0; 6]; slots]; sc.lines.len()],
        }
    }
}

/// Everything one replication counts; memory does not depend on the horizon.
#[derive(Debug, Clone)]
pub struct RunTally {
    /// Per channel, in scenario order.
    pub channels: Vec<ChannelTally>,
    /// Per line, in scenario order.
    pub lines: Vec<LineTally>,
    /// Per ticket type, in scenario order.
    pub types: Vec<TypeTally>,
    /// Handled tickets per agent (agents numbered line by line).
    pub agent_handled: Vec<u64>,
    /// Busy seconds per agent inside the measured window.
    pub agent_busy: Vec<f64>,
    /// Seconds each agent was available inside the measured window: on
    /// duty (overtime included) less breaks, the time its occupancy is
    /// measured on, as the line's is.
    pub agent_available: Vec<f64>,
    /// Waits to first answer, microseconds.
    pub waits: DurationHistogram,
    /// Tickets resolved.
    pub resolved: u64,
    /// Resolved within the `resolved_within` target time.
    pub resolved_in_target: u64,
    /// Sum of arrival-to-resolution times of resolved tickets, seconds.
    pub resolution_sum: f64,
    /// Tickets resolved by their first line with no escalation or misroute.
    pub first_contact_resolved: u64,
    /// Tickets whose first handling ended (resolved there or passed on).
    pub first_handled: u64,
    /// Tickets escalated at least once.
    pub escalated_tickets: u64,
    /// Tickets misrouted at least once.
    pub misrouted_tickets: u64,
    /// Handlings at the first line, summed over resolved tickets.
    pub first_line_passes: u64,
    /// Most misroutes of any one ticket.
    pub max_misroutes: u32,
    /// Tickets open at the horizon (all, warm-up arrivals included).
    pub backlog_end: u64,
    /// The run was stopped because too many tickets were open.
    pub overflow: bool,
    /// Events handled by the engine.
    pub events: u64,
    /// Per-interval counters.
    pub intervals: IntervalTally,
}

impl RunTally {
    /// Empty tallies shaped for `sc`.
    pub fn new(sc: &Scenario) -> Self {
        let agents: usize = sc.lines.iter().map(|l| l.headcount() as usize).sum();
        RunTally {
            channels: vec![ChannelTally::default(); sc.channels.len()],
            lines: vec![LineTally::default(); sc.lines.len()],
            types: vec![TypeTally::default(); sc.ticket_types.len()],
            agent_handled: vec![0; agents],
            agent_busy: vec![0.0; agents],
            agent_available: vec![0.0; agents],
            waits: DurationHistogram::new(),
            resolved: 0,
            resolved_in_target: 0,
            resolution_sum: 0.0,
            first_contact_resolved: 0,
            first_handled: 0,
            escalated_tickets: 0,
            misrouted_tickets: 0,
            first_line_passes: 0,
            max_misroutes: 0,
            backlog_end: 0,
            overflow: false,
            events: 0,
            intervals: IntervalTally::new(sc),
        }
    }

    /// The KPIs of this run, named as in the results contract.
    pub fn kpis(&self, sc: &Scenario) -> RunKpis {
        let offered: u64 = self.channels.iter().map(|c| c.offered).sum();
        let unique: u64 = self.channels.iter().map(|c| c.unique).sum();
        let answered: u64 = self.channels.iter().map(|c| c.answered).sum();
        let abandoned: u64 = self.channels.iter().map(|c| c.abandoned).sum();
        let in_time: u64 = self.channels.iter().map(|c| c.answered_in_time).sum();
        let wait_sum: f64 = self.channels.iter().map(|c| c.wait_sum).sum();
        // handlings by agents: an outside vendor's tickets are not handled here
        let staffed = || {
            sc.lines
                .iter()
                .zip(&self.lines)
                .filter(|(l, _)| l.external.is_none())
                .map(|(_, t)| t)
        };
        let handled: u64 = staffed().map(|l| l.handled).sum();
        let handle_sum: f64 = staffed().map(|l| l.handle_sum).sum();
        let wrap_sum: f64 = staffed().map(|l| l.wrap_sum).sum();
        let busy: f64 = self.lines.iter().map(|l| l.busy).sum();
        let available: f64 = self
            .lines
            .iter()
            .map(|l| l.on_duty - l.on_break - l.shrinkage)
            .sum();
        let agent_days: f64 = self.lines.iter().map(|l| l.agent_days).sum();
        let cost = costs(sc, self);
        let window_days = sc.window().as_secs_f64() / 86_400.0;

        let mut lines = Vec::with_capacity(sc.lines.len());
        let mut first_agent = 0usize;
        let mut cv_weighted = 0.0;
        for (li, (line, t)) in sc.lines.iter().zip(&self.lines).enumerate() {
            let n = line.headcount() as usize;
            let counts: Vec<f64> = self.agent_handled[first_agent..first_agent + n]
                .iter()
                .map(|&h| h as f64)
                .collect();
            first_agent += n;
            if line.external.is_some() {
                // a vendor has no queue and no agents: the contract's keys
                // are kept (as zeros) so every line has them, reports show
                // them as "n/a" and give the vendor's delay instead
                lines.push((
                    line.name.clone(),
                    vec![
                        ("offered", t.offered as f64),
                        ("handled", t.handled as f64),
                        ("asa_seconds", 0.0),
                        ("aht_seconds", 0.0),
                        ("talk_seconds", 0.0),
                        ("wrap_up_seconds", 0.0),
                        ("occupancy", 0.0),
                        ("escalated", t.escalated as f64),
                        ("abandoned", t.abandoned as f64),
                        ("tickets_per_agent_day", 0.0),
                        ("load_balance_cv", 0.0),
                        ("agents", 0.0),
                        ("paid_hours", 0.0),
                        ("on_duty_hours", 0.0),
                        ("break_hours", 0.0),
                        ("shrinkage_hours", 0.0),
                        ("overtime_hours", 0.0),
                        ("absent_days", 0.0),
                        ("vendor_tickets", t.vendor_tickets as f64),
                        ("cost_total", cost.lines[li].total()),
                        (
                            "delay_hours",
                            ratio(t.handle_sum, t.handled as f64) / 3600.0,
                        ),
                    ],
                ));
                let line_total = cost.lines[li].total();
                if let Some((_, kpis)) = lines.last_mut() {
                    kpis.extend(cost_kpis(&cost.lines[li], None, line_total, window_days));
                }
                continue;
            }
            let cv = coefficient_of_variation(&counts);
            if line.external.is_none() {
                cv_weighted += cv * t.handled as f64;
            }
            lines.push((
                line.name.clone(),
                vec![
                    ("offered", t.offered as f64),
                    ("handled", t.handled as f64),
                    ("asa_seconds", ratio(t.wait_sum, t.answered as f64)),
                    (
                        "aht_seconds",
                        ratio(t.handle_sum + t.wrap_sum, t.handled as f64),
                    ),
                    ("talk_seconds", ratio(t.handle_sum, t.handled as f64)),
                    ("wrap_up_seconds", ratio(t.wrap_sum, t.handled as f64)),
                    (
                        "occupancy",
                        ratio(t.busy, t.on_duty - t.on_break - t.shrinkage),
                    ),
                    ("escalated", t.escalated as f64),
                    ("abandoned", t.abandoned as f64),
                    (
                        "tickets_per_agent_day",
                        ratio(t.handled as f64, t.agent_days),
                    ),
                    ("load_balance_cv", cv),
                    ("agents", n as f64),
                    ("paid_hours", t.paid / 3600.0),
                    ("on_duty_hours", t.on_duty / 3600.0),
                    ("break_hours", t.on_break / 3600.0),
                    ("shrinkage_hours", t.shrinkage / 3600.0),
                    ("overtime_hours", t.overtime / 3600.0),
                    ("absent_days", t.absent_days),
                    ("vendor_tickets", t.vendor_tickets as f64),
                    ("cost_total", cost.lines[li].total()),
                ],
            ));
            let line_total = cost.lines[li].total();
            if let Some((_, kpis)) = lines.last_mut() {
                kpis.extend(cost_kpis(&cost.lines[li], None, line_total, window_days));
            }
        }

        let channels = sc
            .channels
            .iter()
            .zip(&self.channels)
            .map(|(ch, t)| {
                (
                    ch.name.clone(),
                    vec![
                        ("offered", t.offered as f64),
                        ("unique_contacts", t.unique as f64),
                        ("answered", t.answered as f64),
                        ("abandoned", t.abandoned as f64),
                        ("retries", t.retried as f64),
                        ("abandon_rate", ratio(t.abandoned as f64, t.offered as f64)),
                        ("asa_seconds", ratio(t.wait_sum, t.answered as f64)),
                        ("wait_p50_seconds", t.waits.quantile_secs(0.50)),
                        ("wait_p90_seconds", t.waits.quantile_secs(0.90)),
                        ("wait_p99_seconds", t.waits.quantile_secs(0.99)),
                        (
                            "service_level",
                            ratio(t.answered_in_time as f64, t.offered as f64),
                        ),
                        (
                            "aht_seconds",
                            ratio(t.handle_sum + t.wrap_sum, t.handled as f64),
                        ),
                        ("talk_seconds", ratio(t.handle_sum, t.handled as f64)),
                        ("wrap_up_seconds", ratio(t.wrap_sum, t.handled as f64)),
                        ("resolved", t.resolved as f64),
                        (
                            "resolved_within_target",
                            ratio(t.resolved_in_target as f64, t.resolved as f64),
                        ),
                    ],
                )
            })
            .collect();

        let types = if sc.explicit_ticket_types {
            sc.ticket_types
                .iter()
                .zip(&self.types)
                .map(|(tt, t)| {
                    (
                        tt.name.clone(),
                        vec![
                            ("offered", t.offered as f64),
                            ("asa_seconds", ratio(t.wait_sum, t.answered as f64)),
                            (
                                "resolution_hours",
                                ratio(t.resolution_sum, t.resolved as f64) / 3600.0,
                            ),
                            (
                                "fcr",
                                ratio(t.first_contact_resolved as f64, t.first_handled as f64),
                            ),
                            (
                                "escalation_rate",
                                ratio(t.escalated as f64, t.first_handled as f64),
                            ),
                            (
                                "misroute_rate",
                                ratio(t.misrouted as f64, t.first_handled as f64),
                            ),
                        ],
                    )
                })
                .collect()
        } else {
            Vec::new()
        };

        let resolved = self.resolved as f64;
        let overall: KpiValues = vec![
            ("offered", offered as f64),
            ("unique_contacts", unique as f64),
            ("answered", answered as f64),
            ("abandoned", abandoned as f64),
            ("abandon_rate", ratio(abandoned as f64, offered as f64)),
            ("asa_seconds", ratio(wait_sum, answered as f64)),
            ("wait_p50_seconds", self.waits.quantile_secs(0.50)),
            ("wait_p90_seconds", self.waits.quantile_secs(0.90)),
            ("wait_p99_seconds", self.waits.quantile_secs(0.99)),
            ("service_level", ratio(in_time as f64, offered as f64)),
            ("aht_seconds", ratio(handle_sum + wrap_sum, handled as f64)),
            ("talk_seconds", ratio(handle_sum, handled as f64)),
            ("wrap_up_seconds", ratio(wrap_sum, handled as f64)),
            ("resolved", resolved),
            (
                "resolution_hours",
                ratio(self.resolution_sum, resolved) / 3600.0,
            ),
            (
                "resolved_within_target",
                ratio(self.resolved_in_target as f64, resolved),
            ),
            (
                "fcr",
                ratio(
                    self.first_contact_resolved as f64,
                    self.first_handled as f64,
                ),
            ),
            (
                "escalation_rate",
                ratio(self.escalated_tickets as f64, self.first_handled as f64),
            ),
            (
                "misroute_rate",
                ratio(self.misrouted_tickets as f64, self.first_handled as f64),
            ),
            ("occupancy", ratio(busy, available)),
            ("tickets_per_agent_day", ratio(handled as f64, agent_days)),
            ("load_balance_cv", ratio(cv_weighted, handled as f64)),
            ("backlog_end", self.backlog_end as f64),
            ("cost_total", cost.total),
            ("cost_per_incident", ratio(cost.total, resolved)),
            ("cost_per_contact", ratio(cost.total, offered as f64)),
        ];
        let mut overall = overall;
        overall.extend(cost_kpis(
            &cost.parts(),
            Some(cost.abandon),
            cost.total,
            window_days,
        ));
        RunKpis {
            overall,
            lines,
            channels,
            types,
        }
    }
}
