//! Which operations are selected, and which component schemas they reach: only those are lowered,
//! so that a construct the generator cannot handle blocks only the selections that use it.

use std::collections::BTreeSet;

use openapiv3::{
    AdditionalProperties, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody,
    Response, Schema, SchemaKind, Type,
};

/// The operations a run generates, as (path, method name) pairs, and the schemas they reach.
#[derive(Debug, Default)]
pub(crate) struct Reach<'a> {
    pub(crate) operations: BTreeSet<(&'a str, &'static str)>,
    pub(crate) schemas: BTreeSet<&'a str>,
}

/// Selects the operations with any of `tags` or any of `ids`, and collects every component schema
/// they reach; when both are empty, every operation and every schema. Returns the tags and ids that matched
/// nothing, for the caller to report.
pub(crate) fn reach<'a>(
    api: &'a OpenAPI,
    tags: &[String],
    ids: &[String],
) -> (Reach<'a>, Vec<String>) {
    let everything = tags.is_empty() && ids.is_empty();
    let mut walker = Walker {
        api,
        seen: BTreeSet::new(),
        pending: Vec::new(),
        chained: Vec::new(),
    };
    let mut operations = BTreeSet::new();
    let mut matched: BTreeSet<&str> = BTreeSet::new();
    for (path, item) in &api.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, operation) in
            super::operation::operations(item).map(|(_, op, name)| (name, op))
        {
            let by_tag: Vec<&str> = operation
                .tags
                .iter()
                .filter(|t| tags.contains(t))
                .map(String::as_str)
                .collect();
            let by_id = operation
                .operation_id
                .as_deref()
                .filter(|id| ids.iter().any(|i| i == id));
            if !(everything || !by_tag.is_empty() || by_id.is_some()) {
                continue;
            }
            matched.extend(by_tag);
            matched.extend(by_id);
            operations.insert((path.as_str(), method));
            for parameter in item.parameters.iter().chain(&operation.parameters) {
                walker.parameter(parameter);
            }
            if let Some(body) = &operation.request_body {
                walker.request_body(body);
            }
            for response in operation
                .responses
                .responses
                .values()
                .chain(&operation.responses.default)
            {
                walker.response(response);
            }
        }
    }
    walker.drain();
    // Without a selection the whole document is generated, schemas no operation uses included.
    if everything {
        walker.seen.extend(
            api.components
                .iter()
                .flat_map(|c| c.schemas.keys().map(String::as_str)),
        );
    }
    let unmatched = tags
        .iter()
        .chain(ids)
        .filter(|s| !matched.contains(s.as_str()))
        .cloned()
        .collect();
    (
        Reach {
            operations,
            schemas: walker.seen,
        },
        unmatched,
    )
}

struct Walker<'a> {
    api: &'a OpenAPI,
    seen: BTreeSet<&'a str>,
    /// Component schemas reached but not yet walked; a work list rather than recursion, so that
    /// long chains of references cannot exhaust the stack.
    pending: Vec<&'a Schema>,
    /// References met as whole component schemas, not yet followed.
    chained: Vec<&'a str>,
}

impl<'a> Walker<'a> {
    /// Reaches the component schema a reference points at or into. Chains of references are
    /// followed by the work list, not by recursion.
    fn reference(&mut self, reference: &str) {
        let Some(key) = super::resolve::enclosing_schema_key(self.api, reference) else {
            return;
        };
        if !self.seen.insert(key) {
            return;
        }
        match self
            .api
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(key))
        {
            Some(ReferenceOr::Item(schema)) => self.pending.push(schema),
            Some(ReferenceOr::Reference { reference }) => self.chained.push(reference),
            None => {}
        }
    }

    fn schema_ref(&mut self, schema: &'a ReferenceOr<Schema>) {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference),
            ReferenceOr::Item(schema) => self.schema(schema),
        }
    }

    fn boxed_ref(&mut self, schema: &'a ReferenceOr<Box<Schema>>) {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference),
            ReferenceOr::Item(schema) => self.schema(schema),
        }
    }

    /// Walks an inline schema: its members, properties, items, and discriminator mapping.
    fn schema(&mut self, schema: &'a Schema) {
        if let Some(discriminator) = &schema.schema_data.discriminator {
            for target in discriminator.mapping.values() {
                self.reference(target);
            }
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                object.properties.values().for_each(|p| self.boxed_ref(p));
                if let Some(AdditionalProperties::Schema(value)) = &object.additional_properties {
                    self.schema_ref(value);
                }
            }
            SchemaKind::Type(Type::Array(array)) => {
                if let Some(items) = &array.items {
                    self.boxed_ref(items);
                }
            }
            SchemaKind::Type(_) => {}
            SchemaKind::OneOf { one_of: members }
            | SchemaKind::AllOf { all_of: members }
            | SchemaKind::AnyOf { any_of: members } => {
                members.iter().for_each(|m| self.schema_ref(m))
            }
            SchemaKind::Not { not } => self.schema_ref(not),
            SchemaKind::Any(any) => {
                any.properties.values().for_each(|p| self.boxed_ref(p));
                for member in any.one_of.iter().chain(&any.all_of).chain(&any.any_of) {
                    self.schema_ref(member);
                }
                if let Some(items) = &any.items {
                    self.boxed_ref(items);
                }
                if let Some(AdditionalProperties::Schema(value)) = &any.additional_properties {
                    self.schema_ref(value);
                }
                if let Some(not) = &any.not {
                    self.schema_ref(not);
                }
            }
        }
    }

    fn drain(&mut self) {
        loop {
            if let Some(schema) = self.pending.pop() {
                self.schema(schema);
            } else if let Some(reference) = self.chained.pop() {
                self.reference(reference);
            } else {
                break;
            }
        }
    }

    fn parameter(&mut self, parameter: &'a ReferenceOr<Parameter>) {
        let components = self.api.components.as_ref();
        let Some(parameter) =
            super::item(parameter, "parameters", components.map(|c| &c.parameters))
        else {
            return;
        };
        match &parameter.parameter_data_ref().format {
            ParameterSchemaOrContent::Schema(schema) => self.schema_ref(schema),
            ParameterSchemaOrContent::Content(content) => {
                content
                    .values()
                    .filter_map(|m| m.schema.as_ref())
                    .for_each(|s| self.schema_ref(s));
            }
        }
    }

    fn request_body(&mut self, body: &'a ReferenceOr<RequestBody>) {
        let components = self.api.components.as_ref();
        let Some(body) = super::item(body, "requestBodies", components.map(|c| &c.request_bodies))
        else {
            return;
        };
        body.content
            .values()
            .filter_map(|m| m.schema.as_ref())
            .for_each(|s| self.schema_ref(s));
    }

    fn response(&mut self, response: &'a ReferenceOr<Response>) {
        let components = self.api.components.as_ref();
        let Some(response) = super::item(response, "responses", components.map(|c| &c.responses))
        else {
            return;
        };
        response
            .content
            .values()
            .filter_map(|m| m.schema.as_ref())
            .for_each(|s| self.schema_ref(s));
    }
}
