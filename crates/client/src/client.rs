//! [`Client`]: starts workflows and finds them, in one namespace.

use std::sync::Arc;

use crate::paging::{ListOptions, PagedStream};
use temporal_proto::api::common::v1::{Memo, Payloads, WorkflowType};
use temporal_proto::api::sdk::v1::UserMetadata;
use temporal_proto::api::taskqueue::v1::TaskQueue;
use temporal_proto::api::workflowservice::v1::{
    CountWorkflowExecutionsRequest, ListWorkflowExecutionsRequest,
    SignalWithStartWorkflowExecutionRequest, StartWorkflowExecutionRequest,
};
use tonic::metadata::AsciiMetadataValue;

use crate::call::{
    CallContext, CallOptions, DEFAULT_MAX_CONCURRENT_LONG_POLLS, LongPollSlots, ResolvedCallOptions,
};
use crate::connection::{Connection, WorkflowService};
use crate::contract::{CallFuture, Contract, SignalCall, StartWorkflow, WorkflowResult};
use crate::converter::{
    ConversionError, DataConverter, FromPayload, Payload, ToPayloads, from_raw_payloads,
    into_raw_payloads,
};
use crate::description::{WorkflowCount, WorkflowExecutionInfo};
use crate::error::Error;
use crate::handle::WorkflowHandle;
use crate::interceptor::{Interceptor, Interceptors};
use crate::options::{RetryPolicy, StartOptions, to_proto_duration};
use crate::unary::WorkflowGrpc;

/// The most bytes of a workflow id, as the server accepts by default.
const MAX_ID_BYTES: usize = 1000;
/// The server's default gRPC message limit.
const DEFAULT_MAX_PAYLOAD_BYTES: usize = 4 * 1024 * 1024;

/// Settings of a [`Client`].
///
/// # Examples
///
/// ```
/// use temporal_client::ClientOptions;
///
/// let options = ClientOptions::default().namespace("billing").identity("billing-api@host-1");
/// # let _ = options;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ClientOptions {
    namespace: String,
    identity: Option<String>,
    data_converter: DataConverter,
    max_payload_bytes: usize,
    max_concurrent_long_polls: usize,
    interceptors: Interceptors,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            namespace: "default".to_owned(),
            identity: None,
            data_converter: DataConverter::default(),
            max_payload_bytes: DEFAULT_MAX_PAYLOAD_BYTES,
            max_concurrent_long_polls: DEFAULT_MAX_CONCURRENT_LONG_POLLS,
            interceptors: Interceptors::default(),
        }
    }
}

impl ClientOptions {
    /// Options with the namespace of `TEMPORAL_NAMESPACE`, as the `temporal` CLI reads it;
    /// `default` when it is unset.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{Client, ClientOptions, Connection, ConnectionOptions};
    ///
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// let connection = Connection::connect(ConnectionOptions::from_env()?).await?;
    /// let client = Client::with_options(connection, ClientOptions::from_env())?;
    /// # let _ = client;
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_env() -> Self {
        match std::env::var("TEMPORAL_NAMESPACE") {
            Ok(namespace) if !namespace.is_empty() => Self::default().namespace(namespace),
            _ => Self::default(),
        }
    }

    /// Adds an interceptor, which sees every call of the client (and of the handles and
    /// clients derived from it) before it is sent and after it ends. Interceptors run in the
    /// order added before a call, and in the reverse order after it.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientOptions, Error, Interceptor, OutboundCall};
    ///
    /// #[derive(Debug)]
    /// struct Origin;
    ///
    /// impl Interceptor for Origin {
    ///     fn intercept(&self, call: &mut OutboundCall<'_>) -> Result<(), Error> {
    ///         call.set_header("x-request-origin", "billing-api")
    ///     }
    /// }
    ///
    /// let options = ClientOptions::default().interceptor(Origin);
    /// # let _ = options;
    /// ```
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Self {
        self.interceptors.0.push(Arc::new(interceptor));
        self
    }

