//! Every Rust name the generator emits is decided here: heck for casing, then one sanitising step,
//! then a [`Scope`] per namespace that settles clashes.
//!
//! The rules, in order: characters that cannot appear in an identifier separate words; a name with
//! no ASCII letter or digit is spelt out (`<=` becomes `LessThanEqual`, `日本` becomes
//! `U65e5U672c`, the empty name `Empty`); a leading digit gets a prefix (`T` for types, `V` for enum
//! variants, `_` for fields and functions); a keyword becomes a raw identifier (`r#type`), except
//! `self`, `Self`, `crate` and `super`, which cannot be raw and take a trailing underscore.
//!
//! Within one namespace (the types of a module, the fields of a struct, the values of an enum, the
//! parameters of a builder, the operations) names never clash: see [`Scope`] for how a clash is
//! settled without regard to the order of keys in the document.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Keywords of Rust 2024 that need a raw identifier (or, for the four path keywords, a suffix).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be written as raw identifiers.
const PATH_KEYWORDS: &[&str] = &["self", "Self", "crate", "super"];

/// Words for punctuation, used only when a name has no letter or digit at all.
const SYMBOLS: &[(char, &str)] = &[
    ('<', "less than"),
    ('>', "greater than"),
    ('=', "equal"),
    ('!', "not"),
    ('+', "plus"),
    ('-', "minus"),
    ('*', "star"),
    ('/', "slash"),
    ('.', "dot"),
    ('&', "and"),
    ('|', "or"),
    ('%', "percent"),
    ('@', "at"),
    ('#', "hash"),
    ('$', "dollar"),
    ('~', "tilde"),
    ('^', "caret"),
    ('?', "question"),
    ('_', "underscore"),
    (' ', "space"),
    (',', "comma"),
    (':', "colon"),
    (';', "semicolon"),
    ('(', "open paren"),
    (')', "close paren"),
    ('[', "open bracket"),
    (']', "close bracket"),
    ('{', "open brace"),
    ('}', "close brace"),
    ('"', "quote"),
    ('\'', "apostrophe"),
    ('`', "backtick"),
    ('\\', "backslash"),
];

/// The kinds of name, each with its casing and its prefix for a leading digit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Structs, enums and aliases: `UpperCamelCase`, prefix `T`.
    Type,
    /// Enum variants: `UpperCamelCase`, prefix `V`.
    Variant,
    /// Struct fields, functions and parameters: `snake_case`, prefix `_`.
    Field,
}

/// The Rust spelling of `wire` for the given kind. Every wire name has one: the empty name is
/// `Empty` (`empty`), and a name with no ASCII letter or digit is spelt out from its characters
/// (`<=` is `LessThanEqual`, `日本` is `U65e5U672c`).
pub fn rust_name(wire: &str, kind: Kind) -> String {
    finish(&words(wire), kind)
}

/// Cases and prefixes a string of space-separated words as a name of `kind`.
fn finish(words: &str, kind: Kind) -> String {
    let cased = match kind {
        Kind::Type | Kind::Variant => words.to_upper_camel_case(),
        Kind::Field => words.to_snake_case(),
    };
    let cased = if cased.is_empty() {
        match kind {
            Kind::Type | Kind::Variant => "Empty".to_owned(),
            Kind::Field => "empty".to_owned(),
        }
    } else {
        cased
    };
    let starts_with_digit = cased.starts_with(|c: char| c.is_ascii_digit());
    match (starts_with_digit, kind) {
        (true, Kind::Type) => format!("T{cased}"),
        (true, Kind::Variant) => format!("V{cased}"),
        (true, Kind::Field) => format!("_{cased}"),
        (false, _) if PATH_KEYWORDS.contains(&cased.as_str()) => format!("{cased}_"),
        (false, _) => cased,
    }
}

/// Joins `prefix` and `suffix` into one type name, as for a schema declared inline in a property.
pub fn nested_type_name(prefix: &str, suffix: &str) -> String {
    let suffix = rust_name(suffix, Kind::Type);
    rust_name(&format!("{prefix} {suffix}"), Kind::Type)
}

