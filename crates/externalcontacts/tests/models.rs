//! Decoding real-shaped response bodies that differ from the spec, and encoding requests.

use externalcontacts::models::{
    ConversationChannel, ConversationChannelType, ErrorBody, ExternalContact, ExternalContactType,
    ExternalOrganization, JsonSchemaDocument, User,
};
use serde_json::{json, Value};

fn decode<T: serde::de::DeserializeOwned>(body: Value) -> T {
    serde_json::from_value(body).expect("the body decodes")
}

#[test]
fn missing_required_field_decodes() {
    // An ephemeral contact has no last name, although the spec requires one.
    let contact: ExternalContact =
        decode(json!({"id": "c-1", "firstName": "Ada", "type": "Ephemeral"}));

    assert_eq!(contact.first_name.as_deref(), Some("Ada"));
    assert_eq!(contact.last_name, None);
    assert_eq!(contact.type_, Some(ExternalContactType::Ephemeral));
}

#[test]
fn explicit_null_decodes_to_none() {
    let contact: ExternalContact =
        decode(json!({"firstName": null, "workPhone": null, "customFields": null}));

    assert_eq!(contact.first_name, None);
    assert_eq!(contact.work_phone, None);
    assert_eq!(contact.custom_fields, None);
}

#[test]
fn absent_fields_are_not_encoded() {
    let contact = ExternalContact::new("Ada", "Lovelace");

    let encoded = serde_json::to_value(&contact).expect("encodes");

    assert_eq!(encoded, json!({"firstName": "Ada", "lastName": "Lovelace"}));
}

#[test]
fn unknown_enum_value_is_sent_back_unchanged() {
    let body = json!({"type": "Holographic", "messageType": "Carrier Pigeon"});

    let channel: ConversationChannel = decode(body.clone());

    let kind = channel.type_.clone().expect("type is present");
    assert_eq!(
        kind,
        ConversationChannelType::Unrecognized("Holographic".to_owned())
    );
    assert_eq!(kind.as_str(), "Holographic");
    assert_eq!(serde_json::to_value(&channel).expect("encodes"), body);
}

#[test]
fn enum_value_named_unknown_is_a_known_variant() {
    let channel: ConversationChannel = decode(json!({"type": "Unknown"}));

    assert_eq!(channel.type_, Some(ConversationChannelType::Unknown));
}

#[test]
fn unknown_property_is_ignored() {
    let contact: ExternalContact =
        decode(json!({"firstName": "Ada", "favouriteEngine": {"difference": 2}}));

    assert_eq!(contact.first_name.as_deref(), Some("Ada"));
    let encoded = serde_json::to_value(&contact).expect("encodes");
    assert_eq!(encoded, json!({"firstName": "Ada"}));
}

#[test]
fn timestamps_decode_in_every_rfc_3339_form() {
    let cases = [
        ("2022-10-21T12:34:56Z", "2022-10-21T12:34:56.000Z"),
        ("2022-10-21T12:34:56.789Z", "2022-10-21T12:34:56.789Z"),
        ("2022-10-21T14:34:56.5+02:00", "2022-10-21T12:34:56.500Z"),
        ("2022-10-21T12:34:56.123456789Z", "2022-10-21T12:34:56.123Z"),
    ];
    for (sent, written) in cases {
        let contact: ExternalContact = decode(json!({"createDate": sent}));

        let encoded = serde_json::to_value(&contact).expect("encodes");

        assert_eq!(encoded, json!({"createDate": written}), "decoding {sent}");
    }
}

#[test]
fn invalid_timestamp_is_an_error() {
    let result = serde_json::from_value::<ExternalContact>(json!({"createDate": "last Tuesday"}));

    let err = result.expect_err("not a timestamp");
    assert!(
        err.to_string().contains("invalid date-time `last Tuesday`"),
        "{err}"
    );
}

#[test]
fn int64_above_32_bits_decodes() {
    let organization: ExternalOrganization =
        decode(json!({"revenue": 12_000_000_000_i64, "employeeCount": 3_000_000_000_i64}));

    assert_eq!(organization.revenue, Some(12_000_000_000));
    assert_eq!(organization.employee_count, Some(3_000_000_000));
}

#[test]
fn deep_error_body_chain_decodes() {
    let mut body = json!({"message": "level 7", "code": "innermost"});
    for level in (1..7).rev() {
        body = json!({"message": format!("level {level}"), "errors": [body]});
    }

    let error: ErrorBody = decode(body);

    let mut depth = 1;
    let mut current = &error;
    while let Some(inner) = current.errors.as_ref().and_then(|errors| errors.first()) {
        depth += 1;
        current = inner;
    }
    assert_eq!(depth, 7);
    assert_eq!(current.code.as_deref(), Some("innermost"));
}

#[test]
fn recursive_user_manager_decodes() {
    let user: User =
        decode(json!({"id": "u-1", "manager": {"id": "u-2", "manager": {"id": "u-3"}}}));

    let manager = user.manager.expect("manager is present");
    let grand_manager = manager.manager.expect("the manager's manager is present");
    assert_eq!(grand_manager.id.as_deref(), Some("u-3"));
}

#[test]
fn keyword_and_symbol_properties_keep_wire_names() {
    let body = json!({"$schema": "http://json-schema.org/draft-04/schema#", "type": "object", "required": ["a"]});

    let document: JsonSchemaDocument = decode(body.clone());

    assert_eq!(
        document.schema.as_deref(),
        Some("http://json-schema.org/draft-04/schema#")
    );
    assert_eq!(document.type_.as_deref(), Some("object"));
    assert_eq!(serde_json::to_value(&document).expect("encodes"), body);
}

#[test]
fn custom_fields_keep_every_key_and_type() {
    let custom = json!({"loyalty_tier_text": "gold", "visits_integer": 12, "vip_boolean": true, "tags_list": ["a", "b"]});

    let contact: ExternalContact = decode(json!({"customFields": custom}));

    let fields = contact.custom_fields.expect("customFields is present");
    assert_eq!(Value::Object(fields), custom);
}
