//! Sends requests to a Prism mock server built from the OpenAPI document, which checks each one
//! against the document.
//!
//! The first test sends hand-made requests, invalid ones that Prism must reject and a valid one it
//! must accept, to show that the check can both fail and pass. The second sends the request of
//! every generated request builder, for every integration kind, and requires each to be accepted.
//!
//! Each test starts its own server and stops it when done.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use atlas_integrations::operations::{
    CreateThirdPartyIntegration, DeleteThirdPartyIntegration, GetThirdPartyIntegration,
    ListThirdPartyIntegrations, UpdateThirdPartyIntegration,
};
use atlas_integrations::runtime::RequestError;
use atlas_integrations::types::{
    Datadog, DatadogRegion, IntegrationType, MicrosoftTeams, NewRelic, OpsGenie, OpsGenieRegion,
    PagerDuty, PagerDutyRegion, Prometheus, PrometheusServiceDiscovery, Slack,
    ThirdPartyIntegration, VictorOps, Webhook,
};
use codegen_tests::prism::{MockServer, Reply, describe_request};
use codegen_tests::workspace_root;
use serde_json::Value;

/// A project ID that matches the document's `groupId` pattern.
const GROUP_ID: &str = "32b6e34b3d91647abb20e7b8";

/// Credentials in the shape of the document's `ServiceAccounts` (OAuth 2.0) scheme. Every
/// operation requires a security scheme, so Prism answers 401 to a request without them.
const AUTHORIZATION: &str = "Bearer test-access-token";

/// A Datadog body that satisfies the document.
const VALID_DATADOG: &str = r#"{"type":"DATADOG","apiKey":"0123456789abcdef0123456789abcdef"}"#;

fn spec() -> PathBuf {
    workspace_root()
        .join("spec")
        .join("atlas-integrations.yaml")
}

fn start() -> MockServer {
    MockServer::start(&spec()).unwrap_or_else(|e| panic!("{e}"))
}

/// `/api/atlas/v1.0/groups/{group}/integrations` followed by `rest`.
fn integrations(group: &str, rest: &str) -> String {
    format!("/api/atlas/v1.0/groups/{group}/integrations{rest}")
}

/// A request with the given method, origin-form URI, headers and body.
fn request(
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> http::Request<codegen_tests::runtime::Body> {
    let mut builder = http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.as_bytes().to_vec().into()).unwrap()
}

/// Sends `request` and returns Prism's reply together with a description of the exchange.
fn exchange(
    server: &MockServer,
    request: http::Request<codegen_tests::runtime::Body>,
) -> (Reply, String) {
    let described = describe_request(&request);
    let reply = server
        .send(request)
        .unwrap_or_else(|e| panic!("{e}\n--- request ---\n{described}"));
    let transcript = format!(
        "--- request ---\n{described}\n--- Prism's reply ---\n{reply}\n--- Prism's log ---\n{}",
        server.log_path().display()
    );
    (reply, transcript)
}

/// The entries of the `sl-violations` header, or an empty list when there is none.
fn violations(reply: &Reply, transcript: &str) -> Vec<Value> {
    reply.violations().map_or_else(Vec::new, |text| {
        serde_json::from_str::<Vec<Value>>(&text).unwrap_or_else(|e| {
            panic!("the sl-violations header is not a JSON array: {e}\n{transcript}")
        })
    })
}

/// Asserts that Prism rejected the request with `status` and reported a violation at `location`
/// whose code is `code` and whose message contains `message`.
fn assert_rejected(
    server: &MockServer,
    what: &str,
    request: http::Request<codegen_tests::runtime::Body>,
    status: u16,
    location: &[&str],
    code: Value,
    message: &str,
) {
    let (reply, transcript) = exchange(server, request);
    assert_eq!(
        reply.status, status,
        "{what}: expected Prism to answer {status}\n{transcript}"
    );
    let found = violations(&reply, &transcript);
    let expected_location: Vec<Value> = location.iter().map(|part| Value::from(*part)).collect();
    let matches = found.iter().any(|violation| {
        violation.get("location") == Some(&Value::Array(expected_location.clone()))
            && violation.get("code") == Some(&code)
            && violation.get("severity") == Some(&Value::from("Error"))
            && violation
                .get("message")
                .and_then(Value::as_str)
                .is_some_and(|text| text.contains(message))
    });
    assert!(
        matches,
        "{what}: expected an Error violation at {location:?} with code {code} and a message \
         containing {message:?}\n{transcript}"
    );
}

