//! [`ScheduleHandle`]: describe, update, pause, trigger, backfill and delete one schedule.

use temporal_proto::api::schedule::v1::{SchedulePatch, TriggerImmediatelyRequest};
use temporal_proto::api::workflowservice::v1::{
    DeleteScheduleRequest, DescribeScheduleRequest, PatchScheduleRequest, UpdateScheduleRequest,
};

use crate::client::{Client, new_request_id};
use crate::error::Error;
use crate::search_attributes::SearchAttributes;

use super::{Schedule, ScheduleBackfill, ScheduleDescription, ScheduleOverlapPolicy};

/// How many times [`ScheduleHandle::update`] reads and writes again when the schedule
/// changed between its read and its write.
const UPDATE_ATTEMPTS: usize = 10;

/// A handle to one schedule. Cheap to clone.
///
/// # Examples
///
/// ```no_run
/// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
/// let handle = client.get_schedule_handle("daily-report");
/// handle.trigger().await?;
/// handle.pause("investigating a failure").await?;
/// println!("paused: {}", handle.describe().await?.schedule.state.paused);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct ScheduleHandle {
    client: Client,
    id: String,
}

/// What [`ScheduleHandle::update`] writes: the new definition, and optionally new search
/// attributes (which replace the old ones).
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{ScheduleUpdate, SearchAttributeKey, SearchAttributes};
///
/// # async fn example(handle: temporal_client::ScheduleHandle) -> Result<(), temporal_client::Error> {
/// handle
///     .update(|description| {
///         let team = SearchAttributeKey::keyword("Team");
///         Some(
///             ScheduleUpdate::from(description.schedule)
///                 .search_attributes(SearchAttributes::new().with(&team, "finance")),
///         )
///     })
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ScheduleUpdate {
    schedule: Schedule,
    search_attributes: Option<SearchAttributes>,
}

impl From<Schedule> for ScheduleUpdate {
    fn from(schedule: Schedule) -> Self {
        Self {
            schedule,
            search_attributes: None,
        }
    }
}

impl ScheduleUpdate {
    /// Replaces the schedule's search attributes with these.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{ScheduleUpdate, SearchAttributes};
    ///
    /// # async fn example(handle: temporal_client::ScheduleHandle) -> Result<(), temporal_client::Error> {
    /// // Clears them.
    /// handle
    ///     .update(|description| Some(ScheduleUpdate::from(description.schedule).search_attributes(SearchAttributes::new())))
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn search_attributes(mut self, attributes: SearchAttributes) -> Self {
        self.search_attributes = Some(attributes);
        self
    }
}

impl ScheduleHandle {
    pub(crate) fn new(client: Client, id: String) -> Self {
        Self { client, id }
    }

