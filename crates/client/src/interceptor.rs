//! Interceptors: code that sees every call a [`Client`](crate::Client) makes, before it is
//! sent (to add headers, a workflow header, a deadline) and after it ends (to record it).
//!
//! An interceptor runs once per operation, not once per attempt: what it adds is sent with
//! every retry of the call. It can also run asynchronous code around each workflow-result
//! wait ([`Interceptor::result_wait`], [`WaitScope`]). With none installed, the call path
//! does not touch this module.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use temporal_proto::api::common::v1::Header;
use temporal_proto::api::schedule::v1::Schedule;
use temporal_proto::api::schedule::v1::schedule_action::Action as ScheduleActionKind;
use temporal_proto::api::workflow::v1::NewWorkflowExecutionInfo;
use temporal_proto::api::workflowservice::v1 as ws;
use tonic::metadata::MetadataMap;

use crate::answers::{Acknowledged, RunStarted};
use crate::connection::parse_header;
use crate::contract::CallFuture;
use crate::converter::{DataConverter, FromPayload, Payload, ToPayload};
use crate::error::Error;
use crate::retry::RpcRetryPolicy;

/// Sees every outbound call of a client: start, signal-with-start, update-with-start, signal,
/// query, update, cancel, terminate, describe, result and update waits, list, count, history,
/// schedules and async activity completion.
///
/// Install interceptors with [`ClientOptions::interceptor`](crate::ClientOptions::interceptor);
/// they run in the order installed before a call ([`intercept`](Interceptor::intercept)), and
/// in the reverse order after it ([`completed`](Interceptor::completed)), so that the first
/// installed wraps the others. Both methods are synchronous and run on the caller's task:
/// keep them quick.
///
/// # Examples
///
/// An interceptor that tags every workflow it starts or signals with the tenant, in the
/// workflow header (where a worker's interceptor can read it), and in a gRPC header:
///
/// ```
/// use temporal_client::{Error, Interceptor, OutboundCall};
///
/// #[derive(Debug)]
/// struct Tenant(&'static str);
///
/// impl Interceptor for Tenant {
///     fn intercept(&self, call: &mut OutboundCall<'_>) -> Result<(), Error> {
///         call.set_header("x-tenant", self.0)?;
///         call.set_workflow_header("tenant", &self.0)
///     }
/// }
/// ```
pub trait Interceptor: Send + Sync + 'static {
    /// Runs before the call's first attempt: may read its typed request, add gRPC headers and
    /// workflow headers, and change its deadline and retry policy. An error fails the call
    /// without sending it.
    ///
    /// # Errors
    ///
    /// Whatever the interceptor returns: the call fails with it, unsent.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::{Error, Interceptor, OutboundCall};
    ///
    /// #[derive(Debug)]
    /// struct Hasty;
    ///
    /// impl Interceptor for Hasty {
    ///     fn intercept(&self, call: &mut OutboundCall<'_>) -> Result<(), Error> {
    ///         if !call.is_long_poll() {
    ///             call.set_timeout(Duration::from_secs(5));
    ///         }
    ///         Ok(())
    ///     }
    /// }
    /// ```
    fn intercept(&self, call: &mut OutboundCall<'_>) -> Result<(), Error> {
        let _ = call;
        Ok(())
    }

    /// Runs after the call's last attempt, with its outcome.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{CompletedCall, Interceptor};
    ///
    /// #[derive(Debug)]
    /// struct Log;
    ///
    /// impl Interceptor for Log {
    ///     fn completed(&self, call: &CompletedCall<'_>) {
    ///         println!("{} took {:?}: {:?}", call.operation(), call.elapsed(), call.code());
    ///     }
    /// }
    /// ```
    fn completed(&self, call: &CompletedCall<'_>) {
        let _ = call;
    }

    /// Runs when a workflow-result wait begins ([`WorkflowHandle::result`], and so
    /// [`Client::execute`]): returns the [`WaitScope`] to run around it, or `None` (the
    /// default) for nothing. Unlike [`intercept`](Interceptor::intercept), which runs once per
    /// gRPC call, a scope spans the whole wait: every long poll of it, and the runs it follows.
    ///
    /// With no interceptor installed, a result wait does not look here.
    ///
    /// [`WorkflowHandle::result`]: crate::WorkflowHandle::result
    /// [`Client::execute`]: crate::Client::execute
    ///
    /// # Examples
    ///
    /// An interceptor that counts the result waits in progress:
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use temporal_client::{CallFuture, Interceptor, ResultWait, WaitScope};
    ///
    /// #[derive(Debug, Default)]
    /// struct Waiting(Arc<AtomicUsize>);
    ///
    /// struct Counted(Arc<AtomicUsize>);
    ///
    /// impl WaitScope for Counted {
    ///     fn enter(&mut self) -> CallFuture<'_, ()> {
    ///         self.0.fetch_add(1, Ordering::Relaxed);
    ///         Box::pin(async { Ok(()) })
    ///     }
    ///     fn exit(self: Box<Self>) -> CallFuture<'static, ()> {
    ///         self.0.fetch_sub(1, Ordering::Relaxed);
    ///         Box::pin(async { Ok(()) })
    ///     }
    /// }
    ///
    /// impl Interceptor for Waiting {
    ///     fn result_wait(&self, _wait: &ResultWait<'_>) -> Option<Box<dyn WaitScope>> {
    ///         Some(Box::new(Counted(Arc::clone(&self.0))))
    ///     }
    /// }
    /// ```
    fn result_wait(&self, wait: &ResultWait<'_>) -> Option<Box<dyn WaitScope>> {
        let _ = wait;
        None
    }
}

