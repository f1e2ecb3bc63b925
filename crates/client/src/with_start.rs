//! Update-with-start: start a workflow (or use the running one) and send it an update, in one
//! atomic call.

use crate::converter::Payload;
use prost::Message as _;
use temporal_proto::api::errordetails::v1::MultiOperationExecutionFailure;
use temporal_proto::api::workflowservice::v1::execute_multi_operation_request::Operation;
use temporal_proto::api::workflowservice::v1::execute_multi_operation_request::operation::Operation as OperationKind;
use temporal_proto::api::workflowservice::v1::execute_multi_operation_response::response::Response as ResponseKind;
use temporal_proto::api::workflowservice::v1::{
    ExecuteMultiOperationRequest, StartWorkflowExecutionRequest,
};
use temporal_proto::google::rpc::Status as RpcStatus;

use crate::WorkflowIdConflictPolicy;
use crate::client::Client;
use crate::contract::{CallFuture, Contract, StartWorkflow, UpdateCall};
use crate::converter::{ConversionError, FromPayload};
use crate::error::Error;
use crate::handle::WorkflowHandle;
use crate::options::StartOptions;
use crate::update::{UpdateHandle, UpdateOptions, UpdateStage};

/// What update-with-start does when a workflow with the id is already running. The server
/// needs an answer, so there is no default.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{OnConflict, StartOptions, WithStartWorkflow};
///
/// // Fail instead of updating a cart that is already open.
/// let start = WithStartWorkflow::new(
///     "cart",
///     ("customer-7",),
///     StartOptions::new("cart-customer-7", "carts"),
///     OnConflict::Fail,
/// );
/// # let _ = start;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnConflict {
    /// Send the update to the running workflow.
    UseExisting,
    /// Fail with [`Error::AlreadyStarted`]; nothing is sent.
    Fail,
}

/// The start half of update-with-start: the workflow, its arguments, its options and what to
/// do when it is already running.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{OnConflict, StartOptions, UpdateStage, WithStartWorkflow, by_name};
///
/// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
/// let start = WithStartWorkflow::new(
///     "cart",
///     ("customer-7",),
///     StartOptions::new("cart-customer-7", "carts"),
///     OnConflict::UseExisting,
/// );
/// let (cart, items): (_, u32) = client
///     .execute_update_with_start(start, by_name("addItem").arg("sku-123"))
///     .await?;
/// println!("{} now holds {items} items", cart.workflow_id());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use]
pub struct WithStartWorkflow<T, A> {
    workflow: T,
    args: A,
    options: StartOptions,
    on_conflict: OnConflict,
}

impl<T, A> WithStartWorkflow<T, A> {
    /// Starts `workflow` with `args` unless one with the options' id runs; then `on_conflict`
    /// decides.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{OnConflict, StartOptions, WithStartWorkflow};
    ///
    /// let start = WithStartWorkflow::new(
    ///     "cart",
    ///     ("customer-7",),
    ///     StartOptions::new("cart-customer-7", "carts"),
    ///     OnConflict::UseExisting,
    /// );
    /// # let _ = start;
    /// ```
    pub fn new<M>(workflow: T, args: A, options: StartOptions, on_conflict: OnConflict) -> Self
    where
        T: StartWorkflow<A, M>,
    {
        Self {
            workflow,
            args,
            options,
            on_conflict,
        }
    }
}

/// The start half of update-with-start, its arguments already converted: what the call's
/// future holds, so that its type does not depend on the workflow's.
struct PreparedStart {
    workflow_type: String,
    input: Result<Vec<Payload>, ConversionError>,
    options: StartOptions,
    on_conflict: OnConflict,
}

