//! Endpoints that misbehave at the transport level: each call and each connect ends by its
//! deadline (or at once, with its reason, when no retry can help), never hangs. Each test
//! prints the time to error, and is bounded by an outer timeout so a regression fails
//! instead of hanging.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use temporal_client::{
    CallOptions, Client, ConnectError, Connection, ConnectionOptions, Error, RpcRetryPolicy,
    TlsOptions, Untyped,
};
use temporal_testing::{FaultProxy, TestCertificates};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::fake_server::{Answer, FakeServer, connection_options};
use crate::retries::SIGNAL;

/// The outer bound of every test here: far above any deadline they set, far below the minutes
/// the bugs they pin used to take.
const HANG: Duration = Duration::from_secs(60);

/// What a hostile endpoint does with each connection it accepts.
#[derive(Debug, Clone, Copy)]
enum Behaviour {
    /// Reads everything, answers nothing.
    Silent,
    /// Answers as an HTTP/1.1 server that does not speak HTTP/2, then closes.
    Http1,
    /// Answers bytes that are not HTTP at all.
    Garbage,
    /// Answers the HTTP/2 preface with a GOAWAY at once.
    GoAway,
}

/// A loopback listener that treats every connection as `behaviour` says.
struct Hostile {
    address: SocketAddr,
    task: JoinHandle<()>,
}

impl Hostile {
    async fn start(behaviour: Behaviour) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("a loopback port");
        let address = listener.local_addr().expect("an address");
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serve(socket, behaviour));
            }
        });
        Self { address, task }
    }

    fn options(&self) -> ConnectionOptions {
        connection_options(self.address.to_string())
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut socket: TcpStream, behaviour: Behaviour) {
    let mut buffer = [0u8; 4096];
    let answer: &[u8] = match behaviour {
        Behaviour::Silent => b"",
        Behaviour::Http1 => {
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        }
        Behaviour::Garbage => &[
            0xde, 0xad, 0xbe, 0xef, 0x13, 0x37, 0x00, 0xff, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42,
            0x42, 0x42,
        ],
        // An empty SETTINGS frame, then GOAWAY (last stream 0, PROTOCOL_ERROR).
        Behaviour::GoAway => &[
            0, 0, 0, 4, 0, 0, 0, 0, 0, //
            0, 0, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        ],
    };
    if !answer.is_empty() {
        let _ = socket.read(&mut buffer).await;
        let _ = socket.write_all(answer).await;
    }
    if matches!(behaviour, Behaviour::Http1) {
        // As HTTP/1.1 servers close: the answer, then a lingering close.
        let _ = socket.shutdown().await;
    }
    while matches!(socket.read(&mut buffer).await, Ok(n) if n > 0) {}
}

/// Runs `future` under the outer bound, and prints how long it took to end.
async fn timed<T>(what: &str, future: impl Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let outcome = tokio::time::timeout(HANG, future)
        .await
        .unwrap_or_else(|_| panic!("{what}: still running after {HANG:?}"));
    let elapsed = started.elapsed();
    eprintln!("{what}: ended after {elapsed:?}");
    (outcome, elapsed)
}

/// The eager connect options of the tests: a 2 s connect timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// The per-call deadline of the tests that set one.
const CALL_TIMEOUT: Duration = Duration::from_secs(3);
/// How much later than its deadline a call may end: scheduling on a busy 2-core machine.
const SLACK: Duration = Duration::from_millis(1500);
/// How soon a failure no retry can fix must be reported: well before the first retry would
/// have been given up on (the default policy takes 5 to 10 s).
const FAIL_FAST: Duration = Duration::from_secs(1);

fn lazy_client(options: ConnectionOptions, call: CallOptions) -> Client {
    Client::new(Connection::connect_lazy(options).expect("valid options"))
        .with_call_options(call)
        .expect("valid call options")
}

/// TLS options that trust the test CA, for `localhost`.
fn trusting(certificates: &TestCertificates) -> TlsOptions {
    TlsOptions::new()
        .ca_certificate(certificates.ca_pem.clone())
        .server_name("localhost")
}

#[tokio::test]
async fn connect_to_a_plaintext_endpoint_that_never_answers_ends_at_the_connect_timeout() {
    let silent = Hostile::start(Behaviour::Silent).await;
    let (outcome, elapsed) = timed(
        "connect, plaintext, silent",
        Connection::connect(silent.options().connect_timeout(CONNECT_TIMEOUT)),
    )
    .await;
    let err = outcome.expect_err("nothing answers");
    assert!(matches!(err, ConnectError::TimedOut { .. }), "{err:?}");
    assert!(elapsed < CONNECT_TIMEOUT + SLACK, "{elapsed:?}");
}

