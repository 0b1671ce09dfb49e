//! Requests the generated client sends and the values it decodes, against a local server.

use externalcontacts::models::{
    ContactIdentifier, ContactIdentifierType, ExternalContact, ExternalContactType,
    IdentifierClaimRequest, IdentifierClaimRequestOperation,
};
use externalcontacts::operations::GetExternalcontactsContactExpand;
use externalcontacts::{Client, Error};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "test-access-token";

async fn server_and_client() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .access_token(TOKEN)
        .build()
        .expect("a loopback base URL is valid");
    (server, client)
}

/// Returns the only request the server received.
async fn single_request(server: &MockServer) -> Request {
    let mut requests = server
        .received_requests()
        .await
        .expect("request recording is on");
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

fn header_value<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .headers
        .get(name)
        .map(|value| value.to_str().expect("ASCII header"))
}

fn contact_json() -> serde_json::Value {
    json!({
        "id": "c-1",
        "firstName": "Ada",
        "lastName": "Lovelace",
        "type": "Curated",
        "createDate": "2022-10-21T12:34:56.789Z",
        "externalOrganization": {"id": "o-1", "name": "Analytical Engines Ltd"},
        "selfUri": "/api/v2/externalcontacts/contacts/c-1"
    })
}

#[tokio::test]
async fn get_sends_expand_array_as_repeated_keys() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/externalcontacts/contacts/c-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(contact_json()))
        .mount(&server)
        .await;

    let contact = client
        .get_externalcontacts_contact("c-1")
        .expand([
            GetExternalcontactsContactExpand::ExternalOrganization,
            GetExternalcontactsContactExpand::ExternalDataSources,
        ])
        .send()
        .await
        .expect("the mock answers 200 with a contact");

    let request = single_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/api/v2/externalcontacts/contacts/c-1");
    assert_eq!(
        request.url.query(),
        Some("expand=externalOrganization&expand=externalDataSources")
    );
    assert_eq!(
        header_value(&request, "authorization"),
        Some("Bearer test-access-token")
    );
    assert_eq!(header_value(&request, "accept"), Some("application/json"));
    assert_eq!(header_value(&request, "content-type"), None);
    assert!(request.body.is_empty());

    assert_eq!(contact.id.as_deref(), Some("c-1"));
    assert_eq!(contact.first_name.as_deref(), Some("Ada"));
    assert_eq!(contact.type_, Some(ExternalContactType::Curated));
    let organization = contact
        .external_organization
        .expect("organization is in the body");
    assert_eq!(organization.name.as_deref(), Some("Analytical Engines Ltd"));
    let created = contact.create_date.expect("createDate is in the body");
    assert_eq!(created.to_rfc3339(), "2022-10-21T12:34:56.789+00:00");
}

