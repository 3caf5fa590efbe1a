//! The last stage of lowering, once every schema and operation is lowered: each type gets its
//! final name (by the naming rules, so that no name depends on the order of keys in the
//! document), the type table is put in output order, cycles are boxed, untagged unions are named
//! and ordered, and the analyses emitting needs are computed once.

use std::collections::HashMap;

use super::{Lowerer, analysis, recursion};
use crate::diagnostics::{Code, pointer};
use crate::ir::{
    Api, BaseUrl, BodyEncoding, Content, Operation, TypeDef, TypeId, TypeKind, TypeRef,
};
use crate::load::Document;
use crate::naming::{self, Kind, Precedence};

/// Builds the finished IR from everything lowered.
pub(super) fn finish(cx: &mut Lowerer<'_>, document: &Document) -> Api {
    name_types(cx);
    let (mut types, remap) = compact(cx);
    let mut operations = std::mem::take(&mut cx.operations);
    let map = |ty: &mut TypeRef| rewrite(ty, &remap);
    for def in &mut types {
        each_ref_mut(&mut def.kind, &remap, &map);
    }
    for op in &mut operations {
        for parameter in &mut op.parameters {
            map(&mut parameter.ty);
        }
        if let Some(body) = &mut op.body {
            map(&mut body.ty);
        }
        for response in &mut op.responses {
            if let Content::Json(ty) = &mut response.content {
                map(ty);
            }
        }
    }
    check_bodies(cx, &types, &mut operations);
    name_untagged(&mut types);
    recursion::box_cycles(&mut types);
    document_variants(&mut types);
    order_untagged(&mut types);
    report_ambiguous(cx, &types);
    let analysis = analysis::analyse(&types);
    let aliases = super::aliases::aliases(cx, &operations);
    Api {
        title: document.api.info.title.clone(),
        description: document.api.info.description.clone(),
        base_url: base_url(&document.api.servers),
        types,
        operations,
        analysis,
        credentials: std::mem::take(&mut cx.settings.credentials)
            .into_iter()
            .collect(),
        aliases,
    }
}

/// The base URL of the first server, its variables replaced by their defaults.
pub(crate) fn base_url(servers: &[openapiv3::Server]) -> BaseUrl {
    let Some(server) = servers.first() else {
        return BaseUrl::None;
    };
    let mut url = server.url.trim().to_owned();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    if url.is_empty() {
        BaseUrl::None
    } else if url.contains("://") {
        BaseUrl::Absolute(url)
    } else {
        BaseUrl::Relative(url)
    }
}

/// Decides every type's name in one scope: component names as the document gives them, inline
/// types by the names lowering derived for them, pinned names first. Renames are reported.
fn name_types(cx: &mut Lowerer<'_>) {
    let lowered: Vec<usize> = (0..cx.table.types.len())
        .filter(|&i| cx.table.types[i].is_some())
        .collect();
    let wanted: Vec<super::Wanted> = lowered
        .iter()
        .map(|&i| cx.table.wanted[i].clone())
        .collect();
    let claimants: Vec<naming::Claimant<'_>> = wanted
        .iter()
        .map(|w| {
            let (wire, precedence) = match &w.key {
                Some(key) => (key.as_str(), Precedence::Given),
                None => (
                    w.candidates.first().map_or("", String::as_str),
                    Precedence::Derived,
                ),
            };
            let mut claimant = cx.claimant(wire, &w.pointer, precedence);
            if w.key.is_none() {
                claimant.alternative = w.candidates.get(1).map(String::as_str);
            }
            claimant
        })
        .collect();
    let (names, renames) = naming::Scope::new(Kind::Type, &[]).assign(&claimants);
    cx.report_renames("schema", &claimants, &renames);
    drop(claimants);
    for (slot, name) in lowered.into_iter().zip(names) {
        if let Some(def) = &mut cx.table.types[slot] {
            def.name = name;
        }
    }
}

/// The lowered types in output order, and each old handle's new one.
fn compact(cx: &mut Lowerer<'_>) -> (Vec<TypeDef>, Vec<Option<TypeId>>) {
    let mut order: Vec<usize> = (0..cx.table.types.len())
        .filter(|&i| cx.table.types[i].is_some())
        .collect();
    order.sort_by_key(|&i| cx.table.positions[i]);
    let mut remap = vec![None; cx.table.types.len()];
    let mut types = Vec::with_capacity(order.len());
    for (new, old) in order.into_iter().enumerate() {
        remap[old] = Some(TypeId(new));
        if let Some(def) = cx.table.types[old].take() {
            types.push(def);
        }
    }
    (types, remap)
}

