//! Facts about the finished type table that emitting needs, each computed once and in time
//! linear in the size of the table: which types can hold a secret (a tagged union always can, in
//! its catch-all, and a struct that keeps undeclared keys, in them), which hold a constrained
//! field, and which string enums repeat the values of an earlier one.

use std::collections::HashMap;

use crate::ir::{Analysis, Name, TypeDef, TypeId, TypeKind, TypeRef};

/// Analyses the type table.
pub(super) fn analyse(types: &[TypeDef]) -> Analysis {
    // A tagged union's catch-all holds objects of kinds the document does not map, whose every
    // string may be a credential; so may every key a struct keeps without declaring it.
    let holds_secret = closure(
        types,
        |def| match &def.kind {
            TypeKind::Tagged(_) => true,
            TypeKind::Struct(s) => s.keeps_unknown(),
            _ => false,
        },
        |ty| matches!(ty, TypeRef::Secret),
    );
    let holds_constraint = closure(
        types,
        |def| matches!(&def.kind, TypeKind::Struct(s) if s.fields.iter().any(|f| f.checked())),
        |_| false,
    );
    Analysis {
        holds_secret,
        holds_constraint,
        enum_alias_of: shared_enums(types),
    }
}

/// For each type: whether `seed` holds for it, or it holds (through fields, variants, aliases,
/// lists and maps) a reference satisfying `leaf` or a type for which this holds. A work list over
/// the reversed references visits each reference once.
fn closure(
    types: &[TypeDef],
    seed: impl Fn(&TypeDef) -> bool,
    leaf: fn(&TypeRef) -> bool,
) -> Vec<bool> {
    let mut held_by: Vec<Vec<usize>> = vec![Vec::new(); types.len()];
    let mut marked = vec![false; types.len()];
    let mut pending = Vec::new();
    for (index, def) in types.iter().enumerate() {
        let mut direct = seed(def);
        for ty in def.kind.refs() {
            direct |= ty.reaches(&|_| false, &leaf);
            if let Some(target) = ty.named().filter(|t| t.0 < types.len()) {
                held_by[target.0].push(index);
            }
        }
        if direct {
            marked[index] = true;
            pending.push(index);
        }
    }
    while let Some(index) = pending.pop() {
        for &holder in &held_by[index] {
            if !marked[holder] {
                marked[holder] = true;
                pending.push(holder);
            }
        }
    }
    marked
}

/// String enums with exactly the values of another, each mapped to the one of the set whose
/// Rust name is smallest byte-wise.
///
/// Documents repeat inline enums (the cloud providers, the regions) under many properties. Each
/// repeat becomes an alias of one of them, so the values are one type and the crate is compiled
/// once per set rather than once per property; every name the document gives still exists. The
/// one kept whole is chosen by name, not by position, so that the alias points the same way in
/// every document that has the same enums (`OpsGenieRegion = PagerDutyRegion` whichever comes
/// first).
fn shared_enums(types: &[TypeDef]) -> HashMap<TypeId, TypeId> {
    let mut canonical: HashMap<(&[Name], &str), TypeId> = HashMap::new();
    for (index, def) in types.iter().enumerate() {
        if let TypeKind::Enum(e) = &def.kind {
            canonical
                .entry((e.values.as_slice(), e.fallback.as_str()))
                .and_modify(|kept| {
                    if def.name.as_bytes() < types[kept.0].name.as_bytes() {
                        *kept = TypeId(index);
                    }
                })
                .or_insert(TypeId(index));
        }
    }
    let mut shared = HashMap::new();
    for (index, def) in types.iter().enumerate() {
        if let TypeKind::Enum(e) = &def.kind
            && let Some(kept) = canonical.get(&(e.values.as_slice(), e.fallback.as_str()))
            && kept.0 != index
        {
            shared.insert(TypeId(index), *kept);
        }
    }
    shared
}
