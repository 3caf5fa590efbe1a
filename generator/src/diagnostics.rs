//! Problems found in the input, each tied to a JSON pointer, collected rather than thrown so that one
//! run reports every problem at once.

use std::fmt;

/// How serious a problem is: errors stop generation, warnings only inform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation cannot go on; nothing is written.
    Error,
    /// Generation goes on; the output lacks something the document asked for.
    Warning,
}

/// The kinds of problem the generator reports. Each has a stable name and a one-line hint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    /// The document is not valid YAML or JSON, or not shaped like OpenAPI 3.0.
    Parse,
    /// The code generation settings file is malformed.
    Config,
    /// A `$ref` names something the document does not define.
    UnresolvedRef,
    /// A `$ref` points outside the document.
    ExternalRef,
    /// An internal error of the generator: a bug, not a problem of the document.
    Internal,
    /// Two names pinned in the settings are the same Rust name.
    NameCollision,
    /// A discriminator mapping entry names a schema that does not exist.
    DiscriminatorTarget,
    /// A discriminator with neither a mapping nor `oneOf` variants.
    DiscriminatorVariants,
    /// An operation has no `operationId`; its builder is named after its method and path.
    MissingOperationId,
    /// A secret named in the settings is not a string property of the document.
    SecretTarget,
    /// A `pattern` the regular expression engine cannot compile; its check is left out.
    UnsupportedPattern,
    /// A tag or operationId asked for that the document does not have.
    Selection,
    /// Two things would get the same Rust name; one was given another name by the naming rules.
    Renamed,
    /// A path template and the operation's path parameters disagree.
    PathParameter,
    /// A cookie parameter, which the builder leaves out.
    CookieParameter,
    /// A parameter described by `content` rather than `schema`, sent as text.
    ParameterContent,
    /// A request body whose media type is missing or is not encoded as the document says.
    BodyMediaType,
    /// A schema kept as a free-form JSON value (`serde_json::Value`): one that allows any value
    /// (`{}`, an object without properties, an array without `items`, `additionalProperties:
    /// true`), one with no Rust equivalent (`not`), or a JSON body or response without a schema.
    FreeForm,
    /// `allOf` parts that contain themselves.
    AllOfCycle,
    /// An `allOf` part that is not an object, beside parts that are.
    AllOfPart,
    /// `allOf` parts that give one property different types.
    AllOfConflict,
    /// Inline schemas nested deeper than the generator follows.
    Nesting,
    /// The name asked for a standalone crate is not a valid package name.
    CrateName,
    /// A file cannot be read: missing, unreadable, or a directory.
    Io,
    /// The document is Swagger 2.0 or OpenAPI 3.1, not OpenAPI 3.0.
    UnsupportedVersion,
    /// The input exceeds a loader limit (size, nesting depth or number of nodes).
    Limit,
    /// A schema `type` that is not one of OpenAPI's six.
    UnknownType,
    /// A key that OpenAPI 3.0 does not define where it stands, most likely misspelt; it is ignored.
    UnknownKey,
    /// A parameter whose `in` OpenAPI 3.0 does not allow; the parameter is left out.
    ParameterLocation,
    /// Two variants of an untagged union accept the same data, so the data cannot say which it is.
    AmbiguousUnion,
    /// An `x-xgen-discriminator` that cannot be read as kinds of a flattened union.
    FlattenedDiscriminator,
    /// A way of writing a parameter the builder does not follow (`allowReserved`, a style the
    /// table leaves undefined for the type); it writes the value the nearest defined way.
    ParameterStyle,
}

