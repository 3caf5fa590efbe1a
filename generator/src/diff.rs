//! What changes for a Rust caller between the crates two documents generate: a changelog computed
//! from the IR of each (the generator's own decisions: names, types, presence, secrecy), each
//! entry classified for semantic versioning, with the JSON pointers of both sides.
//!
//! The classification follows the shape of the generated API:
//!
//! - structs are `#[non_exhaustive]` and built with `new(required…)` and assignment: a new
//!   optional field is additive, a new required one changes `new` and breaks;
//! - string enums and tagged unions are `#[non_exhaustive]` and have a catch-all: a new value or
//!   kind is additive (values that decoded into the catch-all now decode into the new variant);
//!   untagged unions and output enums are matched exhaustively, so a new variant breaks;
//! - error enums are `#[non_exhaustive]`: a new documented status is additive;
//! - builders take required parameters (and the body) in `new`, optional ones through setters;
//! - an operation renamed on the same method and path keeps its former names only through the
//!   settings' `renamed_operations` (deprecated aliases): without them the rename breaks;
//! - constraints, media types, paths and documentation change what is sent or shown, not what
//!   compiles: patch.
//!
//! A difference between the two IRs that none of these rules covers is listed as unclassified.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::Document;
use crate::diagnostics::pointer;
use crate::ir::{
    Api, Constraints, Content, Field, Location, Operation, Parameter, Response, Status, Struct,
    TypeDef, TypeKind, TypeRef,
};

/// What a change means for a caller of the generated crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Code that compiled (or worked) against the old crate may not any more: a major version.
    Breaking,
    /// New API, old code unaffected: a minor version.
    Additive,
    /// Nothing a caller names changes: documentation, what is sent on the wire, checks that
    /// mirror the server: a patch version.
    Patch,
    /// A difference the rules do not cover: someone has to decide.
    Unclassified,
}

impl Class {
    /// The word used in the changelog.
    pub fn label(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Additive => "additive",
            Class::Patch => "patch",
            Class::Unclassified => "unclassified",
        }
    }
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    /// How it is classified.
    pub class: Class,
    /// The item of the generated crate it concerns: `types::Datadog`,
    /// `operations::ListThirdPartyIntegrations`.
    pub item: String,
    /// What changed.
    pub what: String,
    /// Where it is in the old document, as a JSON pointer.
    pub old: Option<String>,
    /// Where it is in the new document.
    pub new: Option<String>,
}

/// The version bump a changelog calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Patch version.
    Patch,
    /// Minor version.
    Minor,
    /// Major version (for a `0.y.z` crate, `y`).
    Major,
}

/// Every change between two generated crates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changelog {
    /// The old document's label.
    pub old: String,
    /// The new document's label.
    pub new: String,
    /// The changes, sorted by class, item and description.
    pub entries: Vec<Entry>,
}

/// One side of a comparison: a document and the IR lowered from it.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    /// The document, for the pointers of parameters.
    pub document: &'a Document,
    /// The IR.
    pub api: &'a Api,
}

impl Changelog {
    /// The entries of one class.
    pub fn of(&self, class: Class) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(move |e| e.class == class)
    }

    /// Whether any change breaks callers.
    pub fn breaking(&self) -> bool {
        self.of(Class::Breaking).next().is_some()
    }

    /// Whether any change is left unclassified.
    pub fn unclassified(&self) -> bool {
        self.of(Class::Unclassified).next().is_some()
    }

    /// The bump the classified changes call for (unclassified ones need a person).
    pub fn bump(&self) -> Bump {
        self.entries
            .iter()
            .map(|e| match e.class {
                Class::Breaking => Bump::Major,
                Class::Additive => Bump::Minor,
                Class::Patch => Bump::Patch,
                Class::Unclassified => Bump::None,
            })
            .max()
            .unwrap_or(Bump::None)
    }

    /// The closing line: the bump, and what it rests on.
    pub fn verdict(&self) -> String {
        let count = |class| self.of(class).count();
        let bump = match self.bump() {
            Bump::Major => format!(
                "major ({} breaking change(s); a 0.y.z crate bumps y)",
                count(Class::Breaking)
            ),
            Bump::Minor => format!(
                "minor ({} additive change(s), none breaking; a 0.y.z crate bumps z)",
                count(Class::Additive)
            ),
            Bump::Patch => format!("patch ({} patch change(s))", count(Class::Patch)),
            Bump::None if self.entries.is_empty() => "none (no change)".to_owned(),
            Bump::None => "none from the classified changes".to_owned(),
        };
        let unclassified = match count(Class::Unclassified) {
            0 => String::new(),
            n => format!("; {n} unclassified change(s) to review before deciding"),
        };
        format!("version bump: {bump}{unclassified}")
    }

    /// The changelog as plain text, grouped by class.
    pub fn text(&self) -> String {
        let mut out = format!("changes from {} to {}\n", self.old, self.new);
        for class in CLASSES {
            let entries: Vec<&Entry> = self.of(class).collect();
            if entries.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{} ({}):", class.label(), entries.len());
            for e in entries {
                let _ = writeln!(out, "  {}: {}", e.item, e.what);
                if let Some(old) = &e.old {
                    let _ = writeln!(out, "      old: {}#{old}", self.old);
                }
                if let Some(new) = &e.new {
                    let _ = writeln!(out, "      new: {}#{new}", self.new);
                }
            }
        }
        let _ = writeln!(out, "\n{}", self.verdict());
        out
    }

    /// The changelog as Markdown, for a pull request.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "## Changes to the generated crate\n\nFrom `{}` to `{}`.\n",
            self.old, self.new
        );
        for class in CLASSES {
            let entries: Vec<&Entry> = self.of(class).collect();
            if entries.is_empty() {
                continue;
            }
            let title = match class {
                Class::Breaking => "Breaking",
                Class::Additive => "Additive",
                Class::Patch => "Patch",
                Class::Unclassified => "Unclassified",
            };
            let _ = writeln!(out, "\n### {title} ({})\n", entries.len());
            for e in entries {
                let pointers: Vec<String> = [("old", &e.old), ("new", &e.new)]
                    .into_iter()
                    .filter_map(|(side, p)| p.as_ref().map(|p| format!("{side} `#{p}`")))
                    .collect();
                let _ = writeln!(
                    out,
                    "- `{}`: {} ({})",
                    e.item,
                    e.what.replace('|', "\\|"),
                    pointers.join(", ")
                );
            }
        }
        let _ = writeln!(out, "\n**{}**", self.verdict());
        out
    }
}

const CLASSES: [Class; 4] = [
    Class::Breaking,
    Class::Unclassified,
    Class::Additive,
    Class::Patch,
];

/// Compares the crates generated from two documents, given their IRs.
pub fn compare(old: Side<'_>, new: Side<'_>) -> Changelog {
    let mut cx = Cx {
        old,
        new,
        entries: Vec::new(),
    };
    cx.api();
    cx.types();
    cx.operations();
    cx.unclassified();
    let mut entries = cx.entries;
    entries.sort();
    entries.dedup();
    Changelog {
        old: old.document.file().to_owned(),
        new: new.document.file().to_owned(),
        entries,
    }
}

struct Cx<'a> {
    old: Side<'a>,
    new: Side<'a>,
    entries: Vec<Entry>,
}

