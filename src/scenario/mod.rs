//! The scenario: the typed, validated model a planner describes in TOML.
//!
//! Loading ([`load_file`], [`load_str`]) reads the TOML, reports every
//! problem at once with file, key, line and column, and resolves every name
//! to an index, so nothing later looks up strings or re-checks values.

pub mod capacity;
pub mod duration;
mod load;
pub mod profiles;
mod read;
pub mod replay;
pub mod variants;

pub use load::{
    InputFile, MAX_EMPIRICAL_BYTES, MAX_SCENARIO_BYTES, is_stdin, load_file, load_str, read_input,
    read_scenario_text, read_source, scenario_dir,
};
pub use variants::{
    Loaded, load_experiment, load_experiment_inputs, load_experiment_str,
    load_experiment_text_with, load_experiment_with,
};

use crate::engine::{Dist, PeriodicRate, SimTime};
pub(crate) use load::open_no_wait;
pub use replay::{Calendar, Holiday, Roster, Trace, TraceRow};
use std::sync::Arc;

/// The service-level threshold used for a channel that sets none (the "80/20" rule).
pub const DEFAULT_ANSWER_WITHIN_SECS: f64 = 20.0;

/// The default cap on tickets in the system at once, per replication.
pub const DEFAULT_MAX_IN_SYSTEM: u32 = 1_000_000;

/// Weekday names, Monday first, as written in scenarios.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// The weekdays' names for people, in the order of [`WEEKDAYS`].
pub const WEEKDAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Minutes in a day.
pub const MINUTES_PER_DAY: u32 = 1440;

/// Priority names, lowest first; a ticket type's priority is an index here.
pub const PRIORITIES: [&str; 4] = ["low", "normal", "high", "critical"];

/// A validated scenario, ready to simulate.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The scenario's name (`simulation.name`, else `base`; a variant's name).
    pub name: String,
    /// The file it came from, as the user named it.
    pub file: String,
    /// Simulated span.
    pub horizon: SimTime,
    /// Span at the start discarded from every KPI.
    pub warmup: SimTime,
    /// Independent runs.
    pub replications: u32,
    /// Seed of every random stream.
    pub seed: u64,
    /// A replication stops, and the scenario is marked unstable, when more
    /// tickets than this are open at once.
    pub max_in_system: u32,
    /// Bucket of the per-interval results.
    pub interval: SimTime,
    /// Weekday of day 1 (0 = Monday).
    pub start_weekday: u8,
    /// The calendar date of day 1 when `simulation.start` is a date
    /// (`"1999-02-15"`); `None` when it is a weekday, and the run is a
    /// nominal week (see [`Scenario::start_date`]).
    pub start_date: Option<jiff::civil::Date>,
    /// Holidays and closed dates (`[calendar]`).
    pub calendar: Calendar,
    /// Most times one ticket is sent back to its first line for reclassification.
    pub max_misroutes: u32,
    /// Contact channels.
    pub channels: Vec<Channel>,
    /// Arrival streams, at most one per channel.
    pub arrivals: Vec<Arrival>,
    /// Ticket types; one implicit type when the file has none.
    pub ticket_types: Vec<TicketType>,
    /// True when the file defines its ticket types (per-type results are reported).
    pub explicit_ticket_types: bool,
    /// Support lines, in file order.
    pub lines: Vec<Line>,
    /// Cost parameters.
    pub economics: Economics,
    /// What "good enough" means.
    pub targets: Targets,
}

/// Opening hours: when live contacts can be offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    /// Opening, minute of the day.
    pub open: u32,
    /// Closing, minute of the day (1440 = midnight; earlier than `open`:
    /// the hours cross midnight into the next day).
    pub close: u32,
    /// Days on which the hours start (Monday first).
    pub days: [bool; 7],
}

impl Hours {
    /// Open every minute of every day.
    pub const ALWAYS: Hours = Hours {
        open: 0,
        close: MINUTES_PER_DAY,
        days: [true; 7],
    };

