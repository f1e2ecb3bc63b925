//! [`Connection`]: one gRPC channel to a Temporal frontend, shared by every client on it.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use temporal_proto::api::operatorservice::v1::operator_service_client::OperatorServiceClient;
use temporal_proto::api::testservice::v1::test_service_client::TestServiceClient;
use temporal_proto::api::workflowservice::v1::GetSystemInfoRequest;
use temporal_proto::api::workflowservice::v1::workflow_service_client::WorkflowServiceClient;
use temporal_proto::grpc::health::v1::health_client::HealthClient;
use tonic::codegen::http;
use tonic::metadata::{AsciiMetadataKey, AsciiMetadataValue, MetadataMap};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint, Uri};

use crate::call_transport::CallTransport;
use crate::call_transport::Http2Transport;
#[cfg(feature = "http2-direct")]
use crate::direct::{self, DirectTransport};
use crate::envconfig::{ClientConfigProfile, LoadOptions};
use crate::error::{ConnectError, RpcError};
use crate::proxy::{self, HttpConnectProxy};
use crate::resolve::{Resolve, Resolver};
use crate::retry::RpcRetryPolicy;
use crate::tls::TlsOptions;
use crate::transport::{BalancePlan, CoalescingConnector, Connector, Transport, proxy_failure};
use crate::unary::WorkflowGrpc;

/// The address a connection dials when none is given.
///
/// # Examples
///
/// ```
/// use temporal_client::{ConnectionOptions, DEFAULT_ADDRESS};
///
/// assert_eq!(DEFAULT_ADDRESS, "localhost:7233");
/// let local = ConnectionOptions::new(DEFAULT_ADDRESS);
/// # let _ = local;
/// ```
pub const DEFAULT_ADDRESS: &str = "localhost:7233";
/// The port assumed when an address has none.
const DEFAULT_PORT: u16 = 7233;
/// Sent as `client-name`, so that servers can tell this client apart in their metrics.
pub(crate) const CLIENT_NAME: &str = "temporal-rust-client";
/// Sent as `client-version`.
pub(crate) const CLIENT_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The largest message accepted from the server: a page of a large history can exceed gRPC's
/// 4 MiB default, and the official SDKs accept 128 MiB.
pub(crate) const MAX_DECODING_MESSAGE_SIZE: usize = 128 * 1024 * 1024;

/// `$service` sending gzip and accepting it when the connection asks for gzip. A macro: the
/// generated clients share no trait for their compression setters.
macro_rules! compressed {
    ($connection:expr, $service:expr) => {{
        let service = $service;
        #[cfg(feature = "gzip")]
        let service = if $connection.compressed() {
            service
                .send_compressed(tonic::codec::CompressionEncoding::Gzip)
                .accept_compressed(tonic::codec::CompressionEncoding::Gzip)
        } else {
            service
        };
        service
    }};
}

/// The raw `WorkflowService` client of a connection, with the connection's headers.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::raw::WorkflowService;
/// use temporal_client::proto::api::workflowservice::v1::GetSystemInfoRequest;
///
/// # async fn example(connection: temporal_client::Connection) -> Result<(), Box<dyn std::error::Error>> {
/// let mut service: WorkflowService = connection.raw_workflow_service();
/// let info = service.get_system_info(GetSystemInfoRequest::default()).await?;
/// println!("server {}", info.get_ref().server_version);
/// # Ok(())
/// # }
/// ```
pub type WorkflowService = WorkflowServiceClient<InterceptedService<Channel, Headers>>;
/// The raw `OperatorService` client of a connection, with the connection's headers.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::raw::OperatorService;
/// use temporal_client::proto::api::operatorservice::v1::ListSearchAttributesRequest;
///
/// # async fn example(connection: temporal_client::Connection) -> Result<(), Box<dyn std::error::Error>> {
/// let mut operator: OperatorService = connection.raw_operator_service();
/// let attributes = operator
///     .list_search_attributes(ListSearchAttributesRequest { namespace: "default".to_owned() })
///     .await?;
/// # let _ = attributes;
/// # Ok(())
/// # }
/// ```
pub type OperatorService = OperatorServiceClient<InterceptedService<Channel, Headers>>;
/// The raw time-skipping `TestService` client of a connection, with the connection's headers.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::raw::TestService;
///
/// # async fn example(connection: temporal_client::Connection) -> Result<(), Box<dyn std::error::Error>> {
/// let mut test: TestService = connection.raw_test_service();
/// let now = test.get_current_time(temporal_client::proto::google::protobuf::Empty {}).await?;
/// # let _ = now;
/// # Ok(())
/// # }
/// ```
pub type TestService = TestServiceClient<InterceptedService<Channel, Headers>>;
/// The raw gRPC health client of a connection, with the connection's headers.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::raw::HealthService;
/// use temporal_client::proto::grpc::health::v1::HealthCheckRequest;
///
/// # async fn example(connection: temporal_client::Connection) -> Result<(), Box<dyn std::error::Error>> {
/// let mut health: HealthService = connection.raw_health_service();
/// let status = health.check(HealthCheckRequest::default()).await?;
/// # let _ = status;
/// # Ok(())
/// # }
/// ```
pub type HealthService = HealthClient<InterceptedService<Channel, Headers>>;

/// How to reach and talk to the server, set with chained calls.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use temporal_client::{ConnectionOptions, TlsOptions};
///
/// let local = ConnectionOptions::default(); // localhost:7233, plaintext
/// let cloud = ConnectionOptions::new("my-ns.a1b2c.tmprl.cloud:7233")
///     .api_key("my-api-key") // implies TLS with the system's roots
///     .header("x-team", "payments")
///     .connect_timeout(Duration::from_secs(5));
/// # let _ = (local, cloud);
/// ```
///
/// `Debug` never shows a secret: the API key, header values and any `user:password@` in the
/// address are redacted.
#[derive(Clone)]
#[must_use]
pub struct ConnectionOptions {
    address: String,
    tls: TlsMode,
    api_key: Option<String>,
    allow_api_key_over_plaintext: bool,
    headers: Vec<(String, String)>,
    authority: Option<String>,
    connect_timeout: Duration,
    keepalive: Option<(Duration, Duration)>,
    retry_policy: RpcRetryPolicy,
    proxy: ProxyChoice,
    resolver: Resolver,
    dns_load_balancing: Option<Duration>,
    gzip: bool,
    http2_transport: Http2Transport,
}

/// Where the proxy comes from.
#[derive(Debug, Clone)]
enum ProxyChoice {
    /// `grpc_proxy`, `https_proxy`, `http_proxy` and `no_proxy`, as gRPC reads them.
    FromEnvironment,
    Explicit(HttpConnectProxy),
    Disabled,
}

#[derive(Debug, Clone)]
// Without the `tls` feature, TLS is refused at connect and its options are never read.
#[cfg_attr(not(feature = "tls"), allow(dead_code))]
enum TlsMode {
    /// TLS with the system's roots when an API key is set or the address is `https://`.
    Auto,
    Enabled(TlsOptions),
    Disabled,
}

impl Default for ConnectionOptions {
    fn default() -> Self {
        Self::new(DEFAULT_ADDRESS)
    }
}

impl fmt::Debug for ConnectionOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionOptions")
            .field("address", &redact_userinfo(&self.address))
            .field("tls", &self.tls)
            .field("api_key", &self.api_key.as_ref().map(|_| REDACTED))
            .field(
                "allow_api_key_over_plaintext",
                &self.allow_api_key_over_plaintext,
            )
            .field("headers", &RedactedHeaders(&self.headers))
            .field("authority", &self.authority)
            .field("connect_timeout", &self.connect_timeout)
            .field("keepalive", &self.keepalive)
            .field("retry_policy", &self.retry_policy)
            .field("proxy", &self.proxy)
            .field("resolver", &self.resolver)
            .field("dns_load_balancing", &self.dns_load_balancing)
            .field("gzip", &self.gzip)
            .field("http2_transport", &self.http2_transport)
            .finish()
    }
}

/// What `Debug` and `Display` show instead of a secret.
pub(crate) const REDACTED: &str = "<redacted>";

/// Header names with their values redacted: any header may carry a credential.
pub(crate) struct RedactedHeaders<'a>(pub(crate) &'a [(String, String)]);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(name, _)| (name, REDACTED)))
            .finish()
    }
}

/// `address` without the password of a `user:password@` part, which must never reach a log.
pub(crate) fn redact_userinfo(address: &str) -> Cow<'_, str> {
    let (scheme, rest) = match address.find("://") {
        Some(at) => address.split_at(at + 3),
        None => ("", address),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => Cow::Owned(format!("{scheme}{REDACTED}@{}", &rest[at + 1..])),
        None => Cow::Borrowed(address),
    }
}

/// Whether a header of this name carries a credential, and so follows the API key's rule:
/// never over plaintext unless allowed.
fn is_credential_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("authorization")
}

