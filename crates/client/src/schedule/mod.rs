//! Schedules: workflows started by the server on a calendar, an interval or a cron string,
//! with overlap and catch-up policies, paused and resumed, triggered and backfilled.
//!
//! [`Client::create_schedule`] creates one, [`Client::get_schedule_handle`] finds one,
//! [`Client::list_schedules`] lists them; a [`ScheduleHandle`] describes, updates, pauses,
//! triggers, backfills and deletes one.

mod action;
mod description;
mod handle;
mod spec;

use std::time::{Duration, SystemTime};

use temporal_proto::api::common::v1::Memo as ProtoMemo;
use temporal_proto::api::enums::v1::ScheduleOverlapPolicy as ProtoOverlapPolicy;
use temporal_proto::api::schedule::v1::{
    BackfillRequest, Schedule as ProtoSchedule, SchedulePatch, SchedulePolicies as ProtoPolicies,
    ScheduleState as ProtoState, TriggerImmediatelyRequest,
};
use temporal_proto::api::workflowservice::v1::{CreateScheduleRequest, ListSchedulesRequest};

pub use action::ScheduleAction;
pub use description::{
    ScheduleActionResult, ScheduleDescription, ScheduleInfo, ScheduleListEntry, ScheduleListInfo,
    ScheduledWorkflow,
};
pub use handle::{ScheduleHandle, ScheduleUpdate};
pub use spec::{CalendarSpec, IntervalSpec, ScheduleRange, ScheduleSpec};

use crate::client::{Client, new_request_id};
use crate::converter::{DataConverter, Payload};
use crate::error::Error;
use crate::options::to_proto_duration;
use crate::paging::PagedStream;
use crate::search_attributes::SearchAttributes;

use spec::{duration, timestamp};

/// A schedule: what it does ([`ScheduleAction`]), when ([`ScheduleSpec`]), how it handles
/// overlaps and missed times ([`SchedulePolicies`]), and whether it is paused
/// ([`ScheduleState`]).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use temporal_client::{Schedule, ScheduleAction, ScheduleOverlapPolicy, ScheduleSpec, StartOptions};
///
/// let schedule = Schedule::new(
///     ScheduleAction::start_workflow("report", ("daily",), StartOptions::new("report", "reports")),
///     ScheduleSpec::default().cron("0 6 * * *"),
/// )
/// .overlap_policy(ScheduleOverlapPolicy::BufferOne)
/// .catchup_window(Duration::from_secs(3600))
/// .paused("waiting for the launch");
/// # let _ = schedule;
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Schedule {
    /// What the schedule does.
    pub action: ScheduleAction,
    /// When.
    pub spec: ScheduleSpec,
    /// How it handles overlaps, missed times and failures.
    pub policies: SchedulePolicies,
    /// Whether it is paused, and how many actions it has left.
    pub state: ScheduleState,
}

impl Schedule {
    /// A schedule that takes `action` at the times of `spec`, with the default policies,
    /// unpaused and unlimited.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::{Schedule, ScheduleAction, ScheduleSpec, StartOptions};
    ///
    /// let schedule = Schedule::new(
    ///     ScheduleAction::start_workflow("heartbeat", (), StartOptions::new("heartbeat", "ops")),
    ///     ScheduleSpec::default().interval(Duration::from_secs(300)),
    /// );
    /// # let _ = schedule;
    /// ```
    pub fn new(action: ScheduleAction, spec: ScheduleSpec) -> Self {
        Self {
            action,
            spec,
            policies: SchedulePolicies::default(),
            state: ScheduleState::default(),
        }
    }

    /// What to do when an action is due while the workflow of an earlier one still runs.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{Schedule, ScheduleAction, ScheduleOverlapPolicy, ScheduleSpec, StartOptions};
    ///
    /// # let action = ScheduleAction::start_workflow("sync", (), StartOptions::new("sync", "ops"));
    /// let schedule = Schedule::new(action, ScheduleSpec::default().cron("@hourly"))
    ///     .overlap_policy(ScheduleOverlapPolicy::CancelOther);
    /// # let _ = schedule;
    /// ```
    #[must_use]
    pub fn overlap_policy(mut self, policy: ScheduleOverlapPolicy) -> Self {
        self.policies.overlap = policy;
        self
    }

