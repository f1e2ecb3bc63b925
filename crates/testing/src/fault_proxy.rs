//! [`FaultProxy`]: a TCP proxy between a client and a server that injects network faults on
//! command (latency, refused connections, resets, a black hole) and can terminate TLS.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::certificates::{TestCertificates, server_config};

/// How long the accept loop rests after a failed `accept` (out of file descriptors, say)
/// before it tries again, so that it does not spin.
const ACCEPT_RETRY: Duration = Duration::from_millis(10);
/// The most bytes one read takes from a socket: the unit that [`FaultProxy::delay`] delays.
const CHUNK: usize = 16 * 1024;

/// A TCP proxy on a free loopback port, between a client and an upstream server, that injects
/// network faults on command while it runs: latency ([`delay`](FaultProxy::delay)), refused
/// connections ([`drop_new_connections`](FaultProxy::drop_new_connections)), resets
/// ([`reset_connections`](FaultProxy::reset_connections)) and silence
/// ([`black_hole`](FaultProxy::black_hole)), until [`pass`](FaultProxy::pass) lets traffic
/// through again. It counts what it did in [`stats`](FaultProxy::stats).
///
/// With [`tls`](FaultProxyBuilder::tls) it also terminates TLS with [`TestCertificates`]
/// (optionally requiring a client certificate: mTLS), so a client's TLS settings meet a real
/// handshake in front of a plaintext [`DevServer`](crate::DevServer).
///
/// Stops listening, and closes every connection, when dropped. It must be started and dropped
/// within a Tokio runtime, whose tasks do the forwarding.
///
/// # Examples
///
/// ```no_run
/// use std::time::Duration;
/// use temporal_testing::{DevServer, FaultProxy};
///
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// let server = DevServer::start().await?;
/// let proxy = FaultProxy::start(server.address()).await?;
/// // Connect a client to `proxy.address()` instead of the server, then:
/// proxy.delay(Duration::from_millis(50));
/// let reset = proxy.reset_connections();
/// proxy.pass();
/// assert_eq!(proxy.stats().connections_reset, reset as u64);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct FaultProxy {
    address: SocketAddr,
    shared: Arc<Shared>,
    accept_task: JoinHandle<()>,
}

/// Configures a [`FaultProxy`]: plaintext by default, TLS with [`tls`](FaultProxyBuilder::tls).
///
/// # Examples
///
/// ```
/// use temporal_testing::{FaultProxy, TestCertificates};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let certificates = TestCertificates::generate()?;
/// // The upstream is dialled only when a client connects, so the proxy starts without one.
/// let proxy = FaultProxy::builder("127.0.0.1:7233".parse()?)
///     .tls(&certificates)
///     .require_client_certificate()
///     .start()
///     .await?;
/// // A client dials `localhost:{port}`, trusting `certificates.ca_pem` and presenting
/// // `certificates.client_cert_pem`.
/// let port = proxy.address().port();
/// # let _ = port;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct FaultProxyBuilder {
    upstream: SocketAddr,
    listen_ip: IpAddr,
    certificates: Option<TestCertificates>,
    require_client_certificate: bool,
}

/// What a [`FaultProxy`] has done since it started.
///
/// # Examples
///
/// ```
/// # use temporal_testing::FaultProxy;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let proxy = FaultProxy::start("127.0.0.1:7233".parse()?).await?;
/// let stats = proxy.stats();
/// assert_eq!(stats.connections_accepted, 0);
/// assert_eq!(stats.live_connections, 0);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FaultProxyStats {
    /// Connections accepted from clients, dropped ones included.
    pub connections_accepted: u64,
    /// Connections closed at once because [`FaultProxy::drop_new_connections`] was in force.
    pub connections_dropped: u64,
    /// Connections reset by [`FaultProxy::reset_connections`].
    pub connections_reset: u64,
    /// TLS handshakes that failed: a client that did not trust the certificate, or presented
    /// no (or a foreign) client certificate where one is required.
    pub handshakes_failed: u64,
    /// Connections being forwarded now.
    pub live_connections: usize,
    /// Bytes forwarded from clients to the upstream (after TLS, when the proxy terminates it).
    pub bytes_to_upstream: u64,
    /// Bytes forwarded from the upstream to clients (before TLS, when the proxy terminates it).
    pub bytes_to_client: u64,
}