/// A workflow-result wait about to begin, as [`Interceptor::result_wait`] sees it.
///
/// # Examples
///
/// ```
/// # fn example(wait: &temporal_client::ResultWait<'_>) {
/// println!("awaiting {} in {}", wait.workflow_id(), wait.namespace());
/// # }
/// ```
#[derive(Debug)]
pub struct ResultWait<'a> {
    pub(crate) namespace: &'a str,
    pub(crate) workflow_id: &'a str,
    pub(crate) run_id: Option<&'a str>,
}

impl<'a> ResultWait<'a> {
    /// A wait for `workflow_id` (and `run_id`, when known) in `namespace`: what a client
    /// passes to [`Interceptor::result_wait`], made by hand to test an interceptor.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{Interceptor, ResultWait};
    ///
    /// #[derive(Debug)]
    /// struct Nothing;
    /// impl Interceptor for Nothing {}
    ///
    /// let wait = ResultWait::new("default", "order-1234", None);
    /// assert!(Nothing.result_wait(&wait).is_none());
    /// ```
    pub fn new(namespace: &'a str, workflow_id: &'a str, run_id: Option<&'a str>) -> Self {
        Self {
            namespace,
            workflow_id,
            run_id,
        }
    }

    /// The namespace of the workflow.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(wait: &temporal_client::ResultWait<'_>) {
    /// println!("{}", wait.namespace());
    /// # }
    /// ```
    pub fn namespace(&self) -> &str {
        self.namespace
    }

    /// The workflow awaited.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(wait: &temporal_client::ResultWait<'_>) {
    /// println!("{}", wait.workflow_id());
    /// # }
    /// ```
    pub fn workflow_id(&self) -> &str {
        self.workflow_id
    }

    /// The run the wait begins with, when the handle knows it (else the latest run).
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(wait: &temporal_client::ResultWait<'_>) {
    /// println!("{:?}", wait.run_id());
    /// # }
    /// ```
    pub fn run_id(&self) -> Option<&str> {
        self.run_id
    }
}

/// Code that runs around one workflow-result wait, made for it by
/// [`Interceptor::result_wait`]: [`enter`](WaitScope::enter) before the wait's first poll,
/// [`exit`](WaitScope::exit) after its last, and [`abandoned`](WaitScope::abandoned) instead
/// when the wait is dropped before it ends (a timeout, a `select!` that took another branch).
///
/// The scopes of several interceptors nest: they enter in the order the interceptors were
/// installed and exit in the reverse order. Each scope whose `enter` was called ends with
/// exactly one `exit` or `abandoned`, whether its `enter` succeeded, failed, or was itself
/// dropped half-way: a scope keeps what it needs to know which. A scope whose `enter` failed
/// ends the wait with that error (after the scopes entered before it exit).
///
/// # Examples
///
/// A scope that takes a lease before the wait and gives it back after (or, when the wait is
/// dropped, in the background):
///
/// ```
/// use temporal_client::{CallFuture, WaitScope};
///
/// struct Lease {
///     taken: bool,
/// }
///
/// impl WaitScope for Lease {
///     fn enter(&mut self) -> CallFuture<'_, ()> {
///         Box::pin(async move {
///             // ... take the lease, then:
///             self.taken = true;
///             Ok(())
///         })
///     }
///
///     fn exit(self: Box<Self>) -> CallFuture<'static, ()> {
///         Box::pin(async move {
///             if self.taken {
///                 // ... give the lease back.
///             }
///             Ok(())
///         })
///     }
/// }
/// ```
pub trait WaitScope: Send + 'static {
    /// Runs before the wait polls the server.
    ///
    /// # Errors
    ///
    /// Whatever the scope returns: the wait ends with it, without polling.
    ///
    /// # Examples
    ///
    /// See [`WaitScope`].
    fn enter(&mut self) -> CallFuture<'_, ()>;

    /// Runs after the wait ended, whatever its outcome.
    ///
    /// # Errors
    ///
    /// Whatever the scope returns: the wait's caller gets it when the wait itself succeeded
    /// (the wait's own error comes first).
    ///
    /// # Examples
    ///
    /// See [`WaitScope`].
    fn exit(self: Box<Self>) -> CallFuture<'static, ()>;

    /// Runs when the wait is dropped before it ended, `enter` included: spawned on the Tokio
    /// runtime the wait was dropped in (a `Drop` cannot await), its outcome ignored; dropped
    /// unrun outside a runtime. Defaults to [`exit`](WaitScope::exit).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{CallFuture, WaitScope};
    ///
    /// struct Quiet;
    ///
    /// impl WaitScope for Quiet {
    ///     fn enter(&mut self) -> CallFuture<'_, ()> {
    ///         Box::pin(async { Ok(()) })
    ///     }
    ///     fn exit(self: Box<Self>) -> CallFuture<'static, ()> {
    ///         Box::pin(async { Ok(()) })
    ///     }
    ///     fn abandoned(self: Box<Self>) -> CallFuture<'static, ()> {
    ///         eprintln!("a result wait was dropped");
    ///         self.exit()
    ///     }
    /// }
    /// ```
    fn abandoned(self: Box<Self>) -> CallFuture<'static, ()> {
        self.exit()
    }
}

