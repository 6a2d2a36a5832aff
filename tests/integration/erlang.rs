//! `staffsim erlang`: the Erlang C / Erlang A calculator against published
//! exact values, its requirement search, shrinkage, overload, bad options,
//! and the per-interval requirement of a scenario.

use crate::util::{root, staffsim, stdout_of};
use serde_json::Value;
use staffsim::analytic::{ErlangA, ErlangC};
use staffsim::calculator::{self, MAX_AGENTS, Queue};

const HELPDESK: &str = "scenarios/helpdesk.toml";

/// Runs `staffsim erlang ARGS... --format json` and parses the document.
fn erlang_json(args: &[&str]) -> Value {
    let text = stdout_of(
        staffsim()
            .arg("erlang")
            .args(args)
            .args(["--format", "json"]),
    );
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("invalid JSON ({e}):\n{text}"))
}

/// The row for `agents` agents of a calculation document.
fn row(doc: &Value, agents: u64) -> &Value {
    doc["rows"]
        .as_array()
        .expect("\"rows\" is an array")
        .iter()
        .find(|r| r["agents"] == agents)
        .unwrap_or_else(|| panic!("no row for {agents} agents in {doc}"))
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number in {v}"))
}

/// `got` agrees with a value published as `published` to all its digits:
/// within half a unit of the last digit shown.
fn assert_published(name: &str, got: f64, published: &str) {
    let want: f64 = published.parse().unwrap();
    let decimals = published.split_once('.').map_or(0, |(_, d)| d.len());
    let tol = 0.5 * 10f64.powi(-(decimals as i32)) * (1.0 + 1e-9);
    assert!(
        (got - want).abs() <= tol,
        "{name}: computed {got:.9}, published {published}"
    );
}

fn assert_rel(name: &str, got: f64, want: f64, tol: f64) {
    let err = if want == 0.0 {
        got.abs()
    } else {
        ((got - want) / want).abs()
    };
    assert!(err <= tol, "{name}: got {got:e}, want {want:e}");
}

/// Every number in the document is finite and not negative, and no value is null
/// except `required_agents` (a target out of reach).
fn assert_clean(v: &Value, at: &str) {
    match v {
        Value::Number(n) => {
            let x = n.as_f64().unwrap();
            assert!(x.is_finite() && x >= 0.0, "{at} = {x}");
        }
        Value::Null => assert!(
            at.ends_with("required_agents"),
            "{at} is null (NaN or a missing value)"
        ),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| assert_clean(x, &format!("{at}[{i}]"))),
        Value::Object(o) => o
            .iter()
            .for_each(|(k, x)| assert_clean(x, &format!("{at}.{k}"))),
        _ => {}
    }
}

fn queue(per_hour: f64, aht: f64, patience: Option<f64>, target: f64, t: f64) -> Queue {
    Queue {
        per_second: per_hour / 3600.0,
        aht_seconds: aht,
        patience_seconds: patience,
        target,
        answer_within_seconds: t,
    }
}

/// An Erlang C case published in reference-values.md: the figures with
/// `agents` agents, as printed there (P(wait), ASA in minutes, SL).
struct Published {
    name: &'static str,
    args: &'static [&'static str],
    agents: u32,
    p_wait: &'static str,
    asa_minutes: &'static str,
    service_level: &'static str,
}

const ERLANG_C_CASES: &[Published] = &[
    Published {
        name: "SSJ MMC",
        args: &["--rate", "4.2/min", "--aht", "2m", "--target", "80/20s"],
        agents: 12,
        p_wait: "0.183889",
        asa_minutes: "0.102160",
        service_level: "0.899080",
    },
    // pyworkforce's published SL uses t = 0.33 min (19.8 s), see analytic.rs
    Published {
        name: "pyworkforce",
        args: &["--rate", "100/30m", "--aht", "3m", "--target", "80/0.33m"],
        agents: 14,
        p_wait: "0.174132",
        asa_minutes: "0.130599",
        service_level: "0.887853",
    },
    Published {
        name: "M/M/1",
        args: &["--rate", "0.8/min", "--aht", "1m", "--target", "30/1m"],
        agents: 1,
        p_wait: "0.800000",
        asa_minutes: "4.000000",
        service_level: "0.345015",
    },
];

