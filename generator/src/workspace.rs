//! The layout of this workspace: where the document, the settings and the generated crate live,
//! shared by `cargo xtask codegen` and the test that checks the generated crate is fresh; and the
//! command itself, as [`codegen`], which takes the directory it runs in explicitly.
//!
//! The output is one of two targets. The workspace's own crate (`generated/`, however the path is
//! spelled) only ever gets its generated modules. Anywhere else a whole standalone crate is
//! written, but only into a missing or empty directory or one holding a crate the generator wrote
//! before: every file the generator writes starts with an `@generated` line, and a file without
//! one is never overwritten.

use std::fmt;
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::{Config, Diagnostics, Document, Output};

pub mod membership;

pub use membership::Membership;

/// The document `cargo xtask codegen` reads by default, relative to the workspace root.
pub const DEFAULT_SPEC: &str = "spec/atlas-integrations.yaml";
/// The settings read by default.
pub const DEFAULT_CONFIG: &str = "spec/codegen.yaml";
/// The crate written by default.
pub const DEFAULT_CRATE: &str = "generated";
/// The command that regenerates the workspace crate, named in every generated file.
pub const COMMAND: &str = "cargo xtask codegen";

/// Where one run reads and writes; relative paths are taken from `root`.
#[derive(Clone, Debug)]
pub struct Paths {
    /// The workspace root.
    pub root: PathBuf,
    /// The OpenAPI document.
    pub spec: PathBuf,
    /// The settings file, if any.
    pub config: Option<PathBuf>,
    /// The crate to write into.
    pub out: PathBuf,
}

impl Paths {
    /// The default layout under `root`.
    pub fn defaults(root: &Path) -> Paths {
        Paths {
            root: root.to_path_buf(),
            spec: PathBuf::from(DEFAULT_SPEC),
            config: Some(PathBuf::from(DEFAULT_CONFIG)),
            out: PathBuf::from(DEFAULT_CRATE),
        }
    }
}

/// Which operations to generate, and the name of a standalone crate.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Operations with any of these tags.
    pub tags: Vec<String>,
    /// Operations with these operationIds.
    pub operations: Vec<String>,
    /// The crate's name; by default the output directory's.
    pub name: Option<String>,
}

/// Reads the document and settings named by `paths` and generates every operation, writing
/// nothing. Paths are reported as given, so that output does not depend on where the workspace
/// is checked out.
pub fn generate(paths: &Paths) -> Result<Output, Diagnostics> {
    generate_selected(paths, &Selection::default())
}

/// As [`generate`], for the selected operations. Written anywhere but the workspace's own
/// crate (see [`is_workspace_crate`]), the output is a whole standalone crate: manifest,
/// `lib.rs`, runtime and client, named `selection.name` (checked by [`check_crate_name`]) or
/// after the directory (see [`default_crate_name`]), a member of the enclosing workspace or a
/// workspace of its own as [`membership::decide`] finds.
pub fn generate_selected(paths: &Paths, selection: &Selection) -> Result<Output, Diagnostics> {
    generate_crate(paths, selection, None)
}

/// As [`generate_selected`], with the membership of a standalone crate asked for (`None`: as
/// recorded by an earlier run, or else as found; see [`membership::decide`]).
///
/// The `@generated` line of a standalone crate's files names the document by its file name and
/// the first 16 hexadecimal digits of the SHA-256 of its bytes (what `sha256sum` prints), so that
/// the crate does not depend on how the path was spelled or on the machine it was generated on.
pub fn generate_crate(
    paths: &Paths,
    selection: &Selection,
    workspace: Option<Membership>,
) -> Result<Output, Diagnostics> {
    let spec_label = slashed(&paths.spec);
    let text = crate::load::read_text(&paths.root.join(&paths.spec), &spec_label);
    let source = text
        .as_ref()
        .map(|text| document_name(&paths.spec, text))
        .unwrap_or_default();
    let document = text.and_then(|text| Document::parse(&text, &spec_label));
    let config = match &paths.config {
        Some(config) => {
            let label = slashed(config);
            crate::load::read_text(&paths.root.join(config), &label)
                .and_then(|text| Config::parse(&text, &label))
        }
        None => Ok(Config::default()),
    };
    let workspace_crate = is_workspace_crate(paths);
    let name = match (&selection.name, workspace_crate) {
        (Some(_), true) => Err(format!(
            "`--name` names a standalone crate; the workspace crate {DEFAULT_CRATE} keeps its own"
        )),
        (Some(name), false) => check_crate_name(name)
            .map(|()| name.clone())
            .map_err(|why| format!("`{name}` is not a valid crate name: {why}")),
        (None, _) => Ok(default_crate_name(&absolute(&paths.root.join(&paths.out)))),
    };
    let (document, config, name) = match (document, config, name) {
        (Ok(d), Ok(c), Ok(n)) => (d, c, n),
        (d, c, n) => {
            let mut all = Diagnostics::default();
            all.extend(d.err().unwrap_or_default());
            all.extend(c.err().unwrap_or_default());
            if let Err(message) = n {
                all.push(Diagnostic {
                    severity: Severity::Error,
                    code: Code::CrateName,
                    file: slashed(&paths.out),
                    pointer: String::new(),
                    line: None,
                    message,
                });
            }
            return Err(all);
        }
    };
    let config = config
        .with_command(COMMAND)
        .with_selection(selection.tags.clone(), selection.operations.clone());
    if workspace_crate {
        return crate::generate(&document, &config);
    }
    let output = crate::generate(&document, &config.with_source(source.clone()))?;
    let header = crate::format::header(COMMAND, &source);
    let decision = membership::decide(&absolute(&paths.root.join(&paths.out)), workspace);
    let files = crate::standalone::crate_files(&output, &name, &output.title, &header, decision);
    Ok(Output { files, ..output })
}

