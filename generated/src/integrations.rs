//! Helpers of the ready client for the integrations resource: listing every integration across
//! pages, and configuring one whether or not it exists yet.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use atlas_integrations::client::{Client, Credentials};
//! use atlas_integrations::types::Datadog;
//!
//! let client = Client::builder()
//!     .credentials(Credentials::service_account("mdb_sa_id_…", "mdb_sa_sk_…"))
//!     .build()?;
//! let datadog = client.upsert("32b6e34b3d91647abb20e7b8", Datadog::new("my-datadog-key")).await?;
//! println!("{datadog:?}"); // credentials print masked
//! # Ok(())
//! # }
//! ```

use std::collections::{HashSet, VecDeque};

use futures_util::Stream;

use crate::client::{Client, Error};
use crate::operations::{
    CreateThirdPartyIntegration, CreateThirdPartyIntegrationError, GetThirdPartyIntegration,
    GetThirdPartyIntegrationError, ListThirdPartyIntegrations, ListThirdPartyIntegrationsError,
    UpdateThirdPartyIntegration, UpdateThirdPartyIntegrationError,
};
use crate::types::{IntegrationType, PaginatedIntegrationView, ThirdPartyIntegration};

/// Why [`Client::upsert`] failed, by the step that failed. The step's error is part of the
/// message; `source` goes on from that error's own source, so that a chain prints each cause once.
#[derive(Debug)]
pub enum UpsertError {
    /// Creating failed, other than because the kind was already configured.
    Create(Error<CreateThirdPartyIntegrationError>),
    /// The kind was configured already, and updating it failed.
    Update(Error<UpdateThirdPartyIntegrationError>),
    /// Both succeeded but reading back the result failed.
    Get(Error<GetThirdPartyIntegrationError>),
}

impl std::fmt::Display for UpsertError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UpsertError::Create(error) => write!(f, "create: {error}"),
            UpsertError::Update(error) => write!(f, "update: {error}"),
            UpsertError::Get(error) => write!(f, "read back: {error}"),
        }
    }
}

impl std::error::Error for UpsertError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            UpsertError::Create(error) => error.source(),
            UpsertError::Update(error) => error.source(),
            UpsertError::Get(error) => error.source(),
        }
    }
}

/// Where a listing is.
struct Pages {
    client: Client,
    group_id: String,
    /// The page to ask for next, and its size.
    page: i32,
    items_per_page: i32,
    /// Pages read so far.
    pages: u32,
    /// The ids yielded so far, and how many items were yielded.
    ids: HashSet<String>,
    yielded: usize,
    buffer: VecDeque<ThirdPartyIntegration>,
    /// An error to yield once the buffer is empty; the listing ends with it.
    pending: Option<Error<ListThirdPartyIntegrationsError>>,
    done: bool,
}

impl Client {
    /// Every integration of a project, fetched page by page (`items_per_page` at a time, 1 to 500)
    /// as the stream is read; every request carries `itemsPerPage` and `pageNum`.
    ///
    /// Paging goes by what the server says: the next page is the one its `links[rel=next]` names
    /// (only its `pageNum` and `itemsPerPage` are taken: requests stay on the client's base URL),
    /// or else the following one. Paging goes on while `totalCount` says more remain, or, without
    /// a `totalCount`, while there is a next link (or, without any links, while pages are full).
    /// It stops at an empty page and at a page that adds nothing new, so a server that always
    /// names a next page cannot keep it going, and it never reads more than
    /// [`ClientBuilder::max_pages`](crate::client::ClientBuilder::max_pages): a listing that
    /// still has pages then ends with [`Error::PageLimit`]. An integration met twice (as when the
    /// list shifts between pages) is yielded once.
    pub fn list_all(
        &self,
        group_id: &str,
        items_per_page: i32,
    ) -> impl Stream<Item = Result<ThirdPartyIntegration, Error<ListThirdPartyIntegrationsError>>> + use<>
    {
        let state = Pages {
            client: self.clone(),
            group_id: group_id.to_owned(),
            page: 1,
            items_per_page,
            pages: 0,
            ids: HashSet::new(),
            yielded: 0,
            buffer: VecDeque::new(),
            pending: None,
            done: false,
        };
        futures_util::stream::unfold(state, |mut state| async move {
            loop {
                if let Some(item) = state.buffer.pop_front() {
                    return Some((Ok(item), state));
                }
                if let Some(error) = state.pending.take() {
                    state.done = true;
                    return Some((Err(error), state));
                }
                if state.done {
                    return None;
                }
                let request = ListThirdPartyIntegrations::new(state.group_id.clone())
                    .items_per_page(state.items_per_page)
                    .page_num(state.page);
                let page = match state.client.send(&request).await {
                    Ok(page) => page,
                    Err(error) => {
                        state.done = true;
                        return Some((Err(error), state));
                    }
                };
                state.pages += 1;
                state.take(page);
            }
        })
    }
    /// Configures an integration whether or not one of its kind exists: creates it, and when
    /// Atlas answers that the kind is configured already (409), updates it instead. Returns the
    /// integration of that kind as Atlas then holds it, credentials masked.
    pub async fn upsert(
        &self,
        group_id: impl Into<String>,
        integration: impl Into<ThirdPartyIntegration>,
    ) -> Result<ThirdPartyIntegration, UpsertError> {
        let group_id = group_id.into();
        let integration = integration.into();
        let kind = integration.discriminator().to_owned();
        let create = CreateThirdPartyIntegration::new(group_id.clone(), integration.clone());
        let page = match self.send(&create).await {
            Ok(page) => page,
            Err(Error::Api(CreateThirdPartyIntegrationError::Conflict(_))) => {
                let update = UpdateThirdPartyIntegration::new(group_id.clone(), integration);
                self.send(&update).await.map_err(UpsertError::Update)?
            }
            Err(error) => return Err(UpsertError::Create(error)),
        };
        // Create and update answer with the first page of the project's list, where this kind
        // almost always is; when it is not, it is read on its own.
        if let Some(found) = page
            .results
            .into_items()
            .into_iter()
            .find(|i| i.discriminator() == kind)
        {
            return Ok(found);
        }
        let get = GetThirdPartyIntegration::new(group_id, IntegrationType::from(kind.as_str()));
        self.send(&get).await.map_err(UpsertError::Get)
    }
}

