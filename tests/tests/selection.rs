//! Selecting operations by tag or operationId generates them and every schema they reach, and
//! nothing else: a construct the generator refuses blocks only the selections that reach it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codegen_tests::workspace_root;
use generator::workspace::{self, Paths, Selection};
use std::path::PathBuf;

fn paths(out: &str) -> Paths {
    Paths {
        root: workspace_root(),
        spec: PathBuf::from("tests/selection/two-tags.yaml"),
        config: None,
        out: PathBuf::from(out),
    }
}

fn select(tags: &[&str], operations: &[&str]) -> Selection {
    Selection {
        tags: tags.iter().map(|s| (*s).to_owned()).collect(),
        operations: operations.iter().map(|s| (*s).to_owned()).collect(),
        name: None,
    }
}

#[test]
fn a_tag_brings_its_operations_and_the_schemas_they_reach() {
    let output =
        workspace::generate_selected(&paths("generated"), &select(&["pets"], &[])).unwrap();
    let mut names = output.names.clone();
    names.sort();
    assert_eq!(names, ["ListPets", "Owner", "Pet"]);
}

#[test]
fn an_operation_id_selects_too() {
    let output =
        workspace::generate_selected(&paths("generated"), &select(&[], &["listPets"])).unwrap();
    assert!(output.names.contains(&"ListPets".to_owned()));
    assert!(!output.names.contains(&"GetBroken".to_owned()));
}

#[test]
fn a_refused_construct_blocks_only_the_selection_that_reaches_it() {
    let error =
        workspace::generate_selected(&paths("generated"), &select(&["broken"], &[])).unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("error[external-ref]")
            && text.contains("two-tags.yaml#/components/schemas/Broken/properties/elsewhere"),
        "{text}"
    );
    // The whole document reaches it too.
    assert!(workspace::generate(&paths("generated")).is_err());
}

#[test]
fn a_selection_that_matches_nothing_is_reported() {
    let error = workspace::generate_selected(&paths("generated"), &select(&["cats"], &["getCat"]))
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("error[selection]: no operation has the tag `cats`; did you mean `pets`?"),
        "{text}"
    );
    assert!(
        text.contains(
            "error[selection]: no operation has the operationId `getCat`; `--list` shows every tag and operationId of the document"
        ),
        "{text}"
    );
}

#[test]
fn near_misses_are_suggested_whatever_the_case_and_hyphens() {
    let text = workspace::generate_selected(&paths("generated"), &select(&["PETS"], &[]))
        .unwrap_err()
        .to_string();
    assert!(text.contains("did you mean `pets`?"), "{text}");
    let text = workspace::generate_selected(&paths("generated"), &select(&[], &["list-pets"]))
        .unwrap_err()
        .to_string();
    assert!(text.contains("did you mean `listPets`?"), "{text}");
    let text = workspace::generate_selected(&paths("generated"), &select(&["lions"], &[]))
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("`--list` shows every tag and operationId of the document"),
        "{text}"
    );
}

#[test]
fn an_operation_id_given_as_a_tag_is_named_and_the_reverse() {
    let text = workspace::generate_selected(&paths("generated"), &select(&["listPets"], &["pets"]))
        .unwrap_err()
        .to_string();
    assert!(
        text.contains(
            "`listPets` is an operationId, not a tag; select it with `--operation listPets`"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "`pets` is a tag, not an operationId; select its operations with `--tag pets`"
        ),
        "{text}"
    );
}

#[test]
fn the_listing_names_every_tag_and_operation() {
    let args = workspace::Args {
        spec: Some(workspace_root().join("tests/selection/two-tags.yaml")),
        ..workspace::Args::default()
    };
    let (label, catalogue) = workspace::catalogue(&workspace_root(), &args).unwrap();
    assert_eq!(label, "tests/selection/two-tags.yaml");
    assert_eq!(
        catalogue.to_string(),
        "tags (2):\n  pets  (1 operation(s))\n  broken  (1 operation(s))\n\
         operations (2):\n  listPets   GET /pets  [pets]\n  getBroken  GET /broken  [broken]"
    );
}

#[test]
fn elsewhere_the_output_is_a_whole_crate() {
    let output =
        workspace::generate_selected(&paths("target/zoo-client"), &select(&["pets"], &[])).unwrap();
    let files: Vec<String> = output
        .files
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    for expected in [
        "Cargo.toml",
        "src/lib.rs",
        "src/runtime/mod.rs",
        "src/client/mod.rs",
        "src/types.rs",
        "src/operations.rs",
    ] {
        assert!(
            files.iter().any(|f| f == expected),
            "{expected} missing from {files:?}"
        );
    }
    // The integrations helpers come only with the operations they use.
    assert!(
        !files.iter().any(|f| f == "src/integrations.rs"),
        "{files:?}"
    );
    let manifest = &output
        .files
        .iter()
        .find(|f| f.path.ends_with("Cargo.toml"))
        .unwrap()
        .contents;
    // The document is named by file name and content, not by the path it was read through.
    assert!(
        manifest.starts_with("# @generated by `cargo xtask codegen` from two-tags.yaml (sha256 "),
        "{manifest}"
    );
    assert!(manifest.contains("name = \"zoo-client\""), "{manifest}");
}
