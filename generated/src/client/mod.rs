//! A ready client over reqwest (rustls): authentication, bounded retries of throttled and
//! unavailable answers, and helpers for listing and configuring integrations. Every request goes
//! through a generated builder; the client only sends it.
//!
//! ```no_run
//! # fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use atlas_integrations::client::{Client, Credentials};
//!
//! let client = Client::builder()
//!     .credentials(Credentials::service_account("client-id", "client-secret"))
//!     .build()?;
//! // Send any request builder of `operations`: `client.send(&builder).await`.
//! # let _ = client;
//! # Ok(())
//! # }
//! ```

mod auth;
mod retry;
pub mod tls;
mod transport;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::{HeaderValue, StatusCode};

pub use crate::runtime::Validation;
pub use auth::{
    AuthError, Credentials, DEFAULT_TOKEN_LIFETIME, MAX_TOKEN_LEN, MAX_TOKEN_LIFETIME,
    MIN_TOKEN_LIFETIME, TokenFailure, token_lifetime,
};
pub use retry::RetryPolicy;
pub use transport::{
    BoxError, BoxFuture, Delivery, Limits, ReqwestTransport, Transport, TransportError,
};

use crate::runtime::{Operation, RawResponse, RequestError, Secret, SentSecrets};

use auth::AuthState;
/// The HTTP client the default transport uses, re-exported so that a `reqwest::Client` of your
/// own (for [`ReqwestTransport::new`]) is of the very version this crate uses.
pub use reqwest;
/// The TLS library, re-exported so that a provider for [`ClientBuilder::tls_provider`] is of the
/// very version this crate uses.
pub use rustls;

/// Where the document says its operations are served, if it names an absolute server: the base
/// URL a client uses unless [`ClientBuilder::base_url`] says otherwise.
pub use crate::operations::DEFAULT_BASE_URL;

/// The largest answer body read unless [`ClientBuilder::max_body_size`] says otherwise: 32 MiB.
pub const DEFAULT_MAX_BODY: usize = 32 << 20;

/// How many pages a listing (`Client::list_all`, in crates with the integrations helpers) reads
/// at most unless [`ClientBuilder::max_pages`] says otherwise.
pub const DEFAULT_MAX_PAGES: u32 = 1000;

/// What went wrong with one call of [`Client::send`].
///
/// No `Display` or `Debug` of it shows a secret the request sent, even when the server echoes the
/// request in its answer: before an answer becomes an error, the client replaces every occurrence
/// of each secret the request sent (the credentials, the `Authorization` value, every header
/// marked sensitive, and the secret fields of the body), as sent and JSON-escaped, with
/// [`SCRUB_MASK`](crate::runtime::SCRUB_MASK) in the answer's header values and body (see
/// [`SentSecrets`]; secrets shorter than [`MIN_SCRUBBED_LEN`](crate::runtime::MIN_SCRUBBED_LEN)
/// bytes are left alone). Header values print masked and bodies as their length; status, error
/// code, detail and `Retry-After` stay readable through the error's fields and methods.
#[derive(Debug, thiserror::Error)]
pub enum Error<E: std::error::Error + 'static> {
    /// The request could not be built: a value broke the document's constraints, or the body
    /// holds a credential read back from a response. Nothing was sent.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// Atlas answered with an error (after any retries): the operation's typed error.
    #[error(transparent)]
    Api(E),
    /// The request got no complete answer: connection, TLS, a timeout, a body cut short or
    /// beyond the size limit.
    #[error(transparent)]
    Transport(TransportError),
    /// Authentication failed before Atlas could answer the request.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The answer has a body that is not JSON (its `Content-Type` says otherwise), as when a
    /// proxy or a captive portal answers instead of Atlas. Status, headers and body are kept.
    #[error("the {} answer is `{}`, not JSON", .0.status, content_type(&.0.headers))]
    ContentType(RawResponse),
    /// A listing still had pages to read after the client's maximum number of pages
    /// ([`ClientBuilder::max_pages`]).
    #[error("the listing goes on beyond {0} pages")]
    PageLimit(u32),
    /// The server answered with a redirection (3xx). Redirects are never followed: neither the
    /// body nor a credential is sent anywhere the caller did not name, and the answer is not
    /// decoded as the operation's.
    #[error(transparent)]
    Redirect(Box<Redirect>),
}

