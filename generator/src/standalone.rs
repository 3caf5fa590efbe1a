//! A standalone crate around the generated modules: its manifest, its `lib.rs`, and the same
//! runtime and client the workspace's `atlas-integrations` has, so that a crate generated from any
//! document has the same public shape.

use std::path::PathBuf;

use crate::workspace::membership::Decision;
use crate::{Output, OutputFile};

/// The hand-written pieces every generated crate carries, taken from `atlas-integrations`.
const SHARED: &[(&str, &str)] = &[
    (
        "src/runtime/mod.rs",
        include_str!("../../generated/src/runtime/mod.rs"),
    ),
    (
        "src/runtime/body.rs",
        include_str!("../../generated/src/runtime/body.rs"),
    ),
    (
        "src/runtime/enums.rs",
        include_str!("../../generated/src/runtime/enums.rs"),
    ),
    (
        "src/runtime/object.rs",
        include_str!("../../generated/src/runtime/object.rs"),
    ),
    (
        "src/runtime/param.rs",
        include_str!("../../generated/src/runtime/param.rs"),
    ),
    (
        "src/runtime/raw.rs",
        include_str!("../../generated/src/runtime/raw.rs"),
    ),
    (
        "src/runtime/request.rs",
        include_str!("../../generated/src/runtime/request.rs"),
    ),
    (
        "src/runtime/response.rs",
        include_str!("../../generated/src/runtime/response.rs"),
    ),
    (
        "src/runtime/secret.rs",
        include_str!("../../generated/src/runtime/secret.rs"),
    ),
    (
        "src/runtime/trial.rs",
        include_str!("../../generated/src/runtime/trial.rs"),
    ),
    (
        "src/runtime/union.rs",
        include_str!("../../generated/src/runtime/union.rs"),
    ),
    (
        "src/client/mod.rs",
        include_str!("../../generated/src/client/mod.rs"),
    ),
    (
        "src/client/auth.rs",
        include_str!("../../generated/src/client/auth.rs"),
    ),
    (
        "src/client/retry.rs",
        include_str!("../../generated/src/client/retry.rs"),
    ),
    (
        "src/client/tls.rs",
        include_str!("../../generated/src/client/tls.rs"),
    ),
    (
        "src/client/transport.rs",
        include_str!("../../generated/src/client/transport.rs"),
    ),
];

/// The client's helpers for the integrations resource, for crates that have its operations.
const INTEGRATIONS: (&str, &str) = (
    "src/integrations.rs",
    include_str!("../../generated/src/integrations.rs"),
);

/// What the integrations helpers use from the generated modules.
const INTEGRATIONS_NEEDS: &[&str] = &[
    "ListThirdPartyIntegrations",
    "GetThirdPartyIntegration",
    "CreateThirdPartyIntegration",
    "UpdateThirdPartyIntegration",
    "ThirdPartyIntegration",
    "IntegrationType",
    "PaginatedIntegrationView",
];

/// The dependencies of a generated crate: the same crates, at the same versions, as
/// `atlas-integrations` takes from the workspace.
const DEPENDENCIES: &str = r#"[dependencies]
serde = { version = "1.0.194", features = ["derive"] }
serde_json = { version = "1.0.134", features = ["raw_value"] }
serde_path_to_error = "0.1"
zeroize = "1.8"
http = "1.1"
httpdate = "1"
percent-encoding = "2.3"
form_urlencoded = "1.2"
common-multipart-rfc7578 = "0.7"
mime = "0.3.12"
futures-util = { version = "0.3.31", default-features = false, features = ["std"] }
regex = "1"
memchr = "2.7"
thiserror = "2"

# The ready client: everything above is the sans-IO core, usable with any HTTP stack.
reqwest = { version = "0.13", default-features = false, features = ["rustls-no-provider"], optional = true }
rustls = { version = "0.23.27", default-features = false, features = ["std", "tls12"], optional = true }
rustls-platform-verifier = { version = "0.7", optional = true }
# The `ring` crypto provider, assembled from its parts (see `client::tls`).
rustls-webpki = { version = "0.103.3", default-features = false, features = ["ring"], optional = true }
ring = { version = "0.17", optional = true }
tokio = { version = "1.20", default-features = false, features = ["time", "sync"], optional = true }
digest_auth = { version = "0.3", optional = true }
base64 = { version = "0.23", optional = true }
fastrand = { version = "2", optional = true }
# Events of requests and retries, for the ready client.
tracing = { version = "0.1.30", default-features = false, features = ["std"], optional = true }

[features]
default = ["client", "aws-lc-rs"]
client = ["dep:reqwest", "dep:rustls", "dep:rustls-platform-verifier", "dep:tokio", "dep:digest_auth", "dep:base64", "dep:fastrand"]
# TLS on aws-lc-rs, with post-quantum key exchange (X25519MLKEM768) preferred: rustls's default.
aws-lc-rs = ["client", "rustls/aws_lc_rs", "rustls/prefer-post-quantum"]
# TLS on ring, for builds where aws-lc-rs does not build (no CMake); no post-quantum key exchange.
ring = ["client", "rustls/ring", "dep:rustls-webpki", "dep:ring"]
tracing = ["client", "dep:tracing"]
"#;