impl ConnectionOptions {
    /// Options for the server at `address`: `host:port`, `host` (port 7233), or a URL
    /// (`http://host:port`, `https://host:port`). A `user:password@` in it is neither sent
    /// (HTTP/2 forbids it in the `:authority`) nor shown by `Debug` or errors: credentials go
    /// in [`api_key`](ConnectionOptions::api_key) or a [`header`](ConnectionOptions::header).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ConnectionOptions;
    ///
    /// let options = ConnectionOptions::new("temporal.internal:7233");
    /// # let _ = options;
    /// ```
    pub fn new(address: impl Into<String>) -> Self {
        Self {
            address: address.into(),
            tls: TlsMode::Auto,
            api_key: None,
            allow_api_key_over_plaintext: false,
            headers: Vec::new(),
            authority: None,
            connect_timeout: Duration::from_secs(10),
            keepalive: Some((Duration::from_secs(30), Duration::from_secs(15))),
            retry_policy: RpcRetryPolicy::default(),
            proxy: ProxyChoice::FromEnvironment,
            resolver: Resolver::default(),
            dns_load_balancing: None,
            gzip: false,
            http2_transport: Http2Transport::Channel,
        }
    }

    /// Connects with TLS as configured.
    ///
    /// Defaults to TLS with the system's roots when an API key is set or the address starts
    /// with `https://`, and to plaintext otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ConnectionOptions, TlsOptions};
    ///
    /// let options = ConnectionOptions::new("temporal.internal:7233")
    ///     .tls(TlsOptions::new().server_name("temporal.internal"));
    /// # let _ = options;
    /// ```
    pub fn tls(mut self, tls: TlsOptions) -> Self {
        self.tls = TlsMode::Enabled(tls);
        self
    }

    /// Connects in plaintext even though an API key is set or the address is `https://`.
    ///
    /// An API key is then refused unless [`allow_api_key_over_plaintext`] is also set: sending
    /// a secret over plaintext is never the default.
    ///
    /// [`allow_api_key_over_plaintext`]: ConnectionOptions::allow_api_key_over_plaintext
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ConnectionOptions;
    ///
    /// let options = ConnectionOptions::new("https://localhost:7233").plaintext();
    /// # let _ = options;
    /// ```
    pub fn plaintext(mut self) -> Self {
        self.tls = TlsMode::Disabled;
        self
    }

    /// Authenticates every call with `authorization: Bearer <key>`, and turns TLS on unless it
    /// was set otherwise. The key can be replaced later with [`Connection::set_api_key`].
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ConnectionOptions;
    ///
    /// let options = ConnectionOptions::new("my-ns.a1b2c.tmprl.cloud:7233").api_key("my-api-key");
    /// # let _ = options;
    /// ```
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Allows an API key on a plaintext connection, for a local proxy that adds TLS.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ConnectionOptions;
    ///
    /// // A local sidecar proxy that adds TLS on the way out.
    /// let options = ConnectionOptions::new("localhost:7233")
    ///     .api_key("my-api-key")
    ///     .plaintext()
    ///     .allow_api_key_over_plaintext();
    /// # let _ = options;
    /// ```
    pub fn allow_api_key_over_plaintext(mut self) -> Self {
        self.allow_api_key_over_plaintext = true;
        self
    }

    /// Sends this `host` or `host:port` as the HTTP/2 `:authority` of every call, instead of
    /// the address: for a proxy or ingress that routes by virtual host. The address is still
    /// the one dialled (through the HTTP CONNECT proxy too), and with TLS the server name
    /// checked and sent (SNI) is still [`TlsOptions::server_name`], else the address's host:
    /// the authority never changes which certificate is accepted. It is a config profile's
    /// `authority` (`TEMPORAL_CLIENT_AUTHORITY`) and Go's `ConnectionOptions.Authority`.
    ///
    /// A value that is not `host` or `host:port` is refused by [`Connection::connect`] as
    /// [`ConnectError::InvalidOption`] naming `authority`.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ConnectionOptions;
    ///
    /// let options = ConnectionOptions::new("10.0.0.7:7233").authority("temporal.internal");
    /// # let _ = options;
    /// ```
    pub fn authority(mut self, authority: impl Into<String>) -> Self {
        self.authority = Some(authority.into());
        self
    }

    /// Sends this header (gRPC metadata) with every call. Names are lowercase ASCII; values
    /// printable ASCII.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ConnectionOptions;
    ///
    /// let options = ConnectionOptions::default().header("x-team", "payments");
    /// # let _ = options;
    /// ```
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// How long [`Connection::connect`] waits for the whole connection: TCP, the TLS
    /// handshake, and the server's first answer (`GetSystemInfo`). Also bounds each TLS
    /// handshake of a reconnection. Defaults to 10 s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::ConnectionOptions;
    ///
    /// let options = ConnectionOptions::default().connect_timeout(Duration::from_secs(3));
    /// # let _ = options;
    /// ```
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sends an HTTP/2 ping every `interval`, and drops the connection when one is not
    /// answered within `timeout`. Defaults to every 30 s with a 15 s timeout.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::ConnectionOptions;
    ///
    /// let options =
    ///     ConnectionOptions::default().keepalive(Duration::from_secs(60), Duration::from_secs(20));
    /// # let _ = options;
    /// ```
    pub fn keepalive(mut self, interval: Duration, timeout: Duration) -> Self {
        self.keepalive = Some((interval, timeout));
        self
    }

    /// Sends no keepalive pings.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ConnectionOptions;
    ///
    /// let options = ConnectionOptions::default().no_keepalive();
    /// # let _ = options;
    /// ```
    pub fn no_keepalive(mut self) -> Self {
        self.keepalive = None;
        self
    }

