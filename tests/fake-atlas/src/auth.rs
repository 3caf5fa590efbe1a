//! Authentication: the OAuth 2.0 token endpoint, HTTP Basic client credentials, HTTP Digest
//! challenges and their verification, and the randomness of tokens and nonces.

use std::collections::hash_map::RandomState;
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::{Method, StatusCode, header};
use digest_auth::{AlgorithmType, AuthContext, AuthorizationHeader, HttpMethod, Qop};
use serde_json::json;

#[cfg(doc)]
use crate::FakeAtlas;
use crate::State;
use crate::server::Incoming;
use crate::wire::{Reply, Shape, api_error, form_pairs, oauth_error};

/// The realm of every Digest challenge, as Atlas sends it.
pub const REALM: &str = "MMS Public API";

/// The path of the OAuth 2.0 token endpoint.
pub const TOKEN_PATH: &str = "/api/oauth/token";

/// The token lifetime until [`FakeAtlas::set_token_lifetime`] changes it.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// Characters of Digest nonces (base64, as Atlas uses) and of access tokens.
const BASE64_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const TOKEN_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The role a credential holds in every project of the fake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Organization or Project Owner: may read and change integrations.
    Owner,
    /// Project Read Only: may read integrations; every change is answered 403.
    ReadOnly,
}

/// The hash algorithm the fake offers in its Digest challenges.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum DigestAlgorithm {
    /// `algorithm=MD5`, what Atlas offers.
    #[default]
    Md5,
    /// `algorithm=SHA-256` (RFC 7616).
    Sha256,
}

impl DigestAlgorithm {
    /// The name used in the `algorithm` parameter.
    pub fn name(self) -> &'static str {
        match self {
            Self::Md5 => "MD5",
            Self::Sha256 => "SHA-256",
        }
    }

    /// Whether a client's `algorithm` parameter names this algorithm (the `-sess` variants do not).
    fn matches(self, algorithm: digest_auth::Algorithm) -> bool {
        !algorithm.sess
            && match self {
                Self::Md5 => algorithm.algo == AlgorithmType::MD5,
                Self::Sha256 => algorithm.algo == AlgorithmType::SHA2_256,
            }
    }
}

/// A stored secret and the role it grants.
#[derive(Debug)]
pub(crate) struct Credential {
    /// The private key or client secret.
    pub(crate) secret: String,
    /// The role it grants.
    pub(crate) role: Role,
}

/// An issued access token.
#[derive(Debug)]
pub(crate) struct IssuedToken {
    /// The role of the service account it was issued to.
    role: Role,
    /// When it stops working (`None`: a lifetime too long to represent, so never).
    expires_at: Option<Instant>,
}

/// An issued Digest nonce.
#[derive(Debug)]
pub(crate) struct IssuedNonce {
    /// The algorithm offered with it.
    algorithm: DigestAlgorithm,
    /// The highest nonce count accepted with it so far.
    last_nc: u32,
}

