//! Reading responses: unwrapping envelopes, decoding bodies with the place of any failure, and the
//! parts every operation's error keeps (status, headers, rate-limit hints).

use std::fmt;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::error::Category;

use super::body::Body;
use super::raw;

/// The body types a response can be read from: `Vec<u8>`, `bytes::Bytes`, `String`, `&[u8]`,
/// [`Body`], anything that lends its bytes and can give them up. The body is decoded from the
/// borrowed bytes, once, without a copy; only a response kept whole in an error takes them.
pub trait ResponseBody: AsRef<[u8]> + Into<Vec<u8>> {}

impl<T: AsRef<[u8]> + Into<Vec<u8>>> ResponseBody for T {}

/// Header names with their values masked, for `Debug`: any header value may be a server's echo
/// of a credential sent, so each prints as its length only (`"<12 bytes>"`), or `Sensitive` for
/// one marked so.
pub struct MaskedHeaders<'a>(pub &'a HeaderMap);

impl fmt::Debug for MaskedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Masked(Option<usize>);
        impl fmt::Debug for Masked {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.0 {
                    Some(length) => write!(f, "<{length} bytes>"),
                    None => f.write_str("Sensitive"),
                }
            }
        }
        f.debug_map()
            .entries(self.0.iter().map(|(name, value)| {
                let length = (!value.is_sensitive()).then(|| value.len());
                (name.as_str(), Masked(length))
            }))
            .finish()
    }
}

/// A response as received, with an `envelope=true` wrapper already taken off.
pub struct Received<B = Vec<u8>> {
    status: StatusCode,
    headers: HeaderMap,
    body: B,
    /// The `content` of an envelope, when there was one.
    content: Option<Value>,
}

/// Status, masked headers and the body's length.
impl<B: ResponseBody> fmt::Debug for Received<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = BodyLength(self.body.as_ref().len());
        debug_response(f, "Received", self.status, &self.headers, &body)
    }
}

/// `name { status, headers, body }`, header values masked ([`MaskedHeaders`]): the `Debug` of every
/// kept response. `body` prints as given (a [`Body`] prints its length).
/// A body as `Debug` prints it: its length, never its bytes (as [`Body`](super::Body) prints).
pub(crate) struct BodyLength(pub(crate) usize);

impl fmt::Debug for BodyLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Body({} bytes)", self.0)
    }
}

pub(crate) fn debug_response(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &dyn fmt::Debug,
) -> fmt::Result {
    f.debug_struct(name)
        .field("status", &status)
        .field("headers", &MaskedHeaders(headers))
        .field("body", body)
        .finish()
}

