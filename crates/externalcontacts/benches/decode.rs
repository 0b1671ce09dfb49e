//! Decode throughput of a 1,000-contact `ContactListing` body (about 800 KB) with the
//! generated models, plainly and through `serde_path_to_error` as the client decodes
//! responses, next to hand-written structs and to `serde_json::Value`.
//!
//! `cargo bench --bench decode` measures with criterion and writes its estimates under
//! `target/criterion/decode/` (or `$CRITERION_HOME/decode/`), where `cargo xtask bench` reads
//! them; `cargo test --bench decode` decodes once each, as a smoke test.

mod support;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use externalcontacts::models::ContactListing;
use serde::Deserialize;

/// Every field of the fixture contacts, written by hand.
#[derive(Deserialize)]
struct HandListing {
    #[allow(dead_code, reason = "decoded to measure the cost, never read")]
    entities: Vec<support::HandContact>,
}

/// The fields a caller of this listing might read, as a baseline.
#[derive(Deserialize)]
struct MinimalListing {
    #[allow(dead_code, reason = "decoded to measure the cost, never read")]
    entities: Vec<MinimalContact>,
}

#[derive(Deserialize)]
#[allow(dead_code, reason = "decoded to measure the cost, never read")]
struct MinimalContact {
    id: String,
    #[serde(rename = "firstName")]
    first_name: Option<String>,
    #[serde(rename = "lastName")]
    last_name: Option<String>,
}

fn decode(criterion: &mut Criterion) {
    let body = support::listing_body(1_000);
    let listing: ContactListing = serde_json::from_slice(&body).expect("the listing decodes");
    assert_eq!(listing.entities.map(|entities| entities.len()), Some(1_000));

    let mut group = criterion.benchmark_group("decode");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("generated_models", |bencher| {
        bencher.iter(|| {
            let listing: ContactListing =
                serde_json::from_slice(black_box(&body)).expect("the listing decodes");
            listing
        })
    });
    group.bench_function("generated_models_with_path", |bencher| {
        bencher.iter(|| {
            let mut deserializer = serde_json::Deserializer::from_slice(black_box(&body));
            let listing: ContactListing =
                serde_path_to_error::deserialize(&mut deserializer).expect("the listing decodes");
            listing
        })
    });
    group.bench_function("hand_written_struct", |bencher| {
        bencher.iter(|| {
            let listing: HandListing =
                serde_json::from_slice(black_box(&body)).expect("the listing decodes");
            listing
        })
    });
    group.bench_function("minimal_struct", |bencher| {
        bencher.iter(|| {
            let listing: MinimalListing =
                serde_json::from_slice(black_box(&body)).expect("the listing decodes");
            listing
        })
    });
    group.bench_function("json_value", |bencher| {
        bencher.iter(|| {
            let listing: serde_json::Value =
                serde_json::from_slice(black_box(&body)).expect("the listing decodes");
            listing
        })
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
