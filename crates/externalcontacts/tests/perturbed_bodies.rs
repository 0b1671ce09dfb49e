//! Listing responses with one value dropped, nulled, retyped or replaced decode without a
//! panic. When decoding fails, the error is a decode error naming the changed value's path.

use externalcontacts::{Client, Error};
use proptest::prelude::*;
use serde_json::{json, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn contact(id: &str) -> Value {
    json!({
        "id": id,
        "firstName": "Ada",
        "lastName": "Lovelace",
        "workPhone": {"display": "+1 555 0100", "countryCode": "US", "extension": 12},
        "workEmail": "ada@example.com",
        "address": {"address1": "12 St James's Square", "city": "London", "countryCode": "GB"},
        "createDate": "2022-10-21T12:34:56.789Z",
        "modifyDate": "2022-10-22T08:00:00Z",
        "type": "Curated",
        "surveyOptOut": false,
        "customFields": {"tier_text": "gold", "visits_integer": 3},
        "externalOrganization": {
            "id": "o-1",
            "name": "Analytical Engines Ltd",
            "employeeCount": 12,
            "revenue": 5000000000i64,
            "tags": ["engines", "looms"],
            "selfUri": "/api/v2/externalcontacts/organizations/o-1"
        },
        "externalDataSources": [{"platform": "SALESFORCE", "url": "https://example.com/c"}],
        "selfUri": format!("/api/v2/externalcontacts/contacts/{id}")
    })
}

fn note(id: &str) -> Value {
    json!({
        "id": id,
        "entityId": "c-1",
        "entityType": "contact",
        "noteText": "Prefers email.",
        "createDate": "2022-10-21T12:34:56.789Z",
        "createdBy": {"id": "u-1", "name": "Agent", "manager": {"id": "u-2"}},
        "selfUri": format!("/api/v2/externalcontacts/contacts/c-1/notes/{id}")
    })
}

/// One listing operation with a realistic body for it.
#[derive(Debug, Clone, Copy)]
enum Listing {
    Contacts,
    ContactScan,
    Notes,
    Organizations,
}

impl Listing {
    fn body(self) -> Value {
        let page = |entities: Vec<Value>| {
            json!({
                "entities": entities,
                "pageSize": 25,
                "pageNumber": 1,
                "total": 2,
                "pageCount": 1,
                "firstUri": "/first",
                "lastUri": "/last",
                "selfUri": "/self"
            })
        };
        match self {
            Listing::Contacts => page(vec![contact("c-1"), contact("c-2")]),
            Listing::ContactScan => json!({
                "entities": [contact("c-1"), contact("c-2")],
                "cursors": {"after": "YWZ0ZXI="},
                "nextUri": "/next",
                "selfUri": "/self"
            }),
            Listing::Notes => page(vec![note("n-1"), note("n-2")]),
            Listing::Organizations => page(vec![contact("c-1")["externalOrganization"].clone()]),
        }
    }

    async fn fetch(self, client: &Client) -> Result<(), Error> {
        match self {
            Listing::Contacts => client
                .get_externalcontacts_contacts()
                .send()
                .await
                .map(drop),
            Listing::ContactScan => client
                .get_externalcontacts_scan_contacts()
                .send()
                .await
                .map(drop),
            Listing::Notes => client
                .get_externalcontacts_contact_notes("c-1")
                .send()
                .await
                .map(drop),
            Listing::Organizations => client
                .get_externalcontacts_organizations()
                .send()
                .await
                .map(drop),
        }
    }
}

#[derive(Debug, Clone)]
enum Change {
    Drop,
    Null,
    Replace(Value),
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Lists the path of every value below the root.
fn all_paths(value: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                prefix.push(Step::Key(key.clone()));
                out.push(prefix.clone());
                all_paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                prefix.push(Step::Index(index));
                out.push(prefix.clone());
                all_paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

/// Writes a path as `serde_path_to_error` does: `entities[0].firstName`.
fn render(path: &[Step]) -> String {
    let mut text = String::new();
    for step in path {
        match step {
            Step::Key(key) if text.is_empty() => text.push_str(key),
            Step::Key(key) => {
                text.push('.');
                text.push_str(key);
            }
            Step::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

fn apply(body: &mut Value, path: &[Step], change: &Change) {
    let (last, parents) = path.split_last().expect("paths are below the root");
    let mut parent = body;
    for step in parents {
        parent = match step {
            Step::Key(key) => &mut parent[key.as_str()],
            Step::Index(index) => &mut parent[*index],
        };
    }
    match (last, change) {
        (Step::Key(key), Change::Drop) => {
            parent
                .as_object_mut()
                .expect("a key's parent is an object")
                .remove(key);
        }
        (Step::Index(index), Change::Drop) => {
            parent
                .as_array_mut()
                .expect("an index's parent is an array")
                .remove(*index);
        }
        (Step::Key(key), Change::Null) => parent[key.as_str()] = Value::Null,
        (Step::Index(index), Change::Null) => parent[*index] = Value::Null,
        (Step::Key(key), Change::Replace(value)) => parent[key.as_str()] = value.clone(),
        (Step::Index(index), Change::Replace(value)) => parent[*index] = value.clone(),
    }
}

fn change_strategy() -> impl Strategy<Value = Change> {
    prop_oneof![
        Just(Change::Drop),
        Just(Change::Null),
        any::<i64>().prop_map(|n| Change::Replace(json!(n))),
        any::<f64>()
            .prop_filter("finite", |x| x.is_finite())
            .prop_map(|x| Change::Replace(json!(x))),
        any::<bool>().prop_map(|b| Change::Replace(json!(b))),
        "[A-Za-z_ ]{0,12}".prop_map(|s| Change::Replace(json!(s))),
        Just(Change::Replace(json!([]))),
        Just(Change::Replace(json!({"unexpected": 1}))),
    ]
}

fn listing_strategy() -> impl Strategy<Value = Listing> {
    prop_oneof![
        Just(Listing::Contacts),
        Just(Listing::ContactScan),
        Just(Listing::Notes),
        Just(Listing::Organizations)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn perturbed_listing_decodes_or_names_path(
        listing in listing_strategy(),
        path_choice in any::<prop::sample::Index>(),
        change in change_strategy(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let mut body = listing.body();
            let mut paths = Vec::new();
            all_paths(&body, &mut Vec::new(), &mut paths);
            let path = path_choice.get(&paths).clone();
            apply(&mut body, &path, &change);

            let server = MockServer::start().await;
            Mock::given(method("GET"))
                .respond_with(ResponseTemplate::new(200).set_body_json(&body))
                .mount(&server)
                .await;
            let client = Client::builder().base_url(server.uri()).access_token("t").build().expect("client");

            match listing.fetch(&client).await {
                Ok(()) => {}
                Err(Error::Decode(err)) => {
                    let is_key = matches!(path.last(), Some(Step::Key(_)));
                    let optional_field_changed = is_key && matches!(change, Change::Drop | Change::Null);
                    prop_assert!(!optional_field_changed, "dropping or nulling a field must decode: {err}");
                    prop_assert_eq!(&err.path, &render(&path), "{}", err);
                }
                Err(other) => prop_assert!(false, "expected a decode error, got {other:?}"),
            }
            Ok(())
        })?;
    }
}
