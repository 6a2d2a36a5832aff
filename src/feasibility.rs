//! What no staffing can fix: targets put out of reach by the roster's hours or by a vendor's delay, found before any search.
//!
//! The optimizer decides how many agents each line and shift gets, never
//! when shifts start or how long an outside vendor takes. So some targets
//! are out of reach whatever the staffing:
//!
//! - contacts that arrive when nobody on the line taking them is rostered
//!   (email over a weekend with no weekend shift) wait at least until the
//!   next shift starts. From the channel's arrival pattern over the week,
//!   [`check`] computes the share of contacts whose wait until the next
//!   rostered minute already exceeds the target's time (`answer_within`
//!   for a service level, the `resolved_within` time for a resolution
//!   target), or the mean of that wait for an ASA limit, or the share whose
//!   patience runs out before the next shift for an abandon limit. When
//!   that share alone exceeds what the target allows (1 − target, or the
//!   limit), the target cannot be met;
//! - on a live channel the same hours are open hours that no shift of the
//!   line covers;
//! - tickets that must go to an outside vendor (nobody before it resolves
//!   them) take at least the vendor's delay: when the share of the
//!   channel's tickets that go there times the share of delays longer than
//!   the `resolved_within` time exceeds what the target allows, the target
//!   cannot be met.
//!
//! Each such target is named (`channel.email.resolved_within`,
//! `targets.service_level`) with its reason in plain words. Every figure is
//! a lower bound on what any plan gets (answers take at least the wait for
//! a shift; resolutions take at least that and any vendor delay), so a
//! target named here is out of reach, never merely hard.

use crate::engine::Dist;
use crate::kpi::Kpi;
use crate::scenario::{MINUTES_PER_DAY, Scenario, Targets};
use crate::stats::tidy;
use crate::targets::Scope;
use serde::Serialize;

/// Minutes in a week.
const WEEK: usize = 7 * MINUTES_PER_DAY as usize;

/// Why a target is out of reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// Backlog contacts arrive when nobody on the line that takes them is
    /// rostered, and wait too long for the next shift.
    Unrostered,
    /// A live channel is open at hours no shift of its line covers.
    UncoveredOpenHours,
    /// Tickets that must go to an outside vendor take longer than the target allows.
    VendorDelay,
}

/// A target no staffing can meet, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unreachable {
    /// The target as the scenario names it: `channel.email.resolved_within`,
    /// `channel.phone.service_level`, `targets.abandon_rate_max`.
    pub target: String,
    /// Whose figures the target is judged on (`desk` or `channel.<name>`).
    pub scope: Scope,
    /// The KPI judged (`service_level`, `abandon_rate`, `asa_seconds`,
    /// `resolved_within_target`).
    pub kpi: Kpi,
    /// What puts it out of reach (one or more).
    pub causes: Vec<Cause>,
    /// The least value any staffing gets on the wrong side of the target:
    /// the share of contacts that miss it whatever the staffing, or for an
    /// ASA limit the least mean wait in seconds.
    pub forced: f64,
    /// What the target allows on that side: 1 − target for a share to
    /// reach, the limit for an abandon rate or an ASA.
    pub allowed: f64,
    /// The reason in plain words, with the share and the hours.
    pub reason: String,
}

/// The scenario key of a target: `service_level`, `abandon_rate_max`,
/// `asa_max` or `resolved_within`, for the KPI it judges.
pub fn target_key(kpi: Kpi) -> &'static str {
    match kpi {
        Kpi::AbandonRate => "abandon_rate_max",
        Kpi::AsaSeconds => "asa_max",
        Kpi::ResolvedWithinTarget => "resolved_within",
        other => other.key(),
    }
}

/// The full name of a target: `channel.phone.service_level` for a
/// channel's, `targets.service_level` for the desk's.
pub fn target_name(scope: &Scope, kpi: Kpi) -> String {
    match scope {
        Scope::Desk => format!("targets.{}", target_key(kpi)),
        Scope::Channel(c) => format!("channel.{c}.{}", target_key(kpi)),
    }
}

