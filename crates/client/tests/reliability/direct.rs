//! The direct HTTP/2 transport (`Http2Transport::Direct`) where production fails: a server
//! going away (GOAWAY), a connection gone silent (keepalive), a server restart, a server that
//! never answers, a dropped call, large messages under flow control, a thousand calls at once.
//! The rest of the suite runs over it too with `TEMPORAL_TEST_HTTP2_TRANSPORT=direct`
//! (main.rs `connection_options`).

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use temporal_client::proto::api::common::v1::Payloads;
use temporal_client::proto::api::workflowservice::v1::{
    GetSystemInfoRequest, QueryWorkflowRequest, QueryWorkflowResponse,
};
use temporal_client::{
    CallOptions, Client, Code, ConnectError, Connection, ConnectionOptions, Error, Http2Transport,
    HttpConnectProxy, RpcRetryPolicy, TlsOptions, Untyped, by_name,
};
use temporal_testing::{ConnectProxy, DevServer, FaultProxy};
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tonic::codegen::http;

use crate::fake_server::{Answer, FakeServer};
use crate::retries::SIGNAL;

const QUERY: &str = "QueryWorkflow";

fn direct(address: impl ToString) -> ConnectionOptions {
    ConnectionOptions::new(address.to_string()).http2_transport(Http2Transport::Direct)
}

/// The code of a failed call; a signal whose connection was lost under it is reported as an
/// unknown outcome, with the code of its last attempt.
fn code(err: &Error) -> Code {
    match err {
        Error::Rpc(rpc) | Error::OutcomeUnknown(rpc) => rpc.code(),
        other => panic!("expected a gRPC failure, got {other:?}"),
    }
}

async fn signal(client: &Client) -> Result<(), Error> {
    client.get_handle::<Untyped>("direct").signal("poke").await
}

/// A scripted HTTP/2 server below gRPC: it answers every call with an empty message, and
/// records each request's head and the connection it came on. `on_request` may hold an
/// answer back or make the connection go away.
struct H2Server {
    address: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Every frame the clients sent, in order.
    frames: Arc<Mutex<Vec<Frame>>>,
    /// The most answers pending at once.
    most_pending: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Debug, Clone)]
struct Seen {
    connection: usize,
    head: http::request::Parts,
}

/// What the server does with one request: answer after `delay` (or never), and whether the
/// connection then goes away gracefully (GOAWAY) while the answer is pending.
#[derive(Debug, Clone, Copy)]
struct Reply {
    delay: Option<Duration>,
    go_away: bool,
}

const ANSWER: Reply = Reply {
    delay: Some(Duration::ZERO),
    go_away: false,
};

type Script = Arc<dyn Fn(usize, &http::request::Parts) -> Reply + Send + Sync>;

/// Where the resets of unanswered streams are reported.
type Resets = Arc<Mutex<Vec<h2::Reason>>>;

impl H2Server {
    async fn start(script: Script, resets: Resets) -> Self {
        Self::start_with(script, resets, None).await
    }

