//! `cargo xtask corpus DIR...`: the generator against real documents. Every OpenAPI document in
//! the folders given becomes a standalone crate under `target/corpus/<stem>/`, which must pass
//! `cargo clippy` with warnings denied (clippy checks as `cargo check` does, and lints besides)
//! and its own tests, doctests included.
//!
//! The crates are members of one scratch workspace (`target/corpus/Cargo.toml`, their own
//! `[workspace]` table dropped), so that one `cargo clippy` and one `cargo test` build the shared
//! dependencies once and the crates in parallel; compiler messages are told apart by the
//! manifest they come from.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use generator::workspace::Selection;
use generator::{Diagnostics, Output};

use crate::upstream::{cargo, write_crate};

/// How many lines of cargo's errors are printed for each failing crate.
const ERROR_LINES: usize = 40;

/// The generated manifest's last table, which makes a crate a workspace of its own.
const OWN_WORKSPACE: &str = "\n[workspace]\n";

/// The command line of `cargo xtask corpus`.
#[derive(clap::Args)]
pub struct Args {
    /// Folders of OpenAPI documents (`.yaml`, `.yml`, `.json`); files that are not OpenAPI
    /// documents are skipped.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Parallel jobs for cargo (default: cargo's own, the number of CPUs).
    #[arg(long)]
    jobs: Option<usize>,
    /// Go on after a failure: check every crate that generated and test every crate that
    /// checked. Without it, the run stops after the first step that fails.
    #[arg(long)]
    keep_going: bool,
}

/// What became of one document.
enum Outcome {
    /// The generator refused it.
    Refused(Diagnostics),
    /// Generated; not checked because an earlier failure stopped the run.
    Generated,
    /// Generated; not tested because an earlier failure stopped the run.
    Checked,
    /// `cargo clippy` failed (a compiler error, a warning or a lint): the first error, and the
    /// first lines of all of them.
    CheckFailed(Failure),
    /// `cargo test` failed.
    TestsFailed(Failure),
    /// Checked and tested.
    Ok,
}

impl Outcome {
    fn label(&self) -> &'static str {
        match self {
            Outcome::Refused(_) => "refused by the generator",
            Outcome::Generated => "generated (not checked)",
            Outcome::Checked => "checked (not tested)",
            Outcome::CheckFailed(_) => "check failed",
            Outcome::TestsFailed(_) => "tests failed",
            Outcome::Ok => "ok",
        }
    }
}

/// Why cargo failed for one crate.
#[derive(Clone, Default)]
struct Failure {
    /// The first error, on one line: code, message and place.
    first: String,
    /// The first lines of the errors, as rustc or the test harness printed them.
    text: String,
}

/// One document and what became of it.
struct Document {
    path: PathBuf,
    /// The folder under `target/corpus/` and the name in the report.
    stem: String,
    /// The crate's package name.
    package: String,
    warnings: usize,
    free_form: usize,
    generated_in: Duration,
    /// When the shared check had finished this crate, from the start of the check.
    checked_at: Option<Duration>,
    outcome: Outcome,
}

