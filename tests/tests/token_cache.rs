#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A token endpoint cannot hurt the client: whatever `expires_in` it sends, a token is reused for
//! a bounded time (or the answer is a typed error), never a panic or a token request per call; a
//! token that cannot be a header value, or is too long, is refused before it is cached; and a
//! revoked token is refreshed once for all the calls that sent it.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use atlas_integrations::client::{
    AuthError, Client, Credentials, Error, MAX_TOKEN_LEN, MAX_TOKEN_LIFETIME, MIN_TOKEN_LIFETIME,
    RetryPolicy, token_lifetime,
};
use atlas_integrations::operations::{ListThirdPartyIntegrations, ListThirdPartyIntegrationsError};
use codegen_tests::raw_server::{RawReply, RawServer};
use fake_atlas::{FakeAtlas, Role, TOKEN_PATH};
use serde_json::{Value, json};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const CLIENT_ID: &str = "mdb_sa_id_owner";
const CLIENT_SECRET: &str = "mdb_sa_sk_owner-secret-7d1e";
const EMPTY_PAGE: &str = r#"{"results": [], "totalCount": 0}"#;

/// Fails instead of hanging when the client loops.
async fn bounded<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), future)
        .await
        .expect("the client did not answer within 60 s")
}

fn client(base_url: String) -> Client {
    Client::builder()
        .base_url(base_url)
        .allow_plain_http(true)
        .credentials(Credentials::service_account(CLIENT_ID, CLIENT_SECRET))
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// A server whose token endpoint answers `token_body` and whose API answers an empty page to
/// any request bearing `Bearer {token}`; it counts token and API requests.
async fn token_server(token_body: Vec<u8>) -> (RawServer, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let tokens = Arc::new(AtomicUsize::new(0));
    let calls = Arc::new(AtomicUsize::new(0));
    let (t, c) = (Arc::clone(&tokens), Arc::clone(&calls));
    let server = RawServer::start(move |request| {
        if request.target == TOKEN_PATH {
            t.fetch_add(1, Ordering::SeqCst);
            RawReply::json(200, token_body.clone())
        } else {
            c.fetch_add(1, Ordering::SeqCst);
            match request.header("authorization") {
                Some(value) if value.starts_with("Bearer ") => RawReply::json(200, EMPTY_PAGE),
                _ => RawReply::json(401, r#"{"error": 401, "errorCode": "UNAUTHORIZED"}"#),
            }
        }
    })
    .await
    .unwrap();
    (server, tokens, calls)
}

fn answer(expires_in: Option<Value>) -> Vec<u8> {
    let mut body = json!({"access_token": "eyJ0b2tlbi0x", "token_type": "Bearer"});
    if let Some(expires_in) = expires_in {
        body["expires_in"] = expires_in;
    }
    serde_json::to_vec(&body).unwrap()
}

/// Every `expires_in` an endpoint may send, raw (as JSON text), with the time the token is
/// reused for, or `None` for a typed error.
fn expires_in_cases() -> Vec<(&'static str, Option<Duration>)> {
    let secs = Duration::from_secs;
    vec![
        ("absent", Some(secs(3540))),
        ("null", Some(secs(3540))),
        ("0", Some(MIN_TOKEN_LIFETIME)),
        ("-1", Some(MIN_TOKEN_LIFETIME)),
        ("-9223372036854775808", Some(MIN_TOKEN_LIFETIME)),
        ("3600", Some(secs(3540))),
        ("3600.0", Some(secs(3540))),
        ("0.5", Some(MIN_TOKEN_LIFETIME)),
        ("120", Some(secs(108))),
        ("9223372036854775807", Some(MAX_TOKEN_LIFETIME)),
        ("18446744073709551615", Some(MAX_TOKEN_LIFETIME)),
        ("1e308", Some(MAX_TOKEN_LIFETIME)),
        ("\"3600\"", Some(secs(3540))),
        ("\" 7200 \"", Some(secs(7140))),
        ("\"NaN\"", Some(MIN_TOKEN_LIFETIME)),
        ("\"inf\"", Some(MAX_TOKEN_LIFETIME)),
        ("\"soon\"", None),
        ("\"\"", None),
        ("true", None),
        ("false", None),
        ("[3600]", None),
        ("{\"seconds\": 3600}", None),
    ]
}

#[test]
fn every_expires_in_gives_a_bounded_lifetime_or_a_typed_error() {
    for (raw, expected) in expires_in_cases() {
        let value: Option<Value> = (raw != "absent").then(|| serde_json::from_str(raw).unwrap());
        let lifetime = token_lifetime(value.as_ref());
        match (lifetime, expected) {
            (Ok(lifetime), Some(expected)) => {
                assert_eq!(lifetime, expected, "expires_in {raw}");
                assert!((MIN_TOKEN_LIFETIME..=MAX_TOKEN_LIFETIME).contains(&lifetime));
            }
            (Err(AuthError::TokenMalformed(reason)), None) => {
                assert!(reason.contains("expires_in"), "{raw}: {reason}");
            }
            (other, expected) => panic!("expires_in {raw}: {other:?}, expected {expected:?}"),
        }
    }
}

/// Through the client, each answer serves every call with one token request, or fails each call
/// with a typed error and one token request (nothing is cached), never panicking.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_expires_in_costs_one_token_request_or_a_typed_error() {
    const SEQUENTIAL: usize = 4;
    const CONCURRENT: usize = 20;
    for (raw, expected) in expires_in_cases() {
        let body = match raw {
            "absent" => answer(None),
            raw => {
                format!(r#"{{"access_token": "eyJ0b2tlbi0x", "expires_in": {raw}}}"#).into_bytes()
            }
        };
        let (server, tokens, calls) = token_server(body).await;
        let client = client(server.base_url());
        let list = ListThirdPartyIntegrations::new(GROUP);
        let mut results = Vec::new();
        for _ in 0..SEQUENTIAL {
            results.push(bounded(client.send(&list)).await);
        }
        let together = (0..CONCURRENT).map(|_| client.send(&list));
        results.extend(bounded(futures_util::future::join_all(together)).await);
        let total = SEQUENTIAL + CONCURRENT;
        match expected {
            Some(_) => {
                assert!(results.iter().all(Result::is_ok), "{raw}: {results:?}");
                assert_eq!(tokens.load(Ordering::SeqCst), 1, "expires_in {raw}");
                assert_eq!(calls.load(Ordering::SeqCst), total);
            }
            None => {
                for result in &results {
                    match result {
                        Err(Error::Auth(AuthError::TokenMalformed(reason))) => {
                            assert!(reason.contains("expires_in"), "{raw}: {reason}");
                        }
                        other => panic!("expires_in {raw}: expected TokenMalformed, got {other:?}"),
                    }
                }
                // Nothing cached: at most one token request per call, and no call reached the API.
                let fetched = tokens.load(Ordering::SeqCst);
                assert!((1..=total).contains(&fetched), "{raw}: {fetched}");
                assert_eq!(calls.load(Ordering::SeqCst), 0);
            }
        }
    }
}

/// Sends two calls against a token endpoint answering `token`, and expects both refused with
/// `TokenMalformed` naming `reason`, with a token request each (it was not cached) and nothing
/// sent to the API.
async fn assert_token_refused(token: &str, reason: &str) {
    let body = serde_json::to_vec(&json!({"access_token": token, "expires_in": 3600})).unwrap();
    let (server, tokens, calls) = token_server(body).await;
    let client = client(server.base_url());
    for call in 1..=2 {
        match bounded(client.send(&ListThirdPartyIntegrations::new(GROUP))).await {
            Err(Error::Auth(AuthError::TokenMalformed(message))) => {
                assert!(message.contains(reason), "{message}");
                assert!(
                    token.is_empty() || !message.contains(token),
                    "the message quotes the token"
                );
            }
            other => panic!("expected TokenMalformed ({reason}), got {other:?}"),
        }
        assert_eq!(tokens.load(Ordering::SeqCst), call, "the token was cached");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_that_cannot_be_a_header_value_is_refused_and_not_cached() {
    for token in [
        "eyJ0b2tl\r\nX-Injected: 1",
        "eyJ0b2tl\nbi0x",
        "eyJ0b2tl\rbi0x",
        "eyJ0b2tl bi0x",
        "eyJ0b2tl\u{0}bi0x",
        "eyJ0b2tlé",
    ] {
        assert_token_refused(token, "cannot be sent in a header").await;
    }
    assert_token_refused("", "empty").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversize_token_is_refused_and_not_cached() {
    assert_token_refused(&"a".repeat(MAX_TOKEN_LEN + 1), "more than the 8192").await;
    assert_token_refused(&"a".repeat(30 << 20), "more than the 8192").await;

    // A token of exactly the bound is used.
    let body = answer(None);
    let body = String::from_utf8(body)
        .unwrap()
        .replace("eyJ0b2tlbi0x", &"a".repeat(MAX_TOKEN_LEN));
    let (server, tokens, _) = token_server(body.into_bytes()).await;
    let client = client(server.base_url());
    for _ in 0..3 {
        bounded(client.send(&ListThirdPartyIntegrations::new(GROUP)))
            .await
            .unwrap();
    }
    assert_eq!(tokens.load(Ordering::SeqCst), 1);
}

/// 1,600 calls from 200 tasks while the server revokes every token three times: no call fails,
/// and each revocation costs one token request, whatever the number of calls that sent the
/// revoked token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_tokens_are_refreshed_once_for_all_the_calls_waiting() {
    const TASKS: usize = 200;
    const CALLS_PER_TASK: usize = 8;
    const REVOCATIONS: usize = 3;
    let total = TASKS * CALLS_PER_TASK;
    let fake = FakeAtlas::start().await.unwrap();
    fake.add_project(GROUP);
    fake.add_service_account(CLIENT_ID, CLIENT_SECRET, Role::Owner);
    let fake = Arc::new(fake);
    let client = client(fake.base_url());
    let done = Arc::new(AtomicUsize::new(0));

    let revoker = {
        let (fake, done) = (Arc::clone(&fake), Arc::clone(&done));
        tokio::spawn(async move {
            let mut revoked = 0;
            // Revokes at a quarter, half and three quarters of the run; bounded by time.
            for _ in 0..20_000 {
                if revoked == REVOCATIONS {
                    break;
                }
                if done.load(Ordering::SeqCst) >= total * (revoked + 1) / (REVOCATIONS + 1) {
                    fake.revoke_tokens();
                    revoked += 1;
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            revoked
        })
    };
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (client, done) = (client.clone(), Arc::clone(&done));
            tokio::spawn(async move {
                let list = ListThirdPartyIntegrations::new(GROUP);
                let mut failures: Vec<Error<ListThirdPartyIntegrationsError>> = Vec::new();
                for _ in 0..CALLS_PER_TASK {
                    if let Err(error) = client.send(&list).await {
                        failures.push(error);
                    }
                    done.fetch_add(1, Ordering::SeqCst);
                }
                failures
            })
        })
        .collect();
    let mut failures = Vec::new();
    for task in tasks {
        failures.extend(bounded(task).await.unwrap());
    }
    let revoked = bounded(revoker).await.unwrap();
    assert_eq!(
        revoked, REVOCATIONS,
        "the run ended before every revocation"
    );
    assert!(
        failures.is_empty(),
        "{} calls failed: {:?}",
        failures.len(),
        failures.first()
    );
    let token_requests = fake.token_requests();
    let refused = fake
        .requests()
        .iter()
        .filter(|r| r.path != TOKEN_PATH && r.status == Some(401))
        .count();
    println!(
        "{total} calls, {REVOCATIONS} revocations: {token_requests} token requests, {refused} refusals"
    );
    // One token, and one more per revocation (a margin of one for a revocation landing while a
    // new token is issued).
    assert!(
        (1 + REVOCATIONS..=2 + REVOCATIONS).contains(&token_requests),
        "{token_requests} token requests"
    );
    assert_eq!(done.load(Ordering::SeqCst), total);
    Arc::into_inner(fake).unwrap().stop().await.unwrap();
}
