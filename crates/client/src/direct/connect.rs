//! The direct transport's connection: dialled through the connection's connector, replaced
//! once for every waiting call when it dies, kept alive with pings.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;
use tonic::codegen::http::Uri;

type BoxError = Box<dyn StdError + Send + Sync>;
type Dial =
    Box<dyn Fn() -> Pin<Box<dyn Future<Output = Result<Live, BoxError>> + Send>> + Send + Sync>;

/// Flow-control windows and send buffer as hyper sets them by default, which is what tonic's
/// `Channel` runs with: the transports differ in their layering only.
const STREAM_WINDOW: u32 = 2 * 1024 * 1024;
const CONNECTION_WINDOW: u32 = 5 * 1024 * 1024;
const MAX_SEND_BUFFER: usize = 1024 * 1024;
/// The wait before the first re-dial after a failed one, doubled after each further failure
/// up to [`MAX_REDIAL_BACKOFF`]; a successful dial resets it.
const REDIAL_BACKOFF: Duration = Duration::from_millis(100);
const MAX_REDIAL_BACKOFF: Duration = Duration::from_secs(1);

/// How the connection is dialled and kept: from the connection's options.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// Bounds each dial: TCP (or the proxy's tunnel), the TLS handshake and the HTTP/2
    /// preface.
    pub(crate) connect_timeout: Duration,
    /// A ping every `.0`, while idle too; the connection is closed when one is not answered
    /// within `.1`.
    pub(crate) keepalive: Option<(Duration, Duration)>,
    /// TLS over the connector's stream, when the connection uses it.
    #[cfg(feature = "tls")]
    pub(crate) tls: Option<super::tls::Tls>,
}

/// A live HTTP/2 connection: a handle to open streams on it, and whether it has died.
#[derive(Clone)]
pub(super) struct Live {
    pub(super) sender: h2::client::SendRequest<Bytes>,
    closed: Arc<AtomicBool>,
}

impl Live {
    fn is_open(&self) -> bool {
        !self.closed.load(Ordering::Acquire)
    }

    /// Marks the connection dead, so that the next call dials a new one. Calls in flight on
    /// it carry on until it really closes.
    pub(super) fn close(&self) {
        self.closed.store(true, Ordering::Release);
    }
}

/// Why the connection could not be made, shared by every call that waited for that dial.
#[derive(Clone)]
pub(crate) struct DialError(Arc<dyn StdError + Send + Sync>);

impl fmt::Debug for DialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for DialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl StdError for DialError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.0)
    }
}

/// The current connection, and how to make the next.
pub(super) struct Connections {
    dial: Dial,
    current: Mutex<Option<Live>>,
    /// Dials made so far; read without the lock to tell whether a dial finished while a call
    /// waited for it.
    dials: AtomicU64,
    /// Held while dialling: one dial at a time, for every call that needs a connection.
    redial: tokio::sync::Mutex<Redial>,
}

#[derive(Default)]
struct Redial {
    failures: u32,
    last_failure: Option<(Instant, DialError)>,
}

impl Connections {
    pub(super) fn new<C>(origin: Uri, connector: C, settings: Settings) -> Self
    where
        C: tower_service::Service<Uri> + Clone + Send + Sync + 'static,
        C::Future: Send,
        C::Error: Into<BoxError>,
        C::Response: Send + 'static,
        TokioIo<C::Response>: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let dial: Dial =
            Box::new(move || Box::pin(dial(connector.clone(), origin.clone(), settings.clone())));
        Self {
            dial,
            current: Mutex::new(None),
            dials: AtomicU64::new(0),
            redial: tokio::sync::Mutex::new(Redial::default()),
        }
    }

    fn current(&self) -> Option<Live> {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .filter(|live| live.is_open())
            .cloned()
    }

    /// The live connection, dialling one if there is none. Calls that find none while a dial
    /// is under way wait for it and share its outcome: a dead server is dialled once for all
    /// of them, not once each; after failures, the next dial waits a growing backoff.
    pub(super) async fn acquire(&self) -> Result<Live, DialError> {
        if let Some(live) = self.current() {
            return Ok(live);
        }
        let seen = self.dials.load(Ordering::Acquire);
        let mut redial = self.redial.lock().await;
        if let Some(live) = self.current() {
            return Ok(live);
        }
        if let Some((_, error)) = &redial.last_failure
            && self.dials.load(Ordering::Acquire) != seen
        {
            return Err(error.clone());
        }
        if let Some((failed_at, _)) = &redial.last_failure {
            let exponent = redial.failures.saturating_sub(1).min(16);
            let backoff = REDIAL_BACKOFF
                .saturating_mul(1 << exponent)
                .min(MAX_REDIAL_BACKOFF);
            tokio::time::sleep_until(*failed_at + backoff).await;
        }
        let outcome = (self.dial)().await;
        self.dials.fetch_add(1, Ordering::AcqRel);
        match outcome {
            Ok(live) => {
                *redial = Redial::default();
                *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Some(live.clone());
                Ok(live)
            }
            Err(error) => {
                let error = DialError(Arc::from(error));
                redial.failures = redial.failures.saturating_add(1);
                redial.last_failure = Some((Instant::now(), error.clone()));
                Err(error)
            }
        }
    }
}

