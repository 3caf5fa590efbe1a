//! A fake MongoDB Atlas for end-to-end tests: a real HTTP server on `127.0.0.1` that implements
//! the third-party integrations resource of the Atlas Administration API v1.0, its two ways of
//! authenticating (OAuth 2.0 client credentials for service accounts, HTTP Digest for API keys),
//! and the failures a client has to survive (rate limiting, outages, slow answers).
//!
//! It is for testing your own code that configures integrations through `atlas-integrations`
//! (or any other client): point the client at [`FakeAtlas::base_url`], arrange the state and the
//! failures you want, run your code, and look at what the fake saw and stored. It depends on
//! nothing of the generator; it speaks HTTP, so it works with any client.
//!
//! # What it emulates
//!
//! - **The integrations resource** under `/api/atlas/v1.0/groups/{groupId}/integrations`: list
//!   (paged as Atlas pages, with `links`, `totalCount` on `includeCount=true`, `itemsPerPage` 1
//!   to 500, `pageNum`), get, create, update and delete of each kind, with Atlas's error bodies
//!   (`error`, `errorCode`, `detail`, `reason`): 409 `INTEGRATION_ALREADY_CONFIGURED` on a
//!   second create of a kind, 404 on a missing one, 400 on a malformed body or query, 403 for
//!   writes by a read-only credential, 405 and 415. Answers honour `envelope=true` and
//!   `pretty=true`.
//! - **Authentication**: `POST /api/oauth/token` issues bearer tokens to service accounts (with a
//!   lifetime you set, and revocation), and API key pairs authenticate with HTTP Digest (MD5 as
//!   Atlas offers, or SHA-256, nonces that expire). Anything else is 401 with a Digest challenge.
//! - **Masking**: secrets are answered as Atlas answers them, stars but for the last four
//!   characters ([`mask`]); what was stored, unmasked, is read with [`FakeAtlas::stored`] and
//!   [`FakeAtlas::integrations`].
//! - **Failures on demand**: [`FakeAtlas::fail_next`] queues answers for a project's next
//!   requests: 429 and 503 with or without `Retry-After`, 500, delays, any status and body, and
//!   bodies that stall, stop short, never end or are huge ([`Fault`], [`FaultyBody`]);
//!   [`FakeAtlas::fail_before_auth`] fails the token endpoint too; [`FakeAtlas::set_paging`]
//!   makes listings page as a misbehaving server would.
//! - **A record** of every request ([`FakeAtlas::requests`]: method, path, query, headers, body,
//!   status), and counts of token requests and Digest challenges.
//!
//! # Using it in your tests
//!
//! ```toml
//! [dev-dependencies]
//! fake-atlas = { path = "path/to/atlas-integrations/tests/fake-atlas" }
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! A test of your own code: Atlas throttles the first request, the client waits as
//! `Retry-After` says and tries again, and your code still configures the integration.
//!
//! ```
//! use atlas_integrations::client::{Client, Credentials, RetryPolicy};
//! use atlas_integrations::types::Datadog;
//! use fake_atlas::{FakeAtlas, Fault, Role};
//!
//! const GROUP: &str = "32b6e34b3d91647abb20e7b8";
//!
//! /// Your code: connects a project to Datadog, and says so, or why not.
//! async fn connect_datadog(client: &Client, key: &str) -> Result<String, String> {
//!     match client.upsert(GROUP, Datadog::new(key)).await {
//!         Ok(_) => Ok(format!("project {GROUP} reports to Datadog")),
//!         Err(error) => Err(format!("Datadog is not connected: {error}")),
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let fake = FakeAtlas::start().await?;
//!     fake.add_project(GROUP);
//!     fake.add_service_account("mdb_sa_id_test", "mdb_sa_sk_test", Role::Owner);
//!     let client = |retries| {
//!         Client::builder()
//!             .base_url(fake.base_url())
//!             .allow_plain_http(true) // the fake speaks plain HTTP on 127.0.0.1
//!             .credentials(Credentials::service_account("mdb_sa_id_test", "mdb_sa_sk_test"))
//!             .retry(RetryPolicy { max_retries: retries, ..RetryPolicy::default() })
//!             .build()
//!     };
//!
//!     // Throttled once: the client retries after `Retry-After` and the code succeeds.
//!     fake.fail_next(GROUP, vec![Fault::TooManyRequests { retry_after: Some(1) }]);
//!     let outcome = connect_datadog(&client(3)?, "datadog-key-0001").await;
//!     assert_eq!(outcome, Ok(format!("project {GROUP} reports to Datadog")));
//!     let first = &fake.requests()[1]; // after the token request
//!     assert_eq!((first.method.as_str(), first.status), ("POST", Some(429)));
//!     let stored = fake.stored(GROUP, "DATADOG").expect("configured");
//!     assert_eq!(stored["apiKey"], "datadog-key-0001");
//!
//!     // Throttled with retries turned off: the code reports it.
//!     fake.fail_next(GROUP, vec![Fault::TooManyRequests { retry_after: None }]);
//!     let outcome = connect_datadog(&client(0)?, "datadog-key-0002").await;
//!     let message = outcome.expect_err("throttled");
//!     assert!(message.starts_with("Datadog is not connected"), "{message}");
//!     assert!(message.contains("429"), "{message}");
//!     Ok(())
//! }
//! ```
//!
//! # How a request is answered
//!
//! [`FakeAtlas::start`] binds an ephemeral port of `127.0.0.1` and serves until the value is
//! dropped (or [`FakeAtlas::stop`] is awaited). Tests configure it through `&self` methods (projects,
//! credentials, token lifetime, Digest algorithm, seeded integrations, queued faults) and look at
//! what it saw afterwards ([`FakeAtlas::requests`], [`FakeAtlas::token_requests`],
//! [`FakeAtlas::digest_challenges`], the stored integrations unmasked).
//!
//! Behaviour, in the order a request meets it:
//!
//! 0. A fault queued with [`FakeAtlas::fail_before_auth`] is served to any request, the token
//!    endpoint's included, before anything else.
//! 1. `POST /api/oauth/token` is the token endpoint (client id and secret through HTTP Basic or
//!    the `client_id`/`client_secret` form fields, `grant_type=client_credentials`); its answers
//!    follow RFC 6749 and are never enveloped.
//! 2. Any other path outside `/api/atlas/v1.0/groups/{groupId}/integrations[/{integrationType}]`
//!    gets 404 `RESOURCE_NOT_FOUND`.
//! 3. The request must authenticate (`Bearer` with an issued, live token, or `Digest` with an API
//!    key); otherwise 401 `UNAUTHORIZED` with a fresh `WWW-Authenticate: Digest` challenge.
//! 4. A fault queued for the project with [`FakeAtlas::fail_next`] is served, one per request:
//!    error answers, delays, and bodies that stall, stop short, never end or are huge
//!    ([`FaultyBody`]).
//! 5. The resource: group id format (400), query parameters (400), project (404), method (405),
//!    integration type (404), role (403 for read-only writes), content type (415), body (400),
//!    then the operation itself (409 on a second create of a kind, 404 on a missing one); lists
//!    page as Atlas does unless [`FakeAtlas::set_paging`] says otherwise.
//!
//! Every JSON answer of the resource honours `envelope=true` and `pretty=true`. Nothing here
//! panics: a malformed request gets an error answer, never a 500 from the fake itself.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State as Shared};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use digest_auth::{AlgorithmType, AuthContext, AuthorizationHeader, HttpMethod, Qop};
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The realm of every Digest challenge, as Atlas sends it.
pub const REALM: &str = "MMS Public API";

