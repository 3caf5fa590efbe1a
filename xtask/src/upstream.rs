//! `cargo xtask upstream DOCUMENT...`: generation from MongoDB's published documents, which the
//! test suite cannot read (it must pass without them). For each document:
//!
//! 1. the whole document becomes a standalone crate, which must `cargo check` without a warning;
//! 2. its "Third-Party Integrations" tag becomes a crate too, which must check likewise;
//! 3. for the documents given with `--same-shape`, one program (`assets/shape.rs`) must compile
//!    against that crate and against the workspace's own `atlas-integrations`: the same public
//!    shape either way. (An older document may differ for real: 2025-02-11 documents no 403 for
//!    creating an integration, so its error enum has no `Forbidden`.)
//! 4. for the documents given with `--decode` (the 2025-06-30 one), its "Alert Configurations"
//!    tag and its `getCluster` and `listClusters` operations become one crate, and a program
//!    (`assets/decode.rs`) runs against it on responses written from the document's own field
//!    lists (`assets/responses/`): every alert configuration, notification and region
//!    configuration must decode into its own variant and encode back to an equal JSON value.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use generator::workspace::{self, Paths, Selection};
use generator::{Diagnostics, Output};

/// The tag whose operations must give the same API as `spec/`.
const TAG: &str = "Third-Party Integrations";

/// The program compiled against both crates.
const SHAPE: &str = include_str!("../assets/shape.rs");

/// The program that decodes realistic responses, and the responses, written beside it.
const DECODE: &str = include_str!("../assets/decode.rs");
const RESPONSES: &[(&str, &str)] = &[
    (
        "alert-configurations.json",
        include_str!("../assets/responses/alert-configurations.json"),
    ),
    (
        "notifications.json",
        include_str!("../assets/responses/notifications.json"),
    ),
    (
        "clusters.json",
        include_str!("../assets/responses/clusters.json"),
    ),
];

/// What the decoding program's crate is generated from: the tag of the alert configurations and
/// notifications, and the operations that return region configurations.
const DECODE_TAG: &str = "Alert Configurations";
const DECODE_OPERATIONS: &[&str] = &["getCluster", "listClusters"];

/// Checks every document, and the shape of the integrations crate of those in `same_shape`;
/// returns a description of the first failure.
pub fn run(
    root: &Path,
    documents: &[PathBuf],
    same_shape: &[PathBuf],
    decode: &[PathBuf],
) -> Result<(), String> {
    let work = root.join("target/upstream");
    // One target directory for every check, so that dependencies build once.
    let target = work.join("target");
    let workspace_crate = root.join(workspace::DEFAULT_CRATE);
    check_shape(&work, &target, "spec", &workspace_crate)?;
    for document in same_shape.iter().chain(documents) {
        let stem = document
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let whole = work.join(&stem);
        generate(root, document, &whole, &Selection::default())?;
        check(&whole, &target, "--lib")?;

        let tagged = work.join(format!("{stem}-integrations"));
        let selection = Selection {
            tags: vec![TAG.to_owned()],
            operations: Vec::new(),
            name: None,
        };
        generate(root, document, &tagged, &selection)?;
        check(&tagged, &target, "--lib")?;
        if same_shape.contains(document) {
            check_shape(&work, &target, &stem, &tagged)?;
        }
    }
    for document in decode {
        check_decoding(root, &work, &target, document)?;
    }
    Ok(())
}

/// Generates the crate of the alert configurations and region configurations of `document` and
/// runs the decoding program against it.
fn check_decoding(root: &Path, work: &Path, target: &Path, document: &Path) -> Result<(), String> {
    let stem = document
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let crate_dir = work.join(format!("{stem}-alerts-and-clusters"));
    let selection = Selection {
        tags: vec![DECODE_TAG.to_owned()],
        operations: DECODE_OPERATIONS.iter().map(|o| (*o).to_owned()).collect(),
        name: None,
    };
    generate(root, document, &crate_dir, &selection)?;
    let dir = work.join(format!("decode-{stem}"));
    std::fs::create_dir_all(dir.join("src"))
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // The sans-IO core is all the program needs: no HTTP stack to build.
    let manifest = format!(
        "[package]\nname = \"decode-{stem}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\napi = {{ package = \"{}\", path = \"{}\", default-features = false }}\n\
         serde = \"1\"\nserde_json = \"1\"\n\n[workspace]\n",
        crate_name(&crate_dir)?,
        crate_dir.display().to_string().replace('\\', "/"),
    );
    let write = |path: PathBuf, text: &str| {
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    write(dir.join("Cargo.toml"), &manifest)?;
    write(dir.join("src/main.rs"), DECODE)?;
    for (name, text) in RESPONSES {
        write(dir.join("src").join(name), text)?;
    }
    let started = Instant::now();
    let status = cargo()
        .args(["run", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "the responses of {} do not decode into their own variants (see above)",
            document.display()
        ));
    }
    println!(
        "decoded the alert configurations, notifications and region configurations of {} in {:.2?}",
        document.display(),
        started.elapsed()
    );
    Ok(())
}

