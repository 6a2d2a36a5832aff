//! What-if variants and sweeps: `[[variant]]` entries and the `[sweep]` grid
//! turn one file into several scenarios, each loaded and validated in full.
//!
//! A path such as `line.L1.shift.early.agents` addresses an entry of an
//! array of tables by its `name` (`[[arrivals]]` entries by their `channel`)
//! and a key inside it. Each variant is the base file with its `set` values
//! written in, validated as a whole; a problem a variant causes is reported
//! at the variant's `set` entry.

use super::Scenario;
use super::load::{
    InputFile, Inputs, LineIndex, load_doc, parse, read_scenario_text, scenario_dir,
};
use crate::error::{Error, Problem, Problems, Result};
use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;
use toml_edit::{DocumentMut, Item, TableLike, Value};

/// Most scenarios one file may expand to.
pub const MAX_SCENARIOS: usize = 10_000;

/// A scenario file as loaded: its text (read once), every scenario it
/// expands to, and every file it made staffsim read.
#[derive(Debug)]
pub struct Loaded {
    /// The scenario file's bytes, exactly as read and simulated.
    pub source: String,
    /// The base scenario first, then each variant, then each sweep point.
    pub scenarios: Vec<Scenario>,
    /// The `empirical` files read, in the order first read, with the
    /// SHA-256 of their bytes (the scenario file itself is not listed).
    pub inputs: Vec<InputFile>,
}

/// Loads the file at `path` and expands it: the base scenario first, then
/// each `[[variant]]` in file order, then every point of `[sweep]`.
pub fn load_experiment(path: &Path) -> Result<Vec<Scenario>> {
    Ok(load_experiment_inputs(path, None, None)?.scenarios)
}

/// [`load_experiment`] with the command-line overrides of every scenario's
/// replications (1 to 100,000) and seed.
pub fn load_experiment_with(
    path: &Path,
    replications: Option<u32>,
    seed: Option<u64>,
) -> Result<Vec<Scenario>> {
    Ok(load_experiment_inputs(path, replications, seed)?.scenarios)
}

/// [`load_experiment_with`], also giving the file's text as read and every
/// other file the scenario read (its `empirical` samples).
pub fn load_experiment_inputs(
    path: &Path,
    replications: Option<u32>,
    seed: Option<u64>,
) -> Result<Loaded> {
    if let Some(r) = replications
        && (r == 0 || r > 100_000)
    {
        return Err(Error::BadSetting {
            setting: "replications".into(),
            message: format!("must be from 1 to 100000, got {r}"),
        });
    }
    let source = read_scenario_text(path)?;
    let mut inputs = Inputs::default();
    let scenarios = expand_with(&source, path, replications, seed, &mut inputs)?;
    Ok(Loaded {
        source,
        scenarios,
        inputs: inputs.files,
    })
}

/// [`load_experiment_with`] from the text of the file at `path` (read
/// once by [`read_source`](super::read_source) and kept by the caller, so
/// the results can record the very bytes simulated); `path` names the
/// file in messages and is where relative paths are resolved.
pub fn load_experiment_text_with(
    text: &str,
    path: &Path,
    replications: Option<u32>,
    seed: Option<u64>,
) -> Result<Vec<Scenario>> {
    expand_with(text, path, replications, seed, &mut Inputs::default())
}

/// The scenarios of `text`, the file at `path`, with the command-line
/// overrides.
fn expand_with(
    text: &str,
    path: &Path,
    replications: Option<u32>,
    seed: Option<u64>,
    inputs: &mut Inputs,
) -> Result<Vec<Scenario>> {
    if let Some(r) = replications
        && (r == 0 || r > 100_000)
    {
        return Err(Error::BadSetting {
            setting: "replications".into(),
            message: format!("must be from 1 to 100000, got {r}"),
        });
    }
    let mut scenarios = expand(
        text,
        &path.display().to_string(),
        scenario_dir(path),
        inputs,
    )?;
    for sc in &mut scenarios {
        if let Some(r) = replications {
            sc.replications = r;
        }
        if let Some(s) = seed {
            sc.seed = s;
        }
    }
    Ok(scenarios)
}

/// Like [`load_experiment`], from the file's text.
pub fn load_experiment_str(text: &str, file: &str, dir: Option<&Path>) -> Result<Vec<Scenario>> {
    expand(text, file, dir, &mut Inputs::default())
}