/// What one channel's contacts face before any agent can touch them.
struct ChannelView<'a> {
    name: &'a str,
    line: &'a str,
    live: bool,
    /// Contacts per minute of the week (relative weights suffice).
    rate: Vec<f64>,
    /// Their sum over the week.
    volume: f64,
    /// Minutes from the start of each minute of the week to the next
    /// minute someone on the line is rostered (0: rostered); `None` when
    /// nobody is ever rostered.
    until_rostered: Option<Vec<u32>>,
    patience: Option<&'a Dist>,
    retries: bool,
    answer_within: f64,
}

impl ChannelView<'_> {
    /// Share of the week's contacts whose wait for a rostered minute is
    /// longer than `secs`. Within a minute that is `d` minutes from the next
    /// rostered one, an arrival at `u ∈ [0, 1)` waits `d − u` minutes.
    fn late_share(&self, secs: f64) -> f64 {
        if self.volume <= 0.0 {
            return 0.0;
        }
        let Some(until) = &self.until_rostered else {
            return 1.0;
        };
        let t = secs / 60.0;
        let late: f64 = (0..WEEK)
            .filter(|&m| until[m] > 0)
            .map(|m| self.rate[m] * (f64::from(until[m]) - t).clamp(0.0, 1.0))
            .sum();
        late / self.volume
    }

    /// The mean wait for a rostered minute over the week's contacts,
    /// seconds (infinite when nobody is ever rostered).
    fn mean_wait(&self) -> f64 {
        if self.volume <= 0.0 {
            return 0.0;
        }
        let Some(until) = &self.until_rostered else {
            return f64::INFINITY;
        };
        let wait: f64 = (0..WEEK)
            .filter(|&m| until[m] > 0)
            .map(|m| self.rate[m] * (f64::from(until[m]) - 0.5) * 60.0)
            .sum();
        wait / self.volume
    }

    /// Share of the week's contacts whose patience runs out before the next
    /// rostered minute: a lower bound on the abandon rate. 0 for a channel
    /// whose customers do not leave, or try again (a retry is a new contact
    /// that may come at a staffed time).
    fn abandon_share(&self) -> f64 {
        let Some(p) = self.patience else {
            return 0.0;
        };
        if self.retries || self.volume <= 0.0 {
            return 0.0;
        }
        let Some(until) = &self.until_rostered else {
            return 1.0;
        };
        let gone: f64 = (0..WEEK)
            .filter(|&m| until[m] > 1)
            // the shortest wait in the minute, d − 1 minutes
            .map(|m| self.rate[m] * (1.0 - survival(p, f64::from(until[m] - 1) * 60.0)))
            .sum();
        gone / self.volume
    }

    /// The runs of the week when nobody on the line is rostered and some of
    /// this channel's contacts arrive there and wait longer than `secs`, in
    /// words (`Fri 20:00–Mon 08:00 (60 h)`, the longest three), and their
    /// hours a week.
    fn hours_text(&self, secs: f64) -> (String, f64) {
        let Some(until) = &self.until_rostered else {
            return ("at any time of the week".into(), 168.0);
        };
        let t = secs / 60.0;
        // unrostered runs, from a rostered minute round the week
        let Some(start) = (0..WEEK).find(|&m| until[m] == 0) else {
            return ("at any time of the week".into(), 168.0);
        };
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut cur: Option<usize> = None;
        for k in 1..=WEEK {
            let m = (start + k) % WEEK;
            match (until[m] > 0, cur) {
                (true, None) => cur = Some(k),
                (false, Some(s)) => {
                    runs.push(((start + s) % WEEK, k - s));
                    cur = None;
                }
                _ => {}
            }
        }
        let mut hit: Vec<(usize, usize)> = runs
            .into_iter()
            .filter(|&(from, len)| {
                (0..len).any(|i| {
                    let m = (from + i) % WEEK;
                    self.rate[m] > 0.0 && f64::from(until[m]) > t
                })
            })
            .collect();
        let hours = hit.iter().map(|r| r.1 as f64 / 60.0).sum();
        hit.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let shown: Vec<String> = hit
            .iter()
            .take(3)
            .map(|&(from, len)| {
                format!(
                    "{}–{} ({})",
                    clock(from),
                    clock((from + len) % WEEK),
                    hours_word(len as f64 / 60.0)
                )
            })
            .collect();
        let mut text = shown.join(", ");
        if hit.len() > 3 {
            text.push_str(&format!(" and {} more", hit.len() - 3));
        }
        (text, hours)
    }
}

