//! The errors of the client: [`Error`] for every operation, [`ConnectError`] for connecting,
//! and [`RpcError`] for a gRPC call that failed.

use std::fmt;

use prost::Message as _;
use temporal_proto::api::errordetails::v1::{
    NamespaceNotFoundFailure, QueryFailedFailure, WorkflowExecutionAlreadyStartedFailure,
};
use temporal_proto::google::rpc::Status as RpcStatus;

use crate::code::Code;
use crate::converter::{CodecError, ConversionError};
use crate::description::WorkflowExecutionStatus;
use crate::failure::{Failure, FailureKind, RetryState};
use crate::wait::ProtocolViolation;

/// What went wrong in a client operation.
///
/// Each variant says whether the request may have reached the server: input errors never do;
/// [`Error::Rpc`] may have (a retried call is deduplicated by its request id).
///
/// # Examples
///
/// ```no_run
/// # async fn example(client: temporal_client::Client) {
/// use temporal_client::Error;
///
/// match client.get_handle::<temporal_client::Untyped>("order-1234").result::<String>().await {
///     Ok(greeting) => println!("{greeting}"),
///     Err(Error::WorkflowFailed(failed)) => eprintln!("failed: {}", failed.failure),
///     Err(Error::NotFound { .. }) => eprintln!("no such workflow"),
///     Err(other) => eprintln!("{other}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument was refused before any request was sent: `field` names it.
    #[error("invalid {field}: {reason}")]
    InvalidArgument {
        /// The argument or option, such as `workflow_id`.
        field: &'static str,
        /// Why it was refused and what is accepted.
        reason: String,
    },
    /// A value could not be converted to or from a payload. When sending, nothing was sent.
    #[error("payload conversion failed")]
    Conversion(#[from] ConversionError),
    /// The payload codec (encryption, compression) failed.
    #[error("payload codec failed")]
    Codec(#[from] CodecError),
    /// A workflow with this id is already running (or, by the id reuse policy, may not be
    /// started again).
    #[error("workflow `{workflow_id}` is already started (run {run_id})")]
    AlreadyStarted {
        /// The workflow id.
        workflow_id: String,
        /// The run id of the existing execution.
        run_id: String,
    },
    /// The workflow execution (or the activity, for an asynchronous completion) does not
    /// exist, or no longer does.
    #[error(transparent)]
    NotFound(Box<NotFound>),
    /// The namespace does not exist.
    #[error("namespace `{namespace}` not found")]
    NamespaceNotFound {
        /// The namespace that was asked for.
        namespace: String,
    },
    /// The workflow closed without a result: failed, cancelled, terminated or timed out. The
    /// failure chain says which and why.
    #[error(transparent)]
    WorkflowFailed(Box<WorkflowFailed>),
    /// The run was followed by another, and the caller asked not to follow runs: it continued
    /// as new, or (as the server reports them to a result wait) it was a cron run or a run
    /// that failed and will be retried.
    #[error("workflow continued as new as run {new_run_id}")]
    ContinuedAsNew {
        /// The run id of the new run.
        new_run_id: String,
    },
    /// The server answered in a way the protocol does not allow, such as a chain of runs that
    /// loops: the wait ends here instead of spinning. A bug in the server or a proxy.
    #[error("the server broke the protocol waiting on workflow `{workflow_id}`: {violation}")]
    ProtocolViolation {
        /// The workflow the answer was about.
        workflow_id: String,
        /// What the server did wrong.
        violation: Box<ProtocolViolation>,
    },
    /// A query was not run because of the reject condition: the workflow is in `status`.
    #[error("query rejected: the workflow is {}", status.map_or("in an unknown state", WorkflowExecutionStatus::as_str))]
    QueryRejected {
        /// The workflow's status; `None` for one this client does not know.
        status: Option<WorkflowExecutionStatus>,
    },
    /// The workflow's query handler failed, or it has no handler of that name.
    #[error("query failed: {message}")]
    QueryFailed {
        /// The worker's description, such as `unknown queryType getValue`.
        message: String,
    },
    /// Writing a history export
    /// ([`WorkflowHandle::write_history_json`](crate::WorkflowHandle::write_history_json))
    /// to its writer failed.
    #[error("writing the history of workflow `{workflow_id}` failed")]
    HistoryWrite {
        /// The workflow whose history was being written.
        workflow_id: String,
        /// The writer's error.
        #[source]
        source: std::io::Error,
    },
    /// The workflow closed without a result, but its failure could not be decoded: the
    /// payload codec failed on it (a missing key, for one). The workflow did fail.
    #[error(transparent)]
    FailureUndecodable(Box<FailureUndecodable>),
    /// Connecting failed, for a function that connects and then calls, with `?` on both.
    #[error(transparent)]
    Connect(Box<ConnectError>),
    /// The workflow's update validator rejected the update, or its handler failed; the
    /// failure says which and why.
    #[error("update {update_id} failed")]
    UpdateFailed {
        /// The update's id.
        update_id: String,
        /// Why: the rejection or the handler's failure.
        #[source]
        failure: Box<Failure>,
    },
    /// A schedule with this id already exists.
    #[error("schedule `{schedule_id}` already exists")]
    ScheduleAlreadyExists {
        /// The schedule id.
        schedule_id: String,
    },
    /// There is no schedule with this id (or it was deleted).
    #[error("schedule `{schedule_id}` not found")]
    ScheduleNotFound {
        /// The schedule id.
        schedule_id: String,
    },
    /// The server refused the schedule as invalid: a calendar, interval or cron string it
    /// cannot read, an unknown time zone, ... The message says which part.
    #[error("invalid schedule `{schedule_id}`: {message}")]
    InvalidSchedule {
        /// The schedule id.
        schedule_id: String,
        /// The server's description, such as `Invalid schedule spec: ...`.
        message: String,
    },
    /// A gRPC call failed with a status not covered by another variant. The request may have
    /// reached the server.
    #[error(transparent)]
    Rpc(#[from] RpcError),
    /// The request may have reached the server, but whether it took effect is unknown: its
    /// connection was lost during an attempt, and the retries that followed failed too (the
    /// retry policy gave up). Not a cancellation by the caller, and not a failure known to
    /// have happened before sending ([`Error::Rpc`] with `UNAVAILABLE` is that).
    ///
    /// Making the same call again once the server is reachable is the way to learn the
    /// outcome: starts, signals and cancels carry a request id the server deduplicates.
    /// The status inside is `UNAVAILABLE`; its message names the last failure.
    #[error(transparent)]
    OutcomeUnknown(RpcError),
    /// An [`Interceptor`](crate::Interceptor) refused the call before it was sent, with
    /// this reason.
    #[error("an interceptor refused the call: {0}")]
    Interceptor(Box<dyn std::error::Error + Send + Sync>),
}

/// A workflow that closed without a result, whose failure the payload codec could not decode
/// (a missing key, for one): [`Error::FailureUndecodable`]. The workflow did fail; the codec's
/// error is the [`source`](std::error::Error::source).
///
/// # Examples
///
/// ```no_run
/// use temporal_client::Error;
///
/// # async fn example(handle: temporal_client::WorkflowHandle) {
/// if let Err(Error::FailureUndecodable(undecodable)) = handle.result::<String>().await {
///     eprintln!("{} failed; is the codec's key missing? {undecodable}", undecodable.workflow_id);
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
#[error("workflow `{workflow_id}` (run {run_id}) failed, and its failure could not be decoded")]
pub struct FailureUndecodable {
    /// The workflow id.
    pub workflow_id: String,
    /// The run that closed, as in [`WorkflowFailed::run_id`].
    pub run_id: String,
    /// The codec's error.
    #[source]
    pub source: CodecError,
}

/// What [`Error::NotFound`] was looking for: `Display` names the workflow and run.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::Error;
///
/// # async fn example(handle: temporal_client::WorkflowHandle) {
/// if let Err(Error::NotFound(missing)) = handle.describe().await {
///     eprintln!("no workflow {} (run {:?}): {}", missing.workflow_id, missing.run_id, missing.message);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NotFound {
    /// The workflow the call was about; empty when it was about none (an activity completed
    /// by its task token).
    pub workflow_id: String,
    /// The run the call named; `None` when it named the latest run.
    pub run_id: Option<String>,
    /// The server's description, such as `workflow execution not found`.
    pub message: String,
}

impl fmt::Display for NotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.workflow_id.as_str(), &self.run_id) {
            ("", _) => write!(f, "not found: {}", self.message),
            (workflow_id, None) => {
                write!(f, "workflow `{workflow_id}` not found: {}", self.message)
            }
            (workflow_id, Some(run_id)) => write!(
                f,
                "workflow `{workflow_id}` (run {run_id}) not found: {}",
                self.message
            ),
        }
    }
}

