//! Reaching real clusters: through an HTTP CONNECT proxy, balanced over every frontend a
//! name resolves to, and with gzip on the wire. The proxy is `temporal_testing::ConnectProxy`;
//! the frontends are `FaultProxy`s on 127.0.0.1 and 127.0.0.2 in front of one dev server.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use temporal_client::{
    CallOptions, Client, Code, ConnectError, Connection, ConnectionOptions, Error,
    HttpConnectProxy, Resolve, Resolving, RpcRetryPolicy, StartOptions, TlsOptions,
};
use temporal_testing::{ConnectProxy, DevServer, FaultProxy, TestCertificates};

/// A name no DNS knows: reaching it proves the proxy or the resolver did the resolving.
const FRONTEND: &str = "frontend.temporal.test";

fn start_options(prefix: &str) -> StartOptions {
    StartOptions::new(
        format!("{prefix}-{}", uuid::Uuid::new_v4()),
        format!("network-{}", uuid::Uuid::new_v4()),
    )
}

/// Starts a workflow (no worker needed: it stays scheduled) and reads it back.
async fn start_and_describe(client: &Client, input: &str) {
    let handle = client
        .start("network-check", (input,), start_options("network"))
        .await
        .expect("started");
    handle.describe().await.expect("described");
}

#[tokio::test]
async fn calls_go_through_an_http_connect_proxy_in_plaintext_and_with_tls_inside_the_tunnel() {
    let server = DevServer::start().await.expect("a dev server");
    // Between the proxy and the server, a relay that can cut the tunnels.
    let relay = FaultProxy::start(server.address()).await.expect("a relay");
    let proxy = ConnectProxy::builder()
        .host(FRONTEND, relay.address())
        .basic_auth("svc", "proxy-password")
        .start()
        .await
        .expect("a proxy");

    // Plaintext: the client never resolves the name; the proxy does.
    let target = format!("{FRONTEND}:{}", server.address().port());
    let connection = Connection::connect(ConnectionOptions::new(&target).http_connect_proxy(
        HttpConnectProxy::new(proxy.address().to_string()).basic_auth("svc", "proxy-password"),
    ))
    .await
    .expect("connects through the proxy");
    let client = Client::new(connection);
    start_and_describe(&client, "through a proxy").await;
    // The tunnel is cut: the connection reconnects through the proxy, and calls go on.
    assert_eq!(relay.reset_connections(), 1);
    start_and_describe(&client, "through a new tunnel").await;
    // A lazy connection dials through the proxy on its first call.
    let lazy = Connection::connect_lazy(ConnectionOptions::new(&target).http_connect_proxy(
        HttpConnectProxy::new(format!("svc:proxy-password@{}", proxy.address())),
    ))
    .expect("valid options");
    start_and_describe(&Client::new(lazy), "lazily through a proxy").await;
    let requests = proxy.requests();
    let tunnels = requests
        .iter()
        .filter(|r| r.target == target && r.authorized && r.tunnelled)
        .count();
    assert!(tunnels >= 3, "two tunnels, then a lazy one: {requests:?}");

    // TLS to the server inside the tunnel: a FaultProxy terminates TLS for `localhost` in
    // front of the dev server, and the explicit proxy is used even for a loopback name.
    let certificates = TestCertificates::generate().expect("certificates");
    let tls_frontend = FaultProxy::builder(server.address())
        .tls(&certificates)
        .start()
        .await
        .expect("a TLS frontend");
    let tls_target = format!("localhost:{}", tls_frontend.address().port());
    let connection = Connection::connect(
        ConnectionOptions::new(&tls_target)
            .tls(TlsOptions::new().ca_certificate(certificates.ca_pem.clone()))
            .http_connect_proxy(HttpConnectProxy::new(format!(
                "http://svc:proxy-password@{}",
                proxy.address()
            ))),
    )
    .await
    .expect("connects with TLS through the proxy");
    start_and_describe(&Client::new(connection), "TLS through a proxy").await;
    assert!(
        proxy
            .requests()
            .iter()
            .any(|r| r.target == tls_target && r.tunnelled)
    );
    let stats = tls_frontend.stats();
    assert_eq!(stats.handshakes_failed, 0, "{stats:?}");
    assert!(stats.connections_accepted >= 1, "{stats:?}");

    // Wrong credentials: the proxy's 407 is a typed error naming the proxy, without secrets.
    let err = Connection::connect(ConnectionOptions::new(&target).http_connect_proxy(
        HttpConnectProxy::new(proxy.address().to_string()).basic_auth("svc", "wrong-password"),
    ))
    .await
    .expect_err("refused");
    let ConnectError::Proxy {
        proxy: named,
        status,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(named, &proxy.address().to_string());
    assert_eq!(*status, Some(407));
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("wrong-password"), "{shown}");
}

