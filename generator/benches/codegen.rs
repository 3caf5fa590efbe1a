//! How long the generator takes on a large OpenAPI document, stage by stage.
//!
//! Run through `cargo xtask bench`, which sets the inputs and reads the results; run by hand with
//! `cargo bench -p generator --bench codegen`. Each case gets the document's text already in
//! memory, so reading the file is not measured:
//!
//! - `parse/<document>`: `Document::parse` alone, the floor every other case stands on;
//! - `generate/whole/<document>`: parse, then generate every operation;
//! - `generate/tag/<document>`: parse, then generate the operations of one tag;
//! - `generate/spec`: parse and generate the workspace's own document with its settings.
//!
//! Environment:
//!
//! - `BENCH_SPEC`: the large documents, a list joined like `PATH` (default: the 2025-06-30
//!   Atlas Administration API document beside the workspace, skipped if it is not there);
//! - `BENCH_TAG`: the tag of `generate/tag` (default: `Third-Party Integrations`);
//! - `BENCH_ONCE`: one of `parse`, `whole`, `tag` or `spec`: run that case once on the first
//!   document and exit, without measuring anything, so that another process can measure the
//!   peak memory of a process that does just that.

use std::ffi::OsString;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode};
use generator::{Config, Diagnostics, Document, Output};

/// The large document measured when `BENCH_SPEC` is not set, relative to the workspace root.
const DEFAULT_SPEC: &str = "../shared/specs/atlas-admin-v2-2025-06-30.yaml";
/// The tag measured when `BENCH_TAG` is not set.
const DEFAULT_TAG: &str = "Third-Party Integrations";

/// A large document, in memory.
struct Large {
    /// The name its results are filed under: the file name without its extension.
    id: String,
    /// The name diagnostics report it under.
    label: String,
    text: String,
}

/// The workspace's own document and settings, in memory.
struct Own {
    spec: String,
    config: String,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("codegen bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let tag = std::env::var("BENCH_TAG").unwrap_or_else(|_| DEFAULT_TAG.to_owned());
    let own = Own::read()?;
    let large = large_documents()?;
    if let Some(case) = std::env::var_os("BENCH_ONCE") {
        return once(&case, large.first(), &tag, &own);
    }

    // Every case must succeed before it is worth timing: a case that fails early would look fast.
    check("generate/spec", &spec(&own))?;
    for document in &large {
        check(
            &format!("parse/{}", document.id),
            &parse(document).map(|_| ()),
        )?;
        check(&format!("generate/whole/{}", document.id), &whole(document))?;
        check(
            &format!("generate/tag/{}", document.id),
            &one_tag(document, &tag),
        )?;
    }

    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8))
        .configure_from_args();
    {
        // A case takes tens to hundreds of milliseconds: flat sampling runs the same number of
        // iterations in every sample rather than ramping up to many times the budget.
        let mut group = criterion.benchmark_group("parse");
        group.sampling_mode(SamplingMode::Flat);
        for document in &large {
            group.bench_with_input(
                BenchmarkId::from_parameter(&document.id),
                document,
                |b, d| b.iter(|| black_box(parse(black_box(d)))),
            );
        }
        group.finish();
    }
    {
        let mut group = criterion.benchmark_group("generate");
        group.sampling_mode(SamplingMode::Flat);
        for document in &large {
            group.bench_with_input(BenchmarkId::new("whole", &document.id), document, |b, d| {
                b.iter(|| black_box(whole(black_box(d))));
            });
            group.bench_with_input(BenchmarkId::new("tag", &document.id), document, |b, d| {
                b.iter(|| black_box(one_tag(black_box(d), &tag)));
            });
        }
        group.bench_function("spec", |b| b.iter(|| black_box(spec(black_box(&own)))));
        group.finish();
    }
    criterion.final_summary();
    Ok(())
}

/// Runs one case once, for a process whose peak memory is measured from outside.
fn once(case: &OsString, large: Option<&Large>, tag: &str, own: &Own) -> Result<(), String> {
    let case = case.to_string_lossy();
    if case == "spec" {
        return check("spec", &spec(own));
    }
    let document = large.ok_or("BENCH_ONCE needs a document: set BENCH_SPEC")?;
    match case.as_ref() {
        "parse" => check("parse", &parse(document).map(|_| ())),
        "whole" => check("whole", &whole(document)),
        "tag" => check("tag", &one_tag(document, tag)),
        other => Err(format!(
            "BENCH_ONCE is `{other}`; expected parse, whole, tag or spec"
        )),
    }
}

fn parse(document: &Large) -> Result<Document, Diagnostics> {
    Document::parse(&document.text, &document.label)
}

fn whole(document: &Large) -> Result<Output, Diagnostics> {
    let parsed = Document::parse(&document.text, &document.label)?;
    generator::generate(&parsed, &settings())
}

fn one_tag(document: &Large, tag: &str) -> Result<Output, Diagnostics> {
    let parsed = Document::parse(&document.text, &document.label)?;
    let config = settings().with_selection(vec![tag.to_owned()], Vec::new());
    generator::generate(&parsed, &config)
}

fn spec(own: &Own) -> Result<Output, Diagnostics> {
    let parsed = Document::parse(&own.spec, generator::workspace::DEFAULT_SPEC)?;
    let config = Config::parse(&own.config, generator::workspace::DEFAULT_CONFIG)?;
    generator::generate(&parsed, &config.with_command(generator::workspace::COMMAND))
}

/// The settings `cargo xtask codegen` uses for a document other than the workspace's own.
fn settings() -> Config {
    Config::default().with_command(generator::workspace::COMMAND)
}

/// Turns a failed case into an error naming it and its first problems.
fn check<T>(case: &str, result: &Result<T, Diagnostics>) -> Result<(), String> {
    let Err(diagnostics) = result else {
        return Ok(());
    };
    let text = diagnostics.to_string();
    let shown: String = text.lines().take(20).collect::<Vec<_>>().join("\n");
    let more = if text.lines().count() > 20 {
        "\n…"
    } else {
        ""
    };
    Err(format!("`{case}` fails:\n{shown}{more}"))
}

impl Own {
    fn read() -> Result<Own, String> {
        let root = workspace_root();
        Ok(Own {
            spec: read(&root.join(generator::workspace::DEFAULT_SPEC))?,
            config: read(&root.join(generator::workspace::DEFAULT_CONFIG))?,
        })
    }
}

/// The documents named by `BENCH_SPEC`, or the default one if it is there.
fn large_documents() -> Result<Vec<Large>, String> {
    let paths: Vec<PathBuf> = match std::env::var_os("BENCH_SPEC") {
        Some(list) => std::env::split_paths(&list)
            .filter(|p| !p.as_os_str().is_empty())
            .collect(),
        None => {
            let path = workspace_root().join(DEFAULT_SPEC);
            if !path.is_file() {
                eprintln!(
                    "codegen bench: {} is not there; measuring the workspace's own document only",
                    path.display()
                );
                return Ok(Vec::new());
            }
            vec![path]
        }
    };
    paths
        .iter()
        .map(|path| {
            let id = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .ok_or_else(|| format!("{} names no file", path.display()))?;
            Ok(Large {
                id,
                label: path.display().to_string(),
                text: read(path)?,
            })
        })
        .collect()
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map_or_else(|| manifest.to_path_buf(), Path::to_path_buf)
}
