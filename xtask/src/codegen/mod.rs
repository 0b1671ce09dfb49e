//! `cargo xtask codegen`: spec -> model -> templates -> formatted files, written or checked.

mod docs;
pub mod error;
mod ir;
mod load;
mod lower;
mod names;
mod pagination;
mod recursion;
mod render;
mod samples;
mod standalone;
mod write;

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use self::render::Extras;
use self::write::Tree;
pub use self::write::{count_files, Changes};

/// Folders of the External Contacts crate that hold only generated files.
const OWNED_DIRS: &[&str] = &["src/models", "src/operations"];

/// Folders of a standalone crate that hold only generated files.
const STANDALONE_OWNED_DIRS: &[&str] = &["src"];

/// Input spec, output folder and message settings of one generation.
#[derive(Debug, Clone)]
pub struct Config {
    /// The OpenAPI 3.0 spec to read.
    pub spec: PathBuf,
    /// Root of the crate to generate into (the folder with its `Cargo.toml`).
    pub out_dir: PathBuf,
    /// Name of the spec in generated headers, which must not depend on the machine.
    pub spec_label: String,
    /// Name of `out_dir` in messages, such as `crates/externalcontacts`.
    pub out_label: PathBuf,
    /// The command a maintainer runs to regenerate, for messages.
    pub command: String,
    /// Print the generator's notes (such as listings that get no stream) to stderr.
    pub verbose: bool,
    /// Write a standalone crate of this name (manifest, crate root and runtime included)
    /// instead of the generated parts of the External Contacts crate.
    pub crate_name: Option<String>,
}

impl Config {
    /// Returns the External Contacts job: the workspace's spec into `crates/externalcontacts`.
    pub fn external_contacts(workspace: &Path) -> Self {
        Config {
            spec: workspace.join("spec/externalcontacts.yaml"),
            out_dir: workspace.join("crates/externalcontacts"),
            spec_label: "spec/externalcontacts.yaml".to_owned(),
            out_label: PathBuf::from("crates/externalcontacts"),
            command: "cargo xtask codegen".to_owned(),
            verbose: false,
            crate_name: None,
        }
    }
}

/// Generated files that differ from what the spec and templates produce.
#[derive(Debug)]
pub struct StaleFiles {
    pub changes: Changes,
    /// Name of the crate folder in messages.
    pub out_label: PathBuf,
    pub command: String,
}

impl fmt::Display for StaleFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.changes.count();
        let verb = if count == 1 { "is" } else { "are" };
        writeln!(f, "{} {verb} out of date:", count_files(count))?;
        write!(
            f,
            "{}",
            self.changes
                .list(&self.out_label, ["stale", "missing", "extra"])
        )?;
        write!(f, "run `{}` and commit the result", self.command)
    }
}

impl std::error::Error for StaleFiles {}

/// Prints one line per kind of fallback and the count of renamed names to stderr; with
/// `verbose`, also every place and every note.
fn report(api: &ir::Api, verbose: bool) {
    for (kind, places) in &api.fallbacks {
        eprintln!("fallback: {}", kind.summary(places.len()));
        if verbose {
            for place in places {
                eprintln!("  at {place}");
            }
        }
    }
    if !api.renames.is_empty() {
        let hint = if verbose {
            ":"
        } else {
            " (run with -v to list them)"
        };
        eprintln!(
            "note: {} name(s) got a numeric suffix to avoid a collision{hint}",
            api.renames.len()
        );
        if verbose {
            for rename in &api.renames {
                eprintln!("  {rename}");
            }
        }
    }
    if verbose {
        for note in &api.notes {
            eprintln!("note: {note}");
        }
    }
}

/// Renders the whole crate in memory; nothing is written.
fn render_tree(config: &Config) -> Result<Tree> {
    let spec = load::load_spec(&config.spec)?;
    let api = lower::lower(&spec).map_err(|err| err.in_file(&config.spec))?;
    report(&api, config.verbose);
    let (extras, owned_dirs) = match &config.crate_name {
        Some(name) => (Extras::StandaloneCrate(name), STANDALONE_OWNED_DIRS),
        None => (Extras::ProductTests, OWNED_DIRS),
    };
    let files = render::render(&api, &config.spec_label, extras)?;
    Ok(Tree {
        root: config.out_dir.clone(),
        owned_dirs: owned_dirs.iter().map(PathBuf::from).collect(),
        files,
    })
}

/// Regenerates the crate, returning what changed on disk. Every file is rendered before the
/// first one is written, so a bad spec or template leaves the disk untouched.
pub fn generate(config: &Config) -> Result<Changes> {
    let tree = render_tree(config)?;
    let changes = tree
        .write()
        .with_context(|| format!("cannot write into {}", config.out_dir.display()))?;
    report_foreign(&changes, config);
    Ok(changes)
}

/// Names the files without a generated header found in generated folders, which the
/// generator leaves alone.
fn report_foreign(changes: &Changes, config: &Config) {
    for path in &changes.foreign {
        eprintln!(
            "note: left alone, because it has no generated header: {}",
            config.out_label.join(path).display()
        );
    }
}

/// Fails with [`StaleFiles`] when the files on disk differ from a fresh generation.
pub fn check(config: &Config) -> Result<()> {
    let changes = render_tree(config)?.changes()?;
    report_foreign(&changes, config);
    if changes.is_empty() {
        Ok(())
    } else {
        Err(StaleFiles {
            changes,
            out_label: config.out_label.clone(),
            command: config.command.clone(),
        }
        .into())
    }
}

/// Rejects turning a folder into a standalone crate named `name` when that would overwrite
/// hand-written files: the External Contacts crate, or any crate with a manifest the generator
/// did not write.
pub fn check_standalone_target(out_dir: &Path, name: &str) -> Result<()> {
    standalone::validate_crate_name(name)?;
    anyhow::ensure!(
        !out_dir.exists() || out_dir.is_dir(),
        "--out {} is a file, not a folder\n  help: give the folder the crate should be written into, such as `../{name}`",
        out_dir.display()
    );
    let manifest = out_dir.join("Cargo.toml");
    let text = match std::fs::read_to_string(&manifest) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            // Without a manifest, only a new or empty folder is safe: `src/` would be replaced.
            let mut entries = match std::fs::read_dir(out_dir) {
                Ok(entries) => entries,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                Err(err) => {
                    return Err(err).with_context(|| format!("cannot list {}", out_dir.display()))
                }
            };
            anyhow::ensure!(
                entries.next().is_none(),
                "{} is not empty and has no Cargo.toml written by the generator, and --crate-name would replace its src/ folder\n  help: choose an empty or new --out folder",
                out_dir.display()
            );
            return Ok(());
        }
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", manifest.display())),
    };
    anyhow::ensure!(
        text.starts_with(render::GENERATED_MARK_TOML),
        "{} belongs to a crate the generator did not write, and --crate-name would replace its src/ folder\n  help: choose an empty or new --out folder",
        manifest.display()
    );
    Ok(())
}