/// A reference with its handles renumbered; one to a type that was never lowered becomes JSON.
fn rewrite(ty: &mut TypeRef, remap: &[Option<TypeId>]) {
    match ty {
        TypeRef::Named(id) | TypeRef::Boxed(id) => match remap.get(id.0).copied().flatten() {
            Some(new) => *id = new,
            None => *ty = TypeRef::Json,
        },
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            rewrite(inner, remap)
        }
        _ => {}
    }
}

/// Applies `map` to every reference a type holds, and renumbers its tagged variants (dropping one
/// whose struct was never lowered).
fn each_ref_mut(kind: &mut TypeKind, remap: &[Option<TypeId>], map: &dyn Fn(&mut TypeRef)) {
    match kind {
        TypeKind::Struct(s) => {
            s.fields.iter_mut().for_each(|f| map(&mut f.ty));
            s.additional.iter_mut().for_each(|a| map(&mut a.ty));
        }
        TypeKind::Untagged(u) => u.variants.iter_mut().for_each(|v| map(&mut v.ty)),
        TypeKind::Alias(ty) => map(ty),
        TypeKind::Tagged(t) => t.variants.retain_mut(|v| match remap.get(v.ty.0) {
            Some(Some(new)) => {
                v.ty = *new;
                true
            }
            _ => false,
        }),
        TypeKind::Enum(_) => {}
    }
}

/// Names the variants of untagged unions after the types they wrap (`Integer`, `List`, … for
/// types without a name), unique within each union.
fn name_untagged(types: &mut [TypeDef]) {
    let names: Vec<String> = types.iter().map(|t| t.name.clone()).collect();
    for def in types.iter_mut() {
        let TypeKind::Untagged(union) = &mut def.kind else {
            continue;
        };
        let wires: Vec<String> = union
            .variants
            .iter()
            .enumerate()
            .map(|(index, v)| match v.ty.strip_nullable() {
                // A member declared inline is named after the union: its variant need not say
                // the union's name again (`RegionName::AwsRegions`, not
                // `RegionName::RegionNameAwsRegions`).
                TypeRef::Named(id) | TypeRef::Boxed(id) => names[id.0]
                    .strip_prefix(def.name.as_str())
                    .filter(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
                    .unwrap_or(&names[id.0])
                    .to_owned(),
                other => scalar_variant_name(other, index),
            })
            .collect();
        let pointers: Vec<String> = (0..wires.len())
            .map(|i| format!("{}/{i:010}", def.source))
            .collect();
        let claimants: Vec<naming::Claimant<'_>> = wires
            .iter()
            .zip(&pointers)
            .map(|(wire, pointer)| naming::Claimant {
                wire,
                pointer,
                precedence: Precedence::Given,
                pinned: None,
                alternative: None,
            })
            .collect();
        let (chosen, _) = naming::Scope::new(Kind::Variant, &[]).assign(&claimants);
        for (variant, name) in union.variants.iter_mut().zip(chosen) {
            variant.name = name;
        }
    }
}

/// The name of an untagged variant that holds no named type.
fn scalar_variant_name(ty: &TypeRef, index: usize) -> String {
    match ty {
        TypeRef::String | TypeRef::Secret => "String".to_owned(),
        TypeRef::Binary => "Binary".to_owned(),
        TypeRef::Bool => "Bool".to_owned(),
        TypeRef::Nullable(inner) => scalar_variant_name(inner, index),
        ty if ty.is_integer() => "Integer".to_owned(),
        ty if ty.is_number() => "Number".to_owned(),
        TypeRef::List(_) => "List".to_owned(),
        TypeRef::Map(_) => "Map".to_owned(),
        _ => format!("Variant{index}"),
    }
}

/// Orders the variants of each untagged union so that the trial, which stops at the first variant
/// that accounts for the whole value, tries the most demanding first: objects with more required
/// fields before those with fewer, objects that accept anything last among objects, scalars next,
/// then lists and maps, and a free-form value last. Among objects that require as much, the one
/// that declares fewer properties goes first: where several account for every key of a value,
/// the one that leaves the fewest of its own properties out is the closest fit (an Azure hardware
/// spec, with no `ebsVolumeType`, is not read as an AWS one that lacks it). Document order breaks
/// ties.
fn order_untagged(types: &mut [TypeDef]) {
    let rank: Vec<(u8, usize, usize)> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct(s) => {
                let required = s.fields.iter().filter(|f| f.required).count();
                let declared = s.fields.len();
                if required == 0 {
                    (1, 0, declared)
                } else {
                    (0, usize::MAX - required, declared)
                }
            }
            TypeKind::Tagged(_) => (0, usize::MAX - 1, 0),
            TypeKind::Untagged(_) => (1, 0, usize::MAX),
            TypeKind::Enum(_) => (2, 0, 0),
            TypeKind::Alias(_) => (3, 0, 0),
        })
        .collect();
    let of = |ty: &TypeRef| match ty.strip_nullable() {
        TypeRef::Named(id) | TypeRef::Boxed(id) => rank.get(id.0).copied().unwrap_or((3, 0, 0)),
        TypeRef::String | TypeRef::Secret | TypeRef::Binary => (2, 1, 0),
        TypeRef::List(_) | TypeRef::Map(_) => (3, 0, 0),
        TypeRef::Json => (4, 0, 0),
        _ => (2, 0, 0),
    };
    for def in types.iter_mut() {
        if let TypeKind::Untagged(union) = &mut def.kind {
            union.variants.sort_by_key(|v| of(&v.ty));
        }
    }
}

