//! The client's real retry policy against a scripted fake `WorkflowService`: transient codes
//! are retried with growing backoff and the same request id, answers are not, and a deadline
//! or a dropped call stops retrying at once. Also: an API key never travels over plaintext
//! unless the user allows it, as the headers the fake receives show.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::{Buf, BufMut, Bytes};
use prost::Message;
use temporal_client::proto::api::workflowservice::v1::{
    SignalWorkflowExecutionRequest, StartWorkflowExecutionRequest,
};
use temporal_client::{
    CallOptions, Client, Code, ConnectError, Connection, ConnectionOptions, Error, RpcRetryPolicy,
    StartOptions, Untyped,
};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::{BoxFuture, Context, Poll, Service, http};
use tonic::server::{Grpc, UnaryService};
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic::{Request, Response, Status};

pub(crate) const SIGNAL: &str = "SignalWorkflowExecution";
const START: &str = "StartWorkflowExecution";
pub(crate) const GET_SYSTEM_INFO: &str = "GetSystemInfo";
/// How much shorter a measured gap between two calls may be than the delay between them: the
/// first call may have travelled a little slower than the second.
const TIMING_TOLERANCE: Duration = Duration::from_millis(10);

/// How the fake answers one call.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Answer {
    /// An empty response message, which decodes as the response type's default.
    Ok,
    /// This status.
    Fail(Code),
    /// Nothing, ever: only the caller's deadline ends the call.
    Hang,
}

/// One call the fake received.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    at: Instant,
    metadata: tonic::metadata::MetadataMap,
    body: Bytes,
}

#[derive(Debug, Default)]
struct FakeState {
    /// Answers per method, in order; the last one repeats. Unscripted methods answer `Ok`.
    script: Mutex<HashMap<&'static str, VecDeque<Answer>>>,
    calls: Mutex<HashMap<String, Vec<Call>>>,
}

/// Any gRPC service on a loopback port (every method of `WorkflowService` included) that
/// answers each call from its script and records it. Request bodies are kept as bytes and
/// decoded by the test that cares, so that one fake serves every method.
pub(crate) struct FakeServer {
    pub(crate) address: SocketAddr,
    state: Arc<FakeState>,
    task: JoinHandle<()>,
}

impl FakeServer {
    pub(crate) async fn start() -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("a loopback port");
        let address = listener.local_addr().expect("an address");
        let state = Arc::new(FakeState::default());
        let service = FakeService(Arc::clone(&state));
        let task = tokio::spawn(async move {
            let _ = Server::builder()
                .serve_with_incoming(service, TcpIncoming::from(listener))
                .await;
        });
        Self {
            address,
            state,
            task,
        }
    }

    /// Answers the calls of `method` with `answers` in order, repeating the last.
    pub(crate) fn script(&self, method: &'static str, answers: impl IntoIterator<Item = Answer>) {
        self.state
            .script
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(method, answers.into_iter().collect());
    }

    pub(crate) fn calls(&self, method: &str) -> Vec<Call> {
        self.state
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(method)
            .cloned()
            .unwrap_or_default()
    }

    fn total_calls(&self) -> usize {
        self.state
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .map(Vec::len)
            .sum()
    }

    pub(crate) fn options(&self) -> ConnectionOptions {
        ConnectionOptions::new(self.address.to_string())
    }

    pub(crate) async fn client(&self, call_options: CallOptions) -> Client {
        let connection = Connection::connect(self.options())
            .await
            .expect("connects to the fake");
        Client::new(connection)
            .with_call_options(call_options)
            .expect("valid call options")
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Clone)]
struct FakeService(Arc<FakeState>);

impl Service<http::Request<tonic::body::Body>> for FakeService {
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        let method = request
            .uri()
            .path()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let handler = Handler {
            state: Arc::clone(&self.0),
            method,
        };
        Box::pin(async move { Ok(Grpc::new(RawCodec).unary(handler, request).await) })
    }
}

struct Handler {
    state: Arc<FakeState>,
    method: String,
}

