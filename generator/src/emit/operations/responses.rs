//! Reading responses: each operation's `parse_response`, its error enum, and the error details
//! of the error bodies.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::super::docs::{doc_attrs, with_paragraph};
use super::{Context, rust_type};
use crate::ir::{Api, Content, Location, Operation, Response, Status, TypeId, TypeKind, TypeRef};
use crate::naming::ident;

impl Context<'_> {
    /// The output type, the `parse_response` method, and the enum of outputs when the success
    /// responses differ in content.
    pub(super) fn parse(
        &self,
        op: &Operation,
        error: &Ident,
    ) -> (TokenStream, TokenStream, Option<TokenStream>) {
        let success: Vec<&Response> = op.responses.iter().filter(|r| is_output(op, r)).collect();
        // One output type when every success response has the same content; otherwise an enum
        // with one variant per status.
        let uniform = success.windows(2).all(|w| w[0].content == w[1].content);
        let output_content = success
            .first()
            .map_or(Content::Empty, |r| r.content.clone());
        let output_name = ident(&op.output);
        let output = if uniform {
            match &output_content {
                Content::Empty => quote!(()),
                Content::Json(ty) => self.rust_type(ty),
                Content::Bytes => quote!(::std::vec::Vec<u8>),
            }
        } else {
            quote!(#output_name)
        };
        let output_enum = (!uniform).then(|| self.output_enum(op, &success));
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
        let success_decode = |r: &Response| {
            if uniform {
                match &output_content {
                    Content::Empty => quote!(::std::result::Result::Ok(())),
                    Content::Bytes => quote!(::std::result::Result::Ok(received.into_bytes())),
                    Content::Json(_) => quote!(received.json().map_err(#error::Decode)),
                }
            } else {
                let variant = ident(&r.name);
                match &r.content {
                    Content::Empty => quote!(::std::result::Result::Ok(#output_name::#variant)),
                    Content::Bytes => {
                        quote!(::std::result::Result::Ok(#output_name::#variant(received.into_bytes())))
                    }
                    Content::Json(_) => {
                        quote!(received.json().map(#output_name::#variant).map_err(#error::Decode))
                    }
                }
            }
        };
        let error_decode = |r: &Response| {
            let variant = ident(&r.name);
            match error_body(r, self.api) {
                ErrorBody::Empty => {
                    quote!(::std::result::Result::Err(#error::#variant(received.error(()))))
                }
                ErrorBody::Bytes => quote!({
                    let raw = received.into_raw();
                    ::std::result::Result::Err(#error::#variant(crate::runtime::ErrorResponse { status: raw.status, headers: raw.headers, body: raw.body }))
                }),
                // The body's type follows from the variant's.
                ErrorBody::Json(_) => {
                    quote!(::std::result::Result::Err(received.failure(#error::#variant, #error::Decode)))
                }
            }
        };
        let success_arm = |r: &Response| {
            let pattern = pattern(op, r.status);
            if pattern.is_empty() {
                // A range whose every status is listed answers for none.
                return TokenStream::new();
            }
            let decode = success_decode(r);
            quote!(#pattern => #decode,)
        };
        let error_arm = |r: &Response| {
            let pattern = pattern(op, r.status);
            if pattern.is_empty() {
                // A range whose every status is listed answers for none.
                return TokenStream::new();
            }
            let decode = error_decode(r);
            quote!(#pattern => #decode,)
        };
        // Listed statuses first, then ranges, then `default` (or `Undocumented`) for the rest.
        let code = |r: &&Response| matches!(r.status, Status::Code(_));
        let range = |r: &&Response| matches!(r.status, Status::Range(_));
        let errors: Vec<&Response> = op.responses.iter().filter(|r| !is_output(op, r)).collect();
        let success_arms: Vec<TokenStream> = success
            .iter()
            .copied()
            .filter(code)
            .map(success_arm)
            .collect();
        let error_arms: Vec<TokenStream> =
            errors.iter().copied().filter(code).map(error_arm).collect();
        let range_arms: Vec<TokenStream> = success
            .iter()
            .copied()
            .filter(range)
            .map(success_arm)
            .chain(errors.iter().copied().filter(range).map(error_arm))
            .collect();
        let rest = match (
            success.iter().find(|r| r.status == Status::Default),
            errors.iter().find(|r| r.status == Status::Default),
        ) {
            (Some(r), _) => success_decode(r),
            (None, Some(r)) => error_decode(r),
            (None, None) => {
                quote!(::std::result::Result::Err(#error::Undocumented(received.into_raw())))
            }
        };
        let gone = version_gone(op).then(|| {
            let default = op.default_version();
            let sunset = match &op.sunset {
                Some(date) => quote!(::std::option::Option::Some(#date)),
                None => quote!(::std::option::Option::None),
            };
            quote! {
                410 => {
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
        // An operation that documents only `default` reads every status the same way.
        let read = if success_arms.is_empty()
            && error_arms.is_empty()
            && range_arms.is_empty()
            && gone.is_none()
        {
            // A `default` without a body reads nothing of the response.
            let unread =
                (!rest.to_string().contains("received")).then(|| quote!(let _ = &received;));
            quote! {
                #unread
                #rest
            }
        } else {
            quote! {
                match received.status().as_u16() {
                    #(#success_arms)*
                    #(#error_arms)*
                    #gone
                    #(#range_arms)*
                    _ => #rest,
                }
            }
        };
        let parse = quote! {
            #[doc = #parse_doc]
            pub fn parse_response<B: crate::runtime::ResponseBody>(&self, response: ::http::Response<B>) -> ::std::result::Result<#output, #error> {
                let received = crate::runtime::Received::new(response, #envelope);
                #read
            }
        };
        (output, parse, output_enum)
    }

    /// The enum of outputs: one variant per success status, carrying its body.
    fn output_enum(&self, op: &Operation, success: &[&Response]) -> TokenStream {
        let name = ident(&op.output);
        let variants = success.iter().map(|r| {
            let variant = ident(&r.name);
            let doc = doc_attrs(
                Some(&with_paragraph(r.doc.as_deref(), &status_doc(r.status))),
                String::new,
            );
            match &r.content {
                Content::Empty => quote! { #doc #variant, },
                Content::Json(ty) => {
                    let ty = self.rust_type(ty);
                    quote! { #doc #variant(#ty), }
                }
                Content::Bytes => quote! { #doc #variant(::std::vec::Vec<u8>), },
            }
        });
        let doc = format!(
            " What [`{}`] answers with, by status: the documented success responses differ.",
            op.name.rust
        );
        // A variant holds the document's body as it is, however large beside an empty 204: the
        // sizes are the document's, and boxing one would change every match on the enum.
        quote! {
            #[doc = #doc]
            #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq)]
            #[allow(clippy::large_enum_variant)]
            pub enum #name {
                #(#variants)*
            }
        }
    }

    pub(super) fn error_enum(&self, op: &Operation, error: &Ident) -> TokenStream {
        let errors: Vec<&Response> = op.responses.iter().filter(|r| !is_output(op, r)).collect();
        let variants = errors.iter().map(|r| {
            let variant = ident(&r.name);
            let ty = error_body(r, self.api).ty();
            let text = with_paragraph(r.doc.as_deref(), &status_doc(r.status));
            let doc = doc_attrs(Some(&text), String::new);
            quote! { #doc #variant(crate::runtime::ErrorResponse<#ty>), }
        });
        let gone = version_gone(op);
        // With `default` documented, every status has a documented reading.
        let undocumented = !op.responses.iter().any(|r| r.status == Status::Default);
        let names: Vec<Ident> = errors
            .iter()
            .map(|r| ident(&r.name))
            .chain(undocumented.then(|| format_ident!("Undocumented")))
            .chain([format_ident!("Decode")])
            .chain(gone.then(|| format_ident!("VersionGone")))
            .collect();
        let undocumented_variant = undocumented.then(|| {
            quote! {
                /// A status the document does not describe for this operation, kept whole.
                Undocumented(crate::runtime::RawResponse),
            }
        });
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
        // As for the output enum, each variant holds the document's error body as it is. Only a
        // body type that one variant alone holds can be much larger than every other variant:
        // where the documented errors share one body type, nothing is allowed.
        let bodies: Vec<String> = errors
            .iter()
            .map(|r| error_body(r, self.api).ty().to_string())
            .collect();
        let shared = bodies.len() > 1 && bodies.iter().all(|b| *b == bodies[0]);
        let allow =
            (!bodies.is_empty() && !shared).then(|| quote!(#[allow(clippy::large_enum_variant)]));
        quote! {
            #[doc = #doc]
            #[derive(::std::fmt::Debug)]
            #[non_exhaustive]
            #allow
            pub enum #error {
                #(#variants)*
                #undocumented_variant
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
            ErrorBody::Bytes => quote!(crate::runtime::Body),
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
        .flat_map(|op| op.responses.iter().filter(move |r| !is_output(op, r)))
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
    !op.versions.is_empty() && !op.responses.iter().any(|r| r.status == Status::Code(410))
}

/// Whether a response is read as the operation's output: a success (2xx or `2XX`), or `default`
/// when the operation documents no success.
fn is_output(op: &Operation, response: &Response) -> bool {
    response.is_success()
        || (response.status == Status::Default && !op.responses.iter().any(Response::is_success))
}

/// The `match` pattern of a status: the code, the range's codes that nothing else answers for
/// (so that no arm overlaps another), or anything.
fn pattern(op: &Operation, status: Status) -> TokenStream {
    match status {
        Status::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        Status::Range(class) => {
            let (low, high) = (class * 100, class * 100 + 99);
            let mut taken: Vec<u16> = op
                .responses
                .iter()
                .filter_map(|r| match r.status {
                    Status::Code(code) if (low..=high).contains(&code) => Some(code),
                    _ => None,
                })
                .chain(
                    version_gone(op)
                        .then_some(410)
                        .filter(|c| (low..=high).contains(c)),
                )
                .collect();
            taken.sort_unstable();
            taken.dedup();
            let mut pieces = Vec::new();
            let mut start = low;
            for code in taken.into_iter().chain([high + 1]) {
                if code > start {
                    let end = code - 1;
                    let (first, last) =
                        (Literal::u16_unsuffixed(start), Literal::u16_unsuffixed(end));
                    pieces.push(if start == end {
                        quote!(#first)
                    } else {
                        quote!(#first..=#last)
                    });
                }
                start = code + 1;
            }
            quote!(#(#pieces)|*)
        }
        Status::Default => quote!(_),
    }
}

/// The line documenting which statuses a variant stands for.
fn status_doc(status: Status) -> String {
    match status {
        Status::Code(code) => format!("Status {code}."),
        Status::Range(class) => format!("Statuses {class}XX not listed otherwise."),
        Status::Default => "Any status not listed otherwise (`default`).".to_owned(),
    }
}
