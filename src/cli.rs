//! Command-line parsing (clap) and the glue from arguments to library calls.

use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use staffsim::report::{
    self, Document, OptimizeOutput, Provenance, ResultsDir, RunOutput, printable, refuse_existing,
    write_dir,
};
use staffsim::scenario::{Scenario, WEEKDAYS, load_experiment_text_with, read_source};
use staffsim::{Error, experiment};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Simulate a help desk and predict its KPIs for a staffing plan.
#[derive(Debug, Parser)]
#[command(name = "staffsim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario (with its variants and sweep) and print its KPIs
    /// (mean ± 95% CI over replications).
    #[command(group(clap::ArgGroup::new("written").multiple(true)))]
    Run {
        /// The scenario file (TOML).
        file: PathBuf,
        /// Output format on standard output.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        #[command(flatten)]
        run: RunOptions,
        /// Also write summary.json, kpis.csv, agents.csv, intervals.csv, the
        /// scenario and a manifest into this directory.
        #[arg(long, group = "written")]
        out: Option<PathBuf>,
        /// Also write the event log: one CSV row per contact of the chosen
        /// replications (see --events-replications), columns in docs/format.md.
        #[arg(
            long,
            value_name = "FILE.csv",
            group = "written",
            conflicts_with = "shard"
        )]
        events: Option<PathBuf>,
        /// The replications the event log holds: `first` (the first
        /// replication of each scenario), `all`, or a number N (the first N).
        #[arg(long, value_name = "first|all|N", requires = "events")]
        events_replications: Option<String>,
        /// Replace the results in a non-empty --out directory, and an
        /// event log staffsim wrote at --events.
        #[arg(long, requires = "written")]
        force: bool,
        /// With --out: also write charts/*.svg, charts/*.png and report.html.
        #[arg(long, requires = "out")]
        charts: bool,
        /// With --charts: the intraday chart shows this weekday instead of
        /// the average Monday to Friday.
        #[arg(long, requires = "charts", value_parser = WEEKDAYS)]
        day: Option<String>,
        /// Run only shard i of n of the (scenario, replication) jobs and
        /// write it to --out; `staffsim merge` joins the shards (and
        /// prints, in any --format, with or without charts).
        #[arg(
            long,
            requires = "out",
            value_name = "i/n",
            conflicts_with_all = ["charts", "format"]
        )]
        shard: Option<String>,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Merge the directories of every shard of a run (`run --shard i/n
    /// --out DIR`) and print exactly what the unsharded run prints.
    Merge {
        /// The shard directories, in any order.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Output format on standard output.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Run a scenario like `run` and write its results with charts and
    /// report.html, one page to open offline, print or attach.
    Report {
        /// The scenario file (TOML).
        file: PathBuf,
        /// The results directory: the files of `run --out`, charts/ and report.html.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        run: RunOptions,
        /// Replace the results in a non-empty --out directory.
        #[arg(long)]
        force: bool,
        /// The intraday chart shows this weekday instead of the average
        /// Monday to Friday.
        #[arg(long, value_parser = WEEKDAYS)]
        day: Option<String>,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Erlang C / Erlang A calculator: the agents a service-level target
    /// needs, for one queue (--rate, --aht, ...) or, given a scenario FILE,
    /// for every interval of each live channel.
    Erlang {
        /// A scenario file (TOML): the per-interval requirement of each live channel.
        file: Option<PathBuf>,
        /// Contacts per period: 200/h, 3.5/min, 50/30m (per interval), 1200/d.
        #[arg(long, allow_hyphen_values = true, conflicts_with = "file")]
        rate: Option<String>,
        /// Average handling time: 3m, 180s, 1h30m.
        #[arg(long, allow_hyphen_values = true, conflicts_with = "file")]
        aht: Option<String>,
        /// Mean (exponential) patience: use Erlang A, abandonment included.
        #[arg(long, allow_hyphen_values = true, conflicts_with = "file")]
        patience: Option<String>,
        /// Service-level target: 80/20s (80% answered within 20 s), also 0.8/20s.
        #[arg(
            long,
            allow_hyphen_values = true,
            conflicts_with = "file",
            default_value = "80/20s"
        )]
        target: String,
        /// Share of paid time agents are unavailable, in [0, 1): also print the number to roster.
        #[arg(long, allow_hyphen_values = true)]
        shrinkage: Option<String>,
        /// Most agents considered (a target out of reach is reported as overloaded).
        #[arg(long, default_value_t = staffsim::calculator::MAX_AGENTS)]
        max_agents: u32,
        /// Output format on standard output.
        #[arg(long, value_enum, default_value_t = ErlangFormat::Table)]
        format: ErlangFormat,
    },
    /// Forecast the next weeks' volumes per channel and interval from a
    /// volume history (CSV: a timestamp column, then one count column per
    /// channel), with 80% and 90% prediction intervals; the method is
    /// chosen by a rolling-origin backtest inside the history.
    Forecast {
        /// The volume history (CSV).
        history: PathBuf,
        /// Weeks to forecast.
        #[arg(long, default_value_t = 4)]
        weeks: u32,
        /// The forecast's interval (a multiple of the history's buckets): 15m, 30m, 1h.
        #[arg(long, default_value = "30m")]
        interval: String,
        /// auto (the smallest backtest error), seasonal-naive, weekday-mean,
        /// weekday-median, top-down or top-down-ets.
        #[arg(long, default_value = "auto")]
        method: String,
        /// Forecast from this date (YYYY-MM-DD), with the history before it
        /// only: see how a past forecast did. Default: the day after the history.
        #[arg(long)]
        from: Option<String>,
        /// Also write forecast.json, forecast.csv (the dated volumes a
        /// scenario reads with `volumes =`), arrivals.toml and charts.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace the files in a non-empty --out directory.
        #[arg(long, requires = "out")]
        force: bool,
        /// Output format on standard output.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Check a scenario and report every problem, without running it.
    /// Warnings (an overloaded line) go to standard error; the exit code
    /// stays 0 unless --strict.
    Validate {
        /// The scenario file (TOML).
        file: PathBuf,
        /// Fail (exit code 2) when there is any warning.
        #[arg(long)]
        strict: bool,
    },
    /// Find the cheapest staffing (agents per line and shift) that meets
    /// every target (each channel's on its own figures, and [targets]), by
    /// simulation. Targets no staffing can meet (contacts arriving when
    /// nobody is rostered, a vendor slower than the target) are named with
    /// their reason, with no search and exit code 2.
    Optimize {
        /// The scenario file (TOML), with channel targets or [targets].
        file: PathBuf,
        /// Output format on standard output.
        #[arg(long, value_enum, default_value_t = ErlangFormat::Table)]
        format: ErlangFormat,
        // --replications counts per plan simulated
        #[command(flatten)]
        run: RunOptions,
        /// Most agents on any one line or shift.
        #[arg(long, default_value_t = 500)]
        max_agents: u32,
        /// Also write optimize.json (the --format json document) and
        /// report.html (the answer on one page) into this directory.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace the files in a non-empty --out directory.
        #[arg(long, requires = "out")]
        force: bool,
        /// No progress display.
        #[arg(long, short)]
        quiet: bool,
    },
}

