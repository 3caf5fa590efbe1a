//! What goes over the wire: form and query-string decoding, Atlas error bodies, the envelope and
//! pretty-printing of answers, and queued faults with their misbehaving bodies.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

#[cfg(doc)]
use crate::FakeAtlas;

/// A failure served instead of the normal answer, queued per project with
/// [`FakeAtlas::fail_next`]. Each authenticated request for the project takes the next one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 429 with errorCode `RATE_LIMITED`, and `Retry-After: <seconds>` when given.
    TooManyRequests {
        /// The `Retry-After` header value in seconds, if any.
        retry_after: Option<u64>,
    },
    /// 503 with errorCode `SERVICE_UNAVAILABLE`, and `Retry-After: <seconds>` when given.
    ServiceUnavailable {
        /// The `Retry-After` header value in seconds, if any.
        retry_after: Option<u64>,
    },
    /// 500 with errorCode `UNEXPECTED_ERROR`.
    InternalError,
    /// Waits this long, then answers normally (for client timeouts).
    Delay(Duration),
    /// Any status with any headers and body, sent as given (never enveloped); an invalid
    /// status code becomes 500, an invalid header is left out.
    Answer {
        /// The HTTP status code.
        status: u16,
        /// Headers, such as `Content-Type` and `Retry-After`.
        headers: Vec<(String, String)>,
        /// The body, sent byte for byte.
        body: String,
    },
    /// 200 with `Content-Type: application/json`, whose body is `body`, streamed from the fake
    /// without being held in memory.
    Body(FaultyBody),
    /// Any status with any body and content type, sent as given (never enveloped); an invalid
    /// status code becomes 500.
    Raw {
        /// The HTTP status code.
        status: u16,
        /// The `Content-Type` header value.
        content_type: String,
        /// The body, sent byte for byte.
        body: String,
    },
}

/// A body that misbehaves, for [`Fault::Body`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultyBody {
    /// The headers, then nothing for this long, then the end of an empty body: a stalled server.
    Stall(Duration),
    /// Declares `Content-Length: declared`, sends `sent` bytes of a JSON page, then closes the
    /// connection.
    Cut {
        /// The declared length.
        declared: u64,
        /// How many bytes are sent before the connection is closed.
        sent: usize,
    },
    /// Spaces without end, chunked, until the client goes away.
    Endless,
    /// `length` spaces, chunked, or with `Content-Length` when `declared`.
    Sized {
        /// How many bytes.
        length: u64,
        /// Whether `Content-Length` announces them.
        declared: bool,
    },
}

/// `true`/`false` in any case.
pub(crate) fn parse_bool(value: &str) -> Option<bool> {
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// How an answer is formatted: taken leniently from the query, before anything is validated.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Format {
    /// `envelope=true`.
    envelope: bool,
    /// `pretty=true`.
    pretty: bool,
}

impl Format {
    /// Reads `envelope` and `pretty`, treating anything but `true` as false.
    pub(crate) fn from_query(query: Option<&str>) -> Self {
        let mut format = Self::default();
        for (name, value) in form_pairs(query.unwrap_or("")) {
            let flag = parse_bool(&value) == Some(true);
            match name.as_str() {
                "envelope" => format.envelope = flag,
                "pretty" => format.pretty = flag,
                _ => {}
            }
        }
        format
    }
}

/// What kind of JSON body an answer has, for the envelope.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Shape {
    /// One resource or an error: enveloped as `{"status", "content"}`.
    Single,
    /// A paginated list: enveloped by adding `"status"` beside `results`.
    List,
    /// Never enveloped (the token endpoint).
    Plain,
}

/// An answer's body.
#[derive(Debug)]
pub(crate) enum Payload {
    /// No body (204).
    Empty,
    /// A JSON value.
    Json(Value, Shape),
    /// A body that misbehaves.
    Faulty(FaultyBody),
    /// Anything, sent as is.
    Raw {
        /// The content type.
        content_type: String,
        /// The body.
        body: String,
    },
}

/// An answer before formatting.
#[derive(Debug)]
pub(crate) struct Reply {
    /// The real status.
    pub(crate) status: StatusCode,
    /// Extra headers.
    pub(crate) headers: Vec<(HeaderName, String)>,
    /// The body.
    pub(crate) payload: Payload,
}