/// Dials `origin` through `connector`, shakes hands (TLS, when set, then HTTP/2), and runs the
/// connection on a task.
async fn dial<C>(mut connector: C, origin: Uri, settings: Settings) -> Result<Live, BoxError>
where
    C: tower_service::Service<Uri> + Send,
    C::Future: Send,
    C::Error: Into<BoxError>,
    C::Response: Send + 'static,
    TokioIo<C::Response>: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let connecting = async {
        std::future::poll_fn(|cx| connector.poll_ready(cx))
            .await
            .map_err(Into::into)?;
        let io = TokioIo::new(connector.call(origin).await.map_err(Into::into)?);
        #[cfg(feature = "tls")]
        let io = match &settings.tls {
            Some(tls) => super::tls::Stream::Tls(Box::new(tls.handshake(io).await?)),
            None => super::tls::Stream::Plain(io),
        };
        let io = crate::coalesce::CoalescingStream::new(io);
        let handshake = h2::client::Builder::new()
            .initial_window_size(STREAM_WINDOW)
            .initial_connection_window_size(CONNECTION_WINDOW)
            .max_send_buffer_size(MAX_SEND_BUFFER)
            // As hyper's client: a gRPC server never pushes.
            .enable_push(false)
            .handshake::<_, Bytes>(io)
            .await?;
        Ok::<_, BoxError>(handshake)
    };
    let (sender, connection) = tokio::time::timeout(settings.connect_timeout, connecting)
        .await
        .map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!(
                    "no connection within the connect timeout of {:?}",
                    settings.connect_timeout
                ),
            )
        })??;
    let closed = Arc::new(AtomicBool::new(false));
    tokio::spawn(drive(connection, settings.keepalive, Arc::clone(&closed)));
    Ok(Live { sender, closed })
}

/// Runs the connection's I/O until it ends, pinging every keepalive interval (while idle
/// too); a ping not answered in time closes it, which fails its calls in flight with
/// `UNAVAILABLE`. Either way the connection is then marked dead.
async fn drive<T>(
    mut connection: h2::client::Connection<T, Bytes>,
    keepalive: Option<(Duration, Duration)>,
    closed: Arc<AtomicBool>,
) where
    T: AsyncRead + AsyncWrite + Unpin,
{
    // Marks the connection dead however this task ends: also when its runtime shuts down.
    let _closed = MarkClosed(closed);
    let pings = connection.ping_pong();
    let silent = async move {
        let (Some((interval, timeout)), Some(mut pings)) = (keepalive, pings) else {
            return std::future::pending().await;
        };
        loop {
            tokio::time::sleep(interval).await;
            match tokio::time::timeout(timeout, pings.ping(h2::Ping::opaque())).await {
                Ok(Ok(_pong)) => {}
                // The connection failed: `connection` ends too.
                Ok(Err(_)) => return std::future::pending().await,
                Err(_) => return,
            }
        }
    };
    futures_util::future::select(&mut connection, std::pin::pin!(silent)).await;
    // Dropping the connection fails its remaining streams and closes the socket.
}

struct MarkClosed(Arc<AtomicBool>);

impl Drop for MarkClosed {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::task::{Context, Poll};

    use super::*;

    /// A connector to a server that refuses every connection after 50 ms, counting the dials.
    #[derive(Clone)]
    struct Refusing(Arc<AtomicUsize>);

    impl tower_service::Service<Uri> for Refusing {
        type Response = TokioIo<tokio::net::TcpStream>;
        type Error = std::io::Error;
        type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

        fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _uri: Uri) -> Self::Future {
            self.0.fetch_add(1, Ordering::SeqCst);
            Box::pin(async {
                tokio::time::sleep(Duration::from_millis(50)).await;
                Err(std::io::ErrorKind::ConnectionRefused.into())
            })
        }
    }

    #[tokio::test(start_paused = true)]
    async fn calls_waiting_for_a_dead_server_share_one_dial_and_the_next_waits_a_backoff() {
        let dials = Arc::new(AtomicUsize::new(0));
        let settings = Settings {
            connect_timeout: Duration::from_secs(1),
            keepalive: None,
            #[cfg(feature = "tls")]
            tls: None,
        };
        let connections = Arc::new(Connections::new(
            Uri::from_static("http://127.0.0.1:1"),
            Refusing(Arc::clone(&dials)),
            settings,
        ));
        let waiting: Vec<_> = (0..10)
            .map(|_| {
                let connections = Arc::clone(&connections);
                tokio::spawn(async move { connections.acquire().await.map(drop) })
            })
            .collect();
        for call in waiting {
            let err = call.await.expect("no panic").expect_err("refused");
            assert!(err.to_string().contains("refused"), "{err}");
        }
        assert_eq!(dials.load(Ordering::SeqCst), 1, "one dial for ten calls");

        let started = Instant::now();
        assert!(connections.acquire().await.is_err());
        assert_eq!(dials.load(Ordering::SeqCst), 2);
        assert!(
            started.elapsed() >= REDIAL_BACKOFF,
            "the next dial waited a backoff: {:?}",
            started.elapsed()
        );
    }
}
