//! `cargo xtask bench`: how fast the generator is and how much memory it takes on a large
//! document, and how heavy the crate it generates from the whole document is to compile.
//!
//! 1. Time: `cargo bench -p generator --bench codegen -- --noplot` (a release build) measures the
//!    cases of `generator/benches/codegen.rs` with criterion; the medians are read back from
//!    criterion's `estimates.json` files.
//! 2. Peak memory: the executable cargo just ran runs each case once in a process of its own
//!    (`BENCH_ONCE`), under this same program started with `--measure-peak`, which waits for it
//!    and reads the peak resident set size of its children from `getrusage`.
//! 3. Crate check: `cargo xtask codegen` writes the whole document as a standalone crate under
//!    `target/bench/whole-crate`, whose dependencies are fetched first (not timed); a clean
//!    `cargo check --offline` of it, with its own target directory, is timed, and its peak
//!    memory is that of the largest process in the cargo process tree. Then the generated crate
//!    alone is cleaned and checked again, its dependencies built, to tell its share.
//!
//! 4. Decoding: `cargo bench -p atlas-integrations --bench decode` measures decoding and encoding
//!    a page of 500 integrations against `IgnoredAny` and a serde-derive model in the same run.
//!
//! The table compares each case with the floor, parsing alone, and tells which reference targets
//! are met. Missing a target is no failure; a step that fails is.

use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// The document measured by default, relative to the workspace root.
pub const DEFAULT_SPEC: &str = "../shared/specs/atlas-admin-v2-2025-06-30.yaml";
/// The tag of the `one tag` case by default.
pub const DEFAULT_TAG: &str = "Third-Party Integrations";

/// The line a measuring child prints its figures on.
const MARKER: &str = "xtask-bench-measured:";

/// The targets the figures are compared with.
const WHOLE_MAX_RATIO: f64 = 4.0;
const WHOLE_MAX_PEAK_RATIO: f64 = 4.0;
const TAG_MAX_RATIO: f64 = 1.3;
const SPEC_MAX_NS: f64 = 20e6;
const CHECK_MAX_NS: f64 = 30e9;
const ALONE_MAX_NS: f64 = 10e9;
const ALONE_MAX_KIB: u64 = 900 * 1024;
const DECODE_MAX_FLOOR: f64 = 3.0;
const DECODE_MAX_DERIVE: f64 = 0.7;
const PARSE_RESPONSE_MAX_FLOOR: f64 = 3.5;

/// Options of `cargo xtask bench`.
#[derive(clap::Args)]
pub struct Args {
    /// A large OpenAPI document to measure, relative to the workspace root (repeatable).
    #[arg(long = "spec", value_name = "PATH", default_value = DEFAULT_SPEC)]
    specs: Vec<PathBuf>,
    /// The tag whose operations the `one tag` case generates.
    #[arg(long, value_name = "TAG", default_value = DEFAULT_TAG)]
    tag: String,
    /// Run the command after `--`, then print its wall time and the peak memory of its process
    /// tree (used by the bench itself).
    #[arg(long, hide = true, requires = "command")]
    measure_peak: bool,
    /// The command `--measure-peak` runs.
    #[arg(last = true, hide = true)]
    command: Vec<OsString>,
}

/// Runs `cargo xtask bench`.
pub fn run(root: &Path, args: Args) -> ExitCode {
    let result = if args.measure_peak {
        measure_peak(&args.command)
    } else {
        bench(root, &args)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench: {message}");
            ExitCode::FAILURE
        }
    }
}

/// A large document to measure.
struct Spec {
    /// As given, relative to the workspace root.
    given: PathBuf,
    /// Absolute.
    path: PathBuf,
    /// Its file name without extension: what criterion files its results under.
    id: String,
}

/// The figures of one case; `None` where they could not be taken.
#[derive(Clone, Copy, Default)]
struct Figures {
    time_ns: Option<f64>,
    peak_kib: Option<u64>,
}

/// What one measured command took.
struct Measured {
    wall: Duration,
    peak_kib: Option<u64>,
}

/// The crate generated from a whole document, and what checking it took.
struct CrateCheck {
    files: usize,
    lines: usize,
    /// A clean check, dependencies included.
    measured: Measured,
    /// The generated crate checked again from scratch, its dependencies already built.
    alone: Measured,
}

/// The results for one document.
struct Report {
    parse: Figures,
    whole: Figures,
    tag: Figures,
    spec: Figures,
    check: CrateCheck,
}