#[tokio::test]
async fn a_proxy_that_refuses_hangs_up_stays_silent_or_is_gone_is_a_proxy_error_in_time() {
    let timeout = Duration::from_secs(1);
    let connect_through = |proxy: String| async move {
        let started = Instant::now();
        let err = Connection::connect(
            ConnectionOptions::new(format!("{FRONTEND}:7233"))
                .connect_timeout(timeout)
                .http_connect_proxy(HttpConnectProxy::new(proxy)),
        )
        .await
        .expect_err("no tunnel");
        let elapsed = started.elapsed();
        assert!(elapsed < timeout * 3, "took {elapsed:?}");
        err
    };

    let refusing = ConnectProxy::builder()
        .refuse(403)
        .start()
        .await
        .expect("a proxy");
    let err = connect_through(refusing.address().to_string()).await;
    assert!(
        matches!(&err, ConnectError::Proxy { status: Some(403), proxy, .. } if *proxy == refusing.address().to_string()),
        "{err:?}"
    );
    assert!(err.to_string().contains("403"), "{err}");

    let hanging_up = ConnectProxy::builder()
        .hang_up()
        .start()
        .await
        .expect("a proxy");
    let err = connect_through(hanging_up.address().to_string()).await;
    assert!(
        matches!(&err, ConnectError::Proxy { status: None, reason, .. } if reason.contains("closed")),
        "{err:?}"
    );

    let silent = ConnectProxy::builder()
        .never_answer()
        .start()
        .await
        .expect("a proxy");
    let err = connect_through(silent.address().to_string()).await;
    assert!(
        matches!(&err, ConnectError::Proxy { status: None, reason, proxy, .. }
            if reason.contains("connect timeout") && *proxy == silent.address().to_string()),
        "{err:?}"
    );

    let gone = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port");
    let err = connect_through(gone.to_string()).await;
    assert!(
        matches!(&err, ConnectError::Proxy { reason, .. } if reason.contains("cannot reach")),
        "{err:?}"
    );

    // A proxy address that is not one is refused before dialling, naming the option.
    let err = Connection::connect(
        ConnectionOptions::new("h:1").http_connect_proxy(HttpConnectProxy::new("https://p:1")),
    )
    .await
    .expect_err("refused");
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
    // Load balancing over a name the proxy resolves is refused, not half done.
    let err = Connection::connect_lazy(
        ConnectionOptions::new("h:1")
            .http_connect_proxy(HttpConnectProxy::new("p:1"))
            .dns_load_balancing(Duration::from_secs(1)),
    )
    .expect_err("refused");
    assert!(
        matches!(
            err,
            ConnectError::InvalidOption {
                option: "dns_load_balancing",
                ..
            }
        ),
        "{err:?}"
    );
}

/// 16 KiB of input per start: enough that a frontend's byte count shows which calls it saw.
fn sizeable_input() -> String {
    "x".repeat(16 * 1024)
}

