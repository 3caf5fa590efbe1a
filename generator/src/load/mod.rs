//! Reading documents: OpenAPI documents (YAML or JSON) and the code generation settings.
//!
//! Every YAML call of the generator lives in this module, so that moving from `serde_yaml` to a
//! maintained fork is a change to the one `use` line below.

use serde::de::DeserializeOwned;
pub(crate) use serde_yaml as yaml;

use crate::diagnostics::{Code, Diagnostics, Reporter, pointer};

mod locate;
mod plain;
mod survey;

use plain::{Plain, parse_plain};
use survey::{check_version, lookup, remove, segments, survey};

/// How much input the loader accepts before it stops with a `limit` diagnostic. The defaults take
/// every real document seen (the largest, 4 MB, nests 20 levels and has 64,000 nodes) with a wide
/// margin, and stop hostile input within a second.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest document, in bytes. A file is measured before it is read.
    pub max_bytes: u64,
    /// The deepest nesting of mappings and sequences. The YAML and JSON parsers stop at 128
    /// levels by themselves, so a larger value has no effect.
    pub max_depth: usize,
    /// The most nodes (mappings, sequences and scalars) in the document, counted after YAML
    /// aliases are expanded: this bounds alias bombs.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 64 * 1024 * 1024,
            max_depth: 100,
            max_nodes: 5_000_000,
        }
    }
}

/// A parsed OpenAPI document and the name it is reported under.
#[derive(Debug, Clone)]
pub struct Document {
    pub(crate) api: openapiv3::OpenAPI,
    pub(crate) file: String,
    /// Problems the loader worked around (unknown keys, parameters left out); generation adds them
    /// to its own warnings.
    pub(crate) warnings: Diagnostics,
}

impl Document {
    /// Parses a document from text with the default [`Limits`]. `file` names it in diagnostics.
    /// JSON is recognised by its leading `{`; anything else is read as YAML.
    pub fn parse(text: &str, file: &str) -> Result<Document, Diagnostics> {
        Document::parse_with(text, file, &Limits::default())
    }

    /// Parses a document from text within `limits`.
    pub fn parse_with(text: &str, file: &str, limits: &Limits) -> Result<Document, Diagnostics> {
        let mut r = Reporter::new(file);
        if text.len() as u64 > limits.max_bytes {
            r.error(Code::Limit, "", too_big(text.len() as u64, limits));
            return Err(r.diagnostics);
        }
        // A byte order mark is not part of the document.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            r.error(Code::Parse, "", "the document is empty");
            return Err(r.diagnostics);
        }
        // A sequence at the top is no OpenAPI document either way; read as JSON, its nesting stops
        // at the JSON parser's limit without the YAML parser's reading every event first.
        let is_json = text.trim_start().starts_with(['{', '[']);
        let mut plain = match parse_plain(text, is_json, limits) {
            Ok(plain) => plain,
            Err((code, message)) => {
                r.error(code, "", message);
                return Err(r.diagnostics);
            }
        };
        if !check_version(&plain, &mut r) {
            return Err(r.diagnostics);
        }
        let removed = survey(&plain, &mut r);
        place(&mut r.diagnostics, text, is_json);
        if r.diagnostics.has_errors() {
            return Err(r.diagnostics.sorted());
        }
        let warnings = r.diagnostics;
        // Pointers into a rewritten document may not hold in the original: list items were left
        // out.
        let rewritten = !removed.is_empty();
        let typed = if removed.is_empty() {
            typed_from_text(text, is_json)
        } else {
            // What the survey left out is gone from the plain value only, so the typed document is
            // read from that value, written out again as JSON.
            remove(&mut plain, removed);
            match serde_json::to_string(&plain) {
                Ok(json) => typed_from_text(&json, true).map_err(|failure| match failure {
                    // Positions would be in the rewritten text, not in the document.
                    Failure::Parse(at, message) => match message.rfind(" at line ") {
                        Some(cut) => Failure::Parse(at, message[..cut].to_owned()),
                        None => Failure::Parse(at, message),
                    },
                    internal => internal,
                }),
                Err(e) => Err(Failure::Internal(format!(
                    "cannot re-read the document: {e}"
                ))),
            }
        };
        match typed {
            Ok(api) => Ok(Document {
                api,
                file: file.to_owned(),
                warnings,
            }),
            Err(failure) => {
                let mut r = Reporter::new(file);
                match failure {
                    Failure::Parse(at, message) => {
                        let (at, message) = drill(&plain, at, message);
                        let (at, message) = misspelt(&plain, at, message);
                        r.error(Code::Parse, &at, message);
                    }
                    Failure::Internal(message) => r.error(Code::Internal, "", message),
                }
                if !rewritten {
                    place(&mut r.diagnostics, text, is_json);
                }
                r.diagnostics.extend(warnings);
                Err(r.diagnostics)
            }
        }
    }

    /// Reads and parses the document at `path` with the default [`Limits`].
    pub fn read(path: &std::path::Path) -> Result<Document, Diagnostics> {
        Document::read_with(path, &Limits::default())
    }

    /// Reads and parses the document at `path` within `limits`; a file larger than
    /// `limits.max_bytes` is refused before it is read.
    pub fn read_with(path: &std::path::Path, limits: &Limits) -> Result<Document, Diagnostics> {
        let file = path.display().to_string();
        let text = read_text_with(path, &file, limits)?;
        Document::parse_with(&text, &file, limits)
    }

    /// The name the document is reported under.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// What the loader reported without refusing the document.
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }
}

