//! The command line: `run` in its three formats (the results contract),
//! option checks, `validate`, seeds and `--help`.

use crate::util::{csv_fields, run_json, staffsim, stdout_of};
use serde_json::Value;

const ERLANG_A: &str = "scenarios/erlang-a.toml";
const TWO_LINES: &str = "scenarios/two-lines.toml";

/// Every scenario-level KPI of the results contract.
const KPIS: &[&str] = &[
    "offered",
    "answered",
    "abandoned",
    "abandon_rate",
    "asa_seconds",
    "wait_p50_seconds",
    "wait_p90_seconds",
    "wait_p99_seconds",
    "service_level",
    "aht_seconds",
    "resolution_hours",
    "fcr",
    "escalation_rate",
    "occupancy",
    "tickets_per_agent_day",
    "load_balance_cv",
    "backlog_end",
];

/// KPIs of every line.
const LINE_KPIS: &[&str] = &[
    "offered",
    "handled",
    "asa_seconds",
    "occupancy",
    "escalated",
    "load_balance_cv",
];

/// KPIs of every channel.
const CHANNEL_KPIS: &[&str] = &["offered", "abandon_rate", "asa_seconds", "service_level"];

/// Asserts that `map[key]` is `{"mean": finite, "ci95": finite >= 0}`; returns the mean.
fn estimate(map: &Value, key: &str, at: &str) -> f64 {
    let e = &map[key];
    let mean = e["mean"].as_f64();
    let ci95 = e["ci95"].as_f64();
    match (mean, ci95) {
        (Some(m), Some(c)) if m.is_finite() && c.is_finite() && c >= 0.0 => m,
        _ => panic!("{at}.{key}: want {{\"mean\": finite, \"ci95\": finite}}, got {e}"),
    }
}

fn one_scenario(doc: &Value) -> &Value {
    let scenarios = doc["scenarios"]
        .as_array()
        .expect("\"scenarios\" is an array");
    assert_eq!(scenarios.len(), 1, "one file, one scenario");
    &scenarios[0]
}

#[test]
fn run_prints_a_table_of_kpis() {
    let out = stdout_of(staffsim().args(["run", ERLANG_A, "--replications", "2"]));
    for kpi in KPIS {
        assert!(out.contains(kpi), "no {kpi} in the table:\n{out}");
    }
    for section in ["line L1", "channel phone", "erlang-a (2 reps)"] {
        assert!(out.contains(section), "no {section:?} in the table:\n{out}");
    }
}

#[test]
fn run_json_has_the_contract_shape() {
    let doc = run_json(ERLANG_A, &["--replications", "2"]);
    let s = one_scenario(&doc);
    assert_eq!(s["name"], "erlang-a");
    assert_eq!(s["replications"], 2);
    for kpi in KPIS {
        estimate(&s["kpis"], kpi, "kpis");
    }
    for kpi in LINE_KPIS {
        estimate(&s["lines"]["L1"], kpi, "lines.L1");
    }
    for kpi in CHANNEL_KPIS {
        estimate(&s["channels"]["phone"], kpi, "channels.phone");
    }
    // the numbers mean something: 120 calls an hour over 29 measured days
    let offered = estimate(&s["kpis"], "offered", "kpis");
    assert!(
        (offered / (120.0 * 24.0 * 29.0) - 1.0).abs() < 0.05,
        "offered {offered}"
    );
    let occupancy = estimate(&s["kpis"], "occupancy", "kpis");
    assert!(occupancy > 0.5 && occupancy < 1.0, "occupancy {occupancy}");
}

