//! A results directory, written whole into a temporary sibling and swapped in, so it is never half-written.
//!
//! The directory's `manifest.json` lists every file staffsim wrote there,
//! with its SHA-256; `--force` replaces exactly those (when unchanged) and
//! keeps everything else: the user's files, the input scenario, a folder
//! holding another file system is refused rather than emptied.

use crate::error::{Error, Result};
use crate::shard::sha256_hex;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// The name of the manifest: what was run, and the files staffsim wrote.
pub const MANIFEST: &str = "manifest.json";

/// The key of the manifest that lists the files staffsim wrote (relative
/// name → SHA-256 of the bytes written).
pub const FILES_KEY: &str = "files";

/// The files every `run --out` wrote beside a manifest before the manifest
/// listed them: proven staffsim's by such a manifest.
const LEGACY_RUN_FILES: [&str; 5] = [
    "summary.json",
    "kpis.csv",
    "agents.csv",
    "intervals.csv",
    MANIFEST,
];

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + use<> {
    let path = path.to_path_buf();
    move |source| Error::Write { path, source }
}

fn refused(path: &Path, message: impl Into<String>) -> Error {
    Error::OutputRefused {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// Refuses `dir` when it exists and is not empty, unless `force`, and
/// refuses a `dir` that is, or holds, a mount point (replacing it would
/// empty another file system), or that holds a file of the user's at one
/// of the top-level `names` the caller will write: the checks [`write_dir`]
/// makes, for a caller to make before doing the work. (A name whose bytes
/// may turn out to be the user file's own, as the scenario copy's, is
/// better left out: [`write_dir`] then keeps that file.)
pub fn refuse_existing(dir: &Path, force: bool, names: &[&str]) -> Result<()> {
    let Ok(meta) = std::fs::metadata(dir) else {
        return Ok(());
    };
    if !meta.is_dir() {
        return Err(refused(dir, "exists and is not a directory"));
    }
    let dir = std::fs::canonicalize(dir).map_err(write_err(dir))?;
    let not_empty = std::fs::read_dir(&dir).is_ok_and(|mut d| d.next().is_some());
    if not_empty && !force {
        return Err(Error::OutputExists { path: dir });
    }
    if let Some(parent) = dir.parent()
        && fs_id(&dir).map_err(write_err(&dir))? != fs_id(parent).map_err(write_err(parent))?
    {
        return Err(refused(
            &dir,
            "is a mount point; staffsim writes a results directory whole and swaps it in, \
             which cannot replace a mount point: give --out a directory inside it",
        ));
    }
    if not_empty {
        find_mounts(&dir, fs_id(&dir).map_err(write_err(&dir))?)?;
        let ours = owned(&dir);
        for name in names.iter().chain(&[MANIFEST]) {
            let path = dir.join(name);
            if path.symlink_metadata().is_ok() && !ours.contains(*name) {
                return Err(user_file(&path));
            }
        }
    }
    Ok(())
}

/// Refuses when anything under `dir` lives on another file system (or
/// another mount of the same one) than `top`.
fn find_mounts(dir: &Path, top: FsId) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(write_err(dir))? {
        let path = entry.map_err(write_err(dir))?.path();
        if fs_id(&path).map_err(write_err(&path))? != top {
            return Err(mount_inside(&path));
        }
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            find_mounts(&path, top)?;
        }
    }
    Ok(())
}

fn mount_inside(path: &Path) -> Error {
    refused(
        path,
        "is a mount point inside the results directory; --force replaces the directory \
         whole and will not empty another file system: unmount it or choose another --out",
    )
}

/// Which file system and which mount an entry is on (not following a
/// symbolic link): the device, and on Linux the mount id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FsId(u64, Option<u64>);

#[cfg(target_os = "linux")]
fn fs_id(path: &Path) -> std::io::Result<FsId> {
    use rustix::fs::{AtFlags, CWD, StatxFlags, statx};
    use std::os::unix::fs::MetadataExt;
    let dev = std::fs::symlink_metadata(path)?.dev();
    let mnt = statx(CWD, path, AtFlags::SYMLINK_NOFOLLOW, StatxFlags::MNT_ID)
        .ok()
        .filter(|s| StatxFlags::from_bits_retain(s.stx_mask).contains(StatxFlags::MNT_ID))
        .map(|s| s.stx_mnt_id);
    Ok(FsId(dev, mnt))
}

#[cfg(all(unix, not(target_os = "linux")))]
fn fs_id(path: &Path) -> std::io::Result<FsId> {
    use std::os::unix::fs::MetadataExt;
    Ok(FsId(std::fs::symlink_metadata(path)?.dev(), None))
}

