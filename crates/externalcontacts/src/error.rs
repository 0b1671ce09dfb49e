//! The errors a request can end with.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// Failure of a request.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server responded with a status outside 2XX. A 401 is [`Error::Auth`] instead.
    Api(Box<ApiError>),
    /// No access token could be obtained, or the API rejected it.
    Auth(AuthError),
    /// The request or the response timed out.
    Timeout(reqwest::Error),
    /// The request could not be sent or the response could not be received: a connection,
    /// TLS or protocol failure.
    Transport(reqwest::Error),
    /// The server responded with success, but the body does not match the expected type.
    Decode(DecodeError),
    /// A request argument cannot be sent, found before anything was sent.
    InvalidRequest(String),
    /// The client configuration is invalid.
    InvalidConfig(String),
    /// A page request of a stream failed; the error names the page and the cause.
    Page(Box<PageError>),
    /// A listing stream cannot go on: it reached the record limit of page-number listings,
    /// or the server repeated a cursor.
    Pagination(PaginationError),
}

impl Error {
    /// Sorts a `reqwest` failure into [`Error::Timeout`] or [`Error::Transport`].
    pub(crate) fn from_transport(err: reqwest::Error) -> Self {
        if err.is_timeout() {
            Error::Timeout(err)
        } else {
            Error::Transport(err)
        }
    }

    /// Returns the HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(err) => Some(err.status),
            Error::Auth(err) => err.status,
            Error::Decode(err) => Some(err.status),
            Error::Page(err) => err.source.status(),
            Error::Timeout(_)
            | Error::Transport(_)
            | Error::InvalidRequest(_)
            | Error::InvalidConfig(_)
            | Error::Pagination(_) => None,
        }
    }

    /// Returns the error itself, or for a failed page request the error of that request.
    fn cause(&self) -> &Error {
        match self {
            Error::Page(err) => err.source.cause(),
            other => other,
        }
    }

    /// Returns whether the server responded 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// Returns whether the server responded 429 Too Many Requests, after the retries the client's
    /// [`RetryConfig`](crate::RetryConfig) allows.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self.cause(), Error::Api(err) if err.status == StatusCode::TOO_MANY_REQUESTS)
    }

    /// Returns the `ININ-Correlation-Id` of the response, which Genesys Cloud support requests
    /// when investigating.
    pub fn correlation_id(&self) -> Option<&str> {
        match self.cause() {
            Error::Api(err) => err.correlation_id.as_deref(),
            Error::Auth(err) => err.correlation_id.as_deref(),
            _ => None,
        }
    }

    /// Returns the wait the server requested with `Retry-After`.
    pub fn retry_after(&self) -> Option<Duration> {
        match self.cause() {
            Error::Api(err) => err.retry_after,
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(err) => err.fmt(f),
            Error::Auth(err) => err.fmt(f),
            Error::Timeout(err) => write!(f, "the request timed out ({})", innermost_cause(err)),
            Error::Transport(err) => {
                write!(
                    f,
                    "the request could not be completed ({})",
                    innermost_cause(err)
                )
            }
            Error::Decode(err) => err.fmt(f),
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::InvalidConfig(message) => write!(f, "invalid client configuration: {message}"),
            Error::Page(err) => err.fmt(f),
            Error::Pagination(err) => err.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Api(_)
            | Error::Auth(_)
            | Error::InvalidRequest(_)
            | Error::InvalidConfig(_)
            | Error::Pagination(_) => None,
            Error::Timeout(err) | Error::Transport(err) => Some(err),
            Error::Decode(err) => Some(&err.source),
            Error::Page(err) => Some(&err.source),
        }
    }
}

/// Returns the last error in the source chain, which names the root cause (such as
/// "Connection refused") more plainly than `reqwest`'s own message.
pub(crate) fn innermost_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

