//! Reading a contact log: rows streamed through a [`Mapping`] into typed [`Contact`]s, the unusable rows counted by reason.
//!
//! The file is read row by row with the `csv` crate (byte records, no
//! copy of the file), so memory stays flat whatever its length: what is
//! kept is one hash per row id (to find duplicates, when the mapping names
//! an `id`) and the distinct names of channels, types, agents and lines.
//! Every row read is either handed out as a [`Contact`] or counted under
//! one reason in [`RowCounts::dropped`] ([`DROP_REASONS`] lists them), so
//! `read = used + sum of dropped`, always.
//!
//! Errors that stop the reading (exit code 2 on the command line) name
//! the file, the row (1 is the header) and the column, and never quote a
//! cell: a column the mapping names that the header lacks, bytes that are
//! not UTF-8 in a cell that is read, a file that cannot be opened.

use super::mapping::{Mapping, TimeFormat};
use crate::error::{Error, Result};
use jiff::civil::{Date, DateTime, Time};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The reasons a row is left out, with what each means, in the order
/// they are checked (a row is counted under the first that applies).
pub const DROP_REASONS: [(&str, &str); 15] = [
    (
        "malformed_row",
        "the row has fewer cells than the columns the mapping reads",
    ),
    (
        "other_run",
        "a row of another run (scenario, replication) than the first row's",
    ),
    (
        "not_measured",
        "`measured` is false (the warm-up of a simulated run)",
    ),
    ("duplicate", "the same `id` cells as an earlier row"),
    (
        "phantom",
        "an outcome the mapping lists in `discard` (the bank's PHANTOM calls)",
    ),
    ("unknown_outcome", "an outcome the mapping does not list"),
    (
        "missing_time",
        "no arrival time, or no time to measure the wait from",
    ),
    (
        "unparsable_time",
        "a date or time not in the mapping's format",
    ),
    ("outside_period", "arrived before --from or after --to"),
    (
        "left_before_queue",
        "abandoned without joining the agents' queue (the bank's hang-ups in the voice-response unit): not an abandonment of the agents' queue",
    ),
    ("unparsable_number", "a seconds cell that is not a number"),
    ("negative_duration", "a negative wait or handling time"),
    (
        "served_without_agent",
        "answered, but no agent named (the bank's AGENT with NO_SERVER)",
    ),
    ("zero_handle", "answered with a handling time of zero"),
    (
        "unknown_priority",
        "a priority cell the mapping does not list",
    ),
];

/// How a contact ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// An agent answered it.
    Answered,
    /// The customer left before an answer.
    Abandoned,
    /// Still waiting when the log ends: its wait is a lower bound.
    Open,
}

/// One usable row of a contact log.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contact {
    /// The row in the file (1 is the header).
    pub row: u64,
    /// When it joined the agents' queue (the desk's local time).
    pub arrival: DateTime,
    /// How it ended.
    pub outcome: Outcome,
    /// Seconds from arrival to the answer (answered), to leaving
    /// (abandoned), or waited so far (open), zero or more.
    pub wait: f64,
    /// Seconds of the first handling (answered rows whose handling is
    /// known), more than zero.
    pub handle: Option<f64>,
    /// The channel, an index into [`ContactReader::channels`] (`calls`
    /// when the log has no channel column).
    pub channel: u32,
    /// The ticket type, an index into [`ContactReader::types`].
    pub ticket_type: Option<u32>,
    /// The agent who answered, an index into [`ContactReader::agents`].
    pub agent: Option<u32>,
    /// The line or group that answered, an index into [`ContactReader::lines`].
    pub line: Option<u32>,
    /// The priority, an index into [`crate::scenario::PRIORITIES`].
    pub priority: Option<u8>,
    /// From a key client, when the log says.
    pub key_client: Option<bool>,
    /// The customer, as a number (the id itself when it is one, else a
    /// hash of it); `None` when unidentified.
    pub customer: Option<u64>,
}

/// Distinct names met in one column, numbered in order of appearance.
#[derive(Debug, Clone, Default)]
pub struct Names {
    list: Vec<String>,
    index: HashMap<String, u32>,
}

