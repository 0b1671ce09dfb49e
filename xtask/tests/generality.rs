//! `cargo xtask codegen --crate-name` on specs other than External Contacts: the generated
//! crates must compile without warnings, pass clippy and send what their specs describe.
//!
//! Generated crates build in `target/generated-crates`, so that their dependencies compile
//! once for every test and every run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_owned()
}

fn fixture(name: &str) -> PathBuf {
    workspace().join("xtask/tests/fixtures").join(name)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `cargo xtask codegen [extra] --spec SPEC --out OUT --crate-name NAME`.
fn codegen(extra: &[&str], spec: &Path, out: &Path, crate_name: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("codegen")
        .args(extra)
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .args(["--crate-name", crate_name])
        .output()
        .expect("the xtask binary runs")
}

/// A crate generated into a fresh temporary folder, outside the workspace so that cargo
/// builds it as a crate of its own.
struct GeneratedCrate {
    _temp: tempfile::TempDir,
    dir: PathBuf,
    /// What `codegen` printed to stderr: fallbacks and renames.
    report: String,
    generation_time: Duration,
}

impl GeneratedCrate {
    fn new(spec: &Path, crate_name: &str) -> Self {
        let temp = tempfile::tempdir().expect("temporary folder");
        let dir = temp.path().join(crate_name);
        let started = Instant::now();
        let output = codegen(&[], spec, &dir, crate_name);
        let generation_time = started.elapsed();
        assert!(
            output.status.success(),
            "codegen failed:\n{}",
            text(&output.stderr)
        );
        // The workspace's lock file pins the same dependency versions the SDK is tested with.
        fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
        GeneratedCrate {
            _temp: temp,
            dir,
            report: text(&output.stderr),
            generation_time,
        }
    }

    fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.dir.join(relative)).expect("read a generated file")
    }

    /// Runs cargo in the crate and fails the test, with cargo's output, if it fails.
    fn cargo(&self, args: &[&str]) -> Duration {
        let started = Instant::now();
        let output: Output = Command::new(env!("CARGO"))
            .args(args)
            .current_dir(&self.dir)
            .env(
                "CARGO_TARGET_DIR",
                workspace().join("target/generated-crates"),
            )
            .env_remove("RUSTFLAGS")
            .output()
            .expect("cargo runs");
        assert!(
            output.status.success(),
            "`cargo {}` failed in {}:\n{}\n{}",
            args.join(" "),
            self.dir.display(),
            text(&output.stdout),
            text(&output.stderr)
        );
        started.elapsed()
    }
}

#[test]
fn constructs_crate_sends_described_requests() {
    let generated = GeneratedCrate::new(&fixture("constructs.yaml"), "constructs");
    let manifest = generated.dir.join("Cargo.toml");
    let mut toml = fs::read_to_string(&manifest).expect("read Cargo.toml");
    toml.push_str(
        "\n[dev-dependencies]\nbytes = \"1\"\nserde_json = \"1\"\n\
         tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\nwiremock = \"0.6\"\n",
    );
    fs::write(&manifest, toml).expect("write Cargo.toml");
    fs::create_dir_all(generated.dir.join("tests")).expect("create tests folder");
    fs::copy(
        fixture("constructs_calls.rs"),
        generated.dir.join("tests/calls.rs"),
    )
    .expect("copy the calls test");

    generated.cargo(&["clippy", "--all-targets", "--", "-D", "warnings"]);
    generated.cargo(&["test", "--quiet"]);
}

#[test]
fn report_lists_fallbacks_and_renames() {
    let generated = GeneratedCrate::new(&fixture("constructs.yaml"), "constructs_report");

    let expected = [
        "fallback: 1 operation(s) document no 2XX response: their `default` response is taken as the success response",
        "fallback: 1 schema(s) use oneOf, anyOf or not: typed as serde_json::Value",
        "fallback: 1 allOf schema(s) cannot merge into one object",
        "fallback: 2 query parameter(s) are objects or arrays of objects: each value is sent as its JSON text",
        "fallback: 1 scalar schema(s) have keywords that do not fit their type",
        "fallback: 1 form request bodies with fields a form cannot carry flat (arrays, objects): sent as the caller's bytes",
        "fallback: 1 multipart request bodies: built by the caller as a MultipartForm",
        "note: 7 name(s) got a numeric suffix to avoid a collision (run with -v to list them)",
    ];
    for line in expected {
        assert!(
            generated.report.contains(line),
            "missing `{line}` in:\n{}",
            generated.report
        );
    }
    let models = generated.read("src/models/mod.rs");
    for name in [
        "AbTest",
        "AbTest2",
        "Result2",
        "Option2",
        "Box2",
        "String2",
        "Vec2",
        "ReportType",
        "ReportType2",
    ] {
        assert!(
            models.contains(&format!("::{name};")),
            "no `{name}` in:\n{models}"
        );
    }
}

