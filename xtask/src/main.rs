//! Project automation, run as `cargo xtask <command>`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench;
mod corpus;
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
    /// from any OpenAPI document into another directory.
    Codegen {
        /// Change nothing; fail naming each generated file that is out of date.
        #[arg(long)]
        check: bool,
        /// The OpenAPI document (YAML or JSON).
        #[arg(long, default_value = generator::workspace::DEFAULT_SPEC)]
        spec: PathBuf,
        /// The code generation settings (default: `spec/codegen.yaml` for the default document,
        /// none for any other).
        #[arg(long)]
        config: Option<PathBuf>,
        /// The directory to write into. The workspace's `generated` crate gets its generated
        /// modules; any other directory gets a whole crate of its own.
        #[arg(long, default_value = generator::workspace::DEFAULT_CRATE)]
        out: PathBuf,
        /// Generate the operations with this tag (repeatable); with `--operation`, the union.
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Generate the operation with this operationId (repeatable).
        #[arg(long = "operation")]
        operations: Vec<String>,
        /// The name of a standalone crate (default: the output directory's name).
        #[arg(long)]
        name: Option<String>,
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
    },
    /// Generate a crate from every OpenAPI document in the folders given, check it with
    /// warnings denied and run its tests; one line per document, and why each failure failed.
    Corpus(corpus::Args),
    /// Measure the generator on a large document: time and peak memory of parsing, generating
    /// the whole document and one tag, and a clean check of the whole document's crate.
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    match cli.command {
        Command::Codegen {
            check,
            spec,
            config,
            out,
            tags,
            operations,
            name,
        } => {
            let config = config.or_else(|| {
                (spec == Path::new(generator::workspace::DEFAULT_SPEC))
                    .then(|| PathBuf::from(generator::workspace::DEFAULT_CONFIG))
            });
            let paths = generator::workspace::Paths {
                root: root.clone(),
                spec,
                config,
                out,
            };
            let selection = generator::workspace::Selection {
                tags,
                operations,
                name,
            };
            codegen(&paths, &selection, check)
        }
        Command::Upstream {
            documents,
            same_shape,
        } => match upstream::run(&root, &documents, &same_shape) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("{error}");
                ExitCode::FAILURE
            }
        },
        Command::Corpus(args) => corpus::run(&root, &args),
        Command::Bench(args) => bench::run(&root, args),
    }
}

fn codegen(
    paths: &generator::workspace::Paths,
    selection: &generator::workspace::Selection,
    check: bool,
) -> ExitCode {
    let output = match generator::workspace::generate_selected(paths, selection) {
        Ok(output) => output,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            eprintln!("nothing was written");
            return ExitCode::FAILURE;
        }
    };
    if !output.warnings.is_empty() {
        eprintln!("{}", output.warnings);
    }
    let out = paths.root.join(&paths.out);
    if check {
        let stale = output.stale(&out);
        if stale.is_empty() {
            return ExitCode::SUCCESS;
        }
        for path in stale {
            eprintln!("stale: {}", paths.out.join(path).display());
        }
        eprintln!("run `cargo xtask codegen` to regenerate");
        return ExitCode::FAILURE;
    }
    match output.write(&out) {
        Ok(written) => {
            for path in &written {
                println!("wrote {}", paths.out.join(path).display());
            }
            if written.is_empty() {
                println!("{} is up to date", paths.out.display());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("cannot write under {}: {error}", out.display());
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map_or_else(|| manifest.to_path_buf(), Path::to_path_buf)
}
