//! Behaviour of the generated `atlas-integrations` crate, driven as a user of the crate would:
//! decoding the documented examples, keeping what this version does not know, refusing bodies
//! that lack required fields, hiding credentials from debug output and guarding against sending
//! masked credentials back.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use atlas_integrations::runtime::{self, MASK, ReadBackSecrets, Secret};
use atlas_integrations::types::{
    ApiError, Datadog, DatadogRegion, IntegrationType, MicrosoftTeams, NewRelic, OpsGenie,
    OpsGenieRegion, PagerDuty, PagerDutyRegion, PaginatedIntegrationView, Prometheus,
    PrometheusServiceDiscovery, Slack, ThirdPartyIntegration, VictorOps, Webhook,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// The examples of the API description, as the service sends them.
// ---------------------------------------------------------------------------------------------

const PAGER_DUTY: &str = r#"{ "id": "string", "type": "PAGER_DUTY", "region": "US", "serviceKey": "****************************7890" }"#;
const SLACK: &str = r#"{ "id": "string", "type": "SLACK", "apiToken": "**********************************************************************abcd", "channelName": "alerts", "teamName": "MongoDB" }"#;
const DATADOG: &str = r#"{ "id": "string", "type": "DATADOG", "apiKey": "****************************a23c", "region": "US", "sendCollectionLatencyMetrics": false, "sendDatabaseMetrics": false, "sendUserProvidedResourceTags": false }"#;
const NEW_RELIC: &str = r#"{ "id": "string", "type": "NEW_RELIC", "accountId": "bcc3c81b344a6030a3935c2527e2216535af7718", "licenseKey": "bc3768f44193c282b2688ab39e00f8e4fc8d75ea", "readToken": "193c96aee4a3ac640b98634562e2631f17ae0a69", "writeToken": "a67b10e5cd7f8fb6a34b501136c409f373edc218" }"#;
const OPS_GENIE: &str = r#"{ "id": "string", "type": "OPS_GENIE", "apiKey": "********************************a111", "region": "US" }"#;
const VICTOR_OPS: &str = r#"{ "id": "string", "type": "VICTOR_OPS", "apiKey": "********************************9abc", "routingKey": "test routing" }"#;
const WEBHOOK: &str = r#"{ "id": "string", "type": "WEBHOOK", "secret": "string", "url": "https://webhook.com/****" }"#;
const PROMETHEUS: &str = r#"{ "id": "string", "type": "PROMETHEUS", "enabled": true, "serviceDiscovery": "http", "username": "prom_user_618d48e05277a606ed2496fe", "password": "string" }"#;
const MICROSOFT_TEAMS: &str = r#"{ "id": "string", "type": "MICROSOFT_TEAMS", "microsoftTeamsWebhookUrl": "https://webhook.com/****" }"#;
const PAGE: &str = r#"{ "links": [ { "href": "https://cloud.mongodb.com/api/atlas", "rel": "self" } ], "results": [ { "id": "string", "type": "PAGER_DUTY", "region": "US", "serviceKey": "****************************7890" } ], "totalCount": 42 }"#;
const ERROR_400: &str = r#"{ "error": 400, "detail": "(This is just an example, the exception may not be related to this endpoint) No provider AWS exists.", "reason": "Bad Request", "errorCode": "VALIDATION_ERROR" }"#;
const ERROR_409: &str = r#"{ "error": 409, "detail": "(This is just an example, the exception may not be related to this endpoint) Cannot delete organization link while there is active migration in following project ids: 60c4fd418ebe251047c50554", "reason": "Conflict", "errorCode": "CANNOT_DELETE_ORG_ACTIVE_LIVE_MIGRATION_ATLAS_ORG_LINK" }"#;

/// An undocumented kind that the service still returns for old projects.
const HIP_CHAT: &str =
    r#"{"id":"abc","type":"HIP_CHAT","notificationToken":"tok-123","roomName":"ops"}"#;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn parse(json: &str) -> Value {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("test data is not JSON ({e}): {json}"))
}

/// Decodes `json` as `T`, checks that it serialises back to an equal JSON value, and returns it.
fn round_trip<T: DeserializeOwned + Serialize>(json: &str) -> T {
    let decoded: T =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("failed to decode ({e}): {json}"));
    let back = serde_json::to_value(&decoded).expect("serialises");
    assert_eq!(back, parse(json), "did not serialise back unchanged");
    decoded
}

fn integration(json: &str) -> ThirdPartyIntegration {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("failed to decode ({e}): {json}"))
}

fn decode_error<T: DeserializeOwned + std::fmt::Debug>(json: &Value) -> String {
    match serde_json::from_value::<T>(json.clone()) {
        Ok(value) => panic!("decoded although it should not: {value:?}"),
        Err(error) => error.to_string(),
    }
}

fn read_back_fields<T: runtime::SecretFields>(value: &T) -> Vec<String> {
    match runtime::ensure_supplied(value) {
        Ok(()) => Vec::new(),
        Err(ReadBackSecrets { fields }) => fields,
    }
}

// ---------------------------------------------------------------------------------------------
// 1. The documented examples decode into the right variant and serialise back unchanged.
// ---------------------------------------------------------------------------------------------

type Check = fn(&str);

fn check_pager_duty(json: &str) {
    let value: ThirdPartyIntegration = round_trip(json);
    assert_eq!(value.discriminator(), "PAGER_DUTY");
    assert!(
        matches!(&value, ThirdPartyIntegration::PagerDuty(p)
            if p.region == Some(PagerDutyRegion::Us)
                && p.id.as_deref() == Some("string")
                && p.service_key.expose() == "****************************7890"),
        "{value:?}"
    );
}

fn check_slack(json: &str) {
    let value: ThirdPartyIntegration = round_trip(json);
    assert_eq!(value.discriminator(), "SLACK");
    assert!(
        matches!(&value, ThirdPartyIntegration::Slack(s)
            if s.channel_name.as_deref() == Some("alerts")
                && s.team_name.as_deref() == Some("MongoDB")
                && s.api_token.expose().ends_with("abcd")),
        "{value:?}"
    );
}

