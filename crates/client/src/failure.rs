//! [`Failure`]: why a workflow, activity or child workflow did not complete, decoded from the
//! `temporal.api.failure.v1.Failure` chain that every SDK writes.

use std::fmt;
use std::time::Duration;

use temporal_proto::api::common::v1::{Payload as ProtoPayload, Payloads};
use temporal_proto::api::enums::v1::{
    RetryState as ProtoRetryState, TimeoutType as ProtoTimeoutType,
};
use temporal_proto::api::failure::v1::Failure as ProtoFailure;
use temporal_proto::api::failure::v1::failure::FailureInfo;

use crate::converter::{CodecError, DataConverter, Payload, from_raw_payloads, into_raw_payloads};
use crate::encoded::EncodedValues;

/// A failure with its cause chain: `Display` gives this link,
/// [`source`](std::error::Error::source) the next, so error reporters print the whole chain.
///
/// # Examples
///
/// ```
/// use temporal_client::{Failure, FailureKind};
///
/// fn describe(failure: &Failure) -> String {
///     match failure.kind() {
///         FailureKind::Application(app) if app.non_retryable => {
///             format!("gave up: {} ({})", failure.message(), app.type_name)
///         }
///         FailureKind::Timeout { .. } => "timed out".to_owned(),
///         _ => failure.to_string(),
///     }
/// }
/// # let _ = describe;
/// ```
#[derive(Debug, Clone)]
pub struct Failure {
    message: String,
    origin: String,
    stack_trace: String,
    kind: FailureKind,
    cause: Option<Box<Failure>>,
}

/// What kind of failure a [`Failure`] is, with the facts of that kind.
///
/// # Examples
///
/// ```
/// use temporal_client::{Failure, FailureKind};
///
/// fn why(failure: &Failure) -> &'static str {
///     match failure.root_cause().kind() {
///         FailureKind::Application(_) => "the code raised",
///         FailureKind::Cancelled { .. } => "cancelled",
///         FailureKind::Terminated { .. } => "terminated",
///         FailureKind::Timeout { .. } => "timed out",
///         _ => "other",
///     }
/// }
/// # let _ = why;
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum FailureKind {
    /// Raised by workflow or activity code: an application error.
    Application(ApplicationFailure),
    /// The workflow or activity was cancelled.
    Cancelled {
        /// Details given with the cancellation.
        details: EncodedValues,
        /// Who cancelled it.
        identity: String,
    },
    /// The workflow was terminated; the message is the reason.
    Terminated {
        /// Who terminated it.
        identity: String,
    },
    /// A timeout fired.
    Timeout {
        /// Which timeout; `None` when the failure does not say (or names one this client
        /// does not know).
        timeout_type: Option<TimeoutType>,
        /// The details of the last heartbeat, for activity timeouts.
        last_heartbeat_details: EncodedValues,
    },
    /// The server failed the execution.
    Server {
        /// Whether retrying cannot help.
        non_retryable: bool,
    },
    /// The workflow was reset.
    ResetWorkflow {
        /// The details of the last heartbeat.
        last_heartbeat_details: EncodedValues,
    },
    /// An activity failed; the cause says how.
    Activity {
        /// The activity's type.
        activity_type: String,
        /// The activity's id.
        activity_id: String,
        /// Whether the server would retry it, and why not; `None` when the failure does not
        /// say.
        retry_state: Option<RetryState>,
        /// The worker that ran it.
        identity: String,
    },
    /// A child workflow failed; the cause says how.
    ChildWorkflow {
        /// The child's namespace.
        namespace: String,
        /// The child's workflow id.
        workflow_id: String,
        /// The child's run id.
        run_id: String,
        /// The child's workflow type.
        workflow_type: String,
        /// Whether the server would retry it, and why not; `None` when the failure does not
        /// say.
        retry_state: Option<RetryState>,
    },
    /// A Nexus operation failed; the cause says how.
    NexusOperation {
        /// The Nexus endpoint.
        endpoint: String,
        /// The Nexus service.
        service: String,
        /// The operation.
        operation: String,
        /// The operation's token.
        operation_token: String,
    },
    /// A Nexus handler failed.
    NexusHandler {
        /// The handler error type.
        error_type: String,
    },
    /// A failure without kind information (or of a kind this client does not know yet).
    Unknown,
}