/// The direction of the traffic that [`FaultProxy::delay_toward`] delays.
///
/// # Examples
///
/// ```
/// # use std::time::Duration;
/// use temporal_testing::{TrafficDirection, FaultProxy};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let proxy = FaultProxy::start("127.0.0.1:7233".parse()?).await?;
/// // Slow answers, prompt requests.
/// proxy.delay_toward(TrafficDirection::ToClient, Duration::from_millis(200));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrafficDirection {
    /// From the client to the upstream server: requests.
    ToUpstream,
    /// From the upstream server to the client: responses.
    ToClient,
}

/// Why a [`FaultProxy`] did not start.
///
/// # Examples
///
/// ```
/// use temporal_testing::{FaultProxy, FaultProxyError};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let err = FaultProxy::builder("127.0.0.1:7233".parse()?)
///     .require_client_certificate()
///     .start()
///     .await
///     .expect_err("mTLS needs TLS");
/// assert!(matches!(err, FaultProxyError::ClientCertificateWithoutTls));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FaultProxyError {
    /// No port could be bound on the listening address.
    #[error("the fault proxy could not listen on its address")]
    Bind(#[source] io::Error),
    /// The certificates given to [`FaultProxyBuilder::tls`] do not make a TLS server.
    #[error("the fault proxy's TLS certificates do not load: {reason}")]
    Certificates {
        /// What is wrong with them.
        reason: String,
    },
    /// [`FaultProxyBuilder::require_client_certificate`] without
    /// [`FaultProxyBuilder::tls`]: a plaintext proxy sees no certificates.
    #[error("a client certificate can only be required over TLS; call `tls(..)` too")]
    ClientCertificateWithoutTls,
}

/// The faults in force, read by every connection for every chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Faults {
    mode: Mode,
    to_upstream: Duration,
    to_client: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Pass,
    DropNew,
    BlackHole,
}

impl Faults {
    const NONE: Self = Self {
        mode: Mode::Pass,
        to_upstream: Duration::ZERO,
        to_client: Duration::ZERO,
    };

    fn latency(&self, direction: TrafficDirection) -> Duration {
        match direction {
            TrafficDirection::ToUpstream => self.to_upstream,
            TrafficDirection::ToClient => self.to_client,
        }
    }
}

/// What the proxy handle, the accept loop and the connections share.
#[derive(Debug)]
struct Shared {
    faults: watch::Sender<Faults>,
    /// One reset trigger per connection being forwarded, by connection number.
    live: Mutex<HashMap<u64, oneshot::Sender<()>>>,
    next_connection: AtomicU64,
    accepted: AtomicU64,
    dropped: AtomicU64,
    reset: AtomicU64,
    handshakes_failed: AtomicU64,
    bytes_to_upstream: AtomicU64,
    bytes_to_client: AtomicU64,
}

