//! Erlang C / Erlang A staffing calculator: service level, waits and the agents a target needs, for one queue or for a scenario's live channels interval by interval.
//!
//! Everything here is pure: inputs in, serde-serializable results out, and
//! [`Calculation::table`], [`Calculation::json`] (and the same on
//! [`ScenarioRequirement`]) render them to text. The queueing formulas are
//! those of [`crate::analytic`]; all times are in seconds.
//!
//! Rows of an Erlang C calculation start at the largest agent count that is
//! at or below the offered load, if there is one: that row is marked
//! `stable: false` (the queue grows without bound) and carries
//! `service_level` 0, `p_wait` 1, `occupancy` 1 and no `asa_seconds` or
//! `abandon_rate`. Every other row is stable and has every field; no value
//! is ever NaN, infinite or negative.

use crate::analytic::{ErlangA, ErlangC};
use crate::engine::{Dist, SimTime};
use crate::error::{Error, Result};
use crate::scenario::duration::parse_duration;
use crate::scenario::{DEFAULT_ANSWER_WITHIN_SECS, MINUTES_PER_DAY, Scenario, WEEKDAYS};
use indexmap::IndexMap;
use serde::Serialize;
use std::fmt::Write as _;

/// The most agents the calculator considers (also the default `--max-agents`).
pub const MAX_AGENTS: u32 = 100_000;

/// The service-level target share used when neither the channel nor the scenario sets one.
pub const DEFAULT_TARGET: f64 = 0.8;

/// Rows shown beyond the required count.
pub const ROWS_BEYOND: u32 = 3;

/// At most this many rows are kept (the ones ending [`ROWS_BEYOND`] past the requirement).
pub const MAX_ROWS: usize = 40;

/// The queueing model a calculation used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    /// M/M/c: nobody abandons.
    ErlangC,
    /// M/M/c+M: exponential patience, abandonment included.
    ErlangA,
}

impl Model {
    /// The model's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Model::ErlangC => "Erlang C",
            Model::ErlangA => "Erlang A",
        }
    }
}

/// One queue to staff: Poisson arrivals, exponential handling, optional exponential patience.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Queue {
    /// Arrivals per second.
    pub per_second: f64,
    /// Mean handling time, seconds.
    pub aht_seconds: f64,
    /// Mean (exponential) patience, seconds; `None`: nobody abandons (Erlang C).
    pub patience_seconds: Option<f64>,
    /// Least acceptable service level, a share in (0, 1).
    pub target: f64,
    /// The service-level threshold, seconds.
    pub answer_within_seconds: f64,
}

impl Queue {
    /// The model used: Erlang A with a patience, Erlang C without.
    pub fn model(&self) -> Model {
        if self.patience_seconds.is_some() {
            Model::ErlangA
        } else {
            Model::ErlangC
        }
    }

    /// Offered load in Erlangs (arrival rate × handling time).
    pub fn load(&self) -> f64 {
        self.per_second * self.aht_seconds
    }

    /// Checks every input; the error names the setting (`rate`, `aht`,
    /// `patience`, `target`) the field comes from.
    pub fn check(&self) -> Result<()> {
        let bad = |setting: &str, message: String| {
            Err(Error::BadSetting {
                setting: setting.into(),
                message,
            })
        };
        if !(self.per_second.is_finite() && self.per_second > 0.0) {
            return bad("rate", "must be more than zero contacts".into());
        }
        if !(self.aht_seconds.is_finite() && self.aht_seconds > 0.0) {
            return bad("aht", "must be a positive duration".into());
        }
        if let Some(p) = self.patience_seconds
            && !(p.is_finite() && p > 0.0)
        {
            return bad("patience", "must be a positive duration".into());
        }
        if !(self.target > 0.0 && self.target < 1.0) {
            return bad(
                "target",
                "the service level must be more than 0% and less than 100%".into(),
            );
        }
        if !(self.answer_within_seconds.is_finite() && self.answer_within_seconds >= 0.0) {
            return bad("target", "the threshold must be zero or more".into());
        }
        if !self.load().is_finite() || self.load() > f64::from(MAX_AGENTS) * 1e3 {
            return bad(
                "rate",
                format!(
                    "an offered load of {:.3e} Erlangs is beyond this calculator",
                    self.load()
                ),
            );
        }
        Ok(())
    }
}