impl UnaryService<Bytes> for Handler {
    type Response = Bytes;
    type Future = BoxFuture<Response<Bytes>, Status>;

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        let call = Call {
            at: Instant::now(),
            metadata: request.metadata().clone(),
            body: request.into_inner(),
        };
        self.state
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(self.method.clone())
            .or_default()
            .push(call);
        let answer = {
            let mut script = self
                .state
                .script
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            match script.get_mut(self.method.as_str()) {
                Some(answers) if answers.len() > 1 => answers.pop_front().expect("not empty"),
                Some(answers) => answers.front().copied().unwrap_or(Answer::Ok),
                None => Answer::Ok,
            }
        };
        Box::pin(async move {
            match answer {
                Answer::Ok => Ok(Response::new(Bytes::new())),
                Answer::Fail(code) => Err(Status::new(to_tonic(code), "scripted by the test")),
                Answer::Hang => std::future::pending().await,
            }
        })
    }
}

/// Passes messages through as bytes, so that one service answers every method.
#[derive(Debug, Clone, Copy)]
struct RawCodec;

impl Codec for RawCodec {
    type Encode = Bytes;
    type Decode = Bytes;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> Self::Encoder {
        RawCodec
    }

    fn decoder(&mut self) -> Self::Decoder {
        RawCodec
    }
}

impl Encoder for RawCodec {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawCodec {
    type Item = Bytes;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Bytes>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining())))
    }
}

fn gaps(calls: &[Call]) -> Vec<Duration> {
    calls.windows(2).map(|w| w[1].at - w[0].at).collect()
}

fn signal_request_ids(calls: &[Call]) -> Vec<String> {
    calls
        .iter()
        .map(|call| {
            SignalWorkflowExecutionRequest::decode(call.body.clone())
                .expect("a signal request")
                .request_id
        })
        .collect()
}

fn assert_one_request_id(ids: &[String]) {
    assert!(!ids[0].is_empty(), "a request id is sent");
    assert!(
        ids.iter().all(|id| id == &ids[0]),
        "every attempt carries the first one's request id: {ids:?}"
    );
}

async fn signal(client: &Client) -> Result<(), Error> {
    client
        .get_handle::<Untyped>("retried-workflow")
        .signal("poke")
        .await
}

/// The fake answers through tonic; the client reports its own `Code`.
fn to_tonic(code: Code) -> tonic::Code {
    let all = [
        tonic::Code::Ok,
        tonic::Code::Cancelled,
        tonic::Code::Unknown,
        tonic::Code::InvalidArgument,
        tonic::Code::DeadlineExceeded,
        tonic::Code::NotFound,
        tonic::Code::AlreadyExists,
        tonic::Code::PermissionDenied,
        tonic::Code::ResourceExhausted,
        tonic::Code::FailedPrecondition,
        tonic::Code::Aborted,
        tonic::Code::OutOfRange,
        tonic::Code::Unimplemented,
        tonic::Code::Internal,
        tonic::Code::Unavailable,
        tonic::Code::DataLoss,
        tonic::Code::Unauthenticated,
    ];
    all.into_iter()
        .find(|tonic| format!("{tonic:?}") == format!("{code:?}"))
        .expect("every gRPC code has a tonic twin")
}

fn rpc_code(err: &Error) -> Code {
    match err {
        Error::Rpc(rpc) => rpc.code(),
        Error::NotFound { .. } => Code::NotFound,
        other => panic!("expected a gRPC failure, got {other:?}"),
    }
}

