//! Every call a [`Client`] makes: its deadline, headers and retries ([`CallOptions`]), and
//! the bound on the long polls it holds open.
//!
//! Each attempt of a call is bounded twice: the server is told the deadline (`grpc-timeout`),
//! and the client stops waiting when it passes, whether the attempt is waiting for a
//! connection, for a TLS handshake or for the answer. So no server, however broken, holds a
//! caller longer than its deadline (times the retry policy's attempts).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, LazyLock};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::Semaphore;
use tonic::codegen::http;
use tonic::metadata::MetadataMap;

use crate::client::Client;
use crate::connection::{RedactedHeaders, RedactedMetadata, parse_header};
use crate::converter::{DataConverter, ToPayload};
use crate::error::Error;
use crate::interceptor::{CompletedCall, HeaderValues, Interceptors, OutboundCall, Rpc};
use crate::outgoing::OutgoingRequest;
use crate::retry::{CallKind, RpcRetryPolicy, with_retries};
use crate::unary::WorkflowGrpc;

/// The deadline of each attempt of a call that is not a long poll, unless
/// [`CallOptions::timeout`] sets another: 30 s, as the official Rust SDK's client.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use temporal_client::DEFAULT_CALL_TIMEOUT;
///
/// assert_eq!(DEFAULT_CALL_TIMEOUT, Duration::from_secs(30));
/// ```
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// The deadline of one long poll (a result, update or history wait): longer than the server
/// holds one (about 20 s), so a poll ends with an answer, not a timeout.
pub(crate) const LONG_POLL_TIMEOUT: Duration = Duration::from_secs(70);

/// How many long polls a client holds open at once by default: below the server's default
/// limit per namespace (about 1,200, workers' task polls included).
pub(crate) const DEFAULT_MAX_CONCURRENT_LONG_POLLS: usize = 500;

/// The headers of an attempt besides the call options' own: `grpc-timeout`, `client-name`,
/// `client-version`, `temporal-namespace`, `authorization`, gRPC's `te` and `content-type`
/// (`unary.rs`), the transport's `user-agent`, and gzip's two, with one spare for a connection
/// header.
const ATTEMPT_HEADERS: usize = 11;

/// The header that tells the server an attempt's deadline.
const GRPC_TIMEOUT: http::HeaderName = http::HeaderName::from_static("grpc-timeout");

/// The headers gRPC reserves, which the call options' headers cannot replace: tonic drops
/// them from a request's metadata too.
const RESERVED_HEADERS: [&str; 6] = [
    "te",
    "user-agent",
    "content-type",
    "grpc-message",
    "grpc-message-type",
    "grpc-status",
];

/// A deadline with its `grpc-timeout` header, formatted once: tonic's
/// `Request::set_timeout` formats it into a new string for every request.
#[derive(Clone)]
pub(crate) struct Timeout {
    duration: Duration,
    header: Option<http::HeaderValue>,
}

impl Timeout {
    fn new(duration: Duration) -> Self {
        // tonic's own formatting (the unit that keeps it to 8 digits), read back.
        let mut formatted = tonic::Request::new(());
        formatted.set_timeout(duration);
        Self {
            duration,
            header: formatted.into_parts().0.into_headers().remove(GRPC_TIMEOUT),
        }
    }
}

/// Settings for each call a client makes: a deadline, extra headers and a retry policy. Apply
/// them with [`Client::with_call_options`](crate::Client::with_call_options); handles from that
/// client use them too.
///
/// # Examples
///
/// ```no_run
/// use std::time::Duration;
/// use temporal_client::{CallOptions, RpcRetryPolicy};
///
/// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
/// let urgent = client.with_call_options(
///     CallOptions::default()
///         .timeout(Duration::from_secs(2))
///         .header("x-request-origin", "checkout")
///         .retry_policy(RpcRetryPolicy::disabled()),
/// )?;
/// urgent.get_handle::<temporal_client::Untyped>("order-1234").signal("cancelOrder").await?;
/// # Ok(())
/// # }
/// ```
///
/// `Debug` shows header names only: a header value may be a credential.
#[derive(Clone, Default)]
#[must_use]
pub struct CallOptions {
    timeout: Option<Duration>,
    headers: Vec<(String, String)>,
    retry_policy: Option<RpcRetryPolicy>,
    workflow_headers: HeaderValues,
}