    /// How calls are retried. Defaults to [`RpcRetryPolicy::default`].
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ConnectionOptions, RpcRetryPolicy};
    ///
    /// let options = ConnectionOptions::default().retry_policy(RpcRetryPolicy::default().max_attempts(3));
    /// # let _ = options;
    /// ```
    pub fn retry_policy(mut self, policy: RpcRetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// Tunnels every connection to the server through this HTTP CONNECT proxy, whatever the
    /// proxy environment variables say.
    ///
    /// Without this, the proxy comes from the environment as gRPC reads it: the first set of
    /// `grpc_proxy`, `https_proxy`, `http_proxy` (each lowercase, then uppercase), unless the
    /// first set of `no_grpc_proxy`, `no_proxy` names the server (a host, a domain, `*`, an
    /// IP or CIDR block, optionally `:port`) or the server is loopback (`localhost`,
    /// 127.0.0.0/8, `::1`), as Go does. See [`no_proxy`](ConnectionOptions::no_proxy).
    ///
    /// TLS to the server runs inside the tunnel. A proxy that refuses (non-2xx), hangs up or
    /// does not answer within the [connect timeout](ConnectionOptions::connect_timeout) is a
    /// [`ConnectError::Proxy`] naming it.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ConnectionOptions, HttpConnectProxy};
    ///
    /// let options = ConnectionOptions::new("temporal.internal:7233")
    ///     .http_connect_proxy(HttpConnectProxy::new("proxy.corp.example:3128"));
    /// # let _ = options;
    /// ```
    pub fn http_connect_proxy(mut self, proxy: HttpConnectProxy) -> Self {
        self.proxy = ProxyChoice::Explicit(proxy);
        self
    }

    /// Connects directly, ignoring the proxy environment variables (and any proxy set
    /// before).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ConnectionOptions;
    ///
    /// let options = ConnectionOptions::new("temporal.internal:7233").no_proxy();
    /// # let _ = options;
    /// ```
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxyChoice::Disabled;
        self
    }

    /// Resolves the server's name with `resolver` instead of the system's resolver, on every
    /// (re)connection and every re-resolution of
    /// [`dns_load_balancing`](ConnectionOptions::dns_load_balancing). Not used through a
    /// proxy: the proxy resolves the name.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::SocketAddr;
    /// use temporal_client::{ConnectionOptions, Resolve, Resolving};
    ///
    /// struct Fixed(Vec<SocketAddr>);
    ///
    /// impl Resolve for Fixed {
    ///     fn resolve(&self, _host: &str, _port: u16) -> Resolving {
    ///         let addresses = self.0.clone();
    ///         Box::pin(async move { Ok(addresses) })
    ///     }
    /// }
    ///
    /// let options = ConnectionOptions::new("temporal.internal:7233")
    ///     .dns_resolver(Fixed(vec!["10.0.0.7:7233".parse().unwrap()]));
    /// # let _ = options;
    /// ```
    pub fn dns_resolver(mut self, resolver: impl Resolve) -> Self {
        self.resolver.set_base(std::sync::Arc::new(resolver));
        self
    }

    /// Resolves `name` to these addresses, bypassing any resolver, as reqwest's
    /// `resolve_to_addrs` does: an address with port 0 takes the server address's port.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ConnectionOptions;
    ///
    /// let options = ConnectionOptions::new("temporal.internal:7233").resolve_to_addrs(
    ///     "temporal.internal",
    ///     &["10.0.0.7:0".parse().unwrap(), "10.0.0.8:0".parse().unwrap()],
    /// );
    /// # let _ = options;
    /// ```
    pub fn resolve_to_addrs(mut self, name: &str, addresses: &[std::net::SocketAddr]) -> Self {
        self.resolver.set_override(name, addresses);
        self
    }

    /// Spreads calls over every address the server's name resolves to, as gRPC's
    /// `round_robin` over its DNS resolver does: one HTTP/2 connection per address (tonic's
    /// balanced channel: each call goes to one of the ready connections at random), and the
    /// name resolved again every `re_resolve_every`, and also as soon as a frontend's
    /// connection drops, so that frontends added to or removed from DNS are picked up.
    ///
    /// Each frontend is watched through a connection of its own (a second one per address:
    /// tonic's balanced channel reports no dial or drop): a probe dials it, sends one gRPC
    /// health check (any answer, even an error status, counts) and keeps the connection
    /// open. When that connection ends, the frontend is probed again at once and the name
    /// resolved again (at most once a second, so that a flapping frontend cannot make the
    /// client hammer DNS; a Temporal frontend closes an idle connection after 2 minutes, so
    /// expect that much). A frontend gone silent is noticed when that connection's
    /// [keepalive](ConnectionOptions::keepalive) gives up. A frontend whose probe fails (refused, closed before answering,
    /// no answer within the [connect timeout](ConnectionOptions::connect_timeout)) leaves
    /// the set: calls go to the others, and it is probed again after 250 ms, doubling up to
    /// 8 s, until it answers, which brings it back; a resolution that still names it does not.
    /// The last frontend of the set stays even when it fails, so that calls fail at once
    /// with `UNAVAILABLE` (and are retried per the [retry
    /// policy](ConnectionOptions::retry_policy)) instead of waiting for their deadline. A
    /// call already on its way to a frontend that dies fails and is retried. While no
    /// address is known (a lazy connection whose name does not resolve yet), the name is
    /// tried again after 1 s, doubling up to 30 s. The task that does this ends when the
    /// connection and its clones are dropped.
    ///
    /// Off by default: one connection, to the first address that accepts. Cannot be combined
    /// with an HTTP CONNECT proxy (the proxy resolves the name), so refused with one.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::ConnectionOptions;
    ///
    /// let options = ConnectionOptions::new("temporal-frontend.internal:7233")
    ///     .dns_load_balancing(Duration::from_secs(30));
    /// # let _ = options;
    /// ```
    pub fn dns_load_balancing(mut self, re_resolve_every: Duration) -> Self {
        self.dns_load_balancing = Some(re_resolve_every);
        self
    }

    /// Compresses requests with gzip and accepts gzip-compressed responses (gRPC message
    /// compression; the server answers compressed when the request was). Worth it for large
    /// payloads on slow links; it costs CPU on both sides, so it is off by default. Needs
    /// the `gzip` feature (not a default one: without it, `gzip(true)` is refused with a
    /// [`ConnectError::InvalidOption`] naming the feature).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ConnectionOptions;
    ///
    /// let options = ConnectionOptions::new("temporal.internal:7233").gzip(true);
    /// # let _ = options;
    /// ```
    pub fn gzip(mut self, enabled: bool) -> Self {
        self.gzip = enabled;
        self
    }

    /// Which HTTP/2 client carries the client's calls: tonic's `Channel` (the default), or
    /// [`Http2Transport::Direct`], h2's client driven from each call's own task, which spares
    /// every call the hop through tonic's `Buffer` worker task and hyper's dispatch (in the
    /// bench's h2-direct experiment, 23-29 % fewer user-space instructions and 13 fewer
    /// allocations per small call than bare tonic; bench/notes/transport-experiment.md).
    ///
    /// The direct transport dials as the `Channel` does (the [resolver](Self::dns_resolver)
    /// or the [HTTP CONNECT proxy](Self::http_connect_proxy), `TCP_NODELAY`, the [connect
    /// timeout](Self::connect_timeout) on every dial), sends [keepalive](Self::keepalive)
    /// pings while idle too and drops a connection whose ping goes unanswered, redials once
    /// for all waiting calls when the connection dies or the server sends GOAWAY (a call that
    /// had not started moves to the new connection; calls in flight fail as `UNAVAILABLE` and
    /// the [retry policy](Self::retry_policy) retries them), and sends large messages under
    /// HTTP/2 flow control.
    ///
    /// TLS works as with the `Channel`, from the same [`TlsOptions`] (or the defaults an API
    /// key or an `https://` address turns on): the given CA or the system's roots, the client
    /// certificate (mTLS), the [server name](TlsOptions::server_name) or the address's host
    /// (SNI, and the name the certificate must hold), [disabled host
    /// verification](TlsOptions::danger_disable_host_verification); the handshake (rustls with
    /// ring) runs inside the connect timeout over the TCP stream or the proxy's tunnel, and a
    /// server that does not agree to HTTP/2 in ALPN is refused. A refused certificate is a
    /// [`ConnectError::Transport`] (or an `UNAVAILABLE` call, not retried) whose sources name
    /// the certificate problem, as with the `Channel`.
    ///
    /// It is compiled only with the `http2-direct` cargo feature (not a default one:
    /// `temporal-client = { version = "0.1", features = ["http2-direct"] }`); without it,
    /// [`Connection::connect`] and [`Connection::connect_lazy`] refuse it with
    /// [`ConnectError::InvalidOption`] naming the feature.
    ///
    /// What it does not do yet: [DNS load balancing](Self::dns_load_balancing);
    /// [`Connection::connect`] and [`Connection::connect_lazy`] refuse it with
    /// [`ConnectError::InvalidOption`] naming `http2_transport`. Only the client's own calls
    /// use it: the raw service clients ([`Connection::raw_workflow_service`] and the others,
    /// whose types name tonic's `Channel`) go through a `Channel` of their own, dialled
    /// lazily on their first call.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ConnectionOptions, Http2Transport};
    ///
    /// let options = ConnectionOptions::new("localhost:7233").http2_transport(Http2Transport::Direct);
    /// # let _ = options;
    /// ```
    pub fn http2_transport(mut self, transport: Http2Transport) -> Self {
        self.http2_transport = transport;
        self
    }

    /// Options from the environment variables the `temporal` CLI reads: `TEMPORAL_ADDRESS`
    /// (default `localhost:7233`), `TEMPORAL_API_KEY`, `TEMPORAL_TLS` (`true` or `false`;
    /// TLS is on when an API key or any TLS setting is given), the server CA as
    /// `TEMPORAL_TLS_SERVER_CA_CERT_PATH` (a PEM file) or `TEMPORAL_TLS_SERVER_CA_CERT_DATA`
    /// (PEM text), the client certificate and key as `TEMPORAL_TLS_CLIENT_CERT_PATH`/`_DATA`
    /// and `TEMPORAL_TLS_CLIENT_KEY_PATH`/`_DATA`, `TEMPORAL_TLS_SERVER_NAME`,
    /// `TEMPORAL_TLS_DISABLE_HOST_VERIFICATION`
    /// ([`TlsOptions::danger_disable_host_verification`]), `TEMPORAL_CLIENT_AUTHORITY`
    /// ([`authority`](ConnectionOptions::authority)), and headers as
    /// `TEMPORAL_GRPC_META_<NAME>`. The namespace is read by
    /// [`ClientOptions::from_env`](crate::ClientOptions::from_env).
    ///
    /// The variables are read as [`ClientConfigProfile`](crate::ClientConfigProfile) reads
    /// them, without a `temporal.toml` file; to read the file too, as the CLI does, use
    /// [`ClientConfigProfile::load_default`](crate::ClientConfigProfile::load_default).
    ///
    /// # Errors
    ///
    /// [`ConnectError::Config`] naming the variable, when a value is malformed or a file
    /// cannot be read.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{Connection, ConnectionOptions};
    ///
    /// # async fn example() -> Result<(), temporal_client::ConnectError> {
    /// let connection = Connection::connect(ConnectionOptions::from_env()?).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_env() -> Result<Self, ConnectError> {
        Self::from_environment(&LoadOptions::new().disable_file())
    }

    /// [`from_env`](ConnectionOptions::from_env) over the environment `load` gives, so it is
    /// tested without touching the process's.
    fn from_environment(load: &LoadOptions) -> Result<Self, ConnectError> {
        ClientConfigProfile::load(load)
            .and_then(|profile| profile.connection_options())
            .map_err(|error| ConnectError::Config(Box::new(error)))
    }

    fn uses_tls(&self) -> bool {
        match self.tls {
            TlsMode::Auto => self.api_key.is_some() || self.address.starts_with("https://"),
            TlsMode::Enabled(_) => true,
            TlsMode::Disabled => false,
        }
    }

    /// The URI to dial, with the scheme that matches the TLS setting.
    fn uri(&self) -> Result<String, ConnectError> {
        let invalid = |reason: String| ConnectError::InvalidOption {
            option: "address",
            reason,
        };
        let trimmed = self.address.trim();
        let authority = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"))
            .unwrap_or(trimmed)
            .trim_end_matches('/');
        if authority.contains('/') || authority.contains(char::is_whitespace) {
            return Err(invalid(format!(
                "`{}` is not host:port or a URL without a path",
                redact_userinfo(&self.address)
            )));
        }
        // A `user:password@` is never sent: HTTP/2 forbids it in `:authority` (RFC 9113,
        // 8.3.1), and credentials go in the API key or a header.
        let authority = authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host);
        if authority.is_empty() {
            return Err(invalid(
                "the address is empty; expected host:port".to_owned(),
            ));
        }
        let has_port = match authority.rsplit_once(':') {
            // An IPv6 literal without a port ends in `]`.
            Some((_, port)) if !port.ends_with(']') => {
                port.parse::<u16>().map_err(|_| {
                    invalid(format!(
                        "`{port}` in `{}` is not a port",
                        redact_userinfo(&self.address)
                    ))
                })?;
                true
            }
            _ => false,
        };
        let scheme = if self.uses_tls() { "https" } else { "http" };
        Ok(if has_port {
            format!("{scheme}://{authority}")
        } else {
            format!("{scheme}://{authority}:{DEFAULT_PORT}")
        })
    }

    /// Whether an API key may be sent: over TLS, or over plaintext when explicitly allowed.
    fn may_send_api_key(&self) -> bool {
        self.uses_tls() || self.allow_api_key_over_plaintext
    }

    fn endpoint(&self) -> Result<(Endpoint, Arc<HeaderSet>), ConnectError> {
        if self.api_key.is_some() && !self.may_send_api_key() {
            return Err(api_key_over_plaintext());
        }
        if !self.may_send_api_key()
            && let Some((name, _)) = self
                .headers
                .iter()
                .find(|(name, _)| is_credential_header(name))
        {
            return Err(credential_header_over_plaintext(name));
        }
        let uri = self.uri()?;
        let endpoint = self.endpoint_at(&uri, None)?;
        let endpoint = match self.origin(endpoint.uri())? {
            Some(origin) => endpoint.origin(origin),
            None => endpoint,
        };
        let headers = HeaderSet::new(&self.headers, self.api_key.as_deref())?;
        Ok((endpoint, Arc::new(headers)))
    }

    /// The scheme and `:authority` of every request when the [`authority`] option replaces
    /// those of `uri`, the address dialled.
    ///
    /// [`authority`]: ConnectionOptions::authority
    fn origin(&self, uri: &Uri) -> Result<Option<Uri>, ConnectError> {
        let Some(authority) = &self.authority else {
            return Ok(None);
        };
        let origin =
            authority_origin(uri.scheme_str().unwrap_or("http"), authority).map_err(|reason| {
                ConnectError::InvalidOption {
                    option: "authority",
                    reason,
                }
            })?;
        Ok(Some(origin))
    }

    /// The endpoint that dials `uri` with these options; `tls_name` is the server name TLS
    /// expects when `uri` holds an address rather than the name.
    fn endpoint_at(&self, uri: &str, tls_name: Option<&str>) -> Result<Endpoint, ConnectError> {
        let mut endpoint = Endpoint::from_shared(uri.to_owned())
            .map_err(|_| ConnectError::InvalidOption {
                option: "address",
                reason: format!("`{}` is not a valid URI", redact_userinfo(uri)),
            })?
            .connect_timeout(self.connect_timeout)
            .tcp_nodelay(true);
        if let Some((interval, timeout)) = self.keepalive {
            endpoint = endpoint
                .http2_keep_alive_interval(interval)
                .keep_alive_timeout(timeout)
                .keep_alive_while_idle(true);
        }
        if self.uses_tls() {
            endpoint = self.with_tls(endpoint, tls_name)?;
        }
        Ok(endpoint)
    }

    /// How to dial, from the proxy, resolver and load-balancing options, and the headers of
    /// every call.
    fn transport(&self) -> Result<(Transport, Arc<HeaderSet>), ConnectError> {
        if self.gzip && !cfg!(feature = "gzip") {
            return Err(ConnectError::InvalidOption {
                option: "gzip",
                reason: "gzip is asked for but temporal-client was built without its `gzip` \
                         feature"
                    .to_owned(),
            });
        }
        self.check_http2_transport()?;
        let (endpoint, headers) = self.endpoint()?;
        let host = endpoint.uri().host().unwrap_or_default().to_owned();
        let port = endpoint.uri().port_u16().unwrap_or(DEFAULT_PORT);
        let proxy = match &self.proxy {
            ProxyChoice::Explicit(proxy) => Some((proxy.clone(), None)),
            ProxyChoice::FromEnvironment => {
                proxy::from_environment(|name| std::env::var(name).ok(), &host, port)
                    .map(|(proxy, variable)| (proxy, Some(variable)))
            }
            ProxyChoice::Disabled => None,
        };
        let from = |variable: Option<&str>| {
            variable.map_or_else(String::new, |variable| format!(" (from ${variable})"))
        };
        if let Some((proxy, variable)) = proxy {
            let target =
                proxy
                    .resolve_settings()
                    .map_err(|reason| ConnectError::InvalidOption {
                        option: "http_connect_proxy",
                        reason: format!("{reason}{}", from(variable)),
                    })?;
            if self.dns_load_balancing.is_some() {
                return Err(ConnectError::InvalidOption {
                    option: "dns_load_balancing",
                    reason: format!(
                        "cannot be combined with the HTTP CONNECT proxy {}{}: the proxy resolves \
                         the server's name; connect without the proxy (no_proxy) or without \
                         load balancing",
                        target.name(),
                        from(variable)
                    ),
                });
            }
            let transport = Transport::Single(endpoint, Connector::through_proxy(target));
            return Ok((transport, headers));
        }
        let Some(interval) = self.dns_load_balancing else {
            let transport =
                Transport::Single(endpoint, Connector::resolving(self.resolver.clone()));
            return Ok((transport, headers));
        };
        if interval.is_zero() {
            return Err(ConnectError::InvalidOption {
                option: "dns_load_balancing",
                reason: "the re-resolution interval must be more than zero".to_owned(),
            });
        }
        let options = self.clone();
        let origin = self
            .origin(endpoint.uri())?
            .unwrap_or_else(|| endpoint.uri().clone());
        let scheme = origin.scheme_str().unwrap_or("http").to_owned();
        let tls_name = host.clone();
        let endpoint_for = move |address: std::net::SocketAddr| {
            options
                .endpoint_at(&format!("{scheme}://{address}"), Some(&tls_name))
                .map(|endpoint| endpoint.origin(origin.clone()))
        };
        // Settings are checked now, not when an address first appears.
        endpoint_for(std::net::SocketAddr::from(([127, 0, 0, 1], port)))?;
        let plan = BalancePlan {
            host,
            port,
            resolver: self.resolver.clone(),
            interval,
            endpoint_for: Box::new(endpoint_for),
        };
        Ok((Transport::Balanced(plan), headers))
    }

    /// Refuses what the [direct transport](Http2Transport::Direct) does not do yet, and the
    /// direct transport itself in a build without it.
    fn check_http2_transport(&self) -> Result<(), ConnectError> {
        if self.http2_transport != Http2Transport::Direct {
            return Ok(());
        }
        let reason = if cfg!(not(feature = "http2-direct")) {
            "the direct HTTP/2 transport needs temporal-client's `http2-direct` feature; \
             enable it, or use Http2Transport::Channel (the default)"
        } else if self.dns_load_balancing.is_some() {
            "the direct HTTP/2 transport does not support dns_load_balancing yet; \
             use Http2Transport::Channel (the default)"
        } else {
            return Ok(());
        };
        Err(ConnectError::InvalidOption {
            option: "http2_transport",
            reason: reason.to_owned(),
        })
    }

    /// Without the `http2-direct` feature there is no direct transport to make:
    /// [`check_http2_transport`](Self::check_http2_transport) refused asking for one.
    #[cfg(not(feature = "http2-direct"))]
    fn direct_transport(
        &self,
        _transport: &Transport,
    ) -> Result<Option<std::convert::Infallible>, ConnectError> {
        Ok(None)
    }

    /// The direct transport over `transport`'s connector, when the options ask for it.
    #[cfg(feature = "http2-direct")]
    fn direct_transport(
        &self,
        transport: &Transport,
    ) -> Result<Option<DirectTransport>, ConnectError> {
        if self.http2_transport != Http2Transport::Direct {
            return Ok(None);
        }
        let (endpoint, connector) = match transport {
            Transport::Single(endpoint, connector) => (endpoint, connector),
            // Refused by `check_http2_transport`.
            Transport::Balanced(_) => return Ok(None),
        };
        let settings = direct::Settings {
            connect_timeout: self.connect_timeout,
            keepalive: self.keepalive,
            #[cfg(feature = "tls")]
            tls: self.direct_tls(endpoint.uri())?,
        };
        // Checked when the endpoint was made.
        let origin = self.origin(endpoint.uri()).ok().flatten();
        Ok(Some(DirectTransport::new(
            endpoint.uri(),
            origin.as_ref(),
            connector.clone(),
            settings,
        )))
    }

    /// The direct transport's TLS to `uri`, when the connection uses TLS: the same options
    /// and server name as [`with_tls`](Self::with_tls) gives tonic.
    #[cfg(all(feature = "tls", feature = "http2-direct"))]
    fn direct_tls(&self, uri: &Uri) -> Result<Option<direct::Tls>, ConnectError> {
        if !self.uses_tls() {
            return Ok(None);
        }
        let invalid = |reason| ConnectError::InvalidOption {
            option: "tls",
            reason,
        };
        let options = self.tls_options(uri.host())?;
        let config = options.rustls_config().map_err(invalid)?;
        // `tls_options` gave it the host when it had none.
        let server_name = options.server_name.as_deref().unwrap_or_default();
        direct::Tls::new(config, server_name)
            .map(Some)
            .map_err(invalid)
    }

    /// The TLS options in effect, their PEM checked: those set, or the defaults when an API
    /// key or an `https://` address turned TLS on; with `tls_name` as the server name when
    /// none is set.
    #[cfg(feature = "tls")]
    fn tls_options(&self, tls_name: Option<&str>) -> Result<TlsOptions, ConnectError> {
        let mut options = match &self.tls {
            TlsMode::Enabled(options) => options.clone(),
            TlsMode::Auto | TlsMode::Disabled => TlsOptions::new(),
        };
        if options.server_name.is_none()
            && let Some(name) = tls_name
        {
            options = options.server_name(name.trim_start_matches('[').trim_end_matches(']'));
        }
        options
            .check_pem()
            .map_err(|reason| ConnectError::InvalidOption {
                option: "tls",
                reason,
            })?;
        Ok(options)
    }

    #[cfg(feature = "tls")]
    fn with_tls(
        &self,
        endpoint: Endpoint,
        tls_name: Option<&str>,
    ) -> Result<Endpoint, ConnectError> {
        self.tls_options(tls_name)?
            .apply(endpoint, self.connect_timeout)
            .map_err(|e| ConnectError::InvalidOption {
                option: "tls",
                reason: e.to_string(),
            })
    }

    #[cfg(not(feature = "tls"))]
    fn with_tls(
        &self,
        _endpoint: Endpoint,
        _tls_name: Option<&str>,
    ) -> Result<Endpoint, ConnectError> {
        Err(ConnectError::InvalidOption {
            option: "tls",
            reason: "TLS is needed but temporal-client was built without its `tls` feature"
                .to_owned(),
        })
    }
}

