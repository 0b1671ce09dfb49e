//! The crates compared with ours: progenitor's and openapi-generator's output for the same
//! spec, and standalone copies of our crate. Each peer lives in its own folder under
//! `target/bench/work/crates/` with a `[workspace]` table of its own, so that it builds apart from
//! this workspace, with its own lock file and target folder.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use super::measure::{self, cargo};
use super::spec::{self, Operation};

/// The cargo-progenitor release the benchmark installs.
pub const PROGENITOR_VERSION: &str = "0.15.1";

/// The openapi-generator release the benchmark installs, from the PyPI package
/// `openapi-generator-cli`, which bundles the generator's jar.
pub const OPENAPI_GENERATOR_VERSION: &str = "7.26.0";

/// Installs cargo-progenitor into `tools` and returns the path of its binary.
pub fn install_progenitor(tools: &Path) -> Result<PathBuf> {
    let binary = tools.join("bin/cargo-progenitor");
    let mut install = cargo();
    install
        .args(["install", "cargo-progenitor", "--locked", "--version"])
        .arg(PROGENITOR_VERSION)
        .arg("--root")
        .arg(tools);
    measure::output(&mut install).context("cannot install cargo-progenitor")?;
    if !binary.exists() {
        bail!(
            "cargo install finished, but {} is missing",
            binary.display()
        );
    }
    Ok(binary)
}

/// Builds the command that generates a crate named `name` from `spec` into `out`, with
/// builder-style methods like ours.
pub fn progenitor_command(binary: &Path, spec: &Path, out: &Path, name: &str) -> Command {
    let mut command = Command::new(binary);
    command
        .arg("progenitor")
        .arg("--input")
        .arg(spec)
        .arg("--output")
        .arg(out)
        .args([
            "--name",
            name,
            "--version",
            "0.1.0",
            "--interface",
            "builder",
        ]);
    command
}

/// The operations a generator accepts, and the rejected ones with the reason.
pub struct Probe {
    pub accepted: BTreeSet<Operation>,
    pub rejected: Vec<(Operation, String)>,
}

/// Runs progenitor on the whole spec and, when it fails, on each operation alone, keeping
/// the last line of its error as the reason.
pub fn probe_progenitor(binary: &Path, api: &serde_json::Value, scratch: &Path) -> Result<Probe> {
    std::fs::create_dir_all(scratch)
        .with_context(|| format!("cannot create {}", scratch.display()))?;
    let spec_path = scratch.join("spec.json");
    let out = scratch.join("crate");
    let probe = |spec: &serde_json::Value| -> Result<Result<(), String>> {
        spec::save(spec, &spec_path)?;
        measure::remove_dir(&out)?;
        let mut command = progenitor_command(binary, &spec_path, &out, "probe");
        Ok(measure::output_quiet(&mut command)
            .map(drop)
            .map_err(|err| measure::short_reason(&err)))
    };

    let operations = spec::operations(api);
    if probe(api)?.is_ok() {
        return Ok(Probe {
            accepted: operations.into_iter().collect(),
            rejected: Vec::new(),
        });
    }
    eprintln!(
        "    progenitor rejects the spec; trying its {} operations one at a time",
        operations.len()
    );
    let mut accepted = BTreeSet::new();
    let mut rejected = Vec::new();
    for operation in operations {
        let one = BTreeSet::from([operation.clone()]);
        match probe(&spec::with_operations(api, &one))? {
            Ok(()) => {
                accepted.insert(operation);
            }
            Err(reason) => rejected.push((operation, reason)),
        }
    }
    Ok(Probe { accepted, rejected })
}

/// Installs openapi-generator into a Python virtual environment under `tools` and returns
/// the path of its launcher. It needs Java 11 or newer at run time.
pub fn install_openapi_generator(tools: &Path) -> Result<PathBuf> {
    let java = Command::new("java").arg("-version").output();
    if !java.is_ok_and(|output| output.status.success()) {
        bail!("Java is not installed; openapi-generator needs Java 11 or newer (on Debian: `apt-get install default-jre-headless`)");
    }
    let venv = tools.join("openapi-generator");
    let launcher = venv.join("bin/openapi-generator-cli");
    let pip = venv.join("bin/pip");
    if !pip.exists() {
        let mut create = Command::new("python3");
        create.args(["-m", "venv"]).arg(&venv);
        measure::output(&mut create).context("cannot create a Python virtual environment")?;
    }
    let mut install = Command::new(&pip);
    install
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .arg(format!(
            "openapi-generator-cli=={OPENAPI_GENERATOR_VERSION}"
        ));
    measure::output(&mut install).context("cannot install openapi-generator-cli from PyPI")?;
    if !launcher.exists() {
        bail!("pip finished, but {} is missing", launcher.display());
    }
    Ok(launcher)
}

