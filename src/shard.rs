//! Sharded runs: a deterministic share of a run's (scenario, replication)
//! jobs written to a directory, and the merge of every share into exactly
//! the results of the unsharded run.

use crate::error::{Error, Result};
use crate::experiment::{Record, Results, assemble, jobs};
use crate::scenario::{Scenario, load_experiment_text_with, read_source};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The file a shard writes into its directory.
pub const SHARD_FILE: &str = "shard.json";

/// What one shard ran and what it found.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Shard {
    /// The staffsim version that ran it.
    pub staffsim_version: String,
    /// The scenario file, as an absolute path.
    pub scenario_file: PathBuf,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_sha256: String,
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

/// The SHA-256 of `bytes` in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Parses `i/n` (1 ≤ i ≤ n).
pub fn parse_shard(text: &str) -> Result<(usize, usize)> {
    let bad = || Error::BadOption {
        option: "--shard".into(),
        message: format!("\"{text}\" is not a shard; write i/n with 1 <= i <= n, e.g. 3/8"),
    };
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if i == 0 || n == 0 || i > n || n > 100_000 {
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

/// Reads the shard in `dir`.
pub fn read_shard(dir: &Path) -> Result<Shard> {
    let path = dir.join(SHARD_FILE);
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| merge_error(&path, format!("not a shard file: {e}")))
}

/// Merges the shards in `dirs` (every shard of one run, in any order) into
/// the results the unsharded run prints, with the scenarios they came from.
pub fn merge(dirs: &[PathBuf]) -> Result<(Vec<Scenario>, Results)> {
    let Some(first_dir) = dirs.first() else {
        return Err(Error::BadOption {
            option: "merge".into(),
            message: "name the directories of every shard".into(),
        });
    };
    let shards: Vec<Shard> = dirs.iter().map(|d| read_shard(d)).collect::<Result<_>>()?;
    let first = &shards[0];
    let mut seen = vec![false; first.of];
    for (s, dir) in shards.iter().zip(dirs) {
        let same = s.scenario_file == first.scenario_file
            && s.scenario_sha256 == first.scenario_sha256
            && s.replications == first.replications
            && s.seed == first.seed
            && s.of == first.of;
        if !same {
            return Err(merge_error(
                dir,
                format!(
                    "this shard belongs to another run than {}",
                    first_dir.display()
                ),
            ));
        }
        if s.shard == 0 || s.shard > s.of || std::mem::replace(&mut seen[s.shard - 1], true) {
            return Err(merge_error(
                dir,
                format!(
                    "shard {}/{} is given twice or is out of range",
                    s.shard, s.of
                ),
            ));
        }
    }
    if let Some(missing) = seen.iter().position(|x| !x) {
        return Err(merge_error(
            first_dir,
            format!("shard {}/{} is missing", missing + 1, first.of),
        ));
    }
    // read once: the bytes checked are the bytes loaded
    let text = read_source(&first.scenario_file)?;
    if sha256_hex(text.as_bytes()) != first.scenario_sha256 {
        return Err(merge_error(
            &first.scenario_file,
            "the scenario file changed since the shards ran",
        ));
    }
    let scenarios =
        load_experiment_text_with(&text, &first.scenario_file, first.replications, first.seed)?;
    let records: Vec<Record> = shards.into_iter().flat_map(|s| s.records).collect();
    let mut expected = jobs(&scenarios);
    let mut got: Vec<(usize, u64)> = records
        .iter()
        .map(|r| (r.scenario, r.replication))
        .collect();
    expected.sort_unstable();
    got.sort_unstable();
    if expected != got {
        return Err(merge_error(
            first_dir,
            "the shards do not hold every replication exactly once",
        ));
    }
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