#[test]
fn erlang_c_matches_published_values_through_the_cli_and_the_library() {
    for c in ERLANG_C_CASES {
        let (name, args, agents) = (c.name, c.args, c.agents);
        let (p_wait, asa_min, sl) = (c.p_wait, c.asa_minutes, c.service_level);
        let doc = erlang_json(args);
        assert_eq!(doc["model"], "erlang_c", "{name}");
        let r = row(&doc, u64::from(agents));
        assert_eq!(r["stable"], true, "{name}");
        assert_published(&format!("{name} p_wait"), num(r, "p_wait"), p_wait);
        assert_published(
            &format!("{name} asa"),
            num(r, "asa_seconds") / 60.0,
            asa_min,
        );
        assert_published(&format!("{name} sl"), num(r, "service_level"), sl);
        assert_eq!(num(r, "abandon_rate"), 0.0, "{name}");
    }
    // the same through the library (seconds throughout)
    let lib = |per_min: f64, aht_min: f64, t_s: f64, n| {
        calculator::evaluate(&queue(per_min * 60.0, aht_min * 60.0, None, 0.8, t_s), n)
    };
    let r = lib(4.2, 2.0, 20.0, 12);
    assert_published("SSJ p_wait", r.p_wait, "0.183889");
    assert_published("SSJ asa", r.asa_seconds.unwrap() / 60.0, "0.102160");
    assert_published("SSJ sl", r.service_level, "0.899080");
    assert_rel("SSJ occupancy", r.occupancy, 0.7, 1e-12);
    let r = lib(10.0 / 3.0, 3.0, 19.8, 14);
    assert_published("pyworkforce p_wait", r.p_wait, "0.174132");
    assert_published("pyworkforce asa", r.asa_seconds.unwrap() / 60.0, "0.130599");
    assert_published("pyworkforce sl(19.8 s)", r.service_level, "0.887853");
    let r = lib(0.8, 1.0, 60.0, 1);
    assert_rel("M/M/1 p_wait", r.p_wait, 0.8, 1e-12);
    assert_rel("M/M/1 asa", r.asa_seconds.unwrap(), 240.0, 1e-12);
    assert_published("M/M/1 sl", r.service_level, "0.345015");
    // Herzog publishes only the ASA, 26.557 s
    let r = lib(3.5, 3.0, 20.0, 13);
    assert_published("Herzog asa", r.asa_seconds.unwrap(), "26.557");
    let doc = erlang_json(&["--rate", "210/h", "--aht", "180s"]);
    assert_published(
        "Herzog asa (CLI)",
        num(row(&doc, 13), "asa_seconds"),
        "26.557",
    );
}

#[test]
fn erlang_a_matches_ssj_mmcab_through_the_cli_and_the_library() {
    let doc = erlang_json(&[
        "--rate",
        "4.2/min",
        "--aht",
        "2m",
        "--patience",
        "1m",
        "--target",
        "80/20s",
    ]);
    assert_eq!(doc["model"], "erlang_a");
    assert_eq!(num(&doc, "patience_seconds"), 60.0);
    let r = row(&doc, 12);
    assert_published("MMCAb p_wait", num(r, "p_wait"), "0.127372");
    assert_published("MMCAb p_abandon", num(r, "abandon_rate"), "0.029679");
    assert_published("MMCAb asa", num(r, "asa_seconds") / 60.0, "0.024060");
    assert_published("MMCAb sl", num(r, "service_level"), "0.945270");
    assert_rel(
        "MMCAb occupancy",
        num(r, "occupancy"),
        8.4 * (1.0 - num(r, "abandon_rate")) / 12.0,
        1e-12,
    );
    let lib = calculator::evaluate(&queue(252.0, 120.0, Some(60.0), 0.8, 20.0), 12);
    assert_published("MMCAb p_wait (lib)", lib.p_wait, "0.127372");
    assert_published(
        "MMCAb p_abandon (lib)",
        lib.abandon_rate.unwrap(),
        "0.029679",
    );
    assert_published(
        "MMCAb asa (lib)",
        lib.asa_seconds.unwrap() / 60.0,
        "0.024060",
    );
    assert_published("MMCAb sl (lib)", lib.service_level, "0.945270");
}

