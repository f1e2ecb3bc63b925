//! [`TestCertificates`]: a private CA and the certificates it signs, made on the spot, and the
//! TLS server configuration a [`FaultProxy`](crate::FaultProxy) terminates TLS with.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::{self, RootCertStore, ServerConfig};

/// A private certificate authority, a server certificate it signed for `localhost` (only: a
/// client dialling `127.0.0.1` must override the server name), and a client certificate it
/// signed for mTLS. All PEM.
///
/// # Examples
///
/// ```
/// use temporal_testing::TestCertificates;
///
/// let certificates = TestCertificates::generate()?;
/// assert!(certificates.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
/// assert!(certificates.client_key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct TestCertificates {
    /// The CA certificate: what a client trusts.
    pub ca_pem: String,
    /// The server's certificate.
    pub server_cert_pem: String,
    /// The server's private key.
    pub server_key_pem: String,
    /// A client certificate the CA signed.
    pub client_cert_pem: String,
    /// The client certificate's private key.
    pub client_key_pem: String,
}

impl std::fmt::Debug for TestCertificates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCertificates").finish_non_exhaustive()
    }
}

impl TestCertificates {
    /// Makes a fresh CA and the certificates it signs.
    ///
    /// # Errors
    ///
    /// When key generation or signing fails, which does not happen with a working `ring`.
    ///
    /// # Examples
    ///
    /// ```
    /// let certificates = temporal_testing::TestCertificates::generate()?;
    /// # let _ = certificates;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn generate() -> Result<Self, rcgen::Error> {
        let ca_key = KeyPair::generate()?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "temporal-testing CA");
        let ca_cert = ca_params.self_signed(&ca_key)?;
        let issuer = Issuer::new(ca_params, ca_key);

        let server_key = KeyPair::generate()?;
        let server_cert = CertificateParams::new(vec!["localhost".to_owned()])?
            .signed_by(&server_key, &issuer)?;
        let client_key = KeyPair::generate()?;
        let mut client_params = CertificateParams::new(Vec::<String>::new())?;
        client_params
            .distinguished_name
            .push(DnType::CommonName, "temporal-testing client");
        let client_cert = client_params.signed_by(&client_key, &issuer)?;
        Ok(Self {
            ca_pem: ca_cert.pem(),
            server_cert_pem: server_cert.pem(),
            server_key_pem: server_key.serialize_pem(),
            client_cert_pem: client_cert.pem(),
            client_key_pem: client_key.serialize_pem(),
        })
    }
}

/// A TLS server presenting the server certificate of `certificates`; with
/// `require_client_cert`, only clients presenting a certificate the same CA signed get through
/// (mTLS). The error is why the certificates do not load.
pub(crate) fn server_config(
    certificates: &TestCertificates,
    require_client_cert: bool,
) -> Result<ServerConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let builder = if require_client_cert {
        let mut roots = RootCertStore::empty();
        roots
            .add(pem_certificate(&certificates.ca_pem)?)
            .map_err(|e| e.to_string())?;
        let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(|e| e.to_string())?;
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let key = KeyPair::from_pem(&certificates.server_key_pem).map_err(|e| e.to_string())?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let mut config = builder
        .with_single_cert(vec![pem_certificate(&certificates.server_cert_pem)?], key)
        .map_err(|e| e.to_string())?;
    // gRPC runs over HTTP/2, which TLS clients ask for by ALPN.
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

fn pem_certificate(pem: &str) -> Result<CertificateDer<'static>, String> {
    use rustls::pki_types::pem::PemObject;
    CertificateDer::from_pem_slice(pem.as_bytes()).map_err(|e| format!("a certificate: {e}"))
}