/// The facts of an application failure.
///
/// # Examples
///
/// ```
/// use temporal_client::{Failure, FailureKind};
///
/// fn out_of_stock_sku(failure: &Failure) -> Option<String> {
///     match failure.root_cause().kind() {
///         FailureKind::Application(app) if app.type_name == "OutOfStock" => app.details.get(0).ok(),
///         _ => None,
///     }
/// }
/// # let _ = out_of_stock_sku;
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApplicationFailure {
    /// The error type the code gave, such as `ValueError` or `OrderNotFound`.
    pub type_name: String,
    /// Whether the code asked not to be retried.
    pub non_retryable: bool,
    /// Values attached to the failure; decode them with [`EncodedValues::get`].
    pub details: EncodedValues,
    /// The delay the code asked for before the next retry.
    pub next_retry_delay: Option<Duration>,
}

impl Failure {
    /// The failure's message: for an application failure, what the code raised.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(failure: &temporal_client::Failure) {
    /// eprintln!("failed: {}", failure.message());
    /// # }
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The SDK that wrote the failure, such as `PythonSDK` or `TypeScriptSDK`; empty for the
    /// server's.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(failure: &temporal_client::Failure) {
    /// if failure.origin().is_empty() {
    ///     eprintln!("the server failed it");
    /// } else {
    ///     eprintln!("raised in the {}", failure.origin());
    /// }
    /// # }
    /// ```
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The stack trace the SDK recorded, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(failure: &temporal_client::Failure) {
    /// if !failure.stack_trace().is_empty() {
    ///     eprintln!("{}", failure.stack_trace());
    /// }
    /// # }
    /// ```
    pub fn stack_trace(&self) -> &str {
        &self.stack_trace
    }

    /// What kind of failure this is.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::FailureKind;
    ///
    /// # fn example(failure: &temporal_client::Failure) {
    /// let retryable = !matches!(failure.kind(), FailureKind::Application(app) if app.non_retryable);
    /// # let _ = retryable;
    /// # }
    /// ```
    pub fn kind(&self) -> &FailureKind {
        &self.kind
    }

    /// The failure that caused this one.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(failure: &temporal_client::Failure) {
    /// if let Some(cause) = failure.cause() {
    ///     eprintln!("caused by: {cause}");
    /// }
    /// # }
    /// ```
    pub fn cause(&self) -> Option<&Failure> {
        self.cause.as_deref()
    }

    /// This failure and its causes, outermost first.
    ///
    /// # Examples
    ///
    /// ```
    /// # fn example(failure: &temporal_client::Failure) {
    /// for (depth, link) in failure.chain().enumerate() {
    ///     eprintln!("{:indent$}{}", "", link.message(), indent = depth * 2);
    /// }
    /// # }
    /// ```
    pub fn chain(&self) -> impl Iterator<Item = &Failure> {
        std::iter::successors(Some(self), |failure| failure.cause())
    }

    /// The innermost cause: for a workflow that failed because an activity raised, the
    /// activity's application failure.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::Error;
    ///
    /// # async fn example(handle: temporal_client::WorkflowHandle) {
    /// if let Err(Error::WorkflowFailed(failed)) = handle.result::<String>().await {
    ///     eprintln!("root cause: {}", failed.failure.root_cause().message());
    /// }
    /// # }
    /// ```
    pub fn root_cause(&self) -> &Failure {
        self.chain().last().unwrap_or(self)
    }

    /// An application failure, as activity or workflow code raises one: what an activity
    /// completed asynchronously reports with
    /// [`AsyncActivityHandle::fail`](crate::AsyncActivityHandle::fail). Retryable, without
    /// details or cause, until the builder methods say otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{Failure, FailureKind};
    ///
    /// let failure = Failure::application("card declined", "CardDeclined").non_retryable();
    /// assert_eq!(failure.to_string(), "application failure CardDeclined: card declined");
    /// assert!(matches!(failure.kind(), FailureKind::Application(app) if app.non_retryable));
    /// ```
    pub fn application(message: impl Into<String>, type_name: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            origin: String::new(),
            stack_trace: String::new(),
            kind: FailureKind::Application(ApplicationFailure {
                type_name: type_name.into(),
                non_retryable: false,
                details: EncodedValues::default(),
                next_retry_delay: None,
            }),
            cause: None,
        }
    }

    /// Marks an application failure as one that retrying cannot fix: the server does not
    /// retry it. Does nothing to failures of other kinds.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Failure;
    ///
    /// let failure = Failure::application("no such customer", "CustomerNotFound").non_retryable();
    /// # let _ = failure;
    /// ```
    #[must_use]
    pub fn non_retryable(mut self) -> Self {
        if let FailureKind::Application(app) = &mut self.kind {
            app.non_retryable = true;
        }
        self
    }

