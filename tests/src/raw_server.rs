//! A small HTTP/1.1 server on `127.0.0.1` answering each request with whatever a test's handler
//! returns, byte for byte: for answers no well-behaved server gives (odd token answers, headers
//! and bodies echoing the request). One request per connection; it stops when dropped.

use std::net::SocketAddr;
use std::sync::Arc;
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
    /// A JSON answer.
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> RawReply {
        RawReply {
            status,
            headers: vec![("content-type".to_owned(), b"application/json".to_vec())],
            body: body.into(),
        }
    }
}

type Handler = Arc<dyn Fn(&RawRequest) -> RawReply + Send + Sync>;

/// A running server; dropping it stops it.
pub struct RawServer {
    addr: SocketAddr,
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
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let handler: Handler = Arc::new(handler);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let handler = Arc::clone(&handler);
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(READ_LIMIT, serve(stream, handler)).await;
                });
            }
        });
        Ok(RawServer { addr, task })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, handler: Handler) -> std::io::Result<()> {
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
    let mut out = format!("HTTP/1.1 {} X\r\n", reply.status).into_bytes();
    for (name, value) in &reply.headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(
        format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            reply.body.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&reply.body);
    stream.write_all(&out).await?;
    stream.shutdown().await
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