/// Runs the gate; fails when any document is not ok.
pub fn run(root: &Path, args: &Args) -> ExitCode {
    match gate(root, args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

/// Generates, checks and tests; true when every document is ok.
fn gate(root: &Path, args: &Args) -> Result<bool, String> {
    let started = Instant::now();
    let work = root.join("target/corpus");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let mut documents = find_documents(&args.dirs)?;
    if documents.is_empty() {
        return Err("no OpenAPI document in the folders given".to_owned());
    }

    eprintln!("--- generating {} crate(s)", documents.len());
    for document in &mut documents {
        generate(root, &work, document)?;
    }
    let refused = documents
        .iter()
        .any(|d| matches!(d.outcome, Outcome::Refused(_)));

    let steps = Instant::now();
    if !refused || args.keep_going {
        write_workspace(root, &work, &documents)?;
        check(&work, args, &mut documents)?;
    }
    let checked_in = steps.elapsed();
    let check_failed = documents
        .iter()
        .any(|d| matches!(d.outcome, Outcome::CheckFailed(_)));
    let steps = Instant::now();
    if (!refused && !check_failed) || args.keep_going {
        test(&work, args, &mut documents)?;
    }
    let tested_in = steps.elapsed();

    report(&documents);
    let ok = documents
        .iter()
        .filter(|d| matches!(d.outcome, Outcome::Ok))
        .count();
    println!(
        "{ok} of {} documents ok in {:.1}s (check {:.1}s, tests {:.1}s)",
        documents.len(),
        started.elapsed().as_secs_f64(),
        checked_in.as_secs_f64(),
        tested_in.as_secs_f64()
    );
    Ok(ok == documents.len())
}

/// The OpenAPI documents in `dirs`, each folder's in name order; a file whose top level has no
/// `openapi` or `swagger` key is skipped and said so.
fn find_documents(dirs: &[PathBuf]) -> Result<Vec<Document>, String> {
    let mut documents: Vec<Document> = Vec::new();
    for dir in dirs {
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| {
                path.extension()
                    .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            })
            .collect();
        paths.sort();
        for path in paths {
            if !is_openapi(&path) {
                eprintln!("skipped {}: not an OpenAPI document", path.display());
                continue;
            }
            let mut stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            // `target` is the shared target folder; two documents may share a stem.
            while stem == "target" || documents.iter().any(|d| d.stem == stem) {
                stem.push_str("-2");
            }
            documents.push(Document {
                package: package_name(&stem),
                path,
                stem,
                warnings: 0,
                free_form: 0,
                generated_in: Duration::ZERO,
                checked_at: None,
                outcome: Outcome::Generated,
            });
        }
    }
    Ok(documents)
}

/// Whether a file declares itself an OpenAPI (or Swagger) document at its top level.
fn is_openapi(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        // Unreadable: let the generator say why.
        return true;
    };
    let is_json = path.extension().is_some_and(|e| e == "json");
    if is_json {
        return match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(value) => value.get("openapi").is_some() || value.get("swagger").is_some(),
            Err(_) => true,
        };
    }
    text.lines().any(|line| {
        ["openapi:", "swagger:", "\"openapi\":", "'openapi':"]
            .iter()
            .any(|key| line.starts_with(key))
    })
}

/// A package name from a file stem: cargo's names must not start with a digit.
fn package_name(stem: &str) -> String {
    let mut name = String::from("corpus");
    for word in stem
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        name.push('-');
        name.push_str(&word.to_ascii_lowercase());
    }
    name
}

/// Generates one document's crate, without its own `[workspace]` table.
fn generate(root: &Path, work: &Path, document: &mut Document) -> Result<(), String> {
    let started = Instant::now();
    let selection = Selection {
        name: Some(document.package.clone()),
        ..Selection::default()
    };
    let out = work.join(&document.stem);
    // No settings: `spec/codegen.yaml` names secrets of MongoDB's documents only.
    let result = write_crate(root, &document.path, None, &out, &selection, join_workspace)?;
    document.generated_in = started.elapsed();
    match result {
        Ok(output) => {
            document.warnings = output.warnings.iter().count();
            document.free_form = output.free_form;
        }
        Err(diagnostics) => {
            document.warnings = diagnostics
                .iter()
                .filter(|d| d.severity == generator::Severity::Warning)
                .count();
            document.outcome = Outcome::Refused(diagnostics.sorted());
        }
    }
    let what = if generated(document) {
        "generated"
    } else {
        "refused"
    };
    eprintln!(
        "{:<36} {what} in {:.2}s",
        document.stem,
        document.generated_in.as_secs_f64()
    );
    Ok(())
}

/// Drops the table that makes a generated crate a workspace of its own, so that it can be a
/// member of the scratch workspace.
fn join_workspace(output: &mut Output) {
    if let Some(manifest) = output
        .files
        .iter_mut()
        .find(|f| f.path == Path::new("Cargo.toml"))
        && let Some(at) = manifest.contents.rfind(OWN_WORKSPACE)
    {
        manifest.contents.replace_range(at + 1.., "");
    }
}