#[tokio::test]
async fn unavailable_is_retried_with_growing_backoff_and_one_request_id() {
    let fake = FakeServer::start().await;
    fake.script(
        SIGNAL,
        [
            Answer::Fail(Code::Unavailable),
            Answer::Fail(Code::Unavailable),
            Answer::Fail(Code::Unavailable),
            Answer::Fail(Code::Unavailable),
            Answer::Ok,
        ],
    );
    // The default policy (100 ms first, ×1.7 each time) without its ±20 % jitter, so that
    // each delay is known and scheduling noise on a busy machine cannot reorder them.
    let policy = RpcRetryPolicy::default().jitter(0.0);
    let client = fake
        .client(CallOptions::default().retry_policy(policy))
        .await;
    signal(&client).await.expect("the fifth attempt succeeds");

    let calls = fake.calls(SIGNAL);
    assert_eq!(calls.len(), 5);
    let gaps = gaps(&calls);
    for (gap, expected_ms) in gaps.iter().zip([100, 170, 289, 491]) {
        assert!(
            *gap >= Duration::from_millis(expected_ms) - TIMING_TOLERANCE,
            "{gaps:?}"
        );
    }
    assert!(
        gaps.windows(2).all(|w| w[0] < w[1]),
        "each delay is longer than the one before: {gaps:?}"
    );
    assert_one_request_id(&signal_request_ids(&calls));
}

#[tokio::test]
async fn throttling_is_retried_after_its_own_longer_delay() {
    let fake = FakeServer::start().await;
    fake.script(
        SIGNAL,
        [
            Answer::Fail(Code::ResourceExhausted),
            Answer::Fail(Code::ResourceExhausted),
            Answer::Ok,
        ],
    );
    let policy = RpcRetryPolicy::default()
        .jitter(0.0)
        .initial_interval(Duration::from_millis(10))
        .throttled_initial_interval(Duration::from_millis(300));
    let client = fake
        .client(CallOptions::default().retry_policy(policy))
        .await;
    signal(&client).await.expect("the third attempt succeeds");

    let calls = fake.calls(SIGNAL);
    assert_eq!(calls.len(), 3);
    let gaps = gaps(&calls);
    assert!(
        gaps[0] >= Duration::from_millis(300) - TIMING_TOLERANCE,
        "the throttled delay, not the 10 ms one: {gaps:?}"
    );
    assert!(
        gaps[1] >= Duration::from_millis(510) - TIMING_TOLERANCE,
        "{gaps:?}"
    );
    assert_one_request_id(&signal_request_ids(&calls));
}

#[tokio::test]
async fn attempts_stop_at_the_policy_limit_with_the_last_status() {
    let fake = FakeServer::start().await;
    fake.script(SIGNAL, [Answer::Fail(Code::Unavailable)]);
    let policy = RpcRetryPolicy::default()
        .initial_interval(Duration::from_millis(10))
        .max_attempts(3);
    let client = fake
        .client(CallOptions::default().retry_policy(policy))
        .await;
    let err = signal(&client).await.expect_err("never succeeds");
    assert_eq!(rpc_code(&err), Code::Unavailable, "{err:?}");
    assert_eq!(fake.calls(SIGNAL).len(), 3);
}

#[tokio::test]
async fn answers_about_the_request_are_tried_once() {
    let fake = FakeServer::start().await;
    let client = fake.client(CallOptions::default()).await;
    for code in [
        Code::InvalidArgument,
        Code::NotFound,
        Code::PermissionDenied,
        Code::AlreadyExists,
        Code::FailedPrecondition,
        Code::Unauthenticated,
        Code::Unimplemented,
        Code::OutOfRange,
    ] {
        fake.script(SIGNAL, [Answer::Fail(code), Answer::Ok]);
        let before = fake.calls(SIGNAL).len();
        let err = signal(&client).await.expect_err("returned as is");
        assert_eq!(rpc_code(&err), code, "{err:?}");
        assert_eq!(
            fake.calls(SIGNAL).len() - before,
            1,
            "{code:?} is not retried"
        );
    }
}

#[tokio::test]
async fn a_deadline_ends_the_call_and_its_retries_at_once() {
    let fake = FakeServer::start().await;
    fake.script(SIGNAL, [Answer::Fail(Code::Unavailable), Answer::Hang]);
    let deadline = Duration::from_millis(300);
    let client = fake.client(CallOptions::default().timeout(deadline)).await;
    let started = Instant::now();
    let err = signal(&client).await.expect_err("times out");
    let elapsed = started.elapsed();

    assert!(err.is_timeout(), "{err:?}");
    assert!(
        elapsed >= deadline && elapsed < deadline + Duration::from_secs(1),
        "one backoff and one deadline: {elapsed:?}"
    );
    assert_eq!(fake.calls(SIGNAL).len(), 2);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(fake.calls(SIGNAL).len(), 2, "no attempt after the deadline");
}

