//! Reading a scenario from TOML: a walk over the parsed document that checks
//! every key, collects every problem with its place, then resolves names.

use super::Scenario;
use super::duration::parse_duration;
use super::read::read_scenario;
use crate::engine::Dist;
use crate::error::{Error, Problem, Problems, Result};
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml_edit::{Document, Item, TableLike, Value};

pub(super) type Span = Option<Range<usize>>;

/// What a distribution table holds, for messages.
pub(super) const DIST_KEYS: &str = "a distribution is a table with dist = \"exponential\" (and mean), \"lognormal\" or \"gamma\" (mean, cv), \"uniform\" (min, max), \"constant\" (value) or \"empirical\" (file), or a duration such as \"4m\"";

/// Longest horizon accepted: twenty years.
pub(super) const MAX_HORIZON_SECS: f64 = 20.0 * 365.0 * 86_400.0;
/// Most agents on one line.
pub(super) const MAX_AGENTS: u64 = 100_000;
/// Most replications of one scenario.
pub(super) const MAX_REPLICATIONS: u64 = 100_000;
/// Highest arrival rate accepted, per hour.
pub(super) const MAX_PER_HOUR: f64 = 10_000_000.0;

/// Largest scenario file read, in bytes (16 MiB).
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;
/// Largest `empirical` CSV file read, in bytes (64 MiB, some six million
/// durations).
pub const MAX_EMPIRICAL_BYTES: u64 = 64 << 20;

/// True when `path` names standard input: `-` or `/dev/stdin`.
pub fn is_stdin(path: &Path) -> bool {
    path == Path::new("-") || path == Path::new("/dev/stdin")
}

/// Reads at most `limit` bytes of the input file `path`; `what` names the
/// kind of file in messages ("a scenario file").
///
/// Only a regular file is read: its kind is checked before it is opened,
/// so a FIFO with no writer or a device such as `/dev/zero` is refused, not
/// waited on or read without end. A file longer than `limit` is refused
/// whole: nothing is read past the limit.
pub fn read_input(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>> {
    read_regular(path, limit, what, "")
}

/// [`read_input`], with `hint` added to the message for a file that is not
/// a regular file.
fn read_regular(path: &Path, limit: u64, what: &str, hint: &str) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| read_error(path, e))?;
    if !meta.is_file() {
        return Err(read_error(
            path,
            std::io::Error::other(format!(
                "{}, not a regular file; staffsim reads {what} only from a regular file{hint}",
                file_kind(&meta)
            )),
        ));
    }
    read_opened(path, limit, what, hint)
}

/// The second half of [`read_regular`]: opens `path` without waiting and
/// reads it only if what was opened is a regular file.
fn read_opened(path: &Path, limit: u64, what: &str, hint: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = open_no_wait(path).map_err(|e| read_error(path, e))?;
    // The path may have been swapped for a FIFO or a device between the
    // check above and the open: check what was opened, not the name.
    let opened = file.metadata().map_err(|e| read_error(path, e))?;
    if !opened.is_file() {
        return Err(read_error(
            path,
            std::io::Error::other(format!(
                "{}, not a regular file; staffsim reads {what} only from a regular file{hint}",
                file_kind(&opened)
            )),
        ));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| read_error(path, e))?;
    check_limit(path, &bytes, limit, what)?;
    Ok(bytes)
}

/// Opens `path` for reading without waiting: on Linux with `O_NONBLOCK`,
/// so a FIFO put in place of the file after its kind was checked opens at
/// once (and is then refused) instead of waiting for a writer for ever.
/// The flag changes nothing for a regular file.
pub(crate) fn open_no_wait(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    options.open(path)
}

fn read_error(path: &Path, source: std::io::Error) -> Error {
    Error::Read {
        path: path.to_path_buf(),
        source,
    }
}

/// Refuses `bytes` read from `path` when there are more than `limit`.
fn check_limit(path: &Path, bytes: &[u8], limit: u64, what: &str) -> Result<()> {
    if bytes.len() as u64 > limit {
        return Err(read_error(
            path,
            std::io::Error::other(format!(
                "larger than {} MiB, the most staffsim reads for {what}",
                limit >> 20
            )),
        ));
    }
    Ok(())
}