fn check_datadog(json: &str) {
    let value: ThirdPartyIntegration = round_trip(json);
    assert_eq!(value.discriminator(), "DATADOG");
    assert!(
        matches!(&value, ThirdPartyIntegration::Datadog(d)
            if d.region == Some(DatadogRegion::Us)
                && d.send_collection_latency_metrics == Some(false)
                && d.send_database_metrics == Some(false)
                && d.send_query_stats_metrics.is_none()
                && d.send_user_provided_resource_tags == Some(false)
                && d.api_key.expose() == "****************************a23c"),
        "{value:?}"
    );
}

fn check_new_relic(json: &str) {
    let value: ThirdPartyIntegration = round_trip(json);
    assert_eq!(value.discriminator(), "NEW_RELIC");
    assert!(
        matches!(&value, ThirdPartyIntegration::NewRelic(n)
            if n.account_id == "bcc3c81b344a6030a3935c2527e2216535af7718"
                && n.license_key.expose() == "bc3768f44193c282b2688ab39e00f8e4fc8d75ea"
                && n.read_token.expose() == "193c96aee4a3ac640b98634562e2631f17ae0a69"
                && n.write_token.expose() == "a67b10e5cd7f8fb6a34b501136c409f373edc218"),
        "{value:?}"
    );
}

fn check_ops_genie(json: &str) {
    let value: ThirdPartyIntegration = round_trip(json);
    assert_eq!(value.discriminator(), "OPS_GENIE");
    assert!(
        matches!(&value, ThirdPartyIntegration::OpsGenie(o)
            if o.region == Some(OpsGenieRegion::Us)
                && o.api_key.expose() == "********************************a111"),
        "{value:?}"
    );
}

fn check_victor_ops(json: &str) {
    let value: ThirdPartyIntegration = round_trip(json);
    assert_eq!(value.discriminator(), "VICTOR_OPS");
    assert!(
        matches!(&value, ThirdPartyIntegration::VictorOps(v)
            if v.routing_key.as_deref() == Some("test routing")
                && v.api_key.expose() == "********************************9abc"),
        "{value:?}"
    );
}

fn check_webhook(json: &str) {
    let value: ThirdPartyIntegration = round_trip(json);
    assert_eq!(value.discriminator(), "WEBHOOK");
    assert!(
        matches!(&value, ThirdPartyIntegration::Webhook(w)
            if w.url.expose() == "https://webhook.com/****"
                && w.secret.as_ref().map(Secret::expose) == Some("string")),
        "{value:?}"
    );
}

fn check_prometheus(json: &str) {
    let value: ThirdPartyIntegration = round_trip(json);
    assert_eq!(value.discriminator(), "PROMETHEUS");
    assert!(
        matches!(&value, ThirdPartyIntegration::Prometheus(p)
            if p.enabled
                && p.service_discovery == PrometheusServiceDiscovery::Http
                && p.username == "prom_user_618d48e05277a606ed2496fe"
                && p.password.as_ref().map(Secret::expose) == Some("string")),
        "{value:?}"
    );
}

fn check_microsoft_teams(json: &str) {
    let value: ThirdPartyIntegration = round_trip(json);
    assert_eq!(value.discriminator(), "MICROSOFT_TEAMS");
    assert!(
        matches!(&value, ThirdPartyIntegration::MicrosoftTeams(m)
            if m.microsoft_teams_webhook_url.expose() == "https://webhook.com/****"),
        "{value:?}"
    );
}

fn check_page(json: &str) {
    let page: PaginatedIntegrationView = round_trip(json);
    assert_eq!(page.total_count, Some(42));
    let links = page.links.as_deref().expect("links");
    assert_eq!(links.len(), 1);
    assert_eq!(
        links[0].href.as_deref(),
        Some("https://cloud.mongodb.com/api/atlas")
    );
    assert_eq!(links[0].rel.as_deref(), Some("self"));
    assert_eq!(page.results.len(), 1);
    assert!(
        matches!(&page.results[0], ThirdPartyIntegration::PagerDuty(p)
            if p.region == Some(PagerDutyRegion::Us)
                && p.service_key.expose() == "****************************7890"),
        "{:?}",
        page.results
    );
}

fn check_error_400(json: &str) {
    let error: ApiError = round_trip(json);
    assert_eq!(error.error, 400);
    assert_eq!(error.error_code, "VALIDATION_ERROR");
    assert_eq!(error.reason.as_deref(), Some("Bad Request"));
    assert!(
        error
            .detail
            .as_deref()
            .is_some_and(|d| d.ends_with("No provider AWS exists.")),
        "{error:?}"
    );
    assert_eq!(error.parameters, None);
}

fn check_error_409(json: &str) {
    let error: ApiError = round_trip(json);
    assert_eq!(error.error, 409);
    assert_eq!(
        error.error_code,
        "CANNOT_DELETE_ORG_ACTIVE_LIVE_MIGRATION_ATLAS_ORG_LINK"
    );
    assert_eq!(error.reason.as_deref(), Some("Conflict"));
    assert!(
        error
            .detail
            .as_deref()
            .is_some_and(|d| d.ends_with("project ids: 60c4fd418ebe251047c50554")),
        "{error:?}"
    );
}

fn documented_examples() -> Vec<(&'static str, &'static str, Check)> {
    vec![
        ("PagerDuty", PAGER_DUTY, check_pager_duty as Check),
        ("Slack", SLACK, check_slack),
        ("Datadog", DATADOG, check_datadog),
        ("NewRelic", NEW_RELIC, check_new_relic),
        ("OpsGenie", OPS_GENIE, check_ops_genie),
        ("VictorOps", VICTOR_OPS, check_victor_ops),
        ("Webhook", WEBHOOK, check_webhook),
        ("Prometheus", PROMETHEUS, check_prometheus),
        ("MicrosoftTeams", MICROSOFT_TEAMS, check_microsoft_teams),
        ("PaginatedIntegrationView", PAGE, check_page),
        ("ApiError 400", ERROR_400, check_error_400),
        ("ApiError 409", ERROR_409, check_error_409),
    ]
}

