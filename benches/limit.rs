//! How close staffsim runs to the limit: its Erlang A replication against a
//! minimal hand-written heap simulator of the same model, side by side in
//! one run, and the help desk's contacts per second on one core.
//!
//! Run with `cargo bench --bench limit`. Each round times one staffsim
//! replication of `scenarios/erlang-a.toml` (every KPI computed) and one
//! replication of the minimal simulator below on the same parameters,
//! alternately on this one thread, so that a busy machine slows both
//! alike. It prints the median contacts per second of each and the median
//! of the per-round ratios (staffsim / minimal). The ratio, not the
//! absolute times, is the figure to compare between machines.
//!
//! The minimal simulator is the reference "limit": M/M/n+M with one FIFO
//! queue, a binary heap of (time, sequence) events, lazy deletion of
//! abandonments, and only the core KPIs (offered, answered, abandoned,
//! mean wait of answered, service level, occupancy). It is checked against
//! the exact Erlang A values before timing, so a fast but wrong reference
//! cannot flatter or shame staffsim.

mod common;

use common::{contacts, replication, scenario};
use rand::SeedableRng;
use rand_distr::{Distribution, Exp};
use rand_xoshiro::Xoshiro256PlusPlus;
use staffsim::analytic::ErlangA;
use staffsim::engine::SimTime;
use std::collections::{BinaryHeap, VecDeque};
use std::hint::black_box;
use std::time::Instant;

/// Timed rounds per simulator (after one untimed warm-up round).
const ROUNDS: usize = 31;

/// Erlang A parameters shared by both simulators, read from the shipped
/// `scenarios/erlang-a.toml` by hand (the bench checks it still says so).
#[derive(Clone, Copy)]
struct Params {
    per_second: f64,
    mean_handle: f64,
    mean_patience: f64,
    agents: usize,
    horizon: f64,
    warmup: f64,
    answer_within: f64,
}

const ERLANG_A: Params = Params {
    per_second: 120.0 / 3600.0,
    mean_handle: 240.0,
    mean_patience: 300.0,
    agents: 9,
    horizon: 30.0 * 86_400.0,
    warmup: 86_400.0,
    answer_within: 20.0,
};

/// What happens at an event of the minimal simulator.
#[derive(Clone, Copy)]
enum Kind {
    Arrival,
    Departure,
    /// The patience of this contact runs out (ignored if it left the queue).
    Abandon(u32),
}

/// One pending event: earliest first, ties in scheduling order.
struct Event {
    at: f64,
    seq: u64,
    kind: Kind,
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // reversed: BinaryHeap is a max-heap
        other.at.total_cmp(&self.at).then(other.seq.cmp(&self.seq))
    }
}

/// Core KPIs of one minimal replication, plus the contacts it simulated.
#[derive(Debug, Default)]
struct Core {
    contacts: u64,
    offered: u64,
    answered: u64,
    abandoned: u64,
    wait_answered: f64,
    within: u64,
    busy: f64,
}

impl Core {
    fn asa(&self) -> f64 {
        self.wait_answered / self.answered as f64
    }
    fn abandon_rate(&self) -> f64 {
        self.abandoned as f64 / self.offered as f64
    }
    fn service_level(&self) -> f64 {
        self.within as f64 / self.offered as f64
    }
}

