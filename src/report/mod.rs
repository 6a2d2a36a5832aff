//! Exporters turn results into bytes (no I/O); [`ResultsDir`] puts a command's [`Document`] in a results directory.

mod agents;
pub mod charts;
mod csv;
mod erlang;
mod html;
mod intervals;
mod json;
mod outdir;
mod plan;
mod results;
mod table;
mod terminal;
pub mod words;

pub use agents::AgentsCsv;
pub use csv::Csv;
pub(crate) use csv::text as csv_text;
pub use html::HtmlReport;
pub use intervals::IntervalsCsv;
pub use json::Json;
pub use outdir::{refuse_existing, utc_now, write_dir};
pub use plan::OptimizeReport;
pub use results::{Document, Format, OptimizeOutput, Provenance, ResultsDir, RunOutput};
pub use table::Table;
pub use terminal::printable;

use crate::experiment::Results;

/// Renders results in one format.
pub trait Exporter {
    /// The rendered document.
    fn render(&self, results: &Results) -> Vec<u8>;
}
