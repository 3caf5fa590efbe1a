//! The survey of the plain document before the typed parse: the OpenAPI version, schema types
//! that are not OpenAPI's, misspelt keys, and parameters in places OpenAPI 3.0 does not have.

use super::plain::Plain;
use crate::diagnostics::{Code, Reporter, pointer};
use crate::suggest::nearest;

/// Checks the top-level `openapi` (or `swagger`) key before anything else, so that a document of
/// another version is named as such rather than failing on some field. False when refused.
pub(super) fn check_version(plain: &Plain, r: &mut Reporter) -> bool {
    let Plain::Map(top) = plain else {
        let message = if *plain == Plain::Null {
            "the document is empty: it has nothing but comments"
        } else {
            "the document is not a mapping of keys to values"
        };
        r.error(Code::Parse, "", message);
        return false;
    };
    if let Some(swagger) = top.get("swagger") {
        let version = scalar_text(swagger);
        let message = format!(
            "this is a Swagger {version} document; the generator reads OpenAPI 3.0 documents only"
        );
        r.error(Code::UnsupportedVersion, "/swagger", message);
        return false;
    }
    let Some(version) = top.get("openapi") else {
        r.error(
            Code::Parse,
            "",
            "the document has no `openapi` key, so it is not an OpenAPI 3.0 document",
        );
        return false;
    };
    let version = scalar_text(version);
    if version.starts_with("3.0") {
        return true;
    }
    let message = if version.starts_with("3.1") {
        format!(
            "this is an OpenAPI {version} document; the generator reads OpenAPI 3.0 documents only"
        )
    } else {
        format!("`openapi: {version}` is not a version of OpenAPI 3.0")
    };
    r.error(Code::UnsupportedVersion, "/openapi", message);
    false
}

fn scalar_text(plain: &Plain) -> String {
    match plain {
        Plain::String(s) => s.clone(),
        Plain::Int(i) => i.to_string(),
        Plain::UInt(u) => u.to_string(),
        Plain::Float(f) => format!("{f:?}"),
        Plain::Bool(b) => b.to_string(),
        Plain::Null => "null".to_owned(),
        Plain::Seq(_) | Plain::Map(_) => "(not a scalar)".to_owned(),
    }
}

/// The schema types of OpenAPI 3.0.
const TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];

/// Names of other languages' types that people write for OpenAPI's, and what they mean there.
const TYPE_ALIASES: &[(&str, &str)] = &[
    ("int", "integer"),
    ("int32", "integer"),
    ("int64", "integer"),
    ("long", "integer"),
    ("float", "number"),
    ("double", "number"),
    ("decimal", "number"),
    ("bool", "boolean"),
    ("str", "string"),
    ("text", "string"),
    ("list", "array"),
    ("dict", "object"),
    ("map", "object"),
];

/// The fields of an operation object in OpenAPI 3.0.
const OPERATION_KEYS: &[&str] = &[
    "tags",
    "summary",
    "description",
    "externalDocs",
    "operationId",
    "parameters",
    "requestBody",
    "responses",
    "callbacks",
    "deprecated",
    "security",
    "servers",
];

/// The fields of a path item object in OpenAPI 3.0.
const PATH_ITEM_KEYS: &[&str] = &[
    "$ref",
    "summary",
    "description",
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
    "servers",
    "parameters",
];

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The places a parameter may be in OpenAPI 3.0.
const LOCATIONS: &[&str] = &["query", "header", "path", "cookie"];

/// Where a node of the document stands, for the survey.
#[derive(Clone, Copy)]
enum Place {
    Root,
    Components,
    Paths,
    PathItem,
    Operation,
    /// A list of parameters: items may be left out.
    Parameters,
    /// A map of schemas (`components/schemas`, `properties`).
    Schemas,
    /// A list of schemas (`allOf`, `oneOf`, `anyOf`).
    SchemaList,
    Schema,
    /// Anything else: only a `schema` key below it matters.
    Other,
}

/// A pointer to a list item or component the survey leaves out.
type Removal = String;

