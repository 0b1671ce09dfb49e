//! One HTTP exchange: the request a generated builder fills in and the raw response it decodes.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::DecodeError;
use crate::{Error, ParamValue};

/// Facts the generated code records about an operation, for requests, retries, errors and
/// tracing.
#[derive(Debug)]
pub(crate) struct OperationInfo {
    pub(crate) id: &'static str,
    pub(crate) method: Method,
    /// Path template as written in the spec.
    pub(crate) path: &'static str,
    /// Whether sending the request twice has the same effect as sending it once, so that
    /// the client may repeat it after a 502, 503, 504 or a lost connection.
    pub(crate) retry_safe: bool,
}

/// A request under construction. It is kept whole so that a retry sends it unchanged.
#[derive(Debug)]
pub(crate) struct ApiRequest {
    pub(crate) operation: &'static OperationInfo,
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<RequestBody>,
    /// Time limit for each attempt, overriding the client's.
    pub(crate) timeout: Option<Duration>,
}

/// A request body, kept so that every attempt sends the same bytes.
#[derive(Debug, Clone)]
pub(crate) enum RequestBody {
    /// Bytes with the media type they are in.
    Bytes {
        content_type: &'static str,
        bytes: Bytes,
    },
    /// A `multipart/form-data` body, which reqwest encodes afresh (with a new boundary) for
    /// each attempt.
    Multipart(MultipartForm),
}

impl RequestBody {
    /// Returns the body's bytes for logging, or `None` for a multipart body, which is not logged.
    pub(crate) fn logged_bytes(&self) -> Option<&Bytes> {
        match self {
            RequestBody::Bytes { bytes, .. } => Some(bytes),
            RequestBody::Multipart(_) => None,
        }
    }

    /// Puts the body on a reqwest request.
    pub(crate) fn apply(&self, builder: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self {
            RequestBody::Bytes {
                content_type,
                bytes,
            } => builder
                .header(reqwest::header::CONTENT_TYPE, *content_type)
                .body(bytes.clone()),
            RequestBody::Multipart(form) => builder.multipart(form.to_reqwest()),
        }
    }
}

/// A `multipart/form-data` request body: text fields and files, in order.
///
/// ```
/// # use externalcontacts::MultipartForm;
/// let form = MultipartForm::new()
///     .text("name", "report")
///     .file("file", "report.csv", "text/csv", b"id,name\n1,Ada\n".to_vec());
/// ```
#[derive(Debug, Clone, Default)]
pub struct MultipartForm {
    parts: Vec<MultipartPart>,
}

#[derive(Debug, Clone)]
struct MultipartPart {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

impl MultipartForm {
    /// Returns an empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(MultipartPart {
            name: name.into(),
            file_name: None,
            content_type: None,
            data: Bytes::from(value.into()),
        });
        self
    }

    /// Adds a file with its name and media type, such as `image/png`.
    pub fn file(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Self {
        self.parts.push(MultipartPart {
            name: name.into(),
            file_name: Some(file_name.into()),
            content_type: Some(content_type.into()),
            data: data.into(),
        });
        self
    }

    fn to_reqwest(&self) -> reqwest::multipart::Form {
        self.parts
            .iter()
            .fold(reqwest::multipart::Form::new(), |form, part| {
                let mut body = reqwest::multipart::Part::bytes(part.data.to_vec());
                if let Some(file_name) = &part.file_name {
                    body = body.file_name(file_name.clone());
                }
                if let Some(content_type) = &part.content_type {
                    body = match body.mime_str(content_type) {
                        Ok(typed) => typed,
                        Err(_) => {
                            tracing::warn!(
                                part = %part.name,
                                content_type = %content_type,
                                "invalid media type for a multipart file; the part is sent without one"
                            );
                            reqwest::multipart::Part::bytes(part.data.to_vec())
                                .file_name(part.file_name.clone().unwrap_or_default())
                        }
                    };
                }
                form.part(part.name.clone(), body)
            })
    }
}

impl ApiRequest {
    /// Appends `name=value`, percent-encoded.
    pub(crate) fn query(&mut self, name: &str, value: &impl ParamValue) {
        self.url
            .query_pairs_mut()
            .append_pair(name, &value.param_value());
    }

    /// Appends `name=value` once per value: `expand=a&expand=b`.
    pub(crate) fn query_each<T: ParamValue>(&mut self, name: &str, values: &[T]) {
        // `query_pairs_mut` would leave a bare `?` behind for an empty list.
        if values.is_empty() {
            return;
        }
        let mut pairs = self.url.query_pairs_mut();
        for value in values {
            pairs.append_pair(name, &value.param_value());
        }
    }

