//! Per-request overhead of the SDK: `GET /api/v2/externalcontacts/contacts/{id}` against a
//! local keep-alive server, through the SDK and through plain `reqwest` with a hand-written
//! serde struct, timed one request at a time.
//!
//! `cargo bench --bench runtime` measures 20,000 requests per client after 2,000 warm-up
//! requests; `cargo test --bench runtime` sends 10 each, as a smoke test. The result is one
//! JSON line on stdout with p50, p99 and mean latency per client.

mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use externalcontacts::Client;
use hyper::StatusCode;

use crate::support::{HandContact, Percentiles};

const CONTACT_ID: &str = "3fa85f64-5717-4562-b3fc-000000000007";

/// Request counts of one run.
struct Plan {
    warm_up: usize,
    /// The clients take turns: `rounds` times, `batch` requests through each.
    rounds: usize,
    batch: usize,
}

fn main() {
    let plan = if support::is_full_run() {
        Plan {
            warm_up: 2_000,
            rounds: 50,
            batch: 400,
        }
    } else {
        Plan {
            warm_up: 10,
            rounds: 1,
            batch: 10,
        }
    };

    let body = Bytes::from(serde_json::to_vec(&support::contact(7)).expect("a contact serializes"));
    let body_bytes = body.len();
    let address = support::serve(move |request| {
        if request
            .uri()
            .path()
            .starts_with("/api/v2/externalcontacts/contacts/")
        {
            support::json_response(StatusCode::OK, body.clone())
        } else {
            support::json_response(StatusCode::NOT_FOUND, Bytes::from_static(b"{}"))
        }
    });
    let base_url = format!("http://{address}");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the client runtime starts");
    let (mut sdk, mut raw) = runtime.block_on(measure(&base_url, &plan));

    let sdk = Percentiles::of(&mut sdk);
    let raw = Percentiles::of(&mut raw);
    eprintln!(
        "runtime: SDK p50 {:?} p99 {:?}; reqwest + serde p50 {:?} p99 {:?}",
        sdk.p50, sdk.p99, raw.p50, raw.p99
    );
    let report = serde_json::json!({
        "bench": "runtime",
        "full": support::is_full_run(),
        "requests_per_client": plan.rounds * plan.batch,
        "body_bytes": body_bytes,
        "sdk": sdk.to_json(),
        "raw": raw.to_json(),
    });
    println!("{report}");
}

/// Sends the warm-up requests, then the timed ones, and returns each client's latencies.
async fn measure(base_url: &str, plan: &Plan) -> (Vec<Duration>, Vec<Duration>) {
    let sdk = support::sdk_client(base_url);
    let raw = reqwest::Client::new();
    let raw_url = format!("{base_url}/api/v2/externalcontacts/contacts/{CONTACT_ID}");

    for _ in 0..plan.warm_up {
        sdk_request(&sdk).await;
        raw_request(&raw, &raw_url).await;
    }

    let total = plan.rounds * plan.batch;
    let mut sdk_latencies = Vec::with_capacity(total);
    let mut raw_latencies = Vec::with_capacity(total);
    for _ in 0..plan.rounds {
        for _ in 0..plan.batch {
            let started = Instant::now();
            sdk_request(&sdk).await;
            sdk_latencies.push(started.elapsed());
        }
        for _ in 0..plan.batch {
            let started = Instant::now();
            raw_request(&raw, &raw_url).await;
            raw_latencies.push(started.elapsed());
        }
    }
    (sdk_latencies, raw_latencies)
}

async fn sdk_request(client: &Client) {
    let contact = client
        .get_externalcontacts_contact(CONTACT_ID)
        .send()
        .await
        .expect("the local server returns the contact");
    black_box(contact);
}

async fn raw_request(client: &reqwest::Client, url: &str) {
    let body = support::raw_get(client, url).await;
    let contact: HandContact = serde_json::from_slice(&body).expect("the contact decodes");
    black_box(contact);
}
