//! How a contact log's columns map to a contact: the mapping file (`--map mapping.toml`) and the built-in mappings (`events`, `anonymous-bank`).
//!
//! A mapping says which column holds the arrival time, the answer time,
//! the end time, the outcome, the channel, the ticket type, the agent, the
//! line, the customer and the priority; how dates and times are written;
//! the time zone; the delimiter; and which cell values mean what (the
//! outcome's words, "no agent", "no customer", the priorities). The file
//! is TOML and is documented in `docs/logs.md`; [`Mapping::events`] (the
//! event log's own layout, the default) and [`Mapping::anonymous_bank`]
//! are written in the same terms.

use crate::error::{Error, Result};
use crate::scenario::PRIORITIES;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The names of the built-in mappings, as `--map` takes them.
pub const BUILT_IN: [&str; 2] = ["events", "anonymous-bank"];

/// Largest mapping file read, in bytes.
const MAX_MAPPING_BYTES: u64 = 1 << 20;

/// How date-time cells are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeFormat {
    /// ISO 8601 (`1999-02-01T07:02:47`, a space for the `T`, fractions of
    /// a second allowed; with `time_zone`, also an offset or `Z`).
    Iso,
    /// A `strftime` format, as jiff reads it (`%d/%m/%Y %H:%M:%S`).
    Strftime(String),
}

/// Which column holds what (names as in the header). Only `arrival` is
/// required; a field left out is not read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    /// When the contact joined the agents' queue (a date-time, or a clock
    /// time with `date`).
    pub arrival: String,
    /// The date, when the time columns hold clock times only.
    pub date: Option<String>,
    /// When it joined the queue, used only to tell a contact that left
    /// before queueing (an abandoned row whose cell is empty or an
    /// `empty_times` value): the bank's voice-response hang-ups.
    pub queued_at: Option<String>,
    /// When an agent answered it.
    pub answered_at: Option<String>,
    /// When it abandoned.
    pub abandoned_at: Option<String>,
    /// When the handling ended.
    pub ended_at: Option<String>,
    /// Seconds waited (instead of the difference of the times).
    pub wait_seconds: Option<String>,
    /// Seconds of handling (instead of `ended_at - answered_at`).
    pub handle_seconds: Option<String>,
    /// The outcome (see [`Outcomes`]); without it, a row with an answer
    /// time is answered and one without is abandoned.
    pub outcome: Option<String>,
    /// The channel; without it, every contact is of channel `calls`.
    pub channel: Option<String>,
    /// The ticket type.
    #[serde(rename = "type")]
    pub ticket_type: Option<String>,
    /// The agent who answered.
    pub agent: Option<String>,
    /// The line or group that answered.
    pub line: Option<String>,
    /// The customer's id.
    pub customer: Option<String>,
    /// The priority (see [`Values::priorities`]).
    pub priority: Option<String>,
    /// Whether from a key client (`true`/`false`, `1`/`0`, `yes`/`no`).
    pub key_client: Option<String>,
    /// Columns that together identify a row: a second row with the same
    /// cells is a duplicate.
    #[serde(default)]
    pub id: Vec<String>,
    /// Columns that name a run of a simulation (the event log's scenario
    /// and replication): rows of another run than the first row's are
    /// left out (`other_run`).
    #[serde(default)]
    pub run: Vec<String>,
    /// `true`/`false`: rows with `false` are left out (`not_measured`, the
    /// event log's warm-up).
    pub measured: Option<String>,
}

/// The words of the `outcome` column.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcomes {
    /// Answered by an agent.
    #[serde(default = "answered_words")]
    pub answered: Vec<String>,
    /// Left before an answer.
    #[serde(default = "abandoned_words")]
    pub abandoned: Vec<String>,
    /// Still waiting when the log ends (the wait is a lower bound).
    #[serde(default = "open_words")]
    pub open: Vec<String>,
    /// Rows to leave out, counted as `phantom` (the bank's PHANTOM).
    #[serde(default)]
    pub discard: Vec<String>,
}

fn answered_words() -> Vec<String> {
    vec!["answered".into()]
}
fn abandoned_words() -> Vec<String> {
    vec!["abandoned".into()]
}
fn open_words() -> Vec<String> {
    vec!["open".into()]
}

impl Default for Outcomes {
    fn default() -> Self {
        Outcomes {
            answered: answered_words(),
            abandoned: abandoned_words(),
            open: open_words(),
            discard: Vec::new(),
        }
    }
}

/// Cell values with a meaning.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Values {
    /// Agent cells that mean nobody (besides an empty cell).
    #[serde(default)]
    pub no_agent: Vec<String>,
    /// Customer cells that mean an unidentified customer (besides empty).
    #[serde(default)]
    pub no_customer: Vec<String>,
    /// Priority cell -> `low`, `normal`, `high` or `critical`; a cell not
    /// listed is read as one of those words or `0` … `3`.
    #[serde(default)]
    pub priorities: BTreeMap<String, String>,
}

