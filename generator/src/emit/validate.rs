//! `Validate` impls: the constraints of a type's fields, checked before a request is built.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::diagnostics::pointer;
use crate::ir::{Constraints, Field, TypeDef, TypeKind, TypeRef};
use crate::naming::ident;

/// The names of the types with a constrained field, directly or through other types.
pub(super) fn holders(types: &[TypeDef]) -> BTreeSet<String> {
    let seed = |def: &TypeDef| match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().any(checked),
        _ => false,
    };
    super::reach::closure(types, seed, |_| false)
}

/// Whether a field has a constraint the runtime can check on its type.
fn checked(field: &Field) -> bool {
    let checkable = matches!(
        field.ty,
        TypeRef::String
            | TypeRef::Secret
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::F32
            | TypeRef::F64
    );
    checkable && !is_empty(&field.constraints)
}

fn is_empty(c: &Constraints) -> bool {
    c.pattern.is_none()
        && c.min_length.is_none()
        && c.max_length.is_none()
        && c.minimum.is_none()
        && c.maximum.is_none()
}

/// A `Rules` value for the constraints, or `None` when there are none.
pub(super) fn rules(c: &Constraints) -> Option<TokenStream> {
    if is_empty(c) {
        return None;
    }
    // Only the limits that are set are written; the rest come from `Rules::NONE`.
    let mut set = Vec::new();
    if let Some(v) = &c.pattern {
        set.push(quote!(pattern: ::std::option::Option::Some(#v),));
    }
    if let Some(v) = c.min_length {
        set.push(quote!(min_length: ::std::option::Option::Some(#v),));
    }
    if let Some(v) = c.max_length {
        set.push(quote!(max_length: ::std::option::Option::Some(#v),));
    }
    if let Some(v) = c.minimum {
        set.push(quote!(minimum: ::std::option::Option::Some(#v),));
    }
    if let Some(v) = c.maximum {
        set.push(quote!(maximum: ::std::option::Option::Some(#v),));
    }
    Some(quote! {
        crate::runtime::Rules { #(#set)* ..crate::runtime::Rules::NONE }
    })
}

/// The `Validate` impl of one type, or nothing when nothing inside it is constrained.
pub(super) fn emit_impl(def: &TypeDef, holders: &BTreeSet<String>) -> TokenStream {
    if !holders.contains(&def.name) {
        return TokenStream::new();
    }
    let holds = |ty: &TypeRef| super::reach::reaches(ty, holders, |_| false);
    let body = match &def.kind {
        TypeKind::Struct(s) => {
            let checks = s.fields.iter().map(|f| {
                let field = ident(&f.name.rust);
                let segment = pointer("", &f.name.wire).replace('{', "{{").replace('}', "}}");
                let template = format!("{{path}}{segment}");
                let rules = if checked(f) { rules(&f.constraints) } else { None };
                let check = rules.map(|rules| {
                    quote! { crate::runtime::Check::check(&self.#field, &::std::format!(#template), &#rules, out); }
                });
                let nested = holds(&f.ty).then(|| {
                    quote! { crate::runtime::Validate::validate(&self.#field, &::std::format!(#template), out); }
                });
                quote! { #check #nested }
            });
            quote! { #(#checks)* }
        }
        TypeKind::Tagged(t) => {
            let arms = t.variants.iter().filter(|v| holders.contains(&v.ty)).map(|v| {
                let variant = ident(&v.name.rust);
                quote! { Self::#variant(value) => crate::runtime::Validate::validate(value, path, out), }
            });
            quote! { match self { #(#arms)* _ => {} } }
        }
        TypeKind::Untagged(u) => {
            let arms = u.variants.iter().filter(|v| holds(&v.ty)).map(|v| {
                let variant = ident(&v.name);
                quote! { Self::#variant(value) => crate::runtime::Validate::validate(value, path, out), }
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
        impl crate::runtime::Validate for #name {
            fn validate(&self, path: &str, out: &mut ::std::vec::Vec<crate::runtime::Violation>) {
                #body
            }
        }
    }
}
