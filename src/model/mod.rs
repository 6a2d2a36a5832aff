//! The support center as an [`engine::Model`](crate::engine::Model).
//!
//! ```text
//!  channel ──Poisson(profile × weekday)──▶ [queues of L1] ──▶ agents of L1 ──resolve──▶ done
//!            │ live: within hours            │ abandon ▲ retry    │ misroute: back to L1
//!            │ backlog: any time             ▼         │          │ escalate
//!                                          lost ───────┘          ▼
//!                                              [queues of L2] ──▶ agents L2 ──▶ … ──▶ vendor (L4)
//! ```
//!
//! Contacts arrive per channel as a Poisson process whose rate follows the
//! week (intraday profile, weekday multipliers, opening hours for live
//! channels, optional day-to-day volume noise). Each gets a ticket type
//! (priority, handling and resolution per line, misrouting) and may come
//! from a key client. A line's queue serves live contacts before backlog
//! work and higher priority first (FIFO within a class); key-client tickets
//! go to reserved agents first. Agents work shifts, take breaks and lunch
//! after the ticket in hand, finish that ticket past the end of a shift
//! (overtime), and may hold several chats at once. Customers abandon while
//! waiting for their first answer, and some try again later. After a
//! handling, a first-line ticket may turn out misrouted and come back for
//! reclassification; otherwise the line resolves it or escalates it to the
//! next line, or to an outside vendor that takes a delay and a fee.
//!
//! Per-ticket data lives in a slab and is folded into the run's tallies
//! when the ticket leaves, so memory does not grow with the horizon.
//!
//! # Random streams
//!
//! Every draw comes from a stream named by its purpose and its owner
//! ([`owned_stream`]), so that changing one owner (one more agent on L3)
//! leaves every other owner's draws unchanged, and a what-if compares like
//! with like (common random numbers). Owners are named, never numbered, so
//! adding a channel or a line moves no other stream. The layout:
//!
//! | stream (purpose, owners)       | draws                                              |
//! |--------------------------------|----------------------------------------------------|
//! | `arrivals`, channel            | arrival times (thinning of the weekly rate)        |
//! | `volume`, channel              | day-to-day volume multiplier (`volume_cv`)         |
//! | `ticket_type`, channel         | the ticket type of a new contact                   |
//! | `key_client`, channel          | whether a new contact comes from a key client      |
//! | `patience`, channel            | patience of each attempt (first and retries)       |
//! | `retry`, channel               | whether an abandoned customer retries, and when    |
//! | `handle`, line, ticket type    | handling time of each handling on that line        |
//! | `escalate`, line               | resolved on that line or escalated                 |
//! | `misroute`, line               | misrouted back to that (first) line                |
//! | `routing`, line                | the agent picked under `routing = "random"`        |
//! | `breaks`, line                 | the time to each agent's next short break          |
//! | `absence`, line, shift         | each rostered agent's absence, shift by shift      |
//! | `external`, line               | the vendor's delay on an outside line              |
//! | `wrap_up`, line                | the wrap-up (after-contact work) after a handling  |
//!
//! Shrinkage (`shrinkage`: meetings, coaching, admin) draws nothing: each
//! agent is off the phones for `shrinkage × 60 min` in every hour of duty,
//! agent i of a shift of n starting `60 min × i / n` after coming on duty,
//! taken like a break once the work in hand is done. A line without
//! `wrap_up` or `shrinkage` takes no draw and schedules no event for them,
//! so its results are those of a file without the keys.
//!
//! A draw is taken when the event that needs it happens, so a stream's draws
//! follow its owner's own history: L1's absences are drawn at L1's shift
//! starts, agent by agent, whatever L3 does.

mod contacts;
mod tally;

use contacts::Recorder;
pub use contacts::{Contact, ContactSink, Leg, Outcome};
pub use tally::{
    ChannelSlot, ChannelTally, IntervalTally, LineSlot, LineTally, RunTally, TypeTally,
};

use crate::engine::{Dist, Model, Scheduler, SimTime, Simulation, Stream, owned_stream};
use crate::scenario::{AfterClosing, Routing, Scenario};
use rand::Rng;
use rand_distr::{Distribution, Gamma};
use std::collections::VecDeque;

const NONE: u32 = u32::MAX;
/// The "shift" of an agent of a line staffed by interval (a roster).
const ROSTER: u32 = u32::MAX - 1;
/// Queue classes per line: (live or backlog) × four priorities.
const CLASSES: usize = 8;
const DAY_US: u64 = 86_400_000_000;

/// An event of the support center.
#[derive(Debug, Clone, Copy)]
pub enum Event {
    /// A contact arrives on a channel.
    Arrive(u32),
    /// A customer who abandoned tries again (ticket slot, generation).
    Retry(u32, u32),
    /// A waiting contact's patience runs out (ticket slot, generation).
    Abandon(u32, u32),
    /// The handling of a ticket ends.
    Done(u32),
    /// The vendor returns a ticket.
    Vendor(u32),
    /// A shift begins (line, shift).
    ShiftStart(u32, u32),
    /// A shift ends (line, shift).
    ShiftEnd(u32, u32),
    /// A break is due (agent, duty generation, lunch?).
    BreakDue(u32, u32, bool),
    /// A break ends (agent, duty generation).
    BreakEnd(u32, u32),
    /// A results interval ends.
    Interval,
    /// An agent's wrap-up ends (agent, capacity units it frees).
    WrapEnd(u32, u32),
    /// A shrinkage block is due (agent, duty generation).
    ShrinkDue(u32, u32),
    /// A shrinkage block ends (agent, duty generation).
    ShrinkEnd(u32, u32),
    /// A line's roster changes its agents on duty (line, step).
    Roster(u32, u32),
}

/// Whose duty a [`SupportCenter::begin_duty`] starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Duty {
    /// Always-on agents of a line without shifts.
    Always,
    /// The agents of one shift.
    Shift(usize),
    /// Agents of a roster, coming on at one of its steps.
    Roster,
}

/// Period over which shrinkage is spread: `shrinkage × SHRINK_PERIOD` off
/// the phones in every such span of duty.
const SHRINK_PERIOD_SECS: f64 = 3600.0;

#[derive(Debug, Clone, Copy, Default)]
struct Ticket {
    arrival: SimTime,
    attempt_at: SimTime,
    enqueued: SimTime,
    service_start: SimTime,
    generation: u32,
    agent: u32,
    channel: u16,
    ttype: u16,
    line: u16,
    first_line: u16,
    /// Priority (index into PRIORITIES): the type's, or the trace's.
    priority: u8,
    /// Row of the channel's trace it was recorded in (NONE: generated).
    trace_row: u32,
    /// Capacity units the ticket takes of its agent (see [`LineState::cap`]).
    cost: u32,
    misroutes: u8,
    passes: u8,
    live: bool,
    counted: bool,
    waiting_first: bool,
    in_service: bool,
    queued: bool,
    first_done: bool,
    escalated: bool,
    key: bool,
}

#[derive(Debug, Clone, Copy)]
struct Agent {
    line: u32,
    shift: u32,
    cap: u32,
    used: u32,
    on_duty: bool,
    on_break: bool,
    break_is_lunch: bool,
    /// A break to take once the tickets in hand are done (Some(lunch?)).
    break_pending: Option<bool>,
    leaving: bool,
    rostered: bool,
    key_reserved: bool,
    duty_gen: u32,
    stamp: u32,
    duty_since: SimTime,
    shift_end: SimTime,
    break_start: SimTime,
    last_use: SimTime,
    assigned: u64,
    /// How much later than the others this agent goes to lunch (staggering).
    lunch_offset: SimTime,
    /// How much later than the others this agent takes its first short break.
    break_offset: SimTime,
    /// A short break fell due together with the lunch and was taken as part
    /// of it: the short-break cycle starts again when the lunch ends.
    short_in_lunch: bool,
    /// Short breaks taken since coming on duty.
    short_breaks: u32,
    /// Off the phones for shrinkage (meetings, coaching, admin).
    shrinking: bool,
    /// A shrinkage block to take once the tickets in hand are done.
    shrink_pending: bool,
    /// When the current shrinkage block began.
    shrink_start: SimTime,
    /// How long after coming on duty this agent's first shrinkage block falls.
    shrink_offset: SimTime,
}

/// The agents of a line's free set, in increasing order.
struct FreeAgents<'a> {
    words: &'a [u64],
    word: usize,
    bits: u64,
    first: u32,
}

impl<'a> FreeAgents<'a> {
    fn new(words: &'a [u64], first: u32) -> FreeAgents<'a> {
        FreeAgents {
            words,
            word: 0,
            bits: words.first().copied().unwrap_or(0),
            first,
        }
    }
}

impl Iterator for FreeAgents<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        while self.bits == 0 {
            self.word += 1;
            self.bits = *self.words.get(self.word)?;
        }
        let bit = self.bits.trailing_zeros();
        self.bits &= self.bits - 1;
        Some(self.first + (self.word * 64) as u32 + bit)
    }
}

impl Agent {
    /// On duty, not on or due for a break, not leaving, with a unit to spare.
    #[inline]
    fn free(&self) -> bool {
        self.on_duty
            && !self.on_break
            && self.break_pending.is_none()
            && !self.shrinking
            && !self.shrink_pending
            && !self.leaving
            && self.used < self.cap
    }
}

