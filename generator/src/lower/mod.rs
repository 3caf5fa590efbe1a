//! Checks the document and lowers it to the [`ir`](crate::ir): resolves references, lowers every
//! reached schema and operation, then [finishes](finish) the IR: final names, boxing, union trial
//! order and the analyses emitting needs. Every problem is collected before anything is emitted.

mod aliases;
mod analysis;
mod docs;
mod finish;
mod flattened;
mod inline;
mod operation;
pub(crate) use aliases::{method_key, operation_item, operation_pointer};
pub(crate) use finish::is_file;
pub(crate) use operation::atlas_version;
mod reach;
mod recursion;
mod refs;
mod resolve;
mod schema;
pub mod secrets;
mod tags;

use std::collections::{BTreeSet, HashMap};

use openapiv3::{OpenAPI, ReferenceOr, Schema};

use crate::config::Config;
use crate::diagnostics::{Code, Diagnostics, Reporter, pointer};
use crate::ir::{Api, TypeDef, TypeId, TypeRef};
use crate::load::Document;
use crate::naming::{self, Kind};

/// Lowers `document` to the IR, returning it with the warnings found, or every error found.
pub fn lower(document: &Document, config: &Config) -> Result<(Api, Diagnostics), Diagnostics> {
    let mut cx = Lowerer::new(&document.api, config, document.file());
    let (reached, unmatched) = reach::reach(&document.api, &config.tags, &config.operations);
    cx.reach = reached;
    if !unmatched.is_empty() {
        let catalogue = crate::catalogue::Catalogue::of(document);
        for name in unmatched {
            let message = if config.tags.contains(&name) {
                catalogue.explain_tag(&name)
            } else {
                catalogue.explain_operation(&name)
            };
            cx.report.error(Code::Selection, "", message);
        }
    }
    cx.reserve_components();
    cx.find_variants();
    cx.lower_components();
    cx.lower_operations();
    cx.check_secret_settings();
    let api = finish::finish(&mut cx, document);
    cx.check_pinned_names();

    let mut diagnostics = cx.report.diagnostics;
    diagnostics.extend(cx.config_report.diagnostics);
    let diagnostics = diagnostics.sorted();
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
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

/// What lowering knows of a type's name before the final naming: the names it asks for, in
/// order of preference, and how strongly.
#[derive(Clone, Debug)]
pub(crate) struct Wanted {
    /// Rust names, most wanted first; the first is also the name given to the types nested in it.
    pub(crate) candidates: Vec<String>,
    /// The component key, for a component schema (its name is decided from the key).
    pub(crate) key: Option<String>,
    /// Where the schema is.
    pub(crate) pointer: String,
}

/// The state of one lowering run.
pub(crate) struct Lowerer<'a> {
    api: &'a OpenAPI,
    report: Reporter,
    config_report: Reporter,
    /// The handle of each reached component schema, by its key in `components/schemas`.
    schema_ids: HashMap<&'a str, TypeId>,
    /// Component schemas that are variants of a tagged union, with the tag property they omit.
    variant_tags: HashMap<&'a str, &'a str>,
    /// The types lowered so far and what is known of their names.
    table: TypeTable,
    /// What the settings say, and which of it has been used.
    settings: Settings<'a>,
    /// Patterns already compiled, with the reason each cannot be, if it cannot.
    patterns: HashMap<String, Option<String>>,
    operations: Vec<crate::ir::Operation>,
    /// How many inline schemas enclose the one being lowered.
    depth: usize,
    /// The selected operations and the schemas they reach.
    reach: reach::Reach<'a>,
}

/// The type table while lowering: a slot per handle, filled as each type is lowered, with the
/// names each asks for and its place in the output. The final names and order are decided by
/// [`finish`].
#[derive(Default)]
pub(crate) struct TypeTable {
    /// A slot per handle, empty until the type is lowered (or for ever, where an identical type
    /// was found instead).
    types: Vec<Option<TypeDef>>,
    /// The name each slot asks for.
    wanted: Vec<Wanted>,
    /// Where each slot goes in the output: the order lowering began each type in.
    positions: Vec<usize>,
    next_position: usize,
    /// Inline types by the names they ask for, so that identical ones are one type.
    inline_by_candidates: HashMap<Vec<String>, Vec<TypeId>>,
    /// The type given to each inline schema lowered so far, by pointer, so that a reference into
    /// the middle of a schema and the schema's parent agree.
    inline_at: HashMap<String, TypeRef>,
    /// Inline schemas being lowered, by pointer.
    inline_in_progress: std::collections::HashSet<String>,
}

