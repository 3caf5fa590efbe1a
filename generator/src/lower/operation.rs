//! Lowering operations: their names, methods, paths and parameters.

use openapiv3::{
    HeaderStyle, Parameter, ParameterData, ParameterSchemaOrContent, PathItem, PathStyle,
    QueryStyle, ReferenceOr, SchemaKind, Type,
};

use super::{Lowerer, RefOr};
use crate::diagnostics::{Code, pointer};
use crate::ir::{
    Constraints, Location, Method, Name, Operation, Parameter as IrParameter, PathSegment, Style,
    TypeKind, TypeRef,
};
use crate::naming::{self, Kind};

mod media;
mod schemaless;

pub(crate) use media::atlas_version;
use media::{accepted_media_types, documented_versions};

impl<'a> Lowerer<'a> {
    pub(super) fn lower_operations(&mut self) {
        let api: &'a openapiv3::OpenAPI = self.api;
        // Every selected operation, with the name it asks for: its operationId, or one made of its
        // method and path when it has none.
        let mut selected = Vec::new();
        // Paths in byte-wise order, so that the order of operations (and of the types lowering
        // them adds) does not depend on the order the document lists them in.
        let mut paths: Vec<_> = api.paths.paths.iter().collect();
        paths.sort_by(|a, b| a.0.cmp(b.0));
        for (path, item) in paths {
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
                if !self
                    .reach
                    .operations
                    .contains(&(path.as_str(), method_name))
                {
                    continue;
                }
                let at = pointer(&path_at, method_name);
                let (wire, precedence) = match operation.operation_id.as_deref() {
                    Some(id) => (id.to_owned(), naming::Precedence::Given),
                    None => {
                        let derived = derived_operation_id(method_name, path);
                        let message = format!(
                            "`{} {path}` has no operationId; its builder is named after method and path (`{derived}`)",
                            method_name.to_uppercase()
                        );
                        self.report.warning(Code::MissingOperationId, &at, message);
                        (derived, naming::Precedence::Derived)
                    }
                };
                selected.push((
                    path,
                    path_at.clone(),
                    item,
                    method,
                    operation,
                    at,
                    wire,
                    precedence,
                ));
            }
        }
        let claimants: Vec<naming::Claimant<'_>> = selected
            .iter()
            .map(|(_, _, _, _, _, at, wire, precedence)| self.claimant(wire, at, *precedence))
            .collect();
        let (names, renames) = naming::Scope::new(Kind::Type, &[]).assign(&claimants);
        self.report_renames("operation", &claimants, &renames);
        // Each operation's error enum lives beside the builders: `<Op>Error`, unless a builder has
        // that name.
        let builders: Vec<&str> = names.iter().map(String::as_str).collect();
        let pointers: Vec<&str> = selected.iter().map(|op| op.5.as_str()).collect();
        let errors = self.derived_names(&names, &pointers, "error", &builders, "error enum");
        // The enum of success outputs, for an operation whose success responses differ:
        // `<Op>Response`, unless a builder or an error enum has that name.
        let taken: Vec<&str> = builders
            .iter()
            .copied()
            .chain(errors.iter().map(String::as_str))
            .collect();
        let outputs = self.derived_names(&names, &pointers, "response", &taken, "response enum");
        drop(claimants);
        for (((op, rust), error), output) in
            selected.into_iter().zip(names).zip(errors).zip(outputs)
        {
            let (path, path_at, item, method, operation, at, wire, _) = op;
            let mut parameters = self.lower_parameters(
                &rust,
                &path_at,
                &item.parameters,
                &at,
                &operation.parameters,
                operation.request_body.is_some(),
            );
            let body = self.lower_body(
                &rust,
                operation.request_body.as_ref(),
                &pointer(&at, "requestBody"),
            );
            let responses =
                self.lower_responses(&rust, &operation.responses, &pointer(&at, "responses"));
            self.report_schemaless(operation, &at, body.as_ref(), &responses);
            let accept = accepted_media_types(&operation.responses, api);
            let versions = documented_versions(operation, api);
            let sunset = operation
                .extensions
                .get("x-sunset")
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            if let Some(body) = &body {
                self.bind_tag_parameter(&mut parameters, &body.ty);
            }
            let template = self.bind_path(path, &parameters, &at);
            let doc = join_doc(
                operation.summary.as_deref(),
                operation.description.as_deref(),
            );
            self.operations.push(Operation {
                name: Name { rust, wire },
                error,
                output,
                doc,
                deprecated: operation.deprecated,
                method,
                path: path.clone(),
                template,
                parameters,
                body,
                responses,
                accept,
                versions,
                sunset,
            });
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
        has_body: bool,
    ) -> Vec<IrParameter> {
        let mut found: Vec<(&'a Parameter, String)> = Vec::new();
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
                // An operation's parameter replaces a path-level one of the same name and place.
                let data = parameter.parameter_data_ref();
                found.retain(|(p, _)| {
                    let other = p.parameter_data_ref();
                    !(other.name == data.name && location_name(p) == location_name(parameter))
                });
                found.push((parameter, parameter_at));
            }
        }
        // The builder's own names: its constructor, the `build` methods, `parse_response`, and `body` when the
        // operation takes one.
        let mut reserved = vec![
            "new",
            "build",
            "build_unchecked",
            "build_with",
            "parse_response",
            "api_version",
        ];
        if has_body {
            reserved.push("body");
        }
        let claimants: Vec<naming::Claimant<'_>> = found
            .iter()
            .map(|(p, at)| {
                // A path parameter keeps its name over a query or header parameter of the same
                // name: the path is where the name comes from.
                let precedence = match p {
                    Parameter::Path { .. } => naming::Precedence::Given,
                    _ => naming::Precedence::Derived,
                };
                self.claimant(&p.parameter_data_ref().name, at, precedence)
            })
            .collect();
        let (names, renames) = naming::Scope::new(Kind::Field, &reserved)
            .with_reserved_suffix("param")
            .assign(&claimants);
        self.report_renames("parameter", &claimants, &renames);
        drop(claimants);
        found
            .into_iter()
            .zip(names)
            .filter_map(|((parameter, at), rust)| {
                self.lower_parameter(operation, parameter, &at, rust)
            })
            .collect()
    }

    fn resolve_parameter(
        &mut self,
        parameter: &'a ReferenceOr<Parameter>,
        at: &str,
    ) -> Option<(&'a Parameter, String)> {
        let api: &'a openapiv3::OpenAPI = self.api;
        self.resolve_component(
            parameter,
            at,
            "parameters",
            api.components.as_ref().map(|c| &c.parameters),
        )
    }

    fn lower_parameter(
        &mut self,
        operation: &str,
        parameter: &'a Parameter,
        at: &str,
        rust: String,
    ) -> Option<IrParameter> {
        let (data, location, style): (&'a ParameterData, Location, Style) = match parameter {
            Parameter::Path {
                parameter_data,
                style,
            } => {
                let style = match style {
                    PathStyle::Simple => Style::Simple,
                    PathStyle::Label => Style::Label,
                    PathStyle::Matrix => Style::Matrix,
                };
                (parameter_data, Location::Path, style)
            }
            Parameter::Query {
                parameter_data,
                style,
                allow_reserved,
                ..
            } => {
                if *allow_reserved {
                    let message = format!(
                        "query parameter `{}` has `allowReserved: true`; reserved characters in its value are percent-encoded all the same",
                        parameter_data.name
                    );
                    self.report.warning(
                        Code::ParameterStyle,
                        &pointer(at, "allowReserved"),
                        message,
                    );
                }
                let style = match style {
                    QueryStyle::Form => Style::Form,
                    QueryStyle::SpaceDelimited => Style::SpaceDelimited,
                    QueryStyle::PipeDelimited => Style::PipeDelimited,
                    QueryStyle::DeepObject => Style::DeepObject,
                };
                (parameter_data, Location::Query, style)
            }
            Parameter::Header {
                parameter_data,
                style: HeaderStyle::Simple,
            } => (parameter_data, Location::Header, Style::Simple),
            Parameter::Cookie { parameter_data, .. } => {
                let message = format!(
                    "cookie parameter `{}` is left out of the builder",
                    parameter_data.name
                );
                self.report.warning(Code::CookieParameter, at, message);
                return None;
            }
        };
        let schema_at = pointer(at, "schema");
        let (ty, constraints) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let schema = RefOr::from(schema);
                let ty = match schema {
                    RefOr::Item(s) if is_inline_enum(s) => {
                        let candidates: Vec<String> = vec![
                            naming::rust_name(&data.name, Kind::Type),
                            naming::nested_type_name(operation, &data.name),
                        ];
                        let ty = self.inline_type_named(s, &schema_at, &candidates);
                        self.document_parameter_type(&ty, data.description.as_deref());
                        ty
                    }
                    _ => self.type_ref(
                        schema,
                        &schema_at,
                        Some(naming::nested_type_name(operation, &data.name)),
                    ),
                };
                let constraints = match schema {
                    RefOr::Item(s) => self.constraints(s, &schema_at),
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
                    .warning(Code::ParameterContent, &pointer(at, "content"), message);
                (TypeRef::String, Constraints::default())
            }
        };
        let explode = data.explode.unwrap_or(style == Style::Form);
        // Combinations OpenAPI's style table leaves undefined, written as the nearest one it has.
        let list = matches!(ty, TypeRef::List(_));
        let instead = match style {
            Style::DeepObject if list => Some("`form` (one pair per item, or `a,b` unexploded)"),
            Style::SpaceDelimited | Style::PipeDelimited if explode => {
                Some("`form` with `explode` (one pair per item or property)")
            }
            _ => None,
        };
        if let Some(instead) = instead {
            let message = format!(
                "parameter `{}` asks for a style and `explode` the OpenAPI 3.0 style table does not define for its type; it is written as {instead}",
                data.name
            );
            self.report.warning(Code::ParameterStyle, at, message);
        }
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
            style,
            explode,
            from_body_tag: false,
        })
    }
}

