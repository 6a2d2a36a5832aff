//! The event log (`run --events FILE.csv`): one CSV row per contact of the chosen replications, streamed as the run goes.
//!
//! Every logged replication writes its rows through a buffered `csv`
//! writer (serde rows) into a part file of its own, on the thread that
//! runs it; the parts are appended to the log in run order, so the file is
//! the same byte for byte on one thread or many, and memory stays flat
//! whatever the number of rows. The log itself is written under a hidden
//! temporary name beside the file and renamed into place at the end, so a
//! run that is killed or fails leaves no file that could pass for a
//! complete log. The columns are documented in `docs/format.md`
//! ([`COLUMNS`]).

use crate::engine::SimTime;
use crate::error::{Error, Result};
use crate::experiment::ContactLog;
use crate::model::{Contact, ContactSink, Outcome};
use crate::scenario::{PRIORITIES, Scenario};
use serde::Serialize;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Read, Seek, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The columns of the event log, in order (its header line).
pub const COLUMNS: [&str; 33] = [
    "scenario",
    "replication",
    "contact_id",
    "customer_id",
    "attempt",
    "retry_of",
    "channel",
    "type",
    "priority",
    "key_client",
    "measured",
    "arrival",
    "outcome",
    "wait_seconds",
    "answered_at",
    "abandoned_at",
    "retry_at",
    "first_line",
    "first_agent",
    "handle_seconds",
    "first_wrap_up_seconds",
    "handlings",
    "talk_seconds",
    "wrap_up_seconds",
    "escalations",
    "misroutes",
    "last_line",
    "vendor_line",
    "vendor_sent_at",
    "vendor_returned_at",
    "resolved_at",
    "resolution_seconds",
    "legs",
];

/// Which replications the event log holds (`--events-replications`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Replications {
    /// The first replication of each scenario (`first`, the default).
    #[default]
    First,
    /// Every replication (`all`).
    All,
    /// The first N replications of each scenario (a number).
    Count(u64),
}

impl Replications {
    /// Reads `first`, `all` or a whole number of at least 1.
    pub fn parse(text: &str) -> std::result::Result<Replications, String> {
        match text.trim() {
            "first" => Ok(Replications::First),
            "all" => Ok(Replications::All),
            t => match t.parse::<u64>() {
                Ok(n) if n >= 1 => Ok(Replications::Count(n)),
                _ => Err(format!(
                    "\"{text}\" is not one of first, all, or a number of replications (1 or more)"
                )),
            },
        }
    }

    /// True when replication `replication` (from 0) is logged.
    pub fn wants(self, replication: u64) -> bool {
        match self {
            Replications::First => replication == 0,
            Replications::All => true,
            Replications::Count(n) => replication < n,
        }
    }
}

fn refused(path: &Path, message: impl Into<String>) -> Error {
    Error::OutputRefused {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + use<> {
    let path = path.to_path_buf();
    move |source| Error::Write { path, source }
}

/// The header line, as written.
fn header() -> String {
    let mut h = COLUMNS.join(",");
    h.push('\n');
    h
}

/// True when `path` is an event log staffsim wrote: it starts with the
/// header line.
fn is_event_log(path: &Path) -> bool {
    let want = header();
    let mut start = vec![0; want.len()];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut start))
        .is_ok_and(|_| start == want.as_bytes())
}

/// The event log being written: a hidden temporary file beside its place,
/// renamed into place by [`EventLog::finish`].
pub struct EventLog {
    path: PathBuf,
    dir: PathBuf,
    prefix: String,
    which: Replications,
    replace: bool,
    out: BufWriter<tempfile::NamedTempFile>,
}

impl std::fmt::Debug for EventLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventLog")
            .field("path", &self.path)
            .field("which", &self.which)
            .finish_non_exhaustive()
    }
}