    /// The namespace every call of the client is in. Defaults to `default`.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ClientOptions;
    ///
    /// let options = ClientOptions::default().namespace("billing");
    /// # let _ = options;
    /// ```
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// Who the client says it is, in the history of what it does. Defaults to
    /// `<pid>@<hostname>`, as the other SDKs do.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ClientOptions;
    ///
    /// let options = ClientOptions::default().identity("billing-api@host-1");
    /// # let _ = options;
    /// ```
    pub fn identity(mut self, identity: impl Into<String>) -> Self {
        self.identity = Some(identity.into());
        self
    }

    /// The most bytes the arguments of one call may encode to; more is refused before
    /// anything is sent, instead of by the server.
    ///
    /// Defaults to 4 MiB, the server's default gRPC message limit; raise it for a server
    /// configured to accept more. (The server also limits each payload, to 2 MB by default,
    /// and answers [`Error::Rpc`] with `INVALID_ARGUMENT` beyond that.)
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ClientOptions;
    ///
    /// // For a server configured with a 16 MiB gRPC message limit.
    /// let options = ClientOptions::default().max_payload_bytes(16 * 1024 * 1024);
    /// # let _ = options;
    /// ```
    pub fn max_payload_bytes(mut self, bytes: usize) -> Self {
        self.max_payload_bytes = bytes;
        self
    }

    /// How arguments, results and other values become payloads. Defaults to
    /// [`DataConverter::default`], compatible with every SDK's default.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::{ClientOptions, DataConverter};
    ///
    /// let options = ClientOptions::default().data_converter(DataConverter::default());
    /// # let _ = options;
    /// ```
    pub fn data_converter(mut self, converter: DataConverter) -> Self {
        self.data_converter = converter;
        self
    }

    /// The most long polls (the waits of [`WorkflowHandle::result`], of updates, and of
    /// history) this client holds open at once; more waits queue, in order, for a free slot.
    ///
    /// The server limits the long polls of a namespace (about 1,200 at once by default,
    /// workers' task polls included) and refuses more with `RESOURCE_EXHAUSTED`. Staying below
    /// that limit lets any number of waits complete while leaving room for the workers.
    /// Defaults to 500; 0 is taken as 1.
    ///
    /// # Examples
    ///
    /// ```
    /// use temporal_client::ClientOptions;
    ///
    /// // A process that shares its namespace with many workers.
    /// let options = ClientOptions::default().max_concurrent_long_polls(200);
    /// # let _ = options;
    /// ```
    pub fn max_concurrent_long_polls(mut self, polls: usize) -> Self {
        self.max_concurrent_long_polls = polls;
        self
    }
}

/// A client of one namespace: starts workflows, and gets handles to them.
///
/// Cheap to clone (an `Arc`); share one per namespace.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{Client, Connection, ConnectionOptions, StartOptions};
///
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// let connection = Connection::connect(ConnectionOptions::default()).await?;
/// let client = Client::new(connection);
/// let handle = client
///     .start("example", ("Temporal",), StartOptions::new("hello-1", "hello-world"))
///     .await?;
/// println!("Started workflow {}", handle.workflow_id());
/// let greeting: String = handle.result().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

#[derive(Debug)]
struct ClientInner {
    connection: Connection,
    service: WorkflowService,
    /// What the client's own calls go through (`service` is for raw access).
    grpc: WorkflowGrpc,
    namespace: String,
    identity: String,
    converter: DataConverter,
    max_payload_bytes: usize,
    call: ResolvedCallOptions,
    interceptors: Interceptors,
    /// Shared by every client derived with [`Client::with_call_options`].
    long_polls: Arc<LongPollSlots>,
}

impl Client {
    /// A client of the `default` namespace.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{Client, Connection, ConnectionOptions};
    ///
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// let connection = Connection::connect(ConnectionOptions::default()).await?;
    /// let client = Client::new(connection);
    /// assert_eq!(client.namespace(), "default");
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(connection: Connection) -> Self {
        Self::build(
            connection,
            ClientOptions::default(),
            AsciiMetadataValue::from_static("default"),
        )
    }