#[cfg(not(unix))]
fn fs_id(path: &Path) -> std::io::Result<FsId> {
    std::fs::symlink_metadata(path).map(|_| FsId(0, None))
}

/// The files (relative names with `/`) of the existing directory `dir`
/// that staffsim wrote and nobody changed since: those its manifest lists
/// with the SHA-256 they still have. A manifest from before the list
/// proves the files every run wrote beside it, and the scenario copy whose
/// hash it holds; a `shard.json` or `optimize.json` of that time proves
/// itself by its contents. Anything else is the user's.
fn owned(dir: &Path) -> BTreeSet<String> {
    let mut ours = BTreeSet::new();
    let is_file = |name: &str| {
        std::fs::symlink_metadata(dir.join(name)).is_ok_and(|m| m.file_type().is_file())
    };
    let json = |name: &str| -> Option<serde_json::Map<String, serde_json::Value>> {
        if !is_file(name) {
            return None;
        }
        let bytes = std::fs::read(dir.join(name)).ok()?;
        match serde_json::from_slice(&bytes).ok()? {
            serde_json::Value::Object(m) => Some(m),
            _ => None,
        }
    };
    let hash_is = |name: &str, want: &str| {
        is_file(name) && std::fs::read(dir.join(name)).is_ok_and(|b| sha256_hex(&b) == want)
    };
    let manifest = json(MANIFEST).filter(|m| m.contains_key("staffsim_version"));
    match manifest.as_ref().map(|m| m.get(FILES_KEY)) {
        Some(Some(serde_json::Value::Object(files))) => {
            ours.insert(MANIFEST.to_string());
            for (name, hash) in files {
                if let Some(hash) = hash.as_str()
                    && safe_relative(name)
                    && hash_is(name, hash)
                {
                    ours.insert(name.clone());
                }
            }
        }
        Some(_) => {
            let m = manifest.as_ref().expect("matched Some");
            ours.extend(
                LEGACY_RUN_FILES
                    .iter()
                    .filter(|n| is_file(n))
                    .map(|n| n.to_string()),
            );
            if let Some(hash) = m.get("scenario_sha256").and_then(|h| h.as_str())
                && hash_is("scenario.toml", hash)
            {
                ours.insert("scenario.toml".into());
            }
        }
        None => {
            if json("shard.json").is_some_and(|m| {
                ["staffsim_version", "scenario_sha256", "records"]
                    .iter()
                    .all(|k| m.contains_key(*k))
            }) {
                ours.insert("shard.json".into());
            }
            if json("optimize.json")
                .is_some_and(|m| ["recommended", "erlang"].iter().all(|k| m.contains_key(*k)))
            {
                ours.insert("optimize.json".into());
            }
        }
    }
    ours
}

