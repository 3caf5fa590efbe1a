//! Hostile and extreme documents: each ends within the loader's limits, in bounded time, with a
//! diagnostic or a crate, and never panics or overflows the stack. Small inputs are files under
//! `fixtures/hostile/`; big ones are made here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use generator::load::Limits;
use generator::{Config, Diagnostics, Document};

/// What an input must come to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// Generation succeeds.
    Generates,
    /// Generation succeeds, warning with this code.
    Warns(&'static str),
    /// Refused, with at least this code among the errors.
    Refused(&'static str),
}

use Expect::{Generates, Refused, Warns};

/// The files under `fixtures/hostile/` and what each must come to.
const FILES: &[(&str, Expect)] = &[
    ("empty.yaml", Refused("parse")),
    ("comments-only.yaml", Refused("parse")),
    ("truncated.yaml", Refused("parse")),
    ("truncated.json", Refused("parse")),
    ("invalid-utf8.yaml", Refused("parse")),
    ("binary.yaml", Refused("parse")),
    ("not-a-mapping.yaml", Refused("parse")),
    ("scalar-document.yaml", Refused("parse")),
    ("no-openapi-key.yaml", Refused("parse")),
    ("duplicate-keys.yaml", Refused("parse")),
    ("yaml-tag.yaml", Refused("parse")),
    ("swagger-2.yaml", Refused("unsupported-version")),
    ("openapi-3.1.json", Refused("unsupported-version")),
    ("alias-bomb.yaml", Refused("limit")),
    ("dangling-ref.yaml", Refused("unresolved-ref")),
    ("circular-ref.yaml", Refused("unresolved-ref")),
    ("self-ref.yaml", Refused("unresolved-ref")),
    ("ref-to-file.yaml", Refused("external-ref")),
    ("ref-to-url.yaml", Refused("external-ref")),
    ("ref-to-info.yaml", Refused("unresolved-ref")),
    ("duplicate-operation-ids.yaml", Warns("renamed")),
    (
        "discriminator-missing-schema.yaml",
        Refused("discriminator-target"),
    ),
    ("unknown-type-in-parameter.yaml", Refused("unknown-type")),
    ("type-list.yaml", Refused("unknown-type")),
    ("misspelt-keys.yaml", Warns("unknown-key")),
    ("form-data.json", Warns("parameter-location")),
    (
        "path-variable-without-parameter.yaml",
        Refused("path-parameter"),
    ),
    (
        "parameter-without-path-variable.yaml",
        Refused("path-parameter"),
    ),
    ("all-of-conflicting-types.yaml", Refused("all-of-conflict")),
    ("bom.yaml", Generates),
    ("nul-in-string.json", Generates),
    ("empty-names.yaml", Generates),
    ("non-ascii-names.yaml", Generates),
    ("pointer-escapes.yaml", Generates),
];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile")
}

/// Where an input comes from.
enum Input {
    /// A file, read the way the generator reads files.
    File(PathBuf),
    /// Text made by the test.
    Text(String),
}

/// Loads and generates on a thread with a 2 MiB stack (the size of a spawned thread's), so that
/// recursion anywhere shows up as an overflow here rather than passing on a big main stack.
fn run(name: &str, input: Input, limits: Limits) -> (Result<Vec<String>, Diagnostics>, Duration) {
    let label = name.to_owned();
    let handle = std::thread::Builder::new()
        .name(format!("hostile {name}"))
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let start = Instant::now();
            let document = match input {
                Input::File(path) => Document::read_with(&path, &limits),
                Input::Text(text) => Document::parse_with(&text, &label, &limits),
            };
            let outcome = document.and_then(|d| generator::generate(&d, &Config::default()));
            let outcome = outcome.map(|output| {
                output
                    .warnings
                    .iter()
                    .map(|w| w.code.name().to_owned())
                    .collect()
            });
            (outcome, start.elapsed())
        })
        .unwrap();
    handle
        .join()
        .unwrap_or_else(|_| panic!("{name}: the generator panicked"))
}

/// Checks one outcome. The time each input took is printed, not asserted: time and memory are
/// measured by `cargo xtask bench`.
fn check(
    name: &str,
    expect: Expect,
    outcome: &Result<Vec<String>, Diagnostics>,
    took: Duration,
) -> bool {
    let fine = match (expect, outcome) {
        (Generates, Ok(_)) => true,
        (Warns(code), Ok(warnings)) => warnings.iter().any(|w| w == code),
        (Refused(code), Err(diagnostics)) => {
            diagnostics.has_errors() && diagnostics.iter().any(|d| d.code.name() == code)
        }
        _ => false,
    };
    let got = match outcome {
        Ok(warnings) => format!("generated, warnings {warnings:?}"),
        Err(diagnostics) => diagnostics.to_string(),
    };
    assert!(fine, "{name}: expected {expect:?}, got {got}");
    eprintln!("{name}: {expect:?} in {took:?}");
    true
}

#[test]
fn hostile_files() {
    let mut listed: Vec<&str> = FILES.iter().map(|(name, _)| *name).collect();
    listed.sort_unstable();
    let mut present: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    present.sort_unstable();
    assert_eq!(listed, present, "every file has an expected outcome");
    for (name, expect) in FILES {
        let (outcome, took) = run(name, Input::File(dir().join(name)), Limits::default());
        check(name, *expect, &outcome, took);
    }
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: Made, version: '1'}\n";

/// A document with one operation returning `#/components/schemas/{root}`, and `schemas` (YAML
/// lines indented by four) under `components/schemas`.
fn with_schemas(root: &str, schemas: &str) -> String {
    format!(
        "{HEAD}paths:\n  /things:\n    get:\n      operationId: getThing\n      responses:\n        '200':\n          description: A thing.\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{root}'}}\ncomponents:\n  schemas:\n{schemas}"
    )
}

