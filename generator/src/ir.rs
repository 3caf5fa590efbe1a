//! The typed intermediate representation between the OpenAPI document and Rust code.
//!
//! Nothing here refers to `openapiv3`: lowering fills it, emitting reads it. Every named thing keeps
//! its Rust name and, where it has one, its name on the wire. Types refer to each other by
//! [`TypeId`], a handle into [`Api::types`]; the analyses emitting needs (which types hold
//! secrets or constraints, which enums repeat another) are computed once, in [`Analysis`].

/// Everything the emitter needs from one document.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    /// The document's title.
    pub title: String,
    /// The document's description.
    pub description: Option<String>,
    /// Where the operations are served: the document's first server.
    pub base_url: BaseUrl,
    /// Named types, in the order the document declares them, inline types after their parent.
    /// A [`TypeId`] is an index into this list.
    pub types: Vec<TypeDef>,
    /// Operations, in document order.
    pub operations: Vec<Operation>,
    /// What the types hold, computed once after lowering.
    pub analysis: Analysis,
    /// Every string property taken for a credential (typed [`TypeRef::Secret`]): its JSON
    /// pointer and why, in pointer order.
    pub credentials: Vec<(String, String)>,
    /// Former names of operations whose operationId changed on the same method and path, kept
    /// as deprecated aliases (the settings' `renamed_operations`), in operation order.
    pub aliases: Vec<OperationAlias>,
}

/// A former name of an operation: its builder, error enum and output enum are also reachable
/// under the names the former operationId gave them, as deprecated aliases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationAlias {
    /// The former builder name and operationId.
    pub former: Name,
    /// The former error enum's name, `<Former>Error`.
    pub error: String,
    /// The former output enum's name, `<Former>Response`, used where the operation's output is
    /// an enum.
    pub output: String,
    /// The operation it names now, by index into [`Api::operations`].
    pub operation: usize,
}

/// The base URL a document names with its first `servers` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseUrl {
    /// An absolute URL (`https://cloud.mongodb.com`), server variables replaced by their
    /// defaults.
    Absolute(String),
    /// A URL relative to where the document is served (`/api/v3`): the caller names the host.
    Relative(String),
    /// The document names no server: the caller names the whole base URL.
    None,
}

impl Api {
    /// The type a handle stands for.
    pub fn def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The Rust name of the type a handle stands for.
    pub fn name(&self, id: TypeId) -> &str {
        &self.types[id.0].name
    }
}

/// A handle to a named type: its index in [`Api::types`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// Facts about the types that emitting needs, each computed once over the whole type table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Analysis {
    /// For each type, whether a value of it can hold a secret, or a value read back from a
    /// response that must not be sent again unasked: a tagged union's catch-all, or the
    /// undeclared keys a struct keeps.
    pub holds_secret: Vec<bool>,
    /// For each type, whether a value of it has a field with a constraint to check.
    pub holds_constraint: Vec<bool>,
    /// String enums with exactly the values of an earlier one, each with that earlier enum.
    pub enum_alias_of: std::collections::HashMap<TypeId, TypeId>,
}

impl Analysis {
    /// Whether a value of `ty` can hold a secret.
    pub fn secret_in(&self, ty: &TypeRef) -> bool {
        ty.reaches(&|id| self.holds_secret[id.0], &|t| {
            matches!(t, TypeRef::Secret)
        })
    }

    /// Whether a value of `ty` holds a constrained field.
    pub fn constraint_in(&self, ty: &TypeRef) -> bool {
        ty.reaches(&|id| self.holds_constraint[id.0], &|_| false)
    }
}

/// A Rust name together with the name it has on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Name {
    /// The sanitised Rust identifier, without `r#`.
    pub rust: String,
    /// The name in JSON, a query string or a path.
    pub wire: String,
}

/// One named type.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    /// The Rust type name.
    pub name: String,
    /// Where in the document the type comes from, as a JSON pointer.
    pub source: String,
    /// Documentation, already assembled from title, description and default.
    pub doc: Option<String>,
    /// Whether the document marks the type deprecated.
    pub deprecated: bool,
    /// What kind of type it is.
    pub kind: TypeKind,
}

