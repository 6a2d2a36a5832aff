//! A desk judged channel by channel: channel targets in the table, the JSON
//! `targets` and the report; per-channel headline figures; warnings said
//! once and everywhere; the smaller things a manager reads.

use crate::util::{csv_fields, run_json, staffsim, stdout_of};
use std::path::Path;

/// Phone on its own line, 5.2 Erlangs on 6 agents (about 70% answered
/// within 20 s), beside four times as much email answered well within 4 h:
/// the service level mixed over both is above 80%, phone's is not.
const PHONE_AND_EMAIL: &str = r#"
[simulation]
name = "phone and email"
horizon = "8d"
warmup = "1d"
replications = 6
seed = 13

[[channel]]
name = "phone"
patience = { dist = "exponential", mean = "10m" }
service_level = { answer_within = "20s", target = 0.80 }
abandon_rate_max = 0.10
asa_max = "2m"

[[channel]]
name = "email"
service_level = { answer_within = "4h", target = 0.90 }
resolved_within = { time = "24h", target = 0.95 }

[[arrivals]]
channel = "phone"
per_hour = 78

[[arrivals]]
channel = "email"
per_hour = 240

[[line]]
name = "P"
channels = ["phone"]
agents = 6
handle = { dist = "exponential", mean = "4m" }

[[line]]
name = "E"
channels = ["email"]
agents = 20
handle = { dist = "exponential", mean = "4m" }

[targets]
service_level = 0.80
"#;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("the scenario can be written");
    path.to_str().expect("a UTF-8 path").to_string()
}

fn judgement<'a>(s: &'a serde_json::Value, scope: &str, kpi: &str) -> &'a serde_json::Value {
    s["targets"]
        .as_array()
        .expect("a targets list")
        .iter()
        .find(|j| j["scope"] == scope && j["kpi"] == kpi)
        .unwrap_or_else(|| panic!("no judgement {scope} {kpi} in {}", s["targets"]))
}

#[test]
fn phone_misses_its_target_while_the_mix_meets_80_percent() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "two.toml", PHONE_AND_EMAIL);

    // JSON: the judgement of each target, with exactly the contract's keys
    let doc = run_json(&file, &[]);
    let s = &doc["scenarios"][0];
    let mixed = s["kpis"]["service_level"]["mean"].as_f64().unwrap();
    let phone = s["channels"]["phone"]["service_level"]["mean"]
        .as_f64()
        .unwrap();
    let phone_ci = s["channels"]["phone"]["service_level"]["ci95"]
        .as_f64()
        .unwrap();
    assert!(mixed > 0.85, "the mix should meet 80% easily: {mixed}");
    assert!(
        phone + phone_ci < 0.78,
        "phone should miss 80% clearly: {phone} ± {phone_ci}"
    );
    let j = judgement(s, "channel.phone", "service_level");
    let mut keys: Vec<&String> = j.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["kpi", "met", "scope", "target", "value"]);
    assert_eq!(j["target"], 0.8);
    assert_eq!(j["value"].as_f64(), Some(phone));
    assert_eq!(j["met"], false);
    let desk = judgement(s, "desk", "service_level");
    assert_eq!(desk["met"], true, "{desk}");
    assert_eq!(desk["value"].as_f64(), Some(mixed));
    assert_eq!(judgement(s, "channel.email", "service_level")["met"], true);
    assert_eq!(
        judgement(s, "channel.email", "resolved_within_target")["met"],
        true
    );
    assert_eq!(judgement(s, "channel.phone", "abandon_rate")["target"], 0.1);
    assert_eq!(
        judgement(s, "channel.phone", "asa_seconds")["target"],
        120.0
    );
    assert_eq!(s["warnings"], serde_json::json!([]));
    assert_eq!(s["unstable"], false);
    // the headline figures per channel, and the overall count of resolved tickets
    for kpi in [
        "aht_seconds",
        "wait_p50_seconds",
        "wait_p90_seconds",
        "wait_p99_seconds",
    ] {
        for ch in ["phone", "email"] {
            assert!(
                s["channels"][ch][kpi]["mean"].is_number(),
                "channels.{ch}.{kpi}"
            );
        }
    }
    let aht = s["channels"]["phone"]["aht_seconds"]["mean"]
        .as_f64()
        .unwrap();
    assert!((aht - 240.0).abs() < 15.0, "phone AHT {aht}");
    assert!(s["kpis"]["resolved"]["mean"].as_f64().unwrap() > 0.0);
    // the overall figures are labelled as mixing live and backlog channels
    assert_eq!(s["mixed"]["live"], serde_json::json!(["phone"]));
    assert_eq!(s["mixed"]["backlog"], serde_json::json!(["email"]));

    // the table: a MISSED verdict on phone's row, met on the desk's, and
    // the footer names phone
    let table = stdout_of(staffsim().args(["run", &file]));
    let row = |start: &str| -> &str {
        table
            .lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no row {start:?} in\n{table}"))
    };
    assert!(row("phone: service level").contains("MISSED"), "{table}");
    assert!(row("whole desk: service level").ends_with("met"), "{table}");
    assert!(
        table.contains("1 of 6 targets missed:\n  phone: service level"),
        "{table}"
    );
    // the headline block: each channel's service level beside the mix
    let headline = table
        .split("headline")
        .nth(1)
        .expect("a headline block")
        .split("\noverall")
        .next()
        .unwrap();
    assert!(headline.contains("    phone") && headline.contains("    email"));
    assert!(
        headline.contains("service_level (%)* all channels"),
        "{headline}"
    );

    // the report's summary says phone misses
    let out = tmp.path().join("report");
    stdout_of(staffsim().args(["report", &file, "--out", out.to_str().unwrap(), "-q"]));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let summary = html
        .split("class=\"verdict\"")
        .nth(1)
        .expect("a summary")
        .split("</ul>")
        .next()
        .unwrap();
    assert!(summary.contains("phone: service level"), "{summary}");
    assert!(summary.contains("missed by"), "{summary}");
}

