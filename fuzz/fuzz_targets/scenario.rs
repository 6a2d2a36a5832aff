//! Fuzz target: any bytes as a scenario file, through parsing, validation,
//! variants and sweeps, the capacity check, and a short run of what loads.
//! It must never panic, hang or take unbounded memory.

#![no_main]

use libfuzzer_sys::fuzz_target;
use staffsim::engine::SimTime;
use staffsim::experiment;
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
    assert_finite(&doc, "");
    for s in doc["scenarios"].as_array().into_iter().flatten() {
        no_traffic_only_without_contacts(s);
    }
});

/// True for a path where `null` says "no traffic": the mean or interval of
/// a KPI undefined without contacts, or a target's value or verdict.
fn undefined_without_traffic(path: &str) -> bool {
    let parts: Vec<&str> = path.rsplit('.').take(2).collect();
    match parts.as_slice() {
        [last, kpi] if *last == "mean" || *last == "ci95" => {
            experiment::NO_TRAFFIC_KPIS.contains(kpi)
        }
        [last, target] if *last == "value" || *last == "met" => target.starts_with("targets["),
        _ => false,
    }
}

/// Panics at the first null (a NaN or infinite number) in `v` outside the
/// figures that "no traffic" leaves undefined.
fn assert_finite(v: &serde_json::Value, path: &str) {
    match v {
        serde_json::Value::Null if undefined_without_traffic(path) => {}
        serde_json::Value::Null => panic!("{path} is null: NaN or infinite"),
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                assert_finite(x, &format!("{path}[{i}]"));
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                assert_finite(x, &format!("{path}.{k}"));
            }
        }
        _ => {}
    }
}

/// Panics when a KPI is null in a scope (the desk or a channel) that was
/// offered contacts, or a number in one that was offered none.
fn no_traffic_only_without_contacts(s: &serde_json::Value) {
    let mut scopes = vec![("kpis".to_string(), &s["kpis"])];
    for (c, m) in s["channels"].as_object().into_iter().flatten() {
        scopes.push((format!("channels.{c}"), m));
    }
    for (name, m) in scopes {
        let none = m["offered"]["mean"].as_f64() == Some(0.0);
        for k in experiment::NO_TRAFFIC_KPIS {
            if m.get(k).is_some() {
                assert_eq!(
                    m[k]["mean"].is_null(),
                    none,
                    "{name}.{k} = {} with offered {}",
                    m[k]["mean"],
                    m["offered"]["mean"]
                );
            }
        }
    }
}

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
