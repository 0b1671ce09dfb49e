//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::codegen;

/// Runs formatting, freshness, lint, doc and test checks from the workspace root.
pub fn run(root: &Path) -> Result<()> {
    cargo(
        root,
        "format check",
        &["fmt", "--all", "--", "--check"],
        &[],
    )?;

    step("generated code freshness");
    codegen::check(&codegen::Config::external_contacts(root))?;

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