    /// Minutes from minute `m` of the week (0 = Monday 00:00) to the next
    /// opening at or after it; `None` when the hours open on no day.
    pub fn next_opening(&self, minute_of_week: u32) -> Option<u32> {
        let week = 7 * MINUTES_PER_DAY;
        let m = minute_of_week % week;
        let today = m / MINUTES_PER_DAY;
        (0..=7)
            .map(|k| today + k)
            .filter(|&d| self.days[(d % 7) as usize])
            .map(|d| d * MINUTES_PER_DAY + self.open)
            .find(|&start| start >= m)
            .map(|start| start - m)
    }

    /// True when open at minute `m` of the week (0 = Monday 00:00).
    pub fn is_open(&self, minute_of_week: u32) -> bool {
        let day = (minute_of_week / MINUTES_PER_DAY) as usize % 7;
        let m = minute_of_week % MINUTES_PER_DAY;
        if self.open < self.close {
            self.days[day] && m >= self.open && m < self.close
        } else {
            // crosses midnight: the evening part today, the morning part from yesterday
            (self.days[day] && m >= self.open) || (self.days[(day + 6) % 7] && m < self.close)
        }
    }
}

/// What happens to some of those who abandon: they try again later.
#[derive(Debug, Clone)]
pub struct Retry {
    /// Probability an abandoning customer tries again.
    pub probability: f64,
    /// Time until the new attempt.
    pub delay: Dist,
    /// What becomes of an attempt that falls due while the channel is closed.
    pub after_closing: AfterClosing,
}

/// What becomes of a retry that falls due while its live channel is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterClosing {
    /// The customer finds the desk closed and does not try again (the
    /// default: a daily volume measured from past contacts already holds
    /// those who called back on a later day).
    Lost,
    /// The customer tries again as soon as the channel opens.
    NextOpening,
}

/// A contact channel (phone, chat, email, ...).
#[derive(Debug, Clone)]
pub struct Channel {
    /// The channel's name.
    pub name: String,
    /// How long a customer waits for a first answer before leaving; `None`: nobody leaves.
    pub patience: Option<Dist>,
    /// The service-level threshold ("answered within").
    pub answer_within: SimTime,
    /// This channel's own targets (`service_level.target`,
    /// `abandon_rate_max`, `asa_max`, `resolved_within`), judged on its own
    /// figures.
    pub targets: Targets,
    /// Index of the line that takes this channel's first contacts.
    pub line: usize,
    /// A live channel (a customer is waiting on it) is offered only within
    /// its hours and goes before backlog work; a backlog channel (email,
    /// portal) takes tickets at any time and keeps them until handled.
    pub live: bool,
    /// When live contacts can arrive.
    pub hours: Hours,
    /// Those who abandon and try again.
    pub retry: Option<Retry>,
    /// Contacts one agent holds at once on this channel (chat).
    pub concurrency: u32,
}

/// Arrivals on one channel: a Poisson process whose rate follows the week.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// Index of the channel.
    pub channel: usize,
    /// Rate per minute of the week (Monday 00:00 first), hours applied.
    pub rate: PeriodicRate,
    /// Day-to-day volume uncertainty: each day's volume is multiplied by a
    /// gamma variable of mean 1 and this coefficient of variation.
    pub volume_cv: f64,
    /// Minutes after midnight that belong to the previous day's opening
    /// (live hours across midnight; 0 otherwise): a day's volume, and its
    /// volume noise, cover its whole opening.
    pub night_minutes: u32,
    /// Recorded arrivals (`trace`): they replace the Poisson process, and
    /// `rate` is then their mean over the week, for the analytic figures.
    pub trace: Option<Arc<Trace>>,
}

/// A kind of ticket, with its own handling, resolution and priority.
#[derive(Debug, Clone)]
pub struct TicketType {
    /// The type's name.
    pub name: String,
    /// Share of all tickets.
    pub share: f64,
    /// Priority, an index into [`PRIORITIES`] (higher is served first).
    pub priority: u8,
    /// Handling per line; `None`: the line's own `handle`.
    pub handle: Vec<Option<Dist>>,
    /// Resolution probability per line; `None`: the line's own `resolve`.
    pub resolve: Vec<Option<f64>>,
    /// Share of these tickets from key clients.
    pub key_client: f64,
    /// Probability that a first-line handling misclassifies the ticket, which
    /// then comes back to the first line for reclassification.
    pub misroute: f64,
}