impl FaultProxy {
    /// A plaintext proxy to `upstream` that lets traffic through until told otherwise;
    /// shorthand for `FaultProxy::builder(upstream).start()`.
    ///
    /// # Errors
    ///
    /// [`FaultProxyError::Bind`] when no loopback port can be bound.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_testing::FaultProxy;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let proxy = FaultProxy::start("127.0.0.1:7233".parse()?).await?;
    /// assert!(proxy.address().ip().is_loopback());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start(upstream: SocketAddr) -> Result<Self, FaultProxyError> {
        Self::builder(upstream).start().await
    }

    /// A proxy to `upstream`, configured before it starts.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_testing::{FaultProxy, TestCertificates};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let certificates = TestCertificates::generate()?;
    /// let proxy = FaultProxy::builder("127.0.0.1:7233".parse()?)
    ///     .tls(&certificates)
    ///     .start()
    ///     .await?;
    /// # let _ = proxy;
    /// # Ok(())
    /// # }
    /// ```
    pub fn builder(upstream: SocketAddr) -> FaultProxyBuilder {
        FaultProxyBuilder {
            upstream,
            listen_ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            certificates: None,
            require_client_certificate: false,
        }
    }

    /// Where the proxy listens: on 127.0.0.1 unless [`listen_on`](FaultProxyBuilder::listen_on)
    /// said otherwise. Over TLS, dial `localhost` on its port: the
    /// server certificate of [`TestCertificates`] names `localhost` only.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::FaultProxy;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let proxy = FaultProxy::start("127.0.0.1:7233".parse()?).await?;
    /// let target = format!("http://{}", proxy.address());
    /// # let _ = target;
    /// # Ok(())
    /// # }
    /// ```
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Lets all traffic through again, promptly: no latency, new connections accepted, and
    /// whatever a [`black_hole`](FaultProxy::black_hole) held back forwarded.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::FaultProxy;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let proxy = FaultProxy::start("127.0.0.1:7233".parse()?).await?;
    /// proxy.black_hole();
    /// // ... calls time out ...
    /// proxy.pass();
    /// # Ok(())
    /// # }
    /// ```
    pub fn pass(&self) {
        self.shared.faults.send_replace(Faults::NONE);
    }

    /// Holds every chunk of traffic, both ways, for `latency` before forwarding it, on live
    /// connections and new ones; `Duration::ZERO` removes the latency. A chunk is what one
    /// read returns (at most 16 KiB), so a busy connection is slowed more than an idle one.
    /// Does not change whether connections are dropped or black-holed.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use temporal_testing::FaultProxy;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let proxy = FaultProxy::start("127.0.0.1:7233".parse()?).await?;
    /// proxy.delay(Duration::from_millis(50)); // 100 ms more per round trip
    /// # Ok(())
    /// # }
    /// ```
    pub fn delay(&self, latency: Duration) {
        self.shared.faults.send_modify(|faults| {
            faults.to_upstream = latency;
            faults.to_client = latency;
        });
    }

    /// As [`delay`](FaultProxy::delay), for one direction only; the other keeps its latency.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::time::Duration;
    /// use temporal_testing::{TrafficDirection, FaultProxy};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let proxy = FaultProxy::start("127.0.0.1:7233".parse()?).await?;
    /// proxy.delay_toward(TrafficDirection::ToUpstream, Duration::from_millis(100));
    /// # Ok(())
    /// # }
    /// ```
    pub fn delay_toward(&self, direction: TrafficDirection, latency: Duration) {
        self.shared.faults.send_modify(|faults| match direction {
            TrafficDirection::ToUpstream => faults.to_upstream = latency,
            TrafficDirection::ToClient => faults.to_client = latency,
        });
    }

    /// Accepts new connections and closes them at once, before any TLS handshake, until
    /// [`pass`](FaultProxy::pass); live connections carry on. Counted in
    /// [`FaultProxyStats::connections_dropped`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::FaultProxy;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let proxy = FaultProxy::start("127.0.0.1:7233".parse()?).await?;
    /// proxy.drop_new_connections();
    /// proxy.reset_connections(); // now every reconnection fails too
    /// # Ok(())
    /// # }
    /// ```
    pub fn drop_new_connections(&self) {
        self.shared
            .faults
            .send_modify(|faults| faults.mode = Mode::DropNew);
    }

    /// Keeps every connection, live and new, open but forwards nothing either way until
    /// [`pass`](FaultProxy::pass), so that only deadlines and keepalives end calls. What
    /// arrives meanwhile is held back, not lost: `pass` forwards it. (A TLS proxy still
    /// completes its own handshakes: they are not forwarded traffic.)
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::FaultProxy;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let proxy = FaultProxy::start("127.0.0.1:7233".parse()?).await?;
    /// proxy.black_hole();
    /// # Ok(())
    /// # }
    /// ```
    pub fn black_hole(&self) {
        self.shared
            .faults
            .send_modify(|faults| faults.mode = Mode::BlackHole);
    }

    /// Resets every connection being forwarded now: the client's socket is closed with
    /// `SO_LINGER` 0, so the client reads `ECONNRESET` (the server's side is simply closed).
    /// Returns how many were reset; connections accepted later are not affected. A
    /// connection still in its TLS handshake is not counted as live, and is not reset.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::FaultProxy;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let proxy = FaultProxy::start("127.0.0.1:7233".parse()?).await?;
    /// let reset = proxy.reset_connections();
    /// assert_eq!(reset, 0, "no client has connected yet");
    /// # Ok(())
    /// # }
    /// ```
    pub fn reset_connections(&self) -> usize {
        let triggers: Vec<_> = self
            .shared
            .live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain()
            .collect();
        // A connection that ended meanwhile has dropped its receiver: it is not counted.
        let reset = triggers
            .into_iter()
            .filter_map(|(_, trigger)| trigger.send(()).ok())
            .count();
        self.shared.reset.fetch_add(reset as u64, Ordering::Relaxed);
        reset
    }

    /// What the proxy has done so far.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::FaultProxy;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let proxy = FaultProxy::start("127.0.0.1:7233".parse()?).await?;
    /// assert_eq!(proxy.stats().connections_reset, 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn stats(&self) -> FaultProxyStats {
        let shared = &self.shared;
        FaultProxyStats {
            connections_accepted: shared.accepted.load(Ordering::Relaxed),
            connections_dropped: shared.dropped.load(Ordering::Relaxed),
            connections_reset: shared.reset.load(Ordering::Relaxed),
            handshakes_failed: shared.handshakes_failed.load(Ordering::Relaxed),
            bytes_to_upstream: shared.bytes_to_upstream.load(Ordering::Relaxed),
            bytes_to_client: shared.bytes_to_client.load(Ordering::Relaxed),
            live_connections: shared
                .live
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .len(),
        }
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        // The accept task owns the listener and every connection's task: aborting it closes
        // them all.
        self.accept_task.abort();
    }
}

