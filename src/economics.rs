//! Support economics: what a plan costs, from a run's paid hours, overtime,
//! vendor tickets and lost contacts.

use crate::model::RunTally;
use crate::scenario::Scenario;

/// The costs of one run, in the scenario's currency.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Costs {
    /// Cost per line: wages with overhead and training, overtime, vendor fees.
    pub lines: Vec<f64>,
    /// Revenue lost to abandoned contacts.
    pub abandon: f64,
    /// Everything.
    pub total: f64,
}

/// Costs of a run, counted over the measured window:
///
/// - paid hours × wage × (1 + overhead) × (1 + training days / working days);
/// - overtime hours × wage × (1 + overhead) × overtime multiplier;
/// - vendor tickets × cost per ticket;
/// - abandoned contacts × abandon cost.
pub fn costs(sc: &Scenario, tally: &RunTally) -> Costs {
    let e = &sc.economics;
    let training = 1.0 + e.training_days_per_year / e.working_days_per_year;
    let loaded = 1.0 + e.overhead;
    let lines: Vec<f64> = sc
        .lines
        .iter()
        .zip(&tally.lines)
        .map(|(line, t)| {
            let wages = line.wage * loaded * training * t.paid / 3600.0;
            let overtime = line.wage * loaded * e.overtime_multiplier * t.overtime / 3600.0;
            let vendor = line
                .external
                .as_ref()
                .map_or(0.0, |x| x.cost_per_ticket * t.vendor_tickets as f64);
            wages + overtime + vendor
        })
        .collect();
    let abandoned: u64 = tally.channels.iter().map(|c| c.abandoned).sum();
    let abandon = abandoned as f64 * e.abandon_cost;
    Costs {
        total: lines.iter().sum::<f64>() + abandon,
        lines,
        abandon,
    }
}
