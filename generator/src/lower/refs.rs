//! Lowering references: the type a `$ref` names, whether it points at a whole component schema or
//! into the middle of one, through the one [resolver](super::resolve).

use openapiv3::{Schema, SchemaData};

use super::{Lowerer, resolve};
use crate::ir::TypeRef;
use crate::naming;

impl<'a> Lowerer<'a> {
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
    pub(super) fn referenced_data(&self, reference: &str) -> Option<&'a SchemaData> {
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
            let message = format!(
                "`{reference}` names a schema outside the generated selection; the value is kept as free-form JSON (`serde_json::Value`)"
            );
            return self.free_form(at, message);
        }
        let Some((schema, target)) = self.resolve_schema(reference, at) else {
            return TypeRef::Json;
        };
        if let Some(known) = self.table.inline_at.get(&target) {
            return known.clone();
        }
        if self.table.inline_in_progress.contains(&target) {
            let message = format!(
                "`{reference}` points into a schema that encloses it; the value is kept as free-form JSON (`serde_json::Value`)"
            );
            return self.free_form(at, message);
        }
        let name = self.name_for_pointer(&target);
        self.type_ref_item(schema, &target, Some(name))
    }

    /// The name the parent of the schema at `target` gives it: the enclosing component's name,
    /// then each step's (`User` + `properties/role` is `UserRole`, `items` adds `Item`).
    pub(super) fn name_for_pointer(&self, target: &str) -> String {
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
}