#[tokio::test]
async fn dns_load_balancing_spreads_calls_over_both_frontends_and_survives_one_dying() {
    let server = DevServer::start().await.expect("a dev server");
    let first = FaultProxy::builder(server.address())
        .listen_on("127.0.0.1".parse().expect("an IP"))
        .start()
        .await
        .expect("a frontend");
    let second = FaultProxy::builder(server.address())
        .listen_on("127.0.0.2".parse().expect("an IP"))
        .start()
        .await
        .expect("a second frontend");
    let connection = Connection::connect(
        ConnectionOptions::new(format!("{FRONTEND}:7233"))
            .resolve_to_addrs(FRONTEND, &[first.address(), second.address()])
            .dns_load_balancing(Duration::from_secs(60)),
    )
    .await
    .expect("connects to the frontends of the name");
    let client = Client::new(connection);
    let input = sizeable_input();
    let before = (first.stats(), second.stats());
    for _ in 0..20 {
        start_and_describe(&client, &input).await;
    }
    let after = (first.stats(), second.stats());
    // Each frontend carried at least two of the twenty starts (the chance that a fair
    // balancer gives one of them fewer is below one in a thousand).
    let least = 2 * input.len() as u64;
    assert!(
        after.0.bytes_to_upstream - before.0.bytes_to_upstream >= least,
        "{after:?}"
    );
    assert!(
        after.1.bytes_to_upstream - before.1.bytes_to_upstream >= least,
        "{after:?}"
    );

    // One frontend dies: calls go on, on the other (a call the balancer sends to the dead
    // one fails UNAVAILABLE at once and is retried).
    drop(first);
    let before = second.stats();
    for _ in 0..10 {
        start_and_describe(&client, &input).await;
    }
    let after = second.stats();
    assert!(
        after.bytes_to_upstream - before.bytes_to_upstream >= 10 * input.len() as u64,
        "{after:?}"
    );
}

/// A resolver whose answer the test changes, as DNS changes when frontends come and go.
#[derive(Clone)]
struct Changing(Arc<Mutex<Vec<SocketAddr>>>);

impl Resolve for Changing {
    fn resolve(&self, _host: &str, _port: u16) -> Resolving {
        let addresses = self.0.lock().expect("not poisoned").clone();
        Box::pin(async move { Ok(addresses) })
    }
}

#[tokio::test]
async fn dns_load_balancing_resolves_again_and_follows_a_changed_address_list() {
    let server = DevServer::start().await.expect("a dev server");
    let old = FaultProxy::builder(server.address())
        .listen_on("127.0.0.1".parse().expect("an IP"))
        .start()
        .await
        .expect("a frontend");
    let new = FaultProxy::builder(server.address())
        .listen_on("127.0.0.2".parse().expect("an IP"))
        .start()
        .await
        .expect("a second frontend");
    let answer = Changing(Arc::new(Mutex::new(vec![old.address()])));
    let connection = Connection::connect(
        ConnectionOptions::new(format!("{FRONTEND}:7233"))
            .dns_resolver(answer.clone())
            .dns_load_balancing(Duration::from_millis(100)),
    )
    .await
    .expect("connects");
    let client = Client::new(connection);
    let input = sizeable_input();
    for _ in 0..3 {
        start_and_describe(&client, &input).await;
    }
    assert!(old.stats().bytes_to_upstream >= 3 * input.len() as u64);
    assert_eq!(new.stats().connections_accepted, 0, "not resolved yet");

    // DNS now names only the new frontend: the next resolution moves the calls there.
    *answer.0.lock().expect("not poisoned") = vec![new.address()];
    tokio::time::sleep(Duration::from_millis(500)).await;
    let old_before = old.stats().bytes_to_upstream;
    for _ in 0..5 {
        start_and_describe(&client, &input).await;
    }
    assert!(new.stats().bytes_to_upstream >= 5 * input.len() as u64);
    // The balancer takes in the change on its next call, closing the old connection with a
    // few bytes of HTTP/2 goodbye: far less than any one call's input.
    let old_after = old.stats().bytes_to_upstream;
    assert!(
        old_after - old_before < input.len() as u64,
        "no call on the old frontend: {old_before} -> {old_after}"
    );
}

/// About 1 MiB of JSON-like text, compressible as real payloads usually are.
#[cfg(feature = "gzip")]
fn large_compressible_text() -> String {
    let mut text = String::with_capacity(1024 * 1024 + 64);
    let mut order = 0;
    while text.len() < 1024 * 1024 {
        text.push_str(&format!(
            "{{\"order\":{order},\"sku\":\"SKU-{:05}\",\"qty\":{},\"status\":\"pending\"}}\n",
            order % 997,
            order % 7
        ));
        order += 1;
    }
    text
}

