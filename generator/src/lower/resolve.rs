//! The one resolver of references inside the document. Every stage that meets a `$ref` (or a
//! discriminator mapping's target) asks here: references into any section of `components`, chains
//! of references, and pointers into the middle of a schema
//! (`#/components/schemas/User/properties/role`) all resolve; JSON pointer escapes (`~0`, `~1`)
//! and percent-encoding in the fragment are undone; circles are found, not followed forever. Only
//! a reference that leaves the document is refused.

use std::collections::HashSet;

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

use super::RefOr;
use crate::diagnostics::{Code, Reporter, pointer};

/// The longest pointer a chain of references may build, in segments: past it, references that
/// point into themselves would grow without end.
const MAX_SEGMENTS: usize = 128;

/// Why a reference does not resolve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RefError {
    /// It points into another document or at a URL.
    External,
    /// Nothing is at the pointer.
    Missing,
    /// It leads back to itself.
    Circle,
    /// Something is there, but not a thing of the kind needed (`#/info` where a schema belongs).
    WrongKind(&'static str),
}

impl RefError {
    /// Reports the failure to resolve `reference`, found at `at`.
    pub(crate) fn report(&self, report: &mut Reporter, at: &str, reference: &str) {
        match self {
            RefError::External => report.error(
                Code::ExternalRef,
                at,
                format!("`{reference}` points outside this document"),
            ),
            RefError::Missing => report.error(
                Code::UnresolvedRef,
                at,
                format!("`{reference}` does not exist"),
            ),
            RefError::Circle => report.error(
                Code::UnresolvedRef,
                at,
                format!("`{reference}` is part of a circle of references"),
            ),
            RefError::WrongKind(kind) => report.error(
                Code::UnresolvedRef,
                at,
                format!("`{reference}` does not point at {kind}"),
            ),
        }
    }
}

/// The unescaped segments of a reference's JSON pointer; `#` alone is the whole document.
pub(crate) fn segments(reference: &str) -> Result<Vec<String>, RefError> {
    let Some(fragment) = reference.strip_prefix('#') else {
        return Err(RefError::External);
    };
    let fragment = percent_encoding::percent_decode_str(fragment)
        .decode_utf8()
        .map_err(|_| RefError::Missing)?;
    if fragment.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = fragment.strip_prefix('/') else {
        // A plain-name fragment (`#Pet`) names an anchor, which OpenAPI 3.0 documents do not have.
        return Err(RefError::Missing);
    };
    Ok(rest
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect())
}

/// A JSON pointer from unescaped segments.
fn to_pointer(segments: &[String]) -> String {
    segments
        .iter()
        .fold(String::new(), |out, s| pointer(&out, s))
}

/// A schema a reference leads to.
pub(crate) struct Resolved<'a> {
    /// The schema.
    pub(crate) schema: &'a Schema,
    /// Where it is, as a JSON pointer.
    pub(crate) pointer: String,
}

/// Follows `reference` to the schema at its end, through chains and into the middle of schemas.
pub(crate) fn schema<'a>(api: &'a OpenAPI, reference: &str) -> Result<Resolved<'a>, RefError> {
    let schemas = api.components.as_ref().map(|c| &c.schemas);
    let mut segs = segments(reference)?;
    let mut seen: HashSet<Vec<String>> = HashSet::new();
    'restart: loop {
        if segs.len() > MAX_SEGMENTS || !seen.insert(segs.clone()) {
            return Err(RefError::Circle);
        }
        let (_, item) = match segs.as_slice() {
            [components, section, key, ..]
                if components == "components" && section == "schemas" =>
            {
                schemas
                    .and_then(|s| s.get_key_value(key.as_str()))
                    .ok_or(RefError::Missing)?
            }
            [components, _, _, ..] if components == "components" => {
                return Err(RefError::WrongKind("a schema"));
            }
            _ => return Err(RefError::WrongKind("a schema")),
        };
        let mut current = RefOr::from(item);
        let mut consumed = 3;
        loop {
            let schema = match current {
                RefOr::Ref(next) => {
                    let mut joined = segments(next)?;
                    joined.extend_from_slice(&segs[consumed..]);
                    segs = joined;
                    continue 'restart;
                }
                RefOr::Item(schema) => schema,
            };
            if consumed == segs.len() {
                return Ok(Resolved {
                    schema,
                    pointer: to_pointer(&segs),
                });
            }
            let (child, used) = step(schema, &segs[consumed..]).ok_or(RefError::Missing)?;
            current = child;
            consumed += used;
        }
    }
}

