//! The credentials Atlas accepts, and what the client keeps between requests: a cached
//! service-account token, or the server's current Digest challenge.

use std::fmt;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderValue, StatusCode};
use serde::Deserialize;
use serde_json::Value;

use crate::runtime::{ErrorDetails, ResponseParts, Secret};

/// How the client authenticates. Secrets are held in [`Secret`], so they never print.
#[derive(Clone, Debug)]
pub enum Credentials {
    /// A service account: OAuth2 client credentials exchanged at `{base}/api/oauth/token` for an
    /// access token, which is cached until shortly before it expires.
    ServiceAccount {
        /// The client id (`mdb_sa_id_…`).
        client_id: String,
        /// The client secret.
        client_secret: Secret,
    },
    /// A programmatic API key pair, sent with HTTP Digest authentication (RFC 7616).
    ApiKey {
        /// The public key, the Digest user name.
        public_key: String,
        /// The private key, the Digest password.
        private_key: Secret,
    },
    /// An access token obtained elsewhere.
    Bearer(Secret),
}

impl Credentials {
    /// Service-account credentials.
    pub fn service_account(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Credentials {
        Credentials::ServiceAccount {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }

    /// An API key pair.
    pub fn api_key(public_key: impl Into<String>, private_key: impl Into<Secret>) -> Credentials {
        Credentials::ApiKey {
            public_key: public_key.into(),
            private_key: private_key.into(),
        }
    }

    /// A ready access token.
    pub fn bearer(token: impl Into<Secret>) -> Credentials {
        Credentials::Bearer(token.into())
    }
}

/// Authentication failed before the request itself could be answered.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The token endpoint refused the service account's credentials or failed, after any
    /// retries: its answer, with status, headers (`Retry-After`), error code and detail.
    #[error("the token endpoint answered {0}")]
    TokenRefused(Box<TokenFailure>),
    /// The token endpoint's answer was not a token.
    #[error("the token endpoint's answer is not a token: {0}")]
    TokenMalformed(String),
    /// The server's Digest challenge could not be answered.
    #[error("cannot answer the Digest challenge: {0}")]
    Digest(String),
    /// A credential does not fit in a header.
    #[error("a credential contains characters that cannot be sent in a header")]
    InvalidHeader,
    /// The token endpoint answered with a redirection (3xx), which is not followed: the client's
    /// secret goes only to the token endpoint under the base URL.
    #[error("the token endpoint: {0}")]
    Redirect(Box<super::Redirect>),
}

/// The token endpoint's answer when it is not a token: status, headers and body, with the
/// error code and detail read from an Atlas error body (`errorCode`, `detail`) or an OAuth 2.0
/// one (`error`, `error_description`). `Retry-After` and `RateLimit-*` are read through
/// [`ResponseParts`].
#[derive(Clone)]
pub struct TokenFailure {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, as received.
    pub body: Vec<u8>,
    /// The body as JSON, where it is.
    json: Option<Value>,
}

impl TokenFailure {
    pub(crate) fn new(response: http::Response<Vec<u8>>) -> TokenFailure {
        let (parts, body) = response.into_parts();
        TokenFailure {
            status: parts.status,
            headers: parts.headers,
            json: serde_json::from_slice(&body).ok(),
            body,
        }
    }

    /// The body as text (lossily).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    fn field(&self, name: &str) -> Option<&str> {
        self.json.as_ref()?.get(name)?.as_str()
    }
}

impl ErrorDetails for TokenFailure {
    /// Atlas's `errorCode` (such as `RATE_LIMITED`), or else the OAuth 2.0 `error` (such as
    /// `invalid_client`).
    fn error_code(&self) -> Option<&str> {
        self.field("errorCode").or_else(|| self.field("error"))
    }

    /// Atlas's `detail`, or else the OAuth 2.0 `error_description`.
    fn detail(&self) -> Option<&str> {
        self.field("detail")
            .or_else(|| self.field("error_description"))
    }
}

impl ResponseParts for TokenFailure {
    fn status(&self) -> StatusCode {
        self.status
    }
    fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl fmt::Display for TokenFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status)?;
        if let Some(code) = self.error_code() {
            write!(f, " {code}")?;
        }
        if let Some(detail) = self.detail() {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for TokenFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenFailure")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.text())
            .finish()
    }
}

/// A cached access token.
struct Token {
    value: Secret,
    refresh_at: Instant,
}

