//! Files → disk. Only what changed is touched (unchanged files keep their
//! mtime, so cargo does not rebuild and diffs stay quiet), and a directory is
//! replaced whole: the new tree is built in a temporary sibling and renamed
//! into place, so a failure never leaves a half-written output directory.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::emit::OutputFile;
use crate::error::{Error, Result};

/// What differs between the files on disk and the generated ones.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    pub added: Vec<PathBuf>,
    pub changed: Vec<PathBuf>,
    /// Files on disk that generation no longer produces.
    pub removed: Vec<PathBuf>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }

    /// One line per file, `+`/`~`/`-` prefixed, for `codegen check`.
    pub fn summary(&self, root: &Path) -> String {
        let mut lines = Vec::new();
        for (mark, list) in [
            ("+", &self.added),
            ("~", &self.changed),
            ("-", &self.removed),
        ] {
            for p in list {
                lines.push(format!("  {mark} {}", root.join(p).display()));
            }
        }
        lines.join("\n")
    }
}

/// Compare `files` with the contents of `dir` (every file under it).
pub fn diff_dir(dir: &Path, files: &[OutputFile]) -> Result<Changes> {
    let mut changes = Changes::default();
    let wanted: BTreeSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    for f in files {
        match fs::read(dir.join(&f.path)) {
            Ok(bytes) if bytes == f.contents.as_bytes() => {}
            Ok(_) => changes.changed.push(f.path.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                changes.added.push(f.path.clone())
            }
            Err(e) => return Err(Error::io(dir.join(&f.path), e)),
        }
    }
    if dir.exists() {
        for existing in list_files(dir)? {
            if !wanted.contains(existing.as_path()) {
                changes.removed.push(existing);
            }
        }
    }
    Ok(changes)
}

/// Compare single files (e.g. `Cargo.toml`) relative to `root`.
pub fn diff_files(root: &Path, files: &[OutputFile]) -> Result<Changes> {
    let mut changes = Changes::default();
    for f in files {
        match fs::read(root.join(&f.path)) {
            Ok(bytes) if bytes == f.contents.as_bytes() => {}
            Ok(_) => changes.changed.push(f.path.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                changes.added.push(f.path.clone())
            }
            Err(e) => return Err(Error::io(root.join(&f.path), e)),
        }
    }
    Ok(changes)
}

