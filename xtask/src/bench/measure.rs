//! Running commands for the benchmarks: timing them and reading their output.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// Returns the cargo that runs this task, or `cargo` from `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

/// Describes a command for messages, as its program and arguments.
pub fn describe(command: &Command) -> String {
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    words.extend(
        command
            .get_args()
            .map(|arg| arg.to_string_lossy().into_owned()),
    );
    words.join(" ")
}

/// Runs a command to completion with its output captured, and returns its stdout. A failure
/// names the command and ends with the last lines of its stderr.
pub fn output(command: &mut Command) -> Result<String> {
    eprintln!("    running {}", describe(command));
    output_quiet(command)
}

/// Runs a command like [`output`], without printing it first.
pub fn output_quiet(command: &mut Command) -> Result<String> {
    let described = describe(command);
    let output = command
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run `{described}`"))?;
    if !output.status.success() {
        bail!(
            "`{described}` exited with {}:\n{}",
            output.status,
            tail(&String::from_utf8_lossy(&output.stderr), 15)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Runs a command with captured output and returns how long it took.
pub fn timed(command: &mut Command) -> Result<Duration> {
    let started = Instant::now();
    output(command)?;
    Ok(started.elapsed())
}

/// Runs a command `runs` times and returns the median time. `prepare` builds the command
/// before each run, untimed.
pub fn median_of(runs: usize, mut prepare: impl FnMut() -> Result<Command>) -> Result<Duration> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let mut command = prepare()?;
        times.push(timed(&mut command)?);
    }
    Ok(median(&mut times))
}

/// Returns the median of a non-empty list, the lower middle one for an even count.
pub fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[(times.len() - 1) / 2]
}

/// Returns the last `lines` non-empty lines of `text`.
pub fn tail(text: &str, lines: usize) -> String {
    let kept: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    kept[kept.len().saturating_sub(lines)..].join("\n")
}

/// Returns the last non-empty line of an error chain, as a one-line reason for the table.
pub fn short_reason(err: &anyhow::Error) -> String {
    let text = format!("{err:#}");
    let line = text
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("unknown failure");
    line.trim().chars().take(160).collect()
}

/// Finds the JSON object that a benchmark binary printed on a line of its own.
pub fn json_line(stdout: &str, bench: &str) -> Result<serde_json::Value> {
    stdout
        .lines()
        .filter(|line| line.starts_with('{'))
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|value| value["bench"] == bench)
        .with_context(|| format!("the `{bench}` benchmark printed no JSON result line"))
}

/// Finds the path of the binary `name` in the JSON messages of `cargo build
/// --message-format=json`.
pub fn executable(messages: &str, name: &str) -> Result<PathBuf> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .filter(|message| message["target"]["name"] == name)
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .with_context(|| format!("cargo built no `{name}` binary"))
}

/// Removes a folder and everything in it, if it exists.
pub fn remove_dir(path: &Path) -> Result<()> {
    match std::fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err).with_context(|| format!("cannot remove {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = Duration::from_millis;
        assert_eq!(median(&mut [ms(3), ms(1), ms(2)]), ms(2));
        assert_eq!(median(&mut [ms(4), ms(1), ms(3), ms(2)]), ms(2));
    }

    #[test]
    fn json_line_finds_named_result() {
        let stdout = "noise\n{\"bench\":\"other\"}\n{\"bench\":\"runtime\",\"x\":1}\n";
        let value = json_line(stdout, "runtime").unwrap();
        assert_eq!(value["x"], 1);
    }

    #[test]
    fn json_line_missing_names_bench() {
        let err = json_line("{\"bench\":\"other\"}\n", "memory").unwrap_err();
        assert!(err.to_string().contains("`memory`"), "{err}");
    }

    #[test]
    fn executable_from_cargo_messages() {
        let messages = concat!(
            "{\"reason\":\"compiler-artifact\",\"target\":{\"name\":\"serde\"},\"executable\":null}\n",
            "{\"reason\":\"compiler-artifact\",\"target\":{\"name\":\"xtask\"},\"executable\":\"/t/xtask\"}\n",
            "{\"reason\":\"build-finished\",\"success\":true}\n",
        );
        assert_eq!(
            executable(messages, "xtask").unwrap(),
            PathBuf::from("/t/xtask")
        );
    }

    #[test]
    fn executable_missing_names_binary() {
        let err = executable("{\"reason\":\"build-finished\"}\n", "xtask").unwrap_err();
        assert!(err.to_string().contains("`xtask`"), "{err}");
    }

    #[test]
    fn short_reason_takes_last_line() {
        let err = anyhow::anyhow!("first\nsecond line\n\n");
        assert_eq!(short_reason(&err), "second line");
    }
}