    /// A client with the given options.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when the namespace is empty or not printable ASCII.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::{Client, ClientOptions, Connection, ConnectionOptions};
    ///
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// let connection = Connection::connect(ConnectionOptions::default()).await?;
    /// let client = Client::with_options(connection, ClientOptions::default().namespace("billing"))?;
    /// assert_eq!(client.namespace(), "billing");
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_options(connection: Connection, options: ClientOptions) -> Result<Self, Error> {
        if options.namespace.is_empty() {
            return Err(Error::invalid("namespace", "the namespace is empty"));
        }
        let header = crate::connection::printable_ascii(&options.namespace)
            .ok_or_else(|| Error::invalid("namespace", "a namespace is printable ASCII"))?;
        Ok(Self::build(connection, options, header))
    }

    fn build(connection: Connection, options: ClientOptions, header: AsciiMetadataValue) -> Self {
        let service = connection.namespaced_workflow_service(header.clone());
        let grpc = connection.namespaced_grpc(header);
        Self {
            inner: Arc::new(ClientInner {
                connection,
                service,
                grpc,
                identity: options.identity.unwrap_or_else(default_identity),
                namespace: options.namespace,
                converter: options.data_converter,
                max_payload_bytes: options.max_payload_bytes,
                call: ResolvedCallOptions::default(),
                interceptors: options.interceptors,
                long_polls: Arc::new(LongPollSlots::new(options.max_concurrent_long_polls)),
            }),
        }
    }

    /// This client with `options` for every call it (and every handle it gives) makes: a
    /// deadline, headers, a retry policy. Cheap: shares the connection.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a header that is not valid gRPC metadata, or an
    /// `authorization` header on a plaintext connection that does not allow credentials.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use temporal_client::CallOptions;
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let hasty = client.with_call_options(CallOptions::default().timeout(Duration::from_secs(2)))?;
    /// let count = hasty.count("").await?;
    /// # let _ = count;
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_call_options(&self, options: CallOptions) -> Result<Self, Error> {
        let inner = &self.inner;
        let call = options.resolve()?;
        if !inner.connection.may_send_credentials() && call.metadata.contains_key("authorization") {
            return Err(Error::invalid(
                "header",
                "the `authorization` header would send a credential over plaintext; enable \
                 TLS, or allow it with ConnectionOptions::allow_api_key_over_plaintext",
            ));
        }
        Ok(Self {
            inner: Arc::new(ClientInner {
                connection: inner.connection.clone(),
                service: inner.service.clone(),
                grpc: inner.grpc.clone(),
                namespace: inner.namespace.clone(),
                identity: inner.identity.clone(),
                converter: inner.converter.clone(),
                max_payload_bytes: inner.max_payload_bytes,
                call,
                interceptors: inner.interceptors.clone(),
                long_polls: Arc::clone(&inner.long_polls),
            }),
        })
    }

    /// The namespace of every call.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn example(client: temporal_client::Client) {
    /// println!("working in namespace {}", client.namespace());
    /// # }
    /// ```
    pub fn namespace(&self) -> &str {
        &self.inner.namespace
    }

    /// The identity the client records in histories.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn example(client: temporal_client::Client) {
    /// println!("recorded in histories as {}", client.identity());
    /// # }
    /// ```
    pub fn identity(&self) -> &str {
        &self.inner.identity
    }

    /// The connection the client calls through.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn example(client: temporal_client::Client) {
    /// println!("connected to {}", client.connection().address());
    /// # }
    /// ```
    pub fn connection(&self) -> &Connection {
        &self.inner.connection
    }

    /// The data converter of the client.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn example(client: temporal_client::Client) -> Result<(), temporal_client::ConversionError> {
    /// let payload = client.data_converter().to_payload(&42_i64)?;
    /// # let _ = payload;
    /// # Ok(())
    /// # }
    /// ```
    pub fn data_converter(&self) -> &DataConverter {
        &self.inner.converter
    }

