//! [`TlsProxy`]: TLS (and optionally mTLS) in front of a plaintext server, with certificates
//! made on the spot, so that TLS settings are tested against a real handshake.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
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

/// A TLS listener on a free loopback port that forwards each connection, decrypted, to a
/// plaintext upstream such as a [`DevServer`](crate::DevServer). Stops when dropped.
///
/// # Examples
///
/// ```no_run
/// use temporal_testing::{DevServer, TestCertificates, TlsProxy};
///
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// let server = DevServer::start().await?;
/// let certificates = TestCertificates::generate()?;
/// let proxy = TlsProxy::start(server.address(), &certificates, true).await?;
/// // Connect to `localhost:{proxy.address().port()}`, trusting `certificates.ca_pem` and
/// // presenting `certificates.client_cert_pem`.
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct TlsProxy {
    address: SocketAddr,
    task: JoinHandle<()>,
}

impl TlsProxy {
    /// Listens with the server certificate of `certificates`; with `require_client_cert`, only
    /// clients presenting a certificate the same CA signed are let through (mTLS).
    ///
    /// # Errors
    ///
    /// When the certificates do not load or no port can be bound.
    ///
    /// # Examples
    ///
    /// The upstream is only dialled when a client connects, so the proxy starts without one:
    ///
    /// ```
    /// use temporal_testing::{TestCertificates, TlsProxy};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let certificates = TestCertificates::generate()?;
    /// let upstream = "127.0.0.1:7233".parse()?;
    /// let proxy = TlsProxy::start(upstream, &certificates, false).await?;
    /// # let _ = proxy;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start(
        upstream: SocketAddr,
        certificates: &TestCertificates,
        require_client_cert: bool,
    ) -> io::Result<Self> {
        let acceptor =
            TlsAcceptor::from(Arc::new(server_config(certificates, require_client_cert)?));
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let address = listener.local_addr()?;
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    // A refused handshake is the point of some tests: just drop the connection.
                    let Ok(mut tls) = acceptor.accept(client).await else {
                        return;
                    };
                    let Ok(mut server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut server).await;
                });
            }
        });
        Ok(Self { address, task })
    }

    /// Where the proxy listens, on 127.0.0.1.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::{TestCertificates, TlsProxy};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let certificates = TestCertificates::generate()?;
    /// # let proxy = TlsProxy::start("127.0.0.1:7233".parse()?, &certificates, false).await?;
    /// // The server certificate is for `localhost` only.
    /// let url = format!("https://localhost:{}", proxy.address().port());
    /// assert!(proxy.address().ip().is_loopback());
    /// # let _ = url;
    /// # Ok(())
    /// # }
    /// ```
    pub fn address(&self) -> SocketAddr {
        self.address
    }
}

impl Drop for TlsProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn server_config(
    certificates: &TestCertificates,
    require_client_cert: bool,
) -> io::Result<ServerConfig> {
    let invalid =
        |e: &dyn std::fmt::Display| io::Error::new(io::ErrorKind::InvalidInput, e.to_string());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid(&e))?;
    let builder = if require_client_cert {
        let mut roots = RootCertStore::empty();
        roots
            .add(pem_certificate(&certificates.ca_pem)?)
            .map_err(|e| invalid(&e))?;
        let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(|e| invalid(&e))?;
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let key = KeyPair::from_pem(&certificates.server_key_pem).map_err(|e| invalid(&e))?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let mut config = builder
        .with_single_cert(vec![pem_certificate(&certificates.server_cert_pem)?], key)
        .map_err(|e| invalid(&e))?;
    // gRPC runs over HTTP/2, which TLS clients ask for by ALPN.
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

fn pem_certificate(pem: &str) -> io::Result<CertificateDer<'static>> {
    use rustls::pki_types::pem::PemObject;
    CertificateDer::from_pem_slice(pem.as_bytes())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))
}