impl EventLog {
    /// Starts the event log at `path` for the replications `which`, before
    /// the run: refuses (as bad input) a path that names no file, whose
    /// folder does not exist, that is a directory or anything but a plain
    /// file, and an existing file unless `force` — and then only when
    /// staffsim wrote it (it starts with the event log's header); anything
    /// else of the user's is never replaced. Creates the temporary file
    /// beside it and writes the header.
    ///
    /// With `staging`, the temporary files go there instead, and the
    /// file's folder need not exist yet: for a log inside a results
    /// directory that is written whole and swapped in (`run --out DIR
    /// --events DIR/events.csv`); `staging` must be on the same file system
    /// (the directory's parent), and the log is placed once the directory is.
    pub fn create(
        path: &Path,
        force: bool,
        which: Replications,
        staging: Option<&Path>,
    ) -> Result<EventLog> {
        let name = match path.file_name() {
            Some(n) if !path.as_os_str().to_string_lossy().ends_with('/') => {
                n.to_string_lossy().into_owned()
            }
            _ => {
                return Err(refused(
                    path,
                    "names no file: --events takes a file name, such as events.csv",
                ));
            }
        };
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let dir = match staging {
            Some(s) => s.to_path_buf(),
            None => dir,
        };
        if !dir.is_dir() {
            return Err(refused(
                &dir,
                "the folder of the --events file does not exist (or is not a folder)",
            ));
        }
        let mut replace = false;
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_dir() => {
                return Err(refused(
                    path,
                    "is a directory: --events takes a file name, such as events.csv",
                ));
            }
            Ok(m) if !m.file_type().is_file() => {
                return Err(refused(
                    path,
                    "is not a plain file (a link, a device, a pipe): give --events the name of a new file",
                ));
            }
            Ok(_) if !force => {
                return Err(refused(
                    path,
                    "exists; pass --force to replace it (an event log staffsim wrote is replaced, nothing else)",
                ));
            }
            Ok(_) if !is_event_log(path) => {
                return Err(refused(
                    path,
                    "is not an event log staffsim wrote (its first line is not the event log's header), \
                     and --force replaces only those: move it or choose another --events",
                ));
            }
            Ok(_) => replace = true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(refused(path, format!("cannot be checked: {e}"))),
        }
        let prefix = format!(".{name}.staffsim-");
        let tmp = temp_file(&dir, &prefix).map_err(|e| {
            refused(
                path,
                format!("cannot be written (a temporary file beside it could not be made: {e})"),
            )
        })?;
        let mut out = BufWriter::with_capacity(1 << 16, tmp);
        out.write_all(header().as_bytes())
            .map_err(write_err(path))?;
        Ok(EventLog {
            path: path.to_path_buf(),
            dir,
            prefix,
            which,
            replace,
            out,
        })
    }

    /// The file the log goes to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes out the rest, syncs, and renames the log into place. A file
    /// that appeared there during the run (not the one replaced with
    /// `--force`) is not overwritten.
    pub fn finish(self) -> Result<()> {
        let path = self.path;
        let tmp = self
            .out
            .into_inner()
            .map_err(|e| write_err(&path)(e.into_error()))?;
        tmp.as_file().sync_all().map_err(write_err(&path))?;
        let placed = if self.replace {
            tmp.persist(&path).map(|_| ())
        } else {
            tmp.persist_noclobber(&path).map(|_| ())
        };
        placed.map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                refused(
                    &path,
                    "appeared during the run, and is not replaced: the event log was not written",
                )
            } else {
                write_err(&path)(e.error)
            }
        })?;
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// A hidden temporary file in `dir`, readable as a new file would be.
fn temp_file(dir: &Path, prefix: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // the process's umask applies, as to any new file
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b.tempfile_in(dir)
}

impl ContactLog for EventLog {
    type Part = Part;
    type Error = Error;

    fn wants(&self, _scenario: usize, replication: u64) -> bool {
        self.which.wants(replication)
    }

    fn part(&self, sc: &Scenario, _scenario: usize, replication: u64) -> Result<Part> {
        let tmp = temp_file(&self.dir, &format!("{}part-", self.prefix))
            .map_err(write_err(&self.path))?;
        let (file, tmp) = tmp.into_parts();
        Ok(Part {
            rows: Rows::new(sc, replication, file),
            path: self.path.clone(),
            _tmp: tmp,
        })
    }

    fn append(&mut self, part: Part) -> Result<()> {
        let Part {
            rows, path, _tmp, ..
        } = part;
        let mut file = rows.finish().map_err(write_err(&path))?;
        file.rewind().map_err(write_err(&path))?;
        std::io::copy(&mut file, &mut self.out).map_err(write_err(&path))?;
        // the part file goes with `_tmp`
        Ok(())
    }
}