/// How a line picks the agent for the next ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routing {
    /// The agent idle for the longest time.
    LongestIdle,
    /// Agents in turn.
    RoundRobin,
    /// The agent who has handled the fewest tickets so far.
    LeastLoaded,
    /// Any free agent, at random.
    Random,
}

/// A shift: agents on duty between two clock times on some weekdays.
#[derive(Debug, Clone)]
pub struct Shift {
    /// The shift's name.
    pub name: String,
    /// Start, minute of the day.
    pub start: u32,
    /// End, minute of the day (at or before `start`: the next day).
    pub end: u32,
    /// Weekdays on which the shift starts.
    pub days: [bool; 7],
    /// Agents rostered on the shift.
    pub agents: u32,
    /// Agents of this shift reserved for key clients, when the shift sets
    /// `key_clients` itself (see [`Line::key_clients_per_shift`]).
    pub key_clients: Option<u32>,
}

impl Shift {
    /// Length of one shift, in minutes.
    pub fn minutes(&self) -> u32 {
        if self.end > self.start {
            self.end - self.start
        } else {
            self.end + MINUTES_PER_DAY - self.start
        }
    }

    /// The minutes of the week (0 = Monday 00:00) the shift covers, a shift
    /// that crosses Sunday midnight wrapping round to Monday.
    pub fn week_minutes(&self) -> impl Iterator<Item = usize> + '_ {
        let week = 7 * MINUTES_PER_DAY as usize;
        (0..7).filter(|&d| self.days[d]).flat_map(move |d| {
            let start = d * MINUTES_PER_DAY as usize + self.start as usize;
            (start..start + self.minutes() as usize).map(move |m| m % week)
        })
    }
}

/// Short breaks and lunch.
#[derive(Debug, Clone)]
pub struct Breaks {
    /// Work time between breaks, drawn uniformly in [min, max] seconds.
    pub every: (f64, f64),
    /// Length of a short break, seconds.
    pub length: f64,
    /// Lunch: (seconds after the shift starts, length in seconds).
    pub lunch: Option<(f64, f64)>,
    /// Seconds over which the lunches of a shift's agents are staggered:
    /// agent i of n goes at `after + spread * i / n` (0: all at once).
    pub lunch_spread: f64,
    /// Seconds over which the first short breaks of a shift's agents are
    /// staggered: agent i of n takes it `spread * i / n` later than
    /// `every` after the start (0: all at once, unless `every` is a range).
    pub spread: f64,
}

/// An outside vendor line: no queue, a delay and a fee.
#[derive(Debug, Clone)]
pub struct External {
    /// Time the vendor takes.
    pub delay: Dist,
    /// Fee per ticket.
    pub cost_per_ticket: f64,
}

