//! [`AsyncActivityHandle`]: completes, fails, cancels and heartbeats an activity that its
//! worker left to be completed from elsewhere.

use temporal_proto::api::common::v1::Payloads;
use temporal_proto::api::workflowservice::v1::{
    RecordActivityTaskHeartbeatByIdRequest, RecordActivityTaskHeartbeatRequest,
    RespondActivityTaskCanceledByIdRequest, RespondActivityTaskCanceledRequest,
    RespondActivityTaskCompletedByIdRequest, RespondActivityTaskCompletedRequest,
    RespondActivityTaskFailedByIdRequest, RespondActivityTaskFailedRequest,
};

use crate::client::Client;
use crate::converter::{ToPayload, ToPayloads};
use crate::error::Error;
use crate::failure::Failure;

/// An activity that its worker completes asynchronously (Python's
/// `activity.raise_complete_async()`, TypeScript's `CompleteAsyncError`, Go's
/// `activity.ErrResultPending`): complete it, fail it, report its cancellation, or heartbeat
/// it, from any process.
///
/// It is found by its task token (which the activity hands to whoever completes it) or by
/// its workflow id, run id and activity id. Get one with
/// [`Client::get_async_activity_handle`] or [`Client::get_async_activity_handle_by_id`].
/// Cheap to clone.
///
/// # Examples
///
/// ```no_run
/// # async fn example(client: temporal_client::Client, task_token: Vec<u8>) -> Result<(), temporal_client::Error> {
/// let activity = client.get_async_activity_handle(task_token);
/// if activity.heartbeat(("halfway",)).await?.cancel_requested {
///     activity.report_cancellation().await?;
/// } else {
///     activity.complete(&"charged").await?;
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct AsyncActivityHandle {
    client: Client,
    target: ActivityTarget,
}

/// How the server finds the activity.
#[derive(Debug, Clone)]
enum ActivityTarget {
    TaskToken(Vec<u8>),
    Id {
        workflow_id: String,
        run_id: String,
        activity_id: String,
    },
}

/// What the server answered a heartbeat: whether the activity should stop.
///
/// # Examples
///
/// ```no_run
/// # async fn example(activity: temporal_client::AsyncActivityHandle) -> Result<(), temporal_client::Error> {
/// let answer = activity.heartbeat(("step 3 of 5",)).await?;
/// if answer.cancel_requested {
///     activity.report_cancellation().await?;
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ActivityHeartbeat {
    /// The workflow asked for the activity to be cancelled: it should stop and
    /// [`report_cancellation`](AsyncActivityHandle::report_cancellation).
    pub cancel_requested: bool,
    /// The activity was paused (with `temporal activity pause`): it should stop until
    /// unpaused.
    pub paused: bool,
    /// The activity was reset: it should start over.
    pub reset: bool,
}

impl Client {
    /// The activity with this task token (the token its worker gave it, such as Python's
    /// `activity.info().task_token`), to complete asynchronously.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(client: temporal_client::Client, task_token: Vec<u8>) -> Result<(), temporal_client::Error> {
    /// client.get_async_activity_handle(task_token).complete(&"shipped").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_async_activity_handle(&self, task_token: impl Into<Vec<u8>>) -> AsyncActivityHandle {
        AsyncActivityHandle {
            client: self.clone(),
            target: ActivityTarget::TaskToken(task_token.into()),
        }
    }

    /// The activity with this id in this workflow run (an empty `run_id` means the latest
    /// run), to complete asynchronously.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let activity = client.get_async_activity_handle_by_id("order-1234", "", "charge-1");
    /// activity.complete(&"charged").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_async_activity_handle_by_id(
        &self,
        workflow_id: impl Into<String>,
        run_id: impl Into<String>,
        activity_id: impl Into<String>,
    ) -> AsyncActivityHandle {
        AsyncActivityHandle {
            client: self.clone(),
            target: ActivityTarget::Id {
                workflow_id: workflow_id.into(),
                run_id: run_id.into(),
                activity_id: activity_id.into(),
            },
        }
    }
}

