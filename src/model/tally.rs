//! What one replication counts, and the KPIs computed from it.

use crate::scenario::Scenario;
use crate::stats::{DurationHistogram, KpiValues, RunKpis, coefficient_of_variation, ratio};

/// Counters of one channel (contacts that arrived after the warm-up).
#[derive(Debug, Clone, Default)]
pub struct ChannelTally {
    /// Contacts that arrived.
    pub offered: u64,
    /// Contacts that reached an agent.
    pub answered: u64,
    /// Contacts that left before an agent took them.
    pub abandoned: u64,
    /// Contacts answered within the channel's threshold.
    pub answered_in_time: u64,
    /// Sum of waits to first answer, seconds.
    pub wait_sum: f64,
    /// Contacts still waiting for a first answer at the horizon.
    pub waiting_end: u64,
}

/// Counters of one line (tickets that arrived after the warm-up).
#[derive(Debug, Clone, Default)]
pub struct LineTally {
    /// Tickets that joined this line (first contacts and escalations).
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
    /// Sum of handling times, seconds.
    pub handle_sum: f64,
    /// Tickets still in this line's queue at the horizon.
    pub waiting_end: u64,
    /// Tickets in service on this line at the horizon.
    pub in_service_end: u64,
}

/// Everything one replication counts; memory does not depend on the horizon.
#[derive(Debug, Clone)]
pub struct RunTally {
    /// Per channel, in scenario order.
    pub channels: Vec<ChannelTally>,
    /// Per line, in scenario order.
    pub lines: Vec<LineTally>,
    /// Handled tickets per agent (agents numbered line by line).
    pub agent_handled: Vec<u64>,
    /// Busy seconds per agent inside the measured window.
    pub agent_busy: Vec<f64>,
    /// Waits to first answer, microseconds.
    pub waits: DurationHistogram,
    /// Tickets resolved.
    pub resolved: u64,
    /// Sum of arrival-to-resolution times of resolved tickets, seconds.
    pub resolution_sum: f64,
    /// Tickets resolved by their first line with no escalation.
    pub first_contact_resolved: u64,
    /// Tickets whose first handling ended (resolved there or escalated).
    pub first_handled: u64,
    /// Tickets escalated at least once.
    pub escalated_tickets: u64,
    /// Tickets open at the horizon (all, warm-up arrivals included).
    pub backlog_end: u64,
    /// The run was stopped because too many tickets were open.
    pub overflow: bool,
    /// Events handled by the engine.
    pub events: u64,
}

impl RunTally {
    /// Empty tallies shaped for `sc`.
    pub fn new(sc: &Scenario) -> Self {
        let agents: usize = sc.lines.iter().map(|l| l.agents as usize).sum();
        RunTally {
            channels: vec![ChannelTally::default(); sc.channels.len()],
            lines: vec![LineTally::default(); sc.lines.len()],
            agent_handled: vec![0; agents],
            agent_busy: vec![0.0; agents],
            waits: DurationHistogram::new(),
            resolved: 0,
            resolution_sum: 0.0,
            first_contact_resolved: 0,
            first_handled: 0,
            escalated_tickets: 0,
            backlog_end: 0,
            overflow: false,
            events: 0,
        }
    }

    /// The KPIs of this run, named as in the results contract.
    pub fn kpis(&self, sc: &Scenario) -> RunKpis {
        let window = sc.window().as_secs_f64();
        let window_days = window / 86_400.0;

        let offered: u64 = self.channels.iter().map(|c| c.offered).sum();
        let answered: u64 = self.channels.iter().map(|c| c.answered).sum();
        let abandoned: u64 = self.channels.iter().map(|c| c.abandoned).sum();
        let in_time: u64 = self.channels.iter().map(|c| c.answered_in_time).sum();
        let wait_sum: f64 = self.channels.iter().map(|c| c.wait_sum).sum();
        let handled: u64 = self.lines.iter().map(|l| l.handled).sum();
        let handle_sum: f64 = self.lines.iter().map(|l| l.handle_sum).sum();
        let agents_total: f64 = sc.lines.iter().map(|l| l.agents as f64).sum();
        let busy_total: f64 = self.agent_busy.iter().sum();

        let mut lines = Vec::with_capacity(sc.lines.len());
        let mut first_agent = 0usize;
        let mut cv_weighted = 0.0;
        for (line, t) in sc.lines.iter().zip(&self.lines) {
            let n = line.agents as usize;
            let range = first_agent..first_agent + n;
            first_agent += n;
            let counts: Vec<f64> = self.agent_handled[range.clone()]
                .iter()
                .map(|&h| h as f64)
                .collect();
            let busy: f64 = self.agent_busy[range].iter().sum();
            let cv = coefficient_of_variation(&counts);
            cv_weighted += cv * t.handled as f64;
            lines.push((
                line.name.clone(),
                vec![
                    ("offered", t.offered as f64),
                    ("handled", t.handled as f64),
                    ("asa_seconds", ratio(t.wait_sum, t.answered as f64)),
                    ("aht_seconds", ratio(t.handle_sum, t.handled as f64)),
                    ("occupancy", ratio(busy, n as f64 * window)),
                    ("escalated", t.escalated as f64),
                    ("abandoned", t.abandoned as f64),
                    (
                        "tickets_per_agent_day",
                        ratio(t.handled as f64, n as f64 * window_days),
                    ),
                    ("load_balance_cv", cv),
                    ("agents", n as f64),
                ],
            ));
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
                        ("answered", t.answered as f64),
                        ("abandoned", t.abandoned as f64),
                        ("abandon_rate", ratio(t.abandoned as f64, t.offered as f64)),
                        ("asa_seconds", ratio(t.wait_sum, t.answered as f64)),
                        (
                            "service_level",
                            ratio(t.answered_in_time as f64, t.offered as f64),
                        ),
                    ],
                )
            })
            .collect();

        let overall: KpiValues = vec![
            ("offered", offered as f64),
            ("answered", answered as f64),
            ("abandoned", abandoned as f64),
            ("abandon_rate", ratio(abandoned as f64, offered as f64)),
            ("asa_seconds", ratio(wait_sum, answered as f64)),
            ("wait_p50_seconds", self.waits.quantile_secs(0.50)),
            ("wait_p90_seconds", self.waits.quantile_secs(0.90)),
            ("wait_p99_seconds", self.waits.quantile_secs(0.99)),
            ("service_level", ratio(in_time as f64, offered as f64)),
            ("aht_seconds", ratio(handle_sum, handled as f64)),
            (
                "resolution_hours",
                ratio(self.resolution_sum, self.resolved as f64) / 3600.0,
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
            ("occupancy", ratio(busy_total, agents_total * window)),
            (
                "tickets_per_agent_day",
                ratio(handled as f64, agents_total * window_days),
            ),
            ("load_balance_cv", ratio(cv_weighted, handled as f64)),
            ("backlog_end", self.backlog_end as f64),
        ];
        RunKpis {
            overall,
            lines,
            channels,
        }
    }
}