    /// With `SETTINGS_MAX_CONCURRENT_STREAMS` set to `stream_limit`.
    async fn start_with(script: Script, resets: Resets, stream_limit: Option<u32>) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("a loopback port");
        let address = listener.local_addr().expect("an address");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&seen);
        let frames = Arc::new(Mutex::new(Vec::new()));
        let tapped = Arc::clone(&frames);
        let most_pending = Arc::new(AtomicUsize::new(0));
        let pending = Pending {
            now: Arc::new(AtomicUsize::new(0)),
            most: Arc::clone(&most_pending),
        };
        let task = tokio::spawn(async move {
            let connections = AtomicUsize::new(0);
            while let Ok((tcp, _)) = listener.accept().await {
                let number = connections.fetch_add(1, Ordering::SeqCst) + 1;
                let (script, seen, resets, pending) = (
                    Arc::clone(&script),
                    Arc::clone(&recorded),
                    Arc::clone(&resets),
                    pending.clone(),
                );
                let tcp = FrameTap::new(tcp, Arc::clone(&tapped));
                tokio::spawn(async move {
                    let mut builder = h2::server::Builder::new();
                    if let Some(limit) = stream_limit {
                        builder.max_concurrent_streams(limit);
                    }
                    let Ok(mut connection) = builder.handshake(tcp).await else {
                        return;
                    };
                    while let Some(Ok((request, respond))) = connection.accept().await {
                        let (head, _body) = request.into_parts();
                        let reply = script(number, &head);
                        seen.lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push(Seen {
                                connection: number,
                                head,
                            });
                        tokio::spawn(answer(
                            respond,
                            reply.delay,
                            Arc::clone(&resets),
                            pending.clone(),
                        ));
                        if reply.go_away {
                            connection.graceful_shutdown();
                        }
                    }
                });
            }
        });
        Self {
            address,
            seen,
            frames,
            most_pending,
            task,
        }
    }

    fn frames(&self) -> Vec<Frame> {
        self.frames
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn seen_at(&self, path_end: &str) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|seen| seen.head.uri.path().ends_with(path_end))
            .collect()
    }
}

/// An HTTP/2 frame's header, as a client sent it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Frame {
    kind: u8,
    flags: u8,
    len: usize,
    stream: u32,
}

const DATA_FRAME: u8 = 0;
const END_STREAM: u8 = 1;

/// A server's side of a TCP connection that records the header of every frame the client
/// sends (after the connection preface), for tests of what goes on the wire.
struct FrameTap {
    tcp: tokio::net::TcpStream,
    frames: Arc<Mutex<Vec<Frame>>>,
    /// Bytes read and not yet parsed into whole frame headers.
    unparsed: Vec<u8>,
    /// Bytes of the preface or of a frame's payload still to skip.
    skip: usize,
}

impl FrameTap {
    const PREFACE: usize = 24;

    fn new(tcp: tokio::net::TcpStream, frames: Arc<Mutex<Vec<Frame>>>) -> Self {
        Self {
            tcp,
            frames,
            unparsed: Vec::new(),
            skip: Self::PREFACE,
        }
    }

    fn record(&mut self, bytes: &[u8]) {
        self.unparsed.extend_from_slice(bytes);
        loop {
            let skipped = self.skip.min(self.unparsed.len());
            self.unparsed.drain(..skipped);
            self.skip -= skipped;
            if self.skip > 0 || self.unparsed.len() < 9 {
                return;
            }
            let header: Vec<u8> = self.unparsed.drain(..9).collect();
            let len =
                usize::from(header[0]) << 16 | usize::from(header[1]) << 8 | usize::from(header[2]);
            let stream =
                u32::from_be_bytes([header[5], header[6], header[7], header[8]]) & 0x7fff_ffff;
            self.frames
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(Frame {
                    kind: header[3],
                    flags: header[4],
                    len,
                    stream,
                });
            self.skip = len;
        }
    }
}

impl tokio::io::AsyncRead for FrameTap {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = std::pin::Pin::new(&mut self.tcp).poll_read(cx, buf);
        if polled.is_ready() {
            let read = buf.filled()[before..].to_vec();
            self.record(&read);
        }
        polled
    }
}

impl tokio::io::AsyncWrite for FrameTap {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.tcp).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.tcp).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

