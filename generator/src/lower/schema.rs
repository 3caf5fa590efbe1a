//! Lowering schemas: named types, inline types and the type references of fields.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::docs::{field_doc, schema_doc};
use super::{Lowerer, RefOr, resolve};
use crate::diagnostics::{Code, pointer};
use crate::ir::{
    Additional, Constraints, Field, Name, StringEnum, Struct, TypeDef, TypeId, TypeKind, TypeRef,
};
use crate::naming::{self, Kind};

mod unions;

/// The members of a `oneOf`, `anyOf` or `allOf`.
type Members<'a> = &'a [ReferenceOr<Schema>];

/// One property of an object, wherever it was declared (the object itself or an `allOf` part).
#[derive(Clone)]
pub(super) struct Property<'a> {
    pub(super) wire: &'a str,
    pub(super) schema: RefOr<'a>,
    pub(super) required: bool,
    pub(super) at: String,
}

/// How deeply inline schemas may nest before lowering refuses, so that no document can exhaust
/// the stack.
pub(super) const MAX_DEPTH: usize = 64;

/// Candidates for the name of a catch-all variant, taken in order until one is free.
const FALLBACK_NAMES: &[&str] = &["Unknown", "Other", "UnknownValue", "UnrecognisedValue"];

impl<'a> Lowerer<'a> {
    /// Lowers a component schema into the slot reserved for it.
    pub(super) fn lower_named(
        &mut self,
        id: TypeId,
        at: &str,
        schema: RefOr<'a>,
        skip_tag: Option<&str>,
    ) {
        // The type goes before the inline types its lowering adds, so that a parent reads first.
        self.place(id);
        let name = self.provisional_name(id).to_owned();
        let (kind, data) = match schema {
            RefOr::Ref(reference) => {
                // A circle of references has no type at its end; it is reported here.
                if self.resolve_schema(reference, at).is_none() {
                    (TypeKind::Alias(TypeRef::Json), None)
                } else {
                    (TypeKind::Alias(self.resolve_named(reference, at)), None)
                }
            }

            RefOr::Item(schema) => (
                self.lower_kind(&name, at, schema, skip_tag),
                Some(&schema.schema_data),
            ),
        };
        let def = TypeDef {
            name,
            source: at.to_owned(),
            doc: data.and_then(schema_doc),
            deprecated: data.is_some_and(|d| d.deprecated),
            kind,
        };
        self.table.types[id.0] = Some(def);
    }

    pub(super) fn lower_kind(
        &mut self,
        name: &str,
        at: &str,
        schema: &'a Schema,
        skip_tag: Option<&str>,
    ) -> TypeKind {
        let data = &schema.schema_data;
        // A schema that mixes keywords (`type` beside `oneOf`, `allOf` beside `properties`) is
        // parsed as `Any`, which keeps them all; its members are read from there.
        let (one_of, any_of): (Option<Members<'a>>, Option<Members<'a>>) = match &schema.schema_kind
        {
            SchemaKind::OneOf { one_of } => (Some(one_of), None),
            SchemaKind::AnyOf { any_of } => (None, Some(any_of)),
            SchemaKind::Any(any) if !any.one_of.is_empty() => (Some(&any.one_of), None),
            SchemaKind::Any(any) if !any.any_of.is_empty() => (None, Some(&any.any_of)),
            _ => (None, None),
        };
        if let Some(discriminator) = &data.discriminator
            && (one_of.is_some() || !discriminator.mapping.is_empty())
        {
            return self.lower_tagged(name, at, discriminator, one_of);
        }
        if let Some((members, keyword)) = one_of
            .map(|m| (m, "oneOf"))
            .or(any_of.map(|m| (m, "anyOf")))
            && let Some(inferred) = self.infer_tag(members)
            && self.variants_skip(members, inferred.property)
        {
            return self.lower_inferred(name, &pointer(at, keyword), members, inferred);
        }
        // A union flattened into one object, its kinds described by a vendor extension.
        if data.discriminator.is_none()
            && one_of.is_none()
            && any_of.is_none()
            && let Some(flat) = data.extensions.get(super::flattened::EXTENSION)
            && let Some(kind) = self.lower_flattened(name, at, schema, flat)
        {
            return kind;
        }
        if let Some(members) = one_of {
            return self.lower_untagged(name, &pointer(at, "oneOf"), members);
        }
        if let Some(members) = any_of {
            return self.lower_untagged(name, &pointer(at, "anyOf"), members);
        }
        match &schema.schema_kind {
            SchemaKind::AllOf { .. } | SchemaKind::Type(Type::Object(_)) | SchemaKind::Any(_)
                if self.is_struct(schema) =>
            {
                let properties = self.properties(schema, at, 0);
                let additional =
                    additional_of(schema).map(|a| (a, pointer(at, "additionalProperties")));
                TypeKind::Struct(self.lower_struct(name, properties, additional, skip_tag))
            }
            _ => match string_enum_values(schema) {
                Some(values) => self.lower_enum(at, &values),
                None => TypeKind::Alias(self.type_ref_item(schema, at, Some(name.to_owned()))),
            },
        }
    }

