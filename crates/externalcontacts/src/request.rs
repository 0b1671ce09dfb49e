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
    pub(crate) body: Option<Bytes>,
    /// Time limit for each attempt, overriding the client's.
    pub(crate) timeout: Option<Duration>,
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

    /// Serializes `body` as the JSON request body.
    pub(crate) fn json_body(&mut self, body: &impl serde::Serialize) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body).map_err(|err| {
            Error::InvalidRequest(format!("the request body cannot be written as JSON: {err}"))
        })?;
        self.body = Some(Bytes::from(bytes));
        Ok(())
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
}
