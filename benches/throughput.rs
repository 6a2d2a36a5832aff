//! Single-thread throughput: events per second of the bare engine, and
//! simulated contacts per second of whole replications, KPIs included.
//!
//! Run with `cargo bench --bench throughput`. Criterion reports the
//! `thrpt` line in elements per second: events for `engine`, contacts for
//! `erlang_a` and `two_lines`. A contact is one arrival the run simulates,
//! warm-up included (every arrival costs the same whether or not it is
//! counted in the KPIs); the count is computed once, outside the timed loop,
//! and is the same on every iteration because a replication is a pure
//! function of the scenario and its replication number.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use staffsim::engine::{Dist, Model, Scheduler, SimTime, Simulation, Stream, stream};
use staffsim::model::run_replication;
use staffsim::scenario::{Scenario, load_file};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// Pending events of the engine benchmark: about as many as the Erlang A
/// scenario keeps in the queue (one arrival, nine agents, a few abandons).
const HOLD_EVENTS: u32 = 16;
/// Simulated span of the engine benchmark.
const HOLD_HORIZON: SimTime = SimTime::from_secs(1_000_000);

/// The classic "hold" model: a fixed population of timers, each of which
/// reschedules itself after an exponential delay when it fires. It does
/// nothing else, so the run time is the engine's own (queue and clock)
/// plus one random draw per event.
struct Hold {
    rng: Stream,
    delay: Dist,
    fired: u64,
}

impl Model for Hold {
    type Event = u32;

    fn start(&mut self, s: &mut Scheduler<u32>) {
        for i in 0..HOLD_EVENTS {
            s.after(self.delay.sample(&mut self.rng), i);
        }
    }

    fn handle(&mut self, event: u32, s: &mut Scheduler<u32>) {
        self.fired = self.fired.wrapping_add(event as u64);
        s.after(self.delay.sample(&mut self.rng), event);
    }
}

/// Runs the hold model to its horizon; returns the events handled.
fn run_hold() -> u64 {
    let model = Hold {
        rng: stream(1, 0, "hold"),
        // mean 16 s per timer: one event a second overall
        delay: Dist::exponential(HOLD_EVENTS as f64).expect("a positive mean"),
        fired: 0,
    };
    let mut sim = Simulation::new(model);
    sim.run_until(HOLD_HORIZON, |_| true);
    black_box(sim.model().fired);
    sim.events_handled()
}

/// Loads a scenario shipped in `scenarios/`.
fn scenario(file: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(file);
    load_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every contact replication 0 of `sc` simulates, warm-up included. The
/// arrival streams do not depend on the warm-up, so the same run with no
/// warm-up counts all of them as offered.
fn contacts(sc: &Scenario) -> u64 {
    let mut all = sc.clone();
    all.warmup = SimTime::ZERO;
    let tally = run_replication(&all, 0);
    tally.channels.iter().map(|c| c.offered).sum()
}

/// One replication of `sc` on this thread, with its KPIs computed.
fn replication(sc: &Scenario) -> f64 {
    let tally = run_replication(sc, 0);
    let kpis = tally.kpis(sc);
    // fold every KPI into the result so none of them can be skipped
    kpis.overall.iter().map(|(_, v)| v).sum::<f64>()
        + kpis
            .lines
            .iter()
            .chain(&kpis.channels)
            .flat_map(|(_, vs)| vs.iter().map(|(_, v)| v))
            .sum::<f64>()
}

fn engine(c: &mut Criterion) {
    let events = run_hold();
    let mut g = c.benchmark_group("engine");
    g.sample_size(20)
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements(events));
    g.bench_function("hold16", |b| b.iter(|| black_box(run_hold())));
    g.finish();
}

fn scenario_group(c: &mut Criterion, group: &str, file: &str) {
    let sc = scenario(file);
    let n = contacts(&sc);
    let mut g = c.benchmark_group(group);
    g.sample_size(20)
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements(n));
    g.bench_function("replication", |b| {
        b.iter(|| black_box(replication(black_box(&sc))))
    });
    g.finish();
}

fn erlang_a(c: &mut Criterion) {
    scenario_group(c, "erlang_a", "erlang-a.toml");
}

fn two_lines(c: &mut Criterion) {
    scenario_group(c, "two_lines", "two-lines.toml");
}

criterion_group!(benches, engine, erlang_a, two_lines);
criterion_main!(benches);
