//! Reads the spec file into `openapiv3` types, reporting bad YAML by line and column and
//! documents that are not OpenAPI 3.0 by JSON pointer.

use std::path::Path;

use openapiv3::{
    OpenAPI, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema,
};
use serde::Deserialize;
use serde_norway::Value;
use serde_path_to_error::Segment;

use super::error::{Pointer, SpecError, SpecLocation};

/// Reads and parses the OpenAPI 3.0.x document at `path`.
pub fn load_spec(path: &Path) -> Result<OpenAPI, SpecError> {
    let text = std::fs::read_to_string(path).map_err(|err| SpecError {
        file: path.to_owned(),
        location: SpecLocation::File,
        message: format!("cannot read the spec: {err}"),
        help: "pass an existing, readable OpenAPI 3.0 YAML file with --spec".to_owned(),
    })?;
    parse_spec(path, &text)
}

/// Parses spec text; `path` is only used in error messages.
pub fn parse_spec(path: &Path, text: &str) -> Result<OpenAPI, SpecError> {
    if text.trim().is_empty() {
        return Err(SpecError {
            file: path.to_owned(),
            location: SpecLocation::File,
            message: "the spec is empty".to_owned(),
            help: "write an OpenAPI 3.0.x document, starting with `openapi: 3.0.3`".to_owned(),
        });
    }
    // A syntax check first, so that broken YAML is reported as such and not as a
    // mismatch with the OpenAPI structure.
    let document = match serde_norway::from_str::<Value>(text) {
        Ok(document) => document,
        Err(err) => {
            let location = match err.location() {
                Some(at) => SpecLocation::LineColumn {
                    line: at.line(),
                    column: at.column(),
                },
                None => SpecLocation::File,
            };
            return Err(SpecError {
                file: path.to_owned(),
                location,
                message: format!("invalid YAML: {err}"),
                help: "fix the YAML syntax at that line (indentation, quoting, a missing colon)"
                    .to_owned(),
            });
        }
    };

    check_version(path, &document)?;
    check_path_item_keys(path, &document)?;

    let deserializer = serde_norway::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        // `openapiv3` flattens extension fields into most objects, so serde buffers them and
        // loses the path below that point. Parsing the nodes one by one finds the exact one.
        let located = locate_invalid_node(&document);
        let (location, message) = match located {
            Some((pointer, message)) => (SpecLocation::Pointer(pointer), message),
            None => {
                let pointer = pointer_from_path(err.path());
                let location = match err.inner().location() {
                    Some(at) => SpecLocation::PointerAt {
                        pointer,
                        line: at.line(),
                        column: at.column(),
                    },
                    None => SpecLocation::Pointer(pointer),
                };
                (location, err.inner().to_string())
            }
        };
        SpecError {
            file: path.to_owned(),
            location,
            message: format!("not a valid OpenAPI 3.0 document: {message}"),
            help: "make this node match the OpenAPI 3.0.3 specification".to_owned(),
        }
    })
}

