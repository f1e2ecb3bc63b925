//! [`TestEnv`]: a server of its own, a connected client and a fresh task queue, for one test.

use std::net::SocketAddr;
use std::process::Command;
use std::time::{Duration, SystemTime};

use temporal_client::{
    Client, ClientOptions, ConnectError, Connection, ConnectionOptions, Error, RpcError,
    StartOptions,
};
use temporal_proto::api::testservice::v1::SleepRequest;
use temporal_proto::google::protobuf::Empty;

use crate::dev_server::{DevServer, DevServerError, DevServerOptions};
use crate::time_skipping::{
    AutoTimeSkipping, TimeSkippingServer, TimeSkippingServerError, TimeSkippingServerOptions,
};
use crate::worker_process::{WorkerProcess, WorkerProcessError, WorkerReadiness};

/// Why a [`TestEnv`] did not start.
///
/// # Examples
///
/// ```
/// use temporal_testing::{DevServerError, DevServerOptions, TestEnv, TestEnvError};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let options = DevServerOptions::default().namespace("not a namespace");
/// let error = TestEnv::start_local_with(options).await.unwrap_err();
/// assert!(matches!(error, TestEnvError::DevServer(DevServerError::InvalidOption { .. })));
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TestEnvError {
    /// The dev server did not start.
    #[error("the dev server did not start")]
    DevServer(#[source] DevServerError),
    /// The time-skipping test server did not start.
    #[error("the time-skipping test server did not start")]
    TimeSkippingServer(#[source] TimeSkippingServerError),
    /// The client could not connect to the server that started.
    #[error("the client could not connect to the test server")]
    Connect(#[source] ConnectError),
}

#[derive(Debug)]
enum Server {
    Dev(DevServer),
    TimeSkipping(TimeSkippingServer),
}

/// A server of its own, a [`Client`] connected to it and a fresh task queue: what one
/// integration test needs, as the TypeScript and Python SDKs' `TestWorkflowEnvironment` /
/// `WorkflowEnvironment` give it.
///
/// - [`TestEnv::start_local`] runs a [`DevServer`]: the full server, in real time.
/// - [`TestEnv::start_time_skipping`] runs a [`TimeSkippingServer`], whose clock jumps over
///   timers while the client awaits a result (its client has the [`AutoTimeSkipping`]
///   interceptor), so a workflow that sleeps a day completes in
///   milliseconds. [`TestEnv::sleep`] and [`TestEnv::current_time`] move and read that clock.
///
/// Workers are started with [`TestEnv::start_worker`], polling [`TestEnv::task_queue`]. Each
/// environment has its own server and task queue, so tests run in parallel. Dropping it stops
/// the server; a failing test (a panic) prints the tail of the server's output first.
///
/// # Examples
///
/// ```no_run
/// use std::process::Command;
/// use temporal_testing::TestEnv;
///
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// let env = TestEnv::start_local().await?;
/// let mut worker = Command::new(temporal_testing::python()?);
/// worker.arg("workers/hello_world.py");
/// let _worker = env.start_worker(worker).await?;
/// let greeting: String = env
///     .client()
///     .execute("example", ("Temporal",), env.start_options("hello"))
///     .await?;
/// assert_eq!(greeting, "Hello, Temporal!");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct TestEnv {
    // Declared before the server, so that the client is dropped (and stops calling) first.
    client: Client,
    task_queue: String,
    server: Server,
}

impl TestEnv {
    /// Starts a [`DevServer`] with [`DevServerOptions::default`] and connects a client of
    /// the `default` namespace to it.
    ///
    /// # Errors
    ///
    /// [`TestEnvError::DevServer`] or [`TestEnvError::Connect`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), temporal_testing::TestEnvError> {
    /// let env = temporal_testing::TestEnv::start_local().await?;
    /// println!("a dev server at {}, task queue {}", env.target(), env.task_queue());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start_local() -> Result<Self, TestEnvError> {
        Self::start_local_with(DevServerOptions::default()).await
    }

    /// Starts a [`DevServer`] with `options` (a db file, namespaces, search attributes) and
    /// connects a client of the `default` namespace to it.
    ///
    /// # Errors
    ///
    /// [`TestEnvError::DevServer`] or [`TestEnvError::Connect`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_testing::{DevServerOptions, IndexedValueType, TestEnv};
    ///
    /// # async fn example() -> Result<(), temporal_testing::TestEnvError> {
    /// let env = TestEnv::start_local_with(
    ///     DevServerOptions::default().search_attribute("CustomerId", IndexedValueType::Keyword),
    /// )
    /// .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start_local_with(options: DevServerOptions) -> Result<Self, TestEnvError> {
        let server = DevServer::start_with(options)
            .await
            .map_err(TestEnvError::DevServer)?;
        Self::connect(Server::Dev(server)).await
    }

    /// Starts a [`TimeSkippingServer`] and connects a client of the `default` namespace to it,
    /// with the [`AutoTimeSkipping`] interceptor: its result waits skip time.
    ///
    /// # Errors
    ///
    /// [`TestEnvError::TimeSkippingServer`] or [`TestEnvError::Connect`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// let env = temporal_testing::TestEnv::start_time_skipping().await?;
    /// let before = env.current_time().await?;
    /// env.sleep(std::time::Duration::from_secs(24 * 3600)).await?; // returns at once
    /// assert!(env.current_time().await?.duration_since(before)?.as_secs() >= 24 * 3600);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start_time_skipping() -> Result<Self, TestEnvError> {
        Self::start_time_skipping_with(TimeSkippingServerOptions::default()).await
    }

    /// As [`TestEnv::start_time_skipping`], with `options` for the server.
    ///
    /// # Errors
    ///
    /// [`TestEnvError::TimeSkippingServer`] or [`TestEnvError::Connect`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use temporal_testing::{TestEnv, TimeSkippingServerOptions};
    ///
    /// # async fn example() -> Result<(), temporal_testing::TestEnvError> {
    /// let options = TimeSkippingServerOptions::default().startup_timeout(Duration::from_secs(60));
    /// let env = TestEnv::start_time_skipping_with(options).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start_time_skipping_with(
        options: TimeSkippingServerOptions,
    ) -> Result<Self, TestEnvError> {
        let server = TimeSkippingServer::start_with(options)
            .await
            .map_err(TestEnvError::TimeSkippingServer)?;
        Self::connect(Server::TimeSkipping(server)).await
    }

    async fn connect(server: Server) -> Result<Self, TestEnvError> {
        let address = match &server {
            Server::Dev(server) => server.address(),
            Server::TimeSkipping(server) => server.address(),
        };
        let connection = Connection::connect(ConnectionOptions::new(address.to_string()))
            .await
            .map_err(TestEnvError::Connect)?;
        let options = match &server {
            Server::Dev(_) => ClientOptions::default(),
            Server::TimeSkipping(_) => {
                ClientOptions::default().interceptor(AutoTimeSkipping::new(&connection))
            }
        };
        let client = Client::with_options(connection, options)
            .expect("the default namespace is a valid namespace");
        Ok(Self {
            client,
            task_queue: unique_name("test-queue"),
            server,
        })
    }

    /// The client: of the `default` namespace, with the time-skipping behaviour described
    /// above on a time-skipping server. Cheap to clone.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(env: temporal_testing::TestEnv) -> Result<(), temporal_client::Error> {
    /// let count = env.client().count("WorkflowType = 'example'").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The task queue of this environment, unique to it: workers started with
    /// [`TestEnv::start_worker`] poll it, and [`TestEnv::start_options`] start workflows on it.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn example(env: temporal_testing::TestEnv) {
    /// let options = temporal_client::StartOptions::new("order-1", env.task_queue());
    /// # }
    /// ```
    pub fn task_queue(&self) -> &str {
        &self.task_queue
    }

    /// Options to start a workflow on this environment's task queue, with a fresh id that
    /// starts with `id_prefix`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(env: temporal_testing::TestEnv) -> Result<(), temporal_client::Error> {
    /// let options = env.start_options("greeting").execution_timeout(std::time::Duration::from_secs(60));
    /// let handle = env.client().start("example", ("Temporal",), options).await?;
    /// assert!(handle.workflow_id().starts_with("greeting-"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn start_options(&self, id_prefix: &str) -> StartOptions {
        StartOptions::new(unique_name(id_prefix), self.task_queue.clone())
    }

    /// The server's gRPC address, on 127.0.0.1: what a worker connects to.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn example(env: temporal_testing::TestEnv) {
    /// let address = env.address().to_string(); // "127.0.0.1:PORT"
    /// # }
    /// ```
    pub fn address(&self) -> SocketAddr {
        match &self.server {
            Server::Dev(server) => server.address(),
            Server::TimeSkipping(server) => server.address(),
        }
    }

    /// The server's gRPC endpoint as a URL, `http://127.0.0.1:PORT`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn example(env: temporal_testing::TestEnv) {
    /// assert!(env.target().starts_with("http://127.0.0.1:"));
    /// # }
    /// ```
    pub fn target(&self) -> String {
        format!("http://{}", self.address())
    }

    /// Whether the server is the time-skipping test server.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), temporal_testing::TestEnvError> {
    /// let env = temporal_testing::TestEnv::start_time_skipping().await?;
    /// assert!(env.is_time_skipping());
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_time_skipping(&self) -> bool {
        matches!(self.server, Server::TimeSkipping(_))
    }

    /// The dev server, when this environment runs one: to read its log or
    /// [`restart`](DevServer::restart) it.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn example(env: temporal_testing::TestEnv) {
    /// if let Some(server) = env.dev_server() {
    ///     eprintln!("{}", server.log_tail(20));
    /// }
    /// # }
    /// ```
    pub fn dev_server(&self) -> Option<&DevServer> {
        match &self.server {
            Server::Dev(server) => Some(server),
            Server::TimeSkipping(_) => None,
        }
    }

    /// The dev server, mutably, when this environment runs one: to
    /// [`restart`](DevServer::restart) it.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_testing::{DevServerOptions, TestEnv};
    ///
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// let db = std::env::temp_dir().join(format!("test-{}.db", std::process::id()));
    /// let mut env = TestEnv::start_local_with(DevServerOptions::default().db_file(db)).await?;
    /// if let Some(server) = env.dev_server_mut() {
    ///     server.restart().await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn dev_server_mut(&mut self) -> Option<&mut DevServer> {
        match &mut self.server {
            Server::Dev(server) => Some(server),
            Server::TimeSkipping(_) => None,
        }
    }

    /// The time-skipping test server, when this environment runs one.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn example(env: temporal_testing::TestEnv) {
    /// if let Some(server) = env.time_skipping_server() {
    ///     eprintln!("{}", server.log_tail(20));
    /// }
    /// # }
    /// ```
    pub fn time_skipping_server(&self) -> Option<&TimeSkippingServer> {
        match &self.server {
            Server::TimeSkipping(server) => Some(server),
            Server::Dev(_) => None,
        }
    }

    /// Runs `command` as a worker of this environment and waits until it is ready.
    ///
    /// The worker is told where to poll with two arguments appended to `command`,
    /// `--address 127.0.0.1:PORT --task-queue QUEUE` (as this repository's Python workers take
    /// them). It is ready when the dev server reports it polling the task queue. The
    /// time-skipping server keeps no list of pollers (and a probe workflow would hold its clock
    /// back), so there the worker is ready once it prints a line naming its task queue, such
    /// as `worker ready on QUEUE` ([`WorkerReadiness::output_line`]). Keep the returned process
    /// alive as long as the worker is needed: dropping it kills the worker.
    ///
    /// # Errors
    ///
    /// [`WorkerProcessError`], with the worker's output.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use std::process::Command;
    ///
    /// # async fn example(env: temporal_testing::TestEnv) -> Result<(), Box<dyn std::error::Error>> {
    /// let mut command = Command::new(temporal_testing::python()?);
    /// command.arg("tests/workers/worker.py");
    /// let worker = env.start_worker(command).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start_worker(
        &self,
        mut command: Command,
    ) -> Result<WorkerProcess, WorkerProcessError> {
        command
            .arg("--address")
            .arg(self.address().to_string())
            .args(["--task-queue", &self.task_queue]);
        let readiness = WorkerReadiness::new(self.target(), &self.task_queue);
        let readiness = if self.is_time_skipping() {
            readiness.output_line(&self.task_queue)
        } else {
            readiness
        };
        WorkerProcess::start(command, readiness).await
    }

    /// Lets `duration` pass: on the time-skipping server by skipping its clock ahead (and
    /// firing the timers due meanwhile) without waiting, elsewhere by sleeping.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a duration too long for the server,
    /// [`Error::Rpc`] when the server's `UnlockTimeSkippingWithSleep` fails.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(env: temporal_testing::TestEnv) -> Result<(), temporal_client::Error> {
    /// env.sleep(std::time::Duration::from_secs(3600)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn sleep(&self, duration: Duration) -> Result<(), Error> {
        if !self.is_time_skipping() {
            tokio::time::sleep(duration).await;
            return Ok(());
        }
        let duration = duration.try_into().map_err(|err| Error::InvalidArgument {
            field: "duration",
            reason: format!("{err}"),
        })?;
        let request = SleepRequest {
            duration: Some(duration),
        };
        self.client
            .connection()
            .raw_test_service()
            .unlock_time_skipping_with_sleep(request)
            .await
            .map_err(RpcError::from_raw_status)?;
        Ok(())
    }

    /// The current time: the time-skipping server's clock, which [`TestEnv::sleep`] and result
    /// waits move ahead, or the system clock elsewhere.
    ///
    /// # Errors
    ///
    /// [`Error::Rpc`] when the server's `GetCurrentTime` fails, [`Error::InvalidArgument`]
    /// (field `time`) when it answers no time, or one out of [`SystemTime`]'s range.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example(env: temporal_testing::TestEnv) -> Result<(), Box<dyn std::error::Error>> {
    /// let now = env.current_time().await?;
    /// println!("{:?} since the epoch", now.duration_since(std::time::UNIX_EPOCH)?);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn current_time(&self) -> Result<SystemTime, Error> {
        if !self.is_time_skipping() {
            return Ok(SystemTime::now());
        }
        let response = self
            .client
            .connection()
            .raw_test_service()
            .get_current_time(Empty {})
            .await
            .map_err(RpcError::from_raw_status)?
            .into_inner();
        let invalid = |reason: String| Error::InvalidArgument {
            field: "time",
            reason,
        };
        let time = response
            .time
            .ok_or_else(|| invalid("the server answered GetCurrentTime without a time".into()))?;
        SystemTime::try_from(time).map_err(|err| invalid(format!("the server's time: {err}")))
    }
}

/// `prefix` followed by a random UUID: unique across tests, processes and runs.
fn unique_name(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_names_keep_their_prefix_and_differ() {
        let (a, b) = (unique_name("order"), unique_name("order"));
        assert!(a.starts_with("order-"), "{a}");
        assert_ne!(a, b);
    }
}