/// A failure to obtain an access token, or a token the API rejected.
#[derive(Debug, Clone)]
pub struct AuthError {
    /// Description of the failure, without any secret.
    pub message: String,
    /// Status of the token endpoint's or the API's response, when there was one.
    pub status: Option<StatusCode>,
    /// The `ININ-Correlation-Id` of that response.
    pub correlation_id: Option<String>,
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "authentication failed: {}", self.message)?;
        if let Some(id) = &self.correlation_id {
            write!(f, " (correlation id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for AuthError {}

/// An error status from the API, with the body it sent.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// Operation that failed, as its `operationId`.
    pub operation: &'static str,
    /// The HTTP status, such as [`StatusCode::NOT_FOUND`]; it also compares with numbers
    /// (`err.status == 404`).
    pub status: StatusCode,
    /// The `ININ-Correlation-Id` header, which Genesys Cloud support requests when investigating.
    pub correlation_id: Option<String>,
    /// The wait the `Retry-After` header requested.
    pub retry_after: Option<Duration>,
    /// The response headers.
    pub headers: HeaderMap,
    /// The response body exactly as received.
    pub body: Bytes,
}

impl ApiError {
    /// Decodes the body as any JSON type; `None` when it is not that type.
    pub fn decode_body<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(&self.body).ok()
    }

    /// Returns the `message` field of a JSON error body, when present.
    fn message(&self) -> Option<String> {
        let body: serde_json::Value = self.decode_body()?;
        body.get("message")?.as_str().map(str::to_owned)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed with status {}", self.operation, self.status)?;
        if let Some(message) = self.message() {
            write!(f, ": {message}")?;
        }
        if let Some(id) = &self.correlation_id {
            write!(f, " (correlation id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A success response whose body could not be decoded into the operation's type.
#[derive(Debug)]
pub struct DecodeError {
    /// Operation whose response failed to decode, as its `operationId`.
    pub operation: &'static str,
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// Path of the value that failed to decode, such as `entities[3].createDate`; `.` for
    /// the whole body.
    pub path: String,
    /// The response body exactly as received, so that no data is lost.
    pub body: Bytes,
    /// The JSON error, with its line and column in the body.
    pub source: serde_json::Error,
}

/// Longest part of a body that error messages quote, in bytes.
const EXCERPT_BYTES: usize = 200;

impl DecodeError {
    /// Returns the start of the body as text, at most 200 bytes, for messages and logs.
    pub fn body_excerpt(&self) -> String {
        let end = self.body.len().min(EXCERPT_BYTES);
        let mut excerpt = String::from_utf8_lossy(&self.body[..end]).into_owned();
        if self.body.len() > EXCERPT_BYTES {
            excerpt.push_str("...");
        }
        excerpt
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} response of {} does not match the expected type at `{}` (body starts with: {})",
            self.status,
            self.operation,
            self.path,
            self.body_excerpt()
        )
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// A failed page request of a listing stream.
#[derive(Debug)]
pub struct PageError {
    /// The listing operation, as its `operationId`.
    pub operation: &'static str,
    /// Which page failed, such as "page 3" or "the page after cursor `abc`".
    pub position: String,
    /// The error of that request.
    pub source: Error,
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} failed on {}: {}",
            self.operation, self.position, self.source
        )
    }
}

impl std::error::Error for PageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Why a listing stream stopped before the listing's end.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PaginationError {
    /// The next page lies past the first 1,000 records, which is all a page-number listing
    /// returns.
    PageLimit {
        /// The listing operation, as its `operationId`.
        operation: &'static str,
        /// The page that was not requested.
        page: i32,
        /// The page size of the stream's requests.
        page_size: i32,
        /// The operation that lists every record, when the API has one.
        scan_hint: Option<&'static str>,
    },
    /// The server sent a cursor it had sent before, so following it would loop.
    RepeatedCursor {
        /// The listing operation, as its `operationId`.
        operation: &'static str,
        /// The repeated cursor.
        cursor: String,
    },
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PaginationError::PageLimit {
                operation,
                page,
                page_size,
                scan_hint,
            } => {
                write!(
                    f,
                    "{operation} returns only the first 1000 records, so page {page} of size {page_size} was not requested"
                )?;
                match scan_hint {
                    Some(scan) => write!(f, "; use {scan} to list every record"),
                    None => Ok(()),
                }
            }
            PaginationError::RepeatedCursor { operation, cursor } => {
                write!(f, "{operation} returned the cursor `{cursor}` a second time; stopping instead of looping")
            }
        }
    }
}

impl std::error::Error for PaginationError {}
