//! Workflow updates: [`WorkflowHandle::execute_update`], [`WorkflowHandle::start_update`] and
//! the [`UpdateHandle`] that waits for an update's outcome.

use std::fmt;
use std::marker::PhantomData;
use std::time::Instant;

use temporal_proto::api::common::v1::WorkflowExecution;
use temporal_proto::api::enums::v1::UpdateWorkflowExecutionLifecycleStage;
use temporal_proto::api::update::v1::outcome::Value as OutcomeValue;
use temporal_proto::api::update::v1::{Input, Meta, Request, UpdateRef, WaitPolicy};
use temporal_proto::api::workflowservice::v1::{
    PollWorkflowExecutionUpdateRequest, UpdateWorkflowExecutionRequest,
    UpdateWorkflowExecutionResponse,
};

use crate::call::LONG_POLL_TIMEOUT;
use crate::client::{Client, new_request_id};
use crate::contract::{CallFuture, Contract, UpdateCall};
use crate::converter::{ConversionError, FromPayload, Payload};
use crate::error::Error;
use crate::failure::Failure;
use crate::handle::WorkflowHandle;
use crate::wait::LongPoll;

/// How far an update must have got before [`WorkflowHandle::start_update`] returns.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{UpdateStage, by_name};
///
/// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
/// // Return as soon as the workflow accepted the update ...
/// let update = handle.start_update::<i64, _>(by_name("setValue").arg(42), UpdateStage::Accepted).await?;
/// // ... and wait for its result later.
/// let previous = update.result().await?;
/// # let _ = previous;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UpdateStage {
    /// The workflow's validator accepted it (or there is none): it will run.
    #[default]
    Accepted,
    /// It ran to its outcome.
    Completed,
}

impl UpdateStage {
    fn to_proto(self) -> UpdateWorkflowExecutionLifecycleStage {
        match self {
            Self::Accepted => UpdateWorkflowExecutionLifecycleStage::Accepted,
            Self::Completed => UpdateWorkflowExecutionLifecycleStage::Completed,
        }
    }
}

/// How an update is sent: its id, and how far it must have got before
/// [`WorkflowHandle::start_update_with_options`] returns.
///
/// # Retrying safely
///
/// The update id is what makes an update happen once. The server runs one update per id in
/// a run: an update sent again with the same id (while it is in flight, or after it completed)
/// is not run again, and answers with the first one's outcome. So when an update's outcome is
/// unknown (the call failed after the retry budget, the process restarted), send it again
/// **with the same id**. Without an id set here, each call makes a fresh one, and a retry by
/// the caller is a second update.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{UpdateOptions, UpdateStage, by_name};
///
/// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
/// // An id derived from the business operation, so that a retry is the same update.
/// let options = UpdateOptions::new().id("payment-7781").wait_for(UpdateStage::Accepted);
/// let update = handle
///     .start_update_with_options::<i64, _>(by_name("charge").arg(250), options)
///     .await?;
/// let balance = update.result().await?;
/// # let _ = balance;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct UpdateOptions {
    id: Option<String>,
    wait_for: UpdateStage,
}

impl UpdateOptions {
    /// A fresh update id, and [`UpdateStage::Accepted`].
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::UpdateOptions;
    ///
    /// let options = UpdateOptions::new();
    /// # let _ = options;
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The update's id: an update sent again with the same id to the same run is not run
    /// again (see [Retrying safely](UpdateOptions#retrying-safely)). Defaults to a fresh
    /// UUID per call. Must not be empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::UpdateOptions;
    ///
    /// let options = UpdateOptions::new().id("payment-7781");
    /// # let _ = options;
    /// ```
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// How far the update must have got before
    /// [`start_update_with_options`](WorkflowHandle::start_update_with_options) returns.
    /// Defaults to [`UpdateStage::Accepted`];
    /// [`execute_update_with_options`](WorkflowHandle::execute_update_with_options) always
    /// waits for [`UpdateStage::Completed`].
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{UpdateOptions, UpdateStage};
    ///
    /// let options = UpdateOptions::new().wait_for(UpdateStage::Completed);
    /// # let _ = options;
    /// ```
    pub fn wait_for(mut self, stage: UpdateStage) -> Self {
        self.wait_for = stage;
        self
    }
}