    /// Whether a schema becomes a struct: an object with properties, or an `allOf` of such.
    pub(super) fn is_struct(&self, schema: &Schema) -> bool {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => !object.properties.is_empty(),
            SchemaKind::Any(any) => !any.properties.is_empty() || !any.all_of.is_empty(),
            SchemaKind::AllOf { all_of } => !self.is_plain_ref(all_of),
            _ => false,
        }
    }

    /// An `allOf` of exactly one reference, or of one inline schema that is not an object: the
    /// usual ways to annotate a type. The schema is then that part's type.
    pub(super) fn is_plain_ref(&self, all_of: &[ReferenceOr<Schema>]) -> bool {
        match all_of {
            [ReferenceOr::Reference { .. }] => true,
            [ReferenceOr::Item(part)] => !matches!(
                part.schema_kind,
                SchemaKind::Type(Type::Object(_)) | SchemaKind::Any(_) | SchemaKind::AllOf { .. }
            ),
            _ => false,
        }
    }

    /// Collects the properties of an object schema, following `allOf` parts and references.
    pub(super) fn properties(
        &mut self,
        schema: &'a Schema,
        at: &str,
        depth: usize,
    ) -> Vec<Property<'a>> {
        let mut out = Vec::new();
        let (own, required, all_of): (_, &[String], &'a [ReferenceOr<Schema>]) = match &schema
            .schema_kind
        {
            SchemaKind::Type(Type::Object(object)) => {
                (Some(&object.properties), &object.required, &[])
            }
            SchemaKind::Any(any) => (Some(&any.properties), &any.required, &any.all_of),
            SchemaKind::AllOf { all_of } => (None, &[], all_of),
            // A union among the parts of an `allOf` is the parent of the schema being built: its
            // variants are the children, so it contributes no fields of its own here.
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => return out,
            _ => {
                self.report.warning(
                        Code::AllOfPart,
                        at,
                        "an `allOf` part that is not an object is left out of the struct, which has the other parts' fields",
                    );
                return out;
            }
        };
        for (wire, property) in own.into_iter().flatten() {
            out.push(Property {
                wire,
                schema: RefOr::from(property),
                required: required.iter().any(|r| r == wire),
                at: pointer(&pointer(at, "properties"), wire),
            });
        }
        if all_of.is_empty() {
            return out;
        }
        if depth > 32 {
            self.report.error(
                Code::AllOfCycle,
                at,
                "`allOf` nests deeper than 32 levels or refers to itself",
            );
            return out;
        }
        let base = pointer(at, "allOf");
        let mut required: Vec<&str> = required.iter().map(String::as_str).collect();
        for (index, part) in all_of.iter().enumerate() {
            let part_at = pointer(&base, &index.to_string());
            let resolved = match RefOr::from(part) {
                RefOr::Item(schema) => Some((schema, part_at)),
                RefOr::Ref(reference) => self.resolve_schema(reference, &part_at),
            };
            let Some((part, part_at)) = resolved else {
                continue;
            };
            // A parent union (`oneOf` beside its own properties) gives its own properties only:
            // descending into its variants would come back here.
            for property in self.properties(part, &part_at, depth + 1) {
                if let Some(existing) = out.iter().find(|p| p.wire == property.wire)
                    && let (Some(a), Some(b)) = (
                        self.json_type(existing.schema),
                        self.json_type(property.schema),
                    )
                    && a != b
                {
                    let message = format!(
                        "`allOf` parts give property `{}` the types `{a}` (at `{}`) and `{b}`: no value has both",
                        property.wire, existing.at
                    );
                    self.report
                        .error(Code::AllOfConflict, &property.at, message);
                }
                merge_property(&mut out, property);
            }
            required.extend(required_of(part));
        }
        // A part may require a property that another part declares.
        for property in &mut out {
            property.required |= required.contains(&property.wire);
        }
        out
    }

    pub(super) fn lower_struct(
        &mut self,
        parent: &str,
        properties: Vec<Property<'a>>,
        additional: Option<(Extra<'a>, String)>,
        skip_tag: Option<&str>,
    ) -> Struct {
        let properties: Vec<Property<'a>> = properties
            .into_iter()
            .filter(|p| Some(p.wire) != skip_tag)
            .collect();
        let mut claimants: Vec<naming::Claimant<'_>> = properties
            .iter()
            .map(|p| self.claimant(p.wire, &p.at, naming::Precedence::Given))
            .collect();
        // The field of extra keys takes its name after the properties: a property of that name
        // keeps it.
        // `additionalProperties: false` keeps nothing; without the keyword, the keys the struct
        // does not declare are kept as received, in a field whose name no property takes.
        let closed = matches!(additional, Some((Extra::Closed, _)));
        let additional = additional.filter(|_| !closed);
        if let Some((_, at)) = &additional {
            claimants.push(self.claimant(ADDITIONAL_FIELD, at, naming::Precedence::Derived));
        }
        let unknown = (additional.is_none() && !closed).then(|| UNKNOWN_FIELD.to_owned());
        let reserved: &[&str] = if unknown.is_some() {
            &[UNKNOWN_FIELD]
        } else {
            &[]
        };
        let (mut names, renames) = naming::Scope::new(Kind::Field, reserved).assign(&claimants);
        self.report_renames("property", &claimants, &renames);
        let additional_name = additional.as_ref().and_then(|_| names.pop());
        let additional = additional.zip(additional_name).map(|((extra, at), rust)| {
            let ty = match extra {
                Extra::Any => self.free_form(
                    &at,
                    "`additionalProperties: true` allows any value for the keys beyond \
                     `properties`; they are kept as free-form JSON \
                     (`BTreeMap<String, serde_json::Value>`)",
                ),
                // Filtered out above: a closed object has no field of extra keys.
                Extra::Closed => TypeRef::Json,
                Extra::Schema(schema) => self.member_type(
                    schema,
                    &at,
                    Some(naming::nested_type_name(parent, "additional property")),
                ),
            };
            Additional { rust, ty }
        });
        let mut fields = Vec::with_capacity(properties.len());
        for (property, rust) in properties.into_iter().zip(names) {
            let data = match property.schema {
                RefOr::Item(schema) => Some(&schema.schema_data),
                RefOr::Ref(_) => None,
            };
            let ty = self.type_ref(
                property.schema,
                &property.at,
                Some(naming::nested_type_name(parent, property.wire)),
            );
            fields.push(Field {
                name: Name {
                    rust,
                    wire: property.wire.to_owned(),
                },
                doc: data.and_then(field_doc),
                ty,
                required: property.required,
                nullable: match property.schema {
                    RefOr::Item(schema) => schema.schema_data.nullable,
                    // A nullable component schema makes every property that refers to it nullable.
                    RefOr::Ref(reference) => {
                        self.referenced_data(reference).is_some_and(|d| d.nullable)
                    }
                },
                deprecated: data.is_some_and(|d| d.deprecated),
                constraints: match property.schema {
                    RefOr::Item(schema) => self.constraints(schema, &property.at),
                    RefOr::Ref(_) => Constraints::default(),
                },
            });
        }
        Struct {
            fields,
            additional,
            unknown,
        }
    }

    fn lower_enum(&mut self, at: &str, values: &[Option<String>]) -> TypeKind {
        // A value listed twice is one value.
        let mut seen = std::collections::HashSet::new();
        let values: Vec<(&str, String)> = values
            .iter()
            .enumerate()
            .filter_map(|(index, wire)| {
                let wire = wire.as_deref()?;
                seen.insert(wire)
                    .then(|| (wire, pointer(&pointer(at, "enum"), &index.to_string())))
            })
            .collect();
        let claimants: Vec<naming::Claimant<'_>> = values
            .iter()
            .map(|(wire, at)| self.claimant(wire, at, naming::Precedence::Given))
            .collect();
        let (names, renames) = naming::Scope::new(Kind::Variant, &[]).assign(&claimants);
        self.report_renames("enum value", &claimants, &renames);
        let names: Vec<Name> = values
            .iter()
            .zip(names)
            .map(|((wire, _), rust)| Name {
                rust,
                wire: (*wire).to_owned(),
            })
            .collect();
        let taken: std::collections::HashSet<&str> =
            names.iter().map(|v| v.rust.as_str()).collect();
        let fallback = fallback_name(&taken);
        TypeKind::Enum(StringEnum {
            values: names,
            fallback,
        })
    }
}