/// A type as the caller writes it, with the names of its own document.
fn render(ty: &TypeRef, api: &Api) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Secret => "Secret".to_owned(),
        TypeRef::Bool => "bool".to_owned(),
        TypeRef::I8 => "i8".to_owned(),
        TypeRef::I16 => "i16".to_owned(),
        TypeRef::I32 => "i32".to_owned(),
        TypeRef::I64 => "i64".to_owned(),
        TypeRef::U8 => "u8".to_owned(),
        TypeRef::U16 => "u16".to_owned(),
        TypeRef::U32 => "u32".to_owned(),
        TypeRef::U64 => "u64".to_owned(),
        TypeRef::F32 => "f32".to_owned(),
        TypeRef::F64 => "f64".to_owned(),
        TypeRef::Binary => "Binary".to_owned(),
        TypeRef::Json => "serde_json::Value".to_owned(),
        TypeRef::Named(id) => api.name(*id).to_owned(),
        TypeRef::Boxed(id) => format!("Box<{}>", api.name(*id)),
        TypeRef::List(inner) => format!("Vec<{}>", render(inner, api)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", render(inner, api)),
        TypeRef::Nullable(inner) => format!("Option<{}>", render(inner, api)),
    }
}

/// A field's type as declared, with the `Option` its presence adds.
fn field_type(field: &Field, api: &Api) -> String {
    let ty = render(&field.ty, api);
    if field.optional() {
        format!("Option<{ty}>")
    } else {
        ty
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Tagged(_) => "tagged union",
        TypeKind::Untagged(_) => "untagged union",
        TypeKind::Enum(_) => "string enum",
        TypeKind::Alias(_) => "type alias",
    }
}

/// How constraints read in a changelog.
fn constraints_text(c: &Constraints) -> String {
    let mut parts = Vec::new();
    if let Some(p) = &c.pattern {
        parts.push(format!("pattern `{p}`"));
    }
    if let Some(n) = c.min_length {
        parts.push(format!("minLength {n}"));
    }
    if let Some(n) = c.max_length {
        parts.push(format!("maxLength {n}"));
    }
    if let Some(n) = c.minimum {
        parts.push(format!("minimum {n}"));
    }
    if let Some(n) = c.maximum {
        parts.push(format!("maximum {n}"));
    }
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(", ")
    }
}

/// Whether `new` allows every value `old` allowed (looser or equal); `None` when it cannot be
/// told (a pattern changed).
fn loosened(old: &Constraints, new: &Constraints) -> Option<bool> {
    if old.pattern != new.pattern && new.pattern.is_some() {
        return None;
    }
    let ge = |o: Option<usize>, n: Option<usize>| match (o, n) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(o), Some(n)) => n <= o,
    };
    let le = |o: Option<usize>, n: Option<usize>| match (o, n) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(o), Some(n)) => n >= o,
    };
    let gef = |o: Option<f64>, n: Option<f64>| match (o, n) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(o), Some(n)) => n <= o,
    };
    let lef = |o: Option<f64>, n: Option<f64>| match (o, n) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(o), Some(n)) => n >= o,
    };
    Some(
        ge(old.min_length, new.min_length)
            && le(old.max_length, new.max_length)
            && gef(old.minimum, new.minimum)
            && lef(old.maximum, new.maximum),
    )
}

fn constraints_change(old: &Constraints, new: &Constraints) -> String {
    let direction = match loosened(old, new) {
        Some(true) => "loosened",
        Some(false) if loosened(new, old) == Some(true) => "tightened",
        _ => "changed",
    };
    format!(
        "constraints {direction}: {} (was {}); `build()` checks them, the server decides",
        constraints_text(new),
        constraints_text(old)
    )
}

fn escape(segment: &str) -> String {
    pointer("", segment).trim_start_matches('/').to_owned()
}

