//! Peak memory while streaming 100,000 contacts with the cursor scan, 200 per page, from a
//! local server that builds each page on request.
//!
//! `--client sdk` (the default) streams `ExternalContact`s with
//! `get_externalcontacts_scan_contacts().into_stream()`; `--client raw` pages with plain
//! `reqwest` and a hand-written serde struct. Run each in its own process, because the peak
//! resident set size is per process: `cargo bench --bench memory -- --client raw`.
//! `cargo test --bench memory` streams 2,000 contacts, as a smoke test. The result is one
//! JSON line on stdout. The local server runs in the same process, so its pages count too,
//! equally for both clients.

mod support;

use std::hint::black_box;
use std::time::Instant;

use bytes::Bytes;
use externalcontacts::models::ExternalContact;
use futures::StreamExt;
use hyper::StatusCode;
use serde::Deserialize;

use crate::support::HandContact;

const PAGE_SIZE: usize = 200;
const SCAN_PATH: &str = "/api/v2/externalcontacts/scan/contacts";

fn main() {
    let contacts: usize = match support::arg_value("contacts") {
        Some(count) => count
            .parse()
            .unwrap_or_else(|_| panic!("--contacts {count} is not a whole number")),
        None if support::is_full_run() => 100_000,
        None => 2_000,
    };
    let client = support::arg_value("client").unwrap_or_else(|| "sdk".to_owned());

    let address = support::serve(move |request| page(request.uri(), contacts));
    let base_url = format!("http://{address}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the client runtime starts");

    // Warm up the connection and lazily built statics, then measure from a reset peak.
    let streamed = match client.as_str() {
        "sdk" => runtime.block_on(stream_sdk(&base_url, Some(PAGE_SIZE))),
        "raw" => runtime.block_on(stream_raw(&base_url, Some(PAGE_SIZE))),
        other => panic!("--client {other} is unknown: use `sdk` or `raw`"),
    };
    assert_eq!(streamed, PAGE_SIZE.min(contacts));
    let baseline_kib = support::proc_status_kib("VmRSS");
    let peak_reset = support::reset_peak_rss();

    let started = Instant::now();
    let streamed = match client.as_str() {
        "sdk" => runtime.block_on(stream_sdk(&base_url, None)),
        _ => runtime.block_on(stream_raw(&base_url, None)),
    };
    let seconds = started.elapsed().as_secs_f64();
    let peak_kib = support::proc_status_kib("VmHWM");
    assert_eq!(streamed, contacts, "every contact arrives once");

    eprintln!(
        "memory ({client}): {streamed} contacts in {seconds:.2} s, peak RSS {} KiB",
        peak_kib.map_or("unknown".to_owned(), |kib| kib.to_string())
    );
    let report = serde_json::json!({
        "bench": "memory",
        "full": support::is_full_run(),
        "client": client,
        "contacts": streamed,
        "page_size": PAGE_SIZE,
        "seconds": seconds,
        "contacts_per_second": streamed as f64 / seconds,
        "baseline_rss_kib": baseline_kib,
        "peak_rss_kib": peak_kib,
        "peak_was_reset": peak_reset,
        "external_contact_bytes": std::mem::size_of::<ExternalContact>(),
    });
    println!("{report}");
}

/// Serves one page of the scan: `cursor=page-N` selects page N, and every page but the last
/// names the next one in `cursors.after`.
fn page(uri: &hyper::Uri, contacts: usize) -> hyper::Response<http_body_util::Full<Bytes>> {
    if uri.path() != SCAN_PATH {
        return support::json_response(StatusCode::NOT_FOUND, Bytes::from_static(b"{}"));
    }
    let query = uri.query().unwrap_or_default();
    let number: usize = url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "cursor")
        .and_then(|(_, cursor)| cursor.strip_prefix("page-")?.parse().ok())
        .unwrap_or(0);
    let first = number * PAGE_SIZE;
    let last = (first + PAGE_SIZE).min(contacts);
    let entities: Vec<serde_json::Value> = (first..last).map(support::contact).collect();
    let mut listing = serde_json::json!({ "entities": entities });
    if last < contacts {
        listing["cursors"] = serde_json::json!({ "after": format!("page-{}", number + 1) });
    }
    let body = serde_json::to_vec(&listing).expect("a page serializes");
    support::json_response(StatusCode::OK, Bytes::from(body))
}

/// Streams contacts through the SDK, all of them or the first `limit`, and returns the count.
async fn stream_sdk(base_url: &str, limit: Option<usize>) -> usize {
    let client = support::sdk_client(base_url);
    let stream = client
        .get_externalcontacts_scan_contacts()
        .limit(PAGE_SIZE as i32)
        .into_stream()
        .take(limit.unwrap_or(usize::MAX));
    let mut stream = std::pin::pin!(stream);
    let mut count = 0;
    while let Some(contact) = stream.next().await {
        black_box(contact.expect("the local server sends valid pages"));
        count += 1;
    }
    count
}

/// A scan page, written by hand.
#[derive(Deserialize)]
struct HandPage {
    entities: Vec<HandContact>,
    cursors: Option<HandCursors>,
}

#[derive(Deserialize)]
struct HandCursors {
    after: Option<String>,
}

/// Streams contacts with plain `reqwest`, page by page, and returns the count.
async fn stream_raw(base_url: &str, limit: Option<usize>) -> usize {
    let client = reqwest::Client::new();
    let limit = limit.unwrap_or(usize::MAX);
    let mut cursor: Option<String> = None;
    let mut count = 0;
    loop {
        let mut url = url::Url::parse(&format!("{base_url}{SCAN_PATH}")).expect("a valid URL");
        url.query_pairs_mut()
            .append_pair("limit", &PAGE_SIZE.to_string());
        if let Some(cursor) = &cursor {
            url.query_pairs_mut().append_pair("cursor", cursor);
        }
        let body = support::raw_get(&client, url).await;
        let page: HandPage = serde_json::from_slice(&body).expect("the page decodes");
        for contact in page.entities {
            if count == limit {
                return count;
            }
            black_box(contact);
            count += 1;
        }
        cursor = page.cursors.and_then(|cursors| cursors.after);
        if cursor.is_none() {
            return count;
        }
    }
}