impl std::error::Error for NotFound {}

/// A workflow execution that closed without a result.
///
/// `Display` names the workflow; the failure is its [`source`](std::error::Error::source).
///
/// # Examples
///
/// ```no_run
/// use temporal_client::Error;
///
/// # async fn example(handle: temporal_client::WorkflowHandle) {
/// if let Err(Error::WorkflowFailed(failed)) = handle.result::<String>().await {
///     eprintln!(
///         "{} (run {}) failed: {}; retry state {:?}",
///         failed.workflow_id, failed.run_id, failed.failure, failed.retry_state
///     );
/// }
/// # }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct WorkflowFailed {
    /// The workflow id.
    pub workflow_id: String,
    /// The run that closed. A handle that waited on the latest run by id alone looks it up;
    /// empty only when that look-up failed, or a new run had already taken the id.
    pub run_id: String,
    /// Why it closed: an application failure, cancellation, termination, timeout, ...
    pub failure: Failure,
    /// Whether the server would have retried the workflow, and why not; `None` when the
    /// server did not say (or said something this client does not know).
    pub retry_state: Option<RetryState>,
}

/// How a workflow closed without a result: [`WorkflowFailed::outcome`].
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{Error, WorkflowOutcome};
///
/// # async fn example(handle: temporal_client::WorkflowHandle) {
/// if let Err(Error::WorkflowFailed(failed)) = handle.result::<String>().await {
///     match failed.outcome() {
///         WorkflowOutcome::Cancelled => println!("cancelled, as asked"),
///         WorkflowOutcome::TimedOut => println!("ran out of time"),
///         _ => eprintln!("{failed}"),
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WorkflowOutcome {
    /// The workflow failed: its code raised, or the server failed it.
    Failed,
    /// The workflow was cancelled and accepted the cancellation.
    Cancelled,
    /// The workflow was terminated.
    Terminated,
    /// A workflow timeout fired (execution or run timeout).
    TimedOut,
}

