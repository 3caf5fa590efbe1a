//! `cargo xtask semver`: an independent check of `cargo xtask diff`. For each pair of documents,
//! both crates are generated (the sans-IO core: no features), `cargo-semver-checks` compares them,
//! and its verdict (breaking or not) is set beside the changelog's. A disagreement fails the run
//! unless [`EXPLAINED`] names the pair with what explains it: a generator decision, or a change
//! cargo-semver-checks does not look at.
//!
//! `cargo-semver-checks` is installed on first use, at the pinned version, into `target/tools`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use generator::workspace::Selection;

use crate::upstream::{cargo, write_crate};

/// The pinned version of cargo-semver-checks.
pub const VERSION: &str = "0.51.0";

/// Pairs on which the two tools disagree, and why: the pair's label, text every breaking entry of
/// its changelog contains (so that a new breaking change in the pair is not explained away), and
/// the generator decision or the limit of cargo-semver-checks that explains it. The README lists
/// the same.
pub const EXPLAINED: &[(&str, &str, &str)] = &[
    (
        "version-removed",
        "` removed: `build()` refuses",
        "the versions an operation accepts are a value (`API_VERSIONS`) checked by `build()`, \
         not an item: asking for a removed version still compiles and is refused at run time, \
         which the changelog calls breaking and cargo-semver-checks cannot see",
    ),
    (
        "field-type-changed",
        "` instead of `",
        "a field's type changed (`Option<i32>` to `Option<String>`): callers that read or assign \
         it break; cargo-semver-checks does not compare the types of fields",
    ),
    (
        "field-now-secret",
        "(now taken for a credential)",
        "a field taken for a credential is `Secret` instead of `String`: callers that read or \
         assign it break; cargo-semver-checks does not compare the types of fields",
    ),
    (
        "output-type-changed",
        "output is `",
        "`parse_response` returns another type (`String` instead of `Widget`): callers that use \
         the output break; cargo-semver-checks does not compare return types",
    ),
    (
        "type-alias-removed",
        "type alias removed",
        "a schema that is only another name (an empty object, a string) is a `pub type` alias, \
         which callers can name, so its removal breaks them; cargo-semver-checks has no lint for \
         a removed type alias",
    ),
    (
        // The integrations tag of MongoDB's two dated documents: its one breaking entry is the
        // removed alias `types::NoBody` (see xtask/assets/diff-integrations-*.txt).
        "atlas-admin-v2-2025-02-11..atlas-admin-v2-2025-06-30",
        "type alias removed",
        "the only breaking entry is the removed alias `types::NoBody` (2025-06-30 gives the 204 \
         of DELETE no schema); cargo-semver-checks has no lint for a removed type alias",
    ),
];

