//! Real inputs a scenario replays: the calendar (holidays, closed dates),
//! recorded arrivals (a trace CSV) and staffing by interval (a roster CSV
//! or `agents_by_interval`).
//!
//! The CSV files are read with the `csv` crate into serde rows. Like an
//! `empirical` file, a trace or roster may be any file on the machine, so
//! an error names the file, the row and the column but never quotes a
//! cell: the file's lines are no business of the messages.

use super::load::{InputFile, read_input};
use super::{PRIORITIES, WEEKDAYS};
use crate::engine::SimTime;
use crate::error::Error;
use jiff::civil::{Date, DateTime};
use serde::Deserialize;
use std::path::Path;

/// Largest trace or roster CSV file read, in bytes (256 MiB, some five
/// million recorded contacts).
pub const MAX_REPLAY_BYTES: u64 = 256 << 20;

/// A day that differs from the weekly pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Holiday {
    /// The date.
    pub date: Date,
    /// Multiplier of the live channels' volume that day (0: no arrivals).
    pub multiplier: f64,
}

/// The `[calendar]` section: dates on which the week's pattern does not hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calendar {
    /// Holidays: live channels' arrivals multiplied (0 by default) that day.
    pub holidays: Vec<Holiday>,
    /// Closed dates: no live arrivals, and no shift or roster agent on duty.
    pub closed: Vec<Date>,
}

impl Calendar {
    /// True when the calendar lists no date.
    pub fn is_empty(&self) -> bool {
        self.holidays.is_empty() && self.closed.is_empty()
    }

    /// True when the desk is closed on `date`.
    pub fn is_closed(&self, date: Date) -> bool {
        self.closed.contains(&date)
    }

    /// The multiplier of the live channels' volume on `date`: 0 when closed,
    /// the holiday's multiplier, else 1.
    pub fn live_factor(&self, date: Date) -> f64 {
        if self.is_closed(date) {
            return 0.0;
        }
        self.holidays
            .iter()
            .find(|h| h.date == date)
            .map_or(1.0, |h| h.multiplier)
    }
}

/// One recorded arrival. What the file does not give is drawn as for a
/// generated arrival.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraceRow {
    /// Arrival time from the start of the run.
    pub at: SimTime,
    /// Ticket type (index), when the file gives it.
    pub ticket_type: Option<u16>,
    /// Priority (index into [`PRIORITIES`]), when the file gives it;
    /// else the ticket type's.
    pub priority: Option<u8>,
    /// Whether it comes from a key client, when the file gives it.
    pub key_client: Option<bool>,
    /// Talk time of its first handling, seconds, when the file gives it.
    pub handle: Option<f64>,
    /// The customer's patience for the first answer, seconds, when the
    /// file gives it.
    pub patience: Option<f64>,
}

/// Recorded arrivals of one channel, in time order, inside the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// The file, as read (joined to the scenario's folder).
    pub file: std::path::PathBuf,
    /// The arrivals that fall inside the horizon, in time order.
    pub rows: Vec<TraceRow>,
}

/// The columns a trace CSV may have.
pub const TRACE_COLUMNS: [&str; 6] = [
    "arrival",
    "type",
    "priority",
    "key_client",
    "handle",
    "patience",
];

/// One row of a trace CSV, as text (every cell is checked by hand so that
/// an error names its column without quoting it).
#[derive(Debug, Deserialize)]
struct RawTraceRow {
    arrival: String,
    #[serde(rename = "type", default)]
    ticket_type: Option<String>,
    #[serde(default)]
    priority: Option<String>,
    #[serde(default)]
    key_client: Option<String>,
    #[serde(default)]
    handle: Option<String>,
    #[serde(default)]
    patience: Option<String>,
}

/// What a trace is read against: the run's start and horizon, and the
/// scenario's ticket types.
pub(super) struct TraceContext<'a> {
    /// Date-time of the run's start (00:00 of day 1).
    pub start: DateTime,
    /// The horizon.
    pub horizon: SimTime,
    /// The scenario's ticket type names (empty when it defines none).
    pub types: &'a [String],
}

/// Reads the file's bytes with the limits of every input file (a regular
/// file, at most [`MAX_REPLAY_BYTES`]), records its hash, and checks it is
/// UTF-8.
fn read_text(path: &Path, what: &str, files: &mut Vec<InputFile>) -> Result<String, String> {
    let shown = path.display();
    let bytes = read_input(path, MAX_REPLAY_BYTES, what).map_err(|e| match e {
        Error::Read { source, .. } => format!("cannot read {shown}: {source}"),
        other => other.to_string(),
    })?;
    if !files.iter().any(|f| f.path == path) {
        files.push(InputFile {
            path: path.to_path_buf(),
            sha256: crate::shard::sha256_hex(&bytes),
        });
    }
    String::from_utf8(bytes).map_err(|_| format!("{shown} is not a CSV: it is not UTF-8 text"))
}

