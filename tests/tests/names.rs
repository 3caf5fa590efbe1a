//! Names do not depend on the order of keys in the document: generating from a document and from
//! the same document with every mapping's keys reversed (components, properties, paths,
//! parameters' places) gives the same items under the same names, and the same warnings.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codegen_tests::workspace_root;
use generator::{Config, Document};

/// `value` with the keys of every mapping in reverse order; lists keep their order.
fn reversed(value: serde_yaml::Value) -> serde_yaml::Value {
    match value {
        serde_yaml::Value::Mapping(mapping) => {
            let mut entries: Vec<(serde_yaml::Value, serde_yaml::Value)> =
                mapping.into_iter().collect();
            entries.reverse();
            serde_yaml::Value::Mapping(entries.into_iter().map(|(k, v)| (k, reversed(v))).collect())
        }
        serde_yaml::Value::Sequence(items) => {
            serde_yaml::Value::Sequence(items.into_iter().map(reversed).collect())
        }
        other => other,
    }
}

/// Each struct's wire names paired with the fields they are read into and written from: the
/// table of `runtime::Object` and the writes of its `write` list them in the same order.
fn field_pairs(contents: &str) -> Vec<String> {
    let mut pairs = Vec::new();
    let mut wires: Vec<&str> = Vec::new();
    let mut fields: Vec<&str> = Vec::new();
    let mut owner = "";
    for line in contents.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("impl crate::runtime::Object for ") {
            for (wire, field) in wires.drain(..).zip(fields.drain(..)) {
                pairs.push(format!("{owner}: {wire} <-> {field}"));
            }
            owner = rest.trim_end_matches(" {");
        } else if line.starts_with("crate::runtime::Field::") {
            wires.extend(
                line.split_once('(')
                    .map(|(_, wire)| wire.trim_end_matches("),")),
            );
        } else if let Some(rest) = line
            .strip_prefix("out.field(&self.")
            .or_else(|| line.strip_prefix("out.optional(&self."))
        {
            fields.push(rest.trim_end_matches(");"));
        }
    }
    for (wire, field) in wires.drain(..).zip(fields.drain(..)) {
        pairs.push(format!("{owner}: {wire} <-> {field}"));
    }
    pairs
}

/// The lines of the generated files that tie a name to what it names (public items and fields with
/// their types, wire names with the fields they are read into, the arms that map a wire name to a
/// variant, query parameters) and the warnings, sorted: equal when the same items have the same
/// names, whatever their order.
fn lines(text: &str) -> Vec<String> {
    const NAMING: &[&str] = &["pub ", "=> Self::", "query.push("];
    let document = Document::parse(text, "names.yaml").unwrap();
    let output = generator::generate(&document, &Config::default()).unwrap();
    let mut lines: Vec<String> = output
        .files
        .iter()
        .flat_map(|f| f.contents.lines().map(|l| l.trim().to_owned()))
        .filter(|l| NAMING.iter().any(|n| l.contains(n)))
        .chain(output.files.iter().flat_map(|f| field_pairs(&f.contents)))
        .chain(output.warnings.iter().map(|w| w.to_string()))
        .collect();
    lines.sort();
    lines
}

#[test]
fn reordering_keys_never_swaps_names() {
    let path = workspace_root().join("tests/fixtures/names.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let value: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let reordered = serde_yaml::to_string(&reversed(value)).unwrap();
    assert_ne!(text, reordered);
    let (forward, backward) = (lines(&text), lines(&reordered));
    let differences: Vec<_> = forward
        .iter()
        .zip(&backward)
        .filter(|(a, b)| a != b)
        .take(5)
        .collect();
    assert!(differences.is_empty(), "{differences:#?}");
    assert_eq!(forward.len(), backward.len());
}

#[test]
fn the_rename_test_can_fail() {
    // The same comparison sees a swap: the two property names exchanged by hand.
    let a = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    F:\n      type: object\n      properties:\n        is_global: {type: boolean}\n        isGlobal: {type: string}\n";
    let b = a
        .replace("is_global: {type: boolean}", "is_global: {type: string}")
        .replace("isGlobal: {type: string}", "isGlobal: {type: boolean}");
    assert_ne!(lines(a), lines(&b));
    // Properties of the same type are told apart by the wire names their fields are read from.
    let same = a.replace("{type: boolean}", "{type: string}");
    let lines = lines(&same);
    for pair in [
        r#"F: "is_global" <-> is_global"#,
        r#"F: "isGlobal" <-> is_global_2"#,
    ] {
        assert!(lines.iter().any(|l| l == pair), "{pair} in {lines:#?}");
    }
}

/// A one-value enum field is filled in by `new`, and sent.
#[test]
fn a_single_value_field_is_filled_in_by_new() {
    use codegen_tests::fixtures::single_value_tags::types::{WeeklyReport, WeeklyReportKind};
    let report = WeeklyReport::new("Week 48");
    assert_eq!(report.kind, WeeklyReportKind::Weekly);
    assert_eq!(
        serde_json::to_value(&report).unwrap_or_default(),
        serde_json::json!({"kind": "WEEKLY", "title": "Week 48"})
    );
}

/// Enums with the same values are one type, written out under the smallest name whatever the
/// order of the document: reversing the components gives the same alias.
#[test]
fn equal_enums_alias_the_smallest_name_in_either_order() {
    let path = codegen_tests::workspace_root().join("tests/fixtures/single-value-tags.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let forward = generate_text(&text);
    let swapped = text
        .replace("ZuluZone: {type", "TEMP: {type")
        .replace("AlphaZone: {type", "ZuluZone: {type")
        .replace("TEMP: {type", "AlphaZone: {type");
    let reversed = generate_text(&swapped);
    for types in [forward, reversed] {
        assert!(
            types.contains("pub type ZuluZone = self::AlphaZone;"),
            "{types}"
        );
        assert!(types.contains("pub enum AlphaZone {"));
    }
}

fn generate_text(document: &str) -> String {
    let document = generator::Document::parse(document, "single-value-tags.yaml")
        .unwrap_or_else(|d| panic!("{d}"));
    let output = generator::generate(&document, &generator::Config::default())
        .unwrap_or_else(|d| panic!("{d}"));
    output
        .files
        .iter()
        .find(|f| f.path.ends_with("types.rs"))
        .map(|f| f.contents.clone())
        .unwrap_or_default()
}