/// The arguments of `cargo xtask semver`.
#[derive(Clone, Debug, clap::Args)]
pub struct Args {
    /// A pair of documents, old then new (repeatable).
    #[arg(long = "pair", num_args = 2, value_names = ["OLD", "NEW"])]
    pub pairs: Vec<PathBuf>,
    /// Folders of fixture pairs: each subfolder holds `old.yaml` and `new.yaml` (and, for the new
    /// side, optionally `new.codegen.yaml`).
    #[arg(long = "fixtures")]
    pub fixtures: Vec<PathBuf>,
    /// Compare the operations with this tag, for `--pair` (repeatable).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// The settings for both documents of each `--pair`.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

/// One comparison to make.
struct Pair {
    label: String,
    old: PathBuf,
    new: PathBuf,
    old_config: Option<PathBuf>,
    new_config: Option<PathBuf>,
    selection: Selection,
}

/// Runs every pair; fails on an unexplained disagreement or a tool failure.
pub fn run(root: &Path, cwd: &Path, args: &Args) -> ExitCode {
    match check_all(root, cwd, args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(3),
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn check_all(root: &Path, cwd: &Path, args: &Args) -> Result<bool, String> {
    let mut pairs = Vec::new();
    for pair in args.pairs.chunks(2) {
        let [old, new] = pair else {
            return Err("`--pair` takes two documents".to_owned());
        };
        let stem = |p: &Path| {
            p.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        pairs.push(Pair {
            label: format!("{}..{}", stem(old), stem(new)),
            old: cwd.join(old),
            new: cwd.join(new),
            old_config: args.config.as_ref().map(|c| cwd.join(c)),
            new_config: args.config.as_ref().map(|c| cwd.join(c)),
            selection: Selection {
                tags: args.tags.clone(),
                operations: Vec::new(),
                name: None,
            },
        });
    }
    for folder in &args.fixtures {
        let folder = cwd.join(folder);
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&folder)
            .map_err(|e| format!("cannot read {}: {e}", folder.display()))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.join("old.yaml").is_file())
            .collect();
        dirs.sort();
        for dir in dirs {
            let config = |name: &str| {
                let path = dir.join(name);
                path.is_file().then_some(path)
            };
            pairs.push(Pair {
                label: dir
                    .file_name()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                old: dir.join("old.yaml"),
                new: dir.join("new.yaml"),
                old_config: config("old.codegen.yaml"),
                new_config: config("new.codegen.yaml"),
                selection: Selection::default(),
            });
        }
    }
    if pairs.is_empty() {
        return Err("nothing to compare: give `--pair OLD NEW` or `--fixtures DIR`".to_owned());
    }
    let tool = install(root)?;
    let work = root.join("target/semver");
    let target = work.join("target");
    let mut agreed = true;
    let mut explained = Vec::new();
    for pair in &pairs {
        let started = Instant::now();
        let changelog = crate::diff::changelog(
            cwd,
            (&pair.old, pair.old_config.as_ref()),
            (&pair.new, pair.new_config.as_ref()),
            &pair.selection,
        )?;
        let ours = changelog.breaking();
        let old_dir = work.join(&pair.label).join("old");
        let new_dir = work.join(&pair.label).join("new");
        generate(
            root,
            &pair.old,
            pair.old_config.clone(),
            &old_dir,
            &pair.selection,
        )?;
        generate(
            root,
            &pair.new,
            pair.new_config.clone(),
            &new_dir,
            &pair.selection,
        )?;
        let (theirs, report) = semver_checks(&tool, &old_dir, &new_dir, &target)?;
        let verdict = |breaking: bool| if breaking { "breaking" } else { "not breaking" };
        let line = format!(
            "{}: diff says {} ({}), cargo-semver-checks says {} ({:.1?})",
            pair.label,
            verdict(ours),
            changelog.verdict(),
            verdict(theirs),
            started.elapsed()
        );
        if ours == theirs {
            println!("agree     {line}");
        } else if let Some((_, _, why)) = EXPLAINED.iter().find(|(label, marker, _)| {
            *label == pair.label
                && changelog
                    .of(generator::diff::Class::Breaking)
                    .all(|e| e.what.contains(marker))
        }) {
            println!("explained {line}\n          {why}");
            explained.push(pair.label.clone());
        } else {
            agreed = false;
            println!("DISAGREE  {line}\n{}\n{report}", changelog.text());
        }
        // Each pair's crates are removed once compared; the shared target folder stays.
        let _ = std::fs::remove_dir_all(work.join(&pair.label));
    }
    println!(
        "{} pair(s): {} explained disagreement(s), {}",
        pairs.len(),
        explained.len(),
        if agreed {
            "no unexplained disagreement"
        } else {
            "unexplained disagreements above"
        }
    );
    Ok(agreed)
}

/// Generates one side's crate, at version 1.0.0 so that cargo-semver-checks reads a minor
/// release as one that must not break.
fn generate(
    root: &Path,
    document: &Path,
    config: Option<PathBuf>,
    out: &Path,
    selection: &Selection,
) -> Result<(), String> {
    let selection = Selection {
        name: Some("semver-subject".to_owned()),
        ..selection.clone()
    };
    let written = write_crate(root, document, config, out, &selection, |output| {
        for file in &mut output.files {
            if file.path == Path::new("Cargo.toml") {
                file.contents =
                    file.contents
                        .replacen("version = \"0.1.0\"", "version = \"1.0.0\"", 1);
            }
        }
    })?;
    written
        .map(|_| ())
        .map_err(|d| format!("{} does not generate:\n{d}", document.display()))
}

/// Runs cargo-semver-checks on two crates as a minor release of the old one: whether it finds a
/// breaking change, and what it printed.
fn semver_checks(
    tool: &Path,
    old: &Path,
    new: &Path,
    target: &Path,
) -> Result<(bool, String), String> {
    let output = Command::new(tool)
        .args(["semver-checks", "check-release", "--baseline-root"])
        .arg(old)
        .arg("--manifest-path")
        .arg(new.join("Cargo.toml"))
        .args(["--release-type", "minor", "--only-explicit-features"])
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", tool.display()))?;
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() {
        return Ok((false, report));
    }
    // A failed check says which lints failed; anything else is the tool failing.
    if report.contains("semver requires new major version") {
        return Ok((true, report));
    }
    Err(format!("cargo-semver-checks failed:\n{report}"))
}

/// The pinned cargo-semver-checks under `target/tools`, installed with `cargo install` the first
/// time.
fn install(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join("target/tools");
    let binary = tools.join("bin").join(if cfg!(windows) {
        "cargo-semver-checks.exe"
    } else {
        "cargo-semver-checks"
    });
    let installed = Command::new(&binary)
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(VERSION));
    if installed {
        return Ok(binary);
    }
    println!(
        "installing cargo-semver-checks {VERSION} into {} (once)",
        tools.display()
    );
    let started = Instant::now();
    let status = cargo()
        .args([
            "install",
            "cargo-semver-checks",
            "--locked",
            "--version",
            VERSION,
            "--root",
        ])
        .arg(&tools)
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if !status.success() {
        return Err(format!(
            "`cargo install cargo-semver-checks@{VERSION}` failed"
        ));
    }
    println!("installed in {:.0?}", started.elapsed());
    Ok(binary)
}
