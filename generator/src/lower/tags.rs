//! Unions that carry their tag without saying so: every variant of a `oneOf` or `anyOf` requires
//! one property whose `enum` allows values no other variant allows (`typeName: [EMAIL]`,
//! `typeName: [SLACK]`), or values that only broader variants share (a value both a catch-all
//! variant and a specific one list is the specific one's). Such a union is tagged by that
//! property, as if the document had named it in a `discriminator`.

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
    /// member, a string enum in each, each member with values of its own (see [`owned_values`]).
    /// The first such property of the first member, in document order, is taken.
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
        let first = candidates.first()?;
        'property: for &property in first.keys() {
            let mut listed: Vec<&Vec<String>> = Vec::with_capacity(candidates.len());
            for member in &candidates {
                let Some(own) = member.get(property) else {
                    continue 'property;
                };
                listed.push(own);
            }
            let Some(values) = owned_values(&listed) else {
                continue 'property;
            };
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

    /// The values a string enum allows, also when it is a `oneOf` of string enums (beside a
    /// `type` of its own, as MongoDB's default alert configuration has it).
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
        let one_of = super::schema::union_members(schema)?;
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

/// The values each member is told apart by, from the values each lists. A value that several
/// members list belongs to the one that lists the fewest, the most specific: MongoDB's default
/// alert configuration lists every event type, its stream processor configuration only its own
/// two, and a configuration of those two is the stream processor's. `None` when two members
/// listing equally few share a value, or when a member is left with none of its own.
fn owned_values(listed: &[&Vec<String>]) -> Option<Vec<Vec<String>>> {
    let mut owned: Vec<Vec<String>> = vec![Vec::new(); listed.len()];
    for (index, own) in listed.iter().enumerate() {
        for value in own.iter() {
            let sharing: Vec<usize> = (0..listed.len())
                .filter(|&other| listed[other].contains(value))
                .collect();
            let fewest = sharing.iter().map(|&m| listed[m].len()).min()?;
            let narrowest: Vec<usize> = sharing
                .into_iter()
                .filter(|&m| listed[m].len() == fewest)
                .collect();
            match narrowest.as_slice() {
                [only] if *only == index => owned[index].push(value.clone()),
                [_] => {}
                _ => return None,
            }
        }
    }
    owned
        .iter()
        .all(|values| !values.is_empty())
        .then_some(owned)
}

#[cfg(test)]
mod tests {
    use super::owned_values;

    fn list(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn a_shared_value_belongs_to_the_member_listing_fewest() {
        let default = list(&[
            "CREDIT_CARD_ABOUT_TO_EXPIRE",
            "STREAM_PROCESSOR_STATE_IS_FAILED",
        ]);
        let stream = list(&["STREAM_PROCESSOR_STATE_IS_FAILED"]);
        let host = list(&["HOST_DOWN"]);
        assert_eq!(
            owned_values(&[&default, &stream, &host]),
            Some(vec![
                list(&["CREDIT_CARD_ABOUT_TO_EXPIRE"]),
                list(&["STREAM_PROCESSOR_STATE_IS_FAILED"]),
                list(&["HOST_DOWN"]),
            ])
        );
    }

    #[test]
    fn members_that_cannot_be_told_apart_give_no_tag() {
        // Two members listing equally few share a value.
        let a = list(&["X", "Y"]);
        let b = list(&["X", "Z"]);
        assert_eq!(owned_values(&[&a, &b]), None);
        // A member whose every value a narrower member takes is left with none.
        let wide = list(&["X"]);
        let same = list(&["X"]);
        assert_eq!(owned_values(&[&wide, &same]), None);
        let all = list(&["X", "Y"]);
        let x = list(&["X"]);
        let y = list(&["Y"]);
        assert_eq!(owned_values(&[&all, &x, &y]), None);
    }
}