/// Gives each variant of a tagged union the documentation of the struct it wraps.
fn document_variants(types: &mut [TypeDef]) {
    let docs: HashMap<usize, Option<String>> = types
        .iter()
        .enumerate()
        .filter(|(_, t)| t.doc.is_some())
        .map(|(i, t)| (i, t.doc.clone()))
        .collect();
    for def in types.iter_mut() {
        if let TypeKind::Tagged(union) = &mut def.kind {
            for variant in &mut union.variants {
                variant.doc = docs.get(&variant.ty.0).cloned().flatten();
            }
        }
    }
}

/// Warns of each pair of variants of an untagged union that accept the same data: the same JSON
/// type and, for objects, the same declared keys with the same enum values. Decoding takes the
/// first of them for data both accept.
fn report_ambiguous(cx: &mut Lowerer<'_>, types: &[TypeDef]) {
    for def in types {
        let TypeKind::Untagged(union) = &def.kind else {
            continue;
        };
        let shapes: Vec<String> = union
            .variants
            .iter()
            .map(|v| shape(&v.ty, types, 0))
            .collect();
        for (later, shape) in shapes.iter().enumerate() {
            if let Some(earlier) = shapes[..later].iter().position(|s| s == shape) {
                let message = format!(
                    "variants `{}` and `{}` accept the same data ({shape}); `{}` is taken for it",
                    union.variants[earlier].name,
                    union.variants[later].name,
                    union.variants[earlier].name
                );
                cx.report.warning(
                    crate::diagnostics::Code::AmbiguousUnion,
                    &def.source,
                    message,
                );
            }
        }
    }
}

/// What data a type accepts, as far as telling variants apart goes.
fn shape(ty: &TypeRef, types: &[TypeDef], depth: usize) -> String {
    if depth > 16 {
        return "a recursive value".to_owned();
    }
    match ty.strip_nullable() {
        TypeRef::String | TypeRef::Secret | TypeRef::Binary => "a string".to_owned(),
        TypeRef::Bool => "a boolean".to_owned(),
        TypeRef::F32 | TypeRef::F64 => "a number".to_owned(),
        TypeRef::List(item) => format!("a list of {}", shape(item, types, depth + 1)),
        TypeRef::Map(value) => format!("an object of {}", shape(value, types, depth + 1)),
        TypeRef::Json => "any value".to_owned(),
        TypeRef::Named(id) | TypeRef::Boxed(id) => match types.get(id.0).map(|t| &t.kind) {
            Some(TypeKind::Struct(s)) => {
                let mut keys: Vec<String> = s
                    .fields
                    .iter()
                    .map(|f| match f.ty.named().and_then(|id| types.get(id.0)) {
                        Some(TypeDef {
                            kind: TypeKind::Enum(e),
                            ..
                        }) => {
                            let values: Vec<&str> =
                                e.values.iter().map(|v| v.wire.as_str()).collect();
                            format!("`{}` in [{}]", f.name.wire, values.join(", "))
                        }
                        _ => format!("`{}`", f.name.wire),
                    })
                    .collect();
                keys.sort();
                let extra = if s.additional.is_some() {
                    " and any other"
                } else {
                    ""
                };
                format!("an object with keys {}{extra}", keys.join(", "))
            }
            Some(TypeKind::Enum(e)) => {
                let mut values: Vec<&str> = e.values.iter().map(|v| v.wire.as_str()).collect();
                values.sort_unstable();
                format!("one of the strings {}", values.join(", "))
            }
            Some(TypeKind::Alias(inner)) => shape(inner, types, depth + 1),
            // Tagged and untagged unions have a name of their own: told apart by what they are.
            _ => format!("a `{}`", types.get(id.0).map_or("", |t| t.name.as_str())),
        },
        ty if ty.is_integer() => "an integer".to_owned(),
        _ => "a value".to_owned(),
    }
}

