//! A channel balanced over every address a name resolves to, kept as gRPC's `round_robin`
//! keeps its subchannels: resolved again on an interval and whenever a frontend's connection
//! drops, a frontend that stops answering taken out of the set and probed with backoff until
//! it answers again.
//!
//! tonic's balanced channel dials each address with its own connector, which tells nobody
//! when a connection drops or a dial fails. So the keeper task watches each frontend through
//! a connection of its own: a probe dials the address, sends one HTTP/2 request (a gRPC
//! health check: any answer, even an error status, shows the frontend speaks HTTP/2) and
//! keeps the connection open; when that connection ends, the frontend is probed again at
//! once.

use std::collections::{HashMap, HashSet};
use std::future::{Future, poll_fn};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::mpsc::{self, Sender, UnboundedReceiver, UnboundedSender};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tonic::transport::channel::Change;
use tonic::transport::{Channel, Endpoint, Uri};
use tower_service::Service;

use crate::error::ConnectError;
use crate::resolve::Resolver;
use crate::retry::{RpcRetryPolicy, random_unit};

/// How many address changes may wait for the balancer.
const BALANCE_CHANGES: usize = 64;

/// The least time between two resolutions that a dropped connection or a failed probe asks
/// for, so that a flapping frontend cannot make the client hammer DNS: one asked for sooner
/// is deferred, not dropped.
const MIN_RESOLUTION_GAP: Duration = Duration::from_secs(1);

/// How long a probe may take, dial and answer, when the endpoint sets no connect timeout.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// The path of the probe's request: the standard gRPC health check.
const HEALTH_CHECK: &str = "/grpc.health.v1.Health/Check";

/// The delay before probing again a frontend whose probes failed `failures` times in a row:
/// 250 ms doubling up to 8 s, ±20 % jitter.
fn probe_backoff(failures: u32) -> Duration {
    RpcRetryPolicy::default()
        .initial_interval(Duration::from_millis(250))
        .multiplier(2.0)
        .max_interval(Duration::from_secs(8))
        .jitter(0.2)
        .backoff(failures, false, random_unit())
}

/// The delay before resolving again after `failures` failed resolutions in a row left no
/// address known (a lazy connection whose name does not resolve yet): 1 s doubling up to
/// 30 s, ±20 % jitter. The interval's resolution comes anyway, if sooner.
fn resolution_backoff(failures: u32) -> Duration {
    RpcRetryPolicy::default()
        .initial_interval(Duration::from_secs(1))
        .multiplier(2.0)
        .max_interval(Duration::from_secs(30))
        .jitter(0.2)
        .backoff(failures, false, random_unit())
}

/// A channel balanced over every address a name resolves to, resolved again every
/// `interval` and whenever a frontend's connection drops.
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
        let mut keeper = Keeper::new(self, changes);
        keeper.resolved(addresses).await;
        tokio::spawn(keeper.run());
        Ok(channel)
    }

    /// A channel whose first resolution happens in the background, like a lazy connection.
    pub(crate) fn connect_lazy(self) -> Channel {
        let (channel, changes) = Channel::balance_channel(BALANCE_CHANGES);
        let mut keeper = Keeper::new(self, changes);
        // Due now: the first resolution.
        keeper.next_resolution = Instant::now();
        tokio::spawn(keeper.run());
        channel
    }
}

/// What the keeper's helpers (resolutions, probes, watched connections) tell it.
enum Event {
    /// Every clone of the channel is gone.
    Closed,
    Resolved(io::Result<Vec<SocketAddr>>),
    /// A probe ended: with the connection that answered, kept open to watch the frontend.
    Probed {
        address: SocketAddr,
        generation: u64,
        answered: Option<Channel>,
    },
    /// The connection that watched a frontend ended.
    Lost {
        address: SocketAddr,
        generation: u64,
    },
}

/// Whether a frontend answers, as far as its probes tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Health {
    /// Not probed yet, or answering: calls go to it.
    Answering,
    /// Its last probe failed: calls go elsewhere until a probe succeeds.
    Failing,
}

/// What the keeper knows of one resolved address.
struct Frontend {
    health: Health,
    /// Which probe (and watched connection) is current: events of older ones are ignored.
    generation: u64,
    /// The connection that answered the last probe, kept open: its end is the signal.
    watch: Option<Channel>,
    /// Failed probes in a row.
    failures: u32,
}

