//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::{bench, codegen};

/// Folder of the Node.js tools the tests use: Prism (mock server) and Redocly (spec linter).
const CONTRACT_TOOLS: &str = "xtask/contract";

/// Runs formatting, freshness, lint, doc and test checks, then the benchmarks once, from the
/// workspace root.
pub fn run(root: &Path) -> Result<()> {
    cargo(
        root,
        "format check",
        &["fmt", "--all", "--", "--check"],
        &[],
    )?;

    step("generated code freshness");
    codegen::check(&codegen::Config::external_contacts(root))?;

    install_contract_tools(root)?;
    lint_spec(root)?;

    let clippy = [
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ];
    cargo(root, "clippy", &clippy, &[])?;
    let rustdoc_flags = [("RUSTDOCFLAGS", "-D warnings")];
    cargo(
        root,
        "docs",
        &["doc", "--workspace", "--no-deps"],
        &rustdoc_flags,
    )?;
    cargo(root, "tests", &["test", "--workspace"], &[])?;

    step("benchmark smoke run");
    bench::run(root, &bench::Options::smoke())?;
    println!("all checks passed");
    Ok(())
}

fn step(name: &str) {
    println!("==> {name}");
}

fn cargo(root: &Path, name: &str, args: &[&str], env: &[(&str, &str)]) -> Result<()> {
    step(name);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(&cargo)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root)
        .status()
        .with_context(|| format!("cannot run `{cargo}`"))?;
    if !status.success() {
        bail!(
            "{name} failed: `cargo {}` exited with {status}",
            args.join(" ")
        );
    }
    Ok(())
}

/// Installs Prism and Redocly into `xtask/contract/node_modules` with `npm ci`, unless the
/// installed tree is newer than the lock file.
fn install_contract_tools(root: &Path) -> Result<()> {
    step("contract tools (npm ci)");
    let node = Command::new("node").arg("--version").output();
    let version = match node {
        Ok(output) if output.status.success() => {
            String::from_utf8_lossy(&output.stdout).trim().to_owned()
        }
        _ => bail!(
            "Node.js is missing: the contract tests need Node.js 20 or newer and npm \
             (on Debian: `apt-get install nodejs npm`)"
        ),
    };
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    if major < 20 {
        bail!("Node.js {version} is too old: the contract tests need Node.js 20 or newer");
    }

    let tools = root.join(CONTRACT_TOOLS);
    let modified = |path: &Path| {
        std::fs::metadata(path)
            .and_then(|meta| meta.modified())
            .ok()
    };
    let lock = modified(&tools.join("package-lock.json"));
    let installed = modified(&tools.join("node_modules/.package-lock.json"));
    if let (Some(installed), Some(lock)) = (installed, lock) {
        if installed >= lock {
            println!("already installed");
            return Ok(());
        }
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--prefix"])
        .arg(&tools)
        .current_dir(root)
        .status()
        .context(
            "cannot run `npm`: install npm beside Node.js (on Debian: `apt-get install npm`)",
        )?;
    if !status.success() {
        bail!("`npm ci --prefix {CONTRACT_TOOLS}` exited with {status}");
    }
    Ok(())
}

/// Lints the spec with Redocly, whose settings and disabled rules are in
/// `xtask/contract/redocly.yaml`.
fn lint_spec(root: &Path) -> Result<()> {
    step("spec lint (Redocly)");
    let tools = root.join(CONTRACT_TOOLS);
    let status = Command::new(tools.join("node_modules/.bin/redocly"))
        .args(["lint", "--config"])
        .arg(tools.join("redocly.yaml"))
        .arg("spec/externalcontacts.yaml")
        // No telemetry or update check: the tests send nothing beyond this machine.
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .current_dir(root)
        .status()
        .context("cannot run Redocly from xtask/contract/node_modules")?;
    if !status.success() {
        bail!("spec lint failed: Redocly exited with {status}");
    }
    Ok(())
}