/// Writes the scratch workspace of the generated crates. The lock file starts as a copy of this
/// workspace's, so that the crates build against the versions `atlas-integrations` is tested
/// with.
fn write_workspace(root: &Path, work: &Path, documents: &[Document]) -> Result<(), String> {
    let mut manifest = String::from(
        "# The crates `cargo xtask corpus` generated, checked and tested together.\n\
         [workspace]\nresolver = \"3\"\nmembers = [\n",
    );
    for document in documents.iter().filter(|d| generated(d)) {
        let _ = writeln!(manifest, "    \"{}\",", document.stem);
    }
    manifest.push_str("]\n");
    let path = work.join("Cargo.toml");
    std::fs::write(&path, manifest).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    std::fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    Ok(())
}

fn generated(document: &Document) -> bool {
    !matches!(document.outcome, Outcome::Refused(_))
}

/// `cargo clippy --lib` of every generated crate with warnings denied: the compiler's checks and
/// clippy's default lints, in one pass over each crate.
fn check(work: &Path, args: &Args, documents: &mut [Document]) -> Result<(), String> {
    let packages: Vec<String> = documents
        .iter()
        .filter(|d| generated(d))
        .map(|d| d.package.clone())
        .collect();
    if packages.is_empty() {
        return Ok(());
    }
    eprintln!("--- cargo clippy --lib of {} crate(s)", packages.len());
    let mut command = cargo_in(work, "clippy", args, &packages);
    command.arg("--lib");
    if args.keep_going {
        command.arg("--keep-going");
    }
    let run = Run::of(command)?;
    for document in documents.iter_mut().filter(|d| generated(d)) {
        if let Some(failure) = run.failures.get(&document.stem) {
            document.outcome = Outcome::CheckFailed(failure.clone());
        } else if let Some(at) = run.built.get(&document.stem) {
            document.checked_at = Some(*at);
            document.outcome = Outcome::Checked;
        } else if !run.success {
            // Not reached: cargo stopped at another crate's failure.
            document.outcome = Outcome::Generated;
        }
    }
    if !run.success && run.failures.is_empty() {
        return Err(format!("cargo clippy failed:\n{}", run.stderr));
    }
    Ok(())
}

/// `cargo test` (unit tests and doctests) of every crate that checked. A crate whose tests do
/// not compile stops cargo before any test runs, so the others are then tested again without it.
fn test(work: &Path, args: &Args, documents: &mut [Document]) -> Result<(), String> {
    loop {
        let packages: Vec<String> = documents
            .iter()
            .filter(|d| matches!(d.outcome, Outcome::Checked))
            .map(|d| d.package.clone())
            .collect();
        if packages.is_empty() {
            return Ok(());
        }
        eprintln!("--- cargo test of {} crate(s)", packages.len());
        let mut command = cargo_in(work, "test", args, &packages);
        command.arg("--no-fail-fast");
        let run = Run::of(command)?;
        if !run.failures.is_empty() {
            for document in documents.iter_mut() {
                if let Some(failure) = run.failures.get(&document.stem) {
                    document.outcome = Outcome::TestsFailed(failure.clone());
                }
            }
            continue;
        }
        let failed: Vec<&String> = packages
            .iter()
            .filter(|p| {
                run.stderr.contains(&format!("`-p {p} "))
                    || run.stderr.contains(&format!("`-p {p}`"))
            })
            .collect();
        if !run.success && failed.is_empty() {
            return Err(format!("cargo test failed:\n{}", run.stderr));
        }
        for document in documents
            .iter_mut()
            .filter(|d| matches!(d.outcome, Outcome::Checked))
        {
            document.outcome = if failed.contains(&&document.package) {
                // A failing doctest is named after its file, under the crate's folder; a unit
                // test is not, so that crate's tests run again alone.
                let failure = match failed_tests(&run.output, &document.stem) {
                    Some(failure) => failure,
                    None => rerun_tests(work, &document.package)?,
                };
                Outcome::TestsFailed(failure)
            } else {
                Outcome::Ok
            };
        }
        return Ok(());
    }
}

