//! The support center as an [`engine::Model`](crate::engine::Model).
//!
//! ```text
//!  channel ──Poisson──▶ [queue L1] ──▶ agents L1 ──resolve──▶ done
//!                          │ abandon          │ escalate
//!                          ▼                  ▼
//!                        lost            [queue L2] ──▶ agents L2 ──▶ …
//! ```
//!
//! Contacts arrive per channel, wait FIFO in the queue of the line that
//! takes the channel, and may abandon while waiting for their first answer
//! (never after it). The longest-idle agent takes the next contact. After
//! handling, the line resolves the ticket with its `resolve` probability or
//! escalates it to the next line's queue. Per-ticket data lives in a slab
//! and is folded into the run's tallies when the ticket leaves, so memory
//! does not grow with the horizon.

mod tally;

pub use tally::{ChannelTally, LineTally, RunTally};

use crate::engine::{Dist, Model, Scheduler, SimTime, Simulation, Stream, stream};
use crate::scenario::Scenario;
use rand::Rng;
use std::collections::VecDeque;

/// An event of the support center.
#[derive(Debug, Clone, Copy)]
pub enum Event {
    /// A contact arrives on a channel.
    Arrive(u32),
    /// A waiting contact's patience runs out (ticket slot, generation).
    Abandon(u32, u32),
    /// An agent finishes the contact in hand.
    Done(u32),
}

#[derive(Debug, Clone, Copy, Default)]
struct Ticket {
    arrival: SimTime,
    enqueued: SimTime,
    generation: u32,
    channel: u32,
    line: u32,
    first_line: u32,
    live: bool,
    counted: bool,
    waiting_first: bool,
    in_service: bool,
    escalated: bool,
}

#[derive(Debug, Default)]
struct LineState {
    /// (ticket slot, generation); entries of abandoned tickets are stale.
    queue: VecDeque<(u32, u32)>,
    /// Live tickets in the queue.
    waiting: u32,
    /// Idle agents, longest idle first.
    idle: VecDeque<u32>,
}

#[derive(Debug, Clone, Copy)]
struct Agent {
    line: u32,
    ticket: u32,
    busy_since: SimTime,
    busy: bool,
}

/// The state of one replication of a scenario.
pub struct SupportCenter<'s> {
    sc: &'s Scenario,
    warmup: SimTime,
    horizon: SimTime,
    interarrival: Vec<Option<Dist>>,
    arrival_rng: Vec<Stream>,
    patience_rng: Stream,
    handle_rng: Vec<Stream>,
    resolve_rng: Vec<Stream>,
    tickets: Vec<Ticket>,
    free: Vec<u32>,
    open: u32,
    lines: Vec<LineState>,
    agents: Vec<Agent>,
    overflow: bool,
    /// The run's tallies.
    pub tally: RunTally,
}

impl<'s> SupportCenter<'s> {
    /// A fresh center for replication `replication` of `sc`.
    pub fn new(sc: &'s Scenario, replication: u64) -> Self {
        let seed = sc.seed;
        let mut agents = Vec::new();
        let mut lines = Vec::new();
        for (li, line) in sc.lines.iter().enumerate() {
            let mut state = LineState::default();
            for _ in 0..line.agents {
                state.idle.push_back(agents.len() as u32);
                agents.push(Agent {
                    line: li as u32,
                    ticket: 0,
                    busy_since: SimTime::ZERO,
                    busy: false,
                });
            }
            lines.push(state);
        }
        let mut interarrival = vec![None; sc.channels.len()];
        for a in &sc.arrivals {
            if a.per_hour > 0.0 {
                interarrival[a.channel] = Dist::exponential(3600.0 / a.per_hour).ok();
            }
        }
        SupportCenter {
            sc,
            warmup: sc.warmup,
            horizon: sc.horizon,
            interarrival,
            arrival_rng: sc
                .channels
                .iter()
                .map(|c| stream(seed, replication, &format!("arrivals.{}", c.name)))
                .collect(),
            patience_rng: stream(seed, replication, "patience"),
            handle_rng: sc
                .lines
                .iter()
                .map(|l| stream(seed, replication, &format!("handle.{}", l.name)))
                .collect(),
            resolve_rng: sc
                .lines
                .iter()
                .map(|l| stream(seed, replication, &format!("resolve.{}", l.name)))
                .collect(),
            tickets: Vec::new(),
            free: Vec::new(),
            open: 0,
            lines,
            agents: agents.clone(),
            overflow: false,
            tally: RunTally::new(sc),
        }
    }

