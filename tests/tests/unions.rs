//! Unions decoded straight from the text of the body: the tag is found in the object's text and
//! the variant decoded from it, untagged variants are tried on the same text, whatever the input
//! (a slice, a reader, a `serde_json::Value`), and a failure inside a variant names the whole path
//! of the field and the byte of the body where decoding stopped, as a failure outside unions does.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Debug;

use atlas_integrations::operations::ListThirdPartyIntegrationsError;
use atlas_integrations::runtime::{DecodeError, Received};
use atlas_integrations::types::{Datadog, PaginatedIntegrationView, ThirdPartyIntegration};
use codegen_tests::fixtures::{alert_configurations, nested_unions};
use serde::de::DeserializeOwned;

fn response(body: &str) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(200)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(body.as_bytes().to_vec())
        .unwrap()
}

/// The error of decoding `body` as a response would be decoded.
fn decode_error<T: DeserializeOwned + Debug>(body: &str) -> DecodeError {
    match Received::new(response(body), false).json::<T>() {
        Ok(value) => panic!("decoded although it should not: {value:?}"),
        Err(error) => error,
    }
}

/// The byte just past the first `needle` in `body`: where serde_json stops on a bad value.
fn past(body: &str, needle: &str) -> usize {
    body.find(needle)
        .unwrap_or_else(|| panic!("{needle} is not in {body}"))
        + needle.len()
}

fn path_and_offset(error: &DecodeError) -> (&str, Option<usize>) {
    (error.path.as_str(), error.offset)
}

// ---------------------------------------------------------------------------------------------
// Tagged unions.
// ---------------------------------------------------------------------------------------------

const BAD_REGION: &str = r#"{"results":[{"type":"SLACK","apiToken":"****abcd"},{"id":"x","type":"DATADOG","apiKey":"****a23c","region":7}],"totalCount":2}"#;

