//! Per-contact records of one replication (the event log's rows), handed to a sink as each contact leaves.
//!
//! A contact here is one attempt: a customer's first call, chat or email,
//! or a later try after abandoning (linked to the attempt before it). The
//! record follows the contact through every line it visits and goes to
//! the [`ContactSink`] when it is done with: resolved, abandoned, or, at
//! the end of the run, whatever it is then. Records live in slots beside
//! the model's ticket slab and are reused, so memory stays as large as the
//! number of open contacts, whatever the horizon.

use crate::engine::SimTime;

/// How a contact's attempt stands: answered by an agent (or sent to an
/// outside line), abandoned while waiting, or still waiting for its first
/// answer at the end of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Outcome {
    /// Still waiting for a first answer when the run ended.
    #[default]
    Open,
    /// An agent took it (its first handling started).
    Answered,
    /// The customer left before an agent took it.
    Abandoned,
}

impl Outcome {
    /// The name in the event log: `open`, `answered` or `abandoned`.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Open => "open",
            Outcome::Answered => "answered",
            Outcome::Abandoned => "abandoned",
        }
    }
}

/// One passage of a contact through a line: it joins the line's queue,
/// an agent (or the outside vendor) takes it, the handling ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leg {
    /// The line (index in the scenario).
    pub line: usize,
    /// The agent, numbered from 1 within its line (as in `agents.csv`);
    /// `None` at an outside line, or while nobody has taken it.
    pub agent: Option<u32>,
    /// When it joined the line.
    pub queued: SimTime,
    /// When the handling started (the vendor: when it was sent); `None`
    /// when it was still waiting at the end of the run, or abandoned.
    pub start: Option<SimTime>,
    /// When the handling ended (the vendor: when it came back); `None`
    /// when it had not ended by the end of the run.
    pub end: Option<SimTime>,
    /// The agent's wrap-up after this handling (zero without wrap-up).
    pub wrap_up: SimTime,
}

/// What happened to one contact (one attempt).
#[derive(Debug, Clone, Default)]
pub struct Contact {
    /// Number of this attempt in the replication, from 1, in order of arrival.
    pub id: u64,
    /// The id of the customer's first attempt (the same over its retries).
    pub customer: u64,
    /// 1 for a first attempt, 2 for the first retry, ...
    pub attempt: u32,
    /// The attempt this one retries (abandoned before), if any.
    pub retry_of: Option<u64>,
    /// Channel (index in the scenario).
    pub channel: usize,
    /// Ticket type (index in the scenario).
    pub ticket_type: usize,
    /// From a key client.
    pub key_client: bool,
    /// Counted in the run's KPIs: the customer's first attempt arrived
    /// after the warm-up.
    pub measured: bool,
    /// When this attempt arrived.
    pub arrival: SimTime,
    /// When the customer's first attempt arrived (resolution is measured
    /// from it, as the run's resolution KPIs are).
    pub since: SimTime,
    /// How it stands.
    pub outcome: Outcome,
    /// Wait to the first handling (answered), to abandonment (abandoned),
    /// or to the end of the run (open: the wait so far).
    pub wait: SimTime,
    /// For an abandoned attempt that will be tried again: when.
    pub retry_at: Option<SimTime>,
    /// Every passage through a line, in order.
    pub legs: Vec<Leg>,
    /// Times it was passed on to the next line.
    pub escalations: u32,
    /// Times it was found misrouted and sent back to its first line.
    pub misroutes: u32,
    /// When it was resolved, if it was by the end of the run.
    pub resolved_at: Option<SimTime>,
}

/// Where the records go: an event log writer.
pub trait ContactSink {
    /// Takes the record of one contact. Returns false to stop the run (the
    /// sink keeps its own error, to be reported by its owner).
    fn contact(&mut self, contact: &Contact) -> bool;
}

/// The records of the open contacts, by ticket slot, and the sink.
pub(crate) struct Recorder<'a> {
    slots: Vec<Contact>,
    /// The slot's customer abandoned and will try again: no attempt open.
    between: Vec<bool>,
    next_id: u64,
    sink: &'a mut dyn ContactSink,
}

impl<'a> Recorder<'a> {
    pub(crate) fn new(sink: &'a mut dyn ContactSink) -> Self {
        Recorder {
            slots: Vec::new(),
            between: Vec::new(),
            next_id: 1,
            sink,
        }
    }

    fn slot(&mut self, idx: u32) -> &mut Contact {
        let i = idx as usize;
        if self.slots.len() <= i {
            self.slots.resize_with(i + 1, Contact::default);
            self.between.resize(i + 1, false);
        }
        &mut self.slots[i]
    }