#[tokio::test]
async fn get_sends_only_the_query_parameters_set() {
    let (server, client) = server_and_client().await;
    let listing =
        json!({"entities": [contact_json()], "pageSize": 25, "pageNumber": 2, "total": 26});
    Mock::given(method("GET"))
        .and(path("/api/v2/externalcontacts/contacts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(listing))
        .mount(&server)
        .await;

    let page = client
        .get_externalcontacts_contacts()
        .page_size(25)
        .page_number(2)
        .q("ada & co=1")
        .send()
        .await
        .expect("the mock answers 200 with a listing");

    let request = single_request(&server).await;
    assert_eq!(
        request.url.query(),
        Some("pageSize=25&pageNumber=2&q=ada+%26+co%3D1")
    );
    let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    assert_eq!(pairs[2], ("q".to_owned(), "ada & co=1".to_owned()));
    assert_eq!(page.total, Some(26));
    let entities = page.entities.expect("entities are in the body");
    assert_eq!(entities[0].last_name.as_deref(), Some("Lovelace"));
}

#[tokio::test]
async fn post_sends_json_body() {
    let (server, client) = server_and_client().await;
    let expected_body = json!({"firstName": "Ada", "lastName": "Lovelace", "title": "Countess"});
    Mock::given(method("POST"))
        .and(path("/api/v2/externalcontacts/contacts"))
        .and(header("content-type", "application/json"))
        .and(body_json(&expected_body))
        .respond_with(ResponseTemplate::new(200).set_body_json(contact_json()))
        .expect(1)
        .mount(&server)
        .await;

    let new_contact = ExternalContact {
        first_name: Some("Ada".to_owned()),
        last_name: Some("Lovelace".to_owned()),
        title: Some("Countess".to_owned()),
        ..ExternalContact::default()
    };
    let created = client
        .post_externalcontacts_contacts(new_contact)
        .send()
        .await
        .expect("the mock answers 200 with the contact");

    let request = single_request(&server).await;
    assert_eq!(request.url.query(), None);
    assert_eq!(
        header_value(&request, "authorization"),
        Some("Bearer test-access-token")
    );
    assert_eq!(header_value(&request, "accept"), Some("application/json"));
    let sent: serde_json::Value = serde_json::from_slice(&request.body).expect("JSON body");
    assert_eq!(sent, expected_body);
    assert_eq!(created.id.as_deref(), Some("c-1"));
}

#[tokio::test]
async fn put_sends_path_id_and_body() {
    let (server, client) = server_and_client().await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/externalcontacts/contacts/c-1"))
        .and(body_json(json!({"firstName": "Ada", "lastName": "King"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(contact_json()))
        .expect(1)
        .mount(&server)
        .await;

    let update = ExternalContact {
        first_name: Some("Ada".to_owned()),
        last_name: Some("King".to_owned()),
        ..ExternalContact::default()
    };
    let updated = client
        .put_externalcontacts_contact("c-1", update)
        .send()
        .await;

    let request = single_request(&server).await;
    assert_eq!(request.method.as_str(), "PUT");
    assert_eq!(
        header_value(&request, "content-type"),
        Some("application/json")
    );
    assert_eq!(
        updated.expect("the mock answers 200").id.as_deref(),
        Some("c-1")
    );
}

#[tokio::test]
async fn patch_sends_enum_values_as_wire_strings() {
    let (server, client) = server_and_client().await;
    let expected_body = json!({
        "operation": "Claim",
        "identifier": {"type": "Phone", "value": "+1 704 298 4733"}
    });
    let answer = json!({"id": "i-1", "type": "Phone", "value": "+1 704 298 4733"});
    Mock::given(method("PATCH"))
        .and(path("/api/v2/externalcontacts/contacts/c-1/identifiers"))
        .and(body_json(&expected_body))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;

    let claim = IdentifierClaimRequest {
        operation: Some(IdentifierClaimRequestOperation::Claim),
        identifier: Some(ContactIdentifier {
            type_: Some(ContactIdentifierType::Phone),
            value: Some("+1 704 298 4733".to_owned()),
            ..ContactIdentifier::default()
        }),
    };
    let identifier = client
        .patch_externalcontacts_contact_identifiers("c-1", claim)
        .send()
        .await
        .expect("the mock answers 200 with the identifier");

    let request = single_request(&server).await;
    assert_eq!(request.method.as_str(), "PATCH");
    assert_eq!(
        header_value(&request, "content-type"),
        Some("application/json")
    );
    assert_eq!(identifier.type_, Some(ContactIdentifierType::Phone));
}

#[tokio::test]
async fn delete_with_204_returns_unit() {
    let (server, client) = server_and_client().await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/externalcontacts/contacts/schemas/s-1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let result: () = client
        .delete_externalcontacts_contacts_schema("s-1")
        .send()
        .await
        .expect("the mock answers 204");

    let request = single_request(&server).await;
    assert_eq!(request.method.as_str(), "DELETE");
    assert_eq!(header_value(&request, "content-type"), None);
    assert_eq!(result, ());
}

#[tokio::test]
async fn delete_with_json_returns_value() {
    let (server, client) = server_and_client().await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/externalcontacts/contacts/c-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"deleted": true})))
        .expect(1)
        .mount(&server)
        .await;

    let value = client.delete_externalcontacts_contact("c-1").send().await;

    assert_eq!(
        value.expect("the mock answers 200"),
        json!({"deleted": true})
    );
}

#[tokio::test]
async fn delete_with_empty_200_returns_null() {
    let (server, client) = server_and_client().await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/externalcontacts/relationships/r-1"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    let value = client
        .delete_externalcontacts_relationship("r-1")
        .send()
        .await;

    assert_eq!(
        value.expect("an empty 200 is not an error"),
        serde_json::Value::Null
    );
}

#[tokio::test]
async fn path_ids_are_percent_encoded_as_one_segment() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(contact_json()))
        .mount(&server)
        .await;

    client
        .get_externalcontacts_contact("a/b c?d#e%f")
        .send()
        .await
        .expect("the mock answers 200");

    let request = single_request(&server).await;
    assert_eq!(
        request.url.path(),
        "/api/v2/externalcontacts/contacts/a%2Fb%20c%3Fd%23e%25f"
    );
    assert_eq!(request.url.query(), None);
}

