//! The sections of a scenario file, read key by key into the typed
//! [`Scenario`]: every problem is recorded with its place, then names are
//! resolved to indices and the whole is checked for consistency.

use super::load::{
    Ctx, MAX_AGENTS, MAX_HORIZON_SECS, MAX_PER_HOUR, MAX_REPLICATIONS, Names, Obj, Span, closest,
    item_span,
};
use super::replay::{Calendar, Holiday, RosterContext, TraceContext};
use super::{
    AfterClosing, Arrival, Breaks, Channel, DEFAULT_ANSWER_WITHIN_SECS, DEFAULT_MAX_IN_SYSTEM,
    Economics, External, Hours, Line, MINUTES_PER_DAY, PRIORITIES, Retry, Routing, Scenario, Shift,
    Targets, TicketType, WEEKDAYS, profiles,
};
use crate::engine::{Dist, PeriodicRate, SimTime};
use std::collections::HashSet;

/// Longest shift accepted, in minutes (a shift that seems to end before it
/// starts is taken to cross midnight only up to this length).
const MAX_SHIFT_MINUTES: u32 = 14 * 60;

/// Highest shrinkage accepted: beyond, agents would be off the phones
/// almost all of their time.
const MAX_SHRINKAGE: f64 = 0.9;

/// Highest probability that an abandoning contact comes back at the very
/// instant it left (the retry probability times the shares of zero
/// patience and zero retry delay): beyond, a contact would come back more
/// than 1,000 times on average before the clock moves.
const MAX_SAME_INSTANT_RETRY: f64 = 0.999;

/// Most `[[channel]]`, `[[arrivals]]`, `[[line]]` and `[[ticket_type]]`
/// entries, and `[[line.shift]]` entries of one line, in a scenario: the
/// file's size is checked against them before anything is read.
pub(super) const MAX_ENTRIES: usize = 1_000;

/// Refuses a scenario with more entries of a kind than [`MAX_ENTRIES`],
/// before anything costly is done with them; true when it is too big.
fn too_many_entries(ctx: &mut Ctx, root: &Obj) -> bool {
    let count = |item: &toml_edit::Item| match item {
        toml_edit::Item::ArrayOfTables(a) => a.len(),
        other => other.as_array().map_or(0, |a| a.len()),
    };
    let mut too_big = false;
    for key in ["channel", "arrivals", "line", "ticket_type"] {
        let Some(item) = root.item(key) else { continue };
        let n = count(item);
        if n > MAX_ENTRIES {
            ctx.error(
                item_span(item),
                key,
                format!("{n} [[{key}]] entries; a scenario may have at most {MAX_ENTRIES}"),
            );
            too_big = true;
        }
        if key != "line" {
            continue;
        }
        let lines: Vec<&dyn toml_edit::TableLike> = match item {
            toml_edit::Item::ArrayOfTables(a) => a.iter().map(|t| t as _).collect(),
            other => other
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_inline_table().map(|t| t as _))
                .collect(),
        };
        for l in lines {
            if let Some(shifts) = l.get("shift")
                && count(shifts) > MAX_ENTRIES
            {
                ctx.error(
                    item_span(shifts),
                    "line.shift",
                    format!(
                        "{} [[line.shift]] entries in one line; a line may have at most {MAX_ENTRIES}",
                        count(shifts)
                    ),
                );
                too_big = true;
            }
        }
    }
    too_big
}