impl Names {
    /// The number of a name, adding it when new.
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(name.to_string());
        self.index.insert(name.to_string(), i);
        i
    }

    /// The name numbered `i` (empty when there is none).
    pub fn name(&self, i: u32) -> &str {
        self.list.get(i as usize).map_or("", |s| s.as_str())
    }

    /// Every name, by number.
    pub fn all(&self) -> &[String] {
        &self.list
    }

    /// The number of distinct names.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// True when no name was met.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// Rows read, used and left out by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RowCounts {
    /// Data rows read (the header not counted).
    pub read: u64,
    /// Rows handed out as contacts.
    pub used: u64,
    /// Rows left out, by reason (see [`DROP_REASONS`]); only reasons met.
    pub dropped: BTreeMap<String, u64>,
    /// For each reason met: the first row (1 is the header) and the
    /// column at fault (empty when the row as a whole).
    #[serde(skip)]
    pub first: BTreeMap<String, (u64, String)>,
}

impl RowCounts {
    /// Rows left out, all reasons together.
    pub fn dropped_total(&self) -> u64 {
        self.dropped.values().sum()
    }
}

/// Options of the reading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// First day kept (arrival date), inclusive.
    pub from: Option<Date>,
    /// Last day kept (arrival date), inclusive.
    pub to: Option<Date>,
}

/// Column indices of the mapped fields.
#[derive(Debug, Default)]
struct Cols {
    arrival: usize,
    date: Option<usize>,
    queued_at: Option<usize>,
    answered_at: Option<usize>,
    abandoned_at: Option<usize>,
    ended_at: Option<usize>,
    wait_seconds: Option<usize>,
    handle_seconds: Option<usize>,
    outcome: Option<usize>,
    channel: Option<usize>,
    ticket_type: Option<usize>,
    agent: Option<usize>,
    line: Option<usize>,
    customer: Option<usize>,
    priority: Option<usize>,
    key_client: Option<usize>,
    id: Vec<usize>,
    run: Vec<usize>,
    measured: Option<usize>,
    /// The largest index read, plus one.
    width: usize,
}

/// A row left out: its reason and the column at fault.
struct Drop(&'static str, usize);

/// Reads a contact log row by row: [`ContactReader::next_contact`] (or the
/// iterator) gives the usable rows as [`Contact`]s and counts the others.
pub struct ContactReader<R: Read> {
    path: PathBuf,
    mapping: Mapping,
    options: ReadOptions,
    reader: csv::Reader<R>,
    header: Vec<String>,
    record: csv::ByteRecord,
    cols: Cols,
    counts: RowCounts,
    channels: Names,
    types: Names,
    agents: Names,
    lines: Names,
    ids: HashSet<u64>,
    run: Option<u64>,
    /// The last date cell read and its value.
    date_cache: (Vec<u8>, Option<Date>),
    /// The first and last arrival dates of the rows used.
    span: Option<(Date, Date)>,
    /// An error met after the last contact handed out (the iterator ends there).
    done: bool,
}

impl<R: Read> std::fmt::Debug for ContactReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContactReader")
            .field("path", &self.path)
            .field("mapping", &self.mapping.name)
            .field("counts", &self.counts)
            .finish_non_exhaustive()
    }
}

