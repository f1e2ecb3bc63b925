//! Issue 16's "below bare tonic" experiment: the generated `WorkflowServiceClient` over
//! transports leaner than tonic's `Channel`, which puts a `Buffer` (a spawned worker task and
//! a queue hop), a reconnecting service and an origin layer in front of hyper.
//!
//! - [`HyperDirect`]: hyper's HTTP/2 `SendRequest`, cloned per call, driven directly: no
//!   `Buffer`, no reconnect. hyper still hands each request to its connection task through a
//!   channel, and spawns a task per request for its response (and one that pipes the body
//!   into h2 when it is not sent at once).
//! - [`H2Direct`]: h2's `SendRequest` driven from the caller's task: the request's headers
//!   and its one body frame are queued on the stream by the caller, and the answer is read
//!   from the stream, so the only other task is h2's connection task, which does the socket
//!   I/O.
//!
//! Both are what a leaner transport would cost at best: neither reconnects, keeps alive,
//! speaks TLS or enforces a deadline (tonic's `Grpc` sends `grpc-timeout`, the server
//! enforces it). Benchmark modes only; see bench/notes/transport-experiment.md.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame};
use tokio::net::TcpStream;
use tonic::body::Body;
use tonic::codegen::{StdError, http};
use tonic::transport::{Channel, Endpoint};

use crate::Error;

/// Flow-control windows and send buffer as hyper sets them by default (which is what tonic's
/// `Channel` runs with), so that only the layering differs between the modes.
const STREAM_WINDOW: u32 = 2 * 1024 * 1024;
const CONNECTION_WINDOW: u32 = 5 * 1024 * 1024;
const MAX_SEND_BUFFER: usize = 1024 * 1024;

/// What the generated client needs of a transport, in one name.
pub(crate) trait Transport:
    tonic::client::GrpcService<
        Body,
        Error: Into<StdError>,
        ResponseBody: HttpBody<Data = Bytes, Error: Into<StdError> + Send> + Send + 'static,
        Future: Send,
    > + Clone
    + Send
    + Sync
    + 'static
{
}

impl<T> Transport for T where
    T: tonic::client::GrpcService<
            Body,
            Error: Into<StdError>,
            ResponseBody: HttpBody<Data = Bytes, Error: Into<StdError> + Send> + Send + 'static,
            Future: Send,
        > + Clone
        + Send
        + Sync
        + 'static
{
}

/// The origin every request is sent to (scheme and authority; the generated client adds
/// the path).
pub(crate) fn origin(address: &str) -> Result<http::Uri, Error> {
    Ok(format!("http://{address}").parse()?)
}

async fn dial(address: &str) -> Result<TcpStream, Error> {
    let tcp = TcpStream::connect(address).await?;
    // As tonic's `Endpoint` does by default.
    tcp.set_nodelay(true)?;
    Ok(tcp)
}

/// tonic's `Channel` with its HTTP/2 settings changed, for the "tuned h2 settings" half of
/// the experiment: larger windows fixed up front (no adaptive window, no BDP pings), a
/// larger `Buffer` in front of the connection.
pub(crate) async fn tuned_channel(address: &str) -> Result<Channel, Error> {
    Ok(Endpoint::from_shared(format!("http://{address}"))?
        .tcp_nodelay(true)
        .http2_adaptive_window(false)
        .initial_stream_window_size(STREAM_WINDOW)
        .initial_connection_window_size(CONNECTION_WINDOW)
        .buffer_size(4096)
        .connect()
        .await?)
}

/// hyper's HTTP/2 client connection, shared by cloning its `SendRequest`.
#[derive(Clone, Debug)]
pub(crate) struct HyperDirect {
    sender: hyper::client::conn::http2::SendRequest<Body>,
}

