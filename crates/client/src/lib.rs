//! A Temporal client for Rust: start workflows written in any language, signal, query,
//! cancel, terminate and await them, list and count them.
//!
//! This crate is the one dependency an application adds; the whole Temporal API is in
//! [`proto`].
//!
//! # Hello world
//!
//! The guide's example: start the `example` workflow with `"Temporal"` on the `hello-world`
//! task queue and wait for its result. The workflow (written in any language) is declared as
//! a typed contract, so the compiler checks the argument and the result.
//!
//! ```no_run
//! use temporal_client::{Client, Connection, ConnectionOptions, StartOptions, workflow};
//!
//! /// The `example` workflow: greets `name`.
//! #[workflow(name = "example")]
//! trait Example {
//!     #[run]
//!     async fn run(&mut self, name: String) -> String;
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // Connect to the default server location (localhost:7233).
//! let connection = Connection::connect(ConnectionOptions::default()).await?;
//! // The `default` namespace; see `Client::with_options` for others.
//! let client = Client::new(connection);
//!
//! let handle = client
//!     .start(
//!         Example,
//!         "Temporal".to_owned(),
//!         StartOptions::new(format!("workflow-{}", std::process::id()), "hello-world"),
//!     )
//!     .await?;
//! println!("Started workflow {}", handle.workflow_id());
//! let greeting = handle.result().await?; // a String: Hello, Temporal!
//! println!("{greeting}");
//! # Ok(())
//! # }
//! ```
//!
//! Without a contract, by name: `client.start("example", ("Temporal",), options)`, and
//! `let greeting: String = handle.result().await?`.
//!
//! # Connect
//!
//! A [`Connection`] is one HTTP/2 channel (one per address the name resolves to, each
//! address watched through a second, with [`ConnectionOptions::dns_load_balancing`]),
//! configured by [`ConnectionOptions`]: the
//! address, TLS and mTLS ([`TlsOptions`]), an API key, headers, timeouts, keepalive, an HTTP
//! CONNECT proxy, gzip and the [`RpcRetryPolicy`] that every call retries transient failures
//! with. A [`Client`] works in
//! one namespace on a connection; both are cheap to clone.
//!
//! [`ClientConfigProfile`] reads the `temporal.toml` profiles and `TEMPORAL_*` variables of the
//! `temporal` CLI into those options: `ClientConfigProfile::load_default()?.connection_options()?`.
//!
//! # Handles
//!
//! [`Client::start`] and [`Client::get_handle`] give a [`WorkflowHandle`] to signal, query,
//! describe, cancel, terminate, await ([`WorkflowHandle::result`]) and read the history of one
//! workflow.
//!
//! # Typed contracts
//!
//! [`macro@workflow`] turns a trait declaring a workflow (written in any language) into a
//! contract the compiler checks every call against: arguments, results, and which signals,
//! queries and updates belong to which workflow. Each handler becomes a constructor of its
//! call: a function taking its parameters (`String` ones take string literals too), or, without
//! parameters, a constant called without `()`.
//!
//! ```no_run
//! use temporal_client::{Client, StartOptions, workflow};
//!
//! #[workflow(name = "order", rename_all = "camelCase")]
//! trait Order {
//!     #[run]
//!     async fn run(&mut self, customer: String) -> String;
//!     /// Approves the order.
//!     #[signal]
//!     fn approve(&mut self, approver: String);
//!     #[signal]
//!     fn cancel(&mut self);
//!     #[query]
//!     fn total(&self) -> f64;
//!     #[update]
//!     fn add_item(&mut self, sku: String, quantity: u32) -> u32;
//! }
//!
//! # async fn run(client: Client) -> Result<(), temporal_client::Error> {
//! let options = StartOptions::new("order-42", "orders");
//! let order = client.start(Order, "customer-42".to_owned(), options).await?;
//! let lines = order.execute_update(Order::add_item("sku-1", 2)).await?; // a u32
//! let total = order.query(Order::total).await?; // an f64
//! order.signal(Order::approve("manager-7")).await?;
//! let summary = order.result().await?; // a String
//! // Does the running worker implement the contract? (`__temporal_workflow_metadata`)
//! let check = order.check_contract().await?;
//! assert!(check.is_match(), "{check}");
//! # let _ = (lines, total, summary);
//! # Ok(())
//! # }
//! ```
//!
//! A crate that publishes a contract for others depends on `temporal-contract` (the same
//! traits and attribute, without a runtime: no tokio, tonic or prost) and serde only; its
//! users call it through this crate. [`Untyped`] handles call workflows by name:
//! `handle.signal("cancel")`, `handle.signal(by_name("approve").arg("manager-7"))`; handles
//! convert both ways.
//!
//! # Values
//!
//! Arguments and results pass through a [`DataConverter`]: JSON by default (`json/plain`,
//! readable and written by every SDK; see [`DataConverter`] for where SDKs differ in bytes),
//! with `()`/`None` as `binary/null`, [`RawBytes`] as `binary/plain` and protobuf messages
//! through [`raw::ProtoJson`] and [`raw::ProtoBinary`]. A [`PayloadCodec`] can encrypt or
//! compress every [`Payload`].
//!
//! # Errors
//!
//! Every operation returns [`Error`], whose variants are facts to act on:
//! [`Error::WorkflowFailed`] carries the decoded [`Failure`] chain and answers
//! [`outcome`](WorkflowFailed::outcome) (failed, cancelled, terminated, timed out),
//! [`Error::NotFound`] names the workflow and run, [`Error::AlreadyStarted`] the existing run,
//! [`Error::Rpc`] the gRPC status with its [`Code`]. A [`ConnectError`] converts into an
//! [`Error`], so `?` works from connecting to calling.
//!
//! # Raw access
//!
//! The typed API names no `tonic` or `prost` type; the escape hatches do, and follow those
//! crates' versions: the [`raw`] module (the generated service clients, and the payload
//! wrappers of `prost` messages), [`proto`] (the generated messages) and the methods named
//! `raw_*`, `from_raw_*` and `into_raw_*` (such as [`RpcError::raw_status`] and
//! [`Payload::into_raw_proto`]). `tools/check_typed_api.py` checks this on the rendered docs.
//!
//! # Testing
//!
//! The `temporal-testing` crate starts real, ephemeral servers and workers for integration
//! tests: `TestEnv` (a server, a connected client and a fresh task queue in one value),
//! `DevServer` (`temporal server start-dev` on a free port, restartable, killed on drop),
//! `TimeSkippingServer` (the test server whose clock skips while a result is awaited, through
//! its `AutoTimeSkipping` interceptor: see [`Interceptor::result_wait`]), `WorkerProcess` (a worker in any language, ready
//! once it polls), and `FaultProxy` (network faults on command, and TLS or mTLS with
//! generated certificates):
//!
//! ```text
//! let env = temporal_testing::TestEnv::start_local().await?;
//! let result: String = env.client().execute("greet", ("Temporal",), env.start_options("greet")).await?;
//! ```
#![deny(missing_docs)]

