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

mod auth;
mod server;
mod store;
mod wire;

use std::collections::{HashMap, VecDeque};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, StatusCode, header};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use auth::{Credential, IssuedNonce, IssuedToken, Rng};
use server::Incoming;
use store::{kind_of, seeded_integration};
use wire::form_pairs;

pub use auth::{DEFAULT_TOKEN_LIFETIME, DigestAlgorithm, REALM, Role, TOKEN_PATH};
pub use store::{INTEGRATION_TYPES, Paging, mask};
pub use wire::{Fault, FaultyBody};

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
        let (shutdown, task) = server::serve(listener, Arc::clone(&state));
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
        let Some(task) = self.task.take() else {
            return Ok(());
        };
        server::join(task).await
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
}
