//! Operations in dated Atlas versions (fixture `versions.yaml`): the newest stable version is asked
//! for by default, the caller can ask for any documented one, an undocumented one is refused before
//! anything is sent, and a `410` answer is `VersionGone`, naming the version.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, deprecated)]

use codegen_tests::fixtures::versions::{operations, types};
use codegen_tests::runtime::{RequestError, ResponseParts};

fn widget() -> operations::CreateWidget {
    operations::CreateWidget::new("5f1b2c3d4e5f60718293a4b5", types::Widget::new("w"))
}

fn header(
    request: &http::Request<codegen_tests::runtime::Body>,
    name: http::header::HeaderName,
) -> &str {
    request.headers()[name].to_str().unwrap()
}

#[test]
fn the_newest_stable_version_is_the_default() {
    let request = widget().build().unwrap();
    assert_eq!(
        header(&request, http::header::ACCEPT),
        "application/vnd.atlas.2024-08-05+json"
    );
    assert_eq!(
        header(&request, http::header::CONTENT_TYPE),
        "application/vnd.atlas.2024-08-05+json"
    );
    assert_eq!(
        operations::CreateWidget::API_VERSIONS,
        ["2023-01-01", "2024-08-05", "2025-01-01.upcoming", "preview"]
    );
}

#[test]
fn a_documented_version_can_be_chosen() {
    for version in ["2023-01-01", "preview", "2025-01-01.upcoming"] {
        let request = widget().api_version(version).build().unwrap();
        let expected = format!("application/vnd.atlas.{version}+json");
        assert_eq!(header(&request, http::header::ACCEPT), expected);
        assert_eq!(header(&request, http::header::CONTENT_TYPE), expected);
        assert_eq!(request.body(), br#"{"name":"w"}"#);
    }
}

#[test]
fn an_undocumented_version_is_refused_before_sending() {
    let error = widget().api_version("2022-01-01").build().unwrap_err();
    match &error {
        RequestError::UnknownVersion {
            requested,
            documented,
        } => {
            assert_eq!(requested, "2022-01-01");
            assert_eq!(documented.len(), 4);
        }
        other => panic!("expected UnknownVersion, got {other:?}"),
    }
    assert!(error.to_string().contains("2024-08-05"), "{error}");
}

#[test]
fn gone_names_the_version_the_sunset_and_the_error_code() {
    let body = br#"{"error":410,"errorCode":"VERSION_GONE","detail":"gone","reason":"Gone"}"#;
    let response = http::Response::builder()
        .status(410)
        .body(body.to_vec())
        .unwrap();
    let builder = widget().api_version("2023-01-01");
    match builder.parse_response(response).unwrap_err() {
        operations::CreateWidgetError::VersionGone(gone) => {
            assert_eq!(gone.version, "2023-01-01");
            assert_eq!(gone.sunset, Some("2026-07-31"));
            assert_eq!(gone.error_code.as_deref(), Some("VERSION_GONE"));
            assert_eq!(gone.status(), http::StatusCode::GONE);
            let text = gone.to_string();
            assert!(
                text.contains("2023-01-01") && text.contains("2026-07-31"),
                "{text}"
            );
        }
        other => panic!("expected VersionGone, got {other:?}"),
    }
    // With no version chosen, the default is named.
    let response = http::Response::builder()
        .status(410)
        .body(Vec::new())
        .unwrap();
    match widget().parse_response(response).unwrap_err() {
        operations::CreateWidgetError::VersionGone(gone) => assert_eq!(gone.version, "2024-08-05"),
        other => panic!("expected VersionGone, got {other:?}"),
    }
}
