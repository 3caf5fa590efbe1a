//! Bodies, responses and media types: which media type a body or response is read in, the
//! versions an Atlas operation is documented in, and what the client asks for in `Accept`.

use openapiv3::{MediaType, ReferenceOr, RequestBody, Responses, StatusCode};

use super::super::{Lowerer, RefOr};
use crate::diagnostics::{Code, pointer};
use crate::ir::{
    BodyEncoding, Content, FormEncoding, MediaKind, PartEncoding, RequestBody as IrBody,
    Response as IrResponse, Status, Style, TypeRef,
};
use crate::naming::{self, Kind};

impl<'a> Lowerer<'a> {
    pub(super) fn lower_body(
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
            // Bytes in a media type that is not JSON: a schema that says nothing of their shape
            // (an `example` alone) is no free-form JSON value, the bytes are sent as they are.
            Some(ReferenceOr::Item(schema))
                if MediaKind::of(media_type) == MediaKind::Binary
                    && matches!(&schema.schema_kind, openapiv3::SchemaKind::Any(any) if any.typ.is_none() && any.properties.is_empty() && any.all_of.is_empty() && any.one_of.is_empty() && any.any_of.is_empty()) =>
            {
                TypeRef::Binary
            }
            Some(schema) => self.type_ref(
                RefOr::from(schema),
                &pointer(&content_at, "schema"),
                Some(
                    component_name(&at, "requestBodies")
                        .unwrap_or_else(|| naming::nested_type_name(operation, "request body")),
                ),
            ),
            None => TypeRef::Json,
        };
        let (media_type, kind, encoding, ty) =
            self.body_encoding(media_type, content, ty, &content_at);
        Some(IrBody {
            media_type,
            kind,
            encoding,
            ty,
            doc: body.description.clone(),
            pointer: content_at,
        })
    }

    /// How a body in `media_type` is encoded, the `Content-Type` it is sent with and its type.
    /// What cannot be encoded as the document says is reported, with what is done instead.
    fn body_encoding(
        &mut self,
        media_type: &str,
        content: &MediaType,
        ty: TypeRef,
        at: &str,
    ) -> (String, MediaKind, BodyEncoding, TypeRef) {
        let kind = MediaKind::of(media_type);
        let essence = crate::ir::essence(media_type);
        let wildcard = essence.contains('*');
        let bytes = matches!(ty, TypeRef::Binary)
            || (kind == MediaKind::Binary && matches!(ty, TypeRef::Json | TypeRef::String));
        if bytes {
            let sent = if wildcard {
                self.report.warning(
                    Code::BodyMediaType,
                    at,
                    format!("`{media_type}` is not a media type a request can be sent in; the bytes are sent as `application/octet-stream`"),
                );
                "application/octet-stream".to_owned()
            } else {
                media_type.to_owned()
            };
            return (
                sent,
                MediaKind::Binary,
                BodyEncoding::Bytes,
                TypeRef::Binary,
            );
        }
        match kind {
            MediaKind::Json if wildcard => {
                self.report.warning(
                    Code::BodyMediaType,
                    at,
                    format!("`{media_type}` is not a media type a request can be sent in; the body is sent as `application/json`"),
                );
                ("application/json".to_owned(), kind, BodyEncoding::Json, ty)
            }
            MediaKind::Json => (media_type.to_owned(), kind, BodyEncoding::Json, ty),
            MediaKind::Text => {
                if !self.is_text(&ty) {
                    self.report.warning(
                        Code::BodyMediaType,
                        at,
                        format!("the body of media type `{media_type}` is not a string, number or boolean; it is sent as its JSON text"),
                    );
                }
                (media_type.to_owned(), kind, BodyEncoding::Text, ty)
            }
            MediaKind::FormUrlEncoded => {
                let fields = self.form_encodings(content, at);
                (media_type.to_owned(), kind, BodyEncoding::Form(fields), ty)
            }
            MediaKind::Multipart => {
                if essence != "multipart/form-data" {
                    self.report.warning(
                        Code::BodyMediaType,
                        at,
                        format!("`{media_type}` is sent as `multipart/form-data`, the one multipart form the crate writes"),
                    );
                }
                let parts = content
                    .encoding
                    .iter()
                    .map(|(name, encoding)| PartEncoding {
                        name: name.clone(),
                        content_type: encoding.content_type.clone(),
                    })
                    .collect();
                (
                    "multipart/form-data".to_owned(),
                    kind,
                    BodyEncoding::Multipart(parts),
                    ty,
                )
            }
            MediaKind::Binary => {
                self.report.warning(
                    Code::BodyMediaType,
                    at,
                    format!("the crate cannot encode a structured body as `{media_type}`; it is sent as JSON, with `Content-Type: application/json`"),
                );
                (
                    "application/json".to_owned(),
                    MediaKind::Json,
                    BodyEncoding::Json,
                    ty,
                )
            }
        }
    }

    /// Whether a value has one text: a string, number, boolean or string enum.
    fn is_text(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::String | TypeRef::Secret | TypeRef::Bool | TypeRef::Binary => true,
            TypeRef::Named(id) => matches!(
                self.type_def(*id).map(|t| &t.kind),
                Some(crate::ir::TypeKind::Enum(_) | crate::ir::TypeKind::Alias(TypeRef::String))
            ),
            ty => ty.is_number(),
        }
    }

    /// The `encoding` entries of a form body that differ from the defaults; entries that say
    /// what the form cannot do are reported.
    fn form_encodings(&mut self, content: &MediaType, at: &str) -> Vec<FormEncoding> {
        let mut fields = Vec::new();
        for (name, encoding) in &content.encoding {
            let entry_at = pointer(&pointer(at, "encoding"), name);
            if encoding.content_type.is_some() {
                self.report.warning(
                    Code::BodyMediaType,
                    &pointer(&entry_at, "contentType"),
                    "a form-urlencoded property has no media type of its own; `contentType` is ignored and the value written by its style",
                );
            }
            let style = match encoding.style {
                None | Some(openapiv3::QueryStyle::Form) => Style::Form,
                Some(openapiv3::QueryStyle::SpaceDelimited) => Style::SpaceDelimited,
                Some(openapiv3::QueryStyle::PipeDelimited) => Style::PipeDelimited,
                Some(openapiv3::QueryStyle::DeepObject) => Style::DeepObject,
            };
            // The document model reads an absent `explode` as `false`, whatever the style; for
            // the `form` style, whose default is `true`, that is taken as not written.
            let explode = style == Style::Form || encoding.explode;
            if (style, explode) != (Style::Form, true) {
                fields.push(FormEncoding {
                    name: name.clone(),
                    style,
                    explode,
                });
            }
        }
        fields
    }

    pub(super) fn lower_responses(
        &mut self,
        operation: &str,
        responses: &'a Responses,
        at: &str,
    ) -> Vec<IrResponse> {
        let mut out = Vec::new();
        let listed = responses
            .responses
            .iter()
            .map(|(status, response)| {
                let status = match status {
                    StatusCode::Code(code) => Status::Code(*code),
                    StatusCode::Range(class) => Status::Range(*class),
                };
                (status, response)
            })
            .chain(responses.default.iter().map(|r| (Status::Default, r)));
        for (status, response) in listed {
            let label = status.label();
            let response_at = pointer(at, &label);
            let api: &'a openapiv3::OpenAPI = self.api;
            let responses = api.components.as_ref().map(|c| &c.responses);
            let Some((response, response_at)) =
                self.resolve_component(response, &response_at, "responses", responses)
            else {
                continue;
            };
            let content = match pick_media_type(&response.content) {
                // These statuses never carry a body, whatever media type the document lists
                // (Atlas documents one, without a schema, for its 204 answers).
                _ if matches!(status, Status::Code(204 | 205 | 304)) => Content::Empty,
                None => Content::Empty,
                Some((media_type, media)) if is_json(media_type) => match &media.schema {
                    Some(schema) => {
                        let schema_at = pointer(
                            &pointer(&pointer(&response_at, "content"), media_type),
                            "schema",
                        );
                        // A component response's schema is lowered once, at its own pointer, and
                        // named after the component, for every operation that refers to it.
                        let hint = Some(component_name(&response_at, "responses").unwrap_or_else(
                            || naming::nested_type_name(operation, &format!("response {label}")),
                        ));
                        Content::Json(self.type_ref(RefOr::from(schema), &schema_at, hint))
                    }
                    None => Content::Json(TypeRef::Json),
                },
                Some(_) => Content::Bytes,
            };
            out.push(IrResponse {
                status,
                name: status_name(status),
                doc: Some(response.description.clone()).filter(|d| !d.trim().is_empty()),
                content,
            });
        }
        out
    }
}

