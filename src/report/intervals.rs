//! `intervals.csv`: the average week of every scenario, interval by interval.

use super::Exporter;
use super::csv::{finish, number, record, text, writer};
use crate::experiment::Results;
use crate::kpi::Kpi;
use indexmap::IndexMap;

/// One row per scenario, interval and channel or line.
#[derive(Debug, Default, Clone, Copy)]
pub struct IntervalsCsv;

const CHANNEL: [Kpi; 5] = [
    Kpi::Offered,
    Kpi::Answered,
    Kpi::Abandoned,
    Kpi::ServiceLevel,
    Kpi::AsaSeconds,
];
const LINE: [Kpi; 6] = [
    Kpi::MeanQueue,
    Kpi::MaxQueue,
    Kpi::AgentsRostered,
    Kpi::AgentsOnDuty,
    Kpi::AgentsOnBreak,
    Kpi::AgentsBusy,
];

impl Exporter for IntervalsCsv {
    fn render(&self, results: &Results) -> Vec<u8> {
        let mut w = writer();
        let header = ["scenario", "date", "weekday", "start", "kind", "name"];
        let kpis = CHANNEL.iter().chain(&LINE).map(|k| k.key());
        record(&mut w, header.into_iter().chain(kpis));
        // absent (no contact in the interval): an empty cell
        let cell = |m: &IndexMap<Kpi, f64>, k: &Kpi| m.get(k).map_or(String::new(), |x| number(*x));
        for s in &results.scenarios {
            let scenario = text(&s.name);
            for iv in &s.intervals {
                for (name, m) in &iv.channels {
                    let date = iv.date.as_deref().unwrap_or("");
                    let lead = [
                        &*scenario,
                        date,
                        iv.weekday,
                        &iv.start,
                        "channel",
                        &text(name),
                    ]
                    .map(String::from);
                    let kpis = CHANNEL.iter().map(|k| cell(m, k));
                    record(
                        &mut w,
                        lead.into_iter()
                            .chain(kpis)
                            .chain(LINE.map(|_| String::new())),
                    );
                }
                for (name, m) in &iv.lines {
                    let date = iv.date.as_deref().unwrap_or("");
                    let lead = [&*scenario, date, iv.weekday, &iv.start, "line", &text(name)]
                        .map(String::from);
                    let kpis = LINE.iter().map(|k| cell(m, k));
                    record(
                        &mut w,
                        lead.into_iter()
                            .chain(CHANNEL.map(|_| String::new()))
                            .chain(kpis),
                    );
                }
            }
        }
        finish(w)
    }
}
