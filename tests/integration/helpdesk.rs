//! helpdesk tests.