/// One replication's rows, in a temporary file of their own until they
/// are appended to the log.
pub struct Part {
    rows: Rows<File>,
    path: PathBuf,
    _tmp: tempfile::TempPath,
}

impl ContactSink for Part {
    fn contact(&mut self, contact: &Contact) -> bool {
        self.rows.contact(contact)
    }
}

/// The names a row needs, ready to write.
struct Names {
    scenario: String,
    channels: Vec<String>,
    types: Vec<&'static str>,
    type_names: Vec<String>,
    lines: Vec<String>,
    /// Per line: an outside vendor.
    external: Vec<bool>,
    /// Line names as JSON strings, for the `legs` cell.
    lines_json: Vec<String>,
}

/// Writes contact records as event log rows (no header) into any writer,
/// through a buffered `csv` writer: the sink of one logged replication.
pub struct Rows<W: Write> {
    w: csv::Writer<W>,
    names: Names,
    replication: u64,
    origin: jiff::civil::DateTime,
    /// Microseconds from the midnight before the start to the start.
    origin_of_day: u64,
    /// The day (from the midnight before the start) last written, and its date.
    day: (u64, String),
    buf: String,
    /// The row's cells, filled by serde ([`Cells`]).
    record: csv::ByteRecord,
    /// Write through the csv crate's own serde serializer instead (the
    /// same bytes, slower: a test compares the two).
    serde_writer: bool,
    error: Option<std::io::Error>,
}

/// One row, as serde writes it: text cells prepared in a buffer.
#[derive(Serialize)]
struct Row<'a> {
    scenario: &'a str,
    replication: u64,
    contact_id: u64,
    customer_id: u64,
    attempt: u32,
    retry_of: Option<u64>,
    channel: &'a str,
    #[serde(rename = "type")]
    ticket_type: &'a str,
    priority: &'a str,
    key_client: bool,
    measured: bool,
    arrival: &'a str,
    outcome: &'a str,
    wait_seconds: &'a str,
    answered_at: &'a str,
    abandoned_at: &'a str,
    retry_at: &'a str,
    first_line: &'a str,
    first_agent: &'a str,
    handle_seconds: &'a str,
    first_wrap_up_seconds: &'a str,
    handlings: u32,
    talk_seconds: &'a str,
    wrap_up_seconds: &'a str,
    escalations: u32,
    misroutes: u32,
    last_line: &'a str,
    vendor_line: &'a str,
    vendor_sent_at: &'a str,
    vendor_returned_at: &'a str,
    resolved_at: &'a str,
    resolution_seconds: &'a str,
    legs: &'a str,
}

/// Seconds from whole microseconds, exactly, in the shortest decimal form
/// (`12`, `12.5`, `0.000001`): no float on the way, so the figure reads
/// back to the very value the run counted.
fn put_secs(buf: &mut String, us: u64) {
    buf.push_str(itoa::Buffer::new().format(us / 1_000_000));
    put_fraction(buf, us % 1_000_000);
}

/// `.` and the microseconds `frac` (below 1,000,000) without trailing
/// zeros; nothing when zero (as jiff writes a time's fraction).
#[inline]
fn put_fraction(buf: &mut String, frac: u64) {
    if frac == 0 {
        return;
    }
    let mut itoa = itoa::Buffer::new();
    let digits = itoa.format(frac);
    buf.push('.');
    buf.push_str(&"000000"[digits.len().min(6)..]);
    buf.push_str(digits.trim_end_matches('0'));
}

/// Two digits of a clock field (below 100).
#[inline]
fn put_two(buf: &mut String, x: u64) {
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869\
        707172737475767778798081828384858687888990919293949596979899";
    let i = (x % 100) as usize * 2;
    buf.push_str(std::str::from_utf8(&PAIRS[i..i + 2]).unwrap_or("00"));
}

/// Microseconds in a day.
const DAY_US: u64 = 86_400_000_000;