impl State {
    /// The OAuth 2.0 token endpoint.
    pub(crate) fn token(&mut self, request: &Incoming) -> Reply {
        self.token_requests += 1;
        if request.method != Method::POST {
            return oauth_error(
                StatusCode::METHOD_NOT_ALLOWED,
                "invalid_request",
                "the token endpoint only accepts POST",
            );
        }
        let form_content = request
            .header(header::CONTENT_TYPE)
            .and_then(|value| value.split(';').next())
            .is_some_and(|media| {
                media
                    .trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        if !form_content {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "the body must be application/x-www-form-urlencoded",
            );
        }
        let form = form_pairs(&String::from_utf8_lossy(&request.body));
        let field = |name: &str| {
            form.iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        };
        let from_header = match request.header(header::AUTHORIZATION) {
            None => None,
            Some(value) => match basic_credentials(value) {
                Some(pair) => Some(pair),
                None => {
                    return oauth_error(
                        StatusCode::UNAUTHORIZED,
                        "invalid_client",
                        "malformed Basic credentials",
                    )
                    .with_header(header::WWW_AUTHENTICATE, format!("Basic realm=\"{REALM}\""));
                }
            },
        };
        let from_form = field("client_id").map(|id| (id, field("client_secret")));
        let via_header = from_header.is_some();
        let (client_id, client_secret) = match (from_header, from_form) {
            (Some(_), Some(_)) => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "client credentials given both in the header and in the body",
                );
            }
            (Some((id, secret)), None) => (id, Some(secret)),
            (None, Some((id, secret))) => (id, secret),
            (None, None) => {
                return oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "no client credentials",
                );
            }
        };
        let Some(grant_type) = field("grant_type") else {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is missing",
            );
        };
        let role = match (self.service_accounts.get(&client_id), client_secret) {
            (Some(account), Some(secret)) if account.secret == secret => account.role,
            _ => {
                let reply = oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "client authentication failed",
                );
                return if via_header {
                    reply.with_header(header::WWW_AUTHENTICATE, format!("Basic realm=\"{REALM}\""))
                } else {
                    reply
                };
            }
        };
        if grant_type != "client_credentials" {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "only client_credentials is supported",
            );
        }
        let token = self.rng.string(TOKEN_ALPHABET, 48);
        self.tokens.insert(
            token.clone(),
            IssuedToken {
                role,
                expires_at: Instant::now().checked_add(self.token_lifetime),
            },
        );
        self.tokens_issued += 1;
        let body = json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime.as_secs(),
        });
        Reply::json(StatusCode::OK, body, Shape::Plain)
            .with_header(header::CACHE_CONTROL, "no-store".to_owned())
            .with_header(header::PRAGMA, "no-cache".to_owned())
    }

    /// Checks the `Authorization` header of an API request.
    pub(crate) fn authenticate(&mut self, request: &Incoming) -> Result<Role, AuthFailure> {
        let Some(value) = request.header(header::AUTHORIZATION) else {
            return Err(AuthFailure::new("no credentials"));
        };
        let value = value.trim();
        let (scheme, params) = value.split_once(' ').unwrap_or((value, ""));
        if scheme.eq_ignore_ascii_case("Bearer") {
            let token = params.trim();
            match self.tokens.get(token) {
                Some(issued) if issued.expires_at.is_none_or(|end| end > Instant::now()) => {
                    Ok(issued.role)
                }
                Some(_) => Err(AuthFailure::new("the access token has expired")),
                None => Err(AuthFailure::new("unknown or revoked access token")),
            }
        } else if scheme.eq_ignore_ascii_case("Digest") {
            self.verify_digest(params, request)
        } else {
            Err(AuthFailure::new("unsupported authorization scheme"))
        }
    }

    /// Verifies Digest credentials (RFC 7616, qop=auth) against the API keys and issued nonces.
    fn verify_digest(&mut self, params: &str, request: &Incoming) -> Result<Role, AuthFailure> {
        let header = AuthorizationHeader::parse(params)
            .map_err(|error| AuthFailure::new(format!("malformed Digest credentials: {error}")))?;
        if header.realm != REALM {
            return Err(AuthFailure::new("wrong realm"));
        }
        if header.qop != Some(Qop::AUTH) {
            return Err(AuthFailure::new("qop must be auth"));
        }
        if header.userhash {
            return Err(AuthFailure::new("userhash is not supported"));
        }
        if header.uri != request.target {
            return Err(AuthFailure::new(
                "the uri parameter does not match the request target",
            ));
        }
        let Some(credential) = self.api_keys.get(&header.username) else {
            return Err(AuthFailure::new("unknown API key"));
        };
        let (secret, role) = (credential.secret.clone(), credential.role);
        let algorithm = self
            .nonces
            .get(&header.nonce)
            .map_or(self.digest_algorithm, |nonce| nonce.algorithm);
        if !algorithm.matches(header.algorithm) {
            return Err(AuthFailure::new("unexpected algorithm"));
        }
        let mut expected = header.clone();
        let context = AuthContext::new_with_method(
            header.username.as_str(),
            secret.as_str(),
            header.uri.as_str(),
            None::<&[u8]>,
            HttpMethod::from(request.method.as_str()),
        );
        expected.digest(&context);
        if !expected
            .response
            .eq_ignore_ascii_case(header.response.trim())
        {
            return Err(AuthFailure::new("wrong Digest response"));
        }
        let Some(nonce) = self.nonces.get_mut(&header.nonce) else {
            return Err(AuthFailure {
                stale: true,
                detail: "unknown or expired nonce".to_owned(),
            });
        };
        if header.nc <= nonce.last_nc {
            // The credentials were right; only the nonce's use was: stale, in RFC 7616's terms.
            return Err(AuthFailure {
                stale: true,
                detail: "nonce count replayed".to_owned(),
            });
        }
        nonce.last_nc = header.nc;
        Ok(role)
    }

    /// 401 with a fresh Digest challenge.
    pub(crate) fn unauthorized(&mut self, failure: AuthFailure) -> Reply {
        let nonce = self.rng.string(BASE64_ALPHABET, 32);
        let algorithm = self.digest_algorithm;
        self.nonces.insert(
            nonce.clone(),
            IssuedNonce {
                algorithm,
                last_nc: 0,
            },
        );
        self.digest_challenges += 1;
        let challenge = format!(
            "Digest realm=\"{REALM}\", domain=\"\", nonce=\"{nonce}\", algorithm={}, qop=\"auth\", stale={}",
            algorithm.name(),
            failure.stale
        );
        api_error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            format!(
                "You are not authorized for this resource ({}).",
                failure.detail
            ),
        )
        .with_header(header::WWW_AUTHENTICATE, challenge)
    }
}

/// Why authentication failed.
#[derive(Debug)]
pub(crate) struct AuthFailure {
    /// Whether the credentials were right but the nonce unknown.
    stale: bool,
    /// What was wrong, for the error detail.
    detail: String,
}

impl AuthFailure {
    /// A failure that is not about a stale nonce.
    fn new(detail: impl Into<String>) -> Self {
        Self {
            stale: false,
            detail: detail.into(),
        }
    }
}

/// The client id and secret of a `Basic` header value, or `None` when it is not well-formed
/// Basic credentials.
fn basic_credentials(value: &str) -> Option<(String, String)> {
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Basic") {
        return None;
    }
    let decoded = String::from_utf8(base64_decode(encoded.trim())?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// Decodes standard base64, padding optional.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    base64::Engine::decode(&LENIENT, text).ok()
}

/// A small non-cryptographic generator (SplitMix64) seeded from the process's random hasher
/// keys and the clock: enough for unguessable-in-practice test tokens and nonces.
#[derive(Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    /// A freshly seeded generator.
    pub(crate) fn new() -> Self {
        let mut hasher = RandomState::new().build_hasher();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos());
        hasher.write_u128(nanos);
        Self(hasher.finish())
    }

    /// The next 64 random bits.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `len` characters drawn from `alphabet`.
    fn string(&mut self, alphabet: &[u8], len: usize) -> String {
        let mut out = String::with_capacity(len);
        for _ in 0..len {
            let pick = usize::try_from(self.next() % alphabet.len() as u64).unwrap_or(0);
            if let Some(&byte) = alphabet.get(pick) {
                let _ = out.write_char(char::from(byte));
            }
        }
        out
    }
}
