//! Untrusted input files (issue 19, items 12 to 15 and 23): loading does
//! work and prints output in proportion to the file, reads no more than a
//! bounded number of bytes, refuses what is not a regular file, never
//! quotes an arbitrary file, and shares an `empirical` sample between the
//! scenarios of a sweep. The bounds are checked on sizes, counts and bytes;
//! the timeouts are only watchdogs against a hang.

use crate::util::{bad_dir, staffsim};
use staffsim::Error;
use staffsim::engine::Dist;
use staffsim::error::Problems;
use staffsim::scenario::{load_experiment, load_experiment_str, load_str};
use std::time::Duration;

/// A watchdog against a hang: far longer than any of these takes.
const WATCHDOG: Duration = Duration::from_secs(120);

const BASE: &str = r#"
[simulation]
horizon = "1d"
replications = 2

[[channel]]
name = "phone"
patience = { dist = "exponential", mean = "5m" }

[[arrivals]]
channel = "phone"
per_hour = 60

[[line]]
name = "L1"
channels = ["phone"]
agents = 5
handle = { dist = "exponential", mean = "4m" }
"#;

/// The problems of a file that must not load.
fn problems(text: &str) -> Problems {
    match load_experiment_str(text, "x.toml", None) {
        Err(Error::Scenario(p)) => p,
        Err(e) => panic!("expected scenario problems, got {e}"),
        Ok(s) => panic!("{} scenarios loaded", s.len()),
    }
}

