//! Renders the model through the askama templates in `templates/` and formats the result.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::{Context, Result};
use askama::Template;

use super::ir::{
    Api, Body, BodyKind, EnumModel, Model, ModelKind, Operation, PaginationKind, PathSegment,
    RustType, MAX_ARGUMENTS,
};
use super::samples::Samples;
use super::standalone::{self, SpecInfo};

#[derive(Template)]
#[template(path = "model.rs.jinja", escape = "none")]
struct ModelFile<'a> {
    model: &'a Model,
    imports: Vec<String>,
}

#[derive(Template)]
#[template(path = "models_mod.rs.jinja", escape = "none")]
struct ModelsModule<'a> {
    models: &'a [Model],
}

#[derive(Template)]
#[template(path = "operation.rs.jinja", escape = "none")]
struct OperationFile<'a> {
    op: &'a Operation,
    imports: Vec<String>,
}

#[derive(Template)]
#[template(path = "model_round_trip.rs.jinja", escape = "none")]
struct RoundTripTests {
    cases: Vec<RoundTripCase>,
}

struct RoundTripCase {
    test_name: String,
    model: String,
    /// Pretty-printed JSON.
    sample: String,
}

#[derive(Template)]
#[template(path = "contract.rs.jinja", escape = "none")]
struct ContractTests {
    imports: Vec<&'static str>,
    cases: Vec<ContractCase>,
}

struct ContractCase {
    function: String,
    operation_id: String,
    /// Comma-separated error statuses.
    statuses: String,
    /// The client method call with every argument and optional parameter, before `.send()`.
    call: String,
}

#[derive(Template)]
#[template(path = "operations_mod.rs.jinja", escape = "none")]
struct OperationsModule<'a> {
    operations: &'a [Operation],
    error_model: Option<&'a str>,
    imports: Vec<String>,
}

/// The files to render besides the models and operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extras<'a> {
    /// The generated tests of the External Contacts crate, whose runtime is hand-written.
    ProductTests,
    /// A standalone crate of this name: manifest, crate root and runtime, no tests.
    StandaloneCrate(&'a str),
}

/// Renders every generated file, keyed by its path relative to the crate root. The header
/// comment names `spec_label` as the source.
pub fn render(
    api: &Api,
    spec_label: &str,
    extras: Extras<'_>,
) -> Result<BTreeMap<PathBuf, String>> {
    let mut files = BTreeMap::new();
    let mut add = |path: String, text: String| -> Result<()> {
        let formatted = format_rust(&text).with_context(|| {
            format!("the generated `{path}` is not valid Rust; the templates or the generator produced it")
        })?;
        files.insert(
            PathBuf::from(path),
            with_header(&formatted, spec_label, "//"),
        );
        Ok(())
    };

    for model in &api.models {
        let imports = imports(model_types(model), defined_in_model(model));
        add(
            format!("src/models/{}.rs", model.module),
            ModelFile { model, imports }.render()?,
        )?;
    }
    add(
        "src/models/mod.rs".to_owned(),
        ModelsModule {
            models: &api.models,
        }
        .render()?,
    )?;

    for op in &api.operations {
        let defined = op.inline_enums.iter().map(|e| e.name.clone()).collect();
        let imports = imports(operation_types(op), defined);
        add(
            format!("src/operations/{}.rs", op.module),
            OperationFile { op, imports }.render()?,
        )?;
    }
    let mut client_types = BTreeSet::new();
    for op in &api.operations {
        if let Some(ty) = op
            .body
            .as_ref()
            .filter(|body| body.required)
            .and_then(Body::rust_type)
        {
            ty.collect_named(&mut client_types);
        }
        for param in op.required_params() {
            param.ty.collect_named(&mut client_types);
        }
    }
    if let Some(error_model) = &api.error_model {
        client_types.insert(error_model.clone());
    }
    // Inline parameter enums are re-exported in the same module and need no import.
    let operation_enums = api.operations.iter().flat_map(|op| &op.inline_enums);
    let defined = operation_enums.map(|e| e.name.clone()).collect();
    let module = OperationsModule {
        operations: &api.operations,
        error_model: api.error_model.as_deref(),
        imports: imports(client_types, defined),
    };
    add("src/operations/mod.rs".to_owned(), module.render()?)?;

    if let Extras::StandaloneCrate(crate_name) = extras {
        let info = SpecInfo {
            title: &api.title,
            version: &api.version,
            spec_label,
        };
        let crate_files = standalone::render(crate_name, &info)?;
        add("src/lib.rs".to_owned(), crate_files.root)?;
        files.insert(
            PathBuf::from("Cargo.toml"),
            with_header(&crate_files.manifest, spec_label, "#"),
        );
        for (name, text) in crate_files.runtime {
            let header = format!(
                "// This file is copied by `cargo xtask codegen` from the runtime in crates/externalcontacts/src/{name}.\n\
                 // Do not edit it by hand: change that file, then regenerate.\n\n"
            );
            files.insert(PathBuf::from("src").join(name), header + &text);
        }
        return Ok(files);
    }

    let samples = Samples::new(api);
    let mut cases = Vec::new();
    for model in &api.models {
        let Some(sample) = samples.model(&model.name) else {
            continue;
        };
        let sample = serde_json::to_string_pretty(&sample).context("a sample is always JSON")?;
        cases.push(RoundTripCase {
            test_name: format!("{}_round_trip", model.module),
            model: model.name.clone(),
            sample,
        });
    }
    add(
        "tests/model_round_trip.rs".to_owned(),
        RoundTripTests { cases }.render()?,
    )?;

    add(
        "tests/contract.rs".to_owned(),
        contract_tests(api, &samples)?.render()?,
    )?;
    Ok(files)
}

