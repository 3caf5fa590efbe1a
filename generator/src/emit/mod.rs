//! Turns the IR into token streams, one per generated module. Sees only the IR.

mod aliases;
mod docs;
mod operations;
mod secrets;
mod types;
mod validate;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, TypeRef};

/// One generated module: where it goes inside the crate, and how to emit it from the IR.
#[derive(Clone, Copy, Debug)]
pub struct Module {
    /// The file's path relative to the crate root, as `src/types.rs`.
    pub path: &'static str,
    /// Emits the items of one part of the module: the parts, emitted and formatted on threads of
    /// their own and put end to end, are the whole module.
    pub emit: fn(&Api, Part) -> TokenStream,
}

/// One of `count` consecutive parts of a module's items: the first part has the module's inner
/// attributes and leading items, the last its trailing ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    /// Which part, from 0.
    pub index: usize,
    /// How many parts the module is cut into (at least 1).
    pub count: usize,
}

impl Part {
    /// The whole module as one part.
    pub const WHOLE: Part = Part { index: 0, count: 1 };

    /// The indices of the part's share of `len` items: consecutive and about equal in size.
    pub fn range(self, len: usize) -> std::ops::Range<usize> {
        let count = self.count.max(1);
        len * self.index / count..len * (self.index + 1) / count
    }

    /// Whether this is the first part, which holds the module's head.
    pub fn is_first(self) -> bool {
        self.index == 0
    }

    /// Whether this is the last part, which holds the module's tail.
    pub fn is_last(self) -> bool {
        self.index + 1 >= self.count
    }
}

/// Every generated module of the crate. Each is emitted on its own, so that they can be emitted
/// and formatted side by side.
pub const MODULES: &[Module] = &[
    Module {
        path: "src/types.rs",
        emit: types::emit,
    },
    Module {
        path: "src/operations.rs",
        emit: operations::emit,
    },
];

/// The Rust type for a reference, fully qualified so that no type of the document can shadow the
/// standard library. Document types are written behind `types`: `self` inside the `types` module,
/// so that no local item of a generated function can shadow them, and `super::types` elsewhere.
/// How complex clippy's `type_complexity` lint finds `ty` as [`rust_type`] writes it, at nesting
/// `depth` (1 for a field's whole type): each type, and each generic argument, counts ten times
/// the depth it sits at. Above [`TYPE_COMPLEXITY_LIMIT`] the lint fires.
pub(crate) fn type_complexity(ty: &TypeRef, depth: usize) -> usize {
    let own = 10 * depth;
    match ty {
        TypeRef::List(inner) | TypeRef::Nullable(inner) => own + type_complexity(inner, depth + 1),
        // The key type is a generic argument too.
        TypeRef::Map(value) => own + 10 * (depth + 1) + type_complexity(value, depth + 1),
        TypeRef::Boxed(_) => own + 10 * (depth + 1),
        _ => own,
    }
}

/// The score past which clippy's `type_complexity` lint fires, by default.
pub(crate) const TYPE_COMPLEXITY_LIMIT: usize = 250;

pub(crate) fn rust_type(ty: &TypeRef, types: &TokenStream, api: &Api) -> TokenStream {
    match ty {
        TypeRef::String => quote!(::std::string::String),
        TypeRef::Secret => quote!(crate::runtime::Secret),
        TypeRef::Bool => quote!(bool),
        TypeRef::I8 => quote!(i8),
        TypeRef::I16 => quote!(i16),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::U8 => quote!(u8),
        TypeRef::U16 => quote!(u16),
        TypeRef::U32 => quote!(u32),
        TypeRef::U64 => quote!(u64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::Binary => quote!(crate::runtime::Binary),
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::Named(id) => {
            let ident = crate::naming::ident(api.name(*id));
            quote!(#types::#ident)
        }
        TypeRef::Boxed(id) => {
            let ident = crate::naming::ident(api.name(*id));
            quote!(::std::boxed::Box<#types::#ident>)
        }
        TypeRef::List(item) => {
            let item = rust_type(item, types, api);
            quote!(::std::vec::Vec<#item>)
        }
        TypeRef::Nullable(inner) => {
            let inner = rust_type(inner, types, api);
            quote!(::std::option::Option<#inner>)
        }
        TypeRef::Map(value) => {
            let value = rust_type(value, types, api);
            quote!(::std::collections::BTreeMap<::std::string::String, #value>)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{TYPE_COMPLEXITY_LIMIT, type_complexity};
    use crate::ir::{TypeId, TypeRef};

    fn map(value: TypeRef) -> TypeRef {
        TypeRef::Map(Box::new(value))
    }

    /// The scores clippy gives: an optional map of maps of maps of a struct is past the limit
    /// (Qdrant's per-collection telemetry), a required one and a map of maps are not.
    #[test]
    fn type_complexity_measures_as_clippy_does() {
        let named = TypeRef::Named(TypeId(0));
        let three = map(map(map(named.clone())));
        assert_eq!(type_complexity(&map(map(named.clone())), 1), 110);
        assert_eq!(type_complexity(&three, 1), 190);
        assert_eq!(10 + type_complexity(&three, 2), 270);
        assert!(10 + type_complexity(&three, 2) > TYPE_COMPLEXITY_LIMIT);
        let lists = TypeRef::List(Box::new(TypeRef::List(Box::new(named))));
        assert_eq!(type_complexity(&lists, 1), 60);
    }
}
