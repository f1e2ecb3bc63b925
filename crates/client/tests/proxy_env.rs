//! The proxy environment variables, read from a real process environment. A test may not
//! change its own process's environment (other threads read it, and `unsafe` is forbidden
//! here), so the parent test runs this binary's one ignored test as a child process with the
//! variables set, and checks what the proxy saw.

use std::net::SocketAddr;
use std::process::Command;

use temporal_client::{ConnectError, Connection, ConnectionOptions, HttpConnectProxy};
use temporal_testing::{ConnectProxy, DevServer};

/// A name only the proxy can resolve.
const FRONTEND: &str = "frontend.temporal.test";
/// A name that `NO_PROXY` names, resolved by the client itself.
const BYPASSED: &str = "bypassed.temporal.test";
const SERVER_VAR: &str = "PROXY_ENV_TEST_SERVER";

#[tokio::test]
async fn the_proxy_variables_are_honoured_with_no_proxy_and_an_explicit_choice_wins() {
    let server = DevServer::start().await.expect("a dev server");
    let proxy = ConnectProxy::builder()
        .host(FRONTEND, server.address())
        .basic_auth("svc", "env-password")
        .start()
        .await
        .expect("a proxy");
    let mut child = Command::new(std::env::current_exe().expect("this test binary"));
    child
        .args([
            "--ignored",
            "--exact",
            "child_connects_as_the_environment_says",
        ])
        .env(
            "https_proxy",
            format!("http://svc:env-password@{}", proxy.address()),
        )
        .env(
            "NO_PROXY",
            format!("example.invalid, .{BYPASSED}, {BYPASSED}"),
        )
        .env(SERVER_VAR, server.address().to_string());
    // Waited for off the runtime's thread, which keeps serving the proxy meanwhile.
    let output = tokio::task::spawn_blocking(move || child.output())
        .await
        .expect("the wait ends")
        .expect("the child runs");
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let port = server.address().port();
    let targets: Vec<_> = proxy
        .requests()
        .into_iter()
        .filter(|request| request.tunnelled && request.authorized)
        .map(|request| request.target)
        .collect();
    // Only the name that no rule exempts went through the proxy.
    assert!(!targets.is_empty());
    assert!(
        targets
            .iter()
            .all(|target| *target == format!("{FRONTEND}:{port}")),
        "{targets:?}"
    );
}

#[tokio::test]
#[ignore = "run by the_proxy_variables_are_honoured_with_no_proxy_and_an_explicit_choice_wins"]
async fn child_connects_as_the_environment_says() {
    let server: SocketAddr = std::env::var(SERVER_VAR)
        .expect("run by the parent test, which sets the environment")
        .parse()
        .expect("an address");
    let port = server.port();

    // `https_proxy` applies: only the proxy knows this name.
    Connection::connect(ConnectionOptions::new(format!("{FRONTEND}:{port}")))
        .await
        .expect("connects through the proxy of https_proxy");

    // `no_proxy()` wins over the environment: the client resolves the name itself, and fails.
    let err = Connection::connect(ConnectionOptions::new(format!("{FRONTEND}:{port}")).no_proxy())
        .await
        .expect_err("no DNS knows the name");
    assert!(matches!(err, ConnectError::Transport { .. }), "{err:?}");

    // An explicit proxy wins over the environment.
    let refusing = ConnectProxy::builder()
        .refuse(403)
        .start()
        .await
        .expect("a proxy");
    let err = Connection::connect(
        ConnectionOptions::new(format!("{FRONTEND}:{port}"))
            .http_connect_proxy(HttpConnectProxy::new(refusing.address().to_string())),
    )
    .await
    .expect_err("refused");
    assert!(
        matches!(
            err,
            ConnectError::Proxy {
                status: Some(403),
                ..
            }
        ),
        "{err:?}"
    );

    // NO_PROXY names this one: it is dialled directly (resolved by the client's override).
    Connection::connect(
        ConnectionOptions::new(format!("{BYPASSED}:{port}")).resolve_to_addrs(BYPASSED, &[server]),
    )
    .await
    .expect("connects directly");

    // Loopback is never proxied by the environment.
    Connection::connect(ConnectionOptions::new(server.to_string()))
        .await
        .expect("connects directly");
}
