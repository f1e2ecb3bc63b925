//! TLS and mTLS against a real handshake: a TLS-terminating `FaultProxy` with a private CA in
//! front of a dev server; and an impostor that shows a certificate whose key it does not hold.
//! Each test runs over both HTTP/2 transports ([`TRANSPORTS`]): tonic's `Channel` and the
//! direct transport make their handshakes with different code, to the same effect.

use std::error::Error as StdError;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use temporal_client::{
    Client, ClientConfigProfile, ConnectError, Connection, ConnectionOptions, Http2Transport,
    LoadOptions, StartOptions, TlsOptions,
};
use temporal_testing::{DevServer, FaultProxy, TestCertificates};
use tokio_rustls::rustls;

/// The HTTP/2 transports every test runs over: the direct one when the build has it.
const TRANSPORTS: &[Http2Transport] = if cfg!(feature = "http2-direct") {
    &[Http2Transport::Channel, Http2Transport::Direct]
} else {
    &[Http2Transport::Channel]
};

struct Setup {
    _server: DevServer,
    proxy: FaultProxy,
    certificates: TestCertificates,
}

async fn setup(require_client_cert: bool) -> Setup {
    let server = DevServer::start().await.expect("a dev server");
    let certificates = TestCertificates::generate().expect("certificates");
    let mut proxy = FaultProxy::builder(server.address()).tls(&certificates);
    if require_client_cert {
        proxy = proxy.require_client_certificate();
    }
    let proxy = proxy.start().await.expect("a TLS proxy");
    Setup {
        _server: server,
        proxy,
        certificates,
    }
}

impl Setup {
    fn options(&self, host: &str, transport: Http2Transport) -> ConnectionOptions {
        ConnectionOptions::new(format!("{host}:{}", self.proxy.address().port()))
            .http2_transport(transport)
    }

    /// Waits until the proxy has refused `count` handshakes in all (it counts a refusal just
    /// after sending it), or 2 s.
    async fn handshakes_failed(&self, count: u64) -> u64 {
        let deadline = std::time::Instant::now() + Duration::from_secs(2);
        while self.proxy.stats().handshakes_failed < count && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.proxy.stats().handshakes_failed
    }

    fn trusting(&self) -> TlsOptions {
        TlsOptions::new().ca_certificate(self.certificates.ca_pem.clone())
    }
}

fn refused(result: Result<Connection, ConnectError>) -> ConnectError {
    match result {
        Err(err @ (ConnectError::Transport { .. } | ConnectError::Handshake { .. })) => err,
        Err(other) => panic!("expected a refused connection, got {other:?}"),
        Ok(_) => panic!("expected a refused connection, but it connected"),
    }
}

#[tokio::test]
async fn tls_with_a_private_ca_connects_and_checks_the_server_name() {
    let setup = setup(false).await;
    for &transport in TRANSPORTS {
        let options = |host| setup.options(host, transport);
        let connection = Connection::connect(options("localhost").tls(setup.trusting()))
            .await
            .unwrap_or_else(|e| {
                panic!("{transport:?}: the CA is trusted and the name matches: {e:?}")
            });
        assert!(connection.raw_system_info().is_some());

        let err = refused(
            Connection::connect(
                options("localhost").tls(setup.trusting().server_name("wrong.example")),
            )
            .await,
        );
        assert!(
            chain(&err).contains("invalid peer certificate"),
            "{transport:?}: {}",
            chain(&err)
        );
        // The system's roots do not include the private CA.
        let err = refused(Connection::connect(options("localhost").tls(TlsOptions::new())).await);
        assert!(
            chain(&err).contains("UnknownIssuer"),
            "{transport:?}: {}",
            chain(&err)
        );
        // Plaintext against a TLS port does not speak HTTP/2.
        refused(Connection::connect(options("localhost")).await);
    }
}

#[tokio::test]
async fn a_server_name_override_lets_another_address_match_the_certificate() {
    let setup = setup(false).await;
    for &transport in TRANSPORTS {
        // The certificate names `localhost`, not the address dialled.
        refused(
            Connection::connect(setup.options("127.0.0.1", transport).tls(setup.trusting())).await,
        );
        Connection::connect(
            setup
                .options("127.0.0.1", transport)
                .tls(setup.trusting().server_name("localhost")),
        )
        .await
        .unwrap_or_else(|e| panic!("{transport:?}: the overridden name matches: {e:?}"));
    }
}

