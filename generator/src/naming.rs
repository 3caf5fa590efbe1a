//! Every Rust name the generator emits is decided here: heck for casing, then one sanitising step.
//!
//! The rules, in order: characters that cannot appear in an identifier separate words; a name made
//! only of punctuation is spelt out (`<=` becomes `LessThanEqual`); a leading digit gets a prefix
//! (`T` for types, `V` for enum variants, `_` for fields and functions); a keyword becomes a raw
//! identifier (`r#type`), except `self`, `Self`, `crate` and `super`, which cannot be raw and take a
//! trailing underscore.

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

/// The Rust spelling of `wire` for the given kind, or `None` when nothing usable is left of it.
pub fn rust_name(wire: &str, kind: Kind) -> Option<String> {
    let words = words(wire);
    let cased = match kind {
        Kind::Type | Kind::Variant => words.to_upper_camel_case(),
        Kind::Field => words.to_snake_case(),
    };
    if cased.is_empty() {
        return None;
    }
    let starts_with_digit = cased.starts_with(|c: char| c.is_ascii_digit());
    let name = match (starts_with_digit, kind) {
        (true, Kind::Type) => format!("T{cased}"),
        (true, Kind::Variant) => format!("V{cased}"),
        (true, Kind::Field) => format!("_{cased}"),
        (false, _) if PATH_KEYWORDS.contains(&cased.as_str()) => format!("{cased}_"),
        (false, _) => cased,
    };
    Some(name)
}

/// Joins `prefix` and `suffix` into one type name, as for a schema declared inline in a property.
pub fn nested_type_name(prefix: &str, suffix: &str) -> Option<String> {
    let suffix = rust_name(suffix, Kind::Type)?;
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
/// letter or digit is spelt out from its punctuation.
fn words(wire: &str) -> String {
    let kept: String = wire
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    if kept.trim().is_empty() {
        let spelt: Vec<&str> = wire
            .chars()
            .filter_map(|c| SYMBOLS.iter().find(|(s, _)| *s == c).map(|(_, w)| *w))
            .collect();
        return spelt.join(" ");
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule() {
        let cases: &[(&str, Kind, Option<&str>)] = &[
            // Casing.
            ("PagerDuty", Kind::Type, Some("PagerDuty")),
            ("PAGER_DUTY", Kind::Variant, Some("PagerDuty")),
            ("US1_FED", Kind::Variant, Some("Us1Fed")),
            ("apiKey", Kind::Field, Some("api_key")),
            (
                "microsoftTeamsWebhookUrl",
                Kind::Field,
                Some("microsoft_teams_webhook_url"),
            ),
            ("lower_case_schema", Kind::Type, Some("LowerCaseSchema")),
            // Non-identifier characters separate words.
            ("x-request-id", Kind::Field, Some("x_request_id")),
            (
                "application/vnd.atlas+json",
                Kind::Variant,
                Some("ApplicationVndAtlasJson"),
            ),
            ("naïve", Kind::Field, Some("na_ve")),
            // Punctuation-only names are spelt out.
            ("<", Kind::Variant, Some("LessThan")),
            (">=", Kind::Variant, Some("GreaterThanEqual")),
            // Leading digits take a prefix.
            ("24h", Kind::Variant, Some("V24h")),
            ("1stSchema", Kind::Type, Some("T1stSchema")),
            ("3d", Kind::Field, Some("_3d")),
            // Keywords: raw where possible, a suffix where not.
            ("type", Kind::Field, Some("type")),
            ("self", Kind::Field, Some("self_")),
            ("Self", Kind::Type, Some("Self_")),
            ("crate", Kind::Field, Some("crate_")),
            ("super", Kind::Field, Some("super_")),
            // Nothing usable.
            ("", Kind::Field, None),
            ("___", Kind::Type, None),
            ("日本", Kind::Type, None),
        ];
        for (wire, kind, expected) in cases {
            assert_eq!(
                rust_name(wire, *kind).as_deref(),
                *expected,
                "{wire:?} as {kind:?}"
            );
        }
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
        assert_eq!(
            nested_type_name("Datadog", "region").as_deref(),
            Some("DatadogRegion")
        );
        assert_eq!(nested_type_name("Foo", "2fa").as_deref(), Some("FooT2fa"));
    }
}
