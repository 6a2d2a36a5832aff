//! The results directory is safe with people's files (issue 19, items 2-7):
//! `--force` removes only what staffsim wrote, never the input; modes,
//! owners and setgid are kept; concurrent runs give one complete result or
//! an error; a mount point inside `--out` is never emptied; the results
//! record the bytes simulated; a failing stdout or stderr never panics.

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};

/// A one-line scenario that runs (and optimizes) in a blink.
const TINY: &str = r#"[simulation]
horizon = "2d"
warmup = "0s"
replications = 2
seed = 7

[[channel]]
name = "phone"
service_level = { answer_within = "20s" }

[[arrivals]]
channel = "phone"
per_hour = 60

[[line]]
name = "L1"
channels = ["phone"]
agents = 6
handle = { dist = "exponential", mean = "4m" }
wage = 20.0

[targets]
service_level = 0.80
"#;

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_staffsim"))
}

/// Runs `staffsim ARGS` in `cwd`; (exit code, stdout, stderr).
fn staffsim_in(cwd: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = binary()
        .current_dir(cwd)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("staffsim starts");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every file under `dir` (relative name → bytes).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn assert_ok(what: &str, r: &(Option<i32>, String, String)) {
    assert_eq!(r.0, Some(0), "{what} failed:\n{}", r.2);
}

/// Item 2: `--force` in the scenario's own folder keeps the scenario
/// (`optimize`, `run --shard 1/1`, `run`), and a results folder's
/// `manifest.json` lists the files staffsim wrote.
#[test]
fn force_never_deletes_the_input_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("scenario.toml"), TINY).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let inode = std::fs::metadata(dir).unwrap().ino();
    for args in [
        &["optimize", "scenario.toml", "--out", ".", "--force", "-q"][..],
        &[
            "run",
            "scenario.toml",
            "--shard",
            "1/1",
            "--out",
            ".",
            "--force",
            "-q",
        ],
        &["run", "scenario.toml", "--out", ".", "--force", "-q"],
        &["report", "scenario.toml", "--out", ".", "--force", "-q"],
    ] {
        let r = staffsim_in(dir, args);
        assert_ok(&args.join(" "), &r);
        assert_eq!(
            std::fs::read_to_string(dir.join("scenario.toml")).unwrap(),
            TINY,
            "{}: the input scenario is gone or changed",
            args.join(" ")
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
            "mine"
        );
        // the folder the shell stands in is updated in place, not swapped
        // away from under it
        assert_eq!(
            std::fs::metadata(dir).unwrap().ino(),
            inode,
            "{}",
            args.join(" ")
        );
    }
    let left: Vec<String> = std::fs::read_dir(tmp.path().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with(&format!(
                ".{}.staffsim-",
                tmp.path().file_name().unwrap().to_string_lossy()
            ))
        })
        .collect();
    assert!(left.is_empty(), "temporary folders left: {left:?}");
    // the last command's own outputs are listed, the user's files are not
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let files = m["files"]
        .as_object()
        .expect("manifest.json lists its files");
    assert!(files.contains_key("summary.json") && files.contains_key("report.html"));
    assert!(
        !files.contains_key("scenario.toml"),
        "the user's scenario is listed as ours"
    );
    assert!(!files.contains_key("notes.txt"));
    // the earlier commands' outputs are gone, being staffsim's
    assert!(!dir.join("optimize.json").exists());
    assert!(!dir.join("shard.json").exists());
}

