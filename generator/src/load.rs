//! Reading documents: OpenAPI documents (YAML or JSON) and the code generation settings.
//!
//! Every YAML call of the generator lives in this module, so that moving from `serde_yaml` to a
//! maintained fork is a change to the one `use` line below.

use serde::de::DeserializeOwned;
use serde_yaml as yaml;

use crate::diagnostics::{Code, Diagnostics, Reporter};

/// A parsed OpenAPI document and the name it is reported under.
#[derive(Debug, Clone)]
pub struct Document {
    pub(crate) api: openapiv3::OpenAPI,
    pub(crate) file: String,
}

impl Document {
    /// Parses a document from text. `file` names it in diagnostics. JSON is recognised by its
    /// leading `{`; anything else is read as YAML.
    pub fn parse(text: &str, file: &str) -> Result<Document, Diagnostics> {
        let api = parse_as(text, file, Code::Parse)?;
        Ok(Document {
            api,
            file: file.to_owned(),
        })
    }

    /// Reads and parses the document at `path`.
    pub fn read(path: &std::path::Path) -> Result<Document, Diagnostics> {
        let file = path.display().to_string();
        let text = read_text(path, &file)?;
        Document::parse(&text, &file)
    }

    /// The name the document is reported under.
    pub fn file(&self) -> &str {
        &self.file
    }
}

/// Reads a file as UTF-8, turning an I/O failure into a diagnostic naming the file.
pub(crate) fn read_text(path: &std::path::Path, file: &str) -> Result<String, Diagnostics> {
    std::fs::read_to_string(path).map_err(|e| {
        let mut r = Reporter::new(file);
        r.error(Code::Parse, "", format!("cannot read the file: {e}"));
        r.diagnostics
    })
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
}