impl Code {
    /// Every code, in declaration order.
    pub const ALL: &[Code] = &[
        Code::Parse,
        Code::Config,
        Code::UnresolvedRef,
        Code::ExternalRef,
        Code::Internal,
        Code::NameCollision,
        Code::DiscriminatorTarget,
        Code::DiscriminatorVariants,
        Code::MissingOperationId,
        Code::SecretTarget,
        Code::UnsupportedPattern,
        Code::Selection,
        Code::Renamed,
        Code::PathParameter,
        Code::CookieParameter,
        Code::ParameterContent,
        Code::BodyMediaType,
        Code::FreeForm,
        Code::AllOfCycle,
        Code::AllOfPart,
        Code::AllOfConflict,
        Code::Nesting,
        Code::CrateName,
        Code::Io,
        Code::UnsupportedVersion,
        Code::Limit,
        Code::UnknownType,
        Code::UnknownKey,
        Code::ParameterLocation,
        Code::AmbiguousUnion,
        Code::FlattenedDiscriminator,
        Code::ParameterStyle,
    ];

    /// The stable, kebab-case name printed in brackets.
    pub fn name(self) -> &'static str {
        match self {
            Code::Parse => "parse",
            Code::Config => "config",
            Code::UnresolvedRef => "unresolved-ref",
            Code::ExternalRef => "external-ref",
            Code::Internal => "internal",
            Code::NameCollision => "name-collision",
            Code::DiscriminatorTarget => "discriminator-target",
            Code::DiscriminatorVariants => "discriminator-variants",
            Code::MissingOperationId => "missing-operation-id",
            Code::SecretTarget => "secret-target",
            Code::UnsupportedPattern => "unsupported-pattern",
            Code::Selection => "selection",
            Code::Renamed => "renamed",
            Code::PathParameter => "path-parameter",
            Code::CookieParameter => "cookie-parameter",
            Code::ParameterContent => "parameter-content",
            Code::BodyMediaType => "body-media-type",
            Code::FreeForm => "free-form",
            Code::AllOfCycle => "all-of-cycle",
            Code::AllOfPart => "all-of-part",
            Code::AllOfConflict => "all-of-conflict",
            Code::Nesting => "nesting",
            Code::CrateName => "crate-name",
            Code::Io => "io",
            Code::UnsupportedVersion => "unsupported-version",
            Code::Limit => "limit",
            Code::UnknownType => "unknown-type",
            Code::UnknownKey => "unknown-key",
            Code::ParameterLocation => "parameter-location",
            Code::AmbiguousUnion => "ambiguous-union",
            Code::FlattenedDiscriminator => "flattened-discriminator",
            Code::ParameterStyle => "parameter-style",
        }
    }

    /// What the author of the document can do about it.
    pub fn hint(self) -> &'static str {
        match self {
            Code::Parse => "fix the document so that it parses as an OpenAPI 3.0 document",
            Code::Config => {
                "fix the settings file; it accepts only the keys documented in the README"
            }
            Code::UnresolvedRef => {
                "define the referenced item under `components`, or correct the reference"
            }
            Code::ExternalRef => "inline the referenced item into this document's `components`",
            Code::Internal => {
                "this is a bug in the generator; please report it with the document that shows it"
            }
            Code::NameCollision => "pin different names for them under `names:` in the settings",
            Code::DiscriminatorTarget => {
                "point the mapping entry at a schema under `components/schemas`"
            }
            Code::DiscriminatorVariants => "add a `mapping` or list the variants in `oneOf`",
            Code::MissingOperationId => {
                "give the operation an `operationId`, or pin its name under `names:` in the settings"
            }
            Code::SecretTarget => {
                "name a property of type string, as /components/schemas/NAME/properties/FIELD"
            }
            Code::UnsupportedPattern => {
                "use a pattern without look-around or back-references to have it checked"
            }
            Code::Selection => {
                "name a tag or an operationId that the document has; `cargo xtask codegen --spec \
                 DOC --list` lists them"
            }
            Code::Renamed => {
                "to choose the name yourself, pin it under `names:` in the settings by this pointer"
            }
            Code::PathParameter => {
                "declare one `in: path` parameter for each `{variable}` of the path, and no other"
            }
            Code::CookieParameter => {
                "set the `Cookie` header yourself on the request that `build()` returns"
            }
            Code::ParameterContent => {
                "describe the parameter with `schema` to have its value typed and encoded"
            }
            Code::BodyMediaType => {
                "the crate writes JSON, form-urlencoded, multipart/form-data, text and bytes; for anything else, build the request with `build()` and replace its body"
            }
            Code::FreeForm => {
                "the crate holds any JSON there as it comes, unchecked; if a value of one shape \
                 is meant, describe it (`type`, `properties`, `items`, `enum`, `oneOf`, `anyOf` \
                 or `allOf`) to have it typed"
            }
            Code::AllOfCycle => "remove the `allOf` part that leads back to the schema itself",
            Code::AllOfPart => {
                "its constraints are not checked; merge it into a property if it describes one"
            }
            Code::AllOfConflict => "give the property one type in every part that declares it",
            Code::Nesting => {
                "move deeply nested inline schemas into `components/schemas` and refer to them"
            }
            Code::CrateName => {
                "use ASCII letters, digits, `-` and `_`, starting with a letter or `_`, and no \
                 Rust keyword or name Cargo reserves (`test`, `core`, `std`, ...)"
            }
            Code::Io => "check that the path names a readable file",
            Code::UnsupportedVersion => {
                "convert a Swagger 2.0 document to OpenAPI 3.0 with a converter; down-convert an OpenAPI 3.1 document to 3.0"
            }
            Code::Limit => {
                "if the document is genuine, raise the named setting of `generator::load::Limits`"
            }
            Code::UnknownType => {
                "use one of string, number, integer, boolean, array or object (`nullable: true` for null)"
            }
            Code::UnknownKey => {
                "correct the key's spelling, or prefix it with `x-` for an extension"
            }
            Code::ParameterLocation => {
                "use `in` query, header, path or cookie; form fields belong in the `requestBody`"
            }
            Code::AmbiguousUnion => {
                "the first variant is taken for data both accept; give the variants a property \
                 with a one-value `enum` each, or a `discriminator`, to tell them apart"
            }
            Code::FlattenedDiscriminator => {
                "give it a `propertyName` and a `mapping` from each kind to `{properties: [...], \
                 required: [...]}` that names only the schema's own properties"
            }
            Code::ParameterStyle => {
                "the value is written as the message says, reserved characters percent-encoded; \
                 choose a `style`, `explode` and `allowReserved` the OpenAPI 3.0 table defines \
                 for the type, or encode the value yourself"
            }
        }
    }
}