/// What a file that is not a regular file is, for messages.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// A scenario file's text, read once: at most [`MAX_SCENARIO_BYTES`] of
/// UTF-8, from a regular file, or from standard input when `path` is `-`
/// or `/dev/stdin` (a pipe, as in `generate | staffsim run /dev/stdin`).
pub fn read_scenario_text(path: &Path) -> Result<String> {
    use std::io::Read;
    const WHAT: &str = "a scenario file";
    let bytes = if is_stdin(path) {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(MAX_SCENARIO_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| read_error(path, e))?;
        check_limit(path, &bytes, MAX_SCENARIO_BYTES, WHAT)?;
        bytes
    } else {
        read_regular(
            path,
            MAX_SCENARIO_BYTES,
            WHAT,
            ", or from standard input named -",
        )?
    };
    String::from_utf8(bytes)
        .map_err(|_| read_error(path, std::io::Error::other("the file is not UTF-8 text")))
}

/// Reads the scenario file at `path`, once: a caller that keeps the text
/// records exactly what it simulated, whatever happens to the file after
/// (or when it is a pipe, such as `/dev/stdin`). The same as
/// [`read_scenario_text`]: bounded, and from a regular file or standard
/// input only.
pub fn read_source(path: &Path) -> Result<String> {
    read_scenario_text(path)
}

/// The folder relative paths of the scenario in `path` (its `empirical`
/// files) are resolved from: the file's own folder, or the current folder
/// for standard input.
pub fn scenario_dir(path: &Path) -> Option<&Path> {
    if is_stdin(path) { None } else { path.parent() }
}

/// Loads and validates the scenario in `path`.
pub fn load_file(path: &Path) -> Result<Scenario> {
    let text = read_scenario_text(path)?;
    load_str(&text, &path.display().to_string(), scenario_dir(path))
}

/// Loads and validates a scenario from its text. `file` names it in
/// messages; `dir` is where relative paths (empirical files) are resolved.
pub fn load_str(text: &str, file: &str, dir: Option<&Path>) -> Result<Scenario> {
    let doc = parse(text, file)?;
    let mut inputs = Inputs::default();
    load_doc(doc.as_table(), text, file, dir, &mut inputs).map_err(Error::Scenario)
}

/// Parses a scenario's TOML, or says where it is not TOML.
pub(super) fn parse<'a>(text: &'a str, file: &str) -> Result<Document<&'a str>> {
    Document::parse(text).map_err(|e| {
        let mut msg = e.message().trim().to_string();
        // toml_edit says only "duplicate key"; name the key it points at
        if msg == "duplicate key"
            && let Some(key) = e.span().and_then(|s| text.get(s)).map(str::trim)
            && !key.is_empty()
        {
            msg = format!("duplicate key {key}");
        }
        let mut ctx = Ctx::new(file, text, None, None);
        ctx.error(e.span(), "", format!("invalid TOML: {msg}"));
        Error::Scenario(ctx.finish())
    })
}

/// Reads one scenario from a parsed table (the document's root, or a
/// variant's copy of it). `src` is the text spans point into ("" when the
/// table has no spans).
pub(super) fn load_doc(
    root: &dyn TableLike,
    src: &str,
    file: &str,
    dir: Option<&Path>,
    inputs: &mut Inputs,
) -> std::result::Result<Scenario, Problems> {
    let mut ctx = Ctx::new(file, src, dir, Some(inputs));
    let root = Obj {
        tl: root,
        span: Some(0..0),
        path: String::new(),
    };
    let scenario = read_scenario(&mut ctx, &root);
    match scenario {
        Some(s) if ctx.problems.is_empty() => Ok(s),
        _ => Err(ctx.finish()),
    }
}

/// One file a scenario made staffsim read, with the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InputFile {
    /// The path as read (an `empirical` file joined to the scenario's folder).
    pub path: PathBuf,
    /// SHA-256 of the bytes read, lower-case hex.
    pub sha256: String,
}

