//! A Temporal client for Rust.
//!
//! This crate is the one dependency an application adds. Today it gives access to the whole
//! Temporal API through [`proto`]; `Connection`, `Client` and `WorkflowHandle` come next.
//!
//! # Examples
//!
//! ```
//! use temporal_client::proto::api::common::v1::WorkflowType;
//!
//! let workflow_type = WorkflowType { name: "example".into() };
//! assert_eq!(workflow_type.name, "example");
//! ```
#![deny(missing_docs)]

/// The Temporal API's generated types and gRPC clients: the [`temporal_proto`] crate.
#[doc(inline)]
pub use temporal_proto as proto;
