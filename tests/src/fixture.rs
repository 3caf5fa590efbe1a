//! Generating from a fixture: shared by the build script, which compiles every valid fixture's
//! output, and by the snapshot tests.

use std::path::{Path, PathBuf};

use generator::{Config, Diagnostics, Document, Output};

/// The command named in the `@generated` line of fixture output.
pub const COMMAND: &str = "cargo test -p codegen-tests";

/// The settings file that goes with a fixture, if it has one: `name.codegen.yaml` beside
/// `name.yaml`.
pub fn config_path(fixture: &Path) -> PathBuf {
    fixture.with_extension("codegen.yaml")
}

/// Whether a file under `fixtures/` is a document rather than the settings of one.
pub fn is_document(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    name.ends_with(".yaml") && !name.ends_with(".codegen.yaml")
}

/// Generates from one fixture, reporting it under its file name only, so that snapshots do not
/// depend on where the workspace lives.
pub fn generate(fixture: &Path) -> Result<Output, Diagnostics> {
    let label = fixture
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = std::fs::read_to_string(fixture).unwrap_or_default();
    let document = Document::parse(&text, &label);
    let config_file = config_path(fixture);
    let config = if config_file.exists() {
        let config_label = config_file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&config_file).unwrap_or_default();
        Config::parse(&text, &config_label)
    } else {
        Ok(Config::default())
    };
    match (document, config) {
        (Ok(document), Ok(config)) => generator::generate(&document, &config.with_command(COMMAND)),
        (document, config) => {
            let mut all = Diagnostics::default();
            all.extend(document.err().unwrap_or_default());
            all.extend(config.err().unwrap_or_default());
            Err(all)
        }
    }
}