impl FaultProxyBuilder {
    /// Terminates TLS with the server certificate of `certificates` (for `localhost`), and
    /// forwards the decrypted traffic to the upstream in plaintext.
    ///
    /// Defaults to plaintext.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_testing::{FaultProxy, TestCertificates};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let certificates = TestCertificates::generate()?;
    /// let builder = FaultProxy::builder("127.0.0.1:7233".parse()?).tls(&certificates);
    /// # let _ = builder;
    /// # Ok(())
    /// # }
    /// ```
    pub fn tls(mut self, certificates: &TestCertificates) -> Self {
        self.certificates = Some(certificates.clone());
        self
    }

    /// Lets through only clients presenting a certificate that the CA of the
    /// [`tls`](FaultProxyBuilder::tls) certificates signed (mTLS).
    ///
    /// Defaults to not asking for a client certificate.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_testing::{FaultProxy, TestCertificates};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let certificates = TestCertificates::generate()?;
    /// let builder = FaultProxy::builder("127.0.0.1:7233".parse()?)
    ///     .tls(&certificates)
    ///     .require_client_certificate();
    /// # let _ = builder;
    /// # Ok(())
    /// # }
    /// ```
    pub fn require_client_certificate(mut self) -> Self {
        self.require_client_certificate = true;
        self
    }

    /// Listens on `ip` (a free port of it) instead of 127.0.0.1: another loopback address such
    /// as 127.0.0.2 lets two proxies stand for two frontends of one name.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_testing::FaultProxy;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let second = FaultProxy::builder("127.0.0.1:7233".parse()?)
    ///     .listen_on("127.0.0.2".parse()?)
    ///     .start()
    ///     .await?;
    /// assert_eq!(second.address().ip().to_string(), "127.0.0.2");
    /// # Ok(())
    /// # }
    /// ```
    pub fn listen_on(mut self, ip: IpAddr) -> Self {
        self.listen_ip = ip;
        self
    }