/// A redirection (3xx) answer, returned as it came instead of followed.
#[derive(Clone, Debug)]
pub struct Redirect {
    /// The status (301, 302, 303, 307, 308, ...).
    pub status: StatusCode,
    /// The `Location` header as sent, when there is one in visible ASCII: where the server
    /// would send the request, relative or absolute.
    pub location: Option<String>,
    /// The whole answer.
    pub response: RawResponse,
}

impl Redirect {
    pub(crate) fn new(response: http::Response<Vec<u8>>) -> Redirect {
        let (parts, body) = response.into_parts();
        let location = parts
            .headers
            .get(http::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        Redirect {
            status: parts.status,
            location,
            response: RawResponse {
                status: parts.status,
                headers: parts.headers,
                body: body.into(),
            },
        }
    }
}

impl fmt::Display for Redirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the server redirects ({})", self.status)?;
        if let Some(location) = &self.location {
            write!(f, " to `{location}`")?;
        }
        f.write_str("; redirects are not followed")
    }
}

impl std::error::Error for Redirect {}

impl<E: std::error::Error + 'static> Error<E> {
    /// The operation's error, if Atlas answered with one.
    pub fn api(&self) -> Option<&E> {
        match self {
            Error::Api(error) => Some(error),
            _ => None,
        }
    }
}

/// The `Content-Type` of an answer, for messages.
fn content_type(headers: &http::HeaderMap) -> &str {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Whether an answer's body may be decoded as JSON: it is empty, it has no `Content-Type`, or
/// that is `application/json` or a `+json` type.
fn is_json(response: &http::Response<Vec<u8>>) -> bool {
    if response.body().is_empty() {
        return true;
    }
    let Some(value) = response.headers().get(http::header::CONTENT_TYPE) else {
        return true;
    };
    let media = value
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    media == "application/json" || media.ends_with("+json")
}

/// Failures that do not depend on the operation.
#[derive(Debug)]
pub(crate) enum ClientError {
    Transport(TransportError),
    Auth(AuthError),
}

impl From<AuthError> for ClientError {
    fn from(error: AuthError) -> ClientError {
        ClientError::Auth(error)
    }
}

impl From<TransportError> for ClientError {
    fn from(error: TransportError) -> ClientError {
        ClientError::Transport(error)
    }
}

impl<E: std::error::Error + 'static> From<ClientError> for Error<E> {
    fn from(error: ClientError) -> Error<E> {
        match error {
            ClientError::Transport(e) => Error::Transport(e),
            ClientError::Auth(e) => Error::Auth(e),
        }
    }
}

/// Why a client could not be built.
#[derive(Debug)]
pub enum BuildError {
    /// The base URL does not parse.
    BaseUrl(String),
    /// The base URL is plain `http://` and plain HTTP was not allowed.
    PlainHttp(String),
    /// No base URL was given, and the document names no absolute server to default to.
    NoBaseUrl,
    /// No credentials were given.
    NoCredentials,
    /// reqwest could not build its client.
    Http(reqwest::Error),
    /// TLS could not be set up, as when the system has no root certificates.
    Tls(rustls::Error),
    /// No TLS crypto provider: the crate was built with neither feature `aws-lc-rs` nor `ring`,
    /// and none was given with [`ClientBuilder::tls_provider`].
    NoTlsProvider,
}

/// The cause's text is part of the message; `source` goes on from the cause's own source.
impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::BaseUrl(url) => write!(f, "invalid base URL `{url}`"),
            BuildError::PlainHttp(url) => write!(
                f,
                "`{url}` is not https; allow plain HTTP explicitly (for tests on loopback only)"
            ),
            BuildError::NoBaseUrl => f.write_str(&no_base_url()),
            BuildError::NoCredentials => {
                f.write_str("no credentials: give a service account, an API key or a token")
            }
            BuildError::Http(cause) => write!(f, "cannot build the HTTP client: {cause}"),
            BuildError::Tls(cause) => write!(f, "cannot set up TLS: {cause}"),
            BuildError::NoTlsProvider => f.write_str(
                "no TLS crypto provider: enable feature `aws-lc-rs` or `ring`, or give one with `tls_provider`",
            ),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Http(cause) => cause.source(),
            BuildError::Tls(cause) => cause.source(),
            _ => None,
        }
    }
}

