//! The generator's intermediate model: everything the templates print, decided in one place.
//!
//! Nothing here refers to `openapiv3`. Names are final Rust identifiers, types are printed
//! Rust types, and documentation is split into lines ready for `///`.

use std::fmt;

use super::docs::{code_span, doc_lines, join_paragraphs, markdown_line};

/// The maximum number of arguments a generated function takes without allowing clippy's
/// `too_many_arguments`, whose limit is seven.
pub const MAX_ARGUMENTS: usize = 7;

/// A whole API, lowered from one spec.
#[derive(Debug, Clone)]
pub struct Api {
    /// The spec's `info.title`.
    pub title: String,
    /// The spec's `info.version`.
    pub version: String,
    /// Schema models, sorted by Rust name.
    pub models: Vec<Model>,
    /// Operations, sorted by method name.
    pub operations: Vec<Operation>,
    /// The schema every documented error response uses, when they all use the same one.
    pub error_model: Option<String>,
    /// Decisions worth telling a maintainer, printed by `codegen --verbose`.
    pub notes: Vec<String>,
    /// Places generated less precisely than the spec describes, by kind, as JSON pointers.
    pub fallbacks: std::collections::BTreeMap<Fallback, Vec<String>>,
    /// Names that got a numeric suffix to avoid a collision, one sentence each, such as
    /// "schema `Result` is generated as `Result2`, because `Result` is taken".
    pub renames: Vec<String>,
}

/// A construct generated with a less precise type than the spec describes, so that the
/// operation or schema still exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fallback {
    /// An operation without a 2XX response, whose `default` response is taken as success.
    DefaultAsSuccess,
    /// `oneOf`, `anyOf` or `not`, typed as `serde_json::Value`.
    Composition,
    /// `allOf` that cannot merge into one object (a part that is not an object, or a
    /// reference cycle), typed as `serde_json::Value`.
    MixedAllOf,
    /// A query parameter that is an object or an array of objects, sent as JSON text.
    ObjectQueryParam,
    /// A scalar schema with keywords that do not fit its `type`, typed by `type` and
    /// `format` alone.
    IgnoredKeywords,
    /// A form body with fields a form cannot carry flat (arrays, objects), sent as bytes.
    FormAsBytes,
    /// A `multipart/form-data` body, built by the caller as a `MultipartForm`.
    UntypedMultipart,
}

impl Fallback {
    /// Returns the summary line for `count` places.
    pub fn summary(self, count: usize) -> String {
        match self {
            Fallback::DefaultAsSuccess => format!(
                "{count} operation(s) document no 2XX response: their `default` response is taken as the success response"
            ),
            Fallback::Composition => format!(
                "{count} schema(s) use oneOf, anyOf or not: typed as serde_json::Value"
            ),
            Fallback::MixedAllOf => format!(
                "{count} allOf schema(s) cannot merge into one object (a part is not an object, or refers back to itself): typed as serde_json::Value"
            ),
            Fallback::ObjectQueryParam => format!(
                "{count} query parameter(s) are objects or arrays of objects: each value is sent as its JSON text"
            ),
            Fallback::FormAsBytes => format!(
                "{count} form request bodies with fields a form cannot carry flat (arrays, objects): sent as the caller's bytes"
            ),
            Fallback::UntypedMultipart => format!(
                "{count} multipart request bodies: built by the caller as a MultipartForm, with their parts listed in the docs, not typed"
            ),
            Fallback::IgnoredKeywords => format!(
                "{count} scalar schema(s) have keywords that do not fit their type (such as string values in a boolean's enum): typed by `type` and `format` alone"
            ),
        }
    }
}

/// A named type generated from `components/schemas`, with the enums declared inline in it.
#[derive(Debug, Clone)]
pub struct Model {
    /// Rust type name, which is also the spec's schema name when that is a valid identifier.
    pub name: String,
    /// Module (file) name under `src/models/`.
    pub module: String,
    pub docs: Vec<String>,
    pub kind: ModelKind,
    /// Enums that belong to this model's properties, named `<Model><Property>`.
    pub inline_enums: Vec<EnumModel>,
}

impl Model {
    /// Whether the constructor sets every field, so that it needs no `..Self::default()`.
    pub fn constructor_sets_all_fields(&self) -> bool {
        match &self.kind {
            ModelKind::Struct(fields) => fields.iter().all(Field::in_constructor),
            ModelKind::Enum(_) | ModelKind::Alias(_) => false,
        }
    }