impl OperationsModule<'_> {
    /// Operations in path order, so that the module's table groups them by resource.
    fn operations_by_path(&self) -> Vec<&Operation> {
        let mut operations: Vec<&Operation> = self.operations.iter().collect();
        operations.sort_by(|a, b| (&a.path, &a.http_method).cmp(&(&b.path, &b.http_method)));
        operations
    }
}

/// Builds one contract case per operation: a call with sample values for every parameter
/// and body.
fn contract_tests(api: &Api, samples: &Samples<'_>) -> Result<ContractTests> {
    let mut cases = Vec::new();
    for op in &api.operations {
        let mut arguments = Vec::new();
        for param in op.required_params() {
            let value = samples.param_expr(&param.ty).with_context(|| {
                format!(
                    "no sample value for the required parameter `{}` of {}",
                    param.wire_name, op.operation_id
                )
            })?;
            arguments.push(value);
        }
        let body = match &op.body {
            Some(body) => Some((sample_body(body, samples)?, body.required)),
            None => None,
        };
        if let Some((expr, true)) = &body {
            arguments.push(expr.clone());
        }
        let mut call = format!("client.{}({})", op.method_name, arguments.join(", "));
        for param in op.optional_params() {
            if let Some(value) = samples.param_expr(&param.ty) {
                call.push_str(&format!(".{}({value})", param.name));
            }
        }
        if let Some((expr, false)) = &body {
            call.push_str(&format!(".body({expr})"));
        }
        let statuses: Vec<String> = op.error_statuses.iter().map(u16::to_string).collect();
        cases.push(ContractCase {
            function: op.method_name.clone(),
            operation_id: op.operation_id.clone(),
            statuses: statuses.join(", "),
            call,
        });
    }
    let all_calls: String = cases.iter().map(|case| case.call.as_str()).collect();
    let imports = ["models", "operations"]
        .into_iter()
        .filter(|module| all_calls.contains(&format!("{module}::")))
        .collect();
    Ok(ContractTests { imports, cases })
}

/// Returns an expression of test code that builds a sample of the request body.
fn sample_body(body: &Body, samples: &Samples<'_>) -> Result<String> {
    Ok(match &body.kind {
        BodyKind::Json { ty, .. } | BodyKind::Form(ty) => {
            let sample = samples.request_body(ty).unwrap_or(serde_json::Value::Null);
            let json = serde_json::to_string(&sample).context("a sample is always JSON")?;
            format!(
                "serde_json::from_str::<{}>(r##\"{json}\"##).expect(\"the sample body decodes\")",
                qualified(ty)
            )
        }
        BodyKind::Multipart => {
            "externalcontacts::MultipartForm::new().text(\"sample\", \"text\")".to_owned()
        }
        BodyKind::Bytes { .. } => "bytes::Bytes::from_static(b\"sample\")".to_owned(),
    })
}

