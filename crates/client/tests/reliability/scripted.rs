//! A fake `WorkflowService` whose answers a test writes as functions of the request: for
//! servers that answer with data the protocol does not allow (a run chain that loops, an
//! empty long-poll answer at once, a listing that fails mid-way). It counts the calls of each
//! method, so a test can bound how often the client calls a misbehaving server.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::{Buf, BufMut, Bytes};
use prost::Message;
use temporal_client::{Client, Connection, ConnectionOptions};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::{BoxFuture, Context, Poll, Service, http};
use tonic::server::{Grpc, UnaryService};
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic::{Request, Response, Status};

type Answer = Arc<dyn Fn(Bytes) -> Result<Bytes, Status> + Send + Sync>;

#[derive(Default)]
struct State {
    answers: Mutex<HashMap<&'static str, Answer>>,
    calls: Mutex<HashMap<String, usize>>,
}

/// The fake, on a loopback port. `GetSystemInfo` (the connection's handshake) answers an
/// empty message; other unscripted methods answer `UNIMPLEMENTED`.
pub(crate) struct ScriptedServer {
    address: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl ScriptedServer {
    pub(crate) async fn start() -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("a loopback port");
        let address = listener.local_addr().expect("an address");
        let state = Arc::new(State::default());
        let service = ScriptedService(Arc::clone(&state));
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
        let answer: Answer = Arc::new(move |body: Bytes| {
            let request = Req::decode(body).map_err(|e| Status::internal(e.to_string()))?;
            answer(request).map(|response| Bytes::from(response.encode_to_vec()))
        });
        self.state
            .answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(method, answer);
    }

    /// Answers each call of `method` with `response`, encoded once: for responses too large
    /// to encode per call.
    #[allow(
        dead_code,
        reason = "used by tests/memory.rs, which includes this module"
    )]
    pub(crate) fn answer_encoded(&self, method: &'static str, response: Bytes) {
        let answer: Answer = Arc::new(move |_| Ok(response.clone()));
        self.state
            .answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(method, answer);
    }

    /// How many calls of `method` arrived.
    pub(crate) fn calls(&self, method: &str) -> usize {
        self.state
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(method)
            .copied()
            .unwrap_or_default()
    }

    pub(crate) async fn connection(&self) -> Connection {
        Connection::connect(ConnectionOptions::new(self.address.to_string()))
            .await
            .expect("connects to the fake")
    }

    pub(crate) async fn client(&self) -> Client {
        Client::new(self.connection().await)
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Clone)]
struct ScriptedService(Arc<State>);

impl Service<http::Request<tonic::body::Body>> for ScriptedService {
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
    state: Arc<State>,
    method: String,
}

impl UnaryService<Bytes> for Handler {
    type Response = Bytes;
    type Future = BoxFuture<Response<Bytes>, Status>;

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        *self
            .state
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(self.method.clone())
            .or_default() += 1;
        let answer = self
            .state
            .answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(self.method.as_str())
            .cloned();
        let body = request.into_inner();
        let method = self.method.clone();
        Box::pin(async move {
            match answer {
                Some(answer) => answer(body).map(Response::new),
                None if method == "GetSystemInfo" => Ok(Response::new(Bytes::new())),
                None => Err(Status::unimplemented(format!("{method} is not scripted"))),
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