/// One problem: what, where (a JSON pointer into the named file) and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Whether this stops generation.
    pub severity: Severity,
    /// The kind of problem.
    pub code: Code,
    /// The file the pointer points into, as the user named it.
    pub file: String,
    /// An RFC 6901 JSON pointer into `file`; empty for the whole document.
    pub pointer: String,
    /// The line of `file` (from 1) the pointer names, where it is known: the loader finds it for
    /// the problems it reports.
    pub line: Option<usize>,
    /// What is wrong, in one line.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{level}[{}]: {}", self.code.name(), self.message)?;
        match self.line {
            Some(line) => writeln!(f, "  --> {}#{} (line {line})", self.file, self.pointer)?,
            None => writeln!(f, "  --> {}#{}", self.file, self.pointer)?,
        }
        write!(f, "  = hint: {}", self.code.hint())
    }
}

/// Every problem found in one run, in the order found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Appends every problem of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// True when at least one problem is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// True when nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The problems, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// The problems, to change in place.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Diagnostic> {
        self.items.iter_mut()
    }

    /// The problems sorted by file, pointer and code, so that output does not depend on the order of
    /// the passes that found them.
    pub fn sorted(mut self) -> Self {
        self.items.sort_by(|a, b| {
            (&a.file, &a.pointer, a.code, &a.message)
                .cmp(&(&b.file, &b.pointer, b.code, &b.message))
        });
        self.items.dedup();
        self
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut errors = 0;
        let mut warnings = 0;
        for diagnostic in &self.items {
            match diagnostic.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
            writeln!(f, "{diagnostic}\n")?;
        }
        write!(f, "{errors} error(s), {warnings} warning(s)")
    }
}

