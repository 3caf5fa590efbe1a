#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The client in front of hostile servers on 127.0.0.1: raw HTTP servers that record every byte
//! they receive. A redirect of any kind, to the same origin or another, is answered to the caller
//! as `Error::Redirect` and never followed, so that no body or credential reaches a server the
//! caller did not name; a path parameter's value reaches the server as exactly the one segment the
//! builder wrote, and Digest signs that very target.

use std::time::Duration;

use atlas_integrations::client::{AuthError, Client, Credentials, Error, RetryPolicy, Validation};
use atlas_integrations::operations::{
    CreateThirdPartyIntegration, DeleteThirdPartyIntegration, GetThirdPartyIntegration,
    ListThirdPartyIntegrations, UpdateThirdPartyIntegration,
};
use atlas_integrations::runtime::{Body, Operation, RequestError, ResponseBody};
use atlas_integrations::types::{Datadog, IntegrationType};
use codegen_tests::raw_server::{RawReply, RawRequest, RawServer};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const TOKEN: &str = "token-4f1d2c9e8b7a";
const CLIENT_SECRET: &str = "mdb_sa_sk_secret-0c1d2e";
const PRIVATE_KEY: &str = "8f1c6a2e-4b7d-4e0f-9a3c-2d5e6f708192";
const BODY_SECRET: &str = "datadog-key-5e6f7a8b9c";

/// A server answering every request with `answer`.
async fn serve(answer: impl Fn(&RawRequest) -> String + Send + Sync + 'static) -> RawServer {
    RawServer::start_raw(move |request| answer(request).into_bytes())
        .await
        .unwrap()
}

fn reply(status: u16, headers: &[(&str, &str)], body: &str) -> String {
    String::from_utf8(RawReply::new(status, headers, body).to_bytes()).unwrap()
}

/// A Digest challenge, as Atlas sends one to a request without credentials.
fn challenge() -> String {
    reply(
        401,
        &[(
            "www-authenticate",
            r#"Digest realm="MMS Public API", domain="", nonce="b3f1c0ffee", algorithm=MD5, qop="auth", stale=false"#,
        )],
        "",
    )
}

fn token_answer() -> String {
    let body = format!(r#"{{"access_token":"{TOKEN}","expires_in":3600,"token_type":"Bearer"}}"#);
    reply(200, &[("content-type", "application/json")], &body)
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Bearer,
    ServiceAccount,
    ApiKey,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Bearer, Kind::ServiceAccount, Kind::ApiKey];

    fn credentials(self) -> Credentials {
        match self {
            Kind::Bearer => Credentials::bearer(TOKEN),
            Kind::ServiceAccount => Credentials::service_account("mdb_sa_id_x", CLIENT_SECRET),
            Kind::ApiKey => Credentials::api_key("abcdefgh", PRIVATE_KEY),
        }
    }
}

fn client(base: &str, kind: Kind) -> Client {
    Client::builder()
        .base_url(base)
        .allow_plain_http(true)
        .credentials(kind.credentials())
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(10))
        .validation(Validation::Unchecked)
        .build()
        .unwrap()
}

/// An operation of any method on `/api/things/1`, with a body holding a secret for the methods
/// that carry one.
struct AnyMethod(http::Method);

#[derive(Debug)]
struct Failed(http::StatusCode);

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::error::Error for Failed {}

impl Operation for AnyMethod {
    type Output = ();
    type Error = Failed;