/// The options every simulating command takes.
#[derive(Debug, Clone, Copy, Args)]
struct RunOptions {
    /// Replications (overrides simulation.replications).
    #[arg(long)]
    replications: Option<u32>,
    /// Seed (overrides simulation.seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
}

impl RunOptions {
    /// The text of `file`, read once, and its scenarios with these
    /// overrides: the text is what the results record.
    fn load(&self, file: &Path) -> staffsim::Result<(String, Vec<Scenario>)> {
        let text = read_source(file)?;
        let scenarios = load_experiment_text_with(&text, file, self.replications, self.seed)?;
        Ok((text, scenarios))
    }
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

impl From<Format> for report::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Table => report::Format::Table,
            Format::Json => report::Format::Json,
            Format::Csv => report::Format::Csv,
        }
    }
}

/// Output formats of `staffsim erlang` and `staffsim optimize`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum ErlangFormat {
    /// A table for people.
    Table,
    /// A JSON document.
    Json,
}

impl From<ErlangFormat> for report::Format {
    fn from(f: ErlangFormat) -> Self {
        match f {
            ErlangFormat::Table => report::Format::Table,
            ErlangFormat::Json => report::Format::Json,
        }
    }
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
        // the reader went away (`| head`): stop quietly, as Unix tools do
        Err(Error::Write { path, source })
            if path == Path::new(STDOUT) && source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            BROKEN_PIPE
        }
        Err(e) => {
            warn(format_args!("error: {}", in_cli_words(&e)));
            if e.is_bad_input() { 2 } else { 1 }
        }
    }
}

