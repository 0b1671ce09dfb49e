//! Listing streams of each paging shape against a local server.

use std::time::Duration;

use externalcontacts::{Client, Error, PaginationError, RetryConfig};
use futures::StreamExt;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const CONTACTS: &str = "/api/v2/externalcontacts/contacts";
const SCAN_CONTACTS: &str = "/api/v2/externalcontacts/scan/contacts";
const SESSIONS: &str = "/api/v2/externalcontacts/contacts/c-1/journey/sessions";

async fn server_and_client() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .access_token("token")
        .http_client(reqwest::Client::new())
        .retry(RetryConfig::default())
        .build()
        .expect("a loopback base URL is valid");
    (server, client)
}

fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn contacts(ids: impl IntoIterator<Item = usize>) -> Vec<Value> {
    ids.into_iter()
        .map(|id| json!({"id": format!("c-{id}")}))
        .collect()
}

/// Returns a page-number listing of `total` contacts in pages of the requested size.
fn page_number_listing(total: usize) -> impl Fn(&Request) -> ResponseTemplate + Send + Sync {
    move |request: &Request| {
        let page: usize = query(request, "pageNumber")
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        let size: usize = query(request, "pageSize")
            .and_then(|n| n.parse().ok())
            .unwrap_or(20);
        let first = (page - 1) * size;
        let last = (first + size).min(total);
        let page_count = total.div_ceil(size);
        let body = json!({
            "entities": contacts(first..last.max(first)),
            "pageNumber": page,
            "pageSize": size,
            "pageCount": page_count,
            "total": total,
        });
        ResponseTemplate::new(200).set_body_json(body)
    }
}

async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> Option<&str>) -> Vec<String> {
    items
        .iter()
        .map(|item| id(item).unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn page_number_stream_keeps_parameters() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .and(path(CONTACTS))
        .respond_with(page_number_listing(5))
        .mount(&server)
        .await;

    let items: Vec<_> = client
        .get_externalcontacts_contacts()
        .page_size(2)
        .q("ada")
        .into_stream()
        .collect()
        .await;

    let items: Vec<_> = items
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("every page succeeds");
    assert_eq!(
        ids(&items, |c| c.id.as_deref()),
        ["c-0", "c-1", "c-2", "c-3", "c-4"]
    );
    let requests = received(&server).await;
    let pages: Vec<Option<String>> = requests.iter().map(|r| query(r, "pageNumber")).collect();
    assert_eq!(
        pages,
        [Some("1".into()), Some("2".into()), Some("3".into())]
    );
    for request in &requests {
        assert_eq!(query(request, "pageSize").as_deref(), Some("2"));
        assert_eq!(query(request, "q").as_deref(), Some("ada"));
    }
}

#[tokio::test]
async fn page_number_stream_stops_at_page_count() {
    let (server, client) = server_and_client().await;
    let full_page = json!({"entities": contacts(0..2), "pageCount": 2});
    Mock::given(path(CONTACTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(full_page))
        .mount(&server)
        .await;

    let pages: Vec<_> = client
        .get_externalcontacts_contacts()
        .page_size(2)
        .pages()
        .collect()
        .await;

    assert_eq!(pages.len(), 2);
    assert!(pages.iter().all(Result::is_ok));
    assert_eq!(
        received(&server).await.len(),
        2,
        "no request past pageCount"
    );
}

#[tokio::test]
async fn page_number_stream_stops_at_empty_page() {
    let (server, client) = server_and_client().await;
    Mock::given(path(CONTACTS))
        .respond_with(|request: &Request| {
            let page: usize = query(request, "pageNumber")
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            let entities = if page < 3 {
                contacts([page])
            } else {
                Vec::new()
            };
            ResponseTemplate::new(200).set_body_json(json!({"entities": entities}))
        })
        .mount(&server)
        .await;

    let items = client
        .get_externalcontacts_contacts()
        .collect_all(100)
        .await
        .expect("succeeds");

    assert_eq!(ids(&items, |c| c.id.as_deref()), ["c-1", "c-2"]);
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn empty_first_page_ends_stream() {
    let (server, client) = server_and_client().await;
    Mock::given(path(CONTACTS))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"entities": [], "pageCount": 0})),
        )
        .mount(&server)
        .await;

    let items = client
        .get_externalcontacts_contacts()
        .collect_all(100)
        .await
        .expect("succeeds");

    assert!(items.is_empty());
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn page_number_stream_never_requests_past_record_limit() {
    let (server, client) = server_and_client().await;
    Mock::given(path(CONTACTS))
        .respond_with(page_number_listing(2000))
        .mount(&server)
        .await;

    let results: Vec<_> = client
        .get_externalcontacts_contacts()
        .page_size(200)
        .into_stream()
        .collect()
        .await;

    let (last, items) = results.split_last().expect("the stream is not empty");
    assert_eq!(items.len(), 1000);
    assert!(items.iter().all(Result::is_ok));
    let Err(Error::Pagination(PaginationError::PageLimit {
        page,
        page_size,
        scan_hint,
        ..
    })) = last
    else {
        panic!("expected a page limit error, got {last:?}");
    };
    assert_eq!((*page, *page_size), (6, 200));
    assert_eq!(*scan_hint, Some("`Client::get_externalcontacts_scan_contacts` (GET /api/v2/externalcontacts/scan/contacts)"));
    let message = last.as_ref().expect_err("an error").to_string();
    assert!(
        message.contains("returns only the first 1000 records"),
        "{message}"
    );
    assert!(
        message.contains("get_externalcontacts_scan_contacts"),
        "{message}"
    );
    let pages: Vec<String> = received(&server)
        .await
        .iter()
        .filter_map(|r| query(r, "pageNumber"))
        .collect();
    assert_eq!(
        pages,
        ["1", "2", "3", "4", "5"],
        "page 6 is never requested"
    );
}

