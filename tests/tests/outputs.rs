//! Where `cargo xtask codegen` writes, and what it refuses: the workspace crate however it is
//! spelled gets only its generated modules; a standalone crate goes only into a missing or empty
//! directory or one the generator wrote; paths are taken from the directory the command runs in;
//! crate names follow Cargo's rules; and a run that fails changes nothing.
//!
//! Each test builds a small workspace of its own under the temporary directory, with the layout
//! the command looks for (`Cargo.toml` with `[workspace]`, `generator/`, `spec/`) and a
//! hand-written `generated/Cargo.toml` and `generated/src/lib.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use codegen_tests::workspace_root;
use generator::workspace::{self, Args, Failure, Membership, Selection};

const ROOT_MANIFEST: &str = "[workspace]\nmembers = [\"generated\"]\n";
const CRATE_MANIFEST: &str = "[package]\nname = \"atlas-integrations\"\nversion = \"0.1.0\"\n";
const CRATE_LIB: &str = "//! Hand-written.\npub mod types;\npub mod operations;\n";

/// A fresh workspace under the temporary directory, named after the test.
struct Scratch {
    root: PathBuf,
}

impl Scratch {
    fn new(test: &str) -> Scratch {
        let root =
            std::env::temp_dir().join(format!("codegen-outputs-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for dir in ["generator", "spec", "xtask", "generated/src"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        // Canonical, so that paths compare equal to the ones the command works out.
        let root = root.canonicalize().unwrap();
        let fixture = workspace_root().join("tests/fixtures/request-and-responses.yaml");
        std::fs::copy(&fixture, root.join(workspace::DEFAULT_SPEC)).unwrap();
        std::fs::write(root.join(workspace::DEFAULT_CONFIG), "secrets: []\n").unwrap();
        std::fs::write(root.join("Cargo.toml"), ROOT_MANIFEST).unwrap();
        std::fs::write(root.join("generated/Cargo.toml"), CRATE_MANIFEST).unwrap();
        std::fs::write(root.join("generated/src/lib.rs"), CRATE_LIB).unwrap();
        Scratch { root }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// Every file and directory under the root: file contents byte for byte, `None` for
    /// directories.
    fn tree(&self) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
        tree(&self.root)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn tree(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(root).unwrap().to_path_buf();
            if path.is_dir() {
                found.insert(relative, None);
                pending.push(path);
            } else {
                found.insert(relative, Some(std::fs::read(&path).unwrap()));
            }
        }
    }
    found
}

fn out(dir: impl Into<PathBuf>) -> Args {
    Args {
        out: Some(dir.into()),
        ..Args::default()
    }
}

fn refusal(result: Result<workspace::Report, Failure>) -> String {
    match result {
        Err(Failure::Refused(message)) => message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

// 1. The workspace crate, however it is spelled.

#[test]
fn every_spelling_of_generated_gets_only_the_generated_modules() {
    let scratch = Scratch::new("spellings");
    let link = scratch.path("link-to-generated");
    #[cfg(unix)]
    std::os::unix::fs::symlink(scratch.path("generated"), &link).unwrap();
    let mut spellings: Vec<(PathBuf, PathBuf)> = vec![
        (scratch.root.clone(), "generated".into()),
        (scratch.root.clone(), "./generated".into()),
        (scratch.root.clone(), "generated/".into()),
        (scratch.root.clone(), scratch.path("generated")),
        (scratch.root.clone(), "xtask/../generated".into()),
        (scratch.path("xtask"), "../generated".into()),
        (scratch.path("generated/src"), "..".into()),
    ];
    if cfg!(unix) {
        spellings.push((scratch.root.clone(), link.clone()));
    }
    for (cwd, spelling) in spellings {
        std::fs::remove_dir_all(scratch.path("generated/src")).unwrap();
        std::fs::create_dir_all(scratch.path("generated/src")).unwrap();
        std::fs::write(scratch.path("generated/src/lib.rs"), CRATE_LIB).unwrap();

        let report = workspace::codegen(&cwd, &out(&spelling))
            .unwrap_or_else(|f| panic!("{}: {f}", spelling.display()));

        let written: Vec<PathBuf> = report.written.clone();
        assert_eq!(
            written,
            [
                spelling.join("src/types.rs"),
                spelling.join("src/operations.rs")
            ],
            "{}",
            spelling.display()
        );
        assert_eq!(read(&scratch.path("generated/Cargo.toml")), CRATE_MANIFEST);
        assert_eq!(read(&scratch.path("generated/src/lib.rs")), CRATE_LIB);
        let mut files: Vec<String> = std::fs::read_dir(scratch.path("generated/src"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(
            files,
            ["lib.rs", "operations.rs", "types.rs"],
            "{}",
            spelling.display()
        );
        assert!(!scratch.path("Cargo.toml.codegen-new").exists());
        assert_eq!(read(&scratch.path("Cargo.toml")), ROOT_MANIFEST);
    }
}

#[test]
fn a_hand_written_module_of_the_workspace_crate_is_not_overwritten() {
    let scratch = Scratch::new("hand-module");
    std::fs::write(scratch.path("generated/src/types.rs"), "// mine\n").unwrap();
    let before = scratch.tree();

    let message = refusal(workspace::codegen(&scratch.root, &Args::default()));

    assert!(message.contains("generated/src/types.rs"), "{message}");
    assert_eq!(scratch.tree(), before);
}

#[test]
fn a_name_is_refused_for_the_workspace_crate() {
    let scratch = Scratch::new("workspace-name");
    let args = Args {
        selection: Selection {
            name: Some("other".to_owned()),
            ..Selection::default()
        },
        ..Args::default()
    };
    let before = scratch.tree();
    match workspace::codegen(&scratch.root, &args) {
        Err(Failure::Diagnostics(d)) => assert!(d.to_string().contains("crate-name"), "{d}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(scratch.tree(), before);
}

// 2. What a standalone crate may be written into.

#[test]
fn the_workspace_root_is_refused() {
    let scratch = Scratch::new("root");
    let before = scratch.tree();
    for (cwd, spelling) in [
        (scratch.root.clone(), PathBuf::from(".")),
        (scratch.path("xtask"), PathBuf::from("..")),
        (scratch.path("spec"), scratch.root.clone()),
    ] {
        let message = refusal(workspace::codegen(&cwd, &out(&spelling)));
        assert!(message.contains("Cargo.toml"), "{message}");
        assert_eq!(scratch.tree(), before, "{}", spelling.display());
    }
}

#[test]
fn a_hand_written_manifest_is_refused() {
    let scratch = Scratch::new("manifest");
    std::fs::create_dir_all(scratch.path("mine")).unwrap();
    std::fs::write(
        scratch.path("mine/Cargo.toml"),
        "[package]\nname = \"mine\"\n",
    )
    .unwrap();
    let before = scratch.tree();

    let message = refusal(workspace::codegen(&scratch.root, &out("mine")));

    assert!(message.contains("mine/Cargo.toml"), "{message}");
    assert!(message.contains("would be overwritten"), "{message}");
    assert_eq!(scratch.tree(), before);
}

#[test]
fn a_non_empty_foreign_folder_is_refused() {
    let scratch = Scratch::new("foreign");
    std::fs::create_dir_all(scratch.path("notes")).unwrap();
    std::fs::write(
        scratch.path("notes/todo.txt"),
        "nothing to overwrite here\n",
    )
    .unwrap();
    let before = scratch.tree();

    let message = refusal(workspace::codegen(&scratch.root, &out("notes")));

    assert!(message.contains("todo.txt"), "{message}");
    assert_eq!(scratch.tree(), before);
    // And a file where the directory should be.
    let message = refusal(workspace::codegen(&scratch.root, &out("notes/todo.txt")));
    assert!(message.contains("not a directory"), "{message}");
    assert_eq!(scratch.tree(), before);
}

#[test]
fn a_missing_or_empty_folder_gets_a_crate_marked_as_generated() {
    let scratch = Scratch::new("fresh");
    std::fs::create_dir_all(scratch.path("empty")).unwrap();
    for dir in ["empty", "missing/client"] {
        let report = workspace::codegen(&scratch.root, &out(dir)).unwrap();
        assert!(report.written.contains(&Path::new(dir).join("Cargo.toml")));
        for file in tree(&scratch.path(dir)).keys() {
            let path = scratch.path(dir).join(file);
            if path.is_file() {
                assert!(workspace::is_generated_file(&path), "{}", path.display());
            }
        }
    }
}

#[test]
fn regenerating_into_a_folder_the_generator_wrote_is_allowed() {
    let scratch = Scratch::new("again");
    workspace::codegen(&scratch.root, &out("client")).unwrap();
    // What building the crate leaves behind, and an older output.
    std::fs::create_dir_all(scratch.path("client/target/debug")).unwrap();
    std::fs::write(scratch.path("client/Cargo.lock"), "version = 4\n").unwrap();
    let types = scratch.path("client/src/types.rs");
    let current = read(&types);
    std::fs::write(
        &types,
        "// @generated by an older run. Do not edit by hand.\n",
    )
    .unwrap();

    let report = workspace::codegen(&scratch.root, &out("client")).unwrap();

    assert_eq!(report.written, [PathBuf::from("client/src/types.rs")]);
    assert_eq!(read(&types), current);
    assert_eq!(read(&scratch.path("client/Cargo.lock")), "version = 4\n");

    // A file the user took over is not overwritten.
    let lib = scratch.path("client/src/lib.rs");
    std::fs::write(&lib, "//! Mine now.\n").unwrap();
    std::fs::write(
        &types,
        "// @generated by an older run. Do not edit by hand.\n",
    )
    .unwrap();
    let before = scratch.tree();
    let message = refusal(workspace::codegen(&scratch.root, &out("client")));
    assert!(message.contains("client/src/lib.rs"), "{message}");
    assert!(!message.contains("types.rs"), "{message}");
    assert_eq!(scratch.tree(), before);
}

// 3. Paths from the current directory; the workspace found at run time.

#[test]
fn relative_paths_are_taken_from_the_current_directory() {
    let scratch = Scratch::new("cwd");
    let work = scratch.path("work/here");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::copy(
        workspace_root().join("tests/fixtures/parameters.yaml"),
        work.join("doc.yaml"),
    )
    .unwrap();
    let args = Args {
        spec: Some("doc.yaml".into()),
        out: Some("client".into()),
        ..Args::default()
    };

    let report = workspace::codegen(&work, &args).unwrap();

    assert!(report.written.contains(&PathBuf::from("client/Cargo.toml")));
    assert!(work.join("client/src/types.rs").is_file());
    assert!(!scratch.path("client").exists());
    // The document is named by its file name and content, wherever the command runs.
    let manifest = read(&work.join("client/Cargo.toml"));
    assert!(
        manifest.starts_with("# @generated by `cargo xtask codegen` from doc.yaml (sha256 "),
        "{manifest}"
    );
}

#[test]
fn defaults_name_the_workspace_files_from_any_subdirectory() {
    let scratch = Scratch::new("defaults");
    for cwd in [scratch.root.clone(), scratch.path("generated/src")] {
        let invocation = workspace::resolve(&cwd, &Args::default()).unwrap();
        assert_eq!(invocation.paths.root, scratch.root);
        assert_eq!(invocation.paths.spec, Path::new(workspace::DEFAULT_SPEC));
        assert_eq!(
            invocation.paths.config.as_deref(),
            Some(Path::new(workspace::DEFAULT_CONFIG))
        );
        assert_eq!(invocation.paths.out, Path::new(workspace::DEFAULT_CRATE));
    }
    // The default document named another way still brings its settings, and its label.
    let args = Args {
        spec: Some("../../spec/atlas-integrations.yaml".into()),
        ..Args::default()
    };
    let invocation = workspace::resolve(&scratch.path("generated/src"), &args).unwrap();
    assert_eq!(invocation.paths.spec, Path::new(workspace::DEFAULT_SPEC));
    assert_eq!(
        invocation.paths.config.as_deref(),
        Some(Path::new(workspace::DEFAULT_CONFIG))
    );
    // Outside any workspace there is nothing to run on.
    let outside = std::env::temp_dir();
    if workspace::find_root(&outside).is_none() {
        assert!(matches!(
            workspace::resolve(&outside, &Args::default()),
            Err(Failure::NoWorkspace(_))
        ));
    }
}

#[test]
fn the_check_passes_from_a_subdirectory_of_this_workspace() {
    let args = Args {
        check: true,
        ..Args::default()
    };
    for cwd in [workspace_root(), workspace_root().join("tests/src")] {
        workspace::codegen(&cwd, &args).unwrap_or_else(|f| panic!("{}: {f}", cwd.display()));
    }
}

// 4. Crate names.

#[test]
fn crate_names_follow_cargo_rules() {
    let table: &[(&str, Result<(), &str>)] = &[
        ("zoo-client", Ok(())),
        ("zoo_client", Ok(())),
        ("_private", Ok(())),
        ("Atlas2", Ok(())),
        ("api-03", Ok(())),
        ("", Err("it is empty")),
        ("03", Err("starts with a digit")),
        ("-zoo", Err("starts with `-`")),
        (
            "zoo client",
            Err("' ' is not an ASCII letter, digit, `-` or `_`"),
        ),
        ("café", Err("'é' is not an ASCII letter")),
        ("zoo.client", Err("'.' is not an ASCII letter")),
        ("self", Err("Rust keyword")),
        ("async", Err("Rust keyword")),
        ("_", Err("Rust keyword")),
        ("test", Err("Cargo reserves")),
        ("core", Err("Cargo reserves")),
        ("std", Err("Cargo reserves")),
        ("proc-macro", Err("Cargo reserves")),
        ("nul", Err("Cargo reserves")),
    ];
    for (name, expected) in table {
        match (workspace::check_crate_name(name), expected) {
            (Ok(()), Ok(())) => {}
            (Err(why), Err(part)) => assert!(why.contains(part), "{name:?}: {why}"),
            (got, _) => panic!("{name:?}: expected {expected:?}, got {got:?}"),
        }
    }
    let long = "a".repeat(65);
    assert!(workspace::check_crate_name(&long).is_err());
    assert!(workspace::check_crate_name(&long[..64]).is_ok());
}

#[test]
fn default_crate_names_are_valid() {
    let long = "x".repeat(80);
    let table: &[(&str, &str)] = &[
        ("zoo-client", "zoo-client"),
        ("Zoo Client", "zoo-client"),
        ("zoo_client", "zoo-client"),
        ("ZooClient", "zoo-client"),
        ("03", "api-03"),
        ("2025-06-30", "api-2025-06-30"),
        ("test", "api-test"),
        ("core", "api-core"),
        ("self", "api-self"),
        ("café", "caf"),
        ("_", "generated-client"),
        ("---", "generated-client"),
        (&long, &long[..64]),
    ];
    for (dir, expected) in table {
        let name = workspace::default_crate_name(&Path::new("/somewhere").join(dir));
        assert_eq!(&name, expected, "{dir:?}");
        workspace::check_crate_name(&name).unwrap();
    }
}

#[test]
fn a_folder_named_like_a_number_gets_a_valid_name() {
    let scratch = Scratch::new("number");
    workspace::codegen(&scratch.root, &out("03")).unwrap();
    let manifest = read(&scratch.path("03/Cargo.toml"));
    assert!(manifest.contains("\nname = \"api-03\"\n"), "{manifest}");
}

#[test]
fn a_bad_name_is_refused_and_nothing_is_written() {
    let scratch = Scratch::new("bad-name");
    let before = scratch.tree();
    let args = Args {
        out: Some("client".into()),
        selection: Selection {
            name: Some("3rd-party".to_owned()),
            ..Selection::default()
        },
        ..Args::default()
    };
    match workspace::codegen(&scratch.root, &args) {
        Err(Failure::Diagnostics(d)) => {
            let text = d.to_string();
            assert!(
                text.contains(
                    "error[crate-name]: `3rd-party` is not a valid crate name: it starts with a digit"
                ),
                "{text}"
            );
            assert!(text.contains("hint: use ASCII letters"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(scratch.tree(), before);
}

// 5. A failed write changes nothing.

/// Writes `output` over a tree where an older output is in place but the second of the generated
/// modules cannot be: a directory stands where it goes. Every file placed before the failure
/// must be given back.
#[test]
fn a_write_that_fails_midway_leaves_the_old_tree_byte_for_byte() {
    let scratch = Scratch::new("midway");
    workspace::codegen(&scratch.root, &out("client")).unwrap();
    let dir = scratch.path("client");
    // Make every file stale, so that each one is replaced.
    for (file, contents) in tree(&dir) {
        if contents.is_some() {
            let old = format!("// @generated by an older run.\n// {}\n", file.display());
            std::fs::write(dir.join(&file), old).unwrap();
        }
    }
    std::fs::remove_file(dir.join("src/operations.rs")).unwrap();
    std::fs::create_dir_all(dir.join("src/operations.rs")).unwrap();
    std::fs::write(dir.join("src/operations.rs/kept.txt"), "kept\n").unwrap();
    let before = scratch.tree();

    let invocation = workspace::resolve(&scratch.root, &out("client")).unwrap();
    let output = workspace::generate_selected(&invocation.paths, &Selection::default()).unwrap();
    let last = output.files.len() - 1;
    assert_eq!(output.files[last].path, Path::new("src/operations.rs"));
    let error = output.write(&dir).unwrap_err();

    assert!(error.to_string().contains("operations.rs"), "{error}");
    assert_eq!(scratch.tree(), before);
}

/// The same in the workspace crate: `types.rs` is replaced first, then `operations.rs` fails.
#[test]
fn a_failed_write_into_the_workspace_crate_restores_the_first_module() {
    let scratch = Scratch::new("midway-workspace");
    workspace::codegen(&scratch.root, &Args::default()).unwrap();
    let types = scratch.path("generated/src/types.rs");
    std::fs::write(&types, "// @generated before.\n").unwrap();
    std::fs::remove_file(scratch.path("generated/src/operations.rs")).unwrap();
    std::fs::create_dir(scratch.path("generated/src/operations.rs")).unwrap();
    let before = scratch.tree();

    let invocation = workspace::resolve(&scratch.root, &Args::default()).unwrap();
    let output = workspace::generate(&invocation.paths).unwrap();
    assert!(output.write(&scratch.path("generated")).is_err());

    assert_eq!(scratch.tree(), before);
    // Through the command, the directory in the way is refused before anything is written.
    let message = refusal(workspace::codegen(&scratch.root, &Args::default()));
    assert!(message.contains("operations.rs"), "{message}");
    assert_eq!(scratch.tree(), before);
}

/// Directories a failed write created are removed again.
#[test]
fn a_failed_write_removes_the_directories_it_created() {
    let scratch = Scratch::new("midway-dirs");
    let dir = scratch.path("client");
    std::fs::create_dir_all(dir.join("src/types.rs")).unwrap();
    let before = scratch.tree();

    let invocation = workspace::resolve(&scratch.root, &out("client")).unwrap();
    let output = workspace::generate_selected(&invocation.paths, &Selection::default()).unwrap();
    assert!(output.write(&dir).is_err());

    assert_eq!(scratch.tree(), before);
}

// 6. Joining the workspace around the crate, and naming the document.

/// Writes a file, creating the directories above it.
fn put(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The members of the workspace whose manifest is `manifest`, as cargo reads it (without
/// resolving dependencies), by directory name.
fn cargo_members(manifest: &Path) -> Vec<String> {
    let output = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--no-deps",
            "--offline",
            "--format-version",
            "1",
        ])
        .arg("--manifest-path")
        .arg(manifest)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo metadata failed for {}:\n{}",
        manifest.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut members: Vec<String> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let path = PathBuf::from(p["manifest_path"].as_str().unwrap());
            let dir = path.parent().unwrap().file_name().unwrap();
            dir.to_string_lossy().into_owned()
        })
        .collect();
    members.sort();
    members
}

fn has_workspace_table(manifest: &Path) -> bool {
    read(manifest).lines().any(|line| line == "[workspace]")
}

#[test]
fn a_crate_inside_a_workspace_that_takes_it_joins_it() {
    let scratch = Scratch::new("join");
    put(
        &scratch.path("app/Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"crates/*\"]\n",
    );

    workspace::codegen(&scratch.root, &out("app/crates/atlas")).unwrap();

    let manifest = scratch.path("app/crates/atlas/Cargo.toml");
    assert!(!has_workspace_table(&manifest), "{}", read(&manifest));
    assert!(
        read(&manifest).contains("# workspace: join, as the enclosing workspace takes"),
        "{}",
        read(&manifest)
    );
    // Cargo agrees: the crate is a member of the workspace, with no edit anywhere.
    assert_eq!(cargo_members(&scratch.path("app/Cargo.toml")), ["atlas"]);
    // Regenerating and checking find it the same way.
    let again = workspace::codegen(&scratch.root, &out("app/crates/atlas")).unwrap();
    assert!(again.written.is_empty(), "{:?}", again.written);
    let check = Args {
        check: true,
        ..out("app/crates/atlas")
    };
    workspace::codegen(&scratch.root, &check).unwrap();
}

#[test]
fn a_crate_no_workspace_takes_is_a_workspace_of_its_own() {
    let scratch = Scratch::new("own");
    put(
        &scratch.path("app/Cargo.toml"),
        "[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"crates/scratch\"]\n",
    );
    // Not under `members`; excluded; under no workspace but the scratch one, which lists only
    // `generated`.
    for dir in ["app/tools/atlas", "app/crates/scratch", "clients/atlas"] {
        workspace::codegen(&scratch.root, &out(dir)).unwrap();
        let manifest = scratch.path(dir).join("Cargo.toml");
        assert!(has_workspace_table(&manifest), "{dir}: {}", read(&manifest));
        assert!(
            read(&manifest).contains("# workspace: own, as no enclosing workspace takes"),
            "{dir}"
        );
        let name = Path::new(dir).file_name().unwrap().to_string_lossy();
        assert_eq!(cargo_members(&manifest), [name]);
    }
}

#[test]
fn a_path_dependency_of_a_member_is_a_member() {
    let scratch = Scratch::new("path-dependency");
    put(
        &scratch.path("app/Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"server\"]\n",
    );
    put(
        &scratch.path("app/server/Cargo.toml"),
        "[package]\nname = \"server\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
         [dependencies]\natlas = { path = \"../vendor/atlas\" }\n",
    );
    put(&scratch.path("app/server/src/main.rs"), "fn main() {}\n");

    workspace::codegen(&scratch.root, &out("app/vendor/atlas")).unwrap();

    assert!(!has_workspace_table(
        &scratch.path("app/vendor/atlas/Cargo.toml")
    ));
    assert_eq!(
        cargo_members(&scratch.path("app/Cargo.toml")),
        ["atlas", "server"]
    );
}

#[test]
fn a_chosen_membership_is_kept_by_later_runs_and_by_the_check() {
    let scratch = Scratch::new("chosen");
    put(
        &scratch.path("app/Cargo.toml"),
        "[workspace]\nmembers = [\"crates/*\"]\n",
    );
    let manifest = scratch.path("app/crates/atlas/Cargo.toml");
    let own = Args {
        workspace: Some(Membership::Own),
        ..out("app/crates/atlas")
    };
    workspace::codegen(&scratch.root, &own).unwrap();
    assert!(has_workspace_table(&manifest));
    assert!(read(&manifest).contains("as chosen with `--workspace own`"));

    // Without the option, the choice holds: nothing to write, nothing stale.
    let again = workspace::codegen(&scratch.root, &out("app/crates/atlas")).unwrap();
    assert!(again.written.is_empty(), "{:?}", again.written);
    let check = Args {
        check: true,
        ..out("app/crates/atlas")
    };
    workspace::codegen(&scratch.root, &check).unwrap();

    // Asking again changes it, and that choice holds in turn.
    let join = Args {
        workspace: Some(Membership::Join),
        ..out("app/crates/atlas")
    };
    let report = workspace::codegen(&scratch.root, &join).unwrap();
    assert_eq!(
        report.written,
        [PathBuf::from("app/crates/atlas/Cargo.toml")]
    );
    assert!(!has_workspace_table(&manifest));
    workspace::codegen(&scratch.root, &check).unwrap();

    // The workspace crate is a member of this workspace; there is nothing to choose.
    let message = refusal(workspace::codegen(
        &scratch.root,
        &Args {
            workspace: Some(Membership::Own),
            ..Args::default()
        },
    ));
    assert!(message.contains("`--workspace`"), "{message}");
}

#[test]
fn the_document_is_named_the_same_however_its_path_is_spelled() {
    let scratch = Scratch::new("spelling-of-the-document");
    let elsewhere = scratch.path("copies/elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::copy(
        scratch.path(workspace::DEFAULT_SPEC),
        elsewhere.join("atlas-integrations.yaml"),
    )
    .unwrap();
    let generate = |cwd: &Path, spec: PathBuf| {
        let args = Args {
            spec: Some(spec),
            out: Some(scratch.path("client")),
            ..Args::default()
        };
        let invocation = workspace::resolve(cwd, &args).unwrap();
        workspace::generate_selected(&invocation.paths, &Selection::default()).unwrap()
    };
    let first = generate(&scratch.root, "spec/atlas-integrations.yaml".into());
    for (cwd, spec) in [
        (scratch.root.clone(), scratch.path(workspace::DEFAULT_SPEC)),
        (
            scratch.path("xtask"),
            "../spec/./atlas-integrations.yaml".into(),
        ),
        (elsewhere.clone(), "atlas-integrations.yaml".into()),
    ] {
        let other = generate(&cwd, spec.clone());
        assert_eq!(other.files, first.files, "{}", spec.display());
    }
    let header = first.files[0].contents.lines().next().unwrap().to_owned();
    assert!(
        header.starts_with(
            "# @generated by `cargo xtask codegen` from atlas-integrations.yaml (sha256 "
        ),
        "{header}"
    );
    // Another document of the same name is named apart.
    let text = read(&elsewhere.join("atlas-integrations.yaml"));
    std::fs::write(
        elsewhere.join("atlas-integrations.yaml"),
        format!("{text}\n# changed\n"),
    )
    .unwrap();
    let changed = generate(&elsewhere, "atlas-integrations.yaml".into());
    assert_ne!(changed.files[0].contents.lines().next().unwrap(), header);
}

#[test]
fn the_check_says_what_it_checked_and_the_stale_hint_repeats_the_arguments() {
    let scratch = Scratch::new("check-report");
    let args = Args {
        selection: Selection {
            name: Some("zoo-client".to_owned()),
            ..Selection::default()
        },
        ..out("my client")
    };
    workspace::codegen(&scratch.root, &args).unwrap();
    let check = Args {
        check: true,
        ..args.clone()
    };

    let report = workspace::codegen(&scratch.root, &check).unwrap();
    assert_eq!(report.document, "spec/atlas-integrations.yaml");
    assert!(
        report
            .files
            .contains(&PathBuf::from("my client/Cargo.toml"))
    );
    assert!(
        report
            .files
            .contains(&PathBuf::from("my client/src/types.rs"))
    );
    assert!(report.written.is_empty());

    std::fs::write(
        scratch.path("my client/src/types.rs"),
        "// @generated by an older run.\n",
    )
    .unwrap();
    match workspace::codegen(&scratch.root, &check) {
        Err(failure @ Failure::Stale { .. }) => {
            let text = failure.to_string();
            assert!(text.contains("stale: my client/src/types.rs"), "{text}");
            assert!(
                text.ends_with(
                    "run `cargo xtask codegen --out 'my client' --name zoo-client` to regenerate"
                ),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
}