/// A replay CSV opened by [`open_csv`].
type OpenCsv = (
    String,
    csv::Reader<std::io::Cursor<Vec<u8>>>,
    csv::StringRecord,
);

/// A replay CSV opened for reading: its name as shown in messages, a
/// reader with cells trimmed, and its header row (read through
/// [`read_text`], so with the limits and hash of every input file).
fn open_csv(path: &Path, what: &str, files: &mut Vec<InputFile>) -> Result<OpenCsv, String> {
    let shown = path.display().to_string();
    let text = read_text(path, what, files)?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(std::io::Cursor::new(text.into_bytes()));
    let header = reader
        .headers()
        .map_err(|_| format!("{shown}, row 1: the header is not CSV"))?
        .clone();
    Ok((shown, reader, header))
}

/// The header of a CSV, checked against the known columns: an unknown or
/// repeated column, or a missing required one, is an error naming it by
/// position (a header is not quoted either).
fn check_header(
    shown: &str,
    header: &csv::StringRecord,
    known: &[&str],
    required: &[&[&str]],
) -> Result<(), String> {
    let mut seen: Vec<&str> = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let h = h.trim();
        match known.iter().find(|k| **k == h) {
            Some(k) if seen.contains(k) => {
                return Err(format!(
                    "{shown}, row 1, column {}: column {k} is given twice",
                    i + 1
                ));
            }
            Some(k) => seen.push(k),
            None => {
                return Err(format!(
                    "{shown}, row 1, column {}: not a known column; the header names the columns {}",
                    i + 1,
                    known.join(", ")
                ));
            }
        }
    }
    for any_of in required {
        if !any_of.iter().any(|k| seen.contains(k)) {
            return Err(format!(
                "{shown}, row 1: the header has no column {}",
                any_of.join(" or ")
            ));
        }
    }
    Ok(())
}

/// A cell's text: `None` when empty.
fn cell(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A number of seconds, zero or more.
fn seconds(text: &str) -> Result<f64, &'static str> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Ok(v) if v < 0.0 => Err("a negative duration; write seconds, zero or more"),
        _ => Err("not a number of seconds"),
    }
}

