//! The HTTP side: the axum server, its one handler, and the dispatch of a request in the order
//! the crate documentation gives.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State as Shared};
use axum::http::{HeaderMap, HeaderName, Method, StatusCode};
use axum::response::Response;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

#[cfg(doc)]
use crate::FakeAtlas;
use crate::auth::{Role, TOKEN_PATH};
use crate::wire::{Fault, Format, Reply, api_error, fault_reply};
use crate::{State, lock};

/// Everything under this prefix belongs to a project.
pub(crate) const GROUPS_PREFIX: &str = "/api/atlas/v1.0/groups/";

/// The largest request body the fake reads.
const MAX_BODY: usize = 4 << 20;

/// How long [`FakeAtlas::stop`] waits for open connections before it aborts the server task.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// What the handler does next.
enum Step {
    /// Answer this.
    Done(Reply),
    /// Wait, then answer normally as this role.
    Delay(Duration, Role),
}

impl State {
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

    /// The answer after a [`Fault::Delay`].
    fn resume(&mut self, request: &Incoming, role: Role) -> Reply {
        self.resource(request, role)
    }
}

/// A request, read completely.
#[derive(Debug)]
pub(crate) struct Incoming {
    /// The method.
    pub(crate) method: Method,
    /// The path.
    pub(crate) path: String,
    /// The query without `?`.
    pub(crate) query: Option<String>,
    /// The request target (path and query) as sent, which Digest signs.
    pub(crate) target: String,
    /// The headers.
    pub(crate) headers: HeaderMap,
    /// The body.
    pub(crate) body: Bytes,
}

impl Incoming {
    /// A header as text.
    pub(crate) fn header(&self, name: HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// Where a path leads.
pub(crate) enum Target {
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
pub(crate) fn route(path: &str) -> Target {
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

/// Serves `state` on `listener` in a new task, until the returned sender fires or is dropped.
pub(crate) fn serve(
    listener: TcpListener,
    state: Arc<Mutex<State>>,
) -> (oneshot::Sender<()>, JoinHandle<()>) {
    let app = Router::new().fallback(handle).with_state(state);
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
    (shutdown, task)
}

/// Waits for the server task once its shutdown has fired, and aborts it after [`STOP_GRACE`].
pub(crate) async fn join(mut task: JoinHandle<()>) -> Result<(), String> {
    match tokio::time::timeout(STOP_GRACE, &mut task).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(format!("the fake Atlas server task failed: {error}")),
        Err(_) => {
            task.abort();
            Ok(())
        }
    }
}
