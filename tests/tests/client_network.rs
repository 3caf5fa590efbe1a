#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The ready client on a bad network, against the fake Atlas: a server that stalls, closes
//! mid-body, sends an endless or a huge body, or answers with something that is not JSON gets a
//! typed error within the configured time and memory, and retries stay within their bounds. Also:
//! the client's policies over a transport of one's own, and the events of feature `tracing`,
//! which never carry a credential.
//!
//! Timings and memory are printed (run with `--nocapture` to see them), not asserted.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use atlas_integrations::client::{
    BoxFuture, Client, Credentials, Error, Limits, RetryPolicy, Transport, TransportError,
    USER_AGENT,
};
use atlas_integrations::operations::{ListThirdPartyIntegrations, ListThirdPartyIntegrationsError};
use atlas_integrations::runtime::ResponseParts;
use fake_atlas::{FakeAtlas, Fault, FaultyBody, Recorded, Role, TOKEN_PATH};
use futures_util::StreamExt;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const OWNER_ID: &str = "mdb_sa_id_owner";
const OWNER_SECRET: &str = "mdb_sa_sk_owner-secret-7d1e";
const PUBLIC_KEY: &str = "abcdefgh";
const PRIVATE_KEY: &str = "8f1c6a2e-4b7d-4e0f-9a3c-2d5e6f708192";

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        max_elapsed: Duration::from_secs(10),
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
        max_retry_after: Duration::from_secs(10),
    }
}

async fn fake() -> FakeAtlas {
    let fake = FakeAtlas::start().await.unwrap();
    fake.add_project(GROUP);
    fake.add_service_account(OWNER_ID, OWNER_SECRET, Role::Owner);
    fake.add_api_key(PUBLIC_KEY, PRIVATE_KEY, Role::Owner);
    fake
}

/// A client of the fake with a 1 s read timeout, a 10 s timeout and `max_body` bytes at most.
fn client(fake: &FakeAtlas, max_body: usize) -> Client {
    Client::builder()
        .base_url(fake.base_url())
        .allow_plain_http(true)
        .credentials(Credentials::service_account(OWNER_ID, OWNER_SECRET))
        .retry(fast_retries())
        .read_timeout(Duration::from_secs(1))
        .timeout(Duration::from_secs(10))
        .max_body_size(max_body)
        .build()
        .unwrap()
}

fn api_requests(fake: &FakeAtlas) -> Vec<Recorded> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path != TOKEN_PATH)
        .collect()
}

/// Fails instead of hanging.
async fn bounded<F: std::future::Future>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(20), future)
        .await
        .expect("the client did not answer within 20 s")
}

/// Lists the project once; returns the transport error it must end with.
async fn transport_error(client: &Client) -> TransportError {
    match bounded(client.send(&ListThirdPartyIntegrations::new(GROUP))).await {
        Err(Error::Transport(error)) => error,
        other => panic!("expected a transport error, got {other:?}"),
    }
}