impl CallOptions {
    /// The deadline of each attempt of each call: sent to the server as `grpc-timeout`, and
    /// kept by the client too, so that it also bounds the wait for a connection (and its TLS
    /// handshake). Long polls, such as the wait of `result()`, keep their own longer deadline
    /// (70 s per poll, re-issued until the workflow closes).
    ///
    /// Defaults to [`DEFAULT_CALL_TIMEOUT`] (30 s).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::CallOptions;
    ///
    /// let options = CallOptions::default().timeout(Duration::from_secs(5));
    /// # let _ = options;
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends this header with each call, besides the connection's.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::CallOptions;
    ///
    /// let options = CallOptions::default().header("x-request-origin", "checkout");
    /// # let _ = options;
    /// ```
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Retries calls with this policy instead of the connection's.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{CallOptions, RpcRetryPolicy};
    ///
    /// let options = CallOptions::default().retry_policy(RpcRetryPolicy::disabled());
    /// # let _ = options;
    /// ```
    pub fn retry_policy(mut self, policy: RpcRetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// Sets the workflow header field `name` to `value` on each call that carries a workflow
    /// header (a start, signal-with-start, update-with-start, signal, query or update, and a
    /// schedule's create or update, for the workflows its action starts), where the worker's
    /// interceptors read it. The value is encoded when the call is made, by the
    /// client's data converter (its payload converter: headers do not go through the codec,
    /// as in the other SDKs).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{CallOptions, WithCallOptions};
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let handle = client.get_handle::<temporal_client::Untyped>("order-1234");
    /// handle
    ///     .signal("approve")
    ///     .with_call_options(CallOptions::default().workflow_header("tenant", "acme"))
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn workflow_header<T>(mut self, name: impl Into<String>, value: T) -> Self
    where
        T: ToPayload + Send + Sync + 'static,
    {
        self.workflow_headers.push((name.into(), Arc::new(value)));
        self
    }

    pub(crate) fn resolve(self) -> Result<ResolvedCallOptions, Error> {
        let mut metadata = MetadataMap::with_capacity(self.headers.len());
        for (name, value) in &self.headers {
            let (key, mut value) =
                parse_header(name, value).map_err(|reason| Error::invalid("header", reason))?;
            if name.eq_ignore_ascii_case("authorization") {
                value.set_sensitive(true);
            }
            metadata.insert(key, value);
        }
        Ok(ResolvedCallOptions {
            timeout: self.timeout.map(Timeout::new),
            metadata,
            retry_policy: self.retry_policy,
            workflow_headers: self.workflow_headers,
        })
    }
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("retry_policy", &self.retry_policy)
            .field("workflow_headers", &HeaderNames(&self.workflow_headers))
            .finish()
    }
}

/// The names of workflow header fields, for `Debug`: a value may be a secret.
struct HeaderNames<'a>(&'a HeaderValues);

impl fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, _)| name))
            .finish()
    }
}

/// [`CallOptions`] with validated headers, as a client keeps them.
#[derive(Clone, Default)]
pub(crate) struct ResolvedCallOptions {
    pub(crate) timeout: Option<Timeout>,
    pub(crate) metadata: MetadataMap,
    pub(crate) retry_policy: Option<RpcRetryPolicy>,
    pub(crate) workflow_headers: HeaderValues,
}

impl fmt::Debug for ResolvedCallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvedCallOptions")
            .field(
                "timeout",
                &self.timeout.as_ref().map(|timeout| timeout.duration),
            )
            .field("metadata", &RedactedMetadata(&self.metadata))
            .field("retry_policy", &self.retry_policy)
            .field("workflow_headers", &HeaderNames(&self.workflow_headers))
            .finish()
    }
}

impl ResolvedCallOptions {
    /// These options with `scoped`'s on top: its deadline and policy when set, its headers
    /// after these (so that a header of the same name replaces the client's).
    fn merged(&self, scoped: ResolvedCallOptions) -> ResolvedCallOptions {
        let mut metadata = self.metadata.clone();
        for entry in scoped.metadata.iter() {
            if let tonic::metadata::KeyAndValueRef::Ascii(key, value) = entry {
                metadata.insert(key.clone(), value.clone());
            }
        }
        let mut workflow_headers = self.workflow_headers.clone();
        workflow_headers.extend(scoped.workflow_headers);
        ResolvedCallOptions {
            timeout: scoped.timeout.or_else(|| self.timeout.clone()),
            metadata,
            retry_policy: scoped.retry_policy.or_else(|| self.retry_policy.clone()),
            workflow_headers,
        }
    }