/// Every file under `dir`, as paths relative to it, sorted.
fn list_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let abs = dir.join(&rel);
        for entry in fs::read_dir(&abs).map_err(|e| Error::io(&abs, e))? {
            let entry = entry.map_err(|e| Error::io(&abs, e))?;
            let path = rel.join(entry.file_name());
            if entry.file_type().map_err(|e| Error::io(&abs, e))?.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Make `dir` hold exactly `files`. Unchanged files are hard-linked (or
/// copied) into the new tree so their mtime survives; then the directories
/// are swapped by rename.
pub fn write_dir(dir: &Path, files: &[OutputFile]) -> Result<Changes> {
    let changes = diff_dir(dir, files)?;
    if changes.is_empty() {
        return Ok(changes);
    }
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.new."))
        .tempdir_in(parent)
        .map_err(|e| Error::io(parent, e))?;
    let changed: BTreeSet<&Path> = changes
        .added
        .iter()
        .chain(&changes.changed)
        .map(PathBuf::as_path)
        .collect();
    for f in files {
        let target = staging.path().join(&f.path);
        if let Some(p) = target.parent() {
            fs::create_dir_all(p).map_err(|e| Error::io(p, e))?;
        }
        let old = dir.join(&f.path);
        if !changed.contains(f.path.as_path())
            && (fs::hard_link(&old, &target).is_ok() || fs::copy(&old, &target).is_ok())
        {
            continue;
        }
        fs::write(&target, &f.contents).map_err(|e| Error::io(&target, e))?;
    }
    // Swap: the old tree moves aside first, so at every instant `dir` is
    // either the complete old tree, absent for one rename, or the new one.
    let staging = staging.keep();
    if dir.exists() {
        let old = tempfile::Builder::new()
            .prefix(&format!(".{name}.old."))
            .tempdir_in(parent)
            .map_err(|e| Error::io(parent, e))?
            .keep();
        fs::remove_dir(&old).map_err(|e| Error::io(&old, e))?;
        fs::rename(dir, &old).map_err(|e| Error::io(dir, e))?;
        if let Err(e) = fs::rename(&staging, dir) {
            // Put the old tree back rather than leave nothing.
            let _ = fs::rename(&old, dir);
            return Err(Error::io(dir, e));
        }
        fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
    } else {
        fs::rename(&staging, dir).map_err(|e| Error::io(dir, e))?;
    }
    Ok(changes)
}

/// Write single files under `root`, each atomically (temp file + rename),
/// and only when the bytes differ.
pub fn write_files(root: &Path, files: &[OutputFile]) -> Result<Changes> {
    let changes = diff_files(root, files)?;
    let changed: BTreeSet<&Path> = changes
        .added
        .iter()
        .chain(&changes.changed)
        .map(PathBuf::as_path)
        .collect();
    for f in files.iter().filter(|f| changed.contains(f.path.as_path())) {
        let target = root.join(&f.path);
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_owned();
        fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let mut tmp = temp_file_in(&parent)?;
        std::io::Write::write_all(&mut tmp, f.contents.as_bytes())
            .map_err(|e| Error::io(tmp.path(), e))?;
        tmp.persist(&target)
            .map_err(|e| Error::io(&target, e.error))?;
    }
    Ok(changes)
}

/// A temporary file beside `target`'s final place, created with the mode an ordinary file
/// gets (0666 less the umask, so 0644 usually): generated code and snapshots are not secret,
/// and tempfile's own default (0600) would survive the rename.
fn temp_file_in(dir: &Path) -> Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        b.permissions(fs::Permissions::from_mode(0o666));
    }
    b.tempfile_in(dir).map_err(|e| Error::io(dir, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(p: &str, c: &str) -> OutputFile {
        OutputFile {
            path: p.into(),
            contents: c.into(),
        }
    }

    #[test]
    fn writes_only_changes_and_removes_stale_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("odoo");
        let v1 = [file("a.rs", "a"), file("b.rs", "b")];
        let c = write_dir(&dir, &v1).unwrap();
        assert_eq!(c.added.len(), 2);
        let mtime = |p: &str| fs::metadata(dir.join(p)).unwrap().modified().unwrap();
        let a_before = mtime("a.rs");
        std::thread::sleep(std::time::Duration::from_millis(20));
        let v2 = [file("a.rs", "a"), file("c.rs", "c")];
        let c = write_dir(&dir, &v2).unwrap();
        assert_eq!(c.added, [PathBuf::from("c.rs")]);
        assert_eq!(c.removed, [PathBuf::from("b.rs")]);
        assert_eq!(mtime("a.rs"), a_before, "unchanged file keeps its mtime");
        assert!(!dir.join("b.rs").exists());
        assert!(write_dir(&dir, &v2).unwrap().is_empty());
        // No staging or old trees are left beside the output.
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }

    #[test]
    fn single_files_are_replaced_atomically() {
        let tmp = tempfile::tempdir().unwrap();
        let files = [file("Cargo.toml", "x"), file("src/lib.rs", "y")];
        assert_eq!(write_files(tmp.path(), &files).unwrap().added.len(), 2);
        assert!(write_files(tmp.path(), &files).unwrap().is_empty());
        assert_eq!(
            fs::read_to_string(tmp.path().join("src/lib.rs")).unwrap(),
            "y"
        );
    }

    /// Generated files and snapshots get an ordinary file's mode (0644 under the usual umask),
    /// whichever way they are written; only secrets are 0600.
    #[cfg(unix)]
    #[test]
    fn written_files_have_the_mode_of_ordinary_files() {
        use std::os::unix::fs::PermissionsExt as _;
        let tmp = tempfile::tempdir().unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // What the umask makes of 0666 (a plain `fs::write`).
        fs::write(tmp.path().join("plain"), "p").unwrap();
        let ordinary = mode(&tmp.path().join("plain"));
        assert_eq!(ordinary & 0o600, 0o600);

        write_files(tmp.path(), &[file("schema.json", "{}")]).unwrap();
        assert_eq!(mode(&tmp.path().join("schema.json")), ordinary);
        // Replacing a file keeps that mode too.
        write_files(tmp.path(), &[file("schema.json", "{ }")]).unwrap();
        assert_eq!(mode(&tmp.path().join("schema.json")), ordinary);

        let dir = tmp.path().join("odoo");
        write_dir(&dir, &[file("a.rs", "a"), file("m/b.rs", "b")]).unwrap();
        assert_eq!(mode(&dir.join("a.rs")), ordinary);
        assert_eq!(mode(&dir.join("m/b.rs")), ordinary);
        // Directories: what the umask makes of 0777.
        fs::create_dir(tmp.path().join("plain_dir")).unwrap();
        assert_eq!(mode(&dir), mode(&tmp.path().join("plain_dir")));
        write_dir(&dir, &[file("a.rs", "a2"), file("m/b.rs", "b")]).unwrap();
        assert_eq!(mode(&dir.join("a.rs")), ordinary);
        assert_eq!(mode(&dir), mode(&tmp.path().join("plain_dir")));
    }
}
