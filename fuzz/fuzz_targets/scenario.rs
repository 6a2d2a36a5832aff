//! Fuzz target: any bytes as a scenario file, through parsing, validation,
//! variants and sweeps, the capacity check, and a short run of what loads.
//! It must never panic, hang or take unbounded memory.

#![no_main]

use libfuzzer_sys::fuzz_target;
use staffsim::engine::SimTime;
use staffsim::experiment;
use staffsim::kpi;
use staffsim::report::{Exporter, Json};
use staffsim::scenario::{capacity, load_experiment_str};

/// Longest simulated time of a fuzzed run.
const MAX_HORIZON_SECS: f64 = 3.0 * 86_400.0;
/// Most arrivals a fuzzed run may expect, retries aside.
const MAX_ARRIVALS: f64 = 20_000.0;
/// Most agents a fuzzed run may have.
const MAX_AGENTS: u32 = 2_000;
/// Largest sweep the target loads. The loader takes sweeps of up to 10,000
/// points, each a full scenario read from a copy of the parsed base; under
/// the sanitizer thousands of them take seconds: a slow input, not a bug.
const MAX_SWEEP_POINTS: usize = 300;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if sweep_points(text) > MAX_SWEEP_POINTS {
        return;
    }
    let Ok(mut scenarios) = load_experiment_str(text, "fuzz.toml", None) else {
        return;
    };
    // keep the run short: a valid scenario may describe years of traffic
    scenarios.truncate(3);
    for sc in &mut scenarios {
        let _ = capacity::overloads(sc);
        sc.replications = sc.replications.min(2);
        let horizon = SimTime::from_secs_f64(MAX_HORIZON_SECS);
        if sc.horizon > horizon {
            sc.horizon = horizon;
        }
        if sc.warmup > sc.horizon {
            sc.warmup = sc.horizon;
        }
        sc.max_in_system = sc.max_in_system.min(5_000);
    }
    let too_big = scenarios.iter().any(|sc| {
        let secs = sc.horizon.as_secs_f64();
        let rate: f64 = (0..sc.channels.len()).map(|c| sc.mean_rate(c)).sum();
        let agents: u32 = sc.lines.iter().map(|l| l.headcount()).sum();
        // profiles may put a week's traffic into a few hours
        !(rate * secs * 8.0 <= MAX_ARRIVALS) || agents > MAX_AGENTS
    });
    if too_big {
        return;
    }
    let results = experiment::run(&scenarios, &|| {});
    // every number of the JSON document is finite (serde_json writes NaN
    // and infinity as null); the one null allowed is a figure undefined
    // because its scope had no contact ("no traffic"), and only there
    let json = Json.render(&results);
    let doc: serde_json::Value = serde_json::from_slice(&json).expect("the JSON parses");
    let bad = kpi::results_json_problems(&doc);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
});

/// The number of points of the file's `[sweep]` (the product of its axis
/// lengths), or 0 when it has none or does not parse.
fn sweep_points(text: &str) -> usize {
    let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
        return 0;
    };
    let Some(sweep) = doc.get("sweep").and_then(|s| s.as_table_like()) else {
        return 0;
    };
    sweep
        .iter()
        .map(|(_, v)| v.as_array().map_or(1, |a| a.len().max(1)))
        .fold(1usize, |p, n| p.saturating_mul(n))
}
