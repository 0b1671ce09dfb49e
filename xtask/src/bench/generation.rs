//! Generation time of our generator and of the peers, on the spec and on a synthetic spec
//! several times larger.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::Result;

use super::report::Report;
use super::{measure, peers, spec, Folders, Options, Peers, Subjects, SCALE, SPEC};

/// Times our generator on the spec, a synthetic spec `SCALE` times larger and progenitor's
/// subset, and the peers on the same input.
pub(super) fn generation(
    folders: &Folders,
    options: &Options,
    xtask: &Path,
    api: &serde_json::Value,
    peers: &Peers,
    report: &mut Report,
) -> Result<()> {
    const SECTION: &str = "generation";
    let subjects = Subjects::new(api, peers);
    let runs = options.runs.max(1);
    let note = format!("median of {runs}");
    let operations = spec::operations(api).len() as f64;

    let spec_path = folders.root.join(SPEC);
    let ours = time_our_generator(folders, xtask, &spec_path, runs)?;
    let per_operation = ours / operations;
    report.measured(
        SECTION,
        &subjects.ours,
        ours,
        "ms",
        None,
        format!("{note}, {per_operation:.2} ms per operation"),
    );

    let scale = if options.smoke { 2 } else { SCALE };
    let scaled_path = folders.work.join(format!("spec-{scale}x.json"));
    spec::save(&spec::replicate(api, scale)?, &scaled_path)?;
    let scaled = time_our_generator(folders, xtask, &scaled_path, runs)?;
    let scaled_operations = operations * scale as f64;
    let scaled_per_operation = scaled / scaled_operations;
    report.measured(
        SECTION,
        &format!("ours, {scaled_operations} operations (synthetic {scale}x)"),
        scaled,
        "ms",
        Some(&subjects.ours),
        format!(
            "{note}, {scaled_per_operation:.2} ms per operation ({:.2}x the cost per operation at 1x)",
            scaled_per_operation / per_operation
        ),
    );

    match &peers.progenitor {
        Ok(progenitor) => {
            if !progenitor.complete {
                let subset = time_our_generator(folders, xtask, &progenitor.subset_spec, runs)?;
                let subject = &subjects.ours_subset;
                report.measured(SECTION, subject, subset, "ms", None, note.clone());
            }
            let out = folders.work.join("generated-progenitor");
            let time = measure::median_of(runs, || {
                measure::remove_dir(&out)?;
                Ok(peers::progenitor_command(
                    &progenitor.binary,
                    &progenitor.subset_spec,
                    &out,
                    "peer",
                ))
            });
            match time {
                Ok(time) => report.measured(
                    SECTION,
                    &subjects.progenitor,
                    millis(time),
                    "ms",
                    Some(&subjects.ours_subset),
                    note.clone(),
                ),
                Err(err) => {
                    report.not_measured(SECTION, &subjects.progenitor, measure::short_reason(&err))
                }
            }
        }
        Err(reason) => report.not_measured(SECTION, &subjects.progenitor, reason.clone()),
    }

    match &peers.openapi_generator {
        Ok(launcher) => {
            let out = folders.work.join("generated-openapi-generator");
            let time = measure::median_of(runs, || {
                measure::remove_dir(&out)?;
                Ok(peers::openapi_generator_command(
                    launcher, &spec_path, &out, "peer",
                ))
            });
            match time {
                Ok(time) => report.measured(
                    SECTION,
                    &subjects.openapi_generator,
                    millis(time),
                    "ms",
                    Some(&subjects.ours),
                    format!("{note}, includes JVM start"),
                ),
                Err(err) => report.not_measured(
                    SECTION,
                    &subjects.openapi_generator,
                    measure::short_reason(&err),
                ),
            }
        }
        Err(reason) => report.not_measured(SECTION, &subjects.openapi_generator, reason.clone()),
    }
    Ok(())
}

/// Returns the median time, in milliseconds, of our generator writing a fresh crate folder
/// from `spec`.
fn time_our_generator(folders: &Folders, xtask: &Path, spec: &Path, runs: usize) -> Result<f64> {
    let out = folders.work.join("generated-ours");
    let time = measure::median_of(runs, || {
        measure::remove_dir(&out)?;
        std::fs::create_dir_all(&out)?;
        Ok(our_generator_command(xtask, spec, &out))
    })?;
    Ok(millis(time))
}

pub(super) fn our_generator_command(xtask: &Path, spec: &Path, out: &Path) -> Command {
    let mut command = Command::new(xtask);
    command
        .arg("codegen")
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(out);
    command
}

fn millis(time: Duration) -> f64 {
    time.as_secs_f64() * 1e3
}
