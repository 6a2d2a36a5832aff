//! Robustness (issue 8): bad [[variant]] and [sweep] entries are reported
//! like every other problem; an interrupted run never leaves a partial
//! results file; a non-empty results directory is never overwritten without
//! --force; an overloaded desk is flagged before it runs and a runaway run
//! stops; odd but valid inputs run to a finite result.

use crate::util::{bad_dir, root, staffsim, stdout_of};
use staffsim::Error;
use staffsim::error::Problem;
use staffsim::scenario::load_experiment;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

// ---------------------------------------------------------------------------
// Corpus subdirectory: tests/data/bad/variants
// ---------------------------------------------------------------------------

/// One row of an `expected.txt`: FILE | LINE:COL | KEY | FRAGMENT.
#[derive(Debug)]
struct Row {
    line: usize,
    column: usize,
    key: String,
    fragment: String,
}

fn read_expected(dir: &Path) -> BTreeMap<String, Vec<Row>> {
    let path = dir.join("expected.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut out: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for (i, row) in text.lines().enumerate() {
        let row = row.trim();
        if row.is_empty() || row.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = row.splitn(4, '|').map(str::trim).collect();
        let [file, place, key, fragment] = cols[..] else {
            panic!(
                "{}:{}: want FILE | LINE:COL | KEY | FRAGMENT",
                path.display(),
                i + 1
            );
        };
        let (line, column) = place
            .split_once(':')
            .and_then(|(l, c)| Some((l.parse().ok()?, c.parse().ok()?)))
            .unwrap_or_else(|| panic!("{}:{}: bad LINE:COL {place:?}", path.display(), i + 1));
        out.entry(file.to_string()).or_default().push(Row {
            line,
            column,
            key: if key == "-" {
                String::new()
            } else {
                key.into()
            },
            fragment: fragment.into(),
        });
    }
    out
}

/// Checks every file of a corpus subdirectory against its `expected.txt`,
/// with `staffsim validate`, `staffsim run` and `load_experiment`; returns
/// what is wrong.
fn check_corpus_dir(sub: &str) -> Vec<String> {
    let dir = bad_dir().join(sub);
    let expected = read_expected(&dir);
    let files: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| {
            e.expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".toml"))
        .collect();
    let listed: BTreeSet<String> = expected.keys().cloned().collect();
    let mut failures = Vec::new();
    if files != listed {
        failures.push(format!(
            "{sub}: files without expectations {:?}, expectations without files {:?}",
            files.difference(&listed).collect::<Vec<_>>(),
            listed.difference(&files).collect::<Vec<_>>()
        ));
    }
    for (file, rows) in &expected {
        let path = format!("tests/data/bad/{sub}/{file}");
        for args in [&["validate"][..], &["run", "--format", "json"][..]] {
            let out = staffsim()
                .args(args)
                .arg(&path)
                .output()
                .expect("staffsim starts");
            let what = format!("staffsim {} {path}", args.join(" "));
            let stderr = String::from_utf8_lossy(&out.stderr);
            if out.status.code() != Some(2) || !out.stdout.is_empty() || stderr.contains("panicked")
            {
                failures.push(format!(
                    "{what}: exit {:?} (want 2), stdout {} bytes (want 0):\n{stderr}",
                    out.status.code(),
                    out.stdout.len()
                ));
                continue;
            }
            let Some(body) = stderr.strip_prefix("error: ") else {
                failures.push(format!(
                    "{what}: stderr does not start with \"error: \":\n{stderr}"
                ));
                continue;
            };
            let lines: Vec<&str> = body.lines().filter(|l| l.starts_with(&path)).collect();
            for r in rows {
                let prefix = if r.key.is_empty() {
                    format!("{path}:{}:{}: ", r.line, r.column)
                } else {
                    format!("{path}:{}:{}: {}: ", r.line, r.column, r.key)
                };
                if !lines
                    .iter()
                    .any(|l| l.starts_with(&prefix) && l[prefix.len()..].contains(&r.fragment))
                {
                    failures.push(format!(
                        "{what}: no line `{prefix}…{}…` in:\n{stderr}",
                        r.fragment
                    ));
                }
            }
            if lines.len() != rows.len() {
                failures.push(format!(
                    "{what}: {} problems reported, {} expected:\n{stderr}",
                    lines.len(),
                    rows.len()
                ));
            }
            let summary = format!("{} problems found", rows.len());
            if (rows.len() > 1) != (body.lines().last() == Some(summary.as_str())) {
                failures.push(format!(
                    "{what}: want {summary:?} last only when several:\n{stderr}"
                ));
            }
        }
        // the library says the same
        let mut problems: Vec<Problem> = match load_experiment(&dir.join(file)) {
            Err(Error::Scenario(p)) => p.0,
            Err(other) => {
                failures.push(format!("{file}: want scenario problems, got {other}"));
                continue;
            }
            Ok(_) => {
                failures.push(format!("{file}: loaded without a problem"));
                continue;
            }
        };
        for r in rows {
            match problems.iter().position(|p| {
                (p.line, p.column) == (r.line, r.column)
                    && p.key == r.key
                    && p.message.contains(&r.fragment)
            }) {
                Some(i) => {
                    problems.remove(i);
                }
                None => failures.push(format!(
                    "{file}: load_experiment does not report {}:{} {} ~ {:?}",
                    r.line, r.column, r.key, r.fragment
                )),
            }
        }
        for p in problems {
            failures.push(format!("{file}: unexpected problem {p}"));
        }
    }
    failures
}

