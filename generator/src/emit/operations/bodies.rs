//! The bytes of a request body, in the encoding its media type calls for: JSON, a form, a
//! multipart form, text or bytes as they are.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Context, style_tokens};
use crate::ir::{
    BodyEncoding, Field, FormEncoding, PartEncoding, RequestBody, Style, TypeKind, TypeRef,
};
use crate::lower::is_file;
use crate::naming::ident;

/// What `build_with` does for a body: statements run before the request is assembled, the
/// `Content-Type` header's value and the expression of the bytes.
pub(super) struct BodyTokens {
    pub(super) setup: Option<TokenStream>,
    pub(super) content_type: TokenStream,
    pub(super) bytes: TokenStream,
}

impl Context<'_> {
    /// The tokens that encode `body`; `versioned` is whether `Content-Type` is the version chosen
    /// at run time (a local `versioned` holds it).
    pub(super) fn body_tokens(&self, body: &RequestBody, versioned: bool) -> BodyTokens {
        let media_type = &body.media_type;
        let content_type = if versioned && crate::lower::atlas_version(media_type).is_some() {
            quote!(versioned.as_str())
        } else {
            quote!(#media_type)
        };
        let (setup, content_type, bytes) = match &body.encoding {
            BodyEncoding::Json => (
                None,
                content_type,
                quote!(::serde_json::to_vec(&self.body)?),
            ),
            BodyEncoding::Text => (
                None,
                content_type,
                quote!(crate::runtime::text_body(&self.body)?),
            ),
            BodyEncoding::Bytes => (
                None,
                content_type,
                quote!(::std::clone::Clone::clone(&self.body.0)),
            ),
            BodyEncoding::Form(fields) => {
                let setup = self.form(&body.ty, fields);
                (Some(setup), content_type, quote!(form_body))
            }
            BodyEncoding::Multipart(parts) => {
                let setup = self.multipart(&body.ty, parts);
                (
                    Some(setup),
                    quote!(multipart_type.as_str()),
                    quote!(multipart_body),
                )
            }
        };
        BodyTokens {
            setup,
            content_type,
            bytes,
        }
    }

    /// Statements that write each field of the body's struct (or each entry of a map) as form
    /// pairs in order, and bind `form_body`.
    fn form(&self, ty: &TypeRef, encodings: &[FormEncoding]) -> TokenStream {
        let style_of = |wire: &str| {
            let (style, explode) = encodings
                .iter()
                .find(|e| e.name == wire)
                .map_or((Style::Form, true), |e| (e.style, e.explode));
            (style_tokens(style), explode)
        };
        let (default_style, _) = style_of("");
        let writes: Vec<TokenStream> = match ty.named().and_then(|id| self.kind(id)) {
            Some(TypeKind::Struct(s)) => {
                let fields = s.fields.iter().map(|field| {
                    let name = ident(&field.name.rust);
                    let wire = &field.name.wire;
                    let (style, explode) = style_of(wire);
                    quote!(form.field(#wire, &self.body.#name, #style, #explode)?;)
                });
                let additional = s.additional.iter().map(|additional| {
                    let name = ident(&additional.rust);
                    quote! {
                        for (key, value) in &self.body.#name {
                            form.field(key, value, #default_style, true)?;
                        }
                    }
                });
                let unknown = s.unknown.iter().map(|unknown| {
                    let name = ident(unknown);
                    quote! {
                        for (key, value) in self.body.#name.iter() {
                            form.field(key, value, #default_style, true)?;
                        }
                    }
                });
                fields.chain(additional).chain(unknown).collect()
            }
            _ => vec![quote! {
                for (key, value) in &self.body {
                    form.field(key, value, #default_style, true)?;
                }
            }],
        };
        quote! {
            let form_body = {
                let mut form = crate::runtime::Form::new();
                #(#writes)*
                form.finish()
            };
        }
    }

    /// Statements that write each field of the body's struct as parts, and bind
    /// `multipart_type` and `multipart_body`.
    fn multipart(&self, ty: &TypeRef, parts: &[PartEncoding]) -> TokenStream {
        let (fields, additional) = match ty.named().and_then(|id| self.kind(id)) {
            Some(TypeKind::Struct(s)) => (s.fields.as_slice(), s.additional.as_ref()),
            _ => (&[][..], None),
        };
        let unknown = match ty.named().and_then(|id| self.kind(id)) {
            Some(TypeKind::Struct(s)) => s.unknown.as_deref(),
            _ => None,
        };
        let writes = fields.iter().map(|field| self.part(field, parts));
        let kept = unknown.map(|unknown| {
            let name = ident(unknown);
            quote! {
                for (key, value) in self.body.#name.iter() {
                    form.text(key, value)?;
                }
            }
        });
        let extra = additional.map(|additional| {
            let name = ident(&additional.rust);
            quote! {
                for (key, value) in &self.body.#name {
                    form.text(key, value)?;
                }
            }
        });
        quote! {
            let (multipart_type, multipart_body) = {
                let mut form = crate::runtime::Multipart::new();
                #(#writes)*
                #extra
                #kept
                form.finish()?
            };
        }
    }

    /// The statement that writes one field as its parts.
    fn part(&self, field: &Field, parts: &[PartEncoding]) -> TokenStream {
        let name = ident(&field.name.rust);
        let wire = &field.name.wire;
        let write = if is_file(&field.ty) {
            let content_type = match parts.iter().find(|p| &p.name == wire) {
                Some(PartEncoding {
                    content_type: Some(media),
                    ..
                }) => quote!(::std::option::Option::Some(#media)),
                _ => quote!(::std::option::Option::None),
            };
            match field.ty.strip_nullable() {
                TypeRef::List(item) if matches!(**item, TypeRef::Nullable(_)) => quote! {
                    for item in value.iter().flatten() {
                        form.file(#wire, item, #content_type)?;
                    }
                },
                TypeRef::List(_) => quote! {
                    for item in value {
                        form.file(#wire, item, #content_type)?;
                    }
                },
                _ => quote!(form.file(#wire, value, #content_type)?;),
            }
        } else {
            quote!(form.text(#wire, value)?;)
        };
        if field.optional() {
            quote! {
                if let ::std::option::Option::Some(value) = &self.body.#name {
                    #write
                }
            }
        } else {
            quote! {
                let value = &self.body.#name;
                #write
            }
        }
    }
}