impl WorkflowFailed {
    /// How the workflow closed: failed, cancelled, terminated or timed out, read from the
    /// outermost failure.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{Error, WorkflowOutcome};
    ///
    /// # async fn example(handle: temporal_client::WorkflowHandle) {
    /// if let Err(Error::WorkflowFailed(failed)) = handle.result::<String>().await {
    ///     assert_ne!(failed.outcome(), WorkflowOutcome::Terminated, "someone terminated it");
    /// }
    /// # }
    /// ```
    pub fn outcome(&self) -> WorkflowOutcome {
        match self.failure.kind() {
            FailureKind::Cancelled { .. } => WorkflowOutcome::Cancelled,
            FailureKind::Terminated { .. } => WorkflowOutcome::Terminated,
            FailureKind::Timeout { .. } => WorkflowOutcome::TimedOut,
            _ => WorkflowOutcome::Failed,
        }
    }

    /// Whether the workflow was cancelled.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::WorkflowHandle) {
    /// handle.cancel().await.ok();
    /// if let Err(temporal_client::Error::WorkflowFailed(failed)) = handle.result::<()>().await {
    ///     println!("cancelled: {}", failed.is_cancelled());
    /// }
    /// # }
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.outcome() == WorkflowOutcome::Cancelled
    }

    /// Whether the workflow was terminated.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::WorkflowHandle) {
    /// if let Err(temporal_client::Error::WorkflowFailed(failed)) = handle.result::<()>().await {
    ///     if failed.is_terminated() {
    ///         println!("terminated: {}", failed.failure.message());
    ///     }
    /// }
    /// # }
    /// ```
    pub fn is_terminated(&self) -> bool {
        self.outcome() == WorkflowOutcome::Terminated
    }

    /// Whether a workflow timeout fired.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::WorkflowHandle) {
    /// if let Err(temporal_client::Error::WorkflowFailed(failed)) = handle.result::<()>().await {
    ///     println!("timed out: {}", failed.is_timed_out());
    /// }
    /// # }
    /// ```
    pub fn is_timed_out(&self) -> bool {
        self.outcome() == WorkflowOutcome::TimedOut
    }

    /// The type of the outermost application failure in the chain, such as `OrderRejected`
    /// or Python's `ValueError`: what the workflow raised, or, when it let an activity's
    /// failure through, what the activity raised. `None` when the workflow was cancelled,
    /// terminated or timed out, or no application failure is in the chain.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::WorkflowHandle) {
    /// if let Err(temporal_client::Error::WorkflowFailed(failed)) = handle.result::<()>().await {
    ///     if failed.application_failure_type() == Some("OutOfStock") {
    ///         println!("reorder");
    ///     }
    /// }
    /// # }
    /// ```
    pub fn application_failure_type(&self) -> Option<&str> {
        if self.outcome() != WorkflowOutcome::Failed {
            return None;
        }
        self.failure.chain().find_map(|link| match link.kind() {
            FailureKind::Application(app) => Some(app.type_name.as_str()),
            _ => None,
        })
    }
}

