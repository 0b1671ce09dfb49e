//! Login, token renewal, retries, timeouts and logging against local servers.
//!
//! Tests that wait use tokio's paused clock. Their clients have no request timeout, because
//! a paused clock jumps ahead while the runtime waits for the server's response, and would
//! fire a timeout at once.

use std::time::Duration;

use externalcontacts::models::{BulkIdsRequest, ExternalContact};
use externalcontacts::{Client, Error, RetryConfig};
use serde_json::json;
use tokio::time::Instant;
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const CLIENT_ID: &str = "client-id-1";
const CLIENT_SECRET: &str = "client-secret-value-1";
/// `base64("client-id-1:client-secret-value-1")`.
const BASIC_CREDENTIALS: &str = "Basic Y2xpZW50LWlkLTE6Y2xpZW50LXNlY3JldC12YWx1ZS0x";
const CONTACT_PATH: &str = "/api/v2/externalcontacts/contacts/c-1";

fn token_response(token: &str, expires_in: u64) -> ResponseTemplate {
    let body = json!({"access_token": token, "token_type": "bearer", "expires_in": expires_in});
    ResponseTemplate::new(200).set_body_json(body)
}

fn contact_response() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"id": "c-1", "firstName": "Ada"}))
}

/// Returns a `reqwest` client without timers, for tests on the paused clock.
fn untimed_http() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("HTTP client")
}

fn client_credentials_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .login_base_url(server.uri())
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .http_client(untimed_http())
        .build()
        .expect("a loopback base URL is valid")
}

fn static_token_client(server: &MockServer, retry: RetryConfig) -> Client {
    Client::builder()
        .base_url(server.uri())
        .access_token("static-token")
        .http_client(untimed_http())
        .retry(retry)
        .build()
        .expect("a loopback base URL is valid")
}

async fn requests_to(server: &MockServer, request_path: &str) -> Vec<Request> {
    let requests = server
        .received_requests()
        .await
        .expect("request recording is on");
    requests
        .into_iter()
        .filter(|request| request.url.path() == request_path)
        .collect()
}

fn bearer(request: &Request) -> &str {
    request
        .headers
        .get("authorization")
        .map_or("", |value| value.to_str().expect("ASCII"))
}

#[tokio::test(start_paused = true)]
async fn token_is_fetched_once_for_concurrent_calls() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("authorization", BASIC_CREDENTIALS))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("grant_type=client_credentials"))
        .respond_with(token_response("token-1", 3600))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(CONTACT_PATH))
        .respond_with(contact_response())
        .mount(&server)
        .await;
    let client = client_credentials_client(&server);

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let client = client.clone();
        calls.spawn(async move { client.get_externalcontacts_contact("c-1").send().await });
    }
    while let Some(result) = calls.join_next().await {
        result
            .expect("the task finishes")
            .expect("the call succeeds");
    }

    assert_eq!(requests_to(&server, "/oauth/token").await.len(), 1);
    let api_requests = requests_to(&server, CONTACT_PATH).await;
    assert_eq!(api_requests.len(), 100);
    assert!(api_requests
        .iter()
        .all(|request| bearer(request) == "Bearer token-1"));
}

#[tokio::test(start_paused = true)]
async fn token_is_renewed_before_expiry() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("token-1", 3600))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("token-2", 3600))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(CONTACT_PATH))
        .respond_with(contact_response())
        .mount(&server)
        .await;
    let client = client_credentials_client(&server);

    client
        .get_externalcontacts_contact("c-1")
        .send()
        .await
        .expect("first call");
    tokio::time::advance(Duration::from_secs(60)).await;
    client
        .get_externalcontacts_contact("c-1")
        .send()
        .await
        .expect("call with a fresh token");
    // Five minutes before expiry, the token counts as expiring.
    tokio::time::advance(Duration::from_secs(3600 - 300)).await;
    client
        .get_externalcontacts_contact("c-1")
        .send()
        .await
        .expect("call after renewal");

    assert_eq!(requests_to(&server, "/oauth/token").await.len(), 2);
    let tokens: Vec<String> = requests_to(&server, CONTACT_PATH)
        .await
        .iter()
        .map(|request| bearer(request).to_owned())
        .collect();
    assert_eq!(
        tokens,
        ["Bearer token-1", "Bearer token-1", "Bearer token-2"]
    );
}

