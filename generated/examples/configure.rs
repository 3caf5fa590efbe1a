//! Configures a Datadog integration for a project, then prints the project's integrations with
//! their credentials masked.
//!
//! ```sh
//! export ATLAS_CLIENT_ID=mdb_sa_id_… ATLAS_CLIENT_SECRET=mdb_sa_sk_…     # a service account, or
//! export ATLAS_PUBLIC_KEY=abcdefgh ATLAS_PRIVATE_KEY=0000-…              # an API key pair
//! export ATLAS_GROUP_ID=32b6e34b3d91647abb20e7b8 DATADOG_API_KEY=…
//! cargo run -p atlas-integrations --example configure
//! ```
//!
//! `ATLAS_BASE_URL` points it elsewhere (plain `http://` is allowed only for loopback addresses).

use std::process::ExitCode;

use atlas_integrations::client::{Client, Credentials};
use atlas_integrations::types::{Datadog, DatadogRegion};
use futures_util::TryStreamExt;

const USAGE: &str = "set ATLAS_CLIENT_ID and ATLAS_CLIENT_SECRET (a service account) or ATLAS_PUBLIC_KEY and \
                     ATLAS_PRIVATE_KEY (an API key pair), plus ATLAS_GROUP_ID and DATADOG_API_KEY";

/// An error with each of its causes: every error of the crate holds its immediate cause's text
/// and gives that cause's own source, so each cause is printed once.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

#[tokio::main]
async fn main() -> ExitCode {
    let credentials = match (
        var("ATLAS_CLIENT_ID"),
        var("ATLAS_CLIENT_SECRET"),
        var("ATLAS_PUBLIC_KEY"),
        var("ATLAS_PRIVATE_KEY"),
    ) {
        (Some(id), Some(secret), _, _) => Credentials::service_account(id, secret),
        (_, _, Some(public), Some(private)) => Credentials::api_key(public, private),
        _ => {
            eprintln!("missing credentials: {USAGE}");
            return ExitCode::from(2);
        }
    };
    let (Some(group_id), Some(datadog_key)) = (var("ATLAS_GROUP_ID"), var("DATADOG_API_KEY"))
    else {
        eprintln!("missing ATLAS_GROUP_ID or DATADOG_API_KEY: {USAGE}");
        return ExitCode::from(2);
    };
    let mut builder = Client::builder().credentials(credentials);
    if let Some(base) = var("ATLAS_BASE_URL") {
        let loopback = base.starts_with("http://127.")
            || base.starts_with("http://localhost")
            || base.starts_with("http://[::1]");
        builder = builder.base_url(base).allow_plain_http(loopback);
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("cannot build the client: {}", chain(&error));
            return ExitCode::FAILURE;
        }
    };

    let mut datadog = Datadog::new(datadog_key.as_str());
    datadog.region = Some(DatadogRegion::Us);
    match client.upsert(&group_id, datadog).await {
        Ok(configured) => println!("configured: {configured:?}"),
        Err(error) => {
            eprintln!("cannot configure Datadog: {}", chain(&error));
            return ExitCode::FAILURE;
        }
    }
    match client
        .list_all(&group_id, 100)
        .try_collect::<Vec<_>>()
        .await
    {
        Ok(integrations) => {
            println!(
                "{} integration(s) in project {group_id}:",
                integrations.len()
            );
            for integration in integrations {
                println!("- {}: {integration:?}", integration.discriminator());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("cannot list integrations: {}", chain(&error));
            ExitCode::FAILURE
        }
    }
}
