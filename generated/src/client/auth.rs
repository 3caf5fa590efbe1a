//! The credentials Atlas accepts, and what the client keeps between requests: a cached
//! service-account token, or the server's current Digest challenge.

use std::fmt;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderValue, StatusCode};
use serde::Deserialize;
use serde_json::Value;

use crate::runtime::{ErrorDetails, ResponseParts, Secret, SentSecrets};

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
    /// The secrets these credentials hold, for scrubbing an answer that echoes them.
    pub(crate) fn secrets(&self) -> SentSecrets {
        let mut secrets = SentSecrets::new();
        match self {
            Credentials::ServiceAccount { client_secret, .. } => {
                secrets.add(client_secret.expose().as_bytes());
            }
            Credentials::ApiKey { private_key, .. } => {
                secrets.add(private_key.expose().as_bytes());
            }
            Credentials::Bearer(token) => secrets.add(token.expose().as_bytes()),
        }
        secrets
    }

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
///
/// No `Display` or `Debug` of it shows a credential: the token endpoint's answer is scrubbed of
/// everything the token request sent (the client secret, the `Basic` value and its base64 part)
/// before it is kept, header values print masked and the body as its length (see
/// [`TokenFailure`]), and the other variants hold fixed messages.
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
///
/// Every secret the token request sent is replaced by [`SCRUB_MASK`](crate::runtime::SCRUB_MASK)
/// in the headers and body kept here (see [`SentSecrets`](crate::runtime::SentSecrets)), so the
/// detail `Display` shows cannot echo them; `Debug` prints header names with masked values and the
/// body's length.
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
        let body = crate::runtime::BodyLength(self.body.len());
        crate::runtime::debug_response(f, "TokenFailure", self.status, &self.headers, &body)
    }
}

/// The shortest time a service-account token is reused, whatever `expires_in` says: an endpoint
/// answering `0`, a negative or a tiny lifetime costs one token request per 30 s, not one per call.
pub const MIN_TOKEN_LIFETIME: Duration = Duration::from_secs(30);

/// The longest time a service-account token is reused, whatever `expires_in` says (24 hours).
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// The lifetime assumed when the token endpoint sends no `expires_in` (or `null`): one hour.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// The longest access token accepted, in bytes (8 KiB): a longer one is refused with
/// [`AuthError::TokenMalformed`] before it is cached, instead of being sent on every request.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

/// How long a token is reused, given the token endpoint's `expires_in`: until a minute before it
/// expires, or nine tenths of its life when that is shorter than ten minutes, and always within
/// [`MIN_TOKEN_LIFETIME`]..=[`MAX_TOKEN_LIFETIME`].
///
/// `expires_in` may be absent or `null` ([`DEFAULT_TOKEN_LIFETIME`]), any JSON number (negative,
/// fractional or huge ones are clamped into the range) or a string holding one (`"3600"`).
/// Anything else (another string, a boolean, an array, an object) is
/// [`AuthError::TokenMalformed`].
pub fn token_lifetime(expires_in: Option<&Value>) -> Result<Duration, AuthError> {
    let seconds = match expires_in {
        None | Some(Value::Null) => DEFAULT_TOKEN_LIFETIME.as_secs_f64(),
        Some(Value::Number(number)) => number.as_f64().unwrap_or(f64::MAX),
        Some(Value::String(text)) => text
            .trim()
            .parse::<f64>()
            .map_err(|_| malformed("`expires_in` is a string that is not a number of seconds"))?,
        Some(_) => return Err(malformed("`expires_in` is not a number of seconds")),
    };
    // Finite first, so that the arithmetic below stays finite: NaN (from "NaN") and anything
    // below zero (down to "-inf") count as no lifetime at all, "inf" as the largest number.
    let seconds = if seconds.is_nan() {
        0.0
    } else {
        seconds.clamp(0.0, f64::MAX)
    };
    let margin = if seconds >= 600.0 {
        60.0
    } else {
        seconds / 10.0
    };
    let reuse = (seconds - margin).clamp(
        MIN_TOKEN_LIFETIME.as_secs_f64(),
        MAX_TOKEN_LIFETIME.as_secs_f64(),
    );
    Ok(Duration::try_from_secs_f64(reuse).unwrap_or(MIN_TOKEN_LIFETIME))
}

