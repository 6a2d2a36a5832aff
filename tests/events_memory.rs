//! Memory of a run writing its event log does not grow with the log: a
//! counting global allocator tracks the peak of live heap bytes while the
//! library runs one replication of a small desk over 30 days and over a
//! year (about 12 times the rows), logging every contact to a file.
//!
//! Its own test binary, so that no other test allocates at the same time.

use staffsim::experiment::run_logged_with_threads;
use staffsim::logs::events::{EventLog, Replications};
use staffsim::scenario::load_experiment_str;

#[path = "support/counting.rs"]
mod counting;

/// A phone line that escalates to a second line, with abandonment and
/// retries, and an email backlog: 30 contacts an hour, round the clock.
fn scenario(days: u32) -> String {
    format!(
        r#"
[simulation]
name = "memory"
horizon = "{days}d"
warmup = "1d"
replications = 1
seed = 14

[[channel]]
name = "phone"
patience = {{ dist = "exponential", mean = "3m" }}
retry = {{ probability = 0.3, delay = {{ dist = "exponential", mean = "15m" }} }}

[[channel]]
name = "email"

[[arrivals]]
channel = "phone"
per_hour = 24

[[arrivals]]
channel = "email"
per_hour = 6

[[line]]
name = "L1"
channels = ["phone", "email"]
agents = 3
handle = {{ dist = "exponential", mean = "5m" }}
resolve = 0.8
escalates_to = "L2"

[[line]]
name = "L2"
agents = 2
handle = {{ dist = "exponential", mean = "15m" }}
"#
    )
}

/// Peak live heap bytes while the library runs and logs the scenario,
/// above what was live before, and the size of the log.
fn peak_of_run(days: u32, dir: &std::path::Path) -> (usize, u64) {
    let scenarios =
        load_experiment_str(&scenario(days), "memory.toml", None).expect("the test scenario loads");
    let path = dir.join(format!("events-{days}.csv"));
    let ((), peak) = counting::peak_during(|| {
        let mut log = EventLog::create(&path, false, Replications::All, None).expect("a log");
        run_logged_with_threads(&scenarios, Some(1), &|| {}, &mut log)
            .expect("1 thread")
            .expect("the log is written");
        log.finish().expect("the log is placed");
    });
    let bytes = std::fs::metadata(&path).expect("written").len();
    (peak, bytes)
}

#[test]
fn memory_does_not_grow_with_the_event_log() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // warm the one-time allocations (rayon's pool, the standard streams)
    peak_of_run(2, dir.path());
    let (month, month_bytes) = peak_of_run(30, dir.path());
    let (year, year_bytes) = peak_of_run(365, dir.path());
    eprintln!(
        "peak live heap: {month} bytes for a {month_bytes}-byte log (30 days), \
         {year} for a {year_bytes}-byte log (365 days)"
    );
    assert!(
        year_bytes > 10 * month_bytes,
        "the year's log is 12 times the month's"
    );
    // holding the rows would cost about the log's size (tens of MB here);
    // streaming keeps the peak where it was, give or take a small margin
    let margin = 256 * 1024;
    assert!(
        year <= month + margin,
        "the peak grew from {month} bytes (30 days) to {year} (365 days)"
    );
}