/// The type name for an inline schema of the component at `at` in `components/{section}` (the
/// component's own name), or `None` where `at` is not such a component.
fn component_name(at: &str, section: &str) -> Option<String> {
    let segments = crate::lower::resolve::segments(&format!("#{at}")).ok()?;
    match segments.as_slice() {
        [components, s, key] if components == "components" && s == section => {
            Some(naming::rust_name(key, Kind::Type))
        }
        _ => None,
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
pub(super) fn documented_versions(
    operation: &openapiv3::Operation,
    api: &openapiv3::OpenAPI,
) -> Vec<String> {
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
            super::super::item(body, "requestBodies", components.map(|c| &c.request_bodies))
    {
        add(&body.content);
    }
    for (status, response) in &operation.responses.responses {
        if matches!(status, StatusCode::Code(200..=299) | StatusCode::Range(2))
            && let Some(response) =
                super::super::item(response, "responses", components.map(|c| &c.responses))
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
pub(super) fn accepted_media_types(responses: &Responses, api: &openapiv3::OpenAPI) -> Vec<String> {
    let resolve = |response: &ReferenceOr<openapiv3::Response>| -> Option<Vec<String>> {
        let response = super::super::item(
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

/// The Rust name of a status: its reason phrase in `UpperCamelCase`, the class of a range
/// (`ClientError` for `4XX`), or `Default`.
fn status_name(status: Status) -> String {
    let code = match status {
        Status::Code(code) => code,
        Status::Range(class) => {
            let name = match class {
                1 => "Informational",
                2 => "Success",
                3 => "Redirection",
                4 => "ClientError",
                5 => "ServerError",
                _ => return format!("Status{class}xx"),
            };
            return name.to_owned();
        }
        Status::Default => return "Default".to_owned(),
    };
    http::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|reason| naming::rust_name(reason, Kind::Variant))
        .unwrap_or_else(|| format!("Status{code}"))
}
