//! Sharded runs: a deterministic share of a run's (scenario, replication)
//! jobs written to a directory, and the merge of every share into exactly
//! the results of the unsharded run.

use crate::error::{Error, Result};
use crate::experiment::{Record, Results, assemble};
use crate::model::RunTally;
use crate::scenario::{InputFile, Scenario, load_experiment_inputs, read_input};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

/// The file a shard writes into its directory.
pub const SHARD_FILE: &str = "shard.json";

/// Most shards of one run (the largest `n` of `--shard i/n`).
pub const MAX_SHARDS: usize = 100_000;

/// Largest `shard.json` read, in bytes (1 GiB).
pub const MAX_SHARD_BYTES: u64 = 1 << 30;

/// What one shard ran and what it found.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shard {
    /// The staffsim version that ran it.
    pub staffsim_version: String,
    /// The scenario file, as an absolute path.
    pub scenario_file: PathBuf,
    /// SHA-256 of the scenario file's bytes, as simulated.
    pub scenario_sha256: String,
    /// Every other file the scenario read (its `empirical` samples), with
    /// the SHA-256 of the bytes simulated.
    pub inputs: Vec<InputFile>,
    /// The `--replications` override, if any.
    pub replications: Option<u32>,
    /// The `--seed` override, if any.
    pub seed: Option<u64>,
    /// This shard's number, from 1.
    pub shard: usize,
    /// How many shards the run has.
    pub of: usize,
    /// One record per job of this shard.
    pub records: Vec<Record>,
}

/// The version field alone, read before the rest: a shard of another
/// version may have another shape, and is named as such.
#[derive(Deserialize)]
struct Version {
    staffsim_version: Option<String>,
}

/// The SHA-256 of `bytes` in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Parses `i/n` (1 ≤ i ≤ n).
pub fn parse_shard(text: &str) -> Result<(usize, usize)> {
    let bad = || Error::BadSetting {
        setting: "shard".into(),
        message: format!("\"{text}\" is not a shard; write i/n with 1 <= i <= n, e.g. 3/8"),
    };
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if i == 0 || n == 0 || i > n || n > MAX_SHARDS {
        return Err(bad());
    }
    Ok((i, n))
}