/// Reads a trace CSV (see [`TRACE_COLUMNS`]).
pub(super) fn read_trace(
    path: &Path,
    ctx: &TraceContext,
    files: &mut Vec<InputFile>,
) -> Result<Trace, String> {
    let (shown, mut reader, header) = open_csv(path, "a trace file", files)?;
    check_header(&shown, &header, &TRACE_COLUMNS, &[&["arrival"]])?;
    let horizon_us = i64::try_from(ctx.horizon.0).unwrap_or(i64::MAX);
    let mut rows = Vec::new();
    let mut read = 0usize;
    let mut last: Option<i64> = None;
    for (i, rec) in reader.deserialize::<RawTraceRow>().enumerate() {
        let row = i + 2;
        let at = |column: &str, what: &str| format!("{shown}, row {row}, column {column}: {what}");
        let raw = rec.map_err(|e| {
            let line = e.position().map_or(row as u64, |p| p.line());
            format!("{shown}, row {line}: not a row of the header's columns")
        })?;
        read += 1;
        let arrival = cell(&Some(raw.arrival)).map(str::to_string);
        let Some(arrival) = arrival else {
            return Err(at("arrival", "empty; every row needs its arrival time"));
        };
        let us: i64 = if let Ok(secs) = arrival.parse::<f64>() {
            if !secs.is_finite() || secs < 0.0 {
                return Err(at(
                    "arrival",
                    "seconds from the start must be a finite number, zero or more",
                ));
            }
            SimTime::from_secs_f64(secs).0.min(i64::MAX as u64) as i64
        } else {
            let dt = parse_datetime(&arrival).ok_or_else(|| {
                at(
                    "arrival",
                    "not a timestamp; write an ISO 8601 local date-time such as 1999-02-22T07:03:12, or seconds from the scenario's start",
                )
            })?;
            let d = dt.duration_since(ctx.start);
            i64::try_from(d.as_micros()).unwrap_or(if d.is_negative() {
                i64::MIN
            } else {
                i64::MAX
            })
        };
        if last.is_some_and(|l| us < l) {
            return Err(at(
                "arrival",
                "earlier than the row before; a trace lists its arrivals in time order",
            ));
        }
        last = Some(us);
        let ticket_type = match cell(&raw.ticket_type) {
            None => None,
            Some(name) => match ctx.types.iter().position(|t| t == name) {
                Some(t) => Some(t as u16),
                None if ctx.types.is_empty() => {
                    return Err(at(
                        "type",
                        "the scenario defines no [[ticket_type]] for it to name; leave the column empty or out",
                    ));
                }
                None => {
                    return Err(at(
                        "type",
                        &format!(
                            "not a ticket type of the scenario; the types are {}",
                            super::load::short_list(ctx.types)
                        ),
                    ));
                }
            },
        };
        let priority = match cell(&raw.priority) {
            None => None,
            Some(p) => Some(
                PRIORITIES
                    .iter()
                    .position(|x| x.eq_ignore_ascii_case(p))
                    .or_else(|| p.parse::<usize>().ok().filter(|&n| n < PRIORITIES.len()))
                    .ok_or_else(|| {
                        at(
                            "priority",
                            "not a priority; write low, normal, high or critical (or 0 to 3)",
                        )
                    })? as u8,
            ),
        };
        let key_client = match cell(&raw.key_client) {
            None => None,
            Some(k) => Some(match k.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => true,
                "false" | "0" | "no" => false,
                _ => return Err(at("key_client", "write true or false (or 1 or 0)")),
            }),
        };
        let handle = match cell(&raw.handle) {
            None => None,
            Some(h) => Some(seconds(h).map_err(|m| at("handle", m))?),
        };
        let patience = match cell(&raw.patience) {
            None => None,
            Some(p) => Some(seconds(p).map_err(|m| at("patience", m))?),
        };
        // a trace that covers more than the horizon gives arrivals only inside it
        if us < 0 || us >= horizon_us {
            continue;
        }
        rows.push(TraceRow {
            at: SimTime(us as u64),
            ticket_type,
            priority,
            key_client,
            handle,
            patience,
        });
    }
    if read == 0 {
        return Err(format!("{shown} holds no arrivals (a header and no row)"));
    }
    if rows.is_empty() {
        return Err(format!(
            "none of the {read} arrivals of {shown} falls inside the run (from {} for {} hours)",
            ctx.start,
            ctx.horizon.as_secs_f64() / 3600.0
        ));
    }
    Ok(Trace {
        file: path.to_path_buf(),
        rows,
    })
}

/// An ISO 8601 local date-time, `YYYY-MM-DDTHH:MM[:SS[.fff]]` (a space
/// for the `T` is accepted); `None` otherwise (a zone or an offset
/// included: the times of a scenario are local).
pub fn parse_datetime(text: &str) -> Option<DateTime> {
    let t = text.trim();
    let b = t.as_bytes();
    // the date part in the strict YYYY-MM-DD form, then a time
    let dated = b.len() >= 16
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && (b[10] == b'T' || b[10] == b' ')
        && b[11..]
            .iter()
            .all(|c| c.is_ascii_digit() || *c == b':' || *c == b'.');
    if !dated {
        return None;
    }
    t.replacen(' ', "T", 1).parse::<DateTime>().ok()
}

/// Staffing by interval over the run: the agents a line has on duty,
/// changing only at interval boundaries.
#[derive(Debug, Clone, PartialEq)]
pub struct Roster {
    /// The file it came from, or `agents_by_interval`.
    pub source: String,
    /// (time, agents from then on): the first step is at time 0, and
    /// each later one changes the count.
    pub steps: Vec<(SimTime, u32)>,
    /// The most agents on duty at once: the line's pool of agents.
    pub max: u32,
}

impl Roster {
    /// Builds the steps from the count of every interval of the run.
    pub(super) fn from_counts(source: String, interval: SimTime, counts: &[u32]) -> Roster {
        let mut steps: Vec<(SimTime, u32)> = Vec::new();
        for (i, &n) in counts.iter().enumerate() {
            if steps.last().is_none_or(|&(_, last)| last != n) {
                steps.push((SimTime(interval.0 * i as u64), n));
            }
        }
        if steps.is_empty() {
            steps.push((SimTime::ZERO, 0));
        }
        let max = counts.iter().copied().max().unwrap_or(0);
        Roster { source, steps, max }
    }