impl From<UpdateStage> for UpdateOptions {
    /// A fresh update id, and `stage` to wait for.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{UpdateOptions, UpdateStage};
    ///
    /// let options = UpdateOptions::from(UpdateStage::Completed);
    /// assert_eq!(options, UpdateOptions::new().wait_for(UpdateStage::Completed));
    /// ```
    fn from(stage: UpdateStage) -> Self {
        Self::new().wait_for(stage)
    }
}

impl UpdateOptions {
    /// The stage to wait for.
    pub(crate) fn stage(&self) -> UpdateStage {
        self.wait_for
    }

    /// The update id, if one was set.
    pub(crate) fn take_id(&mut self) -> Option<String> {
        self.id.take()
    }
}

impl<W: Contract> WorkflowHandle<W> {
    /// Sends an update and waits for its result: the workflow runs its handler (after its
    /// validator, if any) and answers. For a typed handle, an update of its contract with its
    /// arguments (`Order::add_item("sku-1", 2)`), which fixes `R`; for an
    /// [`Untyped`](crate::Untyped) one, a name alone or [`by_name`](crate::by_name) with
    /// arguments.
    ///
    /// # Errors
    ///
    /// [`Error::UpdateFailed`] when the validator rejects it or the handler fails,
    /// [`Error::NotFound`] when the workflow is not running, [`Error::Conversion`],
    /// [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{Untyped, by_name, workflow};
    ///
    /// #[workflow(name = "order", rename_all = "camelCase")]
    /// trait Order {
    ///     #[run]
    ///     async fn run(&mut self, customer: String) -> String;
    ///     #[update]
    ///     fn add_item(&mut self, sku: String, quantity: u32) -> u32;
    /// }
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let order = client.get_handle::<Order>("order-1234");
    /// let lines = order.execute_update(Order::add_item("sku-1", 2)).await?; // a u32
    ///
    /// // By name:
    /// let untyped = client.get_handle::<Untyped>("order-1234");
    /// let lines: u32 = untyped.execute_update(by_name("addItem").arg("sku-1").arg(2)).await?;
    /// # let _ = lines;
    /// # Ok(())
    /// # }
    /// ```
    pub fn execute_update<'a, R: FromPayload + 'a, M>(
        &'a self,
        update: impl UpdateCall<W, R, M>,
    ) -> CallFuture<'a, R> {
        let started = self.start_update(update, UpdateStage::Completed);
        Box::pin(async move { started.await?.result().await })
    }

    /// Sends an update and returns once it reached `wait_for`: accepted by the
    /// workflow's validator, or completed. Wait for its result with [`UpdateHandle::result`].
    ///
    /// # Errors
    ///
    /// As [`execute_update`](WorkflowHandle::execute_update); a rejection by the validator is
    /// reported here.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{UpdateStage, by_name};
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let handle = client.get_handle::<temporal_client::Untyped>("counter-1");
    /// let update = handle.start_update::<i64, _>(by_name("setValue").arg(42), UpdateStage::Accepted).await?;
    /// println!("update {} accepted", update.id());
    /// let previous = update.result().await?;
    /// # let _ = previous;
    /// # Ok(())
    /// # }
    /// ```
    pub fn start_update<'a, R: FromPayload + 'a, M>(
        &'a self,
        update: impl UpdateCall<W, R, M>,
        wait_for: UpdateStage,
    ) -> CallFuture<'a, UpdateHandle<R>> {
        self.start_update_with_options(update, UpdateOptions::new().wait_for(wait_for))
    }

    /// As [`execute_update`](WorkflowHandle::execute_update), with `options`: set the update
    /// id to make a retry after an unknown outcome the same update (see
    /// [Retrying safely](UpdateOptions#retrying-safely)). The options' stage is ignored: this
    /// waits for the update to complete.
    ///
    /// # Errors
    ///
    /// As [`execute_update`](WorkflowHandle::execute_update), and [`Error::InvalidArgument`]
    /// for an empty update id.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{Error, UpdateOptions, by_name};
    ///
    /// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
    /// let options = UpdateOptions::new().id("payment-7781");
    /// let charge = || by_name("charge").arg(250);
    /// let balance: i64 = match handle.execute_update_with_options(charge(), options.clone()).await {
    ///     // The outcome is unknown: sending the same id again cannot charge twice.
    ///     Err(error) if error.is_outcome_unknown() => {
    ///         handle.execute_update_with_options(charge(), options).await?
    ///     }
    ///     other => other?,
    /// };
    /// # let _ = balance;
    /// # Ok(())
    /// # }
    /// ```
    pub fn execute_update_with_options<'a, R: FromPayload + 'a, M>(
        &'a self,
        update: impl UpdateCall<W, R, M>,
        options: UpdateOptions,
    ) -> CallFuture<'a, R> {
        let started =
            self.start_update_with_options(update, options.wait_for(UpdateStage::Completed));
        Box::pin(async move { started.await?.result().await })
    }

    /// As [`start_update`](WorkflowHandle::start_update), with `options`: the update id (see
    /// [Retrying safely](UpdateOptions#retrying-safely)) and the stage to wait for.
    ///
    /// # Errors
    ///
    /// As [`start_update`](WorkflowHandle::start_update), and [`Error::InvalidArgument`] for
    /// an empty update id.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{UpdateOptions, by_name};
    ///
    /// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
    /// let update = handle
    ///     .start_update_with_options::<i64, _>(
    ///         by_name("setValue").arg(42),
    ///         UpdateOptions::new().id("set-value-7"),
    ///     )
    ///     .await?;
    /// assert_eq!(update.id(), "set-value-7");
    /// # Ok(())
    /// # }
    /// ```
    pub fn start_update_with_options<'a, R: FromPayload + 'a, M>(
        &'a self,
        update: impl UpdateCall<W, R, M>,
        options: UpdateOptions,
    ) -> CallFuture<'a, UpdateHandle<R>> {
        let name = update.name().to_owned();
        let args = update.encode(self.client().data_converter());
        Box::pin(self.send_update(name, args, options))
    }

    /// Sends the update until it reached the options' stage.
    async fn send_update<R: FromPayload>(
        &self,
        name: String,
        args: Result<Vec<Payload>, ConversionError>,
        mut options: UpdateOptions,
    ) -> Result<UpdateHandle<R>, Error> {
        let wait_for = options.stage();
        let (request, handle) = self
            .update_request(name, args, wait_for, options.take_id())
            .await?;
        // Until the stage is reached, the server answers each long poll with what it has; the
        // same update id makes a repeated request the same update.
        let mut poll = LongPoll::default();
        loop {
            let sent = Instant::now();
            let response = match self
                .client()
                .call_with_timeout(request.clone(), self.workflow_id(), Some(LONG_POLL_TIMEOUT))
                .await
                .map_err(|error| error.for_run(self.run_id().unwrap_or_default()))
            {
                Ok(response) => Some(response),
                Err(err) if err.is_timeout() => None,
                Err(err) => return Err(err),
            };
            if let Some(response) = response
                && (response.outcome.is_some() || response.stage >= wait_for.to_proto() as i32)
            {
                return handle.finish_start(response, wait_for).await;
            }
            // Not there yet: polled again at once after a poll the server held, later after
            // one it answered at once.
            poll.before_next_poll(sent.elapsed()).await;
        }
    }

    /// The request that sends the update `name` with `update_id` (`None`: a fresh one),
    /// and the handle that will wait for it.
    pub(crate) async fn update_request<R: FromPayload>(
        &self,
        name: String,
        args: Result<Vec<Payload>, ConversionError>,
        wait_for: UpdateStage,
        update_id: Option<String>,
    ) -> Result<(UpdateWorkflowExecutionRequest, UpdateHandle<R>), Error> {
        if name.is_empty() {
            return Err(Error::invalid("update_name", "the update name is empty"));
        }
        let args = self.client().encode_payloads(args?).await?;
        let update_id = match update_id {
            Some(id) if id.is_empty() => {
                return Err(Error::invalid("update_id", "the update id is empty"));
            }
            Some(id) => id,
            None => new_request_id(),
        };
        let request = UpdateWorkflowExecutionRequest {
            namespace: self.client().namespace().to_owned(),
            workflow_execution: Some(WorkflowExecution {
                workflow_id: self.workflow_id().to_owned(),
                run_id: self.run_id().unwrap_or_default().to_owned(),
            }),
            first_execution_run_id: self.first_execution_run_id().unwrap_or_default().to_owned(),
            wait_policy: Some(WaitPolicy {
                lifecycle_stage: wait_for.to_proto().into(),
            }),
            request: Some(Request {
                meta: Some(Meta {
                    update_id: update_id.clone(),
                    identity: self.client().identity().to_owned(),
                }),
                input: Some(Input {
                    header: None,
                    name,
                    args,
                }),
                ..Default::default()
            }),
        };
        let handle = UpdateHandle::new(
            self.client().clone(),
            self.workflow_id().to_owned(),
            self.run_id().map(str::to_owned),
            update_id,
        );
        Ok((request, handle))
    }

    /// A handle to the update with this id, to wait for its result.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
    /// // An update id saved from an earlier `start_update`.
    /// let update = handle.get_update_handle::<i64>("set-value-7");
    /// let previous = update.result().await?;
    /// # let _ = previous;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_update_handle<R: FromPayload>(
        &self,
        update_id: impl Into<String>,
    ) -> UpdateHandle<R> {
        UpdateHandle::new(
            self.client().clone(),
            self.workflow_id().to_owned(),
            self.run_id().map(str::to_owned),
            update_id.into(),
        )
    }
}