    /// How late a missed action (the server was down, the schedule paused) may still be
    /// taken.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use temporal_client::{Schedule, ScheduleAction, ScheduleSpec, StartOptions};
    ///
    /// # let action = ScheduleAction::start_workflow("sync", (), StartOptions::new("sync", "ops"));
    /// let schedule = Schedule::new(action, ScheduleSpec::default().cron("@hourly"))
    ///     .catchup_window(Duration::from_secs(10 * 60));
    /// # let _ = schedule;
    /// ```
    #[must_use]
    pub fn catchup_window(mut self, window: Duration) -> Self {
        self.policies.catchup_window = Some(window);
        self
    }

    /// Pauses the schedule when a workflow it started fails (or times out).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{Schedule, ScheduleAction, ScheduleSpec, StartOptions};
    ///
    /// # let action = ScheduleAction::start_workflow("sync", (), StartOptions::new("sync", "ops"));
    /// let schedule = Schedule::new(action, ScheduleSpec::default().cron("@hourly")).pause_on_failure();
    /// # let _ = schedule;
    /// ```
    #[must_use]
    pub fn pause_on_failure(mut self) -> Self {
        self.policies.pause_on_failure = true;
        self
    }

    /// Creates the schedule paused, with `note` saying why.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{Schedule, ScheduleAction, ScheduleSpec, StartOptions};
    ///
    /// # let action = ScheduleAction::start_workflow("sync", (), StartOptions::new("sync", "ops"));
    /// let schedule = Schedule::new(action, ScheduleSpec::default().cron("@hourly"))
    ///     .paused("enabled after the migration");
    /// # let _ = schedule;
    /// ```
    #[must_use]
    pub fn paused(mut self, note: impl Into<String>) -> Self {
        self.state.paused = true;
        self.state.note = note.into();
        self
    }

    /// Takes at most `actions` more actions, then stops (scheduled and backfilled ones count;
    /// triggered ones do not).
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{Schedule, ScheduleAction, ScheduleSpec, StartOptions};
    ///
    /// # let action = ScheduleAction::start_workflow("reminder", (), StartOptions::new("reminder", "ops"));
    /// let schedule = Schedule::new(action, ScheduleSpec::default().cron("@daily")).remaining_actions(3);
    /// # let _ = schedule;
    /// ```
    #[must_use]
    pub fn remaining_actions(mut self, actions: u64) -> Self {
        self.state.remaining_actions = Some(actions);
        self
    }

    pub(crate) async fn to_proto(&self, client: &Client) -> Result<ProtoSchedule, Error> {
        Ok(ProtoSchedule {
            spec: Some(self.spec.to_proto()?),
            action: Some(self.action.to_proto(client).await?),
            policies: Some(ProtoPolicies {
                overlap_policy: self.policies.overlap.to_proto().into(),
                catchup_window: to_proto_duration(
                    "policies.catchup_window",
                    self.policies.catchup_window,
                )?,
                pause_on_failure: self.policies.pause_on_failure,
                keep_original_workflow_id: false,
            }),
            state: Some(ProtoState {
                notes: self.state.note.clone(),
                paused: self.state.paused,
                limited_actions: self.state.remaining_actions.is_some(),
                remaining_actions: match self.state.remaining_actions {
                    None => 0,
                    Some(actions) => i64::try_from(actions).map_err(|_| {
                        Error::invalid("state.remaining_actions", "more than i64::MAX actions")
                    })?,
                },
            }),
        })
    }

    pub(crate) async fn from_proto(
        proto: ProtoSchedule,
        converter: &DataConverter,
    ) -> Result<Self, Error> {
        let policies = proto.policies.unwrap_or_default();
        let state = proto.state.unwrap_or_default();
        Ok(Self {
            action: ScheduleAction::from_proto(proto.action, converter).await?,
            spec: ScheduleSpec::from_proto(proto.spec.unwrap_or_default()),
            policies: SchedulePolicies {
                overlap: ScheduleOverlapPolicy::from_proto(policies.overlap_policy()),
                catchup_window: duration(policies.catchup_window),
                pause_on_failure: policies.pause_on_failure,
            },
            state: ScheduleState {
                paused: state.paused,
                note: state.notes,
                remaining_actions: state
                    .limited_actions
                    .then(|| u64::try_from(state.remaining_actions).unwrap_or(0)),
            },
        })
    }
}