/// Why the base URL must be given: the document's server is relative, or there is none.
fn no_base_url() -> String {
    match crate::operations::SERVER_URL {
        Some(server) => format!(
            "no base URL: the document's server `{server}` is relative; give the whole base URL (host and path) with `base_url`"
        ),
        None => "no base URL: the document names no server; give one with `base_url`".to_owned(),
    }
}

/// Settings for a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: Option<String>,
    credentials: Option<Credentials>,
    timeout: Duration,
    connect_timeout: Duration,
    read_timeout: Duration,
    max_body: usize,
    max_pages: u32,
    allow_http: bool,
    retry: RetryPolicy,
    roots: Vec<rustls::pki_types::CertificateDer<'static>>,
    tls_provider: Option<Arc<rustls::crypto::CryptoProvider>>,
    transport: Option<Arc<dyn Transport>>,
    validation: Validation,
}

impl Default for ClientBuilder {
    fn default() -> ClientBuilder {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.map(str::to_owned),
            credentials: None,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            max_body: DEFAULT_MAX_BODY,
            max_pages: DEFAULT_MAX_PAGES,
            allow_http: false,
            retry: RetryPolicy::default(),
            roots: Vec::new(),
            tls_provider: None,
            transport: None,
            validation: Validation::Checked,
        }
    }
}

impl ClientBuilder {
    /// Where to send requests, such as a proxy or another deployment (default
    /// [`DEFAULT_BASE_URL`], the document's server). Required when the document names no
    /// absolute server: [`build`](Self::build) fails with [`BuildError::NoBaseUrl`] without it.
    pub fn base_url(mut self, url: impl Into<String>) -> ClientBuilder {
        self.base_url = Some(url.into());
        self
    }

    /// How to authenticate.
    pub fn credentials(mut self, credentials: Credentials) -> ClientBuilder {
        self.credentials = Some(credentials);
        self
    }

