//! What describe, list and count return, decoded.

use std::collections::HashMap;
use std::time::SystemTime;

use temporal_proto::api::common::v1::Payload as ProtoPayload;
use temporal_proto::api::enums::v1::WorkflowExecutionStatus as ProtoStatus;
use temporal_proto::api::workflow::v1::WorkflowExecutionInfo as ProtoInfo;
use temporal_proto::api::workflowservice::v1::{
    CountWorkflowExecutionsResponse, DescribeWorkflowExecutionResponse,
};
use temporal_proto::google::protobuf::Timestamp;

use crate::converter::{ConversionError, DataConverter, FromPayload, Payload, from_raw_payloads};
use crate::error::Error;
use crate::search_attributes::SearchAttributes;

/// A workflow execution as describe and list report it.
///
/// # Examples
///
/// ```no_run
/// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
/// let info = handle.describe().await?.info;
/// println!(
///     "{} run {} of type {} is {:?}, {} events",
///     info.workflow_id, info.run_id, info.workflow_type, info.status, info.history_length
/// );
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WorkflowExecutionInfo {
    /// The workflow id.
    pub workflow_id: String,
    /// The run id.
    pub run_id: String,
    /// The workflow type.
    pub workflow_type: String,
    /// Running, completed, failed, ...; `None` for a status this client does not know (a
    /// newer server's).
    pub status: Option<WorkflowExecutionStatus>,
    /// The task queue.
    pub task_queue: String,
    /// When the run started.
    pub start_time: Option<SystemTime>,
    /// When the run began (or will begin) to execute: after a start delay or cron wait.
    pub execution_time: Option<SystemTime>,
    /// When the run closed.
    pub close_time: Option<SystemTime>,
    /// How many events its history has.
    pub history_length: i64,
    /// The memo, decoded through the codec.
    pub memo: Memo,
    /// The search attributes.
    pub search_attributes: SearchAttributes,
    /// The parent workflow, for a child workflow.
    pub parent: Option<ParentExecution>,
    raw: ProtoInfo,
}

impl WorkflowExecutionInfo {
    /// The info as the server sent it, less what the typed fields carry, which is moved
    /// into them rather than held twice: its `execution`, `type`, `memo`,
    /// `search_attributes` and `parent_execution` are `None` and its `task_queue` and
    /// `parent_namespace_id` empty (read [`workflow_id`](WorkflowExecutionInfo::workflow_id),
    /// [`run_id`](WorkflowExecutionInfo::run_id),
    /// [`workflow_type`](WorkflowExecutionInfo::workflow_type),
    /// [`memo`](WorkflowExecutionInfo::memo),
    /// [`search_attributes`](WorkflowExecutionInfo::search_attributes),
    /// [`parent`](WorkflowExecutionInfo::parent) and
    /// [`task_queue`](WorkflowExecutionInfo::task_queue) instead). An escape hatch for what
    /// the typed fields do not carry: its type follows the Temporal protos' version.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
    /// let info = handle.describe().await?.info;
    /// println!("first run of the chain: {}", info.raw_info().first_run_id);
    /// # Ok(())
    /// # }
    /// ```
    pub fn raw_info(&self) -> &ProtoInfo {
        &self.raw
    }
}

/// Where a workflow execution is in its life: running, or how it closed.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::WorkflowExecutionStatus;
///
/// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
/// if handle.describe().await?.info.status == Some(WorkflowExecutionStatus::Running) {
///     println!("still running");
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WorkflowExecutionStatus {
    /// Running (or waiting to run).
    Running,
    /// Completed with a result.
    Completed,
    /// Failed.
    Failed,
    /// Cancelled.
    Canceled,
    /// Terminated.
    Terminated,
    /// Continued as a new run.
    ContinuedAsNew,
    /// A workflow timeout fired.
    TimedOut,
    /// Paused: no new tasks are dispatched until it is unpaused.
    Paused,
}