#[test]
fn every_documented_example_decodes_into_its_type_and_serialises_back_unchanged() {
    let examples = documented_examples();
    assert_eq!(examples.len(), 12);
    for (name, json, check) in examples {
        eprintln!("example: {name}");
        check(json);
    }
}

#[test]
fn a_kind_decodes_into_its_own_variant_only() {
    // The same fields under another tag must not be taken for the first kind: the tag decides.
    let mut object = parse(OPS_GENIE);
    object["type"] = json!("VICTOR_OPS");
    let value: ThirdPartyIntegration = serde_json::from_value(object).expect("decodes");
    assert!(
        matches!(&value, ThirdPartyIntegration::VictorOps(v)
            if v.api_key.expose() == "********************************a111"
                && v.routing_key.is_none()),
        "{value:?}"
    );
    // OpsGenie's `region` is no VictorOps field: it is kept as received and sent back.
    let ThirdPartyIntegration::VictorOps(victor_ops) = &value else {
        panic!("expected VictorOps, got {value:?}");
    };
    assert_eq!(
        victor_ops.unknown_fields.keys().collect::<Vec<_>>(),
        ["region"]
    );
    assert_eq!(
        serde_json::to_value(&value).expect("serialises"),
        json!({"id": "string", "type": "VICTOR_OPS", "apiKey": "********************************a111", "region": "US"})
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Kinds this version does not know are kept whole.
// ---------------------------------------------------------------------------------------------

#[test]
fn an_unknown_kind_decodes_to_the_catch_all_and_serialises_back_unchanged() {
    let value: ThirdPartyIntegration = round_trip(HIP_CHAT);
    assert_eq!(value.discriminator(), "HIP_CHAT");
    let ThirdPartyIntegration::Unknown(unknown) = &value else {
        panic!("expected the Unknown variant, got {value:?}");
    };
    assert_eq!(unknown.discriminator(), "HIP_CHAT");
    assert_eq!(unknown.fields().get("type"), Some(&json!("HIP_CHAT")));
    assert_eq!(
        unknown.fields().get("notificationToken"),
        Some(&json!("tok-123"))
    );
    assert_eq!(unknown.fields().get("roomName"), Some(&json!("ops")));
    assert_eq!(unknown.fields().len(), 4);
}

#[test]
fn a_future_kind_with_nested_values_survives_a_round_trip() {
    let json = r#"{
        "id": "5f4d3c2b1a0f9e8d7c6b5a49",
        "type": "SERVICE_NOW",
        "instance": {"host": "acme.service-now.com", "port": 443, "tls": true},
        "assignmentGroups": ["dba", {"name": "on-call", "members": [1, 2, 3]}, null],
        "severityMap": {"CRITICAL": 1, "WARNING": 3.5, "INFO": null},
        "enabled": false
    }"#;
    let value: ThirdPartyIntegration = round_trip(json);
    assert_eq!(value.discriminator(), "SERVICE_NOW");
    let ThirdPartyIntegration::Unknown(unknown) = &value else {
        panic!("expected the Unknown variant, got {value:?}");
    };
    assert_eq!(
        unknown.fields().get("assignmentGroups"),
        Some(&json!(["dba", {"name": "on-call", "members": [1, 2, 3]}, null]))
    );
    assert_eq!(
        unknown.fields().get("instance").and_then(|i| i.get("port")),
        Some(&json!(443))
    );
    // A clone is equal and serialises the same.
    let copy = value.clone();
    assert_eq!(copy, value);
    assert_eq!(
        serde_json::to_value(&copy).expect("serialises"),
        parse(json)
    );
}

// ---------------------------------------------------------------------------------------------
// 3. One unknown kind in a long page does not spoil the rest of it.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_page_with_one_unknown_kind_decodes_every_other_integration() {
    const LEN: usize = 500;
    const UNKNOWN_AT: usize = 217;
    let known = [
        PAGER_DUTY,
        SLACK,
        DATADOG,
        NEW_RELIC,
        OPS_GENIE,
        VICTOR_OPS,
        WEBHOOK,
        PROMETHEUS,
        MICROSOFT_TEAMS,
    ];
    let mut results = Vec::with_capacity(LEN);
    let mut next_known = 0;
    for index in 0..LEN {
        let mut item = if index == UNKNOWN_AT {
            parse(HIP_CHAT)
        } else {
            let item = parse(known[next_known % known.len()]);
            next_known += 1;
            item
        };
        item["id"] = json!(format!("integration-{index:03}"));
        results.push(item);
    }
    let page_json = json!({"results": results, "totalCount": LEN}).to_string();

    let page: PaginatedIntegrationView = round_trip(&page_json);
    assert_eq!(page.results.len(), LEN);
    assert_eq!(page.total_count, Some(500));

    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for item in &page.results {
        let variant = match item {
            ThirdPartyIntegration::PagerDuty(_) => "PagerDuty",
            ThirdPartyIntegration::Slack(_) => "Slack",
            ThirdPartyIntegration::Datadog(_) => "Datadog",
            ThirdPartyIntegration::NewRelic(_) => "NewRelic",
            ThirdPartyIntegration::OpsGenie(_) => "OpsGenie",
            ThirdPartyIntegration::VictorOps(_) => "VictorOps",
            ThirdPartyIntegration::Webhook(_) => "Webhook",
            ThirdPartyIntegration::Prometheus(_) => "Prometheus",
            ThirdPartyIntegration::MicrosoftTeams(_) => "MicrosoftTeams",
            ThirdPartyIntegration::Unknown(_) => "Unknown",
            // The enum is `non_exhaustive`: a kind a later document adds is a minor change.
            _ => "later",
        };
        *counts.entry(variant).or_default() += 1;
    }
    // 499 known items cycle through the nine kinds: 55 full rounds and four more.
    let expected: BTreeMap<&str, usize> = [
        ("PagerDuty", 56),
        ("Slack", 56),
        ("Datadog", 56),
        ("NewRelic", 56),
        ("OpsGenie", 55),
        ("VictorOps", 55),
        ("Webhook", 55),
        ("Prometheus", 55),
        ("MicrosoftTeams", 55),
        ("Unknown", 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(counts, expected);

    let unknown = &page.results[UNKNOWN_AT];
    assert!(
        matches!(unknown, ThirdPartyIntegration::Unknown(u)
            if u.discriminator() == "HIP_CHAT"
                && u.fields().get("id") == Some(&json!("integration-217"))),
        "{unknown:?}"
    );
    // Item 218 is the 218th known one (index 217 in the cycle): 217 % 9 == 1, a Slack.
    assert!(
        matches!(&page.results[UNKNOWN_AT + 1], ThirdPartyIntegration::Slack(s)
            if s.id.as_deref() == Some("integration-218")
                && s.channel_name.as_deref() == Some("alerts")),
        "{:?}",
        page.results[UNKNOWN_AT + 1]
    );
    // The last item is the 499th known one: 498 % 9 == 3, a New Relic.
    assert!(
        matches!(&page.results[LEN - 1], ThirdPartyIntegration::NewRelic(n)
            if n.id.as_deref() == Some("integration-499")
                && n.account_id == "bcc3c81b344a6030a3935c2527e2216535af7718"),
        "{:?}",
        page.results[LEN - 1]
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Enum values this version does not know are kept.
// ---------------------------------------------------------------------------------------------

#[test]
fn an_unknown_datadog_region_is_kept_and_sent_back() {
    let mut object = parse(DATADOG);
    object["region"] = json!("AP9");
    let json = object.to_string();
    let value: ThirdPartyIntegration = round_trip(&json);
    let ThirdPartyIntegration::Datadog(datadog) = &value else {
        panic!("expected Datadog, got {value:?}");
    };
    assert_eq!(datadog.region, Some(DatadogRegion::Unknown("AP9".into())));
    assert_eq!(
        datadog.region.as_ref().map(DatadogRegion::as_str),
        Some("AP9")
    );
    assert_eq!(
        serde_json::to_value(&value).expect("serialises")["region"],
        json!("AP9")
    );

    // Known values still map to their own variants, both ways.
    let region: DatadogRegion = serde_json::from_value(json!("US1_FED")).expect("decodes");
    assert_eq!(region, DatadogRegion::Us1Fed);
    assert_eq!(
        serde_json::to_value(DatadogRegion::Ap1).expect("serialises"),
        json!("AP1")
    );
}

#[test]
fn integration_type_parses_prints_and_keeps_unknown_values() {
    let known: IntegrationType = "HIP_CHAT".parse().expect("documented");
    assert_eq!(known, IntegrationType::HipChat);
    assert_eq!(known.as_str(), "HIP_CHAT");
    assert_eq!(known.to_string(), "HIP_CHAT");

    let teams: IntegrationType = "MICROSOFT_TEAMS".parse().expect("documented");
    assert_eq!(teams, IntegrationType::MicrosoftTeams);

    // An undocumented value is refused by parsing, and kept by `From` and by decoding.
    assert!("SERVICE_NOW".parse::<IntegrationType>().is_err());
    let unknown = IntegrationType::from("SERVICE_NOW");
    assert_eq!(unknown, IntegrationType::Unknown("SERVICE_NOW".into()));
    assert_eq!(unknown.as_str(), "SERVICE_NOW");
    assert_eq!(unknown.to_string(), "SERVICE_NOW");
    assert_eq!(format!("{unknown}"), "SERVICE_NOW");

    // Values are case-sensitive: a lower-case name is not the known one.
    let lower = IntegrationType::from("slack");
    assert_eq!(lower, IntegrationType::Unknown("slack".into()));
    assert_eq!(
        "slack".parse::<IntegrationType>().map_err(|e| e.value),
        Err("slack".to_owned())
    );

    let decoded: IntegrationType = serde_json::from_value(json!("SERVICE_NOW")).expect("decodes");
    assert_eq!(decoded, unknown);
    assert_eq!(
        serde_json::to_value(&decoded).expect("serialises"),
        json!("SERVICE_NOW")
    );
}

#[test]
fn an_unknown_prometheus_service_discovery_is_kept_and_sent_back() {
    let mut object = parse(PROMETHEUS);
    object["serviceDiscovery"] = json!("consul");
    let json = object.to_string();
    let value: ThirdPartyIntegration = round_trip(&json);
    let ThirdPartyIntegration::Prometheus(prometheus) = &value else {
        panic!("expected Prometheus, got {value:?}");
    };
    assert_eq!(
        prometheus.service_discovery,
        PrometheusServiceDiscovery::Unknown("consul".into())
    );
    assert_eq!(prometheus.service_discovery.to_string(), "consul");
    assert_eq!(
        serde_json::to_value(&value).expect("serialises")["serviceDiscovery"],
        json!("consul")
    );
    assert_eq!(
        "file".parse::<PrometheusServiceDiscovery>(),
        Ok(PrometheusServiceDiscovery::File)
    );
}

#[test]
fn parsing_refuses_an_undocumented_value_that_decoding_keeps() {
    assert_eq!("EU".parse::<DatadogRegion>(), Ok(DatadogRegion::Eu));
    let error = "eu".parse::<DatadogRegion>().unwrap_err();
    assert_eq!(error.value, "eu");
    assert_eq!(error.type_name, "DatadogRegion");
    assert_eq!(
        error.documented,
        ["US", "EU", "US3", "US5", "AP1", "US1_FED"]
    );
    assert_eq!(
        error.to_string(),
        "`eu` is not a documented value of DatadogRegion; the documented values are `US`, `EU`, \
         `US3`, `US5`, `AP1`, `US1_FED` (`DatadogRegion::from` keeps any value, in its catch-all \
         variant)"
    );
    // Decoding and `From` keep it.
    assert_eq!(
        DatadogRegion::from("eu"),
        DatadogRegion::Unknown("eu".to_owned())
    );
    let decoded: DatadogRegion = serde_json::from_str("\"eu\"").expect("decodes");
    assert_eq!(decoded, DatadogRegion::Unknown("eu".to_owned()));
}

// ---------------------------------------------------------------------------------------------
// 5. Fields this version does not know are kept as received and sent back.
// ---------------------------------------------------------------------------------------------

/// `json` with `extra` (a JSON object's members, as text) added after its own members.
fn with_members(json: &str, extra: &str) -> String {
    let json = json.trim_end();
    let body = json.strip_suffix('}').expect("an object");
    format!("{body}, {extra} }}")
}

#[test]
fn unknown_fields_are_kept_in_order_and_form_and_sent_back() {
    let json = with_members(
        DATADOG,
        r#""futureField": {"b": 1, "a": [1.50, null]}, "sendLogs": true"#,
    );
    let with_extra: ThirdPartyIntegration = round_trip(&json);
    let ThirdPartyIntegration::Datadog(datadog) = &with_extra else {
        panic!("expected Datadog, got {with_extra:?}");
    };
    assert_eq!(datadog.region, Some(DatadogRegion::Us));
    assert_eq!(
        datadog.unknown_fields.keys().collect::<Vec<_>>(),
        ["futureField", "sendLogs"]
    );
    assert_eq!(
        datadog.unknown_fields.get("sendLogs").map(|v| v.get()),
        Some("true")
    );
    // Without the extra keys, the value is not the same.
    assert_ne!(with_extra, integration(DATADOG));

    // The same holds for plain structs, decoded straight from the text: the kept values are
    // written back exactly as they came, after the declared fields.
    let text = r#"{"error":404,"traceId":"abc","errorCode":"NOT_FOUND","extra":{"z":1,"y":2.50}}"#;
    let error: ApiError = serde_json::from_str(text).expect("decodes");
    assert_eq!(error.error, 404);
    assert_eq!(
        error.unknown_fields.keys().collect::<Vec<_>>(),
        ["traceId", "extra"]
    );
    assert_eq!(
        serde_json::to_string(&error).expect("serialises"),
        r#"{"error":404,"errorCode":"NOT_FOUND","traceId":"abc","extra":{"z":1,"y":2.50}}"#
    );
    let mut plain = error.clone();
    plain.unknown_fields.clear();
    assert_eq!(plain, ApiError::new(404, "NOT_FOUND"));
}

#[test]
fn every_documented_example_with_added_keys_round_trips() {
    let extra =
        r#""addedLater": {"nested": [1, "two", {"three": 3.0}]}, "flag": false, "note": null"#;
    for (name, json, _) in documented_examples() {
        eprintln!("example: {name}");
        let json = with_members(json, extra);
        let expected = parse(&json);
        let back = match name {
            "PaginatedIntegrationView" => {
                serde_json::to_value(round_trip::<PaginatedIntegrationView>(&json))
            }
            "ApiError 400" | "ApiError 409" => serde_json::to_value(round_trip::<ApiError>(&json)),
            _ => serde_json::to_value(round_trip::<ThirdPartyIntegration>(&json)),
        }
        .expect("serialises");
        assert_eq!(back, expected, "{name}");
    }
    // Inside a page too, on every item and on the page itself.
    let items: Vec<String> = [PAGER_DUTY, SLACK, DATADOG, NEW_RELIC, HIP_CHAT]
        .iter()
        .map(|item| with_members(item, extra))
        .collect();
    let page = with_members(&format!(r#"{{"results": [{}]}}"#, items.join(", ")), extra);
    let decoded: PaginatedIntegrationView = round_trip(&page);
    assert_eq!(decoded.unknown_fields.len(), 3);
}

#[test]
fn kept_values_never_show_in_debug_output() {
    let json = with_members(
        DATADOG,
        r#""sessionToken": "kept-credential-5c1d", "nested": {"password": "kept-password-2e7f"}"#,
    );
    let value = integration(&json);
    for debug in [format!("{value:?}"), format!("{value:#?}")] {
        assert!(!debug.contains("kept-credential-5c1d"), "{debug}");
        assert!(!debug.contains("kept-password-2e7f"), "{debug}");
        assert!(!debug.contains("a23c"), "{debug}");
        // The names of the kept keys show, so that a reader of the log knows they are there.
        assert!(debug.contains("sessionToken"), "{debug}");
        assert!(debug.contains("nested"), "{debug}");
    }
    let page: PaginatedIntegrationView = serde_json::from_str(&format!(
        r#"{{"results": [{json}], "cursor": "kept-cursor-9a0b"}}"#
    ))
    .expect("decodes");
    let debug = format!("{page:#?}");
    assert!(!debug.contains("kept-credential-5c1d"), "{debug}");
    assert!(!debug.contains("kept-cursor-9a0b"), "{debug}");
    assert!(debug.contains("cursor"), "{debug}");
}

// ---------------------------------------------------------------------------------------------
// 6. Bodies without a required field are refused, naming the field.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_datadog_without_api_key_is_refused_naming_the_field() {
    let mut object = parse(DATADOG);
    object.as_object_mut().expect("object").remove("apiKey");
    let message = decode_error::<ThirdPartyIntegration>(&object);
    assert!(message.contains("apiKey"), "message: {message}");
    // Inside a page too.
    let page = json!({"results": [parse(PAGER_DUTY), object]});
    let message = decode_error::<PaginatedIntegrationView>(&page);
    assert!(message.contains("apiKey"), "message: {message}");
}

#[test]
fn a_body_without_type_is_refused_naming_the_tag() {
    let mut object = parse(DATADOG);
    object.as_object_mut().expect("object").remove("type");
    let message = decode_error::<ThirdPartyIntegration>(&object);
    assert!(message.contains("type"), "message: {message}");
    // The message must not quote the credential it saw.
    assert!(!message.contains("a23c"), "message: {message}");
}

#[test]
fn a_type_that_is_not_a_string_is_refused() {
    let mut object = parse(DATADOG);
    object["type"] = json!(7);
    let message = decode_error::<ThirdPartyIntegration>(&object);
    assert!(message.contains("type"), "message: {message}");
}

#[test]
fn other_required_fields_are_enforced_too() {
    let mut prometheus = parse(PROMETHEUS);
    prometheus
        .as_object_mut()
        .expect("object")
        .remove("username");
    let message = decode_error::<ThirdPartyIntegration>(&prometheus);
    assert!(message.contains("username"), "message: {message}");

    let mut error = parse(ERROR_400);
    error.as_object_mut().expect("object").remove("errorCode");
    let message = decode_error::<ApiError>(&error);
    assert!(message.contains("errorCode"), "message: {message}");

    let message = decode_error::<PaginatedIntegrationView>(&json!({"totalCount": 1}));
    assert!(message.contains("results"), "message: {message}");
}

// ---------------------------------------------------------------------------------------------
// 7. Credentials never show in debug output, but are sent when serialising.
// ---------------------------------------------------------------------------------------------

/// One value of each kind, every credential set to a distinctive string, with those strings and
/// where each must appear in the serialised JSON.
fn integrations_with_secrets() -> Vec<(ThirdPartyIntegration, Vec<(&'static str, &'static str)>)> {
    let mut datadog = Datadog::new(Secret::new("dd-api-key-9f1e"));
    datadog.region = Some(DatadogRegion::Eu);

    let teams = MicrosoftTeams::new(Secret::new(
        "https://example.webhook.office.com/teams-hook-7c2a",
    ));

    let new_relic = NewRelic::new(
        "acct-0001",
        Secret::new("nr-license-4b8d"),
        Secret::new("nr-read-5e6f"),
        Secret::new("nr-write-1a2b"),
    );

    let mut ops_genie = OpsGenie::new(Secret::new("og-api-key-3c4d"));
    ops_genie.region = Some(OpsGenieRegion::Eu);

    let pager_duty = PagerDuty::new(Secret::new("pd-service-key-8e9f"));

    let mut prometheus = Prometheus::new(true, PrometheusServiceDiscovery::File, "prom-user");
    prometheus.password = Some(Secret::new("prom-password-6a7b"));

    let mut slack = Slack::new(
        Secret::new("xoxb-slack-token-2d3e"),
        Some("alerts".to_owned()),
    );
    slack.team_name = Some("team".to_owned());

    let mut victor_ops = VictorOps::new(Secret::new("vo-api-key-0f1a"));
    victor_ops.routing_key = Some("routing".to_owned());

    let mut webhook = Webhook::new(Secret::new("https://hooks.example.com/private-url-5b6c"));
    webhook.secret = Some(Secret::new("webhook-signing-secret-7d8e"));

    vec![
        (datadog.into(), vec![("/apiKey", "dd-api-key-9f1e")]),
        (
            teams.into(),
            vec![(
                "/microsoftTeamsWebhookUrl",
                "https://example.webhook.office.com/teams-hook-7c2a",
            )],
        ),
        (
            new_relic.into(),
            vec![
                ("/licenseKey", "nr-license-4b8d"),
                ("/readToken", "nr-read-5e6f"),
                ("/writeToken", "nr-write-1a2b"),
            ],
        ),
        (ops_genie.into(), vec![("/apiKey", "og-api-key-3c4d")]),
        (
            pager_duty.into(),
            vec![("/serviceKey", "pd-service-key-8e9f")],
        ),
        (prometheus.into(), vec![("/password", "prom-password-6a7b")]),
        (slack.into(), vec![("/apiToken", "xoxb-slack-token-2d3e")]),
        (victor_ops.into(), vec![("/apiKey", "vo-api-key-0f1a")]),
        (
            webhook.into(),
            vec![
                ("/secret", "webhook-signing-secret-7d8e"),
                ("/url", "https://hooks.example.com/private-url-5b6c"),
            ],
        ),
    ]
}

#[test]
fn no_credential_of_any_kind_shows_in_debug_output() {
    let cases = integrations_with_secrets();
    let kinds: Vec<&str> = cases.iter().map(|(i, _)| i.discriminator()).collect();
    assert_eq!(
        kinds,
        [
            "DATADOG",
            "MICROSOFT_TEAMS",
            "NEW_RELIC",
            "OPS_GENIE",
            "PAGER_DUTY",
            "PROMETHEUS",
            "SLACK",
            "VICTOR_OPS",
            "WEBHOOK"
        ]
    );
    for (integration, secrets) in &cases {
        for debug in [format!("{integration:?}"), format!("{integration:#?}")] {
            for (_, secret) in secrets {
                assert!(
                    !debug.contains(secret),
                    "{} Debug shows {secret}: {debug}",
                    integration.discriminator()
                );
            }
            assert_eq!(
                debug.matches(MASK).count(),
                secrets.len(),
                "{} Debug should mask each credential once: {debug}",
                integration.discriminator()
            );
        }
        // Each field on its own, too.
        let value = serde_json::to_value(integration).expect("serialises");
        for (pointer, secret) in secrets {
            assert_eq!(
                value.pointer(pointer),
                Some(&json!(secret)),
                "{} must send {pointer}",
                integration.discriminator()
            );
        }
        assert_eq!(value["type"], json!(integration.discriminator()));
    }

    // A whole page of them, as a caller would log it.
    let page = PaginatedIntegrationView::new(
        cases
            .iter()
            .map(|(i, _)| i.clone())
            .collect::<Vec<ThirdPartyIntegration>>(),
    );
    let debug = format!("{page:#?}");
    for (_, secrets) in &cases {
        for (_, secret) in secrets {
            assert!(!debug.contains(secret), "page Debug shows {secret}");
        }
    }
    let serialised = serde_json::to_string(&page).expect("serialises");
    for (_, secrets) in &cases {
        for (_, secret) in secrets {
            assert!(serialised.contains(secret), "page JSON lacks {secret}");
        }
    }
}

#[test]
fn a_secret_prints_only_the_mask() {
    let secret = Secret::new("plain-value-42");
    assert_eq!(format!("{secret:?}"), MASK);
    assert_eq!(format!("{secret}"), MASK);
    assert_eq!(format!("{secret:#?}"), MASK);
    assert_eq!(secret.expose(), "plain-value-42");
    assert_eq!(
        serde_json::to_value(&secret).expect("serialises"),
        json!("plain-value-42")
    );
}

#[test]
fn the_unknown_variant_debug_shows_field_names_but_not_values() {
    let value = integration(HIP_CHAT);
    for debug in [format!("{value:?}"), format!("{value:#?}")] {
        assert!(!debug.contains("tok-123"), "{debug}");
        assert!(!debug.contains("\"ops\""), "{debug}");
        assert!(!debug.contains("\"abc\""), "{debug}");
        assert!(debug.contains("HIP_CHAT"), "{debug}");
        assert!(debug.contains("notificationToken"), "{debug}");
        assert!(debug.contains("roomName"), "{debug}");
    }
    // Serialising sends everything.
    let sent = serde_json::to_string(&value).expect("serialises");
    assert!(sent.contains("tok-123"), "{sent}");
}

// ---------------------------------------------------------------------------------------------
// 8. Credentials read from a response are not sent back by mistake.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_decoded_datadog_key_must_be_replaced_or_confirmed() {
    let read = integration(DATADOG);
    let error = runtime::ensure_supplied(&read).expect_err("the key was read back");
    assert_eq!(error.fields, ["/apiKey"]);
    assert!(error.to_string().contains("/apiKey"), "{error}");
    assert!(!error.to_string().contains("a23c"), "{error}");

    let mut replaced = read.clone();
    let ThirdPartyIntegration::Datadog(datadog) = &mut replaced else {
        panic!("expected Datadog, got {replaced:?}");
    };
    assert!(datadog.api_key.is_read_back());
    datadog.api_key = Secret::new("real-key");
    assert!(!datadog.api_key.is_read_back());
    assert_eq!(runtime::ensure_supplied(&replaced), Ok(()));
    assert_eq!(
        serde_json::to_value(&replaced).expect("serialises")["apiKey"],
        json!("real-key")
    );

    let mut confirmed = read.clone();
    let ThirdPartyIntegration::Datadog(datadog) = &mut confirmed else {
        panic!("expected Datadog, got {confirmed:?}");
    };
    datadog.api_key = datadog.api_key.clone().resend_read_value();
    assert_eq!(runtime::ensure_supplied(&confirmed), Ok(()));
    // Confirming changes nothing that is sent.
    assert_eq!(
        serde_json::to_value(&confirmed).expect("serialises"),
        parse(DATADOG)
    );
    // And the original is still guarded.
    assert_eq!(read_back_fields(&read), ["/apiKey"]);
}

#[test]
fn read_back_secrets_in_a_page_are_named_by_their_path() {
    let page: PaginatedIntegrationView = serde_json::from_str(PAGE).expect("decodes");
    let error = runtime::ensure_supplied(&page).expect_err("the key was read back");
    assert_eq!(error.fields, ["/results/0/serviceKey"]);

    let page_json =
        json!({"results": [parse(SLACK), parse(HIP_CHAT), parse(WEBHOOK), parse(NEW_RELIC)]});
    let page: PaginatedIntegrationView = serde_json::from_value(page_json).expect("decodes");
    assert_eq!(
        read_back_fields(&page),
        [
            "/results/0/apiToken",
            // A kind this version does not map: every string but the tag may be a mask.
            "/results/1/id",
            "/results/1/notificationToken",
            "/results/1/roomName",
            "/results/2/secret",
            "/results/2/url",
            "/results/3/licenseKey",
            "/results/3/readToken",
            "/results/3/writeToken",
        ]
    );
}

#[test]
fn every_decoded_credential_is_listed() {
    let expected: [(&str, &[&str]); 9] = [
        (PAGER_DUTY, &["/serviceKey"]),
        (SLACK, &["/apiToken"]),
        (DATADOG, &["/apiKey"]),
        (NEW_RELIC, &["/licenseKey", "/readToken", "/writeToken"]),
        (OPS_GENIE, &["/apiKey"]),
        (VICTOR_OPS, &["/apiKey"]),
        (WEBHOOK, &["/secret", "/url"]),
        (PROMETHEUS, &["/password"]),
        (MICROSOFT_TEAMS, &["/microsoftTeamsWebhookUrl"]),
    ];
    for (json, fields) in expected {
        assert_eq!(read_back_fields(&integration(json)), fields, "{json}");
    }

    // A webhook read without its optional signing secret lists only the URL.
    let mut webhook = parse(WEBHOOK);
    webhook.as_object_mut().expect("object").remove("secret");
    let webhook: ThirdPartyIntegration = serde_json::from_value(webhook).expect("decodes");
    assert_eq!(read_back_fields(&webhook), ["/url"]);
}

#[test]
fn kept_keys_read_from_a_response_must_be_cleared_or_confirmed() {
    let json = with_members(DATADOG, r#""sendLogs": true, "a/b~c": {"token": "x"}"#);
    let mut read = integration(&json);
    assert_eq!(
        read_back_fields(&read),
        ["/apiKey", "/sendLogs", "/a~1b~0c"]
    );
    let ThirdPartyIntegration::Datadog(datadog) = &mut read else {
        panic!("expected Datadog, got {read:?}");
    };
    datadog.api_key = Secret::new("real-key");
    assert!(datadog.unknown_fields.is_read_back());
    assert_eq!(read_back_fields(&read), ["/sendLogs", "/a~1b~0c"]);

    let mut confirmed = read.clone();
    if let ThirdPartyIntegration::Datadog(datadog) = &mut confirmed {
        datadog.unknown_fields.resend_read_values();
    }
    assert_eq!(runtime::ensure_supplied(&confirmed), Ok(()));
    let sent = serde_json::to_value(&confirmed).expect("serialises");
    assert_eq!(sent["sendLogs"], json!(true));
    assert_eq!(sent["a/b~c"], json!({"token": "x"}));

    let mut cleared = read.clone();
    if let ThirdPartyIntegration::Datadog(datadog) = &mut cleared {
        datadog.unknown_fields.clear();
    }
    assert_eq!(runtime::ensure_supplied(&cleared), Ok(()));
    let sent = serde_json::to_value(&cleared).expect("serialises");
    assert!(sent.get("sendLogs").is_none(), "{sent}");

    // Nested values are guarded where they stand, named by their path.
    let page = format!(
        r#"{{"results": [{}], "next": "cursor"}}"#,
        with_members(SLACK, r#""workspace": "w""#)
    );
    let page: PaginatedIntegrationView = serde_json::from_str(&page).expect("decodes");
    assert_eq!(
        read_back_fields(&page),
        ["/results/0/apiToken", "/results/0/workspace", "/next"]
    );
}

#[test]
fn values_built_by_the_caller_pass() {
    for (integration, _) in integrations_with_secrets() {
        assert_eq!(
            runtime::ensure_supplied(&integration),
            Ok(()),
            "{}",
            integration.discriminator()
        );
    }
    let new_relic = ThirdPartyIntegration::from(NewRelic::new(
        "acct",
        Secret::new("l"),
        Secret::new("r"),
        Secret::new("w"),
    ));
    assert_eq!(runtime::ensure_supplied(&new_relic), Ok(()));
    let page = PaginatedIntegrationView::new(vec![new_relic]);
    assert_eq!(runtime::ensure_supplied(&page), Ok(()));
}

// ---------------------------------------------------------------------------------------------
// 9. Building values.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_new_datadog_sends_only_what_was_set() {
    let datadog = Datadog::new("key");
    assert_eq!(datadog.api_key.expose(), "key");
    let integration = ThirdPartyIntegration::from(datadog);
    assert_eq!(integration.discriminator(), "DATADOG");
    assert_eq!(
        serde_json::to_value(&integration).expect("serialises"),
        json!({"type": "DATADOG", "apiKey": "key"})
    );
    assert_eq!(
        serde_json::to_string(&integration).expect("serialises"),
        r#"{"type":"DATADOG","apiKey":"key"}"#
    );
}

#[test]
fn a_slack_without_channel_sends_an_explicit_null() {
    let slack = Slack::new(Secret::new("xoxb-1"), None::<String>);
    let value = serde_json::to_value(ThirdPartyIntegration::from(slack)).expect("serialises");
    assert_eq!(
        value,
        json!({"type": "SLACK", "apiToken": "xoxb-1", "channelName": null})
    );

    let built = ThirdPartyIntegration::from(Slack::new("xoxb-2", Some("alerts".to_owned())));
    assert_eq!(
        serde_json::to_value(&built).expect("serialises"),
        json!({"type": "SLACK", "apiToken": "xoxb-2", "channelName": "alerts"})
    );

    // An explicit null decodes back to no channel.
    let decoded: ThirdPartyIntegration = serde_json::from_value(value.clone()).expect("decodes");
    assert!(
        matches!(&decoded, ThirdPartyIntegration::Slack(s) if s.channel_name.is_none()),
        "{decoded:?}"
    );
    assert_eq!(serde_json::to_value(&decoded).expect("serialises"), value);
}

#[test]
fn the_other_constructors_set_required_fields_only() {
    let cases: [(ThirdPartyIntegration, Value); 6] = [
        (
            PagerDuty::new("pd").into(),
            json!({"type": "PAGER_DUTY", "serviceKey": "pd"}),
        ),
        (
            OpsGenie::new("og").into(),
            json!({"type": "OPS_GENIE", "apiKey": "og"}),
        ),
        (
            VictorOps::new("vo").into(),
            json!({"type": "VICTOR_OPS", "apiKey": "vo"}),
        ),
        (
            Webhook::new("https://example.com/hook").into(),
            json!({"type": "WEBHOOK", "url": "https://example.com/hook"}),
        ),
        (
            MicrosoftTeams::new("https://example.com/teams").into(),
            json!({"type": "MICROSOFT_TEAMS", "microsoftTeamsWebhookUrl": "https://example.com/teams"}),
        ),
        (
            Prometheus::new(false, "http", "user").into(),
            json!({"type": "PROMETHEUS", "enabled": false, "serviceDiscovery": "http", "username": "user"}),
        ),
    ];
    for (integration, expected) in cases {
        assert_eq!(
            serde_json::to_value(&integration).expect("serialises"),
            expected
        );
    }
    assert_eq!(
        serde_json::to_value(PaginatedIntegrationView::new(Vec::new())).expect("serialises"),
        json!({"results": []})
    );
}

#[test]
fn enums_with_the_same_values_are_one_type_under_every_name() {
    // Opsgenie's regions are PagerDuty's: one type, so a value of one is a value of the other.
    let region: OpsGenieRegion = PagerDutyRegion::Eu;
    assert_eq!(
        std::any::TypeId::of::<OpsGenieRegion>(),
        std::any::TypeId::of::<PagerDutyRegion>()
    );
    assert_eq!(region.as_str(), "EU");
    // Datadog's regions differ, so they stay a type of their own.
    assert_ne!(
        std::any::TypeId::of::<DatadogRegion>(),
        std::any::TypeId::of::<PagerDutyRegion>()
    );
}