/// The settings that steer lowering (secrets and names by JSON pointer), and which of them have
/// named something, so that the rest can be reported.
pub(crate) struct Settings<'a> {
    secrets: BTreeSet<&'a str>,
    secret_list: &'a [String],
    used_secrets: BTreeSet<String>,
    /// Properties the settings say are not credentials.
    not_secrets: BTreeSet<&'a str>,
    not_secret_list: &'a [String],
    used_not_secrets: BTreeSet<String>,
    /// Every property taken for a credential, by pointer, with the reason.
    credentials: std::collections::BTreeMap<String, String>,
    /// Rust names the settings pin, by JSON pointer.
    pinned: &'a std::collections::BTreeMap<String, String>,
    /// Pinned names that named something, to report the rest.
    used_pins: std::cell::RefCell<BTreeSet<String>>,
    /// Former operationIds by the pointer of the operation that now has another.
    renamed: &'a std::collections::BTreeMap<String, Vec<String>>,
}

impl<'a> Lowerer<'a> {
    fn new(api: &'a OpenAPI, config: &'a Config, file: &str) -> Self {
        Lowerer {
            api,
            report: Reporter::new(file),
            config_report: Reporter::new(&config.file),
            schema_ids: HashMap::new(),
            variant_tags: HashMap::new(),
            table: TypeTable::default(),
            settings: Settings {
                secrets: config.secrets.iter().map(String::as_str).collect(),
                secret_list: &config.secrets,
                used_secrets: BTreeSet::new(),
                not_secrets: config.not_secrets.iter().map(String::as_str).collect(),
                not_secret_list: &config.not_secrets,
                used_not_secrets: BTreeSet::new(),
                credentials: std::collections::BTreeMap::new(),
                pinned: &config.names,
                used_pins: std::cell::RefCell::new(BTreeSet::new()),
                renamed: &config.renamed_operations,
            },
            patterns: HashMap::new(),
            operations: Vec::new(),
            depth: 0,
            reach: reach::Reach::default(),
        }
    }

    /// Gives every reached component schema its handle up front, so that references resolve in
    /// any order. Names are decided once everything is lowered.
    fn reserve_components(&mut self) {
        for (key, _) in self.reached_schemas() {
            let wanted = Wanted {
                candidates: vec![naming::rust_name(key, Kind::Type)],
                key: Some(key.clone()),
                pointer: pointer("/components/schemas", key),
            };
            let id = self.allocate(wanted);
            self.schema_ids.insert(key.as_str(), id);
        }
    }

    /// A new, empty slot in the type table.
    fn allocate(&mut self, wanted: Wanted) -> TypeId {
        self.table.types.push(None);
        self.table.wanted.push(wanted);
        self.table.positions.push(usize::MAX);
        TypeId(self.table.types.len() - 1)
    }

    /// Marks the start of lowering a type: it goes before the inline types its lowering adds.
    fn place(&mut self, id: TypeId) {
        self.table.positions[id.0] = self.table.next_position;
        self.table.next_position += 1;
    }

    /// The type behind a handle, once lowered.
    fn type_def(&self, id: TypeId) -> Option<&TypeDef> {
        self.table.types.get(id.0).and_then(Option::as_ref)
    }

    /// The type behind a handle, to change.
    fn type_def_mut(&mut self, id: TypeId) -> Option<&mut TypeDef> {
        self.table.types.get_mut(id.0).and_then(Option::as_mut)
    }