/// An update sent to a workflow: its id, and its result once it completes.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{UpdateStage, by_name};
///
/// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
/// let update = handle.start_update::<i64, _>(by_name("setValue").arg(42), UpdateStage::Accepted).await?;
/// println!("update {} of {}", update.id(), update.workflow_id());
/// let previous = update.result().await?;
/// # let _ = previous;
/// # Ok(())
/// # }
/// ```
pub struct UpdateHandle<R> {
    client: Client,
    workflow_id: String,
    run_id: Option<String>,
    update_id: String,
    /// The outcome, when the server sent it with the start.
    outcome: Option<Result<Option<temporal_proto::api::common::v1::Payloads>, Failure>>,
    result: PhantomData<fn() -> R>,
}

impl<R> fmt::Debug for UpdateHandle<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateHandle")
            .field("workflow_id", &self.workflow_id)
            .field("run_id", &self.run_id)
            .field("update_id", &self.update_id)
            .field("has_outcome", &self.outcome.is_some())
            .finish()
    }
}

impl<R: FromPayload> UpdateHandle<R> {
    pub(crate) fn new(
        client: Client,
        workflow_id: String,
        run_id: Option<String>,
        update_id: String,
    ) -> Self {
        Self {
            client,
            workflow_id,
            run_id,
            update_id,
            outcome: None,
            result: PhantomData,
        }
    }

