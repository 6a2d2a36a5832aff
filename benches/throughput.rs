//! Single-thread throughput: events per second of the bare engine, and
//! simulated contacts per second of whole replications, KPIs included.
//!
//! Run with `cargo bench --bench throughput`. Criterion reports the
//! `thrpt` line in elements per second: events for `engine`, contacts for
//! `erlang_a`, `two_lines` and `helpdesk` (every feature on: five channels,
//! ticket types, escalation to L3 and a vendor, shifts, breaks, per-interval
//! series), replications for `sweep` (8 points x 30 replications on 1 and on
//! 2 threads: the ratio of the two medians is the parallel speed-up), and
//! `events` (the help desk's replication without and with its event
//! log). A contact is one arrival the run simulates,
//! warm-up included (every arrival costs the same whether or not it is
//! counted in the KPIs); the count is computed once, outside the timed loop,
//! and is the same on every iteration because a replication is a pure
//! function of the scenario and its replication number.

mod common;

use common::{contacts, kpi_sum, replication, scenario};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use staffsim::engine::{Dist, Model, Scheduler, SimTime, Simulation, Stream, stream};
use staffsim::experiment::run_with_threads;
use staffsim::logs::events::Rows;
use staffsim::model::run_replication_with;
use staffsim::scenario::{Scenario, load_experiment_str};
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

fn helpdesk(c: &mut Criterion) {
    scenario_group(c, "helpdesk", "helpdesk.toml");
}

/// The help desk's replication with and without its event log (`run
/// --events`): `off` is the run as without the flag, `on` also writes
/// every contact's row through the log's buffered CSV writer into a file
/// (the part file a logged replication writes). Their medians give the
/// cost of the log; `off` against `helpdesk/replication` shows the run
/// without it is unchanged.
fn events(c: &mut Criterion) {
    let sc = scenario("helpdesk.toml");
    let n = contacts(&sc);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("events.csv");
    let mut g = c.benchmark_group("events");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(15))
        .throughput(Throughput::Elements(n));
    g.bench_function("helpdesk_off", |b| {
        b.iter(|| black_box(replication(black_box(&sc))))
    });
    g.bench_function("helpdesk_on", |b| {
        b.iter(|| {
            let file = std::fs::File::create(&path).expect("a file");
            let mut rows = Rows::new(&sc, 0, file);
            let tally = run_replication_with(black_box(&sc), 0, &mut rows);
            rows.finish().expect("the rows are written");
            black_box(kpi_sum(&sc, &tally))
        })
    });
    g.finish();
}

/// Points of the `sweep` benchmark.
const SWEEP_POINTS: usize = 8;
/// Replications of each point of the `sweep` benchmark.
const SWEEP_REPLICATIONS: u32 = 30;

/// `two-lines.toml` over one week, swept over 8 staffing levels of L1, 30
/// replications each: 240 replications, the shape of a planner's sweep.
fn sweep_scenarios() -> Vec<Scenario> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/two-lines.toml");
    let text = std::fs::read_to_string(&path).expect("scenarios/two-lines.toml is readable");
    let text = text.replace("horizon = \"30d\"", "horizon = \"7d\"");
    let levels: Vec<String> = (0..SWEEP_POINTS).map(|i| (9 + i).to_string()).collect();
    let text = format!(
        "{text}\n[sweep]\n\"line.L1.agents\" = [{}]\n",
        levels.join(", ")
    );
    let mut scenarios =
        load_experiment_str(&text, "sweep.toml", path.parent()).expect("the sweep loads");
    // the sweep's points, without the base
    scenarios.remove(0);
    for sc in &mut scenarios {
        sc.replications = SWEEP_REPLICATIONS;
    }
    assert_eq!(scenarios.len(), SWEEP_POINTS);
    scenarios
}

fn sweep(c: &mut Criterion) {
    let scenarios = sweep_scenarios();
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(15))
        .throughput(Throughput::Elements(
            (SWEEP_POINTS as u32 * SWEEP_REPLICATIONS) as u64,
        ));
    for threads in [1, 2] {
        g.bench_function(format!("threads{threads}"), |b| {
            b.iter(|| {
                let r = run_with_threads(black_box(&scenarios), Some(threads), &|| {})
                    .expect("the sweep runs");
                black_box(r.scenarios.len())
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    // no plots: criterion's plotters backend finds no font in this crate's
    // plotters build (text is drawn with the embedded DejaVu, registered by
    // staffsim's charts only), and the figures are in the terminal and in
    // target/criterion/*/new/estimates.json anyway
    config = Criterion::default().without_plots();
    targets = engine, erlang_a, two_lines, helpdesk, sweep, events
}
criterion_main!(benches);