/// Runs `waiting` inside the [`WaitScope`]s the interceptors make for it.
pub(crate) async fn around_result_wait<T>(
    interceptors: &Interceptors,
    wait: &ResultWait<'_>,
    waiting: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let mut scopes = EnteredScopes(Vec::new());
    for interceptor in &interceptors.0 {
        let Some(scope) = interceptor.result_wait(wait) else {
            continue;
        };
        // Kept before entering: a scope entered (even half-way, or in vain) is ended.
        scopes.0.push(scope);
        if let Some(scope) = scopes.0.last_mut()
            && let Err(error) = scope.enter().await
        {
            // The wait's error is the enter's; the exits' would only hide it.
            let _ = scopes.exit().await;
            return Err(error);
        }
    }
    if scopes.0.is_empty() {
        return waiting.await;
    }
    let outcome = waiting.await;
    let exited = scopes.exit().await;
    // The wait's own error comes first; a value is returned only once every scope exited.
    let value = outcome?;
    exited?;
    Ok(value)
}

/// The scopes a result wait entered, innermost last; those still here when it is dropped
/// are abandoned.
struct EnteredScopes(Vec<Box<dyn WaitScope>>);

impl EnteredScopes {
    /// Exits every scope, innermost first; the first error is returned.
    async fn exit(&mut self) -> Result<(), Error> {
        let mut first_error = None;
        while let Some(scope) = self.0.pop() {
            if let Err(error) = scope.exit().await {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

impl Drop for EnteredScopes {
    fn drop(&mut self) {
        if self.0.is_empty() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let scopes = std::mem::take(&mut self.0);
        // One task, so that the scopes still end innermost first.
        runtime.spawn(async move {
            for scope in scopes.into_iter().rev() {
                let _ = scope.abandoned().await;
            }
        });
    }
}

/// The interceptors of a client, in the order installed.
#[derive(Clone, Default)]
pub(crate) struct Interceptors(pub(crate) Vec<Arc<dyn Interceptor>>);

impl fmt::Debug for Interceptors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} interceptor(s)", self.0.len())
    }
}

/// A call about to be sent, as an [`Interceptor`] sees it.
///
/// # Examples
///
/// ```
/// use temporal_client::{Error, Interceptor, OutboundCall};
/// use temporal_client::proto::api::workflowservice::v1::StartWorkflowExecutionRequest;
///
/// #[derive(Debug)]
/// struct OnlyKnownTypes;
///
/// impl Interceptor for OnlyKnownTypes {
///     fn intercept(&self, call: &mut OutboundCall<'_>) -> Result<(), Error> {
///         if let Some(start) = call.request::<StartWorkflowExecutionRequest>() {
///             let kind = start.workflow_type.as_ref().map(|t| t.name.as_str());
///             assert_ne!(kind, Some("forbidden"));
///         }
///         Ok(())
///     }
/// }
/// ```
pub struct OutboundCall<'a> {
    pub(crate) operation: &'static str,
    pub(crate) namespace: &'a str,
    pub(crate) workflow_id: &'a str,
    pub(crate) long_poll: bool,
    pub(crate) request: &'a mut dyn DynRpc,
    pub(crate) metadata: &'a mut MetadataMap,
    pub(crate) timeout: &'a mut Option<Duration>,
    pub(crate) retry_policy: &'a mut Option<RpcRetryPolicy>,
    pub(crate) converter: &'a DataConverter,
}

impl fmt::Debug for OutboundCall<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutboundCall")
            .field("operation", &self.operation)
            .field("namespace", &self.namespace)
            .field("workflow_id", &self.workflow_id)
            .field("long_poll", &self.long_poll)
            .finish_non_exhaustive()
    }
}