/// The queue's figures with one number of agents.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Row {
    /// Agents (servers).
    pub agents: u32,
    /// False when the offered load is at or above capacity (Erlang C only):
    /// the queue grows without bound and there is no steady state.
    pub stable: bool,
    /// Share of all arrivals answered within the threshold (abandoned ones
    /// count as not answered in time); 0 when not stable.
    pub service_level: f64,
    /// Mean wait of answered contacts (including those answered at once), seconds; absent when not stable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asa_seconds: Option<f64>,
    /// Probability that an arrival has to wait; 1 when not stable.
    pub p_wait: f64,
    /// Share of arrivals that abandon (0 for Erlang C); absent when not stable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abandon_rate: Option<f64>,
    /// Share of the agents' time spent handling; 1 when not stable.
    pub occupancy: f64,
    /// Whether `service_level` reaches the target.
    pub meets_target: bool,
}

/// The figures of `queue` with `agents` agents (`agents >= 1`; inputs as [`Queue::check`] accepts).
pub fn evaluate(queue: &Queue, agents: u32) -> Row {
    let unstable = Row {
        agents,
        stable: false,
        service_level: 0.0,
        asa_seconds: None,
        p_wait: 1.0,
        abandon_rate: None,
        occupancy: 1.0,
        meets_target: false,
    };
    let t = queue.answer_within_seconds;
    let row = match queue.patience_seconds {
        None => match ErlangC::new(queue.per_second, queue.aht_seconds, agents) {
            Some(q) => Row {
                agents,
                stable: true,
                service_level: q.service_level(t),
                asa_seconds: Some(q.asa),
                p_wait: q.p_wait,
                abandon_rate: Some(0.0),
                occupancy: q.occupancy,
                meets_target: false,
            },
            None => unstable,
        },
        Some(patience) => match ErlangA::new(queue.per_second, queue.aht_seconds, agents, patience)
        {
            Some(q) => Row {
                agents,
                stable: true,
                service_level: q.service_level(t),
                asa_seconds: Some(q.asa_answered),
                p_wait: q.p_wait,
                abandon_rate: Some(q.p_abandon),
                occupancy: q.occupancy,
                meets_target: false,
            },
            None => unstable,
        },
    };
    let clean = |x: f64| if x.is_finite() { x.max(0.0) } else { 0.0 };
    Row {
        service_level: clean(row.service_level).min(1.0),
        asa_seconds: row.asa_seconds.map(clean),
        p_wait: clean(row.p_wait).min(1.0),
        abandon_rate: row.abandon_rate.map(|a| clean(a).min(1.0)),
        occupancy: clean(row.occupancy).min(1.0),
        meets_target: row.stable && row.service_level >= queue.target,
        ..row
    }
}

/// The smallest number of agents, at most `max_agents`, whose
/// service level reaches the target; `None` when even `max_agents` falls short.
///
/// The service level grows with the number of agents, so the search gallops
/// up from a lower bound (Erlang C: the first stable count; Erlang A: the
/// target share of the load, since no more than `n / load` of the arrivals
/// can be answered) and then bisects.
pub fn required_agents(queue: &Queue, max_agents: u32) -> Option<u32> {
    let load = queue.load();
    let lower = match queue.model() {
        Model::ErlangC => load.floor() + 1.0,
        Model::ErlangA => (queue.target * load).floor(),
    }
    .max(1.0);
    if lower > f64::from(max_agents) {
        return None;
    }
    let meets = |n: u32| evaluate(queue, n).meets_target;
    let mut lo = lower as u32; // the answer is >= lo
    let mut step = 1u32;
    let mut hi = lo;
    while !meets(hi) {
        if hi >= max_agents {
            return None;
        }
        lo = hi + 1;
        hi = hi.saturating_add(step).min(max_agents);
        step = step.saturating_mul(2);
    }
    // meets(hi), and every count below lo fails
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if meets(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Some(hi)
}

/// Agents to roster so that `required` remain after shrinkage: `ceil(required / (1 - shrinkage))`.
///
/// A quotient within 1e-9 of a whole number counts as that number, so
/// 14 agents at 30% shrinkage give 20, not 21. `shrinkage` in [0, 1).
pub fn rostered_agents(required: u32, shrinkage: f64) -> u32 {
    let x = f64::from(required) / (1.0 - shrinkage);
    let nearest = x.round();
    let n = if (x - nearest).abs() <= 1e-9 * nearest.max(1.0) {
        nearest
    } else {
        x.ceil()
    };
    n.min(f64::from(u32::MAX)) as u32
}

/// The answer for one queue: the figures for a range of agent counts and the requirement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calculation {
    /// The smallest number of agents whose service level reaches the target;
    /// `null` when even `max_agents` falls short (see `notes`).
    pub required_agents: Option<u32>,
    /// Agents to roster given the shrinkage (only with a shrinkage).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rostered_agents: Option<u32>,
    /// The model used.
    pub model: Model,
    /// Arrivals per hour.
    pub per_hour: f64,
    /// Mean handling time, seconds.
    pub aht_seconds: f64,
    /// Mean patience, seconds (Erlang A only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patience_seconds: Option<f64>,
    /// Offered load, Erlangs.
    pub load_erlangs: f64,
    /// The service-level target share.
    pub target: f64,
    /// The service-level threshold, seconds.
    pub answer_within_seconds: f64,
    /// Share of paid time agents are not available (only when given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shrinkage: Option<f64>,
    /// The most agents considered.
    pub max_agents: u32,
    /// What the figures mean, and any warning (overload, unstable rows).
    pub notes: Vec<String>,
    /// The figures by number of agents, ascending.
    pub rows: Vec<Row>,
}