/// A connection to a Temporal server: one HTTP/2 channel that multiplexes every call (one
/// per resolved address, and a second per address that watches it, with
/// [`ConnectionOptions::dns_load_balancing`]).
///
/// Cheap to clone (an `Arc`): create one per server and share it by every
/// [`Client`](crate::Client) and task. Calls need no `&mut`.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{Connection, ConnectionOptions};
///
/// # async fn example() -> Result<(), temporal_client::ConnectError> {
/// let connection = Connection::connect(ConnectionOptions::default()).await?;
/// let info = connection.raw_system_info();
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Connection {
    inner: Arc<ConnectionInner>,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("address", &redact_userinfo(&self.inner.address))
            .field("headers", &self.inner.headers)
            .field("retry_policy", &self.inner.retry_policy)
            .finish_non_exhaustive()
    }
}

struct ConnectionInner {
    /// What the raw service clients use.
    channel: Channel,
    /// What the client's own calls use: `channel`, or the direct transport.
    calls: CallTransport,
    headers: Arc<HeaderSet>,
    address: String,
    retry_policy: RpcRetryPolicy,
    /// Whether [`Connection::set_api_key`] may set a key: the options' rule, kept.
    may_send_api_key: bool,
    system_info: Option<temporal_proto::api::workflowservice::v1::GetSystemInfoResponse>,
    /// Whether calls are gzip-compressed ([`ConnectionOptions::gzip`]). Without the `gzip`
    /// feature, asking for it is refused at connect.
    gzip: bool,
}

