//! Clean build times of our crate and of the peers' crates.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use super::generation::our_generator_command;
use super::measure::{self, cargo};
use super::report::Report;
use super::{peers, Folders, Peers, Subjects, SPEC};

/// Builds each crate from clean in a target folder of its own, then again after removing
/// only the crate's own artifacts, and reports both times.
pub(super) fn compile(
    folders: &Folders,
    xtask: &Path,
    api: &serde_json::Value,
    peers: &Peers,
    report: &mut Report,
) -> Result<()> {
    let subjects = Subjects::new(api, peers);
    let crates = folders.work.join("crates");

    let ours = crates.join("ours");
    peers::copy_our_crate(&folders.root, &ours)?;
    measure::output(&mut our_generator_command(
        xtask,
        &folders.root.join(SPEC),
        &ours,
    ))?;
    let ours_times = build_times(folders, &ours)?;
    record_compile(report, &subjects.ours, None, Ok(ours_times));

    match &peers.progenitor {
        Ok(progenitor) => {
            if !progenitor.complete {
                let subset = crates.join("ours-subset");
                peers::copy_our_crate(&folders.root, &subset)?;
                let spec = &progenitor.subset_spec;
                measure::output(&mut our_generator_command(xtask, spec, &subset))?;
                let subset_times = build_times(folders, &subset);
                record_compile(report, &subjects.ours_subset, None, subset_times);
            }

            let peer = crates.join("progenitor");
            let spec = &progenitor.subset_spec;
            let generate = peers::progenitor_command(&progenitor.binary, spec, &peer, "peer");
            let times = peer_build_times(folders, &peer, generate);
            let reference = Some(subjects.ours_subset.as_str());
            record_compile(report, &subjects.progenitor, reference, times);
        }
        Err(reason) => {
            report.not_measured("compile, clean", &subjects.progenitor, reason.clone());
        }
    }

    match &peers.openapi_generator {
        Ok(launcher) => {
            let peer = crates.join("openapi-generator");
            let spec = folders.root.join(SPEC);
            let generate = peers::openapi_generator_command(launcher, &spec, &peer, "peer");
            let times = peer_build_times(folders, &peer, generate);
            let reference = Some(subjects.ours.as_str());
            record_compile(report, &subjects.openapi_generator, reference, times);
        }
        Err(reason) => {
            report.not_measured(
                "compile, clean",
                &subjects.openapi_generator,
                reason.clone(),
            );
        }
    }
    Ok(())
}

/// Clean build and crate-only rebuild times of one crate, in seconds.
struct BuildTimes {
    clean: f64,
    crate_only: f64,
}

fn record_compile(
    report: &mut Report,
    subject: &str,
    reference: Option<&str>,
    times: Result<BuildTimes>,
) {
    match times {
        Ok(times) => {
            report.measured(
                "compile, clean",
                subject,
                times.clean,
                "s",
                reference,
                "debug build with dependencies, downloads excluded",
            );
            report.measured(
                "compile, crate only",
                subject,
                times.crate_only,
                "s",
                reference,
                "debug build of the crate alone, dependencies built",
            );
        }
        Err(err) => report.not_measured("compile, clean", subject, measure::short_reason(&err)),
    }
}

/// Generates a peer crate into `crate_dir` with `generate`, detaches it from this workspace
/// and times its builds.
fn peer_build_times(
    folders: &Folders,
    crate_dir: &Path,
    mut generate: Command,
) -> Result<BuildTimes> {
    measure::remove_dir(crate_dir)?;
    measure::output(&mut generate)?;
    peers::detach_from_workspace(crate_dir)?;
    build_times(folders, crate_dir)
}

/// Fetches the crate's dependencies, then times a debug build in an empty target folder,
/// and a rebuild after `cargo clean --package`.
fn build_times(folders: &Folders, crate_dir: &Path) -> Result<BuildTimes> {
    let name = crate_dir
        .file_name()
        .map_or("crate".into(), |name| name.to_string_lossy());
    let target = folders.work.join("target").join(name.as_ref());
    measure::remove_dir(&target)?;
    let manifest = crate_dir.join("Cargo.toml");
    let package = peers::package_name(&manifest)?;
    let cargo_in = |args: &[&str]| {
        let mut command = cargo();
        command
            .args(args)
            .arg("--manifest-path")
            .arg(&manifest)
            .env("CARGO_TARGET_DIR", &target)
            .current_dir(crate_dir);
        command
    };
    measure::output(&mut cargo_in(&["fetch"]))
        .with_context(|| format!("cannot fetch the dependencies of {}", crate_dir.display()))?;
    let clean = measure::timed(&mut cargo_in(&["build", "--offline"]))
        .with_context(|| format!("{} does not build", crate_dir.display()))?;
    measure::output(&mut cargo_in(&[
        "clean",
        "--offline",
        "--package",
        &package,
    ]))?;
    let crate_only = measure::timed(&mut cargo_in(&["build", "--offline"]))?;
    Ok(BuildTimes {
        clean: clean.as_secs_f64(),
        crate_only: crate_only.as_secs_f64(),
    })
}