/// Run by `cargo test --workspace` (the examples package turns the `gzip` feature on).
#[cfg(feature = "gzip")]
#[tokio::test]
async fn gzip_is_opt_in_and_a_1_mib_payload_round_trips_in_fewer_bytes() {
    let server = DevServer::start().await.expect("a dev server");
    let text = large_compressible_text();
    // One frontend per connection, so each counts only its own bytes.
    let mut crossed = Vec::new();
    for gzip in [false, true] {
        let frontend = FaultProxy::start(server.address())
            .await
            .expect("a frontend");
        let connection =
            Connection::connect(ConnectionOptions::new(frontend.address().to_string()).gzip(gzip))
                .await
                .expect("connects");
        let client = Client::new(connection);
        let handle = client
            .start(
                "network-gzip",
                ("small input",),
                start_options("gzip").memo("document", &text),
            )
            .await
            .expect("started with a 1 MiB memo");
        let description = handle.describe().await.expect("described");
        let read_back: String = description
            .info
            .memo
            .get("document")
            .expect("decodes")
            .expect("present");
        assert!(
            read_back == text,
            "the memo round trips unchanged (gzip {gzip})"
        );
        crossed.push(frontend.stats());
    }
    let (plain, gzipped) = (crossed[0], crossed[1]);
    let mib = 1024 * 1024;
    assert!(
        plain.bytes_to_upstream > mib && plain.bytes_to_client > mib,
        "{plain:?}"
    );
    assert!(
        gzipped.bytes_to_upstream * 4 < plain.bytes_to_upstream,
        "requests: {gzipped:?} vs {plain:?}"
    );
    assert!(
        gzipped.bytes_to_client * 4 < plain.bytes_to_client,
        "responses: {gzipped:?} vs {plain:?}"
    );
    eprintln!(
        "1 MiB memo, start + describe: to the server {} B plain, {} B gzip; back {} B plain, {} B gzip",
        plain.bytes_to_upstream,
        gzipped.bytes_to_upstream,
        plain.bytes_to_client,
        gzipped.bytes_to_client
    );
}

#[tokio::test]
async fn a_lazy_balanced_connection_checks_each_frontend_s_certificate_against_the_name() {
    let server = DevServer::start().await.expect("a dev server");
    let certificates = TestCertificates::generate().expect("certificates");
    let mut frontends = Vec::new();
    for ip in ["127.0.0.1", "127.0.0.2"] {
        frontends.push(
            FaultProxy::builder(server.address())
                .tls(&certificates)
                .listen_on(ip.parse().expect("an IP"))
                .start()
                .await
                .expect("a TLS frontend"),
        );
    }
    // The certificate names `localhost` only: each frontend, dialled by its IP address, must
    // still be checked against the name.
    let addresses: Vec<_> = frontends.iter().map(FaultProxy::address).collect();
    let connection = Connection::connect_lazy(
        ConnectionOptions::new("localhost:7233")
            .tls(TlsOptions::new().ca_certificate(certificates.ca_pem.clone()))
            .resolve_to_addrs("localhost", &addresses)
            .dns_load_balancing(Duration::from_secs(60)),
    )
    .expect("valid options");
    let client = Client::new(connection);
    let input = sizeable_input();
    for _ in 0..20 {
        start_and_describe(&client, &input).await;
    }
    for frontend in &frontends {
        let stats = frontend.stats();
        assert_eq!(stats.handshakes_failed, 0, "{stats:?}");
        assert!(
            stats.bytes_to_upstream >= 2 * input.len() as u64,
            "{stats:?}"
        );
    }
}

/// A client of `client`'s connection that makes every call once: a call the balancer sends
/// to a dead frontend fails, instead of being retried on a live one.
fn without_retries(client: &Client) -> Client {
    client
        .with_call_options(CallOptions::default().retry_policy(RpcRetryPolicy::disabled()))
        .expect("valid call options")
}

