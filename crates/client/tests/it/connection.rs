//! Connecting, and the raw services.

use std::time::Duration;

use temporal_client::proto::api::workflowservice::v1::GetSystemInfoRequest;
use temporal_client::{ConnectError, Connection, ConnectionOptions, Error};
use temporal_testing::DevServer;

#[tokio::test]
async fn connect_checks_the_server_and_exposes_raw_services() {
    let server = DevServer::start().await.expect("a dev server");
    let connection = Connection::connect(ConnectionOptions::new(server.address().to_string()))
        .await
        .expect("connects");
    let info = connection.raw_system_info().expect("checked at connect");
    assert!(
        info.server_version.starts_with("1."),
        "{}",
        info.server_version
    );
    let raw = connection
        .raw_workflow_service()
        .get_system_info(GetSystemInfoRequest::default())
        .await
        .expect("a raw call")
        .into_inner();
    assert_eq!(raw.server_version, info.server_version);
}

#[tokio::test]
async fn nothing_listening_is_a_transport_error_and_lazy_calls_fail_after_retries() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let address = format!("127.0.0.1:{port}");
    let err = Connection::connect(
        ConnectionOptions::new(&address).connect_timeout(Duration::from_secs(2)),
    )
    .await
    .expect_err("nothing listens");
    assert!(matches!(err, ConnectError::Transport { .. }), "{err:?}");

    let lazy = Connection::connect_lazy(
        ConnectionOptions::new(&address).retry_policy(
            temporal_client::RpcRetryPolicy::default()
                .max_attempts(3)
                .initial_interval(Duration::from_millis(10)),
        ),
    )
    .expect("a lazy connection needs no server");
    assert!(lazy.raw_system_info().is_none());
    let client = temporal_client::Client::new(lazy);
    let err = client
        .get_handle::<temporal_client::Untyped>("any")
        .describe()
        .await
        .expect_err("nothing answers");
    let Error::Rpc(rpc) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(rpc.code(), temporal_client::Code::Unavailable);
}

#[tokio::test]
async fn call_options_set_deadlines_and_headers_per_client() {
    let server = DevServer::start().await.expect("a dev server");
    let connection = Connection::connect(ConnectionOptions::new(server.address().to_string()))
        .await
        .expect("connects");
    let client = temporal_client::Client::new(connection);
    let tagged = client
        .with_call_options(temporal_client::CallOptions::default().header("x-test-origin", "it"))
        .expect("a valid header");
    let err = tagged
        .get_handle::<temporal_client::Untyped>("missing")
        .describe()
        .await
        .expect_err("no such workflow");
    assert!(
        err.is_not_found(),
        "calls with extra headers reach the server: {err:?}"
    );

    let hurried = client
        .with_call_options(temporal_client::CallOptions::default().timeout(Duration::from_nanos(1)))
        .expect("valid");
    let err = hurried
        .get_handle::<temporal_client::Untyped>("missing")
        .describe()
        .await
        .expect_err("the deadline passes first");
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        client
            .with_call_options(temporal_client::CallOptions::default().header("Bad Header", "x"))
            .is_err()
    );
}