/// Erlang A cases with no published figures: the CLI must report exactly what
/// `ErlangA` computes, row by row (checks the plumbing, not the formula).
#[test]
fn erlang_a_rows_report_the_formula_faithfully() {
    let cases: &[(&[&str], f64, f64, f64, f64)] = &[
        // args, lambda per second, aht s, patience s, t s
        (
            &["--rate", "200/h", "--aht", "3m", "--patience", "5m"],
            200.0 / 3600.0,
            180.0,
            300.0,
            20.0,
        ),
        (
            &[
                "--rate",
                "100/30m",
                "--aht",
                "3m",
                "--patience",
                "2m",
                "--target",
                "0.9/30s",
            ],
            100.0 / 1800.0,
            180.0,
            120.0,
            30.0,
        ),
        (
            &[
                "--rate",
                "3.5/min",
                "--aht",
                "180s",
                "--patience",
                "10m",
                "--target",
                "70/1m",
            ],
            3.5 / 60.0,
            180.0,
            600.0,
            60.0,
        ),
        (
            &[
                "--rate",
                "1200/d",
                "--aht",
                "1h30m",
                "--patience",
                "1h",
                "--target",
                "50/5m",
            ],
            1200.0 / 86_400.0,
            5400.0,
            3600.0,
            300.0,
        ),
    ];
    for &(args, lambda, aht, patience, t) in cases {
        let doc = erlang_json(args);
        let rows = doc["rows"].as_array().unwrap();
        assert!(rows.len() >= 4, "{args:?}: {rows:?}");
        for r in rows {
            let n = r["agents"].as_u64().unwrap() as u32;
            let want = ErlangA::new(lambda, aht, n, patience).unwrap();
            let at = format!("{args:?} n={n}");
            assert_rel(&at, num(r, "p_wait"), want.p_wait, 1e-12);
            assert_rel(&at, num(r, "abandon_rate"), want.p_abandon, 1e-12);
            assert_rel(&at, num(r, "asa_seconds"), want.asa_answered, 1e-12);
            assert_rel(&at, num(r, "occupancy"), want.occupancy, 1e-12);
            assert_rel(&at, num(r, "service_level"), want.service_level(t), 1e-12);
        }
    }
}

/// The smallest `n` whose service level reaches `target`, by walking up from 1.
fn hand_required(q: &Queue) -> u32 {
    let sl = |n| match q.patience_seconds {
        None => ErlangC::new(q.per_second, q.aht_seconds, n)
            .map(|c| c.service_level(q.answer_within_seconds)),
        Some(p) => ErlangA::new(q.per_second, q.aht_seconds, n, p)
            .map(|a| a.service_level(q.answer_within_seconds)),
    };
    (1..=10_000)
        .find(|&n| sl(n).is_some_and(|s| s >= q.target))
        .expect("met within 10000 agents")
}

