//! A Prism mock server built from the OpenAPI document, started and stopped by the tests.
//!
//! [`MockServer::start`] runs the pinned `prism mock` on a free port of `127.0.0.1` with request
//! validation turned into error answers (`--errors`) and static examples (`--dynamic=false`), and
//! returns once Prism accepts connections and has said that it is listening. Dropping the server
//! stops Prism again.
//!
//! Each test starts its own server and drops it at the end, so no server outlives the test that
//! uses it. On Unix, Prism runs in its own process group behind a small `sh` watchdog that reads
//! from a pipe held by the test process: dropping the server kills the whole group, and if the
//! test process dies without dropping it (a `SIGKILL`, or Ctrl-C, which does not reach the
//! separate process group), the pipe closes and the watchdog stops Prism by itself.
//!
//! Nothing here panics: every failure comes back as an error message, with Prism's log when it
//! helps.

use std::fmt;
use std::fs::{self, File};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::{node, workspace_root};

/// The longest Prism may take to start listening; it normally needs one or two seconds.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// How often the start-up check looks at the port and the log again.
const READY_POLL: Duration = Duration::from_millis(100);

/// How often a start is retried when Prism exits early, for instance because another process
/// took the chosen port between the probe and Prism's own bind.
const START_ATTEMPTS: usize = 3;

/// The longest one request to the mock may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a stopped Prism gets to exit after `SIGTERM` before it is sent `SIGKILL`.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// What Prism prints once its HTTP server is up, followed by the address.
const LISTENING: &str = "Prism is listening on";

/// The response header in which Prism lists the ways a request broke the OpenAPI document.
pub const VIOLATIONS_HEADER: &str = "sl-violations";

/// The shell script that runs Prism in the background and stops it when its standard input
/// closes, that is when the test process that holds the other end of the pipe goes away.
#[cfg(unix)]
const WATCHDOG: &str = r#""$@" &
prism=$!
trap 'kill -TERM "$prism" 2>/dev/null; exit 0' TERM INT HUP
while read -r _line; do :; done
kill -TERM "$prism" 2>/dev/null
wait "$prism"
"#;

