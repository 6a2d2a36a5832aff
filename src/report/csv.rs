//! One CSV row per scenario, one column per KPI mean and its `_ci95`.

use super::Exporter;
use crate::experiment::{Results, ScenarioResult};
use crate::stats::EstimateMap;

/// CSV with columns `scenario, replications, unstable, <kpi>, <kpi>_ci95, …,
/// lines.<line>.<kpi>, …, channels.<channel>.<kpi>, …`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Csv;

/// Quotes a CSV field when it needs it.
pub(crate) fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

fn columns(prefix: &str, map: &EstimateMap, header: &mut Vec<String>, row: &mut Vec<String>) {
    for (k, e) in map {
        header.push(format!("{prefix}{k}"));
        header.push(format!("{prefix}{k}_ci95"));
        row.push(e.mean.to_string());
        row.push(e.ci95.to_string());
    }
}

fn row_of(s: &ScenarioResult) -> (Vec<String>, Vec<String>) {
    let mut header = vec![
        "scenario".to_string(),
        "replications".into(),
        "unstable".into(),
    ];
    let mut row = vec![
        s.name.clone(),
        s.replications.to_string(),
        s.unstable.to_string(),
    ];
    columns("", &s.kpis, &mut header, &mut row);
    for (name, m) in &s.lines {
        columns(&format!("lines.{name}."), m, &mut header, &mut row);
    }
    for (name, m) in &s.channels {
        columns(&format!("channels.{name}."), m, &mut header, &mut row);
    }
    for (name, m) in &s.ticket_types {
        columns(&format!("ticket_types.{name}."), m, &mut header, &mut row);
    }
    (header, row)
}

impl Exporter for Csv {
    fn render(&self, results: &Results) -> Vec<u8> {
        let mut header: Vec<String> = Vec::new();
        let mut rows = Vec::new();
        for s in &results.scenarios {
            let (h, r) = row_of(s);
            // scenarios of one file share lines and channels; keep the widest header
            let map: std::collections::HashMap<&str, &str> = h
                .iter()
                .map(String::as_str)
                .zip(r.iter().map(String::as_str))
                .collect();
            for col in &h {
                if !header.contains(col) {
                    header.push(col.clone());
                }
            }
            rows.push(
                map.into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect::<std::collections::HashMap<_, _>>(),
            );
        }
        let mut out = String::new();
        out.push_str(
            &header
                .iter()
                .map(|h| quote(h))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
        for r in rows {
            let fields: Vec<String> = header
                .iter()
                .map(|h| quote(r.get(h).map(String::as_str).unwrap_or("")))
                .collect();
            out.push_str(&fields.join(","));
            out.push('\n');
        }
        out.into_bytes()
    }
}
