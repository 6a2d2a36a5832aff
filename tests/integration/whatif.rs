//! whatif tests.
