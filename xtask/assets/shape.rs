//! One program, compiled against the crate generated from `spec/` and against the crate generated
//! from the "Third-Party Integrations" tag of a published document: it compiles against both only
//! if both have the same public shape (type names, variants, builders, error enums).
//!
//! `api` is the crate under test, renamed in the manifest of each check.

#![allow(dead_code, unused_variables)]

use api::client::{Client, Credentials, Error};
use api::operations::{
    CreateThirdPartyIntegration, CreateThirdPartyIntegrationError, DeleteThirdPartyIntegration,
    DeleteThirdPartyIntegrationError, GetThirdPartyIntegration, GetThirdPartyIntegrationError,
    ListThirdPartyIntegrations, ListThirdPartyIntegrationsError, UpdateThirdPartyIntegration,
    UpdateThirdPartyIntegrationError,
};
use api::runtime::{ErrorResponse, Operation, RequestError, ResponseParts, Secret};

/// Every builder is an `Operation`, whatever its output.
fn sendable<O: Operation>(operation: &O) -> bool {
    operation.build().is_ok()
}
use api::types::{
    ApiError, Datadog, DatadogRegion, IntegrationType, MicrosoftTeams, NewRelic, OpsGenie,
    OpsGenieRegion, PagerDuty, PagerDutyRegion, PaginatedIntegrationView, Prometheus,
    PrometheusServiceDiscovery, Slack, ThirdPartyIntegration, VictorOps, Webhook,
};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";

fn kinds(integration: &ThirdPartyIntegration) -> &'static str {
    match integration {
        ThirdPartyIntegration::PagerDuty(PagerDuty { region: Some(PagerDutyRegion::Eu), .. }) => "pager duty (EU)",
        ThirdPartyIntegration::PagerDuty(_) => "pager duty",
        ThirdPartyIntegration::Slack(_) => "slack",
        ThirdPartyIntegration::Datadog(Datadog { region: Some(DatadogRegion::Us1Fed), .. }) => "datadog (US1_FED)",
        ThirdPartyIntegration::Datadog(_) => "datadog",
        ThirdPartyIntegration::NewRelic(_) => "new relic",
        ThirdPartyIntegration::OpsGenie(OpsGenie { region: Some(OpsGenieRegion::Eu), .. }) => "opsgenie (EU)",
        ThirdPartyIntegration::OpsGenie(_) => "opsgenie",
        ThirdPartyIntegration::VictorOps(_) => "victorops",
        ThirdPartyIntegration::Webhook(_) => "webhook",
        ThirdPartyIntegration::Prometheus(Prometheus { service_discovery: PrometheusServiceDiscovery::File, .. }) => "prometheus (file)",
        ThirdPartyIntegration::Prometheus(_) => "prometheus",
        ThirdPartyIntegration::MicrosoftTeams(_) => "teams",
        ThirdPartyIntegration::Unknown(other) => "unknown",
        // The union is non_exhaustive: a kind a later document adds is a minor change.
        _ => "a later kind",
    }
}

fn requests() -> Result<Vec<http::Request<api::runtime::Body>>, RequestError> {
    let datadog: ThirdPartyIntegration = Datadog::new("key").into();
    Ok(vec![
        ListThirdPartyIntegrations::new(GROUP).items_per_page(50).page_num(2).include_count(false).envelope(true).pretty(true).build()?,
        GetThirdPartyIntegration::new(GROUP, IntegrationType::Datadog).envelope(true).build()?,
        CreateThirdPartyIntegration::new(GROUP, datadog.clone()).build()?,
        UpdateThirdPartyIntegration::new(GROUP, Slack::new("token", Some("alerts".to_owned()))).build()?,
        DeleteThirdPartyIntegration::new(GROUP, IntegrationType::HipChat).build()?,
    ])
}

fn create_errors(error: CreateThirdPartyIntegrationError) -> Option<ApiError> {
    match error {
        CreateThirdPartyIntegrationError::BadRequest(ErrorResponse { body, .. })
        | CreateThirdPartyIntegrationError::Unauthorized(ErrorResponse { body, .. })
        | CreateThirdPartyIntegrationError::Forbidden(ErrorResponse { body, .. })
        | CreateThirdPartyIntegrationError::NotFound(ErrorResponse { body, .. })
        | CreateThirdPartyIntegrationError::Conflict(ErrorResponse { body, .. })
        | CreateThirdPartyIntegrationError::InternalServerError(ErrorResponse { body, .. }) => Some(body),
        CreateThirdPartyIntegrationError::Undocumented(raw) => None,
        CreateThirdPartyIntegrationError::Decode(failure) => None,
        // Error enums are non-exhaustive: a new documented status (or `VersionGone`, for an
        // operation in dated versions) is a new variant, not a breaking change.
        _ => None,
    }
}

fn other_errors(
    list: ListThirdPartyIntegrationsError,
    get: GetThirdPartyIntegrationError,
    update: UpdateThirdPartyIntegrationError,
    delete: DeleteThirdPartyIntegrationError,
) -> [Option<http::StatusCode>; 4] {
    [
        matches!(list, ListThirdPartyIntegrationsError::NotFound(_)).then(|| list.status()),
        matches!(get, GetThirdPartyIntegrationError::Unauthorized(_)).then(|| get.status()),
        matches!(update, UpdateThirdPartyIntegrationError::Forbidden(_)).then(|| update.status()),
        matches!(delete, DeleteThirdPartyIntegrationError::InternalServerError(_)).then(|| delete.status()),
    ]
}

fn parse(response: http::Response<Vec<u8>>) -> Option<PaginatedIntegrationView> {
    ListThirdPartyIntegrations::new(GROUP).parse_response(response).ok()
}

fn every_kind() -> Vec<ThirdPartyIntegration> {
    vec![
        PagerDuty::new(Secret::new("service-key")).into(),
        Slack::new("token", Some("alerts".to_owned())).into(),
        Datadog::new("key").into(),
        NewRelic::new("a".repeat(40), "b".repeat(40), "read", "write").into(),
        OpsGenie::new("key").into(),
        VictorOps::new("key").into(),
        Webhook::new("https://hooks.example/1").into(),
        Prometheus::new(true, PrometheusServiceDiscovery::Http, "user").into(),
        MicrosoftTeams::new("https://teams.example/1").into(),
    ]
}

async fn client(group: &str) -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder().credentials(Credentials::api_key("public", "private")).build()?;
    let page: Result<_, Error<ListThirdPartyIntegrationsError>> =
        client.send(&ListThirdPartyIntegrations::new(group)).await;
    let datadog = client.upsert(group, Datadog::new("key")).await?;
    let all = client.list_all(group, 500);
    Ok(())
}

fn main() {
    let built = requests().map(|r| r.len());
    let kinds: Vec<&str> = every_kind().iter().map(kinds).collect();
    println!("{built:?} {kinds:?}");
}