impl<W: Write> Rows<W> {
    /// Rows of replication `replication` (from 0) of `sc`, into `out`.
    pub fn new(sc: &Scenario, replication: u64, out: W) -> Rows<W> {
        let text = |s: &str| crate::report::csv_text(s).into_owned();
        let names = Names {
            scenario: text(&sc.name),
            channels: sc.channels.iter().map(|c| text(&c.name)).collect(),
            types: sc
                .ticket_types
                .iter()
                .map(|t| PRIORITIES.get(t.priority as usize).copied().unwrap_or(""))
                .collect(),
            type_names: sc.ticket_types.iter().map(|t| text(&t.name)).collect(),
            lines: sc.lines.iter().map(|l| text(&l.name)).collect(),
            external: sc.lines.iter().map(|l| l.external.is_some()).collect(),
            lines_json: sc
                .lines
                .iter()
                .map(|l| serde_json::to_string(&l.name).unwrap_or_default())
                .collect(),
        };
        let origin = sc.datetime_at(0.0);
        Rows {
            w: csv::WriterBuilder::new()
                .has_headers(false)
                .terminator(csv::Terminator::Any(b'\n'))
                .buffer_capacity(1 << 16)
                .from_writer(out),
            names,
            replication,
            // the start's date-time; each time is added to it in whole microseconds
            origin,
            origin_of_day: origin
                .time()
                .duration_since(jiff::civil::Time::midnight())
                .as_micros() as u64,
            day: (u64::MAX, String::new()),
            buf: String::with_capacity(1024),
            record: csv::ByteRecord::with_capacity(1024, COLUMNS.len()),
            serde_writer: false,
            error: None,
        }
    }

    /// Flushes the rows and gives the writer back; the first error met
    /// while writing, if any.
    pub fn finish(self) -> std::io::Result<W> {
        if let Some(e) = self.error {
            return Err(e);
        }
        self.w.into_inner().map_err(|e| e.into_error())
    }

    /// The date-time of `t`, as jiff writes it (ISO 8601, the fraction
    /// only when there is one): the date from jiff, once per day, and the
    /// clock time of that day from the microseconds.
    fn put_time(&mut self, t: SimTime) -> Range<usize> {
        let from = self.buf.len();
        let since_midnight = t.0.saturating_add(self.origin_of_day);
        let day = since_midnight / DAY_US;
        if self.day.0 != day {
            let date = i64::try_from(day).ok().and_then(|d| {
                self.origin
                    .date()
                    .checked_add(jiff::Span::new().days(d))
                    .ok()
            });
            self.day.1.clear();
            match date {
                Some(d) => {
                    let _ = write!(self.day.1, "{d}");
                }
                // past 9999-12-31, which validation keeps horizons well inside
                None => {
                    let _ = write!(self.day.1, "{}", jiff::civil::Date::MAX);
                }
            }
            self.day.0 = day;
        }
        self.buf.push_str(&self.day.1);
        let us = since_midnight % DAY_US;
        let secs = us / 1_000_000;
        self.buf.push('T');
        put_two(&mut self.buf, secs / 3600);
        self.buf.push(':');
        put_two(&mut self.buf, secs / 60 % 60);
        self.buf.push(':');
        put_two(&mut self.buf, secs % 60);
        put_fraction(&mut self.buf, us % 1_000_000);
        from..self.buf.len()
    }

    fn put_opt_time(&mut self, t: Option<SimTime>) -> Range<usize> {
        match t {
            Some(t) => self.put_time(t),
            None => self.buf.len()..self.buf.len(),
        }
    }

    fn put_secs(&mut self, us: Option<u64>) -> Range<usize> {
        let from = self.buf.len();
        if let Some(us) = us {
            put_secs(&mut self.buf, us);
        }
        from..self.buf.len()
    }