impl Drop for H2Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// How many answers are pending, and the most ever.
#[derive(Clone, Default)]
struct Pending {
    now: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

impl Pending {
    fn enter(&self) -> PendingGuard {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        PendingGuard(Arc::clone(&self.now))
    }
}

struct PendingGuard(Arc<AtomicUsize>);

impl Drop for PendingGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Answers an empty gRPC message with status OK after `delay`; with no delay, never, and
/// records how the client reset the stream.
async fn answer(
    mut respond: h2::server::SendResponse<Bytes>,
    delay: Option<Duration>,
    resets: Resets,
    pending: Pending,
) {
    let _pending = pending.enter();
    let Some(delay) = delay else {
        if let Ok(reason) = std::future::poll_fn(|cx| respond.poll_reset(cx)).await {
            resets
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(reason);
        }
        return;
    };
    tokio::time::sleep(delay).await;
    let head = http::Response::builder()
        .header("content-type", "application/grpc")
        .body(())
        .expect("a valid head");
    let Ok(mut stream) = respond.send_response(head, false) else {
        return;
    };
    let _ = stream.send_data(Bytes::from_static(&[0, 0, 0, 0, 0]), false);
    let mut trailers = http::HeaderMap::new();
    trailers.insert("grpc-status", http::HeaderValue::from_static("0"));
    let _ = stream.send_trailers(trailers);
}

fn no_resets() -> Resets {
    Arc::new(Mutex::new(Vec::new()))
}

#[tokio::test]
async fn the_direct_transport_sends_the_head_the_channel_sends() {
    let server = H2Server::start(Arc::new(|_, _| ANSWER), no_resets()).await;
    for transport in [Http2Transport::Channel, Http2Transport::Direct] {
        let options = ConnectionOptions::new(format!("localhost:{}", server.address.port()))
            .http2_transport(transport)
            .header("x-team", "payments");
        let client = Client::new(Connection::connect(options).await.expect("connects"));
        signal(&client).await.expect("answered");
    }
    let signals = server.seen_at(SIGNAL);
    assert_eq!(signals.len(), 2, "{signals:?}");
    let (channel, direct) = (&signals[0].head, &signals[1].head);
    assert_eq!(direct.method, channel.method);
    assert_eq!(direct.uri, channel.uri, "scheme, :authority and path");
    assert_eq!(
        direct.uri.authority().map(|a| a.as_str()),
        Some(format!("localhost:{}", server.address.port()).as_str())
    );
    for name in [
        "user-agent",
        "content-type",
        "te",
        "x-team",
        "temporal-namespace",
        "client-name",
        "client-version",
    ] {
        assert!(
            channel.headers.contains_key(name),
            "the channel sends {name}"
        );
        assert_eq!(
            direct.headers.get(name),
            channel.headers.get(name),
            "{name}"
        );
    }
}

/// A small request goes in one DATA frame that ends the stream, not followed by an empty
/// one (tonic's encoder reports its end only when polled after its last frame).
#[tokio::test]
async fn a_small_request_ends_its_stream_with_its_only_data_frame() {
    let server = H2Server::start(Arc::new(|_, _| ANSWER), no_resets()).await;
    let client = Client::new(
        Connection::connect(direct(server.address))
            .await
            .expect("connects"),
    );
    signal(&client).await.expect("answered");
    let data: Vec<Frame> = server
        .frames()
        .into_iter()
        .filter(|frame| frame.kind == DATA_FRAME)
        .collect();
    // `GetSystemInfo` on connecting, then the signal: one frame each.
    assert_eq!(data.len(), 2, "{data:?}");
    for frame in &data {
        assert_eq!(frame.flags & END_STREAM, END_STREAM, "{frame:?}");
        assert!(frame.len >= 5, "a whole gRPC message: {frame:?}");
    }
    assert!(data[1].len > 5, "the signal's request: {:?}", data[1]);
    assert_ne!(data[0].stream, data[1].stream);
}

/// A server's PING is acknowledged by the direct transport while the connection is idle and
/// while calls come and go: the transport holds a lone acknowledgement (src/coalesce.rs, whose
/// tests pin the holding) but never keeps a peer waiting long on it.
#[tokio::test]
async fn the_servers_pings_are_acknowledged_while_idle_and_while_calls_run() {
    pings_are_acknowledged_while_idle_and_while_calls_run(direct).await;
}

/// The same over tonic's `Channel`, which dials through the client's connector and holds
/// acknowledgements the same way on a plaintext connection.
#[tokio::test]
async fn the_servers_pings_are_acknowledged_over_channel_while_idle_and_while_calls_run() {
    pings_are_acknowledged_while_idle_and_while_calls_run(|address| {
        ConnectionOptions::new(address.to_string()).http2_transport(Http2Transport::Channel)
    })
    .await;
}

async fn pings_are_acknowledged_while_idle_and_while_calls_run(
    options: impl FnOnce(SocketAddr) -> ConnectionOptions,
) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("an address");
    let accepting = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("the client connects");
        let mut connection = h2::server::handshake(tcp).await.expect("HTTP/2");
        let pings = connection.ping_pong().expect("the connection's pings");
        let answering = tokio::spawn(async move {
            let pending = Pending::default();
            while let Some(Ok((_request, respond))) = connection.accept().await {
                tokio::spawn(answer(
                    respond,
                    Some(Duration::ZERO),
                    no_resets(),
                    pending.clone(),
                ));
            }
        });
        (pings, answering)
    });
    let client = Client::new(
        Connection::connect(options(address))
            .await
            .expect("connects"),
    );
    let (mut pings, answering) = accepting.await.expect("accepted");

    for round in 0..3 {
        let sent = Instant::now();
        tokio::time::timeout(Duration::from_secs(2), pings.ping(h2::Ping::opaque()))
            .await
            .unwrap_or_else(|_| panic!("round {round}: an idle connection's PING went unanswered"))
            .expect("a PING ACK");
        assert!(
            sent.elapsed() < Duration::from_secs(1),
            "round {round}: answered within the hold: {:?}",
            sent.elapsed()
        );

        let sent = Instant::now();
        let acknowledged = async {
            tokio::time::timeout(Duration::from_secs(2), pings.ping(h2::Ping::opaque()))
                .await
                .unwrap_or_else(|_| {
                    panic!("round {round}: a busy connection's PING went unanswered")
                })
                .expect("a PING ACK");
            sent.elapsed()
        };
        let calls = async {
            for _ in 0..5 {
                signal(&client).await.expect("answered");
            }
        };
        let (waited, ()) = tokio::join!(acknowledged, calls);
        assert!(
            waited < Duration::from_secs(1),
            "round {round}: answered within the hold: {waited:?}"
        );
    }
    answering.abort();
}