impl OutboundCall<'_> {
    /// The gRPC method, as the other SDKs name it in metrics: `StartWorkflowExecution`,
    /// `SignalWorkflowExecution`, `GetWorkflowExecutionHistory` (a result wait), ...
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &temporal_client::OutboundCall<'_>) {
    /// if call.operation() == "StartWorkflowExecution" { /* ... */ }
    /// # }
    /// ```
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The namespace of the call.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &temporal_client::OutboundCall<'_>) {
    /// println!("in {}", call.namespace());
    /// # }
    /// ```
    pub fn namespace(&self) -> &str {
        self.namespace
    }

    /// The workflow (or schedule) the call is about; empty for a list or a count.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &temporal_client::OutboundCall<'_>) {
    /// println!("about {}", call.workflow_id());
    /// # }
    /// ```
    pub fn workflow_id(&self) -> &str {
        self.workflow_id
    }

    /// Whether the call is a long poll (a result, update or history wait), which the server
    /// holds until it has news.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &temporal_client::OutboundCall<'_>) {
    /// let _ = call.is_long_poll();
    /// # }
    /// ```
    pub fn is_long_poll(&self) -> bool {
        self.long_poll
    }

    /// The typed request, when it is a `T` (a message of
    /// [`proto::api::workflowservice::v1`](crate::proto::api::workflowservice::v1)).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::proto::api::workflowservice::v1::SignalWorkflowExecutionRequest;
    ///
    /// # fn example(call: &temporal_client::OutboundCall<'_>) {
    /// if let Some(signal) = call.request::<SignalWorkflowExecutionRequest>() {
    ///     println!("signal {}", signal.signal_name);
    /// }
    /// # }
    /// ```
    pub fn request<T: 'static>(&self) -> Option<&T> {
        self.request.as_any().downcast_ref()
    }

    /// The typed request, to change, when it is a `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::proto::api::workflowservice::v1::StartWorkflowExecutionRequest;
    ///
    /// # fn example(call: &mut temporal_client::OutboundCall<'_>) {
    /// if let Some(start) = call.request_mut::<StartWorkflowExecutionRequest>() {
    ///     start.identity = "billing-api".to_owned();
    /// }
    /// # }
    /// ```
    pub fn request_mut<T: 'static>(&mut self) -> Option<&mut T> {
        self.request.as_any_mut().downcast_mut()
    }

    /// The value of a gRPC header this call sends, besides the connection's.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &temporal_client::OutboundCall<'_>) {
    /// let origin = call.header("x-request-origin");
    /// # let _ = origin;
    /// # }
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.metadata
            .get(name)
            .and_then(|value| value.to_str().ok())
    }

    /// Sends a gRPC header with this call (replacing one of the same name).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when the name or value is not valid gRPC metadata.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &mut temporal_client::OutboundCall<'_>) -> Result<(), temporal_client::Error> {
    /// call.set_header("x-request-origin", "checkout")?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_header(&mut self, name: &str, value: &str) -> Result<(), Error> {
        let (key, mut value) =
            parse_header(name, value).map_err(|reason| Error::invalid("header", reason))?;
        if name.eq_ignore_ascii_case("authorization") {
            value.set_sensitive(true);
        }
        self.metadata.insert(key, value);
        Ok(())
    }

    /// Whether the request carries a workflow header: a start, signal-with-start,
    /// update-with-start, signal, query or update, or a schedule's create or update (the
    /// header of the workflows its action starts). The protocol has no workflow header on
    /// the other calls, async activity completion and heartbeats included: use a gRPC header
    /// there.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &temporal_client::OutboundCall<'_>) {
    /// if call.carries_workflow_header() { /* ... */ }
    /// # }
    /// ```
    pub fn carries_workflow_header(&self) -> bool {
        self.request.carries_header()
    }

    /// The workflow header field `name`, as its payload: a copy whose data is shared with the
    /// request's, not copied.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &temporal_client::OutboundCall<'_>) {
    /// let tracing = call.workflow_header_payload("_tracer-data");
    /// # let _ = tracing;
    /// # }
    /// ```
    pub fn workflow_header_payload(&self, name: &str) -> Option<Payload> {
        let payload = self.request.header()?.fields.get(name)?;
        Some(Payload::from_raw_proto(payload.clone()))
    }

    /// The workflow header field `name`, decoded by the client's data converter.
    ///
    /// # Errors
    ///
    /// [`Error::Conversion`] when the field is not a `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &temporal_client::OutboundCall<'_>) -> Result<(), temporal_client::Error> {
    /// let tenant: Option<String> = call.workflow_header("tenant")?;
    /// # let _ = tenant;
    /// # Ok(())
    /// # }
    /// ```
    pub fn workflow_header<T: FromPayload>(&self, name: &str) -> Result<Option<T>, Error> {
        match self.workflow_header_payload(name) {
            Some(payload) => Ok(Some(self.converter.from_payload(&payload)?)),
            None => Ok(None),
        }
    }

    /// Sets the workflow header field `name` to `value`, encoded by the client's data converter
    /// (its payload converter, not its codec: as the other SDKs write headers). Does nothing
    /// when the request carries no workflow header (see
    /// [`carries_workflow_header`](OutboundCall::carries_workflow_header)); an
    /// update-with-start sends the header with both its start and its update.
    ///
    /// # Errors
    ///
    /// [`Error::Conversion`] when the converter cannot encode `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &mut temporal_client::OutboundCall<'_>) -> Result<(), temporal_client::Error> {
    /// call.set_workflow_header("tenant", "acme")?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_workflow_header<T: ToPayload + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), Error> {
        if !self.request.carries_header() {
            return Ok(());
        }
        let payload = self.converter.to_payload(value)?;
        self.set_workflow_header_payload(name, payload);
        Ok(())
    }

    /// Sets the workflow header field `name` to a payload as it is.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::DataConverter;
    ///
    /// # fn example(call: &mut temporal_client::OutboundCall<'_>) -> Result<(), temporal_client::Error> {
    /// let payload = DataConverter::default().to_payload("acme")?;
    /// call.set_workflow_header_payload("tenant", payload);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_workflow_header_payload(&mut self, name: &str, payload: Payload) {
        if let Some(header) = self.request.header_mut() {
            header
                .fields
                .insert(name.to_owned(), payload.into_raw_proto());
        }
    }

    /// The deadline of each attempt, when one was set for this call or its client (else the
    /// default applies).
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &temporal_client::OutboundCall<'_>) {
    /// println!("{:?}", call.timeout());
    /// # }
    /// ```
    pub fn timeout(&self) -> Option<Duration> {
        *self.timeout
    }

    /// Sets the deadline of each attempt (long polls keep their own).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// # fn example(call: &mut temporal_client::OutboundCall<'_>) {
    /// call.set_timeout(Duration::from_secs(5));
    /// # }
    /// ```
    pub fn set_timeout(&mut self, timeout: Duration) {
        *self.timeout = Some(timeout);
    }

    /// Retries this call with `policy`.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::RpcRetryPolicy;
    ///
    /// # fn example(call: &mut temporal_client::OutboundCall<'_>) {
    /// call.set_retry_policy(RpcRetryPolicy::disabled());
    /// # }
    /// ```
    pub fn set_retry_policy(&mut self, policy: RpcRetryPolicy) {
        *self.retry_policy = Some(policy);
    }
}