/// Says how the workflow closed and, for a failure, the root cause's message.
impl fmt::Display for WorkflowFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "workflow `{}`", self.workflow_id)?;
        if !self.run_id.is_empty() {
            write!(f, " (run {})", self.run_id)?;
        }
        match self.outcome() {
            WorkflowOutcome::Cancelled => f.write_str(" was cancelled"),
            WorkflowOutcome::TimedOut => f.write_str(" timed out"),
            WorkflowOutcome::Terminated => match self.failure.message() {
                "" => f.write_str(" was terminated"),
                reason => write!(f, " was terminated: {reason}"),
            },
            WorkflowOutcome::Failed => match self.failure.root_cause().message() {
                "" => f.write_str(" failed"),
                message => write!(f, " failed: {message}"),
            },
        }
    }
}

impl From<ConnectError> for Error {
    fn from(error: ConnectError) -> Self {
        Self::Connect(Box::new(error))
    }
}

impl std::error::Error for WorkflowFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.failure)
    }
}

impl Error {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidArgument {
            field,
            reason: reason.into(),
        }
    }

    /// Maps a failed call to the variant that says what it means. `workflow_id` and
    /// `namespace` are what the call was about, for the variants that name them.
    pub(crate) fn from_status(status: tonic::Status, workflow_id: &str, namespace: &str) -> Self {
        let rpc = RpcError::new(status);
        if rpc.is_outcome_unknown() {
            return Self::OutcomeUnknown(rpc);
        }
        match (rpc.code(), rpc.detail()) {
            (_, Some(ErrorDetail::AlreadyStarted { run_id })) => Self::AlreadyStarted {
                workflow_id: workflow_id.to_owned(),
                run_id: run_id.clone(),
            },
            (_, Some(ErrorDetail::NamespaceNotFound)) => Self::NamespaceNotFound {
                namespace: namespace.to_owned(),
            },
            (_, Some(ErrorDetail::QueryFailed)) => Self::QueryFailed {
                message: rpc.message().to_owned(),
            },
            (Code::NotFound, _) => Self::NotFound(Box::new(NotFound {
                workflow_id: workflow_id.to_owned(),
                run_id: None,
                message: rpc.message().to_owned(),
            })),
            _ => Self::Rpc(rpc),
        }
    }

    /// Names the run a call was about in a [`Error::NotFound`] (an empty run id names the
    /// latest run, so none is set).
    pub(crate) fn for_run(mut self, run_id: &str) -> Self {
        if let Self::NotFound(missing) = &mut self
            && !run_id.is_empty()
        {
            missing.run_id = Some(run_id.to_owned());
        }
        self
    }

    /// Whether this is a [`Error::NotFound`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
    /// match handle.cancel().await {
    ///     Err(error) if error.is_not_found() => println!("already gone"),
    ///     other => other?,
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound(_))
    }

    /// Whether this is a [`Error::AlreadyStarted`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::StartOptions;
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// match client.start("example", ("Temporal",), StartOptions::new("greeting-1", "hello-world")).await {
    ///     Ok(handle) => println!("started {:?}", handle.first_execution_run_id()),
    ///     Err(error) if error.is_already_started() => println!("already running"),
    ///     Err(error) => return Err(error),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_already_started(&self) -> bool {
        matches!(self, Self::AlreadyStarted { .. })
    }

    /// Whether the call ran out of time: its deadline passed before the server answered.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use temporal_client::CallOptions;
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let hasty = client.with_call_options(CallOptions::default().timeout(Duration::from_millis(50)))?;
    /// match hasty.count("").await {
    ///     Err(error) if error.is_timeout() => println!("the server is slow"),
    ///     other => println!("{:?}", other?.count),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Rpc(rpc) if rpc.is_timeout())
    }

    /// Whether this is an [`Error::OutcomeUnknown`]: the request may have taken effect.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
    /// match handle.signal("approve").await {
    ///     // Signalling again with the same request id is safe: see the retry docs.
    ///     Err(error) if error.is_outcome_unknown() => eprintln!("may have been delivered: {error}"),
    ///     other => other?,
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Self::OutcomeUnknown(_))
    }
}

