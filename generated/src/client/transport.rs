//! What carries a request to the server and its answer back. The client's policies
//! (authentication, retries, paging, upsert) run over [`Transport`]; [`ReqwestTransport`] is the
//! default, and any other HTTP stack or a test double can take its place.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A boxed, sendable future, as [`Transport::send`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A source error of any kind.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The bounds a transport keeps to while reading one answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The largest body to read; a longer one is [`TransportError::BodyTooLarge`], and no more of
    /// it than this is held in memory.
    pub max_body: usize,
    /// The longest the server may leave the connection silent (waiting for the headers, or
    /// between two parts of the body) before [`TransportError::ReadTimeout`].
    pub read_timeout: Duration,
}

impl Limits {
    /// Bounds of `max_body` bytes and `read_timeout` of silence.
    pub fn new(max_body: usize, read_timeout: Duration) -> Limits {
        Limits {
            max_body,
            read_timeout,
        }
    }
}

/// Sends one request and reads its whole answer.
///
/// The request's URI is absolute (scheme, host, path and query); its headers are complete,
/// `Authorization` and `User-Agent` included. An implementation reads the body only up to
/// [`Limits::max_body`] and gives up after [`Limits::read_timeout`] of silence; the client checks
/// the size again and bounds the whole exchange by its own timeout. An answer with any status is
/// `Ok`: statuses are the client's business.
///
/// ```
/// use atlas_integrations::client::{BoxFuture, Limits, Transport, TransportError};
///
/// /// Answers every request with an empty page.
/// struct Canned;
///
/// impl Transport for Canned {
///     fn send(
///         &self,
///         _request: http::Request<Vec<u8>>,
///         _limits: Limits,
///     ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
///         Box::pin(async {
///             let body = br#"{"results": [], "totalCount": 0}"#.to_vec();
///             Ok(http::Response::new(body))
///         })
///     }
/// }
/// ```
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and reads its answer within `limits`.
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        limits: Limits,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>>;
}

/// Why a request got no complete answer.
///
/// Like every error of this crate, its `Display` says what went wrong with the text of the
/// immediate cause, and [`source`](std::error::Error::source) goes on from that cause's own
/// source, so that printing the chain shows each cause once.
#[derive(Debug)]
#[non_exhaustive]
pub enum TransportError {
    /// No connection could be made: refused, unreachable, name not resolved, or TLS failed.
    Connect(BoxError),
    /// The server stayed silent longer than the read timeout, before the headers or mid-body.
    ReadTimeout(Duration),
    /// The whole exchange took longer than the client's timeout.
    Timeout(Duration),
    /// The body is longer than the limit (as declared by `Content-Length`, or as read so far).
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The connection broke before the answer was complete, as when the server closes it
    /// mid-body.
    Interrupted(BoxError),
    /// The request could not be sent as given.
    Request(BoxError),
    /// Anything else.
    Other(BoxError),
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::Connect(cause) => write!(f, "cannot connect: {cause}"),
            TransportError::ReadTimeout(wait) => write!(f, "the server sent nothing for {wait:?}"),
            TransportError::Timeout(wait) => write!(f, "no complete answer within {wait:?}"),
            TransportError::BodyTooLarge { limit } => {
                write!(f, "the answer's body exceeds {limit} bytes")
            }
            TransportError::Interrupted(cause) => write!(f, "the answer was cut short: {cause}"),
            TransportError::Request(cause) => write!(f, "cannot send the request: {cause}"),
            TransportError::Other(cause) => write!(f, "{cause}"),
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TransportError::Connect(cause)
            | TransportError::Interrupted(cause)
            | TransportError::Request(cause)
            | TransportError::Other(cause) => cause.source(),
            TransportError::ReadTimeout(_)
            | TransportError::Timeout(_)
            | TransportError::BodyTooLarge { .. } => None,
        }
    }
}

/// The default transport: a `reqwest` client, reading bodies part by part so that neither a huge
/// nor an endless body is held beyond the limit, and no silence outlasts the read timeout.
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport over a configured `reqwest` client (its TLS, proxy and pool settings stay).
    pub fn new(client: reqwest::Client) -> ReqwestTransport {
        ReqwestTransport { client }
    }

    async fn exchange(
        &self,
        request: http::Request<Vec<u8>>,
        limits: Limits,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        let request = reqwest::Request::try_from(request)
            .map_err(|e| TransportError::Request(Box::new(e)))?;
        let mut response =
            match tokio::time::timeout(limits.read_timeout, self.client.execute(request)).await {
                Ok(response) => response.map_err(|e| from_reqwest(e, limits))?,
                Err(_) => return Err(TransportError::ReadTimeout(limits.read_timeout)),
            };
        if response
            .content_length()
            .is_some_and(|length| length > limits.max_body as u64)
        {
            return Err(TransportError::BodyTooLarge {
                limit: limits.max_body,
            });
        }
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let expected = response.content_length().unwrap_or(0);
        let mut body = Vec::with_capacity(usize::try_from(expected).unwrap_or(0).min(1 << 20));
        loop {
            let chunk = match tokio::time::timeout(limits.read_timeout, response.chunk()).await {
                Ok(chunk) => chunk.map_err(|e| from_reqwest(e, limits))?,
                Err(_) => return Err(TransportError::ReadTimeout(limits.read_timeout)),
            };
            let Some(chunk) = chunk else { break };
            if body.len().saturating_add(chunk.len()) > limits.max_body {
                // Dropping the response closes the connection: nothing more is read.
                return Err(TransportError::BodyTooLarge {
                    limit: limits.max_body,
                });
            }
            body.extend_from_slice(&chunk);
        }
        let mut answer = http::Response::new(body);
        *answer.status_mut() = status;
        *answer.headers_mut() = headers;
        Ok(answer)
    }
}

impl Transport for ReqwestTransport {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        limits: Limits,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        Box::pin(self.exchange(request, limits))
    }
}

/// Sorts a `reqwest` error into the kinds callers act on.
fn from_reqwest(error: reqwest::Error, limits: Limits) -> TransportError {
    if error.is_connect() {
        TransportError::Connect(Box::new(error))
    } else if error.is_timeout() {
        TransportError::ReadTimeout(limits.read_timeout)
    } else if error.is_body() || error.is_decode() {
        TransportError::Interrupted(Box::new(error))
    } else if error.is_builder() || error.is_request() {
        // hyper reports a connection closed before the headers as a request error.
        match incomplete(&error) {
            true => TransportError::Interrupted(Box::new(error)),
            false => TransportError::Request(Box::new(error)),
        }
    } else {
        TransportError::Other(Box::new(error))
    }
}

/// Whether an error's chain says the message was incomplete.
fn incomplete(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if text.contains("incomplete") || text.contains("closed before") {
            return true;
        }
        source = cause.source();
    }
    false
}

impl fmt::Debug for dyn Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Transport")
    }
}
