//! Malformed scenarios: every file of `tests/data/bad` is rejected, by the
//! binary (`validate` and `run`, exit code 2, no panic, nothing on standard
//! output) and by the library, with every problem listed in
//! `tests/data/bad/expected.txt` at its line, column and key.

use crate::util::{bad_dir, root, staffsim};
use staffsim::Error;
use staffsim::error::Problem;
use staffsim::scenario::{load_file, load_str};
use std::collections::{BTreeMap, BTreeSet};

/// One expected problem: a row of `expected.txt`.
#[derive(Debug)]
struct Expected {
    line: usize,
    column: usize,
    /// The key path, empty when the problem has none.
    key: String,
    fragment: String,
}

impl Expected {
    /// How the problem starts on standard error: `FILE:LINE:COL: KEY: `.
    fn prefix(&self, file: &str) -> String {
        if self.key.is_empty() {
            format!("{file}:{}:{}: ", self.line, self.column)
        } else {
            format!("{file}:{}:{}: {}: ", self.line, self.column, self.key)
        }
    }

    fn matches(&self, p: &Problem) -> bool {
        p.line == self.line
            && p.column == self.column
            && p.key == self.key
            && p.message.contains(&self.fragment)
    }
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{} {} ~ {:?}",
            self.line, self.column, self.key, self.fragment
        )
    }
}

/// `expected.txt`, by file name.
fn expectations() -> BTreeMap<String, Vec<Expected>> {
    let path = bad_dir().join("expected.txt");
    let text = std::fs::read_to_string(&path).expect("tests/data/bad/expected.txt is readable");
    let mut out: BTreeMap<String, Vec<Expected>> = BTreeMap::new();
    for (i, row) in text.lines().enumerate() {
        let row = row.trim();
        if row.is_empty() || row.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = row.splitn(4, '|').map(str::trim).collect();
        let [file, place, key, fragment] = cols[..] else {
            panic!(
                "expected.txt:{}: want FILE | LINE:COL | KEY | FRAGMENT",
                i + 1
            );
        };
        let (line, column) = place
            .split_once(':')
            .and_then(|(l, c)| Some((l.parse().ok()?, c.parse().ok()?)))
            .unwrap_or_else(|| panic!("expected.txt:{}: bad LINE:COL {place:?}", i + 1));
        assert!(
            !fragment.is_empty() && line > 0 && column > 0,
            "expected.txt:{}: every problem needs a place and a message fragment",
            i + 1
        );
        out.entry(file.to_string()).or_default().push(Expected {
            line,
            column,
            key: if key == "-" {
                String::new()
            } else {
                key.to_string()
            },
            fragment: fragment.to_string(),
        });
    }
    out
}

/// The `.toml` files of the corpus.
fn corpus() -> BTreeSet<String> {
    std::fs::read_dir(bad_dir())
        .expect("tests/data/bad exists")
        .map(|e| {
            e.expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".toml"))
        .collect()
}

#[test]
fn every_bad_file_has_an_expectation() {
    let files = corpus();
    let expected = expectations();
    let listed: BTreeSet<String> = expected.keys().cloned().collect();
    let unlisted: Vec<_> = files.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&files).collect();
    assert!(
        unlisted.is_empty(),
        "no expectation in expected.txt for {unlisted:?}"
    );
    assert!(
        missing.is_empty(),
        "expected.txt names files that do not exist: {missing:?}"
    );
    assert!(
        files.len() >= 25,
        "the corpus shrank to {} files",
        files.len()
    );
}

/// Checks one run of the binary on a bad file; returns what is wrong.
fn check_cli(file: &str, args: &[&str], expected: &[Expected]) -> Vec<String> {
    let path = format!("tests/data/bad/{file}");
    let out = staffsim()
        .args(args)
        .arg(&path)
        .output()
        .expect("staffsim starts");
    let what = format!("staffsim {} {path}", args.join(" "));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut failures = Vec::new();
    if out.status.code() != Some(2) {
        failures.push(format!("{what}: exit code {:?}, want 2", out.status.code()));
    }
    if stderr.contains("panicked") {
        failures.push(format!("{what}: panicked:\n{stderr}"));
    }
    if !out.stdout.is_empty() {
        failures.push(format!(
            "{what}: standard output should be empty, got:\n{}",
            String::from_utf8_lossy(&out.stdout)
        ));
    }
    let Some(body) = stderr.strip_prefix("error: ") else {
        failures.push(format!(
            "{what}: stderr does not start with \"error: \":\n{stderr}"
        ));
        return failures;
    };
    let problem_lines: Vec<&str> = body.lines().filter(|l| l.starts_with(&path)).collect();
    for e in expected {
        let prefix = e.prefix(&path);
        let found = problem_lines
            .iter()
            .any(|l| l.starts_with(&prefix) && l[prefix.len()..].contains(&e.fragment));
        if !found {
            failures.push(format!(
                "{what}: no line `{prefix}…{}…` in:\n{stderr}",
                e.fragment
            ));
        }
    }
    if problem_lines.len() != expected.len() {
        failures.push(format!(
            "{what}: {} problems reported, {} expected:\n{stderr}",
            problem_lines.len(),
            expected.len()
        ));
    }
    let summary = format!("{} problems found", expected.len());
    let has_summary = body.lines().last() == Some(summary.as_str());
    if (expected.len() > 1) != has_summary {
        failures.push(format!(
            "{what}: want the last line {summary:?} only when there are several:\n{stderr}"
        ));
    }
    failures
}