/// Walks the plain document without recursion, before it is given OpenAPI's structure: reports
/// schema types that are not OpenAPI's (errors), keys of operations and path items that OpenAPI
/// does not define (warnings), and parameters whose `in` OpenAPI 3.0 does not allow (left out,
/// with a warning). Returns the parameters to leave out.
pub(super) fn survey(plain: &Plain, r: &mut Reporter) -> Vec<Removal> {
    let mut removals = Vec::new();
    // Component parameters that are left out, so that references to them are left out too.
    let mut dropped = Vec::new();
    if let Some(Plain::Map(parameters)) = plain.get("components").and_then(|c| c.get("parameters"))
    {
        for (name, parameter) in parameters {
            if let Some(location) = bad_location(parameter) {
                let at = pointer(&pointer("/components", "parameters"), name);
                r.warning(
                    Code::ParameterLocation,
                    &at,
                    format!("`in: {location}` is not a parameter location of OpenAPI 3.0; the parameter is left out, with every reference to it"),
                );
                dropped.push(format!("#{at}"));
                removals.push(at);
            }
        }
    }
    let mut stack: Vec<(&Plain, String, Place)> = vec![(plain, String::new(), Place::Root)];
    while let Some((node, at, place)) = stack.pop() {
        match (node, place) {
            (Plain::Map(map), _) => {
                if let Place::Operation | Place::PathItem = place {
                    let known = if let Place::Operation = place {
                        OPERATION_KEYS
                    } else {
                        PATH_ITEM_KEYS
                    };
                    for key in map.keys() {
                        if !key.starts_with("x-") && !known.contains(&key.as_str()) {
                            let what = if let Place::Operation = place {
                                "an operation"
                            } else {
                                "a path item"
                            };
                            let mut message = format!(
                                "`{key}` is not a field of {what} in OpenAPI 3.0; it is ignored"
                            );
                            if let Some(near) = nearest(key, known) {
                                message.push_str(&format!("; did you mean `{near}`?"));
                            }
                            r.warning(Code::UnknownKey, &pointer(&at, key), message);
                        }
                    }
                }
                if let Place::Schema = place {
                    check_type(map.get("type"), &at, r);
                }
                for (key, child) in map {
                    let inner = match place {
                        Place::Root => match key.as_str() {
                            "paths" => Place::Paths,
                            "components" => Place::Components,
                            _ => Place::Other,
                        },
                        Place::Components => match key.as_str() {
                            "schemas" => Place::Schemas,
                            _ => Place::Other,
                        },
                        Place::Paths => Place::PathItem,
                        Place::PathItem | Place::Operation => match key.as_str() {
                            "parameters" => Place::Parameters,
                            k if matches!(place, Place::PathItem) && METHODS.contains(&k) => {
                                Place::Operation
                            }
                            _ => Place::Other,
                        },
                        Place::Schemas | Place::SchemaList => Place::Schema,
                        Place::Schema => match key.as_str() {
                            "properties" => Place::Schemas,
                            "items" | "additionalProperties" | "not" => Place::Schema,
                            "allOf" | "oneOf" | "anyOf" => Place::SchemaList,
                            _ => continue,
                        },
                        Place::Parameters | Place::Other => match key.as_str() {
                            "schema" => Place::Schema,
                            "example" | "examples" | "default" | "enum" => continue,
                            k if k.starts_with("x-") => continue,
                            _ => Place::Other,
                        },
                    };
                    if !matches!(child, Plain::Map(_) | Plain::Seq(_)) {
                        continue;
                    }
                    stack.push((child, pointer(&at, key), inner));
                }
            }
            (Plain::Seq(items), Place::Parameters) => {
                for (index, item) in items.iter().enumerate() {
                    let item_at = pointer(&at, &index.to_string());
                    if let Some(location) = bad_location(item) {
                        r.warning(
                            Code::ParameterLocation,
                            &item_at,
                            format!("`in: {location}` is not a parameter location of OpenAPI 3.0; the parameter is left out"),
                        );
                        removals.push(item_at);
                        continue;
                    }
                    let reference = item.get("$ref").and_then(Plain::as_str);
                    if let Some(reference) = reference.filter(|r| dropped.iter().any(|d| d == r)) {
                        r.warning(
                            Code::ParameterLocation,
                            &item_at,
                            format!("`{reference}` is a parameter that is left out; so is this reference to it"),
                        );
                        removals.push(item_at);
                        continue;
                    }
                    stack.push((item, item_at, Place::Other));
                }
            }
            (Plain::Seq(items), _) => {
                let inner = match place {
                    Place::SchemaList => Place::Schema,
                    Place::Schema => continue,
                    _ => Place::Other,
                };
                for (index, item) in items.iter().enumerate() {
                    if matches!(item, Plain::Map(_) | Plain::Seq(_)) {
                        stack.push((item, pointer(&at, &index.to_string()), inner));
                    }
                }
            }
            _ => {}
        }
    }
    removals
}