/// How a schedule handles overlaps, missed times and failures.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use temporal_client::{SchedulePolicies, ScheduleOverlapPolicy};
///
/// let mut policies = SchedulePolicies::default();
/// policies.overlap = ScheduleOverlapPolicy::AllowAll;
/// policies.catchup_window = Some(Duration::from_secs(300));
/// # let _ = policies;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SchedulePolicies {
    /// What to do when an action is due while an earlier workflow still runs. Defaults to
    /// [`ScheduleOverlapPolicy::Skip`].
    pub overlap: ScheduleOverlapPolicy,
    /// How late a missed action may still be taken; `None` for the server's default (one
    /// year since server 1.24, one minute before; a described schedule reports it).
    pub catchup_window: Option<Duration>,
    /// Whether a failed workflow pauses the schedule.
    pub pause_on_failure: bool,
}

/// Whether a schedule is paused, and how many actions it has left.
///
/// # Examples
///
/// ```
/// use temporal_client::ScheduleState;
///
/// let mut state = ScheduleState::default();
/// state.paused = true;
/// state.note = "maintenance window".to_owned();
/// # let _ = state;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScheduleState {
    /// Whether the schedule is paused: it takes no scheduled action (a trigger still acts).
    pub paused: bool,
    /// Why it was paused or unpaused, for humans.
    pub note: String,
    /// How many scheduled actions it may still take; `None` for unlimited.
    pub remaining_actions: Option<u64>,
}

/// What a schedule does when an action is due while the workflow of an earlier one still
/// runs.
///
/// # Examples
///
/// ```
/// use temporal_client::ScheduleOverlapPolicy;
///
/// assert_eq!(ScheduleOverlapPolicy::default(), ScheduleOverlapPolicy::Skip);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ScheduleOverlapPolicy {
    /// The new action is not taken.
    #[default]
    Skip,
    /// The new action waits for the running workflow; only the latest waiting one is kept.
    BufferOne,
    /// Every new action waits for the running workflow, in order.
    BufferAll,
    /// The running workflow is cancelled, and the new one starts once it closes.
    CancelOther,
    /// The running workflow is terminated, and the new one starts at once.
    TerminateOther,
    /// The new workflow starts alongside the running one.
    AllowAll,
}

impl ScheduleOverlapPolicy {
    fn to_proto(self) -> ProtoOverlapPolicy {
        match self {
            Self::Skip => ProtoOverlapPolicy::Skip,
            Self::BufferOne => ProtoOverlapPolicy::BufferOne,
            Self::BufferAll => ProtoOverlapPolicy::BufferAll,
            Self::CancelOther => ProtoOverlapPolicy::CancelOther,
            Self::TerminateOther => ProtoOverlapPolicy::TerminateOther,
            Self::AllowAll => ProtoOverlapPolicy::AllowAll,
        }
    }

    /// The server treats an unspecified policy as `Skip`.
    fn from_proto(proto: ProtoOverlapPolicy) -> Self {
        match proto {
            ProtoOverlapPolicy::Unspecified | ProtoOverlapPolicy::Skip => Self::Skip,
            ProtoOverlapPolicy::BufferOne => Self::BufferOne,
            ProtoOverlapPolicy::BufferAll => Self::BufferAll,
            ProtoOverlapPolicy::CancelOther => Self::CancelOther,
            ProtoOverlapPolicy::TerminateOther => Self::TerminateOther,
            ProtoOverlapPolicy::AllowAll => Self::AllowAll,
        }
    }
}

/// A time range whose actions a schedule takes now, as if it had run then: for
/// [`ScheduleHandle::backfill`] and [`CreateScheduleOptions::backfill`].
///
/// # Examples
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use temporal_client::{ScheduleBackfill, ScheduleOverlapPolicy};
///
/// let now = SystemTime::now();
/// let last_week = ScheduleBackfill::new(now - Duration::from_secs(7 * 24 * 3600), now)
///     .overlap_policy(ScheduleOverlapPolicy::AllowAll);
/// # let _ = last_week;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScheduleBackfill {
    /// The start of the range.
    pub start_at: SystemTime,
    /// The end of the range (inclusive).
    pub end_at: SystemTime,
    /// The overlap policy of these actions; `None` for the schedule's.
    pub overlap: Option<ScheduleOverlapPolicy>,
}

