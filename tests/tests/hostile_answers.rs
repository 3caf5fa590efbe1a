#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Answers crafted to get around the ready client's guarantees, from loopback servers: secrets
//! echoed with JSON escapes of the server's choosing, as numbers, percent-encoded in a
//! `Location`; a 503 hidden behind an envelope's 429; token lifetimes of every odd kind; odd base
//! URLs under Digest; repeated revocations. Every server is on 127.0.0.1, every test is bounded
//! by the client's timeouts.

use std::time::Duration;

use atlas_integrations::client::{Client, Credentials, Error, RetryPolicy, Validation};
use atlas_integrations::operations::{
    CreateThirdPartyIntegration, CreateThirdPartyIntegrationError, ListThirdPartyIntegrations,
};
use atlas_integrations::types::Datadog;
use codegen_tests::raw_server::{RawReply, RawRequest, RawServer};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const TOKEN: &str = "token-4f1d2c9e8b7a";
const CLIENT_SECRET: &str = "mdb_sa_sk_secret-0c1d2e";
const BODY_SECRET: &str = "datadog-key-5e6f7a8b9c";

async fn serve(answer: impl Fn(&RawRequest) -> RawReply + Send + Sync + 'static) -> RawServer {
    RawServer::start(answer).await.unwrap()
}

fn client(base: &str, credentials: Credentials, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(base)
        .allow_plain_http(true)
        .credentials(credentials)
        .retry(retry)
        .timeout(Duration::from_secs(10))
        .validation(Validation::Unchecked)
        .build()
        .unwrap()
}

/// Sends a create of Datadog with `key` as a bearer client to `server`; returns its error.
async fn create_error(server: &RawServer, key: &str) -> Error<CreateThirdPartyIntegrationError> {
    let client = client(
        &server.base_url(),
        Credentials::bearer(TOKEN),
        RetryPolicy::none(),
    );
    client
        .send(&CreateThirdPartyIntegration::new(GROUP, Datadog::new(key)))
        .await
        .expect_err("an error")
}

/// `text` with its first character written as a JSON `\u00XX` escape: the same JSON string.
fn u_escaped(text: &str) -> String {
    let mut chars = text.chars();
    let first = chars.next().unwrap();
    format!("\\u{:04x}{}", first as u32, chars.as_str())
}

fn assert_hidden(place: &str, printed: &str, secret: &str) {
    assert!(
        !printed.contains(secret),
        "{place} shows the secret `{secret}`: {printed}"
    );
}

/// A 400 whose JSON `detail` echoes the body secret and the bearer token with one character
/// `\u`-escaped: the bytes differ from the secrets, but decoding undoes the escape, so the body is
/// scrubbed in its canonical form and `Display` prints neither.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_u_escaped_echo_in_detail_prints_no_secret() {
    let server = serve(|_| {
        let body = format!(
            r#"{{"error":400,"errorCode":"INVALID_ATTRIBUTE","detail":"bad apiKey {} with Bearer {}"}}"#,
            u_escaped(BODY_SECRET),
            u_escaped(TOKEN)
        );
        RawReply::json(400, body)
    })
    .await;
    let error = create_error(&server, BODY_SECRET).await;
    let display = error.to_string();
    let debug = format!("{error:?}");
    assert_hidden("Display", &display, BODY_SECRET);
    assert_hidden("Display", &display, TOKEN);
    assert_hidden("Debug", &debug, BODY_SECRET);
}

/// The token endpoint's `error_description` echoing the client secret and the `Basic` value, each
/// with its first character `\u`-escaped: `TokenRefused` prints neither.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_u_escaped_echo_from_the_token_endpoint_prints_no_client_secret() {
    let server = serve(|request| {
        let basic = request.header("authorization").unwrap_or_default();
        let body = format!(
            r#"{{"error":"invalid_client","error_description":"secret {} in Basic {}"}}"#,
            u_escaped(CLIENT_SECRET),
            u_escaped(basic.strip_prefix("Basic ").unwrap())
        );
        RawReply::json(401, body)
    })
    .await;
    let client = client(
        &server.base_url(),
        Credentials::service_account("mdb_sa_id_x", CLIENT_SECRET),
        RetryPolicy::none(),
    );
    let error = client
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await
        .expect_err("token refused");
    let display = error.to_string();
    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert_hidden("Display", &display, CLIENT_SECRET);
    let basic = server.received()[0].header("authorization").unwrap();
    assert_hidden("Display", &display, &basic);
}