/// One step into a schema along `rest`: the member it names and how many segments that took.
fn step<'a>(schema: &'a Schema, rest: &[String]) -> Option<(RefOr<'a>, usize)> {
    let first = rest.first()?.as_str();
    let second = rest.get(1).map(String::as_str);
    let index = || second.and_then(|s| s.parse::<usize>().ok());
    let members = |list: &'a [ReferenceOr<Schema>]| -> Option<(RefOr<'a>, usize)> {
        list.get(index()?).map(|m| (RefOr::from(m), 2))
    };
    let property = |properties: &'a IndexMap<String, ReferenceOr<Box<Schema>>>| {
        properties.get(second?).map(|p| (RefOr::from(p), 2))
    };
    let additional = |value: &'a Option<AdditionalProperties>| match value {
        Some(AdditionalProperties::Schema(value)) => Some((RefOr::from(value.as_ref()), 1)),
        _ => None,
    };
    match (&schema.schema_kind, first) {
        (SchemaKind::Type(Type::Object(o)), "properties") => property(&o.properties),
        (SchemaKind::Type(Type::Object(o)), "additionalProperties") => {
            additional(&o.additional_properties)
        }
        (SchemaKind::Type(Type::Array(a)), "items") => {
            a.items.as_ref().map(|i| (RefOr::from(i), 1))
        }
        (SchemaKind::OneOf { one_of }, "oneOf") => members(one_of),
        (SchemaKind::AnyOf { any_of }, "anyOf") => members(any_of),
        (SchemaKind::AllOf { all_of }, "allOf") => members(all_of),
        (SchemaKind::Not { not }, "not") => Some((RefOr::from(not.as_ref()), 1)),
        (SchemaKind::Any(any), "properties") => property(&any.properties),
        (SchemaKind::Any(any), "additionalProperties") => additional(&any.additional_properties),
        (SchemaKind::Any(any), "items") => any.items.as_ref().map(|i| (RefOr::from(i), 1)),
        (SchemaKind::Any(any), "oneOf") => members(&any.one_of),
        (SchemaKind::Any(any), "anyOf") => members(&any.any_of),
        (SchemaKind::Any(any), "allOf") => members(&any.all_of),
        (SchemaKind::Any(any), "not") => any.not.as_ref().map(|n| (RefOr::from(n.as_ref()), 1)),
        _ => None,
    }
}

/// The key of the component schema a reference (or a discriminator mapping's bare schema name)
/// names as a whole, as the document spells the key; `None` for anything else.
pub(crate) fn component_schema_key<'a>(api: &'a OpenAPI, reference: &str) -> Option<&'a str> {
    let schemas = &api.components.as_ref()?.schemas;
    if !reference.contains('#') && !reference.contains('/') {
        return schemas.get_key_value(reference).map(|(k, _)| k.as_str());
    }
    match segments(reference).ok()?.as_slice() {
        [components, section, key] if components == "components" && section == "schemas" => {
            schemas.get_key_value(key.as_str()).map(|(k, _)| k.as_str())
        }
        _ => None,
    }
}

/// The key of the component schema a reference points into, as a whole or in its middle.
pub(crate) fn enclosing_schema_key<'a>(api: &'a OpenAPI, reference: &str) -> Option<&'a str> {
    let schemas = &api.components.as_ref()?.schemas;
    match segments(reference).ok()?.as_slice() {
        [components, section, key, ..] if components == "components" && section == "schemas" => {
            schemas.get_key_value(key.as_str()).map(|(k, _)| k.as_str())
        }
        _ => None,
    }
}

/// Follows a value that may be a reference into `#/components/{section}` (through chains) to the
/// item, returning it with its pointer; `at` is the value's own pointer.
pub(crate) fn component<'a, T>(
    value: &'a ReferenceOr<T>,
    at: &str,
    section: &str,
    items: Option<&'a IndexMap<String, ReferenceOr<T>>>,
) -> Result<(&'a T, String), (RefError, &'a str)> {
    let mut reference = match value {
        ReferenceOr::Item(item) => return Ok((item, at.to_owned())),
        ReferenceOr::Reference { reference } => reference.as_str(),
    };
    let mut seen: HashSet<&str> = HashSet::new();
    loop {
        if !seen.insert(reference) {
            return Err((RefError::Circle, reference));
        }
        let segs = segments(reference).map_err(|e| (e, reference))?;
        let key = match segs.as_slice() {
            [components, s, key] if components == "components" && s == section => key,
            _ => return Err((RefError::WrongKind(kind_of(section)), reference)),
        };
        match items.and_then(|items| items.get_key_value(key.as_str())) {
            Some((key, ReferenceOr::Item(item))) => {
                return Ok((item, pointer(&format!("/components/{section}"), key)));
            }
            Some((_, ReferenceOr::Reference { reference: next })) => reference = next,
            None => return Err((RefError::Missing, reference)),
        }
    }
}