    /// Attaches values to an application failure, for whoever handles it to decode with
    /// [`EncodedValues::get`]. Does nothing to failures of other kinds.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{DataConverter, EncodedValues, Failure, FailureKind};
    ///
    /// let converter = DataConverter::default();
    /// let details = EncodedValues::new(converter.to_payloads(&("sku-1", 2))?, converter);
    /// let failure = Failure::application("out of stock", "OutOfStock").with_details(details);
    /// let FailureKind::Application(app) = failure.kind() else { unreachable!() };
    /// assert_eq!(app.details.get::<String>(0)?, "sku-1");
    /// # Ok::<(), temporal_client::ConversionError>(())
    /// ```
    #[must_use]
    pub fn with_details(mut self, details: EncodedValues) -> Self {
        if let FailureKind::Application(app) = &mut self.kind {
            app.details = details;
        }
        self
    }

    /// Sets the failure that caused this one.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Failure;
    ///
    /// let failure = Failure::application("payment failed", "PaymentFailed")
    ///     .with_cause(Failure::application("connection reset", "IOError"));
    /// assert_eq!(failure.root_cause().message(), "connection reset");
    /// ```
    #[must_use]
    pub fn with_cause(mut self, cause: Failure) -> Self {
        self.cause = Some(Box::new(cause));
        self
    }

    /// Encodes the chain as a `temporal.api.failure.v1.Failure`, running the converter's
    /// codec on every payload it holds: the inverse of [`decode`](Failure::decode).
    pub(crate) async fn encode(
        &self,
        converter: &DataConverter,
    ) -> Result<ProtoFailure, CodecError> {
        // Encoded innermost last, then linked innermost first: no recursion for a deep chain.
        let mut links = Vec::new();
        for link in self.chain() {
            links.push(link.encode_link(converter).await?);
        }
        let mut proto: Option<ProtoFailure> = None;
        while let Some(mut link) = links.pop() {
            link.cause = proto.map(Box::new);
            proto = Some(link);
        }
        Ok(proto.unwrap_or_default())
    }

    async fn encode_link(&self, converter: &DataConverter) -> Result<ProtoFailure, CodecError> {
        use temporal_proto::api::common::v1::{ActivityType, WorkflowExecution, WorkflowType};
        use temporal_proto::api::failure::v1::{
            ActivityFailureInfo, ApplicationFailureInfo, CanceledFailureInfo,
            ChildWorkflowExecutionFailureInfo, NexusHandlerFailureInfo, NexusOperationFailureInfo,
            ResetWorkflowFailureInfo, ServerFailureInfo, TerminatedFailureInfo, TimeoutFailureInfo,
        };
        let payloads = |values: &EncodedValues| {
            let values = values.payloads().to_vec();
            async move {
                if values.is_empty() {
                    return Ok::<_, CodecError>(None);
                }
                Ok(Some(Payloads {
                    payloads: into_raw_payloads(converter.encode(values).await?),
                }))
            }
        };
        let failure_info = match &self.kind {
            FailureKind::Unknown => None,
            FailureKind::Application(app) => Some(FailureInfo::ApplicationFailureInfo(
                ApplicationFailureInfo {
                    r#type: app.type_name.clone(),
                    non_retryable: app.non_retryable,
                    details: payloads(&app.details).await?,
                    next_retry_delay: app
                        .next_retry_delay
                        .and_then(|d| temporal_proto::google::protobuf::Duration::try_from(d).ok()),
                    ..Default::default()
                },
            )),
            FailureKind::Cancelled { details, identity } => {
                Some(FailureInfo::CanceledFailureInfo(CanceledFailureInfo {
                    details: payloads(details).await?,
                    identity: identity.clone(),
                }))
            }
            FailureKind::Terminated { identity } => {
                Some(FailureInfo::TerminatedFailureInfo(TerminatedFailureInfo {
                    identity: identity.clone(),
                }))
            }
            FailureKind::Timeout {
                timeout_type,
                last_heartbeat_details,
            } => Some(FailureInfo::TimeoutFailureInfo(TimeoutFailureInfo {
                timeout_type: timeout_type.map_or(0, |t| t.to_proto() as i32),
                last_heartbeat_details: payloads(last_heartbeat_details).await?,
            })),
            FailureKind::Server { non_retryable } => {
                Some(FailureInfo::ServerFailureInfo(ServerFailureInfo {
                    non_retryable: *non_retryable,
                }))
            }
            FailureKind::ResetWorkflow {
                last_heartbeat_details,
            } => Some(FailureInfo::ResetWorkflowFailureInfo(
                ResetWorkflowFailureInfo {
                    last_heartbeat_details: payloads(last_heartbeat_details).await?,
                },
            )),
            FailureKind::Activity {
                activity_type,
                activity_id,
                retry_state,
                identity,
            } => Some(FailureInfo::ActivityFailureInfo(ActivityFailureInfo {
                activity_type: Some(ActivityType {
                    name: activity_type.clone(),
                }),
                activity_id: activity_id.clone(),
                retry_state: retry_state.map_or(0, |r| r.to_proto() as i32),
                identity: identity.clone(),
                ..Default::default()
            })),
            FailureKind::ChildWorkflow {
                namespace,
                workflow_id,
                run_id,
                workflow_type,
                retry_state,
            } => Some(FailureInfo::ChildWorkflowExecutionFailureInfo(
                ChildWorkflowExecutionFailureInfo {
                    namespace: namespace.clone(),
                    workflow_execution: Some(WorkflowExecution {
                        workflow_id: workflow_id.clone(),
                        run_id: run_id.clone(),
                    }),
                    workflow_type: Some(WorkflowType {
                        name: workflow_type.clone(),
                    }),
                    retry_state: retry_state.map_or(0, |r| r.to_proto() as i32),
                    ..Default::default()
                },
            )),
            FailureKind::NexusOperation {
                endpoint,
                service,
                operation,
                operation_token,
            } => Some(FailureInfo::NexusOperationExecutionFailureInfo(
                NexusOperationFailureInfo {
                    endpoint: endpoint.clone(),
                    service: service.clone(),
                    operation: operation.clone(),
                    operation_token: operation_token.clone(),
                    ..Default::default()
                },
            )),
            FailureKind::NexusHandler { error_type } => Some(FailureInfo::NexusHandlerFailureInfo(
                NexusHandlerFailureInfo {
                    r#type: error_type.clone(),
                    ..Default::default()
                },
            )),
        };
        Ok(ProtoFailure {
            message: self.message.clone(),
            source: self.origin.clone(),
            stack_trace: self.stack_trace.clone(),
            failure_info,
            ..Default::default()
        })
    }