    /// The longest one exchange may take, from sending to the end of the answer (default 60 s).
    /// Retries and token requests each have this long; [`RetryPolicy::max_elapsed`] bounds them
    /// together.
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.timeout = timeout;
        self
    }

    /// The longest connecting may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.connect_timeout = timeout;
        self
    }

    /// The longest the server may stay silent, waiting for the headers or between two parts of
    /// the body (default 30 s): a stalled server is a [`TransportError::ReadTimeout`] after this.
    pub fn read_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.read_timeout = timeout;
        self
    }

    /// The largest answer body the client reads (default [`DEFAULT_MAX_BODY`], 32 MiB): a longer
    /// one is a [`TransportError::BodyTooLarge`], and no more than this is held in memory.
    pub fn max_body_size(mut self, bytes: usize) -> ClientBuilder {
        self.max_body = bytes;
        self
    }

    /// The most pages a listing (`Client::list_all`, in crates with the integrations helpers)
    /// reads (default [`DEFAULT_MAX_PAGES`]); a listing that goes on beyond them ends with
    /// [`Error::PageLimit`].
    pub fn max_pages(mut self, pages: u32) -> ClientBuilder {
        self.max_pages = pages.max(1);
        self
    }

    /// Allows a plain `http://` base URL, as for a test server on loopback. Off by default.
    pub fn allow_plain_http(mut self, allow: bool) -> ClientBuilder {
        self.allow_http = allow;
        self
    }

    /// Trusts one more root certificate (DER), besides the system's: for a private certificate
    /// authority or a TLS-inspecting proxy. Ignored with a [`transport`](Self::transport) of
    /// one's own.
    pub fn add_root_certificate(mut self, der: impl Into<Vec<u8>>) -> ClientBuilder {
        self.roots
            .push(rustls::pki_types::CertificateDer::from(der.into()));
        self
    }

    /// The rustls crypto provider of this client's TLS, instead of the one the crate's features
    /// choose ([`tls::default_provider`]: aws-lc-rs, with post-quantum key exchange, or *ring*),
    /// as for a FIPS-validated build, or `tls::ring_provider` (feature `ring`) beside aws-lc-rs. It is given to
    /// this client alone: nothing is installed process-wide. Required when the crate is built
    /// with neither feature `aws-lc-rs` nor `ring` ([`build`](Self::build) fails with
    /// [`BuildError::NoTlsProvider`] without it). Ignored with a [`transport`](Self::transport) of
    /// one's own.
    pub fn tls_provider(mut self, provider: Arc<rustls::crypto::CryptoProvider>) -> ClientBuilder {
        self.tls_provider = Some(provider);
        self
    }

    /// How throttled and unavailable answers are retried, token requests included.
    pub fn retry(mut self, policy: RetryPolicy) -> ClientBuilder {
        self.retry = policy;
        self
    }

    /// Sends requests through `transport` instead of the built-in [`ReqwestTransport`]: another
    /// HTTP stack, or a test double. Authentication, retries, paging, the body size limit and the
    /// timeout still apply; TLS, proxies and the connect timeout are the transport's.
    pub fn transport(mut self, transport: impl Transport) -> ClientBuilder {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Whether [`Client::send`] checks requests against the document's constraints first
    /// (default [`Validation::Checked`]). With [`Validation::Unchecked`] the client sends what
    /// the document forbids, and the server decides what it accepts. Read-back secrets are
    /// refused either way.
    pub fn validation(mut self, validation: Validation) -> ClientBuilder {
        self.validation = validation;
        self
    }

    /// The client.
    pub fn build(self) -> Result<Client, BuildError> {
        let base_url = self.base_url.ok_or(BuildError::NoBaseUrl)?;
        let base =
            reqwest::Url::parse(&base_url).map_err(|_| BuildError::BaseUrl(base_url.clone()))?;
        match base.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            "http" => return Err(BuildError::PlainHttp(base_url)),
            _ => return Err(BuildError::BaseUrl(base_url)),
        }
        // Paths go after the base's path: a query or a fragment there would swallow them.
        if base.query().is_some() || base.fragment().is_some() || base.cannot_be_a_base() {
            return Err(BuildError::BaseUrl(base_url));
        }
        let credentials = self.credentials.ok_or(BuildError::NoCredentials)?;
        let transport = match self.transport {
            Some(transport) => transport,
            None => {
                // The whole exchange is bounded by the client itself, for any transport.
                let http = reqwest::Client::builder()
                    .tls_backend_preconfigured(tls::client_config(self.roots, self.tls_provider)?)
                    .user_agent(USER_AGENT)
                    .connect_timeout(self.connect_timeout)
                    .read_timeout(self.read_timeout)
                    .https_only(!self.allow_http)
                    // A redirect is the caller's to follow or not (`Error::Redirect`): followed
                    // here, it would resend the body and the credentials where no one chose.
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(BuildError::Http)?;
                Arc::new(ReqwestTransport::new(http))
            }
        };
        // The URL as parsed (dot segments resolved, the host lowercased): the form every request
        // is joined to, signed in, and sent as.
        let base = base.as_str().trim_end_matches('/').to_owned();
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                base,
                auth: AuthState::new(credentials),
                retry: self.retry,
                timeout: self.timeout,
                limits: Limits::new(self.max_body, self.read_timeout),
                max_pages: self.max_pages,
                validation: self.validation,
            }),
        })
    }
}

/// The `User-Agent` of every request: this crate and its version.
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// A client for the API. Cheap to clone: clones share the transport and the cached token.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    transport: Arc<dyn Transport>,
    base: String,
    auth: AuthState,
    retry: RetryPolicy,
    timeout: Duration,
    limits: Limits,
    max_pages: u32,
    validation: Validation,
}

impl Client {
    /// Settings for a new client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The most pages a listing reads, as set with [`ClientBuilder::max_pages`].
    pub fn max_pages(&self) -> u32 {
        self.inner.max_pages
    }

