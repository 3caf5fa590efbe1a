//! No credential is ever printed: requests as `build()` returns them, every response and error
//! type, and the headers the crate adds print bodies as a length, credentials as the mask and
//! credential headers as `Sensitive`. A property test runs random secrets through the `Debug` and
//! `Display` of each.

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
