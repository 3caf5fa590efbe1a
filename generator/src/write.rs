//! Puts generated files in place, or tells which ones are stale, without ever leaving a
//! half-written tree behind.

use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostics;

/// The files one generation run produced, and the warnings it found.
#[derive(Debug)]
pub struct Output {
    /// Files, with paths relative to the crate root.
    pub files: Vec<OutputFile>,
    /// Problems that did not stop generation.
    pub warnings: Diagnostics,
    /// The Rust names of the generated types and operation builders.
    pub names: Vec<String>,
    /// The document's title.
    pub title: String,
    /// How many places of the generated API hold a free-form JSON value (`serde_json::Value`):
    /// fields, aliases, union variants, parameters and bodies whose schema the generator turned
    /// into no type of its own (an empty schema, a free-form object, an unresolvable reference).
    pub free_form: usize,
}

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// The path relative to the crate root.
    pub path: PathBuf,
    /// The whole text of the file.
    pub contents: String,
}

impl Output {
    /// The files under `root` whose contents differ from this output (or that are missing).
    pub fn stale(&self, root: &Path) -> Vec<PathBuf> {
        self.files
            .iter()
            .filter(|file| {
                std::fs::read_to_string(root.join(&file.path))
                    .map_or(true, |current| current != file.contents)
            })
            .map(|file| file.path.clone())
            .collect()
    }

    /// Writes the stale files under `root` and returns their paths. Every file is first written
    /// beside its target under a temporary name; only when all are written are they renamed into
    /// place, so that a failure leaves the old files as they were.
    pub fn write(&self, root: &Path) -> io::Result<Vec<PathBuf>> {
        let stale = self.stale(root);
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
        for file in self.files.iter().filter(|f| stale.contains(&f.path)) {
            let target = root.join(&file.path);
            let temporary = target.with_extension("tmp");
            let result = target
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&temporary, &file.contents));
            if let Err(error) = result {
                let _ = std::fs::remove_file(&temporary);
                for (temporary, _) in staged {
                    let _ = std::fs::remove_file(temporary);
                }
                return Err(error);
            }
            staged.push((temporary, target));
        }
        for (temporary, target) in &staged {
            std::fs::rename(temporary, target)?;
        }
        Ok(stale)
    }
}