/// What a section of `components` holds, for messages.
fn kind_of(section: &str) -> &'static str {
    match section {
        "parameters" => "a parameter",
        "responses" => "a response",
        "requestBodies" => "a request body",
        "headers" => "a header",
        _ => "a component of the right kind",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(yaml: &str) -> OpenAPI {
        serde_yaml::from_str(yaml).unwrap_or_else(|e| unreachable!("{e}"))
    }

    const DOC: &str = r##"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    User:
      type: object
      properties:
        role: {type: string, enum: [admin, user]}
        tags: {type: array, items: {type: string}}
    "a/b~c": {type: string}
    Alias: {$ref: '#/components/schemas/User'}
    Deep: {$ref: '#/components/schemas/Alias/properties/role'}
    Loop1: {$ref: '#/components/schemas/Loop2'}
    Loop2: {$ref: '#/components/schemas/Loop1'}
    Grow: {$ref: '#/components/schemas/Grow/properties/x'}
  parameters:
    Id: {name: id, in: path, required: true, schema: {type: string}}
    IdAgain: {$ref: '#/components/parameters/Id'}
"##;

    #[test]
    fn every_kind_of_local_reference() {
        let api = api(DOC);
        let found = |r: &str| schema(&api, r).map(|s| (s.pointer, ()));
        assert_eq!(
            found("#/components/schemas/User").map(|f| f.0),
            Ok("/components/schemas/User".to_owned())
        );
        assert_eq!(
            found("#/components/schemas/User/properties/role").map(|f| f.0),
            Ok("/components/schemas/User/properties/role".to_owned())
        );
        assert_eq!(
            found("#/components/schemas/User/properties/tags/items").map(|f| f.0),
            Ok("/components/schemas/User/properties/tags/items".to_owned())
        );
        // Escapes and percent-encoding are undone.
        assert_eq!(
            found("#/components/schemas/a~1b~0c").map(|f| f.0),
            Ok("/components/schemas/a~1b~0c".to_owned())
        );
        assert_eq!(
            found("#/components/schemas/a%7E1b~0c").map(|f| f.0),
            Ok("/components/schemas/a~1b~0c".to_owned())
        );
        // Chains, also through the middle of a schema.
        assert_eq!(
            found("#/components/schemas/Deep").map(|f| f.0),
            Ok("/components/schemas/User/properties/role".to_owned())
        );
        assert_eq!(found("#/components/schemas/Loop1"), Err(RefError::Circle));
        assert_eq!(found("#/components/schemas/Grow"), Err(RefError::Circle));
        assert_eq!(found("#/components/schemas/Nope"), Err(RefError::Missing));
        assert_eq!(
            found("#/components/schemas/User/properties/nope"),
            Err(RefError::Missing)
        );
        assert_eq!(found("#/info"), Err(RefError::WrongKind("a schema")));
        assert_eq!(found("other.yaml#/User"), Err(RefError::External));
        assert_eq!(found("https://example.com/s.json"), Err(RefError::External));
    }

    #[test]
    fn components_of_other_kinds_follow_chains() {
        let api = api(DOC);
        let parameters = api.components.as_ref().map(|c| &c.parameters);
        let value = ReferenceOr::<openapiv3::Parameter>::Reference {
            reference: "#/components/parameters/IdAgain".to_owned(),
        };
        let found = component(&value, "/x", "parameters", parameters).map(|(_, at)| at);
        assert_eq!(found, Ok("/components/parameters/Id".to_owned()));
        let value = ReferenceOr::<openapiv3::Parameter>::Reference {
            reference: "#/components/schemas/User".to_owned(),
        };
        let found = component(&value, "/x", "parameters", parameters).map(|(_, at)| at);
        assert!(matches!(found, Err((RefError::WrongKind(_), _))));
    }

    #[test]
    fn schema_keys_from_references_and_bare_names() {
        let api = api(DOC);
        assert_eq!(component_schema_key(&api, "User"), Some("User"));
        assert_eq!(
            component_schema_key(&api, "#/components/schemas/a~1b~0c"),
            Some("a/b~c")
        );
        assert_eq!(
            component_schema_key(&api, "#/components/schemas/User/properties/role"),
            None
        );
        assert_eq!(
            enclosing_schema_key(&api, "#/components/schemas/User/properties/role"),
            Some("User")
        );
    }
}
