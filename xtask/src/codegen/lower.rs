//! Lowers an `openapiv3` document into the generator's own model (`ir`).
//!
//! Every naming, typing and boxing decision is made here, so that templates only print.
//! Errors carry the JSON pointer of the node they are about.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, IntegerFormat, MediaType, NumberFormat, OpenAPI, Parameter,
    ParameterSchemaOrContent, QueryStyle, ReferenceOr, RequestBody, Response, Schema, SchemaKind,
    StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::docs::{code_span, doc_lines, join_paragraphs, markdown_line};
use super::error::{Pointer, SpecError, SpecResult};
use super::ir::{
    Api, ArrayStyle, Body, BodyKind, EnumModel, EnumVariant, Fallback, Field, Model, ModelKind,
    Operation, Param, ParamLocation, PathSegment, Permissions, ResponseKind, ResponseVariant,
    RustType, SuccessResponse,
};
use super::names::{pascal_case, snake_case, NameScope};
use super::pagination::detect_pagination;
use super::recursion::boxed_fields;

const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

/// Name of the enum variant that keeps wire values the spec does not list.
const FALLBACK_VARIANT: &str = "Unrecognized";

/// The `type` values of OpenAPI 3.0.
const KNOWN_TYPES: &[&str] = &["string", "integer", "number", "boolean", "array", "object"];

/// Type names the generated code uses unqualified, which models must not shadow.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "ApiResponse",
    "Box",
    "Client",
    "Error",
    "OperationInfo",
    "Option",
    "Result",
    "String",
    "Vec",
];

/// Methods the hand-written `Client` has, which operations must not shadow.
const RESERVED_CLIENT_METHODS: &[&str] =
    &["base_url", "builder", "clone", "execute", "fmt", "request"];

/// Methods and fields of every request builder, which parameters must not shadow.
const RESERVED_BUILDER_NAMES: &[&str] = &[
    "body",
    "client",
    "collect_all",
    "into_stream",
    "new",
    "pages",
    "send",
    "send_with_response",
    "timeout",
];

/// Lowers the whole document.
pub fn lower(spec: &OpenAPI) -> SpecResult<Api> {
    let mut lowering = Lowering::new(spec);
    let mut models = lowering.lower_models()?;
    for model in &models {
        if let ModelKind::Alias(ty) = &model.kind {
            if alias_contains_itself(&model.name, ty, &models) {
                let pointer = Pointer::root()
                    .push("components")
                    .push("schemas")
                    .push(&model.name);
                return Err(unsupported(
                    &pointer,
                    &format!(
                        "`{}` contains itself only through arrays or maps",
                        model.name
                    ),
                ));
            }
            lowering
                .scalar_aliases
                .insert(model.name.clone(), ty.clone());
        }
    }
    for model in &models {
        if let ModelKind::Struct(fields) = &model.kind {
            let types = fields.iter().map(|field| field.ty.clone()).collect();
            lowering.struct_fields.insert(model.name.clone(), types);
        }
    }
    let mut operations = lowering.lower_operations()?;
    models.append(&mut lowering.hoisted_models);
    let error_model = lowering.common_error_model();
    let notes = detect_pagination(&models, &mut operations);

    let boxed = boxed_fields(&models);
    for model in &mut models {
        if let ModelKind::Struct(fields) = &mut model.kind {
            for field in fields {
                field.boxed = boxed.contains(&(model.name.clone(), field.name.clone()));
            }
        }
    }
    models.sort_by(|a, b| a.name.cmp(&b.name));
    // Distinct type names can still share a snake-case file name (`ABTest`, `AbTest`).
    let mut modules = NameScope::default();
    modules.reserve("mod");
    for model in &mut models {
        model.module = modules.unique(snake_case(&model.name));
    }
    let mut type_names = std::mem::take(&mut lowering.type_names);
    lowering.report_renames("type", &mut type_names);
    lowering.report_renames("model file", &mut modules);
    Ok(Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        models,
        operations,
        error_model,
        notes,
        fallbacks: lowering.fallbacks,
        renames: lowering.renames,
    })
}

/// The name an enum declared inline gets, and what it belongs to, for its docs.
struct InlineName {
    type_name: String,
    /// Such as "the `type` property of `ExternalContact`", as a rustdoc link.
    owner: String,
}

struct Lowering<'a> {
    spec: &'a OpenAPI,
    /// Every type name in the `models` module and in the `operations` module.
    type_names: NameScope,
    /// Rust name for each schema in `components/schemas`.
    model_names: BTreeMap<String, String>,
    /// Rust names of every generated enum, from schemas and inline.
    enum_names: BTreeSet<String>,
    /// Schemas that are aliases of another type, such as `ItemId: {type: string}`.
    scalar_aliases: BTreeMap<String, RustType>,
    /// For each operation, the schema names of its JSON error responses (`None` for an error
    /// response that is not a schema reference).
    error_schemas: Vec<Option<String>>,
    /// Structs made from objects declared inline, named after where they appear.
    hoisted_models: Vec<Model>,
    /// Field types of the struct models from `components/schemas`, by Rust name.
    struct_fields: BTreeMap<String, Vec<RustType>>,
    /// Places generated with a less precise type than the spec describes.
    fallbacks: BTreeMap<Fallback, Vec<String>>,
    /// Names that got a suffix to avoid a collision, for `codegen --verbose`.
    renames: Vec<String>,
}

impl<'a> Lowering<'a> {
    fn new(spec: &'a OpenAPI) -> Self {
        let mut type_names = NameScope::default();
        for reserved in RESERVED_TYPE_NAMES {
            type_names.reserve(reserved);
        }
        let mut model_names = BTreeMap::new();
        let mut enum_names = BTreeSet::new();
        if let Some(components) = &spec.components {
            let mut schemas: Vec<_> = components.schemas.iter().collect();
            schemas.sort_by(|a, b| a.0.cmp(b.0));
            for (schema_name, schema) in schemas {
                let rust_name = type_names.unique(pascal_case(schema_name));
                if is_string_enum(schema) {
                    enum_names.insert(rust_name.clone());
                }
                model_names.insert(schema_name.clone(), rust_name);
            }
        }
        // Reported here, where the schema each name was wanted for is known.
        let renames = type_names
            .take_renamed()
            .into_iter()
            .map(|(wanted, given)| {
                let schema = model_names
                    .iter()
                    .find(|(_, rust_name)| **rust_name == given)
                    .map_or(wanted.as_str(), |(schema_name, _)| schema_name.as_str());
                format!("schema `{schema}` is generated as `{given}`, because `{wanted}` is taken")
            })
            .collect();
        Lowering {
            spec,
            type_names,
            model_names,
            enum_names,
            scalar_aliases: BTreeMap::new(),
            error_schemas: Vec::new(),
            hoisted_models: Vec::new(),
            struct_fields: BTreeMap::new(),
            fallbacks: BTreeMap::new(),
            renames,
        }
    }

    /// Records the suffixed names of `scope` as renames of this `kind`.
    fn report_renames(&mut self, kind: &str, scope: &mut NameScope) {
        for (wanted, given) in scope.take_renamed() {
            self.renames
                .push(format!("{kind} `{wanted}` is generated as `{given}`"));
        }
    }

    fn fallback(&mut self, kind: Fallback, pointer: &Pointer) {
        self.fallbacks
            .entry(kind)
            .or_default()
            .push(pointer.to_string());
    }

    fn lower_models(&mut self) -> SpecResult<Vec<Model>> {
        let Some(components) = &self.spec.components else {
            return Ok(Vec::new());
        };
        let mut schemas: Vec<(&String, &ReferenceOr<Schema>)> = components.schemas.iter().collect();
        schemas.sort_by(|a, b| a.0.cmp(b.0));
        let pointer = Pointer::root().push("components").push("schemas");
        schemas
            .into_iter()
            .map(|(schema_name, schema)| {
                self.lower_model(schema_name, schema, &pointer.push(schema_name))
            })
            .collect()
    }

