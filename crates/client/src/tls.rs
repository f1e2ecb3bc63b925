//! TLS and mTLS settings of a [`Connection`](crate::Connection).

use std::fmt;

/// TLS settings: which certificate authorities to trust, the server name to expect, and an
/// optional client certificate for mTLS.
///
/// `Debug` shows only sizes, never key material, and whether host verification is disabled.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::TlsOptions;
///
/// // System roots, as for Temporal Cloud with an API key:
/// let cloud = TlsOptions::new();
/// // A private CA and a client certificate (mTLS):
/// let mtls = TlsOptions::new()
///     .ca_certificate(std::fs::read("ca.pem")?)
///     .client_certificate(std::fs::read("client.pem")?, std::fs::read("client.key")?)
///     .server_name("temporal.internal");
/// # let _ = (cloud, mtls);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Default)]
#[must_use]
pub struct TlsOptions {
    pub(crate) ca_certificate: Option<Vec<u8>>,
    pub(crate) server_name: Option<String>,
    pub(crate) client_certificate: Option<(Vec<u8>, Vec<u8>)>,
    pub(crate) danger_disable_host_verification: bool,
}

impl TlsOptions {
    /// TLS that trusts the system's root certificates.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ConnectionOptions, TlsOptions};
    ///
    /// let options = ConnectionOptions::new("temporal.example.com:7233").tls(TlsOptions::new());
    /// # let _ = options;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Trusts only this CA certificate (PEM) instead of the system's roots.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::TlsOptions;
    ///
    /// let tls = TlsOptions::new().ca_certificate(std::fs::read("ca.pem")?);
    /// # let _ = tls;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn ca_certificate(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_certificate = Some(pem.into());
        self
    }

    /// Expects the server's certificate to name this host, instead of the address's host.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::TlsOptions;
    ///
    /// // Dial an IP address, but check the certificate's host name.
    /// let tls = TlsOptions::new().server_name("temporal.internal");
    /// # let _ = tls;
    /// ```
    pub fn server_name(mut self, name: impl Into<String>) -> Self {
        self.server_name = Some(name.into());
        self
    }

    /// Presents this certificate chain and private key (both PEM) to the server: mTLS.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::TlsOptions;
    ///
    /// let tls = TlsOptions::new()
    ///     .client_certificate(std::fs::read("client.pem")?, std::fs::read("client.key")?);
    /// # let _ = tls;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn client_certificate(
        mut self,
        certificate_pem: impl Into<Vec<u8>>,
        private_key_pem: impl Into<Vec<u8>>,
    ) -> Self {
        self.client_certificate = Some((certificate_pem.into(), private_key_pem.into()));
        self
    }

    /// Accepts any certificate the server presents: neither its chain nor its name is checked.
    ///
    /// # Warning
    ///
    /// Anyone who can intercept the connection can then pose as the server and read
    /// everything the client sends, the API key and every payload included. Use it only to
    /// reach a test server whose certificate cannot be trusted otherwise; prefer
    /// [`ca_certificate`](TlsOptions::ca_certificate) or
    /// [`server_name`](TlsOptions::server_name).
    ///
    /// The connection is still TLS: the server still proves that it holds the key of the
    /// certificate it presents (the handshake's signatures are verified), the client
    /// certificate is still offered, and the server name is still sent (SNI). It is what
    /// `tls.disable_host_verification = true` in a config profile means, and Go's
    /// `InsecureSkipVerify`.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ConnectionOptions, TlsOptions};
    ///
    /// // A test server with a self-signed certificate.
    /// let options = ConnectionOptions::new("temporal.test:7233")
    ///     .tls(TlsOptions::new().danger_disable_host_verification());
    /// assert!(format!("{options:?}").contains("danger_disable_host_verification: true"));
    /// ```
    pub fn danger_disable_host_verification(mut self) -> Self {
        self.danger_disable_host_verification = true;
        self
    }

    /// Checks that the certificates and key are PEM that holds what they should: tonic skips
    /// a CA file without certificates (leaving no root to trust) and reports bad client PEM
    /// only as "transport error".
    #[cfg(feature = "tls")]
    pub(crate) fn check_pem(&self) -> Result<(), String> {
        self.parse_pem().map(drop)
    }

    /// The CA certificates and the client's chain and key, parsed: what both transports
    /// trust and present.
    #[cfg(feature = "tls")]
    fn parse_pem(&self) -> Result<ParsedPem, String> {
        use rustls_pki_types::PrivateKeyDer;
        use rustls_pki_types::pem::PemObject as _;

        let ca_certificates = match &self.ca_certificate {
            Some(pem) => Some(certificates("CA certificate", pem)?),
            None => None,
        };
        let client = match &self.client_certificate {
            Some((certificate, key)) => {
                let chain = certificates("client certificate", certificate)?;
                // The parser's error is left out: it could quote a line of the key.
                let key = PrivateKeyDer::from_pem_slice(key)
                    .map_err(|_| "the client private key is not a PEM private key".to_owned())?;
                Some((chain, key))
            }
            None => None,
        };
        Ok(ParsedPem {
            ca_certificates,
            client,
        })
    }

    /// The rustls configuration of the [direct transport](crate::Http2Transport::Direct)'s
    /// handshake, meaning what [`apply`](Self::apply) asks of tonic: the given CA or else the
    /// system's roots (loaded as tonic's `tls-native-roots` loads them), the client
    /// certificate, ALPN `h2`, the process's default crypto provider or else ring, and
    /// [`AnyServerCertificate`](any_certificate::AnyServerCertificate) when host verification
    /// is disabled.
    #[cfg(all(feature = "tls", feature = "http2-direct"))]
    pub(crate) fn rustls_config(&self) -> Result<rustls::ClientConfig, String> {
        use std::sync::Arc;

        use rustls::crypto::CryptoProvider;

        let parsed = self.parse_pem()?;
        let provider = CryptoProvider::get_default()
            .cloned()
            .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("the crypto provider supports no safe TLS version: {e}"))?;
        let builder = if self.danger_disable_host_verification {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(
                    any_certificate::AnyServerCertificate::new(),
                ))
        } else {
            let mut roots = rustls::RootCertStore::empty();
            match parsed.ca_certificates {
                Some(certificates) => {
                    let (added, _) = roots.add_parsable_certificates(certificates);
                    if added == 0 {
                        return Err("the CA certificate holds no certificate rustls can use as \
                                    a root"
                            .to_owned());
                    }
                }
                None => {
                    let native = rustls_native_certs::load_native_certs();
                    roots.add_parsable_certificates(native.certs);
                    if roots.is_empty() {
                        return Err(format!(
                            "no root certificate found on this system{}; give the server's CA \
                             with TlsOptions::ca_certificate",
                            match native.errors.first() {
                                Some(error) => format!(" ({error})"),
                                None => String::new(),
                            }
                        ));
                    }
                }
            }
            builder.with_root_certificates(roots)
        };
        let mut config = match parsed.client {
            Some((chain, key)) => builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| format!("the client certificate and key are not usable: {e}"))?,
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = vec![ALPN_H2.to_vec()];
        Ok(config)
    }

    /// `endpoint` with these settings and a handshake that must finish within `timeout`.
    #[cfg(feature = "tls")]
    pub(crate) fn apply(
        &self,
        endpoint: tonic::transport::Endpoint,
        timeout: std::time::Duration,
    ) -> Result<tonic::transport::Endpoint, tonic::transport::Error> {
        use tonic::transport::{Certificate, ClientTlsConfig, Identity};
        let mut config = ClientTlsConfig::new().timeout(timeout);
        if let Some(name) = &self.server_name {
            config = config.domain_name(name.clone());
        }
        if let Some((certificate, key)) = &self.client_certificate {
            config = config.identity(Identity::from_pem(certificate, key));
        }
        if self.danger_disable_host_verification {
            // Roots would be unused: tonic refuses them next to a verifier of our own.
            return endpoint.tls_config_with_verifier(
                config,
                std::sync::Arc::new(any_certificate::AnyServerCertificate::new()),
            );
        }
        config = match &self.ca_certificate {
            Some(pem) => config.ca_certificate(Certificate::from_pem(pem)),
            None => config.with_native_roots(),
        };
        endpoint.tls_config(config)
    }
}