impl std::error::Error for Diagnostics {}

/// Collects diagnostics for one file while a pass walks it.
#[derive(Debug)]
pub(crate) struct Reporter {
    file: String,
    pub(crate) diagnostics: Diagnostics,
}

impl Reporter {
    pub(crate) fn new(file: &str) -> Self {
        Reporter {
            file: file.to_owned(),
            diagnostics: Diagnostics::default(),
        }
    }

    pub(crate) fn error(&mut self, code: Code, pointer: &str, message: impl Into<String>) {
        self.report(Severity::Error, code, pointer, message.into());
    }

    pub(crate) fn warning(&mut self, code: Code, pointer: &str, message: impl Into<String>) {
        self.report(Severity::Warning, code, pointer, message.into());
    }

    fn report(&mut self, severity: Severity, code: Code, pointer: &str, message: String) {
        self.diagnostics.push(Diagnostic {
            severity,
            code,
            file: self.file.clone(),
            pointer: pointer.to_owned(),
            line: None,
            message,
        });
    }
}

/// Builds JSON pointers (RFC 6901) one segment at a time.
pub(crate) fn pointer(base: &str, segment: &str) -> String {
    let mut out = String::with_capacity(base.len() + segment.len() + 1);
    out.push_str(base);
    out.push('/');
    for c in segment.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails to compile when a variant is added without a place in [`Code::ALL`]: the match is
    /// exhaustive and each arm names the variant's index there.
    #[test]
    fn all_lists_every_code_once_in_order() {
        for (index, code) in Code::ALL.iter().enumerate() {
            let expected = match code {
                Code::Parse => 0,
                Code::Config => 1,
                Code::UnresolvedRef => 2,
                Code::ExternalRef => 3,
                Code::Internal => 4,
                Code::NameCollision => 5,
                Code::DiscriminatorTarget => 6,
                Code::DiscriminatorVariants => 7,
                Code::MissingOperationId => 8,
                Code::SecretTarget => 9,
                Code::UnsupportedPattern => 10,
                Code::Selection => 11,
                Code::Renamed => 12,
                Code::PathParameter => 13,
                Code::CookieParameter => 14,
                Code::ParameterContent => 15,
                Code::BodyMediaType => 16,
                Code::FreeForm => 17,
                Code::AllOfCycle => 18,
                Code::AllOfPart => 19,
                Code::AllOfConflict => 20,
                Code::Nesting => 21,
                Code::CrateName => 22,
                Code::Io => 23,
                Code::UnsupportedVersion => 24,
                Code::Limit => 25,
                Code::UnknownType => 26,
                Code::UnknownKey => 27,
                Code::ParameterLocation => 28,
                Code::AmbiguousUnion => 29,
                Code::FlattenedDiscriminator => 30,
                Code::ParameterStyle => 31,
            };
            assert_eq!(index, expected, "{code:?}");
        }
        assert_eq!(Code::ALL.len(), 32);
        let names: std::collections::BTreeSet<_> = Code::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names.len(), Code::ALL.len(), "names are distinct");
    }

    #[test]
    fn pointer_segments_are_escaped() {
        assert_eq!(pointer("/paths", "/api/{id}"), "/paths/~1api~1{id}");
        assert_eq!(pointer("", "a~b"), "/a~0b");
    }

    #[test]
    fn rendering_names_code_place_and_hint() {
        let mut r = Reporter::new("spec.yaml");
        r.error(
            Code::UnresolvedRef,
            "/components/schemas/A",
            "`#/components/schemas/B` does not exist",
        );
        let text = r.diagnostics.to_string();
        assert_eq!(
            text,
            "error[unresolved-ref]: `#/components/schemas/B` does not exist\n  --> spec.yaml#/components/schemas/A\n  = hint: define the referenced item under `components`, or correct the reference\n\n1 error(s), 0 warning(s)"
        );
    }
}