fn bench(root: &Path, args: &Args) -> Result<(), String> {
    let specs = specs(root, &args.specs)?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let target = target_dir(&cargo, root)?;
    let criterion_home = target.join("criterion");
    let spec_list = std::env::join_paths(specs.iter().map(|s| &s.path))
        .map_err(|e| format!("cannot pass the documents to the bench: {e}"))?;

    heading("time: cargo bench -p generator --bench codegen -- --noplot");
    let started = SystemTime::now();
    let mut command = Command::new(&cargo);
    command
        .current_dir(root)
        .args(["bench", "-p", "generator", "--bench", "codegen"])
        .arg("--message-format=json-render-diagnostics")
        .args(["--", "--noplot"])
        .env("BENCH_SPEC", &spec_list)
        .env("BENCH_TAG", &args.tag)
        .env("CRITERION_HOME", &criterion_home);
    let exe = criterion(command, "codegen")?;
    let median = |id: &str| median_ns(&criterion_home, id, started).map(Some);
    let spec_time = median("generate/spec")?;

    heading("peak memory: each case once, in a process of its own");
    let once = |case: &str, document: &Path, label: &str| -> Result<Option<u64>, String> {
        let env = [
            ("BENCH_ONCE", OsString::from(case)),
            ("BENCH_SPEC", document.as_os_str().to_owned()),
            ("BENCH_TAG", OsString::from(&args.tag)),
        ];
        let measured = measure(exe.as_os_str(), &[], &env, root)?;
        println!("{label:<45} {}", kib(measured.peak_kib));
        Ok(measured.peak_kib)
    };
    let spec_peak = once("spec", Path::new(""), "spec/")?;
    let spec = Figures {
        time_ns: spec_time,
        peak_kib: spec_peak,
    };

    let mut cases = Vec::new();
    for document in &specs {
        let mut figures = [Figures::default(); 3];
        for (slot, (case, id)) in figures.iter_mut().zip([
            ("parse", format!("parse/{}", document.id)),
            ("whole", format!("generate/whole/{}", document.id)),
            ("tag", format!("generate/tag/{}", document.id)),
        ]) {
            *slot = Figures {
                time_ns: median(&id)?,
                peak_kib: once(case, &document.path, &id)?,
            };
        }
        cases.push(figures);
    }

    heading("decoding: cargo bench -p atlas-integrations --bench decode -- --noplot");
    let started_decode = SystemTime::now();
    let mut command = Command::new(&cargo);
    command
        .current_dir(root)
        .args(["bench", "-p", "atlas-integrations", "--bench", "decode"])
        .arg("--message-format=json-render-diagnostics")
        .args(["--", "--noplot"])
        .env("CRITERION_HOME", &criterion_home);
    criterion(command, "decode")?;
    let decode_median = |id: &str| median_ns(&criterion_home, id, started_decode);
    let decoding = Decoding {
        floor: decode_median("decode/ignored_any")?,
        value: decode_median("decode/value")?,
        derive: decode_median("decode/derive_model")?,
        generated: decode_median("decode/generated")?,
        parse_response: decode_median("decode/parse_response")?,
        encode_derive: decode_median("encode/derive_model")?,
        encode_generated: decode_median("encode/generated")?,
    };

    let mut reports = Vec::new();
    for (document, [parse, whole, tag]) in specs.iter().zip(cases) {
        heading(&format!(
            "whole-document crate check: {}",
            document.given.display()
        ));
        let check = crate_check(&cargo, root, &target, document)?;
        reports.push(Report {
            parse,
            whole,
            tag,
            spec,
            check,
        });
    }

    for (document, report) in specs.iter().zip(&reports) {
        print_report(document, &args.tag, report);
    }
    print_decoding(&decoding);
    Ok(())
}

/// The medians of the decoding bench, in nanoseconds.
struct Decoding {
    floor: f64,
    value: f64,
    derive: f64,
    generated: f64,
    parse_response: f64,
    encode_derive: f64,
    encode_generated: f64,
}

