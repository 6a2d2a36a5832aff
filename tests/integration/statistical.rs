//! statistical tests.
