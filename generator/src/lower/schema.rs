//! Lowering schemas: named types, inline types and the type references of fields.

use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaData, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use super::{Lowerer, RefOr, resolve};
use crate::diagnostics::{Code, pointer};
use crate::ir::{
    Constraints, Field, Name, StringEnum, Struct, TaggedUnion, TaggedVariant, TypeDef, TypeId,
    TypeKind, TypeRef, UntaggedUnion, UntaggedVariant,
};
use crate::naming::{self, Kind};

/// The members of a `oneOf`, `anyOf` or `allOf`.
type Members<'a> = &'a [ReferenceOr<Schema>];

/// One property of an object, wherever it was declared (the object itself or an `allOf` part).
struct Property<'a> {
    wire: &'a str,
    schema: RefOr<'a>,
    required: bool,
    at: String,
}

/// How deeply inline schemas may nest before lowering refuses, so that no document can exhaust
/// the stack.
const MAX_DEPTH: usize = 64;

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
        self.types[id.0] = Some(def);
    }

    fn lower_kind(
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
                TypeKind::Struct(self.lower_struct(name, properties, skip_tag))
            }
            SchemaKind::Type(Type::String(string)) if has_values(&string.enumeration) => {
                self.lower_enum(at, &string.enumeration)
            }
            _ => TypeKind::Alias(self.type_ref_item(schema, at, Some(name.to_owned()))),
        }
    }

    /// Whether a schema becomes a struct: an object with properties, or an `allOf` of such.
    fn is_struct(&self, schema: &Schema) -> bool {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => !object.properties.is_empty(),
            SchemaKind::Any(any) => !any.properties.is_empty() || !any.all_of.is_empty(),
            SchemaKind::AllOf { all_of } => !self.is_plain_ref(all_of),
            _ => false,
        }
    }

    /// An `allOf` of exactly one reference, or of one inline schema that is not an object: the
    /// usual ways to annotate a type. The schema is then that part's type.
    fn is_plain_ref(&self, all_of: &[ReferenceOr<Schema>]) -> bool {
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
    fn properties(&mut self, schema: &'a Schema, at: &str, depth: usize) -> Vec<Property<'a>> {
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

    /// Finds the schema a reference leads to (through chains, and into the middle of schemas),
    /// reporting a dangling, foreign or circular one. Returns the schema and its pointer.
    pub(super) fn resolve_schema(
        &mut self,
        reference: &str,
        at: &str,
    ) -> Option<(&'a Schema, String)> {
        match resolve::schema(self.api, reference) {
            Ok(found) => Some((found.schema, found.pointer)),
            Err(error) => {
                error.report(&mut self.report, at, reference);
                None
            }
        }
    }

    /// The schema data of a referenced schema, if it resolves; reports nothing.
    fn referenced_data(&self, reference: &str) -> Option<&'a SchemaData> {
        resolve::schema(self.api, reference)
            .ok()
            .map(|found| &found.schema.schema_data)
    }

    /// The type a reference names, reporting a dangling, foreign or circular reference. A
    /// reference to a whole component schema names that schema's type; one into the middle of a
    /// schema names the type of the schema there, the same one its parent gets.
    pub(super) fn resolve_named(&mut self, reference: &str, at: &str) -> TypeRef {
        if let Some(key) = resolve::component_schema_key(self.api, reference)
            .filter(|_| reference.starts_with('#'))
        {
            if let Some(&id) = self.schema_ids.get(key) {
                return TypeRef::Named(id);
            }
            // Not reached by the selection: it cannot be, since reach follows every reference.
            return TypeRef::Json;
        }
        let Some((schema, target)) = self.resolve_schema(reference, at) else {
            return TypeRef::Json;
        };
        if let Some(known) = self.inline_at.get(&target) {
            return known.clone();
        }
        if self.inline_in_progress.contains(&target) {
            let message = format!(
                "`{reference}` points into a schema that encloses it; the value is kept as free-form JSON"
            );
            self.report.warning(Code::FreeForm, at, message);
            return TypeRef::Json;
        }
        let name = self.name_for_pointer(&target);
        self.type_ref_item(schema, &target, Some(name))
    }

    /// The name the parent of the schema at `target` gives it: the enclosing component's name,
    /// then each step's (`User` + `properties/role` is `UserRole`, `items` adds `Item`).
    fn name_for_pointer(&self, target: &str) -> String {
        let segments: Vec<String> = resolve::segments(&format!("#{target}")).unwrap_or_default();
        let mut name = segments
            .get(2)
            .and_then(|key| self.schema_ids.get(key.as_str()))
            .map(|&id| self.provisional_name(id).to_owned())
            .unwrap_or_else(|| "Schema".to_owned());
        let mut rest = segments.iter().skip(3);
        while let Some(segment) = rest.next() {
            let part = match segment.as_str() {
                "properties" => rest.next().cloned().unwrap_or_default(),
                "items" => "item".to_owned(),
                "additionalProperties" => "value".to_owned(),
                "oneOf" | "anyOf" | "allOf" => {
                    format!("variant {}", rest.next().cloned().unwrap_or_default())
                }
                other => other.to_owned(),
            };
            name = naming::nested_type_name(&name, &part);
        }
        name
    }

    fn lower_struct(
        &mut self,
        parent: &str,
        properties: Vec<Property<'a>>,
        skip_tag: Option<&str>,
    ) -> Struct {
        let properties: Vec<Property<'a>> = properties
            .into_iter()
            .filter(|p| Some(p.wire) != skip_tag)
            .collect();
        let claimants: Vec<naming::Claimant<'_>> = properties
            .iter()
            .map(|p| self.claimant(p.wire, &p.at, naming::Precedence::Given))
            .collect();
        let (names, renames) = naming::Scope::new(Kind::Field, &[]).assign(&claimants);
        self.report_renames("property", &claimants, &renames);
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
        Struct { fields }
    }

    fn lower_tagged(
        &mut self,
        name: &str,
        at: &str,
        discriminator: &'a openapiv3::Discriminator,
        one_of: Option<&'a [ReferenceOr<Schema>]>,
    ) -> TypeKind {
        let mut pending: Vec<(&str, TypeId, String)> = Vec::new();
        let mut targets = Vec::new();
        let mapping_at = pointer(&pointer(at, "discriminator"), "mapping");
        for (tag, target) in &discriminator.mapping {
            let entry_at = pointer(&mapping_at, tag);
            let key = resolve::component_schema_key(self.api, target);
            let Some(ty) = key.and_then(|k| self.schema_ids.get(k)).copied() else {
                if key.is_none() {
                    let message = format!(
                        "discriminator value `{tag}` maps to `{target}`, which is not a schema here"
                    );
                    self.report
                        .error(Code::DiscriminatorTarget, &entry_at, message);
                }
                continue;
            };
            targets.extend(key);
            pending.push((tag.as_str(), ty, entry_at));
        }
        // Variants listed in `oneOf` but not in the mapping take their schema name as tag value.
        for (index, variant) in one_of.unwrap_or_default().iter().enumerate() {
            let variant_at = pointer(&pointer(at, "oneOf"), &index.to_string());
            match variant {
                ReferenceOr::Reference { reference } => {
                    let Some(key) = resolve::component_schema_key(self.api, reference) else {
                        self.resolve_named(reference, &variant_at);
                        continue;
                    };
                    if targets.contains(&key) {
                        continue;
                    }
                    match self.resolve_named(reference, &variant_at) {
                        TypeRef::Named(ty) => pending.push((key, ty, variant_at)),
                        _ => continue,
                    }
                }
                ReferenceOr::Item(schema) => {
                    // An inline variant's tag is the one value its enum allows for the property.
                    let property = discriminator.property_name.as_str();
                    let Some(tag) = self.single_value(schema, property) else {
                        let message = format!(
                            "a variant declared inline has no one-value `enum` for `{property}`, so its tag is unknown"
                        );
                        self.report
                            .error(Code::DiscriminatorVariants, &variant_at, message);
                        continue;
                    };
                    let candidates = vec![naming::nested_type_name(name, tag)];
                    if let TypeRef::Named(ty) =
                        self.inline_type_with(schema, &variant_at, &candidates, Some(property))
                    {
                        pending.push((tag, ty, variant_at));
                    }
                }
            }
        }
        let claimants: Vec<naming::Claimant<'_>> = pending
            .iter()
            .map(|(tag, _, at)| self.claimant(tag, at, naming::Precedence::Given))
            .collect();
        let (names, renames) = naming::Scope::new(Kind::Variant, &[]).assign(&claimants);
        self.report_renames("discriminator value", &claimants, &renames);
        let variants: Vec<TaggedVariant> = pending
            .iter()
            .zip(names)
            .map(|((tag, ty, _), rust)| TaggedVariant {
                name: Name {
                    rust,
                    wire: (*tag).to_owned(),
                },
                ty: *ty,
                // The variant's documentation is its struct's, filled in once every type is lowered.
                doc: None,
            })
            .collect();
        if variants.is_empty() && discriminator.mapping.is_empty() {
            let message = format!(
                "discriminator `{}` has no variants",
                discriminator.property_name
            );
            self.report.error(
                Code::DiscriminatorVariants,
                &pointer(at, "discriminator"),
                message,
            );
        }
        let taken: std::collections::HashSet<&str> =
            variants.iter().map(|v| v.name.rust.as_str()).collect();
        let fallback = fallback_name(&taken);
        TypeKind::Tagged(TaggedUnion {
            tag: discriminator.property_name.clone(),
            variants,
            fallback,
        })
    }

    fn lower_untagged(
        &mut self,
        name: &str,
        at: &str,
        members: &'a [ReferenceOr<Schema>],
    ) -> TypeKind {
        let mut variants: Vec<UntaggedVariant> = Vec::new();
        for (index, member) in members.iter().enumerate() {
            let member_at = pointer(at, &index.to_string());
            let schema = RefOr::from(member);
            let ty = self.type_ref(
                schema,
                &member_at,
                Some(naming::nested_type_name(name, &format!("variant {index}"))),
            );
            // Named once every type has its final name.
            variants.push(UntaggedVariant {
                name: String::new(),
                ty,
            });
        }
        TypeKind::Untagged(UntaggedUnion { variants })
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

    fn type_ref_item(&mut self, schema: &'a Schema, at: &str, name: Option<String>) -> TypeRef {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                if has_values(&string.enumeration) {
                    return self.inline_type(schema, at, name);
                }
                let password = matches!(
                    string.format,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Password)
                );
                if password || schema.schema_data.write_only || self.secrets.contains(at) {
                    self.used_secrets.insert(at.to_owned());
                    TypeRef::Secret
                } else {
                    TypeRef::String
                }
            }
            SchemaKind::Type(Type::Integer(integer)) => match &integer.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(number)) => match &number.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(array)) => {
                let item = match &array.items {
                    Some(items) => {
                        let item_name = name.map(|n| naming::nested_type_name(&n, "item"));
                        self.type_ref(RefOr::from(items), &pointer(at, "items"), item_name)
                    }
                    None => TypeRef::Json,
                };
                TypeRef::List(Box::new(item))
            }
            SchemaKind::Type(Type::Object(object)) if object.properties.is_empty() => {
                match &object.additional_properties {
                    Some(AdditionalProperties::Schema(value)) => {
                        let value_name = name.map(|n| naming::nested_type_name(&n, "value"));
                        let value = self.type_ref(
                            RefOr::from(value.as_ref()),
                            &pointer(at, "additionalProperties"),
                            value_name,
                        );
                        TypeRef::Map(Box::new(value))
                    }
                    _ => TypeRef::Map(Box::new(TypeRef::Json)),
                }
            }
            SchemaKind::AllOf { all_of } if self.is_plain_ref(all_of) => match all_of.first() {
                Some(ReferenceOr::Reference { reference }) => {
                    self.resolve_named(reference, &pointer(&pointer(at, "allOf"), "0"))
                }
                Some(ReferenceOr::Item(part)) => {
                    self.type_ref_item(part, &pointer(&pointer(at, "allOf"), "0"), name)
                }
                None => TypeRef::Json,
            },
            // Without properties, only a discriminator with a mapping makes a type of it; anything
            // else is a free-form value (and must not come back here through `inline_type`).
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
                TypeRef::Json
            }
            SchemaKind::Not { .. } => {
                self.report.warning(
                    Code::FreeForm,
                    at,
                    "a `not` schema has no Rust equivalent; the value is kept as free-form JSON",
                );
                TypeRef::Json
            }
            _ => self.inline_type(schema, at, name),
        }
    }

    /// Gives an inline schema its own named type.
    fn inline_type(&mut self, schema: &'a Schema, at: &str, name: Option<String>) -> TypeRef {
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
    fn single_value(&self, schema: &'a Schema, property: &str) -> Option<&'a str> {
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
        match &value.schema_kind {
            SchemaKind::Type(Type::String(string)) => match string.enumeration.as_slice() {
                [Some(only)] => Some(only.as_str()),
                _ => None,
            },
            _ => None,
        }
    }

    /// As [`Self::inline_type_named`], leaving out the property `skip_tag` (a tagged union's
    /// variant: the union writes the tag).
    fn inline_type_with(
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
        if let Some(known) = self.inline_at.get(at) {
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
        self.inline_in_progress.insert(at.to_owned());
        let kind = self.lower_kind(first, at, schema, skip_tag);
        self.inline_in_progress.remove(at);
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
        let same = self.inline_by_candidates.get(&candidates).and_then(|ids| {
            ids.iter().copied().find(|&other| {
                self.type_def(other)
                    .is_some_and(|o| o.kind == def.kind && o.doc == def.doc)
            })
        });
        let id = match same {
            Some(other) => other,
            None => {
                self.types[id.0] = Some(def);
                self.inline_by_candidates
                    .entry(candidates)
                    .or_default()
                    .push(id);
                id
            }
        };
        let ty = TypeRef::Named(id);
        self.inline_at.insert(at.to_owned(), ty.clone());
        ty
    }
}

/// Adds `property` unless an earlier `allOf` part declared it; a later `required` still counts.
fn merge_property<'a>(out: &mut Vec<Property<'a>>, property: Property<'a>) {
    match out.iter_mut().find(|p| p.wire == property.wire) {
        Some(existing) => existing.required |= property.required,
        None => out.push(property),
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

fn has_values(values: &[Option<String>]) -> bool {
    values.iter().any(Option::is_some)
}

fn fallback_name(taken: &std::collections::HashSet<&str>) -> String {
    let free = FALLBACK_NAMES.iter().find(|n| !taken.contains(**n));
    free.map_or_else(|| format!("Unknown{}", taken.len()), |n| (*n).to_owned())
}

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
fn field_doc(data: &SchemaData) -> Option<String> {
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
    fn pattern_error(&mut self, pattern: &str) -> Option<String> {
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
