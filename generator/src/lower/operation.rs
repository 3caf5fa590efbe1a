//! Lowering operations: their names, methods, paths and parameters.

use openapiv3::{
    Parameter, ParameterData, ParameterSchemaOrContent, PathItem, ReferenceOr, SchemaKind, Type,
};

use super::{Lowerer, RefOr};
use crate::diagnostics::{Code, pointer};
use crate::ir::{
    Constraints, Location, Method, Name, Operation, Parameter as IrParameter, TypeRef,
};
use crate::naming::{self, Kind};

impl<'a> Lowerer<'a> {
    pub(super) fn lower_operations(&mut self) {
        let api: &'a openapiv3::OpenAPI = self.api;
        let mut seen: Vec<(String, String)> = Vec::new();
        for (path, item) in &api.paths.paths {
            let path_at = pointer("/paths", path);
            let ReferenceOr::Item(item) = item else {
                self.report.error(
                    Code::ExternalRef,
                    &path_at,
                    "path items given by `$ref` are not supported",
                );
                continue;
            };
            for (method, operation, method_name) in operations(item) {
                let at = pointer(&path_at, method_name);
                let Some(id) = operation.operation_id.as_deref() else {
                    self.report.error(
                        Code::MissingOperationId,
                        &at,
                        format!("`{} {path}` has no operationId", method_name.to_uppercase()),
                    );
                    continue;
                };
                let Some(rust) = naming::rust_name(id, Kind::Type) else {
                    self.report.error(
                        Code::EmptyName,
                        &pointer(&at, "operationId"),
                        format!("operationId `{id}` has no usable characters"),
                    );
                    continue;
                };
                if let Some((other, _)) = seen.iter().find(|(r, _)| *r == rust) {
                    let message =
                        format!("operations `{other}` and `{id}` are both named `{rust}` in Rust");
                    self.report
                        .error(Code::NameCollision, &pointer(&at, "operationId"), message);
                    continue;
                }
                seen.push((rust.clone(), id.to_owned()));
                let parameters = self.lower_parameters(
                    &rust,
                    &path_at,
                    &item.parameters,
                    &at,
                    &operation.parameters,
                );
                let doc = join_doc(
                    operation.summary.as_deref(),
                    operation.description.as_deref(),
                );
                self.operations.push(Operation {
                    name: Name {
                        rust,
                        wire: id.to_owned(),
                    },
                    doc,
                    deprecated: operation.deprecated,
                    method,
                    path: path.clone(),
                    parameters,
                });
            }
        }
    }

    /// Path-level parameters first, then the operation's; an operation's parameter replaces a
    /// path-level one of the same name and location.
    fn lower_parameters(
        &mut self,
        operation: &str,
        path_at: &str,
        shared: &'a [ReferenceOr<Parameter>],
        at: &str,
        own: &'a [ReferenceOr<Parameter>],
    ) -> Vec<IrParameter> {
        let mut out: Vec<IrParameter> = Vec::new();
        let lists = [
            (pointer(path_at, "parameters"), shared),
            (pointer(at, "parameters"), own),
        ];
        for (list_at, list) in lists {
            for (index, parameter) in list.iter().enumerate() {
                let item_at = pointer(&list_at, &index.to_string());
                let Some((parameter, parameter_at)) = self.resolve_parameter(parameter, &item_at)
                else {
                    continue;
                };
                let Some(lowered) = self.lower_parameter(operation, parameter, &parameter_at)
                else {
                    continue;
                };
                out.retain(|p| {
                    !(p.name.wire == lowered.name.wire && p.location == lowered.location)
                });
                if let Some(clash) = out.iter().find(|p| p.name.rust == lowered.name.rust) {
                    let message = format!(
                        "parameters `{}` and `{}` are both named `{}` in Rust",
                        clash.name.wire, lowered.name.wire, lowered.name.rust
                    );
                    self.report
                        .error(Code::NameCollision, &parameter_at, message);
                    continue;
                }
                out.push(lowered);
            }
        }
        out
    }

