//! Reading a scenario from TOML: a walk over the parsed document that checks
//! every key, collects every problem with its place, then resolves names.

use super::Scenario;
use super::duration::parse_duration;
use super::read::read_scenario;
use crate::engine::Dist;
use crate::error::{Error, Problem, Problems, Result};
use std::ops::Range;
use std::path::Path;
use toml_edit::{Document, Item, TableLike, Value};

pub(super) type Span = Option<Range<usize>>;

/// Longest horizon accepted: twenty years.
pub(super) const MAX_HORIZON_SECS: f64 = 20.0 * 365.0 * 86_400.0;
/// Most agents on one line.
pub(super) const MAX_AGENTS: u64 = 100_000;
/// Most replications of one scenario.
pub(super) const MAX_REPLICATIONS: u64 = 100_000;
/// Highest arrival rate accepted, per hour.
pub(super) const MAX_PER_HOUR: f64 = 10_000_000.0;

/// Reads the scenario file at `path`, once: a caller that keeps the text
/// records exactly what it simulated, whatever happens to the file after
/// (or when it is a pipe, such as `/dev/stdin`).
pub fn read_source(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Loads and validates the scenario in `path`.
pub fn load_file(path: &Path) -> Result<Scenario> {
    let text = read_source(path)?;
    load_str(&text, &path.display().to_string(), path.parent())
}

/// Loads and validates a scenario from its text. `file` names it in
/// messages; `dir` is where relative paths (empirical files) are resolved.
pub fn load_str(text: &str, file: &str, dir: Option<&Path>) -> Result<Scenario> {
    let mut ctx = Ctx {
        file,
        src: text,
        dir,
        problems: Vec::new(),
    };
    let doc = match Document::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let mut msg = e.message().trim().to_string();
            // toml_edit says only "duplicate key"; name the key it points at
            if msg == "duplicate key"
                && let Some(key) = e.span().and_then(|s| text.get(s)).map(str::trim)
                && !key.is_empty()
            {
                msg = format!("duplicate key {key}");
            }
            ctx.error(e.span(), "", format!("invalid TOML: {msg}"));
            return Err(ctx.into_error());
        }
    };
    let root = Obj {
        tl: doc.as_table(),
        span: Some(0..0),
        path: String::new(),
    };
    let scenario = read_scenario(&mut ctx, &root);
    match scenario {
        Some(s) if ctx.problems.is_empty() => Ok(s),
        _ => Err(ctx.into_error()),
    }
}

pub(super) struct Ctx<'s> {
    pub(super) file: &'s str,
    pub(super) src: &'s str,
    pub(super) dir: Option<&'s Path>,
    pub(super) problems: Vec<Problem>,
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

impl Ctx<'_> {
    pub(super) fn position(&self, span: &Span) -> (usize, usize) {
        let Some(span) = span else { return (0, 0) };
        let offset = span.start.min(self.src.len());
        let before = &self.src[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = self.src[line_start..offset].chars().count() + 1;
        (line, column)
    }

    pub(super) fn error(&mut self, span: Span, key: &str, message: impl Into<String>) {
        let (line, column) = self.position(&span);
        self.problems.push(Problem {
            file: self.file.to_string(),
            line,
            column,
            key: key.to_string(),
            message: message.into(),
        });
    }

    pub(super) fn into_error(mut self) -> Error {
        self.problems
            .sort_by_key(|p| (p.line == 0, p.line, p.column));
        Error::Scenario(Problems(self.problems))
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
            if planned.contains(&key) {
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
                self.missing(&d, "dist");
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
                Dist::empirical(values)
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
            DistError::BadCv => Some("cv"),
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

    pub(super) fn read_empirical(&mut self, file: &str, span: Span, key: &str) -> Option<Vec<f64>> {
        let path = match self.dir {
            Some(dir) => dir.join(file),
            None => Path::new(file).to_path_buf(),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                self.error(span, key, format!("cannot read {}: {e}", path.display()));
                return None;
            }
        };
        let mut values = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let field = line.split(',').next().unwrap_or("").trim();
            if field.is_empty() {
                continue;
            }
            match field.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => values.push(v),
                Ok(v) => {
                    self.error(
                        span,
                        key,
                        format!(
                            "{}:{}: {v} is not a valid duration in seconds",
                            path.display(),
                            i + 1
                        ),
                    );
                    return None;
                }
                Err(_) if i == 0 => {} // a header
                Err(_) => {
                    self.error(
                        span,
                        key,
                        format!(
                            "{}:{}: \"{field}\" is not a number of seconds",
                            path.display(),
                            i + 1
                        ),
                    );
                    return None;
                }
            }
        }
        if values.is_empty() {
            self.error(span, key, format!("{} holds no durations", path.display()));
            return None;
        }
        Some(values)
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
        known: &[String],
    ) -> Option<usize> {
        if let Some(i) = known.iter().position(|k| k == name) {
            return Some(i);
        }
        let hint = closest(name, known.iter().map(String::as_str))
            .map(|b| format!("did you mean \"{b}\"? "))
            .unwrap_or_default();
        let list = if known.is_empty() {
            format!("the file defines no {what}s")
        } else {
            format!("{what}s are: {}", known.join(", "))
        };
        self.error(
            span,
            key,
            format!("no {what} named \"{name}\"; {hint}{list}"),
        );
        None
    }
}
