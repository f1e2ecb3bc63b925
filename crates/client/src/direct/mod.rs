//! The direct HTTP/2 transport ([`Http2Transport::Direct`](crate::Http2Transport::Direct), the
//! `http2-direct` feature): the client's calls driven on h2's
//! `SendRequest` from the caller's own task, with no `Buffer` worker and no hyper dispatch task
//! between the call and the connection. See bench/notes/transport-experiment.md for why.
//!
//! - [`connect`]: the connection manager: dialling through the connection's connector,
//!   single-flight reconnection, keepalive pings.
//! - [`body`]: an h2 response stream as an `http_body::Body`.
//! - `tls` (with the `tls` feature): the TLS handshake over the connector's stream.
//! - this module: the `tower::Service` that tonic's `Grpc` sends calls through.

mod body;
mod connect;
#[cfg(feature = "tls")]
mod tls;

use std::fmt;
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::future::{Either, select};
use http_body::Body as HttpBody;
use tonic::body::Body;
use tonic::codegen::http::{self, HeaderValue, header::USER_AGENT, uri};
use tonic::{Code, Status};

pub(crate) use body::H2Body;
pub(crate) use connect::Settings;
use connect::{Connections, DialError};
#[cfg(feature = "tls")]
pub(crate) use tls::Tls;

/// What tonic's `Channel` sends as `user-agent` (tonic's `UserAgent` layer with no prefix),
/// so that a server sees the same client whichever transport carries the call. The reliability
/// suite compares the two (tests/reliability/direct.rs).
const USER_AGENT_VALUE: &str = "tonic/0.14.9";

/// The largest body chunk handed to h2 without waiting for flow-control capacity: a quarter
/// of HTTP/2's initial 64 KiB window.
const SMALL_MESSAGE: usize = 16 * 1024;

/// The direct transport of one connection: cheap to clone, every clone shares the connection.
#[derive(Clone)]
pub(crate) struct DirectTransport {
    shared: Arc<Shared>,
}

struct Shared {
    scheme: uri::Scheme,
    authority: uri::Authority,
    connections: Connections,
}

impl fmt::Debug for DirectTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DirectTransport")
            .field("authority", &self.shared.authority)
            .finish_non_exhaustive()
    }
}

impl DirectTransport {
    /// A transport that dials `dial` through `connector` on the first call and after every
    /// lost connection, and sends `origin`'s scheme and authority (as the server should see
    /// them; `dial`'s when `None`) with every request.
    pub(crate) fn new<C>(
        dial: &uri::Uri,
        origin: Option<&uri::Uri>,
        connector: C,
        settings: Settings,
    ) -> Self
    where
        C: tower_service::Service<uri::Uri> + Clone + Send + Sync + 'static,
        C::Future: Send,
        C::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
        C::Response: Send + 'static,
        hyper_util::rt::TokioIo<C::Response>:
            tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let origin = origin.unwrap_or(dial);
        Self {
            shared: Arc::new(Shared {
                scheme: origin.scheme().cloned().unwrap_or(uri::Scheme::HTTP),
                authority: origin
                    .authority()
                    .cloned()
                    .unwrap_or_else(|| uri::Authority::from_static("localhost")),
                connections: Connections::new(dial.clone(), connector, settings),
            }),
        }
    }

    /// Dials now rather than on the first call, for `Connection::connect`.
    pub(crate) async fn connect(&self) -> Result<(), DialError> {
        self.shared.connections.acquire().await.map(drop)
    }
}

/// The future of one call over the direct transport.
pub(crate) type ResponseFuture =
    Pin<Box<dyn Future<Output = Result<http::Response<H2Body>, Status>> + Send>>;

impl tower_service::Service<http::Request<Body>> for DirectTransport {
    type Response = http::Response<H2Body>;
    type Error = Status;
    type Future = ResponseFuture;

