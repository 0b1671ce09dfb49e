//! The client: configuration, authentication, retries and sending requests.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;
use tracing::Instrument;
use url::Url;

use crate::auth::{ClientCredentials, StaticToken, TokenProvider};
use crate::error::AuthError;
use crate::request::{ApiRequest, OperationInfo, RawResponse, RequestBody};
use crate::retry::{retry_after, RetryReason};
use crate::{ApiError, Error, Region, RetryConfig};

/// Response header that identifies a request to Genesys Cloud support.
pub(crate) const CORRELATION_ID: &str = "inin-correlation-id";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A client for the API, holding its connection pool, login and retry settings.
///
/// Cloning is cheap and clones share one connection pool and one token cache, so create one
/// client and clone it where it is needed. Each API operation is a method returning a request
/// builder; see the [`operations`](crate::operations) module for the builders.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    http: reqwest::Client,
    base_url: Url,
    auth: Arc<dyn TokenProvider>,
    retry: RetryConfig,
    log_bodies: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("auth", &self.inner.auth)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// The outcome of one attempt.
enum Attempt {
    Success(RawResponse),
    /// A status that a new token may fix.
    Unauthorized(ApiError),
    Failure {
        error: Error,
        retry: Option<RetryReason>,
        retry_after: Option<Duration>,
    },
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Returns the base URL that operation paths are appended to.
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
            timeout: None,
        }
    }

    /// Sends a request, retrying as the [`RetryConfig`] allows, and reads the whole
    /// response. A status outside 2XX is an [`Error::Api`].
    pub(crate) async fn execute(&self, request: ApiRequest) -> Result<RawResponse, Error> {
        let operation = request.operation;
        let span = tracing::debug_span!(
            // `externalcontacts.request` in this crate: the crate name keeps generated crates apart.
            concat!(env!("CARGO_PKG_NAME"), ".request"),
            operation = operation.id,
            http.method = %operation.method,
            http.route = operation.path,
            http.status_code = tracing::field::Empty,
            attempts = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        self.execute_with_retries(request).instrument(span).await
    }

    async fn execute_with_retries(&self, request: ApiRequest) -> Result<RawResponse, Error> {
        let started = Instant::now();
        let mut attempts = 0;
        let mut waited = Duration::ZERO;
        let mut renewed_token = false;
        if self.inner.log_bodies {
            if let Some(body) = request.body.as_ref().and_then(RequestBody::logged_bytes) {
                tracing::trace!(body = %String::from_utf8_lossy(body), "request body");
            }
        }
        let result = loop {
            attempts += 1;
            let token = match self.inner.auth.access_token().await {
                Ok(token) => token,
                Err(err) => break Err(err),
            };
            let (error, reason, retry_after) = match self.attempt(&request, &token, attempts).await
            {
                Attempt::Success(response) => break Ok(response),
                Attempt::Unauthorized(api_error) => {
                    if !renewed_token && self.inner.auth.token_rejected(&token).await {
                        tracing::debug!(
                            attempt = attempts,
                            "the API rejected the token; renewing it"
                        );
                        renewed_token = true;
                        continue;
                    }
                    break Err(Error::Auth(AuthError {
                        message: format!("the API rejected the access token: {api_error}"),
                        status: Some(api_error.status),
                        correlation_id: api_error.correlation_id,
                    }));
                }
                Attempt::Failure {
                    error, retry: None, ..
                } => break Err(error),
                Attempt::Failure {
                    error,
                    retry: Some(reason),
                    retry_after,
                } => (error, reason, retry_after),
            };
            let Some(wait) = self
                .inner
                .retry
                .wait_before_retry(attempts, retry_after, waited)
            else {
                tracing::debug!(
                    attempt = attempts,
                    reason = reason.as_str(),
                    "giving up: retries exhausted"
                );
                break Err(error);
            };
            tracing::debug!(
                attempt = attempts,
                reason = reason.as_str(),
                wait_ms = wait.as_millis() as u64,
                "retrying"
            );
            tokio::time::sleep(wait).await;
            waited += wait;
        };

        let span = tracing::Span::current();
        span.record("attempts", attempts);
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        result
    }

    /// Sends the request once.
    async fn attempt(&self, request: &ApiRequest, token: &SecretString, attempt: u32) -> Attempt {
        let operation = request.operation;
        let mut authorization =
            match HeaderValue::try_from(format!("Bearer {}", token.expose_secret())) {
                Ok(value) => value,
                Err(_) => {
                    let message =
                        "the access token contains characters a header cannot carry".to_owned();
                    let error = Error::Auth(AuthError {
                        message,
                        status: None,
                        correlation_id: None,
                    });
                    return Attempt::Failure {
                        error,
                        retry: None,
                        retry_after: None,
                    };
                }
            };
        authorization.set_sensitive(true);

        let mut builder = self
            .inner
            .http
            .request(operation.method.clone(), request.url.clone())
            .headers(request.headers.clone())
            .header(AUTHORIZATION, authorization);
        if !request.headers.contains_key(ACCEPT) {
            builder = builder.header(ACCEPT, "application/json");
        }
        if let Some(body) = &request.body {
            builder = body.apply(builder);
        }
        if let Some(timeout) = request.timeout {
            builder = builder.timeout(timeout);
        }

        let started = Instant::now();
        let transport_failure = |err: reqwest::Error| {
            tracing::debug!(attempt, error = %err, "request failed without a complete response");
            let retry = operation.retry_safe.then_some(RetryReason::Transport);
            Attempt::Failure {
                error: Error::from_transport(err),
                retry,
                retry_after: None,
            }
        };
        let response = match builder.send().await {
            Ok(response) => response,
            Err(err) => return transport_failure(err),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(err) => return transport_failure(err),
        };
        tracing::Span::current().record("http.status_code", status.as_u16());
        tracing::debug!(
            attempt,
            status = status.as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            body_bytes = body.len(),
            "response received"
        );
        if self.inner.log_bodies {
            tracing::trace!(body = %String::from_utf8_lossy(&body), "response body");
        }

        if status.is_success() {
            return Attempt::Success(RawResponse {
                operation,
                status,
                headers,
                body,
            });
        }
        let api_error = ApiError {
            operation: operation.id,
            status,
            correlation_id: correlation_id(&headers),
            retry_after: retry_after(&headers),
            headers,
            body,
        };
        if status == StatusCode::UNAUTHORIZED {
            return Attempt::Unauthorized(api_error);
        }
        let retry = RetryReason::for_status(status, operation.retry_safe);
        let retry_after = api_error.retry_after;
        Attempt::Failure {
            error: Error::Api(Box::new(api_error)),
            retry,
            retry_after,
        }
    }
}