/// The path of the OAuth 2.0 token endpoint.
pub const TOKEN_PATH: &str = "/api/oauth/token";

/// The ten values the `integrationType` path parameter accepts, in the document's order.
pub const INTEGRATION_TYPES: [&str; 10] = [
    "PAGER_DUTY",
    "SLACK",
    "DATADOG",
    "NEW_RELIC",
    "OPS_GENIE",
    "VICTOR_OPS",
    "WEBHOOK",
    "HIP_CHAT",
    "PROMETHEUS",
    "MICROSOFT_TEAMS",
];

/// The token lifetime until [`FakeAtlas::set_token_lifetime`] changes it.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// The kinds [`FakeAtlas::seed`] cycles through: every kind the document has a schema for.
const SEED_KINDS: [&str; 9] = [
    "PAGER_DUTY",
    "SLACK",
    "DATADOG",
    "NEW_RELIC",
    "OPS_GENIE",
    "VICTOR_OPS",
    "WEBHOOK",
    "PROMETHEUS",
    "MICROSOFT_TEAMS",
];

/// Everything under this prefix belongs to a project.
const GROUPS_PREFIX: &str = "/api/atlas/v1.0/groups/";

/// The largest request body the fake reads.
const MAX_BODY: usize = 4 << 20;

/// Default, largest and smallest page sizes of the list operation.
const DEFAULT_ITEMS_PER_PAGE: usize = 100;
const MAX_ITEMS_PER_PAGE: usize = 500;

/// How long [`FakeAtlas::stop`] waits for open connections before it aborts the server task.
const STOP_GRACE: Duration = Duration::from_secs(5);

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

/// How the list operation pages, for servers (or intermediaries) that do not page as Atlas does;
/// set with [`FakeAtlas::set_paging`]. The default pages as Atlas does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Paging {
    /// Answers at most this many items per page, whatever `itemsPerPage` asks; links name the
    /// page size used.
    pub max_items_per_page: Option<usize>,
    /// Every page has a `rel=next` link, the last one too.
    pub always_next: bool,
    /// Pages leave out `totalCount`.
    pub omit_total_count: bool,
    /// Every request is answered with the first page.
    pub ignore_page_num: bool,
}

/// One request the fake received, kept in arrival order.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The method, such as `GET`.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The raw query string without `?`, if the request had one.
    pub query: Option<String>,
    /// The whole `Authorization` header value, if any.
    pub authorization: Option<String>,
    /// Every request header.
    pub headers: HeaderMap,
    /// The body, decoded as UTF-8 (lossily).
    pub body: String,
    /// The status the fake answered with (the real one, also when enveloped), or `None` while
    /// the answer is still being produced.
    pub status: Option<u16>,
}

impl Recorded {
    /// The scheme of the `Authorization` header (`Bearer`, `Digest`, `Basic`, ...), if any.
    pub fn auth_scheme(&self) -> Option<&str> {
        self.authorization
            .as_deref()
            .and_then(|value| value.split_whitespace().next())
    }

    /// One request header as text, if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// One query parameter, percent-decoded (the first when repeated).
    pub fn query_param(&self, name: &str) -> Option<String> {
        form_pairs(self.query.as_deref().unwrap_or(""))
            .into_iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }
}

/// A running fake Atlas; dropping it shuts the server down.
#[derive(Debug)]
pub struct FakeAtlas {
    /// The state shared with the request handlers.
    state: Arc<Mutex<State>>,
    /// The address the server listens on.
    addr: SocketAddr,
    /// Fires the graceful shutdown.
    shutdown: Option<oneshot::Sender<()>>,
    /// The server task.
    task: Option<JoinHandle<()>>,
}