/// How the `@generated` line of a standalone crate names the document read from `path`: its file
/// name and the first 16 hexadecimal digits of the SHA-256 of its bytes.
pub fn document_name(path: &Path, text: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| slashed(path));
    format!("{name} (sha256 {hex})")
}

/// Whether `paths.out` is the workspace's own crate, `DEFAULT_CRATE` under `paths.root`: the
/// same directory once both are canonicalised (so `./generated`, an absolute path, one through
/// `..` or a symbolic link all are), or, when either does not exist, the same path once `.` and
/// `..` are taken out.
pub fn is_workspace_crate(paths: &Paths) -> bool {
    let out = paths.root.join(&paths.out);
    let own = paths.root.join(DEFAULT_CRATE);
    match (out.canonicalize(), own.canonicalize()) {
        (Ok(out), Ok(own)) => out == own,
        _ => absolute(&out) == absolute(&own),
    }
}

/// Rust keywords, strict and reserved, of every edition: none can name a crate.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield", "_",
];

/// Names Cargo refuses or warns about: the standard library's crates, its own output
/// directories, and names Windows reserves for devices.
const RESERVED: &[&str] = &[
    "alloc",
    "core",
    "proc_macro",
    "proc-macro",
    "std",
    "test",
    "build",
    "deps",
    "examples",
    "incremental",
    "con",
    "prn",
    "aux",
    "nul",
    "com1",
    "com2",
    "com3",
    "com4",
    "com5",
    "com6",
    "com7",
    "com8",
    "com9",
    "lpt1",
    "lpt2",
    "lpt3",
    "lpt4",
    "lpt5",
    "lpt6",
    "lpt7",
    "lpt8",
    "lpt9",
];

/// The longest name accepted.
const MAX_NAME: usize = 64;

/// Checks a crate name against Cargo's rules for package names: not empty, at most 64
/// characters, only ASCII letters, digits, `-` and `_`, starting with a letter or `_`, and
/// neither a Rust keyword nor a name Cargo reserves (`test`, `core`, `std`, ...). The error
/// says which rule the name breaks.
pub fn check_crate_name(name: &str) -> Result<(), String> {
    let Some(first) = name.chars().next() else {
        return Err("it is empty".to_owned());
    };
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(format!("{c:?} is not an ASCII letter, digit, `-` or `_`"));
    }
    if first.is_ascii_digit() {
        return Err("it starts with a digit".to_owned());
    }
    if first == '-' {
        return Err("it starts with `-`".to_owned());
    }
    if name.len() > MAX_NAME {
        return Err(format!("it is longer than {MAX_NAME} characters"));
    }
    if KEYWORDS.contains(&name) {
        return Err("it is a Rust keyword".to_owned());
    }
    if RESERVED.contains(&name.to_ascii_lowercase().as_str()) {
        return Err("it is a name Cargo reserves".to_owned());
    }
    Ok(())
}

