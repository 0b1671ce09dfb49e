//! `cargo xtask codegen` as maintainers run it: the real binary on the real spec, and on
//! broken copies of it in temporary folders.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_owned()
}

fn xtask(current_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(current_dir)
        .output()
        .expect("the xtask binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("list folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Reads every file below `dir`, to compare trees before and after a run.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in fs::read_dir(dir).expect("list folder") {
        let path = entry.expect("folder entry").path();
        if path.is_dir() {
            files.extend(snapshot(&path));
        } else {
            files.insert(path.clone(), fs::read(&path).expect("read file"));
        }
    }
    files
}

/// A temporary folder holding `spec/externalcontacts.yaml` and the `src` and `tests` folders
/// of `crates/externalcontacts` copied from the workspace, laid out so that generated headers
/// match the committed ones.
struct Copy {
    dir: tempfile::TempDir,
}

impl Copy {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = workspace();
        fs::create_dir_all(dir.path().join("spec")).expect("create spec folder");
        fs::copy(
            root.join("spec/externalcontacts.yaml"),
            dir.path().join("spec/externalcontacts.yaml"),
        )
        .expect("copy spec");
        for generated in ["src", "tests"] {
            let relative = Path::new("crates/externalcontacts").join(generated);
            copy_dir(&root.join(&relative), &dir.path().join(&relative));
        }
        Copy { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn spec(&self) -> PathBuf {
        self.path().join("spec/externalcontacts.yaml")
    }

    fn crate_dir(&self) -> PathBuf {
        self.path().join("crates/externalcontacts")
    }

    fn edit_spec(&self, from: &str, to: &str) {
        let text = fs::read_to_string(self.spec()).expect("read spec");
        assert_eq!(
            text.matches(from).count(),
            1,
            "`{from}` must occur once in the spec"
        );
        fs::write(self.spec(), text.replacen(from, to, 1)).expect("write spec");
    }

    fn codegen(&self, extra: &[&str]) -> Output {
        let mut args = vec![
            "codegen",
            "--spec",
            "spec/externalcontacts.yaml",
            "--out",
            "crates/externalcontacts",
        ];
        args.extend(extra);
        xtask(self.path(), &args)
    }
}

#[test]
fn check_passes_on_committed_tree() {
    let output = xtask(&workspace(), &["codegen", "--check"]);

    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "generated files are up to date\n"
    );
}

#[test]
fn check_names_file_stale_after_spec_change() {
    let copy = Copy::new();
    copy.edit_spec(
        "description: Postal address of the contact.",
        "description: Where the contact lives.",
    );

    let output = copy.codegen(&["--check"]);

    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("1 generated file is out of date"),
        "{message}"
    );
    assert!(
        message.contains("stale: crates/externalcontacts/src/models/external_contact.rs"),
        "{message}"
    );
    assert!(
        message.contains("run `cargo xtask codegen --spec spec/externalcontacts.yaml --out crates/externalcontacts`"),
        "{message}"
    );
}

#[test]
fn check_reports_missing_and_extra_then_codegen_repairs() {
    let copy = Copy::new();
    let models = copy.crate_dir().join("src/models");
    fs::remove_file(models.join("note.rs")).expect("remove a generated file");
    fs::write(models.join("obsolete.rs"), "pub struct Obsolete;\n").expect("add a stray file");

    let check = copy.codegen(&["--check"]);
    let message = stderr(&check);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        message.contains("missing: crates/externalcontacts/src/models/note.rs"),
        "{message}"
    );
    assert!(
        message.contains("extra: crates/externalcontacts/src/models/obsolete.rs"),
        "{message}"
    );

    let write = copy.codegen(&[]);
    assert!(write.status.success(), "{}", stderr(&write));
    assert!(models.join("note.rs").exists());
    assert!(!models.join("obsolete.rs").exists());

    let recheck = copy.codegen(&["--check"]);
    assert!(recheck.status.success(), "{}", stderr(&recheck));
}

#[test]
fn generation_is_deterministic() {
    let first = tempfile::tempdir().expect("temporary folder");
    let second = tempfile::tempdir().expect("temporary folder");
    let spec = workspace().join("spec/externalcontacts.yaml");
    let spec = spec.to_str().expect("UTF-8 path");

    for out in [first.path(), second.path()] {
        let output = xtask(
            &workspace(),
            &[
                "codegen",
                "--spec",
                spec,
                "--out",
                out.to_str().expect("UTF-8"),
            ],
        );
        assert!(output.status.success(), "{}", stderr(&output));
    }

    let strip = |dir: &Path| -> BTreeMap<PathBuf, Vec<u8>> {
        snapshot(dir)
            .into_iter()
            .map(|(path, bytes)| (path.strip_prefix(dir).unwrap().to_owned(), bytes))
            .collect()
    };
    let first_files = strip(first.path());
    assert_eq!(
        first_files.len(),
        129 + 1 + 71 + 1 + 2,
        "models and models/mod.rs, operations and operations/mod.rs, two generated tests"
    );
    assert_eq!(first_files, strip(second.path()));
}

