//! Building requests: checking values against the document's constraints before anything is sent,
//! encoding paths and query strings, and the error a builder returns.

use std::fmt;
use std::sync::{Mutex, OnceLock};

use std::collections::HashMap;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::body::Body;
use super::response::ResponseBody;
use super::secret::{ReadBackSecrets, Secret};

/// The limits the document puts on one value.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rules {
    /// A regular expression the value must match (unanchored, as in JSON Schema).
    pub pattern: Option<&'static str>,
    /// Fewest characters.
    pub min_length: Option<usize>,
    /// Most characters.
    pub max_length: Option<usize>,
    /// Smallest number allowed.
    pub minimum: Option<f64>,
    /// Largest number allowed.
    pub maximum: Option<f64>,
}

impl Rules {
    /// No limits.
    pub const NONE: Rules = Rules {
        pattern: None,
        min_length: None,
        max_length: None,
        minimum: None,
        maximum: None,
    };
}

/// The constraint a value broke.
#[derive(Clone, Debug, PartialEq)]
pub enum Constraint {
    /// It does not match this regular expression.
    Pattern(&'static str),
    /// It has fewer characters than this.
    MinLength(usize),
    /// It has more characters than this.
    MaxLength(usize),
    /// It is smaller than this.
    Minimum(f64),
    /// It is larger than this.
    Maximum(f64),
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Constraint::Pattern(pattern) => write!(f, "must match `{pattern}`"),
            Constraint::MinLength(n) => write!(f, "must have at least {n} characters"),
            Constraint::MaxLength(n) => write!(f, "must have at most {n} characters"),
            Constraint::Minimum(n) => write!(f, "must be at least {n}"),
            Constraint::Maximum(n) => write!(f, "must be at most {n}"),
        }
    }
}