/// `Fri 20:00`: a minute of the week (0 = Monday 00:00).
fn clock(m: usize) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let day = m / MINUTES_PER_DAY as usize;
    let min = m % MINUTES_PER_DAY as usize;
    format!("{} {:02}:{:02}", DAYS[day % 7], min / 60, min % 60)
}

/// `60 h`, `4.5 h`.
fn hours_word(h: f64) -> String {
    if (h - h.round()).abs() < 1e-9 {
        format!("{h:.0} h")
    } else {
        format!("{h:.1} h")
    }
}

/// A duration for people: `20 s`, `4 min`, `24 h`, `2.5 days`.
fn human(secs: f64) -> String {
    let whole = |x: f64, unit: &str| {
        if (x - x.round()).abs() < 1e-9 {
            format!("{x:.0} {unit}")
        } else {
            format!("{x:.1} {unit}")
        }
    };
    if secs < 90.0 {
        whole(secs, "s")
    } else if secs < 90.0 * 60.0 {
        whole(secs / 60.0, "min")
    } else if secs < 72.0 * 3600.0 {
        whole(secs / 3600.0, "h")
    } else {
        whole(secs / 86_400.0, "days")
    }
}

/// `21.4%`.
fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// The share of draws of `d` longer than `x` seconds.
pub fn survival(d: &Dist, x: f64) -> f64 {
    if x < 0.0 {
        return 1.0;
    }
    match d {
        Dist::Exponential { mean } => (-x / mean).exp(),
        Dist::LogNormal { mu, sigma, .. } => {
            if x <= 0.0 {
                1.0
            } else {
                0.5 * statrs::function::erf::erfc(
                    (x.ln() - mu) / (sigma * std::f64::consts::SQRT_2),
                )
            }
        }
        Dist::Gamma { mean, cv, .. } => {
            let shape = 1.0 / (cv * cv);
            upper_gamma(shape, x * shape / mean)
        }
        Dist::Uniform { min, max } => {
            if max > min {
                ((max - x) / (max - min)).clamp(0.0, 1.0)
            } else if *min > x {
                1.0
            } else {
                0.0
            }
        }
        Dist::Constant { value } => {
            if *value > x {
                1.0
            } else {
                0.0
            }
        }
        Dist::Empirical { values } => {
            values.iter().filter(|&&v| v > x).count() as f64 / values.len() as f64
        }
    }
}

/// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a),
/// from `statrs`.
fn upper_gamma(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    statrs::function::gamma::checked_gamma_ur(a, x)
        .unwrap_or(f64::NAN)
        .clamp(0.0, 1.0)
}

