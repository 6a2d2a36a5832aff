//! Judging a scenario's results against its targets: each channel on its own figures, the desk on the mix.
//!
//! A channel's targets (`service_level.target`, `abandon_rate_max`,
//! `asa_max`, `resolved_within` under `[[channel]]`) are judged on that
//! channel's KPIs; `[targets]` is judged on the scenario-wide KPIs, which
//! mix every channel. [`judge`] returns one typed [`Judgement`] per target,
//! channels first in file order, then the desk; reports, the run table and
//! searches all read the same list.

use crate::kpi::{Better, EstimateMap, Kpi};
use crate::scenario::{Scenario, Targets};
use crate::stats::Estimate;
use indexmap::IndexMap;
use serde::{Serialize, Serializer};
use std::fmt;

/// Whose figures a target is judged on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The whole desk (`[targets]`), on figures mixed over channels.
    Desk,
    /// One channel, by name, on its own figures.
    Channel(String),
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Desk => f.write_str("desk"),
            Scope::Channel(c) => write!(f, "channel.{c}"),
        }
    }
}

impl Serialize for Scope {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Which side of the target a KPI must be on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The KPI must reach the target (service level, share resolved in time).
    AtLeast,
    /// The KPI must not exceed the target (abandon rate, ASA).
    AtMost,
}

/// When a target counts as met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// The mean over replications is on the right side of the target: what
    /// a run reports.
    Mean,
    /// The whole 95% confidence interval is on the right side: what a
    /// search that must be sure of its answer asks.
    Confident,
}

/// One target, judged. In the JSON: `scope`, `kpi`, `target`, `value` and
/// `met`; where the scope had no traffic (no contact offered), `value` and
/// `met` are `null` and `no_traffic` is `true`.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    /// `desk` or `channel.<name>`.
    pub scope: Scope,
    /// The KPI judged: `service_level`, `abandon_rate`, `asa_seconds` or
    /// `resolved_within_target` (the key under `kpis` for the desk, under
    /// `channels.<name>` for a channel).
    pub kpi: Kpi,
    /// The target (a share, or seconds for `asa_seconds`).
    pub target: f64,
    /// The KPI's mean over replications (NaN with no traffic).
    pub value: f64,
    /// Whether the target is met, by the [`Rule`] it was judged with (false
    /// with no traffic: nothing shows it met).
    pub met: bool,
    /// Half-width of the KPI's 95% confidence interval.
    pub ci95: f64,
    /// Which side of the target the KPI must be on.
    pub direction: Direction,
    /// The time the KPI counts within, seconds: the channel's
    /// `answer_within` for a channel's service level, the `resolved_within`
    /// time for a resolution target; `None` otherwise.
    pub within_seconds: Option<f64>,
    /// True when no contact arrived in the scope (the channel, or the whole
    /// desk): the KPI is undefined, and the target neither met nor missed.
    pub no_traffic: bool,
}

impl Serialize for Judgement {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Judgement", 5 + usize::from(self.no_traffic))?;
        st.serialize_field("scope", &self.scope)?;
        st.serialize_field("kpi", &self.kpi)?;
        st.serialize_field("target", &self.target)?;
        if self.no_traffic {
            st.serialize_field("value", &None::<f64>)?;
            st.serialize_field("met", &None::<bool>)?;
            st.serialize_field("no_traffic", &true)?;
        } else {
            st.serialize_field("value", &self.value)?;
            st.serialize_field("met", &self.met)?;
        }
        st.end()
    }
}

impl Judgement {
    /// How far the value is from the target, relative to the target:
    /// positive when missed (0.1: 10% short of the target), negative when met
    /// with room to spare.
    pub fn shortfall(&self) -> f64 {
        let gap = match self.direction {
            Direction::AtLeast => self.target - self.value,
            Direction::AtMost => self.value - self.target,
        };
        gap / self.target.abs().max(1e-9)
    }

    /// The channel's name, for a channel's target.
    pub fn channel(&self) -> Option<&str> {
        match &self.scope {
            Scope::Desk => None,
            Scope::Channel(c) => Some(c),
        }
    }

    /// True when the value lies within the 95% interval of the target: the
    /// replications cannot tell whether it is met.
    pub fn too_close_to_call(&self) -> bool {
        !self.no_traffic && self.ci95 > 0.0 && (self.value - self.target).abs() <= self.ci95
    }