#[tokio::test]
async fn a_goaway_finishes_the_calls_in_flight_and_moves_new_calls_to_a_new_connection() {
    // The first signal is answered after 500 ms, and its connection goes away meanwhile.
    let script: Script = Arc::new(|connection, head| {
        if connection == 1 && head.uri.path().ends_with(SIGNAL) {
            Reply {
                delay: Some(Duration::from_millis(500)),
                go_away: true,
            }
        } else {
            ANSWER
        }
    });
    let server = H2Server::start(script, no_resets()).await;
    let connection = Connection::connect(direct(server.address))
        .await
        .expect("connects");
    let client = Client::new(connection)
        .with_call_options(CallOptions::default().retry_policy(RpcRetryPolicy::disabled()))
        .expect("valid options");

    let in_flight = signal(&client);
    let after_goaway = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        signal(&client).await
    };
    let (in_flight, after_goaway) = tokio::join!(in_flight, after_goaway);
    in_flight.expect("the call in flight under the GOAWAY is answered");
    // Retries are off: the call succeeded at its first attempt, on a new connection.
    after_goaway.expect("a call after the GOAWAY is answered");
    let connections: Vec<usize> = server
        .seen_at(SIGNAL)
        .iter()
        .map(|seen| seen.connection)
        .collect();
    assert_eq!(
        connections,
        [1, 2],
        "the second call went to a new connection"
    );
    signal(&client).await.expect("and so do later calls");
}