#[tokio::test]
async fn mtls_lets_in_only_clients_with_a_certificate_of_its_ca() {
    let setup = setup(true).await;
    let stranger = TestCertificates::generate().expect("another CA's certificates");
    for &transport in TRANSPORTS {
        let options = || setup.options("localhost", transport);
        let failed_before = setup.proxy.stats().handshakes_failed;
        refused(Connection::connect(options().tls(setup.trusting())).await);
        refused(
            Connection::connect(options().tls(setup.trusting().client_certificate(
                stranger.client_cert_pem.clone(),
                stranger.client_key_pem.clone(),
            )))
            .await,
        );
        assert_eq!(
            setup.handshakes_failed(failed_before + 2).await,
            failed_before + 2,
            "{transport:?}: both were refused by the TLS handshake"
        );
        let connection = Connection::connect(options().tls(setup.trusting().client_certificate(
            setup.certificates.client_cert_pem.clone(),
            setup.certificates.client_key_pem.clone(),
        )))
        .await
        .unwrap_or_else(|e| panic!("{transport:?}: the client certificate is accepted: {e:?}"));
        start_and_describe(connection).await;
    }
}

#[tokio::test]
async fn an_api_key_travels_over_tls() {
    let setup = setup(false).await;
    for &transport in TRANSPORTS {
        // The dev server ignores the key, but the connection must carry it over TLS and work.
        let connection = Connection::connect(
            setup
                .options("localhost", transport)
                .api_key("secret-key")
                .tls(setup.trusting()),
        )
        .await
        .unwrap_or_else(|e| panic!("{transport:?}: connects with TLS and a key: {e:?}"));
        connection
            .set_api_key(Some("rotated-key"))
            .expect("a valid key");
        let client = temporal_client::Client::new(connection);
        let err = client
            .get_handle::<temporal_client::Untyped>("missing")
            .describe()
            .await
            .expect_err("no such workflow");
        assert!(err.is_not_found(), "{transport:?}: {err:?}");

        // A key alone turns TLS on, with the system's roots: the private CA is not among them.
        let err = refused(
            Connection::connect(setup.options("localhost", transport).api_key("secret-key")).await,
        );
        assert!(
            chain(&err).contains("UnknownIssuer"),
            "{transport:?}: {}",
            chain(&err)
        );
    }
}