/// A 200 answer echoing a (digits-only) body secret as a JSON number where the document has a
/// string fails to decode; serde's message quotes the number in backticks, and the error leaves
/// it out as it leaves out quoted strings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_200_echoing_a_numeric_secret_as_a_number_prints_no_secret() {
    const DIGITS: &str = "31415926535897932";
    let server = serve(|_| {
        RawReply::json(
            200,
            format!(
                r#"{{"results":[{{"type":"DATADOG","id":"x","apiKey":{DIGITS},"region":"US"}}],"totalCount":1}}"#
            ),
        )
    })
    .await;
    let error = create_error(&server, DIGITS).await;
    assert_hidden("Display", &error.to_string(), DIGITS);
    assert_hidden("Debug", &format!("{error:?}"), DIGITS);
}

/// A redirect whose `Location` carries the bearer token percent-encoded byte by byte: the header
/// is masked whole, so `Display` prints no form of the token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_percent_encoded_token_in_location_is_not_printed() {
    let server = serve(|_| {
        let encoded: String = TOKEN.bytes().map(|b| format!("%{b:02X}")).collect();
        RawReply::new(302, &[("location", &format!("/login?t={encoded}"))], "")
    })
    .await;
    let client = client(
        &server.base_url(),
        Credentials::bearer(TOKEN),
        RetryPolicy::none(),
    );
    let error = client
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await
        .expect_err("a redirect");
    assert!(matches!(error, Error::Redirect(_)), "{error:?}");
    let display = error.to_string();
    let decoded = percent_decode(&display);
    assert_hidden("Display, percent-decoded", &decoded, TOKEN);
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// A POST answered with HTTP 503 whose envelope body says 429 is not sent again: the HTTP status
/// counts for the retry decision as much as the envelope's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_to_a_post_is_not_resent_when_the_envelope_says_429() {
    let server = serve(|_| {
        RawReply::new(
            503,
            &[("retry-after", "0"), ("content-type", "application/json")],
            r#"{"status":429,"content":{"error":429,"errorCode":"RATE_LIMITED"}}"#,
        )
    })
    .await;
    let client = client(
        &server.base_url(),
        Credentials::bearer(TOKEN),
        RetryPolicy {
            max_retries: 2,
            ..RetryPolicy::default()
        },
    );
    let create = CreateThirdPartyIntegration::new(GROUP, Datadog::new(BODY_SECRET)).envelope(true);
    let _ = client.send(&create).await;
    let posts = server
        .received()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 1, "a POST answered 503 was sent {posts} times");
}

/// Base URLs of odd shapes: the Digest `uri` equals the request line's target, and the target is
/// the parsed base path (trailing `/` dropped) and `build()`'s target.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_base_urls_keep_the_target_and_the_digest_uri_equal() {
    use atlas_integrations::operations::GetThirdPartyIntegration;
    use atlas_integrations::types::IntegrationType;
    let challenge = || {
        RawReply::new(
            401,
            &[(
                "www-authenticate",
                r#"Digest realm="MMS Public API", domain="", nonce="b3f1c0ffee", algorithm=MD5, qop="auth", stale=false"#,
            )],
            "",
        )
    };
    let mut report = Vec::new();
    for suffix in [
        "/atlas/",
        "/atlas//",
        "/a/./atlas/",
        "/x/../atlas",
        "/%2e/atlas",
        "/%41tlas/",
        "/at%2Flas/",
        "/at;las=1/",
        "/at las/",
        "/at%zzlas/",
        "//",
        "",
    ] {
        let server = serve(move |request: &RawRequest| {
            if request.header("authorization").is_none() {
                challenge()
            } else {
                RawReply::json(404, "{}")
            }
        })
        .await;
        let base = format!(
            "{}{suffix}",
            server.base_url().replace("http://", "HTTP://")
        );
        let client = client(
            &base,
            Credentials::api_key("abcdefgh", "8f1c6a2e-4b7d-4e0f-9a3c-2d5e6f708192"),
            RetryPolicy::none(),
        );
        let op = GetThirdPartyIntegration::new(GROUP, IntegrationType::from("a\\b%2e;é\u{1}"));
        let built = op.build_with(Validation::Unchecked).unwrap();
        let target = built.uri().path_and_query().unwrap().as_str().to_owned();
        let _ = client.send(&op).await;
        let received = server.received();
        let parsed = reqwest::Url::parse(&base).unwrap();
        let prefix = parsed.path().strip_suffix('/').unwrap_or(parsed.path());
        let expected = format!("{prefix}{target}");
        for request in &received {
            if let Some(authorization) = request.header("authorization") {
                assert!(
                    authorization.contains(&format!("uri=\"{}\"", request.target)),
                    "{base}: Digest signed another target: {authorization} vs {}",
                    request.target
                );
            }
        }
        let got: Vec<_> = received.iter().map(|r| r.target.clone()).collect();
        report.push(format!("{base:<40} expected {expected} got {got:?}"));
    }
    eprintln!("{}", report.join("\n"));
}