#[derive(Debug)]
struct LineState {
    /// Classes 0..8 general, 8..16 key clients; (ticket slot, generation).
    queues: Vec<VecDeque<(u32, u32)>>,
    waiting: u32,
    /// Fully idle agents, longest idle first (agent, stamp); fast path only.
    idle: VecDeque<(u32, u32)>,
    first_agent: u32,
    end_agent: u32,
    /// Capacity units of each agent: the lcm of the concurrencies of the
    /// channels the line takes first (at most lcm(1..=20) = 232,792,560, so
    /// it fits a u32); a chat of concurrency k costs cap / k units.
    cap: u32,
    fast: bool,
    rr: u32,
    // state integrated over each results interval
    last: SimTime,
    busy_units: u64,
    on_duty: u32,
    on_break: u32,
    rostered: u32,
    /// Agents that could take one unit of work now (see [`Agent::free`]),
    /// as a bit set (bit i: agent `first_agent + i`), so routing looks only
    /// at them, in agent order. Kept only where routing reads it: lines off
    /// the fast path (the fast path has its idle list).
    free_bits: Vec<u64>,
    area: Areas,
}

/// A line's state integrated over the current results interval (seconds
/// times tickets or agents), added to its [`LineSlot`] when the interval
/// closes.
#[derive(Debug, Clone, Copy, Default)]
struct Areas {
    queue: f64,
    busy: f64,
    on_duty: f64,
    on_break: f64,
    rostered: f64,
}

/// The state of one replication of a scenario.
pub struct SupportCenter<'s> {
    sc: &'s Scenario,
    warmup: SimTime,
    horizon: SimTime,
    /// Per channel (see [the stream layout](self#random-streams)).
    arrival_rng: Vec<Stream>,
    volume_rng: Vec<Stream>,
    /// Per channel: (day, volume multiplier of that day).
    volume_day: Vec<(u64, f64)>,
    volume_dist: Vec<Option<Gamma<f64>>>,
    arrival_of: Vec<Option<usize>>,
    type_rng: Vec<Stream>,
    type_cdf: Vec<f64>,
    key_rng: Vec<Stream>,
    patience_rng: Vec<Stream>,
    retry_rng: Vec<Stream>,
    /// Per line × ticket type, at `line * types + type`.
    handle_rng: Vec<Stream>,
    /// Per line.
    resolve_rng: Vec<Stream>,
    misroute_rng: Vec<Stream>,
    routing_rng: Vec<Stream>,
    break_rng: Vec<Stream>,
    vendor_rng: Vec<Stream>,
    wrap_rng: Vec<Stream>,
    /// Per line, per shift.
    absence_rng: Vec<Vec<Stream>>,
    tickets: Vec<Ticket>,
    free: Vec<u32>,
    open: u32,
    lines: Vec<LineState>,
    agents: Vec<Agent>,
    candidates: Vec<u32>,
    slot: usize,
    /// Time from Monday 00:00 to the start of the run.
    week_offset: u64,
    /// Per channel with a trace: the row of its pending arrival.
    trace_next: Vec<usize>,
    /// Per day of the run: the live channels' volume multiplier of the
    /// calendar (empty: no calendar, 1 every day).
    live_day_factor: Vec<f64>,
    /// Per day of the run: closed (no shift comes on duty).
    closed_day: Vec<bool>,
    overflow: bool,
    /// Stop the run: too many tickets open, or the event log failed.
    halt: bool,
    /// The event log's records, when one is written.
    log: Option<Recorder<'s>>,
    /// The run's tallies.
    pub tally: RunTally,
}