    /// Agents on duty at time `t`.
    pub fn agents_at(&self, t: SimTime) -> u32 {
        let i = self.steps.partition_point(|&(at, _)| at <= t);
        if i == 0 { 0 } else { self.steps[i - 1].1 }
    }

    /// The end of the duty of agent `agent` (counted from 0) that is on
    /// at step `step`: the first later step with no more than `agent`
    /// agents, else `horizon`.
    pub fn duty_end(&self, step: usize, agent: u32, horizon: SimTime) -> SimTime {
        self.steps[step + 1..]
            .iter()
            .find(|&&(_, n)| n <= agent)
            .map_or(horizon, |&(at, _)| at)
    }

    /// Mean agents on duty over `[0, horizon)`.
    pub fn mean(&self, horizon: SimTime) -> f64 {
        if horizon.0 == 0 {
            return 0.0;
        }
        let mut total = 0.0;
        for (i, &(at, n)) in self.steps.iter().enumerate() {
            let end = self.steps.get(i + 1).map_or(horizon, |s| s.0).min(horizon);
            if end > at {
                total += f64::from(n) * (end.0 - at.0) as f64;
            }
        }
        total / horizon.0 as f64
    }
}

/// The columns a roster CSV may have.
pub const ROSTER_COLUMNS: [&str; 4] = ["date", "weekday", "start", "agents"];

#[derive(Debug, Deserialize)]
struct RawRosterRow {
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    weekday: Option<String>,
    start: String,
    agents: String,
}

/// What a roster is read against: the run's calendar and intervals.
pub(super) struct RosterContext {
    /// The date of day 1.
    pub start: Date,
    /// Weekday of day 1 (Monday = 0).
    pub start_weekday: usize,
    /// The horizon.
    pub horizon: SimTime,
    /// The results interval, which a roster's rows start on.
    pub interval: SimTime,
    /// Closed dates: no agent on duty then.
    pub closed: Vec<Date>,
}

impl RosterContext {
    /// What the roster was read against, as a key of the cache.
    pub(super) fn key(&self) -> String {
        format!(
            "{}|{}|{}|{}|{:?}",
            self.start, self.start_weekday, self.horizon.0, self.interval.0, self.closed
        )
    }

    /// Zeroes the intervals of closed dates.
    pub(super) fn close(&self, counts: &mut [u32]) {
        let per_day = self.per_day();
        for d in &self.closed {
            let Ok(span) = self.start.until(*d) else {
                continue;
            };
            let day = span.get_days();
            if day < 0 {
                continue;
            }
            let from = day as usize * per_day;
            for c in counts.iter_mut().skip(from).take(per_day) {
                *c = 0;
            }
        }
    }

    /// Intervals in a day.
    fn per_day(&self) -> usize {
        (86_400_000_000 / self.interval.0.max(1)) as usize
    }

    /// Intervals in the run (the last one may be cut by the horizon).
    fn intervals(&self) -> usize {
        self.horizon.0.div_ceil(self.interval.0.max(1)) as usize
    }

    /// The count of every interval of the run from a pattern of the week
    /// (Monday's first interval first).
    pub(super) fn unroll_week(&self, week: &[u32]) -> Vec<u32> {
        let per_day = self.per_day();
        let first = self.start_weekday * per_day;
        (0..self.intervals())
            .map(|i| week[(first + i) % week.len()])
            .collect()
    }
}

