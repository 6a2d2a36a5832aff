//! The one typed list of KPIs (key, label, unit, direction), how a value reads for people, and the measuring of KPIs from a replication's tallies.
//!
//! Every KPI the results carry is a [`Kpi`]: its [`key`](Kpi::key) is the
//! name the JSON, the CSV and the table use, its [`label`](Kpi::label) the
//! words a report uses, its [`unit`](Kpi::unit) decides how a value is
//! shown ([`Unit::show`], [`Unit::figure`]), and [`better`](Kpi::better)
//! which way is an improvement. Reports, targets and searches index results
//! by `Kpi`, so a misspelt KPI does not compile. [`measure`] computes every
//! KPI of one replication from its [`RunTally`](crate::model::RunTally).
//!
//! Adding a KPI: a row in the list below, and a line in [`measure`] (plus
//! a counter in the model's tallies if none measures it yet).

mod format;
mod measure;
mod nulls;

pub use format::{NO_TRAFFIC, duration, money, pct, thousands};
pub use measure::measure;
pub use nulls::{null_allowed_at, results_json_problems};

use crate::stats::Estimate;
use indexmap::IndexMap;
use serde::{Serialize, Serializer};
use std::fmt;

/// What a KPI's value measures, which decides how it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A count of contacts, tickets or agents (a mean over replications).
    Count,
    /// A share of 1, shown as a percentage.
    Share,
    /// A duration in seconds.
    Seconds,
    /// A duration in hours.
    Hours,
    /// A number of days.
    Days,
    /// Money, in the scenario's currency.
    Money,
    /// A plain number without unit (a ratio, a rate per agent-day).
    Number,
}

/// Which way a KPI improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Higher is better (service level, first-contact resolution).
    Higher,
    /// Lower is better (waits, abandonment, costs).
    Lower,
    /// Neither: a volume, or a figure with a sweet spot (occupancy).
    Neither,
}

macro_rules! kpis {
    ($($variant:ident = $key:literal, $label:literal, $unit:ident, $better:ident, $meaning:literal;)*) => {
        /// A KPI of the results, scenario-wide, per line, per channel, per
        /// ticket type or per interval.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kpi {
            $(
                #[doc = concat!("`", $key, "`: ", $meaning)]
                $variant,
            )*
        }

        impl Kpi {
            /// Every KPI, in the order of this list.
            pub const ALL: &'static [Kpi] = &[$(Kpi::$variant),*];

            /// The key: the name in the JSON, the CSV and the table.
            pub const fn key(self) -> &'static str {
                match self { $(Kpi::$variant => $key,)* }
            }

            /// The label for people, lower case (`service level`, `ASA`).
            pub const fn label(self) -> &'static str {
                match self { $(Kpi::$variant => $label,)* }
            }

            /// What the value measures.
            pub const fn unit(self) -> Unit {
                match self { $(Kpi::$variant => Unit::$unit,)* }
            }

            /// Which way is an improvement.
            pub const fn better(self) -> Better {
                match self { $(Kpi::$variant => Better::$better,)* }
            }

            /// Its meaning in one phrase, as in the README's table.
            pub const fn meaning(self) -> &'static str {
                match self { $(Kpi::$variant => $meaning,)* }
            }
        }
    };
}