/// Calculates the requirement of `queue` with at most `max_agents` agents.
///
/// Rows run from the largest count at or below the load (Erlang C; that row
/// is the unstable one) or from `ceil(load) - 2` (Erlang A), at least 1 and
/// never above the requirement, up to [`ROWS_BEYOND`] past the requirement
/// (or to `max_agents` when the target is out of reach), keeping the last
/// [`MAX_ROWS`].
pub fn calculate(queue: &Queue, shrinkage: Option<f64>, max_agents: u32) -> Result<Calculation> {
    queue.check()?;
    if let Some(s) = shrinkage
        && !(0.0..1.0).contains(&s)
    {
        return Err(Error::BadSetting {
            setting: "shrinkage".into(),
            message: format!("must be from 0 up to (not including) 1, got {s}"),
        });
    }
    if max_agents == 0 {
        return Err(Error::BadSetting {
            setting: "max_agents".into(),
            message: "must be at least 1".into(),
        });
    }
    let max_agents = max_agents.min(MAX_AGENTS);
    let load = queue.load();
    let model = queue.model();
    let required = required_agents(queue, max_agents);
    let nominal_start = match model {
        Model::ErlangC => load.floor(),
        Model::ErlangA => load.ceil() - 2.0,
    }
    .clamp(1.0, f64::from(MAX_AGENTS)) as u32;
    let end = required
        .map_or(max_agents, |r| r.saturating_add(ROWS_BEYOND))
        .min(max_agents);
    let start = nominal_start.min(required.unwrap_or(u32::MAX)).min(end);
    let start = start.max(end.saturating_sub(MAX_ROWS as u32 - 1)).max(1);
    let rows: Vec<Row> = (start..=end).map(|n| evaluate(queue, n)).collect();

    let mut notes = Vec::new();
    let target = format!(
        "{} answered within {}",
        percent(queue.target),
        duration(queue.answer_within_seconds)
    );
    if let Some(p) = queue.patience_seconds {
        notes.push(format!(
            "Erlang A: abandonment is included (exponential patience, mean {}); abandoned contacts count as not answered in time, and ASA is the mean wait of answered contacts.",
            duration(p)
        ));
    } else {
        notes.push("Erlang C: nobody abandons; every contact waits until answered.".into());
    }
    if let Some(last_unstable) = rows.iter().rev().find(|r| !r.stable) {
        notes.push(format!(
            "With {} agent(s) or fewer the offered load of {load:.2} Erlangs is at or above capacity: the queue grows without bound (stable = false: no ASA or abandon rate).",
            last_unstable.agents
        ));
    }
    match required {
        Some(_) => {}
        None => notes.push(format!(
            "Overloaded: the target of {target} cannot be met with at most {max_agents} agent(s); the offered load is {load:.2} Erlangs{}.",
            match model {
                Model::ErlangC => format!(", so at least {} agents are needed just to keep up", load.floor() as u64 + 1),
                Model::ErlangA => String::new(),
            }
        )),
    }
    let rostered = match (required, shrinkage) {
        (Some(r), Some(s)) => Some(rostered_agents(r, s)),
        _ => None,
    };
    Ok(Calculation {
        required_agents: required,
        rostered_agents: rostered,
        model,
        per_hour: queue.per_second * 3600.0,
        aht_seconds: queue.aht_seconds,
        patience_seconds: queue.patience_seconds,
        load_erlangs: load,
        target: queue.target,
        answer_within_seconds: queue.answer_within_seconds,
        shrinkage,
        max_agents,
        notes,
        rows,
    })
}