/// The task that keeps the balancer's set of addresses: owns the resolution schedule, the
/// frontends' health and the helpers it spawns (ended with it: a [`JoinSet`]).
struct Keeper {
    plan: BalancePlan,
    changes: Sender<Change<SocketAddr, Endpoint>>,
    events: UnboundedReceiver<Event>,
    notify: UnboundedSender<Event>,
    helpers: JoinSet<()>,
    frontends: HashMap<SocketAddr, Frontend>,
    /// The addresses in the balancer now.
    balanced: HashSet<SocketAddr>,
    /// When the interval's next resolution is due.
    next_resolution: Instant,
    /// When a resolution asked for by a dropped connection or a failed probe is due.
    early_resolution: Option<Instant>,
    /// When the last resolution started (or the keeper, when none has yet).
    last_resolution: Instant,
    resolving: bool,
    /// Failed resolutions in a row while no address is known.
    failed_resolutions: u32,
    next_generation: u64,
}

impl Keeper {
    fn new(plan: BalancePlan, changes: Sender<Change<SocketAddr, Endpoint>>) -> Self {
        let (notify, events) = mpsc::unbounded_channel();
        let mut helpers = JoinSet::new();
        let closed = changes.clone();
        let on_close = notify.clone();
        helpers.spawn(async move {
            closed.closed().await;
            let _ = on_close.send(Event::Closed);
        });
        Self {
            next_resolution: Instant::now() + plan.interval,
            plan,
            changes,
            events,
            notify,
            helpers,
            frontends: HashMap::new(),
            balanced: HashSet::new(),
            early_resolution: None,
            last_resolution: Instant::now(),
            resolving: false,
            failed_resolutions: 0,
            next_generation: 0,
        }
    }

    async fn run(mut self) {
        loop {
            // Finished helpers are reaped, so that a long-lived channel holds no pile of them.
            while self.helpers.try_join_next().is_some() {}
            let due = match self.early_resolution {
                Some(early) => early.min(self.next_resolution),
                None => self.next_resolution,
            };
            let event = if self.resolving {
                self.events.recv().await
            } else {
                match tokio::time::timeout_at(due, self.events.recv()).await {
                    Ok(event) => event,
                    Err(_) => {
                        self.start_resolution();
                        continue;
                    }
                }
            };
            // `None` cannot happen (the keeper holds a sender); it would mean the end too.
            let Some(event) = event else { return };
            match event {
                Event::Closed => return,
                Event::Resolved(outcome) => {
                    self.resolving = false;
                    match outcome {
                        Ok(addresses) => {
                            self.failed_resolutions = 0;
                            self.resolved(addresses).await;
                        }
                        // With no address known, calls wait for one: try again soon.
                        Err(_) if self.frontends.is_empty() => {
                            self.failed_resolutions += 1;
                            let delay = resolution_backoff(self.failed_resolutions);
                            self.early_resolution = Some(Instant::now() + delay);
                        }
                        // A failed resolution keeps the addresses known: a DNS hiccup must
                        // not empty the channel.
                        Err(_) => {}
                    }
                }
                Event::Probed {
                    address,
                    generation,
                    answered,
                } => self.probed(address, generation, answered).await,
                Event::Lost {
                    address,
                    generation,
                } => self.lost(address, generation),
            }
        }
    }

    fn start_resolution(&mut self) {
        let now = Instant::now();
        self.resolving = true;
        self.early_resolution = None;
        self.last_resolution = now;
        self.next_resolution = now + self.plan.interval;
        let resolver = self.plan.resolver.clone();
        let host = self.plan.host.clone();
        let port = self.plan.port;
        let notify = self.notify.clone();
        self.helpers.spawn(async move {
            let outcome = resolver.resolve(&host, port).await;
            let _ = notify.send(Event::Resolved(outcome));
        });
    }

    /// Asks for a resolution as soon as [`MIN_RESOLUTION_GAP`] allows.
    fn resolve_soon(&mut self) {
        let allowed = self.last_resolution + MIN_RESOLUTION_GAP;
        self.early_resolution = Some(match self.early_resolution {
            Some(asked) => asked.min(allowed),
            None => allowed,
        });
    }

    /// Takes in a resolution: new addresses join (and are probed), gone ones leave.
    async fn resolved(&mut self, addresses: Vec<SocketAddr>) {
        let resolved: HashSet<SocketAddr> = addresses.into_iter().collect();
        self.frontends
            .retain(|address, _| resolved.contains(address));
        for address in resolved {
            if !self.frontends.contains_key(&address) {
                let generation = self.generation();
                self.frontends.insert(
                    address,
                    Frontend {
                        health: Health::Answering,
                        generation,
                        watch: None,
                        failures: 0,
                    },
                );
                self.probe(address, generation, Duration::ZERO);
            }
        }
        self.reconcile().await;
    }

