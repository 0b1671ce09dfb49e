//! Streaming 100,000 contacts keeps memory within a small multiple of one page.
//!
//! A counting allocator measures the peak heap use of this test process, the local server
//! included. Run with `--nocapture` to see the figures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use externalcontacts::{Client, RetryConfig};
use futures::StreamExt;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

struct CountingAllocator;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; the counters only
// observe sizes.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let current = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(current, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Starts counting a new peak from the current heap use; returns that use.
fn reset_peak() -> usize {
    let current = CURRENT.load(Ordering::Relaxed);
    PEAK.store(current, Ordering::Relaxed);
    current
}

fn peak_since(baseline: usize) -> usize {
    PEAK.load(Ordering::Relaxed).saturating_sub(baseline)
}

const PAGE_SIZE: usize = 200;
const PAGES: usize = 500;

/// Returns one page of `PAGE_SIZE` realistic contacts. Page `n` hands out cursor
/// `page-{n + 1}`.
fn page(request: &Request) -> ResponseTemplate {
    let number: usize = request
        .url
        .query_pairs()
        .find(|(key, _)| key == "cursor")
        .and_then(|(_, cursor)| cursor.strip_prefix("page-").and_then(|n| n.parse().ok()))
        .unwrap_or(0);
    let mut body = String::with_capacity(PAGE_SIZE * 400);
    body.push_str("{\"entities\":[");
    for index in 0..PAGE_SIZE {
        if index > 0 {
            body.push(',');
        }
        let id = number * PAGE_SIZE + index;
        body.push_str(&format!(
            "{{\"id\":\"c-{id}\",\"firstName\":\"Ada\",\"lastName\":\"Lovelace {id}\",\
             \"workEmail\":\"ada{id}@example.com\",\"createDate\":\"2022-10-21T12:34:56.789Z\",\
             \"workPhone\":{{\"display\":\"+1 555 0100\",\"countryCode\":\"US\"}},\
             \"externalOrganization\":{{\"id\":\"o-{}\",\"name\":\"Engines {}\"}},\
             \"selfUri\":\"/api/v2/externalcontacts/contacts/c-{id}\"}}",
            id % 50,
            id % 50
        ));
    }
    body.push(']');
    if number + 1 < PAGES {
        body.push_str(&format!(
            ",\"cursors\":{{\"after\":\"page-{}\"}}",
            number + 1
        ));
    }
    body.push('}');
    ResponseTemplate::new(200).set_body_raw(body, "application/json")
}

#[tokio::test]
async fn streaming_memory_stays_near_one_page() {
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(path("/api/v2/externalcontacts/scan/contacts"))
        .respond_with(page)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .access_token("token")
        .retry(RetryConfig::disabled())
        .build()
        .expect("a loopback base URL is valid");

    // Warm up the connection pool and lazily built statics, so that neither counts below.
    let warm_up = client
        .get_externalcontacts_scan_contacts()
        .pages()
        .next()
        .await;
    assert!(warm_up.expect("a first page").is_ok());

    let baseline = reset_peak();
    let mut pages = client.get_externalcontacts_scan_contacts().pages();
    let first = pages.next().await.expect("a first page").expect("no error");
    assert_eq!(first.entities.as_ref().map(Vec::len), Some(PAGE_SIZE));
    drop(pages);
    drop(first);
    let one_page = peak_since(baseline);

    let baseline = reset_peak();
    let mut stream = client.get_externalcontacts_scan_contacts().into_stream();
    let mut count = 0;
    while let Some(contact) = stream.next().await {
        let contact = contact.expect("no error");
        assert!(contact.id.is_some());
        count += 1;
    }
    let all_pages = peak_since(baseline);

    eprintln!(
        "peak heap above baseline: one page of {PAGE_SIZE} contacts {:.2} MiB, \
         all {count} contacts {:.2} MiB ({:.2}x)",
        one_page as f64 / 1_048_576.0,
        all_pages as f64 / 1_048_576.0,
        all_pages as f64 / one_page as f64
    );
    assert_eq!(count, PAGE_SIZE * PAGES);
    // Generous, because allocator and buffer growth vary: what matters is that the peak
    // does not grow with the 500 pages.
    assert!(
        all_pages < one_page * 4,
        "streaming used {all_pages} bytes at peak, one page {one_page}"
    );
}