    /// The deadline of each attempt: `long_poll`'s for a long poll, else the options'.
    fn deadline(&self, long_poll: Option<Duration>) -> Duration {
        long_poll
            .or(self.timeout.as_ref().map(|timeout| timeout.duration))
            .unwrap_or(DEFAULT_CALL_TIMEOUT)
    }

    /// The `grpc-timeout` header of `deadline` when it was formatted before: the options'
    /// own timeout, the default or a long poll's, which are nearly every call's.
    fn timeout_header(&self, deadline: Duration) -> Option<http::HeaderValue> {
        if let Some(own) = &self.timeout
            && own.duration == deadline
        {
            return own.header.clone();
        }
        static USUAL: LazyLock<[Timeout; 2]> = LazyLock::new(|| {
            [
                Timeout::new(DEFAULT_CALL_TIMEOUT),
                Timeout::new(LONG_POLL_TIMEOUT),
            ]
        });
        USUAL
            .iter()
            .find(|usual| usual.duration == deadline)
            .and_then(|usual| usual.header.clone())
    }

    /// The headers of one attempt: its deadline and these options' own (less those gRPC
    /// reserves, which tonic's calls drop too), in a map with room for every header the
    /// call adds on its way to the wire, so that it is allocated once and never grown.
    fn attempt_headers(&self, deadline: Duration) -> http::HeaderMap {
        let mut headers = http::HeaderMap::with_capacity(ATTEMPT_HEADERS + self.metadata.len());
        let timeout = self
            .timeout_header(deadline)
            .or_else(|| Timeout::new(deadline).header);
        if let Some(timeout) = timeout {
            headers.insert(GRPC_TIMEOUT, timeout);
        }
        for (name, value) in self.metadata.as_ref() {
            if !RESERVED_HEADERS.contains(&name.as_str()) {
                headers.insert(name.clone(), value.clone());
            }
        }
        headers
    }
}

/// The slots for the long polls of a client (and of the clients derived from it): a wait
/// beyond the bound queues, first come first served, instead of being refused by the server.
#[derive(Debug)]
pub(crate) struct LongPollSlots(Semaphore);

impl LongPollSlots {
    pub(crate) fn new(slots: usize) -> Self {
        Self(Semaphore::new(slots.clamp(1, Semaphore::MAX_PERMITS)))
    }
}

/// What a call needs of its [`Client`].
#[derive(Debug)]
pub(crate) struct CallContext<'a> {
    pub(crate) grpc: &'a WorkflowGrpc,
    pub(crate) options: &'a ResolvedCallOptions,
    /// The connection's policy, used unless the call options set one.
    pub(crate) retry_policy: &'a crate::retry::RpcRetryPolicy,
    pub(crate) namespace: &'a str,
    pub(crate) long_polls: &'a LongPollSlots,
    pub(crate) interceptors: &'a Interceptors,
    pub(crate) converter: &'a DataConverter,
    /// Whether a per-call `authorization` header may be sent.
    pub(crate) may_send_credentials: bool,
}

/// Why a call failed: the server's (or the transport's) status, or a refusal before it was
/// sent (an interceptor's error, a workflow header the converter cannot encode).
#[derive(Debug)]
pub(crate) enum CallFailure {
    Status(tonic::Status),
    Refused(Error),
}

impl CallFailure {
    /// The error of a call about `workflow_id`, with `map_status` interpreting a status.
    pub(crate) fn into_error(self, map_status: impl FnOnce(tonic::Status) -> Error) -> Error {
        match self {
            CallFailure::Status(status) => map_status(status),
            CallFailure::Refused(error) => error,
        }
    }
}

impl Client {
    /// Makes a unary call with the client's deadline and retry policy; every attempt sends
    /// the same request (and so the same request id). Errors name `workflow_id`.
    ///
    /// Like every call below, it reads the per-call options in scope when it is made, so it
    /// is made where it is awaited.
    pub(crate) fn call<Req>(
        &self,
        request: Req,
        workflow_id: &str,
    ) -> impl Future<Output = Result<Req::Response, Error>> + Send
    where
        Req: Rpc,
    {
        self.call_with_timeout(request, workflow_id, None)
    }