    /// Writes the row of `c`; false once writing failed (the error is kept).
    fn write(&mut self, c: &Contact) -> std::io::Result<()> {
        self.buf.clear();
        let rel = |t: SimTime| t.0.saturating_sub(c.arrival.0);
        let arrival = self.put_time(c.arrival);
        let wait = self.put_secs(Some(c.wait.0));
        let answered = c.outcome == Outcome::Answered;
        let answered_at = self.put_opt_time(answered.then(|| c.arrival + c.wait));
        let abandoned_at =
            self.put_opt_time((c.outcome == Outcome::Abandoned).then(|| c.arrival + c.wait));
        let retry_at = self.put_opt_time(c.retry_at);
        // handlings by agents, in order
        let mut by_agents = c.legs.iter().filter(|l| l.agent.is_some());
        let first = if answered { by_agents.next() } else { None };
        let first_agent = {
            let from = self.buf.len();
            if let Some((leg, agent)) = first.and_then(|l| Some((l, l.agent?))) {
                let _ = write!(self.buf, "{}-{agent}", self.names.lines[leg.line]);
            }
            from..self.buf.len()
        };
        let talk = |l: &crate::model::Leg| Some(l.end?.0.saturating_sub(l.start?.0));
        let handle = self.put_secs(first.and_then(talk));
        let first_wrap = self.put_secs(first.and_then(|l| l.end.map(|_| l.wrap_up.0)));
        let agent_legs = c.legs.iter().filter(|l| l.agent.is_some());
        let handlings = agent_legs.clone().filter(|l| l.start.is_some()).count() as u32;
        let talk_total: u64 = agent_legs.clone().filter_map(talk).sum();
        let wrap_total: u64 = agent_legs
            .filter(|l| l.end.is_some())
            .map(|l| l.wrap_up.0)
            .sum();
        let talk_secs = self.put_secs(answered.then_some(talk_total));
        let wrap_secs = self.put_secs(answered.then_some(wrap_total));
        let vendor = c.legs.iter().find(|l| self.names.external[l.line]);
        let vendor_sent = self.put_opt_time(vendor.and_then(|l| l.start));
        let vendor_back = self.put_opt_time(vendor.and_then(|l| l.end));
        let resolved_at = self.put_opt_time(c.resolved_at);
        let resolution = self.put_secs(c.resolved_at.map(|r| r.0.saturating_sub(c.since.0)));
        let legs = {
            let from = self.buf.len();
            if !c.legs.is_empty() {
                self.buf.push('[');
                for (i, l) in c.legs.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(',');
                    }
                    self.buf.push('[');
                    self.buf.push_str(&self.names.lines_json[l.line]);
                    match l.agent {
                        Some(a) => {
                            self.buf.push(',');
                            self.buf.push_str(itoa::Buffer::new().format(a));
                            self.buf.push(',');
                        }
                        None => self.buf.push_str(",null,"),
                    }
                    put_secs(&mut self.buf, rel(l.queued));
                    for t in [l.start, l.end] {
                        self.buf.push(',');
                        match t {
                            Some(t) => put_secs(&mut self.buf, rel(t)),
                            None => self.buf.push_str("null"),
                        }
                    }
                    self.buf.push(',');
                    put_secs(&mut self.buf, l.wrap_up.0);
                    self.buf.push(']');
                }
                self.buf.push(']');
            }
            from..self.buf.len()
        };
        let b = self.buf.as_str();
        let n = &self.names;
        let line = |i: Option<usize>| i.map_or("", |i| n.lines[i].as_str());
        let row = Row {
            scenario: &n.scenario,
            replication: self.replication + 1,
            contact_id: c.id,
            customer_id: c.customer,
            attempt: c.attempt,
            retry_of: c.retry_of,
            channel: &n.channels[c.channel],
            ticket_type: &n.type_names[c.ticket_type],
            priority: n.types[c.ticket_type],
            key_client: c.key_client,
            measured: c.measured,
            arrival: &b[arrival],
            outcome: c.outcome.name(),
            wait_seconds: &b[wait],
            answered_at: &b[answered_at],
            abandoned_at: &b[abandoned_at],
            retry_at: &b[retry_at],
            first_line: line(first.map(|l| l.line)),
            first_agent: &b[first_agent],
            handle_seconds: &b[handle],
            first_wrap_up_seconds: &b[first_wrap],
            handlings,
            talk_seconds: &b[talk_secs],
            wrap_up_seconds: &b[wrap_secs],
            escalations: c.escalations,
            misroutes: c.misroutes,
            last_line: line(c.legs.last().map(|l| l.line)),
            vendor_line: line(vendor.map(|l| l.line)),
            vendor_sent_at: &b[vendor_sent],
            vendor_returned_at: &b[vendor_back],
            resolved_at: &b[resolved_at],
            resolution_seconds: &b[resolution],
            legs: &b[legs],
        };
        let written = if self.serde_writer {
            self.w.serialize(row)
        } else {
            self.record.clear();
            row.serialize(&mut Cells(&mut self.record))
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            self.w.write_byte_record(&self.record)
        };
        written.map_err(|e| match e.into_kind() {
            csv::ErrorKind::Io(e) => e,
            other => std::io::Error::other(format!("{other:?}")),
        })
    }
}