/// The decoding table: each case beside `IgnoredAny` and the derive model, then the targets.
fn print_decoding(d: &Decoding) {
    println!();
    println!("decoding a page of 500 integrations (all nine kinds, about 78 KB)");
    let (case, median, floor, derive) = ("case", "median", "×IgnoredAny", "×derive");
    println!("{case:<28}{median:<12}{floor:<12}{derive}");
    let row = |name: &str, ns: f64, derive: f64| {
        println!(
            "{name:<28}{:<12}{:<12}{}",
            time(Some(ns)),
            times(Some(ns / d.floor)),
            times(Some(ns / derive))
        );
    };
    row("IgnoredAny (floor)", d.floor, d.derive);
    row("serde_json::Value", d.value, d.derive);
    row("serde-derive model", d.derive, d.derive);
    row("PaginatedIntegrationView", d.generated, d.derive);
    row("parse_response", d.parse_response, d.derive);
    row("encode: derive model", d.encode_derive, d.encode_derive);
    row("encode: generated", d.encode_generated, d.encode_derive);
    println!("\ntargets (for reference)");
    let targets = [
        (
            format!("decode ≤ {DECODE_MAX_FLOOR}× IgnoredAny"),
            times(Some(d.generated / d.floor)),
            d.generated / d.floor <= DECODE_MAX_FLOOR,
        ),
        (
            format!("decode ≤ {DECODE_MAX_DERIVE}× derive"),
            times(Some(d.generated / d.derive)),
            d.generated / d.derive <= DECODE_MAX_DERIVE,
        ),
        (
            format!("parse_response ≤ {PARSE_RESPONSE_MAX_FLOOR}× IgnoredAny"),
            times(Some(d.parse_response / d.floor)),
            d.parse_response / d.floor <= PARSE_RESPONSE_MAX_FLOOR,
        ),
        (
            "encode ≤ the derive model's".to_owned(),
            times(Some(d.encode_generated / d.encode_derive)),
            d.encode_generated <= d.encode_derive,
        ),
    ];
    for (target, figure, met) in targets {
        let verdict = if met { "met" } else { "NOT met" };
        println!("  {target:<40}{figure:<12}{verdict}");
    }
}

/// Resolves the documents against the workspace root and names each.
fn specs(root: &Path, given: &[PathBuf]) -> Result<Vec<Spec>, String> {
    let mut specs: Vec<Spec> = Vec::new();
    for given in given {
        let path = root.join(given);
        if !path.is_file() {
            return Err(format!(
                "{} is not a file (paths are taken from the workspace root, {})",
                given.display(),
                root.display()
            ));
        }
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if specs.iter().any(|s| s.id == id) {
            return Err(format!(
                "two documents are named `{id}`; criterion would file both under one name"
            ));
        }
        specs.push(Spec {
            given: given.clone(),
            path,
            id,
        });
    }
    Ok(specs)
}

/// The workspace's target directory, as cargo sees it.
fn target_dir(cargo: &OsStr, root: &Path) -> Result<PathBuf, String> {
    let output = Command::new(cargo)
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata failed: {}", output.status));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cannot read cargo metadata's answer: {e}"))?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata names no target directory".to_owned())
}

/// Runs `cargo bench` with JSON messages on standard output, passing criterion's lines through,
/// and returns the bench's executable: the peak memory is then measured on the very build
/// whose time was measured.
fn criterion(mut command: Command, bench: &str) -> Result<PathBuf, String> {
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo bench: {e}"))?;
    let mut exe = None;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| format!("cannot read cargo bench's output: {e}"))?;
            let message = line
                .starts_with('{')
                .then(|| serde_json::from_str::<serde_json::Value>(&line).ok())
                .flatten()
                .filter(|message| message.get("reason").is_some());
            match message {
                Some(message) => {
                    if message["reason"] == "compiler-artifact"
                        && message["target"]["name"] == bench
                    {
                        exe = message["executable"].as_str().map(PathBuf::from).or(exe);
                    }
                }
                None => println!("{line}"),
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("cannot wait for cargo bench: {e}"))?;
    if !status.success() {
        return Err(format!("cargo bench failed: {status}"));
    }
    exe.ok_or_else(|| format!("cargo named no executable for the {bench} bench"))
}