/// A call that ended, as an [`Interceptor`] sees it.
///
/// # Examples
///
/// ```
/// use temporal_client::{CompletedCall, Interceptor};
///
/// #[derive(Debug)]
/// struct Failures;
///
/// impl Interceptor for Failures {
///     fn completed(&self, call: &CompletedCall<'_>) {
///         if let Some(code) = call.code() {
///             eprintln!("{} on {} failed: {code:?}", call.operation(), call.workflow_id());
///         }
///     }
/// }
/// ```
#[derive(Debug)]
pub struct CompletedCall<'a> {
    pub(crate) operation: &'static str,
    pub(crate) namespace: &'a str,
    pub(crate) workflow_id: &'a str,
    pub(crate) long_poll: bool,
    pub(crate) elapsed: Duration,
    pub(crate) attempts: u32,
    pub(crate) status: Option<&'a tonic::Status>,
}

impl CompletedCall<'_> {
    /// The gRPC method, as in [`OutboundCall::operation`].
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &temporal_client::CompletedCall<'_>) {
    /// println!("{}", call.operation());
    /// # }
    /// ```
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The namespace of the call.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &temporal_client::CompletedCall<'_>) {
    /// println!("{}", call.namespace());
    /// # }
    /// ```
    pub fn namespace(&self) -> &str {
        self.namespace
    }

    /// The workflow (or schedule) the call was about; empty for a list or a count.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &temporal_client::CompletedCall<'_>) {
    /// println!("{}", call.workflow_id());
    /// # }
    /// ```
    pub fn workflow_id(&self) -> &str {
        self.workflow_id
    }

    /// Whether the call was a long poll.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &temporal_client::CompletedCall<'_>) {
    /// let _ = call.is_long_poll();
    /// # }
    /// ```
    pub fn is_long_poll(&self) -> bool {
        self.long_poll
    }

    /// How long the call took, retries and backoffs included.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &temporal_client::CompletedCall<'_>) {
    /// println!("{:?}", call.elapsed());
    /// # }
    /// ```
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// How many attempts were made (0 when an interceptor refused the call).
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &temporal_client::CompletedCall<'_>) {
    /// println!("{}", call.attempts());
    /// # }
    /// ```
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The gRPC code of the failure, or `None` when the call succeeded.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &temporal_client::CompletedCall<'_>) {
    /// if call.code() == Some(temporal_client::Code::NotFound) { /* ... */ }
    /// # }
    /// ```
    pub fn code(&self) -> Option<crate::Code> {
        self.status
            .map(|status| crate::Code::from_tonic(status.code()))
    }

    /// The message of the failure, or `None` when the call succeeded.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(call: &temporal_client::CompletedCall<'_>) {
    /// if let Some(message) = call.message() { eprintln!("{message}"); }
    /// # }
    /// ```
    pub fn message(&self) -> Option<&str> {
        self.status.map(tonic::Status::message)
    }
}

/// A request of the workflow service the client sends: its method name and workflow header.
///
/// A protobuf message, shared by every attempt of a call.
pub(crate) trait Rpc: prost::Message + Default + Send + Sync + 'static {
    /// The gRPC method.
    const METHOD: &'static str;

    /// The answer.
    type Response: prost::Message + Default + Send + 'static;

    /// The request's URI, the gRPC path (the service's name and the method), parsed once: a
    /// clone shares its bytes.
    fn uri() -> tonic::codegen::http::Uri;

    /// The workflow header, when the request has a place for one.
    fn header(&self) -> Option<&Header> {
        None
    }

    /// The workflow header, created when the request has a place for one.
    fn header_mut(&mut self) -> Option<&mut Header> {
        None
    }

    /// Whether the request has a place for a workflow header.
    fn carries_header(&self) -> bool {
        false
    }

    /// Copies the header wherever else the request needs it (update-with-start's update).
    fn sync_header(&mut self) {}

    /// The type of the workflow the request starts, when it starts one (for spans).
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    fn workflow_type(&self) -> Option<&str> {
        None
    }
}

/// [`Rpc`] as an interceptor reaches it.
pub(crate) trait DynRpc {
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
    fn header(&self) -> Option<&Header>;
    fn header_mut(&mut self) -> Option<&mut Header>;
    fn carries_header(&self) -> bool;
}

impl<T: Rpc> DynRpc for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
    fn header(&self) -> Option<&Header> {
        Rpc::header(self)
    }
    fn header_mut(&mut self) -> Option<&mut Header> {
        Rpc::header_mut(self)
    }
    fn carries_header(&self) -> bool {
        Rpc::carries_header(self)
    }
}