impl Ctx<'_> {
    /// A required key: reports it missing, else reads it with `read`.
    fn required<T>(
        &mut self,
        obj: &Obj,
        key: &str,
        read: impl FnOnce(&mut Self, &Obj, &str) -> Option<T>,
    ) -> Option<T> {
        if obj.item(key).is_none() {
            self.missing(obj, key);
            None
        } else {
            read(self, obj, key)
        }
    }

    /// An optional key: `default` when absent, `None` when present but bad.
    fn optional<T>(
        &mut self,
        obj: &Obj,
        key: &str,
        default: T,
        read: impl FnOnce(&mut Self, &Obj, &str) -> Option<T>,
    ) -> Option<T> {
        if obj.item(key).is_none() {
            Some(default)
        } else {
            read(self, obj, key)
        }
    }

    fn boolean(&mut self, obj: &Obj, key: &str) -> Option<bool> {
        let item = obj.item(key)?;
        match item.as_bool() {
            Some(b) => Some(b),
            None => {
                self.wrong_type(obj, key, item, "true or false");
                None
            }
        }
    }

    /// A clock time "HH:MM" as minutes of the day (00:00 to 24:00).
    fn clock(&mut self, obj: &Obj, key: &str) -> Option<u32> {
        let text = self.string(obj, key)?;
        let span = obj.item(key).and_then(item_span);
        let parsed = text.split_once(':').and_then(|(h, m)| {
            let (h, m) = (h.trim(), m.trim());
            if h.is_empty() || h.len() > 2 || m.len() != 2 {
                return None;
            }
            let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
            (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
        });
        if parsed.is_none() {
            self.error(
                span,
                &obj.key_path(key),
                format!(
                    "\"{text}\" is not a clock time; write \"HH:MM\", e.g. \"08:00\" or \"17:30\""
                ),
            );
        }
        parsed
    }

    /// A calendar date: `"YYYY-MM-DD"` (or a TOML date, `1999-02-15`).
    pub(super) fn date(&mut self, obj: &Obj, key: &str) -> Option<jiff::civil::Date> {
        let item = obj.item(key)?;
        let span = item_span(item);
        let text = match item.as_value() {
            Some(toml_edit::Value::Datetime(d)) => d.value().to_string(),
            Some(toml_edit::Value::String(s)) => s.value().clone(),
            _ => {
                self.wrong_type(obj, key, item, "a date \"YYYY-MM-DD\"");
                return None;
            }
        };
        match parse_date(&text) {
            Ok(d) => Some(d),
            Err(m) => {
                self.error(span, &obj.key_path(key), m);
                None
            }
        }
    }

    /// A date in a list: [`Ctx::date`] of `obj.key`, with the error
    /// placed at `span` and named `path` (the list's key).
    fn date_at(
        &mut self,
        obj: &Obj,
        key: &str,
        span: Span,
        path: &str,
    ) -> Option<jiff::civil::Date> {
        let item = obj.item(key)?;
        let text = match item.as_value() {
            Some(toml_edit::Value::Datetime(d)) => d.value().to_string(),
            Some(toml_edit::Value::String(s)) => s.value().clone(),
            _ => {
                self.error(span, path, "expected a date \"YYYY-MM-DD\" (or { date = \"YYYY-MM-DD\", multiplier = 0.5 })");
                return None;
            }
        };
        parse_date(&text)
            .map_err(|m| self.error(span, path, m))
            .ok()
    }

    /// `simulation.start`: a weekday name, or a calendar date whose
    /// weekday follows.
    fn start(&mut self, obj: &Obj, key: &str) -> Option<Start> {
        let item = obj.item(key)?;
        let is_date = matches!(item.as_value(), Some(toml_edit::Value::Datetime(_)))
            || item
                .as_str()
                .is_some_and(|s| s.trim().starts_with(|c: char| c.is_ascii_digit()));
        if is_date {
            return self.date(obj, key).map(Start::Date);
        }
        let name = self.string(obj, key)?;
        self.weekday_name(&name, item_span(item), &obj.key_path(key))
            .map(Start::Weekday)
    }

    /// One weekday name as an index (Monday = 0).
    fn weekday_name(&mut self, name: &str, span: Span, key: &str) -> Option<usize> {
        let lower = name.to_ascii_lowercase();
        if let Some(i) = WEEKDAYS.iter().position(|d| *d == lower) {
            return Some(i);
        }
        let hint = closest(&lower, WEEKDAYS)
            .map(|b| format!("did you mean \"{b}\"? "))
            .unwrap_or_default();
        self.error(
            span,
            key,
            format!("\"{name}\" is not a weekday; {hint}write mon, tue, wed, thu, fri, sat or sun"),
        );
        None
    }

    /// A list of weekday names.
    fn weekdays(&mut self, obj: &Obj, key: &str) -> Option<[bool; 7]> {
        let names = self.names(obj, key)?;
        let mut days = [false; 7];
        let mut ok = true;
        for (n, span) in names {
            match self.weekday_name(&n, span, &obj.key_path(key)) {
                Some(d) => days[d] = true,
                None => ok = false,
            }
        }
        ok.then_some(days)
    }

    /// A table of opening hours (`open`, `close`, `days`).
    fn hours(&mut self, obj: &Obj) -> Option<Hours> {
        self.check_keys(obj, &["open", "close", "days"], &[]);
        let open = self.optional(obj, "open", 0, Self::clock);
        let close = self.optional(obj, "close", MINUTES_PER_DAY, Self::clock);
        let days = self.optional(obj, "days", [true; 7], Self::weekdays);
        let (open, close, days) = (open?, close?, days?);
        if open == close || (open == 0 && close == 0) {
            let span = obj.item("close").and_then(item_span).or(obj.span.clone());
            self.error(
                span,
                &obj.key_path("close"),
                "the hours open and close at the same time; for round the clock write open = \"00:00\", close = \"24:00\"",
            );
            return None;
        }
        Some(Hours { open, close, days })
    }

    /// A number at least `min` (and at most `max`).
    fn bounded(&mut self, obj: &Obj, key: &str, min: f64, max: f64) -> Option<f64> {
        let v = self.number(obj, key)?;
        if v < min || v > max {
            let span = obj.item(key).and_then(item_span);
            self.error(
                span,
                &obj.key_path(key),
                format!("must be from {min} to {max}, found {v}"),
            );
            return None;
        }
        Some(v)
    }

    /// A table whose keys are line names (`handle = { L1 = ..., L2 = ... }`).
    fn per_line<T>(
        &mut self,
        obj: &Obj,
        key: &str,
        lines: &Names,
        mut read: impl FnMut(&mut Self, &Obj, &str) -> Option<T>,
    ) -> Option<Vec<Option<T>>> {
        let table = self.table(obj, key)?;
        let mut out: Vec<Option<T>> = (0..lines.list.len()).map(|_| None).collect();
        let mut ok = true;
        for (k, _) in table.tl.iter() {
            let kspan = table.tl.get_key_value(k).and_then(|(key, _)| key.span());
            match self.resolve(k, kspan, &table.key_path(k), "line", lines) {
                Some(l) => match read(self, &table, k) {
                    Some(v) => out[l] = Some(v),
                    None => ok = false,
                },
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}

/// A line's duration that may be given per channel (`handle`, `wrap_up`):
/// the plain distribution, and one per channel index.
type PerChannelDist = (Option<Dist>, Vec<Option<Dist>>);

/// The keys of a distribution table besides `dist`.
const DIST_PARAMS: [&str; 7] = ["mean", "cv", "min", "max", "value", "file", "dist"];

/// The key that gives the rest of the channels in a per-channel table.
const OTHER_CHANNELS: &str = "other";

impl Ctx<'_> {
    /// A line's `handle` or `wrap_up`: a distribution (a table with `dist`,
    /// or a bare duration), or a table by channel
    /// (`{ phone = "6m", email = { dist = "lognormal", mean = "10m", cv = 0.5 } }`,
    /// with `other` for the rest). The channels allowed are those the line
    /// takes, or, for a line that takes none (it gets escalations), all of
    /// the file's.
    fn per_channel_dist(
        &mut self,
        obj: &Obj,
        key: &str,
        takes: &[(String, Span)],
        all: &Names,
    ) -> Option<PerChannelDist> {
        let item = obj.item(key)?;
        let by_channel = item
            .as_table_like()
            .is_some_and(|t| t.get("dist").is_none() && !t.is_empty());
        if !by_channel {
            return self
                .dist(obj, key)
                .map(|d| (Some(d), vec![None; all.list.len()]));
        }
        let table = self.table(obj, key)?;
        let allowed: Vec<String> = if takes.is_empty() {
            all.list.clone()
        } else {
            takes.iter().map(|(n, _)| n.clone()).collect()
        };
        let whose = if takes.is_empty() {
            "the file's channels"
        } else {
            "the channels this line takes"
        };
        let listed = format!(
            "{} (or {OTHER_CHANNELS} for the rest)",
            super::load::short_list(&allowed)
        );
        let looks_like_dist = table
            .tl
            .iter()
            .any(|(k, _)| DIST_PARAMS.contains(&k) && !allowed.iter().any(|a| a == k));
        if looks_like_dist {
            self.error(
                table.span.clone(),
                &table.key_path("dist"),
                format!(
                    "missing required key \"dist\" in {}: {}; per channel, its keys are {whose}: {listed}",
                    table.path,
                    super::load::DIST_KEYS
                ),
            );
            return None;
        }
        let mut plain = None;
        let mut per = vec![None; all.list.len()];
        let mut ok = true;
        for (k, _) in table.tl.iter() {
            let kspan = table.tl.get_key_value(k).and_then(|(kk, _)| kk.span());
            let channel = allowed
                .iter()
                .any(|a| a == k)
                .then(|| all.index(k))
                .flatten();
            if channel.is_none() && k != OTHER_CHANNELS {
                let hint = closest(k, allowed.iter().map(String::as_str))
                    .map(|b| format!("did you mean \"{b}\"? "))
                    .unwrap_or_default();
                let what = if all.index(k).is_some() {
                    format!("this line does not take channel \"{k}\"")
                } else {
                    format!("no channel named \"{k}\"")
                };
                self.error(
                    kspan,
                    &table.key_path(k),
                    format!(
                        "{what}; {hint}{key} per channel may name {whose}: {listed}; or write one distribution, such as {{ dist = \"exponential\", mean = \"4m\" }}"
                    ),
                );
                ok = false;
                continue;
            }
            match self.dist(&table, k) {
                Some(d) => match channel {
                    Some(c) => per[c] = Some(d),
                    None => plain = Some(d),
                },
                None => ok = false,
            }
        }
        ok.then_some((plain, per))
    }
}

/// What `simulation.start` says: a weekday (Monday = 0), or a date.
#[derive(Debug, Clone, Copy)]
enum Start {
    Weekday(usize),
    Date(jiff::civil::Date),
}

impl Start {
    fn weekday(self) -> usize {
        match self {
            Start::Weekday(d) => d,
            Start::Date(d) => d.weekday().to_monday_zero_offset() as usize,
        }
    }

    fn date(self) -> Option<jiff::civil::Date> {
        match self {
            Start::Weekday(_) => None,
            Start::Date(d) => Some(d),
        }
    }
}

/// A date written `YYYY-MM-DD` (four-digit year, two-digit month and
/// day), checked by jiff (no 30 February); the error says what to write.
pub(super) fn parse_date(text: &str) -> Result<jiff::civil::Date, String> {
    let t = text.trim();
    let b = t.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    let parsed = shaped
        .then(|| t.parse::<jiff::civil::Date>().ok())
        .flatten();
    parsed.ok_or_else(|| {
        if shaped {
            format!("\"{t}\" is not a date of the calendar (no such day in that month)")
        } else {
            format!("\"{t}\" is not a date; write \"YYYY-MM-DD\", e.g. \"1999-02-15\"")
        }
    })
}

struct Sim {
    name: String,
    horizon: f64,
    warmup: f64,
    replications: u64,
    seed: u64,
    max_in_system: u64,
    interval: f64,
    start: usize,
    start_date: Option<jiff::civil::Date>,
    max_misroutes: u64,
}

fn read_simulation(ctx: &mut Ctx, root: &Obj) -> Option<Sim> {
    let Some(sim) = ctx.table(root, "simulation") else {
        if root.item("simulation").is_none() {
            ctx.missing(root, "simulation");
        }
        return None;
    };
    ctx.check_keys(
        &sim,
        &[
            "name",
            "horizon",
            "warmup",
            "replications",
            "seed",
            "max_in_system",
            "interval",
            "start",
            "max_misroutes",
        ],
        &[],
    );
    let name = ctx.optional(&sim, "name", "base".to_string(), Ctx::string);
    if name.as_deref().is_some_and(|n| n.trim().is_empty()) {
        let span = sim.item("name").and_then(item_span);
        ctx.error(
            span,
            "simulation.name",
            "the base scenario needs a name to tell it apart in the results (omit the key for \"base\")",
        );
    }
    let mut horizon = None;
    if sim.item("horizon").is_none() {
        ctx.missing(&sim, "horizon");
    } else if let Some(h) = ctx.duration(&sim, "horizon") {
        let span = sim.item("horizon").and_then(item_span);
        if h <= 0.0 {
            ctx.error(
                span,
                "simulation.horizon",
                "the horizon must be longer than zero",
            );
        } else if h > MAX_HORIZON_SECS {
            ctx.error(
                span,
                "simulation.horizon",
                "the horizon may be at most 20 years (\"7300d\")",
            );
        } else {
            horizon = Some(h);
        }
    }
    let warmup = ctx.optional(&sim, "warmup", 0.0, Ctx::duration);
    if let (Some(w), Some(h)) = (warmup, horizon)
        && w >= h
    {
        let span = sim.item("warmup").and_then(item_span);
        ctx.error(
            span,
            "simulation.warmup",
            "the warm-up must be shorter than the horizon",
        );
    }
    let replications = ctx.optional(&sim, "replications", 10, |c, o, k| {
        c.integer(o, k, 1, MAX_REPLICATIONS)
    });
    let seed = ctx.optional(&sim, "seed", 1, |c, o, k| {
        c.integer(o, k, 0, i64::MAX as u64)
    });
    let max_in_system = ctx.optional(
        &sim,
        "max_in_system",
        DEFAULT_MAX_IN_SYSTEM as u64,
        |c, o, k| c.integer(o, k, 1, u32::MAX as u64),
    );
    let interval = ctx.optional(&sim, "interval", 1800.0, Ctx::duration).and_then(|i| {
        let minutes = i / 60.0;
        if minutes >= 1.0 && minutes.fract() == 0.0 && (MINUTES_PER_DAY as f64 % minutes) == 0.0 {
            Some(i)
        } else {
            let span = sim.item("interval").and_then(item_span);
            ctx.error(
                span,
                "simulation.interval",
                "the interval must be whole minutes that divide a day evenly, e.g. \"15m\", \"30m\" or \"1h\"",
            );
            None
        }
    });
    let start = ctx.optional(&sim, "start", Start::Weekday(0), Ctx::start);
    if let (Some(Start::Date(d)), Some(h)) = (start, horizon)
        && d.to_datetime(jiff::civil::Time::midnight())
            .checked_add(jiff::SignedDuration::from_secs(h.ceil() as i64))
            .is_err()
    {
        ctx.error(
            sim.item("start").and_then(item_span),
            "simulation.start",
            "the start date plus the horizon goes past the year 9999",
        );
    }
    let max_misroutes = ctx.optional(&sim, "max_misroutes", 3, |c, o, k| c.integer(o, k, 0, 100));
    Some(Sim {
        name: name?,
        horizon: horizon?,
        warmup: warmup?,
        replications: replications?,
        seed: seed?,
        max_in_system: max_in_system?,
        interval: interval?,
        start: start?.weekday(),
        start_date: start?.date(),
        max_misroutes: max_misroutes?,
    })
}

struct RawChannel {
    name: String,
    span: Span,
    duplicate: bool,
    patience: Option<Dist>,
    answer_within: f64,
    targets: Targets,
    live: Option<bool>,
    hours: Option<Hours>,
    retry: Option<Retry>,
    concurrency: u32,
}

fn read_channels(ctx: &mut Ctx, root: &Obj) -> Vec<RawChannel> {
    let mut out: Vec<RawChannel> = Vec::new();
    let mut seen = HashSet::new();
    for mut ch in ctx.entries(root, "channel") {
        let named = ctx.entry_name(&mut ch, "channel");
        ctx.check_keys(
            &ch,
            &[
                "name",
                "patience",
                "service_level",
                "retry",
                "concurrency",
                "hours",
                "live",
                "abandon_rate_max",
                "asa_max",
                "resolved_within",
            ],
            &[],
        );
        let patience = if ch.item("patience").is_some() {
            ctx.dist(&ch, "patience")
        } else {
            None
        };
        let mut answer_within = DEFAULT_ANSWER_WITHIN_SECS;
        let mut target = None;
        if let Some(sl) = ctx.table(&ch, "service_level") {
            ctx.check_keys(&sl, &["answer_within", "target"], &[]);
            if let Some(t) = ctx.required(&sl, "answer_within", Ctx::duration) {
                answer_within = t;
            }
            if sl.item("target").is_some() {
                target = ctx.probability(&sl, "target");
            }
        }
        let limits = ctx.target_limits(&ch).unwrap_or_default();
        let targets = Targets {
            service_level: target,
            ..limits
        };
        let live = ch.item("live").and_then(|_| ctx.boolean(&ch, "live"));
        let hours = ctx.table(&ch, "hours").and_then(|h| ctx.hours(&h));
        let retry = ctx.table(&ch, "retry").and_then(|r| {
            ctx.check_keys(&r, &["probability", "delay", "after_closing"], &[]);
            let probability = ctx.required(&r, "probability", Ctx::probability);
            let delay = ctx.required(&r, "delay", Ctx::dist);
            let after_closing = ctx.optional(&r, "after_closing", AfterClosing::Lost, |c, o, k| {
                c.choice(
                    o,
                    k,
                    "after_closing",
                    &[
                        ("lost", AfterClosing::Lost),
                        ("next_opening", AfterClosing::NextOpening),
                    ],
                )
            });
            Some(Retry {
                probability: probability?,
                delay: delay?,
                after_closing: after_closing?,
            })
        });
        if let (Some(p), Some(r)) = (&patience, &retry) {
            // a contact that abandons at once and comes back at once, over
            // and over, never lets the clock move on
            let again = r.probability * p.zero_share() * r.delay.zero_share();
            if again > MAX_SAME_INSTANT_RETRY {
                let span = ctx
                    .table(&ch, "retry")
                    .and_then(|r| r.item("probability").and_then(item_span));
                ctx.error(
                    span,
                    &format!("{}.retry.probability", ch.path),
                    format!(
                        "with this patience and retry delay (both 0 s in {:.1}% and {:.1}% of draws) and probability {}, an abandoning contact comes back at the same instant over and over ({}) and the run never moves on; give the patience or the retry delay a positive duration, or lower the probability",
                        p.zero_share() * 100.0,
                        r.delay.zero_share() * 100.0,
                        r.probability,
                        if again >= 1.0 {
                            "for ever".to_string()
                        } else {
                            format!("{:.0} times on average", 1.0 / (1.0 - again))
                        }
                    ),
                );
            }
        }
        let concurrency = ctx
            .optional(&ch, "concurrency", 1, |c, o, k| c.integer(o, k, 1, 20))
            .unwrap_or(1) as u32;
        if let Some((n, span)) = named {
            let duplicate = !seen.insert(n.clone());
            if duplicate {
                ctx.error(
                    span.clone(),
                    &ch.key_path("name"),
                    format!("a second channel named \"{n}\""),
                );
            }
            out.push(RawChannel {
                name: n,
                span,
                duplicate,
                patience,
                answer_within,
                targets,
                live,
                hours,
                retry,
                concurrency,
            });
        }
    }
    match root.item("channel") {
        None => ctx.missing(root, "channel"),
        Some(item) if out.is_empty() && ctx.problems.is_empty() => ctx.error(
            item_span(item),
            "channel",
            "at least one [[channel]] is needed",
        ),
        Some(_) => {}
    }
    out
}

struct RawLine {
    name: String,
    path: String,
    span: Span,
    channels: Vec<(String, Span)>,
    channels_span: Span,
    agents: Option<u32>,
    shifts: Vec<Shift>,
    roster: Option<RosterSpec>,
    handle: Option<Dist>,
    handle_by_channel: Vec<Option<Dist>>,
    wrap_up: Option<Dist>,
    wrap_up_by_channel: Vec<Option<Dist>>,
    shrinkage: Option<Option<f64>>,
    resolve: Option<f64>,
    resolve_span: Span,
    escalates_to: Option<(String, Span)>,
    routing: Option<Routing>,
    wage: Option<f64>,
    breaks: Option<Breaks>,
    breaks_ok: bool,
    key_clients: Option<u32>,
    key_clients_span: Span,
    key_clients_given: bool,
    key_clients_take_other_work: Option<bool>,
    live_first: Option<bool>,
    external: Option<External>,
    is_external: bool,
    ok: bool,
}

/// Reads one `[[line.shift]]` entry of the line at `line_path`; once named,
/// the entry's keys are `line.L1.shift.early.agents`, the path a
/// `[[variant]]` `set` uses.
fn read_shift(ctx: &mut Ctx, s: &mut Obj, line_path: &str) -> Option<Shift> {
    let named = ctx.entry_name(s, &format!("{line_path}.shift"));
    ctx.check_keys(
        s,
        &["name", "start", "end", "days", "agents", "key_clients"],
        &[],
    );
    let start = ctx.required(s, "start", Ctx::clock);
    let end = ctx.required(s, "end", Ctx::clock);
    let days = ctx.optional(s, "days", [true; 7], Ctx::weekdays);
    let agents = ctx.required(s, "agents", |c, o, k| c.integer(o, k, 0, MAX_AGENTS));
    let key_clients = if s.item("key_clients").is_some() {
        Some(ctx.integer(s, "key_clients", 0, MAX_AGENTS)? as u32)
    } else {
        None
    };
    if let (Some(k), Some(a)) = (key_clients, agents)
        && u64::from(k) > a
    {
        ctx.error(
            s.item("key_clients").and_then(item_span),
            &s.key_path("key_clients"),
            format!("{k} agents reserved for key clients, but the shift has only {a}"),
        );
        return None;
    }
    let (start, end) = (start?, end?);
    let shift = Shift {
        name: named?.0,
        start: start % MINUTES_PER_DAY,
        end: end % MINUTES_PER_DAY,
        days: days?,
        agents: agents? as u32,
        key_clients,
    };
    let minutes = shift.minutes();
    if minutes > MAX_SHIFT_MINUTES {
        let span = s.item("end").and_then(item_span);
        let fmt = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
        let what = if end <= start {
            format!(
                "the shift ends at {} before it starts at {}; as a shift across midnight it would last {}h{:02}",
                fmt(end),
                fmt(start),
                minutes / 60,
                minutes % 60
            )
        } else {
            format!("the shift would last {}h{:02}", minutes / 60, minutes % 60)
        };
        ctx.error(
            span,
            &s.key_path("end"),
            format!(
                "{what}; a shift may last at most {} hours",
                MAX_SHIFT_MINUTES / 60
            ),
        );
        return None;
    }
    Some(shift)
}

fn read_breaks(ctx: &mut Ctx, b: &Obj) -> Option<Breaks> {
    ctx.check_keys(b, &["every", "length", "lunch", "spread"], &[]);
    let spread = ctx.optional(b, "spread", 0.0, Ctx::duration);
    let every = ctx.required(b, "every", |c, o, k| {
        let item = o.item(k)?;
        if let Some(a) = item.as_array() {
            let span = item_span(item);
            if a.len() != 2 {
                c.error(
                    span,
                    &o.key_path(k),
                    "write every = [\"60m\", \"70m\"]: a break after 60 to 70 minutes of work",
                );
                return None;
            }
            let mut v = Vec::new();
            for x in a.iter() {
                match x.as_str().map(super::duration::parse_duration) {
                    Some(Ok(d)) => v.push(d),
                    Some(Err(m)) => {
                        c.error(x.span(), &o.key_path(k), m);
                        return None;
                    }
                    None => {
                        c.error(
                            x.span(),
                            &o.key_path(k),
                            "expected a duration such as \"60m\"",
                        );
                        return None;
                    }
                }
            }
            if v[0] > v[1] || v[0] <= 0.0 {
                c.error(
                    span,
                    &o.key_path(k),
                    "the shorter work time comes first and must be longer than zero",
                );
                return None;
            }
            Some((v[0], v[1]))
        } else {
            let d = c.duration(o, k)?;
            if d <= 0.0 {
                c.error(item_span(item), &o.key_path(k), "must be longer than zero");
                return None;
            }
            Some((d, d))
        }
    });
    let length = ctx.required(b, "length", Ctx::duration);
    let lunch = match ctx.table(b, "lunch") {
        None => Some(None),
        Some(l) => {
            ctx.check_keys(&l, &["after", "length", "spread"], &[]);
            let after = ctx.required(&l, "after", Ctx::duration);
            let len = ctx.required(&l, "length", Ctx::duration);
            let spread = ctx.optional(&l, "spread", 0.0, Ctx::duration);
            match (after, len, spread) {
                (Some(a), Some(x), Some(s)) => Some(Some((a, x, s))),
                _ => None,
            }
        }
    };
    let lunch = lunch?;
    Some(Breaks {
        every: every?,
        length: length?,
        lunch: lunch.map(|(a, x, _)| (a, x)),
        lunch_spread: lunch.map_or(0.0, |(_, _, s)| s),
        spread: spread?,
    })
}

/// True when the file declares ticket types: lines may then take their
/// handling times from the types, else every internal line needs its own
/// `handle`. `ticket_type = []` declares none. (A `ticket_type` that is not
/// an array is reported where the types are read, and counts as declared so
/// that it is not reported again as missing handling times.)
fn has_ticket_types(root: &Obj) -> bool {
    match root.item("ticket_type") {
        None => false,
        Some(toml_edit::Item::ArrayOfTables(a)) => !a.is_empty(),
        Some(toml_edit::Item::Value(toml_edit::Value::Array(a))) => !a.is_empty(),
        Some(_) => true,
    }
}

/// Agent counts per interval of each weekday, as written, with their place.
type WeekCounts = [Option<(Vec<u32>, Span)>; 7];

/// A line's staffing by interval, as written: a roster file, or counts
/// per weekday (checked against the interval once it is known).
#[derive(Debug, Clone)]
enum RosterSpec {
    File(String, Span, String),
    ByInterval(Box<WeekCounts>, Span, String),
}

/// Reads `roster` or `agents_by_interval` of a line: `None` when it has
/// neither, `Some(None)` when one is bad (reported).
fn read_roster_spec(ctx: &mut Ctx, l: &Obj) -> Option<Option<RosterSpec>> {
    match (l.item("roster"), l.item("agents_by_interval")) {
        (None, None) => None,
        (Some(_), Some(_)) => {
            let kspan =
                l.tl.get_key_value("agents_by_interval")
                    .and_then(|(k, _)| k.span());
            ctx.error(
                kspan,
                &l.key_path("agents_by_interval"),
                "give either roster (a file) or agents_by_interval, not both",
            );
            Some(None)
        }
        (Some(item), None) => Some(
            ctx.string(l, "roster")
                .map(|f| RosterSpec::File(f, item_span(item), l.key_path("roster"))),
        ),
        (None, Some(_)) => {
            let t = ctx.table(l, "agents_by_interval")?;
            let mut days: [Option<(Vec<u32>, Span)>; 7] = Default::default();
            let mut good = true;
            for (d, item) in t.tl.iter() {
                let dspan = t.tl.get_key_value(d).and_then(|(key, _)| key.span());
                let Some(i) = ctx.weekday_name(d, dspan, &t.key_path(d)) else {
                    good = false;
                    continue;
                };
                let Some(a) = item.as_array() else {
                    ctx.wrong_type(&t, d, item, "an array of agent counts, one per interval");
                    good = false;
                    continue;
                };
                let mut counts = Vec::with_capacity(a.len());
                for v in a.iter() {
                    match v.as_integer() {
                        Some(n) if (0..=MAX_AGENTS as i64).contains(&n) => counts.push(n as u32),
                        Some(n) if n < 0 => {
                            ctx.error(v.span(), &t.key_path(d), "a negative number of agents");
                            good = false;
                        }
                        _ => {
                            ctx.error(
                                v.span(),
                                &t.key_path(d),
                                format!("an agent count is a whole number from 0 to {MAX_AGENTS}"),
                            );
                            good = false;
                        }
                    }
                }
                days[i] = Some((counts, item_span(item)));
            }
            Some(
                good.then(|| {
                    RosterSpec::ByInterval(Box::new(days), t.span.clone(), t.path.clone())
                }),
            )
        }
    }
}

/// Reads `[calendar]`: `holidays` (dates, or tables `{ date, multiplier }`)
/// and `closed` (dates).
fn read_calendar(ctx: &mut Ctx, root: &Obj) -> Option<Calendar> {
    let Some(c) = ctx.table(root, "calendar") else {
        return root.item("calendar").is_none().then(Calendar::default);
    };
    ctx.check_keys(&c, &["holidays", "closed"], &[]);
    let mut cal = Calendar::default();
    let mut good = true;
    let list = |ctx: &mut Ctx, key: &str| -> Vec<(toml_edit::Item, Span)> {
        match c.item(key) {
            None => Vec::new(),
            Some(item) => match item.as_array() {
                Some(a) => a
                    .iter()
                    .map(|v| (toml_edit::Item::Value(v.clone()), v.span()))
                    .collect(),
                None => {
                    ctx.wrong_type(&c, key, item, "an array of dates");
                    Vec::new()
                }
            },
        }
    };
    for (item, span) in list(ctx, "holidays") {
        let path = c.key_path("holidays");
        let holiday = if let Some(t) = item.as_table_like() {
            let obj = Obj {
                tl: t,
                span: span.clone(),
                path: path.clone(),
            };
            ctx.check_keys(&obj, &["date", "multiplier"], &[]);
            let date = ctx.required(&obj, "date", Ctx::date);
            let multiplier = ctx.optional(&obj, "multiplier", 0.0, |c, o, k| {
                c.bounded(o, k, 0.0, 100.0)
            });
            date.zip(multiplier)
                .map(|(date, multiplier)| Holiday { date, multiplier })
        } else {
            let holder = toml_edit::InlineTable::from_iter([(
                "date",
                item.as_value().cloned().unwrap_or_else(|| "".into()),
            )]);
            let obj = Obj {
                tl: &holder,
                span: span.clone(),
                path: path.clone(),
            };
            ctx.date_at(&obj, "date", span.clone(), &path)
                .map(|date| Holiday {
                    date,
                    multiplier: 0.0,
                })
        };
        match holiday {
            Some(h) if cal.holidays.iter().any(|x| x.date == h.date) => {
                ctx.error(span, &path, format!("{} is listed twice", h.date));
                good = false;
            }
            Some(h) => cal.holidays.push(h),
            None => good = false,
        }
    }
    for (item, span) in list(ctx, "closed") {
        let path = c.key_path("closed");
        let holder = toml_edit::InlineTable::from_iter([(
            "date",
            item.as_value().cloned().unwrap_or_else(|| "".into()),
        )]);
        let obj = Obj {
            tl: &holder,
            span: span.clone(),
            path: path.clone(),
        };
        match ctx.date_at(&obj, "date", span.clone(), &path) {
            Some(d) if cal.closed.contains(&d) => {
                ctx.error(span, &path, format!("{d} is listed twice"));
                good = false;
            }
            Some(d) => cal.closed.push(d),
            None => good = false,
        }
    }
    good.then_some(cal)
}

fn read_lines(
    ctx: &mut Ctx,
    root: &Obj,
    typed: bool,
    all_channels: &Names,
) -> (Vec<RawLine>, bool) {
    let mut out: Vec<RawLine> = Vec::new();
    let mut seen = HashSet::new();
    // "no line takes channel X" is only said when every line's channels are known
    let mut channels_known = true;
    for mut l in ctx.entries(root, "line") {
        let named = ctx.entry_name(&mut l, "line");
        ctx.check_keys(
            &l,
            &[
                "name",
                "channels",
                "agents",
                "shift",
                "handle",
                "wrap_up",
                "shrinkage",
                "resolve",
                "escalates_to",
                "routing",
                "wage",
                "breaks",
                "key_clients",
                "key_clients_take_other_work",
                "live_first",
                "external",
                "delay",
                "cost_per_ticket",
                "roster",
                "agents_by_interval",
            ],
            &[],
        );
        let mut ok = true;
        let channels = match l.item("channels") {
            Some(item) => {
                let names = ctx.names(&l, "channels").unwrap_or_default();
                let written = item.as_array().map_or(usize::MAX, |a| a.len());
                if named.is_none() || names.len() != written {
                    channels_known = false;
                }
                names
            }
            None => Vec::new(),
        };
        let is_external = ctx
            .optional(&l, "external", false, Ctx::boolean)
            .unwrap_or(false);
        let mut shifts = Vec::new();
        let mut shift_names = HashSet::new();
        for mut s in ctx.entries(&l, "shift") {
            match read_shift(ctx, &mut s, &l.path) {
                Some(sh) => {
                    if !shift_names.insert(sh.name.clone()) {
                        ctx.error(
                            s.item("name").and_then(item_span),
                            &s.key_path("name"),
                            format!("a second shift named \"{}\"", sh.name),
                        );
                    }
                    shifts.push(sh);
                }
                None => ok = false,
            }
        }
        let roster = read_roster_spec(ctx, &l);
        if roster.as_ref().is_some_and(Option::is_none) {
            ok = false;
        }
        let roster = roster.flatten();
        let agents = if is_external {
            for k in [
                "agents",
                "shift",
                "handle",
                "wrap_up",
                "shrinkage",
                "breaks",
                "key_clients",
            ] {
                if l.item(k).is_some() {
                    let kspan = l.tl.get_key_value(k).and_then(|(key, _)| key.span());
                    ctx.error(
                        kspan,
                        &l.key_path(k),
                        "an external line has no agents of its own: it takes a delay and a cost_per_ticket",
                    );
                    ok = false;
                }
            }
            Some(0)
        } else if roster.is_some() {
            for k in ["agents", "shift"] {
                if l.item(k).is_some() {
                    let kspan = l.tl.get_key_value(k).and_then(|(key, _)| key.span());
                    ctx.error(
                        kspan,
                        &l.key_path(k),
                        "a line staffed by interval (roster or agents_by_interval) gets its agents from there; remove agents and shifts, or the roster",
                    );
                    ok = false;
                }
            }
            Some(0)
        } else if l.item("shift").is_some() {
            if l.item("agents").is_some() {
                let kspan = l.tl.get_key_value("agents").and_then(|(key, _)| key.span());
                ctx.error(
                    kspan,
                    &l.key_path("agents"),
                    "a line with shifts gets its agents from them; remove agents or the shifts",
                );
                None
            } else {
                Some(0)
            }
        } else {
            ctx.required(&l, "agents", |c, o, k| c.integer(o, k, 0, MAX_AGENTS))
                .map(|a| a as u32)
        };
        let handle_given = l.item("handle").is_some();
        let no_channels = || vec![None; all_channels.list.len()];
        let (handle, handle_by_channel) = if handle_given {
            match ctx.per_channel_dist(&l, "handle", &channels, all_channels) {
                Some(h) => h,
                None => {
                    ok = false;
                    (None, no_channels())
                }
            }
        } else {
            (None, no_channels())
        };
        let (wrap_up, wrap_up_by_channel) = if l.item("wrap_up").is_some() && !is_external {
            match ctx.per_channel_dist(&l, "wrap_up", &channels, all_channels) {
                Some(w) => w,
                None => {
                    ok = false;
                    (None, no_channels())
                }
            }
        } else {
            (None, no_channels())
        };
        let shrinkage = if l.item("shrinkage").is_some() && !is_external {
            ctx.bounded(&l, "shrinkage", 0.0, MAX_SHRINKAGE).map(Some)
        } else {
            Some(None)
        };
        if !handle_given && !is_external && !typed {
            // without ticket types every line needs its own handling time
            ctx.missing(&l, "handle");
            ok = false;
        }
        let resolve = ctx.optional(&l, "resolve", 1.0, Ctx::probability);
        let resolve_span = l.item("resolve").and_then(item_span);
        let escalates_to = if l.item("escalates_to").is_some() {
            ctx.string(&l, "escalates_to")
                .map(|s| (s, l.item("escalates_to").and_then(item_span)))
        } else {
            None
        };
        let routing = ctx.optional(&l, "routing", Routing::LongestIdle, |c, o, k| {
            c.choice(
                o,
                k,
                "routing",
                &[
                    ("longest_idle", Routing::LongestIdle),
                    ("round_robin", Routing::RoundRobin),
                    ("least_loaded", Routing::LeastLoaded),
                    ("random", Routing::Random),
                ],
            )
        });
        let wage = ctx.optional(&l, "wage", 0.0, |c, o, k| c.non_negative(o, k, 1e6));
        let mut breaks_ok = true;
        let breaks = ctx.table(&l, "breaks").and_then(|b| {
            let r = read_breaks(ctx, &b);
            breaks_ok = r.is_some();
            r
        });
        let key_clients = ctx.optional(&l, "key_clients", 0, |c, o, k| {
            c.integer(o, k, 0, MAX_AGENTS).map(|v| v as u32)
        });
        let key_clients_take_other_work =
            ctx.optional(&l, "key_clients_take_other_work", false, Ctx::boolean);
        let live_first = ctx.optional(&l, "live_first", true, Ctx::boolean);
        let external = if is_external {
            let delay = ctx.required(&l, "delay", Ctx::dist);
            let cost = ctx.optional(&l, "cost_per_ticket", 0.0, |c, o, k| {
                c.non_negative(o, k, 1e9)
            });
            match (delay, cost) {
                (Some(delay), Some(cost_per_ticket)) => Some(External {
                    delay,
                    cost_per_ticket,
                }),
                _ => {
                    ok = false;
                    None
                }
            }
        } else {
            for k in ["delay", "cost_per_ticket"] {
                if l.item(k).is_some() {
                    let kspan = l.tl.get_key_value(k).and_then(|(key, _)| key.span());
                    ctx.error(
                        kspan,
                        &l.key_path(k),
                        format!(
                            "{k} belongs to an external line; add external = true or remove it"
                        ),
                    );
                    ok = false;
                }
            }
            None
        };
        if let Some((n, span)) = named {
            if !seen.insert(n.clone()) {
                ctx.error(
                    span.clone(),
                    &l.key_path("name"),
                    format!("a second line named \"{n}\""),
                );
            }
            out.push(RawLine {
                name: n,
                path: l.path.clone(),
                span: l.span.clone(),
                channels,
                channels_span: l.item("channels").and_then(item_span).or(l.span.clone()),
                agents,
                shifts,
                roster,
                handle,
                handle_by_channel,
                wrap_up,
                wrap_up_by_channel,
                shrinkage,
                resolve,
                resolve_span,
                escalates_to,
                routing,
                wage,
                breaks,
                breaks_ok,
                key_clients,
                key_clients_span: l.item("key_clients").and_then(item_span).or(l.span.clone()),
                key_clients_given: l.item("key_clients").is_some(),
                key_clients_take_other_work,
                live_first,
                external,
                is_external,
                ok,
            });
        }
    }
    match root.item("line") {
        None => ctx.missing(root, "line"),
        Some(item) if item.as_array().is_some_and(|a| a.is_empty()) => {
            ctx.error(item_span(item), "line", "at least one [[line]] is needed")
        }
        Some(_) => {}
    }
    (out, channels_known)
}

struct RawType {
    name: String,
    share: Option<f64>,
    priority: Option<u8>,
    handle: Option<Vec<Option<Dist>>>,
    resolve: Option<Vec<Option<f64>>>,
    key_client: Option<f64>,
    misroute: Option<f64>,
}

fn read_ticket_types(ctx: &mut Ctx, root: &Obj, lines: &Names) -> Option<Vec<RawType>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut total = 0.0;
    let mut all_shares = true;
    for mut t in ctx.entries(root, "ticket_type") {
        let named = ctx.entry_name(&mut t, "ticket_type");
        ctx.check_keys(
            &t,
            &[
                "name",
                "share",
                "priority",
                "handle",
                "resolve",
                "key_client",
                "misroute",
            ],
            &[],
        );
        let share = ctx.required(&t, "share", Ctx::probability);
        match share {
            Some(s) => total += s,
            None => all_shares = false,
        }
        let priority = ctx.optional(&t, "priority", 1u8, |c, o, k| {
            let choices: Vec<(&str, u8)> =
                PRIORITIES.iter().zip(0u8..).map(|(p, i)| (*p, i)).collect();
            c.choice(o, k, "priority", &choices)
        });
        let handle = ctx.optional(&t, "handle", vec![None; lines.list.len()], |c, o, k| {
            c.per_line(o, k, lines, Ctx::dist)
        });
        let resolve = ctx.optional(&t, "resolve", vec![None; lines.list.len()], |c, o, k| {
            c.per_line(o, k, lines, Ctx::probability)
        });
        let key_client = ctx.optional(&t, "key_client", 0.0, Ctx::probability);
        let misroute = ctx.optional(&t, "misroute", 0.0, |c, o, k| c.bounded(o, k, 0.0, 0.99));
        if let Some((name, span)) = named {
            if !seen.insert(name.clone()) {
                ctx.error(
                    span,
                    &t.key_path("name"),
                    format!("a second ticket type named \"{name}\""),
                );
            }
            out.push(RawType {
                name,
                share,
                priority,
                handle,
                resolve,
                key_client,
                misroute,
            });
        }
    }
    if all_shares && !out.is_empty() && (total - 1.0).abs() > 1e-6 {
        let span = root.item("ticket_type").and_then(item_span);
        ctx.error(
            span,
            "ticket_type",
            format!("the shares of the ticket types add up to {total}, not 1"),
        );
    }
    Some(out)
}

enum Profile {
    Builtin(String),
    Weights(Vec<f64>),
}

struct RawArrival {
    channel: usize,
    path: String,
    span: Span,
    per_hour: Option<f64>,
    per_day: Option<f64>,
    profile: Profile,
    weekday: [f64; 7],
    volume_cv: f64,
    trace: Option<(String, Span)>,
}

fn read_arrivals(ctx: &mut Ctx, root: &Obj, channels: &Names) -> Vec<RawArrival> {
    let mut out: Vec<RawArrival> = Vec::new();
    let mut seen = HashSet::new();
    for mut a in ctx.entries(root, "arrivals") {
        let channel = ctx.required(&a, "channel", Ctx::string);
        let channel_span = a.item("channel").and_then(item_span);
        if let Some(c) = &channel {
            a.path = format!("arrivals.{c}");
        }
        ctx.check_keys(
            &a,
            &[
                "channel",
                "per_hour",
                "per_day",
                "profile",
                "weekday",
                "volume_cv",
                "trace",
            ],
            &[],
        );
        let trace = a
            .item("trace")
            .map(|item| ctx.string(&a, "trace").map(|f| (f, item_span(item))));
        let per_hour = a
            .item("per_hour")
            .and_then(|_| ctx.non_negative(&a, "per_hour", MAX_PER_HOUR));
        let per_day = a
            .item("per_day")
            .and_then(|_| ctx.non_negative(&a, "per_day", MAX_PER_HOUR * 24.0));
        let mut ok = !matches!(trace, Some(None));
        if trace.is_some() {
            for k in ["per_hour", "per_day", "profile", "weekday", "volume_cv"] {
                if a.item(k).is_some() {
                    let kspan = a.tl.get_key_value(k).and_then(|(key, _)| key.span());
                    ctx.error(
                        kspan,
                        &a.key_path(k),
                        format!("{k} shapes generated arrivals; a trace gives the recorded ones instead: remove {k} or the trace"),
                    );
                    ok = false;
                }
            }
        }
        match (a.item("per_hour").is_some(), a.item("per_day").is_some()) {
            _ if trace.is_some() => {}
            (false, false) => {
                ctx.missing(&a, "per_hour");
                ok = false;
            }
            (true, true) => {
                let kspan = a.tl.get_key_value("per_day").and_then(|(k, _)| k.span());
                ctx.error(
                    kspan,
                    &a.key_path("per_day"),
                    "give either per_hour (a constant rate) or per_day (with a profile), not both",
                );
                ok = false;
            }
            _ => {}
        }
        if a.item("per_hour").is_some() {
            for k in ["profile", "weekday", "volume_cv"] {
                if a.item(k).is_some() {
                    let kspan = a.tl.get_key_value(k).and_then(|(key, _)| key.span());
                    ctx.error(
                        kspan,
                        &a.key_path(k),
                        format!("{k} shapes a per_day volume; write per_day instead of per_hour"),
                    );
                    ok = false;
                }
            }
        }
        let profile = match a.item("profile") {
            None => Some(Profile::Builtin("flat".into())),
            Some(item) if item.as_str().is_some() => {
                let name = item.as_str().unwrap_or_default().to_string();
                if profiles::hourly(&name).is_some() {
                    Some(Profile::Builtin(name))
                } else {
                    let hint = closest(&name, profiles::NAMES)
                        .map(|b| format!("did you mean \"{b}\"? "))
                        .unwrap_or_default();
                    ctx.error(
                        item_span(item),
                        &a.key_path("profile"),
                        format!(
                            "unknown profile \"{name}\"; {hint}built-in profiles are {}, or give weights per interval as an array",
                            profiles::NAMES.join(", ")
                        ),
                    );
                    None
                }
            }
            Some(item) if item.as_array().is_some() => {
                let mut w = Vec::new();
                let mut good = true;
                for v in item.as_array().into_iter().flatten() {
                    match v.as_float().or(v.as_integer().map(|i| i as f64)) {
                        Some(x) if x.is_finite() && x >= 0.0 => w.push(x),
                        _ => {
                            ctx.error(
                                v.span(),
                                &a.key_path("profile"),
                                "a weight must be a number, zero or more",
                            );
                            good = false;
                        }
                    }
                }
                if good && !w.iter().any(|&x| x > 0.0) {
                    ctx.error(
                        item_span(item),
                        &a.key_path("profile"),
                        "the weights are all zero",
                    );
                    good = false;
                }
                good.then_some(Profile::Weights(w))
            }
            Some(item) => {
                ctx.wrong_type(&a, "profile", item, "a profile name or an array of weights");
                None
            }
        };
        let weekday = ctx.optional(&a, "weekday", [1.0; 7], |c, o, k| {
            let t = c.table(o, k)?;
            let mut w = [1.0; 7];
            let mut good = true;
            for (d, _) in t.tl.iter() {
                let dspan = t.tl.get_key_value(d).and_then(|(key, _)| key.span());
                match c.weekday_name(d, dspan, &t.key_path(d)) {
                    Some(i) => match c.non_negative(&t, d, 1000.0) {
                        Some(x) => w[i] = x,
                        None => good = false,
                    },
                    None => good = false,
                }
            }
            good.then_some(w)
        });
        let volume_cv = ctx.optional(&a, "volume_cv", 0.0, |c, o, k| c.bounded(o, k, 0.0, 5.0));
        let resolved = channel.and_then(|c| {
            ctx.resolve(
                &c,
                channel_span.clone(),
                &a.key_path("channel"),
                "channel",
                channels,
            )
            .map(|ci| (ci, c))
        });
        if let Some((ci, c)) = resolved {
            if !seen.insert(ci) {
                ctx.error(
                    channel_span,
                    &a.key_path("channel"),
                    format!("a second [[arrivals]] entry for channel \"{c}\""),
                );
            } else if let (true, Some(profile), Some(weekday), Some(volume_cv)) =
                (ok, profile, weekday, volume_cv)
                && (per_hour.is_some() || per_day.is_some() || trace.is_some())
            {
                out.push(RawArrival {
                    channel: ci,
                    path: a.path.clone(),
                    span: a.item("profile").and_then(item_span).or(a.span.clone()),
                    per_hour,
                    per_day,
                    profile,
                    weekday,
                    volume_cv,
                    trace: trace.flatten(),
                });
            }
        }
    }
    if root.item("arrivals").is_none() {
        ctx.missing(root, "arrivals");
    }
    out
}

fn read_economics(ctx: &mut Ctx, root: &Obj) -> Option<Economics> {
    let Some(e) = ctx.table(root, "economics") else {
        return root.item("economics").is_none().then(Economics::default);
    };
    ctx.check_keys(
        &e,
        &[
            "currency",
            "overhead",
            "overtime_multiplier",
            "absenteeism",
            "absent_paid",
            "training_days_per_year",
            "working_days_per_year",
            "abandon_cost",
            "shrinkage",
        ],
        &[],
    );
    let d = Economics::default();
    let shrinkage = ctx.optional(&e, "shrinkage", d.shrinkage, |c, o, k| {
        c.bounded(o, k, 0.0, MAX_SHRINKAGE)
    });
    let currency = ctx.optional(&e, "currency", d.currency, Ctx::string);
    let overhead = ctx.optional(&e, "overhead", d.overhead, |c, o, k| {
        c.non_negative(o, k, 10.0)
    });
    let overtime = ctx.optional(
        &e,
        "overtime_multiplier",
        d.overtime_multiplier,
        |c, o, k| c.bounded(o, k, 1.0, 10.0),
    );
    let absenteeism = ctx.optional(&e, "absenteeism", d.absenteeism, |c, o, k| {
        c.bounded(o, k, 0.0, 0.9)
    });
    let absent_paid = ctx.optional(&e, "absent_paid", d.absent_paid, Ctx::boolean);
    let training = ctx.optional(
        &e,
        "training_days_per_year",
        d.training_days_per_year,
        |c, o, k| c.bounded(o, k, 0.0, 200.0),
    );
    let working = ctx.optional(
        &e,
        "working_days_per_year",
        d.working_days_per_year,
        |c, o, k| c.bounded(o, k, 1.0, 366.0),
    );
    let abandon_cost = ctx.optional(&e, "abandon_cost", d.abandon_cost, |c, o, k| {
        c.non_negative(o, k, 1e9)
    });
    Some(Economics {
        currency: currency?,
        overhead: overhead?,
        overtime_multiplier: overtime?,
        absenteeism: absenteeism?,
        absent_paid: absent_paid?,
        training_days_per_year: training?,
        working_days_per_year: working?,
        abandon_cost: abandon_cost?,
        shrinkage: shrinkage?,
    })
}

fn read_targets(ctx: &mut Ctx, root: &Obj) -> Option<Targets> {
    let Some(t) = ctx.table(root, "targets") else {
        return root.item("targets").is_none().then(Targets::default);
    };
    ctx.check_keys(
        &t,
        &[
            "service_level",
            "abandon_rate_max",
            "asa_max",
            "resolved_within",
        ],
        &[],
    );
    let service_level = ctx.optional(&t, "service_level", None, |c, o, k| {
        c.probability(o, k).map(Some)
    });
    let limits = ctx.target_limits(&t);
    Some(Targets {
        service_level: service_level?,
        ..limits?
    })
}

impl Ctx<'_> {
    /// The targets `abandon_rate_max`, `asa_max` and `resolved_within` of a
    /// `[targets]` table or a `[[channel]]` (the service level is written
    /// differently in each); `None` when one of them is bad.
    fn target_limits(&mut self, t: &Obj) -> Option<Targets> {
        let abandon = self.optional(t, "abandon_rate_max", None, |c, o, k| {
            c.probability(o, k).map(Some)
        });
        let asa = self.optional(t, "asa_max", None, |c, o, k| c.duration(o, k).map(Some));
        let resolved = match self.table(t, "resolved_within") {
            None => Some(None),
            Some(r) => {
                self.check_keys(&r, &["time", "target"], &[]);
                let time = self.required(&r, "time", Ctx::duration);
                let target = self.required(&r, "target", Ctx::probability);
                match (time, target) {
                    (Some(a), Some(b)) => Some(Some((SimTime::from_secs_f64(a), b))),
                    _ => None,
                }
            }
        };
        Some(Targets {
            service_level: None,
            abandon_rate_max: abandon?,
            asa_max_seconds: asa?,
            resolved_within: resolved?,
        })
    }
}