kpis! {
    Offered = "offered", "offered", Count, Neither, "contacts offered (a retry is a new attempt)";
    UniqueContacts = "unique_contacts", "unique contacts", Count, Neither, "distinct contacts (first attempts)";
    Answered = "answered", "answered", Count, Neither, "attempts that reached an agent";
    Abandoned = "abandoned", "abandoned", Count, Lower, "attempts that left before an agent took them";
    Retries = "retries", "retries", Count, Lower, "abandoned attempts that try again";
    Handled = "handled", "handled", Count, Neither, "handlings that ended";
    Escalated = "escalated", "escalated", Count, Lower, "tickets a line passed on";
    AbandonRate = "abandon_rate", "abandon rate", Share, Lower, "abandoned / offered";
    AsaSeconds = "asa_seconds", "ASA", Seconds, Lower, "mean wait from arrival to first handling, over answered attempts";
    WaitP50Seconds = "wait_p50_seconds", "half answered within", Seconds, Lower, "median of that wait";
    WaitP90Seconds = "wait_p90_seconds", "90% answered within", Seconds, Lower, "90th percentile of that wait";
    WaitP99Seconds = "wait_p99_seconds", "99% answered within", Seconds, Lower, "99th percentile of that wait";
    ServiceLevel = "service_level", "service level", Share, Higher, "attempts answered within the channel's threshold / offered";
    AhtSeconds = "aht_seconds", "AHT", Seconds, Neither, "mean handling time per handled contact, talk and wrap-up";
    TalkSeconds = "talk_seconds", "talk time", Seconds, Neither, "of that, the talk";
    WrapUpSeconds = "wrap_up_seconds", "wrap-up time", Seconds, Neither, "of that, the wrap-up";
    Resolved = "resolved", "resolved", Count, Higher, "tickets resolved";
    ResolutionHours = "resolution_hours", "resolution time", Hours, Lower, "mean time from arrival to resolution";
    ResolvedWithinTarget = "resolved_within_target", "resolved in time", Share, Higher, "share of resolved tickets resolved within the target time";
    Fcr = "fcr", "first-contact resolution", Share, Higher, "share of tickets resolved by their first line at the first contact";
    EscalationRate = "escalation_rate", "escalation rate", Share, Lower, "share of tickets escalated at least once";
    MisrouteRate = "misroute_rate", "misroute rate", Share, Lower, "share of tickets sent back for reclassification";
    Occupancy = "occupancy", "occupancy", Share, Neither, "busy time / available time (on duty less breaks and shrinkage)";
    TicketsPerAgentDay = "tickets_per_agent_day", "tickets per agent-day", Number, Higher, "handled contacts per rostered agent-day";
    LoadBalanceCv = "load_balance_cv", "load balance (CV)", Number, Lower, "coefficient of variation of handled contacts across agents";
    Agents = "agents", "agents", Count, Neither, "agents of the line";
    PaidHours = "paid_hours", "paid hours", Hours, Neither, "paid time";
    OnDutyHours = "on_duty_hours", "on-duty hours", Hours, Neither, "time on duty, overtime and breaks included";
    BreakHours = "break_hours", "break hours", Hours, Neither, "time on breaks and lunch";
    ShrinkageHours = "shrinkage_hours", "shrinkage hours", Hours, Neither, "time off the phones for meetings, coaching, admin";
    OvertimeHours = "overtime_hours", "overtime hours", Hours, Lower, "time worked past the end of a shift";
    AbsentDays = "absent_days", "absent days", Days, Lower, "agent-days lost to absence";
    VendorTickets = "vendor_tickets", "vendor tickets", Count, Neither, "tickets sent to an outside vendor";
    DelayHours = "delay_hours", "vendor delay", Hours, Lower, "an outside vendor's mean delay";
    BacklogEnd = "backlog_end", "backlog at the end", Count, Lower, "tickets still open at the horizon";
    CostTotal = "cost_total", "total cost", Money, Lower, "wages with overhead and training, overtime, vendor fees, abandon cost";
    CostPerIncident = "cost_per_incident", "cost per incident", Money, Lower, "cost_total / resolved tickets";
    CostPerContact = "cost_per_contact", "cost per contact", Money, Lower, "cost_total / offered";
    CostWages = "cost_wages", "wages", Money, Lower, "paid hours × wage";
    CostOverhead = "cost_overhead", "overhead", Money, Lower, "wages × overhead";
    CostTraining = "cost_training", "training", Money, Lower, "(wages + overhead) × training days / working days";
    CostOvertime = "cost_overtime", "overtime", Money, Lower, "overtime hours × wage × (1 + overhead) × multiplier";
    CostVendor = "cost_vendor", "vendor fees", Money, Lower, "vendor tickets × cost per ticket";
    CostAbandon = "cost_abandon", "revenue lost to abandons", Money, Lower, "abandoned contacts × abandon cost";
    CostPerMonth = "cost_per_month", "cost per month", Money, Lower, "cost_total scaled to a 30.4-day month";
    CostPerYear = "cost_per_year", "cost per year", Money, Lower, "cost_total scaled to a 365-day year";
    MeanQueue = "mean_queue", "mean queue", Count, Lower, "time-average queue length in an interval";
    MaxQueue = "max_queue", "longest queue", Count, Lower, "longest queue in an interval";
    AgentsRostered = "agents_rostered", "agents rostered", Count, Neither, "time-average agents on a shift in an interval";
    AgentsOnDuty = "agents_on_duty", "agents on duty", Count, Neither, "time-average agents on duty in an interval";
    AgentsOnBreak = "agents_on_break", "agents on break", Count, Neither, "time-average agents on a break in an interval";
    AgentsBusy = "agents_busy", "agents busy", Count, Neither, "time-average agents busy in an interval";
}