/// One memory figure of this process, in KiB, from `/proc/self/status` (Linux; 0 elsewhere):
/// `VmRSS` is the resident memory now, `VmHWM` its peak. `getrusage`'s `ru_maxrss` would do for
/// the peak but for one thing: it keeps the peak of the image before `exec`, here cargo's.
fn memory_kib(field: &str) -> i64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with(field))?.to_owned();
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_server_is_a_read_timeout_and_is_not_retried() {
    let fake = fake().await;
    let client = client(&fake, 1 << 20);
    // Warm up: the token is fetched, so the figure below is the stalled request alone.
    client
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await
        .unwrap();
    fake.clear_requests();

    // The headers, then nothing.
    fake.fail_next(
        GROUP,
        vec![Fault::Body(FaultyBody::Stall(Duration::from_secs(30)))],
    );
    let started = Instant::now();
    let error = transport_error(&client).await;
    let after_headers = started.elapsed();
    assert!(
        matches!(error, TransportError::ReadTimeout(d) if d == Duration::from_secs(1)),
        "{error:?}"
    );

    // Nothing at all, not even the headers.
    fake.fail_next(GROUP, vec![Fault::Delay(Duration::from_secs(30))]);
    let started = Instant::now();
    let error = transport_error(&client).await;
    let before_headers = started.elapsed();
    assert!(matches!(error, TransportError::ReadTimeout(_)), "{error:?}");
    assert_eq!(
        api_requests(&fake).len(),
        2,
        "one request each, not retried"
    );
    eprintln!(
        "stalled server, read timeout 1 s: first error after {after_headers:?} (body stalled), \
         {before_headers:?} (headers stalled)"
    );
    // A server that keeps within the read timeout but not within the timeout.
    let impatient = Client::builder()
        .base_url(fake.base_url())
        .allow_plain_http(true)
        .credentials(Credentials::service_account(OWNER_ID, OWNER_SECRET))
        .retry(fast_retries())
        .read_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    impatient
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await
        .unwrap();
    fake.clear_requests();
    fake.fail_next(GROUP, vec![Fault::Delay(Duration::from_secs(3))]);
    let error = transport_error(&impatient).await;
    assert!(
        matches!(error, TransportError::Timeout(d) if d == Duration::from_secs(1)),
        "{error:?}"
    );
    // A transport failure is not retried: one request each.
    assert_eq!(api_requests(&fake).len(), 1);
    assert_eq!(fake.pending_faults(GROUP), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_cut_short_is_interrupted() {
    let fake = fake().await;
    let client = client(&fake, 1 << 20);
    fake.fail_next(
        GROUP,
        vec![Fault::Body(FaultyBody::Cut {
            declared: 10_000,
            sent: 100,
        })],
    );
    let error = transport_error(&client).await;
    assert!(matches!(error, TransportError::Interrupted(_)), "{error:?}");
    assert_eq!(api_requests(&fake).len(), 1, "not retried");
    // The client goes on working.
    client
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_or_oversized_body_stops_at_the_cap() {
    let fake = fake().await;
    let client = client(&fake, 1 << 20);
    fake.fail_next(
        GROUP,
        vec![
            Fault::Body(FaultyBody::Endless),
            Fault::Body(FaultyBody::Sized {
                length: 2 << 30,
                declared: true,
            }),
            Fault::Body(FaultyBody::Sized {
                length: (1 << 20) + 1,
                declared: false,
            }),
        ],
    );
    for what in ["endless", "declared 2 GiB", "one byte over"] {
        let error = transport_error(&client).await;
        assert!(
            matches!(error, TransportError::BodyTooLarge { limit: 1_048_576 }),
            "{what}: {error:?}"
        );
    }
    assert_eq!(api_requests(&fake).len(), 3, "none retried");

    // Exactly the cap is read.
    fake.fail_next(
        GROUP,
        vec![Fault::Body(FaultyBody::Sized {
            length: 1 << 20,
            declared: false,
        })],
    );
    match bounded(client.send(&ListThirdPartyIntegrations::new(GROUP))).await {
        Err(Error::Api(ListThirdPartyIntegrationsError::Decode(error))) => {
            assert_eq!(error.body.len(), 1 << 20);
        }
        other => panic!("expected a body of spaces that does not decode, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_two_gigabyte_body_is_not_held_in_memory() {
    let fake = fake().await;
    // The default cap: 32 MiB.
    let client = Client::builder()
        .base_url(fake.base_url())
        .allow_plain_http(true)
        .credentials(Credentials::service_account(OWNER_ID, OWNER_SECRET))
        .read_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    client
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await
        .unwrap();
    fake.fail_next(
        GROUP,
        vec![Fault::Body(FaultyBody::Sized {
            length: 2 << 30,
            declared: false,
        })],
    );
    let (before, resident) = (memory_kib("VmHWM:"), memory_kib("VmRSS:"));
    let started = Instant::now();
    let error = transport_error(&client).await;
    let elapsed = started.elapsed();
    let after = memory_kib("VmHWM:");
    assert!(
        matches!(error, TransportError::BodyTooLarge { limit } if limit == 32 << 20),
        "{error:?}"
    );
    eprintln!(
        "2 GiB body offered (chunked, no Content-Length), 32 MiB cap: resident {resident} KiB \
         before; peak {before} KiB before, {after} KiB after (+{} KiB); resident {} KiB after; \
         error after {elapsed:?}",
        after - before,
        memory_kib("VmRSS:")
    );
    // Buffering the body would add 2 GiB; the cap allows 32 MiB and its growth.
    assert!(after - before < 256 * 1024, "{before} KiB -> {after} KiB");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_is_not_json_is_a_typed_error() {
    let fake = fake().await;
    fake.seed(GROUP, 1);
    let client = client(&fake, 1 << 20);
    let html = "<html><body>Please sign in to continue</body></html>";
    for status in [200, 502] {
        fake.fail_next(
            GROUP,
            vec![Fault::Raw {
                status,
                content_type: "text/html; charset=utf-8".to_owned(),
                body: html.to_owned(),
            }],
        );
        match bounded(client.send(&ListThirdPartyIntegrations::new(GROUP))).await {
            Err(error @ Error::ContentType(_)) => {
                let message = error.to_string();
                assert!(message.contains("text/html"), "{message}");
                let Error::ContentType(raw) = error else {
                    unreachable!()
                };
                assert_eq!(raw.status(), status);
                assert_eq!(raw.body, html.as_bytes());
            }
            other => panic!("expected a content type error, got {other:?}"),
        }
    }
    // An unavailable answer is retried whatever its body, within the policy's bounds.
    fake.clear_requests();
    let unavailable = Fault::Raw {
        status: 503,
        content_type: "text/html".to_owned(),
        body: html.to_owned(),
    };
    fake.fail_next(GROUP, vec![unavailable.clone()]);
    let page = bounded(client.send(&ListThirdPartyIntegrations::new(GROUP)))
        .await
        .unwrap();
    assert_eq!(page.results.len(), 1);
    fake.clear_requests();
    fake.fail_next(GROUP, vec![unavailable; 10]);
    let result = bounded(client.send(&ListThirdPartyIntegrations::new(GROUP))).await;
    assert!(matches!(result, Err(Error::ContentType(_))), "{result:?}");
    assert_eq!(api_requests(&fake).len(), 4, "1 + max_retries");
    assert_eq!(fake.pending_faults(GROUP), 6);
}

/// One scripted answer: status, headers, body.
type Answer = (u16, Vec<(&'static str, &'static str)>, Vec<u8>);

/// A transport of one's own: a scripted double standing in for Atlas.
#[derive(Default)]
struct Scripted {
    /// The answers, in order: status, headers, body.
    answers: Mutex<VecDeque<Answer>>,
    /// What was sent: method, URI, headers.
    sent: Mutex<Vec<(String, String, http::HeaderMap)>>,
    /// The limits each call was given.
    limits: Mutex<Vec<Limits>>,
}

impl Scripted {
    fn answer(&self, status: u16, headers: &[(&'static str, &'static str)], body: &str) {
        self.answers.lock().unwrap().push_back((
            status,
            headers.to_vec(),
            body.as_bytes().to_vec(),
        ));
    }
}

/// The transport is shared with the test through an `Arc`.
struct Shared(Arc<Scripted>);

impl Transport for Shared {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        limits: Limits,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        Box::pin(async move {
            let script = &self.0;
            script.sent.lock().unwrap().push((
                request.method().to_string(),
                request.uri().to_string(),
                request.headers().clone(),
            ));
            script.limits.lock().unwrap().push(limits);
            let Some((status, headers, body)) = script.answers.lock().unwrap().pop_front() else {
                return Err(TransportError::Other(
                    "the script has no more answers".into(),
                ));
            };
            let mut response = http::Response::new(body);
            *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
            for (name, value) in headers {
                response.headers_mut().insert(name, value.parse().unwrap());
            }
            Ok(response)
        })
    }
}

#[tokio::test]
async fn the_policies_run_over_a_transport_of_ones_own() {
    let script = Arc::new(Scripted::default());
    let json = [("content-type", "application/json")];
    // Token endpoint: throttled, then a token. API: unavailable, then a page.
    script.answer(
        429,
        &[("retry-after", "0")],
        r#"{"errorCode":"RATE_LIMITED"}"#,
    );
    script.answer(
        200,
        &json,
        r#"{"access_token":"double-token","expires_in":3600}"#,
    );
    script.answer(503, &[("retry-after", "0")], "");
    script.answer(
        200,
        &json,
        r#"{"results":[{"type":"SLACK","apiToken":"****abcd","channelName":"alerts"}],"totalCount":1}"#,
    );
    // Then an answer beyond the client's body cap.
    script.answer(200, &json, &" ".repeat(2048));
    let client = Client::builder()
        .base_url("https://atlas.invalid/base")
        .credentials(Credentials::service_account(OWNER_ID, OWNER_SECRET))
        .retry(fast_retries())
        .max_body_size(1024)
        .read_timeout(Duration::from_secs(3))
        .transport(Shared(Arc::clone(&script)))
        .build()
        .unwrap();

    let page = client
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await
        .unwrap();
    assert_eq!(page.results.len(), 1);
    let sent = script.sent.lock().unwrap().clone();
    let list = format!("https://atlas.invalid/base/api/atlas/v1.0/groups/{GROUP}/integrations");
    let token = "https://atlas.invalid/base/api/oauth/token".to_owned();
    let uris: Vec<_> = sent
        .iter()
        .map(|(m, u, _)| (m.as_str(), u.clone()))
        .collect();
    assert_eq!(
        uris,
        [
            ("POST", token.clone()),
            ("POST", token),
            ("GET", list.clone()),
            ("GET", list.clone()),
        ]
    );
    for (_, _, headers) in &sent {
        assert_eq!(headers["user-agent"], USER_AGENT);
    }
    assert!(
        sent[0].2["authorization"]
            .to_str()
            .unwrap()
            .starts_with("Basic ")
    );
    assert_eq!(sent[2].2["authorization"], "Bearer double-token");
    assert_eq!(sent[3].2["authorization"], "Bearer double-token");
    assert!(
        script
            .limits
            .lock()
            .unwrap()
            .iter()
            .all(|l| l.max_body == 1024 && l.read_timeout == Duration::from_secs(3))
    );

    // The cap holds whatever the transport does.
    let error = client.send(&ListThirdPartyIntegrations::new(GROUP)).await;
    assert!(
        matches!(
            error,
            Err(Error::Transport(TransportError::BodyTooLarge {
                limit: 1024
            }))
        ),
        "{error:?}"
    );
    // A transport error is the caller's, unretried.
    let error = client.send(&ListThirdPartyIntegrations::new(GROUP)).await;
    assert!(
        matches!(error, Err(Error::Transport(TransportError::Other(_)))),
        "{error:?}"
    );
    assert_eq!(script.sent.lock().unwrap().len(), 6);
}

/// Events captured by a subscriber of this test: one line per event, its target and fields.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut line = format!("span {}", span.metadata().target());
        span.record(&mut Fields(&mut line));
        self.0.lock().unwrap().push(line);
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut line = "record".to_owned();
        values.record(&mut Fields(&mut line));
        self.0.lock().unwrap().push(line);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = format!("{} {}", event.metadata().level(), event.metadata().target());
        event.record(&mut Fields(&mut line));
        self.0.lock().unwrap().push(line);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn events_name_requests_and_retries_but_no_credential() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let fake = fake().await;
    fake.seed(GROUP, 2);
    // A throttled token request, a throttled API call, then a Digest challenge and answer.
    fake.fail_before_auth(vec![Fault::TooManyRequests {
        retry_after: Some(0),
    }]);
    fake.fail_next(GROUP, vec![Fault::ServiceUnavailable { retry_after: None }]);
    let client = client(&fake, 1 << 20);
    client
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await
        .unwrap();
    let digest = Client::builder()
        .base_url(fake.base_url())
        .allow_plain_http(true)
        .credentials(Credentials::api_key(PUBLIC_KEY, PRIVATE_KEY))
        .retry(fast_retries())
        .build()
        .unwrap();
    let items: Vec<_> = digest.list_all(GROUP, 1).collect().await;
    assert_eq!(items.len(), 2);

    let lines = capture.0.lock().unwrap().clone();
    let ours: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains(" atlas_integrations"))
        .collect();
    let text = ours
        .iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    eprintln!("{text}");
    let answered = "DEBUG atlas_integrations::client::trace message=atlas answered";
    let retrying = "INFO atlas_integrations::client::trace message=retrying";
    let token = r#"method="POST" path="/api/oauth/token""#;
    let list = r#"method="GET" path="/api/atlas/v1.0/groups/{id}/integrations""#;
    for expected in [
        format!("{retrying} {token} status=429 attempt=1 wait_ms=0"),
        format!("{answered} {token} status=200 attempt=2"),
        format!("{answered} {list} status=503 attempt=1"),
        format!("{retrying} {list} status=503 attempt=1 wait_ms="),
        format!("{answered} {list} status=200 attempt=2"),
        format!("{answered} {list} status=401 attempt=1"),
    ] {
        assert!(text.contains(&expected), "no `{expected}` in\n{text}");
    }

    // No credential, in our events or in any other.
    let everything = lines.join("\n");
    let mut secrets = vec![
        OWNER_SECRET.to_owned(),
        PRIVATE_KEY.to_owned(),
        GROUP.to_owned(),
        "Bearer".to_owned(),
        "Basic".to_owned(),
        "Digest".to_owned(),
        "authorization".to_owned(),
    ];
    for request in fake.requests() {
        if let Some(value) = request.authorization {
            secrets.push(value.split_whitespace().last().unwrap().to_owned());
            secrets.push(value);
        }
    }
    for secret in &secrets {
        assert!(
            !everything
                .to_ascii_lowercase()
                .contains(&secret.to_ascii_lowercase()),
            "`{secret}` in the events"
        );
    }
}