/// The error and its sources, as one line.
fn chain(error: &(dyn StdError + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(error) = source {
        text.push_str(": ");
        text.push_str(&error.to_string());
        source = error.source();
    }
    text
}

/// Starts a workflow (no worker needed: it stays scheduled) and reads it back.
async fn start_and_describe(connection: Connection) {
    let client = Client::new(connection);
    let options = StartOptions::new(
        format!("tls-{}", uuid::Uuid::new_v4()),
        format!("tls-{}", uuid::Uuid::new_v4()),
    );
    let handle = client
        .start("tls-check", ("over TLS",), options)
        .await
        .expect("started");
    handle.describe().await.expect("described");
}

#[tokio::test]
async fn disabling_host_verification_accepts_a_certificate_the_client_does_not_trust() {
    let setup = setup(false).await;
    for &transport in TRANSPORTS {
        disabling_host_verification_accepts_any_certificate(&setup, transport).await;
    }
}

async fn disabling_host_verification_accepts_any_certificate(
    setup: &Setup,
    transport: Http2Transport,
) {
    // At 127.0.0.1 nothing fits: the private CA is not among the system's roots, and the
    // certificate names `localhost`.
    let err = refused(
        Connection::connect(setup.options("127.0.0.1", transport).tls(TlsOptions::new())).await,
    );
    assert!(
        chain(&err).contains("invalid peer certificate"),
        "{transport:?}: {}",
        chain(&err)
    );

    let connection = Connection::connect(
        setup
            .options("127.0.0.1", transport)
            .tls(TlsOptions::new().danger_disable_host_verification()),
    )
    .await
    .unwrap_or_else(|e| panic!("{transport:?}: any certificate is accepted: {e:?}"));
    start_and_describe(connection).await;

    // The same from a profile: the file's key, and the variable.
    let address = format!("127.0.0.1:{}", setup.proxy.address().port());
    let from_file = |skip: bool| {
        let toml = format!(
            "[profile.default]\naddress = \"{address}\"\n\
             [profile.default.tls]\ndisable_host_verification = {skip}"
        );
        ClientConfigProfile::load(&LoadOptions::new().config_toml(toml).disable_env())
            .and_then(|profile| profile.connection_options())
            .expect("valid options")
            .http2_transport(transport)
    };
    let err = refused(Connection::connect(from_file(false)).await);
    assert!(
        chain(&err).contains("invalid peer certificate"),
        "{transport:?}: {}",
        chain(&err)
    );
    start_and_describe(
        Connection::connect(from_file(true))
            .await
            .unwrap_or_else(|e| {
                panic!("{transport:?}: the profile disables host verification: {e:?}")
            }),
    )
    .await;
    let from_env = ClientConfigProfile::load(&LoadOptions::new().disable_file().env_vars([
        ("TEMPORAL_ADDRESS", address.as_str()),
        ("TEMPORAL_TLS_DISABLE_HOST_VERIFICATION", "true"),
    ]))
    .and_then(|profile| profile.connection_options())
    .expect("valid options")
    .http2_transport(transport);
    start_and_describe(Connection::connect(from_env).await.unwrap_or_else(|e| {
        panic!("{transport:?}: the variable disables host verification: {e:?}")
    }))
    .await;
}

#[tokio::test]
async fn with_host_verification_disabled_the_client_certificate_is_still_presented() {
    let setup = setup(true).await;
    let skip = || TlsOptions::new().danger_disable_host_verification();
    for &transport in TRANSPORTS {
        let failed_before = setup.proxy.stats().handshakes_failed;
        refused(Connection::connect(setup.options("127.0.0.1", transport).tls(skip())).await);
        assert_eq!(
            setup.handshakes_failed(failed_before + 1).await,
            failed_before + 1,
            "{transport:?}: the server refused the handshake without a client certificate"
        );
        let connection = Connection::connect(setup.options("127.0.0.1", transport).tls(
            skip().client_certificate(
                setup.certificates.client_cert_pem.clone(),
                setup.certificates.client_key_pem.clone(),
            ),
        ))
        .await
        .unwrap_or_else(|e| {
            panic!("{transport:?}: the client certificate is presented and accepted: {e:?}")
        });
        start_and_describe(connection).await;
    }
}

/// A TLS server (ALPN `h2`, only TLS `version`) that shows `certificate_pem` and signs its
/// handshakes with `key_pem`, then hangs up. With a key that is not the certificate's, it is
/// an impostor.
async fn tls_server(
    version: &'static rustls::SupportedProtocolVersion,
    certificate_pem: &str,
    key_pem: &str,
) -> SocketAddr {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};

    #[derive(Debug)]
    struct Always(Arc<rustls::sign::CertifiedKey>);
    impl rustls::server::ResolvesServerCert for Always {
        fn resolve(
            &self,
            _: rustls::server::ClientHello<'_>,
        ) -> Option<Arc<rustls::sign::CertifiedKey>> {
            Some(Arc::clone(&self.0))
        }
    }

    let certificate = CertificateDer::from_pem_slice(certificate_pem.as_bytes()).expect("PEM");
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).expect("PEM");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let signer = provider
        .key_provider
        .load_private_key(key)
        .expect("a usable key");
    // `CertifiedKey::new` does not check that the key is the certificate's: what an impostor
    // needs.
    let shown = rustls::sign::CertifiedKey::new(vec![certificate], signer);
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[version])
        .expect("TLS versions")
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(Always(Arc::new(shown))));
    config.alpn_protocols = vec![b"h2".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            // The handshake's outcome is the client's to report; then the server hangs up.
            let _ = acceptor.accept(stream).await;
        }
    });
    address
}