    /// Decodes a `temporal.api.failure.v1.Failure` chain that a raw call returned (a history
    /// event read through [`Client::raw_workflow_service`](crate::Client::raw_workflow_service), for
    /// instance) as [`WorkflowHandle::result`](crate::WorkflowHandle::result) decodes one: the
    /// converter's codec runs on every payload, and a message and stack trace that an SDK
    /// encoded are restored.
    ///
    /// # Errors
    ///
    /// [`CodecError`] when the codec fails on a payload.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::proto::api::failure::v1::Failure as ProtoFailure;
    /// use temporal_client::{DataConverter, Failure};
    ///
    /// # async fn example() -> Result<(), temporal_client::CodecError> {
    /// let proto = ProtoFailure {
    ///     message: "card declined".to_owned(),
    ///     ..Default::default()
    /// };
    /// let failure = Failure::from_raw_proto(proto, &DataConverter::default()).await?;
    /// assert_eq!(failure.message(), "card declined");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn from_raw_proto(
        proto: ProtoFailure,
        converter: &DataConverter,
    ) -> Result<Self, CodecError> {
        Self::decode(proto, converter).await
    }

    /// Decodes a failure chain: runs the codec on every payload it holds (details and encoded
    /// attributes), and restores a message and stack trace that an SDK encoded.
    pub(crate) async fn decode(
        proto: ProtoFailure,
        converter: &DataConverter,
    ) -> Result<Self, CodecError> {
        // The chain is decoded outermost first, then linked innermost first, so that a deep
        // chain needs no recursion.
        let mut links = Vec::new();
        let mut next = Some(proto);
        while let Some(mut link) = next {
            next = link.cause.take().map(|cause| *cause);
            links.push(Self::decode_link(link, converter).await?);
        }
        let mut failure = None;
        while let Some(mut link) = links.pop() {
            link.cause = failure.map(Box::new);
            failure = Some(link);
        }
        Ok(failure.unwrap_or_else(|| Self::plain("empty failure")))
    }

    async fn decode_link(
        proto: ProtoFailure,
        converter: &DataConverter,
    ) -> Result<Self, CodecError> {
        let mut failure = Self {
            message: proto.message,
            origin: proto.source,
            stack_trace: proto.stack_trace,
            kind: FailureKind::Unknown,
            cause: None,
        };
        if let Some(attributes) = proto.encoded_attributes {
            failure
                .restore_encoded_attributes(attributes, converter)
                .await?;
        }
        let values = |payloads: Option<Payloads>| async move {
            let payloads = from_raw_payloads(payloads.map(|p| p.payloads).unwrap_or_default());
            Ok::<_, CodecError>(EncodedValues::new(
                converter.decode(payloads).await?,
                converter.clone(),
            ))
        };
        failure.kind = match proto.failure_info {
            None => FailureKind::Unknown,
            Some(FailureInfo::ApplicationFailureInfo(info)) => {
                FailureKind::Application(ApplicationFailure {
                    type_name: info.r#type,
                    non_retryable: info.non_retryable,
                    details: values(info.details).await?,
                    next_retry_delay: info
                        .next_retry_delay
                        .and_then(|d| Duration::try_from(d).ok()),
                })
            }
            Some(FailureInfo::CanceledFailureInfo(info)) => FailureKind::Cancelled {
                details: values(info.details).await?,
                identity: info.identity,
            },
            Some(FailureInfo::TerminatedFailureInfo(info)) => FailureKind::Terminated {
                identity: info.identity,
            },
            Some(FailureInfo::TimeoutFailureInfo(info)) => FailureKind::Timeout {
                timeout_type: TimeoutType::from_proto(info.timeout_type),
                last_heartbeat_details: values(info.last_heartbeat_details).await?,
            },
            Some(FailureInfo::ServerFailureInfo(info)) => FailureKind::Server {
                non_retryable: info.non_retryable,
            },
            Some(FailureInfo::ResetWorkflowFailureInfo(info)) => FailureKind::ResetWorkflow {
                last_heartbeat_details: values(info.last_heartbeat_details).await?,
            },
            Some(FailureInfo::ActivityFailureInfo(info)) => FailureKind::Activity {
                retry_state: RetryState::from_proto(info.retry_state),
                activity_type: info.activity_type.map(|t| t.name).unwrap_or_default(),
                activity_id: info.activity_id,
                identity: info.identity,
            },
            Some(FailureInfo::ChildWorkflowExecutionFailureInfo(info)) => {
                let retry_state = RetryState::from_proto(info.retry_state);
                let execution = info.workflow_execution.unwrap_or_default();
                FailureKind::ChildWorkflow {
                    namespace: info.namespace,
                    workflow_id: execution.workflow_id,
                    run_id: execution.run_id,
                    workflow_type: info.workflow_type.map(|t| t.name).unwrap_or_default(),
                    retry_state,
                }
            }
            Some(FailureInfo::NexusOperationExecutionFailureInfo(info)) => {
                FailureKind::NexusOperation {
                    endpoint: info.endpoint,
                    service: info.service,
                    operation: info.operation,
                    operation_token: info.operation_token,
                }
            }
            Some(FailureInfo::NexusHandlerFailureInfo(info)) => FailureKind::NexusHandler {
                error_type: info.r#type,
            },
        };
        Ok(failure)
    }

    /// SDKs that encode failure attributes (to keep messages and stack traces out of the
    /// server's sight) write `{"message": ..., "stack_trace": ...}` as a payload and put a
    /// placeholder message in the failure.
    async fn restore_encoded_attributes(
        &mut self,
        attributes: ProtoPayload,
        converter: &DataConverter,
    ) -> Result<(), CodecError> {
        #[derive(serde::Deserialize)]
        struct Attributes {
            message: Option<String>,
            stack_trace: Option<String>,
        }
        let decoded = converter
            .decode(vec![Payload::from_raw_proto(attributes)])
            .await?;
        // Attributes that do not decode leave the placeholder: a failure is still a failure.
        if let Some(attributes) = decoded
            .first()
            .and_then(|payload| converter.from_payload::<Attributes>(payload).ok())
        {
            if let Some(message) = attributes.message {
                self.message = message;
            }
            if let Some(stack_trace) = attributes.stack_trace {
                self.stack_trace = stack_trace;
            }
        }
        Ok(())
    }

    fn plain(message: &str) -> Self {
        Self {
            message: message.to_owned(),
            origin: String::new(),
            stack_trace: String::new(),
            kind: FailureKind::Unknown,
            cause: None,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            FailureKind::Application(app) if app.type_name.is_empty() => {
                write!(f, "application failure")?
            }
            FailureKind::Application(app) => write!(f, "application failure {}", app.type_name)?,
            FailureKind::Cancelled { .. } => f.write_str("cancelled")?,
            FailureKind::Terminated { .. } => f.write_str("terminated")?,
            FailureKind::Timeout { timeout_type, .. } => write!(
                f,
                "timed out ({})",
                timeout_type.map_or("unspecified", TimeoutType::name)
            )?,
            FailureKind::Server { .. } => f.write_str("server failure")?,
            FailureKind::ResetWorkflow { .. } => f.write_str("workflow reset")?,
            FailureKind::Activity {
                activity_type,
                activity_id,
                ..
            } => write!(f, "activity {activity_type} (id {activity_id}) failed")?,
            FailureKind::ChildWorkflow {
                workflow_type,
                workflow_id,
                ..
            } => write!(
                f,
                "child workflow {workflow_type} (id {workflow_id}) failed"
            )?,
            FailureKind::NexusOperation {
                service, operation, ..
            } => write!(f, "nexus operation {service}/{operation} failed")?,
            FailureKind::NexusHandler { error_type } => {
                write!(f, "nexus handler failure {error_type}")?
            }
            FailureKind::Unknown => f.write_str("failure")?,
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

/// Which timeout fired: [`FailureKind::Timeout`].
///
/// # Examples
///
/// ```
/// use temporal_client::{Failure, FailureKind, TimeoutType};
///
/// fn heartbeat_missed(failure: &Failure) -> bool {
///     matches!(
///         failure.root_cause().kind(),
///         FailureKind::Timeout { timeout_type: Some(TimeoutType::Heartbeat), .. }
///     )
/// }
/// # let _ = heartbeat_missed;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutType {
    /// One attempt (an activity's, or a workflow run's) took too long.
    StartToClose,
    /// An activity waited too long in its task queue for a worker.
    ScheduleToStart,
    /// An activity, all attempts included, took too long.
    ScheduleToClose,
    /// An activity did not heartbeat in time.
    Heartbeat,
}

impl TimeoutType {
    /// The timeout's name, such as `start-to-close`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(temporal_client::TimeoutType::Heartbeat.name(), "heartbeat");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Self::StartToClose => "start-to-close",
            Self::ScheduleToStart => "schedule-to-start",
            Self::ScheduleToClose => "schedule-to-close",
            Self::Heartbeat => "heartbeat",
        }
    }

    pub(crate) fn from_proto(value: i32) -> Option<Self> {
        Some(match ProtoTimeoutType::try_from(value).ok()? {
            ProtoTimeoutType::Unspecified => return None,
            ProtoTimeoutType::StartToClose => Self::StartToClose,
            ProtoTimeoutType::ScheduleToStart => Self::ScheduleToStart,
            ProtoTimeoutType::ScheduleToClose => Self::ScheduleToClose,
            ProtoTimeoutType::Heartbeat => Self::Heartbeat,
        })
    }

    pub(crate) fn to_proto(self) -> ProtoTimeoutType {
        match self {
            Self::StartToClose => ProtoTimeoutType::StartToClose,
            Self::ScheduleToStart => ProtoTimeoutType::ScheduleToStart,
            Self::ScheduleToClose => ProtoTimeoutType::ScheduleToClose,
            Self::Heartbeat => ProtoTimeoutType::Heartbeat,
        }
    }
}