    /// True once more tickets were open than the scenario allows.
    pub fn overflowed(&self) -> bool {
        self.overflow
    }

    fn alloc(&mut self, t: Ticket) -> u32 {
        self.open += 1;
        match self.free.pop() {
            Some(i) => {
                let generation = self.tickets[i as usize].generation;
                self.tickets[i as usize] = Ticket { generation, ..t };
                i
            }
            None => {
                self.tickets.push(t);
                (self.tickets.len() - 1) as u32
            }
        }
    }

    fn release(&mut self, idx: u32) {
        let t = &mut self.tickets[idx as usize];
        t.live = false;
        t.generation = t.generation.wrapping_add(1);
        self.free.push(idx);
        self.open -= 1;
    }

    /// Busy time of [from, to] that falls inside the measured window, in seconds.
    #[inline]
    fn in_window(&self, from: SimTime, to: SimTime) -> f64 {
        let a = from.max(self.warmup);
        let b = to.min(self.horizon);
        if b > a { (b - a).as_secs_f64() } else { 0.0 }
    }

    fn arrive(&mut self, channel: u32, s: &mut Scheduler<Event>) {
        let now = s.now();
        let c = channel as usize;
        if let Some(d) = &self.interarrival[c] {
            let next = now.saturating_add(d.sample(&mut self.arrival_rng[c]));
            if next < self.horizon {
                s.at(next, Event::Arrive(channel));
            }
        }
        if self.open >= self.sc.max_in_system {
            self.overflow = true;
            return;
        }
        let ch = &self.sc.channels[c];
        let line = ch.line as u32;
        let patience = ch
            .patience
            .as_ref()
            .map(|p| p.sample(&mut self.patience_rng));
        let counted = now >= self.warmup;
        let idx = self.alloc(Ticket {
            arrival: now,
            enqueued: now,
            generation: 0,
            channel,
            line,
            first_line: line,
            live: true,
            counted,
            waiting_first: true,
            in_service: false,
            escalated: false,
        });
        if counted {
            self.tally.channels[c].offered += 1;
            self.tally.lines[line as usize].offered += 1;
        }
        self.enter_line(line, idx, patience, s);
    }

    fn enter_line(
        &mut self,
        line: u32,
        idx: u32,
        patience: Option<SimTime>,
        s: &mut Scheduler<Event>,
    ) {
        let l = line as usize;
        if let Some(agent) = self.lines[l].idle.pop_front() {
            self.start(agent, idx, s);
            return;
        }
        let generation = self.tickets[idx as usize].generation;
        self.lines[l].queue.push_back((idx, generation));
        self.lines[l].waiting += 1;
        if let Some(p) = patience {
            s.after(p, Event::Abandon(idx, generation));
        }
    }

    fn start(&mut self, agent: u32, idx: u32, s: &mut Scheduler<Event>) {
        let now = s.now();
        let t = &mut self.tickets[idx as usize];
        let wait = now - t.enqueued;
        let l = t.line as usize;
        if t.counted {
            let lt = &mut self.tally.lines[l];
            lt.answered += 1;
            lt.wait_sum += wait.as_secs_f64();
            if t.waiting_first {
                let c = t.channel as usize;
                let ct = &mut self.tally.channels[c];
                ct.answered += 1;
                ct.wait_sum += wait.as_secs_f64();
                if wait <= self.sc.channels[c].answer_within {
                    ct.answered_in_time += 1;
                }
                self.tally.waits.record(wait.0);
            }
        }
        t.waiting_first = false;
        t.in_service = true;
        let a = &mut self.agents[agent as usize];
        a.ticket = idx;
        a.busy = true;
        a.busy_since = now;
        let h = self.sc.lines[l].handle.sample(&mut self.handle_rng[l]);
        s.after(h, Event::Done(agent));
    }