    /// True when the target is missed: judged (there was traffic) and not met.
    pub fn missed(&self) -> bool {
        !self.met && !self.no_traffic
    }
}

/// Judges `targets` on the KPIs `kpis`, in the order service level,
/// abandon rate, ASA, resolution.
fn judge_one(
    out: &mut Vec<Judgement>,
    scope: &Scope,
    targets: &Targets,
    kpis: &EstimateMap,
    answer_within: Option<f64>,
    rule: Rule,
) {
    let no_traffic = crate::kpi::no_traffic(kpis);
    let mut push = |kpi: Kpi, target: f64, within_seconds| {
        let direction = match kpi.better() {
            Better::Lower => Direction::AtMost,
            _ => Direction::AtLeast,
        };
        let e = kpis.get(&kpi).copied().unwrap_or(Estimate {
            mean: 0.0,
            ci95: 0.0,
        });
        let no_traffic = no_traffic || !e.mean.is_finite();
        let met = !no_traffic
            && match (direction, rule) {
                (Direction::AtLeast, Rule::Mean) => e.mean >= target,
                (Direction::AtLeast, Rule::Confident) => e.low() >= target,
                (Direction::AtMost, Rule::Mean) => e.mean <= target,
                (Direction::AtMost, Rule::Confident) => e.high() <= target,
            };
        out.push(Judgement {
            scope: scope.clone(),
            kpi,
            target,
            value: e.mean,
            met,
            ci95: e.ci95,
            direction,
            within_seconds,
            no_traffic,
        });
    };
    if let Some(x) = targets.service_level {
        push(Kpi::ServiceLevel, x, answer_within);
    }
    if let Some(x) = targets.abandon_rate_max {
        push(Kpi::AbandonRate, x, None);
    }
    if let Some(x) = targets.asa_max_seconds {
        push(Kpi::AsaSeconds, x, None);
    }
    if let Some((time, x)) = targets.resolved_within {
        push(Kpi::ResolvedWithinTarget, x, Some(time.as_secs_f64()));
    }
}

/// Every target of `sc` judged on the scenario-wide KPIs `overall` and the
/// per-channel KPIs `channels` (both as in the results): each channel's own
/// targets first, in file order, then `[targets]` (scope `desk`). Where a
/// channel (or the whole desk) had no contact, its judgements say so
/// ([`Judgement::no_traffic`]) instead of judging an undefined figure.
pub fn judge(
    sc: &Scenario,
    overall: &EstimateMap,
    channels: &IndexMap<String, EstimateMap>,
    rule: Rule,
) -> Vec<Judgement> {
    let mut out = Vec::new();
    for ch in &sc.channels {
        let none = EstimateMap::from_iter([(
            Kpi::Offered,
            Estimate {
                mean: 0.0,
                ci95: 0.0,
            },
        )]);
        let kpis = channels.get(&ch.name).unwrap_or(&none);
        judge_one(
            &mut out,
            &Scope::Channel(ch.name.clone()),
            &ch.targets,
            kpis,
            Some(ch.answer_within.as_secs_f64()),
            rule,
        );
    }
    judge_one(&mut out, &Scope::Desk, &sc.targets, overall, None, rule);
    out
}

/// The judgement a summary leads with: the channel target missed by the
/// most (relative to its target), else the desk target missed by the most,
/// else, when every target is met, the one met by the thinnest margin
/// (channels first again). Targets with no traffic are left out: `None`
/// when no target could be judged.
pub fn worst(judgements: &[Judgement]) -> Option<&Judgement> {
    let by_shortfall = |a: &&Judgement, b: &&Judgement| a.shortfall().total_cmp(&b.shortfall());
    let missed = |channel: bool| {
        judgements
            .iter()
            .filter(move |j| j.missed() && j.channel().is_some() == channel)
            .max_by(by_shortfall)
    };
    missed(true).or_else(|| missed(false)).or_else(|| {
        let met = |channel: bool| {
            judgements
                .iter()
                .filter(move |j| !j.no_traffic && j.channel().is_some() == channel)
                .max_by(by_shortfall)
        };
        met(true).or_else(|| met(false))
    })
}

/// True when every target is met (also when there is none); a target with
/// no traffic is not met.
pub fn all_met(judgements: &[Judgement]) -> bool {
    judgements.iter().all(|j| j.met)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;

    fn estimates(pairs: &[(Kpi, f64)]) -> EstimateMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    *k,
                    Estimate {
                        mean: *v,
                        ci95: 0.01,
                    },
                )
            })
            .collect()
    }

    const TWO_CHANNELS: &str = r#"