/// Item 2: a user's `report.html` and `charts/budget.svg` survive a run
/// that writes no charts; a run that would write over them is refused
/// (exit 2) and changes nothing; staffsim's own earlier charts are dropped.
#[test]
fn force_keeps_a_users_report_and_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("s.toml");
    std::fs::write(&file, TINY).unwrap();
    let file = file.to_str().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(out.join("charts")).unwrap();
    std::fs::write(out.join("report.html"), "<p>my report</p>").unwrap();
    std::fs::write(out.join("charts/budget.svg"), "<svg>my budget</svg>").unwrap();
    let out_s = out.to_str().unwrap();

    assert_ok(
        "run --force",
        &staffsim_in(tmp.path(), &["run", file, "--out", out_s, "--force", "-q"]),
    );
    let after = tree(&out);
    assert_eq!(after["report.html"], b"<p>my report</p>");
    assert_eq!(after["charts/budget.svg"], b"<svg>my budget</svg>");
    assert!(after.contains_key("summary.json"));

    let before = tree(&out);
    let r = staffsim_in(
        tmp.path(),
        &["run", file, "--out", out_s, "--force", "--charts", "-q"],
    );
    assert_eq!(
        r.0,
        Some(2),
        "a run writing over the user's report: {}",
        r.2
    );
    assert!(r.2.contains("report.html"), "{}", r.2);
    assert_eq!(tree(&out), before, "a refused run changed the directory");

    // staffsim's own report and charts are replaced, then dropped
    let own = tmp.path().join("own");
    let own_s = own.to_str().unwrap();
    assert_ok(
        "report",
        &staffsim_in(tmp.path(), &["report", file, "--out", own_s, "-q"]),
    );
    assert!(own.join("report.html").exists() && own.join("charts").exists());
    assert_ok(
        "report --force",
        &staffsim_in(
            tmp.path(),
            &["report", file, "--out", own_s, "--force", "-q"],
        ),
    );
    assert_ok(
        "run --force",
        &staffsim_in(tmp.path(), &["run", file, "--out", own_s, "--force", "-q"]),
    );
    assert!(!own.join("report.html").exists(), "an older report stayed");
    assert!(!own.join("charts").exists(), "older charts stayed");
}

/// Item 2: a results folder of an older staffsim (a manifest without its
/// list of files) is replaced; its unproven report is kept.
#[test]
fn force_on_an_older_results_folder_keeps_what_it_cannot_prove() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("s.toml");
    std::fs::write(&file, TINY).unwrap();
    let file = file.to_str().unwrap();
    let out = tmp.path().join("out");
    let out_s = out.to_str().unwrap();
    assert_ok(
        "run",
        &staffsim_in(tmp.path(), &["run", file, "--out", out_s, "-q"]),
    );
    let mut m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    m.as_object_mut().unwrap().remove("files");
    std::fs::write(out.join("manifest.json"), m.to_string()).unwrap();
    std::fs::write(out.join("report.html"), "<p>whose?</p>").unwrap();
    assert_ok(
        "run --force",
        &staffsim_in(tmp.path(), &["run", file, "--out", out_s, "--force", "-q"]),
    );
    assert_eq!(
        std::fs::read(out.join("report.html")).unwrap(),
        b"<p>whose?</p>"
    );
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert!(m["files"]["summary.json"].is_string());
}

/// Item 3: a `700` results folder stays `700`, a setgid subfolder keeps
/// its mode, group and setgid bit, and a replaced file its mode.
#[test]
fn force_keeps_modes_owners_and_setgid() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("s.toml");
    std::fs::write(&file, TINY).unwrap();
    let file = file.to_str().unwrap();
    let out = tmp.path().join("out");
    let out_s = out.to_str().unwrap();
    assert_ok(
        "report",
        &staffsim_in(tmp.path(), &["report", file, "--out", out_s, "-q"]),
    );
    let private = out.join("private");
    std::fs::create_dir(&private).unwrap();
    std::fs::write(private.join("secret.txt"), "secret").unwrap();
    let set = |p: &Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    set(&out, 0o700);
    set(&private, 0o700);
    // a group of its own where we may set one (as root), else ours
    let gid = if is_root() {
        65534
    } else {
        std::fs::metadata(&out).unwrap().gid()
    };
    let _ = std::os::unix::fs::chown(out.join("charts"), None, Some(gid));
    set(&out.join("charts"), 0o2750);
    set(&out.join("kpis.csv"), 0o600);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().mode() & 0o7777;
    let before: Vec<(u32, u32, u32)> = [&out, &private, &out.join("charts")]
        .iter()
        .map(|p| {
            let m = std::fs::metadata(p).unwrap();
            (m.mode() & 0o7777, m.uid(), m.gid())
        })
        .collect();
    assert_ok(
        "report --force",
        &staffsim_in(
            tmp.path(),
            &["report", file, "--out", out_s, "--force", "-q"],
        ),
    );
    let after: Vec<(u32, u32, u32)> = [&out, &private, &out.join("charts")]
        .iter()
        .map(|p| {
            let m = std::fs::metadata(p).unwrap();
            (m.mode() & 0o7777, m.uid(), m.gid())
        })
        .collect();
    assert_eq!(
        after, before,
        "(mode, uid, gid) of out, out/private, out/charts"
    );
    assert_eq!(mode(&out.join("kpis.csv")), 0o600, "a replaced file's mode");
    assert_eq!(
        std::fs::read_to_string(private.join("secret.txt")).unwrap(),
        "secret"
    );
    // a new results folder gets the usual mode, not the temporary's 700
    let fresh = tmp.path().join("fresh");
    assert_ok(
        "run",
        &staffsim_in(
            tmp.path(),
            &["run", file, "--out", fresh.to_str().unwrap(), "-q"],
        ),
    );
    let probe = tmp.path().join("probe");
    std::fs::create_dir(&probe).unwrap();
    assert_eq!(
        mode(&fresh),
        mode(&probe),
        "a new folder's mode follows the umask"
    );
}