/// One replication of M/M/n+M: the whole minimal simulator.
fn minimal(p: Params, seed: u64) -> Core {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let inter = Exp::new(p.per_second).expect("rate");
    let handle = Exp::new(1.0 / p.mean_handle).expect("rate");
    let patience = Exp::new(1.0 / p.mean_patience).expect("rate");
    let mut heap = BinaryHeap::new();
    let mut seq = 0u64;
    let mut push = |heap: &mut BinaryHeap<Event>, at: f64, kind: Kind| {
        seq += 1;
        heap.push(Event { at, seq, kind });
    };
    // arrival time of each contact, NaN once it left the queue
    let mut arrived: Vec<f64> = Vec::new();
    let mut queue: VecDeque<u32> = VecDeque::new();
    let mut free = p.agents;
    let mut core = Core::default();
    let counted = |t: f64| t >= p.warmup;
    // an answer at `now` of a contact that arrived at `t`
    let answer = |core: &mut Core, t: f64, now: f64, service: f64| {
        if counted(t) {
            core.answered += 1;
            core.wait_answered += now - t;
            core.within += u64::from(now - t <= p.answer_within);
        }
        if now >= p.warmup {
            core.busy += service.min(p.horizon - now);
        }
    };
    push(&mut heap, inter.sample(&mut rng), Kind::Arrival);
    while let Some(ev) = heap.pop() {
        let now = ev.at;
        if now > p.horizon {
            break;
        }
        match ev.kind {
            Kind::Arrival => {
                core.contacts += 1;
                if counted(now) {
                    core.offered += 1;
                }
                push(&mut heap, now + inter.sample(&mut rng), Kind::Arrival);
                if free > 0 {
                    free -= 1;
                    let service = handle.sample(&mut rng);
                    answer(&mut core, now, now, service);
                    push(&mut heap, now + service, Kind::Departure);
                } else {
                    let id = arrived.len() as u32;
                    arrived.push(now);
                    queue.push_back(id);
                    push(
                        &mut heap,
                        now + patience.sample(&mut rng),
                        Kind::Abandon(id),
                    );
                }
            }
            Kind::Departure => {
                free += 1;
                while let Some(id) = queue.pop_front() {
                    let t = arrived[id as usize];
                    if t.is_nan() {
                        continue; // abandoned while queued
                    }
                    arrived[id as usize] = f64::NAN;
                    free -= 1;
                    let service = handle.sample(&mut rng);
                    answer(&mut core, t, now, service);
                    push(&mut heap, now + service, Kind::Departure);
                    break;
                }
            }
            Kind::Abandon(id) => {
                let t = arrived[id as usize];
                if !t.is_nan() {
                    arrived[id as usize] = f64::NAN;
                    if counted(t) {
                        core.abandoned += 1;
                    }
                }
            }
        }
    }
    core
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` runs this with
    // no --bench: then only check that it works, with one short round.
    let timing = std::env::args().any(|a| a == "--bench");
    let sc = scenario("erlang-a.toml");
    let p = ERLANG_A;
    assert_eq!(
        sc.horizon,
        SimTime::from_secs_f64(p.horizon),
        "erlang-a.toml's horizon changed"
    );
    assert_eq!(
        sc.warmup,
        SimTime::from_secs_f64(p.warmup),
        "erlang-a.toml's warm-up changed"
    );

    // The reference must be right before its speed means anything: pool
    // a few replications and compare with the exact Erlang A values.
    let exact = ErlangA::new(
        p.per_second,
        p.mean_handle,
        p.agents as u32,
        p.mean_patience,
    )
    .expect("a valid Erlang A model");
    let check: Vec<Core> = (0..if timing { 8 } else { 2 })
        .map(|r| minimal(p, 100 + r))
        .collect();
    let pooled = |f: &dyn Fn(&Core) -> f64| check.iter().map(f).sum::<f64>() / check.len() as f64;
    let (asa, abandon, sl) = (
        pooled(&Core::asa),
        pooled(&Core::abandon_rate),
        pooled(&Core::service_level),
    );
    let occupancy = pooled(&|c: &Core| c.busy / (p.agents as f64 * (p.horizon - p.warmup)));
    println!(
        "minimal simulator vs exact Erlang A: ASA {asa:.1} s ({:.1}), abandon {:.2}% ({:.2}%), \
         service level {:.1}% ({:.1}%), occupancy {:.1}% ({:.1}%)",
        exact.asa_answered,
        100.0 * abandon,
        100.0 * exact.p_abandon,
        100.0 * sl,
        100.0 * exact.service_level(p.answer_within),
        100.0 * occupancy,
        100.0 * exact.occupancy,
    );
    assert!(
        (asa / exact.asa_answered - 1.0).abs() < 0.15,
        "minimal ASA off"
    );
    assert!(
        (abandon / exact.p_abandon - 1.0).abs() < 0.15,
        "minimal abandon rate off"
    );

    let staffsim_contacts = contacts(&sc) as f64;
    let rounds = if timing { ROUNDS } else { 1 };
    let (mut ours, mut limit, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..=rounds {
        let t = Instant::now();
        black_box(replication(black_box(&sc)));
        let a = staffsim_contacts / t.elapsed().as_secs_f64();
        let t = Instant::now();
        let core = black_box(minimal(p, 1_000 + round as u64));
        let b = core.contacts as f64 / t.elapsed().as_secs_f64();
        if round > 0 {
            // round 0 warms caches and the allocator
            ours.push(a);
            limit.push(b);
            ratio.push(a / b);
        }
    }
    println!(
        "erlang_a, {rounds} alternating rounds on one thread (medians):\n  \
         staffsim {:.2} M contacts/s, minimal {:.2} M contacts/s, ratio {:.2}",
        median(ours) / 1e6,
        median(limit) / 1e6,
        median(ratio)
    );

    let helpdesk = scenario("helpdesk.toml");
    let n = contacts(&helpdesk) as f64;
    let mut rates = Vec::new();
    for _ in 0..=rounds.min(11) {
        let t = Instant::now();
        black_box(replication(black_box(&helpdesk)));
        rates.push(n / t.elapsed().as_secs_f64());
    }
    rates.remove(0);
    println!(
        "helpdesk, one thread (median of {}): {:.2} M contacts/s",
        rates.len(),
        median(rates) / 1e6
    );
}