impl Kpi {
    /// The KPI whose key is `key`, if any.
    pub fn from_key(key: &str) -> Option<Kpi> {
        Kpi::ALL.iter().copied().find(|k| k.key() == key)
    }

    /// The label as a title: its first letter upper case (`Service level`).
    pub fn title(self) -> String {
        let l = self.label();
        let mut c = l.chars();
        c.next()
            .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
    }

    /// True for a share, shown as a percentage.
    pub fn is_share(self) -> bool {
        self.unit() == Unit::Share
    }

    /// The value for people in its unit: `81.2%`, `42 s`, `EUR 1,200`,
    /// `no traffic` when undefined.
    pub fn show(self, x: f64, currency: &str) -> String {
        self.unit().show(x, currency)
    }
}

impl fmt::Display for Kpi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.key())
    }
}

impl Serialize for Kpi {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl Unit {
    /// A value for people: a share as a percentage (`81.2%`), a duration in
    /// the unit that reads best (`42 s`, `3.5 min`), money with the
    /// currency (`EUR 1,200`), a count in thousands (`1,234`), days and
    /// plain numbers with up to two decimals; `no traffic` when undefined.
    pub fn show(self, x: f64, currency: &str) -> String {
        if !x.is_finite() {
            return NO_TRAFFIC.to_string();
        }
        match self {
            Unit::Share => pct(x),
            Unit::Seconds => duration(x),
            Unit::Hours => duration(x * 3600.0),
            Unit::Money => money(x, currency),
            Unit::Count => thousands(x),
            Unit::Days | Unit::Number => format!("{x:.2}"),
        }
    }

    /// Decimals of the table's fixed-point figures.
    fn decimals(self) -> usize {
        match self {
            Unit::Share => 2,
            Unit::Seconds | Unit::Hours | Unit::Number => 3,
            Unit::Count | Unit::Days | Unit::Money => 1,
        }
    }

    /// A figure for the table: fixed decimals, a share in percent, with
    /// its 95% half-width when `ci` (`81.20% ± 0.40`, `42.315 ± 1.020`);
    /// `no traffic` when undefined.
    pub fn figure(self, e: &Estimate, ci: bool) -> String {
        if !e.mean.is_finite() {
            return NO_TRAFFIC.to_string();
        }
        let (scale, sign) = if self == Unit::Share {
            (100.0, "%")
        } else {
            (1.0, "")
        };
        let d = self.decimals();
        let mean = e.mean * scale;
        if ci {
            format!("{mean:.d$}{sign} ± {:.d$}", e.ci95 * scale)
        } else {
            format!("{mean:.d$}{sign}")
        }
    }