/// A serde serializer of one flat row into a `csv::ByteRecord`: a cell
/// per field, written as the csv crate's serializer writes it (strings as
/// they are, integers in decimal, `true`/`false`, `None` empty). The csv
/// crate then writes the whole record on its fast path
/// (`Writer::write_byte_record`), several times faster than its serializer
/// writing field by field, which made writing the rows cost more than
/// the run itself.
struct Cells<'r>(&'r mut csv::ByteRecord);

/// A row field serde cannot put in one cell (only flat rows are written).
#[derive(Debug)]
struct NotACell(String);

impl std::fmt::Display for NotACell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "an event log row holds {}, not a cell", self.0)
    }
}

impl std::error::Error for NotACell {}

impl serde::ser::Error for NotACell {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        NotACell(msg.to_string())
    }
}

macro_rules! integer_cells {
    ($($f:ident: $t:ty),*) => {$(
        fn $f(self, v: $t) -> std::result::Result<(), NotACell> {
            self.0.push_field(itoa::Buffer::new().format(v).as_bytes());
            Ok(())
        }
    )*};
}

macro_rules! no_cell {
    ($($f:ident($($a:ty),*) -> $r:ty),*) => {$(
        fn $f(self, $(_: $a),*) -> std::result::Result<$r, NotACell> {
            Err(NotACell(stringify!($f).trim_start_matches("serialize_").into()))
        }
    )*};
}