/// The mapping file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    #[serde(default = "comma")]
    delimiter: String,
    #[serde(default = "iso")]
    datetime_format: String,
    #[serde(default = "date_iso")]
    date_format: String,
    #[serde(default = "time_hms")]
    time_format: String,
    time_zone: Option<String>,
    #[serde(default)]
    empty_times: Vec<String>,
    columns: Columns,
    #[serde(default)]
    outcomes: Outcomes,
    #[serde(default)]
    values: Values,
}

fn comma() -> String {
    ",".into()
}
fn iso() -> String {
    "iso".into()
}
fn date_iso() -> String {
    "%Y-%m-%d".into()
}
fn time_hms() -> String {
    "%H:%M:%S".into()
}

/// A mapping from a log's columns to contacts.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    /// `events`, `anonymous-bank`, or the mapping file's path.
    pub name: String,
    /// The delimiter between cells (one byte).
    pub delimiter: u8,
    /// How date-time cells are written (without a `date` column).
    pub datetime_format: TimeFormat,
    /// How the `date` column is written (a `strftime` format).
    pub date_format: String,
    /// How clock-time cells are written with a `date` column.
    pub time_format: String,
    /// The desk's UTC offset: date-times written with an offset are
    /// converted to it; those without are the desk's local time already.
    pub time_zone: Option<jiff::tz::TimeZone>,
    /// Time cells that mean "did not happen" (besides an empty cell).
    pub empty_times: Vec<String>,
    /// Which column holds what.
    pub columns: Columns,
    /// The outcome's words.
    pub outcomes: Outcomes,
    /// Cell values with a meaning.
    pub values: Values,
    /// Priority cell -> index into [`PRIORITIES`], checked.
    pub priority_index: BTreeMap<String, u8>,
}

impl Mapping {
    /// The event log's own layout (`run --events`, docs/format.md): the
    /// default, and the generic layout any export can be turned into.
    pub fn events() -> Mapping {
        let text = include_str!("mappings/events.toml");
        Mapping::from_toml(text, "events").unwrap_or_else(|_| Mapping::fallback())
    }

    /// The Anonymous Bank call log (Brown et al. 2005): tab-separated,
    /// `date` YYMMDD, clock times H:MM:SS, `q_time` and `ser_time` seconds.
    pub fn anonymous_bank() -> Mapping {
        let text = include_str!("mappings/anonymous-bank.toml");
        Mapping::from_toml(text, "anonymous-bank").unwrap_or_else(|_| Mapping::fallback())
    }

    /// A mapping of only an `arrival` column (never used: the built-in
    /// files are checked by a test).
    fn fallback() -> Mapping {
        Mapping {
            name: "events".into(),
            delimiter: b',',
            datetime_format: TimeFormat::Iso,
            date_format: date_iso(),
            time_format: time_hms(),
            time_zone: None,
            empty_times: Vec::new(),
            columns: Columns {
                arrival: "arrival".into(),
                ..Columns::default()
            },
            outcomes: Outcomes::default(),
            values: Values::default(),
            priority_index: BTreeMap::new(),
        }
    }

    /// A built-in mapping by name (`events`, `anonymous-bank`), or the
    /// mapping file at `spec`.
    pub fn load(spec: &str) -> Result<Mapping> {
        match spec {
            "events" => Ok(Mapping::events()),
            "anonymous-bank" => Ok(Mapping::anonymous_bank()),
            _ => {
                let path = PathBuf::from(spec);
                let bytes =
                    crate::scenario::read_input(&path, MAX_MAPPING_BYTES, "a mapping file")?;
                let text = String::from_utf8(bytes).map_err(|e| Error::Log {
                    path: path.clone(),
                    row: 0,
                    column: String::new(),
                    message: format!(
                        "the mapping file is not UTF-8 text (byte {})",
                        e.utf8_error().valid_up_to() + 1
                    ),
                })?;
                Mapping::from_toml(&text, spec).map_err(|message| Error::Log {
                    path: Path::new(spec).to_path_buf(),
                    row: 0,
                    column: String::new(),
                    message,
                })
            }
        }
    }