/// Reads the `ININ-Correlation-Id` header.
pub(crate) fn correlation_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get(CORRELATION_ID)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// Source of the client's access tokens.
enum Credentials {
    Token(SecretString),
    ClientSecret {
        client_id: String,
        client_secret: SecretString,
    },
    Provider(Arc<dyn TokenProvider>),
}

/// Configures a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    region: Region,
    base_url: Option<String>,
    login_base_url: Option<String>,
    credentials: Option<Credentials>,
    http_client: Option<reqwest::Client>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: RetryConfig,
    log_bodies: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credentials = match &self.credentials {
            None => "none",
            Some(Credentials::Token(_)) => "access token",
            Some(Credentials::ClientSecret { .. }) => "client credentials",
            Some(Credentials::Provider(_)) => "token provider",
        };
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("base_url", &self.base_url)
            .field("login_base_url", &self.login_base_url)
            .field("credentials", &credentials)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Sets the Genesys Cloud region, which decides the API and login hosts; defaults to
    /// [`Region::UsEast1`] (`mypurecloud.com`).
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// Overrides the API base URL that the region gives, for a proxy, a gateway or a test
    /// server. It must use HTTPS, except for `localhost` and loopback addresses, which may
    /// use plain HTTP.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Overrides the login base URL that the region gives, where the client credentials
    /// grant requests tokens (`<login base URL>/oauth/token`).
    pub fn login_base_url(mut self, login_base_url: impl Into<String>) -> Self {
        self.login_base_url = Some(login_base_url.into());
        self
    }

    /// Uses a fixed OAuth access token, sent as `Authorization: Bearer <token>` and never
    /// renewed.
    pub fn access_token(mut self, access_token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Token(SecretString::from(access_token.into())));
        self
    }

    /// Logs in with the OAuth client credentials grant, renewing the token before it
    /// expires and after the API rejects it.
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.credentials = Some(Credentials::ClientSecret {
            client_id: client_id.into(),
            client_secret: SecretString::from(client_secret.into()),
        });
        self
    }

    /// Takes tokens from a custom source, such as an authorization code grant or a vault.
    pub fn token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.credentials = Some(Credentials::Provider(provider));
        self
    }

    /// Sets the retry settings; [`RetryConfig::disabled`] turns retries off.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the time limit for each attempt of a request, from connecting to reading the
    /// whole body; defaults to 60 seconds. A request builder's `timeout` overrides it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the time limit for opening a connection; defaults to 10 seconds.
    pub fn connect_timeout(mut self, connect_timeout: Duration) -> Self {
        self.connect_timeout = Some(connect_timeout);
        self
    }

    /// Uses a preconfigured `reqwest` client, for example one with a proxy. The
    /// [`timeout`](Self::timeout) and [`connect_timeout`](Self::connect_timeout) settings
    /// do not apply to it.
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.http_client = Some(http_client);
        self
    }

    /// Logs request and response bodies at `trace` level; off by default, because bodies
    /// hold personal data. Token requests and responses are never logged.
    pub fn log_bodies(mut self, log_bodies: bool) -> Self {
        self.log_bodies = log_bodies;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when a base URL is not a valid HTTPS URL or no credentials
    /// were given.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = self.base_url.unwrap_or_else(|| self.region.api_base_url());
        let base_url = parse_base_url("base URL", &base_url)?;
        let http = match self.http_client {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .user_agent(concat!(
                    env!("CARGO_PKG_NAME"),
                    "-rust/",
                    env!("CARGO_PKG_VERSION")
                ))
                .build()
                .map_err(|err| {
                    Error::InvalidConfig(format!("the HTTP client cannot be built: {err}"))
                })?,
        };
        let auth: Arc<dyn TokenProvider> = match self.credentials {
            None => {
                return Err(Error::InvalidConfig(
                    "no credentials: call `access_token`, `client_credentials` or `token_provider` on the builder"
                        .to_owned(),
                ))
            }
            Some(Credentials::Token(token)) => Arc::new(StaticToken::new(token.expose_secret())),
            Some(Credentials::ClientSecret { client_id, client_secret }) => {
                let login_base_url = self.login_base_url.unwrap_or_else(|| self.region.login_base_url());
                let login_base_url = parse_base_url("login base URL", &login_base_url)?;
                Arc::new(ClientCredentials::new(http.clone(), login_base_url, client_id, client_secret))
            }
            Some(Credentials::Provider(provider)) => provider,
        };
        let inner = ClientInner {
            http,
            base_url,
            auth,
            retry: self.retry,
            log_bodies: self.log_bodies,
        };
        Ok(Client {
            inner: Arc::new(inner),
        })
    }
}