fn too_big(size: u64, limits: &Limits) -> String {
    format!(
        "the document is {size} bytes, more than the limit of {} (`Limits::max_bytes`)",
        limits.max_bytes
    )
}

/// Reads a file as UTF-8 within the default limits, turning a failure into a diagnostic naming
/// the file.
pub(crate) fn read_text(path: &std::path::Path, file: &str) -> Result<String, Diagnostics> {
    read_text_with(path, file, &Limits::default())
}

/// Reads a file as UTF-8: its size is checked before anything is read, and at most one byte past
/// the limit is ever read.
pub(crate) fn read_text_with(
    path: &std::path::Path,
    file: &str,
    limits: &Limits,
) -> Result<String, Diagnostics> {
    use std::io::Read;
    let mut r = Reporter::new(file);
    let opened = std::fs::File::open(path).and_then(|f| f.metadata().map(|m| (f, m)));
    let (handle, metadata) = match opened {
        Ok(both) => both,
        Err(e) => {
            r.error(Code::Io, "", format!("cannot read the file: {e}"));
            return Err(r.diagnostics);
        }
    };
    if metadata.is_dir() {
        r.error(Code::Io, "", "cannot read the file: it is a directory");
        return Err(r.diagnostics);
    }
    if metadata.len() > limits.max_bytes {
        r.error(Code::Limit, "", too_big(metadata.len(), limits));
        return Err(r.diagnostics);
    }
    let mut bytes = Vec::new();
    if let Err(e) = handle
        .take(limits.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
    {
        r.error(Code::Io, "", format!("cannot read the file: {e}"));
        return Err(r.diagnostics);
    }
    if bytes.len() as u64 > limits.max_bytes {
        r.error(Code::Limit, "", too_big(bytes.len() as u64, limits));
        return Err(r.diagnostics);
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        let message = format!(
            "the file is not UTF-8 text: byte 0x{:02x} at offset {at} (line {line}) is invalid",
            bytes.get(at).copied().unwrap_or_default()
        );
        r.error(Code::Parse, "", message);
        r.diagnostics
    })
}

/// Why the typed parse failed: the document's shape (pointer and message), or the document
/// model's own failure.
enum Failure {
    Parse(String, String),
    Internal(String),
}

