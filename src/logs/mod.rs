//! Contact logs: writing the event log of a run (one row per contact), in the layout `staffsim fit` reads back.

pub mod events;