/// An identifier token for an already sanitised name, raw where the name is a keyword.
pub fn ident(name: &str) -> Ident {
    if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// Splits `wire` into words of ASCII letters and digits separated by spaces; a name without any
/// ASCII letter or digit is spelt out from its characters.
fn words(wire: &str) -> String {
    let kept: String = wire
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    if kept.trim().is_empty() {
        return wire.chars().map(spell).collect::<Vec<_>>().join(" ");
    }
    kept
}

/// The word for one character of a name that has no ASCII letter or digit.
fn spell(c: char) -> String {
    match SYMBOLS.iter().find(|(s, _)| *s == c) {
        Some((_, word)) => (*word).to_owned(),
        None => format!("u{:x}", u32::from(c)),
    }
}

/// The words of `wire` with the characters that carry meaning spelt out (`StartTime<` is
/// `StartTime less than`, `GMT-1` is `GMT minus 1`), for telling apart names that differ only in
/// them. Separators (`-` between words, `_`, `.`, `/`, spaces) stay separators; other characters
/// outside ASCII are spelt as their code point.
fn spelt(wire: &str) -> String {
    let chars: Vec<char> = wire.chars().collect();
    let mut out = String::with_capacity(wire.len() * 2);
    for (index, &c) in chars.iter().enumerate() {
        let next_is_digit = chars.get(index + 1).is_some_and(char::is_ascii_digit);
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if matches!(c, '_' | '.' | '/' | ' ') || (c == '-' && !next_is_digit) {
            out.push(' ');
        } else {
            out.push(' ');
            out.push_str(&spell(c));
            out.push(' ');
        }
    }
    out
}

/// Who asks for a name in a [`Scope`], in the order of precedence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precedence {
    /// A name the settings pin by JSON pointer.
    Pinned,
    /// A name the document gives: a component's key, a property, a value.
    Given,
    /// A name the generator derives from where a schema stands (`Document` + `options`).
    Derived,
}

/// One thing that needs a name in a namespace.
#[derive(Clone, Debug)]
pub struct Claimant<'a> {
    /// The name in the document (or, for a derived name, the words it is made of).
    pub wire: &'a str,
    /// Where it comes from, as a JSON pointer.
    pub pointer: &'a str,
    /// How strongly it holds its name.
    pub precedence: Precedence,
    /// A Rust name given by the settings, used as it is.
    pub pinned: Option<&'a str>,
    /// A second Rust name to try before the rules change the first (for an inline enum of a
    /// parameter: the parameter's own name first, then the operation's and the parameter's).
    pub alternative: Option<&'a str>,
}

/// A claimant that did not get the plain spelling of its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rename {
    /// The claimant's index.
    pub index: usize,
    /// The plain spelling, which someone else holds.
    pub plain: String,
    /// The name it got instead.
    pub chosen: String,
    /// The index of the claimant holding the plain spelling, or `None` when the namespace
    /// reserves it.
    pub holder: Option<usize>,
}

/// The names one namespace hands out: every Rust name in it is claimed here, so that no two things
/// share one and nothing takes a name the generated code reserves.
///
/// Names are decided without regard to the order of keys in the document: claimants are served
/// by precedence (pinned, then given, then derived), then by wire name, then by pointer, and each
/// takes the first free of: its plain spelling, its spelling with meaningful punctuation spelt out
/// (`StartTime<` → `start_time_less_than`), its plain spelling with a number (2, 3, …).
#[derive(Debug)]
pub struct Scope {
    kind: Kind,
    /// Every name handed out, with the claimant holding it (`None` for reserved names).
    taken: std::collections::HashMap<String, Option<usize>>,
    /// The next number to try after each plain spelling.
    next: std::collections::HashMap<String, usize>,
    /// The word added to a name that a reserved name displaces, before any number.
    reserved_suffix: Option<&'static str>,
}