impl Connection {
    /// Connects, then checks that a Temporal frontend answers (`GetSystemInfo`).
    ///
    /// # Errors
    ///
    /// [`ConnectError::InvalidOption`] before dialling, [`ConnectError::Transport`] when the
    /// server cannot be reached (or its name resolved), [`ConnectError::Proxy`] when the HTTP
    /// CONNECT proxy does not open a tunnel, [`ConnectError::Handshake`] when the server does
    /// not answer as a Temporal frontend, [`ConnectError::TimedOut`] when TCP, TLS and the
    /// first answer take longer than [`ConnectionOptions::connect_timeout`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{Connection, ConnectionOptions};
    ///
    /// # async fn example() -> Result<(), temporal_client::ConnectError> {
    /// let connection = Connection::connect(ConnectionOptions::new("localhost:7233")).await?;
    /// # let _ = connection;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect(options: ConnectionOptions) -> Result<Self, ConnectError> {
        let (transport, headers) = options.transport()?;
        let address = redact_userinfo(&options.address).into_owned();
        let timeout = options.connect_timeout;
        let proxy = match &transport {
            Transport::Single(_, connector) => {
                connector.proxy_name().map(|name| (name, connector.clone()))
            }
            _ => None,
        };
        let transport_error =
            |source: Box<dyn std::error::Error + Send + Sync>| match proxy_failure(&*source) {
                Some(failure) => ConnectError::Proxy {
                    proxy: failure.proxy.clone(),
                    address: address.clone(),
                    status: failure.error.status(),
                    reason: failure.error.to_string(),
                },
                None => ConnectError::Transport {
                    address: address.clone(),
                    source,
                },
            };
        let direct = options.direct_transport(&transport)?;
        let connecting = async {
            let channel = match transport {
                // The raw clients' own channel: the direct transport is dialled below.
                transport if direct.is_some() => lazy_channel(transport),
                Transport::Single(endpoint, connector) => endpoint
                    .connect_with_connector(CoalescingConnector(connector))
                    .await
                    .map_err(|source| transport_error(Box::new(source)))?,
                Transport::Balanced(plan) => plan
                    .connect()
                    .await
                    .map_err(|source| transport_error(Box::new(source)))?,
            };
            let calls = match direct {
                #[cfg(feature = "http2-direct")]
                Some(direct) => {
                    direct
                        .connect()
                        .await
                        .map_err(|source| transport_error(Box::new(source)))?;
                    CallTransport::Direct(direct)
                }
                None => CallTransport::Channel(channel.clone()),
            };
            let interceptor = Headers::new(Arc::clone(&headers), None);
            let mut request = tonic::Request::new(GetSystemInfoRequest::default());
            request.set_timeout(timeout);
            let system_info = WorkflowServiceClient::with_interceptor(calls.clone(), interceptor)
                .get_system_info(request)
                .await
                .map_err(|status| ConnectError::Handshake {
                    address: address.clone(),
                    source: RpcError::new(crate::retry::with_reason(status)),
                })?
                .into_inner();
            Ok((channel, calls, system_info))
        };
        // One deadline for TCP, TLS and the first answer: a server that accepts and then says
        // nothing must not hold the caller until keepalive gives up.
        let started = tokio::time::Instant::now();
        let timed_out = || match &proxy {
            // The proxy never opened a tunnel: it is the one that did not answer in time.
            Some((name, connector)) if !connector.tunnel_opened() => ConnectError::Proxy {
                proxy: name.clone(),
                address: address.clone(),
                status: None,
                reason: format!(
                    "the proxy did not open a tunnel within the connect timeout of {timeout:?}"
                ),
            },
            _ => ConnectError::TimedOut {
                address: address.clone(),
                timeout,
            },
        };
        let (channel, calls, system_info) = match tokio::time::timeout(timeout, connecting).await {
            Ok(Ok(connected)) => connected,
            // The TLS handshake's and the first call's own deadlines are the connect timeout
            // too, and may fire first.
            Ok(Err(_)) if started.elapsed() >= timeout => return Err(timed_out()),
            Ok(Err(err)) => return Err(err),
            Err(_) => return Err(timed_out()),
        };
        Ok(Self::from_parts(
            channel,
            calls,
            headers,
            options,
            Some(system_info),
        ))
    }

    /// Makes a connection that dials on its first call, so this never waits or fails on the
    /// network; calls fail with an `UNAVAILABLE` [`RpcError`] (after retries) while the server
    /// is unreachable, and each attempt's deadline covers its wait for the connection.
    ///
    /// # Errors
    ///
    /// [`ConnectError::InvalidOption`] for inconsistent options.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{Client, Connection, ConnectionOptions};
    ///
    /// # async fn example() -> Result<(), temporal_client::ConnectError> {
    /// // Never waits: the first call dials.
    /// let connection = Connection::connect_lazy(ConnectionOptions::new("localhost:7233"))?;
    /// let client = Client::new(connection);
    /// # let _ = client;
    /// # Ok(())
    /// # }
    /// ```
    pub fn connect_lazy(options: ConnectionOptions) -> Result<Self, ConnectError> {
        let (transport, headers) = options.transport()?;
        let calls = options.direct_transport(&transport)?;
        let channel = lazy_channel(transport);
        let calls = match calls {
            #[cfg(feature = "http2-direct")]
            Some(direct) => CallTransport::Direct(direct),
            None => CallTransport::Channel(channel.clone()),
        };
        Ok(Self::from_parts(channel, calls, headers, options, None))
    }

    fn from_parts(
        channel: Channel,
        calls: CallTransport,
        headers: Arc<HeaderSet>,
        options: ConnectionOptions,
        system_info: Option<temporal_proto::api::workflowservice::v1::GetSystemInfoResponse>,
    ) -> Self {
        Self {
            inner: Arc::new(ConnectionInner {
                channel,
                calls,
                headers,
                may_send_api_key: options.may_send_api_key(),
                address: options.address,
                retry_policy: options.retry_policy,
                system_info,
                gzip: options.gzip,
            }),
        }
    }

    /// The address this connection dials, as given.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn example(connection: temporal_client::Connection) {
    /// println!("connected to {}", connection.address());
    /// # }
    /// ```
    pub fn address(&self) -> &str {
        &self.inner.address
    }

    /// What the server said of itself when [`Connection::connect`] checked it: its version and
    /// capabilities. `None` for a lazy connection.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn example(connection: temporal_client::Connection) {
    /// if let Some(info) = connection.raw_system_info() {
    ///     println!("server version {}", info.server_version);
    /// }
    /// # }
    /// ```
    pub fn raw_system_info(
        &self,
    ) -> Option<&temporal_proto::api::workflowservice::v1::GetSystemInfoResponse> {
        self.inner.system_info.as_ref()
    }

    /// The retry policy of calls made through this connection.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn example(connection: temporal_client::Connection) {
    /// let policy = connection.retry_policy().clone().max_attempts(3);
    /// # let _ = policy;
    /// # }
    /// ```
    pub fn retry_policy(&self) -> &RpcRetryPolicy {
        &self.inner.retry_policy
    }

    /// Replaces the API key sent with every later call, or stops sending one (`None`), for
    /// rotating keys without reconnecting.
    ///
    /// # Errors
    ///
    /// [`ConnectError::InvalidOption`] when the key is not a valid header value, or when the
    /// connection is plaintext and was not made with
    /// [`ConnectionOptions::allow_api_key_over_plaintext`]: a key set later must not travel
    /// where one given up front would have been refused.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn example(connection: temporal_client::Connection) -> Result<(), temporal_client::ConnectError> {
    /// // Rotate the key without reconnecting.
    /// connection.set_api_key(Some("the-new-key"))?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_api_key(&self, key: Option<&str>) -> Result<(), ConnectError> {
        if key.is_some() && !self.inner.may_send_api_key {
            return Err(api_key_over_plaintext());
        }
        let value = key.map(bearer).transpose()?;
        *self
            .inner
            .headers
            .api_key
            .write()
            .unwrap_or_else(PoisonError::into_inner) = value;
        Ok(())
    }

    /// Whether calls are gzip-compressed ([`ConnectionOptions::gzip`]).
    pub(crate) fn compressed(&self) -> bool {
        cfg!(feature = "gzip") && self.inner.gzip
    }

    /// Whether credentials (an API key, an `authorization` header) may be sent: over TLS, or
    /// over plaintext when the options allowed it.
    pub(crate) fn may_send_credentials(&self) -> bool {
        self.inner.may_send_api_key
    }

    /// The raw `WorkflowService` client, sending this connection's headers (API key, static
    /// headers, `client-name`, `client-version`) with every call. Cheap: clones a channel.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::proto::api::workflowservice::v1::GetSystemInfoRequest;
    ///
    /// # async fn example(connection: temporal_client::Connection) -> Result<(), Box<dyn std::error::Error>> {
    /// let info = connection.raw_workflow_service().get_system_info(GetSystemInfoRequest::default()).await?;
    /// println!("server {}", info.get_ref().server_version);
    /// # Ok(())
    /// # }
    /// ```
    pub fn raw_workflow_service(&self) -> WorkflowService {
        let service =
            WorkflowServiceClient::with_interceptor(self.inner.channel.clone(), self.headers(None))
                .max_decoding_message_size(MAX_DECODING_MESSAGE_SIZE);
        compressed!(self, service)
    }

    /// The raw `OperatorService` client (search attributes, namespaces, clusters).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::proto::api::operatorservice::v1::ListSearchAttributesRequest;
    ///
    /// # async fn example(connection: temporal_client::Connection) -> Result<(), Box<dyn std::error::Error>> {
    /// let attributes = connection
    ///     .raw_operator_service()
    ///     .list_search_attributes(ListSearchAttributesRequest { namespace: "default".to_owned() })
    ///     .await?;
    /// # let _ = attributes;
    /// # Ok(())
    /// # }
    /// ```
    pub fn raw_operator_service(&self) -> OperatorService {
        let service =
            OperatorServiceClient::with_interceptor(self.inner.channel.clone(), self.headers(None))
                .max_decoding_message_size(MAX_DECODING_MESSAGE_SIZE);
        compressed!(self, service)
    }

    /// The raw `TestService` client of the time-skipping test server.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(connection: temporal_client::Connection) -> Result<(), Box<dyn std::error::Error>> {
    /// let now = connection.raw_test_service().get_current_time(temporal_client::proto::google::protobuf::Empty {}).await?;
    /// # let _ = now;
    /// # Ok(())
    /// # }
    /// ```
    pub fn raw_test_service(&self) -> TestService {
        let service =
            TestServiceClient::with_interceptor(self.inner.channel.clone(), self.headers(None));
        compressed!(self, service)
    }

    /// The raw gRPC health client.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::proto::grpc::health::v1::HealthCheckRequest;
    ///
    /// # async fn example(connection: temporal_client::Connection) -> Result<(), Box<dyn std::error::Error>> {
    /// let status = connection.raw_health_service().check(HealthCheckRequest::default()).await?;
    /// # let _ = status;
    /// # Ok(())
    /// # }
    /// ```
    pub fn raw_health_service(&self) -> HealthService {
        let service =
            HealthClient::with_interceptor(self.inner.channel.clone(), self.headers(None));
        compressed!(self, service)
    }

    /// A `WorkflowService` client that also names `namespace` in the `temporal-namespace`
    /// header, for a [`Client`](crate::Client) of that namespace.
    pub(crate) fn namespaced_workflow_service(
        &self,
        namespace: AsciiMetadataValue,
    ) -> WorkflowService {
        let service = WorkflowServiceClient::with_interceptor(
            self.inner.channel.clone(),
            self.headers(Some(namespace)),
        )
        .max_decoding_message_size(MAX_DECODING_MESSAGE_SIZE);
        compressed!(self, service)
    }

    /// The workflow service as the client's own calls reach it, configured as
    /// [`namespaced_workflow_service`](Self::namespaced_workflow_service) is, over the
    /// transport [`ConnectionOptions::http2_transport`] chose.
    pub(crate) fn namespaced_grpc(&self, namespace: AsciiMetadataValue) -> WorkflowGrpc {
        WorkflowGrpc::new(
            self.inner.calls.clone(),
            self.headers(Some(namespace)),
            self.compressed(),
        )
    }

    fn headers(&self, namespace: Option<AsciiMetadataValue>) -> Headers {
        Headers::new(Arc::clone(&self.inner.headers), namespace)
    }
}