    /// As [`call`](Client::call); `long_poll_timeout`, when set, makes the call a long poll
    /// with that deadline (see [`LONG_POLL_TIMEOUT`]).
    pub(crate) fn call_with_timeout<Req>(
        &self,
        request: Req,
        workflow_id: &str,
        long_poll_timeout: Option<Duration>,
    ) -> impl Future<Output = Result<Req::Response, Error>> + Send
    where
        Req: Rpc,
    {
        self.call_mapped(request, workflow_id, long_poll_timeout, move |failure| {
            failure.into_error(|status| {
                Error::from_status(status, workflow_id, self.call_context().namespace)
            })
        })
    }

    /// As [`call`](Client::call), leaving the failed status to the caller to interpret.
    pub(crate) fn call_raw<Req>(
        &self,
        request: Req,
        workflow_id: &str,
    ) -> impl Future<Output = Result<Req::Response, CallFailure>> + Send
    where
        Req: Rpc,
    {
        self.call_mapped(request, workflow_id, None, |failure| failure)
    }

    /// Not an `async fn`: a plain call's request is encoded here, when the call is made, and
    /// only its bytes go into the future. An `async fn` keeps its arguments in its state, and
    /// each of the layers above would have kept the request again (a start request is
    /// 1.4 KiB): the future of every call, moved and boxed by its callers, carried several
    /// copies of it (bench/notes/transport-experiment.md, section 7).
    ///
    /// The failure goes through `map_failure` in the same future, since a future awaiting
    /// this one would hold it twice (once as made, once as awaited).
    fn call_mapped<Req, E>(
        &self,
        request: Req,
        workflow_id: &str,
        long_poll_timeout: Option<Duration>,
        map_failure: impl FnOnce(CallFailure) -> E + Send,
    ) -> impl Future<Output = Result<Req::Response, E>> + Send
    where
        Req: Rpc,
    {
        let context = self.call_context();
        let scoped = scoped_call_options();
        let call = if !context.interceptors.0.is_empty()
            || scoped.is_some()
            || !context.options.workflow_headers.is_empty()
        {
            // Boxed, so that the plain call's future does not grow by this one's state.
            Call::Intercepted(Box::pin(self.call_intercepted(
                request,
                workflow_id,
                long_poll_timeout,
                scoped,
            )))
        } else {
            Call::Plain {
                #[cfg(feature = "tracing")]
                span: crate::observe::operation_span(
                    Req::METHOD,
                    context.namespace,
                    workflow_id,
                    request.workflow_type(),
                ),
                outgoing: OutgoingRequest::new(&request, context.grpc.gzip()),
            }
        };
        async move {
            let outcome = match call {
                Call::Intercepted(call) => call.await,
                Call::Plain {
                    outgoing,
                    #[cfg(feature = "tracing")]
                    span,
                } => {
                    let context = self.call_context();
                    let outcome = match outgoing {
                        Ok(outgoing) => {
                            attempts::<Req>(
                                &context,
                                context.options,
                                outgoing,
                                long_poll_timeout,
                                None,
                                #[cfg(feature = "tracing")]
                                &span,
                            )
                            .await
                        }
                        Err(status) => Err(status),
                    };
                    #[cfg(feature = "tracing")]
                    crate::observe::record_outcome(&span, outcome.as_ref().err());
                    outcome.map_err(CallFailure::Status)
                }
            };
            outcome.map_err(map_failure)
        }
    }

