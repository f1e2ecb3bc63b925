//! [`WorkflowHandle`]: signal, query, describe, cancel, terminate and await one workflow.

use std::time::Instant;

use crate::paging::PagedStream;
use temporal_proto::api::common::v1::WorkflowExecution;
use temporal_proto::api::enums::v1::{
    HistoryEventFilterType, RetryState as ProtoRetryState, WorkflowExecutionStatus as ProtoStatus,
};
use temporal_proto::api::failure::v1::Failure as ProtoFailure;
use temporal_proto::api::history::v1::HistoryEvent as ProtoHistoryEvent;
use temporal_proto::api::history::v1::history_event::Attributes;
use temporal_proto::api::query::v1::WorkflowQuery;
use temporal_proto::api::workflowservice::v1::{
    DescribeWorkflowExecutionRequest, DescribeWorkflowExecutionResponse,
    GetWorkflowExecutionHistoryRequest, QueryWorkflowRequest,
    RequestCancelWorkflowExecutionRequest, SignalWorkflowExecutionRequest,
    TerminateWorkflowExecutionRequest,
};

use std::fmt;
use std::marker::PhantomData;

use crate::call::LONG_POLL_TIMEOUT;
use crate::client::{Client, new_request_id};
use crate::contract::{CallFuture, Contract, QueryCall, SignalCall, Untyped, WorkflowResult};
use crate::converter::{ConversionError, FromPayload, Payload, ToPayloads};
use crate::description::WorkflowDescription;
use crate::description::WorkflowExecutionStatus;
use crate::error::{Error, FailureUndecodable, WorkflowFailed};
use crate::failure::Failure;
use crate::failure::RetryState;
use crate::history::{HistoryEvent, from_raw_events};
use crate::interceptor::{ResultWait, around_result_wait};
use crate::options::{HistoryOptions, QueryRejectCondition};
use crate::wait::{CloseStep, LongPoll, RunChain};

/// A handle to one workflow: signal, query, describe, cancel, terminate, await its result.
///
/// From [`Client::start`], it is bound to the started run's chain: signals, queries and
/// describe go to the latest run, while cancel, terminate and `result` stay with the runs that
/// started from it (as in the TypeScript client). From [`Client::get_handle`], it targets the
/// latest run with that id, or the one [`with_run_id`](WorkflowHandle::with_run_id) pins.
///
/// Cheap to clone.
///
/// # Examples
///
/// ```no_run
/// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
/// let handle = client.get_handle::<temporal_client::Untyped>("order-1234");
/// handle.signal(temporal_client::by_name("approve").arg("manager-7")).await?;
/// let state: String = handle.query("state").await?;
/// let description = handle.describe().await?;
/// println!("{state}, {:?}", description.info.status);
/// # Ok(())
/// # }
/// ```
pub struct WorkflowHandle<W: Contract = Untyped> {
    client: Client,
    workflow_id: String,
    run_id: Option<String>,
    first_execution_run_id: Option<String>,
    signaled_run_id: Option<String>,
    follow_runs: bool,
    contract: PhantomData<fn() -> W>,
}

impl<W: Contract> Clone for WorkflowHandle<W> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            workflow_id: self.workflow_id.clone(),
            run_id: self.run_id.clone(),
            first_execution_run_id: self.first_execution_run_id.clone(),
            signaled_run_id: self.signaled_run_id.clone(),
            follow_runs: self.follow_runs,
            contract: PhantomData,
        }
    }
}

impl<W: Contract> fmt::Debug for WorkflowHandle<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkflowHandle")
            .field("contract", &std::any::type_name::<W>())
            .field("workflow_id", &self.workflow_id)
            .field("run_id", &self.run_id)
            .field("first_execution_run_id", &self.first_execution_run_id)
            .field("signaled_run_id", &self.signaled_run_id)
            .field("follow_runs", &self.follow_runs)
            .finish()
    }
}

impl<W: Contract> WorkflowHandle<W> {
    pub(crate) fn new(client: Client, workflow_id: String) -> Self {
        Self {
            client,
            workflow_id,
            run_id: None,
            first_execution_run_id: None,
            signaled_run_id: None,
            follow_runs: true,
            contract: PhantomData,
        }
    }