/// A gRPC call that failed: its status code, message and decoded details.
///
/// Cheap to move: one pointer.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{Code, Error};
///
/// # async fn example(client: temporal_client::Client) {
/// if let Err(Error::Rpc(rpc)) = client.count("NotAnAttribute = 1").await {
///     assert_eq!(rpc.code(), Code::InvalidArgument);
///     eprintln!("refused: {}", rpc.message());
/// }
/// # }
/// ```
pub struct RpcError(Box<RpcErrorInner>);

struct RpcErrorInner {
    status: tonic::Status,
    detail: Option<ErrorDetail>,
}

/// The Temporal error details a failed call may carry, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum ErrorDetail {
    AlreadyStarted { run_id: String },
    NamespaceNotFound,
    QueryFailed,
}

impl RpcError {
    pub(crate) fn new(status: tonic::Status) -> Self {
        let detail = decode_detail(status.details());
        Self(Box::new(RpcErrorInner { status, detail }))
    }

    /// Wraps the status of a call made through a raw service client (such as
    /// [`Connection::raw_test_service`](crate::Connection::raw_test_service)), to return it as
    /// an [`Error`]. An escape hatch: its type follows the version of `tonic` this crate
    /// depends on, and may change with it.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{Code, Error, RpcError};
    ///
    /// let status = tonic::Status::unimplemented("no TestService here");
    /// let error = Error::from(RpcError::from_raw_status(status));
    /// assert!(matches!(&error, Error::Rpc(rpc) if rpc.code() == Code::Unimplemented));
    /// ```
    pub fn from_raw_status(status: tonic::Status) -> Self {
        Self::new(status)
    }

    /// The gRPC status code.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{Code, Error};
    ///
    /// # async fn example(client: temporal_client::Client) {
    /// if let Err(Error::Rpc(rpc)) = client.count("NotAnAttribute = 1").await {
    ///     if rpc.code() == Code::InvalidArgument {
    ///         eprintln!("malformed query");
    ///     }
    /// }
    /// # }
    /// ```
    pub fn code(&self) -> Code {
        Code::from_tonic(self.0.status.code())
    }

    /// The server's message.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::Error;
    ///
    /// # async fn example(client: temporal_client::Client) {
    /// if let Err(Error::Rpc(rpc)) = client.count("NotAnAttribute = 1").await {
    ///     eprintln!("the server said: {}", rpc.message());
    /// }
    /// # }
    /// ```
    pub fn message(&self) -> &str {
        self.0.status.message()
    }

    /// Whether the same call may succeed if made again (the failures the client retries).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::Error;
    ///
    /// # async fn example(client: temporal_client::Client) {
    /// if let Err(Error::Rpc(rpc)) = client.count("").await {
    ///     if rpc.is_retryable() {
    ///         eprintln!("transient failure, try again later: {rpc}");
    ///     }
    /// }
    /// # }
    /// ```
    pub fn is_retryable(&self) -> bool {
        crate::retry::is_retryable(&self.0.status)
    }

    /// Whether the call's deadline passed before the server answered: the server said so
    /// (`DEADLINE_EXCEEDED`), or the client gave up waiting (the transport reports that as
    /// `CANCELLED` caused by an expired timeout).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::Error;
    ///
    /// # async fn example(client: temporal_client::Client) {
    /// if let Err(Error::Rpc(rpc)) = client.count("").await {
    ///     if rpc.is_timeout() {
    ///         eprintln!("no answer in time");
    ///     }
    /// }
    /// # }
    /// ```
    pub fn is_timeout(&self) -> bool {
        self.code() == Code::DeadlineExceeded || crate::retry::is_deadline_expired(&self.0.status)
    }

    /// Whether the request may have reached the server with its outcome unknown: the
    /// connection was lost during an attempt and the retries failed too. See
    /// [`Error::OutcomeUnknown`].
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::RpcError;
    ///
    /// let refused = RpcError::from_raw_status(tonic::Status::unavailable("connection refused"));
    /// assert!(!refused.is_outcome_unknown());
    /// ```
    pub fn is_outcome_unknown(&self) -> bool {
        crate::retry::OutcomeUnknown::is_in(&self.0.status)
    }