/// Minutes from each minute of the week to the next rostered minute of line
/// `l` (0 when rostered); `None` when nobody is ever rostered. A line
/// without shifts (always-on agents) or an outside vendor is always there;
/// a line with shifts is there whenever one of its shifts is, since any
/// shift may be given agents.
fn until_rostered(sc: &Scenario, l: usize) -> Option<Vec<u32>> {
    let line = &sc.lines[l];
    if line.external.is_some() || line.shifts.is_empty() {
        return Some(vec![0; WEEK]);
    }
    let mut on = vec![false; WEEK];
    for m in line.shifts.iter().flat_map(|s| s.week_minutes()) {
        on[m] = true;
    }
    if !on.iter().any(|&x| x) {
        return None;
    }
    let mut until = vec![0u32; WEEK];
    let mut next: Option<u32> = None;
    // two passes backwards round the week, so a gap over Sunday midnight sees Monday's shift
    for k in (0..2 * WEEK).rev() {
        let m = k % WEEK;
        next = if on[m] { Some(0) } else { next.map(|n| n + 1) };
        if k < WEEK {
            until[m] = next.unwrap_or(u32::MAX);
        }
    }
    Some(until)
}

fn view<'a>(sc: &'a Scenario, c: usize) -> ChannelView<'a> {
    let ch = &sc.channels[c];
    let mut rate = vec![0.0; WEEK];
    for a in sc.arrivals.iter().filter(|a| a.channel == c) {
        let slot_min = (a.rate.slot().0 / 60_000_000).max(1) as usize;
        let rates = a.rate.rates();
        for (m, r) in rate.iter_mut().enumerate() {
            *r += rates[(m / slot_min) % rates.len()];
        }
    }
    let volume = rate.iter().sum();
    ChannelView {
        name: &ch.name,
        line: &sc.lines[ch.line].name,
        live: ch.live,
        rate,
        volume,
        until_rostered: until_rostered(sc, ch.line),
        patience: ch.patience.as_ref(),
        retries: ch.retry.is_some(),
        answer_within: ch.answer_within.as_secs_f64(),
    }
}

/// Share of channel `c`'s tickets that reach an outside vendor (every line
/// before it passes them on) and whose vendor delay is longer than `secs`.
/// Ticket types are drawn independently of the arrival time.
fn vendor_late_share(sc: &Scenario, c: usize, secs: f64) -> (f64, Vec<String>) {
    let mut share = 0.0;
    let mut vendors = Vec::new();
    for (t, tt) in sc.ticket_types.iter().enumerate() {
        let mut p = tt.share;
        let mut l = Some(sc.channels[c].line);
        let mut seen = 0;
        while let Some(i) = l {
            let line = &sc.lines[i];
            if let Some(ext) = &line.external {
                let late = survival(&ext.delay, secs);
                if p * late > 0.0 && !vendors.contains(&line.name) {
                    vendors.push(line.name.clone());
                }
                share += p * late;
                break;
            }
            p *= 1.0 - sc.resolve(t, i);
            l = line.escalates_to;
            seen += 1;
            if seen > sc.lines.len() || p <= 0.0 {
                break;
            }
        }
    }
    (share, vendors)
}

/// The time a target counts within, for one channel's contacts.
#[derive(Clone, Copy)]
enum Within {
    /// The channel's own `answer_within`.
    AnswerWithin,
    /// A given number of seconds.
    Secs(f64),
}

impl Within {
    fn secs(self, v: &ChannelView) -> f64 {
        match self {
            Within::AnswerWithin => v.answer_within,
            Within::Secs(s) => s,
        }
    }
}

