//! How a [`Connection`](crate::Connection) reaches its server: one connection, dialled by a
//! connector that resolves with the connection's [`Resolve`](crate::Resolve)r (the system's
//! unless the caller gave one) or tunnels through an HTTP CONNECT proxy; or a channel balanced
//! over every address of the name ([`BalancePlan`], in `balance.rs`).

use std::error::Error as StdError;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tonic::transport::{Endpoint, Uri};

pub(crate) use crate::balance::BalancePlan;
use crate::coalesce::CoalescingStream;
use crate::proxy::{ProxyFailure, ProxyTarget};
use crate::resolve::Resolver;

type BoxError = Box<dyn StdError + Send + Sync>;

/// How a connection dials: chosen once from its options.
// Built once per connection and consumed as it connects: its size costs nothing.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Transport {
    /// One HTTP/2 connection made by [`Connector`].
    Single(Endpoint, Connector),
    /// One HTTP/2 connection per address of the name, calls spread over them.
    Balanced(BalancePlan),
}

/// Dials one connection for tonic, resolving the name again on every (re)connection.
#[derive(Clone)]
pub(crate) struct Connector {
    route: Arc<Route>,
    /// Whether a proxy ever opened a tunnel: when a connect times out before one did, the
    /// proxy is the one that did not answer.
    tunnel_opened: Arc<AtomicBool>,
}

enum Route {
    Resolve(Resolver),
    Proxy(ProxyTarget),
}

impl Connector {
    pub(crate) fn resolving(resolver: Resolver) -> Self {
        Self::new(Route::Resolve(resolver))
    }

    pub(crate) fn through_proxy(proxy: ProxyTarget) -> Self {
        Self::new(Route::Proxy(proxy))
    }

    fn new(route: Route) -> Self {
        Self {
            route: Arc::new(route),
            tunnel_opened: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The proxy this connector tunnels through, by name, if one.
    pub(crate) fn proxy_name(&self) -> Option<String> {
        match &*self.route {
            Route::Proxy(proxy) => Some(proxy.name()),
            Route::Resolve(_) => None,
        }
    }

    pub(crate) fn tunnel_opened(&self) -> bool {
        self.tunnel_opened.load(Ordering::Relaxed)
    }
}

impl tower_service::Service<Uri> for Connector {
    type Response = TokioIo<TcpStream>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let route = Arc::clone(&self.route);
        let tunnel_opened = Arc::clone(&self.tunnel_opened);
        Box::pin(async move {
            let host = uri.host().ok_or("the server URI has no host")?.to_owned();
            let port = uri.port_u16().unwrap_or(match uri.scheme_str() {
                Some("https") => 443,
                _ => 80,
            });
            let stream = match &*route {
                Route::Proxy(proxy) => {
                    let stream = proxy.open_tunnel(&format!("{host}:{port}")).await?;
                    tunnel_opened.store(true, Ordering::Relaxed);
                    stream
                }
                Route::Resolve(resolver) => {
                    let addresses = resolver.resolve(&host, port).await.map_err(DnsError)?;
                    dial_first(&addresses).await?
                }
            };
            let _ = stream.set_nodelay(true);
            Ok(TokioIo::new(stream))
        })
    }
}

/// [`Connector`] for tonic's `Channel`: its connections hold lone PING acknowledgements back
/// and join a request's HEADERS to its DATA (crate::coalesce), as the direct transport's do.
/// Under TLS, which tonic puts above the connector, frames pass as they are: they are inside
/// TLS records there.
#[derive(Clone)]
pub(crate) struct CoalescingConnector(pub(crate) Connector);

impl tower_service::Service<Uri> for CoalescingConnector {
    type Response = TokioIo<CoalescingStream<TcpStream>>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let dialing = self.0.call(uri);
        Box::pin(async move {
            let stream = dialing.await?.into_inner();
            Ok(TokioIo::new(CoalescingStream::new(stream)))
        })
    }
}

/// A failed resolution, shaped as hyper-util's connector reports one ("dns error", caused by
/// the resolver's error), so that the retry policy tells a name that does not exist apart
/// from a passing fault whichever connector dialled (retry.rs `permanent_failure`).
#[derive(Debug)]
struct DnsError(io::Error);

impl std::fmt::Display for DnsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("dns error")
    }
}

impl StdError for DnsError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.0)
    }
}

/// The first of `addresses` that accepts, or the last refusal.
async fn dial_first(addresses: &[SocketAddr]) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no address to dial");
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(stream) => return Ok(stream),
            Err(error) => last = error,
        }
    }
    Err(last)
}

/// The proxy's failure inside a tonic transport error, if that is what it is.
pub(crate) fn proxy_failure<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a ProxyFailure> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(failure) = error.downcast_ref::<ProxyFailure>() {
            return Some(failure);
        }
        current = error.source();
    }
    None
}