/// The shapes a named type can take.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct(Struct),
    /// An enum of structs chosen by a property's value; unknown values decode into a catch-all.
    Tagged(TaggedUnion),
    /// An enum whose variant is found by trying each in turn.
    Untagged(UntaggedUnion),
    /// A string enum; unknown values are kept.
    Enum(StringEnum),
    /// Another name for a type.
    Alias(TypeRef),
}

/// The fields of a struct.
#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    /// Fields in document order.
    pub fields: Vec<Field>,
    /// Where `additionalProperties` sits beside `properties`: the field that keeps the keys the
    /// struct does not declare.
    pub additional: Option<Additional>,
    /// The Rust name of the field that keeps, as received, the keys the struct does not declare,
    /// where the schema neither types them (`additional`) nor forbids them
    /// (`additionalProperties: false`).
    pub unknown: Option<String>,
}

impl Struct {
    /// Whether a value keeps keys its schema does not declare, which may be read back.
    pub fn keeps_unknown(&self) -> bool {
        self.unknown.is_some()
    }
}

/// The field of a struct that keeps the keys it does not declare, as a map.
#[derive(Clone, Debug, PartialEq)]
pub struct Additional {
    /// The Rust field name, free among the struct's fields.
    pub rust: String,
    /// The type of each extra key's value.
    pub ty: TypeRef,
}

/// One field of a struct.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Rust and JSON names.
    pub name: Name,
    /// Documentation.
    pub doc: Option<String>,
    /// The field's type, without the `Option` that `required`/`nullable` add.
    pub ty: TypeRef,
    /// The property is listed in `required`.
    pub required: bool,
    /// The property may be `null`.
    pub nullable: bool,
    /// The document marks the property deprecated.
    pub deprecated: bool,
    /// Checks on the value, from the schema.
    pub constraints: Constraints,
}

impl Field {
    /// Whether the Rust field is an `Option`: absent or null values are possible.
    pub fn optional(&self) -> bool {
        !self.required || self.nullable
    }

    /// Whether the field has a constraint the runtime can check on its type.
    pub fn checked(&self) -> bool {
        let checkable = matches!(self.ty, TypeRef::String | TypeRef::Secret | TypeRef::Binary)
            || self.ty.is_number();
        checkable && !self.constraints.is_empty()
    }
}

impl Constraints {
    /// Whether no limit is set.
    pub fn is_empty(&self) -> bool {
        self.pattern.is_none()
            && self.min_length.is_none()
            && self.max_length.is_none()
            && self.minimum.is_none()
            && self.maximum.is_none()
    }
}

/// Limits a schema puts on a value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    /// A regular expression the whole string must match somewhere (ECMA semantics: unanchored).
    pub pattern: Option<String>,
    /// Fewest characters.
    pub min_length: Option<usize>,
    /// Most characters.
    pub max_length: Option<usize>,
    /// Smallest number allowed.
    pub minimum: Option<f64>,
    /// Largest number allowed.
    pub maximum: Option<f64>,
}

/// References to types, as they appear in fields and parameters.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeRef {
    /// A UTF-8 string.
    String,
    /// A credential held in the runtime's secret type.
    Secret,
    /// `true` or `false`.
    Bool,
    /// An 8-bit signed integer (`format: int8`).
    I8,
    /// A 16-bit signed integer (`format: int16`).
    I16,
    /// A 32-bit signed integer.
    I32,
    /// A 64-bit signed integer: `format: int64`, and integers of no or an unknown format.
    I64,
    /// An 8-bit unsigned integer (`format: uint8`).
    U8,
    /// A 16-bit unsigned integer (`format: uint16`).
    U16,
    /// A 32-bit unsigned integer (`format: uint32`).
    U32,
    /// A 64-bit unsigned integer (`format: uint64`).
    U64,
    /// A 32-bit float.
    F32,
    /// A 64-bit float.
    F64,
    /// Bytes (`format: binary`).
    Binary,
    /// Any JSON value.
    Json,
    /// A named type of this document.
    Named(TypeId),
    /// A named type held behind a `Box` to break a cycle.
    Boxed(TypeId),
    /// A JSON array.
    List(Box<TypeRef>),
    /// A JSON object with arbitrary keys.
    Map(Box<TypeRef>),
    /// A value that may be `null` where no field's `Option` says so (an array item, a map value,
    /// a union member): `Option` of the type.
    Nullable(Box<TypeRef>),
}