    /// Sends one operation and decodes its answer. Throttled (429) and unavailable (503) answers
    /// are retried as the [`RetryPolicy`] allows, honouring `Retry-After`; no other answer is
    /// retried, except that a refused service-account token is refreshed and a Digest challenge
    /// is answered. A body that is not JSON is [`Error::ContentType`].
    ///
    /// A refused token is refreshed once for all the calls that sent it: the first refusal
    /// fetches a new token, and calls refused meanwhile take that one. A call refreshes again only
    /// when the token refused is newer than the one it saw refused before (the server revoked
    /// tokens again), at most [`MAX_TOKEN_REFRESHES`] times.
    pub async fn send<O>(&self, operation: &O) -> Result<O::Output, Error<O::Error>>
    where
        O: Operation,
        O::Error: 'static,
    {
        let started = Instant::now();
        let mut retries = 0u32;
        let mut reauthentications = 0;
        // The newest token generation refused during this call.
        let mut refused: Option<u64> = None;
        loop {
            let request = operation.build_with(self.inner.validation)?;
            // With an envelope, Atlas answers 200 and puts the real status in the body.
            let envelope = crate::runtime::asks_for_envelope(request.uri());
            let method = request.method().clone();
            let path = path_template(request.uri().path());
            let attempt = retries + reauthentications + 1;
            let (mut response, generation, secrets) =
                self.execute(request, started).await.inspect_err(|error| {
                    trace::failed(&method, &path, attempt, error);
                })?;
            // No header value kept from an answer, even a successful one, repeats a secret sent.
            secrets.scrub_headers(response.headers_mut());
            let status = match envelope {
                true => {
                    crate::runtime::envelope_status(response.body()).unwrap_or(response.status())
                }
                false => response.status(),
            };
            trace::answered(&method, &path, status, attempt);
            if response.status().is_redirection() {
                secrets.scrub_response(&mut response, true);
                return Err(Error::Redirect(Box::new(Redirect::new(response))));
            }
            if status == StatusCode::UNAUTHORIZED
                && self
                    .reauthenticate(
                        &response,
                        generation,
                        &mut refused,
                        reauthentications,
                        started,
                    )
                    .await?
            {
                reauthentications += 1;
                continue;
            }
            // A 503 may come from a server that began the work: only an idempotent request is
            // sent again after one. A 429 refused the request unread, whatever its method.
            // The HTTP status counts as much as an envelope's: a 503 of either kind.
            let resendable = transport::is_idempotent(&method)
                || (status != StatusCode::SERVICE_UNAVAILABLE
                    && response.status() != StatusCode::SERVICE_UNAVAILABLE);
            if let Some(delay) = self
                .inner
                .retry
                .delay(status, response.headers(), retries, started.elapsed())
                .filter(|_| resendable)
            {
                trace::retrying(&method, &path, status, attempt, delay);
                retries += 1;
                tokio::time::sleep(delay).await;
                continue;
            }
            // An answer that becomes an error keeps no secret the request sent, in its body either.
            let json = is_json(&response);
            if !status.is_success() || !json {
                secrets.scrub_response(&mut response, true);
            }
            if !json {
                let (parts, body) = response.into_parts();
                return Err(Error::ContentType(RawResponse {
                    status,
                    headers: parts.headers,
                    body: body.into(),
                }));
            }
            return operation.parse_response(response).map_err(Error::Api);
        }
    }

    /// Sends one built request with authentication and reads the whole answer. Returns the
    /// generation of the service-account token sent, if one was, and every secret the request
    /// sent: the credentials, each sensitive header value (`Authorization` included), and the
    /// body's secrets its builder attached as [`SentSecrets`].
    async fn execute(
        &self,
        request: http::Request<crate::runtime::Body>,
        started: Instant,
    ) -> Result<(http::Response<Vec<u8>>, Option<u64>, SentSecrets), ClientError> {
        let (mut parts, body) = request.into_parts();
        let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        parts.uri = self.url(target)?;
        // Digest signs the target as it goes on the wire: the base URL's path included.
        let on_the_wire = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let (authorization, generation) = self
            .authorization(&parts.method, on_the_wire, started)
            .await?;
        if let Some(authorization) = authorization {
            parts
                .headers
                .insert(http::header::AUTHORIZATION, authorization);
        }
        let mut secrets = self.inner.auth.credentials.secrets();
        if let Some(body_secrets) = parts.extensions.remove::<SentSecrets>() {
            secrets.extend(&body_secrets);
        }
        for value in parts.headers.values().filter(|v| v.is_sensitive()) {
            add_header_secrets(&mut secrets, value.as_bytes());
        }
        let response = self
            .transmit(http::Request::from_parts(parts, body.into_vec()))
            .await?;
        Ok((response, generation, secrets))
    }