/// Waits, up to `limit`, for `done`; false when it never came.
async fn eventually(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while !done() {
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    true
}

/// Two frontends on 127.0.0.1 and 127.0.0.2 in front of one dev server.
async fn two_frontends(server: &DevServer) -> (FaultProxy, FaultProxy) {
    let mut frontends = Vec::new();
    for ip in ["127.0.0.1", "127.0.0.2"] {
        frontends.push(
            FaultProxy::builder(server.address())
                .listen_on(ip.parse().expect("an IP"))
                .start()
                .await
                .expect("a frontend"),
        );
    }
    let second = frontends.pop().expect("two");
    (frontends.pop().expect("two"), second)
}

#[tokio::test]
async fn a_dead_frontend_leaves_the_balancer_and_comes_back_when_it_answers_again() {
    let server = DevServer::start().await.expect("a dev server");
    let (first, second) = two_frontends(&server).await;
    let connection = Connection::connect(
        ConnectionOptions::new(format!("{FRONTEND}:7233"))
            .resolve_to_addrs(FRONTEND, &[first.address(), second.address()])
            // No resolution on the interval during the test: what happens is the probes'.
            .dns_load_balancing(Duration::from_secs(3600)),
    )
    .await
    .expect("connects");
    let client = Client::new(connection);
    let input = sizeable_input();
    for _ in 0..10 {
        start_and_describe(&client, &input).await;
    }

    // The first frontend dies: its connections reset, every new one closed at once.
    first.drop_new_connections();
    first.reset_connections();
    // The retry policy may hide one failed attempt, sent before the probe told.
    start_and_describe(&client, &input).await;
    // The client notices when its probe of the frontend (one dial) is closed at once; the
    // calls below, not this wait, are what the test checks.
    let _ = eventually(Duration::from_secs(5), || {
        first.stats().connections_dropped >= 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Now no call goes to it: made once each, any sent there would fail.
    let strict = without_retries(&client);
    let before = (first.stats(), second.stats());
    for _ in 0..20 {
        start_and_describe(&strict, &input).await;
    }
    let after = (first.stats(), second.stats());
    assert!(
        after.1.bytes_to_upstream - before.1.bytes_to_upstream >= 20 * input.len() as u64,
        "{after:?}"
    );
    // Its only dials meanwhile are the probes, backing off: far fewer than the 40 calls.
    let dials = after.0.connections_accepted - before.0.connections_accepted;
    assert!(dials <= 8, "{dials} dials of the dead frontend: {after:?}");

    // It comes back: a probe finds it within the backoff (8 s at most), and calls reach it.
    first.pass();
    let back = Instant::now();
    let before = first.stats().bytes_to_upstream;
    while first.stats().bytes_to_upstream - before < input.len() as u64 {
        assert!(
            back.elapsed() < Duration::from_secs(15),
            "no call reached the frontend again: {:?}",
            first.stats()
        );
        start_and_describe(&strict, &input).await;
    }
}

/// A resolver that counts how often it is asked.
#[derive(Clone)]
struct Counting {
    addresses: Vec<SocketAddr>,
    asked: Arc<AtomicUsize>,
}

impl Resolve for Counting {
    fn resolve(&self, _host: &str, _port: u16) -> Resolving {
        self.asked.fetch_add(1, Ordering::SeqCst);
        let addresses = self.addresses.clone();
        Box::pin(async move { Ok(addresses) })
    }
}

#[tokio::test]
async fn a_cut_connection_makes_the_balancer_resolve_again_at_once_but_not_more_than_once_a_second()
{
    let server = DevServer::start().await.expect("a dev server");
    let (first, second) = two_frontends(&server).await;
    let resolver = Counting {
        addresses: vec![first.address(), second.address()],
        asked: Arc::new(AtomicUsize::new(0)),
    };
    let asked = Arc::clone(&resolver.asked);
    let connection = Connection::connect(
        ConnectionOptions::new(format!("{FRONTEND}:7233"))
            .dns_resolver(resolver)
            .dns_load_balancing(Duration::from_secs(3600)),
    )
    .await
    .expect("connects");
    let client = Client::new(connection);
    let input = sizeable_input();
    start_and_describe(&client, &input).await;
    assert_eq!(asked.load(Ordering::SeqCst), 1, "resolved once, at connect");
    // Past the least gap between two resolutions since the first.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(asked.load(Ordering::SeqCst), 1, "not on the 1 h interval");

    // A frontend's connections are cut: DNS is asked again at once.
    first.reset_connections();
    assert!(
        eventually(Duration::from_millis(500), || asked.load(Ordering::SeqCst)
            == 2)
        .await,
        "asked {} times",
        asked.load(Ordering::SeqCst)
    );
    // Cut again at once: the resolution is deferred to a second after the last, not dropped.
    assert!(
        eventually(Duration::from_secs(2), || first.stats().live_connections
            >= 1)
        .await,
        "the frontend was probed again: {:?}",
        first.stats()
    );
    first.reset_connections();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(asked.load(Ordering::SeqCst), 2, "not twice within a second");
    assert!(
        eventually(Duration::from_secs(2), || asked.load(Ordering::SeqCst) == 3).await,
        "asked {} times",
        asked.load(Ordering::SeqCst)
    );
    // The cut frontend still answers, so it stays: calls go on, once each.
    let strict = without_retries(&client);
    for _ in 0..10 {
        start_and_describe(&strict, &input).await;
    }
}

#[tokio::test]
async fn the_only_frontend_dead_fails_calls_in_time_with_a_typed_error() {
    let server = DevServer::start().await.expect("a dev server");
    let only = FaultProxy::builder(server.address())
        .listen_on("127.0.0.1".parse().expect("an IP"))
        .start()
        .await
        .expect("a frontend");
    let connection = Connection::connect(
        ConnectionOptions::new(format!("{FRONTEND}:7233"))
            .resolve_to_addrs(FRONTEND, &[only.address()])
            .dns_load_balancing(Duration::from_secs(3600)),
    )
    .await
    .expect("connects");
    let client = Client::new(connection);
    start_and_describe(&client, "before").await;
    let deadline = Duration::from_secs(1);
    let client = client
        .with_call_options(
            CallOptions::default()
                .timeout(deadline)
                .retry_policy(RpcRetryPolicy::default().max_attempts(2)),
        )
        .expect("valid call options");

    // Silent: each attempt ends at its deadline.
    only.black_hole();
    let started = Instant::now();
    let err = client
        .start("network-check", ("silent",), start_options("silent"))
        .await
        .expect_err("no answer");
    let elapsed = started.elapsed();
    assert!(
        matches!(&err, Error::Rpc(rpc) if rpc.is_timeout()),
        "{err:?}"
    );
    assert!(
        elapsed < 2 * deadline + Duration::from_secs(1),
        "{elapsed:?}"
    );

    // Gone: the last address stays in the balancer, so calls fail at once rather than wait.
    drop(only);
    let started = Instant::now();
    let err = client
        .start("network-check", ("gone",), start_options("gone"))
        .await
        .expect_err("nobody listens");
    let elapsed = started.elapsed();
    assert!(
        // A start whose attempt was on the connection that closed may have reached the
        // server: its outcome is unknown. Either way the code says the frontend is gone.
        matches!(
            &err,
            Error::Rpc(rpc) | Error::OutcomeUnknown(rpc) if rpc.code() == Code::Unavailable
        ),
        "{err:?}"
    );
    assert!(elapsed < deadline, "failed fast: {elapsed:?}");
}

/// A resolver that holds a token: while the token has other holders, the balancer's task
/// (which owns the resolver) lives.
struct Holding {
    addresses: Vec<SocketAddr>,
    _token: Arc<()>,
}

impl Resolve for Holding {
    fn resolve(&self, _host: &str, _port: u16) -> Resolving {
        let addresses = self.addresses.clone();
        Box::pin(async move { Ok(addresses) })
    }
}

#[tokio::test]
async fn dropping_a_balanced_client_ends_its_task_and_closes_its_connections() {
    let server = DevServer::start().await.expect("a dev server");
    let (first, second) = two_frontends(&server).await;
    let token = Arc::new(());
    let connection = Connection::connect(
        ConnectionOptions::new(format!("{FRONTEND}:7233"))
            .dns_resolver(Holding {
                addresses: vec![first.address(), second.address()],
                _token: Arc::clone(&token),
            })
            .dns_load_balancing(Duration::from_secs(3600)),
    )
    .await
    .expect("connects");
    let client = Client::new(connection);
    let input = sizeable_input();
    for _ in 0..6 {
        start_and_describe(&client, &input).await;
    }
    assert!(Arc::strong_count(&token) > 1);
    assert!(first.stats().live_connections + second.stats().live_connections >= 2);

    drop(client);
    assert!(
        eventually(Duration::from_secs(5), || Arc::strong_count(&token) == 1).await,
        "the balancer's task still holds the resolver"
    );
    assert!(
        eventually(Duration::from_secs(5), || {
            first.stats().live_connections + second.stats().live_connections == 0
        })
        .await,
        "connections left open: {:?}",
        (first.stats(), second.stats())
    );
}

/// A resolver that fails its first `failures` answers, as DNS does before a name is
/// published.
struct NotYet {
    address: SocketAddr,
    failures: AtomicUsize,
}

impl Resolve for NotYet {
    fn resolve(&self, host: &str, _port: u16) -> Resolving {
        let failing = self
            .failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(1)
            })
            .is_ok();
        let answer = if failing {
            Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("`{host}` is not published yet"),
            ))
        } else {
            Ok(vec![self.address])
        };
        Box::pin(async move { answer })
    }
}