fn deep_yaml(depth: usize) -> String {
    format!(
        "{HEAD}paths: {{}}\nx-deep: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

fn deep_json(depth: usize) -> String {
    format!(
        "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \"paths\": {{}}, \"x-deep\": {}1{}}}",
        "{\"a\": ".repeat(depth),
        "}".repeat(depth)
    )
}

fn big_enum(values: usize) -> String {
    let mut list = String::with_capacity(values * 10);
    for i in 0..values {
        if i > 0 {
            list.push_str(", ");
        }
        write!(list, "value{i}").unwrap();
    }
    with_schemas(
        "Big",
        &format!("    Big: {{type: string, enum: [{list}]}}\n"),
    )
}

fn ring(size: usize) -> String {
    let mut schemas = String::with_capacity(size * 100);
    for i in 0..size {
        let next = (i + 1) % size;
        writeln!(
            schemas,
            "    A{i}: {{type: object, properties: {{next: {{$ref: '#/components/schemas/A{next}'}}}}}}"
        )
        .unwrap();
    }
    with_schemas("A0", &schemas)
}

fn long_description(bytes: usize) -> String {
    let text = "All work and no play. ".repeat(bytes / 22);
    with_schemas(
        "Thing",
        &format!(
            "    Thing:\n      type: object\n      description: '{text}'\n      properties:\n        a: {{type: string}}\n"
        ),
    )
}

/// Written as JSON: YAML allows no implicit key longer than 1024 characters.
fn long_names(length: usize) -> String {
    let schema = format!("S{}", "a".repeat(length));
    let property = format!("p{}", "b".repeat(length));
    let value = format!("v{}", "c".repeat(length));
    let operation = format!("o{}", "d".repeat(length));
    format!(
        r##"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}},
"paths": {{"/things": {{"get": {{"operationId": "{operation}", "responses": {{"200": {{"description": "A thing.",
"content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/{schema}"}}}}}}}}}}}}}}}},
"components": {{"schemas": {{"{schema}": {{"type": "object", "properties": {{"{property}": {{"type": "string", "enum": ["{value}"]}}}}}}}}}}}}"##
    )
}

/// Schemas nested inside each other's properties just within the depth limit: generation
/// recurses over them, and must not overflow the stack.
fn nested_schemas(levels: usize) -> String {
    let mut schema = "{type: string}".to_owned();
    for _ in 0..levels {
        schema = format!("{{type: object, properties: {{inner: {schema}}}}}");
    }
    with_schemas("Thing", &format!("    Thing: {schema}\n"))
}

#[test]
fn hostile_made_inputs() {
    let defaults = Limits::default;
    let cases: Vec<(&str, String, Limits, Expect)> = vec![
        (
            "yaml-nested-10000",
            deep_yaml(10_000),
            defaults(),
            Refused("limit"),
        ),
        (
            "json-nested-10000",
            deep_json(10_000),
            defaults(),
            Refused("limit"),
        ),
        (
            "json-array-200000",
            format!("{}{}", "[".repeat(200_000), "]".repeat(200_000)),
            defaults(),
            Refused("limit"),
        ),
        (
            "yaml-nested-just-within",
            deep_yaml(90),
            defaults(),
            Generates,
        ),
        (
            "schemas-nested-45",
            nested_schemas(45),
            defaults(),
            Generates,
        ),
        (
            "small-max-bytes",
            ring(3),
            Limits {
                max_bytes: 100,
                ..defaults()
            },
            Refused("limit"),
        ),
        (
            "small-max-depth",
            ring(3),
            Limits {
                max_depth: 5,
                ..defaults()
            },
            Refused("limit"),
        ),
        (
            "small-max-nodes",
            ring(300),
            Limits {
                max_nodes: 1000,
                ..defaults()
            },
            Refused("limit"),
        ),
        ("ring-20000", ring(20_000), defaults(), Generates),
        (
            "description-50MB",
            long_description(50 * 1000 * 1000),
            defaults(),
            Generates,
        ),
        ("names-5000", long_names(5000), defaults(), Generates),
    ];
    for (name, text, limits, expect) in cases {
        let (outcome, took) = run(name, Input::Text(text), limits);
        check(name, expect, &outcome, took);
    }
}

/// On its own, so that it runs beside the others: it is the slowest input.
#[test]
fn hostile_enum_100000() {
    let (outcome, took) = run(
        "enum-100000",
        Input::Text(big_enum(100_000)),
        Limits::default(),
    );
    check("enum-100000", Generates, &outcome, took);
}

#[test]
fn unreadable_and_oversized_files() {
    let root = std::env::temp_dir().join(format!("hostile-{}", std::process::id()));
    std::fs::create_dir_all(&root).unwrap();

    // 300 MB, made sparse so that making it costs nothing; it must be refused by its size,
    // before it is read.
    let huge = root.join("huge.yaml");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(300 * 1024 * 1024).unwrap();
    drop(file);
    let (outcome, took) = run("huge.yaml", Input::File(huge), Limits::default());
    check("huge.yaml", Refused("limit"), &outcome, took);
    let message = outcome.err().unwrap().to_string();
    assert!(message.contains("Limits::max_bytes"), "{message}");

    let missing = root.join("missing.yaml");
    let (outcome, took) = run("missing.yaml", Input::File(missing), Limits::default());
    check("missing.yaml", Refused("io"), &outcome, took);

    let (outcome, took) = run("a directory", Input::File(root.clone()), Limits::default());
    check("a directory", Refused("io"), &outcome, took);

    std::fs::remove_dir_all(&root).unwrap();
}