    async fn probed(&mut self, address: SocketAddr, generation: u64, answered: Option<Channel>) {
        let Some(frontend) = self.current(address, generation) else {
            return;
        };
        match answered {
            Some(watch) => {
                frontend.health = Health::Answering;
                frontend.failures = 0;
                frontend.watch = Some(watch);
            }
            None => {
                frontend.health = Health::Failing;
                frontend.failures += 1;
                frontend.watch = None;
                let delay = probe_backoff(frontend.failures);
                let generation = self.generation();
                if let Some(frontend) = self.frontends.get_mut(&address) {
                    frontend.generation = generation;
                }
                self.probe(address, generation, delay);
                self.resolve_soon();
            }
        }
        self.reconcile().await;
    }

    /// The watched connection of a frontend ended: it may be gone, or only its connection
    /// (a server's maximum connection age, a proxy's reset). Probe it now, and ask DNS.
    fn lost(&mut self, address: SocketAddr, generation: u64) {
        if self.current(address, generation).is_none() {
            return;
        }
        let generation = self.generation();
        if let Some(frontend) = self.frontends.get_mut(&address) {
            frontend.generation = generation;
            frontend.watch = None;
        }
        self.probe(address, generation, Duration::ZERO);
        self.resolve_soon();
    }

    fn current(&mut self, address: SocketAddr, generation: u64) -> Option<&mut Frontend> {
        self.frontends
            .get_mut(&address)
            .filter(|frontend| frontend.generation == generation)
    }

    fn generation(&mut self) -> u64 {
        self.next_generation += 1;
        self.next_generation
    }

    fn probe(&mut self, address: SocketAddr, generation: u64, delay: Duration) {
        let Ok(endpoint) = (self.plan.endpoint_for)(address) else {
            return;
        };
        let notify = self.notify.clone();
        self.helpers.spawn(async move {
            tokio::time::sleep(delay).await;
            probe(endpoint, address, generation, notify).await;
        });
    }

    /// Brings the balancer's set to what the frontends' health says.
    async fn reconcile(&mut self) {
        let health: HashMap<SocketAddr, Health> = self
            .frontends
            .iter()
            .map(|(address, frontend)| (*address, frontend.health))
            .collect();
        let wanted = wanted(&health, &self.balanced);
        for gone in self.balanced.difference(&wanted) {
            let _ = self.changes.send(Change::Remove(*gone)).await;
        }
        let mut balanced = HashSet::new();
        for address in wanted {
            if self.balanced.contains(&address) {
                balanced.insert(address);
            } else if let Ok(endpoint) = (self.plan.endpoint_for)(address) {
                let _ = self.changes.send(Change::Insert(address, endpoint)).await;
                balanced.insert(address);
            }
        }
        self.balanced = balanced;
    }
}

/// The addresses the balancer should hold: the resolved ones that answer (or are not probed
/// yet). When none does, the ones it holds stay (or, when it holds none, every resolved one
/// joins): an empty balancer would make calls wait for their deadline, where a failing
/// frontend fails them at once, and the retry policy tries again.
fn wanted(
    health: &HashMap<SocketAddr, Health>,
    balanced: &HashSet<SocketAddr>,
) -> HashSet<SocketAddr> {
    let answering: HashSet<SocketAddr> = health
        .iter()
        .filter(|(_, health)| **health == Health::Answering)
        .map(|(address, _)| *address)
        .collect();
    if !answering.is_empty() {
        return answering;
    }
    let kept: HashSet<SocketAddr> = balanced
        .iter()
        .filter(|address| health.contains_key(address))
        .copied()
        .collect();
    if !kept.is_empty() {
        return kept;
    }
    health.keys().copied().collect()
}