/// The Rust name asked for the field that keeps a struct's undeclared keys.
const ADDITIONAL_FIELD: &str = "additional_properties";

/// The Rust name of the field that keeps, as received, the keys a struct's schema does not
/// mention. It is reserved in every struct that has it: a property of that name is renamed.
pub(crate) const UNKNOWN_FIELD: &str = "unknown_fields";

/// What `additionalProperties` beside `properties` allows.
#[derive(Clone, Copy)]
pub(super) enum Extra<'a> {
    /// `true` or `{}`: any value.
    Any,
    /// Values of this schema.
    Schema(RefOr<'a>),
    /// `false`: none.
    Closed,
}

/// The extra keys an object schema allows beside its properties, if it says anything about them.
fn additional_of(schema: &Schema) -> Option<Extra<'_>> {
    use openapiv3::AdditionalProperties;
    let additional = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => object.additional_properties.as_ref(),
        SchemaKind::Any(any) => any.additional_properties.as_ref(),
        _ => None,
    }?;
    match additional {
        AdditionalProperties::Any(true) => Some(Extra::Any),
        AdditionalProperties::Any(false) => Some(Extra::Closed),
        AdditionalProperties::Schema(schema) => Some(Extra::Schema(RefOr::from(schema.as_ref()))),
    }
}