impl HyperDirect {
    /// Dials `address` and runs the connection on a task of the current runtime.
    pub(crate) async fn connect(address: &str) -> Result<Self, Error> {
        let io = hyper_util::rt::TokioIo::new(dial(address).await?);
        let (sender, connection) =
            hyper::client::conn::http2::Builder::new(hyper_util::rt::TokioExecutor::new())
                .initial_stream_window_size(STREAM_WINDOW)
                .initial_connection_window_size(CONNECTION_WINDOW)
                .max_send_buf_size(MAX_SEND_BUFFER)
                .handshake(io)
                .await?;
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                eprintln!("hyper-direct: the connection ended: {err}");
            }
        });
        Ok(Self { sender })
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = Result<T, StdError>> + Send>>;

impl tower_service::Service<http::Request<Body>> for HyperDirect {
    type Response = http::Response<hyper::body::Incoming>;
    type Error = StdError;
    type Future = BoxFuture<Self::Response>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), StdError>> {
        self.sender.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let response = self.sender.send_request(request);
        Box::pin(async move { response.await.map_err(Into::into) })
    }
}

/// h2's client connection, driven from the caller's task.
#[derive(Clone, Debug)]
pub(crate) struct H2Direct {
    sender: h2::client::SendRequest<Bytes>,
}

impl H2Direct {
    /// Dials `address` and runs the connection on a task of the current runtime.
    pub(crate) async fn connect(address: &str) -> Result<Self, Error> {
        let (sender, connection) = h2::client::Builder::new()
            .initial_window_size(STREAM_WINDOW)
            .initial_connection_window_size(CONNECTION_WINDOW)
            .max_send_buffer_size(MAX_SEND_BUFFER)
            .handshake(dial(address).await?)
            .await?;
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                eprintln!("h2-direct: the connection ended: {err}");
            }
        });
        Ok(Self { sender })
    }
}

impl tower_service::Service<http::Request<Body>> for H2Direct {
    type Response = http::Response<H2Body>;
    type Error = StdError;
    type Future = BoxFuture<Self::Response>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), StdError>> {
        self.sender.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let mut sender = self.sender.clone();
        Box::pin(async move {
            let (parts, mut body) = request.into_parts();
            let head = http::Request::from_parts(parts, ());
            if body.is_end_stream() {
                let (response, _) = sender.send_request(head, true)?;
                return Ok(response.await?.map(H2Body::new));
            }
            let (response, mut stream) = sender.send_request(head, false)?;
            // A unary request's body is one frame: it goes out with the end-of-stream flag,
            // in the same write as the headers when the connection task next runs.
            loop {
                let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
                match frame {
                    None => {
                        stream.send_data(Bytes::new(), true)?;
                        break;
                    }
                    Some(frame) => {
                        if let Ok(data) = frame?.into_data() {
                            let last = body.is_end_stream();
                            stream.send_data(data, last)?;
                            if last {
                                break;
                            }
                        }
                    }
                }
            }
            Ok(response.await?.map(H2Body::new))
        })
    }
}

/// An h2 response body as an `http_body::Body`: its data frames (their flow-control
/// capacity released as they are read), then its trailers, where gRPC puts the status.
#[derive(Debug)]
pub(crate) struct H2Body {
    stream: h2::RecvStream,
    data_done: bool,
}

impl H2Body {
    fn new(stream: h2::RecvStream) -> Self {
        Self {
            stream,
            data_done: false,
        }
    }
}

impl HttpBody for H2Body {
    type Data = Bytes;
    type Error = h2::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, h2::Error>>> {
        let this = self.get_mut();
        if !this.data_done {
            match ready!(this.stream.poll_data(cx)) {
                Some(Ok(data)) => {
                    let _ = this.stream.flow_control().release_capacity(data.len());
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                Some(Err(err)) => return Poll::Ready(Some(Err(err))),
                None => this.data_done = true,
            }
        }
        match ready!(this.stream.poll_trailers(cx)) {
            Ok(Some(trailers)) => Poll::Ready(Some(Ok(Frame::trailers(trailers)))),
            Ok(None) => Poll::Ready(None),
            Err(err) => Poll::Ready(Some(Err(err))),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.stream.is_end_stream()
    }
}