/// The name of a crate written into `dir`, from the directory's own name: its ASCII letters and
/// digits, in words joined by `-` and lower case (`Zoo Client` and `zoo_client` give
/// `zoo-client`). A result that is not a valid name (see [`check_crate_name`]), because it starts
/// with a digit or is a keyword or reserved name, gets `api-` in front (`03` gives `api-03`,
/// `test` gives `api-test`); a directory name without letters or digits gives
/// `generated-client`. Names are cut to 64 characters.
pub fn default_crate_name(dir: &Path) -> String {
    let base = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let words: String = base
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let name = heck::ToKebabCase::to_kebab_case(words.trim());
    if name.is_empty() {
        return "generated-client".to_owned();
    }
    let cut = |name: &str| {
        name[..name.len().min(MAX_NAME)]
            .trim_end_matches('-')
            .to_owned()
    };
    let name = cut(&name);
    if check_crate_name(&name).is_err() {
        return cut(&format!("api-{name}"));
    }
    name
}

/// The names of the generated files under the workspace crate that differ from what the current
/// document would generate.
pub fn stale(paths: &Paths) -> Result<Vec<PathBuf>, Diagnostics> {
    let output = generate(paths)?;
    Ok(output.stale(&paths.root.join(&paths.out)))
}

/// Finds the workspace `start` is in: the nearest directory at or above it whose `Cargo.toml`
/// has a `[workspace]` table and which holds `generator/` and `spec/`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let start = absolute(start);
    start
        .ancestors()
        .find(|dir| {
            dir.join("generator").is_dir()
                && dir.join("spec").is_dir()
                && std::fs::read_to_string(dir.join("Cargo.toml"))
                    .is_ok_and(|text| text.lines().any(|line| line.trim() == "[workspace]"))
        })
        .map(Path::to_path_buf)
}

/// What `cargo xtask codegen` was given on its command line; relative paths are taken from the
/// directory it runs in.
#[derive(Clone, Debug, Default)]
pub struct Args {
    /// Change nothing; fail naming each stale file.
    pub check: bool,
    /// The document; by default the workspace's `spec/atlas-integrations.yaml`.
    pub spec: Option<PathBuf>,
    /// The settings; by default `spec/codegen.yaml` for the workspace's default document, none
    /// for any other.
    pub config: Option<PathBuf>,
    /// The directory to write into; by default the workspace's `generated` crate.
    pub out: Option<PathBuf>,
    /// The operations, and the name of a standalone crate.
    pub selection: Selection,
    /// Whether a standalone crate is a workspace of its own or a member of the workspace around
    /// it; `None` keeps what an earlier run was asked for, or else finds it (see [`membership`]).
    pub workspace: Option<Membership>,
}

impl Args {
    /// The command that generates what these arguments name, as it would be typed in the same
    /// directory: `cargo xtask codegen` and every argument given but `--check`, quoted for a POSIX
    /// shell where needed.
    pub fn command_line(&self) -> String {
        let mut words = vec![COMMAND.to_owned()];
        let mut push = |flag: &str, value: &str| {
            words.push(flag.to_owned());
            words.push(shell_quote(value));
        };
        if let Some(spec) = &self.spec {
            push("--spec", &spec.to_string_lossy());
        }
        if let Some(config) = &self.config {
            push("--config", &config.to_string_lossy());
        }
        for tag in &self.selection.tags {
            push("--tag", tag);
        }
        for operation in &self.selection.operations {
            push("--operation", operation);
        }
        if let Some(out) = &self.out {
            push("--out", &out.to_string_lossy());
        }
        if let Some(name) = &self.selection.name {
            push("--name", name);
        }
        if let Some(workspace) = self.workspace {
            push("--workspace", workspace.name());
        }
        words.join(" ")
    }
}

/// `word` as a POSIX shell reads it back: as it is when it holds only characters no shell
/// treats specially, else in single quotes.
fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Where one run of [`codegen`] reads and writes.
#[derive(Clone, Debug)]
pub struct Invocation {
    /// The paths, relative to the workspace root when inside it or beside it (so that the labels
    /// printed and written into files do not depend on the directory the command runs in),
    /// absolute otherwise.
    pub paths: Paths,
    /// The output directory as the user named it, for messages.
    pub out_label: PathBuf,
}