impl ContactReader<std::fs::File> {
    /// Opens the log at `path` (a regular file; a pipe or device is
    /// refused), reads its header and checks that every column the
    /// mapping names is there.
    pub fn open(path: &Path, mapping: &Mapping, options: ReadOptions) -> Result<Self> {
        let read_err = |source: std::io::Error| Error::Read {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(read_err)?;
        if !meta.is_file() {
            return Err(read_err(std::io::Error::other(
                "not a regular file; staffsim reads a contact log only from a regular file",
            )));
        }
        let file = crate::scenario::open_no_wait(path).map_err(read_err)?;
        if !file.metadata().map_err(read_err)?.is_file() {
            return Err(read_err(std::io::Error::other(
                "not a regular file; staffsim reads a contact log only from a regular file",
            )));
        }
        ContactReader::from_reader(file, path, mapping, options)
    }
}

impl<R: Read> ContactReader<R> {
    /// Reads a log from `reader`; `path` names it in messages.
    pub fn from_reader(
        reader: R,
        path: &Path,
        mapping: &Mapping,
        options: ReadOptions,
    ) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(mapping.delimiter)
            .flexible(true)
            .has_headers(false)
            .buffer_capacity(1 << 16)
            .from_reader(reader);
        let mut first = csv::ByteRecord::new();
        let err = |row: u64, column: &str, message: String| Error::Log {
            path: path.to_path_buf(),
            row,
            column: column.to_string(),
            message,
        };
        let got = reader
            .read_byte_record(&mut first)
            .map_err(|e| err(1, "", csv_message(&e)))?;
        if !got {
            return Err(err(
                0,
                "",
                "the file is empty: a contact log starts with a header line naming its columns"
                    .into(),
            ));
        }
        let mut header = Vec::with_capacity(first.len());
        for (i, cell) in first.iter().enumerate() {
            let text = std::str::from_utf8(cell)
                .map_err(|_| err(1, "", format!("header cell {} is not UTF-8 text", i + 1)))?;
            // a byte-order mark before the first name
            let text = text.trim_start_matches('\u{feff}').trim();
            header.push(text.to_string());
        }
        let find = |name: &str, key: &str| -> Result<usize> {
            header.iter().position(|h| h == name).ok_or_else(|| {
                let hint = header
                    .iter()
                    .map(|h| (strsim::levenshtein(h, name), h))
                    .filter(|(d, _)| *d <= 2)
                    .min()
                    .map(|(_, c)| format!(" (did you mean \"{c}\"?)"))
                    .unwrap_or_default();
                err(
                    1,
                    name,
                    format!(
                        "the mapping ({}) names this column for `{key}`, and the header has no such column{hint}; check the delimiter and the mapping",
                        mapping.name
                    ),
                )
            })
        };
        let c = &mapping.columns;
        let opt = |name: &Option<String>, key: &str| -> Result<Option<usize>> {
            name.as_deref().map(|n| find(n, key)).transpose()
        };
        let mut cols = Cols {
            arrival: find(&c.arrival, "columns.arrival")?,
            date: opt(&c.date, "columns.date")?,
            queued_at: opt(&c.queued_at, "columns.queued_at")?,
            answered_at: opt(&c.answered_at, "columns.answered_at")?,
            abandoned_at: opt(&c.abandoned_at, "columns.abandoned_at")?,
            ended_at: opt(&c.ended_at, "columns.ended_at")?,
            wait_seconds: opt(&c.wait_seconds, "columns.wait_seconds")?,
            handle_seconds: opt(&c.handle_seconds, "columns.handle_seconds")?,
            outcome: opt(&c.outcome, "columns.outcome")?,
            channel: opt(&c.channel, "columns.channel")?,
            ticket_type: opt(&c.ticket_type, "columns.type")?,
            agent: opt(&c.agent, "columns.agent")?,
            line: opt(&c.line, "columns.line")?,
            customer: opt(&c.customer, "columns.customer")?,
            priority: opt(&c.priority, "columns.priority")?,
            key_client: opt(&c.key_client, "columns.key_client")?,
            id: c
                .id
                .iter()
                .map(|n| find(n, "columns.id"))
                .collect::<Result<_>>()?,
            run: c
                .run
                .iter()
                .map(|n| find(n, "columns.run"))
                .collect::<Result<_>>()?,
            measured: opt(&c.measured, "columns.measured")?,
            width: 0,
        };
        cols.width = [
            Some(cols.arrival),
            cols.date,
            cols.queued_at,
            cols.answered_at,
            cols.abandoned_at,
            cols.ended_at,
            cols.wait_seconds,
            cols.handle_seconds,
            cols.outcome,
            cols.channel,
            cols.ticket_type,
            cols.agent,
            cols.line,
            cols.customer,
            cols.priority,
            cols.key_client,
            cols.measured,
        ]
        .into_iter()
        .flatten()
        .chain(cols.id.iter().copied())
        .chain(cols.run.iter().copied())
        .max()
        .unwrap_or(0)
            + 1;
        let mut channels = Names::default();
        if cols.channel.is_none() {
            channels.intern("calls");
        }
        Ok(ContactReader {
            path: path.to_path_buf(),
            mapping: mapping.clone(),
            options,
            reader,
            header,
            record: csv::ByteRecord::with_capacity(1024, 64),
            cols,
            counts: RowCounts::default(),
            channels,
            types: Names::default(),
            agents: Names::default(),
            lines: Names::default(),
            ids: HashSet::new(),
            run: None,
            date_cache: (Vec::new(), None),
            span: None,
            done: false,
        })
    }