    fn lower_model(
        &mut self,
        schema_name: &str,
        schema: &ReferenceOr<Schema>,
        pointer: &Pointer,
    ) -> SpecResult<Model> {
        let name = self.model_names[schema_name].clone();
        let mut inline_enums = Vec::new();
        let (docs, kind) = match schema {
            ReferenceOr::Reference { reference } => {
                let target = self.schema_ref(reference, pointer)?;
                let docs = markdown_line(format!("Another name for [`{target}`]."));
                (docs, ModelKind::Alias(RustType::Named(target)))
            }
            ReferenceOr::Item(schema) => {
                let docs = schema_docs(schema, schema_name);
                let kind = match &schema.schema_kind {
                    SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() => {
                        let fields =
                            self.lower_fields(&name, object, pointer, &mut inline_enums)?;
                        ModelKind::Struct(fields)
                    }
                    SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
                        let values = string.enumeration.iter().flatten().cloned().collect();
                        ModelKind::Enum(enum_model(name.clone(), docs.clone(), values))
                    }
                    SchemaKind::Any(any) if any_as_object(any).is_some() => {
                        let object = any_as_object(any).unwrap_or_default();
                        let fields =
                            self.lower_fields(&name, &object, pointer, &mut inline_enums)?;
                        ModelKind::Struct(fields)
                    }
                    SchemaKind::AllOf { all_of } if all_of.len() > 1 => {
                        match self.merged_object(all_of) {
                            Some(object) => ModelKind::Struct(self.lower_fields(
                                &name,
                                &object,
                                pointer,
                                &mut inline_enums,
                            )?),
                            None => {
                                self.fallback(Fallback::MixedAllOf, &pointer.push("allOf"));
                                ModelKind::Alias(RustType::Json)
                            }
                        }
                    }
                    _ => ModelKind::Alias(self.lower_schema(
                        schema,
                        &InlineName {
                            type_name: format!("{name}Item"),
                            owner: format!("[`{name}`]"),
                        },
                        pointer,
                        &mut inline_enums,
                    )?),
                };
                (docs, kind)
            }
        };
        Ok(Model {
            module: snake_case(&name),
            name,
            docs,
            kind,
            inline_enums,
        })
    }

    fn lower_fields(
        &mut self,
        model_name: &str,
        object: &openapiv3::ObjectType,
        pointer: &Pointer,
        inline_enums: &mut Vec<EnumModel>,
    ) -> SpecResult<Vec<Field>> {
        let mut field_names = NameScope::default();
        let mut fields = Vec::new();
        for (wire_name, property) in &object.properties {
            let property_pointer = pointer.push("properties").push(wire_name);
            let inline = InlineName {
                type_name: format!("{model_name}{}", pascal_case(wire_name)),
                owner: format!("the {} property of [`{model_name}`]", code_span(wire_name)),
            };
            let ty = self.lower_schema_ref(property, &inline, &property_pointer, inline_enums)?;
            let (read_only, description) = match property {
                ReferenceOr::Reference { .. } => (false, None),
                ReferenceOr::Item(schema) => (
                    schema.schema_data.read_only,
                    schema.schema_data.description.as_deref(),
                ),
            };
            let required = object.required.iter().any(|name| name == wire_name);
            let docs = field_docs(description, wire_name, required, read_only);
            fields.push(Field {
                name: field_names.unique(snake_case(wire_name)),
                wire_name: wire_name.clone(),
                ty,
                boxed: false,
                required,
                read_only,
                docs,
            });
        }
        self.report_renames(&format!("field of `{model_name}`"), &mut field_names);
        Ok(fields)
    }

    /// Lowers a schema or a reference to one; `S` is `Schema` or the `Box<Schema>` that
    /// `openapiv3` uses for properties and items.
    fn lower_schema_ref<S: Borrow<Schema>>(
        &mut self,
        schema: &ReferenceOr<S>,
        inline: &InlineName,
        pointer: &Pointer,
        inline_enums: &mut Vec<EnumModel>,
    ) -> SpecResult<RustType> {
        match schema {
            ReferenceOr::Reference { reference } => {
                Ok(RustType::Named(self.schema_ref(reference, pointer)?))
            }
            ReferenceOr::Item(schema) => {
                self.lower_schema(schema.borrow(), inline, pointer, inline_enums)
            }
        }
    }

    /// Lowers an inline schema to a Rust type. String enums become new enum types named
    /// after `inline`, pushed to `inline_enums`.
    fn lower_schema(
        &mut self,
        schema: &Schema,
        inline: &InlineName,
        pointer: &Pointer,
        inline_enums: &mut Vec<EnumModel>,
    ) -> SpecResult<RustType> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                if !string.enumeration.is_empty() {
                    let name = self.type_names.unique(inline.type_name.clone());
                    self.enum_names.insert(name.clone());
                    let values = string.enumeration.iter().flatten().cloned().collect();
                    let docs = schema
                        .schema_data
                        .description
                        .as_deref()
                        .map(doc_lines)
                        .unwrap_or_else(|| markdown_line(format!("Values of {}.", inline.owner)));
                    inline_enums.push(enum_model(name.clone(), docs, values));
                    return Ok(RustType::Named(name));
                }
                Ok(match &string.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => RustType::DateTime,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => RustType::Date,
                    _ => RustType::String,
                })
            }
            SchemaKind::Type(Type::Integer(integer)) => Ok(match &integer.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => RustType::I32,
                _ => RustType::I64,
            }),
            SchemaKind::Type(Type::Number(number)) => Ok(match &number.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => RustType::F32,
                _ => RustType::F64,
            }),
            SchemaKind::Type(Type::Boolean(_)) => Ok(RustType::Bool),
            SchemaKind::Type(Type::Array(array)) => {
                let item = match &array.items {
                    Some(items) => {
                        self.lower_schema_ref(items, inline, &pointer.push("items"), inline_enums)?
                    }
                    None => RustType::Json,
                };
                Ok(RustType::Vec(Box::new(item)))
            }
            SchemaKind::Type(Type::Object(object)) => {
                if !object.properties.is_empty() {
                    return self.hoist_struct(schema, object, inline, pointer);
                }
                match &object.additional_properties {
                    None | Some(AdditionalProperties::Any(_)) => Ok(RustType::JsonObject),
                    Some(AdditionalProperties::Schema(value)) => {
                        if is_any_schema(value) {
                            return Ok(RustType::JsonObject);
                        }
                        let value = self.lower_schema_ref(
                            value,
                            &InlineName {
                                type_name: format!("{}Value", inline.type_name),
                                owner: format!("the map values of {}", inline.owner),
                            },
                            &pointer.push("additionalProperties"),
                            inline_enums,
                        )?;
                        Ok(RustType::Map(Box::new(value)))
                    }
                }
            }
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => self.lower_schema_ref(
                &all_of[0],
                inline,
                &pointer.push("allOf").push(0),
                inline_enums,
            ),
            SchemaKind::AllOf { all_of } => match self.merged_object(all_of) {
                Some(object) => self.hoist_struct(schema, &object, inline, pointer),
                None => {
                    self.fallback(Fallback::MixedAllOf, &pointer.push("allOf"));
                    Ok(RustType::Json)
                }
            },
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::Not { .. } => {
                self.fallback(Fallback::Composition, pointer);
                Ok(RustType::Json)
            }
            SchemaKind::Any(any) if is_empty_any(any) => Ok(RustType::Json),
            SchemaKind::Any(openapiv3::AnySchema { typ: Some(typ), .. })
                if !KNOWN_TYPES.contains(&typ.as_str()) =>
            {
                Err(SpecError::at(
                    &pointer.push("type"),
                    format!("unknown type `{typ}`"),
                    format!("use one of {}", KNOWN_TYPES.join(", ")),
                ))
            }
            SchemaKind::Any(any) if any_as_object(any).is_some() => {
                let object = any_as_object(any).unwrap_or_default();
                self.hoist_struct(schema, &object, inline, pointer)
            }
            SchemaKind::Any(any) => match any_schema_type(any) {
                Some(ty) => {
                    self.fallback(Fallback::IgnoredKeywords, pointer);
                    Ok(ty)
                }
                None => Err(SpecError::at(
                    pointer,
                    "unsupported schema: its keywords do not form one OpenAPI type \
                     (for example `type` beside `allOf`, or properties without `type: object`)",
                    "give the schema a single `type` with the keywords that type allows",
                )),
            },
        }
    }

    /// Checks that `ty` is a struct whose fields a form can carry: scalars and enums, no
    /// arrays or objects.
    fn is_flat_struct(&self, ty: &RustType) -> bool {
        let Some(name) = ty.named() else {
            return false;
        };
        let hoisted = self.hoisted_models.iter().find(|model| model.name == name);
        let fields = match hoisted.map(|model| &model.kind) {
            Some(ModelKind::Struct(fields)) => {
                fields.iter().map(|field| field.ty.clone()).collect()
            }
            Some(_) => return false,
            None => match self.struct_fields.get(name) {
                Some(fields) => fields.clone(),
                None => return false,
            },
        };
        fields
            .iter()
            .all(|ty| !matches!(ty, RustType::Vec(_)) && is_simple_param_type(ty, self))
    }

    /// Names the properties of a multipart body's schema, marking the files: "`file` (a file)".
    fn multipart_parts(&self, schema: &ReferenceOr<Schema>) -> Vec<String> {
        let Some(SchemaKind::Type(Type::Object(object))) = self
            .resolve_schema(schema)
            .map(|schema| &schema.schema_kind)
        else {
            return Vec::new();
        };
        object
            .properties
            .iter()
            .map(|(name, property)| {
                let is_file = matches!(property, ReferenceOr::Item(schema)
                    if matches!(&schema.schema_kind, SchemaKind::Type(Type::String(string))
                        if matches!(&string.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary))));
                if is_file {
                    format!("{} (a file)", code_span(name))
                } else {
                    code_span(name)
                }
            })
            .collect()
    }

    /// Makes a struct model of an object declared inline, named after where it appears.
    fn hoist_struct(
        &mut self,
        schema: &Schema,
        object: &openapiv3::ObjectType,
        inline: &InlineName,
        pointer: &Pointer,
    ) -> SpecResult<RustType> {
        let name = self.type_names.unique(inline.type_name.clone());
        let mut inline_enums = Vec::new();
        let fields = self.lower_fields(&name, object, pointer, &mut inline_enums)?;
        let docs = match schema.schema_data.description.as_deref() {
            Some(text) => doc_lines(text),
            None => markdown_line(format!("The object in {}.", inline.owner)),
        };
        self.hoisted_models.push(Model {
            module: snake_case(&name),
            name: name.clone(),
            docs,
            kind: ModelKind::Struct(fields),
            inline_enums,
        });
        Ok(RustType::Named(name))
    }

    /// Combines the parts of an `allOf` into one object, or returns `None` when a part is
    /// not an object (a string, an array, a `oneOf`).
    fn merged_object(&self, parts: &[ReferenceOr<Schema>]) -> Option<openapiv3::ObjectType> {
        let mut merged = openapiv3::ObjectType::default();
        let mut pending: Vec<&ReferenceOr<Schema>> = parts.iter().rev().collect();
        // A reference cycle through allOf would never end; no real schema nests this deep.
        let mut budget = 256;
        while let Some(part) = pending.pop() {
            budget -= 1;
            if budget == 0 {
                return None;
            }
            match &self.resolve_schema(part)?.schema_kind {
                SchemaKind::Type(Type::Object(object)) => merge_object(&mut merged, object),
                SchemaKind::AllOf { all_of } => pending.extend(all_of.iter().rev()),
                SchemaKind::Any(any) => merge_object(&mut merged, &any_as_object(any)?),
                _ => return None,
            }
        }
        Some(merged)
    }

    /// Returns an inline schema, or the schema a local `#/components/schemas/Name` reference
    /// names; `None` for a dangling, remote or nested reference.
    fn resolve_schema<'s>(&self, schema: &'s ReferenceOr<Schema>) -> Option<&'s Schema>
    where
        'a: 's,
    {
        match schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => {
                let name = unescape_pointer_token(reference.strip_prefix(SCHEMA_REF_PREFIX)?);
                match self.spec.components.as_ref()?.schemas.get(&name)? {
                    ReferenceOr::Item(schema) => Some(schema),
                    ReferenceOr::Reference { .. } => None,
                }
            }
        }
    }

    /// Resolves `#/components/schemas/Name` to the model's Rust name.
    fn schema_ref(&self, reference: &str, pointer: &Pointer) -> SpecResult<String> {
        let pointer = pointer.push("$ref");
        let Some(schema_name) = reference.strip_prefix(SCHEMA_REF_PREFIX) else {
            return Err(SpecError::at(
                &pointer,
                format!("unsupported $ref `{reference}`: schemas must be referenced locally"),
                format!("refer to a schema as `{SCHEMA_REF_PREFIX}Name`"),
            ));
        };
        let schema_name = unescape_pointer_token(schema_name);
        self.model_names.get(&schema_name).cloned().ok_or_else(|| {
            SpecError::at(
                &pointer,
                format!("dangling $ref `{reference}`: there is no schema `{schema_name}`"),
                "add that schema under components/schemas or correct the reference",
            )
        })
    }

    fn lower_operations(&mut self) -> SpecResult<Vec<Operation>> {
        let mut method_names = NameScope::default();
        for reserved in RESERVED_CLIENT_METHODS {
            method_names.reserve(reserved);
        }
        let mut operations = Vec::new();
        let paths_pointer = Pointer::root().push("paths");
        for (path, item) in &self.spec.paths.paths {
            let path_pointer = paths_pointer.push(path);
            let ReferenceOr::Item(item) = item else {
                return Err(unsupported(&path_pointer, "a $ref path item"));
            };
            for (method, operation) in item.iter() {
                let shared_params = (&item.parameters[..], &path_pointer);
                let pointer = path_pointer.push(method);
                let lowered = self.lower_operation(
                    path,
                    method,
                    operation,
                    shared_params,
                    &pointer,
                    &mut method_names,
                )?;
                operations.push(lowered);
            }
        }
        self.report_renames("client method", &mut method_names);
        operations.sort_by(|a, b| a.method_name.cmp(&b.method_name));
        Ok(operations)
    }

    fn lower_operation(
        &mut self,
        path: &str,
        method: &str,
        operation: &'a openapiv3::Operation,
        (shared_params, path_pointer): (&'a [ReferenceOr<Parameter>], &Pointer),
        pointer: &Pointer,
        method_names: &mut NameScope,
    ) -> SpecResult<Operation> {
        let Some(operation_id) = operation.operation_id.clone() else {
            return Err(SpecError::at(
                pointer,
                "missing operationId",
                "add an operationId: it names the client method and the request type",
            ));
        };
        let method_name = method_names.unique(snake_case(&operation_id));
        let type_stem = pascal_case(&operation_id);
        let request_type = self.type_names.unique(format!("{type_stem}Request"));

        let mut inline_enums = Vec::new();
        let mut param_names = NameScope::default();
        for reserved in RESERVED_BUILDER_NAMES {
            param_names.reserve(reserved);
        }

        let mut params = Vec::new();
        let mut seen = BTreeSet::new();
        let operation_params = operation
            .parameters
            .iter()
            .enumerate()
            .map(|(index, param)| (param, pointer.push("parameters").push(index)));
        let shared = shared_params
            .iter()
            .enumerate()
            .map(|(index, param)| (param, path_pointer.push("parameters").push(index)));
        // Operation-level parameters override path-level ones with the same name and location.
        for (param, param_pointer) in operation_params.chain(shared) {
            let (param, param_pointer) = self.resolve_parameter(param, &param_pointer)?;
            let data = param.parameter_data_ref();
            if !seen.insert((data.name.clone(), location_name(param))) {
                continue;
            }
            if let Some(lowered) = self.lower_param(
                param,
                (&type_stem, &request_type),
                &param_pointer,
                &mut param_names,
                &mut inline_enums,
            )? {
                params.push(lowered);
            }
        }

        self.report_renames(&format!("parameter of `{operation_id}`"), &mut param_names);
        let path_segments = path_segments(path, &params, pointer)?;
        let body = match &operation.request_body {
            Some(body) => Some(self.lower_body(
                body,
                &type_stem,
                &pointer.push("requestBody"),
                &mut inline_enums,
            )?),
            None => None,
        };
        let response =
            self.lower_success_responses(operation, &type_stem, pointer, &mut inline_enums)?;
        self.record_error_schemas(operation);

        Ok(Operation {
            operation_id,
            module: method_name.clone(),
            method_name,
            request_type,
            http_method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            path_segments,
            summary: operation.summary.clone(),
            description: operation
                .description
                .as_deref()
                .map(doc_lines)
                .unwrap_or_default(),
            permissions: permissions(operation, pointer)?,
            params,
            body,
            response,
            inline_enums,
            pagination: None,
            error_statuses: error_statuses(operation),
        })
    }

    fn resolve_parameter(
        &self,
        param: &'a ReferenceOr<Parameter>,
        pointer: &Pointer,
    ) -> SpecResult<(&'a Parameter, Pointer)> {
        let spec = self.spec;
        match param {
            ReferenceOr::Item(param) => Ok((param, pointer.clone())),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/parameters/");
                let target = name.and_then(|name| {
                    let components = spec.components.as_ref()?;
                    components.parameters.get(&unescape_pointer_token(name))
                });
                match target {
                    Some(ReferenceOr::Item(param)) => {
                        let target_pointer = Pointer::root()
                            .push("components")
                            .push("parameters")
                            .push(unescape_pointer_token(name.unwrap_or_default()));
                        Ok((param, target_pointer))
                    }
                    _ => Err(SpecError::at(
                        &pointer.push("$ref"),
                        format!("dangling or nested $ref `{reference}`"),
                        "refer to a parameter defined under components/parameters",
                    )),
                }
            }
        }
    }

    fn lower_param(
        &mut self,
        param: &Parameter,
        (type_stem, request_type): (&str, &str),
        pointer: &Pointer,
        param_names: &mut NameScope,
        inline_enums: &mut Vec<EnumModel>,
    ) -> SpecResult<Option<Param>> {
        let data = param.parameter_data_ref();
        let (location, array_explode) = match param {
            Parameter::Path { .. } => (ParamLocation::Path, None),
            Parameter::Query {
                style: QueryStyle::Form,
                ..
            } => (ParamLocation::Query, Some(data.explode.unwrap_or(true))),
            Parameter::Query { style, .. } => {
                return Err(unsupported(
                    &pointer.push("style"),
                    &format!("query style {style:?}"),
                ));
            }
            Parameter::Header { .. } => {
                // OpenAPI 3.0 ignores these three as parameters, because the client sets them.
                let ignored = ["accept", "content-type", "authorization"];
                if ignored.contains(&data.name.to_ascii_lowercase().as_str()) {
                    return Ok(None);
                }
                (ParamLocation::Header, None)
            }
            Parameter::Cookie { .. } => return Err(unsupported(pointer, "cookie parameters")),
        };
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            return Err(unsupported(
                &pointer.push("content"),
                "a parameter with `content`",
            ));
        };
        let inline = InlineName {
            type_name: format!("{type_stem}{}", pascal_case(&data.name)),
            owner: format!(
                "the {} parameter of [`{request_type}`]",
                code_span(&data.name)
            ),
        };
        let mut ty =
            self.lower_schema_ref(schema, &inline, &pointer.push("schema"), inline_enums)?;
        if location == ParamLocation::Query && !is_simple_param_type(&ty, self) {
            // Form style has no encoding for objects; their JSON text is the honest fallback.
            self.fallback(Fallback::ObjectQueryParam, &pointer.push("schema"));
            ty = match ty {
                RustType::Vec(_) => RustType::Vec(Box::new(RustType::Json)),
                _ => RustType::Json,
            };
        } else if !is_simple_param_type(&ty, self) {
            return Err(SpecError::at(
                &pointer.push("schema"),
                format!("unsupported parameter type `{ty}`: only scalars, enums and arrays of them fit in a URL or header"),
                "send structured data in the request body instead",
            ));
        }
        if matches!(ty, RustType::Vec(_)) && location != ParamLocation::Query {
            return Err(unsupported(
                &pointer.push("schema"),
                "array parameters outside the query string",
            ));
        }
        let array_style = match (&ty, array_explode) {
            (RustType::Vec(_), Some(true)) => Some(ArrayStyle::RepeatedKey),
            (RustType::Vec(_), Some(false)) => Some(ArrayStyle::CommaSeparated),
            (RustType::Vec(_), None) => Some(ArrayStyle::CommaSeparated),
            _ => None,
        };
        let required = data.required || location == ParamLocation::Path;
        let mut docs = data
            .description
            .as_deref()
            .map(doc_lines)
            .unwrap_or_default();
        let default = match schema {
            ReferenceOr::Item(schema) => schema.schema_data.default.clone(),
            ReferenceOr::Reference { .. } => None,
        };
        if let ReferenceOr::Item(schema) = schema {
            if let Some(default) = &schema.schema_data.default {
                docs = join_paragraphs([
                    docs,
                    markdown_line(format!("The server's default is `{default}`.")),
                ]);
            }
        }
        Ok(Some(Param {
            name: param_names.unique(snake_case(&data.name)),
            wire_name: data.name.clone(),
            location,
            required,
            ty,
            array_style,
            default,
            docs,
        }))
    }

    fn lower_body(
        &mut self,
        body: &ReferenceOr<RequestBody>,
        type_stem: &str,
        pointer: &Pointer,
        inline_enums: &mut Vec<EnumModel>,
    ) -> SpecResult<Body> {
        let (body, pointer) = match body {
            ReferenceOr::Item(body) => (body, pointer.clone()),
            ReferenceOr::Reference { reference } => {
                let name = reference
                    .strip_prefix("#/components/requestBodies/")
                    .map(unescape_pointer_token);
                let target = name
                    .as_ref()
                    .and_then(|name| self.spec.components.as_ref()?.request_bodies.get(name));
                match (target, name) {
                    (Some(ReferenceOr::Item(body)), Some(name)) => (
                        body,
                        Pointer::root()
                            .push("components")
                            .push("requestBodies")
                            .push(name),
                    ),
                    _ => {
                        return Err(SpecError::at(
                            &pointer.push("$ref"),
                            format!("dangling or nested $ref `{reference}`"),
                            "refer to a request body defined under components/requestBodies",
                        ))
                    }
                }
            }
        };
        let Some((media_type, content)) = body_content(&body.content) else {
            return Err(SpecError::at(
                &pointer.push("content"),
                "the request body has no media type under `content`",
                "add `content` with the media type the server accepts, such as `application/json: {schema: ...}`",
            ));
        };
        let content_pointer = pointer.push("content").push(media_type);
        let inline = InlineName {
            type_name: format!("{type_stem}Body"),
            owner: format!("the request body of `{type_stem}`"),
        };
        let mut schema_type = |lowering: &mut Self| match &content.schema {
            Some(schema) => lowering.lower_schema_ref(
                schema,
                &inline,
                &content_pointer.push("schema"),
                inline_enums,
            ),
            None => Ok(RustType::Json),
        };
        let essence = media_essence(media_type);
        if !essence.bytes().all(|byte| (b'!'..=b'~').contains(&byte)) {
            return Err(SpecError::at(
                &content_pointer,
                format!("media type `{essence}` contains characters an HTTP header cannot carry"),
                "write the media type in ASCII without spaces, such as `application/octet-stream`",
            ));
        }
        let mut docs = body
            .description
            .as_deref()
            .map(doc_lines)
            .unwrap_or_default();
        let kind = match essence.as_str() {
            "*/*" => BodyKind::Json {
                ty: schema_type(self)?,
                content_type: "application/json".to_owned(),
            },
            json if is_json(json) => BodyKind::Json {
                ty: schema_type(self)?,
                content_type: essence.clone(),
            },
            "application/x-www-form-urlencoded" => {
                let ty = schema_type(self)?;
                if self.is_flat_struct(&ty) {
                    BodyKind::Form(ty)
                } else {
                    self.fallback(Fallback::FormAsBytes, &content_pointer.push("schema"));
                    BodyKind::Bytes {
                        content_type: essence,
                    }
                }
            }
            "multipart/form-data" => {
                self.fallback(Fallback::UntypedMultipart, &content_pointer.push("schema"));
                let parts = content
                    .schema
                    .as_ref()
                    .map(|schema| self.multipart_parts(schema));
                if let Some(parts) = parts.filter(|parts| !parts.is_empty()) {
                    docs = join_paragraphs([
                        docs,
                        markdown_line(format!("The spec lists these parts: {}.", parts.join(", "))),
                    ]);
                }
                BodyKind::Multipart
            }
            _ => BodyKind::Bytes {
                content_type: essence,
            },
        };
        Ok(Body {
            kind,
            required: body.required,
            docs,
        })
    }

    /// Lowers the 2XX responses, or the `default` response when there is none.
    fn lower_success_responses(
        &mut self,
        operation: &'a openapiv3::Operation,
        type_stem: &str,
        pointer: &Pointer,
        inline_enums: &mut Vec<EnumModel>,
    ) -> SpecResult<SuccessResponse> {
        let responses_pointer = pointer.push("responses");
        let mut documented: Vec<(Option<u16>, String, &'a ReferenceOr<Response>)> = operation
            .responses
            .responses
            .iter()
            .filter_map(|(key, response)| match key {
                StatusCode::Code(code) if (200..300).contains(code) => {
                    Some((Some(*code), code.to_string(), response))
                }
                StatusCode::Range(2) => Some((None, "2XX".to_owned(), response)),
                _ => None,
            })
            .collect();
        if documented.is_empty() {
            let Some(default) = &operation.responses.default else {
                return Err(SpecError::at(
                    &responses_pointer,
                    "no success (2XX) response",
                    "document the status and body the operation returns on success",
                ));
            };
            self.fallback(
                Fallback::DefaultAsSuccess,
                &responses_pointer.push("default"),
            );
            documented.push((None, "default".to_owned(), default));
        }
        // Lowest status first; `2XX` and `default` after every exact status.
        documented.sort_by_key(|(status, _, _)| status.unwrap_or(u16::MAX));

        let single = documented.len() == 1;
        let mut variant_names = NameScope::default();
        let mut variants = Vec::new();
        for (status, key, response) in documented {
            // The key as written (`2XX` stays `2XX`), so that error pointers match the spec.
            let response_pointer = responses_pointer.push(&key);
            let Some(response) = self.resolve_response(response) else {
                return Err(SpecError::at(
                    &response_pointer.push("$ref"),
                    "dangling or nested response $ref",
                    "refer to a response defined under components/responses",
                ));
            };
            let name = variant_names.unique(status_variant_name(status, &key));
            // `GetReportResponse` is the enum when there are several responses, whose bodies
            // are then named after their variant: `GetReportOk`.
            let type_name = if single {
                format!("{type_stem}Response")
            } else {
                format!("{type_stem}{name}")
            };
            let inline = InlineName {
                type_name,
                owner: format!("the `{key}` response of `{type_stem}`"),
            };
            let kind =
                self.response_kind(status, response, &inline, &response_pointer, inline_enums)?;
            let docs = join_paragraphs([
                markdown_line(format!("The `{key}` response.")),
                doc_lines(&response.description),
            ]);
            variants.push(ResponseVariant {
                name,
                status,
                key,
                kind,
                docs,
            });
        }
        let same_body = variants
            .iter()
            .all(|variant| variant.kind == variants[0].kind);
        let enum_name =
            (!same_body).then(|| self.type_names.unique(format!("{type_stem}Response")));
        Ok(SuccessResponse {
            variants,
            enum_name,
        })
    }

    fn response_kind(
        &mut self,
        status: Option<u16>,
        response: &Response,
        inline: &InlineName,
        pointer: &Pointer,
        inline_enums: &mut Vec<EnumModel>,
    ) -> SpecResult<ResponseKind> {
        if status == Some(204) {
            return Ok(ResponseKind::Empty);
        }
        let Some((media_type, content)) = body_content(&response.content) else {
            return Ok(ResponseKind::Empty);
        };
        if !is_json(&media_essence(media_type)) {
            let accept = response
                .content
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ");
            if !accept.bytes().all(|byte| (b' '..=b'~').contains(&byte)) {
                return Err(SpecError::at(
                    &pointer.push("content"),
                    format!(
                        "media types `{accept}` contain characters an HTTP header cannot carry"
                    ),
                    "write media types in ASCII, such as `text/plain`",
                ));
            }
            return Ok(ResponseKind::Raw { accept });
        }
        let Some(schema) = &content.schema else {
            return Ok(ResponseKind::Json);
        };
        let schema_pointer = pointer.push("content").push(media_type).push("schema");
        Ok(
            match self.lower_schema_ref(schema, inline, &schema_pointer, inline_enums)? {
                RustType::Json | RustType::JsonObject => ResponseKind::Json,
                ty => ResponseKind::Typed(ty),
            },
        )
    }

    fn resolve_response(&self, response: &'a ReferenceOr<Response>) -> Option<&'a Response> {
        let spec = self.spec;
        match response {
            ReferenceOr::Item(response) => Some(response),
            ReferenceOr::Reference { reference } => {
                let name =
                    unescape_pointer_token(reference.strip_prefix("#/components/responses/")?);
                match spec.components.as_ref()?.responses.get(&name)? {
                    ReferenceOr::Item(response) => Some(response),
                    ReferenceOr::Reference { .. } => None,
                }
            }
        }
    }

    fn record_error_schemas(&mut self, operation: &'a openapiv3::Operation) {
        for (status, response) in &operation.responses.responses {
            let is_error = match status {
                StatusCode::Code(code) => *code >= 400,
                StatusCode::Range(range) => *range >= 4,
            };
            if !is_error {
                continue;
            }
            let schema = self
                .resolve_response(response)
                .and_then(|response| body_content(&response.content))
                .and_then(|(_, content)| match &content.schema {
                    Some(ReferenceOr::Reference { reference }) => reference
                        .strip_prefix(SCHEMA_REF_PREFIX)
                        .map(unescape_pointer_token)
                        .and_then(|name| self.model_names.get(&name).cloned()),
                    _ => None,
                });
            self.error_schemas.push(schema);
        }
    }

    /// Returns the one schema that every documented error response of every operation uses.
    fn common_error_model(&self) -> Option<String> {
        let first = self.error_schemas.first()?.clone()?;
        self.error_schemas
            .iter()
            .all(|schema| schema.as_deref() == Some(first.as_str()))
            .then_some(first)
    }
}

/// Adds the properties and required names of `object` to `merged`; a later part's property
/// replaces an earlier one of the same name.
fn merge_object(merged: &mut openapiv3::ObjectType, object: &openapiv3::ObjectType) {
    for (name, property) in &object.properties {
        merged.properties.insert(name.clone(), property.clone());
    }
    for name in &object.required {
        if !merged.required.contains(name) {
            merged.required.push(name.clone());
        }
    }
}

/// Reads a schema with `properties` but without `type: object` (which `openapiv3` cannot
/// type) as the object it describes.
fn any_as_object(any: &openapiv3::AnySchema) -> Option<openapiv3::ObjectType> {
    let untyped_or_object = any.typ.as_deref().is_none_or(|typ| typ == "object");
    (untyped_or_object && !any.properties.is_empty()).then(|| openapiv3::ObjectType {
        properties: any.properties.clone(),
        required: any.required.clone(),
        additional_properties: any.additional_properties.clone(),
        min_properties: any.min_properties,
        max_properties: any.max_properties,
    })
}

/// Types a scalar schema by its `type` and `format` alone, for a schema whose other keywords
/// do not fit its type, such as `{type: boolean, enum: ["true", "false"]}`.
fn any_schema_type(any: &openapiv3::AnySchema) -> Option<RustType> {
    let format = any.format.as_deref();
    Some(match any.typ.as_deref()? {
        "boolean" => RustType::Bool,
        "integer" if format == Some("int32") => RustType::I32,
        "integer" => RustType::I64,
        "number" if format == Some("float") => RustType::F32,
        "number" => RustType::F64,
        "string" if format == Some("date-time") => RustType::DateTime,
        "string" if format == Some("date") => RustType::Date,
        "string" => RustType::String,
        _ => return None,
    })
}

/// Checks that a parameter of this type can be written as text in a URL or header.
fn is_simple_param_type(ty: &RustType, lowering: &Lowering<'_>) -> bool {
    match ty {
        RustType::String
        | RustType::Bool
        | RustType::I32
        | RustType::I64
        | RustType::F32
        | RustType::F64
        | RustType::DateTime
        | RustType::Date => true,
        RustType::Named(name) => {
            lowering.enum_names.contains(name)
                || lowering
                    .scalar_aliases
                    .get(name)
                    .is_some_and(|ty| is_simple_param_type(ty, lowering))
        }
        RustType::Vec(item) => {
            !matches!(**item, RustType::Vec(_)) && is_simple_param_type(item, lowering)
        }
        RustType::Json | RustType::JsonObject | RustType::Map(_) => false,
    }
}

fn enum_model(name: String, docs: Vec<String>, values: Vec<String>) -> EnumModel {
    let mut variant_names = NameScope::default();
    variant_names.reserve(FALLBACK_VARIANT);
    // A value listed twice is one variant; two would make an unreachable match arm.
    let mut seen = BTreeSet::new();
    let variants = values
        .into_iter()
        .filter(|wire_value| seen.insert(wire_value.clone()))
        .map(|wire_value| EnumVariant {
            name: variant_names.unique(pascal_case(&wire_value)),
            wire_value,
        })
        .collect();
    EnumModel {
        name,
        docs,
        variants,
        fallback_variant: FALLBACK_VARIANT.to_owned(),
    }
}

fn schema_docs(schema: &Schema, schema_name: &str) -> Vec<String> {
    let text = schema
        .schema_data
        .description
        .as_deref()
        .or(schema.schema_data.title.as_deref());
    match text {
        Some(text) => doc_lines(text),
        None => markdown_line(format!("The {} schema.", code_span(schema_name))),
    }
}

fn field_docs(
    description: Option<&str>,
    wire_name: &str,
    required: bool,
    read_only: bool,
) -> Vec<String> {
    let summary = match description {
        Some(text) => doc_lines(text),
        None => markdown_line(format!("The {} property.", code_span(wire_name))),
    };
    let mut notes = Vec::new();
    if required {
        notes.push("Required by the API when sending.");
    }
    if read_only {
        notes.push("Read-only: set by the server, which ignores it in requests.");
    }
    if notes.is_empty() {
        summary
    } else {
        join_paragraphs([summary, markdown_line(notes.join(" "))])
    }
}

fn permissions(
    operation: &openapiv3::Operation,
    pointer: &Pointer,
) -> SpecResult<Option<Permissions>> {
    #[derive(serde::Deserialize)]
    struct Raw {
        #[serde(rename = "type")]
        kind: String,
        permissions: Vec<String>,
    }
    const KEY: &str = "x-inin-requires-permissions";
    let Some(value) = operation.extensions.get(KEY) else {
        return Ok(None);
    };
    let raw: Raw = serde_json::from_value(value.clone()).map_err(|err| {
        SpecError::at(
            &pointer.push(KEY),
            format!("invalid permissions: {err}"),
            "write it as `{type: ANY|ALL, permissions: [name, ...]}`",
        )
    })?;
    if raw.kind != "ANY" && raw.kind != "ALL" {
        return Err(SpecError::at(
            &pointer.push(KEY).push("type"),
            format!("invalid permission type `{}`", raw.kind),
            "use ANY (one of the permissions suffices) or ALL (every one is needed)",
        ));
    }
    Ok(Some(Permissions {
        kind: raw.kind,
        names: raw.permissions,
    }))
}

fn path_segments(path: &str, params: &[Param], pointer: &Pointer) -> SpecResult<Vec<PathSegment>> {
    let mut segments = Vec::new();
    for segment in path.split('/').filter(|segment| !segment.is_empty()) {
        let Some(name) = segment
            .strip_prefix('{')
            .and_then(|rest| rest.strip_suffix('}'))
        else {
            if segment.contains(['{', '}']) {
                return Err(unsupported(
                    pointer,
                    &format!("path segment `{segment}` mixing text and a parameter"),
                ));
            }
            segments.push(PathSegment::Literal(segment.to_owned()));
            continue;
        };
        let param = params
            .iter()
            .find(|param| param.location == ParamLocation::Path && param.wire_name == name);
        let Some(param) = param else {
            return Err(SpecError::at(
                &pointer.push("parameters"),
                format!("path parameter `{name}` is used in the path but not defined"),
                format!("add a parameter with `name: {name}` and `in: path`"),
            ));
        };
        segments.push(PathSegment::Param(param.name.clone()));
    }
    // `/things/` and `/things` are different paths: keep the trailing slash.
    if path.len() > 1 && path.ends_with('/') {
        segments.push(PathSegment::Literal(String::new()));
    }
    Ok(segments)
}

/// Picks the media type to generate for: JSON when offered, else the first one listed.
fn body_content(content: &indexmap::IndexMap<String, MediaType>) -> Option<(&str, &MediaType)> {
    content
        .iter()
        .find(|(media_type, _)| is_json(&media_essence(media_type)))
        .or_else(|| content.first())
        .map(|(media_type, content)| (media_type.as_str(), content))
}

/// Returns a media type without parameters, in lower case: `Application/JSON; charset=utf-8` ->
/// `application/json`.
fn media_essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn is_json(essence: &str) -> bool {
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

/// Names the enum variant of a success response after its status: `Ok`, `Accepted`.
fn status_variant_name(status: Option<u16>, key: &str) -> String {
    let name = match status {
        Some(200) => "Ok",
        Some(201) => "Created",
        Some(202) => "Accepted",
        Some(203) => "NonAuthoritative",
        Some(204) => "NoContent",
        Some(205) => "ResetContent",
        Some(206) => "PartialContent",
        Some(207) => "MultiStatus",
        Some(code) => return format!("Status{code}"),
        None if key == "default" => "Default",
        None => "Success",
    };
    name.to_owned()
}

/// Whether an alias refers back to itself through other aliases, which Rust cannot express
/// as a type alias.
fn alias_contains_itself(name: &str, ty: &RustType, models: &[Model]) -> bool {
    let mut pending = vec![ty.clone()];
    let mut seen = BTreeSet::new();
    while let Some(ty) = pending.pop() {
        let mut names = BTreeSet::new();
        ty.collect_named(&mut names);
        for named in names {
            if named == name {
                return true;
            }
            if !seen.insert(named.clone()) {
                continue;
            }
            let alias = models.iter().find(|model| model.name == named);
            if let Some(Model {
                kind: ModelKind::Alias(inner),
                ..
            }) = alias
            {
                pending.push(inner.clone());
            }
        }
    }
    false
}

fn error_statuses(operation: &openapiv3::Operation) -> Vec<u16> {
    let mut statuses: Vec<u16> = operation
        .responses
        .responses
        .keys()
        .filter_map(|status| match status {
            StatusCode::Code(code) if *code >= 400 => Some(*code),
            _ => None,
        })
        .collect();
    statuses.sort_unstable();
    statuses
}

fn location_name(param: &Parameter) -> &'static str {
    match param {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

fn is_string_enum(schema: &ReferenceOr<Schema>) -> bool {
    matches!(
        schema,
        ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::String(string)), .. })
            if !string.enumeration.is_empty()
    )
}