/// True for a relative name of plain components (no `..`, no root).
fn safe_relative(name: &str) -> bool {
    !name.is_empty()
        && Path::new(name)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Writes `files` (relative name, bytes; a name may hold `/`, as in
/// `charts/a.svg`) as the directory `dir`, with a `manifest.json` that
/// lists them: a `manifest.json` among `files` (a JSON object) gets the
/// key `files` added, otherwise one is written.
///
/// A directory that exists and is not empty is refused unless `force`,
/// and so is one that is or holds a mount point. The files are written and
/// synced in a temporary directory beside `dir`, which then takes the place
/// of `dir` in one step (an atomic exchange where the system has one); so a
/// reader, or a run killed at any moment, sees the previous directory or
/// the complete new one, never a mix. The files an earlier staffsim wrote
/// there (listed in its manifest, unchanged) are dropped; everything else
/// is carried over, with the modes and owners of the directories. A file
/// of the user's where a new one would go is refused, unless it already
/// holds exactly the bytes to write (the input scenario, say), when it is
/// kept as it is and stays the user's. One writer at a time: the parent
/// directory is locked (advisory `flock`) while the directory is built and
/// swapped, so concurrent runs give one complete result each in turn.
pub fn write_dir<N: AsRef<str>>(dir: &Path, force: bool, files: &[(N, Vec<u8>)]) -> Result<()> {
    for (name, _) in files {
        let name = name.as_ref();
        if !safe_relative(name) {
            return Err(refused(
                dir,
                format!("\"{name}\" is not a plain relative name"),
            ));
        }
    }
    let dir = match std::fs::canonicalize(dir) {
        Ok(d) => d,
        Err(_) => dir.to_path_buf(),
    };
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(write_err(&parent))?;
    // one writer at a time: the lock goes when `lock` is dropped
    let lock = std::fs::File::open(&parent).map_err(write_err(&parent))?;
    lock.lock().map_err(write_err(&parent))?;
    // checked again under the lock: another run may have written it since
    refuse_existing(&dir, force, &[])?;
    let exists = dir.is_dir();
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "results".into());
    let prefix = format!(".{name}.staffsim-");
    recover_leftovers(&parent, &prefix, &dir);

    let ours = if exists { owned(&dir) } else { BTreeSet::new() };
    // the user's files where a result would go: kept when they hold the
    // very bytes, refused otherwise
    let mut keep: BTreeSet<&str> = BTreeSet::new();
    if exists {
        for (file, bytes) in files {
            let file = file.as_ref();
            if file == MANIFEST {
                continue;
            }
            if let Some(clash) = clash(&dir, file, bytes, &ours)? {
                keep.insert(clash);
            }
        }
    }
    let manifest = manifest_of(files, &keep)?;

    // a directory holding the working directory is updated in place: a
    // swap would leave the shell that started us in a deleted directory
    let in_place = exists && holds_cwd(&dir);
    let tmp = make_temp_dir(&parent, &prefix)?;
    let built = build(&dir, exists, in_place, &tmp, files, &manifest, &keep, &ours);
    if let Err(e) = built {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let swapped = if in_place {
        place_files(&dir, &tmp, files, &keep, &ours)
    } else if exists {
        exchange(&tmp, &dir)
    } else {
        std::fs::rename(&tmp, &dir)
    };
    if let Err(e) = swapped {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(write_err(&dir)(e));
    }
    // after an exchange the temporary name holds the previous directory:
    // its files staffsim wrote, and links to the user's files carried over
    let _ = std::fs::remove_dir_all(&tmp);
    if let Ok(d) = std::fs::File::open(&parent) {
        let _ = d.sync_all();
    }
    drop(lock);
    Ok(())
}

/// Checks the place of the new file `file` in the existing `dir`: `None`
/// when it is free or staffsim's, `Some(file)` when the user's file there
/// holds exactly `bytes` (kept), an error when a user's entry is in the way.
fn clash<'a>(
    dir: &Path,
    file: &'a str,
    bytes: &[u8],
    ours: &BTreeSet<String>,
) -> Result<Option<&'a str>> {
    let mut rel = PathBuf::new();
    let parts: Vec<&str> = file.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        rel.push(part);
        let path = dir.join(&rel);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            return Ok(None);
        };
        let last = i + 1 == parts.len();
        if !last {
            if meta.is_dir() {
                continue;
            }
            if ours.contains(&rel.to_string_lossy().into_owned()) {
                return Ok(None);
            }
            return Err(user_file(&path));
        }
        if ours.contains(file) {
            return Ok(None);
        }
        if meta.file_type().is_file() && std::fs::read(&path).is_ok_and(|b| b == bytes) {
            return Ok(Some(file));
        }
        return Err(user_file(&path));
    }
    Ok(None)
}

fn user_file(path: &Path) -> Error {
    refused(
        path,
        "is in the way of a result and staffsim did not write it (it is not in the \
         directory's manifest.json); --force replaces only staffsim's own results: move it \
         or choose another --out",
    )
}

/// The manifest to write: the caller's (a JSON object) or a new one, with
/// the SHA-256 of every file written (not those `keep`, the user's).
fn manifest_of<N: AsRef<str>>(files: &[(N, Vec<u8>)], keep: &BTreeSet<&str>) -> Result<Vec<u8>> {
    let mut listed = serde_json::Map::new();
    for (file, bytes) in files {
        let file = file.as_ref();
        if file != MANIFEST && !keep.contains(file) {
            listed.insert(file.to_string(), sha256_hex(bytes).into());
        }
    }
    let given = files.iter().find(|(f, _)| f.as_ref() == MANIFEST);
    let mut manifest = match given {
        Some((_, bytes)) => match serde_json::from_slice(bytes) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => {
                return Err(refused(
                    Path::new(MANIFEST),
                    "the manifest to write is not a JSON object",
                ));
            }
        },
        None => {
            let mut m = serde_json::Map::new();
            m.insert(
                "staffsim_version".into(),
                env!("CARGO_PKG_VERSION").to_string().into(),
            );
            m.insert("date".into(), utc_now().into());
            m
        }
    };
    manifest.insert(FILES_KEY.into(), listed.into());
    let mut bytes = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    bytes.push(b'\n');
    Ok(bytes)
}

/// Creates the temporary directory, readable by its owner only while it is
/// built (it may receive links to private files); the mode it was created
/// with is given back at the end (see [`finish_modes`]).
fn make_temp_dir(parent: &Path, prefix: &str) -> Result<PathBuf> {
    let tmp = parent.join(format!("{prefix}{}", std::process::id()));
    // under the lock a leftover of this name is dead: a killed earlier run
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir(&tmp).map_err(write_err(&tmp))?;
    Ok(tmp)
}

