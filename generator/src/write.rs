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
    /// How many schemas of the document the generated API holds as free-form JSON values
    /// (`serde_json::Value`, or lists and maps of them): the number of `free-form` warnings, one
    /// for each such schema (an empty schema, an object without properties, an array without
    /// `items`, `additionalProperties: true`, a `not`, a JSON body or response without a schema).
    pub free_form: usize,
    /// Every string property the generated crate treats as a credential (`runtime::Secret`): its
    /// JSON pointer into the document, and why (the document's marks, the settings, or the rule
    /// of `lower::secrets`).
    pub secrets: Vec<(String, String)>,
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

    /// Writes the stale files under `root` and returns their paths, all or nothing.
    ///
    /// Every file is first written beside its target under a temporary name. Only when all are
    /// written are they put in place, one by one: each existing target is first moved aside, then
    /// its new file renamed over it. If any step fails, every file already put in place is
    /// removed or given back its original (the same file, moved back), and the temporary files
    /// are removed, so that a failure leaves the tree as it was.
    pub fn write(&self, root: &Path) -> io::Result<Vec<PathBuf>> {
        let stale = self.stale(root);
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
        let mut created: Vec<PathBuf> = Vec::new();
        for file in self.files.iter().filter(|f| stale.contains(&f.path)) {
            let target = root.join(&file.path);
            let temporary = beside(&target, NEW);
            let result = target
                .parent()
                .map_or(Ok(()), |dir| create_dirs(dir, &mut created))
                .and_then(|()| std::fs::write(&temporary, &file.contents));
            if let Err(error) = result {
                let _ = std::fs::remove_file(&temporary);
                for (temporary, _) in staged {
                    let _ = std::fs::remove_file(temporary);
                }
                remove_dirs(&created);
                return Err(error);
            }
            staged.push((temporary, target));
        }
        let mut placed: Vec<Placed> = Vec::new();
        for (index, (temporary, target)) in staged.iter().enumerate() {
            match place(temporary, target) {
                Ok(done) => placed.push(done),
                Err(error) => {
                    for done in placed.iter().rev() {
                        done.undo();
                    }
                    for (temporary, _) in &staged[index..] {
                        let _ = std::fs::remove_file(temporary);
                    }
                    remove_dirs(&created);
                    return Err(io::Error::new(
                        error.kind(),
                        format!("cannot replace {}: {error}", target.display()),
                    ));
                }
            }
        }
        for done in &placed {
            if let Some(original) = &done.original {
                let _ = std::fs::remove_file(original);
            }
        }
        Ok(stale)
    }
}

/// The suffix of a new file written beside its target.
const NEW: &str = "codegen-new";
/// The suffix of an original file moved aside while its replacement is put in place.
const OLD: &str = "codegen-old";

/// `.NAME.SUFFIX` in the directory of `target`.
fn beside(target: &Path, suffix: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.{suffix}"))
}

/// A file put in place, and where its original (if any) was moved.
struct Placed {
    target: PathBuf,
    original: Option<PathBuf>,
}

impl Placed {
    /// Takes the new file away again and gives the original back.
    fn undo(&self) {
        match &self.original {
            Some(original) => {
                let _ = std::fs::rename(original, &self.target);
            }
            None => {
                let _ = std::fs::remove_file(&self.target);
            }
        }
    }
}

/// Moves the original of `target` aside, if there is one, and renames `temporary` over it; on
/// failure the original is back where it was.
fn place(temporary: &Path, target: &Path) -> io::Result<Placed> {
    let original = match std::fs::symlink_metadata(target) {
        Ok(meta) if meta.is_dir() => {
            return Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "a directory is in the way",
            ));
        }
        Ok(_) => {
            let aside = beside(target, OLD);
            std::fs::rename(target, &aside)?;
            Some(aside)
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => None,
        Err(error) => return Err(error),
    };
    let placed = Placed {
        target: target.to_path_buf(),
        original,
    };
    if let Err(error) = std::fs::rename(temporary, target) {
        if let Some(original) = &placed.original {
            let _ = std::fs::rename(original, target);
        }
        return Err(error);
    }
    Ok(placed)
}

/// Creates `dir` and its missing ancestors, recording each one created, outermost first.
fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut missing = Vec::new();
    let mut current = Some(dir);
    while let Some(path) = current {
        if path.as_os_str().is_empty() || path.exists() {
            break;
        }
        missing.push(path.to_path_buf());
        current = path.parent();
    }
    for path in missing.into_iter().rev() {
        match std::fs::create_dir(&path) {
            Ok(()) => created.push(path),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// Removes the directories a failed run created, innermost first (each is empty again).
fn remove_dirs(created: &[PathBuf]) {
    for dir in created.iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
}