#[test]
fn prism_rejects_invalid_requests() {
    let server = start();
    let auth = ("authorization", AUTHORIZATION);
    let json = ("content-type", "application/json");
    let accept = ("accept", "application/json");

    // The check passes: a well-formed create is answered from the document's example.
    let (reply, transcript) = exchange(
        &server,
        request(
            "POST",
            &integrations(GROUP_ID, "/DATADOG"),
            &[auth, json, accept],
            VALID_DATADOG,
        ),
    );
    assert_eq!(
        reply.status, 200,
        "valid create: expected 200\n{transcript}"
    );
    assert_eq!(
        reply.violations(),
        None,
        "valid create: unexpected violations\n{transcript}"
    );
    let page: Value = serde_json::from_slice(&reply.body)
        .unwrap_or_else(|e| panic!("valid create: the body is not JSON: {e}\n{transcript}"));
    assert!(
        page.get("results").is_some_and(Value::is_array),
        "valid create: expected a page of results\n{transcript}"
    );

    // A project ID that does not match `^([a-f0-9]{24})$`.
    assert_rejected(
        &server,
        "malformed groupId",
        request("GET", &integrations("not-a-group", ""), &[auth, accept], ""),
        400,
        &["request", "path", "groupid"],
        Value::from("pattern"),
        "must match pattern",
    );

    // A page size below the minimum of 1.
    assert_rejected(
        &server,
        "itemsPerPage=0",
        request(
            "GET",
            &integrations(GROUP_ID, "?itemsPerPage=0"),
            &[auth, accept],
            "",
        ),
        400,
        &["request", "query", "itemsperpage"],
        Value::from("minimum"),
        "must be >= 1",
    );

    // A Datadog body without its required `apiKey`.
    assert_rejected(
        &server,
        "Datadog body without apiKey",
        request(
            "POST",
            &integrations(GROUP_ID, "/DATADOG"),
            &[auth, json, accept],
            r#"{"type":"DATADOG","region":"US"}"#,
        ),
        400,
        &["request", "body"],
        Value::from("required"),
        "must have required property 'apiKey'",
    );

    // A valid body sent with a media type the operation does not accept. Prism reports a 415
    // violation but answers 400, because the document declares no 415 response.
    assert_rejected(
        &server,
        "text/plain body",
        request(
            "POST",
            &integrations(GROUP_ID, "/DATADOG"),
            &[auth, ("content-type", "text/plain"), accept],
            VALID_DATADOG,
        ),
        400,
        &["request"],
        Value::from(415),
        "Supported content types: application/json",
    );

    // A request without credentials, although every operation requires them.
    assert_rejected(
        &server,
        "no Authorization header",
        request("GET", &integrations(GROUP_ID, ""), &[accept], ""),
        401,
        &["request"],
        Value::from(401),
        "Invalid security scheme used",
    );
}