/// Gives the document OpenAPI's structure, from the text.
fn typed_from_text(text: &str, is_json: bool) -> Result<openapiv3::OpenAPI, Failure> {
    // The document model has panicked on inputs its own deserialiser rejects; the plain parse
    // rejects those first, so a panic here is the model's own bug.
    let typed = quiet_catch_unwind(|| {
        if is_json {
            let mut de = serde_json::Deserializer::from_str(text);
            serde_path_to_error::deserialize(&mut de)
                .map_err(|e| (path_to_pointer(e.path()), e.into_inner().to_string()))
        } else {
            serde_path_to_error::deserialize(yaml::Deserializer::from_str(text))
                .map_err(|e| (path_to_pointer(e.path()), e.into_inner().to_string()))
        }
    });
    match typed {
        Some(Ok(api)) => Ok(api),
        Some(Err((at, message))) => Err(Failure::Parse(at, message)),
        None => Err(Failure::Internal(
            "the OpenAPI document model panicked while reading the document".to_owned(),
        )),
    }
}

/// Deserialises the JSON text of one part of the document as `T`: the pointer (relative to the
/// part) and message of the failure, if any.
fn try_part<T: DeserializeOwned>(json: &str) -> Option<(String, String)> {
    let mut de = serde_json::Deserializer::from_str(json);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    result.err().map(|e| {
        let at = path_to_pointer(e.path());
        let message = e.into_inner().to_string();
        // Positions are in the rewritten part, not in the document: leave them out.
        let message = match message.rfind(" at line ") {
            Some(cut) => message[..cut].to_owned(),
            None => message,
        };
        (at, message)
    })
}

/// The first subschema of `schema` (at `at`) that fails to read on its own.
fn failing_subschema(schema: &Plain, at: &str) -> Option<String> {
    let Plain::Map(keywords) = schema else {
        return None;
    };
    let mut children = Vec::new();
    for (key, value) in keywords {
        match (key.as_str(), value) {
            ("properties", Plain::Map(properties)) => {
                let base = pointer(at, key);
                children.extend(properties.iter().map(|(k, v)| (pointer(&base, k), v)));
            }
            ("items" | "not" | "additionalProperties", Plain::Map(_)) => {
                children.push((pointer(at, key), value));
            }
            ("allOf" | "oneOf" | "anyOf", Plain::Seq(items)) => {
                let base = pointer(at, key);
                children.extend(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (pointer(&base, &i.to_string()), v)),
                );
            }
            _ => {}
        }
    }
    children.into_iter().find_map(|(child_at, child)| {
        let json = serde_json::to_string(child).ok()?;
        try_part::<openapiv3::ReferenceOr<openapiv3::Schema>>(&json).map(|_| child_at)
    })
}

/// For a parameter (at `at`), the field of its common data that fails to read, and why.
fn failing_parameter_field(part: &Plain, at: &str) -> Option<(String, String)> {
    let segments: Vec<String> = segments(at).collect();
    let Plain::Map(fields) = part else {
        return None;
    };
    if segments.len() < 2 || segments[segments.len() - 2] != "parameters" {
        return None;
    }
    let mut common = fields.clone();
    for tagged in ["in", "style", "allowReserved", "allowEmptyValue"] {
        common.shift_remove(tagged);
    }
    let json = serde_json::to_string(&Plain::Map(common)).ok()?;
    try_part::<openapiv3::ParameterData>(&json).filter(|(field, _)| !field.is_empty())
}

/// Reads one part of the document as one type: see [`try_part`].
type PartParser = fn(&str) -> Option<(String, String)>;

/// The type of the part of an OpenAPI document at `at`, read from the pointer's last segments.
fn part_type(at: &str) -> Option<PartParser> {
    let segments: Vec<String> = segments(at).collect();
    let last = |n: usize| {
        segments
            .len()
            .checked_sub(n)
            .and_then(|i| segments.get(i))
            .map(String::as_str)
    };
    let parent = last(2);
    Some(match (parent, last(1)?) {
        (Some("paths"), _) if segments.len() == 2 => try_part::<openapiv3::PathItem>,
        (Some("parameters"), _) => try_part::<openapiv3::Parameter>,
        (Some("schemas" | "properties" | "allOf" | "oneOf" | "anyOf"), _)
        | (_, "schema" | "items" | "not" | "additionalProperties") => try_part::<openapiv3::Schema>,
        (Some("responses"), _) => try_part::<openapiv3::Response>,
        (Some("requestBodies"), _) | (_, "requestBody") => try_part::<openapiv3::RequestBody>,
        (Some("headers"), _) => try_part::<openapiv3::Header>,
        _ => return None,
    })
}

