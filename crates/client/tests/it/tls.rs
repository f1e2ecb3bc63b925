//! TLS and mTLS against a real handshake: a TLS-terminating `FaultProxy` with a private CA in
//! front of a dev server.

use temporal_client::{ConnectError, Connection, ConnectionOptions, TlsOptions};
use temporal_testing::{DevServer, FaultProxy, TestCertificates};

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
    fn options(&self, host: &str) -> ConnectionOptions {
        ConnectionOptions::new(format!("{host}:{}", self.proxy.address().port()))
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
    let connection = Connection::connect(setup.options("localhost").tls(setup.trusting()))
        .await
        .expect("the CA is trusted and the name matches");
    assert!(connection.raw_system_info().is_some());

    refused(
        Connection::connect(
            setup
                .options("localhost")
                .tls(setup.trusting().server_name("wrong.example")),
        )
        .await,
    );
    // The system's roots do not include the private CA.
    refused(Connection::connect(setup.options("localhost").tls(TlsOptions::new())).await);
    // Plaintext against a TLS port does not speak HTTP/2.
    refused(Connection::connect(setup.options("localhost")).await);
}

#[tokio::test]
async fn a_server_name_override_lets_another_address_match_the_certificate() {
    let setup = setup(false).await;
    // The certificate names `localhost`, not the address dialled.
    refused(Connection::connect(setup.options("127.0.0.1").tls(setup.trusting())).await);
    Connection::connect(
        setup
            .options("127.0.0.1")
            .tls(setup.trusting().server_name("localhost")),
    )
    .await
    .expect("the overridden name matches");
}

#[tokio::test]
async fn mtls_lets_in_only_clients_with_a_certificate_of_its_ca() {
    let setup = setup(true).await;
    refused(Connection::connect(setup.options("localhost").tls(setup.trusting())).await);
    let stranger = TestCertificates::generate().expect("another CA's certificates");
    refused(
        Connection::connect(
            setup.options("localhost").tls(
                setup
                    .trusting()
                    .client_certificate(stranger.client_cert_pem, stranger.client_key_pem),
            ),
        )
        .await,
    );
    // The proxy counts a refusal just after sending it: allow it a moment.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while setup.proxy.stats().handshakes_failed < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(
        setup.proxy.stats().handshakes_failed,
        2,
        "both were refused by the TLS handshake"
    );
    let connection = Connection::connect(setup.options("localhost").tls(
        setup.trusting().client_certificate(
            setup.certificates.client_cert_pem.clone(),
            setup.certificates.client_key_pem.clone(),
        ),
    ))
    .await
    .expect("the client certificate is accepted");
    assert!(connection.raw_system_info().is_some());
}

#[tokio::test]
async fn an_api_key_travels_over_tls() {
    let setup = setup(false).await;
    // The dev server ignores the key, but the connection must carry it over TLS and work.
    let connection = Connection::connect(
        setup
            .options("localhost")
            .api_key("secret-key")
            .tls(setup.trusting()),
    )
    .await
    .expect("connects with TLS and a key");
    connection
        .set_api_key(Some("rotated-key"))
        .expect("a valid key");
    let client = temporal_client::Client::new(connection);
    let err = client
        .get_handle::<temporal_client::Untyped>("missing")
        .describe()
        .await
        .expect_err("no such workflow");
    assert!(err.is_not_found(), "{err:?}");
}