impl Cx<'_> {
    fn push(
        &mut self,
        class: Class,
        item: &str,
        what: impl Into<String>,
        old: Option<&str>,
        new: Option<&str>,
    ) {
        self.entries.push(Entry {
            class,
            item: item.to_owned(),
            what: what.into(),
            old: old.map(str::to_owned),
            new: new.map(str::to_owned),
        });
    }

    fn api(&mut self) {
        let (o, n) = (self.old.api, self.new.api);
        if o.base_url != n.base_url {
            self.push(
                Class::Patch,
                "operations::DEFAULT_BASE_URL",
                format!(
                    "the first server changed from {:?} to {:?}",
                    o.base_url, n.base_url
                ),
                Some("/servers/0"),
                Some("/servers/0"),
            );
        }
        if o.title != n.title {
            self.push(
                Class::Patch,
                "crate",
                format!(
                    "title changed from {:?} to {:?} (module docs)",
                    o.title, n.title
                ),
                Some("/info/title"),
                Some("/info/title"),
            );
        }
    }

    /// Lists as unclassified every type and operation present on both sides under one name
    /// whose IR differs although no rule reported anything for it.
    fn unclassified(&mut self) {
        let (o, n) = (self.old.api, self.new.api);
        let reported: BTreeSet<String> = self.entries.iter().map(|e| e.item.clone()).collect();
        let mut found = Vec::new();
        for def in &o.types {
            let item = format!("types::{}", def.name);
            let Some(other) = n.types.iter().find(|t| t.name == def.name) else {
                continue;
            };
            // An enum with the values of an earlier one is an alias of it, on both sides: its
            // values are the earlier one's, whose changes are reported there.
            let alias = |api: &Api, def: &TypeDef| {
                let id = api.types.iter().position(|t| std::ptr::eq(t, def))?;
                let target = api.analysis.enum_alias_of.get(&crate::ir::TypeId(id))?;
                Some(api.name(*target).to_owned())
            };
            let aliased = alias(o, def).is_some() && alias(o, def) == alias(n, other);
            if !aliased && !reported.contains(&item) && normalized(def, o) != normalized(other, n) {
                found.push((item, def.source.clone(), other.source.clone()));
            }
        }
        for op in &o.operations {
            let item = format!("operations::{}", op.name.rust);
            let Some(other) = n.operations.iter().find(|p| p.name.rust == op.name.rust) else {
                continue;
            };
            // The output enum's name means nothing where the output is not an enum.
            let masked = |op: &Operation| {
                let mut op = op.clone();
                if !op.output_is_enum() {
                    op.output.clear();
                }
                op
            };
            if !reported.contains(&item)
                && normalized(&masked(op), o) != normalized(&masked(other), n)
            {
                found.push((
                    item,
                    crate::lower::operation_pointer(op),
                    crate::lower::operation_pointer(other),
                ));
            }
        }
        for (item, old, new) in found {
            self.push(
                Class::Unclassified,
                &item,
                "changed in a way the rules of this changelog do not cover",
                Some(&old),
                Some(&new),
            );
        }
    }

    // ---- types ------------------------------------------------------------------------------

    fn types(&mut self) {
        let (o, n) = (self.old.api, self.new.api);
        let old: BTreeMap<&str, usize> = o
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.as_str(), i))
            .collect();
        let new: BTreeMap<&str, usize> = n
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.as_str(), i))
            .collect();
        let mut removed: Vec<usize> = old
            .iter()
            .filter(|(name, _)| !new.contains_key(*name))
            .map(|(_, i)| *i)
            .collect();
        let mut added: Vec<usize> = new
            .iter()
            .filter(|(name, _)| !old.contains_key(*name))
            .map(|(_, i)| *i)
            .collect();
        // A type whose name changed while its place in the document did not is renamed.
        let mut renamed = Vec::new();
        removed.retain(|&r| {
            let source = &o.types[r].source;
            match added.iter().position(|&a| n.types[a].source == *source) {
                Some(at) => {
                    renamed.push((r, added.remove(at)));
                    false
                }
                None => true,
            }
        });
        for r in removed {
            let def = &o.types[r];
            self.push(
                Class::Breaking,
                &format!("types::{}", def.name),
                format!("{} removed", kind_name(&def.kind)),
                Some(&def.source),
                None,
            );
        }
        for a in added {
            let def = &n.types[a];
            self.push(
                Class::Additive,
                &format!("types::{}", def.name),
                format!("{} added", kind_name(&def.kind)),
                None,
                Some(&def.source),
            );
        }
        for (r, a) in renamed {
            let (od, nd) = (&o.types[r], &n.types[a]);
            self.push(
                Class::Breaking,
                &format!("types::{}", nd.name),
                format!("renamed from `{}`", od.name),
                Some(&od.source),
                Some(&nd.source),
            );
            self.type_def(r, a);
        }
        for (name, &i) in &old {
            if let Some(&j) = new.get(name) {
                self.type_def(i, j);
            }
        }
    }

    fn type_def(&mut self, i: usize, j: usize) {
        let (o, n) = (self.old.api, self.new.api);
        let (od, nd): (&TypeDef, &TypeDef) = (&o.types[i], &n.types[j]);
        let item = format!("types::{}", nd.name);
        let (os, ns) = (Some(od.source.as_str()), Some(nd.source.as_str()));
        if od.deprecated != nd.deprecated {
            let (class, what) = if nd.deprecated {
                (Class::Additive, "deprecated")
            } else {
                (Class::Patch, "no longer deprecated")
            };
            self.push(class, &item, what, os, ns);
        }
        if od.doc != nd.doc {
            self.push(Class::Patch, &item, "documentation changed", os, ns);
        }
        let alias_old = o
            .analysis
            .enum_alias_of
            .get(&crate::ir::TypeId(i))
            .map(|t| o.name(*t));
        let alias_new = n
            .analysis
            .enum_alias_of
            .get(&crate::ir::TypeId(j))
            .map(|t| n.name(*t));
        if alias_old != alias_new {
            let what = match (alias_old, alias_new) {
                (None, Some(to)) => format!(
                    "now an alias of `{to}` (the same values): a different type for callers"
                ),
                (Some(from), None) => format!("no longer an alias of `{from}`: an enum of its own"),
                (Some(from), Some(to)) => format!("an alias of `{to}` instead of `{from}`"),
                (None, None) => String::new(),
            };
            self.push(Class::Breaking, &item, what, os, ns);
        }
        match (&od.kind, &nd.kind) {
            (TypeKind::Struct(a), TypeKind::Struct(b)) => self.structs(&item, od, nd, a, b),
            (TypeKind::Enum(a), TypeKind::Enum(b)) => {
                // An alias shows the values of the enum it names, compared there.
                if alias_old.is_some() || alias_new.is_some() {
                    return;
                }
                let find = |v: &crate::ir::Name, list: &[crate::ir::Name]| {
                    list.iter().position(|w| w.wire == v.wire)
                };
                for (k, v) in a.values.iter().enumerate() {
                    let at_old = format!("{}/enum/{k}", od.source);
                    match find(v, &b.values) {
                        None => self.push(
                            Class::Breaking,
                            &item,
                            format!("value `{}` (variant `{}`) removed", v.wire, v.rust),
                            Some(&at_old),
                            ns,
                        ),
                        Some(m) if b.values[m].rust != v.rust => self.push(
                            Class::Breaking,
                            &item,
                            format!(
                                "variant of `{}` renamed from `{}` to `{}`",
                                v.wire, v.rust, b.values[m].rust
                            ),
                            Some(&at_old),
                            Some(&format!("{}/enum/{m}", nd.source)),
                        ),
                        Some(_) => {}
                    }
                }
                for (m, v) in b.values.iter().enumerate() {
                    if find(v, &a.values).is_none() {
                        self.push(
                            Class::Additive,
                            &item,
                            format!(
                                "value `{}` added (variant `{}`; the enum is non_exhaustive, and \
                                 the value decoded into `{}` before)",
                                v.wire, v.rust, b.fallback
                            ),
                            os,
                            Some(&format!("{}/enum/{m}", nd.source)),
                        );
                    }
                }
                if a.fallback != b.fallback {
                    self.push(
                        Class::Breaking,
                        &item,
                        format!(
                            "catch-all variant renamed from `{}` to `{}`",
                            a.fallback, b.fallback
                        ),
                        os,
                        ns,
                    );
                }
                let common = |x: &[crate::ir::Name], y: &[crate::ir::Name]| -> Vec<String> {
                    x.iter()
                        .filter(|v| find(v, y).is_some())
                        .map(|v| v.wire.clone())
                        .collect()
                };
                if common(&a.values, &b.values) != common(&b.values, &a.values) {
                    self.push(Class::Patch, &item, "values reordered", os, ns);
                }
            }
            (TypeKind::Tagged(a), TypeKind::Tagged(b)) => {
                if a.tag != b.tag {
                    self.push(
                        Class::Patch,
                        &item,
                        format!("tag property changed from `{}` to `{}`", a.tag, b.tag),
                        os,
                        ns,
                    );
                }
                if a.fallback != b.fallback {
                    self.push(
                        Class::Breaking,
                        &item,
                        format!(
                            "catch-all variant renamed from `{}` to `{}`",
                            a.fallback, b.fallback
                        ),
                        os,
                        ns,
                    );
                }
                for v in &a.variants {
                    match b.variants.iter().find(|w| w.name.wire == v.name.wire) {
                        None => self.push(
                            Class::Breaking,
                            &item,
                            format!("kind `{}` (variant `{}`) removed", v.name.wire, v.name.rust),
                            os,
                            ns,
                        ),
                        Some(w) => {
                            if w.name.rust != v.name.rust {
                                self.push(
                                    Class::Breaking,
                                    &item,
                                    format!(
                                        "variant of kind `{}` renamed from `{}` to `{}`",
                                        v.name.wire, v.name.rust, w.name.rust
                                    ),
                                    os,
                                    ns,
                                );
                            }
                            if o.name(v.ty) != n.name(w.ty) {
                                self.push(
                                    Class::Breaking,
                                    &item,
                                    format!(
                                        "variant `{}` holds `{}` instead of `{}`",
                                        w.name.rust,
                                        n.name(w.ty),
                                        o.name(v.ty)
                                    ),
                                    os,
                                    ns,
                                );
                            }
                            if v.doc != w.doc {
                                self.push(
                                    Class::Patch,
                                    &item,
                                    format!("documentation of variant `{}` changed", w.name.rust),
                                    os,
                                    ns,
                                );
                            }
                        }
                    }
                }
                for w in &b.variants {
                    if !a.variants.iter().any(|v| v.name.wire == w.name.wire) {
                        self.push(
                            Class::Additive,
                            &item,
                            format!(
                                "kind `{}` added (variant `{}`; the enum is non_exhaustive, and \
                                 the kind decoded into `{}` before)",
                                w.name.wire, w.name.rust, b.fallback
                            ),
                            os,
                            ns,
                        );
                    }
                }
                let order = |x: &[crate::ir::TaggedVariant], y: &[crate::ir::TaggedVariant]| {
                    x.iter()
                        .filter(|v| y.iter().any(|w| w.name.wire == v.name.wire))
                        .map(|v| v.name.wire.clone())
                        .collect::<Vec<_>>()
                };
                if order(&a.variants, &b.variants) != order(&b.variants, &a.variants) {
                    self.push(Class::Patch, &item, "kinds reordered", os, ns);
                }
            }
            (TypeKind::Untagged(a), TypeKind::Untagged(b)) => {
                let names = |u: &crate::ir::UntaggedUnion, api: &Api| -> Vec<(String, String)> {
                    u.variants
                        .iter()
                        .map(|v| (v.name.clone(), render(&v.ty, api)))
                        .collect()
                };
                let (va, vb) = (names(a, o), names(b, n));
                for (name, ty) in &va {
                    match vb.iter().find(|(m, _)| m == name) {
                        None => self.push(
                            Class::Breaking,
                            &item,
                            format!("variant `{name}` removed"),
                            os,
                            ns,
                        ),
                        Some((_, t)) if t != ty => self.push(
                            Class::Breaking,
                            &item,
                            format!("variant `{name}` holds `{t}` instead of `{ty}`"),
                            os,
                            ns,
                        ),
                        Some(_) => {}
                    }
                }
                for (name, _) in &vb {
                    if !va.iter().any(|(m, _)| m == name) {
                        self.push(
                            Class::Breaking,
                            &item,
                            format!(
                                "variant `{name}` added (an untagged union is matched exhaustively)"
                            ),
                            os,
                            ns,
                        );
                    }
                }
                let order = |x: &[(String, String)], y: &[(String, String)]| {
                    x.iter()
                        .filter(|(m, _)| y.iter().any(|(k, _)| k == m))
                        .map(|(m, _)| m.clone())
                        .collect::<Vec<_>>()
                };
                if order(&va, &vb) != order(&vb, &va) {
                    self.push(
                        Class::Patch,
                        &item,
                        "variants tried in another order when decoding",
                        os,
                        ns,
                    );
                }
            }
            (TypeKind::Alias(a), TypeKind::Alias(b)) => {
                let (ta, tb) = (render(a, o), render(b, n));
                if ta != tb {
                    self.push(
                        Class::Breaking,
                        &item,
                        format!("now names `{tb}` instead of `{ta}`"),
                        os,
                        ns,
                    );
                }
            }
            (a, b) => self.push(
                Class::Breaking,
                &item,
                format!("changed from a {} to a {}", kind_name(a), kind_name(b)),
                os,
                ns,
            ),
        }
    }

    fn structs(&mut self, item: &str, od: &TypeDef, nd: &TypeDef, a: &Struct, b: &Struct) {
        let (o, n) = (self.old.api, self.new.api);
        let field_at = |def: &TypeDef, f: &Field| {
            format!("{}/properties/{}", def.source, escape(&f.name.wire))
        };
        for f in &a.fields {
            let Some(g) = b.fields.iter().find(|g| g.name.wire == f.name.wire) else {
                self.push(
                    Class::Breaking,
                    item,
                    format!("field `{}` removed", f.name.rust),
                    Some(&field_at(od, f)),
                    Some(&nd.source),
                );
                continue;
            };
            let (fo, go) = (field_at(od, f), field_at(nd, g));
            let (fo, go) = (Some(fo.as_str()), Some(go.as_str()));
            let name = &g.name.rust;
            if f.name.rust != g.name.rust {
                self.push(
                    Class::Breaking,
                    item,
                    format!(
                        "field of `{}` renamed from `{}` to `{}`",
                        f.name.wire, f.name.rust, g.name.rust
                    ),
                    fo,
                    go,
                );
            }
            let (tf, tg) = (field_type(f, o), field_type(g, n));
            if tf != tg {
                let why = match (&f.ty, &g.ty) {
                    (TypeRef::String, TypeRef::Secret) => " (now taken for a credential)",
                    (TypeRef::Secret, TypeRef::String) => " (no longer taken for a credential)",
                    _ if f.optional() != g.optional() && render(&f.ty, o) == render(&g.ty, n) => {
                        if g.optional() {
                            " (now optional or nullable)"
                        } else {
                            " (no longer optional)"
                        }
                    }
                    _ => "",
                };
                self.push(
                    Class::Breaking,
                    item,
                    format!("field `{name}` is `{tg}` instead of `{tf}`{why}"),
                    fo,
                    go,
                );
            }
            if f.required != g.required {
                let what = if g.required {
                    format!("field `{name}` now required: `new` takes it")
                } else {
                    format!("field `{name}` no longer required: `new` does not take it")
                };
                self.push(Class::Breaking, item, what, fo, go);
            }
            if f.nullable != g.nullable && f.optional() == g.optional() && f.required == g.required
            {
                let what = if g.nullable {
                    format!("field `{name}` may now be null (same Rust type)")
                } else {
                    format!("field `{name}` may no longer be null (same Rust type)")
                };
                self.push(Class::Patch, item, what, fo, go);
            }
            if f.constraints != g.constraints {
                let what = format!(
                    "field `{name}`: {}",
                    constraints_change(&f.constraints, &g.constraints)
                );
                self.push(Class::Patch, item, what, fo, go);
            }
            if f.deprecated != g.deprecated {
                let (class, what) = if g.deprecated {
                    (Class::Additive, format!("field `{name}` deprecated"))
                } else {
                    (Class::Patch, format!("field `{name}` no longer deprecated"))
                };
                self.push(class, item, what, fo, go);
            }
            if f.doc != g.doc {
                self.push(
                    Class::Patch,
                    item,
                    format!("documentation of field `{name}` changed"),
                    fo,
                    go,
                );
            }
        }
        for g in &b.fields {
            if a.fields.iter().any(|f| f.name.wire == g.name.wire) {
                continue;
            }
            let at = field_at(nd, g);
            let ty = field_type(g, n);
            if g.required {
                self.push(
                    Class::Breaking,
                    item,
                    format!(
                        "required field `{}: {ty}` added: `new` takes it",
                        g.name.rust
                    ),
                    Some(&od.source),
                    Some(&at),
                );
            } else {
                self.push(
                    Class::Additive,
                    item,
                    format!(
                        "optional field `{}: {ty}` added (the struct is non_exhaustive; `new` is unchanged)",
                        g.name.rust
                    ),
                    Some(&od.source),
                    Some(&at),
                );
            }
        }
        let order = |x: &[Field], y: &[Field]| {
            x.iter()
                .filter(|f| y.iter().any(|g| g.name.wire == f.name.wire))
                .map(|f| f.name.wire.clone())
                .collect::<Vec<_>>()
        };
        if order(&a.fields, &b.fields) != order(&b.fields, &a.fields) {
            self.push(
                Class::Patch,
                item,
                "fields reordered (declaration, `Debug` and JSON key order)",
                Some(&od.source),
                Some(&nd.source),
            );
        }
        let (os, ns) = (Some(od.source.as_str()), Some(nd.source.as_str()));
        match (&a.additional, &b.additional) {
            (None, Some(x)) => self.push(
                Class::Additive,
                item,
                format!(
                    "field `{}` added for the keys the schema does not declare (`additionalProperties`)",
                    x.rust
                ),
                os,
                ns,
            ),
            (Some(x), None) => self.push(
                Class::Breaking,
                item,
                format!("field `{}` (`additionalProperties`) removed", x.rust),
                os,
                ns,
            ),
            (Some(x), Some(y)) => {
                if x.rust != y.rust {
                    self.push(
                        Class::Breaking,
                        item,
                        format!(
                            "`additionalProperties` field renamed from `{}` to `{}`",
                            x.rust, y.rust
                        ),
                        os,
                        ns,
                    );
                }
                let (tx, ty) = (render(&x.ty, o), render(&y.ty, n));
                if tx != ty {
                    self.push(
                        Class::Breaking,
                        item,
                        format!(
                            "field `{}` holds `BTreeMap<String, {ty}>` instead of `BTreeMap<String, {tx}>`",
                            y.rust
                        ),
                        os,
                        ns,
                    );
                }
            }
            (None, None) => {}
        }
        match (&a.unknown, &b.unknown) {
            (None, Some(x)) => self.push(
                Class::Additive,
                item,
                format!("field `{x}` added: undeclared keys are now kept"),
                os,
                ns,
            ),
            (Some(x), None) => self.push(
                Class::Breaking,
                item,
                format!("field `{x}` removed: undeclared keys are no longer kept"),
                os,
                ns,
            ),
            (Some(x), Some(y)) if x != y => self.push(
                Class::Breaking,
                item,
                format!("field `{x}` renamed to `{y}`"),
                os,
                ns,
            ),
            _ => {}
        }
    }

    // ---- operations -------------------------------------------------------------------------

    fn operations(&mut self) {
        let (o, n) = (self.old.api, self.new.api);
        let key = |op: &Operation| (op.path.clone(), op.method as u8);
        let old_by_key: BTreeMap<_, usize> = o
            .operations
            .iter()
            .enumerate()
            .map(|(i, op)| (key(op), i))
            .collect();
        let new_by_key: BTreeMap<_, usize> = n
            .operations
            .iter()
            .enumerate()
            .map(|(i, op)| (key(op), i))
            .collect();
        let mut pairs = Vec::new();
        let mut old_left: BTreeSet<usize> = BTreeSet::new();
        for (k, &i) in &old_by_key {
            match new_by_key.get(k) {
                Some(&j) => pairs.push((i, j)),
                None => {
                    old_left.insert(i);
                }
            }
        }
        let mut new_left: BTreeSet<usize> = new_by_key
            .iter()
            .filter(|(k, _)| !old_by_key.contains_key(*k))
            .map(|(_, &j)| j)
            .collect();
        // An operation whose method or path changed but whose name did not is the same builder.
        for i in old_left.clone() {
            let name = &o.operations[i].name.rust;
            if let Some(&j) = new_left
                .iter()
                .find(|&&j| n.operations[j].name.rust == *name)
            {
                new_left.remove(&j);
                old_left.remove(&i);
                pairs.push((i, j));
            }
        }
        for i in old_left {
            let op = &o.operations[i];
            let at = crate::lower::operation_pointer(op);
            // The builder may live on as an alias of another operation's.
            if let Some(alias) = n.aliases.iter().find(|a| a.former.rust == op.name.rust) {
                let now = &n.operations[alias.operation];
                self.push(
                    Class::Additive,
                    &format!("operations::{}", op.name.rust),
                    format!(
                        "operation removed; the name is a deprecated alias of `{}`",
                        now.name.rust
                    ),
                    Some(&at),
                    Some(&crate::lower::operation_pointer(now)),
                );
                continue;
            }
            self.push(
                Class::Breaking,
                &format!("operations::{}", op.name.rust),
                format!("operation `{} {}` removed", method(op), op.path),
                Some(&at),
                None,
            );
        }
        for j in new_left {
            let op = &n.operations[j];
            self.push(
                Class::Additive,
                &format!("operations::{}", op.name.rust),
                format!("operation `{} {}` added", method(op), op.path),
                None,
                Some(&crate::lower::operation_pointer(op)),
            );
        }
        for (i, j) in pairs {
            self.operation(i, j);
        }
    }

    fn operation(&mut self, i: usize, j: usize) {
        let (o, n) = (self.old.api, self.new.api);
        let (a, b) = (&o.operations[i], &n.operations[j]);
        let item = format!("operations::{}", b.name.rust);
        let (pa, pb) = (
            crate::lower::operation_pointer(a),
            crate::lower::operation_pointer(b),
        );
        let (os, ns) = (Some(pa.as_str()), Some(pb.as_str()));
        // Names the caller writes: the builder, its error enum, its output enum.
        let aliased = |former: &str, pick: fn(&crate::ir::OperationAlias) -> &str| {
            n.aliases
                .iter()
                .any(|al| al.operation == j && pick(al) == former)
        };
        let mut renames = vec![(
            "builder",
            a.name.rust.as_str(),
            b.name.rust.as_str(),
            aliased(&a.name.rust, |al| al.former.rust.as_str()),
        )];
        renames.push((
            "error enum",
            a.error.as_str(),
            b.error.as_str(),
            aliased(&a.error, |al| al.error.as_str()),
        ));
        if a.output_is_enum() && b.output_is_enum() {
            renames.push((
                "output enum",
                a.output.as_str(),
                b.output.as_str(),
                aliased(&a.output, |al| al.output.as_str()),
            ));
        }
        for (what, from, to, kept) in renames {
            if from == to {
                continue;
            }
            let ids = if a.name.wire != b.name.wire {
                format!(" (operationId `{}` is now `{}`)", a.name.wire, b.name.wire)
            } else {
                String::new()
            };
            if kept {
                self.push(
                    Class::Additive,
                    &item,
                    format!(
                        "{what} renamed from `{from}` to `{to}`{ids}; `{from}` stays as a deprecated alias"
                    ),
                    os,
                    ns,
                );
            } else {
                self.push(
                    Class::Breaking,
                    &item,
                    format!(
                        "{what} renamed from `{from}` to `{to}`{ids}; keep the old name with \
                         `renamed_operations: {{\"{pb}\": [{}]}}` in the settings",
                        a.name.wire
                    ),
                    os,
                    ns,
                );
            }
        }
        if a.method != b.method || a.path != b.path {
            self.push(
                Class::Patch,
                &item,
                format!(
                    "now sends `{} {}` instead of `{} {}`",
                    method(b),
                    b.path,
                    method(a),
                    a.path
                ),
                os,
                ns,
            );
        }
        if a.doc != b.doc {
            self.push(Class::Patch, &item, "documentation changed", os, ns);
        }
        let deprecated = |op: &Operation| op.deprecated || op.sunset.is_some();
        match (&a.sunset, &b.sunset) {
            (None, Some(date)) => self.push(
                Class::Additive,
                &item,
                format!("sunset on {date} (`x-sunset`): now deprecated"),
                os,
                Some(&format!("{pb}/x-sunset")),
            ),
            (Some(date), None) => self.push(
                Class::Patch,
                &item,
                format!("sunset on {date} withdrawn"),
                Some(&format!("{pa}/x-sunset")),
                ns,
            ),
            (Some(x), Some(y)) if x != y => self.push(
                Class::Patch,
                &item,
                format!("sunset moved from {x} to {y}"),
                Some(&format!("{pa}/x-sunset")),
                Some(&format!("{pb}/x-sunset")),
            ),
            _ => {}
        }
        if a.deprecated != b.deprecated && a.sunset.is_none() && b.sunset.is_none() {
            let (class, what) = if deprecated(b) {
                (Class::Additive, "deprecated")
            } else {
                (Class::Patch, "no longer deprecated")
            };
            self.push(class, &item, what, os, ns);
        }
        self.parameters(&item, a, b, &pa, &pb);
        self.body(&item, a, b, os, ns);
        self.responses(&item, a, b, &pa, &pb);
        // Versions and media types.
        match (a.versions.is_empty(), b.versions.is_empty()) {
            (true, false) => self.push(
                Class::Additive,
                &item,
                format!(
                    "now documented in versions {}: `api_version` and `API_VERSIONS` added",
                    b.versions.join(", ")
                ),
                os,
                ns,
            ),
            (false, true) => self.push(
                Class::Breaking,
                &item,
                format!(
                    "no longer documented in versions ({}): `api_version` and `API_VERSIONS` removed",
                    a.versions.join(", ")
                ),
                os,
                ns,
            ),
            (false, false) => {
                for v in &b.versions {
                    if !a.versions.contains(v) {
                        self.push(
                            Class::Additive,
                            &item,
                            format!("version `{v}` added: `api_version(\"{v}\")` is accepted"),
                            os,
                            ns,
                        );
                    }
                }
                for v in &a.versions {
                    if !b.versions.contains(v) {
                        self.push(
                            Class::Breaking,
                            &item,
                            format!(
                                "version `{v}` removed: `build()` refuses `api_version(\"{v}\")`"
                            ),
                            os,
                            ns,
                        );
                    }
                }
                let (da, db) = (a.default_version(), b.default_version());
                if da != db {
                    self.push(
                        Class::Patch,
                        &item,
                        format!("asks for version `{db}` by default instead of `{da}`"),
                        os,
                        ns,
                    );
                }
            }
            (true, true) => {}
        }
        let accept_a: BTreeSet<&String> = a.accept.iter().collect();
        let accept_b: BTreeSet<&String> = b.accept.iter().collect();
        if accept_a != accept_b {
            let versioned = |m: &&&String| crate::lower::atlas_version(m).is_none();
            // Versioned media types are reported as versions.
            let plain_a: Vec<&&String> = accept_a.iter().filter(versioned).collect();
            let plain_b: Vec<&&String> = accept_b.iter().filter(versioned).collect();
            if plain_a != plain_b {
                self.push(
                    Class::Patch,
                    &item,
                    format!(
                        "`Accept` lists {} instead of {}",
                        list(plain_b.iter().map(|s| s.as_str())),
                        list(plain_a.iter().map(|s| s.as_str()))
                    ),
                    os,
                    ns,
                );
            }
        }
    }

    fn parameters(&mut self, item: &str, a: &Operation, b: &Operation, pa: &str, pb: &str) {
        let (o, n) = (self.old.api, self.new.api);
        let visible = |op: &Operation| -> Vec<Parameter> {
            op.parameters
                .iter()
                .filter(|p| !p.from_body_tag)
                .cloned()
                .collect()
        };
        let (va, vb) = (visible(a), visible(b));
        // Path parameters in the order of the path: `new` takes them in that order, and Rust has
        // no named arguments, so one renamed in the same place (`/groups/{groupId}` to
        // `/groups/{projectId}`) is the same argument to a caller.
        let in_path = |op: &Operation| -> Vec<String> {
            op.path_parameters()
                .filter(|p| !p.from_body_tag)
                .map(|p| p.name.wire.clone())
                .collect()
        };
        let (path_a, path_b) = (in_path(a), in_path(b));
        let renamed: Vec<(String, String)> = if path_a.len() == path_b.len() {
            path_a
                .iter()
                .zip(&path_b)
                .filter(|(x, y)| x != y && !path_b.contains(x) && !path_a.contains(y))
                .map(|(x, y)| (x.clone(), y.clone()))
                .collect()
        } else {
            Vec::new()
        };
        let same = |p: &Parameter, q: &Parameter| {
            p.location == q.location
                && (p.name.wire == q.name.wire
                    || (p.location == Location::Path
                        && renamed
                            .iter()
                            .any(|(x, y)| *x == p.name.wire && *y == q.name.wire)))
        };
        let at_old = |p: &Parameter| self.parameter_pointer(true, a, p).unwrap_or(pa.to_owned());
        let at_new = |p: &Parameter| self.parameter_pointer(false, b, p).unwrap_or(pb.to_owned());
        let mut entries = Vec::new();
        for p in &va {
            let Some(q) = vb.iter().find(|q| same(p, q)) else {
                let what = if p.required {
                    format!(
                        "required {} parameter `{}` removed: `new` no longer takes it",
                        location(p.location),
                        p.name.wire
                    )
                } else {
                    format!(
                        "optional {} parameter `{}` removed: setter `{}` removed",
                        location(p.location),
                        p.name.wire,
                        p.name.rust
                    )
                };
                entries.push((Class::Breaking, what, Some(at_old(p)), Some(pb.to_owned())));
                continue;
            };
            let (po, qo) = (Some(at_old(p)), Some(at_new(q)));
            let label = format!("{} parameter `{}`", location(q.location), q.name.wire);
            if p.name.wire != q.name.wire {
                entries.push((
                    Class::Patch,
                    format!(
                        "path parameter `{}` renamed to `{}` in the same place of the path: `new` \
                         takes it in the same position, as `{}`",
                        p.name.wire, q.name.wire, q.name.rust
                    ),
                    po.clone(),
                    qo.clone(),
                ));
            } else if p.name.rust != q.name.rust && p.required && q.required {
                entries.push((
                    Class::Patch,
                    format!(
                        "{label}: `new`'s argument renamed in Rust from `{}` to `{}`, in the same \
                         position",
                        p.name.rust, q.name.rust
                    ),
                    po.clone(),
                    qo.clone(),
                ));
            } else if p.name.rust != q.name.rust {
                entries.push((
                    Class::Breaking,
                    format!(
                        "{label} renamed in Rust from `{}` to `{}`",
                        p.name.rust, q.name.rust
                    ),
                    po.clone(),
                    qo.clone(),
                ));
            }
            let (tp, tq) = (render(&p.ty, o), render(&q.ty, n));
            if tp != tq {
                entries.push((
                    Class::Breaking,
                    format!("{label} is `{tq}` instead of `{tp}`"),
                    po.clone(),
                    qo.clone(),
                ));
            }
            if p.required != q.required {
                let what = if q.required {
                    format!("{label} now required: `new` takes it, its setter is gone")
                } else {
                    format!("{label} now optional: `new` no longer takes it, a setter does")
                };
                entries.push((Class::Breaking, what, po.clone(), qo.clone()));
            }
            if p.constraints != q.constraints {
                entries.push((
                    Class::Patch,
                    format!(
                        "{label}: {}",
                        constraints_change(&p.constraints, &q.constraints)
                    ),
                    po.clone(),
                    qo.clone(),
                ));
            }
            if p.style != q.style || p.explode != q.explode {
                entries.push((
                    Class::Patch,
                    format!(
                        "{label} written as {:?}{} instead of {:?}{}",
                        q.style,
                        if q.explode { " exploded" } else { "" },
                        p.style,
                        if p.explode { " exploded" } else { "" }
                    ),
                    po.clone(),
                    qo.clone(),
                ));
            }
            if p.doc != q.doc {
                entries.push((
                    Class::Patch,
                    format!("documentation of {label} changed"),
                    po,
                    qo,
                ));
            }
        }
        for q in &vb {
            if va.iter().any(|p| same(p, q)) {
                continue;
            }
            let ty = render(&q.ty, n);
            let what = if q.required {
                (
                    Class::Breaking,
                    format!(
                        "required {} parameter `{}: {ty}` added: `new` takes it",
                        location(q.location),
                        q.name.rust
                    ),
                )
            } else {
                (
                    Class::Additive,
                    format!(
                        "optional {} parameter `{}` added: setter `{}({ty})`",
                        location(q.location),
                        q.name.wire,
                        q.name.rust
                    ),
                )
            };
            entries.push((what.0, what.1, Some(pa.to_owned()), Some(at_new(q))));
        }
        // The parameters both sides have, each named as the old side names it, in each side's
        // order.
        let key = |p: &Parameter| format!("{}:{}", location(p.location), p.name.wire);
        let order_a: Vec<String> = va
            .iter()
            .filter(|p| vb.iter().any(|q| same(p, q)))
            .map(key)
            .collect();
        let order_b: Vec<String> = vb
            .iter()
            .filter_map(|q| va.iter().find(|p| same(p, q)).map(key))
            .collect();
        if order_a != order_b {
            entries.push((
                Class::Patch,
                "parameters reordered (the order of the query string and headers)".to_owned(),
                Some(pa.to_owned()),
                Some(pb.to_owned()),
            ));
        }
        // `new`'s arguments: path parameters in path order, the other required ones by name,
        // then the body. The same arguments in another order break callers.
        let args = |op: &Operation, params: &[Parameter]| -> Vec<String> {
            let mut others: Vec<&Parameter> = params
                .iter()
                .filter(|p| p.required && p.location != Location::Path)
                .collect();
            others.sort_by(|p, q| p.name.rust.cmp(&q.name.rust));
            op.path_parameters()
                .filter(|p| !p.from_body_tag)
                .chain(others)
                .map(|p| p.name.wire.clone())
                .collect()
        };
        let (args_a, args_b) = (args(a, &va), args(b, &vb));
        let mut sorted_a = args_a.clone();
        let mut sorted_b = args_b.clone();
        sorted_a.sort();
        sorted_b.sort();
        if sorted_a == sorted_b && args_a != args_b {
            entries.push((
                Class::Breaking,
                format!(
                    "`new` takes its arguments in another order: {} instead of {}",
                    list(args_b.iter().map(String::as_str)),
                    list(args_a.iter().map(String::as_str))
                ),
                Some(pa.to_owned()),
                Some(pb.to_owned()),
            ));
        }
        for (class, what, x, y) in entries {
            self.push(class, item, what, x.as_deref(), y.as_deref());
        }
    }

    /// The pointer of a parameter's entry in its document: in the operation's `parameters`, else
    /// in its path item's.
    fn parameter_pointer(&self, old: bool, op: &Operation, p: &Parameter) -> Option<String> {
        let document = if old {
            self.old.document
        } else {
            self.new.document
        };
        let api = &document.api;
        let path_at = pointer("/paths", &op.path);
        let openapiv3::ReferenceOr::Item(item) = api.paths.paths.get(&op.path)? else {
            return None;
        };
        let method_key = crate::lower::method_key(op.method);
        let operation = crate::lower::operation_item(item, method_key)?;
        let location = match p.location {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
        };
        let matches = |param: &openapiv3::ReferenceOr<openapiv3::Parameter>| {
            let resolved = crate::lower::item(
                param,
                "parameters",
                api.components.as_ref().map(|c| &c.parameters),
            );
            resolved.is_some_and(|param| {
                let data = param.parameter_data_ref();
                let place = match param {
                    openapiv3::Parameter::Path { .. } => "path",
                    openapiv3::Parameter::Query { .. } => "query",
                    openapiv3::Parameter::Header { .. } => "header",
                    openapiv3::Parameter::Cookie { .. } => "cookie",
                };
                data.name == p.name.wire && place == location
            })
        };
        if let Some(index) = operation.parameters.iter().position(matches) {
            return Some(format!(
                "{}/parameters/{index}",
                pointer(&path_at, method_key)
            ));
        }
        let index = item.parameters.iter().position(matches)?;
        Some(format!("{path_at}/parameters/{index}"))
    }

    fn body(
        &mut self,
        item: &str,
        a: &Operation,
        b: &Operation,
        os: Option<&str>,
        ns: Option<&str>,
    ) {
        let (o, n) = (self.old.api, self.new.api);
        match (&a.body, &b.body) {
            (None, Some(y)) => self.push(
                Class::Breaking,
                item,
                format!("request body `{}` added: `new` takes it", render(&y.ty, n)),
                os,
                Some(&y.pointer),
            ),
            (Some(x), None) => self.push(
                Class::Breaking,
                item,
                format!(
                    "request body `{}` removed: `new` no longer takes it",
                    render(&x.ty, o)
                ),
                Some(&x.pointer),
                ns,
            ),
            (Some(x), Some(y)) => {
                let (tx, ty) = (render(&x.ty, o), render(&y.ty, n));
                let (px, py) = (Some(x.pointer.as_str()), Some(y.pointer.as_str()));
                if tx != ty {
                    self.push(
                        Class::Breaking,
                        item,
                        format!("request body is `{ty}` instead of `{tx}`"),
                        px,
                        py,
                    );
                }
                let media = |m: &str| {
                    crate::lower::atlas_version(m).map_or_else(
                        || m.to_owned(),
                        |_| "application/vnd.atlas.{version}+json".to_owned(),
                    )
                };
                if media(&x.media_type) != media(&y.media_type) || x.encoding != y.encoding {
                    self.push(
                        Class::Patch,
                        item,
                        format!(
                            "request body sent as `{}` instead of `{}`",
                            y.media_type, x.media_type
                        ),
                        px,
                        py,
                    );
                }
                if x.doc != y.doc {
                    self.push(
                        Class::Patch,
                        item,
                        "documentation of the request body changed",
                        px,
                        py,
                    );
                }
            }
            (None, None) => {}
        }
    }

    fn responses(&mut self, item: &str, a: &Operation, b: &Operation, pa: &str, pb: &str) {
        let (o, n) = (self.old.api, self.new.api);
        let at = |base: &str, r: &Response| format!("{base}/responses/{}", r.status.label());
        let content = |c: &Content, api: &Api| match c {
            Content::Empty => "()".to_owned(),
            Content::Json(ty) => render(ty, api),
            Content::Bytes => "Vec<u8>".to_owned(),
        };
        // The output.
        let outputs_a: Vec<&Response> = a.outputs().collect();
        let outputs_b: Vec<&Response> = b.outputs().collect();
        match (a.output_is_enum(), b.output_is_enum()) {
            (false, false) => {
                let ta = outputs_a
                    .first()
                    .map_or("()".to_owned(), |r| content(&r.content, o));
                let tb = outputs_b
                    .first()
                    .map_or("()".to_owned(), |r| content(&r.content, n));
                if ta != tb {
                    self.push(
                        Class::Breaking,
                        item,
                        format!("output is `{tb}` instead of `{ta}`"),
                        Some(pa),
                        Some(pb),
                    );
                }
            }
            (false, true) => self.push(
                Class::Breaking,
                item,
                format!(
                    "output is the enum `{}` (the success responses now differ) instead of `{}`",
                    b.output,
                    outputs_a
                        .first()
                        .map_or("()".to_owned(), |r| content(&r.content, o))
                ),
                Some(pa),
                Some(pb),
            ),
            (true, false) => self.push(
                Class::Breaking,
                item,
                format!(
                    "output is `{}` instead of the enum `{}`",
                    outputs_b
                        .first()
                        .map_or("()".to_owned(), |r| content(&r.content, n)),
                    a.output
                ),
                Some(pa),
                Some(pb),
            ),
            (true, true) => {
                for r in &outputs_a {
                    match outputs_b.iter().find(|s| s.status == r.status) {
                        None => self.push(
                            Class::Breaking,
                            item,
                            format!("output variant `{}` ({}) removed", r.name, r.status.label()),
                            Some(&at(pa, r)),
                            Some(pb),
                        ),
                        Some(s) => {
                            let (cr, cs) = (content(&r.content, o), content(&s.content, n));
                            if cr != cs || r.name != s.name {
                                self.push(
                                    Class::Breaking,
                                    item,
                                    format!(
                                        "output variant for {} is `{}({cs})` instead of `{}({cr})`",
                                        s.status.label(),
                                        s.name,
                                        r.name
                                    ),
                                    Some(&at(pa, r)),
                                    Some(&at(pb, s)),
                                );
                            }
                        }
                    }
                }
                for s in &outputs_b {
                    if !outputs_a.iter().any(|r| r.status == s.status) {
                        self.push(
                            Class::Breaking,
                            item,
                            format!(
                                "output variant `{}` ({}) added (output enums are matched exhaustively)",
                                s.name,
                                s.status.label()
                            ),
                            Some(pa),
                            Some(&at(pb, s)),
                        );
                    }
                }
            }
        }
        if !a.output_is_enum() && !b.output_is_enum() {
            for s in &outputs_b {
                if !outputs_a.iter().any(|r| r.status == s.status) {
                    self.push(
                        Class::Patch,
                        item,
                        format!("status {} is now read as the output", s.status.label()),
                        Some(pa),
                        Some(&at(pb, s)),
                    );
                }
            }
            for r in &outputs_a {
                if !outputs_b.iter().any(|s| s.status == r.status) {
                    self.push(
                        Class::Patch,
                        item,
                        format!(
                            "status {} is no longer read as the output",
                            r.status.label()
                        ),
                        Some(&at(pa, r)),
                        Some(pb),
                    );
                }
            }
        }
        for r in &outputs_a {
            if let Some(s) = outputs_b.iter().find(|s| s.status == r.status)
                && r.doc != s.doc
            {
                self.push(
                    Class::Patch,
                    item,
                    format!("documentation of response {} changed", s.status.label()),
                    Some(&at(pa, r)),
                    Some(&at(pb, s)),
                );
            }
        }
        // The error enum: documented statuses, `Undocumented`, `Decode`, `VersionGone`.
        let errors = |op: &Operation| -> Vec<Response> {
            let outputs: Vec<&Response> = op.outputs().collect();
            op.responses
                .iter()
                .filter(|r| !outputs.contains(r))
                .cloned()
                .collect()
        };
        let (ea, eb) = (errors(a), errors(b));
        let error = &b.error;
        let body = |r: &Response, api: &Api| match &r.content {
            Content::Json(ty) => render(ty, api),
            Content::Empty => "()".to_owned(),
            Content::Bytes => "Vec<u8>".to_owned(),
        };
        for r in &ea {
            match eb.iter().find(|s| s.status == r.status) {
                None => self.push(
                    Class::Breaking,
                    item,
                    format!(
                        "status {} no longer documented: variant `{error}::{}` removed",
                        r.status.label(),
                        r.name
                    ),
                    Some(&at(pa, r)),
                    Some(pb),
                ),
                Some(s) => {
                    if r.name != s.name || body(r, o) != body(s, n) {
                        self.push(
                            Class::Breaking,
                            item,
                            format!(
                                "status {}: variant `{error}::{}(ErrorResponse<{}>)` instead of `{}(ErrorResponse<{}>)`",
                                s.status.label(),
                                s.name,
                                body(s, n),
                                r.name,
                                body(r, o)
                            ),
                            Some(&at(pa, r)),
                            Some(&at(pb, s)),
                        );
                    }
                    if r.doc != s.doc {
                        self.push(
                            Class::Patch,
                            item,
                            format!("documentation of response {} changed", s.status.label()),
                            Some(&at(pa, r)),
                            Some(&at(pb, s)),
                        );
                    }
                }
            }
        }
        for s in &eb {
            if !ea.iter().any(|r| r.status == s.status) {
                self.push(
                    Class::Additive,
                    item,
                    format!(
                        "status {} documented: variant `{error}::{}` added (the error enum is \
                         non_exhaustive; the status was `{}` before)",
                        s.status.label(),
                        s.name,
                        if ea.iter().any(|r| r.status == Status::Default) {
                            "Default"
                        } else {
                            "Undocumented"
                        }
                    ),
                    Some(pa),
                    Some(&at(pb, s)),
                );
            }
        }
        let undocumented =
            |op: &Operation| !op.responses.iter().any(|r| r.status == Status::Default);
        let gone = |op: &Operation| {
            !op.versions.is_empty() && !op.responses.iter().any(|r| r.status == Status::Code(410))
        };
        for (present, name) in [
            ((undocumented(a), undocumented(b)), "Undocumented"),
            ((gone(a), gone(b)), "VersionGone"),
        ] {
            match present {
                (true, false) => self.push(
                    Class::Breaking,
                    item,
                    format!("variant `{error}::{name}` removed"),
                    Some(pa),
                    Some(pb),
                ),
                (false, true) => self.push(
                    Class::Additive,
                    item,
                    format!("variant `{error}::{name}` added (the error enum is non_exhaustive)"),
                    Some(pa),
                    Some(pb),
                ),
                _ => {}
            }
        }
    }
}