#[tokio::test]
async fn a_dropped_call_resets_its_stream() {
    let script: Script = Arc::new(|_, head| Reply {
        delay: if head.uri.path().ends_with(SIGNAL) {
            None
        } else {
            Some(Duration::ZERO)
        },
        go_away: false,
    });
    let resets = no_resets();
    let server = H2Server::start(script, Arc::clone(&resets)).await;
    let client = Client::new(
        Connection::connect(direct(server.address))
            .await
            .expect("connects"),
    );
    let dropped = tokio::time::timeout(Duration::from_millis(300), signal(&client)).await;
    assert!(dropped.is_err(), "the server never answers");
    let deadline = Instant::now() + Duration::from_secs(5);
    while resets
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .is_empty()
    {
        assert!(Instant::now() < deadline, "no RST_STREAM within 5 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        *resets.lock().unwrap_or_else(PoisonError::into_inner),
        [h2::Reason::CANCEL]
    );
}

#[tokio::test]
async fn calls_over_the_servers_stream_limit_wait_for_a_free_stream() {
    let script: Script = Arc::new(|_, _| Reply {
        delay: Some(Duration::from_millis(20)),
        go_away: false,
    });
    let server = H2Server::start_with(script, no_resets(), Some(10)).await;
    // No retries: a stream the server refused would fail its call.
    let client = Client::new(
        Connection::connect(direct(server.address))
            .await
            .expect("connects"),
    )
    .with_call_options(CallOptions::default().retry_policy(RpcRetryPolicy::disabled()))
    .expect("valid options");
    let mut calls = JoinSet::new();
    for _ in 0..100 {
        let client = client.clone();
        calls.spawn(async move { signal(&client).await });
    }
    while let Some(outcome) = calls.join_next().await {
        outcome.expect("no panic").expect("every call answered");
    }
    assert_eq!(server.seen_at(SIGNAL).len(), 100);
    let most = server.most_pending.load(Ordering::SeqCst);
    assert!(
        (2..=10).contains(&most),
        "calls ran concurrently, never over the limit: {most}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_is_ended_by_the_deadline() {
    let fake = FakeServer::start().await;
    fake.script(SIGNAL, [Answer::Hang]);
    let connection = Connection::connect(direct(fake.address))
        .await
        .expect("connects");
    let deadline = Duration::from_millis(400);
    let client = Client::new(connection)
        .with_call_options(CallOptions::default().timeout(deadline))
        .expect("valid options");
    let started = Instant::now();
    let err = signal(&client).await.expect_err("never answered");
    let waited = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        waited >= deadline && waited < deadline + Duration::from_secs(1),
        "the deadline, not a hang, ended the call: {waited:?}"
    );
    fake.script(SIGNAL, [Answer::Ok]);
    signal(&client).await.expect("the connection still serves");
}

#[tokio::test]
async fn a_silent_connection_is_closed_by_keepalive_and_the_call_fails_over() {
    for transport in [Http2Transport::Channel, Http2Transport::Direct] {
        let fake = FakeServer::start().await;
        let proxy = FaultProxy::start(fake.address).await.expect("a proxy");
        let options = ConnectionOptions::new(proxy.address().to_string())
            .http2_transport(transport)
            .keepalive(Duration::from_millis(200), Duration::from_millis(300));
        let connection = Connection::connect(options).await.expect("connects");
        // One attempt with a long deadline: only keepalive can end it early.
        let client = Client::new(connection)
            .with_call_options(
                CallOptions::default()
                    .timeout(Duration::from_secs(20))
                    .retry_policy(RpcRetryPolicy::disabled()),
            )
            .expect("valid options");
        signal(&client).await.expect("answered before the fault");

        proxy.black_hole();
        let started = Instant::now();
        let err = signal(&client).await.expect_err("nothing comes back");
        let waited = started.elapsed();
        assert_eq!(code(&err), Code::Unavailable, "{transport:?}: {err:?}");
        assert!(
            waited < Duration::from_secs(3),
            "{transport:?}: keepalive, not the 20 s deadline, ended the call: {waited:?}"
        );
        proxy.pass();
        signal(&client)
            .await
            .unwrap_or_else(|err| panic!("{transport:?}: reconnects after the fault: {err:?}"));
    }
}

#[tokio::test]
async fn a_thousand_concurrent_calls_share_one_connection() {
    let fake = FakeServer::start().await;
    let proxy = FaultProxy::start(fake.address).await.expect("a proxy");
    let client = Client::new(
        Connection::connect(direct(proxy.address()))
            .await
            .expect("connects"),
    );
    let mut calls = JoinSet::new();
    for _ in 0..1_000 {
        let client = client.clone();
        calls.spawn(async move { signal(&client).await });
    }
    while let Some(outcome) = calls.join_next().await {
        outcome.expect("no panic").expect("every call answered");
    }
    assert_eq!(fake.call_count(SIGNAL), 1_000);
    assert_eq!(
        proxy.stats().connections_accepted,
        1,
        "one connection: {:?}",
        proxy.stats()
    );
}

#[tokio::test]
async fn four_mib_payloads_stream_both_ways_under_flow_control() {
    let fake = FakeServer::start().await;
    // The query's answer is its argument, echoed.
    fake.answer(QUERY, |request: QueryWorkflowRequest| {
        let arguments = request.query.and_then(|query| query.query_args);
        Ok(QueryWorkflowResponse {
            query_result: arguments.map(|args| Payloads {
                payloads: args.payloads,
            }),
            ..Default::default()
        })
    });
    let client = Client::new(
        Connection::connect(direct(fake.address))
            .await
            .expect("connects"),
    );
    // Under the fake's (gRPC's default) 4 MiB limit with the request's other fields.
    let text = "x".repeat(4 * 1024 * 1024 - 4096);
    let handle = client.get_handle::<Untyped>("large");
    let echoed: String = handle
        .query(by_name("echo").arg(text.clone()))
        .await
        .expect("4 MiB there and back");
    assert_eq!(echoed.len(), text.len());
    assert!(echoed == text, "the payload came back intact");
    let received = fake.calls(QUERY);
    assert!(
        received[0].body.len() > 4 * 1024 * 1024 - 4096,
        "sent whole"
    );
}

#[tokio::test]
async fn a_message_over_the_servers_limit_is_refused_not_hung() {
    let fake = FakeServer::start().await;
    let client = Client::with_options(
        Connection::connect(direct(fake.address))
            .await
            .expect("connects"),
        temporal_client::ClientOptions::default().max_payload_bytes(64 * 1024 * 1024),
    )
    .expect("valid options");
    let handle = client.get_handle::<Untyped>("too-large");
    // 16 MiB: the server refuses it before reading it all, past every flow-control window.
    let started = Instant::now();
    let err = handle
        .signal(by_name("blob").arg("x".repeat(16 * 1024 * 1024)))
        .await
        .expect_err("over the server's limit");
    // tonic's server says OUT_OF_RANGE ("decoded message length too large"), the Temporal
    // server RESOURCE_EXHAUSTED: either way, the server's own answer.
    assert!(
        matches!(code(&err), Code::OutOfRange | Code::ResourceExhausted),
        "{err:?}"
    );
    assert!(err.to_string().contains("too large"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "refused, not hung"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_reconnect_after_a_dev_server_restart() {
    let db = std::env::temp_dir().join(format!("direct-{}.db", uuid::Uuid::new_v4()));
    let mut server =
        DevServer::start_with(temporal_testing::DevServerOptions::default().db_file(&db))
            .await
            .expect("a dev server starts (run `cargo xtask setup`)");
    let client = Client::new(
        Connection::connect(direct(server.address()))
            .await
            .expect("connects"),
    );
    client.count("").await.expect("answers before the restart");
    let calls_meanwhile = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        client.count("").await
    };
    let (restarted, counted) = tokio::join!(server.restart(), calls_meanwhile);
    restarted.expect("the dev server restarts");
    counted.expect("a call during the restart is retried onto the new connection");
    client.count("").await.expect("answers after the restart");
    drop(server);
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut path = db.clone().into_os_string();
        path.push(suffix);
        let _ = std::fs::remove_file(path);
    }
}

#[tokio::test]
async fn the_direct_transport_dials_through_the_proxy_and_the_resolver() {
    let fake = FakeServer::start().await;
    let proxy = ConnectProxy::builder()
        .host("frontend.test", fake.address)
        .start()
        .await
        .expect("a proxy");
    let through_proxy = Client::new(
        Connection::connect(
            direct("frontend.test:7233")
                .http_connect_proxy(HttpConnectProxy::new(proxy.address().to_string())),
        )
        .await
        .expect("connects through the proxy"),
    );
    signal(&through_proxy).await.expect("answered");
    let requests = proxy.requests();
    assert_eq!(requests.len(), 1, "one tunnel: {requests:?}");
    assert_eq!(requests[0].target, "frontend.test:7233");
    assert!(requests[0].tunnelled);

    let refusing = ConnectProxy::builder()
        .refuse(407)
        .start()
        .await
        .expect("a proxy");
    let err = Connection::connect(
        direct("frontend.test:7233")
            .http_connect_proxy(HttpConnectProxy::new(refusing.address().to_string())),
    )
    .await
    .expect_err("refused");
    assert!(
        matches!(
            err,
            ConnectError::Proxy {
                status: Some(407),
                ..
            }
        ),
        "{err:?}"
    );

    let resolved = Client::new(
        Connection::connect(
            direct(format!("frontend.test:{}", fake.address.port()))
                .no_proxy()
                .resolve_to_addrs("frontend.test", &[fake.address]),
        )
        .await
        .expect("connects to the address the override gives"),
    );
    signal(&resolved).await.expect("answered");
}

#[tokio::test]
async fn the_raw_clients_answer_over_a_channel_of_their_own() {
    let fake = FakeServer::start().await;
    let proxy = FaultProxy::start(fake.address).await.expect("a proxy");
    let connection = Connection::connect(direct(proxy.address()))
        .await
        .expect("connects");
    assert_eq!(
        proxy.stats().connections_accepted,
        1,
        "the direct transport's"
    );
    connection
        .raw_workflow_service()
        .get_system_info(GetSystemInfoRequest::default())
        .await
        .expect("the raw client answers");
    assert_eq!(
        proxy.stats().connections_accepted,
        2,
        "the raw clients' channel dialled on its first call"
    );
}

#[tokio::test]
async fn dns_load_balancing_is_refused_naming_the_option_and_tls_is_not() {
    let err = Connection::connect_lazy(
        direct("localhost:7233").dns_load_balancing(Duration::from_secs(30)),
    )
    .expect_err("refused");
    assert!(
        matches!(
            err,
            ConnectError::InvalidOption {
                option: "http2_transport",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("Http2Transport::Channel"), "{err}");
    // TLS, set or turned on by an API key (tests/it/tls.rs connects with both).
    for options in [
        direct("localhost:7233").tls(TlsOptions::new()),
        direct("localhost:7233").api_key("key"),
    ] {
        Connection::connect_lazy(options).expect("TLS over the direct transport");
    }
    let err = Connection::connect_lazy(
        direct("localhost:7233").tls(TlsOptions::new().server_name("not a host name")),
    )
    .expect_err("refused");
    assert!(
        matches!(err, ConnectError::InvalidOption { option: "tls", .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_unreachable_server_is_a_typed_transport_error() {
    // A port nobody listens on.
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a port");
    let address = listener.local_addr().expect("an address");
    drop(listener);
    let err = Connection::connect(direct(address))
        .await
        .expect_err("nothing listens");
    assert!(matches!(err, ConnectError::Transport { .. }), "{err:?}");

    let lazy = Client::new(Connection::connect_lazy(direct(address)).expect("valid"))
        .with_call_options(
            CallOptions::default().retry_policy(RpcRetryPolicy::default().max_attempts(2)),
        )
        .expect("valid options");
    let err = signal(&lazy).await.expect_err("nothing listens");
    assert_eq!(code(&err), Code::Unavailable, "{err:?}");
}
