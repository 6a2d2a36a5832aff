//! Command-line parsing (clap) and the glue from arguments to library calls.

use clap::{Parser, Subcommand, ValueEnum};
use staffsim::report::{Csv, Exporter, Json, Table};
use staffsim::scenario::{Scenario, load_file};
use staffsim::{Error, experiment};
use std::io::Write;
use std::path::PathBuf;

/// Simulate a help desk and predict its KPIs for a staffing plan.
#[derive(Debug, Parser)]
#[command(name = "staffsim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario and print its KPIs (mean ± 95% CI over replications).
    Run {
        /// The scenario file (TOML).
        file: PathBuf,
        /// Output format on standard output.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Replications (overrides simulation.replications).
        #[arg(long)]
        replications: Option<u32>,
        /// Seed (overrides simulation.seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Check a scenario and report every problem, without running it.
    Validate {
        /// The scenario file (TOML).
        file: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// A table for people.
    Table,
    /// The JSON results document.
    Json,
    /// One CSV row per scenario.
    Csv,
}

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match dispatch(cli) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            if e.is_bad_input() { 2 } else { 1 }
        }
    }
}

fn load(
    file: &PathBuf,
    replications: Option<u32>,
    seed: Option<u64>,
) -> staffsim::Result<Scenario> {
    let mut sc = load_file(file)?;
    if let Some(r) = replications {
        if r == 0 || r > 100_000 {
            return Err(Error::BadOption {
                option: "--replications".into(),
                message: format!("must be from 1 to 100000, got {r}"),
            });
        }
        sc.replications = r;
    }
    if let Some(s) = seed {
        sc.seed = s;
    }
    Ok(sc)
}

fn dispatch(cli: Cli) -> staffsim::Result<()> {
    match cli.command {
        Command::Run {
            file,
            format,
            replications,
            seed,
            threads,
        } => {
            if threads == Some(0) {
                return Err(Error::BadOption {
                    option: "--threads".into(),
                    message: "must be at least 1".into(),
                });
            }
            let sc = load(&file, replications, seed)?;
            let results = experiment::run_with_threads(std::slice::from_ref(&sc), threads)?;
            let bytes = match format {
                Format::Table => Table.render(&results),
                Format::Json => Json.render(&results),
                Format::Csv => Csv.render(&results),
            };
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|_| out.flush())
                .map_err(|source| Error::Write {
                    path: "<stdout>".into(),
                    source,
                })?;
            Ok(())
        }
        Command::Validate { file } => {
            let sc = load(&file, None, None)?;
            let agents: u32 = sc.lines.iter().map(|l| l.agents).sum();
            println!(
                "{}: ok — {} channel(s), {} line(s), {} agent(s), horizon {}, {} replication(s)",
                file.display(),
                sc.channels.len(),
                sc.lines.len(),
                agents,
                sc.horizon,
                sc.replications
            );
            Ok(())
        }
    }
}
