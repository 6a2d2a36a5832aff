//! Integration tests, built into one test binary.

mod bad_input;
mod cli;
mod determinism;
mod statistical;
mod util;