/// A channel that dials on its first call.
fn lazy_channel(transport: Transport) -> Channel {
    match transport {
        Transport::Single(endpoint, connector) => {
            endpoint.connect_with_connector_lazy(CoalescingConnector(connector))
        }
        Transport::Balanced(plan) => plan.connect_lazy(),
    }
}

/// The headers every call of a connection carries.
struct HeaderSet {
    fixed: MetadataMap,
    api_key: RwLock<Option<AsciiMetadataValue>>,
}

impl fmt::Debug for HeaderSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let has_key = self
            .api_key
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some();
        f.debug_struct("HeaderSet")
            .field("fixed", &RedactedMetadata(&self.fixed))
            .field("api_key", &has_key.then_some(REDACTED))
            .finish()
    }
}

/// gRPC metadata with its values redacted, for `Debug`.
pub(crate) struct RedactedMetadata<'a>(pub(crate) &'a MetadataMap);

impl fmt::Debug for RedactedMetadata<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.keys().map(|key| {
                let name = match key {
                    tonic::metadata::KeyRef::Ascii(key) => key.as_str(),
                    tonic::metadata::KeyRef::Binary(key) => key.as_str(),
                };
                (name, REDACTED)
            }))
            .finish()
    }
}

impl HeaderSet {
    fn new(headers: &[(String, String)], api_key: Option<&str>) -> Result<Self, ConnectError> {
        let mut fixed = MetadataMap::with_capacity(headers.len() + 2);
        fixed.insert("client-name", AsciiMetadataValue::from_static(CLIENT_NAME));
        fixed.insert(
            "client-version",
            AsciiMetadataValue::from_static(CLIENT_VERSION),
        );
        for (name, value) in headers {
            let (key, mut value) =
                parse_header(name, value).map_err(|reason| ConnectError::InvalidOption {
                    option: "header",
                    reason,
                })?;
            if is_credential_header(name) {
                value.set_sensitive(true);
            }
            fixed.insert(key, value);
        }
        Ok(Self {
            fixed,
            api_key: RwLock::new(api_key.map(bearer).transpose()?),
        })
    }
}

