//! Options of [`Client::start`](crate::Client::start) and friends.

use std::time::Duration;

use temporal_proto::api::common::v1::{Link, RetryPolicy as ProtoRetryPolicy};
use temporal_proto::api::enums::v1::{
    QueryRejectCondition as ProtoQueryRejectCondition,
    WorkflowIdConflictPolicy as ProtoConflictPolicy, WorkflowIdReusePolicy as ProtoReusePolicy,
};
use temporal_proto::api::workflow::v1::VersioningOverride as ProtoVersioningOverride;

use crate::error::Error;
use crate::search_attributes::SearchAttributes;

/// How a workflow execution is started: its id and task queue (required), and the optional
/// settings of the guide's `WorkflowOptions`.
///
/// Values that need the client's data converter (memo, summary) are converted when the
/// workflow is started, so errors surface from `start`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use temporal_client::{StartOptions, WorkflowIdReusePolicy};
///
/// let options = StartOptions::new("order-1234", "orders")
///     .memo("customer", "c-42")
///     .execution_timeout(Duration::from_secs(3600))
///     .id_reuse_policy(WorkflowIdReusePolicy::RejectDuplicate);
/// # let _ = options;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct StartOptions {
    pub(crate) workflow_id: String,
    pub(crate) task_queue: String,
    pub(crate) memo: Vec<(String, Result<serde_json::Value, String>)>,
    pub(crate) search_attributes: Option<SearchAttributes>,
    pub(crate) cron_schedule: Option<String>,
    /// `Unspecified` until set: the server's default.
    pub(crate) id_reuse_policy: ProtoReusePolicy,
    /// `Unspecified` until set: the server's default.
    pub(crate) id_conflict_policy: ProtoConflictPolicy,
    pub(crate) execution_timeout: Option<Duration>,
    pub(crate) run_timeout: Option<Duration>,
    pub(crate) task_timeout: Option<Duration>,
    pub(crate) retry_policy: Option<RetryPolicy>,
    pub(crate) start_delay: Option<Duration>,
    pub(crate) static_summary: Option<String>,
    pub(crate) static_details: Option<String>,
    pub(crate) priority: Option<Priority>,
    pub(crate) request_id: Option<String>,
    pub(crate) versioning_override: Option<VersioningOverride>,
    pub(crate) request_eager_start: bool,
    pub(crate) links: Vec<Link>,
}

/// Whether a workflow id may be used again once its workflow closed:
/// [`StartOptions::id_reuse_policy`]. Unset, the server's default applies (`AllowDuplicate`).
///
/// # Examples
///
/// ```
/// use temporal_client::{StartOptions, WorkflowIdReusePolicy};
///
/// let once_only = StartOptions::new("invoice-7", "billing")
///     .id_reuse_policy(WorkflowIdReusePolicy::RejectDuplicate);
/// # let _ = once_only;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WorkflowIdReusePolicy {
    /// A new run may start whatever way the previous one closed.
    AllowDuplicate,
    /// A new run may start only if the previous one did not complete successfully.
    AllowDuplicateFailedOnly,
    /// The id may not be used again. (The API's deprecated `TERMINATE_IF_RUNNING` is
    /// [`WorkflowIdConflictPolicy::TerminateExisting`] here.)
    RejectDuplicate,
}

impl WorkflowIdReusePolicy {
    pub(crate) fn to_proto(self) -> ProtoReusePolicy {
        match self {
            Self::AllowDuplicate => ProtoReusePolicy::AllowDuplicate,
            Self::AllowDuplicateFailedOnly => ProtoReusePolicy::AllowDuplicateFailedOnly,
            Self::RejectDuplicate => ProtoReusePolicy::RejectDuplicate,
        }
    }
}