impl FakeAtlas {
    /// Binds an ephemeral port of `127.0.0.1` and starts serving on the current tokio runtime.
    pub async fn start() -> Result<Self, String> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|error| format!("cannot bind 127.0.0.1:0: {error}"))?;
        let addr = listener
            .local_addr()
            .map_err(|error| format!("cannot read the bound address: {error}"))?;
        let state = Arc::new(Mutex::new(State::new(format!("http://{addr}"))));
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&state));
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let signal = async move {
                // A dropped sender stops the server as well.
                let _ = stopped.await;
            };
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(signal)
                .await;
        });
        Ok(Self {
            state,
            addr,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops the server and waits (a few seconds at most) until it has let go of the port.
    pub async fn stop(mut self) -> Result<(), String> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let Some(mut task) = self.task.take() else {
            return Ok(());
        };
        match tokio::time::timeout(STOP_GRACE, &mut task).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(format!("the fake Atlas server task failed: {error}")),
            Err(_) => {
                task.abort();
                Ok(())
            }
        }
    }

    /// Creates an empty project (no-op when it exists).
    pub fn add_project(&self, group_id: &str) {
        self.lock().projects.entry(group_id.to_owned()).or_default();
    }

    /// Adds (or replaces) a programmatic API key for Digest authentication.
    pub fn add_api_key(&self, public_key: &str, private_key: &str, role: Role) {
        self.lock().api_keys.insert(
            public_key.to_owned(),
            Credential {
                secret: private_key.to_owned(),
                role,
            },
        );
    }

    /// Adds (or replaces) a service account for the client-credentials token flow.
    pub fn add_service_account(&self, client_id: &str, client_secret: &str, role: Role) {
        self.lock().service_accounts.insert(
            client_id.to_owned(),
            Credential {
                secret: client_secret.to_owned(),
                role,
            },
        );
    }

    /// Sets the lifetime of tokens issued from now on (`expires_in` is its whole seconds).
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.lock().token_lifetime = lifetime;
    }

    /// Invalidates every token issued so far; tokens issued later work.
    pub fn revoke_tokens(&self) {
        self.lock().tokens.clear();
    }

    /// Sets the algorithm of challenges sent from now on. A nonce keeps the algorithm it was
    /// issued with.
    pub fn set_digest_algorithm(&self, algorithm: DigestAlgorithm) {
        self.lock().digest_algorithm = algorithm;
    }

    /// Forgets every nonce issued so far: a request that still uses one gets 401 with a fresh
    /// challenge, marked `stale=true` when its credentials were right.
    pub fn expire_nonces(&self) {
        self.lock().nonces.clear();
    }

    /// Appends `count` integrations to the project (created when missing), bypassing the
    /// one-per-kind rule, and returns their ids in order. Kinds cycle through the nine with a
    /// schema; integration `i` (counting from 0 over this call) carries `i` in every field, for
    /// instance a webhook's url is `https://hooks.example/{i:06}` and a Slack channel
    /// `alerts-{i}`, so the masked last four characters of a secret tell integrations apart.
    pub fn seed(&self, group_id: &str, count: usize) -> Vec<String> {
        let mut state = self.lock();
        let mut ids = Vec::with_capacity(count);
        let mut seeded = Vec::with_capacity(count);
        for index in 0..count {
            let mut integration = seeded_integration(index);
            let id = state.next_id();
            integration.insert("id".to_owned(), Value::String(id.clone()));
            ids.push(id);
            seeded.push(Value::Object(integration));
        }
        state
            .projects
            .entry(group_id.to_owned())
            .or_default()
            .extend(seeded);
        ids
    }

    /// Stores an arbitrary integration object as is (for instance a retired `HIP_CHAT` one or a
    /// kind the document does not know), in a project created when missing, with a fresh `id`;
    /// returns the id. Fails when the value is not an object.
    pub fn insert_raw(&self, group_id: &str, integration: Value) -> Result<String, String> {
        let Value::Object(mut integration) = integration else {
            return Err("an integration must be a JSON object".to_owned());
        };
        let mut state = self.lock();
        let id = state.next_id();
        integration.insert("id".to_owned(), Value::String(id.clone()));
        state
            .projects
            .entry(group_id.to_owned())
            .or_default()
            .push(Value::Object(integration));
        Ok(id)
    }

    /// Queues faults for the project's next authenticated requests, served in order, one per
    /// request, after those already queued.
    pub fn fail_next(&self, group_id: &str, faults: Vec<Fault>) {
        self.lock()
            .faults
            .entry(group_id.to_owned())
            .or_default()
            .extend(faults);
    }

    /// Queues faults for the next requests of any path, the token endpoint's included, served
    /// before routing and authentication (as a gateway in front of Atlas would): one per request,
    /// after those already queued. A [`Fault::Delay`] there is answered as [`Fault::InternalError`].
    pub fn fail_before_auth(&self, faults: Vec<Fault>) {
        self.lock().front_faults.extend(faults);
    }

    /// Changes how the list operation pages (see [`Paging`]).
    pub fn set_paging(&self, paging: Paging) {
        self.lock().paging = paging;
    }

    /// The faults still queued for the project.
    pub fn pending_faults(&self, group_id: &str) -> usize {
        self.lock().faults.get(group_id).map_or(0, VecDeque::len)
    }

    /// The project's integrations as stored, unmasked, in insertion order (empty when the
    /// project does not exist).
    pub fn integrations(&self, group_id: &str) -> Vec<Value> {
        self.lock()
            .projects
            .get(group_id)
            .cloned()
            .unwrap_or_default()
    }

    /// The project's stored integration of one kind, unmasked (the first when seeded twice).
    pub fn stored(&self, group_id: &str, integration_type: &str) -> Option<Value> {
        self.lock()
            .projects
            .get(group_id)
            .and_then(|list| list.iter().find(|item| kind_of(item) == integration_type))
            .cloned()
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().requests.clone()
    }

    /// Forgets the recorded requests (the counters stay).
    pub fn clear_requests(&self) {
        self.lock().requests.clear();
    }

    /// How many requests reached the token endpoint, whatever their outcome.
    pub fn token_requests(&self) -> usize {
        self.lock().token_requests
    }

    /// How many access tokens the token endpoint issued.
    pub fn tokens_issued(&self) -> usize {
        self.lock().tokens_issued
    }

    /// How many 401 answers carrying a fresh Digest challenge (and nonce) were sent.
    pub fn digest_challenges(&self) -> usize {
        self.lock().digest_challenges
    }

    /// The shared state, also when a handler panicked while holding it.
    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