/// The names of a workflow-service method: what every [`Rpc`] implementation starts with.
macro_rules! rpc_names {
    ($response:ident, $method:literal) => {
        rpc_names!(ws::$response as $method);
    };
    ($response:ty as $method:literal) => {
        const METHOD: &'static str = $method;
        type Response = $response;
        fn uri() -> tonic::codegen::http::Uri {
            static URI: std::sync::LazyLock<tonic::codegen::http::Uri> =
                std::sync::LazyLock::new(|| {
                    tonic::codegen::http::Uri::from_static(concat!(
                        "/temporal.api.workflowservice.v1.WorkflowService/",
                        $method
                    ))
                });
            URI.clone()
        }
    };
}

macro_rules! rpc {
    ($($request:ident => $response:ident, $method:literal),* $(,)?) => {
        $(impl Rpc for ws::$request {
            rpc_names!($response, $method);
        })*
    };
}

/// The header of a request that has a `header` field of its own.
macro_rules! header_field {
    () => {
        fn header(&self) -> Option<&Header> {
            self.header.as_ref()
        }
        fn header_mut(&mut self) -> Option<&mut Header> {
            Some(self.header.get_or_insert_with(Header::default))
        }
        fn carries_header(&self) -> bool {
            true
        }
    };
}

macro_rules! rpc_with_header {
    ($($request:ident => $response:ty, $method:literal),* $(,)?) => {
        $(impl Rpc for ws::$request {
            rpc_names!($response as $method);
            header_field!();
        })*
    };
}

macro_rules! rpc_starting_workflow {
    ($($request:ident => $response:ty, $method:literal),* $(,)?) => {
        $(impl Rpc for ws::$request {
            rpc_names!($response as $method);
            header_field!();
            fn workflow_type(&self) -> Option<&str> {
                self.workflow_type.as_ref().map(|kind| kind.name.as_str())
            }
        })*
    };
}

// Decoded in part: the client reads only the run id of a start's answer and nothing of a
// signal's (crate::answers).
rpc_starting_workflow! {
    StartWorkflowExecutionRequest => RunStarted, "StartWorkflowExecution",
    SignalWithStartWorkflowExecutionRequest => RunStarted, "SignalWithStartWorkflowExecution",
}

rpc_with_header! {
    SignalWorkflowExecutionRequest => Acknowledged, "SignalWorkflowExecution",
}

/// A schedule's start-workflow action, whose header is that of every workflow it starts.
macro_rules! rpc_with_schedule {
    ($($request:ident => $response:ident, $method:literal),* $(,)?) => {
        $(impl Rpc for ws::$request {
            rpc_names!($response, $method);
            fn header(&self) -> Option<&Header> {
                start_action(self.schedule.as_ref())?.header.as_ref()
            }
            fn header_mut(&mut self) -> Option<&mut Header> {
                let start = start_action_mut(self.schedule.as_mut())?;
                Some(start.header.get_or_insert_with(Header::default))
            }
            fn carries_header(&self) -> bool {
                start_action(self.schedule.as_ref()).is_some()
            }
            fn workflow_type(&self) -> Option<&str> {
                let start = start_action(self.schedule.as_ref())?;
                start.workflow_type.as_ref().map(|kind| kind.name.as_str())
            }
        })*
    };
}

rpc_with_schedule! {
    CreateScheduleRequest => CreateScheduleResponse, "CreateSchedule",
    UpdateScheduleRequest => UpdateScheduleResponse, "UpdateSchedule",
}

fn start_action(schedule: Option<&Schedule>) -> Option<&NewWorkflowExecutionInfo> {
    match schedule?.action.as_ref()?.action.as_ref()? {
        ScheduleActionKind::StartWorkflow(start) => Some(start),
    }
}

fn start_action_mut(schedule: Option<&mut Schedule>) -> Option<&mut NewWorkflowExecutionInfo> {
    match schedule?.action.as_mut()?.action.as_mut()? {
        ScheduleActionKind::StartWorkflow(start) => Some(start),
    }
}

rpc! {
    RequestCancelWorkflowExecutionRequest => RequestCancelWorkflowExecutionResponse, "RequestCancelWorkflowExecution",
    TerminateWorkflowExecutionRequest => TerminateWorkflowExecutionResponse, "TerminateWorkflowExecution",
    DescribeWorkflowExecutionRequest => DescribeWorkflowExecutionResponse, "DescribeWorkflowExecution",
    GetWorkflowExecutionHistoryRequest => GetWorkflowExecutionHistoryResponse, "GetWorkflowExecutionHistory",
    ListWorkflowExecutionsRequest => ListWorkflowExecutionsResponse, "ListWorkflowExecutions",
    CountWorkflowExecutionsRequest => CountWorkflowExecutionsResponse, "CountWorkflowExecutions",
    PollWorkflowExecutionUpdateRequest => PollWorkflowExecutionUpdateResponse, "PollWorkflowExecutionUpdate",
    DescribeScheduleRequest => DescribeScheduleResponse, "DescribeSchedule",
    PatchScheduleRequest => PatchScheduleResponse, "PatchSchedule",
    DeleteScheduleRequest => DeleteScheduleResponse, "DeleteSchedule",
    ListSchedulesRequest => ListSchedulesResponse, "ListSchedules",
    RespondActivityTaskCompletedRequest => RespondActivityTaskCompletedResponse, "RespondActivityTaskCompleted",
    RespondActivityTaskCompletedByIdRequest => RespondActivityTaskCompletedByIdResponse, "RespondActivityTaskCompletedById",
    RespondActivityTaskFailedRequest => RespondActivityTaskFailedResponse, "RespondActivityTaskFailed",
    RespondActivityTaskFailedByIdRequest => RespondActivityTaskFailedByIdResponse, "RespondActivityTaskFailedById",
    RespondActivityTaskCanceledRequest => RespondActivityTaskCanceledResponse, "RespondActivityTaskCanceled",
    RespondActivityTaskCanceledByIdRequest => RespondActivityTaskCanceledByIdResponse, "RespondActivityTaskCanceledById",
    RecordActivityTaskHeartbeatRequest => RecordActivityTaskHeartbeatResponse, "RecordActivityTaskHeartbeat",
    RecordActivityTaskHeartbeatByIdRequest => RecordActivityTaskHeartbeatByIdResponse, "RecordActivityTaskHeartbeatById",
}