    /// `path_and_query` under the base URL, exactly as an HTTP stack sends it (URL parsing may
    /// percent-encode a character the document's path template left bare). A target whose
    /// segments URL parsing would change (a dot segment in the document's own path, say) is
    /// refused rather than sent to another resource than the builder named.
    fn url(&self, path_and_query: &str) -> Result<http::Uri, ClientError> {
        let joined = format!("{}{path_and_query}", self.inner.base);
        let refuse = |why: String| ClientError::Transport(TransportError::Request(why.into()));
        let url = reqwest::Url::parse(&joined)
            .map_err(|e| refuse(format!("`{path_and_query}` under the base URL: {e}")))?;
        let path = joined
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|at| &rest[at..]))
            .unwrap_or("/");
        let path = path.split(['?', '#']).next().unwrap_or(path);
        if url.path().split('/').count() != path.split('/').count() {
            return Err(refuse(format!(
                "the target `{path_and_query}` would reach the server as `{}`: URL parsing \
                 changes its segments",
                url.path()
            )));
        }
        url.as_str()
            .parse()
            .map_err(|e: http::uri::InvalidUri| refuse(e.to_string()))
    }

    /// Hands a complete request to the transport, within the timeout and the body limit.
    async fn transmit(
        &self,
        mut request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, TransportError> {
        request
            .headers_mut()
            .entry(http::header::USER_AGENT)
            .or_insert(HeaderValue::from_static(USER_AGENT));
        let limits = self.inner.limits;
        let timeout = self.inner.timeout;
        let response =
            match tokio::time::timeout(timeout, self.inner.transport.send(request, limits)).await {
                Ok(answer) => answer?,
                Err(_) => return Err(TransportError::Timeout(timeout)),
            };
        if response.body().len() > limits.max_body {
            return Err(TransportError::BodyTooLarge {
                limit: limits.max_body,
            });
        }
        Ok(response)
    }

    /// The `Authorization` header for a request, fetching a token first where needed, with the
    /// generation of the service-account token it holds.
    async fn authorization(
        &self,
        method: &http::Method,
        uri: &str,
        started: Instant,
    ) -> Result<(Option<HeaderValue>, Option<u64>), ClientError> {
        let auth = &self.inner.auth;
        match &auth.credentials {
            Credentials::Bearer(token) => Ok((Some(bearer(token)?), None)),
            Credentials::ServiceAccount {
                client_id,
                client_secret,
            } => {
                let token = auth
                    .token(|| self.request_token(client_id, client_secret, started))
                    .await?;
                Ok((Some(bearer(&token.value)?), Some(token.generation)))
            }
            Credentials::ApiKey {
                public_key,
                private_key,
            } => Ok((
                auth.digest_authorization(public_key, private_key, method, uri)?,
                None,
            )),
        }
    }

    /// After a 401: refresh the token, or take up the Digest challenge. Returns whether sending
    /// again may succeed. The token of `generation` is refreshed when it is newer than the one
    /// this call saw refused before (`refused`), at most [`MAX_TOKEN_REFRESHES`] times, and only
    /// it is forgotten: a newer token fetched by another call is reused, not thrown away. A Digest
    /// challenge is answered once, and again (up to three times) only while the server calls the
    /// refused nonce stale, as happens when requests sharing a nonce reach it out of their
    /// nonce-count order.
    async fn reauthenticate(
        &self,
        response: &http::Response<Vec<u8>>,
        generation: Option<u64>,
        refused: &mut Option<u64>,
        done: u32,
        started: Instant,
    ) -> Result<bool, ClientError> {
        let auth = &self.inner.auth;
        match &auth.credentials {
            Credentials::Bearer(_) => Ok(false),
            Credentials::ServiceAccount {
                client_id,
                client_secret,
            } => {
                let Some(generation) = generation else {
                    return Ok(false);
                };
                if done >= MAX_TOKEN_REFRESHES || refused.is_some_and(|r| r >= generation) {
                    return Ok(false);
                }
                *refused = Some(generation);
                auth.forget_token(generation);
                auth.token(|| self.request_token(client_id, client_secret, started))
                    .await?;
                Ok(true)
            }
            Credentials::ApiKey { .. } => match auth.remember_challenge(response.headers())? {
                None => Ok(false),
                Some(stale) => Ok(done == 0 || (stale && done < 3)),
            },
        }
    }

    /// Asks the token endpoint for a token, retrying throttled and unavailable answers as API
    /// calls are retried, within the same bounds (counted from `started`, the start of the call
    /// that needs the token). Returns the body of the successful answer.
    async fn request_token(
        &self,
        client_id: &str,
        client_secret: &Secret,
        started: Instant,
    ) -> Result<Vec<u8>, ClientError> {
        let method = http::Method::POST;
        let path = TOKEN_PATH;
        let mut retries = 0u32;
        loop {
            let mut request = http::Request::new(b"grant_type=client_credentials".to_vec());
            *request.method_mut() = method.clone();
            *request.uri_mut() = self.url(path)?;
            let authorization = basic(client_id, client_secret)?;
            // What an answer echoing the request could repeat: the secret, the whole `Basic`
            // value, and its base64 part.
            let mut secrets = self.inner.auth.credentials.secrets();
            add_header_secrets(&mut secrets, authorization.as_bytes());
            let headers = request.headers_mut();
            headers.insert(http::header::AUTHORIZATION, authorization);
            headers.insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
            headers.insert(
                http::header::ACCEPT,
                HeaderValue::from_static("application/json"),
            );
            let attempt = retries + 1;
            let mut response = self.transmit(request).await.inspect_err(|error| {
                trace::failed(&method, path, attempt, error);
            })?;
            let status = response.status();
            trace::answered(&method, path, status, attempt);
            if status.is_success() {
                return Ok(response.into_body());
            }
            if status.is_redirection() {
                secrets.scrub_response(&mut response, true);
                return Err(AuthError::Redirect(Box::new(Redirect::new(response))).into());
            }
            if let Some(delay) =
                self.inner
                    .retry
                    .delay(status, response.headers(), retries, started.elapsed())
            {
                trace::retrying(&method, path, status, attempt, delay);
                retries += 1;
                tokio::time::sleep(delay).await;
                continue;
            }
            secrets.scrub_response(&mut response, true);
            return Err(AuthError::TokenRefused(Box::new(TokenFailure::new(response))).into());
        }
    }
}

