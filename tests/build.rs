//! Generates the code of every valid fixture into one file that the library includes with
//! warnings denied, so that a fixture whose output does not compile cleanly fails the build.

use std::fmt::Write as _;
use std::path::Path;

#[path = "src/fixture.rs"]
#[allow(dead_code)]
mod fixture;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut paths: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && fixture::is_document(path))
        .collect();
    paths.sort();
    let mut out = String::new();
    for path in paths {
        let output = fixture::generate(&path).map_err(|d| format!("{}:\n{d}", path.display()))?;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .replace('-', "_");
        let text = std::fs::read_to_string(&path)?;
        let about = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix('#'))
            .unwrap_or("A fixture.")
            .trim();
        writeln!(out, "#[doc = {about:?}]\npub mod {stem} {{")?;
        for file in &output.files {
            let module = file
                .path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            writeln!(out, "pub mod {module} {{\n{}\n}}", file.contents)?;
        }
        writeln!(out, "}}")?;
    }
    let target = Path::new(&std::env::var("OUT_DIR")?).join("fixtures.rs");
    std::fs::write(target, out)?;
    Ok(())
}