impl<B: ResponseBody> Received<B> {
    /// Takes a response apart. With `envelope`, a body `{"status": N, "content": ...}` counts as
    /// status `N` with body `content`, and a list body's `status` counts as its status: clients
    /// that ask for envelopes often cannot see the HTTP status.
    pub fn new(response: http::Response<B>, envelope: bool) -> Received<B> {
        let (parts, body) = response.into_parts();
        let mut received = Received {
            status: parts.status,
            headers: parts.headers,
            body,
            content: None,
        };
        if envelope
            && let Ok(Value::Object(mut object)) =
                serde_json::from_slice::<Value>(received.body.as_ref())
        {
            let status = object
                .get("status")
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok());
            if let Some(status) = status.and_then(|s| StatusCode::from_u16(s).ok()) {
                received.status = status;
                received.content = object.remove("content");
            }
        }
        received
    }

    /// The status, the envelope's where there was one.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Decodes the body (or the envelope's content) as `T`.
    #[allow(
        clippy::result_large_err,
        reason = "errors are the cold path; callers keep them by value"
    )]
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        // A failure noted by an earlier decoding is not this one's.
        drop(raw::take_fault());
        let body = self.body.as_ref();
        let result = match &self.content {
            Some(content) => serde_path_to_error::deserialize(content)
                .map_err(|e| (e.path().to_string(), e.into_inner())),
            None => {
                // Read once, at full speed; only a body that fails is read again, to name the
                // path of the failure (tracking it costs on every value).
                match serde_json::from_slice(body) {
                    Ok(value) => Ok(value),
                    Err(_) => {
                        // The second reading notes the failure again.
                        drop(raw::take_fault());
                        let mut de = serde_json::Deserializer::from_slice(body);
                        match serde_path_to_error::deserialize::<_, T>(&mut de) {
                            // Trailing bytes after the value are an error too.
                            Ok(value) => de.end().map(|()| value).map_err(|e| (".".to_owned(), e)),
                            Err(e) => Err((e.path().to_string(), e.into_inner())),
                        }
                    }
                }
            }
        };
        result.map_err(|(path, error)| {
            // A union that failed noted where inside its value; its error is this one (nothing
            // but an untagged union's trial recovers from an error, and a trial notes nothing).
            let fault = raw::take_fault().filter(|_| error.classify() == Category::Data);
            let (path, offset, message) = match fault {
                Some(fault) => {
                    let start = body.as_ptr().addr();
                    // The union's text is a slice of the body unless the body came in an envelope.
                    let offset = (self.content.is_none()
                        && (start..=start + body.len()).contains(&fault.address))
                    .then(|| fault.address - start);
                    let message = match offset {
                        Some(offset) => {
                            let (line, column) = line_and_column(body, offset);
                            format!("{} at line {line} column {column}", fault.message)
                        }
                        None => fault.message,
                    };
                    (raw::join_path(&path, &fault.path), offset, message)
                }
                None => {
                    let offset = match (&self.content, error.line()) {
                        (None, line) if line > 0 => {
                            Some(raw::byte_offset(body, line, error.column()))
                        }
                        _ => None,
                    };
                    (path, offset, error.to_string())
                }
            };
            DecodeError {
                status: self.status,
                headers: self.headers.clone(),
                path: if path.is_empty() {
                    ".".to_owned()
                } else {
                    path
                },
                offset,
                message: without_values(&message),
                body: Body::from(body.to_vec()),
            }
        })
    }

    /// An error response carrying its decoded body.
    pub fn error<T>(&self, body: T) -> ErrorResponse<T> {
        ErrorResponse {
            status: self.status,
            headers: self.headers.clone(),
            body,
        }
    }

    /// The operation's error for a documented error status: the body decoded as `T` and wrapped
    /// by `documented`, or `decode` of the reason it does not decode.
    pub fn failure<T: DeserializeOwned, E>(
        &self,
        documented: fn(ErrorResponse<T>) -> E,
        decode: fn(DecodeError) -> E,
    ) -> E {
        match self.json::<T>() {
            Ok(body) => documented(self.error(body)),
            Err(error) => decode(error),
        }
    }

    /// The response whole, for a status the document does not describe.
    pub fn into_raw(self) -> RawResponse {
        RawResponse {
            status: self.status,
            headers: self.headers,
            body: Body::from(self.body.into()),
        }
    }

    /// The body's bytes, for a response that is not JSON.
    pub fn into_bytes(self) -> Vec<u8> {
        self.body.into()
    }
}

/// A decoder's message with the values it quotes taken out: serde writes the string it could not
/// read (`invalid type: string "…", expected u32`) and the number (``invalid type: integer `…`,
/// expected a string``), and either may be a credential. Names in backticks (fields, variants)
/// stay.
fn without_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    let mut escaped = false;
    let mut number = false;
    for c in message.chars() {
        match (quoted, number, c) {
            (false, false, '"') => {
                quoted = true;
                out.push_str("\"…\"");
            }
            (true, _, '\\') if !escaped => escaped = true,
            (true, _, '"') if !escaped => quoted = false,
            (true, _, _) => escaped = false,
            (false, true, '`') => {
                number = false;
                out.push_str("…`");
            }
            (false, true, _) => {}
            (false, false, '`')
                if out.ends_with("integer ") || out.ends_with("floating point ") =>
            {
                number = true;
                out.push('`');
            }
            (false, false, c) => out.push(c),
        }
    }
    out
}

/// The status an `envelope=true` body carries in its `status` property, if it is one.
pub fn envelope_status(body: &[u8]) -> Option<StatusCode> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        status: u16,
    }
    let envelope: Envelope = serde_json::from_slice(body).ok()?;
    StatusCode::from_u16(envelope.status).ok()
}

/// Whether a request asked for an envelope (`envelope=true` in its query).
pub fn asks_for_envelope(uri: &http::Uri) -> bool {
    uri.query()
        .is_some_and(|query| query.split('&').any(|pair| pair == "envelope=true"))
}

/// serde_json's line (1-based) and column (the bytes read on that line) for `offset` bytes read.
fn line_and_column(body: &[u8], offset: usize) -> (usize, usize) {
    let read = body.get(..offset).unwrap_or(body);
    let line = 1 + read.iter().filter(|b| **b == b'\n').count();
    let line_start = read
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |at| at + 1);
    (line, offset - line_start)
}