#[tokio::test]
async fn connect_to_a_tls_endpoint_that_never_completes_the_handshake_ends_at_the_connect_timeout()
{
    let certificates = TestCertificates::generate().expect("certificates");
    let silent = Hostile::start(Behaviour::Silent).await;
    let options = connection_options(format!("localhost:{}", silent.address.port()))
        .tls(trusting(&certificates))
        .connect_timeout(CONNECT_TIMEOUT);
    let (outcome, elapsed) = timed("connect, TLS, silent", Connection::connect(options)).await;
    let err = outcome.expect_err("the handshake never completes");
    assert!(matches!(err, ConnectError::TimedOut { .. }), "{err:?}");
    assert!(elapsed < CONNECT_TIMEOUT + SLACK, "{elapsed:?}");
}

#[tokio::test]
async fn a_lazy_call_to_a_tls_endpoint_that_never_completes_the_handshake_ends_at_its_deadline() {
    let certificates = TestCertificates::generate().expect("certificates");
    let silent = Hostile::start(Behaviour::Silent).await;
    let options = connection_options(format!("localhost:{}", silent.address.port()))
        .tls(trusting(&certificates));
    let client = lazy_client(options, CallOptions::default().timeout(CALL_TIMEOUT));
    let (outcome, elapsed) = timed("lazy call, TLS, silent", client.count("")).await;
    let err = outcome.expect_err("the handshake never completes");
    assert!(err.is_timeout(), "{err:?}");
    assert!(elapsed < CALL_TIMEOUT + SLACK, "{elapsed:?}");
}

#[tokio::test]
async fn a_call_whose_tls_reconnection_stalls_ends_at_its_deadline() {
    // client -> plaintext proxy (the fault) -> TLS proxy -> fake frontend
    let fake = FakeServer::start().await;
    let certificates = TestCertificates::generate().expect("certificates");
    let tls = FaultProxy::builder(fake.address)
        .tls(&certificates)
        .start()
        .await
        .expect("the TLS proxy starts");
    let fault = FaultProxy::start(tls.address())
        .await
        .expect("the fault proxy starts");
    let options = connection_options(format!("localhost:{}", fault.address().port()))
        .tls(trusting(&certificates));
    let connection = Connection::connect(options).await.expect("connects");
    let client = Client::new(connection)
        .with_call_options(CallOptions::default().timeout(CALL_TIMEOUT))
        .expect("valid");
    client.count("").await.expect("answered while healthy");

    // New connections are accepted, but their TLS handshake gets no answer.
    fault.black_hole();
    assert!(fault.reset_connections() >= 1, "the client was connected");
    let (outcome, elapsed) = timed("call, TLS reconnection stalls", client.count("")).await;
    let err = outcome.expect_err("the reconnection never completes");
    assert!(err.is_timeout(), "{err:?}");
    assert!(elapsed < CALL_TIMEOUT + SLACK, "{elapsed:?}");
}

#[tokio::test]
async fn a_unary_call_has_a_default_deadline() {
    let silent = Hostile::start(Behaviour::Silent).await;
    let client = lazy_client(silent.options(), CallOptions::default());
    let (outcome, elapsed) = timed(
        "lazy call, plaintext, silent, default deadline",
        client.count(""),
    )
    .await;
    let err = outcome.expect_err("nothing answers");
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        elapsed >= temporal_client::DEFAULT_CALL_TIMEOUT
            && elapsed < temporal_client::DEFAULT_CALL_TIMEOUT + SLACK,
        "{elapsed:?}"
    );
}

/// The text of `error` and of each of its sources.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(" <- ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Connects eagerly and lazily to an endpoint no retry can fix: both end at once, and the
/// error says why (`reason`).
async fn fails_fast(what: &str, options: ConnectionOptions, reason: &str) {
    let (outcome, elapsed) = timed(
        &format!("connect, {what}"),
        Connection::connect(options.clone().connect_timeout(CONNECT_TIMEOUT)),
    )
    .await;
    let err = outcome.expect_err("refused");
    let chain = error_chain(&err);
    assert!(chain.contains(reason), "{what}: {chain}");
    assert!(elapsed < FAIL_FAST, "{what}: {elapsed:?}");

    let client = lazy_client(options, CallOptions::default());
    let (outcome, elapsed) = timed(&format!("lazy call, {what}"), client.count("")).await;
    let err = outcome.expect_err("refused");
    let Error::Rpc(rpc) = &err else {
        panic!("{what}: {err:?}")
    };
    assert!(!rpc.is_retryable(), "{what}: {rpc:?}");
    assert!(rpc.message().contains(reason), "{what}: {rpc}");
    assert!(elapsed < FAIL_FAST, "{what}: not retried, {elapsed:?}");
}

