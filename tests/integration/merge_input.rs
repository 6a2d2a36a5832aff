//! `merge` trusts no `shard.json` (issue 19, items 8 and 9): each damaged
//! or foreign shard is refused with exit code 2, naming the shard's file and
//! the field at fault, never a panic, never a huge allocation, never a
//! truncated document; shards of another version, or whose scenario's
//! `empirical` file changed, are refused too.

use crate::util::staffsim;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const SCENARIO: &str = r#"
[simulation]
horizon = "1d"
replications = 2

[[channel]]
name = "phone"
patience = { dist = "exponential", mean = "5m" }

[[channel]]
name = "email"

[[arrivals]]
channel = "phone"
per_hour = 30

[[arrivals]]
channel = "email"
per_hour = 5

[[line]]
name = "L1"
channels = ["phone", "email"]
agents = 3
handle = { dist = "empirical", file = "handle.csv" }
resolve = 0.8
escalates_to = "L2"

[[line]]
name = "L2"
agents = 1
handle = { dist = "exponential", mean = "10m" }
"#;

/// A scenario with an `empirical` file, run as two shards: (the folder,
/// the scenario, the two shard folders).
fn two_shards() -> (tempfile::TempDir, PathBuf, [PathBuf; 2]) {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("s.toml");
    std::fs::write(&file, SCENARIO).unwrap();
    std::fs::write(tmp.path().join("handle.csv"), "seconds\n200\n240\n300\n").unwrap();
    let dirs = [tmp.path().join("d1"), tmp.path().join("d2")];
    for (i, d) in dirs.iter().enumerate() {
        run_shard(&file, i + 1, d);
    }
    (tmp, file, dirs)
}