/// The message of `e` as the command line says it: a setting is named by
/// its flag (`max_agents` as `--max-agents`).
fn in_cli_words(e: &Error) -> String {
    match e {
        Error::BadSetting { setting, message } => {
            let flag = match setting.as_str() {
                // the directories `staffsim merge` is given
                "shard_dirs" => "merge".to_string(),
                s => format!("--{}", s.replace('_', "-")),
            };
            format!("{flag}: {message}")
        }
        e => e.to_string(),
    }
}

/// How standard output is named in errors.
const STDOUT: &str = "<stdout>";

/// The exit code when standard output's reader has gone (128 + SIGPIPE,
/// what a shell shows for a Unix tool stopped by a closed pipe).
const BROKEN_PIPE: i32 = 141;

/// Writes `bytes` to standard output; a failure (a full disk, a closed
/// pipe) is an error, never a panic.
fn write_stdout(bytes: &[u8]) -> staffsim::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|_| stdout.flush())
        .map_err(|source| Error::Write {
            path: STDOUT.into(),
            source,
        })
}

/// Writes a line to standard error. If even that fails (a full or closed
/// stderr) there is nowhere left to say so: the line is dropped, the exit
/// code still tells.
fn warn(line: std::fmt::Arguments) {
    // names from the scenario may hold terminal escapes: shown, not obeyed
    let _ = writeln!(std::io::stderr().lock(), "{}", printable(&line.to_string()));
}

/// A progress bar on standard error, hidden when that is not a terminal.
fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} replications {pos}/{len} [{bar:30}] {elapsed} (eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}

/// Prints `doc` on standard output in `format`.
fn print(doc: &dyn Document, format: impl Into<report::Format>) -> staffsim::Result<()> {
    let format = format.into();
    let mut bytes = doc.render(format)?;
    // on a terminal, names' control characters are shown, not obeyed
    if format == report::Format::Csv && std::io::stdout().is_terminal() {
        bytes = printable(&String::from_utf8_lossy(&bytes))
            .into_owned()
            .into_bytes();
    }
    write_stdout(&bytes)
}