/// Status and headers, which every kind of operation error keeps.
pub trait ResponseParts {
    /// The HTTP status (the envelope's, where there was one).
    fn status(&self) -> StatusCode;
    /// The response headers.
    fn headers(&self) -> &HeaderMap;

    /// How long the server asked the caller to wait, from `Retry-After` (seconds or an HTTP date).
    fn retry_after(&self) -> Option<Duration> {
        retry_after(self.headers())
    }

    /// The `RateLimit-*` headers, where the server sent them.
    fn rate_limit(&self) -> RateLimit {
        RateLimit::from_headers(self.headers())
    }
}

/// What every part of an operation error is: a response, with its status and headers, that
/// describes itself. The generated error enums hand each call to the part they hold.
pub trait Failure: ResponseParts + std::fmt::Display {}

impl<T: ResponseParts + std::fmt::Display + ?Sized> Failure for T {}

/// Reads `Retry-After` as a number of seconds or as an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// The rate-limit headers of a response (`RateLimit-Limit`, `RateLimit-Remaining`,
/// `RateLimit-Reset`); each is `None` when absent or not a number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: Option<u64>,
    /// Seconds until the window resets.
    pub reset: Option<u64>,
}

impl RateLimit {
    /// Reads the headers.
    pub fn from_headers(headers: &HeaderMap) -> RateLimit {
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse().ok();
        RateLimit {
            limit: number("ratelimit-limit"),
            remaining: number("ratelimit-remaining"),
            reset: number("ratelimit-reset"),
        }
    }
}

/// Error bodies that carry a machine-readable code and a human-readable detail.
pub trait ErrorDetails {
    /// The machine-readable code, such as `RESOURCE_NOT_FOUND`.
    fn error_code(&self) -> Option<&str>;
    /// The human-readable explanation.
    fn detail(&self) -> Option<&str>;
}

impl ErrorDetails for Value {
    fn error_code(&self) -> Option<&str> {
        self.get("errorCode").and_then(Value::as_str)
    }

    fn detail(&self) -> Option<&str> {
        self.get("detail").and_then(Value::as_str)
    }
}

/// An error response documented without a body.
impl ErrorDetails for () {
    fn error_code(&self) -> Option<&str> {
        None
    }

    fn detail(&self) -> Option<&str> {
        None
    }
}

/// An error response whose body is not JSON.
impl ErrorDetails for Body {
    fn error_code(&self) -> Option<&str> {
        None
    }

    fn detail(&self) -> Option<&str> {
        None
    }
}

/// A documented error response with its decoded body. `Debug` masks header values
/// ([`MaskedHeaders`]).
#[derive(Clone)]
pub struct ErrorResponse<T> {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl<T: fmt::Debug> fmt::Debug for ErrorResponse<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_response(f, "ErrorResponse", self.status, &self.headers, &self.body)
    }
}

impl<T> ResponseParts for ErrorResponse<T> {
    fn status(&self) -> StatusCode {
        self.status
    }
    fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl<T: ErrorDetails> fmt::Display for ErrorResponse<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status)?;
        if let Some(code) = self.body.error_code() {
            write!(f, " {code}")?;
        }
        if let Some(detail) = self.body.detail() {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

/// A response with a status the document does not describe, kept whole. `Debug` prints header
/// names with masked values ([`MaskedHeaders`]) and the body's length.
#[derive(Clone)]
pub struct RawResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, as received.
    pub body: Body,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_response(f, "RawResponse", self.status, &self.headers, &self.body)
    }
}

impl ResponseParts for RawResponse {
    fn status(&self) -> StatusCode {
        self.status
    }
    fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl fmt::Display for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "undocumented status {}", self.status)
    }
}

/// `410 Gone` from an operation that answers in dated versions: the version asked for is past its
/// sunset (Atlas's `VERSION_GONE`), or the operation itself is. Ask for a newer version, or
/// generate from a newer document.
#[derive(Clone, Debug)]
pub struct VersionGone {
    /// The version that was asked for (`2023-01-01`).
    pub version: String,
    /// The date the document gave for the operation's sunset (`x-sunset`), if any.
    pub sunset: Option<&'static str>,
    /// Atlas's `errorCode` (`VERSION_GONE`), when the body carries one.
    pub error_code: Option<String>,
    /// The response, kept whole.
    pub response: RawResponse,
}