/// What a start does when a workflow with its id is running:
/// [`StartOptions::id_conflict_policy`]. Unset, the server's default applies (`Fail`).
///
/// # Examples
///
/// ```
/// use temporal_client::{StartOptions, WorkflowIdConflictPolicy};
///
/// let options = StartOptions::new("order-1234", "orders")
///     .id_conflict_policy(WorkflowIdConflictPolicy::UseExisting);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WorkflowIdConflictPolicy {
    /// The start fails with [`Error::AlreadyStarted`].
    Fail,
    /// The start returns the running workflow.
    UseExisting,
    /// The running workflow is terminated and a new run starts.
    TerminateExisting,
}

impl WorkflowIdConflictPolicy {
    pub(crate) fn to_proto(self) -> ProtoConflictPolicy {
        match self {
            Self::Fail => ProtoConflictPolicy::Fail,
            Self::UseExisting => ProtoConflictPolicy::UseExisting,
            Self::TerminateExisting => ProtoConflictPolicy::TerminateExisting,
        }
    }
}

/// When a query is refused rather than run, by the workflow's state:
/// [`WorkflowHandle::query_with_reject_condition`](crate::WorkflowHandle::query_with_reject_condition).
///
/// # Examples
///
/// ```no_run
/// use temporal_client::QueryRejectCondition;
///
/// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
/// let total: f64 = handle
///     .query_with_reject_condition("total", QueryRejectCondition::NotOpen)
///     .await?;
/// # let _ = total;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum QueryRejectCondition {
    /// Never refused: closed workflows are queried too.
    None,
    /// Refused once the workflow is closed.
    NotOpen,
    /// Refused once the workflow closed other than by completing (failed, cancelled, ...).
    NotCompletedCleanly,
}

impl QueryRejectCondition {
    pub(crate) fn to_proto(self) -> ProtoQueryRejectCondition {
        match self {
            Self::None => ProtoQueryRejectCondition::None,
            Self::NotOpen => ProtoQueryRejectCondition::NotOpen,
            Self::NotCompletedCleanly => ProtoQueryRejectCondition::NotCompletedCleanly,
        }
    }
}

impl StartOptions {
    /// Starts the workflow with this id on this task queue.
    ///
    /// In practice the id is a business id (an order or customer id): it keeps a workflow
    /// unique while it runs, and a handle can be found from it later.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::StartOptions;
    ///
    /// let options = StartOptions::new("order-1234", "orders");
    /// # let _ = options;
    /// ```
    pub fn new(workflow_id: impl Into<String>, task_queue: impl Into<String>) -> Self {
        Self {
            workflow_id: workflow_id.into(),
            task_queue: task_queue.into(),
            memo: Vec::new(),
            search_attributes: None,
            cron_schedule: None,
            id_reuse_policy: ProtoReusePolicy::Unspecified,
            id_conflict_policy: ProtoConflictPolicy::Unspecified,
            execution_timeout: None,
            run_timeout: None,
            task_timeout: None,
            retry_policy: None,
            start_delay: None,
            static_summary: None,
            static_details: None,
            priority: None,
            request_id: None,
            versioning_override: None,
            request_eager_start: false,
            links: Vec::new(),
        }
    }

    /// Annotates the workflow with a value, shown by describe and list; not indexed.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::StartOptions;
    ///
    /// let options = StartOptions::new("order-1234", "orders")
    ///     .memo("customer", "c-42")
    ///     .memo("items", ["sku-1", "sku-2"]);
    /// # let _ = options;
    /// ```
    pub fn memo(mut self, key: impl Into<String>, value: impl serde::Serialize) -> Self {
        let value = serde_json::to_value(value).map_err(|e| e.to_string());
        self.memo.push((key.into(), value));
        self
    }

    /// Indexed attributes that visibility queries can filter on.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{SearchAttributeKey, SearchAttributes, StartOptions};
    ///
    /// let customer = SearchAttributeKey::keyword("CustomerId");
    /// let options = StartOptions::new("order-1234", "orders")
    ///     .search_attributes(SearchAttributes::new().with(&customer, "c-42"));
    /// # let _ = options;
    /// ```
    pub fn search_attributes(mut self, attributes: SearchAttributes) -> Self {
        self.search_attributes = Some(attributes);
        self
    }

