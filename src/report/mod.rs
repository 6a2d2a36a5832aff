//! Exporters turn results into bytes (no I/O); [`write_atomic`] puts bytes in a file.

mod agents;
pub mod charts;
mod csv;
mod erlang;
mod html;
mod intervals;
mod json;
mod outdir;
mod plan;
mod table;

pub use agents::AgentsCsv;
pub use csv::Csv;
pub use html::HtmlReport;
pub use intervals::IntervalsCsv;
pub use json::Json;
pub use outdir::{utc_now, write_dir};
pub use plan::OptimizeReport;
pub use table::Table;

use crate::error::{Error, Result};
use crate::experiment::Results;
use std::io::Write;
use std::path::Path;

/// Renders results in one format.
pub trait Exporter {
    /// The rendered document.
    fn render(&self, results: &Results) -> Vec<u8>;
}

/// Writes `bytes` to `path` through a temporary file in the same directory
/// and a rename, so a reader never sees a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}