mod activity_completion;
mod answers;
mod balance;
mod call;
mod call_transport;
mod client;
mod coalesce;
mod code;
mod connection;
mod contract;
mod converter;
mod description;
#[cfg(feature = "http2-direct")]
mod direct;
mod encoded;
mod envconfig;
mod error;
mod failure;
mod handle;
mod history;
mod interceptor;
mod metadata;
#[cfg(feature = "tracing")]
mod observe;
mod options;
mod outgoing;
mod paging;
mod proxy;
#[cfg(feature = "metrics")]
mod request_metrics;
mod resolve;
mod retry;
mod schedule;
mod search_attributes;
mod tls;
mod transport;
mod unary;
mod update;
mod wait;
mod with_start;

/// The Temporal "Workflow Clients" guide, with each of its samples in Rust.
pub mod guide {
    #![doc = include_str!("docs/guide.md")]
}

pub use activity_completion::{ActivityHeartbeat, AsyncActivityHandle};
pub use call::{CallOptions, DEFAULT_CALL_TIMEOUT, WithCallOptions, WithOptions};
pub use call_transport::Http2Transport;
pub use client::{Client, ClientOptions};
pub use code::Code;
pub use connection::{Connection, ConnectionOptions, DEFAULT_ADDRESS};
pub use contract::{
    ByName, CallFuture, Contract, Handler, HandlerInfo, HandlerKind, Named, Query, QueryCall,
    Signal, SignalCall, StartWorkflow, Typed, Untyped, Update, UpdateCall, Workflow,
    WorkflowResult, by_name,
};
pub use converter::{
    CodecError, ConversionError, DataConverter, DeserializeInto, FromPayload, FromPayloads,
    Payload, PayloadCodec, PayloadConverter, RawBytes, SerializeValue, ToPayload, ToPayloads,
};
pub use description::{
    CountGroup, Memo, ParentExecution, WorkflowCount, WorkflowDescription, WorkflowExecutionInfo,
    WorkflowExecutionStatus,
};
pub use encoded::EncodedValues;
pub use envconfig::{
    ClientConfig, ClientConfigCodec, ClientConfigProfile, ClientConfigTls, ConfigError,
    DEFAULT_PROFILE, DataSource, LoadOptions, Origin,
};
pub use error::{
    ConnectError, Error, FailureUndecodable, NotFound, RpcError, WorkflowFailed, WorkflowOutcome,
};
pub use failure::{ApplicationFailure, Failure, FailureKind, RetryState, TimeoutType};
pub use handle::WorkflowHandle;
pub use history::{HistoryEvent, HistoryEventType};
pub use interceptor::{CompletedCall, Interceptor, OutboundCall, ResultWait, WaitScope};
pub use metadata::{ContractCheck, HandlerDefinition, METADATA_QUERY, WorkflowMetadata};
pub use options::{
    HistoryOptions, Priority, QueryRejectCondition, RetryPolicy, StartOptions, VersioningOverride,
    WorkflowIdConflictPolicy, WorkflowIdReusePolicy,
};
pub use paging::{ListOptions, PagedStream};
pub use proxy::HttpConnectProxy;
pub use resolve::{Resolve, Resolving};
pub use retry::RpcRetryPolicy;
pub use schedule::{
    CalendarSpec, CreateScheduleOptions, IntervalSpec, Schedule, ScheduleAction,
    ScheduleActionResult, ScheduleBackfill, ScheduleDescription, ScheduleHandle, ScheduleInfo,
    ScheduleListEntry, ScheduleListInfo, ScheduleOverlapPolicy, SchedulePolicies, ScheduleRange,
    ScheduleSpec, ScheduleState, ScheduleUpdate, ScheduledWorkflow,
};
pub use search_attributes::{
    SearchAttributeKey, SearchAttributeKind, SearchAttributeTypeError, SearchAttributeValue,
    SearchAttributes,
};
pub use temporal_macros::{query, run, signal, update, validator, workflow_for_client as workflow};
pub use tls::TlsOptions;
pub use update::{UpdateHandle, UpdateOptions, UpdateStage};
pub use wait::ProtocolViolation;
pub use with_start::{OnConflict, WithStartWorkflow};