/// The per-minute rate of one arrival stream over a week (Monday first).
fn weekly_rate(
    a: &RawArrival,
    live: bool,
    hours: &Hours,
    interval_minutes: u32,
) -> Result<PeriodicRate, String> {
    let week = 7 * MINUTES_PER_DAY as usize;
    if let Some(per_hour) = a.per_hour {
        let per_sec = per_hour / 3600.0;
        if !live || *hours == Hours::ALWAYS {
            return PeriodicRate::constant(per_sec).ok_or_else(|| "bad rate".to_string());
        }
        let rates: Vec<f64> = (0..week as u32)
            .map(|m| if hours.is_open(m) { per_sec } else { 0.0 })
            .collect();
        return PeriodicRate::new(SimTime::from_secs(60), rates).ok_or_else(|| "bad rate".into());
    }
    let per_day = a.per_day.unwrap_or(0.0);
    // weights per minute of one day
    let (day_weights, mask_by_hours): (Vec<f64>, bool) = match &a.profile {
        Profile::Builtin(name) => {
            let h = profiles::hourly(name).unwrap_or([1.0; 24]);
            (
                (0..MINUTES_PER_DAY).map(|m| h[(m / 60) as usize]).collect(),
                profiles::follows_hours(name),
            )
        }
        Profile::Weights(w) => {
            let per_day_slots = MINUTES_PER_DAY / interval_minutes;
            let slot = if w.len() == 24 {
                60
            } else if w.len() == per_day_slots as usize {
                interval_minutes
            } else {
                return Err(format!(
                    "{} weights given; give 24 (one per hour) or {per_day_slots} (one per {interval_minutes}-minute interval)",
                    w.len()
                ));
            };
            (
                (0..MINUTES_PER_DAY)
                    .map(|m| w[(m / slot) as usize])
                    .collect(),
                false,
            )
        }
    };
    let mut rates = vec![0.0; week];
    // A day's volume goes to its opening: the minutes from `open` on, for
    // the opening's length, those after midnight included (hours of
    // 20:00-04:00 on Friday bring Friday's volume, Saturday 00:00-04:00
    // included). Without hours, a day is its 24 hours.
    let (open, length, days) = if live || mask_by_hours {
        let length = if hours.open < hours.close {
            hours.close - hours.open
        } else {
            hours.close + MINUTES_PER_DAY - hours.open
        };
        (hours.open, length, hours.days)
    } else {
        (0, MINUTES_PER_DAY, [true; 7])
    };
    for d in (0..7).filter(|&d| days[d as usize]) {
        let weight = |i: u32| day_weights[((open + i) % MINUTES_PER_DAY) as usize];
        let total: f64 = (0..length).map(weight).sum();
        if total <= 0.0 {
            continue;
        }
        let volume = per_day * a.weekday[d as usize];
        for i in 0..length {
            let m = (d * MINUTES_PER_DAY + open + i) as usize % week;
            rates[m] = volume * weight(i) / total / 60.0;
        }
    }
    if rates.iter().all(|&r| r == rates[0]) {
        return PeriodicRate::constant(rates[0]).ok_or_else(|| "bad rate".into());
    }
    PeriodicRate::new(SimTime::from_secs(60), rates).ok_or_else(|| "bad rate".into())
}