    /// Always ready: a call waits for its connection, and for a stream under the server's
    /// `MAX_CONCURRENT_STREAMS` (h2 queues it), inside its own future, bounded by its deadline.
    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Status>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let shared = Arc::clone(&self.shared);
        Box::pin(async move {
            let (mut head, body) = request.into_parts();
            shared.set_origin(&mut head)?;
            let mut sender = shared.ready_sender().await?;
            let end_of_stream = body.is_end_stream();
            let (response, stream) = sender
                .send_request(http::Request::from_parts(head, ()), end_of_stream)
                .map_err(status_of)?;
            let response = if end_of_stream {
                response.await.map_err(status_of)?
            } else {
                exchange(response, stream, body).await?
            };
            Ok(response.map(H2Body::new))
        })
    }
}

impl Shared {
    /// Gives the request the origin and `user-agent` that tonic's `Channel` would.
    fn set_origin(&self, head: &mut http::request::Parts) -> Result<(), Status> {
        let mut parts = std::mem::take(&mut head.uri).into_parts();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        head.uri = uri::Uri::from_parts(parts)
            .map_err(|error| Status::internal(format!("the request's URI is invalid: {error}")))?;
        let agent = HeaderValue::from_static(USER_AGENT_VALUE);
        if let Ok(Some(theirs)) = head.headers.try_insert(USER_AGENT, agent) {
            // A user-agent set by the call goes first, as tonic's `UserAgent` layer does.
            let mut value = theirs.as_bytes().to_vec();
            value.push(b' ');
            value.extend_from_slice(USER_AGENT_VALUE.as_bytes());
            if let Ok(joined) = HeaderValue::from_bytes(&value) {
                head.headers.insert(USER_AGENT, joined);
            }
        }
        Ok(())
    }

    /// A handle of a live connection that may open a stream now. A connection that turns out
    /// dead here (closed, or a GOAWAY received) has not seen this call, so it is replaced and
    /// the call tries once more on the new one.
    async fn ready_sender(&self) -> Result<h2::client::SendRequest<Bytes>, Status> {
        let mut live = self.connections.acquire().await.map_err(unavailable)?;
        if std::future::poll_fn(|cx| live.sender.poll_ready(cx))
            .await
            .is_ok()
        {
            return Ok(live.sender);
        }
        live.close();
        let mut live = self.connections.acquire().await.map_err(unavailable)?;
        match std::future::poll_fn(|cx| live.sender.poll_ready(cx)).await {
            Ok(()) => Ok(live.sender),
            Err(error) => {
                live.close();
                Err(status_of(error))
            }
        }
    }
}

/// Sends the request's body while waiting for the response: a server may answer (with an
/// error) before it has read a large body, and the body must not wait for window it will
/// never get.
async fn exchange(
    response: h2::client::ResponseFuture,
    mut stream: h2::SendStream<Bytes>,
    body: Body,
) -> Result<http::Response<h2::RecvStream>, Status> {
    let sending = pin!(send_body(&mut stream, body));
    let response = pin!(response);
    match select(sending, response).await {
        Either::Right((answer, _)) => answer.map_err(status_of),
        Either::Left((Ok(()), response)) => response.await.map_err(status_of),
        // The server may still have answered (a status explains more than a reset stream).
        Either::Left((Err(failure), response)) => response.await.map_err(|_| failure),
    }
}

