#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Behaviour of the request builders in `atlas_integrations::operations`, driven as a user of the
//! crate would: the exact requests they build, how every documented and undocumented response
//! decodes, both envelope forms, the checks made before anything is sent, the guard against
//! sending masked credentials back, and that no response body can make decoding panic.

use std::time::Duration;

use atlas_integrations::operations::{
    CreateThirdPartyIntegration, CreateThirdPartyIntegrationError, DeleteThirdPartyIntegration,
    DeleteThirdPartyIntegrationError, GetThirdPartyIntegration, GetThirdPartyIntegrationError,
    ListThirdPartyIntegrations, ListThirdPartyIntegrationsError, UpdateThirdPartyIntegration,
    UpdateThirdPartyIntegrationError,
};
use atlas_integrations::runtime::{
    Constraint, Operation, RateLimit, ReadBackSecrets, RequestError, ResponseParts, Secret,
    UnknownVariant, Validation, Violation,
};
use atlas_integrations::types::{
    ApiError, Datadog, DatadogRegion, IntegrationType, Link, MicrosoftTeams, NewRelic, OpsGenie,
    PagerDuty, PagerDutyRegion, PaginatedIntegrationView, Prometheus, PrometheusServiceDiscovery,
    Slack, ThirdPartyIntegration, VictorOps, Webhook,
};
use http::{Method, StatusCode};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Test data and helpers
// ---------------------------------------------------------------------------------------------

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const BASE: &str = "/api/atlas/v1.0/groups/32b6e34b3d91647abb20e7b8/integrations";
const HEX40: &str = "bcc3c81b344a6030a3935c2527e2216535af7718";

const DATADOG_READ: &str = r#"{"id":"5a0a1e7e0f2912c554080adc","type":"DATADOG","apiKey":"****************************a23c","region":"US","sendDatabaseMetrics":true}"#;
const PAGE: &str = r#"{"links":[{"href":"https://cloud.mongodb.com/api/atlas","rel":"self"}],"results":[{"id":"32b6e34b3d91647abb20e7b8","type":"PAGER_DUTY","region":"US","serviceKey":"****************************7890"}],"totalCount":1}"#;
const HIP_CHAT: &str =
    r#"{"id":"abc","type":"HIP_CHAT","notificationToken":"tok-123","roomName":"ops"}"#;

fn response(status: u16, body: impl Into<Vec<u8>>) -> http::Response<Vec<u8>> {
    response_with(status, &[], body)
}

fn response_with(
    status: u16,
    headers: &[(&str, &str)],
    body: impl Into<Vec<u8>>,
) -> http::Response<Vec<u8>> {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.into()).unwrap()
}

fn api_error_json(status: u16, code: &str) -> String {
    json!({
        "error": status,
        "detail": format!("detail of {code}"),
        "reason": StatusCode::from_u16(status).unwrap().canonical_reason().unwrap_or(""),
        "errorCode": code,
    })
    .to_string()
}

fn expected_api_error(status: u16, code: &str) -> ApiError {
    let mut error = ApiError::new(i32::from(status), code);
    error.detail = Some(format!("detail of {code}"));
    error.reason = Some(
        StatusCode::from_u16(status)
            .unwrap()
            .canonical_reason()
            .unwrap_or("")
            .to_owned(),
    );
    error
}

/// The page that `PAGE` decodes to.
fn expected_page() -> PaginatedIntegrationView {
    let mut pager_duty = PagerDuty::new("****************************7890");
    pager_duty.id = Some(GROUP.to_owned());
    pager_duty.region = Some(PagerDutyRegion::Us);
    let mut link = Link::new();
    link.href = Some("https://cloud.mongodb.com/api/atlas".to_owned());
    link.rel = Some("self".to_owned());
    let mut page = PaginatedIntegrationView::new(vec![pager_duty.into()]);
    page.links = Some(vec![link]);
    page.total_count = Some(1);
    page
}

/// The integration that `DATADOG_READ` decodes to.
fn expected_datadog() -> ThirdPartyIntegration {
    let mut datadog = Datadog::new("****************************a23c");
    datadog.id = Some("5a0a1e7e0f2912c554080adc".to_owned());
    datadog.region = Some(DatadogRegion::Us);
    datadog.send_database_metrics = Some(true);
    datadog.into()
}

fn decoded(json: &str) -> ThirdPartyIntegration {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("failed to decode ({e}): {json}"))
}

/// Method, path and query, every header (sorted), and the body of a built request.
#[derive(Debug, PartialEq)]
struct Wire {
    method: Method,
    uri: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn wire(request: http::Request<codegen_tests::runtime::Body>) -> Wire {
    assert_eq!(
        request.uri().scheme(),
        None,
        "the URI holds path and query only"
    );
    assert_eq!(
        request.uri().host(),
        None,
        "the URI holds path and query only"
    );
    let mut headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    let uri = request.uri().path_and_query().unwrap().as_str().to_owned();
    let (parts, body) = request.into_parts();
    Wire {
        method: parts.method,
        uri,
        headers,
        body: body.into_vec(),
    }
}

fn accept_only() -> Vec<(String, String)> {
    vec![("accept".to_owned(), "application/json".to_owned())]
}

fn accept_and_content_type() -> Vec<(String, String)> {
    vec![
        ("accept".to_owned(), "application/json".to_owned()),
        ("content-type".to_owned(), "application/json".to_owned()),
    ]
}

fn body_json(wire: &Wire) -> Value {
    serde_json::from_slice(&wire.body).unwrap()
}

fn violations(
    result: Result<http::Request<codegen_tests::runtime::Body>, RequestError>,
) -> Vec<(String, Constraint)> {
    match result {
        Err(RequestError::Invalid(violations)) => violations
            .into_iter()
            .map(|Violation { field, constraint }| (field, constraint))
            .collect(),
        Err(other) => panic!("expected invalid values, got {other:?}"),
        Ok(request) => panic!("expected invalid values, but built {request:?}"),
    }
}

fn read_back(
    result: Result<http::Request<codegen_tests::runtime::Body>, RequestError>,
) -> Vec<String> {
    match result {
        Err(RequestError::ReadBackSecrets(ReadBackSecrets { fields })) => fields,
        Err(other) => panic!("expected read-back secrets, got {other:?}"),
        Ok(request) => panic!("expected read-back secrets, but built {request:?}"),
    }
}

fn v(field: &str, constraint: Constraint) -> (String, Constraint) {
    (field.to_owned(), constraint)
}

const GROUP_PATTERN: Constraint = Constraint::Pattern("^([a-f0-9]{24})$");

/// An operation error, flattened so that every operation's errors compare the same way.
#[derive(Debug, PartialEq)]
enum Outcome {
    Documented {
        variant: &'static str,
        status: u16,
        error: ApiError,
    },
    Undocumented {
        status: u16,
        body: Vec<u8>,
    },
    Decode {
        status: u16,
        path: String,
        offset: Option<usize>,
        message: String,
        body: Vec<u8>,
    },
}

trait Classify {
    fn classify(self) -> Outcome;
}

/// Implements [`Classify`] for an error enum. Error enums are `#[non_exhaustive]` (a new
/// documented status is a new variant), so a variant the list leaves out fails the test that meets
/// it.
macro_rules! classify {
    ($error:ident: $($variant:ident),+) => {
        impl Classify for $error {
            fn classify(self) -> Outcome {
                match self {
                    $($error::$variant(inner) => Outcome::Documented {
                        variant: stringify!($variant),
                        status: inner.status.as_u16(),
                        error: inner.body,
                    },)+
                    $error::Undocumented(raw) => Outcome::Undocumented {
                        status: raw.status.as_u16(),
                        body: raw.body.into_vec(),
                    },
                    $error::Decode(error) => Outcome::Decode {
                        status: error.status.as_u16(),
                        path: error.path,
                        offset: error.offset,
                        message: error.message,
                        body: error.body.into_vec(),
                    },
                    other => panic!("a variant the test does not list: {other:?}"),
                }
            }
        }
    };
}

classify!(ListThirdPartyIntegrationsError: BadRequest, Unauthorized, Forbidden, NotFound, InternalServerError);
classify!(GetThirdPartyIntegrationError: BadRequest, Unauthorized, Forbidden, NotFound, InternalServerError);
classify!(CreateThirdPartyIntegrationError: BadRequest, Unauthorized, Forbidden, NotFound, Conflict, InternalServerError);
classify!(UpdateThirdPartyIntegrationError: BadRequest, Unauthorized, Forbidden, NotFound, InternalServerError);
classify!(DeleteThirdPartyIntegrationError: BadRequest, Unauthorized, Forbidden, NotFound, InternalServerError);

/// Parses `response` with `op` and flattens any error.
#[allow(
    clippy::result_large_err,
    reason = "a test helper whose errors are compared whole, as the operations return them"
)]
fn outcome<O: Operation>(op: &O, response: http::Response<Vec<u8>>) -> Result<O::Output, Outcome>
where
    O::Error: Classify,
{
    op.parse_response(response).map_err(Classify::classify)
}