#[test]
fn required_agents_is_the_smallest_count_meeting_the_target() {
    // the example: 200/h, 3m, 80/20s
    let doc = erlang_json(&["--rate", "200/h", "--aht", "3m", "--target", "80/20s"]);
    let q = queue(200.0, 180.0, None, 0.8, 20.0);
    let hand = hand_required(&q);
    assert_eq!(hand, 14);
    assert_eq!(doc["required_agents"], 14);
    assert!(num(row(&doc, 14), "service_level") >= 0.8);
    assert!(num(row(&doc, 13), "service_level") < 0.8);
    assert_eq!(row(&doc, 14)["meets_target"], true);
    assert_eq!(row(&doc, 13)["meets_target"], false);
    // rows: the overloaded count (10 = the load) first, then up to required + 3
    let agents: Vec<u64> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["agents"].as_u64().unwrap())
        .collect();
    assert_eq!(agents, (10..=17).collect::<Vec<_>>());
    let first = row(&doc, 10);
    assert_eq!(first["stable"], false);
    assert_eq!(num(first, "service_level"), 0.0);
    assert!(first.get("asa_seconds").is_none() && first.get("abandon_rate").is_none());

    // the gallop-and-bisect search agrees with the hand loop, C and A
    for &per_hour in &[10.0, 55.5, 200.0, 777.0, 2500.0] {
        for &aht in &[60.0, 180.0, 420.0] {
            for &(target, t) in &[(0.8, 20.0), (0.95, 60.0), (0.5, 0.0)] {
                for patience in [None, Some(30.0), Some(300.0)] {
                    let q = queue(per_hour, aht, patience, target, t);
                    assert_eq!(
                        calculator::required_agents(&q, MAX_AGENTS),
                        Some(hand_required(&q)),
                        "{q:?}"
                    );
                }
            }
        }
    }
    // Erlang A with patience: 200/h, 3m, 5m patience
    let doc = erlang_json(&["--rate", "200/h", "--aht", "3m", "--patience", "5m"]);
    let hand = hand_required(&queue(200.0, 180.0, Some(300.0), 0.8, 20.0));
    assert_eq!(doc["required_agents"].as_u64(), Some(u64::from(hand)));
}

#[test]
fn shrinkage_rounds_the_roster_up() {
    let base = ["--rate", "200/h", "--aht", "3m", "--target", "80/20s"];
    let rostered = |s: &str| {
        let mut args = base.to_vec();
        args.extend(["--shrinkage", s]);
        let doc = erlang_json(&args);
        assert_eq!(doc["required_agents"], 14);
        doc["rostered_agents"].as_u64().unwrap()
    };
    assert_eq!(rostered("0.3"), 20); // 14 / 0.7 = 20 exactly, not 21
    assert_eq!(rostered("30%"), 20);
    assert_eq!(rostered("0.25"), 19); // 18.67
    assert_eq!(rostered("0"), 14);
    assert_eq!(rostered("0.5"), 28);
    assert!(erlang_json(&base).get("rostered_agents").is_none());
    assert_eq!(calculator::rostered_agents(7, 0.3), 10);
    assert_eq!(calculator::rostered_agents(1, 0.99), 100);
    let table = stdout_of(
        staffsim()
            .arg("erlang")
            .args(base)
            .args(["--shrinkage", "0.3"]),
    );
    assert!(table.contains("Required: 14 agent(s)"), "{table}");
    assert!(table.contains("Rostered: 20 agent(s)"), "{table}");
}

