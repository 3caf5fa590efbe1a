//! The code generation settings: what the OpenAPI document cannot say by itself.

use serde::Deserialize;

use crate::diagnostics::Diagnostics;

/// Settings read from a YAML file beside the document (`spec/codegen.yaml`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// JSON pointers to string properties that hold credentials, beyond those the document marks
    /// itself with `format: password` or `writeOnly: true`.
    #[serde(default)]
    pub secrets: Vec<String>,

    /// JSON pointers to string properties that do not hold credentials, although the document
    /// marks them or the generator's rule (see `lower::secrets`) takes them for credentials.
    #[serde(default)]
    pub not_secrets: Vec<String>,

    /// Rust names pinned by JSON pointer: a schema (`/components/schemas/NAME`), a property, an
    /// enum value (`…/enum/0`), a parameter or an operation (`/paths/~1things/get`). A pinned
    /// name is used as written and wins over every name the generator decides.
    #[serde(default)]
    pub names: std::collections::BTreeMap<String, String>,

    /// Former operationIds by the JSON pointer of the operation that now has another
    /// (`/paths/~1things/get: [listThings]`): the builder, error enum and output enum keep the
    /// names the former ones gave them as deprecated aliases, so that the rename is not a breaking
    /// change for callers.
    #[serde(default)]
    pub renamed_operations: std::collections::BTreeMap<String, Vec<String>>,

    /// The command named in the `@generated` line of every emitted file.
    #[serde(skip)]
    pub command: String,

    /// How the `@generated` line names the document; empty names it as diagnostics do.
    #[serde(skip)]
    pub source: String,

    /// The name the settings file is reported under in diagnostics.
    #[serde(skip)]
    pub file: String,

    /// Generate the operations with any of these tags (with `operations`, a union of both;
    /// neither means every operation).
    #[serde(skip)]
    pub tags: Vec<String>,

    /// Generate the operations with these operationIds.
    #[serde(skip)]
    pub operations: Vec<String>,
}

impl Config {
    /// Parses settings from YAML text; `file` names it in diagnostics.
    pub fn parse(text: &str, file: &str) -> Result<Config, Diagnostics> {
        let mut config: Config =
            crate::load::parse_as(text, file, crate::diagnostics::Code::Config)?;
        config.file = file.to_owned();
        Ok(config)
    }

    /// Reads settings from a file.
    pub fn read(path: &std::path::Path) -> Result<Config, Diagnostics> {
        let file = path.display().to_string();
        let text = crate::load::read_text(path, &file)?;
        Config::parse(&text, &file)
    }

    /// Selects operations by tag and by operationId; both empty selects every operation.
    pub fn with_selection(mut self, tags: Vec<String>, operations: Vec<String>) -> Config {
        self.tags = tags;
        self.operations = operations;
        self
    }

    /// Sets how the `@generated` line names the document.
    pub fn with_source(mut self, source: impl Into<String>) -> Config {
        self.source = source.into();
        self
    }

    /// Sets the command named in the `@generated` line.
    pub fn with_command(mut self, command: impl Into<String>) -> Config {
        self.command = command.into();
        self
    }
}
