//! Lowering unions: tagged by a discriminator or by a property their variants' enums tell
//! apart, and untagged ones tried in order.

use openapiv3::{ReferenceOr, Schema};

use super::super::{Lowerer, RefOr, resolve};
use super::{Members, fallback_name};
use crate::diagnostics::{Code, pointer};
use crate::ir::{
    Name, TaggedUnion, TaggedVariant, TypeId, TypeKind, TypeRef, UntaggedUnion, UntaggedVariant,
};
use crate::naming::{self, Kind};

impl<'a> Lowerer<'a> {
    pub(super) fn lower_tagged(
        &mut self,
        name: &str,
        at: &str,
        discriminator: &'a openapiv3::Discriminator,
        one_of: Option<&'a [ReferenceOr<Schema>]>,
    ) -> TypeKind {
        let mut pending: Vec<(String, TypeId, String)> = Vec::new();
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
            pending.push((tag.clone(), ty, entry_at));
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
                        TypeRef::Named(ty) => pending.push((key.to_owned(), ty, variant_at)),
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
                    let candidates = vec![naming::nested_type_name(name, &tag)];
                    if let TypeRef::Named(ty) =
                        self.inline_type_with(schema, &variant_at, &candidates, Some(property))
                    {
                        pending.push((tag, ty, variant_at));
                    }
                }
            }
        }
        if pending.is_empty() && discriminator.mapping.is_empty() {
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
        self.tagged(&discriminator.property_name, &pending)
    }

    /// A tagged union of the variants found, named by their tag values.
    pub(in crate::lower) fn tagged(
        &mut self,
        tag: &str,
        pending: &[(String, TypeId, String)],
    ) -> TypeKind {
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
                    wire: tag.clone(),
                },
                ty: *ty,
                // The variant's documentation is its struct's, filled in once every type is lowered.
                doc: None,
            })
            .collect();
        let taken: std::collections::HashSet<&str> =
            variants.iter().map(|v| v.name.rust.as_str()).collect();
        let fallback = fallback_name(&taken);
        TypeKind::Tagged(TaggedUnion {
            tag: tag.to_owned(),
            variants,
            fallback,
        })
    }

    /// Whether every member of a union that is a component leaves out `tag`, as the variants of
    /// a tagged union must (the union writes it). Inline members leave it out when lowered.
    pub(super) fn variants_skip(&self, members: Members<'a>, tag: &str) -> bool {
        members.iter().all(|member| match member {
            ReferenceOr::Reference { reference } => {
                resolve::component_schema_key(self.api, reference)
                    .and_then(|key| self.variant_tags.get(key))
                    .is_some_and(|t| *t == tag)
            }
            ReferenceOr::Item(_) => true,
        })
    }

    /// A union tagged by a property its members' enums tell apart (see `tags`): one variant per
    /// value, each wrapping its member's struct.
    pub(super) fn lower_inferred(
        &mut self,
        name: &str,
        at: &str,
        members: Members<'a>,
        inferred: super::super::tags::InferredTag<'a>,
    ) -> TypeKind {
        let tag = inferred.property;
        let mut pending: Vec<(String, TypeId, String)> = Vec::new();
        for (index, (member, values)) in members.iter().zip(&inferred.values).enumerate() {
            let member_at = pointer(at, &index.to_string());
            let ty = match member {
                ReferenceOr::Reference { reference } => self.resolve_named(reference, &member_at),
                ReferenceOr::Item(schema) => {
                    let first = values.first().map_or("", String::as_str);
                    let candidates = vec![naming::nested_type_name(name, first)];
                    self.inline_type_with(schema, &member_at, &candidates, Some(tag))
                }
            };
            let TypeRef::Named(ty) = ty else {
                continue;
            };
            pending.extend(
                values
                    .iter()
                    .map(|value| (value.clone(), ty, member_at.clone())),
            );
        }
        self.tagged(tag, &pending)
    }

    pub(super) fn lower_untagged(
        &mut self,
        name: &str,
        at: &str,
        members: &'a [ReferenceOr<Schema>],
    ) -> TypeKind {
        let mut variants: Vec<UntaggedVariant> = Vec::new();
        let titles = member_titles(members);
        for (index, member) in members.iter().enumerate() {
            let member_at = pointer(at, &index.to_string());
            let schema = RefOr::from(member);
            let label = titles
                .as_ref()
                .and_then(|titles| titles[index])
                .map_or_else(|| format!("variant {index}"), str::to_owned);
            let ty = self.member_type(
                schema,
                &member_at,
                Some(naming::nested_type_name(name, &label)),
            );
            // Named once every type has its final name.
            variants.push(UntaggedVariant {
                name: String::new(),
                ty,
            });
        }
        TypeKind::Untagged(UntaggedUnion { variants })
    }
}

/// The `title`s of a union's inline members, where every inline member has one and they name
/// distinct, usable Rust names ("AWS Regions" gives `AwsRegions`): they name the members' types
/// and variants better than their positions. `None` for a member given by reference, which is
/// named after its component.
fn member_titles(members: &[ReferenceOr<Schema>]) -> Option<Vec<Option<&str>>> {
    let titles: Vec<Option<&str>> = members
        .iter()
        .map(|member| match member {
            ReferenceOr::Item(schema) => schema.schema_data.title.as_deref(),
            ReferenceOr::Reference { .. } => None,
        })
        .collect();
    let inline = members
        .iter()
        .filter(|m| matches!(m, ReferenceOr::Item(_)))
        .count();
    let given: Vec<String> = titles
        .iter()
        .flatten()
        .map(|title| naming::rust_name(title, naming::Kind::Type))
        .collect();
    let mut distinct = given.clone();
    distinct.sort();
    distinct.dedup();
    let usable = given
        .iter()
        .all(|n| n.chars().any(|c| c.is_ascii_alphabetic()) && n != "Empty");
    (inline > 0 && given.len() == inline && distinct.len() == given.len() && usable)
        .then_some(titles)
}
