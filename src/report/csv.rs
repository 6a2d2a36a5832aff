//! One CSV row per scenario, one column per KPI mean and its `_ci95`.

use super::Exporter;
use crate::experiment::{Results, ScenarioResult};
use crate::kpi::EstimateMap;

/// CSV with columns `scenario, replications, unstable, targets_met` (1 when
/// every target is met, else 0), `warnings` (how many), then per target
/// `targets.<scope>.<kpi>.target` and `….met` (1 or 0; empty with no
/// traffic), `<kpi>, <kpi>_ci95, …, lines.<line>.<kpi>, …,
/// channels.<channel>.<kpi>, …` (empty where undefined: no traffic), then the paired
/// differences to the base `vs_base.<kpi>, …, vs_base.channels.<channel>.<kpi>, …`
/// (empty on the base's row).
#[derive(Debug, Default, Clone, Copy)]
pub struct Csv;

/// A text cell (a name) safe to open in a spreadsheet: one starting with
/// `=`, `+`, `-` or `@` (or a tab or carriage return) would be read as a
/// formula, so it is written with a leading `'`, which spreadsheets show as
/// text. Numbers are never passed here, so `-0.5` stays a number.
pub(crate) fn text(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A CSV writer into memory with the project's layout: `,` between cells,
/// `\n` after each row, quotes only where a cell needs them (a `,`, `"`,
/// `\n` or `\r` in it). Every writer of a results file starts here.
pub(crate) fn writer() -> ::csv::Writer<Vec<u8>> {
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

/// The bytes a [`writer`] wrote. Writing into a `Vec` cannot fail, and the
/// rows are built by this module, so a failure is a bug.
pub(crate) fn finish(w: ::csv::Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().expect("writing CSV into memory cannot fail")
}

/// Writes one row; into memory this cannot fail (see [`finish`]).
pub(crate) fn record<I, T>(w: &mut ::csv::Writer<Vec<u8>>, cells: I)
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    w.write_record(cells)
        .expect("writing CSV into memory cannot fail");
}

/// A number for a CSV cell: rounded to 12 significant digits
/// ([`crate::stats::tidy`], as the results already are), then written in the
/// shortest form that reads back to that value, so sums of floats give
/// `266.764486`, not `266.76448600000003`; empty when not finite.
pub(crate) fn number(x: f64) -> String {
    if x.is_finite() {
        crate::stats::tidy(x).to_string()
    } else {
        String::new()
    }
}

fn columns(prefix: &str, map: &EstimateMap, header: &mut Vec<String>, row: &mut Vec<String>) {
    for (k, e) in map {
        header.push(format!("{prefix}{k}"));
        header.push(format!("{prefix}{k}_ci95"));
        row.push(number(e.mean));
        row.push(number(e.ci95));
    }
}

fn row_of(s: &ScenarioResult) -> (Vec<String>, Vec<String>) {
    let mut header = vec![
        "scenario".to_string(),
        "replications".into(),
        "unstable".into(),
        "targets_met".into(),
        "warnings".into(),
    ];
    let mut row = vec![
        text(&s.name).into_owned(),
        s.replications.to_string(),
        s.unstable.to_string(),
        // 1 or 0; empty when the scenario states no target
        if s.targets.is_empty() {
            String::new()
        } else {
            u8::from(s.targets.iter().all(|j| j.met)).to_string()
        },
        s.warnings.len().to_string(),
    ];
    for j in &s.targets {
        let key = format!("targets.{}.{}", j.scope, j.kpi);
        header.push(format!("{key}.target"));
        row.push(number(j.target));
        header.push(format!("{key}.met"));
        // empty where no contact arrived to judge it on
        row.push(if j.no_traffic {
            String::new()
        } else {
            u8::from(j.met).to_string()
        });
    }
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
    // differences to the base (paired by replication), for every scenario but the base
    if let Some(d) = &s.vs_base {
        columns("vs_base.", d, &mut header, &mut row);
    }
    for (name, m) in s.vs_base_channels.iter().flatten() {
        columns(
            &format!("vs_base.channels.{name}."),
            m,
            &mut header,
            &mut row,
        );
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
        let mut w = writer();
        record(&mut w, &header);
        for r in rows {
            record(
                &mut w,
                header
                    .iter()
                    .map(|h| r.get(h).map(String::as_str).unwrap_or("")),
            );
        }
        finish(w)
    }
}

#[cfg(test)]
mod formula_tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_numbers_stay() {
        for f in ["=1+1", "+1", "-2 agents", "@SUM(A1)", "\tx"] {
            assert_eq!(text(f), format!("'{f}"));
        }
        assert_eq!(text("L1"), "L1");
        assert_eq!(text("a=b"), "a=b");
    }
}