fn dispatch(cli: Cli) -> staffsim::Result<()> {
    match cli.command {
        Command::Run {
            file,
            format,
            run,
            out,
            events,
            events_replications,
            force,
            charts,
            day,
            shard,
            quiet,
        } => {
            if let (Some(shard), Some(dir)) = (&shard, &out) {
                return shard_command(&file, shard, dir, run, force, quiet);
            }
            let (source, scenarios) = run.load(&file)?;
            let out_dir = out.as_deref().map(|dir| ResultsDir { dir, force });
            if let Some(o) = out_dir {
                // refuse before spending the time to simulate
                o.refuse_existing(&RunOutput::planned(charts))?;
            }
            let mut log = events
                .as_deref()
                .map(|path| event_log(path, events_replications.as_deref(), force, out.as_deref()))
                .transpose()?;
            // said before the run, which may be long; the table says it
            // at its end, so it is not said twice there
            if !matches!(format, Format::Table) {
                for (name, w) in warnings(&scenarios) {
                    warn(format_args!("warning: scenario \"{name}\": {w}"));
                }
            }
            let total: u64 = scenarios.iter().map(|s| s.replications as u64).sum();
            let bar = progress_bar(total, quiet);
            let tick = || bar.inc(1);
            let results = match &mut log {
                None => experiment::run_with_threads(&scenarios, run.threads, &tick)?,
                Some(log) => {
                    experiment::run_logged_with_threads(&scenarios, run.threads, &tick, log)??
                }
            };
            bar.finish_and_clear();
            let doc = RunOutput {
                results: &results,
                charts: charts.then_some(day.as_deref()),
            };
            if let Some(o) = out_dir {
                o.write(&Provenance::new(&file, &source, &scenarios), &doc)?;
                if charts && !quiet {
                    warn(format_args!(
                        "report: {}",
                        o.dir.join("report.html").display()
                    ));
                }
            }
            // placed after the results directory, which may hold it
            if let Some(log) = log {
                log.finish()?;
            }
            print(&doc, format)
        }
        Command::Report {
            file,
            out,
            run,
            force,
            day,
            quiet,
        } => dispatch(Cli {
            command: Command::Run {
                file,
                format: Format::Table,
                run,
                out: Some(out),
                events: None,
                events_replications: None,
                force,
                charts: true,
                day,
                shard: None,
                quiet,
            },
        }),
        Command::Merge { dirs, format } => {
            let (_, results) = staffsim::shard::merge(&dirs)?;
            let doc = RunOutput {
                results: &results,
                charts: None,
            };
            print(&doc, format)
        }
        Command::Optimize {
            file,
            format,
            run,
            max_agents,
            out,
            force,
            quiet,
        } => optimize_command(
            &file,
            format,
            run,
            max_agents,
            out.as_deref().map(|dir| (dir, force)),
            quiet,
        ),
        Command::Erlang {
            file,
            rate,
            aht,
            patience,
            target,
            shrinkage,
            max_agents,
            format,
        } => erlang_command(
            file.as_deref(),
            rate.as_deref(),
            aht.as_deref(),
            patience.as_deref(),
            &target,
            shrinkage.as_deref(),
            max_agents,
            format,
        ),
        Command::Forecast {
            history,
            weeks,
            interval,
            method,
            from,
            out,
            force,
            format,
        } => forecast_command(
            &history,
            weeks,
            &interval,
            &method,
            from.as_deref(),
            out.as_deref().map(|dir| ResultsDir { dir, force }),
            format,
        ),
        Command::Validate { file, strict } => {
            let text = read_source(&file)?;
            let scenarios = load_experiment_text_with(&text, &file, None, None)?;
            let warnings = warnings(&scenarios);
            for (name, w) in &warnings {
                warn(format_args!("warning: scenario \"{name}\": {w}"));
            }
            if strict && !warnings.is_empty() {
                return Err(Error::Strict {
                    path: file.clone(),
                    warnings: warnings.len(),
                });
            }
            let sc = &scenarios[0];
            let agents: u32 = sc.lines.iter().map(|l| l.headcount()).sum();
            let secs = sc.horizon.as_secs_f64();
            let horizon = if secs >= 86_400.0 && secs % 86_400.0 == 0.0 {
                format!("{} days", secs / 86_400.0)
            } else {
                format!("{:.1} hours", secs / 3600.0)
            };
            let verdict = match warnings.len() {
                0 => "ok".to_string(),
                1 => "ok, with 1 warning (above)".to_string(),
                n => format!("ok, with {n} warnings (above)"),
            };
            write_stdout(format!(
                "{}: {verdict} — {} channel(s), {} line(s), {} agent(s), horizon {}, {} replication(s); {} scenario(s) in all\n",
                file.display(),
                sc.channels.len(),
                sc.lines.len(),
                agents,
                horizon,
                sc.replications,
                scenarios.len()
            ).as_bytes())
        }
    }
}

/// The event log at `path` (`--events`), started before the run so that
/// a bad path is refused before the time is spent.
/// A log inside the --out directory `out` is staged beside that directory
/// and placed after it (the directory is written whole and swapped in).
fn event_log(
    path: &Path,
    which: Option<&str>,
    force: bool,
    out: Option<&Path>,
) -> staffsim::Result<staffsim::logs::events::EventLog> {
    use staffsim::logs::events::{EventLog, Replications};
    let which = which
        .map(Replications::parse)
        .transpose()
        .map_err(|message| Error::BadSetting {
            setting: "events_replications".into(),
            message,
        })?
        .unwrap_or_default();
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let folder = absolute(path).parent().map(Path::to_path_buf);
    let staging = match (out.map(absolute), folder) {
        (Some(dir), Some(folder)) if folder.starts_with(&dir) => {
            if folder != dir {
                return Err(Error::OutputRefused {
                    path: path.to_path_buf(),
                    message: "is in a folder inside the --out directory: write the event log \
                              directly in it (DIR/events.csv) or outside it"
                        .into(),
                });
            }
            Some(dir.parent().map_or_else(|| dir.clone(), Path::to_path_buf))
        }
        _ => None,
    };
    EventLog::create(path, force, which, staging.as_deref())
}

