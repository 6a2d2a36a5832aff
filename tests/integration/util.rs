//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// The repository root (where `Cargo.toml`, `scenarios/` and `tests/` are).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The malformed-scenario corpus, `tests/data/bad`.
pub fn bad_dir() -> PathBuf {
    root().join("tests/data/bad")
}

/// The real `staffsim` binary, run from the repository root so that paths
/// such as `scenarios/erlang-a.toml` work as they do for a user.
pub fn staffsim() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("staffsim").expect("the staffsim binary is built");
    cmd.current_dir(root());
    cmd
}

/// The output of a command that is expected to succeed: its standard output
/// as text. Fails the test, showing standard error, when it did not succeed.
pub fn stdout_of(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().expect("staffsim starts");
    assert!(
        out.status.success(),
        "staffsim failed with {:?}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("standard output is UTF-8")
}

/// Runs `staffsim run FILE --format json ARGS...` and parses the document.
pub fn run_json(file: &str, args: &[&str]) -> serde_json::Value {
    let text = stdout_of(
        staffsim()
            .args(["run", file, "--format", "json"])
            .args(args),
    );
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("invalid JSON ({e}):\n{text}"))
}

/// Splits one CSV record into its fields (RFC 4180 quoting: `"a,b"`, `""`).
pub fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quoted CSV field in {line:?}");
    fields.push(field);
    fields
}

#[test]
fn csv_fields_handles_quotes() {
    assert_eq!(csv_fields("a,b"), ["a", "b"]);
    assert_eq!(
        csv_fields("\"x, y\",\"say \"\"hi\"\"\",,z"),
        ["x, y", "say \"hi\"", "", "z"]
    );
}