/// A value that broke a constraint: which parameter or body field, and which constraint.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// A parameter's name (`groupId`), or `body` followed by a JSON pointer (`body/channelName`).
    pub field: String,
    /// What the value broke. The value itself is not kept: it may be a credential.
    pub constraint: Constraint,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` {}", self.field, self.constraint)
    }
}

/// Values that can be checked against [`Rules`].
pub trait Check {
    /// Records in `out` every rule the value breaks, naming it `field`.
    fn check(&self, field: &str, rules: &Rules, out: &mut Vec<Violation>);
}

impl Check for str {
    fn check(&self, field: &str, rules: &Rules, out: &mut Vec<Violation>) {
        let mut fail = |constraint| {
            out.push(Violation {
                field: field.to_owned(),
                constraint,
            })
        };
        if rules.min_length.is_some() || rules.max_length.is_some() {
            // JSON Schema counts characters, not bytes.
            let length = self.chars().count();
            if let Some(min) = rules.min_length.filter(|min| length < *min) {
                fail(Constraint::MinLength(min));
            }
            if let Some(max) = rules.max_length.filter(|max| length > *max) {
                fail(Constraint::MaxLength(max));
            }
        }
        if let Some(pattern) = rules.pattern
            && !matches_pattern(pattern, self)
        {
            fail(Constraint::Pattern(pattern));
        }
    }
}

impl Check for String {
    fn check(&self, field: &str, rules: &Rules, out: &mut Vec<Violation>) {
        self.as_str().check(field, rules, out);
    }
}

impl Check for Secret {
    fn check(&self, field: &str, rules: &Rules, out: &mut Vec<Violation>) {
        self.expose().check(field, rules, out);
    }
}

macro_rules! check_number {
    ($($ty:ty),*) => {$(
        impl Check for $ty {
            fn check(&self, field: &str, rules: &Rules, out: &mut Vec<Violation>) {
                let value = *self as f64;
                if let Some(min) = rules.minimum.filter(|min| value < *min) {
                    out.push(Violation { field: field.to_owned(), constraint: Constraint::Minimum(min) });
                }
                if let Some(max) = rules.maximum.filter(|max| value > *max) {
                    out.push(Violation { field: field.to_owned(), constraint: Constraint::Maximum(max) });
                }
            }
        }
    )*};
}

check_number!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

impl<T: Check> Check for Option<T> {
    fn check(&self, field: &str, rules: &Rules, out: &mut Vec<Violation>) {
        if let Some(value) = self {
            value.check(field, rules, out);
        }
    }
}

/// Whether `value` matches `pattern`. Regular expressions are compiled once and cached; the
/// generator only emits patterns that compile, so a pattern that does not is not enforced.
fn matches_pattern(pattern: &'static str, value: &str) -> bool {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Option<regex::Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut cache = match cache.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    let regex = cache
        .entry(pattern)
        .or_insert_with(|| regex::Regex::new(pattern).ok());
    regex.as_ref().is_none_or(|regex| regex.is_match(value))
}

/// Types whose fields carry constraints, checked before a request is built.
pub trait Validate {
    /// Records in `out` every constraint broken inside the value, below the JSON pointer `path`.
    fn validate(&self, path: &str, out: &mut Vec<Violation>);
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, path: &str, out: &mut Vec<Violation>) {
        if let Some(value) = self {
            value.validate(path, out);
        }
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate(&self, path: &str, out: &mut Vec<Violation>) {
        (**self).validate(path, out);
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, path: &str, out: &mut Vec<Violation>) {
        for (index, value) in self.iter().enumerate() {
            value.validate(&format!("{path}/{index}"), out);
        }
    }
}

impl<T: Validate> Validate for std::collections::BTreeMap<String, T> {
    fn validate(&self, path: &str, out: &mut Vec<Violation>) {
        for (key, value) in self {
            let key = key.replace('~', "~0").replace('/', "~1");
            value.validate(&format!("{path}/{key}"), out);
        }
    }
}

/// Whether a request is checked against the document's constraints before it is built.
///
/// The document's constraints help catch mistakes before anything is sent, but the server decides
/// what it accepts: a pattern may be stricter than the service (New Relic's keys once were), or a
/// limit may have moved. `Unchecked` sends what the caller gives and lets the server answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Validation {
    /// Values the document forbids are refused with [`RequestError::Invalid`] (the default).
    #[default]
    Checked,
    /// The document's constraints are not checked; the server decides.
    Unchecked,
}

/// Why a request could not be built. Nothing was sent.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// Values broke the document's constraints. The server may accept them still: build with
    /// `build_unchecked()` (or [`Validation::Unchecked`]) to send them anyway.
    #[error(
        "invalid request: {}; these are the document's constraints, and the server decides what \
         it accepts: to send the values anyway, build with `build_unchecked()` or, with the \
         client, set `ClientBuilder::validation(Validation::Unchecked)`",
        list(.0)
    )]
    Invalid(Vec<Violation>),
    /// The body holds credentials read back from a response.
    #[error(transparent)]
    ReadBackSecrets(#[from] ReadBackSecrets),
    /// The body could not be serialised. (The cause's text is the message's; it is not also
    /// given as the source, so that a chain prints it once.)
    #[error("cannot encode the request body: {0}")]
    Encode(serde_json::Error),
    /// A body that is not JSON could not be encoded in its media type.
    #[error("cannot encode the {media_type} request body: {reason}")]
    BodyEncoding {
        /// The media type of the body.
        media_type: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// The base URL given for an absolute request is not an absolute `http` or `https` URL.
    #[error("`{0}` is not an absolute http or https URL to send requests to")]
    BaseUrl(String),
    /// The request could not be assembled (a header value that is not valid, for example).
    #[error("cannot assemble the request: {0}")]
    Http(http::Error),
    /// A path parameter's value would make its segment of the path empty, `.` or `..`: sent, it
    /// would name another resource (URL normalisation removes such segments, or goes up one),
    /// so it is refused whatever the [`Validation`].
    #[error(
        "the path parameter `{parameter}` makes its segment `{segment}`, which would name another \
         resource than the path's"
    )]
    PathSegment {
        /// The parameter's name on the wire.
        parameter: &'static str,
        /// The segment it would make: empty, `.` or `..`.
        segment: String,
    },
    /// The version asked for with `api_version` is not one the document gives the operation.
    #[error("version `{requested}` is not documented for this operation (documented: {})", documented.join(", "))]
    UnknownVersion {
        /// The version asked for.
        requested: String,
        /// The versions the document gives.
        documented: &'static [&'static str],
    },
}

impl From<serde_json::Error> for RequestError {
    fn from(error: serde_json::Error) -> RequestError {
        RequestError::Encode(error)
    }
}

impl From<http::Error> for RequestError {
    fn from(error: http::Error) -> RequestError {
        RequestError::Http(error)
    }
}

fn list(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Characters left as they are in a path segment: RFC 3986's unreserved set.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment; a `/` inside a value is encoded, never a separator.
pub fn encode_segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// A query string built from the parameters the caller set, in the order they are added.
#[derive(Debug, Default)]
pub struct Query {
    text: String,
}

impl Query {
    /// An empty query.
    pub fn new() -> Query {
        Query::default()
    }

    /// Appends `name=value`, both percent-encoded.
    pub fn push(&mut self, name: &str, value: &str) {
        self.text.push(if self.text.is_empty() { '?' } else { '&' });
        self.text.push_str(&encode_segment(name));
        self.text.push('=');
        self.text.push_str(&encode_segment(value));
    }

    /// Appends `name=value` as given: both already percent-encoded, with delimiters the style
    /// writes as they are.
    pub(crate) fn push_encoded(&mut self, name: &str, value: &str) {
        self.text.push(if self.text.is_empty() { '?' } else { '&' });
        self.text.push_str(name);
        self.text.push('=');
        self.text.push_str(value);
    }

    /// The query with its leading `?`, or nothing when no parameter was set.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// A request's path being written, piece by piece: literal text as it is, values
/// percent-encoded as one segment each, styled values as `path_value` wrote them; then the
/// query.
///
/// Each value stays inside the segment the template gives it: `/` in a value is encoded, and a
/// segment holding a value that would be empty, `.` or `..` (which URL normalisation removes or
/// resolves, so that the request names another resource) makes [`finish`](Self::finish) fail
/// with [`RequestError::PathSegment`].
#[derive(Debug, Default)]
pub struct PathBuilder {
    text: String,
    /// Where the segment being written starts in `text`.
    segment_start: usize,
    /// The parameter whose value is in the segment being written, if any.
    value_of: Option<&'static str>,
    /// The first segment refused.
    refused: Option<(&'static str, String)>,
}

impl PathBuilder {
    /// An empty path.
    pub fn new() -> PathBuilder {
        PathBuilder::default()
    }

    /// Adds text of the path template as it is.
    pub fn literal(mut self, text: &str) -> PathBuilder {
        let mut pieces = text.split('/');
        if let Some(first) = pieces.next() {
            self.text.push_str(first);
        }
        for piece in pieces {
            self.end_segment();
            self.text.push('/');
            self.segment_start = self.text.len();
            self.text.push_str(piece);
        }
        self
    }

    /// Adds the value of path parameter `parameter` (its name on the wire) inside the current
    /// segment, percent-encoded (a `/` in it is encoded too).
    pub fn segment(mut self, parameter: &'static str, value: &str) -> PathBuilder {
        self.value_of.get_or_insert(parameter);
        self.text.push_str(&encode_segment(value));
        self
    }

    /// Adds the value of path parameter `parameter`, already encoded for the path (a styled
    /// value from `path_value`).
    pub fn styled(mut self, parameter: &'static str, encoded: &str) -> PathBuilder {
        self.value_of.get_or_insert(parameter);
        self.text.push_str(encoded);
        self
    }

    /// Checks the segment just written: a value may not leave it empty or a dot segment.
    fn end_segment(&mut self) {
        let Some(parameter) = self.value_of.take() else {
            return;
        };
        let segment = &self.text[self.segment_start..];
        if self.refused.is_none() && matches!(segment, "" | "." | "..") {
            self.refused = Some((parameter, segment.to_owned()));
        }
    }

    /// The path and the query.
    ///
    /// # Errors
    ///
    /// [`RequestError::PathSegment`] when a value left its segment empty, `.` or `..`.
    pub fn finish(mut self, query: &Query) -> Result<String, RequestError> {
        self.end_segment();
        if let Some((parameter, segment)) = self.refused {
            return Err(RequestError::PathSegment { parameter, segment });
        }
        self.text.push_str(query.as_str());
        Ok(self.text)
    }
}

/// One API operation: how to build its request and how to read its response. Implemented by
/// every generated request builder, so that any HTTP stack can drive any operation.
pub trait Operation {
    /// What a successful response decodes to.
    type Output;
    /// The operation's error enum.
    type Error: std::error::Error;

    /// The request, with a path and query but no scheme or host: the caller joins it to a base.
    /// With [`Validation::Checked`], values the document forbids are refused first.
    fn build_with(&self, validation: Validation) -> Result<http::Request<Body>, RequestError>;

    /// The request, checked against the document's constraints first.
    fn build(&self) -> Result<http::Request<Body>, RequestError> {
        self.build_with(Validation::Checked)
    }

    /// The request, without checking the document's constraints: the server decides.
    fn build_unchecked(&self) -> Result<http::Request<Body>, RequestError> {
        self.build_with(Validation::Unchecked)
    }

    /// The request as an absolute URI against `base_url` (`https://cloud.mongodb.com`, or a
    /// server of the caller's with a path prefix): what `reqwest::Request::try_from` and hyper
    /// take as it is. Checked against the document's constraints first.
    ///
    /// # Errors
    ///
    /// What [`Operation::build`] returns, and [`RequestError::BaseUrl`] when `base_url` is not an
    /// absolute `http` or `https` URL.
    fn build_against(&self, base_url: &str) -> Result<http::Request<Body>, RequestError> {
        let request = self.build()?;
        absolute(request, base_url)
    }

    /// Reads a response to the request this builder built, from any body type that lends its
    /// bytes ([`ResponseBody`]: `Vec<u8>`, `bytes::Bytes`, `String`, `&[u8]`).
    fn parse_response<B: ResponseBody>(
        &self,
        response: http::Response<B>,
    ) -> Result<Self::Output, Self::Error>;
}

