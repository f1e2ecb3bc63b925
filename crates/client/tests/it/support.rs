//! A dev server, the Python test worker and a connected client, for one test.

use std::process::Command;

use temporal_client::{Client, Connection, ConnectionOptions};
use temporal_testing::{
    DevServer, DevServerOptions, IndexedValueType, WorkerProcess, WorkerReadiness,
};

pub(crate) struct TestEnv {
    pub(crate) server: DevServer,
    pub(crate) client: Client,
    pub(crate) task_queue: String,
    _worker: WorkerProcess,
}

impl TestEnv {
    /// A server with the search attributes the tests use, the worker polling a fresh task
    /// queue, and a client of the `default` namespace.
    pub(crate) async fn start() -> Self {
        let server = DevServer::start_with(
            DevServerOptions::default()
                .search_attribute("CustomKeyword", IndexedValueType::Keyword)
                .search_attribute("CustomInt", IndexedValueType::Int),
        )
        .await
        .expect("a dev server starts (run `cargo xtask setup`)");
        let task_queue = unique("tq");
        let mut command = Command::new(temporal_testing::python().expect("python is installed"));
        command
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/it/workers/worker.py"
            ))
            .args([
                "--address",
                &server.address().to_string(),
                "--task-queue",
                &task_queue,
            ]);
        let worker =
            WorkerProcess::start(command, WorkerReadiness::new(server.target(), &task_queue))
                .await
                .expect("the Python test worker polls");
        let connection = Connection::connect(ConnectionOptions::new(server.address().to_string()))
            .await
            .expect("the client connects");
        Self {
            server,
            client: Client::new(connection),
            task_queue,
            _worker: worker,
        }
    }

    pub(crate) fn options(&self, prefix: &str) -> temporal_client::StartOptions {
        temporal_client::StartOptions::new(unique(prefix), self.task_queue.clone())
    }
}

/// A fresh id, so that tests never collide.
pub(crate) fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4())
}
