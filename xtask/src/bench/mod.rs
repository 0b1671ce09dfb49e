//! `cargo xtask bench`: measures generation, compile time, per-request overhead, decode
//! throughput and streaming memory of the SDK next to its peers, prints one table and writes
//! it to `target/bench/report.json` and `report.md`.
//!
//! Machines are noisy, so every comparison is a ratio of two measurements from the same run.
//! A peer that cannot be installed or built gets a "not measured" row with the reason. With
//! `--smoke`, each benchmark runs once on the debug build, with no peers and no clean builds,
//! so that CI keeps every code path working.

mod compile;
mod crate_benches;
mod generation;
mod measure;
mod peers;
mod report;
mod spec;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use self::measure::cargo;
use self::report::{Machine, Rejection, Report};
use self::spec::Operation;

const SPEC: &str = "spec/externalcontacts.yaml";

/// How many times larger the synthetic spec is; a smoke run uses 2 to stay quick.
const SCALE: usize = 10;

/// Settings of one benchmark run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Run each benchmark once, with no peers and no clean builds.
    pub smoke: bool,
    /// Runs of each generation, of which the median counts.
    pub runs: usize,
    /// Leave out progenitor and openapi-generator.
    pub skip_peers: bool,
    /// Leave out the clean builds.
    pub skip_compile: bool,
}

impl Options {
    /// Settings of the CI smoke run.
    pub fn smoke() -> Options {
        Options {
            smoke: true,
            runs: 1,
            skip_peers: true,
            skip_compile: true,
        }
    }

    /// Returns the command line that reproduces this run.
    fn command(&self) -> String {
        let mut command = "cargo xtask bench".to_owned();
        if self.smoke {
            command.push_str(" --smoke");
        } else if self.runs != usize::from(DEFAULT_RUNS) {
            command.push_str(&format!(" --runs {}", self.runs));
        }
        if self.skip_peers && !self.smoke {
            command.push_str(" --skip-peers");
        }
        if self.skip_compile && !self.smoke {
            command.push_str(" --skip-compile");
        }
        command
    }
}

/// Default number of generation runs.
pub const DEFAULT_RUNS: u16 = 5;

/// Paths of one run.
struct Folders {
    root: PathBuf,
    /// `target/bench`: reports, installed tools, criterion estimates.
    bench: PathBuf,
    /// Scratch space of this run: specs, generated output, peer crates, build folders.
    work: PathBuf,
}

/// The peer generators, or why each is missing.
struct Peers {
    progenitor: Result<Progenitor, String>,
    openapi_generator: Result<PathBuf, String>,
}

/// An installed progenitor and the part of the spec it accepts.
struct Progenitor {
    binary: PathBuf,
    subset: BTreeSet<Operation>,
    subset_spec: PathBuf,
    /// Whether it accepts every operation, so that the subset is the whole spec.
    complete: bool,
}

/// Runs every benchmark and reports them.
pub fn run(root: &Path, options: &Options) -> Result<()> {
    let bench = root.join("target/bench");
    let folders = Folders {
        root: root.to_owned(),
        work: bench.join(if options.smoke { "smoke" } else { "work" }),
        bench,
    };
    measure::remove_dir(&folders.work)?;
    std::fs::create_dir_all(&folders.work)
        .with_context(|| format!("cannot create {}", folders.work.display()))?;

    let mut report = Report {
        date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        command: options.command(),
        smoke: options.smoke,
        machine: Machine::detect(),
        rows: Vec::new(),
        rejected_operations: Vec::new(),
    };
    let api = spec::load(&root.join(SPEC))?;

    step("generator build");
    let xtask = xtask_binary(root, options.smoke)?;
    let peers = if options.smoke || options.skip_peers {
        let reason = if options.smoke {
            "smoke run"
        } else {
            "--skip-peers"
        };
        Peers {
            progenitor: Err(reason.to_owned()),
            openapi_generator: Err(reason.to_owned()),
        }
    } else {
        install_peers(&folders, &api, &mut report)
    };

    step("generation");
    generation::generation(&folders, options, &xtask, &api, &peers, &mut report)?;
    step("compile");
    if options.smoke || options.skip_compile {
        let reason = if options.smoke {
            "smoke run"
        } else {
            "--skip-compile"
        };
        report.not_measured("compile, clean", "all crates", reason);
    } else {
        compile::compile(&folders, &xtask, &api, &peers, &mut report)?;
    }
    step("runtime");
    crate_benches::runtime(&folders, options, &mut report)?;
    step("decode");
    crate_benches::decode(&folders, options, &mut report)?;
    step("memory");
    crate_benches::memory(&folders, options, &mut report)?;

    let name = if options.smoke {
        "smoke-report.json"
    } else {
        "report.json"
    };
    let path = folders.bench.join(name);
    report.write(&path)?;
    println!("\n{}", report.to_markdown());
    println!(
        "written to {} and {}",
        path.display(),
        path.with_extension("md").display()
    );
    Ok(())
}