/// The scenarios of one file. The TOML is parsed once; each variant and
/// sweep point is a copy of the parsed base (without `[[variant]]` and
/// `[sweep]`) with its values set, so the work grows with the size of the
/// file, not with its size times the number of scenarios.
fn expand(
    text: &str,
    file: &str,
    dir: Option<&Path>,
    inputs: &mut Inputs,
) -> Result<Vec<Scenario>> {
    let doc = parse(text, file)?;
    let base = load_doc(doc.as_table(), text, file, dir, inputs).map_err(Error::Scenario)?;
    let mut problems = Problems::default();
    let mut out = vec![base];
    let lines = LineIndex::new(text);
    let place = |span: &Option<Range<usize>>| position(&lines, text, span);
    // the base without its variants and sweep: what each scenario starts from
    let mut plain: Option<DocumentMut> = None;
    let mut plain_base = || -> DocumentMut {
        plain
            .get_or_insert_with(|| {
                let mut d = doc.clone().into_mut();
                d.remove("variant");
                d.remove("sweep");
                d
            })
            .clone()
    };

    let report =
        |problems: &mut Problems, span: &Option<Range<usize>>, key: &str, message: String| {
            if problems.full() {
                problems.1 += 1;
                return;
            }
            let (line, column) = place(span);
            problems.push(Problem {
                file: file.to_string(),
                line,
                column,
                key: key.to_string(),
                message,
            });
        };

    // The number of scenarios, checked before any is built.
    let variant_count = match doc.get("variant") {
        Some(Item::ArrayOfTables(a)) => a.len(),
        _ => 0,
    };
    let sweep_points = doc
        .get("sweep")
        .and_then(Item::as_table_like)
        .map(|sweep| {
            sweep
                .iter()
                .map(|(_, v)| v.as_array().map_or(1, |a| a.len().max(1)))
                .fold(1usize, |p, n| p.saturating_mul(n))
        })
        .unwrap_or(0);
    if variant_count.saturating_add(sweep_points).saturating_add(1) > MAX_SCENARIOS {
        let span = doc
            .get("sweep")
            .filter(|_| sweep_points > 0)
            .or(doc.get("variant"))
            .and_then(|i| match i {
                Item::Table(t) => t.span(),
                Item::ArrayOfTables(a) => a.span(),
                other => other.span(),
            });
        let key = if sweep_points > 0 { "sweep" } else { "variant" };
        let total = 1usize
            .saturating_add(variant_count)
            .saturating_add(sweep_points);
        let what = if sweep_points > 0 {
            format!("the sweep has {sweep_points} points")
        } else {
            format!("the file has {variant_count} variants")
        };
        report(
            &mut problems,
            &span,
            key,
            format!(
                "{what}; at most {MAX_SCENARIOS} scenarios per file, and with the base, {variant_count} variants and {sweep_points} sweep points it would expand to {total}"
            ),
        );
        return Err(Error::Scenario(problems));
    }

    // Every scenario's name, with the place and key a clash is reported at:
    // names identify results, so no two scenarios may share one.
    let base_name_span = doc
        .get("simulation")
        .and_then(|s| s.get("name"))
        .and_then(Item::span);
    let mut names: std::collections::HashMap<String, (Option<Range<usize>>, String)> =
        std::collections::HashMap::new();
    names.insert(
        out[0].name.clone(),
        (base_name_span, "simulation.name".into()),
    );

    // [[variant]]
    if let Some(item) = doc.get("variant") {
        let entries: Vec<(&dyn TableLike, Option<Range<usize>>)> = match item {
            Item::ArrayOfTables(a) => a.iter().map(|t| (t as &dyn TableLike, t.span())).collect(),
            other => {
                report(
                    &mut problems,
                    &other.span(),
                    "variant",
                    "expected [[variant]] entries, each with a name and a set table".into(),
                );
                Vec::new()
            }
        };
        for (i, (entry, span)) in entries.into_iter().enumerate() {
            // named like other entries: `variant.+1 L1.set`, by position without a name
            let path = match entry.get("name").and_then(Item::as_str) {
                Some(n) if !n.trim().is_empty() => format!("variant.{n}"),
                _ => format!("variant[{}]", i + 1),
            };
            for (k, _) in entry.iter() {
                if k != "name" && k != "set" {
                    let kspan = entry.get_key_value(k).and_then(|(key, _)| key.span());
                    report(
                        &mut problems,
                        &kspan,
                        &format!("{path}.{k}"),
                        format!("unknown key \"{k}\"; a variant has only name and set"),
                    );
                }
            }
            let name = match entry.get("name").map(|n| (n.as_str(), n.span())) {
                Some((Some(n), nspan)) if n.trim().is_empty() => {
                    report(
                        &mut problems,
                        &nspan,
                        &format!("{path}.name"),
                        "a variant needs a name to tell it apart in the results".into(),
                    );
                    continue;
                }
                Some((Some(n), nspan)) => {
                    if names.contains_key(n) {
                        report(
                            &mut problems,
                            &nspan,
                            &format!("{path}.name"),
                            format!("a second scenario named \"{n}\""),
                        );
                    }
                    names
                        .entry(n.to_string())
                        .or_insert((nspan, format!("{path}.name")));
                    n.to_string()
                }
                Some((None, nspan)) => {
                    report(
                        &mut problems,
                        &nspan,
                        &format!("{path}.name"),
                        "expected a string".into(),
                    );
                    continue;
                }
                None => {
                    report(
                        &mut problems,
                        &span,
                        &format!("{path}.name"),
                        "missing required key \"name\" in the variant".into(),
                    );
                    continue;
                }
            };
            let Some(set) = entry.get("set").and_then(Item::as_table_like) else {
                report(
                    &mut problems,
                    &span,
                    &format!("{path}.set"),
                    "a variant needs a set table, e.g. set = { \"line.L1.agents\" = 10 }".into(),
                );
                continue;
            };
            let mut changes = Vec::new();
            for (k, v) in set.iter() {
                let kspan = set.get_key_value(k).and_then(|(key, _)| key.span());
                match v.as_value() {
                    Some(value) => changes.push((k.to_string(), value.clone(), kspan)),
                    None => report(
                        &mut problems,
                        &kspan,
                        &format!("{path}.set"),
                        format!("\"{k}\": expected a value"),
                    ),
                }
            }
            if let Some(sc) = build(
                &Base {
                    doc: plain_base(),
                    text,
                    lines: &lines,
                    file,
                    dir,
                },
                inputs,
                &name,
                &changes,
                &format!("{path}.set"),
                &mut problems,
            ) {
                out.push(sc);
            }
        }
    }

    // [sweep]
    if let Some(item) = doc.get("sweep") {
        match item.as_table_like() {
            None => report(
                &mut problems,
                &item.span(),
                "sweep",
                "expected a table of path = [values]".into(),
            ),
            Some(sweep) => {
                let mut axes: Vec<(String, Vec<Value>, Option<Range<usize>>)> = Vec::new();
                for (k, v) in sweep.iter() {
                    let kspan = sweep.get_key_value(k).and_then(|(key, _)| key.span());
                    match v.as_array() {
                        Some(a) if !a.is_empty() => {
                            // a value listed twice would make two points of one
                            // name; it is reported and the axis goes on without it
                            let mut seen: HashSet<String> = HashSet::new();
                            let mut values = Vec::new();
                            for x in a.iter() {
                                let shown = x.to_string().trim().to_string();
                                if seen.contains(&shown) {
                                    report(
                                        &mut problems,
                                        &x.span(),
                                        &format!("sweep.{k}"),
                                        format!(
                                            "{shown} is listed twice; two sweep points would share a name"
                                        ),
                                    );
                                } else {
                                    seen.insert(shown);
                                    values.push(x.clone());
                                }
                            }
                            axes.push((k.to_string(), values, kspan))
                        }
                        _ => report(
                            &mut problems,
                            &kspan,
                            &format!("sweep.{k}"),
                            "expected a non-empty array of values, e.g. [6, 7, 8]".into(),
                        ),
                    }
                }
                let points: usize = axes.iter().map(|a| a.1.len()).product();
                if points + out.len() > MAX_SCENARIOS {
                    report(
                        &mut problems,
                        &item.span(),
                        "sweep",
                        format!(
                            "the sweep has {points} points; at most {MAX_SCENARIOS} scenarios per file"
                        ),
                    );
                } else if !axes.is_empty() {
                    let mut index = vec![0usize; axes.len()];
                    'points: loop {
                        let changes: Vec<(String, Value, Option<Range<usize>>)> = axes
                            .iter()
                            .zip(&index)
                            .map(|((k, vs, span), &i)| (k.clone(), vs[i].clone(), span.clone()))
                            .collect();
                        let name = changes
                            .iter()
                            .map(|(k, v, _)| format!("{k}={}", v.to_string().trim()))
                            .collect::<Vec<_>>()
                            .join(", ");
                        if let Some((nspan, key)) = names.get(&name) {
                            // reported at the other scenario's name, for every point
                            report(
                                &mut problems,
                                nspan,
                                key,
                                format!(
                                    "a [sweep] point is also named \"{name}\"; two scenarios must not share a name"
                                ),
                            );
                        } else {
                            let before = problems.total();
                            let base = Base {
                                doc: plain_base(),
                                text,
                                lines: &lines,
                                file,
                                dir,
                            };
                            if let Some(sc) =
                                build(&base, inputs, &name, &changes, "sweep", &mut problems)
                            {
                                out.push(sc);
                            }
                            if problems.total() > before {
                                break 'points; // one bad point is enough to explain
                            }
                        }
                        // odometer: the last axis varies fastest
                        let mut d = axes.len();
                        loop {
                            if d == 0 {
                                break 'points;
                            }
                            d -= 1;
                            index[d] += 1;
                            if index[d] < axes[d].1.len() {
                                break;
                            }
                            index[d] = 0;
                        }
                    }
                }
            }
        }
    }

    if problems.is_empty() {
        Ok(out)
    } else {
        problems.sort();
        Err(Error::Scenario(problems))
    }
}