/// The median time of criterion benchmark `id`, in nanoseconds, from a run begun at `since`.
fn median_ns(criterion_home: &Path, id: &str, since: SystemTime) -> Result<f64, String> {
    let dir = find_benchmark(criterion_home, id)?.ok_or_else(|| {
        format!(
            "criterion left no results for `{id}` under {}",
            criterion_home.display()
        )
    })?;
    let estimates = dir.join("estimates.json");
    let modified = std::fs::metadata(&estimates)
        .and_then(|m| m.modified())
        .map_err(|e| format!("cannot read {}: {e}", estimates.display()))?;
    if modified < since {
        return Err(format!("{} is from an earlier run", estimates.display()));
    }
    let text = std::fs::read_to_string(&estimates)
        .map_err(|e| format!("cannot read {}: {e}", estimates.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("cannot parse {}: {e}", estimates.display()))?;
    value["median"]["point_estimate"]
        .as_f64()
        .ok_or_else(|| format!("{} has no median", estimates.display()))
}

/// The `new` directory of criterion benchmark `id`: the one whose `benchmark.json` names it, so
/// that criterion's rules for directory names need not be repeated here.
fn find_benchmark(dir: &Path, id: &str) -> Result<Option<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name() == Some(OsStr::new("new")) {
            let named = std::fs::read_to_string(path.join("benchmark.json"))
                .ok()
                .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
                .is_some_and(|benchmark| benchmark["full_id"] == id);
            if named {
                return Ok(Some(path));
            }
        } else if path.file_name() != Some(OsStr::new("base"))
            && path.file_name() != Some(OsStr::new("change"))
            && let Some(found) = find_benchmark(&path, id)?
        {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// Generates `document` whole as a standalone crate, fetches its dependencies, and measures a
/// clean `cargo check` of it.
fn crate_check(
    cargo: &OsStr,
    root: &Path,
    target: &Path,
    document: &Spec,
) -> Result<CrateCheck, String> {
    let dir = target.join("bench").join("whole-crate");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    println!(
        "cargo xtask codegen --spec {} --out {}",
        document.given.display(),
        dir.display()
    );
    let output = Command::new(cargo)
        .current_dir(root)
        .args(["xtask", "codegen", "--spec"])
        .arg(&document.given)
        .arg("--out")
        .arg(&dir)
        .output()
        .map_err(|e| format!("cannot run cargo xtask codegen: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        eprint!("{}{stderr}", String::from_utf8_lossy(&output.stdout));
        return Err(format!("cargo xtask codegen failed: {}", output.status));
    }
    if let Some(summary) = stderr.lines().rev().find(|l| l.contains("warning(s)")) {
        println!("codegen: {summary}");
    }
    let (files, lines) = count_sources(&dir)?;
    println!("{files} files, {lines} lines of Rust");

    let manifest = dir.join("Cargo.toml");
    let fetch = |offline: bool| {
        let mut command = Command::new(cargo);
        command
            .current_dir(&dir)
            .arg("fetch")
            .arg("--manifest-path")
            .arg(&manifest);
        if offline {
            command.arg("--offline").stderr(Stdio::null());
        }
        command.status().is_ok_and(|status| status.success())
    };
    if !fetch(true) && !fetch(false) {
        return Err(format!(
            "cannot fetch the dependencies of {}",
            manifest.display()
        ));
    }

    let target_dir = dir.join("target");
    if target_dir.exists() {
        std::fs::remove_dir_all(&target_dir)
            .map_err(|e| format!("cannot remove {}: {e}", target_dir.display()))?;
    }
    println!(
        "CARGO_TARGET_DIR={} cargo check --offline --manifest-path {}",
        target_dir.display(),
        manifest.display()
    );
    let args = [
        OsStr::new("check"),
        OsStr::new("--offline"),
        OsStr::new("--manifest-path"),
        manifest.as_os_str(),
    ];
    let env = [("CARGO_TARGET_DIR", target_dir.into_os_string())];
    let measured = measure(cargo, &args, &env, &dir)?;

    // Again with the dependencies built: what the generated code alone costs.
    let name = crate_name(&manifest)?;
    println!("cargo clean -p {name}, then the same check again");
    let status = Command::new(cargo)
        .current_dir(&dir)
        .args([
            "clean",
            "--offline",
            "--quiet",
            "-p",
            &name,
            "--manifest-path",
        ])
        .arg(&manifest)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .status()
        .map_err(|e| format!("cannot run cargo clean: {e}"))?;
    if !status.success() {
        return Err(format!("cargo clean -p {name} failed: {status}"));
    }
    let alone = measure(cargo, &args, &env, &dir)?;
    Ok(CrateCheck {
        files,
        lines,
        measured,
        alone,
    })
}

/// The package name a generated manifest declares.
fn crate_name(manifest: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    text.lines()
        .filter_map(|line| line.strip_prefix("name"))
        .filter_map(|rest| rest.trim_start().strip_prefix('='))
        .map(|value| value.trim().trim_matches('"').to_owned())
        .next()
        .ok_or_else(|| format!("{} names no package", manifest.display()))
}

/// The number of `.rs` files under `dir` and of their lines.
fn count_sources(dir: &Path) -> Result<(usize, usize), String> {
    let mut files = 0;
    let mut lines = 0;
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            let (f, l) = count_sources(&path)?;
            files += f;
            lines += l;
        } else if path.extension() == Some(OsStr::new("rs")) {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            files += 1;
            lines += text.lines().count();
        }
    }
    Ok((files, lines))
}

/// Runs `program` under `cargo xtask bench --measure-peak`, a process of its own whose only
/// children are `program` and its descendants, and returns what it took.
fn measure(
    program: &OsStr,
    args: &[&OsStr],
    env: &[(&str, OsString)],
    dir: &Path,
) -> Result<Measured, String> {
    let this = this_program()?;
    let output = Command::new(this)
        .current_dir(dir)
        .args(["bench", "--measure-peak", "--"])
        .arg(program)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.to_string_lossy()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut measured = None;
    for line in stdout.lines() {
        match line.strip_prefix(MARKER) {
            Some(figures) => measured = parse_measured(figures),
            None => println!("{line}"),
        }
    }
    if !output.status.success() {
        return Err(format!("{} failed", program.to_string_lossy()));
    }
    measured.ok_or_else(|| format!("no figures came back from {}", program.to_string_lossy()))
}

/// This program. On Linux, the running image itself: `cargo xtask` may be rebuilt while the
/// bench runs, which replaces the file under its path.
fn this_program() -> Result<PathBuf, String> {
    if cfg!(target_os = "linux") {
        Ok(PathBuf::from("/proc/self/exe"))
    } else {
        std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))
    }
}