    /// Reads a mapping from TOML text; `name` names it in messages. The
    /// error says where (line, column, key) and what is wrong.
    pub fn from_toml(text: &str, name: &str) -> std::result::Result<Mapping, String> {
        let file: MappingFile = toml::from_str(text).map_err(|e| {
            let msg = e.message().trim().to_string();
            match e.span().map(|s| line_column(text, s.start)) {
                Some((l, c)) => {
                    format!("line {l}, column {c}: {msg} (a mapping file; see docs/logs.md)")
                }
                None => format!("{msg} (a mapping file; see docs/logs.md)"),
            }
        })?;
        let delimiter = match file.delimiter.as_str() {
            "\\t" | "tab" => b'\t',
            d if d.len() == 1 && d.is_ascii() => d.as_bytes()[0],
            d => {
                return Err(format!(
                    "delimiter: \"{}\" is not one ASCII character (write \",\", \";\", \"|\" or \"\\t\" for a tab)",
                    d.escape_debug()
                ));
            }
        };
        let datetime_format = match file.datetime_format.as_str() {
            "iso" => TimeFormat::Iso,
            f => TimeFormat::Strftime(f.to_string()),
        };
        let time_zone = match file.time_zone.as_deref() {
            None => None,
            Some(z) => Some(parse_zone(z).ok_or_else(|| {
                format!(
                    "time_zone: \"{}\" is not UTC or an offset such as \"+02:00\"",
                    z.escape_debug()
                )
            })?),
        };
        let mut priority_index = BTreeMap::new();
        for (cell, p) in &file.values.priorities {
            let i = PRIORITIES.iter().position(|q| q == p).ok_or_else(|| {
                format!(
                    "values.priorities.{cell}: \"{}\" is not one of {}",
                    p.escape_debug(),
                    PRIORITIES.join(", ")
                )
            })?;
            priority_index.insert(cell.clone(), i as u8);
        }
        if file.columns.arrival.is_empty() {
            return Err("columns.arrival: name the column of arrival times".into());
        }
        if file.columns.date.is_some() {
            for (what, f) in [
                ("date_format", &file.date_format),
                ("time_format", &file.time_format),
            ] {
                if f.is_empty() {
                    return Err(format!("{what}: empty format"));
                }
            }
        }
        Ok(Mapping {
            name: name.to_string(),
            delimiter,
            datetime_format,
            date_format: file.date_format,
            time_format: file.time_format,
            time_zone,
            empty_times: file.empty_times,
            columns: file.columns,
            outcomes: file.outcomes,
            values: file.values,
            priority_index,
        })
    }

    /// The priority index of a cell: the mapping's table, else a priority
    /// word or `0` … `3`.
    pub fn priority(&self, cell: &str) -> Option<u8> {
        if let Some(&i) = self.priority_index.get(cell) {
            return Some(i);
        }
        if let Some(i) = PRIORITIES.iter().position(|p| *p == cell) {
            return Some(i as u8);
        }
        match cell.parse::<u8>() {
            Ok(i) if (i as usize) < PRIORITIES.len() => Some(i),
            _ => None,
        }
    }
}

/// `UTC`/`Z` or a fixed offset `+HH:MM` / `-HH:MM` / `+HH`.
fn parse_zone(z: &str) -> Option<jiff::tz::TimeZone> {
    let z = z.trim();
    if z.eq_ignore_ascii_case("utc") || z == "Z" {
        return Some(jiff::tz::TimeZone::UTC);
    }
    let (sign, rest) = match z.as_bytes().first()? {
        b'+' => (1, &z[1..]),
        b'-' => (-1, &z[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?),
        None => (rest.parse::<i32>().ok()?, 0),
    };
    if !(0..=23).contains(&h) || !(0..=59).contains(&m) {
        return None;
    }
    let secs = sign * (h * 3600 + m * 60);
    jiff::tz::Offset::from_seconds(secs)
        .ok()
        .map(jiff::tz::TimeZone::fixed)
}

/// 1-based line and column (in characters) of byte `at` of `text`.
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_mappings_read() {
        for name in BUILT_IN {
            let text = match name {
                "events" => include_str!("mappings/events.toml"),
                _ => include_str!("mappings/anonymous-bank.toml"),
            };
            let m = Mapping::from_toml(text, name).expect(name);
            assert_eq!(m.name, name);
        }
        assert_eq!(Mapping::anonymous_bank().delimiter, b'\t');
        assert_eq!(Mapping::anonymous_bank().priority("2"), Some(2));
        assert_eq!(Mapping::events().priority("high"), Some(2));
    }

    #[test]
    fn a_bad_mapping_says_where() {
        let e = Mapping::from_toml("[columns]\narrival = \"a\"\nnope = 1\n", "m.toml").unwrap_err();
        assert!(e.contains("line 3"), "{e}");
        assert!(e.contains("nope"), "{e}");
        let e = Mapping::from_toml("delimiter = \";;\"\n[columns]\narrival = \"a\"\n", "m")
            .unwrap_err();
        assert!(e.contains("delimiter"), "{e}");
        let e = Mapping::from_toml(
            "time_zone = \"Mars/Base\"\n[columns]\narrival = \"a\"\n",
            "m",
        )
        .unwrap_err();
        assert!(e.contains("time_zone"), "{e}");
    }
}
