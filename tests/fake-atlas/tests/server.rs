#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Smoke tests of the fake Atlas itself, with plain `reqwest` requests, so that the end-to-end
//! tests of the client stand on a server whose behaviour is known.

use std::collections::HashSet;
use std::time::Duration;

use digest_auth::{AuthContext, HttpMethod, WwwAuthenticateHeader};
use fake_atlas::{DigestAlgorithm, FakeAtlas, Fault, FaultyBody, Paging, Role, mask};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, RETRY_AFTER, WWW_AUTHENTICATE};
use reqwest::{Client, Method};
use serde_json::{Value, json};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const OWNER_ID: &str = "mdb_sa_id_owner";
const OWNER_SECRET: &str = "mdb_sa_sk_owner-secret";
const READER_ID: &str = "mdb_sa_id_reader";
const READER_SECRET: &str = "mdb_sa_sk_reader-secret";
const PUBLIC_KEY: &str = "abcdefgh";
const PRIVATE_KEY: &str = "8f1c6a2e-4b7d-4e0f-9a3c-2d5e6f708192";

/// An answer, read completely.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {:?}", self.text))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    fn error_code(&self) -> String {
        self.json()["errorCode"].as_str().unwrap_or("").to_owned()
    }
}

fn client() -> Client {
    // reqwest is built without a TLS provider of its own in this workspace, and refuses to build
    // a client with none, even for plain HTTP on loopback. Failing means one is installed.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    Client::builder().no_proxy().build().unwrap()
}

async fn fake() -> FakeAtlas {
    let fake = FakeAtlas::start().await.unwrap();
    fake.add_project(GROUP);
    fake.add_service_account(OWNER_ID, OWNER_SECRET, Role::Owner);
    fake.add_service_account(READER_ID, READER_SECRET, Role::ReadOnly);
    fake.add_api_key(PUBLIC_KEY, PRIVATE_KEY, Role::Owner);
    fake
}

async fn read(response: reqwest::Response) -> Answer {
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        text: response.text().await.unwrap(),
    }
}

fn path(suffix: &str) -> String {
    format!("/api/atlas/v1.0/groups/{GROUP}/integrations{suffix}")
}

async fn token_request(fake: &FakeAtlas, id: &str, secret: &str, grant: &str) -> Answer {
    let response = client()
        .post(format!("{}/api/oauth/token", fake.base_url()))
        .basic_auth(id, Some(secret))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("grant_type={grant}"))
        .send()
        .await
        .unwrap();
    read(response).await
}

async fn issue_token(fake: &FakeAtlas, id: &str, secret: &str) -> String {
    let answer = token_request(fake, id, secret, "client_credentials").await;
    assert_eq!(answer.status, 200, "{answer:?}");
    answer.json()["access_token"].as_str().unwrap().to_owned()
}

/// Sends a request to a path (with query) of the fake, with a bearer token when given.
async fn call(
    fake: &FakeAtlas,
    method: Method,
    target: &str,
    bearer: Option<&str>,
    body: Option<&Value>,
) -> Answer {
    let mut request = client().request(method, format!("{}{target}", fake.base_url()));
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string());
    }
    read(request.send().await.unwrap()).await
}

/// Sends a request with Digest credentials computed from a challenge the caller keeps, so that
/// its nonce count goes up.
async fn digest_call(
    fake: &FakeAtlas,
    prompt: &mut WwwAuthenticateHeader,
    method: Method,
    target: &str,
    password: &str,
) -> (Answer, String) {
    let context = AuthContext::new_with_method(
        PUBLIC_KEY,
        password,
        target,
        None::<&[u8]>,
        HttpMethod::from(method.as_str().to_owned()),
    );
    let authorization = prompt.respond(&context).unwrap().to_string();
    let answer = read(
        client()
            .request(method, format!("{}{target}", fake.base_url()))
            .header(AUTHORIZATION, &authorization)
            .send()
            .await
            .unwrap(),
    )
    .await;
    (answer, authorization)
}

fn challenge(answer: &Answer) -> WwwAuthenticateHeader {
    let value = answer.header("www-authenticate").expect("a challenge");
    digest_auth::parse(value).unwrap()
}

fn datadog(api_key: &str) -> Value {
    json!({"type": "DATADOG", "apiKey": api_key, "region": "EU"})
}

