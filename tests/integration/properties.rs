//! Properties over generated valid scenarios (proptest): short horizons,
//! 1-3 channels, 1-3 lines in an escalation chain (and sometimes a vendor),
//! optional opening hours, shifts, breaks and ticket types. For every one:
//! it loads; every replication conserves contacts per channel and tickets per
//! line; occupancy is a share; no KPI is negative; no number of the results
//! document is NaN or infinite; and the document is byte-identical on one
//! and on two threads.
//!
//! A failing case prints the scenario file it generated, ready to save and
//! run with `staffsim run`.

use proptest::prelude::*;
use proptest::test_runner::Config;
use staffsim::experiment;
use staffsim::kpi::{self, Kpi};
use staffsim::model::run_replication;
use staffsim::scenario::{Scenario, load_str};
use std::fmt::Write as _;

/// A random duration, written as the scenario format writes it.
#[derive(Debug, Clone)]
enum DistSpec {
    Exponential(u32),
    Lognormal(u32, f64),
    Gamma(u32, f64),
    Uniform(u32, u32),
    Constant(u32),
}

impl DistSpec {
    fn toml(&self) -> String {
        match self {
            DistSpec::Exponential(m) => format!("{{ dist = \"exponential\", mean = \"{m}s\" }}"),
            DistSpec::Lognormal(m, cv) => {
                format!("{{ dist = \"lognormal\", mean = \"{m}s\", cv = {cv} }}")
            }
            DistSpec::Gamma(m, cv) => format!("{{ dist = \"gamma\", mean = \"{m}s\", cv = {cv} }}"),
            DistSpec::Uniform(a, b) => {
                format!("{{ dist = \"uniform\", min = \"{a}s\", max = \"{b}s\" }}")
            }
            DistSpec::Constant(v) => format!("\"{v}s\""),
        }
    }
}

/// A distribution with a mean between `lo` and `hi` seconds.
fn dist(lo: u32, hi: u32) -> impl Strategy<Value = DistSpec> {
    let cv = prop_oneof![Just(0.5), Just(1.0), Just(1.5)];
    prop_oneof![
        (lo..=hi).prop_map(DistSpec::Exponential),
        ((lo..=hi), cv.clone()).prop_map(|(m, c)| DistSpec::Lognormal(m, c)),
        ((lo..=hi), cv).prop_map(|(m, c)| DistSpec::Gamma(m, c)),
        ((lo..=hi), (0..=hi)).prop_map(|(a, w)| DistSpec::Uniform(a, a + w)),
        (lo..=hi).prop_map(DistSpec::Constant),
    ]
}

fn weekdays() -> impl Strategy<Value = [bool; 7]> {
    proptest::array::uniform7(any::<bool>()).prop_map(|mut d| {
        if !d.iter().any(|&x| x) {
            d[0] = true;
        }
        d
    })
}

fn days_toml(days: &[bool; 7]) -> String {
    const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let names: Vec<String> = NAMES
        .iter()
        .zip(days)
        .filter(|(_, on)| **on)
        .map(|(n, _)| format!("\"{n}\""))
        .collect();
    format!("[{}]", names.join(", "))
}

fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Opening hours: open and close on the half hour, never equal (close
/// before open crosses midnight).
#[derive(Debug, Clone)]
struct HoursSpec {
    open: u32,
    close: u32,
    days: [bool; 7],
}

fn hours() -> impl Strategy<Value = HoursSpec> {
    ((0u32..48), (1u32..48), weekdays()).prop_map(|(o, len, days)| HoursSpec {
        open: o * 30,
        close: ((o + len) % 48) * 30 + if (o + len) % 48 == 0 { 1440 } else { 0 },
        days,
    })
}

impl HoursSpec {
    fn toml(&self) -> String {
        format!(
            "open = \"{}\"\nclose = \"{}\"\ndays = {}\n",
            clock(self.open),
            clock(self.close),
            days_toml(&self.days)
        )
    }
}

#[derive(Debug, Clone)]
enum Volume {
    PerHour(u32),
    PerDay {
        per_day: u32,
        /// A built-in profile name, or weights (24, or one per interval).
        profile: Result<&'static str, Vec<u32>>,
        weekday: Option<[u32; 7]>,
        volume_cv: f64,
    },
}

#[derive(Debug, Clone)]
struct ChannelSpec {
    patience: Option<DistSpec>,
    concurrency: u32,
    retry: Option<(f64, DistSpec)>,
    live: Option<bool>,
    hours: Option<HoursSpec>,
    volume: Volume,
    /// Index of the line that takes the channel (taken modulo the lines).
    line: usize,
}

fn channel(slots_per_day: usize) -> impl Strategy<Value = ChannelSpec> {
    let weights = prop_oneof![
        proptest::collection::vec(0u32..10, 24),
        proptest::collection::vec(0u32..10, slots_per_day),
    ]
    .prop_map(|mut w| {
        if w.iter().all(|&x| x == 0) {
            let n = w.len();
            w[n / 2] = 1;
        }
        w
    });
    let profile = prop_oneof![
        prop_oneof![Just("flat"), Just("24x7"), Just("office"), Just("evening")].prop_map(Ok),
        weights.prop_map(Err),
    ];
    let volume = prop_oneof![
        (1u32..=40).prop_map(Volume::PerHour),
        (
            (10u32..=600),
            profile,
            proptest::option::of(proptest::array::uniform7(0u32..=20)),
            prop_oneof![Just(0.0), Just(0.2)],
        )
            .prop_map(|(per_day, profile, weekday, volume_cv)| Volume::PerDay {
                per_day,
                profile,
                weekday,
                volume_cv,
            }),
    ];
    (
        proptest::option::of(dist(30, 900)),
        1u32..=3,
        proptest::option::of(((0u32..=9), dist(60, 3600))),
        proptest::option::of(any::<bool>()),
        proptest::option::weighted(0.25, hours()),
        volume,
        0usize..3,
    )
        .prop_map(
            |(patience, concurrency, retry, live, hours, volume, line)| ChannelSpec {
                patience,
                concurrency,
                retry: retry.map(|(p, d)| (p as f64 / 10.0, d)),
                live,
                hours,
                volume,
                line,
            },
        )
}

#[derive(Debug, Clone)]
struct ShiftSpec {
    start: u32,
    minutes: u32,
    days: [bool; 7],
    agents: u32,
}

fn shift() -> impl Strategy<Value = ShiftSpec> {
    ((0u32..48), (2u32..=28), weekdays(), (1u32..=6)).prop_map(|(s, len, days, agents)| ShiftSpec {
        start: s * 30,
        minutes: len * 30,
        days,
        agents,
    })
}

/// Breaks: work between breaks (least, and up to how much more), break
/// length, and lunch (after, length), all in minutes.
type BreaksSpec = (u32, u32, u32, Option<(u32, u32)>);

#[derive(Debug, Clone)]
struct LineSpec {
    /// Always-on agents, or shifts.
    staffing: Result<u32, Vec<ShiftSpec>>,
    handle: DistSpec,
    /// Tenths: resolve = this / 10 (the last line resolves everything).
    resolve: u32,
    routing: &'static str,
    breaks: Option<BreaksSpec>,
    key_clients: u32,
    key_clients_take_other_work: bool,
    live_first: bool,
    wage: u32,
}

fn line() -> impl Strategy<Value = LineSpec> {
    let staffing = prop_oneof![
        (1u32..=8).prop_map(Ok),
        proptest::collection::vec(shift(), 1..=3).prop_map(Err),
    ];
    let routing = prop_oneof![
        Just("longest_idle"),
        Just("round_robin"),
        Just("least_loaded"),
        Just("random"),
    ];
    let breaks = proptest::option::weighted(
        0.3,
        (
            (30u32..=120),
            (0u32..=30),
            (5u32..=15),
            proptest::option::of(((120u32..=300), (15u32..=45))),
        ),
    );
    (
        staffing,
        dist(60, 1200),
        0u32..=10,
        routing,
        breaks,
        0u32..=2,
        any::<bool>(),
        any::<bool>(),
        0u32..=40,
    )
        .prop_map(
            |(
                staffing,
                handle,
                resolve,
                routing,
                breaks,
                key_clients,
                key_clients_take_other_work,
                live_first,
                wage,
            )| LineSpec {
                staffing,
                handle,
                resolve,
                routing,
                breaks,
                key_clients,
                key_clients_take_other_work,
                live_first,
                wage,
            },
        )
}

#[derive(Debug, Clone)]
struct TypeSpec {
    /// Relative weight; shares are the weights over their sum.
    weight: u32,
    priority: &'static str,
    /// Per line of the chain: an own handling time, an own resolve (tenths).
    handle: Vec<Option<DistSpec>>,
    resolve: Vec<Option<u32>>,
    key_client: f64,
    misroute: f64,
}

fn ticket_type() -> impl Strategy<Value = TypeSpec> {
    let priority = prop_oneof![Just("low"), Just("normal"), Just("high"), Just("critical")];
    (
        1u32..=10,
        priority,
        proptest::collection::vec(proptest::option::of(dist(60, 1200)), 3),
        proptest::collection::vec(proptest::option::of(0u32..=10), 3),
        prop_oneof![Just(0.0), Just(0.3)],
        prop_oneof![Just(0.0), Just(0.1), Just(0.3)],
    )
        .prop_map(
            |(weight, priority, handle, resolve, key_client, misroute)| TypeSpec {
                weight,
                priority,
                handle,
                resolve,
                key_client,
                misroute,
            },
        )
}

/// One generated scenario.
#[derive(Debug, Clone)]
struct Spec {
    horizon_days: u32,
    warmup_hours: u32,
    replications: u32,
    seed: u64,
    interval_minutes: u32,
    start: &'static str,
    hours: Option<HoursSpec>,
    channels: Vec<ChannelSpec>,
    lines: Vec<LineSpec>,
    vendor: Option<DistSpec>,
    types: Vec<TypeSpec>,
    economics: bool,
}

fn spec() -> impl Strategy<Value = Spec> {
    let interval = prop_oneof![Just(15u32), Just(30), Just(60)];
    interval.prop_flat_map(|interval_minutes| {
        let slots = (1440 / interval_minutes) as usize;
        (
            (1u32..=3),
            prop_oneof![Just(0u32), Just(6), Just(24)],
            (1u32..=3),
            any::<u64>(),
            prop_oneof![Just("mon"), Just("wed"), Just("sat"), Just("sun")],
            proptest::option::weighted(0.4, hours()),
            proptest::collection::vec(channel(slots), 1..=3),
            proptest::collection::vec(line(), 1..=3),
            proptest::option::weighted(0.3, dist(600, 86_400)),
            prop_oneof![
                Just(Vec::new()),
                proptest::collection::vec(ticket_type(), 1..=3)
            ],
            any::<bool>(),
        )
            .prop_map(
                move |(
                    horizon_days,
                    warmup_hours,
                    replications,
                    seed,
                    start,
                    hours,
                    channels,
                    lines,
                    vendor,
                    types,
                    economics,
                )| Spec {
                    horizon_days,
                    warmup_hours,
                    replications,
                    seed,
                    interval_minutes,
                    start,
                    hours,
                    channels,
                    lines,
                    vendor,
                    types,
                    economics,
                },
            )
    })
}

impl Spec {
    /// The scenario file.
    fn toml(&self) -> String {
        let mut t = String::new();
        let n_lines = self.lines.len();
        let _ = writeln!(
            t,
            "[simulation]\nhorizon = \"{}d\"\nwarmup = \"{}h\"\nreplications = {}\nseed = {}\ninterval = \"{}m\"\nstart = \"{}\"\n",
            self.horizon_days,
            self.warmup_hours.min(self.horizon_days * 24 - 1),
            self.replications,
            self.seed >> 1,
            self.interval_minutes,
            self.start
        );
        if let Some(h) = &self.hours {
            let _ = writeln!(t, "[hours]\n{}", h.toml());
        }
        for (i, c) in self.channels.iter().enumerate() {
            let _ = writeln!(t, "[[channel]]\nname = \"c{i}\"");
            if let Some(p) = &c.patience {
                let _ = writeln!(t, "patience = {}", p.toml());
            }
            let _ = writeln!(t, "concurrency = {}", c.concurrency);
            // a retry needs someone to abandon; without patience it is allowed but idle
            if let Some((p, d)) = &c.retry {
                let _ = writeln!(t, "retry = {{ probability = {p}, delay = {} }}", d.toml());
            }
            if let Some(l) = c.live {
                let _ = writeln!(t, "live = {l}");
            }
            if let Some(h) = &c.hours {
                let _ = writeln!(
                    t,
                    "hours = {{ open = \"{}\", close = \"{}\", days = {} }}",
                    clock(h.open),
                    clock(h.close),
                    days_toml(&h.days)
                );
            }
            let _ = writeln!(
                t,
                "service_level = {{ answer_within = \"30s\", target = 0.8 }}\n"
            );
        }
        for (i, c) in self.channels.iter().enumerate() {
            let _ = writeln!(t, "[[arrivals]]\nchannel = \"c{i}\"");
            match &c.volume {
                Volume::PerHour(r) => {
                    let _ = writeln!(t, "per_hour = {r}");
                }
                Volume::PerDay {
                    per_day,
                    profile,
                    weekday,
                    volume_cv,
                } => {
                    let _ = writeln!(t, "per_day = {per_day}");
                    match profile {
                        Ok(name) => {
                            let _ = writeln!(t, "profile = \"{name}\"");
                        }
                        Err(w) => {
                            let w: Vec<String> = w.iter().map(u32::to_string).collect();
                            let _ = writeln!(t, "profile = [{}]", w.join(", "));
                        }
                    }
                    if let Some(w) = weekday {
                        let _ = writeln!(
                            t,
                            "weekday = {{ mon = {}, tue = {}, wed = {}, thu = {}, fri = {}, sat = {}, sun = {} }}",
                            w[0] as f64 / 10.0,
                            w[1] as f64 / 10.0,
                            w[2] as f64 / 10.0,
                            w[3] as f64 / 10.0,
                            w[4] as f64 / 10.0,
                            w[5] as f64 / 10.0,
                            w[6] as f64 / 10.0
                        );
                    }
                    let _ = writeln!(t, "volume_cv = {volume_cv}");
                }
            }
            t.push('\n');
        }
        let total: u32 = self.types.iter().map(|x| x.weight).sum();
        for (i, ty) in self.types.iter().enumerate() {
            let share = ty.weight as f64 / total as f64;
            let _ = writeln!(
                t,
                "[[ticket_type]]\nname = \"t{i}\"\nshare = {share}\npriority = \"{}\"\nkey_client = {}\nmisroute = {}",
                ty.priority, ty.key_client, ty.misroute
            );
            let handle: Vec<String> = ty
                .handle
                .iter()
                .take(n_lines)
                .enumerate()
                .filter_map(|(l, d)| d.as_ref().map(|d| format!("L{} = {}", l + 1, d.toml())))
                .collect();
            if !handle.is_empty() {
                let _ = writeln!(t, "handle = {{ {} }}", handle.join(", "));
            }
            let resolve: Vec<String> = ty
                .resolve
                .iter()
                .take(n_lines)
                .enumerate()
                .filter_map(|(l, r)| r.map(|r| format!("L{} = {}", l + 1, r as f64 / 10.0)))
                .collect();
            if !resolve.is_empty() {
                let _ = writeln!(t, "resolve = {{ {} }}", resolve.join(", "));
            }
            t.push('\n');
        }
        for (i, l) in self.lines.iter().enumerate() {
            let last = i + 1 == n_lines;
            let _ = writeln!(t, "[[line]]\nname = \"L{}\"", i + 1);
            let chans: Vec<String> = self
                .channels
                .iter()
                .enumerate()
                .filter(|(_, c)| c.line % n_lines == i)
                .map(|(ci, _)| format!("\"c{ci}\""))
                .collect();
            if !chans.is_empty() {
                let _ = writeln!(t, "channels = [{}]", chans.join(", "));
            }
            let _ = writeln!(t, "handle = {}", l.handle.toml());
            if !last {
                let _ = writeln!(
                    t,
                    "resolve = {}\nescalates_to = \"L{}\"",
                    l.resolve as f64 / 10.0,
                    i + 2
                );
            } else if self.vendor.is_some() {
                let _ = writeln!(
                    t,
                    "resolve = {}\nescalates_to = \"Vendor\"",
                    l.resolve as f64 / 10.0
                );
            }
            let _ = writeln!(
                t,
                "routing = \"{}\"\nwage = {}\nkey_clients_take_other_work = {}\nlive_first = {}",
                l.routing, l.wage, l.key_clients_take_other_work, l.live_first
            );
            let headcount = match &l.staffing {
                Ok(n) => *n,
                Err(shifts) => shifts.iter().map(|s| s.agents).min().unwrap_or(0),
            };
            let _ = writeln!(t, "key_clients = {}", l.key_clients.min(headcount));
            match &l.staffing {
                Ok(n) => {
                    let _ = writeln!(t, "agents = {n}");
                }
                Err(shifts) => {
                    for (si, s) in shifts.iter().enumerate() {
                        let _ = writeln!(
                            t,
                            "  [[line.shift]]\n  name = \"s{si}\"\n  start = \"{}\"\n  end = \"{}\"\n  days = {}\n  agents = {}",
                            clock(s.start),
                            clock((s.start + s.minutes) % 1440),
                            days_toml(&s.days),
                            s.agents
                        );
                    }
                }
            }
            if let Some((every, extra, length, lunch)) = l.breaks {
                let _ = writeln!(
                    t,
                    "  [line.breaks]\n  every = [\"{every}m\", \"{}m\"]\n  length = \"{length}m\"",
                    every + extra
                );
                if let Some((after, len)) = lunch {
                    let _ = writeln!(
                        t,
                        "  lunch = {{ after = \"{after}m\", length = \"{len}m\" }}"
                    );
                }
            }
            t.push('\n');
        }
        if let Some(d) = &self.vendor {
            let _ = writeln!(
                t,
                "[[line]]\nname = \"Vendor\"\nexternal = true\ndelay = {}\ncost_per_ticket = 120.0\n",
                d.toml()
            );
        }
        if self.economics {
            t.push_str(
                "[economics]\ncurrency = \"EUR\"\noverhead = 0.3\novertime_multiplier = 1.5\nabsenteeism = 0.1\ntraining_days_per_year = 10\nabandon_cost = 5.0\n\n[targets]\nservice_level = 0.8\nabandon_rate_max = 0.05\nasa_max = \"1m\"\nresolved_within = { time = \"8h\", target = 0.9 }\n",
            );
        }
        t
    }
}

/// The KPI means of one scenario's results, with their JSON paths.
fn kpi_means(s: &serde_json::Value) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    let mut add = |prefix: String, map: &serde_json::Value| {
        for (k, e) in map.as_object().into_iter().flatten() {
            out.push((
                format!("{prefix}.{k}"),
                e["mean"].as_f64().unwrap_or(f64::NAN),
            ));
        }
    };
    add("kpis".into(), &s["kpis"]);
    for group in ["lines", "channels", "ticket_types"] {
        for (name, m) in s[group].as_object().into_iter().flatten() {
            add(format!("{group}.{name}"), m);
        }
    }
    out
}

