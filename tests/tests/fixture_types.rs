//! The types generated from the fixtures, used for real: sanitised names must still carry their
//! wire names, and each construct must behave on the wire as its fixture says.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codegen_tests::fixtures::{
    discriminator_without_oneof, enum_values, flattened_discriminator, keywords, nullable,
    recursive, secrets,
};
use serde_json::{Value, json};

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(value: Value) -> T {
    let decoded: T = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(serde_json::to_value(&decoded).unwrap(), value);
    decoded
}

#[test]
fn keyword_and_digit_led_properties_keep_their_wire_names() {
    let wire = json!({
        "type": "t", "match": "m", "self": "s", "crate": true, "gen": 7, "3d": false,
        "x-request-id": "r", "Option": "o"
    });
    let value: keywords::types::Self_ = round_trip(wire);
    assert_eq!(value.r#type.as_deref(), Some("t"));
    assert_eq!(value.r#match.as_deref(), Some("m"));
    assert_eq!(value.self_.as_deref(), Some("s"));
    assert_eq!(value.crate_, Some(true));
    assert_eq!(value.r#gen, Some(7));
    assert_eq!(value._3d, Some(false));
    assert_eq!(value.x_request_id.as_deref(), Some("r"));
    assert_eq!(value.option.as_deref(), Some("o"));
}

#[test]
fn schemas_named_like_prelude_types_do_not_shadow_them() {
    let value: keywords::types::Option = round_trip(json!({"value": "a", "maybe": {"value": "b"}}));
    assert_eq!(value.maybe.map(|inner| inner.value), Some("b".to_owned()));
    let lower: keywords::types::LowerCaseSchema = round_trip(json!({"result": "ok"}));
    let result: keywords::types::Result = "ok".to_owned();
    assert_eq!(lower.result, Some(result));
}

#[test]
fn punctuation_and_digit_led_enum_values_map_both_ways() {
    use enum_values::types::{Granularity, Operator, Status, TagsItem};
    assert_eq!(
        serde_json::from_value::<Operator>(json!("<=")).unwrap(),
        Operator::LessThanEqual
    );
    assert_eq!(
        serde_json::to_value(Operator::NotEqual).unwrap(),
        json!("!=")
    );
    assert_eq!(
        serde_json::from_value::<Granularity>(json!("24h")).unwrap(),
        Granularity::V24h
    );
    assert_eq!(Granularity::OneDay.as_str(), "one-day");
    // A value named UNKNOWN is a known value; the catch-all takes another name.
    assert_eq!(
        serde_json::from_value::<Status>(json!("UNKNOWN")).unwrap(),
        Status::Unknown
    );
    assert_eq!(
        serde_json::from_value::<Status>(json!("PAUSED")).unwrap(),
        Status::Other("PAUSED".into())
    );
    let tags: enum_values::types::Tags = round_trip(json!(["red", "blue"]));
    assert_eq!(tags, vec![TagsItem::Red, TagsItem::Unknown("blue".into())]);
}

#[test]
fn recursive_types_nest() {
    let node: recursive::types::Node =
        round_trip(json!({"value": "a", "next": {"value": "b"}, "children": [{"value": "c"}]}));
    assert_eq!(node.next.map(|n| n.value), Some("b".to_owned()));
    let expr: recursive::types::Expr = round_trip(
        json!({"op": "not", "operand": {"op": "not", "operand": {"op": "lit", "value": true}}}),
    );
    let recursive::types::Expr::Not(outer) = expr else {
        panic!("expected not")
    };
    assert!(matches!(*outer.operand, recursive::types::Expr::Not(_)));
}

#[test]
fn secrets_from_every_source_are_masked_and_found() {
    let wire = json!({
        "user": "u", "password": "p4ss", "recoveryCode": "r3c", "apiKey": "k3y",
        "tokens": [{"value": "t0k"}]
    });
    let account: secrets::types::Account = round_trip(wire);
    let debug = format!("{account:?}");
    for secret in ["p4ss", "r3c", "k3y", "t0k"] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    let read_back = codegen_tests::runtime::ensure_supplied(&account).unwrap_err();
    assert_eq!(
        read_back.fields,
        ["/password", "/recoveryCode", "/apiKey", "/tokens/0/value"]
    );
}

#[test]
fn discriminator_without_one_of_is_a_tagged_enum() {
    use discriminator_without_oneof::types::{EmailNotification, Notification};
    let value: Notification = round_trip(json!({"type": "EMAIL", "address": "a@example.org"}));
    assert_eq!(
        value,
        Notification::Email(EmailNotification::new("a@example.org"))
    );
    let other: Notification = round_trip(json!({"type": "PIGEON", "loft": 3}));
    assert_eq!(other.discriminator(), "PIGEON");
}

// The structs' serde impls are written out by the generator; on the wire they must behave as
// serde's derive would for the same fields.

fn contact(value: Value) -> Result<nullable::types::Contact, String> {
    serde_json::from_value(value).map_err(|e| e.to_string())
}

#[test]
fn required_nullable_and_optional_fields_read_as_the_document_says() {
    let full = contact(json!({
        "name": "n", "nickname": null, "email": "e", "phone": null, "status": "ON"
    }))
    .unwrap();
    assert_eq!(full.name, "n");
    assert_eq!(full.nickname, None);
    assert_eq!(full.email.as_deref(), Some("e"));
    assert_eq!(full.phone, None);
    assert_eq!(full.status, Some(nullable::types::Status::On));

    // Absent nullable and optional fields are `None`, as with the derive.
    let least = contact(json!({"name": "n"})).unwrap();
    assert_eq!(
        (least.nickname, least.email, least.phone, least.status),
        (None, None, None, None)
    );
}

#[test]
fn absent_optional_fields_are_left_out_and_required_nullable_ones_are_sent_as_null() {
    let value = nullable::types::Contact::new("n", None, None);
    assert_eq!(
        serde_json::to_value(&value).unwrap(),
        json!({"name": "n", "nickname": null, "status": null})
    );
    let mut value = value;
    value.email = Some("e".to_owned());
    let text = serde_json::to_string(&value).unwrap();
    // Fields keep document order.
    assert_eq!(
        text,
        r#"{"name":"n","nickname":null,"email":"e","status":null}"#
    );
}

#[test]
fn struct_decoding_errors_name_the_field_or_the_struct() {
    assert_eq!(
        contact(json!({"nickname": "k"})).unwrap_err(),
        "missing field `name`"
    );
    let repeated = r#"{"name": "a", "name": "b"}"#;
    let error = serde_json::from_str::<nullable::types::Contact>(repeated).unwrap_err();
    assert!(
        error.to_string().starts_with("duplicate field `name`"),
        "{error}"
    );
    let error = contact(json!(["n"])).unwrap_err();
    assert!(error.contains("expected struct Contact"), "{error}");
    let error = contact(json!({"name": 7})).unwrap_err();
    assert!(
        error.contains("invalid type: integer `7`, expected a string"),
        "{error}"
    );
}

#[test]
fn unknown_keys_are_skipped_whatever_their_value() {
    let value = contact(json!({
        "name": "n", "extra": {"deep": [1, {"x": null}]}, "more": [true]
    }))
    .unwrap();
    assert_eq!(value.name, "n");
}

#[test]
fn escaped_keys_are_read_like_plain_ones() {
    // A key with an escape cannot be borrowed from the input; it is read all the same.
    let value: nullable::types::Contact =
        serde_json::from_str(r#"{"n\u0061me": "n", "email": "e"}"#).unwrap();
    assert_eq!(value.name, "n");
    assert_eq!(value.email.as_deref(), Some("e"));
}

/// Integrations as the flattened document's own examples give them.
const SEED_DATADOG: &str = r#"{ "id": "string", "type": "DATADOG", "apiKey": "****************************a23c", "region": "US", "sendCollectionLatencyMetrics": false, "sendDatabaseMetrics": false, "sendUserProvidedResourceTags": false }"#;
const SEED_SLACK: &str = r#"{ "id": "string", "type": "SLACK", "apiToken": "**********************************************************************abcd", "channelName": "alerts", "teamName": "MongoDB" }"#;
const SEED_VICTOR_OPS: &str = r#"{ "id": "string", "type": "VICTOR_OPS", "apiKey": "********************************9abc", "routingKey": "test routing" }"#;
const SEED_WEBHOOK: &str = r#"{ "id": "string", "type": "WEBHOOK", "secret": "string", "url": "https://webhook.com/****" }"#;
const SEED_PAGER_DUTY: &str = r#"{ "id": "string", "type": "PAGER_DUTY", "region": "US", "serviceKey": "****************************7890" }"#;

#[test]
fn a_flattened_union_is_rebuilt_into_one_struct_per_kind() {
    use flattened_discriminator::types::{
        Datadog, Slack, ThirdPartyIntegration, VictorOps, Webhook,
    };
    let parse = |json: &str| serde_json::from_str::<Value>(json).unwrap();

    let datadog: ThirdPartyIntegration = round_trip(parse(SEED_DATADOG));
    let ThirdPartyIntegration::Datadog(inner) = &datadog else {
        panic!("expected Datadog, got {datadog:?}");
    };
    assert_eq!(inner.api_key.expose(), "****************************a23c");
    assert!(inner.api_key.is_read_back());
    assert_eq!(inner.region.as_deref(), Some("US"));
    assert_eq!(
        inner.id.as_deref(),
        Some("string"),
        "a property no kind lists is shared"
    );
    assert_eq!(inner.send_database_metrics, Some(false));

    let slack: ThirdPartyIntegration = round_trip(parse(SEED_SLACK));
    let ThirdPartyIntegration::Slack(inner) = &slack else {
        panic!("expected Slack, got {slack:?}");
    };
    assert_eq!(inner.channel_name, "alerts");
    assert_eq!(inner.team_name.as_deref(), Some("MongoDB"));
    assert!(matches!(
        round_trip::<ThirdPartyIntegration>(parse(SEED_VICTOR_OPS)),
        ThirdPartyIntegration::VictorOps(VictorOps {
            routing_key: Some(_),
            ..
        })
    ));
    assert!(matches!(
        round_trip::<ThirdPartyIntegration>(parse(SEED_WEBHOOK)),
        ThirdPartyIntegration::Webhook(Webhook {
            secret: Some(_),
            ..
        })
    ));

    // A kind the extension does not map is kept whole.
    let pager_duty: ThirdPartyIntegration = round_trip(parse(SEED_PAGER_DUTY));
    assert_eq!(pager_duty.discriminator(), "PAGER_DUTY");
    assert!(matches!(pager_duty, ThirdPartyIntegration::Unknown(_)));

    // Each kind holds its own properties only: a Slack body cannot carry a Datadog key.
    let error = serde_json::from_str::<ThirdPartyIntegration>(r#"{"type":"SLACK","apiKey":"k"}"#)
        .unwrap_err()
        .to_string();
    assert!(error.contains("apiToken"), "{error}");

    // Required fields are the constructor's arguments; the union writes the tag first.
    let body = ThirdPartyIntegration::from(Slack::new("xoxb-1", "alerts"));
    assert_eq!(
        serde_json::to_string(&body).unwrap(),
        r#"{"type":"SLACK","apiToken":"xoxb-1","channelName":"alerts"}"#
    );
    let body = ThirdPartyIntegration::from(Datadog::new("dd-key"));
    assert_eq!(
        serde_json::to_string(&body).unwrap(),
        r#"{"type":"DATADOG","apiKey":"dd-key"}"#
    );
    assert_eq!(format!("{:?}", Datadog::new("dd-key").api_key), "********");
}