#[tokio::test]
async fn base_url_path_prefix_is_kept() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(
            "/gateway/genesys/api/v2/externalcontacts/contacts/schemas/s-1",
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(format!("{}/gateway/genesys/", server.uri()))
        .access_token(TOKEN)
        .build()
        .expect("a loopback base URL is valid");

    let result = client
        .delete_externalcontacts_contacts_schema("s-1")
        .send()
        .await;

    assert!(result.is_ok(), "{result:?}");
}

#[tokio::test]
async fn error_status_returns_api_error_with_body() {
    let (server, client) = server_and_client().await;
    let error_body = json!({
        "message": "contact c-404 not found",
        "code": "not.found",
        "status": 404,
        "contextId": "ctx-1",
        "errors": [{"message": "nested", "code": "inner"}]
    });
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("ININ-Correlation-Id", "corr-1")
                .set_body_json(error_body),
        )
        .mount(&server)
        .await;

    let err = client
        .get_externalcontacts_contact("c-404")
        .send()
        .await
        .expect_err("the mock answers 404");

    assert_eq!(err.status().map(|status| status.as_u16()), Some(404));
    let Error::Api(api_error) = &err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(api_error.operation, "getExternalcontactsContact");
    assert_eq!(api_error.correlation_id.as_deref(), Some("corr-1"));
    let body = api_error.error_body().expect("the body is an ErrorBody");
    assert_eq!(body.code.as_deref(), Some("not.found"));
    assert_eq!(body.status, Some(404));
    let nested = body.errors.expect("nested errors are in the body");
    assert_eq!(nested[0].code.as_deref(), Some("inner"));
    assert_eq!(
        err.to_string(),
        "getExternalcontactsContact failed with status 404 Not Found: contact c-404 not found \
         (correlation id corr-1)"
    );
}

#[tokio::test]
async fn error_status_with_html_body_keeps_raw_body() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .access_token(TOKEN)
        .retry(externalcontacts::RetryConfig::disabled())
        .build()
        .expect("a loopback base URL is valid");
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"))
        .mount(&server)
        .await;

    let err = client
        .get_externalcontacts_contact("c-1")
        .send()
        .await
        .expect_err("502");

    let Error::Api(api_error) = err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert!(api_error.error_body().is_none());
    assert_eq!(&api_error.body[..], b"<html>bad gateway</html>");
}

#[tokio::test]
async fn mismatched_success_body_returns_decode_error() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"firstName\": 42}"))
        .mount(&server)
        .await;

    let err = client
        .get_externalcontacts_contact("c-1")
        .send()
        .await
        .expect_err("bad body");

    let Error::Decode(decode_error) = err else {
        panic!("expected Error::Decode, got {err:?}");
    };
    assert_eq!(decode_error.operation, "getExternalcontactsContact");
    assert_eq!(decode_error.status.as_u16(), 200);
    assert_eq!(&decode_error.body[..], b"{\"firstName\": 42}");
    assert_eq!(decode_error.path, "firstName");
    let message = decode_error.to_string();
    assert!(message.contains("getExternalcontactsContact"), "{message}");
    assert!(message.contains("at `firstName`"), "{message}");
    assert!(message.contains("{\"firstName\": 42}"), "{message}");
}