/// The ALPN protocol of gRPC: HTTP/2.
#[cfg(all(feature = "tls", feature = "http2-direct"))]
pub(crate) const ALPN_H2: &[u8] = b"h2";

/// [`TlsOptions`]' PEM, parsed: checked for every connection, used by the direct transport's
/// handshake (tonic's `Channel` parses the PEM again itself).
#[cfg(feature = "tls")]
#[cfg_attr(not(feature = "http2-direct"), allow(dead_code))]
struct ParsedPem {
    ca_certificates: Option<Vec<rustls_pki_types::CertificateDer<'static>>>,
    client: Option<(
        Vec<rustls_pki_types::CertificateDer<'static>>,
        rustls_pki_types::PrivateKeyDer<'static>,
    )>,
}

/// The certificates of `pem`, the `what` of the options: at least one.
#[cfg(feature = "tls")]
fn certificates(
    what: &str,
    pem: &[u8],
) -> Result<Vec<rustls_pki_types::CertificateDer<'static>>, String> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject as _;

    let certificates = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("the {what} is not valid PEM: {e}"))?;
    if certificates.is_empty() {
        return Err(format!(
            "the {what} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        ));
    }
    Ok(certificates)
}

impl fmt::Debug for TlsOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Certificates are public, but a private key must never reach a log.
        f.debug_struct("TlsOptions")
            .field(
                "ca_certificate_bytes",
                &self.ca_certificate.as_ref().map(Vec::len),
            )
            .field("server_name", &self.server_name)
            .field(
                "client_certificate",
                &self.client_certificate.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "danger_disable_host_verification",
                &self.danger_disable_host_verification,
            )
            .finish()
    }
}