#[test]
fn a_bad_field_inside_a_variant_is_named_by_its_whole_path_and_byte() {
    let error = atlas_integrations::operations::ListThirdPartyIntegrations::new("g")
        .parse_response(response(BAD_REGION))
        .unwrap_err();
    let ListThirdPartyIntegrationsError::Decode(error) = error else {
        panic!("expected Decode, got {error:?}");
    };
    let offset = past(BAD_REGION, r#""region":7"#);
    assert_eq!(path_and_offset(&error), ("results[1].region", Some(offset)));
    assert_eq!(
        error.to_string(),
        format!(
            "cannot decode the 200 OK response at `results[1].region` (byte {offset}): invalid \
             type: integer `…`, expected a string at line 1 column {offset}"
        )
    );

    // A credential is named too, and its value is not repeated.
    let body = BAD_REGION.replace(r#""region":7"#, r#""region":"EU","apiKey":"****a23c""#);
    let error = decode_error::<PaginatedIntegrationView>(&body);
    // Just past the repeated key.
    let again = body.rfind(r#""apiKey""#).unwrap() + r#""apiKey""#.len();
    assert_eq!(path_and_offset(&error), ("results[1]", Some(again)));
    assert!(
        error.message.starts_with("duplicate field `apiKey`"),
        "{}",
        error.message
    );
    let body = BAD_REGION.replace(r#""apiKey":"****a23c""#, r#""apiKey":1234"#);
    let error = decode_error::<PaginatedIntegrationView>(&body);
    assert_eq!(
        path_and_offset(&error),
        ("results[1].apiKey", Some(past(&body, r#""apiKey":1234"#)))
    );
}

#[test]
fn the_byte_inside_a_variant_is_the_one_serde_json_reports_outside_a_union() {
    // The same object, decoded as the variant's struct on its own and inside a page with its tag
    // last (so that the text before the failure is the same): the offsets differ by where the
    // object starts in the page.
    let object = r#"{"id":"x","apiKey":"****a23c","sendDatabaseMetrics":"yes","type":"DATADOG"}"#;
    let alone = decode_error::<Datadog>(object);
    assert_eq!(alone.path, "sendDatabaseMetrics");
    let page = format!(r#"{{"links": [], "results": [ {object} ]}}"#);
    let inside = decode_error::<PaginatedIntegrationView>(&page);
    assert_eq!(inside.path, "results[0].sendDatabaseMetrics");
    assert_eq!(
        inside.offset,
        Some(page.find(object).unwrap() + alone.offset.unwrap())
    );
    assert_eq!(
        inside.offset,
        Some(past(&page, r#""sendDatabaseMetrics":"yes""#))
    );
}

#[test]
fn a_missing_field_or_tag_is_named_at_the_object_and_its_end() {
    let body = r#"{"results":[{"type":"DATADOG","apiKey":"k"},{"type":"DATADOG","region":"EU"}]}"#;
    let error = decode_error::<PaginatedIntegrationView>(body);
    assert_eq!(
        path_and_offset(&error),
        ("results[1]", Some(past(body, r#""region":"EU"}"#)))
    );
    assert!(
        error.message.starts_with("missing field `apiKey`"),
        "{}",
        error.message
    );

    let body = r#"{"results":[{"id":"a","apiKey":"k"}]}"#;
    let error = decode_error::<PaginatedIntegrationView>(body);
    assert_eq!(
        path_and_offset(&error),
        ("results[0]", Some(past(body, r#""apiKey":"k"}"#)))
    );
    assert!(
        error.message.starts_with("missing field `type`"),
        "{}",
        error.message
    );

    let body = r#"{"results":[{"id":"a","type":5}]}"#;
    let error = decode_error::<PaginatedIntegrationView>(body);
    assert_eq!(
        path_and_offset(&error),
        ("results[0].type", Some(past(body, r#""type":5"#)))
    );
    assert!(
        error
            .message
            .starts_with("`type` must be a string, found a number"),
        "{}",
        error.message
    );

    let body = r#"{"results":[[1]]}"#;
    let error = decode_error::<PaginatedIntegrationView>(body);
    assert_eq!(
        path_and_offset(&error),
        ("results[0]", Some(past(body, "[1]")))
    );
    assert!(
        error
            .message
            .starts_with("invalid type: an array, expected an object"),
        "{}",
        error.message
    );
}

#[test]
fn a_repeated_tag_is_refused_for_known_and_unknown_kinds() {
    for body in [
        r#"{"results":[{"type":"DATADOG","apiKey":"k","type":"SLACK"}]}"#,
        r#"{"results":[{"type":"HIP_CHAT","roomName":"ops","type":"HIP_CHAT"}]}"#,
    ] {
        let error = decode_error::<PaginatedIntegrationView>(body);
        assert_eq!(error.path, "results[0]", "{body}");
        assert!(
            error.message.starts_with("duplicate field `type`"),
            "{}",
            error.message
        );
    }
}

#[test]
fn tags_and_keys_written_with_escapes_are_read() {
    let value: ThirdPartyIntegration =
        serde_json::from_str(r#"{"t\u0079pe":"DATA\u0044OG","apiKey":"k","region":"EU"}"#).unwrap();
    let ThirdPartyIntegration::Datadog(datadog) = value else {
        panic!("expected Datadog, got {value:?}");
    };
    assert_eq!(datadog.api_key.expose(), "k");
    assert!(datadog.unknown_fields.is_empty());
}

#[test]
fn nested_tagged_unions_name_the_whole_path() {
    use alert_configurations::types::PaginatedAlertConfig;
    let body = r##"{"results":[{"eventTypeName":"HOST_DOWN","notifications":[{"typeName":"EMAIL","emailAddress":"ops@example.com"},{"typeName":"SLACK","channelName":"#a","delayMin":"soon"}]}]}"##;
    let error = decode_error::<PaginatedAlertConfig>(body);
    assert_eq!(
        path_and_offset(&error),
        (
            "results[0].notifications[1].delayMin",
            Some(past(body, r#""delayMin":"soon""#))
        )
    );
    assert!(
        error
            .message
            .starts_with("invalid type: string \"…\", expected i32"),
        "{}",
        error.message
    );
}

// ---------------------------------------------------------------------------------------------
// Untagged unions, and unions inside each other.
// ---------------------------------------------------------------------------------------------

#[test]
fn an_untagged_union_that_matches_no_variant_names_the_closest_variants_failure() {
    use alert_configurations::types::AlertSettings;
    // Every variant fails: the metric and raw thresholds at `units`, the count threshold earlier,
    // at `threshold` (not an integer). The metric threshold is the first that got furthest.
    let body = r#"{"threshold": {"threshold": 1.5, "window": 2, "units": 3}}"#;
    let error = decode_error::<AlertSettings>(body);
    assert_eq!(
        path_and_offset(&error),
        ("threshold.units", Some(past(body, r#""units": 3"#)))
    );
    assert!(
        error.message.starts_with(
            "the value matches no variant of `Threshold`; as `MetricThreshold`: invalid type: \
             integer `…`, expected a string"
        ),
        "{}",
        error.message
    );
}

#[test]
fn a_variant_that_fails_deeper_explains_better_than_one_that_fails_later() {
    use nested_unions::operations::GetFeed;
    use nested_unions::types::{Entry, Event, Feed};

    let good = r#"{"entries":[{"text":"hi"},{"events":[{"kind":"CLICK","x":1},{"kind":"REPLY","to":{"text":"ok"}}]}]}"#;
    let feed: Feed = serde_json::from_str(good).unwrap();
    assert_eq!(serde_json::to_string(&feed).unwrap(), good);
    let Entry::Batch(batch) = &feed.entries[1] else {
        panic!("expected a batch, got {:?}", feed.entries[1]);
    };
    assert!(
        matches!(&batch.events[1], Event::Reply(reply) if matches!(&reply.to, Entry::Note(n) if n.text == "ok"))
    );

    // A note would fail only at the end of the object (no `text`); the batch fails inside it,
    // at the second event's `x`, and explains the failure.
    let body = r#"{"entries":[{"text":"hi"},{"events":[{"kind":"CLICK","x":1},{"kind":"CLICK","x":"far"}]}]}"#;
    let error = GetFeed::new("f")
        .parse_response(response(body))
        .unwrap_err();
    let error = match error {
        nested_unions::operations::GetFeedError::Decode(error) => error,
        other => panic!("expected Decode, got {other:?}"),
    };
    assert_eq!(
        path_and_offset(&error),
        ("entries[1].events[1].x", Some(past(body, r#""x":"far""#)))
    );
    assert!(
        error.message.starts_with(
            "the value matches no variant of `Entry`; as `Batch`: invalid type: string \"…\", \
             expected i32"
        ),
        "{}",
        error.message
    );

    // Through a tagged union inside an untagged one inside a tagged one inside an untagged one.
    let body = r#"{"entries":[{"events":[{"kind":"REPLY","to":{"events":[{"kind":"CLICK","x":true}]}}]}]}"#;
    let error = decode_error::<Feed>(body);
    assert_eq!(
        path_and_offset(&error),
        (
            "entries[0].events[0].to.events[0].x",
            Some(past(body, r#""x":true"#))
        )
    );

    // A variant's missing field is named at its object.
    let body = r#"{"entries":[{"events":[{"kind":"CLICK"}]}]}"#;
    let error = decode_error::<Feed>(body);
    assert_eq!(
        path_and_offset(&error),
        (
            "entries[0].events[0]",
            Some(past(body, r#"{"kind":"CLICK"}"#))
        )
    );
    assert!(
        error
            .message
            .starts_with("the value matches no variant of `Entry`; as `Batch`: missing field `x`"),
        "{}",
        error.message
    );
}

#[test]
fn a_failure_deep_inside_nested_unions_is_located_without_decoding_each_level_again_and_again() {
    use nested_unions::types::Feed;
    // Thirty replies deep, each an untagged entry holding a tagged event, failing at the bottom:
    // locating it decodes every level a few times, not a few times per level above it.
    const DEPTH: usize = 30;
    let mut entry = r#"{"events":[{"kind":"CLICK","x":"far"}]}"#.to_owned();
    for _ in 0..DEPTH {
        entry = format!(r#"{{"events":[{{"kind":"REPLY","to":{entry}}}]}}"#);
    }
    let body = format!(r#"{{"entries":[{entry}]}}"#);
    let error = decode_error::<Feed>(&body);
    let path = format!("entries[0]{}.events[0].x", ".events[0].to".repeat(DEPTH));
    assert_eq!(
        path_and_offset(&error),
        (path.as_str(), Some(past(&body, r#""x":"far""#)))
    );
}

/// A body of `replies` replies, each an untagged entry holding a tagged event (two unions a
/// level), whose innermost event is `bottom`.
fn replies(replies: usize, bottom: &str) -> String {
    let mut entry = format!(r#"{{"events":[{bottom}]}}"#);
    for _ in 0..replies {
        entry = format!(r#"{{"events":[{{"kind":"REPLY","to":{entry}}}]}}"#);
    }
    format!(r#"{{"entries":[{entry}]}}"#)
}

/// Decodes `body` on a thread with the 2 MiB stack of a spawned thread, the smallest a caller's
/// thread is likely to have.
fn on_small_stack<T: Send + 'static>(decode: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(decode)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn unions_nested_past_the_limit_fail_instead_of_overflowing_the_stack() {
    use nested_unions::types::Feed;
    // Each union decodes its variant with a deserializer of its own, whose nesting limit starts
    // again: a thousand replies (two thousand unions, 30 KB) must fail like any too deep body.
    for depth in [32, 1000, 20_000] {
        let body = replies(depth, r#"{"kind":"CLICK","x":1}"#);
        let error = on_small_stack(move || decode_error::<Feed>(&body));
        assert!(
            error.message.contains("recursion limit exceeded"),
            "{depth}: {}",
            error.message
        );
    }
    // Up to the limit (64 unions: 31 replies and the entry and event at the bottom), a body
    // decodes, and a failure at the bottom is located, on the same small stack.
    let body = replies(31, r#"{"kind":"CLICK","x":1}"#);
    let decoded = on_small_stack(move || {
        Received::new(response(&body), false)
            .json::<Feed>()
            .map(|_| ())
            .map_err(|error| error.to_string())
    });
    assert!(decoded.is_ok(), "{decoded:?}");
    let body = replies(31, r#"{"kind":"CLICK","x":"far"}"#);
    let error = on_small_stack({
        let body = body.clone();
        move || decode_error::<Feed>(&body)
    });
    let path = format!("entries[0]{}.events[0].x", ".events[0].to".repeat(31));
    assert_eq!(
        path_and_offset(&error),
        (path.as_str(), Some(past(&body, r#""x":"far""#)))
    );
}

// ---------------------------------------------------------------------------------------------
// Inputs that do not lend their text: readers, values, envelopes.
// ---------------------------------------------------------------------------------------------

const PAGE: &str = r#"{"results":[{"id":"a","type":"DATADOG","apiKey":"****a23c","region":"EU","sendDatabaseMetrics":true},{"id":"b","type":"HIP_CHAT","roomName":"ops","n":1.50},{"type":"SLACK","apiToken":"****abcd","channelName":"alerts"}],"totalCount":3}"#;

#[test]
fn unions_decode_from_readers_and_values_as_from_slices() {
    let from_slice: PaginatedIntegrationView = serde_json::from_slice(PAGE.as_bytes()).unwrap();
    let from_reader: PaginatedIntegrationView = serde_json::from_reader(PAGE.as_bytes()).unwrap();
    let value: serde_json::Value = serde_json::from_str(PAGE).unwrap();
    let from_value: PaginatedIntegrationView = serde_json::from_value(value.clone()).unwrap();
    let from_borrowed_value =
        <PaginatedIntegrationView as serde::Deserialize>::deserialize(&value).unwrap();
    assert_eq!(from_slice.results.len(), 3);
    assert_eq!(from_reader, from_slice);
    assert_eq!(from_value, from_slice);
    assert_eq!(from_borrowed_value, from_slice);
    for page in [&from_slice, &from_reader, &from_value, &from_borrowed_value] {
        assert_eq!(serde_json::to_value(page).unwrap(), value);
    }
    // A slice or a reader gives the text as sent, and the unknown kind writes it back as it came.
    let hip_chat = r#"{"id":"b","type":"HIP_CHAT","roomName":"ops","n":1.50}"#;
    for page in [&from_slice, &from_reader] {
        assert_eq!(serde_json::to_string(&page.results[1]).unwrap(), hip_chat);
    }

    // A failure is named by its path inside the variant whatever the input.
    let bad = BAD_REGION;
    let reader_error = serde_json::from_reader::<_, PaginatedIntegrationView>(bad.as_bytes())
        .unwrap_err()
        .to_string();
    let value_error =
        serde_json::from_value::<PaginatedIntegrationView>(serde_json::from_str(bad).unwrap())
            .unwrap_err()
            .to_string();
    let slice_error = serde_json::from_str::<PaginatedIntegrationView>(bad)
        .unwrap_err()
        .to_string();
    for error in [&reader_error, &value_error, &slice_error] {
        assert!(
            error.starts_with("region: invalid type: integer `7`, expected a string"),
            "{error}"
        );
    }
}

#[test]
fn an_enveloped_body_names_the_whole_path_without_a_byte() {
    let body = format!(r#"{{"status": 200, "content": {BAD_REGION}}}"#);
    let error = match Received::new(response(&body), true).json::<PaginatedIntegrationView>() {
        Ok(value) => panic!("decoded although it should not: {value:?}"),
        Err(error) => error,
    };
    assert_eq!(path_and_offset(&error), ("results[1].region", None));
    assert_eq!(
        error.message,
        "invalid type: integer `…`, expected a string"
    );
}

#[test]
fn an_unknown_kind_keeps_its_text_as_received() {
    let text = r#"{ "id": "b", "type": "HIP_CHAT", "n": 1.50, "nested": {"z": 1, "a": [true]} }"#;
    let value: ThirdPartyIntegration = serde_json::from_str(text).unwrap();
    let ThirdPartyIntegration::Unknown(unknown) = &value else {
        panic!("expected the catch-all, got {value:?}");
    };
    assert_eq!(unknown.json().get(), text);
    assert_eq!(serde_json::to_string(&value).unwrap(), text);
    assert_eq!(unknown.fields().len(), 4);
    let debug = format!("{value:?}");
    assert!(
        debug.contains("nested") && !debug.contains("1.50"),
        "{debug}"
    );
}