#[test]
fn bad_variants_and_sweeps_are_reported_at_their_place() {
    let failures = check_corpus_dir("variants");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---------------------------------------------------------------------------
// (a) An interrupted run never leaves partial files
// ---------------------------------------------------------------------------

/// The files `run --out` writes.
const RESULT_FILES: [&str; 6] = [
    "summary.json",
    "kpis.csv",
    "agents.csv",
    "intervals.csv",
    "scenario.toml",
    "manifest.json",
];

const HELPDESK: &str = "scenarios/helpdesk.toml";

/// The binary, for runs that are spawned and killed.
fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_staffsim"))
}

/// `staffsim run helpdesk --out DIR --force --replications R --seed S --quiet`.
fn helpdesk_run(dir: &Path, replications: u32, seed: u32) -> Command {
    let mut cmd = Command::new(binary());
    cmd.current_dir(root())
        .args(["run", HELPDESK, "--out"])
        .arg(dir)
        .args(["--force", "--quiet", "--replications"])
        .arg(replications.to_string())
        .arg("--seed")
        .arg(seed.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

fn read_dir_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("the results directory is readable")
        .map(|e| {
            let e = e.expect("a directory entry");
            let name = e.file_name().to_string_lossy().into_owned();
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (name, bytes)
        })
        .collect()
}

/// A manifest without its date, which differs from run to run.
fn manifest_without_date(bytes: &[u8]) -> Option<serde_json::Value> {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    v.as_object_mut()?.remove("date");
    Some(v)
}

/// Sends SIGKILL to `pid` with the `kill` command.
fn kill9(pid: u32) {
    let _ = Command::new("kill")
        .args(["-9", &pid.to_string()])
        .stderr(Stdio::null())
        .status();
}

/// When to kill a run.
#[derive(Debug, Clone, Copy)]
enum Moment {
    /// After this many polls of the run, 2 ms apart.
    Polls(u64),
    /// After the directory has been seen to change this many times (a new
    /// temporary file, a file replaced): in the middle of the writing.
    Changes(usize),
}

/// A snapshot of a directory and of its siblings (where a run writes its
/// new directory before swapping it in), cheap enough for a tight loop.
fn snapshot(dir: &Path) -> Vec<(String, u64, Option<std::time::SystemTime>)> {
    let mut v = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    if let Some(parent) = dir.parent() {
        dirs.push(parent.to_path_buf());
        if let Ok(rd) = std::fs::read_dir(parent) {
            dirs.extend(
                rd.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.is_dir()),
            );
        }
    }
    for d in dirs {
        if let Ok(rd) = std::fs::read_dir(&d) {
            for e in rd.filter_map(Result::ok) {
                let m = e.metadata().ok();
                v.push((
                    e.path().to_string_lossy().into_owned(),
                    m.as_ref().map_or(0, |m| m.len()),
                    m.and_then(|m| m.modified().ok()),
                ));
            }
        }
    }
    v.sort();
    v
}