    /// Appends the values joined by commas: `expand=a,b`.
    #[allow(
        dead_code,
        reason = "generated for array parameters with `explode: false`"
    )]
    pub(crate) fn query_joined<T: ParamValue>(&mut self, name: &str, values: &[T]) {
        if values.is_empty() {
            return;
        }
        let joined: Vec<String> = values.iter().map(ParamValue::param_value).collect();
        self.url
            .query_pairs_mut()
            .append_pair(name, &joined.join(","));
    }

    #[allow(dead_code, reason = "generated for header parameters")]
    pub(crate) fn header(
        &mut self,
        name: &'static str,
        value: &impl ParamValue,
    ) -> Result<(), Error> {
        let text = value.param_value();
        let value = HeaderValue::from_str(&text).map_err(|_| {
            Error::InvalidRequest(format!(
                "the value of header `{name}` contains characters a header cannot carry (only visible ASCII and spaces are allowed)"
            ))
        })?;
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::InvalidRequest(format!("`{name}` is not a valid header name")))?;
        self.headers.insert(name, value);
        Ok(())
    }

    /// Asks for a response in `media_types` instead of JSON.
    #[allow(dead_code, reason = "generated for responses that are not JSON")]
    pub(crate) fn accept(&mut self, media_types: &'static str) {
        self.headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static(media_types),
        );
    }

    /// Serializes `body` as the JSON request body.
    pub(crate) fn json_body(&mut self, body: &impl serde::Serialize) -> Result<(), Error> {
        self.json_body_as(body, "application/json")
    }

    /// Serializes `body` as a JSON request body of another JSON media type, such as
    /// `application/merge-patch+json`.
    pub(crate) fn json_body_as(
        &mut self,
        body: &impl serde::Serialize,
        content_type: &'static str,
    ) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body).map_err(|err| {
            Error::InvalidRequest(format!("the request body cannot be written as JSON: {err}"))
        })?;
        self.body = Some(RequestBody::Bytes {
            content_type,
            bytes: Bytes::from(bytes),
        });
        Ok(())
    }

    /// Serializes `body` as an `application/x-www-form-urlencoded` request body.
    #[allow(dead_code, reason = "generated for form bodies")]
    pub(crate) fn form_body(&mut self, body: &impl serde::Serialize) -> Result<(), Error> {
        let text = serde_urlencoded::to_string(body).map_err(|err| {
            Error::InvalidRequest(format!(
                "the request body cannot be written as a form (only flat fields can): {err}"
            ))
        })?;
        self.body = Some(RequestBody::Bytes {
            content_type: "application/x-www-form-urlencoded",
            bytes: Bytes::from(text),
        });
        Ok(())
    }

    /// Sets a `multipart/form-data` request body.
    #[allow(dead_code, reason = "generated for multipart bodies")]
    pub(crate) fn multipart_body(&mut self, form: &MultipartForm) {
        self.body = Some(RequestBody::Multipart(form.clone()));
    }

    /// Sends `bytes` as they are, labelled with `content_type`.
    #[allow(
        dead_code,
        reason = "generated for bodies that are neither JSON nor forms"
    )]
    pub(crate) fn bytes_body(&mut self, bytes: &Bytes, content_type: &'static str) {
        self.body = Some(RequestBody::Bytes {
            content_type,
            bytes: bytes.clone(),
        });
    }
}

/// A 2XX response, read whole, waiting to be decoded.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) operation: &'static OperationInfo,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl RawResponse {
    /// Decodes a typed JSON body, reporting the path of the value that does not fit.
    pub(crate) fn json<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        let value = match serde_path_to_error::deserialize(&mut deserializer) {
            Ok(value) => value,
            Err(err) => {
                let path = err.path().to_string();
                return Err(self.decode_error(path, err.into_inner()));
            }
        };
        // Text after the JSON value, which `serde_json::from_slice` would also reject.
        if let Err(err) = deserializer.end() {
            return Err(self.decode_error(".".to_owned(), err));
        }
        Ok(self.with_value(value))
    }

    /// Decodes a free-form JSON body; an empty body is `Value::Null`.
    pub(crate) fn json_value(self) -> Result<ApiResponse<serde_json::Value>, Error> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(self.with_value(serde_json::Value::Null));
        }
        self.json()
    }

    /// Accepts any body of an operation that documents none.
    pub(crate) fn empty(self) -> Result<ApiResponse<()>, Error> {
        Ok(self.with_value(()))
    }

    /// Keeps a body that is not JSON, such as a file or text, with its content type.
    #[allow(dead_code, reason = "generated for responses that are not JSON")]
    pub(crate) fn raw_body(self) -> Result<ApiResponse<RawBody>, Error> {
        let content_type = self
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = RawBody {
            content_type,
            bytes: self.body.clone(),
        };
        Ok(self.with_value(body))
    }

    fn with_value<T>(self, value: T) -> ApiResponse<T> {
        ApiResponse {
            value,
            status: self.status,
            headers: self.headers,
        }
    }

    fn decode_error(self, path: String, source: serde_json::Error) -> Error {
        let error = DecodeError {
            operation: self.operation.id,
            status: self.status,
            path,
            body: self.body,
            source,
        };
        tracing::debug!(error = %error, reason = %error.source, "response body did not decode");
        Error::Decode(error)
    }
}

/// A decoded success response with its status and headers, from `send_with_response`.
#[derive(Debug, Clone)]
pub struct ApiResponse<T> {
    /// The decoded body.
    pub value: T,
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
}

impl<T> ApiResponse<T> {
    /// The `ININ-Correlation-Id` header, which Genesys Cloud support requests when investigating.
    pub fn correlation_id(&self) -> Option<&str> {
        self.headers
            .get(crate::client::CORRELATION_ID)
            .and_then(|value| value.to_str().ok())
    }

    /// Returns the decoded body, dropping status and headers.
    pub fn into_value(self) -> T {
        self.value
    }

    /// Converts the decoded body, keeping status and headers.
    pub fn map<U>(self, convert: impl FnOnce(T) -> U) -> ApiResponse<U> {
        ApiResponse {
            value: convert(self.value),
            status: self.status,
            headers: self.headers,
        }
    }
}

/// A response body that is not JSON (a file, text), as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawBody {
    /// The `Content-Type` header, such as `text/plain; charset=utf-8`.
    pub content_type: Option<String>,
    /// The body.
    pub bytes: Bytes,
}

impl RawBody {
    /// Returns the body as UTF-8 text.
    ///
    /// # Errors
    ///
    /// When the body is not valid UTF-8.
    pub fn text(&self) -> Result<&str, std::str::Utf8Error> {
        std::str::from_utf8(&self.bytes)
    }
}
