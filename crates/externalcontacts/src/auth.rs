//! Access tokens: a fixed token, the OAuth client credentials grant, or any other source
//! through [`TokenProvider`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use crate::error::{AuthError, Error};

/// A boxed future, so that [`TokenProvider`] can be used as a trait object.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A source of OAuth access tokens for the API's `Authorization` header.
///
/// The client calls [`access_token`](Self::access_token) before every request. Implement it
/// for tokens from an authorization code grant, a vault or another service.
pub trait TokenProvider: Send + Sync + fmt::Debug {
    /// Returns a token that is valid now, fetching or renewing it when needed.
    fn access_token(&self) -> BoxFuture<'_, Result<SecretString, Error>>;

    /// Reports that the API rejected `token` with status 401. Returns true when the next
    /// [`access_token`](Self::access_token) call returns a new token, in which case the client
    /// repeats the request once with it. The default returns false.
    fn token_rejected<'a>(&'a self, token: &'a SecretString) -> BoxFuture<'a, bool> {
        let _ = token;
        Box::pin(async { false })
    }
}

/// A token obtained elsewhere, sent as it is and never renewed.
pub struct StaticToken(SecretString);

impl StaticToken {
    /// Wraps a token obtained elsewhere.
    pub fn new(token: impl Into<String>) -> Self {
        StaticToken(SecretString::from(token.into()))
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken(<redacted>)")
    }
}

impl TokenProvider for StaticToken {
    fn access_token(&self) -> BoxFuture<'_, Result<SecretString, Error>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

/// Time before a token's expiry at which it is renewed. A token that lives less than twice
/// this long is renewed halfway through its life instead.
const RENEW_MARGIN: Duration = Duration::from_secs(300);

/// Maximum token lifetime the client accepts. A larger `expires_in` is capped to it, so that
/// no server value can overflow the clock arithmetic.
const MAX_LIFETIME: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// The OAuth 2.0 client credentials grant against the Genesys Cloud login host:
/// `POST /oauth/token` with HTTP Basic authentication.
///
/// The token is cached and renewed before it expires. Concurrent requests that find no valid
/// token wait for one shared renewal instead of each fetching a token, and when that renewal
/// fails they all receive its error instead of each trying again.
pub(crate) struct ClientCredentials {
    http: reqwest::Client,
    token_url: Url,
    client_id: String,
    client_secret: SecretString,
    cache: Mutex<TokenCache>,
}

#[derive(Default)]
struct TokenCache {
    token: Option<CachedToken>,
    /// When the last token request failed, and how.
    last_failure: Option<(Instant, AuthError)>,
}

struct CachedToken {
    token: SecretString,
    renew_at: Instant,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// The fields of a token response that the client uses.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    /// Lifetime in seconds.
    expires_in: u64,
}

impl ClientCredentials {
    /// Creates a provider for the login host at `login_base_url`, such as
    /// `https://login.mypurecloud.com` ([`Region::login_base_url`](crate::Region::login_base_url)).
    pub(crate) fn new(
        http: reqwest::Client,
        login_base_url: Url,
        client_id: String,
        client_secret: SecretString,
    ) -> Self {
        let mut token_url = login_base_url;
        if let Ok(mut path) = token_url.path_segments_mut() {
            path.pop_if_empty().extend(["oauth", "token"]);
        }
        ClientCredentials {
            http,
            token_url,
            client_id,
            client_secret,
            cache: Mutex::new(TokenCache::default()),
        }
    }

    async fn fetch(&self) -> Result<CachedToken, Error> {
        tracing::debug!(token_url = %self.token_url, client_id = %self.client_id, "requesting an OAuth token");
        let response = self
            .http
            .post(self.token_url.clone())
            .basic_auth(&self.client_id, Some(self.client_secret.expose_secret()))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .body("grant_type=client_credentials")
            .send()
            .await
            .map_err(token_transport_error)?;
        let status = response.status();
        let correlation_id = crate::client::correlation_id(response.headers());
        let body = response.bytes().await.map_err(token_transport_error)?;
        if !status.is_success() {
            let reason = token_error_reason(status, &body);
            return Err(auth_error(
                format!("the token request failed with status {status}: {reason}"),
                Some(status),
                correlation_id,
            ));
        }
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|err| {
            auth_error(
                format!("the token response is not a valid OAuth token ({err})"),
                Some(status),
                correlation_id.clone(),
            )
        })?;
        let lifetime = Duration::from_secs(parsed.expires_in).min(MAX_LIFETIME);
        let renew_after = if lifetime > RENEW_MARGIN * 2 {
            lifetime - RENEW_MARGIN
        } else {
            lifetime / 2
        };
        tracing::debug!(expires_in_s = parsed.expires_in, "received an OAuth token");
        Ok(CachedToken {
            token: SecretString::from(parsed.access_token),
            renew_at: Instant::now() + renew_after,
        })
    }
}

impl TokenProvider for ClientCredentials {
    fn access_token(&self) -> BoxFuture<'_, Result<SecretString, Error>> {
        Box::pin(async move {
            let waiting_since = Instant::now();
            // Holding the lock while fetching makes concurrent callers share one request.
            let mut cache = self.cache.lock().await;
            if let Some(cached) = cache
                .token
                .as_ref()
                .filter(|cached| Instant::now() < cached.renew_at)
            {
                return Ok(cached.token.clone());
            }
            // A token request that failed while this caller waited fails this caller too.
            if let Some((failed_at, error)) = &cache.last_failure {
                if *failed_at >= waiting_since {
                    return Err(Error::Auth(error.clone()));
                }
            }
            match self.fetch().await {
                Ok(fresh) => {
                    let token = fresh.token.clone();
                    *cache = TokenCache {
                        token: Some(fresh),
                        last_failure: None,
                    };
                    Ok(token)
                }
                Err(Error::Auth(error)) => {
                    cache.last_failure = Some((Instant::now(), error.clone()));
                    Err(Error::Auth(error))
                }
                Err(other) => Err(other),
            }
        })
    }

    fn token_rejected<'a>(&'a self, token: &'a SecretString) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            let mut cache = self.cache.lock().await;
            let is_cached = cache
                .token
                .as_ref()
                .is_some_and(|cached| cached.token.expose_secret() == token.expose_secret());
            if is_cached {
                cache.token = None;
            }
            true
        })
    }
}

/// Turns a failure to reach the login host into an auth error, which callers waiting for the
/// same token can share.
fn token_transport_error(err: reqwest::Error) -> Error {
    let kind = if err.is_timeout() {
        "timed out"
    } else {
        "failed"
    };
    let cause = crate::error::innermost_cause(&err);
    auth_error(format!("the token request {kind} ({cause})"), None, None)
}

fn auth_error(
    message: String,
    status: Option<StatusCode>,
    correlation_id: Option<String>,
) -> Error {
    Error::Auth(AuthError {
        message,
        status,
        correlation_id,
    })
}

/// Returns the OAuth `error` and `error_description` of a failed token request, or the status
/// text.
fn token_error_reason(status: StatusCode, body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct OAuthError {
        error: String,
        error_description: Option<String>,
    }
    match serde_json::from_slice::<OAuthError>(body) {
        Ok(OAuthError {
            error,
            error_description: Some(description),
        }) => format!("{error} ({description})"),
        Ok(OAuthError {
            error,
            error_description: None,
        }) => error,
        Err(_) => status
            .canonical_reason()
            .unwrap_or("no reason given")
            .to_owned(),
    }
}