/// Builds the command that generates openapi-generator's `rust` client named `name` from
/// `spec` into `out`.
pub fn openapi_generator_command(launcher: &Path, spec: &Path, out: &Path, name: &str) -> Command {
    let mut command = Command::new(launcher);
    command
        .args(["generate", "--generator-name", "rust", "--input-spec"])
        .arg(spec)
        .arg("--output")
        .arg(out)
        .arg(format!("--additional-properties=packageName={name}"));
    command
}

/// Copies our crate's hand-written files into `out` with a standalone manifest, the
/// workspace's lock file and no generated files, ready for `cargo xtask codegen --out`.
pub fn copy_our_crate(root: &Path, out: &Path) -> Result<()> {
    let source = root.join("crates/externalcontacts");
    measure::remove_dir(out)?;
    std::fs::create_dir_all(out.join("src"))
        .with_context(|| format!("cannot create {}", out.join("src").display()))?;
    for entry in std::fs::read_dir(source.join("src"))? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), out.join("src").join(entry.file_name()))
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    let manifest = std::fs::read_to_string(source.join("Cargo.toml"))
        .context("cannot read crates/externalcontacts/Cargo.toml")?;
    std::fs::write(out.join("Cargo.toml"), standalone_manifest(&manifest)?)?;
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock"))
        .context("cannot copy Cargo.lock")?;
    Ok(())
}

/// Turns our crate's manifest into one that builds outside the workspace: the package name,
/// the `[dependencies]` table unchanged, and an empty `[workspace]`.
fn standalone_manifest(manifest: &str) -> Result<String> {
    let start = manifest
        .find("[dependencies]")
        .context("crates/externalcontacts/Cargo.toml has no [dependencies] table")?;
    let rest = &manifest[start..];
    let end = rest[1..].find("\n[").map_or(rest.len(), |index| index + 1);
    Ok(format!(
        "[package]\nname = \"externalcontacts\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n{}\n[workspace]\n",
        rest[..end].trim_end()
    ))
}

/// Appends an empty `[workspace]` table to a generated crate's manifest, unless it has one,
/// so that cargo does not take it for a member of the workspace around it.
pub fn detach_from_workspace(crate_dir: &Path) -> Result<()> {
    let path = crate_dir.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if !manifest.lines().any(|line| line.trim() == "[workspace]") {
        std::fs::write(&path, format!("{}\n\n[workspace]\n", manifest.trim_end()))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Reads the package name from a manifest's `[package]` table.
pub fn package_name(manifest_path: &Path) -> Result<String> {
    let manifest = std::fs::read_to_string(manifest_path)
        .with_context(|| format!("cannot read {}", manifest_path.display()))?;
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if let Some(value) = line.strip_prefix("name").map(str::trim_start) {
            if let (true, Some(value)) = (in_package, value.strip_prefix('=')) {
                return Ok(value.trim().trim_matches('"').to_owned());
            }
        }
    }
    bail!("{} has no package name", manifest_path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standalone_manifest_keeps_dependencies_only() {
        let manifest = "[package]\nname = \"x\"\nedition.workspace = true\n\n[dependencies]\nserde = \"1\"\n\n[dev-dependencies]\ndivan = \"0.1\"\n";
        let standalone = standalone_manifest(manifest).unwrap();
        assert!(
            standalone.contains("[dependencies]\nserde = \"1\"\n"),
            "{standalone}"
        );
        assert!(!standalone.contains("divan"), "{standalone}");
        assert!(!standalone.contains(".workspace"), "{standalone}");
        assert!(standalone.ends_with("[workspace]\n"), "{standalone}");
    }

    #[test]
    fn package_name_from_package_table() {
        let folder = tempfile::tempdir().unwrap();
        let manifest = folder.path().join("Cargo.toml");
        let text =
            "[workspace]\nname = \"no\"\n\n[package]\nname = \"peer_crate\"\nversion = \"0.1.0\"\n";
        std::fs::write(&manifest, text).unwrap();
        assert_eq!(package_name(&manifest).unwrap(), "peer_crate");
    }

    #[test]
    fn standalone_manifest_needs_dependencies() {
        let err = standalone_manifest("[package]\nname = \"x\"\n").unwrap_err();
        assert!(err.to_string().contains("[dependencies]"), "{err}");
    }
}