/// What the client remembers between requests.
pub(crate) struct AuthState {
    pub(crate) credentials: Credentials,
    token: Mutex<Option<Token>>,
    /// Held while a token is fetched, so that requests arriving meanwhile wait for that token
    /// instead of each fetching their own.
    refreshing: tokio::sync::Mutex<()>,
    /// The last Digest challenge, reused with an increasing nonce count until the server refuses.
    challenge: Mutex<Option<digest_auth::WwwAuthenticateHeader>>,
}

impl fmt::Debug for AuthState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthState")
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

/// The token endpoint's answer.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: Secret,
    expires_in: Option<u64>,
}

impl AuthState {
    pub(crate) fn new(credentials: Credentials) -> AuthState {
        AuthState {
            credentials,
            token: Mutex::new(None),
            refreshing: tokio::sync::Mutex::new(()),
            challenge: Mutex::new(None),
        }
    }

    /// The cached token, if it is still fresh.
    pub(crate) fn cached_token(&self) -> Option<Secret> {
        let token = lock(&self.token);
        token
            .as_ref()
            .filter(|t| Instant::now() < t.refresh_at)
            .map(|t| t.value.clone())
    }

    /// Forgets the cached token, after the server refused it.
    pub(crate) fn forget_token(&self) {
        *lock(&self.token) = None;
    }

    /// The cached token, or a new one fetched by this request or one running alongside it.
    /// `fetch` asks the token endpoint and returns the body of its successful answer.
    pub(crate) async fn token<F, Fut>(&self, fetch: F) -> Result<Secret, super::ClientError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<u8>, super::ClientError>>,
    {
        if let Some(token) = self.cached_token() {
            return Ok(token);
        }
        let _refreshing = self.refreshing.lock().await;
        if let Some(token) = self.cached_token() {
            return Ok(token);
        }
        let body = zeroize::Zeroizing::new(fetch().await?);
        Ok(self.store_token(&body)?)
    }

    /// Reads the token endpoint's answer and caches the token. It is refreshed a minute before
    /// it expires, or at nine tenths of its life when that is shorter than ten minutes.
    fn store_token(&self, body: &[u8]) -> Result<Secret, AuthError> {
        let token: TokenResponse =
            serde_json::from_slice(body).map_err(|e| AuthError::TokenMalformed(e.to_string()))?;
        let lifetime = Duration::from_secs(token.expires_in.unwrap_or(3600));
        let margin = if lifetime >= Duration::from_secs(600) {
            Duration::from_secs(60)
        } else {
            lifetime / 10
        };
        let value = token.access_token.resend_read_value();
        *lock(&self.token) = Some(Token {
            value: value.clone(),
            refresh_at: Instant::now() + (lifetime - margin),
        });
        Ok(value)
    }

    /// An `Authorization` value answering the remembered Digest challenge, if there is one.
    pub(crate) fn digest_authorization(
        &self,
        public_key: &str,
        private_key: &Secret,
        method: &http::Method,
        uri: &str,
    ) -> Result<Option<HeaderValue>, AuthError> {
        let mut challenge = lock(&self.challenge);
        let Some(prompt) = challenge.as_mut() else {
            return Ok(None);
        };
        let context = digest_auth::AuthContext::new_with_method(
            public_key,
            private_key.expose(),
            uri,
            Option::<&[u8]>::None,
            digest_auth::HttpMethod::from(method.as_str()),
        );
        let answer = prompt
            .respond(&context)
            .map_err(|e| AuthError::Digest(e.to_string()))?;
        let mut value = HeaderValue::from_str(&answer.to_header_string())
            .map_err(|_| AuthError::InvalidHeader)?;
        // The response digest is derived from the private key: never printed.
        value.set_sensitive(true);
        Ok(Some(value))
    }

    /// Remembers the Digest challenge of a 401 answer. Returns `None` when there was none, else
    /// whether the server said the refused nonce was merely stale (RFC 7616 `stale=true`), in which
    /// case the credentials were right and answering the new challenge should succeed.
    pub(crate) fn remember_challenge(
        &self,
        headers: &http::HeaderMap,
    ) -> Result<Option<bool>, AuthError> {
        let Some(value) = headers
            .get_all(http::header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.trim_start().to_ascii_lowercase().starts_with("digest"))
        else {
            return Ok(None);
        };
        let prompt = digest_auth::parse(value).map_err(|e| AuthError::Digest(e.to_string()))?;
        let stale = prompt.stale;
        *lock(&self.challenge) = Some(prompt);
        Ok(Some(stale))
    }
}

/// Locks a mutex, recovering the value if another thread panicked while holding it: the values
/// kept here are caches, always safe to reuse or replace.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
