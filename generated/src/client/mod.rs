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
pub use auth::{AuthError, Credentials, TokenFailure};
pub use retry::RetryPolicy;
pub use transport::{BoxError, BoxFuture, Limits, ReqwestTransport, Transport, TransportError};

use crate::runtime::{Operation, RawResponse, RequestError, Secret};
use auth::AuthState;

/// Where the document says its operations are served, if it names an absolute server: the base
/// URL a client uses unless [`ClientBuilder::base_url`] says otherwise.
pub use crate::operations::DEFAULT_BASE_URL;

/// The largest answer body read unless [`ClientBuilder::max_body_size`] says otherwise: 32 MiB.
pub const DEFAULT_MAX_BODY: usize = 32 << 20;

/// How many pages a listing (`Client::list_all`, in crates with the integrations helpers) reads
/// at most unless [`ClientBuilder::max_pages`] says otherwise.
pub const DEFAULT_MAX_PAGES: u32 = 1000;

/// What went wrong with one call of [`Client::send`].
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
}

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
                    .build()
                    .map_err(BuildError::Http)?;
                Arc::new(ReqwestTransport::new(http))
            }
        };
        let base = base_url.trim_end_matches('/').to_owned();
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
    /// retried, except that a refused service-account token is refreshed once and a Digest
    /// challenge is answered. A body that is not JSON is [`Error::ContentType`].
    pub async fn send<O>(&self, operation: &O) -> Result<O::Output, Error<O::Error>>
    where
        O: Operation,
        O::Error: 'static,
    {
        let started = Instant::now();
        let mut retries = 0u32;
        let mut reauthentications = 0;
        loop {
            let request = operation.build_with(self.inner.validation)?;
            // With an envelope, Atlas answers 200 and puts the real status in the body.
            let envelope = crate::runtime::asks_for_envelope(request.uri());
            let method = request.method().clone();
            let path = path_template(request.uri().path());
            let attempt = retries + reauthentications + 1;
            let response = self.execute(request, started).await.inspect_err(|error| {
                trace::failed(&method, &path, attempt, error);
            })?;
            let status = match envelope {
                true => {
                    crate::runtime::envelope_status(response.body()).unwrap_or(response.status())
                }
                false => response.status(),
            };
            trace::answered(&method, &path, status, attempt);
            if status == StatusCode::UNAUTHORIZED
                && self
                    .reauthenticate(&response, reauthentications, started)
                    .await?
            {
                reauthentications += 1;
                continue;
            }
            if let Some(delay) =
                self.inner
                    .retry
                    .delay(status, response.headers(), retries, started.elapsed())
            {
                trace::retrying(&method, &path, status, attempt, delay);
                retries += 1;
                tokio::time::sleep(delay).await;
                continue;
            }
            if !is_json(&response) {
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

    /// Sends one built request with authentication and reads the whole answer.
    async fn execute(
        &self,
        request: http::Request<crate::runtime::Body>,
        started: Instant,
    ) -> Result<http::Response<Vec<u8>>, ClientError> {
        let (mut parts, body) = request.into_parts();
        let path_and_query = parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        if let Some(authorization) = self
            .authorization(&parts.method, &path_and_query, started)
            .await?
        {
            parts
                .headers
                .insert(http::header::AUTHORIZATION, authorization);
        }
        parts.uri = self.url(&path_and_query)?;
        Ok(self
            .transmit(http::Request::from_parts(parts, body.into_vec()))
            .await?)
    }

    /// `path_and_query` under the base URL.
    fn url(&self, path_and_query: &str) -> Result<http::Uri, ClientError> {
        format!("{}{path_and_query}", self.inner.base)
            .parse()
            .map_err(|_| ClientError::Auth(AuthError::InvalidHeader))
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

    /// The `Authorization` header for a request, fetching a token first where needed.
    async fn authorization(
        &self,
        method: &http::Method,
        uri: &str,
        started: Instant,
    ) -> Result<Option<HeaderValue>, ClientError> {
        let auth = &self.inner.auth;
        match &auth.credentials {
            Credentials::Bearer(token) => bearer(token).map(Some),
            Credentials::ServiceAccount {
                client_id,
                client_secret,
            } => {
                let token = auth
                    .token(|| self.request_token(client_id, client_secret, started))
                    .await?;
                bearer(&token).map(Some)
            }
            Credentials::ApiKey {
                public_key,
                private_key,
            } => Ok(auth.digest_authorization(public_key, private_key, method, uri)?),
        }
    }

    /// After a 401: refresh the token, or take up the Digest challenge. Returns whether sending
    /// again may succeed: a token is refreshed once; a Digest challenge is answered once, and again
    /// (up to three times) only while the server calls the refused nonce stale, as happens when
    /// requests sharing a nonce reach it out of their nonce-count order.
    async fn reauthenticate(
        &self,
        response: &http::Response<Vec<u8>>,
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
                if done > 0 {
                    return Ok(false);
                }
                auth.forget_token();
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
            let headers = request.headers_mut();
            headers.insert(
                http::header::AUTHORIZATION,
                basic(client_id, client_secret)?,
            );
            headers.insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
            headers.insert(
                http::header::ACCEPT,
                HeaderValue::from_static("application/json"),
            );
            let attempt = retries + 1;
            let response = self.transmit(request).await.inspect_err(|error| {
                trace::failed(&method, path, attempt, error);
            })?;
            let status = response.status();
            trace::answered(&method, path, status, attempt);
            if status.is_success() {
                return Ok(response.into_body());
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
            return Err(AuthError::TokenRefused(Box::new(TokenFailure::new(response))).into());
        }
    }
}

/// The path of the OAuth 2.0 token endpoint, under the base URL.
const TOKEN_PATH: &str = "/api/oauth/token";

fn bearer(token: &Secret) -> Result<HeaderValue, ClientError> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| AuthError::InvalidHeader)?;
    value.set_sensitive(true);
    Ok(value)
}

/// HTTP Basic credentials (RFC 7617), as the token endpoint takes the client id and secret.
fn basic(user: &str, password: &Secret) -> Result<HeaderValue, ClientError> {
    let pair = zeroize::Zeroizing::new(format!("{user}:{}", password.expose()));
    let encoded = zeroize::Zeroizing::new(format!("Basic {}", base64(pair.as_bytes())));
    let mut value = HeaderValue::from_str(&encoded).map_err(|_| AuthError::InvalidHeader)?;
    value.set_sensitive(true);
    Ok(value)
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
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
    fn base64_pads_as_rfc_4648_says() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
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
