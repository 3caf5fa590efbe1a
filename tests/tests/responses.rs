//! Response shapes (fixtures `mixed-success-responses.yaml`, `default-response.yaml` and
//! `status-ranges.yaml`): success statuses that differ in content each decode into their own
//! variant, `default` is the output or the error for statuses not listed, and status ranges are
//! typed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codegen_tests::fixtures::{default_response, mixed_success_responses, status_ranges};

fn response(status: u16, body: &[u8]) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(body.to_vec())
        .unwrap()
}

#[test]
fn each_success_status_decodes_into_its_own_variant() {
    use mixed_success_responses::operations::{DeleteImage, DeleteImageResponse};
    use mixed_success_responses::types::{Image, Job};

    let delete = DeleteImage::new("img-1");
    let ok = delete
        .parse_response(response(200, br#"{"id":"img-1","name":"cat.png"}"#))
        .unwrap();
    assert_eq!(ok, DeleteImageResponse::Ok(Image::new("img-1", "cat.png")));
    let accepted = delete
        .parse_response(response(202, br#"{"jobId":"job-7"}"#))
        .unwrap();
    assert_eq!(accepted, DeleteImageResponse::Accepted(Job::new("job-7")));
    let no_content = delete.parse_response(response(204, b"")).unwrap();
    assert_eq!(no_content, DeleteImageResponse::NoContent);
}

#[test]
fn a_default_only_operation_decodes_any_status_as_its_output() {
    use default_response::operations::GetStatus;

    for status in [200, 503] {
        let status_body = GetStatus::new()
            .parse_response(response(status, br#"{"ok":false,"message":"down"}"#))
            .unwrap();
        assert!(!status_body.ok);
        assert_eq!(status_body.message.as_deref(), Some("down"));
    }
}

#[test]
fn an_unlisted_status_is_the_documented_default() {
    use default_response::operations::{GetFile, GetFileError};

    let error = GetFile::new("a.txt")
        .parse_response(response(418, br#"{"ok":false,"message":"teapot"}"#))
        .unwrap_err();
    match error {
        GetFileError::Default(error) => {
            assert_eq!(error.status, http::StatusCode::IM_A_TEAPOT);
            assert!(!error.body.ok);
            assert_eq!(error.body.message.as_deref(), Some("teapot"));
        }
        other => panic!("expected Default, got {other:?}"),
    }
    let file = GetFile::new("a.txt")
        .parse_response(response(200, br#"{"size":12}"#))
        .unwrap();
    assert_eq!(file.size, Some(12));
}

#[test]
fn a_status_in_a_range_is_typed() {
    use status_ranges::operations::{GetThing, GetThingError, GetThingResponse};

    let get = GetThing::new("t-1");
    let error = get
        .parse_response(response(
            404,
            br#"{"errorCode":"NOT_FOUND","detail":"no t-1"}"#,
        ))
        .unwrap_err();
    match error {
        GetThingError::ClientError(error) => {
            assert_eq!(error.status, http::StatusCode::NOT_FOUND);
            assert_eq!(error.body.error_code, "NOT_FOUND");
            assert_eq!(error.body.detail.as_deref(), Some("no t-1"));
        }
        other => panic!("expected ClientError, got {other:?}"),
    }
    // A listed status wins over its range.
    let error = get
        .parse_response(response(400, br#"{"errorCode":"BAD"}"#))
        .unwrap_err();
    assert!(matches!(error, GetThingError::BadRequest(_)), "{error:?}");
    let error = get.parse_response(response(409, b"")).unwrap_err();
    assert!(matches!(error, GetThingError::Conflict(_)), "{error:?}");
    let error = get
        .parse_response(response(410, br#"{"errorCode":"GONE"}"#))
        .unwrap_err();
    match error {
        GetThingError::ClientError(error) => assert_eq!(error.body.error_code, "GONE"),
        other => panic!("expected ClientError, got {other:?}"),
    }
    let error = get.parse_response(response(502, b"<html>")).unwrap_err();
    match error {
        GetThingError::ServerError(error) => {
            assert_eq!(error.status, http::StatusCode::BAD_GATEWAY);
        }
        other => panic!("expected ServerError, got {other:?}"),
    }
    // `2XX` answers for the success statuses not listed, here without a body.
    assert_eq!(
        get.parse_response(response(201, b"")).unwrap(),
        GetThingResponse::Success
    );
    assert_eq!(
        get.parse_response(response(200, br#"{"id":"t-1"}"#))
            .unwrap(),
        GetThingResponse::Ok(status_ranges::types::Thing::new("t-1"))
    );
    let error = get.parse_response(response(302, b"")).unwrap_err();
    assert!(matches!(error, GetThingError::Undocumented(_)), "{error:?}");
}

#[test]
fn a_range_with_the_same_content_keeps_one_output_type() {
    use status_ranges::operations::ListThings;

    let things = ListThings::new()
        .parse_response(response(206, br#"[{"id":"a"},{"id":"b"}]"#))
        .unwrap();
    assert_eq!(things.len(), 2);
    assert_eq!(things[1].id, "b");
}