/// The failing doctests of the crate in folder `stem`, as the test harness printed them.
fn failed_tests(output: &[String], stem: &str) -> Option<Failure> {
    let header = format!("---- {stem}/");
    let mut failure = Failure::default();
    let mut lines = 0;
    let mut inside = false;
    for line in output {
        if line.starts_with("---- ") {
            inside = line.starts_with(&header);
        } else if line == "failures:" {
            inside = false;
        }
        if !inside {
            continue;
        }
        if failure.first.is_empty() {
            failure.first = line.trim_matches(|c| c == '-' || c == ' ').to_owned();
        } else if line.starts_with("error") && !failure.first.contains(": error") {
            failure.first = format!("{}: {line}", failure.first);
        }
        if lines < ERROR_LINES {
            failure.text.push_str(line);
            failure.text.push('\n');
            lines += 1;
        }
    }
    (!failure.first.is_empty()).then_some(failure)
}

/// Runs one crate's tests alone and keeps the first lines of what failed.
fn rerun_tests(work: &Path, package: &str) -> Result<Failure, String> {
    let output = cargo()
        .current_dir(work)
        .args(["test", "--quiet", "--no-fail-fast", "-p", package])
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // From the first failure on: the passing tests before it say nothing.
    let lines: Vec<&str> = stdout
        .lines()
        .chain(stderr.lines())
        .skip_while(|l| {
            !(l.starts_with("failures:") || l.starts_with("----") || l.starts_with("error"))
        })
        .collect();
    let first = lines
        .iter()
        .find(|l| l.starts_with("error") || l.starts_with("----"))
        .map_or_else(String::new, |l| (*l).to_owned());
    Ok(Failure {
        first,
        text: lines
            .iter()
            .take(ERROR_LINES)
            .copied()
            .collect::<Vec<_>>()
            .join("\n"),
    })
}

/// A cargo command on the scratch workspace, its messages as JSON.
fn cargo_in(
    work: &Path,
    subcommand: &str,
    args: &Args,
    packages: &[String],
) -> std::process::Command {
    let mut command = cargo();
    command
        .current_dir(work)
        .args([subcommand, "--quiet", "--message-format=json"])
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .stdin(Stdio::null());
    if let Some(jobs) = args.jobs {
        command.arg(format!("--jobs={jobs}"));
    }
    for package in packages {
        command.args(["-p", package]);
    }
    command
}

/// What one cargo run over the scratch workspace said, by crate folder.
struct Run {
    success: bool,
    /// Crates with compiler errors.
    failures: BTreeMap<String, Failure>,
    /// When each crate's library was built, from the start of the run.
    built: BTreeMap<String, Duration>,
    /// What the tests printed.
    output: Vec<String>,
    stderr: String,
}

