//! TLS of the ready client: rustls with the platform's certificate verifier, on a crypto provider
//! given to each client alone (nothing is installed process-wide).
//!
//! The provider is, in this order: the one given with
//! [`ClientBuilder::tls_provider`](super::ClientBuilder::tls_provider); aws-lc-rs (feature
//! `aws-lc-rs`, on by default), which prefers the post-quantum hybrid key exchange
//! X25519MLKEM768; `ring_provider` (feature `ring`), for builds where aws-lc-rs does not build
//! (no CMake), which has no post-quantum key exchange (its groups are the classical SECP384R1,
//! X25519 and SECP256R1). With both features, aws-lc-rs. With neither and no provider given,
//! [`ClientBuilder::build`](super::ClientBuilder::build) fails with
//! [`BuildError::NoTlsProvider`].

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;

use super::BuildError;

/// The crypto provider a client uses when none is given: aws-lc-rs with feature `aws-lc-rs`,
/// otherwise `ring_provider` with feature `ring`, otherwise none.
pub fn default_provider() -> Option<CryptoProvider> {
    #[cfg(feature = "aws-lc-rs")]
    {
        Some(rustls::crypto::aws_lc_rs::default_provider())
    }
    #[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
    {
        Some(ring_provider())
    }
    #[cfg(not(any(feature = "aws-lc-rs", feature = "ring")))]
    {
        None
    }
}

/// rustls's provider on *ring* (feature `ring`): its default cipher suites and key exchange
/// groups, webpki's *ring* signature verification, *ring*'s random numbers and keys. No
/// post-quantum key exchange: ring implements none, so a handshake settles on a classical group
/// (SECP384R1 first, as rustls orders them, then X25519 and SECP256R1).
///
/// rustls's own `crypto::ring::default_provider` is deprecated for that lack, so the provider is
/// put together here from rustls's public, non-deprecated parts: the same pieces that function
/// uses.
#[cfg(feature = "ring")]
pub fn ring_provider() -> CryptoProvider {
    CryptoProvider {
        cipher_suites: rustls::crypto::ring::DEFAULT_CIPHER_SUITES.to_vec(),
        kx_groups: rustls::crypto::ring::DEFAULT_KX_GROUPS.to_vec(),
        signature_verification_algorithms: ring_parts::SIGNATURE_ALGORITHMS,
        secure_random: &ring_parts::Ring,
        key_provider: &ring_parts::Ring,
    }
}

/// The pieces of the *ring* provider that rustls keeps private: the same values, from the public
/// API of webpki and *ring*.
#[cfg(feature = "ring")]
mod ring_parts {
    use std::sync::Arc;

    use rustls::SignatureScheme;
    use rustls::crypto::{GetRandomFailed, KeyProvider, SecureRandom, WebPkiSupportedAlgorithms};
    use rustls::pki_types::PrivateKeyDer;
    use rustls::sign::SigningKey;
    use webpki::ring as alg;