    /// Takes in the server's answer to the request that sent the update: its outcome if it
    /// has one (a rejection is an error here), and the run it went to.
    pub(crate) async fn finish_start(
        mut self,
        response: UpdateWorkflowExecutionResponse,
        _wait_for: UpdateStage,
    ) -> Result<Self, Error> {
        if let Some(run_id) = response
            .update_ref
            .and_then(|r| r.workflow_execution)
            .map(|e| e.run_id)
            .filter(|run| !run.is_empty())
        {
            self.run_id = Some(run_id);
        }
        if let Some(outcome) = response.outcome {
            let outcome = self.decode_outcome(outcome).await?;
            if let Err(failure) = outcome {
                return Err(self.failed(failure));
            }
            self.outcome = Some(outcome);
        }
        Ok(self)
    }

    /// The update's id.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{UpdateStage, by_name};
    ///
    /// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
    /// let update = handle.start_update::<i64, _>(by_name("setValue").arg(42), UpdateStage::Accepted).await?;
    /// let saved_id = update.id().to_owned(); // for `get_update_handle` later
    /// # let _ = saved_id;
    /// # Ok(())
    /// # }
    /// ```
    pub fn id(&self) -> &str {
        &self.update_id
    }

    /// The workflow's id.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn example(handle: temporal_client::WorkflowHandle) {
    /// let update = handle.get_update_handle::<i64>("set-value-7");
    /// assert_eq!(update.workflow_id(), handle.workflow_id());
    /// # }
    /// ```
    pub fn workflow_id(&self) -> &str {
        &self.workflow_id
    }

