//! How fast the generated types decode and encode a page of 500 integrations (all nine kinds,
//! about 78 KB), each beside its baselines from the same run:
//!
//! - `decode/ignored_any`: `serde::de::IgnoredAny`, reading the JSON and keeping nothing (the
//!   floor);
//! - `decode/value`: `serde_json::Value`;
//! - `decode/derive_model`: a serde-derive model of the same kinds, an internally tagged enum as a
//!   user would write it;
//! - `decode/generated`: `PaginatedIntegrationView`;
//! - `decode/parse_response`: `ListThirdPartyIntegrations::parse_response` of a 200 response
//!   whose body is the borrowed page;
//! - `encode/derive_model` and `encode/generated`: writing the decoded page back.
//!
//! Run through `cargo xtask bench`, which reads the medians back; by hand with
//! `cargo bench -p atlas-integrations --bench decode`.

#![allow(
    missing_docs,
    reason = "criterion's macros write undocumented functions"
)]
#![allow(
    clippy::panic,
    clippy::result_large_err,
    reason = "a bench stops at bad input; the error is what parse_response returns"
)]

use std::hint::black_box;

use atlas_integrations::operations::ListThirdPartyIntegrations;
use atlas_integrations::types::PaginatedIntegrationView;
use criterion::{Criterion, criterion_group, criterion_main};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The page: 500 integrations, the nine kinds in turn, as Atlas answers a list (credentials
/// masked), with links and a total count.
fn page() -> Vec<u8> {
    let id = |i: usize| format!("{:024x}", 0x5a0a_1e7e_0f29_12c5_5408_0adc_u128 + i as u128);
    let results: Vec<Value> = (0..500)
        .map(|i| match i % 9 {
            0 => json!({"id": id(i), "type": "PAGER_DUTY", "region": "US", "serviceKey": "****************************7890"}),
            1 => json!({"id": id(i), "type": "SLACK", "apiToken": "****************************abcd", "channelName": format!("alerts-{i}"), "teamName": "Operations"}),
            2 => json!({"id": id(i), "type": "DATADOG", "apiKey": "****************************a23c", "region": "EU", "sendCollectionLatencyMetrics": true, "sendDatabaseMetrics": false, "sendQueryStatsMetrics": true}),
            3 => json!({"id": id(i), "type": "NEW_RELIC", "accountId": "bcc3c81b344a6030a3935c2527e2216535af7718", "licenseKey": "****************************7718", "readToken": "****************************1234", "writeToken": "****************************5678"}),
            4 => json!({"id": id(i), "type": "OPS_GENIE", "apiKey": "****************************9abc", "region": "US"}),
            5 => json!({"id": id(i), "type": "VICTOR_OPS", "apiKey": "****************************def0", "routingKey": format!("route-{i}")}),
            6 => json!({"id": id(i), "type": "WEBHOOK", "url": "https://example.com/hooks/****", "secret": "****************************beef"}),
            7 => json!({"id": id(i), "type": "PROMETHEUS", "enabled": true, "serviceDiscovery": "http", "username": format!("prom-{i}"), "password": "****************************cafe", "sendUserProvidedResourceTagsEnabled": false}),
            _ => json!({"id": id(i), "type": "MICROSOFT_TEAMS", "microsoftTeamsWebhookUrl": "https://example.webhook.office.com/****"}),
        })
        .collect();
    let page = json!({
        "links": [{"href": "https://cloud.mongodb.com/api/atlas/v1.0/groups/32b6e34b3d91647abb20e7b8/integrations?pageNum=1", "rel": "self"}],
        "results": results,
        "totalCount": 500,
    });
    serde_json::to_vec(&page).unwrap_or_default()
}

/// The same kinds as a user would model them with serde's derive.
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
enum Integration {
    PagerDuty(PagerDuty),
    Slack(Slack),
    Datadog(Datadog),
    NewRelic(NewRelic),
    OpsGenie(OpsGenie),
    VictorOps(VictorOps),
    Webhook(Webhook),
    Prometheus(Prometheus),
    MicrosoftTeams(MicrosoftTeams),
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PagerDuty {
    id: Option<String>,
    region: Option<String>,
    service_key: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Slack {
    id: Option<String>,
    api_token: String,
    channel_name: Option<String>,
    team_name: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Datadog {
    id: Option<String>,
    api_key: String,
    region: Option<String>,
    send_collection_latency_metrics: Option<bool>,
    send_database_metrics: Option<bool>,
    send_query_stats_metrics: Option<bool>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewRelic {
    id: Option<String>,
    account_id: String,
    license_key: String,
    read_token: String,
    write_token: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OpsGenie {
    id: Option<String>,
    api_key: String,
    region: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct VictorOps {
    id: Option<String>,
    api_key: String,
    routing_key: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Webhook {
    id: Option<String>,
    url: String,
    secret: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Prometheus {
    id: Option<String>,
    enabled: bool,
    service_discovery: String,
    username: String,
    password: Option<String>,
    send_user_provided_resource_tags_enabled: Option<bool>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MicrosoftTeams {
    id: Option<String>,
    microsoft_teams_webhook_url: String,
}

#[derive(Serialize, Deserialize)]
struct Link {
    href: String,
    rel: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    links: Vec<Link>,
    results: Vec<Integration>,
    total_count: i32,
}

fn decode(c: &mut Criterion) {
    let body = page();
    // Both models must read the whole page, or the comparison means nothing.
    let derived: Page = serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{e}"));
    let generated: PaginatedIntegrationView =
        serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(derived.results.len(), 500);
    assert_eq!(generated.results.len(), 500);
    let list = ListThirdPartyIntegrations::new("32b6e34b3d91647abb20e7b8");

    let mut group = c.benchmark_group("decode");
    group.bench_function("ignored_any", |b| {
        b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(&body)))
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&body)))
    });
    group.bench_function("derive_model", |b| {
        b.iter(|| serde_json::from_slice::<Page>(black_box(&body)))
    });
    group.bench_function("generated", |b| {
        b.iter(|| serde_json::from_slice::<PaginatedIntegrationView>(black_box(&body)))
    });
    group.bench_function("parse_response", |b| {
        b.iter(|| {
            let response = http::Response::new(black_box(body.as_slice()));
            list.parse_response(response)
        })
    });
    group.finish();

    let mut group = c.benchmark_group("encode");
    group.bench_function("derive_model", |b| {
        b.iter(|| serde_json::to_vec(black_box(&derived)))
    });
    group.bench_function("generated", |b| {
        b.iter(|| serde_json::to_vec(black_box(&generated)))
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