/// A number with up to `decimals` decimals, trailing zeros dropped.
fn trim(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A share as a percentage: `0.8` → `80%`.
fn percent(share: f64) -> String {
    format!("{}%", trim(share * 100.0, 2))
}

/// Seconds as a duration: `180` → `3m`, `5400` → `1h30m`, `19.8` → `19.8s`.
fn duration(seconds: f64) -> String {
    let whole = seconds.round();
    if (seconds - whole).abs() > 1e-6 || whole >= 1e9 {
        return format!("{}s", trim(seconds, 3));
    }
    let s = whole as u64;
    if s == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    for (value, unit) in [(s / 3600, "h"), (s / 60 % 60, "m"), (s % 60, "s")] {
        if value > 0 {
            let _ = write!(out, "{value}{unit}");
        }
    }
    out
}

/// The document as pretty JSON with a final newline (never NaN: every number is finite).
fn to_json<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

impl Calculation {
    /// The JSON document printed by `staffsim erlang ... --format json`.
    pub fn json(&self) -> String {
        to_json(self)
    }

    /// A table for people: the inputs, one line per agent count, the requirement and notes.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: {} contacts/h, AHT {}{}, target {} answered within {}",
            self.model.label(),
            trim(self.per_hour, 3),
            duration(self.aht_seconds),
            self.patience_seconds
                .map(|p| format!(", patience {}", duration(p)))
                .unwrap_or_default(),
            percent(self.target),
            duration(self.answer_within_seconds)
        );
        let _ = writeln!(out, "offered load {:.2} Erlangs\n", self.load_erlangs);
        let _ = writeln!(
            out,
            "{:>7}  {:>13}  {:>9}  {:>8}  {:>8}  {:>9}",
            "agents", "service level", "ASA (s)", "P(wait)", "abandon", "occupancy"
        );
        for r in &self.rows {
            let pct = |x: f64| format!("{:.1}%", x * 100.0);
            let mark = if Some(r.agents) == self.required_agents {
                "  <- required"
            } else if !r.stable {
                "  overloaded"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "{:>7}  {:>13}  {:>9}  {:>8}  {:>8}  {:>9}{mark}",
                r.agents,
                if r.stable {
                    pct(r.service_level)
                } else {
                    "-".into()
                },
                r.asa_seconds
                    .map(|a| format!("{a:.1}"))
                    .unwrap_or_else(|| "-".into()),
                pct(r.p_wait),
                r.abandon_rate.map(pct).unwrap_or_else(|| "-".into()),
                pct(r.occupancy),
            );
        }
        out.push('\n');
        match self.required_agents {
            Some(n) => {
                let sl = self
                    .rows
                    .iter()
                    .find(|r| r.agents == n)
                    .map(|r| r.service_level)
                    .unwrap_or(0.0);
                let _ = writeln!(
                    out,
                    "Required: {n} agent(s) (service level {:.1}% against a target of {})",
                    sl * 100.0,
                    percent(self.target)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "Required: the target cannot be met with at most {} agent(s)",
                    self.max_agents
                );
            }
        }
        if let (Some(r), Some(s)) = (self.rostered_agents, self.shrinkage) {
            let _ = writeln!(
                out,
                "Rostered: {r} agent(s) to have the required number available with {} shrinkage",
                percent(s)
            );
        }
        for n in &self.notes {
            let _ = writeln!(out, "Note: {n}");
        }
        out
    }
}