impl VersionGone {
    /// The error for a `410` answer to a request that asked for `version`.
    pub fn new(version: &str, sunset: Option<&'static str>, response: RawResponse) -> VersionGone {
        let error_code = serde_json::from_slice::<Value>(&response.body)
            .ok()
            .and_then(|v| v.get("errorCode")?.as_str().map(str::to_owned));
        VersionGone {
            version: version.to_owned(),
            sunset,
            error_code,
            response,
        }
    }
}

impl ResponseParts for VersionGone {
    fn status(&self) -> StatusCode {
        self.response.status
    }
    fn headers(&self) -> &HeaderMap {
        &self.response.headers
    }
}

impl fmt::Display for VersionGone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "version {} of this operation is gone", self.version)?;
        if let Some(sunset) = self.sunset {
            write!(f, " (its sunset was {sunset})")?;
        }
        if let Some(code) = &self.error_code {
            write!(f, " [{code}]")?;
        }
        f.write_str("; ask for a newer version with `api_version`")
    }
}

/// A body that did not decode as the document says it should. `Debug` masks header values
/// ([`MaskedHeaders`]) and prints the body's length.
#[derive(Clone)]
pub struct DecodeError {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// Where in the JSON decoding failed, as `results[3].apiKey` (`.` for the top level).
    pub path: String,
    /// How many bytes of the body the JSON parser had read when it failed, where it knows.
    pub offset: Option<usize>,
    /// What went wrong.
    pub message: String,
    /// The body, as received.
    pub body: Body,
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("headers", &MaskedHeaders(&self.headers))
            .field("path", &self.path)
            .field("offset", &self.offset)
            .field("message", &self.message)
            .field("body", &self.body)
            .finish()
    }
}

impl ResponseParts for DecodeError {
    fn status(&self) -> StatusCode {
        self.status
    }
    fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode the {} response at `{}`",
            self.status, self.path
        )?;
        if let Some(offset) = self.offset {
            write!(f, " (byte {offset})")?;
        }
        write!(f, ": {}", self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> http::Response<Vec<u8>> {
        let mut response = http::Response::new(body.as_bytes().to_vec());
        *response.status_mut() = StatusCode::from_u16(status).unwrap_or_default();
        response
    }

    #[test]
    fn decode_errors_do_not_repeat_the_values_they_could_not_read() {
        let received = Received::new(response(200, r#"{"a": ["s3cr\"et"]}"#), false);
        let error = received
            .json::<std::collections::BTreeMap<String, Vec<u32>>>()
            .err()
            .map(|e| e.message);
        assert_eq!(
            error.as_deref(),
            Some("invalid type: string \"…\", expected u32 at line 1 column 17")
        );
    }

    #[test]
    fn decode_errors_name_the_path_and_the_byte() {
        let received = Received::new(response(200, "{\"a\": [1, \"x\"]}"), false);
        let error = received
            .json::<std::collections::BTreeMap<String, Vec<u32>>>()
            .err();
        let error = error.map(|e| (e.path, e.offset));
        assert_eq!(error, Some(("a[1]".to_owned(), Some(13))));
    }

    #[test]
    fn envelopes_carry_the_status() {
        let received = Received::new(
            response(200, r#"{"status": 404, "content": {"x": 1}}"#),
            true,
        );
        assert_eq!(received.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            received.json::<Value>().ok(),
            Some(serde_json::json!({"x": 1}))
        );
        let plain = Received::new(
            response(200, r#"{"status": 404, "content": {"x": 1}}"#),
            false,
        );
        assert_eq!(plain.status(), StatusCode::OK);
    }

    #[test]
    fn retry_after_reads_seconds() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::RETRY_AFTER,
            http::HeaderValue::from_static("7"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            http::header::RETRY_AFTER,
            http::HeaderValue::from_static("soon"),
        );
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn kept_responses_print_header_names_and_body_lengths_only() {
        let mut headers = HeaderMap::new();
        headers.insert("x-echo", http::HeaderValue::from_static("Basic c2VjcmV0"));
        let mut sensitive = http::HeaderValue::from_static("Bearer t0ken");
        sensitive.set_sensitive(true);
        headers.insert("x-token", sensitive);
        let raw = RawResponse {
            status: StatusCode::BAD_REQUEST,
            headers,
            body: Body::from(b"echo: Basic c2VjcmV0".to_vec()),
        };
        let printed = format!("{raw:?}");
        assert_eq!(
            printed,
            r#"RawResponse { status: 400, headers: {"x-echo": <14 bytes>, "x-token": Sensitive}, body: Body(20 bytes) }"#
        );
    }
}
