//! A small HTTP/1.1 server on `127.0.0.1` answering each request with whatever a test's handler
//! returns, byte for byte: for answers no well-behaved server gives (odd token answers, headers
//! and bodies echoing the request, redirects, heads beyond any limit). It keeps every request it
//! read and counts connections, so a test can assert what reached it. One request per
//! connection; it stops when dropped.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A request as the server read it.
#[derive(Clone, Debug)]
pub struct RawRequest {
    /// `POST`, `GET`…
    pub method: String,
    /// The path and query.
    pub target: String,
    /// Header names (lowercase) and values, in order.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body.
    pub body: Vec<u8>,
}

impl RawRequest {
    /// The request line: `GET /path HTTP/1.1`.
    pub fn line(&self) -> String {
        format!("{} {} HTTP/1.1", self.method, self.target)
    }

    /// The head and the body as text (lossily): everything the request carried.
    pub fn text(&self) -> String {
        let mut text = self.line();
        for (name, value) in &self.headers {
            text.push_str(&format!("\n{name}: {}", String::from_utf8_lossy(value)));
        }
        text.push('\n');
        text.push_str(&String::from_utf8_lossy(&self.body));
        text
    }

    /// The first value of header `name` (lowercase), as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    }
}

/// An answer to write: status, headers (written as given) and body.
#[derive(Clone, Debug)]
pub struct RawReply {
    /// The status code.
    pub status: u16,
    /// Header names and values; `Content-Length` and `Connection` are added.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body.
    pub body: Vec<u8>,
}

impl RawReply {
    /// An answer with `headers` (names and values as text) and a text body.
    pub fn new(status: u16, headers: &[(&str, &str)], body: &str) -> RawReply {
        RawReply {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    /// The answer on the wire, `Content-Length` and `Connection: close` added.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} X\r\n", self.status).into_bytes();
        for (name, value) in &self.headers {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(
            format!(
                "content-length: {}\r\nconnection: close\r\n\r\n",
                self.body.len()
            )
            .as_bytes(),
        );
        out.extend_from_slice(&self.body);
        out
    }

    /// A JSON answer.
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> RawReply {
        RawReply {
            status,
            headers: vec![("content-type".to_owned(), b"application/json".to_vec())],
            body: body.into(),
        }
    }
}

type Handler = Arc<dyn Fn(&RawRequest) -> Vec<u8> + Send + Sync>;

/// A running server; dropping it stops it.
pub struct RawServer {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<RawRequest>>>,
    connections: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

/// The longest a connection may take to send its request.
const READ_LIMIT: Duration = Duration::from_secs(10);

/// The largest request read.
const MAX_REQUEST: usize = 1 << 20;

impl RawServer {
    /// Serves on an ephemeral port of `127.0.0.1` on the current tokio runtime.
    pub async fn start(
        handler: impl Fn(&RawRequest) -> RawReply + Send + Sync + 'static,
    ) -> std::io::Result<RawServer> {
        RawServer::start_raw(move |request| handler(request).to_bytes()).await
    }

    /// Serves answers written byte for byte by `handler` (nothing is added; an empty answer
    /// closes the connection without one).
    pub async fn start_raw(
        handler: impl Fn(&RawRequest) -> Vec<u8> + Send + Sync + 'static,
    ) -> std::io::Result<RawServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let handler: Handler = Arc::new(handler);
        let received = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let (kept, counted) = (Arc::clone(&received), Arc::clone(&connections));
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                let handler = Arc::clone(&handler);
                let kept = Arc::clone(&kept);
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(READ_LIMIT, serve(stream, handler, kept)).await;
                });
            }
        });
        Ok(RawServer {
            addr,
            received,
            connections,
            task,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request read so far, in the order they were read.
    pub fn received(&self) -> Vec<RawRequest> {
        self.received
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The request lines of [`received`](Self::received).
    pub fn lines(&self) -> Vec<String> {
        self.received().iter().map(RawRequest::line).collect()
    }

    /// How many connections were accepted, whether or not a request came over them.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    handler: Handler,
    kept: Arc<Mutex<Vec<RawRequest>>>,
) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = find(&buffer, b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 || buffer.len() > MAX_REQUEST {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut start = lines.next().unwrap_or("").split(' ');
    let method = start.next().unwrap_or("").to_owned();
    let target = start.next().unwrap_or("").to_owned();
    let headers: Vec<(String, Vec<u8>)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().as_bytes().to_vec()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| std::str::from_utf8(v).ok()?.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_REQUEST);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    let request = RawRequest {
        method,
        target,
        headers,
        body,
    };
    let reply = handler(&request);
    kept.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(request);
    stream.write_all(&reply).await?;
    stream.shutdown().await
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
