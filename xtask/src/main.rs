//! Project automation, run as `cargo xtask <command>`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench;
mod corpus;
mod diff;
mod semver;
mod upstream;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Project automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the generated crate from the OpenAPI document, or generate a standalone crate
    /// from any OpenAPI document into another directory. Paths are taken from the current
    /// directory; defaults name the workspace's own files.
    Codegen {
        /// Change nothing; fail naming each generated file that is out of date.
        #[arg(long)]
        check: bool,
        /// The OpenAPI document, YAML or JSON (default: the workspace's
        /// `spec/atlas-integrations.yaml`).
        #[arg(long)]
        spec: Option<PathBuf>,
        /// The code generation settings (default: `spec/codegen.yaml` for the default document,
        /// none for any other).
        #[arg(long)]
        config: Option<PathBuf>,
        /// The directory to write into (default: the workspace's `generated`). The workspace's
        /// crate gets only its generated modules; any other directory gets a whole crate of its
        /// own, and must be missing, empty, or a crate the generator wrote before.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Generate the operations with this tag (repeatable); with `--operation`, the union.
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Generate the operation with this operationId (repeatable).
        #[arg(long = "operation")]
        operations: Vec<String>,
        /// The name of a standalone crate (default: from the output directory's name, with
        /// `api-` in front when that is not a valid package name).
        #[arg(long)]
        name: Option<String>,
        /// Whether a standalone crate is a workspace of its own (`own`: its manifest ends with a
        /// `[workspace]` table) or a member of the workspace around it (`join`: no table). The
        /// choice is recorded in the manifest and kept by later runs. Default: as recorded, or
        /// else `join` when the enclosing workspace's `members` (or a member's path dependency)
        /// takes the directory, `own` otherwise.
        #[arg(long, value_name = "own|join")]
        workspace: Option<generator::workspace::Membership>,
        /// List the document's tags and operations (operationId, method, path, tags) and write
        /// nothing.
        #[arg(long, conflicts_with_all = ["check", "out", "tags", "operations", "name", "workspace"])]
        list: bool,
    },
    /// Generate from published OpenAPI documents (paths as arguments): each whole document and its
    /// integrations tag as crates that must check without warnings, with the same public shape as
    /// the workspace crate.
    Upstream {
        /// The documents, such as `../shared/specs/atlas-admin-v2-2025-02-11.yaml`.
        documents: Vec<PathBuf>,
        /// A document whose integrations tag must also give the same public shape as `spec/`
        /// (repeatable).
        #[arg(long = "same-shape")]
        same_shape: Vec<PathBuf>,
        /// A document (MongoDB's 2025-06-30) whose alert configurations, notifications and
        /// region configurations must decode realistic responses into their own variants
        /// (repeatable).
        #[arg(long = "decode")]
        decode: Vec<PathBuf>,
    },
    /// Generate a crate from every OpenAPI document in the folders given, check it with
    /// warnings denied and run its tests; one line per document, and why each failure failed.
    Corpus(corpus::Args),
    /// Compare the public API of the crates two documents generate: a changelog of what changes
    /// for callers, each entry breaking, additive or patch, and the version bump it calls for.
    /// Exits 0 when nothing breaks, 3 when something does, 4 when something is unclassified.
    Diff(diff::Args),
    /// Check `cargo xtask diff`'s verdict against cargo-semver-checks on the crates generated
    /// from pairs of documents (installed into `target/tools` on first use).
    Semver(semver::Args),
    /// Measure the generator on a large document: time and peak memory of parsing, generating
    /// the whole document and one tag, and a clean check of the whole document's crate.
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Everything is found from the directory the command runs in, not from where xtask was
    // built: a moved checkout or a shared target directory runs on the tree it is run in.
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(error) => {
            eprintln!("cannot read the current directory: {error}");
            return ExitCode::FAILURE;
        }
    };
    let root = || {
        generator::workspace::find_root(&cwd).ok_or_else(|| {
            eprintln!(
                "{}",
                generator::workspace::Failure::NoWorkspace(cwd.clone())
            );
            ExitCode::FAILURE
        })
    };
    match cli.command {
        Command::Codegen {
            check,
            spec,
            config,
            out,
            tags,
            operations,
            name,
            workspace,
            list,
        } => {
            let args = generator::workspace::Args {
                check,
                spec,
                config,
                out,
                selection: generator::workspace::Selection {
                    tags,
                    operations,
                    name,
                },
                workspace,
            };
            if list {
                return list_document(&cwd, &args);
            }
            codegen(&cwd, &args)
        }
        Command::Upstream {
            documents,
            same_shape,
            decode,
        } => {
            let root = match root() {
                Ok(root) => root,
                Err(code) => return code,
            };
            // Documents are named from the current directory, like codegen's paths.
            let documents: Vec<PathBuf> = documents.iter().map(|d| cwd.join(d)).collect();
            let same_shape: Vec<PathBuf> = same_shape.iter().map(|d| cwd.join(d)).collect();
            let decode: Vec<PathBuf> = decode.iter().map(|d| cwd.join(d)).collect();
            match upstream::run(&root, &documents, &same_shape, &decode) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("{error}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Bench(args) => match root() {
            Ok(root) => bench::run(&root, args),
            Err(code) => code,
        },
        Command::Diff(args) => diff::run(&cwd, &args),
        Command::Semver(args) => match root() {
            Ok(root) => semver::run(&root, &cwd, &args),
            Err(code) => code,
        },
        Command::Corpus(args) => match root() {
            Ok(root) => corpus::run(&root, &args),
            Err(code) => code,
        },
    }
}

fn codegen(cwd: &std::path::Path, args: &generator::workspace::Args) -> ExitCode {
    match generator::workspace::codegen(cwd, args) {
        Ok(report) => {
            if !report.warnings.is_empty() {
                eprintln!("{}", report.warnings);
            }
            for (pointer, reason) in &report.secrets {
                println!("secret {pointer}: {reason}");
            }
            for path in &report.written {
                println!("wrote {}", path.display());
            }
            let out = args
                .out
                .clone()
                .unwrap_or_else(|| PathBuf::from(generator::workspace::DEFAULT_CRATE));
            if args.check {
                println!(
                    "checked {} generated file(s) under {} against {}: all up to date",
                    report.files.len(),
                    out.display(),
                    report.document
                );
                for path in &report.files {
                    println!("  {}", path.display());
                }
            } else if report.written.is_empty() {
                println!("{} is up to date", out.display());
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprintln!("{}", chain(&failure));
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask codegen --list`: the document's tags and operations.
fn list_document(cwd: &std::path::Path, args: &generator::workspace::Args) -> ExitCode {
    match generator::workspace::catalogue(cwd, args) {
        Ok((label, catalogue)) => {
            use std::io::Write as _;
            // A reader that stops early (`| head`) is not an error.
            let _ = writeln!(std::io::stdout().lock(), "{label}\n{catalogue}");
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprintln!("{}", chain(&failure));
            ExitCode::FAILURE
        }
    }
}

/// An error and each of its causes, one line each. (Errors of this workspace hold their
/// immediate cause's text and give the cause's own source, so each cause prints once.)
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!("\ncaused by: {cause}"));
        source = cause.source();
    }
    text
}
