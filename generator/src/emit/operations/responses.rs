//! Reading responses: each operation's `parse_response`, its error enum, and the error details
//! of the error bodies.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::super::docs::{doc_attrs, with_paragraph};
use super::{Context, default_version, rust_type};
use crate::ir::{Api, Content, Location, Operation, Response, TypeId, TypeKind, TypeRef};
use crate::naming::ident;

impl Context<'_> {
    /// The output type and the `parse_response` method.
    pub(super) fn parse(&self, op: &Operation, error: &Ident) -> (TokenStream, TokenStream) {
        let success: Vec<&Response> = op.responses.iter().filter(|r| r.is_success()).collect();
        let output_content = success
            .first()
            .map_or(Content::Empty, |r| r.content.clone());
        let output = match &output_content {
            Content::Empty => quote!(()),
            Content::Json(ty) => self.rust_type(ty),
            Content::Bytes => quote!(::std::vec::Vec<u8>),
        };
        let envelope_parameter = op.parameters.iter().find(|p| {
            p.location == Location::Query && p.name.wire == "envelope" && p.ty == TypeRef::Bool
        });
        let envelope = envelope_parameter
            .map(|p| {
                let field = ident(&p.name.rust);
                if p.required {
                    quote!(self.#field)
                } else {
                    quote!(self.#field == ::std::option::Option::Some(true))
                }
            })
            .unwrap_or_else(|| quote!(false));
        let success_arms = success.iter().map(|r| {
            let status = r.status;
            let decode = match (&output_content, &r.content) {
                (Content::Empty, _) => quote!(::std::result::Result::Ok(())),
                (Content::Bytes, _) => quote!(::std::result::Result::Ok(received.into_raw().body)),
                (Content::Json(_), _) => quote!(received.json().map_err(#error::Decode)),
            };
            quote!(#status => #decode,)
        });
        let error_arms = op.responses.iter().filter(|r| !r.is_success()).map(|r| {
            let status = r.status;
            let variant = ident(&r.name);
            match error_body(r, self.api) {
                ErrorBody::Empty => quote!(#status => ::std::result::Result::Err(#error::#variant(received.error(())))),
                ErrorBody::Bytes => quote!(#status => {
                    let raw = received.into_raw();
                    ::std::result::Result::Err(#error::#variant(crate::runtime::ErrorResponse { status: raw.status, headers: raw.headers, body: raw.body }))
                }),
                // The body's type follows from the variant's.
                ErrorBody::Json(_) => quote!(#status => ::std::result::Result::Err(received.failure(#error::#variant, #error::Decode))),
            }
        });
        let gone = version_gone(op).then(|| {
            let default = default_version(op);
            let sunset = match &op.sunset {
                Some(date) => quote!(::std::option::Option::Some(#date)),
                None => quote!(::std::option::Option::None),
            };
            quote! {
                410u16 => {
                    let version = self.api_version.as_deref().unwrap_or(#default);
                    ::std::result::Result::Err(#error::VersionGone(crate::runtime::VersionGone::new(version, #sunset, received.into_raw())))
                }
            }
        });
        let parse_doc = if envelope_parameter.is_none() {
            " Reads the response to this request: the documented output, or the operation's error."
        } else {
            " Reads the response to this request: the documented output, or the operation's error. \
             With `envelope` set, the envelope is taken off first."
        };
        let parse = quote! {
            #[doc = #parse_doc]
            pub fn parse_response(&self, response: ::http::Response<::std::vec::Vec<u8>>) -> ::std::result::Result<#output, #error> {
                let received = crate::runtime::Received::new(response, #envelope);
                match received.status().as_u16() {
                    #(#success_arms)*
                    #(#error_arms,)*
                    #gone
                    _ => ::std::result::Result::Err(#error::Undocumented(received.into_raw())),
                }
            }
        };
        (output, parse)
    }

    pub(super) fn error_enum(&self, op: &Operation, error: &Ident) -> TokenStream {
        let errors: Vec<&Response> = op.responses.iter().filter(|r| !r.is_success()).collect();
        let variants = errors.iter().map(|r| {
            let variant = ident(&r.name);
            let ty = error_body(r, self.api).ty();
            let text = with_paragraph(r.doc.as_deref(), &format!("Status {}.", r.status));
            let doc = doc_attrs(Some(&text), String::new);
            quote! { #doc #variant(crate::runtime::ErrorResponse<#ty>), }
        });
        let gone = version_gone(op);
        let names: Vec<Ident> = errors
            .iter()
            .map(|r| ident(&r.name))
            .chain([format_ident!("Undocumented"), format_ident!("Decode")])
            .chain(gone.then(|| format_ident!("VersionGone")))
            .collect();
        let gone_variant = gone.then(|| {
            quote! {
                /// `410 Gone`: the version asked for is past its sunset, or the operation is.
                VersionGone(crate::runtime::VersionGone),
            }
        });
        let doc = format!(
            " What can go wrong with [`{}`] once a response arrives.",
            op.name.rust
        );
        quote! {
            #[doc = #doc]
            #[derive(::std::fmt::Debug)]
            #[non_exhaustive]
            pub enum #error {
                #(#variants)*
                /// A status the document does not describe for this operation, kept whole.
                Undocumented(crate::runtime::RawResponse),
                /// A body that does not decode as the document describes it.
                Decode(crate::runtime::DecodeError),
                #gone_variant
            }

            impl #error {
                /// The response this error was made from, whichever kind it is.
                fn failure(&self) -> &dyn crate::runtime::Failure {
                    match self {
                        #(Self::#names(inner) => inner,)*
                    }
                }
            }

            impl ::std::fmt::Display for #error {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    ::std::fmt::Display::fmt(self.failure(), f)
                }
            }

            impl ::std::error::Error for #error {}

            impl crate::runtime::ResponseParts for #error {
                fn status(&self) -> ::http::StatusCode {
                    self.failure().status()
                }

                fn headers(&self) -> &::http::HeaderMap {
                    self.failure().headers()
                }
            }
        }
    }
}

/// How an error response's body is read.
enum ErrorBody {
    Empty,
    Bytes,
    Json(TokenStream),
}

impl ErrorBody {
    /// The type the error variant carries.
    fn ty(&self) -> TokenStream {
        match self {
            ErrorBody::Empty => quote!(()),
            ErrorBody::Bytes => quote!(::std::vec::Vec<u8>),
            ErrorBody::Json(ty) => ty.clone(),
        }
    }
}

/// How an error response's body decodes. Structs of the document are kept; any other JSON shape
/// is read as a JSON value, which still shows `errorCode` and `detail`.
fn error_body(response: &Response, api: &Api) -> ErrorBody {
    match &response.content {
        Content::Empty => ErrorBody::Empty,
        Content::Bytes => ErrorBody::Bytes,
        Content::Json(TypeRef::Named(id)) => ErrorBody::Json(rust_type(&TypeRef::Named(*id), api)),
        Content::Json(_) => ErrorBody::Json(quote!(::serde_json::Value)),
    }
}

/// `ErrorDetails` for the struct types that error responses carry: their `errorCode` and
/// `detail` string properties, where they have them.
pub(super) fn error_details(api: &Api) -> TokenStream {
    let mut ids: Vec<TypeId> = api
        .operations
        .iter()
        .flat_map(|op| op.responses.iter().filter(|r| !r.is_success()))
        .filter_map(|r| match &r.content {
            Content::Json(TypeRef::Named(id)) => Some(*id),
            _ => None,
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let impls = ids.into_iter().filter_map(|id| {
        let def = api.types.get(id.0)?;
        let TypeKind::Struct(s) = &def.kind else {
            return None;
        };
        let accessor = |wire: &str| {
            let field = s
                .fields
                .iter()
                .find(|f| f.name.wire == wire && f.ty == TypeRef::String);
            match field {
                Some(f) if f.optional() => {
                    let field = ident(&f.name.rust);
                    quote!(self.#field.as_deref())
                }
                Some(f) => {
                    let field = ident(&f.name.rust);
                    quote!(::std::option::Option::Some(self.#field.as_str()))
                }
                None => quote!(::std::option::Option::None),
            }
        };
        let (code, detail) = (accessor("errorCode"), accessor("detail"));
        let ty = rust_type(&TypeRef::Named(id), api);
        Some(quote! {
            impl crate::runtime::ErrorDetails for #ty {
                fn error_code(&self) -> ::std::option::Option<&str> { #code }
                fn detail(&self) -> ::std::option::Option<&str> { #detail }
            }
        })
    });
    quote! { #(#impls)* }
}

/// Whether a `410` gets its own `VersionGone` variant: the operation answers in dated versions and
/// does not document `410` itself.
pub(super) fn version_gone(op: &Operation) -> bool {
    !op.versions.is_empty() && !op.responses.iter().any(|r| r.status == 410)
}
