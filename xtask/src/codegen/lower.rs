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
    Api, ArrayStyle, Body, EnumModel, EnumVariant, Field, Model, ModelKind, Operation, Param,
    ParamLocation, PathSegment, Permissions, ResponseKind, RustType, SuccessResponse,
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
    let mut operations = lowering.lower_operations()?;
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
    Ok(Api {
        models,
        operations,
        error_model,
        notes,
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
        Lowering {
            spec,
            type_names,
            model_names,
            enum_names,
            scalar_aliases: BTreeMap::new(),
            error_schemas: Vec::new(),
        }
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
                    return Err(SpecError::at(
                        pointer,
                        "unsupported schema: an inline object with properties",
                        "move the object to components/schemas and refer to it with $ref",
                    ));
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
            SchemaKind::AllOf { .. } => {
                Err(unsupported(pointer, "allOf with more than one schema"))
            }
            SchemaKind::OneOf { .. } => Err(unsupported(pointer, "oneOf")),
            SchemaKind::AnyOf { .. } => Err(unsupported(pointer, "anyOf")),
            SchemaKind::Not { .. } => Err(unsupported(pointer, "not")),
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
            SchemaKind::Any(_) => Err(SpecError::at(
                pointer,
                "unsupported schema: its keywords do not form one OpenAPI type \
                 (for example `enum` on an object, or `type` beside `allOf`)",
                "give the schema a single `type` with the keywords that type allows",
            )),
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
        let response = self.lower_success_response(operation, pointer, &mut inline_enums)?;
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
        let ty = self.lower_schema_ref(schema, &inline, &pointer.push("schema"), inline_enums)?;
        if !is_simple_param_type(&ty, self) {
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
        let Some((media_type, content)) = json_content(&body.content) else {
            let types: Vec<&str> = body.content.keys().map(String::as_str).collect();
            return Err(unsupported(
                &pointer.push("content"),
                &format!("request body media types {types:?} (only JSON bodies are generated)"),
            ));
        };
        let content_pointer = pointer.push("content").push(media_type);
        let ty = match &content.schema {
            Some(schema) => {
                let inline = InlineName {
                    type_name: format!("{type_stem}Body"),
                    owner: format!("the request body of `{type_stem}`"),
                };
                self.lower_schema_ref(
                    schema,
                    &inline,
                    &content_pointer.push("schema"),
                    inline_enums,
                )?
            }
            None => RustType::Json,
        };
        Ok(Body {
            ty,
            required: body.required,
            docs: body
                .description
                .as_deref()
                .map(doc_lines)
                .unwrap_or_default(),
        })
    }

    fn lower_success_response(
        &mut self,
        operation: &'a openapiv3::Operation,
        pointer: &Pointer,
        inline_enums: &mut Vec<EnumModel>,
    ) -> SpecResult<SuccessResponse> {
        let success = operation
            .responses
            .responses
            .iter()
            .find_map(|(key, response)| match key {
                StatusCode::Code(code) if (200..300).contains(code) => Some((*code, key, response)),
                StatusCode::Range(2) => Some((200, key, response)),
                _ => None,
            });
        let Some((status, key, response)) = success else {
            return Err(SpecError::at(
                &pointer.push("responses"),
                "no success (2XX) response",
                "document the status and body the operation returns on success",
            ));
        };
        // The key as written (`2XX` stays `2XX`), so that error pointers match the spec.
        let response_pointer = pointer.push("responses").push(key);
        let Some(response) = self.resolve_response(response) else {
            return Err(SpecError::at(
                &response_pointer.push("$ref"),
                "dangling or nested response $ref",
                "refer to a response defined under components/responses",
            ));
        };
        if status == 204 || response.content.is_empty() {
            return Ok(SuccessResponse {
                status,
                kind: ResponseKind::Empty,
            });
        }
        let Some((media_type, content)) = json_content(&response.content) else {
            let types: Vec<&str> = response.content.keys().map(String::as_str).collect();
            return Err(unsupported(
                &response_pointer.push("content"),
                &format!("response media types {types:?} (only JSON responses are generated)"),
            ));
        };
        let kind = match &content.schema {
            None => ResponseKind::Json,
            Some(schema) => {
                let type_stem = pascal_case(operation.operation_id.as_deref().unwrap_or_default());
                let schema_pointer = response_pointer
                    .push("content")
                    .push(media_type)
                    .push("schema");
                let inline = InlineName {
                    type_name: format!("{type_stem}Response"),
                    owner: format!("the response body of `{type_stem}`"),
                };
                match self.lower_schema_ref(schema, &inline, &schema_pointer, inline_enums)? {
                    RustType::Json | RustType::JsonObject => ResponseKind::Json,
                    ty => ResponseKind::Typed(ty),
                }
            }
        };
        Ok(SuccessResponse { status, kind })
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
                .and_then(|response| json_content(&response.content))
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

fn json_content(content: &indexmap::IndexMap<String, MediaType>) -> Option<(&str, &MediaType)> {
    content.iter().find_map(|(media_type, content)| {
        let essence = media_type.split(';').next().unwrap_or_default().trim();
        let is_json =
            essence == "application/json" || essence.ends_with("+json") || essence == "*/*";
        is_json.then_some((media_type.as_str(), content))
    })
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
