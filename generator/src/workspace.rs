//! The layout of this workspace: where the document, the settings and the generated crate live,
//! shared by `cargo xtask codegen` and the test that checks the generated crate is fresh.

use std::path::{Path, PathBuf};

use crate::{Config, Diagnostics, Document, Output};

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
/// crate, the output is a whole standalone crate: manifest, `lib.rs`, runtime and client.
pub fn generate_selected(paths: &Paths, selection: &Selection) -> Result<Output, Diagnostics> {
    let spec_label = slashed(&paths.spec);
    let document = crate::load::read_text(&paths.root.join(&paths.spec), &spec_label)
        .and_then(|text| Document::parse(&text, &spec_label));
    let config = match &paths.config {
        Some(config) => {
            let label = slashed(config);
            crate::load::read_text(&paths.root.join(config), &label)
                .and_then(|text| Config::parse(&text, &label))
        }
        None => Ok(Config::default()),
    };
    let (document, config) = match (document, config) {
        (Ok(d), Ok(c)) => (d, c),
        (d, c) => {
            let mut all = Diagnostics::default();
            all.extend(d.err().unwrap_or_default());
            all.extend(c.err().unwrap_or_default());
            return Err(all);
        }
    };
    let config = config
        .with_command(COMMAND)
        .with_selection(selection.tags.clone(), selection.operations.clone());
    let output = crate::generate(&document, &config)?;
    if paths.out == Path::new(DEFAULT_CRATE) {
        return Ok(output);
    }
    let name = selection
        .name
        .clone()
        .unwrap_or_else(|| crate_name(&paths.out));
    let header = crate::format::header(COMMAND, &spec_label);
    let files = crate::standalone::crate_files(&output, &name, &output.title, &header);
    Ok(Output { files, ..output })
}

/// A crate name from a directory's name: lower case, words joined by dashes.
fn crate_name(dir: &Path) -> String {
    let base = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = heck::ToKebabCase::to_kebab_case(base.as_str());
    if name.is_empty() {
        "generated-client".to_owned()
    } else {
        name
    }
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