    /// The file, as named.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The mapping read with.
    pub fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    /// The header's column names.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Rows read, used and left out so far.
    pub fn counts(&self) -> &RowCounts {
        &self.counts
    }

    /// The channels met (`calls` alone when the log has no channel column).
    pub fn channels(&self) -> &Names {
        &self.channels
    }

    /// The ticket types met.
    pub fn types(&self) -> &Names {
        &self.types
    }

    /// The agents met.
    pub fn agents(&self) -> &Names {
        &self.agents
    }

    /// The lines met.
    pub fn lines(&self) -> &Names {
        &self.lines
    }

    /// True when the mapping reads a channel column.
    pub fn has_channels(&self) -> bool {
        self.cols.channel.is_some()
    }

    /// True when the mapping reads a customer column.
    pub fn has_customers(&self) -> bool {
        self.cols.customer.is_some()
    }

    /// The first and last arrival dates of the contacts handed out so far.
    pub fn span(&self) -> Option<(Date, Date)> {
        self.span
    }

    /// The column named at index `i` (for messages).
    fn column(&self, i: usize) -> String {
        self.header.get(i).cloned().unwrap_or_default()
    }

    fn error(&self, column: usize, message: impl Into<String>) -> Error {
        Error::Log {
            path: self.path.clone(),
            row: self.counts.read + 1,
            column: if column == usize::MAX {
                String::new()
            } else {
                self.column(column)
            },
            message: message.into(),
        }
    }

    /// The next usable contact, `None` at the end of the file; rows left
    /// out on the way are counted. An error stops the reading.
    pub fn next_contact(&mut self) -> Result<Option<Contact>> {
        if self.done {
            return Ok(None);
        }
        loop {
            let got = self.reader.read_byte_record(&mut self.record);
            let got = match got {
                Ok(g) => g,
                Err(e) => {
                    self.done = true;
                    return Err(self.error(usize::MAX, csv_message(&e)));
                }
            };
            if !got {
                self.done = true;
                return Ok(None);
            }
            // a blank line is no row
            if self.record.len() == 1 && self.record[0].is_empty() {
                continue;
            }
            self.counts.read += 1;
            match self.row() {
                Ok(Ok(c)) => {
                    self.counts.used += 1;
                    let d = c.arrival.date();
                    self.span = Some(match self.span {
                        None => (d, d),
                        Some((a, b)) => (a.min(d), b.max(d)),
                    });
                    return Ok(Some(c));
                }
                Ok(Err(Drop(reason, col))) => {
                    *self.counts.dropped.entry(reason.to_string()).or_insert(0) += 1;
                    if !self.counts.first.contains_key(reason) {
                        let column = if col == usize::MAX {
                            String::new()
                        } else {
                            self.column(col)
                        };
                        self.counts
                            .first
                            .insert(reason.to_string(), (self.counts.read + 1, column));
                    }
                }
                Err(e) => {
                    self.done = true;
                    return Err(e);
                }
            }
        }
    }

    /// The text of cell `i` (trimmed); an error when it is not UTF-8.
    fn cell(&self, i: usize) -> Result<&str> {
        let bytes = self.record.get(i).unwrap_or_default();
        std::str::from_utf8(bytes).map(str::trim).map_err(|e| {
            self.error(
                i,
                format!(
                    "the cell is not UTF-8 text (byte {} of the cell); save the file as UTF-8",
                    e.valid_up_to() + 1
                ),
            )
        })
    }

    fn opt_cell(&self, i: Option<usize>) -> Result<Option<&str>> {
        match i {
            None => Ok(None),
            Some(i) => self.cell(i).map(|s| (!s.is_empty()).then_some(s)),
        }
    }