/// Finds the workspace from `cwd` and resolves `args` given in `cwd` against it: a path given
/// is taken from `cwd`, a default names the workspace's own file.
pub fn resolve(cwd: &Path, args: &Args) -> Result<Invocation, Failure> {
    let cwd = absolute(cwd);
    let root = find_root(&cwd).ok_or_else(|| Failure::NoWorkspace(cwd.clone()))?;
    // Inside the workspace or beside it (`../shared/...`), relative to the root; elsewhere
    // absolute.
    let from_cwd = |path: &Path| {
        let path = absolute(&cwd.join(path));
        relative(&root, &path)
            .filter(|rel| {
                rel.components()
                    .take(2)
                    .filter(|c| *c == Component::ParentDir)
                    .count()
                    < 2
            })
            .unwrap_or(path)
    };
    let spec = args
        .spec
        .as_deref()
        .map_or_else(|| PathBuf::from(DEFAULT_SPEC), from_cwd);
    let config = match &args.config {
        Some(config) => Some(from_cwd(config)),
        None => same_file(&root.join(&spec), &root.join(DEFAULT_SPEC))
            .then(|| PathBuf::from(DEFAULT_CONFIG)),
    };
    let out = args
        .out
        .as_deref()
        .map_or_else(|| PathBuf::from(DEFAULT_CRATE), from_cwd);
    let out_label = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_CRATE));
    Ok(Invocation {
        paths: Paths {
            root,
            spec,
            config,
            out,
        },
        out_label,
    })
}

/// Why a run of [`codegen`] failed. Whatever the reason, nothing was written.
#[derive(Debug)]
pub enum Failure {
    /// No workspace at or above this directory.
    NoWorkspace(PathBuf),
    /// The document or settings have problems, or the crate name is not valid.
    Diagnostics(Diagnostics),
    /// The output directory is not one the generator may write into; the message lists why.
    Refused(String),
    /// `--check` found these files out of date (named as the user named the directory).
    Stale {
        /// The stale files.
        files: Vec<PathBuf>,
        /// The command that regenerates them, with the arguments the check was given.
        command: String,
    },
    /// Writing failed, and every file was left or put back as it was.
    Write(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::NoWorkspace(dir) => write!(
                f,
                "no workspace at or above {}: run the command inside the checkout (a directory \
                 whose Cargo.toml has [workspace] and which holds generator/ and spec/)",
                dir.display()
            ),
            Failure::Diagnostics(diagnostics) => write!(f, "{diagnostics}\nnothing was written"),
            Failure::Refused(message) => write!(f, "{message}\nnothing was written"),
            Failure::Stale { files, command } => {
                for file in files {
                    writeln!(f, "stale: {}", file.display())?;
                }
                write!(f, "run `{command}` to regenerate")
            }
            Failure::Write(message) => write!(f, "{message}\nnothing was changed"),
        }
    }
}

impl std::error::Error for Failure {}

/// What a successful run of [`codegen`] did.
#[derive(Debug, Default)]
pub struct Report {
    /// Problems that did not stop generation.
    pub warnings: Diagnostics,
    /// The files written (named as the user named the directory); empty for `--check`, or when
    /// everything was up to date.
    pub written: Vec<PathBuf>,
    /// The properties taken for credentials, each with its JSON pointer and why.
    pub secrets: Vec<(String, String)>,
    /// Every file generated, written or not (named as the user named the directory): for
    /// `--check`, the files found up to date.
    pub files: Vec<PathBuf>,
    /// The document, as messages name it.
    pub document: String,
}

/// `cargo xtask codegen`, run in `cwd`: resolves the arguments (see [`resolve`]), generates,
/// and checks or writes. The output directory is checked before anything is written (see
/// [`check_target`]); writing is all or nothing.
pub fn codegen(cwd: &Path, args: &Args) -> Result<Report, Failure> {
    let invocation = resolve(cwd, args)?;
    let paths = &invocation.paths;
    let label = &invocation.out_label;
    if args.workspace.is_some() && is_workspace_crate(paths) {
        return Err(Failure::Refused(format!(
            "`--workspace` chooses for a standalone crate; the workspace crate {} is a member of \
             this workspace",
            label.display()
        )));
    }
    let output =
        generate_crate(paths, &args.selection, args.workspace).map_err(Failure::Diagnostics)?;
    let dir = paths.root.join(&paths.out);
    let files = output.files.iter().map(|f| label.join(&f.path)).collect();
    let document = slashed(&paths.spec);
    if args.check {
        let stale = output.stale(&dir);
        if !stale.is_empty() {
            return Err(Failure::Stale {
                files: stale.iter().map(|path| label.join(path)).collect(),
                command: args.command_line(),
            });
        }
        return Ok(Report {
            warnings: output.warnings,
            written: Vec::new(),
            secrets: output.secrets,
            files,
            document,
        });
    }
    check_target(paths, &output, label).map_err(Failure::Refused)?;
    let written = output.write(&dir).map_err(|error| {
        Failure::Write(format!("cannot write under {}: {error}", label.display()))
    })?;
    Ok(Report {
        warnings: output.warnings,
        written: written.iter().map(|path| label.join(path)).collect(),
        secrets: output.secrets,
        files,
        document,
    })
}

