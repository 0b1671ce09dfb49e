//! The benchmark binaries of the SDK crate (`crates/externalcontacts/benches/`): request
//! overhead, decode throughput and streaming memory. Each prints a JSON result line, or for
//! decode leaves criterion's estimates, which become rows of the report.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use super::measure::{self, cargo};
use super::report::Report;
use super::{Folders, Options};

/// Runs one benchmark binary of the SDK crate and returns its JSON result line: through
/// `cargo bench` for a measurement, through `cargo test` (one short pass) in a smoke run.
fn bench_binary(
    folders: &Folders,
    options: &Options,
    name: &str,
    args: &[&str],
) -> Result<serde_json::Value> {
    let mut command = bench_command(folders, options, name, args);
    let stdout = measure::output(&mut command)?;
    measure::json_line(&stdout, name)
}

fn bench_command(folders: &Folders, options: &Options, name: &str, args: &[&str]) -> Command {
    let mut command = cargo();
    let verb = if options.smoke { "test" } else { "bench" };
    command
        .args([verb, "--package", "externalcontacts", "--bench", name, "--"])
        .args(args)
        .env("CRITERION_HOME", folders.bench.join("criterion"))
        .current_dir(&folders.root);
    command
}

pub(super) fn runtime(folders: &Folders, options: &Options, report: &mut Report) -> Result<()> {
    let result = bench_binary(folders, options, "runtime", &[])?;
    let requests = result["requests_per_client"].as_u64().unwrap_or(0);
    let note = format!("{requests} sequential requests each, keep-alive, 127.0.0.1");
    for (percentile, field) in [("p50", "p50_us"), ("p99", "p99_us")] {
        let section = format!("runtime {percentile}, GET one contact");
        let sdk = number(&result["sdk"][field], "runtime", field)?;
        let raw = number(&result["raw"][field], "runtime", field)?;
        report.measured(&section, "ours (SDK)", sdk, "µs", None, note.clone());
        report.measured(
            &section,
            "reqwest + hand-written struct",
            raw,
            "µs",
            Some("ours (SDK)"),
            note.clone(),
        );
    }
    Ok(())
}

pub(super) fn decode(folders: &Folders, options: &Options, report: &mut Report) -> Result<()> {
    const SECTION: &str = "decode, 1,000-contact ContactListing";
    let mut command = bench_command(folders, options, "decode", &[]);
    measure::output(&mut command)?;
    let subjects = [
        ("generated_models", "ours (generated models)"),
        (
            "generated_models_with_path",
            "ours through serde_path_to_error, as the client decodes",
        ),
        ("hand_written_struct", "hand-written struct, every field"),
        ("minimal_struct", "hand-written struct, 3 fields"),
        ("json_value", "serde_json::Value"),
    ];
    if options.smoke {
        for (_, subject) in subjects {
            report.not_measured(SECTION, subject, "smoke run, decoded once untimed");
        }
        return Ok(());
    }
    for (id, subject) in subjects {
        let folder = folders.bench.join("criterion/decode").join(id).join("new");
        let estimates = read_json(&folder.join("estimates.json"))?;
        let benchmark = read_json(&folder.join("benchmark.json"))?;
        let nanos = number(&estimates["median"]["point_estimate"], "decode", "median")?;
        let bytes = number(&benchmark["throughput"]["Bytes"], "decode", "throughput")?;
        let megabytes_per_second = bytes / nanos * 1e3;
        let reference = (id != "generated_models").then_some("ours (generated models)");
        let note = format!("criterion median, {:.0} KB body", bytes / 1e3);
        report.measured(
            SECTION,
            subject,
            megabytes_per_second,
            "MB/s",
            reference,
            note,
        );
    }
    Ok(())
}

pub(super) fn memory(folders: &Folders, options: &Options, report: &mut Report) -> Result<()> {
    let sdk = bench_binary(folders, options, "memory", &["--client", "sdk"])?;
    let raw = bench_binary(folders, options, "memory", &["--client", "raw"])?;
    let contacts = sdk["contacts"].as_u64().unwrap_or(0);
    let section = format!("memory, streaming {contacts} contacts");
    let rate_section = format!("stream rate, {contacts} contacts");
    let contact_bytes = sdk["external_contact_bytes"].as_u64().unwrap_or(0);
    let mut rates = Vec::new();
    for (subject, result) in [
        ("ours (SDK stream)", &sdk),
        ("reqwest + hand-written struct", &raw),
    ] {
        let peak = number(&result["peak_rss_kib"], "memory", "peak_rss_kib")? / 1024.0;
        let baseline = number(&result["baseline_rss_kib"], "memory", "baseline_rss_kib")? / 1024.0;
        let rate = number(
            &result["contacts_per_second"],
            "memory",
            "contacts_per_second",
        )?;
        let reference = (subject != "ours (SDK stream)").then_some("ours (SDK stream)");
        let mut note = format!("peak RSS, {baseline:.1} MiB before streaming, 200 per page");
        if reference.is_none() {
            note.push_str(&format!(
                "; size_of::<ExternalContact>() = {contact_bytes} bytes"
            ));
        }
        if result["peak_was_reset"] != true {
            note.push_str("; peak since process start (cannot reset VmHWM)");
        }
        report.measured(&section, subject, peak, "MiB", reference, note);
        rates.push((subject, rate, reference));
    }
    for (subject, rate, reference) in rates {
        let note = "local server builds each page";
        report.measured(&rate_section, subject, rate, "contacts/s", reference, note);
    }
    Ok(())
}

fn read_json(path: &Path) -> Result<serde_json::Value> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {}; did criterion run?", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not valid JSON", path.display()))
}

fn number(value: &serde_json::Value, bench: &str, field: &str) -> Result<f64> {
    value
        .as_f64()
        .with_context(|| format!("the `{bench}` result has no number `{field}` (got {value})"))
}