impl Pages {
    /// Buffers a page's new items and decides whether and where to go on.
    fn take(&mut self, page: PaginatedIntegrationView) {
        let results = page.results.into_items();
        let received = results.len();
        let mut added = 0usize;
        for item in results {
            if let Some(id) = integration_id(&item)
                && !self.ids.insert(id)
            {
                continue;
            }
            added += 1;
            self.buffer.push_back(item);
        }
        self.yielded += added;
        let links = page.links.unwrap_or_default();
        let next = links
            .iter()
            .find(|link| link.rel.as_deref() == Some("next"))
            .and_then(|link| link.href.as_deref())
            .map(page_of);
        let total = page.total_count.and_then(|t| usize::try_from(t).ok());
        let full = i32::try_from(received).is_ok_and(|n| n >= self.items_per_page);
        let more = match total {
            Some(total) => self.yielded < total,
            None if links.is_empty() => full,
            None => next.is_some(),
        };
        if !more || received == 0 || added == 0 {
            self.done = true;
            return;
        }
        if self.pages >= self.client.max_pages() {
            self.pending = Some(Error::PageLimit(self.pages));
            return;
        }
        let (page_num, per_page) = next.unwrap_or((None, None));
        // A next link that does not lead forward is not followed.
        self.page = match page_num {
            Some(n) if n > self.page => n,
            _ => self.page.saturating_add(1),
        };
        if let Some(per_page) = per_page.filter(|n| (1..=500).contains(n)) {
            self.items_per_page = per_page;
        }
    }
}

/// The `pageNum` and `itemsPerPage` of a link, where it gives them.
fn page_of(href: &str) -> (Option<i32>, Option<i32>) {
    let query = href.split_once('?').map_or("", |(_, q)| q);
    let query = query.split('#').next().unwrap_or("");
    let mut page = (None, None);
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match name {
            "pageNum" => page.0 = value.parse().ok(),
            "itemsPerPage" => page.1 = value.parse().ok(),
            _ => {}
        }
    }
    page
}

/// A page's `results`, which one document version requires and another leaves optional.
trait Results {
    fn into_items(self) -> Vec<ThirdPartyIntegration>;
}

impl Results for Vec<ThirdPartyIntegration> {
    fn into_items(self) -> Vec<ThirdPartyIntegration> {
        self
    }
}

impl Results for Option<Vec<ThirdPartyIntegration>> {
    fn into_items(self) -> Vec<ThirdPartyIntegration> {
        self.unwrap_or_default()
    }
}

/// The `id` of an integration of any kind, read from its JSON form so that kinds added to the
/// document need nothing here. The copy is zeroed, since it holds the integration's credentials.
fn integration_id(item: &ThirdPartyIntegration) -> Option<String> {
    let mut value = serde_json::to_value(item).ok()?;
    let id = value
        .get("id")
        .and_then(serde_json::Value::as_str)
        .filter(|id| !id.is_empty())
        .map(str::to_owned);
    crate::runtime::union::zeroize_value(&mut value);
    id
}