    /// Fields a constructor takes: the required ones the caller can set.
    pub fn constructor_fields(&self) -> Vec<&Field> {
        match &self.kind {
            ModelKind::Struct(fields) => fields
                .iter()
                .filter(|field| field.in_constructor())
                .collect(),
            ModelKind::Enum(_) | ModelKind::Alias(_) => Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub enum ModelKind {
    Struct(Vec<Field>),
    Enum(EnumModel),
    /// A named alias for another type, such as a schema that is only an array.
    Alias(RustType),
}

/// One property of a struct model.
#[derive(Debug, Clone)]
pub struct Field {
    /// Rust field name (snake case, never a keyword).
    pub name: String,
    /// Property name on the wire.
    pub wire_name: String,
    /// The field's type without the `Option` that every field carries.
    pub ty: RustType,
    /// Whether a direct reference cycle makes this field need a `Box`.
    pub boxed: bool,
    /// Whether the spec lists the property as required; constructors take these.
    pub required: bool,
    /// Whether the server sets the property and ignores it in requests.
    pub read_only: bool,
    pub docs: Vec<String>,
}

impl Field {
    /// Arguments of the `#[serde(...)]` attribute on the field.
    pub fn serde_args(&self) -> String {
        let mut args = Vec::new();
        if self.name != self.wire_name {
            args.push(format!("rename = {:?}", self.wire_name));
        }
        if self.ty == RustType::DateTime {
            args.push("with = \"crate::date_time::option\"".to_owned());
        }
        args.push("skip_serializing_if = \"Option::is_none\"".to_owned());
        args.join(", ")
    }

    /// Whether the model's constructor takes this field as an argument.
    pub fn in_constructor(&self) -> bool {
        self.required && !self.read_only
    }

    /// Argument type of the field in the model's constructor.
    pub fn input_type(&self) -> String {
        self.ty.input_type()
    }

    /// Expression that stores the constructor argument named like the field.
    pub fn input_conversion(&self) -> String {
        let value = self.ty.input_conversion(&self.name);
        if self.boxed {
            format!("Some(Box::new({value}))")
        } else {
            format!("Some({value})")
        }
    }

    /// Returns the declared Rust type of the field.
    pub fn declared_type(&self) -> String {
        if self.boxed {
            format!("Option<Box<{}>>", self.ty)
        } else {
            format!("Option<{}>", self.ty)
        }
    }
}

/// A string enum with a catch-all variant that keeps unknown wire values.
#[derive(Debug, Clone)]
pub struct EnumModel {
    pub name: String,
    pub docs: Vec<String>,
    pub variants: Vec<EnumVariant>,
    /// Name of the variant that keeps wire values the spec does not list.
    pub fallback_variant: String,
}

#[derive(Debug, Clone)]
pub struct EnumVariant {
    pub name: String,
    pub wire_value: String,
}

/// A Rust type as it appears in generated code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum RustType {
    String,
    Bool,
    I32,
    I64,
    F32,
    F64,
    DateTime,
    Date,
    /// Any JSON value.
    Json,
    /// A JSON object with arbitrary keys and values.
    JsonObject,
    /// A generated model or enum, by Rust name.
    Named(String),
    Vec(Box<RustType>),
    Map(Box<RustType>),
}

impl RustType {
    /// Whether the type is a generated model or enum (directly, not inside a container).
    pub fn named(&self) -> Option<&str> {
        match self {
            RustType::Named(name) => Some(name),
            _ => None,
        }
    }

    /// Argument type that saves callers a `.to_string()` or a `vec![]`.
    pub fn input_type(&self) -> String {
        match self {
            RustType::String => "impl Into<String>".to_owned(),
            RustType::Vec(item) if **item == RustType::String => {
                "impl IntoIterator<Item = impl Into<String>>".to_owned()
            }
            RustType::Vec(item) => format!("impl IntoIterator<Item = {item}>"),
            other => other.to_string(),
        }
    }

    /// Expression that turns the argument `name`, of [`Self::input_type`], into this type.
    pub fn input_conversion(&self, name: &str) -> String {
        match self {
            RustType::String => format!("{name}.into()"),
            RustType::Vec(item) if **item == RustType::String => {
                format!("{name}.into_iter().map(Into::into).collect()")
            }
            RustType::Vec(_) => format!("{name}.into_iter().collect()"),
            _ => name.to_owned(),
        }
    }

    /// Adds the names of every generated type this type mentions.
    pub fn collect_named(&self, names: &mut std::collections::BTreeSet<String>) {
        match self {
            RustType::Named(name) => {
                names.insert(name.clone());
            }
            RustType::Vec(inner) | RustType::Map(inner) => inner.collect_named(names),
            _ => {}
        }
    }
}

impl fmt::Display for RustType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RustType::String => f.write_str("String"),
            RustType::Bool => f.write_str("bool"),
            RustType::I32 => f.write_str("i32"),
            RustType::I64 => f.write_str("i64"),
            RustType::F32 => f.write_str("f32"),
            RustType::F64 => f.write_str("f64"),
            RustType::DateTime => f.write_str("chrono::DateTime<chrono::Utc>"),
            RustType::Date => f.write_str("chrono::NaiveDate"),
            RustType::Json => f.write_str("serde_json::Value"),
            RustType::JsonObject => f.write_str("serde_json::Map<String, serde_json::Value>"),
            RustType::Named(name) => f.write_str(name),
            RustType::Vec(item) => write!(f, "Vec<{item}>"),
            RustType::Map(value) => write!(f, "std::collections::BTreeMap<String, {value}>"),
        }
    }
}

