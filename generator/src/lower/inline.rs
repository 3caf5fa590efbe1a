//! Lowering the type of a field, parameter or member: scalars, lists and maps directly, and inline
//! schemas that need a type of their own, each lowered once and shared by identical ones.

use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty,
};

use super::docs::schema_doc;
use super::schema::{MAX_DEPTH, has_values};
use super::{Lowerer, RefOr, resolve};
use crate::diagnostics::{Code, pointer};
use crate::ir::{TypeDef, TypeRef};
use crate::naming;

impl<'a> Lowerer<'a> {
    /// The type of a field, parameter or member; inline types that need a name get `name()`.
    pub(super) fn type_ref(
        &mut self,
        schema: RefOr<'a>,
        at: &str,
        name: Option<String>,
    ) -> TypeRef {
        match schema {
            RefOr::Ref(reference) => self.resolve_named(reference, at),
            RefOr::Item(schema) => self.type_ref_item(schema, at, name),
        }
    }

    /// The type of an array item, a map value or a union member: `Option` of its type when the
    /// schema (or the component it refers to) is `nullable`, so that `null` decodes there too.
    pub(super) fn member_type(
        &mut self,
        schema: RefOr<'a>,
        at: &str,
        name: Option<String>,
    ) -> TypeRef {
        let nullable = match schema {
            RefOr::Item(schema) => schema.schema_data.nullable,
            RefOr::Ref(reference) => self.referenced_data(reference).is_some_and(|d| d.nullable),
        };
        let ty = self.type_ref(schema, at, name);
        // A free-form value holds `null` already.
        if nullable && !matches!(ty, TypeRef::Json | TypeRef::Nullable(_)) {
            TypeRef::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    pub(super) fn type_ref_item(
        &mut self,
        schema: &'a Schema,
        at: &str,
        name: Option<String>,
    ) -> TypeRef {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                if has_values(&string.enumeration) {
                    return self.inline_type(schema, at, name);
                }
                self.string_or_secret(schema, string, at)
            }
            SchemaKind::Type(Type::Integer(integer)) => integer_type(&integer.format),
            SchemaKind::Type(Type::Number(number)) => match &number.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(array)) => self.list_of(array.items.as_ref(), at, name),
            SchemaKind::Type(Type::Object(object)) if object.properties.is_empty() => {
                match &object.additional_properties {
                    Some(AdditionalProperties::Schema(value)) => {
                        let value_name = name.map(|n| naming::nested_type_name(&n, "value"));
                        let value = self.member_type(
                            RefOr::from(value.as_ref()),
                            &pointer(at, "additionalProperties"),
                            value_name,
                        );
                        TypeRef::Map(Box::new(value))
                    }
                    _ => {
                        self.free_form(
                            at,
                            "an object without `properties` or an `additionalProperties` schema \
                             has values of any kind; they are kept as free-form JSON \
                             (`BTreeMap<String, serde_json::Value>`)",
                        );
                        TypeRef::Map(Box::new(TypeRef::Json))
                    }
                }
            }
            SchemaKind::AllOf { all_of } if self.is_plain_ref(all_of) => match all_of.first() {
                Some(ReferenceOr::Reference { reference }) => {
                    self.resolve_named(reference, &pointer(&pointer(at, "allOf"), "0"))
                }
                Some(ReferenceOr::Item(part)) => {
                    self.type_ref_item(part, &pointer(&pointer(at, "allOf"), "0"), name)
                }
                // Not reached: a plain `allOf` has one part.
                None => self.free_form(at, "an empty `allOf` allows any value; it is kept as free-form JSON (`serde_json::Value`)"),
            },
            // A string enum whose values YAML read as booleans or numbers.
            SchemaKind::Any(_) if super::schema::string_enum_values(schema).is_some() => {
                self.inline_type(schema, at, name)
            }
            // A `type` beside a keyword of another type's (`uniqueItems` on a boolean, `minimum` on
            // a string) is read as `Any` by the document model: the declared `type` still decides.
            SchemaKind::Any(any)
                if any.properties.is_empty()
                    && any.all_of.is_empty()
                    && any.one_of.is_empty()
                    && any.any_of.is_empty()
                    && any.typ.as_deref().is_some_and(|t| t != "object") =>
            {
                self.declared_type(schema, any, at, name)
            }
            // Without properties, only a discriminator with a mapping makes a type of it; anything
            // else is a free-form value (and must not come back here through `inline_type`). An
            // explicit empty schema (`{}`) means "any value" on purpose, and is reported all the
            // same: every place the crate leaves untyped is in the run's report.
            SchemaKind::Any(any)
                if any.properties.is_empty()
                    && any.all_of.is_empty()
                    && any.one_of.is_empty()
                    && any.any_of.is_empty()
                    && schema
                        .schema_data
                        .discriminator
                        .as_ref()
                        .is_none_or(|d| d.mapping.is_empty()) =>
            {
                if any.typ.is_some() {
                    self.free_form(
                        at,
                        "`type: object` without `properties`, beside keywords of other types, \
                         allows any value; it is kept as free-form JSON (`serde_json::Value`)",
                    )
                } else {
                    self.free_form(
                        at,
                        "the schema has no `type`, `properties`, `allOf`, `oneOf` or `anyOf`, so \
                         it allows any value; it is kept as free-form JSON (`serde_json::Value`)",
                    )
                }
            }
            SchemaKind::Not { .. } => self.free_form(
                at,
                "a `not` schema has no Rust equivalent; the value is kept as free-form JSON \
                 (`serde_json::Value`)",
            ),
            _ => self.inline_type(schema, at, name),
        }
    }

    /// Gives an inline schema its own named type.
    pub(super) fn inline_type(
        &mut self,
        schema: &'a Schema,
        at: &str,
        name: Option<String>,
    ) -> TypeRef {
        let candidates: Vec<String> = name.into_iter().collect();
        self.inline_type_named(schema, at, &candidates)
    }

    /// Gives an inline schema the first of `candidates` that is free (or already names an identical
    /// type), reporting a collision only when none is.
    pub(super) fn inline_type_named(
        &mut self,
        schema: &'a Schema,
        at: &str,
        candidates: &[String],
    ) -> TypeRef {
        self.inline_type_with(schema, at, candidates, None)
    }

    /// The one value a schema's enum allows for `property`, if it allows exactly one.
    pub(super) fn single_value(&self, schema: &'a Schema, property: &str) -> Option<String> {
        let properties = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => &object.properties,
            SchemaKind::Any(any) => &any.properties,
            _ => return None,
        };
        let value: &'a Schema = match properties.get(property)? {
            ReferenceOr::Item(value) => value,
            ReferenceOr::Reference { reference } => {
                resolve::schema(self.api, reference).ok()?.schema
            }
        };
        match super::schema::string_enum_values(value)?.as_slice() {
            [Some(only)] => Some(only.clone()),
            _ => None,
        }
    }

    /// As [`Self::inline_type_named`], leaving out the property `skip_tag` (a tagged union's
    /// variant: the union writes the tag).
    pub(super) fn inline_type_with(
        &mut self,
        schema: &'a Schema,
        at: &str,
        candidates: &[String],
        skip_tag: Option<&str>,
    ) -> TypeRef {
        let fallback;
        let first = match candidates.first() {
            Some(first) => first,
            None => {
                fallback = self.name_for_pointer(at);
                &fallback
            }
        };
        if let Some(known) = self.table.inline_at.get(at) {
            return known.clone();
        }
        if self.depth >= MAX_DEPTH {
            let message = format!("inline schemas nest deeper than {MAX_DEPTH} levels here");
            self.report.error(Code::Nesting, at, message);
            return TypeRef::Json;
        }
        let mut candidates = candidates.to_vec();
        if candidates.is_empty() {
            candidates.push(first.clone());
        }
        let id = self.allocate(super::Wanted {
            candidates: candidates.clone(),
            key: None,
            pointer: at.to_owned(),
        });
        self.place(id);
        self.depth += 1;
        self.table.inline_in_progress.insert(at.to_owned());
        let kind = self.lower_kind(first, at, schema, skip_tag);
        self.table.inline_in_progress.remove(at);
        self.depth -= 1;
        let def = TypeDef {
            name: first.clone(),
            source: at.to_owned(),
            doc: schema_doc(&schema.schema_data),
            deprecated: schema.schema_data.deprecated,
            kind,
        };
        // An identical type that asks for the same names is the same type (an enum parameter
        // repeated across operations, say).
        let same = self
            .table
            .inline_by_candidates
            .get(&candidates)
            .and_then(|ids| {
                ids.iter().copied().find(|&other| {
                    self.type_def(other)
                        .is_some_and(|o| o.kind == def.kind && o.doc == def.doc)
                })
            });
        let id = match same {
            Some(other) => other,
            None => {
                self.table.types[id.0] = Some(def);
                self.table
                    .inline_by_candidates
                    .entry(candidates)
                    .or_default()
                    .push(id);
                id
            }
        };
        let ty = TypeRef::Named(id);
        self.table.inline_at.insert(at.to_owned(), ty.clone());
        ty
    }
}