#[tokio::test]
async fn token_flow_issues_bearer_tokens_until_they_expire_or_are_revoked() {
    let fake = fake().await;

    let answer = token_request(&fake, OWNER_ID, OWNER_SECRET, "client_credentials").await;
    assert_eq!(answer.status, 200);
    let body = answer.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    let token = body["access_token"].as_str().unwrap().to_owned();
    assert!(token.len() >= 32);

    let list = call(&fake, Method::GET, &path(""), Some(&token), None).await;
    assert_eq!(list.status, 200, "{list:?}");
    assert_eq!(list.json()["totalCount"], 0);

    // Client credentials in the form body work as well.
    let form = read(
        client()
            .post(format!("{}/api/oauth/token", fake.base_url()))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(format!(
                "grant_type=client_credentials&client_id={OWNER_ID}&client_secret={OWNER_SECRET}"
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(form.status, 200, "{form:?}");

    // A token past its lifetime gets 401 with a Digest challenge.
    fake.set_token_lifetime(Duration::from_millis(300));
    let short = issue_token(&fake, OWNER_ID, OWNER_SECRET).await;
    assert_eq!(
        call(&fake, Method::GET, &path(""), Some(&short), None)
            .await
            .status,
        200
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let expired = call(&fake, Method::GET, &path(""), Some(&short), None).await;
    assert_eq!(expired.status, 401);
    assert_eq!(expired.error_code(), "UNAUTHORIZED");
    assert_eq!(expired.json()["error"], 401);
    let prompt = challenge(&expired);
    assert_eq!(prompt.realm, "MMS Public API");
    assert!(!prompt.stale);
    assert!(
        expired
            .header("www-authenticate")
            .unwrap()
            .contains("algorithm=MD5, qop=\"auth\"")
    );

    // Revocation invalidates every token issued so far, not later ones.
    fake.set_token_lifetime(Duration::from_secs(3600));
    assert_eq!(
        call(&fake, Method::GET, &path(""), Some(&token), None)
            .await
            .status,
        200
    );
    fake.revoke_tokens();
    let revoked = call(&fake, Method::GET, &path(""), Some(&token), None).await;
    assert_eq!(revoked.status, 401);
    assert!(revoked.header("www-authenticate").is_some());
    let fresh = issue_token(&fake, OWNER_ID, OWNER_SECRET).await;
    assert_eq!(
        call(&fake, Method::GET, &path(""), Some(&fresh), None)
            .await
            .status,
        200
    );

    // No credentials at all: 401 with a challenge as well.
    let anonymous = call(&fake, Method::GET, &path(""), None, None).await;
    assert_eq!(anonymous.status, 401);

    assert_eq!(fake.token_requests(), 4);
    assert_eq!(fake.tokens_issued(), 4);
    assert_eq!(fake.digest_challenges(), 3);
    let requests = fake.requests();
    assert_eq!(requests[0].path, "/api/oauth/token");
    assert_eq!(requests[0].auth_scheme(), Some("Basic"));
    assert_eq!(requests[1].auth_scheme(), Some("Bearer"));
    assert_eq!(requests[1].status, Some(200));
    assert_eq!(requests.last().unwrap().authorization, None);
    assert_eq!(requests.last().unwrap().status, Some(401));
    fake.stop().await.unwrap();
}

#[tokio::test]
async fn token_endpoint_rejects_bad_clients_and_grants() {
    let fake = fake().await;

    let wrong_secret = token_request(&fake, OWNER_ID, "nope", "client_credentials").await;
    assert_eq!(wrong_secret.status, 401);
    assert_eq!(wrong_secret.json()["error"], "invalid_client");

    let unknown = token_request(&fake, "mdb_sa_id_nobody", "x", "client_credentials").await;
    assert_eq!(unknown.status, 401);
    assert_eq!(unknown.json()["error"], "invalid_client");

    let grant = token_request(&fake, OWNER_ID, OWNER_SECRET, "password").await;
    assert_eq!(grant.status, 400);
    assert_eq!(grant.json()["error"], "unsupported_grant_type");

    let no_credentials = read(
        client()
            .post(format!("{}/api/oauth/token", fake.base_url()))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(no_credentials.status, 401);
    assert_eq!(no_credentials.json()["error"], "invalid_client");

    // A token endpoint answer is never a Digest challenge.
    assert_eq!(fake.digest_challenges(), 0);
    assert_eq!(fake.tokens_issued(), 0);
    assert_eq!(fake.token_requests(), 4);
}

#[tokio::test]
async fn digest_credentials_are_verified_and_nonces_are_reused_with_rising_counts() {
    let fake = fake().await;
    let target = path("?itemsPerPage=5");

    let first = call(&fake, Method::GET, &target, None, None).await;
    assert_eq!(first.status, 401);
    let header = first.header("www-authenticate").unwrap().to_owned();
    assert!(header.starts_with("Digest realm=\"MMS Public API\", domain=\"\", nonce=\""));
    assert!(header.ends_with("algorithm=MD5, qop=\"auth\", stale=false"));
    let mut prompt = challenge(&first);

    let (ok, authorization) =
        digest_call(&fake, &mut prompt, Method::GET, &target, PRIVATE_KEY).await;
    assert_eq!(ok.status, 200, "{ok:?}");
    assert!(authorization.contains("nc=00000001"));

    // The same nonce again, with the next count, still works (no new challenge).
    let (again, authorization) =
        digest_call(&fake, &mut prompt, Method::GET, &target, PRIVATE_KEY).await;
    assert_eq!(again.status, 200);
    assert!(authorization.contains("nc=00000002"));
    assert_eq!(fake.digest_challenges(), 1);

    // Replaying a count already seen is refused.
    let replay = read(
        client()
            .get(format!("{}{target}", fake.base_url()))
            .header(AUTHORIZATION, &authorization)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(replay.status, 401);
    assert_eq!(fake.digest_challenges(), 2);

    // A wrong private key is refused.
    let (wrong, _) = digest_call(&fake, &mut prompt, Method::GET, &target, "wrong").await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.error_code(), "UNAUTHORIZED");

    // The signed uri must be the request target, and the method the request's.
    let context = AuthContext::new_with_method(
        PUBLIC_KEY,
        PRIVATE_KEY,
        path(""),
        None::<&[u8]>,
        HttpMethod::GET,
    );
    let other_uri = prompt.respond(&context).unwrap().to_string();
    let mismatch = read(
        client()
            .get(format!("{}{target}", fake.base_url()))
            .header(AUTHORIZATION, other_uri)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(mismatch.status, 401);
    let context = AuthContext::new_with_method(
        PUBLIC_KEY,
        PRIVATE_KEY,
        path("/DATADOG"),
        None::<&[u8]>,
        HttpMethod::GET,
    );
    let signed_as_get = prompt.respond(&context).unwrap().to_string();
    let wrong_method = read(
        client()
            .delete(format!("{}{}", fake.base_url(), path("/DATADOG")))
            .header(AUTHORIZATION, signed_as_get)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(wrong_method.status, 401);

    // Forgotten nonces: right credentials get a stale challenge.
    fake.expire_nonces();
    let (stale, _) = digest_call(&fake, &mut prompt, Method::GET, &target, PRIVATE_KEY).await;
    assert_eq!(stale.status, 401);
    assert!(challenge(&stale).stale);
    let mut fresh = challenge(&stale);
    let (ok, _) = digest_call(&fake, &mut fresh, Method::GET, &target, PRIVATE_KEY).await;
    assert_eq!(ok.status, 200);

    let scheme = fake.requests()[1].auth_scheme().map(str::to_owned);
    assert_eq!(scheme.as_deref(), Some("Digest"));
    fake.stop().await.unwrap();
}

#[tokio::test]
async fn digest_with_sha256_when_configured() {
    let fake = fake().await;
    fake.set_digest_algorithm(DigestAlgorithm::Sha256);
    let target = path("");
    let first = call(&fake, Method::GET, &target, None, None).await;
    assert!(
        first
            .header("www-authenticate")
            .unwrap()
            .contains("algorithm=SHA-256")
    );
    let mut prompt = challenge(&first);
    let (ok, authorization) =
        digest_call(&fake, &mut prompt, Method::GET, &target, PRIVATE_KEY).await;
    assert_eq!(ok.status, 200, "{ok:?}");
    assert!(authorization.contains("algorithm=SHA-256"));
    let (wrong, _) = digest_call(&fake, &mut prompt, Method::GET, &target, "nope").await;
    assert_eq!(wrong.status, 401);
}

#[tokio::test]
async fn create_validates_and_refuses_a_second_integration_of_a_kind() {
    let fake = fake().await;
    let token = issue_token(&fake, OWNER_ID, OWNER_SECRET).await;
    let bearer = Some(token.as_str());

    let mut body = datadog("0123456789abcdef0123456789abcdef");
    body["id"] = json!("ffffffffffffffffffffffff");
    let created = call(&fake, Method::POST, &path("/DATADOG"), bearer, Some(&body)).await;
    assert_eq!(created.status, 200, "{created:?}");
    assert_eq!(created.header("content-type"), Some("application/json"));
    let page = created.json();
    assert_eq!(page["totalCount"], 1);
    let result = &page["results"][0];
    assert_eq!(result["type"], "DATADOG");
    assert_eq!(result["region"], "EU");
    assert_eq!(result["apiKey"], "****************************cdef");
    let id = result["id"].as_str().unwrap();
    assert_ne!(id, "ffffffffffffffffffffffff");
    assert_eq!(id.len(), 24);
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_eq!(page["links"][0]["rel"], "self");

    let again = call(&fake, Method::POST, &path("/DATADOG"), bearer, Some(&body)).await;
    assert_eq!(again.status, 409);
    assert_eq!(again.error_code(), "INTEGRATION_ALREADY_CONFIGURED");
    assert_eq!(again.json()["reason"], "Conflict");

    let mismatch = call(&fake, Method::POST, &path("/SLACK"), bearer, Some(&body)).await;
    assert_eq!(mismatch.status, 400);
    assert_eq!(mismatch.error_code(), "INVALID_INTEGRATION_TYPE");

    let missing = json!({"type": "PAGER_DUTY", "region": "US"});
    let missing = call(
        &fake,
        Method::POST,
        &path("/PAGER_DUTY"),
        bearer,
        Some(&missing),
    )
    .await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.error_code(), "MISSING_ATTRIBUTE");

    let malformed = read(
        client()
            .post(format!("{}{}", fake.base_url(), path("/SLACK")))
            .bearer_auth(&token)
            .header(CONTENT_TYPE, "application/json")
            .body("{\"type\": \"SLACK\",")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.error_code(), "INVALID_JSON");

    let unknown_type = call(&fake, Method::GET, &path("/SPLUNK"), bearer, None).await;
    assert_eq!(unknown_type.status, 404);
    assert_eq!(unknown_type.error_code(), "INTEGRATION_TYPE_NOT_FOUND");

    let bad_group = call(
        &fake,
        Method::GET,
        "/api/atlas/v1.0/groups/NOT-A-GROUP/integrations",
        bearer,
        None,
    )
    .await;
    assert_eq!(bad_group.status, 400);
    assert_eq!(bad_group.error_code(), "INVALID_GROUP_ID");

    let no_group = call(
        &fake,
        Method::GET,
        "/api/atlas/v1.0/groups/aaaaaaaaaaaaaaaaaaaaaaaa/integrations",
        bearer,
        None,
    )
    .await;
    assert_eq!(no_group.status, 404);
    assert_eq!(no_group.error_code(), "GROUP_NOT_FOUND");

    // Nothing but the first create changed the project.
    assert_eq!(fake.integrations(GROUP).len(), 1);
    fake.stop().await.unwrap();
}

#[tokio::test]
async fn get_update_and_delete_follow_the_configured_kinds() {
    let fake = fake().await;
    let token = issue_token(&fake, OWNER_ID, OWNER_SECRET).await;
    let bearer = Some(token.as_str());

    let missing = call(&fake, Method::GET, &path("/SLACK"), bearer, None).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.error_code(), "INTEGRATION_NOT_FOUND");
    let slack = json!({"type": "SLACK", "apiToken": "xoxb-1234567890", "channelName": "alerts"});
    let update = call(&fake, Method::PUT, &path("/SLACK"), bearer, Some(&slack)).await;
    assert_eq!(update.status, 404);
    assert_eq!(update.error_code(), "INTEGRATION_NOT_FOUND");

    let created = call(&fake, Method::POST, &path("/SLACK"), bearer, Some(&slack)).await;
    assert_eq!(created.status, 200);
    let id = created.json()["results"][0]["id"].clone();

    let renamed = json!({"type": "SLACK", "apiToken": "xoxb-abcdefghij", "channelName": "ops"});
    let updated = call(&fake, Method::PUT, &path("/SLACK"), bearer, Some(&renamed)).await;
    assert_eq!(updated.status, 200, "{updated:?}");
    let result = &updated.json()["results"][0];
    assert_eq!(result["id"], id);
    assert_eq!(result["channelName"], "ops");
    assert_eq!(result["apiToken"], "***********ghij");

    let got = call(&fake, Method::GET, &path("/SLACK"), bearer, None).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.json()["id"], id);

    let deleted = call(&fake, Method::DELETE, &path("/SLACK"), bearer, None).await;
    assert_eq!(deleted.status, 204);
    assert!(deleted.text.is_empty());
    let gone = call(&fake, Method::DELETE, &path("/SLACK"), bearer, None).await;
    assert_eq!(gone.status, 404);
    assert!(fake.integrations(GROUP).is_empty());
}

#[tokio::test]
async fn reads_are_masked_and_a_masked_value_sent_back_is_stored_as_the_mask() {
    let fake = fake().await;
    let token = issue_token(&fake, OWNER_ID, OWNER_SECRET).await;
    let bearer = Some(token.as_str());

    let bodies = [
        json!({"type": "PAGER_DUTY", "serviceKey": "pd-0000000000007890", "region": "US"}),
        json!({
            "type": "NEW_RELIC",
            "accountId": "bcc3c81b344a6030a3935c2527e2216535af7718",
            "licenseKey": "bc3768f44193c282b2688ab39e00f8e4fc8d75ea",
            "readToken": "193c96aee4a3ac640b98634562e2631f17ae0a69",
            "writeToken": "a67b10e5cd7f8fb6a34b501136c409f373edc218",
        }),
        json!({"type": "WEBHOOK", "url": "https://hooks.example/alerts", "secret": "abc"}),
        json!({
            "type": "PROMETHEUS",
            "enabled": true,
            "serviceDiscovery": "http",
            "username": "prom_user",
            "password": "prom-password",
        }),
        json!({"type": "MICROSOFT_TEAMS", "microsoftTeamsWebhookUrl": "https://teams.example/x1234"}),
    ];
    for body in &bodies {
        let kind = body["type"].as_str().unwrap();
        let answer = call(
            &fake,
            Method::POST,
            &path(&format!("/{kind}")),
            bearer,
            Some(body),
        )
        .await;
        assert_eq!(answer.status, 200, "{kind}: {answer:?}");
    }

    let list = call(&fake, Method::GET, &path(""), bearer, None)
        .await
        .json();
    let results = list["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    assert_eq!(results[0]["serviceKey"], "***************7890");
    assert_eq!(
        results[1]["accountId"],
        "bcc3c81b344a6030a3935c2527e2216535af7718"
    );
    assert_eq!(
        results[1]["licenseKey"],
        mask("bc3768f44193c282b2688ab39e00f8e4fc8d75ea")
    );
    assert!(results[1]["readToken"].as_str().unwrap().ends_with("0a69"));
    assert_eq!(results[2]["url"], "************************erts");
    assert_eq!(results[2]["secret"], "***");
    assert_eq!(results[3]["username"], "prom_user");
    assert!(results[3].get("password").is_none());
    assert_eq!(
        results[4]["microsoftTeamsWebhookUrl"],
        mask("https://teams.example/x1234")
    );

    let one = call(&fake, Method::GET, &path("/PAGER_DUTY"), bearer, None)
        .await
        .json();
    assert_eq!(one["serviceKey"], "***************7890");

    // The stored values are the real ones...
    let stored = fake.stored(GROUP, "PROMETHEUS").unwrap();
    assert_eq!(stored["password"], "prom-password");

    // ...until a client sends a read value back: then the mask is what is stored.
    let mut echoed = one.clone();
    echoed["region"] = json!("EU");
    let updated = call(
        &fake,
        Method::PUT,
        &path("/PAGER_DUTY"),
        bearer,
        Some(&echoed),
    )
    .await;
    assert_eq!(updated.status, 200);
    let stored = fake.stored(GROUP, "PAGER_DUTY").unwrap();
    assert_eq!(stored["serviceKey"], "***************7890");
    assert_eq!(stored["region"], "EU");
    fake.stop().await.unwrap();
}

#[tokio::test]
async fn read_only_credentials_may_read_but_not_change() {
    let fake = fake().await;
    let owner = issue_token(&fake, OWNER_ID, OWNER_SECRET).await;
    let reader = issue_token(&fake, READER_ID, READER_SECRET).await;
    let body = datadog("datadog-key-1234");
    let created = call(
        &fake,
        Method::POST,
        &path("/DATADOG"),
        Some(&owner),
        Some(&body),
    )
    .await;
    assert_eq!(created.status, 200);

    assert_eq!(
        call(&fake, Method::GET, &path(""), Some(&reader), None)
            .await
            .status,
        200
    );
    assert_eq!(
        call(&fake, Method::GET, &path("/DATADOG"), Some(&reader), None)
            .await
            .status,
        200
    );
    for method in [Method::POST, Method::PUT, Method::DELETE] {
        let kind = if method == Method::POST {
            "/WEBHOOK"
        } else {
            "/DATADOG"
        };
        let body = if method == Method::POST {
            json!({"type": "WEBHOOK", "url": "https://hooks.example/1"})
        } else {
            body.clone()
        };
        let sent = (method != Method::DELETE).then_some(&body);
        let answer = call(&fake, method.clone(), &path(kind), Some(&reader), sent).await;
        assert_eq!(answer.status, 403, "{method}: {answer:?}");
        assert_eq!(answer.error_code(), "USER_UNAUTHORIZED");
    }
    assert_eq!(fake.integrations(GROUP).len(), 1);

    // The same holds for a read-only API key over Digest.
    fake.add_api_key("readonly", "readonly-private", Role::ReadOnly);
    let target = path("/DATADOG");
    let first = call(&fake, Method::DELETE, &target, None, None).await;
    let mut prompt = challenge(&first);
    let context = AuthContext::new_with_method(
        "readonly",
        "readonly-private",
        target.as_str(),
        None::<&[u8]>,
        HttpMethod::DELETE,
    );
    let authorization = prompt.respond(&context).unwrap().to_string();
    let answer = read(
        client()
            .delete(format!("{}{target}", fake.base_url()))
            .header(AUTHORIZATION, authorization)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, 403);
}

#[tokio::test]
async fn queued_faults_are_served_in_order_then_normal_answers_resume() {
    let fake = fake().await;
    let token = issue_token(&fake, OWNER_ID, OWNER_SECRET).await;
    let bearer = Some(token.as_str());
    fake.fail_next(
        GROUP,
        vec![
            Fault::TooManyRequests {
                retry_after: Some(7),
            },
            Fault::ServiceUnavailable { retry_after: None },
            Fault::InternalError,
            Fault::TooManyRequests { retry_after: None },
            Fault::Delay(Duration::from_millis(200)),
            Fault::Raw {
                status: 502,
                content_type: "text/html".to_owned(),
                body: "<html>Bad Gateway</html>".to_owned(),
            },
        ],
    );
    assert_eq!(fake.pending_faults(GROUP), 6);

    // An unauthenticated request does not take a fault.
    assert_eq!(
        call(&fake, Method::GET, &path(""), None, None).await.status,
        401
    );

    let first = call(&fake, Method::GET, &path(""), bearer, None).await;
    assert_eq!(first.status, 429);
    assert_eq!(first.error_code(), "RATE_LIMITED");
    assert_eq!(first.header(RETRY_AFTER.as_str()), Some("7"));

    let second = call(&fake, Method::GET, &path("/DATADOG"), bearer, None).await;
    assert_eq!(second.status, 503);
    assert_eq!(second.header(RETRY_AFTER.as_str()), None);

    let third = call(&fake, Method::GET, &path(""), bearer, None).await;
    assert_eq!(third.status, 500);
    assert_eq!(third.error_code(), "UNEXPECTED_ERROR");

    let fourth = call(&fake, Method::GET, &path(""), bearer, None).await;
    assert_eq!(fourth.status, 429);
    assert_eq!(fourth.header(RETRY_AFTER.as_str()), None);

    let started = std::time::Instant::now();
    let fifth = call(&fake, Method::GET, &path(""), bearer, None).await;
    assert_eq!(fifth.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(200));

    let sixth = call(&fake, Method::GET, &path(""), bearer, None).await;
    assert_eq!(sixth.status, 502);
    assert_eq!(sixth.header("content-type"), Some("text/html"));
    assert_eq!(sixth.text, "<html>Bad Gateway</html>");

    assert_eq!(fake.pending_faults(GROUP), 0);
    let normal = call(&fake, Method::GET, &path(""), bearer, None).await;
    assert_eq!(normal.status, 200);

    let statuses: Vec<Option<u16>> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [200, 401, 429, 503, 500, 429, 200, 502, 200].map(Some)
    );
}

#[tokio::test]
async fn envelope_and_pretty_forms() {
    let fake = fake().await;
    let token = issue_token(&fake, OWNER_ID, OWNER_SECRET).await;
    let bearer = Some(token.as_str());

    let missing = call(
        &fake,
        Method::GET,
        &path("/SLACK?envelope=true"),
        bearer,
        None,
    )
    .await;
    assert_eq!(missing.status, 200);
    let body = missing.json();
    assert_eq!(body["status"], 404);
    assert_eq!(body["content"]["errorCode"], "INTEGRATION_NOT_FOUND");
    assert_eq!(body["content"]["error"], 404);

    let created = call(
        &fake,
        Method::POST,
        &path("/DATADOG?envelope=true"),
        bearer,
        Some(&datadog("abcdefgh12345678")),
    )
    .await;
    assert_eq!(created.status, 200);
    let body = created.json();
    assert_eq!(body["status"], 200);
    assert_eq!(body["totalCount"], 1);
    assert_eq!(body["results"][0]["apiKey"], "************5678");

    let one = call(
        &fake,
        Method::GET,
        &path("/DATADOG?envelope=true"),
        bearer,
        None,
    )
    .await;
    let body = one.json();
    assert_eq!(body["status"], 200);
    assert_eq!(body["content"]["type"], "DATADOG");

    let unauthorized = call(&fake, Method::GET, &path("?envelope=true"), None, None).await;
    assert_eq!(unauthorized.status, 200);
    assert_eq!(unauthorized.json()["status"], 401);
    assert!(unauthorized.header(WWW_AUTHENTICATE.as_str()).is_some());

    let pretty = call(&fake, Method::GET, &path("?pretty=true"), bearer, None).await;
    assert_eq!(pretty.status, 200);
    assert!(
        pretty.text.contains("\n  \"results\": ["),
        "{}",
        pretty.text
    );
    let compact = call(&fake, Method::GET, &path(""), bearer, None).await;
    assert!(!compact.text.contains('\n'));
    assert_eq!(pretty.json(), compact.json());

    let deleted = call(
        &fake,
        Method::DELETE,
        &path("/DATADOG?envelope=true&pretty=true"),
        bearer,
        None,
    )
    .await;
    assert_eq!(deleted.status, 200);
    assert_eq!(deleted.json(), json!({"status": 204, "content": {}}));
    assert!(deleted.text.contains('\n'));

    let bad_flag = call(&fake, Method::GET, &path("?envelope=yes"), bearer, None).await;
    assert_eq!(bad_flag.status, 400);
    assert_eq!(bad_flag.error_code(), "INVALID_QUERY_PARAMETER");
}

#[tokio::test]
async fn seeded_projects_page_through_every_integration_once() {
    let fake = fake().await;
    let token = issue_token(&fake, OWNER_ID, OWNER_SECRET).await;
    let bearer = Some(token.as_str());
    let seeded = fake.seed(GROUP, 1200);
    assert_eq!(seeded.len(), 1200);

    let mut ids = Vec::new();
    let mut kinds = HashSet::new();
    for page in 1..=4 {
        let target = path(&format!("?itemsPerPage=500&pageNum={page}"));
        let answer = call(&fake, Method::GET, &target, bearer, None).await;
        assert_eq!(answer.status, 200);
        let body = answer.json();
        assert_eq!(body["totalCount"], 1200);
        let results = body["results"].as_array().unwrap();
        assert_eq!(results.len(), [500, 500, 200, 0][page - 1]);
        let rels: Vec<&str> = body["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|link| link["rel"].as_str().unwrap())
            .collect();
        assert_eq!(rels[0], "self");
        assert_eq!(rels.contains(&"next"), page < 3, "page {page}: {rels:?}");
        for result in results {
            ids.push(result["id"].as_str().unwrap().to_owned());
            kinds.insert(result["type"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(ids.len(), 1200);
    assert_eq!(ids, seeded, "insertion order");
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 1200);
    assert_eq!(kinds.len(), 9);

    let default_page = call(&fake, Method::GET, &path(""), bearer, None)
        .await
        .json();
    assert_eq!(default_page["results"].as_array().unwrap().len(), 100);
    let webhook = &default_page["results"][6];
    assert_eq!(webhook["type"], "WEBHOOK");
    assert!(webhook["url"].as_str().unwrap().ends_with("0006"));
    assert_eq!(
        fake.integrations(GROUP)[6]["url"],
        "https://hooks.example/000006"
    );

    let uncounted = call(
        &fake,
        Method::GET,
        &path("?includeCount=false"),
        bearer,
        None,
    )
    .await;
    assert!(uncounted.json().get("totalCount").is_none());

    for query in [
        "?itemsPerPage=501",
        "?itemsPerPage=0",
        "?pageNum=0",
        "?pageNum=x",
    ] {
        let answer = call(&fake, Method::GET, &path(query), bearer, None).await;
        assert_eq!(answer.status, 400, "{query}");
        assert_eq!(answer.error_code(), "INVALID_QUERY_PARAMETER");
    }

    // A retired kind stored as is comes back as is.
    let hipchat =
        json!({"type": "HIP_CHAT", "notificationToken": "hipchat-token-9876", "roomName": "ops"});
    fake.insert_raw(GROUP, hipchat).unwrap();
    let last = call(
        &fake,
        Method::GET,
        &path("?itemsPerPage=1&pageNum=1201"),
        bearer,
        None,
    )
    .await
    .json();
    assert_eq!(last["results"][0]["type"], "HIP_CHAT");
    assert_eq!(
        last["results"][0]["notificationToken"],
        "**************9876"
    );
}

#[tokio::test]
async fn stopping_or_dropping_releases_the_port() {
    let fake = FakeAtlas::start().await.unwrap();
    let addr = fake.addr();
    assert_eq!(fake.base_url(), format!("http://127.0.0.1:{}", addr.port()));
    assert!(addr.ip().is_loopback());
    let answer = call(&fake, Method::GET, "/nowhere", None, None).await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.error_code(), "RESOURCE_NOT_FOUND");
    fake.stop().await.unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());

    let fake = FakeAtlas::start().await.unwrap();
    let addr = fake.addr();
    drop(fake);
    let mut refused = false;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused, "the dropped server still accepts connections");
}

#[tokio::test]
async fn faults_before_authentication_reach_the_token_endpoint_too() {
    let fake = fake().await;
    fake.fail_before_auth(vec![
        Fault::Answer {
            status: 429,
            headers: vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("Retry-After".to_owned(), "1".to_owned()),
            ],
            body: r#"{"errorCode":"RATE_LIMITED"}"#.to_owned(),
        },
        Fault::ServiceUnavailable { retry_after: None },
    ]);
    let throttled = token_request(&fake, OWNER_ID, OWNER_SECRET, "client_credentials").await;
    assert_eq!(throttled.status, 429);
    assert_eq!(throttled.header(RETRY_AFTER.as_str()), Some("1"));
    assert_eq!(
        throttled.header(CONTENT_TYPE.as_str()),
        Some("application/json")
    );
    assert_eq!(throttled.error_code(), "RATE_LIMITED");
    // An unauthenticated API request takes the next one, before any challenge.
    let unavailable = call(&fake, Method::GET, &path(""), None, None).await;
    assert_eq!(unavailable.status, 503);
    assert_eq!(fake.token_requests(), 1);
    assert_eq!(fake.tokens_issued(), 0);
    let token = token_request(&fake, OWNER_ID, OWNER_SECRET, "client_credentials").await;
    assert_eq!(token.status, 200);
}

#[tokio::test]
async fn paging_quirks_and_faulty_bodies() {
    let fake = fake().await;
    fake.seed(GROUP, 5);
    let token = issue_token(&fake, OWNER_ID, OWNER_SECRET).await;
    let bearer = Some(token.as_str());
    fake.set_paging(Paging {
        max_items_per_page: Some(2),
        always_next: true,
        omit_total_count: true,
        ignore_page_num: false,
    });
    let page = call(
        &fake,
        Method::GET,
        &path("?pageNum=3&itemsPerPage=4"),
        bearer,
        None,
    )
    .await
    .json();
    assert_eq!(page["results"].as_array().map(Vec::len), Some(1));
    assert_eq!(page.get("totalCount"), None);
    let next = page["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "next")
        .unwrap();
    assert!(
        next["href"]
            .as_str()
            .unwrap()
            .ends_with("?pageNum=4&itemsPerPage=2"),
        "{next}"
    );

    fake.fail_next(
        GROUP,
        vec![
            Fault::Body(FaultyBody::Sized {
                length: 3 << 20,
                declared: true,
            }),
            Fault::Body(FaultyBody::Cut {
                declared: 1000,
                sent: 10,
            }),
        ],
    );
    let url = format!("{}{}", fake.base_url(), path(""));
    let sized = client().get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(sized.content_length(), Some(3 << 20));
    assert_eq!(sized.bytes().await.unwrap().len(), 3 << 20);
    let cut = client().get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(cut.content_length(), Some(1000));
    assert!(cut.bytes().await.is_err(), "the body stops short");
}