    /// A call with interceptors, per-call options or workflow headers: prepared by them,
    /// and reported to the interceptors when it ends.
    async fn call_intercepted<Req>(
        &self,
        mut request: Req,
        workflow_id: &str,
        long_poll_timeout: Option<Duration>,
        scoped: Option<ResolvedCallOptions>,
    ) -> Result<Req::Response, CallFailure>
    where
        Req: Rpc,
    {
        let context = self.call_context();
        #[cfg(feature = "tracing")]
        let span = crate::observe::operation_span(
            Req::METHOD,
            context.namespace,
            workflow_id,
            request.workflow_type(),
        );
        let mut options = match scoped {
            Some(scoped) => {
                if !context.may_send_credentials && scoped.metadata.contains_key("authorization") {
                    return Err(CallFailure::Refused(Error::invalid(
                        "header",
                        "the `authorization` header would send a credential over plaintext; \
                         enable TLS, or allow it with \
                         ConnectionOptions::allow_api_key_over_plaintext",
                    )));
                }
                context.options.merged(scoped)
            }
            None => context.options.clone(),
        };
        let started_at = tokio::time::Instant::now();
        let mut intercepted = 0;
        let prepared = prepare(
            &context,
            &mut options,
            &mut request,
            workflow_id,
            long_poll_timeout.is_some(),
            &mut intercepted,
        );
        let attempts_made = AtomicU32::new(0);
        let outcome = match prepared {
            Err(error) => Err(CallFailure::Refused(error)),
            Ok(()) => {
                let outgoing = OutgoingRequest::new(&request, context.grpc.gzip());
                // Not held while the call is in flight: its bytes are.
                drop(request);
                match outgoing {
                    Ok(outgoing) => attempts::<Req>(
                        &context,
                        &options,
                        outgoing,
                        long_poll_timeout,
                        Some(&attempts_made),
                        #[cfg(feature = "tracing")]
                        &span,
                    )
                    .await
                    .map_err(CallFailure::Status),
                    Err(status) => Err(CallFailure::Status(status)),
                }
            }
        };
        let sent_status = match &outcome {
            Err(CallFailure::Status(status)) => Some(status),
            _ => None,
        };
        #[cfg(feature = "tracing")]
        crate::observe::record_outcome(&span, sent_status);
        // A refused call reports its refusal as the status interceptors see.
        let refused;
        let status = match &outcome {
            Err(CallFailure::Refused(error)) => {
                refused = tonic::Status::cancelled(error.to_string());
                Some(&refused)
            }
            _ => sent_status,
        };
        let completed = CompletedCall {
            operation: Req::METHOD,
            namespace: context.namespace,
            workflow_id,
            long_poll: long_poll_timeout.is_some(),
            elapsed: started_at.elapsed(),
            attempts: attempts_made.load(Ordering::Relaxed),
            status,
        };
        // Only the interceptors that saw the call see its end, innermost first.
        for interceptor in context.interceptors.0[..intercepted].iter().rev() {
            interceptor.completed(&completed);
        }
        outcome
    }
}

/// A call as made: plain, its request already encoded, or prepared by interceptors and
/// options when polled.
enum Call<Intercepted> {
    Plain {
        outgoing: Result<OutgoingRequest, tonic::Status>,
        #[cfg(feature = "tracing")]
        span: tracing::Span,
    },
    Intercepted(Pin<Box<Intercepted>>),
}

/// Readies a call that is not plain: the workflow headers of the options, then the
/// interceptors, in order. `intercepted` counts the interceptors that ran.
fn prepare<Req: Rpc>(
    context: &CallContext<'_>,
    options: &mut ResolvedCallOptions,
    request: &mut Req,
    workflow_id: &str,
    long_poll: bool,
    intercepted: &mut usize,
) -> Result<(), Error> {
    if !options.workflow_headers.is_empty()
        && let Some(header) = request.header_mut()
    {
        for (name, value) in &options.workflow_headers {
            let payload = value.to_payload(context.converter)?;
            header.fields.insert(name.clone(), payload.into_raw_proto());
        }
    }
    let ResolvedCallOptions {
        timeout,
        metadata,
        retry_policy,
        ..
    } = options;
    let mut duration = timeout.as_ref().map(|timeout| timeout.duration);
    for interceptor in &context.interceptors.0 {
        *intercepted += 1;
        let mut call = OutboundCall {
            operation: Req::METHOD,
            namespace: context.namespace,
            workflow_id,
            long_poll,
            request: &mut *request,
            metadata: &mut *metadata,
            timeout: &mut duration,
            retry_policy: &mut *retry_policy,
            converter: context.converter,
        };
        interceptor.intercept(&mut call)?;
    }
    if duration != timeout.as_ref().map(|timeout| timeout.duration) {
        *timeout = duration.map(Timeout::new);
    }
    request.sync_header();
    Ok(())
}

