//! Non-homogeneous Poisson arrivals with a periodic, piecewise-constant rate,
//! sampled exactly by inverting the cumulative intensity.

use super::{SimTime, Stream};
use rand_distr::{Distribution, Exp1};

/// A rate that repeats every `slots.len()` slots of `slot` length each
/// (a week of minutes, say). Rates are events per second.
#[derive(Debug, Clone)]
pub struct PeriodicRate {
    slot_us: u64,
    rates: Vec<f64>,
    /// Whether some slot has a positive rate (checked once, not per draw).
    any_positive: bool,
}

impl PeriodicRate {
    /// A rate from its slots; `None` when the slot length is zero, there are
    /// no slots, or a rate is negative or not finite.
    pub fn new(slot: SimTime, rates: Vec<f64>) -> Option<PeriodicRate> {
        if slot.0 == 0 || rates.is_empty() || rates.iter().any(|r| !r.is_finite() || *r < 0.0) {
            return None;
        }
        let any_positive = rates.iter().any(|&r| r > 0.0);
        Some(PeriodicRate {
            slot_us: slot.0,
            rates,
            any_positive,
        })
    }

    /// A constant rate (events per second).
    pub fn constant(per_second: f64) -> Option<PeriodicRate> {
        Self::new(SimTime::from_secs(86_400), vec![per_second])
    }

    /// Length of one slot.
    pub fn slot(&self) -> SimTime {
        SimTime(self.slot_us)
    }

    /// The rate (events per second) in every slot of one period.
    pub fn rates(&self) -> &[f64] {
        &self.rates
    }

    /// Expected events in [from, to), each slot's rate multiplied by
    /// `scale(absolute slot index)`.
    pub fn expected(&self, from: SimTime, to: SimTime, mut scale: impl FnMut(u64) -> f64) -> f64 {
        let mut t = from.0;
        let mut total = 0.0;
        while t < to.0 {
            let k = t / self.slot_us;
            let end = ((k + 1) * self.slot_us).min(to.0);
            total +=
                self.rates[(k % self.rates.len() as u64) as usize] * scale(k) * (end - t) as f64
                    / 1e6;
            t = end;
        }
        total
    }

    /// The first event after `now` and before `limit`, or `None`. Each slot's
    /// rate is multiplied by `scale(absolute slot index)` (1 for none),
    /// which lets a caller vary whole days' volumes.
    #[inline]
    pub fn next_after(
        &self,
        now: SimTime,
        limit: SimTime,
        rng: &mut Stream,
        mut scale: impl FnMut(u64) -> f64,
    ) -> Option<SimTime> {
        if !self.any_positive {
            return None;
        }
        let mut need: f64 = Exp1.sample(rng);
        let mut t = now.0;
        // slot and position in the period: divided once, then stepped
        let mut k = t / self.slot_us;
        let mut i = (k % self.rates.len() as u64) as usize;
        while t < limit.0 {
            let end = (k + 1).saturating_mul(self.slot_us);
            let rate = self.rates[i] * scale(k);
            if rate > 0.0 {
                let available = rate * (end - t) as f64 / 1e6;
                if available >= need {
                    let at = t + (need / rate * 1e6).round() as u64;
                    return (at < limit.0).then_some(SimTime(at.min(end)));
                }
                need -= available;
            }
            t = end;
            k += 1;
            i += 1;
            if i == self.rates.len() {
                i = 0;
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream;

    #[test]
    fn counts_follow_the_rate_of_each_slot() {
        // 10 slots of one hour: busy, quiet, closed, ...
        let per_hour = [60.0, 6.0, 0.0, 30.0, 60.0, 0.0, 0.0, 12.0, 24.0, 48.0];
        let rate = PeriodicRate::new(
            SimTime::from_secs(3600),
            per_hour.iter().map(|r| r / 3600.0).collect(),
        )
        .unwrap();
        let periods = 2000u64;
        let limit = SimTime::from_secs(3600 * 10 * periods);
        let mut rng = stream(1, 0, "nhpp");
        let mut counts = [0u64; 10];
        let mut t = SimTime::ZERO;
        while let Some(next) = rate.next_after(t, limit, &mut rng, |_| 1.0) {
            counts[((next.0 / 3_600_000_000) % 10) as usize] += 1;
            t = next;
        }
        for (i, &c) in counts.iter().enumerate() {
            let expected = per_hour[i] * periods as f64;
            let sd = expected.sqrt().max(1.0);
            assert!(
                (c as f64 - expected).abs() < 5.0 * sd,
                "slot {i}: {c} vs {expected}"
            );
        }
        assert_eq!(counts[2], 0);
        assert!(
            (rate.expected(SimTime::ZERO, limit, |_| 1.0) - 240.0 * periods as f64).abs() < 1e-6
        );
    }

    #[test]
    fn a_closed_rate_ends() {
        let rate = PeriodicRate::new(SimTime::from_secs(60), vec![0.0; 10]).unwrap();
        let mut rng = stream(1, 0, "nhpp");
        assert_eq!(
            rate.next_after(SimTime::ZERO, SimTime::from_secs(6000), &mut rng, |_| 1.0),
            None
        );
        assert!(PeriodicRate::new(SimTime::from_secs(60), vec![-1.0]).is_none());
    }
}