    /// The raw `WorkflowService`, with this client's namespace in the `temporal-namespace`
    /// header: for calls the client does not wrap. Cheap: clones a channel.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::proto::api::workflowservice::v1::DescribeNamespaceRequest;
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let response = client
    ///     .raw_workflow_service()
    ///     .describe_namespace(DescribeNamespaceRequest {
    ///         namespace: client.namespace().to_owned(),
    ///         ..Default::default()
    ///     })
    ///     .await?;
    /// # let _ = response;
    /// # Ok(())
    /// # }
    /// ```
    pub fn raw_workflow_service(&self) -> WorkflowService {
        self.inner.service.clone()
    }

    /// Starts `workflow` with `args`, and returns once the server has recorded the start; a
    /// worker polling the task queue then runs it.
    ///
    /// `workflow` is a contract marker, whose run method fixes the type of `args` (the value
    /// for one parameter, a tuple for several, `()` for none) and of the handle's result; or a
    /// workflow type name, with a tuple of any arguments (one payload each) and an
    /// [`Untyped`](crate::Untyped) handle.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] and [`Error::Conversion`] before anything is sent,
    /// [`Error::AlreadyStarted`] when the id is taken, [`Error::NamespaceNotFound`],
    /// [`Error::Rpc`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::StartOptions;
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// // By name, with a tuple of arguments: an `Untyped` handle.
    /// let handle = client
    ///     .start("example", ("Temporal",), StartOptions::new("greeting-1", "hello-world"))
    ///     .await?;
    /// println!("started run {:?}", handle.first_execution_run_id());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start<T: StartWorkflow<A, M>, A, M>(
        &self,
        workflow: T,
        args: A,
        options: StartOptions,
    ) -> Result<WorkflowHandle<T::Contract>, Error> {
        let input = workflow.encode_args(args, &self.inner.converter)?;
        let request = self
            .start_request(workflow.workflow_type().to_owned(), input, &options)
            .await?;
        let response = self.call(request, &options.workflow_id).await?;
        Ok(WorkflowHandle::started(
            self.clone(),
            options.workflow_id,
            response.run_id,
        ))
    }

    /// Starts a workflow and waits for its result: [`start`](Client::start) then
    /// [`WorkflowHandle::result`].
    ///
    /// # Errors
    ///
    /// Those of both.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::StartOptions;
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let greeting: String = client
    ///     .execute("example", ("Temporal",), StartOptions::new("greeting-2", "hello-world"))
    ///     .await?;
    /// println!("{greeting}");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn execute<R: FromPayload, A, M>(
        &self,
        workflow: impl StartWorkflow<A, M, Contract: WorkflowResult<R>>,
        args: A,
        options: StartOptions,
    ) -> Result<R, Error> {
        self.start(workflow, args, options).await?.result().await
    }

    /// A handle to the workflow with this id, of contract `W` (use [`Untyped`](crate::Untyped) to signal and
    /// query by name): its latest run, found when a call is made.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::Untyped;
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let handle = client.get_handle::<Untyped>("order-1234");
    /// handle.signal(temporal_client::by_name("approve").arg("manager-7")).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_handle<W: Contract>(&self, workflow_id: impl Into<String>) -> WorkflowHandle<W> {
        WorkflowHandle::new(self.clone(), workflow_id.into())
    }

    /// Signals a workflow, starting it first if it is not running: both or neither happen.
    /// The handle's [`signaled_run_id`](WorkflowHandle::signaled_run_id) is the run that got
    /// the signal. The signal must belong to the workflow's contract.
    ///
    /// # Errors
    ///
    /// As [`start`](Client::start).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::StartOptions;
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let handle = client
    ///     .signal_with_start(
    ///         "cart",
    ///         ("customer-42",),
    ///         StartOptions::new("cart-customer-42", "carts"),
    ///         temporal_client::by_name("addItem").arg("sku-1").arg(2),
    ///     )
    ///     .await?;
    /// println!("signaled run {:?}", handle.signaled_run_id());
    /// # Ok(())
    /// # }
    /// ```
    pub fn signal_with_start<T: StartWorkflow<A, M>, A, M, SM>(
        &self,
        workflow: T,
        args: A,
        options: StartOptions,
        signal: impl SignalCall<T::Contract, SM>,
    ) -> CallFuture<'_, WorkflowHandle<T::Contract>> {
        let workflow_type = workflow.workflow_type().to_owned();
        let input = workflow.encode_args(args, &self.inner.converter);
        let signal_name = signal.name().to_owned();
        let signal_input = signal.encode(&self.inner.converter);
        Box::pin(self.send_signal_with_start(
            (workflow_type, input),
            options,
            signal_name,
            signal_input,
        ))
    }

    async fn send_signal_with_start<C: Contract>(
        &self,
        (workflow_type, input): (String, Result<Vec<Payload>, ConversionError>),
        options: StartOptions,
        signal_name: String,
        signal_input: Result<Vec<Payload>, ConversionError>,
    ) -> Result<WorkflowHandle<C>, Error> {
        if signal_name.is_empty() {
            return Err(Error::invalid("signal_name", "the signal name is empty"));
        }
        let start = self.start_request(workflow_type, input?, &options).await?;
        let signal_input = self.encode_payloads(signal_input?).await?;
        let request = signal_with_start_request(start, signal_name, signal_input);
        let response = self.call(request, &options.workflow_id).await?;
        Ok(WorkflowHandle::signaled(
            self.clone(),
            options.workflow_id,
            response.run_id,
        ))
    }

    /// The workflows that match a visibility `query` (empty for all), such as
    /// `WorkflowType = 'example' AND ExecutionStatus = 'Running'`, fetched a page at a time as
    /// the stream is read.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let mut workflows = client.list("WorkflowType = 'example' AND ExecutionStatus = 'Running'");
    /// while let Some(info) = workflows.next().await {
    ///     let info = info?;
    ///     println!("{} ({})", info.workflow_id, info.workflow_type);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self, query: impl Into<String>) -> PagedStream<WorkflowExecutionInfo> {
        self.list_with_options(query, ListOptions::default())
    }

    /// As [`list`](Client::list), with a page size, a limit, or a page to start from (to
    /// continue a listing that stopped, from its
    /// [`next_page_token`](PagedStream::next_page_token)).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_client::ListOptions;
    ///
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let mut newest = client.list_with_options("WorkflowType = 'example'", ListOptions::new().limit(10));
    /// while let Some(info) = newest.next().await {
    ///     println!("{}", info?.workflow_id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn list_with_options(
        &self,
        query: impl Into<String>,
        options: ListOptions,
    ) -> PagedStream<WorkflowExecutionInfo> {
        let client = self.clone();
        let query = query.into();
        let page_size = options.request_page_size();
        let fetch = move |next_page_token| {
            let client = client.clone();
            let request = ListWorkflowExecutionsRequest {
                namespace: client.inner.namespace.clone(),
                page_size,
                next_page_token,
                query: query.clone(),
            };
            async move {
                let response = client.call(request, "").await?;
                let mut items = Vec::with_capacity(response.executions.len());
                for info in response.executions {
                    items.push(WorkflowExecutionInfo::decode(info, &client.inner.converter).await?);
                }
                Ok((items, response.next_page_token))
            }
        };
        crate::paging::pages_from(fetch, options.next_page_token, options.limit)
    }

    /// How many workflows match a visibility `query`; with `GROUP BY`, how many per group.
    ///
    /// # Errors
    ///
    /// [`Error::Rpc`] for a malformed query (`INVALID_ARGUMENT`) or a failed call.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(client: temporal_client::Client) -> Result<(), temporal_client::Error> {
    /// let running = client.count("ExecutionStatus = 'Running'").await?;
    /// println!("{} running workflows", running.count);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn count(&self, query: impl Into<String>) -> Result<WorkflowCount, Error> {
        let request = CountWorkflowExecutionsRequest {
            namespace: self.inner.namespace.clone(),
            query: query.into(),
        };
        let response = self.call(request, "").await?;
        Ok(WorkflowCount::from_proto(response))
    }

    pub(crate) async fn start_request(
        &self,
        workflow_type: String,
        input: Vec<Payload>,
        options: &StartOptions,
    ) -> Result<StartWorkflowExecutionRequest, Error> {
        validate_id(&options.workflow_id)?;
        if workflow_type.is_empty() {
            return Err(Error::invalid(
                "workflow_type",
                "the workflow type is empty",
            ));
        }
        if options.task_queue.is_empty() {
            return Err(Error::invalid("task_queue", "the task queue is empty"));
        }
        let request_id = match &options.request_id {
            Some(id) if id.is_empty() => {
                return Err(Error::invalid("request_id", "the request id is empty"));
            }
            Some(id) => id.clone(),
            None => new_request_id(),
        };
        let converter = &self.inner.converter;
        let input = self.encode_payloads(input).await?;
        let memo = if options.memo.is_empty() {
            None
        } else {
            let mut keys = Vec::with_capacity(options.memo.len());
            let mut payloads = Vec::with_capacity(options.memo.len());
            for (key, value) in &options.memo {
                let value = value
                    .as_ref()
                    .map_err(|reason| Error::invalid("memo", format!("`{key}`: {reason}")))?;
                keys.push(key.clone());
                payloads.push(converter.to_payload(value)?);
            }
            let payloads = converter.encode(payloads).await?;
            Some(Memo {
                fields: keys
                    .into_iter()
                    .zip(payloads.into_iter().map(Payload::into_raw_proto))
                    .collect(),
            })
        };
        let user_metadata = if options.static_summary.is_some() || options.static_details.is_some()
        {
            let summary = match &options.static_summary {
                Some(text) => Some(self.encode_one(text).await?),
                None => None,
            };
            let details = match &options.static_details {
                Some(text) => Some(self.encode_one(text).await?),
                None => None,
            };
            Some(UserMetadata { summary, details })
        } else {
            None
        };
        Ok(StartWorkflowExecutionRequest {
            namespace: self.inner.namespace.clone(),
            workflow_id: options.workflow_id.clone(),
            workflow_type: Some(WorkflowType {
                name: workflow_type,
            }),
            task_queue: Some(TaskQueue {
                name: options.task_queue.clone(),
                ..Default::default()
            }),
            input,
            workflow_execution_timeout: to_proto_duration(
                "execution_timeout",
                options.execution_timeout,
            )?,
            workflow_run_timeout: to_proto_duration("run_timeout", options.run_timeout)?,
            workflow_task_timeout: to_proto_duration("task_timeout", options.task_timeout)?,
            identity: self.inner.identity.clone(),
            request_id,
            workflow_id_reuse_policy: options.id_reuse_policy.into(),
            workflow_id_conflict_policy: options.id_conflict_policy.into(),
            retry_policy: options
                .retry_policy
                .as_ref()
                .map(RetryPolicy::to_proto)
                .transpose()?,
            cron_schedule: options.cron_schedule.clone().unwrap_or_default(),
            memo,
            search_attributes: options.search_attributes.as_ref().map(|a| a.to_proto()),
            header: None,
            workflow_start_delay: to_proto_duration("start_delay", options.start_delay)?,
            user_metadata,
            priority: options.priority.as_ref().map(|p| p.to_proto()),
            versioning_override: options
                .versioning_override
                .as_ref()
                .map(|versioning| versioning.to_proto()),
            request_eager_execution: options.request_eager_start,
            links: options.links.clone(),
            ..Default::default()
        })
    }

    async fn encode_one(
        &self,
        text: &str,
    ) -> Result<temporal_proto::api::common::v1::Payload, Error> {
        let payload = self.inner.converter.to_payload(text)?;
        let mut encoded = self.inner.converter.encode(vec![payload]).await?;
        encoded
            .pop()
            .map(Payload::into_raw_proto)
            .ok_or_else(|| Error::invalid("static_summary", "the codec returned no payload"))
    }

    /// Runs the codec on outgoing argument payloads and checks their size; `None` for no
    /// arguments.
    pub(crate) async fn encode_payloads(
        &self,
        payloads: Vec<Payload>,
    ) -> Result<Option<Payloads>, Error> {
        if payloads.is_empty() {
            return Ok(None);
        }
        let payloads = self.inner.converter.encode(payloads).await?;
        let bytes: usize = payloads.iter().map(|p| p.data().len()).sum();
        if bytes > self.inner.max_payload_bytes {
            return Err(Error::invalid(
                "args",
                format!(
                    "the arguments encode to {bytes} bytes, over the limit of {} \
                     (ClientOptions::max_payload_bytes)",
                    self.inner.max_payload_bytes
                ),
            ));
        }
        Ok(Some(Payloads {
            payloads: into_raw_payloads(payloads),
        }))
    }

    /// Converts arguments to payloads, then as [`encode_payloads`](Client::encode_payloads).
    pub(crate) async fn encode_args<A: ToPayloads + ?Sized>(
        &self,
        args: &A,
    ) -> Result<Option<Payloads>, Error> {
        let payloads = self.inner.converter.to_payloads(args)?;
        self.encode_payloads(payloads).await
    }

    /// What [`crate::call`] needs to make a call for this client.
    pub(crate) fn call_context(&self) -> CallContext<'_> {
        CallContext {
            grpc: &self.inner.grpc,
            options: &self.inner.call,
            retry_policy: self.inner.connection.retry_policy(),
            namespace: &self.inner.namespace,
            long_polls: &self.inner.long_polls,
            interceptors: &self.inner.interceptors,
            converter: &self.inner.converter,
            may_send_credentials: self.inner.connection.may_send_credentials(),
        }
    }

    /// Runs the codec on payloads that arrived, then decodes the first as an `R`.
    pub(crate) async fn decode_result<R: FromPayload>(
        &self,
        payloads: Option<Payloads>,
    ) -> Result<R, Error> {
        let payloads = from_raw_payloads(payloads.map(|p| p.payloads).unwrap_or_default());
        let payloads = self.inner.converter.decode(payloads).await?;
        Ok(self.inner.converter.from_payloads(&payloads)?)
    }
}