impl Run {
    fn of(mut command: std::process::Command) -> Result<Run, String> {
        let started = Instant::now();
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let stderr = child.stderr.take().map(|mut pipe| {
            std::thread::spawn(move || {
                let mut text = String::new();
                let _ = std::io::Read::read_to_string(&mut pipe, &mut text);
                text
            })
        });
        let mut run = Run {
            success: false,
            failures: BTreeMap::new(),
            built: BTreeMap::new(),
            output: Vec::new(),
            stderr: String::new(),
        };
        let mut lines_of: BTreeMap<String, usize> = BTreeMap::new();
        if let Some(stdout) = child.stdout.take() {
            for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)) {
                let line = line.map_err(|e| format!("cannot read cargo's output: {e}"))?;
                let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else {
                    run.output.push(line);
                    continue;
                };
                let Some(stem) = message["manifest_path"].as_str().and_then(member) else {
                    continue;
                };
                match message["reason"].as_str() {
                    Some("compiler-artifact") => {
                        let lib = message["target"]["kind"]
                            .as_array()
                            .is_some_and(|k| k.iter().any(|k| k == "lib"));
                        if lib {
                            run.built.insert(stem, started.elapsed());
                        }
                    }
                    Some("compiler-message") => {
                        let diagnostic = &message["message"];
                        if diagnostic["level"] != "error" {
                            continue;
                        }
                        let text = diagnostic["message"].as_str().unwrap_or_default();
                        if text.starts_with("aborting due to") {
                            continue;
                        }
                        let failure = run.failures.entry(stem.clone()).or_default();
                        if failure.first.is_empty() {
                            failure.first = first_error(diagnostic);
                        }
                        let printed = lines_of.entry(stem).or_default();
                        let rendered = diagnostic["rendered"].as_str().unwrap_or_default();
                        for line in rendered.lines() {
                            if *printed < ERROR_LINES {
                                failure.text.push_str(line);
                                failure.text.push('\n');
                                *printed += 1;
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let status = child
            .wait()
            .map_err(|e| format!("cannot wait for cargo: {e}"))?;
        run.success = status.success();
        run.stderr = stderr
            .and_then(|thread| thread.join().ok())
            .unwrap_or_default();
        Ok(run)
    }
}

/// The crate folder of a manifest under `target/corpus/`.
fn member(manifest: &str) -> Option<String> {
    let dir = Path::new(manifest).parent()?;
    let parent = dir.parent()?;
    (parent.file_name()? == "corpus").then(|| dir.file_name()?.to_str().map(str::to_owned))?
}

/// An error on one line: `E0412 cannot find type X (src/types.rs:12: pub foo: X,)`.
fn first_error(diagnostic: &serde_json::Value) -> String {
    let mut line = String::new();
    if let Some(code) = diagnostic["code"]["code"].as_str() {
        let _ = write!(line, "{code} ");
    }
    line.push_str(diagnostic["message"].as_str().unwrap_or_default());
    let spans = diagnostic["spans"].as_array();
    let primary = spans.and_then(|s| s.iter().find(|s| s["is_primary"] == true));
    if let Some(span) = primary {
        let source = span["text"][0]["text"].as_str().unwrap_or_default().trim();
        let _ = write!(
            line,
            " at {}:{}: {}",
            span["file_name"].as_str().unwrap_or_default(),
            span["line_start"],
            source.chars().take(120).collect::<String>()
        );
    }
    line
}

/// One line per document, then the diagnostics of each failing one in full.
fn report(documents: &[Document]) {
    for document in documents {
        let (heading, text) = match &document.outcome {
            Outcome::Refused(diagnostics) => ("refused by the generator", diagnostics.to_string()),
            Outcome::CheckFailed(f) => ("cargo clippy failed", f.text.clone()),
            Outcome::TestsFailed(f) => ("cargo test failed", f.text.clone()),
            _ => continue,
        };
        println!(
            "=== {} ({}): {heading}",
            document.stem,
            document.path.display()
        );
        println!("{}\n", text.trim_end());
    }
    for document in documents {
        let checked = document.checked_at.map_or_else(String::new, |at| {
            format!(", checked at +{:.1}s", at.as_secs_f64())
        });
        let first = match &document.outcome {
            Outcome::Refused(diagnostics) => diagnostics
                .iter()
                .find(|d| d.severity == generator::Severity::Error)
                .map_or_else(String::new, |d| {
                    format!("  [{}] {} at #{}", d.code.name(), d.message, d.pointer)
                }),
            Outcome::CheckFailed(f) | Outcome::TestsFailed(f) => format!("  {}", f.first),
            _ => String::new(),
        };
        println!(
            "{:<36} {:<26} {:>4} warning(s) {:>5} free-form   generated in {:.2}s{checked}{first}",
            document.stem,
            document.outcome.label(),
            document.warnings,
            if generated(document) {
                document.free_form.to_string()
            } else {
                "-".to_owned()
            },
            document.generated_in.as_secs_f64(),
        );
    }
}