pub(super) fn read_scenario(ctx: &mut Ctx, root: &Obj) -> Option<Scenario> {
    ctx.check_keys(
        root,
        &[
            "simulation",
            "hours",
            "channel",
            "arrivals",
            "ticket_type",
            "line",
            "economics",
            "targets",
            "calendar",
            "variant",
            "sweep",
        ],
        &[],
    );
    if too_many_entries(ctx, root) {
        return None;
    }
    let sim = read_simulation(ctx, root);
    let hours = match ctx.table(root, "hours") {
        Some(h) => ctx.hours(&h),
        None => Some(Hours::ALWAYS),
    };
    let channels_raw = read_channels(ctx, root);
    let channel_names = Names::new(channels_raw.iter().map(|c| c.name.clone()).collect());
    let explicit = has_ticket_types(root);
    let (lines_raw, mut channels_known) = read_lines(ctx, root, explicit, &channel_names);
    let line_names = Names::new(lines_raw.iter().map(|l| l.name.clone()).collect());
    let types_raw = read_ticket_types(ctx, root, &line_names);
    let arrivals_raw = read_arrivals(ctx, root, &channel_names);
    let economics = read_economics(ctx, root);
    let targets = read_targets(ctx, root);
    let calendar = read_calendar(ctx, root);

    // The line network.
    let mut channel_line: Vec<Option<usize>> = vec![None; channel_names.list.len()];
    let mut lines = Vec::new();
    for (li, raw) in lines_raw.iter().enumerate() {
        let mut chans = Vec::new();
        for (c, span) in &raw.channels {
            if let Some(ci) = ctx.resolve(
                c,
                span.clone(),
                &format!("{}.channels", raw.path),
                "channel",
                &channel_names,
            ) {
                if channel_line[ci].is_none() {
                    channel_line[ci] = Some(li);
                } else {
                    ctx.error(
                        span.clone(),
                        &format!("{}.channels", raw.path),
                        format!(
                            "channel \"{c}\" is already taken by line \"{}\"; a channel's first contacts go to one line",
                            line_names.list[channel_line[ci].unwrap_or(0)]
                        ),
                    );
                }
                chans.push(ci);
            } else {
                channels_known = false;
            }
        }
        if raw.is_external && !raw.channels.is_empty() {
            ctx.error(
                raw.channels_span.clone(),
                &format!("{}.channels", raw.path),
                "an external line cannot take first contacts; lines escalate to it",
            );
        }
        let escalates_to = raw.escalates_to.as_ref().and_then(|(target, span)| {
            ctx.resolve_other(
                target,
                span.clone(),
                &format!("{}.escalates_to", raw.path),
                "line",
                &line_names,
                line_names.index(&raw.name),
            )
        });
        if let Some(r) = raw.resolve
            && r < 1.0
            && raw.escalates_to.is_none()
        {
            ctx.error(
                raw.resolve_span.clone(),
                &format!("{}.resolve", raw.path),
                format!(
                    "resolve is {r} but the line has no escalates_to: say where the other {:.0}% go",
                    (1.0 - r) * 100.0
                ),
            );
        }
        if let (Some(k), Some(agents)) = (raw.key_clients, raw.agents)
            && !raw.is_external
            && raw.roster.is_none()
        {
            let headcount = if raw.shifts.is_empty() {
                agents
            } else {
                raw.shifts.iter().map(|s| s.agents).sum()
            };
            if raw.key_clients_given && raw.shifts.iter().any(|s| s.key_clients.is_some()) {
                ctx.error(
                    raw.key_clients_span.clone(),
                    &format!("{}.key_clients", raw.path),
                    "key_clients is set on the line and on its shifts; set it on each shift \
                     (that shift's reserved agents) or on the line only (spread over the shifts \
                     in proportion to their agents)",
                );
            } else if k > headcount {
                ctx.error(
                    raw.key_clients_span.clone(),
                    &format!("{}.key_clients", raw.path),
                    if raw.shifts.is_empty() {
                        format!("{k} agents reserved for key clients, but the line has only {headcount}")
                    } else {
                        format!("{k} agents reserved for key clients, but the line's shifts have only {headcount} together")
                    },
                );
            }
        }
        if let (
            true,
            Some(agents),
            Some(resolve),
            Some(routing),
            Some(wage),
            true,
            Some(key_clients),
            Some(kw),
            Some(lf),
            Some(shrinkage),
        ) = (
            raw.ok,
            raw.agents,
            raw.resolve,
            raw.routing,
            raw.wage,
            raw.breaks_ok,
            raw.key_clients,
            raw.key_clients_take_other_work,
            raw.live_first,
            raw.shrinkage,
        ) {
            lines.push(Line {
                name: raw.name.clone(),
                channels: chans,
                agents,
                shifts: raw.shifts.clone(),
                roster: None,
                handle: raw.handle.clone(),
                handle_by_channel: raw.handle_by_channel.clone(),
                wrap_up: raw.wrap_up.clone(),
                wrap_up_by_channel: raw.wrap_up_by_channel.clone(),
                shrinkage: if raw.is_external {
                    0.0
                } else {
                    shrinkage
                        .or(economics.as_ref().map(|e| e.shrinkage))
                        .unwrap_or(0.0)
                },
                resolve: if raw.is_external { 1.0 } else { resolve },
                escalates_to,
                routing,
                wage,
                breaks: raw.breaks.clone(),
                key_clients,
                key_clients_take_other_work: kw,
                live_first: lf,
                external: raw.external.clone(),
            });
        }
    }
    // Escalation cycles: every line escalates to at most one other, so
    // one walk along the chains, each line visited once, finds them all.
    let next: Vec<Option<usize>> = lines_raw
        .iter()
        .map(|raw| {
            raw.escalates_to
                .as_ref()
                .and_then(|(target, _)| line_names.index(target))
        })
        .collect();
    // 0: not seen, 1: on the walk under way, 2: done
    let mut state = vec![0u8; lines_raw.len()];
    for start in 0..lines_raw.len() {
        let mut walk = Vec::new();
        let mut at = Some(start);
        while let Some(l) = at {
            if state[l] != 0 {
                break;
            }
            state[l] = 1;
            walk.push(l);
            at = next[l];
        }
        if let Some(l) = at
            && state[l] == 1
        {
            // the walk ran into itself: the lines from l on form a circle
            let circle = &walk[walk.iter().position(|&x| x == l).unwrap_or(0)..];
            for (i, &member) in circle.iter().enumerate() {
                let raw = &lines_raw[member];
                let names: Vec<&str> = circle[i..]
                    .iter()
                    .chain(&circle[..=i])
                    .map(|&x| lines_raw[x].name.as_str())
                    .collect();
                let chain = if names.len() <= 12 {
                    names.join(" -> ")
                } else {
                    format!(
                        "{} -> ... ({} lines) -> {}",
                        names[..5].join(" -> "),
                        names.len() - 6,
                        names[names.len() - 1]
                    )
                };
                let span = raw.escalates_to.as_ref().and_then(|e| e.1.clone());
                ctx.error(
                    span,
                    &format!("{}.escalates_to", raw.path),
                    format!("escalation goes round in a circle: {chain}"),
                );
            }
        }
        for l in walk {
            state[l] = 2;
        }
    }

    // Ticket types (one implicit type when the file has none).
    let mut ticket_types = Vec::new();
    for t in types_raw.into_iter().flatten() {
        if let (
            Some(share),
            Some(priority),
            Some(handle),
            Some(resolve),
            Some(key_client),
            Some(misroute),
        ) = (
            t.share,
            t.priority,
            t.handle,
            t.resolve,
            t.key_client,
            t.misroute,
        ) {
            ticket_types.push(TicketType {
                name: t.name,
                share,
                priority,
                handle,
                resolve,
                key_client,
                misroute,
            });
        }
    }
    if !explicit {
        ticket_types.push(TicketType {
            name: "all".into(),
            share: 1.0,
            priority: 1,
            handle: vec![None; line_names.list.len()],
            resolve: vec![None; line_names.list.len()],
            key_client: 0.0,
            misroute: 0.0,
        });
    }
    // Every line a ticket can reach needs a handling time for it.
    if ctx.problems.is_empty() && lines.len() == lines_raw.len() {
        let by_channel = lines
            .iter()
            .any(|l| l.handle_by_channel.iter().any(Option::is_some));
        // (channel, first line): per channel when some line's handle is
        // given per channel, else per first line (the channel then plays no part)
        let starts: Vec<(usize, usize)> = if by_channel {
            channel_line
                .iter()
                .enumerate()
                .filter_map(|(c, l)| l.map(|l| (c, l)))
                .collect()
        } else {
            let mut v: Vec<usize> = channel_line.iter().flatten().copied().collect();
            v.sort_unstable();
            v.dedup();
            v.into_iter().map(|l| (usize::MAX, l)).collect()
        };
        let mut missing_types: Vec<Vec<&str>> = vec![Vec::new(); lines.len()];
        let mut missing_channels: Vec<Vec<&str>> = vec![Vec::new(); lines.len()];
        // each (type, channel) walks each line at most once
        let mut visited = vec![(usize::MAX, usize::MAX); lines.len()];
        for (ti, t) in ticket_types.iter().enumerate() {
            for &(c, start) in &starts {
                let mut at = Some(start);
                while let Some(l) = at {
                    if visited[l] == (ti, c) {
                        break;
                    }
                    visited[l] = (ti, c);
                    let line = &lines[l];
                    let has = t.handle[l].is_some()
                        || line.handle_by_channel.get(c).is_some_and(Option::is_some)
                        || line.handle.is_some();
                    if line.external.is_none() && !has {
                        if !missing_types[l].contains(&t.name.as_str()) {
                            missing_types[l].push(t.name.as_str());
                        }
                        if let Some(name) = channel_names.list.get(c)
                            && !missing_channels[l].contains(&name.as_str())
                        {
                            missing_channels[l].push(name.as_str());
                        }
                    }
                    let resolve = t.resolve[l].unwrap_or(line.resolve);
                    at = if resolve < 1.0 {
                        line.escalates_to
                    } else {
                        None
                    };
                }
            }
        }
        for (li, raw) in lines_raw.iter().enumerate() {
            if missing_types[li].is_empty() {
                continue;
            }
            let message = if !explicit {
                format!(
                    "channel(s) {} reach this line but have no handling time here: name them in handle, or give the rest with {OTHER_CHANNELS} = ...",
                    short_names(&missing_channels[li]),
                )
            } else if missing_channels[li].is_empty() {
                format!(
                    "ticket type(s) {} reach this line but have no handling time here: give the line a handle, or the types handle.{}",
                    short_names(&missing_types[li]),
                    raw.name
                )
            } else {
                format!(
                    "ticket type(s) {} from channel(s) {} reach this line but have no handling time here: give the line a handle for those channels (or {OTHER_CHANNELS} = ...), or the types handle.{}",
                    short_names(&missing_types[li]),
                    short_names(&missing_channels[li]),
                    raw.name
                )
            };
            ctx.error(raw.span.clone(), &format!("{}.handle", raw.path), message);
        }
    }

    // Channels, with their hours.
    let mut channels = Vec::new();
    for (ci, c) in channels_raw.into_iter().enumerate() {
        match channel_line[ci] {
            Some(line) => {
                if let Some(l) = lines.get(line)
                    && l.external.is_some()
                {
                    continue;
                }
                channels.push(Channel {
                    name: c.name,
                    live: c.live.unwrap_or(c.patience.is_some()),
                    patience: c.patience,
                    answer_within: SimTime::from_secs_f64(c.answer_within),
                    targets: c.targets,
                    line,
                    hours: c.hours.or(hours).unwrap_or(Hours::ALWAYS),
                    retry: c.retry,
                    concurrency: c.concurrency,
                })
            }
            // a duplicate is already reported, and its name resolves to the first
            None if c.duplicate || !channels_known || lines_raw.is_empty() => {}
            None => {
                ctx.error(
                    c.span,
                    &format!("channel.{}", c.name),
                    format!(
                        "no line takes channel \"{}\"; add it to the channels of a line",
                        c.name
                    ),
                );
            }
        }
    }

    let sim = sim?;
    let calendar = calendar?;
    let interval_minutes = (sim.interval / 60.0) as u32;
    let start_day = sim.start_date.unwrap_or_else(|| {
        super::NOMINAL_MONDAY
            .checked_add(jiff::SignedDuration::from_hours(24 * sim.start as i64))
            .unwrap_or(super::NOMINAL_MONDAY)
    });
    let start_dt = start_day.to_datetime(jiff::civil::Time::midnight());
    // staffing by interval, read now that the calendar and interval are known
    let rc = RosterContext {
        start: start_day,
        start_weekday: sim.start,
        horizon: SimTime::from_secs_f64(sim.horizon),
        interval: SimTime::from_secs_f64(sim.interval),
        closed: calendar.closed.clone(),
    };
    for (li, raw) in lines_raw.iter().enumerate() {
        let Some(spec) = &raw.roster else { continue };
        let roster = match spec {
            RosterSpec::File(file, span, key) => ctx.read_roster(file, &rc, span.clone(), key),
            RosterSpec::ByInterval(days, span, key) => {
                let per_day = (MINUTES_PER_DAY / interval_minutes.max(1)) as usize;
                let mut week = vec![0u32; 7 * per_day];
                let mut good = true;
                for (d, day) in days.iter().enumerate() {
                    let Some((counts, dspan)) = day else { continue };
                    if counts.len() != per_day {
                        ctx.error(
                            dspan.clone(),
                            &format!("{key}.{}", WEEKDAYS[d]),
                            format!(
                                "{} counts for {} intervals of {interval_minutes} minutes a day; give one count per interval, from 00:00 (0 where nobody is on duty)",
                                counts.len(),
                                per_day
                            ),
                        );
                        good = false;
                        continue;
                    }
                    week[d * per_day..(d + 1) * per_day].copy_from_slice(counts);
                }
                if days.iter().all(Option::is_none) {
                    ctx.error(span.clone(), key, "agents_by_interval gives no weekday; write e.g. mon = [0, 0, 3, 5, ...], one count per interval");
                    good = false;
                }
                good.then(|| {
                    let mut counts = rc.unroll_week(&week);
                    rc.close(&mut counts);
                    std::sync::Arc::new(super::Roster::from_counts(
                        "agents_by_interval".into(),
                        rc.interval,
                        &counts,
                    ))
                })
            }
        };
        match (roster, lines.get_mut(li)) {
            (Some(r), Some(line)) if line.name == raw.name => line.roster = Some(r),
            _ => {}
        }
    }
    let mut arrivals = Vec::new();
    if channels.len() == channel_names.list.len() {
        let type_names: Vec<String> = if explicit {
            ticket_types.iter().map(|t| t.name.clone()).collect()
        } else {
            Vec::new()
        };
        for a in &arrivals_raw {
            let ch = &channels[a.channel];
            if let Some((file, span)) = &a.trace {
                let tc = TraceContext {
                    start: start_dt,
                    horizon: SimTime::from_secs_f64(sim.horizon),
                    types: &type_names,
                };
                let key = format!("{}.trace", a.path);
                if let Some(trace) = ctx.read_trace(file, &tc, span.clone(), &key) {
                    let rate = trace_rate(
                        &trace,
                        sim.start,
                        SimTime::from_secs_f64(sim.horizon),
                        SimTime::from_secs_f64(sim.interval),
                    );
                    arrivals.push(Arrival {
                        channel: a.channel,
                        rate,
                        volume_cv: 0.0,
                        night_minutes: 0,
                        trace: Some(trace),
                    });
                }
                continue;
            }
            match weekly_rate(a, ch.live, &ch.hours, interval_minutes) {
                Ok(rate) => arrivals.push(Arrival {
                    channel: a.channel,
                    rate,
                    volume_cv: a.volume_cv,
                    night_minutes: if ch.live && ch.hours.close < ch.hours.open {
                        ch.hours.close
                    } else {
                        0
                    },
                    trace: None,
                }),
                Err(msg) => ctx.error(a.span.clone(), &format!("{}.profile", a.path), msg),
            }
        }
    }

    if !ctx.problems.is_empty() || lines.len() != lines_raw.len() {
        return None;
    }
    Some(Scenario {
        name: sim.name,
        file: ctx.file.to_string(),
        horizon: SimTime::from_secs_f64(sim.horizon),
        warmup: SimTime::from_secs_f64(sim.warmup),
        replications: sim.replications as u32,
        seed: sim.seed,
        max_in_system: sim.max_in_system as u32,
        interval: SimTime::from_secs_f64(sim.interval),
        start_weekday: sim.start as u8,
        start_date: sim.start_date,
        calendar,
        max_misroutes: sim.max_misroutes as u32,
        channels,
        arrivals,
        ticket_types,
        explicit_ticket_types: explicit,
        lines,
        economics: economics?,
        targets: targets?,
    })
}

