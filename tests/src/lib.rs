//! Support code shared by the workspace's test binaries: locating the workspace, generating from
//! fixtures, and installing and running the pinned Node.js tools that check our output
//! independently. It also compiles the generated code of every fixture. The fake Atlas the
//! end-to-end tests run against is a crate of its own, `fake-atlas`.

pub mod fixture;
pub mod node;
pub mod prism;
pub mod raw_server;

/// The runtime the generated code of the fixtures refers to as `crate::runtime`.
pub use atlas_integrations::runtime;

/// The generated code of every valid fixture under `fixtures/`, one module each, compiled with
/// warnings denied: a fixture whose output has a warning fails the build.
#[deny(warnings)]
pub mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}

use std::path::PathBuf;

/// Makes aws-lc-rs the TLS crypto provider of this test process, once, before any plain
/// `reqwest::Client` is built. The workspace builds reqwest without a provider of its own (the
/// generated client brings its own TLS configuration), and reqwest refuses to build a client
/// with none, even for the plain HTTP the tests speak on loopback.
pub fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Fails only when a provider is already installed, which is as good.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    });
}

/// The workspace root, found from this crate's manifest directory.
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// The Cargo target directory: `CARGO_TARGET_DIR` (relative to the workspace when relative), or
/// `target` under the workspace. Test tools keep their locks and logs there.
pub fn target_dir() -> PathBuf {
    let root = workspace_root();
    match std::env::var_os("CARGO_TARGET_DIR").filter(|value| !value.is_empty()) {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}
