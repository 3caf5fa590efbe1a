//! Snapshots of the generator's output: one per fixture, one per invalid fixture's diagnostics, and
//! the whole generated crate from `spec/`. Review changes with `cargo insta review`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use codegen_tests::{fixture, workspace_root};
use generator::workspace::{self, Paths};

/// Every generated file of one output, each under a heading naming it.
fn render(output: &generator::Output) -> String {
    let mut text = String::new();
    for file in &output.files {
        text.push_str(&format!(
            "==> {} <==\n{}\n",
            file.path.display(),
            file.contents
        ));
    }
    if !output.warnings.is_empty() {
        text.push_str(&format!("==> warnings <==\n{}\n", output.warnings));
    }
    if !output.secrets.is_empty() {
        text.push_str("==> secrets <==\n");
        for (pointer, reason) in &output.secrets {
            text.push_str(&format!("{pointer}: {reason}\n"));
        }
    }
    text
}

#[test]
fn fixtures() {
    insta::glob!("../fixtures", "*.yaml", |path| {
        if !fixture::is_document(path) {
            return;
        }
        let output = fixture::generate(path)
            .unwrap_or_else(|d| panic!("{} should generate:\n{d}", path.display()));
        insta::assert_snapshot!(render(&output));
    });
}

#[test]
fn invalid_fixtures() {
    insta::glob!("../fixtures/invalid", "*.yaml", |path| {
        if !fixture::is_document(path) {
            return;
        }
        let diagnostics = match fixture::generate(path) {
            Ok(_) => panic!("{} should fail to generate", path.display()),
            Err(diagnostics) => diagnostics,
        };
        // Each invalid fixture is named after the diagnostic it exists to show.
        let expected = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        assert!(
            diagnostics.iter().any(|d| d.code.name() == expected),
            "{} should report `{expected}`, got:\n{diagnostics}",
            path.display()
        );
        insta::assert_snapshot!(diagnostics.to_string());
    });
}

#[test]
fn whole_crate_from_spec() {
    let output =
        workspace::generate(&Paths::defaults(&workspace_root())).unwrap_or_else(|d| panic!("{d}"));
    // The one free-form value (tests/tests/free_form.rs) is the only thing reported.
    let reported: Vec<(&str, &str)> = output
        .warnings
        .iter()
        .map(|d| (d.code.name(), d.pointer.as_str()))
        .collect();
    assert_eq!(
        reported,
        [(
            "free-form",
            "/components/schemas/ApiError/properties/parameters/items"
        )],
        "{}",
        output.warnings
    );
    // The files themselves are `generated/src`, held to the generator by
    // `generated_crate_is_fresh`: a change shows in their own diff, not in a copy.
    assert_eq!(output.files.len(), 2, "types.rs and operations.rs");
}

#[test]
fn the_crate_from_spec_takes_every_integration_credential_for_a_secret() {
    let output =
        workspace::generate(&Paths::defaults(&workspace_root())).unwrap_or_else(|d| panic!("{d}"));
    let pointers: Vec<&str> = output.secrets.iter().map(|(p, _)| p.as_str()).collect();
    let expected: Vec<String> = [
        "Datadog/properties/apiKey",
        "MicrosoftTeams/properties/microsoftTeamsWebhookUrl",
        "NewRelic/properties/licenseKey",
        "NewRelic/properties/readToken",
        "NewRelic/properties/writeToken",
        "OpsGenie/properties/apiKey",
        "PagerDuty/properties/serviceKey",
        "Prometheus/properties/password",
        "Slack/properties/apiToken",
        "VictorOps/properties/apiKey",
        "Webhook/properties/secret",
        "Webhook/properties/url",
    ]
    .iter()
    .map(|p| format!("/components/schemas/{p}"))
    .collect();
    assert_eq!(pointers, expected);
    // Only the one the document does not describe as redacted is named by the settings.
    let by_settings: Vec<&str> = output
        .secrets
        .iter()
        .filter(|(_, why)| why.contains("settings"))
        .map(|(p, _)| p.as_str())
        .collect();
    assert_eq!(by_settings, ["/components/schemas/Webhook/properties/url"]);
}

#[test]
fn output_is_deterministic() {
    let paths = Paths::defaults(&workspace_root());
    let first = workspace::generate(&paths).unwrap_or_else(|d| panic!("{d}"));
    for _ in 0..3 {
        let again = workspace::generate(&paths).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(first.files, again.files);
    }
}

/// The same check as `cargo xtask codegen --check`.
#[test]
fn generated_crate_is_fresh() {
    let stale =
        workspace::stale(&Paths::defaults(&workspace_root())).unwrap_or_else(|d| panic!("{d}"));
    assert!(
        stale.is_empty(),
        "stale under generated/: {stale:?}; run `cargo xtask codegen`"
    );
}

#[test]
fn every_generated_file_starts_with_the_generated_line() {
    let output =
        workspace::generate(&Paths::defaults(&workspace_root())).unwrap_or_else(|d| panic!("{d}"));
    for file in &output.files {
        let first = file.contents.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            "// @generated by `cargo xtask codegen` from spec/atlas-integrations.yaml. Do not edit by hand."
        );
    }
}