    fn done(&mut self, agent: u32, s: &mut Scheduler<Event>) {
        let now = s.now();
        let a = self.agents[agent as usize];
        let busy = self.in_window(a.busy_since, now);
        self.tally.agent_busy[agent as usize] += busy;
        self.agents[agent as usize].busy = false;
        let idx = a.ticket;
        self.tickets[idx as usize].in_service = false;
        let t = self.tickets[idx as usize];
        let l = a.line as usize;
        let line = &self.sc.lines[l];
        if t.counted {
            self.tally.agent_handled[agent as usize] += 1;
            self.tally.lines[l].handled += 1;
            self.tally.lines[l].handle_sum += (now - a.busy_since).as_secs_f64();
        }
        if t.counted && !t.escalated {
            self.tally.first_handled += 1;
        }
        let u: f64 = self.resolve_rng[l].random();
        match line.escalates_to {
            Some(next) if u >= line.resolve => {
                if t.counted {
                    self.tally.lines[l].escalated += 1;
                    if !t.escalated {
                        self.tally.escalated_tickets += 1;
                    }
                    self.tally.lines[next].offered += 1;
                }
                let tk = &mut self.tickets[idx as usize];
                tk.escalated = true;
                tk.enqueued = now;
                tk.line = next as u32;
                self.enter_line(next as u32, idx, None, s);
            }
            _ => {
                if t.counted {
                    self.tally.resolved += 1;
                    self.tally.resolution_sum += (now - t.arrival).as_secs_f64();
                    if !t.escalated && t.line == t.first_line {
                        self.tally.first_contact_resolved += 1;
                    }
                }
                self.release(idx);
            }
        }
        self.next_for(agent, s);
    }

    /// The agent takes the oldest live ticket of its line's queue, or goes idle.
    fn next_for(&mut self, agent: u32, s: &mut Scheduler<Event>) {
        let l = self.agents[agent as usize].line as usize;
        while let Some((idx, generation)) = self.lines[l].queue.pop_front() {
            if self.tickets[idx as usize].generation == generation {
                self.lines[l].waiting -= 1;
                self.start(agent, idx, s);
                return;
            }
        }
        self.lines[l].idle.push_back(agent);
    }

    fn abandon(&mut self, idx: u32, generation: u32) {
        let t = self.tickets[idx as usize];
        if t.generation != generation || !t.waiting_first || !t.live {
            return; // answered already, or the slot holds another ticket
        }
        if t.counted {
            self.tally.channels[t.channel as usize].abandoned += 1;
            self.tally.lines[t.line as usize].abandoned += 1;
        }
        self.lines[t.line as usize].waiting -= 1;
        self.release(idx);
    }

    /// Closes the books at the horizon: busy time of agents still working,
    /// tickets still open.
    fn finish(&mut self) {
        for (i, a) in self.agents.iter().enumerate() {
            if a.busy {
                let from = a.busy_since.max(self.warmup);
                if self.horizon > from {
                    self.tally.agent_busy[i] += (self.horizon - from).as_secs_f64();
                }
            }
        }
        self.tally.backlog_end = self.open as u64;
        for t in self.tickets.iter().filter(|t| t.live && t.counted) {
            if t.waiting_first {
                self.tally.channels[t.channel as usize].waiting_end += 1;
            }
            let line = &mut self.tally.lines[t.line as usize];
            if t.in_service {
                line.in_service_end += 1;
            } else {
                line.waiting_end += 1;
            }
        }
        self.tally.overflow = self.overflow;
    }
}

impl Model for SupportCenter<'_> {
    type Event = Event;

    fn start(&mut self, s: &mut Scheduler<Event>) {
        for c in 0..self.sc.channels.len() {
            if let Some(d) = &self.interarrival[c] {
                let first = d.sample(&mut self.arrival_rng[c]);
                if first < self.horizon {
                    s.at(first, Event::Arrive(c as u32));
                }
            }
        }
    }

    #[inline]
    fn handle(&mut self, event: Event, s: &mut Scheduler<Event>) {
        match event {
            Event::Arrive(c) => self.arrive(c, s),
            Event::Abandon(idx, generation) => self.abandon(idx, generation),
            Event::Done(agent) => self.done(agent, s),
        }
    }
}

/// Runs replication `replication` of `sc` to its horizon and returns its tallies.
pub fn run_replication(sc: &Scenario, replication: u64) -> RunTally {
    let mut sim = Simulation::new(SupportCenter::new(sc, replication));
    sim.run_until(sc.horizon, |m| !m.overflow);
    let events = sim.events_handled();
    let mut center = sim.into_model();
    center.finish();
    center.tally.events = events;
    center.tally
}
