//! The event log (`run --events FILE.csv`, issue 14): the run's KPIs
//! recomputed from the log alone, byte-identical logs on any number of
//! threads, no file that could pass for a complete log after a killed
//! run, and bad paths refused before the run.

use crate::util::{root, staffsim, stdout_of};
use staffsim::stats::tidy;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// A small help desk with every path a contact can take: three channels
/// (phone and chat abandon, a third of the phone callers try again, email
/// waits), ticket types with priorities, key clients and misrouting, three
/// lines and an outside vendor, wrap-up on L1, shifts and a warm-up. One
/// replication, so the JSON's means are that replication's own figures.
const DESK: &str = r#"
[simulation]
name = "desk"
horizon = "4d"
warmup = "1d"
replications = 1
seed = 14
start = "mon"

[hours]
open = "08:00"
close = "18:00"
days = ["mon", "tue", "wed", "thu", "fri"]

[[channel]]
name = "phone"
patience = { dist = "exponential", mean = "2m" }
retry = { probability = 0.4, delay = { dist = "exponential", mean = "10m" } }
service_level = { answer_within = "20s", target = 0.8 }

[[channel]]
name = "chat"
patience = { dist = "lognormal", mean = "3m", cv = 1.0 }
concurrency = 2
service_level = { answer_within = "60s", target = 0.8 }

[[channel]]
name = "email"
service_level = { answer_within = "4h", target = 0.9 }

[[arrivals]]
channel = "phone"
per_hour = 40

[[arrivals]]
channel = "chat"
per_hour = 15

[[arrivals]]
channel = "email"
per_hour = 6

[[ticket_type]]
name = "access"
share = 0.6
priority = "normal"
handle = { L1 = { dist = "lognormal", mean = "4m", cv = 0.5 } }
resolve = { L1 = 0.9 }
misroute = 0.05

[[ticket_type]]
name = "incident"
share = 0.4
priority = "high"
key_client = 0.2
handle = { L1 = "5m", L2 = { dist = "gamma", mean = "20m", cv = 0.8 } }
resolve = { L1 = 0.5, L2 = 0.7 }

[[line]]
name = "L1"
channels = ["phone", "chat", "email"]
escalates_to = "L2"
handle = "5m"
wrap_up = { dist = "exponential", mean = "30s" }
  [[line.shift]]
  name = "day"
  start = "08:00"
  end = "18:00"
  days = ["mon", "tue", "wed", "thu", "fri"]
  agents = 5

[[line]]
name = "L2"
escalates_to = "L3"
handle = { dist = "gamma", mean = "20m", cv = 0.8 }
agents = 3

[[line]]
name = "L3"
external = true
delay = { dist = "gamma", mean = "6h", cv = 0.5 }
cost_per_ticket = 100.0
"#;

/// The answer thresholds of `DESK`'s channels, seconds.
const WITHIN: [(&str, f64); 3] = [("phone", 20.0), ("chat", 60.0), ("email", 14_400.0)];

/// The rows of an event log, each a map from column to cell.
fn read_log(path: &Path) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut r = csv::Reader::from_path(path).expect("the event log opens");
    let header: Vec<String> = r
        .headers()
        .expect("a header")
        .iter()
        .map(String::from)
        .collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.expect("a valid CSV record");
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

fn scenario_file(dir: &Path, text: &str) -> std::path::PathBuf {
    let file = dir.join("desk.toml");
    std::fs::write(&file, text).expect("the scenario is written");
    file
}

fn secs(cell: &str) -> f64 {
    cell.parse()
        .unwrap_or_else(|_| panic!("{cell:?} is not seconds"))
}

fn kpi(doc: &serde_json::Value, path: &[&str]) -> f64 {
    let mut v = doc;
    for p in path {
        v = &v[*p];
    }
    v["mean"]
        .as_f64()
        .unwrap_or_else(|| panic!("no figure at {path:?}"))
}

/// Counters recomputed from the rows of one scope (a channel, or all).
#[derive(Default, Debug)]
struct Counts {
    offered: u64,
    unique: u64,
    answered: u64,
    abandoned: u64,
    in_time: u64,
    wait_us: u128,
}

impl Counts {
    fn asa(&self) -> f64 {
        self.wait_us as f64 / 1e6 / self.answered as f64
    }
    fn service_level(&self) -> f64 {
        self.in_time as f64 / self.offered as f64
    }
}