[simulation]
horizon = "1d"
[[channel]]
name = "phone"
patience = "3m"
service_level = { answer_within = "20s", target = 0.80 }
abandon_rate_max = 0.05
asa_max = "30s"
[[channel]]
name = "email"
service_level = { answer_within = "4h", target = 0.90 }
resolved_within = { time = "24h", target = 0.95 }
[[arrivals]]
channel = "phone"
per_hour = 60
[[arrivals]]
channel = "email"
per_hour = 60
[[line]]
name = "L1"
channels = ["phone", "email"]
agents = 5
handle = "4m"
[targets]
service_level = 0.80
"#;

    #[test]
    fn each_channel_is_judged_on_its_own_figures_and_the_desk_on_the_mix() {
        let sc = load_str(TWO_CHANNELS, "t.toml", None).unwrap();
        let overall = estimates(&[(Kpi::ServiceLevel, 0.84)]);
        let mut channels = IndexMap::new();
        channels.insert(
            "phone".to_string(),
            estimates(&[
                (Kpi::Offered, 100.0),
                (Kpi::ServiceLevel, 0.734),
                (Kpi::AbandonRate, 0.04),
                (Kpi::AsaSeconds, 14.0),
            ]),
        );
        channels.insert(
            "email".to_string(),
            estimates(&[
                (Kpi::Offered, 100.0),
                (Kpi::ServiceLevel, 0.95),
                (Kpi::ResolvedWithinTarget, 0.97),
            ]),
        );
        let j = judge(&sc, &overall, &channels, Rule::Mean);
        let names: Vec<String> = j.iter().map(|j| format!("{} {}", j.scope, j.kpi)).collect();
        assert_eq!(
            names,
            [
                "channel.phone service_level",
                "channel.phone abandon_rate",
                "channel.phone asa_seconds",
                "channel.email service_level",
                "channel.email resolved_within_target",
                "desk service_level",
            ]
        );
        let met: Vec<bool> = j.iter().map(|j| j.met).collect();
        assert_eq!(met, [false, true, true, true, true, true]);
        assert_eq!(j[0].within_seconds, Some(20.0));
        let w = worst(&j).unwrap();
        assert_eq!(w.channel(), Some("phone"));
        assert_eq!(w.kpi, Kpi::ServiceLevel);
        assert!(!all_met(&j));
        let json = serde_json::to_value(&j[0]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"scope": "channel.phone", "kpi": "service_level",
                "target": 0.8, "value": 0.734, "met": false})
        );
    }

    #[test]
    fn a_confident_judgement_needs_the_whole_interval() {
        let sc = load_str(TWO_CHANNELS, "t.toml", None).unwrap();
        let overall = estimates(&[(Kpi::ServiceLevel, 0.805)]);
        let channels = IndexMap::new();
        let mean = judge(&sc, &overall, &channels, Rule::Mean);
        let sure = judge(&sc, &overall, &channels, Rule::Confident);
        // no channel figures: every channel target says no traffic
        assert_eq!(mean.len(), 6);
        assert!(
            mean[..5]
                .iter()
                .all(|j| j.no_traffic && !j.met && !j.missed())
        );
        let json = serde_json::to_value(&mean[0]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"scope": "channel.phone", "kpi": "service_level",
                "target": 0.8, "value": null, "met": null, "no_traffic": true})
        );
        let (mean, sure) = (&mean[5], &sure[5]);
        assert!(mean.met && !mean.no_traffic);
        assert!(!sure.met, "0.805 ± 0.01 may be below 0.80");
        assert!(sure.too_close_to_call());
    }

    #[test]
    fn when_all_is_met_the_thinnest_channel_margin_leads() {
        let a = Judgement {
            scope: Scope::Desk,
            kpi: Kpi::ServiceLevel,
            target: 0.8,
            value: 0.8,
            met: true,
            ci95: 0.0,
            direction: Direction::AtLeast,
            within_seconds: None,
            no_traffic: false,
        };
        let b = Judgement {
            scope: Scope::Channel("chat".into()),
            value: 0.9,
            ..a.clone()
        };
        let c = Judgement {
            scope: Scope::Channel("phone".into()),
            value: 0.85,
            ..a.clone()
        };
        let all = [a, b, c];
        assert_eq!(worst(&all).unwrap().channel(), Some("phone"));
        assert!(all_met(&all));
    }
}