impl WorkflowExecutionStatus {
    /// The status the server sent; `None` when unset or unknown to this client.
    pub(crate) fn from_proto(status: i32) -> Option<Self> {
        Some(match ProtoStatus::try_from(status).ok()? {
            ProtoStatus::Unspecified => return None,
            ProtoStatus::Running => Self::Running,
            ProtoStatus::Completed => Self::Completed,
            ProtoStatus::Failed => Self::Failed,
            ProtoStatus::Canceled => Self::Canceled,
            ProtoStatus::Terminated => Self::Terminated,
            ProtoStatus::ContinuedAsNew => Self::ContinuedAsNew,
            ProtoStatus::TimedOut => Self::TimedOut,
            ProtoStatus::Paused => Self::Paused,
        })
    }

    /// The status's name in the Temporal API, such as `WORKFLOW_EXECUTION_STATUS_RUNNING`.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::WorkflowExecutionStatus;
    ///
    /// assert_eq!(WorkflowExecutionStatus::TimedOut.as_str(), "WORKFLOW_EXECUTION_STATUS_TIMED_OUT");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "WORKFLOW_EXECUTION_STATUS_RUNNING",
            Self::Completed => "WORKFLOW_EXECUTION_STATUS_COMPLETED",
            Self::Failed => "WORKFLOW_EXECUTION_STATUS_FAILED",
            Self::Canceled => "WORKFLOW_EXECUTION_STATUS_CANCELED",
            Self::Terminated => "WORKFLOW_EXECUTION_STATUS_TERMINATED",
            Self::ContinuedAsNew => "WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW",
            Self::TimedOut => "WORKFLOW_EXECUTION_STATUS_TIMED_OUT",
            Self::Paused => "WORKFLOW_EXECUTION_STATUS_PAUSED",
        }
    }
}

/// The parent of a child workflow.
///
/// # Examples
///
/// ```no_run
/// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
/// if let Some(parent) = handle.describe().await?.info.parent {
///     println!("child of {} (run {})", parent.workflow_id, parent.run_id);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParentExecution {
    /// The parent's namespace id.
    pub namespace_id: String,
    /// The parent's workflow id.
    pub workflow_id: String,
    /// The parent's run id.
    pub run_id: String,
}

/// What [`WorkflowHandle::describe`](crate::WorkflowHandle::describe) returns.
///
/// # Examples
///
/// ```no_run
/// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
/// let description = handle.describe().await?;
/// println!("status: {:?}", description.info.status);
/// println!("pending activities: {}", description.raw_response().pending_activities.len());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WorkflowDescription {
    /// The execution, decoded.
    pub info: WorkflowExecutionInfo,
    /// The one-line summary the workflow was started with
    /// ([`StartOptions::static_summary`](crate::StartOptions::static_summary)), decoded
    /// through the codec.
    pub static_summary: Option<String>,
    /// The longer details the workflow was started with
    /// ([`StartOptions::static_details`](crate::StartOptions::static_details)), decoded
    /// through the codec.
    pub static_details: Option<String>,
    raw: DescribeWorkflowExecutionResponse,
}

impl WorkflowDescription {
    /// The rest of the response as the server sent it: pending activities, children,
    /// config, ... Its `workflow_execution_info` is `None`, and so is its
    /// `execution_config.user_metadata`: they are in [`info`](WorkflowDescription::info),
    /// [`static_summary`](WorkflowDescription::static_summary) and
    /// [`static_details`](WorkflowDescription::static_details), moved rather than kept twice.
    /// An escape hatch: its type follows the Temporal protos' version.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
    /// let description = handle.describe().await?;
    /// println!("{} pending activities", description.raw_response().pending_activities.len());
    /// # Ok(())
    /// # }
    /// ```
    pub fn raw_response(&self) -> &DescribeWorkflowExecutionResponse {
        &self.raw
    }

