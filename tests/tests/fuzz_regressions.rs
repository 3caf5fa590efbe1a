//! The fuzz targets' checks (`fuzz/src/lib.rs`, see the README's "Fuzzing") in the normal suite:
//! every input a fuzz run found to break a property is kept under
//! `tests/fixtures/fuzz/<target>/` and run through the same check here, beside a few inputs of
//! each target's format written out below.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../fuzz/src/lib.rs"]
mod checks;

use std::path::PathBuf;

/// The inputs kept for `target`, with their paths, in name order.
fn kept(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = codegen_tests::workspace_root()
        .join("tests/fixtures/fuzz")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut inputs: Vec<(PathBuf, Vec<u8>)> = entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    inputs.sort();
    inputs
}

/// Runs `check` on every input kept for `target` and on `written`, naming the input that fails.
fn run(target: &str, check: fn(&[u8]), written: &[&[u8]]) {
    let kept = kept(target);
    for (path, bytes) in &kept {
        eprintln!("{}", path.display());
        check(bytes);
    }
    for bytes in written {
        eprintln!("{}", String::from_utf8_lossy(bytes));
        check(bytes);
    }
}

/// An input of `parse_response`'s format: operation, status, headers, body.
fn answer(selector: u8, status: u16, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut input = vec![selector];
    input.extend((status - 100).to_be_bytes());
    input.push(u8::try_from(headers.len()).unwrap());
    for (name, value) in headers {
        input.push(u8::try_from(name.len()).unwrap());
        input.extend(name.as_bytes());
        input.push(u8::try_from(value.len()).unwrap());
        input.extend(value.as_bytes());
    }
    input.extend(body.as_bytes());
    input
}

const PAGE: &str = r#"{"links":[{"href":"https://cloud.mongodb.com/api/atlas","rel":"self"}],"results":[{"id":"a","type":"DATADOG","apiKey":"****a23c","region":"EU","later":[1,2.50]},{"type":"HIP_CHAT","roomName":"ops"},{"type":"SLACK","apiToken":"****abcd","channelName":"alerts"}],"totalCount":3}"#;

#[test]
fn parse_response_inputs_kept_from_fuzzing_hold() {
    let inputs = [
        answer(0, 200, &[("content-type", "application/json")], PAGE),
        answer(
            0x80,
            200,
            &[],
            &format!(r#"{{"status":404,"content":{PAGE}}}"#),
        ),
        answer(0x41, 200, &[], r#"{"type":"DATADOG","apiKey":5}"#),
        answer(2, 429, &[("retry-after", "7")], ""),
        answer(4, 204, &[], ""),
        answer(3, 409, &[], r#"{"error":409,"errorCode":"DUPLICATE"}"#),
        answer(1, 500, &[], "<html>"),
    ];
    let written: Vec<&[u8]> = inputs.iter().map(Vec::as_slice).collect();
    run("parse_response", checks::parse_response, &written);
}

#[test]
fn integration_inputs_kept_from_fuzzing_hold() {
    run(
        "integration",
        checks::integration,
        &[
            PAGE.as_bytes(),
            br#"{"type":"FUTURE","x":[{"y":"\ud800"}]}"#,
            br#"{"t\u0079pe":"DATA\u0044OG","apiKey":"k"}"#,
            br#"{"type":"DATADOG","apiKey":"k","type":"DATADOG"}"#,
            br#" {"t\u0079pe" : "FU\u0054URE", "n": 1.50} "#,
            br#"{"type":"FUTURE","type":"FUTURE"}"#,
            br#"{"type":null}"#,
            br#"{"results":[{"type":5}]}"#,
            b"[",
        ],
    );
}

#[test]
fn object_keys_inputs_kept_from_fuzzing_hold() {
    let many: Vec<String> = (0..40).map(|i| format!(r#""k{i}":{i}"#)).collect();
    let many = format!("{{{},\"href\":null}}", many.join(","));
    run(
        "object_keys",
        checks::object_keys,
        &[
            br#"{"href":"https://x","r\u0065l":null,"":1,"a":{"b":[1,2.50,"c"]},"a\"b":true}"#,
            br#"{"href":1}"#,
            br#"{"x":1,"x":2}"#,
            br#"{"rel":"a","rel":"b"}"#,
            br#" { } "#,
            many.as_bytes(),
            b"{} x",
        ],
    );
}