    /// A hash of cells `cols` of the row.
    fn hash_cells(&self, cols: &[usize]) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for &i in cols {
            self.record.get(i).unwrap_or_default().hash(&mut h);
            0xffu8.hash(&mut h);
        }
        h.finish()
    }

    /// The date of the row's date cell (cached: dates repeat).
    fn row_date(&mut self, i: usize) -> Result<std::result::Result<Date, Drop>> {
        let bytes = self.record.get(i).unwrap_or_default();
        if self.date_cache.0 != bytes || self.date_cache.0.is_empty() {
            let text = self.cell(i)?;
            let parsed = if text.is_empty() {
                None
            } else {
                jiff::fmt::strtime::parse(&self.mapping.date_format, text)
                    .and_then(|t| t.to_date())
                    .ok()
            };
            let bytes = self.record.get(i).unwrap_or_default().to_vec();
            self.date_cache = (bytes, parsed);
        }
        Ok(match self.date_cache.1 {
            Some(d) => Ok(d),
            None if self.record.get(i).unwrap_or_default().is_empty() => {
                Err(Drop("missing_time", i))
            }
            None => Err(Drop("unparsable_time", i)),
        })
    }

    /// True when the time cell `text` means "did not happen".
    fn is_empty_time(&self, text: &str) -> bool {
        text.is_empty() || self.mapping.empty_times.iter().any(|e| e == text)
    }

    /// A date-time cell: `Ok(None)` when empty, a drop when unparsable.
    /// With a date column, the cell is a clock time on `date`, the next
    /// day when that would fall before `after`.
    fn time_cell(
        &self,
        i: usize,
        date: Option<Date>,
        after: Option<DateTime>,
    ) -> Result<std::result::Result<Option<DateTime>, Drop>> {
        let text = self.cell(i)?;
        if self.is_empty_time(text) {
            return Ok(Ok(None));
        }
        let parsed = match date {
            Some(d) => jiff::fmt::strtime::parse(&self.mapping.time_format, text)
                .and_then(|t| t.to_time())
                .ok()
                .map(|t: Time| {
                    let dt = d.to_datetime(t);
                    match after {
                        Some(a) if dt < a => {
                            dt.checked_add(jiff::Span::new().days(1)).unwrap_or(dt)
                        }
                        _ => dt,
                    }
                }),
            None => parse_datetime(&self.mapping.datetime_format, &self.mapping, text),
        };
        Ok(parsed.map(Some).ok_or(Drop("unparsable_time", i)))
    }

    /// A seconds cell: `Ok(None)` when empty or unmapped.
    fn seconds_cell(&self, i: Option<usize>) -> Result<std::result::Result<Option<f64>, Drop>> {
        let Some(i) = i else { return Ok(Ok(None)) };
        let text = self.cell(i)?;
        if text.is_empty() {
            return Ok(Ok(None));
        }
        Ok(match text.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Some(x)),
            _ => Err(Drop("unparsable_number", i)),
        })
    }

    /// The current row as a contact, or the reason it is left out.
    fn row(&mut self) -> Result<std::result::Result<Contact, Drop>> {
        macro_rules! drop_if {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(d) => return Ok(Err(d)),
                }
            };
        }
        if self.record.len() < self.cols.width {
            return Ok(Err(Drop("malformed_row", usize::MAX)));
        }
        let row = self.counts.read + 1;
        if !self.cols.run.is_empty() {
            let h = self.hash_cells(&self.cols.run);
            match self.run {
                None => self.run = Some(h),
                Some(r) if r != h => return Ok(Err(Drop("other_run", self.cols.run[0]))),
                _ => {}
            }
        }
        if let Some(m) = self.opt_cell(self.cols.measured)?
            && matches!(m, "false" | "0" | "no")
        {
            return Ok(Err(Drop("not_measured", self.cols.measured.unwrap_or(0))));
        }
        if !self.cols.id.is_empty() {
            let h = self.hash_cells(&self.cols.id);
            if !self.ids.insert(h) {
                return Ok(Err(Drop("duplicate", self.cols.id[0])));
            }
        }
        // outcome
        let outcome = match self.cols.outcome {
            Some(i) => {
                let o = self.cell(i)?;
                let oc = &self.mapping.outcomes;
                if oc.answered.iter().any(|w| w == o) {
                    Outcome::Answered
                } else if oc.abandoned.iter().any(|w| w == o) {
                    Outcome::Abandoned
                } else if oc.open.iter().any(|w| w == o) {
                    Outcome::Open
                } else if oc.discard.iter().any(|w| w == o) {
                    return Ok(Err(Drop("phantom", i)));
                } else {
                    return Ok(Err(Drop("unknown_outcome", i)));
                }
            }
            None => {
                let answered = match self.cols.answered_at {
                    Some(i) => !self.is_empty_time(self.cell(i)?),
                    None => self.opt_cell(self.cols.handle_seconds)?.is_some(),
                };
                if answered {
                    Outcome::Answered
                } else {
                    Outcome::Abandoned
                }
            }
        };
        // arrival
        let date = match self.cols.date {
            Some(i) => Some(drop_if!(self.row_date(i)?)),
            None => None,
        };
        let arrival = match drop_if!(self.time_cell(self.cols.arrival, date, None)?) {
            Some(a) => a,
            None => return Ok(Err(Drop("missing_time", self.cols.arrival))),
        };
        let day = arrival.date();
        if self.options.from.is_some_and(|f| day < f) || self.options.to.is_some_and(|t| day > t) {
            return Ok(Err(Drop("outside_period", self.cols.arrival)));
        }
        if outcome == Outcome::Abandoned
            && let Some(q) = self.cols.queued_at
            && self.is_empty_time(self.cell(q)?)
        {
            return Ok(Err(Drop("left_before_queue", q)));
        }
        // wait
        let wait = match drop_if!(self.seconds_cell(self.cols.wait_seconds)?) {
            Some(w) => w,
            None => {
                let col = match outcome {
                    Outcome::Answered => self.cols.answered_at,
                    Outcome::Abandoned => self.cols.abandoned_at,
                    Outcome::Open => None,
                };
                let Some(col) = col else {
                    return Ok(Err(Drop(
                        "missing_time",
                        self.cols.wait_seconds.unwrap_or(usize::MAX),
                    )));
                };
                match drop_if!(self.time_cell(col, date, Some(arrival))?) {
                    Some(t) => seconds_between(arrival, t),
                    None => return Ok(Err(Drop("missing_time", col))),
                }
            }
        };
        if wait < 0.0 {
            return Ok(Err(Drop(
                "negative_duration",
                self.cols.wait_seconds.unwrap_or(self.cols.arrival),
            )));
        }
        // the answer
        let mut agent = None;
        let mut handle = None;
        if outcome == Outcome::Answered {
            if let Some(i) = self.cols.agent {
                let a = self.cell(i)?;
                if a.is_empty() || self.mapping.values.no_agent.iter().any(|n| n == a) {
                    return Ok(Err(Drop("served_without_agent", i)));
                }
                agent = Some(self.agents_intern(i)?);
            }
            handle = match drop_if!(self.seconds_cell(self.cols.handle_seconds)?) {
                Some(h) => Some(h),
                None => match (self.cols.answered_at, self.cols.ended_at) {
                    (Some(a), Some(e)) => {
                        let start = drop_if!(self.time_cell(a, date, Some(arrival))?);
                        match start {
                            Some(s) => drop_if!(self.time_cell(e, date, Some(s))?)
                                .map(|end| seconds_between(s, end)),
                            None => None,
                        }
                    }
                    _ => None,
                },
            };
            let col = self
                .cols
                .handle_seconds
                .or(self.cols.ended_at)
                .unwrap_or(usize::MAX);
            match handle {
                Some(h) if h < 0.0 => return Ok(Err(Drop("negative_duration", col))),
                Some(0.0) => return Ok(Err(Drop("zero_handle", col))),
                _ => {}
            }
        }
        let priority = match self.opt_cell(self.cols.priority)? {
            None => None,
            Some(p) => match self.mapping.priority(p) {
                Some(i) => Some(i),
                None => {
                    return Ok(Err(Drop(
                        "unknown_priority",
                        self.cols.priority.unwrap_or(0),
                    )));
                }
            },
        };
        let channel = match self.cols.channel {
            Some(i) => {
                let name = self.cell(i)?.to_string();
                if name.is_empty() {
                    self.channels.intern("calls")
                } else {
                    self.channels.intern(&name)
                }
            }
            None => 0,
        };
        let ticket_type = match self.opt_cell(self.cols.ticket_type)? {
            Some(t) => {
                let t = t.to_string();
                Some(self.types.intern(&t))
            }
            None => None,
        };
        let line = match self.opt_cell(self.cols.line)? {
            Some(l) => {
                let l = l.to_string();
                Some(self.lines.intern(&l))
            }
            None => None,
        };
        let key_client = match self.opt_cell(self.cols.key_client)? {
            Some("true" | "1" | "yes") => Some(true),
            Some("false" | "0" | "no") => Some(false),
            _ => None,
        };
        let customer = match self.opt_cell(self.cols.customer)? {
            Some(c) if !self.mapping.values.no_customer.iter().any(|n| n == c) => {
                Some(c.parse::<u64>().unwrap_or_else(|_| {
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    c.hash(&mut h);
                    h.finish()
                }))
            }
            _ => None,
        };
        Ok(Ok(Contact {
            row,
            arrival,
            outcome,
            wait,
            handle,
            channel,
            ticket_type,
            agent,
            line,
            priority,
            key_client,
            customer,
        }))
    }

    fn agents_intern(&mut self, i: usize) -> Result<u32> {
        let a = self.cell(i)?.to_string();
        Ok(self.agents.intern(&a))
    }
}