/// Prints a type with generated names qualified by the `models` module, for test code
/// outside the crate.
fn qualified(ty: &RustType) -> String {
    match ty {
        RustType::Named(name) => format!("models::{name}"),
        RustType::Vec(item) => format!("Vec<{}>", qualified(item)),
        RustType::Map(value) => format!("std::collections::BTreeMap<String, {}>", qualified(value)),
        other => other.to_string(),
    }
}

fn imports(used: BTreeSet<String>, defined: BTreeSet<String>) -> Vec<String> {
    used.difference(&defined).cloned().collect()
}

fn defined_in_model(model: &Model) -> BTreeSet<String> {
    let inline = model
        .inline_enums
        .iter()
        .map(|e: &EnumModel| e.name.clone());
    std::iter::once(model.name.clone()).chain(inline).collect()
}

fn model_types(model: &Model) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    match &model.kind {
        ModelKind::Struct(fields) => fields
            .iter()
            .for_each(|field| field.ty.collect_named(&mut names)),
        ModelKind::Alias(ty) => ty.collect_named(&mut names),
        ModelKind::Enum(_) => {}
    }
    names
}

fn operation_types(op: &Operation) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    op.params
        .iter()
        .for_each(|param| param.ty.collect_named(&mut names));
    if let Some(ty) = op.body.as_ref().and_then(Body::rust_type) {
        ty.collect_named(&mut names);
    }
    op.response.collect_named(&mut names);
    if let Some(pagination) = &op.pagination {
        pagination.item.collect_named(&mut names);
    }
    names
}

/// Formats generated code with prettyplease, one blank line between top-level items.
fn format_rust(text: &str) -> Result<String> {
    let mut file = syn::parse_file(text).map_err(|err| {
        let start = err.span().start();
        anyhow::anyhow!(
            "{err} at line {}, column {}:\n{}",
            start.line,
            start.column + 1,
            excerpt(text, start.line)
        )
    })?;
    let mut items: Vec<String> = Vec::new();
    if !file.attrs.is_empty() {
        items.push(prettyplease::unparse(&syn::File {
            shebang: None,
            frontmatter: None,
            attrs: std::mem::take(&mut file.attrs),
            items: Vec::new(),
        }));
    }
    // One item at a time: cloning the whole file per item would be quadratic in its size.
    items.extend(file.items.into_iter().map(|item| {
        prettyplease::unparse(&syn::File {
            shebang: None,
            frontmatter: None,
            attrs: Vec::new(),
            items: vec![item],
        })
    }));
    // `use` and `mod` lines stay together; every other item is set apart by a blank line.
    let mut out = String::new();
    let mut previous_was_declaration = false;
    for item in items {
        let is_declaration =
            item.starts_with("use ") || item.starts_with("mod ") || item.starts_with("pub use ");
        let continues_declarations = is_declaration && previous_was_declaration;
        if !out.is_empty() && !continues_declarations {
            out.push('\n');
        }
        out.push_str(&separate_members(&item));
        previous_was_declaration = is_declaration;
    }
    Ok(out)
}

/// Puts a blank line between the members of an `impl` or `trait` block, which prettyplease
/// prints back to back. A member ends with a `}` line at the block's indentation.
fn separate_members(item: &str) -> String {
    let mut out = String::with_capacity(item.len() + 256);
    let mut previous = "";
    for line in item.lines() {
        let starts_member =
            line.starts_with("    ") && !line.starts_with("     ") && line != "    }";
        if previous == "    }" && starts_member {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous = line;
    }
    out
}

fn excerpt(text: &str, line: usize) -> String {
    let first = line.saturating_sub(3);
    text.lines()
        .enumerate()
        .skip(first)
        .take(5)
        .map(|(index, text)| format!("{:>5} | {text}", index + 1))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first words of a manifest the generator writes.
pub const GENERATED_MARK_TOML: &str = "# This file is generated by `cargo xtask codegen`";

/// Puts the do-not-edit header, written as `comment` lines, above a generated file.
fn with_header(code: &str, spec_label: &str, comment: &str) -> String {
    format!(
        "{comment} This file is generated by `cargo xtask codegen` from {spec_label}.\n\
         {comment} Do not edit it by hand: change the spec or templates/, then regenerate.\n\n{code}"
    )
}