/// The escape hatches to the gRPC layer: the generated service clients of a connection
/// ([`Connection::raw_workflow_service`] and its siblings), the interceptor that adds the
/// connection's headers, and [`ProtoJson`](raw::ProtoJson) and
/// [`ProtoBinary`](raw::ProtoBinary), which carry your `prost` messages as payloads. With
/// [`proto`] (the generated messages) and the `raw_*` accessors (such as
/// [`RpcError::raw_status`] and [`Payload::raw_proto`]), these are the only places where
/// `tonic` and `prost` types appear: they follow the versions of `tonic`, `prost` and the
/// Temporal protos this crate depends on, and may change with them, while the rest of the
/// API does not.
///
/// # Examples
///
/// ```no_run
/// use temporal_client::proto::api::workflowservice::v1::GetSystemInfoRequest;
/// use temporal_client::raw::WorkflowService;
///
/// # async fn example(connection: temporal_client::Connection) -> Result<(), Box<dyn std::error::Error>> {
/// let mut service: WorkflowService = connection.raw_workflow_service();
/// let info = service.get_system_info(GetSystemInfoRequest::default()).await?;
/// println!("server {}", info.get_ref().server_version);
/// # Ok(())
/// # }
/// ```
pub mod raw {
    pub use crate::connection::{
        Headers, HealthService, OperatorService, TestService, WorkflowService,
    };
    pub use crate::converter::{ProtoBinary, ProtoJson};
}

/// What `#[workflow]`'s expansion names, and nothing else: not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use temporal_contract::__private::{
        Contract, Handler, HandlerInfo, HandlerKind, Query, Signal, Update, Workflow,
    };

    /// A result type the client cannot decode is reported on the contract's declaration.
    pub use crate::converter::FromPayload as CheckResult;
    /// An argument type the client cannot encode is reported on the contract's declaration.
    pub use crate::converter::ToPayload as CheckArg;
}

/// The Temporal API's generated types and gRPC clients: the [`temporal_proto`] crate. Raw, like
/// [`raw`]: it follows the versions of the Temporal protos, `prost` and `tonic`.
#[doc(inline)]
pub use temporal_proto as proto;