    pub(crate) async fn decode(
        mut raw: DescribeWorkflowExecutionResponse,
        converter: &DataConverter,
    ) -> Result<Self, Error> {
        // Moved, not cloned: the execution info is the bulk of the response.
        let info = WorkflowExecutionInfo::decode(
            raw.workflow_execution_info.take().unwrap_or_default(),
            converter,
        )
        .await?;
        let metadata = raw
            .execution_config
            .as_mut()
            .and_then(|config| config.user_metadata.take())
            .unwrap_or_default();
        Ok(Self {
            info,
            static_summary: decode_text(metadata.summary, converter).await?,
            static_details: decode_text(metadata.details, converter).await?,
            raw,
        })
    }
}

/// A text payload (a summary, details), through the codec; `None` when absent.
async fn decode_text(
    payload: Option<ProtoPayload>,
    converter: &DataConverter,
) -> Result<Option<String>, Error> {
    let Some(payload) = payload else {
        return Ok(None);
    };
    let decoded = converter
        .decode(vec![Payload::from_raw_proto(payload)])
        .await?;
    match decoded.first() {
        Some(payload) => Ok(Some(converter.from_payload(payload)?)),
        None => Ok(None),
    }
}

impl WorkflowExecutionInfo {
    pub(crate) async fn decode(
        mut raw: ProtoInfo,
        converter: &DataConverter,
    ) -> Result<Self, Error> {
        // What a typed field carries is taken out of the raw message, not copied: each is held
        // once, and a listed workflow costs no allocation the decoding did not already make.
        let execution = raw.execution.take().unwrap_or_default();
        let memo = Memo::decode(
            raw.memo.take().map(|m| m.fields).unwrap_or_default(),
            converter,
        )
        .await?;
        let search_attributes = raw
            .search_attributes
            .take()
            .map(SearchAttributes::from_proto)
            .unwrap_or_default();
        let parent = raw.parent_execution.take().map(|parent| ParentExecution {
            namespace_id: std::mem::take(&mut raw.parent_namespace_id),
            workflow_id: parent.workflow_id,
            run_id: parent.run_id,
        });
        Ok(Self {
            workflow_id: execution.workflow_id,
            run_id: execution.run_id,
            workflow_type: raw.r#type.take().map(|t| t.name).unwrap_or_default(),
            status: WorkflowExecutionStatus::from_proto(raw.status),
            task_queue: std::mem::take(&mut raw.task_queue),
            start_time: system_time(raw.start_time),
            execution_time: system_time(raw.execution_time),
            close_time: system_time(raw.close_time),
            history_length: raw.history_length,
            memo,
            search_attributes,
            parent,
            raw,
        })
    }
}

fn system_time(timestamp: Option<Timestamp>) -> Option<SystemTime> {
    timestamp.and_then(|t| SystemTime::try_from(t).ok())
}

/// A workflow's memo: values decoded as the type you ask for.
///
/// # Examples
///
/// ```no_run
/// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
/// let description = handle.describe().await?;
/// if let Some(customer) = description.info.memo.get::<String>("customer")? {
///     println!("customer: {customer}");
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Memo {
    fields: HashMap<String, Payload>,
    converter: DataConverter,
}

impl Memo {
    pub(crate) async fn decode(
        fields: HashMap<String, ProtoPayload>,
        converter: &DataConverter,
    ) -> Result<Self, Error> {
        let (keys, payloads): (Vec<String>, Vec<ProtoPayload>) = fields.into_iter().unzip();
        let payloads = converter.decode(from_raw_payloads(payloads)).await?;
        Ok(Self {
            fields: keys.into_iter().zip(payloads).collect(),
            converter: converter.clone(),
        })
    }

    /// The value of `key` as a `T`; `Ok(None)` when there is no such key.
    ///
    /// # Errors
    ///
    /// [`ConversionError`] when the value is not a `T`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
    /// let memo = handle.describe().await?.info.memo;
    /// let customer: Option<String> = memo.get("customer")?;
    /// # let _ = customer;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get<T: FromPayload>(&self, key: &str) -> Result<Option<T>, ConversionError> {
        self.fields
            .get(key)
            .map(|payload| self.converter.from_payload(payload))
            .transpose()
    }

    /// The keys.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
    /// let memo = handle.describe().await?.info.memo;
    /// for key in memo.keys() {
    ///     println!("memo key: {key}");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.fields.keys().map(String::as_str)
    }

    /// How many values there are.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
    /// let memo = handle.describe().await?.info.memo;
    /// println!("{} memo values", memo.len());
    /// # Ok(())
    /// # }
    /// ```
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether there are none.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
    /// if handle.describe().await?.info.memo.is_empty() {
    ///     println!("no memo");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