impl Drop for FakeAtlas {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Locks the shared state, ignoring poisoning (the state stays consistent between statements).
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A stored secret and the role it grants.
#[derive(Debug)]
struct Credential {
    /// The private key or client secret.
    secret: String,
    /// The role it grants.
    role: Role,
}

/// An issued access token.
#[derive(Debug)]
struct IssuedToken {
    /// The role of the service account it was issued to.
    role: Role,
    /// When it stops working (`None`: a lifetime too long to represent, so never).
    expires_at: Option<Instant>,
}

/// An issued Digest nonce.
#[derive(Debug)]
struct IssuedNonce {
    /// The algorithm offered with it.
    algorithm: DigestAlgorithm,
    /// The highest nonce count accepted with it so far.
    last_nc: u32,
}

/// Everything the fake knows.
#[derive(Debug)]
struct State {
    /// `http://127.0.0.1:PORT`, for links.
    base_url: String,
    /// Integrations per project, in insertion order.
    projects: HashMap<String, Vec<Value>>,
    /// Queued faults per project id.
    faults: HashMap<String, VecDeque<Fault>>,
    /// Faults served before routing and authentication.
    front_faults: VecDeque<Fault>,
    /// How the list operation pages.
    paging: Paging,
    /// API keys by public key.
    api_keys: HashMap<String, Credential>,
    /// Service accounts by client id.
    service_accounts: HashMap<String, Credential>,
    /// Live tokens.
    tokens: HashMap<String, IssuedToken>,
    /// Lifetime of new tokens.
    token_lifetime: Duration,
    /// Algorithm of new challenges.
    digest_algorithm: DigestAlgorithm,
    /// Issued nonces.
    nonces: HashMap<String, IssuedNonce>,
    /// Received requests.
    requests: Vec<Recorded>,
    /// Requests to the token endpoint.
    token_requests: usize,
    /// Tokens issued.
    tokens_issued: usize,
    /// 401 answers with a fresh challenge.
    digest_challenges: usize,
    /// Randomness for tokens, nonces and ids.
    rng: Rng,
    /// The first 18 hex digits of every id: a timestamp and a random part, like an ObjectId.
    id_prefix: String,
    /// The counter that makes ids unique.
    id_counter: u32,
}

/// What the handler does next.
enum Step {
    /// Answer this.
    Done(Reply),
    /// Wait, then answer normally as this role.
    Delay(Duration, Role),
}

impl State {
    /// A fresh state for a server at `base_url`.
    fn new(base_url: String) -> Self {
        let mut rng = Rng::new();
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        let id_prefix = format!(
            "{:08x}{:010x}",
            seconds & 0xffff_ffff,
            rng.next() & 0xff_ffff_ffff
        );
        let id_counter = (rng.next() & 0xffff) as u32;
        Self {
            base_url,
            projects: HashMap::new(),
            faults: HashMap::new(),
            front_faults: VecDeque::new(),
            paging: Paging::default(),
            api_keys: HashMap::new(),
            service_accounts: HashMap::new(),
            tokens: HashMap::new(),
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            digest_algorithm: DigestAlgorithm::default(),
            nonces: HashMap::new(),
            requests: Vec::new(),
            token_requests: 0,
            tokens_issued: 0,
            digest_challenges: 0,
            rng,
            id_prefix,
            id_counter,
        }
    }

    /// A new 24-digit hexadecimal id, unique within this server.
    fn next_id(&mut self) -> String {
        self.id_counter = self.id_counter.wrapping_add(1);
        format!("{}{:06x}", self.id_prefix, self.id_counter & 0xff_ffff)
    }

    /// Records a request and returns its index.
    fn record(&mut self, request: &Incoming) -> usize {
        self.requests.push(Recorded {
            method: request.method.to_string(),
            path: request.path.clone(),
            query: request.query.clone(),
            authorization: request.header(header::AUTHORIZATION).map(str::to_owned),
            headers: request.headers.clone(),
            body: String::from_utf8_lossy(&request.body).into_owned(),
            status: None,
        });
        self.requests.len() - 1
    }

    /// Notes the status of a recorded request (unless the records were cleared meanwhile).
    fn set_status(&mut self, index: usize, status: StatusCode) {
        if let Some(recorded) = self.requests.get_mut(index) {
            recorded.status = Some(status.as_u16());
        }
    }

