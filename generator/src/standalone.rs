//! A standalone crate around the generated modules: its manifest, its `lib.rs`, and the same
//! runtime and client the workspace's `atlas-integrations` has, so that a crate generated from any
//! document has the same public shape.

use std::path::PathBuf;

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
serde = { version = "1", features = ["derive"] }
serde_json = { version = "1", features = ["raw_value"] }
serde_path_to_error = "0.1"
zeroize = "1.8"
http = "1"
httpdate = "1"
percent-encoding = "2"
form_urlencoded = "1"
common-multipart-rfc7578 = "0.7"
mime = "0.3"
futures-util = { version = "0.3", default-features = false, features = ["std"] }
regex = "1"
thiserror = "2"

# The ready client: everything above is the sans-IO core, usable with any HTTP stack.
reqwest = { version = "0.13", default-features = false, features = ["rustls-no-provider"], optional = true }
rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"], optional = true }
rustls-platform-verifier = { version = "0.7", optional = true }
tokio = { version = "1", default-features = false, features = ["time", "sync"], optional = true }
digest_auth = { version = "0.3", optional = true }
fastrand = { version = "2", optional = true }
# Events of requests and retries, for the ready client.
tracing = { version = "0.1", default-features = false, features = ["std"], optional = true }

[features]
default = ["client"]
client = ["dep:reqwest", "dep:rustls", "dep:rustls-platform-verifier", "dep:tokio", "dep:digest_auth", "dep:fastrand"]
tracing = ["client", "dep:tracing"]
"#;

/// Every file of a standalone crate named `name` holding `output`. Each starts with `header`, an
/// `@generated` line (as a `#` comment in the manifest).
pub fn crate_files(output: &Output, name: &str, title: &str, header: &str) -> Vec<OutputFile> {
    let integrations = INTEGRATIONS_NEEDS
        .iter()
        .all(|n| output.names.iter().any(|m| m == n));
    let manifest = format!(
        "{}\n[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
         description = \"A typed client for {}, generated from its OpenAPI document.\"\npublish = false\n\n\
         {DEPENDENCIES}\n# A crate of its own, wherever it is written.\n[workspace]\n",
        header.replacen("//", "#", 1),
        title.replace('"', "'"),
    );
    let helpers = if integrations {
        "#[cfg(feature = \"client\")]\npub mod integrations;\n"
    } else {
        ""
    };
    let lib = format!(
        "{header}\n\n//! A typed client for {title}, generated from its OpenAPI document.\n#![deny(missing_docs)]\n\n\
         #[cfg(feature = \"client\")]\npub mod client;\n{helpers}pub mod runtime;\n\n\
         #[rustfmt::skip]\npub mod operations;\n#[rustfmt::skip]\npub mod types;\n"
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