impl serde::Serializer for &mut Cells<'_> {
    type Ok = ();
    type Error = NotACell;
    type SerializeSeq = serde::ser::Impossible<(), NotACell>;
    type SerializeTuple = serde::ser::Impossible<(), NotACell>;
    type SerializeTupleStruct = serde::ser::Impossible<(), NotACell>;
    type SerializeTupleVariant = serde::ser::Impossible<(), NotACell>;
    type SerializeMap = serde::ser::Impossible<(), NotACell>;
    type SerializeStruct = Self;
    type SerializeStructVariant = serde::ser::Impossible<(), NotACell>;

    integer_cells!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64);

    fn serialize_bool(self, v: bool) -> std::result::Result<(), NotACell> {
        self.0.push_field(if v { b"true" } else { b"false" });
        Ok(())
    }

    fn serialize_str(self, v: &str) -> std::result::Result<(), NotACell> {
        self.0.push_field(v.as_bytes());
        Ok(())
    }

    fn serialize_none(self) -> std::result::Result<(), NotACell> {
        self.0.push_field(b"");
        Ok(())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> std::result::Result<(), NotACell> {
        v.serialize(self)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> std::result::Result<Self, NotACell> {
        Ok(self)
    }

    no_cell!(serialize_f32(f32) -> (), serialize_f64(f64) -> (), serialize_char(char) -> (),
        serialize_bytes(&[u8]) -> (), serialize_unit() -> (),
        serialize_unit_struct(&'static str) -> (),
        serialize_unit_variant(&'static str, u32, &'static str) -> (),
        serialize_seq(Option<usize>) -> Self::SerializeSeq,
        serialize_tuple(usize) -> Self::SerializeTuple,
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct,
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant,
        serialize_map(Option<usize>) -> Self::SerializeMap,
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant);

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> std::result::Result<(), NotACell> {
        v.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> std::result::Result<(), NotACell> {
        Err(NotACell("an enum".into()))
    }
}

impl serde::ser::SerializeStruct for &mut Cells<'_> {
    type Ok = ();
    type Error = NotACell;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        _: &'static str,
        v: &T,
    ) -> std::result::Result<(), NotACell> {
        v.serialize(&mut **self)
    }

    fn end(self) -> std::result::Result<(), NotACell> {
        Ok(())
    }
}

impl<W: Write> ContactSink for Rows<W> {
    fn contact(&mut self, contact: &Contact) -> bool {
        if self.error.is_some() {
            return false;
        }
        match self.write(contact) {
            Ok(()) => true,
            Err(e) => {
                self.error = Some(e);
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_exact_decimals() {
        let s = |us| {
            let mut b = String::new();
            put_secs(&mut b, us);
            b
        };
        assert_eq!(s(0), "0");
        assert_eq!(s(12_000_000), "12");
        assert_eq!(s(12_500_000), "12.5");
        assert_eq!(s(1), "0.000001");
        assert_eq!(s(3_000_010), "3.00001");
        // reads back to what the run counted: microseconds over 1e6
        for us in [1u64, 7, 123_456_789, 20_000_001, 86_399_999_999] {
            let back: f64 = s(us).parse().expect("a number");
            assert_eq!(back, SimTime(us).as_secs_f64());
        }
    }

    #[test]
    fn the_header_is_what_serde_writes() {
        let c = Contact {
            id: 1,
            customer: 1,
            attempt: 1,
            ..Contact::default()
        };
        let text = "[simulation]\nname = \"h\"\nhorizon = \"1h\"\nwarmup = \"0s\"\n\
            [[channel]]\nname = \"phone\"\n[[arrivals]]\nchannel = \"phone\"\nper_hour = 1\n\
            [[line]]\nname = \"L1\"\nchannels = [\"phone\"]\nagents = 1\nhandle = \"1m\"\n";
        let sc = crate::scenario::load_str(text, "h.toml", None).expect("valid");
        let mut rows = Rows::new(&sc, 0, Vec::new());
        rows.w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        rows.serde_writer = true;
        assert!(rows.contact(&c));
        let bytes = rows.finish().expect("into memory");
        let text = String::from_utf8(bytes).expect("utf-8");
        assert_eq!(text.lines().next(), Some(header().trim_end()));
        assert!(
            text.lines()
                .nth(1)
                .expect("a row")
                .starts_with("h,1,1,1,1,,phone,")
        );
    }

    #[test]
    fn date_times_are_written_as_jiff_writes_them() {
        let text = "[simulation]\nname = \"h\"\nhorizon = \"1h\"\nwarmup = \"0s\"\nstart = \"1999-02-27\"\n\
            [[channel]]\nname = \"phone\"\n[[arrivals]]\nchannel = \"phone\"\nper_hour = 1\n\
            [[line]]\nname = \"L1\"\nchannels = [\"phone\"]\nagents = 1\nhandle = \"1m\"\n";
        let sc = crate::scenario::load_str(text, "h.toml", None).expect("valid");
        let mut rows = Rows::new(&sc, 0, Vec::new());
        let mut x: u64 = 1;
        for i in 0..20_000u64 {
            // small and large times, whole seconds and fractions, over years
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let us = match i % 4 {
                0 => x % 1_000_000,
                1 => (x % 400_000) * 1_000_000,
                2 => x % (3 * 365 * DAY_US),
                _ => (x % (3 * 365 * DAY_US)) / 1000 * 1000,
            };
            rows.buf.clear();
            let r = rows.put_time(SimTime(us));
            let want = sc
                .datetime_at(0.0)
                .checked_add(jiff::SignedDuration::from_micros(us as i64))
                .expect("in range")
                .to_string();
            assert_eq!(&rows.buf[r], want, "{us} µs");
        }
    }

    /// The rows of the help desk's first day, with every path a contact
    /// takes, written by the fast path and by the csv crate's serializer:
    /// the same bytes.
    #[test]
    fn cells_are_what_the_csv_serializer_writes() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/helpdesk.toml");
        let mut sc = crate::scenario::load_file(&path).expect("the help desk loads");
        sc.horizon = SimTime::from_secs(2 * 86_400);
        sc.warmup = SimTime::ZERO;
        let write = |serde_writer: bool| {
            let mut rows = Rows::new(&sc, 0, Vec::new());
            rows.serde_writer = serde_writer;
            crate::model::run_replication_with(&sc, 0, &mut rows);
            rows.finish().expect("into memory")
        };
        let (fast, serde) = (write(false), write(true));
        assert!(fast.len() > 100_000);
        assert!(fast == serde, "the two writers differ");
    }

    #[test]
    fn which_replications() {
        assert_eq!(Replications::parse("first"), Ok(Replications::First));
        assert_eq!(Replications::parse("all"), Ok(Replications::All));
        assert_eq!(Replications::parse("3"), Ok(Replications::Count(3)));
        assert!(Replications::parse("0").is_err());
        assert!(Replications::parse("some").is_err());
        assert!(Replications::First.wants(0) && !Replications::First.wants(1));
        assert!(Replications::Count(2).wants(1) && !Replications::Count(2).wants(2));
    }
}
