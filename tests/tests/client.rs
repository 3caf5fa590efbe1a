#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The ready client end to end against the fake Atlas: every operation with every way of
//! authenticating, the service-account token cache, Digest nonce reuse, bounded retries, paging,
//! upsert, envelopes, and what the client refuses to do. Every check looks both at what the client
//! returned and at what the server received.

use std::collections::HashSet;
use std::fmt::Debug;
use std::future::Future;
use std::time::{Duration, Instant};

use atlas_integrations::client::{
    AuthError, BuildError, Client, Credentials, Error, RetryPolicy, USER_AGENT, Validation,
};
use atlas_integrations::integrations::UpsertError;
use atlas_integrations::operations::{
    CreateThirdPartyIntegration, CreateThirdPartyIntegrationError, DeleteThirdPartyIntegration,
    DeleteThirdPartyIntegrationError, GetThirdPartyIntegration, GetThirdPartyIntegrationError,
    ListThirdPartyIntegrations, ListThirdPartyIntegrationsError, UpdateThirdPartyIntegration,
    UpdateThirdPartyIntegrationError,
};
use atlas_integrations::runtime::{ErrorDetails, MASK, RequestError, ResponseParts};
use atlas_integrations::types::{
    ApiError, Datadog, DatadogRegion, IntegrationType, NewRelic, OpsGenieRegion, PagerDuty, Slack,
    ThirdPartyIntegration,
};
use fake_atlas::{DigestAlgorithm, FakeAtlas, Fault, Paging, Recorded, Role, TOKEN_PATH, mask};
use futures_util::StreamExt;
use serde_json::{Value, json};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const UNKNOWN_GROUP: &str = "5f0e1d2c3b4a596877665544";
const OWNER_ID: &str = "mdb_sa_id_owner";
const OWNER_SECRET: &str = "mdb_sa_sk_owner-secret-7d1e";
const READER_ID: &str = "mdb_sa_id_reader";
const READER_SECRET: &str = "mdb_sa_sk_reader-secret-44aa";
const PUBLIC_KEY: &str = "abcdefgh";
const PRIVATE_KEY: &str = "8f1c6a2e-4b7d-4e0f-9a3c-2d5e6f708192";
const READER_PUBLIC_KEY: &str = "ronlykey";
const READER_PRIVATE_KEY: &str = "0c9d8e7f-1a2b-4c3d-8e9f-a0b1c2d3e4f5";
const DATADOG_KEY: &str = "dd-api-key-0123456789abcdef0001";
const NEW_DATADOG_KEY: &str = "dd-api-key-fedcba9876543210ffff";

/// How a test client authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Auth {
    ServiceAccount,
    DigestMd5,
    DigestSha256,
    Bearer,
}

/// Retries with short waits, so that backoff costs milliseconds.
fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        max_elapsed: Duration::from_secs(10),
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
        max_retry_after: Duration::from_secs(10),
    }
}

/// A fake with one empty project, an owner and a read-only service account, and an owner and a
/// read-only API key.
async fn fake() -> FakeAtlas {
    let fake = FakeAtlas::start().await.unwrap();
    fake.add_project(GROUP);
    fake.add_service_account(OWNER_ID, OWNER_SECRET, Role::Owner);
    fake.add_service_account(READER_ID, READER_SECRET, Role::ReadOnly);
    fake.add_api_key(PUBLIC_KEY, PRIVATE_KEY, Role::Owner);
    fake.add_api_key(READER_PUBLIC_KEY, READER_PRIVATE_KEY, Role::ReadOnly);
    fake
}

fn client_with(fake: &FakeAtlas, credentials: Credentials, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(fake.base_url())
        .allow_plain_http(true)
        .credentials(credentials)
        .retry(retry)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn client(fake: &FakeAtlas, credentials: Credentials) -> Client {
    client_with(fake, credentials, fast_retries())
}

fn owner_account() -> Credentials {
    Credentials::service_account(OWNER_ID, OWNER_SECRET)
}

fn owner_key() -> Credentials {
    Credentials::api_key(PUBLIC_KEY, PRIVATE_KEY)
}

/// A token from the fake's token endpoint, fetched by hand.
async fn issue_token(fake: &FakeAtlas) -> String {
    codegen_tests::install_crypto_provider();
    let response = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{}{TOKEN_PATH}", fake.base_url()))
        .basic_auth(OWNER_ID, Some(OWNER_SECRET))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

async fn credentials_for(fake: &FakeAtlas, auth: Auth) -> Credentials {
    match auth {
        Auth::ServiceAccount => owner_account(),
        Auth::DigestMd5 => {
            fake.set_digest_algorithm(DigestAlgorithm::Md5);
            owner_key()
        }
        Auth::DigestSha256 => {
            fake.set_digest_algorithm(DigestAlgorithm::Sha256);
            owner_key()
        }
        Auth::Bearer => Credentials::bearer(issue_token(fake).await),
    }
}

/// The requests of the integrations resource (everything but the token endpoint).
fn api_requests(fake: &FakeAtlas) -> Vec<Recorded> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path != TOKEN_PATH)
        .collect()
}

fn token_endpoint_requests(fake: &FakeAtlas) -> Vec<Recorded> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path == TOKEN_PATH)
        .collect()
}

fn statuses(requests: &[Recorded]) -> Vec<u16> {
    requests.iter().map(|r| r.status.unwrap_or(0)).collect()
}

fn calls(requests: &[Recorded]) -> Vec<(String, u16)> {
    requests
        .iter()
        .map(|r| (r.method.clone(), r.status.unwrap_or(0)))
        .collect()
}

fn expected_calls(calls: &[(&str, u16)]) -> Vec<(String, u16)> {
    calls.iter().map(|(m, s)| ((*m).to_owned(), *s)).collect()
}

/// One parameter of a Digest `Authorization` header, unquoted.
fn digest_param(authorization: &str, name: &str) -> String {
    let rest = authorization
        .strip_prefix("Digest ")
        .unwrap_or_else(|| panic!("not Digest: {authorization}"));
    for part in rest.split(", ") {
        if let Some((key, value)) = part.split_once('=')
            && key.trim() == name
        {
            return value.trim_matches('"').to_owned();
        }
    }
    panic!("no {name} in {authorization}")
}

fn datadog_of(item: &ThirdPartyIntegration) -> &Datadog {
    match item {
        ThirdPartyIntegration::Datadog(datadog) => datadog,
        other => panic!("not a Datadog integration: {other:?}"),
    }
}

fn id_of(item: &ThirdPartyIntegration) -> String {
    let value = serde_json::to_value(item).unwrap();
    value["id"].as_str().unwrap().to_owned()
}

fn is_object_id(id: &str) -> bool {
    id.len() == 24 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The operation's error, or a panic naming what came instead.
fn api_error<T: Debug, E: std::error::Error + 'static>(result: Result<T, Error<E>>) -> E {
    match result {
        Err(Error::Api(error)) => error,
        other => panic!("expected the operation's error, got {other:?}"),
    }
}

/// Fails instead of hanging when the client loops.
async fn bounded<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(10), future)
        .await
        .expect("the client did not answer within 10 s")
}

fn assert_api_error(error: &ApiError, status: u16, code: &str) {
    assert_eq!(error.error, i32::from(status), "{error:?}");
    assert_eq!(error.error_code, code, "{error:?}");
}

// Every operation with every way of authenticating.