#[test]
fn differences_to_the_base_are_given_per_channel_in_the_table_and_the_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!(
        "{PHONE_AND_EMAIL}\n[[variant]]\nname = \"+1 phone\"\nset = {{ \"line.P.agents\" = 7 }}\n"
    );
    let file = write(tmp.path(), "two.toml", &text);
    let table = stdout_of(staffsim().args(["run", &file, "--replications", "3"]));
    let diff = table
        .split("difference to phone and email")
        .nth(1)
        .expect("a difference table");
    let phone = diff.split("channel phone").nth(1).expect("a phone block");
    let sl = phone
        .lines()
        .find(|l| l.trim_start().starts_with("service_level"))
        .unwrap();
    assert!(sl.contains("pp"), "{sl}");
    assert!(diff.contains("channel email"), "{diff}");

    let csv = stdout_of(staffsim().args(["run", &file, "--replications", "3", "--format", "csv"]));
    let mut lines = csv.lines();
    let header = csv_fields(lines.next().unwrap());
    let base = csv_fields(lines.next().unwrap());
    let variant = csv_fields(lines.next().unwrap());
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
    };
    let c = col("vs_base.channels.phone.service_level");
    assert_eq!(base[c], "", "the base has no difference to itself");
    let gain: f64 = variant[c].parse().unwrap();
    assert!(gain > 0.05, "one more phone agent: +{gain}");
    for name in [
        "channels.phone.aht_seconds",
        "channels.email.wait_p90_seconds",
        "resolved",
        "vs_base.service_level_ci95",
        "targets.channel.phone.service_level.met",
    ] {
        col(name);
    }
    assert_eq!(base[col("targets_met")], "0");
    assert_eq!(base[col("targets.channel.phone.service_level.met")], "0");
    assert_eq!(base[col("targets.desk.service_level.met")], "1");
    // no float noise: at most 12 significant digits in any number
    for (h, f) in header.iter().cycle().zip(base.iter().chain(&variant)) {
        if f.parse::<f64>().is_err() {
            continue;
        }
        let digits = f
            .trim_start_matches('-')
            .replace('.', "")
            .trim_start_matches('0')
            .trim_end_matches('0')
            .len();
        assert!(digits <= 12, "{h} = {f}");
    }
}