/// Sends `body` on `stream` under HTTP/2 flow control: each chunk waits for the window the
/// peer grants, so a large message streams instead of being buffered whole by h2.
async fn send_body(stream: &mut h2::SendStream<Bytes>, mut body: Body) -> Result<(), Status> {
    let mut next = next_frame(&mut body).await;
    loop {
        let Some(frame) = next else {
            return stream.send_data(Bytes::new(), true).map_err(status_of);
        };
        let frame = frame.inspect_err(|_| stream.send_reset(h2::Reason::CANCEL))?;
        match frame.into_data() {
            Ok(data) => {
                // tonic's encoder knows it has ended only when polled once more: look without
                // waiting, so that the last DATA frame carries END_STREAM instead of an empty
                // frame following it.
                let following = if body.is_end_stream() {
                    Poll::Ready(None)
                } else {
                    std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut body).poll_frame(cx))).await
                };
                let last = matches!(following, Poll::Ready(None));
                send_data(stream, data, last).await?;
                if last {
                    return Ok(());
                }
                next = match following {
                    Poll::Ready(frame) => frame,
                    Poll::Pending => next_frame(&mut body).await,
                };
            }
            Err(frame) => {
                if let Ok(trailers) = frame.into_trailers() {
                    return stream.send_trailers(trailers).map_err(status_of);
                }
                next = next_frame(&mut body).await;
            }
        }
    }
}

/// The body's next frame, waiting for it; `None` at its end.
async fn next_frame(body: &mut Body) -> Option<Result<http_body::Frame<Bytes>, Status>> {
    std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await
}

async fn send_data(
    stream: &mut h2::SendStream<Bytes>,
    mut data: Bytes,
    last: bool,
) -> Result<(), Status> {
    // A small message goes to h2 at once (it goes out as the windows allow, held by h2 at
    // most once): the flow-control dance would cost every small call for nothing.
    if data.len() <= SMALL_MESSAGE {
        return stream.send_data(data, last).map_err(status_of);
    }
    while !data.is_empty() {
        stream.reserve_capacity(data.len());
        let granted = match std::future::poll_fn(|cx| stream.poll_capacity(cx)).await {
            Some(granted) => granted.map_err(status_of)?,
            None => return Err(Status::unavailable("the stream closed while sending")),
        };
        if granted == 0 {
            continue;
        }
        let chunk = data.split_to(granted.min(data.len()));
        stream
            .send_data(chunk, last && data.is_empty())
            .map_err(status_of)?;
    }
    Ok(())
}

/// A failure to reach the server as tonic reports one (`UNAVAILABLE` caused by a
/// `tonic::ConnectError`), so that the retry policy knows the request was not sent.
fn unavailable(error: DialError) -> Status {
    Status::from_error(Box::new(tonic::ConnectError(Box::new(error))))
}

/// An h2 failure as the status of the call, with the h2 error kept as its source (the retry
/// policy reads GOAWAY reasons there). A lost connection or a GOAWAY is `UNAVAILABLE`: the
/// retry policy retries it. Stream resets map as gRPC's HTTP/2 mapping says.
pub(crate) fn status_of(error: h2::Error) -> Status {
    let code = if error.is_io() || error.is_go_away() {
        Code::Unavailable
    } else {
        match error.reason() {
            Some(h2::Reason::REFUSED_STREAM) => Code::Unavailable,
            Some(h2::Reason::CANCEL) => Code::Cancelled,
            Some(h2::Reason::ENHANCE_YOUR_CALM) => Code::ResourceExhausted,
            Some(h2::Reason::INADEQUATE_SECURITY) => Code::PermissionDenied,
            _ => Code::Internal,
        }
    };
    let mut status = Status::new(code, format!("h2 protocol error: {error}"));
    status.set_source(Arc::new(error));
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_resets_map_to_the_codes_grpc_gives_them_keeping_the_h2_error() {
        for (reason, code) in [
            (h2::Reason::REFUSED_STREAM, Code::Unavailable),
            (h2::Reason::CANCEL, Code::Cancelled),
            (h2::Reason::ENHANCE_YOUR_CALM, Code::ResourceExhausted),
            (h2::Reason::INADEQUATE_SECURITY, Code::PermissionDenied),
            (h2::Reason::INTERNAL_ERROR, Code::Internal),
            (h2::Reason::NO_ERROR, Code::Internal),
        ] {
            let status = status_of(h2::Error::from(reason));
            assert_eq!(status.code(), code, "{reason:?}");
            let source = std::error::Error::source(&status).expect("a source");
            assert!(source.is::<h2::Error>(), "{reason:?}");
        }
    }
}