/// Parses a rate such as `200/h`, `3.5/min` (or `/m`), `50/30m` (per
/// interval) or `1200/d` into arrivals per second.
pub fn parse_rate(text: &str) -> std::result::Result<f64, String> {
    let s = text.trim();
    let Some((count, period)) = s.split_once('/') else {
        return Err(format!(
            "\"{s}\" is not a rate; write contacts per period, such as \"200/h\", \"3.5/min\", \"50/30m\" or \"1200/d\""
        ));
    };
    let count = count.trim();
    let n: f64 = count
        .parse()
        .map_err(|_| format!("\"{count}\" in \"{s}\" is not a number of contacts"))?;
    if !n.is_finite() || n <= 0.0 {
        return Err(format!(
            "\"{s}\": the number of contacts must be more than zero"
        ));
    }
    let period = period.trim();
    let unit = match period {
        "hour" | "hr" => "h",
        "minute" | "mins" => "min",
        "sec" | "second" => "s",
        "day" => "d",
        "week" => "w",
        p => p,
    };
    let seconds = if unit.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        parse_duration(unit)
    } else {
        parse_duration(&format!("1{unit}"))
    }
    .map_err(|e| format!("\"{s}\": the period {e}"))?;
    if seconds <= 0.0 {
        return Err(format!("\"{s}\": the period must be longer than zero"));
    }
    let rate = n / seconds;
    if !rate.is_finite() || rate <= 0.0 {
        return Err(format!("\"{s}\" is out of range"));
    }
    Ok(rate)
}

/// Parses a service-level target such as `80/20s`, `80%/20s` or `0.8/20s`
/// into (share, threshold in seconds). A share above 1 (or with `%`) is a
/// percentage; the share must be more than 0 and less than 100%.
pub fn parse_target(text: &str) -> std::result::Result<(f64, f64), String> {
    let s = text.trim();
    let Some((share, within)) = s.split_once('/') else {
        return Err(format!(
            "\"{s}\" is not a target; write the service level and the threshold, such as \"80/20s\" (80% answered within 20 seconds) or \"0.8/20s\""
        ));
    };
    let share = share.trim();
    let (number, is_percent) = match share.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (share, false),
    };
    let v: f64 = number
        .parse()
        .map_err(|_| format!("\"{share}\" in \"{s}\" is not a service level"))?;
    let v = if is_percent || v > 1.0 { v / 100.0 } else { v };
    if !(v.is_finite() && v > 0.0 && v < 1.0) {
        let hint = if v == 1.0 && !is_percent {
            " (1 is read as a share, 100%; write \"1%/20s\" for one percent)"
        } else {
            ""
        };
        return Err(format!(
            "\"{s}\": the service level must be more than 0% and less than 100%{hint}"
        ));
    }
    let t = parse_duration(within).map_err(|e| format!("\"{s}\": the threshold {e}"))?;
    Ok((v, t))
}

/// Parses a shrinkage share in [0, 1): `0.3` or `30%`.
pub fn parse_shrinkage(text: &str) -> std::result::Result<f64, String> {
    let s = text.trim();
    let (number, is_percent) = match s.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (s, false),
    };
    let v: f64 = number
        .parse()
        .map_err(|_| format!("\"{s}\" is not a number; write a share such as 0.3 or 30%"))?;
    let v = if is_percent { v / 100.0 } else { v };
    if !(v.is_finite() && (0.0..1.0).contains(&v)) {
        return Err(format!(
            "\"{s}\": must be a share from 0 up to (not including) 1, such as 0.3 or 30%"
        ));
    }
    Ok(v)
}

/// The requirement of one interval of the week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntervalRequirement {
    /// Weekday (`mon` .. `sun`).
    pub weekday: &'static str,
    /// Start of the interval, `HH:MM`.
    pub start: String,
    /// Mean arrivals per hour over the interval.
    pub per_hour: f64,
    /// Offered load, Erlangs.
    pub load_erlangs: f64,
    /// Agents needed for the target (`null` beyond [`MAX_AGENTS`]).
    pub required_agents: Option<u32>,
    /// Agents to roster given the shrinkage (only with a shrinkage).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rostered_agents: Option<u32>,
    /// Service level with the required agents.
    pub service_level: f64,
    /// Abandon rate with the required agents (0 under Erlang C).
    pub abandon_rate: f64,
    /// Occupancy with the required agents (per contact slot).
    pub occupancy: f64,
}