/// Dials `address`, sends one health check and reports whether an answer came, keeping the
/// connection that answered open to watch the frontend.
async fn probe(
    endpoint: Endpoint,
    address: SocketAddr,
    generation: u64,
    notify: UnboundedSender<Event>,
) {
    let watch = Arc::new(Mutex::new(WatchState::default()));
    let dial = WatchedDial {
        address,
        generation,
        notify: notify.clone(),
        watch: Arc::clone(&watch),
    };
    let timeout = endpoint.get_connect_timeout().unwrap_or(PROBE_TIMEOUT);
    let channel = endpoint.connect_with_connector_lazy(dial);
    let answered = tokio::time::timeout(timeout, health_check(channel.clone()))
        .await
        .is_ok_and(|answered| answered);
    {
        let mut state = watch.lock().unwrap_or_else(PoisonError::into_inner);
        if answered && !state.closed {
            // Reported under the lock: the connection's end, reported from now on, cannot
            // overtake this report.
            state.armed = true;
            let _ = notify.send(Event::Probed {
                address,
                generation,
                answered: Some(channel),
            });
            return;
        }
    }
    let _ = notify.send(Event::Probed {
        address,
        generation,
        answered: None,
    });
}

/// Whether the server answered one gRPC health check, whatever it said.
async fn health_check(mut channel: Channel) -> bool {
    // An empty `HealthCheckRequest`: a gRPC frame of no bytes.
    let body = tonic::body::Body::new(String::from("\0\0\0\0\0"));
    let Ok(request) = tonic::codegen::http::Request::post(HEALTH_CHECK)
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(body)
    else {
        return false;
    };
    if poll_fn(|cx| channel.poll_ready(cx)).await.is_err() {
        return false;
    }
    channel.call(request).await.is_ok()
}

/// Whether the probe found an answer (`armed`: the connection's end is then reported) and
/// whether the connection already ended.
#[derive(Default)]
struct WatchState {
    armed: bool,
    closed: bool,
}

/// The connector of a probe: dials one address, and reports when the connection ends.
#[derive(Clone)]
struct WatchedDial {
    address: SocketAddr,
    generation: u64,
    notify: UnboundedSender<Event>,
    watch: Arc<Mutex<WatchState>>,
}

impl Service<Uri> for WatchedDial {
    type Response = TokioIo<Watched>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<Self::Response>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _uri: Uri) -> Self::Future {
        let dial = self.clone();
        Box::pin(async move {
            let stream = TcpStream::connect(dial.address).await?;
            let _ = stream.set_nodelay(true);
            Ok(TokioIo::new(Watched { stream, dial }))
        })
    }
}

/// A probe's connection: tells the keeper when it ends (hyper drops it when the connection
/// closes, fails or is given up).
struct Watched {
    stream: TcpStream,
    dial: WatchedDial,
}

impl Drop for Watched {
    fn drop(&mut self) {
        let mut state = self
            .dial
            .watch
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        state.closed = true;
        if state.armed {
            let _ = self.dial.notify.send(Event::Lost {
                address: self.dial.address,
                generation: self.dial.generation,
            });
        }
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(last: u8) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, last], 7233))
    }

    #[test]
    fn the_balancer_holds_the_answering_frontends_and_never_empties() {
        let (a, b) = (address(1), address(2));
        let health = |pairs: &[(SocketAddr, Health)]| pairs.iter().copied().collect();
        let set = |addresses: &[SocketAddr]| addresses.iter().copied().collect::<HashSet<_>>();
        // One failing: out.
        let both = set(&[a, b]);
        let one_failing = health(&[(a, Health::Failing), (b, Health::Answering)]);
        assert_eq!(wanted(&one_failing, &both), set(&[b]));
        // The last one failing too: it stays, so that calls fail fast instead of waiting.
        let all_failing = health(&[(a, Health::Failing), (b, Health::Failing)]);
        assert_eq!(wanted(&all_failing, &set(&[b])), set(&[b]));
        // Failing and none held (a lazy start, or DNS replaced every address): all join.
        assert_eq!(wanted(&all_failing, &HashSet::new()), both);
        // A held address DNS no longer names leaves even as the last: it is not the name's.
        assert_eq!(
            wanted(&health(&[(b, Health::Failing)]), &set(&[a])),
            set(&[b])
        );
        // Answering again: back in.
        let both_answering = health(&[(a, Health::Answering), (b, Health::Answering)]);
        assert_eq!(wanted(&both_answering, &set(&[b])), both);
    }

    #[test]
    fn probes_back_off_from_a_quarter_second_to_eight_seconds() {
        let first = probe_backoff(1);
        assert!(
            first >= Duration::from_millis(200) && first <= Duration::from_millis(300),
            "{first:?}"
        );
        let late = probe_backoff(20);
        assert!(
            late >= Duration::from_millis(6400) && late <= Duration::from_millis(9600),
            "{late:?}"
        );
    }
}
