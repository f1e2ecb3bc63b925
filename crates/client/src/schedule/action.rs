//! [`ScheduleAction`]: the workflow a schedule starts, with its arguments and options.

use std::fmt;
use std::sync::Arc;

use temporal_proto::api::common::v1::{Header, Payload as ProtoPayload, WorkflowType};
use temporal_proto::api::schedule::v1::ScheduleAction as ProtoScheduleAction;
use temporal_proto::api::schedule::v1::schedule_action::Action;
use temporal_proto::api::workflow::v1::NewWorkflowExecutionInfo;

use crate::client::Client;
use crate::contract::StartWorkflow;
use crate::converter::{
    ConversionError, DataConverter, FromPayload, Payload, ToPayloads, from_raw_payloads,
};
use crate::encoded::EncodedValues;
use crate::error::Error;
use crate::options::{Priority, RetryPolicy, StartOptions, VersioningOverride};
use crate::search_attributes::SearchAttributes;

use super::spec::duration;

/// What a schedule does each time it acts: start a workflow, with arguments and
/// [`StartOptions`]. The workflow id is a prefix: the server appends the time of each
/// action, so that the runs it starts are told apart.
///
/// # Examples
///
/// ```
/// use temporal_client::{ScheduleAction, StartOptions, workflow};
///
/// #[workflow(name = "report")]
/// trait Report {
///     #[run]
///     async fn run(&mut self, region: String) -> String;
/// }
///
/// // Typed: the compiler checks the arguments against the contract.
/// let typed = ScheduleAction::start_workflow(Report, "emea".to_owned(), StartOptions::new("report", "reports"));
/// // By name, with a tuple of arguments.
/// let by_name = ScheduleAction::start_workflow("report", ("emea",), StartOptions::new("report", "reports"));
/// assert_eq!(typed.workflow_type(), by_name.workflow_type());
/// ```
#[derive(Clone)]
pub struct ScheduleAction {
    workflow_type: String,
    args: ActionArgs,
    options: StartOptions,
    /// The workflow header of a described schedule, sent again when the action is.
    header: Option<DescribedHeader>,
}

/// A described action's workflow header, with the converter to read its fields.
#[derive(Clone)]
struct DescribedHeader {
    header: Header,
    converter: DataConverter,
}

/// The arguments: still values, to convert with the client's converter when sent; or
/// payloads, as a described schedule has them.
#[derive(Clone)]
enum ActionArgs {
    Values(Arc<EncodeArgs>),
    Payloads(EncodedValues),
}

type EncodeArgs = dyn Fn(&DataConverter) -> Result<Vec<Payload>, ConversionError> + Send + Sync;

impl ScheduleAction {
    /// Starts `workflow` with `args`: a contract marker with the arguments of its run method,
    /// or a workflow type name with a tuple of arguments (one payload each), as
    /// [`Client::start`] takes them.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ScheduleAction, StartOptions};
    ///
    /// let action = ScheduleAction::start_workflow(
    ///     "cleanup",
    ///     ("tmp/", 7),
    ///     StartOptions::new("cleanup", "maintenance"),
    /// );
    /// assert_eq!(action.workflow_type(), "cleanup");
    /// ```
    pub fn start_workflow<T, A, M>(workflow: T, args: A, options: StartOptions) -> Self
    where
        T: StartWorkflow<A, M> + Send + Sync + 'static,
        A: Clone + Send + Sync + 'static,
    {
        let workflow_type = workflow.workflow_type().to_owned();
        // Encoded when the schedule is sent, with the client's converter: once per request.
        let encode = move |converter: &DataConverter| workflow.encode_args(args.clone(), converter);
        Self {
            workflow_type,
            args: ActionArgs::Values(Arc::new(encode)),
            options,
            header: None,
        }
    }