#[test]
fn run_json_lists_every_line_of_two_lines() {
    let doc = run_json(TWO_LINES, &["--replications", "2"]);
    let s = one_scenario(&doc);
    let lines = s["lines"].as_object().expect("\"lines\" is an object");
    assert_eq!(lines.keys().collect::<Vec<_>>(), ["L1", "L2"]);
    for line in ["L1", "L2"] {
        for kpi in LINE_KPIS {
            estimate(&s["lines"][line], kpi, &format!("lines.{line}"));
        }
    }
    // 30% of L1's tickets escalate to L2
    let escalated = estimate(&s["lines"]["L1"], "escalated", "lines.L1");
    let l2 = estimate(&s["lines"]["L2"], "offered", "lines.L2");
    assert!(
        escalated > 0.0 && (l2 / escalated - 1.0).abs() < 0.01,
        "{escalated} vs {l2}"
    );
    let rate = estimate(&s["kpis"], "escalation_rate", "kpis");
    assert!((rate - 0.3).abs() < 0.05, "escalation_rate {rate}");
}

#[test]
fn run_csv_has_a_header_and_a_matching_row() {
    let args = ["--replications", "2", "--seed", "5"];
    let out = stdout_of(
        staffsim()
            .args(["run", ERLANG_A, "--format", "csv"])
            .args(args),
    );
    let records: Vec<&str> = out.lines().collect();
    assert_eq!(records.len(), 2, "want a header and one row:\n{out}");
    let header = csv_fields(records[0]);
    let row = csv_fields(records[1]);
    assert_eq!(header.len(), row.len(), "header and row differ in length");
    let column = |name: &str| -> &str {
        let i = header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {header:?}"));
        &row[i]
    };
    for name in [
        "offered",
        "offered_ci95",
        "lines.L1.occupancy",
        "channels.phone.service_level",
    ] {
        let v: f64 = column(name)
            .parse()
            .unwrap_or_else(|_| panic!("{name} = {:?} is not a number", column(name)));
        assert!(v.is_finite(), "{name} = {v}");
    }
    assert_eq!(column("scenario"), "erlang-a");
    // the same run as JSON carries the same numbers
    let doc = run_json(ERLANG_A, &args);
    let s = one_scenario(&doc);
    let offered: f64 = column("offered").parse().unwrap();
    assert_eq!(offered, estimate(&s["kpis"], "offered", "kpis"));
    let sl: f64 = column("channels.phone.service_level").parse().unwrap();
    assert_eq!(
        sl,
        estimate(&s["channels"]["phone"], "service_level", "channels.phone")
    );
}

#[test]
fn replications_override_the_file() {
    let doc = run_json(ERLANG_A, &["--replications", "3"]);
    assert_eq!(one_scenario(&doc)["replications"], 3);
}

/// Runs staffsim expecting exit code 2 and nothing on standard output;
/// returns standard error.
fn bad_input(args: &[&str]) -> String {
    let out = staffsim().args(args).output().expect("staffsim starts");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(2),
        "staffsim {args:?}; stderr:\n{stderr}"
    );
    assert!(out.stdout.is_empty(), "staffsim {args:?} wrote to stdout");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn zero_replications_is_refused() {
    let err = bad_input(&["run", ERLANG_A, "--replications", "0"]);
    assert!(err.starts_with("error: --replications:"), "{err}");
    assert!(err.contains("from 1 to"), "{err}");
}

#[test]
fn zero_threads_is_refused() {
    let err = bad_input(&["run", ERLANG_A, "--threads", "0"]);
    assert!(err.starts_with("error: --threads:"), "{err}");
    assert!(err.contains("at least 1"), "{err}");
}

#[test]
fn a_missing_file_is_named() {
    for cmd in ["run", "validate"] {
        let err = bad_input(&[cmd, "scenarios/no-such-file.toml"]);
        assert!(
            err.starts_with("error: scenarios/no-such-file.toml: cannot read"),
            "{err}"
        );
    }
}

#[test]
fn bad_arguments_are_refused() {
    bad_input(&["run", ERLANG_A, "--format", "xml"]);
    bad_input(&["run", ERLANG_A, "--replications", "many"]);
    bad_input(&["simulate", ERLANG_A]);
    bad_input(&["run"]);
}