fn parse_measured(figures: &str) -> Option<Measured> {
    let mut wall = None;
    let mut peak_kib = None;
    for field in figures.split_whitespace() {
        match field.split_once('=') {
            Some(("wall_ns", n)) => wall = n.parse().ok().map(Duration::from_nanos),
            Some(("peak_kib", n)) => peak_kib = n.parse().ok(),
            _ => {}
        }
    }
    Some(Measured {
        wall: wall?,
        peak_kib,
    })
}

/// `--measure-peak`: runs the command, waits for it, and prints its wall time and the largest
/// peak resident set size of its process tree.
fn measure_peak(command: &[OsString]) -> Result<(), String> {
    let (program, args) = command
        .split_first()
        .ok_or("--measure-peak needs a command after `--`")?;
    let start = Instant::now();
    let status = Command::new(program)
        .args(args)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", program.to_string_lossy()))?;
    let wall = start.elapsed();
    if !status.success() {
        return Err(format!("{} failed: {status}", program.to_string_lossy()));
    }
    let peak = children_peak_kib().map_or_else(String::new, |kib| kib.to_string());
    println!("{MARKER} wall_ns={} peak_kib={peak}", wall.as_nanos());
    Ok(())
}

/// The largest peak resident set size among the children waited for, and their descendants
/// waited for by them, in KiB.
#[cfg(unix)]
fn children_peak_kib() -> Option<u64> {
    use nix::sys::resource::{UsageWho, getrusage};
    let max_rss = u64::try_from(getrusage(UsageWho::RUSAGE_CHILDREN).ok()?.max_rss()).ok()?;
    // Linux and the BSDs count in KiB, macOS in bytes.
    if cfg!(target_os = "macos") {
        Some(max_rss / 1024)
    } else {
        Some(max_rss)
    }
}

#[cfg(not(unix))]
fn children_peak_kib() -> Option<u64> {
    None
}

fn heading(text: &str) {
    println!("\n==> {text}");
}