/// The oldest Rust that builds a generated crate: the `rust-version` of its manifest, and of the
/// workspace (a test keeps the two equal).
pub const RUST_VERSION: &str = "1.88";

/// Every file of a standalone crate named `name` holding `output`. Each starts with `header`, an
/// `@generated` line (as a `#` comment in the manifest). The manifest ends as `workspace` says: a
/// `[workspace]` table of its own, or none to be a member of the workspace around it.
pub fn crate_files(
    output: &Output,
    name: &str,
    title: &str,
    header: &str,
    workspace: Decision,
) -> Vec<OutputFile> {
    let integrations = INTEGRATIONS_NEEDS
        .iter()
        .all(|n| output.names.iter().any(|m| m == n));
    let manifest = format!(
        "{}\n[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
         rust-version = \"{RUST_VERSION}\"\n\
         description = \"A typed client for {}, generated from its OpenAPI document.\"\npublish = false\n\n\
         {DEPENDENCIES}\n{}",
        header.replacen("//", "#", 1),
        title.replace('"', "'"),
        workspace.manifest_tail(),
    );
    let helpers = if integrations {
        "#[cfg(feature = \"client\")]\npub mod integrations;\n"
    } else {
        ""
    };
    let lib = format!(
        "{header}\n\n{}#![warn(missing_docs)]\n\n\
         #[cfg(feature = \"client\")]\npub mod client;\n{helpers}pub mod runtime;\n\n\
         #[rustfmt::skip]\npub mod operations;\n#[rustfmt::skip]\npub mod types;\n",
        crate_docs(name, title)
    );
    let mut files = vec![
        OutputFile {
            path: PathBuf::from("Cargo.toml"),
            contents: manifest,
        },
        OutputFile {
            path: PathBuf::from("src/lib.rs"),
            contents: lib,
        },
    ];
    let shared = SHARED.iter().chain(integrations.then_some(&INTEGRATIONS));
    // Copies of hand-written files, marked like every file the generator writes, so that a
    // later run recognises them as its own.
    // Their doc examples name the crate they are compiled in.
    let crate_path = format!("{}::", name.replace('-', "_"));
    files.extend(shared.map(|(path, text)| OutputFile {
        path: PathBuf::from(path),
        contents: format!(
            "{header}\n\n{}",
            text.replace("atlas_integrations::", &crate_path)
        ),
    }));
    files.extend(output.files.iter().cloned());
    files
}

