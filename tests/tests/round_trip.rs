//! Nothing the server sends is lost: values of the generated types, with any number of keys the
//! document does not describe added anywhere among their own (at every level), decode and encode
//! back to the same JSON; plain structs give back the very text.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use atlas_integrations::runtime::Object;
use atlas_integrations::types::{
    ApiError, Datadog, DatadogRegion, Link, PagerDuty, PagerDutyRegion, PaginatedIntegrationView,
    Slack, ThirdPartyIntegration,
};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // Numbers that serde_json reads back as themselves: its default parser may miss the last
        // bit of a 17-digit number, which would fail the comparison of the input with itself.
        any::<f64>()
            .prop_filter("finite and read back exactly", |f| {
                f.is_finite()
                    && serde_json::to_string(f)
                        .ok()
                        .and_then(|text| serde_json::from_str::<f64>(&text).ok())
                        == Some(*f)
            })
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// Keys `T` does not declare (nor the tag `type`), with values.
fn extras<T: Object>() -> impl Strategy<Value = BTreeMap<String, Value>> {
    prop::collection::btree_map(
        any::<String>().prop_filter("undeclared", |key| {
            key != "type" && T::FIELDS.iter().all(|f| f.name != key)
        }),
        json_value(),
        0..5,
    )
}

/// The members of `declared` (an object) and `extra`, mixed in an order that `order` decides.
fn mixed(
    declared: &Value,
    extra: BTreeMap<String, Value>,
    order: &[usize],
) -> Vec<(String, Value)> {
    let mut members: Vec<(String, Value)> = declared
        .as_object()
        .expect("an object")
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (index, (key, value)) in extra.into_iter().enumerate() {
        let at = order.get(index).copied().unwrap_or_default() % (members.len() + 1);
        members.insert(at, (key, value));
    }
    members
}

/// An object's text with its members in the given order.
fn text(members: &[(String, Value)]) -> String {
    let members: Vec<String> = members
        .iter()
        .map(|(key, value)| {
            format!(
                "{}:{}",
                serde_json::to_string(key).unwrap(),
                serde_json::to_string(value).unwrap()
            )
        })
        .collect();
    format!("{{{}}}", members.join(","))
}

fn region() -> impl Strategy<Value = Option<DatadogRegion>> {
    prop::option::of(prop_oneof![
        Just(DatadogRegion::Us),
        Just(DatadogRegion::Eu),
        Just(DatadogRegion::Us1Fed),
        any::<String>().prop_map(|s| DatadogRegion::from(s.as_str())),
    ])
}

fn datadog() -> impl Strategy<Value = Value> {
    (
        any::<String>(),
        prop::option::of(any::<String>()),
        region(),
        prop::option::of(any::<bool>()),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(key, id, region, latency, tags)| {
            let mut datadog = Datadog::new(key);
            datadog.id = id;
            datadog.region = region;
            datadog.send_collection_latency_metrics = latency;
            datadog.send_user_provided_resource_tags = tags;
            serde_json::to_value(ThirdPartyIntegration::from(datadog)).unwrap()
        })
}

fn slack() -> impl Strategy<Value = Value> {
    (
        any::<String>(),
        prop::option::of(any::<String>()),
        prop::option::of(any::<String>()),
    )
        .prop_map(|(token, channel, team)| {
            let mut slack = Slack::new(token, channel);
            slack.team_name = team;
            serde_json::to_value(ThirdPartyIntegration::from(slack)).unwrap()
        })
}

fn pager_duty() -> impl Strategy<Value = Value> {
    (any::<String>(), any::<bool>()).prop_map(|(key, eu)| {
        let mut pager_duty = PagerDuty::new(key);
        pager_duty.region = Some(if eu {
            PagerDutyRegion::Eu
        } else {
            PagerDutyRegion::Us
        });
        serde_json::to_value(ThirdPartyIntegration::from(pager_duty)).unwrap()
    })
}

