//! Memory of a run does not grow with its replications (issue 19 item 10):
//! a counting global allocator tracks the peak of live heap bytes while the
//! library runs one small scenario with N and with 10×N replications.
//!
//! Its own test binary, so that no other test allocates at the same time.

use staffsim::experiment::run_with_threads;
use staffsim::scenario::load_experiment_str;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::SeqCst) + by;
    PEAK.fetch_max(now, Ordering::SeqCst);
}

// SAFETY: every call goes to `System` with the caller's arguments; the
// counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on unchanged
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on unchanged
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on unchanged
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract is passed on unchanged
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

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
    let before = LIVE.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    // a fixed pool: the number of replications folded at once depends on it
    let results = run_with_threads(&scenarios, Some(2), &|| {}).expect("2 threads");
    let peak = PEAK.load(Ordering::SeqCst) - before;
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