/// One HTTP operation and the request builder generated for it.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `operationId` as written in the spec.
    pub operation_id: String,
    /// `Client` method name: the snake-case operation id.
    pub method_name: String,
    /// Request builder type name.
    pub request_type: String,
    /// Module (file) name under `src/operations/`.
    pub module: String,
    /// Upper-case HTTP method, as `reqwest::Method` names its constants.
    pub http_method: String,
    /// Path template as written in the spec.
    pub path: String,
    pub path_segments: Vec<PathSegment>,
    pub summary: Option<String>,
    pub description: Vec<String>,
    pub permissions: Option<Permissions>,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub response: SuccessResponse,
    /// Enums declared inline in parameters, named `<RequestType minus Request><Param>`.
    pub inline_enums: Vec<EnumModel>,
    /// How to fetch every page, when the operation is a recognised listing.
    pub pagination: Option<Pagination>,
    /// The documented error statuses (4XX and 5XX), in ascending order.
    pub error_statuses: Vec<u16>,
}

/// Paging scheme of a listing operation, found from its parameters and response schema.
#[derive(Debug, Clone)]
pub struct Pagination {
    pub kind: PaginationKind,
    /// The listing (page) type.
    pub page: String,
    /// Rust name of the page's `entities` field.
    pub entities_field: String,
    /// The type of one entry of `entities`.
    pub item: RustType,
}

/// The paging shapes, with the Rust names of the parameters and fields each one uses.
#[derive(Debug, Clone)]
pub enum PaginationKind {
    /// `pageNumber` and `pageSize` parameters, `pageCount` in the page.
    PageNumber {
        page_number_param: String,
        page_size_param: String,
        page_count_field: String,
        default_page_size: i64,
        /// The cursor operation that lists the same items without the record limit, as
        /// `(client method name, "METHOD /path")`.
        scan: Option<(String, String)>,
    },
    /// A `cursor` parameter, `cursors.after` in the page.
    Cursor {
        cursor_param: String,
        cursors_field: String,
        after_field: String,
    },
    /// An `after` parameter, `nextUri` (which carries the next `after`) in the page.
    After {
        after_param: String,
        next_uri_field: String,
    },
}

impl PaginationKind {
    /// Returns the scan alternative as a Rust `Option<&str>` expression, for error messages.
    pub fn scan_hint(&self) -> String {
        match self {
            PaginationKind::PageNumber {
                scan: Some((method, endpoint)),
                ..
            } => {
                format!("Some({:?})", format!("`Client::{method}` ({endpoint})"))
            }
            _ => "None".to_owned(),
        }
    }
}

