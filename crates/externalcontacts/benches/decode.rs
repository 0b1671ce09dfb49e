//! Decoding a 1,000-contact `ContactListing` body: the generated models next to a minimal
//! hand-written struct and to `serde_json::Value`. Run with `cargo bench --bench decode`.

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use externalcontacts::models::ContactListing;
use serde::Deserialize;

fn main() {
    divan::main();
}

/// Builds a body like the API's: 1,000 contacts with phones, an address and a nested
/// organization.
fn listing_body() -> Vec<u8> {
    let contacts: Vec<serde_json::Value> = (0..1000)
        .map(|id| {
            serde_json::json!({
                "id": format!("3fa85f64-5717-4562-b3fc-{id:012}"),
                "firstName": "Ada",
                "lastName": format!("Lovelace {id}"),
                "title": "Countess",
                "workPhone": {"display": "+1 317-555-0100", "countryCode": "US", "e164": "+13175550100"},
                "cellPhone": {"display": "+1 317-555-0199", "countryCode": "US", "e164": "+13175550199"},
                "workEmail": format!("ada{id}@example.com"),
                "address": {"address1": "12 St James's Square", "city": "London", "postalCode": "SW1Y 4JH", "countryCode": "GB"},
                "createDate": "2022-10-21T12:34:56.789Z",
                "modifyDate": "2022-10-22T08:00:00.000Z",
                "type": "Curated",
                "surveyOptOut": false,
                "customFields": {"tier_text": "gold", "visits_integer": id},
                "externalOrganization": {
                    "id": format!("org-{}", id % 40),
                    "name": format!("Analytical Engines {}", id % 40),
                    "employeeCount": 120,
                    "tags": ["engines", "looms"],
                    "selfUri": format!("https://api.mypurecloud.com/api/v2/externalcontacts/organizations/org-{}", id % 40)
                },
                "selfUri": format!("https://api.mypurecloud.com/api/v2/externalcontacts/contacts/{id}")
            })
        })
        .collect();
    let listing = serde_json::json!({
        "entities": contacts, "pageSize": 1000, "pageNumber": 1, "total": 1000, "pageCount": 1
    });
    serde_json::to_vec(&listing).expect("a JSON value serializes")
}

/// Minimum set of fields a caller of this listing might read, as a baseline.
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

#[divan::bench]
fn generated_models(bencher: Bencher) {
    let body = listing_body();
    bencher.counter(BytesCount::of_slice(&body)).bench(|| {
        black_box(serde_json::from_slice::<ContactListing>(black_box(&body)).expect("decodes"))
    });
}

#[divan::bench]
fn minimal_struct(bencher: Bencher) {
    let body = listing_body();
    bencher.counter(BytesCount::of_slice(&body)).bench(|| {
        black_box(serde_json::from_slice::<MinimalListing>(black_box(&body)).expect("decodes"))
    });
}

#[divan::bench]
fn json_value(bencher: Bencher) {
    let body = listing_body();
    bencher.counter(BytesCount::of_slice(&body)).bench(|| {
        black_box(serde_json::from_slice::<serde_json::Value>(black_box(&body)).expect("decodes"))
    });
}