/// A support line (L1, L2, ...): a pool of agents with one queue.
#[derive(Debug, Clone)]
pub struct Line {
    /// The line's name.
    pub name: String,
    /// Channels whose first contacts this line takes.
    pub channels: Vec<usize>,
    /// Agents always on duty (0 when the line has shifts).
    pub agents: u32,
    /// Shifts; empty: `agents` are always on duty (or the roster's).
    pub shifts: Vec<Shift>,
    /// Staffing by interval (`roster` or `agents_by_interval`), instead of
    /// `agents` or shifts.
    pub roster: Option<Arc<Roster>>,
    /// Handling (talk) time of one contact (ticket types may override it).
    pub handle: Option<Dist>,
    /// Handling time per channel (indexed by channel), between a ticket
    /// type's handle and the line's plain `handle` in precedence.
    pub handle_by_channel: Vec<Option<Dist>>,
    /// After-contact work (wrap-up) once a handling ends: the agent stays
    /// busy, the customer is gone. `None`: no wrap-up.
    pub wrap_up: Option<Dist>,
    /// Wrap-up per channel (indexed by channel), before the plain `wrap_up`.
    pub wrap_up_by_channel: Vec<Option<Dist>>,
    /// Share of on-duty time spent off the phones beyond breaks (meetings,
    /// coaching, admin): the line's `shrinkage`, else `economics.shrinkage`.
    pub shrinkage: f64,
    /// Probability that the line resolves a ticket; the rest escalate.
    pub resolve: f64,
    /// Where unresolved tickets go.
    pub escalates_to: Option<usize>,
    /// How the next agent is chosen.
    pub routing: Routing,
    /// Wage per paid hour, before overhead.
    pub wage: f64,
    /// Breaks and lunch.
    pub breaks: Option<Breaks>,
    /// Agents reserved for key-client tickets, as the line's own
    /// `key_clients` says: all of them for a line without shifts; with
    /// shifts, spread over them (see [`Line::key_clients_per_shift`]) unless
    /// the shifts set their own.
    pub key_clients: u32,
    /// Whether reserved key-client agents take other work when no key-client
    /// ticket waits.
    pub key_clients_take_other_work: bool,
    /// Whether live contacts go before backlog tickets of higher priority.
    pub live_first: bool,
    /// An outside vendor instead of agents.
    pub external: Option<External>,
}

impl Line {
    /// All agents the line ever has (always-on agents, the sum of its
    /// shifts, or the most its roster has on duty at once).
    pub fn headcount(&self) -> u32 {
        if let Some(r) = &self.roster {
            r.max
        } else if self.shifts.is_empty() {
            self.agents
        } else {
            self.shifts.iter().map(|s| s.agents).sum()
        }
    }

    /// The agents reserved for key clients in each shift, in shift order.
    ///
    /// When a shift sets `key_clients`, every shift keeps its own (0 where
    /// it sets none). Otherwise the line's `key_clients` is spread over the
    /// shifts in proportion to their agents, by largest remainder: shift i
    /// of n agents gets `floor(k × agents_i / n)`, and the agents left over
    /// go one each to the shifts with the largest remainders, the earlier
    /// shift first on a tie. Each shift keeps at most its own agents. A
    /// line without shifts has one entry: all its reserved agents.
    pub fn key_clients_per_shift(&self) -> Vec<u32> {
        if self.shifts.is_empty() {
            return vec![self.key_clients.min(self.headcount())];
        }
        if self.shifts.iter().any(|s| s.key_clients.is_some()) {
            return self
                .shifts
                .iter()
                .map(|s| s.key_clients.unwrap_or(0).min(s.agents))
                .collect();
        }
        let total = u64::from(self.headcount());
        let k = u64::from(self.key_clients).min(total);
        if k == 0 {
            return vec![0; self.shifts.len()];
        }
        let mut out: Vec<u32> = self
            .shifts
            .iter()
            .map(|s| (k * u64::from(s.agents) / total) as u32)
            .collect();
        let left = k - out.iter().map(|&n| u64::from(n)).sum::<u64>();
        let mut order: Vec<usize> = (0..self.shifts.len()).collect();
        // largest remainder first; a stable sort keeps file order on ties
        order.sort_by_key(|&i| std::cmp::Reverse(k * u64::from(self.shifts[i].agents) % total));
        for &i in order.iter().take(left as usize) {
            out[i] += 1;
        }
        out
    }

    /// All agents the line reserves for key clients, over its shifts.
    pub fn key_clients_total(&self) -> u32 {
        self.key_clients_per_shift().iter().sum()
    }

    /// A warning when the line's own `key_clients`, spread over its shifts,
    /// leaves a shift that has agents with none reserved (a small number
    /// over unequal shifts), so key clients have no reserved agent while
    /// only that shift works.
    pub fn key_clients_warning(&self) -> Option<String> {
        if self.key_clients == 0 || self.shifts.iter().any(|s| s.key_clients.is_some()) {
            return None;
        }
        let reserved = self.key_clients_per_shift();
        let empty: Vec<&str> = self
            .shifts
            .iter()
            .zip(&reserved)
            .filter(|(s, r)| s.agents > 0 && **r == 0)
            .map(|(s, _)| s.name.as_str())
            .collect();
        (!empty.is_empty()).then(|| {
            format!(
                "line {}: key_clients = {} spread over its shifts in proportion to their agents \
                 leaves shift {} with no agent reserved for key clients; set key_clients on \
                 each [[line.shift]] to choose",
                self.name,
                self.key_clients,
                empty.join(", ")
            )
        })
    }
}