/// The targets of scope `scope` that no staffing can meet: `targets` judged
/// on the contacts of `channels` (one channel, or all of them for the desk).
fn check_scope(
    sc: &Scenario,
    scope: Scope,
    targets: &Targets,
    channels: &[usize],
    views: &[ChannelView],
    out: &mut Vec<Unreachable>,
) {
    let total: f64 = channels.iter().map(|&c| views[c].volume).sum();
    if total <= 0.0 {
        return;
    }
    let whose = match &scope {
        Scope::Desk => "the desk's".to_string(),
        Scope::Channel(c) => format!("{c}'s"),
    };
    // the channels' shares of the desk's contacts weighted together
    let weighted = |f: &dyn Fn(&ChannelView) -> f64| -> f64 {
        channels
            .iter()
            .map(|&c| views[c].volume * f(&views[c]))
            .sum::<f64>()
            / total
    };
    // the hours that force the misses, named per channel that has them
    let hours = |within: Within| -> (String, Vec<Cause>) {
        let mut parts = Vec::new();
        let mut causes = Vec::new();
        for &c in channels {
            let v = &views[c];
            if v.late_share(within.secs(v)) <= 0.0 {
                continue;
            }
            let (text, h) = v.hours_text(within.secs(v));
            let cause = if v.live {
                Cause::UncoveredOpenHours
            } else {
                Cause::Unrostered
            };
            if !causes.contains(&cause) {
                causes.push(cause);
            }
            parts.push(if v.live {
                format!(
                    "line {} has no shift at some of {}'s open hours: {text}, {} a week",
                    v.line,
                    v.name,
                    hours_word(h)
                )
            } else {
                format!(
                    "nobody on line {} is rostered {text}, {} a week, while {} arrives",
                    v.line,
                    hours_word(h),
                    v.name
                )
            });
        }
        (parts.join("; "), causes)
    };
    let fix =
        "No staffing can change that: add or lengthen a shift at those hours, or relax the target.";

    if let Some(target) = targets.service_level {
        let forced = weighted(&|v| v.late_share(v.answer_within));
        let allowed = 1.0 - target;
        if forced > allowed + 1e-9 {
            let (text, causes) = hours(Within::AnswerWithin);
            let (than, w) = match &scope {
                Scope::Channel(_) => {
                    let t = human(views[channels[0]].answer_within);
                    (format!("than {t}"), format!(" within {t}"))
                }
                Scope::Desk => (
                    "than their channel's answer_within".to_string(),
                    " within each channel's answer_within".to_string(),
                ),
            };
            out.push(Unreachable {
                target: target_name(&scope, Kpi::ServiceLevel),
                scope: scope.clone(),
                kpi: Kpi::ServiceLevel,
                causes,
                forced: tidy(forced),
                allowed: tidy(allowed),
                reason: format!(
                    "{} of {whose} contacts wait longer {than} for the next rostered agent whatever the staffing ({text}); a service level of {} answered{w} allows at most {} to wait longer. {fix}",
                    pct(forced),
                    pct(target),
                    pct(allowed)
                ),
            });
        }
    }

    if let Some(limit) = targets.abandon_rate_max {
        let forced = weighted(&|v| v.abandon_share());
        if forced > limit + 1e-9 {
            let (text, causes) = hours(Within::Secs(0.0));
            out.push(Unreachable {
                target: target_name(&scope, Kpi::AbandonRate),
                scope: scope.clone(),
                kpi: Kpi::AbandonRate,
                causes,
                forced: tidy(forced),
                allowed: limit,
                reason: format!(
                    "at least {} of {whose} contacts run out of patience before the next rostered agent whatever the staffing ({text}); the limit is {}. {fix}",
                    pct(forced),
                    pct(limit)
                ),
            });
        }
    }

    if let Some(limit) = targets.asa_max_seconds {
        // every contact is answered only where nobody leaves: only then is
        // the mean wait over answered contacts at least this
        if channels.iter().all(|&c| views[c].patience.is_none()) {
            let forced = weighted(&|v| v.mean_wait());
            if forced > limit + 1e-9 {
                let (text, causes) = hours(Within::Secs(0.0));
                out.push(Unreachable {
                    target: target_name(&scope, Kpi::AsaSeconds),
                    scope: scope.clone(),
                    kpi: Kpi::AsaSeconds,
                    causes,
                    forced: tidy(forced),
                    allowed: limit,
                    reason: format!(
                        "{whose} contacts wait {} on average for the next rostered agent whatever the staffing ({text}); the limit is an ASA of {}. {fix}",
                        human(forced),
                        human(limit)
                    ),
                });
            }
        }
    }

    if let Some((time, target)) = targets.resolved_within {
        let secs = time.as_secs_f64();
        let allowed = 1.0 - target;
        let late = weighted(&|v| v.late_share(secs));
        let mut vendors: Vec<String> = Vec::new();
        let vendor = channels
            .iter()
            .map(|&c| {
                let (share, names) = vendor_late_share(sc, c, secs);
                for n in names {
                    if !vendors.contains(&n) {
                        vendors.push(n);
                    }
                }
                views[c].volume * share
            })
            .sum::<f64>()
            / total;
        // a ticket's type and vendor delay do not depend on when it arrives
        let forced = late + vendor - late * vendor;
        if forced > allowed + 1e-9 {
            let mut reasons = Vec::new();
            let mut causes = Vec::new();
            if late > 0.0 {
                let (text, c) = hours(Within::Secs(secs));
                causes.extend(c);
                reasons.push(format!(
                    "{} of {whose} tickets wait longer than {} for the next rostered agent ({text})",
                    pct(late),
                    human(secs)
                ));
            }
            if vendor > 0.0 {
                causes.push(Cause::VendorDelay);
                reasons.push(format!(
                    "{} of {whose} tickets must go to the outside vendor {} (no line before it resolves them) and take longer than {} there",
                    pct(vendor),
                    vendors.join(", "),
                    human(secs)
                ));
            }
            let fix = if vendor > allowed {
                "No staffing can change that: shorten the vendor's delay, resolve more before the vendor, or relax the target."
            } else {
                fix
            };
            out.push(Unreachable {
                target: target_name(&scope, Kpi::ResolvedWithinTarget),
                scope: scope.clone(),
                kpi: Kpi::ResolvedWithinTarget,
                causes,
                forced: tidy(forced),
                allowed: tidy(allowed),
                reason: format!(
                    "{}: {} of {whose} tickets are resolved later than {} whatever the staffing, and {} resolved within {} allows at most {}. {fix}",
                    reasons.join("; and "),
                    pct(forced),
                    human(secs),
                    pct(target),
                    human(secs),
                    pct(allowed)
                ),
            });
        }
    }
}