async fn every_operation_with(auth: Auth) {
    let fake = fake().await;
    let credentials = credentials_for(&fake, auth).await;
    let tokens_before = fake.token_requests();
    let client = client(&fake, credentials);

    // Create.
    let mut body = Datadog::new(DATADOG_KEY);
    body.region = Some(DatadogRegion::Eu);
    let page = client
        .send(&CreateThirdPartyIntegration::new(GROUP, body))
        .await
        .unwrap_or_else(|e| panic!("{auth:?} create: {e:?}"));
    assert_eq!(page.results.len(), 1, "{page:?}");
    assert_eq!(page.total_count, Some(1));
    let created = datadog_of(&page.results[0]).clone();
    assert_eq!(created.api_key.expose(), mask(DATADOG_KEY));
    assert_eq!(
        created.api_key.expose(),
        format!("{}0001", "*".repeat(DATADOG_KEY.len() - 4))
    );
    assert!(created.api_key.is_read_back());
    assert_eq!(created.region, Some(DatadogRegion::Eu));
    let id = created.id.clone().unwrap();
    assert!(is_object_id(&id), "{id}");
    let stored = fake.stored(GROUP, "DATADOG").unwrap();
    assert_eq!(
        stored,
        json!({"type": "DATADOG", "apiKey": DATADOG_KEY, "region": "EU", "id": id})
    );

    // Get.
    let got = client
        .send(&GetThirdPartyIntegration::new(
            GROUP,
            IntegrationType::Datadog,
        ))
        .await
        .unwrap_or_else(|e| panic!("{auth:?} get: {e:?}"));
    assert_eq!(datadog_of(&got), &created);
    assert!(datadog_of(&got).api_key.is_read_back());

    // List.
    let list = client
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await
        .unwrap_or_else(|e| panic!("{auth:?} list: {e:?}"));
    assert_eq!(
        list.results,
        vec![ThirdPartyIntegration::Datadog(created.clone())]
    );
    assert_eq!(list.total_count, Some(1));

    // Update.
    let mut changed = Datadog::new(NEW_DATADOG_KEY);
    changed.region = Some(DatadogRegion::Us3);
    changed.send_database_metrics = Some(true);
    let page = client
        .send(&UpdateThirdPartyIntegration::new(GROUP, changed))
        .await
        .unwrap_or_else(|e| panic!("{auth:?} update: {e:?}"));
    assert_eq!(page.results.len(), 1, "{page:?}");
    let updated = datadog_of(&page.results[0]);
    assert_eq!(updated.id.as_deref(), Some(id.as_str()));
    assert_eq!(
        updated.api_key.expose(),
        format!("{}ffff", "*".repeat(NEW_DATADOG_KEY.len() - 4))
    );
    assert!(updated.api_key.is_read_back());
    assert_eq!(updated.region, Some(DatadogRegion::Us3));
    assert_eq!(updated.send_database_metrics, Some(true));
    assert_eq!(
        fake.stored(GROUP, "DATADOG").unwrap(),
        json!({
            "type": "DATADOG",
            "apiKey": NEW_DATADOG_KEY,
            "region": "US3",
            "sendDatabaseMetrics": true,
            "id": id,
        })
    );

    // Delete.
    client
        .send(&DeleteThirdPartyIntegration::new(
            GROUP,
            IntegrationType::Datadog,
        ))
        .await
        .unwrap_or_else(|e| panic!("{auth:?} delete: {e:?}"));
    assert_eq!(fake.stored(GROUP, "DATADOG"), None);
    assert!(fake.integrations(GROUP).is_empty());

    // What the server saw.
    let requests = api_requests(&fake);
    let mut expected = vec![
        ("POST", 200),
        ("GET", 200),
        ("GET", 200),
        ("PUT", 200),
        ("DELETE", 204),
    ];
    match auth {
        Auth::DigestMd5 | Auth::DigestSha256 => {
            // The first request goes out bare, is challenged once, and is sent again.
            expected.insert(0, ("POST", 401));
            assert_eq!(requests[0].authorization, None);
            assert_eq!(fake.digest_challenges(), 1);
            let algorithm = if auth == Auth::DigestMd5 {
                "MD5"
            } else {
                "SHA-256"
            };
            for (index, request) in requests[1..].iter().enumerate() {
                let authorization = request.authorization.as_deref().unwrap();
                assert_eq!(request.auth_scheme(), Some("Digest"));
                assert_eq!(digest_param(authorization, "username"), PUBLIC_KEY);
                assert_eq!(digest_param(authorization, "algorithm"), algorithm);
                assert_eq!(
                    digest_param(authorization, "nc"),
                    format!("{:08x}", index + 1)
                );
                assert!(!authorization.contains(PRIVATE_KEY));
            }
            assert_eq!(fake.token_requests(), 0);
        }
        Auth::ServiceAccount | Auth::Bearer => {
            let first = requests[0].authorization.clone().unwrap();
            assert!(first.starts_with("Bearer "), "{first}");
            for request in &requests {
                assert_eq!(request.authorization.as_deref(), Some(first.as_str()));
            }
            let expected_tokens = if auth == Auth::ServiceAccount {
                1
            } else {
                tokens_before
            };
            assert_eq!(fake.token_requests(), expected_tokens);
            assert_eq!(fake.digest_challenges(), 0);
        }
    }
    assert_eq!(calls(&requests), expected_calls(&expected));
    // The create and the update carried the real keys; nothing else carried a body.
    let posts: Vec<&Recorded> = requests.iter().filter(|r| r.method == "POST").collect();
    for post in posts {
        let sent: Value = serde_json::from_str(&post.body).unwrap();
        assert_eq!(
            sent,
            json!({"type": "DATADOG", "apiKey": DATADOG_KEY, "region": "EU"})
        );
        assert_eq!(post.header("content-type"), Some("application/json"));
    }
    let put = requests.iter().find(|r| r.method == "PUT").unwrap();
    let sent: Value = serde_json::from_str(&put.body).unwrap();
    assert_eq!(sent["apiKey"], NEW_DATADOG_KEY);
    for request in requests
        .iter()
        .filter(|r| r.method == "GET" || r.method == "DELETE")
    {
        assert_eq!(request.body, "", "{} {}", request.method, request.path);
    }
    fake.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_with_a_service_account() {
    every_operation_with(Auth::ServiceAccount).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_with_an_api_key_and_md5_digest() {
    every_operation_with(Auth::DigestMd5).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_with_an_api_key_and_sha256_digest() {
    every_operation_with(Auth::DigestSha256).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_with_a_bearer_token() {
    every_operation_with(Auth::Bearer).await;
}

// The service-account token cache.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_account_token_is_fetched_once_and_shared_by_clones() {
    let fake = fake().await;
    let client = client(&fake, owner_account());
    for _ in 0..5 {
        client
            .send(&ListThirdPartyIntegrations::new(GROUP))
            .await
            .unwrap();
    }
    let clone = client.clone();
    clone
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await
        .unwrap();
    assert_eq!(fake.token_requests(), 1);
    assert_eq!(fake.tokens_issued(), 1);

    let requests = api_requests(&fake);
    assert_eq!(statuses(&requests), [200; 6]);
    let authorizations: HashSet<Option<String>> =
        requests.iter().map(|r| r.authorization.clone()).collect();
    assert_eq!(authorizations.len(), 1, "{authorizations:?}");

    // The token request: client credentials through HTTP Basic.
    let token = token_endpoint_requests(&fake);
    assert_eq!(token.len(), 1);
    assert_eq!(token[0].method, "POST");
    assert_eq!(token[0].auth_scheme(), Some("Basic"));
    assert_eq!(token[0].body, "grant_type=client_credentials");
    assert_eq!(token[0].status, Some(200));
    fake.stop().await.unwrap();
}

/// Requests sent together by a client without a token wait for one token rather than each
/// fetching their own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_sent_together_share_one_token_fetch() {
    let fake = fake().await;
    let client = client(&fake, owner_account());
    let sends = (0..8).map(|_| {
        let client = client.clone();
        async move { client.send(&ListThirdPartyIntegrations::new(GROUP)).await }
    });
    let results = futures_util::future::join_all(sends).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(fake.token_requests(), 1);
    fake.stop().await.unwrap();
}

/// A token shorter-lived than the client's minimum is reused for that minimum (no token request
/// per call), and refreshed once when the server refuses it after it expired.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_lived_token_is_reused_for_the_minimum_and_refreshed_when_refused() {
    let fake = fake().await;
    fake.set_token_lifetime(Duration::from_secs(1));
    let client = client(&fake, owner_account());
    let list = ListThirdPartyIntegrations::new(GROUP);
    client.send(&list).await.unwrap();
    client.send(&list).await.unwrap();
    assert_eq!(fake.token_requests(), 1);

    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.send(&list).await.unwrap();
    assert_eq!(fake.token_requests(), 2);
    assert_eq!(fake.tokens_issued(), 2);
    let requests = api_requests(&fake);
    assert_eq!(statuses(&requests), [200, 200, 401, 200]);
    assert_eq!(requests[0].authorization, requests[2].authorization);
    assert_ne!(requests[2].authorization, requests[3].authorization);
    fake.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_refreshed_once_and_the_request_sent_again() {
    let fake = fake().await;
    let client = client(&fake, owner_account());
    let list = ListThirdPartyIntegrations::new(GROUP);
    client.send(&list).await.unwrap();
    assert_eq!(fake.token_requests(), 1);

    fake.revoke_tokens();
    let page = bounded(client.send(&list)).await.unwrap();
    assert_eq!(page.results, []);
    assert_eq!(fake.token_requests(), 2);
    let requests = api_requests(&fake);
    assert_eq!(statuses(&requests), [200, 401, 200]);
    assert_eq!(requests[0].authorization, requests[1].authorization);
    assert_ne!(requests[1].authorization, requests[2].authorization);

    // The new token is cached in turn.
    client.send(&list).await.unwrap();
    assert_eq!(fake.token_requests(), 2);
    let requests = api_requests(&fake);
    assert_eq!(statuses(&requests), [200, 401, 200, 200]);
    assert_eq!(requests[2].authorization, requests[3].authorization);
    fake.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_service_account_credentials_are_an_auth_error() {
    let fake = fake().await;
    for (id, secret) in [
        (OWNER_ID, "mdb_sa_sk_not-the-secret"),
        ("mdb_sa_id_nobody", OWNER_SECRET),
    ] {
        let client = client(&fake, Credentials::service_account(id, secret));
        let result = bounded(client.send(&ListThirdPartyIntegrations::new(GROUP))).await;
        match result {
            Err(Error::Auth(AuthError::TokenRefused(failure))) => {
                assert_eq!(failure.status(), 401);
                assert_eq!(failure.error_code(), Some("invalid_client"));
                assert_eq!(failure.detail(), Some("client authentication failed"));
                let body: Value = serde_json::from_slice(&failure.body).unwrap();
                assert_eq!(body["error"], "invalid_client");
            }
            other => panic!("expected TokenRefused, got {other:?}"),
        }
    }
    assert_eq!(fake.token_requests(), 2);
    assert_eq!(fake.tokens_issued(), 0);
    assert!(
        api_requests(&fake).is_empty(),
        "nothing reached the resource"
    );
    fake.stop().await.unwrap();
}

// Digest.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digest_is_challenged_once_and_the_nonce_reused_with_a_rising_count() {
    let fake = fake().await;
    let client = client(&fake, owner_key());
    let list = ListThirdPartyIntegrations::new(GROUP);
    for _ in 0..4 {
        client.send(&list).await.unwrap();
    }
    assert_eq!(fake.digest_challenges(), 1);
    let requests = api_requests(&fake);
    assert_eq!(statuses(&requests), [401, 200, 200, 200, 200]);
    assert_eq!(requests[0].authorization, None);
    let first_nonce = digest_param(requests[1].authorization.as_deref().unwrap(), "nonce");
    for (index, request) in requests[1..].iter().enumerate() {
        let authorization = request.authorization.as_deref().unwrap();
        assert!(
            authorization.contains(&format!("nc=0000000{}", index + 1)),
            "{authorization}"
        );
        assert_eq!(digest_param(authorization, "nonce"), first_nonce);
        assert_eq!(digest_param(authorization, "qop"), "auth");
        assert_eq!(
            digest_param(authorization, "uri"),
            format!("/api/atlas/v1.0/groups/{GROUP}/integrations")
        );
    }

    // Once the server forgets its nonces, the client takes the new challenge.
    fake.expire_nonces();
    bounded(client.send(&list)).await.unwrap();
    assert_eq!(fake.digest_challenges(), 2);
    client.send(&list).await.unwrap();
    assert_eq!(fake.digest_challenges(), 2);
    let requests = api_requests(&fake);
    assert_eq!(
        statuses(&requests),
        [401, 200, 200, 200, 200, 401, 200, 200]
    );
    let stale = requests[5].authorization.as_deref().unwrap();
    assert_eq!(digest_param(stale, "nonce"), first_nonce);
    assert_eq!(digest_param(stale, "nc"), "00000005");
    let renewed = requests[6].authorization.as_deref().unwrap();
    let second_nonce = digest_param(renewed, "nonce");
    assert_ne!(second_nonce, first_nonce);
    assert_eq!(digest_param(renewed, "nc"), "00000001");
    let next = requests[7].authorization.as_deref().unwrap();
    assert_eq!(digest_param(next, "nonce"), second_nonce);
    assert_eq!(digest_param(next, "nc"), "00000002");
    fake.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_private_key_is_unauthorized_after_one_challenge() {
    let fake = fake().await;
    let client = client(
        &fake,
        Credentials::api_key(PUBLIC_KEY, "00000000-0000-0000-0000-000000000000"),
    );
    let list = ListThirdPartyIntegrations::new(GROUP);
    let error = api_error(bounded(client.send(&list)).await);
    match &error {
        ListThirdPartyIntegrationsError::Unauthorized(response) => {
            assert_eq!(response.status, 401);
            assert_api_error(&response.body, 401, "UNAUTHORIZED");
        }
        other => panic!("expected Unauthorized, got {other:?}"),
    }
    assert_eq!(error.status(), 401);
    let requests = api_requests(&fake);
    assert_eq!(statuses(&requests), [401, 401]);
    assert_eq!(requests[0].authorization, None);
    assert_eq!(requests[1].auth_scheme(), Some("Digest"));
    assert_eq!(fake.digest_challenges(), 2);

    // A second call answers the latest challenge, is refused, and stops after one more try.
    let error = api_error(bounded(client.send(&list)).await);
    assert!(
        matches!(error, ListThirdPartyIntegrationsError::Unauthorized(_)),
        "{error:?}"
    );
    assert_eq!(statuses(&api_requests(&fake)), [401, 401, 401, 401]);

    // An unknown public key fares the same.
    let stranger = client_with(
        &fake,
        Credentials::api_key("nobodyxx", PRIVATE_KEY),
        fast_retries(),
    );
    let error = api_error(bounded(stranger.send(&list)).await);
    assert!(
        matches!(error, ListThirdPartyIntegrationsError::Unauthorized(_)),
        "{error:?}"
    );
    assert_eq!(api_requests(&fake).len(), 6);
    fake.stop().await.unwrap();
}

// Bearer.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_bearer_token_is_unauthorized_without_a_retry() {
    let fake = fake().await;
    let bad = client(&fake, Credentials::bearer("not-a-token-at-all"));
    let error = api_error(
        bounded(bad.send(&GetThirdPartyIntegration::new(
            GROUP,
            IntegrationType::Datadog,
        )))
        .await,
    );
    match &error {
        GetThirdPartyIntegrationError::Unauthorized(response) => {
            assert_eq!(response.status, 401);
            assert_api_error(&response.body, 401, "UNAUTHORIZED");
        }
        other => panic!("expected Unauthorized, got {other:?}"),
    }
    let requests = api_requests(&fake);
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].authorization.as_deref(),
        Some("Bearer not-a-token-at-all")
    );
    assert_eq!(fake.token_requests(), 0);

    // A good token that gets revoked: the client cannot refresh it, so it reports the 401.
    let token = issue_token(&fake).await;
    let client = client(&fake, Credentials::bearer(token.clone()));
    client
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await
        .unwrap();
    fake.revoke_tokens();
    let error = api_error(bounded(client.send(&ListThirdPartyIntegrations::new(GROUP))).await);
    assert!(
        matches!(error, ListThirdPartyIntegrationsError::Unauthorized(_)),
        "{error:?}"
    );
    let requests = api_requests(&fake);
    assert_eq!(statuses(&requests), [401, 200, 401]);
    assert_eq!(
        requests[2].authorization.as_deref(),
        Some(format!("Bearer {token}").as_str())
    );
    assert_eq!(fake.token_requests(), 1, "only the one made by hand");
    fake.stop().await.unwrap();
}