/// Cost parameters.
#[derive(Debug, Clone)]
pub struct Economics {
    /// Currency name for reports.
    pub currency: String,
    /// Benefits, taxes and equipment as a share on top of wages.
    pub overhead: f64,
    /// Pay multiplier for overtime hours.
    pub overtime_multiplier: f64,
    /// Share of rostered agent-days lost.
    pub absenteeism: f64,
    /// Whether absent agent-days are paid.
    pub absent_paid: bool,
    /// Paid training days per agent and year.
    pub training_days_per_year: f64,
    /// Working days per agent and year (to spread training over).
    pub working_days_per_year: f64,
    /// Revenue lost per abandoned contact.
    pub abandon_cost: f64,
    /// Desk-wide default of a line's `shrinkage`.
    pub shrinkage: f64,
}

impl Default for Economics {
    fn default() -> Self {
        Economics {
            currency: String::new(),
            overhead: 0.0,
            overtime_multiplier: 1.5,
            absenteeism: 0.0,
            absent_paid: true,
            training_days_per_year: 0.0,
            working_days_per_year: 230.0,
            abandon_cost: 0.0,
            shrinkage: 0.0,
        }
    }
}

/// Targets a plan must meet: the whole desk's (`[targets]`, judged on the
/// figures mixed over channels) or one channel's (judged on its own figures).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Targets {
    /// Least acceptable service level.
    pub service_level: Option<f64>,
    /// Highest acceptable abandon rate.
    pub abandon_rate_max: Option<f64>,
    /// Highest acceptable mean wait, seconds.
    pub asa_max_seconds: Option<f64>,
    /// (time, share): at least this share of tickets resolved within this time.
    pub resolved_within: Option<(SimTime, f64)>,
}

impl Targets {
    /// True when no target is set.
    pub fn is_empty(&self) -> bool {
        self.service_level.is_none()
            && self.abandon_rate_max.is_none()
            && self.asa_max_seconds.is_none()
            && self.resolved_within.is_none()
    }

    /// The "resolved within" time of the KPI `resolved_within_target` (24 h when not set).
    pub fn resolved_within_time(&self) -> SimTime {
        self.resolved_within
            .map(|r| r.0)
            .unwrap_or(SimTime::from_secs(86_400))
    }
}

/// The Monday of the nominal week a scenario without a date runs in:
/// Monday 1 January 2001, so `start = "wed"` is Wednesday 2001-01-03.
pub const NOMINAL_MONDAY: jiff::civil::Date = jiff::civil::date(2001, 1, 1);

impl Scenario {
    /// The calendar date of day 1: `simulation.start` when it is a date,
    /// else the day of the nominal week [`NOMINAL_MONDAY`] (2001-01-01 to
    /// 2001-01-07) that has the start's weekday.
    pub fn start_date(&self) -> jiff::civil::Date {
        self.start_date.unwrap_or_else(|| {
            NOMINAL_MONDAY
                .checked_add(jiff::SignedDuration::from_hours(
                    24 * i64::from(self.start_weekday % 7),
                ))
                .unwrap_or(NOMINAL_MONDAY)
        })
    }

    /// The calendar date and time (local, no time zone) of the simulation
    /// time `seconds` after the start (00:00 of [`Scenario::start_date`]),
    /// to the microsecond. Negative or NaN seconds give the start; a time
    /// past the last date jiff knows (9999-12-31) gives that date's end
    /// (validation keeps a scenario's horizon well inside it).
    pub fn datetime_at(&self, seconds: f64) -> jiff::civil::DateTime {
        let start = self.start_date().to_datetime(jiff::civil::Time::midnight());
        let micros = crate::engine::SimTime::from_secs_f64(seconds).0;
        let offset = jiff::SignedDuration::from_micros(i64::try_from(micros).unwrap_or(i64::MAX));
        start
            .checked_add(offset)
            .unwrap_or(jiff::civil::DateTime::MAX)
    }