/// True when the working directory is `dir` or inside it.
fn holds_cwd(dir: &Path) -> bool {
    std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .is_ok_and(|cwd| cwd.starts_with(dir))
}

/// Updates `dir` in place from the files built in `tmp`: each file takes
/// its place in one rename (the manifest last), then staffsim's older
/// files that were not written again are removed, with the folders they
/// alone filled. Each file is whole at any moment, the set of files is not:
/// for a `--out` that holds the working directory only.
fn place_files<N: AsRef<str>>(
    dir: &Path,
    tmp: &Path,
    files: &[(N, Vec<u8>)],
    keep: &BTreeSet<&str>,
    ours: &BTreeSet<String>,
) -> std::io::Result<()> {
    let written: BTreeSet<&str> = files
        .iter()
        .map(|(f, _)| f.as_ref())
        .filter(|f| *f != MANIFEST && !keep.contains(f))
        .collect();
    for file in written.iter().chain(std::iter::once(&MANIFEST)) {
        let to = dir.join(file);
        if let Some(p) = to.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::rename(tmp.join(file), &to)?;
    }
    for old in ours {
        if old == MANIFEST || written.contains(old.as_str()) {
            continue;
        }
        std::fs::remove_file(dir.join(old))?;
        // the folders this file alone filled go with it
        let mut up = Path::new(old).parent();
        while let Some(p) = up.filter(|p| !p.as_os_str().is_empty()) {
            if std::fs::remove_dir(dir.join(p)).is_err() {
                break;
            }
            up = p.parent();
        }
    }
    std::fs::File::open(dir).and_then(|d| d.sync_all())
}

/// Fills `tmp`: the new files, the manifest, then (unless `in_place`) what
/// the previous `dir` holds that staffsim did not write; then gives the
/// directories their modes.
#[allow(clippy::too_many_arguments)]
fn build<N: AsRef<str>>(
    dir: &Path,
    exists: bool,
    in_place: bool,
    tmp: &Path,
    files: &[(N, Vec<u8>)],
    manifest: &[u8],
    keep: &BTreeSet<&str>,
    ours: &BTreeSet<String>,
) -> Result<()> {
    let created = perms::private(tmp).map_err(write_err(tmp))?;
    let manifest_entry = (MANIFEST, manifest);
    let all = files
        .iter()
        .map(|(f, b)| (f.as_ref(), b.as_slice()))
        .filter(|(f, _)| *f != MANIFEST && !keep.contains(f))
        .chain(std::iter::once(manifest_entry));
    for (file, bytes) in all {
        let path = tmp.join(file);
        let shown = dir.join(file);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(write_err(&shown))?;
        }
        let mut f = std::fs::File::create(&path).map_err(write_err(&shown))?;
        f.write_all(bytes).map_err(write_err(&shown))?;
        if exists {
            // a replaced file keeps its mode and owner
            if let Ok(old) = std::fs::symlink_metadata(&shown)
                && old.file_type().is_file()
            {
                perms::copy(&old, &path);
            }
        }
        f.sync_all().map_err(write_err(&shown))?;
    }
    if in_place {
        // only the files move: the folder stays as it is
    } else if exists {
        let top = fs_id(dir).map_err(write_err(dir))?;
        carry_over(dir, tmp, "", top, ours)?;
        let old = std::fs::metadata(dir).map_err(write_err(dir))?;
        perms::copy(&old, tmp);
    } else {
        perms::restore(tmp, created).map_err(write_err(tmp))?;
    }
    std::fs::File::open(tmp)
        .and_then(|d| d.sync_all())
        .map_err(write_err(dir))
}