/// Runs codegen (writing mode) on a broken spec and checks that nothing on disk changed.
fn codegen_fails_without_writing(copy: &Copy) -> String {
    let before = snapshot(&copy.crate_dir());
    let output = copy.codegen(&[]);
    assert_eq!(output.status.code(), Some(1), "codegen must fail");
    assert_eq!(
        snapshot(&copy.crate_dir()),
        before,
        "a failed run must not change any file"
    );
    stderr(&output)
}

#[test]
fn invalid_yaml_reports_line_and_column() {
    let copy = Copy::new();
    copy.edit_spec(
        "  title: Genesys Cloud External Contacts API",
        "  title: [unclosed",
    );

    let message = codegen_fails_without_writing(&copy);

    assert!(
        message.contains("error: spec/externalcontacts.yaml:"),
        "{message}"
    );
    assert!(message.contains("invalid YAML"), "{message}");
    assert!(message.contains("help: fix the YAML syntax"), "{message}");
    let location = message
        .split("spec/externalcontacts.yaml:")
        .nth(1)
        .expect("a location follows the file");
    let line: String = location.chars().take_while(char::is_ascii_digit).collect();
    assert!(
        !line.is_empty(),
        "a line number follows the file: {message}"
    );
}

#[test]
fn dangling_ref_reports_pointer() {
    let copy = Copy::new();
    let text = fs::read_to_string(copy.spec()).expect("read spec");
    let target = "$ref: '#/components/schemas/ContactListing'";
    assert!(text.contains(target), "the spec refers to ContactListing");
    fs::write(
        copy.spec(),
        text.replacen(target, "$ref: '#/components/schemas/ContactListin'", 1),
    )
    .expect("write spec");

    let message = codegen_fails_without_writing(&copy);

    assert!(
        message.contains("spec/externalcontacts.yaml#/paths/~1api~1v2~1externalcontacts~1contacts/get/responses/200/content/application~1json/schema/$ref"),
        "{message}"
    );
    assert!(
        message.contains("dangling $ref `#/components/schemas/ContactListin`"),
        "{message}"
    );
    assert!(
        message.contains("help: add that schema under components/schemas"),
        "{message}"
    );
}

#[test]
fn unsupported_construct_reports_pointer() {
    let copy = Copy::new();
    copy.edit_spec(
        "        - name: limit\n          in: query\n          description: Number of contacts per page, from 10",
        "        - name: limit\n          in: cookie\n          description: Number of contacts per page, from 10",
    );

    let message = codegen_fails_without_writing(&copy);

    let pointer = "#/paths/~1api~1v2~1externalcontacts~1scan~1contacts/get/parameters/0: unsupported: cookie parameters";
    assert!(message.contains(pointer), "{message}");
    assert!(message.contains("help: "), "{message}");
}

#[test]
fn undefined_path_parameter_reports_operation() {
    let copy = Copy::new();
    copy.edit_spec(
        "/api/v2/externalcontacts/scan/notes:",
        "/api/v2/externalcontacts/scan/notes/{noteId}:",
    );

    let message = codegen_fails_without_writing(&copy);

    assert!(
        message
            .contains("#/paths/~1api~1v2~1externalcontacts~1scan~1notes~1{noteId}/get/parameters"),
        "{message}"
    );
    assert!(
        message.contains("path parameter `noteId` is used in the path but not defined"),
        "{message}"
    );
    assert!(
        message.contains("help: add a parameter with `name: noteId` and `in: path`"),
        "{message}"
    );
}

#[test]
fn non_openapi_structure_reports_pointer() {
    let copy = Copy::new();
    copy.edit_spec(
        "      operationId: getExternalcontactsScanNotes\n",
        "      operationId: [getExternalcontactsScanNotes]\n",
    );

    let message = codegen_fails_without_writing(&copy);

    assert!(
        message.contains("not a valid OpenAPI 3.0 document"),
        "{message}"
    );
    assert!(
        message.contains("#/paths/~1api~1v2~1externalcontacts~1scan~1notes/get/operationId"),
        "{message}"
    );
}

#[test]
fn swagger_2_is_rejected_with_conversion_hint() {
    let copy = Copy::new();
    copy.edit_spec("openapi: 3.0.3", "swagger: '2.0'");

    let message = codegen_fails_without_writing(&copy);

    assert!(
        message.contains("#/openapi: Swagger 2.0 documents are not supported"),
        "{message}"
    );
    assert!(message.contains("swagger2openapi"), "{message}");
}