/// Runs the kill-9 experiment once: DIR holds `previous`; a run replacing it
/// is killed at `moment`. Returns (what was left, whether the run finished
/// before it could be killed).
fn interrupted_run(
    dir: &Path,
    previous: &BTreeMap<String, Vec<u8>>,
    moment: Moment,
) -> (BTreeMap<String, Vec<u8>>, bool) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).expect("the old directory can be removed");
    }
    std::fs::create_dir_all(dir).expect("the directory can be created");
    for (name, bytes) in previous {
        std::fs::write(dir.join(name), bytes).expect("the previous results can be written");
    }
    let mut child = helpdesk_run(dir, 40, 2).spawn().expect("staffsim starts");
    let mut polls: u64 = 0;
    let mut finished = false;
    let mut last = snapshot(dir);
    let mut changes = 0;
    loop {
        if child.try_wait().expect("the child can be polled").is_some() {
            finished = true;
            break;
        }
        let due = match moment {
            Moment::Polls(n) => polls >= n,
            Moment::Changes(n) => {
                let now = snapshot(dir);
                if now != last {
                    changes += 1;
                    last = now;
                }
                changes >= n
            }
        };
        if due {
            kill9(child.id());
            break;
        }
        // a watchdog against a hung run (it takes seconds), not a speed limit
        polls += 1;
        assert!(
            polls < 2_000_000,
            "the run hangs: still running after 2 million polls"
        );
        std::thread::sleep(Duration::from_micros(match moment {
            Moment::Polls(_) => 2000,
            Moment::Changes(_) => 50,
        }));
    }
    let _ = child.wait();
    (read_dir_files(dir), finished)
}

#[test]
fn an_interrupted_run_leaves_old_or_complete_new_files_only() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    // a complete previous result (another seed, so every results file differs)
    let prev_dir = tmp.path().join("previous");
    let st = helpdesk_run(&prev_dir, 2, 1)
        .status()
        .expect("staffsim starts");
    assert!(st.success(), "the previous run failed: {st:?}");
    let previous = read_dir_files(&prev_dir);
    assert_eq!(
        previous.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        RESULT_FILES.into_iter().collect::<BTreeSet<_>>(),
        "run --out writes exactly these files"
    );
    // the complete new result, and how long it takes: the time only picks
    // a moment in the middle of the simulation to kill the next run at;
    // nothing is asserted on it, and any moment must leave the old or the
    // complete new files
    let new_dir = tmp.path().join("new");
    let mut child = helpdesk_run(&new_dir, 40, 2)
        .spawn()
        .expect("staffsim starts");
    let mut full: u64 = 0;
    let st = loop {
        if let Some(st) = child.try_wait().expect("the child can be polled") {
            break st;
        }
        full += 1;
        std::thread::sleep(Duration::from_micros(2000));
    };
    assert!(st.success(), "the reference run failed: {st:?}");
    let new = read_dir_files(&new_dir);
    let summary: serde_json::Value =
        serde_json::from_slice(&new["summary.json"]).expect("summary.json is JSON");
    let scenarios = summary["scenarios"].as_array().map_or(0, Vec::len);
    assert!(scenarios >= 1, "summary.json has no scenarios");
    for (name, bytes) in &previous {
        if name != "scenario.toml" {
            assert_ne!(bytes, &new[name], "{name} is the same for both seeds");
        }
    }

    let dir = tmp.path().join("out");
    let moments = [
        Moment::Polls(0),
        Moment::Polls(full / 2),
        Moment::Changes(1),
        Moment::Changes(4),
        Moment::Changes(9),
    ];
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for moment in moments {
        let (left, finished) = interrupted_run(&dir, &previous, moment);
        let mut state = Vec::new();
        for name in RESULT_FILES {
            let Some(bytes) = left.get(name) else {
                failures.push(format!("{moment:?}: {name} is gone"));
                continue;
            };
            let same_manifest = name == "manifest.json"
                && manifest_without_date(bytes).is_some()
                && manifest_without_date(bytes) == manifest_without_date(&new[name]);
            if bytes == &previous[name] && bytes == &new[name] {
                // the scenario copy is the same file in both runs
                state.push(format!("{name}=same"));
            } else if bytes == &previous[name] {
                state.push(format!("{name}=old"));
            } else if bytes == &new[name] || same_manifest {
                state.push(format!("{name}=new"));
            } else {
                failures.push(format!(
                    "{moment:?}: {name} is neither the previous nor the new version ({} bytes)",
                    bytes.len()
                ));
            }
            // and by content: a complete document
            match name {
                "summary.json" => match serde_json::from_slice::<serde_json::Value>(bytes) {
                    Ok(v) if v["scenarios"].as_array().map_or(0, Vec::len) == scenarios => {}
                    _ => failures.push(format!("{moment:?}: summary.json is not complete")),
                },
                "kpis.csv" => {
                    let rows = String::from_utf8_lossy(bytes).lines().count();
                    if rows != scenarios + 1 {
                        failures.push(format!(
                            "{moment:?}: kpis.csv has {rows} lines, want {}",
                            scenarios + 1
                        ));
                    }
                }
                _ => {}
            }
        }
        // all old or all new, never a mix
        if state.iter().any(|s| s.ends_with("=old")) && state.iter().any(|s| s.ends_with("=new")) {
            failures.push(format!("{moment:?}: old and new files mixed: {state:?}"));
        }
        // and nothing else, not even a temporary file
        let others: Vec<&String> = left
            .keys()
            .filter(|n| !RESULT_FILES.contains(&n.as_str()))
            .collect();
        for name in &others {
            failures.push(format!(
                "{moment:?}: unexpected file {name} left in the directory"
            ));
        }
        report.push(format!(
            "{moment:?}: {}{}; left over: {others:?}",
            if finished {
                "finished before the kill; "
            } else {
                ""
            },
            state.join(" ")
        ));
    }
    eprintln!("full run {full:?}\n{}", report.join("\n"));
    assert!(
        failures.is_empty(),
        "{}\n\n{}",
        failures.join("\n"),
        report.join("\n")
    );
}

