//! Reproducibility: the same file and seed give byte-identical output,
//! whatever the number of threads and however often it is run.

use crate::util::{staffsim, stdout_of};

const TWO_LINES: &str = "scenarios/two-lines.toml";

fn run(format: &str, threads: &str) -> String {
    stdout_of(staffsim().args([
        "run",
        TWO_LINES,
        "--format",
        format,
        "--replications",
        "6",
        "--threads",
        threads,
    ]))
}

#[test]
fn json_is_identical_across_threads_and_runs() {
    let one = run("json", "1");
    let doc: serde_json::Value = serde_json::from_str(&one).expect("valid JSON");
    assert_eq!(doc["scenarios"][0]["replications"], 6, "{one}");
    assert_eq!(one, run("json", "4"), "--threads 1 and --threads 4 differ");
    assert_eq!(one, run("json", "4"), "two runs with --threads 4 differ");
    assert_eq!(one, run("json", "1"), "two runs with --threads 1 differ");
}

#[test]
fn csv_is_identical_across_threads() {
    let one = run("csv", "1");
    assert_eq!(one.lines().count(), 2, "{one}");
    assert_eq!(one, run("csv", "3"), "--threads 1 and --threads 3 differ");
}
