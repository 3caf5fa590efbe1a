//! Which types reach a property of interest (a secret, a constraint) through the types they hold,
//! so that trait impls are emitted exactly for the types that need them.

use std::collections::BTreeSet;

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// The types for which `seed` holds, or that hold (through fields, variants, aliases, lists and
/// maps) a reference satisfying `leaf` or a type already in the set.
pub(super) fn closure(
    types: &[TypeDef],
    seed: impl Fn(&TypeDef) -> bool,
    leaf: fn(&TypeRef) -> bool,
) -> BTreeSet<String> {
    let mut set: BTreeSet<String> = types
        .iter()
        .filter(|t| seed(t))
        .map(|t| t.name.clone())
        .collect();
    // Grow the set until a round adds nothing: each round adds the types that refer into it.
    loop {
        let before = set.len();
        for def in types {
            if !set.contains(&def.name) && refs(&def.kind).any(|ty| reaches(&ty, &set, leaf)) {
                set.insert(def.name.clone());
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

/// Whether a value of `ty` satisfies `leaf` or holds a type of `set`.
pub(super) fn reaches(ty: &TypeRef, set: &BTreeSet<String>, leaf: fn(&TypeRef) -> bool) -> bool {
    leaf(ty)
        || match ty {
            TypeRef::Named(name) | TypeRef::Boxed(name) => set.contains(name),
            TypeRef::List(inner) | TypeRef::Map(inner) => reaches(inner, set, leaf),
            _ => false,
        }
}

/// The references a type holds.
fn refs(kind: &TypeKind) -> Box<dyn Iterator<Item = TypeRef> + '_> {
    match kind {
        TypeKind::Struct(s) => Box::new(s.fields.iter().map(|f| f.ty.clone())),
        TypeKind::Tagged(t) => Box::new(t.variants.iter().map(|v| TypeRef::Named(v.ty.clone()))),
        TypeKind::Untagged(u) => Box::new(u.variants.iter().map(|v| v.ty.clone())),
        TypeKind::Alias(ty) => Box::new(std::iter::once(ty.clone())),
        TypeKind::Enum(_) => Box::new(std::iter::empty()),
    }
}