impl Client {
    /// Starts a workflow (or uses the running one) and runs an update on it, atomically, then
    /// waits for the update's result. Returns the workflow's handle and the result.
    ///
    /// # Errors
    ///
    /// As [`start`](Client::start) and
    /// [`execute_update`](WorkflowHandle::execute_update).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{OnConflict, StartOptions, WithStartWorkflow, by_name};
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let start = WithStartWorkflow::new(
    ///     "cart",
    ///     ("customer-7",),
    ///     StartOptions::new("cart-customer-7", "carts"),
    ///     OnConflict::UseExisting,
    /// );
    /// let (cart, items): (_, u32) = client
    ///     .execute_update_with_start(start, by_name("addItem").arg("sku-123"))
    ///     .await?;
    /// println!("{} holds {items} items", cart.workflow_id());
    /// # Ok(())
    /// # }
    /// ```
    pub fn execute_update_with_start<'a, R: FromPayload + 'a, T, A, M, UM>(
        &'a self,
        start: WithStartWorkflow<T, A>,
        update: impl UpdateCall<T::Contract, R, UM>,
    ) -> CallFuture<'a, (WorkflowHandle<T::Contract>, R)>
    where
        T: StartWorkflow<A, M>,
    {
        let started = self.start_update_with_start(start, update, UpdateStage::Completed);
        Box::pin(async move {
            let (handle, update) = started.await?;
            let result = update.result().await?;
            Ok((handle, result))
        })
    }

    /// Starts a workflow (or uses the running one) and sends it an update, atomically;
    /// returns once the update reached the stage `options` names (an [`UpdateStage`], or
    /// [`UpdateOptions`] to set the update id as well).
    ///
    /// To retry safely when the outcome is unknown, send the same update id (and the same
    /// [`request_id`](crate::StartOptions::request_id)) again: with
    /// [`OnConflict::UseExisting`], the retry finds the workflow the first call started, and
    /// the update is not run twice.
    ///
    /// # Errors
    ///
    /// As [`execute_update_with_start`](Client::execute_update_with_start).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{
    ///     OnConflict, StartOptions, UpdateOptions, UpdateStage, WithStartWorkflow, by_name,
    /// };
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let start = WithStartWorkflow::new(
    ///     "cart",
    ///     ("customer-7",),
    ///     StartOptions::new("cart-customer-7", "carts"),
    ///     OnConflict::UseExisting,
    /// );
    /// let (cart, update) = client
    ///     .start_update_with_start(start, by_name("addItem").arg("sku-123"), UpdateStage::Accepted)
    ///     .await?;
    /// println!("update {} accepted by {}", update.id(), cart.workflow_id());
    /// let items: u32 = update.result().await?;
    /// # let _ = items;
    ///
    /// // With an update id, so that a retry is the same update.
    /// let start = WithStartWorkflow::new(
    ///     "cart",
    ///     ("customer-7",),
    ///     StartOptions::new("cart-customer-7", "carts"),
    ///     OnConflict::UseExisting,
    /// );
    /// let options = UpdateOptions::new().id("cart-customer-7-add-sku-123").wait_for(UpdateStage::Completed);
    /// let (_, update) = client
    ///     .start_update_with_start(start, by_name("addItem").arg("sku-123"), options)
    ///     .await?;
    /// let items: u32 = update.result().await?;
    /// # let _ = items;
    /// # Ok(())
    /// # }
    /// ```
    pub fn start_update_with_start<'a, R: FromPayload + 'a, T, A, M, UM>(
        &'a self,
        start: WithStartWorkflow<T, A>,
        update: impl UpdateCall<T::Contract, R, UM>,
        options: impl Into<UpdateOptions>,
    ) -> CallFuture<'a, (WorkflowHandle<T::Contract>, UpdateHandle<R>)>
    where
        T: StartWorkflow<A, M>,
    {
        let update_options = options.into();
        let WithStartWorkflow {
            workflow,
            args,
            options,
            on_conflict,
        } = start;
        let start = PreparedStart {
            workflow_type: workflow.workflow_type().to_owned(),
            input: workflow.encode_args(args, self.data_converter()),
            options,
            on_conflict,
        };
        let update_name = update.name().to_owned();
        let update_args = update.encode(self.data_converter());
        Box::pin(self.send_update_with_start(start, update_name, update_args, update_options))
    }

    async fn send_update_with_start<C: Contract, R: FromPayload>(
        &self,
        start: PreparedStart,
        update_name: String,
        update_args: Result<Vec<Payload>, ConversionError>,
        mut update_options: UpdateOptions,
    ) -> Result<(WorkflowHandle<C>, UpdateHandle<R>), Error> {
        let wait_for = update_options.stage();
        let PreparedStart {
            workflow_type,
            input,
            options,
            on_conflict,
        } = start;
        let options = options.id_conflict_policy(match on_conflict {
            OnConflict::UseExisting => WorkflowIdConflictPolicy::UseExisting,
            OnConflict::Fail => WorkflowIdConflictPolicy::Fail,
        });
        let start_request: StartWorkflowExecutionRequest =
            self.start_request(workflow_type, input?, &options).await?;
        let handle: WorkflowHandle<C> =
            WorkflowHandle::new(self.clone(), options.workflow_id.clone());
        let (update_request, update_handle) = handle
            .update_request(update_name, update_args, wait_for, update_options.take_id())
            .await?;
        let request = ExecuteMultiOperationRequest {
            namespace: self.namespace().to_owned(),
            operations: vec![
                Operation {
                    operation: Some(OperationKind::StartWorkflow(start_request)),
                },
                Operation {
                    operation: Some(OperationKind::UpdateWorkflow(update_request)),
                },
            ],
            ..Default::default()
        };
        let response = self
            .call_multi_operation(request, &options.workflow_id)
            .await?;
        let mut run_id = None;
        let mut update_response = None;
        for response in response.responses {
            match response.response {
                Some(ResponseKind::StartWorkflow(started)) => run_id = Some(started.run_id),
                Some(ResponseKind::UpdateWorkflow(updated)) => update_response = Some(updated),
                None => {}
            }
        }
        let handle = match run_id {
            Some(run_id) => WorkflowHandle::started(self.clone(), options.workflow_id, run_id),
            None => handle,
        };
        let update_handle = match update_response {
            Some(response) => update_handle.finish_start(response, wait_for).await?,
            None => update_handle,
        };
        Ok((handle, update_handle))
    }

    /// `ExecuteMultiOperation`, with a failed operation's own error reported instead of the
    /// envelope's.
    async fn call_multi_operation(
        &self,
        request: ExecuteMultiOperationRequest,
        workflow_id: &str,
    ) -> Result<temporal_proto::api::workflowservice::v1::ExecuteMultiOperationResponse, Error>
    {
        let result = self.call_raw(request, workflow_id).await;
        result.map_err(|failure| {
            failure.into_error(|status| {
                Error::from_status(operation_status(status), workflow_id, self.namespace())
            })
        })
    }
}

/// The status of the operation that failed, from a `MultiOperationExecutionFailure`; the
/// other operations are reported as aborted. Any other status is returned as it is.
fn operation_status(status: tonic::Status) -> tonic::Status {
    let Ok(details) = RpcStatus::decode(status.details()) else {
        return status;
    };
    let failure = details.details.iter().find_map(|any| {
        any.type_url
            .ends_with("MultiOperationExecutionFailure")
            .then(|| MultiOperationExecutionFailure::decode(any.value.as_slice()).ok())
            .flatten()
    });
    let Some(failure) = failure else {
        return status;
    };
    let aborted = |operation: &&temporal_proto::api::errordetails::v1::multi_operation_execution_failure::OperationStatus| {
        operation
            .details
            .iter()
            .any(|any| any.type_url.ends_with("MultiOperationExecutionAborted"))
    };
    let Some(operation) = failure
        .statuses
        .iter()
        .find(|operation| !aborted(operation))
    else {
        return status;
    };
    let inner = RpcStatus {
        code: operation.code,
        message: operation.message.clone(),
        details: operation.details.clone(),
    };
    tonic::Status::with_details(
        tonic::Code::from_i32(operation.code),
        operation.message.clone(),
        inner.encode_to_vec().into(),
    )
}