#[tokio::test]
async fn unknown_enum_value_and_missing_fields_decode() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "c-2", "type": "Imported"})),
        )
        .mount(&server)
        .await;

    let contact = client
        .get_externalcontacts_contact("c-2")
        .send()
        .await
        .expect("decodes");

    assert_eq!(contact.last_name, None);
    let kind = contact.type_.expect("type is in the body");
    assert_eq!(
        kind,
        ExternalContactType::Unrecognized("Imported".to_owned())
    );
    assert_eq!(
        serde_json::to_value(&kind).expect("serializes"),
        json!("Imported")
    );
}

#[test]
fn builder_rejects_plain_http_to_remote_host() {
    let err = Client::builder()
        .base_url("http://api.mypurecloud.com")
        .access_token(TOKEN)
        .build()
        .expect_err("plain HTTP to a remote host");

    assert!(matches!(err, Error::InvalidConfig(_)), "{err:?}");
    assert!(
        err.to_string().contains("http://api.mypurecloud.com"),
        "{err}"
    );
}

#[test]
fn builder_requires_access_token() {
    let err = Client::builder().build().expect_err("no token");

    assert!(err.to_string().contains("no credentials"), "{err}");
}

#[tokio::test]
async fn refused_connection_names_the_cause() {
    // Nothing listens on port 1 of the loopback address.
    let client = Client::builder()
        .base_url("http://127.0.0.1:1")
        .access_token(TOKEN)
        .retry(externalcontacts::RetryConfig::disabled())
        .build()
        .expect("a loopback base URL is valid");

    let err = client
        .get_externalcontacts_contact("c-1")
        .send()
        .await
        .expect_err("refused");

    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let message = err.to_string();
    assert!(
        message.starts_with("the request could not be completed ("),
        "{message}"
    );
    assert!(message.to_lowercase().contains("refused"), "{message}");
}

#[tokio::test]
async fn awkward_values_arrive_exactly_as_passed() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"entities": []})))
        .mount(&server)
        .await;
    let organization_id = "a/b?c#d%e f é€";
    let query = "ada+lovelace & co=1 2022-10-21T12:34:56.789+02:00";

    client
        .get_externalcontacts_organization_contacts(organization_id)
        .q(query)
        .send()
        .await
        .expect("the mock answers 200");

    let request = single_request(&server).await;
    let segments: Vec<&str> = request.url.path_segments().expect("a path").collect();
    assert_eq!(
        segments.len(),
        6,
        "the id stays one segment: {:?}",
        request.url.path()
    );
    let received_id = percent_encoding::percent_decode_str(segments[4])
        .decode_utf8()
        .expect("UTF-8");
    assert_eq!(received_id, organization_id);
    let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    assert_eq!(pairs, [("q".to_owned(), query.to_owned())]);
}

#[tokio::test]
async fn path_changing_ids_are_rejected_before_sending() {
    let (server, client) = server_and_client().await;

    for id in ["", ".", ".."] {
        let err = client
            .get_externalcontacts_contact_note("c-1", id)
            .send()
            .await
            .expect_err("a path-changing id");

        assert!(matches!(err, Error::InvalidRequest(_)), "{id:?}: {err:?}");
        assert!(err.to_string().contains("`note_id`"), "{err}");
    }
    let requests = server
        .received_requests()
        .await
        .expect("request recording is on");
    assert!(requests.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn empty_expand_sends_no_query() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(contact_json()))
        .mount(&server)
        .await;

    client
        .get_externalcontacts_contact("c-1")
        .expand(Vec::new())
        .send()
        .await
        .expect("the mock answers 200");

    let request = single_request(&server).await;
    assert_eq!(request.url.path(), "/api/v2/externalcontacts/contacts/c-1");
    // A bare `?` would parse as an empty query, `Some("")`.
    assert_eq!(request.url.query(), None);
}