/// Every kind of integration twice: once with its required fields only, once with every field a
/// client may send.
fn integration_bodies() -> Vec<(&'static str, ThirdPartyIntegration)> {
    let mut pager_duty = PagerDuty::new("0123456789abcdef0123456789abcdef");
    pager_duty.region = Some(PagerDutyRegion::Eu);

    let mut slack = Slack::new("xoxb-0123456789-abcdefghij", "alerts".to_owned());
    slack.team_name = Some("MongoDB".to_owned());
    let longest_channel = "c".repeat(80);

    let mut datadog = Datadog::new("0123456789abcdef0123456789abcdef");
    datadog.region = Some(DatadogRegion::Us1Fed);
    datadog.send_collection_latency_metrics = Some(true);
    datadog.send_database_metrics = Some(false);
    datadog.send_query_stats_metrics = Some(true);
    datadog.send_user_provided_resource_tags = Some(true);

    let new_relic = || {
        NewRelic::new(
            "bcc3c81b344a6030a3935c2527e2216535af7718",
            "bc3768f44193c282b2688ab39e00f8e4fc8d75ea",
            "193c96aee4a3ac640b98634562e2631f17ae0a69",
            "a67b10e5cd7f8fb6a34b501136c409f373edc218",
        )
    };

    let mut ops_genie = OpsGenie::new("0123456789abcdef0123456789abcdef");
    ops_genie.region = Some(OpsGenieRegion::Eu);

    let mut victor_ops = VictorOps::new("0123456789abcdef0123456789abcdef");
    victor_ops.routing_key = Some("database team".to_owned());

    let mut webhook = Webhook::new("https://alerts.example.com/atlas");
    webhook.secret = Some("shared-secret".into());

    let mut prometheus = Prometheus::new(true, PrometheusServiceDiscovery::File, "prom_user");
    prometheus.password = Some("prometheus-password".into());
    prometheus.send_user_provided_resource_tags_enabled = Some(true);

    vec![
        (
            "PagerDuty, required fields",
            PagerDuty::new("0123456789abcdef0123456789abcdef").into(),
        ),
        ("PagerDuty, every field", pager_duty.into()),
        (
            "Slack, required fields",
            Slack::new("xoxb-0123456789-abcdefghij", "a".to_owned()).into(),
        ),
        ("Slack, every field", slack.into()),
        (
            "Slack, 80-character channel",
            Slack::new("xoxb-0123456789-abcdefghij", longest_channel).into(),
        ),
        (
            "Datadog, required fields",
            Datadog::new("0123456789abcdef0123456789abcdef").into(),
        ),
        ("Datadog, every field", datadog.into()),
        ("NewRelic, every field", new_relic().into()),
        (
            "OpsGenie, required fields",
            OpsGenie::new("0123456789abcdef0123456789abcdef").into(),
        ),
        ("OpsGenie, every field", ops_genie.into()),
        (
            "VictorOps, required fields",
            VictorOps::new("0123456789abcdef0123456789abcdef").into(),
        ),
        ("VictorOps, every field", victor_ops.into()),
        (
            "Webhook, required fields",
            Webhook::new("https://alerts.example.com/atlas").into(),
        ),
        ("Webhook, every field", webhook.into()),
        (
            "Prometheus, required fields",
            Prometheus::new(false, PrometheusServiceDiscovery::Http, "prom_user").into(),
        ),
        ("Prometheus, every field", prometheus.into()),
        (
            "MicrosoftTeams, every field",
            MicrosoftTeams::new("https://example.webhook.office.com/webhookb2/0123").into(),
        ),
    ]
}

/// Every integration type the path accepts.
fn integration_types() -> Vec<IntegrationType> {
    vec![
        IntegrationType::PagerDuty,
        IntegrationType::Slack,
        IntegrationType::Datadog,
        IntegrationType::NewRelic,
        IntegrationType::OpsGenie,
        IntegrationType::VictorOps,
        IntegrationType::Webhook,
        IntegrationType::HipChat,
        IntegrationType::Prometheus,
        IntegrationType::MicrosoftTeams,
    ]
}

/// What a builder's `build()` returns.
type Built = Result<http::Request<codegen_tests::runtime::Body>, RequestError>;