#[tokio::test]
async fn failed_page_ends_stream_after_earlier_items() {
    let (server, client) = server_and_client().await;
    Mock::given(path(CONTACTS))
        .respond_with(|request: &Request| {
            let page: usize = query(request, "pageNumber")
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            if page == 3 {
                return ResponseTemplate::new(404)
                    .set_body_json(json!({"message": "gone", "code": "not.found"}));
            }
            ResponseTemplate::new(200).set_body_json(
                json!({"entities": contacts([page * 10, page * 10 + 1]), "pageCount": 5}),
            )
        })
        .mount(&server)
        .await;

    let mut stream = client
        .get_externalcontacts_contacts()
        .page_size(2)
        .into_stream();
    let mut items = Vec::new();
    let mut errors = Vec::new();
    while let Some(result) = stream.next().await {
        match result {
            Ok(item) => items.push(item),
            Err(err) => errors.push(err),
        }
    }

    assert_eq!(
        ids(&items, |c| c.id.as_deref()),
        ["c-10", "c-11", "c-20", "c-21"]
    );
    assert_eq!(
        errors.len(),
        1,
        "the error is yielded once and the stream ends"
    );
    let err = &errors[0];
    assert!(err.is_not_found(), "{err:?}");
    let Error::Page(page_error) = err else {
        panic!("expected Error::Page, got {err:?}");
    };
    assert_eq!(page_error.position, "page 3");
    assert!(
        err.to_string()
            .starts_with("getExternalcontactsContacts failed on page 3: "),
        "{err}"
    );
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test(start_paused = true)]
async fn page_requests_follow_retry_policy() {
    let (server, client) = server_and_client().await;
    Mock::given(path(CONTACTS))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "3"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path(CONTACTS))
        .respond_with(page_number_listing(3))
        .mount(&server)
        .await;

    let items = client
        .get_externalcontacts_contacts()
        .page_size(2)
        .collect_all(100)
        .await;

    assert_eq!(items.expect("the 429 is retried").len(), 3);
    assert_eq!(
        received(&server).await.len(),
        3,
        "one retry, then two pages"
    );
}

#[tokio::test]
async fn collect_all_stops_fetching_at_limit() {
    let (server, client) = server_and_client().await;
    Mock::given(path(CONTACTS))
        .respond_with(page_number_listing(100))
        .mount(&server)
        .await;

    let items = client
        .get_externalcontacts_contacts()
        .page_size(2)
        .collect_all(3)
        .await
        .expect("succeeds");

    assert_eq!(ids(&items, |c| c.id.as_deref()), ["c-0", "c-1", "c-2"]);
    assert_eq!(received(&server).await.len(), 2);
}

/// Returns a cursor listing whose pages hand out the cursors in `chain`. `None` ends the
/// listing.
fn cursor_listing(
    chain: &'static [Option<&'static str>],
) -> impl Fn(&Request) -> ResponseTemplate + Send + Sync {
    move |request: &Request| {
        let position = match query(request, "cursor") {
            None => 0,
            Some(cursor) => chain
                .iter()
                .position(|c| *c == Some(cursor.as_str()))
                .map_or(usize::MAX, |i| i + 1),
        };
        if position == usize::MAX {
            return ResponseTemplate::new(400).set_body_json(json!({"message": "unknown cursor"}));
        }
        let mut body = json!({"entities": contacts([position])});
        if let Some(Some(next)) = chain.get(position) {
            body["cursors"] = json!({"after": next});
        }
        ResponseTemplate::new(200).set_body_json(body)
    }
}