#[test]
fn generated_code_matches_snapshots() {
    let generated = GeneratedCrate::new(&fixture("constructs.yaml"), "constructs_snapshots");

    insta::assert_snapshot!(
        "two_success_responses",
        generated.read("src/operations/get_report.rs")
    );
    insta::assert_snapshot!("form_body", generated.read("src/operations/post_token.rs"));
    insta::assert_snapshot!(
        "multipart_body",
        generated.read("src/operations/post_uploads.rs")
    );
    insta::assert_snapshot!(
        "bytes_body_default_response",
        generated.read("src/operations/put_report_template.rs")
    );
    insta::assert_snapshot!(
        "text_response",
        generated.read("src/operations/get_report_template.rs")
    );
    insta::assert_snapshot!(
        "merged_all_of",
        generated.read("src/models/named_and_dated.rs")
    );
    insta::assert_snapshot!(
        "inline_object",
        generated.read("src/models/report_owner.rs")
    );
    insta::assert_snapshot!("manifest", generated.read("Cargo.toml"));
    insta::assert_snapshot!("crate_root", generated.read("src/lib.rs"));
}

#[test]
fn check_reports_edited_runtime_file() {
    let generated = GeneratedCrate::new(&fixture("constructs.yaml"), "constructs_check");
    let check = |dir: &Path| {
        codegen(
            &["--check"],
            &fixture("constructs.yaml"),
            dir,
            "constructs_check",
        )
    };
    assert!(check(&generated.dir).status.success());

    let runtime = generated.dir.join("src/client.rs");
    let edited = fs::read_to_string(&runtime).expect("read client.rs") + "\n// edited\n";
    fs::write(&runtime, edited).expect("edit client.rs");
    let output = check(&generated.dir);

    assert!(!output.status.success());
    let message = text(&output.stderr);
    assert!(message.contains("stale: "), "{message}");
    assert!(message.contains("src/client.rs"), "{message}");
    assert!(
        message.contains("--crate-name constructs_check"),
        "{message}"
    );
}

#[test]
fn hand_written_crate_is_rejected() {
    let dir = tempfile::tempdir().expect("temporary folder");
    fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"mine\"\n",
    )
    .expect("write");
    fs::create_dir_all(dir.path().join("src")).expect("create src");
    fs::write(dir.path().join("src/lib.rs"), "// mine\n").expect("write");

    let output = codegen(&[], &fixture("constructs.yaml"), dir.path(), "constructs");

    assert!(!output.status.success());
    let message = text(&output.stderr);
    assert!(
        message.contains("belongs to a crate the generator did not write"),
        "{message}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("src/lib.rs")).expect("read"),
        "// mine\n",
        "the hand-written crate is untouched"
    );
}

#[test]
fn folder_without_manifest_is_rejected_unless_empty() {
    let dir = tempfile::tempdir().expect("temporary folder");
    fs::create_dir_all(dir.path().join("src/deep")).expect("create src");
    fs::write(dir.path().join("src/deep/notes.txt"), "mine\n").expect("write");

    let output = codegen(&[], &fixture("constructs.yaml"), dir.path(), "constructs");

    assert!(!output.status.success());
    let message = text(&output.stderr);
    assert!(
        message.contains("is not empty and has no Cargo.toml written by the generator"),
        "{message}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("src/deep/notes.txt")).expect("read"),
        "mine\n",
        "the folder is untouched"
    );
}

#[test]
fn invalid_crate_name_is_rejected() {
    let dir = tempfile::tempdir().expect("temporary folder");

    let output = codegen(&[], &fixture("constructs.yaml"), dir.path(), "my crate");

    assert!(!output.status.success());
    let message = text(&output.stderr);
    assert!(
        message.contains("`my crate` is not a valid crate name"),
        "{message}"
    );
    assert!(message.contains("help: "), "{message}");
    assert!(
        fs::read_dir(dir.path()).expect("list").next().is_none(),
        "nothing is written"
    );
}

/// Generates and lints the whole Genesys platform API of 2017-09-21 (846 operations, 735
/// schemas). It takes a few minutes, so it runs on request and in CI:
/// `cargo test -p xtask --test generality -- --ignored`.
#[test]
#[ignore = "builds an 846-operation crate; run with --ignored (CI does)"]
fn platform_2017_crate_passes_clippy() {
    let spec = workspace().join("../shared/specs/genesys-platform-2017-09-21.openapi.yaml");
    assert!(spec.exists(), "{} is missing", spec.display());
    let generated = GeneratedCrate::new(&spec, "genesys_platform_2017");

    let check_time = generated.cargo(&["check"]);
    let clippy_time = generated.cargo(&["clippy", "--all-targets", "--", "-D", "warnings"]);

    let operations = generated
        .read("src/operations/mod.rs")
        .matches("\nmod ")
        .count();
    println!(
        "generated {operations} operations in {:.2} s; cargo check {:.1} s, clippy {:.1} s\n{}",
        generated.generation_time.as_secs_f64(),
        check_time.as_secs_f64(),
        clippy_time.as_secs_f64(),
        generated.report
    );
    assert_eq!(operations, 846);
    for line in [
        "fallback: 34 operation(s) document no 2XX response",
        "fallback: 17 query parameter(s) are objects or arrays of objects",
        "fallback: 2 scalar schema(s) have keywords that do not fit their type",
    ] {
        assert!(
            generated.report.contains(line),
            "missing `{line}` in:\n{}",
            generated.report
        );
    }
}
