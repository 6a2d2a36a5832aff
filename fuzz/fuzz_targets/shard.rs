//! Fuzz target: any bytes as a `shard.json`, through `merge`'s reading and
//! checking of it, and, when it reads as a shard, through the merge itself
//! against a small scenario (with the run's fields set to that scenario's,
//! so that the records are what is tried). It must never panic, hang or
//! take memory sized by a number in the file.

#![no_main]

use libfuzzer_sys::fuzz_target;
use staffsim::scenario::load_experiment_inputs;
use staffsim::shard::{merge_shards, sha256_hex, shard_from_json};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A two-line, two-channel scenario of one simulated hour, two replications.
const SCENARIO: &str = r#"
[simulation]
horizon = "1h"
replications = 2

[[channel]]
name = "phone"
patience = { dist = "exponential", mean = "5m" }

[[channel]]
name = "email"

[[arrivals]]
channel = "phone"
per_hour = 30

[[arrivals]]
channel = "email"
per_hour = 5

[[line]]
name = "L1"
channels = ["phone", "email"]
agents = 2
handle = { dist = "exponential", mean = "4m" }
resolve = 0.8
escalates_to = "L2"

[[line]]
name = "L2"
agents = 1
handle = { dist = "exponential", mean = "10m" }
"#;

/// The scenario file, written once, and the SHA-256 of its bytes.
fn scenario() -> &'static (PathBuf, String) {
    static FILE: OnceLock<(PathBuf, String)> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("staffsim-fuzz-shard-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let path = dir.join("s.toml");
        std::fs::write(&path, SCENARIO).expect("the scenario is written");
        let loaded = load_experiment_inputs(&path, None, None).expect("the scenario loads");
        (path, sha256_hex(loaded.source.as_bytes()))
    })
}

fuzz_target!(|data: &[u8]| {
    let name = Path::new("fuzz/shard.json");
    let Ok(mut shard) = shard_from_json(name, data) else {
        return;
    };
    let (path, sha) = scenario();
    shard.scenario_file = path.clone();
    shard.scenario_sha256 = sha.clone();
    shard.inputs = Vec::new();
    shard.replications = shard.replications.map(|r| r.clamp(1, 3));
    shard.shard = 1;
    shard.of = 1;
    let _ = merge_shards(&[PathBuf::from("fuzz")], vec![shard]);
});