/// Checks that an access token can be sent as `Authorization: Bearer {token}`: not empty, at most
/// [`MAX_TOKEN_LEN`] bytes, and only visible ASCII (no space, control character such as CR or LF,
/// or non-ASCII byte).
fn check_token(token: &str) -> Result<(), AuthError> {
    if token.is_empty() {
        return Err(malformed("the access token is empty"));
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(AuthError::TokenMalformed(format!(
            "the access token is {} bytes long, more than the {MAX_TOKEN_LEN} accepted",
            token.len()
        )));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(malformed(
            "the access token holds a space, a control character (such as CR or LF) or a non-ASCII \
             byte, and cannot be sent in a header",
        ));
    }
    Ok(())
}

fn malformed(reason: &str) -> AuthError {
    AuthError::TokenMalformed(reason.to_owned())
}

/// A cached access token, and when to fetch the next.
struct Token {
    issued: IssuedToken,
    refresh_at: Instant,
}

/// A token to send, with its generation: a refusal names the generation it refused, so that it
/// invalidates that token only, never a newer one fetched meanwhile.
#[derive(Clone)]
pub(crate) struct IssuedToken {
    pub(crate) value: Secret,
    /// Which token this is: each token fetched has a higher number than the one before.
    pub(crate) generation: u64,
}

/// What the client remembers between requests.
pub(crate) struct AuthState {
    pub(crate) credentials: Credentials,
    token: Mutex<Option<Token>>,
    /// The generation of the last token fetched.
    generation: std::sync::atomic::AtomicU64,
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
    #[serde(default)]
    expires_in: Option<Value>,
}

impl AuthState {
    pub(crate) fn new(credentials: Credentials) -> AuthState {
        AuthState {
            credentials,
            token: Mutex::new(None),
            generation: std::sync::atomic::AtomicU64::new(0),
            refreshing: tokio::sync::Mutex::new(()),
            challenge: Mutex::new(None),
        }
    }

    /// The cached token, if it is still fresh.
    fn cached_token(&self) -> Option<IssuedToken> {
        let token = lock(&self.token);
        token
            .as_ref()
            .filter(|t| Instant::now() < t.refresh_at)
            .map(|t| t.issued.clone())
    }

    /// Forgets the cached token after the server refused it, if it is still the one of
    /// `generation`: a newer token, fetched by a request running alongside, stays.
    pub(crate) fn forget_token(&self, generation: u64) {
        let mut token = lock(&self.token);
        if token
            .as_ref()
            .is_some_and(|t| t.issued.generation == generation)
        {
            *token = None;
        }
    }

    /// The cached token, or a new one fetched by this request or one running alongside it.
    /// `fetch` asks the token endpoint and returns the body of its successful answer.
    pub(crate) async fn token<F, Fut>(&self, fetch: F) -> Result<IssuedToken, super::ClientError>
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

    /// Reads the token endpoint's answer and caches the token for [`token_lifetime`]. A token
    /// that cannot be sent in a header, or is longer than [`MAX_TOKEN_LEN`], is refused and not
    /// cached.
    fn store_token(&self, body: &[u8]) -> Result<IssuedToken, AuthError> {
        // serde's messages may quote the values they could not read: only the kind is kept.
        let token: TokenResponse =
            serde_json::from_slice(body).map_err(|e| match e.classify() {
                serde_json::error::Category::Data => {
                    malformed("the answer has no `access_token` string")
                }
                _ => malformed("the answer is not JSON"),
            })?;
        let lifetime = token_lifetime(token.expires_in.as_ref())?;
        let value = token.access_token.resend_read_value();
        check_token(value.expose())?;
        let now = Instant::now();
        let refresh_at = now
            .checked_add(lifetime)
            .or_else(|| now.checked_add(MIN_TOKEN_LIFETIME))
            .unwrap_or(now);
        let generation = self
            .generation
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        let issued = IssuedToken { value, generation };
        *lock(&self.token) = Some(Token {
            issued: issued.clone(),
            refresh_at,
        });
        Ok(issued)
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
        let answer = prompt.respond(&context).map_err(digest_error)?;
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
        let prompt = digest_auth::parse(value).map_err(digest_error)?;
        let stale = prompt.stale;
        *lock(&self.challenge) = Some(prompt);
        Ok(Some(stale))
    }
}

/// A Digest error without the header text `digest_auth` quotes after its colon: that text is the
/// server's, and may echo what the request sent.
fn digest_error(error: digest_auth::Error) -> AuthError {
    let message = error.to_string();
    let kind = message.split(':').next().unwrap_or_default();
    AuthError::Digest(kind.trim().to_owned())
}

/// Locks a mutex, recovering the value if another thread panicked while holding it: the values
/// kept here are caches, always safe to reuse or replace.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