    /// A paired difference for the table: points for a share (`+1.20 pp ±
    /// 0.30`), three decimals otherwise; `no traffic` when undefined.
    pub fn difference(self, e: &Estimate, ci: bool) -> String {
        if !e.mean.is_finite() {
            return NO_TRAFFIC.to_string();
        }
        match (self == Unit::Share, ci) {
            (true, true) => format!("{:+.2} pp ± {:.2}", e.mean * 100.0, e.ci95 * 100.0),
            (true, false) => format!("{:+.2} pp", e.mean * 100.0),
            (false, true) => format!("{:+.3} ± {:.3}", e.mean, e.ci95),
            (false, false) => format!("{:+.3}", e.mean),
        }
    }
}

/// Named KPI values of one replication, in a fixed order.
pub type KpiValues = Vec<(Kpi, f64)>;

/// Every KPI of one replication: overall, per line, per channel and per
/// ticket type.
#[derive(Debug, Clone, Default)]
pub struct RunKpis {
    /// The scenario-wide KPIs.
    pub overall: KpiValues,
    /// Per line, in scenario order.
    pub lines: Vec<(String, KpiValues)>,
    /// Per channel, in scenario order.
    pub channels: Vec<(String, KpiValues)>,
    /// Per ticket type, when the scenario defines ticket types.
    pub types: Vec<(String, KpiValues)>,
}

/// Estimates by KPI, in KPI order (serialized as an object keyed by the
/// KPIs' keys).
pub type EstimateMap = IndexMap<Kpi, Estimate>;

/// The key figures a report leads with, and the cost ones it adds when the
/// scenario sets costs ([`KEY_COSTS`]).
pub const KEY_FIGURES: [Kpi; 6] = [
    Kpi::ServiceLevel,
    Kpi::AbandonRate,
    Kpi::AsaSeconds,
    Kpi::WaitP90Seconds,
    Kpi::Occupancy,
    Kpi::Fcr,
];

/// The cost figures beside [`KEY_FIGURES`].
pub const KEY_COSTS: [Kpi; 2] = [Kpi::CostTotal, Kpi::CostPerIncident];

/// The figures every channel is judged on, in the order targets are.
pub const TARGET_KPIS: [Kpi; 4] = [
    Kpi::ServiceLevel,
    Kpi::AbandonRate,
    Kpi::AsaSeconds,
    Kpi::ResolvedWithinTarget,
];

/// Scenario-wide KPIs that mix every channel's contacts: with live and
/// backlog channels together, seconds-long waits with hours-long ones.
pub const MIXED: [Kpi; 9] = [
    Kpi::ServiceLevel,
    Kpi::AbandonRate,
    Kpi::AsaSeconds,
    Kpi::WaitP50Seconds,
    Kpi::WaitP90Seconds,
    Kpi::WaitP99Seconds,
    Kpi::AhtSeconds,
    Kpi::TalkSeconds,
    Kpi::WrapUpSeconds,
];

/// KPIs that mean nothing where no contact arrived (scenario-wide, or for
/// one channel): shares and means over contacts, answers, resolutions, and
/// costs per contact. Where the scope's `offered` is 0 in every
/// replication they are undefined: NaN in the results, `null` in the
/// JSON, an empty CSV cell, "no traffic" in the table and the report,
/// never 0 (a service level of 0% would read as a missed target).
pub const NO_TRAFFIC_KPIS: [Kpi; 16] = [
    Kpi::AbandonRate,
    Kpi::AsaSeconds,
    Kpi::WaitP50Seconds,
    Kpi::WaitP90Seconds,
    Kpi::WaitP99Seconds,
    Kpi::ServiceLevel,
    Kpi::AhtSeconds,
    Kpi::TalkSeconds,
    Kpi::WrapUpSeconds,
    Kpi::ResolutionHours,
    Kpi::ResolvedWithinTarget,
    Kpi::Fcr,
    Kpi::EscalationRate,
    Kpi::MisrouteRate,
    Kpi::CostPerIncident,
    Kpi::CostPerContact,
];

/// True when `kpis` (scenario-wide or one channel's) saw no contact: its
/// `offered` is 0 in every replication.
pub fn no_traffic(kpis: &EstimateMap) -> bool {
    kpis.get(&Kpi::Offered).is_some_and(|e| e.mean <= 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_round_trip() {
        for (i, k) in Kpi::ALL.iter().enumerate() {
            assert_eq!(Kpi::from_key(k.key()), Some(*k));
            assert!(Kpi::ALL[..i].iter().all(|o| o.key() != k.key()));
        }
        assert_eq!(Kpi::from_key("servce_level"), None);
    }

    #[test]
    fn figures_read_in_their_unit() {
        let e = Estimate {
            mean: 0.8123,
            ci95: 0.004,
        };
        assert_eq!(Kpi::ServiceLevel.unit().figure(&e, true), "81.23% ± 0.40");
        assert_eq!(Kpi::AsaSeconds.unit().figure(&e, false), "0.812");
        assert_eq!(Kpi::Offered.unit().figure(&e, false), "0.8");
        assert_eq!(Kpi::ServiceLevel.show(0.8123, ""), "81.2%");
        assert_eq!(Kpi::AsaSeconds.show(300.0, ""), "5.0 min");
        assert_eq!(Kpi::CostTotal.show(1234.6, "EUR"), "EUR 1,235");
        assert_eq!(Kpi::ServiceLevel.show(f64::NAN, ""), "no traffic");
        assert_eq!(Kpi::ServiceLevel.unit().difference(&e, false), "+81.23 pp");
    }
}
