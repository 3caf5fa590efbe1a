//! The layout of this workspace: where the document, the settings and the generated crate live,
//! shared by `cargo xtask codegen` and the test that checks the generated crate is fresh.

use std::path::{Path, PathBuf};

use crate::{Diagnostics, Document, Output};

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
    /// The settings file.
    pub config: PathBuf,
    /// The crate to write into.
    pub out: PathBuf,
}

impl Paths {
    /// The default layout under `root`.
    pub fn defaults(root: &Path) -> Paths {
        Paths {
            root: root.to_path_buf(),
            spec: PathBuf::from(DEFAULT_SPEC),
            config: PathBuf::from(DEFAULT_CONFIG),
            out: PathBuf::from(DEFAULT_CRATE),
        }
    }
}

/// Reads the document and settings named by `paths` and generates, writing nothing. Paths are
/// reported as given, so that output does not depend on where the workspace is checked out.
pub fn generate(paths: &Paths) -> Result<Output, Diagnostics> {
    let spec_label = slashed(&paths.spec);
    let config_label = slashed(&paths.config);
    let document = Document::parse(
        &crate::load::read_text(&paths.root.join(&paths.spec), &spec_label)?,
        &spec_label,
    );
    let config = crate::config::Config::parse(
        &crate::load::read_text(&paths.root.join(&paths.config), &config_label)?,
        &config_label,
    );
    let (document, config) = match (document, config) {
        (Ok(d), Ok(c)) => (d, c),
        (d, c) => {
            let mut all = Diagnostics::default();
            all.extend(d.err().unwrap_or_default());
            all.extend(c.err().unwrap_or_default());
            return Err(all);
        }
    };
    crate::generate(&document, &config.with_command(COMMAND))
}

/// The names of the generated files under the workspace crate that differ from what the current
/// document would generate.
pub fn stale(paths: &Paths) -> Result<Vec<PathBuf>, Diagnostics> {
    let output = generate(paths)?;
    Ok(output.stale(&paths.root.join(&paths.out)))
}

fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