#[tokio::test]
async fn dropping_the_call_stops_its_retries() {
    let fake = FakeServer::start().await;
    fake.script(SIGNAL, [Answer::Fail(Code::Unavailable)]);
    let client = fake.client(CallOptions::default()).await;
    let abandoned = tokio::time::timeout(Duration::from_millis(350), signal(&client)).await;
    assert!(abandoned.is_err(), "still retrying when dropped");
    let made = fake.calls(SIGNAL).len();
    assert!(made >= 2, "it was retrying: {made} calls");

    // The next retry would have come within ~0.6 s of the first call.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(fake.calls(SIGNAL).len(), made, "no call after the drop");
}

#[tokio::test]
async fn a_retried_start_keeps_its_request_id() {
    let fake = FakeServer::start().await;
    fake.script(
        START,
        [
            Answer::Fail(Code::Unavailable),
            Answer::Fail(Code::Internal),
            Answer::Ok,
        ],
    );
    let client = fake.client(CallOptions::default()).await;
    client
        .start("example", (), StartOptions::new("started-once", "queue"))
        .await
        .expect("the third attempt succeeds");
    let ids: Vec<String> = fake
        .calls(START)
        .iter()
        .map(|call| {
            StartWorkflowExecutionRequest::decode(call.body.clone())
                .expect("a start request")
                .request_id
        })
        .collect();
    assert_eq!(ids.len(), 3);
    assert_one_request_id(&ids);
}

fn authorization(call: &Call) -> Option<String> {
    call.metadata
        .get("authorization")
        .map(|value| value.to_str().expect("ASCII").to_owned())
}

#[tokio::test]
async fn an_api_key_goes_over_plaintext_only_when_allowed() {
    let fake = FakeServer::start().await;

    let err = Connection::connect(fake.options().api_key("secret").plaintext())
        .await
        .expect_err("refused before dialling");
    assert!(
        matches!(
            err,
            ConnectError::InvalidOption {
                option: "api_key",
                ..
            }
        ),
        "{err:?}"
    );
    // A key turns TLS on, which the plaintext fake cannot speak.
    Connection::connect(fake.options().api_key("secret"))
        .await
        .expect_err("a TLS handshake with a plaintext server fails");
    assert_eq!(fake.total_calls(), 0, "no call reached the server");

    let connection = Connection::connect(
        fake.options()
            .api_key("secret")
            .plaintext()
            .allow_api_key_over_plaintext(),
    )
    .await
    .expect("explicitly allowed");
    signal(&Client::new(connection))
        .await
        .expect("the fake answers");
    for method in [GET_SYSTEM_INFO, SIGNAL] {
        let calls = fake.calls(method);
        assert_eq!(calls.len(), 1, "{method}");
        assert_eq!(
            authorization(&calls[0]).as_deref(),
            Some("Bearer secret"),
            "{method}"
        );
    }
}

#[tokio::test]
async fn a_key_set_later_goes_over_plaintext_only_when_allowed() {
    let fake = FakeServer::start().await;
    let connection = Connection::connect(fake.options())
        .await
        .expect("a plaintext connection without a key");
    let err = connection
        .set_api_key(Some("late-secret"))
        .expect_err("a plaintext connection takes no key");
    assert!(
        matches!(
            err,
            ConnectError::InvalidOption {
                option: "api_key",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains("late-secret"), "{err}");
    signal(&Client::new(connection))
        .await
        .expect("the fake answers");
    assert_eq!(authorization(&fake.calls(SIGNAL)[0]), None);

    let allowed = Connection::connect(fake.options().allow_api_key_over_plaintext())
        .await
        .expect("connects");
    allowed
        .set_api_key(Some("late-secret"))
        .expect("explicitly allowed");
    signal(&Client::new(allowed))
        .await
        .expect("the fake answers");
    assert_eq!(
        authorization(&fake.calls(SIGNAL)[1]).as_deref(),
        Some("Bearer late-secret")
    );
}