    /// The schedule id.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn example(client: temporal_client::Client) {
    /// assert_eq!(client.get_schedule_handle("daily-report").id(), "daily-report");
    /// # }
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The schedule's definition and what it has done: its recent actions, the workflows it
    /// started that still run, and when it acts next.
    ///
    /// # Errors
    ///
    /// [`Error::ScheduleNotFound`], [`Error::Codec`], [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::ScheduleHandle) -> Result<(), temporal_client::Error> {
    /// let description = handle.describe().await?;
    /// println!("next actions: {:?}", description.info.next_action_times);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn describe(&self) -> Result<ScheduleDescription, Error> {
        self.check_id()?;
        let request = DescribeScheduleRequest {
            namespace: self.client.namespace().to_owned(),
            schedule_id: self.id.clone(),
        };
        let response = self.client.call_schedule(&self.id, request).await?;
        ScheduleDescription::decode(self.id.clone(), response, self.client.data_converter()).await
    }

    /// Changes the schedule: reads it, passes its description to `updater`, and writes what
    /// `updater` returns (nothing when it returns `None`). The write carries the read's
    /// conflict token, so that it never overwrites a change made since the read. A scheduler
    /// that refuses such a write (`FAILED_PRECONDITION`) gets the read, `updater` and the
    /// write done again, up to 10 times. The workflow-based scheduler (the dev server's, as of
    /// server 1.32) instead drops the write without an error: the concurrent change stays, and
    /// this one is lost; describe again to check. It checks the token when it processes the
    /// write, so two writes that reach it together (in one of its workflow tasks) pass the
    /// same check, and the later one wins.
    ///
    /// # Errors
    ///
    /// [`Error::ScheduleNotFound`], [`Error::InvalidSchedule`], [`Error::Conversion`],
    /// [`Error::Rpc`] (`FAILED_PRECONDITION` when the schedule kept changing).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::ScheduleOverlapPolicy;
    ///
    /// # async fn example(handle: temporal_client::ScheduleHandle) -> Result<(), temporal_client::Error> {
    /// handle
    ///     .update(|mut description| {
    ///         description.schedule.policies.overlap = ScheduleOverlapPolicy::BufferOne;
    ///         description.schedule.spec = description.schedule.spec.cron("30 * * * *");
    ///         Some(description.schedule.into())
    ///     })
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn update<F>(&self, mut updater: F) -> Result<(), Error>
    where
        F: FnMut(ScheduleDescription) -> Option<ScheduleUpdate>,
    {
        let mut attempt = 1;
        loop {
            let description = self.describe().await?;
            let conflict_token = description.conflict_token.clone();
            let Some(update) = updater(description) else {
                return Ok(());
            };
            let request = UpdateScheduleRequest {
                namespace: self.client.namespace().to_owned(),
                schedule_id: self.id.clone(),
                schedule: Some(update.schedule.to_proto(&self.client).await?),
                conflict_token,
                identity: self.client.identity().to_owned(),
                request_id: new_request_id(),
                search_attributes: update.search_attributes.as_ref().map(|a| a.to_proto()),
                memo: None,
            };
            match self.client.call_schedule(&self.id, request).await {
                Err(Error::Rpc(rpc))
                    if rpc.code() == crate::Code::FailedPrecondition
                        && attempt < UPDATE_ATTEMPTS =>
                {
                    attempt += 1;
                }
                outcome => return outcome.map(drop),
            }
        }
    }

    /// Pauses the schedule: it takes no scheduled action until unpaused. `note` says why (an
    /// empty note records "Paused via Rust client").
    ///
    /// # Errors
    ///
    /// [`Error::ScheduleNotFound`], [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::ScheduleHandle) -> Result<(), temporal_client::Error> {
    /// handle.pause("the warehouse is closed this week").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn pause(&self, note: &str) -> Result<(), Error> {
        let note = if note.is_empty() {
            "Paused via Rust client"
        } else {
            note
        };
        self.patch(SchedulePatch {
            pause: note.to_owned(),
            ..Default::default()
        })
        .await
    }

    /// Unpauses the schedule. `note` says why (an empty note records "Unpaused via Rust
    /// client").
    ///
    /// # Errors
    ///
    /// [`Error::ScheduleNotFound`], [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::ScheduleHandle) -> Result<(), temporal_client::Error> {
    /// handle.unpause("the warehouse reopened").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn unpause(&self, note: &str) -> Result<(), Error> {
        let note = if note.is_empty() {
            "Unpaused via Rust client"
        } else {
            note
        };
        self.patch(SchedulePatch {
            unpause: note.to_owned(),
            ..Default::default()
        })
        .await
    }

    /// Takes the schedule's action now, whatever its spec, with its overlap policy; a paused
    /// schedule acts too.
    ///
    /// # Errors
    ///
    /// [`Error::ScheduleNotFound`], [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::ScheduleHandle) -> Result<(), temporal_client::Error> {
    /// handle.trigger().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn trigger(&self) -> Result<(), Error> {
        self.trigger_request(None).await
    }

    /// As [`trigger`](ScheduleHandle::trigger), with `overlap` instead of the schedule's
    /// overlap policy.
    ///
    /// # Errors
    ///
    /// [`Error::ScheduleNotFound`], [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::ScheduleOverlapPolicy;
    ///
    /// # async fn example(handle: temporal_client::ScheduleHandle) -> Result<(), temporal_client::Error> {
    /// // Start another run even if one is running.
    /// handle.trigger_with_overlap(ScheduleOverlapPolicy::AllowAll).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn trigger_with_overlap(&self, overlap: ScheduleOverlapPolicy) -> Result<(), Error> {
        self.trigger_request(Some(overlap)).await
    }

    async fn trigger_request(&self, overlap: Option<ScheduleOverlapPolicy>) -> Result<(), Error> {
        self.patch(SchedulePatch {
            trigger_immediately: Some(TriggerImmediatelyRequest {
                overlap_policy: super::overlap_to_proto(overlap).into(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
    }

    /// Takes now the actions the schedule would have taken in each range, as if it had run
    /// then.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a range that ends before it starts,
    /// [`Error::ScheduleNotFound`], [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use std::time::{Duration, SystemTime};
    /// use temporal_client::ScheduleBackfill;
    ///
    /// # async fn example(handle: temporal_client::ScheduleHandle) -> Result<(), temporal_client::Error> {
    /// let now = SystemTime::now();
    /// handle
    ///     .backfill([ScheduleBackfill::new(now - Duration::from_secs(24 * 3600), now)])
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn backfill(
        &self,
        backfills: impl IntoIterator<Item = ScheduleBackfill>,
    ) -> Result<(), Error> {
        let backfill_request = backfills
            .into_iter()
            .map(ScheduleBackfill::to_proto)
            .collect::<Result<Vec<_>, _>>()?;
        if backfill_request.is_empty() {
            return Err(Error::invalid("backfill", "no range to backfill"));
        }
        self.patch(SchedulePatch {
            backfill_request,
            ..Default::default()
        })
        .await
    }

    /// Deletes the schedule. The workflows it started are not affected.
    ///
    /// # Errors
    ///
    /// [`Error::ScheduleNotFound`], [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::ScheduleHandle) -> Result<(), temporal_client::Error> {
    /// handle.delete().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn delete(&self) -> Result<(), Error> {
        self.check_id()?;
        let request = DeleteScheduleRequest {
            namespace: self.client.namespace().to_owned(),
            schedule_id: self.id.clone(),
            identity: self.client.identity().to_owned(),
        };
        self.client.call_schedule(&self.id, request).await?;
        Ok(())
    }

    async fn patch(&self, patch: SchedulePatch) -> Result<(), Error> {
        self.check_id()?;
        let request = PatchScheduleRequest {
            namespace: self.client.namespace().to_owned(),
            schedule_id: self.id.clone(),
            patch: Some(patch),
            identity: self.client.identity().to_owned(),
            request_id: new_request_id(),
        };
        self.client.call_schedule(&self.id, request).await?;
        Ok(())
    }

    fn check_id(&self) -> Result<(), Error> {
        if self.id.is_empty() {
            return Err(Error::invalid("schedule_id", "the schedule id is empty"));
        }
        Ok(())
    }
}