/// Narrows a typed parse failure down: the document model reads some parts (references or
/// items, path items) by trying each shape in turn, which loses the place of the failure inside
/// them. Each such part is read again on its own, as the type its place says, until the place
/// stops moving.
fn drill(plain: &Plain, mut at: String, message: String) -> (String, String) {
    let position = message
        .rfind(" at line ")
        .map(|cut| message[cut + 4..].to_owned());
    let mut inner_message = None;
    for _ in 0..64 {
        // Paths and responses are read into flattened maps, whose keys the error's path does not
        // keep: the first entry that fails on its own is the one.
        let flattened: Option<PartParser> = if at == "/paths" {
            Some(try_part::<openapiv3::ReferenceOr<openapiv3::PathItem>>)
        } else if at.ends_with("/responses") && at != "/components/responses" {
            Some(try_part::<openapiv3::ReferenceOr<openapiv3::Response>>)
        } else {
            None
        };
        if let Some(parse) = flattened {
            let Some(Plain::Map(entries)) = lookup(plain, &at) else {
                break;
            };
            let failing = entries.iter().find(|(_, entry)| {
                serde_json::to_string(entry).is_ok_and(|json| parse(&json).is_some())
            });
            let Some((key, _)) = failing else { break };
            at = pointer(&at, key);
            continue;
        }
        let Some(parse) = part_type(&at) else { break };
        let Some(part) = lookup(plain, &at) else {
            break;
        };
        if part.get("$ref").is_some() {
            break;
        }
        let Ok(json) = serde_json::to_string(part) else {
            break;
        };
        let Some((inner, found)) = parse(&json) else {
            break;
        };
        if inner.is_empty() {
            // A schema's keywords are flattened too: a failing subschema is the place.
            if let Some(child) = failing_subschema(part, &at) {
                inner_message = Some(found);
                at = child;
                continue;
            }
            // A parameter's fields are read through its location tag, which loses the place
            // too: its common fields are read again without the tag.
            if let Some((field, field_message)) = failing_parameter_field(part, &at) {
                inner_message = Some(field_message);
                at.push_str(&field);
                break;
            }
            if message.contains("did not match any variant") {
                inner_message = Some(found);
            }
            break;
        }
        inner_message = Some(found);
        at.push_str(&inner);
    }
    match (inner_message, position) {
        (Some(inner), Some(position)) => (at, format!("{inner} (in the item at {position})")),
        (Some(inner), None) => (at, inner),
        (None, _) => (at, message),
    }
}
/// The most diagnostics given a line: each line is found by reading the document again.
const MAX_PLACED: usize = 16;

/// Gives each diagnostic with a pointer the line of the node it names, and takes the parser's
/// own position (often that of an enclosing item) out of its message.
fn place(diagnostics: &mut Diagnostics, text: &str, is_json: bool) {
    let unplaced = diagnostics
        .iter_mut()
        .filter(|d| !d.pointer.is_empty() && d.line.is_none());
    for diagnostic in unplaced.take(MAX_PLACED) {
        if let Some(line) = locate::line_of(text, is_json, &diagnostic.pointer) {
            diagnostic.line = Some(line);
            diagnostic.message = without_position(&diagnostic.message).to_owned();
        }
    }
}

/// A parser's message without the position it ends with (` at line 7 column 3`, or the
/// ` (in the item at line 7 column 3)` that [`drill`] adds).
fn without_position(message: &str) -> &str {
    if let Some(cut) = message.rfind(" (in the item at line ") {
        return &message[..cut];
    }
    match message.rfind(" at line ") {
        Some(cut)
            if message[cut + 9..]
                .split(" column ")
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) =>
        {
            &message[..cut]
        }
        _ => message,
    }
}