/// What [`Client::count`](crate::Client::count) returns.
///
/// # Examples
///
/// ```no_run
/// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
/// let counts = client.count("GROUP BY ExecutionStatus").await?;
/// println!("{} workflows", counts.count);
/// for group in &counts.groups {
///     println!("{:?}: {}", group.values, group.count);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WorkflowCount {
    /// How many workflows matched.
    pub count: i64,
    /// With `GROUP BY`: the count of each group.
    pub groups: Vec<CountGroup>,
}

/// One group of a `GROUP BY` count.
///
/// # Examples
///
/// ```no_run
/// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
/// let counts = client.count("WorkflowType = 'order' GROUP BY ExecutionStatus").await?;
/// let running = counts
///     .groups
///     .iter()
///     .find(|group| group.values == [serde_json::json!("Running")])
///     .map_or(0, |group| group.count);
/// # let _ = running;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CountGroup {
    /// The values of the grouped-by attributes, as JSON (such as `"Running"`).
    pub values: Vec<serde_json::Value>,
    /// How many workflows the group has.
    pub count: i64,
}

impl WorkflowCount {
    pub(crate) fn from_proto(response: CountWorkflowExecutionsResponse) -> Self {
        Self {
            count: response.count,
            groups: response
                .groups
                .into_iter()
                .map(|group| CountGroup {
                    values: group
                        .group_values
                        .iter()
                        .map(|payload| {
                            serde_json::from_slice(&payload.data).unwrap_or(serde_json::Value::Null)
                        })
                        .collect(),
                    count: group.count,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use temporal_proto::api::common::v1::{WorkflowExecution, WorkflowType};

    use super::*;

    /// Each string of the server's info is held once: in its typed field, moved out of the raw
    /// message, which keeps what no typed field carries.
    #[tokio::test]
    async fn typed_fields_are_moved_out_of_the_raw_info_not_copied() {
        let execution = |workflow_id: &str, run_id: &str| WorkflowExecution {
            workflow_id: workflow_id.to_owned(),
            run_id: run_id.to_owned(),
        };
        let raw = ProtoInfo {
            execution: Some(execution("order-1", "run-2")),
            r#type: Some(WorkflowType {
                name: "order".to_owned(),
            }),
            task_queue: "orders".to_owned(),
            parent_execution: Some(execution("batch-3", "run-4")),
            parent_namespace_id: "namespace-5".to_owned(),
            first_run_id: "run-1".to_owned(),
            history_length: 7,
            status: ProtoStatus::Running as i32,
            ..Default::default()
        };
        let info = WorkflowExecutionInfo::decode(raw, &DataConverter::default())
            .await
            .unwrap();
        assert_eq!(
            (
                info.workflow_id.as_str(),
                info.run_id.as_str(),
                info.workflow_type.as_str(),
                info.task_queue.as_str()
            ),
            ("order-1", "run-2", "order", "orders")
        );
        let parent = info.parent.as_ref().unwrap();
        assert_eq!(
            (
                parent.namespace_id.as_str(),
                parent.workflow_id.as_str(),
                parent.run_id.as_str()
            ),
            ("namespace-5", "batch-3", "run-4")
        );
        assert_eq!(info.status, Some(WorkflowExecutionStatus::Running));
        assert_eq!(info.history_length, 7);
        let raw = info.raw_info();
        assert_eq!(raw.first_run_id, "run-1");
        assert_eq!(raw.history_length, 7);
        assert!(raw.execution.is_none() && raw.r#type.is_none() && raw.parent_execution.is_none());
        assert!(raw.task_queue.is_empty() && raw.parent_namespace_id.is_empty());
    }
}
