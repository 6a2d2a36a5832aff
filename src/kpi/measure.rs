//! The measuring of every KPI from one replication's tallies.

use super::{Kpi, KpiValues, RunKpis};
use crate::economics::{LineCost, costs};
use crate::model::RunTally;
use crate::scenario::Scenario;
use crate::stats::{coefficient_of_variation, ratio};

/// Every KPI of one replication, from its tallies, in the order of the
/// results contract.
pub fn measure(sc: &Scenario, tally: &RunTally) -> RunKpis {
    let offered: u64 = tally.channels.iter().map(|c| c.offered).sum();
    let unique: u64 = tally.channels.iter().map(|c| c.unique).sum();
    let answered: u64 = tally.channels.iter().map(|c| c.answered).sum();
    let abandoned: u64 = tally.channels.iter().map(|c| c.abandoned).sum();
    let in_time: u64 = tally.channels.iter().map(|c| c.answered_in_time).sum();
    let wait_sum: f64 = tally.channels.iter().map(|c| c.wait_sum).sum();
    // handlings by agents: an outside vendor's tickets are not handled here
    let staffed = || {
        sc.lines
            .iter()
            .zip(&tally.lines)
            .filter(|(l, _)| l.external.is_none())
            .map(|(_, t)| t)
    };
    let handled: u64 = staffed().map(|l| l.handled).sum();
    let handle_sum: f64 = staffed().map(|l| l.handle_sum).sum();
    let wrap_sum: f64 = staffed().map(|l| l.wrap_sum).sum();
    let busy: f64 = tally.lines.iter().map(|l| l.busy).sum();
    let available: f64 = tally
        .lines
        .iter()
        .map(|l| l.on_duty - l.on_break - l.shrinkage)
        .sum();
    let agent_days: f64 = tally.lines.iter().map(|l| l.agent_days).sum();
    let cost = costs(sc, tally);
    let window_days = sc.window().as_secs_f64() / 86_400.0;

    let mut lines = Vec::with_capacity(sc.lines.len());
    let mut first_agent = 0usize;
    let mut cv_weighted = 0.0;
    for (li, (line, t)) in sc.lines.iter().zip(&tally.lines).enumerate() {
        let n = line.headcount() as usize;
        let counts: Vec<f64> = tally.agent_handled[first_agent..first_agent + n]
            .iter()
            .map(|&h| h as f64)
            .collect();
        first_agent += n;
        if line.external.is_some() {
            // a vendor has no queue and no agents: the contract's keys
            // are kept (as zeros) so every line has them, reports show
            // them as "n/a" and give the vendor's delay instead
            lines.push((
                line.name.clone(),
                vec![
                    (Kpi::Offered, t.offered as f64),
                    (Kpi::Handled, t.handled as f64),
                    (Kpi::AsaSeconds, 0.0),
                    (Kpi::AhtSeconds, 0.0),
                    (Kpi::TalkSeconds, 0.0),
                    (Kpi::WrapUpSeconds, 0.0),
                    (Kpi::Occupancy, 0.0),
                    (Kpi::Escalated, t.escalated as f64),
                    (
                        Kpi::EscalationRate,
                        ratio(t.escalated as f64, t.handled as f64),
                    ),
                    (Kpi::Abandoned, t.abandoned as f64),
                    (Kpi::TicketsPerAgentDay, 0.0),
                    (Kpi::LoadBalanceCv, 0.0),
                    (Kpi::Agents, 0.0),
                    (Kpi::PaidHours, 0.0),
                    (Kpi::OnDutyHours, 0.0),
                    (Kpi::BreakHours, 0.0),
                    (Kpi::ShrinkageHours, 0.0),
                    (Kpi::OvertimeHours, 0.0),
                    (Kpi::AbsentDays, 0.0),
                    (Kpi::VendorTickets, t.vendor_tickets as f64),
                    (Kpi::CostTotal, cost.lines[li].total()),
                    (
                        Kpi::DelayHours,
                        ratio(t.handle_sum, t.handled as f64) / 3600.0,
                    ),
                ],
            ));
            let line_total = cost.lines[li].total();
            if let Some((_, kpis)) = lines.last_mut() {
                kpis.extend(cost_kpis(&cost.lines[li], None, line_total, window_days));
            }
            continue;
        }
        let cv = coefficient_of_variation(&counts);
        if line.external.is_none() {
            cv_weighted += cv * t.handled as f64;
        }
        lines.push((
            line.name.clone(),
            vec![
                (Kpi::Offered, t.offered as f64),
                (Kpi::Handled, t.handled as f64),
                (Kpi::AsaSeconds, ratio(t.wait_sum, t.answered as f64)),
                (
                    Kpi::AhtSeconds,
                    ratio(t.handle_sum + t.wrap_sum, t.handled as f64),
                ),
                (Kpi::TalkSeconds, ratio(t.handle_sum, t.handled as f64)),
                (Kpi::WrapUpSeconds, ratio(t.wrap_sum, t.handled as f64)),
                (
                    Kpi::Occupancy,
                    ratio(t.busy, t.on_duty - t.on_break - t.shrinkage),
                ),
                (Kpi::Escalated, t.escalated as f64),
                (
                    Kpi::EscalationRate,
                    ratio(t.escalated as f64, t.handled as f64),
                ),
                (Kpi::Abandoned, t.abandoned as f64),
                (
                    Kpi::TicketsPerAgentDay,
                    ratio(t.handled as f64, t.agent_days),
                ),
                (Kpi::LoadBalanceCv, cv),
                (Kpi::Agents, n as f64),
                (Kpi::PaidHours, t.paid / 3600.0),
                (Kpi::OnDutyHours, t.on_duty / 3600.0),
                (Kpi::BreakHours, t.on_break / 3600.0),
                (Kpi::ShrinkageHours, t.shrinkage / 3600.0),
                (Kpi::OvertimeHours, t.overtime / 3600.0),
                (Kpi::AbsentDays, t.absent_days),
                (Kpi::VendorTickets, t.vendor_tickets as f64),
                (Kpi::CostTotal, cost.lines[li].total()),
            ],
        ));
        let line_total = cost.lines[li].total();
        if let Some((_, kpis)) = lines.last_mut() {
            kpis.extend(cost_kpis(&cost.lines[li], None, line_total, window_days));
        }
    }

    let channels = sc
        .channels
        .iter()
        .zip(&tally.channels)
        .map(|(ch, t)| {
            (
                ch.name.clone(),
                vec![
                    (Kpi::Offered, t.offered as f64),
                    (Kpi::UniqueContacts, t.unique as f64),
                    (Kpi::Answered, t.answered as f64),
                    (Kpi::Abandoned, t.abandoned as f64),
                    (Kpi::Retries, t.retried as f64),
                    (
                        Kpi::AbandonRate,
                        ratio(t.abandoned as f64, t.offered as f64),
                    ),
                    (Kpi::AsaSeconds, ratio(t.wait_sum, t.answered as f64)),
                    (Kpi::WaitP50Seconds, t.waits.quantile_secs(0.50)),
                    (Kpi::WaitP90Seconds, t.waits.quantile_secs(0.90)),
                    (Kpi::WaitP99Seconds, t.waits.quantile_secs(0.99)),
                    (
                        Kpi::ServiceLevel,
                        ratio(t.answered_in_time as f64, t.offered as f64),
                    ),
                    (
                        Kpi::AhtSeconds,
                        ratio(t.handle_sum + t.wrap_sum, t.handled as f64),
                    ),
                    (Kpi::TalkSeconds, ratio(t.handle_sum, t.handled as f64)),
                    (Kpi::WrapUpSeconds, ratio(t.wrap_sum, t.handled as f64)),
                    (Kpi::Resolved, t.resolved as f64),
                    (
                        Kpi::ResolvedWithinTarget,
                        ratio(t.resolved_in_target as f64, t.resolved as f64),
                    ),
                ],
            )
        })
        .collect();

    let types = if sc.explicit_ticket_types {
        sc.ticket_types
            .iter()
            .zip(&tally.types)
            .map(|(tt, t)| {
                (
                    tt.name.clone(),
                    vec![
                        (Kpi::Offered, t.offered as f64),
                        (Kpi::AsaSeconds, ratio(t.wait_sum, t.answered as f64)),
                        (
                            Kpi::ResolutionHours,
                            ratio(t.resolution_sum, t.resolved as f64) / 3600.0,
                        ),
                        (
                            Kpi::Fcr,
                            ratio(t.first_contact_resolved as f64, t.first_handled as f64),
                        ),
                        (
                            Kpi::EscalationRate,
                            ratio(t.escalated as f64, t.first_handled as f64),
                        ),
                        (
                            Kpi::MisrouteRate,
                            ratio(t.misrouted as f64, t.first_handled as f64),
                        ),
                    ],
                )
            })
            .collect()
    } else {
        Vec::new()
    };

    let resolved = tally.resolved as f64;
    let overall: KpiValues = vec![
        (Kpi::Offered, offered as f64),
        (Kpi::UniqueContacts, unique as f64),
        (Kpi::Answered, answered as f64),
        (Kpi::Abandoned, abandoned as f64),
        (Kpi::AbandonRate, ratio(abandoned as f64, offered as f64)),
        (Kpi::AsaSeconds, ratio(wait_sum, answered as f64)),
        (Kpi::WaitP50Seconds, tally.waits.quantile_secs(0.50)),
        (Kpi::WaitP90Seconds, tally.waits.quantile_secs(0.90)),
        (Kpi::WaitP99Seconds, tally.waits.quantile_secs(0.99)),
        (Kpi::ServiceLevel, ratio(in_time as f64, offered as f64)),
        (
            Kpi::AhtSeconds,
            ratio(handle_sum + wrap_sum, handled as f64),
        ),
        (Kpi::TalkSeconds, ratio(handle_sum, handled as f64)),
        (Kpi::WrapUpSeconds, ratio(wrap_sum, handled as f64)),
        (Kpi::Resolved, resolved),
        (
            Kpi::ResolutionHours,
            ratio(tally.resolution_sum, resolved) / 3600.0,
        ),
        (
            Kpi::ResolvedWithinTarget,
            ratio(tally.resolved_in_target as f64, resolved),
        ),
        (
            Kpi::Fcr,
            ratio(
                tally.first_contact_resolved as f64,
                tally.first_handled as f64,
            ),
        ),
        (
            Kpi::EscalationRate,
            ratio(tally.escalated_tickets as f64, tally.first_handled as f64),
        ),
        (
            Kpi::MisrouteRate,
            ratio(tally.misrouted_tickets as f64, tally.first_handled as f64),
        ),
        (Kpi::Occupancy, ratio(busy, available)),
        (Kpi::TicketsPerAgentDay, ratio(handled as f64, agent_days)),
        (Kpi::LoadBalanceCv, ratio(cv_weighted, handled as f64)),
        (Kpi::BacklogEnd, tally.backlog_end as f64),
        (Kpi::CostTotal, cost.total),
        (Kpi::CostPerIncident, ratio(cost.total, resolved)),
        (Kpi::CostPerContact, ratio(cost.total, offered as f64)),
    ];
    let mut overall = overall;
    overall.extend(cost_kpis(
        &cost.parts(),
        Some(cost.abandon),
        cost.total,
        window_days,
    ));
    RunKpis {
        overall,
        lines,
        channels,
        types,
    }
}

/// The KPIs of a cost split, after `cost_total`: each part (`cost_wages`,
/// `cost_overhead`, `cost_training`, `cost_overtime`, `cost_vendor`, and
/// for the whole desk `cost_abandon`, the revenue lost to abandons), then
/// `cost_per_month` and `cost_per_year`: the total scaled from the measured
/// window (`window_days`) to a 30.4-day month and a 365-day year.
fn cost_kpis(parts: &LineCost, abandon: Option<f64>, total: f64, window_days: f64) -> KpiValues {
    let per_day = if window_days > 0.0 {
        total / window_days
    } else {
        f64::NAN
    };
    let mut out = vec![
        (Kpi::CostWages, parts.wages),
        (Kpi::CostOverhead, parts.overhead),
        (Kpi::CostTraining, parts.training),
        (Kpi::CostOvertime, parts.overtime),
        (Kpi::CostVendor, parts.vendor),
    ];
    if let Some(a) = abandon {
        out.push((Kpi::CostAbandon, a));
    }
    out.push((
        Kpi::CostPerMonth,
        per_day * crate::economics::DAYS_PER_MONTH,
    ));
    out.push((Kpi::CostPerYear, per_day * crate::economics::DAYS_PER_YEAR));
    out
}
