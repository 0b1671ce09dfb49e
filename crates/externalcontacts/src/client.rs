//! The client: configuration, authentication headers and sending requests.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use secrecy::{ExposeSecret, SecretString};
use tracing::Instrument;
use url::Url;

use crate::request::{ApiRequest, OperationInfo, RawResponse};
use crate::{ApiError, Error};

/// API base URL of the Genesys Cloud region `mypurecloud.com` (US East).
pub const DEFAULT_BASE_URL: &str = "https://api.mypurecloud.com";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// A client for the External Contacts API.
///
/// Cloning is cheap and clones share one connection pool, so create one client and clone it
/// where it is needed. Each API operation is a method returning a request builder; see the
/// [`operations`](crate::operations) module for the builders.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    http: reqwest::Client,
    base_url: Url,
    access_token: SecretString,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL that operation paths are appended to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// Starts a request to `operation`, with the path given as its segments, each of which
    /// is percent-encoded as one segment.
    pub(crate) fn request(
        &self,
        operation: &'static OperationInfo,
        segments: &[&str],
    ) -> ApiRequest {
        let mut url = self.inner.base_url.clone();
        // `ClientBuilder::build` rejects base URLs that cannot have a path, so this branch
        // always runs.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        ApiRequest {
            operation,
            url,
            headers: HeaderMap::new(),
            body: None,
        }
    }

    /// Sends a request and reads the whole response; a status outside 2XX is an
    /// [`Error::Api`].
    pub(crate) async fn execute(&self, request: ApiRequest) -> Result<RawResponse, Error> {
        let operation = request.operation;
        let span = tracing::debug_span!(
            "externalcontacts.request",
            operation = operation.id,
            http.method = %operation.method,
            http.route = operation.path,
            http.status_code = tracing::field::Empty,
        );
        self.send(request).instrument(span).await
    }

    async fn send(&self, request: ApiRequest) -> Result<RawResponse, Error> {
        let operation = request.operation;
        let mut authorization = HeaderValue::try_from(format!(
            "Bearer {}",
            self.inner.access_token.expose_secret()
        ))
        .map_err(|_| {
            Error::InvalidInput(
                "the access token contains characters a header cannot carry".to_owned(),
            )
        })?;
        authorization.set_sensitive(true);

        let mut builder = self
            .inner
            .http
            .request(operation.method.clone(), request.url)
            .headers(request.headers)
            .header(AUTHORIZATION, authorization)
            .header(ACCEPT, "application/json");
        if let Some(body) = request.body {
            builder = builder.header(CONTENT_TYPE, "application/json").body(body);
        }

        let started = Instant::now();
        let response = builder.send().await.inspect_err(|err| {
            tracing::debug!(error = %err, "request failed before a response arrived");
        })?;
        let status = response.status();
        tracing::Span::current().record("http.status_code", status.as_u16());
        let correlation_id = response
            .headers()
            .get("inin-correlation-id")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await?;
        tracing::debug!(
            status = status.as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            body_bytes = body.len(),
            "response received"
        );

        if !status.is_success() {
            return Err(Error::Api(ApiError {
                operation: operation.id,
                status,
                correlation_id,
                body,
            }));
        }
        Ok(RawResponse {
            operation,
            status,
            body,
        })
    }
}

/// Configures a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    access_token: Option<SecretString>,
    http_client: Option<reqwest::Client>,
    timeout: Option<Duration>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| "<redacted>"),
            )
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Sets the API base URL, such as `https://api.mypurecloud.ie`; defaults to
    /// [`DEFAULT_BASE_URL`]. It must use HTTPS, except for `localhost` and loopback
    /// addresses, which may use plain HTTP for tests.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Sets the OAuth access token sent as `Authorization: Bearer <token>`.
    pub fn access_token(mut self, access_token: impl Into<String>) -> Self {
        self.access_token = Some(SecretString::from(access_token.into()));
        self
    }

    /// Uses a preconfigured `reqwest` client, for example one with a proxy. The
    /// [`timeout`](Self::timeout) setting does not apply to it.
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.http_client = Some(http_client);
        self
    }

    /// Sets the time limit for each request, from connecting to reading the whole body;
    /// defaults to 60 seconds.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the base URL is not a valid HTTPS URL or no access token
    /// was given.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        let base_url = parse_base_url(base_url)?;
        let access_token = self.access_token.ok_or_else(|| {
            Error::InvalidInput("no access token: call `ClientBuilder::access_token`".to_owned())
        })?;
        let http = match self.http_client {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                .user_agent(concat!("externalcontacts-rust/", env!("CARGO_PKG_VERSION")))
                .build()?,
        };
        Ok(Client {
            inner: Arc::new(ClientInner {
                http,
                base_url,
                access_token,
            }),
        })
    }
}

fn parse_base_url(text: &str) -> Result<Url, Error> {
    let url = Url::parse(text).map_err(|err| {
        Error::InvalidInput(format!("base URL `{text}` is not a valid URL ({err}); use a form like `https://api.mypurecloud.com`"))
    })?;
    let is_loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if is_loopback => {}
        scheme => {
            return Err(Error::InvalidInput(format!(
                "base URL `{text}` uses `{scheme}`; use `https` (plain `http` is allowed only for localhost and loopback addresses)"
            )))
        }
    }
    if url.cannot_be_a_base() || url.query().is_some() || url.fragment().is_some() {
        return Err(Error::InvalidInput(format!(
            "base URL `{text}` must be a plain URL with an optional path prefix, without query or fragment"
        )));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rejects_plain_http_to_remote_hosts() {
        let err = parse_base_url("http://api.mypurecloud.com").unwrap_err();
        assert!(err.to_string().contains("use `https`"), "{err}");
    }

    #[test]
    fn base_url_accepts_loopback_http() {
        for url in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:2",
        ] {
            assert!(parse_base_url(url).is_ok(), "{url}");
        }
    }

    #[test]
    fn base_url_rejects_garbage() {
        let err = parse_base_url("api.mypurecloud.com").unwrap_err();
        assert!(
            err.to_string()
                .contains("`api.mypurecloud.com` is not a valid URL"),
            "{err}"
        );
    }

    #[test]
    fn builder_debug_hides_token() {
        let builder = Client::builder().access_token("secret-token-value");
        assert!(!format!("{builder:?}").contains("secret-token-value"));
    }
}
