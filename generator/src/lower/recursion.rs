//! Breaks cycles of types that hold each other by value, which Rust cannot size, by boxing every
//! by-value reference between types of one strongly connected component.

use crate::ir::{TypeDef, TypeId, TypeKind, TypeRef};

/// Replaces `Named` by `Boxed` on each by-value edge that lies on a cycle.
pub(super) fn box_cycles(types: &mut [TypeDef]) {
    let n = types.len();
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| {
            by_value_refs(&t.kind)
                .map(|id| id.0)
                .filter(|&to| to < n)
                .collect()
        })
        .collect();
    let component = strongly_connected(&edges);
    let same_component = |from: usize, to: TypeId| {
        to.0 < n
            && component[to.0] == component[from]
            && (to.0 != from || edges[from].contains(&from))
    };
    let mut boxed = Vec::new();
    for (from, def) in types.iter().enumerate() {
        let slots: Vec<usize> = match &def.kind {
            TypeKind::Struct(s) => (0..s.fields.len())
                .filter(|&i| matches!(direct(&s.fields[i].ty), Some(n) if same_component(from, n)))
                .collect(),
            TypeKind::Untagged(u) => (0..u.variants.len())
                .filter(
                    |&i| matches!(direct(&u.variants[i].ty), Some(n) if same_component(from, n)),
                )
                .collect(),
            _ => Vec::new(),
        };
        boxed.push(slots);
    }
    for (def, slots) in types.iter_mut().zip(boxed) {
        for slot in slots {
            let ty = match &mut def.kind {
                TypeKind::Struct(s) => &mut s.fields[slot].ty,
                TypeKind::Untagged(u) => &mut u.variants[slot].ty,
                _ => continue,
            };
            box_direct(ty);
        }
    }
}

/// The types a type holds by value (not behind a `Vec`, a map or a box).
fn by_value_refs(kind: &TypeKind) -> Box<dyn Iterator<Item = TypeId> + '_> {
    match kind {
        TypeKind::Struct(s) => Box::new(s.fields.iter().filter_map(|f| direct(&f.ty))),
        TypeKind::Untagged(u) => Box::new(u.variants.iter().filter_map(|v| direct(&v.ty))),
        TypeKind::Tagged(t) => Box::new(t.variants.iter().map(|v| v.ty)),
        TypeKind::Alias(ty) => Box::new(direct(ty).into_iter()),
        TypeKind::Enum(_) => Box::new(std::iter::empty()),
    }
}

fn direct(ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) => Some(*id),
        TypeRef::Nullable(inner) => direct(inner),
        _ => None,
    }
}

/// Boxes the type a reference holds by value.
fn box_direct(ty: &mut TypeRef) {
    match ty {
        TypeRef::Named(id) => *ty = TypeRef::Boxed(*id),
        TypeRef::Nullable(inner) => box_direct(inner),
        _ => {}
    }
}

/// Tarjan's algorithm, iterative so that long chains of types cannot exhaust the stack. Returns
/// the component number of each node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut order = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![UNSEEN; n];
    let mut stack = Vec::new();
    let mut next_order = 0;
    let mut next_component = 0;
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        // Each frame is a node and the index of the next edge to follow from it.
        let mut frames = vec![(root, 0usize)];
        order[root] = next_order;
        low[root] = next_order;
        next_order += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut edge)) = frames.last_mut() {
            if let Some(&next) = edges[node].get(*edge) {
                *edge += 1;
                if order[next] == UNSEEN {
                    order[next] = next_order;
                    low[next] = next_order;
                    next_order += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    frames.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(order[next]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn components_group_cycles_only() {
        // 0 -> 1 -> 2 -> 0 is a cycle; 3 -> 0 is not part of it; 4 stands alone.
        let edges = vec![vec![1], vec![2], vec![0], vec![0], vec![]];
        let c = strongly_connected(&edges);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[3], c[0]);
        assert_ne!(c[4], c[0]);
        assert_ne!(c[4], c[3]);
    }
}
