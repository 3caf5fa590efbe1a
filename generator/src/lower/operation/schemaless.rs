//! Bodies and responses in a JSON media type that give no `schema`: the crate sends or decodes any
//! JSON value there, held as a `serde_json::Value`, and the run reports each one as `free-form`,
//! as it does every schema that falls back to such a value.

use indexmap::IndexMap;
use openapiv3::{MediaType, StatusCode};

use super::super::{Lowerer, resolve};
use super::media::{atlas_version, is_json, is_stable};
use crate::diagnostics::pointer;
use crate::ir::{Content, RequestBody, Response, Status, TypeRef};

impl<'a> Lowerer<'a> {
    /// Reports the request body and the responses of `operation` (at `at`) that were lowered to
    /// a free-form value because their media type has no schema. One whose schema lowered to a
    /// free-form value was reported where that schema is.
    pub(super) fn report_schemaless(
        &mut self,
        operation: &'a openapiv3::Operation,
        at: &str,
        body: Option<&RequestBody>,
        responses: &[Response],
    ) {
        let components = self.api.components.as_ref();
        if let Some(lowered) = body.filter(|b| b.ty == TypeRef::Json)
            && let Some(raw) = &operation.request_body
            && let Ok((raw, body_at)) = resolve::component(
                raw,
                &pointer(at, "requestBody"),
                "requestBodies",
                components.map(|c| &c.request_bodies),
            )
            && raw
                .content
                .get(&lowered.media_type)
                .is_some_and(|media| media.schema.is_none())
        {
            let message = format!(
                "the request body's media type `{}` has no `schema`, so any JSON value is sent; the body is a free-form `serde_json::Value`",
                lowered.media_type
            );
            let content_at = pointer(&pointer(&body_at, "content"), &lowered.media_type);
            self.free_form(&content_at, message);
        }
        for lowered in responses {
            if lowered.content != Content::Json(TypeRef::Json) {
                continue;
            }
            let raw = match lowered.status {
                Status::Code(code) => operation.responses.responses.get(&StatusCode::Code(code)),
                Status::Range(class) => {
                    operation.responses.responses.get(&StatusCode::Range(class))
                }
                Status::Default => operation.responses.default.as_ref(),
            };
            let label = lowered.status.label();
            let Some(Ok((raw, response_at))) = raw.map(|raw| {
                resolve::component(
                    raw,
                    &pointer(&pointer(at, "responses"), &label),
                    "responses",
                    components.map(|c| &c.responses),
                )
            }) else {
                continue;
            };
            if let Some((media_type, media)) = decoded_media_type(&raw.content)
                && media.schema.is_none()
            {
                let message = format!(
                    "the `{label}` response's media type `{media_type}` has no `schema`, so any JSON value is accepted; the body decodes to a free-form `serde_json::Value`"
                );
                let content_at = pointer(&pointer(&response_at, "content"), media_type);
                self.free_form(&content_at, message);
            }
        }
    }
}

/// The JSON media type a response is decoded from, chosen as the lowering of responses chooses:
/// the newest version, a dated one before `preview` and `.upcoming`.
fn decoded_media_type(content: &IndexMap<String, MediaType>) -> Option<(&str, &MediaType)> {
    content
        .iter()
        .filter(|(name, _)| is_json(name))
        .max_by_key(|(name, _)| (atlas_version(name).is_none_or(is_stable), name.as_str()))
        .map(|(name, media)| (name.as_str(), media))
}