#[test]
fn validate_accepts_the_shipped_scenarios() {
    for file in [ERLANG_A, TWO_LINES] {
        let out = stdout_of(staffsim().args(["validate", file]));
        assert!(out.starts_with(&format!("{file}: ok")), "{out}");
    }
    let out = stdout_of(staffsim().args(["validate", TWO_LINES]));
    assert!(out.contains("2 line(s), 17 agent(s)"), "{out}");
}

#[test]
fn seed_changes_results_and_reproduces_them() {
    let run = |seed: &str| {
        stdout_of(staffsim().args([
            "run",
            ERLANG_A,
            "--format",
            "json",
            "--replications",
            "2",
            "--seed",
            seed,
        ]))
    };
    let a = run("1");
    assert_eq!(a, run("1"), "the same seed must give the same results");
    assert_ne!(a, run("2"), "another seed must give other results");
}

#[test]
fn help_describes_the_commands() {
    let out = stdout_of(staffsim().arg("--help"));
    for word in ["run", "validate", "Usage"] {
        assert!(out.contains(word), "no {word:?} in --help:\n{out}");
    }
    let out = stdout_of(staffsim().args(["run", "--help"]));
    for word in ["--format", "--replications", "--seed", "--threads"] {
        assert!(out.contains(word), "no {word:?} in run --help:\n{out}");
    }
}

/// A one-line scenario whose names start like spreadsheet formulas and hold
/// a terminal escape (`\u001b[2J` clears the screen).
const FORMULA_NAMES: &str = r#"
[simulation]
name = "=HYPERLINK(1)"
horizon = "2d"
warmup = "1d"
replications = 2
seed = 3

[[channel]]
name = "-phone\u001b[2J"

[[arrivals]]
channel = "-phone\u001b[2J"
per_hour = 30

[[line]]
name = "@L1"
channels = ["-phone\u001b[2J"]
agents = 5
handle = "4m"

[[variant]]
name = "+1 agent"
set = { "line.@L1.agents" = 6 }
"#;

/// Issue 19 item 23: CSV text cells starting with `=`, `+`, `-` or `@` are
/// written with a leading `'`, numbers are left alone; names' terminal
/// escapes are shown escaped in the table and in error messages.
#[test]
fn formulas_and_terminal_escapes_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f.toml");
    std::fs::write(&file, FORMULA_NAMES).unwrap();
    let out = dir.path().join("out");
    let table = stdout_of(
        staffsim()
            .arg("run")
            .arg(&file)
            .arg("-q")
            .arg("--out")
            .arg(&out),
    );
    assert!(
        !table.contains('\u{1b}'),
        "raw escape in the table:\n{table}"
    );
    assert!(table.contains("-phone\\u{1b}[2J"), "{table}");
    for name in ["kpis.csv", "agents.csv", "intervals.csv"] {
        let text = std::fs::read_to_string(out.join(name)).unwrap();
        let mut names = 0;
        for line in text.lines().skip(1) {
            for f in csv_fields(line) {
                if f.parse::<f64>().is_err() {
                    assert!(!f.starts_with(['=', '+', '-', '@']), "{name}: {f}");
                }
                names += usize::from(f.starts_with('\''));
            }
        }
        assert!(names > 0, "{name} shows no neutralised name:\n{text}");
    }
    let kpis = std::fs::read_to_string(out.join("kpis.csv")).unwrap();
    assert!(kpis.contains("\n'=HYPERLINK(1),") && kpis.contains("\n'+1 agent,"));
    // an error naming the channel: shown escaped on standard error
    std::fs::write(
        &file,
        FORMULA_NAMES.replace("channels = [\"-phone", "channels = [\"-phon"),
    )
    .unwrap();
    let bad = staffsim().arg("validate").arg(&file).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(!stderr.contains('\u{1b}'), "raw escape in:\n{stderr}");
    assert!(stderr.contains("\\u{1b}[2J"), "{stderr}");
}