/// A running Prism mock server, stopped when dropped.
pub struct MockServer {
    /// The Prism process (on Unix, the watchdog shell that leads Prism's process group).
    child: Child,
    /// The write end of the watchdog's standard input; its closing stops Prism.
    watchdog: Option<ChildStdin>,
    /// The port Prism listens on, on `127.0.0.1`.
    port: u16,
    /// `http://127.0.0.1:PORT`.
    base_url: String,
    /// The file that receives Prism's standard output and standard error.
    log_path: PathBuf,
    /// The client that sends requests to the mock.
    client: reqwest::blocking::Client,
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("pid", &self.child.id())
            .field("port", &self.port)
            .field("base_url", &self.base_url)
            .field("log_path", &self.log_path)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts `prism mock` on `spec` and waits until it serves requests.
    ///
    /// Prism listens on a free ephemeral port of `127.0.0.1` only. It answers a request that breaks
    /// the document with an error status and an `sl-violations` header, and answers valid requests
    /// from the document's examples.
    ///
    /// # Errors
    ///
    /// Returns a message when the Node.js tools cannot be installed, when Prism cannot be started,
    /// or when it exits or fails to listen within a minute; the message then includes its log.
    pub fn start(spec: &Path) -> Result<MockServer, String> {
        if !spec.is_file() {
            return Err(format!("no OpenAPI document at {}", spec.display()));
        }
        crate::install_crypto_provider();
        let client = reqwest::blocking::Client::builder()
            .no_proxy()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| format!("could not build the HTTP client: {e}"))?;
        let mut failures = Vec::new();
        for _ in 0..START_ATTEMPTS {
            match Self::start_once(spec, client.clone()) {
                Ok(server) => return Ok(server),
                Err(Failure::Retry(message)) => failures.push(message),
                Err(Failure::Fatal(message)) => return Err(message),
            }
        }
        Err(format!(
            "Prism did not start in {START_ATTEMPTS} attempts:\n{}",
            failures.join("\n\n")
        ))
    }

    fn start_once(spec: &Path, client: reqwest::blocking::Client) -> Result<MockServer, Failure> {
        let port = free_port().map_err(Failure::Fatal)?;
        let log_path = log_path(port).map_err(Failure::Fatal)?;
        let log = File::create(&log_path)
            .map_err(|e| Failure::Fatal(format!("could not create {}: {e}", log_path.display())))?;
        let log_err = log
            .try_clone()
            .map_err(|e| Failure::Fatal(format!("could not share {}: {e}", log_path.display())))?;

        let mut command = prism_command(spec, port).map_err(Failure::Fatal)?;
        command
            .current_dir(workspace_root())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log_err));
        let mut child = command
            .spawn()
            .map_err(|e| Failure::Fatal(format!("could not start Prism: {e}")))?;
        let watchdog = child.stdin.take();

        let mut server = MockServer {
            child,
            watchdog,
            port,
            base_url: format!("http://{}:{port}", Ipv4Addr::LOCALHOST),
            log_path,
            client,
        };
        // On any failure below, dropping `server` stops Prism and removes nothing it still needs:
        // the message carries the log.
        server.wait_until_ready()?;
        Ok(server)
    }

    /// Waits until the port accepts connections and the log says Prism is listening on it.
    fn wait_until_ready(&mut self) -> Result<(), Failure> {
        let started = Instant::now();
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let announcement = format!("{LISTENING} {}", self.base_url);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    return Err(Failure::Retry(format!(
                        "Prism exited ({status}) before it listened on port {}\n--- Prism log ---\n{}",
                        self.port,
                        self.log()
                    )));
                }
                Ok(None) => {}
                Err(e) => {
                    return Err(Failure::Fatal(format!("could not wait for Prism: {e}")));
                }
            }
            let announced = self.log().contains(&announcement);
            if announced && TcpStream::connect_timeout(&address, READY_POLL).is_ok() {
                return Ok(());
            }
            if started.elapsed() >= READY_TIMEOUT {
                return Err(Failure::Fatal(format!(
                    "Prism did not listen on {} within {READY_TIMEOUT:?} and was stopped\n\
                     --- Prism log ---\n{}",
                    self.base_url,
                    self.log()
                )));
            }
            thread::sleep(READY_POLL);
        }
    }

    /// The address of the mock, `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The port the mock listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Everything Prism has logged so far: its routes, then one block per request that says how
    /// the request was validated and answered.
    pub fn log(&self) -> String {
        fs::read(&self.log_path)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_else(|e| format!("(could not read {}: {e})", self.log_path.display()))
    }

    /// The file that holds Prism's log. It is removed when the server is dropped, unless the
    /// thread is panicking then, so a failed test leaves it behind to look at.
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// Sends `request` to the mock and returns its reply.
    ///
    /// The request's URI must be in origin form, a path with an optional query such as
    /// `/api/atlas/v1.0/groups/…/integrations?pageNum=2`; it is joined to [`Self::base_url`]. The
    /// method, every header and the body are sent as they are. The client adds only what HTTP/1.1
    /// needs (`host`, `content-length`) and `accept: */*` when the request has no `accept` header.
    ///
    /// # Errors
    ///
    /// Returns a message when the URI is not in origin form or the exchange fails.
    pub fn send(&self, request: http::Request<crate::runtime::Body>) -> Result<Reply, String> {
        let (parts, body) = request.into_parts();
        if parts.uri.scheme().is_some() || parts.uri.authority().is_some() {
            return Err(format!(
                "the request URI `{}` must be a path with an optional query, without scheme or host",
                parts.uri
            ));
        }
        let target = parts
            .uri
            .path_and_query()
            .map_or("/", http::uri::PathAndQuery::as_str);
        if !target.starts_with('/') {
            return Err(format!(
                "the request URI `{target}` does not start with `/`"
            ));
        }
        let url = format!("{}{target}", self.base_url);
        let response = self
            .client
            .request(parts.method.clone(), &url)
            .headers(parts.headers)
            .body(body.into_vec())
            .send()
            .map_err(|e| format!("{} {url} failed: {}", parts.method, error_chain(&e)))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response
            .bytes()
            .map_err(|e| format!("reading the body of {url} failed: {}", error_chain(&e)))?
            .to_vec();
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    /// Stops Prism and everything it started, waiting for them to exit.
    fn stop(&mut self) {
        // Closing the pipe alone would also stop Prism; the signals make it prompt.
        drop(self.watchdog.take());
        #[cfg(unix)]
        {
            let group = format!("-{}", self.child.id());
            signal("-TERM", &group);
            let deadline = Instant::now() + STOP_GRACE;
            while group_alive(&group) && Instant::now() < deadline {
                // Reap the watchdog as soon as it exits, so the group check sees it gone.
                let _ = self.child.try_wait();
                thread::sleep(Duration::from_millis(50));
            }
            if group_alive(&group) {
                signal("-KILL", &group);
            }
        }
        #[cfg(not(unix))]
        {
            // Best effort: the process may already have exited.
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.stop();
        if !thread::panicking() {
            let _ = fs::remove_file(&self.log_path);
        }
    }
}

/// Why one start attempt failed.
enum Failure {
    /// Prism exited early; another port may work.
    Retry(String),
    /// Trying again will not help.
    Fatal(String),
}

/// An answer from the mock server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status code.
    pub status: u16,
    /// Every response header, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The response body.
    pub body: Vec<u8>,
}