    /// A new attempt in slot `idx`: its id, and the fields every attempt starts with.
    fn begin(&mut self, idx: u32, now: SimTime) -> &mut Contact {
        let id = self.next_id;
        self.next_id += 1;
        let c = self.slot(idx);
        c.id = id;
        c.arrival = now;
        c.outcome = Outcome::Open;
        c.wait = SimTime::ZERO;
        c.retry_at = None;
        c.legs.clear();
        c.escalations = 0;
        c.misroutes = 0;
        c.resolved_at = None;
        self.between[idx as usize] = false;
        &mut self.slots[idx as usize]
    }

    /// A first attempt arrives.
    pub(crate) fn arrive(
        &mut self,
        idx: u32,
        now: SimTime,
        channel: usize,
        ticket_type: usize,
        key_client: bool,
        measured: bool,
    ) {
        let c = self.begin(idx, now);
        c.customer = c.id;
        c.since = now;
        c.attempt = 1;
        c.retry_of = None;
        c.channel = channel;
        c.ticket_type = ticket_type;
        c.key_client = key_client;
        c.measured = measured;
    }

    /// An abandoned customer tries again.
    pub(crate) fn retry(&mut self, idx: u32, now: SimTime) {
        let before = self.slot(idx).id;
        let c = self.begin(idx, now);
        c.attempt += 1;
        c.retry_of = Some(before);
    }

    /// The contact joins line `line`'s queue (or goes straight to an agent).
    #[inline]
    pub(crate) fn join(&mut self, idx: u32, line: usize, now: SimTime) {
        self.slot(idx).legs.push(Leg {
            line,
            agent: None,
            queued: now,
            start: None,
            end: None,
            wrap_up: SimTime::ZERO,
        });
    }

    /// The contact goes to an outside line: sent now.
    pub(crate) fn vendor(&mut self, idx: u32, line: usize, now: SimTime) {
        self.join(idx, line, now);
        self.started(idx, None, now, false);
    }

    /// An agent (numbered within its line) takes the contact; `first`
    /// when this answers the attempt.
    #[inline]
    pub(crate) fn started(&mut self, idx: u32, agent: Option<u32>, now: SimTime, first: bool) {
        let c = self.slot(idx);
        if first {
            c.outcome = Outcome::Answered;
            c.wait = now - c.arrival;
        }
        if let Some(leg) = c.legs.last_mut() {
            leg.agent = agent;
            leg.start = Some(now);
        }
    }

    /// The handling in progress ends, with this wrap-up after it.
    #[inline]
    pub(crate) fn ended(&mut self, idx: u32, now: SimTime, wrap_up: SimTime) {
        if let Some(leg) = self.slot(idx).legs.last_mut() {
            leg.end = Some(now);
            leg.wrap_up = wrap_up;
        }
    }

    /// The contact is passed on to the next line.
    pub(crate) fn escalated(&mut self, idx: u32) {
        self.slot(idx).escalations += 1;
    }

    /// The contact turned out misrouted and goes back to its first line.
    pub(crate) fn misrouted(&mut self, idx: u32) {
        self.slot(idx).misroutes += 1;
    }

    /// The contact is resolved: its record goes to the sink.
    #[must_use]
    pub(crate) fn resolved(&mut self, idx: u32, now: SimTime) -> bool {
        let c = self.slot(idx);
        c.resolved_at = Some(now);
        self.sink.contact(&self.slots[idx as usize])
    }

    /// The customer left while waiting; `retry_at` when they will try
    /// again. The attempt's record goes to the sink.
    #[must_use]
    pub(crate) fn abandoned(&mut self, idx: u32, now: SimTime, retry_at: Option<SimTime>) -> bool {
        let c = self.slot(idx);
        c.outcome = Outcome::Abandoned;
        c.wait = now - c.arrival;
        c.retry_at = retry_at;
        self.between[idx as usize] = retry_at.is_some();
        self.sink.contact(&self.slots[idx as usize])
    }

    /// The end of the run: the record of every contact still open (ticket
    /// slots `open`, in order) goes to the sink; a customer between an
    /// abandoned attempt and the next has no open attempt.
    #[must_use]
    pub(crate) fn finish(&mut self, open: impl Iterator<Item = u32>, horizon: SimTime) -> bool {
        for idx in open {
            if self.between.get(idx as usize).copied().unwrap_or(true) {
                continue;
            }
            let c = self.slot(idx);
            if c.outcome == Outcome::Open {
                c.wait = horizon.saturating_sub(c.arrival);
            }
            if !self.sink.contact(&self.slots[idx as usize]) {
                return false;
            }
        }
        true
    }
}