/// Whether the server would retry a workflow, activity or child workflow that failed, and
/// why not: [`WorkflowFailed::retry_state`](crate::WorkflowFailed::retry_state) and
/// [`FailureKind::Activity`].
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{Error, RetryState};
///
/// # async fn example(handle: temporal_client::WorkflowHandle) {
/// if let Err(Error::WorkflowFailed(failed)) = handle.result::<String>().await {
///     if failed.retry_state == Some(RetryState::MaximumAttemptsReached) {
///         eprintln!("out of attempts");
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryState {
    /// A retry is (or would be) scheduled.
    InProgress,
    /// The failure is non-retryable.
    NonRetryableFailure,
    /// The retry policy's expiration passed.
    Timeout,
    /// The retry policy's maximum attempts were reached.
    MaximumAttemptsReached,
    /// No retry policy is set.
    RetryPolicyNotSet,
    /// The server failed internally.
    InternalServerError,
    /// A cancellation was requested.
    CancelRequested,
}

impl RetryState {
    pub(crate) fn from_proto(value: i32) -> Option<Self> {
        Some(match ProtoRetryState::try_from(value).ok()? {
            ProtoRetryState::Unspecified => return None,
            ProtoRetryState::InProgress => Self::InProgress,
            ProtoRetryState::NonRetryableFailure => Self::NonRetryableFailure,
            ProtoRetryState::Timeout => Self::Timeout,
            ProtoRetryState::MaximumAttemptsReached => Self::MaximumAttemptsReached,
            ProtoRetryState::RetryPolicyNotSet => Self::RetryPolicyNotSet,
            ProtoRetryState::InternalServerError => Self::InternalServerError,
            ProtoRetryState::CancelRequested => Self::CancelRequested,
        })
    }