/// The signal-with-start request that starts as `start` would, and sends `signal_name`.
///
/// Both requests are destructured field by field, with no `..`: a field that a new version of
/// the protocol adds to either one fails to compile here until it is carried over or
/// consciously left out, instead of being dropped in silence.
fn signal_with_start_request(
    start: StartWorkflowExecutionRequest,
    signal_name: String,
    signal_input: Option<Payloads>,
) -> SignalWithStartWorkflowExecutionRequest {
    let StartWorkflowExecutionRequest {
        namespace,
        workflow_id,
        workflow_type,
        task_queue,
        input,
        workflow_execution_timeout,
        workflow_run_timeout,
        workflow_task_timeout,
        identity,
        request_id,
        workflow_id_reuse_policy,
        workflow_id_conflict_policy,
        retry_policy,
        cron_schedule,
        memo,
        search_attributes,
        header,
        workflow_start_delay,
        user_metadata,
        links,
        versioning_override,
        priority,
        time_skipping_config,
        // Not part of signal-with-start: eager execution hands the first workflow task to
        // the caller, which a client that is not a worker cannot take; the others are set by
        // the server for the runs it starts itself (retries, cron), or by Nexus callers.
        request_eager_execution: _,
        continued_failure: _,
        last_completion_result: _,
        completion_callbacks: _,
        on_conflict_options: _,
        eager_worker_deployment_options: _,
    } = start;
    SignalWithStartWorkflowExecutionRequest {
        namespace,
        workflow_id,
        workflow_type,
        task_queue,
        input,
        workflow_execution_timeout,
        workflow_run_timeout,
        workflow_task_timeout,
        identity,
        request_id,
        workflow_id_reuse_policy,
        workflow_id_conflict_policy,
        signal_name,
        signal_input,
        // Deprecated, and unused by the server.
        #[allow(deprecated)]
        control: String::new(),
        retry_policy,
        cron_schedule,
        memo,
        search_attributes,
        header,
        workflow_start_delay,
        user_metadata,
        links,
        versioning_override,
        priority,
        time_skipping_config,
    }
}