impl Lowerer<'_> {
    /// An enum declared inside a parameter usually documents itself through the parameter.
    fn document_parameter_type(&mut self, ty: &TypeRef, description: Option<&str>) {
        let (TypeRef::Named(id), Some(description)) = (ty, description) else {
            return;
        };
        if let Some(def) = self.type_def_mut(*id).filter(|t| t.doc.is_none()) {
            def.doc = Some(description.trim().to_owned());
        }
    }
}

fn is_inline_enum(schema: &openapiv3::Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s)) if s.enumeration.iter().any(Option::is_some))
}

pub(super) fn operations(
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

impl<'a> Lowerer<'a> {
    /// Marks the path parameter whose enum lists every tag of the body's tagged union: its value
    /// is the body's discriminator, so the two cannot disagree.
    fn bind_tag_parameter(&self, parameters: &mut [IrParameter], body: &TypeRef) {
        let TypeRef::Named(body) = body else { return };
        let Some(TypeKind::Tagged(union)) = self.type_def(*body).map(|t| &t.kind) else {
            return;
        };
        let candidates: Vec<usize> = parameters
            .iter()
            .enumerate()
            .filter(|(_, p)| p.location == Location::Path)
            .filter(|(_, p)| {
                let TypeRef::Named(id) = &p.ty else {
                    return false;
                };
                let Some(TypeKind::Enum(values)) = self.type_def(*id).map(|t| &t.kind) else {
                    return false;
                };
                !union.variants.is_empty()
                    && union
                        .variants
                        .iter()
                        .all(|v| values.values.iter().any(|value| value.wire == v.name.wire))
            })
            .map(|(index, _)| index)
            .collect();
        // Only an unambiguous match is bound.
        if let [index] = candidates[..] {
            parameters[index].from_body_tag = true;
        }
    }
}

impl Lowerer<'_> {
    /// Names derived from each builder's name and `suffix` (`<Op>Error`, `<Op>Response`), none of
    /// them `taken`; renames are reported as `what`.
    fn derived_names(
        &mut self,
        builders: &[String],
        pointers: &[&str],
        suffix: &str,
        taken: &[&str],
        what: &str,
    ) -> Vec<String> {
        let wires: Vec<String> = builders.iter().map(|n| format!("{n} {suffix}")).collect();
        let claimants: Vec<naming::Claimant<'_>> = wires
            .iter()
            .zip(pointers)
            .map(|(wire, pointer)| naming::Claimant {
                wire,
                pointer,
                precedence: naming::Precedence::Derived,
                pinned: None,
                alternative: None,
            })
            .collect();
        let (names, renames) = naming::Scope::new(Kind::Type, taken).assign(&claimants);
        self.report_renames(what, &claimants, &renames);
        names
    }
}