// Read-only credentials.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_credentials_read_but_cannot_change_anything() {
    let fake = fake().await;
    let id = fake
        .insert_raw(
            GROUP,
            json!({"type": "PAGER_DUTY", "serviceKey": "pagerduty-key-12345678", "region": "US"}),
        )
        .unwrap();
    for credentials in [
        Credentials::service_account(READER_ID, READER_SECRET),
        Credentials::api_key(READER_PUBLIC_KEY, READER_PRIVATE_KEY),
    ] {
        let client = client(&fake, credentials);
        let error = api_error(
            client
                .send(&CreateThirdPartyIntegration::new(
                    GROUP,
                    Datadog::new(DATADOG_KEY),
                ))
                .await,
        );
        match &error {
            CreateThirdPartyIntegrationError::Forbidden(response) => {
                assert_eq!(response.status, 403);
                assert_api_error(&response.body, 403, "USER_UNAUTHORIZED");
            }
            other => panic!("expected Forbidden, got {other:?}"),
        }
        let error = api_error(
            client
                .send(&UpdateThirdPartyIntegration::new(
                    GROUP,
                    PagerDuty::new("pagerduty-key-new-0000"),
                ))
                .await,
        );
        assert!(
            matches!(error, UpdateThirdPartyIntegrationError::Forbidden(_)),
            "{error:?}"
        );
        let error = api_error(
            client
                .send(&DeleteThirdPartyIntegration::new(
                    GROUP,
                    IntegrationType::PagerDuty,
                ))
                .await,
        );
        assert!(
            matches!(error, DeleteThirdPartyIntegrationError::Forbidden(_)),
            "{error:?}"
        );

        let got = client
            .send(&GetThirdPartyIntegration::new(
                GROUP,
                IntegrationType::PagerDuty,
            ))
            .await
            .unwrap();
        match &got {
            ThirdPartyIntegration::PagerDuty(pager_duty) => {
                assert_eq!(pager_duty.id.as_deref(), Some(id.as_str()));
                assert_eq!(
                    pager_duty.service_key.expose(),
                    mask("pagerduty-key-12345678")
                );
            }
            other => panic!("expected PagerDuty, got {other:?}"),
        }
        let list = client
            .send(&ListThirdPartyIntegrations::new(GROUP))
            .await
            .unwrap();
        assert_eq!(list.results, vec![got]);
    }
    // Nothing changed.
    assert_eq!(
        fake.integrations(GROUP),
        vec![json!({
            "type": "PAGER_DUTY",
            "serviceKey": "pagerduty-key-12345678",
            "region": "US",
            "id": id,
        })]
    );
    fake.stop().await.unwrap();
}