/// Rejects unknown keys in path items, which the parser would drop silently together with
/// the operation a misspelled method holds.
fn check_path_item_keys(path: &Path, document: &Value) -> Result<(), SpecError> {
    const OTHER_KEYS: &[&str] = &["$ref", "summary", "description", "servers", "parameters"];
    for (item_path, item) in entries(document.get("paths")) {
        for (key, _) in entries(Some(item)) {
            let known = METHODS.contains(&key.as_str()) || OTHER_KEYS.contains(&key.as_str());
            if !known && !key.starts_with("x-") {
                return Err(SpecError {
                    file: path.to_owned(),
                    location: SpecLocation::Pointer(
                        Pointer::root().push("paths").push(&item_path).push(&key),
                    ),
                    message: format!("unknown key `{key}` in a path item"),
                    help: format!(
                        "use an HTTP method ({}), one of {}, or an `x-` extension",
                        METHODS.join(", "),
                        OTHER_KEYS.join(", ")
                    ),
                });
            }
        }
    }
    Ok(())
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Finds the innermost node that does not parse as its OpenAPI type, with the parser's
/// message; `None` when every node checked parses.
fn locate_invalid_node(document: &Value) -> Option<(Pointer, String)> {
    let root = Pointer::root();
    for (path, item) in entries(document.get("paths")) {
        let item_pointer = root.push("paths").push(&path);
        for (method, operation) in entries(Some(item)) {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let pointer = item_pointer.push(&method);
            let found = elements(operation.get("parameters"))
                .find_map(|(index, param)| {
                    locate_in_parameter(param, &pointer.push("parameters").push(index))
                })
                .or_else(|| {
                    let body = operation.get("requestBody")?;
                    locate_in_request_body(body, &pointer.push("requestBody"))
                })
                .or_else(|| {
                    entries(operation.get("responses")).find_map(|(status, response)| {
                        locate_in_response(response, &pointer.push("responses").push(&status))
                    })
                })
                .or_else(|| parse_as::<Operation>(operation, &pointer));
            if found.is_some() {
                return found;
            }
        }
        let shared = elements(item.get("parameters")).find_map(|(index, param)| {
            locate_in_parameter(param, &item_pointer.push("parameters").push(index))
        });
        if let Some(found) = shared.or_else(|| parse_as::<PathItem>(item, &item_pointer)) {
            return Some(found);
        }
    }

    let components = document.get("components");
    let section = |name: &str| {
        let pointer = root.push("components").push(name);
        entries(components.and_then(|c| c.get(name)))
            .map(move |(key, node)| (pointer.push(key), node))
    };
    section("schemas")
        .find_map(|(pointer, schema)| locate_invalid_schema(schema, &pointer))
        .or_else(|| {
            section("parameters").find_map(|(pointer, param)| locate_in_parameter(param, &pointer))
        })
        .or_else(|| {
            section("requestBodies")
                .find_map(|(pointer, body)| locate_in_request_body(body, &pointer))
        })
        .or_else(|| {
            section("responses")
                .find_map(|(pointer, response)| locate_in_response(response, &pointer))
        })
}

fn locate_in_parameter(param: &Value, pointer: &Pointer) -> Option<(Pointer, String)> {
    param
        .get("schema")
        .and_then(|schema| locate_invalid_schema(schema, &pointer.push("schema")))
        .or_else(|| locate_in_content(param, pointer))
        .or_else(|| parse_as::<ReferenceOr<Parameter>>(param, pointer))
}

fn locate_in_request_body(body: &Value, pointer: &Pointer) -> Option<(Pointer, String)> {
    locate_in_content(body, pointer).or_else(|| parse_as::<ReferenceOr<RequestBody>>(body, pointer))
}

fn locate_in_response(response: &Value, pointer: &Pointer) -> Option<(Pointer, String)> {
    locate_in_content(response, pointer)
        .or_else(|| parse_as::<ReferenceOr<Response>>(response, pointer))
}

/// Looks inside the schemas of a node's `content` map.
fn locate_in_content(node: &Value, pointer: &Pointer) -> Option<(Pointer, String)> {
    entries(node.get("content")).find_map(|(media_type, media)| {
        let schema = media.get("schema")?;
        locate_invalid_schema(
            schema,
            &pointer.push("content").push(&media_type).push("schema"),
        )
    })
}

fn locate_invalid_schema(schema: &Value, pointer: &Pointer) -> Option<(Pointer, String)> {
    let nested = entries(schema.get("properties"))
        .map(|(name, property)| (pointer.push("properties").push(name), property))
        .chain(
            schema
                .get("items")
                .map(|items| (pointer.push("items"), items)),
        )
        .chain(
            schema
                .get("additionalProperties")
                .filter(|value| value.is_mapping())
                .map(|value| (pointer.push("additionalProperties"), value)),
        )
        .chain(["allOf", "oneOf", "anyOf"].into_iter().flat_map(|keyword| {
            elements(schema.get(keyword))
                .map(move |(index, item)| (pointer.push(keyword).push(index), item))
        }));
    for (child_pointer, child) in nested {
        if let Some(found) = locate_invalid_schema(child, &child_pointer) {
            return Some(found);
        }
    }
    parse_as::<ReferenceOr<Schema>>(schema, pointer)
}

fn parse_as<T: serde::de::DeserializeOwned>(
    node: &Value,
    pointer: &Pointer,
) -> Option<(Pointer, String)> {
    let err = serde_path_to_error::deserialize::<_, T>(node.clone()).err()?;
    let inner = pointer_from_path(err.path());
    let inner = inner.to_string();
    let pointer = Pointer::from_escaped(&format!("{pointer}{}", inner.trim_start_matches('#')));
    Some((pointer, err.into_inner().to_string()))
}

fn entries(node: Option<&Value>) -> impl Iterator<Item = (String, &Value)> {
    let mapping = node.and_then(Value::as_mapping).into_iter().flatten();
    mapping.filter_map(|(key, value)| {
        let key = match key {
            Value::String(key) => key.clone(),
            Value::Number(number) => number.to_string(),
            _ => return None,
        };
        Some((key, value))
    })
}

fn elements(node: Option<&Value>) -> impl Iterator<Item = (usize, &Value)> {
    node.and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .enumerate()
}

/// Rejects documents that are not OpenAPI 3.0.x before the structural parse, whose
/// errors would be confusing for a Swagger 2.0 or OpenAPI 3.1 file.
fn check_version(path: &Path, document: &Value) -> Result<(), SpecError> {
    #[derive(Deserialize)]
    struct VersionOnly {
        openapi: Option<String>,
        swagger: Option<String>,
    }
    let pointer = Pointer::root().push("openapi");
    let error = |message: String| SpecError {
        file: path.to_owned(),
        location: SpecLocation::Pointer(pointer.clone()),
        message,
        help: "convert the document to OpenAPI 3.0.x (for Swagger 2.0, `swagger2openapi`)"
            .to_owned(),
    };
    let version = VersionOnly::deserialize(document.clone())
        .map_err(|err| error(format!("the document is not a YAML mapping: {err}")))?;
    match (version.openapi, version.swagger) {
        (Some(v), _) if v.starts_with("3.0.") => Ok(()),
        (Some(v), _) => Err(error(format!("unsupported OpenAPI version `{v}`"))),
        (None, Some(v)) => Err(error(format!("Swagger {v} documents are not supported"))),
        (None, None) => Err(error("missing the `openapi` version field".to_owned())),
    }
}

fn pointer_from_path(path: &serde_path_to_error::Path) -> Pointer {
    path.iter()
        .fold(Pointer::root(), |pointer, segment| match segment {
            Segment::Seq { index } => pointer.push(index),
            Segment::Map { key } => pointer.push(key),
            Segment::Enum { variant } => pointer.push(variant),
            Segment::Unknown => pointer,
        })
}