impl TypeRef {
    /// The type without the `Option` a nullable member adds.
    pub fn strip_nullable(&self) -> &TypeRef {
        match self {
            TypeRef::Nullable(inner) => inner.strip_nullable(),
            other => other,
        }
    }

    /// Whether the reference is an integer or floating-point number.
    pub fn is_number(&self) -> bool {
        self.is_integer() || matches!(self, TypeRef::F32 | TypeRef::F64)
    }

    /// Whether the reference is an integer of any width.
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            TypeRef::I8
                | TypeRef::I16
                | TypeRef::I32
                | TypeRef::I64
                | TypeRef::U8
                | TypeRef::U16
                | TypeRef::U32
                | TypeRef::U64
        )
    }

    /// Whether the reference satisfies `leaf`, or names (directly or through lists and maps) a
    /// type for which `named` holds.
    pub fn reaches(&self, named: &dyn Fn(TypeId) -> bool, leaf: &dyn Fn(&TypeRef) -> bool) -> bool {
        leaf(self)
            || match self {
                TypeRef::Named(id) | TypeRef::Boxed(id) => named(*id),
                TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                    inner.reaches(named, leaf)
                }
                _ => false,
            }
    }

    /// The named type this reference holds directly or through lists, maps and boxes.
    pub fn named(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) | TypeRef::Boxed(id) => Some(*id),
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => inner.named(),
            _ => None,
        }
    }
}

impl TypeKind {
    /// The references a type holds: fields, variants, the aliased type.
    pub fn refs(&self) -> Box<dyn Iterator<Item = TypeRef> + '_> {
        match self {
            TypeKind::Struct(s) => Box::new(
                s.fields.iter().map(|f| f.ty.clone()).chain(
                    s.additional
                        .iter()
                        .map(|a| TypeRef::Map(Box::new(a.ty.clone()))),
                ),
            ),
            TypeKind::Tagged(t) => Box::new(t.variants.iter().map(|v| TypeRef::Named(v.ty))),
            TypeKind::Untagged(u) => Box::new(u.variants.iter().map(|v| v.ty.clone())),
            TypeKind::Alias(ty) => Box::new(std::iter::once(ty.clone())),
            TypeKind::Enum(_) => Box::new(std::iter::empty()),
        }
    }
}

/// An enum of structs selected by the value of one property.
#[derive(Clone, Debug, PartialEq)]
pub struct TaggedUnion {
    /// The property whose value selects the variant.
    pub tag: String,
    /// Known variants.
    pub variants: Vec<TaggedVariant>,
    /// The Rust name of the catch-all variant for values the document does not map.
    pub fallback: String,
}

/// One variant of a tagged union.
#[derive(Clone, Debug, PartialEq)]
pub struct TaggedVariant {
    /// The variant's Rust name, and the tag value on the wire.
    pub name: Name,
    /// The struct the variant wraps.
    pub ty: TypeId,
    /// Documentation.
    pub doc: Option<String>,
}

/// An enum whose variants are tried in order.
#[derive(Clone, Debug, PartialEq)]
pub struct UntaggedUnion {
    /// Variants in the order they are tried.
    pub variants: Vec<UntaggedVariant>,
}

/// One variant of an untagged union.
#[derive(Clone, Debug, PartialEq)]
pub struct UntaggedVariant {
    /// The variant's Rust name.
    pub name: String,
    /// The type it wraps.
    pub ty: TypeRef,
}

/// A string enum.
#[derive(Clone, Debug, PartialEq)]
pub struct StringEnum {
    /// Known values, in document order.
    pub values: Vec<Name>,
    /// The Rust name of the variant that keeps values the document does not list.
    pub fallback: String,
}

/// The HTTP methods an operation can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// PATCH
    Patch,
    /// HEAD
    Head,
    /// OPTIONS
    Options,
    /// TRACE
    Trace,
}

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A `{name}` segment of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
}