fn check_all_cli(args: &[&str]) {
    let mut failures = Vec::new();
    for (file, expected) in expectations() {
        failures.extend(check_cli(&file, args, &expected));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn validate_rejects_every_bad_file_with_every_problem() {
    check_all_cli(&["validate"]);
}

#[test]
fn run_rejects_every_bad_file_with_every_problem() {
    check_all_cli(&["run", "--format", "json"]);
}

/// The problems the library reports for a corpus file.
fn problems_of(file: &str) -> Vec<Problem> {
    match load_file(&bad_dir().join(file)) {
        Err(Error::Scenario(problems)) => problems.0,
        Err(other) => panic!("{file}: want scenario problems, got {other}"),
        Ok(_) => panic!("{file}: loaded without a problem"),
    }
}

#[test]
fn library_reports_exactly_the_expected_problems() {
    let mut failures = Vec::new();
    for (file, expected) in expectations() {
        let mut problems = problems_of(&file);
        let reported: Vec<String> = problems.iter().map(ToString::to_string).collect();
        for e in &expected {
            // each expectation takes its own problem, so none is counted twice
            match problems.iter().position(|p| e.matches(p)) {
                Some(i) => {
                    problems.remove(i);
                }
                None => failures.push(format!(
                    "{file}: missing {e}; reported:\n{}",
                    reported.join("\n")
                )),
            }
        }
        for p in problems {
            failures.push(format!("{file}: unexpected problem {p}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn corpus_text(file: &str) -> String {
    std::fs::read_to_string(bad_dir().join(file)).expect("corpus file is readable")
}

fn load_problems(text: &str) -> Vec<Problem> {
    match load_str(text, "x.toml", None) {
        Err(Error::Scenario(problems)) => problems.0,
        Err(other) => panic!("want scenario problems, got {other}"),
        Ok(_) => panic!("loaded without a problem"),
    }
}

#[test]
fn load_str_reports_all_problems_of_a_file_in_one_go() {
    let problems = load_problems(&corpus_text("many-problems.toml"));
    assert_eq!(problems.len(), 9, "{problems:#?}");
    assert!(problems.iter().all(|p| p.file == "x.toml" && p.line > 0));
    // in file order
    let places: Vec<(usize, usize)> = problems.iter().map(|p| (p.line, p.column)).collect();
    let mut sorted = places.clone();
    sorted.sort();
    assert_eq!(places, sorted);
    let text = staffsim::error::Problems(problems, 0).to_string();
    assert!(
        text.starts_with("x.toml:3:11: simulation.horizon: a duration needs a unit"),
        "{text}"
    );
    assert!(text.ends_with("\n9 problems found"), "{text}");
}

#[test]
fn load_str_places_a_syntax_error() {
    let problems = load_problems("[simulation]\nhorizon = \"30d\nwarmup = \"1d\"\n");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let p = &problems[0];
    assert_eq!((p.line, p.column, p.key.as_str()), (2, 15, ""));
    assert!(p.message.starts_with("invalid TOML"), "{}", p.message);
}

#[test]
fn load_str_suggests_the_closest_key() {
    let text = corpus_text("unknown-key-simulation.toml");
    let problems = load_problems(&text);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].key, "simulation.replicatons");
    assert!(
        problems[0]
            .message
            .contains("did you mean \"replications\"")
    );
    // the same file with the typo fixed loads
    let fixed = text.replace("replicatons", "replications");
    let sc = load_str(&fixed, "x.toml", None).expect("the fixed file loads");
    assert_eq!(sc.replications, 10);
}

#[test]
fn load_str_finds_empirical_files_relative_to_dir() {
    let text = corpus_text("empirical-not-a-number.toml");
    // in the corpus directory the file exists and holds a bad line
    let problems = match load_str(&text, "x.toml", Some(&bad_dir())) {
        Err(Error::Scenario(p)) => p.0,
        other => panic!("want scenario problems, got {other:?}"),
    };
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0]
            .message
            .contains(":4: the first field is not a number")
            && !problems[0].message.contains("four minutes"),
        "{}",
        problems[0].message
    );
    // from the repository root it does not exist
    let problems = match load_str(&text, "x.toml", Some(root())) {
        Err(Error::Scenario(p)) => p.0,
        other => panic!("want scenario problems, got {other:?}"),
    };
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].message.starts_with("cannot read"),
        "{}",
        problems[0].message
    );
    assert_eq!(problems[0].key, "line.L1.handle.file");
}

#[test]
fn shipped_scenarios_load_without_problems() {
    // the counterpart of the corpus: the loader does accept good files
    for name in ["erlang-a.toml", "two-lines.toml", "replay-day.toml"] {
        let path = root().join("scenarios").join(name);
        let sc = load_file(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!sc.lines.is_empty() && !sc.channels.is_empty());
    }
}