impl ScheduleBackfill {
    /// The actions the schedule would have taken from `start_at` to `end_at`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use temporal_client::ScheduleBackfill;
    ///
    /// let now = SystemTime::now();
    /// let yesterday = ScheduleBackfill::new(now - Duration::from_secs(24 * 3600), now);
    /// # let _ = yesterday;
    /// ```
    pub fn new(start_at: SystemTime, end_at: SystemTime) -> Self {
        Self {
            start_at,
            end_at,
            overlap: None,
        }
    }

    /// The overlap policy of these actions, instead of the schedule's.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use temporal_client::{ScheduleBackfill, ScheduleOverlapPolicy};
    ///
    /// let now = SystemTime::now();
    /// let backfill = ScheduleBackfill::new(now - Duration::from_secs(3600), now)
    ///     .overlap_policy(ScheduleOverlapPolicy::BufferAll);
    /// # let _ = backfill;
    /// ```
    #[must_use]
    pub fn overlap_policy(mut self, policy: ScheduleOverlapPolicy) -> Self {
        self.overlap = Some(policy);
        self
    }

    fn to_proto(self) -> Result<BackfillRequest, Error> {
        if self.end_at < self.start_at {
            return Err(Error::invalid(
                "backfill",
                "the range ends before it starts",
            ));
        }
        Ok(BackfillRequest {
            start_time: timestamp("backfill", Some(self.start_at))?,
            end_time: timestamp("backfill", Some(self.end_at))?,
            overlap_policy: overlap_to_proto(self.overlap).into(),
        })
    }
}

/// What [`Client::create_schedule`] sets besides the schedule: its memo and search
/// attributes, and actions to take at once.
///
/// # Examples
///
/// ```
/// use temporal_client::{CreateScheduleOptions, SearchAttributeKey, SearchAttributes};
///
/// let options = CreateScheduleOptions::default()
///     .memo("owner", "team-reports")
///     .search_attributes(SearchAttributes::new().with(&SearchAttributeKey::keyword("Team"), "reports"))
///     .trigger_immediately();
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct CreateScheduleOptions {
    memo: Vec<(String, Result<serde_json::Value, String>)>,
    search_attributes: Option<SearchAttributes>,
    trigger_immediately: bool,
    backfills: Vec<ScheduleBackfill>,
}

impl CreateScheduleOptions {
    /// Annotates the schedule (not its workflows) with a value, shown by describe and list.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::CreateScheduleOptions;
    ///
    /// let options = CreateScheduleOptions::default().memo("owner", "team-reports");
    /// # let _ = options;
    /// ```
    pub fn memo(mut self, key: impl Into<String>, value: impl serde::Serialize) -> Self {
        let value = serde_json::to_value(value).map_err(|e| e.to_string());
        self.memo.push((key.into(), value));
        self
    }

    /// Indexed attributes of the schedule (not its workflows), that
    /// [`Client::list_schedules`] queries can filter on.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{CreateScheduleOptions, SearchAttributeKey, SearchAttributes};
    ///
    /// let team = SearchAttributeKey::keyword("Team");
    /// let options = CreateScheduleOptions::default().search_attributes(SearchAttributes::new().with(&team, "reports"));
    /// # let _ = options;
    /// ```
    pub fn search_attributes(mut self, attributes: SearchAttributes) -> Self {
        self.search_attributes = Some(attributes);
        self
    }

    /// Takes one action as soon as the schedule is created, whatever its spec.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::CreateScheduleOptions;
    ///
    /// let options = CreateScheduleOptions::default().trigger_immediately();
    /// # let _ = options;
    /// ```
    pub fn trigger_immediately(mut self) -> Self {
        self.trigger_immediately = true;
        self
    }

    /// Takes the actions of a past time range as soon as the schedule is created.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use temporal_client::{CreateScheduleOptions, ScheduleBackfill};
    ///
    /// let now = SystemTime::now();
    /// let options = CreateScheduleOptions::default()
    ///     .backfill(ScheduleBackfill::new(now - Duration::from_secs(3600), now));
    /// # let _ = options;
    /// ```
    pub fn backfill(mut self, backfill: ScheduleBackfill) -> Self {
        self.backfills.push(backfill);
        self
    }
}

