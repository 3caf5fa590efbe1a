//! No credential is ever printed: requests as `build()` returns them, every response and error
//! type, and the headers the crate adds print bodies as a length, credentials as the mask and
//! credential headers as `Sensitive`. A property test runs random secrets through the `Debug` and
//! `Display` of each. Another drives the client, with each kind of credentials, against loopback
//! servers that echo every request header and the request body into their error answers (body
//! fields and headers, token endpoint included): no error prints a secret sent, and each still
//! tells its status, error code and `Retry-After`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use atlas_integrations::operations::{
    CreateThirdPartyIntegration, GetThirdPartyIntegration, ListThirdPartyIntegrations,
    UpdateThirdPartyIntegration,
};
use atlas_integrations::runtime::{Operation, Secret};
use atlas_integrations::types::{
    Datadog, IntegrationType, MicrosoftTeams, NewRelic, OpsGenie, PagerDuty, Prometheus,
    PrometheusServiceDiscovery, Slack, ThirdPartyIntegration, VictorOps, Webhook,
};
use proptest::prelude::*;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const HEX40: &str = "bcc3c81b344a6030a3935c2527e2216535af7718";

/// Every kind, each holding `secret` in every credential field.
fn kinds(secret: &str) -> Vec<ThirdPartyIntegration> {
    let mut prometheus = Prometheus::new(true, PrometheusServiceDiscovery::Http, "prom");
    prometheus.password = Some(Secret::new(secret));
    vec![
        PagerDuty::new(secret).into(),
        Slack::new(secret, "alerts".to_owned()).into(),
        Datadog::new(secret).into(),
        NewRelic::new(HEX40, secret, secret, secret).into(),
        OpsGenie::new(secret).into(),
        VictorOps::new(secret).into(),
        Webhook::new(format!("https://example.com/{secret}")).into(),
        prometheus.into(),
        MicrosoftTeams::new(format!("https://example.com/{secret}")).into(),
    ]
}

fn response(status: u16, body: String) -> http::Response<Vec<u8>> {
    let mut response = http::Response::new(body.into_bytes());
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
    response
        .headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    response
}