// Retries.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_request_waits_as_asked_and_is_sent_again() {
    let fake = fake().await;
    let client = client(&fake, owner_account());
    fake.seed(GROUP, 3);
    fake.fail_next(
        GROUP,
        vec![Fault::TooManyRequests {
            retry_after: Some(1),
        }],
    );
    let started = Instant::now();
    let page = client
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(page.results.len(), 3);
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_eq!(statuses(&api_requests(&fake)), [429, 200]);
    assert_eq!(fake.pending_faults(GROUP), 0);
    fake.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_without_retry_after_backs_off_and_succeeds() {
    let fake = fake().await;
    let client = client(&fake, owner_account());
    fake.fail_next(
        GROUP,
        vec![
            Fault::TooManyRequests { retry_after: None },
            Fault::TooManyRequests { retry_after: None },
        ],
    );
    let started = Instant::now();
    let page = client
        .send(&CreateThirdPartyIntegration::new(
            GROUP,
            Datadog::new(DATADOG_KEY),
        ))
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_millis(900));
    assert_eq!(page.results.len(), 1);
    assert_eq!(
        calls(&api_requests(&fake)),
        expected_calls(&[("POST", 429), ("POST", 429), ("POST", 200)])
    );
    assert_eq!(
        fake.stored(GROUP, "DATADOG").unwrap()["apiKey"],
        DATADOG_KEY
    );
    fake.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unavailable_answer_is_retried() {
    let fake = fake().await;
    let client = client(&fake, owner_account());
    fake.fail_next(GROUP, vec![Fault::ServiceUnavailable { retry_after: None }]);
    let page = client
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await
        .unwrap();
    assert_eq!(page.results, []);
    assert_eq!(statuses(&api_requests(&fake)), [503, 200]);
    fake.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_internal_error_is_not_retried() {
    let fake = fake().await;
    let client = client(&fake, owner_account());
    fake.fail_next(GROUP, vec![Fault::InternalError]);
    let error = api_error(client.send(&ListThirdPartyIntegrations::new(GROUP)).await);
    match &error {
        ListThirdPartyIntegrationsError::InternalServerError(response) => {
            assert_eq!(response.status, 500);
            assert_api_error(&response.body, 500, "UNEXPECTED_ERROR");
        }
        other => panic!("expected InternalServerError, got {other:?}"),
    }
    assert_eq!(statuses(&api_requests(&fake)), [500]);
    client
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await
        .unwrap();
    assert_eq!(statuses(&api_requests(&fake)), [500, 200]);
    fake.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_beyond_max_retries_is_the_undocumented_429() {
    let fake = fake().await;
    let policy = RetryPolicy {
        max_retries: 2,
        ..fast_retries()
    };
    let client = client_with(&fake, owner_account(), policy);
    fake.fail_next(
        GROUP,
        vec![
            Fault::TooManyRequests { retry_after: None },
            Fault::TooManyRequests { retry_after: None },
            Fault::TooManyRequests {
                retry_after: Some(1),
            },
            Fault::TooManyRequests { retry_after: None },
        ],
    );
    let started = Instant::now();
    let error = api_error(client.send(&ListThirdPartyIntegrations::new(GROUP)).await);
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "no wait after the last try"
    );
    match &error {
        ListThirdPartyIntegrationsError::Undocumented(raw) => {
            assert_eq!(raw.status, 429);
            let body: Value = serde_json::from_slice(&raw.body).unwrap();
            assert_eq!(body["errorCode"], "RATE_LIMITED");
        }
        other => panic!("expected Undocumented, got {other:?}"),
    }
    assert_eq!(error.status(), 429);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(statuses(&api_requests(&fake)), [429, 429, 429]);
    assert_eq!(fake.pending_faults(GROUP), 1);
    fake.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_beyond_max_elapsed_is_not_waited_for() {
    let fake = fake().await;
    let policy = RetryPolicy {
        max_elapsed: Duration::from_secs(5),
        ..fast_retries()
    };
    let client = client_with(&fake, owner_account(), policy);
    fake.fail_next(
        GROUP,
        vec![Fault::TooManyRequests {
            retry_after: Some(30),
        }],
    );
    let started = Instant::now();
    let error = api_error(bounded(client.send(&ListThirdPartyIntegrations::new(GROUP))).await);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(error, ListThirdPartyIntegrationsError::Undocumented(_)),
        "{error:?}"
    );
    assert_eq!(error.status(), 429);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(statuses(&api_requests(&fake)), [429]);

    // Retries disabled: a 503 comes straight back.
    let none = client_with(&fake, owner_account(), RetryPolicy::none());
    fake.fail_next(GROUP, vec![Fault::ServiceUnavailable { retry_after: None }]);
    let error = api_error(none.send(&ListThirdPartyIntegrations::new(GROUP)).await);
    assert_eq!(error.status(), 503);
    assert_eq!(statuses(&api_requests(&fake)), [429, 503]);
    fake.stop().await.unwrap();
}

// Paging.

/// The `pageNum` and `itemsPerPage` of every list request, in order.
fn list_pages(fake: &FakeAtlas) -> Vec<(String, String)> {
    api_requests(fake)
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/integrations"))
        .map(|r| {
            (
                r.query_param("pageNum").unwrap_or_default(),
                r.query_param("itemsPerPage").unwrap_or_default(),
            )
        })
        .collect()
}

fn pages(numbers: std::ops::RangeInclusive<u32>, per_page: u32) -> Vec<(String, String)> {
    numbers
        .map(|n| (n.to_string(), per_page.to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_all_reads_every_page_once_in_order() {
    let fake = fake().await;
    let ids = fake.seed(GROUP, 1200);
    let client = client(&fake, owner_account());

    let items: Vec<ThirdPartyIntegration> = client
        .list_all(GROUP, 500)
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(items.len(), 1200);
    let got: Vec<String> = items.iter().map(id_of).collect();
    assert_eq!(got, ids, "every id, in insertion order");
    assert_eq!(got.iter().collect::<HashSet<_>>().len(), 1200);
    assert_eq!(items[2].discriminator(), "DATADOG");
    assert_eq!(
        datadog_of(&items[2]).api_key.expose(),
        mask("datadog-api-key-000002")
    );
    assert_eq!(list_pages(&fake), pages(1..=3, 500));
    assert_eq!(statuses(&api_requests(&fake)), [200, 200, 200]);

    fake.clear_requests();
    let count = client
        .list_all(GROUP, 100)
        .fold(0usize, |n, item| async move {
            item.unwrap();
            n + 1
        })
        .await;
    assert_eq!(count, 1200);
    assert_eq!(list_pages(&fake), pages(1..=12, 100));
    fake.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_all_stops_at_the_total_without_an_empty_page() {
    let fake = fake().await;
    let ids = fake.seed(GROUP, 1000);
    let client = client(&fake, owner_account());
    let got: Vec<String> = client
        .list_all(GROUP, 500)
        .map(|item| id_of(&item.unwrap()))
        .collect()
        .await;
    assert_eq!(got, ids);
    assert_eq!(list_pages(&fake), pages(1..=2, 500));

    // An empty project: one request, nothing yielded.
    fake.add_project(UNKNOWN_GROUP);
    fake.clear_requests();
    let none: Vec<_> = client.list_all(UNKNOWN_GROUP, 500).collect().await;
    assert!(none.is_empty(), "{none:?}");
    assert_eq!(list_pages(&fake), pages(1..=1, 500));
    fake.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_all_yields_the_first_page_then_the_error_then_ends() {
    let fake = fake().await;
    let ids = fake.seed(GROUP, 1200);
    let client = client(&fake, owner_account());
    let mut stream = std::pin::pin!(client.list_all(GROUP, 500));
    let mut first = Vec::new();
    for _ in 0..500 {
        first.push(id_of(&stream.next().await.unwrap().unwrap()));
    }
    assert_eq!(first, ids[..500]);
    assert_eq!(list_pages(&fake), pages(1..=1, 500), "no page read ahead");

    fake.fail_next(GROUP, vec![Fault::InternalError]);
    let error = api_error::<(), _>(stream.next().await.unwrap().map(|_| ()));
    match &error {
        ListThirdPartyIntegrationsError::InternalServerError(response) => {
            assert_api_error(&response.body, 500, "UNEXPECTED_ERROR");
        }
        other => panic!("expected InternalServerError, got {other:?}"),
    }
    assert!(
        stream.next().await.is_none(),
        "the stream ends after an error"
    );
    assert_eq!(list_pages(&fake), pages(1..=2, 500));
    assert_eq!(statuses(&api_requests(&fake)), [200, 500]);
    fake.stop().await.unwrap();
}

// Upsert.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upsert_creates_then_updates() {
    let fake = fake().await;
    let client = client(&fake, owner_account());

    let mut first = Datadog::new(DATADOG_KEY);
    first.region = Some(DatadogRegion::Eu);
    let created = client.upsert(GROUP, first).await.unwrap();
    let created = datadog_of(&created).clone();
    assert_eq!(created.api_key.expose(), mask(DATADOG_KEY));
    assert!(created.api_key.is_read_back());
    assert_eq!(created.region, Some(DatadogRegion::Eu));
    assert_eq!(
        calls(&api_requests(&fake)),
        expected_calls(&[("POST", 200)])
    );
    assert_eq!(
        fake.stored(GROUP, "DATADOG").unwrap()["apiKey"],
        DATADOG_KEY
    );

    let updated = client
        .upsert(GROUP, Datadog::new(NEW_DATADOG_KEY))
        .await
        .unwrap();
    let updated = datadog_of(&updated);
    assert_eq!(updated.api_key.expose(), mask(NEW_DATADOG_KEY));
    assert_eq!(updated.id, created.id);
    assert_eq!(updated.region, None);
    assert_eq!(
        calls(&api_requests(&fake)),
        expected_calls(&[("POST", 200), ("POST", 409), ("PUT", 200)])
    );
    let stored = fake.stored(GROUP, "DATADOG").unwrap();
    assert_eq!(stored["apiKey"], NEW_DATADOG_KEY);
    assert_eq!(stored["id"], created.id.clone().unwrap().as_str());
    assert_eq!(fake.integrations(GROUP).len(), 1);
    fake.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_set_to_unchecked_sends_what_the_document_forbids() {
    let fake = fake().await;
    let long = "c".repeat(81);
    let create = CreateThirdPartyIntegration::new(GROUP, Slack::new("xoxb-1", long.clone()));

    // Checked by default: refused before anything is sent.
    let checked = client(&fake, owner_account());
    match checked.send(&create).await {
        Err(Error::Request(RequestError::Invalid(violations))) => {
            assert_eq!(violations.len(), 1, "{violations:?}");
            assert_eq!(violations[0].field, "body/channelName");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert!(api_requests(&fake).is_empty(), "nothing was sent");

    // Unchecked: the request goes out as built, and the server decides.
    let unchecked = Client::builder()
        .base_url(fake.base_url())
        .allow_plain_http(true)
        .credentials(owner_account())
        .retry(fast_retries())
        .validation(Validation::Unchecked)
        .build()
        .unwrap();
    let _ = unchecked.send(&create).await;
    let requests = api_requests(&fake);
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(
        requests[0].path,
        format!("/api/atlas/v1.0/groups/{GROUP}/integrations/SLACK")
    );
    assert_eq!(
        requests[0].body,
        format!(r#"{{"type":"SLACK","apiToken":"xoxb-1","channelName":"{long}"}}"#)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upsert_refuses_a_read_back_key_unless_told_to_resend_it() {
    let fake = fake().await;
    let client = client(&fake, owner_account());
    client
        .upsert(GROUP, Datadog::new(DATADOG_KEY))
        .await
        .unwrap();
    let got = client
        .send(&GetThirdPartyIntegration::new(
            GROUP,
            IntegrationType::Datadog,
        ))
        .await
        .unwrap();
    let sent_before = api_requests(&fake).len();

    match client.upsert(GROUP, got.clone()).await {
        Err(UpsertError::Create(Error::Request(RequestError::ReadBackSecrets(secrets)))) => {
            assert_eq!(secrets.fields, ["/apiKey"]);
        }
        other => panic!("expected ReadBackSecrets, got {other:?}"),
    }
    assert_eq!(api_requests(&fake).len(), sent_before, "nothing was sent");
    assert_eq!(
        fake.stored(GROUP, "DATADOG").unwrap()["apiKey"],
        DATADOG_KEY,
        "the real key is untouched"
    );

    // Asked for explicitly, the value read is sent as it is.
    let mut resend = datadog_of(&got).clone();
    resend.api_key = resend.api_key.resend_read_value();
    let result = client.upsert(GROUP, resend).await.unwrap();
    assert_eq!(
        datadog_of(&result).api_key.expose(),
        mask(&mask(DATADOG_KEY))
    );
    let requests = api_requests(&fake);
    assert_eq!(
        calls(&requests[sent_before..]),
        expected_calls(&[("POST", 409), ("PUT", 200)])
    );
    assert_eq!(
        fake.stored(GROUP, "DATADOG").unwrap()["apiKey"],
        mask(DATADOG_KEY)
    );
    fake.stop().await.unwrap();
}

// Envelopes and pretty printing.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn envelope_and_pretty_decode_the_same_values() {
    let fake = fake().await;
    fake.seed(GROUP, 30);
    let client = client(&fake, owner_account());
    let list = || {
        ListThirdPartyIntegrations::new(GROUP)
            .items_per_page(10)
            .page_num(2)
    };
    let get = || GetThirdPartyIntegration::new(GROUP, IntegrationType::Datadog);
    let plain_list = client.send(&list()).await.unwrap();
    assert_eq!(plain_list.results.len(), 10);
    assert_eq!(plain_list.total_count, Some(30));
    let plain_get = client.send(&get()).await.unwrap();
    assert_eq!(
        datadog_of(&plain_get).api_key.expose(),
        mask("datadog-api-key-000002")
    );

    for (envelope, pretty) in [(true, false), (false, true), (true, true)] {
        let mut list_request = list();
        let mut get_request = get();
        if envelope {
            list_request = list_request.envelope(true);
            get_request = get_request.envelope(true);
        }
        if pretty {
            list_request = list_request.pretty(true);
            get_request = get_request.pretty(true);
        }
        let label = format!("envelope={envelope} pretty={pretty}");
        let mut page = client.send(&list_request).await.unwrap();
        // An enveloped page carries its status beside the results, kept as a key the page does
        // not declare.
        let kept: Vec<&str> = page.unknown_fields.keys().collect();
        let expected: &[&str] = if envelope { &["status"] } else { &[] };
        assert_eq!(kept, expected, "{label}");
        page.unknown_fields.clear();
        assert_eq!(page, plain_list, "{label}");
        let got = client.send(&get_request).await;
        assert_eq!(got.unwrap(), plain_get, "{label}");
    }
    let requests = api_requests(&fake);
    assert_eq!(statuses(&requests), [200; 8]);
    let flags: Vec<(Option<String>, Option<String>)> = requests
        .iter()
        .map(|r| (r.query_param("envelope"), r.query_param("pretty")))
        .collect();
    let t = || Some("true".to_owned());
    assert_eq!(
        flags,
        [
            (None, None),
            (None, None),
            (t(), None),
            (t(), None),
            (None, t()),
            (None, t()),
            (t(), t()),
            (t(), t()),
        ]
    );

    // Errors and empty answers come through envelopes too.
    let error = api_error(
        client
            .send(
                &GetThirdPartyIntegration::new(UNKNOWN_GROUP, IntegrationType::Datadog)
                    .envelope(true),
            )
            .await,
    );
    assert_eq!(error.status(), 404);
    assert!(
        matches!(&error, GetThirdPartyIntegrationError::NotFound(r) if r.body.error_code == "GROUP_NOT_FOUND"),
        "{error:?}"
    );
    let datadog_ids = |fake: &FakeAtlas| -> Vec<String> {
        fake.integrations(GROUP)
            .iter()
            .filter(|i| i["type"] == "DATADOG")
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = datadog_ids(&fake);
    assert_eq!(before.len(), 4, "seeded at 2, 11, 20 and 29");
    assert_eq!(before[0], id_of(&plain_get));
    client
        .send(&DeleteThirdPartyIntegration::new(GROUP, IntegrationType::Datadog).envelope(true))
        .await
        .unwrap();
    assert_eq!(datadog_ids(&fake), before[1..]);
    assert_eq!(api_requests(&fake).last().unwrap().status, Some(204));
    fake.stop().await.unwrap();
}

/// With `envelope=true` the server answers 200 and puts the real status in the body, also for a
/// Digest challenge: the client must still take it up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enveloped_first_request_with_an_api_key_is_answered() {
    let fake = fake().await;
    fake.seed(GROUP, 3);
    let client = client(&fake, owner_key());
    let page = bounded(client.send(&ListThirdPartyIntegrations::new(GROUP).envelope(true))).await;
    let page = page.unwrap_or_else(|e| panic!("{e:?}\n{:?}", statuses(&api_requests(&fake))));
    assert_eq!(page.results.len(), 3);
    assert_eq!(statuses(&api_requests(&fake)), [401, 200]);
    fake.stop().await.unwrap();
}

/// An enveloped 429 is still a throttled answer, and is retried.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enveloped_throttled_answer_is_retried() {
    let fake = fake().await;
    let client = client(&fake, owner_account());
    fake.fail_next(GROUP, vec![Fault::TooManyRequests { retry_after: None }]);
    let page = bounded(client.send(&ListThirdPartyIntegrations::new(GROUP).envelope(true))).await;
    let page = page.unwrap_or_else(|e| panic!("{e:?}\n{:?}", statuses(&api_requests(&fake))));
    assert_eq!(page.results, []);
    assert_eq!(statuses(&api_requests(&fake)), [429, 200]);
    fake.stop().await.unwrap();
}

/// An enveloped 401 for a revoked token is still refused credentials: the token is refreshed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enveloped_refusal_of_a_revoked_token_refreshes_it() {
    let fake = fake().await;
    let client = client(&fake, owner_account());
    client
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await
        .unwrap();
    fake.revoke_tokens();
    let page = bounded(client.send(&ListThirdPartyIntegrations::new(GROUP).envelope(true))).await;
    let page = page.unwrap_or_else(|e| panic!("{e:?}\n{:?}", statuses(&api_requests(&fake))));
    assert_eq!(page.results, []);
    assert_eq!(statuses(&api_requests(&fake)), [200, 401, 200]);
    assert_eq!(fake.token_requests(), 2);
    fake.stop().await.unwrap();
}

// What the client refuses, and what it does not print.

#[test]
fn plain_http_is_refused_unless_allowed() {
    for builder in [Client::builder(), Client::builder().allow_plain_http(false)] {
        let result = builder
            .base_url("http://127.0.0.1:9")
            .credentials(owner_account())
            .build();
        match result {
            Err(BuildError::PlainHttp(url)) => assert_eq!(url, "http://127.0.0.1:9"),
            other => panic!("expected PlainHttp, got {other:?}"),
        }
    }
    assert!(
        Client::builder()
            .base_url("http://127.0.0.1:9")
            .allow_plain_http(true)
            .credentials(owner_account())
            .build()
            .is_ok()
    );
    assert!(
        Client::builder()
            .credentials(owner_account())
            .build()
            .is_ok()
    );
    assert!(matches!(
        Client::builder().build(),
        Err(BuildError::NoCredentials)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_output_never_shows_a_secret() {
    let fake = fake().await;
    let bearer_token = issue_token(&fake).await;
    let credentials = [
        owner_account(),
        owner_key(),
        Credentials::bearer(bearer_token.clone()),
    ];
    let secrets = [OWNER_SECRET, PRIVATE_KEY, bearer_token.as_str()];
    for credentials in &credentials {
        let printed = format!("{credentials:?}");
        assert!(printed.contains(MASK), "{printed}");
        for secret in secrets {
            assert!(!printed.contains(secret), "{printed}");
        }
        let builder = Client::builder().credentials(credentials.clone());
        let printed = format!("{builder:?}");
        for secret in secrets {
            assert!(!printed.contains(secret), "{printed}");
        }
    }
    let mut clients = Vec::new();
    for credentials in credentials {
        let client = client(&fake, credentials);
        client
            .send(&ListThirdPartyIntegrations::new(GROUP))
            .await
            .unwrap();
        clients.push(client);
    }
    // The service account's cached token is a secret too.
    let account_token = api_requests(&fake)[0]
        .authorization
        .clone()
        .unwrap()
        .trim_start_matches("Bearer ")
        .to_owned();
    assert_ne!(account_token, bearer_token);
    for client in &clients {
        let printed = format!("{client:?}");
        assert!(printed.contains(MASK), "{printed}");
        for secret in secrets.iter().copied().chain([account_token.as_str()]) {
            assert!(!printed.contains(secret), "{printed}");
        }
    }
    // A refused service account's error does not show its secret either.
    let refused = client(
        &fake,
        Credentials::service_account(OWNER_ID, "mdb_sa_sk_wrong-secret-9f9f"),
    );
    let error = refused
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await
        .unwrap_err();
    for printed in [format!("{error:?}"), error.to_string()] {
        assert!(
            !printed.contains("mdb_sa_sk_wrong-secret-9f9f"),
            "{printed}"
        );
    }
    fake.stop().await.unwrap();
}

// Not found.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_project_and_an_unconfigured_kind_are_not_found() {
    let fake = fake().await;
    let client = client(&fake, owner_key());

    let error = api_error(
        client
            .send(&ListThirdPartyIntegrations::new(UNKNOWN_GROUP))
            .await,
    );
    match &error {
        ListThirdPartyIntegrationsError::NotFound(response) => {
            assert_eq!(response.status, 404);
            assert_api_error(&response.body, 404, "GROUP_NOT_FOUND");
            assert_eq!(response.body.parameters, Some(vec![json!(UNKNOWN_GROUP)]));
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    let error = api_error(
        client
            .send(&GetThirdPartyIntegration::new(
                UNKNOWN_GROUP,
                IntegrationType::Slack,
            ))
            .await,
    );
    assert!(
        matches!(&error, GetThirdPartyIntegrationError::NotFound(r) if r.body.error_code == "GROUP_NOT_FOUND"),
        "{error:?}"
    );
    match client
        .upsert(UNKNOWN_GROUP, Datadog::new(DATADOG_KEY))
        .await
    {
        Err(UpsertError::Create(Error::Api(CreateThirdPartyIntegrationError::NotFound(r)))) => {
            assert_api_error(&r.body, 404, "GROUP_NOT_FOUND");
        }
        other => panic!("expected NotFound, got {other:?}"),
    }

    let error = api_error(
        client
            .send(&GetThirdPartyIntegration::new(
                GROUP,
                IntegrationType::Slack,
            ))
            .await,
    );
    match &error {
        GetThirdPartyIntegrationError::NotFound(response) => {
            assert_api_error(&response.body, 404, "INTEGRATION_NOT_FOUND");
            assert_eq!(response.body.parameters, Some(vec![json!("SLACK")]));
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    let error = api_error(
        client
            .send(&DeleteThirdPartyIntegration::new(
                GROUP,
                IntegrationType::Datadog,
            ))
            .await,
    );
    assert!(
        matches!(&error, DeleteThirdPartyIntegrationError::NotFound(r) if r.body.error_code == "INTEGRATION_NOT_FOUND"),
        "{error:?}"
    );
    let error = api_error(
        client
            .send(&UpdateThirdPartyIntegration::new(
                GROUP,
                Datadog::new(DATADOG_KEY),
            ))
            .await,
    );
    assert!(
        matches!(&error, UpdateThirdPartyIntegrationError::NotFound(r) if r.body.error_code == "INTEGRATION_NOT_FOUND"),
        "{error:?}"
    );
    assert!(fake.integrations(GROUP).is_empty());
    // One challenge, then one request per call.
    assert_eq!(
        statuses(&api_requests(&fake)),
        [401, 404, 404, 404, 404, 404, 404]
    );
    fake.stop().await.unwrap();
}

// User-Agent.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_names_the_crate_and_its_version() {
    assert_eq!(
        USER_AGENT,
        format!("atlas-integrations/{}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(USER_AGENT, "atlas-integrations/0.1.0");
    let fake = fake().await;
    for credentials in [owner_account(), owner_key()] {
        let client = client(&fake, credentials);
        client
            .send(&ListThirdPartyIntegrations::new(GROUP))
            .await
            .unwrap();
    }
    let requests = fake.requests();
    assert_eq!(
        requests.iter().filter(|r| r.path == TOKEN_PATH).count(),
        1,
        "the token request is checked too"
    );
    assert_eq!(requests.len(), 4);
    for request in &requests {
        assert_eq!(
            request.header("user-agent"),
            Some(USER_AGENT),
            "{} {}",
            request.method,
            request.path
        );
    }
    fake.stop().await.unwrap();
}

// Values met in the field.

/// The project of the field scenarios below.
const FIELD_GROUP: &str = "5f1b2c3d4e5f60718293a4b5";

/// From the field file atlas-03-newrelic-real-account-ids.json: a New Relic integration with a
/// 7-digit account id, an EU license key (`eu01xx…NRAL`) and `NRII-`/`NRIQ-` keys. The page Atlas
/// answers with decodes, and a create with the real values is built, sent and stored as given.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_relic_with_real_account_values_decodes_and_is_created() {
    // `list_response` of the field file.
    let list_response = json!({
        "links": [{"rel": "self", "href": "https://cloud.mongodb.com/api/atlas/v1.0/groups/5f1b2c3d4e5f60718293a4b5/integrations?pageNum=1&itemsPerPage=100"}],
        "results": [
            {"type": "NEW_RELIC", "licenseKey": "eu01xx5a6b7c8d9e0f1a2b3c4d5e6f7aXXXXXXXX", "accountId": "3141592", "writeToken": "NRII-aB3dE5fG7hJ9kL1mN3pQXXXXXXX", "readToken": "NRIQ-zY8xW6vU4tS2rQ0pO8nMXXXXXXX"},
            {"type": "OPS_GENIE", "apiKey": "1a2b3c4d-5e6f-4a7b-8c9d-XXXXXXXXXXXX", "region": "EU"}
        ],
        "totalCount": 2
    });
    let response = http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&list_response).unwrap())
        .unwrap();
    let page = ListThirdPartyIntegrations::new(FIELD_GROUP)
        .parse_response(response)
        .unwrap();
    assert_eq!(page.total_count, Some(2));
    match page.results.as_slice() {
        [
            ThirdPartyIntegration::NewRelic(new_relic),
            ThirdPartyIntegration::OpsGenie(ops_genie),
        ] => {
            assert_eq!(new_relic.account_id, "3141592");
            assert_eq!(
                new_relic.license_key.expose(),
                "eu01xx5a6b7c8d9e0f1a2b3c4d5e6f7aXXXXXXXX"
            );
            assert_eq!(
                new_relic.write_token.expose(),
                "NRII-aB3dE5fG7hJ9kL1mN3pQXXXXXXX"
            );
            assert_eq!(
                new_relic.read_token.expose(),
                "NRIQ-zY8xW6vU4tS2rQ0pO8nMXXXXXXX"
            );
            assert_eq!(ops_genie.region, Some(OpsGenieRegion::Eu));
        }
        other => panic!("expected New Relic then Opsgenie, got {other:?}"),
    }

    // `create_input` of the field file.
    let (account_id, license_key, read_token, write_token) = (
        "3141592",
        "eu01xx5a6b7c8d9e0f1a2b3c4d5e6f7a8b9cNRAL",
        "NRIQ-zY8xW6vU4tS2rQ0pO8nM6lK4jH2",
        "NRII-aB3dE5fG7hJ9kL1mN3pQ5rS7tU9",
    );
    let create = CreateThirdPartyIntegration::new(
        FIELD_GROUP,
        NewRelic::new(account_id, license_key, read_token, write_token),
    );
    create.build().unwrap();
    let fake = fake().await;
    fake.add_project(FIELD_GROUP);
    let client = client(&fake, owner_account());
    let page = bounded(client.send(&create)).await.unwrap();
    assert_eq!(
        fake.stored(FIELD_GROUP, "NEW_RELIC").map(|mut stored| {
            stored.as_object_mut().unwrap().remove("id");
            stored
        }),
        Some(json!({
            "type": "NEW_RELIC",
            "accountId": account_id,
            "licenseKey": license_key,
            "readToken": read_token,
            "writeToken": write_token,
        }))
    );
    match page.results.as_slice() {
        [ThirdPartyIntegration::NewRelic(new_relic)] => {
            assert_eq!(new_relic.account_id, account_id);
            assert_eq!(new_relic.license_key.expose(), mask(license_key));
        }
        other => panic!("expected the New Relic integration, got {other:?}"),
    }
    assert_eq!(statuses(&api_requests(&fake)), [200]);
    fake.stop().await.unwrap();
}

/// The token endpoint's 429 of the field file atlas-08-oauth-token-rate-limited.json
/// (`token_429`), with `Retry-After` as given (the file's is `"1"`).
fn token_rate_limited(retry_after: &str) -> Fault {
    Fault::Answer {
        status: 429,
        headers: vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("Retry-After".to_owned(), retry_after.to_owned()),
        ],
        body: json!({
            "detail": "Resource /api/oauth/token is limited to 10 requests every 1 minutes.",
            "error": 429,
            "errorCode": "RATE_LIMITED",
            "parameters": ["/api/oauth/token", 10, 1],
            "reason": "Too Many Requests"
        })
        .to_string(),
    }
}

/// From atlas-08-oauth-token-rate-limited.json: the token endpoint answers 429 with
/// `Retry-After: 1`, then a token; the call waits as asked, sends the token request again, and
/// succeeds with the (empty) list of the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_token_request_is_retried_and_the_call_succeeds() {
    let fake = fake().await;
    fake.add_project(FIELD_GROUP);
    fake.fail_before_auth(vec![token_rate_limited("1")]);
    let client = client(&fake, owner_account());
    let started = Instant::now();
    let page = bounded(client.send(&ListThirdPartyIntegrations::new(FIELD_GROUP)))
        .await
        .unwrap();
    eprintln!(
        "a throttled token request (Retry-After: 1) then the call: {:?}",
        started.elapsed()
    );
    // `list_200` of the field file.
    assert!(page.results.is_empty(), "{page:?}");
    assert_eq!(page.total_count, Some(0));
    assert_eq!(statuses(&token_endpoint_requests(&fake)), [429, 200]);
    assert_eq!(fake.token_requests(), 2);
    assert_eq!(fake.tokens_issued(), 1);
    assert_eq!(statuses(&api_requests(&fake)), [200]);
    fake.stop().await.unwrap();
}

/// From atlas-08-oauth-token-rate-limited.json: without retries, the token endpoint's 429 is the
/// error, with its status, error code, detail and `Retry-After`, so the caller can back off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_token_request_without_retries_keeps_the_answer() {
    let fake = fake().await;
    fake.add_project(FIELD_GROUP);
    fake.fail_before_auth(vec![token_rate_limited("1")]);
    let no_retries = client_with(&fake, owner_account(), RetryPolicy::none());
    let result = bounded(no_retries.send(&ListThirdPartyIntegrations::new(FIELD_GROUP))).await;
    let failure = match result {
        Err(Error::Auth(AuthError::TokenRefused(failure))) => failure,
        other => panic!("expected TokenRefused, got {other:?}"),
    };
    assert_eq!(failure.status(), 429);
    assert_eq!(failure.error_code(), Some("RATE_LIMITED"));
    assert_eq!(
        failure.detail(),
        Some("Resource /api/oauth/token is limited to 10 requests every 1 minutes.")
    );
    assert_eq!(failure.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(failure.headers()["retry-after"], "1");
    let message =
        Error::<ListThirdPartyIntegrationsError>::Auth(AuthError::TokenRefused(failure.clone()))
            .to_string();
    assert!(
        message.contains("429") && message.contains("RATE_LIMITED"),
        "{message}"
    );
    assert_eq!(fake.token_requests(), 1);
    assert!(
        api_requests(&fake).is_empty(),
        "nothing reached the resource"
    );

    // With retries, throttling beyond them is the same error after 1 + max_retries requests;
    // a Retry-After as an HTTP date (here, one already past) is honoured too.
    fake.clear_requests();
    let now = httpdate::fmt_http_date(std::time::SystemTime::now());
    fake.fail_before_auth(vec![token_rate_limited(&now); 5]);
    let client = client(&fake, owner_account());
    let result = bounded(client.send(&ListThirdPartyIntegrations::new(FIELD_GROUP))).await;
    match result {
        Err(Error::Auth(AuthError::TokenRefused(failure))) => {
            assert_eq!(failure.status(), 429);
            assert_eq!(failure.error_code(), Some("RATE_LIMITED"));
        }
        other => panic!("expected TokenRefused, got {other:?}"),
    }
    assert_eq!(statuses(&token_endpoint_requests(&fake)), [429; 4]);
    assert!(api_requests(&fake).is_empty());
    fake.stop().await.unwrap();
}

/// A gateway throttles the first, unauthenticated request of an API key before Atlas can
/// challenge it: the 429 is retried like any other, and kept whole when it is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_digest_challenge_is_retried_and_kept_when_not() {
    let fake = fake().await;
    fake.seed(GROUP, 2);
    fake.fail_before_auth(vec![Fault::TooManyRequests {
        retry_after: Some(0),
    }]);
    let client = client(&fake, owner_key());
    let page = bounded(client.send(&ListThirdPartyIntegrations::new(GROUP)))
        .await
        .unwrap();
    assert_eq!(page.results.len(), 2);
    assert_eq!(statuses(&api_requests(&fake)), [429, 401, 200]);

    fake.clear_requests();
    fake.fail_before_auth(vec![Fault::TooManyRequests {
        retry_after: Some(1),
    }]);
    let client = client_with(&fake, owner_key(), RetryPolicy::none());
    let error = api_error(bounded(client.send(&ListThirdPartyIntegrations::new(GROUP))).await);
    assert_eq!(error.status(), 429);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    match &error {
        ListThirdPartyIntegrationsError::Undocumented(raw) => {
            let body: Value = serde_json::from_slice(&raw.body).unwrap();
            assert_eq!(body["errorCode"], "RATE_LIMITED");
        }
        other => panic!("expected the undocumented 429, got {other:?}"),
    }
    assert_eq!(statuses(&api_requests(&fake)), [429]);
    fake.stop().await.unwrap();
}

/// From atlas-13-list-pagination.json, part A: Atlas honours `itemsPerPage=2` over 5
/// integrations; every integration is yielded once, every request carries `itemsPerPage` and
/// `pageNum`, and paging stops after the last page, with or without `totalCount`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_all_pages_two_at_a_time_and_stops_after_the_last_page() {
    let fake = fake().await;
    fake.add_project(FIELD_GROUP);
    let ids = fake.seed(FIELD_GROUP, 5);
    let client = client(&fake, owner_account());
    for omit_total_count in [false, true] {
        fake.set_paging(Paging {
            omit_total_count,
            ..Paging::default()
        });
        fake.clear_requests();
        let got: Vec<String> = bounded(
            client
                .list_all(FIELD_GROUP, 2)
                .map(|item| id_of(&item.unwrap()))
                .collect::<Vec<_>>(),
        )
        .await;
        assert_eq!(got, ids, "without totalCount: {omit_total_count}");
        assert_eq!(list_pages(&fake), pages(1..=3, 2));
    }
    fake.stop().await.unwrap();
}

/// From atlas-13-list-pagination.json, part B: an intermediary answers 100 items per page
/// whatever is asked, while `totalCount` says 150 and a next link is present; paging goes on
/// (at the page size the link names) until all 150 are yielded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_all_goes_on_while_the_total_says_more_remain() {
    let fake = fake().await;
    fake.add_project(FIELD_GROUP);
    let ids = fake.seed(FIELD_GROUP, 150);
    fake.set_paging(Paging {
        max_items_per_page: Some(100),
        ..Paging::default()
    });
    let client = client(&fake, owner_account());
    let got: Vec<String> = bounded(
        client
            .list_all(FIELD_GROUP, 500)
            .map(|item| id_of(&item.unwrap()))
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(got.len(), 150);
    assert_eq!(got, ids);
    assert_eq!(
        list_pages(&fake),
        [
            ("1".to_owned(), "500".to_owned()),
            ("2".to_owned(), "100".to_owned())
        ]
    );
    fake.stop().await.unwrap();
}

/// A server that names a next page on every page, the last one too: paging stops at
/// `totalCount`; without it, at the empty page past the end; when every page is the first one,
/// at the page that adds nothing new; and otherwise at the client's page limit, with an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_next_link_never_keeps_list_all_going() {
    let fake = fake().await;
    let ids = fake.seed(GROUP, 5);
    let client = client(&fake, owner_account());
    let list = |client: Client| async move {
        bounded(client.list_all(GROUP, 2).collect::<Vec<_>>()).await
    };
    let endless = Paging {
        always_next: true,
        ..Paging::default()
    };

    fake.set_paging(endless);
    let got: Vec<String> = list(client.clone())
        .await
        .iter()
        .map(|item| id_of(item.as_ref().unwrap()))
        .collect();
    assert_eq!(got, ids);
    assert_eq!(list_pages(&fake), pages(1..=3, 2), "stopped by totalCount");

    fake.set_paging(Paging {
        omit_total_count: true,
        ..endless
    });
    fake.clear_requests();
    let got: Vec<String> = list(client.clone())
        .await
        .iter()
        .map(|item| id_of(item.as_ref().unwrap()))
        .collect();
    assert_eq!(got, ids);
    assert_eq!(
        list_pages(&fake),
        pages(1..=4, 2),
        "stopped by the empty page"
    );

    fake.set_paging(Paging {
        omit_total_count: true,
        ignore_page_num: true,
        ..endless
    });
    fake.clear_requests();
    let got: Vec<String> = list(client.clone())
        .await
        .iter()
        .map(|item| id_of(item.as_ref().unwrap()))
        .collect();
    assert_eq!(got, ids[..2], "what the server gives, once");
    assert_eq!(
        list_pages(&fake),
        pages(1..=2, 2),
        "stopped by the page that adds nothing"
    );

    fake.set_paging(Paging {
        omit_total_count: true,
        ..endless
    });
    fake.clear_requests();
    let limited = Client::builder()
        .base_url(fake.base_url())
        .allow_plain_http(true)
        .credentials(owner_account())
        .retry(fast_retries())
        .max_pages(2)
        .build()
        .unwrap();
    let items = list(limited).await;
    assert_eq!(items.len(), 5, "4 integrations, then the error");
    let got: Vec<String> = items[..4]
        .iter()
        .map(|item| id_of(item.as_ref().unwrap()))
        .collect();
    assert_eq!(got, ids[..4]);
    match &items[4] {
        Err(Error::PageLimit(2)) => {}
        other => panic!("expected the page limit, got {other:?}"),
    }
    assert_eq!(list_pages(&fake), pages(1..=2, 2));
    fake.stop().await.unwrap();
}