/// How a parameter's value is written (OpenAPI's `style`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Query: `name=a,b`, exploded `name=a&name=b` (the query default).
    Form,
    /// Query: `name=a%20b`.
    SpaceDelimited,
    /// Query: `name=a|b`.
    PipeDelimited,
    /// Query: `name[key]=value`.
    DeepObject,
    /// Path and header: `a,b` (their default).
    Simple,
    /// Path: `.a.b`.
    Label,
    /// Path: `;name=a`.
    Matrix,
}

/// One operation of the document.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// The builder's Rust name (`UpperCamelCase`) and the operationId as written (for an
    /// operation without one, the words its name was made of).
    pub name: Name,
    /// The Rust name of the operation's error enum, `<Op>Error` unless a builder has that name.
    pub error: String,
    /// Documentation from summary and description.
    pub doc: Option<String>,
    /// Whether the document marks the operation deprecated.
    pub deprecated: bool,
    /// The HTTP method.
    pub method: Method,
    /// The path template as the document writes it, as `/groups/{groupId}`.
    pub path: String,
    /// The path template parsed: literal text and path parameters, each variable bound to the
    /// parameter (by index into `parameters`) that fills it.
    pub template: Vec<PathSegment>,
    /// Parameters in document order.
    pub parameters: Vec<Parameter>,
    /// The request body, if the operation takes one.
    pub body: Option<RequestBody>,
    /// Documented responses, in document order (`default` last).
    pub responses: Vec<Response>,
    /// The Rust name of the enum of success outputs, `<Op>Response` unless something else
    /// has that name; used only when the success responses differ in content.
    pub output: String,
    /// The media types the operation answers with, for the `Accept` header.
    pub accept: Vec<String>,
    /// The Atlas versions the operation is documented in (`2023-01-01`, `preview`,
    /// `2025-01-01.upcoming`), sorted; empty for an operation without versioned media types.
    pub versions: Vec<String>,
    /// The date the document says this operation stops answering (`x-sunset`).
    pub sunset: Option<String>,
}

impl Operation {
    /// The responses read as the operation's output: the successes (2xx or `2XX`), or `default`
    /// when the operation documents no success.
    pub fn outputs(&self) -> impl Iterator<Item = &Response> {
        let any_success = self.responses.iter().any(Response::is_success);
        self.responses
            .iter()
            .filter(move |r| r.is_success() || (r.status == Status::Default && !any_success))
    }

    /// Whether the output is the enum named [`Operation::output`], one variant per status: the
    /// output responses differ in content.
    pub fn output_is_enum(&self) -> bool {
        let outputs: Vec<&Response> = self.outputs().collect();
        !outputs.windows(2).all(|w| w[0].content == w[1].content)
    }

    /// The version an operation in dated versions asks for by default: the one of the media type
    /// it accepts (the newest stable one), else of its body, else its newest.
    pub fn default_version(&self) -> String {
        self.accept
            .iter()
            .chain(self.body.as_ref().map(|b| &b.media_type))
            .find_map(|m| crate::lower::atlas_version(m))
            .or_else(|| self.versions.last().map(String::as_str))
            .unwrap_or_default()
            .to_owned()
    }

    /// The path parameters in the order their variables appear in the path.
    pub fn path_parameters(&self) -> impl Iterator<Item = &Parameter> {
        self.template.iter().filter_map(|segment| match segment {
            PathSegment::Parameter(index) => self.parameters.get(*index),
            PathSegment::Literal(_) => None,
        })
    }
}

/// One piece of a path template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    /// Text written as it is.
    Literal(String),
    /// A variable, filled by the path parameter at this index of the operation's parameters.
    Parameter(usize),
}

/// The kinds of media type a body can have, as far as encoding it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaKind {
    /// `application/json`, `text/json` and `+json` types, and the wildcards `*/*` and
    /// `application/*` (which are sent as `application/json`).
    Json,
    /// `application/x-www-form-urlencoded`.
    FormUrlEncoded,
    /// `multipart/form-data` and other `multipart/` types.
    Multipart,
    /// `text/` types.
    Text,
    /// Anything else, sent and received as bytes (`application/octet-stream`, images, XML).
    Binary,
}

/// A media type without its parameters (after `;`), in lower case: `text/plain` of
/// `Text/Plain; charset=utf-8`.
pub fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