#[tokio::test]
async fn a_lazy_balanced_connection_whose_name_does_not_resolve_yet_tries_again_soon() {
    let server = DevServer::start().await.expect("a dev server");
    let connection = Connection::connect_lazy(
        ConnectionOptions::new(format!("{FRONTEND}:7233"))
            .dns_resolver(NotYet {
                address: server.address(),
                failures: AtomicUsize::new(2),
            })
            .dns_load_balancing(Duration::from_secs(3600)),
    )
    .expect("valid options");
    // Two failed resolutions, then one a second or two later: well within the deadline, not
    // on the 1 h interval.
    let client = Client::new(connection)
        .with_call_options(CallOptions::default().timeout(Duration::from_secs(10)))
        .expect("valid call options");
    let started = Instant::now();
    start_and_describe(&client, "resolved at last").await;
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_silent_frontend_leaves_the_balancer_once_keepalive_and_its_probe_give_up() {
    let server = DevServer::start().await.expect("a dev server");
    let (first, second) = two_frontends(&server).await;
    let connection = Connection::connect(
        ConnectionOptions::new(format!("{FRONTEND}:7233"))
            .resolve_to_addrs(FRONTEND, &[first.address(), second.address()])
            .keepalive(Duration::from_millis(300), Duration::from_millis(300))
            .connect_timeout(Duration::from_secs(1))
            .dns_load_balancing(Duration::from_secs(3600)),
    )
    .await
    .expect("connects");
    let client = Client::new(connection);
    let input = sizeable_input();
    for _ in 0..4 {
        start_and_describe(&client, &input).await;
    }

    // The first frontend's host goes silent: no reset, no refusal, nothing answers.
    first.black_hole();
    // Its watched connection's keepalive gives up after about 0.6 s, the probe that follows
    // after its 1 s connect timeout.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let strict = without_retries(&client);
    let before = second.stats();
    for _ in 0..10 {
        start_and_describe(&strict, &input).await;
    }
    let after = second.stats();
    assert!(
        after.bytes_to_upstream - before.bytes_to_upstream >= 10 * input.len() as u64,
        "{after:?}"
    );
}

/// Without the `gzip` feature (not a default one), asking for gzip is refused before any
/// dial, by an error that names the feature to turn on. Run by `cargo test -p
/// temporal-client`, which builds the client with its default features.
#[cfg(not(feature = "gzip"))]
#[tokio::test]
async fn gzip_without_its_feature_is_refused_with_the_feature_to_enable() {
    // Nothing listens there: the refusal comes before the dial.
    let err = Connection::connect(ConnectionOptions::new("127.0.0.1:1").gzip(true))
        .await
        .expect_err("refused");
    assert!(
        matches!(&err, ConnectError::InvalidOption { option: "gzip", reason }
            if reason.contains("`gzip` feature")),
        "{err:?}"
    );
}