    /// Routes, authenticates and serves faults; the resource itself is [`State::resource`].
    fn begin(&mut self, request: &Incoming) -> Step {
        if let Some(fault) = self.front_faults.pop_front() {
            if matches!(route(&request.path), Target::Token) {
                self.token_requests += 1;
            }
            return Step::Done(fault_reply(fault));
        }
        let group = match route(&request.path) {
            Target::Token => return Step::Done(self.token(request)),
            Target::Unknown => {
                return Step::Done(api_error(
                    StatusCode::NOT_FOUND,
                    "RESOURCE_NOT_FOUND",
                    format!("Cannot find resource {}.", request.path),
                ));
            }
            Target::List { group } | Target::Item { group, .. } => group,
        };
        let role = match self.authenticate(request) {
            Ok(role) => role,
            Err(failure) => return Step::Done(self.unauthorized(failure)),
        };
        match self.faults.get_mut(&group).and_then(VecDeque::pop_front) {
            None => Step::Done(self.resource(request, role)),
            Some(Fault::Delay(delay)) => Step::Delay(delay, role),
            Some(fault) => Step::Done(fault_reply(fault)),
        }
    }

    /// The OAuth 2.0 token endpoint.
    fn token(&mut self, request: &Incoming) -> Reply {
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
    fn authenticate(&mut self, request: &Incoming) -> Result<Role, AuthFailure> {
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
    fn unauthorized(&mut self, failure: AuthFailure) -> Reply {
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

    /// The integrations resource, for an authenticated request.
    fn resource(&mut self, request: &Incoming, role: Role) -> Reply {
        let (group, kind) = match route(&request.path) {
            Target::List { group } => (group, None),
            Target::Item { group, kind } => (group, Some(kind)),
            Target::Token | Target::Unknown => {
                return api_error(
                    StatusCode::NOT_FOUND,
                    "RESOURCE_NOT_FOUND",
                    format!("Cannot find resource {}.", request.path),
                );
            }
        };
        if !is_object_id(&group) {
            return api_error(
                StatusCode::BAD_REQUEST,
                "INVALID_GROUP_ID",
                format!("An invalid group ID {group} was specified."),
            )
            .with_parameters(vec![Value::String(group)]);
        }
        let query = match Query::parse(request.query.as_deref()) {
            Ok(query) => query,
            Err((name, value)) => {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    "INVALID_QUERY_PARAMETER",
                    format!("Invalid query parameter {name} specified: {value}."),
                )
                .with_parameters(vec![Value::String(name), Value::String(value)]);
            }
        };
        if !self.projects.contains_key(&group) {
            return api_error(
                StatusCode::NOT_FOUND,
                "GROUP_NOT_FOUND",
                format!("No group with ID {group} exists."),
            )
            .with_parameters(vec![Value::String(group)]);
        }
        let Some(kind) = kind else {
            if request.method != Method::GET {
                return method_not_allowed(&request.method);
            }
            return self.page(&group, &query);
        };
        let allowed = [Method::GET, Method::POST, Method::PUT, Method::DELETE];
        if !allowed.contains(&request.method) {
            return method_not_allowed(&request.method);
        }
        if !INTEGRATION_TYPES.contains(&kind.as_str()) {
            return api_error(
                StatusCode::NOT_FOUND,
                "INTEGRATION_TYPE_NOT_FOUND",
                format!("No integration type {kind} exists."),
            )
            .with_parameters(vec![Value::String(kind)]);
        }
        if request.method != Method::GET && role == Role::ReadOnly {
            return api_error(
                StatusCode::FORBIDDEN,
                "USER_UNAUTHORIZED",
                "The current user is not authorized to perform this action.",
            );
        }
        match request.method {
            Method::POST => self.create(&group, &kind, request, &query),
            Method::PUT => self.update(&group, &kind, request, &query),
            Method::DELETE => self.delete(&group, &kind),
            _ => self.get(&group, &kind),
        }
    }

    /// GET one integration.
    fn get(&self, group: &str, kind: &str) -> Reply {
        match self.find(group, kind) {
            Some(index) => {
                let integration = self
                    .projects
                    .get(group)
                    .and_then(|list| list.get(index))
                    .map_or(Value::Null, masked);
                Reply::json(StatusCode::OK, integration, Shape::Single)
            }
            None => integration_not_found(group, kind),
        }
    }

    /// POST: configure a kind that the project does not have yet.
    fn create(&mut self, group: &str, kind: &str, request: &Incoming, query: &Query) -> Reply {
        let mut body = match validated_body(kind, request) {
            Ok(body) => body,
            Err(reply) => return reply,
        };
        if self.find(group, kind).is_some() {
            return api_error(
                StatusCode::CONFLICT,
                "INTEGRATION_ALREADY_CONFIGURED",
                format!("An integration of type {kind} is already configured for group {group}."),
            )
            .with_parameters(vec![Value::String(kind.to_owned())]);
        }
        let id = self.next_id();
        body.insert("id".to_owned(), Value::String(id));
        self.projects
            .entry(group.to_owned())
            .or_default()
            .push(Value::Object(body));
        self.page(group, query)
    }

    /// PUT: replace the settings of a configured kind, keeping its id.
    fn update(&mut self, group: &str, kind: &str, request: &Incoming, query: &Query) -> Reply {
        let mut body = match validated_body(kind, request) {
            Ok(body) => body,
            Err(reply) => return reply,
        };
        let Some(index) = self.find(group, kind) else {
            return integration_not_found(group, kind);
        };
        if let Some(slot) = self
            .projects
            .get_mut(group)
            .and_then(|list| list.get_mut(index))
        {
            let id = slot.get("id").cloned().unwrap_or(Value::Null);
            body.insert("id".to_owned(), id);
            *slot = Value::Object(body);
        }
        self.page(group, query)
    }

    /// DELETE one integration.
    fn delete(&mut self, group: &str, kind: &str) -> Reply {
        let Some(index) = self.find(group, kind) else {
            return integration_not_found(group, kind);
        };
        if let Some(list) = self.projects.get_mut(group) {
            list.remove(index);
        }
        Reply {
            status: StatusCode::NO_CONTENT,
            headers: Vec::new(),
            payload: Payload::Empty,
        }
    }

    /// Where the project's first integration of a kind sits.
    fn find(&self, group: &str, kind: &str) -> Option<usize> {
        self.projects
            .get(group)?
            .iter()
            .position(|item| kind_of(item) == kind)
    }

    /// One page of the project's integrations, masked.
    fn page(&self, group: &str, query: &Query) -> Reply {
        let empty = Vec::new();
        let all = self.projects.get(group).unwrap_or(&empty);
        let total = all.len();
        let paging = self.paging;
        let per_page = paging
            .max_items_per_page
            .map_or(query.items_per_page, |most| {
                query.items_per_page.min(most.max(1))
            });
        let page_num = if paging.ignore_page_num {
            1
        } else {
            query.page_num
        };
        let start = (page_num - 1).saturating_mul(per_page);
        let results: Vec<Value> = all.iter().skip(start).take(per_page).map(masked).collect();
        let href = |page: usize| {
            format!(
                "{}{GROUPS_PREFIX}{group}/integrations?pageNum={page}&itemsPerPage={per_page}",
                self.base_url
            )
        };
        let mut links = vec![json!({"href": href(page_num), "rel": "self"})];
        if page_num > 1 {
            links.push(json!({"href": href(page_num - 1), "rel": "previous"}));
        }
        if paging.always_next || start.saturating_add(per_page) < total {
            links.push(json!({"href": href(page_num + 1), "rel": "next"}));
        }
        let mut body = Map::new();
        body.insert("links".to_owned(), Value::Array(links));
        body.insert("results".to_owned(), Value::Array(results));
        if query.include_count && !paging.omit_total_count {
            body.insert("totalCount".to_owned(), json!(total));
        }
        Reply::json(StatusCode::OK, Value::Object(body), Shape::List)
    }

    /// The answer after a [`Fault::Delay`].
    fn resume(&mut self, request: &Incoming, role: Role) -> Reply {
        self.resource(request, role)
    }
}

/// Why authentication failed.
#[derive(Debug)]
struct AuthFailure {
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

/// A request, read completely.
#[derive(Debug)]
struct Incoming {
    /// The method.
    method: Method,
    /// The path.
    path: String,
    /// The query without `?`.
    query: Option<String>,
    /// The request target (path and query) as sent, which Digest signs.
    target: String,
    /// The headers.
    headers: HeaderMap,
    /// The body.
    body: Bytes,
}

impl Incoming {
    /// A header as text.
    fn header(&self, name: HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// Where a path leads.
enum Target {
    /// The token endpoint.
    Token,
    /// The list of a project's integrations.
    List {
        /// The raw group id segment.
        group: String,
    },
    /// One integration.
    Item {
        /// The raw group id segment.
        group: String,
        /// The raw integration type segment.
        kind: String,
    },
    /// Anything else.
    Unknown,
}

/// Routes a path.
fn route(path: &str) -> Target {
    if path == TOKEN_PATH {
        return Target::Token;
    }
    let Some(rest) = path.strip_prefix(GROUPS_PREFIX) else {
        return Target::Unknown;
    };
    let segments: Vec<&str> = rest.split('/').collect();
    match segments.as_slice() {
        [group, "integrations"] => Target::List {
            group: (*group).to_owned(),
        },
        [group, "integrations", kind] => Target::Item {
            group: (*group).to_owned(),
            kind: (*kind).to_owned(),
        },
        _ => Target::Unknown,
    }
}

/// The query parameters of the resource.
#[derive(Debug)]
struct Query {
    /// `includeCount`, default true.
    include_count: bool,
    /// `itemsPerPage`, 1..=500, default 100.
    items_per_page: usize,
    /// `pageNum`, at least 1, default 1.
    page_num: usize,
}

impl Query {
    /// Parses and checks the query; an error names the parameter and its value.
    fn parse(query: Option<&str>) -> Result<Self, (String, String)> {
        let mut parsed = Self {
            include_count: true,
            items_per_page: DEFAULT_ITEMS_PER_PAGE,
            page_num: 1,
        };
        for (name, value) in form_pairs(query.unwrap_or("")) {
            let ok = match name.as_str() {
                "includeCount" => parse_bool(&value).map(|flag| parsed.include_count = flag),
                "envelope" | "pretty" => parse_bool(&value).map(|_| ()),
                "itemsPerPage" => value
                    .parse::<usize>()
                    .ok()
                    .filter(|items| (1..=MAX_ITEMS_PER_PAGE).contains(items))
                    .map(|items| parsed.items_per_page = items),
                "pageNum" => value
                    .parse::<usize>()
                    .ok()
                    .filter(|page| (1..=i32::MAX as usize).contains(page))
                    .map(|page| parsed.page_num = page),
                _ => Some(()),
            };
            if ok.is_none() {
                return Err((name, value));
            }
        }
        Ok(parsed)
    }
}

/// `true`/`false` in any case.
fn parse_bool(value: &str) -> Option<bool> {
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
struct Format {
    /// `envelope=true`.
    envelope: bool,
    /// `pretty=true`.
    pretty: bool,
}

impl Format {
    /// Reads `envelope` and `pretty`, treating anything but `true` as false.
    fn from_query(query: Option<&str>) -> Self {
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
enum Shape {
    /// One resource or an error: enveloped as `{"status", "content"}`.
    Single,
    /// A paginated list: enveloped by adding `"status"` beside `results`.
    List,
    /// Never enveloped (the token endpoint).
    Plain,
}

/// An answer's body.
#[derive(Debug)]
enum Payload {
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
struct Reply {
    /// The real status.
    status: StatusCode,
    /// Extra headers.
    headers: Vec<(HeaderName, String)>,
    /// The body.
    payload: Payload,
}

impl Reply {
    /// A JSON answer.
    fn json(status: StatusCode, value: Value, shape: Shape) -> Self {
        Self {
            status,
            headers: Vec::new(),
            payload: Payload::Json(value, shape),
        }
    }

    /// Adds a header.
    fn with_header(mut self, name: HeaderName, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Sets the `parameters` of an ApiError body.
    fn with_parameters(mut self, parameters: Vec<Value>) -> Self {
        if let Payload::Json(Value::Object(body), _) = &mut self.payload {
            body.insert("parameters".to_owned(), Value::Array(parameters));
        }
        self
    }

    /// The HTTP response, enveloped and pretty-printed as asked.
    fn into_response(self, format: Format) -> Response {
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
fn api_error(status: StatusCode, code: &str, detail: impl Into<String>) -> Reply {
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
fn integration_not_found(group: &str, kind: &str) -> Reply {
    api_error(
        StatusCode::NOT_FOUND,
        "INTEGRATION_NOT_FOUND",
        format!("No integration of type {kind} is configured for group {group}."),
    )
    .with_parameters(vec![Value::String(kind.to_owned())])
}

/// 405 for a method the path does not support.
fn method_not_allowed(method: &Method) -> Reply {
    api_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        format!("Method {method} is not allowed on this resource."),
    )
}

/// An RFC 6749 error answer of the token endpoint.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Reply {
    Reply::json(
        status,
        json!({"error": error, "error_description": description}),
        Shape::Plain,
    )
}

/// The answer of a queued fault (never [`Fault::Delay`], which the caller handles).
fn fault_reply(fault: Fault) -> Reply {
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

/// The body of a create or update, checked against the path's kind; the client's `id` is
/// dropped. Everything else is kept exactly as sent.
fn validated_body(kind: &str, request: &Incoming) -> Result<Map<String, Value>, Reply> {
    let json_content = request
        .header(header::CONTENT_TYPE)
        .and_then(|value| value.split(';').next())
        .map(|media| media.trim().to_ascii_lowercase())
        .is_some_and(|media| media == "application/json" || media.ends_with("+json"));
    if !json_content {
        return Err(api_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "The request body must be application/json.",
        ));
    }
    let value: Value = serde_json::from_slice(&request.body).map_err(|error| {
        api_error(
            StatusCode::BAD_REQUEST,
            "INVALID_JSON",
            format!("Received JSON is malformed: {error}."),
        )
    })?;
    let Value::Object(mut body) = value else {
        return Err(api_error(
            StatusCode::BAD_REQUEST,
            "INVALID_JSON",
            "Received JSON is not an object.",
        ));
    };
    let sent_type = body.get("type").and_then(Value::as_str).unwrap_or("");
    if sent_type != kind {
        return Err(api_error(
            StatusCode::BAD_REQUEST,
            "INVALID_INTEGRATION_TYPE",
            format!("The body's type {sent_type:?} does not match the path's {kind}."),
        )
        .with_parameters(vec![json!(sent_type), json!(kind)]));
    }
    if kind == "HIP_CHAT" {
        return Err(api_error(
            StatusCode::BAD_REQUEST,
            "INVALID_INTEGRATION_TYPE",
            "HIP_CHAT integrations can no longer be created or changed.",
        )
        .with_parameters(vec![json!(kind)]));
    }
    for field in required_fields(kind) {
        let present = match body.get(*field) {
            None => false,
            Some(Value::Null) => nullable(kind, field),
            Some(_) => true,
        };
        if !present {
            return Err(api_error(
                StatusCode::BAD_REQUEST,
                "MISSING_ATTRIBUTE",
                format!("The required attribute {field} was not specified."),
            )
            .with_parameters(vec![json!(field)]));
        }
    }
    for field in secret_fields(kind).iter().chain(write_only_fields(kind)) {
        if body.get(*field).is_some_and(|value| !value.is_string()) {
            return Err(api_error(
                StatusCode::BAD_REQUEST,
                "INVALID_ATTRIBUTE",
                format!("Invalid attribute {field} specified."),
            )
            .with_parameters(vec![json!(field)]));
        }
    }
    body.remove("id");
    Ok(body)
}

/// The required properties of a kind's schema, besides `type`.
fn required_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "PAGER_DUTY" => &["serviceKey"],
        "SLACK" => &["apiToken", "channelName"],
        "DATADOG" | "OPS_GENIE" | "VICTOR_OPS" => &["apiKey"],
        "NEW_RELIC" => &["accountId", "licenseKey", "readToken", "writeToken"],
        "WEBHOOK" => &["url"],
        "PROMETHEUS" => &["enabled", "serviceDiscovery", "username"],
        "MICROSOFT_TEAMS" => &["microsoftTeamsWebhookUrl"],
        _ => &[],
    }
}

/// Whether a required property may be `null`.
fn nullable(kind: &str, field: &str) -> bool {
    kind == "SLACK" && field == "channelName"
}

/// The properties masked on read.
fn secret_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "PAGER_DUTY" => &["serviceKey"],
        "SLACK" => &["apiToken"],
        "DATADOG" | "OPS_GENIE" | "VICTOR_OPS" => &["apiKey"],
        "NEW_RELIC" => &["licenseKey", "readToken", "writeToken"],
        "WEBHOOK" => &["secret", "url"],
        "MICROSOFT_TEAMS" => &["microsoftTeamsWebhookUrl"],
        "HIP_CHAT" => &["notificationToken"],
        _ => &[],
    }
}

/// The properties never returned.
fn write_only_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "PROMETHEUS" => &["password"],
        _ => &[],
    }
}

/// The `type` of a stored integration.
fn kind_of(integration: &Value) -> &str {
    integration
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Masks a secret the way Atlas does: stars for all but the last four characters (all stars
/// when it has four characters or fewer).
pub fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() <= 4 {
        return "*".repeat(chars.len());
    }
    let mut masked = "*".repeat(chars.len() - 4);
    masked.extend(&chars[chars.len() - 4..]);
    masked
}

/// A stored integration as reads return it.
fn masked(integration: &Value) -> Value {
    let Value::Object(fields) = integration else {
        return integration.clone();
    };
    let kind = kind_of(integration);
    let mut out = fields.clone();
    for field in write_only_fields(kind) {
        out.remove(*field);
    }
    for field in secret_fields(kind) {
        if let Some(Value::String(secret)) = out.get_mut(*field) {
            *secret = mask(secret);
        }
    }
    Value::Object(out)
}

/// Integration number `index` of [`FakeAtlas::seed`], without its id.
fn seeded_integration(index: usize) -> Map<String, Value> {
    let kind = SEED_KINDS[index % SEED_KINDS.len()];
    let fields = match kind {
        "PAGER_DUTY" => json!({
            "region": "US",
            "serviceKey": format!("pagerduty-service-key-{index:06}"),
        }),
        "SLACK" => json!({
            "apiToken": format!("xoxb-slack-token-{index:06}"),
            "channelName": format!("alerts-{index}"),
            "teamName": format!("team-{index}"),
        }),
        "DATADOG" => json!({
            "apiKey": format!("datadog-api-key-{index:06}"),
            "region": "US",
            "sendCollectionLatencyMetrics": false,
            "sendDatabaseMetrics": false,
        }),
        "NEW_RELIC" => json!({
            "accountId": format!("{index:040x}"),
            "licenseKey": format!("ab{index:038x}"),
            "readToken": format!("newrelic-read-token-{index:06}"),
            "writeToken": format!("newrelic-write-token-{index:06}"),
        }),
        "OPS_GENIE" => json!({
            "apiKey": format!("opsgenie-api-key-{index:06}"),
            "region": "US",
        }),
        "VICTOR_OPS" => json!({
            "apiKey": format!("victorops-api-key-{index:06}"),
            "routingKey": format!("routing-{index}"),
        }),
        "WEBHOOK" => json!({
            "url": format!("https://hooks.example/{index:06}"),
            "secret": format!("webhook-secret-{index:06}"),
        }),
        "PROMETHEUS" => json!({
            "enabled": true,
            "serviceDiscovery": "http",
            "username": format!("prom_user_{index}"),
            "password": format!("prom-password-{index:06}"),
        }),
        _ => json!({
            "microsoftTeamsWebhookUrl": format!("https://teams.example/webhook/{index:06}"),
        }),
    };
    let mut integration = Map::new();
    integration.insert("type".to_owned(), Value::String(kind.to_owned()));
    if let Value::Object(fields) = fields {
        integration.extend(fields);
    }
    integration
}

/// Whether a group id matches `^([a-f0-9]{24})$`.
fn is_object_id(id: &str) -> bool {
    id.len() == 24
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Decodes `application/x-www-form-urlencoded` text (also used for query strings).
fn form_pairs(text: &str) -> Vec<(String, String)> {
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
struct Rng(u64);

impl Rng {
    /// A freshly seeded generator.
    fn new() -> Self {
        let mut hasher = RandomState::new().build_hasher();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos());
        hasher.write_u128(nanos);
        Self(hasher.finish())
    }

    /// The next 64 random bits.
    fn next(&mut self) -> u64 {
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

/// The one request handler: reads the body, records the request, answers.
async fn handle(Shared(state): Shared<Arc<Mutex<State>>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let format = Format::from_query(parts.uri.query());
    let body = axum::body::to_bytes(body, MAX_BODY).await;
    let incoming = Incoming {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        target: parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |target| target.to_string()),
        headers: parts.headers,
        body: body.as_ref().map(Bytes::clone).unwrap_or_default(),
    };
    let (index, step) = {
        let mut state = lock(&state);
        let index = state.record(&incoming);
        let step = match body {
            Ok(_) => state.begin(&incoming),
            Err(_) => Step::Done(api_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                "The request body is too large or could not be read.",
            )),
        };
        (index, step)
    };
    let reply = match step {
        Step::Done(reply) => reply,
        Step::Delay(delay, role) => {
            tokio::time::sleep(delay).await;
            let mut state = lock(&state);
            state.resume(&incoming, role)
        }
    };
    {
        let mut state = lock(&state);
        state.set_status(index, reply.status);
    }
    let format = match route(&incoming.path) {
        Target::Token => Format::default(),
        _ => format,
    };
    reply.into_response(format)
}