/// How many times one call refreshes a refused service-account token at most, each time only
/// because a newer token than the one refused before was refused in turn.
pub const MAX_TOKEN_REFRESHES: u32 = 3;

/// The path of the OAuth 2.0 token endpoint, under the base URL.
const TOKEN_PATH: &str = "/api/oauth/token";

fn bearer(token: &Secret) -> Result<HeaderValue, ClientError> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| AuthError::InvalidHeader)?;
    value.set_sensitive(true);
    Ok(value)
}

/// Adds what a server could echo of a sensitive header `value`: the whole value and, for an
/// `Authorization` value, its credential part (a `Bearer` token, the base64 of a `Basic` pair, a
/// Digest `response="…"`).
fn add_header_secrets(secrets: &mut SentSecrets, value: &[u8]) {
    secrets.add(value);
    if let Some(credential) = value
        .strip_prefix(b"Bearer ")
        .or_else(|| value.strip_prefix(b"Basic "))
        .or_else(|| digest_response(value))
    {
        secrets.add(credential);
    }
}

/// The `response="…"` digest of a Digest `Authorization` value, if it is one.
fn digest_response(value: &[u8]) -> Option<&[u8]> {
    let start = memchr::memmem::find(value, b"response=\"")? + b"response=\"".len();
    let length = memchr::memchr(b'"', &value[start..])?;
    Some(&value[start..start + length])
}