/// The `empirical` files of one scenario file, each read once however many
/// variants and sweep points use it, and shared by all of them.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Each file read: its samples, or the problem it has.
    empirical: HashMap<PathBuf, std::result::Result<Arc<[f64]>, String>>,
    /// Each trace read, by file and what it was read against (start,
    /// horizon, ticket types): its arrivals, or the problem it has.
    traces: ReplayCache<super::replay::Trace>,
    /// Each roster read, by file and what it was read against.
    rosters: ReplayCache<super::replay::Roster>,
    /// Every file read, in the order first read.
    pub files: Vec<InputFile>,
}

/// Replay inputs read once per (file, context) and shared by every variant
/// and sweep point that reads them the same way.
type ReplayCache<T> = HashMap<(PathBuf, String), std::result::Result<Arc<T>, String>>;

/// Finds line and column of byte offsets in one pass over the text.
pub(super) struct LineIndex {
    /// Byte offset of the start of every line.
    starts: Vec<usize>,
}

impl LineIndex {
    pub(super) fn new(src: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of byte `offset` of `src`.
    pub(super) fn position(&self, src: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(src.len());
        while !src.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (line, src[start..offset].chars().count() + 1)
    }
}

pub(super) struct Ctx<'s> {
    pub(super) file: &'s str,
    pub(super) src: &'s str,
    pub(super) dir: Option<&'s Path>,
    pub(super) problems: Problems,
    lines: LineIndex,
    inputs: Option<&'s mut Inputs>,
}

pub(super) struct Obj<'a> {
    pub(super) tl: &'a dyn TableLike,
    pub(super) span: Span,
    pub(super) path: String,
}

impl<'a> Obj<'a> {
    pub(super) fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    pub(super) fn item(&self, key: &str) -> Option<&'a Item> {
        self.tl.get(key)
    }
}

pub(super) fn type_name(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
        Item::Value(v) => match v {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Datetime(_) => "a date-time",
            Value::Array(_) => "an array",
            Value::InlineTable(_) => "a table",
        },
    }
}