    /// The `google.rpc.Status` details the server sent, undecoded.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::Error;
    ///
    /// # async fn example(client: temporal_client::Client) {
    /// if let Err(Error::Rpc(rpc)) = client.count("").await {
    ///     println!("{} bytes of details", rpc.details().len());
    /// }
    /// # }
    /// ```
    pub fn details(&self) -> &[u8] {
        self.0.status.details()
    }

    /// The underlying tonic status (with its metadata), as an escape hatch: its type follows
    /// the version of `tonic` this crate depends on, and may change with it.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::Error;
    ///
    /// # async fn example(client: temporal_client::Client) {
    /// if let Err(Error::Rpc(rpc)) = client.count("").await {
    ///     println!("metadata: {:?}", rpc.raw_status().metadata());
    /// }
    /// # }
    /// ```
    pub fn raw_status(&self) -> &tonic::Status {
        &self.0.status
    }

    pub(crate) fn detail(&self) -> Option<&ErrorDetail> {
        self.0.detail.as_ref()
    }
}

fn decode_detail(details: &[u8]) -> Option<ErrorDetail> {
    if details.is_empty() {
        return None;
    }
    let status = RpcStatus::decode(details).ok()?;
    let any = status.details.first()?;
    let name = any.type_url.rsplit('/').next()?;
    let value = any.value.as_slice();
    match name {
        "temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure" => {
            let failure = WorkflowExecutionAlreadyStartedFailure::decode(value).ok()?;
            Some(ErrorDetail::AlreadyStarted {
                run_id: failure.run_id,
            })
        }
        "temporal.api.errordetails.v1.NamespaceNotFoundFailure" => {
            NamespaceNotFoundFailure::decode(value).ok()?;
            Some(ErrorDetail::NamespaceNotFound)
        }
        "temporal.api.errordetails.v1.QueryFailedFailure" => {
            QueryFailedFailure::decode(value).ok()?;
            Some(ErrorDetail::QueryFailed)
        }
        _ => None,
    }
}

impl fmt::Debug for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("RpcError");
        debug
            .field("code", &self.code())
            .field("message", &self.message());
        if let Some(detail) = &self.0.detail {
            debug.field("detail", detail);
        }
        debug.finish()
    }
}

impl fmt::Display for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rpc failed with {:?}", self.code())?;
        if !self.message().is_empty() {
            write!(f, ": {}", self.message())?;
        }
        Ok(())
    }
}

impl std::error::Error for RpcError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.0.status)
    }
}