/// Sends `outgoing`, a `Req` encoded, with `options`' deadline, headers and retry policy, as
/// many times as the policy allows. `attempts_made`, when given, counts the attempts. Each
/// attempt's span is a child of `operation_span`, named as its parent rather than entered
/// around this future: wrapping a future in a span moves it once more, and those copies were
/// most of what the `tracing` feature cost (bench/notes/transport-experiment.md, section 3).
async fn attempts<Req>(
    context: &CallContext<'_>,
    options: &ResolvedCallOptions,
    outgoing: OutgoingRequest,
    long_poll_timeout: Option<Duration>,
    attempts_made: Option<&AtomicU32>,
    #[cfg(feature = "tracing")] operation_span: &tracing::Span,
) -> Result<Req::Response, tonic::Status>
where
    Req: Rpc,
{
    #[cfg(feature = "metrics")]
    let operation = Req::METHOD;
    let policy = options
        .retry_policy
        .as_ref()
        .unwrap_or(context.retry_policy);
    let deadline = options.deadline(long_poll_timeout);
    let kind = match long_poll_timeout {
        Some(_) => CallKind::LongPoll,
        None => CallKind::Unary,
    };
    #[cfg(feature = "tracing")]
    let mut number = 0u32;
    with_retries(policy, kind, |_last| {
        let outgoing = &outgoing;
        if let Some(attempts_made) = attempts_made {
            attempts_made.fetch_add(1, Ordering::Relaxed);
        }
        #[cfg(feature = "tracing")]
        let span = {
            number += 1;
            crate::observe::attempt_span(operation_span, number)
        };
        let attempt = async move {
            // Held for the attempt only, never across a backoff: a queued wait costs the
            // server nothing.
            let _slot = match kind {
                CallKind::LongPoll => Some(
                    context
                        .long_polls
                        .0
                        .acquire()
                        .await
                        .map_err(|_| tonic::Status::cancelled("the client is closing"))?,
                ),
                CallKind::Unary => None,
            };
            let headers = options.attempt_headers(deadline);
            #[cfg(feature = "metrics")]
            let started = std::time::Instant::now();
            let outcome =
                match tokio::time::timeout(deadline, context.grpc.unary::<Req>(outgoing, headers))
                    .await
                {
                    Ok(outcome) => outcome,
                    Err(_) => Err(deadline_passed(deadline)),
                };
            #[cfg(feature = "metrics")]
            crate::request_metrics::record_attempt(
                operation,
                context.namespace,
                matches!(kind, CallKind::LongPoll),
                started.elapsed(),
                outcome.as_ref().err(),
            );
            outcome
        };
        // Boxed: an attempt's state (the gRPC call, the deadline, the long-poll slot, and the
        // metrics around them) is most of a call's, and would otherwise be part of every
        // future that awaits a call, and of its poll frame in a debug build. One allocation
        // per attempt, next to the several of the gRPC call itself. The span wraps the box,
        // so that it moves a pointer, not the attempt.
        let attempt = Box::pin(attempt);
        #[cfg(feature = "tracing")]
        let attempt = crate::observe::instrument_attempt(attempt, span);
        attempt
    })
    .await
}

tokio::task_local! {
    /// The options of [`WithCallOptions::with_call_options`], for the calls of one future.
    static SCOPED_OPTIONS: ResolvedCallOptions;
}

/// The per-call options in scope, if any: one thread-local read when there are none.
fn scoped_call_options() -> Option<ResolvedCallOptions> {
    SCOPED_OPTIONS.try_with(ResolvedCallOptions::clone).ok()
}

/// Gives one call its own [`CallOptions`] (a deadline, headers, a retry policy, workflow
/// headers), on top of its client's, without deriving a client: the options apply to the
/// calls the future makes while it runs, and to no other.
///
/// Implemented for every future that ends in `Result<T, Error>`: the [`CallFuture`]s of
/// handles, and the futures of [`Client`]'s methods. Its cost is paid only by the calls
/// that use it: a call without one reads one task-local to find none.
///
/// [`CallFuture`]: crate::CallFuture
///
/// # Examples
///
/// ```no_run
/// use std::time::Duration;
/// use temporal_client::{CallOptions, RpcRetryPolicy, Untyped, WithCallOptions};
///
/// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
/// let handle = client.get_handle::<Untyped>("order-1234");
/// // The simple form is unchanged ...
/// handle.signal("approve").await?;
/// // ... and one call can carry its own deadline, headers and retry policy.
/// handle
///     .signal("approve")
///     .with_call_options(
///         CallOptions::default()
///             .timeout(Duration::from_secs(2))
///             .header("x-request-origin", "checkout")
///             .retry_policy(RpcRetryPolicy::disabled()),
///     )
///     .await?;
/// # Ok(())
/// # }
/// ```
pub trait WithCallOptions: Future + Sized {
    /// This future, its calls made with `options` on top of the client's.
    ///
    /// Invalid options (a header that is not valid gRPC metadata) fail the future with
    /// [`Error::InvalidArgument`] before it makes any call.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use temporal_client::{CallOptions, WithCallOptions};
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let count = client
    ///     .count("")
    ///     .with_call_options(CallOptions::default().timeout(Duration::from_secs(1)))
    ///     .await?;
    /// # let _ = count;
    /// # Ok(())
    /// # }
    /// ```
    fn with_call_options(self, options: CallOptions) -> WithOptions<Self>;
}