/// `validate` on a generated file: its exit code and standard error.
fn validate(dir: &tempfile::TempDir, name: &str, text: &str) -> (Option<i32>, String) {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let out = staffsim()
        .arg("validate")
        .arg(&path)
        .timeout(WATCHDOG)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn ten_thousand_variants_load_from_one_parse() {
    // each variant used to re-parse the whole file: 16 minutes for 10,000
    let mut text = BASE.to_string();
    for i in 0..9_999 {
        text.push_str(&format!(
            "\n[[variant]]\nname = \"v{i}\"\nset = {{ \"line.L1.agents\" = {} }}\n",
            i % 20 + 1
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("variants.toml");
    std::fs::write(&path, &text).unwrap();
    let out = staffsim()
        .arg("validate")
        .arg(&path)
        .timeout(WATCHDOG)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("10000 scenario(s) in all"), "{stdout}");
}

#[test]
fn a_huge_sweep_is_refused_before_it_is_expanded() {
    let values: Vec<String> = (0..100_000).map(|i| i.to_string()).collect();
    let text = format!(
        "{BASE}\n[sweep]\n\"line.L1.agents\" = [{}]\n",
        values.join(", ")
    );
    let p = problems(&text);
    assert_eq!(p.total(), 1, "{p}");
    assert!(
        p.0[0]
            .message
            .contains("the sweep has 100000 points; at most 10000 scenarios per file"),
        "{p}"
    );
    assert_eq!(p.0[0].key, "sweep");
}

#[test]
fn problems_are_listed_up_to_a_bound_and_counted_beyond() {
    let keys: String = (0..200_000).map(|i| format!("k{i} = 1\n")).collect();
    let text = BASE.replace("[simulation]\n", &format!("[simulation]\n{keys}"));
    let p = problems(&text);
    assert_eq!(p.0.len(), Problems::MAX_LISTED);
    assert_eq!(p.total(), 200_000);
    let shown = p.to_string();
    assert!(
        shown.contains("and 199900 more problems, not listed"),
        "{}",
        &shown[shown.len() - 300..]
    );
    assert!(shown.ends_with("200000 problems found"));
    // what a person reads stays short: about 100 lines
    assert!(shown.len() < 20_000, "{} bytes", shown.len());
}

#[test]
fn a_dangling_reference_lists_a_few_names_not_all() {
    // 1,000 lines, each escalating to a line that does not exist: the
    // messages used to list all 1,000 names each, 7 MB in all
    let mut text = String::from(
        "[simulation]\nhorizon = \"1d\"\n[[channel]]\nname = \"phone\"\n[[arrivals]]\nchannel = \"phone\"\nper_hour = 1\n",
    );
    for i in 0..1_000 {
        text.push_str(&format!(
            "[[line]]\nname = \"L{i}\"\nagents = 1\nhandle = \"1m\"\nresolve = 0.5\nescalates_to = \"X{i}\"\n"
        ));
        if i == 0 {
            text.push_str("channels = [\"phone\"]\n");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = validate(&dir, "refs.toml", &text);
    assert_eq!(code, Some(2));
    assert!(stderr.len() < 50_000, "{} bytes of messages", stderr.len());
    assert!(
        stderr.contains("lines are: L0, L1, L2, L3, L4, L5, L6, L7, L8, L9 and 990 more"),
        "{}",
        &stderr[..500]
    );
    assert!(stderr.contains("and 900 more problems"), "{stderr}");
}

#[test]
fn a_long_escalation_chain_and_its_circle_are_found_in_one_walk() {
    // 1,000 lines in one chain that closes on itself: each line is told,
    // with the circle shortened
    let mut text = String::from(
        "[simulation]\nhorizon = \"1d\"\n[[channel]]\nname = \"phone\"\n[[arrivals]]\nchannel = \"phone\"\nper_hour = 1\n",
    );
    for i in 0..1_000 {
        text.push_str(&format!(
            "[[line]]\nname = \"L{i}\"\nagents = 1\nhandle = \"1m\"\nresolve = 0.5\nescalates_to = \"L{}\"\n",
            (i + 1) % 1_000
        ));
        if i == 0 {
            text.push_str("channels = [\"phone\"]\n");
        }
    }
    let p = problems(&text);
    assert_eq!(p.total(), 1_000, "{p}");
    assert!(
        p.0[0]
            .message
            .contains("L0 -> L1 -> L2 -> L3 -> L4 -> ... (995 lines) -> L0"),
        "{}",
        p.0[0].message
    );
}

#[test]
fn too_many_entries_are_refused_before_they_are_read() {
    let mut text = String::from("[simulation]\nhorizon = \"1d\"\n");
    let names: Vec<String> = (0..100_000).map(|i| format!("\"c{i}\"")).collect();
    for i in 0..100_000 {
        text.push_str(&format!("[[channel]]\nname = \"c{i}\"\n"));
    }
    text.push_str(&format!(
        "[[arrivals]]\nchannel = \"c0\"\nper_hour = 1\n[[line]]\nname = \"L1\"\nchannels = [{}]\nagents = 1\nhandle = \"1m\"\n",
        names.join(",")
    ));
    let p = problems(&text);
    assert_eq!(p.total(), 1, "{p}");
    assert_eq!(p.0[0].key, "channel");
    assert!(
        p.0[0]
            .message
            .contains("100000 [[channel]] entries; a scenario may have at most 1000"),
        "{p}"
    );
}

#[test]
fn an_empirical_sample_is_read_once_and_shared_by_every_sweep_point() {
    let dir = tempfile::tempdir().unwrap();
    let csv: String = (1..=10_000)
        .map(|i| format!("{}\n", 60 + i % 400))
        .collect();
    std::fs::write(dir.path().join("handle.csv"), csv).unwrap();
    let agents: Vec<String> = (1..=600).map(|i| i.to_string()).collect();
    let text = BASE.replace(
        "handle = { dist = \"exponential\", mean = \"4m\" }",
        "handle = { dist = \"empirical\", file = \"handle.csv\" }",
    ) + &format!("\n[sweep]\n\"line.L1.agents\" = [{}]\n", agents.join(", "));
    let path = dir.path().join("sweep.toml");
    std::fs::write(&path, text).unwrap();
    let scenarios = load_experiment(&path).expect("the sweep loads");
    assert_eq!(scenarios.len(), 601);
    let sample = |i: usize| match scenarios[i].lines[0].handle.as_ref() {
        Some(Dist::Empirical { values }) => values.clone(),
        other => panic!("not empirical: {other:?}"),
    };
    let first = sample(0);
    assert_eq!(first.len(), 10_000);
    for i in 1..scenarios.len() {
        assert!(
            std::sync::Arc::ptr_eq(&first, &sample(i)),
            "scenario {i} holds a copy of the sample"
        );
    }
}

#[test]
fn an_oversized_scenario_file_is_refused_without_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.toml");
    // a comment line of 17 MiB: over the 16 MiB a scenario may be
    let text = format!("#{}\n{BASE}", "x".repeat(17 << 20));
    std::fs::write(&path, text).unwrap();
    let out = staffsim()
        .arg("validate")
        .arg(&path)
        .timeout(WATCHDOG)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("larger than 16 MiB, the most staffsim reads for a scenario file"),
        "{stderr}"
    );
}

#[test]
fn devices_fifos_and_folders_are_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let mut cases: Vec<(std::path::PathBuf, &str)> = vec![
        ("/dev/zero".into(), "a device, not a regular file"),
        (dir.path().to_path_buf(), "a directory, not a regular file"),
    ];
    if made {
        // nobody ever writes to it: opening it to read would wait for ever
        cases.push((fifo, "a named pipe (FIFO), not a regular file"));
    }
    for (path, want) in cases {
        let out = staffsim()
            .arg("validate")
            .arg(&path)
            .timeout(WATCHDOG)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {stderr}", path.display());
        assert!(stderr.contains(want), "{}: {stderr}", path.display());
    }
}

#[test]
fn standard_input_is_read_when_named() {
    for name in ["-", "/dev/stdin"] {
        let out = staffsim()
            .args(["validate", name])
            .write_stdin(BASE)
            .timeout(WATCHDOG)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{name}: {stdout}");
        assert!(stdout.starts_with(&format!("{name}: ok")), "{stdout}");
    }
    // and bounded like a file
    let out = staffsim()
        .args(["validate", "-"])
        .write_stdin(vec![b'#'; (16 << 20) + 10])
        .timeout(WATCHDOG)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("larger than 16 MiB"));
}

#[test]
fn an_arbitrary_file_named_as_empirical_is_never_quoted() {
    // the bad-input corpus holds a file shaped like /etc/passwd
    let out = staffsim()
        .arg("validate")
        .arg(bad_dir().join("empirical-private-file.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("empirical-private.csv:2"), "{stderr}");
    for secret in ["secret", "PRIVATE", "root:", "/bin/"] {
        assert!(!stderr.contains(secret), "{secret} printed: {stderr}");
    }
    // and the real one, where the machine has it
    let passwd = std::path::Path::new("/etc/passwd");
    if let Ok(content) = std::fs::read_to_string(passwd) {
        let text = BASE.replace(
            "handle = { dist = \"exponential\", mean = \"4m\" }",
            "handle = { dist = \"empirical\", file = \"/etc/passwd\" }",
        );
        let err = load_str(&text, "x.toml", None).unwrap_err().to_string();
        for line in content.lines().filter(|l| l.len() > 3) {
            assert!(!err.contains(line), "a line of /etc/passwd printed: {err}");
        }
        for field in content
            .lines()
            .flat_map(|l| l.split(':'))
            .filter(|f| f.len() > 4)
        {
            assert!(!err.contains(field), "{field} printed: {err}");
        }
    }
}

#[test]
fn a_lognormal_or_gamma_cv_beyond_the_bound_is_refused() {
    for (dist, cv, ok) in [
        ("lognormal", "10", true),
        ("gamma", "10", true),
        ("lognormal", "10.5", false),
        ("gamma", "1e6", false),
    ] {
        let text = BASE.replace(
            "handle = { dist = \"exponential\", mean = \"4m\" }",
            &format!("handle = {{ dist = \"{dist}\", mean = \"4m\", cv = {cv} }}"),
        );
        let r = load_str(&text, "x.toml", None);
        assert_eq!(r.is_ok(), ok, "{dist} cv {cv}: {:?}", r.err());
        if let Err(e) = r {
            let msg = e.to_string();
            assert!(
                msg.contains("line.L1.handle.cv: cv must be at most 10"),
                "{msg}"
            );
        }
    }
}

#[test]
fn a_retry_loop_at_one_instant_is_refused_and_a_moving_one_is_not() {
    let with = |patience: &str, probability: &str, delay: &str| {
        BASE.replace(
            "patience = { dist = \"exponential\", mean = \"5m\" }",
            &format!(
                "patience = {patience}\nretry = {{ probability = {probability}, delay = {delay} }}"
            ),
        )
    };
    let refused = [
        with("\"0s\"", "1", "\"0s\""),
        with(
            "\"0s\"",
            "1.0",
            "{ dist = \"uniform\", min = \"0s\", max = \"0s\" }",
        ),
        with("\"0s\"", "0.9999", "\"0s\""),
    ];
    for text in refused {
        let err = load_str(&text, "x.toml", None).unwrap_err().to_string();
        assert!(
            err.contains("channel.phone.retry.probability")
                && err.contains("comes back at the same instant"),
            "{err}"
        );
    }
    let allowed = [
        with("\"0s\"", "0.5", "\"0s\""),
        with("\"1s\"", "1", "\"0s\""),
        with("\"0s\"", "1", "{ dist = \"exponential\", mean = \"1m\" }"),
    ];
    for text in allowed {
        load_str(&text, "x.toml", None).unwrap_or_else(|e| panic!("{e}"));
    }
}