    /// Starts the workflow type `name`, a name known only at run time, with a tuple of
    /// arguments (one payload each). ([`start_workflow`](ScheduleAction::start_workflow)
    /// keeps its workflow until the schedule is sent, so it takes a name as a `'static`
    /// string.)
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ScheduleAction, StartOptions};
    ///
    /// let workflow_type = std::env::var("REPORT_WORKFLOW").unwrap_or_else(|_| "report".to_owned());
    /// let action = ScheduleAction::start_workflow_by_name(
    ///     workflow_type,
    ///     ("emea",),
    ///     StartOptions::new("report", "reports"),
    /// );
    /// # let _ = action;
    /// ```
    pub fn start_workflow_by_name<A>(
        name: impl Into<String>,
        args: A,
        options: StartOptions,
    ) -> Self
    where
        A: ToPayloads + Send + Sync + 'static,
    {
        let encode = move |converter: &DataConverter| converter.to_payloads(&args);
        Self {
            workflow_type: name.into(),
            args: ActionArgs::Values(Arc::new(encode)),
            options,
            header: None,
        }
    }

    /// The workflow type started.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::ScheduleHandle) -> Result<(), temporal_client::Error> {
    /// let description = handle.describe().await?;
    /// println!("starts {}", description.schedule.action.workflow_type());
    /// # Ok(())
    /// # }
    /// ```
    pub fn workflow_type(&self) -> &str {
        &self.workflow_type
    }

    /// The arguments, as payloads to decode: for a described schedule; `None` for an action
    /// made here, whose arguments are converted when it is sent.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::ScheduleHandle) -> Result<(), temporal_client::Error> {
    /// let description = handle.describe().await?;
    /// if let Some(args) = description.schedule.action.args() {
    ///     let region: String = args.get(0)?;
    ///     println!("for region {region}");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn args(&self) -> Option<&EncodedValues> {
        match &self.args {
            ActionArgs::Values(_) => None,
            ActionArgs::Payloads(values) => Some(values),
        }
    }

    /// The options of each workflow started (its id being a prefix).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::ScheduleHandle) -> Result<(), temporal_client::Error> {
    /// let description = handle.describe().await?;
    /// println!("{:?}", description.schedule.action.options());
    /// # Ok(())
    /// # }
    /// ```
    pub fn options(&self) -> &StartOptions {
        &self.options
    }

    /// The workflow header field `name` of each workflow the schedule starts, decoded by the
    /// client's data converter: for a described schedule, whose header was written by the
    /// interceptors and [`CallOptions::workflow_header`](crate::CallOptions::workflow_header)
    /// of the call that created or last updated it. `None` for an action made here (its
    /// header is written when it is sent), or without that field. An update sends the
    /// described header again, under what the update's own call adds.
    ///
    /// # Errors
    ///
    /// [`ConversionError`] when the field is not a `T`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::ScheduleHandle) -> Result<(), temporal_client::Error> {
    /// let description = handle.describe().await?;
    /// let tenant: Option<String> = description.schedule.action.workflow_header("tenant")?;
    /// # let _ = tenant;
    /// # Ok(())
    /// # }
    /// ```
    pub fn workflow_header<T: FromPayload>(
        &self,
        name: &str,
    ) -> Result<Option<T>, ConversionError> {
        let Some(described) = &self.header else {
            return Ok(None);
        };
        match described.header.fields.get(name) {
            Some(payload) => Ok(Some(
                described
                    .converter
                    .from_payload(&Payload::from_raw_proto(payload.clone()))?,
            )),
            None => Ok(None),
        }
    }

    /// This action with other options: to change them in an
    /// [`update`](crate::ScheduleHandle::update).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use std::time::Duration;
    ///
    /// # async fn example(handle: temporal_client::ScheduleHandle) -> Result<(), temporal_client::Error> {
    /// handle
    ///     .update(|mut description| {
    ///         let options = description.schedule.action.options().clone().run_timeout(Duration::from_secs(600));
    ///         description.schedule.action = description.schedule.action.with_options(options);
    ///         Some(description.schedule.into())
    ///     })
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn with_options(mut self, options: StartOptions) -> Self {
        self.options = options;
        self
    }

    pub(crate) async fn to_proto(&self, client: &Client) -> Result<ProtoScheduleAction, Error> {
        let payloads = match &self.args {
            ActionArgs::Values(encode) => encode(client.data_converter())?,
            ActionArgs::Payloads(values) => values.payloads().to_vec(),
        };
        let start = client
            .start_request(self.workflow_type.clone(), payloads, &self.options)
            .await?;
        Ok(ProtoScheduleAction {
            action: Some(Action::StartWorkflow(NewWorkflowExecutionInfo {
                workflow_id: start.workflow_id,
                workflow_type: start.workflow_type,
                task_queue: start.task_queue,
                input: start.input,
                workflow_execution_timeout: start.workflow_execution_timeout,
                workflow_run_timeout: start.workflow_run_timeout,
                workflow_task_timeout: start.workflow_task_timeout,
                workflow_id_reuse_policy: start.workflow_id_reuse_policy,
                retry_policy: start.retry_policy,
                cron_schedule: String::new(),
                memo: start.memo,
                search_attributes: start.search_attributes,
                header: self
                    .header
                    .as_ref()
                    .map(|described| described.header.clone()),
                user_metadata: start.user_metadata,
                versioning_override: start.versioning_override,
                priority: start.priority,
            })),
        })
    }

    /// The action of a described schedule: payloads decoded by the codec, memo values read
    /// as JSON.
    pub(crate) async fn from_proto(
        proto: Option<ProtoScheduleAction>,
        converter: &DataConverter,
    ) -> Result<Self, Error> {
        let Some(Action::StartWorkflow(mut info)) = proto.and_then(|action| action.action) else {
            return Err(Error::invalid(
                "schedule.action",
                "the server described a schedule without a start-workflow action",
            ));
        };
        let input = from_raw_payloads(info.input.take().map(|p| p.payloads).unwrap_or_default());
        let args = EncodedValues::new(converter.decode(input).await?, converter.clone());
        let mut options = StartOptions::new(
            std::mem::take(&mut info.workflow_id),
            info.task_queue
                .take()
                .map(|queue| queue.name)
                .unwrap_or_default(),
        );
        options.id_reuse_policy = info.workflow_id_reuse_policy();
        if let Some(memo) = info.memo {
            let (keys, payloads): (Vec<String>, Vec<ProtoPayload>) =
                memo.fields.into_iter().unzip();
            let payloads = converter.decode(from_raw_payloads(payloads)).await?;
            options.memo = keys
                .into_iter()
                .zip(payloads)
                .map(|(key, payload)| {
                    let value = converter
                        .from_payload::<serde_json::Value>(&payload)
                        .map_err(|error| format!("the memo value is not JSON: {error}"));
                    (key, value)
                })
                .collect();
        }
        options.search_attributes = info
            .search_attributes
            .take()
            .map(SearchAttributes::from_proto);
        options.execution_timeout = duration(info.workflow_execution_timeout);
        options.run_timeout = duration(info.workflow_run_timeout);
        options.task_timeout = duration(info.workflow_task_timeout);
        options.retry_policy = info.retry_policy.map(|policy| {
            let mut retry = RetryPolicy::default()
                .maximum_attempts(policy.maximum_attempts)
                .non_retryable_error_types(policy.non_retryable_error_types);
            if let Some(interval) = duration(policy.initial_interval) {
                retry = retry.initial_interval(interval);
            }
            if let Some(interval) = duration(policy.maximum_interval) {
                retry = retry.maximum_interval(interval);
            }
            if policy.backoff_coefficient != 0.0 {
                retry = retry.backoff_coefficient(policy.backoff_coefficient);
            }
            retry
        });
        options.priority = info.priority.map(|priority| {
            Priority::default()
                .key(priority.priority_key)
                .fairness_key(priority.fairness_key)
                .fairness_weight(priority.fairness_weight)
        });
        if let Some(metadata) = info.user_metadata {
            let text = |payload: Option<ProtoPayload>| async move {
                let Some(payload) = payload else {
                    return Ok::<_, Error>(None);
                };
                let decoded = converter
                    .decode(vec![Payload::from_raw_proto(payload)])
                    .await?;
                Ok(decoded
                    .first()
                    .and_then(|payload| converter.from_payload::<String>(payload).ok()))
            };
            options.static_summary = text(metadata.summary).await?;
            options.static_details = text(metadata.details).await?;
        }
        options.versioning_override = info
            .versioning_override
            .and_then(VersioningOverride::from_proto);
        Ok(Self {
            workflow_type: info
                .workflow_type
                .map(|WorkflowType { name }| name)
                .unwrap_or_default(),
            args: ActionArgs::Payloads(args),
            options,
            header: info.header.map(|header| DescribedHeader {
                header,
                converter: converter.clone(),
            }),
        })
    }
}

impl fmt::Debug for ScheduleAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("ScheduleAction");
        debug.field("workflow_type", &self.workflow_type);
        match &self.args {
            ActionArgs::Values(_) => debug.field("args", &"<not yet converted>"),
            ActionArgs::Payloads(values) => debug.field("args", values),
        };
        debug.field("options", &self.options);
        let header_names: Option<Vec<&String>> = self
            .header
            .as_ref()
            .map(|described| described.header.fields.keys().collect());
        debug.field("workflow_header", &header_names).finish()
    }
}
