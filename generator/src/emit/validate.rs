//! `Validate` impls: the constraints of a type's fields, checked before a request is built.

use proc_macro2::TokenStream;
use quote::quote;

use crate::diagnostics::pointer;
use crate::ir::{Api, Constraints, TypeId, TypeKind, TypeRef};
use crate::naming::ident;

/// A `Rules` value for the constraints, or `None` when there are none.
pub(super) fn rules(c: &Constraints) -> Option<TokenStream> {
    if c.is_empty() {
        return None;
    }
    // Only the limits that are set are written; the rest come from `Rules::NONE`.
    let mut set = Vec::new();
    if let Some(v) = &c.pattern {
        set.push(quote!(pattern: ::std::option::Option::Some(#v),));
    }
    if let Some(v) = c.min_length {
        let v = proc_macro2::Literal::usize_unsuffixed(v);
        set.push(quote!(min_length: ::std::option::Option::Some(#v),));
    }
    if let Some(v) = c.max_length {
        let v = proc_macro2::Literal::usize_unsuffixed(v);
        set.push(quote!(max_length: ::std::option::Option::Some(#v),));
    }
    // A bound too large for a float literal (`1e400`) bounds nothing.
    if let Some(v) = c.minimum.filter(|v| v.is_finite()) {
        let v = proc_macro2::Literal::f64_unsuffixed(v);
        set.push(quote!(minimum: ::std::option::Option::Some(#v),));
    }
    if let Some(v) = c.maximum.filter(|v| v.is_finite()) {
        let v = proc_macro2::Literal::f64_unsuffixed(v);
        set.push(quote!(maximum: ::std::option::Option::Some(#v),));
    }
    Some(quote! {
        crate::runtime::Rules { #(#set)* ..crate::runtime::Rules::NONE }
    })
}

/// The `Validate` impl of one type, or nothing when nothing inside it is constrained.
pub(super) fn emit_impl(id: TypeId, api: &Api) -> TokenStream {
    let def = api.def(id);
    if !api.analysis.holds_constraint[id.0] {
        return TokenStream::new();
    }
    let holds = |ty: &TypeRef| api.analysis.constraint_in(ty);
    let body = match &def.kind {
        TypeKind::Struct(s) => {
            let checks = s.fields.iter().map(|f| {
                let field = ident(&f.name.rust);
                let segment = pointer("", &f.name.wire).replace('{', "{{").replace('}', "}}");
                let template = format!("{{path}}{segment}");
                let rules = if f.checked() { rules(&f.constraints) } else { None };
                let check = rules.map(|rules| {
                    quote! { crate::runtime::Check::check(&self.#field, &::std::format!(#template), &#rules, out); }
                });
                let nested = holds(&f.ty).then(|| {
                    quote! { crate::runtime::Validate::validate(&self.#field, &::std::format!(#template), out); }
                });
                quote! { #check #nested }
            });
            let extra = s.additional.as_ref().filter(|a| holds(&a.ty)).map(|a| {
                let field = ident(&a.rust);
                quote! { crate::runtime::Validate::validate(&self.#field, path, out); }
            });
            quote! { #(#checks)* #extra }
        }
        TypeKind::Tagged(t) => {
            let arms = t.variants.iter().filter(|v| api.analysis.holds_constraint[v.ty.0]).map(|v| {
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