    /// Runs the workflow on a cron schedule, such as `"*/5 * * * *"`. Validated by the
    /// server at start.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::StartOptions;
    ///
    /// let options = StartOptions::new("report", "reports").cron_schedule("0 6 * * *");
    /// # let _ = options;
    /// ```
    pub fn cron_schedule(mut self, schedule: impl Into<String>) -> Self {
        self.cron_schedule = Some(schedule.into());
        self
    }

    /// Whether a closed workflow's id may be used again. Defaults to the server's
    /// (`AllowDuplicate`).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{StartOptions, WorkflowIdReusePolicy};
    ///
    /// let options = StartOptions::new("order-1234", "orders")
    ///     .id_reuse_policy(WorkflowIdReusePolicy::AllowDuplicateFailedOnly);
    /// # let _ = options;
    /// ```
    pub fn id_reuse_policy(mut self, policy: WorkflowIdReusePolicy) -> Self {
        self.id_reuse_policy = policy.to_proto();
        self
    }

    /// What to do when a workflow with the id is running. Defaults to the server's (`Fail`).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{StartOptions, WorkflowIdConflictPolicy};
    ///
    /// // Return the running workflow instead of failing.
    /// let options = StartOptions::new("order-1234", "orders")
    ///     .id_conflict_policy(WorkflowIdConflictPolicy::UseExisting);
    /// # let _ = options;
    /// ```
    pub fn id_conflict_policy(mut self, policy: WorkflowIdConflictPolicy) -> Self {
        self.id_conflict_policy = policy.to_proto();
        self
    }

    /// The longest the whole workflow, all runs included, may take. Defaults to unlimited.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::StartOptions;
    ///
    /// let options =
    ///     StartOptions::new("order-1234", "orders").execution_timeout(Duration::from_secs(24 * 3600));
    /// # let _ = options;
    /// ```
    pub fn execution_timeout(mut self, timeout: Duration) -> Self {
        self.execution_timeout = Some(timeout);
        self
    }

    /// The longest one run may take. Defaults to unlimited.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::StartOptions;
    ///
    /// let options = StartOptions::new("order-1234", "orders").run_timeout(Duration::from_secs(3600));
    /// # let _ = options;
    /// ```
    pub fn run_timeout(mut self, timeout: Duration) -> Self {
        self.run_timeout = Some(timeout);
        self
    }

    /// The longest one workflow task may take. Defaults to 10 s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::StartOptions;
    ///
    /// let options = StartOptions::new("order-1234", "orders").task_timeout(Duration::from_secs(30));
    /// # let _ = options;
    /// ```
    pub fn task_timeout(mut self, timeout: Duration) -> Self {
        self.task_timeout = Some(timeout);
        self
    }

    /// Retries the whole workflow when it fails. Defaults to no retries.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{RetryPolicy, StartOptions};
    ///
    /// let options = StartOptions::new("order-1234", "orders")
    ///     .retry_policy(RetryPolicy::default().maximum_attempts(3));
    /// # let _ = options;
    /// ```
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// Starts the first run after this delay.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::StartOptions;
    ///
    /// let options = StartOptions::new("reminder-1", "reminders").start_delay(Duration::from_secs(600));
    /// # let _ = options;
    /// ```
    pub fn start_delay(mut self, delay: Duration) -> Self {
        self.start_delay = Some(delay);
        self
    }

    /// A one-line summary shown in the UI.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::StartOptions;
    ///
    /// let options = StartOptions::new("order-1234", "orders").static_summary("Order 1234 for c-42");
    /// # let _ = options;
    /// ```
    pub fn static_summary(mut self, summary: impl Into<String>) -> Self {
        self.static_summary = Some(summary.into());
        self
    }