/// True when the tests run as root (owner changes are then possible).
fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Item 4: runs writing one `--out` at once give one complete result or an
/// error each: without `--force` one succeeds and the others are refused;
/// with it, each succeeds in turn and the folder holds one complete result;
/// no temporary folder is left.
#[test]
fn concurrent_runs_give_one_complete_result_or_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("s.toml");
    std::fs::write(&file, TINY).unwrap();
    let parent = tmp.path().join("results");
    let out = parent.join("out");
    for force in [false, true] {
        let _ = std::fs::remove_dir_all(&parent);
        let children: Vec<_> = (0..6)
            .map(|seed| {
                let mut cmd = binary();
                cmd.args(["run", file.to_str().unwrap(), "--format", "json", "-q"])
                    .args(["--seed", &seed.to_string(), "--out"])
                    .arg(&out)
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped());
                if force {
                    cmd.arg("--force");
                }
                cmd.spawn().expect("staffsim starts")
            })
            .collect();
        let outputs: Vec<_> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        let ok: Vec<&std::process::Output> =
            outputs.iter().filter(|o| o.status.success()).collect();
        if force {
            assert_eq!(ok.len(), 6, "every --force run succeeds in turn");
        } else {
            assert_eq!(ok.len(), 1, "exactly one run writes a new folder");
            for o in outputs.iter().filter(|o| !o.status.success()) {
                assert_eq!(o.status.code(), Some(2));
                assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
            }
        }
        let files = tree(&out);
        let names: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "agents.csv",
                "intervals.csv",
                "kpis.csv",
                "manifest.json",
                "scenario.toml",
                "summary.json"
            ]
        );
        assert!(
            ok.iter().any(|o| o.stdout == files["summary.json"]),
            "summary.json is not one run's complete result"
        );
        let m: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
        assert_eq!(
            m["files"]["kpis.csv"].as_str().unwrap(),
            staffsim::shard::sha256_hex(&files["kpis.csv"]),
            "the manifest and the files come from one run"
        );
        let left: Vec<String> = std::fs::read_dir(&parent)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left, ["out"], "temporary folders left beside the results");
    }
}

/// Mounts a tmpfs at `at`; false (with the reason printed) where this
/// user or system cannot.
fn mount_tmpfs(at: &Path) -> bool {
    let out = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "staffsim-test"])
        .arg(at)
        .output();
    match out {
        Ok(o) if o.status.success() => true,
        Ok(o) => {
            eprintln!(
                "skipped: cannot mount a tmpfs here ({})",
                String::from_utf8_lossy(&o.stderr).trim()
            );
            false
        }
        Err(e) => {
            eprintln!("skipped: no mount command ({e})");
            false
        }
    }
}

fn umount(at: &Path) {
    let _ = Command::new("umount").arg(at).status();
}