/// The results document of `sc` on a pool of `threads` threads.
fn results_json(sc: &Scenario, threads: usize) -> String {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    let results = pool.install(|| experiment::run(std::slice::from_ref(sc), &|| {}));
    serde_json::to_string(&results).expect("results serialize")
}

/// Checks one generated scenario; returns what is wrong.
fn check(text: &str) -> Vec<String> {
    let sc = match load_str(text, "prop.toml", None) {
        Ok(sc) => sc,
        Err(e) => return vec![format!("a valid scenario does not load: {e}")],
    };
    let mut bad = Vec::new();
    for r in 0..sc.replications as u64 {
        let t = run_replication(&sc, r);
        for (ch, c) in sc.channels.iter().zip(&t.channels) {
            if c.offered != c.answered + c.abandoned + c.waiting_end {
                bad.push(format!(
                    "replication {r}: channel {}: offered {} != answered {} + abandoned {} + waiting at the end {}",
                    ch.name, c.offered, c.answered, c.abandoned, c.waiting_end
                ));
            }
            if c.retried > c.abandoned || c.answered_in_time > c.answered {
                bad.push(format!(
                    "replication {r}: channel {}: {c:?} (retries or answered in time exceed their whole)",
                    ch.name
                ));
            }
        }
        for (line, l) in sc.lines.iter().zip(&t.lines) {
            if line.external.is_some() {
                continue;
            }
            if l.offered != l.answered + l.abandoned + l.waiting_end {
                bad.push(format!(
                    "replication {r}: line {}: offered {} != answered {} + abandoned {} + waiting at the end {}",
                    line.name, l.offered, l.answered, l.abandoned, l.waiting_end
                ));
            }
        }
        let k = kpi::measure(&sc, &t);
        let occupancies = k
            .overall
            .iter()
            .filter(|x| x.0 == Kpi::Occupancy)
            .map(|x| ("overall".to_string(), x.1))
            .chain(k.lines.iter().flat_map(|(name, v)| {
                v.iter()
                    .filter(|x| x.0 == Kpi::Occupancy)
                    .map(move |x| (name.clone(), x.1))
            }));
        for (name, o) in occupancies {
            if !(0.0..=1.0 + 1e-9).contains(&o) {
                bad.push(format!("replication {r}: occupancy of {name} is {o}"));
            }
        }
    }
    let one = results_json(&sc, 1);
    let two = results_json(&sc, 2);
    if one != two {
        bad.push("the results differ between 1 and 2 threads".into());
    }
    let doc: serde_json::Value = serde_json::from_str(&one).expect("the results are JSON");
    bad.extend(kpi::results_json_problems(&doc));
    for s in doc["scenarios"].as_array().into_iter().flatten() {
        for (path, v) in kpi_means(s) {
            if v.is_nan() && kpi::null_allowed_at(&format!("{path}.mean")) {
                continue; // checked by results_json_problems
            }
            if v.is_nan() || v < 0.0 {
                bad.push(format!("{path} = {v}, negative or missing"));
            }
            let share = SHARES.iter().any(|k| path.ends_with(&format!(".{k}")));
            if share && v > 1.0 + 1e-9 {
                bad.push(format!("{path} = {v} > 1, but it is a share"));
            }
        }
        for iv in s["intervals"].as_array().into_iter().flatten() {
            let at = format!("interval {} {}", iv["weekday"], iv["start"]);
            for (name, c) in iv["channels"].as_object().into_iter().flatten() {
                // no contact in the interval: no service level at all, not 0
                if c["offered"].as_f64() == Some(0.0) {
                    if c.get("service_level").is_some() {
                        bad.push(format!(
                            "{at}: channel {name}: a service level with no contact"
                        ));
                    }
                    continue;
                }
                let sl = c["service_level"].as_f64().unwrap_or(f64::NAN);
                if !(0.0..=1.0 + 1e-9).contains(&sl) {
                    bad.push(format!("{at}: channel {name}: service_level {sl}"));
                }
            }
            for (name, l) in iv["lines"].as_object().into_iter().flatten() {
                let get = |k: &str| l[k].as_f64().unwrap_or(f64::NAN);
                let (busy, duty, brk) = (
                    get("agents_busy"),
                    get("agents_on_duty"),
                    get("agents_on_break"),
                );
                if busy > duty + 1e-9 || brk > duty + 1e-9 {
                    bad.push(format!(
                        "{at}: line {name}: busy {busy} or on break {brk} exceed on duty {duty}"
                    ));
                }
            }
        }
    }
    bad
}