#[tokio::test(start_paused = true)]
async fn unauthorized_call_renews_token_and_repeats() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("token-1", 3600))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("token-2", 3600))
        .mount(&server)
        .await;
    Mock::given(path(CONTACT_PATH))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "token revoked"})))
        .mount(&server)
        .await;
    Mock::given(path(CONTACT_PATH))
        .and(header("authorization", "Bearer token-2"))
        .respond_with(contact_response())
        .mount(&server)
        .await;
    let client = client_credentials_client(&server);

    let contact = client
        .get_externalcontacts_contact("c-1")
        .send()
        .await
        .expect("renewal fixes the 401");

    assert_eq!(contact.id.as_deref(), Some("c-1"));
    assert_eq!(requests_to(&server, "/oauth/token").await.len(), 2);
    assert_eq!(requests_to(&server, CONTACT_PATH).await.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn second_unauthorized_is_auth_error() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("token-1", 3600))
        .mount(&server)
        .await;
    Mock::given(path(CONTACT_PATH))
        .respond_with(ResponseTemplate::new(401).insert_header("ININ-Correlation-Id", "corr-401"))
        .mount(&server)
        .await;
    let client = client_credentials_client(&server);

    let err = client
        .get_externalcontacts_contact("c-1")
        .send()
        .await
        .expect_err("401 twice");

    let Error::Auth(auth_error) = &err else {
        panic!("expected Error::Auth, got {err:?}");
    };
    assert_eq!(auth_error.status.map(|status| status.as_u16()), Some(401));
    assert_eq!(err.correlation_id(), Some("corr-401"));
    assert_eq!(requests_to(&server, CONTACT_PATH).await.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn static_token_unauthorized_is_auth_error_at_once() {
    let server = MockServer::start().await;
    Mock::given(path(CONTACT_PATH))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = static_token_client(&server, RetryConfig::default());

    let err = client
        .get_externalcontacts_contact("c-1")
        .send()
        .await
        .expect_err("401");

    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    assert_eq!(requests_to(&server, CONTACT_PATH).await.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn rate_limited_post_waits_and_resends_same_body() {
    let server = MockServer::start().await;
    let contacts_path = "/api/v2/externalcontacts/contacts";
    Mock::given(path(contacts_path))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "2"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path(contacts_path))
        .respond_with(contact_response())
        .mount(&server)
        .await;
    let client = static_token_client(&server, RetryConfig::default());

    let started = Instant::now();
    let created = client
        .post_externalcontacts_contacts(ExternalContact::new("Ada", "Lovelace"))
        .send()
        .await;

    assert!(created.is_ok(), "{created:?}");
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "waited {:?}",
        started.elapsed()
    );
    let requests = requests_to(&server, contacts_path).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(
        requests[1].body,
        br#"{"firstName":"Ada","lastName":"Lovelace"}"#
    );
}

#[tokio::test(start_paused = true)]
async fn creating_post_is_not_retried_on_502() {
    let server = MockServer::start().await;
    let contacts_path = "/api/v2/externalcontacts/contacts";
    Mock::given(path(contacts_path))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let client = static_token_client(&server, RetryConfig::default());

    let err = client
        .post_externalcontacts_contacts(ExternalContact::new("Ada", "Lovelace"))
        .send()
        .await
        .expect_err("502");

    assert_eq!(err.status().map(|status| status.as_u16()), Some(502));
    assert_eq!(requests_to(&server, contacts_path).await.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn bulk_fetch_post_is_retried_on_502() {
    let server = MockServer::start().await;
    let bulk_path = "/api/v2/externalcontacts/bulk/contacts";
    Mock::given(path(bulk_path))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(path(bulk_path))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": [{"id": "c-1"}]})))
        .mount(&server)
        .await;
    let client = static_token_client(&server, RetryConfig::default());

    let ids = BulkIdsRequest {
        entities: Some(vec![]),
    };
    let fetched = client.post_externalcontacts_bulk_contacts(ids).send().await;

    assert!(fetched.is_ok(), "{fetched:?}");
    let requests = requests_to(&server, bulk_path).await;
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].body, requests[2].body);
}

#[tokio::test(start_paused = true)]
async fn rate_limit_budget_exhaustion_returns_last_retry_after() {
    let server = MockServer::start().await;
    Mock::given(path(CONTACT_PATH))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "100"))
        .mount(&server)
        .await;
    let client = static_token_client(
        &server,
        RetryConfig::default().budget(Duration::from_secs(150)),
    );

    let started = Instant::now();
    let err = client
        .get_externalcontacts_contact("c-1")
        .send()
        .await
        .expect_err("always 429");

    assert!(err.is_rate_limited(), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(100)));
    assert_eq!(
        requests_to(&server, CONTACT_PATH).await.len(),
        2,
        "a second wait would exceed the budget"
    );
    assert!(started.elapsed() >= Duration::from_secs(100));
}