/// The requirement of one live channel, staffed alone on its first line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelRequirement {
    /// The line that takes the channel's first contacts.
    pub line: String,
    /// The model used.
    pub model: Model,
    /// Mean handling time at the line, talk plus wrap-up: the ticket
    /// types' means weighted by share, seconds.
    pub aht_seconds: f64,
    /// Of that, the mean wrap-up (after-contact work), seconds (only when
    /// the line has one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wrap_up_seconds: Option<f64>,
    /// Share of on-duty time off the phones: `--shrinkage`, else the line's
    /// `shrinkage` (only when there is one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shrinkage: Option<f64>,
    /// Mean patience used, seconds (Erlang A only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patience_seconds: Option<f64>,
    /// The service-level target share.
    pub target: f64,
    /// The service-level threshold, seconds.
    pub answer_within_seconds: f64,
    /// Contacts one agent holds at once; the queue is sized in contact slots
    /// and the agents are the slots divided by this, rounded up.
    pub concurrency: u32,
    /// Approximations made, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Intervals of the week with arrivals, in order from Monday 00:00.
    pub intervals: Vec<IntervalRequirement>,
}

/// The per-interval requirement of every live channel of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioRequirement {
    /// The scenario's name.
    pub scenario: String,
    /// Length of an interval, minutes.
    pub interval_minutes: u32,
    /// Share of paid time agents are not available (only when given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shrinkage: Option<f64>,
    /// Live channels by name, in file order.
    pub channels: IndexMap<String, ChannelRequirement>,
    /// Channels left out, and why.
    pub notes: Vec<String>,
}

/// The mean time an agent of line `line` is occupied by a contact from
/// channel `channel`, talk plus wrap-up, and the wrap-up part: each ticket
/// type's mean weighted by its share (types with no handling there left out).
fn mean_handle(sc: &Scenario, channel: usize, line: usize) -> Option<(f64, f64)> {
    let mut weight = 0.0;
    let mut sum = 0.0;
    for (t, tt) in sc.ticket_types.iter().enumerate() {
        if let Some(m) = sc.mean_occupied(t, channel, line) {
            weight += tt.share;
            sum += tt.share * m;
        }
    }
    let wrap = sc.wrap_up(channel, line).map_or(0.0, Dist::mean);
    (weight > 0.0 && sum > 0.0).then(|| (sum / weight, wrap))
}

