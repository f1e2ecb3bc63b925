//! What describing and listing schedules return, decoded.

use std::time::SystemTime;

use crate::description::WorkflowExecutionStatus;
use temporal_proto::api::schedule::v1::{
    ScheduleActionResult as ProtoActionResult, ScheduleListEntry as ProtoListEntry,
};
use temporal_proto::api::workflowservice::v1::DescribeScheduleResponse;

use crate::converter::DataConverter;
use crate::description::Memo;
use crate::error::Error;
use crate::search_attributes::SearchAttributes;

use super::Schedule;
use super::spec::{ScheduleSpec, system_time};

/// A schedule as [`ScheduleHandle::describe`](crate::ScheduleHandle::describe) reports it:
/// its definition, decoded, and what it has done.
///
/// # Examples
///
/// ```no_run
/// # async fn example(handle: temporal_client::ScheduleHandle) -> Result<(), temporal_client::Error> {
/// let description = handle.describe().await?;
/// println!(
///     "{} starts {}; {} actions so far, next at {:?}, paused: {}",
///     description.id,
///     description.schedule.action.workflow_type(),
///     description.info.num_actions,
///     description.info.next_action_times.first(),
///     description.schedule.state.paused,
/// );
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ScheduleDescription {
    /// The schedule id.
    pub id: String,
    /// The schedule's definition: change it and return it from
    /// [`update`](crate::ScheduleHandle::update).
    pub schedule: Schedule,
    /// What the schedule has done and will do.
    pub info: ScheduleInfo,
    /// The schedule's memo, decoded through the codec.
    pub memo: Memo,
    /// The schedule's search attributes.
    pub search_attributes: SearchAttributes,
    /// The server's token for this version of the schedule: an update made with it is
    /// refused if the schedule changed since.
    pub(crate) conflict_token: Vec<u8>,
}

/// What a schedule has done and will do.
///
/// # Examples
///
/// ```no_run
/// # async fn example(handle: temporal_client::ScheduleHandle) -> Result<(), temporal_client::Error> {
/// let info = handle.describe().await?.info;
/// for action in &info.recent_actions {
///     println!("{} started at {:?}", action.workflow.workflow_id, action.started_at);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ScheduleInfo {
    /// How many actions it has taken.
    pub num_actions: i64,
    /// How many it missed because they were later than the catch-up window.
    pub num_actions_missed_catchup_window: i64,
    /// How many it skipped by its overlap policy.
    pub num_actions_skipped_overlap: i64,
    /// The workflows it started that are still running.
    pub running_workflows: Vec<ScheduledWorkflow>,
    /// Its latest actions (the server keeps about ten), oldest first.
    pub recent_actions: Vec<ScheduleActionResult>,
    /// When it will act next (the server computes a few).
    pub next_action_times: Vec<SystemTime>,
    /// When it was created.
    pub created_at: Option<SystemTime>,
    /// When it was last updated.
    pub last_updated_at: Option<SystemTime>,
}

/// A workflow a schedule started.
///
/// # Examples
///
/// ```no_run
/// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
/// let info = client.get_schedule_handle("daily-report").describe().await?.info;
/// for running in &info.running_workflows {
///     client.get_handle::<temporal_client::Untyped>(&running.workflow_id).cancel().await?;
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScheduledWorkflow {
    /// The workflow id: the action's id with the time of the action appended.
    pub workflow_id: String,
    /// The first run's id.
    pub run_id: String,
}

/// One action a schedule took.
///
/// # Examples
///
/// ```no_run
/// # async fn example(handle: temporal_client::ScheduleHandle) -> Result<(), temporal_client::Error> {
/// if let Some(last) = handle.describe().await?.info.recent_actions.last() {
///     println!("{} (scheduled for {:?}): {:?}", last.workflow.workflow_id, last.scheduled_at, last.status);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScheduleActionResult {
    /// The time the spec gave it (for a trigger, when it was triggered).
    pub scheduled_at: Option<SystemTime>,
    /// When it was taken, jitter and buffering included.
    pub started_at: Option<SystemTime>,
    /// The workflow it started.
    pub workflow: ScheduledWorkflow,
    /// The workflow's status as the schedule last saw it; `None` when the server does not
    /// report it.
    pub status: Option<WorkflowExecutionStatus>,
}

