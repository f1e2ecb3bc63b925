//! How a [`Connection`](crate::Connection) reaches its server: tonic's own connector; a
//! connector that resolves with the connection's [`Resolve`](crate::Resolve)r or tunnels
//! through an HTTP CONNECT proxy; or a channel balanced over every address of the name.

use std::collections::HashSet;
use std::error::Error as StdError;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::mpsc::Sender;
use tonic::transport::channel::Change;
use tonic::transport::{Channel, Endpoint, Uri};

use crate::error::ConnectError;
use crate::proxy::{ProxyFailure, ProxyTarget};
use crate::resolve::Resolver;

type BoxError = Box<dyn StdError + Send + Sync>;

/// How a connection dials: chosen once from its options.
pub(crate) enum Transport {
    /// tonic's connector: the system resolver, addresses tried in order. Today's default.
    Tonic(Endpoint),
    /// One HTTP/2 connection made by [`Connector`].
    Custom(Endpoint, Connector),
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

/// A channel balanced over every address a name resolves to, resolved again every
/// `interval`.
pub(crate) struct BalancePlan {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) resolver: Resolver,
    pub(crate) interval: Duration,
    /// The endpoint of one address: TLS, keepalive and timeouts as the options say, the
    /// name kept as the TLS server name and the HTTP/2 authority.
    pub(crate) endpoint_for:
        Box<dyn Fn(SocketAddr) -> Result<Endpoint, ConnectError> + Send + Sync>,
}

impl BalancePlan {
    /// A channel over the name's current addresses, kept up to date by a task that ends
    /// when the channel is dropped.
    pub(crate) async fn connect(self) -> Result<Channel, io::Error> {
        let addresses = self.resolver.resolve(&self.host, self.port).await?;
        let (channel, changes) = Channel::balance_channel(BALANCE_CHANGES);
        let mut current = HashSet::new();
        self.apply(&changes, &mut current, addresses).await;
        tokio::spawn(self.keep_resolved(changes, current));
        Ok(channel)
    }

    /// A channel whose first resolution happens in the background, like a lazy connection.
    pub(crate) fn connect_lazy(self) -> Channel {
        let (channel, changes) = Channel::balance_channel(BALANCE_CHANGES);
        tokio::spawn(async move {
            let mut current = HashSet::new();
            if let Ok(addresses) = self.resolver.resolve(&self.host, self.port).await {
                self.apply(&changes, &mut current, addresses).await;
            }
            self.keep_resolved(changes, current).await;
        });
        channel
    }

    async fn keep_resolved(
        self,
        changes: Sender<Change<SocketAddr, Endpoint>>,
        mut current: HashSet<SocketAddr>,
    ) {
        loop {
            // Closed: every clone of the channel is gone.
            if tokio::time::timeout(self.interval, changes.closed())
                .await
                .is_ok()
            {
                return;
            }
            // A failed resolution keeps the addresses known: a DNS hiccup must not empty the
            // channel.
            if let Ok(addresses) = self.resolver.resolve(&self.host, self.port).await {
                self.apply(&changes, &mut current, addresses).await;
            }
        }
    }

    async fn apply(
        &self,
        changes: &Sender<Change<SocketAddr, Endpoint>>,
        current: &mut HashSet<SocketAddr>,
        addresses: Vec<SocketAddr>,
    ) {
        let resolved: HashSet<SocketAddr> = addresses.into_iter().collect();
        for gone in current.difference(&resolved) {
            let _ = changes.send(Change::Remove(*gone)).await;
        }
        for new in resolved.difference(current) {
            if let Ok(endpoint) = (self.endpoint_for)(*new) {
                let _ = changes.send(Change::Insert(*new, endpoint)).await;
            }
        }
        *current = resolved;
    }
}

/// How many address changes may wait for the balancer.
const BALANCE_CHANGES: usize = 64;