impl<R: Read> Iterator for ContactReader<R> {
    type Item = Result<Contact>;

    fn next(&mut self) -> Option<Result<Contact>> {
        self.next_contact().transpose()
    }
}

/// Seconds from `a` to `b` (negative when `b` is earlier).
fn seconds_between(a: DateTime, b: DateTime) -> f64 {
    b.duration_since(a).as_secs_f64()
}

/// A date-time cell without a date column.
fn parse_datetime(format: &TimeFormat, mapping: &Mapping, text: &str) -> Option<DateTime> {
    match format {
        TimeFormat::Iso => crate::scenario::replay::parse_datetime(text).or_else(|| {
            let zone = mapping.time_zone.as_ref()?;
            let ts: jiff::Timestamp = text.trim().parse().ok()?;
            Some(zone.to_datetime(ts))
        }),
        TimeFormat::Strftime(f) => {
            let tm = jiff::fmt::strtime::parse(f, text).ok()?;
            if tm.offset().is_some() {
                let zone = mapping.time_zone.as_ref()?;
                let ts = tm.to_timestamp().ok()?;
                Some(zone.to_datetime(ts))
            } else {
                tm.to_datetime().ok()
            }
        }
    }
}

/// The csv crate's error in words, without the row's cells.
fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => format!("cannot read: {io}"),
        csv::ErrorKind::Utf8 { err, .. } => format!(
            "cell {} is not UTF-8 text; save the file as UTF-8",
            err.field() + 1
        ),
        _ => "the file is not readable as delimited text".into(),
    }
}