fn expect_err<T: std::fmt::Debug>(result: Result<T, Outcome>) -> Outcome {
    match result {
        Ok(value) => panic!("expected an error, decoded {value:?}"),
        Err(outcome) => outcome,
    }
}

fn create_datadog() -> CreateThirdPartyIntegration {
    CreateThirdPartyIntegration::new(GROUP, Datadog::new("abc"))
}

fn update_datadog() -> UpdateThirdPartyIntegration {
    UpdateThirdPartyIntegration::new(GROUP, Datadog::new("abc"))
}

/// One value of each of the nine documented kinds, with the type segment each must produce.
fn all_kinds() -> Vec<(ThirdPartyIntegration, &'static str)> {
    vec![
        (PagerDuty::new("pd-service-key").into(), "PAGER_DUTY"),
        (
            Slack::new("xoxb-token", "alerts".to_owned()).into(),
            "SLACK",
        ),
        (Datadog::new("dd-api-key").into(), "DATADOG"),
        (
            NewRelic::new(HEX40, HEX40, "read-token", "write-token").into(),
            "NEW_RELIC",
        ),
        (OpsGenie::new("og-api-key").into(), "OPS_GENIE"),
        (VictorOps::new("vo-api-key").into(), "VICTOR_OPS"),
        (Webhook::new("https://example.com/hook").into(), "WEBHOOK"),
        (
            Prometheus::new(true, PrometheusServiceDiscovery::Http, "prom").into(),
            "PROMETHEUS",
        ),
        (
            MicrosoftTeams::new("https://example.com/teams").into(),
            "MICROSOFT_TEAMS",
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// 1. The exact requests the builders write.
// ---------------------------------------------------------------------------------------------

#[test]
fn list_sends_a_bare_get_by_default() {
    let wire = wire(ListThirdPartyIntegrations::new(GROUP).build().unwrap());
    assert_eq!(
        wire,
        Wire {
            method: Method::GET,
            uri: BASE.to_owned(),
            headers: accept_only(),
            body: Vec::new(),
        }
    );
}

#[test]
fn list_writes_only_the_query_parameters_set_in_the_documents_order() {
    let request = ListThirdPartyIntegrations::new(GROUP)
        .items_per_page(50)
        .page_num(2)
        .build()
        .unwrap();
    assert_eq!(
        wire(request).uri,
        format!("{BASE}?itemsPerPage=50&pageNum=2")
    );

    // The order of the setter calls does not matter.
    let request = ListThirdPartyIntegrations::new(GROUP)
        .page_num(2)
        .items_per_page(50)
        .build()
        .unwrap();
    assert_eq!(
        wire(request).uri,
        format!("{BASE}?itemsPerPage=50&pageNum=2")
    );

    let request = ListThirdPartyIntegrations::new(GROUP)
        .pretty(false)
        .envelope(true)
        .page_num(3)
        .items_per_page(500)
        .include_count(true)
        .build()
        .unwrap();
    assert_eq!(
        wire(request),
        Wire {
            method: Method::GET,
            uri: format!(
                "{BASE}?includeCount=true&itemsPerPage=500&pageNum=3&envelope=true&pretty=false"
            ),
            headers: accept_only(),
            body: Vec::new(),
        }
    );

    let request = ListThirdPartyIntegrations::new(GROUP)
        .include_count(false)
        .build()
        .unwrap();
    assert_eq!(wire(request).uri, format!("{BASE}?includeCount=false"));
}

#[test]
fn get_names_the_integration_type_in_the_path() {
    let wire_form = wire(
        GetThirdPartyIntegration::new(GROUP, IntegrationType::Datadog)
            .build()
            .unwrap(),
    );
    assert_eq!(
        wire_form,
        Wire {
            method: Method::GET,
            uri: format!("{BASE}/DATADOG"),
            headers: accept_only(),
            body: Vec::new(),
        }
    );

    let request = GetThirdPartyIntegration::new(GROUP, IntegrationType::HipChat)
        .pretty(true)
        .envelope(true)
        .build()
        .unwrap();
    assert_eq!(
        wire(request).uri,
        format!("{BASE}/HIP_CHAT?envelope=true&pretty=true")
    );
}

#[test]
fn path_parameters_are_percent_encoded() {
    // The enum has no pattern, so a value this version does not know passes the checks and is
    // encoded as one segment.
    let request = GetThirdPartyIntegration::new(GROUP, IntegrationType::Unknown("A/B".to_owned()))
        .build()
        .unwrap();
    assert_eq!(wire(request).uri, format!("{BASE}/A%2FB"));

    let request = DeleteThirdPartyIntegration::new(GROUP, IntegrationType::from("NEW KIND?"))
        .build()
        .unwrap();
    assert_eq!(wire(request).uri, format!("{BASE}/NEW%20KIND%3F"));

    // A group id with a slash never reaches the path: it breaks the pattern.
    let sneaky = "32b6e34b3d91647abb20e7b8/../x";
    assert_eq!(
        violations(ListThirdPartyIntegrations::new(sneaky).build()),
        [v("groupId", GROUP_PATTERN)]
    );
    assert_eq!(
        violations(GetThirdPartyIntegration::new(sneaky, IntegrationType::Slack).build()),
        [v("groupId", GROUP_PATTERN)]
    );
}

#[test]
fn create_posts_the_body_as_json() {
    let wire_form = wire(create_datadog().build().unwrap());
    assert_eq!(wire_form.method, Method::POST);
    assert_eq!(wire_form.uri, format!("{BASE}/DATADOG"));
    assert_eq!(wire_form.headers, accept_and_content_type());
    assert_eq!(
        String::from_utf8(wire_form.body).unwrap(),
        r#"{"type":"DATADOG","apiKey":"abc"}"#
    );

    let request = CreateThirdPartyIntegration::new(GROUP, Datadog::new("abc"))
        .pretty(true)
        .page_num(1)
        .items_per_page(10)
        .include_count(true)
        .envelope(false)
        .build()
        .unwrap();
    assert_eq!(
        wire(request).uri,
        format!(
            "{BASE}/DATADOG?envelope=false&includeCount=true&itemsPerPage=10&pageNum=1&pretty=true"
        )
    );
}

#[test]
fn create_sends_a_null_for_a_slack_channel_left_unset() {
    let wire = wire(
        CreateThirdPartyIntegration::new(GROUP, Slack::new("xoxb-1", None))
            .build()
            .unwrap(),
    );
    assert_eq!(
        body_json(&wire),
        json!({"type": "SLACK", "apiToken": "xoxb-1", "channelName": null})
    );
}

#[test]
fn update_puts_the_body_as_json() {
    let mut slack = Slack::new("xoxb-1", "alerts".to_owned());
    slack.team_name = Some("MongoDB".to_owned());
    let wire_form = wire(
        UpdateThirdPartyIntegration::new(GROUP, slack)
            .items_per_page(20)
            .envelope(true)
            .build()
            .unwrap(),
    );
    assert_eq!(wire_form.method, Method::PUT);
    assert_eq!(
        wire_form.uri,
        format!("{BASE}/SLACK?envelope=true&itemsPerPage=20")
    );
    assert_eq!(wire_form.headers, accept_and_content_type());
    assert_eq!(
        body_json(&wire_form),
        json!({"type": "SLACK", "apiToken": "xoxb-1", "channelName": "alerts", "teamName": "MongoDB"})
    );
}

#[test]
fn delete_sends_no_body_and_no_content_type() {
    let wire_form = wire(
        DeleteThirdPartyIntegration::new(GROUP, IntegrationType::PagerDuty)
            .build()
            .unwrap(),
    );
    assert_eq!(
        wire_form,
        Wire {
            method: Method::DELETE,
            uri: format!("{BASE}/PAGER_DUTY"),
            headers: accept_only(),
            body: Vec::new(),
        }
    );
    let request = DeleteThirdPartyIntegration::new(GROUP, IntegrationType::PagerDuty)
        .envelope(true)
        .build()
        .unwrap();
    assert_eq!(
        wire(request).uri,
        format!("{BASE}/PAGER_DUTY?envelope=true")
    );
}

// ---------------------------------------------------------------------------------------------
// 2. The path cannot contradict the body.
// ---------------------------------------------------------------------------------------------

#[test]
fn create_and_update_take_the_type_segment_from_the_body() {
    for (body, segment) in all_kinds() {
        assert!(
            !matches!(IntegrationType::from(segment), IntegrationType::Unknown(_)),
            "{segment} is a documented integration type"
        );
        let create = wire(
            CreateThirdPartyIntegration::new(GROUP, body.clone())
                .build()
                .unwrap(),
        );
        let update = wire(
            UpdateThirdPartyIntegration::new(GROUP, body.clone())
                .build()
                .unwrap(),
        );
        for (method, wire) in [(Method::POST, create), (Method::PUT, update)] {
            assert_eq!(wire.method, method);
            assert_eq!(wire.uri, format!("{BASE}/{segment}"), "{method} {segment}");
            assert_eq!(
                body_json(&wire)["type"],
                json!(segment),
                "{method} {segment}"
            );
            assert_eq!(body_json(&wire), serde_json::to_value(&body).unwrap());
        }
    }
}

#[test]
fn an_unknown_kind_keeps_its_own_type_in_the_path_and_the_body() {
    let ThirdPartyIntegration::Unknown(hip_chat) = decoded(HIP_CHAT) else {
        panic!("HIP_CHAT is not a kind this version maps");
    };
    let hip_chat = ThirdPartyIntegration::Unknown(hip_chat.resend_read_values());
    for wire in [
        wire(
            CreateThirdPartyIntegration::new(GROUP, hip_chat.clone())
                .build()
                .unwrap(),
        ),
        wire(
            UpdateThirdPartyIntegration::new(GROUP, hip_chat)
                .build()
                .unwrap(),
        ),
    ] {
        assert_eq!(wire.uri, format!("{BASE}/HIP_CHAT"));
        assert_eq!(
            body_json(&wire),
            serde_json::from_str::<Value>(HIP_CHAT).unwrap()
        );
    }

    // A type read from a response is one path segment, whatever it holds. Without strings
    // beside the tag, nothing in it can be a masked credential.
    let odd = decoded(r#"{"type":"A/B ?","x":1}"#);
    for request in [
        CreateThirdPartyIntegration::new(GROUP, odd.clone()).build(),
        UpdateThirdPartyIntegration::new(GROUP, odd).build(),
    ] {
        let wire = wire(request.unwrap());
        assert_eq!(wire.uri, format!("{BASE}/A%2FB%20%3F"));
        assert_eq!(body_json(&wire), json!({"type": "A/B ?", "x": 1}));
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Every documented status decodes to its own variant.
// ---------------------------------------------------------------------------------------------

#[test]
fn successful_responses_decode_to_the_documented_output() {
    assert_eq!(
        outcome(&ListThirdPartyIntegrations::new(GROUP), response(200, PAGE)).unwrap(),
        expected_page()
    );
    assert_eq!(
        outcome(
            &GetThirdPartyIntegration::new(GROUP, IntegrationType::Datadog),
            response(200, DATADOG_READ)
        )
        .unwrap(),
        expected_datadog()
    );
    assert_eq!(
        outcome(&create_datadog(), response(200, PAGE)).unwrap(),
        expected_page()
    );
    assert_eq!(
        outcome(&update_datadog(), response(200, PAGE)).unwrap(),
        expected_page()
    );
    let delete = DeleteThirdPartyIntegration::new(GROUP, IntegrationType::Datadog);
    assert_eq!(outcome(&delete, response(204, "")).unwrap(), ());
}

#[test]
fn decoded_credentials_are_marked_as_read_back() {
    let page = ListThirdPartyIntegrations::new(GROUP)
        .parse_response(response(200, PAGE))
        .unwrap();
    let ThirdPartyIntegration::PagerDuty(pager_duty) = &page.results[0] else {
        panic!("expected PagerDuty, got {:?}", page.results[0]);
    };
    assert!(pager_duty.service_key.is_read_back());
    assert_eq!(
        pager_duty.service_key.expose(),
        "****************************7890"
    );
}

const ERROR_STATUSES: [(u16, &str, &str); 6] = [
    (400, "BadRequest", "INVALID_PARAMETER"),
    (401, "Unauthorized", "NOT_ORG_GROUP_CREATOR"),
    (403, "Forbidden", "USER_CANNOT_ACCESS_ORG"),
    (404, "NotFound", "INTEGRATION_NOT_FOUND"),
    (409, "Conflict", "INTEGRATION_ALREADY_CONFIGURED"),
    (500, "InternalServerError", "UNEXPECTED_ERROR"),
];

/// Checks every status of `ERROR_STATUSES` against one operation: documented ones decode to their
/// variant with the body, the others are kept whole as undocumented.
fn check_error_statuses<O: Operation>(name: &str, op: &O, documented: &[u16])
where
    O::Error: Classify,
    O::Output: std::fmt::Debug,
{
    for (status, variant, code) in ERROR_STATUSES {
        let body = api_error_json(status, code);
        let got = expect_err(outcome(op, response(status, body.clone())));
        let want = if documented.contains(&status) {
            Outcome::Documented {
                variant,
                status,
                error: expected_api_error(status, code),
            }
        } else {
            Outcome::Undocumented {
                status,
                body: body.into_bytes(),
            }
        };
        assert_eq!(got, want, "{name} answered {status}");
    }
}

#[test]
fn every_documented_error_status_decodes_to_its_variant() {
    let common = [400, 401, 403, 404, 500];
    check_error_statuses("list", &ListThirdPartyIntegrations::new(GROUP), &common);
    check_error_statuses(
        "get",
        &GetThirdPartyIntegration::new(GROUP, IntegrationType::Datadog),
        &common,
    );
    check_error_statuses("create", &create_datadog(), &[400, 401, 403, 404, 409, 500]);
    check_error_statuses("update", &update_datadog(), &common);
    check_error_statuses(
        "delete",
        &DeleteThirdPartyIntegration::new(GROUP, IntegrationType::Datadog),
        &common,
    );
}

#[test]
fn a_conflict_is_documented_for_create_only() {
    let body = api_error_json(409, "DUPLICATE_INTEGRATION");
    match create_datadog().parse_response(response(409, body.clone())) {
        Err(CreateThirdPartyIntegrationError::Conflict(conflict)) => {
            assert_eq!(conflict.status, StatusCode::CONFLICT);
            assert_eq!(conflict.body.error_code, "DUPLICATE_INTEGRATION");
        }
        other => panic!("expected Conflict, got {other:?}"),
    }
    match update_datadog().parse_response(response(409, body.clone())) {
        Err(UpdateThirdPartyIntegrationError::Undocumented(raw)) => {
            assert_eq!(raw.status, StatusCode::CONFLICT);
            assert_eq!(raw.body, body.as_bytes());
        }
        other => panic!("expected Undocumented, got {other:?}"),
    }
}

#[test]
fn successes_at_the_wrong_status_are_undocumented() {
    let delete = DeleteThirdPartyIntegration::new(GROUP, IntegrationType::Datadog);
    assert_eq!(
        expect_err(outcome(&delete, response(200, "{}"))),
        Outcome::Undocumented {
            status: 200,
            body: b"{}".to_vec(),
        }
    );
    assert_eq!(
        expect_err(outcome(
            &ListThirdPartyIntegrations::new(GROUP),
            response(204, "")
        )),
        Outcome::Undocumented {
            status: 204,
            body: Vec::new(),
        }
    );
    assert_eq!(
        expect_err(outcome(&create_datadog(), response(201, PAGE))),
        Outcome::Undocumented {
            status: 201,
            body: PAGE.as_bytes().to_vec(),
        }
    );
}

#[test]
fn an_error_displays_its_status_code_and_detail() {
    let body = r#"{"error":404,"reason":"Not Found","errorCode":"INTEGRATION_NOT_FOUND","detail":"No DATADOG integration in project 32b6e34b3d91647abb20e7b8."}"#;
    let error = GetThirdPartyIntegration::new(GROUP, IntegrationType::Datadog)
        .parse_response(response(404, body))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "404 Not Found INTEGRATION_NOT_FOUND: No DATADOG integration in project 32b6e34b3d91647abb20e7b8."
    );
    assert_eq!(error.status(), StatusCode::NOT_FOUND);

    // Without a detail, the code alone.
    let error = ListThirdPartyIntegrations::new(GROUP)
        .parse_response(response(401, r#"{"error":401,"errorCode":"UNAUTHORIZED"}"#))
        .unwrap_err();
    assert_eq!(error.to_string(), "401 Unauthorized UNAUTHORIZED");

    let error: &dyn std::error::Error = &error;
    assert!(error.source().is_none());
}

// ---------------------------------------------------------------------------------------------
// 4. Undocumented statuses, Retry-After and rate limits.
// ---------------------------------------------------------------------------------------------

fn check_undocumented<O: Operation>(name: &str, op: &O)
where
    O::Error: ResponseParts + Classify + std::fmt::Display,
    O::Output: std::fmt::Debug,
{
    for status in [418, 503] {
        let make = || {
            response_with(
                status,
                &[("Retry-After", "30"), ("Content-Type", "text/plain")],
                "come back later",
            )
        };
        let error = op.parse_response(make()).unwrap_err();
        assert_eq!(error.status().as_u16(), status, "{name}");
        assert_eq!(error.retry_after(), Some(Duration::from_secs(30)), "{name}");
        assert_eq!(error.headers()["content-type"], "text/plain", "{name}");
        assert_eq!(error.headers().len(), 2, "{name}");
        assert_eq!(error.rate_limit(), RateLimit::default(), "{name}");
        let reason = StatusCode::from_u16(status).unwrap();
        assert_eq!(
            error.to_string(),
            format!("undocumented status {reason}"),
            "{name}"
        );
        assert_eq!(
            expect_err(outcome(op, make())),
            Outcome::Undocumented {
                status,
                body: b"come back later".to_vec(),
            },
            "{name}"
        );
    }
}

#[test]
fn undocumented_statuses_keep_the_whole_response() {
    check_undocumented("list", &ListThirdPartyIntegrations::new(GROUP));
    check_undocumented(
        "get",
        &GetThirdPartyIntegration::new(GROUP, IntegrationType::Slack),
    );
    check_undocumented("create", &create_datadog());
    check_undocumented("update", &update_datadog());
    check_undocumented(
        "delete",
        &DeleteThirdPartyIntegration::new(GROUP, IntegrationType::Slack),
    );
}

#[test]
fn rate_limit_headers_are_exposed() {
    let too_many = response_with(
        429,
        &[
            ("RateLimit-Limit", "100"),
            ("RateLimit-Remaining", "0"),
            ("RateLimit-Reset", "42"),
            ("Retry-After", "42"),
        ],
        api_error_json(429, "RATE_LIMITED"),
    );
    let error = ListThirdPartyIntegrations::new(GROUP)
        .parse_response(too_many)
        .unwrap_err();
    assert!(
        matches!(error, ListThirdPartyIntegrationsError::Undocumented(_)),
        "{error:?}"
    );
    assert_eq!(
        error.rate_limit(),
        RateLimit {
            limit: Some(100),
            remaining: Some(0),
            reset: Some(42),
        }
    );
    assert_eq!(error.retry_after(), Some(Duration::from_secs(42)));

    // A header that is not a number reads as absent.
    let partial = response_with(
        429,
        &[("RateLimit-Limit", "lots"), ("RateLimit-Remaining", " 7 ")],
        "",
    );
    let error = ListThirdPartyIntegrations::new(GROUP)
        .parse_response(partial)
        .unwrap_err();
    assert_eq!(
        error.rate_limit(),
        RateLimit {
            limit: None,
            remaining: Some(7),
            reset: None,
        }
    );
    assert_eq!(error.retry_after(), None);
}

#[test]
fn documented_errors_and_decode_failures_expose_retry_after_too() {
    let headers = [("Retry-After", "5"), ("RateLimit-Remaining", "3")];
    let error = create_datadog()
        .parse_response(response_with(
            500,
            &headers,
            api_error_json(500, "UNEXPECTED_ERROR"),
        ))
        .unwrap_err();
    assert!(
        matches!(
            error,
            CreateThirdPartyIntegrationError::InternalServerError(_)
        ),
        "{error:?}"
    );
    assert_eq!(error.retry_after(), Some(Duration::from_secs(5)));
    assert_eq!(error.rate_limit().remaining, Some(3));

    let error = create_datadog()
        .parse_response(response_with(500, &headers, "<html>busy</html>"))
        .unwrap_err();
    assert!(
        matches!(error, CreateThirdPartyIntegrationError::Decode(_)),
        "{error:?}"
    );
    assert_eq!(error.retry_after(), Some(Duration::from_secs(5)));

    // An HTTP date in the past means: retry now.
    let error = create_datadog()
        .parse_response(response_with(
            503,
            &[("Retry-After", "Thu, 01 Jan 1970 00:00:00 GMT")],
            "",
        ))
        .unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::ZERO));
}

// ---------------------------------------------------------------------------------------------
// 5. Malformed and truncated JSON.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_truncated_page_reports_where_the_parser_stopped() {
    // The parser runs out of input at the end of the body, whether or not a newline ends it.
    for body in ["{\"results\": [\n", "{\"results\": ["] {
        let got = expect_err(outcome(
            &ListThirdPartyIntegrations::new(GROUP),
            response(200, body),
        ));
        let Outcome::Decode {
            status,
            path,
            offset,
            message,
            body: kept,
        } = got
        else {
            panic!("expected Decode, got {got:?}");
        };
        assert_eq!(status, 200);
        assert_eq!(path, "results");
        assert!(message.starts_with("EOF while parsing a list"), "{message}");
        assert_eq!(kept, body.as_bytes());
        assert_eq!(offset, Some(body.len()), "{body:?}");
    }
    let error = ListThirdPartyIntegrations::new(GROUP)
        .parse_response(response(200, "{\"results\": ["))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot decode the 200 OK response at `results` (byte 13): EOF while parsing a list at line 1 column 13"
    );
}

#[test]
fn trailing_bytes_after_a_page_are_an_error() {
    let body = r#"{"results": []} x"#;
    let got = expect_err(outcome(
        &ListThirdPartyIntegrations::new(GROUP),
        response(200, body),
    ));
    let Outcome::Decode {
        path,
        offset,
        message,
        ..
    } = got
    else {
        panic!("expected Decode, got {got:?}");
    };
    assert_eq!(path, ".");
    // At the `x` (byte 16), or just past it.
    assert!(matches!(offset, Some(16 | 17)), "{offset:?}");
    assert!(message.starts_with("trailing characters"), "{message}");
}

#[test]
fn a_result_without_its_required_field_is_named_by_its_path() {
    let body =
        r#"{"results":[{"type":"DATADOG","apiKey":"****a23c"},{"type":"DATADOG","region":"EU"}]}"#;
    for op in [
        outcome(&ListThirdPartyIntegrations::new(GROUP), response(200, body)).map(drop),
        outcome(&create_datadog(), response(200, body)).map(drop),
        outcome(&update_datadog(), response(200, body)).map(drop),
    ] {
        let got = expect_err(op);
        let Outcome::Decode {
            status,
            path,
            message,
            body: kept,
            offset,
        } = got
        else {
            panic!("expected Decode, got {got:?}");
        };
        assert_eq!(status, 200);
        assert_eq!(path, "results[1]");
        assert!(message.starts_with("missing field `apiKey`"), "{message}");
        assert!(offset.is_some());
        assert_eq!(kept, body.as_bytes());
    }

    // At the top level, for a single integration.
    let got = expect_err(outcome(
        &GetThirdPartyIntegration::new(GROUP, IntegrationType::Datadog),
        response(200, r#"{"type":"DATADOG","region":"EU"}"#),
    ));
    let Outcome::Decode { path, message, .. } = got else {
        panic!("expected Decode, got {got:?}");
    };
    assert_eq!(path, ".");
    assert!(message.starts_with("missing field `apiKey`"), "{message}");
}

#[test]
fn a_documented_error_status_with_a_body_that_is_not_json_is_a_decode_error() {
    let body = "<html><body>Bad Gateway</body></html>";
    for status in [400, 401, 403, 404, 500] {
        let got = expect_err(outcome(
            &GetThirdPartyIntegration::new(GROUP, IntegrationType::Datadog),
            response(status, body),
        ));
        let Outcome::Decode {
            status: got_status,
            path,
            offset,
            body: kept,
            ..
        } = got
        else {
            panic!("expected Decode for {status}, got {got:?}");
        };
        assert_eq!(got_status, status);
        assert_eq!(path, ".");
        // At the `<`, or just past it.
        assert!(matches!(offset, Some(0 | 1)), "{offset:?}");
        assert_eq!(kept, body.as_bytes());
    }

    // JSON, but not an ApiError: the required errorCode is missing.
    let got = expect_err(outcome(
        &create_datadog(),
        response(409, r#"{"error":409,"detail":"exists"}"#),
    ));
    let Outcome::Decode {
        status, message, ..
    } = got
    else {
        panic!("expected Decode, got {got:?}");
    };
    assert_eq!(status, 409);
    assert!(
        message.starts_with("missing field `errorCode`"),
        "{message}"
    );
}

#[test]
fn a_decode_error_displays_status_and_path() {
    let error = GetThirdPartyIntegration::new(GROUP, IntegrationType::Datadog)
        .envelope(true)
        .parse_response(response(
            200,
            r#"{"status": 200, "content": {"type": "DATADOG", "region": "EU"}}"#,
        ))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot decode the 200 OK response at `.`: missing field `apiKey`"
    );
    let error = ListThirdPartyIntegrations::new(GROUP)
        .envelope(true)
        .parse_response(response(
            200,
            r#"{"status": 200, "content": {"results": [], "totalCount": "many"}}"#,
        ))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot decode the 200 OK response at `totalCount`: invalid type: string \"…\", expected i32"
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Both envelope forms.
// ---------------------------------------------------------------------------------------------

#[test]
fn an_enveloped_integration_decodes_like_the_plain_one() {
    let plain = GetThirdPartyIntegration::new(GROUP, IntegrationType::Datadog)
        .parse_response(response(200, DATADOG_READ))
        .unwrap();
    let enveloped = GetThirdPartyIntegration::new(GROUP, IntegrationType::Datadog).envelope(true);
    assert_eq!(
        wire(enveloped.build().unwrap()).uri,
        format!("{BASE}/DATADOG?envelope=true")
    );
    let wrapped = format!(r#"{{"status": 200, "content": {DATADOG_READ}}}"#);
    let got = enveloped.parse_response(response(200, wrapped)).unwrap();
    assert_eq!(got, plain);
    assert_eq!(got, expected_datadog());

    // A server that ignores the parameter and answers plainly is still understood.
    assert_eq!(
        enveloped
            .parse_response(response(200, DATADOG_READ))
            .unwrap(),
        plain
    );
}

#[test]
fn an_enveloped_page_carries_its_status_beside_the_results() {
    let mut beside: Value = serde_json::from_str(PAGE).unwrap();
    beside["status"] = json!(200);
    let beside = beside.to_string();
    // The page keeps `status` as a key it does not declare, and sends it back.
    let without_status = |mut page: PaginatedIntegrationView| {
        assert_eq!(page.unknown_fields.keys().collect::<Vec<_>>(), ["status"]);
        assert_eq!(
            page.unknown_fields.get("status").map(|v| v.get()),
            Some("200")
        );
        page.unknown_fields.clear();
        page
    };
    for envelope in [true, false] {
        let list = ListThirdPartyIntegrations::new(GROUP).envelope(envelope);
        let page = list.parse_response(response(200, beside.clone())).unwrap();
        assert_eq!(
            serde_json::to_value(&page).unwrap(),
            serde_json::from_str::<Value>(&beside).unwrap()
        );
        assert_eq!(without_status(page), expected_page(), "envelope={envelope}");
    }
    let create = create_datadog().envelope(true);
    assert_eq!(
        without_status(create.parse_response(response(200, beside)).unwrap()),
        expected_page()
    );
}

#[test]
fn an_envelope_status_overrides_the_http_status() {
    let wrapped = format!(
        r#"{{"status": 404, "content": {}}}"#,
        api_error_json(404, "INTEGRATION_NOT_FOUND")
    );
    let get = GetThirdPartyIntegration::new(GROUP, IntegrationType::Datadog).envelope(true);
    let error = get
        .parse_response(response(200, wrapped.clone()))
        .unwrap_err();
    assert_eq!(error.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        error.to_string(),
        "404 Not Found INTEGRATION_NOT_FOUND: detail of INTEGRATION_NOT_FOUND"
    );
    match error {
        GetThirdPartyIntegrationError::NotFound(not_found) => {
            assert_eq!(
                not_found.body,
                expected_api_error(404, "INTEGRATION_NOT_FOUND")
            );
        }
        other => panic!("expected NotFound, got {other:?}"),
    }

    let list = ListThirdPartyIntegrations::new(GROUP).envelope(true);
    assert_eq!(
        expect_err(outcome(&list, response(200, wrapped))),
        Outcome::Documented {
            variant: "NotFound",
            status: 404,
            error: expected_api_error(404, "INTEGRATION_NOT_FOUND"),
        }
    );

    // A delete answered in an envelope: the inner 204 is the success.
    let delete = DeleteThirdPartyIntegration::new(GROUP, IntegrationType::Datadog).envelope(true);
    assert_eq!(
        outcome(&delete, response(200, r#"{"status": 204}"#)).unwrap(),
        ()
    );
    // And a plain 204 without a body, from a server that ignored the parameter.
    assert_eq!(outcome(&delete, response(204, "")).unwrap(), ());

    // An undocumented inner status keeps the body as received.
    let teapot = r#"{"status": 418, "content": "short and stout"}"#;
    assert_eq!(
        expect_err(outcome(&delete, response(200, teapot))),
        Outcome::Undocumented {
            status: 418,
            body: teapot.as_bytes().to_vec(),
        }
    );
}

#[test]
fn without_the_envelope_parameter_a_wrapped_body_is_not_unwrapped() {
    let wrapped = format!(r#"{{"status": 200, "content": {DATADOG_READ}}}"#);
    let got = expect_err(outcome(
        &GetThirdPartyIntegration::new(GROUP, IntegrationType::Datadog),
        response(200, wrapped.clone()),
    ));
    let Outcome::Decode {
        status,
        path,
        message,
        body,
        ..
    } = got
    else {
        panic!("expected Decode, got {got:?}");
    };
    assert_eq!(status, 200);
    assert_eq!(path, ".");
    assert!(message.starts_with("missing field `type`"), "{message}");
    assert_eq!(body, wrapped.as_bytes());

    let wrapped_page = format!(r#"{{"status": 200, "content": {PAGE}}}"#);
    let got = expect_err(outcome(
        &ListThirdPartyIntegrations::new(GROUP),
        response(200, wrapped_page),
    ));
    let Outcome::Decode { path, message, .. } = got else {
        panic!("expected Decode, got {got:?}");
    };
    assert_eq!(path, ".");
    assert!(message.starts_with("missing field `results`"), "{message}");

    // An inner 404 is not taken for the status either.
    let wrapped_error = format!(
        r#"{{"status": 404, "content": {}}}"#,
        api_error_json(404, "INTEGRATION_NOT_FOUND")
    );
    let got = expect_err(outcome(
        &ListThirdPartyIntegrations::new(GROUP),
        response(200, wrapped_error),
    ));
    assert!(
        matches!(got, Outcome::Decode { status: 200, .. }),
        "{got:?}"
    );
    let delete = DeleteThirdPartyIntegration::new(GROUP, IntegrationType::Datadog);
    assert!(
        matches!(
            expect_err(outcome(&delete, response(200, r#"{"status": 204}"#))),
            Outcome::Undocumented { status: 200, .. }
        ),
        "a plain 200 to a delete is not a 204"
    );
}

#[test]
fn an_envelope_status_that_is_not_an_http_status_is_ignored() {
    let get = GetThirdPartyIntegration::new(GROUP, IntegrationType::Datadog).envelope(true);
    for status in ["99", "1000", "65736", "-1", "200.5", "\"200\""] {
        let body = format!(r#"{{"status": {status}, "content": {DATADOG_READ}}}"#);
        let got = expect_err(outcome(&get, response(200, body)));
        assert!(
            matches!(got, Outcome::Decode { status: 200, .. }),
            "status {status}: {got:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 7. Checks made before anything is sent.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_group_id_must_be_24_lowercase_hex_digits() {
    for bad in [
        "xyz",
        "",
        "32B6E34B3D91647ABB20E7B8",
        "32b6e34b3d91647abb20e7b",
        "32b6e34b3d91647abb20e7b80",
        " 32b6e34b3d91647abb20e7b8",
        "32b6e34b3d91647abb20e7b8\n",
        "32b6e34b3d91647abb20e7b8/",
    ] {
        let want = [v("groupId", GROUP_PATTERN)];
        assert_eq!(
            violations(ListThirdPartyIntegrations::new(bad).build()),
            want,
            "{bad:?}"
        );
        assert_eq!(
            violations(GetThirdPartyIntegration::new(bad, IntegrationType::Datadog).build()),
            want
        );
        assert_eq!(
            violations(CreateThirdPartyIntegration::new(bad, Datadog::new("k")).build()),
            want
        );
        assert_eq!(
            violations(UpdateThirdPartyIntegration::new(bad, Datadog::new("k")).build()),
            want
        );
        assert_eq!(
            violations(DeleteThirdPartyIntegration::new(bad, IntegrationType::Datadog).build()),
            want
        );
    }
}

#[test]
fn paging_parameters_are_range_checked() {
    let list = || ListThirdPartyIntegrations::new(GROUP);
    assert_eq!(
        violations(list().items_per_page(0).build()),
        [v("itemsPerPage", Constraint::Minimum(1.0))]
    );
    assert_eq!(
        violations(list().items_per_page(501).build()),
        [v("itemsPerPage", Constraint::Maximum(500.0))]
    );
    assert_eq!(
        violations(list().items_per_page(i32::MIN).build()),
        [v("itemsPerPage", Constraint::Minimum(1.0))]
    );
    assert_eq!(
        violations(list().page_num(0).build()),
        [v("pageNum", Constraint::Minimum(1.0))]
    );
    assert_eq!(
        violations(list().page_num(-3).build()),
        [v("pageNum", Constraint::Minimum(1.0))]
    );
    // The bounds themselves are allowed.
    for request in [
        list().items_per_page(1),
        list().items_per_page(500),
        list().page_num(1),
        list().page_num(i32::MAX),
    ] {
        request.build().unwrap();
    }
    // Create and update carry the same parameters and the same checks.
    assert_eq!(
        violations(create_datadog().items_per_page(501).page_num(0).build()),
        [
            v("itemsPerPage", Constraint::Maximum(500.0)),
            v("pageNum", Constraint::Minimum(1.0)),
        ]
    );
    assert_eq!(
        violations(update_datadog().items_per_page(0).build()),
        [v("itemsPerPage", Constraint::Minimum(1.0))]
    );
}

#[test]
fn a_slack_channel_name_has_1_to_80_characters() {
    let slack = |name: String| Slack::new("xoxb-1", name);
    assert_eq!(
        violations(CreateThirdPartyIntegration::new(GROUP, slack(String::new())).build()),
        [v("body/channelName", Constraint::MinLength(1))]
    );
    assert_eq!(
        violations(UpdateThirdPartyIntegration::new(GROUP, slack("c".repeat(81))).build()),
        [v("body/channelName", Constraint::MaxLength(80))]
    );
    // Characters, not bytes, are counted.
    assert_eq!(
        violations(CreateThirdPartyIntegration::new(GROUP, slack("é".repeat(81))).build()),
        [v("body/channelName", Constraint::MaxLength(80))]
    );
    for name in ["c".to_owned(), "c".repeat(80), "é".repeat(80)] {
        CreateThirdPartyIntegration::new(GROUP, slack(name.clone()))
            .build()
            .unwrap();
        UpdateThirdPartyIntegration::new(GROUP, slack(name))
            .build()
            .unwrap();
    }
}

#[test]
fn a_value_the_document_forbids_is_refused_by_build_and_sent_by_build_unchecked() {
    // An upper-case project id breaks the path's pattern; a 81-character channel name the body's.
    let group = "32B6E34B3D91647ABB20E7B8";
    let create = CreateThirdPartyIntegration::new(group, Slack::new("xoxb-1", "c".repeat(81)));
    let refused = create.build().unwrap_err();
    assert_eq!(
        refused.to_string(),
        "invalid request: `groupId` must match `^([a-f0-9]{24})$`; `body/channelName` must have at \
         most 80 characters; these are the document's constraints, and the server decides what it \
         accepts: to send the values anyway, build with `build_unchecked()` or, with the client, set \
         `ClientBuilder::validation(Validation::Unchecked)`"
    );
    let expected = Wire {
        method: Method::POST,
        uri: "/api/atlas/v1.0/groups/32B6E34B3D91647ABB20E7B8/integrations/SLACK".to_owned(),
        headers: accept_and_content_type(),
        body: format!(
            r#"{{"type":"SLACK","apiToken":"xoxb-1","channelName":"{}"}}"#,
            "c".repeat(81)
        )
        .into_bytes(),
    };
    assert_eq!(wire(create.build_unchecked().unwrap()), expected);
    assert_eq!(
        wire(create.build_with(Validation::Unchecked).unwrap()),
        expected
    );
    // Through the trait, as the client drives it.
    assert_eq!(wire(Operation::build_unchecked(&create).unwrap()), expected);
    assert!(matches!(
        Operation::build(&create),
        Err(RequestError::Invalid(_))
    ));
    // A query parameter out of range, too.
    let list = ListThirdPartyIntegrations::new(GROUP).items_per_page(501);
    assert_eq!(
        violations(list.build()),
        [v("itemsPerPage", Constraint::Maximum(500.0))]
    );
    assert_eq!(
        wire(list.build_unchecked().unwrap()).uri,
        format!("{BASE}?itemsPerPage=501")
    );
}

#[test]
fn unchecked_requests_still_refuse_read_back_secrets() {
    let update = UpdateThirdPartyIntegration::new(GROUP, read_datadog());
    assert_eq!(read_back(update.build_unchecked()), ["/apiKey"]);
}

#[test]
fn new_relic_keys_are_left_to_atlas() {
    // Real New Relic account ids are short decimal numbers and EU license keys carry an `eu01xx`
    // prefix and an `NRAL` suffix: no format is checked before sending.
    let new_relic = |account: &str, license: &str| NewRelic::new(account, license, "r", "w");
    let upper = HEX40.to_uppercase();
    for (account, license) in [
        ("3141592", "eu01xx5a6b7c8d9e0f1a2b3c4d5e6f7a8b9cNRAL"),
        ("12345", HEX40),
        (HEX40, upper.as_str()),
        (HEX40, HEX40),
    ] {
        CreateThirdPartyIntegration::new(GROUP, new_relic(account, license))
            .build()
            .unwrap();
        UpdateThirdPartyIntegration::new(GROUP, new_relic(account, license))
            .build()
            .unwrap();
    }
}

#[test]
fn every_problem_is_reported_at_once() {
    assert_eq!(
        violations(
            ListThirdPartyIntegrations::new("xyz")
                .items_per_page(0)
                .page_num(0)
                .build()
        ),
        [
            v("groupId", GROUP_PATTERN),
            v("itemsPerPage", Constraint::Minimum(1.0)),
            v("pageNum", Constraint::Minimum(1.0)),
        ]
    );
    assert_eq!(
        violations(
            CreateThirdPartyIntegration::new("xyz", NewRelic::new("a", "b", "r", "w"))
                .items_per_page(501)
                .build()
        ),
        [
            v("groupId", GROUP_PATTERN),
            v("itemsPerPage", Constraint::Maximum(500.0)),
        ]
    );
    assert_eq!(
        violations(UpdateThirdPartyIntegration::new("xyz", Slack::new("t", String::new())).build()),
        [
            v("groupId", GROUP_PATTERN),
            v("body/channelName", Constraint::MinLength(1)),
        ]
    );
    let error = ListThirdPartyIntegrations::new("xyz")
        .items_per_page(0)
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid request: `groupId` must match `^([a-f0-9]{24})$`; `itemsPerPage` must be at least 1; \
         these are the document's constraints, and the server decides what it accepts: to send the \
         values anyway, build with `build_unchecked()` or, with the client, set \
         `ClientBuilder::validation(Validation::Unchecked)`"
    );
}

#[test]
fn a_valid_request_of_every_operation_builds() {
    ListThirdPartyIntegrations::new(GROUP)
        .include_count(true)
        .items_per_page(100)
        .page_num(1)
        .build()
        .unwrap();
    GetThirdPartyIntegration::new(GROUP, IntegrationType::MicrosoftTeams)
        .build()
        .unwrap();
    for (body, _) in all_kinds() {
        CreateThirdPartyIntegration::new(GROUP, body.clone())
            .build()
            .unwrap();
        UpdateThirdPartyIntegration::new(GROUP, body)
            .build()
            .unwrap();
    }
    DeleteThirdPartyIntegration::new(GROUP, IntegrationType::Webhook)
        .build()
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// 8. Credentials read back from a response are not sent unless the caller says so.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_masked_key_read_back_is_refused() {
    let read = GetThirdPartyIntegration::new(GROUP, IntegrationType::Datadog)
        .parse_response(response(200, DATADOG_READ))
        .unwrap();
    assert_eq!(
        read_back(UpdateThirdPartyIntegration::new(GROUP, read.clone()).build()),
        ["/apiKey"]
    );
    assert_eq!(
        read_back(CreateThirdPartyIntegration::new(GROUP, read.clone()).build()),
        ["/apiKey"]
    );
    let error = UpdateThirdPartyIntegration::new(GROUP, read)
        .build()
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("/apiKey came from a response"),
        "{error}"
    );

    // Every read-back secret of a kind is named.
    let new_relic = decoded(&format!(
        r#"{{"type":"NEW_RELIC","accountId":"{HEX40}","licenseKey":"{HEX40}","readToken":"****0a69","writeToken":"****c218"}}"#
    ));
    assert_eq!(
        read_back(UpdateThirdPartyIntegration::new(GROUP, new_relic).build()),
        ["/licenseKey", "/readToken", "/writeToken"]
    );
    let webhook = decoded(r#"{"type":"WEBHOOK","secret":"****","url":"https://webhook.com/****"}"#);
    assert_eq!(
        read_back(UpdateThirdPartyIntegration::new(GROUP, webhook).build()),
        ["/secret", "/url"]
    );

    // Straight from a listed page.
    let page = ListThirdPartyIntegrations::new(GROUP)
        .parse_response(response(200, PAGE))
        .unwrap();
    let first = page.results.into_iter().next().unwrap();
    assert_eq!(
        read_back(UpdateThirdPartyIntegration::new(GROUP, first).build()),
        ["/serviceKey"]
    );
}

fn read_datadog() -> Datadog {
    match decoded(DATADOG_READ) {
        ThirdPartyIntegration::Datadog(datadog) => datadog,
        other => panic!("expected Datadog, got {other:?}"),
    }
}

/// A retired kind, read back with Atlas's masks in it.
const FLOWDOCK_READ: &str = r#"{"id":"5a0a1e7e0f2912c554080adc","type":"FLOWDOCK","apiToken":"****9a8b","flowName":"ops","orgName":"acme","tags":["prod"],"notify":true}"#;

#[test]
fn keys_kept_from_a_response_are_refused_until_cleared_or_resent() {
    // A Datadog read from a newer server, with a field this version does not declare.
    let json = DATADOG_READ.replace(
        r#""sendDatabaseMetrics":true"#,
        r#""sendDatabaseMetrics":true,"sendLogs":{"level":"warn"},"web/hook":"****1d2e""#,
    );
    let mut read = decoded(&json);
    let ThirdPartyIntegration::Datadog(datadog) = &mut read else {
        panic!("expected Datadog, got {read:?}");
    };
    // A new key, so that only the kept keys stand in the way.
    datadog.api_key = Secret::new("new-key");
    let update = UpdateThirdPartyIntegration::new(GROUP, read.clone());
    assert_eq!(read_back(update.build()), ["/sendLogs", "/web~1hook"]);
    assert_eq!(read_back(update.build_unchecked()).len(), 2);

    // Sent as read, once the caller says so.
    let mut resent = read.clone();
    if let ThirdPartyIntegration::Datadog(datadog) = &mut resent {
        datadog.unknown_fields.resend_read_values();
    }
    let body = UpdateThirdPartyIntegration::new(GROUP, resent)
        .build()
        .unwrap()
        .into_body();
    assert_eq!(
        String::from_utf8(body.into_vec()).unwrap(),
        r#"{"type":"DATADOG","id":"5a0a1e7e0f2912c554080adc","apiKey":"new-key","region":"US","sendDatabaseMetrics":true,"sendLogs":{"level":"warn"},"web/hook":"****1d2e"}"#
    );

    // Or left out.
    let mut cleared = read;
    if let ThirdPartyIntegration::Datadog(datadog) = &mut cleared {
        datadog.unknown_fields.clear();
    }
    let body = UpdateThirdPartyIntegration::new(GROUP, cleared)
        .build()
        .unwrap()
        .into_body();
    assert_eq!(
        String::from_utf8(body.into_vec()).unwrap(),
        r#"{"type":"DATADOG","id":"5a0a1e7e0f2912c554080adc","apiKey":"new-key","region":"US","sendDatabaseMetrics":true}"#
    );
}

#[test]
fn an_unknown_kind_whose_text_no_value_holds_is_still_refused_and_compared_by_its_text() {
    // A number beyond f64 and nesting past serde_json's limit decode (the text is kept), but
    // cannot be read as `Value`s: its strings cannot be told apart, so the object as a whole is
    // taken for read back, never let through as holding none.
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    for extra in ["1e400".to_owned(), deep] {
        let json = format!(r#"{{"type":"FUTURE","token":"****abcd","extra":{extra}}}"#);
        let read = decoded(&json);
        let ThirdPartyIntegration::Unknown(unknown) = &read else {
            panic!("FUTURE is not a kind this version maps");
        };
        assert!(unknown.fields().is_empty());
        assert_eq!(
            format!("{unknown:?}"),
            r#"UnknownVariant { discriminator: "FUTURE", fields: (not readable as JSON values) }"#
        );
        for built in [
            UpdateThirdPartyIntegration::new(GROUP, read.clone()).build(),
            CreateThirdPartyIntegration::new(GROUP, read.clone()).build(),
        ] {
            assert_eq!(read_back(built), [""], "{extra}");
        }
        // Equal only to the same text.
        let other = decoded(&json.replace("****abcd", "****ef01"));
        assert_ne!(read, other);
        assert_eq!(read, decoded(&json));
        // Sent as read once the caller says so.
        let ThirdPartyIntegration::Unknown(unknown) = read else {
            unreachable!()
        };
        let resent = ThirdPartyIntegration::Unknown(unknown.resend_read_values());
        let body = UpdateThirdPartyIntegration::new(GROUP, resent)
            .build()
            .unwrap()
            .into_body();
        assert_eq!(body.into_vec(), json.as_bytes());
    }
}

#[test]
fn an_unknown_kind_read_back_is_refused_until_resent_explicitly() {
    let read = decoded(FLOWDOCK_READ);
    let ThirdPartyIntegration::Unknown(unknown) = &read else {
        panic!("FLOWDOCK is not a kind this version maps");
    };
    assert!(unknown.is_read_back());

    // Every string but the tag counts as read back, and nothing is built.
    let update = UpdateThirdPartyIntegration::new(GROUP, read.clone());
    let refused = update.build().unwrap_err();
    assert_eq!(
        read_back(update.build()),
        ["/apiToken", "/flowName", "/id", "/orgName", "/tags/0"]
    );
    assert_eq!(
        refused.to_string(),
        "/apiToken, /flowName, /id, /orgName, /tags/0 came from a response and likely hold \
         Atlas's mask, not the credential; set them with `Secret::new`, or call \
         `Secret::resend_read_value` to send them as read (for a kind this version does not know, \
         `UnknownVariant::resend_read_values`; for keys a type does not declare, \
         `UnknownFields::resend_read_values`, or `UnknownFields::clear` to leave them out)"
    );
    // Skipping the document's checks does not skip this one.
    assert_eq!(read_back(update.build_unchecked()).len(), 5);
    assert_eq!(
        read_back(CreateThirdPartyIntegration::new(GROUP, read.clone()).build()).len(),
        5
    );

    // Opted in with one call, the object goes out exactly as read, byte for byte, masks and all.
    let ThirdPartyIntegration::Unknown(unknown) = read else {
        unreachable!()
    };
    let resent = ThirdPartyIntegration::Unknown(unknown.resend_read_values());
    assert_eq!(
        wire(
            UpdateThirdPartyIntegration::new(GROUP, resent)
                .build()
                .unwrap()
        ),
        Wire {
            method: Method::PUT,
            uri: format!("{BASE}/FLOWDOCK"),
            headers: accept_and_content_type(),
            body: FLOWDOCK_READ.as_bytes().to_vec(),
        }
    );

    // One the caller builds is the caller's own, and is sent as it is.
    let object = serde_json::from_str(r#"{"apiToken":"new-flowdock-token"}"#).unwrap();
    let supplied =
        ThirdPartyIntegration::Unknown(UnknownVariant::new("type", "FLOWDOCK".to_owned(), object));
    let supplied = wire(
        CreateThirdPartyIntegration::new(GROUP, supplied)
            .build()
            .unwrap(),
    );
    assert_eq!(
        supplied.body,
        br#"{"apiToken":"new-flowdock-token","type":"FLOWDOCK"}"#.to_vec()
    );
}

#[test]
fn a_replaced_key_is_sent() {
    let mut datadog = read_datadog();
    datadog.api_key = Secret::new("new-datadog-key");
    let wire = wire(
        UpdateThirdPartyIntegration::new(GROUP, datadog)
            .build()
            .unwrap(),
    );
    assert_eq!(wire.uri, format!("{BASE}/DATADOG"));
    let mut body = body_json(&wire);
    // Whether the server-set `id` goes back is not what this test is about.
    body.as_object_mut().unwrap().remove("id");
    assert_eq!(
        body,
        json!({
            "type": "DATADOG",
            "apiKey": "new-datadog-key",
            "region": "US",
            "sendDatabaseMetrics": true,
        })
    );
}

#[test]
fn a_read_key_confirmed_for_resending_is_sent_as_read() {
    let mut datadog = read_datadog();
    datadog.api_key = datadog.api_key.resend_read_value();
    let wire = wire(
        UpdateThirdPartyIntegration::new(GROUP, datadog)
            .build()
            .unwrap(),
    );
    assert_eq!(
        body_json(&wire)["apiKey"],
        json!("****************************a23c")
    );
}

// ---------------------------------------------------------------------------------------------
// 9. No body makes decoding panic.
// ---------------------------------------------------------------------------------------------

/// xorshift64*: small, deterministic, and good enough to scatter bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn fuzz_bodies() -> Vec<Vec<u8>> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut bodies: Vec<Vec<u8>> = Vec::new();

    // Random bytes.
    for _ in 0..1200 {
        let length = rng.below(48);
        bodies.push((0..length).map(|_| rng.next() as u8).collect());
    }

    // Random sequences of JSON-ish tokens, which reach further into the decoders.
    const TOKENS: [&str; 34] = [
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        "\"",
        "\"type\"",
        "\"DATADOG\"",
        "\"SLACK\"",
        "\"HIP_CHAT\"",
        "\"results\"",
        "\"status\"",
        "\"content\"",
        "\"apiKey\"",
        "\"errorCode\"",
        "\"error\"",
        "\"totalCount\"",
        "\"links\"",
        "404",
        "200",
        "204",
        "0",
        "-1",
        "1e999",
        "null",
        "true",
        "\"x\"",
        "\"\\ud800\"",
        "\"\\u0000\"",
        " ",
        "\n",
        "\u{fffd}",
        "\u{ff}",
    ];
    for _ in 0..1200 {
        let mut body = String::new();
        for _ in 0..rng.below(24) {
            body.push_str(TOKENS[rng.below(TOKENS.len())]);
        }
        bodies.push(body.into_bytes());
    }

    // Every prefix of valid bodies.
    let page = json!({
        "status": 200,
        "links": [{"href": "https://cloud.mongodb.com/api/atlas", "rel": "self"}],
        "results": all_kinds()
            .into_iter()
            .map(|(kind, _)| serde_json::to_value(kind).unwrap())
            .chain([serde_json::from_str(HIP_CHAT).unwrap()])
            .collect::<Vec<Value>>(),
        "totalCount": 10,
    })
    .to_string();
    let envelope = format!(r#"{{"status":200,"content":{DATADOG_READ}}}"#);
    let error = format!(
        r#"{{"status":404,"content":{}}}"#,
        api_error_json(404, "INTEGRATION_NOT_FOUND")
    );
    for valid in [page.as_str(), PAGE, &envelope, &error] {
        for end in 0..=valid.len() {
            bodies.push(valid.as_bytes()[..end].to_vec());
        }
    }

    // Deep nesting, balanced and not.
    let depth = 100_000;
    bodies.push("[".repeat(depth).into_bytes());
    // Skipping an unknown field reads to its end, so this one is shallower to keep the test quick.
    bodies.push(r#"{"a":"#.repeat(depth / 5).into_bytes());
    bodies.push(format!(r#"{{"results":{}"#, "[".repeat(depth)).into_bytes());
    bodies.push(format!(r#"{{"status":200,"content":{}"#, "[".repeat(depth)).into_bytes());
    for depth in [126, 127, 128, 129, 1000] {
        let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        bodies.push(nested.clone().into_bytes());
        bodies
            .push(format!(r#"{{"results":[{{"type":"HIP_CHAT","deep":{nested}}}]}}"#).into_bytes());
        bodies.push(format!(r#"{{"type":"NEW_KIND","deep":{nested}}}"#).into_bytes());
        bodies.push(format!(r#"{{"status":200,"content":{nested}}}"#).into_bytes());
        bodies.push(
            format!(r#"{{"status":200,"content":{{"type":"X","d":{nested}}}}}"#).into_bytes(),
        );
    }

    // Huge and odd numbers.
    let many_digits = "9".repeat(20_000);
    for number in [
        "1e999999",
        "-1e999999",
        "99999999999999999999999",
        "18446744073709551616",
        "-0",
        "1.5",
        "2147483648",
        many_digits.as_str(),
    ] {
        bodies.push(format!(r#"{{"results":[],"totalCount":{number}}}"#).into_bytes());
        bodies.push(format!(r#"{{"status":{number},"content":{{}}}}"#).into_bytes());
        bodies.push(format!(r#"{{"error":{number},"errorCode":"X"}}"#).into_bytes());
        bodies.push(number.as_bytes().to_vec());
    }

    // Invalid UTF-8 and odd escapes.
    bodies.push(b"{\"results\":[{\"type\":\"\xff\xfe\"}]}".to_vec());
    bodies.push(b"{\"type\":\"DATADOG\",\"apiKey\":\"\xc3\x28\"}".to_vec());
    bodies.push(b"{\"error\":400,\"errorCode\":\"\xed\xa0\x80\"}".to_vec());
    bodies.push(b"{\"status\":200,\"content\":\"\xf0\x28\x8c\x28\"}".to_vec());
    bodies.push(br#"{"type":"DATADOG","apiKey":"\udc00\ud800"}"#.to_vec());
    bodies.push(b"\xef\xbb\xbf{\"results\":[]}".to_vec());
    bodies.push(b"\x00".to_vec());
    bodies.push(Vec::new());

    bodies
}

fn survive<O: Operation>(op: &O, status: u16, body: &[u8], envelope: bool)
where
    O::Error: Classify,
    O::Output: std::fmt::Debug,
{
    match outcome(op, response(status, body.to_vec())) {
        Ok(_) => {}
        Err(Outcome::Documented { status: got, .. }) => {
            if !envelope {
                assert_eq!(got, status);
            }
        }
        Err(
            Outcome::Undocumented {
                status: got,
                body: kept,
            }
            | Outcome::Decode {
                status: got,
                body: kept,
                ..
            },
        ) => {
            if !envelope {
                assert_eq!(got, status);
            }
            assert!(kept == body, "the body is kept as received");
        }
    }
}

/// Feeds every body, at every status, with and without envelopes, to the operation `make` builds.
fn survive_all<O: Operation>(make: impl Fn(bool) -> O, bodies: &[Vec<u8>])
where
    O::Error: Classify,
    O::Output: std::fmt::Debug,
{
    for envelope in [false, true] {
        let op = make(envelope);
        for status in [200, 204, 400, 404, 409, 429, 500, 599] {
            for body in bodies {
                survive(&op, status, body, envelope);
            }
        }
    }
}

#[test]
fn no_response_body_makes_decoding_panic() {
    let bodies = fuzz_bodies();
    assert!(bodies.len() > 3000, "{}", bodies.len());
    let bodies = bodies.as_slice();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            survive_all(
                |envelope| ListThirdPartyIntegrations::new(GROUP).envelope(envelope),
                bodies,
            );
        });
        scope.spawn(|| {
            survive_all(
                |envelope| {
                    GetThirdPartyIntegration::new(GROUP, IntegrationType::Datadog)
                        .envelope(envelope)
                },
                bodies,
            );
        });
        scope.spawn(|| survive_all(|envelope| create_datadog().envelope(envelope), bodies));
        scope.spawn(|| survive_all(|envelope| update_datadog().envelope(envelope), bodies));
        scope.spawn(|| {
            survive_all(
                |envelope| {
                    DeleteThirdPartyIntegration::new(GROUP, IntegrationType::Datadog)
                        .envelope(envelope)
                },
                bodies,
            );
        });
    });
}
