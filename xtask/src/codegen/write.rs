//! Compares the rendered tree with the files on disk and writes or reports the difference.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The generated files of one crate and the folders the generator owns.
pub struct Tree {
    /// Crate root that paths are relative to.
    pub root: PathBuf,
    /// Folders, relative to `root`, whose every file the generator produces; other files
    /// found there are removed by a write and reported as extra by a check.
    pub owned_dirs: Vec<PathBuf>,
    pub files: BTreeMap<PathBuf, String>,
}

/// Differences between the files on disk and the rendered ones, as paths relative to the
/// crate root.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Files whose content differs.
    pub stale: Vec<PathBuf>,
    /// Files the generator produces that are not on disk.
    pub missing: Vec<PathBuf>,
    /// Files in an owned folder that the generator no longer produces.
    pub extra: Vec<PathBuf>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }

    pub fn count(&self) -> usize {
        self.stale.len() + self.missing.len() + self.extra.len()
    }
}

impl Changes {
    /// Lists the changed files, one indented line each, as `label: prefix/path`. The labels
    /// name the stale, missing and extra files in that order.
    pub fn list(&self, prefix: &Path, labels: [&str; 3]) -> String {
        let groups = [&self.stale, &self.missing, &self.extra];
        let mut text = String::new();
        for (label, paths) in labels.into_iter().zip(groups) {
            for path in paths {
                text.push_str(&format!("  {label}: {}\n", prefix.join(path).display()));
            }
        }
        text
    }
}

/// Returns "1 generated file" or "N generated files".
pub fn count_files(count: usize) -> String {
    match count {
        1 => "1 generated file".to_owned(),
        count => format!("{count} generated files"),
    }
}

impl Tree {
    /// Lists how the disk differs from this tree, without changing anything.
    pub fn changes(&self) -> Result<Changes> {
        let mut changes = Changes::default();
        for (path, contents) in &self.files {
            match read_normalized(&self.root.join(path))? {
                None => changes.missing.push(path.clone()),
                Some(on_disk) if on_disk != *contents => changes.stale.push(path.clone()),
                Some(_) => {}
            }
        }
        for dir in &self.owned_dirs {
            for path in files_below(&self.root.join(dir))? {
                let relative = path.strip_prefix(&self.root).unwrap_or(&path).to_owned();
                if !self.files.contains_key(&relative) {
                    changes.extra.push(relative);
                }
            }
        }
        changes.extra.sort();
        Ok(changes)
    }

    /// Makes the disk match this tree: writes stale and missing files (each through a
    /// temporary file and a rename, so no file is ever half written) and removes extra ones.
    pub fn write(&self) -> Result<Changes> {
        let changes = self.changes()?;
        for path in changes.stale.iter().chain(&changes.missing) {
            write_atomically(&self.root.join(path), &self.files[path])?;
        }
        for path in &changes.extra {
            let full = self.root.join(path);
            fs::remove_file(&full).with_context(|| format!("cannot remove {}", full.display()))?;
        }
        Ok(changes)
    }
}

/// Reads a file with CRLF line ends folded to LF, or `None` when it does not exist.
fn read_normalized(path: &Path) -> Result<Option<String>> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text.replace("\r\n", "\n"))),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn files_below(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(files),
        Err(err) => return Err(err).with_context(|| format!("cannot list {}", dir.display())),
    };
    for entry in entries {
        let path = entry
            .with_context(|| format!("cannot list {}", dir.display()))?
            .path();
        if path.is_dir() {
            files.extend(files_below(&path)?);
        } else {
            files.push(path);
        }
    }
    Ok(files)
}

fn write_atomically(path: &Path, contents: &str) -> Result<()> {
    let dir = path
        .parent()
        .context("a generated file has no parent folder")?;
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    temp.write_all(contents.as_bytes())
        .with_context(|| format!("cannot write {}", temp.path().display()))?;
    // Temporary files are private (0600); generated files get the usual 0644, or keep the
    // mode of the file they replace.
    let permissions = match fs::metadata(path) {
        Ok(existing) => existing.permissions(),
        Err(_) => default_permissions(temp.as_file())?,
    };
    temp.as_file()
        .set_permissions(permissions)
        .with_context(|| format!("cannot set the permissions of {}", temp.path().display()))?;
    temp.persist(path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

#[cfg(unix)]
fn default_permissions(_file: &fs::File) -> Result<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Ok(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions(file: &fs::File) -> Result<fs::Permissions> {
    Ok(file
        .metadata()
        .context("cannot read a temporary file's metadata")?
        .permissions())
}