/// Reads a whole log at `path` with `mapping`, calling `each` on every
/// usable contact; gives the counts and the reader (for its names).
pub fn read_log(
    path: &Path,
    mapping: &Mapping,
    options: ReadOptions,
    mut each: impl FnMut(&Contact, &ContactReader<std::fs::File>),
) -> Result<ContactReader<std::fs::File>> {
    let mut reader = ContactReader::open(path, mapping, options)?;
    while let Some(c) = reader.next_contact()? {
        each(&c, &reader);
    }
    Ok(reader)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, mapping: &Mapping) -> (Vec<Contact>, RowCounts) {
        let mut r = ContactReader::from_reader(
            text.as_bytes(),
            Path::new("log.csv"),
            mapping,
            ReadOptions::default(),
        )
        .expect("header");
        let mut out = Vec::new();
        while let Some(c) = r.next_contact().expect("row") {
            out.push(c);
        }
        (out, r.counts().clone())
    }

    const BANK_HEADER: &str = "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver\n";

    #[test]
    fn bank_rows_are_read_and_dropped_by_reason() {
        let rows = [
            "AA0101\t1\t0\t0\tPS\t990201\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\tAGENT\t7:02:55\t7:05:41\t166\tDORIT",
            "AA0101\t2\t0\t0\tPS\t990201\t7:31:45\t7:31:55\t10\t0:00:00\t0:00:00\t0\tAGENT\t7:31:54\t7:31:59\t5\tNO_SERVER",
            "AA0101\t3\t23317894\t2\tPS\t990201\t8:09:16\t8:09:22\t6\t8:09:22\t8:09:27\t5\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
            "AA0101\t4\t0\t0\tNW\t990206\t19:04:53\t19:05:31\t38\t0:00:00\t0:00:00\t0\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
            "AA0101\t5\t0\t0\tNW\t990209\t13:53:36\t13:53:46\t10\t13:53:46\t13:54:10\t24\tPHANTOM\t13:54:09\t13:54:13\t4\tNO_SERVER",
            "AA0101\t6\t24442634\t2\tPS\t990202\t13:44:47\t13:44:53\t6\t13:44:53\t13:45:06\t13\tAGENT\t0:00:00\t0:00:00\t0\tYIFAT",
            "AA0101\t1\t0\t0\tPS\t990201\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\tAGENT\t7:02:55\t7:05:41\t166\tDORIT",
            "AA0101\t7\t0\t0\tPS\t990201\t7h02\t7h03\t9\t0:00:00\t0:00:00\t0\tAGENT\t7:02:55\t7:05:41\t166\tDORIT",
            "AA0101\t8\t0",
        ];
        let text = format!("{BANK_HEADER}{}\n", rows.join("\n"));
        let (contacts, counts) = read(&text, &Mapping::anonymous_bank());
        assert_eq!(counts.read, 9);
        assert_eq!(counts.used, 2);
        assert_eq!(counts.used + counts.dropped_total(), counts.read);
        for (reason, n) in [
            ("served_without_agent", 1),
            ("left_before_queue", 1),
            ("phantom", 1),
            ("zero_handle", 1),
            ("duplicate", 1),
            ("unparsable_time", 1),
            ("malformed_row", 1),
        ] {
            assert_eq!(counts.dropped.get(reason), Some(&n), "{reason}: {counts:?}");
        }
        let served = contacts[0];
        assert_eq!(served.outcome, Outcome::Answered);
        assert_eq!(served.arrival.to_string(), "1999-02-01T07:02:56");
        assert_eq!(served.handle, Some(166.0));
        assert_eq!(served.wait, 0.0);
        let hang = contacts[1];
        assert_eq!(hang.outcome, Outcome::Abandoned);
        assert_eq!(hang.wait, 5.0);
        assert_eq!(hang.priority, Some(2));
        assert_eq!(hang.customer, Some(23317894));
        assert_eq!(counts.first.get("unparsable_time").map(|f| f.0), Some(9));
    }

    #[test]
    fn a_missing_column_and_bad_bytes_are_errors_with_row_and_column() {
        let m = Mapping::anonymous_bank();
        let e = ContactReader::from_reader(
            "a\tb\n1\t2\n".as_bytes(),
            Path::new("x.tsv"),
            &m,
            ReadOptions::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("x.tsv: row 1, column \"vru_exit\""), "{e}");
        let mut bytes = BANK_HEADER.as_bytes().to_vec();
        bytes.extend_from_slice(
            b"AA0101\t1\t0\t0\tPS\t990201\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\tAGENT\t7:02:55\t7:05:41\t166\tD\xffRIT\n",
        );
        let mut r =
            ContactReader::from_reader(&bytes[..], Path::new("x.tsv"), &m, ReadOptions::default())
                .expect("header");
        let e = r.next_contact().unwrap_err().to_string();
        assert!(e.contains("row 2, column \"server\""), "{e}");
        assert!(!e.contains("RIT"), "{e}");
    }

    #[test]
    fn generic_times_without_seconds_columns() {
        let m = Mapping::from_toml(
            "datetime_format = \"%d/%m/%Y %H:%M:%S\"\n[columns]\narrival = \"in\"\nanswered_at = \"ans\"\nended_at = \"end\"\nagent = \"who\"\n",
            "m",
        )
        .expect("mapping");
        let text = "in,ans,end,who\n01/02/1999 23:59:00,01/02/1999 23:59:30,02/02/1999 00:03:30,ann\n01/02/1999 10:00:00,,,\n";
        let (c, counts) = read(text, &m);
        assert_eq!(counts.used, 1, "{counts:?}");
        assert_eq!(c[0].wait, 30.0);
        assert_eq!(c[0].handle, Some(240.0));
        assert_eq!(c[0].outcome, Outcome::Answered);
        // abandoned, and nothing to measure its wait from
        assert_eq!(counts.dropped.get("missing_time"), Some(&1));
    }
}