/// Fails naming the place when `text` holds `secret`.
fn assert_hidden(place: &str, text: &str, secret: &str) {
    assert!(
        !text.contains(secret),
        "{place} prints the credential `{secret}`: {text}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn no_public_type_prints_a_credential(secret in "[A-Za-z0-9]{16,40}") {
        for kind in kinds(&secret) {
            assert_hidden("an integration", &format!("{kind:?}"), &secret);
            for request in [
                CreateThirdPartyIntegration::new(GROUP, kind.clone()).build().unwrap(),
                UpdateThirdPartyIntegration::new(GROUP, kind.clone())
                    .build_against("https://cloud.mongodb.com")
                    .unwrap(),
            ] {
                assert_hidden("a built request", &format!("{request:?}"), &secret);
                assert_hidden("a request body", &format!("{:?}", request.body()), &secret);
                // The credential is on the wire all the same.
                let wire = String::from_utf8(request.body().to_vec()).unwrap();
                prop_assert!(wire.contains(&secret));
            }
            // Decoded from a response, credentials print as the mask.
            let json = serde_json::to_string(&kind).unwrap();
            let decoded = GetThirdPartyIntegration::new(GROUP, IntegrationType::Datadog)
                .parse_response(response(200, json.clone()))
                .unwrap();
            assert_hidden("a decoded integration", &format!("{decoded:?}"), &secret);
            // A read value sent back is refused, naming fields, not values.
            let refused = UpdateThirdPartyIntegration::new(GROUP, decoded).build().unwrap_err();
            assert_hidden("a refused request", &format!("{refused:?} {refused}"), &secret);

            let list = ListThirdPartyIntegrations::new(GROUP);
            // Every error kind: documented (Atlas's own diagnostics are printed as sent),
            // undocumented (the body, holding credentials, is kept but not printed), and a body
            // that does not decode (the values the decoder quotes are left out).
            let documented = r#"{"error":400,"detail":"bad","reason":"Bad Request","errorCode":"X","parameters":["groupId"]}"#.to_owned();
            let not_a_page = format!(r#"{{"results": [{{"type": "DATADOG", "apiKey": 7, "region": "{secret}"}}], "totalCount": "{secret}"}}"#);
            for (status, body) in [(400, documented), (418, json.clone()), (200, not_a_page), (200, format!("\"{secret}\""))] {
                let error = list.parse_response(response(status, body)).unwrap_err();
                assert_hidden("an operation error", &format!("{error:?}"), &secret);
                assert_hidden("an operation error's message", &error.to_string(), &secret);
            }
        }
    }
}

#[test]
fn headers_that_hold_credentials_are_sensitive() {
    let value = atlas_integrations::runtime::sensitive_header("key-123").unwrap();
    assert!(value.is_sensitive());
    assert_eq!(format!("{value:?}"), "Sensitive");
}

// Servers that echo the request: whatever they send back, no error prints a secret sent.

mod echo {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use atlas_integrations::client::{AuthError, Client, Credentials, Error, RetryPolicy};
    use atlas_integrations::operations::{
        CreateThirdPartyIntegration, CreateThirdPartyIntegrationError, ListThirdPartyIntegrations,
        ListThirdPartyIntegrationsError,
    };
    use atlas_integrations::runtime::{ErrorDetails, RawResponse, ResponseParts};
    use atlas_integrations::types::{Datadog, ThirdPartyIntegration};
    use codegen_tests::raw_server::{RawReply, RawRequest, RawServer};
    use proptest::prelude::*;
    use serde_json::json;

    use super::{GROUP, assert_hidden};

    const CLIENT_ID: &str = "mdb_sa_id_echo";
    const PUBLIC_KEY: &str = "echopubk";
    const CHALLENGE: &str =
        r#"Digest realm="MMS Public API", nonce="bm9uY2UtZWNoby0wMDAx", algorithm=MD5, qop="auth""#;
    const RETRY_AFTER: Duration = Duration::from_secs(7);

    /// What the server answers: the API's status and content type, and the token endpoint's status
    /// (200 issues `token`).
    #[derive(Clone)]
    struct Mode {
        api_status: u16,
        api_json: bool,
        token_status: u16,
        token: String,
    }

    /// Every header and the body of `request`, as text.
    fn echo_of(request: &RawRequest) -> String {
        let mut echo = format!("{} {}\n", request.method, request.target);
        for (name, value) in &request.headers {
            echo.push_str(&format!("{name}: {}\n", String::from_utf8_lossy(value)));
        }
        echo.push_str(&String::from_utf8_lossy(&request.body));
        echo
    }

    /// An error answer repeating `request` in the body's `detail`, `reason`, `error_description`
    /// and `parameters`, and in a response header per request header.
    fn echoing(status: u16, json: bool, request: &RawRequest) -> RawReply {
        let echo = echo_of(request);
        let body = json!({
            "error": status,
            "errorCode": "ECHOED",
            "detail": echo,
            "reason": echo,
            "error_description": echo,
            "parameters": [echo, {"request": echo}],
        });
        let mut reply = match json {
            true => RawReply::json(status, serde_json::to_vec(&body).unwrap()),
            false => RawReply {
                status,
                headers: vec![("content-type".to_owned(), b"text/plain".to_vec())],
                body: echo.into_bytes(),
            },
        };
        reply.headers.push((
            "retry-after".to_owned(),
            RETRY_AFTER.as_secs().to_string().into_bytes(),
        ));
        for (name, value) in &request.headers {
            reply
                .headers
                .push((format!("x-echo-{name}"), value.clone()));
        }
        if status == 401 {
            reply
                .headers
                .push(("www-authenticate".to_owned(), CHALLENGE.as_bytes().to_vec()));
        }
        if (300..400).contains(&status) {
            // The place a redirect names, which its error prints, repeats the credentials too.
            let mut location = "/elsewhere".to_owned();
            for (_, value) in &request.headers {
                location.push('/');
                location.push_str(&String::from_utf8_lossy(value).replace(' ', "+"));
            }
            reply
                .headers
                .push(("location".to_owned(), location.into_bytes()));
        }
        reply
    }

    struct Echo {
        server: RawServer,
        mode: Arc<Mutex<Mode>>,
        /// Every `Authorization` value received.
        authorizations: Arc<Mutex<Vec<String>>>,
    }

    async fn start() -> Echo {
        let mode = Arc::new(Mutex::new(Mode {
            api_status: 400,
            api_json: true,
            token_status: 200,
            token: String::new(),
        }));
        let authorizations = Arc::new(Mutex::new(Vec::new()));
        let (m, a) = (Arc::clone(&mode), Arc::clone(&authorizations));
        let server = RawServer::start(move |request| {
            let mode = m.lock().unwrap().clone();
            let authorization = request.header("authorization");
            if let Some(value) = &authorization {
                a.lock().unwrap().push(value.clone());
            }
            if request.target.starts_with("/api/oauth/token") {
                return match mode.token_status {
                    200 => RawReply::json(
                        200,
                        serde_json::to_vec(
                            &json!({"access_token": mode.token, "expires_in": 3600}),
                        )
                        .unwrap(),
                    ),
                    status => echoing(status, true, request),
                };
            }
            match authorization {
                None => {
                    let mut reply =
                        RawReply::json(401, r#"{"error": 401, "errorCode": "CHALLENGE"}"#);
                    reply
                        .headers
                        .push(("www-authenticate".to_owned(), CHALLENGE.as_bytes().to_vec()));
                    reply
                }
                Some(_) => echoing(mode.api_status, mode.api_json, request),
            }
        })
        .await
        .unwrap();
        Echo {
            server,
            mode,
            authorizations,
        }
    }

    fn client(echo: &Echo, credentials: Credentials) -> Client {
        Client::builder()
            .base_url(echo.server.base_url())
            .allow_plain_http(true)
            .credentials(credentials)
            .retry(RetryPolicy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap()
    }

    /// The secrets sent: the given ones, each `Authorization` value the server saw, its part after
    /// the scheme, and a Digest's `response`.
    fn sent_secrets(echo: &Echo, given: &[&str]) -> Vec<String> {
        let mut secrets: Vec<String> = given.iter().map(|s| (*s).to_owned()).collect();
        for value in echo.authorizations.lock().unwrap().iter() {
            secrets.push(value.clone());
            if let Some((_, credential)) = value.split_once(' ') {
                secrets.push(credential.to_owned());
            }
            if let Some((_, rest)) = value.split_once("response=\"") {
                secrets.push(rest.split('"').next().unwrap_or_default().to_owned());
            }
        }
        secrets.retain(|s| s.len() >= 8);
        secrets
    }

    fn assert_clean(place: &str, printed: &[String], secrets: &[String]) {
        for text in printed {
            for secret in secrets {
                assert_hidden(place, text, secret);
            }
        }
    }

    fn raw_code(raw: &RawResponse) -> Option<String> {
        let body: serde_json::Value = serde_json::from_slice(&raw.body).ok()?;
        body.get("errorCode")?.as_str().map(str::to_owned)
    }

    fn list_code(error: &ListThirdPartyIntegrationsError) -> Option<String> {
        use ListThirdPartyIntegrationsError as E;
        match error {
            E::BadRequest(r)
            | E::Unauthorized(r)
            | E::Forbidden(r)
            | E::NotFound(r)
            | E::InternalServerError(r) => r.body.error_code().map(str::to_owned),
            E::Undocumented(raw) => raw_code(raw),
            _ => None,
        }
    }

    fn create_code(error: &CreateThirdPartyIntegrationError) -> Option<String> {
        use CreateThirdPartyIntegrationError as E;
        match error {
            E::BadRequest(r)
            | E::Unauthorized(r)
            | E::Forbidden(r)
            | E::NotFound(r)
            | E::Conflict(r)
            | E::InternalServerError(r) => r.body.error_code().map(str::to_owned),
            E::Undocumented(raw) => raw_code(raw),
            _ => None,
        }
    }

    /// Checks one call's error: it prints no secret, and still tells status, error code and
    /// Retry-After.
    fn check<E: std::error::Error + ResponseParts + 'static>(
        place: &str,
        result: Result<impl std::fmt::Debug, Error<E>>,
        status: u16,
        json: bool,
        code: impl Fn(&E) -> Option<String>,
        secrets: &[String],
    ) {
        let error = match result {
            Err(error) => error,
            Ok(output) => panic!("{place}: expected an error, got {output:?}"),
        };
        assert_clean(place, &[error.to_string(), format!("{error:?}")], secrets);
        match (&error, json) {
            (Error::Api(api), true) => {
                assert_eq!(api.status(), status, "{place}");
                assert_eq!(api.retry_after(), Some(RETRY_AFTER), "{place}");
                assert_eq!(code(api).as_deref(), Some("ECHOED"), "{place}: {error:?}");
            }
            // A redirect is never followed: its answer is the error, scrubbed like the others.
            (Error::Redirect(redirect), _) if (300..400).contains(&status) => {
                assert_eq!(redirect.status, status, "{place}");
                let location = redirect.location.as_deref().unwrap_or("");
                assert!(location.starts_with("/elsewhere/"), "{place}: {location}");
                assert_eq!(
                    redirect.response.retry_after(),
                    Some(RETRY_AFTER),
                    "{place}"
                );
            }
            (Error::ContentType(raw), false) => {
                assert_eq!(raw.status(), status, "{place}");
                assert_eq!(raw.retry_after(), Some(RETRY_AFTER), "{place}");
                assert!(!raw.body.is_empty());
            }
            _ => panic!("{place}: unexpected error {error:?}"),
        }
    }

    /// Every echoing status against a list and a create (whose body holds `datadog_key`).
    async fn every_status(echo: &Echo, client: &Client, given: &[&str], datadog_key: &str) {
        for (status, json) in [
            (400, true),
            (401, true),
            (409, true),
            (500, true),
            (302, true),
            (400, false),
        ] {
            {
                let mut mode = echo.mode.lock().unwrap();
                mode.api_status = status;
                mode.api_json = json;
            }
            let list = client.send(&ListThirdPartyIntegrations::new(GROUP)).await;
            let create = client
                .send(&CreateThirdPartyIntegration::new(
                    GROUP,
                    ThirdPartyIntegration::from(Datadog::new(datadog_key)),
                ))
                .await;
            let secrets = sent_secrets(echo, given);
            let place = format!("a {status} list answer");
            check(&place, list, status, json, list_code, &secrets);
            let place = format!("a {status} create answer");
            check(&place, create, status, json, create_code, &secrets);
        }
    }

    async fn run(secret: String) {
        let datadog_key = format!("dd{secret}key");
        let echo = start().await;

        // A ready token.
        let token = format!("tok{secret}");
        let bearer = client(&echo, Credentials::bearer(token.as_str()));
        every_status(&echo, &bearer, &[&token, &datadog_key], &datadog_key).await;

        // An API key, with Digest.
        let private_key = format!("pk{secret}");
        let api_key = client(
            &echo,
            Credentials::api_key(PUBLIC_KEY, private_key.as_str()),
        );
        every_status(&echo, &api_key, &[&private_key, &datadog_key], &datadog_key).await;

        // A service account: its token endpoint issues a token, then refuses.
        let client_secret = format!("sk{secret}");
        let issued = format!("issued{secret}");
        echo.mode.lock().unwrap().token = issued.clone();
        let account = client(
            &echo,
            Credentials::service_account(CLIENT_ID, client_secret.as_str()),
        );
        let given = [
            client_secret.as_str(),
            issued.as_str(),
            datadog_key.as_str(),
        ];
        every_status(&echo, &account, &given, &datadog_key).await;
        for status in [400, 401] {
            echo.mode.lock().unwrap().token_status = status;
            let fresh = client(
                &echo,
                Credentials::service_account(CLIENT_ID, client_secret.as_str()),
            );
            let result = fresh.send(&ListThirdPartyIntegrations::new(GROUP)).await;
            let secrets = sent_secrets(&echo, &given);
            let place = format!("a {status} token answer");
            let failure = match &result {
                Err(Error::Auth(AuthError::TokenRefused(failure))) => failure,
                other => panic!("{place}: expected TokenRefused, got {other:?}"),
            };
            assert_clean(
                &place,
                &[
                    format!("{result:?}"),
                    result
                        .as_ref()
                        .err()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    format!("{failure:?}"),
                    failure.to_string(),
                    failure.detail().unwrap_or_default().to_owned(),
                    failure.text().into_owned(),
                ],
                &secrets,
            );
            assert_eq!(failure.status(), status);
            assert_eq!(failure.error_code(), Some("ECHOED"));
            assert_eq!(failure.retry_after(), Some(RETRY_AFTER));
            // The detail is kept, with what it echoed masked.
            assert!(
                failure.detail().is_some_and(|d| d.contains("****")),
                "{place}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]

        #[test]
        fn no_error_prints_a_secret_a_server_echoes(secret in "[A-Za-z0-9_-]{16,32}") {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                tokio::time::timeout(Duration::from_secs(60), run(secret))
                    .await
                    .expect("the echo run did not finish within 60 s");
            });
        }
    }
}
