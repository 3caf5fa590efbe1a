#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Printing an error with its chain of causes shows each cause once: an error's message holds
//! its immediate cause's text, and its `source` goes on from that cause's own source, never back
//! to a cause whose text the message already holds.

use std::error::Error as StdError;

use atlas_integrations::client::{Client, Credentials, Error, TransportError};
use atlas_integrations::integrations::UpsertError;
use atlas_integrations::operations::ListThirdPartyIntegrations;
use atlas_integrations::runtime::RequestError;
use atlas_integrations::types::Datadog;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";

/// The messages of an error and of each of its sources, in order.
fn chain(error: &(dyn StdError + 'static)) -> Vec<String> {
    let mut messages = Vec::new();
    let mut next = Some(error);
    while let Some(cause) = next {
        messages.push(cause.to_string());
        next = cause.source();
    }
    messages
}

/// Fails when any message of the chain holds the text of a later one.
fn assert_each_cause_once(error: &(dyn StdError + 'static)) -> Vec<String> {
    let messages = chain(error);
    for (index, message) in messages.iter().enumerate() {
        for later in &messages[index + 1..] {
            assert!(
                !message.contains(later.as_str()),
                "`{message}` repeats its source `{later}`; the chain: {messages:#?}"
            );
        }
    }
    messages
}

/// A loopback address where nothing listens.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn client(base_url: String) -> Client {
    Client::builder()
        .base_url(base_url)
        .allow_plain_http(true)
        .credentials(Credentials::bearer("token"))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_refused_connection_prints_each_cause_once() {
    let client = client(closed_port());
    let error = client
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Transport(TransportError::Connect(_))),
        "{error:?}"
    );
    let messages = assert_each_cause_once(&error);
    // The message says what failed, and the chain goes down to the operating system's reason.
    assert!(messages[0].starts_with("cannot connect: "), "{messages:#?}");
    assert!(messages.len() > 1, "{messages:#?}");
}

#[tokio::test]
async fn a_failed_step_of_an_upsert_prints_each_cause_once() {
    let client = client(closed_port());
    let error = client
        .upsert(GROUP, Datadog::new("my-datadog-api-key"))
        .await
        .unwrap_err();
    assert!(matches!(&error, UpsertError::Create(_)), "{error:?}");
    let messages = assert_each_cause_once(&error);
    assert!(
        messages[0].starts_with("create: cannot connect: "),
        "{messages:#?}"
    );
}

#[test]
fn a_request_that_cannot_be_assembled_says_why_once() {
    let http_error = http::Request::builder()
        .header("bad header\n", "value")
        .body(())
        .unwrap_err();
    let reason = http_error.to_string();
    let error = RequestError::from(http_error);
    let messages = assert_each_cause_once(&error);
    assert_eq!(messages, [format!("cannot assemble the request: {reason}")]);
}