impl AsyncActivityHandle {
    /// Completes the activity with `result`; the workflow's activity call returns it.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when the activity is not running (completed, failed, timed out, or
    /// never existed), [`Error::InvalidArgument`] for an empty task token or id,
    /// [`Error::Conversion`], [`Error::Codec`], [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(activity: temporal_client::AsyncActivityHandle) -> Result<(), temporal_client::Error> {
    /// activity.complete(&serde_json::json!({"receipt": "r-77"})).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn complete<R: ToPayload + ?Sized>(&self, result: &R) -> Result<(), Error> {
        let payload = self.client.data_converter().to_payload(result)?;
        let result = self.client.encode_payloads(vec![payload]).await?;
        let namespace = self.client.namespace().to_owned();
        let identity = self.client.identity().to_owned();
        match self.target()? {
            Target::Token(task_token) => {
                let request = RespondActivityTaskCompletedRequest {
                    task_token: task_token.to_vec(),
                    result,
                    identity,
                    namespace,
                    ..Default::default()
                };
                self.client.call(request, "").await?;
            }
            Target::Id(workflow_id, run_id, activity_id) => {
                let request = RespondActivityTaskCompletedByIdRequest {
                    namespace,
                    workflow_id: workflow_id.to_owned(),
                    run_id: run_id.to_owned(),
                    activity_id: activity_id.to_owned(),
                    result,
                    identity,
                    ..Default::default()
                };
                self.client.call(request, workflow_id).await?;
            }
        }
        Ok(())
    }

    /// Fails the activity with `failure` (usually [`Failure::application`]); the server
    /// retries the activity by its retry policy unless the failure is non-retryable, and the
    /// workflow's activity call fails once it gives up.
    ///
    /// # Errors
    ///
    /// As [`complete`](AsyncActivityHandle::complete).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::Failure;
    ///
    /// # async fn example(activity: temporal_client::AsyncActivityHandle) -> Result<(), temporal_client::Error> {
    /// activity
    ///     .fail(&Failure::application("card declined", "CardDeclined").non_retryable())
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn fail(&self, failure: &Failure) -> Result<(), Error> {
        let failure = Some(failure.encode(self.client.data_converter()).await?);
        let namespace = self.client.namespace().to_owned();
        let identity = self.client.identity().to_owned();
        match self.target()? {
            Target::Token(task_token) => {
                let request = RespondActivityTaskFailedRequest {
                    task_token: task_token.to_vec(),
                    failure,
                    identity,
                    namespace,
                    ..Default::default()
                };
                self.client.call(request, "").await?;
            }
            Target::Id(workflow_id, run_id, activity_id) => {
                let request = RespondActivityTaskFailedByIdRequest {
                    namespace,
                    workflow_id: workflow_id.to_owned(),
                    run_id: run_id.to_owned(),
                    activity_id: activity_id.to_owned(),
                    failure,
                    identity,
                    ..Default::default()
                };
                self.client.call(request, workflow_id).await?;
            }
        }
        Ok(())
    }

    /// Reports that the activity stopped because its cancellation was requested (see
    /// [`ActivityHeartbeat::cancel_requested`]); the workflow's activity call fails as
    /// cancelled.
    ///
    /// # Errors
    ///
    /// As [`complete`](AsyncActivityHandle::complete).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(activity: temporal_client::AsyncActivityHandle) -> Result<(), temporal_client::Error> {
    /// activity.report_cancellation().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn report_cancellation(&self) -> Result<(), Error> {
        self.report_cancellation_with_details(()).await
    }

    /// As [`report_cancellation`](AsyncActivityHandle::report_cancellation), with details
    /// (a tuple, one payload each) that the workflow's cancelled failure carries.
    ///
    /// # Errors
    ///
    /// As [`complete`](AsyncActivityHandle::complete).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(activity: temporal_client::AsyncActivityHandle) -> Result<(), temporal_client::Error> {
    /// activity.report_cancellation_with_details(("stopped after 3 of 5 items",)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn report_cancellation_with_details<A: ToPayloads>(
        &self,
        details: A,
    ) -> Result<(), Error> {
        let details = self.client.encode_args(&details).await?;
        let namespace = self.client.namespace().to_owned();
        let identity = self.client.identity().to_owned();
        match self.target()? {
            Target::Token(task_token) => {
                let request = RespondActivityTaskCanceledRequest {
                    task_token: task_token.to_vec(),
                    details,
                    identity,
                    namespace,
                    ..Default::default()
                };
                self.client.call(request, "").await?;
            }
            Target::Id(workflow_id, run_id, activity_id) => {
                let request = RespondActivityTaskCanceledByIdRequest {
                    namespace,
                    workflow_id: workflow_id.to_owned(),
                    run_id: run_id.to_owned(),
                    activity_id: activity_id.to_owned(),
                    details,
                    identity,
                    ..Default::default()
                };
                self.client.call(request, workflow_id).await?;
            }
        }
        Ok(())
    }

    /// Records that the activity is alive, with `details` (a tuple, one payload each; `()`
    /// for none) that a retry of it can read back. The answer says whether it should stop:
    /// check [`ActivityHeartbeat::cancel_requested`].
    ///
    /// An activity with a heartbeat timeout times out unless it heartbeats that often.
    ///
    /// # Errors
    ///
    /// As [`complete`](AsyncActivityHandle::complete).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(activity: temporal_client::AsyncActivityHandle) -> Result<(), temporal_client::Error> {
    /// for step in 1..=5 {
    ///     if activity.heartbeat((step,)).await?.cancel_requested {
    ///         return activity.report_cancellation().await;
    ///     }
    /// }
    /// activity.complete(&"done").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn heartbeat<A: ToPayloads>(&self, details: A) -> Result<ActivityHeartbeat, Error> {
        let details: Option<Payloads> = self.client.encode_args(&details).await?;
        let namespace = self.client.namespace().to_owned();
        let identity = self.client.identity().to_owned();
        let response = match self.target()? {
            Target::Token(task_token) => {
                let request = RecordActivityTaskHeartbeatRequest {
                    task_token: task_token.to_vec(),
                    details,
                    identity,
                    namespace,
                    ..Default::default()
                };
                self.client.call(request, "").await?
            }
            Target::Id(workflow_id, run_id, activity_id) => {
                let request = RecordActivityTaskHeartbeatByIdRequest {
                    namespace,
                    workflow_id: workflow_id.to_owned(),
                    run_id: run_id.to_owned(),
                    activity_id: activity_id.to_owned(),
                    details,
                    identity,
                    ..Default::default()
                };
                let response = self.client.call(request, workflow_id).await?;
                // The same three answers, in a message of another name.
                temporal_proto::api::workflowservice::v1::RecordActivityTaskHeartbeatResponse {
                    cancel_requested: response.cancel_requested,
                    activity_paused: response.activity_paused,
                    activity_reset: response.activity_reset,
                }
            }
        };
        Ok(ActivityHeartbeat {
            cancel_requested: response.cancel_requested,
            paused: response.activity_paused,
            reset: response.activity_reset,
        })
    }

    /// The target, checked: the server answers an empty token or id with a message that does
    /// not say which.
    fn target(&self) -> Result<Target<'_>, Error> {
        match &self.target {
            ActivityTarget::TaskToken(token) if token.is_empty() => {
                Err(Error::invalid("task_token", "the task token is empty"))
            }
            ActivityTarget::TaskToken(token) => Ok(Target::Token(token)),
            ActivityTarget::Id { workflow_id, .. } if workflow_id.is_empty() => {
                Err(Error::invalid("workflow_id", "the workflow id is empty"))
            }
            ActivityTarget::Id { activity_id, .. } if activity_id.is_empty() => {
                Err(Error::invalid("activity_id", "the activity id is empty"))
            }
            ActivityTarget::Id {
                workflow_id,
                run_id,
                activity_id,
            } => Ok(Target::Id(workflow_id, run_id, activity_id)),
        }
    }
}

/// A borrowed [`ActivityTarget`], once checked.
enum Target<'a> {
    Token(&'a [u8]),
    Id(&'a str, &'a str, &'a str),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClientOptions, Connection, ConnectionOptions};

    fn unreachable_client() -> Client {
        let connection =
            Connection::connect_lazy(ConnectionOptions::new("127.0.0.1:1")).expect("valid options");
        Client::with_options(connection, ClientOptions::default()).expect("valid options")
    }

    #[tokio::test]
    async fn an_empty_token_or_id_is_refused_before_sending() {
        let client = unreachable_client();
        let error = client
            .get_async_activity_handle(Vec::new())
            .complete(&1)
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                Error::InvalidArgument {
                    field: "task_token",
                    ..
                }
            ),
            "{error:?}"
        );
        let error = client
            .get_async_activity_handle_by_id("wf", "", "")
            .heartbeat(())
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                Error::InvalidArgument {
                    field: "activity_id",
                    ..
                }
            ),
            "{error:?}"
        );
        let error = client
            .get_async_activity_handle_by_id("", "", "a")
            .report_cancellation()
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                Error::InvalidArgument {
                    field: "workflow_id",
                    ..
                }
            ),
            "{error:?}"
        );
    }
}