impl Client {
    /// Creates the schedule `schedule_id`, and returns a handle to it.
    ///
    /// # Errors
    ///
    /// [`Error::ScheduleAlreadyExists`] when the id is taken, [`Error::InvalidSchedule`] when
    /// the server refuses the spec (or another part), [`Error::InvalidArgument`] and
    /// [`Error::Conversion`] before anything is sent, [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use temporal_client::{CreateScheduleOptions, Schedule, ScheduleAction, ScheduleSpec, StartOptions};
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let schedule = Schedule::new(
    ///     ScheduleAction::start_workflow("report", ("daily",), StartOptions::new("report", "reports")),
    ///     ScheduleSpec::default().interval(Duration::from_secs(24 * 3600)),
    /// );
    /// let handle = client
    ///     .create_schedule("daily-report", schedule, CreateScheduleOptions::default())
    ///     .await?;
    /// println!("created {}", handle.id());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create_schedule(
        &self,
        schedule_id: impl Into<String>,
        schedule: Schedule,
        options: CreateScheduleOptions,
    ) -> Result<ScheduleHandle, Error> {
        let schedule_id = schedule_id.into();
        if schedule_id.is_empty() {
            return Err(Error::invalid("schedule_id", "the schedule id is empty"));
        }
        let initial_patch = if options.trigger_immediately || !options.backfills.is_empty() {
            Some(SchedulePatch {
                trigger_immediately: options.trigger_immediately.then(|| {
                    TriggerImmediatelyRequest {
                        overlap_policy: overlap_to_proto(None).into(),
                        ..Default::default()
                    }
                }),
                backfill_request: options
                    .backfills
                    .iter()
                    .map(|backfill| backfill.to_proto())
                    .collect::<Result<_, _>>()?,
                ..Default::default()
            })
        } else {
            None
        };
        let request = CreateScheduleRequest {
            namespace: self.namespace().to_owned(),
            schedule_id: schedule_id.clone(),
            schedule: Some(schedule.to_proto(self).await?),
            initial_patch,
            identity: self.identity().to_owned(),
            request_id: new_request_id(),
            memo: self.encode_memo(&options.memo).await?,
            search_attributes: options.search_attributes.as_ref().map(|a| a.to_proto()),
        };
        self.call_schedule(&schedule_id, request).await?;
        Ok(self.get_schedule_handle(schedule_id))
    }

    /// A handle to the schedule with this id; whether it exists is found when a call is made.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// client.get_schedule_handle("daily-report").pause("holidays").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_schedule_handle(&self, schedule_id: impl Into<String>) -> ScheduleHandle {
        ScheduleHandle::new(self.clone(), schedule_id.into())
    }

    /// The schedules that match a visibility `query` (empty for all), such as
    /// `TemporalSchedulePaused = true`, fetched a page at a time as the stream is read.
    /// Visibility is eventually consistent: a schedule created a moment ago may not be
    /// listed yet.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let mut schedules = client.list_schedules("");
    /// while let Some(entry) = schedules.next().await {
    ///     let entry = entry?;
    ///     println!("{} paused: {}", entry.id, entry.info.as_ref().is_some_and(|info| info.paused));
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn list_schedules(&self, query: impl Into<String>) -> PagedStream<ScheduleListEntry> {
        let client = self.clone();
        let query = query.into();
        crate::paging::pages(move |next_page_token| {
            let client = client.clone();
            let request = ListSchedulesRequest {
                namespace: client.namespace().to_owned(),
                maximum_page_size: 0,
                next_page_token,
                query: query.clone(),
            };
            async move {
                let response = client.call(request, "").await?;
                let mut entries = Vec::with_capacity(response.schedules.len());
                for entry in response.schedules {
                    entries.push(ScheduleListEntry::decode(entry, client.data_converter()).await?);
                }
                Ok((entries, response.next_page_token))
            }
        })
    }

    /// Makes a schedule call: the errors that name a schedule become their variants.
    async fn call_schedule<Req: crate::interceptor::Rpc>(
        &self,
        schedule_id: &str,
        request: Req,
    ) -> Result<Req::Response, Error> {
        self.call(request, schedule_id)
            .await
            .map_err(|error| schedule_error(error, schedule_id))
    }

    async fn encode_memo(
        &self,
        memo: &[(String, Result<serde_json::Value, String>)],
    ) -> Result<Option<ProtoMemo>, Error> {
        if memo.is_empty() {
            return Ok(None);
        }
        let converter = self.data_converter();
        let mut keys = Vec::with_capacity(memo.len());
        let mut payloads = Vec::with_capacity(memo.len());
        for (key, value) in memo {
            let value = value
                .as_ref()
                .map_err(|reason| Error::invalid("memo", format!("`{key}`: {reason}")))?;
            keys.push(key.clone());
            payloads.push(converter.to_payload(value)?);
        }
        let payloads = converter.encode(payloads).await?;
        Ok(Some(ProtoMemo {
            fields: keys
                .into_iter()
                .zip(payloads.into_iter().map(Payload::into_raw_proto))
                .collect(),
        }))
    }
}

