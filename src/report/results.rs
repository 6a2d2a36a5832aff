//! The one results writer: a command's answer is a [`Document`] that renders itself, and [`ResultsDir`] puts it in a results directory.
//!
//! # Plugging in a new command (`fit`, `forecast`, `plan`, `schedule`)
//!
//! 1. The command's library module hands back a value (its answer, plus
//!    what rendering needs: the base scenario, say). Implement
//!    [`Document`] for it: [`Document::table`] and [`Document::json`]
//!    always, [`Document::csv`] where rows make sense, and
//!    [`Document::files`] for what its results directory holds (its
//!    `report.html` among them, a page of [`super::html`]'s layout).
//!    Rendering is pure: bytes, no I/O, no printing.
//! 2. The command line then does only this: [`Provenance::new`] with the
//!    scenario text it read once, [`ResultsDir::refuse_existing`] with
//!    [`Document::files`]' names before the (long) work,
//!    [`ResultsDir::write`] after it, and [`Document::render`] in the
//!    `--format` asked for on standard output.
//!
//! The writer gives every command the same safety: the directory is built
//! whole under a temporary name and swapped in (never half-written),
//! `--force` replaces only the files a manifest lists as staffsim's, the
//! modes of what is replaced are kept, one writer at a time (a lock), and
//! the input scenario is never deleted (see [`write_dir`]). The manifest
//! ([`MANIFEST`]) records what was run (file, SHA-256 of its text, seed,
//! replications, scenarios, date) and the files written.

use super::outdir::MANIFEST;
use super::{
    AgentsCsv, Csv, Exporter, HtmlReport, IntervalsCsv, Json, OptimizeReport, Table, charts,
    printable, refuse_existing, utc_now, write_dir,
};
use crate::calculator::{Calculation, ScenarioRequirement};
use crate::error::{Error, Result};
use crate::experiment::Results;
use crate::optimize::Outcome;
use crate::scenario::{Scenario, WEEKDAYS};
use std::path::Path;

/// The formats a [`Document`] renders to for standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A table for people.
    Table,
    /// The JSON document.
    Json,
    /// CSV rows.
    Csv,
}

/// A command's answer, as a value that renders itself in every format it
/// has, and lists the files of its results directory.
pub trait Document {
    /// A table for people (terminal escapes in names already shown, not sent).
    fn table(&self) -> Vec<u8>;
    /// The JSON document, ending with a new line.
    fn json(&self) -> Vec<u8>;
    /// CSV rows, or `None` when the command has no CSV form.
    fn csv(&self) -> Option<Vec<u8>> {
        None
    }
    /// The files of the results directory (relative name, bytes), without
    /// the manifest, which [`ResultsDir::write`] adds; `made` says what was
    /// run and when.
    fn files(&self, made: &Provenance) -> Result<Vec<(String, Vec<u8>)>>;

    /// The document in `format`; an error names the format when this
    /// command has no such form.
    fn render(&self, format: Format) -> Result<Vec<u8>> {
        match format {
            Format::Table => Ok(self.table()),
            Format::Json => Ok(self.json()),
            Format::Csv => self.csv().ok_or_else(|| Error::BadSetting {
                setting: "format".into(),
                message: "this command has no CSV form; use table or json".into(),
            }),
        }
    }
}

/// What a result was made from, and when: the manifest's record, and the
/// file, text and date the HTML pages show.
#[derive(Debug, Clone)]
pub struct Provenance<'a> {
    /// The scenario file, as the user named it.
    pub file: &'a Path,
    /// The scenario text simulated (read once, before the work).
    pub source: &'a str,
    /// The scenarios run (their seed, replications and names).
    pub scenarios: &'a [Scenario],
    /// When the result was made (`YYYY-MM-DDTHH:MM:SSZ`).
    pub date: String,
}

impl<'a> Provenance<'a> {
    /// The provenance of a result made now.
    pub fn new(file: &'a Path, source: &'a str, scenarios: &'a [Scenario]) -> Self {
        Provenance {
            file,
            source,
            scenarios,
            date: utc_now(),
        }
    }

    /// The file as the pages and the manifest name it.
    pub fn file_name(&self) -> String {
        self.file.display().to_string()
    }

    /// The manifest's record of the run (the writer adds the files).
    fn manifest(&self) -> Vec<u8> {
        let manifest = serde_json::json!({
            "staffsim_version": env!("CARGO_PKG_VERSION"),
            "scenario_file": self.file_name(),
            "scenario_sha256": crate::shard::sha256_hex(self.source.as_bytes()),
            "seed": self.scenarios.first().map(|s| s.seed),
            "replications": self.scenarios.iter().map(|s| s.replications).collect::<Vec<_>>(),
            "scenarios": self.scenarios.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
            "date": self.date,
        });
        let mut bytes = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

/// A results directory (`--out`) and whether its earlier results may be
/// replaced (`--force`).
#[derive(Debug, Clone, Copy)]
pub struct ResultsDir<'a> {
    /// The directory.
    pub dir: &'a Path,
    /// Replace the results staffsim wrote there before.
    pub force: bool,
}

impl ResultsDir<'_> {
    /// Refuses, before the work is spent, a directory [`ResultsDir::write`]
    /// would refuse for the top-level `names` (see [`refuse_existing`]).
    pub fn refuse_existing(&self, names: &[&str]) -> Result<()> {
        refuse_existing(self.dir, self.force, names)
    }

