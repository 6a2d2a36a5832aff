//! Support economics: what a plan costs, from a run's paid hours, overtime,
//! vendor tickets and lost contacts, split into the parts a budget names.

use crate::model::RunTally;
use crate::scenario::Scenario;

/// Days in the average month a budget counts in (365.25 / 12, rounded as
/// planners do).
pub const DAYS_PER_MONTH: f64 = 30.4;

/// Days in a year, for the yearly figure.
pub const DAYS_PER_YEAR: f64 = 365.0;

/// One line's costs over the measured window, in the scenario's currency.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LineCost {
    /// Paid hours × wage: the wages themselves.
    pub wages: f64,
    /// Wages × `economics.overhead` (taxes, seat, tools).
    pub overhead: f64,
    /// (Wages + overhead) × training days / working days: the paid days a
    /// year spent in training, spread over the working days.
    pub training: f64,
    /// Overtime hours × wage × (1 + overhead) × overtime multiplier.
    pub overtime: f64,
    /// Vendor tickets × cost per ticket (an outside line only).
    pub vendor: f64,
}

impl LineCost {
    /// Every part added up.
    pub fn total(&self) -> f64 {
        self.wages + self.overhead + self.training + self.overtime + self.vendor
    }
}

/// The costs of one run, in the scenario's currency.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Costs {
    /// Cost per line, by part.
    pub lines: Vec<LineCost>,
    /// Revenue lost to abandoned contacts.
    pub abandon: f64,
    /// Everything.
    pub total: f64,
}

impl Costs {
    /// The lines' parts summed over lines.
    pub fn parts(&self) -> LineCost {
        self.lines
            .iter()
            .fold(LineCost::default(), |a, l| LineCost {
                wages: a.wages + l.wages,
                overhead: a.overhead + l.overhead,
                training: a.training + l.training,
                overtime: a.overtime + l.overtime,
                vendor: a.vendor + l.vendor,
            })
    }
}

/// Costs of a run, counted over the measured window:
///
/// - wages: paid hours × wage; overhead: wages × overhead; training:
///   (wages + overhead) × training days / working days — together, paid
///   hours × wage × (1 + overhead) × (1 + training days / working days);
/// - overtime hours × wage × (1 + overhead) × overtime multiplier;
/// - vendor tickets × cost per ticket;
/// - abandoned contacts × abandon cost.
pub fn costs(sc: &Scenario, tally: &RunTally) -> Costs {
    let e = &sc.economics;
    let training_share = e.training_days_per_year / e.working_days_per_year;
    let lines: Vec<LineCost> = sc
        .lines
        .iter()
        .zip(&tally.lines)
        .map(|(line, t)| {
            let wages = line.wage * t.paid / 3600.0;
            let overhead = wages * e.overhead;
            LineCost {
                wages,
                overhead,
                training: (wages + overhead) * training_share,
                overtime: line.wage * (1.0 + e.overhead) * e.overtime_multiplier * t.overtime
                    / 3600.0,
                vendor: line
                    .external
                    .as_ref()
                    .map_or(0.0, |x| x.cost_per_ticket * t.vendor_tickets as f64),
            }
        })
        .collect();
    let abandoned: u64 = tally.channels.iter().map(|c| c.abandoned).sum();
    let abandon = abandoned as f64 * e.abandon_cost;
    Costs {
        total: lines.iter().map(LineCost::total).sum::<f64>() + abandon,
        lines,
        abandon,
    }
}