impl Reply {
    /// The value of the first header called `name` (compared without regard to case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The `sl-violations` header: a JSON array that lists how the request broke the document.
    /// Prism sends it only for a request that failed validation.
    pub fn violations(&self) -> Option<String> {
        self.header(VIOLATIONS_HEADER).map(str::to_owned)
    }

    /// Whether the status is 2xx and Prism found nothing wrong with the request.
    pub fn is_accepted(&self) -> bool {
        (200..300).contains(&self.status) && self.violations().is_none()
    }

    /// The body decoded lossily as UTF-8.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "HTTP {}", self.status)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {value}")?;
        }
        writeln!(f)?;
        write!(f, "{}", self.body_text())
    }
}

/// Renders a request as text for assertion messages: the request line, every header and the
/// body (lossily decoded as UTF-8).
pub fn describe_request(request: &http::Request<crate::runtime::Body>) -> String {
    let mut text = format!("{} {}\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        text.push_str(&format!(
            "{name}: {}\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    text.push('\n');
    text.push_str(&String::from_utf8_lossy(request.body()));
    text
}

/// Asks the operating system for a free port on `127.0.0.1`.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| format!("could not bind a free port on 127.0.0.1: {e}"))?;
    let port = listener
        .local_addr()
        .map_err(|e| format!("could not read the free port: {e}"))?
        .port();
    drop(listener);
    Ok(port)
}

/// A fresh log file path under the Cargo target directory.
fn log_path(port: u16) -> Result<PathBuf, String> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = crate::target_dir().join("codegen-tests-prism");
    fs::create_dir_all(&dir).map_err(|e| format!("could not create {}: {e}", dir.display()))?;
    let serial = NEXT.fetch_add(1, Ordering::Relaxed);
    Ok(dir.join(format!("prism-{}-{serial}-{port}.log", std::process::id())))
}

/// The arguments of `prism mock` for `spec` on `port`.
fn prism_args(spec: &Path, port: u16) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = [
        "mock",
        "--host",
        "127.0.0.1",
        "--port",
        &port.to_string(),
        "--errors",
        "--dynamic=false",
        "--cors=false",
    ]
    .iter()
    .map(Into::into)
    .collect();
    args.push(spec.as_os_str().to_owned());
    args
}

/// The command that runs Prism: on Unix under the watchdog shell, in a new process group.
#[cfg(unix)]
fn prism_command(spec: &Path, port: u16) -> Result<Command, String> {
    use std::os::unix::process::CommandExt;

    // Take the program and the quiet environment from the shared tool set-up.
    let prism = node::command("prism")?;
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(WATCHDOG)
        .arg("prism-watchdog")
        .arg(prism.get_program())
        .args(prism_args(spec, port))
        .stdin(Stdio::piped())
        .process_group(0);
    for (key, value) in prism.get_envs() {
        match value {
            Some(value) => command.env(key, value),
            None => command.env_remove(key),
        };
    }
    Ok(command)
}

/// The command that runs Prism directly, where process groups are not available.
#[cfg(not(unix))]
fn prism_command(spec: &Path, port: u16) -> Result<Command, String> {
    let mut command = node::command("prism")?;
    command.args(prism_args(spec, port)).stdin(Stdio::null());
    Ok(command)
}

/// Sends `signal` (such as `-TERM`) to `target` (a pid, or a process group as `-PGID`).
#[cfg(unix)]
fn signal(signal: &str, target: &str) {
    // Best effort: the group may already be gone, and then `kill` fails harmlessly.
    let _ = Command::new("kill")
        .args([signal, "--", target])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Whether any process of the group `-PGID` is still alive.
#[cfg(unix)]
fn group_alive(group: &str) -> bool {
    Command::new("kill")
        .args(["-0", "--", group])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// An error with its sources, which name the actual cause (refused connection, timeout, ...).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