impl<F, T> WithCallOptions for F
where
    F: Future<Output = Result<T, Error>>,
{
    fn with_call_options(self, options: CallOptions) -> WithOptions<Self> {
        let state = match options.resolve() {
            Ok(options) => State::Scoped(Box::pin(SCOPED_OPTIONS.scope(options, self))),
            Err(error) => State::Invalid(Some(error)),
        };
        WithOptions { state }
    }
}

/// A future whose calls carry their own options: see [`WithCallOptions`].
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{CallOptions, WithCallOptions, WithOptions};
///
/// # async fn example(client: temporal_client::Client) {
/// let count: WithOptions<_> = client.count("").with_call_options(CallOptions::default());
/// # let _ = count;
/// # }
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct WithOptions<F: Future> {
    state: State<F>,
}

enum State<F: Future> {
    Scoped(Pin<Box<tokio::task::futures::TaskLocalFuture<ResolvedCallOptions, F>>>),
    Invalid(Option<Error>),
}

impl<F: Future> fmt::Debug for WithOptions<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithOptions").finish_non_exhaustive()
    }
}

impl<F, T> Future for WithOptions<F>
where
    F: Future<Output = Result<T, Error>>,
{
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Unpin: the scoped future is boxed.
        let this = self.get_mut();
        match &mut this.state {
            State::Scoped(future) => future.as_mut().poll(cx),
            State::Invalid(error) => Poll::Ready(Err(error.take().unwrap_or_else(|| {
                Error::invalid("call_options", "the future was polled after it ended")
            }))),
        }
    }
}