    /// The signature algorithms webpki verifies with *ring*, and which of them each TLS signature
    /// scheme may use (for TLS 1.2, whose ECDSA schemes do not fix the curve, either curve).
    pub(super) static SIGNATURE_ALGORITHMS: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
        all: &[
            alg::ECDSA_P256_SHA256,
            alg::ECDSA_P256_SHA384,
            alg::ECDSA_P384_SHA256,
            alg::ECDSA_P384_SHA384,
            alg::ED25519,
            alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
            alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
            alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
            alg::RSA_PKCS1_2048_8192_SHA256,
            alg::RSA_PKCS1_2048_8192_SHA384,
            alg::RSA_PKCS1_2048_8192_SHA512,
            alg::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
            alg::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
            alg::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
        ],
        mapping: &[
            (
                SignatureScheme::ECDSA_NISTP384_SHA384,
                &[alg::ECDSA_P384_SHA384, alg::ECDSA_P256_SHA384],
            ),
            (
                SignatureScheme::ECDSA_NISTP256_SHA256,
                &[alg::ECDSA_P256_SHA256, alg::ECDSA_P384_SHA256],
            ),
            (SignatureScheme::ED25519, &[alg::ED25519]),
            (
                SignatureScheme::RSA_PSS_SHA512,
                &[alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY],
            ),
            (
                SignatureScheme::RSA_PSS_SHA384,
                &[alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY],
            ),
            (
                SignatureScheme::RSA_PSS_SHA256,
                &[alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY],
            ),
            (
                SignatureScheme::RSA_PKCS1_SHA512,
                &[alg::RSA_PKCS1_2048_8192_SHA512],
            ),
            (
                SignatureScheme::RSA_PKCS1_SHA384,
                &[alg::RSA_PKCS1_2048_8192_SHA384],
            ),
            (
                SignatureScheme::RSA_PKCS1_SHA256,
                &[alg::RSA_PKCS1_2048_8192_SHA256],
            ),
        ],
    };

    /// *ring*'s system random numbers, and private keys of every type rustls signs with on *ring*.
    #[derive(Debug)]
    pub(super) struct Ring;

    impl SecureRandom for Ring {
        fn fill(&self, buf: &mut [u8]) -> Result<(), GetRandomFailed> {
            use ring::rand::SecureRandom as _;
            ring::rand::SystemRandom::new()
                .fill(buf)
                .map_err(|_| GetRandomFailed)
        }
    }

    impl KeyProvider for Ring {
        fn load_private_key(
            &self,
            key_der: PrivateKeyDer<'static>,
        ) -> Result<Arc<dyn SigningKey>, rustls::Error> {
            rustls::crypto::ring::sign::any_supported_type(&key_der)
        }
    }
}

/// TLS as reqwest sets it up by default, with the platform's verifier and root certificates (and
/// `extra`), on `provider` or else the [`default_provider`].
pub(super) fn client_config(
    extra: Vec<CertificateDer<'static>>,
    provider: Option<Arc<CryptoProvider>>,
) -> Result<rustls::ClientConfig, BuildError> {
    let provider = match provider {
        Some(provider) => provider,
        None => Arc::new(default_provider().ok_or(BuildError::NoTlsProvider)?),
    };
    let verifier = platform_verifier(extra, provider.clone())?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(BuildError::Tls)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    // reqwest leaves a preconfigured client's ALPN alone; it speaks HTTP/1.1 here.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The platform's certificate verifier, trusting `extra` as well as the system's roots.
#[cfg(not(target_os = "android"))]
fn platform_verifier(
    extra: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, BuildError> {
    rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider)
        .map_err(BuildError::Tls)
}

/// The platform's certificate verifier; Android's cannot take extra roots.
#[cfg(target_os = "android")]
fn platform_verifier(
    extra: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, BuildError> {
    if !extra.is_empty() {
        return Err(BuildError::Tls(rustls::Error::General(
            "extra root certificates are not supported on Android".to_owned(),
        )));
    }
    rustls_platform_verifier::Verifier::new(provider).map_err(BuildError::Tls)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without a provider feature, a client needs a provider given to it.
    #[cfg(not(any(feature = "aws-lc-rs", feature = "ring")))]
    #[test]
    fn no_provider_is_a_build_error() {
        let built = super::super::Client::builder()
            .base_url("https://localhost")
            .credentials(super::super::Credentials::bearer("token"))
            .build();
        assert!(matches!(built, Err(BuildError::NoTlsProvider)), "{built:?}");
        assert!(default_provider().is_none());
    }

    /// With a provider feature, the default provider prefers post-quantum key exchange exactly
    /// when it is aws-lc-rs.
    #[cfg(any(feature = "aws-lc-rs", feature = "ring"))]
    #[test]
    fn the_default_provider_leads_with_post_quantum_exactly_on_aws_lc_rs() {
        let provider = default_provider();
        let first = provider.as_ref().and_then(|p| p.kx_groups.first());
        let post_quantum = first.map(|group| group.name() == rustls::NamedGroup::X25519MLKEM768);
        assert_eq!(post_quantum, Some(cfg!(feature = "aws-lc-rs")));
    }
}