fn position(lines: &LineIndex, text: &str, span: &Option<Range<usize>>) -> (usize, usize) {
    match span {
        Some(span) => lines.position(text, span.start),
        None => (0, 0),
    }
}

/// What every variant and sweep point starts from: the parsed base.
struct Base<'a> {
    /// The base document without `[[variant]]` and `[sweep]`, a copy of its own.
    doc: DocumentMut,
    /// The file's text, for the places of problems.
    text: &'a str,
    lines: &'a LineIndex,
    file: &'a str,
    dir: Option<&'a Path>,
}

/// The base with `changes` written in, read as scenario `name`.
fn build(
    base: &Base,
    inputs: &mut Inputs,
    name: &str,
    changes: &[(String, Value, Option<Range<usize>>)],
    key: &str,
    problems: &mut Problems,
) -> Option<Scenario> {
    let Base {
        doc,
        text,
        lines,
        file,
        dir,
    } = base;
    let mut doc = doc.clone();
    let mut ok = true;
    for (path, value, span) in changes {
        if let Err(msg) = set_path(doc.as_table_mut(), path, value.clone()) {
            let (line, column) = position(lines, text, span);
            problems.push(Problem {
                file: file.to_string(),
                line,
                column,
                key: format!("{key}.\"{path}\""),
                message: msg,
            });
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let first_span = changes.first().and_then(|c| c.2.clone());
    // the copy has no places in the file: its problems are reported at the
    // variant's (or sweep's) first value
    match load_doc(doc.as_table(), "", file, *dir, inputs) {
        Ok(mut sc) => {
            sc.name = name.to_string();
            Some(sc)
        }
        Err(inner) => {
            let (line, column) = position(lines, text, &first_span);
            for p in inner.0 {
                problems.push(Problem {
                    file: file.to_string(),
                    line,
                    column,
                    key: key.to_string(),
                    message: format!("in scenario \"{name}\", {}: {}", p.key, p.message),
                });
            }
            problems.1 += inner.1;
            None
        }
    }
}

/// The key an entry of the array `array` is addressed by.
fn entry_key(array: &str) -> &'static str {
    if array == "arrivals" {
        "channel"
    } else {
        "name"
    }
}

/// Writes `value` at `path` in `table`; the error says which segment
/// addresses nothing.
fn set_path(
    table: &mut dyn TableLike,
    path: &str,
    value: Value,
) -> std::result::Result<(), String> {
    let segments: Vec<&str> = path.split('.').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(format!(
            "\"{path}\" is not a path; write e.g. \"line.L1.agents\""
        ));
    }
    let mut current: &mut dyn TableLike = table;
    let mut i = 0;
    let mut walked = String::new();
    while i + 1 < segments.len() {
        let seg = segments[i];
        let keys: Vec<String> = current.iter().map(|(k, _)| k.to_string()).collect();
        let Some(item) = current.get_mut(seg) else {
            return Err(format!(
                "the path addresses nothing: no \"{seg}\" in {} (keys there: {})",
                if walked.is_empty() {
                    "the file".to_string()
                } else {
                    walked.clone()
                },
                super::load::short_list(&keys)
            ));
        };
        let here = if walked.is_empty() {
            seg.to_string()
        } else {
            format!("{walked}.{seg}")
        };
        // an array of tables: the next segment names an entry
        let is_array =
            matches!(item, Item::ArrayOfTables(_)) || matches!(item, Item::Value(Value::Array(_)));
        if is_array {
            let want = segments[i + 1];
            let by = entry_key(seg);
            let mut found: Option<&mut dyn TableLike> = None;
            let mut seen = Vec::new();
            match item {
                Item::ArrayOfTables(a) => {
                    for t in a.iter_mut() {
                        let n = t.get(by).and_then(Item::as_str).unwrap_or("").to_string();
                        if n == want && found.is_none() {
                            found = Some(t);
                        } else {
                            seen.push(n);
                        }
                    }
                }
                Item::Value(Value::Array(a)) => {
                    for v in a.iter_mut() {
                        if let Some(t) = v.as_inline_table_mut() {
                            let n = t.get(by).and_then(Value::as_str).unwrap_or("").to_string();
                            if n == want && found.is_none() {
                                found = Some(t);
                            } else {
                                seen.push(n);
                            }
                        }
                    }
                }
                _ => unreachable!("checked to be an array"),
            }
            match found {
                Some(t) => {
                    current = t;
                    walked = format!("{here}.{want}");
                    i += 2;
                }
                None => {
                    return Err(format!(
                        "the path addresses nothing: no {seg} with {by} \"{want}\" ({seg} entries: {})",
                        super::load::short_list(&seen)
                    ));
                }
            }
        } else {
            match item.as_table_like_mut() {
                Some(t) => {
                    current = t;
                    walked = here;
                    i += 1;
                }
                None => {
                    return Err(format!(
                        "the path addresses nothing: \"{here}\" is a value, not a table"
                    ));
                }
            }
        }
    }
    if i >= segments.len() {
        return Err(format!(
            "\"{path}\" names an entry, not a key inside it; add the key, e.g. \"{path}.agents\""
        ));
    }
    let last = segments[i];
    match current.get_mut(last) {
        Some(item) if item.is_table_like() && !value.is_inline_table() => Err(format!(
            "\"{path}\" is a table; set one of its keys instead"
        )),
        _ => {
            current.insert(last, Item::Value(value));
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
[simulation]
horizon = "2d"

[[channel]]
name = "phone"
patience = { dist = "exponential", mean = "5m" }

[[arrivals]]
channel = "phone"
per_hour = 60

[[line]]
name = "L1"
channels = ["phone"]
agents = 4
handle = { dist = "exponential", mean = "4m" }
"#;

    fn load(extra: &str) -> Result<Vec<Scenario>> {
        load_experiment_str(&format!("{BASE}{extra}"), "t.toml", None)
    }

    #[test]
    fn variants_and_sweeps_expand_in_file_order() {
        let s = load(
            r#"
[[variant]]
name = "more"
set = { "line.L1.agents" = 6, "channel.phone.patience.mean" = "3m", "arrivals.phone.per_hour" = 90 }

[sweep]
"line.L1.agents" = [3, 4, 5]
"arrivals.phone.per_hour" = [50, 70]
"#,
        )
        .unwrap();
        assert_eq!(s.len(), 1 + 1 + 6);
        assert_eq!(s[0].name, "base");
        assert_eq!(s[1].name, "more");
        assert_eq!(s[1].lines[0].agents, 6);
        assert!((s[1].mean_rate(0) * 3600.0 - 90.0).abs() < 1e-9);
        assert_eq!(s[1].channels[0].patience.as_ref().unwrap().mean(), 180.0);
        let grid: Vec<(u32, f64)> = s[2..]
            .iter()
            .map(|x| (x.lines[0].agents, (x.mean_rate(0) * 3600.0).round()))
            .collect();
        assert_eq!(
            grid,
            vec![
                (3, 50.0),
                (3, 70.0),
                (4, 50.0),
                (4, 70.0),
                (5, 50.0),
                (5, 70.0)
            ]
        );
        assert_eq!(s[2].name, "line.L1.agents=3, arrivals.phone.per_hour=50");
    }

    #[test]
    fn a_bad_path_is_named_with_its_place() {
        let err =
            load("\n[[variant]]\nname = \"x\"\nset = { \"line.L9.agents\" = 6 }\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("t.toml:21:9"), "{msg}");
        assert!(msg.contains("no line with name \"L9\""), "{msg}");
    }

    #[test]
    fn a_bad_value_is_reported_at_the_variant() {
        let err =
            load("\n[[variant]]\nname = \"x\"\nset = { \"line.L1.agents\" = -1 }\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("t.toml:21:9"), "{msg}");
        assert!(msg.contains("line.L1.agents"), "{msg}");
    }
}