    /// Binds a free port (of 127.0.0.1 unless [`listen_on`](FaultProxyBuilder::listen_on)
    /// said otherwise) and starts forwarding. The upstream is dialled once per
    /// client connection, when it arrives.
    ///
    /// # Errors
    ///
    /// [`FaultProxyError::ClientCertificateWithoutTls`] when a client certificate is required
    /// without TLS, [`FaultProxyError::Certificates`] when the certificates do not load,
    /// [`FaultProxyError::Bind`] when no port can be bound.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_testing::FaultProxy;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let proxy = FaultProxy::builder("127.0.0.1:7233".parse()?).start().await?;
    /// # let _ = proxy;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start(self) -> Result<FaultProxy, FaultProxyError> {
        let acceptor = match &self.certificates {
            Some(certificates) => Some(TlsAcceptor::from(Arc::new(
                server_config(certificates, self.require_client_certificate)
                    .map_err(|reason| FaultProxyError::Certificates { reason })?,
            ))),
            None if self.require_client_certificate => {
                return Err(FaultProxyError::ClientCertificateWithoutTls);
            }
            None => None,
        };
        let listener = TcpListener::bind((self.listen_ip, 0))
            .await
            .map_err(FaultProxyError::Bind)?;
        let address = listener.local_addr().map_err(FaultProxyError::Bind)?;
        let shared = Arc::new(Shared {
            faults: watch::Sender::new(Faults::NONE),
            live: Mutex::new(HashMap::new()),
            next_connection: AtomicU64::new(0),
            accepted: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            reset: AtomicU64::new(0),
            handshakes_failed: AtomicU64::new(0),
            bytes_to_upstream: AtomicU64::new(0),
            bytes_to_client: AtomicU64::new(0),
        });
        let accept_task = tokio::spawn(accept_loop(
            listener,
            self.upstream,
            acceptor,
            Arc::clone(&shared),
        ));
        Ok(FaultProxy {
            address,
            shared,
            accept_task,
        })
    }
}

async fn accept_loop(
    listener: TcpListener,
    upstream: SocketAddr,
    acceptor: Option<TlsAcceptor>,
    shared: Arc<Shared>,
) {
    // Owned here so that aborting this task ends every connection too.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((client, _)) = accepted else {
                    tokio::time::sleep(ACCEPT_RETRY).await;
                    continue;
                };
                shared.accepted.fetch_add(1, Ordering::Relaxed);
                if shared.faults.borrow().mode == Mode::DropNew {
                    shared.dropped.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                connections.spawn(serve(client, upstream, acceptor.clone(), Arc::clone(&shared)));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Forwards one client connection, after its TLS handshake if the proxy terminates TLS.
async fn serve(
    client: TcpStream,
    upstream: SocketAddr,
    acceptor: Option<TlsAcceptor>,
    shared: Arc<Shared>,
) {
    let _ = client.set_nodelay(true);
    match acceptor {
        None => {
            if let Some(upstream) = dial(upstream).await {
                relay(client, upstream, &shared).await;
            }
        }
        Some(acceptor) => match acceptor.accept(client).await {
            Ok(tls) => {
                if let Some(upstream) = dial(upstream).await {
                    relay(tls, upstream, &shared).await;
                }
            }
            // A refused handshake is the point of some tests: it is only counted.
            Err(_) => {
                shared.handshakes_failed.fetch_add(1, Ordering::Relaxed);
            }
        },
    }
}

/// Connects to the upstream; when it is down the client's connection is simply closed, as a
/// real load balancer with no backend would.
async fn dial(upstream: SocketAddr) -> Option<TcpStream> {
    let stream = TcpStream::connect(upstream).await.ok()?;
    let _ = stream.set_nodelay(true);
    Some(stream)
}

/// A client connection, plain or TLS, and the TCP socket under it (to reset).
trait ClientStream: AsyncRead + AsyncWrite + Unpin {
    fn tcp(&self) -> &TcpStream;
}

impl ClientStream for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl ClientStream for TlsStream<TcpStream> {
    fn tcp(&self) -> &TcpStream {
        self.get_ref().0
    }
}

/// Copies both ways between `client` and `upstream` until both sides are done, one fails, or
/// the connection is reset.
async fn relay(mut client: impl ClientStream, mut upstream: TcpStream, shared: &Shared) {
    let number = shared.next_connection.fetch_add(1, Ordering::Relaxed);
    let (trigger, reset) = oneshot::channel();
    shared
        .live
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(number, trigger);
    let reset_requested = {
        let (mut client_read, mut client_write) = tokio::io::split(&mut client);
        let (mut upstream_read, mut upstream_write) = upstream.split();
        let forward = async {
            tokio::try_join!(
                pump(
                    &mut client_read,
                    &mut upstream_write,
                    shared.faults.subscribe(),
                    TrafficDirection::ToUpstream,
                    &shared.bytes_to_upstream,
                ),
                pump(
                    &mut upstream_read,
                    &mut client_write,
                    shared.faults.subscribe(),
                    TrafficDirection::ToClient,
                    &shared.bytes_to_client,
                ),
            )
        };
        tokio::select! {
            _ = forward => false,
            requested = reset => requested.is_ok(),
        }
    };
    shared
        .live
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .remove(&number);
    if reset_requested {
        abort_on_close(client.tcp());
    }
}

/// Makes closing `socket` send RST instead of FIN, as a crashed peer or a middlebox would.
#[expect(
    deprecated,
    reason = "tokio deprecates SO_LINGER because a positive linger blocks the thread on drop; \
              a zero linger aborts the connection at once instead"
)]
fn abort_on_close(socket: &TcpStream) {
    let _ = socket.set_linger(Some(Duration::ZERO));
}

