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
use crate::types::{IntegrationType, ThirdPartyIntegration};

/// Why [`Client::upsert`] failed, by the step that failed.
#[derive(Debug, thiserror::Error)]
pub enum UpsertError {
    /// Creating failed, other than because the kind was already configured.
    #[error("create: {0}")]
    Create(#[source] Error<CreateThirdPartyIntegrationError>),
    /// The kind was configured already, and updating it failed.
    #[error("update: {0}")]
    Update(#[source] Error<UpdateThirdPartyIntegrationError>),
    /// Both succeeded but reading back the result failed.
    #[error("read back: {0}")]
    Get(#[source] Error<GetThirdPartyIntegrationError>),
}

/// Where a listing is.
struct Pages {
    client: Client,
    group_id: String,
    items_per_page: i32,
    page: i32,
    seen: usize,
    ids: HashSet<String>,
    buffer: VecDeque<ThirdPartyIntegration>,
    done: bool,
}

impl Client {
    /// Every integration of a project, fetched page by page (`items_per_page` at a time, 1 to 500)
    /// as the stream is read. Paging stops at `totalCount`, or at a short or empty page; an
    /// integration met twice (as when the list shifts between pages) is yielded once.
    pub fn list_all(
        &self,
        group_id: &str,
        items_per_page: i32,
    ) -> impl Stream<Item = Result<ThirdPartyIntegration, Error<ListThirdPartyIntegrationsError>>> + use<>
    {
        let state = Pages {
            client: self.clone(),
            group_id: group_id.to_owned(),
            items_per_page,
            page: 1,
            seen: 0,
            ids: HashSet::new(),
            buffer: VecDeque::new(),
            done: false,
        };
        futures_util::stream::unfold(state, |mut state| async move {
            loop {
                if let Some(item) = state.buffer.pop_front() {
                    return Some((Ok(item), state));
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
                let results = page.results.into_items();
                let received = results.len();
                state.seen += received;
                state.page += 1;
                let total = page.total_count.and_then(|t| usize::try_from(t).ok());
                let short = i32::try_from(received).map_or(true, |n| n < state.items_per_page);
                state.done = received == 0 || short || total.is_some_and(|t| state.seen >= t);
                for item in results {
                    if let Some(id) = integration_id(&item)
                        && !state.ids.insert(id)
                    {
                        continue;
                    }
                    state.buffer.push_back(item);
                }
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