/// Why a [`Connection`](crate::Connection) could not be made.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{ConnectError, Connection, ConnectionOptions};
///
/// # async fn example() {
/// match Connection::connect(ConnectionOptions::new("localhost:7233")).await {
///     Ok(connection) => println!("connected to {}", connection.address()),
///     Err(ConnectError::Transport { address, .. }) => eprintln!("cannot reach {address}"),
///     Err(other) => eprintln!("{other}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// The options are inconsistent or malformed; nothing was attempted.
    #[error("invalid connection option {option}: {reason}")]
    InvalidOption {
        /// The option, such as `address`.
        option: &'static str,
        /// What is wrong and what is accepted.
        reason: String,
    },
    /// The server could not be reached, or the TLS handshake failed.
    #[error("cannot connect to {address}")]
    Transport {
        /// The address that was dialled, without any `user:password@` part.
        address: String,
        /// The transport's error (the TCP, TLS or HTTP/2 failure).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The connection (TCP, TLS and the server's first answer) was not made within the
    /// connect timeout: the server is unreachable, stalls, or does not speak gRPC.
    #[error("no connection to {address} within the connect timeout of {timeout:?}")]
    TimedOut {
        /// The address that was dialled, without any `user:password@` part.
        address: String,
        /// The connect timeout.
        timeout: std::time::Duration,
    },
    /// A `TEMPORAL_*` environment variable or a configuration profile is malformed
    /// ([`ConnectionOptions::from_env`](crate::ConnectionOptions::from_env)); the error names
    /// the variable, or the file, profile and key.
    #[error(transparent)]
    Config(Box<crate::envconfig::ConfigError>),
    /// The HTTP CONNECT proxy did not open a tunnel to the server: it could not be reached,
    /// refused the CONNECT (`status` keeps its HTTP status: 407 asks for credentials), hung
    /// up, or did not answer within the connect timeout.
    #[error("the HTTP CONNECT proxy {proxy} did not open a tunnel to {address}: {reason}")]
    Proxy {
        /// The proxy, `host:port`, without its credentials.
        proxy: String,
        /// The server address that was asked for, without any `user:password@` part.
        address: String,
        /// The proxy's HTTP status, when it answered with one.
        status: Option<u16>,
        /// What happened.
        reason: String,
    },
    /// The server answered, but not as a Temporal frontend.
    #[error("the server at {address} did not answer GetSystemInfo")]
    Handshake {
        /// The address that was dialled, without any `user:password@` part.
        address: String,
        /// The failed call.
        #[source]
        source: RpcError,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status_with_detail<M: prost::Name>(code: tonic::Code, message: M) -> tonic::Status {
        let details = RpcStatus {
            code: code as i32,
            message: "details".to_owned(),
            details: vec![temporal_proto::google::protobuf::Any {
                type_url: M::type_url(),
                value: message.encode_to_vec(),
            }],
        };
        tonic::Status::with_details(code, "boom", details.encode_to_vec().into())
    }

    #[test]
    fn error_types_are_small_and_thread_safe() {
        fn assert_traits<T: Send + Sync + 'static>() {}
        assert_traits::<Error>();
        assert_traits::<RpcError>();
        assert_traits::<ConnectError>();
        assert_eq!(
            std::mem::size_of::<RpcError>(),
            std::mem::size_of::<usize>()
        );
        assert!(
            std::mem::size_of::<Error>() <= 56,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn already_started_detail_becomes_its_variant() {
        let status = status_with_detail(
            tonic::Code::AlreadyExists,
            WorkflowExecutionAlreadyStartedFailure {
                start_request_id: "r".to_owned(),
                run_id: "run-1".to_owned(),
                ..Default::default()
            },
        );
        match Error::from_status(status, "wf", "default") {
            Error::AlreadyStarted {
                workflow_id,
                run_id,
            } => {
                assert_eq!(workflow_id, "wf");
                assert_eq!(run_id, "run-1");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn namespace_not_found_and_plain_not_found_are_told_apart() {
        let status = status_with_detail(
            tonic::Code::NotFound,
            NamespaceNotFoundFailure {
                namespace: "nope".to_owned(),
            },
        );
        assert!(matches!(
            Error::from_status(status, "wf", "nope"),
            Error::NamespaceNotFound { namespace } if namespace == "nope"
        ));
        let plain = tonic::Status::not_found("workflow execution not found");
        let err = Error::from_status(plain.clone(), "wf", "default");
        assert!(err.is_not_found());
        assert_eq!(
            err.to_string(),
            "workflow `wf` not found: workflow execution not found"
        );
        let pinned = Error::from_status(plain.clone(), "wf", "default").for_run("run-7");
        assert_eq!(
            pinned.to_string(),
            "workflow `wf` (run run-7) not found: workflow execution not found"
        );
        assert!(
            matches!(&pinned, Error::NotFound(missing) if missing.run_id.as_deref() == Some("run-7"))
        );
        let latest = Error::from_status(plain.clone(), "wf", "default").for_run("");
        assert!(matches!(&latest, Error::NotFound(missing) if missing.run_id.is_none()));
        let activity = Error::from_status(plain, "", "default");
        assert_eq!(
            activity.to_string(),
            "not found: workflow execution not found"
        );
    }

    #[test]
    fn other_statuses_stay_rpc_errors_with_their_code() {
        let err = Error::from_status(tonic::Status::unavailable("down"), "wf", "default");
        let Error::Rpc(rpc) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(rpc.code(), Code::Unavailable);
        assert!(rpc.is_retryable());
        assert_eq!(err.to_string(), "rpc failed with Unavailable: down");
        let late = Error::from_status(tonic::Status::deadline_exceeded("late"), "wf", "default");
        assert!(late.is_timeout());
    }

    async fn failed(proto: temporal_proto::api::failure::v1::Failure) -> WorkflowFailed {
        let failure = Failure::decode(proto, &crate::DataConverter::default())
            .await
            .expect("decodes");
        WorkflowFailed {
            workflow_id: "order-1".to_owned(),
            run_id: "run-1".to_owned(),
            failure,
            retry_state: Some(RetryState::NonRetryableFailure),
        }
    }

    #[tokio::test]
    async fn a_workflow_failure_reaches_error_reporters_through_source() {
        let proto = temporal_proto::api::failure::v1::Failure {
            message: "card declined".to_owned(),
            cause: Some(Box::new(temporal_proto::api::failure::v1::Failure {
                message: "insufficient funds".to_owned(),
                ..Default::default()
            })),
            ..Default::default()
        };
        let error = Error::WorkflowFailed(Box::new(failed(proto).await));
        let mut chain = vec![error.to_string()];
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            chain.push(cause.to_string());
            source = cause.source();
        }
        assert_eq!(
            chain,
            [
                "workflow `order-1` (run run-1) failed: insufficient funds",
                "failure: card declined",
                "failure: insufficient funds"
            ]
        );
    }

    #[tokio::test]
    async fn a_workflow_failure_says_how_it_closed_without_matching_the_chain() {
        use temporal_proto::api::failure::v1::Failure as Proto;
        use temporal_proto::api::failure::v1::{
            ActivityFailureInfo, ApplicationFailureInfo, CanceledFailureInfo,
            TerminatedFailureInfo, TimeoutFailureInfo, failure::FailureInfo,
        };
        let with_info = |message: &str, info: FailureInfo| Proto {
            message: message.to_owned(),
            failure_info: Some(info),
            ..Default::default()
        };
        let application = |message: &str, type_name: &str| {
            with_info(
                message,
                FailureInfo::ApplicationFailureInfo(ApplicationFailureInfo {
                    r#type: type_name.to_owned(),
                    ..Default::default()
                }),
            )
        };

        let cancelled = failed(with_info(
            "",
            FailureInfo::CanceledFailureInfo(CanceledFailureInfo::default()),
        ))
        .await;
        assert_eq!(cancelled.outcome(), WorkflowOutcome::Cancelled);
        assert!(cancelled.is_cancelled() && !cancelled.is_terminated());
        assert_eq!(cancelled.application_failure_type(), None);
        assert_eq!(
            cancelled.to_string(),
            "workflow `order-1` (run run-1) was cancelled"
        );

        let terminated = failed(with_info(
            "operator: stuck",
            FailureInfo::TerminatedFailureInfo(TerminatedFailureInfo::default()),
        ))
        .await;
        assert!(terminated.is_terminated());
        assert_eq!(
            terminated.to_string(),
            "workflow `order-1` (run run-1) was terminated: operator: stuck"
        );

        let timed_out = failed(with_info(
            "",
            FailureInfo::TimeoutFailureInfo(TimeoutFailureInfo::default()),
        ))
        .await;
        assert!(timed_out.is_timed_out());
        assert_eq!(
            timed_out.to_string(),
            "workflow `order-1` (run run-1) timed out"
        );

        // The workflow let an activity's failure through: the activity's type is the answer.
        let mut through_activity = with_info(
            "activity failed",
            FailureInfo::ActivityFailureInfo(ActivityFailureInfo::default()),
        );
        through_activity.cause = Some(Box::new(application("no stock for sku-1", "OutOfStock")));
        let failed_activity = failed(through_activity).await;
        assert_eq!(failed_activity.outcome(), WorkflowOutcome::Failed);
        assert!(!failed_activity.is_cancelled() && !failed_activity.is_timed_out());
        assert_eq!(
            failed_activity.application_failure_type(),
            Some("OutOfStock")
        );
        assert_eq!(
            failed_activity.to_string(),
            "workflow `order-1` (run run-1) failed: no stock for sku-1"
        );

        // The workflow raised its own error, caused by another: the outermost type wins.
        let mut raised = application("order rejected", "OrderRejected");
        raised.cause = Some(Box::new(application("boom", "ValueError")));
        assert_eq!(
            failed(raised).await.application_failure_type(),
            Some("OrderRejected")
        );
    }

    #[test]
    fn connect_errors_convert_for_question_mark() {
        fn connect_then_call() -> Result<(), Error> {
            Err(ConnectError::InvalidOption {
                option: "address",
                reason: "empty".to_owned(),
            })?;
            Ok(())
        }
        let error = connect_then_call().unwrap_err();
        assert!(
            matches!(&error, Error::Connect(connect) if matches!(**connect, ConnectError::InvalidOption { option: "address", .. }))
        );
        assert_eq!(
            error.to_string(),
            "invalid connection option address: empty"
        );
    }

    #[test]
    fn garbage_details_are_ignored() {
        let status =
            tonic::Status::with_details(tonic::Code::AlreadyExists, "x", vec![0xff, 0x01].into());
        assert!(matches!(
            Error::from_status(status, "wf", "ns"),
            Error::Rpc(_)
        ));
    }
}