/// A missing field beside a key that looks like it misspelt: the problem is that key, named, at
/// its place.
fn misspelt(plain: &Plain, at: String, message: String) -> (String, String) {
    let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    else {
        return (at, message);
    };
    let Some(Plain::Map(entries)) = lookup(plain, &at) else {
        return (at, message);
    };
    let near = entries.keys().find(|key| {
        key.as_str() != field
            && !key.starts_with("x-")
            && crate::suggest::nearest(key, &[field]).is_some()
    });
    match near {
        Some(key) => {
            let text = format!(
                "missing field `{field}`; `{key}` stands where it is expected: did you mean \
                 `{field}`?"
            );
            (pointer(&at, key), text)
        }
        None => (at, message),
    }
}

/// Deserialises YAML or JSON into `T`, reporting where in the document it failed as `code`.
pub(crate) fn parse_as<T: DeserializeOwned>(
    text: &str,
    file: &str,
    code: Code,
) -> Result<T, Diagnostics> {
    let is_json = text.trim_start().starts_with('{');
    // The document model panics on some inputs its own deserialiser rejects and a second attempt
    // accepts (duplicate keys, for one). Such a panic is caught and the input parsed again as a
    // plain value, whose error names the real problem.
    let typed = quiet_catch_unwind(|| {
        if is_json {
            let mut de = serde_json::Deserializer::from_str(text);
            serde_path_to_error::deserialize(&mut de)
                .map_err(|e| (path_to_pointer(e.path()), e.into_inner().to_string()))
        } else {
            serde_path_to_error::deserialize(yaml::Deserializer::from_str(text))
                .map_err(|e| (path_to_pointer(e.path()), e.into_inner().to_string()))
        }
    });
    let result = typed.unwrap_or_else(|| {
        let plain = if is_json {
            serde_json::from_str::<serde_json::Value>(text)
                .err()
                .map(|e| e.to_string())
        } else {
            yaml::from_str::<yaml::Value>(text)
                .err()
                .map(|e| e.to_string())
        };
        let message = plain.unwrap_or_else(|| {
            "the document does not have the structure of OpenAPI 3.0".to_owned()
        });
        Err((String::new(), message))
    });
    result.map_err(|(pointer, message)| {
        let mut r = Reporter::new(file);
        r.error(code, &pointer, message);
        place(&mut r.diagnostics, text, is_json);
        r.diagnostics
    })
}

