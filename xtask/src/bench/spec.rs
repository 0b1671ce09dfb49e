//! Spec transformations for the benchmarks: a synthetic spec that repeats every operation
//! and schema, and a spec cut down to chosen operations.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde_json::{Map, Value};

/// HTTP methods that can hold an operation in an OpenAPI 3.0 path item.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Component kinds whose entries the copies rename.
const COMPONENT_KINDS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
];

/// One operation of a spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Operation {
    pub path: String,
    pub method: String,
    pub operation_id: String,
}

/// Reads a YAML or JSON spec into a JSON value.
pub fn load(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read spec {}", path.display()))?;
    serde_norway::from_str(&text)
        .with_context(|| format!("spec {} is not valid YAML or JSON", path.display()))
}

/// Writes a spec as pretty-printed JSON, which every generator reads.
pub fn save(spec: &Value, path: &Path) -> Result<()> {
    let text = serde_json::to_string_pretty(spec).context("a JSON value serializes")?;
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// Lists the operations of a spec, sorted by path and method.
pub fn operations(spec: &Value) -> Vec<Operation> {
    let mut operations = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return operations;
    };
    for (path, item) in paths {
        for method in METHODS {
            if let Some(operation) = item.get(*method) {
                let operation_id = operation
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                operations.push(Operation {
                    path: path.clone(),
                    method: (*method).to_owned(),
                    operation_id,
                });
            }
        }
    }
    operations.sort();
    operations
}

/// Builds a spec with `copies` times the operations and components of `spec`. Copy `n`
/// (from 2) moves each path from `/api/v2/externalcontacts...` to
/// `/api/v2/externalcontacts{n}...`, appends `X{n}` to operation ids and component names,
/// and points its `$ref`s at its own components, so every copy is independent.
pub fn replicate(spec: &Value, copies: usize) -> Result<Value> {
    if copies == 0 {
        bail!("a synthetic spec needs at least 1 copy, got 0");
    }
    let mut result = spec.clone();
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .context("the spec has no `paths` object")?;
    let components = spec
        .get("components")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();

    for copy in 2..=copies {
        let suffix = format!("X{copy}");
        for (path, item) in paths {
            let Some(rest) = path.strip_prefix("/api/v2/externalcontacts") else {
                bail!("path `{path}` does not start with /api/v2/externalcontacts, so it cannot be copied under another prefix");
            };
            let new_path = format!("/api/v2/externalcontacts{copy}{rest}");
            let mut item = item.clone();
            rename_refs(&mut item, &suffix);
            for method in METHODS {
                if let Some(Value::String(id)) = item
                    .get_mut(*method)
                    .and_then(|operation| operation.get_mut("operationId"))
                {
                    id.push_str(&suffix);
                }
            }
            result["paths"][new_path] = item;
        }
        for kind in COMPONENT_KINDS {
            let Some(entries) = components.get(*kind).and_then(Value::as_object) else {
                continue;
            };
            for (name, entry) in entries {
                let mut entry = entry.clone();
                rename_refs(&mut entry, &suffix);
                if let Some(Value::String(title)) = entry.get_mut("title") {
                    title.push_str(&suffix);
                }
                result["components"][*kind][format!("{name}{suffix}")] = entry;
            }
        }
    }
    Ok(result)
}

/// Appends `suffix` to the component name of every local `$ref` inside `value`.
fn rename_refs(value: &mut Value, suffix: &str) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match child {
                    Value::String(target)
                        if key == "$ref" && target.starts_with("#/components/") =>
                    {
                        target.push_str(suffix);
                    }
                    _ => rename_refs(child, suffix),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rename_refs(item, suffix)),
        _ => {}
    }
}