    /// The name lowering knows a type by until the final naming: the first it asks for.
    fn provisional_name(&self, id: TypeId) -> &str {
        self.table
            .wanted
            .get(id.0)
            .and_then(|w| w.candidates.first())
            .map_or("", String::as_str)
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
        match self.settings.pinned.get(at) {
            Some(pinned) => {
                self.settings.used_pins.borrow_mut().insert(at.to_owned());
                naming::Claimant {
                    wire,
                    pointer: at,
                    precedence: naming::Precedence::Pinned,
                    pinned: Some(pinned.as_str()),
                    alternative: None,
                }
            }
            None => naming::Claimant {
                wire,
                pointer: at,
                precedence,
                pinned: None,
                alternative: None,
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
                self.find_inferred_variants(schema);
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

    /// Registers the component variants of a union tagged by a property it does not name in a
    /// `discriminator` (see [`tags`]), unless one of them already serves another tag.
    fn find_inferred_variants(&mut self, schema: &'a Schema) {
        let Some(members) = schema::union_members(schema) else {
            return;
        };
        let Some(inferred) = self.infer_tag(members) else {
            return;
        };
        let keys: Vec<&'a str> = members
            .iter()
            .filter_map(|member| match member {
                ReferenceOr::Reference { reference } => {
                    resolve::component_schema_key(self.api, reference)
                }
                ReferenceOr::Item(_) => None,
            })
            .collect();
        let tag = inferred.property;
        if keys
            .iter()
            .any(|key| self.variant_tags.get(key).is_some_and(|t| *t != tag))
        {
            return;
        }
        for key in keys {
            self.variant_tags.insert(key, tag);
        }
    }

    fn lower_components(&mut self) {
        for (key, schema) in self.reached_schemas() {
            let Some(&id) = self.schema_ids.get(key.as_str()) else {
                continue;
            };
            let at = pointer("/components/schemas", key);
            let skip_tag = self.variant_tags.get(key.as_str()).copied();
            self.lower_named(id, &at, RefOr::from(schema), skip_tag);
        }
    }

    /// Reports names pinned in the settings that are not identifiers or that named nothing.
    fn check_pinned_names(&mut self) {
        for (at, name) in self.settings.pinned {
            let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && name != "_";
            let setting = pointer("/names", at);
            if !valid {
                let message = format!("`{name}` is not a Rust identifier");
                self.config_report.error(Code::Config, &setting, message);
            } else if !self.settings.used_pins.borrow().contains(at) && self.reaches_pointer(at) {
                let message = format!("`{at}` names nothing that gets a Rust name");
                self.config_report.error(Code::Config, &setting, message);
            }
        }
    }

    /// Reports secrets and non-secrets named in the settings that did not turn out to be string
    /// properties, and pointers named in both lists.
    fn check_secret_settings(&mut self) {
        let lists = [
            (
                "/secrets",
                self.settings.secret_list,
                &self.settings.used_secrets,
            ),
            (
                "/not_secrets",
                self.settings.not_secret_list,
                &self.settings.used_not_secrets,
            ),
        ];
        let mut problems = Vec::new();
        for (list, entries, used) in lists {
            for (index, entry) in entries.iter().enumerate() {
                let at = pointer(list, &index.to_string());
                if list == "/not_secrets" && self.settings.secrets.contains(entry.as_str()) {
                    let message =
                        format!("`{entry}` is listed under both `secrets` and `not_secrets`");
                    problems.push((Code::Config, at, message));
                } else if !used.contains(entry) && self.reaches_pointer(entry) {
                    let message = format!("`{entry}` is not a string property of the document");
                    problems.push((Code::SecretTarget, at, message));
                }
            }
        }
        for (code, at, message) in problems {
            self.config_report.error(code, &at, message);
        }
    }

    /// Why the string property at `at` holds a credential, or `None` when it does not: the
    /// settings first (`not_secrets`, then `secrets`), then the document's marks, then the rule
    /// of [`secrets::credential`] on the property's name and description.
    pub(crate) fn credential(
        &mut self,
        schema: &openapiv3::Schema,
        string: &openapiv3::StringType,
        at: &str,
    ) -> Option<&'static str> {
        if self.settings.not_secrets.contains(at) {
            self.settings.used_not_secrets.insert(at.to_owned());
            return None;
        }
        if self.settings.secrets.contains(at) {
            self.settings.used_secrets.insert(at.to_owned());
            return Some("the settings name it under `secrets:`");
        }
        if matches!(
            string.format,
            openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Password)
        ) {
            return Some("the document marks it `format: password`");
        }
        if schema.schema_data.write_only {
            return Some("the document marks it `writeOnly: true`");
        }
        let (parent, name) = at.rsplit_once('/')?;
        if !parent.ends_with("/properties") {
            return None;
        }
        let name = name.replace("~1", "/").replace("~0", "~");
        secrets::credential(&name, schema.schema_data.description.as_deref())
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

impl<'a> Lowerer<'a> {
    /// The component schemas the selected operations reach, in byte-wise order of their keys:
    /// the order types are lowered in, and so placed in the output, does not depend on the order
    /// the document lists them in.
    fn reached_schemas(&self) -> Vec<(&'a String, &'a ReferenceOr<Schema>)> {
        let api: &'a OpenAPI = self.api;
        let mut reached: Vec<_> = api
            .components
            .iter()
            .flat_map(|c| c.schemas.iter())
            .filter(|(key, _)| self.reach.schemas.contains(key.as_str()))
            .collect();
        reached.sort_by(|a, b| a.0.cmp(b.0));
        reached
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