/// `token_lifetime` on hostile values never panics and stays in bounds, or is an error.
#[test]
fn every_expires_in_gives_a_bounded_lifetime_or_an_error() {
    use atlas_integrations::client::{MAX_TOKEN_LIFETIME, MIN_TOKEN_LIFETIME, token_lifetime};
    let mut panics = Vec::new();
    for text in [
        "0",
        "-1",
        "1e308",
        "-1e308",
        "0.5",
        "\"inf\"",
        "\"-inf\"",
        "\"NaN\"",
        "\"1e999\"",
        "18446744073709551616",
        "\"  42 \"",
        "null",
        "[]",
        "{}",
        "true",
        "\"\"",
        "-0",
        "\"0x10\"",
        "\"+infinity\"",
        "4.9e-324",
        "\"-1e999\"",
        "\"-infinity\"",
    ] {
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        match std::panic::catch_unwind(|| token_lifetime(Some(&value))) {
            Ok(Ok(d)) => assert!(
                d >= MIN_TOKEN_LIFETIME && d <= MAX_TOKEN_LIFETIME,
                "{text}: {d:?}"
            ),
            Ok(Err(e)) => eprintln!("{text}: {e}"),
            Err(_) => panics.push(text),
        }
    }
    assert!(panics.is_empty(), "token_lifetime panics on {panics:?}");
}

/// A token endpoint answering `"expires_in": "-inf"` (a string holding a number, which is
/// accepted): the call goes on with the shortest lifetime instead of panicking.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_negative_infinite_expires_in_does_not_panic_the_call() {
    let server = serve(|request| {
        if request.target == "/api/oauth/token" {
            RawReply::json(
                200,
                r#"{"access_token":"tok-abcdef123","expires_in":"-inf","token_type":"Bearer"}"#,
            )
        } else {
            RawReply::json(200, r#"{"results":[],"totalCount":0}"#)
        }
    })
    .await;
    let client = client(
        &server.base_url(),
        Credentials::service_account("mdb_sa_id_x", CLIENT_SECRET),
        RetryPolicy::none(),
    );
    let call = tokio::spawn(async move {
        client
            .send(&ListThirdPartyIntegrations::new(GROUP))
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    });
    let outcome = call.await;
    assert!(
        !outcome.as_ref().is_err_and(|e| e.is_panic()),
        "the call panicked: {outcome:?}"
    );
}

/// Tokens revoked repeatedly (each after 8 uses) while 24 calls run at once: one token request
/// per revocation, and no call fails within the documented 3 refreshes per call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_revocations_under_concurrency() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let issued = Arc::new(AtomicUsize::new(0));
    let uses = Arc::new(AtomicUsize::new(0));
    let (i2, u2) = (issued.clone(), uses.clone());
    let server = serve(move |request| {
        if request.target == "/api/oauth/token" {
            let n = i2.fetch_add(1, Ordering::SeqCst) + 1;
            u2.store(0, Ordering::SeqCst);
            return RawReply::json(
                200,
                format!(r#"{{"access_token":"tok-{n:06}","expires_in":3600}}"#),
            );
        }
        let current = format!("Bearer tok-{:06}", i2.load(Ordering::SeqCst));
        let ok = request.header("authorization").as_deref() == Some(current.as_str())
            && u2.fetch_add(1, Ordering::SeqCst) < 8;
        match ok {
            true => RawReply::json(200, r#"{"results":[],"totalCount":0}"#),
            false => RawReply::json(401, r#"{"error":401,"errorCode":"NOT_AUTHORIZED"}"#),
        }
    })
    .await;
    let client = client(
        &server.base_url(),
        Credentials::service_account("mdb_sa_id_x", CLIENT_SECRET),
        RetryPolicy::none(),
    );
    let calls: Vec<_> = (0..24)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.send(&ListThirdPartyIntegrations::new(GROUP)).await })
        })
        .collect();
    let mut failed = 0;
    for call in calls {
        if call.await.unwrap().is_err() {
            failed += 1;
        }
    }
    eprintln!(
        "tokens issued: {}, failed calls: {failed}",
        issued.load(Ordering::SeqCst)
    );
    assert_eq!(failed, 0);
}