/// Phone at 157% of its line's capacity (callers hang up), escalations to
/// an overloaded second line (nobody hangs up there).
const OVERLOADED: &str = r#"
[simulation]
name = "overloaded"
horizon = "3d"
replications = 2
seed = 5

[[channel]]
name = "phone"
patience = { dist = "exponential", mean = "3m" }

[[arrivals]]
channel = "phone"
per_hour = 110

[[line]]
name = "L1"
channels = ["phone"]
agents = 5
handle = { dist = "exponential", mean = "4m" }
resolve = 0.8
escalates_to = "L2"

[[line]]
name = "L2"
agents = 1
handle = { dist = "exponential", mean = "20m" }
"#;

#[test]
fn an_overloaded_line_is_flagged_by_validate_the_json_and_the_table_once() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "over.toml", OVERLOADED);

    let out = staffsim().args(["validate", &file]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("line L1") && stderr.contains("(147%)"),
        "{stderr}"
    );
    assert!(stderr.contains("line L2"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2 warnings"), "{stdout}");

    let strict = staffsim()
        .args(["validate", "--strict", &file])
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&strict.stderr).contains("--strict"));

    let doc = run_json(&file, &[]);
    let s = &doc["scenarios"][0];
    assert_eq!(s["unstable"], true, "L2's queue grows without bound");
    let warnings = s["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].as_str().unwrap().contains("hang up"));
    assert!(warnings[1].as_str().unwrap().contains("without bound"));

    let out = staffsim().args(["run", &file]).output().unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(all.matches("line L2: offered load").count(), 1, "{all}");
    assert_eq!(all.matches("line L1: offered load").count(), 1, "{all}");
}

#[test]
fn one_replication_says_no_interval_can_be_computed() {
    let table =
        stdout_of(staffsim().args(["run", "scenarios/two-lines.toml", "--replications", "1"]));
    assert!(!table.contains("± 0.0"), "{table}");
    assert!(table.contains("1 rep, no CI"), "{table}");
    assert!(table.contains("no confidence interval"), "{table}");
}

