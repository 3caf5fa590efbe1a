//! Checks the document and lowers it to the [`ir`](crate::ir): resolves references, decides every
//! name, and collects all problems before anything is emitted.

mod operation;
mod reach;
mod recursion;
mod resolve;
mod schema;

use std::collections::{BTreeSet, HashMap};

use openapiv3::{OpenAPI, ReferenceOr, Schema};

use crate::config::Config;
use crate::diagnostics::{Code, Diagnostics, Reporter, pointer};
use crate::ir::{Api, TypeDef};
use crate::load::Document;
use crate::naming::{self, Kind};

/// Lowers `document` to the IR, returning it with the warnings found, or every error found.
pub fn lower(document: &Document, config: &Config) -> Result<(Api, Diagnostics), Diagnostics> {
    let mut cx = Lowerer::new(&document.api, config, document.file());
    let (reached, unmatched) = reach::reach(&document.api, &config.tags, &config.operations);
    cx.reach = reached;
    for name in unmatched {
        let message = format!("no operation has the tag or operationId `{name}`");
        cx.report.error(Code::Selection, "", message);
    }
    cx.name_components();
    cx.find_variants();
    cx.lower_components();
    cx.lower_operations();
    cx.check_secret_settings();
    cx.check_pinned_names();
    let mut types: Vec<TypeDef> = std::mem::take(&mut cx.types)
        .into_iter()
        .flatten()
        .collect();
    recursion::box_cycles(&mut types);
    document_variants(&mut types);
    order_untagged(&mut types);

    let mut diagnostics = cx.report.diagnostics;
    diagnostics.extend(cx.config_report.diagnostics);
    let diagnostics = diagnostics.sorted();
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let api = Api {
        title: document.api.info.title.clone(),
        description: document.api.info.description.clone(),
        types,
        operations: cx.operations,
    };
    Ok((api, diagnostics))
}

/// A schema or a reference to one, whatever box the document model put it in.
#[derive(Clone, Copy)]
pub(crate) enum RefOr<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for RefOr<'a> {
    fn from(value: &'a ReferenceOr<Schema>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => RefOr::Ref(reference),
            ReferenceOr::Item(schema) => RefOr::Item(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for RefOr<'a> {
    fn from(value: &'a ReferenceOr<Box<Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => RefOr::Ref(reference),
            ReferenceOr::Item(schema) => RefOr::Item(schema),
        }
    }
}

/// What registering a type name found.
enum Claim {
    /// The name was free and now belongs to the new type.
    New,
    /// The same type is already registered under the name.
    Same,
    /// A different type already has the name.
    Taken,
}

/// The state of one lowering run.
pub(crate) struct Lowerer<'a> {
    api: &'a OpenAPI,
    report: Reporter,
    config_report: Reporter,
    /// Rust names of component schemas, by their key in `components/schemas`.
    schema_names: HashMap<&'a str, String>,
    /// Component schemas that are variants of a tagged union, with the tag property they omit.
    variant_tags: HashMap<&'a str, &'a str>,
    /// Every registered type name and the pointer of the schema it came from.
    registered: HashMap<String, String>,
    secrets: BTreeSet<&'a str>,
    secret_list: &'a [String],
    used_secrets: BTreeSet<String>,
    /// The types in output order; a slot is empty where a reserved type was not registered.
    types: Vec<Option<TypeDef>>,
    /// The slot of each registered type.
    by_name: HashMap<String, usize>,
    /// Patterns already compiled, with the reason each cannot be, if it cannot.
    patterns: HashMap<String, Option<String>>,
    operations: Vec<crate::ir::Operation>,
    /// How many inline schemas enclose the one being lowered.
    depth: usize,
    /// The selected operations and the schemas they reach.
    reach: reach::Reach<'a>,
    /// Rust names the settings pin, by JSON pointer.
    pinned: &'a std::collections::BTreeMap<String, String>,
    /// The type given to each inline schema lowered so far, by pointer, so that a reference into
    /// the middle of a schema and the schema's parent agree.
    inline_at: HashMap<String, crate::ir::TypeRef>,
    /// Inline schemas being lowered, by pointer.
    inline_in_progress: std::collections::HashSet<String>,
    /// Pinned names that named something, to report the rest.
    used_pins: std::cell::RefCell<BTreeSet<String>>,
}