/// The front page of a generated crate: what it is, how to depend on it, its features and
/// modules, and a quick start. The examples name nothing of the document, so that they compile
/// in every generated crate; the one that needs the client is there only with feature `client`.
fn crate_docs(name: &str, title: &str) -> String {
    let krate = name.replace('-', "_");
    let text = format!(
        r#"A typed client for {title}, generated from its OpenAPI document.

# Using it

Depend on the crate by its path (or make it a member of your workspace), with Tokio for the
ready client:

```toml
[dependencies]
{name} = {{ path = "path/to/{name}" }}
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}
```

It needs Rust {RUST_VERSION} or newer. The first line of each file names the document it was
generated from (file name and SHA-256); regenerate rather than edit, since the generator does
not overwrite a file that lost that line.

# Features

- `client` (on by default): `client::Client`, a ready client on reqwest with rustls (the
  system's root certificates; no OpenSSL) that authenticates, retries throttled and
  unavailable answers within a policy, and bounds every exchange in time and size. **It needs a
  Tokio runtime**: call it from within `#[tokio::main]` or a runtime you started; outside one,
  sending panics with "there is no reactor running". Without the feature
  (`default-features = false`) the crate is its sans-IO core, for any HTTP stack.
- `aws-lc-rs` (on by default, with `client`): TLS on the aws-lc-rs crypto provider, rustls's
  default, with post-quantum key exchange (X25519MLKEM768) preferred. Building it takes a C
  compiler, and CMake on some targets.
- `ring` (with `client`): TLS on the *ring* crypto provider instead, for builds where aws-lc-rs does
  not build, as without CMake (`default-features = false, features = ["ring"]`). *ring* has no
  post-quantum key exchange: connections settle on a classical group (SECP384R1, X25519, SECP256R1),
  which a future quantum computer could break to read recorded traffic. With both features,
  aws-lc-rs is used; with neither, give the client a provider with `ClientBuilder::tls_provider`. A
  provider is given to each client alone; nothing is installed process-wide.
- `tracing`: an event for each answer, retry and transport failure of the client, never a
  header, body or query.

# Modules

- [`types`]: the document's schemas, as structs and enums that serialise as the API expects.
- [`operations`]: one request builder per operation, named after its `operationId`: `new` takes
  the required inputs, one method sets each optional one, `build()` checks them against the
  document and returns an [`http::Request`] (path and query; join it to the base URL,
  `operations::DEFAULT_BASE_URL` when the document names one), and `parse_response` turns the
  [`http::Response`] into the typed output or the operation's error.
- `client` (feature `client`): sends the builders.
- [`runtime`]: what the generated modules share: secrets, request and response errors, and the
  [`runtime::Operation`] trait every builder implements.
"#
    );
    let client = format!(
        r#"
# Quick start

```no_run
use {krate}::client::{{Client, Credentials, Error}};
use {krate}::runtime::Operation;

/// Sends any builder of `operations` and returns the operation's output, or an error that
/// keeps the operation's typed error.
async fn call<O>(client: &Client, operation: &O) -> Result<O::Output, Error<O::Error>>
where
    O: Operation,
    O::Error: 'static,
{{
    client.send(operation).await
}}

fn main() -> Result<(), Box<dyn std::error::Error>> {{
    let client = Client::builder()
        .base_url("https://api.example.com") // by default, the document's first server
        .credentials(Credentials::bearer("token"))
        .build()?;
    # let _ = client;
    Ok(())
}}
```
"#
    );
    let mut out: String = text
        .lines()
        .map(|line| format!("//!{}{line}\n", if line.is_empty() { "" } else { " " }))
        .collect();
    out.push_str(&format!(
        "#![cfg_attr(\n    feature = \"client\",\n    doc = r#\"{client}\"#\n)]\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::{DEPENDENCIES, RUST_VERSION};

    #[test]
    fn generated_crates_claim_the_workspace_rust_version() {
        let manifest = include_str!("../../Cargo.toml");
        let declared = manifest
            .lines()
            .find_map(|line| line.strip_prefix("rust-version = "))
            .map(|value| value.trim_matches('"'));
        assert_eq!(declared, Some(RUST_VERSION));
    }

    /// The generated crate's dependencies and features are the workspace crate's: each line of
    /// the workspace crate's features, and each crate it depends on, is in the copy.
    #[test]
    fn generated_crates_have_the_workspace_crate_features_and_dependencies() {
        let manifest = include_str!("../../generated/Cargo.toml");
        let features = manifest
            .split("[features]")
            .nth(1)
            .and_then(|rest| rest.split("\n\n").next())
            .unwrap_or("");
        assert!(features.contains("aws-lc-rs"), "{features}");
        for line in features.lines() {
            assert!(DEPENDENCIES.contains(line), "{line}");
        }
        let dependencies = manifest
            .split("[dependencies]")
            .nth(1)
            .and_then(|rest| rest.split("[features]").next())
            .unwrap_or("");
        for name in dependencies
            .lines()
            .filter_map(|line| line.split_once(" = ").map(|(name, _)| name))
            .map(|name| name.trim_end_matches(".workspace"))
        {
            assert!(DEPENDENCIES.contains(&format!("\n{name} = ")), "{name}");
        }
    }

    /// Each dependency of a generated crate allows the versions the workspace allows: the same
    /// lower bounds, which `.ci/run` checks at the lowest versions they allow.
    #[test]
    fn generated_crates_take_the_workspace_version_requirements() {
        let workspace = include_str!("../../Cargo.toml");
        let requirement = |manifest: &str, name: &str| {
            manifest.lines().find_map(|line| {
                let rest = line.strip_prefix(name)?.strip_prefix(" = ")?;
                let rest = rest.strip_prefix("{ version = ").unwrap_or(rest);
                rest.split('"').nth(1).map(str::to_owned)
            })
        };
        let names: Vec<&str> = DEPENDENCIES
            .lines()
            .take_while(|line| !line.starts_with("[features]"))
            .filter_map(|line| line.split_once(" = ").map(|(name, _)| name))
            .collect();
        assert!(names.contains(&"rustls"), "{names:?}");
        for name in names {
            let ours = requirement(DEPENDENCIES, name);
            assert!(ours.is_some(), "{name}");
            assert_eq!(ours, requirement(workspace, name), "{name}");
        }
    }

    /// A generated crate denies no lint to the crates that build it: a newer compiler or
    /// dependency that warns about something must not break its users' builds.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn generated_crates_deny_no_warnings() {
        use crate::workspace::membership::Membership;
        use crate::workspace::{Paths, Selection, generate_crate};

        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let paths = Paths {
            out: "target/deny-no-warnings".into(),
            ..Paths::defaults(&root)
        };
        let output = generate_crate(&paths, &Selection::default(), Some(Membership::Own)).unwrap();
        assert!(output.files.iter().any(|f| f.path.ends_with("lib.rs")));
        for file in &output.files {
            let text = file.contents.replace(' ', "");
            for denial in ["deny(warnings)", "#![deny(", "#![forbid("] {
                assert!(!text.contains(denial), "{}: {denial}", file.path.display());
            }
        }
    }
}
