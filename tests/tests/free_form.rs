//! Every schema the generated crate holds as a free-form JSON value is reported, with its
//! pointer, and the count the generator gives (`Output::free_form`, which `cargo xtask corpus`
//! prints) is the count of those reports.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use codegen_tests::{fixture, workspace_root};
use generator::diagnostics::Code;
use generator::ir::{Api, Content, TypeKind, TypeRef};
use generator::{Config, Document};

fn holds_json(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Json => true,
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => holds_json(inner),
        _ => false,
    }
}

/// The pointers of the places of `api` that hold a free-form value: each type's own pointer for
/// the types that hold one, and each operation's for the operations whose parameters, body or
/// responses do.
fn free_form_places(api: &Api) -> Vec<String> {
    let mut places = Vec::new();
    for def in &api.types {
        let holds = match &def.kind {
            TypeKind::Struct(s) => {
                s.fields.iter().any(|f| holds_json(&f.ty))
                    || s.additional.as_ref().is_some_and(|a| holds_json(&a.ty))
            }
            TypeKind::Untagged(u) => u.variants.iter().any(|v| holds_json(&v.ty)),
            TypeKind::Alias(ty) => holds_json(ty),
            TypeKind::Tagged(_) | TypeKind::Enum(_) => false,
        };
        if holds {
            places.push(def.source.clone());
        }
    }
    for operation in &api.operations {
        let holds = operation.parameters.iter().any(|p| holds_json(&p.ty))
            || operation.body.as_ref().is_some_and(|b| holds_json(&b.ty))
            || operation
                .responses
                .iter()
                .any(|r| matches!(&r.content, Content::Json(ty) if holds_json(ty)));
        if holds {
            let path = operation.path.replace('~', "~0").replace('/', "~1");
            let method = format!("{:?}", operation.method).to_ascii_lowercase();
            places.push(format!("/paths/{path}/{method}"));
        }
    }
    places
}

fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut paths = Vec::new();
    for dir in [root.clone(), root.join("warnings")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() && fixture::is_document(&path) {
                paths.push(path);
            }
        }
    }
    paths.push(workspace_root().join("spec/atlas-integrations.yaml"));
    paths.sort();
    paths
}

/// In every fixture and in `spec/`, each type or operation that holds a free-form value has a
/// `free-form` warning at or under its pointer (a reference into another schema's property is
/// reported where that property is), and the count is the number of such warnings.
#[test]
fn every_free_form_place_is_reported() {
    let mut checked = 0;
    for path in documents() {
        let Ok(output) = fixture::generate(&path) else {
            continue;
        };
        let reported: Vec<&str> = output
            .warnings
            .iter()
            .filter(|d| d.code == Code::FreeForm)
            .map(|d| d.pointer.as_str())
            .collect();
        assert_eq!(output.free_form, reported.len(), "{}", path.display());

        let text = std::fs::read_to_string(&path).unwrap();
        let document = Document::parse(&text, "fixture").unwrap();
        let (api, _) = generator::lower::lower(&document, &Config::default()).unwrap();
        for place in free_form_places(&api) {
            let under =
                |pointer: &&str| *pointer == place || pointer.starts_with(&format!("{place}/"));
            assert!(
                reported.iter().any(under),
                "{}: {place} holds a free-form value that no warning reports; reported: {reported:?}",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked > 30, "only {checked} documents generated");
}

/// Each way to fall back to a free-form value is reported once, at the schema's pointer.
#[test]
fn each_fallback_is_reported_at_its_schema() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/warnings/free-form.yaml");
    let output = fixture::generate(&path).unwrap();
    let reported: Vec<&str> = output
        .warnings
        .iter()
        .filter(|d| d.code == Code::FreeForm)
        .map(|d| d.pointer.as_str())
        .collect();
    let thing = "/components/schemas/Thing";
    let operation = "/paths/~1things/post";
    let expected = [
        "/components/schemas/Anything".to_owned(),
        format!("{thing}/additionalProperties"),
        format!("{thing}/properties/any"),
        format!("{thing}/properties/extra/additionalProperties"),
        format!("{thing}/properties/history"),
        format!("{thing}/properties/labels"),
        format!("{thing}/properties/node/properties/parent"),
        format!("{thing}/properties/notAString"),
        format!("{thing}/properties/settings"),
        format!("{thing}/properties/tags/items"),
        format!("{thing}/properties/value/oneOf/1"),
        format!("{operation}/parameters/0/schema"),
        format!("{operation}/requestBody/content/application~1json"),
        format!("{operation}/responses/202/content/application~1json"),
    ];
    assert_eq!(reported, expected);
    assert_eq!(output.free_form, expected.len());
    // Each says what the crate holds instead.
    for warning in output.warnings.iter().filter(|d| d.code == Code::FreeForm) {
        assert!(
            warning.message.contains("serde_json::Value"),
            "{}",
            warning.message
        );
    }
}

/// The crate from `spec/` holds one free-form value, on purpose: the values Atlas substitutes
/// into an error's detail, which may be of any kind.
#[test]
fn the_crate_from_spec_reports_its_one_free_form_value() {
    let output = fixture::generate(&workspace_root().join("spec/atlas-integrations.yaml")).unwrap();
    let pointers: Vec<&str> = output.warnings.iter().map(|d| d.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        ["/components/schemas/ApiError/properties/parameters/items"]
    );
    assert_eq!(output.free_form, 1);
}