#[test]
fn overloaded_inputs_give_a_clear_answer_and_no_nan() {
    // 1000/h × 3m = 50 Erlangs, at most 40 agents
    for patience in [None, Some("1m")] {
        let mut args = vec!["--rate", "1000/h", "--aht", "3m", "--max-agents", "40"];
        if let Some(p) = patience {
            args.extend(["--patience", p]);
        }
        let doc = erlang_json(&args);
        assert_clean(&doc, "doc");
        assert!(doc["required_agents"].is_null(), "{doc}");
        assert_eq!(num(&doc, "load_erlangs"), 50.0);
        let notes = doc["notes"].to_string();
        assert!(
            notes.contains("Overloaded") && notes.contains("cannot be met with at most 40"),
            "{notes}"
        );
        let rows = doc["rows"].as_array().unwrap();
        assert!(!rows.is_empty());
        for r in rows {
            assert!(num(r, "service_level") < 0.8);
            assert_eq!(r["meets_target"], false);
        }
        let table = stdout_of(staffsim().arg("erlang").args(&args));
        assert!(
            table.contains("the target cannot be met with at most 40 agent(s)"),
            "{table}"
        );
        assert!(
            !table.to_lowercase().contains("nan") && !table.contains("inf"),
            "{table}"
        );
    }
    // the cap just above the load: unstable rows marked, stable ones complete
    let doc = erlang_json(&["--rate", "1000/h", "--aht", "3m", "--max-agents", "52"]);
    assert_clean(&doc, "doc");
    assert!(doc["required_agents"].is_null());
    assert_eq!(row(&doc, 50)["stable"], false);
    assert_eq!(row(&doc, 51)["stable"], true);
    assert!(num(row(&doc, 51), "asa_seconds") > 0.0);
    // without a cap the same queue is simply staffed
    let doc = erlang_json(&["--rate", "1000/h", "--aht", "3m"]);
    assert_clean(&doc, "doc");
    let q = queue(1000.0, 180.0, None, 0.8, 20.0);
    assert_eq!(
        doc["required_agents"].as_u64(),
        Some(u64::from(hand_required(&q)))
    );
    // a huge load with abandonment stays finite
    let doc = erlang_json(&["--rate", "200000/h", "--aht", "3m", "--patience", "30s"]);
    assert_clean(&doc, "doc");
}