    /// Longer details shown in the UI.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::StartOptions;
    ///
    /// let options = StartOptions::new("order-1234", "orders")
    ///     .static_details("Two items, express shipping, paid by card.");
    /// # let _ = options;
    /// ```
    pub fn static_details(mut self, details: impl Into<String>) -> Self {
        self.static_details = Some(details.into());
        self
    }

    /// The workflow's priority for its task queue.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{Priority, StartOptions};
    ///
    /// let options = StartOptions::new("order-1234", "orders").priority(Priority::default().key(1));
    /// # let _ = options;
    /// ```
    pub fn priority(mut self, priority: Priority) -> Self {
        self.priority = Some(priority);
        self
    }

    /// The start's idempotency key. Defaults to a fresh UUID per call, which the client's own
    /// retries of that call reuse.
    ///
    /// Set it to retry a start (or signal-with-start) whose outcome is unknown, such as one
    /// that failed after the retry budget: the server answers a start whose request id is the
    /// running workflow's own with that run instead of [`Error::AlreadyStarted`], so the retry
    /// returns the same run rather than failing or, under a conflict or reuse policy that
    /// allows it, starting a second one. For signal-with-start, the same request id also
    /// keeps a retried call from signaling twice. Must not be empty.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{Error, StartOptions};
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// // A key saved with the order, so that a retry after a crash is the same start.
    /// let options = StartOptions::new("order-1234", "orders").request_id("order-1234-start");
    /// let handle = match client.start("order", ("c-42",), options.clone()).await {
    ///     Err(Error::Rpc(_)) => client.start("order", ("c-42",), options).await?,
    ///     other => other?,
    /// };
    /// println!("run {:?}", handle.first_execution_run_id());
    /// # Ok(())
    /// # }
    /// ```
    pub fn request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }
}

impl StartOptions {
    /// Runs the workflow on the worker deployment version this says, instead of the one its
    /// task queue's versioning rules pick.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{StartOptions, VersioningOverride};
    ///
    /// let options = StartOptions::new("order-1234", "orders")
    ///     .versioning_override(VersioningOverride::pinned("orders-service", "build-42"));
    /// # let _ = options;
    /// ```
    pub fn versioning_override(mut self, versioning: VersioningOverride) -> Self {
        self.versioning_override = Some(versioning);
        self
    }

    /// Asks the server to hand the workflow's first task back in its answer to the start
    /// (eager start), to save a round trip when a worker in the same process runs it.
    ///
    /// This client has no worker: the task it is handed goes unprocessed, and the server
    /// gives the task to a polling worker only once the task timeout passes. So request it
    /// only for a server that ignores it, or to test a server's eager start. Defaults to
    /// `false`, as in the other SDKs.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::StartOptions;
    ///
    /// let options = StartOptions::new("order-1234", "orders").request_eager_start(false);
    /// # let _ = options;
    /// ```
    pub fn request_eager_start(mut self, eager: bool) -> Self {
        self.request_eager_start = eager;
        self
    }

    /// Links the start to another event, such as the workflow event or batch job that caused
    /// it; the server records the links in the started event, and shows them in the UI.
    ///
    /// Raw: the link is the protos' message, so this option follows the version of the
    /// Temporal protos this crate depends on.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::StartOptions;
    /// use temporal_client::proto::api::common::v1::{Link, link};
    ///
    /// let options = StartOptions::new("refund-1234", "refunds").raw_link(Link {
    ///     variant: Some(link::Variant::WorkflowEvent(link::WorkflowEvent {
    ///         namespace: "default".to_owned(),
    ///         workflow_id: "order-1234".to_owned(),
    ///         run_id: "0196e7a1-5b2c-7d3e-8f40-123456789abc".to_owned(),
    ///         reference: None,
    ///     })),
    /// });
    /// # let _ = options;
    /// ```
    pub fn raw_link(mut self, link: Link) -> Self {
        self.links.push(link);
        self
    }
}

