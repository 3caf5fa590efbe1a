//! Installing and running the pinned Node.js tools (the Redocly linter and the Prism mock server).
//!
//! The tools are declared with exact versions in `tests/node/package.json` and locked in
//! `tests/node/package-lock.json`. [`ensure_installed`] runs `npm ci` from that lock file the first
//! time a test needs a tool, and again whenever the lock file changes. Several test binaries (and
//! several threads inside one binary) may ask at once: one process installs while the others wait
//! on a lock directory under the Cargo target directory, so `npm ci` never runs twice in parallel.
//!
//! Nothing here panics: every failure comes back as an error message that says what went wrong,
//! including the captured output of `npm` when the install itself fails.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use crate::workspace_root;

/// The message returned when `npm` cannot be started.
pub const NPM_NOT_FOUND: &str = "npm was not found on PATH; install Node.js (20 or newer) and npm to run the OpenAPI linter and mock-server tests";

/// Name of the stamp file written inside `node_modules` after a successful install. It records a
/// fingerprint of `package.json` and `package-lock.json`; a different fingerprint means the
/// installed tree is out of date.
const STAMP_FILE: &str = ".codegen-tests-install-stamp";

/// How long one process waits for another one's install to finish before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(15 * 60);

/// A lock directory older than this is taken to belong to a process that died mid-install.
const LOCK_STALE_AFTER: Duration = Duration::from_secs(12 * 60);

/// How often a waiting process looks at the lock again.
const LOCK_POLL: Duration = Duration::from_millis(250);

/// The longest `npm ci` may run before it is stopped.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The directory holding `package.json` and `package-lock.json` for the Node.js tools.
pub fn node_dir() -> PathBuf {
    workspace_root().join("tests").join("node")
}

/// The `node_modules/.bin` directory where npm links the tools' executables.
pub fn bin_dir() -> PathBuf {
    node_dir().join("node_modules").join(".bin")
}

/// Makes sure the pinned Node.js tools are installed and returns the `node_modules/.bin` directory.
///
/// The install runs `npm ci --no-audit --no-fund` in `tests/node` at most once per process, and
/// only when the stamp left by an earlier install does not match the current lock file. Processes
/// that call this at the same time are serialised by a lock directory under the target directory.
///
/// # Errors
///
/// Returns [`NPM_NOT_FOUND`] when `npm` cannot be started, and a message with the captured output
/// when the install fails or times out, or when the lock cannot be taken.
pub fn ensure_installed() -> Result<PathBuf, String> {
    static INSTALLED: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    INSTALLED.get_or_init(install_if_needed).clone()
}

/// Returns the path of an executable installed in `node_modules/.bin`, such as `redocly` or
/// `prism`, installing the tools first when needed.
///
/// # Errors
///
/// Returns the error from [`ensure_installed`], or a message naming the missing executable when the
/// install finished but did not provide it.
pub fn tool(name: &str) -> Result<PathBuf, String> {
    let bin = ensure_installed()?;
    let candidates: Vec<PathBuf> = if cfg!(windows) {
        vec![bin.join(format!("{name}.cmd")), bin.join(name)]
    } else {
        vec![bin.join(name)]
    };
    candidates
        .into_iter()
        .find(|path| path.is_file())
        .ok_or_else(|| {
            format!(
                "the Node.js tool `{name}` is not in {}; check that tests/node/package.json \
                 declares the package that provides it",
                bin.display()
            )
        })
}

/// Builds a [`Command`] for an installed tool with the environment set so that it runs quietly
/// and offline: telemetry, update checks and usage reports are switched off.
///
/// # Errors
///
/// Returns the error from [`tool`].
pub fn command(name: &str) -> Result<Command, String> {
    let mut command = Command::new(tool(name)?);
    quiet_environment(&mut command);
    Ok(command)
}

/// The captured result of a finished child process.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// How the process ended.
    pub status: ExitStatus,
    /// Everything the process wrote to standard output, decoded lossily as UTF-8.
    pub stdout: String,
    /// Everything the process wrote to standard error, decoded lossily as UTF-8.
    pub stderr: String,
}

impl RunOutput {
    /// Both output streams, labelled, for use in error and assertion messages.
    pub fn combined(&self) -> String {
        format!(
            "{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// Runs `command` to completion with its output captured, stopping it if it runs longer than
/// `timeout`. Standard input is closed.
///
/// # Errors
///
/// Returns a message when the process cannot be started, cannot be waited on, or times out (the
/// message then includes whatever it printed before it was stopped).
pub fn run_with_timeout(command: &mut Command, timeout: Duration) -> Result<RunOutput, String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `{program}`: {e}"))?;

    let stdout_reader = child.stdout.take().map(spawn_reader);
    let stderr_reader = child.stderr.take().map(spawn_reader);

    let deadline = Instant::now() + timeout;
    let waited = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if Instant::now() >= deadline => {
                // Best effort: the process may have ended between the check and the kill.
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!(
                    "`{program}` did not finish within {timeout:?} and was stopped"
                ));
            }
            Ok(None) => thread::sleep(Duration::from_millis(50)),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!("could not wait for `{program}`: {e}"));
            }
        }
    };

    let stdout = join_reader(stdout_reader);
    let stderr = join_reader(stderr_reader);
    match waited {
        Ok(status) => Ok(RunOutput {
            status,
            stdout,
            stderr,
        }),
        Err(message) => Err(format!(
            "{message}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
        )),
    }
}