impl Scope {
    /// A namespace for names of `kind`, with `reserved` names that no claimant gets.
    pub fn new(kind: Kind, reserved: &[&str]) -> Scope {
        Scope {
            kind,
            taken: reserved.iter().map(|r| ((*r).to_owned(), None)).collect(),
            next: std::collections::HashMap::new(),
            reserved_suffix: None,
        }
    }

    /// Names that a reserved name displaces take `word` first (`build` beside the builder's own
    /// `build` becomes `build_param`).
    pub fn with_reserved_suffix(mut self, word: &'static str) -> Scope {
        self.reserved_suffix = Some(word);
        self
    }

    /// Whether `name` is taken.
    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains_key(name)
    }

    /// Names every claimant, returning the names in the claimants' order and the renames. Plain
    /// spellings are handed out first, so that a name the document spells out (`new_2`) is never
    /// displaced by a number the rules add to another.
    pub fn assign(&mut self, claimants: &[Claimant<'_>]) -> (Vec<String>, Vec<Rename>) {
        let mut order: Vec<usize> = (0..claimants.len()).collect();
        // A wire name that already is its Rust spelling (`is_global`, `M`) is served before one
        // that only becomes it (`isGlobal`, `m`).
        let inexact: Vec<bool> = claimants
            .iter()
            .map(|c| c.pinned.is_none() && rust_name(c.wire, self.kind) != c.wire)
            .collect();
        order.sort_by(|&x, &y| {
            let (a, b) = (&claimants[x], &claimants[y]);
            (a.precedence, inexact[x], a.wire, a.pointer).cmp(&(
                b.precedence,
                inexact[y],
                b.wire,
                b.pointer,
            ))
        });
        let mut names: Vec<Option<String>> = vec![None; claimants.len()];
        for &index in &order {
            let plain = self.plain(&claimants[index]);
            if !self.taken.contains_key(&plain) {
                self.taken.insert(plain.clone(), Some(index));
                names[index] = Some(plain);
            }
        }
        let mut renames = Vec::new();
        for &index in &order {
            if names[index].is_none() {
                let (name, rename) = self.rename(index, &claimants[index]);
                names[index] = Some(name);
                renames.extend(rename);
            }
        }
        renames.sort_by_key(|r| r.index);
        (
            names.into_iter().map(Option::unwrap_or_default).collect(),
            renames,
        )
    }

    /// The plain spelling of a claimant's name.
    fn plain(&self, claimant: &Claimant<'_>) -> String {
        match claimant.pinned {
            Some(pinned) => pinned.to_owned(),
            None => rust_name(claimant.wire, self.kind),
        }
    }

    /// Takes the first free name for one claimant whose plain spelling is taken: the spelling
    /// with punctuation spelt out, else the plain one with the first free number.
    fn rename(&mut self, index: usize, claimant: &Claimant<'_>) -> (String, Option<Rename>) {
        let plain = self.plain(claimant);
        let holder = self.taken.get(&plain).copied().flatten();
        let spelt = finish(&spelt(claimant.wire), self.kind);
        let suffixed = match (holder, self.reserved_suffix) {
            (None, Some(word)) => Some(finish(
                &format!("{} {word}", words(claimant.wire)),
                self.kind,
            )),
            _ => None,
        };
        let alternative = claimant
            .alternative
            .filter(|a| claimant.pinned.is_none() && !self.taken.contains_key(*a));
        let chosen = if let Some(alternative) = alternative {
            // Taking the second name it asked for is no rename.
            self.taken.insert(alternative.to_owned(), Some(index));
            return (alternative.to_owned(), None);
        } else if let Some(suffixed) = suffixed.filter(|n| !self.taken.contains_key(n)) {
            suffixed
        } else if claimant.pinned.is_none() && !self.taken.contains_key(&spelt) {
            spelt
        } else {
            let next = self.next.entry(plain.clone()).or_insert(2);
            loop {
                let candidate = numbered(&plain, *next, self.kind);
                *next += 1;
                if !self.taken.contains_key(&candidate) {
                    break candidate;
                }
            }
        };
        self.taken.insert(chosen.clone(), Some(index));
        let rename = Rename {
            index,
            plain,
            chosen: chosen.clone(),
            holder,
        };
        (chosen, Some(rename))
    }
}

