//! The Temporal API as Rust types and [tonic] clients.
//!
//! Everything here is generated ahead of time from the upstream protos of the pinned
//! `temporalio-protos` registry package (see `cargo xtask codegen` in the repository), so this
//! crate has no build script and needs no `protoc`.
//!
//! Modules mirror the protobuf packages: `temporal.api.common.v1` is
//! [`temporal::api::common::v1`], also reachable as [`api::common::v1`]. The services are
//! [`api::workflowservice::v1::workflow_service_client::WorkflowServiceClient`],
//! [`api::operatorservice::v1::operator_service_client::OperatorServiceClient`],
//! [`api::testservice::v1::test_service_client::TestServiceClient`] (the time-skipping test
//! server) and [`grpc::health::v1::health_client::HealthClient`]. Error details such as
//! [`api::errordetails::v1::WorkflowExecutionAlreadyStartedFailure`] arrive in a
//! [`google::rpc::Status`].
//!
//! # Examples
//!
//! ```
//! use temporal_proto::api::common::v1::{Payload, Payloads, WorkflowType};
//! use temporal_proto::api::taskqueue::v1::TaskQueue;
//! use temporal_proto::api::workflowservice::v1::StartWorkflowExecutionRequest;
//!
//! let request = StartWorkflowExecutionRequest {
//!     namespace: "default".into(),
//!     workflow_id: "order-1234".into(),
//!     workflow_type: Some(WorkflowType { name: "example".into() }),
//!     task_queue: Some(TaskQueue { name: "hello-world".into(), ..Default::default() }),
//!     input: Some(Payloads {
//!         payloads: vec![Payload {
//!             metadata: [("encoding".to_owned(), b"json/plain".to_vec())].into(),
//!             data: b"\"Temporal\"".to_vec().into(),
//!             ..Default::default()
//!         }],
//!     }),
//!     ..Default::default()
//! };
//! assert_eq!(request.workflow_id, "order-1234");
//! ```
//!
//! # Features
//!
//! | Name | Description | Default? |
//! |---|---|---|
//! | `serde` | proto3-JSON `Serialize`/`Deserialize` for `History` and every type it reaches (common, enums, failure, ...), the JSON of `temporal workflow show --output json` | yes |
//! | `server` | the generated tonic server traits, for test doubles and proxies | no |
#![deny(missing_docs)]

#[allow(missing_docs, unreachable_pub, clippy::all)]
#[path = "generated/mod.rs"]
mod generated;
mod well_known;

pub use generated::{google, grpc, temporal};
pub use well_known::WellKnownTypeError;

/// The Temporal API packages: a shorter path to [`temporal::api`].
pub use temporal::api;