fn run_shard(file: &Path, i: usize, dir: &Path) {
    let out = staffsim()
        .arg("run")
        .arg(file)
        .args(["--shard", &format!("{i}/2"), "--quiet", "--force", "--out"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `merge` of `dirs`: exit code, standard output, standard error.
fn merge(dirs: &[PathBuf]) -> (Option<i32>, String, String) {
    let out = staffsim()
        .arg("merge")
        .args(dirs)
        .args(["--format", "json"])
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn shard_json(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("shard.json")).unwrap()).unwrap()
}

fn write_shard(dir: &Path, v: &Value) {
    std::fs::write(dir.join("shard.json"), serde_json::to_vec(v).unwrap()).unwrap();
}

/// Refused: exit 2, nothing on standard output, and the message names the
/// shard's file and has `want` in it.
fn assert_refused(dirs: &[PathBuf], bad: &Path, want: &str) {
    let (code, stdout, stderr) = merge(dirs);
    assert_eq!(code, Some(2), "{want}: {stderr}");
    assert!(stdout.is_empty(), "{want}: printed {stdout}");
    assert!(
        stderr.contains(&bad.display().to_string()),
        "{want}: the message does not name {}: {stderr}",
        bad.display()
    );
    assert!(stderr.contains(want), "want {want:?}: {stderr}");
}

#[test]
fn the_two_shards_merge() {
    let (_tmp, _file, dirs) = two_shards();
    let (code, stdout, stderr) = merge(&dirs);
    assert_eq!(code, Some(0), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["scenarios"][0]["replications"], 2);
}

#[test]
fn every_damaged_field_of_a_shard_is_named() {
    let (_tmp, _file, dirs) = two_shards();
    let good = shard_json(&dirs[0]);
    let bad = dirs[0].join("shard.json");
    type Damage = fn(&mut Value);
    let cases: Vec<(Damage, &str)> = vec![
        (
            |v| v["of"] = json!(1u64 << 62),
            "of: 4611686018427387904 shards",
        ),
        (
            |v| v["of"] = json!(u64::MAX),
            "of: 18446744073709551615 shards",
        ),
        (
            |v| v["of"] = json!(1e30),
            "of: invalid type: floating point",
        ),
        (|v| v["shard"] = json!(0), "shard: 0 is not a shard of 2"),
        (
            |v| v["shard"] = json!(-1),
            "shard: invalid value: integer `-1`",
        ),
        (
            |v| {
                v["records"][0]["overall"].as_array_mut().unwrap().pop();
            },
            "records[0].overall: ",
        ),
        (
            |v| {
                v["records"][0]["lines"].as_array_mut().unwrap().pop();
            },
            "records[0].lines: 1 values, expected 2",
        ),
        (
            |v| {
                v["records"][0]["lines"][1]
                    .as_array_mut()
                    .unwrap()
                    .truncate(3);
            },
            "records[0].lines[1]: 3 values",
        ),
        (
            |v| v["records"][0]["channels"] = json!([]),
            "records[0].channels: 0 values, expected 2",
        ),
        (
            |v| {
                v["records"][0]["agent_busy"].as_array_mut().unwrap().pop();
            },
            "records[0].agent_busy: 3 values, expected 4",
        ),
        (
            |v| {
                v["records"][0]["intervals"]["channels"][1]
                    .as_array_mut()
                    .unwrap()
                    .pop();
            },
            "records[0].intervals.channels[1]: ",
        ),
        (
            |v| {
                v["records"][0]["intervals"]["lines"]
                    .as_array_mut()
                    .unwrap()
                    .pop();
            },
            "records[0].intervals.lines: 1 values, expected 2",
        ),
        (
            |v| v["records"][0]["intervals"]["slots"] = json!(1u64 << 40),
            "records[0].intervals.slots: 1099511627776 intervals a week, expected 336",
        ),
        (
            |v| v["records"][0]["overall"][0] = json!("x"),
            "records[0].overall[0]: invalid type: string",
        ),
        (
            |v| v["records"][0]["scenario"] = json!(7),
            "records[0].scenario: scenario 7 does not exist",
        ),
        (
            |v| v["records"][0]["replication"] = json!(1u64 << 62),
            "records[0].replication: replication 4611686018427387904",
        ),
        (
            |v| v["records"] = json!([]),
            "the shards hold 1 of the run's 2 replications",
        ),
        (
            |v| v["records"] = json!({"a": 1}),
            "records: invalid type: map",
        ),
        (
            |v| {
                v.as_object_mut().unwrap().remove("inputs");
            },
            "missing field `inputs`",
        ),
        (
            |v| v["staffsim_version"] = json!("0.0.1"),
            "staffsim_version: the shard was run by staffsim 0.0.1",
        ),
        (
            |v| v["staffsim_version"] = json!(7),
            "staffsim_version: invalid type: integer",
        ),
        (|v| *v = json!([1, 2]), "not a shard file"),
    ];
    for (damage, want) in cases {
        let mut v = good.clone();
        damage(&mut v);
        write_shard(&dirs[0], &v);
        // "the shards hold 0" is said of the first shard folder, every
        // other problem of the shard's own file
        let named = if want.starts_with("the shards hold") {
            dirs[0].clone()
        } else {
            bad.clone()
        };
        assert_refused(&dirs, &named, want);
    }
    // the same record in both shards
    let mut v = good.clone();
    v["records"] = json!([good["records"][0], good["records"][0]]);
    write_shard(&dirs[0], &v);
    assert_refused(&dirs, &bad, "is in the shards twice");
    // a truncated file
    let text = serde_json::to_string(&good).unwrap();
    // cut just after a comma, so the parser meets the end of the file and
    // not a number cut in two (which it names "invalid number")
    let cut = text[..text.len() / 2].rfind(',').unwrap() + 1;
    std::fs::write(&bad, &text[..cut]).unwrap();
    assert_refused(&dirs, &bad, "EOF while parsing");
    // not a regular file
    std::fs::remove_file(&bad).unwrap();
    std::fs::create_dir(&bad).unwrap();
    assert_refused(&dirs, &bad, "a directory, not a regular file");
}

#[test]
fn a_changed_empirical_file_is_seen_at_merge_and_between_shards() {
    let (tmp, file, dirs) = two_shards();
    let csv = tmp.path().join("handle.csv");
    std::fs::write(&csv, "seconds\n200\n240\n301\n").unwrap();
    // changed since both shards ran
    assert_refused(&dirs, &csv, "changed since the shards ran");
    // changed between the shards
    run_shard(&file, 2, &dirs[1]);
    let (code, _, stderr) = merge(&dirs);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("inputs: this shard belongs to another run"),
        "{stderr}"
    );
    // what the shards record
    let v = shard_json(&dirs[1]);
    let inputs = v["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 1);
    assert!(inputs[0]["path"].as_str().unwrap().ends_with("handle.csv"));
    assert_eq!(inputs[0]["sha256"].as_str().unwrap().len(), 64);
}