/// Returns `spec` with only the operations in `keep`; paths left without operations go.
/// Components stay, so every `$ref` still resolves.
pub fn with_operations(spec: &Value, keep: &BTreeSet<Operation>) -> Value {
    let mut result = spec.clone();
    let Some(paths) = result.get_mut("paths").and_then(Value::as_object_mut) else {
        return result;
    };
    let mut kept_paths = Map::new();
    for (path, item) in std::mem::take(paths) {
        let mut item = item;
        if let Some(fields) = item.as_object_mut() {
            fields.retain(|field, operation| {
                if !METHODS.contains(&field.as_str()) {
                    return true;
                }
                let operation_id = operation
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                keep.contains(&Operation {
                    path: path.clone(),
                    method: field.clone(),
                    operation_id: operation_id.to_owned(),
                })
            });
            if !fields.keys().any(|field| METHODS.contains(&field.as_str())) {
                continue;
            }
        }
        kept_paths.insert(path, item);
    }
    *paths = kept_paths;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        serde_json::json!({
            "openapi": "3.0.3",
            "paths": {
                "/api/v2/externalcontacts/contacts": {
                    "parameters": [],
                    "get": {
                        "operationId": "getContacts",
                        "responses": {"200": {"$ref": "#/components/responses/Listing"}}
                    },
                    "post": {"operationId": "postContacts", "responses": {}}
                },
                "/api/v2/externalcontacts/notes": {
                    "get": {"operationId": "getNotes", "responses": {}}
                }
            },
            "components": {
                "responses": {
                    "Listing": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Contact"}}}}
                },
                "schemas": {"Contact": {"type": "object", "title": "Contact"}}
            }
        })
    }

    #[test]
    fn replicate_copies_operations_and_components() {
        let spec = replicate(&sample(), 3).unwrap();
        assert_eq!(operations(&spec).len(), 9);
        let copy = &spec["paths"]["/api/v2/externalcontacts3/contacts"]["get"];
        assert_eq!(copy["operationId"], "getContactsX3");
        assert_eq!(
            copy["responses"]["200"]["$ref"],
            "#/components/responses/ListingX3"
        );
        let listing = &spec["components"]["responses"]["ListingX3"];
        let schema = &listing["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(schema, "#/components/schemas/ContactX3");
        assert_eq!(
            spec["components"]["schemas"]["ContactX2"]["title"],
            "ContactX2"
        );
    }

    #[test]
    fn replicate_keeps_original() {
        let spec = replicate(&sample(), 2).unwrap();
        let original = &spec["paths"]["/api/v2/externalcontacts/contacts"]["get"];
        assert_eq!(original["operationId"], "getContacts");
        assert_eq!(
            original["responses"]["200"]["$ref"],
            "#/components/responses/Listing"
        );
    }

    #[test]
    fn replicate_rejects_zero_copies() {
        let err = replicate(&sample(), 0).unwrap_err();
        assert!(err.to_string().contains("at least 1 copy"), "{err}");
    }

    #[test]
    fn replicate_rejects_other_prefix() {
        let mut spec = sample();
        spec["paths"]["/other"] = serde_json::json!({"get": {"operationId": "other"}});
        let err = replicate(&spec, 2).unwrap_err();
        assert!(err.to_string().contains("`/other`"), "{err}");
    }

    #[test]
    fn with_operations_drops_others_and_empty_paths() {
        let spec = sample();
        let keep: BTreeSet<Operation> = operations(&spec)
            .into_iter()
            .filter(|operation| operation.operation_id == "postContacts")
            .collect();
        let subset = with_operations(&spec, &keep);
        let ids: Vec<String> = operations(&subset)
            .into_iter()
            .map(|operation| operation.operation_id)
            .collect();
        assert_eq!(ids, ["postContacts"]);
        assert!(subset["paths"]
            .get("/api/v2/externalcontacts/notes")
            .is_none());
        let item = &subset["paths"]["/api/v2/externalcontacts/contacts"];
        assert!(item.get("parameters").is_some());
        assert!(subset["components"]["schemas"].get("Contact").is_some());
    }
}