/// The Rust integer for a `format`: each width the document can name has its own type, and any
/// other format (or none) is `i64`, the widest signed type, so that no value a document allows
/// without saying how wide is cut short.
impl<'a> Lowerer<'a> {
    /// A list of the items' type (free-form values when the schema gives no `items`).
    fn list_of(
        &mut self,
        items: Option<&'a ReferenceOr<Box<Schema>>>,
        at: &str,
        name: Option<String>,
    ) -> TypeRef {
        let item = match items {
            Some(items) => {
                let item_name = name.map(|n| naming::nested_type_name(&n, "item"));
                self.member_type(RefOr::from(items), &pointer(at, "items"), item_name)
            }
            None => self.free_form(
                at,
                "an array without `items` allows items of any kind; they are kept as free-form \
                 JSON (`Vec<serde_json::Value>`)",
            ),
        };
        TypeRef::List(Box::new(item))
    }

    /// A string, bytes for `format: binary`, or a secret when the document, the settings or the
    /// rule take it for a credential; a credential is listed with its reason.
    fn string_or_secret(
        &mut self,
        schema: &Schema,
        string: &openapiv3::StringType,
        at: &str,
    ) -> TypeRef {
        let binary = match &string.format {
            VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary) => true,
            VariantOrUnknownOrEmpty::Unknown(format) => format == "binary",
            _ => false,
        };
        if binary {
            return TypeRef::Binary;
        }
        match self.credential(schema, string, at) {
            Some(reason) => {
                self.settings
                    .credentials
                    .insert(at.to_owned(), reason.to_owned());
                TypeRef::Secret
            }
            None => TypeRef::String,
        }
    }

    /// The type a schema the document model read as `Any` declares with `type`, read as if the
    /// keywords of other types beside it were not there.
    fn declared_type(
        &mut self,
        schema: &'a Schema,
        any: &'a openapiv3::AnySchema,
        at: &str,
        name: Option<String>,
    ) -> TypeRef {
        match any.typ.as_deref().unwrap_or_default() {
            "string" => {
                let format = match any.format.as_deref() {
                    None => VariantOrUnknownOrEmpty::Empty,
                    Some("password") => {
                        VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Password)
                    }
                    Some(other) => VariantOrUnknownOrEmpty::Unknown(other.to_owned()),
                };
                let string = openapiv3::StringType {
                    format,
                    pattern: any.pattern.clone(),
                    enumeration: Vec::new(),
                    min_length: any.min_length,
                    max_length: any.max_length,
                };
                self.string_or_secret(schema, &string, at)
            }
            "integer" => integer_type(&match any.format.as_deref() {
                None => VariantOrUnknownOrEmpty::Empty,
                Some("int32") => VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32),
                Some("int64") => VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int64),
                Some(other) => VariantOrUnknownOrEmpty::Unknown(other.to_owned()),
            }),
            "number" if any.format.as_deref() == Some("float") => TypeRef::F32,
            "number" => TypeRef::F64,
            "boolean" => TypeRef::Bool,
            "array" => self.list_of(any.items.as_ref(), at, name),
            // Not reached: the loader refuses any other `type`, and `object` is not read here.
            other => {
                let message = format!(
                    "`type: {other}` has no Rust equivalent here; the value is kept as free-form JSON (`serde_json::Value`)"
                );
                self.free_form(at, message)
            }
        }
    }

    /// Reports the schema at `at` as kept as a free-form JSON value, saying why, and returns the
    /// type that holds one. Every place the crate leaves untyped goes through here, so that the
    /// run's count of `free-form` warnings is the count of such schemas.
    pub(super) fn free_form(&mut self, at: &str, message: impl Into<String>) -> TypeRef {
        self.report.warning(Code::FreeForm, at, message);
        TypeRef::Json
    }
}

fn integer_type(format: &VariantOrUnknownOrEmpty<openapiv3::IntegerFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => TypeRef::I32,
        VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int64) => TypeRef::I64,
        VariantOrUnknownOrEmpty::Unknown(format) => match format.as_str() {
            "int8" => TypeRef::I8,
            "int16" => TypeRef::I16,
            "int32" => TypeRef::I32,
            "uint8" => TypeRef::U8,
            "uint16" => TypeRef::U16,
            "uint32" => TypeRef::U32,
            "uint64" => TypeRef::U64,
            _ => TypeRef::I64,
        },
        VariantOrUnknownOrEmpty::Empty => TypeRef::I64,
    }
}
