//! The scenario: the typed, validated model a planner describes in TOML.
//!
//! Loading ([`load_file`], [`load_str`]) reads the TOML, reports every
//! problem at once with file, key, line and column, and resolves every name
//! to an index, so nothing later looks up strings or re-checks values.

pub mod duration;
mod load;
pub mod variants;

pub use load::{load_file, load_str};
pub use variants::{load_experiment, load_experiment_str};

use crate::engine::{Dist, SimTime};

/// The service-level threshold used for a channel that sets none (the "80/20" rule).
pub const DEFAULT_ANSWER_WITHIN_SECS: f64 = 20.0;

/// The default cap on tickets in the system at once, per replication.
pub const DEFAULT_MAX_IN_SYSTEM: u32 = 1_000_000;

/// A validated scenario, ready to simulate.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The scenario's name (`simulation.name`, else `base`).
    pub name: String,
    /// The file it came from, as the user named it.
    pub file: String,
    /// Simulated span.
    pub horizon: SimTime,
    /// Span at the start discarded from every KPI.
    pub warmup: SimTime,
    /// Independent runs.
    pub replications: u32,
    /// Seed of every random stream.
    pub seed: u64,
    /// A replication stops, and the scenario is marked unstable, when more
    /// tickets than this are open at once.
    pub max_in_system: u32,
    /// Contact channels.
    pub channels: Vec<Channel>,
    /// Arrival streams, at most one per channel.
    pub arrivals: Vec<Arrival>,
    /// Support lines, in file order.
    pub lines: Vec<Line>,
}

/// A contact channel (phone, chat, email, ...).
#[derive(Debug, Clone)]
pub struct Channel {
    /// The channel's name.
    pub name: String,
    /// How long a customer waits for a first answer before leaving; `None`: nobody leaves.
    pub patience: Option<Dist>,
    /// The service-level threshold ("answered within").
    pub answer_within: SimTime,
    /// The service-level target share, if the scenario states one.
    pub service_level_target: Option<f64>,
    /// Index of the line that takes this channel's first contacts.
    pub line: usize,
}

/// Poisson arrivals on one channel.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// Index of the channel.
    pub channel: usize,
    /// Mean arrivals per hour.
    pub per_hour: f64,
}

/// A support line (L1, L2, ...): a pool of agents with one queue.
#[derive(Debug, Clone)]
pub struct Line {
    /// The line's name.
    pub name: String,
    /// Channels whose first contacts this line takes.
    pub channels: Vec<usize>,
    /// Agents always on duty.
    pub agents: u32,
    /// Handling time of one contact.
    pub handle: Dist,
    /// Probability that the line resolves a ticket; the rest escalate.
    pub resolve: f64,
    /// Where unresolved tickets go.
    pub escalates_to: Option<usize>,
}

impl Scenario {
    /// Length of the measured window (horizon minus warm-up).
    pub fn window(&self) -> SimTime {
        self.horizon.saturating_sub(self.warmup)
    }

    /// Index of the line named `name`.
    pub fn line_index(&self, name: &str) -> Option<usize> {
        self.lines.iter().position(|l| l.name == name)
    }

    /// Index of the channel named `name`.
    pub fn channel_index(&self, name: &str) -> Option<usize> {
        self.channels.iter().position(|c| c.name == name)
    }

    /// Long-run arrival rate (per second) at each line, escalations
    /// included: the traffic equations of the line network.
    pub fn line_arrival_rates(&self) -> Vec<f64> {
        let mut rate = vec![0.0; self.lines.len()];
        for a in &self.arrivals {
            let mut line = Some(self.channels[a.channel].line);
            let mut flow = a.per_hour / 3600.0;
            // escalation chains are acyclic (validated), so this ends
            while let Some(l) = line {
                rate[l] += flow;
                flow *= 1.0 - self.lines[l].resolve;
                line = self.lines[l].escalates_to;
            }
        }
        rate
    }
}