/// The warnings of every scenario known before running it (overloaded
/// lines, shifts left with no key-client agent), with the scenario's name.
fn warnings(scenarios: &[Scenario]) -> Vec<(String, String)> {
    scenarios
        .iter()
        .flat_map(|sc| {
            staffsim::scenario::capacity::overloads(sc)
                .into_iter()
                .map(|o| o.to_string())
                .chain(sc.lines.iter().filter_map(|l| l.key_clients_warning()))
                .map(|w| (sc.name.clone(), w))
        })
        .collect()
}

/// `staffsim optimize`: the search on a pool of `threads`, a spinner on
/// stderr; with `out` (the directory, `--force`), optimize.json and
/// report.html written there.
fn optimize_command(
    file: &Path,
    format: ErlangFormat,
    run: RunOptions,
    max_agents: u32,
    out: Option<(&Path, bool)>,
    quiet: bool,
) -> staffsim::Result<()> {
    use staffsim::optimize::{Options, optimize};
    if max_agents == 0 {
        return Err(Error::BadSetting {
            setting: "max_agents".into(),
            message: "must be at least 1".into(),
        });
    }
    let (source, scenarios) = run.load(file)?;
    let sc = &scenarios[0];
    let out = out.map(|(dir, force)| ResultsDir { dir, force });
    if let Some(o) = out {
        // refuse before spending the time to search
        o.refuse_existing(&OptimizeOutput::PLANNED)?;
    }
    let bar = if quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let b = ProgressBar::new_spinner();
        b.set_style(
            ProgressStyle::with_template("{spinner} optimizing: {pos} plans simulated, {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        b.enable_steady_tick(std::time::Duration::from_millis(120));
        b
    };
    let tick = |n: usize| bar.set_position(n as u64);
    let options = Options {
        max_agents,
        ..Options::default()
    };
    let result = experiment::on_threads(run.threads, || optimize(sc, &options, &tick))??;
    bar.finish_and_clear();
    let doc = OptimizeOutput {
        base: sc,
        outcome: &result,
    };
    if let Some(o) = out {
        // the scenario optimized is the first of the file
        o.write(&Provenance::new(file, &source, &scenarios[..1]), &doc)?;
        if !quiet {
            warn(format_args!(
                "report: {}",
                o.dir.join("report.html").display()
            ));
        }
    }
    print(&doc, format)?;
    // a target no staffing can meet: the answer above says why; exit code 2
    match result.unreachable().len() {
        0 => Ok(()),
        n => Err(staffsim::optimize::OptimizeError::Infeasible(n).into()),
    }
}

/// `staffsim forecast`: reads the history once, forecasts, writes --out, prints.
fn forecast_command(
    history: &Path,
    weeks: u32,
    interval: &str,
    method: &str,
    from: Option<&str>,
    out: Option<ResultsDir>,
    format: Format,
) -> staffsim::Result<()> {
    use staffsim::forecast::{Choice, FORECAST_FILES, Options, forecast, read_history_bytes};
    let bad = |setting: &str, message: String| Error::BadSetting {
        setting: setting.into(),
        message,
    };
    let secs =
        staffsim::scenario::duration::parse_duration(interval).map_err(|m| bad("interval", m))?;
    if !(60.0..=86_400.0).contains(&secs) || secs.fract() != 0.0 {
        return Err(bad(
            "interval",
            format!("\"{interval}\" must be whole minutes, 1m to 24h"),
        ));
    }
    let from = from
        .map(|d| {
            d.parse::<jiff::civil::Date>()
                .map_err(|_| bad("from", format!("\"{d}\" is not a date; write YYYY-MM-DD")))
        })
        .transpose()?;
    let options = Options {
        weeks,
        interval: secs as u32,
        method: Choice::parse(method).map_err(|m| bad("method", m))?,
        from,
    };
    if let Some(o) = out {
        o.refuse_existing(&FORECAST_FILES)?;
    }
    let bytes = staffsim::scenario::read_input(
        history,
        staffsim::scenario::replay::MAX_REPLAY_BYTES,
        "a volume history",
    )?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let h = read_history_bytes(&history.display().to_string(), bytes)?;
    let doc = forecast(&h, &options)?;
    if let Some(o) = out {
        o.write(&Provenance::new(history, &text, &[]), &doc)?;
    }
    print(&doc, format)
}

/// `staffsim erlang`: parses the options, calls the calculator, prints its table or JSON.
#[allow(clippy::too_many_arguments)]
fn erlang_command(
    file: Option<&Path>,
    rate: Option<&str>,
    aht: Option<&str>,
    patience: Option<&str>,
    target: &str,
    shrinkage: Option<&str>,
    max_agents: u32,
    format: ErlangFormat,
) -> staffsim::Result<()> {
    use staffsim::calculator::{
        Queue, calculate, parse_rate, parse_shrinkage, parse_target, scenario_requirements,
    };
    use staffsim::scenario::duration::parse_duration;
    let bad = |setting: &str, message: String| Error::BadSetting {
        setting: setting.into(),
        message,
    };
    let positive_duration = |setting: &str, text: &str| {
        let secs = parse_duration(text).map_err(|m| bad(setting, m))?;
        if secs > 0.0 {
            Ok(secs)
        } else {
            Err(bad(setting, format!("\"{text}\" must be longer than zero")))
        }
    };
    let shrinkage = shrinkage
        .map(|s| parse_shrinkage(s).map_err(|m| bad("shrinkage", m)))
        .transpose()?;
    if max_agents == 0 {
        return Err(bad("max_agents", "must be at least 1".into()));
    }
    if let Some(file) = file {
        let sc = staffsim::scenario::load_file(file)?;
        print(&scenario_requirements(&sc, shrinkage), format)
    } else {
        let missing = |setting: &str| {
            bad(
                setting,
                "is required (or give a scenario FILE), e.g. staffsim erlang --rate 200/h --aht 3m --target 80/20s".into(),
            )
        };
        let per_second =
            parse_rate(rate.ok_or_else(|| missing("rate"))?).map_err(|m| bad("rate", m))?;
        let aht_seconds = positive_duration("aht", aht.ok_or_else(|| missing("aht"))?)?;
        let patience_seconds = patience
            .map(|p| positive_duration("patience", p))
            .transpose()?;
        let (share, within) = parse_target(target).map_err(|m| bad("target", m))?;
        let queue = Queue {
            per_second,
            aht_seconds,
            patience_seconds,
            target: share,
            answer_within_seconds: within,
        };
        print(&calculate(&queue, shrinkage, max_agents)?, format)
    }
}

/// `staffsim run --shard i/n --out DIR`: one share of the jobs, written as
/// `shard.json` for `staffsim merge`.
fn shard_command(
    file: &Path,
    shard: &str,
    dir: &Path,
    run: RunOptions,
    force: bool,
    quiet: bool,
) -> staffsim::Result<()> {
    use staffsim::shard::{SHARD_FILE, Shard, parse_shard, sha256_hex};
    let (index, count) = parse_shard(shard)?;
    let loaded = staffsim::scenario::load_experiment_inputs(file, run.replications, run.seed)?;
    let scenarios = loaded.scenarios;
    // merge reads the file again, from wherever it runs: by its full path
    let scenario_file = std::fs::canonicalize(file).map_err(|source| Error::Read {
        path: file.to_path_buf(),
        source,
    })?;
    refuse_existing(dir, force, &[SHARD_FILE])?;
    let total = experiment::shard_jobs(&scenarios, index, count).len();
    let bar = progress_bar(total as u64, quiet);
    let tick = || bar.inc(1);
    let records = experiment::on_threads(run.threads, || {
        experiment::run_shard(&scenarios, index, count, &tick)
    })?;
    bar.finish_and_clear();
    let shard = Shard {
        staffsim_version: env!("CARGO_PKG_VERSION").into(),
        // the bytes simulated, and those of every file they read
        scenario_sha256: sha256_hex(loaded.source.as_bytes()),
        scenario_file,
        inputs: loaded.inputs,
        replications: run.replications,
        seed: run.seed,
        shard: index,
        of: count,
        records,
    };
    let mut bytes = serde_json::to_vec(&shard).unwrap_or_default();
    bytes.push(b'\n');
    write_dir(dir, force, &[(SHARD_FILE, bytes)])
}