/// Generates a standalone crate, replacing whatever was in `out`.
fn generate(root: &Path, document: &Path, out: &Path, selection: &Selection) -> Result<(), String> {
    let started = Instant::now();
    // The same settings as for `spec/`: MongoDB's documents name the integration schemas alike,
    // and mark few of their credentials as such themselves.
    let config = Some(PathBuf::from(workspace::DEFAULT_CONFIG));
    let output = match write_crate(root, document, config, out, selection, |_| {})? {
        Ok(output) => output,
        Err(diagnostics) => return Err(format!("{}:\n{diagnostics}", document.display())),
    };
    let warnings = output.warnings.iter().count();
    println!(
        "generated {} ({} file(s), {warnings} warning(s)) in {:.2?}",
        out.display(),
        output.files.len(),
        started.elapsed()
    );
    Ok(())
}

/// Generates a standalone crate from `document` into `out`: `out` is cleared first, so that a
/// refused document leaves no crate of an earlier run behind, and `adjust` may change the files
/// before they are written. The outer error is a file system failure; the inner one holds the
/// generator's diagnostics when it refuses the document.
pub fn write_crate(
    root: &Path,
    document: &Path,
    config: Option<PathBuf>,
    out: &Path,
    selection: &Selection,
    adjust: impl FnOnce(&mut Output),
) -> Result<Result<Output, Diagnostics>, String> {
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| format!("cannot clear {}: {e}", out.display()))?;
    }
    let paths = Paths {
        root: root.to_path_buf(),
        spec: document.to_path_buf(),
        config,
        out: out.to_path_buf(),
    };
    let mut output = match workspace::generate_selected(&paths, selection) {
        Ok(output) => output,
        Err(diagnostics) => return Ok(Err(diagnostics)),
    };
    adjust(&mut output);
    output
        .write(out)
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(Ok(output))
}

/// A `cargo` command: the one running this program, so that the toolchain is the same.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs `cargo check` on a crate with warnings denied.
fn check(dir: &Path, target: &Path, what: &str) -> Result<(), String> {
    let started = Instant::now();
    let status = cargo()
        .args(["check", "--quiet", what, "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("`cargo check` failed for {}", dir.display()));
    }
    println!(
        "checked {} with warnings denied in {:.2?}",
        dir.display(),
        started.elapsed()
    );
    Ok(())
}

/// Compiles the shape program against the crate in `under_test`.
fn check_shape(work: &Path, target: &Path, label: &str, under_test: &Path) -> Result<(), String> {
    let dir = work.join(format!("shape-{label}"));
    std::fs::create_dir_all(dir.join("src"))
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let manifest = format!(
        "[package]\nname = \"shape-{label}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\napi = {{ package = \"{}\", path = \"{}\" }}\nhttp = \"1\"\n\n[workspace]\n",
        crate_name(under_test)?,
        under_test.display().to_string().replace('\\', "/"),
    );
    std::fs::write(dir.join("Cargo.toml"), manifest)
        .map_err(|e| format!("cannot write the shape manifest: {e}"))?;
    std::fs::write(dir.join("src/main.rs"), SHAPE)
        .map_err(|e| format!("cannot write the shape program: {e}"))?;
    check(&dir, target, "--bins")
}

/// The package name in a crate's manifest.
fn crate_name(dir: &Path) -> Result<String, String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    manifest
        .lines()
        .find_map(|line| {
            line.strip_prefix("name = \"")
                .and_then(|rest| rest.strip_suffix('"'))
        })
        .map(str::to_owned)
        .ok_or_else(|| format!("no package name in {}", dir.join("Cargo.toml").display()))
}
