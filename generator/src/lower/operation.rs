//! Lowering operations: their names, methods, paths and parameters.

use openapiv3::{
    MediaType, Parameter, ParameterData, ParameterSchemaOrContent, PathItem, ReferenceOr,
    RequestBody, Responses, SchemaKind, StatusCode, Type,
};

use super::{Lowerer, RefOr};
use crate::diagnostics::{Code, pointer};
use crate::ir::{
    Constraints, Content, Location, MediaKind, Method, Name, Operation, Parameter as IrParameter,
    PathSegment, RequestBody as IrBody, Response as IrResponse, TypeKind, TypeRef,
};
use crate::naming::{self, Kind};

impl<'a> Lowerer<'a> {
    pub(super) fn lower_operations(&mut self) {
        let api: &'a openapiv3::OpenAPI = self.api;
        // Every selected operation, with the name it asks for: its operationId, or one made of its
        // method and path when it has none.
        let mut selected = Vec::new();
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
        let error_wires: Vec<String> = names.iter().map(|n| format!("{n} error")).collect();
        let error_claimants: Vec<naming::Claimant<'_>> = selected
            .iter()
            .zip(&error_wires)
            .map(|(op, wire)| naming::Claimant {
                wire,
                pointer: &op.5,
                precedence: naming::Precedence::Derived,
                pinned: None,
                alternative: None,
            })
            .collect();
        let (errors, error_renames) =
            naming::Scope::new(Kind::Type, &builders).assign(&error_claimants);
        self.report_renames("error enum", &error_claimants, &error_renames);
        drop(claimants);
        for ((op, rust), error) in selected.into_iter().zip(names).zip(errors) {
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
        let (data, location): (&'a ParameterData, Location) = match parameter {
            Parameter::Path { parameter_data, .. } => (parameter_data, Location::Path),
            Parameter::Query { parameter_data, .. } => (parameter_data, Location::Query),
            Parameter::Header { parameter_data, .. } => (parameter_data, Location::Header),
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
    fn lower_body(
        &mut self,
        operation: &str,
        body: Option<&'a ReferenceOr<RequestBody>>,
        at: &str,
    ) -> Option<IrBody> {
        let api: &'a openapiv3::OpenAPI = self.api;
        let (body, at) = self.resolve_component(
            body?,
            at,
            "requestBodies",
            api.components.as_ref().map(|c| &c.request_bodies),
        )?;
        let Some((media_type, content)) = pick_media_type(&body.content) else {
            self.report.warning(
                Code::BodyMediaType,
                &pointer(&at, "content"),
                "the request body has no media type; it is left out",
            );
            return None;
        };
        let content_at = pointer(&pointer(&at, "content"), media_type);
        let ty = match &content.schema {
            Some(schema) => self.type_ref(
                RefOr::from(schema),
                &pointer(&content_at, "schema"),
                Some(naming::nested_type_name(operation, "request body")),
            ),
            None => TypeRef::Json,
        };
        let kind = MediaKind::of(media_type);
        if kind != MediaKind::Json {
            let message = format!(
                "the request body's media type `{media_type}` is not JSON; the body is encoded as JSON and sent with that `Content-Type`"
            );
            self.report
                .warning(Code::BodyMediaType, &content_at, message);
        }
        Some(IrBody {
            media_type: media_type.to_owned(),
            kind,
            ty,
            doc: body.description.clone(),
        })
    }

    fn lower_responses(
        &mut self,
        operation: &str,
        responses: &'a Responses,
        at: &str,
    ) -> Vec<IrResponse> {
        let mut out = Vec::new();
        for (status, response) in &responses.responses {
            let StatusCode::Code(code) = status else {
                let message = format!(
                    "responses in the range `{status}` decode as `Undocumented`, with status, headers and body kept"
                );
                self.report.warning(
                    Code::StatusRange,
                    &pointer(at, &status.to_string()),
                    message,
                );
                continue;
            };
            let response_at = pointer(at, &code.to_string());
            let api: &'a openapiv3::OpenAPI = self.api;
            let responses = api.components.as_ref().map(|c| &c.responses);
            let Some((response, response_at)) =
                self.resolve_component(response, &response_at, "responses", responses)
            else {
                continue;
            };
            let content = match pick_media_type(&response.content) {
                None => Content::Empty,
                Some((media_type, media)) if is_json(media_type) => match &media.schema {
                    Some(schema) => {
                        let schema_at = pointer(
                            &pointer(&pointer(&response_at, "content"), media_type),
                            "schema",
                        );
                        let hint = Some(naming::nested_type_name(
                            operation,
                            &format!("response {code}"),
                        ));
                        Content::Json(self.type_ref(RefOr::from(schema), &schema_at, hint))
                    }
                    None => Content::Json(TypeRef::Json),
                },
                Some(_) => Content::Bytes,
            };
            out.push(IrResponse {
                status: *code,
                name: status_name(*code),
                doc: Some(response.description.clone()).filter(|d| !d.trim().is_empty()),
                content,
            });
        }
        out
    }

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

/// The media type to use from a content map: the newest JSON, else whatever comes first.
fn pick_media_type(content: &indexmap::IndexMap<String, MediaType>) -> Option<(&str, &MediaType)> {
    // Among versioned JSON types (`application/vnd.atlas.2023-01-01+json`), the dates sort, so
    // the greatest is the newest version; a stable (dated) version is preferred to `preview` and
    // to an `.upcoming` one.
    content
        .iter()
        .filter(|(name, _)| is_json(name))
        .max_by_key(|(name, _)| (atlas_version(name).is_none_or(is_stable), name.as_str()))
        .or_else(|| content.iter().next())
        .map(|(name, media)| (name.as_str(), media))
}

/// The version an Atlas media type names (`2023-01-01` of `application/vnd.atlas.2023-01-01+json`,
/// also `preview` and `2025-01-01.upcoming`).
pub(crate) fn atlas_version(media_type: &str) -> Option<&str> {
    media_type
        .split(';')
        .next()?
        .trim()
        .strip_prefix("application/vnd.atlas.")?
        .strip_suffix("+json")
}

/// Whether a version is a dated, stable one (`YYYY-MM-DD`).
pub(crate) fn is_stable(version: &str) -> bool {
    let b = version.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// The versions an operation is documented in: those of the versioned JSON media types of its
/// request body and success responses, sorted.
fn documented_versions(operation: &openapiv3::Operation, api: &openapiv3::OpenAPI) -> Vec<String> {
    let components = api.components.as_ref();
    let mut versions: Vec<String> = Vec::new();
    let mut add = |content: &indexmap::IndexMap<String, MediaType>| {
        for name in content.keys() {
            if let Some(version) = atlas_version(name)
                && !versions.iter().any(|v| v == version)
            {
                versions.push(version.to_owned());
            }
        }
    };
    if let Some(body) = &operation.request_body
        && let Some(body) =
            super::item(body, "requestBodies", components.map(|c| &c.request_bodies))
    {
        add(&body.content);
    }
    for (status, response) in &operation.responses.responses {
        if matches!(status, StatusCode::Code(200..=299) | StatusCode::Range(2))
            && let Some(response) =
                super::item(response, "responses", components.map(|c| &c.responses))
        {
            add(&response.content);
        }
    }
    versions.sort();
    versions
}

/// `application/json` and its structured-syntax relatives (`application/vnd.atlas.2023-01-01+json`).
pub(crate) fn is_json(media_type: &str) -> bool {
    MediaKind::of(media_type) == MediaKind::Json
}

/// The media types to accept: the one decoded from each success response (JSON, newest version
/// first), else from the error responses. A type the client would not decode is not asked for.
fn accepted_media_types(responses: &Responses, api: &openapiv3::OpenAPI) -> Vec<String> {
    let resolve = |response: &ReferenceOr<openapiv3::Response>| -> Option<Vec<String>> {
        let response = super::item(
            response,
            "responses",
            api.components.as_ref().map(|c| &c.responses),
        )?;
        Some(
            pick_media_type(&response.content)
                .map(|(name, _)| name.to_owned())
                .into_iter()
                .collect(),
        )
    };
    let mut success = Vec::new();
    let mut other = Vec::new();
    for (status, response) in &responses.responses {
        let is_success = matches!(status, StatusCode::Code(200..=299) | StatusCode::Range(2));
        let target = if is_success { &mut success } else { &mut other };
        for media_type in resolve(response).unwrap_or_default() {
            if !target.contains(&media_type) {
                target.push(media_type);
            }
        }
    }
    if success.is_empty() { other } else { success }
}

/// The Rust name of a status code: its reason phrase in `UpperCamelCase`.
fn status_name(code: u16) -> String {
    http::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|reason| naming::rust_name(reason, Kind::Variant))
        .unwrap_or_else(|| format!("Status{code}"))
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