/// A header as gRPC metadata, or why it cannot be one.
pub(crate) fn parse_header(
    name: &str,
    value: &str,
) -> Result<(AsciiMetadataKey, AsciiMetadataValue), String> {
    let key = AsciiMetadataKey::from_bytes(name.as_bytes()).map_err(|_| {
        format!(
            "`{name}` is not a valid header name (lowercase ASCII letters, digits, '-', '_' \
             and '.'; not ending in -bin)"
        )
    })?;
    let value = printable_ascii(value)
        .ok_or_else(|| format!("the value of `{name}` is not printable ASCII"))?;
    Ok((key, value))
}

/// `authority` as the scheme and `:authority` of requests over `scheme`, or why it is not
/// `host` or `host:port`.
pub(crate) fn authority_origin(scheme: &str, authority: &str) -> Result<Uri, String> {
    let invalid = |why: &str| format!("`{authority}` {why}; expected host or host:port");
    if authority.is_empty() {
        return Err(invalid("is empty"));
    }
    // A `user@` part would put a credential in every request.
    if authority.contains('@') {
        return Err(invalid("holds a `user@` part"));
    }
    let origin = Uri::builder()
        .scheme(scheme)
        .authority(authority)
        .path_and_query("/")
        .build()
        .map_err(|_| invalid("is not a valid authority"))?;
    // The URI parser accepts any port text, such as `host:http`.
    if let Some((_, port)) = authority.rsplit_once(':')
        && !port.ends_with(']')
        && port.parse::<u16>().is_err()
    {
        return Err(invalid("has a port that is not a number from 0 to 65535"));
    }
    Ok(origin)
}

/// The refusal to send an API key over a plaintext connection that did not allow it.
fn api_key_over_plaintext() -> ConnectError {
    ConnectError::InvalidOption {
        option: "api_key",
        reason: "an API key would be sent over plaintext; enable TLS, or call \
                 allow_api_key_over_plaintext() for a local TLS-terminating proxy"
            .to_owned(),
    }
}

/// The refusal to send a credential header over a plaintext connection that did not allow it.
fn credential_header_over_plaintext(name: &str) -> ConnectError {
    ConnectError::InvalidOption {
        option: "header",
        reason: format!(
            "the `{name}` header would send a credential over plaintext; enable TLS, or call \
             allow_api_key_over_plaintext() for a local TLS-terminating proxy"
        ),
    }
}

/// `value` as a gRPC metadata value, if it is printable ASCII (space to `~`), all that gRPC
/// allows in one. `http` would also take bytes 0x80 to 0xFF, which a server may read as
/// anything, so text outside ASCII is refused here rather than sent mangled.
pub(crate) fn printable_ascii(value: &str) -> Option<AsciiMetadataValue> {
    value
        .bytes()
        .all(|byte| matches!(byte, b' '..=b'~'))
        .then(|| AsciiMetadataValue::try_from(value).ok())
        .flatten()
}

fn bearer(key: &str) -> Result<AsciiMetadataValue, ConnectError> {
    let mut value =
        printable_ascii(&format!("Bearer {key}")).ok_or_else(|| ConnectError::InvalidOption {
            option: "api_key",
            reason: "the key is not printable ASCII".to_owned(),
        })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Adds a connection's headers to each call; what the raw service clients are intercepted
/// with. Headers a call sets itself are kept.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::raw::Headers;
/// use temporal_client::proto::api::workflowservice::v1::workflow_service_client::WorkflowServiceClient;
/// use tonic::service::interceptor::InterceptedService;
/// use tonic::transport::Channel;
///
/// # fn example(connection: temporal_client::Connection) {
/// // What `WorkflowService` and the other raw clients are.
/// let service: WorkflowServiceClient<InterceptedService<Channel, Headers>> =
///     connection.raw_workflow_service();
/// # let _ = service;
/// # }
/// ```
#[derive(Clone)]
pub struct Headers {
    set: Arc<HeaderSet>,
    namespace: Option<AsciiMetadataValue>,
    /// The set's fixed headers and the namespace's, in one map: each call looks each name
    /// up once, with the name already parsed.
    fixed: Arc<http::HeaderMap>,
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Headers")
            .field("set", &self.set)
            .field("namespace", &self.namespace)
            .finish()
    }
}

impl Interceptor for Headers {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        self.add_to(request.metadata_mut().as_mut());
        Ok(request)
    }
}

impl Headers {
    fn new(set: Arc<HeaderSet>, namespace: Option<AsciiMetadataValue>) -> Self {
        let mut fixed = set.fixed.clone();
        // A `temporal-namespace` among the connection's own headers stays, as a call's does.
        if let Some(namespace) = &namespace
            && !fixed.contains_key("temporal-namespace")
        {
            fixed.insert("temporal-namespace", namespace.clone());
        }
        Self {
            set,
            namespace,
            fixed: Arc::new(fixed.into_headers()),
        }
    }

