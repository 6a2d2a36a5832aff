//! Memory of a run does not grow with its replications (issue 19 item 10):
//! a counting global allocator tracks the peak of live heap bytes while the
//! library runs one small scenario with N and with 10×N replications.
//!
//! Its own test binary, so that no other test allocates at the same time.

use staffsim::experiment::run_with_threads;
use staffsim::scenario::load_experiment_str;

#[path = "support/counting.rs"]
mod counting;

/// A one-line desk over two days with a what-if (so the paired differences
/// to the base are folded too), 15-minute intervals: about 65 KB of
/// per-interval counters per replication.
fn scenario(replications: u32) -> String {
    format!(
        r#"
[simulation]
name = "memory"
horizon = "2d"
warmup = "2h"
replications = {replications}
seed = 19

[[channel]]
name = "phone"
patience = {{ dist = "exponential", mean = "5m" }}
service_level = {{ answer_within = "20s", target = 0.80 }}

[[arrivals]]
channel = "phone"
per_hour = 6

[[line]]
name = "L1"
channels = ["phone"]
agents = 2
handle = {{ dist = "exponential", mean = "4m" }}

[[variant]]
name = "one more agent"
set = {{ "line.L1.agents" = 3 }}
"#
    )
}

/// Peak live heap bytes while the library runs the scenario, above what was
/// live before, and the replications it reports.
fn peak_of_run(replications: u32) -> (usize, u32) {
    let scenarios = load_experiment_str(&scenario(replications), "memory.toml", None)
        .expect("the test scenario loads");
    // a fixed pool: the number of replications folded at once depends on it
    let (results, peak) =
        counting::peak_during(|| run_with_threads(&scenarios, Some(2), &|| {}).expect("2 threads"));
    let reps = results.scenarios[1].replications;
    assert!(results.scenarios[1].vs_base.is_some());
    (peak, reps)
}

#[test]
fn memory_does_not_grow_with_replications() {
    // warm the pool-independent one-time allocations (stdout, rayon)
    peak_of_run(4);
    let n = 60;
    let (small, reps_small) = peak_of_run(n);
    let (large, reps_large) = peak_of_run(10 * n);
    assert_eq!((reps_small, reps_large), (n, 10 * n));
    eprintln!(
        "peak live heap: {small} bytes at {n} replications, {large} at {}",
        10 * n
    );
    // keeping every replication's results costs about 65 KB each here
    // (540 more replications: about 35 MB); folding them as they finish
    // keeps the peak where it was, give or take a small fixed margin
    let margin = 512 * 1024;
    assert!(
        large <= small + margin,
        "the peak grew from {small} bytes at {n} replications to {large} at {}: \
         {} bytes per extra replication",
        10 * n,
        (large.saturating_sub(small)) / (9 * n as usize)
    );
}
