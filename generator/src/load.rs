//! Reading documents: OpenAPI documents (YAML or JSON) and the code generation settings.
//!
//! Every YAML call of the generator lives in this module, so that moving from `serde_yaml` to a
//! maintained fork is a change to the one `use` line below.

use std::cell::Cell;
use std::fmt;

use indexmap::IndexMap;
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_yaml as yaml;

use crate::diagnostics::{Code, Diagnostics, Reporter, pointer};

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
        if r.diagnostics.has_errors() {
            return Err(r.diagnostics.sorted());
        }
        let warnings = r.diagnostics;
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
                        r.error(Code::Parse, &at, message);
                    }
                    Failure::Internal(message) => r.error(Code::Internal, "", message),
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

/// A document read as plain data, before it is given the structure of OpenAPI: mappings keep
/// their order, so that a document rebuilt from it reads as the original did.
#[derive(Debug, Clone, PartialEq)]
enum Plain {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    String(String),
    Seq(Vec<Plain>),
    Map(IndexMap<String, Plain>),
}

impl Plain {
    fn get(&self, key: &str) -> Option<&Plain> {
        match self {
            Plain::Map(map) => map.get(key),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Plain::String(s) => Some(s),
            _ => None,
        }
    }
}

impl serde::Serialize for Plain {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Plain::Null => s.serialize_unit(),
            Plain::Bool(b) => s.serialize_bool(*b),
            Plain::Int(i) => s.serialize_i64(*i),
            Plain::UInt(u) => s.serialize_u64(*u),
            Plain::Float(f) => s.serialize_f64(*f),
            Plain::String(text) => s.serialize_str(text),
            Plain::Seq(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Plain::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

/// What building the plain value has used of the limits, shared by every level of it.
struct Budget<'l> {
    limits: &'l Limits,
    nodes: Cell<usize>,
    /// Which limit stopped the parse, if one did, so that the parser's error is reported as
    /// `limit` with this message.
    exceeded: Cell<Option<String>>,
}

/// Builds one node of the plain value, `depth` levels down.
struct Node<'b, 'l> {
    budget: &'b Budget<'l>,
    depth: usize,
}

impl Node<'_, '_> {
    fn count<E: de::Error>(&self) -> Result<(), E> {
        let nodes = self.budget.nodes.get() + 1;
        self.budget.nodes.set(nodes);
        if nodes > self.budget.limits.max_nodes {
            let message = format!(
                "the document has more than {} nodes, counting YAML aliases expanded (`Limits::max_nodes`)",
                self.budget.limits.max_nodes
            );
            return Err(self.exceed(message));
        }
        Ok(())
    }

    fn enter<E: de::Error>(&self) -> Result<(), E> {
        self.count()?;
        if self.depth >= self.budget.limits.max_depth {
            let message = format!(
                "the document nests deeper than {} levels (`Limits::max_depth`)",
                self.budget.limits.max_depth
            );
            return Err(self.exceed(message));
        }
        Ok(())
    }

    fn exceed<E: de::Error>(&self, message: String) -> E {
        let error = E::custom(&message);
        self.budget.exceeded.set(Some(message));
        error
    }

    fn child(&self) -> Node<'_, '_> {
        Node {
            budget: self.budget,
            depth: self.depth + 1,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = Plain;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Plain, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = Plain;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML or JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Plain, E> {
        self.count()?;
        Ok(Plain::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Plain, E> {
        self.count()?;
        Ok(Plain::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Plain, E> {
        self.count()?;
        Ok(Plain::UInt(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Plain, E> {
        self.count()?;
        Ok(Plain::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Plain, E> {
        self.count()?;
        Ok(Plain::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Plain, E> {
        self.count()?;
        Ok(Plain::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Plain, E> {
        self.count()?;
        Ok(Plain::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Plain, E> {
        self.visit_unit()
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Plain, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Plain, A::Error> {
        self.enter()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.child())? {
            items.push(item);
        }
        Ok(Plain::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Plain, A::Error> {
        self.enter()?;
        let mut entries = IndexMap::new();
        while let Some(key) = map.next_key_seed(self.child())? {
            let key = match key {
                Plain::String(s) => s,
                Plain::Int(i) => i.to_string(),
                Plain::UInt(u) => u.to_string(),
                Plain::Float(f) => f.to_string(),
                Plain::Bool(b) => b.to_string(),
                Plain::Null => "null".to_owned(),
                Plain::Seq(_) | Plain::Map(_) => {
                    return Err(de::Error::custom("a key is a mapping or a sequence"));
                }
            };
            let value = map.next_value_seed(self.child())?;
            if entries.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            entries.insert(key, value);
        }
        Ok(Plain::Map(entries))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, _data: A) -> Result<Plain, A::Error> {
        Err(de::Error::custom("YAML tags are not supported"))
    }
}

/// Reads the text as plain data within the limits: a failure is `(code, message)`.
fn parse_plain(text: &str, is_json: bool, limits: &Limits) -> Result<Plain, (Code, String)> {
    let budget = Budget {
        limits,
        nodes: Cell::new(0),
        exceeded: Cell::new(None),
    };
    let root = Node {
        budget: &budget,
        depth: 0,
    };
    let result = if is_json {
        let mut de = serde_json::Deserializer::from_str(text);
        root.deserialize(&mut de)
            .and_then(|plain| de.end().map(|()| plain))
            .map_err(|e| e.to_string())
    } else {
        root.deserialize(yaml::Deserializer::from_str(text))
            .map_err(|e| e.to_string())
    };
    result.map_err(|message| {
        if let Some(limit) = budget.exceeded.take() {
            // The parser's message has the limit's, with where it stopped.
            match message.rfind(" at line ") {
                Some(cut) => (Code::Limit, format!("{limit}{}", &message[cut..])),
                None => (Code::Limit, limit),
            }
        } else if message.starts_with("recursion limit exceeded") {
            let message = format!(
                "the document nests deeper than the parser's own limit of 128 levels (`Limits::max_depth` cannot raise it): {message}"
            );
            (Code::Limit, message)
        } else if message.starts_with("repetition limit exceeded") {
            let message = format!(
                "YAML aliases expand to more than the parser allows ({message}); see also `Limits::max_nodes`"
            );
            (Code::Limit, message)
        } else {
            (Code::Parse, message)
        }
    })
}

/// Checks the top-level `openapi` (or `swagger`) key before anything else, so that a document of
/// another version is named as such rather than failing on some field. False when refused.
fn check_version(plain: &Plain, r: &mut Reporter) -> bool {
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
fn survey(plain: &Plain, r: &mut Reporter) -> Vec<Removal> {
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

/// The candidate nearest to `word` by edit distance, if near enough to be a likely misspelling.
fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word: Vec<char> = word.chars().collect();
    if word.len() > 64 {
        return None;
    }
    candidates
        .iter()
        .map(|c| (distance(&word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance, with one row of memory.
fn distance(a: &[char], b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The segments of a JSON pointer, unescaped.
fn segments(at: &str) -> impl Iterator<Item = String> + '_ {
    at.split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
}

/// The node a JSON pointer names.
fn lookup<'a>(plain: &'a Plain, at: &str) -> Option<&'a Plain> {
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
fn remove(plain: &mut Plain, mut removals: Vec<Removal>) {
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
