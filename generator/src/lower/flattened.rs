//! Tagged unions rebuilt from flattened documents.
//!
//! Some of MongoDB's documents describe a union as one object holding the properties of every
//! kind, with no `oneOf`, and say which properties belong to which kind in a vendor extension:
//!
//! ```yaml
//! x-xgen-discriminator:
//!   propertyName: type
//!   mapping:
//!     DATADOG: {properties: [apiKey, region], required: [apiKey]}
//!     SLACK: {properties: [apiToken, channelName], required: [apiToken, channelName]}
//! ```
//!
//! Such a schema becomes a tagged union like any other: one struct per kind, holding the
//! properties its entry lists (with the flat schema's definitions of them) and the properties no
//! entry lists (those every kind shares, such as a read-only `id`), required as its entry says;
//! the tag property is written by the union, and kinds the extension does not map decode into the
//! catch-all.

use std::collections::HashSet;

use openapiv3::Schema;
use serde_json::Value;

use super::Lowerer;
use super::schema::Property;
use crate::diagnostics::{Code, pointer};
use crate::ir::{TypeDef, TypeKind};
use crate::naming::{self, Kind};

/// The extension that describes a flattened union.
pub(super) const EXTENSION: &str = "x-xgen-discriminator";

/// One kind of a flattened union, as the extension describes it.
struct Entry<'v> {
    tag: &'v str,
    properties: Vec<&'v str>,
    required: Vec<&'v str>,
}

/// The strings of a list of property names; absent is empty.
fn strings<'v>(value: Option<&'v Value>, what: &str) -> Result<Vec<&'v str>, String> {
    match value {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .ok_or_else(|| format!("`{what}` lists a value that is not a string"))
            })
            .collect(),
        Some(_) => Err(format!("`{what}` is not a list of property names")),
    }
}

/// The tag property and the kinds, or why the extension cannot be read.
fn read(value: &Value) -> Result<(&str, Vec<Entry<'_>>), String> {
    let object = value.as_object().ok_or("it is not an object")?;
    let tag = object
        .get("propertyName")
        .and_then(Value::as_str)
        .ok_or("it has no `propertyName` string")?;
    let mapping = object
        .get("mapping")
        .and_then(Value::as_object)
        .ok_or("it has no `mapping` object")?;
    if mapping.is_empty() {
        return Err("its `mapping` is empty".to_owned());
    }
    let mut entries = Vec::with_capacity(mapping.len());
    for (kind, entry) in mapping {
        let entry = entry
            .as_object()
            .ok_or_else(|| format!("the entry for `{kind}` is not an object"))?;
        entries.push(Entry {
            tag: kind,
            properties: strings(entry.get("properties"), "properties")?,
            required: strings(entry.get("required"), "required")?,
        });
    }
    Ok((tag, entries))
}

impl<'a> Lowerer<'a> {
    /// The tagged union a flattened schema stands for, or `None` (with a warning) when its
    /// extension cannot be read, so that the schema is lowered as one struct.
    pub(super) fn lower_flattened(
        &mut self,
        name: &str,
        at: &str,
        schema: &'a Schema,
        extension: &'a Value,
    ) -> Option<TypeKind> {
        let extension_at = pointer(at, EXTENSION);
        let (tag, entries) = match read(extension) {
            Ok(read) => read,
            Err(why) => {
                let message = format!("`{EXTENSION}` is left out: {why}");
                self.report
                    .warning(Code::FlattenedDiscriminator, &extension_at, message);
                return None;
            }
        };
        if !self.is_struct(schema) {
            let message = format!("`{EXTENSION}` is left out: the schema has no properties");
            self.report
                .warning(Code::FlattenedDiscriminator, &extension_at, message);
            return None;
        }
        let all = self.properties(schema, at, 0);
        let declared: Vec<&str> = all.iter().map(|p| p.wire).collect();
        let listed: HashSet<&str> = entries
            .iter()
            .flat_map(|e| e.properties.iter().copied())
            .collect();
        let mapping_at = pointer(&extension_at, "mapping");
        let mut pending = Vec::with_capacity(entries.len());
        for entry in &entries {
            let entry_at = pointer(&mapping_at, entry.tag);
            for (list, names) in [
                ("properties", &entry.properties),
                ("required", &entry.required),
            ] {
                for missing in names.iter().filter(|n| !declared.contains(n)) {
                    let message = format!(
                        "kind `{}` lists `{missing}` under `{list}`, which the schema does not declare; it is left out",
                        entry.tag
                    );
                    self.report
                        .warning(Code::FlattenedDiscriminator, &entry_at, message);
                }
            }
            // The kind's own properties, and those no kind lists, in the schema's order.
            let properties: Vec<Property<'a>> = all
                .iter()
                .filter(|p| entry.properties.contains(&p.wire) || !listed.contains(p.wire))
                .map(|p| Property {
                    required: entry.required.contains(&p.wire),
                    ..p.clone()
                })
                .collect();
            let candidates = vec![
                naming::rust_name(entry.tag, Kind::Type),
                naming::nested_type_name(name, entry.tag),
            ];
            let id = self.allocate(super::Wanted {
                candidates: candidates.clone(),
                key: None,
                pointer: entry_at.clone(),
            });
            self.place(id);
            self.depth += 1;
            let kind =
                TypeKind::Struct(self.lower_struct(&candidates[0], properties, None, Some(tag)));
            self.depth -= 1;
            self.table.types[id.0] = Some(TypeDef {
                name: candidates[0].clone(),
                source: entry_at.clone(),
                doc: Some(format!("The `{}` kind of `{name}`.", entry.tag)),
                deprecated: false,
                kind,
            });
            pending.push((entry.tag.to_owned(), id, entry_at));
        }
        Some(self.tagged(tag, &pending))
    }
}