impl Reply {
    /// A JSON answer.
    pub(crate) fn json(status: StatusCode, value: Value, shape: Shape) -> Self {
        Self {
            status,
            headers: Vec::new(),
            payload: Payload::Json(value, shape),
        }
    }

    /// Adds a header.
    pub(crate) fn with_header(mut self, name: HeaderName, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Sets the `parameters` of an ApiError body.
    pub(crate) fn with_parameters(mut self, parameters: Vec<Value>) -> Self {
        if let Payload::Json(Value::Object(body), _) = &mut self.payload {
            body.insert("parameters".to_owned(), Value::Array(parameters));
        }
        self
    }

    /// The HTTP response, enveloped and pretty-printed as asked.
    pub(crate) fn into_response(self, format: Format) -> Response {
        let (status, content_type, body) = match self.payload {
            Payload::Faulty(faulty) => {
                let mut response = faulty_response(faulty);
                *response.status_mut() = self.status;
                for (name, value) in self.headers {
                    if let Ok(value) = HeaderValue::from_str(&value) {
                        response.headers_mut().append(name, value);
                    }
                }
                return response;
            }
            Payload::Raw { content_type, body } => (self.status, Some(content_type), body),
            Payload::Empty if format.envelope => {
                let value = json!({"status": self.status.as_u16(), "content": {}});
                (StatusCode::OK, Some(json_type()), to_json(&value, format))
            }
            Payload::Empty => (self.status, None, String::new()),
            Payload::Json(value, shape) => {
                let (status, value) = match shape {
                    Shape::Single if format.envelope => (
                        StatusCode::OK,
                        json!({"status": self.status.as_u16(), "content": value}),
                    ),
                    Shape::List if format.envelope => {
                        let mut value = value;
                        if let Value::Object(body) = &mut value {
                            body.insert("status".to_owned(), json!(self.status.as_u16()));
                        }
                        (StatusCode::OK, value)
                    }
                    _ => (self.status, value),
                };
                (status, Some(json_type()), to_json(&value, format))
            }
        };
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        if let Some(content_type) = content_type
            && let Ok(value) = HeaderValue::from_str(&content_type)
        {
            headers.insert(header::CONTENT_TYPE, value);
        }
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.append(name, value);
            }
        }
        response
    }
}

/// Spaces, shared by every chunk of a streamed body.
static SPACES: [u8; 64 * 1024] = [b' '; 64 * 1024];

/// The response of a misbehaving body, streamed: nothing of it is held beyond one shared chunk.
fn faulty_response(faulty: FaultyBody) -> Response {
    type Chunk = Result<Bytes, std::io::Error>;
    let mut declared = None;
    let body = match faulty {
        FaultyBody::Stall(pause) => Body::from_stream(futures_util::stream::once(async move {
            tokio::time::sleep(pause).await;
            Chunk::Ok(Bytes::new())
        })),
        FaultyBody::Cut {
            declared: length,
            sent,
        } => {
            declared = Some(length);
            let page = br#"{"links": [], "results": [], "totalCount": 0}"#;
            let mut start = page.repeat(sent / page.len() + 1);
            start.truncate(sent);
            // The first part is flushed before the connection is closed, so that the client has
            // the headers and part of the body.
            let first = futures_util::stream::iter([Chunk::Ok(Bytes::from(start))]);
            let close = futures_util::stream::once(async {
                tokio::time::sleep(Duration::from_millis(50)).await;
                Chunk::Err(std::io::Error::other(
                    "the fake closes the connection mid-body",
                ))
            });
            Body::from_stream(futures_util::StreamExt::chain(first, close))
        }
        FaultyBody::Endless => Body::from_stream(futures_util::stream::repeat_with(|| {
            Chunk::Ok(Bytes::from_static(&SPACES))
        })),
        FaultyBody::Sized {
            length,
            declared: announce,
        } => {
            if announce {
                declared = Some(length);
            }
            let chunk = SPACES.len() as u64;
            Body::from_stream(futures_util::stream::unfold(
                length,
                move |left| async move {
                    (left > 0).then(|| {
                        let size = left.min(chunk);
                        let bytes =
                            Bytes::from_static(&SPACES[..usize::try_from(size).unwrap_or(0)]);
                        (Chunk::Ok(bytes), left - size)
                    })
                },
            ))
        }
    };
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Some(length) = declared {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    response
}

/// `application/json`.
fn json_type() -> String {
    "application/json".to_owned()
}

/// Serialises compactly or pretty-printed.
fn to_json(value: &Value, format: Format) -> String {
    let text = if format.pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    text.unwrap_or_default()
}

/// An ApiError answer.
pub(crate) fn api_error(status: StatusCode, code: &str, detail: impl Into<String>) -> Reply {
    let body = json!({
        "detail": detail.into(),
        "error": status.as_u16(),
        "errorCode": code,
        "parameters": [],
        "reason": status.canonical_reason().unwrap_or("Unknown"),
    });
    Reply::json(status, body, Shape::Single)
}

/// 404 `INTEGRATION_NOT_FOUND`.
pub(crate) fn integration_not_found(group: &str, kind: &str) -> Reply {
    api_error(
        StatusCode::NOT_FOUND,
        "INTEGRATION_NOT_FOUND",
        format!("No integration of type {kind} is configured for group {group}."),
    )
    .with_parameters(vec![Value::String(kind.to_owned())])
}

/// 405 for a method the path does not support.
pub(crate) fn method_not_allowed(method: &Method) -> Reply {
    api_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        format!("Method {method} is not allowed on this resource."),
    )
}