    fn build_with(&self, _: Validation) -> Result<http::Request<Body>, RequestError> {
        let body = match self.0 {
            http::Method::POST | http::Method::PUT | http::Method::PATCH => {
                format!(r#"{{"type":"DATADOG","apiKey":"{BODY_SECRET}"}}"#).into_bytes()
            }
            _ => Vec::new(),
        };
        Ok(http::Request::builder()
            .method(self.0.clone())
            .uri("/api/things/1")
            .header("content-type", "application/json")
            .body(Body::from(body))?)
    }

    fn parse_response<B: ResponseBody>(&self, response: http::Response<B>) -> Result<(), Failed> {
        match response.status().is_success() {
            true => Ok(()),
            false => Err(Failed(response.status())),
        }
    }
}

/// What the API server answers: a token to the token endpoint, a Digest challenge to a request
/// without credentials, and `status` with `Location: location` to everything else.
fn redirecting(status: u16, location: String) -> impl Fn(&RawRequest) -> String + Send + Sync {
    move |request: &RawRequest| {
        if request.target == "/api/oauth/token" {
            token_answer()
        } else if request.header("authorization").is_none() {
            challenge()
        } else {
            reply(status, &[("location", &location)], "moved")
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_redirect_is_followed_and_nothing_reaches_another_server() {
    let statuses = [301u16, 302, 303, 307, 308];
    let methods = [
        http::Method::GET,
        http::Method::POST,
        http::Method::PATCH,
        http::Method::PUT,
        http::Method::DELETE,
    ];
    let mut cases = 0;
    for status in statuses {
        for method in &methods {
            for same_origin in [true, false] {
                for kind in Kind::ALL {
                    let elsewhere = serve(|_: &RawRequest| {
                        reply(200, &[("content-type", "application/json")], "{}")
                    })
                    .await;
                    let location = match same_origin {
                        true => "/api/moved/here".to_owned(),
                        false => format!("{}/api/moved/here", elsewhere.base_url()),
                    };
                    let api = serve(redirecting(status, location.clone())).await;
                    let client = client(&api.base_url(), kind);
                    let case = format!("{status} {method} same origin: {same_origin}, {kind:?}");

                    let outcome = client.send(&AnyMethod(method.clone())).await;
                    let Err(Error::Redirect(redirect)) = outcome else {
                        panic!("{case}: expected Error::Redirect, got {outcome:?}");
                    };
                    assert_eq!(redirect.status.as_u16(), status, "{case}");
                    assert_eq!(
                        redirect.location.as_deref(),
                        Some(location.as_str()),
                        "{case}"
                    );

                    // The API server got the request once (after the token request, or once
                    // unsigned and once answering the Digest challenge), never the Location.
                    let line = format!("{method} /api/things/1 HTTP/1.1");
                    let expected: Vec<String> = match kind {
                        Kind::Bearer => vec![line],
                        Kind::ServiceAccount => {
                            vec!["POST /api/oauth/token HTTP/1.1".to_owned(), line]
                        }
                        Kind::ApiKey => vec![line.clone(), line],
                    };
                    let mut lines = api.lines();
                    lines.sort_by_key(|l| !l.contains("oauth"));
                    assert_eq!(lines, expected, "{case}");
                    // The other server never saw a connection, so no byte of body or credential.
                    assert_eq!(elsewhere.connections(), 0, "{case}");
                    for request in api.received() {
                        let text = request.text();
                        assert!(!text.contains("/api/moved/here"), "{case}: {text}");
                    }
                    // Each request to the API carried exactly the body built for it (the token
                    // request its form), and nothing else went anywhere.
                    let built = AnyMethod(method.clone()).build().unwrap();
                    for request in api.received() {
                        let expected: &[u8] = match request.target.as_str() {
                            "/api/oauth/token" => b"grant_type=client_credentials",
                            _ => built.body().as_bytes(),
                        };
                        assert_eq!(request.body, expected, "{case}: {}", request.line());
                    }
                    cases += 1;
                }
            }
        }
    }
    assert_eq!(cases, 150);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirected_token_request_is_refused_and_the_api_is_not_called() {
    for status in [301u16, 302, 303, 307, 308] {
        let elsewhere = serve(|_: &RawRequest| token_answer()).await;
        let location = format!("{}/api/oauth/token", elsewhere.base_url());
        let api = serve(move |_: &RawRequest| reply(status, &[("location", &location)], "")).await;
        let client = client(&api.base_url(), Kind::ServiceAccount);
        let outcome = client.send(&ListThirdPartyIntegrations::new(GROUP)).await;
        let Err(Error::Auth(AuthError::Redirect(redirect))) = outcome else {
            panic!("{status}: expected AuthError::Redirect, got {outcome:?}");
        };
        assert_eq!(redirect.status.as_u16(), status);
        assert_eq!(api.lines(), vec!["POST /api/oauth/token HTTP/1.1"]);
        assert_eq!(elsewhere.connections(), 0, "{status}");
    }
}

/// Values that try to leave, remove or merge their path segment.
const HOSTILE: &[&str] = &[
    ".", "..", "", "%2e", "%2E", ".%2e", "%2e%2e", "%2E%2E", "..%2f", "a/../b", "../..", "a/b",
    "./", "?x=1", "#frag", "\\..", "..\\", "a;b", " ", "é", "%00", "...",
];

/// Where a value made its segment empty, `.` or `..`: the builder must refuse it.
fn is_refused(value: &str) -> bool {
    matches!(value, "" | "." | "..")
}

/// Sends `operation` through a Digest client under a path-prefixed base URL, and checks what the
/// server received: the request line's target is the prefix and `build()`'s target, unchanged,
/// with one segment more than the prefix per segment built, and Digest's `uri` signs it.
async fn check_on_the_wire<O>(operation: &O, case: &str, hostile: &str)
where
    O: Operation,
    O::Output: std::fmt::Debug,
    O::Error: 'static,
{
    let server = serve(|request: &RawRequest| {
        if request.header("authorization").is_none() {
            challenge()
        } else {
            reply(404, &[("content-type", "application/json")], "{}")
        }
    })
    .await;
    let base = format!("{}/atlas", server.base_url());
    let client = client(&base, Kind::ApiKey);
    let built = operation.build_with(Validation::Unchecked);
    let outcome = client.send(operation).await;
    if is_refused(hostile) {
        let Err(RequestError::PathSegment { segment, .. }) = built else {
            panic!("{case}: expected PathSegment, built {built:?}");
        };
        assert_eq!(segment, hostile, "{case}");
        assert!(
            matches!(
                outcome,
                Err(Error::Request(RequestError::PathSegment { .. }))
            ),
            "{case}: {outcome:?}"
        );
        assert_eq!(server.connections(), 0, "{case}");
        return;
    }
    let built = built.unwrap();
    let target = built.uri().path_and_query().unwrap().as_str();
    let expected = format!("/atlas{target}");
    let received = server.received();
    assert_eq!(received.len(), 2, "{case}: {received:?}");
    for request in &received {
        assert_eq!(request.target, expected, "{case}");
    }
    // The value is inside one segment of what was sent: encoded, it holds no `/`.
    let encoded = atlas_integrations::runtime::encode_segment(hostile);
    assert!(!encoded.contains('/'), "{case}");
    let path = target.split('?').next().unwrap();
    assert!(
        path.split('/').any(|s| s.contains(&encoded)),
        "{case}: {path}"
    );
    let authorization = received[1].header("authorization").unwrap();
    assert!(
        authorization.contains(&format!("uri=\"{expected}\"")),
        "{case}: Digest signed another target than sent: {authorization}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_path_value_reaches_the_server_as_its_one_segment() {
    for hostile in HOSTILE {
        let kind = IntegrationType::from(*hostile);
        let case = |op: &str, parameter: &str| format!("{op}, {parameter} = `{hostile}`");
        check_on_the_wire(
            &ListThirdPartyIntegrations::new(*hostile),
            &case("list", "groupId"),
            hostile,
        )
        .await;
        check_on_the_wire(
            &CreateThirdPartyIntegration::new(*hostile, Datadog::new(BODY_SECRET)),
            &case("create", "groupId"),
            hostile,
        )
        .await;
        check_on_the_wire(
            &UpdateThirdPartyIntegration::new(*hostile, Datadog::new(BODY_SECRET)),
            &case("update", "groupId"),
            hostile,
        )
        .await;
        for (name, group, kind) in [
            ("groupId", *hostile, IntegrationType::Datadog),
            ("integrationType", GROUP, kind),
        ] {
            check_on_the_wire(
                &GetThirdPartyIntegration::new(group, kind.clone()),
                &case("get", name),
                hostile,
            )
            .await;
            check_on_the_wire(
                &DeleteThirdPartyIntegration::new(group, kind),
                &case("delete", name),
                hostile,
            )
            .await;
        }
    }
}

#[test]
fn dot_segments_are_refused_whatever_the_validation() {
    for validation in [Validation::Checked, Validation::Unchecked] {
        let delete = DeleteThirdPartyIntegration::new(GROUP, IntegrationType::from(".."));
        let error = delete.build_with(validation).unwrap_err();
        assert!(
            matches!(
                &error,
                RequestError::PathSegment { parameter: "integrationType", segment } if segment == ".."
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains("integrationType"), "{error}");
        let list = ListThirdPartyIntegrations::new("..");
        let error = list.build_with(Validation::Unchecked).unwrap_err();
        assert!(
            matches!(
                &error,
                RequestError::PathSegment {
                    parameter: "groupId",
                    ..
                }
            ),
            "{error:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transport_errors_say_whether_the_request_may_have_arrived() {
    use atlas_integrations::client::{Delivery, TransportError};

    // A response head beyond hyper's limit: the request arrived, the answer is unusable.
    let huge = serve(|_: &RawRequest| {
        let mut text = "HTTP/1.1 200 OK\r\n".to_owned();
        for i in 0..4000 {
            text.push_str(&format!("x-filler-{i}: {}\r\n", "y".repeat(64)));
        }
        text.push_str("content-length: 0\r\n\r\n");
        text
    })
    .await;
    let hostile = client(&huge.base_url(), Kind::Bearer);
    let create = CreateThirdPartyIntegration::new(GROUP, Datadog::new(BODY_SECRET));
    let outcome = hostile.send(&create).await;
    let Err(Error::Transport(error)) = outcome else {
        panic!("expected a transport error, got {outcome:?}");
    };
    assert!(
        matches!(error, TransportError::InvalidAnswer(_)),
        "{error:?}"
    );
    assert_eq!(error.delivery(), Delivery::Sent);
    assert!(!error.is_safe_to_resend(&http::Method::POST));
    assert!(error.is_safe_to_resend(&http::Method::PUT));
    assert_eq!(
        huge.received().len(),
        1,
        "the server did receive the create"
    );

    // Nothing listening: nothing sent, safe to resend whatever the method.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let nobody = client(&format!("http://127.0.0.1:{port}"), Kind::Bearer);
    let outcome = nobody.send(&create).await;
    let Err(Error::Transport(error)) = outcome else {
        panic!("expected a transport error, got {outcome:?}");
    };
    assert_eq!(error.delivery(), Delivery::NotSent, "{error:?}");
    assert!(error.is_safe_to_resend(&http::Method::POST));

    // A connection closed before any answer: the server may have acted.
    let closing = serve(|_: &RawRequest| String::new()).await;
    let closer = client(&closing.base_url(), Kind::Bearer);
    let outcome = closer.send(&create).await;
    let Err(Error::Transport(error)) = outcome else {
        panic!("expected a transport error, got {outcome:?}");
    };
    assert_eq!(error.delivery(), Delivery::Unknown, "{error:?}");
    assert!(!error.is_safe_to_resend(&http::Method::POST));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_is_retried_only_for_idempotent_methods() {
    let unavailable = || {
        |_: &RawRequest| {
            reply(
                503,
                &[("retry-after", "0"), ("content-type", "application/json")],
                r#"{"error":503,"errorCode":"SERVICE_UNAVAILABLE"}"#,
            )
        }
    };
    for (method, attempts) in [
        (http::Method::POST, 1),
        (http::Method::PATCH, 1),
        (http::Method::GET, 3),
        (http::Method::PUT, 3),
        (http::Method::DELETE, 3),
    ] {
        let server = serve(unavailable()).await;
        let client = Client::builder()
            .base_url(server.base_url())
            .allow_plain_http(true)
            .credentials(Kind::Bearer.credentials())
            .retry(RetryPolicy {
                max_retries: 2,
                ..RetryPolicy::default()
            })
            .build()
            .unwrap();
        let outcome = client.send(&AnyMethod(method.clone())).await;
        assert!(
            matches!(outcome, Err(Error::Api(Failed(s))) if s == 503),
            "{method}"
        );
        assert_eq!(server.received().len(), attempts, "{method}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upsert_answered_with_a_redirect_fails_without_another_request() {
    use atlas_integrations::integrations::UpsertError;

    for status in [302u16, 303, 307] {
        let page = r#"{"results":[{"type":"DATADOG","id":"x","apiKey":"****","region":"US"}],"totalCount":1}"#;
        let api = serve(move |request: &RawRequest| match request.method == "GET" {
            true => reply(200, &[("content-type", "application/json")], page),
            false => reply(status, &[("location", "/api/atlas/v1.0/groups")], ""),
        })
        .await;
        let client = client(&api.base_url(), Kind::Bearer);
        let outcome = client.upsert(GROUP, Datadog::new(BODY_SECRET)).await;
        assert!(
            matches!(&outcome, Err(UpsertError::Create(Error::Redirect(r))) if r.status.as_u16() == status),
            "{status}: {outcome:?}"
        );
        assert_eq!(api.received().len(), 1, "{status}: the create alone");
    }
}
