//! The sans-IO core plugged into an HTTP stack of one's own: a builder makes an absolute request
//! against a base URL, a plain `reqwest` client sends it to the fake Atlas on 127.0.0.1, and the
//! answer is read back from `bytes::Bytes`, `String` and `&[u8]` bodies alike.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use atlas_integrations::operations::{
    CreateThirdPartyIntegration, GetThirdPartyIntegration, ListThirdPartyIntegrations,
};
use atlas_integrations::runtime::{Operation, RequestError};
use atlas_integrations::types::{Datadog, IntegrationType, ThirdPartyIntegration};
use fake_atlas::{FakeAtlas, Role, TOKEN_PATH};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";

#[test]
fn absolute_requests_join_the_base_url_and_its_path() {
    let list = ListThirdPartyIntegrations::new(GROUP).items_per_page(5);
    let request = list.build_against("https://cloud.mongodb.com").unwrap();
    assert_eq!(
        request.uri(),
        "https://cloud.mongodb.com/api/atlas/v1.0/groups/32b6e34b3d91647abb20e7b8/integrations?itemsPerPage=5"
    );
    // A base with a path prefix (a proxy), with or without its trailing slash.
    for base in [
        "http://127.0.0.1:8080/atlas",
        "http://127.0.0.1:8080/atlas/",
    ] {
        let request = list.build_against(base).unwrap();
        assert_eq!(
            request.uri(),
            "http://127.0.0.1:8080/atlas/api/atlas/v1.0/groups/32b6e34b3d91647abb20e7b8/integrations?itemsPerPage=5"
        );
    }
    for base in [
        "cloud.mongodb.com",
        "/relative",
        "ftp://example.com",
        "https://a.b/?q=1",
    ] {
        assert!(
            matches!(list.build_against(base), Err(RequestError::BaseUrl(b)) if b == base),
            "{base} should be refused"
        );
    }
}

#[tokio::test]
async fn a_plain_reqwest_client_sends_built_requests_and_the_answers_parse() {
    codegen_tests::install_crypto_provider();
    let fake = FakeAtlas::start().await.unwrap();
    fake.add_project(GROUP);
    fake.add_service_account("mdb_sa_id_plain", "mdb_sa_sk_plain", Role::Owner);
    let http = reqwest::Client::new();

    // The caller's own authentication: a service-account token.
    let token = http
        .post(format!("{}{TOKEN_PATH}", fake.base_url()))
        .basic_auth("mdb_sa_id_plain", Some("mdb_sa_sk_plain"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let token: serde_json::Value = serde_json::from_slice(&token).unwrap();
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());

    let create = CreateThirdPartyIntegration::new(GROUP, Datadog::new("dd-key-plain"));
    let mut request = create.build_against(&fake.base_url()).unwrap();
    request
        .headers_mut()
        .insert(http::header::AUTHORIZATION, bearer.parse().unwrap());
    let request = reqwest::Request::try_from(request).unwrap();
    let answer = http.execute(request).await.unwrap();
    let mut response = http::Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        response = response.header(name, value);
    }
    let bytes = answer.bytes().await.unwrap();
    let page = create
        .parse_response(response.body(bytes.clone()).unwrap())
        .unwrap();
    assert!(matches!(
        page.results.as_slice(),
        [ThirdPartyIntegration::Datadog(_)]
    ));
    // The same answer reads from a `String` and a borrowed slice.
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert_eq!(
        create
            .parse_response(http::Response::builder().status(200).body(text).unwrap())
            .unwrap(),
        page
    );
    assert_eq!(
        create
            .parse_response(
                http::Response::builder()
                    .status(200)
                    .body(&bytes[..])
                    .unwrap()
            )
            .unwrap(),
        page
    );
    assert_eq!(
        fake.stored(GROUP, "DATADOG").unwrap()["apiKey"],
        "dd-key-plain"
    );

    // A documented error comes back typed from any body type too.
    let get = GetThirdPartyIntegration::new(GROUP, IntegrationType::Slack);
    let mut request = get.build_against(&fake.base_url()).unwrap();
    request
        .headers_mut()
        .insert(http::header::AUTHORIZATION, bearer.parse().unwrap());
    let answer = http
        .execute(reqwest::Request::try_from(request).unwrap())
        .await
        .unwrap();
    let status = answer.status();
    let body = answer.bytes().await.unwrap();
    let error = get
        .parse_response(http::Response::builder().status(status).body(body).unwrap())
        .unwrap_err();
    assert_eq!(
        atlas_integrations::runtime::ResponseParts::status(&error),
        http::StatusCode::NOT_FOUND
    );
    fake.stop().await.unwrap();
}