    /// Waits for the update to complete and decodes its result.
    ///
    /// # Errors
    ///
    /// [`Error::UpdateFailed`] when the handler failed, [`Error::NotFound`] for an unknown
    /// update, [`Error::Conversion`], [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{UpdateStage, by_name};
    ///
    /// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
    /// let update = handle.start_update::<i64, _>(by_name("setValue").arg(42), UpdateStage::Accepted).await?;
    /// let previous: i64 = update.result().await?;
    /// # let _ = previous;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn result(self) -> Result<R, Error> {
        let outcome = match self.outcome {
            Some(ref outcome) => outcome.clone(),
            None => self.poll_outcome().await?,
        };
        match outcome {
            Ok(payloads) => self.client.decode_result(payloads).await,
            Err(failure) => Err(self.failed(failure)),
        }
    }

    async fn poll_outcome(
        &self,
    ) -> Result<Result<Option<temporal_proto::api::common::v1::Payloads>, Failure>, Error> {
        let request = PollWorkflowExecutionUpdateRequest {
            namespace: self.client.namespace().to_owned(),
            update_ref: Some(UpdateRef {
                workflow_execution: Some(WorkflowExecution {
                    workflow_id: self.workflow_id.clone(),
                    run_id: self.run_id.clone().unwrap_or_default(),
                }),
                update_id: self.update_id.clone(),
            }),
            identity: self.client.identity().to_owned(),
            wait_policy: Some(WaitPolicy {
                lifecycle_stage: UpdateWorkflowExecutionLifecycleStage::Completed.into(),
            }),
        };
        let mut poll = LongPoll::default();
        loop {
            let sent = Instant::now();
            let response = match self
                .client
                .call_with_timeout(request.clone(), &self.workflow_id, Some(LONG_POLL_TIMEOUT))
                .await
                .map_err(|error| error.for_run(self.run_id.as_deref().unwrap_or_default()))
            {
                Ok(response) => response.outcome,
                Err(err) if err.is_timeout() => None,
                Err(err) => return Err(err),
            };
            if let Some(outcome) = response {
                return self.decode_outcome(outcome).await;
            }
            poll.before_next_poll(sent.elapsed()).await;
        }
    }

    async fn decode_outcome(
        &self,
        outcome: temporal_proto::api::update::v1::Outcome,
    ) -> Result<Result<Option<temporal_proto::api::common::v1::Payloads>, Failure>, Error> {
        Ok(match outcome.value {
            Some(OutcomeValue::Success(payloads)) => Ok(Some(payloads)),
            Some(OutcomeValue::Failure(failure)) => {
                Err(Failure::decode(failure, self.client.data_converter()).await?)
            }
            None => Ok(None),
        })
    }

    fn failed(&self, failure: Failure) -> Error {
        Error::UpdateFailed {
            update_id: self.update_id.clone(),
            failure: Box::new(failure),
        }
    }
}