/// The request of every builder, each named by its operation and inputs.
fn builder_requests() -> Vec<(String, Built)> {
    let mut requests = vec![
        (
            "listThirdPartyIntegrations".to_owned(),
            ListThirdPartyIntegrations::new(GROUP_ID).build(),
        ),
        (
            "listThirdPartyIntegrations with every query parameter".to_owned(),
            ListThirdPartyIntegrations::new(GROUP_ID)
                .items_per_page(50)
                .page_num(2)
                .include_count(false)
                .envelope(true)
                .pretty(true)
                .build(),
        ),
        (
            "listThirdPartyIntegrations with the largest page".to_owned(),
            ListThirdPartyIntegrations::new(GROUP_ID)
                .items_per_page(500)
                .page_num(1)
                .include_count(true)
                .envelope(false)
                .pretty(false)
                .build(),
        ),
    ];
    for kind in integration_types() {
        let name = kind.as_str().to_owned();
        requests.push((
            format!("getThirdPartyIntegration {name}"),
            GetThirdPartyIntegration::new(GROUP_ID, kind.clone()).build(),
        ));
        requests.push((
            format!("getThirdPartyIntegration {name} with every query parameter"),
            GetThirdPartyIntegration::new(GROUP_ID, kind.clone())
                .envelope(true)
                .pretty(true)
                .build(),
        ));
        requests.push((
            format!("deleteThirdPartyIntegration {name}"),
            DeleteThirdPartyIntegration::new(GROUP_ID, kind.clone()).build(),
        ));
        requests.push((
            format!("deleteThirdPartyIntegration {name} with every query parameter"),
            DeleteThirdPartyIntegration::new(GROUP_ID, kind)
                .envelope(false)
                .pretty(true)
                .build(),
        ));
    }
    for (kind, body) in integration_bodies() {
        requests.push((
            format!("createThirdPartyIntegration ({kind})"),
            CreateThirdPartyIntegration::new(GROUP_ID, body.clone()).build(),
        ));
        requests.push((
            format!("createThirdPartyIntegration ({kind}) with every query parameter"),
            CreateThirdPartyIntegration::new(GROUP_ID, body.clone())
                .envelope(true)
                .include_count(false)
                .items_per_page(1)
                .page_num(3)
                .pretty(true)
                .build(),
        ));
        requests.push((
            format!("updateThirdPartyIntegration ({kind})"),
            UpdateThirdPartyIntegration::new(GROUP_ID, body.clone()).build(),
        ));
        requests.push((
            format!("updateThirdPartyIntegration ({kind}) with every query parameter"),
            UpdateThirdPartyIntegration::new(GROUP_ID, body)
                .envelope(false)
                .include_count(true)
                .items_per_page(500)
                .page_num(1)
                .pretty(false)
                .build(),
        ));
    }
    requests
}

/// For a create or update, checks what Prism cannot: that the path names the body's `type`.
fn path_matches_body(request: &http::Request<codegen_tests::runtime::Body>) -> Result<(), String> {
    if request.body().is_empty() {
        return Ok(());
    }
    let body: Value =
        serde_json::from_slice(request.body()).map_err(|e| format!("the body is not JSON: {e}"))?;
    let kind = body
        .get("type")
        .and_then(Value::as_str)
        .ok_or("the body has no string `type`")?;
    let last = request.uri().path().rsplit('/').next().unwrap_or_default();
    if last == kind {
        Ok(())
    } else {
        Err(format!(
            "the path names `{last}` but the body's type is `{kind}`"
        ))
    }
}

#[test]
fn builder_requests_pass_prism() {
    let requests = builder_requests();
    // Nine kinds, each created and updated with and without the query parameters.
    assert!(
        requests.len() > 9 * 4,
        "too few requests: {}",
        requests.len()
    );

    let server = start();
    let mut failures = Vec::new();
    for (operation, built) in requests {
        let mut request = match built {
            Ok(request) => request,
            Err(e) => {
                failures.push(format!("{operation}: build() failed: {e}"));
                continue;
            }
        };
        // The builders leave credentials to the client that sends the request.
        request.headers_mut().insert(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_static(AUTHORIZATION),
        );
        if let Err(problem) = path_matches_body(&request) {
            failures.push(format!(
                "{operation}: {problem}\n--- request ---\n{}",
                describe_request(&request)
            ));
        }
        let (reply, transcript) = exchange(&server, request);
        if !reply.is_accepted() {
            failures.push(format!(
                "{operation}: Prism rejected the request\n{transcript}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} builder request(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