/// Refuses ids the server would refuse, before anything is sent.
pub(crate) fn validate_id(workflow_id: &str) -> Result<(), Error> {
    if workflow_id.is_empty() {
        return Err(Error::invalid("workflow_id", "the workflow id is empty"));
    }
    if workflow_id.len() > MAX_ID_BYTES {
        return Err(Error::invalid(
            "workflow_id",
            format!(
                "the workflow id is {} bytes; the server accepts at most {MAX_ID_BYTES}",
                workflow_id.len()
            ),
        ));
    }
    Ok(())
}

/// A fresh idempotency key: made once per logical call, sent with every attempt of it. A
/// version-4 UUID whose 122 random bits are two SipHash outputs keyed by the thread's
/// `RandomState` (random keys, drawn from the system once per thread) over a process-wide
/// counter: unique, as an idempotency key must be, without the system call per id that
/// `Uuid::new_v4` makes (`getrandom`, one of the few system calls of a whole start or signal;
/// BENCHMARKS.md counts them). The keys are secret from the server, so ids do not reveal
/// the counter; they are not meant to be unguessable tokens.
pub(crate) fn new_request_id() -> String {
    use std::hash::{BuildHasher, RandomState};
    use std::sync::atomic::{AtomicU64, Ordering};

    static NEXT: AtomicU64 = AtomicU64::new(0);
    thread_local! {
        static KEYS: RandomState = RandomState::new();
    }
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let (high, low) = KEYS.with(|keys| (keys.hash_one((n, 0u8)), keys.hash_one((n, 1u8))));
    let mut bytes = [0; 16];
    bytes[..8].copy_from_slice(&high.to_le_bytes());
    bytes[8..].copy_from_slice(&low.to_le_bytes());
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// `<pid>@<hostname>`, the identity every SDK uses by default.
fn default_identity() -> String {
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_else(|| "unknown-host".to_owned());
    format!("{}@{hostname}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_validated_before_sending() {
        assert!(matches!(
            validate_id(""),
            Err(Error::InvalidArgument {
                field: "workflow_id",
                ..
            })
        ));
        assert!(validate_id(&"x".repeat(1001)).is_err());
        assert!(validate_id(&"x".repeat(1000)).is_ok());
    }

    #[test]
    fn the_default_identity_is_pid_at_host() {
        let identity = default_identity();
        let (pid, host) = identity.split_once('@').expect("pid@host");
        assert_eq!(pid, std::process::id().to_string());
        assert!(!host.is_empty());
    }

    #[test]
    fn request_ids_are_unique_version_4_uuids_across_threads() {
        let per_thread = 20_000;
        let threads: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(move || {
                    (0..per_thread)
                        .map(|_| new_request_id())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut seen = std::collections::HashSet::new();
        for thread in threads {
            for id in thread.join().expect("no panic") {
                let uuid = uuid::Uuid::parse_str(&id).expect("a UUID");
                assert_eq!(uuid.get_version_num(), 4, "{id}");
                assert_eq!(uuid.get_variant(), uuid::Variant::RFC4122, "{id}");
                assert!(seen.insert(id), "a repeated request id");
            }
        }
        assert_eq!(seen.len(), 4 * per_thread);
        // Not a counter in disguise: consecutive ids differ in about half their bits.
        let (a, b) = (new_request_id(), new_request_id());
        let bits = |id: &str| uuid::Uuid::parse_str(id).expect("a UUID").as_u128();
        let differing = (bits(&a) ^ bits(&b)).count_ones();
        assert!(
            (30..=98).contains(&differing),
            "{a} {b}: {differing} bits differ"
        );
    }
}
