//! What one replication counts (the KPIs are measured from it in [`crate::kpi`]).

use crate::scenario::Scenario;
use crate::stats::DurationHistogram;

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

/// One channel's counters in one interval slot. In a shard record, an
/// array `[offered, answered, abandoned, answered_in_time, wait_sum]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(from = "[f64; 5]", into = "[f64; 5]")]
pub struct ChannelSlot {
    /// Contacts that arrived in the slot.
    pub offered: f64,
    /// First answers given in the slot.
    pub answered: f64,
    /// Contacts that abandoned in the slot.
    pub abandoned: f64,
    /// Contacts that arrived in the slot and were answered in time.
    pub answered_in_time: f64,
    /// Sum of the waits of the answers given in the slot, seconds.
    pub wait_sum: f64,
}

/// One line's counters in one interval slot (areas in agent- or
/// ticket-seconds). In a shard record, an array `[queue_area, max_queue,
/// busy_area, on_duty_area, on_break_area, rostered_area]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(from = "[f64; 6]", into = "[f64; 6]")]
pub struct LineSlot {
    /// Queue length integrated over time.
    pub queue_area: f64,
    /// Longest queue (summed over replications when folded).
    pub max_queue: f64,
    /// Busy agents integrated over time.
    pub busy_area: f64,
    /// Agents on duty integrated over time.
    pub on_duty_area: f64,
    /// Agents on break integrated over time.
    pub on_break_area: f64,
    /// Rostered agents integrated over time.
    pub rostered_area: f64,
}

impl From<[f64; 5]> for ChannelSlot {
    fn from([offered, answered, abandoned, answered_in_time, wait_sum]: [f64; 5]) -> Self {
        ChannelSlot {
            offered,
            answered,
            abandoned,
            answered_in_time,
            wait_sum,
        }
    }
}

impl From<ChannelSlot> for [f64; 5] {
    fn from(c: ChannelSlot) -> Self {
        [
            c.offered,
            c.answered,
            c.abandoned,
            c.answered_in_time,
            c.wait_sum,
        ]
    }
}

impl From<[f64; 6]> for LineSlot {
    fn from(a: [f64; 6]) -> Self {
        let [
            queue_area,
            max_queue,
            busy_area,
            on_duty_area,
            on_break_area,
            rostered_area,
        ] = a;
        LineSlot {
            queue_area,
            max_queue,
            busy_area,
            on_duty_area,
            on_break_area,
            rostered_area,
        }
    }
}

impl From<LineSlot> for [f64; 6] {
    fn from(l: LineSlot) -> Self {
        [
            l.queue_area,
            l.max_queue,
            l.busy_area,
            l.on_duty_area,
            l.on_break_area,
            l.rostered_area,
        ]
    }
}

impl ChannelSlot {
    /// A sum to fold slots into: every field -0.0, where `Iterator::sum`
    /// of f64 starts.
    pub fn sum_start() -> Self {
        [-0.0; 5].into()
    }

    /// Adds `o`, field by field.
    pub fn add(&mut self, o: &ChannelSlot) {
        self.offered += o.offered;
        self.answered += o.answered;
        self.abandoned += o.abandoned;
        self.answered_in_time += o.answered_in_time;
        self.wait_sum += o.wait_sum;
    }
}

impl LineSlot {
    /// A sum to fold slots into: every field -0.0.
    pub fn sum_start() -> Self {
        [-0.0; 6].into()
    }

    /// Adds `o`, field by field.
    pub fn add(&mut self, o: &LineSlot) {
        self.queue_area += o.queue_area;
        self.max_queue += o.max_queue;
        self.busy_area += o.busy_area;
        self.on_duty_area += o.on_duty_area;
        self.on_break_area += o.on_break_area;
        self.rostered_area += o.rostered_area;
    }
}

/// Per-interval counters, folded over the week (slot = weekday × interval).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct IntervalTally {
    /// Slots per week.
    pub slots: usize,
    /// Times each slot occurred inside the measured window.
    pub occurrences: Vec<u32>,
    /// Per channel and slot.
    pub channels: Vec<Vec<ChannelSlot>>,
    /// Per line and slot (summed over occurrences).
    pub lines: Vec<Vec<LineSlot>>,
}

impl IntervalTally {
    fn new(sc: &Scenario) -> Self {
        let slots = (7 * 86_400_000_000 / sc.interval.0.max(1)) as usize;
        IntervalTally {
            slots,
            occurrences: vec![0; slots],
            channels: vec![vec![ChannelSlot::default(); slots]; sc.channels.len()],
            lines: vec![vec![LineSlot::default(); slots]; sc.lines.len()],
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
}