/// The status of an attempt the client stopped waiting for at its deadline: no answer, or no
/// connection to send it on, in time.
fn deadline_passed(deadline: Duration) -> tonic::Status {
    tonic::Status::deadline_exceeded(format!(
        "no answer within the call's deadline of {deadline:?} (the client stopped waiting; \
         the server may have been unreachable, or slow to answer)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An attempt's header map is allocated once, with room for every header the call and
    /// the connection add after the call options' own, so it never grows on the way to the
    /// wire.
    #[test]
    fn an_attempt_reserves_its_headers_once() {
        let mut options = ResolvedCallOptions::default();
        options.metadata.insert(
            "x-team",
            tonic::metadata::AsciiMetadataValue::from_static("billing"),
        );
        let mut headers = options.attempt_headers(Duration::from_secs(1));
        let reserved = headers.capacity();
        for k in 0..ATTEMPT_HEADERS - 1 {
            headers.insert(
                tonic::codegen::http::HeaderName::try_from(format!("x-{k}")).unwrap(),
                tonic::codegen::http::HeaderValue::from_static("v"),
            );
        }
        assert_eq!(headers.len(), ATTEMPT_HEADERS + 1);
        assert_eq!(headers.capacity(), reserved);
    }

    #[test]
    fn headers_and_deadline_are_applied_and_long_polls_keep_theirs() {
        let resolved = CallOptions::default()
            .timeout(Duration::from_secs(2))
            .header("x-origin", "checkout")
            .resolve()
            .expect("valid");
        let headers = resolved.attempt_headers(resolved.deadline(None));
        assert_eq!(headers.get("x-origin").expect("set"), "checkout");
        assert_eq!(headers.get("grpc-timeout").expect("set"), "2000000u");
        let poll = resolved.attempt_headers(resolved.deadline(Some(LONG_POLL_TIMEOUT)));
        assert_eq!(poll.get("grpc-timeout").expect("set"), "70000000u");
    }

    #[test]
    fn every_call_has_a_deadline_by_default() {
        let resolved = CallOptions::default().resolve().expect("valid");
        assert_eq!(resolved.deadline(None), DEFAULT_CALL_TIMEOUT);
        let headers = resolved.attempt_headers(resolved.deadline(None));
        assert_eq!(headers.get("grpc-timeout").expect("set"), "30000000u");
    }

    #[test]
    fn a_deadline_formatted_once_reads_as_tonic_formats_it_each_time() {
        let resolved = CallOptions::default()
            .timeout(Duration::from_millis(2500))
            .resolve()
            .expect("valid");
        // The options' own, the usual two, one formatted anew (an interceptor's), and one
        // past eight digits of any unit below hours.
        for deadline in [
            Duration::from_millis(2500),
            DEFAULT_CALL_TIMEOUT,
            LONG_POLL_TIMEOUT,
            Duration::from_nanos(1_234_567),
            Duration::from_secs(100_000_000 * 60),
        ] {
            let ours = resolved.attempt_headers(deadline);
            let mut tonics = tonic::Request::new(());
            tonics.set_timeout(deadline);
            assert_eq!(
                ours.get("grpc-timeout").map(http::HeaderValue::as_bytes),
                tonics
                    .metadata()
                    .get("grpc-timeout")
                    .map(|value| value.as_bytes()),
                "{deadline:?}"
            );
        }
    }

    #[test]
    fn the_headers_grpc_reserves_are_not_taken_from_the_options() {
        let resolved = CallOptions::default()
            .header("content-type", "text/plain")
            .header("grpc-status", "0")
            .header("x-kept", "yes")
            .resolve()
            .expect("valid");
        let headers = resolved.attempt_headers(DEFAULT_CALL_TIMEOUT);
        assert!(headers.get("content-type").is_none());
        assert!(headers.get("grpc-status").is_none());
        assert_eq!(headers.get("x-kept").expect("kept"), "yes");
    }

    #[test]
    fn an_invalid_header_is_an_invalid_argument() {
        let err = CallOptions::default()
            .header("Not Valid", "x")
            .resolve()
            .expect_err("refused");
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    field: "header",
                    ..
                }
            ),
            "{err:?}"
        );
    }
}

#[cfg(test)]
mod frame_sizes {
    use crate::{Client, Connection, ConnectionOptions, StartOptions, Untyped};

    /// The futures of common calls stay small: an unboxed attempt made a debug build's
    /// `signal` future 6.2 KiB (11 KiB with `tracing` and `metrics`), `start` 23 KiB (39 KiB)
    /// and `result` 18 KiB (31 KiB); with attempts boxed, 2.2 KiB, 8.8 KiB and 8.1 KiB, then
    /// 2.1 KiB for `result` once its wait was boxed; with the request encoded when the call is
    /// made (not kept by each layer of the call), `signal` 760 bytes (912), `start` 1.6 KiB
    /// (1.8 KiB) and `signal_with_start` 8.7 KiB -> 3.2 KiB (3.3 KiB), in debug and release
    /// builds alike. Callers move or box these futures whole, and each level of a debug
    /// build's poll frames holds such a state, so this bounds both the copying and the stack
    /// a call needs.
    #[tokio::test]
    async fn call_futures_stay_small() {
        let connection =
            Connection::connect_lazy(ConnectionOptions::new("127.0.0.1:1")).expect("lazy");
        let client = Client::new(connection);
        let handle = client.get_handle::<Untyped>("wf");
        let signal = handle.signal("ping");
        let start = client.start("t", (), StartOptions::new("wf", "tq"));
        let result = handle.result::<()>();
        let signal_with_start = client.signal_with_start(
            "t",
            (),
            StartOptions::new("wf", "tq"),
            crate::by_name("ping"),
        );
        let sizes = [
            ("signal", std::mem::size_of_val(&*signal), 1536),
            ("start", std::mem::size_of_val(&start), 3 * 1024),
            ("result", std::mem::size_of_val(&result), 3 * 1024),
            (
                "signal_with_start",
                std::mem::size_of_val(&*signal_with_start),
                4 * 1024,
            ),
        ];
        for (call, size, bound) in sizes {
            assert!(
                size <= bound,
                "the {call} future is {size} bytes, over {bound}"
            );
        }
    }
}
