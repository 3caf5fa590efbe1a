//! `SecretFields` impls: which types hold credentials, and where inside them.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::diagnostics::pointer;
use crate::ir::{TypeDef, TypeKind, TypeRef};

use crate::naming::ident;

/// The names of the types that hold a secret, directly or through other types.
pub(super) fn holders(types: &[TypeDef]) -> BTreeSet<String> {
    super::reach::closure(types, |_| false, is_secret)
}

fn is_secret(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Secret)
}

/// Whether a value of `ty` can hold a secret.
fn holds(ty: &TypeRef, holders: &BTreeSet<String>) -> bool {
    super::reach::reaches(ty, holders, is_secret)
}

/// The `SecretFields` impl of one type, or nothing when it holds no secret. Aliases need none: the
/// type they name has its own.
pub(super) fn emit_impl(def: &TypeDef, holders: &BTreeSet<String>) -> TokenStream {
    if !holders.contains(&def.name) {
        return TokenStream::new();
    }
    let body = match &def.kind {
        TypeKind::Struct(s) => {
            let visits = s.fields.iter().filter(|f| holds(&f.ty, holders)).map(|f| {
                let field = ident(&f.name.rust);
                let segment = pointer("", &f.name.wire).replace('{', "{{").replace('}', "}}");
                let template = format!("{{path}}{segment}");
                quote! {
                    crate::runtime::SecretFields::visit_secrets(&self.#field, &::std::format!(#template), visit);
                }
            });
            quote! { #(#visits)* }
        }
        TypeKind::Tagged(t) => {
            let arms = t.variants.iter().filter(|v| holders.contains(&v.ty)).map(|v| {
                let variant = ident(&v.name.rust);
                quote! { Self::#variant(value) => crate::runtime::SecretFields::visit_secrets(value, path, visit), }
            });
            quote! { match self { #(#arms)* _ => {} } }
        }
        TypeKind::Untagged(u) => {
            let arms = u.variants.iter().filter(|v| holds(&v.ty, holders)).map(|v| {
                let variant = ident(&v.name);
                quote! { Self::#variant(value) => crate::runtime::SecretFields::visit_secrets(value, path, visit), }
            });
            let rest = u
                .variants
                .iter()
                .any(|v| !holds(&v.ty, holders))
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