thread_local! {
    /// Set while this thread runs code whose panics are caught and reported as diagnostics.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into `None` without printing it. The panic hook is wrapped once, so
/// that panics on other threads, and outside `f`, print as they always do.
fn quiet_catch_unwind<R>(f: impl FnOnce() -> R) -> Option<R> {
    static WRAP_HOOK: std::sync::Once = std::sync::Once::new();
    WRAP_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|quiet| quiet.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok();
    QUIET.with(|quiet| quiet.set(false));
    result
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        out = match segment {
            Segment::Seq { index } => crate::diagnostics::pointer(&out, &index.to_string()),
            Segment::Map { key } => crate::diagnostics::pointer(&out, key),
            Segment::Enum { variant } => crate::diagnostics::pointer(&out, variant),
            Segment::Unknown => out,
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_json_give_the_same_document() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let json = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}"#;
        let a = Document::parse(yaml, "a.yaml").map(|d| d.api).ok();
        let b = Document::parse(json, "b.json").map(|d| d.api).ok();
        assert!(a.is_some());
        assert_eq!(a, b);
    }

    #[test]
    fn duplicate_keys_are_an_error_not_a_panic() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        a:\n          type: string\n          type: string\n";
        let err = Document::parse(yaml, "a.yaml")
            .err()
            .map(|d| d.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("error[parse]") && err.contains("duplicate"),
            "{err}"
        );
        let json = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": {"A": {"type": "object", "properties": {"a": {"type": "string", "type": "string"}}}}}}"#;
        assert!(Document::parse(json, "a.json").is_err());
    }

    #[test]
    fn parse_errors_carry_a_pointer() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: object, properties: 7}\n";
        let err = Document::parse(yaml, "a.yaml")
            .err()
            .map(|d| d.to_string())
            .unwrap_or_default();
        assert!(err.contains("error[parse]"), "{err}");
        assert!(err.contains("a.yaml#/components/schemas"), "{err}");
    }

    fn codes(result: Result<Document, Diagnostics>) -> Vec<&'static str> {
        match result {
            Ok(document) => document.warnings.iter().map(|d| d.code.name()).collect(),
            Err(diagnostics) => diagnostics.iter().map(|d| d.code.name()).collect(),
        }
    }

    #[test]
    fn a_missing_file_is_io_not_parse() {
        let missing = std::path::Path::new("/nonexistent/spec.yaml");
        assert_eq!(codes(Document::read(missing)), ["io"]);
    }

    #[test]
    fn other_versions_are_named() {
        let swagger = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n";
        assert_eq!(
            codes(Document::parse(swagger, "a.yaml")),
            ["unsupported-version"]
        );
        let newer = r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}}"#;
        assert_eq!(
            codes(Document::parse(newer, "a.json")),
            ["unsupported-version"]
        );
    }

    #[test]
    fn limits_are_settings() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        assert!(Document::parse(yaml, "a.yaml").is_ok());
        for limits in [
            Limits {
                max_bytes: 10,
                ..Limits::default()
            },
            Limits {
                max_depth: 1,
                ..Limits::default()
            },
            Limits {
                max_nodes: 5,
                ..Limits::default()
            },
        ] {
            assert_eq!(
                codes(Document::parse_with(yaml, "a.yaml", &limits)),
                ["limit"]
            );
        }
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let yaml = "\u{feff}openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        assert!(Document::parse(yaml, "a.yaml").is_ok());
    }

    #[test]
    fn type_errors_are_placed_inside_path_items() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: 7, content: []}\n";
        let err = Document::parse(yaml, "a.yaml").err().unwrap_or_default();
        let at: Vec<&str> = err.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(at, ["/paths/~1a/get/responses/200/description"], "{err}");
    }

    #[test]
    fn type_errors_carry_the_line_of_the_real_problem() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - name: q\n          in: query\n          required: {a: 1}\n          schema: {type: string}\n      responses:\n        '200':\n          description: [7]\n";
        let err = Document::parse(yaml, "a.yaml").err().unwrap_or_default();
        let found: Vec<(&str, Option<usize>)> =
            err.iter().map(|d| (d.pointer.as_str(), d.line)).collect();
        assert_eq!(
            found,
            [("/paths/~1a/get/parameters/0/required", Some(9))],
            "{err}"
        );
        let text = err.to_string();
        assert!(text.contains("(line 9)"), "{text}");
        assert!(!text.contains("in the item at"), "{text}");
    }

    #[test]
    fn a_missing_field_names_the_misspelt_key_at_its_line() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      summary: s\n      respones: {'204': {description: d}}\n";
        let err = Document::parse(yaml, "a.yaml").err().unwrap_or_default();
        let error = err
            .iter()
            .find(|d| d.code == Code::Parse)
            .map(|d| (d.pointer.as_str(), d.line, d.message.as_str()));
        assert_eq!(
            error,
            Some((
                "/paths/~1a/get/respones",
                Some(7),
                "missing field `responses`; `respones` stands where it is expected: did you mean `responses`?"
            )),
            "{err}"
        );
    }

    #[test]
    fn json_documents_are_placed_too() {
        let json = "{\n  \"openapi\": \"3.0.3\",\n  \"info\": {\"title\": \"t\", \"version\": \"1\"},\n  \"paths\": {\n    \"/a\": {\n      \"get\": {\n        \"responses\": {\"200\": {\"description\": 7}}\n      }\n    }\n  }\n}\n";
        let err = Document::parse(json, "a.json").err().unwrap_or_default();
        let lines: Vec<Option<usize>> = err.iter().map(|d| d.line).collect();
        assert_eq!(lines, [Some(7)], "{err}");
    }

    #[test]
    fn misspelt_operation_keys_warn() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      respones: {}\n      responses: {'204': {description: d}}\n";
        let document = Document::parse(yaml, "a.yaml");
        let message = document
            .as_ref()
            .map(|d| d.warnings.to_string())
            .unwrap_or_default();
        assert!(message.contains("did you mean `responses`?"), "{message}");
    }
}