/// Which worker deployment version runs a workflow, overriding its task queue's versioning
/// rules.
///
/// # Examples
///
/// ```
/// use temporal_client::{StartOptions, VersioningOverride};
///
/// let pinned = StartOptions::new("order-1", "orders")
///     .versioning_override(VersioningOverride::pinned("orders-service", "build-42"));
/// let upgrading = StartOptions::new("order-2", "orders")
///     .versioning_override(VersioningOverride::AutoUpgrade);
/// # let _ = (pinned, upgrading);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VersioningOverride {
    /// The workflow stays on this version of this deployment, until it closes.
    Pinned {
        /// The worker deployment's name.
        deployment_name: String,
        /// The build id of the version.
        build_id: String,
    },
    /// The workflow moves to the deployment's current version whenever that changes.
    AutoUpgrade,
}

impl VersioningOverride {
    /// Pinned to the version `build_id` of the deployment `deployment_name`.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::VersioningOverride;
    ///
    /// let pinned = VersioningOverride::pinned("orders-service", "build-42");
    /// assert!(matches!(pinned, VersioningOverride::Pinned { .. }));
    /// ```
    pub fn pinned(deployment_name: impl Into<String>, build_id: impl Into<String>) -> Self {
        Self::Pinned {
            deployment_name: deployment_name.into(),
            build_id: build_id.into(),
        }
    }

    /// The override as protobuf's: the current fields, and the deprecated ones that servers
    /// before 1.28 read.
    #[allow(deprecated)]
    pub(crate) fn to_proto(&self) -> ProtoVersioningOverride {
        use temporal_proto::api::deployment::v1::WorkerDeploymentVersion;
        use temporal_proto::api::enums::v1::VersioningBehavior;
        use temporal_proto::api::workflow::v1::versioning_override::{
            Override, PinnedOverride, PinnedOverrideBehavior,
        };
        match self {
            Self::Pinned {
                deployment_name,
                build_id,
            } => ProtoVersioningOverride {
                behavior: VersioningBehavior::Pinned.into(),
                pinned_version: format!("{deployment_name}.{build_id}"),
                r#override: Some(Override::Pinned(PinnedOverride {
                    behavior: PinnedOverrideBehavior::Pinned.into(),
                    version: Some(WorkerDeploymentVersion {
                        build_id: build_id.clone(),
                        deployment_name: deployment_name.clone(),
                    }),
                })),
                ..Default::default()
            },
            Self::AutoUpgrade => ProtoVersioningOverride {
                behavior: VersioningBehavior::AutoUpgrade.into(),
                r#override: Some(Override::AutoUpgrade(true)),
                ..Default::default()
            },
        }
    }

    /// The override a server described; `None` for none, or for one this client cannot
    /// express.
    #[allow(deprecated)]
    pub(crate) fn from_proto(proto: ProtoVersioningOverride) -> Option<Self> {
        use temporal_proto::api::workflow::v1::versioning_override::Override;
        match proto.r#override {
            Some(Override::AutoUpgrade(true)) => Some(Self::AutoUpgrade),
            Some(Override::Pinned(pinned)) => pinned.version.map(|version| Self::Pinned {
                deployment_name: version.deployment_name,
                build_id: version.build_id,
            }),
            _ => None,
        }
    }
}

/// Which events [`WorkflowHandle::fetch_history_with`](crate::WorkflowHandle::fetch_history_with)
/// reads, and whether it waits for new ones. Defaults to every event there is now.
///
/// # Examples
///
/// ```
/// use temporal_client::HistoryOptions;
///
/// let live = HistoryOptions::default().wait_new_events();
/// let outcome = HistoryOptions::default().close_event_only().wait_new_events();
/// # let _ = (live, outcome);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[must_use]
pub struct HistoryOptions {
    pub(crate) close_event_only: bool,
    pub(crate) wait_new_events: bool,
}

impl HistoryOptions {
    /// Reads only the close event (completed, failed, ...): none while the workflow runs,
    /// unless waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::HistoryOptions;
    ///
    /// let options = HistoryOptions::default().close_event_only();
    /// # let _ = options;
    /// ```
    pub fn close_event_only(mut self) -> Self {
        self.close_event_only = true;
        self
    }