/// The `in` of a parameter when it is not one OpenAPI 3.0 allows.
fn bad_location(parameter: &Plain) -> Option<&str> {
    let location = parameter.get("in")?.as_str()?;
    (!LOCATIONS.contains(&location)).then_some(location)
}

/// Reports a schema's `type` unless it is one of OpenAPI's, suggesting the nearest.
fn check_type(ty: Option<&Plain>, at: &str, r: &mut Reporter) {
    let at = pointer(at, "type");
    match ty {
        None => {}
        Some(Plain::String(name)) if TYPES.contains(&name.as_str()) => {}
        Some(Plain::String(name)) => {
            let lower = name.to_ascii_lowercase();
            let near = TYPE_ALIASES
                .iter()
                .find(|(alias, _)| *alias == lower)
                .map(|(_, ty)| *ty)
                .or_else(|| nearest(&lower, TYPES));
            let message = if name == "null" {
                "`null` is not a type in OpenAPI 3.0; mark the schema `nullable: true`".to_owned()
            } else if let Some(near) = near {
                format!("`{name}` is not an OpenAPI type; did you mean `{near}`?")
            } else {
                format!("`{name}` is not an OpenAPI type")
            };
            r.error(Code::UnknownType, &at, message);
        }
        Some(Plain::Seq(_)) => r.error(
            Code::UnknownType,
            &at,
            "a list of types is OpenAPI 3.1; OpenAPI 3.0 takes one type, with `nullable: true` for null",
        ),
        Some(other) => r.error(
            Code::UnknownType,
            &at,
            format!("`{}` is not an OpenAPI type", scalar_text(other)),
        ),
    }
}

/// The segments of a JSON pointer, unescaped.
pub(super) fn segments(at: &str) -> impl Iterator<Item = String> + '_ {
    at.split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
}

/// The node a JSON pointer names.
pub(super) fn lookup<'a>(plain: &'a Plain, at: &str) -> Option<&'a Plain> {
    let mut node = plain;
    for segment in segments(at) {
        node = match node {
            Plain::Map(map) => map.get(&segment)?,
            Plain::Seq(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// Leaves out what the survey found: list items from the highest index down, so that the
/// indices of the others hold.
pub(super) fn remove(plain: &mut Plain, mut removals: Vec<Removal>) {
    let key = |at: &str| {
        let (parent, last) = at.rsplit_once('/').unwrap_or_default();
        (parent.to_owned(), last.parse::<usize>().ok())
    };
    removals.sort_by_key(|at| std::cmp::Reverse(key(at)));
    for at in removals {
        let (parent, _) = at.rsplit_once('/').unwrap_or_default();
        let last = segments(&at).last().unwrap_or_default();
        match lookup_mut(plain, parent) {
            Some(Plain::Map(map)) => {
                map.shift_remove(&last);
            }
            Some(Plain::Seq(items)) => {
                if let Some(index) = last.parse::<usize>().ok().filter(|i| *i < items.len()) {
                    items.remove(index);
                }
            }
            _ => {}
        }
    }
}

fn lookup_mut<'a>(plain: &'a mut Plain, at: &str) -> Option<&'a mut Plain> {
    let mut node = plain;
    for segment in segments(at) {
        node = match node {
            Plain::Map(map) => map.get_mut(&segment)?,
            Plain::Seq(items) => items.get_mut(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}
