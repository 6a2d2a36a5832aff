//! The JSON results document of the results contract.

use super::Exporter;
use crate::experiment::Results;

/// Pretty-printed JSON: `{"scenarios": [{"name", "replications", "kpis", "lines", "channels"}]}`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Json;

impl Exporter for Json {
    fn render(&self, results: &Results) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(results).expect("results serialize to JSON");
        out.push(b'\n');
        out
    }
}