    /// Waits for events not yet written, until the workflow closes, instead of ending at the
    /// last event there is.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::HistoryOptions;
    ///
    /// let options = HistoryOptions::default().wait_new_events();
    /// # let _ = options;
    /// ```
    pub fn wait_new_events(mut self) -> Self {
        self.wait_new_events = true;
        self
    }
}

/// How the server retries a failed workflow (or activity).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use temporal_client::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .initial_interval(Duration::from_secs(1))
///     .maximum_attempts(5)
///     .non_retryable_error_types(["InvalidOrder"]);
/// # let _ = policy;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use]
pub struct RetryPolicy {
    initial_interval: Option<Duration>,
    backoff_coefficient: Option<f64>,
    maximum_interval: Option<Duration>,
    maximum_attempts: i32,
    non_retryable_error_types: Vec<String>,
}

impl RetryPolicy {
    /// The first delay. Defaults to the server's (1 s).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::RetryPolicy;
    ///
    /// let policy = RetryPolicy::default().initial_interval(Duration::from_secs(5));
    /// # let _ = policy;
    /// ```
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = Some(interval);
        self
    }

    /// How much each delay grows. Defaults to the server's (2.0).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::RetryPolicy;
    ///
    /// let policy = RetryPolicy::default().backoff_coefficient(1.5);
    /// # let _ = policy;
    /// ```
    pub fn backoff_coefficient(mut self, coefficient: f64) -> Self {
        self.backoff_coefficient = Some(coefficient);
        self
    }

    /// The longest delay. Defaults to the server's (100 × the initial interval).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::RetryPolicy;
    ///
    /// let policy = RetryPolicy::default().maximum_interval(Duration::from_secs(300));
    /// # let _ = policy;
    /// ```
    pub fn maximum_interval(mut self, interval: Duration) -> Self {
        self.maximum_interval = Some(interval);
        self
    }

    /// The most attempts; 0 means unlimited. Defaults to 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::RetryPolicy;
    ///
    /// let policy = RetryPolicy::default().maximum_attempts(5);
    /// # let _ = policy;
    /// ```
    pub fn maximum_attempts(mut self, attempts: i32) -> Self {
        self.maximum_attempts = attempts;
        self
    }

    /// Application failure types that are never retried.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::RetryPolicy;
    ///
    /// let policy = RetryPolicy::default().non_retryable_error_types(["InvalidOrder", "PaymentDeclined"]);
    /// # let _ = policy;
    /// ```
    pub fn non_retryable_error_types<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.non_retryable_error_types = types.into_iter().map(Into::into).collect();
        self
    }

    /// The policy as protobuf's; [`Error::InvalidArgument`] for an interval protobuf cannot
    /// carry.
    pub(crate) fn to_proto(&self) -> Result<ProtoRetryPolicy, Error> {
        let interval = |name: &str, interval: Option<Duration>| {
            to_proto_duration("retry_policy", interval).map_err(|error| match error {
                Error::InvalidArgument { field, reason } => Error::InvalidArgument {
                    field,
                    reason: format!("{name}: {reason}"),
                },
                other => other,
            })
        };
        Ok(ProtoRetryPolicy {
            initial_interval: interval("initial_interval", self.initial_interval)?,
            backoff_coefficient: self.backoff_coefficient.unwrap_or(0.0),
            maximum_interval: interval("maximum_interval", self.maximum_interval)?,
            maximum_attempts: self.maximum_attempts,
            non_retryable_error_types: self.non_retryable_error_types.clone(),
        })
    }
}

/// A workflow's priority on its task queue.
///
/// # Examples
///
/// ```
/// use temporal_client::{Priority, StartOptions};
///
/// let priority = Priority::default().key(1).fairness_key("tenant-7").fairness_weight(2.0);
/// let options = StartOptions::new("order-1234", "orders").priority(priority);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use]
pub struct Priority {
    priority_key: i32,
    fairness_key: String,
    fairness_weight: f32,
}

