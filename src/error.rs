//! The library's one error type: every message names the file, and for
//! scenario problems the key, line and column.

use std::fmt;
use std::path::PathBuf;

/// One problem found in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line, 0 when the problem has no place in the file.
    pub line: usize,
    /// 1-based column (in characters), 0 when the problem has no place.
    pub column: usize,
    /// The key the problem is about, as a dotted path (`line.L1.handle.mean`).
    pub key: String,
    /// What is wrong and, where possible, how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        } else {
            write!(f, "{}: ", self.file)?;
        }
        if self.key.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.key, self.message)
        }
    }
}

/// The problems of one scenario file, in file order: at most
/// [`Problems::MAX_LISTED`] of them listed, and how many more were found.
///
/// A file with thousands of mistakes (a generated file gone wrong) is
/// reported in a bounded number of lines, and the work spent on each
/// problem beyond the listed ones is only counting it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Problems(pub Vec<Problem>, pub usize);

impl Problems {
    /// Most problems listed; the rest are counted.
    pub const MAX_LISTED: usize = 100;

    /// Lists `p`, or counts it when the list is full.
    pub fn push(&mut self, p: Problem) {
        if self.0.len() < Self::MAX_LISTED {
            self.0.push(p);
        } else {
            self.1 += 1;
        }
    }

    /// True when the list is full: a further problem is only counted.
    pub fn full(&self) -> bool {
        self.0.len() >= Self::MAX_LISTED
    }

    /// True when no problem was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty() && self.1 == 0
    }

    /// Every problem found, listed or not.
    pub fn total(&self) -> usize {
        self.0.len() + self.1
    }

    /// Sorts the listed problems in file order (those without a place last).
    pub fn sort(&mut self) {
        self.0.sort_by_key(|p| (p.line == 0, p.line, p.column));
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        let n = self.total();
        if self.1 > 0 {
            let file = self.0.first().map(|p| p.file.as_str()).unwrap_or("");
            write!(
                f,
                "\n{file}: and {} more problems, not listed (the first {} are)",
                self.1,
                self.0.len()
            )?;
        }
        if n > 1 {
            write!(f, "\n{n} problems found")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A scenario file is malformed or inconsistent; all problems are listed.
    #[error("{0}")]
    Scenario(Problems),
    /// An output file or directory could not be written.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An output directory exists and is not empty, and overwriting was not allowed.
    #[error("{}: the directory exists and is not empty; pass --force to replace its results", path.display())]
    OutputExists {
        /// The directory.
        path: PathBuf,
    },
    /// A results directory cannot be written as asked without harming files
    /// staffsim did not write (a mount point inside it, a file of the user's
    /// where a result would go).
    #[error("{}: {message}", path.display())]
    OutputRefused {
        /// The directory or the entry at fault.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// A volume history (`staffsim forecast`) cannot be read or is too
    /// short; the message names the file, and the row and column where
    /// there is one.
    #[error("{message}")]
    History {
        /// What is wrong, starting with the file.
        message: String,
    },
    /// Shards cannot be merged.
    #[error("{}: cannot merge: {message}", path.display())]
    Merge {
        /// The shard directory or file at fault.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The optimizer cannot work on this scenario.
    #[error("{0}")]
    Optimize(#[from] crate::optimize::OptimizeError),
    /// `validate --strict` found warnings (they are printed before).
    #[error("{}: {warnings} warning(s), and --strict makes any warning an error", path.display())]
    Strict {
        /// The scenario file.
        path: PathBuf,
        /// How many warnings.
        warnings: usize,
    },
    /// A contact log (or its mapping file) cannot be read as asked: the
    /// file, the row (1 is the header; 0 when the problem has no row) and
    /// the column (empty when it has none). The log's cells are never
    /// quoted: the file may be any file of the machine.
    #[error("{}{}: {message}", path.display(), log_place(*row, column))]
    Log {
        /// The log or mapping file.
        path: PathBuf,
        /// 1-based row (the header is row 1), 0 when none.
        row: u64,
        /// The column's name, empty when none.
        column: String,
        /// What is wrong.
        message: String,
    },
    /// A setting given to the library (by the command line, an option of
    /// it) is out of range.
    #[error("{setting}: {message}")]
    BadSetting {
        /// The setting, as the library names it (`replications`,
        /// `max_agents`); a front end shows it in its own words (the
        /// command line as `--replications`, `--max-agents`).
        setting: String,
        /// What is wrong.
        message: String,
    },
}

impl Error {
    /// True when the error is the user's input (exit code 2) rather than a
    /// failure of the machine (exit code 1).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            Error::Read { .. }
                | Error::Scenario(_)
                | Error::OutputExists { .. }
                | Error::OutputRefused { .. }
                | Error::BadSetting { .. }
                | Error::Optimize(_)
                | Error::Merge { .. }
                | Error::Strict { .. }
                | Error::Log { .. }
                | Error::History { .. }
        )
    }
}

/// `, row R, column "C"` for a log error's place (either part left out
/// when unknown).
fn log_place(row: u64, column: &str) -> String {
    let mut s = String::new();
    if row > 0 {
        s.push_str(&format!(": row {row}"));
    }
    if !column.is_empty() {
        s.push_str(if row > 0 { ", " } else { ": " });
        s.push_str(&format!("column \"{column}\""));
    }
    s
}

/// The library's result type.
pub type Result<T> = std::result::Result<T, Error>;