#[tokio::test]
async fn an_http1_server_fails_fast_with_its_reason() {
    let http1 = Hostile::start(Behaviour::Http1).await;
    fails_fast("HTTP/1.1 answer", http1.options(), "does not speak HTTP/2").await;
}

#[tokio::test]
async fn a_server_that_answers_garbage_fails_fast_with_its_reason() {
    let garbage = Hostile::start(Behaviour::Garbage).await;
    fails_fast("garbage answer", garbage.options(), "does not speak HTTP/2").await;
}

#[tokio::test]
async fn a_server_that_sends_goaway_at_once_fails_fast_with_its_reason() {
    let goaway = Hostile::start(Behaviour::GoAway).await;
    fails_fast("GOAWAY at once", goaway.options(), "GOAWAY PROTOCOL_ERROR").await;
}

#[tokio::test]
async fn a_name_that_does_not_resolve_fails_fast_with_its_reason() {
    // `.invalid` never resolves (RFC 6761).
    let options = connection_options("no-such-host.invalid:7233");
    fails_fast("name not resolved", options, "failed to lookup address").await;
}

#[tokio::test]
async fn a_refused_certificate_fails_fast_with_its_reason() {
    let fake = FakeServer::start().await;
    let certificates = TestCertificates::generate().expect("certificates");
    let stranger = TestCertificates::generate().expect("certificates");
    let proxy = FaultProxy::builder(fake.address)
        .tls(&certificates)
        .start()
        .await
        .expect("the TLS proxy starts");
    let options = connection_options(format!("localhost:{}", proxy.address().port()))
        .tls(trusting(&stranger));
    fails_fast("certificate refused", options, "certificate").await;
}

/// A signal to the fake, with `policy` as its retry policy.
async fn signal_through(address: SocketAddr, policy: RpcRetryPolicy) -> Result<(), Error> {
    let connection =
        Connection::connect_lazy(connection_options(address.to_string())).expect("valid options");
    Client::new(connection)
        .with_call_options(CallOptions::default().retry_policy(policy))
        .expect("valid")
        .get_handle::<Untyped>("order-1")
        .signal("approve")
        .await
}

#[tokio::test]
async fn a_request_lost_with_its_connection_through_an_outage_is_reported_as_outcome_unknown() {
    let fake = FakeServer::start().await;
    fake.script(SIGNAL, [Answer::Hang]);
    let proxy = FaultProxy::start(fake.address)
        .await
        .expect("the proxy starts");
    let policy = RpcRetryPolicy::default().max_elapsed(Duration::from_secs(1));
    let call = tokio::spawn(signal_through(proxy.address(), policy));
    // The signal reaches the server, which holds it; then the connection is lost, and the
    // outage outlasts the retry budget.
    while fake.calls(SIGNAL).is_empty() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    proxy.drop_new_connections();
    assert_eq!(proxy.reset_connections(), 1);
    let (outcome, _) = timed("signal, connection lost, outage", call).await;
    let err = outcome
        .expect("the call task ends")
        .expect_err("the outage outlasts the budget");
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert!(
        matches!(&err, Error::OutcomeUnknown(rpc) if rpc.is_outcome_unknown()),
        "{err:?}"
    );
    assert!(err.to_string().contains("outcome is unknown"), "{err}");
}

/// A request whose connection was refused never left: that is a plain `UNAVAILABLE`. (A
/// connection a peer accepted and then closed counts as "may have been sent": the client
/// cannot tell a proxy that dropped the request from one that forwarded it.)
#[tokio::test]
async fn a_request_that_never_left_is_not_reported_as_outcome_unknown() {
    let closed = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("a loopback port");
    let address = closed.local_addr().expect("an address");
    drop(closed);
    let policy = RpcRetryPolicy::default().max_elapsed(Duration::from_secs(1));
    let (outcome, _) = timed(
        "signal, connection refused",
        signal_through(address, policy),
    )
    .await;
    let err = outcome.expect_err("never connects");
    assert!(!err.is_outcome_unknown(), "{err:?}");
    assert!(
        matches!(&err, Error::Rpc(rpc) if rpc.is_retryable() && !rpc.is_outcome_unknown()),
        "{err:?}"
    );
}
