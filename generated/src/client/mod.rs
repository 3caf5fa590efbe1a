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

use std::sync::Arc;
use std::time::{Duration, Instant};

use http::HeaderValue;

pub use auth::{AuthError, Credentials};
pub use retry::RetryPolicy;

use crate::runtime::{Operation, RequestError, Secret};
use auth::AuthState;

/// Where Atlas answers.
pub const DEFAULT_BASE_URL: &str = "https://cloud.mongodb.com";

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
    /// The request did not complete: connection, TLS or timeout.
    #[error("transport: {0}")]
    Transport(#[source] reqwest::Error),
    /// Authentication failed before Atlas could answer the request.
    #[error(transparent)]
    Auth(#[from] AuthError),
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

/// Failures that do not depend on the operation.
#[derive(Debug)]
pub(crate) enum ClientError {
    Transport(reqwest::Error),
    Auth(AuthError),
}

impl From<AuthError> for ClientError {
    fn from(error: AuthError) -> ClientError {
        ClientError::Auth(error)
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
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The base URL does not parse.
    #[error("invalid base URL `{0}`")]
    BaseUrl(String),
    /// The base URL is plain `http://` and plain HTTP was not allowed.
    #[error("`{0}` is not https; allow plain HTTP explicitly (for tests on loopback only)")]
    PlainHttp(String),
    /// No credentials were given.
    #[error("no credentials: give a service account, an API key or a token")]
    NoCredentials,
    /// reqwest could not build its client.
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
    /// TLS could not be set up, as when the system has no root certificates.
    #[error("cannot set up TLS: {0}")]
    Tls(#[source] rustls::Error),
}

/// Settings for a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<Credentials>,
    timeout: Duration,
    connect_timeout: Duration,
    allow_http: bool,
    retry: RetryPolicy,
    roots: Vec<rustls::pki_types::CertificateDer<'static>>,
}

impl Default for ClientBuilder {
    fn default() -> ClientBuilder {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.to_owned(),
            credentials: None,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            allow_http: false,
            retry: RetryPolicy::default(),
            roots: Vec::new(),
        }
    }
}

impl ClientBuilder {
    /// Where to send requests, such as a proxy or Atlas for Government
    /// (default `https://cloud.mongodb.com`).
    pub fn base_url(mut self, url: impl Into<String>) -> ClientBuilder {
        self.base_url = url.into();
        self
    }

    /// How to authenticate.
    pub fn credentials(mut self, credentials: Credentials) -> ClientBuilder {
        self.credentials = Some(credentials);
        self
    }

    /// The longest one request may take, from sending to the end of the answer (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.timeout = timeout;
        self
    }

    /// The longest connecting may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.connect_timeout = timeout;
        self
    }

    /// Allows a plain `http://` base URL, as for a test server on loopback. Off by default.
    pub fn allow_plain_http(mut self, allow: bool) -> ClientBuilder {
        self.allow_http = allow;
        self
    }

    /// Trusts one more root certificate (DER), besides the system's: for a private certificate
    /// authority or a TLS-inspecting proxy.
    pub fn add_root_certificate(mut self, der: impl Into<Vec<u8>>) -> ClientBuilder {
        self.roots
            .push(rustls::pki_types::CertificateDer::from(der.into()));
        self
    }

    /// How throttled and unavailable answers are retried.
    pub fn retry(mut self, policy: RetryPolicy) -> ClientBuilder {
        self.retry = policy;
        self
    }

    /// The client.
    pub fn build(self) -> Result<Client, BuildError> {
        let base = reqwest::Url::parse(&self.base_url)
            .map_err(|_| BuildError::BaseUrl(self.base_url.clone()))?;
        match base.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            "http" => return Err(BuildError::PlainHttp(self.base_url)),
            _ => return Err(BuildError::BaseUrl(self.base_url)),
        }
        let credentials = self.credentials.ok_or(BuildError::NoCredentials)?;
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config(self.roots)?)
            .user_agent(USER_AGENT)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .https_only(!self.allow_http)
            .build()
            .map_err(BuildError::Http)?;
        let base = self.base_url.trim_end_matches('/').to_owned();
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                auth: AuthState::new(credentials),
                retry: self.retry,
            }),
        })
    }
}

/// TLS as reqwest sets it up by default, with the system's root certificates (and `extra`), but on
/// the `ring` crypto provider, given to this client alone: nothing is installed process-wide.
fn tls_config(
    extra: Vec<rustls::pki_types::CertificateDer<'static>>,
) -> Result<rustls::ClientConfig, BuildError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = platform_verifier(extra, provider.clone())?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(BuildError::Tls)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    // reqwest leaves a preconfigured client's ALPN alone; it speaks HTTP/1.1 here.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The platform's certificate verifier, trusting `extra` as well as the system's roots.
#[cfg(not(target_os = "android"))]
fn platform_verifier(
    extra: Vec<rustls::pki_types::CertificateDer<'static>>,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, BuildError> {
    rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider)
        .map_err(BuildError::Tls)
}