/// Generated code reads as if written by hand: literals without type suffixes, no `format!`
/// templates whose arguments the formatter cannot lay out, and a blank line between items.
#[test]
fn generated_code_is_plainly_written() {
    let output =
        workspace::generate(&Paths::defaults(&workspace_root())).unwrap_or_else(|d| panic!("{d}"));
    let suffixed = regex::Regex::new(r"\b\d+(u8|u16|u32|u64|usize|i8|i16|i32|i64|f32|f64)\b")
        .unwrap_or_else(|e| panic!("{e}"));
    for file in &output.files {
        let text = &file.contents;
        let path = file.path.display();
        if let Some(literal) = suffixed.find(text) {
            panic!("{path} has the suffixed literal `{}`", literal.as_str());
        }
        assert!(
            !text.contains("format!(\"/"),
            "{path} formats a URI template"
        );
        assert!(
            !text.contains("}\nimpl"),
            "{path} has items without a blank line between"
        );
        assert!(
            !text.contains("    }\n    pub fn"),
            "{path} has methods without a blank line between"
        );
    }
}

/// A document that fails to generate leaves the crate's files exactly as they were.
#[test]
fn failed_generation_changes_nothing() {
    let root = std::env::temp_dir().join(format!("codegen-failed-{}", std::process::id()));
    let out = root.join("generated/src");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::create_dir_all(root.join("spec")).unwrap();
    std::fs::write(out.join("types.rs"), "// the previous output\n").unwrap();
    let invalid =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/invalid/unresolved-ref.yaml");
    std::fs::copy(invalid, root.join("spec/atlas-integrations.yaml")).unwrap();
    std::fs::write(root.join("spec/codegen.yaml"), "secrets: []\n").unwrap();

    let result = workspace::generate(&Paths::defaults(&root));

    assert!(result.is_err());
    assert_eq!(
        std::fs::read_to_string(out.join("types.rs")).unwrap(),
        "// the previous output\n"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

/// A write that fails part way (the last file cannot be put in place: a directory with a file
/// in it stands where it goes) puts back every file already replaced and leaves no temporary
/// file behind: the tree is byte for byte what it was.
#[test]
fn a_write_that_fails_part_way_changes_nothing() {
    let paths = Paths::defaults(&workspace_root());
    let output = workspace::generate(&paths).unwrap();
    let (last, before_it) = output.files.split_last().unwrap();
    assert!(
        !before_it.is_empty(),
        "files are put in place before the last"
    );

    let root = std::env::temp_dir().join(format!("codegen-write-failed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for file in before_it {
        let target = root.join(&file.path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, "// the previous output\n").unwrap();
    }
    let blocked = root.join(&last.path);
    std::fs::create_dir_all(&blocked).unwrap();
    std::fs::write(blocked.join("keep"), "in the way\n").unwrap();
    let before = listing(&root);

    let error = output.write(&root).unwrap_err();

    let name = last
        .path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(error.to_string().contains(&name), "{error}");
    assert_eq!(listing(&root), before, "the tree changed");
    std::fs::remove_dir_all(&root).unwrap();
}

/// Every file under `dir` (hidden ones included) with its contents, sorted by path.
fn listing(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                files.push((path.display().to_string(), text));
            }
        }
    }
    files.sort();
    files
}

/// Each warning fixture generates, and reports the warning its file is named after.
#[test]
fn warning_fixtures() {
    insta::glob!("../fixtures/warnings", "*.yaml", |path| {
        if !fixture::is_document(path) {
            return;
        }
        let output = fixture::generate(path)
            .unwrap_or_else(|d| panic!("{} should generate:\n{d}", path.display()));
        let expected = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        assert!(
            output
                .warnings
                .iter()
                .any(|d| d.code.name() == expected && d.severity == generator::Severity::Warning),
            "{} should warn `{expected}`, got:\n{}",
            path.display(),
            output.warnings
        );
        insta::assert_snapshot!(output.warnings.to_string());
    });
}

/// Codes that no fixture shows yet, each with the reason.
const WITHOUT_FIXTURE: &[(&str, &str)] = &[
    // Missing or unreadable files: a fixture is a file that exists; tests/tests/hostile.rs reads
    // a missing one.
    ("io", "no document can be a missing file"),
    // Reported only when the generator itself fails; a document that caused it would be a bug
    // to fix.
    ("internal", "no document should cause it"),
    // Needs a selection of tags or operations, which fixtures cannot pass;
    // tests/tests/selection.rs covers it.
    ("selection", "needs a selection"),
    // A crate name is given on the command line, not in a document; tests/tests/outputs.rs
    // covers it.
    ("crate-name", "named on the command line"),
    // The parsers stop at 128 levels, which holds fewer inline schemas than the lowering's own
    // guard against deep recursion allows: the guard cannot be reached from a document.
    ("nesting", "unreachable through the loader's depth limit"),
];

/// Every diagnostic code has a fixture: under `fixtures/invalid/` for errors, under
/// `fixtures/warnings/` for warnings, named after the code.
#[test]
fn every_code_has_a_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut missing = Vec::new();
    for code in generator::diagnostics::Code::ALL {
        let name = code.name();
        let file = format!("{name}.yaml");
        let has = root.join("invalid").join(&file).is_file()
            || root.join("warnings").join(&file).is_file();
        let allowed = WITHOUT_FIXTURE.iter().any(|(n, _)| *n == name);
        assert!(
            !(has && allowed),
            "`{name}` has a fixture now: take it off WITHOUT_FIXTURE"
        );
        if !has && !allowed {
            missing.push(name);
        }
    }
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
}
