//! Integration tests, built into one test binary.

mod bad_input;
mod calendar;
mod channels;
mod cli;
mod crn;
mod determinism;
mod erlang;
mod events;
mod golden;
mod helpdesk;
mod inputs;
mod merge_input;
mod model_bounds;
mod occupancy;
mod optimize;
mod outdir;
mod properties;
mod replay;
mod report;
mod robustness;
mod shard;
mod shift_rules;
mod statistical;
mod util;
mod whatif;
mod wrap_up;
