//! The `operations` module: a request builder and an error enum per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, with_paragraph};
use crate::ir::{
    Api, BaseUrl, Location, Method, Operation, Parameter, PathSegment, Style, TypeId, TypeKind,
    TypeRef,
};
use crate::naming::ident;

mod bodies;
mod responses;

use responses::error_details;

/// The whole `operations` module.
pub(crate) fn emit(api: &Api, part: super::Part) -> TokenStream {
    let cx = Context { api };
    let operations = api.operations[part.range(api.operations.len())]
        .iter()
        .map(|op| cx.operation(op));
    let head = part.is_first().then(|| {
        let servers = servers(&api.base_url);
        quote! {
            #![doc = " Request builders and response decoding, one builder per operation, for any HTTP stack."]
            #![allow(deprecated, clippy::too_many_arguments, clippy::result_large_err)]
            #servers
        }
    });
    let tail = part.is_last().then(|| {
        let aliases = super::aliases::emit(api);
        let details = error_details(api);
        quote! {
            #aliases
            #details
        }
    });
    quote! {
        #head
        #(#operations)*
        #tail
    }
}

/// Where the document says its operations are served: `DEFAULT_BASE_URL`, the absolute base URL
/// the client uses unless told otherwise, and `SERVER_URL`, the first server as documented.
fn servers(base_url: &BaseUrl) -> TokenStream {
    let (default, server, doc) = match base_url {
        BaseUrl::Absolute(url) => (
            quote!(::std::option::Option::Some(#url)),
            quote!(::std::option::Option::Some(#url)),
            format!(" Where the document's operations are served: `{url}`, its first server."),
        ),
        BaseUrl::Relative(url) => (
            quote!(::std::option::Option::None),
            quote!(::std::option::Option::Some(#url)),
            format!(
                " None: the document's first server, `{url}`, is relative to where the document is \
                 served, so the caller names the host (and this path) in the base URL."
            ),
        ),
        BaseUrl::None => (
            quote!(::std::option::Option::None),
            quote!(::std::option::Option::None),
            " None: the document names no server, so the caller names the base URL.".to_owned(),
        ),
    };
    quote! {
        #[doc = #doc]
        pub const DEFAULT_BASE_URL: ::std::option::Option<&str> = #default;
        #[doc = " The document's first server as it is written, server variables replaced by their defaults; it may be relative to where the document is served."]
        pub const SERVER_URL: ::std::option::Option<&str> = #server;
    }
}

/// How a builder's doc says to complete its URI.
fn join_doc(base_url: &BaseUrl) -> String {
    match base_url {
        BaseUrl::Absolute(url) => format!("join it to a base URL (`{url}`) to send it."),
        BaseUrl::Relative(url) => format!(
            "join it to a base URL (the server's host and `{url}`, a path relative to it) to send it."
        ),
        BaseUrl::None => "join it to the server's base URL to send it.".to_owned(),
    }
}

struct Context<'a> {
    api: &'a Api,
}

/// A type as written from the `operations` module.
fn rust_type(ty: &TypeRef, api: &Api) -> TokenStream {
    super::rust_type(ty, &quote!(super::types), api)
}

impl Context<'_> {
    fn kind(&self, id: TypeId) -> Option<&TypeKind> {
        self.api.types.get(id.0).map(|t| &t.kind)
    }

    fn rust_type(&self, ty: &TypeRef) -> TokenStream {
        rust_type(ty, self.api)
    }

    fn operation(&self, op: &Operation) -> TokenStream {
        let name = ident(&op.name.rust);
        let error = ident(&op.error);
        let method_doc = match op.method {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
        };
        let mut text = with_paragraph(
            op.doc.as_deref(),
            &format!("`{method_doc} {}` (`{}`).", op.path, op.name.wire),
        );
        if let Some(sunset) = &op.sunset {
            text = with_paragraph(
                Some(&text),
                &format!(
                    "Sunset on {sunset} (`x-sunset`): from that date Atlas answers `410 Gone`, read as `VersionGone`."
                ),
            );
        }
        let doc = doc_attrs(Some(&text), String::new);
        let deprecated = match (&op.sunset, op.deprecated) {
            (Some(sunset), _) => {
                let note = format!("the document gives this operation a sunset on {sunset}");
                Some(quote!(#[deprecated(note = #note)]))
            }
            (None, true) => Some(quote!(#[deprecated])),
            (None, false) => None,
        };
        let versioned = !op.versions.is_empty();
        let version_field =
            versioned.then(|| quote!(api_version: ::std::option::Option<::std::string::String>,));
        let version_init = versioned.then(|| quote!(api_version: ::std::option::Option::None));
        let version_api = versioned.then(|| {
            let versions = &op.versions;
            let default = op.default_version();
            let doc = format!(
                " Asks for one of the documented versions ([`Self::API_VERSIONS`]) instead of the newest stable one, `{default}`; `build()` refuses a version the document does not give."
            );
            quote! {
                /// The versions the document gives this operation, oldest first.
                pub const API_VERSIONS: &'static [&'static str] = &[#(#versions),*];

                #[doc = #doc]
                pub fn api_version(mut self, version: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.api_version = ::std::option::Option::Some(version.into());
                    self
                }
            }
        });

        let given: Vec<&Parameter> = op.parameters.iter().filter(|p| !p.from_body_tag).collect();
        let fields = given.iter().map(|p| {
            let field = ident(&p.name.rust);
            let ty = self.rust_type(&p.ty);
            if p.required {
                quote!(#field: #ty,)
            } else {
                quote!(#field: ::std::option::Option<#ty>,)
            }
        });
        let body_field = op.body.as_ref().map(|b| {
            let ty = self.rust_type(&b.ty);
            quote!(body: #ty,)
        });

        // Required inputs in the order a reader meets them: path parameters as the path names them,
        // then the others by name (so that reordering the document's parameters does not reorder
        // the arguments).
        let mut required: Vec<&&Parameter> = given.iter().filter(|p| p.required).collect();
        required.sort_by_key(|p| match p.location {
            Location::Path => (
                0,
                op.path
                    .find(&format!("{{{}}}", p.name.wire))
                    .unwrap_or(usize::MAX),
                "",
            ),
            Location::Query | Location::Header => (1, 0, p.name.rust.as_str()),
        });
        let new_params = required.iter().map(|p| {
            let field = ident(&p.name.rust);
            let ty = self.rust_type(&p.ty);
            quote!(#field: impl ::std::convert::Into<#ty>)
        });
        let body_param = op.body.as_ref().map(|b| {
            let ty = self.rust_type(&b.ty);
            quote!(body: impl ::std::convert::Into<#ty>)
        });
        let new_params = new_params.chain(body_param);
        let inits = given.iter().map(|p| {
            let field = ident(&p.name.rust);
            if p.required {
                quote!(#field: #field.into())
            } else {
                quote!(#field: ::std::option::Option::None)
            }
        });
        let body_init = op.body.as_ref().map(|_| quote!(body: body.into()));
        let inits = inits.chain(body_init).chain(version_init);

        let setters = given.iter().filter(|p| !p.required).map(|p| {
            let field = ident(&p.name.rust);
            let ty = self.rust_type(&p.ty);
            let text = with_paragraph(
                p.doc.as_deref(),
                &format!(
                    "Sets `{}`; left out of the request unless set.",
                    p.name.wire
                ),
            );
            let doc = doc_attrs(Some(&text), String::new);
            quote! {
                #doc
                pub fn #field(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                    self.#field = ::std::option::Option::Some(value.into());
                    self
                }
            }
        });

        // A builder that needs no input is also its own default.
        let default =
            (required.is_empty() && op.body.is_none()).then(|| quote!(::std::default::Default));
        let build = self.build(op);
        let (output, parse, output_enum) = self.parse(op, &error);
        let errors = self.error_enum(op, &error);
        let new_doc = format!(
            " Starts a `{}` request from its required inputs.",
            op.name.wire
        );

        quote! {
            #doc
            #deprecated
            #[derive(::std::clone::Clone, ::std::fmt::Debug, #default)]
            pub struct #name {
                #(#fields)*
                #body_field
                #version_field
            }

            impl #name {
                #[doc = #new_doc]
                pub fn new(#(#new_params),*) -> Self {
                    Self { #(#inits),* }
                }

                #(#setters)*

                #version_api

                #build

                #parse
            }

            impl crate::runtime::Operation for #name {
                type Output = #output;
                type Error = #error;

                fn build_with(&self, validation: crate::runtime::Validation) -> ::std::result::Result<::http::Request<crate::runtime::Body>, crate::runtime::RequestError> {
                    #name::build_with(self, validation)
                }

                fn parse_response<B: crate::runtime::ResponseBody>(&self, response: ::http::Response<B>) -> ::std::result::Result<Self::Output, Self::Error> {
                    #name::parse_response(self, response)
                }
            }

            #output_enum

            #errors
        }
    }

    fn build(&self, op: &Operation) -> TokenStream {
        let checks = op.parameters.iter().filter(|p| !p.from_body_tag).filter_map(|p| {
            let rules = super::validate::rules(&p.constraints)?;
            let field = ident(&p.name.rust);
            let wire = &p.name.wire;
            let checkable = matches!(p.ty, TypeRef::String | TypeRef::Secret | TypeRef::Binary)
                || p.ty.is_number();
            checkable.then(|| quote! { crate::runtime::Check::check(&self.#field, #wire, &#rules, &mut violations); })
        });
        let body_checks = op.body.as_ref().map(|b| {
            let validate = self.api.analysis.constraint_in(&b.ty).then(|| {
                quote! { crate::runtime::Validate::validate(&self.body, "body", &mut violations); }
            });
            let secrets = self.api.analysis.secret_in(&b.ty).then(|| {
                quote! { let sent_secrets = crate::runtime::supplied_secrets(&self.body)?; }
            });
            (validate, secrets)
        });
        let (body_validate, body_secrets) = body_checks.unwrap_or_default();
        // The body's secrets go with the request, so that a client can take them out of an answer
        // that echoes them.
        let attach_secrets = body_secrets
            .is_some()
            .then(|| quote! { let request = request.extension(sent_secrets); });

        let path = self.path(op);
        let query = op
            .parameters
            .iter()
            .filter(|p| p.location == Location::Query)
            .map(|p| {
                let field = ident(&p.name.rust);
                let wire = &p.name.wire;
                // Scalars read the same in every query style, and lists of scalars in every
                // exploded one: those are written directly, the rest by the runtime.
                let direct = self.is_scalar(&p.ty)
                    || matches!(&p.ty, TypeRef::List(item) if p.explode && p.style != Style::DeepObject && self.is_scalar(item));
                let style = style_tokens(p.style);
                let explode = p.explode;
                let push = |value: TokenStream| {
                    if direct {
                        self.push_value(&p.ty, value, |v| quote!(query.push(#wire, #v);))
                    } else {
                        quote! {
                            query.push_styled(#wire, &crate::runtime::Shape::of(#value)?, #style, #explode);
                        }
                    }
                };
                if p.required {
                    push(quote!(&self.#field))
                } else {
                    let inner = push(quote!(value));
                    quote! { if let ::std::option::Option::Some(value) = &self.#field { #inner } }
                }
            });
        let headers = op
            .parameters
            .iter()
            .filter(|p| p.location == Location::Header)
            .map(|p| {
                let field = ident(&p.name.rust);
                let wire = &p.name.wire;
                let direct = self.is_scalar(&p.ty);
                let explode = p.explode;
                let add = |value: TokenStream| {
                    if p.ty == TypeRef::Secret {
                        // `http` prints a sensitive value as `Sensitive`, never the credential.
                        quote! {
                            request = request.header(#wire, crate::runtime::sensitive_header(crate::runtime::Secret::expose(#value))?);
                        }
                    } else if direct {
                        self.push_value(
                            &p.ty,
                            value,
                            |v| quote!(request = request.header(#wire, #v);),
                        )
                    } else {
                        quote! {
                            request = request.header(#wire, crate::runtime::header_value(&crate::runtime::Shape::of(#value)?, #explode));
                        }
                    }
                };
                if p.required {
                    add(quote!(&self.#field))
                } else {
                    let inner = add(quote!(value));
                    quote! { if let ::std::option::Option::Some(value) = &self.#field { #inner } }
                }
            });
        let method = match op.method {
            Method::Get => quote!(GET),
            Method::Put => quote!(PUT),
            Method::Post => quote!(POST),
            Method::Delete => quote!(DELETE),
            Method::Patch => quote!(PATCH),
            Method::Head => quote!(HEAD),
            Method::Options => quote!(OPTIONS),
            Method::Trace => quote!(TRACE),
        };
        // An operation in dated versions asks for the one chosen with `api_version`, else the
        // newest stable one, in `Accept` and, for a versioned body, `Content-Type`.
        let versioned = !op.versions.is_empty();
        let version = versioned.then(|| {
            let default = op.default_version();
            quote! {
                let version = match &self.api_version {
                    ::std::option::Option::Some(version) if !Self::API_VERSIONS.contains(&version.as_str()) => {
                        return ::std::result::Result::Err(crate::runtime::RequestError::UnknownVersion {
                            requested: ::std::clone::Clone::clone(version),
                            documented: Self::API_VERSIONS,
                        });
                    }
                    ::std::option::Option::Some(version) => version.as_str(),
                    ::std::option::Option::None => #default,
                };
                let versioned = ::std::format!("application/vnd.atlas.{version}+json");
            }
        });
        let accept = (!op.accept.is_empty()).then(|| {
            let others: Vec<&str> = op
                .accept
                .iter()
                .map(String::as_str)
                .filter(|m| !versioned || crate::lower::atlas_version(m).is_none())
                .collect();
            if versioned && others.is_empty() {
                quote!(.header(::http::header::ACCEPT, versioned.as_str()))
            } else if versioned {
                let rest = others.iter().map(|m| format!(", {m}")).collect::<String>();
                quote!(.header(::http::header::ACCEPT, ::std::format!("{versioned}{}", #rest)))
            } else {
                let accept = others.join(", ");
                quote!(.header(::http::header::ACCEPT, #accept))
            }
        });
        let (body_setup, content_type, body) = match &op.body {
            Some(b) => {
                let tokens = self.body_tokens(b, versioned);
                let content_type = tokens.content_type;
                (
                    tokens.setup,
                    Some(quote!(.header(::http::header::CONTENT_TYPE, #content_type))),
                    tokens.bytes,
                )
            }
            None => (None, None, quote!(::std::vec::Vec::new())),
        };
        // Bindings are mutable only where something is added to them, so that the output has no
        // needless `mut` for the compiler to warn about.
        let checks: Vec<TokenStream> = checks.chain(body_validate).collect();
        let validation = (!checks.is_empty()).then(|| {
            quote! {
                if validation == crate::runtime::Validation::Checked {
                    let mut violations: ::std::vec::Vec<crate::runtime::Violation> = ::std::vec::Vec::new();
                    #(#checks)*
                    if !violations.is_empty() {
                        return ::std::result::Result::Err(crate::runtime::RequestError::Invalid(violations));
                    }
                }
            }
        });
        // Without constraints to check, the mode changes nothing.
        let mode = if checks.is_empty() {
            quote!(_validation)
        } else {
            quote!(validation)
        };
        let query: Vec<TokenStream> = query.collect();
        let query_mut = (!query.is_empty()).then(|| quote!(mut));
        let headers: Vec<TokenStream> = headers.collect();
        let request_mut = (!headers.is_empty()).then(|| quote!(mut));
        let doc = format!(
            " The request, checked against the document's constraints first. Its URI holds the path and \
             query only; {}",
            join_doc(&self.api.base_url)
        );
        let unchecked_doc = " The request, without checking the document's constraints: the server decides what it \
                   accepts. Read-back secrets are still refused.";
        let with_doc = " The request, checked against the document's constraints unless `validation` is \
                   `Unchecked`.";
        quote! {
            #[doc = #doc]
            pub fn build(&self) -> ::std::result::Result<::http::Request<crate::runtime::Body>, crate::runtime::RequestError> {
                self.build_with(crate::runtime::Validation::Checked)
            }

            #[doc = #unchecked_doc]
            pub fn build_unchecked(&self) -> ::std::result::Result<::http::Request<crate::runtime::Body>, crate::runtime::RequestError> {
                self.build_with(crate::runtime::Validation::Unchecked)
            }

            #[doc = #with_doc]
            pub fn build_with(&self, #mode: crate::runtime::Validation) -> ::std::result::Result<::http::Request<crate::runtime::Body>, crate::runtime::RequestError> {
                #validation
                #body_secrets
                #version
                let #query_mut query = crate::runtime::Query::new();
                #(#query)*
                let uri = #path.finish(&query)?;
                #body_setup
                let #request_mut request = ::http::Request::builder().method(::http::Method::#method).uri(uri) #accept #content_type;
                #(#headers)*
                #attach_secrets
                ::std::result::Result::Ok(request.body(crate::runtime::Body::from(#body))?)
            }
        }
    }

    /// The path as a chain of `runtime::PathBuilder` calls: its literal text, and each path
    /// parameter's value percent-encoded (or written in its style).
    fn path(&self, op: &Operation) -> TokenStream {
        let mut calls = Vec::new();
        for segment in &op.template {
            let parameter = match segment {
                PathSegment::Literal(text) => {
                    calls.push(quote!(.literal(#text)));
                    continue;
                }
                PathSegment::Parameter(index) => &op.parameters[*index],
            };
            let wire = &parameter.name.wire;
            let style = style_tokens(parameter.style);
            let explode = parameter.explode;
            if parameter.from_body_tag && parameter.style != Style::Simple {
                calls.push(quote!(.styled(#wire, &crate::runtime::path_value(
                    #wire,
                    &crate::runtime::Shape::Scalar(::std::borrow::ToOwned::to_owned(self.body.discriminator())),
                    #style,
                    #explode
                ))));
            } else if parameter.from_body_tag {
                calls.push(quote!(.segment(#wire, self.body.discriminator())));
            } else if parameter.style != Style::Simple || !self.is_scalar(&parameter.ty) {
                let field = ident(&parameter.name.rust);
                calls.push(quote!(.styled(#wire, &crate::runtime::path_value(
                    #wire,
                    &crate::runtime::Shape::of(&self.#field)?,
                    #style,
                    #explode
                ))));
            } else {
                let field = ident(&parameter.name.rust);
                let value = match self.string_value(&parameter.ty, quote!(&self.#field)) {
                    (text, true) => quote!(&#text),
                    (text, false) => text,
                };
                calls.push(quote!(.segment(#wire, #value)));
            }
        }
        quote!(crate::runtime::PathBuilder::new() #(#calls)*)
    }

    /// Whether a value is one text: a string, a credential, a string enum or alias, a boolean or a
    /// number.
    fn is_scalar(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::String | TypeRef::Secret | TypeRef::Bool | TypeRef::Binary => true,
            TypeRef::Named(id) => matches!(
                self.kind(*id),
                Some(TypeKind::Enum(_) | TypeKind::Alias(TypeRef::String))
            ),
            ty => ty.is_number(),
        }
    }

    fn string_value(&self, ty: &TypeRef, value: TokenStream) -> (TokenStream, bool) {
        match ty {
            TypeRef::String => (quote!(::std::string::String::as_str(#value)), false),
            TypeRef::Secret => (quote!(crate::runtime::Secret::expose(#value)), false),
            TypeRef::Binary => (
                quote!(::std::string::String::from_utf8_lossy(crate::runtime::Binary::as_bytes(#value))),
                true,
            ),
            TypeRef::Named(id) if matches!(self.kind(*id), Some(TypeKind::Enum(_))) => {
                let name = ident(self.api.name(*id));
                (quote!(super::types::#name::as_str(#value)), false)
            }
            TypeRef::Named(name)
                if matches!(self.kind(*name), Some(TypeKind::Alias(TypeRef::String))) =>
            {
                (quote!(::std::string::String::as_str(#value)), false)
            }
            ty if *ty == TypeRef::Bool || ty.is_number() => {
                (quote!(::std::string::ToString::to_string(#value)), true)
            }
            _ => (
                quote!(::serde_json::to_string(#value).unwrap_or_default()),
                true,
            ),
        }
    }

    /// Statements that hand each text value of a parameter (from an expression that borrows it)
    /// to `push`: one for a scalar, one per item for a list (repeated `name=value` pairs, the form
    /// style with `explode`).
    fn push_value(
        &self,
        ty: &TypeRef,
        value: TokenStream,
        push: impl Fn(TokenStream) -> TokenStream,
    ) -> TokenStream {
        let text = |ty: &TypeRef, value: TokenStream| match self.string_value(ty, value) {
            (text, true) => quote!(&#text),
            (text, false) => text,
        };
        if let TypeRef::List(item) = ty {
            let body = push(text(item, quote!(item)));
            return quote! { for item in #value { #body } };
        }
        push(text(ty, value))
    }
}

/// The runtime's name for a style.
fn style_tokens(style: Style) -> TokenStream {
    match style {
        Style::Form => quote!(crate::runtime::Style::Form),
        Style::SpaceDelimited => quote!(crate::runtime::Style::SpaceDelimited),
        Style::PipeDelimited => quote!(crate::runtime::Style::PipeDelimited),
        Style::DeepObject => quote!(crate::runtime::Style::DeepObject),
        Style::Simple => quote!(crate::runtime::Style::Simple),
        Style::Label => quote!(crate::runtime::Style::Label),
        Style::Matrix => quote!(crate::runtime::Style::Matrix),
    }
}
