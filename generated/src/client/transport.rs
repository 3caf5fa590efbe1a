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
///
/// # Resending
///
/// A transport error does not say whether the server acted on the request; [`delivery`]
/// says how far the request got, and [`is_safe_to_resend`] whether sending it again can do
/// no harm:
///
/// | variant | [`Delivery`] |
/// | --- | --- |
/// | [`Connect`](Self::Connect), [`Request`](Self::Request) | [`NotSent`](Delivery::NotSent): no byte of the request reached the server |
/// | [`BodyTooLarge`](Self::BodyTooLarge), [`InvalidAnswer`](Self::InvalidAnswer) | [`Sent`](Delivery::Sent): the server received it and answered, unusably |
/// | [`ReadTimeout`](Self::ReadTimeout), [`Timeout`](Self::Timeout), [`Interrupted`](Self::Interrupted), [`Other`](Self::Other) | [`Unknown`](Delivery::Unknown): the server may have received it |
///
/// The client itself never resends a request after a transport error; a caller that does should
/// resend a `POST` or `PATCH` (a create, an action) only when the error is
/// [`Delivery::NotSent`], or it may act twice.
///
/// [`delivery`]: TransportError::delivery
/// [`is_safe_to_resend`]: TransportError::is_safe_to_resend
#[derive(Debug)]
#[non_exhaustive]
pub enum TransportError {
    /// No connection could be made: refused, unreachable, name not resolved, or TLS failed.
    /// Nothing was sent.
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
    /// The request could not be sent as given (an invalid URI or header): nothing was sent.
    Request(BoxError),
    /// The request went out, and what came back is not a usable HTTP answer: a response head
    /// beyond the HTTP stack's size limit, or one that does not parse.
    InvalidAnswer(BoxError),
    /// Anything else.
    Other(BoxError),
}

/// How far a request got before a [`TransportError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Delivery {
    /// The request never left: sending it again cannot act twice.
    NotSent,
    /// The server may or may not have received the request.
    Unknown,
    /// The server received the request and answered, but the answer could not be used.
    Sent,
}

impl TransportError {
    /// How far the request got: whether the server may have received it.
    pub fn delivery(&self) -> Delivery {
        match self {
            TransportError::Connect(_) | TransportError::Request(_) => Delivery::NotSent,
            TransportError::BodyTooLarge { .. } | TransportError::InvalidAnswer(_) => {
                Delivery::Sent
            }
            TransportError::ReadTimeout(_)
            | TransportError::Timeout(_)
            | TransportError::Interrupted(_)
            | TransportError::Other(_) => Delivery::Unknown,
        }
    }

    /// Whether a request with `method` that failed with this error can be sent again without the
    /// risk of acting twice: it never reached the server, or the method is idempotent (RFC 9110
    /// section 9.2.2: `GET`, `HEAD`, `OPTIONS`, `TRACE`, `PUT`, `DELETE`).
    pub fn is_safe_to_resend(&self, method: &http::Method) -> bool {
        self.delivery() == Delivery::NotSent || is_idempotent(method)
    }
}

/// Whether `method` is idempotent (RFC 9110 section 9.2.2): sending it twice has the effect of
/// sending it once.
pub(crate) fn is_idempotent(method: &http::Method) -> bool {
    matches!(
        *method,
        http::Method::GET
            | http::Method::HEAD
            | http::Method::OPTIONS
            | http::Method::TRACE
            | http::Method::PUT
            | http::Method::DELETE
    )
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
            TransportError::InvalidAnswer(cause) => {
                write!(
                    f,
                    "the request was sent, but the answer is unusable: {cause}"
                )
            }
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
            | TransportError::InvalidAnswer(cause)
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
    ///
    /// Build it with `redirect(reqwest::redirect::Policy::none())`, as the client's own is: a
    /// redirected request goes out again, body and credentials included, before anyone can
    /// decide. An answer from another URL than the request's is refused as
    /// [`TransportError::InvalidAnswer`] all the same.
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
        let sent_to = request.url().clone();
        let mut response =
            match tokio::time::timeout(limits.read_timeout, self.client.execute(request)).await {
                Ok(response) => response.map_err(|e| from_reqwest(e, limits))?,
                Err(_) => return Err(TransportError::ReadTimeout(limits.read_timeout)),
            };
        if response.url() != &sent_to {
            // A `reqwest::Client` of the caller's that follows redirects: the answer is another
            // resource's, and the request (body and credentials) may have gone elsewhere too.
            return Err(TransportError::InvalidAnswer(
                "the HTTP client followed a redirect; build it with `redirect(reqwest::redirect::Policy::none())`"
                    .into(),
            ));
        }
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

/// Sorts a `reqwest` error into the kinds callers act on, and so by how far the request got.
fn from_reqwest(error: reqwest::Error, limits: Limits) -> TransportError {
    if error.is_connect() {
        TransportError::Connect(Box::new(error))
    } else if error.is_timeout() {
        TransportError::ReadTimeout(limits.read_timeout)
    } else if error.is_body() || error.is_decode() {
        TransportError::Interrupted(Box::new(error))
    } else if error.is_builder() {
        TransportError::Request(Box::new(error))
    } else if error.is_request() {
        // Past the builder, hyper has begun to send: its request errors are either an answer that
        // does not parse (the head too large, a bad status line) or a connection that broke.
        if chain_says(&error, UNUSABLE_ANSWER) {
            TransportError::InvalidAnswer(Box::new(error))
        } else {
            TransportError::Interrupted(Box::new(error))
        }
    } else {
        TransportError::Other(Box::new(error))
    }
}

/// How hyper words an answer that came back but cannot be read as HTTP.
const UNUSABLE_ANSWER: &[&str] = &[
    "message head is too large",
    "invalid HTTP",
    "invalid URI",
    "URI too long",
    "received unexpected message",
];

/// Whether any error of the chain starting at `error` says one of `phrases`.
fn chain_says(error: &(dyn std::error::Error + 'static), phrases: &[&str]) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if phrases.iter().any(|phrase| text.contains(phrase)) {
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