/// A value for every day of the run from the calendar (empty when the
/// scenario has no calendar).
fn calendar_days<T>(sc: &Scenario, f: impl Fn(jiff::civil::Date) -> T) -> Vec<T> {
    if sc.calendar.is_empty() {
        return Vec::new();
    }
    let days = sc.horizon.0.div_ceil(DAY_US) as usize;
    let mut date = sc.start_date();
    let mut out = Vec::with_capacity(days);
    for _ in 0..days {
        out.push(f(date));
        date = date.tomorrow().unwrap_or(date);
    }
    out
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

impl<'s> SupportCenter<'s> {
    /// A fresh center for replication `replication` of `sc`.
    pub fn new(sc: &'s Scenario, replication: u64) -> Self {
        let seed = sc.seed;
        let rng = |purpose: &str, owners: &[&str]| owned_stream(seed, replication, purpose, owners);
        let per_channel = |purpose: &str| -> Vec<Stream> {
            sc.channels
                .iter()
                .map(|c| rng(purpose, &[&c.name]))
                .collect()
        };
        let per_line = |purpose: &str| -> Vec<Stream> {
            sc.lines.iter().map(|l| rng(purpose, &[&l.name])).collect()
        };
        let mut agents = Vec::new();
        let mut lines = Vec::new();
        for (li, line) in sc.lines.iter().enumerate() {
            // capacity units: the lcm of the concurrencies of the channels it takes first
            let mut cap: u64 = 1;
            for &c in &line.channels {
                let k = u64::from(sc.channels[c].concurrency.max(1));
                cap = cap / gcd(cap, k) * k;
            }
            // concurrency is validated to 1..=20, whose lcm fits a u32
            let cap = u32::try_from(cap).expect("validated: concurrency is at most 20");
            let first = agents.len() as u32;
            let spread = line.breaks.as_ref().map_or(0.0, |b| b.lunch_spread);
            let break_spread = line.breaks.as_ref().map_or(0.0, |b| b.spread);
            // the first `reserved` agents of each shift are kept for key
            // clients (see Line::key_clients_per_shift for the spread)
            let push = |shift: u32, n: u32, reserved: u32, agents: &mut Vec<Agent>| {
                for i in 0..n {
                    let reserved = i < reserved;
                    agents.push(Agent {
                        line: li as u32,
                        shift,
                        cap,
                        used: 0,
                        on_duty: false,
                        on_break: false,
                        break_is_lunch: false,
                        break_pending: None,
                        leaving: false,
                        rostered: false,
                        key_reserved: reserved,
                        duty_gen: 0,
                        stamp: 0,
                        duty_since: SimTime::ZERO,
                        shift_end: SimTime::MAX,
                        break_start: SimTime::ZERO,
                        last_use: SimTime::ZERO,
                        assigned: 0,
                        lunch_offset: SimTime::from_secs_f64(spread * i as f64 / n as f64),
                        break_offset: SimTime::from_secs_f64(break_spread * i as f64 / n as f64),
                        short_in_lunch: false,
                        short_breaks: 0,
                        shrinking: false,
                        shrink_pending: false,
                        shrink_start: SimTime::ZERO,
                        shrink_offset: SimTime::from_secs_f64(
                            SHRINK_PERIOD_SECS * i as f64 / n as f64,
                        ),
                    });
                }
            };
            let reserved = line.key_clients_per_shift();
            if line.external.is_none() {
                if let Some(r) = &line.roster {
                    push(ROSTER, r.max, reserved[0], &mut agents);
                } else if line.shifts.is_empty() {
                    push(NONE, line.agents, reserved[0], &mut agents);
                } else {
                    for (si, s) in line.shifts.iter().enumerate() {
                        push(si as u32, s.agents, reserved[si], &mut agents);
                    }
                }
            }
            lines.push(LineState {
                queues: (0..2 * CLASSES).map(|_| VecDeque::new()).collect(),
                waiting: 0,
                idle: VecDeque::new(),
                first_agent: first,
                end_agent: agents.len() as u32,
                cap,
                fast: cap == 1
                    && reserved.iter().all(|&r| r == 0)
                    && line.routing == Routing::LongestIdle,
                rr: first,
                last: SimTime::ZERO,
                busy_units: 0,
                on_duty: 0,
                on_break: 0,
                rostered: 0,
                free_bits: vec![0; (agents.len() - first as usize).div_ceil(64)],
                area: Areas::default(),
            });
        }
        let mut arrival_of = vec![None; sc.channels.len()];
        for (i, a) in sc.arrivals.iter().enumerate() {
            arrival_of[a.channel] = Some(i);
        }
        let mut acc = 0.0;
        let type_cdf = sc
            .ticket_types
            .iter()
            .map(|t| {
                acc += t.share;
                acc
            })
            .collect();
        SupportCenter {
            sc,
            warmup: sc.warmup,
            horizon: sc.horizon,
            arrival_rng: per_channel("arrivals"),
            volume_rng: per_channel("volume"),
            volume_day: vec![(u64::MAX, 1.0); sc.channels.len()],
            volume_dist: sc
                .channels
                .iter()
                .enumerate()
                .map(|(c, _)| {
                    let cv = arrival_of[c].map_or(0.0, |a| sc.arrivals[a].volume_cv);
                    (cv > 0.0)
                        .then(|| Gamma::new(1.0 / (cv * cv), cv * cv).ok())
                        .flatten()
                })
                .collect(),
            arrival_of,
            type_rng: per_channel("ticket_type"),
            type_cdf,
            key_rng: per_channel("key_client"),
            patience_rng: per_channel("patience"),
            retry_rng: per_channel("retry"),
            handle_rng: sc
                .lines
                .iter()
                .flat_map(|l| {
                    sc.ticket_types
                        .iter()
                        .map(move |t| rng("handle", &[&l.name, &t.name]))
                })
                .collect(),
            resolve_rng: per_line("escalate"),
            misroute_rng: per_line("misroute"),
            routing_rng: per_line("routing"),
            break_rng: per_line("breaks"),
            vendor_rng: per_line("external"),
            wrap_rng: per_line("wrap_up"),
            absence_rng: sc
                .lines
                .iter()
                .map(|l| {
                    l.shifts
                        .iter()
                        .map(|s| rng("absence", &[&l.name, &s.name]))
                        .collect()
                })
                .collect(),
            tickets: Vec::new(),
            free: Vec::new(),
            open: 0,
            lines,
            agents,
            candidates: Vec::new(),
            slot: 0,
            week_offset: sc.start_weekday as u64 * DAY_US,
            trace_next: vec![0; sc.channels.len()],
            live_day_factor: calendar_days(sc, |d| sc.calendar.live_factor(d)),
            closed_day: calendar_days(sc, |d| sc.calendar.is_closed(d)),
            overflow: false,
            halt: false,
            log: None,
            tally: RunTally::new(sc),
        }
    }

    /// A fresh center for replication `replication` of `sc` that hands
    /// the record of every contact to `sink` (the event log).
    pub fn with_contacts(
        sc: &'s Scenario,
        replication: u64,
        sink: &'s mut dyn ContactSink,
    ) -> Self {
        let mut center = SupportCenter::new(sc, replication);
        center.log = Some(Recorder::new(sink));
        center
    }

    /// True once the run must stop: more tickets were open than the
    /// scenario allows, or the contact sink gave up.
    pub fn halted(&self) -> bool {
        self.halt
    }

    /// True once more tickets were open than the scenario allows.
    pub fn overflowed(&self) -> bool {
        self.overflow
    }

    /// Seconds of [from, to] inside the measured window.
    #[inline]
    fn in_window(&self, from: SimTime, to: SimTime) -> f64 {
        let a = from.max(self.warmup);
        let b = to.min(self.horizon);
        if b > a { (b - a).as_secs_f64() } else { 0.0 }
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

    /// The slot of the week (weekday × interval) that time `t` falls in.
    #[inline]
    fn slot_at(&self, t: SimTime) -> usize {
        let week = 7 * DAY_US;
        let t = (t.0 + self.week_offset) % week;
        (t / self.sc.interval.0.max(1)) as usize % self.tally.intervals.slots
    }

    /// Integrates a line's state up to `now` (before it changes).
    #[inline]
    fn line_account(&mut self, l: usize, now: SimTime) {
        let ls = &mut self.lines[l];
        if now > ls.last {
            let dt = (now - ls.last).as_secs_f64();
            ls.area.queue += ls.waiting as f64 * dt;
            ls.area.busy += ls.busy_units as f64 / ls.cap as f64 * dt;
            ls.area.on_duty += ls.on_duty as f64 * dt;
            ls.area.on_break += ls.on_break as f64 * dt;
            ls.area.rostered += ls.rostered as f64 * dt;
            ls.last = now;
        }
    }

    /// Adds an agent's busy time up to `now` (before its load changes).
    #[inline]
    fn agent_account(&mut self, a: u32, now: SimTime) {
        let ag = self.agents[a as usize];
        if ag.used > 0 {
            let busy = self.in_window(ag.last_use, now) * ag.used as f64 / ag.cap as f64;
            self.tally.agent_busy[a as usize] += busy;
            self.tally.lines[ag.line as usize].busy += busy;
        }
        self.agents[a as usize].last_use = now;
    }

    /// The free agents of line `l`, in agent order.
    #[inline]
    fn free_agents(&self, l: usize) -> FreeAgents<'_> {
        FreeAgents::new(&self.lines[l].free_bits, self.lines[l].first_agent)
    }

    /// Changes agent `a` with `f`, keeping its line's set of free agents.
    #[inline]
    fn with_agent(&mut self, a: u32, f: impl FnOnce(&mut Agent)) {
        let ag = &mut self.agents[a as usize];
        let ls = &mut self.lines[ag.line as usize];
        if ls.fast {
            f(ag);
            return;
        }
        let was = ag.free();
        f(ag);
        if was != ag.free() {
            let i = (a - ls.first_agent) as usize;
            ls.free_bits[i / 64] ^= 1 << (i % 64);
        }
    }

    /// Can agent `a` take a ticket of `cost` units now?
    #[inline]
    fn can_take(&self, a: u32, cost: u32, key: bool) -> bool {
        let ag = &self.agents[a as usize];
        ag.on_duty
            && !ag.on_break
            && ag.break_pending.is_none()
            && !ag.shrinking
            && !ag.shrink_pending
            && !ag.leaving
            && ag.used + cost <= ag.cap
            && (key
                || !ag.key_reserved
                || self.sc.lines[ag.line as usize].key_clients_take_other_work)
    }

    /// Offers a fully idle, available agent to the fast path's idle list.
    #[inline]
    fn mark_idle(&mut self, a: u32) {
        let ag = &mut self.agents[a as usize];
        ag.stamp = ag.stamp.wrapping_add(1);
        let l = ag.line as usize;
        if self.lines[l].fast && ag.used == 0 && self.can_take(a, 1, false) {
            let stamp = self.agents[a as usize].stamp;
            let ls = &mut self.lines[l];
            ls.idle.push_back((a, stamp));
            if ls.idle.len() > 4 * (ls.end_agent - ls.first_agent) as usize + 16 {
                let agents = &self.agents;
                ls.idle.retain(|&(x, s)| agents[x as usize].stamp == s);
            }
        }
    }

    /// Picks the agent for a new ticket by the line's routing, or none.
    fn pick_agent(&mut self, l: usize, cost: u32, key: bool) -> Option<u32> {
        if self.lines[l].fast {
            while let Some((a, stamp)) = self.lines[l].idle.pop_front() {
                if self.agents[a as usize].stamp == stamp && self.can_take(a, cost, key) {
                    return Some(a);
                }
            }
            return None;
        }
        // key-client tickets try the reserved agents first
        if key && let Some(a) = self.pick_among(l, cost, key, Some(true)) {
            return Some(a);
        }
        self.pick_among(l, cost, key, if key { Some(false) } else { None })
    }

    /// Routing over the agents of line `l` (only reserved ones, only
    /// general ones, or all).
    fn pick_among(
        &mut self,
        l: usize,
        cost: u32,
        key: bool,
        reserved: Option<bool>,
    ) -> Option<u32> {
        let (first, end) = (self.lines[l].first_agent, self.lines[l].end_agent);
        let n = end - first;
        debug_assert!(!self.lines[l].fast, "fast lines route by their idle list");
        if n == 0 || self.lines[l].free_bits.iter().all(|&w| w == 0) {
            debug_assert!((first..end).all(|a| !self.agents[a as usize].free()));
            return None;
        }
        let ok = |me: &Self, a: u32| {
            reserved.is_none_or(|r| me.agents[a as usize].key_reserved == r)
                && me.can_take(a, cost, key)
        };
        // only free agents can take work; in agent order, as a scan would
        debug_assert!(
            (first..end)
                .all(|a| { self.agents[a as usize].free() == self.free_agents(l).any(|x| x == a) })
        );
        match self.sc.lines[l].routing {
            Routing::LongestIdle => {
                // fully idle longest first, else the least used
                let mut best: Option<(u32, SimTime, u32)> = None;
                for a in self.free_agents(l) {
                    if ok(self, a) {
                        let ag = &self.agents[a as usize];
                        let k = (ag.used, ag.last_use, a);
                        if best.is_none_or(|b| k < b) {
                            best = Some(k);
                        }
                    }
                }
                best.map(|b| b.2)
            }
            Routing::RoundRobin => {
                let start = self.lines[l].rr;
                for i in 0..n {
                    let a = first + (start - first + i) % n;
                    if ok(self, a) {
                        self.lines[l].rr = first + (a - first + 1) % n;
                        return Some(a);
                    }
                }
                None
            }
            Routing::LeastLoaded => {
                let mut best: Option<(u64, u32, u32)> = None;
                for a in self.free_agents(l) {
                    if ok(self, a) {
                        let ag = &self.agents[a as usize];
                        let k = (ag.assigned, ag.used, a);
                        if best.is_none_or(|b| k < b) {
                            best = Some(k);
                        }
                    }
                }
                best.map(|b| b.2)
            }
            Routing::Random => {
                let mut c = std::mem::take(&mut self.candidates);
                c.clear();
                c.extend(self.free_agents(l).filter(|&a| ok(self, a)));
                let pick = (!c.is_empty()).then(|| c[self.routing_rng[l].random_range(0..c.len())]);
                self.candidates = c;
                pick
            }
        }
    }

    /// The queue class of a ticket at line `l`.
    #[inline]
    fn class(&self, t: &Ticket, l: usize) -> usize {
        let live = t.waiting_first && self.sc.channels[t.channel as usize].live;
        let prio = 3 - t.priority.min(3) as usize;
        let class = if self.sc.lines[l].live_first {
            (!live as usize) * 4 + prio
        } else {
            prio * 2 + !live as usize
        };
        class + if t.key { CLASSES } else { 0 }
    }

    /// A ticket joins line `l`: straight to an agent, or into the queue.
    fn enter_line(
        &mut self,
        l: usize,
        idx: u32,
        patience: Option<SimTime>,
        s: &mut Scheduler<Event>,
    ) {
        let now = s.now();
        let sc = self.sc;
        if let Some(x) = &sc.lines[l].external {
            let delay = x.delay.sample(&mut self.vendor_rng[l]);
            let t = &mut self.tickets[idx as usize];
            t.line = l as u16;
            t.in_service = true;
            // the vendor's delay is measured from here (see vendor_done)
            t.service_start = now;
            if t.counted {
                self.tally.lines[l].vendor_tickets += 1;
            }
            if let Some(r) = &mut self.log {
                r.vendor(idx, l, now);
            }
            s.after(delay, Event::Vendor(idx));
            return;
        }
        let cap = self.lines[l].cap;
        let t = self.tickets[idx as usize];
        let conc = self.sc.channels[t.channel as usize].concurrency;
        let cost = if t.waiting_first && conc > 1 && l == t.first_line as usize {
            cap / conc
        } else {
            cap
        };
        {
            let t = &mut self.tickets[idx as usize];
            t.line = l as u16;
            t.cost = cost;
            t.enqueued = now;
        }
        if let Some(r) = &mut self.log {
            r.join(idx, l, now);
        }
        if let Some(agent) = self.pick_agent(l, cost, t.key) {
            self.start(agent, idx, s);
            return;
        }
        let class = self.class(&self.tickets[idx as usize], l);
        let generation = self.tickets[idx as usize].generation;
        self.line_account(l, now);
        self.tickets[idx as usize].queued = true;
        let ls = &mut self.lines[l];
        ls.queues[class].push_back((idx, generation));
        ls.waiting += 1;
        let w = ls.waiting as f64;
        if now >= self.warmup {
            let at = self.slot_at(now);
            let slot = &mut self.tally.intervals.lines[l][at].max_queue;
            if w > *slot {
                *slot = w;
            }
        }
        if let Some(p) = patience {
            s.after(p, Event::Abandon(idx, generation));
        }
    }

    fn start(&mut self, agent: u32, idx: u32, s: &mut Scheduler<Event>) {
        let now = s.now();
        self.agent_account(agent, now);
        let t = self.tickets[idx as usize];
        let l = t.line as usize;
        self.line_account(l, now);
        let wait = now - t.enqueued;
        if t.counted {
            let lt = &mut self.tally.lines[l];
            lt.answered += 1;
            lt.wait_sum += wait.as_secs_f64();
            if t.waiting_first {
                let c = t.channel as usize;
                let ct = &mut self.tally.channels[c];
                ct.answered += 1;
                ct.wait_sum += wait.as_secs_f64();
                let in_time = wait <= self.sc.channels[c].answer_within;
                if in_time {
                    ct.answered_in_time += 1;
                }
                let at = self.slot_at(now);
                // in time counts where the contact arrived, so that the
                // interval's service level is a share of its offered contacts
                let arrived = self.slot_at(t.attempt_at);
                self.tally.intervals.channels[c][arrived].answered_in_time += in_time as u8 as f64;
                let slot = &mut self.tally.intervals.channels[c][at];
                slot.answered += 1.0;
                slot.wait_sum += wait.as_secs_f64();
                let ty = &mut self.tally.types[t.ttype as usize];
                ty.answered += 1;
                ty.wait_sum += wait.as_secs_f64();
                self.tally.waits.record(wait.0);
                self.tally.channels[c].waits.record(wait.0);
            }
        }
        if let Some(r) = &mut self.log {
            let number = agent - self.lines[l].first_agent + 1;
            r.started(idx, Some(number), now, t.waiting_first);
        }
        {
            let tk = &mut self.tickets[idx as usize];
            tk.waiting_first = false;
            tk.queued = false;
            tk.in_service = true;
            tk.agent = agent;
            tk.service_start = now;
        }
        self.with_agent(agent, |ag| {
            ag.used += t.cost;
            ag.assigned += 1;
            ag.stamp = ag.stamp.wrapping_add(1);
        });
        self.lines[l].busy_units += u64::from(t.cost);
        let sc = self.sc;
        let dist: &Dist = sc
            .handle(t.ttype as usize, t.channel as usize, l)
            .expect("validated: every reachable line has a handle");
        let types = sc.ticket_types.len();
        let recorded = (t.trace_row != NONE && !t.first_done && l == t.first_line as usize)
            .then(|| {
                let a = self.arrival_of[t.channel as usize]?;
                let tr = sc.arrivals[a].trace.as_ref()?;
                tr.rows.get(t.trace_row as usize)?.handle
            })
            .flatten();
        let h = match recorded {
            Some(secs) => SimTime::from_secs_f64(secs),
            None => dist.sample(&mut self.handle_rng[l * types + t.ttype as usize]),
        };
        s.after(h, Event::Done(idx));
    }

    fn arrive(&mut self, channel: u32, s: &mut Scheduler<Event>) {
        let now = s.now();
        let c = channel as usize;
        // a recorded arrival: its row, then the next row is scheduled
        let sc = self.sc;
        let trace = self.arrival_of[c].and_then(|a| sc.arrivals[a].trace.as_deref());
        let row = trace.map(|tr| {
            let i = self.trace_next[c];
            self.trace_next[c] += 1;
            (i as u32, tr.rows[i])
        });
        self.schedule_arrival(c, now, s);
        if self.open >= self.sc.max_in_system {
            self.overflow = true;
            self.halt = true;
            return;
        }
        let given = row.map(|r| r.1);
        let ttype = if let Some(t) = given.and_then(|r| r.ticket_type) {
            t as usize
        } else if self.type_cdf.len() > 1 {
            let u: f64 = self.type_rng[c].random();
            self.type_cdf
                .iter()
                .position(|&x| u < x)
                .unwrap_or(self.type_cdf.len() - 1)
        } else {
            0
        };
        let sc = self.sc;
        let tt = &sc.ticket_types[ttype];
        let key = match given.and_then(|r| r.key_client) {
            Some(k) => k,
            None => tt.key_client > 0.0 && self.key_rng[c].random::<f64>() < tt.key_client,
        };
        let ch = &sc.channels[c];
        let line = ch.line;
        let patience = match given.and_then(|r| r.patience) {
            Some(p) => Some(SimTime::from_secs_f64(p)),
            None => ch
                .patience
                .as_ref()
                .map(|p| p.sample(&mut self.patience_rng[c])),
        };
        let counted = now >= self.warmup;
        let idx = self.alloc(Ticket {
            arrival: now,
            attempt_at: now,
            enqueued: now,
            channel: channel as u16,
            ttype: ttype as u16,
            line: line as u16,
            first_line: line as u16,
            priority: given.and_then(|r| r.priority).unwrap_or(tt.priority),
            trace_row: row.map_or(NONE, |r| r.0),
            agent: NONE,
            live: true,
            counted,
            waiting_first: true,
            key,
            ..Ticket::default()
        });
        if let Some(r) = &mut self.log {
            r.arrive(idx, now, c, ttype, key, counted);
        }
        if counted {
            let ct = &mut self.tally.channels[c];
            ct.offered += 1;
            ct.unique += 1;
            let at = self.slot_at(now);
            self.tally.intervals.channels[c][at].offered += 1.0;
            self.tally.types[ttype].offered += 1;
            self.tally.lines[line].offered += 1;
        }
        self.enter_line(line, idx, patience, s);
    }

    /// Schedules the next arrival of channel `c` after `now`.
    fn schedule_arrival(&mut self, c: usize, now: SimTime, s: &mut Scheduler<Event>) {
        let Some(a) = self.arrival_of[c] else { return };
        let sc = self.sc;
        if let Some(trace) = &sc.arrivals[a].trace {
            // recorded arrivals, all inside the horizon (checked when read)
            if let Some(r) = trace.rows.get(self.trace_next[c]) {
                s.at(r.at.max(now), Event::Arrive(c as u32));
            }
            return;
        }
        let rate = &sc.arrivals[a].rate;
        let slot_us = rate.slot().0;
        let night = sc.arrivals[a].night_minutes as u64 * 60_000_000;
        // the weekly rate starts on Monday; the run on its own weekday
        let off = SimTime(self.week_offset);
        let (vrng, vday, vdist) = (
            &mut self.volume_rng[c],
            &mut self.volume_day[c],
            &self.volume_dist[c],
        );
        let (from, limit) = (now.saturating_add(off), self.horizon.saturating_add(off));
        // the calendar's multiplier of the day (live channels only), the
        // hours after midnight of an opening that crosses it counted with
        // the day before, as the volume noise counts them
        let days: &[f64] = if sc.channels[c].live {
            &self.live_day_factor
        } else {
            &[]
        };
        let first_day = self.week_offset / DAY_US;
        let calendar = |k: u64| -> f64 {
            if days.is_empty() {
                return 1.0;
            }
            let day = (k * slot_us + DAY_US - night) / DAY_US;
            // days counted from 1 here, from the Monday before the start
            match day.checked_sub(1 + first_day) {
                Some(d) => days.get(d as usize).copied().unwrap_or(1.0),
                None => 1.0,
            }
        };
        let next = match vdist {
            None if days.is_empty() => {
                rate.next_after(from, limit, &mut self.arrival_rng[c], |_| 1.0)
            }
            None => rate.next_after(from, limit, &mut self.arrival_rng[c], calendar),
            Some(g) => rate.next_after(from, limit, &mut self.arrival_rng[c], |k| {
                // the hours after midnight of an opening that crosses it
                // belong to the day before (days counted from 1 here)
                let day = (k * slot_us + DAY_US - night) / DAY_US;
                if vday.0 != day {
                    *vday = (day, g.sample(vrng));
                }
                vday.1 * calendar(k)
            }),
        }
        .map(|t| t - off);
        if let Some(t) = next {
            s.at(t, Event::Arrive(c as u32));
        }
    }

    fn retry(&mut self, idx: u32, generation: u32, s: &mut Scheduler<Event>) {
        let t = self.tickets[idx as usize];
        if t.generation != generation || !t.live {
            return;
        }
        let now = s.now();
        let c = t.channel as usize;
        let sc = self.sc;
        let patience = sc.channels[c]
            .patience
            .as_ref()
            .map(|p| p.sample(&mut self.patience_rng[c]));
        {
            let tk = &mut self.tickets[idx as usize];
            tk.attempt_at = now;
            tk.waiting_first = true;
        }
        if let Some(r) = &mut self.log {
            r.retry(idx, now);
        }
        let line = t.first_line as usize;
        if t.counted {
            self.tally.channels[c].offered += 1;
            let at = self.slot_at(now);
            self.tally.intervals.channels[c][at].offered += 1.0;
            self.tally.lines[line].offered += 1;
        }
        self.enter_line(line, idx, patience, s);
    }

    fn done(&mut self, idx: u32, s: &mut Scheduler<Event>) {
        let now = s.now();
        let t = self.tickets[idx as usize];
        let agent = t.agent;
        let l = t.line as usize;
        let sc = self.sc;
        // the agent stays busy for the wrap-up; the customer is gone
        let wrap = sc
            .wrap_up(t.channel as usize, l)
            .map(|d| d.sample(&mut self.wrap_rng[l]))
            .filter(|w| *w > SimTime::ZERO);
        if wrap.is_none() {
            self.release_agent(agent, l, t.cost, now);
        }
        if let Some(r) = &mut self.log {
            r.ended(idx, now, wrap.unwrap_or(SimTime::ZERO));
        }
        if t.counted {
            self.tally.agent_handled[agent as usize] += 1;
            let handle = (now - t.service_start).as_secs_f64();
            let wrap = wrap.map_or(0.0, SimTime::as_secs_f64);
            let lt = &mut self.tally.lines[l];
            lt.handled += 1;
            lt.handle_sum += handle;
            lt.wrap_sum += wrap;
            let ct = &mut self.tally.channels[t.channel as usize];
            ct.handled += 1;
            ct.handle_sum += handle;
            ct.wrap_sum += wrap;
        }
        let at_first = l == t.first_line as usize && !t.escalated;
        let first_time = !t.first_done;
        {
            let tk = &mut self.tickets[idx as usize];
            tk.in_service = false;
            tk.first_done = true;
            if at_first {
                tk.passes = tk.passes.saturating_add(1);
            }
        }
        if t.counted && first_time {
            self.tally.first_handled += 1;
            self.tally.types[t.ttype as usize].first_handled += 1;
        }
        let tt = &sc.ticket_types[t.ttype as usize];
        let misrouted = at_first
            && tt.misroute > 0.0
            && (t.misroutes as u32) < self.sc.max_misroutes
            && self.misroute_rng[l].random::<f64>() < tt.misroute;
        if misrouted {
            if let Some(r) = &mut self.log {
                r.misrouted(idx);
            }
            let tk = &mut self.tickets[idx as usize];
            tk.misroutes += 1;
            if t.counted {
                if t.misroutes == 0 {
                    self.tally.misrouted_tickets += 1;
                    self.tally.types[t.ttype as usize].misrouted += 1;
                }
                self.tally.max_misroutes = self.tally.max_misroutes.max(t.misroutes as u32 + 1);
                self.tally.lines[l].offered += 1;
            }
            self.enter_line(l, idx, None, s);
        } else {
            let line = &sc.lines[l];
            let escalate_to = match line.escalates_to {
                Some(next)
                    if self.resolve_rng[l].random::<f64>() >= sc.resolve(t.ttype as usize, l) =>
                {
                    Some(next)
                }
                _ => None,
            };
            match escalate_to {
                Some(next) => {
                    if t.counted {
                        self.tally.lines[l].escalated += 1;
                        if !t.escalated {
                            self.tally.escalated_tickets += 1;
                            self.tally.types[t.ttype as usize].escalated += 1;
                        }
                        self.tally.lines[next].offered += 1;
                    }
                    self.tickets[idx as usize].escalated = true;
                    if let Some(r) = &mut self.log {
                        r.escalated(idx);
                    }
                    self.enter_line(next, idx, None, s);
                }
                None => self.resolve(idx, now),
            }
        }
        match wrap {
            None => self.after_work(agent, s),
            Some(w) => s.after(w, Event::WrapEnd(agent, t.cost)),
        }
    }

    /// Agent `a` of line `l` lets go of `cost` capacity units at `now`.
    fn release_agent(&mut self, a: u32, l: usize, cost: u32, now: SimTime) {
        self.agent_account(a, now);
        self.line_account(l, now);
        self.with_agent(a, |ag| ag.used -= cost);
        self.lines[l].busy_units -= u64::from(cost);
    }

    /// An agent's wrap-up ends: it frees the units and takes what comes next.
    fn wrap_end(&mut self, a: u32, cost: u32, s: &mut Scheduler<Event>) {
        let l = self.agents[a as usize].line as usize;
        self.release_agent(a, l, cost, s.now());
        self.after_work(a, s);
    }

    fn resolve(&mut self, idx: u32, now: SimTime) {
        let t = self.tickets[idx as usize];
        if t.counted {
            let secs = (now - t.arrival).as_secs_f64();
            self.tally.resolved += 1;
            self.tally.resolution_sum += secs;
            if now - t.arrival <= self.sc.targets.resolved_within_time() {
                self.tally.resolved_in_target += 1;
            }
            let c = t.channel as usize;
            let ct = &mut self.tally.channels[c];
            ct.resolved += 1;
            if now - t.arrival <= self.sc.channel_resolved_within_time(c) {
                ct.resolved_in_target += 1;
            }
            self.tally.first_line_passes += t.passes as u64;
            let fcr = !t.escalated && t.misroutes == 0 && t.line == t.first_line;
            if fcr {
                self.tally.first_contact_resolved += 1;
            }
            let ty = &mut self.tally.types[t.ttype as usize];
            ty.resolved += 1;
            ty.resolution_sum += secs;
            if fcr {
                ty.first_contact_resolved += 1;
            }
        }
        if let Some(r) = &mut self.log
            && !r.resolved(idx, now)
        {
            self.halt = true;
        }
        self.release(idx);
    }

    fn vendor_done(&mut self, idx: u32, s: &mut Scheduler<Event>) {
        let now = s.now();
        let t = self.tickets[idx as usize];
        if t.counted {
            let lt = &mut self.tally.lines[t.line as usize];
            lt.handled += 1;
            lt.handle_sum += (now - t.service_start).as_secs_f64();
        }
        if let Some(r) = &mut self.log {
            r.ended(idx, now, SimTime::ZERO);
        }
        self.tickets[idx as usize].in_service = false;
        self.resolve(idx, now);
    }

    /// After an agent's load dropped: leave, take a break, or take more work.
    fn after_work(&mut self, agent: u32, s: &mut Scheduler<Event>) {
        let ag = self.agents[agent as usize];
        if ag.used == 0 {
            if ag.leaving {
                self.go_off(agent, s.now());
                return;
            }
            if let Some(lunch) = ag.break_pending {
                self.start_break(agent, lunch, s);
                return;
            }
            if ag.shrink_pending {
                self.start_shrink(agent, s);
                return;
            }
        }
        self.feed(agent, s);
    }

    /// The agent takes waiting tickets while it has room, then may go idle.
    fn feed(&mut self, agent: u32, s: &mut Scheduler<Event>) {
        let l = self.agents[agent as usize].line as usize;
        loop {
            let ag = &self.agents[agent as usize];
            if !ag.on_duty
                || ag.on_break
                || ag.shrinking
                || ag.shrink_pending
                || ag.leaving
                || ag.break_pending.is_some()
                || ag.used >= ag.cap
            {
                break;
            }
            if self.lines[l].waiting == 0 {
                break;
            }
            let room = ag.cap - ag.used;
            let reserved = ag.key_reserved;
            let other = self.sc.lines[l].key_clients_take_other_work;
            // key-client tickets come first for every agent; reserved agents
            // take the rest only if allowed
            let order: [(usize, bool); 2] = if reserved {
                [(CLASSES, true), (0, other)]
            } else {
                [(CLASSES, true), (0, true)]
            };
            let mut taken = None;
            'search: for (base, allowed) in order {
                if !allowed {
                    continue;
                }
                for class in base..base + CLASSES {
                    while let Some(&(idx, generation)) = self.lines[l].queues[class].front() {
                        let t = &self.tickets[idx as usize];
                        if t.generation != generation || !t.queued {
                            self.lines[l].queues[class].pop_front();
                            continue;
                        }
                        if t.cost <= room {
                            self.lines[l].queues[class].pop_front();
                            taken = Some(idx);
                            break 'search;
                        }
                        break;
                    }
                }
            }
            let Some(idx) = taken else { break };
            let now = s.now();
            self.line_account(l, now);
            self.lines[l].waiting -= 1;
            self.start(agent, idx, s);
        }
        if self.agents[agent as usize].used == 0 {
            self.mark_idle(agent);
        }
    }

    fn abandon(&mut self, idx: u32, generation: u32, s: &mut Scheduler<Event>) {
        let t = self.tickets[idx as usize];
        if t.generation != generation || !t.waiting_first || !t.queued {
            return; // answered already, or the slot holds another ticket
        }
        let now = s.now();
        let c = t.channel as usize;
        let l = t.line as usize;
        let sc = self.sc;
        let ch = &sc.channels[c];
        let mut closed = false;
        let retry = ch
            .retry
            .as_ref()
            .filter(|r| self.retry_rng[c].random::<f64>() < r.probability)
            .and_then(|r| {
                let due = now.saturating_add(r.delay.sample(&mut self.retry_rng[c]));
                if !ch.live {
                    return Some(due);
                }
                // a live channel takes the new attempt only while open
                let minute = (due.0 + self.week_offset) / 60_000_000;
                let week_minute = (minute % (7 * 1440)) as u32;
                if ch.hours.is_open(week_minute) {
                    return Some(due);
                }
                closed = true;
                match r.after_closing {
                    AfterClosing::Lost => None,
                    AfterClosing::NextOpening => ch.hours.next_opening(week_minute).map(|k| {
                        SimTime(((minute + k as u64) * 60_000_000).saturating_sub(self.week_offset))
                    }),
                }
            });
        if t.counted {
            self.tally.channels[c].abandoned += 1;
            self.tally.lines[l].abandoned += 1;
            let at = self.slot_at(now);
            self.tally.intervals.channels[c][at].abandoned += 1.0;
            if retry.is_some() {
                self.tally.channels[c].retried += 1;
            }
            if closed {
                self.tally.channels[c].retries_after_closing += 1;
            }
        }
        if let Some(r) = &mut self.log
            && !r.abandoned(idx, now, retry)
        {
            self.halt = true;
        }
        self.line_account(l, now);
        self.lines[l].waiting -= 1;
        self.tickets[idx as usize].queued = false;
        self.compact_queue(l);
        match retry {
            Some(due) => {
                // the queue entry goes stale; the contact comes back later
                let tk = &mut self.tickets[idx as usize];
                tk.generation = tk.generation.wrapping_add(1);
                tk.waiting_first = false;
                s.at(due, Event::Retry(idx, tk.generation));
            }
            None => self.release(idx),
        }
    }

    /// Drops the stale entries (abandoned tickets) of line `l`'s queues once
    /// they outnumber the waiting tickets: where nobody serves the queue, they
    /// were never popped and the queue grew with the horizon. Live entries
    /// keep their order, so results do not change; the work is amortized
    /// over the abandonments that made the entries stale.
    fn compact_queue(&mut self, l: usize) {
        let ls = &self.lines[l];
        let entries: usize = ls.queues.iter().map(VecDeque::len).sum();
        if entries <= 2 * ls.waiting as usize + 64 {
            return;
        }
        let tickets = &self.tickets;
        for q in &mut self.lines[l].queues {
            q.retain(|&(idx, generation)| {
                let t = &tickets[idx as usize];
                t.generation == generation && t.queued
            });
            if q.capacity() > 4 * q.len() + 64 {
                q.shrink_to(2 * q.len() + 32);
            }
        }
    }

    /// The next start of shift `si` of line `l` at or after `from` (day index
    /// `day` counted from the start of the run; day -1 handled by the caller).
    fn next_shift_start(&self, l: usize, si: usize, from_day: i64) -> Option<SimTime> {
        let shift = &self.sc.lines[l].shifts[si];
        for d in from_day..from_day + 8 {
            let weekday = (d + self.sc.start_weekday as i64).rem_euclid(7) as usize;
            if shift.days[weekday] {
                let t = d * DAY_US as i64 + shift.start as i64 * 60_000_000;
                return (t >= 0).then_some(SimTime(t as u64));
            }
        }
        None
    }

    fn shift_start(&mut self, l: usize, si: usize, s: &mut Scheduler<Event>) {
        let now = s.now();
        let sc = self.sc;
        let shift = &sc.lines[l].shifts[si];
        let len = SimTime(shift.minutes() as u64 * 60_000_000);
        let end = now.saturating_add(len);
        let day = (now.0 / DAY_US) as i64;
        if let Some(next) = self.next_shift_start(l, si, day + 1)
            && next < self.horizon
        {
            s.at(next, Event::ShiftStart(l as u32, si as u32));
        }
        // on a closed date of the calendar nobody comes on duty
        if self.closed_day.get(day as usize).copied().unwrap_or(false) {
            return;
        }
        self.open_shift(l, si, now, end, s);
    }

    /// Schedules the end of a shift occurrence and brings its agents on duty.
    fn open_shift(
        &mut self,
        l: usize,
        si: usize,
        now: SimTime,
        end: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        s.at(end.min(self.horizon), Event::ShiftEnd(l as u32, si as u32));
        let all = self.lines[l].first_agent..self.lines[l].end_agent;
        self.begin_duty(l, Duty::Shift(si), all, now, end, s);
    }

    /// Agents of a shift (or, with `None`, the always-on agents) come on
    /// duty until `end`. Shift agents are rostered, paid and may be absent;
    /// always-on agents are paid for the whole window by the caller.
    fn begin_duty(
        &mut self,
        l: usize,
        duty: Duty,
        agents: std::ops::Range<u32>,
        now: SimTime,
        end: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let sc = self.sc;
        let econ = &sc.economics;
        let (want, shift) = match duty {
            Duty::Always => (NONE, None),
            Duty::Shift(si) => (si as u32, Some(si)),
            Duty::Roster => (ROSTER, None),
        };
        let paid = self.in_window(now, end);
        let full = (end - now).as_secs_f64();
        let share = if full > 0.0 { paid / full } else { 0.0 };
        // a roster's duty counts one agent-day per day it spans begun
        let days = match duty {
            Duty::Roster => (full / 86_400.0).ceil().max(1.0),
            _ => 1.0,
        };
        self.line_account(l, now);
        for a in agents {
            if self.agents[a as usize].shift != want {
                continue;
            }
            if duty != Duty::Always {
                self.agents[a as usize].rostered = true;
                self.lines[l].rostered += 1;
                self.tally.lines[l].agent_days += share * days;
                let absent = econ.absenteeism > 0.0
                    && shift.is_some_and(|si| {
                        self.absence_rng[l][si].random::<f64>() < econ.absenteeism
                    });
                if absent {
                    self.tally.lines[l].absent_days += share;
                    if econ.absent_paid {
                        self.tally.lines[l].paid += paid;
                    }
                    continue;
                }
                self.tally.lines[l].paid += paid;
            }
            let mut arrived = false;
            if self.agents[a as usize].leaving {
                self.count_short_breaks(a);
            }
            self.with_agent(a, |ag| {
                ag.short_breaks = 0;
                ag.short_in_lunch = false;
                if ag.leaving {
                    // still finishing the previous shift's work: the new shift takes over
                    ag.leaving = false;
                } else {
                    ag.on_duty = true;
                    ag.duty_since = now;
                    arrived = true;
                }
                ag.duty_gen = ag.duty_gen.wrapping_add(1);
                ag.shift_end = end;
                ag.break_pending = None;
                ag.shrink_pending = false;
            });
            if arrived {
                self.lines[l].on_duty += 1;
            }
            let generation = self.agents[a as usize].duty_gen;
            if sc.lines[l].shrinkage > 0.0 {
                let due = now.saturating_add(self.agents[a as usize].shrink_offset);
                if due < end && due < self.horizon {
                    s.at(due, Event::ShrinkDue(a, generation));
                }
            }
            if let Some(b) = &sc.lines[l].breaks {
                let offset = self.agents[a as usize].break_offset;
                self.schedule_short_break(a, offset, s);
                if let Some((after, _)) = b.lunch
                    && duty != Duty::Always
                {
                    let due = now
                        .saturating_add(SimTime::from_secs_f64(after))
                        .saturating_add(self.agents[a as usize].lunch_offset);
                    if due < end {
                        s.at(due, Event::BreakDue(a, generation, true));
                    }
                }
            }
            self.feed(a, s);
        }
    }

    fn shift_end(&mut self, l: usize, si: usize, s: &mut Scheduler<Event>) {
        let now = s.now();
        let (first, last) = (self.lines[l].first_agent, self.lines[l].end_agent);
        self.line_account(l, now);
        for a in first..last {
            let ag = self.agents[a as usize];
            if ag.shift != si as u32 || !ag.rostered {
                continue;
            }
            self.end_duty(l, a, now);
        }
    }

    /// Rostered agent `a` of line `l` ends its duty at `now`: off at once,
    /// or once the work in hand is done (as at a shift's end).
    fn end_duty(&mut self, l: usize, a: u32, now: SimTime) {
        let ag = self.agents[a as usize];
        self.agents[a as usize].rostered = false;
        self.lines[l].rostered -= 1;
        if !ag.on_duty {
            return;
        }
        if ag.on_break {
            self.end_break_accounting(a, now);
            self.go_off(a, now);
        } else if ag.shrinking {
            self.end_shrink_accounting(a, now);
            self.go_off(a, now);
        } else if ag.used == 0 {
            self.go_off(a, now);
        } else {
            self.with_agent(a, |ag| {
                ag.leaving = true;
                ag.stamp = ag.stamp.wrapping_add(1);
            });
        }
    }

    /// Step `step` of line `l`'s roster: agents come on duty up to its
    /// count, or those above it go off (finishing the work in hand).
    fn roster_step(&mut self, l: usize, step: usize, s: &mut Scheduler<Event>) {
        let now = s.now();
        let sc = self.sc;
        let Some(roster) = sc.lines[l].roster.as_deref() else {
            return;
        };
        let (_, n) = roster.steps[step];
        let before = if step == 0 {
            0
        } else {
            roster.steps[step - 1].1
        };
        let first = self.lines[l].first_agent;
        if n > before {
            for i in before..n {
                let end = roster.duty_end(step, i, self.horizon);
                self.begin_duty(l, Duty::Roster, first + i..first + i + 1, now, end, s);
            }
        } else {
            self.line_account(l, now);
            for i in n..before {
                if self.agents[(first + i) as usize].rostered {
                    self.end_duty(l, first + i, now);
                }
            }
        }
        if let Some(&(at, _)) = roster.steps.get(step + 1)
            && at < self.horizon
        {
            s.at(at, Event::Roster(l as u32, (step + 1) as u32));
        }
    }

    /// Adds agent `a`'s short breaks of the shift it ends to the line's
    /// tally, if the shift lay inside the measured window.
    fn count_short_breaks(&mut self, a: u32) {
        let ag = self.agents[a as usize];
        if ag.shift == NONE || ag.duty_since < self.warmup || ag.shift_end > self.horizon {
            return;
        }
        let n = ag.short_breaks as usize;
        let hist = &mut self.tally.lines[ag.line as usize].short_breaks_per_shift;
        if hist.len() <= n {
            hist.resize(n + 1, 0);
        }
        hist[n] += 1;
    }

    fn go_off(&mut self, a: u32, now: SimTime) {
        self.count_short_breaks(a);
        let ag = self.agents[a as usize];
        let l = ag.line as usize;
        self.line_account(l, now);
        let duty = self.in_window(ag.duty_since, now);
        let overtime = if now > ag.shift_end {
            self.in_window(ag.shift_end, now)
        } else {
            0.0
        };
        self.tally.agent_available[a as usize] += duty;
        let lt = &mut self.tally.lines[l];
        lt.on_duty += duty;
        lt.overtime += overtime;
        self.lines[l].on_duty -= 1;
        self.with_agent(a, |ag| {
            ag.on_duty = false;
            ag.leaving = false;
            ag.break_pending = None;
            ag.shrink_pending = false;
            ag.duty_gen = ag.duty_gen.wrapping_add(1);
            ag.stamp = ag.stamp.wrapping_add(1);
        });
    }

    fn end_break_accounting(&mut self, a: u32, now: SimTime) {
        let ag = self.agents[a as usize];
        let l = ag.line as usize;
        self.line_account(l, now);
        let on_break = self.in_window(ag.break_start, now);
        self.tally.lines[l].on_break += on_break;
        self.tally.agent_available[a as usize] -= on_break;
        self.lines[l].on_break -= 1;
        self.with_agent(a, |ag| ag.on_break = false);
    }

    fn break_due(&mut self, a: u32, generation: u32, lunch: bool, s: &mut Scheduler<Event>) {
        let ag = self.agents[a as usize];
        if ag.duty_gen != generation || !ag.on_duty || ag.leaving {
            return;
        }
        if ag.on_break {
            if lunch {
                self.with_agent(a, |ag| ag.break_pending = Some(true));
            } else {
                self.schedule_short_break(a, SimTime::ZERO, s);
            }
            return;
        }
        if ag.used == 0 && !ag.shrinking {
            self.start_break(a, lunch, s);
        } else {
            // a short break and the lunch due together are taken as the
            // lunch; the short-break cycle then starts again at its end
            let merged = match ag.break_pending {
                Some(pending_lunch) => pending_lunch != lunch,
                None => false,
            };
            self.with_agent(a, |ag| {
                ag.break_pending = Some(lunch || ag.break_pending == Some(true));
                ag.short_in_lunch |= merged;
                ag.stamp = ag.stamp.wrapping_add(1);
            });
        }
    }

    /// Schedules agent `a`'s next short break, `every` (plus `delay`) from now.
    fn schedule_short_break(&mut self, a: u32, delay: SimTime, s: &mut Scheduler<Event>) {
        let ag = self.agents[a as usize];
        let sc = self.sc;
        let Some(b) = &sc.lines[ag.line as usize].breaks else {
            return;
        };
        let every = if b.every.1 > b.every.0 {
            self.break_rng[ag.line as usize].random_range(b.every.0..=b.every.1)
        } else {
            b.every.0
        };
        let due = s
            .now()
            .saturating_add(SimTime::from_secs_f64(every))
            .saturating_add(delay);
        if due < ag.shift_end && due < self.horizon {
            s.at(due, Event::BreakDue(a, ag.duty_gen, false));
        }
    }

    fn start_break(&mut self, a: u32, lunch: bool, s: &mut Scheduler<Event>) {
        let now = s.now();
        let l = self.agents[a as usize].line as usize;
        let sc = self.sc;
        let Some(b) = &sc.lines[l].breaks else { return };
        let length = if lunch {
            b.lunch.map_or(b.length, |x| x.1)
        } else {
            b.length
        };
        self.line_account(l, now);
        self.lines[l].on_break += 1;
        self.with_agent(a, |ag| {
            ag.on_break = true;
            ag.break_is_lunch = lunch;
            ag.short_breaks += !lunch as u32;
            ag.break_start = now;
            ag.break_pending = None;
            ag.stamp = ag.stamp.wrapping_add(1);
        });
        s.after(
            SimTime::from_secs_f64(length),
            Event::BreakEnd(a, self.agents[a as usize].duty_gen),
        );
    }

    fn break_end(&mut self, a: u32, generation: u32, s: &mut Scheduler<Event>) {
        let ag = self.agents[a as usize];
        if ag.duty_gen != generation || !ag.on_break {
            return;
        }
        let now = s.now();
        self.end_break_accounting(a, now);
        if !ag.break_is_lunch || ag.short_in_lunch {
            self.with_agent(a, |ag| ag.short_in_lunch = false);
            self.schedule_short_break(a, SimTime::ZERO, s);
        }
        if self.agents[a as usize].break_pending == Some(true) {
            self.start_break(a, true, s);
            return;
        }
        self.with_agent(a, |ag| ag.break_pending = None);
        if self.agents[a as usize].shrink_pending {
            self.start_shrink(a, s);
            return;
        }
        self.feed(a, s);
    }

    /// A shrinkage block falls due: taken now if the agent is free of work
    /// and breaks, else once it is. The next block is due a period later.
    fn shrink_due(&mut self, a: u32, generation: u32, s: &mut Scheduler<Event>) {
        let ag = self.agents[a as usize];
        if ag.duty_gen != generation || !ag.on_duty || ag.leaving {
            return;
        }
        let next = s
            .now()
            .saturating_add(SimTime::from_secs_f64(SHRINK_PERIOD_SECS));
        if next < ag.shift_end && next < self.horizon {
            s.at(next, Event::ShrinkDue(a, generation));
        }
        if ag.used == 0 && !ag.on_break && !ag.shrinking && ag.break_pending.is_none() {
            self.start_shrink(a, s);
        } else if !ag.shrinking {
            self.with_agent(a, |ag| {
                ag.shrink_pending = true;
                ag.stamp = ag.stamp.wrapping_add(1);
            });
        }
    }

    fn start_shrink(&mut self, a: u32, s: &mut Scheduler<Event>) {
        let now = s.now();
        let l = self.agents[a as usize].line as usize;
        let length = self.sc.lines[l].shrinkage * SHRINK_PERIOD_SECS;
        self.line_account(l, now);
        // counted with the breaks in the per-interval availability
        self.lines[l].on_break += 1;
        self.with_agent(a, |ag| {
            ag.shrinking = true;
            ag.shrink_pending = false;
            ag.shrink_start = now;
            ag.stamp = ag.stamp.wrapping_add(1);
        });
        s.after(
            SimTime::from_secs_f64(length),
            Event::ShrinkEnd(a, self.agents[a as usize].duty_gen),
        );
    }

    fn end_shrink_accounting(&mut self, a: u32, now: SimTime) {
        let ag = self.agents[a as usize];
        let l = ag.line as usize;
        self.line_account(l, now);
        let off = self.in_window(ag.shrink_start, now);
        self.tally.lines[l].shrinkage += off;
        self.tally.agent_available[a as usize] -= off;
        self.lines[l].on_break -= 1;
        self.with_agent(a, |ag| ag.shrinking = false);
    }

    fn shrink_end(&mut self, a: u32, generation: u32, s: &mut Scheduler<Event>) {
        let ag = self.agents[a as usize];
        if ag.duty_gen != generation || !ag.shrinking {
            return;
        }
        self.end_shrink_accounting(a, s.now());
        if let Some(lunch) = self.agents[a as usize].break_pending {
            self.start_break(a, lunch, s);
            return;
        }
        self.feed(a, s);
    }

    /// Closes the results interval that ends now.
    fn interval(&mut self, s: &mut Scheduler<Event>) {
        let now = s.now();
        let step = self.sc.interval;
        let start = now.saturating_sub(step);
        let counts = start >= self.warmup;
        for l in 0..self.lines.len() {
            self.line_account(l, now);
            let area = std::mem::take(&mut self.lines[l].area);
            if counts {
                let slot = &mut self.tally.intervals.lines[l][self.slot];
                slot.queue_area += area.queue;
                slot.busy_area += area.busy;
                slot.on_duty_area += area.on_duty;
                slot.on_break_area += area.on_break;
                slot.rostered_area += area.rostered;
            }
        }
        if counts {
            self.tally.intervals.occurrences[self.slot] += 1;
        }
        self.slot = (self.slot + 1) % self.tally.intervals.slots;
        // the queue carried into the new interval is its first queue length
        if now >= self.warmup && now < self.horizon {
            for l in 0..self.lines.len() {
                let w = self.lines[l].waiting as f64;
                let slot = &mut self.tally.intervals.lines[l][self.slot].max_queue;
                if w > *slot {
                    *slot = w;
                }
            }
        }
        let next = now.saturating_add(step);
        if next <= self.horizon {
            s.at(next, Event::Interval);
        }
    }

    /// Closes the books at the horizon.
    fn finish(&mut self) {
        let now = self.horizon;
        for a in 0..self.agents.len() as u32 {
            self.agent_account(a, now);
            let ag = self.agents[a as usize];
            if ag.on_duty {
                let l = ag.line as usize;
                if ag.on_break {
                    let on_break = self.in_window(ag.break_start, now);
                    self.tally.lines[l].on_break += on_break;
                    self.tally.agent_available[a as usize] -= on_break;
                }
                if ag.shrinking {
                    let off = self.in_window(ag.shrink_start, now);
                    self.tally.lines[l].shrinkage += off;
                    self.tally.agent_available[a as usize] -= off;
                }
                let duty = self.in_window(ag.duty_since, now);
                self.tally.lines[l].on_duty += duty;
                self.tally.agent_available[a as usize] += duty;
                if now > ag.shift_end {
                    self.tally.lines[l].overtime += self.in_window(ag.shift_end, now);
                }
            }
        }
        self.tally.backlog_end = self.open as u64;
        for t in self.tickets.iter().filter(|t| t.live && t.counted) {
            if t.waiting_first && t.queued {
                self.tally.channels[t.channel as usize].waiting_end += 1;
            }
            let line = &mut self.tally.lines[t.line as usize];
            if t.in_service {
                line.in_service_end += 1;
            } else if t.queued {
                line.waiting_end += 1;
            }
        }
        self.tally.overflow = self.overflow;
        if let Some(r) = &mut self.log {
            let open = self
                .tickets
                .iter()
                .enumerate()
                .filter(|(_, t)| t.live)
                .map(|(i, _)| i as u32);
            if !r.finish(open, now) {
                self.halt = true;
            }
        }
    }
}