impl<'a> Lowerer<'a> {
    fn new(api: &'a OpenAPI, config: &'a Config, file: &str) -> Self {
        Lowerer {
            api,
            report: Reporter::new(file),
            config_report: Reporter::new(&config.file),
            schema_names: HashMap::new(),
            variant_tags: HashMap::new(),
            registered: HashMap::new(),
            secrets: config.secrets.iter().map(String::as_str).collect(),
            secret_list: &config.secrets,
            used_secrets: BTreeSet::new(),
            types: Vec::new(),
            by_name: HashMap::new(),
            patterns: HashMap::new(),
            operations: Vec::new(),
            depth: 0,
            reach: reach::Reach::default(),
            pinned: &config.names,
            inline_at: HashMap::new(),
            inline_in_progress: std::collections::HashSet::new(),
            used_pins: std::cell::RefCell::new(BTreeSet::new()),
        }
    }

    /// Decides the Rust name of every component schema up front, so that references can be
    /// resolved to names in any order. Names that fold together are told apart by the naming
    /// rules, and each rename is reported.
    fn name_components(&mut self) {
        let reached = self.reached_schemas();
        let pointers: Vec<String> = reached
            .iter()
            .map(|(key, _)| pointer("/components/schemas", key))
            .collect();
        let claimants: Vec<naming::Claimant<'_>> = reached
            .iter()
            .zip(&pointers)
            .map(|((key, _), at)| self.claimant(key, at, naming::Precedence::Given))
            .collect();
        let (names, renames) = naming::Scope::new(Kind::Type, &[]).assign(&claimants);
        self.report_renames("schema", &claimants, &renames);
        for (((key, _), at), name) in reached.iter().zip(&pointers).zip(names) {
            self.registered.insert(name.clone(), at.clone());
            self.schema_names.insert(key.as_str(), name);
        }
    }