/// An IR item as text, each type handle replaced by the type's name and document pointers left
/// out, so that the same item from two documents compares equal.
fn normalized(item: &impl std::fmt::Debug, api: &Api) -> String {
    static HANDLE: std::sync::LazyLock<Option<regex::Regex>> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"TypeId\((\d+)\)").ok());
    static POINTER: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(source|pointer): "(?:[^"\\]|\\.)*""#).ok()
    });
    let text = format!("{item:?}");
    let text = match &*HANDLE {
        Some(re) => re
            .replace_all(&text, |c: &regex::Captures<'_>| {
                let index: usize = c[1].parse().unwrap_or(usize::MAX);
                let name = api.types.get(index).map_or("?", |t| t.name.as_str());
                format!("Type({name})")
            })
            .into_owned(),
        None => text,
    };
    match &*POINTER {
        Some(re) => re.replace_all(&text, "$1").into_owned(),
        None => text,
    }
}

fn method(op: &Operation) -> &'static str {
    match op.method {
        crate::ir::Method::Get => "GET",
        crate::ir::Method::Put => "PUT",
        crate::ir::Method::Post => "POST",
        crate::ir::Method::Delete => "DELETE",
        crate::ir::Method::Patch => "PATCH",
        crate::ir::Method::Head => "HEAD",
        crate::ir::Method::Options => "OPTIONS",
        crate::ir::Method::Trace => "TRACE",
    }
}

fn location(l: Location) -> &'static str {
    match l {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
    }
}

fn list<'s>(items: impl Iterator<Item = &'s str>) -> String {
    let items: Vec<String> = items.map(|s| format!("`{s}`")).collect();
    if items.is_empty() {
        "nothing".to_owned()
    } else {
        items.join(", ")
    }
}
