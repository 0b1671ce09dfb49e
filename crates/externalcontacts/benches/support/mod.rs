//! Fixtures, a local HTTP server and measurement helpers shared by the benchmarks.
//!
//! Each benchmark binary prints one JSON object on a line of its own to stdout, which
//! `cargo xtask bench` reads; everything meant for people goes to stderr. `cargo bench`
//! passes `--bench` to a binary, which then measures in full. `cargo test --benches` does
//! not, so the binary runs a few iterations only, as a smoke test.

#![allow(
    dead_code,
    reason = "each benchmark binary uses a different part of this module"
)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use externalcontacts::{Client, RetryConfig};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use reqwest::header::ACCEPT;
use serde::Deserialize;

/// The access token the benchmark clients send; the local servers do not check it.
pub const TOKEN: &str = "benchmark-token";

/// Returns whether `cargo bench` started this binary, rather than `cargo test --benches`.
pub fn is_full_run() -> bool {
    std::env::args().any(|arg| arg == "--bench")
}

/// Returns the value that follows `--name` on the command line.
pub fn arg_value(name: &str) -> Option<String> {
    let flag = format!("--{name}");
    let mut args = std::env::args();
    args.by_ref().find(|arg| *arg == flag)?;
    args.next()
}

/// Builds one external contact as the API returns it with `expand=externalOrganization`:
/// phones, an address, custom fields and a nested organization. About 1 KB of JSON.
pub fn contact(id: usize) -> serde_json::Value {
    let organization = id % 40;
    serde_json::json!({
        "id": format!("3fa85f64-5717-4562-b3fc-{id:012}"),
        "firstName": "Ada",
        "lastName": format!("Lovelace {id}"),
        "title": "Countess",
        "workPhone": {"display": "+1 317-555-0100", "countryCode": "US", "e164": "+13175550100"},
        "cellPhone": {"display": "+1 317-555-0199", "countryCode": "US", "e164": "+13175550199"},
        "workEmail": format!("ada{id}@example.com"),
        "address": {
            "address1": "12 St James's Square",
            "city": "London",
            "postalCode": "SW1Y 4JH",
            "countryCode": "GB"
        },
        "createDate": "2022-10-21T12:34:56.789Z",
        "modifyDate": "2022-10-22T08:00:00.000Z",
        "type": "Curated",
        "surveyOptOut": false,
        "customFields": {"tier_text": "gold", "visits_integer": id},
        "externalOrganization": {
            "id": format!("org-{organization}"),
            "name": format!("Analytical Engines {organization}"),
            "employeeCount": 120,
            "tags": ["engines", "looms"],
            "selfUri": format!("/api/v2/externalcontacts/organizations/org-{organization}")
        },
        "selfUri": format!("/api/v2/externalcontacts/contacts/{id}")
    })
}

/// Serializes a `ContactListing` page of `count` contacts.
pub fn listing_body(count: usize) -> Vec<u8> {
    let contacts: Vec<serde_json::Value> = (0..count).map(contact).collect();
    let listing = serde_json::json!({
        "entities": contacts,
        "pageSize": count,
        "pageNumber": 1,
        "total": count,
        "pageCount": 1
    });
    serde_json::to_vec(&listing).expect("a JSON value serializes")
}

/// The fields of [`contact`], written by hand the way a caller without the SDK would.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HandContact {
    pub id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub title: Option<String>,
    pub work_phone: Option<HandPhone>,
    pub cell_phone: Option<HandPhone>,
    pub work_email: Option<String>,
    pub address: Option<HandAddress>,
    pub create_date: Option<String>,
    pub modify_date: Option<String>,
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub survey_opt_out: Option<bool>,
    pub custom_fields: Option<serde_json::Map<String, serde_json::Value>>,
    pub external_organization: Option<HandOrganization>,
    pub self_uri: Option<String>,
}

/// A phone number of [`HandContact`].
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HandPhone {
    pub display: Option<String>,
    pub country_code: Option<String>,
    pub e164: Option<String>,
}

/// The postal address of [`HandContact`].
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HandAddress {
    pub address1: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub country_code: Option<String>,
}

/// The organization of [`HandContact`].
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HandOrganization {
    pub id: Option<String>,
    pub name: Option<String>,
    pub employee_count: Option<i64>,
    pub tags: Option<Vec<String>>,
    pub self_uri: Option<String>,
}

/// Builds a response with a JSON body.
pub fn json_response(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

/// Starts an HTTP/1.1 server with keep-alive on 127.0.0.1, on a thread and a single-threaded
/// runtime of its own, and returns its address. It serves until the process exits.
pub fn serve<H>(handler: H) -> SocketAddr
where
    H: Fn(&Request<Incoming>) -> Response<Full<Bytes>> + Send + Sync + 'static,
{
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("127.0.0.1 has a free port");
    listener
        .set_nonblocking(true)
        .expect("a listener can be made non-blocking");
    let address = listener
        .local_addr()
        .expect("a bound listener has an address");
    let handler = Arc::new(handler);
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("the server runtime starts");
        runtime.block_on(async move {
            let listener =
                tokio::net::TcpListener::from_std(listener).expect("tokio accepts the listener");
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let handler = Arc::clone(&handler);
                let service = service_fn(move |request| {
                    let response = handler(&request);
                    async move { Ok::<_, Infallible>(response) }
                });
                tokio::spawn(async move {
                    let connection = http1::Builder::new()
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(stream), service);
                    let _ = connection.await;
                });
            }
        });
    });
    address
}

/// Builds an SDK client for a local server, with retries off.
pub fn sdk_client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .access_token(TOKEN)
        .retry(RetryConfig::disabled())
        .build()
        .expect("a loopback base URL is valid")
}

/// Sends a GET with plain `reqwest`, as a caller without the SDK would, and returns the body.
pub async fn raw_get(client: &reqwest::Client, url: impl reqwest::IntoUrl) -> Bytes {
    let response = client
        .get(url)
        .bearer_auth(TOKEN)
        .header(ACCEPT, "application/json")
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("the local server responds with success");
    response.bytes().await.expect("the body arrives")
}

/// Latency percentiles of a set of samples, by the nearest-rank method.
pub struct Percentiles {
    pub p50: Duration,
    pub p99: Duration,
    pub mean: Duration,
}

impl Percentiles {
    /// Summarizes `samples`, which must not be empty.
    pub fn of(samples: &mut [Duration]) -> Percentiles {
        assert!(!samples.is_empty(), "percentiles of no samples");
        samples.sort_unstable();
        let rank = |percent: usize| {
            let index = (samples.len() * percent).div_ceil(100).max(1) - 1;
            samples[index]
        };
        let total: Duration = samples.iter().sum();
        Percentiles {
            p50: rank(50),
            p99: rank(99),
            mean: total / samples.len() as u32,
        }
    }

    /// Returns the percentiles in microseconds, as a JSON object.
    pub fn to_json(&self) -> serde_json::Value {
        let micros = |duration: Duration| duration.as_secs_f64() * 1e6;
        serde_json::json!({
            "p50_us": micros(self.p50),
            "p99_us": micros(self.p99),
            "mean_us": micros(self.mean),
        })
    }
}

/// Reads a field such as `VmHWM` (peak resident set size) from `/proc/self/status`, in KiB.
/// `None` on systems without procfs.
pub fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| {
        line.strip_prefix(field)
            .is_some_and(|rest| rest.starts_with(':'))
    })?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets the peak resident set size (`VmHWM`) to the current one, as Linux 4.0 and later
/// allow. Returns whether it worked.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}
