//! Unions that carry their tag without saying so: every variant of a `oneOf` or `anyOf` requires
//! one property whose `enum` allows values no other variant allows (`typeName: [EMAIL]`,
//! `typeName: [SLACK]`). Such a union is tagged by that property, as if the document had named
//! it in a `discriminator`.

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::schema::string_enum_values;
use super::{Lowerer, resolve};

/// How deep `allOf` parts are followed when looking for a tag property.
const MAX_PARTS_DEPTH: usize = 16;

/// A tag found for a union: the property, and the values each member allows, in member order.
pub(super) struct InferredTag<'a> {
    pub(super) property: &'a str,
    pub(super) values: Vec<Vec<String>>,
}

impl<'a> Lowerer<'a> {
    /// The property that tells the members of a union apart, if there is one: required by every
    /// member, a string enum in each, with sets of values no two members share. The first such
    /// property of the first member, in document order, is taken.
    pub(super) fn infer_tag(&self, members: &'a [ReferenceOr<Schema>]) -> Option<InferredTag<'a>> {
        if members.len() < 2 {
            return None;
        }
        let mut candidates: Vec<IndexMap<&'a str, Vec<String>>> = Vec::new();
        for member in members {
            let schema = match member {
                ReferenceOr::Item(schema) => schema,
                ReferenceOr::Reference { reference } => {
                    resolve::schema(self.api, reference).ok()?.schema
                }
            };
            let mut found = IndexMap::new();
            let mut required = Vec::new();
            self.enum_properties(schema, &mut found, &mut required, 0);
            found.retain(|property, _| required.contains(property));
            candidates.push(found);
        }
        let (first, rest) = candidates.split_first()?;
        'property: for &property in first.keys() {
            let mut values: Vec<Vec<String>> = Vec::with_capacity(candidates.len());
            let mut seen = std::collections::HashSet::new();
            for member in std::iter::once(first).chain(rest) {
                let Some(own) = member.get(property) else {
                    continue 'property;
                };
                if own.iter().any(|value| !seen.insert(value.as_str())) {
                    continue 'property;
                }
                values.push(own.clone());
            }
            return Some(InferredTag { property, values });
        }
        None
    }

    /// The string-enum properties of an object schema and its `allOf` parts, with their values,
    /// and the properties it requires.
    fn enum_properties(
        &self,
        schema: &'a Schema,
        found: &mut IndexMap<&'a str, Vec<String>>,
        required: &mut Vec<&'a str>,
        depth: usize,
    ) {
        if depth > MAX_PARTS_DEPTH {
            return;
        }
        let (properties, own_required, all_of) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                (&object.properties, &object.required, &[][..])
            }
            SchemaKind::Any(any) => (&any.properties, &any.required, &any.all_of[..]),
            SchemaKind::AllOf { all_of } => {
                for part in all_of {
                    if let Some(part) = self.schema_of(part) {
                        self.enum_properties(part, found, required, depth + 1);
                    }
                }
                return;
            }
            _ => return,
        };
        required.extend(own_required.iter().map(String::as_str));
        for (name, property) in properties {
            let property = match property {
                ReferenceOr::Item(schema) => Some(schema.as_ref()),
                ReferenceOr::Reference { reference } => {
                    resolve::schema(self.api, reference).ok().map(|r| r.schema)
                }
            };
            if let Some(values) = property.and_then(|p| self.enum_values(p)) {
                found.entry(name.as_str()).or_insert(values);
            }
        }
        for part in all_of {
            if let Some(part) = self.schema_of(part) {
                self.enum_properties(part, found, required, depth + 1);
            }
        }
    }

    /// The values a string enum allows, also when it is a `oneOf` of string enums.
    fn enum_values(&self, schema: &'a Schema) -> Option<Vec<String>> {
        let mut values = self.all_enum_values(schema)?;
        let mut seen = std::collections::HashSet::new();
        values.retain(|value| seen.insert(value.clone()));
        Some(values)
    }

    fn all_enum_values(&self, schema: &'a Schema) -> Option<Vec<String>> {
        if let Some(values) = string_enum_values(schema) {
            return Some(values.into_iter().flatten().collect());
        }
        let SchemaKind::OneOf { one_of } = &schema.schema_kind else {
            return None;
        };
        let mut values = Vec::new();
        for member in one_of {
            let member = self.schema_of(member)?;
            values.extend(string_enum_values(member)?.into_iter().flatten());
        }
        Some(values)
    }

    fn schema_of(&self, value: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
        match value {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => {
                resolve::schema(self.api, reference).ok().map(|r| r.schema)
            }
        }
    }
}