/// The mean rate of recorded arrivals over the week, slot by slot (the
/// scenario's interval): arrivals in that slot of the week over the time
/// the run spends in it. The model replays the trace itself; this rate
/// serves the analytic figures (load, Erlang) and the capacity checks.
fn trace_rate(
    trace: &super::Trace,
    start_weekday: usize,
    horizon: SimTime,
    interval: SimTime,
) -> PeriodicRate {
    let week_us = 7 * 86_400_000_000u64;
    let slot = interval.0.max(1);
    let slots = (week_us / slot) as usize;
    let offset = start_weekday as u64 * 86_400_000_000;
    let mut counts = vec![0.0f64; slots];
    for r in &trace.rows {
        counts[(((r.at.0 + offset) % week_us) / slot) as usize % slots] += 1.0;
    }
    // seconds the run spends in each slot of the week
    let mut exposure = vec![0.0f64; slots];
    let mut t = 0u64;
    while t < horizon.0 {
        let end = ((t / slot) + 1) * slot;
        let end = end.min(horizon.0);
        exposure[(((t + offset) % week_us) / slot) as usize % slots] += (end - t) as f64 / 1e6;
        t = end;
    }
    let rates = counts
        .iter()
        .zip(&exposure)
        .map(|(c, e)| if *e > 0.0 { c / e } else { 0.0 })
        .collect();
    PeriodicRate::new(interval, rates)
        .or_else(|| PeriodicRate::constant(0.0))
        .unwrap_or_else(|| unreachable!("a zero rate is valid"))
}

/// `a, b, c`, or the first few and how many more.
fn short_names(names: &[&str]) -> String {
    let owned: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    super::load::short_list(&owned)
}