#[test]
fn kpis_recomputed_from_the_log_equal_the_run() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = scenario_file(dir.path(), DESK);
    let log = dir.path().join("events.csv");
    let out = stdout_of(
        staffsim()
            .arg("run")
            .arg(&file)
            .args(["--format", "json", "-q"])
            .arg("--events")
            .arg(&log),
    );
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let run = &doc["scenarios"][0];
    let (header, rows) = read_log(&log);
    // the contract's columns are there
    for col in [
        "scenario",
        "replication",
        "contact_id",
        "channel",
        "type",
        "arrival",
        "outcome",
        "wait_seconds",
        "first_line",
        "first_agent",
        "handle_seconds",
        "resolved_at",
        "escalations",
    ] {
        assert!(
            header.iter().any(|h| h == col),
            "no column {col}: {header:?}"
        );
    }
    assert!(
        rows.iter()
            .all(|r| r["scenario"] == "desk" && r["replication"] == "1")
    );

    // an independent reading of the log: only the contacts the run measured
    let mut per_channel: BTreeMap<String, Counts> = BTreeMap::new();
    let mut handled: BTreeMap<String, u64> = BTreeMap::new();
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    let mut escalated = 0;
    let mut misrouted = 0;
    let mut retried = 0;
    let by_id: HashMap<&str, &HashMap<String, String>> =
        rows.iter().map(|r| (r["contact_id"].as_str(), r)).collect();
    assert_eq!(by_id.len(), rows.len(), "contact ids are unique");
    for r in &rows {
        *outcomes.entry(r["outcome"].clone()).or_default() += 1;
        // a retry follows the abandoned attempt it retries, at the time it said
        if !r["retry_of"].is_empty() {
            let before = by_id[r["retry_of"].as_str()];
            assert_eq!(before["outcome"], "abandoned");
            assert_eq!(before["retry_at"], r["arrival"]);
            assert_eq!(before["customer_id"], r["customer_id"]);
            retried += 1;
        }
        // the timestamps agree with the waits: ISO 8601 local date-times
        let at = |col: &str| -> jiff::civil::DateTime {
            r[col]
                .parse()
                .unwrap_or_else(|e| panic!("{col} {:?}: {e}", r[col]))
        };
        let arrival = at("arrival");
        let mid = "2001-01-01T00:00:00"
            .parse::<jiff::civil::DateTime>()
            .expect("a date-time");
        assert!(
            arrival >= mid
                && arrival
                    < mid
                        .checked_add(jiff::SignedDuration::from_hours(96))
                        .expect("in range")
        );
        let end = match r["outcome"].as_str() {
            "answered" => Some(at("answered_at")),
            "abandoned" => Some(at("abandoned_at")),
            _ => None,
        };
        if let Some(end) = end {
            let us = end.duration_since(arrival).as_micros();
            assert_eq!(us as f64 / 1e6, secs(&r["wait_seconds"]), "{r:?}");
        }
        if r["measured"] != "true" {
            continue;
        }
        let c = per_channel.entry(r["channel"].clone()).or_default();
        c.offered += 1;
        c.unique += u64::from(r["attempt"] == "1");
        let wait = secs(&r["wait_seconds"]);
        match r["outcome"].as_str() {
            "answered" => {
                c.answered += 1;
                c.wait_us += (wait * 1e6).round() as u128;
                let within = WITHIN
                    .iter()
                    .find(|w| w.0 == r["channel"])
                    .expect("a channel")
                    .1;
                c.in_time += u64::from(wait <= within);
                assert!(!r["first_agent"].is_empty() && !r["answered_at"].is_empty());
            }
            "abandoned" => c.abandoned += 1,
            "open" => assert!(r["first_line"].is_empty()),
            other => panic!("outcome {other:?}"),
        }
        escalated += u64::from(r["escalations"] != "0");
        misrouted += u64::from(r["misroutes"] != "0");
        let legs: serde_json::Value = serde_json::from_str(&r["legs"]).expect("legs are JSON");
        for leg in legs.as_array().expect("an array") {
            if !leg[4].is_null() {
                *handled
                    .entry(leg[0].as_str().expect("a line").to_string())
                    .or_default() += 1;
            }
        }
    }
    for o in ["answered", "abandoned", "open"] {
        assert!(
            outcomes.get(o).is_some_and(|&n| n > 0),
            "no {o} contact: {outcomes:?}"
        );
    }
    assert!(escalated > 0 && misrouted > 0 && retried > 0);

    let mut all = Counts::default();
    for (name, c) in &per_channel {
        let k = |kpi_name: &str| kpi(run, &["channels", name, kpi_name]);
        assert_eq!(c.offered as f64, k("offered"), "{name} offered");
        assert_eq!(
            c.unique as f64,
            k("unique_contacts"),
            "{name} unique contacts"
        );
        assert_eq!(c.answered as f64, k("answered"), "{name} answered");
        assert_eq!(c.abandoned as f64, k("abandoned"), "{name} abandoned");
        assert_eq!(tidy(c.asa()), k("asa_seconds"), "{name} ASA");
        assert_eq!(
            tidy(c.service_level()),
            k("service_level"),
            "{name} service level"
        );
        all.offered += c.offered;
        all.answered += c.answered;
        all.abandoned += c.abandoned;
        all.in_time += c.in_time;
        all.wait_us += c.wait_us;
    }
    assert_eq!(per_channel.len(), 3);
    assert_eq!(all.offered as f64, kpi(run, &["kpis", "offered"]));
    assert_eq!(all.answered as f64, kpi(run, &["kpis", "answered"]));
    assert_eq!(all.abandoned as f64, kpi(run, &["kpis", "abandoned"]));
    assert_eq!(tidy(all.asa()), kpi(run, &["kpis", "asa_seconds"]));
    assert_eq!(
        tidy(all.service_level()),
        kpi(run, &["kpis", "service_level"])
    );
    for line in ["L1", "L2", "L3"] {
        assert_eq!(
            handled.get(line).copied().unwrap_or(0) as f64,
            kpi(run, &["lines", line, "handled"]),
            "{line} handled"
        );
    }
}