/// Gives `to` (a directory of the new tree) the entries of `from` that
/// staffsim did not write (`rel` is `from` relative to the results
/// directory), without touching `from`: hard links for files (a copy where
/// linking fails), directories made anew with the old ones' modes and
/// owners. A directory left empty because only staffsim's files were in
/// it is not kept.
fn carry_over(from: &Path, to: &Path, rel: &str, top: FsId, ours: &BTreeSet<String>) -> Result<()> {
    for entry in std::fs::read_dir(from).map_err(write_err(from))? {
        let entry = entry.map_err(write_err(from))?;
        let name = entry.file_name();
        let name_s = name.to_string_lossy();
        let rel_e = if rel.is_empty() {
            name_s.into_owned()
        } else {
            format!("{rel}/{name_s}")
        };
        if ours.contains(&rel_e) {
            continue;
        }
        let path = entry.path();
        let target = to.join(&name);
        if fs_id(&path).map_err(write_err(&path))? != top {
            return Err(mount_inside(&path));
        }
        let meta = std::fs::symlink_metadata(&path).map_err(write_err(&path))?;
        if meta.is_dir() {
            let made = !target.exists();
            if made {
                std::fs::create_dir(&target).map_err(write_err(&path))?;
            }
            carry_over(&path, &target, &rel_e, top, ours)?;
            let had_ours = ours.iter().any(|o| o.starts_with(&format!("{rel_e}/")));
            let empty = std::fs::read_dir(&target).is_ok_and(|mut d| d.next().is_none());
            if made && had_ours && empty {
                std::fs::remove_dir(&target).map_err(write_err(&path))?;
            } else {
                perms::copy(&meta, &target);
            }
        } else if target.symlink_metadata().is_ok() {
            // a new result at the place of a user's file: `clash` refuses
            // this before anything is written; never drop the user's file
            return Err(user_file(&path));
        } else if meta.file_type().is_symlink() {
            let link = std::fs::read_link(&path).map_err(write_err(&path))?;
            perms::symlink(&link, &target).map_err(write_err(&path))?;
        } else if std::fs::hard_link(&path, &target).is_err() {
            std::fs::copy(&path, &target).map_err(write_err(&path))?;
            perms::copy(&meta, &target);
        }
    }
    Ok(())
}

/// Modes and owners (Unix; elsewhere nothing to do).
mod perms {
    use std::path::Path;

    /// The mode `dir` was created with; `dir` is then made its owner's only.
    #[cfg(unix)]
    pub(super) fn private(dir: &Path) -> std::io::Result<u32> {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir)?.permissions().mode() & 0o7777;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode & 0o7000 | 0o700))?;
        Ok(mode)
    }

    /// Gives `dir` back the `mode` [`private`] found.
    #[cfg(unix)]
    pub(super) fn restore(dir: &Path, mode: u32) -> std::io::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))
    }

    /// Gives `path` the owner, group and mode (with setgid) of `old`, as
    /// far as this user may: a change refused is left.
    #[cfg(unix)]
    pub(super) fn copy(old: &std::fs::Metadata, path: &Path) {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        if let Ok(now) = std::fs::symlink_metadata(path)
            && (now.uid() != old.uid() || now.gid() != old.gid())
        {
            let _ = std::os::unix::fs::lchown(path, Some(old.uid()), Some(old.gid()));
        }
        let _ =
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(old.mode() & 0o7777));
    }

    /// A symbolic link at `at` to `target`.
    #[cfg(unix)]
    pub(super) fn symlink(target: &Path, at: &Path) -> std::io::Result<()> {
        std::os::unix::fs::symlink(target, at)
    }

    #[cfg(not(unix))]
    pub(super) fn private(_dir: &Path) -> std::io::Result<u32> {
        Ok(0)
    }

    #[cfg(not(unix))]
    pub(super) fn restore(_dir: &Path, _mode: u32) -> std::io::Result<()> {
        Ok(())
    }

    #[cfg(not(unix))]
    pub(super) fn copy(_old: &std::fs::Metadata, _path: &Path) {}

    #[cfg(not(unix))]
    pub(super) fn symlink(target: &Path, at: &Path) -> std::io::Result<()> {
        std::fs::copy(target, at).map(|_| ())
    }
}

/// Cleans up after an earlier writer killed half way (under the lock, so
/// no live writer owns these): its temporary directories are removed; a
/// previous directory set aside by the three-rename swap is put back when
/// `dir` is missing.
fn recover_leftovers(parent: &Path, prefix: &str, dir: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with(prefix) {
            continue;
        }
        if name.ends_with(ASIDE) && !dir.exists() && std::fs::rename(entry.path(), dir).is_ok() {
            continue;
        }
        let _ = std::fs::remove_dir_all(entry.path());
    }
}

/// The suffix of the name the previous directory takes during a swap
/// without an atomic exchange.
const ASIDE: &str = "-previous";

/// Swaps the directories `a` and `b` in one step (Linux `renameat2` with
/// `RENAME_EXCHANGE`, through rustix). Elsewhere, or where the file system
/// cannot, three renames: `b` steps aside, `a` takes its name, the old `b`
/// takes `a`'s.
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    // no atomic exchange: the old directory steps aside, the new one takes
    // its name, and the old one takes the temporary name to be removed
    let mut aside = a.as_os_str().to_owned();
    aside.push(ASIDE);
    let aside = PathBuf::from(aside);
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