/// Checks for a schema with no keywords at all, which accepts any JSON value.
fn is_any_schema(schema: &ReferenceOr<Schema>) -> bool {
    matches!(schema, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(any), .. }) if is_empty_any(any))
}

fn is_empty_any(any: &openapiv3::AnySchema) -> bool {
    any == &openapiv3::AnySchema::default()
}

fn unsupported(pointer: &Pointer, construct: &str) -> SpecError {
    SpecError::at(
        pointer,
        format!("unsupported: {construct}"),
        "the generator cannot express this yet; rewrite it with the constructs the External Contacts spec uses, or extend xtask/src/codegen/lower.rs",
    )
}

fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::codegen::error::SpecLocation;
    use crate::codegen::ir::PaginationKind;
    use crate::codegen::load::parse_spec;

    fn lower_yaml(yaml: &str) -> Api {
        let spec = parse_spec(Path::new("test.yaml"), yaml).expect("the test spec parses");
        lower(&spec).expect("the test spec lowers")
    }

    fn struct_fields<'a>(api: &'a Api, name: &str) -> &'a [Field] {
        let model = api
            .models
            .iter()
            .find(|model| model.name == name)
            .expect("the model exists");
        match &model.kind {
            ModelKind::Struct(fields) => fields,
            other => panic!("{name} is not a struct: {other:?}"),
        }
    }

    const HEADER: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

    #[test]
    fn enum_variant_names_are_unique() {
        let values = [
            "active",
            "ACTIVE",
            "3d",
            "with space",
            "contacts.externalOrganization",
            "Unrecognized",
            "",
        ];
        let model = enum_model(
            "Kind".to_owned(),
            Vec::new(),
            values.map(str::to_owned).to_vec(),
        );

        let names: Vec<&str> = model
            .variants
            .iter()
            .map(|variant| variant.name.as_str())
            .collect();

        let expected = [
            "Active",
            "Active2",
            "V3d",
            "WithSpace",
            "ContactsExternalOrganization",
            "Unrecognized2",
            "Empty",
        ];
        assert_eq!(names, expected);
        assert_eq!(model.fallback_variant, "Unrecognized");
        let wire: Vec<&str> = model
            .variants
            .iter()
            .map(|variant| variant.wire_value.as_str())
            .collect();
        assert_eq!(wire, values);
    }

    #[test]
    fn field_names_avoid_keywords_and_collisions() {
        let yaml = format!(
            "{HEADER}components:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        \
             type: {{type: string}}\n        fooBar: {{type: string}}\n        foo_bar: {{type: string}}\n        \
             self: {{type: string}}\n"
        );

        let api = lower_yaml(&yaml);

        let fields = struct_fields(&api, "Thing");
        let names: Vec<(&str, &str)> = fields
            .iter()
            .map(|field| (field.name.as_str(), field.wire_name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("type_", "type"),
                ("foo_bar", "fooBar"),
                ("foo_bar2", "foo_bar"),
                ("self_", "self")
            ]
        );
    }

    #[test]
    fn inline_enum_name_avoids_schema_name() {
        let yaml = format!(
            "{HEADER}components:\n  schemas:\n    Contact:\n      type: object\n      properties:\n        \
             type: {{type: string, enum: [a, b]}}\n    ContactType:\n      type: object\n      properties:\n        \
             id: {{type: string}}\n"
        );

        let api = lower_yaml(&yaml);

        let contact = api
            .models
            .iter()
            .find(|model| model.name == "Contact")
            .expect("Contact exists");
        assert_eq!(contact.inline_enums[0].name, "ContactType2");
        assert_eq!(
            struct_fields(&api, "Contact")[0].ty,
            RustType::Named("ContactType2".to_owned())
        );
    }

    #[test]
    fn schema_named_like_prelude_type_is_renamed() {
        let yaml = format!(
            "{HEADER}components:\n  schemas:\n    Result:\n      type: object\n      properties:\n        \
             id: {{type: string}}\n"
        );

        let api = lower_yaml(&yaml);

        assert_eq!(api.models[0].name, "Result2");
    }

    #[test]
    fn read_only_all_of_is_referenced_type() {
        let yaml = format!(
            "{HEADER}components:\n  schemas:\n    Ref:\n      type: object\n      properties:\n        \
             id: {{type: string}}\n    Holder:\n      type: object\n      required: [ref]\n      properties:\n        \
             ref:\n          readOnly: true\n          allOf: [{{$ref: '#/components/schemas/Ref'}}]\n"
        );

        let api = lower_yaml(&yaml);

        let field = &struct_fields(&api, "Holder")[0];
        assert_eq!(field.ty, RustType::Named("Ref".to_owned()));
        assert!(field.read_only);
        assert!(field.required);
        assert!(
            !field.in_constructor(),
            "read-only fields are not constructor arguments"
        );
    }

    const LISTING_SPEC: &str = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things:
    get:
      operationId: getThings
      parameters:
        - {name: pageNumber, in: query, schema: {type: integer, format: int32}}
        - {name: pageSize, in: query, schema: {type: integer, format: int32, default: 50}}
        - {name: cursor, in: query, schema: {type: string}}
      responses:
        '200':
          description: a page
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ThingListing'}
components:
  schemas:
    Cursors:
      type: object
      properties:
        after: {type: string}
    Thing:
      type: object
      properties:
        id: {type: string}
    ThingListing:
      type: object
      properties:
        entities: {type: array, items: {$ref: '#/components/schemas/Thing'}}
        pageCount: {type: integer, format: int32}
        cursors: {$ref: '#/components/schemas/Cursors'}