    /// A claimant for a name, pinned where the settings give its pointer a name.
    pub(crate) fn claimant<'n>(
        &self,
        wire: &'n str,
        at: &'n str,
        precedence: naming::Precedence,
    ) -> naming::Claimant<'n>
    where
        'a: 'n,
    {
        match self.pinned.get(at) {
            Some(pinned) => {
                self.used_pins.borrow_mut().insert(at.to_owned());
                naming::Claimant {
                    wire,
                    pointer: at,
                    precedence: naming::Precedence::Pinned,
                    pinned: Some(pinned.as_str()),
                }
            }
            None => naming::Claimant {
                wire,
                pointer: at,
                precedence,
                pinned: None,
            },
        }
    }

    /// Reports each claimant that did not get the plain spelling of its name, naming both places.
    pub(crate) fn report_renames(
        &mut self,
        what: &str,
        claimants: &[naming::Claimant<'_>],
        renames: &[naming::Rename],
    ) {
        for rename in renames {
            let Some(claimant) = claimants.get(rename.index) else {
                continue;
            };
            let holder = match rename.holder.and_then(|h| claimants.get(h)) {
                Some(holder) => format!("the {what} at `{}`", holder.pointer),
                None => "the generated code".to_owned(),
            };
            if claimant.pinned.is_some() {
                let message = format!(
                    "the name `{}` pinned in the settings for {what} `{}` is taken by {holder}",
                    rename.plain, claimant.wire
                );
                self.report
                    .error(Code::NameCollision, claimant.pointer, message);
                continue;
            }
            let message = format!(
                "{what} `{}` is named `{}` in Rust: `{}` is taken by {holder}",
                claimant.wire, rename.chosen, rename.plain
            );
            self.report
                .warning(Code::Renamed, claimant.pointer, message);
        }
    }

    /// Finds the component schemas that serve as variants of a tagged union, so that their structs
    /// leave out the tag property (the union writes it).
    fn find_variants(&mut self) {
        for (_, schema) in self.reached_schemas() {
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            let Some(discriminator) = &schema.schema_data.discriminator else {
                continue;
            };
            let tag = discriminator.property_name.as_str();
            for target in discriminator.mapping.values() {
                if let Some(key) = resolve::component_schema_key(self.api, target) {
                    self.variant_tags.insert(key, tag);
                }
            }
            if let openapiv3::SchemaKind::OneOf { one_of } = &schema.schema_kind {
                for variant in one_of {
                    if let ReferenceOr::Reference { reference } = variant
                        && let Some(key) = resolve::component_schema_key(self.api, reference)
                    {
                        self.variant_tags.insert(key, tag);
                    }
                }
            }
        }
    }

    fn lower_components(&mut self) {
        for (key, schema) in self.reached_schemas() {
            let Some(name) = self.schema_names.get(key.as_str()).cloned() else {
                continue;
            };
            let at = pointer("/components/schemas", key);
            let skip_tag = self.variant_tags.get(key.as_str()).copied();
            self.lower_named(name, &at, RefOr::from(schema), skip_tag);
        }
    }

    /// Reserves the place of a type in the output before lowering it, so that a parent comes
    /// before the inline types its lowering adds.
    fn reserve(&mut self) -> usize {
        self.types.push(None);
        self.types.len() - 1
    }

    /// The type registered under `name`.
    fn type_named(&self, name: &str) -> Option<&TypeDef> {
        self.by_name
            .get(name)
            .and_then(|&slot| self.types.get(slot))
            .and_then(Option::as_ref)
    }

    /// The type registered under `name`, to change.
    fn type_named_mut(&mut self, name: &str) -> Option<&mut TypeDef> {
        let slot = *self.by_name.get(name)?;
        self.types.get_mut(slot).and_then(Option::as_mut)
    }

    /// Registers a type under its name, in its reserved `slot` of the output: reusing an identical one,
    /// reporting a different one.
    fn register(&mut self, def: TypeDef, slot: usize) -> bool {
        match self.claim(&def) {
            Claim::New => {
                self.registered.insert(def.name.clone(), def.source.clone());
                self.by_name.insert(def.name.clone(), slot);
                if let Some(place) = self.types.get_mut(slot) {
                    *place = Some(def);
                }
                true
            }
            Claim::Same => true,
            Claim::Taken => {
                let previous = self.registered.get(&def.name).cloned().unwrap_or_default();
                let message = format!(
                    "the schema here and the one at `{previous}` are both named `{}` in Rust",
                    def.name
                );
                self.report.error(Code::NameCollision, &def.source, message);
                false
            }
        }
    }

    fn claim(&self, def: &TypeDef) -> Claim {
        let Some(source) = self.registered.get(&def.name) else {
            return Claim::New;
        };
        if *source == def.source {
            // A component schema claimed its name up front; its definition is not pushed yet.
            return if self.by_name.contains_key(&def.name) {
                Claim::Same
            } else {
                Claim::New
            };
        }
        match self.type_named(&def.name) {
            Some(existing) if existing.kind == def.kind && existing.doc == def.doc => Claim::Same,
            _ => Claim::Taken,
        }
    }

    /// Reports names pinned in the settings that are not identifiers or that named nothing.
    fn check_pinned_names(&mut self) {
        for (at, name) in self.pinned {
            let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && name != "_";
            let setting = pointer("/names", at);
            if !valid {
                let message = format!("`{name}` is not a Rust identifier");
                self.config_report.error(Code::Config, &setting, message);
            } else if !self.used_pins.borrow().contains(at) && self.reaches_pointer(at) {
                let message = format!("`{at}` names nothing that gets a Rust name");
                self.config_report.error(Code::Config, &setting, message);
            }
        }
    }

    /// Reports secrets named in the settings that did not turn out to be string properties.
    fn check_secret_settings(&mut self) {
        for (index, secret) in self.secret_list.iter().enumerate() {
            if self.used_secrets.contains(secret) || !self.reaches_pointer(secret) {
                continue;
            }
            let at = pointer("/secrets", &index.to_string());
            let message = format!("`{secret}` is not a string property of the document");
            self.config_report.error(Code::SecretTarget, &at, message);
        }
    }
}

