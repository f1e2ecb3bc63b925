//! [`CallTransport`]: what the client's own calls are sent through, tonic's `Channel` or the
//! direct HTTP/2 transport (the `http2-direct` feature), as [`Http2Transport`], the option of
//! [`ConnectionOptions::http2_transport`], chose.
//!
//! [`ConnectionOptions::http2_transport`]: crate::ConnectionOptions::http2_transport

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use tonic::Status;
use tonic::body::Body;
use tonic::codegen::{StdError, http};
use tonic::transport::Channel;

#[cfg(feature = "http2-direct")]
use crate::direct::{self, DirectTransport, H2Body};

/// Which HTTP/2 client carries a connection's calls
/// ([`ConnectionOptions::http2_transport`](crate::ConnectionOptions::http2_transport)).
///
/// # Examples
///
/// ```
/// use temporal_client::{ConnectionOptions, Http2Transport};
///
/// let options = ConnectionOptions::new("localhost:7233").http2_transport(Http2Transport::Direct);
/// # let _ = options;
/// assert_eq!(Http2Transport::default(), Http2Transport::Channel);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Http2Transport {
    /// tonic's `Channel` (hyper's HTTP/2 client behind a `Buffer` worker task): the default.
    #[default]
    Channel,
    /// h2's client driven from each call's own task: no worker task and no hyper dispatch
    /// between a call and its HTTP/2 stream, which costs fewer instructions and allocations
    /// per call. TLS and mTLS as with `Channel` (the same [`TlsOptions`](crate::TlsOptions),
    /// handshake with rustls and ring, ALPN `h2` required); not with DNS load balancing.
    /// Needs the `http2-direct` feature: without it, a connection asking for it is refused
    /// with a [`ConnectError::InvalidOption`](crate::ConnectError::InvalidOption) naming the
    /// feature.
    Direct,
}

/// One of the two transports, as one `tower::Service` for the client's calls (`unary`): an enum rather
/// than a boxed service, so that the default path costs no more than `Channel` alone.
#[derive(Debug, Clone)]
pub(crate) enum CallTransport {
    Channel(Channel),
    #[cfg(feature = "http2-direct")]
    Direct(DirectTransport),
}

impl tower_service::Service<http::Request<Body>> for CallTransport {
    type Response = http::Response<CallBody>;
    type Error = StdError;
    type Future = CallFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), StdError>> {
        match self {
            Self::Channel(channel) => channel.poll_ready(cx).map_err(Into::into),
            #[cfg(feature = "http2-direct")]
            Self::Direct(direct) => direct.poll_ready(cx).map_err(Into::into),
        }
    }

    fn call(&mut self, request: http::Request<Body>) -> CallFuture {
        match self {
            Self::Channel(channel) => CallFuture::Channel(channel.call(request)),
            #[cfg(feature = "http2-direct")]
            Self::Direct(direct) => CallFuture::Direct(direct.call(request)),
        }
    }
}

/// The response future of either transport.
pub(crate) enum CallFuture {
    Channel(tonic::transport::channel::ResponseFuture),
    #[cfg(feature = "http2-direct")]
    Direct(direct::ResponseFuture),
}

impl Future for CallFuture {
    type Output = Result<http::Response<CallBody>, StdError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            Self::Channel(future) => Pin::new(future).poll(cx).map(|outcome| {
                outcome
                    .map(|response| response.map(CallBody::Channel))
                    .map_err(Into::into)
            }),
            #[cfg(feature = "http2-direct")]
            Self::Direct(future) => future.as_mut().poll(cx).map(|outcome| {
                outcome
                    .map(|response| response.map(CallBody::Direct))
                    .map_err(Into::into)
            }),
        }
    }
}

/// The response body of either transport.
#[derive(Debug)]
pub(crate) enum CallBody {
    Channel(Body),
    #[cfg(feature = "http2-direct")]
    Direct(H2Body),
}

/// An empty body: what an interceptor that refuses a call answers with (the connect-time
/// `GetSystemInfo` goes through tonic's generated client).
impl Default for CallBody {
    fn default() -> Self {
        Self::Channel(Body::default())
    }
}

impl HttpBody for CallBody {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        match self.get_mut() {
            Self::Channel(body) => Pin::new(body).poll_frame(cx),
            #[cfg(feature = "http2-direct")]
            Self::Direct(body) => Pin::new(body).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Self::Channel(body) => body.is_end_stream(),
            #[cfg(feature = "http2-direct")]
            Self::Direct(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Self::Channel(body) => body.size_hint(),
            #[cfg(feature = "http2-direct")]
            Self::Direct(body) => body.size_hint(),
        }
    }
}
