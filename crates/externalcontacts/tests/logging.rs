//! A whole session logged at TRACE level, bodies included, contains no secret.
//!
//! This test has a binary of its own: `tracing` caches which call sites are enabled, and tests
//! running beside it on other threads without a subscriber can race with that cache.

use std::io::Write;
use std::sync::{Arc, Mutex};

use externalcontacts::models::ExternalContact;
use externalcontacts::Client;
use serde_json::json;
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "client-id-1";
const CLIENT_SECRET: &str = "client-secret-value-1";
/// `base64("client-id-1:client-secret-value-1")`.
const BASIC_CREDENTIALS: &str = "Basic Y2xpZW50LWlkLTE6Y2xpZW50LXNlY3JldC12YWx1ZS0x";
const CONTACT_PATH: &str = "/api/v2/externalcontacts/contacts/c-1";

fn token_response(token: &str) -> ResponseTemplate {
    let body = json!({"access_token": token, "token_type": "bearer", "expires_in": 3600});
    ResponseTemplate::new(200).set_body_json(body)
}

fn contact_response() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"id": "c-1", "firstName": "Ada"}))
}

/// Collects everything a `tracing` subscriber writes.
#[derive(Clone, Default)]
struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn session_log_contains_no_secret() {
    let log = CapturedLog::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("token-1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("token-2"))
        .mount(&server)
        .await;
    Mock::given(path(CONTACT_PATH))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(path(CONTACT_PATH))
        .respond_with(contact_response())
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .login_base_url(server.uri())
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .log_bodies(true)
        .build()
        .expect("a loopback base URL is valid");

    client
        .get_externalcontacts_contact("c-1")
        .send()
        .await
        .expect("renewal fixes the 401");
    client
        .post_externalcontacts_contacts(ExternalContact::new("Ada", "Lovelace"))
        .send()
        .await
        .expect_err("no mock for this path");
    let debug = format!("{client:?}");

    let text = String::from_utf8(log.0.lock().expect("log lock").clone()).expect("UTF-8 log");
    assert!(
        text.contains("getExternalcontactsContact"),
        "the session was logged: {text}"
    );
    assert!(
        text.contains("/api/v2/externalcontacts/contacts/{contactId}"),
        "route is logged: {text}"
    );
    assert!(
        text.contains("Lovelace"),
        "bodies are logged at trace when enabled: {text}"
    );
    for secret in [CLIENT_SECRET, "token-1", "token-2", &BASIC_CREDENTIALS[6..]] {
        assert!(!text.contains(secret), "the log contains {secret}: {text}");
        assert!(
            !debug.contains(secret),
            "Debug of the client contains {secret}: {debug}"
        );
    }
}