impl Model for SupportCenter<'_> {
    type Event = Event;

    fn start(&mut self, s: &mut Scheduler<Event>) {
        // the slot of the week the run starts in
        let per_day = (DAY_US / self.sc.interval.0.max(1)) as usize;
        self.slot = self.sc.start_weekday as usize * per_day;
        s.at(self.sc.interval.min(self.horizon), Event::Interval);
        for c in 0..self.sc.channels.len() {
            self.schedule_arrival(c, SimTime::ZERO, s);
        }
        for l in 0..self.sc.lines.len() {
            let line = &self.sc.lines[l];
            if line.external.is_some() {
                continue;
            }
            if line.roster.is_some() {
                self.roster_step(l, 0, s);
                continue;
            }
            if line.shifts.is_empty() {
                // always-on agents: on duty, rostered and paid for the whole window
                let n = line.agents as f64;
                let window = self.in_window(SimTime::ZERO, self.horizon);
                let lt = &mut self.tally.lines[l];
                lt.agent_days = n * window / 86_400.0;
                lt.paid = n * window;
                self.lines[l].rostered = line.agents;
                let all = self.lines[l].first_agent..self.lines[l].end_agent;
                self.begin_duty(l, Duty::Always, all, SimTime::ZERO, self.horizon, s);
                continue;
            }
            for (si, shift) in line.shifts.iter().enumerate() {
                // a shift that started the evening before the run is still on
                let yesterday = (self.sc.start_weekday as usize + 6) % 7;
                if shift.end <= shift.start && shift.end > 0 && shift.days[yesterday] {
                    let end = SimTime(shift.end as u64 * 60_000_000);
                    self.open_shift(l, si, SimTime::ZERO, end, s);
                }
                if let Some(t) = self.next_shift_start(l, si, 0)
                    && t < self.horizon
                {
                    s.at(t, Event::ShiftStart(l as u32, si as u32));
                }
            }
        }
    }

    #[inline]
    fn handle(&mut self, event: Event, s: &mut Scheduler<Event>) {
        match event {
            Event::Arrive(c) => self.arrive(c, s),
            Event::Abandon(idx, generation) => self.abandon(idx, generation, s),
            Event::Done(idx) => self.done(idx, s),
            Event::Retry(idx, generation) => self.retry(idx, generation, s),
            Event::Vendor(idx) => self.vendor_done(idx, s),
            Event::ShiftStart(l, si) => self.shift_start(l as usize, si as usize, s),
            Event::ShiftEnd(l, si) => self.shift_end(l as usize, si as usize, s),
            Event::BreakDue(a, generation, lunch) => self.break_due(a, generation, lunch, s),
            Event::BreakEnd(a, generation) => self.break_end(a, generation, s),
            Event::Interval => self.interval(s),
            Event::WrapEnd(a, cost) => self.wrap_end(a, cost, s),
            Event::ShrinkDue(a, generation) => self.shrink_due(a, generation, s),
            Event::ShrinkEnd(a, generation) => self.shrink_end(a, generation, s),
            Event::Roster(l, step) => self.roster_step(l as usize, step as usize, s),
        }
    }
}

