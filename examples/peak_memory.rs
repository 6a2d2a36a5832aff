//! One replication of a scenario over a chosen horizon, for measuring peak
//! memory (it must not grow with the horizon) and single-thread speed.
//!
//! ```text
//! cargo build --release --example peak_memory
//! /usr/bin/time -v target/release/examples/peak_memory scenarios/erlang-a.toml --days 30
//! /usr/bin/time -v target/release/examples/peak_memory scenarios/erlang-a.toml --days 1095
//! ```
//!
//! Compare the "Maximum resident set size" lines. The program prints the
//! contacts offered in the measured window (after the warm-up), the events
//! handled (warm-up included) and the elapsed time, KPIs computed.

use staffsim::engine::SimTime;
use staffsim::kpi::{self, Kpi};
use staffsim::model::run_replication;
use staffsim::scenario::load_file;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: peak_memory [SCENARIO.toml] [--days N] [--replication R]  (default: scenarios/erlang-a.toml, its own horizon, replication 0)";

fn main() -> ExitCode {
    let mut file = PathBuf::from("scenarios/erlang-a.toml");
    let mut days: Option<f64> = None;
    let mut replication = 0u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--days" => match args.next().and_then(|v| v.parse::<f64>().ok()) {
                Some(d) if d.is_finite() && d > 0.0 => days = Some(d),
                _ => return usage("--days needs a positive number"),
            },
            "--replication" => match args.next().and_then(|v| v.parse().ok()) {
                Some(r) => replication = r,
                None => return usage("--replication needs a whole number"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other if !other.starts_with('-') => file = PathBuf::from(other),
            other => return usage(&format!("unknown option {other}")),
        }
    }

    let mut sc = match load_file(&file) {
        Ok(sc) => sc,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(d) = days {
        sc.horizon = SimTime::from_secs_f64(d * 86_400.0);
    }

    let started = Instant::now();
    let tally = run_replication(&sc, replication);
    let kpis = kpi::measure(&sc, &tally);
    let elapsed = started.elapsed().as_secs_f64();

    // contacts offered in the measured window (the warm-up's are not counted)
    let offered: u64 = tally.channels.iter().map(|c| c.offered).sum();
    let service_level = kpis
        .overall
        .iter()
        .find(|(k, _)| *k == Kpi::ServiceLevel)
        .map_or(0.0, |(_, v)| *v);
    println!("scenario        {}", file.display());
    println!("horizon_days    {}", sc.horizon.as_secs_f64() / 86_400.0);
    println!("replication     {replication}");
    println!("contacts        {offered}");
    println!("events          {}", tally.events);
    println!("elapsed_seconds {elapsed:.3}");
    println!(
        "contacts_per_s  {:.0}",
        if elapsed > 0.0 {
            offered as f64 / elapsed
        } else {
            0.0
        }
    );
    println!("service_level   {service_level:.4}");
    ExitCode::SUCCESS
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("error: {msg}\n{USAGE}");
    ExitCode::from(2)
}