/// A schedule as [`Client::list_schedules`](crate::Client::list_schedules) reports it.
///
/// # Examples
///
/// ```no_run
/// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
/// let mut schedules = client.list_schedules("");
/// while let Some(entry) = schedules.next().await {
///     let entry = entry?;
///     if let Some(info) = &entry.info {
///         println!("{} starts {}", entry.id, info.workflow_type);
///     }
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ScheduleListEntry {
    /// The schedule id.
    pub id: String,
    /// The schedule's memo, decoded through the codec.
    pub memo: Memo,
    /// The schedule's search attributes.
    pub search_attributes: SearchAttributes,
    /// A summary of the schedule; `None` from servers that do not send one.
    pub info: Option<ScheduleListInfo>,
}

/// The summary of a schedule that a listing carries.
///
/// # Examples
///
/// ```no_run
/// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
/// let mut schedules = client.list_schedules("");
/// while let Some(entry) = schedules.next().await {
///     if let Some(info) = entry?.info {
///         println!("{} recent actions, paused: {}", info.recent_actions.len(), info.paused);
///     }
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ScheduleListInfo {
    /// When the schedule acts.
    pub spec: ScheduleSpec,
    /// The workflow type it starts.
    pub workflow_type: String,
    /// The note of its last pause or unpause.
    pub note: String,
    /// Whether it is paused.
    pub paused: bool,
    /// Its latest actions, oldest first.
    pub recent_actions: Vec<ScheduleActionResult>,
    /// When it will act next.
    pub next_action_times: Vec<SystemTime>,
}

impl ScheduleDescription {
    pub(crate) async fn decode(
        id: String,
        response: DescribeScheduleResponse,
        converter: &DataConverter,
    ) -> Result<Self, Error> {
        let info = response.info.unwrap_or_default();
        Ok(Self {
            id,
            schedule: Schedule::from_proto(response.schedule.unwrap_or_default(), converter)
                .await?,
            info: ScheduleInfo {
                num_actions: info.action_count,
                num_actions_missed_catchup_window: info.missed_catchup_window,
                num_actions_skipped_overlap: info.overlap_skipped,
                running_workflows: info
                    .running_workflows
                    .into_iter()
                    .map(|execution| ScheduledWorkflow {
                        workflow_id: execution.workflow_id,
                        run_id: execution.run_id,
                    })
                    .collect(),
                recent_actions: info
                    .recent_actions
                    .into_iter()
                    .map(ScheduleActionResult::from_proto)
                    .collect(),
                next_action_times: info
                    .future_action_times
                    .into_iter()
                    .filter_map(|time| system_time(Some(time)))
                    .collect(),
                created_at: system_time(info.create_time),
                last_updated_at: system_time(info.update_time),
            },
            memo: Memo::decode(
                response.memo.map(|memo| memo.fields).unwrap_or_default(),
                converter,
            )
            .await?,
            search_attributes: response
                .search_attributes
                .map(SearchAttributes::from_proto)
                .unwrap_or_default(),
            conflict_token: response.conflict_token,
        })
    }
}

impl ScheduleActionResult {
    fn from_proto(proto: ProtoActionResult) -> Self {
        let workflow = proto.start_workflow_result.unwrap_or_default();
        Self {
            scheduled_at: system_time(proto.schedule_time),
            started_at: system_time(proto.actual_time),
            workflow: ScheduledWorkflow {
                workflow_id: workflow.workflow_id,
                run_id: workflow.run_id,
            },
            status: WorkflowExecutionStatus::from_proto(proto.start_workflow_status),
        }
    }
}

impl ScheduleListEntry {
    pub(crate) async fn decode(
        proto: ProtoListEntry,
        converter: &DataConverter,
    ) -> Result<Self, Error> {
        Ok(Self {
            id: proto.schedule_id,
            memo: Memo::decode(
                proto.memo.map(|memo| memo.fields).unwrap_or_default(),
                converter,
            )
            .await?,
            search_attributes: proto
                .search_attributes
                .map(SearchAttributes::from_proto)
                .unwrap_or_default(),
            info: proto.info.map(|info| ScheduleListInfo {
                spec: ScheduleSpec::from_proto(info.spec.unwrap_or_default()),
                workflow_type: info.workflow_type.map(|t| t.name).unwrap_or_default(),
                note: info.notes,
                paused: info.paused,
                recent_actions: info
                    .recent_actions
                    .into_iter()
                    .map(ScheduleActionResult::from_proto)
                    .collect(),
                next_action_times: info
                    .future_action_times
                    .into_iter()
                    .filter_map(|time| system_time(Some(time)))
                    .collect(),
            }),
        })
    }
}