/// The per-interval requirement of each live channel of `sc`, each staffed
/// alone on its first line (backlog channels are left out). A channel's
/// rate in an interval is the mean of its per-minute rates over it;
/// intervals with no arrivals are skipped. Patience that is not
/// exponential is replaced by an exponential of the same mean (said in the
/// channel's `note`); a chat-like channel with concurrency `k` is sized as
/// `k` contact slots per agent.
pub fn scenario_requirements(sc: &Scenario, shrinkage: Option<f64>) -> ScenarioRequirement {
    let interval_secs = sc.interval.as_secs_f64().max(60.0);
    let interval_minutes = (interval_secs / 60.0).round() as u32;
    let week_minutes = 7 * MINUTES_PER_DAY;
    let mut channels = IndexMap::new();
    let mut notes = Vec::new();
    for (c, ch) in sc.channels.iter().enumerate() {
        if !ch.live {
            notes.push(format!(
                "{} is a backlog channel (tickets wait until handled): it has no per-interval requirement",
                ch.name
            ));
            continue;
        }
        let line = &sc.lines[ch.line];
        // the scenario's shrinkage of the line, unless --shrinkage overrides it
        let shrinkage = shrinkage.or((line.shrinkage > 0.0).then_some(line.shrinkage));
        let Some((aht, wrap_up)) = mean_handle(sc, c, ch.line) else {
            notes.push(format!(
                "{}: line {} has no handling time, so no requirement",
                ch.name, line.name
            ));
            continue;
        };
        let mut note = Vec::new();
        let patience = ch.patience.as_ref().map(|d| {
            if !matches!(d, Dist::Exponential { .. }) {
                note.push(format!(
                    "patience is not exponential: Erlang A uses an exponential patience of the same mean ({})",
                    duration(d.mean())
                ));
            }
            // a patience of zero (everyone leaves at once) is approximated by 1 ms
            d.mean().max(1e-3)
        });
        let concurrency = ch.concurrency.max(1);
        if concurrency > 1 {
            note.push(format!(
                "one agent holds up to {concurrency} contacts at once: the queue is sized in contact slots (handling time per contact unchanged) and the agents are the slots divided by {concurrency}, rounded up"
            ));
        }
        let target = ch
            .targets
            .service_level
            .or(sc.targets.service_level)
            .unwrap_or(DEFAULT_TARGET);
        let answer_within = ch.answer_within.as_secs_f64();
        let answer_within = if answer_within.is_finite() {
            answer_within
        } else {
            DEFAULT_ANSWER_WITHIN_SECS
        };
        let unreachable = !(target > 0.0 && target < 1.0);
        if target >= 1.0 {
            note.push("a target of 100% can never be met exactly: no requirement".into());
        }
        let mut intervals = Vec::new();
        for k in 0..week_minutes / interval_minutes.max(1) {
            let from_min = k * interval_minutes;
            let from = SimTime::from_secs(u64::from(from_min) * 60);
            let to = SimTime::from_secs(u64::from(from_min + interval_minutes) * 60);
            let expected: f64 = sc
                .arrivals
                .iter()
                .filter(|a| a.channel == c)
                .map(|a| a.rate.expected(from, to, |_| 1.0))
                .sum();
            let per_second = expected / interval_secs;
            if !(per_second.is_finite() && per_second > 0.0) {
                continue;
            }
            let queue = Queue {
                per_second,
                aht_seconds: aht,
                patience_seconds: patience,
                target: if target <= 0.0 { 1e-9 } else { target },
                answer_within_seconds: answer_within,
            };
            let slots = if unreachable || queue.check().is_err() {
                None
            } else {
                required_agents(&queue, MAX_AGENTS)
            };
            let at = slots.map(|n| evaluate(&queue, n));
            let required = slots.map(|n| n.div_ceil(concurrency));
            let minute_of_day = from_min % MINUTES_PER_DAY;
            intervals.push(IntervalRequirement {
                weekday: WEEKDAYS[(from_min / MINUTES_PER_DAY) as usize % 7],
                start: format!("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60),
                per_hour: per_second * 3600.0,
                load_erlangs: queue.load(),
                required_agents: required,
                rostered_agents: match (required, shrinkage) {
                    (Some(r), Some(s)) => Some(rostered_agents(r, s)),
                    _ => None,
                },
                service_level: at.map_or(0.0, |r| r.service_level),
                abandon_rate: at.and_then(|r| r.abandon_rate).unwrap_or(0.0),
                occupancy: at.map_or(1.0, |r| r.occupancy),
            });
        }
        channels.insert(
            ch.name.clone(),
            ChannelRequirement {
                line: line.name.clone(),
                model: if patience.is_some() {
                    Model::ErlangA
                } else {
                    Model::ErlangC
                },
                aht_seconds: aht,
                wrap_up_seconds: (wrap_up > 0.0).then_some(wrap_up),
                shrinkage,
                patience_seconds: patience,
                target,
                answer_within_seconds: answer_within,
                concurrency,
                note: (!note.is_empty()).then(|| {
                    let mut s = note.join("; ");
                    s.push('.');
                    s
                }),
                intervals,
            },
        );
    }
    ScenarioRequirement {
        scenario: sc.name.clone(),
        interval_minutes,
        shrinkage,
        channels,
        notes,
    }
}

impl ScenarioRequirement {
    /// The JSON document printed by `staffsim erlang FILE --format json`.
    pub fn json(&self) -> String {
        to_json(self)
    }

    /// A table for people: per channel, one row per interval start and one
    /// column per weekday, each cell the required agents (`required→rostered`
    /// with a shrinkage; `-` with no arrivals).
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: agents required per {}-minute interval, each live channel staffed alone",
            self.scenario, self.interval_minutes
        );
        if let Some(s) = self.shrinkage {
            let _ = writeln!(
                out,
                "cells: required→rostered with {} shrinkage",
                percent(s)
            );
        }
        for (name, ch) in &self.channels {
            let _ = writeln!(
                out,
                "\n{name} (line {}): {}, AHT {}{}{}, target {} answered within {}{}",
                ch.line,
                ch.model.label(),
                duration(ch.aht_seconds),
                ch.wrap_up_seconds
                    .map(|w| format!(" (wrap-up {} of it)", duration(w)))
                    .unwrap_or_default(),
                ch.patience_seconds
                    .map(|p| format!(", patience {}", duration(p)))
                    .unwrap_or_default(),
                percent(ch.target),
                duration(ch.answer_within_seconds),
                match (ch.shrinkage, self.shrinkage) {
                    (Some(s), None) => format!(
                        "; cells: required→rostered with the line's {} shrinkage",
                        percent(s)
                    ),
                    _ => String::new(),
                }
            );
            if let Some(n) = &ch.note {
                let _ = writeln!(out, "Note: {n}");
            }
            if ch.intervals.is_empty() {
                let _ = writeln!(out, "no arrivals");
                continue;
            }
            let days: Vec<&str> = WEEKDAYS
                .iter()
                .copied()
                .filter(|d| ch.intervals.iter().any(|i| i.weekday == *d))
                .collect();
            let mut starts: Vec<&str> = ch.intervals.iter().map(|i| i.start.as_str()).collect();
            starts.sort_unstable();
            starts.dedup();
            let cell = |i: &IntervalRequirement| match (i.required_agents, i.rostered_agents) {
                (Some(r), Some(o)) => format!("{r}→{o}"),
                (Some(r), None) => r.to_string(),
                (None, _) => "over".into(),
            };
            let width = ch
                .intervals
                .iter()
                .map(|i| cell(i).chars().count())
                .max()
                .unwrap_or(1)
                .max(3);
            let _ = write!(out, "{:>5}", "");
            for d in &days {
                let _ = write!(out, "  {d:>width$}");
            }
            out.push('\n');
            for s in starts {
                let _ = write!(out, "{s:>5}");
                for d in &days {
                    let c = ch
                        .intervals
                        .iter()
                        .find(|i| i.weekday == *d && i.start == s)
                        .map(cell)
                        .unwrap_or_else(|| "-".into());
                    let _ = write!(out, "  {c:>width$}");
                }
                out.push('\n');
            }
        }
        for n in &self.notes {
            let _ = writeln!(out, "\nNote: {n}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12 * b;
        assert!(close(parse_rate("200/h").unwrap(), 200.0 / 3600.0));
        assert!(close(parse_rate("3.5/min").unwrap(), 3.5 / 60.0));
        assert!(close(parse_rate("3.5/m").unwrap(), 3.5 / 60.0));
        assert!(close(parse_rate("50/30m").unwrap(), 50.0 / 1800.0));
        assert!(close(parse_rate("1200/d").unwrap(), 1200.0 / 86_400.0));
        assert!(close(parse_rate("200/hour").unwrap(), 200.0 / 3600.0));
        for bad in [
            "200",
            "abc/h",
            "-5/h",
            "0/h",
            "200/parsec",
            "200/",
            "/h",
            "5/0m",
        ] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn targets_parse() {
        assert_eq!(parse_target("80/20s"), Ok((0.8, 20.0)));
        assert_eq!(parse_target("0.8/20s"), Ok((0.8, 20.0)));
        assert_eq!(parse_target("80%/1m"), Ok((0.8, 60.0)));
        for bad in [
            "80", "150/20s", "0/20s", "100/20s", "1/20s", "80/20", "80/-3s", "x/20s",
        ] {
            assert!(parse_target(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shrinkage_parses_and_rounds() {
        assert_eq!(parse_shrinkage("0.3"), Ok(0.3));
        assert_eq!(parse_shrinkage("30%"), Ok(0.3));
        assert!(parse_shrinkage("1").is_err());
        assert!(parse_shrinkage("-0.1").is_err());
        assert_eq!(rostered_agents(14, 0.3), 20);
        assert_eq!(rostered_agents(14, 0.25), 19);
        assert_eq!(rostered_agents(14, 0.0), 14);
        assert_eq!(rostered_agents(7, 0.3), 10);
    }

    #[test]
    fn durations_format() {
        assert_eq!(duration(180.0), "3m");
        assert_eq!(duration(5400.0), "1h30m");
        assert_eq!(duration(20.0), "20s");
        assert_eq!(duration(19.8), "19.8s");
        assert_eq!(duration(0.0), "0s");
        assert_eq!(duration(90_000.0), "25h");
    }
}