impl MediaKind {
    /// The kind of a media type, from its essence (parameters after `;` are ignored).
    pub fn of(media_type: &str) -> MediaKind {
        let essence = essence(media_type);
        if essence == "application/json"
            || essence == "text/json"
            || essence.ends_with("+json")
            || essence == "*/*"
            || essence == "application/*"
        {
            MediaKind::Json
        } else if essence == "application/x-www-form-urlencoded" {
            MediaKind::FormUrlEncoded
        } else if essence.starts_with("multipart/") {
            MediaKind::Multipart
        } else if essence.starts_with("text/") {
            MediaKind::Text
        } else {
            MediaKind::Binary
        }
    }
}

/// How a request body's value becomes its bytes.
#[derive(Clone, Debug, PartialEq)]
pub enum BodyEncoding {
    /// JSON text: JSON media types, and the fallback (reported when lowering) for a value no other
    /// encoding can carry.
    Json,
    /// `application/x-www-form-urlencoded` pairs of the properties, with the `encoding` entries
    /// that differ from the default (style `form`, exploded).
    Form(Vec<FormEncoding>),
    /// `multipart/form-data`: one part for each field of the body's struct, in field order.
    Multipart(Vec<PartEncoding>),
    /// The value's text (a `text/` media type).
    Text,
    /// The bytes of a [`TypeRef::Binary`] value as they are.
    Bytes,
}

/// How one property of a form body is written (an entry of the media type's `encoding`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormEncoding {
    /// The property's wire name.
    pub name: String,
    /// Its style.
    pub style: Style,
    /// Whether it is exploded.
    pub explode: bool,
}

/// One part of a multipart body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartEncoding {
    /// The wire name of the body struct's field the part holds.
    pub name: String,
    /// The part's media type from the document's `encoding`, for a file part.
    pub content_type: Option<String>,
}

/// The body an operation sends.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestBody {
    /// The media type, sent as `Content-Type` (for a multipart body, with the boundary added).
    pub media_type: String,
    /// How the media type encodes.
    pub kind: MediaKind,
    /// How the value is encoded.
    pub encoding: BodyEncoding,
    /// The body's type.
    pub ty: TypeRef,
    /// Documentation.
    pub doc: Option<String>,
    /// The JSON pointer of the media type's entry in the document.
    pub pointer: String,
}

/// One documented response.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// The HTTP status, status range or `default`.
    pub status: Status,
    /// The Rust name, from the status's reason phrase (`NotFound`), the range's class
    /// (`ClientError`) or `Default`.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// What the body holds.
    pub content: Content,
}

impl Response {
    /// Whether the status is a success (2xx or `2XX`).
    pub fn is_success(&self) -> bool {
        match self.status {
            Status::Code(code) => (200..300).contains(&code),
            Status::Range(class) => class == 2,
            Status::Default => false,
        }
    }
}

/// What a documented response answers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// One status code.
    Code(u16),
    /// Every status of a class not otherwise listed: `4` for `4XX`.
    Range(u16),
    /// Every status not otherwise listed (`default`).
    Default,
}

impl Status {
    /// The status as the document writes it: `404`, `4XX`, `default`.
    pub fn label(self) -> String {
        match self {
            Status::Code(code) => code.to_string(),
            Status::Range(class) => format!("{class}XX"),
            Status::Default => "default".to_owned(),
        }
    }
}

/// The body of a response.
#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    /// No body.
    Empty,
    /// A JSON body of the given type.
    Json(TypeRef),
    /// A body that is not JSON, kept as bytes.
    Bytes,
}

/// One parameter of an operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// Rust (`snake_case`) and wire names.
    pub name: Name,
    /// Where it travels.
    pub location: Location,
    /// Documentation.
    pub doc: Option<String>,
    /// The value's type.
    pub ty: TypeRef,
    /// Whether it must be given.
    pub required: bool,
    /// Checks on the value.
    pub constraints: Constraints,
    /// How the value is written.
    pub style: Style,
    /// Whether arrays and objects are written as separate values (`explode`; by default true
    /// for the form style only).
    pub explode: bool,
    /// The value is taken from the request body's discriminator rather than given by the caller,
    /// so that the path cannot contradict the body.
    pub from_body_tag: bool,
}
