//! Sharded runs: `run --shard i/n --out DIR` and `merge` give exactly the
//! unsharded output.

use crate::util::staffsim;
use std::path::Path;

fn scenario_with_variant(dir: &Path) -> std::path::PathBuf {
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/two-lines.toml"
    ))
    .unwrap();
    let text = base.replace("horizon = \"30d\"", "horizon = \"6d\"")
        + "\n[[variant]]\nname = \"+1 L2\"\nset = { \"line.L2.agents\" = 9 }\n\n[sweep]\n\"line.L1.agents\" = [9, 10]\n";
    let path = dir.join("s.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn stdout(args: &[&str]) -> Vec<u8> {
    let out = staffsim().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn merged_shards_print_exactly_the_unsharded_results() {
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario_with_variant(tmp.path());
    let file = file.to_str().unwrap();
    for format in ["json", "csv", "table"] {
        let whole = stdout(&[
            "run",
            file,
            "--format",
            format,
            "--replications",
            "5",
            "--quiet",
        ]);
        let mut dirs = Vec::new();
        for i in 1..=3 {
            let dir = tmp.path().join(format!("{format}-shard{i}"));
            stdout(&[
                "run",
                file,
                "--replications",
                "5",
                "--shard",
                &format!("{i}/3"),
                "--out",
                dir.to_str().unwrap(),
                "--quiet",
            ]);
            dirs.push(dir.to_str().unwrap().to_string());
        }
        // any order of the shard directories
        dirs.reverse();
        let mut args = vec!["merge"];
        args.extend(dirs.iter().map(String::as_str));
        args.extend(["--format", format]);
        let merged = stdout(&args);
        assert!(
            merged == whole,
            "{format}: merged output differs from the unsharded run"
        );
    }
}

#[test]
fn a_missing_or_foreign_shard_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario_with_variant(tmp.path());
    let file = file.to_str().unwrap();
    let d1 = tmp.path().join("a1");
    let d2 = tmp.path().join("a2");
    stdout(&[
        "run",
        file,
        "--replications",
        "2",
        "--shard",
        "1/2",
        "--out",
        d1.to_str().unwrap(),
        "--quiet",
    ]);
    let out = staffsim()
        .args(["merge", d1.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("shard 2/2 is missing"));
    // a shard of a run with another seed
    stdout(&[
        "run",
        file,
        "--replications",
        "2",
        "--seed",
        "99",
        "--shard",
        "2/2",
        "--out",
        d2.to_str().unwrap(),
        "--quiet",
    ]);
    let out = staffsim()
        .args(["merge", d1.to_str().unwrap(), d2.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("belongs to another run"));
    // --shard needs --out, and a well-formed i/n
    let out = staffsim()
        .args(["run", file, "--shard", "1/2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = staffsim()
        .args(["run", file, "--shard", "3/2", "--out", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