/// One integration of a known kind with keys the kind does not declare, as members in a mixed
/// order; or one of a kind this version does not know.
fn integration() -> impl Strategy<Value = Value> {
    let known = prop_oneof![
        (datadog(), extras::<Datadog>()),
        (slack(), extras::<Slack>()),
        (pager_duty(), extras::<PagerDuty>()),
    ];
    let unknown_kind = (any::<String>(), extras::<Datadog>()).prop_map(|(kind, extra)| {
        let mut object: Map<String, Value> = extra.into_iter().collect();
        object.insert("type".to_owned(), Value::String(format!("FUTURE_{kind}")));
        Value::Object(object)
    });
    prop_oneof![
        4 => (known, prop::collection::vec(any::<usize>(), 5)).prop_map(|((declared, extra), order)| {
            let members = mixed(&declared, extra, &order);
            Value::Object(members.into_iter().collect())
        }),
        1 => unknown_kind,
    ]
}

fn api_error() -> impl Strategy<Value = ApiError> {
    (
        any::<i32>(),
        any::<String>(),
        prop::option::of(any::<String>()),
        prop::option::of(prop::collection::vec(json_value(), 0..3)),
    )
        .prop_map(|(status, code, detail, parameters)| {
            let mut error = ApiError::new(status, code);
            error.detail = detail;
            error.parameters = parameters;
            error
        })
}

proptest! {
    #[test]
    fn integrations_with_undeclared_keys_encode_back_to_the_same_json(
        value in integration(),
    ) {
        let input = value.to_string();
        let decoded: ThirdPartyIntegration = serde_json::from_str(&input).unwrap();
        prop_assert_eq!(serde_json::to_value(&decoded).unwrap(), value);
    }

    #[test]
    fn pages_with_undeclared_keys_at_every_level_encode_back_to_the_same_json(
        results in prop::collection::vec(integration(), 0..4),
        links in prop::collection::vec((any::<String>(), extras::<Link>()), 0..3),
        total in prop::option::of(0..1000_i32),
        extra in extras::<PaginatedIntegrationView>(),
    ) {
        let links: Vec<Value> = links
            .into_iter()
            .map(|(href, extra)| {
                let mut link = Link::new();
                link.href = Some(href);
                let declared = serde_json::to_value(link).unwrap();
                Value::Object(mixed(&declared, extra, &[1, 0, 1, 0, 1]).into_iter().collect())
            })
            .collect();
        let mut page = serde_json::json!({"links": links, "results": results});
        if let Some(total) = total {
            page["totalCount"] = total.into();
        }
        let members = mixed(&page, extra, &[3, 1, 4, 1, 5]);
        let input = text(&members);
        let decoded: PaginatedIntegrationView = serde_json::from_str(&input).unwrap();
        let expected: Value = serde_json::from_str(&input).unwrap();
        prop_assert_eq!(serde_json::to_value(&decoded).unwrap(), expected);
    }

    #[test]
    fn plain_structs_give_back_the_very_text(
        error in api_error(),
        extra in extras::<ApiError>(),
        order in prop::collection::vec(any::<usize>(), 5),
    ) {
        let declared = serde_json::to_value(&error).unwrap();
        // Undeclared keys anywhere: the same JSON back.
        let members = mixed(&declared, extra.clone(), &order);
        let input = text(&members);
        let decoded: ApiError = serde_json::from_str(&input).unwrap();
        let expected: Value = serde_json::from_str(&input).unwrap();
        prop_assert_eq!(serde_json::to_value(&decoded).unwrap(), expected);
        // After the declared ones, as the struct writes them: the same text back.
        let own = serde_json::to_string(&error).unwrap();
        let added = text(&extra.into_iter().collect::<Vec<_>>());
        let input = match added.as_str() {
            "{}" => own,
            _ => format!("{},{}", own.trim_end_matches('}'), &added[1..]),
        };
        let decoded: ApiError = serde_json::from_str(&input).unwrap();
        prop_assert_eq!(serde_json::to_string(&decoded).unwrap(), input);
    }
}