/// Form and multipart bodies are written field by field: one whose type is not an object with
/// properties (a map too, for a form) is reported and sent as JSON instead; a multipart
/// `encoding` entry is kept only for a file part, the one kind of part with a media type of its
/// own.
fn check_bodies(cx: &mut Lowerer<'_>, types: &[TypeDef], operations: &mut [Operation]) {
    for op in operations {
        let Some(body) = &mut op.body else { continue };
        let kind = match &body.ty {
            TypeRef::Named(id) => types.get(id.0).map(|t| &t.kind),
            _ => None,
        };
        let fields = match kind {
            Some(TypeKind::Struct(s)) => Some(&s.fields),
            _ => None,
        };
        let (what, fits) = match &body.encoding {
            BodyEncoding::Form(_) => (
                "form",
                fields.is_some() || matches!(body.ty, TypeRef::Map(_)),
            ),
            BodyEncoding::Multipart(_) => ("multipart form", fields.is_some()),
            _ => continue,
        };
        if !fits {
            cx.report.warning(
                Code::BodyMediaType,
                &pointer(&body.pointer, "schema"),
                format!(
                    "a {what} body is written property by property, and this schema is not an object with properties; it is sent as JSON, with `Content-Type: application/json`"
                ),
            );
            body.encoding = BodyEncoding::Json;
            body.media_type = "application/json".to_owned();
            body.kind = crate::ir::MediaKind::Json;
            continue;
        }
        if let (BodyEncoding::Multipart(parts), Some(fields)) = (&mut body.encoding, fields) {
            parts.retain(|part| {
                let file = fields
                    .iter()
                    .find(|f| f.name.wire == part.name)
                    .is_some_and(|f| is_file(&f.ty));
                if part.content_type.is_some() && !file {
                    let at = pointer(&pointer(&pointer(&body.pointer, "encoding"), &part.name), "contentType");
                    cx.report.warning(
                        Code::BodyMediaType,
                        &at,
                        "only file parts (`format: binary`) carry a media type of their own; this part is sent as text, without it",
                    );
                }
                file && part.content_type.is_some()
            });
        }
    }
}

/// Whether a multipart field is sent as file parts: bytes, or a list of them.
pub(crate) fn is_file(ty: &TypeRef) -> bool {
    match ty.strip_nullable() {
        TypeRef::Binary => true,
        TypeRef::List(item) => matches!(item.strip_nullable(), TypeRef::Binary),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::base_url;
    use crate::ir::BaseUrl;

    fn servers(yaml: &str) -> Vec<openapiv3::Server> {
        serde_yaml::from_str(yaml).unwrap_or_default()
    }

    #[test]
    fn the_first_server_is_the_base_url_with_variables_at_their_defaults() {
        let absolute = servers(
            "- url: 'https://{region}.example.com/{v}'\n  variables:\n    region: {default: eu}\n    v: {default: v2}\n- url: https://other.example.com\n",
        );
        assert_eq!(
            base_url(&absolute),
            BaseUrl::Absolute("https://eu.example.com/v2".to_owned())
        );
        assert_eq!(
            base_url(&servers("- url: /api/v3\n")),
            BaseUrl::Relative("/api/v3".to_owned())
        );
        assert_eq!(base_url(&[]), BaseUrl::None);
    }
}