/// Item 5: a mount point inside `--out`, or `--out` itself a mount point,
/// is refused with a clear error (exit 2), and what it holds is untouched.
#[test]
fn a_mount_point_in_out_is_never_emptied() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("s.toml");
    std::fs::write(&file, TINY).unwrap();
    let file = file.to_str().unwrap();
    let out = tmp.path().join("out");
    let inner = out.join("inner");
    std::fs::create_dir_all(&inner).unwrap();
    if !mount_tmpfs(&inner) {
        return;
    }
    std::fs::write(inner.join("data.txt"), "on another file system").unwrap();
    let inside = staffsim_in(
        tmp.path(),
        &["run", file, "--out", out.to_str().unwrap(), "--force", "-q"],
    );
    let kept = std::fs::read_to_string(inner.join("data.txt"));
    umount(&inner);
    assert_eq!(inside.0, Some(2), "{}", inside.2);
    assert!(inside.2.contains("mount point"), "{}", inside.2);
    assert_eq!(kept.unwrap(), "on another file system");

    // --out is itself a mount point
    let mounted = tmp.path().join("mounted");
    std::fs::create_dir(&mounted).unwrap();
    if !mount_tmpfs(&mounted) {
        return;
    }
    std::fs::write(mounted.join("data.txt"), "mine").unwrap();
    let itself = staffsim_in(
        tmp.path(),
        &[
            "run",
            file,
            "--out",
            mounted.to_str().unwrap(),
            "--force",
            "-q",
        ],
    );
    let kept = std::fs::read_to_string(mounted.join("data.txt"));
    umount(&mounted);
    assert_eq!(itself.0, Some(2), "{}", itself.2);
    assert!(itself.2.contains("mount point"), "{}", itself.2);
    assert_eq!(kept.unwrap(), "mine");
}

/// Item 6: the results record the bytes simulated, read once: a scenario
/// given on a pipe (`/dev/stdin`) is recorded whole, with its hash, and a
/// shard's hash is that of the bytes it ran.
#[test]
fn results_record_the_scenario_simulated() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut child = binary()
        .args(["run", "/dev/stdin", "-q", "--out"])
        .arg(&out)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(TINY.as_bytes())
        .unwrap();
    let done = child.wait_with_output().unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("scenario.toml")).unwrap(),
        TINY
    );
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        m["scenario_sha256"].as_str().unwrap(),
        staffsim::shard::sha256_hex(TINY.as_bytes())
    );
}

/// Item 7 and issue 13: no command panics when its output fails. A full
/// stdout is an error (exit 1, said on stderr); a reader that went away
/// (`| head`) ends the command quietly; a full stderr is no panic either.
#[test]
fn failing_output_never_panics() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("s.toml");
    std::fs::write(&file, TINY).unwrap();
    let file = file.to_str().unwrap();
    let full = || Stdio::from(std::fs::File::create("/dev/full").unwrap());
    let commands: [&[&str]; 5] = [
        &["validate", file],
        &["run", file, "-q"],
        &["optimize", file, "-q"],
        &["erlang", "--rate", "200/h", "--aht", "3m"],
        &["erlang", file],
    ];
    for args in commands {
        // stdout on a full disk
        let o = binary().args(args).stdout(full()).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?} > /dev/full: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(err.contains("No space left"), "{args:?}: {err}");
        // a reader that has gone: no message at all
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = binary().args(args).stdout(writer).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(141), "{args:?} | (closed): {err}");
        assert!(err.is_empty(), "{args:?} | (closed) said: {err}");
    }
    // stderr on a full disk: the error cannot be said, the exit code tells
    let o = binary()
        .args(["validate", "/nonexistent/s.toml"])
        .stdout(Stdio::null())
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = binary()
        .args(["validate", file])
        .stdout(full())
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
}

/// Issue 19 item 23: `--shard` with `--charts` or `--format` is refused.
#[test]
fn shard_refuses_charts_and_format() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("s.toml");
    std::fs::write(&file, TINY).unwrap();
    let file = file.to_str().unwrap();
    let out = tmp.path().join("out");
    let out = out.to_str().unwrap();
    for extra in [
        &["--charts"][..],
        &["--format", "json"],
        &["--format", "table"],
    ] {
        let mut args = vec!["run", file, "--shard", "1/2", "--out", out, "-q"];
        args.extend_from_slice(extra);
        let r = staffsim_in(tmp.path(), &args);
        assert_eq!(r.0, Some(2), "{extra:?}: {}", r.2);
        assert!(r.2.contains("cannot be used with"), "{extra:?}: {}", r.2);
        assert!(!Path::new(out).exists(), "{extra:?}: wrote {out}");
    }
}