    /// Length of the measured window (horizon minus warm-up).
    pub fn window(&self) -> SimTime {
        self.horizon.saturating_sub(self.warmup)
    }

    /// Index of the line named `name`.
    pub fn line_index(&self, name: &str) -> Option<usize> {
        self.lines.iter().position(|l| l.name == name)
    }

    /// True when the scenario states any target, for the desk or a channel.
    pub fn has_targets(&self) -> bool {
        !self.targets.is_empty() || self.channels.iter().any(|c| !c.targets.is_empty())
    }

    /// True when some channels are live and others backlog: an overall
    /// figure (service level, ASA, wait quantiles) then mixes seconds-long
    /// waits with hours-long ones.
    pub fn mixes_live_and_backlog(&self) -> bool {
        self.channels.iter().any(|c| c.live) && self.channels.iter().any(|c| !c.live)
    }

    /// The "resolved within" time of channel `c`'s `resolved_within_target`:
    /// its own target's, else the desk's (24 h when neither is set).
    pub fn channel_resolved_within_time(&self, c: usize) -> SimTime {
        self.channels[c]
            .targets
            .resolved_within
            .map(|r| r.0)
            .unwrap_or_else(|| self.targets.resolved_within_time())
    }

    /// Index of the channel named `name`.
    pub fn channel_index(&self, name: &str) -> Option<usize> {
        self.channels.iter().position(|c| c.name == name)
    }

    /// Mean arrival rate (per second) of a channel over a week.
    pub fn mean_rate(&self, channel: usize) -> f64 {
        self.arrivals
            .iter()
            .filter(|a| a.channel == channel)
            .map(|a| a.rate.rates().iter().sum::<f64>() / a.rate.rates().len() as f64)
            .sum()
    }

    /// The resolution probability of ticket type `t` at line `l`.
    pub fn resolve(&self, t: usize, l: usize) -> f64 {
        self.ticket_types[t].resolve[l].unwrap_or(self.lines[l].resolve)
    }

    /// The handling (talk) distribution of ticket type `t` from channel
    /// `c` at line `l`: the type's handle there, else the line's for the
    /// channel, else the line's plain handle.
    pub fn handle(&self, t: usize, c: usize, l: usize) -> Option<&Dist> {
        let line = &self.lines[l];
        self.ticket_types[t].handle[l]
            .as_ref()
            .or(line.handle_by_channel.get(c).and_then(Option::as_ref))
            .or(line.handle.as_ref())
    }

    /// The wrap-up distribution of a contact from channel `c` at line `l`:
    /// the line's for the channel, else its plain `wrap_up` (`None`: none).
    pub fn wrap_up(&self, c: usize, l: usize) -> Option<&Dist> {
        let line = &self.lines[l];
        line.wrap_up_by_channel
            .get(c)
            .and_then(Option::as_ref)
            .or(line.wrap_up.as_ref())
    }

    /// Mean seconds an agent of line `l` is occupied by one contact of
    /// ticket type `t` from channel `c`: talk plus wrap-up (`None` when the
    /// line has no handling time for it).
    pub fn mean_occupied(&self, t: usize, c: usize, l: usize) -> Option<f64> {
        let talk = self.handle(t, c, l)?.mean();
        Some(talk + self.wrap_up(c, l).map_or(0.0, Dist::mean))
    }