/// The event log of `DESK` with `args`, as bytes.
fn log_bytes(dir: &Path, name: &str, args: &[&str]) -> Vec<u8> {
    let file = scenario_file(dir, &DESK.replace("horizon = \"4d\"", "horizon = \"2d\""));
    let log = dir.join(name);
    stdout_of(
        staffsim()
            .arg("run")
            .arg(&file)
            .args(["-q", "--replications", "3"])
            .args(args)
            .arg("--events")
            .arg(&log),
    );
    std::fs::read(&log).expect("the log is written")
}

#[test]
fn the_log_is_the_same_on_any_number_of_threads() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let all = ["--events-replications", "all"];
    let one = log_bytes(
        dir.path(),
        "one.csv",
        &[&all[..], &["--threads", "1"]].concat(),
    );
    let two = log_bytes(
        dir.path(),
        "two.csv",
        &[&all[..], &["--threads", "2"]].concat(),
    );
    assert!(
        one == two,
        "--threads 1 and --threads 2 wrote different logs"
    );
    let (_, rows) = read_log(&dir.path().join("one.csv"));
    let reps: Vec<&str> = rows.iter().map(|r| r["replication"].as_str()).collect();
    // replication by replication, each whole
    let mut seen = reps.clone();
    seen.dedup();
    assert_eq!(seen, ["1", "2", "3"]);
    // by default, the first replication only
    let first = log_bytes(dir.path(), "first.csv", &["--threads", "2"]);
    let n1 = reps.iter().filter(|r| **r == "1").count();
    assert_eq!(String::from_utf8_lossy(&first).lines().count(), n1 + 1);
    // nothing left beside the logs
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("readable")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    assert_eq!(names, ["desk.toml", "first.csv", "one.csv", "two.csv"]);
}

#[test]
fn every_scenario_of_a_what_if_is_logged() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let text = format!(
        "{}\n[[variant]]\nname = \"more L1\"\nset = {{ \"line.L1.shift.day.agents\" = 7 }}\n",
        DESK.replace("horizon = \"4d\"", "horizon = \"2d\"")
    );
    let file = scenario_file(dir.path(), &text);
    let log = dir.path().join("e.csv");
    stdout_of(
        staffsim()
            .arg("run")
            .arg(&file)
            .arg("-q")
            .arg("--events")
            .arg(&log),
    );
    let (_, rows) = read_log(&log);
    let mut names: Vec<&str> = rows.iter().map(|r| r["scenario"].as_str()).collect();
    names.dedup();
    assert_eq!(names, ["desk", "more L1"]);
    // common random numbers: the same customers arrive in both
    let arrivals = |s: &str| {
        let mut a: Vec<&str> = rows
            .iter()
            .filter(|r| r["scenario"] == s && r["attempt"] == "1")
            .map(|r| r["arrival"].as_str())
            .collect();
        a.sort();
        a
    };
    assert_eq!(arrivals("desk"), arrivals("more L1"));
}