/// The members of a schema's `oneOf` or `anyOf`, when it has no discriminator to read them by.
pub(super) fn union_members(schema: &Schema) -> Option<Members<'_>> {
    match &schema.schema_kind {
        SchemaKind::OneOf { one_of } => Some(one_of),
        SchemaKind::AnyOf { any_of } => Some(any_of),
        SchemaKind::Any(any) if !any.one_of.is_empty() => Some(&any.one_of),
        SchemaKind::Any(any) if !any.any_of.is_empty() => Some(&any.any_of),
        _ => None,
    }
}

/// Adds `property` unless an earlier `allOf` part declared it; a later `required` still counts.
fn merge_property<'a>(out: &mut Vec<Property<'a>>, property: Property<'a>) {
    match out.iter_mut().find(|p| p.wire == property.wire) {
        Some(existing) => existing.required |= property.required,
        None => out.push(property),
    }
}

impl<'a> Lowerer<'a> {
    /// The JSON type a schema declares, following references; `None` when it declares none.
    fn json_type(&self, schema: RefOr<'a>) -> Option<&'static str> {
        let schema = match schema {
            RefOr::Item(schema) => schema,
            RefOr::Ref(reference) => resolve::schema(self.api, reference).ok()?.schema,
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(_)) => Some("string"),
            SchemaKind::Type(Type::Number(_)) => Some("number"),
            SchemaKind::Type(Type::Integer(_)) => Some("integer"),
            SchemaKind::Type(Type::Boolean(_)) => Some("boolean"),
            SchemaKind::Type(Type::Array(_)) => Some("array"),
            SchemaKind::Type(Type::Object(_)) => Some("object"),
            _ => None,
        }
    }
}

/// The property names a schema lists as required, whatever its kind.
fn required_of(schema: &Schema) -> impl Iterator<Item = &str> {
    let list: &[String] = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => &object.required,
        SchemaKind::Any(any) => &any.required,
        _ => &[],
    };
    list.iter().map(String::as_str)
}

pub(super) fn has_values(values: &[Option<String>]) -> bool {
    values.iter().any(Option::is_some)
}

/// The values of a string enum, or `None` when the schema is not one. Values that YAML read as
/// something else (`false`, `1.0` written without quotes) are the strings they were written as:
/// with such values the document model keeps the schema as `Any`, with the values as JSON.
pub(super) fn string_enum_values(schema: &Schema) -> Option<Vec<Option<String>>> {
    let values = match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => string.enumeration.clone(),
        SchemaKind::Any(any)
            if any.typ.as_deref() == Some("string")
                && any.properties.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.all_of.is_empty() =>
        {
            any.enumeration
                .iter()
                .map(|value| match value {
                    serde_json::Value::String(text) => Some(text.clone()),
                    serde_json::Value::Bool(_) | serde_json::Value::Number(_) => {
                        Some(value.to_string())
                    }
                    // `null` is what `nullable` allows, not a value of the enum.
                    _ => None,
                })
                .collect()
        }
        _ => return None,
    };
    has_values(&values).then_some(values)
}

fn fallback_name(taken: &std::collections::HashSet<&str>) -> String {
    let free = FALLBACK_NAMES.iter().find(|n| !taken.contains(**n));
    free.map_or_else(|| format!("Unknown{}", taken.len()), |n| (*n).to_owned())
}