// ---------------------------------------------------------------------------
// (b) No overwrite without --force
// ---------------------------------------------------------------------------

#[test]
fn a_non_empty_directory_is_not_overwritten_without_force() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let dir = tmp.path().join("out");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("summary.json"), "{\"mine\": true}\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "do not touch\n").unwrap();
    let before = read_dir_files(&dir);
    for args in [
        vec!["run", "scenarios/erlang-a.toml", "--replications", "1"],
        vec!["run", HELPDESK, "--replications", "1", "--format", "json"],
    ] {
        let out = staffsim()
            .args(&args)
            .arg("--out")
            .arg(&dir)
            .output()
            .expect("staffsim starts");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(
            stderr.contains("--force"),
            "{args:?}: the message should say how: {stderr}"
        );
        assert_eq!(
            read_dir_files(&dir),
            before,
            "{args:?} changed the directory"
        );
    }
    // an empty directory, or one that does not exist yet, is fine
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    for d in [empty, tmp.path().join("new/nested")] {
        stdout_of(
            staffsim()
                .args([
                    "run",
                    "scenarios/erlang-a.toml",
                    "--replications",
                    "1",
                    "--out",
                ])
                .arg(&d),
        );
        assert!(d.join("summary.json").exists());
    }
}

// ---------------------------------------------------------------------------
// (c) Overload
// ---------------------------------------------------------------------------

/// Email 100/h on 5 agents with 4-minute handling: 6.7 agents' worth of work
/// on 5, and nobody abandons.
fn overloaded(horizon: &str, max_in_system: Option<u64>) -> String {
    let max = max_in_system
        .map(|m| format!("max_in_system = {m}\n"))
        .unwrap_or_default();
    format!(
        "[simulation]\nname = \"overloaded\"\nhorizon = \"{horizon}\"\nreplications = 2\nseed = 3\n{max}\n\
         [[channel]]\nname = \"email\"\n\n\
         [[arrivals]]\nchannel = \"email\"\nper_hour = 100\n\n\
         [[line]]\nname = \"L1\"\nchannels = [\"email\"]\nagents = 5\n\
         handle = {{ dist = \"exponential\", mean = \"4m\" }}\n"
    )
}

fn write_temp(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("the scenario can be written");
    path.to_str().expect("a UTF-8 path").to_string()
}

fn assert_overload_warning(stderr: &str) {
    let warning = stderr
        .lines()
        .find(|l| l.starts_with("warning: "))
        .unwrap_or_else(|| panic!("no warning on stderr:\n{stderr}"));
    assert!(
        warning.contains("line L1") && warning.contains("offered load 6.7"),
        "the warning should name the line and its load: {warning}"
    );
}

