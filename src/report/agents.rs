//! `agents.csv`: per-agent tallies of every scenario, averaged over replications.

use super::Exporter;
use super::csv::{finish, number, record, text, writer};
use crate::experiment::Results;

/// One row per scenario and agent: handled contacts, busy hours, available
/// hours (on duty less breaks) and occupancy (busy over available, as the
/// line's).
#[derive(Debug, Default, Clone, Copy)]
pub struct AgentsCsv;

impl Exporter for AgentsCsv {
    fn render(&self, results: &Results) -> Vec<u8> {
        let mut w = writer();
        record(
            &mut w,
            [
                "scenario",
                "line",
                "agent",
                "handled",
                "busy_hours",
                "available_hours",
                "occupancy",
            ],
        );
        for s in &results.scenarios {
            for a in &s.agents {
                record(
                    &mut w,
                    [
                        text(&s.name).into_owned(),
                        text(&a.line).into_owned(),
                        a.agent.to_string(),
                        number(a.handled),
                        number(a.busy_hours),
                        number(a.available_hours),
                        number(a.occupancy),
                    ],
                );
            }
        }
        finish(w)
    }
}