impl Operation {
    pub fn required_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|param| param.required)
    }

    pub fn optional_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|param| !param.required)
    }

    /// Arguments of the `Client` method besides `&self`: required parameters and body.
    pub fn argument_count(&self) -> usize {
        let body = self.body.as_ref().is_some_and(|body| body.required);
        self.required_params().count() + usize::from(body)
    }

    /// Returns the summary for one table cell, without a trailing period and with `|` escaped.
    pub fn summary_text(&self) -> String {
        let summary = self.summary.as_deref().unwrap_or(&self.operation_id);
        summary
            .trim()
            .trim_end_matches('.')
            .replace('|', "\\|")
            .replace('\n', " ")
    }

    /// Whether sending the request twice has the effect of sending it once: true for GET,
    /// HEAD, PUT, DELETE and OPTIONS, and for POST operations whose required permissions
    /// all end in `:view`, which only read (bulk fetches, lookups).
    pub fn retry_safe(&self) -> bool {
        match self.http_method.as_str() {
            "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" => true,
            "POST" => self.permissions.as_ref().is_some_and(|permissions| {
                !permissions.names.is_empty()
                    && permissions.names.iter().all(|name| name.ends_with(":view"))
            }),
            _ => false,
        }
    }

    /// Rustdoc of the `Client` method: summary, HTTP method and path, permissions, details.
    pub fn docs(&self) -> Vec<String> {
        let summary = match &self.summary {
            Some(summary) => doc_lines(&format!("{}.", summary.trim_end_matches('.'))),
            None => markdown_line(format!("Calls the `{}` operation.", self.operation_id)),
        };
        let endpoint = markdown_line(format!("`{} {}`", self.http_method, self.path));
        let permissions = self
            .permissions
            .as_ref()
            .map(Permissions::docs)
            .unwrap_or_default();
        let retries = if self.retry_safe() {
            "Safe to repeat: the client retries it after status 429, 502, 503 and 504 and after \
             connection failures."
        } else {
            "Not safe to repeat: the client retries it only after status 429, which means the \
             server did not process it."
        };
        let retries = markdown_line(retries);
        join_paragraphs([
            summary,
            endpoint,
            permissions,
            retries,
            self.description.clone(),
        ])
    }
}

#[derive(Debug, Clone)]
pub enum PathSegment {
    Literal(String),
    /// A path parameter, by Rust field name.
    Param(String),
}

#[derive(Debug, Clone)]
pub struct Permissions {
    /// `ANY` or `ALL`.
    pub kind: String,
    pub names: Vec<String>,
}

impl Permissions {
    fn docs(&self) -> Vec<String> {
        let names: Vec<String> = self.names.iter().map(|name| code_span(name)).collect();
        let sentence = match (self.kind.as_str(), names.len()) {
            (_, 0) => return Vec::new(),
            (_, 1) => format!("Requires the permission {}.", names[0]),
            ("ALL", _) => format!("Requires all of these permissions: {}.", names.join(", ")),
            _ => format!(
                "Requires any one of these permissions: {}.",
                names.join(", ")
            ),
        };
        markdown_line(sentence)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

/// Encoding of an array parameter in the query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrayStyle {
    /// `style: form, explode: true`: `expand=a&expand=b`.
    RepeatedKey,
    /// `style: form, explode: false`: `expand=a,b`.
    CommaSeparated,
}

#[derive(Debug, Clone)]
pub struct Param {
    /// Rust name, used for the builder field, setter and argument.
    pub name: String,
    pub wire_name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: RustType,
    /// Set for array parameters.
    pub array_style: Option<ArrayStyle>,
    /// The spec's `default`, which the server applies when the parameter is absent.
    pub default: Option<serde_json::Value>,
    pub docs: Vec<String>,
}

impl Param {
    /// Argument or setter type of the parameter.
    pub fn input_type(&self) -> String {
        self.ty.input_type()
    }

    /// Expression that turns the argument named like the parameter into its stored type.
    pub fn input_conversion(&self) -> String {
        self.ty.input_conversion(&self.name)
    }

    /// Stored type in the request builder.
    pub fn stored_type(&self) -> String {
        if self.required {
            self.ty.to_string()
        } else {
            format!("Option<{}>", self.ty)
        }
    }

    pub fn is_query(&self) -> bool {
        self.location == ParamLocation::Query
    }

    pub fn is_header(&self) -> bool {
        self.location == ParamLocation::Header
    }

    pub fn is_repeated(&self) -> bool {
        self.array_style == Some(ArrayStyle::RepeatedKey)
    }