impl Rpc for ws::QueryWorkflowRequest {
    rpc_names!(QueryWorkflowResponse, "QueryWorkflow");
    fn header(&self) -> Option<&Header> {
        self.query.as_ref()?.header.as_ref()
    }
    fn header_mut(&mut self) -> Option<&mut Header> {
        let query = self.query.as_mut()?;
        Some(query.header.get_or_insert_with(Header::default))
    }
    fn carries_header(&self) -> bool {
        self.query.is_some()
    }
}

impl Rpc for ws::UpdateWorkflowExecutionRequest {
    rpc_names!(UpdateWorkflowExecutionResponse, "UpdateWorkflowExecution");
    fn header(&self) -> Option<&Header> {
        self.request.as_ref()?.input.as_ref()?.header.as_ref()
    }
    fn header_mut(&mut self) -> Option<&mut Header> {
        let input = self.request.as_mut()?.input.as_mut()?;
        Some(input.header.get_or_insert_with(Header::default))
    }
    fn carries_header(&self) -> bool {
        self.request.as_ref().is_some_and(|r| r.input.is_some())
    }
}

/// Update-with-start: the header is the start's, and is copied to the update.
impl Rpc for ws::ExecuteMultiOperationRequest {
    rpc_names!(ExecuteMultiOperationResponse, "ExecuteMultiOperation");
    fn header(&self) -> Option<&Header> {
        self.operations
            .iter()
            .find_map(|operation| match operation.operation.as_ref()? {
                multi::Operation::StartWorkflow(start) => Rpc::header(start),
                multi::Operation::UpdateWorkflow(_) => None,
            })
    }
    fn header_mut(&mut self) -> Option<&mut Header> {
        self.operations
            .iter_mut()
            .find_map(|operation| match operation.operation.as_mut()? {
                multi::Operation::StartWorkflow(start) => Rpc::header_mut(start),
                multi::Operation::UpdateWorkflow(_) => None,
            })
    }
    fn carries_header(&self) -> bool {
        true
    }
    fn workflow_type(&self) -> Option<&str> {
        self.operations
            .iter()
            .find_map(|operation| match operation.operation.as_ref()? {
                multi::Operation::StartWorkflow(start) => Rpc::workflow_type(start),
                multi::Operation::UpdateWorkflow(_) => None,
            })
    }
    fn sync_header(&mut self) {
        let Some(header) = Rpc::header(self).cloned() else {
            return;
        };
        for operation in &mut self.operations {
            if let Some(multi::Operation::UpdateWorkflow(update)) = operation.operation.as_mut()
                && let Some(target) = Rpc::header_mut(update)
            {
                for (name, payload) in &header.fields {
                    target
                        .fields
                        .entry(name.clone())
                        .or_insert_with(|| payload.clone());
                }
            }
        }
    }
}

use ws::execute_multi_operation_request::operation as multi;