fn print_report(document: &Spec, tag: &str, report: &Report) {
    let floor = report.parse;
    println!();
    println!(
        "{} ({}), tag `{tag}`",
        document.id,
        document.given.display()
    );
    columns(["scenario", "time", "×floor", "peak RSS", "×floor"]);
    let row = |name: &str, figures: Figures| {
        let time_ratio = ratio(figures.time_ns, floor.time_ns);
        let peak_ratio = ratio(
            figures.peak_kib.map(|k| k as f64),
            floor.peak_kib.map(|k| k as f64),
        );
        columns([
            name,
            &time(figures.time_ns),
            &times(time_ratio),
            &kib(figures.peak_kib),
            &times(peak_ratio),
        ]);
    };
    row("parse (floor)", floor);
    row("whole document", report.whole);
    row("one tag", report.tag);
    row("spec/", report.spec);
    let check = &report.check;
    columns([
        "whole crate check",
        &time(Some(check.measured.wall.as_secs_f64() * 1e9)),
        "—",
        &kib(check.measured.peak_kib),
        "—",
    ]);
    columns([
        "  the crate alone",
        &time(Some(check.alone.wall.as_secs_f64() * 1e9)),
        "—",
        &kib(check.alone.peak_kib),
        "—",
    ]);
    println!(
        "time: criterion's median; peak RSS: one run in a process of its own, its largest \
         process for the crate check\ncrate check: a clean `cargo check --offline` of the {} \
         files, {} lines generated, dependencies included; the crate alone: checked again after \
         `cargo clean -p`, its dependencies built",
        check.files, check.lines
    );

    println!("\ntargets (for reference)");
    let whole_ratio = ratio(report.whole.time_ns, floor.time_ns);
    let tag_ratio = ratio(report.tag.time_ns, floor.time_ns);
    let check_ns = check.measured.wall.as_secs_f64() * 1e9;
    let alone_ns = check.alone.wall.as_secs_f64() * 1e9;
    let whole_peak_ratio = ratio(
        report.whole.peak_kib.map(|k| k as f64),
        floor.peak_kib.map(|k| k as f64),
    );
    let targets = [
        (
            format!("whole document ≤ {WHOLE_MAX_RATIO}× floor"),
            times(whole_ratio),
            whole_ratio.map(|r| r <= WHOLE_MAX_RATIO),
        ),
        (
            format!("one tag ≤ {TAG_MAX_RATIO}× floor"),
            times(tag_ratio),
            tag_ratio.map(|r| r <= TAG_MAX_RATIO),
        ),
        (
            format!("spec/ ≤ {}", time(Some(SPEC_MAX_NS))),
            time(report.spec.time_ns),
            report.spec.time_ns.map(|ns| ns <= SPEC_MAX_NS),
        ),
        (
            format!("whole document peak ≤ {WHOLE_MAX_PEAK_RATIO}× floor"),
            times(whole_peak_ratio),
            whole_peak_ratio.map(|r| r <= WHOLE_MAX_PEAK_RATIO),
        ),
        (
            format!(
                "crate check, with dependencies ≤ {}",
                time(Some(CHECK_MAX_NS))
            ),
            time(Some(check_ns)),
            Some(check_ns <= CHECK_MAX_NS),
        ),
        (
            format!("the crate alone ≤ {}", time(Some(ALONE_MAX_NS))),
            time(Some(alone_ns)),
            Some(alone_ns <= ALONE_MAX_NS),
        ),
        (
            format!("the crate alone ≤ {}", kib(Some(ALONE_MAX_KIB))),
            kib(check.alone.peak_kib),
            check.alone.peak_kib.map(|k| k <= ALONE_MAX_KIB),
        ),
    ];
    for (target, figure, met) in targets {
        let verdict = match met {
            Some(true) => "met",
            Some(false) => "NOT met",
            None => "unknown",
        };
        println!("  {target:<40}{figure:<12}{verdict}");
    }
}

/// One line of the table.
fn columns([name, time, time_ratio, peak, peak_ratio]: [&str; 5]) {
    println!("{name:<20}{time:<12}{time_ratio:<9}{peak:<11}{peak_ratio}");
}

fn ratio(value: Option<f64>, floor: Option<f64>) -> Option<f64> {
    match (value, floor) {
        (Some(value), Some(floor)) if floor > 0.0 => Some(value / floor),
        _ => None,
    }
}

fn times(ratio: Option<f64>) -> String {
    ratio.map_or_else(|| "?".to_owned(), |r| format!("{r:.2}"))
}

fn time(ns: Option<f64>) -> String {
    let Some(ns) = ns else {
        return "?".to_owned();
    };
    let (value, unit) = if ns >= 1e9 {
        (ns / 1e9, "s")
    } else if ns >= 1e6 {
        (ns / 1e6, "ms")
    } else if ns >= 1e3 {
        (ns / 1e3, "µs")
    } else {
        (ns, "ns")
    };
    format!("{} {unit}", three_digits(value))
}

/// A value from 1 to 1000 with three significant digits.
fn three_digits(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.2}")
    } else if value < 100.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    }
}

fn kib(kib: Option<u64>) -> String {
    let Some(kib) = kib else {
        return "?".to_owned();
    };
    let kib = kib as f64;
    if kib >= 1024.0 * 1024.0 {
        format!("{} GiB", three_digits(kib / (1024.0 * 1024.0)))
    } else if kib >= 1024.0 {
        format!("{:.0} MiB", kib / 1024.0)
    } else {
        format!("{kib:.0} KiB")
    }
}