fn step(name: &str) {
    eprintln!("==> bench: {name}");
}

/// Builds the generator and returns the path of its binary: a release build, or in a smoke
/// run a debug build, which `cargo xtask` has already compiled. The running binary itself
/// will not do, because `cargo test` relinks it at the same path while `cargo xtask test`
/// runs.
fn xtask_binary(root: &Path, smoke: bool) -> Result<PathBuf> {
    let mut build = cargo();
    build.args(["build", "--package", "xtask", "--message-format=json"]);
    if !smoke {
        build.arg("--release");
    }
    let stdout = measure::output(build.current_dir(root)).context("cannot build the generator")?;
    measure::executable(&stdout, "xtask")
}

/// Installs progenitor and openapi-generator and finds the operations progenitor accepts.
fn install_peers(folders: &Folders, api: &serde_json::Value, report: &mut Report) -> Peers {
    let tools = folders.bench.join("tools");
    step("peer install: progenitor");
    let progenitor = peers::install_progenitor(&tools)
        .and_then(|binary| {
            let scratch = folders.work.join("progenitor-probe");
            let probe = peers::probe_progenitor(&binary, api, &scratch)?;
            let complete = probe.rejected.is_empty();
            let subset = probe.accepted;
            for (operation, reason) in probe.rejected {
                report.rejected_operations.push(Rejection {
                    generator: format!("progenitor {}", peers::PROGENITOR_VERSION),
                    operation_id: operation.operation_id,
                    method: operation.method,
                    path: operation.path,
                    reason,
                });
            }
            let subset_spec = folders.work.join("progenitor-subset.json");
            spec::save(&spec::with_operations(api, &subset), &subset_spec)?;
            Ok(Progenitor {
                binary,
                subset,
                subset_spec,
                complete,
            })
        })
        .map_err(|err| measure::short_reason(&err));
    step("peer install: openapi-generator");
    let openapi_generator =
        peers::install_openapi_generator(&tools).map_err(|err| measure::short_reason(&err));
    Peers {
        progenitor,
        openapi_generator,
    }
}

/// Subject names of the table, shared by the sections.
struct Subjects {
    ours: String,
    ours_subset: String,
    progenitor: String,
    openapi_generator: String,
}

impl Subjects {
    fn new(api: &serde_json::Value, peers: &Peers) -> Subjects {
        let all = spec::operations(api).len();
        let subset = match &peers.progenitor {
            Ok(progenitor) => progenitor.subset.len().to_string(),
            Err(_) => "its".to_owned(),
        };
        let ours = format!("ours, {all} operations");
        let ours_subset = match &peers.progenitor {
            Ok(progenitor) if progenitor.complete => ours.clone(),
            _ => format!("ours, {subset} operations (progenitor's subset)"),
        };
        Subjects {
            ours,
            ours_subset,
            progenitor: format!(
                "progenitor {}, {subset} operations",
                peers::PROGENITOR_VERSION
            ),
            openapi_generator: format!(
                "openapi-generator {} rust, {all} operations",
                peers::OPENAPI_GENERATOR_VERSION
            ),
        }
    }
}
