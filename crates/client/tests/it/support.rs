//! A dev server, the Python test worker and a connected client, for one test.

use std::process::Command;

use temporal_client::Client;
use temporal_testing::{DevServerOptions, IndexedValueType, WorkerProcess};

/// A [`temporal_testing::TestEnv`] with the Python test worker polling its task queue.
pub(crate) struct TestEnv {
    pub(crate) client: Client,
    pub(crate) task_queue: String,
    // Dropped in this order: the worker before its server.
    _worker: WorkerProcess,
    env: temporal_testing::TestEnv,
}

impl TestEnv {
    /// A server with the search attributes the tests use, the worker polling a fresh task
    /// queue, and a client of the `default` namespace.
    pub(crate) async fn start() -> Self {
        let env = temporal_testing::TestEnv::start_local_with(
            DevServerOptions::default()
                .search_attribute("CustomKeyword", IndexedValueType::Keyword)
                .search_attribute("CustomInt", IndexedValueType::Int),
        )
        .await
        .expect("a dev server starts (run `cargo xtask setup`)");
        let worker = env
            .start_worker(python_worker())
            .await
            .expect("the Python test worker polls");
        Self {
            client: env.client().clone(),
            task_queue: env.task_queue().to_owned(),
            _worker: worker,
            env,
        }
    }

    pub(crate) fn options(&self, prefix: &str) -> temporal_client::StartOptions {
        self.env.start_options(prefix)
    }

    /// The server's address, for the `temporal` CLI and workers.
    pub(crate) fn address(&self) -> std::net::SocketAddr {
        self.env.address()
    }
}

/// The Python test worker, `workers/worker.py`; [`temporal_testing::TestEnv::start_worker`]
/// adds where it polls.
pub(crate) fn python_worker() -> Command {
    let mut command = Command::new(temporal_testing::python().expect("python is installed"));
    command.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/it/workers/worker.py"
    ));
    command
}

/// A fresh id, so that tests never collide.
pub(crate) fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4())
}
