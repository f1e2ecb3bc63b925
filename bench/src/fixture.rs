//! The parent's server: a dev server tuned not to throttle, the Python worker, and the
//! workflows the operations target; started afresh for each table and curve ([`Servers`]).

use std::process::Command;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::stream;
use temporal_client::{Client, Connection, ConnectionOptions, StartOptions, Untyped};
use temporal_testing::{DevServer, DevServerOptions, WorkerProcess, WorkerReadiness};

use crate::Error;
use crate::drive::{LISTED_WORKFLOWS, WAITING_TYPE};
use crate::spec::Targets;

/// How many running workflows signals and describes are spread over.
const WAITING_WORKFLOWS: usize = 32;
/// How many running workflows queries are spread over.
const QUERYABLE_WORKFLOWS: usize = 8;
/// Concurrency of the parent's setup calls (not measured).
const SETUP_CONCURRENCY: usize = 64;

/// Dynamic config for the dev server: no rate limit in the way of the workloads, room for a
/// 100,000-event history grown by signals and 4 MiB payloads.
const DYNAMIC_CONFIG: &[&str] = &[
    "frontend.rps=1000000",
    "frontend.namespaceRPS=1000000",
    "frontend.globalNamespaceRPS=1000000",
    "frontend.namespaceRPS.visibility=1000000",
    "frontend.globalNamespaceRPS.visibility=1000000",
    "frontend.namespaceBurstRatio.visibility=1",
    "frontend.persistenceMaxQPS=1000000",
    "history.persistenceMaxQPS=1000000",
    "matching.persistenceMaxQPS=1000000",
    "history.rps=1000000",
    "history.maximumSignalsPerExecution=200000",
    "limit.historyCount.error=200000",
    "limit.historyCount.warn=200000",
    "limit.historyCount.suggestContinueAsNew=200000",
    "limit.blobSize.error=67108864",
    "limit.blobSize.warn=67108864",
    "limit.historySize.error=1073741824",
    "limit.historySize.warn=1073741824",
];

/// Starts a fresh dev server (and worker) for each section of a run: each row of the
/// operations table (all its modes and runs on the one server, so they stay comparable), the
/// start-up figures, each point of the concurrency and payload curves (both modes, every run)
/// and each of the other curves. The dev server keeps every workflow in memory for as
/// long as it runs: a full run's 200,000-odd workflows on one server grew it to the
/// machine's 24 GiB, and it thrashed. A section starts at most a few tens of thousands
/// (one row: 2,000 operations x 4 modes x 5 runs, and the strace and valgrind runs).
pub(crate) struct Servers<'a> {
    runtime: &'a tokio::runtime::Runtime,
    version: Option<String>,
}

impl<'a> Servers<'a> {
    pub(crate) fn new(runtime: &'a tokio::runtime::Runtime) -> Self {
        Self {
            runtime,
            version: None,
        }
    }

    /// A fresh server and worker for `section`. The caller drops the previous fixture
    /// first: that stops its server and worker.
    pub(crate) fn fresh(&mut self, section: &str) -> Result<Fixture, Error> {
        eprintln!("bench: a fresh dev server and Python worker for {section}");
        let fixture = self.runtime.block_on(Fixture::start())?;
        self.version
            .get_or_insert_with(|| fixture.server_version.clone());
        Ok(fixture)
    }

    /// The server's version, once one has started.
    pub(crate) fn version(&self) -> Option<String> {
        self.version.clone()
    }
}

/// A running server and worker, and the workflows the operations target.
#[derive(Debug)]
pub(crate) struct Fixture {
    pub(crate) targets: Targets,
    pub(crate) client: Client,
    pub(crate) server_version: String,
    _worker: WorkerProcess,
    _server: DevServer,
}

