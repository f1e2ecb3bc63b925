//! Workflow updates: [`WorkflowHandle::execute_update`], [`WorkflowHandle::start_update`] and
//! the [`UpdateHandle`] that waits for an update's outcome.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use temporal_proto::api::common::v1::{Payload, WorkflowExecution};
use temporal_proto::api::enums::v1::UpdateWorkflowExecutionLifecycleStage;
use temporal_proto::api::update::v1::outcome::Value as OutcomeValue;
use temporal_proto::api::update::v1::{Input, Meta, Request, UpdateRef, WaitPolicy};
use temporal_proto::api::workflowservice::v1::{
    PollWorkflowExecutionUpdateRequest, UpdateWorkflowExecutionRequest,
    UpdateWorkflowExecutionResponse,
};

use crate::client::{Client, new_request_id};
use crate::contract::{CallFuture, Contract, UpdateCall};
use crate::converter::{ConversionError, FromPayload};
use crate::error::Error;
use crate::failure::Failure;
use crate::handle::WorkflowHandle;

/// The deadline of one long poll for an update's outcome: the server answers before it.
const LONG_POLL_TIMEOUT: Duration = Duration::from_secs(70);

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
        let name = update.name().to_owned();
        let args = update.encode(self.client().data_converter());
        Box::pin(self.send_update(name, args, wait_for))
    }

    async fn send_update<R: FromPayload>(
        &self,
        name: String,
        args: Result<Vec<Payload>, ConversionError>,
        wait_for: UpdateStage,
    ) -> Result<UpdateHandle<R>, Error> {
        let (request, handle) = self.update_request(name, args, wait_for).await?;
        // Until the stage is reached, the server answers each long poll with what it has; the
        // same update id makes a repeated request the same update.
        loop {
            let response = match self
                .client()
                .call_with_timeout(
                    request.clone(),
                    self.workflow_id(),
                    Some(LONG_POLL_TIMEOUT),
                    |mut service, request| async move {
                        service.update_workflow_execution(request).await
                    },
                )
                .await
            {
                Ok(response) => response,
                Err(err) if err.is_timeout() => continue,
                Err(err) => return Err(err),
            };
            if response.outcome.is_some() || response.stage >= wait_for.to_proto() as i32 {
                return handle.finish_start(response, wait_for).await;
            }
        }
    }

    /// The request that sends `update`, and the handle that will wait for it.
    pub(crate) async fn update_request<R: FromPayload>(
        &self,
        name: String,
        args: Result<Vec<Payload>, ConversionError>,
        wait_for: UpdateStage,
    ) -> Result<(UpdateWorkflowExecutionRequest, UpdateHandle<R>), Error> {
        if name.is_empty() {
            return Err(Error::invalid("update_name", "the update name is empty"));
        }
        let args = self.client().encode_payloads(args?).await?;
        let update_id = new_request_id();
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
        loop {
            let response = match self
                .client
                .call_with_timeout(
                    request.clone(),
                    &self.workflow_id,
                    Some(LONG_POLL_TIMEOUT),
                    |mut service, request| async move {
                        service.poll_workflow_execution_update(request).await
                    },
                )
                .await
            {
                Ok(response) => response,
                Err(err) if err.is_timeout() => continue,
                Err(err) => return Err(err),
            };
            if let Some(outcome) = response.outcome {
                return self.decode_outcome(outcome).await;
            }
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