    /// Writes `doc`'s files and the manifest of `made` as the directory,
    /// atomically (see [`write_dir`]).
    pub fn write(&self, made: &Provenance, doc: &dyn Document) -> Result<()> {
        let mut files = doc.files(made)?;
        files.push((MANIFEST.to_string(), made.manifest()));
        write_dir(self.dir, self.force, &files)
    }
}

/// The answer of `staffsim run` (and `merge`, `report`).
#[derive(Debug, Clone, Copy)]
pub struct RunOutput<'a> {
    /// The results of every scenario.
    pub results: &'a Results,
    /// With charts and `report.html` in the results directory: `Some`, with
    /// the weekday the intraday chart shows (`None`: Monday to Friday).
    pub charts: Option<Option<&'a str>>,
}

impl RunOutput<'_> {
    /// The top-level files a run writes that may be known before it runs
    /// (the scenario copy is left out: a user's identical file is kept).
    pub fn planned(charts: bool) -> Vec<&'static str> {
        let mut names = vec!["summary.json", "kpis.csv", "agents.csv", "intervals.csv"];
        if charts {
            names.push("report.html");
        }
        names
    }
}

impl Document for RunOutput<'_> {
    fn table(&self) -> Vec<u8> {
        Table.render(self.results)
    }

    fn json(&self) -> Vec<u8> {
        Json.render(self.results)
    }

    fn csv(&self) -> Option<Vec<u8>> {
        Some(Csv.render(self.results))
    }

    fn files(&self, made: &Provenance) -> Result<Vec<(String, Vec<u8>)>> {
        let mut files: Vec<(String, Vec<u8>)> = [
            ("summary.json", self.json()),
            ("kpis.csv", Csv.render(self.results)),
            ("agents.csv", AgentsCsv.render(self.results)),
            ("intervals.csv", IntervalsCsv.render(self.results)),
            ("scenario.toml", made.source.as_bytes().to_vec()),
        ]
        .map(|(name, bytes)| (name.to_string(), bytes))
        .to_vec();
        let (Some(day), Some(base)) = (self.charts, made.scenarios.first()) else {
            return Ok(files);
        };
        let day = day.and_then(|d| WEEKDAYS.iter().copied().find(|w| *w == d));
        let rendered = charts::render_all_for_day(self.results, base, day)?;
        for c in &rendered {
            files.push((format!("charts/{}.svg", c.id), c.svg.clone().into_bytes()));
            files.push((format!("charts/{}.png", c.id), c.png.clone()));
        }
        let html = HtmlReport {
            base,
            file: &made.file_name(),
            source: made.source,
            date: &made.date,
            charts: &rendered,
        }
        .render(self.results);
        files.push(("report.html".into(), html));
        Ok(files)
    }
}

/// The answer of `staffsim optimize`.
#[derive(Debug, Clone, Copy)]
pub struct OptimizeOutput<'a> {
    /// The scenario optimized.
    pub base: &'a Scenario,
    /// The search's answer.
    pub outcome: &'a Outcome,
}

impl OptimizeOutput<'_> {
    /// The top-level files `optimize --out` writes.
    pub const PLANNED: [&'static str; 2] = ["optimize.json", "report.html"];
}

impl Document for OptimizeOutput<'_> {
    fn table(&self) -> Vec<u8> {
        let table = crate::optimize::render_table(self.base, self.outcome);
        printable(&table).into_owned().into_bytes()
    }

    fn json(&self) -> Vec<u8> {
        to_json(self.outcome)
    }

    fn files(&self, made: &Provenance) -> Result<Vec<(String, Vec<u8>)>> {
        let html = OptimizeReport {
            base: self.base,
            file: &made.file_name(),
            source: made.source,
            date: &made.date,
        }
        .render(self.outcome);
        Ok(vec![
            ("optimize.json".into(), self.json()),
            ("report.html".into(), html),
        ])
    }
}

/// Pretty JSON with a final new line.
fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The files of a calculator's answer: the JSON document, `erlang.json`.
fn erlang_files(json: Vec<u8>) -> Result<Vec<(String, Vec<u8>)>> {
    Ok(vec![("erlang.json".into(), json)])
}

impl Document for Calculation {
    fn table(&self) -> Vec<u8> {
        printable(&Calculation::table(self))
            .into_owned()
            .into_bytes()
    }

    fn json(&self) -> Vec<u8> {
        Calculation::json(self).into_bytes()
    }

    fn files(&self, _made: &Provenance) -> Result<Vec<(String, Vec<u8>)>> {
        erlang_files(Document::json(self))
    }
}

impl Document for ScenarioRequirement {
    fn table(&self) -> Vec<u8> {
        ScenarioRequirement::table(self).into_bytes()
    }

    fn json(&self) -> Vec<u8> {
        ScenarioRequirement::json(self).into_bytes()
    }

    fn files(&self, _made: &Provenance) -> Result<Vec<(String, Vec<u8>)>> {
        erlang_files(Document::json(self))
    }
}