fn overlap_to_proto(policy: Option<ScheduleOverlapPolicy>) -> ProtoOverlapPolicy {
    policy.map_or(
        ProtoOverlapPolicy::Unspecified,
        ScheduleOverlapPolicy::to_proto,
    )
}

/// The server answers a taken schedule id as a taken workflow id (the schedule runs as a
/// workflow), an unknown one as not found, and a spec it cannot read as an invalid argument.
fn schedule_error(error: Error, schedule_id: &str) -> Error {
    match error {
        Error::AlreadyStarted { .. } => Error::ScheduleAlreadyExists {
            schedule_id: schedule_id.to_owned(),
        },
        Error::NotFound { .. } => Error::ScheduleNotFound {
            schedule_id: schedule_id.to_owned(),
        },
        Error::Rpc(rpc) if rpc.code() == crate::Code::AlreadyExists => {
            Error::ScheduleAlreadyExists {
                schedule_id: schedule_id.to_owned(),
            }
        }
        Error::Rpc(rpc) if rpc.code() == crate::Code::InvalidArgument => Error::InvalidSchedule {
            schedule_id: schedule_id.to_owned(),
            message: rpc.message().to_owned(),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::RpcError;

    #[test]
    fn schedule_statuses_become_errors_naming_the_schedule() {
        let taken = Error::from_status(tonic::Status::already_exists("exists"), "s-1", "default");
        assert!(matches!(
            schedule_error(taken, "s-1"),
            Error::ScheduleAlreadyExists { schedule_id } if schedule_id == "s-1"
        ));
        let unknown = Error::from_status(tonic::Status::not_found("gone"), "s-2", "default");
        assert!(matches!(
            schedule_error(unknown, "s-2"),
            Error::ScheduleNotFound { schedule_id } if schedule_id == "s-2"
        ));
        let invalid = Error::Rpc(RpcError::from_raw_status(tonic::Status::invalid_argument(
            "Invalid schedule spec: bad cron",
        )));
        let error = schedule_error(invalid, "s-3");
        assert_eq!(
            error.to_string(),
            "invalid schedule `s-3`: Invalid schedule spec: bad cron"
        );
        let other = Error::Rpc(RpcError::from_raw_status(tonic::Status::unavailable(
            "down",
        )));
        assert!(matches!(schedule_error(other, "s-4"), Error::Rpc(_)));
    }

    #[test]
    fn a_backwards_backfill_is_refused() {
        let now = SystemTime::now();
        let error = ScheduleBackfill::new(now, now - Duration::from_secs(1))
            .to_proto()
            .unwrap_err();
        assert!(matches!(
            error,
            Error::InvalidArgument {
                field: "backfill",
                ..
            }
        ));
    }

    #[test]
    fn overlap_policies_map_both_ways_and_unspecified_reads_as_skip() {
        for policy in [
            ScheduleOverlapPolicy::Skip,
            ScheduleOverlapPolicy::BufferOne,
            ScheduleOverlapPolicy::BufferAll,
            ScheduleOverlapPolicy::CancelOther,
            ScheduleOverlapPolicy::TerminateOther,
            ScheduleOverlapPolicy::AllowAll,
        ] {
            assert_eq!(ScheduleOverlapPolicy::from_proto(policy.to_proto()), policy);
        }
        assert_eq!(
            ScheduleOverlapPolicy::from_proto(ProtoOverlapPolicy::Unspecified),
            ScheduleOverlapPolicy::Skip
        );
    }
}