/// KPIs that are shares, in [0, 1].
const SHARES: [&str; 7] = [
    "occupancy",
    "service_level",
    "abandon_rate",
    "fcr",
    "escalation_rate",
    "misroute_rate",
    "resolved_within_target",
];

fn config() -> Config {
    Config {
        // 256 cases take a few seconds; PROPTEST_CASES=5000 for a longer hunt
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(256),
        // a failure prints its scenario file; nothing is written to the tree
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_scenarios_conserve_tickets_and_give_finite_thread_independent_results(spec in spec()) {
        let text = spec.toml();
        let bad = check(&text);
        prop_assert!(bad.is_empty(), "{}\n--- scenario ---\n{text}", bad.join("\n"));
    }
}

/// The generator itself: its files load (a sample of 200, cheaply, without
/// running them), so a loader regression shows up as a load error here and
/// not as a confusing property failure.
#[test]
fn generated_files_load() {
    let mut runner = proptest::test_runner::TestRunner::new(Config {
        cases: 200,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&spec(), |spec| {
            let text = spec.toml();
            if let Err(e) = load_str(&text, "prop.toml", None) {
                panic!("{e}\n--- scenario ---\n{text}");
            }
            Ok(())
        })
        .unwrap();
}

/// The largest queue of an interval (mean over runs of each run's largest)
/// can never be below the mean queue of that interval. A live channel open
/// 08:00-12:00 with too few agents leaves a queue after 12:00 that nothing
/// joins: the queue carried into each of those intervals is its largest.
#[test]
fn interval_max_queue_is_at_least_the_mean_queue() {
    let text = "[simulation]\nhorizon = \"3d\"\nreplications = 2\n\n\
                [hours]\nopen = \"08:00\"\nclose = \"12:00\"\n\n\
                [[channel]]\nname = \"phone\"\nlive = true\n\n\
                [[arrivals]]\nchannel = \"phone\"\nper_hour = 60\n\n\
                [[line]]\nname = \"L1\"\nchannels = [\"phone\"]\nagents = 2\n\
                handle = { dist = \"exponential\", mean = \"4m\" }\n";
    let sc = load_str(text, "queue.toml", None).expect("the scenario loads");
    let doc = serde_json::to_value(experiment::run(std::slice::from_ref(&sc), &|| {}))
        .expect("results serialize");
    let mut bad = Vec::new();
    for iv in doc["scenarios"][0]["intervals"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let l = &iv["lines"]["L1"];
        let (mean, max) = (
            l["mean_queue"].as_f64().unwrap(),
            l["max_queue"].as_f64().unwrap(),
        );
        if mean > max + 1e-9 {
            bad.push(format!(
                "{} {}: mean_queue {mean:.1} > max_queue {max}",
                iv["weekday"], iv["start"]
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
