//! Parameters written as their `style` and `explode` say (fixture `parameter-styles.yaml`): the
//! exact URI and header bytes for each row of OpenAPI 3.0's style table, and free-form values
//! sent as their text.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codegen_tests::fixtures::parameter_styles::{operations, types};

fn window() -> types::Window {
    types::Window::new(1, 2)
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn uri(request: &http::Request<codegen_tests::runtime::Body>) -> String {
    request.uri().to_string()
}

#[test]
fn query_form_explodes_by_default() {
    let request = operations::Search::new()
        .ids(vec![1, 2])
        .window(window())
        .build()
        .unwrap();
    assert_eq!(uri(&request), "/search?ids=1&ids=2&from=1&to=2");
}

#[test]
fn query_form_without_explode_joins_with_commas() {
    let request = operations::Search::new()
        .csv(strings(&["a", "b,c"]))
        .range(window())
        .build()
        .unwrap();
    assert_eq!(uri(&request), "/search?csv=a,b%2Cc&range=from,1,to,2");
}

#[test]
fn query_space_and_pipe_delimited() {
    let request = operations::Search::new()
        .spaced(strings(&["a", "b"]))
        .piped(strings(&["a", "b"]))
        .build()
        .unwrap();
    assert_eq!(uri(&request), "/search?spaced=a%20b&piped=a|b");
}

#[test]
fn query_deep_object() {
    let request = operations::Search::new().filter(window()).build().unwrap();
    assert_eq!(uri(&request), "/search?filter[from]=1&filter[to]=2");
}

#[test]
fn free_form_query_values_are_their_text() {
    let cases = [
        (serde_json::json!("hello world"), "/search?q=hello%20world"),
        (serde_json::json!(5), "/search?q=5"),
        (serde_json::json!(2.5), "/search?q=2.5"),
        (serde_json::json!(true), "/search?q=true"),
        (serde_json::json!(["a", 1]), "/search?q=a&q=1"),
        (serde_json::json!({"a": 1}), "/search?a=1"),
    ];
    for (value, expected) in cases {
        let request = operations::Search::new().q(value).build().unwrap();
        assert_eq!(uri(&request), expected);
    }
}

fn item() -> operations::GetItem {
    operations::GetItem::new(
        strings(&["a", "b"]),
        strings(&["c", "d"]),
        window(),
        5,
        window(),
    )
}

#[test]
fn path_simple_label_and_matrix() {
    let request = item().build().unwrap();
    assert_eq!(
        uri(&request),
        "/items/a,b/.c,d/.from=1.to=2/;matrix=5/;from=1;to=2"
    );
}

#[test]
fn path_values_are_percent_encoded() {
    let request = operations::GetItem::new(
        strings(&["a/b", "c d"]),
        strings(&["x y"]),
        window(),
        5,
        window(),
    )
    .build()
    .unwrap();
    assert_eq!(
        uri(&request),
        "/items/a%2Fb,c%20d/.x%20y/.from=1.to=2/;matrix=5/;from=1;to=2"
    );
}

#[test]
fn headers_are_simple() {
    let request = item()
        .x_tags(strings(&["a", "b"]))
        .x_window(window())
        .x_any(serde_json::json!("plain"))
        .build()
        .unwrap();
    let header = |name: &str| request.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(header("X-Tags"), "a,b");
    assert_eq!(header("X-Window"), "from=1,to=2");
    assert_eq!(header("X-Any"), "plain");
}

/// A styled value is one segment too: one that would leave it empty, `.` or `..` is refused,
/// naming the parameter, whatever the validation.
#[test]
fn styled_path_values_cannot_make_dot_or_empty_segments() {
    use codegen_tests::runtime::{RequestError, Validation};

    let with = |ids: &[&str], label: &[&str]| {
        operations::GetItem::new(strings(ids), strings(label), window(), 5, window())
            .build_with(Validation::Unchecked)
    };
    for (ids, label, parameter, segment) in [
        (&[".."][..], &["c"][..], "ids", ".."),
        (&["."][..], &["c"][..], "ids", "."),
        (&[][..], &["c"][..], "ids", ""),
        (&["a"][..], &[][..], "label", "."),
        (&["a"][..], &[""][..], "label", "."),
    ] {
        let error = with(ids, label).unwrap_err();
        assert!(
            matches!(
                &error,
                RequestError::PathSegment { parameter: p, segment: s } if *p == parameter && s == segment
            ),
            "{ids:?} {label:?}: {error:?}"
        );
    }
    // Values whose segments only look like dots, or hold more than dots, go out encoded.
    for (ids, expected) in [
        (&["%2e%2e"][..], "/items/%252e%252e/"),
        (&[".", "."][..], "/items/.,./"),
        (&["..."][..], "/items/.../"),
    ] {
        let request = with(ids, &["c"]).unwrap();
        assert!(uri(&request).starts_with(expected), "{}", uri(&request));
    }
}
