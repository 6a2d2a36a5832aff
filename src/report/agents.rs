//! `agents.csv`: per-agent tallies of every scenario, averaged over replications.

use super::Exporter;
use crate::experiment::Results;

/// One row per scenario and agent: handled contacts, busy hours, available
/// hours (on duty less breaks) and occupancy (busy over available, as the
/// line's).
#[derive(Debug, Default, Clone, Copy)]
pub struct AgentsCsv;

impl Exporter for AgentsCsv {
    fn render(&self, results: &Results) -> Vec<u8> {
        let mut out =
            String::from("scenario,line,agent,handled,busy_hours,available_hours,occupancy\n");
        for s in &results.scenarios {
            for a in &s.agents {
                out.push_str(&format!(
                    "{},{},{},{},{},{},{}\n",
                    super::csv::quote(&super::csv::text(&s.name)),
                    super::csv::quote(&super::csv::text(&a.line)),
                    a.agent,
                    super::csv::number(a.handled),
                    super::csv::number(a.busy_hours),
                    super::csv::number(a.available_hours),
                    super::csv::number(a.occupancy)
                ));
            }
        }
        out.into_bytes()
    }
}
