//! Which types reach a property of interest (a secret, a constraint) through the types they hold,
//! so that trait impls are emitted exactly for the types that need them.

use std::collections::{BTreeSet, HashMap};

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// The types for which `seed` holds, or that hold (through fields, variants, aliases, lists and
/// maps) a reference satisfying `leaf` or a type already in the set.
///
/// Found from the other end: the types that qualify by themselves first, then, through the
/// reverse of the references, every type that holds one of them, each visited once.
pub(super) fn closure(
    types: &[TypeDef],
    seed: impl Fn(&TypeDef) -> bool,
    leaf: fn(&TypeRef) -> bool,
) -> BTreeSet<String> {
    let index: HashMap<&str, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    // holders[j]: the types that hold type j.
    let mut holders: Vec<Vec<usize>> = vec![Vec::new(); types.len()];
    let mut inside = vec![false; types.len()];
    let mut work = Vec::new();
    for (i, def) in types.iter().enumerate() {
        let mut qualifies = seed(def);
        for ty in refs(&def.kind) {
            let mut ty = &ty;
            loop {
                qualifies |= leaf(ty);
                match ty {
                    TypeRef::Named(name) | TypeRef::Boxed(name) => {
                        if let Some(&held) = index.get(name.as_str()) {
                            holders[held].push(i);
                        }
                        break;
                    }
                    TypeRef::List(inner) | TypeRef::Map(inner) => ty = inner,
                    _ => break,
                }
            }
        }
        if qualifies {
            inside[i] = true;
            work.push(i);
        }
    }
    while let Some(held) = work.pop() {
        for &holder in &holders[held] {
            if !inside[holder] {
                inside[holder] = true;
                work.push(holder);
            }
        }
    }
    types
        .iter()
        .zip(inside)
        .filter(|(_, inside)| *inside)
        .map(|(t, _)| t.name.clone())
        .collect()
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