";

    #[test]
    fn ambiguous_paging_gets_no_stream() {
        let api = lower_yaml(LISTING_SPEC);

        assert!(api.operations[0].pagination.is_none());
        assert_eq!(
            api.notes,
            ["getThings: no stream, because its parameters match more than one paging shape"]
        );
    }

    #[test]
    fn page_number_paging_is_detected() {
        let spec = LISTING_SPEC.replace(
            "        - {name: cursor, in: query, schema: {type: string}}\n",
            "",
        );

        let api = lower_yaml(&spec);

        let pagination = api.operations[0]
            .pagination
            .as_ref()
            .expect("a page-number listing");
        assert_eq!(pagination.item, RustType::Named("Thing".to_owned()));
        let PaginationKind::PageNumber {
            default_page_size,
            page_count_field,
            ..
        } = &pagination.kind
        else {
            panic!("expected page-number paging, got {:?}", pagination.kind);
        };
        assert_eq!(*default_page_size, 50);
        assert_eq!(page_count_field, "page_count");
        assert!(api.notes.is_empty());
    }

    fn lower_error(yaml: &str) -> SpecError {
        let spec = parse_spec(Path::new("test.yaml"), yaml).expect("the test spec parses");
        lower(&spec).expect_err("the test spec is rejected")
    }

    const OPERATION_HEADER: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn names_of_hand_written_items_are_avoided() {
        let yaml = format!(
            "{OPERATION_HEADER}paths:\n  /things/:\n    get:\n      operationId: builder\n      parameters:\n        \
             - {{name: send, in: query, schema: {{type: string}}}}\n      responses:\n        '204': {{description: none}}\n\
             components:\n  schemas:\n    Client:\n      type: object\n      properties:\n        id: {{type: string}}\n"
        );

        let api = lower_yaml(&yaml);

        let op = &api.operations[0];
        assert_eq!(op.method_name, "builder2");
        assert_eq!(op.params[0].name, "send2");
        assert_eq!(api.models[0].name, "Client2");
        let last = op.path_segments.last().expect("segments");
        assert!(
            matches!(last, PathSegment::Literal(text) if text.is_empty()),
            "the trailing slash is kept"
        );
    }

    #[test]
    fn array_path_parameter_is_rejected() {
        let yaml = format!(
            "{OPERATION_HEADER}paths:\n  /things/{{ids}}:\n    get:\n      operationId: getThings\n      parameters:\n        \
             - {{name: ids, in: path, required: true, schema: {{type: array, items: {{type: string}}}}}}\n      \
             responses:\n        '204': {{description: none}}\n"
        );

        let err = lower_error(&yaml);

        assert_eq!(
            err.location,
            SpecLocation::Pointer(Pointer::from_escaped(
                "#/paths/~1things~1{ids}/get/parameters/0/schema"
            ))
        );
        assert!(
            err.message
                .contains("array parameters outside the query string"),
            "{}",
            err.message
        );
    }

    #[test]
    fn self_containing_alias_is_rejected() {
        let yaml = format!(
            "{OPERATION_HEADER}paths: {{}}\ncomponents:\n  schemas:\n    Tree:\n      type: array\n      items: {{$ref: '#/components/schemas/Tree'}}\n"
        );

        let err = lower_error(&yaml);

        assert_eq!(
            err.location,
            SpecLocation::Pointer(Pointer::from_escaped("#/components/schemas/Tree"))
        );
        assert!(
            err.message
                .contains("`Tree` contains itself only through arrays or maps"),
            "{}",
            err.message
        );
    }

    const RESPONSES_SPEC: &str = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /jobs:
    post:
      operationId: postJobs
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                name: {type: string}
      responses:
        '202': {description: queued}
        '200':
          description: done
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: string}
    put:
      operationId: putJobs
      requestBody:
        content:
          image/PNG: {schema: {type: string, format: binary}}
      responses:
        default: {description: stored}
