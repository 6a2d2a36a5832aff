//! A results directory: every file written atomically, an existing
//! non-empty directory refused unless replacing was asked for.

use super::write_atomic;
use crate::error::{Error, Result};
use std::path::Path;

/// Writes `files` (name, bytes) into `dir`, creating it. Refuses a
/// directory that exists and is not empty unless `force`; with `force`,
/// each file is replaced atomically, so a reader sees the old file or the
/// new one, never a part.
pub fn write_dir(dir: &Path, force: bool, files: &[(&str, Vec<u8>)]) -> Result<()> {
    let err = |source| Error::Write {
        path: dir.to_path_buf(),
        source,
    };
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(err)?;
        if entries.next().is_some() && !force {
            return Err(Error::OutputExists {
                path: dir.to_path_buf(),
            });
        }
    } else {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    for (name, bytes) in files {
        write_atomic(&dir.join(name), bytes)?;
    }
    Ok(())
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // civil-from-days (Howard Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_non_empty_directory_without_force() {
        let tmp = tempfile::tempdir().unwrap();
        write_dir(tmp.path(), false, &[("a.txt", b"1".to_vec())]).unwrap();
        let again = write_dir(tmp.path(), false, &[("a.txt", b"2".to_vec())]);
        assert!(matches!(again, Err(Error::OutputExists { .. })));
        assert_eq!(std::fs::read(tmp.path().join("a.txt")).unwrap(), b"1");
        write_dir(tmp.path(), true, &[("a.txt", b"2".to_vec())]).unwrap();
        assert_eq!(std::fs::read(tmp.path().join("a.txt")).unwrap(), b"2");
    }

    #[test]
    fn date_format() {
        let d = utc_now();
        assert_eq!(d.len(), 20);
        assert!(d.starts_with("20") && d.ends_with('Z'));
    }
}
