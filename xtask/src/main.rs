//! Project automation, run as `cargo xtask <command>`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Project automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the generated crate from the OpenAPI document.
    Codegen {
        /// Change nothing; fail naming each generated file that is out of date.
        #[arg(long)]
        check: bool,
        /// The OpenAPI document (YAML or JSON).
        #[arg(long, default_value = generator::workspace::DEFAULT_SPEC)]
        spec: PathBuf,
        /// The code generation settings.
        #[arg(long, default_value = generator::workspace::DEFAULT_CONFIG)]
        config: PathBuf,
        /// The crate to write into.
        #[arg(long, default_value = generator::workspace::DEFAULT_CRATE)]
        out: PathBuf,
    },
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
        } => {
            let paths = generator::workspace::Paths {
                root: root.clone(),
                spec,
                config,
                out,
            };
            codegen(&paths, check)
        }
    }
}

fn codegen(paths: &generator::workspace::Paths, check: bool) -> ExitCode {
    let output = match generator::workspace::generate(paths) {
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