/// Switches off telemetry, update notices and install-time usage reports for Node.js tools.
fn quiet_environment(command: &mut Command) {
    command
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .env("SCARF_ANALYTICS", "false")
        .env("DO_NOT_TRACK", "1")
        .env("NO_UPDATE_NOTIFIER", "1")
        .env("npm_config_update_notifier", "false")
        .env("npm_config_fund", "false")
        .env("npm_config_audit", "false");
}

fn spawn_reader<R: Read + Send + 'static>(mut stream: R) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        // A read error only truncates the captured text; the exit status still tells the story.
        let _ = stream.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn join_reader(handle: Option<thread::JoinHandle<String>>) -> String {
    handle.and_then(|h| h.join().ok()).unwrap_or_default()
}

/// The body of [`ensure_installed`], run once per process.
fn install_if_needed() -> Result<PathBuf, String> {
    let dir = node_dir();
    let bin = bin_dir();
    let fingerprint = lock_fingerprint(&dir)?;
    if is_current(&dir, &fingerprint) {
        return Ok(bin);
    }

    let _lock = DirLock::acquire(&lock_path())?;
    // Another process may have finished the install while this one waited for the lock.
    if is_current(&dir, &fingerprint) {
        return Ok(bin);
    }

    run_npm_ci(&dir)?;
    write_stamp(&dir, &fingerprint)?;
    Ok(bin)
}

fn run_npm_ci(dir: &Path) -> Result<(), String> {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let mut command = Command::new(npm);
    command
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir);
    quiet_environment(&mut command);
    let output = match run_with_timeout(&mut command, INSTALL_TIMEOUT) {
        Ok(output) => output,
        Err(message) => {
            if npm_is_missing(npm) {
                return Err(NPM_NOT_FOUND.to_owned());
            }
            return Err(format!("`npm ci` in {} failed: {message}", dir.display()));
        }
    };
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`npm ci --no-audit --no-fund` in {} failed\n{}",
            dir.display(),
            output.combined()
        ))
    }
}

fn npm_is_missing(npm: &str) -> bool {
    matches!(
        Command::new(npm)
            .arg("--version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status(),
        Err(ref e) if e.kind() == io::ErrorKind::NotFound
    )
}

/// A fingerprint of the manifest and lock file, stable across Rust versions (64-bit FNV-1a).
fn lock_fingerprint(dir: &Path) -> Result<String, String> {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for name in ["package.json", "package-lock.json"] {
        let path = dir.join(name);
        let bytes =
            fs::read(&path).map_err(|e| format!("could not read {}: {e}", path.display()))?;
        for byte in name
            .as_bytes()
            .iter()
            .chain([0u8].iter())
            .chain(bytes.iter())
        {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    Ok(format!("fnv1a64:{hash:016x}"))
}

fn stamp_path(dir: &Path) -> PathBuf {
    dir.join("node_modules").join(STAMP_FILE)
}

fn is_current(dir: &Path, fingerprint: &str) -> bool {
    let stamp_matches = fs::read_to_string(stamp_path(dir))
        .map(|text| text.trim() == fingerprint)
        .unwrap_or(false);
    stamp_matches && dir.join("node_modules").join(".bin").is_dir()
}

fn write_stamp(dir: &Path, fingerprint: &str) -> Result<(), String> {
    let stamp = stamp_path(dir);
    let temporary = stamp.with_extension(format!("tmp-{}", std::process::id()));
    fs::write(&temporary, format!("{fingerprint}\n"))
        .and_then(|()| fs::rename(&temporary, &stamp))
        .map_err(|e| format!("could not write the install stamp {}: {e}", stamp.display()))
}

/// Where the cross-process install lock lives: inside the Cargo target directory.
fn lock_path() -> PathBuf {
    crate::target_dir().join("codegen-tests-npm-install.lock")
}

/// A lock held by creating a directory, which is atomic on every platform; dropping the guard
/// removes the directory.
struct DirLock {
    path: PathBuf,
}

impl DirLock {
    fn acquire(path: &Path) -> Result<Self, String> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("could not create {}: {e}", parent.display()))?;
        }
        let started = Instant::now();
        loop {
            match fs::create_dir(path) {
                Ok(()) => {
                    // Informational only: names the holder for anyone inspecting a stuck lock.
                    let _ = fs::write(path.join("pid"), std::process::id().to_string());
                    return Ok(Self {
                        path: path.to_path_buf(),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    if is_stale(path) {
                        // Whoever held it is gone; clear it and race for it again.
                        let _ = fs::remove_dir_all(path);
                        continue;
                    }
                    if started.elapsed() >= LOCK_WAIT {
                        return Err(format!(
                            "timed out after {LOCK_WAIT:?} waiting for another test process to \
                             finish installing the Node.js tools (lock: {}); remove the lock \
                             directory if no install is running",
                            path.display()
                        ));
                    }
                    thread::sleep(LOCK_POLL);
                }
                Err(e) => {
                    return Err(format!("could not create the lock {}: {e}", path.display()));
                }
            }
        }
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

fn is_stale(path: &Path) -> bool {
    fs::metadata(path)
        .and_then(|meta| meta.modified())
        .ok()
        .and_then(|modified| SystemTime::now().duration_since(modified).ok())
        .is_some_and(|age| age > LOCK_STALE_AFTER)
}
