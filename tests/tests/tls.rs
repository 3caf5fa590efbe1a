#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The client over real TLS on loopback. A server whose certificate the client trusts, through a
//! root given with `add_root_certificate`, is reached and answers; without that root, or under a
//! name the certificate does not carry, the handshake fails and the request never leaves. Each
//! crypto provider completes a request, and the server sees the key exchange group it chose:
//! post-quantum X25519MLKEM768 on aws-lc-rs (the default), a classical group on *ring*.

use std::sync::{Arc, Mutex};

use atlas_integrations::client::{Client, Credentials, Error, tls};
use atlas_integrations::operations::ListThirdPartyIntegrations;
use rustls::NamedGroup;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const PAGE: &str = r#"{"links":[],"results":[],"totalCount":0}"#;

/// A TLS server on 127.0.0.1 for the name `localhost`, answering every request with an empty page
/// and keeping the head of each request it decrypted and the key exchange group of each
/// handshake. It runs on aws-lc-rs, which offers X25519MLKEM768 and the classical groups, and
/// takes the first group the client prefers.
struct TlsServer {
    port: u16,
    root: CertificateDer<'static>,
    heads: Arc<Mutex<Vec<String>>>,
    groups: Arc<Mutex<Vec<Option<NamedGroup>>>>,
    task: tokio::task::JoinHandle<()>,
}

impl TlsServer {
    async fn start() -> TlsServer {
        let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let root: CertificateDer<'static> = certified.cert.der().clone();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            certified.signing_key.serialize_der(),
        ));
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![root.clone()], key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        let groups = Arc::new(Mutex::new(Vec::new()));
        let negotiated = groups.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    return;
                };
                // A client that refuses the certificate ends the handshake; that is expected.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    continue;
                };
                let group = tls.get_ref().1.negotiated_key_exchange_group();
                negotiated.lock().unwrap().push(group.map(|g| g.name()));
                let mut head = Vec::new();
                let mut buffer = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buffer).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                seen.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&head).into_owned());
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{PAGE}",
                    PAGE.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            }
        });
        TlsServer {
            port,
            root,
            heads,
            groups,
            task,
        }
    }

    /// The key exchange group of each completed handshake.
    fn groups(&self) -> Vec<Option<NamedGroup>> {
        self.groups.lock().unwrap().clone()
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn client(base_url: String, root: Option<&CertificateDer<'static>>) -> Client {
    client_on(base_url, root, None)
}

/// A client on `provider`, or on the crate's default provider.
fn client_on(
    base_url: String,
    root: Option<&CertificateDer<'static>>,
    provider: Option<CryptoProvider>,
) -> Client {
    let mut builder = Client::builder()
        .base_url(base_url)
        .credentials(Credentials::bearer("tls-test-token"));
    if let Some(root) = root {
        builder = builder.add_root_certificate(root.to_vec());
    }
    if let Some(provider) = provider {
        builder = builder.tls_provider(Arc::new(provider));
    }
    builder.build().unwrap()
}

/// A server under a root the client trusts, and one request through a client on `provider` (or
/// the default), which completes over TLS.
async fn one_request_over_tls(provider: Option<CryptoProvider>) -> TlsServer {
    let server = TlsServer::start().await;
    let client = client_on(
        format!("https://localhost:{}", server.port),
        Some(&server.root),
        provider,
    );
    let page = client
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(0));
    server
}

/// The key exchange group of one request's handshake through a client on `provider`.
async fn negotiated_group(provider: Option<CryptoProvider>) -> NamedGroup {
    let groups = one_request_over_tls(provider).await.groups();
    assert_eq!(groups.len(), 1, "{groups:?}");
    groups[0].expect("a TLS 1.3 handshake settles on a group")
}

/// The request failed in transport because the client refused the server's certificate, for the
/// reason named.
fn assert_refused_certificate<T: std::fmt::Debug, E: std::error::Error + 'static>(
    result: Result<T, Error<E>>,
    reason: &str,
) {
    let error = match result {
        Err(Error::Transport(error)) => error,
        other => panic!("expected a transport error, got {other:?}"),
    };
    let mut chain = format!("{error:?}");
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        chain.push_str(&format!(" / {cause:?}"));
        source = cause.source();
    }
    assert!(chain.contains("InvalidCertificate"), "{chain}");
    assert!(chain.contains(reason), "{chain}");
}

#[tokio::test]
async fn a_server_under_a_trusted_root_is_reached_over_tls() {
    let server = one_request_over_tls(None).await;
    let heads = server.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    let head = heads[0].to_ascii_lowercase();
    assert!(
        head.starts_with(&format!(
            "get /api/atlas/v1.0/groups/{GROUP}/integrations http/1.1\r\n"
        )),
        "{head}"
    );
    assert!(
        head.contains("authorization: bearer tls-test-token\r\n"),
        "{head}"
    );
}

#[tokio::test]
async fn an_untrusted_certificate_or_another_name_stops_the_request() {
    let server = TlsServer::start().await;
    // Without the root: the system's roots do not know this certificate.
    let untrusted = client(format!("https://localhost:{}", server.port), None)
        .send(&ListThirdPartyIntegrations::new(GROUP))
        .await;
    assert_refused_certificate(untrusted, "UnknownIssuer");
    // With the root but under another name: the certificate is for `localhost` only.
    let misnamed = client(
        format!("https://127.0.0.1:{}", server.port),
        Some(&server.root),
    )
    .send(&ListThirdPartyIntegrations::new(GROUP))
    .await;
    assert_refused_certificate(misnamed, "NotValidForName");
    // No request got through the handshake.
    assert_eq!(server.heads(), Vec::<String>::new());
}

#[tokio::test]
async fn the_default_provider_exchanges_keys_post_quantum() {
    assert_eq!(negotiated_group(None).await, NamedGroup::X25519MLKEM768);
}

#[tokio::test]
async fn the_ring_provider_exchanges_keys_classically() {
    let group = negotiated_group(Some(tls::ring_provider())).await;
    // *ring* has no post-quantum group: the handshake settles on the first of its defaults, which
    // rustls orders SECP384R1, X25519, SECP256R1 (X25519 first before rustls 0.23.48).
    let first = rustls::crypto::ring::DEFAULT_KX_GROUPS[0].name();
    assert_eq!(group, first);
    assert!(
        [NamedGroup::secp384r1, NamedGroup::X25519].contains(&group),
        "{group:?}"
    );
}