#[tokio::test(start_paused = true)]
async fn retry_after_above_max_wait_is_not_waited() {
    let server = MockServer::start().await;
    Mock::given(path(CONTACT_PATH))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "600"))
        .mount(&server)
        .await;
    let client = static_token_client(&server, RetryConfig::default());

    let err = client
        .get_externalcontacts_contact("c-1")
        .send()
        .await
        .expect_err("429");

    assert!(err.is_rate_limited());
    assert_eq!(requests_to(&server, CONTACT_PATH).await.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn other_client_errors_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path(CONTACT_PATH))
        .respond_with(ResponseTemplate::new(409))
        .mount(&server)
        .await;
    let client = static_token_client(&server, RetryConfig::default());

    let err = client
        .get_externalcontacts_contact("c-1")
        .send()
        .await
        .expect_err("409");

    assert_eq!(err.status().map(|status| status.as_u16()), Some(409));
    assert!(!err.is_not_found());
    assert_eq!(requests_to(&server, CONTACT_PATH).await.len(), 1);
}

#[tokio::test]
async fn per_request_timeout_overrides_client() {
    let server = MockServer::start().await;
    Mock::given(path(CONTACT_PATH))
        .respond_with(contact_response().set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .access_token("static-token")
        .retry(RetryConfig::disabled())
        .build()
        .expect("a loopback base URL is valid");

    let started = std::time::Instant::now();
    let err = client
        .get_externalcontacts_contact("c-1")
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .expect_err("the server is slower than the timeout");

    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn send_with_response_returns_correlation_id() {
    let server = MockServer::start().await;
    Mock::given(path(CONTACT_PATH))
        .respond_with(contact_response().insert_header("ININ-Correlation-Id", "corr-ok"))
        .mount(&server)
        .await;
    let client = static_token_client(&server, RetryConfig::default());

    let response = client
        .get_externalcontacts_contact("c-1")
        .send_with_response()
        .await
        .expect("200");

    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.correlation_id(), Some("corr-ok"));
    assert_eq!(response.value.first_name.as_deref(), Some("Ada"));
}

/// Requests a token from an endpoint that responds with `template` and returns the auth
/// error message.
async fn token_failure(template: ResponseTemplate) -> String {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(template)
        .mount(&server)
        .await;
    let client = client_credentials_client(&server);

    let err = client
        .get_externalcontacts_contact("c-1")
        .send()
        .await
        .expect_err("no token");

    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    assert!(
        requests_to(&server, CONTACT_PATH).await.is_empty(),
        "no API call without a token"
    );
    err.to_string()
}

#[tokio::test]
async fn malformed_token_responses_are_auth_errors() {
    let html =
        token_failure(ResponseTemplate::new(200).set_body_string("<html>login</html>")).await;
    assert!(
        html.contains("the token response is not a valid OAuth token"),
        "{html}"
    );

    let missing =
        token_failure(ResponseTemplate::new(200).set_body_json(json!({"expires_in": 60}))).await;
    assert!(
        missing.contains("missing field `access_token`"),
        "{missing}"
    );

    let text_expiry = json!({"access_token": "t", "expires_in": "86399"});
    let string = token_failure(ResponseTemplate::new(200).set_body_json(text_expiry)).await;
    assert!(
        string.contains("expires_in") || string.contains("invalid type"),
        "{string}"
    );

    let rejected = json!({"error": "invalid_client", "error_description": "client not found"});
    let denied = token_failure(ResponseTemplate::new(401).set_body_json(rejected)).await;
    assert!(
        denied.contains("status 401 Unauthorized: invalid_client (client not found)"),
        "{denied}"
    );
    assert!(!denied.contains(CLIENT_SECRET));
}

#[tokio::test]
async fn failed_token_request_is_shared_by_waiting_callers() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(503).set_delay(Duration::from_millis(200)))
        .mount(&server)
        .await;
    let client = client_credentials_client(&server);

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let client = client.clone();
        calls.spawn(async move { client.get_externalcontacts_contact("c-1").send().await });
    }
    while let Some(result) = calls.join_next().await {
        let err = result.expect("the task finishes").expect_err("no token");
        assert!(matches!(err, Error::Auth(_)), "{err:?}");
        assert_eq!(err.status().map(|status| status.as_u16()), Some(503));
    }

    assert_eq!(
        requests_to(&server, "/oauth/token").await.len(),
        1,
        "one shared token request"
    );
}

#[tokio::test]
async fn huge_token_lifetime_does_not_overflow() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("token-1", u64::MAX))
        .mount(&server)
        .await;
    Mock::given(path(CONTACT_PATH))
        .respond_with(contact_response())
        .mount(&server)
        .await;
    let client = client_credentials_client(&server);

    let contact = client.get_externalcontacts_contact("c-1").send().await;

    assert!(contact.is_ok(), "{contact:?}");
}