/// `cargo xtask codegen --list`, run in `cwd`: the document `args` names (see [`resolve`]),
/// labelled as messages name it, and its tags and operations. Nothing is generated or written.
pub fn catalogue(
    cwd: &Path,
    args: &Args,
) -> Result<(String, crate::catalogue::Catalogue), Failure> {
    let invocation = resolve(cwd, args)?;
    let paths = &invocation.paths;
    let label = slashed(&paths.spec);
    let document = crate::load::read_text(&paths.root.join(&paths.spec), &label)
        .and_then(|text| Document::parse(&text, &label))
        .map_err(Failure::Diagnostics)?;
    Ok((label, crate::catalogue::Catalogue::of(&document)))
}

/// Checks that `output` may be written under `paths.out`, naming it `label` in the refusal.
///
/// Into the workspace's own crate, only its generated modules, replacing only files with an
/// `@generated` first line. Anywhere else, a standalone crate goes into a missing or empty
/// directory, or one holding a crate the generator wrote (a `Cargo.toml` with an `@generated`
/// first line) where every file to be replaced has such a line too.
pub fn check_target(paths: &Paths, output: &Output, label: &Path) -> Result<(), String> {
    let dir = paths.root.join(&paths.out);
    let shown = label.display();
    let foreign: Vec<&Path> = output
        .files
        .iter()
        .map(|file| file.path.as_path())
        .filter(|path| {
            dir.join(path).symlink_metadata().is_ok() && !is_generated_file(&dir.join(path))
        })
        .collect();
    let listed = |paths: &[&Path]| -> String {
        paths
            .iter()
            .map(|path| format!("\n  {}", label.join(path).display()))
            .collect()
    };
    if is_workspace_crate(paths) {
        let modules: Vec<&Path> = crate::emit::MODULES
            .iter()
            .map(|m| Path::new(m.path))
            .collect();
        let extra: Vec<&Path> = output
            .files
            .iter()
            .map(|file| file.path.as_path())
            .filter(|path| !modules.contains(path))
            .collect();
        if !extra.is_empty() {
            return Err(format!(
                "refusing to write into the workspace crate {shown}: it gets only its generated \
                 modules, not{}",
                listed(&extra)
            ));
        }
        if !foreign.is_empty() {
            return Err(format!(
                "refusing to write into the workspace crate {shown}: these files have no \
                 `@generated` first line and would be overwritten:{}",
                listed(&foreign)
            ));
        }
        return Ok(());
    }
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound && !dir.is_symlink() => {
            return Ok(());
        }
        Err(error) => {
            return Err(format!(
                "refusing to write a crate into {shown}: it is not a directory that can be read \
                 ({error})"
            ));
        }
    };
    let mut held: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    if held.is_empty() {
        return Ok(());
    }
    let ours = is_generated_file(&dir.join("Cargo.toml"));
    if ours && foreign.is_empty() {
        return Ok(());
    }
    let mut message = format!(
        "refusing to write a crate into {shown}: it is not empty, and not a crate the generator \
         wrote"
    );
    if foreign.is_empty() {
        held.sort();
        message.push_str(&format!(
            " (it has no Cargo.toml with an `@generated` first line; it holds {})",
            held.join(", ")
        ));
    } else {
        message.push_str(&format!(
            "; these files have no `@generated` first line and would be overwritten:{}",
            listed(&foreign)
        ));
    }
    message
        .push_str("\nwrite into a missing or empty directory, or one the generator wrote before");
    Err(message)
}

/// Whether the file at `path` is one the generator wrote: its first line is an `@generated`
/// comment (`// @generated ...` in Rust, `# @generated ...` in a manifest).
pub fn is_generated_file(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or_default();
    let comment = first
        .strip_prefix("//")
        .or_else(|| first.strip_prefix('#'))
        .unwrap_or(first);
    comment != first && comment.trim_start().starts_with("@generated ")
}

/// Whether two paths name the same file: canonically, or when either does not exist, as the
/// same path without `.` and `..`.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => absolute(a) == absolute(b),
    }
}

/// `path` made absolute (from the current directory) with `.` and `..` taken out, without
/// reading the file system.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            // Above the root is the root.
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `base` (both absolute and without `.` or `..`), going up with `..` where
/// needed; `None` when they share no root.
fn relative(base: &Path, path: &Path) -> Option<PathBuf> {
    let base: Vec<Component> = base.components().collect();
    let path: Vec<Component> = path.components().collect();
    if base.first() != path.first() {
        return None;
    }
    let common = base.iter().zip(&path).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..base.len() {
        out.push("..");
    }
    for component in &path[common..] {
        out.push(component);
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    Some(out)
}

fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