#[tokio::test]
async fn cursor_stream_follows_cursors_percent_encoded() {
    let (server, client) = server_and_client().await;
    Mock::given(path(SCAN_CONTACTS))
        .respond_with(cursor_listing(&[Some("YWJj=="), Some("ZGVm+/=="), None]))
        .mount(&server)
        .await;

    let items = client
        .get_externalcontacts_scan_contacts()
        .limit(50)
        .collect_all(100)
        .await
        .expect("succeeds");

    assert_eq!(ids(&items, |c| c.id.as_deref()), ["c-0", "c-1", "c-2"]);
    let requests = received(&server).await;
    let queries: Vec<Option<&str>> = requests.iter().map(|r| r.url.query()).collect();
    assert_eq!(
        queries,
        [
            Some("limit=50"),
            Some("limit=50&cursor=YWJj%3D%3D"),
            Some("limit=50&cursor=ZGVm%2B%2F%3D%3D")
        ]
    );
}

#[tokio::test]
async fn cursor_stream_ends_on_empty_or_null_cursor() {
    for last_cursor in [json!(""), Value::Null] {
        let (server, client) = server_and_client().await;
        let body = json!({"entities": contacts([1]), "cursors": {"after": last_cursor}});
        Mock::given(path(SCAN_CONTACTS))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;

        let items = client
            .get_externalcontacts_scan_contacts()
            .collect_all(100)
            .await
            .expect("succeeds");

        assert_eq!(items.len(), 1, "cursor {last_cursor}");
        assert_eq!(received(&server).await.len(), 1, "cursor {last_cursor}");
    }
}

#[tokio::test]
async fn repeated_cursor_is_an_error_not_a_loop() {
    let (server, client) = server_and_client().await;
    let body = json!({"entities": contacts([1]), "cursors": {"after": "same"}});
    Mock::given(path(SCAN_CONTACTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;

    let results: Vec<_> = client
        .get_externalcontacts_scan_contacts()
        .into_stream()
        .collect()
        .await;

    assert_eq!(results.len(), 3, "two pages of one item, then the error");
    assert!(results[0].is_ok(), "{:?}", results[0]);
    assert!(results[1].is_ok(), "{:?}", results[1]);
    let Err(Error::Pagination(PaginationError::RepeatedCursor { cursor, .. })) = &results[2] else {
        panic!("expected a repeated cursor error, got {:?}", results[2]);
    };
    assert_eq!(cursor, "same");
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn after_stream_follows_next_uri() {
    let (server, client) = server_and_client().await;
    Mock::given(path(SESSIONS))
        .respond_with(|request: &Request| {
            let body = match query(request, "after").as_deref() {
                None => json!({"entities": [{"id": "s-1"}], "nextUri": format!("{SESSIONS}?pageSize=1&after=k%3D2")}),
                Some("k=2") => json!({"entities": [{"id": "s-2"}], "nextUri": ""}),
                Some(_) => json!({"entities": [{"id": "unexpected"}]}),
            };
            ResponseTemplate::new(200).set_body_json(body)
        })
        .mount(&server)
        .await;

    let sessions = client
        .get_externalcontacts_contact_journey_sessions("c-1")
        .page_size("1")
        .include_merged(true)
        .collect_all(10)
        .await
        .expect("succeeds");

    assert_eq!(ids(&sessions, |s| s.id.as_deref()), ["s-1", "s-2"]);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[1].url.query(),
        Some("pageSize=1&after=k%3D2&includeMerged=true")
    );
}

#[tokio::test]
async fn streams_are_lazy() {
    let (server, client) = server_and_client().await;
    Mock::given(path(CONTACTS))
        .respond_with(page_number_listing(100))
        .mount(&server)
        .await;

    let mut stream = client
        .get_externalcontacts_contacts()
        .page_size(10)
        .into_stream();
    assert!(
        received(&server).await.is_empty(),
        "nothing is sent before the stream is polled"
    );
    for _ in 0..10 {
        stream.next().await.expect("an item").expect("no error");
    }
    tokio::time::sleep(Duration::from_millis(50)).await;

    assert_eq!(
        received(&server).await.len(),
        1,
        "the second page is not requested yet"
    );
}
