//! `SecretFields` impls: which types hold credentials, and where inside them.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::diagnostics::pointer;
use crate::ir::{TypeDef, TypeKind, TypeRef};
use crate::naming::ident;

/// The names of the types that hold a secret, directly or through other types.
pub(super) fn holders(types: &[TypeDef]) -> BTreeSet<String> {
    let mut holders: BTreeSet<String> = BTreeSet::new();
    // Grow the set until no type is added: each round adds the types that refer to a holder.
    loop {
        let before = holders.len();
        for def in types {
            if !holders.contains(&def.name) && refs(&def.kind).any(|ty| holds(&ty, &holders)) {
                holders.insert(def.name.clone());
            }
        }
        if holders.len() == before {
            return holders;
        }
    }
}

/// Whether a value of `ty` can hold a secret.
fn holds(ty: &TypeRef, holders: &BTreeSet<String>) -> bool {
    match ty {
        TypeRef::Secret => true,
        TypeRef::Named(name) | TypeRef::Boxed(name) => holders.contains(name),
        TypeRef::List(inner) | TypeRef::Map(inner) => holds(inner, holders),
        _ => false,
    }
}

fn refs(kind: &TypeKind) -> Box<dyn Iterator<Item = TypeRef> + '_> {
    match kind {
        TypeKind::Struct(s) => Box::new(s.fields.iter().map(|f| f.ty.clone())),
        TypeKind::Tagged(t) => Box::new(t.variants.iter().map(|v| TypeRef::Named(v.ty.clone()))),
        TypeKind::Untagged(u) => Box::new(u.variants.iter().map(|v| v.ty.clone())),
        TypeKind::Alias(ty) => Box::new(std::iter::once(ty.clone())),
        TypeKind::Enum(_) => Box::new(std::iter::empty()),
    }
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