/// Parses a base URL, accepting plain HTTP only for loopback hosts. `what` names the setting
/// in messages.
fn parse_base_url(what: &str, text: &str) -> Result<Url, Error> {
    let url = Url::parse(text).map_err(|err| {
        Error::InvalidConfig(format!(
            "{what} `{text}` is not a valid URL ({err}); use a form like `https://api.mypurecloud.com`"
        ))
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
            return Err(Error::InvalidConfig(format!(
                "{what} `{text}` uses `{scheme}`; use `https` (plain `http` is allowed only for localhost and loopback addresses)"
            )))
        }
    }
    if url.cannot_be_a_base() || url.query().is_some() || url.fragment().is_some() {
        return Err(Error::InvalidConfig(format!(
            "{what} `{text}` must be a plain URL with an optional path prefix, without query or fragment"
        )));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rejects_plain_http_to_remote_hosts() {
        let err = parse_base_url("base URL", "http://api.mypurecloud.com").unwrap_err();
        assert!(err.to_string().contains("use `https`"), "{err}");
    }

    #[test]
    fn base_url_accepts_loopback_http() {
        for url in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:2",
        ] {
            assert!(parse_base_url("base URL", url).is_ok(), "{url}");
        }
    }

    #[test]
    fn base_url_rejects_garbage() {
        let err = parse_base_url("base URL", "api.mypurecloud.com").unwrap_err();
        assert!(
            err.to_string()
                .contains("`api.mypurecloud.com` is not a valid URL"),
            "{err}"
        );
    }

    #[test]
    fn builder_debug_hides_secrets() {
        let builder = Client::builder().client_credentials("client-id", "secret-value");
        let text = format!("{builder:?}");
        assert!(!text.contains("secret-value"), "{text}");
        let builder = Client::builder().access_token("token-value");
        let text = format!("{builder:?}");
        assert!(!text.contains("token-value"), "{text}");
    }

    #[test]
    fn region_decides_the_base_url() {
        let client = Client::builder()
            .region(Region::EuWest1)
            .access_token("t")
            .build()
            .expect("builds");
        assert_eq!(client.base_url().as_str(), "https://api.mypurecloud.ie/");
    }
}