/// HTTP Basic credentials (RFC 7617), as the token endpoint takes the client id and secret.
fn basic(user: &str, password: &Secret) -> Result<HeaderValue, ClientError> {
    let pair = zeroize::Zeroizing::new(format!("{user}:{}", password.expose()));
    let encoded = zeroize::Zeroizing::new(format!(
        "Basic {}",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, pair.as_bytes())
    ));
    let mut value = HeaderValue::from_str(&encoded).map_err(|_| AuthError::InvalidHeader)?;
    value.set_sensitive(true);
    Ok(value)
}

/// The path of a request with every identifier (a 24-digit hexadecimal segment, such as a
/// project id) replaced by `{id}`: what events name instead of the path itself.
fn path_template(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            let id = segment.len() == 24 && segment.bytes().all(|b| b.is_ascii_hexdigit());
            if id { "{id}" } else { segment }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The events of requests and retries, with feature `tracing`: method, path template, status,
/// attempt and wait, never a header or a body, so never a credential.
#[cfg(feature = "tracing")]
mod trace {
    use std::time::Duration;

    use super::TransportError;

    pub(super) fn answered(
        method: &http::Method,
        path: &str,
        status: http::StatusCode,
        attempt: u32,
    ) {
        tracing::debug!(
            method = method.as_str(),
            path,
            status = status.as_u16(),
            attempt,
            "atlas answered"
        );
    }

    pub(super) fn retrying(
        method: &http::Method,
        path: &str,
        status: http::StatusCode,
        attempt: u32,
        wait: Duration,
    ) {
        tracing::info!(
            method = method.as_str(),
            path,
            status = status.as_u16(),
            attempt,
            wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
            "retrying"
        );
    }

    pub(super) fn failed(method: &http::Method, path: &str, attempt: u32, error: &impl Failed) {
        tracing::warn!(
            method = method.as_str(),
            path,
            attempt,
            error = error.kind(),
            "no answer"
        );
    }

    /// What kind of failure, in a word (transport errors' messages may quote addresses).
    pub(super) trait Failed {
        fn kind(&self) -> &'static str;
    }

    impl Failed for TransportError {
        fn kind(&self) -> &'static str {
            match self {
                TransportError::Connect(_) => "connect",
                TransportError::ReadTimeout(_) => "read timeout",
                TransportError::Timeout(_) => "timeout",
                TransportError::BodyTooLarge { .. } => "body too large",
                TransportError::Interrupted(_) => "interrupted",
                TransportError::Request(_) => "request",
                TransportError::InvalidAnswer(_) => "invalid answer",
                TransportError::Other(_) => "other",
            }
        }
    }

    impl Failed for super::ClientError {
        fn kind(&self) -> &'static str {
            match self {
                super::ClientError::Transport(error) => error.kind(),
                super::ClientError::Auth(_) => "authentication",
            }
        }
    }
}

/// Without feature `tracing`, events cost nothing.
#[cfg(not(feature = "tracing"))]
mod trace {
    use std::time::Duration;

    pub(super) fn answered(_: &http::Method, _: &str, _: http::StatusCode, _: u32) {}

    pub(super) fn retrying(_: &http::Method, _: &str, _: http::StatusCode, _: u32, _: Duration) {}

    pub(super) fn failed<E>(_: &http::Method, _: &str, _: u32, _: &E) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_the_pair_in_base64() {
        let value = basic("Aladdin", &Secret::new("open sesame")).ok();
        assert_eq!(
            value.as_ref().map(HeaderValue::as_bytes),
            Some(&b"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="[..])
        );
        assert!(value.is_some_and(|v| v.is_sensitive()));
    }

    #[test]
    fn identifiers_leave_the_path_template() {
        assert_eq!(
            path_template("/api/atlas/v1.0/groups/32b6e34b3d91647abb20e7b8/integrations/SLACK"),
            "/api/atlas/v1.0/groups/{id}/integrations/SLACK"
        );
        assert_eq!(path_template("/api/oauth/token"), "/api/oauth/token");
    }
}
