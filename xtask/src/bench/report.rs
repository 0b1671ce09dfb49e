//! The benchmark table: rows, machine facts, the printed table and the JSON report.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};
use serde::Serialize;

/// The machine a report was measured on.
#[derive(Debug, Serialize)]
pub struct Machine {
    pub cpus: usize,
    pub cpu_model: String,
    pub memory_gib: f64,
    pub os: String,
    pub rustc: String,
}

impl Machine {
    /// Reads the machine facts from procfs and `rustc --version`; facts that cannot be read
    /// are `unknown`.
    pub fn detect() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find_map(|line| line.strip_prefix("model name")?.split_once(':'))
            .map_or("unknown".to_owned(), |(_, model)| model.trim().to_owned());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_kib: f64 = meminfo
            .lines()
            .find_map(|line| line.strip_prefix("MemTotal:"))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .unwrap_or(0.0);
        let os = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map_or("unknown".to_owned(), |release| {
                format!("{} {}", std::env::consts::OS, release.trim())
            });
        let rustc = Command::new("rustc")
            .arg("--version")
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map_or("unknown".to_owned(), |output| {
                String::from_utf8_lossy(&output.stdout).trim().to_owned()
            });
        Machine {
            cpus: std::thread::available_parallelism().map_or(0, usize::from),
            cpu_model,
            memory_gib: (memory_kib / 1_048_576.0 * 10.0).round() / 10.0,
            os,
            rustc,
        }
    }
}

/// One measurement, or the reason it is missing.
#[derive(Debug, Serialize)]
pub struct Row {
    pub section: String,
    pub subject: String,
    /// The measured value, `None` when the subject was not measured.
    pub value: Option<f64>,
    pub unit: String,
    /// The subject this row is compared with, in the same section.
    pub reference: Option<String>,
    /// `value` divided by the reference's value.
    pub ratio: Option<f64>,
    pub note: String,
}

/// An operation a peer generator rejected.
#[derive(Debug, Serialize)]
pub struct Rejection {
    pub generator: String,
    pub operation_id: String,
    pub method: String,
    pub path: String,
    pub reason: String,
}

/// Everything one `cargo xtask bench` run measured.
#[derive(Debug, Serialize)]
pub struct Report {
    pub date: String,
    pub command: String,
    pub smoke: bool,
    pub machine: Machine,
    pub rows: Vec<Row>,
    pub rejected_operations: Vec<Rejection>,
}

impl Report {
    /// Adds a measured row. With a `reference`, the ratio is this value divided by the value
    /// of the reference row of the same section, when that row was measured.
    pub fn measured(
        &mut self,
        section: &str,
        subject: &str,
        value: f64,
        unit: &str,
        reference: Option<&str>,
        note: impl Into<String>,
    ) {
        let ratio = reference.and_then(|reference| {
            let base = self.value(section, reference)?;
            (base != 0.0).then(|| value / base)
        });
        self.rows.push(Row {
            section: section.to_owned(),
            subject: subject.to_owned(),
            value: Some(value),
            unit: unit.to_owned(),
            reference: reference.map(str::to_owned),
            ratio,
            note: note.into(),
        });
    }

    /// Adds a row for a subject that was not measured, with the reason.
    pub fn not_measured(&mut self, section: &str, subject: &str, reason: impl Into<String>) {
        self.rows.push(Row {
            section: section.to_owned(),
            subject: subject.to_owned(),
            value: None,
            unit: String::new(),
            reference: None,
            ratio: None,
            note: format!("not measured: {}", reason.into()),
        });
    }

    /// Returns the value of a measured row.
    pub fn value(&self, section: &str, subject: &str) -> Option<f64> {
        self.rows
            .iter()
            .find(|row| row.section == section && row.subject == subject)
            .and_then(|row| row.value)
    }