/// Where a parameter travels, as OpenAPI names it.
fn location_name(parameter: &Parameter) -> &'static str {
    match parameter {
        Parameter::Path { .. } => "path",
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Cookie { .. } => "cookie",
    }
}

/// An operationId for an operation that has none, from its method and path: `GET /users/{id}/keys`
/// is `get users id keys`, `GET /` is `get root`.
fn derived_operation_id(method: &str, path: &str) -> String {
    let words: Vec<&str> = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        format!("{method} root")
    } else {
        format!("{method} {}", words.join(" "))
    }
}

impl Lowerer<'_> {
    /// Parses a path template and binds each `{variable}` to the path parameter of that name,
    /// reporting a variable without a parameter, a path parameter the template does not use, and
    /// an unclosed brace.
    fn bind_path(&mut self, path: &str, parameters: &[IrParameter], at: &str) -> Vec<PathSegment> {
        let mut segments = Vec::new();
        let mut used = vec![false; parameters.len()];
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                let message = format!("the path `{path}` has a `{{` that is never closed");
                self.report.error(Code::PathParameter, at, message);
                break;
            };
            if open > 0 {
                segments.push(PathSegment::Literal(rest[..open].to_owned()));
            }
            let variable = &rest[open + 1..close];
            let bound = parameters
                .iter()
                .position(|p| p.location == Location::Path && p.name.wire == variable);
            match bound {
                Some(index) => {
                    used[index] = true;
                    segments.push(PathSegment::Parameter(index));
                }
                None => {
                    let message = format!(
                        "the path variable `{{{variable}}}` has no path parameter named `{variable}`"
                    );
                    self.report.error(Code::PathParameter, at, message);
                }
            }
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            segments.push(PathSegment::Literal(rest.to_owned()));
        }
        for (parameter, used) in parameters.iter().zip(used) {
            if parameter.location == Location::Path && !used {
                let message = format!(
                    "path parameter `{}` does not appear in the path `{path}`",
                    parameter.name.wire
                );
                self.report.error(Code::PathParameter, at, message);
            }
        }
        segments
    }
}