/// An RFC 6749 error answer of the token endpoint.
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Reply {
    Reply::json(
        status,
        json!({"error": error, "error_description": description}),
        Shape::Plain,
    )
}

/// The answer of a queued fault (never [`Fault::Delay`], which the caller handles).
pub(crate) fn fault_reply(fault: Fault) -> Reply {
    let with_retry = |reply: Reply, retry_after: Option<u64>| match retry_after {
        Some(seconds) => reply.with_header(header::RETRY_AFTER, seconds.to_string()),
        None => reply,
    };
    match fault {
        Fault::TooManyRequests { retry_after } => with_retry(
            api_error(
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMITED",
                "Resource rate limit exceeded.",
            ),
            retry_after,
        ),
        Fault::ServiceUnavailable { retry_after } => with_retry(
            api_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
                "The service is temporarily unavailable.",
            ),
            retry_after,
        ),
        Fault::InternalError | Fault::Delay(_) => api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "UNEXPECTED_ERROR",
            "Unexpected error.",
        ),
        Fault::Answer {
            status,
            headers,
            body,
        } => {
            let content_type = headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
                .map_or_else(String::new, |(_, value)| value.clone());
            let headers = headers
                .into_iter()
                .filter(|(name, _)| !name.eq_ignore_ascii_case("content-type"))
                .filter_map(|(name, value)| Some((HeaderName::try_from(name).ok()?, value)))
                .collect();
            Reply {
                status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                headers,
                payload: Payload::Raw { content_type, body },
            }
        }
        Fault::Body(faulty) => Reply {
            status: StatusCode::OK,
            headers: Vec::new(),
            payload: Payload::Faulty(faulty),
        },
        Fault::Raw {
            status,
            content_type,
            body,
        } => Reply {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers: Vec::new(),
            payload: Payload::Raw { content_type, body },
        },
    }
}

/// Decodes `application/x-www-form-urlencoded` text (also used for query strings).
pub(crate) fn form_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(name), form_decode(value))
        })
        .collect()
}

/// Decodes one form component: `+` is a space, `%XX` a byte.
fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b'+' => out.push(b' '),
            b'%' => {
                let high = bytes.get(index + 1).and_then(|b| hex_value(*b));
                let low = bytes.get(index + 2).and_then(|b| hex_value(*b));
                if let (Some(high), Some(low)) = (high, low) {
                    out.push(high << 4 | low);
                    index += 2;
                } else {
                    out.push(b'%');
                }
            }
            other => out.push(other),
        }
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of one hex digit.
fn hex_value(digit: u8) -> Option<u8> {
    (digit as char)
        .to_digit(16)
        .and_then(|value| u8::try_from(value).ok())
}