    /// This handle as an [`Untyped`] one, to signal and query by name.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{StartOptions, workflow};
    ///
    /// #[workflow(name = "counter")]
    /// trait Counter {
    ///     #[run]
    ///     async fn run(&mut self, start: i64) -> i64;
    /// }
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let handle = client.start(Counter, 0, StartOptions::new("counter-1", "counters")).await?;
    /// // Signal by name, outside the contract.
    /// handle.into_untyped().signal("reset").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_untyped(self) -> WorkflowHandle<Untyped> {
        self.into_contract()
    }

    /// This handle as one of contract `C`: for an execution known to implement it.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{Untyped, workflow};
    ///
    /// #[workflow(name = "counter")]
    /// trait Counter {
    ///     #[run]
    ///     async fn run(&mut self, start: i64) -> i64;
    ///     #[query(name = "value")]
    ///     fn value(&self) -> i64;
    /// }
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let handle = client.get_handle::<Untyped>("counter-1").into_typed::<Counter>();
    /// let value = handle.query(Counter::value).await?;
    /// # let _ = value;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_typed<C: Contract>(self) -> WorkflowHandle<C> {
        self.into_contract()
    }

    fn into_contract<C: Contract>(self) -> WorkflowHandle<C> {
        WorkflowHandle {
            client: self.client,
            workflow_id: self.workflow_id,
            run_id: self.run_id,
            first_execution_run_id: self.first_execution_run_id,
            signaled_run_id: self.signaled_run_id,
            follow_runs: self.follow_runs,
            contract: PhantomData,
        }
    }

    pub(crate) fn started(client: Client, workflow_id: String, run_id: String) -> Self {
        Self {
            first_execution_run_id: Some(run_id),
            ..Self::new(client, workflow_id)
        }
    }

    pub(crate) fn signaled(client: Client, workflow_id: String, run_id: String) -> Self {
        Self {
            signaled_run_id: Some(run_id),
            ..Self::new(client, workflow_id)
        }
    }

    /// Pins the handle to one run: every call then targets it.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::Untyped;
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let run = client
    ///     .get_handle::<Untyped>("order-1234")
    ///     .with_run_id("0196e7a1-5b2c-7d3e-8f40-123456789abc");
    /// let description = run.describe().await?;
    /// # let _ = description;
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn with_run_id(mut self, run_id: impl Into<String>) -> Self {
        self.run_id = Some(run_id.into());
        self
    }

    /// Binds cancel and terminate to the chain of runs that started with this run, so they do
    /// not reach a later, unrelated workflow that reuses the id.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::Untyped;
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let handle = client
    ///     .get_handle::<Untyped>("order-1234")
    ///     .with_first_execution_run_id("0196e7a1-5b2c-7d3e-8f40-123456789abc");
    /// // Cancels only if the workflow is still that chain of runs.
    /// handle.cancel().await?;
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn with_first_execution_run_id(mut self, run_id: impl Into<String>) -> Self {
        self.first_execution_run_id = Some(run_id.into());
        self
    }

    /// Makes [`result`](WorkflowHandle::result) stop at the first run that closes, instead of
    /// following continue-as-new, retries and cron runs to the last. A run followed by
    /// another then ends the wait with [`Error::ContinuedAsNew`]: the server reports a cron
    /// run's completion and a retried run's failure that way too, as the other SDKs see it.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{Error, Untyped};
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let handle = client.get_handle::<Untyped>("report").without_following_runs();
    /// match handle.result::<String>().await {
    ///     Ok(report) => println!("{report}"),
    ///     Err(Error::ContinuedAsNew { new_run_id, .. }) => println!("continued as {new_run_id}"),
    ///     Err(error) => return Err(error),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn without_following_runs(mut self) -> Self {
        self.follow_runs = false;
        self
    }

    /// The workflow id.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn example(client: temporal_client::Client) {
    /// let handle = client.get_handle::<temporal_client::Untyped>("order-1234");
    /// assert_eq!(handle.workflow_id(), "order-1234");
    /// # }
    /// ```
    pub fn workflow_id(&self) -> &str {
        &self.workflow_id
    }

    /// The run this handle is pinned to, if any. A handle from [`Client::start`] is not pinned
    /// to a run: it follows the chain its run started (see
    /// [`first_execution_run_id`](WorkflowHandle::first_execution_run_id)).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{StartOptions, Untyped};
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let pinned = client
    ///     .get_handle::<Untyped>("greeting-1")
    ///     .with_run_id("0196e7a1-5b2c-7d3e-8f40-123456789abc");
    /// assert_eq!(pinned.run_id(), Some("0196e7a1-5b2c-7d3e-8f40-123456789abc"));
    ///
    /// let started = client.start("example", ("Temporal",), StartOptions::new("greeting-2", "hello-world")).await?;
    /// assert_eq!(started.run_id(), None);
    /// assert!(started.first_execution_run_id().is_some());
    /// # Ok(())
    /// # }
    /// ```
    pub fn run_id(&self) -> Option<&str> {
        self.run_id.as_deref()
    }

    /// The run the handle's [`Client::start`] started: the first of its chain.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::StartOptions;
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let handle = client.start("example", ("Temporal",), StartOptions::new("greeting-1", "hello-world")).await?;
    /// println!("chain started with {:?}", handle.first_execution_run_id());
    /// # Ok(())
    /// # }
    /// ```
    pub fn first_execution_run_id(&self) -> Option<&str> {
        self.first_execution_run_id.as_deref()
    }

    /// The run that [`Client::signal_with_start`] signaled.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::StartOptions;
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let handle = client
    ///     .signal_with_start("cart", ("c-42",), StartOptions::new("cart-c-42", "carts"), "checkout")
    ///     .await?;
    /// println!("the signal went to run {:?}", handle.signaled_run_id());
    /// # Ok(())
    /// # }
    /// ```
    pub fn signaled_run_id(&self) -> Option<&str> {
        self.signaled_run_id.as_deref()
    }

    /// The client this handle calls through.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn example(handle: temporal_client::WorkflowHandle) {
    /// println!("{} in namespace {}", handle.workflow_id(), handle.client().namespace());
    /// # }
    /// ```
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The execution that signals, queries and describe target: the pinned run, else the
    /// latest.
    /// The run the handle's calls name: empty for the latest.
    fn pinned_run(&self) -> &str {
        self.run_id.as_deref().unwrap_or_default()
    }

    fn latest_execution(&self) -> WorkflowExecution {
        WorkflowExecution {
            workflow_id: self.workflow_id.clone(),
            run_id: self.run_id.clone().unwrap_or_default(),
        }
    }

    /// Sends a signal: for a typed handle, a signal of its contract with its arguments
    /// (`Order::approve("manager-7")`, or `Order::cancel` without arguments); for an
    /// [`Untyped`] one, a signal name alone, or [`by_name`](crate::by_name) with arguments
    /// (one payload each).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when the workflow is not running, [`Error::Conversion`],
    /// [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{Untyped, by_name, workflow};
    ///
    /// #[workflow(name = "order")]
    /// trait Order {
    ///     #[run]
    ///     async fn run(&mut self, customer: String) -> String;
    ///     #[signal]
    ///     fn approve(&mut self, approver: String);
    ///     #[signal]
    ///     fn cancel(&mut self);
    /// }
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let order = client.get_handle::<Order>("order-1234");
    /// order.signal(Order::approve("manager-7")).await?;
    /// order.signal(Order::cancel).await?;
    ///
    /// // By name:
    /// let untyped = client.get_handle::<Untyped>("order-1234");
    /// untyped.signal(by_name("approve").arg("manager-7")).await?;
    /// untyped.signal("cancel").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn signal<M>(&self, signal: impl SignalCall<W, M>) -> CallFuture<'_, ()> {
        let signal_name = signal.name().to_owned();
        let input = signal.encode(self.client.data_converter());
        Box::pin(self.send_signal(signal_name, input))
    }

    async fn send_signal(
        &self,
        signal_name: String,
        input: Result<Vec<Payload>, ConversionError>,
    ) -> Result<(), Error> {
        if signal_name.is_empty() {
            return Err(Error::invalid("signal_name", "the signal name is empty"));
        }
        let input = self.client.encode_payloads(input?).await?;
        let request = SignalWorkflowExecutionRequest {
            namespace: self.client.namespace().to_owned(),
            workflow_execution: Some(self.latest_execution()),
            signal_name,
            input,
            identity: self.client.identity().to_owned(),
            request_id: new_request_id(),
            ..Default::default()
        };
        self.client
            .call(request, &self.workflow_id)
            .await
            .map_err(|error| error.for_run(self.pinned_run()))?;
        Ok(())
    }

    /// Runs one of the workflow's query handlers and decodes its answer as an `R`: for a typed
    /// handle, a query of its contract with its arguments (`Order::total`, `Order::line(2)`),
    /// which fixes `R`; for an [`Untyped`] one, a query name alone or
    /// [`by_name`](crate::by_name) with arguments, and the `R` you ask for. Works on closed
    /// workflows too, while a worker can replay them.
    ///
    /// # Errors
    ///
    /// [`Error::QueryFailed`] when the handler fails or does not exist, [`Error::NotFound`],
    /// [`Error::Conversion`], [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{Untyped, by_name, workflow};
    ///
    /// #[workflow(name = "order")]
    /// trait Order {
    ///     #[run]
    ///     async fn run(&mut self, customer: String) -> String;
    ///     #[query]
    ///     fn total(&self) -> f64;
    ///     #[query]
    ///     fn line(&self, index: u32) -> String;
    /// }
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let order = client.get_handle::<Order>("order-1234");
    /// let total = order.query(Order::total).await?; // an f64
    /// let line = order.query(Order::line(2)).await?; // a String
    ///
    /// // By name:
    /// let untyped = client.get_handle::<Untyped>("order-1234");
    /// let total: f64 = untyped.query("total").await?;
    /// let line: String = untyped.query(by_name("line").arg(2)).await?;
    /// # let _ = (total, line);
    /// # Ok(())
    /// # }
    /// ```
    pub fn query<'a, R: FromPayload + 'a, M>(
        &'a self,
        query: impl QueryCall<W, R, M>,
    ) -> CallFuture<'a, R> {
        self.query_with_reject_condition(query, QueryRejectCondition::None)
    }

    /// As [`query`](WorkflowHandle::query), but the server refuses to run the query when the
    /// workflow is in a state `condition` names, answering [`Error::QueryRejected`].
    ///
    /// # Errors
    ///
    /// As [`query`](WorkflowHandle::query), and [`Error::QueryRejected`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::QueryRejectCondition;
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let handle = client.get_handle::<temporal_client::Untyped>("order-1234");
    /// let total: f64 = handle
    ///     .query_with_reject_condition("total", QueryRejectCondition::NotOpen)
    ///     .await?;
    /// # let _ = total;
    /// # Ok(())
    /// # }
    /// ```
    pub fn query_with_reject_condition<'a, R: FromPayload + 'a, M>(
        &'a self,
        query: impl QueryCall<W, R, M>,
        condition: QueryRejectCondition,
    ) -> CallFuture<'a, R> {
        let query_type = query.name().to_owned();
        let query_args = query.encode(self.client.data_converter());
        Box::pin(self.send_query(query_type, query_args, condition))
    }

    async fn send_query<R: FromPayload>(
        &self,
        query_type: String,
        query_args: Result<Vec<Payload>, ConversionError>,
        condition: QueryRejectCondition,
    ) -> Result<R, Error> {
        if query_type.is_empty() {
            return Err(Error::invalid("query_type", "the query type is empty"));
        }
        let query_args = self.client.encode_payloads(query_args?).await?;
        let request = QueryWorkflowRequest {
            namespace: self.client.namespace().to_owned(),
            execution: Some(self.latest_execution()),
            query: Some(WorkflowQuery {
                query_type,
                query_args,
                header: None,
            }),
            query_reject_condition: condition.to_proto().into(),
        };
        let response = self
            .client
            .call(request, &self.workflow_id)
            .await
            .map_err(|error| error.for_run(self.pinned_run()))?;
        if let Some(rejected) = response.query_rejected {
            return Err(Error::QueryRejected {
                status: WorkflowExecutionStatus::from_proto(rejected.status),
            });
        }
        self.client.decode_result(response.query_result).await
    }

    /// Asks the workflow to cancel: it can clean up (cancel timers, activities and children)
    /// before it closes as cancelled.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when no such workflow is running, [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// client.get_handle::<temporal_client::Untyped>("order-1234").cancel().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn cancel(&self) -> Result<(), Error> {
        self.cancel_with_reason("").await
    }

    /// As [`cancel`](WorkflowHandle::cancel), recording `reason` in the workflow's cancel
    /// request event.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when no such workflow is running, [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let handle = client.get_handle::<temporal_client::Untyped>("order-1234");
    /// handle.cancel_with_reason("the customer withdrew the order").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn cancel_with_reason(&self, reason: &str) -> Result<(), Error> {
        let request = RequestCancelWorkflowExecutionRequest {
            namespace: self.client.namespace().to_owned(),
            workflow_execution: Some(self.latest_execution()),
            identity: self.client.identity().to_owned(),
            request_id: new_request_id(),
            first_execution_run_id: self.first_execution_run_id.clone().unwrap_or_default(),
            reason: reason.to_owned(),
            ..Default::default()
        };
        self.client
            .call(request, &self.workflow_id)
            .await
            .map_err(|error| error.for_run(self.pinned_run()))?;
        Ok(())
    }

    /// Ends the workflow at once, without running any more of its code, recording `reason`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when no such workflow is running, [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let handle = client.get_handle::<temporal_client::Untyped>("order-1234");
    /// handle.terminate("duplicate order").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn terminate(&self, reason: &str) -> Result<(), Error> {
        self.terminate_with_details(reason, ()).await
    }

    /// As [`terminate`](WorkflowHandle::terminate), recording `details` too (a tuple, one
    /// payload each).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when no such workflow is running, [`Error::Conversion`],
    /// [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let handle = client.get_handle::<temporal_client::Untyped>("order-1234");
    /// handle.terminate_with_details("duplicate order", ("see order-1233",)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn terminate_with_details<A: ToPayloads>(
        &self,
        reason: &str,
        details: A,
    ) -> Result<(), Error> {
        let details = self.client.encode_args(&details).await?;
        let request = TerminateWorkflowExecutionRequest {
            namespace: self.client.namespace().to_owned(),
            workflow_execution: Some(self.latest_execution()),
            reason: reason.to_owned(),
            details,
            identity: self.client.identity().to_owned(),
            first_execution_run_id: self.first_execution_run_id.clone().unwrap_or_default(),
            ..Default::default()
        };
        self.client
            .call(request, &self.workflow_id)
            .await
            .map_err(|error| error.for_run(self.pinned_run()))?;
        Ok(())
    }

    /// The workflow's current state: status, type, times, history length, memo, search
    /// attributes, parent; and the whole response.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let description = client.get_handle::<temporal_client::Untyped>("order-1234").describe().await?;
    /// println!("{:?} since {:?}", description.info.status, description.info.start_time);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn describe(&self) -> Result<WorkflowDescription, Error> {
        let raw = self.describe_raw().await?;
        WorkflowDescription::decode(raw, self.client.data_converter()).await
    }

    /// `DescribeWorkflowExecution` of the handle's execution, undecoded.
    async fn describe_raw(&self) -> Result<DescribeWorkflowExecutionResponse, Error> {
        let request = DescribeWorkflowExecutionRequest {
            namespace: self.client.namespace().to_owned(),
            execution: Some(self.latest_execution()),
        };
        self.client
            .call(request, &self.workflow_id)
            .await
            .map_err(|error| error.for_run(self.pinned_run()))
    }

    /// Waits for the workflow to close and decodes its result: for a typed handle, as its
    /// contract declares; for an [`Untyped`] one, as the `R` you ask for (`()` for none).
    ///
    /// Follows the chain of runs: when a run continues as new, or is retried, or is a cron run
    /// followed by the next, the wait goes on with the new run, unless
    /// [`without_following_runs`](WorkflowHandle::without_following_runs) was called. The wait
    /// long-polls the server; it uses no retry budget while nothing happens, however long.
    /// Interceptors can run code around the wait ([`Interceptor::result_wait`]): the
    /// time-skipping test environment of `temporal-testing` lets the server's clock skip
    /// while it waits.
    ///
    /// [`Interceptor::result_wait`]: crate::Interceptor::result_wait
    ///
    /// # Errors
    ///
    /// [`Error::WorkflowFailed`] when the workflow failed, was cancelled, terminated or timed
    /// out; [`Error::ContinuedAsNew`] when not following runs; [`Error::NotFound`];
    /// [`Error::Conversion`] when the result is not an `R`; [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let handle = client.get_handle::<temporal_client::Untyped>("greeting-1");
    /// let greeting: String = handle.result().await?;
    /// println!("{greeting}");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn result<R: FromPayload>(&self) -> Result<R, Error>
    where
        W: WorkflowResult<R>,
    {
        let interceptors = self.client.call_context().interceptors;
        if interceptors.0.is_empty() {
            return self.wait_for_result().await;
        }
        let wait = ResultWait {
            namespace: self.client.namespace(),
            workflow_id: &self.workflow_id,
            run_id: self
                .run_id
                .as_deref()
                .or(self.first_execution_run_id.as_deref()),
        };
        // Boxed, so that the plain wait's future does not grow by this one's state.
        Box::pin(around_result_wait(
            interceptors,
            &wait,
            self.wait_for_result(),
        ))
        .await
    }

    async fn wait_for_result<R: FromPayload>(&self) -> Result<R, Error> {
        let first_run = self
            .run_id
            .clone()
            .or_else(|| self.first_execution_run_id.clone())
            .unwrap_or_default();
        let mut chain = RunChain::new(first_run, self.follow_runs);
        loop {
            let closed_run_id = chain.current().to_owned();
            let event = self.wait_for_close(&closed_run_id).await?;
            match chain.on_close(event) {
                CloseStep::Complete(result) => return self.client.decode_result(result).await,
                CloseStep::Fail {
                    failure,
                    retry_state,
                } => {
                    // Boxed: its calls' state is allocated when a run fails, not held by
                    // every pending wait.
                    return Err(Box::pin(self.failed(closed_run_id, *failure, retry_state)).await);
                }
                CloseStep::ContinuedAsNew { new_run_id } => {
                    return Err(Error::ContinuedAsNew { new_run_id });
                }
                CloseStep::Follow { .. } => {}
                CloseStep::Violation(violation) => {
                    return Err(Error::ProtocolViolation {
                        workflow_id: self.workflow_id.clone(),
                        violation: Box::new(violation),
                    });
                }
            }
        }
    }

    async fn failed(
        &self,
        run_id: String,
        failure: ProtoFailure,
        retry_state: ProtoRetryState,
    ) -> Error {
        // Waited on the latest run by id alone: the history does not say which run closed,
        // so ask; a failed look-up leaves the run id empty rather than hide the failure.
        let run_id = if run_id.is_empty() {
            self.latest_closed_run_id().await.unwrap_or_default()
        } else {
            run_id
        };
        match Failure::decode(failure, self.client.data_converter()).await {
            Ok(failure) => Error::WorkflowFailed(Box::new(WorkflowFailed {
                workflow_id: self.workflow_id.clone(),
                run_id,
                failure,
                retry_state: RetryState::from_proto(retry_state as i32),
            })),
            Err(source) => Error::FailureUndecodable(Box::new(FailureUndecodable {
                workflow_id: self.workflow_id.clone(),
                run_id,
                source,
            })),
        }
    }

    /// The run id of the workflow's latest run, if it is closed.
    async fn latest_closed_run_id(&self) -> Option<String> {
        let response = self.describe_raw().await.ok()?;
        let info = response.workflow_execution_info?;
        if info.status() == ProtoStatus::Running {
            // A new run took the id since: which run failed is not known.
            return None;
        }
        info.execution.map(|execution| execution.run_id)
    }

    /// Long-polls the history of `run_id` (empty: the latest run) until its close event.
    async fn wait_for_close(&self, run_id: &str) -> Result<Attributes, Error> {
        let mut next_page_token = Vec::new();
        let mut poll = LongPoll::default();
        loop {
            let request = GetWorkflowExecutionHistoryRequest {
                namespace: self.client.namespace().to_owned(),
                execution: Some(WorkflowExecution {
                    workflow_id: self.workflow_id.clone(),
                    run_id: run_id.to_owned(),
                }),
                wait_new_event: true,
                history_event_filter_type: HistoryEventFilterType::CloseEvent.into(),
                skip_archival: true,
                next_page_token: std::mem::take(&mut next_page_token),
                ..Default::default()
            };
            let sent = Instant::now();
            let response = match self
                .client
                .call_with_timeout(request, &self.workflow_id, Some(LONG_POLL_TIMEOUT))
                .await
                .map_err(|error| error.for_run(run_id))
            {
                Ok(response) => Some(response),
                // A poll that outlived its deadline is re-issued, like one the server ended.
                Err(err) if err.is_timeout() => None,
                Err(err) => return Err(err),
            };
            let close_event = response.and_then(|response| {
                next_page_token = response.next_page_token;
                response
                    .history
                    .and_then(|history| history.events.into_iter().last())
                    .and_then(|event: ProtoHistoryEvent| event.attributes)
            });
            if let Some(attributes) = close_event {
                return Ok(attributes);
            }
            // An empty answer: sent again at once after a poll the server held, later after
            // one it did not (a server that answers at once must not make this spin).
            poll.before_next_poll(sent.elapsed()).await;
        }
    }

    /// The events of the workflow's history (the pinned run, else the latest), oldest first,
    /// fetched a page at a time as the stream is read: memory stays constant for any length.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
    /// let mut events = handle.fetch_history();
    /// while let Some(event) = events.next().await {
    ///     let event = event?;
    ///     println!("{} {:?}", event.event_id(), event.event_type());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn fetch_history(&self) -> PagedStream<HistoryEvent> {
        self.fetch_history_with(HistoryOptions::default())
    }

    /// As [`fetch_history`](WorkflowHandle::fetch_history), with `options`: only the close
    /// event, and waiting for new events instead of ending at the last one.
    ///
    /// Waiting, the stream ends only after the workflow's close event: each page is a long
    /// poll (re-issued when the server ends it empty), as in
    /// [`result`](WorkflowHandle::result).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::HistoryOptions;
    ///
    /// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
    /// // Follow the history live, as events are added, until the workflow closes.
    /// let mut events = handle.fetch_history_with(HistoryOptions::default().wait_new_events());
    /// while let Some(event) = events.next().await {
    ///     println!("{:?}", event?.event_type());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn fetch_history_with(&self, options: HistoryOptions) -> PagedStream<HistoryEvent> {
        let client = self.client.clone();
        let execution = self.latest_execution();
        let filter = if options.close_event_only {
            HistoryEventFilterType::CloseEvent
        } else {
            HistoryEventFilterType::AllEvent
        };
        let wait_new_event = options.wait_new_events;
        crate::paging::pages(move |next_page_token| {
            let client = client.clone();
            let request = GetWorkflowExecutionHistoryRequest {
                namespace: client.namespace().to_owned(),
                execution: Some(execution.clone()),
                next_page_token,
                wait_new_event,
                history_event_filter_type: filter.into(),
                ..Default::default()
            };
            let workflow_id = execution.workflow_id.clone();
            let run_id = execution.run_id.clone();
            async move {
                loop {
                    let response = client
                        .call_with_timeout(
                            request.clone(),
                            &workflow_id,
                            wait_new_event.then_some(LONG_POLL_TIMEOUT),
                        )
                        .await
                        .map_err(|error| error.for_run(&run_id));
                    let response = match response {
                        // A poll that outlived its deadline is re-issued, like one the server
                        // ended.
                        Err(err) if wait_new_event && err.is_timeout() => continue,
                        other => other?,
                    };
                    let events = response.history.map(|h| h.events).unwrap_or_default();
                    return Ok((from_raw_events(events), response.next_page_token));
                }
            }
        })
    }

    /// Writes the history (the pinned run, else the latest) as the JSON that
    /// `temporal workflow show --output json` prints, `{"events":[...]}`, a page at a time, so
    /// memory stays flat for any length. Returns how many events were written.
    ///
    /// Read it back with `serde_json::from_reader::<_, temporal_client::proto::api::history::v1::History>`.
    ///
    /// # Errors
    ///
    /// [`Error::HistoryWrite`] when writing fails; the errors of
    /// [`fetch_history`](WorkflowHandle::fetch_history).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(handle: temporal_client::WorkflowHandle) -> Result<(), temporal_client::Error> {
    /// let file = std::fs::File::create("history.json").expect("a writable directory");
    /// let file = std::io::BufWriter::new(file);
    /// let events = handle.write_history_json(file).await?;
    /// println!("{events} events written");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn write_history_json<O: std::io::Write>(
        &self,
        mut writer: O,
    ) -> Result<usize, Error> {
        let write_failed = |source: std::io::Error| Error::HistoryWrite {
            workflow_id: self.workflow_id.clone(),
            source,
        };
        let mut events = self.fetch_history();
        let mut count = 0;
        writer.write_all(b"{\"events\":[").map_err(write_failed)?;
        while let Some(event) = events.next().await {
            if count > 0 {
                writer.write_all(b",").map_err(write_failed)?;
            }
            serde_json::to_writer(&mut writer, event?.raw_proto()).map_err(|e| {
                match e.io_error_kind() {
                    Some(_) => write_failed(e.into()),
                    None => Error::Conversion(crate::converter::ConversionError::custom(e)),
                }
            })?;
            count += 1;
        }
        writer.write_all(b"]}").map_err(write_failed)?;
        writer.flush().map_err(write_failed)?;
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::Pin;

    use temporal_proto::api::common::v1::Payloads;
    use temporal_proto::api::failure::v1::{ApplicationFailureInfo, failure::FailureInfo};

    use super::*;
    use crate::converter::{CodecError, DataConverter, PayloadCodec};
    use crate::{ClientOptions, Connection, ConnectionOptions};

    /// A codec whose key is missing: it cannot decode anything.
    struct KeyMissing;

    impl PayloadCodec for KeyMissing {
        fn encode(
            &self,
            payloads: Vec<Payload>,
        ) -> Pin<Box<dyn Future<Output = Result<Vec<Payload>, CodecError>> + Send + '_>> {
            Box::pin(async move { Ok(payloads) })
        }

        fn decode(
            &self,
            _: Vec<Payload>,
        ) -> Pin<Box<dyn Future<Output = Result<Vec<Payload>, CodecError>> + Send + '_>> {
            Box::pin(async { Err(CodecError::new(std::io::Error::other("key 7 is missing"))) })
        }
    }

    #[tokio::test]
    async fn a_failure_the_codec_cannot_decode_still_says_which_workflow_failed() {
        let connection =
            Connection::connect_lazy(ConnectionOptions::new("127.0.0.1:1")).expect("lazy");
        let options = ClientOptions::default()
            .data_converter(DataConverter::default().with_codec(KeyMissing));
        let client = Client::with_options(connection, options).expect("a client");
        let handle = client.get_handle::<Untyped>("order-9");
        let failure = ProtoFailure {
            message: "card declined".to_owned(),
            failure_info: Some(FailureInfo::ApplicationFailureInfo(
                ApplicationFailureInfo {
                    r#type: "CardDeclined".to_owned(),
                    details: Some(Payloads {
                        payloads: vec![Default::default()],
                    }),
                    ..Default::default()
                },
            )),
            ..Default::default()
        };
        // The run is known, so nothing is asked of the (unreachable) server.
        let error = handle
            .failed(
                "run-3".to_owned(),
                failure,
                ProtoRetryState::NonRetryableFailure,
            )
            .await;
        let Error::FailureUndecodable(undecodable) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(undecodable.workflow_id, "order-9");
        assert_eq!(undecodable.run_id, "run-3");
        assert_eq!(
            error.to_string(),
            "workflow `order-9` (run run-3) failed, and its failure could not be decoded"
        );
        let source = std::error::Error::source(&error).expect("the codec's error");
        assert!(
            format!("{source} {:?}", std::error::Error::source(source))
                .contains("key 7 is missing"),
            "{source:?}"
        );
    }
}
