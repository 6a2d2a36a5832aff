//! Simulation time as an integer count of microseconds: exact ties, no float drift.

use std::fmt;
use std::ops::{Add, Sub};

/// A point in (or span of) simulated time, in whole microseconds.
///
/// 2^64 microseconds is about 584,000 years, far beyond any horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(pub u64);

/// Microseconds in one second.
pub const MICROS_PER_SEC: u64 = 1_000_000;

impl SimTime {
    /// Time zero.
    pub const ZERO: SimTime = SimTime(0);
    /// The largest representable time.
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// Whole seconds.
    pub const fn from_secs(s: u64) -> SimTime {
        SimTime(s * MICROS_PER_SEC)
    }

    /// Seconds as a float, rounded to the nearest microsecond; negative or NaN
    /// values give zero, huge values saturate.
    #[inline]
    pub fn from_secs_f64(s: f64) -> SimTime {
        let us = (s * MICROS_PER_SEC as f64).round();
        if us >= u64::MAX as f64 {
            SimTime::MAX
        } else if us > 0.0 {
            SimTime(us as u64)
        } else {
            SimTime::ZERO
        }
    }

    /// This time in seconds.
    #[inline]
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / MICROS_PER_SEC as f64
    }

    /// Addition that stops at [`SimTime::MAX`].
    #[inline]
    pub fn saturating_add(self, other: SimTime) -> SimTime {
        SimTime(self.0.saturating_add(other.0))
    }

    /// Subtraction that stops at zero.
    #[inline]
    pub fn saturating_sub(self, other: SimTime) -> SimTime {
        SimTime(self.0.saturating_sub(other.0))
    }
}

impl Add for SimTime {
    type Output = SimTime;
    #[inline]
    fn add(self, rhs: SimTime) -> SimTime {
        SimTime(self.0 + rhs.0)
    }
}

impl Sub for SimTime {
    type Output = SimTime;
    #[inline]
    fn sub(self, rhs: SimTime) -> SimTime {
        SimTime(self.0 - rhs.0)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}s", self.as_secs_f64())
    }
}