pub(super) fn item_span(item: &Item) -> Span {
    match item {
        Item::Table(t) => t.span(),
        Item::ArrayOfTables(a) => a.span(),
        other => other.span(),
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a typo.
pub(super) fn closest<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3) && *d < c.len().max(word.len()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

impl<'s> Ctx<'s> {
    pub(super) fn new(
        file: &'s str,
        src: &'s str,
        dir: Option<&'s Path>,
        inputs: Option<&'s mut Inputs>,
    ) -> Ctx<'s> {
        Ctx {
            file,
            src,
            dir,
            problems: Problems::default(),
            lines: LineIndex::new(src),
            inputs,
        }
    }

    pub(super) fn position(&self, span: &Span) -> (usize, usize) {
        match span {
            Some(span) => self.lines.position(self.src, span.start),
            None => (0, 0),
        }
    }

    /// True when the list of problems is full: a further one is only
    /// counted, so nothing costly (a suggestion) need be worked out for it.
    pub(super) fn full(&self) -> bool {
        self.problems.full()
    }

    pub(super) fn error(&mut self, span: Span, key: &str, message: impl Into<String>) {
        if self.problems.full() {
            self.problems.1 += 1;
            return;
        }
        let (line, column) = self.position(&span);
        self.problems.push(Problem {
            file: self.file.to_string(),
            line,
            column,
            key: key.to_string(),
            message: message.into(),
        });
    }

    /// The problems, in file order.
    pub(super) fn finish(mut self) -> Problems {
        self.problems.sort();
        self.problems
    }

    /// Reports keys of `obj` that are not in `allowed`. Keys in `planned` are
    /// part of the published format but not simulated by this version.
    pub(super) fn check_keys(&mut self, obj: &Obj, allowed: &[&str], planned: &[&str]) {
        for (key, _) in obj.tl.iter() {
            if allowed.contains(&key) {
                continue;
            }
            let span = obj.tl.get_key_value(key).and_then(|(k, _)| k.span());
            let path = obj.key_path(key);
            if self.full() {
                self.error(span, &path, "");
            } else if planned.contains(&key) {
                self.error(
                    span,
                    &path,
                    "this key is part of the scenario format but this version of staffsim does not simulate it yet; remove it",
                );
            } else if let Some(best) = closest(key, allowed.iter().copied()) {
                self.error(
                    span,
                    &path,
                    format!("unknown key \"{key}\"; did you mean \"{best}\"?"),
                );
            } else {
                self.error(
                    span,
                    &path,
                    format!(
                        "unknown key \"{key}\"; valid keys here are: {}",
                        allowed.join(", ")
                    ),
                );
            }
        }
    }

    pub(super) fn missing(&mut self, obj: &Obj, key: &str) {
        let place = if obj.path.is_empty() {
            "the file".to_string()
        } else {
            obj.path.clone()
        };
        self.error(
            obj.span.clone(),
            &obj.key_path(key),
            format!("missing required key \"{key}\" in {place}"),
        );
    }

    pub(super) fn wrong_type(&mut self, obj: &Obj, key: &str, item: &Item, expected: &str) {
        self.error(
            item_span(item),
            &obj.key_path(key),
            format!("expected {expected}, found {}", type_name(item)),
        );
    }

    pub(super) fn table<'a>(&mut self, obj: &Obj<'a>, key: &str) -> Option<Obj<'a>> {
        let item = obj.item(key)?;
        match item.as_table_like() {
            Some(tl) => Some(Obj {
                tl,
                span: item_span(item),
                path: obj.key_path(key),
            }),
            None => {
                self.wrong_type(obj, key, item, "a table");
                None
            }
        }
    }

    /// The entries of an array of tables (`[[key]]` or `key = [{..}, ..]`).
    pub(super) fn entries<'a>(&mut self, obj: &Obj<'a>, key: &str) -> Vec<Obj<'a>> {
        let Some(item) = obj.item(key) else {
            return Vec::new();
        };
        // an entry's path until its name is read: `line[2]`, `line.L1.shift[3]`
        let array = obj.key_path(key);
        let mut out = Vec::new();
        match item {
            Item::ArrayOfTables(a) => {
                for (i, t) in a.iter().enumerate() {
                    out.push(Obj {
                        tl: t,
                        span: t.span(),
                        path: format!("{array}[{}]", i + 1),
                    });
                }
            }
            Item::Value(Value::Array(a)) => {
                for (i, v) in a.iter().enumerate() {
                    match v.as_inline_table() {
                        Some(t) => out.push(Obj {
                            tl: t,
                            span: v.span(),
                            path: format!("{array}[{}]", i + 1),
                        }),
                        None => self.error(
                            v.span(),
                            &format!("{array}[{}]", i + 1),
                            format!(
                                "expected a table, found {}",
                                type_name(&Item::Value(v.clone()))
                            ),
                        ),
                    }
                }
            }
            other => self.wrong_type(obj, key, other, &format!("[[{key}]] entries")),
        }
        out
    }

    pub(super) fn string(&mut self, obj: &Obj, key: &str) -> Option<String> {
        let item = obj.item(key)?;
        match item.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.wrong_type(obj, key, item, "a string");
                None
            }
        }
    }

    /// A string key that must be one of `choices` (name, value): the value
    /// named, or an error listing the names (with a "did you mean" for a
    /// typo). `what` names the kind of value in the message.
    pub(super) fn choice<T: Copy>(
        &mut self,
        obj: &Obj,
        key: &str,
        what: &str,
        choices: &[(&str, T)],
    ) -> Option<T> {
        let s = self.string(obj, key)?;
        if let Some((_, v)) = choices.iter().find(|(name, _)| *name == s) {
            return Some(*v);
        }
        let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
        let hint = closest(&s, names.iter().copied())
            .map(|b| format!("did you mean \"{b}\"? "))
            .unwrap_or_default();
        self.error(
            obj.item(key).and_then(item_span),
            &obj.key_path(key),
            format!("unknown {what} \"{s}\"; {hint}known: {}", names.join(", ")),
        );
        None
    }

    pub(super) fn number(&mut self, obj: &Obj, key: &str) -> Option<f64> {
        let item = obj.item(key)?;
        let value = match item {
            Item::Value(Value::Integer(i)) => *i.value() as f64,
            Item::Value(Value::Float(f)) => *f.value(),
            other => {
                self.wrong_type(obj, key, other, "a number");
                return None;
            }
        };
        if !value.is_finite() {
            self.error(
                item.span(),
                &obj.key_path(key),
                format!("{value} is not a finite number"),
            );
            return None;
        }
        Some(value)
    }

    pub(super) fn non_negative(&mut self, obj: &Obj, key: &str, max: f64) -> Option<f64> {
        let v = self.number(obj, key)?;
        let span = obj.item(key).and_then(item_span);
        if v < 0.0 {
            self.error(
                span,
                &obj.key_path(key),
                format!("must not be negative, found {v}"),
            );
            None
        } else if v > max {
            self.error(
                span,
                &obj.key_path(key),
                format!("{v} is beyond the largest accepted value, {max}"),
            );
            None
        } else {
            Some(v)
        }
    }

    pub(super) fn probability(&mut self, obj: &Obj, key: &str) -> Option<f64> {
        let v = self.number(obj, key)?;
        if !(0.0..=1.0).contains(&v) {
            let span = obj.item(key).and_then(item_span);
            self.error(
                span,
                &obj.key_path(key),
                format!("a probability must be between 0 and 1, found {v}"),
            );
            return None;
        }
        Some(v)
    }

    pub(super) fn integer(&mut self, obj: &Obj, key: &str, min: u64, max: u64) -> Option<u64> {
        let item = obj.item(key)?;
        let Item::Value(Value::Integer(i)) = item else {
            self.wrong_type(obj, key, item, "a whole number");
            return None;
        };
        let v = *i.value();
        if v < min as i64 || v as u64 > max {
            self.error(
                item.span(),
                &obj.key_path(key),
                format!("must be a whole number from {min} to {max}, found {v}"),
            );
            return None;
        }
        Some(v as u64)
    }

    /// A duration string; the result is in seconds.
    pub(super) fn duration(&mut self, obj: &Obj, key: &str) -> Option<f64> {
        let item = obj.item(key)?;
        match item {
            Item::Value(Value::String(s)) => match parse_duration(s.value()) {
                Ok(secs) => Some(secs),
                Err(msg) => {
                    self.error(item.span(), &obj.key_path(key), msg);
                    None
                }
            },
            Item::Value(Value::Integer(_) | Value::Float(_)) => {
                let n = item
                    .as_float()
                    .unwrap_or_else(|| item.as_integer().unwrap_or(0) as f64);
                if !n.is_finite() {
                    self.wrong_type(obj, key, item, "a duration string such as \"4m\"");
                    return None;
                }
                if n < 0.0 {
                    self.error(
                        item.span(),
                        &obj.key_path(key),
                        format!(
                            "a duration must not be negative, found {n}; write a string with a unit, such as \"20s\" or \"4m\""
                        ),
                    );
                    return None;
                }
                self.error(
                    item.span(),
                    &obj.key_path(key),
                    format!(
                        "a duration needs a unit: write \"{n}s\" for seconds, \"{n}m\" for minutes or \"{n}h\" for hours"
                    ),
                );
                None
            }
            other => {
                self.wrong_type(obj, key, other, "a duration string such as \"4m\"");
                None
            }
        }
    }

    pub(super) fn names(&mut self, obj: &Obj, key: &str) -> Option<Vec<(String, Span)>> {
        let item = obj.item(key)?;
        let Some(array) = item.as_array() else {
            self.wrong_type(obj, key, item, "an array of names");
            return None;
        };
        let mut out = Vec::new();
        for v in array.iter() {
            match v.as_str() {
                Some(s) => out.push((s.to_string(), v.span())),
                None => self.error(v.span(), &obj.key_path(key), "expected a name (a string)"),
            }
        }
        Some(out)
    }

    /// A distribution: a table with `dist`, or a bare duration for a constant.
    pub(super) fn dist(&mut self, obj: &Obj, key: &str) -> Option<Dist> {
        let item = obj.item(key)?;
        if item.as_str().is_some() || item.as_integer().is_some() || item.as_float().is_some() {
            let secs = self.duration(obj, key)?;
            return self.make_dist(obj, key, Dist::constant(secs));
        }
        if item.as_table_like().is_none() {
            self.wrong_type(
                obj,
                key,
                item,
                "a distribution (a table such as { dist = \"exponential\", mean = \"4m\" }, or a duration such as \"4m\")",
            );
            return None;
        }
        let d = self.table(obj, key)?;
        let kind = match d.item("dist") {
            None => {
                self.error(
                    d.span.clone(),
                    &d.key_path("dist"),
                    format!("missing required key \"dist\" in {}: {DIST_KEYS}", d.path),
                );
                return None;
            }
            Some(_) => self.string(&d, "dist")?,
        };
        let params: &[&str] = match kind.as_str() {
            "exponential" => &["dist", "mean"],
            "lognormal" | "gamma" => &["dist", "mean", "cv"],
            "uniform" => &["dist", "min", "max"],
            "constant" => &["dist", "value"],
            "empirical" => &["dist", "file"],
            other => {
                let kinds = [
                    "exponential",
                    "lognormal",
                    "gamma",
                    "uniform",
                    "constant",
                    "empirical",
                ];
                let hint = closest(other, kinds)
                    .map(|b| format!("did you mean \"{b}\"? "))
                    .unwrap_or_default();
                let span = d.item("dist").and_then(item_span);
                self.error(
                    span,
                    &d.key_path("dist"),
                    format!(
                        "unknown distribution \"{other}\"; {hint}known: {}",
                        kinds.join(", ")
                    ),
                );
                return None;
            }
        };
        self.check_keys(&d, params, &[]);
        let req_duration = |ctx: &mut Self, k: &str| -> Option<f64> {
            if d.item(k).is_none() {
                ctx.missing(&d, k);
                return None;
            }
            ctx.duration(&d, k)
        };
        let result = match kind.as_str() {
            "exponential" => Dist::exponential(req_duration(self, "mean")?),
            "lognormal" | "gamma" => {
                let mean = req_duration(self, "mean");
                let cv = if d.item("cv").is_none() {
                    self.missing(&d, "cv");
                    None
                } else {
                    self.number(&d, "cv")
                };
                let (mean, cv) = (mean?, cv?);
                if kind == "gamma" {
                    Dist::gamma(mean, cv)
                } else {
                    Dist::lognormal(mean, cv)
                }
            }
            "uniform" => {
                let min = req_duration(self, "min");
                let max = req_duration(self, "max");
                Dist::uniform(min?, max?)
            }
            "constant" => Dist::constant(req_duration(self, "value")?),
            _ => {
                if d.item("file").is_none() {
                    self.missing(&d, "file");
                    return None;
                }
                let file = self.string(&d, "file")?;
                let span = d.item("file").and_then(item_span);
                let values = self.read_empirical(&file, span, &d.key_path("file"))?;
                Dist::empirical_shared(values)
            }
        };
        self.make_dist(&d, "", result)
    }

    /// The parameter of a distribution table a [`DistError`] is about.
    ///
    /// [`DistError`]: crate::engine::DistError
    pub(super) fn dist_param(e: &crate::engine::DistError) -> Option<&'static str> {
        use crate::engine::DistError;
        match e {
            DistError::NotPositive(what) => Some(what),
            DistError::BadCv | DistError::CvTooLarge(_) => Some("cv"),
            DistError::MinAboveMax => Some("min"),
            DistError::EmptyEmpirical => Some("file"),
        }
    }

    pub(super) fn make_dist(
        &mut self,
        obj: &Obj,
        key: &str,
        result: std::result::Result<Dist, crate::engine::DistError>,
    ) -> Option<Dist> {
        match result {
            Ok(d) => Some(d),
            Err(e) => {
                // a table: point at the parameter at fault; a bare duration: at itself
                let at = if key.is_empty() {
                    Self::dist_param(&e).filter(|p| obj.item(p).is_some())
                } else {
                    Some(key)
                };
                let (span, path) = match at {
                    Some(k) => (obj.item(k).and_then(item_span), obj.key_path(k)),
                    None => (obj.span.clone(), obj.path.clone()),
                };
                self.error(span, &path, e.to_string());
                None
            }
        }
    }

    /// The samples of the `empirical` file `file` (relative to the
    /// scenario's folder), read once per scenario file and shared.
    pub(super) fn read_empirical(
        &mut self,
        file: &str,
        span: Span,
        key: &str,
    ) -> Option<Arc<[f64]>> {
        let path = match self.dir {
            Some(dir) => dir.join(file),
            None => Path::new(file).to_path_buf(),
        };
        let mut own = Inputs::default();
        let inputs = match self.inputs.as_deref_mut() {
            Some(inputs) => inputs,
            None => &mut own,
        };
        let read = match inputs.empirical.get(&path) {
            Some(read) => read.clone(),
            None => {
                let read = read_samples(&path, &mut inputs.files);
                inputs.empirical.insert(path, read.clone());
                read
            }
        };
        match read {
            Ok(values) => Some(values),
            Err(message) => {
                self.error(span, key, message);
                None
            }
        }
    }

    /// A scenario-relative path joined to the scenario's folder.
    pub(super) fn input_path(&self, file: &str) -> PathBuf {
        match self.dir {
            Some(dir) => dir.join(file),
            None => Path::new(file).to_path_buf(),
        }
    }

    /// The trace `file`, read against `tc` once per scenario file and shared.
    pub(super) fn read_trace(
        &mut self,
        file: &str,
        tc: &super::replay::TraceContext,
        span: Span,
        key: &str,
    ) -> Option<Arc<super::replay::Trace>> {
        let path = self.input_path(file);
        let context = format!("{}|{}|{}", tc.start, tc.horizon.0, tc.types.join("\u{1}"));
        let mut own = Inputs::default();
        let inputs = match self.inputs.as_deref_mut() {
            Some(inputs) => inputs,
            None => &mut own,
        };
        let cache_key = (path, context);
        let read = match inputs.traces.get(&cache_key) {
            Some(read) => read.clone(),
            None => {
                let read =
                    super::replay::read_trace(&cache_key.0, tc, &mut inputs.files).map(Arc::new);
                inputs.traces.insert(cache_key, read.clone());
                read
            }
        };
        read.map_err(|m| self.error(span, key, m)).ok()
    }

    /// The roster `file`, read against `rc` once per scenario file and shared.
    pub(super) fn read_roster(
        &mut self,
        file: &str,
        rc: &super::replay::RosterContext,
        span: Span,
        key: &str,
    ) -> Option<Arc<super::replay::Roster>> {
        let path = self.input_path(file);
        let context = rc.key();
        let mut own = Inputs::default();
        let inputs = match self.inputs.as_deref_mut() {
            Some(inputs) => inputs,
            None => &mut own,
        };
        let cache_key = (path, context);
        let read = match inputs.rosters.get(&cache_key) {
            Some(read) => read.clone(),
            None => {
                let read =
                    super::replay::read_roster(&cache_key.0, rc, &mut inputs.files).map(Arc::new);
                inputs.rosters.insert(cache_key, read.clone());
                read
            }
        };
        read.map_err(|m| self.error(span, key, m)).ok()
    }

    /// Reads `name` of an entry and renames the entry's path to `kind.name`.
    pub(super) fn entry_name(&mut self, obj: &mut Obj, kind: &str) -> Option<(String, Span)> {
        if obj.item("name").is_none() {
            self.missing(obj, "name");
            return None;
        }
        let name = self.string(obj, "name")?;
        let span = obj.item("name").and_then(item_span);
        if name.trim().is_empty() || name.contains('.') {
            self.error(
                span,
                &obj.key_path("name"),
                "a name must be non-empty and must not contain \".\"",
            );
            return None;
        }
        obj.path = format!("{kind}.{name}");
        Some((name, span))
    }

    /// Resolves a name against a list, or reports the dangling reference.
    pub(super) fn resolve(
        &mut self,
        name: &str,
        span: Span,
        key: &str,
        what: &str,
        known: &Names,
    ) -> Option<usize> {
        self.resolve_other(name, span, key, what, known, None)
    }

    /// Like [`Ctx::resolve`], but an unknown name is never answered with
    /// `known.list[this]` (a line's `escalates_to` never suggests the line
    /// itself).
    pub(super) fn resolve_other(
        &mut self,
        name: &str,
        span: Span,
        key: &str,
        what: &str,
        known: &Names,
        this: Option<usize>,
    ) -> Option<usize> {
        if let Some(i) = known.index(name) {
            return Some(i);
        }
        if self.full() {
            self.error(span, key, "");
            return None;
        }
        // a suggestion among a few hundred names at most: beyond, comparing
        // each dangling name with all of them would cost more than it helps
        let hint = if known.list.len() <= MAX_SUGGESTION_CANDIDATES {
            let others = known
                .list
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != this)
                .map(|(_, k)| k.as_str());
            closest(name, others)
                .map(|b| format!("did you mean \"{b}\"? "))
                .unwrap_or_default()
        } else {
            String::new()
        };
        let list = if known.list.is_empty() {
            format!("the file defines no {what}s")
        } else {
            format!("{what}s are: {}", short_list(&known.list))
        };
        self.error(
            span,
            key,
            format!("no {what} named \"{name}\"; {hint}{list}"),
        );
        None
    }
}

