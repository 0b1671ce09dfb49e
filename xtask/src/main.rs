//! Maintainer tasks for the External Contacts SDK workspace, run as `cargo xtask <task>`.

mod bench;
mod codegen;
mod test;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Maintainer tasks for the External Contacts SDK"
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Generate crates/externalcontacts from spec/externalcontacts.yaml.
    Codegen {
        /// Change nothing; fail if any generated file is stale, missing or extra.
        #[arg(long)]
        check: bool,
        /// OpenAPI 3.0 spec to read, instead of spec/externalcontacts.yaml.
        #[arg(long, value_name = "FILE")]
        spec: Option<PathBuf>,
        /// Crate folder to write into, instead of crates/externalcontacts.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Write a standalone crate of this name into --out: Cargo.toml, src/lib.rs and the
        /// runtime beside the models and operations.
        #[arg(long, value_name = "NAME", requires = "out")]
        crate_name: Option<String>,
        /// Print the generator's decisions, such as listings that get no stream.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Run every check: formatting, generated-code freshness, clippy, docs, all tests and a
    /// smoke run of the benchmarks.
    Test,
    /// Measure generation, compile time, request overhead, decode speed and streaming memory
    /// next to progenitor, openapi-generator and plain reqwest. The table is printed and
    /// written to target/bench/report.json and report.md.
    Bench {
        /// Run each benchmark once on the debug build, without peers or clean builds, to check
        /// that the benchmarks work; the numbers mean nothing.
        #[arg(long)]
        smoke: bool,
        /// Runs of each generation; the median counts.
        #[arg(long, value_name = "N", default_value_t = bench::DEFAULT_RUNS,
              value_parser = clap::value_parser!(u16).range(1..))]
        runs: u16,
        /// Leave out progenitor and openapi-generator (no installs).
        #[arg(long)]
        skip_peers: bool,
        /// Leave out the clean builds, which take several minutes.
        #[arg(long)]
        skip_compile: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Codegen {
            check,
            spec,
            out,
            crate_name,
            verbose,
        } => run_codegen(check, spec, out, crate_name, verbose),
        Task::Test => test::run(&workspace_root()),
        Task::Bench {
            smoke,
            runs,
            skip_peers,
            skip_compile,
        } => {
            let options = if smoke {
                bench::Options::smoke()
            } else {
                bench::Options {
                    smoke,
                    runs: usize::from(runs),
                    skip_peers,
                    skip_compile,
                }
            };
            bench::run(&workspace_root(), &options)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_codegen(
    check: bool,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    crate_name: Option<String>,
    verbose: bool,
) -> anyhow::Result<()> {
    let root = workspace_root();
    let mut config = codegen::Config::external_contacts(&root);
    config.verbose = verbose;
    let mut command = vec!["cargo xtask codegen".to_owned()];
    if let Some(spec) = spec {
        command.push(format!("--spec {}", spec.display()));
        config.spec_label = spec_label(&spec, &root);
        config.spec = spec;
    }
    if let Some(out) = out {
        command.push(format!("--out {}", out.display()));
        config.out_label = match out.strip_prefix(&root) {
            Ok(inside) => inside.to_owned(),
            Err(_) => out.clone(),
        };
        config.out_dir = out;
    }
    if let Some(name) = crate_name {
        codegen::check_standalone_target(&config.out_dir, &name)?;
        command.push(format!("--crate-name {name}"));
        config.crate_name = Some(name);
    }
    config.command = command.join(" ");

    let report = if check {
        codegen::check(&config)?;
        "generated files are up to date\n".to_owned()
    } else {
        let changes = codegen::generate(&config)?;
        let files = codegen::count_files(changes.count());
        match changes.count() {
            0 => "generated files were already up to date\n".to_owned(),
            // A first generation lists every file; only a regeneration's list is worth reading.
            count if count > 40 => format!("wrote {files}\n"),
            _ => {
                let list = changes.list(&config.out_label, ["updated", "added", "removed"]);
                format!("wrote {files}:\n{list}")
            }
        }
    };
    // A closed pipe (`cargo xtask codegen | head`) is no reason to fail after the work is done.
    let _ = std::io::stdout().write_all(report.as_bytes());
    Ok(())
}

/// Names a spec given on the command line for generated headers. A relative path stays as
/// given, a path inside the workspace becomes relative to it, and any other path shrinks to
/// its file name, so that no machine-specific path ends up in generated files.
fn spec_label(spec: &Path, root: &Path) -> String {
    let label = if spec.is_relative() {
        spec
    } else if let Ok(inside) = spec.strip_prefix(root) {
        inside
    } else {
        spec.file_name().map_or(spec, Path::new)
    };
    label.display().to_string().replace('\\', "/")
}

/// Returns the workspace root, the parent of this crate's folder.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new("."))
        .to_owned()
}