    pub(crate) fn to_proto(self) -> ProtoRetryState {
        match self {
            Self::InProgress => ProtoRetryState::InProgress,
            Self::NonRetryableFailure => ProtoRetryState::NonRetryableFailure,
            Self::Timeout => ProtoRetryState::Timeout,
            Self::MaximumAttemptsReached => ProtoRetryState::MaximumAttemptsReached,
            Self::RetryPolicyNotSet => ProtoRetryState::RetryPolicyNotSet,
            Self::InternalServerError => ProtoRetryState::InternalServerError,
            Self::CancelRequested => ProtoRetryState::CancelRequested,
        }
    }
}

impl Drop for Failure {
    /// Unlinks the chain iteratively: a hostile or buggy peer's deep chain must not overflow
    /// the stack when it is dropped.
    fn drop(&mut self) {
        let mut next = self.cause.take();
        while let Some(mut link) = next {
            next = link.cause.take();
        }
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|cause| cause as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use temporal_proto::api::common::v1::ActivityType;
    use temporal_proto::api::failure::v1::{
        ActivityFailureInfo, ApplicationFailureInfo, TimeoutFailureInfo,
    };

    use super::*;

    fn json(value: &str) -> ProtoPayload {
        Payload::new("json/plain", value.as_bytes().to_vec()).into_raw_proto()
    }

    fn activity_failure_chain() -> ProtoFailure {
        ProtoFailure {
            message: "activity task failed".to_owned(),
            failure_info: Some(FailureInfo::ActivityFailureInfo(ActivityFailureInfo {
                activity_type: Some(ActivityType {
                    name: "charge".to_owned(),
                }),
                activity_id: "1".to_owned(),
                retry_state: ProtoRetryState::MaximumAttemptsReached as i32,
                ..Default::default()
            })),
            cause: Some(Box::new(ProtoFailure {
                message: "card declined".to_owned(),
                source: "PythonSDK".to_owned(),
                stack_trace: "Traceback...".to_owned(),
                failure_info: Some(FailureInfo::ApplicationFailureInfo(
                    ApplicationFailureInfo {
                        r#type: "CardDeclined".to_owned(),
                        non_retryable: true,
                        details: Some(Payloads {
                            payloads: vec![json(r#"{"code":51}"#), json("\"retry later\"")],
                        }),
                        next_retry_delay: None,
                        category: 0,
                    },
                )),
                ..Default::default()
            })),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn a_chain_decodes_with_kinds_details_and_sources() {
        let failure = Failure::decode(activity_failure_chain(), &DataConverter::default())
            .await
            .expect("decodes");
        assert!(matches!(
            failure.kind(),
            FailureKind::Activity { activity_type, retry_state: Some(RetryState::MaximumAttemptsReached), .. }
                if activity_type == "charge"
        ));
        assert_eq!(
            failure.to_string(),
            "activity charge (id 1) failed: activity task failed"
        );
        let cause = failure.cause().expect("a cause");
        assert_eq!(cause.origin(), "PythonSDK");
        assert_eq!(
            cause.to_string(),
            "application failure CardDeclined: card declined"
        );
        let FailureKind::Application(app) = cause.kind() else {
            panic!("{cause:?}")
        };
        assert!(app.non_retryable);
        #[derive(serde::Deserialize, PartialEq, Debug)]
        struct Decline {
            code: u32,
        }
        assert_eq!(
            app.details.get::<Decline>(0).expect("typed"),
            Decline { code: 51 }
        );
        assert_eq!(app.details.get::<String>(1).expect("typed"), "retry later");
        assert_eq!(failure.root_cause().message(), "card declined");
        assert_eq!(failure.chain().count(), 2);
        let source = std::error::Error::source(&failure).expect("the cause is the source");
        assert_eq!(source.to_string(), cause.to_string());
    }

    #[tokio::test]
    async fn encoded_attributes_restore_message_and_stack_trace() {
        let proto = ProtoFailure {
            message: "Encoded failure".to_owned(),
            encoded_attributes: Some(json(r#"{"message":"real message","stack_trace":"at x"}"#)),
            failure_info: Some(FailureInfo::TimeoutFailureInfo(TimeoutFailureInfo {
                timeout_type: ProtoTimeoutType::StartToClose as i32,
                last_heartbeat_details: None,
            })),
            ..Default::default()
        };
        let failure = Failure::decode(proto, &DataConverter::default())
            .await
            .expect("decodes");
        assert_eq!(failure.message(), "real message");
        assert_eq!(failure.stack_trace(), "at x");
        assert_eq!(
            failure.to_string(),
            "timed out (start-to-close): real message"
        );
    }

    #[tokio::test]
    async fn an_encoded_chain_decodes_to_the_same_failure() {
        let converter = DataConverter::default();
        let details = EncodedValues::new(
            converter.to_payloads(&("sku-1", 2)).expect("converts"),
            converter.clone(),
        );
        let failure = Failure::application("out of stock", "OutOfStock")
            .non_retryable()
            .with_details(details)
            .with_cause(Failure::application("warehouse offline", "IOError"));
        let proto = failure.encode(&converter).await.expect("encodes");
        assert_eq!(
            proto.cause.as_ref().expect("a cause").message,
            "warehouse offline"
        );
        let back = Failure::decode(proto, &converter).await.expect("decodes");
        assert_eq!(back.to_string(), failure.to_string());
        let FailureKind::Application(app) = back.kind() else {
            panic!("{back:?}")
        };
        assert!(app.non_retryable);
        assert_eq!(app.type_name, "OutOfStock");
        assert_eq!(app.details.get::<String>(0).expect("typed"), "sku-1");
        assert_eq!(app.details.get::<i32>(1).expect("typed"), 2);
        assert_eq!(back.root_cause().message(), "warehouse offline");

        let decoded = Failure::decode(activity_failure_chain(), &converter)
            .await
            .expect("decodes");
        let again = Failure::decode(
            decoded.encode(&converter).await.expect("encodes"),
            &converter,
        )
        .await
        .expect("decodes");
        assert_eq!(again.to_string(), decoded.to_string());
        assert_eq!(again.root_cause().origin(), "PythonSDK");
    }

    /// Marks each payload it encodes, and unmarks it when decoding.
    struct MarkingCodec;

    impl crate::converter::PayloadCodec for MarkingCodec {
        fn encode(
            &self,
            payloads: Vec<Payload>,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<Vec<Payload>, CodecError>> + Send + '_>,
        > {
            Box::pin(async move {
                Ok(payloads
                    .into_iter()
                    .map(|mut payload| {
                        payload.insert_metadata("marked", "yes");
                        payload
                    })
                    .collect())
            })
        }

        fn decode(
            &self,
            payloads: Vec<Payload>,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<Vec<Payload>, CodecError>> + Send + '_>,
        > {
            Box::pin(async move {
                payloads
                    .into_iter()
                    .map(|mut payload| match payload.remove_metadata("marked") {
                        Some(_) => Ok(payload),
                        None => Err(CodecError::new(std::io::Error::other("not marked"))),
                    })
                    .collect()
            })
        }
    }

    #[tokio::test]
    async fn failure_details_go_through_the_codec_both_ways() {
        let converter = DataConverter::default().with_codec(MarkingCodec);
        let details = EncodedValues::new(
            converter.to_payloads(&("sku-1",)).expect("converts"),
            converter.clone(),
        );
        let failure = Failure::application("out of stock", "OutOfStock").with_details(details);
        let proto = failure.encode(&converter).await.expect("encodes");
        let Some(FailureInfo::ApplicationFailureInfo(info)) = &proto.failure_info else {
            panic!("{proto:?}")
        };
        let sent = &info.details.as_ref().expect("details").payloads[0];
        assert_eq!(sent.metadata["marked"], b"yes");
        let back = Failure::decode(proto, &converter).await.expect("decodes");
        let FailureKind::Application(app) = back.kind() else {
            panic!("{back:?}")
        };
        assert_eq!(app.details.get::<String>(0).expect("typed"), "sku-1");
    }

    #[tokio::test]
    async fn a_deep_chain_does_not_overflow_the_stack() {
        let mut proto = ProtoFailure {
            message: "root".to_owned(),
            ..Default::default()
        };
        for depth in 0..10_000 {
            proto = ProtoFailure {
                message: format!("level {depth}"),
                cause: Some(Box::new(proto)),
                ..Default::default()
            };
        }
        let failure = Failure::decode(proto, &DataConverter::default())
            .await
            .expect("decodes");
        assert_eq!(failure.chain().count(), 10_001);
        assert_eq!(failure.root_cause().message(), "root");
    }
}