/// The verifier of [`TlsOptions::danger_disable_host_verification`].
#[cfg(feature = "tls")]
mod any_certificate {
    use rustls::DigitallySignedStruct;
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

    /// Accepts any certificate, but checks that the server signed the handshake with the
    /// certificate's key: without that check, the server would not even prove it holds the
    /// certificate it shows.
    #[derive(Debug)]
    pub(super) struct AnyServerCertificate {
        algorithms: WebPkiSupportedAlgorithms,
    }

    impl AnyServerCertificate {
        pub(super) fn new() -> Self {
            // The provider tonic makes the handshake with: the process default, else ring.
            let algorithms = CryptoProvider::get_default().map_or_else(
                || rustls::crypto::ring::default_provider().signature_verification_algorithms,
                |provider| provider.signature_verification_algorithms,
            );
            Self { algorithms }
        }
    }

    impl ServerCertVerifier for AnyServerCertificate {
        fn verify_server_cert(
            &self,
            _end_entity: &CertificateDer<'_>,
            _intermediates: &[CertificateDer<'_>],
            _server_name: &ServerName<'_>,
            _ocsp_response: &[u8],
            _now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            Ok(ServerCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            certificate: &CertificateDer<'_>,
            signature: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(
                message,
                certificate,
                signature,
                &self.algorithms,
            )
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            certificate: &CertificateDer<'_>,
            signature: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(
                message,
                certificate,
                signature,
                &self.algorithms,
            )
        }

        fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
            self.algorithms.supported_schemes()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_key_material() {
        let options = TlsOptions::new()
            .ca_certificate(b"-----BEGIN CERTIFICATE-----".to_vec())
            .client_certificate(b"CERT".to_vec(), b"SECRET-KEY".to_vec());
        let debug = format!("{options:?}");
        assert!(!debug.contains("SECRET-KEY"), "{debug}");
        assert!(!debug.contains("CERT\""), "{debug}");
        assert!(debug.contains("<redacted>"), "{debug}");
        assert!(
            debug.contains("danger_disable_host_verification: false"),
            "{debug}"
        );
        let debug = format!("{:?}", options.danger_disable_host_verification());
        assert!(
            debug.contains("danger_disable_host_verification: true"),
            "{debug}"
        );
        assert!(!debug.contains("SECRET-KEY"), "{debug}");
    }

    #[cfg(feature = "tls")]
    #[test]
    fn pem_that_holds_no_certificate_or_key_is_refused_by_name() {
        let certs = temporal_testing::TestCertificates::generate().expect("certificates");
        let valid = TlsOptions::new()
            .ca_certificate(certs.ca_pem.clone())
            .client_certificate(certs.client_cert_pem.clone(), certs.client_key_pem.clone());
        assert_eq!(valid.check_pem(), Ok(()));

        let refusal = |options: TlsOptions| options.check_pem().expect_err("refused");
        assert_eq!(
            refusal(TlsOptions::new().ca_certificate(b"not a certificate".to_vec())),
            "the CA certificate holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        );
        let unterminated = b"-----BEGIN CERTIFICATE-----\nMIIB".to_vec();
        let reason = refusal(TlsOptions::new().ca_certificate(unterminated.clone()));
        assert!(
            reason.starts_with("the CA certificate is not valid PEM: "),
            "{reason}"
        );
        let reason = refusal(
            TlsOptions::new().client_certificate(unterminated, certs.client_key_pem.clone()),
        );
        assert!(
            reason.starts_with("the client certificate is not valid PEM"),
            "{reason}"
        );
        assert_eq!(
            refusal(TlsOptions::new().client_certificate(certs.client_cert_pem, "SECRET-KEY")),
            "the client private key is not a PEM private key"
        );
    }
}