#[tokio::test]
async fn with_host_verification_disabled_the_server_must_still_hold_its_certificates_key() {
    let certificates = TestCertificates::generate().expect("certificates");
    for &transport in TRANSPORTS {
        let connect = |address: SocketAddr| {
            Connection::connect(
                ConnectionOptions::new(format!("localhost:{}", address.port()))
                    .tls(TlsOptions::new().danger_disable_host_verification())
                    .connect_timeout(Duration::from_secs(5))
                    .no_proxy()
                    .http2_transport(transport),
            )
        };
        for version in [&rustls::version::TLS13, &rustls::version::TLS12] {
            // The server's certificate, signed with another key (the client's).
            let impostor = tls_server(
                version,
                &certificates.server_cert_pem,
                &certificates.client_key_pem,
            )
            .await;
            let err = refused(connect(impostor).await);
            assert!(
                chain(&err).contains("BadSignature"),
                "{transport:?} {version:?}: {}",
                chain(&err)
            );
            // The control: with its own key, the same server gets through the handshake, and
            // fails only for hanging up.
            let genuine = tls_server(
                version,
                &certificates.server_cert_pem,
                &certificates.server_key_pem,
            )
            .await;
            let err = match connect(genuine).await {
                Err(err) => err,
                Ok(_) => panic!("{transport:?}: the server hangs up after the handshake"),
            };
            let text = chain(&err);
            assert!(
                !text.contains("certificate") && !text.contains("Signature"),
                "{transport:?} {version:?}: {text}"
            );
        }
    }
}

#[tokio::test]
async fn with_host_verification_disabled_a_silent_server_still_ends_at_the_connect_timeout() {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("a loopback port");
    let port = listener.local_addr().expect("an address").port();
    // Accepts, and never answers the ClientHello.
    let _silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let timeout = Duration::from_secs(1);
    for &transport in TRANSPORTS {
        let started = std::time::Instant::now();
        let outcome = Connection::connect(
            ConnectionOptions::new(format!("localhost:{port}"))
                .tls(TlsOptions::new().danger_disable_host_verification())
                .connect_timeout(timeout)
                .no_proxy()
                .http2_transport(transport),
        )
        .await;
        let elapsed = started.elapsed();
        match outcome {
            Err(ConnectError::TimedOut { .. }) => {}
            Err(other) => panic!("{transport:?}: expected a timeout, got {other:?}"),
            Ok(_) => panic!("{transport:?}: expected a timeout, but it connected"),
        }
        assert!(
            elapsed < timeout + Duration::from_millis(1500),
            "{transport:?}: {elapsed:?}"
        );
    }
}

#[tokio::test]
async fn the_authority_never_changes_the_tls_server_name() {
    let setup = setup(false).await;
    for &transport in TRANSPORTS {
        // The certificate is checked against the address's host, not the authority.
        let connection = Connection::connect(
            setup
                .options("localhost", transport)
                .tls(setup.trusting())
                .authority("elsewhere.example"),
        )
        .await
        .unwrap_or_else(|e| {
            panic!("{transport:?}: the certificate names the address's host: {e:?}")
        });
        start_and_describe(connection).await;
        refused(
            Connection::connect(
                setup
                    .options("127.0.0.1", transport)
                    .tls(setup.trusting())
                    .authority("localhost"),
            )
            .await,
        );
    }
}

/// A TLS server that completes the handshake without ALPN (it ignores the client's `h2`), as a
/// TLS-terminating HTTP/1.1 proxy may, then hangs up.
async fn tls_server_without_alpn(certificates: &TestCertificates) -> SocketAddr {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};

    let certificate =
        CertificateDer::from_pem_slice(certificates.server_cert_pem.as_bytes()).expect("PEM");
    let key = PrivateKeyDer::from_pem_slice(certificates.server_key_pem.as_bytes()).expect("PEM");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_no_client_auth()
    .with_single_cert(vec![certificate], key)
    .expect("a certificate and its key");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = acceptor.accept(stream).await;
        }
    });
    address
}

#[tokio::test]
async fn a_tls_server_that_does_not_agree_to_http2_is_refused_naming_alpn() {
    let certificates = TestCertificates::generate().expect("certificates");
    let server = tls_server_without_alpn(&certificates).await;
    let options = || {
        ConnectionOptions::new(format!("localhost:{}", server.port()))
            .tls(TlsOptions::new().ca_certificate(certificates.ca_pem.clone()))
            .connect_timeout(Duration::from_secs(5))
            .no_proxy()
    };
    for &transport in TRANSPORTS {
        refused(Connection::connect(options().http2_transport(transport)).await);
    }
    if cfg!(not(feature = "http2-direct")) {
        return;
    }
    // The direct transport says why: the handshake agreed to no HTTP/2.
    let err = refused(Connection::connect(options().http2_transport(Http2Transport::Direct)).await);
    assert!(
        chain(&err).contains("did not agree to HTTP/2") && chain(&err).contains("ALPN absent"),
        "{}",
        chain(&err)
    );
}