/// The platform's certificate verifier; Android's cannot take extra roots.
#[cfg(target_os = "android")]
fn platform_verifier(
    extra: Vec<rustls::pki_types::CertificateDer<'static>>,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, BuildError> {
    if !extra.is_empty() {
        return Err(BuildError::Tls(rustls::Error::General(
            "extra root certificates are not supported on Android".to_owned(),
        )));
    }
    rustls_platform_verifier::Verifier::new(provider).map_err(BuildError::Tls)
}

/// The `User-Agent` of every request: this crate and its version.
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// A client for the API. Cheap to clone: clones share the connection pool and cached token.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base: String,
    auth: AuthState,
    retry: RetryPolicy,
}

impl Client {
    /// Settings for a new client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Sends one operation and decodes its answer. Throttled (429) and unavailable (503) answers
    /// are retried as the [`RetryPolicy`] allows, honouring `Retry-After`; no other answer is
    /// retried, except that a refused service-account token is refreshed once and a Digest
    /// challenge is answered.
    pub async fn send<O>(&self, operation: &O) -> Result<O::Output, Error<O::Error>>
    where
        O: Operation,
        O::Error: 'static,
    {
        let started = Instant::now();
        let mut retries = 0u32;
        let mut reauthentications = 0;
        loop {
            let request = operation.build()?;
            // With an envelope, Atlas answers 200 and puts the real status in the body.
            let envelope = crate::runtime::asks_for_envelope(request.uri());
            let response = self.execute(request).await?;
            let status = match envelope {
                true => {
                    crate::runtime::envelope_status(response.body()).unwrap_or(response.status())
                }
                false => response.status(),
            };
            if status == http::StatusCode::UNAUTHORIZED
                && self.reauthenticate(&response, reauthentications).await?
            {
                reauthentications += 1;
                continue;
            }
            if let Some(delay) =
                self.inner
                    .retry
                    .delay(status, response.headers(), retries, started.elapsed())
            {
                retries += 1;
                tokio::time::sleep(delay).await;
                continue;
            }
            return operation.parse_response(response).map_err(Error::Api);
        }
    }

    /// Sends one built request with authentication and reads the whole answer.
    async fn execute(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, ClientError> {
        let (mut parts, body) = request.into_parts();
        let path_and_query = parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        if let Some(authorization) = self.authorization(&parts.method, &path_and_query).await? {
            parts
                .headers
                .insert(http::header::AUTHORIZATION, authorization);
        }
        let url = format!("{}{path_and_query}", self.inner.base);
        let url = reqwest::Url::parse(&url).map_err(|_| AuthError::InvalidHeader)?;
        let mut outgoing = reqwest::Request::new(parts.method, url);
        *outgoing.headers_mut() = parts.headers;
        *outgoing.body_mut() = Some(body.into());
        let response = self
            .inner
            .http
            .execute(outgoing)
            .await
            .map_err(ClientError::Transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(ClientError::Transport)?;
        let mut answer = http::Response::new(bytes.to_vec());
        *answer.status_mut() = status;
        *answer.headers_mut() = headers;
        Ok(answer)
    }

    /// The `Authorization` header for a request, fetching a token first where needed.
    async fn authorization(
        &self,
        method: &http::Method,
        uri: &str,
    ) -> Result<Option<HeaderValue>, ClientError> {
        let auth = &self.inner.auth;
        match &auth.credentials {
            Credentials::Bearer(token) => bearer(token).map(Some),
            Credentials::ServiceAccount {
                client_id,
                client_secret,
            } => {
                let token = auth
                    .token(
                        &self.inner.http,
                        self.token_url()?,
                        client_id,
                        client_secret,
                    )
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
                auth.token(
                    &self.inner.http,
                    self.token_url()?,
                    client_id,
                    client_secret,
                )
                .await?;
                Ok(true)
            }
            Credentials::ApiKey { .. } => match auth.remember_challenge(response.headers())? {
                None => Ok(false),
                Some(stale) => Ok(done == 0 || (stale && done < 3)),
            },
        }
    }

    fn token_url(&self) -> Result<reqwest::Url, ClientError> {
        let url = format!("{}/api/oauth/token", self.inner.base);
        reqwest::Url::parse(&url).map_err(|_| ClientError::Auth(AuthError::InvalidHeader))
    }
}

fn bearer(token: &Secret) -> Result<HeaderValue, ClientError> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| AuthError::InvalidHeader)?;
    value.set_sensitive(true);
    Ok(value)
}