    /// Adds the connection's headers to `headers`, keeping those it has.
    pub(crate) fn add_to(&self, headers: &mut http::HeaderMap) {
        for (name, value) in self.fixed.iter() {
            headers.entry(name).or_insert_with(|| value.clone());
        }
        if !headers.contains_key(http::header::AUTHORIZATION)
            && let Some(key) = self
                .set
                .api_key
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
        {
            // A move each way: `MetadataMap` is the `HeaderMap` it wraps, and the rotatable
            // key is a `MetadataValue`, which has no public conversion to a `HeaderValue`.
            let mut metadata = MetadataMap::from_headers(std::mem::take(headers));
            metadata.insert("authorization", key);
            *headers = metadata.into_headers();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asking for the direct transport in a build without it is refused before dialling, with
    /// the feature to enable named; with it, only its combination with DNS load balancing.
    #[test]
    fn the_direct_transport_is_refused_by_name_where_it_is_not_built_or_not_supported() {
        let direct =
            ConnectionOptions::new("localhost:7233").http2_transport(Http2Transport::Direct);
        let balanced = direct.clone().dns_load_balancing(Duration::from_secs(30));
        let reason = |options: &ConnectionOptions| match options.check_http2_transport() {
            Ok(()) => None,
            Err(ConnectError::InvalidOption { option, reason }) => {
                assert_eq!(option, "http2_transport");
                Some(reason)
            }
            Err(other) => panic!("{other:?}"),
        };
        if cfg!(feature = "http2-direct") {
            assert_eq!(reason(&direct), None);
            assert!(reason(&balanced).unwrap().contains("dns_load_balancing"));
        } else {
            assert!(reason(&direct).unwrap().contains("`http2-direct` feature"));
            assert!(
                reason(&balanced)
                    .unwrap()
                    .contains("`http2-direct` feature")
            );
        }
        assert_eq!(reason(&ConnectionOptions::new("localhost:7233")), None);
    }

    /// The direct transport's TLS server name: the option, else the address's host, an IP
    /// address (IPv6 without its brackets) included, as tonic takes it.
    #[cfg(all(feature = "tls", feature = "http2-direct"))]
    #[test]
    fn the_direct_transports_tls_server_name_is_the_option_or_the_host() {
        let certificates = temporal_testing::TestCertificates::generate().expect("certificates");
        let trusting = || TlsOptions::new().ca_certificate(certificates.ca_pem.clone());
        for (options, expected) in [
            (
                ConnectionOptions::new("temporal.test:7233").tls(trusting()),
                "DnsName(\"temporal.test\")",
            ),
            (
                ConnectionOptions::new("127.0.0.1:7233").tls(trusting().server_name("localhost")),
                "DnsName(\"localhost\")",
            ),
            (
                ConnectionOptions::new("127.0.0.1:7233").tls(trusting()),
                "IpAddress(V4(Ipv4Addr([127, 0, 0, 1])))",
            ),
            (
                ConnectionOptions::new("[::1]:7233").tls(trusting()),
                "IpAddress(V6(",
            ),
        ] {
            let uri = Uri::try_from(options.uri().expect("a valid address")).expect("a URI");
            let tls = options
                .direct_tls(&uri)
                .expect("valid TLS options")
                .expect("TLS is on");
            let debug = format!("{tls:?}");
            assert!(debug.contains(expected), "{debug}");
        }
        assert!(
            ConnectionOptions::new("h:1")
                .direct_tls(&Uri::from_static("http://h:1"))
                .expect("plaintext")
                .is_none()
        );
    }

    #[test]
    fn metadata_values_are_printable_ascii_only() {
        assert!(super::printable_ascii("Bearer abc-123 ~!").is_some());
        for refused in ["zürich", "a\nb", "a\tb", "nul\0", "del\x7f"] {
            assert!(super::printable_ascii(refused).is_none(), "{refused:?}");
            let reason = super::parse_header("x-tenant", refused).expect_err(refused);
            assert_eq!(reason, "the value of `x-tenant` is not printable ASCII");
            assert!(super::bearer(refused).is_err(), "{refused:?}");
        }
    }

    fn uri(options: ConnectionOptions) -> Result<String, ConnectError> {
        options.uri()
    }

    #[test]
    fn addresses_become_uris_with_the_right_scheme_and_port() {
        let cases = [
            (ConnectionOptions::default(), "http://localhost:7233"),
            (
                ConnectionOptions::new("temporal.internal"),
                "http://temporal.internal:7233",
            ),
            (
                ConnectionOptions::new("10.0.0.1:7000"),
                "http://10.0.0.1:7000",
            ),
            (ConnectionOptions::new("http://h:1/"), "http://h:1"),
            // Never sent: HTTP/2 forbids a user and password in the `:authority`.
            (ConnectionOptions::new("http://u:pw@h:1"), "http://h:1"),
            (ConnectionOptions::new("u@h"), "http://h:7233"),
            (ConnectionOptions::new("https://h:443"), "https://h:443"),
            (ConnectionOptions::new("[::1]:7233"), "http://[::1]:7233"),
            (ConnectionOptions::new("[::1]"), "http://[::1]:7233"),
            (ConnectionOptions::new("h:1").api_key("k"), "https://h:1"),
            (
                ConnectionOptions::new("h:1").tls(TlsOptions::new()),
                "https://h:1",
            ),
            (
                ConnectionOptions::new("https://h:1").plaintext(),
                "http://h:1",
            ),
        ];
        for (options, expected) in cases {
            assert_eq!(uri(options).expect("valid"), expected);
        }
    }

    #[test]
    fn the_environment_configures_address_key_and_tls_as_the_cli_names_them() {
        let dir = std::env::temp_dir().join(format!("temporal-env-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let ca = dir.join("ca.pem");
        // PEM in form; its content is not checked until a handshake.
        const CA_PEM: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        std::fs::write(&ca, CA_PEM).expect("written");
        let env = |pairs: &[(&str, &str)]| {
            ConnectionOptions::from_environment(
                &LoadOptions::new()
                    .disable_file()
                    .env_vars(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()))),
            )
        };
        let plain = env(&[]).expect("defaults");
        assert_eq!(plain.uri().expect("valid"), "http://localhost:7233");

        let cloud = env(&[
            ("TEMPORAL_ADDRESS", "ns.acct.tmprl.cloud:7233"),
            ("TEMPORAL_API_KEY", "key"),
        ])
        .expect("valid");
        assert_eq!(
            cloud.uri().expect("valid"),
            "https://ns.acct.tmprl.cloud:7233"
        );

        let ca_path = ca.display().to_string();
        let private = env(&[
            ("TEMPORAL_TLS_SERVER_CA_CERT_PATH", &ca_path),
            ("TEMPORAL_TLS_SERVER_NAME", "temporal.internal"),
            ("TEMPORAL_GRPC_META_X_TEAM", "billing"),
        ])
        .expect("valid");
        let TlsMode::Enabled(tls) = &private.tls else {
            panic!("TLS is on: {private:?}")
        };
        assert_eq!(tls.ca_certificate.as_deref(), Some(CA_PEM.as_bytes()));
        assert_eq!(tls.server_name.as_deref(), Some("temporal.internal"));
        assert!(!tls.danger_disable_host_verification);
        assert!(format!("{private:?}").contains("x-team"), "{private:?}");

        let test_server = env(&[
            ("TEMPORAL_TLS_DISABLE_HOST_VERIFICATION", "true"),
            ("TEMPORAL_CLIENT_AUTHORITY", "temporal.internal"),
        ])
        .expect("valid");
        let TlsMode::Enabled(tls) = &test_server.tls else {
            panic!("TLS is on: {test_server:?}")
        };
        assert!(tls.danger_disable_host_verification);
        assert_eq!(test_server.authority.as_deref(), Some("temporal.internal"));

        let off = env(&[
            ("TEMPORAL_TLS", "false"),
            ("TEMPORAL_ADDRESS", "https://h:1"),
        ])
        .expect("valid");
        assert_eq!(off.uri().expect("valid"), "http://h:1");

        for bad in [
            &[("TEMPORAL_TLS", "yes")][..],
            &[("TEMPORAL_TLS_SERVER_CA_CERT_PATH", "/no/such/file.pem")][..],
            &[("TEMPORAL_TLS_CLIENT_CERT_PATH", "/no/such/file.pem")][..],
        ] {
            let err = env(bad).expect_err("refused");
            assert!(matches!(err, ConnectError::Config(_)), "{err:?}");
            assert!(err.to_string().contains(bad[0].0), "{err}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_password_in_the_address_is_redacted() {
        for (address, shown) in [
            ("https://u:pw@h:1", "https://<redacted>@h:1"),
            ("u:pw@h:1", "<redacted>@h:1"),
            ("http://h:1/a@b", "http://h:1/a@b"),
            ("h:1", "h:1"),
        ] {
            assert_eq!(redact_userinfo(address), shown);
        }
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for address in ["", "  ", "h:port", "h:99999", "h:1/path", "a b:1"] {
            let err = uri(ConnectionOptions::new(address)).expect_err(address);
            assert!(
                matches!(
                    err,
                    ConnectError::InvalidOption {
                        option: "address",
                        ..
                    }
                ),
                "{address}: {err:?}"
            );
        }
    }

    #[test]
    fn an_authority_that_is_not_host_or_host_port_is_refused_by_name() {
        let reason = |authority: &str| match ConnectionOptions::new("h:1")
            .authority(authority)
            .transport()
        {
            Err(ConnectError::InvalidOption {
                option: "authority",
                reason,
            }) => reason,
            Err(other) => panic!("{authority}: {other:?}"),
            Ok(_) => panic!("{authority}: accepted"),
        };
        assert_eq!(reason(""), "`` is empty; expected host or host:port");
        assert_eq!(
            reason("user:pw@h"),
            "`user:pw@h` holds a `user@` part; expected host or host:port"
        );
        for bad in ["h:99999", "h:http", "[::1]:x"] {
            assert!(
                reason(bad).contains("has a port that is not a number"),
                "{bad}"
            );
        }
        for bad in ["a b", "h/path", "h?q", "::1"] {
            assert!(reason(bad).contains("is not a valid authority"), "{bad}");
        }
        for good in [
            "temporal.internal",
            "temporal.internal:443",
            "[::1]",
            "[::1]:7233",
        ] {
            let options = ConnectionOptions::new("h:1").authority(good);
            assert!(options.transport().is_ok(), "{good}");
            let balanced = options.dns_load_balancing(Duration::from_secs(1));
            assert!(balanced.transport().is_ok(), "{good}");
        }
    }

    #[test]
    fn an_api_key_is_never_sent_in_plaintext_by_default() {
        let err = ConnectionOptions::new("h:1")
            .api_key("secret")
            .plaintext()
            .endpoint()
            .expect_err("refused");
        assert!(matches!(
            err,
            ConnectError::InvalidOption {
                option: "api_key",
                ..
            }
        ));
        assert!(!err.to_string().contains("secret"));
        ConnectionOptions::new("h:1")
            .api_key("secret")
            .plaintext()
            .allow_api_key_over_plaintext()
            .endpoint()
            .expect("explicitly allowed");
    }

    #[tokio::test]
    async fn a_key_set_later_follows_the_plaintext_rule_too() {
        let plaintext = Connection::connect_lazy(ConnectionOptions::new("h:1")).expect("valid");
        let err = plaintext.set_api_key(Some("secret")).expect_err("refused");
        assert!(matches!(
            err,
            ConnectError::InvalidOption {
                option: "api_key",
                ..
            }
        ));
        plaintext.set_api_key(None).expect("removing a key is fine");

        let allowed =
            Connection::connect_lazy(ConnectionOptions::new("h:1").allow_api_key_over_plaintext())
                .expect("valid");
        allowed
            .set_api_key(Some("secret"))
            .expect("explicitly allowed");
    }

    #[test]
    fn invalid_headers_are_refused_with_their_name() {
        for (name, value) in [("Bad Name", "v"), ("x-bin", "v"), ("ok", "line\nbreak")] {
            let err = HeaderSet::new(&[(name.to_owned(), value.to_owned())], None).expect_err(name);
            assert!(err.to_string().contains("header"), "{err}");
        }
        assert!(HeaderSet::new(&[], Some("bad\nkey")).is_err());
    }

    #[test]
    fn interceptor_adds_headers_without_overriding_the_call() {
        let set = HeaderSet::new(&[("x-team".to_owned(), "payments".to_owned())], Some("k1"))
            .expect("valid");
        let mut headers = Headers::new(
            Arc::new(set),
            Some(AsciiMetadataValue::from_static("billing")),
        );
        let mut request = tonic::Request::new(());
        request
            .metadata_mut()
            .insert("x-team", AsciiMetadataValue::from_static("override"));
        let request = headers.call(request).expect("intercepted");
        let metadata = request.metadata();
        assert_eq!(metadata.get("x-team").expect("set"), "override");
        assert_eq!(metadata.get("temporal-namespace").expect("set"), "billing");
        assert_eq!(metadata.get("authorization").expect("set"), "Bearer k1");
        assert_eq!(metadata.get("client-name").expect("set"), CLIENT_NAME);
        assert_eq!(metadata.get("client-version").expect("set"), CLIENT_VERSION);
    }
}
