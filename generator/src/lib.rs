//! Turns an OpenAPI 3.0 document into the source of a typed Rust client crate.
//!
//! The pipeline has one stage per module: [`load`] parses the document, [`lower`] checks it and
//! lowers it to the [`ir`], [`emit`] turns the IR into tokens, [`format`] prints them, and
//! [`write`] puts the files in place (or reports which are stale). [`generate`] runs the middle
//! three; nothing is written unless every stage succeeds.

#![deny(missing_docs)]

pub mod catalogue;
pub mod config;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod format;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod standalone;
pub mod suggest;
pub mod workspace;
pub mod write;

pub use config::Config;
pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use load::Document;
pub use write::{Output, OutputFile};

/// Generates the files of a crate's generated modules from `document`.
///
/// On success the output also carries the warnings found; on failure every problem found is
/// returned at once, and nothing has been written.
pub fn generate(document: &Document, config: &Config) -> Result<Output, Diagnostics> {
    let (api, mut warnings) = lower::lower(document, config).map_err(|mut errors| {
        errors.extend(document.warnings.clone());
        errors.sorted()
    })?;
    warnings.extend(document.warnings.clone());
    let warnings = warnings.sorted();
    // Every schema lowered to a free-form value is reported where it is, once: the count is the
    // count of those reports.
    let free_form = warnings
        .iter()
        .filter(|d| d.code == diagnostics::Code::FreeForm)
        .count();
    let types = api.types.iter().map(|t| t.name.clone());
    let names = types
        .chain(api.operations.iter().map(|o| o.name.rust.clone()))
        .collect();
    // Each module is cut into parts, each emitted and formatted on a thread of its own (token
    // streams cannot cross threads), and the parts' text put end to end: the same text whatever
    // the number of parts. Formatting is the slowest stage.
    let source = if config.source.is_empty() {
        document.file()
    } else {
        &config.source
    };
    let parts = std::thread::available_parallelism().map_or(1, std::num::NonZero::get) * 2;
    let rendered: Vec<Result<String, String>> = std::thread::scope(|scope| {
        let handles: Vec<Vec<_>> = emit::MODULES
            .iter()
            .map(|module| {
                (0..parts)
                    .map(|index| {
                        let api = &api;
                        let part = emit::Part {
                            index,
                            count: parts,
                        };
                        scope.spawn(move || format::render_items(&(module.emit)(api, part)))
                    })
                    .collect()
            })
            .collect();
        handles
            .into_iter()
            .map(|module| {
                let parts = module.into_iter().map(|handle| {
                    handle
                        .join()
                        .unwrap_or_else(|_| Err("emitting panicked".to_owned()))
                });
                let parts: Result<Vec<String>, String> = parts.collect();
                parts.map(|parts| format::join(&config.command, source, parts))
            })
            .collect()
    });
    let mut files = Vec::with_capacity(rendered.len());
    let mut problems = Diagnostics::default();
    for (module, text) in emit::MODULES.iter().zip(rendered) {
        match text {
            Ok(text) => files.push(OutputFile {
                path: module.path.into(),
                contents: text,
            }),
            Err(message) => {
                let mut r = diagnostics::Reporter::new(document.file());
                r.error(
                    diagnostics::Code::Internal,
                    "",
                    format!("internal error: {message}"),
                );
                problems.extend(r.diagnostics);
            }
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(Output {
        files,
        warnings,
        names,
        title: api.title.clone(),
        free_form,
        secrets: api.credentials.clone(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A module cut into any number of parts, each formatted alone and put end to end, is the
    /// text of the module formatted whole: the output does not depend on the machine's cores.
    #[test]
    fn a_module_in_parts_is_the_module_whole() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let spec = std::fs::read_to_string(root.join(workspace::DEFAULT_SPEC)).unwrap();
        let settings = std::fs::read_to_string(root.join(workspace::DEFAULT_CONFIG)).unwrap();
        let document = Document::parse(&spec, workspace::DEFAULT_SPEC).unwrap();
        let config = Config::parse(&settings, workspace::DEFAULT_CONFIG).unwrap();
        let (api, _) = lower::lower(&document, &config).unwrap();
        for module in emit::MODULES {
            let whole = format::render(&(module.emit)(&api, emit::Part::WHOLE), "c", "s").unwrap();
            // More parts than items too: empty parts, and a first part that is only the head.
            for count in [2, 3, 7, 500] {
                let parts = (0..count).map(|index| {
                    let part = emit::Part { index, count };
                    format::render_items(&(module.emit)(&api, part)).unwrap()
                });
                let joined = format::join("c", "s", parts);
                assert!(joined == whole, "{} in {count} parts differs", module.path);
            }
        }
    }
}