/// Most names a dangling reference is compared with for a suggestion.
const MAX_SUGGESTION_CANDIDATES: usize = 500;
/// Most names a message lists.
pub(super) const MAX_LISTED_NAMES: usize = 10;

/// `a, b, c`, or the first [`MAX_LISTED_NAMES`] and how many more.
pub(super) fn short_list(names: &[String]) -> String {
    if names.len() <= MAX_LISTED_NAMES {
        return names.join(", ");
    }
    format!(
        "{} and {} more",
        names[..MAX_LISTED_NAMES].join(", "),
        names.len() - MAX_LISTED_NAMES
    )
}

/// Names of entries (lines, channels) with a constant-time look-up; a name
/// given twice resolves to its first entry.
pub(super) struct Names {
    /// The names, in file order.
    pub(super) list: Vec<String>,
    index: HashMap<String, usize>,
}

impl Names {
    pub(super) fn new(list: Vec<String>) -> Names {
        let mut index = HashMap::with_capacity(list.len());
        for (i, n) in list.iter().enumerate() {
            index.entry(n.clone()).or_insert(i);
        }
        Names { list, index }
    }

    /// Index of the first entry named `name`.
    pub(super) fn index(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }
}

/// Reads an `empirical` file: the first field of every line a non-negative
/// number of seconds (a header line allowed). The error never quotes the
/// file: it may be any file on the machine (`file = "/etc/passwd"`), and
/// its lines are no business of the messages.
fn read_samples(
    path: &Path,
    files: &mut Vec<InputFile>,
) -> std::result::Result<Arc<[f64]>, String> {
    let shown = path.display();
    let bytes =
        read_input(path, MAX_EMPIRICAL_BYTES, "an empirical file").map_err(|e| match e {
            Error::Read { source, .. } => format!("cannot read {shown}: {source}"),
            other => other.to_string(),
        })?;
    files.push(InputFile {
        path: path.to_path_buf(),
        sha256: crate::shard::sha256_hex(&bytes),
    });
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| format!("{shown} is not a CSV of durations: it is not UTF-8 text"))?;
    let mut values = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let field = line.split(',').next().unwrap_or("").trim();
        if field.is_empty() {
            continue;
        }
        match field.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => values.push(v),
            Ok(_) => {
                return Err(format!(
                    "{shown}:{}: the first field is not a valid duration in seconds (a finite number, zero or more)",
                    i + 1
                ));
            }
            Err(_) if i == 0 => {} // a header
            Err(_) => {
                return Err(format!(
                    "{shown}:{}: the first field is not a number of seconds",
                    i + 1
                ));
            }
        }
    }
    if values.is_empty() {
        return Err(format!("{shown} holds no durations"));
    }
    Ok(values.into())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// A FIFO put in place of the file after its kind was checked: the
    /// open must not wait for a writer, and what was opened is refused.
    #[test]
    fn a_fifo_swapped_in_after_the_check_is_refused_without_waiting() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let fifo = dir.path().join("scenario.toml");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
            0,
        )
        .expect("mkfifo");
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = send.send(read_opened(&fifo, 1 << 20, "a scenario file", ""));
        });
        // A watchdog against a real hang, not a timing assertion.
        let result = receive
            .recv_timeout(std::time::Duration::from_secs(120))
            .expect("opening a FIFO with no writer must not block");
        let message = match result {
            Err(Error::Read { source, .. }) => source.to_string(),
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert!(
            message.contains("a named pipe (FIFO), not a regular file"),
            "{message}"
        );
    }
}
