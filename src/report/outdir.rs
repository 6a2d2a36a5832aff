//! A results directory, written whole into a temporary sibling and swapped in, so it is never half-written.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The names staffsim writes at the top of a results directory. With
/// `force`, these are dropped from the old directory (a chart of an older
/// run must not sit beside newer results); anything else found there is
/// kept.
pub const OUTPUT_NAMES: [&str; 10] = [
    "summary.json",
    "kpis.csv",
    "agents.csv",
    "intervals.csv",
    "scenario.toml",
    "manifest.json",
    "charts",
    "report.html",
    "shard.json",
    "optimize.json",
];

/// Refuses `dir` when it exists and is not empty, unless `force`: the check
/// [`write_dir`] makes, for a caller to make before doing the work.
pub fn refuse_existing(dir: &Path, force: bool) -> Result<()> {
    let not_empty = std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some());
    if not_empty && !force {
        return Err(Error::OutputExists {
            path: dir.to_path_buf(),
        });
    }
    Ok(())
}

/// Writes `files` (relative name, bytes; a name may hold `/`, as in
/// `charts/a.svg`) as the directory `dir`.
///
/// A directory that exists and is not empty is refused unless `force`.
/// The files are written and synced in a temporary directory beside
/// `dir`, which then takes the place of `dir` in one step (an atomic
/// exchange where the system has one); so a reader, or a run killed at any
/// moment, sees the previous directory or the complete new one, never a
/// mix. Entries of the previous directory that staffsim did not write are
/// carried over; its own earlier outputs are not.
pub fn write_dir<N: AsRef<str>>(dir: &Path, force: bool, files: &[(N, Vec<u8>)]) -> Result<()> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    refuse_existing(dir, force)?;
    let exists = dir.is_dir();
    let dir = if exists {
        std::fs::canonicalize(dir).map_err(err(dir))?
    } else {
        dir.to_path_buf()
    };
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(err(&parent))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "results".into());
    let prefix = format!(".{name}.staffsim-");
    remove_leftovers(&parent, &prefix);
    let tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .tempdir_in(&parent)
        .map_err(err(&parent))?;
    for (file, bytes) in files {
        let file = file.as_ref();
        let path = tmp.path().join(file);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(err(&dir.join(file)))?;
        }
        let mut f = std::fs::File::create(&path).map_err(err(&dir.join(file)))?;
        f.write_all(bytes).map_err(err(&dir.join(file)))?;
        f.sync_all().map_err(err(&dir.join(file)))?;
    }
    if exists {
        let written: Vec<&str> = files
            .iter()
            .map(|(f, _)| f.as_ref().split('/').next().unwrap_or(f.as_ref()))
            .collect();
        for entry in std::fs::read_dir(&dir).map_err(err(&dir))? {
            let entry = entry.map_err(err(&dir))?;
            let entry_name = entry.file_name();
            let entry_name = entry_name.to_string_lossy();
            if OUTPUT_NAMES.contains(&entry_name.as_ref()) || written.contains(&entry_name.as_ref())
            {
                continue;
            }
            carry_over(&entry.path(), &tmp.path().join(entry.file_name()))
                .map_err(err(&entry.path()))?;
        }
    }
    let tmp = tmp.keep();
    if let Err(e) = std::fs::File::open(&tmp).and_then(|d| d.sync_all()) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(err(&dir)(e));
    }
    let swapped = if exists {
        exchange(&tmp, &dir)
    } else {
        std::fs::rename(&tmp, &dir)
    };
    if let Err(e) = swapped {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(err(&dir)(e));
    }
    // after an exchange the temporary name holds the previous directory
    let _ = std::fs::remove_dir_all(&tmp);
    if let Ok(d) = std::fs::File::open(&parent) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Removes temporary directories a killed earlier write left beside the
/// results directory.
fn remove_leftovers(parent: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(prefix) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Gives `to` the contents of `from` without touching `from`: hard links
/// for files (a copy where linking fails), recursively for directories.
fn carry_over(from: &Path, to: &Path) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(from)?;
    if meta.is_dir() {
        std::fs::create_dir(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            carry_over(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else if meta.file_type().is_symlink() {
        let target = std::fs::read_link(from)?;
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(target, to)
        }
        #[cfg(not(unix))]
        {
            let _ = target;
            std::fs::copy(from, to).map(|_| ())
        }
    } else {
        std::fs::hard_link(from, to).or_else(|_| std::fs::copy(from, to).map(|_| ()))
    }
}

/// Swaps the directories `a` and `b` in one step (Linux `renameat2` with
/// `RENAME_EXCHANGE`). Elsewhere, or where the file system cannot, three
/// renames: `b` steps aside, `a` takes its name, the old `b` takes `a`'s.
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let ca = CString::new(a.as_os_str().as_bytes())?;
        let cb = CString::new(b.as_os_str().as_bytes())?;
        // SAFETY: both are valid NUL-terminated paths, relative to the
        // current directory (AT_FDCWD); the call reads nothing else.
        let rc = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                ca.as_ptr(),
                libc::AT_FDCWD,
                cb.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if rc == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        if !matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS)) {
            return Err(e);
        }
    }
    // no atomic exchange: the old directory steps aside, the new one takes
    // its name, and the old one takes the temporary name to be removed
    let aside = a.with_extension("old");
    std::fs::rename(b, &aside)?;
    if let Err(e) = std::fs::rename(a, b) {
        let _ = std::fs::rename(&aside, b);
        return Err(e);
    }
    std::fs::rename(&aside, a)
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
    fn replacing_drops_old_outputs_keeps_other_files_and_leaves_no_temporaries() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        write_dir(
            &dir,
            false,
            &[
                ("summary.json", b"old".to_vec()),
                ("charts/old.svg", b"<svg/>".to_vec()),
            ],
        )
        .unwrap();
        std::fs::write(dir.join("notes.txt"), b"mine").unwrap();
        // a temporary directory a killed write left behind
        std::fs::create_dir(tmp.path().join(".out.staffsim-dead")).unwrap();
        write_dir(&dir, true, &[("summary.json", b"new".to_vec())]).unwrap();
        assert_eq!(std::fs::read(dir.join("summary.json")).unwrap(), b"new");
        assert_eq!(std::fs::read(dir.join("notes.txt")).unwrap(), b"mine");
        assert!(!dir.join("charts").exists(), "an older run's chart stayed");
        let names: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["out"]);
    }

    #[test]
    fn a_new_directory_gets_nested_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b");
        write_dir(&dir, false, &[("charts/x.svg", b"1".to_vec())]).unwrap();
        assert_eq!(std::fs::read(dir.join("charts/x.svg")).unwrap(), b"1");
        // an empty existing directory needs no --force
        let empty = tmp.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        write_dir(&empty, false, &[("k.csv", b"2".to_vec())]).unwrap();
        assert_eq!(std::fs::read(empty.join("k.csv")).unwrap(), b"2");
    }

    #[test]
    fn date_format() {
        let d = utc_now();
        assert_eq!(d.len(), 20);
        assert!(d.starts_with("20") && d.ends_with('Z'));
    }
}