    fn resolve_parameter(
        &mut self,
        parameter: &'a ReferenceOr<Parameter>,
        at: &str,
    ) -> Option<(&'a Parameter, String)> {
        match parameter {
            ReferenceOr::Item(parameter) => Some((parameter, at.to_owned())),
            ReferenceOr::Reference { reference } => {
                let key = reference
                    .strip_prefix("#/components/parameters/")
                    .filter(|k| !k.contains('/'));
                let Some(key) = key else {
                    let message = format!(
                        "`{reference}` is not a reference to `#/components/parameters/NAME`"
                    );
                    self.report.error(Code::ExternalRef, at, message);
                    return None;
                };
                let api: &'a openapiv3::OpenAPI = self.api;
                match api.components.as_ref().and_then(|c| c.parameters.get(key)) {
                    Some(ReferenceOr::Item(parameter)) => {
                        Some((parameter, pointer("/components/parameters", key)))
                    }
                    Some(ReferenceOr::Reference { .. }) => {
                        let message = format!("`{reference}` is a reference to another reference");
                        self.report.error(Code::Unsupported, at, message);
                        None
                    }
                    None => {
                        self.report.error(
                            Code::UnresolvedRef,
                            at,
                            format!("`{reference}` does not exist"),
                        );
                        None
                    }
                }
            }
        }
    }

    fn lower_parameter(
        &mut self,
        operation: &str,
        parameter: &'a Parameter,
        at: &str,
    ) -> Option<IrParameter> {
        let (data, location): (&'a ParameterData, Location) = match parameter {
            Parameter::Path { parameter_data, .. } => (parameter_data, Location::Path),
            Parameter::Query { parameter_data, .. } => (parameter_data, Location::Query),
            Parameter::Header { parameter_data, .. } => (parameter_data, Location::Header),
            Parameter::Cookie { parameter_data, .. } => {
                let message = format!(
                    "cookie parameter `{}` is left out: cookies are not supported",
                    parameter_data.name
                );
                self.report.warning(Code::Unsupported, at, message);
                return None;
            }
        };
        let Some(rust) = naming::rust_name(&data.name, Kind::Field) else {
            self.report.error(
                Code::EmptyName,
                &pointer(at, "name"),
                format!("parameter `{}` has no usable characters", data.name),
            );
            return None;
        };
        let schema_at = pointer(at, "schema");
        let (ty, constraints) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let schema = RefOr::from(schema);
                let ty = match schema {
                    RefOr::Item(s) if is_inline_enum(s) => {
                        let candidates: Vec<String> = [
                            naming::rust_name(&data.name, Kind::Type),
                            naming::nested_type_name(operation, &data.name),
                        ]
                        .into_iter()
                        .flatten()
                        .collect();
                        let ty = self.inline_type_named(s, &schema_at, &candidates);
                        self.document_parameter_type(&ty, data.description.as_deref());
                        ty
                    }
                    _ => self.type_ref(
                        schema,
                        &schema_at,
                        naming::nested_type_name(operation, &data.name),
                    ),
                };
                let constraints = match schema {
                    RefOr::Item(s) => super::schema::constraints(s),
                    RefOr::Ref(_) => Constraints::default(),
                };
                (ty, constraints)
            }
            ParameterSchemaOrContent::Content(_) => {
                let message = format!(
                    "parameter `{}` uses `content`; it is sent as a string",
                    data.name
                );
                self.report
                    .warning(Code::Unsupported, &pointer(at, "content"), message);
                (TypeRef::String, Constraints::default())
            }
        };
        Some(IrParameter {
            name: Name {
                rust,
                wire: data.name.clone(),
            },
            location,
            doc: data.description.clone(),
            ty,
            required: data.required || location == Location::Path,
            constraints,
        })
    }
}

impl Lowerer<'_> {
    /// An enum declared inside a parameter usually documents itself through the parameter.
    fn document_parameter_type(&mut self, ty: &TypeRef, description: Option<&str>) {
        let (TypeRef::Named(name), Some(description)) = (ty, description) else {
            return;
        };
        if let Some(def) = self
            .types
            .iter_mut()
            .find(|t| t.name == *name && t.doc.is_none())
        {
            def.doc = Some(description.trim().to_owned());
        }
    }
}

fn is_inline_enum(schema: &openapiv3::Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s)) if s.enumeration.iter().any(Option::is_some))
}

fn operations(
    item: &PathItem,
) -> impl Iterator<Item = (Method, &openapiv3::Operation, &'static str)> {
    [
        (Method::Get, &item.get, "get"),
        (Method::Put, &item.put, "put"),
        (Method::Post, &item.post, "post"),
        (Method::Delete, &item.delete, "delete"),
        (Method::Options, &item.options, "options"),
        (Method::Head, &item.head, "head"),
        (Method::Patch, &item.patch, "patch"),
        (Method::Trace, &item.trace, "trace"),
    ]
    .into_iter()
    .filter_map(|(method, operation, name)| operation.as_ref().map(|op| (method, op, name)))
}

fn join_doc(summary: Option<&str>, description: Option<&str>) -> Option<String> {
    let parts: Vec<&str> = [summary, description]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}