#[test]
fn an_overloaded_desk_is_flagged_and_still_finishes() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_temp(tmp.path(), "overloaded.toml", &overloaded("60d", None));
    // the timeout is a watchdog against a hang, not a speed limit
    let out = staffsim()
        .args(["run", &file, "--format", "json"])
        .timeout(Duration::from_secs(300))
        .output()
        .expect("staffsim starts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_overload_warning(&stderr);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let s = &doc["scenarios"][0];
    assert_eq!(
        s["unstable"], true,
        "60 days stay under max_in_system, but the queue grows without bound"
    );
    assert!(
        s["warnings"][0]
            .as_str()
            .is_some_and(|w| w.contains("line L1")),
        "the JSON carries the warning: {}",
        s["warnings"]
    );
    // the queue did grow: about 25 tickets an hour are left over
    let backlog = s["kpis"]["backlog_end"]["mean"].as_f64().unwrap();
    assert!(backlog > 20_000.0, "backlog_end {backlog}");
}

#[test]
fn the_overload_warning_comes_before_the_run() {
    // twenty years with no cap: the run would take long; the warning must be
    // on stderr while it is still running
    let tmp = tempfile::tempdir().unwrap();
    let file = write_temp(
        tmp.path(),
        "overloaded.toml",
        &overloaded("7300d", Some(u32::MAX as u64)),
    );
    let mut child = Command::new(binary())
        .args(["run", &file, "--format", "json", "--replications", "1"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("staffsim starts");
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut first).unwrap();
    let running = child.try_wait().unwrap().is_none();
    kill9(child.id());
    let _ = child.wait();
    assert_overload_warning(&first);
    assert!(running, "the warning came only after the run had finished");
}

#[test]
fn a_runaway_replication_stops_at_max_in_system() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_temp(tmp.path(), "runaway.toml", &overloaded("60d", Some(1000)));
    let out = staffsim()
        .args(["run", &file, "--format", "json"])
        .timeout(Duration::from_secs(120))
        .output()
        .expect("staffsim starts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_overload_warning(&stderr);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        doc["scenarios"][0]["unstable"], true,
        "{}",
        doc["scenarios"][0]["kpis"]
    );
    let mut bad = Vec::new();
    bad.extend(staffsim::kpi::results_json_problems(&doc));
    assert!(bad.is_empty(), "{bad:?}");
    // stopped early: far fewer contacts than 60 days would bring (144 000)
    let offered = doc["scenarios"][0]["kpis"]["offered"]["mean"]
        .as_f64()
        .unwrap();
    assert!(offered < 20_000.0, "offered {offered}");

    let table = stdout_of(staffsim().args(["run", &file]));
    assert!(table.contains("UNSTABLE"), "{table}");
    let csv = stdout_of(staffsim().args(["run", &file, "--format", "csv"]));
    let header = crate::util::csv_fields(csv.lines().next().unwrap());
    let row = crate::util::csv_fields(csv.lines().nth(1).unwrap());
    let col = header
        .iter()
        .position(|h| h == "unstable")
        .expect("an unstable column");
    assert_eq!(row[col], "true", "{csv}");
}

// ---------------------------------------------------------------------------
// (d) Odd but valid inputs
// ---------------------------------------------------------------------------

/// Every `null` of a scenario's KPIs belongs to a scope (the whole desk,
/// a channel, or a difference to the base) where a scenario offered
/// nothing, and every target with `null` says `no_traffic`.
fn no_traffic_nulls_only(doc: &serde_json::Value, bad: &mut Vec<String>) {
    let scenarios = doc["scenarios"].as_array().cloned().unwrap_or_default();
    let offered = |m: &serde_json::Value| m["offered"]["mean"].as_f64();
    for (i, s) in scenarios.iter().enumerate() {
        let mut scopes = vec![("kpis".to_string(), &s["kpis"], offered(&s["kpis"]))];
        for (c, m) in s["channels"].as_object().into_iter().flatten() {
            scopes.push((format!("channels.{c}"), m, offered(m)));
        }
        for (name, m, offered) in scopes {
            let nulls = m
                .as_object()
                .into_iter()
                .flatten()
                .any(|(_, e)| e["mean"].is_null());
            if nulls && offered != Some(0.0) {
                bad.push(format!(
                    "scenarios[{i}].{name}: null KPIs with {offered:?} offered"
                ));
            }
        }
        for j in s["targets"].as_array().into_iter().flatten() {
            if (j["value"].is_null() || j["met"].is_null()) && j["no_traffic"] != true {
                bad.push(format!(
                    "scenarios[{i}]: target {j} null without no_traffic"
                ));
            }
        }
    }
}