/// Runs replication `replication` of `sc` to its horizon and returns its tallies.
pub fn run_replication(sc: &Scenario, replication: u64) -> RunTally {
    run(SupportCenter::new(sc, replication))
}

/// Runs replication `replication` of `sc` like [`run_replication`], and
/// hands the record of every contact to `sink` as the contact leaves (at
/// the end of the run, those still open). The tallies are those of
/// [`run_replication`]: recording draws nothing and changes nothing. A
/// sink that gives up stops the run.
pub fn run_replication_with(
    sc: &Scenario,
    replication: u64,
    sink: &mut dyn ContactSink,
) -> RunTally {
    run(SupportCenter::with_contacts(sc, replication, sink))
}

fn run(center: SupportCenter<'_>) -> RunTally {
    let horizon = center.horizon;
    let mut sim = Simulation::new(center);
    sim.run_until(horizon, |m| !m.halt);
    let events = sim.events_handled();
    let mut center = sim.into_model();
    center.finish();
    center.tally.events = events;
    center.tally
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line with no agents and impatient callers: 432,000 contacts abandon
    /// over 30 days, and its queue stays as long as the few that wait at a
    /// time (it kept an entry for every abandoned contact: issue 19 item 11).
    #[test]
    fn unserved_queue_stays_bounded() {
        let text = "[simulation]\nname = \"nobody\"\nhorizon = \"30d\"\nwarmup = \"0s\"\n\
            replications = 1\nseed = 5\n\
            [[channel]]\nname = \"phone\"\npatience = { dist = \"exponential\", mean = \"1m\" }\n\
            [[arrivals]]\nchannel = \"phone\"\nper_hour = 600\n\
            [[line]]\nname = \"L1\"\nchannels = [\"phone\"]\nagents = 0\nhandle = \"4m\"\n";
        let sc = crate::scenario::load_str(text, "nobody.toml", None).expect("valid scenario");
        let mut sim = Simulation::new(SupportCenter::new(&sc, 0));
        sim.run_until(sc.horizon, |m| !m.overflow);
        let center = sim.model();
        assert!(center.tally.channels[0].abandoned > 400_000);
        let allocated: usize = center.lines[0].queues.iter().map(VecDeque::capacity).sum();
        assert!(
            allocated <= 4096,
            "the queue holds room for {allocated} entries"
        );
    }
}