    pub fn is_comma_separated(&self) -> bool {
        self.array_style == Some(ArrayStyle::CommaSeparated)
    }
}

/// A request body and how it is sent.
#[derive(Debug, Clone)]
pub struct Body {
    pub kind: BodyKind,
    pub required: bool,
    pub docs: Vec<String>,
}

/// The media type of a request body and the Rust type the caller gives for it.
#[derive(Debug, Clone)]
pub enum BodyKind {
    /// JSON from a serializable type, sent as `content_type` (`application/json` or
    /// another JSON media type, such as `application/merge-patch+json`).
    Json { ty: RustType, content_type: String },
    /// `application/x-www-form-urlencoded` from a serializable type.
    Form(RustType),
    /// `multipart/form-data`, built by the caller as a `MultipartForm`.
    Multipart,
    /// Any other media type, sent as the caller's bytes.
    Bytes { content_type: String },
}

impl Body {
    /// Stored and argument type of the body.
    pub fn ty(&self) -> String {
        match &self.kind {
            BodyKind::Json { ty, .. } | BodyKind::Form(ty) => ty.to_string(),
            BodyKind::Multipart => "crate::MultipartForm".to_owned(),
            BodyKind::Bytes { .. } => "bytes::Bytes".to_owned(),
        }
    }

    /// Argument type of the body: bytes are taken as anything that converts to `Bytes`.
    pub fn input_type(&self) -> String {
        match &self.kind {
            BodyKind::Bytes { .. } => "impl Into<bytes::Bytes>".to_owned(),
            _ => self.ty(),
        }
    }

    /// Expression that turns the argument `body`, of [`Self::input_type`], into the stored type.
    pub fn input_conversion(&self) -> String {
        match &self.kind {
            BodyKind::Bytes { .. } => "body.into()".to_owned(),
            _ => "body".to_owned(),
        }
    }

    /// Returns the generated type the body is, if any.
    pub fn rust_type(&self) -> Option<&RustType> {
        match &self.kind {
            BodyKind::Json { ty, .. } | BodyKind::Form(ty) => Some(ty),
            BodyKind::Multipart | BodyKind::Bytes { .. } => None,
        }
    }

    /// Returns the `ApiRequest` call that stores the body held in `value`.
    pub fn setter(&self, value: &str) -> String {
        match &self.kind {
            BodyKind::Json { content_type, .. } if content_type == "application/json" => {
                format!("request.json_body({value})?")
            }
            BodyKind::Json { content_type, .. } => {
                format!("request.json_body_as({value}, {content_type:?})?")
            }
            BodyKind::Form(_) => format!("request.form_body({value})?"),
            BodyKind::Multipart => format!("request.multipart_body({value})"),
            BodyKind::Bytes { content_type } => {
                format!("request.bytes_body({value}, {content_type:?})")
            }
        }
    }
}

/// Success result of `send()`: one documented response, or several as an enum.
#[derive(Debug, Clone)]
pub struct SuccessResponse {
    /// The documented success responses, lowest status first; the first is the one an
    /// undocumented 2XX status decodes as.
    pub variants: Vec<ResponseVariant>,
    /// Name of the enum `send()` returns when the responses have different bodies.
    pub enum_name: Option<String>,
}

/// One documented success response.
#[derive(Debug, Clone)]
pub struct ResponseVariant {
    /// The status, or `None` for `2XX` and `default`.
    pub status: Option<u16>,
    /// The status key as written in the spec, such as `200` or `default`.
    pub key: String,
    /// Enum variant name, such as `Ok` or `Accepted`.
    pub name: String,
    pub kind: ResponseKind,
    pub docs: Vec<String>,
}

impl ResponseVariant {
    /// Checks whether the response has no body.
    pub fn is_empty(&self) -> bool {
        self.kind == ResponseKind::Empty
    }