    /// Renders the header lines and the table as Markdown, ready for the README.
    pub fn to_markdown(&self) -> String {
        let mut text = String::new();
        let machine = &self.machine;
        let _ = writeln!(text, "Measured {} with `{}`", self.date, self.command);
        let _ = writeln!(
            text,
            "on {} CPUs ({}), {} GiB, {}, {}.",
            machine.cpus, machine.cpu_model, machine.memory_gib, machine.os, machine.rustc
        );
        if self.smoke {
            let _ = writeln!(
                text,
                "Smoke run: one iteration each, the values mean nothing."
            );
        }
        text.push('\n');

        let header = ["section", "subject", "result", "ratio", "note"];
        let cells: Vec<[String; 5]> = self
            .rows
            .iter()
            .map(|row| {
                let result = row.value.map_or("-".to_owned(), |value| {
                    format!("{} {}", format_value(value), row.unit)
                });
                let ratio = match (&row.reference, row.ratio) {
                    (Some(reference), Some(ratio)) => format!("{ratio:.2}x {reference}"),
                    _ => String::new(),
                };
                [
                    row.section.clone(),
                    row.subject.clone(),
                    result,
                    ratio,
                    row.note.clone(),
                ]
            })
            .collect();
        let mut widths = header.map(str::len);
        for row in &cells {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            format!("| {} |\n", padded.join(" | ").trim_end())
        };
        text.push_str(&line(&header.map(str::to_owned)));
        let rule: Vec<String> = widths.iter().map(|width| "-".repeat(*width)).collect();
        text.push_str(&line(&rule));
        for row in &cells {
            text.push_str(&line(row));
        }

        if !self.rejected_operations.is_empty() {
            text.push_str("\nOperations a peer generator rejected:\n\n");
            for rejection in &self.rejected_operations {
                let _ = writeln!(
                    text,
                    "- {}: `{}` ({} {}): {}",
                    rejection.generator,
                    rejection.operation_id,
                    rejection.method.to_uppercase(),
                    rejection.path,
                    rejection.reason
                );
            }
        }
        text
    }

    /// Writes the report as JSON and the table as Markdown beside it.
    pub fn write(&self, json_path: &Path) -> Result<()> {
        if let Some(folder) = json_path.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
        }
        let json = serde_json::to_string_pretty(self).context("the report serializes")?;
        std::fs::write(json_path, json + "\n")
            .with_context(|| format!("cannot write {}", json_path.display()))?;
        let markdown_path = json_path.with_extension("md");
        std::fs::write(&markdown_path, self.to_markdown())
            .with_context(|| format!("cannot write {}", markdown_path.display()))
    }
}

/// Prints a value with three significant digits, without exponent notation.
fn format_value(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 100.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else if magnitude >= 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            date: "2026-12-04".to_owned(),
            command: "cargo xtask bench".to_owned(),
            smoke: false,
            machine: Machine {
                cpus: 2,
                cpu_model: "test CPU".to_owned(),
                memory_gib: 24.0,
                os: "linux 6.1".to_owned(),
                rustc: "rustc 1.95.0".to_owned(),
            },
            rows: Vec::new(),
            rejected_operations: Vec::new(),
        }
    }

    #[test]
    fn ratio_divides_by_reference() {
        let mut report = report();
        report.measured("compile", "ours", 20.0, "s", None, "");
        report.measured("compile", "peer", 50.0, "s", Some("ours"), "");
        assert_eq!(report.rows[1].ratio, Some(2.5));
    }

    #[test]
    fn ratio_missing_without_reference_value() {
        let mut report = report();
        report.not_measured("compile", "ours", "smoke run");
        report.measured("compile", "peer", 50.0, "s", Some("ours"), "");
        assert_eq!(report.rows[1].ratio, None);
    }

    #[test]
    fn markdown_lists_rows_and_reasons() {
        let mut report = report();
        report.measured("decode", "ours", 123.456, "MB/s", None, "median");
        report.not_measured("decode", "peer", "tool missing");
        let markdown = report.to_markdown();
        assert!(
            markdown.contains("| decode  | ours    | 123 MB/s |"),
            "{markdown}"
        );
        assert!(
            markdown.contains("not measured: tool missing"),
            "{markdown}"
        );
        assert!(markdown.contains("2 CPUs (test CPU)"), "{markdown}");
    }

    #[test]
    fn values_keep_three_digits() {
        assert_eq!(format_value(1234.5), "1234");
        assert_eq!(format_value(12.345), "12.3");
        assert_eq!(format_value(1.2345), "1.23");
        assert_eq!(format_value(0.012345), "0.012");
    }
}