const BASE_CHANNELS: &str = "[[channel]]\nname = \"phone\"\npatience = { dist = \"exponential\", mean = \"5m\" }\n\n[[channel]]\nname = \"email\"\n\n";

/// Odd but valid scenarios: (name, file text).
fn odd_scenarios() -> Vec<(&'static str, String)> {
    let one_line = |sim: &str, arrivals: &str, line: &str| {
        format!(
            "[simulation]\n{sim}\n\n{BASE_CHANNELS}{arrivals}\n[[line]]\nname = \"L1\"\nchannels = [\"phone\", \"email\"]\n{line}\n"
        )
    };
    let arrivals = "[[arrivals]]\nchannel = \"phone\"\nper_hour = 30\n\n[[arrivals]]\nchannel = \"email\"\nper_hour = 5\n";
    let handle = "handle = { dist = \"exponential\", mean = \"4m\" }";
    vec![
        (
            "zero agents with arrivals",
            one_line(
                "horizon = \"2d\"\nreplications = 2",
                arrivals,
                &format!("agents = 0\n{handle}"),
            ),
        ),
        (
            "zero agents on shifts",
            one_line(
                "horizon = \"2d\"\nreplications = 2",
                arrivals,
                &format!(
                    "{handle}\n  [[line.shift]]\n  name = \"day\"\n  start = \"08:00\"\n  end = \"16:00\"\n  agents = 0"
                ),
            ),
        ),
        (
            "zero arrival rates",
            one_line(
                "horizon = \"2d\"\nreplications = 2",
                "[[arrivals]]\nchannel = \"phone\"\nper_hour = 0\n\n[[arrivals]]\nchannel = \"email\"\nper_day = 0\nprofile = \"office\"\n",
                &format!("agents = 3\n{handle}"),
            ),
        ),
        (
            "no arrivals entry for a channel",
            one_line(
                "horizon = \"2d\"\nreplications = 2",
                "[[arrivals]]\nchannel = \"phone\"\nper_hour = 10\n",
                &format!("agents = 3\n{handle}"),
            ),
        ),
        (
            "a one-second horizon",
            one_line(
                "horizon = \"1s\"\nreplications = 3",
                arrivals,
                &format!("agents = 3\n{handle}"),
            ),
        ),
        (
            "a one-second measured window",
            one_line(
                "horizon = \"1d\"\nwarmup = \"86399s\"\nreplications = 3",
                arrivals,
                &format!("agents = 3\n{handle}"),
            ),
        ),
        (
            "one replication",
            one_line(
                "horizon = \"2d\"\nreplications = 1",
                arrivals,
                &format!("agents = 3\n{handle}"),
            ),
        ),
        (
            "huge handling times",
            one_line(
                "horizon = \"2d\"\nreplications = 2",
                arrivals,
                "agents = 3\nhandle = \"100000d\"",
            ),
        ),
        (
            "huge handling times, lognormal, with breaks",
            one_line(
                "horizon = \"2d\"\nreplications = 2",
                arrivals,
                "agents = 3\nhandle = { dist = \"lognormal\", mean = \"100000d\", cv = 3.0 }\n  [line.breaks]\n  every = \"1h\"\n  length = \"10m\"",
            ),
        ),
        (
            "tiny handling times and patience",
            one_line(
                "horizon = \"2d\"\nreplications = 2",
                arrivals,
                "agents = 1\nhandle = \"1ms\"",
            ),
        ),
        (
            "max_in_system = 1",
            one_line(
                "horizon = \"2d\"\nreplications = 2\nmax_in_system = 1",
                arrivals,
                &format!("agents = 1\n{handle}"),
            ),
        ),
        (
            "a one-day interval starting on a Sunday",
            one_line(
                "horizon = \"3d\"\nreplications = 2\ninterval = \"1d\"\nstart = \"sun\"",
                arrivals,
                &format!("agents = 3\n{handle}"),
            ),
        ),
        (
            "a profile with no weight in the opening hours",
            format!(
                "[simulation]\nhorizon = \"3d\"\nreplications = 2\n\n[hours]\nopen = \"09:00\"\nclose = \"17:00\"\n\n{BASE_CHANNELS}\
                 [[arrivals]]\nchannel = \"phone\"\nper_day = 500\nprofile = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]\n\n\
                 [[line]]\nname = \"L1\"\nchannels = [\"phone\", \"email\"]\nagents = 2\n{handle}\n"
            ),
        ),
        (
            "every day zero by weekday",
            one_line(
                "horizon = \"3d\"\nreplications = 2",
                "[[arrivals]]\nchannel = \"phone\"\nper_day = 500\nweekday = { mon = 0, tue = 0, wed = 0, thu = 0, fri = 0, sat = 0, sun = 0 }\nvolume_cv = 5\n",
                &format!("agents = 3\n{handle}"),
            ),
        ),
    ]
}