/// `request` with its path-and-query URI joined to `base_url`: the base's scheme and host, its
/// path as a prefix (a trailing `/` or none, alike).
///
/// # Errors
///
/// [`RequestError::BaseUrl`] when `base_url` is not an absolute `http` or `https` URL.
pub fn absolute<B>(
    request: http::Request<B>,
    base_url: &str,
) -> Result<http::Request<B>, RequestError> {
    let refused = || RequestError::BaseUrl(base_url.to_owned());
    let base: http::Uri = base_url.parse().map_err(|_| refused())?;
    let (Some(scheme), Some(authority)) = (base.scheme(), base.authority()) else {
        return Err(refused());
    };
    if !matches!(scheme.as_str(), "http" | "https") || base.query().is_some() {
        return Err(refused());
    }
    let (mut parts, body) = request.into_parts();
    let prefix = base.path().trim_end_matches('/');
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or("/", http::uri::PathAndQuery::as_str);
    parts.uri = http::Uri::builder()
        .scheme(scheme.clone())
        .authority(authority.clone())
        .path_and_query(format!("{prefix}{path_and_query}"))
        .build()?;
    Ok(http::Request::from_parts(parts, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_and_queries_are_percent_encoded() {
        assert_eq!(encode_segment("a/b c?"), "a%2Fb%20c%3F");
        let mut query = Query::new();
        assert_eq!(query.as_str(), "");
        query.push("pageNum", "2");
        query.push("q", "a&b=c");
        assert_eq!(query.as_str(), "?pageNum=2&q=a%26b%3Dc");
    }

    #[test]
    fn rules_report_each_broken_constraint() {
        let rules = Rules {
            pattern: Some("^[a-f0-9]{4}$"),
            min_length: Some(2),
            max_length: Some(3),
            ..Rules::NONE
        };
        let mut out = Vec::new();
        "abcde".check("x", &rules, &mut out);
        let constraints: Vec<_> = out.iter().map(|v| v.constraint.clone()).collect();
        assert_eq!(
            constraints,
            [
                Constraint::MaxLength(3),
                Constraint::Pattern("^[a-f0-9]{4}$")
            ]
        );
        out.clear();
        "é".check(
            "x",
            &Rules {
                min_length: Some(2),
                ..Rules::NONE
            },
            &mut out,
        );
        assert_eq!(out.len(), 1, "one character, two bytes");
        out.clear();
        0i32.check(
            "n",
            &Rules {
                minimum: Some(1.0),
                ..Rules::NONE
            },
            &mut out,
        );
        assert_eq!(out[0].to_string(), "`n` must be at least 1");
    }
}