#[test]
fn missing_spec_file_is_reported() {
    let copy = Copy::new();
    fs::remove_file(copy.spec()).expect("remove spec");

    let message = codegen_fails_without_writing(&copy);

    assert!(
        message.contains("spec/externalcontacts.yaml: cannot read the spec"),
        "{message}"
    );
}

#[test]
fn misspelled_method_is_rejected() {
    let copy = Copy::new();
    let text = fs::read_to_string(copy.spec()).expect("read spec");
    let item = "  /api/v2/externalcontacts/scan/notes:\n    get:\n";
    assert!(
        text.contains(item),
        "the scan notes path has a get operation"
    );
    fs::write(
        copy.spec(),
        text.replacen(
            item,
            "  /api/v2/externalcontacts/scan/notes:\n    gett:\n",
            1,
        ),
    )
    .expect("write spec");

    let message = codegen_fails_without_writing(&copy);

    assert!(
        message
            .contains("#/paths/~1api~1v2~1externalcontacts~1scan~1notes/gett: unknown key `gett`"),
        "{message}"
    );
    assert!(
        message.contains("help: use an HTTP method (get, put"),
        "{message}"
    );
}

/// Templates are compiled into the xtask binary, so this test copies the workspace, edits a
/// template there and lets Cargo rebuild the copy's xtask, as `cargo xtask codegen` would.
#[test]
fn check_fails_after_template_change() {
    let root = workspace();
    let copy = tempfile::tempdir().expect("temporary folder");
    for file in ["Cargo.toml", "Cargo.lock"] {
        fs::copy(root.join(file), copy.path().join(file)).expect("copy workspace file");
    }
    for dir in [".cargo", "xtask", "templates", "spec", "crates"] {
        copy_dir(&root.join(dir), &copy.path().join(dir));
    }
    let template = copy.path().join("templates/model.rs.jinja");
    let text = fs::read_to_string(&template).expect("read template");
    let derive = "#[derive(Debug, Clone, PartialEq, Default,";
    assert!(
        text.contains(derive),
        "the model template derives Debug first"
    );
    fs::write(
        &template,
        text.replace(derive, "#[derive(Debug, Clone, PartialEq, Eq, Default,"),
    )
    .expect("write template");

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "--locked",
            "--package",
            "xtask",
            "--",
            "codegen",
            "--check",
        ])
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("template-change-test"),
        )
        .current_dir(copy.path())
        .output()
        .expect("cargo runs");

    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(
        message.contains("stale: crates/externalcontacts/src/models/external_contact.rs"),
        "{message}"
    );
    assert!(
        !message.contains("stale: crates/externalcontacts/src/operations/"),
        "operations do not use the model template: {message}"
    );
    assert!(
        message.contains("run `cargo xtask codegen` and commit the result"),
        "{message}"
    );
}

#[test]
fn unknown_type_lists_valid_types() {
    let copy = Copy::new();
    let text = fs::read_to_string(copy.spec()).expect("read spec");
    let schema = "    ErrorBody:\n      type: object\n";
    fs::write(
        copy.spec(),
        text.replacen(schema, "    ErrorBody:\n      type: strng\n", 1),
    )
    .expect("write spec");

    let message = codegen_fails_without_writing(&copy);

    assert!(
        message.contains("#/components/schemas/ErrorBody/type: unknown type `strng`"),
        "{message}"
    );
    assert!(
        message.contains("help: use one of string, integer, number, boolean, array, object"),
        "{message}"
    );
}

#[test]
fn empty_spec_is_reported() {
    let copy = Copy::new();
    fs::write(copy.spec(), "\n").expect("write spec");

    let message = codegen_fails_without_writing(&copy);

    assert!(
        message.contains("spec/externalcontacts.yaml: the spec is empty"),
        "{message}"
    );
}

#[test]
fn invalid_keyword_in_parameter_schema_reports_exact_pointer() {
    let copy = Copy::new();
    copy.edit_spec(
        "          description: Number of contacts per page, from 10 to 200. The server uses 100 when this\n            is left out.\n          schema:\n            type: integer\n",
        "          description: Number of contacts per page.\n          schema:\n            type: integer\n            minimum: lots\n",
    );

    let message = codegen_fails_without_writing(&copy);

    // `openapiv3` buffers schema keywords, so the pointer ends at the schema, and the message
    // names the bad value.
    let pointer = "#/paths/~1api~1v2~1externalcontacts~1scan~1contacts/get/parameters/0/schema:";
    assert!(message.contains(pointer), "{message}");
    assert!(
        message.contains("invalid type: string \"lots\""),
        "{message}"
    );
}