#[test]
fn bad_options_exit_2_naming_the_option() {
    let base = |over: &[&str]| {
        let mut args = vec!["erlang", "--rate", "200/h", "--aht", "3m"];
        args.extend(over);
        args.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (base(&["--rate", "200"]), "--rate"),
        (base(&["--rate", "abc/h"]), "--rate"),
        (base(&["--rate", "-5/h"]), "--rate"),
        (base(&["--rate", "0/h"]), "--rate"),
        (base(&["--rate", "200/parsec"]), "--rate"),
        (base(&["--target", "80"]), "--target"),
        (base(&["--target", "150/20s"]), "--target"),
        (base(&["--target", "100/20s"]), "--target"),
        (base(&["--target", "80/20"]), "--target"),
        (base(&["--target", "80/-20s"]), "--target"),
        (base(&["--aht", "0s"]), "--aht"),
        (base(&["--aht", "3"]), "--aht"),
        (base(&["--patience", "soon"]), "--patience"),
        (base(&["--shrinkage", "1"]), "--shrinkage"),
        (base(&["--shrinkage", "-0.2"]), "--shrinkage"),
        (base(&["--max-agents", "0"]), "--max-agents"),
        (vec!["erlang".into(), "--aht".into(), "3m".into()], "--rate"),
        (
            vec!["erlang".into(), "--rate".into(), "5/h".into()],
            "--aht",
        ),
    ];
    for (args, option) in cases {
        let out = staffsim().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(option),
            "{args:?} should name {option}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(out.stdout.is_empty(), "{args:?} printed {:?}", out.stdout);
    }
    // a scenario and --rate together
    let out = staffsim()
        .args(["erlang", HELPDESK, "--rate", "5/h"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn erlang_table_reads_well() {
    let out = stdout_of(staffsim().args(["erlang", "--rate", "200/h", "--aht", "3m"]));
    for want in [
        "Erlang C",
        "offered load 10.00 Erlangs",
        "service level",
        "<- required",
        "Required: 14 agent(s)",
    ] {
        assert!(out.contains(want), "no {want:?} in:\n{out}");
    }
    let out = stdout_of(staffsim().args([
        "erlang",
        "--rate",
        "200/h",
        "--aht",
        "3m",
        "--patience",
        "5m",
    ]));
    assert!(out.contains("Erlang A"), "{out}");
    assert!(out.contains("abandonment is included"), "{out}");
}

#[test]
fn erlang_scenario_gives_per_interval_requirements_of_live_channels() {
    let doc = erlang_json(&[HELPDESK]);
    assert_clean(&doc, "doc");
    assert_eq!(doc["interval_minutes"], 30);
    let channels = doc["channels"]
        .as_object()
        .expect("\"channels\" is an object");
    let mut names: Vec<&String> = channels.keys().collect();
    names.sort();
    assert_eq!(names, ["chat", "phone"], "live channels only, not email");
    assert!(
        doc["notes"]
            .to_string()
            .contains("email is a backlog channel")
    );

    let phone = &channels["phone"];
    assert_eq!(phone["line"], "L1");
    assert_eq!(phone["model"], "erlang_a");
    assert_eq!(num(phone, "target"), 0.8);
    assert_eq!(num(phone, "answer_within_seconds"), 20.0);
    assert_eq!(num(phone, "patience_seconds"), 180.0);
    // ticket types' L1 means weighted by share: .35·4m + .25·6m + .18·7m + .08·6m + .14·5m
    assert_rel("phone aht", num(phone, "aht_seconds"), 320.4, 1e-12);
    assert!(phone.get("note").is_none());

    let chat = &channels["chat"];
    assert_eq!(num(chat, "target"), 0.85);
    assert_eq!(num(chat, "answer_within_seconds"), 60.0);
    assert_eq!(chat["concurrency"], 3);
    let note = chat["note"].as_str().expect("chat has a note");
    assert!(note.contains("not exponential"), "{note}");

    for (name, ch) in channels {
        let intervals = ch["intervals"].as_array().unwrap();
        // open 08:00-20:00 Monday to Friday: 24 half-hours a day, nothing else
        assert_eq!(intervals.len(), 5 * 24, "{name}");
        for i in intervals {
            let day = i["weekday"].as_str().unwrap();
            let start = i["start"].as_str().unwrap();
            assert!(!matches!(day, "sat" | "sun"), "{name} {day}");
            assert!(("08:00"..="19:30").contains(&start), "{name} {start}");
            assert!(num(i, "per_hour") > 0.0, "{name} {day} {start}");
            let req = i["required_agents"].as_u64().expect("a requirement");
            assert!(req >= 1, "{name} {day} {start}");
        }
        // Monday is busier than Friday at the same time
        let at = |d: &str, s: &str| {
            intervals
                .iter()
                .find(|i| i["weekday"] == d && i["start"] == s)
                .unwrap()
        };
        assert!(num(at("mon", "10:30"), "per_hour") > num(at("fri", "10:30"), "per_hour"));
    }

    // each interval is the calculator applied to that interval's rate
    let sc = staffsim::scenario::load_file(&root().join(HELPDESK)).unwrap();
    let lib = calculator::scenario_requirements(&sc, None);
    let lib_doc: Value = serde_json::from_str(&lib.json()).unwrap();
    assert_eq!(lib_doc, doc);
    for (name, patience, target, t, conc) in [
        ("phone", 180.0, 0.8, 20.0, 1),
        ("chat", 240.0, 0.85, 60.0, 3),
    ] {
        let ch = &lib.channels[name];
        for i in ch.intervals.iter().step_by(7) {
            let q = queue(i.per_hour, 320.4, Some(patience), target, t);
            let slots = hand_required(&q);
            assert_eq!(
                i.required_agents,
                Some(slots.div_ceil(conc)),
                "{name} {} {}",
                i.weekday,
                i.start
            );
        }
    }

    // the table and shrinkage
    let out = stdout_of(staffsim().args(["erlang", HELPDESK, "--shrinkage", "0.3"]));
    assert!(
        out.contains("phone (line L1)") && out.contains("chat (line L1)"),
        "{out}"
    );
    assert!(!out.contains("email (line"), "{out}");
    assert!(out.contains("mon") && !out.contains("sat"), "{out}");
    let doc = erlang_json(&[HELPDESK, "--shrinkage", "0.3"]);
    let first = &doc["channels"]["phone"]["intervals"][0];
    assert_eq!(
        first["rostered_agents"].as_u64().unwrap(),
        u64::from(calculator::rostered_agents(
            first["required_agents"].as_u64().unwrap() as u32,
            0.3
        ))
    );
}