/// Copies `from` to `to` chunk by chunk, as the faults in force say, until `from` ends (then
/// shuts `to` down) or either fails.
async fn pump(
    from: &mut (impl AsyncRead + Unpin),
    to: &mut (impl AsyncWrite + Unpin),
    mut faults: watch::Receiver<Faults>,
    direction: TrafficDirection,
    forwarded: &AtomicU64,
) -> io::Result<()> {
    let mut buffer = vec![0; CHUNK];
    loop {
        let read = from.read(&mut buffer).await?;
        if read == 0 {
            return to.shutdown().await;
        }
        // Held here while a black hole lasts, so that nothing is forwarded and nothing lost.
        let latency = loop {
            let current = *faults.borrow_and_update();
            if current.mode != Mode::BlackHole {
                break current.latency(direction);
            }
            if faults.changed().await.is_err() {
                return Ok(());
            }
        };
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        to.write_all(&buffer[..read]).await?;
        forwarded.fetch_add(read as u64, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use tokio_rustls::TlsConnector;
    use tokio_rustls::rustls::pki_types::ServerName;
    use tokio_rustls::rustls::{ClientConfig, RootCertStore};

    use super::*;

    /// A server that echoes whatever each connection sends, until dropped.
    struct Echo {
        address: SocketAddr,
        task: JoinHandle<()>,
    }

    impl Echo {
        async fn start() -> Self {
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .await
                .expect("a port");
            let address = listener.local_addr().expect("an address");
            let task = tokio::spawn(async move {
                let mut connections = JoinSet::new();
                while let Ok((mut stream, _)) = listener.accept().await {
                    connections.spawn(async move {
                        let (mut read, mut write) = stream.split();
                        let _ = tokio::io::copy(&mut read, &mut write).await;
                    });
                }
            });
            Self { address, task }
        }
    }

    impl Drop for Echo {
        fn drop(&mut self) {
            self.task.abort();
        }
    }

    const PATIENCE: Duration = Duration::from_secs(5);

    /// Sends `message` and reads its echo, failing the test if that takes over `PATIENCE`.
    async fn round_trip(stream: &mut (impl AsyncRead + AsyncWrite + Unpin), message: &[u8]) {
        stream.write_all(message).await.expect("sent");
        let mut echo = vec![0; message.len()];
        tokio::time::timeout(PATIENCE, stream.read_exact(&mut echo))
            .await
            .expect("the echo arrives in time")
            .expect("the echo is read");
        assert_eq!(echo, message);
    }

    async fn connect(proxy: &FaultProxy) -> TcpStream {
        TcpStream::connect(proxy.address()).await.expect("connects")
    }

    #[tokio::test]
    async fn traffic_passes_both_ways_and_is_counted() {
        let echo = Echo::start().await;
        let proxy = FaultProxy::start(echo.address).await.expect("starts");
        let mut first = connect(&proxy).await;
        let mut second = connect(&proxy).await;
        round_trip(&mut first, b"hello").await;
        round_trip(&mut second, &vec![7; 100_000]).await;
        let stats = proxy.stats();
        assert_eq!(stats.connections_accepted, 2);
        assert_eq!(stats.live_connections, 2);
        assert_eq!(stats.connections_reset + stats.connections_dropped, 0);
    }

    #[tokio::test]
    async fn delay_adds_latency_each_way_until_passed() {
        let echo = Echo::start().await;
        let proxy = FaultProxy::start(echo.address).await.expect("starts");
        let mut stream = connect(&proxy).await;
        let latency = Duration::from_millis(250);

        proxy.delay(latency);
        let started = Instant::now();
        round_trip(&mut stream, b"slow").await;
        assert!(started.elapsed() >= 2 * latency, "{:?}", started.elapsed());

        proxy.pass();
        proxy.delay_toward(TrafficDirection::ToClient, latency);
        let started = Instant::now();
        round_trip(&mut stream, b"half slow").await;
        let elapsed = started.elapsed();
        assert!(elapsed >= latency && elapsed < 2 * latency, "{elapsed:?}");

        proxy.pass();
        let started = Instant::now();
        round_trip(&mut stream, b"fast").await;
        assert!(started.elapsed() < latency, "{:?}", started.elapsed());
    }

    #[tokio::test]
    async fn dropped_connections_are_closed_and_live_ones_carry_on() {
        let echo = Echo::start().await;
        let proxy = FaultProxy::start(echo.address).await.expect("starts");
        let mut live = connect(&proxy).await;
        round_trip(&mut live, b"before").await;

        proxy.drop_new_connections();
        let mut dropped = connect(&proxy).await;
        let mut byte = [0; 1];
        let read = tokio::time::timeout(PATIENCE, dropped.read(&mut byte))
            .await
            .expect("closed promptly");
        assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
        round_trip(&mut live, b"during").await;
        assert_eq!(proxy.stats().connections_dropped, 1);

        proxy.pass();
        round_trip(&mut connect(&proxy).await, b"after").await;
        assert_eq!(proxy.stats().connections_accepted, 3);
    }

    #[tokio::test]
    async fn reset_sends_rst_to_every_live_connection_only() {
        let echo = Echo::start().await;
        let proxy = FaultProxy::start(echo.address).await.expect("starts");
        let mut first = connect(&proxy).await;
        let mut second = connect(&proxy).await;
        round_trip(&mut first, b"one").await;
        round_trip(&mut second, b"two").await;

        assert_eq!(proxy.reset_connections(), 2);
        for stream in [&mut first, &mut second] {
            let mut byte = [0; 1];
            let read = tokio::time::timeout(PATIENCE, stream.read(&mut byte))
                .await
                .expect("reset promptly");
            let err = read.expect_err("a reset, not an orderly close");
            assert_eq!(err.kind(), io::ErrorKind::ConnectionReset, "{err}");
        }
        let stats = proxy.stats();
        assert_eq!(stats.connections_reset, 2);

        let mut later = connect(&proxy).await;
        round_trip(&mut later, b"three").await;
        assert_eq!(proxy.stats().live_connections, 1);
    }

    #[tokio::test]
    async fn a_black_hole_holds_traffic_until_passed() {
        let echo = Echo::start().await;
        let proxy = FaultProxy::start(echo.address).await.expect("starts");
        let mut live = connect(&proxy).await;
        round_trip(&mut live, b"before").await;

        proxy.black_hole();
        let mut new = connect(&proxy).await;
        for stream in [&mut live, &mut new] {
            stream.write_all(b"held").await.expect("sent");
            let mut echo = [0; 4];
            let read =
                tokio::time::timeout(Duration::from_millis(300), stream.read_exact(&mut echo))
                    .await;
            assert!(read.is_err(), "nothing comes back: {read:?}");
        }

        proxy.pass();
        for stream in [&mut live, &mut new] {
            let mut echo = [0; 4];
            tokio::time::timeout(PATIENCE, stream.read_exact(&mut echo))
                .await
                .expect("the held bytes arrive")
                .expect("read");
            assert_eq!(&echo, b"held");
        }
    }

    fn tls_client(certificates: &TestCertificates, with_certificate: bool) -> TlsConnector {
        use tokio_rustls::rustls::pki_types::pem::PemObject;
        use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let mut roots = RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_slice(certificates.ca_pem.as_bytes()).expect("CA"))
            .expect("a root");
        let builder = ClientConfig::builder_with_provider(Arc::new(
            tokio_rustls::rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots);
        let config = if with_certificate {
            builder
                .with_client_auth_cert(
                    vec![
                        CertificateDer::from_pem_slice(certificates.client_cert_pem.as_bytes())
                            .expect("certificate"),
                    ],
                    PrivateKeyDer::from_pem_slice(certificates.client_key_pem.as_bytes())
                        .expect("key"),
                )
                .expect("a client certificate")
        } else {
            builder.with_no_client_auth()
        };
        TlsConnector::from(Arc::new(config))
    }

    #[tokio::test]
    async fn tls_is_terminated_and_faults_apply_under_it() {
        let echo = Echo::start().await;
        let certificates = TestCertificates::generate().expect("certificates");
        let proxy = FaultProxy::builder(echo.address)
            .tls(&certificates)
            .start()
            .await
            .expect("starts");
        let mut tls = tls_client(&certificates, false)
            .connect(
                ServerName::try_from("localhost").expect("a name"),
                connect(&proxy).await,
            )
            .await
            .expect("the handshake succeeds");
        round_trip(&mut tls, b"secret").await;

        assert_eq!(proxy.reset_connections(), 1);
        let mut byte = [0; 1];
        let read = tokio::time::timeout(PATIENCE, tls.read(&mut byte))
            .await
            .expect("reset promptly");
        assert_eq!(
            read.expect_err("reset").kind(),
            io::ErrorKind::ConnectionReset
        );
    }

    #[tokio::test]
    async fn mtls_refuses_clients_without_a_certificate() {
        let echo = Echo::start().await;
        let certificates = TestCertificates::generate().expect("certificates");
        let proxy = FaultProxy::builder(echo.address)
            .tls(&certificates)
            .require_client_certificate()
            .start()
            .await
            .expect("starts");
        let name = ServerName::try_from("localhost").expect("a name");

        let mut with = tls_client(&certificates, true)
            .connect(name.clone(), connect(&proxy).await)
            .await
            .expect("the handshake succeeds");
        round_trip(&mut with, b"let me in").await;

        // TLS 1.3 clients finish their side first and learn of the refusal on their first read.
        let refused = async {
            let mut without = tls_client(&certificates, false)
                .connect(name, connect(&proxy).await)
                .await?;
            without.write_all(b"let me in").await?;
            let mut byte = [0; 1];
            without.read_exact(&mut byte).await?;
            io::Result::Ok(())
        };
        let result = tokio::time::timeout(PATIENCE, refused)
            .await
            .expect("refused promptly");
        assert!(
            result.is_err(),
            "a client without a certificate got through"
        );
        // The proxy counts the refusal just after sending it.
        let deadline = Instant::now() + PATIENCE;
        while proxy.stats().handshakes_failed == 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(proxy.stats().handshakes_failed, 1);
    }

    #[tokio::test]
    async fn bad_configurations_are_typed_errors() {
        let upstream: SocketAddr = "127.0.0.1:1".parse().expect("an address");
        let err = FaultProxy::builder(upstream)
            .require_client_certificate()
            .start()
            .await
            .expect_err("refused");
        assert!(
            matches!(err, FaultProxyError::ClientCertificateWithoutTls),
            "{err:?}"
        );

        let mut broken = TestCertificates::generate().expect("certificates");
        broken.server_key_pem = "not a key".to_owned();
        let err = FaultProxy::builder(upstream)
            .tls(&broken)
            .start()
            .await
            .expect_err("refused");
        assert!(
            matches!(err, FaultProxyError::Certificates { .. }),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn dropping_the_proxy_closes_its_port_and_connections() {
        let echo = Echo::start().await;
        let proxy = FaultProxy::start(echo.address).await.expect("starts");
        let address = proxy.address();
        let mut live = connect(&proxy).await;
        round_trip(&mut live, b"hi").await;

        drop(proxy);
        let mut byte = [0; 1];
        let read = tokio::time::timeout(PATIENCE, live.read(&mut byte))
            .await
            .expect("closed promptly");
        assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
        assert!(
            TcpStream::connect(address).await.is_err(),
            "still listening"
        );
    }
}
