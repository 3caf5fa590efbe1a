//! `SecretFields` impls: which types hold credentials, and where inside them.

use proc_macro2::TokenStream;
use quote::quote;

use crate::diagnostics::pointer;
use crate::ir::{Api, TypeId, TypeKind, TypeRef};

use crate::naming::ident;

/// The `SecretFields` impl of one type, or nothing when it holds no secret. Aliases need none: the
/// type they name has its own.
pub(super) fn emit_impl(id: TypeId, api: &Api) -> TokenStream {
    let def = api.def(id);
    if !api.analysis.holds_secret[id.0] {
        return TokenStream::new();
    }
    let holds = |ty: &TypeRef| api.analysis.secret_in(ty);
    let body = match &def.kind {
        TypeKind::Struct(s) => {
            let visits = s.fields.iter().filter(|f| holds(&f.ty)).map(|f| {
                let field = ident(&f.name.rust);
                let segment = pointer("", &f.name.wire).replace('{', "{{").replace('}', "}}");
                let template = format!("{{path}}{segment}");
                quote! {
                    crate::runtime::SecretFields::visit_secrets(&self.#field, &::std::format!(#template), visit);
                }
            });
            let extra = s.additional.as_ref().filter(|a| holds(&a.ty)).map(|a| {
                let field = ident(&a.rust);
                quote! {
                    crate::runtime::SecretFields::visit_secrets(&self.#field, path, visit);
                }
            });
            let unknown = s.unknown.as_ref().map(|rust| {
                let field = ident(rust);
                quote! {
                    crate::runtime::SecretFields::visit_secrets(&self.#field, path, visit);
                }
            });
            quote! { #(#visits)* #extra #unknown }
        }
        TypeKind::Tagged(t) => {
            // The catch-all always holds what may be credentials of a kind the document does not
            // map; the known variants, where their structs hold secrets.
            let arms = t.variants.iter().filter(|v| api.analysis.holds_secret[v.ty.0]).map(|v| {
                let variant = ident(&v.name.rust);
                quote! { Self::#variant(value) => crate::runtime::SecretFields::visit_secrets(value, path, visit), }
            });
            let fallback = ident(&t.fallback);
            let rest = t
                .variants
                .iter()
                .any(|v| !api.analysis.holds_secret[v.ty.0])
                .then(|| quote!(_ => {}));
            quote! {
                match self {
                    #(#arms)*
                    Self::#fallback(value) => crate::runtime::SecretFields::visit_secrets(value, path, visit),
                    #rest
                }
            }
        }
        TypeKind::Untagged(u) => {
            let arms = u.variants.iter().filter(|v| holds(&v.ty)).map(|v| {
                let variant = ident(&v.name);
                quote! { Self::#variant(value) => crate::runtime::SecretFields::visit_secrets(value, path, visit), }
            });
            let rest = u
                .variants
                .iter()
                .any(|v| !holds(&v.ty))
                .then(|| quote!(_ => {}));
            quote! { match self { #(#arms)* #rest } }
        }
        TypeKind::Alias(_) | TypeKind::Enum(_) => return TokenStream::new(),
    };
    let name = ident(&def.name);
    quote! {
        impl crate::runtime::SecretFields for #name {
            fn visit_secrets(&self, path: &str, visit: &mut dyn ::std::ops::FnMut(&str, &crate::runtime::Secret)) {
                #body
            }
        }
    }
}