    /// Expression that decodes `response` as this variant of the enum `enum_name`.
    pub fn decode_into(&self, enum_name: &str) -> String {
        let decoder = self.kind.decoder();
        let name = &self.name;
        if self.is_empty() {
            format!("response.{decoder}().map(|response| response.map(|()| {enum_name}::{name}))")
        } else {
            format!("response.{decoder}().map(|response| response.map({enum_name}::{name}))")
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseKind {
    /// No body (`204`, or a success response without content).
    Empty,
    /// A free-form JSON body, where an empty body decodes to `Value::Null`.
    Json,
    /// A typed JSON body.
    Typed(RustType),
    /// A body that is not JSON (a file, text), kept as bytes with its content type.
    Raw {
        /// The documented media types, comma-separated, for the `Accept` header.
        accept: String,
    },
}

impl ResponseKind {
    /// The Rust type of the decoded body.
    pub fn output_type(&self) -> String {
        match self {
            ResponseKind::Empty => "()".to_owned(),
            ResponseKind::Json => RustType::Json.to_string(),
            ResponseKind::Typed(ty) => ty.to_string(),
            ResponseKind::Raw { .. } => "crate::RawBody".to_owned(),
        }
    }

    /// Name of the `RawResponse` method that decodes this body.
    pub fn decoder(&self) -> &'static str {
        match self {
            ResponseKind::Empty => "empty",
            ResponseKind::Json => "json_value",
            ResponseKind::Typed(_) => "json",
            ResponseKind::Raw { .. } => "raw_body",
        }
    }
}

impl SuccessResponse {
    /// Returns the response whose body `send()` returns when there is no enum.
    pub fn primary(&self) -> &ResponseVariant {
        &self.variants[0]
    }

    /// Returns the response an undocumented 2XX status decodes as: the `2XX` or `default`
    /// response when there is one, else the lowest documented status.
    pub fn catch_all(&self) -> &ResponseVariant {
        self.variants
            .iter()
            .find(|variant| variant.status.is_none())
            .unwrap_or(self.primary())
    }

    /// Returns the responses with a status of their own, each decoded in a `match` arm.
    pub fn exact_statuses(&self) -> Vec<(u16, &ResponseVariant)> {
        let catch_all = self.catch_all();
        self.variants
            .iter()
            .filter(|variant| !std::ptr::eq(*variant, catch_all))
            .filter_map(|variant| Some((variant.status?, variant)))
            .collect()
    }

    /// The Rust type `send()` returns on success.
    pub fn output_type(&self) -> String {
        match &self.enum_name {
            Some(name) => name.clone(),
            None => self.primary().kind.output_type(),
        }
    }

    /// The typed body, when `send()` returns exactly one generated type.
    pub fn typed(&self) -> Option<&RustType> {
        match (&self.enum_name, &self.primary().kind) {
            (None, ResponseKind::Typed(ty)) => Some(ty),
            _ => None,
        }
    }

    /// Returns the `Accept` header to send instead of `application/json`, when a response is
    /// not JSON.
    pub fn accept(&self) -> Option<String> {
        let is_raw = |variant: &ResponseVariant| matches!(variant.kind, ResponseKind::Raw { .. });
        if !self.variants.iter().any(is_raw) {
            return None;
        }
        // Each media type once, in the order of the responses.
        let mut media_types: Vec<&str> = Vec::new();
        for variant in &self.variants {
            let media_type = match &variant.kind {
                ResponseKind::Raw { accept } => accept.as_str(),
                ResponseKind::Json | ResponseKind::Typed(_) => "application/json",
                ResponseKind::Empty => continue,
            };
            if !media_types.contains(&media_type) {
                media_types.push(media_type);
            }
        }
        Some(media_types.join(", "))
    }

    /// Generated types the responses mention.
    pub fn collect_named(&self, names: &mut std::collections::BTreeSet<String>) {
        for variant in &self.variants {
            if let ResponseKind::Typed(ty) = &variant.kind {
                ty.collect_named(names);
            }
        }
    }

    /// First line of the `send` docs.
    pub fn send_summary(&self) -> String {
        if let Some(name) = &self.enum_name {
            return format!(
                "Sends the request and decodes the response as the [`{name}`] its status selects."
            );
        }
        let variant = self.primary();
        let key = &variant.key;
        match &variant.kind {
            ResponseKind::Empty => format!("Sends the request; the `{key}` response has no body."),
            ResponseKind::Json => format!(
                "Sends the request and returns the `{key}` response's JSON, or `Value::Null` when it has no body."
            ),
            ResponseKind::Typed(_) => format!("Sends the request and decodes the `{key}` response."),
            ResponseKind::Raw { .. } => format!(
                "Sends the request and returns the `{key}` response's bytes with their content type."
            ),
        }
    }
}
