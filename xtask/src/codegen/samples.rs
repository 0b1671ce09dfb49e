//! Sample JSON for every model, with each property filled, for the generated round-trip
//! tests.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::ir::{Api, EnumModel, Model, ModelKind, RustType};

/// How deep nested models are filled; recursive models stop here.
const MAX_DEPTH: usize = 3;

/// Builds samples from the models of one API.
pub struct Samples<'a> {
    models: BTreeMap<&'a str, &'a Model>,
    enums: BTreeMap<&'a str, &'a EnumModel>,
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
        let models = api
            .models
            .iter()
            .map(|model| (model.name.as_str(), model))
            .collect();
        Samples { models, enums }
    }

    /// Returns a value of the model named `name` with every property set, nested models
    /// included down to a fixed depth.
    pub fn model(&self, name: &str) -> Option<Value> {
        self.named(name, 0)
    }

    fn named(&self, name: &str, depth: usize) -> Option<Value> {
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
                    .filter_map(|field| {
                        Some((field.wire_name.clone(), self.value(&field.ty, depth + 1)?))
                    })
                    .collect();
                Some(Value::Object(object))
            }
            ModelKind::Alias(ty) => self.value(ty, depth),
            ModelKind::Enum(_) => None,
        }
    }

    fn value(&self, ty: &RustType, depth: usize) -> Option<Value> {
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
            RustType::Named(name) => return self.named(name, depth),
            RustType::Vec(item) => Value::Array(self.value(item, depth).into_iter().collect()),
            RustType::Map(value) => {
                let entry = self
                    .value(value, depth)
                    .map(|value| ("key".to_owned(), value));
                Value::Object(entry.into_iter().collect())
            }
        })
    }
}
