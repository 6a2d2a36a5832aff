//! Targets and their judgements in plain words, the same in the table, the report and the charts.

use super::charts::style::{duration, pct_tick};
use crate::kpi::{Kpi, Unit};
use crate::targets::{Direction, Judgement, Scope};

/// A target value of `kpi` for people (`80%`, `30 s`).
fn target_value(kpi: Kpi, x: f64) -> String {
    match kpi.unit() {
        Unit::Share => pct_tick(x),
        unit => unit.show(x, ""),
    }
}

/// Whose figure: `phone`, or `whole desk` (figures mixed over channels).
pub fn subject(j: &Judgement) -> String {
    match &j.scope {
        Scope::Desk => "whole desk".to_string(),
        Scope::Channel(c) => c.clone(),
    }
}

/// The target alone: `service level ≥ 80% within 20 s`, `abandon rate ≤ 5%`,
/// `resolved within 24.0 h ≥ 95%`.
pub fn target(j: &Judgement) -> String {
    let rel = match j.direction {
        Direction::AtLeast => "≥",
        Direction::AtMost => "≤",
    };
    let t = target_value(j.kpi, j.target);
    match (j.kpi, j.within_seconds) {
        (Kpi::ServiceLevel, Some(w)) => {
            format!("service level {rel} {t} within {}", duration(w))
        }
        (Kpi::ResolvedWithinTarget, Some(w)) => {
            format!("resolved within {} {rel} {t}", duration(w))
        }
        (kpi, _) => format!("{} {rel} {t}", kpi.label()),
    }
}

/// The value against the target, without whose it is or the verdict:
/// `service level 73.4% (answered within 20 s) against a target of 80%`.
pub fn measure(j: &Judgement) -> String {
    if j.no_traffic {
        return target(j);
    }
    let v = j.kpi.show(j.value, "");
    let t = target_value(j.kpi, j.target);
    match (j.kpi, j.direction, j.within_seconds) {
        (Kpi::ServiceLevel, _, Some(w)) => format!(
            "service level {v} (answered within {}) against a target of {t}",
            duration(w)
        ),
        (Kpi::ResolvedWithinTarget, _, Some(w)) => format!(
            "{v} resolved within {} against a target of {t}",
            duration(w)
        ),
        (kpi, Direction::AtMost, _) => format!("{} {v} against a limit of {t}", kpi.label()),
        (kpi, Direction::AtLeast, _) => {
            format!("{} {v} against a target of {t}", kpi.label())
        }
    }
}

/// The verdict alone: `met`, `missed by 6.6 points`, `missed by 12 s`, or
/// `no traffic` when no contact arrived to judge it on.
pub fn verdict(j: &Judgement) -> String {
    if j.no_traffic {
        return "no traffic".to_string();
    }
    let gap = (j.value - j.target).abs();
    let by = match j.kpi.unit() {
        Unit::Share => format!("{:.1} points", gap * 100.0),
        unit => unit.show(gap, ""),
    };
    if j.met {
        "met".to_string()
    } else {
        format!("missed by {by}")
    }
}

/// The target, whose it is, the value and the verdict in one phrase:
/// `phone: service level 73.4% against a target of 80% within 20 s — missed
/// by 6.6 points`.
pub fn judgement(j: &Judgement) -> String {
    let whose = match &j.scope {
        Scope::Desk => "whole desk (all channels mixed)".to_string(),
        Scope::Channel(c) => c.clone(),
    };
    format!("{whose}: {} — {}", measure(j), verdict(j))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missed_channel_target_reads_plainly() {
        let j = Judgement {
            scope: Scope::Channel("phone".into()),
            kpi: Kpi::ServiceLevel,
            target: 0.8,
            value: 0.734,
            met: false,
            ci95: 0.004,
            direction: Direction::AtLeast,
            within_seconds: Some(20.0),
            no_traffic: false,
        };
        assert_eq!(
            judgement(&j),
            "phone: service level 73.4% (answered within 20 s) against a target of 80% — missed by 6.6 points"
        );
        assert_eq!(target(&j), "service level ≥ 80% within 20 s");
        let a = Judgement {
            kpi: Kpi::AsaSeconds,
            target: 30.0,
            value: 14.0,
            met: true,
            direction: Direction::AtMost,
            within_seconds: None,
            scope: Scope::Desk,
            ..j
        };
        assert_eq!(
            judgement(&a),
            "whole desk (all channels mixed): ASA 14 s against a limit of 30 s — met"
        );
    }
}
