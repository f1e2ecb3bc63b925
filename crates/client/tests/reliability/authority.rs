//! `ConnectionOptions::authority` (a profile's `authority`): the `:authority` every call
//! carries, as the fake server receives it, over each transport: tonic's, the custom resolver,
//! the HTTP CONNECT proxy, the balanced channel and the direct HTTP/2 transport.

use std::time::Duration;

use temporal_client::{
    Client, ClientConfigProfile, Connection, ConnectionOptions, Http2Transport, HttpConnectProxy,
    LoadOptions, Untyped,
};
use temporal_testing::ConnectProxy;

use crate::fake_server::FakeServer;

/// The HTTP/2 transports a test runs over: the direct one when the build has it.
const TRANSPORTS: &[Http2Transport] = if cfg!(feature = "http2-direct") {
    &[Http2Transport::Channel, Http2Transport::Direct]
} else {
    &[Http2Transport::Channel]
};

/// Twice `authority`: the handshake's and the describe's.
fn both(authority: &str) -> Vec<Option<String>> {
    vec![Some(authority.to_owned()); 2]
}

/// The `:authority` of every call the fake received for `method`.
fn authorities(server: &FakeServer, method: &str) -> Vec<Option<String>> {
    server
        .calls(method)
        .into_iter()
        .map(|call| call.authority)
        .collect()
}

/// Connects, makes one more call (`DescribeWorkflowExecution`), and returns the `:authority`
/// of both.
async fn authorities_of(server: &FakeServer, options: ConnectionOptions) -> Vec<Option<String>> {
    let connection = Connection::connect(options).await.expect("connects");
    // The fake's empty answer is no valid description: only the call's header matters here.
    let _ = Client::new(connection)
        .get_handle::<Untyped>("wf")
        .describe()
        .await;
    let mut seen = authorities(server, "GetSystemInfo");
    seen.extend(authorities(server, "DescribeWorkflowExecution"));
    assert_eq!(seen.len(), 2, "the handshake and the describe: {seen:?}");
    seen
}

#[tokio::test]
async fn calls_carry_the_address_by_default_and_the_configured_authority_when_set() {
    let default = FakeServer::start().await;
    let address = default.address.to_string();
    assert_eq!(
        authorities_of(&default, default.options()).await,
        both(&address)
    );

    let configured = FakeServer::start().await;
    let options = configured.options().authority("temporal.internal:443");
    assert_eq!(
        authorities_of(&configured, options).await,
        both("temporal.internal:443")
    );
}

#[tokio::test]
async fn an_address_user_and_password_are_never_sent_as_the_authority() {
    for &transport in TRANSPORTS {
        let server = FakeServer::start().await;
        let options = ConnectionOptions::new(format!("http://admin:hunter2@{}", server.address))
            .no_proxy()
            .http2_transport(transport);
        assert_eq!(
            authorities_of(&server, options).await,
            both(&server.address.to_string()),
            "{transport:?}"
        );
    }
}

#[cfg(feature = "http2-direct")]
#[tokio::test]
async fn the_direct_transport_sends_the_configured_authority_and_dials_the_address() {
    let default = FakeServer::start().await;
    let address = default.address.to_string();
    let options = default.options().http2_transport(Http2Transport::Direct);
    assert_eq!(authorities_of(&default, options).await, both(&address));

    let configured = FakeServer::start().await;
    let options = configured
        .options()
        .http2_transport(Http2Transport::Direct)
        .authority("temporal.internal:443");
    assert_eq!(
        authorities_of(&configured, options).await,
        both("temporal.internal:443")
    );
}

#[tokio::test]
async fn the_authority_holds_through_the_resolver_the_proxy_and_the_balanced_channel() {
    let expected = both("frontend.internal");

    // A custom resolver (tonic's connector is replaced by the crate's own).
    let resolved = FakeServer::start().await;
    let options = ConnectionOptions::new("frontend.test:7233")
        .resolve_to_addrs("frontend.test", &[resolved.address])
        .no_proxy()
        .authority("frontend.internal");
    assert_eq!(authorities_of(&resolved, options).await, expected);

    // An HTTP CONNECT proxy: the tunnel goes to the address, the calls name the authority.
    let proxied = FakeServer::start().await;
    let proxy = ConnectProxy::start().await.expect("a proxy");
    let options = proxied
        .options()
        .http_connect_proxy(HttpConnectProxy::new(proxy.address().to_string()))
        .authority("frontend.internal");
    assert_eq!(authorities_of(&proxied, options).await, expected);
    let targets: Vec<String> = proxy.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, [proxied.address.to_string()]);

    // One channel per resolved address, each with the configured authority.
    let balanced = FakeServer::start().await;
    let options = ConnectionOptions::new("frontend.test:7233")
        .resolve_to_addrs("frontend.test", &[balanced.address])
        .dns_load_balancing(Duration::from_secs(60))
        .no_proxy()
        .authority("frontend.internal");
    assert_eq!(authorities_of(&balanced, options).await, expected);
    // Without one, the balanced channel names the name it resolved, not the address.
    let named = FakeServer::start().await;
    let options = ConnectionOptions::new("frontend.test:7233")
        .resolve_to_addrs("frontend.test", &[named.address])
        .dns_load_balancing(Duration::from_secs(60))
        .no_proxy();
    assert_eq!(
        authorities_of(&named, options).await,
        both("frontend.test:7233")
    );
}

#[tokio::test]
async fn a_profile_authority_from_the_file_or_the_environment_reaches_the_server() {
    let server = FakeServer::start().await;
    let toml = format!(
        "[profile.default]\naddress = \"{}\"\nauthority = \"from-file.internal\"",
        server.address
    );
    let profile = ClientConfigProfile::load(&LoadOptions::new().config_toml(toml).disable_env())
        .expect("a profile");
    assert_eq!(
        authorities_of(
            &server,
            profile.connection_options().expect("options").no_proxy()
        )
        .await,
        both("from-file.internal")
    );

    let server = FakeServer::start().await;
    let address = server.address.to_string();
    let profile = ClientConfigProfile::load(&LoadOptions::new().disable_file().env_vars([
        ("TEMPORAL_ADDRESS", address.as_str()),
        ("TEMPORAL_CLIENT_AUTHORITY", "from-env.internal:7233"),
    ]))
    .expect("a profile");
    assert_eq!(
        authorities_of(
            &server,
            profile.connection_options().expect("options").no_proxy()
        )
        .await,
        both("from-env.internal:7233")
    );
}

#[tokio::test]
async fn a_malformed_authority_is_refused_before_dialling() {
    let server = FakeServer::start().await;
    let err = Connection::connect(server.options().authority("user@temporal.internal"))
        .await
        .expect_err("refused");
    assert_eq!(
        err.to_string(),
        "invalid connection option authority: `user@temporal.internal` holds a `user@` part; \
         expected host or host:port"
    );
    assert_eq!(server.total_calls(), 0, "nothing was dialled");
}
