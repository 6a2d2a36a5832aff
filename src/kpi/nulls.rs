//! Where a results document may say `null`: only for a figure that "no traffic" leaves undefined, and there always.

use super::{Kpi, NO_TRAFFIC_KPIS};
use serde_json::Value;

/// True for a JSON path where `null` says "no traffic": `….<kpi>.mean` or
/// `….<kpi>.ci95` of a KPI of [`NO_TRAFFIC_KPIS`], or a target's `value`
/// or `met` (`….targets[i].value`).
pub fn null_allowed_at(path: &str) -> bool {
    let parts: Vec<&str> = path.rsplit('.').take(2).collect();
    match parts.as_slice() {
        [last, kpi] if *last == "mean" || *last == "ci95" => {
            Kpi::from_key(kpi).is_some_and(|k| NO_TRAFFIC_KPIS.contains(&k))
        }
        [last, target] if *last == "value" || *last == "met" => target.starts_with("targets["),
        _ => false,
    }
}

/// The problems of a results document (as `run --format json` prints it),
/// in plain words; none for a sound one:
///
/// - a number that is not finite, or a `null` (serde_json writes NaN and
///   infinity as `null`) where [`null_allowed_at`] does not allow one;
/// - in a scope of a scenario (the desk's `kpis`, or a channel's) a KPI of
///   [`NO_TRAFFIC_KPIS`] that is `null` although the scope was offered
///   contacts, or a number although it was offered none.
pub fn results_json_problems(doc: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    check_numbers(doc, "", &mut bad);
    for s in doc["scenarios"].as_array().into_iter().flatten() {
        let mut scopes = vec![("kpis".to_string(), &s["kpis"])];
        for (c, m) in s["channels"].as_object().into_iter().flatten() {
            scopes.push((format!("channels.{c}"), m));
        }
        for (name, m) in scopes {
            let none = m["offered"]["mean"].as_f64() == Some(0.0);
            for k in NO_TRAFFIC_KPIS.map(Kpi::key) {
                if m.get(k).is_some() && m[k]["mean"].is_null() != none {
                    bad.push(format!(
                        "{}: {name}.{k} = {} with offered {}",
                        s["name"], m[k]["mean"], m["offered"]["mean"]
                    ));
                }
            }
        }
    }
    bad
}

fn check_numbers(v: &Value, path: &str, bad: &mut Vec<String>) {
    match v {
        Value::Null if null_allowed_at(path) => {}
        Value::Null => bad.push(format!("{path} is null (NaN or infinite)")),
        Value::Number(n) if !n.as_f64().is_some_and(f64::is_finite) => {
            bad.push(format!("{path} = {n} is not finite"))
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                check_numbers(x, &format!("{path}[{i}]"), bad);
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                check_numbers(x, &format!("{path}.{k}"), bad);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_only_where_no_traffic_leaves_a_figure_undefined() {
        let doc = serde_json::json!({"scenarios": [{"name": "base",
            "kpis": {"offered": {"mean": 0.0, "ci95": 0.0},
                     "service_level": {"mean": null, "ci95": null}},
            "channels": {"phone": {"offered": {"mean": 5.0, "ci95": 0.0},
                                   "service_level": {"mean": null, "ci95": null}}},
            "lines": {"L1": {"occupancy": {"mean": null, "ci95": 0.0}}}}]});
        let bad = results_json_problems(&doc);
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert!(bad[0].contains("lines.L1.occupancy.mean is null"));
        assert!(bad[1].contains("channels.phone.service_level = null with offered 5.0"));
        assert!(null_allowed_at(".scenarios[0].targets[2].met"));
        assert!(!null_allowed_at(".scenarios[0].kpis.offered.mean"));
    }
}
