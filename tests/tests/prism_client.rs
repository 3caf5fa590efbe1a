//! The ready client, with a bearer token, against the Prism mock of the OpenAPI document: every
//! operation goes out through the client and comes back decoded, and Prism, which validates each
//! request against the document, accepts them all.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use atlas_integrations::client::{Client, Credentials, RetryPolicy};
use atlas_integrations::operations::{
    CreateThirdPartyIntegration, DeleteThirdPartyIntegration, GetThirdPartyIntegration,
    ListThirdPartyIntegrations, UpdateThirdPartyIntegration,
};
use atlas_integrations::types::{Datadog, IntegrationType, ThirdPartyIntegration};
use codegen_tests::prism::MockServer;
use codegen_tests::workspace_root;

const GROUP_ID: &str = "32b6e34b3d91647abb20e7b8";

/// A Prism mock of the document, started off the async runtime (starting it blocks).
async fn mock() -> MockServer {
    let spec = workspace_root().join("spec/atlas-integrations.yaml");
    tokio::task::spawn_blocking(move || MockServer::start(&spec))
        .await
        .unwrap()
        .unwrap()
}

/// A client of the mock with the given credentials.
fn client_of(mock: &MockServer, credentials: Credentials) -> Client {
    Client::builder()
        .base_url(mock.base_url())
        .allow_plain_http(true)
        .credentials(credentials)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_through_the_client() {
    let mock = mock().await;
    let client = client_of(&mock, Credentials::bearer("test-access-token"));

    let page = client
        .send(&ListThirdPartyIntegrations::new(GROUP_ID).items_per_page(50))
        .await;
    let page = page.unwrap_or_else(|e| panic!("list: {e}\n{}", mock.log()));
    assert!(
        !page.results.is_empty(),
        "the document's example page has results"
    );

    let got = client
        .send(&GetThirdPartyIntegration::new(
            GROUP_ID,
            IntegrationType::Datadog,
        ))
        .await;
    let got = got.unwrap_or_else(|e| panic!("get: {e}\n{}", mock.log()));
    assert!(!matches!(got, ThirdPartyIntegration::Unknown(_)), "{got:?}");

    let created = client
        .send(&CreateThirdPartyIntegration::new(
            GROUP_ID,
            Datadog::new("0123456789abcdef"),
        ))
        .await;
    created.unwrap_or_else(|e| panic!("create: {e}\n{}", mock.log()));

    let updated = client
        .send(&UpdateThirdPartyIntegration::new(
            GROUP_ID,
            Datadog::new("0123456789abcdef"),
        ))
        .await;
    updated.unwrap_or_else(|e| panic!("update: {e}\n{}", mock.log()));

    let deleted = client
        .send(&DeleteThirdPartyIntegration::new(
            GROUP_ID,
            IntegrationType::Datadog,
        ))
        .await;
    deleted.unwrap_or_else(|e| panic!("delete: {e}\n{}", mock.log()));
}

/// Without a token Prism refuses (401), and the client reports the operation's typed error: the
/// check above can fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_prism_refuses_comes_back_as_the_typed_error() {
    let mock = mock().await;
    let client = client_of(&mock, Credentials::bearer("token with\nnewline"));
    let error = client
        .send(&ListThirdPartyIntegrations::new(GROUP_ID))
        .await
        .unwrap_err();
    assert!(
        matches!(error, atlas_integrations::client::Error::Auth(_)),
        "{error:?}"
    );

    let client = client_of(&mock, Credentials::api_key("public", "private"));
    let error = client
        .send(&ListThirdPartyIntegrations::new(GROUP_ID))
        .await
        .unwrap_err();
    let status = error
        .api()
        .map(atlas_integrations::runtime::ResponseParts::status);
    assert_eq!(status, Some(http::StatusCode::UNAUTHORIZED), "{error:?}");
}
