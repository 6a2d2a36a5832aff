//! Golden files: the JSON results of the shipped scenarios, pinned byte for
//! byte (`staffsim run FILE --format json --replications 3 --seed 11`), so
//! that no change to the simulation or the reports alters results unnoticed.
//!
//! A deliberate change regenerates them:
//! `STAFFSIM_UPDATE_GOLDEN=1 cargo test --release golden`, and its commit
//! says why the results changed.

use crate::util::{root, staffsim, stdout_of};
use std::path::PathBuf;

/// Set to rewrite the golden files instead of comparing with them.
const UPDATE: &str = "STAFFSIM_UPDATE_GOLDEN";

fn golden_dir() -> PathBuf {
    root().join("tests/data/golden")
}

/// Runs `staffsim run FILE --format json --replications 3 --seed 11` and
/// compares its output with `tests/data/golden/NAME`.
fn check_golden(file: &str, name: &str) {
    let out = stdout_of(staffsim().args([
        "run",
        file,
        "--format",
        "json",
        "--replications",
        "3",
        "--seed",
        "11",
        "--quiet",
    ]));
    let path = golden_dir().join(name);
    if std::env::var_os(UPDATE).is_some_and(|v| !v.is_empty() && v != "0") {
        std::fs::create_dir_all(golden_dir()).expect("tests/data/golden can be created");
        std::fs::write(&path, &out).expect("the golden file can be written");
        eprintln!("rewrote {}", path.display());
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}); create it with {UPDATE}=1 cargo test --release golden",
            path.display()
        )
    });
    if out != want {
        let (got_lines, want_lines): (Vec<&str>, Vec<&str>) =
            (out.lines().collect(), want.lines().collect());
        let first = got_lines
            .iter()
            .zip(&want_lines)
            .position(|(a, b)| a != b)
            .unwrap_or(got_lines.len().min(want_lines.len()));
        let show = |lines: &[&str]| {
            lines
                .iter()
                .skip(first.saturating_sub(3))
                .take(7)
                .copied()
                .collect::<Vec<_>>()
                .join("\n")
        };
        panic!(
            "{file}: results changed; if deliberate, regenerate with \
             {UPDATE}=1 cargo test --release golden and say why in the commit\n\
             first difference at line {} of {} ({} lines now, {} before):\n\
             --- now ---\n{}\n--- golden ---\n{}",
            first + 1,
            path.display(),
            got_lines.len(),
            want_lines.len(),
            show(&got_lines),
            show(&want_lines),
        );
    }
}

#[test]
fn golden_erlang_a() {
    check_golden("scenarios/erlang-a.toml", "erlang-a.json");
}

#[test]
fn golden_two_lines() {
    check_golden("scenarios/two-lines.toml", "two-lines.json");
}

/// The help desk over two weeks, one of them warm-up, to keep it fast: a copy
/// of scenarios/helpdesk.toml with a shorter horizon, written to a temporary
/// directory (the scenario has no relative file references).
#[test]
fn golden_helpdesk() {
    let text = std::fs::read_to_string(root().join("scenarios/helpdesk.toml"))
        .expect("scenarios/helpdesk.toml is readable");
    let mut shortened = String::new();
    let (mut horizon, mut warmup) = (false, false);
    for line in text.lines() {
        if line.starts_with("horizon =") {
            shortened.push_str("horizon = \"14d\"\n");
            horizon = true;
        } else if line.starts_with("warmup =") {
            shortened.push_str("warmup = \"7d\"\n");
            warmup = true;
        } else {
            shortened.push_str(line);
            shortened.push('\n');
        }
    }
    assert!(
        horizon && warmup,
        "scenarios/helpdesk.toml no longer has horizon = and warmup = lines"
    );
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("helpdesk-14d.toml");
    std::fs::write(&file, shortened).expect("the temporary scenario can be written");
    check_golden(file.to_str().expect("a UTF-8 path"), "helpdesk-14d.json");
}