#[test]
fn a_killed_run_leaves_no_log() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // long enough to be caught in the middle: a year, every replication logged
    let text = DESK
        .replace("horizon = \"4d\"", "horizon = \"365d\"")
        .replace("replications = 1", "replications = 50");
    let file = scenario_file(dir.path(), &text);
    let log = dir.path().join("events.csv");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_staffsim"))
        .current_dir(root())
        .arg("run")
        .arg(&file)
        .args([
            "-q",
            "--threads",
            "1",
            "--events-replications",
            "all",
            "--events",
        ])
        .arg(&log)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("staffsim starts");
    // wait (at most a generous watchdog) until rows are being written
    let temp_rows = || {
        std::fs::read_dir(dir.path()).expect("readable").any(|e| {
            let e = e.expect("an entry");
            e.file_name()
                .to_string_lossy()
                .starts_with(".events.csv.staffsim-")
                && e.metadata().is_ok_and(|m| m.len() > 100_000)
        })
    };
    let mut waited = 0;
    while !temp_rows() {
        assert!(waited < 600, "no rows written after a minute");
        assert!(
            child.try_wait().expect("waitable").is_none(),
            "the run ended too soon"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
        waited += 1;
    }
    child.kill().expect("the run is killed");
    child.wait().expect("reaped");
    assert!(!log.exists(), "a killed run left {}", log.display());
}

fn refused(args: &[&str], log: &Path, needle: &str) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = scenario_file(dir.path(), DESK);
    let out = staffsim()
        .arg("run")
        .arg(&file)
        .arg("-q")
        .args(args)
        .arg("--events")
        .arg(log)
        .output()
        .expect("staffsim starts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?} {}: {stderr}",
        log.display()
    );
    assert!(stderr.contains(needle), "{stderr}");
    assert!(out.stdout.is_empty(), "refused before the run");
}

#[test]
fn bad_events_paths_exit_2() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    refused(
        &[],
        &dir.path().join("no/such/folder/e.csv"),
        "does not exist",
    );
    refused(&[], dir.path(), "is a directory");
    let mine = dir.path().join("mine.csv");
    std::fs::write(&mine, "my,own\n1,2\n").expect("written");
    refused(&[], &mine, "pass --force");
    refused(&["--force"], &mine, "not an event log staffsim wrote");
    assert_eq!(std::fs::read(&mine).expect("kept"), b"my,own\n1,2\n");
    refused(
        &["--events-replications", "none"],
        &dir.path().join("e.csv"),
        "--events-replications",
    );
}

#[test]
fn an_event_log_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = scenario_file(
        dir.path(),
        &DESK.replace("horizon = \"4d\"", "horizon = \"2d\""),
    );
    let log = dir.path().join("e.csv");
    let run = |extra: &[&str]| {
        staffsim()
            .arg("run")
            .arg(&file)
            .arg("-q")
            .args(extra)
            .arg("--events")
            .arg(&log)
            .output()
            .expect("staffsim starts")
    };
    assert!(run(&[]).status.success());
    let first = std::fs::read(&log).expect("written");
    assert_eq!(
        run(&[]).status.code(),
        Some(2),
        "an existing log is kept without --force"
    );
    assert!(run(&["--force", "--seed", "3"]).status.success());
    assert_ne!(
        std::fs::read(&log).expect("written"),
        first,
        "replaced with --force"
    );
}

#[test]
fn the_log_can_go_into_the_results_directory() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = scenario_file(
        dir.path(),
        &DESK.replace("horizon = \"4d\"", "horizon = \"2d\""),
    );
    let out = dir.path().join("results");
    for extra in [&[][..], &["--force"][..]] {
        stdout_of(
            staffsim()
                .arg("run")
                .arg(&file)
                .arg("-q")
                .args(extra)
                .arg("--out")
                .arg(&out)
                .arg("--events")
                .arg(out.join("events.csv")),
        );
        assert!(out.join("summary.json").is_file() && out.join("events.csv").is_file());
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("readable")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names.len(), 2, "nothing left beside: {names:?}");
}

#[test]
fn dates_follow_the_scenario_start() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (start, day1) in [("\"wed\"", "2001-01-03"), ("1999-02-15", "1999-02-15")] {
        let text = DESK
            .replace("horizon = \"4d\"", "horizon = \"2d\"")
            .replace("start = \"mon\"", &format!("start = {start}"));
        let file = scenario_file(dir.path(), &text);
        let log = dir.path().join("e.csv");
        stdout_of(
            staffsim()
                .arg("run")
                .arg(&file)
                .args(["-q", "--force", "--events"])
                .arg(&log),
        );
        let (_, rows) = read_log(&log);
        let first = rows
            .iter()
            .min_by_key(|r| r["contact_id"].parse::<u64>().expect("a number"))
            .expect("rows");
        assert!(
            first["arrival"].starts_with(day1),
            "{start}: {}",
            first["arrival"]
        );
    }
}