";

    #[test]
    fn different_success_bodies_make_enum() {
        let api = lower_yaml(RESPONSES_SPEC);

        let op = &api.operations[0];
        assert_eq!(op.response.enum_name.as_deref(), Some("PostJobsResponse"));
        let variants: Vec<(&str, &ResponseKind)> = op
            .response
            .variants
            .iter()
            .map(|variant| (variant.name.as_str(), &variant.kind))
            .collect();
        let typed = ResponseKind::Typed(RustType::Named("PostJobsOk".to_owned()));
        assert_eq!(
            variants,
            [("Ok", &typed), ("Accepted", &ResponseKind::Empty)]
        );
        let body = op.body.as_ref().expect("a body");
        assert!(
            matches!(&body.kind, BodyKind::Form(RustType::Named(name)) if name == "PostJobsBody"),
            "{body:?}"
        );
        let hoisted: Vec<&str> = api.models.iter().map(|model| model.name.as_str()).collect();
        assert_eq!(hoisted, ["PostJobsBody", "PostJobsOk"]);
    }

    #[test]
    fn default_response_is_reported_fallback() {
        let api = lower_yaml(RESPONSES_SPEC);

        let op = &api.operations[1];
        assert_eq!(op.response.primary().key, "default");
        assert!(op.response.primary().is_empty());
        assert!(
            matches!(&op.body.as_ref().expect("a body").kind, BodyKind::Bytes { content_type } if content_type == "image/png")
        );
        assert_eq!(
            api.fallbacks[&Fallback::DefaultAsSuccess],
            ["#/paths/~1jobs/put/responses/default"]
        );
    }

    #[test]
    fn all_of_objects_merge_into_one_struct() {
        let yaml = format!(
            "{HEADER}components:\n  schemas:\n    Base:\n      type: object\n      required: [id]\n      properties:\n        \
             id: {{type: string}}\n    Child:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        \
             - type: object\n          properties:\n            extra: {{type: integer}}\n"
        );

        let api = lower_yaml(&yaml);

        let fields: Vec<(&str, bool)> = struct_fields(&api, "Child")
            .iter()
            .map(|field| (field.name.as_str(), field.required))
            .collect();
        assert_eq!(fields, [("id", true), ("extra", false)]);
        assert!(api.fallbacks.is_empty());
    }

    #[test]
    fn all_of_cycle_is_value_fallback() {
        let yaml = format!(
            "{HEADER}components:\n  schemas:\n    Loop:\n      allOf:\n        - $ref: '#/components/schemas/Loop'\n        \
             - type: object\n          properties:\n            id: {{type: string}}\n"
        );

        let api = lower_yaml(&yaml);

        let model = &api.models[0];
        assert!(
            matches!(&model.kind, ModelKind::Alias(RustType::Json)),
            "{:?}",
            model.kind
        );
        assert_eq!(
            api.fallbacks[&Fallback::MixedAllOf],
            ["#/components/schemas/Loop/allOf"]
        );
    }

    #[test]
    fn inline_objects_in_arrays_and_maps_become_structs() {
        let yaml = format!(
            "{HEADER}components:\n  schemas:\n    Holder:\n      type: object\n      properties:\n        \
             rows:\n          type: array\n          items:\n            type: object\n            properties:\n              \
             id: {{type: string}}\n        byName:\n          type: object\n          additionalProperties:\n            \
             properties:\n              size: {{type: integer}}\n"
        );

        let api = lower_yaml(&yaml);

        let types: Vec<String> = struct_fields(&api, "Holder")
            .iter()
            .map(|field| field.ty.to_string())
            .collect();
        assert_eq!(
            types,
            [
                "Vec<HolderRows>",
                "std::collections::BTreeMap<String, HolderByNameValue>"
            ]
        );
        assert_eq!(struct_fields(&api, "HolderRows")[0].name, "id");
        assert_eq!(struct_fields(&api, "HolderByNameValue")[0].name, "size");
    }

    #[test]
    fn duplicate_enum_values_make_one_variant() {
        let model = enum_model(
            "Speed".to_owned(),
            Vec::new(),
            ["fast", "fast", "slow"].map(str::to_owned).to_vec(),
        );

        let names: Vec<&str> = model
            .variants
            .iter()
            .map(|variant| variant.name.as_str())
            .collect();

        assert_eq!(names, ["Fast", "Slow"]);
    }
}