fn merge_error(path: &Path, message: impl Into<String>) -> Error {
    Error::Merge {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// Reads and checks the shard in `dir`: its size and kind (a regular file
/// of at most [`MAX_SHARD_BYTES`]), its version (this staffsim's), its
/// shape (every field, with the path of the one at fault) and its numbers.
/// Its records are checked against the scenarios by [`merge`].
pub fn read_shard(dir: &Path) -> Result<Shard> {
    let path = dir.join(SHARD_FILE);
    let bytes = read_input(&path, MAX_SHARD_BYTES, "a shard file")?;
    shard_from_json(&path, &bytes)
}

/// Parses and checks the bytes of a `shard.json` (see [`read_shard`]);
/// `path` names it in messages.
pub fn shard_from_json(path: &Path, bytes: &[u8]) -> Result<Shard> {
    let bad = |message: String| merge_error(path, message);
    if !bytes.trim_ascii_start().starts_with(b"{") {
        return Err(bad("not a shard file: a shard file is a JSON object".into()));
    }
    let version: Version =
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(bytes))
            .map_err(|e| bad(path_error(e)))?;
    let ours = env!("CARGO_PKG_VERSION");
    match version.staffsim_version {
        Some(v) if v == ours => {}
        Some(v) => {
            return Err(bad(format!(
                "staffsim_version: the shard was run by staffsim {}, this is {ours}; run every shard and the merge with one version",
                printable(&v)
            )));
        }
        None => return Err(bad("staffsim_version: missing; not a shard file".into())),
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let shard: Shard = serde_path_to_error::deserialize(de).map_err(|e| bad(path_error(e)))?;
    if shard.of == 0 || shard.of > MAX_SHARDS {
        return Err(bad(format!(
            "of: {} shards; a run has from 1 to {MAX_SHARDS}",
            shard.of
        )));
    }
    if shard.shard == 0 || shard.shard > shard.of {
        return Err(bad(format!(
            "shard: {} is not a shard of {} (from 1 to {})",
            shard.shard, shard.of, shard.of
        )));
    }
    Ok(shard)
}

/// A JSON error with the path of the field at fault (`records[3].overall[2]`).
fn path_error(e: serde_path_to_error::Error<serde_json::Error>) -> String {
    let field = e.path().to_string();
    let inner = e.into_inner();
    if field == "." || field.is_empty() {
        format!("not a shard file: {inner}")
    } else {
        format!("{field}: {inner}")
    }
}

/// `text` shortened and with control characters replaced, to quote a
/// value from an untrusted file.
fn printable(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(40)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if text.chars().count() > 40 {
        out.push_str("...");
    }
    out
}

/// Checks that `record` (the `index`th of its shard) has the shape of a
/// replication of one of `scenarios`; `shapes` holds each scenario's empty
/// tally. Says which field is wrong.
fn check_record(
    record: &Record,
    index: usize,
    scenarios: &[Scenario],
    shapes: &[RunTally],
    kpis: &[crate::kpi::RunKpis],
) -> std::result::Result<(), String> {
    let at = |field: &str| format!("records[{index}].{field}");
    let Some(sc) = scenarios.get(record.scenario) else {
        return Err(format!(
            "{}: scenario {} does not exist; the file has {}",
            at("scenario"),
            record.scenario,
            scenarios.len()
        ));
    };
    if record.replication >= sc.replications as u64 {
        return Err(format!(
            "{}: replication {} of scenario \"{}\", which has {}",
            at("replication"),
            record.replication,
            printable(&sc.name),
            sc.replications
        ));
    }
    let shape = &shapes[record.scenario];
    let k = &kpis[record.scenario];
    let len = |field: &str, got: usize, want: usize| -> std::result::Result<(), String> {
        if got == want {
            Ok(())
        } else {
            Err(format!("{}: {got} values, expected {want}", at(field)))
        }
    };
    len("overall", record.overall.len(), k.overall.len())?;
    let groups = [
        ("lines", &record.lines, &k.lines),
        ("channels", &record.channels, &k.channels),
        ("types", &record.types, &k.types),
    ];
    for (name, got, want) in groups {
        len(name, got.len(), want.len())?;
        for (i, (g, w)) in got.iter().zip(want.iter()).enumerate() {
            len(&format!("{name}[{i}]"), g.len(), w.1.len())?;
        }
    }
    len(
        "agent_handled",
        record.agent_handled.len(),
        shape.agent_handled.len(),
    )?;
    len(
        "agent_busy",
        record.agent_busy.len(),
        shape.agent_busy.len(),
    )?;
    let (got, want) = (&record.intervals, &shape.intervals);
    if got.slots != want.slots {
        return Err(format!(
            "{}: {} intervals a week, expected {}",
            at("intervals.slots"),
            got.slots,
            want.slots
        ));
    }
    len(
        "intervals.occurrences",
        got.occurrences.len(),
        want.occurrences.len(),
    )?;
    len(
        "intervals.channels",
        got.channels.len(),
        want.channels.len(),
    )?;
    for (i, c) in got.channels.iter().enumerate() {
        len(&format!("intervals.channels[{i}]"), c.len(), want.slots)?;
    }
    len("intervals.lines", got.lines.len(), want.lines.len())?;
    for (i, l) in got.lines.iter().enumerate() {
        len(&format!("intervals.lines[{i}]"), l.len(), want.slots)?;
    }
    Ok(())
}

/// Merges the shards in `dirs` (every shard of one run, in any order) into
/// the results the unsharded run prints, with the scenarios they came from.
///
/// Every shard is checked in full before anything is merged, and a problem
/// is an [`Error::Merge`] naming the shard's file and the field at fault:
/// its version, its run (scenario file, its contents and every file it
/// read, seed, replications, number of shards), its number, and every
/// record's scenario, replication and the length of every list.
pub fn merge(dirs: &[PathBuf]) -> Result<(Vec<Scenario>, Results)> {
    let shards: Vec<Shard> = dirs.iter().map(|d| read_shard(d)).collect::<Result<_>>()?;
    merge_shards(dirs, shards)
}

/// [`merge`] of shards already read: `shards[i]` was read from the folder
/// `dirs[i]` (which names it in messages).
pub fn merge_shards(dirs: &[PathBuf], shards: Vec<Shard>) -> Result<(Vec<Scenario>, Results)> {
    let (Some(first_dir), Some(first)) = (dirs.first(), shards.first()) else {
        return Err(Error::BadSetting {
            setting: "shard_dirs".into(),
            message: "name the directories of every shard".into(),
        });
    };
    let mut seen = BTreeSet::new();
    for (s, dir) in shards.iter().zip(dirs) {
        let path = dir.join(SHARD_FILE);
        let differs = [
            ("scenario_file", s.scenario_file != first.scenario_file),
            (
                "scenario_sha256",
                s.scenario_sha256 != first.scenario_sha256,
            ),
            ("inputs", s.inputs != first.inputs),
            ("replications", s.replications != first.replications),
            ("seed", s.seed != first.seed),
            ("of", s.of != first.of),
        ];
        if let Some((field, _)) = differs.iter().find(|d| d.1) {
            return Err(merge_error(
                &path,
                format!(
                    "{field}: this shard belongs to another run than {}",
                    first_dir.join(SHARD_FILE).display()
                ),
            ));
        }
        if !seen.insert(s.shard) {
            return Err(merge_error(
                &path,
                format!("shard: shard {}/{} is given twice", s.shard, s.of),
            ));
        }
    }
    if let Some(missing) = (1..=first.of).find(|i| !seen.contains(i)) {
        return Err(merge_error(
            first_dir,
            format!("shard {missing}/{} is missing", first.of),
        ));
    }
    let loaded = load_experiment_inputs(&first.scenario_file, first.replications, first.seed)?;
    if sha256_hex(loaded.source.as_bytes()) != first.scenario_sha256 {
        return Err(merge_error(
            &first.scenario_file,
            "the scenario file changed since the shards ran",
        ));
    }
    for (i, input) in first.inputs.iter().enumerate() {
        let now = loaded.inputs.iter().find(|x| x.path == input.path);
        if now.is_none_or(|x| x.sha256 != input.sha256) {
            return Err(merge_error(
                &input.path,
                format!(
                    "this file, which the scenario reads, changed since the shards ran (inputs[{i}] of {})",
                    first_dir.join(SHARD_FILE).display()
                ),
            ));
        }
    }
    if let Some(extra) = loaded.inputs.iter().find(|x| !first.inputs.contains(x)) {
        return Err(merge_error(
            &extra.path,
            "the scenario reads this file now, but did not when the shards ran",
        ));
    }
    let scenarios = loaded.scenarios;
    let shapes: Vec<RunTally> = scenarios.iter().map(RunTally::new).collect();
    let kpis: Vec<_> = scenarios
        .iter()
        .zip(&shapes)
        .map(|(sc, t)| crate::kpi::measure(sc, t))
        .collect();
    let expected: u64 = scenarios.iter().map(|s| s.replications as u64).sum();
    let mut jobs: HashSet<(usize, u64)> = HashSet::new();
    for (s, dir) in shards.iter().zip(dirs) {
        let path = dir.join(SHARD_FILE);
        for (i, r) in s.records.iter().enumerate() {
            check_record(r, i, &scenarios, &shapes, &kpis).map_err(|m| merge_error(&path, m))?;
            if !jobs.insert((r.scenario, r.replication)) {
                return Err(merge_error(
                    &path,
                    format!(
                        "records[{i}]: replication {} of scenario {} is in the shards twice",
                        r.replication, r.scenario
                    ),
                ));
            }
        }
    }
    if jobs.len() as u64 != expected {
        return Err(merge_error(
            first_dir,
            format!(
                "the shards hold {} of the run's {expected} replications",
                jobs.len()
            ),
        ));
    }
    drop(shapes);
    let records: Vec<Record> = shards.into_iter().flat_map(|s| s.records).collect();
    let results = assemble(&scenarios, &records);
    Ok((scenarios, results))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_numbers() {
        assert_eq!(parse_shard("3/8").unwrap(), (3, 8));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }
}