#[test]
fn odd_but_valid_inputs_run_to_finite_results() {
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (i, (name, text)) in odd_scenarios().into_iter().enumerate() {
        let file = write_temp(tmp.path(), &format!("odd{i}.toml"), &text);
        for format in ["json", "table", "csv"] {
            let out = staffsim()
                .args(["run", &file, "--format", format])
                .timeout(Duration::from_secs(120))
                .output()
                .expect("staffsim starts");
            let stderr = String::from_utf8_lossy(&out.stderr);
            if out.status.code() != Some(0) || stderr.contains("panicked") {
                failures.push(format!(
                    "{name} ({format}): exit {:?}\n{stderr}\n--- scenario ---\n{text}",
                    out.status.code()
                ));
                continue;
            }
            if format != "json" {
                continue;
            }
            match serde_json::from_slice::<serde_json::Value>(&out.stdout) {
                Ok(doc) => {
                    let mut bad = Vec::new();
                    bad.extend(staffsim::kpi::results_json_problems(&doc));
                    no_traffic_nulls_only(&doc, &mut bad);
                    if !bad.is_empty() {
                        failures.push(format!("{name}: {bad:?}"));
                    }
                }
                Err(e) => failures.push(format!("{name}: invalid JSON: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---------------------------------------------------------------------------
// (d) Inputs the fuzzer once found troublesome
// ---------------------------------------------------------------------------

/// Every file in `fuzz/regressions/` (inputs that once crashed, hung or
/// were slow under the fuzz target) loads or is refused with problems,
/// through the same reader `staffsim validate` uses, and within a bounded
/// amount of work: a sweep is expanded only when it has at most
/// `MAX_SCENARIOS` points, so at most that many scenarios are built (each
/// one a read of the file). No wall-clock limit: a watchdog of 120 s,
/// about 10 times a debug build on a busy machine (a release build takes
/// about 1 s), only stops a real hang.
#[test]
fn fuzz_regressions_load_or_are_refused_quickly() {
    use staffsim::scenario::variants::MAX_SCENARIOS;
    let dir = root().join("fuzz/regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/regressions is readable") {
        let path = entry.expect("a directory entry").path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue; // not UTF-8: the reader never sees it
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let input = text.clone();
        std::thread::spawn(move || {
            let loaded = staffsim::scenario::load_experiment_str(&input, "fuzz.toml", None);
            let _ = tx.send(loaded);
        });
        let loaded = rx
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| panic!("{}: the reader hangs", path.display()));
        match &loaded {
            Ok(scenarios) => assert!(
                (1..=MAX_SCENARIOS).contains(&scenarios.len()),
                "{}: {} scenarios",
                path.display(),
                scenarios.len()
            ),
            Err(e) => {
                assert!(
                    matches!(e, Error::Scenario(_)),
                    "{}: not a scenario problem: {e}",
                    path.display()
                );
                // a sweep over the limit is refused by its size alone
                let points = sweep_points(&text);
                assert!(
                    points <= MAX_SCENARIOS
                        || e.to_string()
                            .contains(&format!("the sweep has {points} points")),
                    "{}: a sweep of {points} points is not refused by its size: {e}",
                    path.display()
                );
            }
        }
        n += 1;
    }
    assert!(n > 0, "no regression inputs in {}", dir.display());
}

/// The number of points of a file's `[sweep]` (distinct values per axis,
/// multiplied), or 0 when it has none or it does not parse.
fn sweep_points(text: &str) -> usize {
    let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
        return 0;
    };
    let Some(sweep) = doc.get("sweep").and_then(|s| s.as_table_like()) else {
        return 0;
    };
    sweep
        .iter()
        .map(|(_, v)| {
            v.as_array().map_or(1, |a| {
                let mut seen: Vec<String> =
                    a.iter().map(|x| x.to_string().trim().to_string()).collect();
                seen.sort();
                seen.dedup();
                seen.len()
            })
        })
        .product()
}