/// Reads a roster CSV: columns `date` (`YYYY-MM-DD`) or `weekday`
/// (`mon` … `sun`), `start` (`HH:MM`, on an interval boundary) and
/// `agents`. An interval the file does not list has no agents; a file
/// with `weekday` rows repeats its week over the run.
pub(super) fn read_roster(
    path: &Path,
    ctx: &RosterContext,
    files: &mut Vec<InputFile>,
) -> Result<Roster, String> {
    let (shown, mut reader, header) = open_csv(path, "a roster file", files)?;
    check_header(
        &shown,
        &header,
        &ROSTER_COLUMNS,
        &[&["date", "weekday"], &["start"], &["agents"]],
    )?;
    let by_date = header.iter().any(|h| h.trim() == "date");
    if by_date && header.iter().any(|h| h.trim() == "weekday") {
        return Err(format!(
            "{shown}, row 1: the header has both date and weekday; a roster is by date or by weekday"
        ));
    }
    let per_day = ctx.per_day();
    let interval_min = (ctx.interval.0 / 60_000_000).max(1) as u32;
    let mut week = vec![0u32; 7 * per_day];
    let mut counts = vec![0u32; ctx.intervals()];
    let mut seen = std::collections::HashSet::new();
    let mut read = 0usize;
    for (i, rec) in reader.deserialize::<RawRosterRow>().enumerate() {
        let row = i + 2;
        let at = |column: &str, what: &str| format!("{shown}, row {row}, column {column}: {what}");
        let raw = rec.map_err(|e| {
            let line = e.position().map_or(row as u64, |p| p.line());
            format!("{shown}, row {line}: not a row of the header's columns")
        })?;
        read += 1;
        let start = parse_clock(raw.start.trim()).ok_or_else(|| {
            at(
                "start",
                "not a clock time; write HH:MM, e.g. 08:00, the start of an interval",
            )
        })?;
        if start % interval_min != 0 {
            return Err(at(
                "start",
                &format!(
                    "not the start of an interval; the scenario's intervals are {interval_min} minutes from 00:00"
                ),
            ));
        }
        let agents: u32 = match raw.agents.trim().parse::<i64>() {
            Ok(n) if n < 0 => return Err(at("agents", "a negative number of agents")),
            Ok(n) if n > super::load::MAX_AGENTS as i64 => {
                return Err(at(
                    "agents",
                    &format!("more than {} agents", super::load::MAX_AGENTS),
                ));
            }
            Ok(n) => n as u32,
            Err(_) => return Err(at("agents", "not a whole number of agents")),
        };
        let slot = (start / interval_min) as usize;
        if by_date {
            let text = cell(&raw.date).ok_or_else(|| at("date", "empty; write YYYY-MM-DD"))?;
            let date = super::read::parse_date(text)
                .map_err(|_| at("date", "not a date; write YYYY-MM-DD, e.g. 1999-02-15"))?;
            if !seen.insert((date, slot)) {
                return Err(at("start", "this date and interval is listed twice"));
            }
            let day = ctx.start.until(date).map(|s| s.get_days()).unwrap_or(-1);
            if day < 0 {
                continue;
            }
            let i = day as usize * per_day + slot;
            if let Some(c) = counts.get_mut(i) {
                *c = agents;
            }
        } else {
            let text = cell(&raw.weekday).ok_or_else(|| at("weekday", "empty; write mon … sun"))?;
            let day = WEEKDAYS
                .iter()
                .position(|d| d.eq_ignore_ascii_case(text))
                .ok_or_else(|| at("weekday", "not a weekday; write mon, tue, … sun"))?;
            if !seen.insert((Date::MIN, day * per_day + slot)) {
                return Err(at("start", "this weekday and interval is listed twice"));
            }
            week[day * per_day + slot] = agents;
        }
    }
    if read == 0 {
        return Err(format!("{shown} lists no interval (a header and no row)"));
    }
    let mut counts = if by_date {
        counts
    } else {
        ctx.unroll_week(&week)
    };
    ctx.close(&mut counts);
    Ok(Roster::from_counts(shown, ctx.interval, &counts))
}

/// `HH:MM` as minutes of the day (00:00 to 23:59).
fn parse_clock(text: &str) -> Option<u32> {
    let (h, m) = text.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_roster_steps_where_the_count_changes() {
        let r = Roster::from_counts("x".into(), SimTime::from_secs(1800), &[3, 3, 5, 5, 0]);
        assert_eq!(
            r.steps,
            [
                (SimTime::ZERO, 3),
                (SimTime::from_secs(3600), 5),
                (SimTime::from_secs(7200), 0)
            ]
        );
        assert_eq!(r.max, 5);
        assert_eq!(r.agents_at(SimTime::from_secs(3599)), 3);
        assert_eq!(r.agents_at(SimTime::from_secs(3600)), 5);
        // agent 3 (the fourth) is on from step 1 to step 2; agent 0 too
        assert_eq!(r.duty_end(1, 3, SimTime::MAX), SimTime::from_secs(7200));
        assert_eq!(r.duty_end(0, 0, SimTime::MAX), SimTime::from_secs(7200));
        assert!((r.mean(SimTime::from_secs(9000)) - (3.0 + 5.0) * 3600.0 / 9000.0).abs() < 1e-12);
    }

    #[test]
    fn timestamps_are_iso_local_date_times() {
        assert_eq!(
            parse_datetime("1999-02-22T07:03:12").map(|d| d.to_string()),
            Some("1999-02-22T07:03:12".into())
        );
        assert!(parse_datetime("1999-02-22 07:03").is_some());
        for bad in [
            "1999-02-22",
            "22/02/1999 07:03",
            "1999-02-22T07:03:12Z",
            "1999-02-30T07:00",
            "1999-2-22T07:03",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }
}