    /// Long-run arrival rate (per second) at each line, escalations
    /// included: the traffic equations of the line network (misrouting
    /// and retries left out).
    pub fn line_arrival_rates(&self) -> Vec<f64> {
        let mut rate = vec![0.0; self.lines.len()];
        for a in &self.arrivals {
            let r = self.mean_rate(a.channel);
            for (t, tt) in self.ticket_types.iter().enumerate() {
                let mut line = Some(self.channels[a.channel].line);
                let mut flow = r * tt.share;
                // escalation chains are acyclic (validated), so this ends
                while let Some(l) = line {
                    rate[l] += flow;
                    flow *= 1.0 - self.resolve(t, l);
                    line = self.lines[l].escalates_to;
                }
            }
        }
        rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shift_across_sunday_midnight_wraps_to_monday() {
        let mut days = [false; 7];
        days[6] = true; // Sunday
        let night = Shift {
            name: "night".into(),
            start: 22 * 60,
            end: 6 * 60,
            days,
            agents: 1,
            key_clients: None,
        };
        let minutes: Vec<usize> = night.week_minutes().collect();
        assert_eq!(minutes.len(), 8 * 60);
        let sunday_22 = 6 * MINUTES_PER_DAY as usize + 22 * 60;
        assert_eq!(minutes[0], sunday_22);
        assert_eq!(minutes[2 * 60 - 1], 7 * MINUTES_PER_DAY as usize - 1);
        assert_eq!(minutes[2 * 60], 0, "Monday 00:00 follows");
        assert_eq!(*minutes.last().unwrap(), 6 * 60 - 1);
    }

    fn line_with_shifts(key_clients: u32, shifts: &[(u32, Option<u32>)]) -> Line {
        Line {
            name: "L".into(),
            channels: vec![],
            agents: 0,
            roster: None,
            shifts: shifts
                .iter()
                .enumerate()
                .map(|(i, &(agents, key_clients))| Shift {
                    name: format!("s{i}"),
                    start: 8 * 60,
                    end: 16 * 60,
                    days: [true; 7],
                    agents,
                    key_clients,
                })
                .collect(),
            handle: None,
            handle_by_channel: Vec::new(),
            wrap_up: None,
            wrap_up_by_channel: Vec::new(),
            shrinkage: 0.0,
            resolve: 1.0,
            escalates_to: None,
            routing: Routing::LongestIdle,
            wage: 0.0,
            breaks: None,
            key_clients,
            key_clients_take_other_work: false,
            live_first: true,
            external: None,
        }
    }

    #[test]
    fn key_clients_spread_over_shifts_by_largest_remainder() {
        let spread = |k, agents: &[u32]| {
            let shifts: Vec<(u32, Option<u32>)> = agents.iter().map(|&a| (a, None)).collect();
            line_with_shifts(k, &shifts).key_clients_per_shift()
        };
        // the help desk's L2: 2 over 13 + 11 (quotas 1.08 and 0.92)
        assert_eq!(spread(2, &[13, 11]), [1, 1]);
        assert_eq!(spread(2, &[3, 3]), [1, 1]);
        // a tie goes to the earlier shift
        assert_eq!(spread(1, &[3, 3]), [1, 0]);
        assert_eq!(spread(3, &[8, 2]), [2, 1]);
        assert_eq!(spread(5, &[2, 3]), [2, 3]);
        assert_eq!(spread(0, &[4, 4]), [0, 0]);
        assert_eq!(spread(4, &[0, 4]), [0, 4]);
        for k in 0..=12 {
            let s = spread(k, &[5, 4, 3]);
            assert_eq!(s.iter().sum::<u32>(), k, "{k}: {s:?}");
            assert!(s.iter().zip([5, 4, 3]).all(|(r, a)| *r <= a), "{k}: {s:?}");
        }
        // shifts that set their own keep them, the others none
        let own = line_with_shifts(0, &[(5, Some(2)), (4, None), (3, Some(3))]);
        assert_eq!(own.key_clients_per_shift(), [2, 0, 3]);
        assert_eq!(own.key_clients_total(), 5);
        assert_eq!(own.key_clients_warning(), None, "chosen per shift");
        let small = line_with_shifts(1, &[(8, None), (2, None)]);
        assert_eq!(small.key_clients_per_shift(), [1, 0]);
        assert!(
            small
                .key_clients_warning()
                .is_some_and(|w| w.contains("leaves shift s1 with no agent reserved")),
            "{:?}",
            small.key_clients_warning()
        );
        assert_eq!(
            line_with_shifts(2, &[(13, None), (11, None)]).key_clients_warning(),
            None
        );
    }
}
