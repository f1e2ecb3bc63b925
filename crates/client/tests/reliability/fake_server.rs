//! The one fake `WorkflowService` of the reliability suite: any gRPC method on a loopback port,
//! answered by what the test scripts (a sequence of canned answers, or a function of the
//! decoded request), every call recorded. Request and response bodies travel as bytes, so that
//! one service serves every method; a test decodes what it cares about.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use bytes::{Buf, BufMut, Bytes};
use prost::Message;
use temporal_client::{CallOptions, Client, Code, Connection, ConnectionOptions, Http2Transport};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::{BoxFuture, Context, Poll, Service, http};
use tonic::server::{Grpc, UnaryService};
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic::{Request, Response, Status};

/// `ConnectionOptions::new(address)` over the HTTP/2 transport this run of the suite tests:
/// tonic's `Channel`, or the direct transport when `TEMPORAL_TEST_HTTP2_TRANSPORT=direct`
/// (`cargo test -p temporal-client --test reliability` once each way).
#[allow(
    dead_code,
    reason = "tests/memory.rs includes this module and uses only some of it"
)]
pub(crate) fn connection_options(address: impl Into<String>) -> ConnectionOptions {
    let options = ConnectionOptions::new(address);
    match std::env::var("TEMPORAL_TEST_HTTP2_TRANSPORT").as_deref() {
        Ok("direct") => options.http2_transport(Http2Transport::Direct),
        _ => options,
    }
}

/// A canned answer to one call.
#[derive(Debug, Clone, Copy)]
#[allow(
    dead_code,
    reason = "tests/memory.rs includes this module and uses only some of it"
)]
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
#[allow(
    dead_code,
    reason = "tests/memory.rs includes this module and uses only some of it"
)]
pub(crate) struct Call {
    pub(crate) at: Instant,
    /// The HTTP/2 `:authority` the call was sent with.
    pub(crate) authority: Option<String>,
    pub(crate) metadata: tonic::metadata::MetadataMap,
    pub(crate) body: Bytes,
}

type Respond = Arc<dyn Fn(Bytes) -> Result<Bytes, Status> + Send + Sync>;

/// How the fake answers the calls of one method.
enum Responder {
    /// These answers in order, the last one repeated.
    Script(VecDeque<Answer>),
    /// What this function makes of each request.
    Function(Respond),
}

/// What a method nobody scripted answers.
#[derive(Debug, Clone, Copy)]
enum Unscripted {
    /// An empty message: every call succeeds unless scripted otherwise.
    Ok,
    /// `UNIMPLEMENTED`, but for `GetSystemInfo` (the connection's handshake): a call the test
    /// did not expect fails loudly.
    Unimplemented,
}

struct State {
    responders: Mutex<HashMap<&'static str, Responder>>,
    calls: Mutex<HashMap<String, Vec<Call>>>,
    unscripted: Unscripted,
}

/// The fake, on a loopback port; stopped when dropped.
pub(crate) struct FakeServer {
    pub(crate) address: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

#[allow(
    dead_code,
    reason = "tests/memory.rs includes this module and uses only some of it"
)]
impl FakeServer {
    /// A fake whose unscripted methods answer an empty message.
    pub(crate) async fn start() -> Self {
        Self::start_with(Unscripted::Ok).await
    }

    /// A fake whose unscripted methods (but `GetSystemInfo`) answer `UNIMPLEMENTED`.
    pub(crate) async fn start_strict() -> Self {
        Self::start_with(Unscripted::Unimplemented).await
    }

    async fn start_with(unscripted: Unscripted) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("a loopback port");
        let address = listener.local_addr().expect("an address");
        let state = Arc::new(State {
            responders: Mutex::default(),
            calls: Mutex::default(),
            unscripted,
        });
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

    fn respond(&self, method: &'static str, responder: Responder) {
        self.state
            .responders
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(method, responder);
    }

    /// Answers the calls of `method` with `answers` in order, repeating the last.
    pub(crate) fn script(&self, method: &'static str, answers: impl IntoIterator<Item = Answer>) {
        self.respond(method, Responder::Script(answers.into_iter().collect()));
    }

