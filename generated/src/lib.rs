//! A typed Rust client for the third-party service integrations of MongoDB Atlas: PagerDuty,
//! Slack, Datadog, New Relic, Opsgenie, VictorOps, webhooks, Prometheus and Microsoft Teams,
//! generated from an OpenAPI document.
//!
//! An integration is what it is in Atlas: [`types::ThirdPartyIntegration`] is an enum with one
//! variant per kind, each holding a struct of that kind's own fields, so a Datadog integration
//! without an API key does not compile and a Slack body cannot carry Datadog fields. Credentials
//! are [`runtime::Secret`]s: they print masked and are zeroed on drop.
//!
//! # Using it
//!
//! The crate is not on the registry. Depend on it from a checkout of its repository (or through
//! a `git` dependency on it), with Tokio for the ready client:
//!
//! ```toml
//! [dependencies]
//! atlas-integrations = { path = "../atlas-integrations/generated" }
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! A crate generated from another OpenAPI document (`cargo xtask codegen --spec DOC --out DIR`)
//! has the same modules and features and is depended on the same way, by its own name and path:
//!
//! ```toml
//! [dependencies]
//! my-atlas-client = { path = "crates/my-atlas-client" }
//! ```
//!
//! It needs Rust 1.88 or newer.
//!
//! # Features
//!
//! - `client` (on by default): `client::Client`, a ready client on reqwest with rustls
//!   (the system's root certificates; no OpenSSL) that authenticates with a service
//!   account, an API key pair (HTTP Digest) or a bearer token, retries throttled and unavailable
//!   answers, and pages through listings. **It needs a Tokio runtime**: call it from within
//!   `#[tokio::main]` or a runtime you started; outside one, sending panics with "there is no
//!   reactor running". Without the feature (`default-features = false`) the crate is the sans-IO
//!   core below, for any HTTP stack and no async runtime.
//! - `aws-lc-rs` (on by default, with `client`): TLS on the aws-lc-rs crypto provider, rustls's
//!   default, with post-quantum key exchange (X25519MLKEM768) preferred. Building it takes a C
//!   compiler, and CMake on some targets.
//! - `ring` (with `client`): TLS on the *ring* crypto provider instead, for builds where aws-lc-rs
//!   does not build, as without CMake (`default-features = false, features = ["ring"]`). *ring* has
//!   no post-quantum key exchange: connections settle on a classical group (SECP384R1, X25519,
//!   SECP256R1), which a future quantum computer could break to read recorded traffic. With both
//!   features, aws-lc-rs is used; with neither, give the client a provider with
//!   `ClientBuilder::tls_provider`. A provider is given to each client alone; nothing is installed
//!   process-wide.
//! - `tracing`: an event for each answer, retry and transport failure of the client (method, path
//!   with ids as `{id}`, status, attempt), never a header, body or query.
//!
//! # Modules
//!
//! - [`types`]: the document's schemas, as structs and enums that serialise as the API expects.
//! - [`operations`]: one request builder per operation, named after its `operationId`; `build()`
//!   checks the inputs against the document and returns an [`http::Request`], and
//!   `parse_response` turns the [`http::Response`] into the typed output or the operation's error.
//! - `client` (feature `client`): sends the builders, with authentication, retries and paging.
//! - [`runtime`]: what the generated modules share: [`runtime::Secret`], the request and
//!   response errors, and the [`runtime::Operation`] trait every builder implements.
//!
//! # Quick start
//!
//! Without any HTTP stack: build a request, send it however you like, decode the answer.
//!
//! ```
//! use atlas_integrations::operations::{ListThirdPartyIntegrations, DEFAULT_BASE_URL};
//! use atlas_integrations::types::{Datadog, DatadogRegion, ThirdPartyIntegration};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut datadog = Datadog::new("my-datadog-api-key");
//! datadog.region = Some(DatadogRegion::Eu);
//! let body = ThirdPartyIntegration::from(datadog);
//! assert_eq!(body.discriminator(), "DATADOG");
//!
//! let list = ListThirdPartyIntegrations::new("32b6e34b3d91647abb20e7b8").items_per_page(50);
//! let request = list.build()?; // the path and query; join it to the base URL
//! assert_eq!(DEFAULT_BASE_URL, Some("https://cloud.mongodb.com"));
//! assert_eq!(request.uri().query(), Some("itemsPerPage=50"));
//!
//! // What the server answered, however it was sent:
//! let answer = http::Response::builder()
//!     .status(200)
//!     .header("content-type", "application/json")
//!     .body(br#"{"results": [], "totalCount": 0}"#.to_vec())?;
//! let page = list.parse_response(answer)?;
//! assert!(page.results.is_empty());
//! # Ok(())
//! # }
//! ```
#![cfg_attr(
    feature = "client",
    doc = r#"
With the ready client, inside a Tokio runtime:

```no_run
use atlas_integrations::client::{Client, Credentials};
use atlas_integrations::types::Datadog;
use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder()
        // or Credentials::api_key(public, private), Credentials::bearer(token)
        .credentials(Credentials::service_account("mdb_sa_id_…", "mdb_sa_sk_…"))
        .build()?;
    let group_id = "32b6e34b3d91647abb20e7b8";
    // Create, or update when the kind is configured already.
    let datadog = client.upsert(group_id, Datadog::new("my-datadog-api-key")).await?;
    println!("{datadog:?}"); // the key prints masked
    // Every page of the listing.
    let all: Vec<_> = client.list_all(group_id, 100).try_collect().await?;
    println!("{} integration(s)", all.len());
    Ok(())
}
```

Any builder of [`operations`] goes through [`client::Client::send`], which returns the
operation's output or a [`client::Error`] keeping the operation's typed error.
"#
)]
#![deny(missing_docs)]

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
pub mod integrations;
pub mod runtime;

#[rustfmt::skip]
pub mod operations;
#[rustfmt::skip]
pub mod types;