/// `name` with the number `n`: `name_2` for fields, `Name2` for types and variants (`Name1V2`
/// where the name already ends in a digit, so that the two numbers stay apart).
pub fn numbered(name: &str, n: usize, kind: Kind) -> String {
    // `self_` and `Self_` take their number in place of the underscore that kept them from being
    // keywords: `self_2`, `Self2`.
    let name = match name.strip_suffix('_') {
        Some(base) if PATH_KEYWORDS.contains(&base) => base,
        _ => name,
    };
    match kind {
        Kind::Field => format!("{name}_{n}"),
        Kind::Type | Kind::Variant if name.ends_with(|c: char| c.is_ascii_digit()) => {
            format!("{name}V{n}")
        }
        Kind::Type | Kind::Variant => format!("{name}{n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule() {
        let cases: &[(&str, Kind, &str)] = &[
            // Casing.
            ("PagerDuty", Kind::Type, "PagerDuty"),
            ("PAGER_DUTY", Kind::Variant, "PagerDuty"),
            ("US1_FED", Kind::Variant, "Us1Fed"),
            ("apiKey", Kind::Field, "api_key"),
            (
                "microsoftTeamsWebhookUrl",
                Kind::Field,
                "microsoft_teams_webhook_url",
            ),
            ("lower_case_schema", Kind::Type, "LowerCaseSchema"),
            // Non-identifier characters separate words.
            ("x-request-id", Kind::Field, "x_request_id"),
            (
                "application/vnd.atlas+json",
                Kind::Variant,
                "ApplicationVndAtlasJson",
            ),
            ("naïve", Kind::Field, "na_ve"),
            // Names without an ASCII letter or digit are spelt out.
            ("<", Kind::Variant, "LessThan"),
            (">=", Kind::Variant, "GreaterThanEqual"),
            ("___", Kind::Type, "UnderscoreUnderscoreUnderscore"),
            ("日本", Kind::Type, "U65e5U672c"),
            ("日本", Kind::Field, "u65e5_u672c"),
            // The empty name.
            ("", Kind::Field, "empty"),
            ("", Kind::Variant, "Empty"),
            // Leading digits take a prefix.
            ("24h", Kind::Variant, "V24h"),
            ("1stSchema", Kind::Type, "T1stSchema"),
            ("3d", Kind::Field, "_3d"),
            // Keywords: raw where possible, a suffix where not.
            ("type", Kind::Field, "type"),
            ("self", Kind::Field, "self_"),
            ("Self", Kind::Type, "Self_"),
            ("crate", Kind::Field, "crate_"),
            ("super", Kind::Field, "super_"),
        ];
        for (wire, kind, expected) in cases {
            assert_eq!(rust_name(wire, *kind), *expected, "{wire:?} as {kind:?}");
        }
    }

    fn given<'a>(wire: &'a str, pointer: &'a str) -> Claimant<'a> {
        Claimant {
            wire,
            pointer,
            precedence: Precedence::Given,
            pinned: None,
            alternative: None,
        }
    }

    /// The names a scope gives to `wires`, claimed as given names in that order.
    fn names(kind: Kind, reserved: &[&str], wires: &[&str]) -> Vec<String> {
        let pointers: Vec<String> = (0..wires.len()).map(|i| format!("/{i}")).collect();
        let claimants: Vec<Claimant<'_>> = wires
            .iter()
            .zip(&pointers)
            .map(|(w, p)| given(w, p))
            .collect();
        Scope::new(kind, reserved).assign(&claimants).0
    }

    #[test]
    fn clashes_are_resolved_by_rule() {
        /// The kind, the reserved names, the wire names and the names expected for them.
        type Case<'a> = (Kind, &'a [&'a str], &'a [&'a str], &'a [&'a str]);
        let cases: &[Case<'_>] = &[
            // Meaningful punctuation is spelt out.
            (
                Kind::Field,
                &[],
                &["StartTime", "StartTime<", "StartTime>"],
                &[
                    "start_time",
                    "start_time_less_than",
                    "start_time_greater_than",
                ],
            ),
            (
                Kind::Variant,
                &[],
                &["Etc/GMT+1", "Etc/GMT-1"],
                &["EtcGmt1", "EtcGmtMinus1"],
            ),
            // Otherwise a number, the byte-wise smaller wire name keeping the plain spelling.
            (Kind::Variant, &[], &["asc", "ASC"], &["Asc2", "Asc"]),
            (Kind::Variant, &[], &["m", "M"], &["M2", "M"]),
            // A wire name that already is its Rust spelling keeps it.
            (
                Kind::Field,
                &[],
                &["is_global", "isGlobal"],
                &["is_global", "is_global_2"],
            ),
            (
                Kind::Type,
                &[],
                &["nullTime", "NullTime"],
                &["NullTime2", "NullTime"],
            ),
            // A name ending in a digit keeps its digits apart from the number.
            (Kind::Variant, &[], &["v1", "V1"], &["V1V2", "V1"]),
            // A path keyword takes its number in place of its underscore.
            (Kind::Field, &[], &["self", "Self"], &["self_2", "self_"]),
            (Kind::Type, &[], &["self", "Self"], &["Self2", "Self_"]),
            // Reserved names are never handed out.
            (Kind::Field, &["body", "build"], &["body"], &["body_2"]),
            (
                Kind::Field,
                &["new"],
                &["new", "new_2"],
                &["new_3", "new_2"],
            ),
        ];
        for (kind, reserved, wires, expected) in cases {
            assert_eq!(&names(*kind, reserved, wires), expected, "{wires:?}");
        }
    }

    #[test]
    fn names_displaced_by_reserved_ones_take_the_suffix_first() {
        let claimants = [
            given("build", "/0"),
            given("body", "/1"),
            given("body_param", "/2"),
        ];
        let mut scope = Scope::new(Kind::Field, &["build", "body"]).with_reserved_suffix("param");
        let (names, renames) = scope.assign(&claimants);
        assert_eq!(names, ["build_param", "body_2", "body_param"]);
        assert!(renames.iter().all(|r| r.holder.is_none()));
    }

    #[test]
    fn names_do_not_depend_on_the_order_of_keys() {
        let forward = names(Kind::Variant, &[], &["asc", "ASC", "Asc"]);
        let backward = names(Kind::Variant, &[], &["Asc", "ASC", "asc"]);
        let mut backward_reversed = backward.clone();
        backward_reversed.reverse();
        assert_eq!(forward, backward_reversed);
    }

    #[test]
    fn given_names_win_over_derived_and_pinned_over_given() {
        let claimants = [
            Claimant {
                wire: "Document options",
                pointer: "/components/schemas/Document/properties/options",
                precedence: Precedence::Derived,
                pinned: None,
                alternative: None,
            },
            given("DocumentOptions", "/components/schemas/DocumentOptions"),
            Claimant {
                wire: "x",
                pointer: "/components/schemas/x",
                precedence: Precedence::Pinned,
                pinned: Some("DocumentOptions"),
                alternative: None,
            },
        ];
        let (names, renames) = Scope::new(Kind::Type, &[]).assign(&claimants);
        assert_eq!(
            names,
            ["DocumentOptions3", "DocumentOptions2", "DocumentOptions"]
        );
        assert_eq!(renames.len(), 2);
        assert_eq!(renames[0].holder, Some(2));
    }

    #[test]
    fn keywords_become_raw_identifiers() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("match").to_string(), "r#match");
        assert_eq!(ident("gen").to_string(), "r#gen");
        assert_eq!(ident("api_key").to_string(), "api_key");
    }

    #[test]
    fn nested_names_join_parent_and_property() {
        assert_eq!(nested_type_name("Datadog", "region"), "DatadogRegion");
        assert_eq!(nested_type_name("Foo", "2fa"), "FooT2fa");
    }
}
