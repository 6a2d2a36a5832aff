//! staffsim: a discrete-event simulator of a help desk that predicts waits,
//! abandonment, service level, resolution and load for a staffing plan.
//!
//! Layers, each using only those above it: [`engine`] (generic
//! discrete-event kernel), [`scenario`] (TOML format, validation),
//! [`model`] (the support center), [`stats`] (tallies, confidence
//! intervals), [`economics`] (costs), [`kpi`] (the typed KPIs, measured
//! from a replication's tallies), [`targets`] (judging results against targets),
//! [`experiment`] (parallel replications), [`analytic`]
//! (queueing formulas), [`feasibility`] (targets no staffing can meet),
//! [`optimize`] (the staffing search), [`forecast`] (volumes from history), [`report`] (exporters), [`logs`]
//! (the event log). The library never prints,
//! exits or parses command lines.

#![warn(missing_docs)]

pub mod analytic;
pub mod calculator;
pub mod economics;
pub mod engine;
pub mod error;
pub mod experiment;
pub mod feasibility;
pub mod forecast;
pub mod kpi;
pub mod logs;
pub mod model;
pub mod optimize;
pub mod report;
pub mod scenario;
pub mod shard;
pub mod stats;
pub mod targets;

pub use error::{Error, Result};