#[test]
fn a_vendor_line_shows_its_delay_and_an_empty_interval_no_service_level() {
    let doc = run_json("scenarios/helpdesk.toml", &["--replications", "2"]);
    let s = &doc["scenarios"][0];
    let l4 = &s["lines"]["L4"];
    let delay = l4["delay_hours"]["mean"].as_f64().unwrap();
    assert!(
        (delay - 48.0).abs() < 12.0,
        "vendor delay {delay} h (2 days)"
    );
    // the contract's line keys stay, as zeros; the table says n/a
    assert_eq!(l4["occupancy"]["mean"], 0.0);
    let table =
        stdout_of(staffsim().args(["run", "scenarios/helpdesk.toml", "--replications", "2"]));
    let l4 = table
        .split("line L4")
        .nth(1)
        .unwrap()
        .split("\nticket type")
        .next()
        .unwrap();
    assert!(l4.contains("delay_hours"), "{l4}");
    let occupancy = l4.lines().find(|l| l.contains("occupancy")).unwrap();
    assert!(occupancy.ends_with("n/a"), "{l4}");
    // phone is closed at night: no contact, no service level
    let night = s["intervals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["weekday"] == "tue" && i["start"] == "03:00")
        .expect("Tuesday 03:00");
    let phone = &night["channels"]["phone"];
    assert_eq!(phone["offered"], 0.0);
    assert!(phone.get("service_level").is_none(), "{phone}");
}

/// No traffic at all: phone's arrivals are 0 an hour (issue 19 item 23).
/// Every figure that needs a contact is undefined: `null` in the JSON (not
/// 0), an empty CSV cell, "no traffic" in the table and the report, and the
/// targets are neither met nor missed: "no traffic".
const NO_TRAFFIC: &str = r#"
[simulation]
name = "quiet"
horizon = "2d"
replications = 2
seed = 3

[[channel]]
name = "phone"
patience = "3m"
service_level = { answer_within = "20s", target = 0.80 }
abandon_rate_max = 0.05

[[arrivals]]
channel = "phone"
per_hour = 0

[[line]]
name = "L1"
channels = ["phone"]
agents = 2
wage = 20.0
handle = { dist = "exponential", mean = "4m" }

[targets]
service_level = 0.80
"#;

#[test]
fn no_traffic_is_said_not_scored_as_a_missed_target() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "quiet.toml", NO_TRAFFIC);

    let doc = run_json(&file, &[]);
    let s = &doc["scenarios"][0];
    assert_eq!(s["kpis"]["offered"]["mean"], 0.0);
    for kpi in [
        "service_level",
        "abandon_rate",
        "asa_seconds",
        "wait_p90_seconds",
    ] {
        assert!(
            s["kpis"][kpi]["mean"].is_null(),
            "kpis.{kpi}: {}",
            s["kpis"][kpi]
        );
        assert!(
            s["channels"]["phone"][kpi]["mean"].is_null(),
            "channels.phone.{kpi}"
        );
    }
    // figures that do not need a contact stay numbers
    assert_eq!(s["kpis"]["occupancy"]["mean"], 0.0);
    assert!(s["kpis"]["cost_total"]["mean"].as_f64().unwrap() > 0.0);
    for (scope, kpi) in [
        ("channel.phone", "service_level"),
        ("channel.phone", "abandon_rate"),
        ("desk", "service_level"),
    ] {
        let j = judgement(s, scope, kpi);
        assert!(j["value"].is_null() && j["met"].is_null(), "{j}");
        assert_eq!(j["no_traffic"], true, "{j}");
    }

    let table = stdout_of(staffsim().args(["run", &file]));
    let sl = table
        .lines()
        .find(|l| l.trim_start().starts_with("service_level"))
        .unwrap();
    assert!(sl.ends_with("no traffic"), "{table}");
    assert!(
        !table.contains("MISSED") && !table.contains("missed"),
        "{table}"
    );
    assert!(
        table.contains("quiet: no traffic, so 3 of 3 targets cannot be judged"),
        "{table}"
    );

    let csv = stdout_of(staffsim().args(["run", &file, "--format", "csv"]));
    let header = csv_fields(csv.lines().next().unwrap());
    let row = csv_fields(csv.lines().nth(1).unwrap());
    let cell = |name: &str| &row[header.iter().position(|h| h == name).unwrap()];
    assert_eq!(cell("service_level"), "");
    assert_eq!(cell("channels.phone.service_level"), "");
    assert_eq!(cell("targets.channel.phone.service_level.met"), "");
    assert_eq!(cell("occupancy"), "0");

    let out = tmp.path().join("report");
    stdout_of(staffsim().args(["report", &file, "--out", out.to_str().unwrap(), "-q"]));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let summary =
        &html[html.find("<h2>Summary</h2>").unwrap()..html.find("<h2>Key figures</h2>").unwrap()];
    assert!(summary.contains("no traffic"), "{summary}");
    for wrong in ["miss", "0.0%", "NaN"] {
        assert!(!summary.contains(wrong), "{wrong} in {summary}");
    }
    assert!(!html.contains("NaN"), "no NaN anywhere in the page");
}

/// One channel with no traffic beside one with: phone is judged on its own
/// figures, email (no arrivals) says "no traffic" and is not counted missed.
#[test]
fn a_channel_without_traffic_is_not_judged_missed() {
    let tmp = tempfile::tempdir().unwrap();
    let text = PHONE_AND_EMAIL.replace("per_hour = 240", "per_hour = 0");
    let file = write(tmp.path(), "no-email.toml", &text);
    let doc = run_json(&file, &["--replications", "2"]);
    let s = &doc["scenarios"][0];
    assert!(s["channels"]["email"]["service_level"]["mean"].is_null());
    assert!(s["channels"]["phone"]["service_level"]["mean"].is_number());
    let email = judgement(s, "channel.email", "service_level");
    assert_eq!(email["no_traffic"], true, "{email}");
    assert_eq!(judgement(s, "channel.phone", "service_level")["met"], false);
    let table = stdout_of(staffsim().args(["run", &file, "--replications", "2"]));
    assert!(
        table.contains("no traffic, so 2 of 6 targets cannot be judged"),
        "{table}"
    );
    assert!(
        !table.contains("email: service level ≥ 90% within 4.0 h — missed"),
        "{table}"
    );
}
