//! Sample JSON for every model, with each property filled, for the generated round-trip
//! tests.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::ir::{Api, EnumModel, Model, ModelKind, RustType};

/// Depth down to which nested models are filled with every property. Below it only required
/// properties are filled, so that a sample of a recursive model stays small but valid.
const FULL_DEPTH: usize = 3;

/// Depth at which required properties stop being followed, which ends a cycle of them.
const MAX_DEPTH: usize = 8;

/// Builds samples from the models of one API.
pub struct Samples<'a> {
    models: BTreeMap<&'a str, &'a Model>,
    enums: BTreeMap<&'a str, &'a EnumModel>,
    /// Enums declared inline in parameters, which live in the `operations` module.
    operation_enums: BTreeSet<&'a str>,
}

/// Purpose of a sample, which decides the properties it fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleFor {
    /// Every property, as a response could carry.
    Response,
    /// Every property a client may send: read-only ones are left out.
    Request,
}

impl<'a> Samples<'a> {
    pub fn new(api: &'a Api) -> Self {
        let mut enums = BTreeMap::new();
        for model in &api.models {
            if let ModelKind::Enum(e) = &model.kind {
                enums.insert(model.name.as_str(), e);
            }
            enums.extend(model.inline_enums.iter().map(|e| (e.name.as_str(), e)));
        }
        let mut operation_enums = BTreeSet::new();
        for e in api.operations.iter().flat_map(|op| &op.inline_enums) {
            enums.insert(e.name.as_str(), e);
            operation_enums.insert(e.name.as_str());
        }
        let models = api
            .models
            .iter()
            .map(|model| (model.name.as_str(), model))
            .collect();
        Samples {
            models,
            enums,
            operation_enums,
        }
    }

    /// Returns a Rust expression of type `ty` for a parameter argument, such as `"sample"`,
    /// `1` or `[operations::SortOrder::Asc]`.
    pub fn param_expr(&self, ty: &RustType) -> Option<String> {
        Some(match ty {
            RustType::String => "\"sample\"".to_owned(),
            RustType::Bool => "true".to_owned(),
            RustType::I32 | RustType::I64 => "1".to_owned(),
            RustType::F32 | RustType::F64 => "1.5".to_owned(),
            RustType::DateTime => {
                "\"2022-10-21T12:34:56.789Z\".parse::<chrono::DateTime<chrono::Utc>>().expect(\"a valid date-time\")"
                    .to_owned()
            }
            RustType::Date => "\"2022-10-21\".parse::<chrono::NaiveDate>().expect(\"a valid date\")".to_owned(),
            RustType::Named(name) => {
                let variant = &self.enums.get(name.as_str())?.variants.first()?.name;
                let module = if self.operation_enums.contains(name.as_str()) { "operations" } else { "models" };
                format!("{module}::{name}::{variant}")
            }
            RustType::Vec(item) => format!("[{}]", self.param_expr(item)?),
            RustType::Json | RustType::JsonObject | RustType::Map(_) => return None,
        })
    }

    /// Returns a value of the model named `name` with every property set, nested models
    /// included down to a fixed depth.
    pub fn model(&self, name: &str) -> Option<Value> {
        self.named(name, 0, SampleFor::Response)
    }

    /// Returns a value of type `ty` for a request body, without read-only properties.
    pub fn request_body(&self, ty: &RustType) -> Option<Value> {
        self.value(ty, 0, SampleFor::Request)
    }

    fn named(&self, name: &str, depth: usize, purpose: SampleFor) -> Option<Value> {
        if let Some(e) = self.enums.get(name) {
            return e
                .variants
                .first()
                .map(|variant| Value::String(variant.wire_value.clone()));
        }
        let model = self.models.get(name)?;
        match &model.kind {
            ModelKind::Struct(fields) => {
                if depth > MAX_DEPTH {
                    return None;
                }
                let object = fields
                    .iter()
                    .filter(|field| depth <= FULL_DEPTH || field.required)
                    .filter(|field| purpose == SampleFor::Response || !field.read_only)
                    .filter_map(|field| {
                        Some((
                            field.wire_name.clone(),
                            self.value(&field.ty, depth + 1, purpose)?,
                        ))
                    })
                    .collect();
                Some(Value::Object(object))
            }
            // Aliases count as a level too, so that no chain of them recurses forever.
            ModelKind::Alias(ty) if depth <= MAX_DEPTH => self.value(ty, depth + 1, purpose),
            ModelKind::Alias(_) => None,
            ModelKind::Enum(_) => None,
        }
    }

    fn value(&self, ty: &RustType, depth: usize, purpose: SampleFor) -> Option<Value> {
        Some(match ty {
            RustType::String => json!("text"),
            RustType::Bool => json!(true),
            RustType::I32 => json!(7),
            // Above 2^32, so a 32-bit field would reject it.
            RustType::I64 => json!(8_589_934_592_i64),
            RustType::F32 => json!(1.5),
            RustType::F64 => json!(2.25),
            RustType::DateTime => json!("2022-10-21T12:34:56.789Z"),
            RustType::Date => json!("2022-10-21"),
            RustType::Json => json!({"any": ["json", 1, null]}),
            RustType::JsonObject => json!({"key": "value"}),
            RustType::Named(name) => return self.named(name, depth, purpose),
            RustType::Vec(item) => {
                Value::Array(self.value(item, depth, purpose).into_iter().collect())
            }
            RustType::Map(value) => {
                let entry = self
                    .value(value, depth, purpose)
                    .map(|value| ("key".to_owned(), value));
                Value::Object(entry.into_iter().collect())
            }
        })
    }
}
