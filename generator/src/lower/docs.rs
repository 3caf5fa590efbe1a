//! What lowering takes from a schema besides its shape: documentation and the constraints on its
//! value.

use openapiv3::{Schema, SchemaData, SchemaKind, Type};

use super::Lowerer;
use crate::diagnostics::{Code, pointer};
use crate::ir::Constraints;

/// Documentation for a type: title and description, then the default.
pub(super) fn schema_doc(data: &SchemaData) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    if let Some(title) = data.title.as_deref().filter(|t| !t.trim().is_empty()) {
        parts.push(title.trim().to_owned());
    }
    if let Some(description) = data.description.as_deref().filter(|d| !d.trim().is_empty()) {
        parts.push(description.trim().to_owned());
    }
    if let Some(default) = &data.default {
        parts.push(format!("Defaults to `{default}`."));
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// Documentation for a field: as for a type, plus which direction the value travels in.
pub(super) fn field_doc(data: &SchemaData) -> Option<String> {
    let mut doc = schema_doc(data);
    let note = match (data.read_only, data.write_only) {
        (true, false) => Some("Set by the server: sent in responses only."),
        (false, true) => Some("Sent in requests only: never returned by the server."),
        _ => None,
    };
    if let Some(note) = note {
        doc = Some(match doc {
            Some(text) => format!("{text}\n\n{note}"),
            None => note.to_owned(),
        });
    }
    doc
}

impl Lowerer<'_> {
    /// Why the regular expression engine cannot compile `pattern`, if it cannot. Documents repeat
    /// their patterns (a project id's, on every operation), and compiling is costly: each pattern
    /// is compiled once.
    pub(super) fn pattern_error(&mut self, pattern: &str) -> Option<String> {
        if let Some(known) = self.patterns.get(pattern) {
            return known.clone();
        }
        let error = regex::Regex::new(pattern).err().map(|error| {
            let text = error.to_string();
            let last = text.lines().last().unwrap_or_default().trim();
            last.strip_prefix("error:")
                .unwrap_or(last)
                .trim()
                .to_owned()
        });
        self.patterns.insert(pattern.to_owned(), error.clone());
        error
    }

    /// The checks a schema puts on its value, leaving out (with a warning) a pattern that the
    /// regular expression engine cannot compile.
    pub(super) fn constraints(&mut self, schema: &Schema, at: &str) -> Constraints {
        let mut constraints = constraints(schema);
        if let Some(pattern) = &constraints.pattern
            && let Some(reason) = self.pattern_error(pattern)
        {
            let message = format!("pattern `{pattern}` is not checked: {reason}");
            self.report
                .warning(Code::UnsupportedPattern, &pointer(at, "pattern"), message);
            constraints.pattern = None;
        }
        constraints
    }
}

/// The checks a schema puts on its value.
fn constraints(schema: &Schema) -> Constraints {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => Constraints {
            pattern: s.pattern.clone(),
            min_length: s.min_length,
            max_length: s.max_length,
            ..Constraints::default()
        },
        SchemaKind::Type(Type::Integer(i)) => Constraints {
            minimum: i
                .minimum
                .map(|v| v as f64 + if i.exclusive_minimum { 1.0 } else { 0.0 }),
            maximum: i
                .maximum
                .map(|v| v as f64 - if i.exclusive_maximum { 1.0 } else { 0.0 }),
            ..Constraints::default()
        },
        SchemaKind::Type(Type::Number(n)) => Constraints {
            minimum: n.minimum,
            maximum: n.maximum,
            ..Constraints::default()
        },
        _ => Constraints::default(),
    }
}
