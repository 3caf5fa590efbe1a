//! `cargo xtask diff OLD NEW`: what changes for callers between the crates two documents
//! generate, from the generator's IR (see `generator::diff`), classified breaking, additive or
//! patch, with the version bump it calls for.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::diff::{self, Changelog, Side};
use generator::workspace::{self, Args as CodegenArgs, Selection};
use generator::{Config, Document};

/// Exit code when a change breaks callers.
pub const BREAKING: u8 = 3;
/// Exit code when nothing breaks but some change is unclassified.
pub const UNCLASSIFIED: u8 = 4;
/// Exit code when a document or settings file cannot be read or generated from.
pub const FAILED: u8 = 1;

/// How the changelog is printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Plain text, grouped by class, with both pointers under each entry.
    #[default]
    Text,
    /// Markdown, for a pull request.
    Markdown,
}

/// The arguments of `cargo xtask diff`.
#[derive(Clone, Debug, clap::Args)]
pub struct Args {
    /// The previous document (YAML or JSON), such as the one the last release was generated from.
    pub old: PathBuf,
    /// The new document.
    pub new: PathBuf,
    /// Compare the operations with this tag (repeatable); with `--operation`, the union.
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Compare the operation with this operationId (repeatable).
    #[arg(long = "operation")]
    pub operations: Vec<String>,
    /// The settings for both documents (default: `spec/codegen.yaml` when either is the
    /// workspace's own document, none otherwise).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// The settings for the old document only.
    #[arg(long)]
    pub old_config: Option<PathBuf>,
    /// The settings for the new document only (its `renamed_operations` keep former names).
    #[arg(long)]
    pub new_config: Option<PathBuf>,
    /// How to print the changelog.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Compare the changelog, documents named by file name only, with this file instead of
    /// printing it (lines starting with `#` are comments); exits 1 when they differ.
    #[arg(long)]
    pub expect: Option<PathBuf>,
}

/// Runs the command: prints the changelog and exits 0 when nothing breaks, [`BREAKING`] when
/// something does, [`UNCLASSIFIED`] when nothing classified breaks but something is unclassified.
pub fn run(cwd: &Path, args: &Args) -> ExitCode {
    let selection = Selection {
        tags: args.tags.clone(),
        operations: args.operations.clone(),
        name: None,
    };
    let mut old_config = args.old_config.clone().or(args.config.clone());
    let mut new_config = args.new_config.clone().or(args.config.clone());
    // Comparing against the workspace's own document (an older copy of it on the other side),
    // both sides take its settings, unless told otherwise.
    if old_config.is_none() && new_config.is_none() {
        let own = |spec: &Path| {
            let args = CodegenArgs {
                spec: Some(spec.to_path_buf()),
                ..CodegenArgs::default()
            };
            workspace::resolve(cwd, &args)
                .ok()
                .and_then(|i| i.paths.config.map(|c| i.paths.root.join(c)))
        };
        let shared = own(&args.old).or_else(|| own(&args.new));
        old_config.clone_from(&shared);
        new_config = shared;
    }
    let changelog = match changelog(
        cwd,
        (&args.old, old_config.as_ref()),
        (&args.new, new_config.as_ref()),
        &selection,
    ) {
        Ok(changelog) => changelog,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(FAILED);
        }
    };
    if let Some(expect) = &args.expect {
        return check_expected(changelog, &cwd.join(expect), args.format);
    }
    match args.format {
        Format::Text => print!("{}", changelog.text()),
        Format::Markdown => print!("{}", changelog.markdown()),
    }
    exit_code(&changelog)
}

/// Compares the changelog, documents named by their file names, with a pinned one.
fn check_expected(mut changelog: Changelog, expect: &Path, format: Format) -> ExitCode {
    let file_name = |label: &str| label.rsplit('/').next().unwrap_or(label).to_owned();
    changelog.old = file_name(&changelog.old);
    changelog.new = file_name(&changelog.new);
    let actual = match format {
        Format::Text => changelog.text(),
        Format::Markdown => changelog.markdown(),
    };
    let pinned = match std::fs::read_to_string(expect) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("cannot read {}: {error}", expect.display());
            return ExitCode::from(FAILED);
        }
    };
    // Blank lines at the end do not count.
    let mut expected: Vec<&str> = pinned.lines().filter(|l| !l.starts_with('#')).collect();
    let mut actual_lines: Vec<&str> = actual.lines().collect();
    for lines in [&mut expected, &mut actual_lines] {
        while lines.last().is_some_and(|l| l.trim().is_empty()) {
            lines.pop();
        }
    }
    if expected == actual_lines {
        println!(
            "the changelog matches {} ({})",
            expect.display(),
            changelog.verdict()
        );
        return ExitCode::SUCCESS;
    }
    eprintln!("the changelog differs from {}:", expect.display());
    for line in expected.iter().filter(|l| !actual_lines.contains(l)) {
        eprintln!("- {line}");
    }
    for line in actual_lines.iter().filter(|l| !expected.contains(l)) {
        eprintln!("+ {line}");
    }
    eprintln!("\nthe whole changelog:\n{actual}");
    ExitCode::from(FAILED)
}

/// The exit code a changelog calls for.
pub fn exit_code(changelog: &Changelog) -> ExitCode {
    if changelog.breaking() {
        ExitCode::from(BREAKING)
    } else if changelog.unclassified() {
        ExitCode::from(UNCLASSIFIED)
    } else {
        ExitCode::SUCCESS
    }
}

/// The changelog between two documents, each with its settings (by default as `cargo xtask
/// codegen` picks them), for the same selection. Paths are taken from `cwd`.
pub fn changelog(
    cwd: &Path,
    old: (&PathBuf, Option<&PathBuf>),
    new: (&PathBuf, Option<&PathBuf>),
    selection: &Selection,
) -> Result<Changelog, String> {
    let (old_document, old_api) = lower(cwd, old.0, old.1, selection)?;
    let (new_document, new_api) = lower(cwd, new.0, new.1, selection)?;
    Ok(diff::compare(
        Side {
            document: &old_document,
            api: &old_api,
        },
        Side {
            document: &new_document,
            api: &new_api,
        },
    ))
}

/// Reads a document and its settings as `cargo xtask codegen` would, and lowers the selection.
fn lower(
    cwd: &Path,
    spec: &Path,
    config: Option<&PathBuf>,
    selection: &Selection,
) -> Result<(Document, generator::ir::Api), String> {
    let args = CodegenArgs {
        spec: Some(spec.to_path_buf()),
        config: config.cloned(),
        ..CodegenArgs::default()
    };
    let invocation = workspace::resolve(cwd, &args).map_err(|f| f.to_string())?;
    let paths = invocation.paths;
    let label = paths.spec.to_string_lossy().replace('\\', "/");
    let text = std::fs::read_to_string(paths.root.join(&paths.spec))
        .map_err(|e| format!("cannot read {label}: {e}"))?;
    let document = Document::parse(&text, &label).map_err(|d| d.to_string())?;
    let config = match &paths.config {
        Some(config) => {
            let config_label = config.to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(paths.root.join(config))
                .map_err(|e| format!("cannot read {config_label}: {e}"))?;
            Config::parse(&text, &config_label).map_err(|d| d.to_string())?
        }
        None => Config::default(),
    }
    .with_selection(selection.tags.clone(), selection.operations.clone());
    let (api, _warnings) = generator::lower::lower(&document, &config)
        .map_err(|d| format!("{label} does not generate:\n{d}"))?;
    Ok((document, api))
}