/// Workflow header fields set by [`CallOptions::workflow_header`](crate::CallOptions::workflow_header),
/// encoded when the call is made (by the client's converter).
pub(crate) type HeaderValues = Vec<(String, Arc<dyn ToPayload + Send + Sync>)>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn each_rpc_has_its_grpc_path_and_method() {
        fn path<R: Rpc>() -> String {
            let uri = R::uri();
            assert!(uri.scheme().is_none() && uri.authority().is_none(), "{uri}");
            assert_eq!(uri.path(), R::uri().path(), "the same each time");
            uri.path().to_owned()
        }
        const SERVICE: &str = "/temporal.api.workflowservice.v1.WorkflowService/";
        assert_eq!(
            path::<ws::SignalWorkflowExecutionRequest>(),
            format!("{SERVICE}SignalWorkflowExecution")
        );
        assert_eq!(
            path::<ws::StartWorkflowExecutionRequest>(),
            format!("{SERVICE}{}", ws::StartWorkflowExecutionRequest::METHOD)
        );
        assert_eq!(
            path::<ws::CreateScheduleRequest>(),
            format!("{SERVICE}CreateSchedule")
        );
    }

    /// Records what its scopes do, as `<name> enter|exit|abandoned`.
    #[derive(Clone)]
    struct Recording {
        name: &'static str,
        log: Arc<Mutex<Vec<String>>>,
        fail_enter: bool,
    }

    impl Recording {
        fn log(&self, event: &str) {
            self.log
                .lock()
                .expect("not poisoned")
                .push(format!("{} {event}", self.name));
        }
    }

    impl Interceptor for Recording {
        fn result_wait(&self, _wait: &ResultWait<'_>) -> Option<Box<dyn WaitScope>> {
            Some(Box::new(self.clone()))
        }
    }

    impl WaitScope for Recording {
        fn enter(&mut self) -> CallFuture<'_, ()> {
            Box::pin(async move {
                self.log("enter");
                if self.fail_enter {
                    return Err(Error::invalid("scope", "refused"));
                }
                Ok(())
            })
        }
        fn exit(self: Box<Self>) -> CallFuture<'static, ()> {
            Box::pin(async move {
                self.log("exit");
                Ok(())
            })
        }
        fn abandoned(self: Box<Self>) -> CallFuture<'static, ()> {
            Box::pin(async move {
                self.log("abandoned");
                Ok(())
            })
        }
    }

    fn interceptors(log: &Arc<Mutex<Vec<String>>>, fail: &[bool]) -> Interceptors {
        let names = ["outer", "inner"];
        Interceptors(
            fail.iter()
                .zip(names)
                .map(|(&fail_enter, name)| {
                    Arc::new(Recording {
                        name,
                        log: Arc::clone(log),
                        fail_enter,
                    }) as Arc<dyn Interceptor>
                })
                .collect(),
        )
    }

    fn wait() -> ResultWait<'static> {
        ResultWait::new("default", "wf", None)
    }

    #[tokio::test]
    async fn scopes_nest_around_the_wait_in_install_order() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let interceptors = interceptors(&log, &[false, false]);
        let waited = around_result_wait(&interceptors, &wait(), {
            let log = Arc::clone(&log);
            async move {
                log.lock().expect("not poisoned").push("wait".to_owned());
                Ok(7)
            }
        })
        .await;
        assert_eq!(waited.expect("waited"), 7);
        assert_eq!(
            *log.lock().expect("not poisoned"),
            [
                "outer enter",
                "inner enter",
                "wait",
                "inner exit",
                "outer exit"
            ]
        );
    }

    #[tokio::test]
    async fn a_failed_enter_ends_the_wait_unpolled_and_exits_what_entered() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let interceptors = interceptors(&log, &[false, true]);
        let waited: Result<(), Error> =
            around_result_wait(&interceptors, &wait(), async { panic!("never polled") }).await;
        assert!(
            matches!(waited, Err(Error::InvalidArgument { field: "scope", .. })),
            "{waited:?}"
        );
        assert_eq!(
            *log.lock().expect("not poisoned"),
            ["outer enter", "inner enter", "inner exit", "outer exit"]
        );
    }

    #[tokio::test]
    async fn a_dropped_wait_abandons_its_scopes_in_the_background() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let interceptors = interceptors(&log, &[false, false]);
        let wait = wait();
        let waiting = around_result_wait(
            &interceptors,
            &wait,
            std::future::pending::<Result<(), Error>>(),
        );
        let timed_out = tokio::time::timeout(std::time::Duration::from_millis(10), waiting).await;
        assert!(timed_out.is_err());
        for _ in 0..100 {
            if log.lock().expect("not poisoned").len() == 4 {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert_eq!(
            *log.lock().expect("not poisoned"),
            [
                "outer enter",
                "inner enter",
                "inner abandoned",
                "outer abandoned"
            ]
        );
    }

    #[test]
    fn the_requests_that_start_a_workflow_name_its_type_and_a_schedule_carries_its_header() {
        use temporal_proto::api::common::v1::WorkflowType;
        use temporal_proto::api::schedule::v1::ScheduleAction;

        let start = ws::StartWorkflowExecutionRequest {
            workflow_type: Some(WorkflowType {
                name: "order".to_owned(),
            }),
            ..Default::default()
        };
        assert_eq!(Rpc::workflow_type(&start), Some("order"));
        let with_start = ws::ExecuteMultiOperationRequest {
            operations: vec![ws::execute_multi_operation_request::Operation {
                operation: Some(multi::Operation::StartWorkflow(start.clone())),
            }],
            ..Default::default()
        };
        assert_eq!(Rpc::workflow_type(&with_start), Some("order"));
        assert_eq!(
            Rpc::workflow_type(&ws::SignalWorkflowExecutionRequest::default()),
            None
        );

        let mut create = ws::CreateScheduleRequest {
            schedule: Some(Schedule {
                action: Some(ScheduleAction {
                    action: Some(ScheduleActionKind::StartWorkflow(
                        NewWorkflowExecutionInfo {
                            workflow_type: start.workflow_type.clone(),
                            ..Default::default()
                        },
                    )),
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(Rpc::workflow_type(&create), Some("order"));
        assert!(Rpc::carries_header(&create));
        Rpc::header_mut(&mut create)
            .expect("a header")
            .fields
            .insert("tenant".to_owned(), Payload::default().into_raw_proto());
        assert!(
            start_action(create.schedule.as_ref())
                .and_then(|action| action.header.as_ref())
                .is_some_and(|header| header.fields.contains_key("tenant"))
        );
        assert!(!Rpc::carries_header(&ws::CreateScheduleRequest::default()));
    }

    #[tokio::test]
    async fn without_scopes_the_wait_runs_alone() {
        #[derive(Debug)]
        struct Plain;
        impl Interceptor for Plain {}
        let interceptors = Interceptors(vec![Arc::new(Plain)]);
        let waited = around_result_wait(&interceptors, &wait(), async { Ok("done") }).await;
        assert_eq!(waited.expect("waited"), "done");
    }
}