impl Fixture {
    pub(crate) async fn start() -> Result<Self, Error> {
        let mut options = DevServerOptions::default().startup_timeout(Duration::from_secs(60));
        for value in DYNAMIC_CONFIG {
            options = options.arg("--dynamic-config-value").arg(*value);
        }
        let server = DevServer::start_with(options)
            .await
            .map_err(|e| format!("{e}\n(run `cargo xtask setup` to install the temporal CLI)"))?;
        let address = server.address().to_string();
        let run = &uuid::Uuid::new_v4().simple().to_string()[..8];
        let worker_queue = format!("bench-worker-{run}");
        let mut command = Command::new(temporal_testing::python()?);
        command
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/workers/worker.py"))
            .args(["--address", &address, "--task-queue", &worker_queue]);
        let worker = WorkerProcess::start(
            command,
            WorkerReadiness::new(server.target(), &worker_queue),
        )
        .await?;
        let connection = Connection::connect(ConnectionOptions::new(address.as_str())).await?;
        let client = Client::new(connection);
        let server_version = client
            .connection()
            .raw_system_info()
            .map(|info| info.server_version.clone())
            .unwrap_or_default();
        let targets = Targets {
            address,
            worker_queue,
            idle_queue: format!("bench-idle-{run}"),
            waiting_prefix: format!("waiting-{run}"),
            waiting_count: WAITING_WORKFLOWS,
            queryable_prefix: format!("queryable-{run}"),
            queryable_count: QUERYABLE_WORKFLOWS,
            list_query: format!("WorkflowType = 'benchListed' AND TaskQueue = 'bench-idle-{run}'"),
        };
        let fixture = Self {
            targets,
            client,
            server_version,
            _worker: worker,
            _server: server,
        };
        fixture.prepare().await?;
        Ok(fixture)
    }

    /// Starts the workflows signals, describes, queries and lists target.
    async fn prepare(&self) -> Result<(), Error> {
        let t = &self.targets;
        let waiting = (0..t.waiting_count).map(|k| {
            (
                WAITING_TYPE,
                format!("{}-{k}", t.waiting_prefix),
                t.idle_queue.clone(),
            )
        });
        let queryable = (0..t.queryable_count).map(|k| {
            (
                "benchWait",
                format!("{}-{k}", t.queryable_prefix),
                t.worker_queue.clone(),
            )
        });
        let listed = (0..LISTED_WORKFLOWS).map(|k| {
            (
                "benchListed",
                format!("listed-{}-{k}", t.waiting_prefix),
                t.idle_queue.clone(),
            )
        });
        self.start_all(waiting.chain(queryable).chain(listed).collect())
            .await?;
        // Queries need the worker to have run the first workflow task of each target.
        for k in 0..t.queryable_count {
            let handle = self
                .client
                .get_handle::<Untyped>(format!("{}-{k}", t.queryable_prefix));
            retry_until(Duration::from_secs(30), || async {
                handle.query::<String, _>("benchQuery").await.is_ok()
            })
            .await
            .map_err(|_| "the worker does not answer queries")?;
        }
        self.wait_until_listed(&t.list_query, LISTED_WORKFLOWS)
            .await
    }

    /// Starts workflows of `(type, id, task queue)` at the setup concurrency.
    pub(crate) async fn start_all(
        &self,
        workflows: Vec<(&str, String, String)>,
    ) -> Result<(), Error> {
        let results: Vec<_> = stream::iter(workflows)
            .map(|(workflow_type, id, queue)| async move {
                self.client
                    .start(workflow_type, ("setup",), StartOptions::new(id, queue))
                    .await
            })
            .buffer_unordered(SETUP_CONCURRENCY)
            .collect()
            .await;
        results.into_iter().try_for_each(|r| r.map(drop))?;
        Ok(())
    }

    /// Waits until visibility sees `count` workflows for `query`.
    pub(crate) async fn wait_until_listed(&self, query: &str, count: usize) -> Result<(), Error> {
        retry_until(Duration::from_secs(120), || async {
            matches!(self.client.count(query).await, Ok(c) if c.count as usize >= count)
        })
        .await
        .map_err(|_| format!("visibility never listed {count} workflows for `{query}`").into())
    }
}

async fn retry_until<F, Fut>(timeout: Duration, mut condition: F) -> Result<(), ()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    while !condition().await {
        if Instant::now() > deadline {
            return Err(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}