    /// Answers each call of `method` (such as `GetWorkflowExecutionHistory`) with what
    /// `answer` makes of its decoded request.
    pub(crate) fn answer<Req, Resp>(
        &self,
        method: &'static str,
        answer: impl Fn(Req) -> Result<Resp, Status> + Send + Sync + 'static,
    ) where
        Req: Message + Default,
        Resp: Message,
    {
        let respond = move |body: Bytes| {
            let request = Req::decode(body).map_err(|e| Status::internal(e.to_string()))?;
            answer(request).map(|response| Bytes::from(response.encode_to_vec()))
        };
        self.respond(method, Responder::Function(Arc::new(respond)));
    }

    /// Answers each call of `method` with `response`, encoded once: for responses too large
    /// to encode per call.
    pub(crate) fn answer_encoded(&self, method: &'static str, response: Bytes) {
        let respond = move |_| Ok(response.clone());
        self.respond(method, Responder::Function(Arc::new(respond)));
    }

    /// The calls of `method` so far, in order.
    pub(crate) fn calls(&self, method: &str) -> Vec<Call> {
        self.state
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(method)
            .cloned()
            .unwrap_or_default()
    }

    /// How many calls of `method` arrived.
    pub(crate) fn call_count(&self, method: &str) -> usize {
        self.state
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(method)
            .map_or(0, Vec::len)
    }

    /// How many calls arrived, of every method.
    pub(crate) fn total_calls(&self) -> usize {
        self.state
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .map(Vec::len)
            .sum()
    }

    pub(crate) fn options(&self) -> ConnectionOptions {
        connection_options(self.address.to_string())
    }

    pub(crate) async fn connection(&self) -> Connection {
        Connection::connect(self.options())
            .await
            .expect("connects to the fake")
    }

    /// A client of the fake, with the default call options.
    pub(crate) async fn client(&self) -> Client {
        Client::new(self.connection().await)
    }

    /// A client of the fake whose calls use `call_options`.
    pub(crate) async fn client_with(&self, call_options: CallOptions) -> Client {
        self.client()
            .await
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
struct FakeService(Arc<State>);

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
            authority: request.uri().authority().map(ToString::to_string),
        };
        Box::pin(async move { Ok(Grpc::new(RawCodec).unary(handler, request).await) })
    }
}

struct Handler {
    state: Arc<State>,
    method: String,
    authority: Option<String>,
}

/// What the fake does with one call, decided while its state is locked.
enum Reply {
    Canned(Answer),
    Computed(Result<Bytes, Status>),
}

impl UnaryService<Bytes> for Handler {
    type Response = Bytes;
    type Future = BoxFuture<Response<Bytes>, Status>;

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        let call = Call {
            at: Instant::now(),
            authority: self.authority.clone(),
            metadata: request.metadata().clone(),
            body: request.into_inner(),
        };
        let body = call.body.clone();
        self.state
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(self.method.clone())
            .or_default()
            .push(call);
        let mut scripted = true;
        let respond = {
            let mut responders = self
                .state
                .responders
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            match responders.get_mut(self.method.as_str()) {
                Some(Responder::Script(answers)) if answers.len() > 1 => {
                    Ok(answers.pop_front().expect("not empty"))
                }
                Some(Responder::Script(answers)) => {
                    Ok(answers.front().copied().unwrap_or(Answer::Ok))
                }
                Some(Responder::Function(respond)) => Err(Arc::clone(respond)),
                None => Ok({
                    scripted = false;
                    match self.state.unscripted {
                        Unscripted::Ok => Answer::Ok,
                        Unscripted::Unimplemented if self.method == "GetSystemInfo" => Answer::Ok,
                        Unscripted::Unimplemented => Answer::Fail(Code::Unimplemented),
                    }
                }),
            }
        };
        // A function runs outside the lock: it may take its own locks.
        let reply = match respond {
            Ok(answer) => Reply::Canned(answer),
            Err(respond) => Reply::Computed(respond(body)),
        };
        let method = self.method.clone();
        Box::pin(async move {
            match reply {
                Reply::Computed(result) => result.map(Response::new),
                Reply::Canned(Answer::Ok) => Ok(Response::new(Bytes::new())),
                Reply::Canned(Answer::Fail(Code::Unimplemented)) if !scripted => {
                    Err(Status::unimplemented(format!("{method} is not scripted")))
                }
                Reply::Canned(Answer::Fail(code)) => {
                    Err(Status::new(to_tonic(code), "scripted by the test"))
                }
                Reply::Canned(Answer::Hang) => std::future::pending().await,
            }
        })
    }
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