impl Priority {
    /// Priority 1 is the highest; 0 means the server's default (3 of 5).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Priority;
    ///
    /// let urgent = Priority::default().key(1);
    /// # let _ = urgent;
    /// ```
    pub fn key(mut self, key: i32) -> Self {
        self.priority_key = key;
        self
    }

    /// Tasks with the same fairness key share capacity fairly with other keys.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Priority;
    ///
    /// let priority = Priority::default().fairness_key("tenant-7");
    /// # let _ = priority;
    /// ```
    pub fn fairness_key(mut self, key: impl Into<String>) -> Self {
        self.fairness_key = key.into();
        self
    }

    /// The weight of the fairness key.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::Priority;
    ///
    /// let priority = Priority::default().fairness_key("tenant-7").fairness_weight(2.0);
    /// # let _ = priority;
    /// ```
    pub fn fairness_weight(mut self, weight: f32) -> Self {
        self.fairness_weight = weight;
        self
    }

    pub(crate) fn to_proto(&self) -> temporal_proto::api::common::v1::Priority {
        temporal_proto::api::common::v1::Priority {
            priority_key: self.priority_key,
            fairness_key: self.fairness_key.clone(),
            fairness_weight: self.fairness_weight,
        }
    }
}

/// The longest duration protobuf allows (and proto3 JSON, and so a history export, can
/// write): 10,000 years.
const MAX_PROTO_DURATION: Duration = Duration::from_secs(315_576_000_000);

/// The option `field` as a proto duration, if set; [`Error::InvalidArgument`] naming it when
/// it is longer than protobuf allows, rather than silently leaving it unset.
pub(crate) fn to_proto_duration(
    field: &'static str,
    duration: Option<Duration>,
) -> Result<Option<temporal_proto::google::protobuf::Duration>, Error> {
    let Some(duration) = duration else {
        return Ok(None);
    };
    let out_of_range = || {
        Error::invalid(
            field,
            format!(
                "{duration:?} is out of range: protobuf durations are at most {} seconds \
                 (10,000 years)",
                MAX_PROTO_DURATION.as_secs()
            ),
        )
    };
    if duration > MAX_PROTO_DURATION {
        return Err(out_of_range());
    }
    temporal_proto::google::protobuf::Duration::try_from(duration)
        .map(Some)
        .map_err(|_| out_of_range())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused_field(result: Result<impl std::fmt::Debug, Error>) -> (&'static str, String) {
        match result {
            Err(Error::InvalidArgument { field, reason }) => (field, reason),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn durations_protobuf_cannot_carry_are_refused_not_dropped() {
        assert!(matches!(to_proto_duration("start_delay", None), Ok(None)));
        let proto = to_proto_duration("start_delay", Some(MAX_PROTO_DURATION)).expect("in range");
        assert_eq!(proto.map(|d| d.seconds), Some(315_576_000_000));
        for too_long in [MAX_PROTO_DURATION + Duration::from_nanos(1), Duration::MAX] {
            let (field, reason) = refused_field(to_proto_duration("start_delay", Some(too_long)));
            assert_eq!(field, "start_delay");
            assert!(reason.contains("out of range"), "{reason}");
        }
    }

    #[test]
    fn a_retry_interval_protobuf_cannot_carry_is_refused_by_name() {
        let policy = RetryPolicy::default()
            .initial_interval(Duration::from_secs(1))
            .maximum_interval(Duration::MAX);
        let (field, reason) = refused_field(policy.to_proto());
        assert_eq!(field, "retry_policy");
        assert!(reason.starts_with("maximum_interval: "), "{reason}");
        let proto = RetryPolicy::default()
            .initial_interval(Duration::from_secs(1))
            .to_proto()
            .expect("in range");
        assert_eq!(proto.initial_interval.map(|d| d.seconds), Some(1));
    }
}
