//! Secrets never leave the process in clear: `Debug` and `Display` of every type that holds
//! one redact it, and a credential header follows the API key's rule on plaintext.

use temporal_client::{
    CallOptions, Client, ConnectError, Connection, ConnectionOptions, Error, HttpConnectProxy,
    TlsOptions,
};
use temporal_testing::TestCertificates;

use crate::fake_server::connection_options;

const API_KEY: &str = "sk-live-0123456789abcdef";
const BEARER: &str = "Bearer tok-9f8e7d6c5b4a";
const PASSWORD: &str = "hunter2-p4ss";

/// A line of the base64 body of the test client's private key.
fn private_key_line() -> String {
    let key = &certificates().client_key_pem;
    key.lines()
        .find(|line| !line.starts_with("-----") && line.len() > 20)
        .expect("a PEM body")
        .to_owned()
}

fn certificates() -> &'static TestCertificates {
    static CERTIFICATES: std::sync::OnceLock<TestCertificates> = std::sync::OnceLock::new();
    CERTIFICATES.get_or_init(|| TestCertificates::generate().expect("certificates"))
}

/// Asserts that none of the secrets appears in `text`.
#[track_caller]
fn assert_no_secret(what: &str, text: &str) {
    for secret in [
        API_KEY,
        BEARER,
        "tok-9f8e7d6c5b4a",
        PASSWORD,
        &private_key_line(),
    ] {
        assert!(!text.contains(secret), "{what} shows a secret: {text}");
    }
}

/// Over the transport of this run of the suite (`connection_options`): the direct one keeps
/// TLS settings of its own.
fn options_with_every_secret() -> ConnectionOptions {
    let certificates = certificates();
    connection_options(format!("https://admin:{PASSWORD}@localhost:7233"))
        .api_key(API_KEY)
        .header("authorization", BEARER)
        .header("x-tenant-token", "tok-9f8e7d6c5b4a")
        .tls(TlsOptions::new().client_certificate(
            certificates.client_cert_pem.clone(),
            certificates.client_key_pem.clone(),
        ))
        .http_connect_proxy(
            HttpConnectProxy::new(format!("http://proxy-user:{PASSWORD}@proxy.invalid:3128"))
                .basic_auth("svc", PASSWORD),
        )
}

#[test]
fn connection_options_redact_the_api_key_headers_and_password() {
    let options = options_with_every_secret();
    let debug = format!("{options:?}");
    assert_no_secret("ConnectionOptions", &debug);
    // Still useful: what is set shows, only its value does not.
    assert!(debug.contains("authorization"), "{debug}");
    assert!(debug.contains("localhost:7233"), "{debug}");
    assert!(debug.contains("<redacted>"), "{debug}");
}

#[tokio::test]
async fn connections_and_clients_redact_their_headers_and_password() {
    let connection = Connection::connect_lazy(options_with_every_secret()).expect("valid");
    assert_no_secret("Connection", &format!("{connection:?}"));
    let client = Client::new(connection.clone())
        .with_call_options(CallOptions::default().header("authorization", BEARER))
        .expect("allowed over TLS");
    assert_no_secret("Client", &format!("{client:?}"));
    assert_no_secret(
        "WorkflowService",
        &format!("{:?}", connection.raw_workflow_service()),
    );
    let call_options = CallOptions::default().header("authorization", BEARER);
    assert_no_secret("CallOptions", &format!("{call_options:?}"));
}

#[test]
fn a_proxy_password_stays_out_of_debug_and_of_errors_about_the_proxy_address() {
    let proxy = HttpConnectProxy::new(format!("http://proxy-user:{PASSWORD}@p:3128"))
        .basic_auth("svc", PASSWORD);
    assert_no_secret("HttpConnectProxy", &format!("{proxy:?}"));
    for malformed in [
        format!("https://proxy-user:{PASSWORD}@p:3128"),
        format!("proxy-user:{PASSWORD}@p:port"),
    ] {
        let err = Connection::connect_lazy(
            ConnectionOptions::new("h:1").http_connect_proxy(HttpConnectProxy::new(malformed)),
        )
        .expect_err("not a proxy address");
        assert!(
            matches!(
                err,
                ConnectError::InvalidOption {
                    option: "http_connect_proxy",
                    ..
                }
            ),
            "{err:?}"
        );
        assert_no_secret("ConnectError (proxy)", &format!("{err} {err:?}"));
    }
}

#[tokio::test]
async fn connect_errors_do_not_repeat_the_password() {
    // Nothing listens on port 1: the connection is refused, and the error names the address.
    let options = ConnectionOptions::new(format!("http://admin:{PASSWORD}@127.0.0.1:1"));
    let err = Connection::connect(options).await.expect_err("refused");
    assert!(matches!(err, ConnectError::Transport { .. }), "{err:?}");
    assert_no_secret("ConnectError (Display)", &err.to_string());
    assert_no_secret("ConnectError (Debug)", &format!("{err:?}"));
    assert!(err.to_string().contains("127.0.0.1:1"), "{err}");

    let malformed = ConnectionOptions::new(format!("admin:{PASSWORD}@host:port"));
    let err = Connection::connect_lazy(malformed).expect_err("not a port");
    assert_no_secret("ConnectError::InvalidOption", &err.to_string());
}

#[tokio::test]
async fn an_authorization_header_is_refused_on_plaintext_like_an_api_key() {
    let err = Connection::connect_lazy(
        ConnectionOptions::new("localhost:7233").header("Authorization", BEARER),
    )
    .expect_err("refused");
    assert!(
        matches!(
            err,
            ConnectError::InvalidOption {
                option: "header",
                ..
            }
        ),
        "{err:?}"
    );
    assert_no_secret("the refusal", &err.to_string());
    Connection::connect_lazy(
        ConnectionOptions::new("localhost:7233")
            .header("authorization", BEARER)
            .allow_api_key_over_plaintext(),
    )
    .expect("explicitly allowed");
}

#[tokio::test]
async fn an_authorization_call_header_is_refused_on_plaintext_like_an_api_key() {
    let plaintext = Client::new(
        Connection::connect_lazy(ConnectionOptions::new("localhost:7233")).expect("valid"),
    );
    let err = plaintext
        .with_call_options(CallOptions::default().header("authorization", BEARER))
        .expect_err("refused");
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                field: "header",
                ..
            }
        ),
        "{err:?}"
    );
    assert_no_secret("the refusal", &err.to_string());
    let allowed = Client::new(
        Connection::connect_lazy(
            ConnectionOptions::new("localhost:7233").allow_api_key_over_plaintext(),
        )
        .expect("valid"),
    );
    allowed
        .with_call_options(CallOptions::default().header("authorization", BEARER))
        .expect("explicitly allowed");
}
