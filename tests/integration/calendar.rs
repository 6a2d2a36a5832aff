//! calendar tests.
