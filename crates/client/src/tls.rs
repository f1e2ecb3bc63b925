//! TLS and mTLS settings of a [`Connection`](crate::Connection).

use std::fmt;

/// TLS settings: which certificate authorities to trust, the server name to expect, and an
/// optional client certificate for mTLS.
///
/// `Debug` shows only sizes, never key material.
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

    /// Checks that the certificates and key are PEM that holds what they should: tonic skips
    /// a CA file without certificates (leaving no root to trust) and reports bad client PEM
    /// only as "transport error".
    #[cfg(feature = "tls")]
    pub(crate) fn check_pem(&self) -> Result<(), String> {
        use rustls_pki_types::pem::PemObject as _;
        use rustls_pki_types::{CertificateDer, PrivateKeyDer};

        let certificates = |what: &str, pem: &[u8]| {
            let mut count = 0;
            for certificate in CertificateDer::pem_slice_iter(pem) {
                certificate.map_err(|e| format!("the {what} is not valid PEM: {e}"))?;
                count += 1;
            }
            match count {
                0 => Err(format!(
                    "the {what} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
                )),
                _ => Ok(()),
            }
        };
        if let Some(pem) = &self.ca_certificate {
            certificates("CA certificate", pem)?;
        }
        if let Some((certificate, key)) = &self.client_certificate {
            certificates("client certificate", certificate)?;
            // The parser's error is left out: it could quote a line of the key.
            PrivateKeyDer::from_pem_slice(key)
                .map_err(|_| "the client private key is not a PEM private key".to_owned())?;
        }
        Ok(())
    }

    #[cfg(feature = "tls")]
    pub(crate) fn to_tonic(&self) -> tonic::transport::ClientTlsConfig {
        use tonic::transport::{Certificate, ClientTlsConfig, Identity};
        let mut config = ClientTlsConfig::new();
        config = match &self.ca_certificate {
            Some(pem) => config.ca_certificate(Certificate::from_pem(pem)),
            None => config.with_native_roots(),
        };
        if let Some(name) = &self.server_name {
            config = config.domain_name(name.clone());
        }
        if let Some((certificate, key)) = &self.client_certificate {
            config = config.identity(Identity::from_pem(certificate, key));
        }
        config
    }
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
            .finish()
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
