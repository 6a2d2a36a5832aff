//! Contact logs: writing the event log of a run (one row per contact), and reading any contact log back (the event log's layout, or another through a mapping) for `staffsim fit`.

pub mod contacts;
pub mod events;
pub mod mapping;

pub use contacts::{
    Contact, ContactReader, DROP_REASONS, Names, Outcome, ReadOptions, RowCounts, read_log,
};
pub use mapping::Mapping;