/// Every target of `sc` that no staffing can meet, with its reason: each
/// channel's targets on its own contacts, in file order, then `[targets]`
/// on all contacts. Empty when every target may be reachable.
pub fn check(sc: &Scenario) -> Vec<Unreachable> {
    let views: Vec<ChannelView> = (0..sc.channels.len()).map(|c| view(sc, c)).collect();
    let mut out = Vec::new();
    for (c, ch) in sc.channels.iter().enumerate() {
        check_scope(
            sc,
            Scope::Channel(ch.name.clone()),
            &ch.targets,
            &[c],
            &views,
            &mut out,
        );
    }
    let all: Vec<usize> = (0..sc.channels.len()).collect();
    check_scope(sc, Scope::Desk, &sc.targets, &all, &views, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;

    const WEEKEND_EMAIL: &str = r#"
[simulation]
horizon = "14d"
[[channel]]
name = "email"
service_level = { answer_within = "4h", target = 0.50 }
resolved_within = { time = "24h", target = 0.95 }
[[arrivals]]
channel = "email"
per_hour = 10
[[line]]
name = "L1"
channels = ["email"]
handle = "5m"
  [[line.shift]]
  name = "day"
  start = "08:00"
  end = "20:00"
  days = ["mon", "tue", "wed", "thu", "fri"]
  agents = 3
"#;

    /// Email at a constant rate, nobody from Friday 20:00 to Monday 08:00
    /// (60 h): arrivals in its first 36 h wait more than 24 h, 36/168 of
    /// the week's; weeknights (12 h) and the weekend push 4 h misses to
    /// (4 × 8 + 56) / 168.
    #[test]
    fn weekend_email_is_out_of_reach_with_the_share_and_the_hours() {
        let sc = load_str(WEEKEND_EMAIL, "w.toml", None).unwrap();
        let out = check(&sc);
        assert_eq!(out.len(), 2, "{out:#?}");
        let sl = &out[0];
        assert_eq!(sl.target, "channel.email.service_level");
        assert!(
            (sl.forced - (4.0 * 8.0 + 56.0) / 168.0).abs() < 1e-9,
            "{sl:?}"
        );
        let r = &out[1];
        assert_eq!(r.target, "channel.email.resolved_within");
        assert_eq!(r.causes, [Cause::Unrostered]);
        assert!((r.forced - 36.0 / 168.0).abs() < 1e-9, "{}", r.forced);
        assert!((r.allowed - 0.05).abs() < 1e-12);
        assert!(r.reason.contains("21.4%"), "{}", r.reason);
        assert!(
            r.reason.contains("Fri 20:00–Mon 08:00 (60 h)"),
            "{}",
            r.reason
        );
        // with a weekend shift nothing is out of reach
        let covered =
            WEEKEND_EMAIL.replace("\"thu\", \"fri\"]", "\"thu\", \"fri\", \"sat\", \"sun\"]");
        let sc = load_str(&covered, "w.toml", None).unwrap();
        let out = check(&sc);
        assert!(
            out.iter().all(|u| u.kpi != Kpi::ResolvedWithinTarget),
            "{out:#?}"
        );
    }

    #[test]
    fn a_vendor_slower_than_the_target_is_named() {
        let text = r#"
[simulation]
horizon = "7d"
[[channel]]
name = "email"
resolved_within = { time = "24h", target = 0.95 }
[[arrivals]]
channel = "email"
per_hour = 10
[[line]]
name = "L1"
channels = ["email"]
agents = 3
handle = "5m"
resolve = 0.8
escalates_to = "V"
[[line]]
name = "V"
external = true
delay = "2d"
cost_per_ticket = 10.0
"#;
        let sc = load_str(text, "v.toml", None).unwrap();
        let out = check(&sc);
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(out[0].causes, [Cause::VendorDelay]);
        assert!((out[0].forced - 0.2).abs() < 1e-12);
        assert!(out[0].reason.contains("vendor V"), "{}", out[0].reason);
        // a vendor that takes 12 h is no obstacle to 24 h
        let sc = load_str(&text.replace("\"2d\"", "\"12h\""), "v.toml", None).unwrap();
        assert!(check(&sc).is_empty());
    }

    #[test]
    fn survival_functions() {
        let e = Dist::exponential(10.0).unwrap();
        assert!((survival(&e, 10.0) - (-1.0f64).exp()).abs() < 1e-12);
        // gamma of shape 1 is the exponential
        let g = Dist::gamma(10.0, 1.0).unwrap();
        assert!((survival(&g, 10.0) - (-1.0f64).exp()).abs() < 1e-9);
        assert!((survival(&g, 40.0) - (-4.0f64).exp()).abs() < 1e-9);
        // shape 4 (cv 0.5), scale 1: Q(4, 2) = e^-2 (1 + 2 + 2 + 4/3)
        let g = Dist::gamma(4.0, 0.5).unwrap();
        let q = (-2.0f64).exp() * (1.0 + 2.0 + 2.0 + 8.0 / 6.0);
        assert!(
            (survival(&g, 2.0) - q).abs() < 1e-9,
            "{}",
            survival(&g, 2.0)
        );
        assert!(
            (survival(&g, 8.0) - (-8.0f64).exp() * (1.0 + 8.0 + 32.0 + 512.0 / 6.0)).abs() < 1e-9
        );
        let l = Dist::lognormal(10.0, 1.0).unwrap();
        if let Dist::LogNormal { mu, .. } = l {
            assert!((survival(&l, mu.exp()) - 0.5).abs() < 1e-6);
        }
        assert_eq!(survival(&Dist::constant(5.0).unwrap(), 4.0), 1.0);
        assert_eq!(survival(&Dist::constant(5.0).unwrap(), 5.0), 0.0);
        assert_eq!(survival(&Dist::uniform(0.0, 10.0).unwrap(), 2.5), 0.75);
    }
}