impl Lowerer<'_> {
    /// Whether a pointer names a place inside a reached component schema, or outside the
    /// component schemas altogether (which lowering always looks at).
    fn reaches_pointer(&self, pointer: &str) -> bool {
        match pointer.strip_prefix("/components/schemas/") {
            Some(rest) => {
                let key = rest
                    .split('/')
                    .next()
                    .unwrap_or_default()
                    .replace("~1", "/")
                    .replace("~0", "~");
                self.reach.schemas.contains(key.as_str())
            }
            None => true,
        }
    }
}

/// Orders the variants of each untagged union so that serde, which takes the first that decodes,
/// tries the most demanding first: objects with more required fields before those with fewer,
/// objects that accept anything last among objects, scalars next, then lists and maps, and a
/// free-form value last. Document order breaks ties.
fn order_untagged(types: &mut [TypeDef]) {
    use crate::ir::{TypeKind, TypeRef};
    let rank: HashMap<String, (u8, usize)> = types
        .iter()
        .map(|t| {
            let rank = match &t.kind {
                TypeKind::Struct(s) => {
                    let required = s.fields.iter().filter(|f| f.required).count();
                    if required == 0 {
                        (1, 0)
                    } else {
                        (0, usize::MAX - required)
                    }
                }
                TypeKind::Tagged(_) => (0, usize::MAX - 1),
                TypeKind::Untagged(_) => (1, 0),
                TypeKind::Enum(_) => (2, 0),
                TypeKind::Alias(_) => (3, 0),
            };
            (t.name.clone(), rank)
        })
        .collect();
    let of = |ty: &TypeRef| match ty {
        TypeRef::Named(name) | TypeRef::Boxed(name) => rank.get(name).copied().unwrap_or((3, 0)),
        TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 => (2, 0),
        TypeRef::String | TypeRef::Secret => (2, 1),
        TypeRef::List(_) | TypeRef::Map(_) => (3, 0),
        TypeRef::Json => (4, 0),
    };
    for def in types.iter_mut() {
        if let TypeKind::Untagged(union) = &mut def.kind {
            union.variants.sort_by_key(|v| of(&v.ty));
        }
    }
}

/// Gives each variant of a tagged union the documentation of the struct it wraps.
fn document_variants(types: &mut [TypeDef]) {
    let docs: HashMap<String, Option<String>> = types
        .iter()
        .map(|t| (t.name.clone(), t.doc.clone()))
        .collect();
    for def in types.iter_mut() {
        if let crate::ir::TypeKind::Tagged(union) = &mut def.kind {
            for variant in &mut union.variants {
                variant.doc = docs.get(&variant.ty).cloned().flatten();
            }
        }
    }
}

impl<'a> Lowerer<'a> {
    /// The component schemas the selected operations reach, in document order.
    fn reached_schemas(&self) -> Vec<(&'a String, &'a ReferenceOr<Schema>)> {
        let api: &'a OpenAPI = self.api;
        api.components
            .iter()
            .flat_map(|c| c.schemas.iter())
            .filter(|(key, _)| self.reach.schemas.contains(key.as_str()))
            .collect()
    }
}

/// The item a value is, or the one its reference into `#/components/{section}` names; `None`
/// when the reference does not resolve (reported elsewhere, where it matters).
pub(crate) fn item<'a, T>(
    value: &'a ReferenceOr<T>,
    section: &str,
    items: Option<&'a indexmap::IndexMap<String, ReferenceOr<T>>>,
) -> Option<&'a T> {
    resolve::component(value, "", section, items)
        .ok()
        .map(|(item, _)| item)
}

impl<'a> Lowerer<'a> {
    /// Resolves a value that may be a reference into `#/components/{section}`, reporting one that
    /// points elsewhere, at nothing, or round in a circle. Returns the item and its pointer.
    pub(crate) fn resolve_component<T>(
        &mut self,
        value: &'a ReferenceOr<T>,
        at: &str,
        section: &str,
        items: Option<&'a indexmap::IndexMap<String, ReferenceOr<T>>>,
    ) -> Option<(&'a T, String)> {
        match resolve::component(value, at, section, items) {
            Ok(found) => Some(found),
            Err((error, reference)) => {
                error.report(&mut self.report, at, reference);
                None
            }
        }
    }
}
