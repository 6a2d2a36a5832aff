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

/// Every problem of one scenario file, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        let n = self.0.len();
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
    /// An option given on the command line is out of range.
    #[error("{option}: {message}")]
    BadOption {
        /// The option, as the user wrote it (`--replications`).
        option: String,
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
                | Error::BadOption { .. }
                | Error::Optimize(_)
                | Error::Merge { .. }
        )
    }
}

/// The library's result type.
pub type Result<T> = std::result::Result<T, Error>;
