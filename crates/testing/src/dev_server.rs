//! [`DevServer`]: `temporal server start-dev` on a free loopback port, killed on drop.

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Command, ExitStatus};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use temporal_proto::api::enums::v1::IndexedValueType;

use crate::binary::{self, BinaryNotFound};
use crate::process::ManagedChild;
use crate::readiness::{StartupFailure, answers, wait_until_ready};

/// How often a starting server is asked whether it is ready.
const READINESS_POLL: Duration = Duration::from_millis(50);
/// Start attempts when the picked port turns out to be taken by the time the server binds it.
const PORT_ATTEMPTS: usize = 5;

/// Options for [`DevServer::start_with`], set with chained calls.
///
/// # Examples
///
/// ```
/// use temporal_testing::{DevServerOptions, IndexedValueType};
///
/// let options = DevServerOptions::default()
///     .namespace("billing")
///     .search_attribute("CustomerId", IndexedValueType::Keyword)
///     .startup_timeout(std::time::Duration::from_secs(60));
/// # let _ = options;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct DevServerOptions {
    executable: Option<PathBuf>,
    db_file: Option<PathBuf>,
    namespaces: Vec<String>,
    search_attributes: Vec<(String, IndexedValueType)>,
    log_level: String,
    extra_args: Vec<String>,
    startup_timeout: Duration,
}

impl Default for DevServerOptions {
    fn default() -> Self {
        Self {
            executable: None,
            db_file: None,
            namespaces: Vec::new(),
            search_attributes: Vec::new(),
            log_level: "warn".to_owned(),
            extra_args: Vec::new(),
            startup_timeout: Duration::from_secs(30),
        }
    }
}

impl DevServerOptions {
    /// Runs this `temporal` executable.
    ///
    /// Defaults to `TEMPORAL_CLI`, else `.tools/venv/bin/temporal` in the current directory or
    /// an ancestor, else `temporal` on `PATH`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::DevServerOptions;
    /// let options = DevServerOptions::default().executable("/opt/temporal/bin/temporal");
    /// # let _ = options;
    /// ```
    pub fn executable(mut self, path: impl Into<PathBuf>) -> Self {
        self.executable = Some(path.into());
        self
    }

    /// Persists the server's state in this SQLite file, so that a server started again on the
    /// same file sees the same workflows.
    ///
    /// Defaults to an in-memory store that is lost when the server stops.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::DevServerOptions;
    /// let options = DevServerOptions::default().db_file(std::env::temp_dir().join("temporal.db"));
    /// # let _ = options;
    /// ```
    pub fn db_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.db_file = Some(path.into());
        self
    }

    /// Registers a namespace at startup, besides `default` which always exists. The server is
    /// ready only once every such namespace answers.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::DevServerOptions;
    /// let options = DevServerOptions::default().namespace("billing").namespace("shipping");
    /// # let _ = options;
    /// ```
    pub fn namespace(mut self, name: impl Into<String>) -> Self {
        self.namespaces.push(name.into());
        self
    }

    /// Registers a custom search attribute at startup, such as `CustomerId` of type
    /// [`IndexedValueType::Keyword`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::{DevServerOptions, IndexedValueType};
    /// let options = DevServerOptions::default().search_attribute("CustomerId", IndexedValueType::Keyword);
    /// # let _ = options;
    /// ```
    pub fn search_attribute(mut self, name: impl Into<String>, kind: IndexedValueType) -> Self {
        self.search_attributes.push((name.into(), kind));
        self
    }

    /// The server's log level: `debug`, `info`, `warn`, `error` or `never`.
    ///
    /// Defaults to `warn`, which keeps the captured log short.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::DevServerOptions;
    /// let options = DevServerOptions::default().log_level("debug");
    /// # let _ = options;
    /// ```
    pub fn log_level(mut self, level: impl Into<String>) -> Self {
        self.log_level = level.into();
        self
    }

    /// Passes an extra argument to `temporal server start-dev`, such as
    /// `--dynamic-config-value` followed by `KEY=VALUE`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::DevServerOptions;
    /// let options = DevServerOptions::default()
    ///     .arg("--dynamic-config-value")
    ///     .arg("frontend.enableUpdateWorkflowExecution=true");
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
    /// # use temporal_testing::DevServerOptions;
    /// let options = DevServerOptions::default().startup_timeout(std::time::Duration::from_secs(60));
    /// # let _ = options;
    /// ```
    pub fn startup_timeout(mut self, timeout: Duration) -> Self {
        self.startup_timeout = timeout;
        self
    }

    fn validate(&self) -> Result<(), DevServerError> {
        for name in &self.namespaces {
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
            {
                return Err(DevServerError::InvalidOption {
                    option: "namespace",
                    value: name.clone(),
                    expected: "a non-empty name of ASCII letters, digits, '-', '.' and '_'",
                });
            }
        }
        for (name, kind) in &self.search_attributes {
            let mut chars = name.chars();
            let identifier = chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !identifier {
                return Err(DevServerError::InvalidOption {
                    option: "search_attribute",
                    value: name.clone(),
                    expected: "an identifier: an ASCII letter or '_', then letters, digits or '_'",
                });
            }
            if cli_type_name(*kind).is_none() {
                return Err(DevServerError::InvalidOption {
                    option: "search_attribute",
                    value: format!("{name}={}", kind.as_str_name()),
                    expected: "a type: Text, Keyword, Int, Double, Bool, Datetime or KeywordList",
                });
            }
        }
        if !["debug", "info", "warn", "error", "never"].contains(&self.log_level.as_str()) {
            return Err(DevServerError::InvalidOption {
                option: "log_level",
                value: self.log_level.clone(),
                expected: "one of debug, info, warn, error, never",
            });
        }
        Ok(())
    }

    fn command(&self, cli: &PathBuf, port: u16) -> Command {
        let mut command = Command::new(cli);
        command
            .args(["server", "start-dev", "--headless", "--ip", "127.0.0.1"])
            .args(["--port", &port.to_string()])
            .args(["--log-level", &self.log_level]);
        if let Some(db_file) = &self.db_file {
            command.arg("--db-filename").arg(db_file);
        }
        for namespace in &self.namespaces {
            command.args(["--namespace", namespace]);
        }
        for (name, kind) in &self.search_attributes {
            let kind = cli_type_name(*kind).unwrap_or_default();
            command.args(["--search-attribute", &format!("{name}={kind}")]);
        }
        command.args(&self.extra_args);
        command
    }
}

/// The name `temporal server start-dev --search-attribute` uses for a type.
fn cli_type_name(kind: IndexedValueType) -> Option<&'static str> {
    Some(match kind {
        IndexedValueType::Text => "Text",
        IndexedValueType::Keyword => "Keyword",
        IndexedValueType::Int => "Int",
        IndexedValueType::Double => "Double",
        IndexedValueType::Bool => "Bool",
        IndexedValueType::Datetime => "Datetime",
        IndexedValueType::KeywordList => "KeywordList",
        IndexedValueType::Unspecified => return None,
    })
}

/// Why a [`DevServer`] did not start.
///
/// # Examples
///
/// Options are checked before anything runs, so this fails even without the `temporal` CLI:
///
/// ```
/// use temporal_testing::{DevServer, DevServerError, DevServerOptions};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let options = DevServerOptions::default().namespace("not a namespace");
/// let error = DevServer::start_with(options).await.unwrap_err();
/// assert!(matches!(error, DevServerError::InvalidOption { option: "namespace", .. }));
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DevServerError {
    /// The `temporal` CLI is not installed where it is looked for.
    #[error(transparent)]
    BinaryNotFound(#[from] BinaryNotFound),
    /// An option has a value the server would reject; nothing was started.
    #[error("invalid dev server option {option} `{value}`: expected {expected}")]
    InvalidOption {
        /// The option's name.
        option: &'static str,
        /// The rejected value.
        value: String,
        /// What the option accepts.
        expected: &'static str,
    },
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
    #[error("the dev server exited during startup ({status}); its output:\n{output}")]
    Exited {
        /// How it exited.
        status: ExitStatus,
        /// The first and last lines it printed.
        output: String,
    },
    /// The server did not answer within the startup timeout; it has been killed.
    #[error("the dev server did not become ready within {timeout:?}; its output:\n{output}")]
    NotReady {
        /// The timeout that passed.
        timeout: Duration,
        /// The first and last lines it printed.
        output: String,
    },
}

/// A `temporal server start-dev` process on a free loopback port, stopped when dropped.
///
/// Starting one takes about a second. Each server is independent, so tests may run several in
/// parallel. The server is ready when [`DevServer::start`] returns: it has answered
/// `GetSystemInfo`, and every namespace registered with [`DevServerOptions::namespace`] has
/// answered `DescribeNamespace`.
///
/// [`DevServer::restart`] kills it and starts it again on the same port (and db file), to test
/// outages. When it is dropped during a panic (a failing test), it first prints the last lines
/// of its output to stderr, which the test harness shows with the failure.
///
/// The `temporal` executable is taken from `TEMPORAL_CLI`, else from `.tools/venv/bin` in the
/// current directory or an ancestor (where `cargo xtask setup` installs it), else from `PATH`.
///
/// # Examples
///
/// ```no_run
/// use temporal_testing::DevServer;
///
/// # async fn example() -> Result<(), temporal_testing::DevServerError> {
/// let server = DevServer::start().await?;
/// println!("a Temporal server answers at {}", server.target());
/// // Dropping `server` kills the process.
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct DevServer {
    process: ManagedChild,
    address: SocketAddr,
    cli: PathBuf,
    options: DevServerOptions,
}

impl DevServer {
    /// Starts a dev server with [`DevServerOptions::default`]: in memory, `default` namespace.
    ///
    /// # Errors
    ///
    /// See [`DevServer::start_with`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), temporal_testing::DevServerError> {
    /// let server = temporal_testing::DevServer::start().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start() -> Result<Self, DevServerError> {
        Self::start_with(DevServerOptions::default()).await
    }

    /// Starts a dev server with the given options and waits until it is ready.
    ///
    /// # Errors
    ///
    /// [`DevServerError::BinaryNotFound`] when the CLI is not installed,
    /// [`DevServerError::InvalidOption`] before anything runs, [`DevServerError::Exited`] or
    /// [`DevServerError::NotReady`] with the tail of the server's output.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_testing::{DevServer, DevServerOptions};
    ///
    /// # async fn example() -> Result<(), temporal_testing::DevServerError> {
    /// let server = DevServer::start_with(DevServerOptions::default().namespace("billing")).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start_with(options: DevServerOptions) -> Result<Self, DevServerError> {
        options.validate()?;
        let cli = match &options.executable {
            Some(path) => path.clone(),
            None => binary::find(binary::TEMPORAL_CLI)?,
        };
        let mut attempt = 1;
        loop {
            let port = reserve_port();
            match spawn_ready(&cli, &options, port).await {
                Err(err) if attempt < PORT_ATTEMPTS && err.is_address_in_use() => attempt += 1,
                Err(err) => return Err(err),
                Ok(process) => {
                    return Ok(DevServer {
                        process,
                        address: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
                        cli,
                        options,
                    });
                }
            }
        }
    }

    /// Kills the server and starts it again with the same options on the same port, and
    /// waits until it is ready: to test how clients and workers ride through an outage.
    ///
    /// Workflows survive only with a [`DevServerOptions::db_file`]; an in-memory server
    /// comes back empty. Clients connected to [`target`](DevServer::target) reconnect to the
    /// same address.
    ///
    /// # Errors
    ///
    /// [`DevServerError::Spawn`], [`DevServerError::Exited`] (also when the port stayed taken
    /// by another process) or [`DevServerError::NotReady`]. The server is then not running,
    /// and `restart` may be called again.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use temporal_testing::{DevServer, DevServerOptions};
    ///
    /// # async fn example() -> Result<(), temporal_testing::DevServerError> {
    /// let db = std::env::temp_dir().join(format!("restart-{}.db", std::process::id()));
    /// let mut server = DevServer::start_with(DevServerOptions::default().db_file(&db)).await?;
    /// let address = server.address();
    /// server.restart().await?;
    /// assert_eq!(server.address(), address);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn restart(&mut self) -> Result<(), DevServerError> {
        self.restart_after(Duration::ZERO).await
    }

    /// As [`restart`](DevServer::restart), with the server down for `downtime` before it
    /// starts again: an outage of a chosen length.
    ///
    /// # Errors
    ///
    /// As [`restart`](DevServer::restart).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use temporal_testing::{DevServer, DevServerOptions};
    ///
    /// # async fn example() -> Result<(), temporal_testing::DevServerError> {
    /// let db = std::env::temp_dir().join(format!("outage-{}.db", std::process::id()));
    /// let mut server = DevServer::start_with(DevServerOptions::default().db_file(&db)).await?;
    /// server.restart_after(Duration::from_secs(2)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn restart_after(&mut self, downtime: Duration) -> Result<(), DevServerError> {
        self.process.kill();
        tokio::time::sleep(downtime).await;
        let mut attempt = 1;
        loop {
            match spawn_ready(&self.cli, &self.options, self.address.port()).await {
                // The old process's port may take a moment to be released.
                Err(err) if attempt < PORT_ATTEMPTS && err.is_address_in_use() => {
                    attempt += 1;
                    tokio::time::sleep(READINESS_POLL * 4).await;
                }
                Err(err) => return Err(err),
                Ok(process) => {
                    self.process = process;
                    return Ok(());
                }
            }
        }
    }

    /// The server's gRPC address, on 127.0.0.1.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), temporal_testing::DevServerError> {
    /// # let server = temporal_testing::DevServer::start().await?;
    /// let port = server.address().port();
    /// # Ok(())
    /// # }
    /// ```
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The server's gRPC endpoint as a URL, `http://127.0.0.1:PORT`, as tonic's `Endpoint` takes it.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), temporal_testing::DevServerError> {
    /// # let server = temporal_testing::DevServer::start().await?;
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
    /// # async fn example() -> Result<(), temporal_testing::DevServerError> {
    /// # let server = temporal_testing::DevServer::start().await?;
    /// println!("the dev server runs as process {}", server.pid());
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
    /// # async fn example() -> Result<(), temporal_testing::DevServerError> {
    /// # let server = temporal_testing::DevServer::start().await?;
    /// eprintln!("the server's last words:\n{}", server.log_tail(20));
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
    /// # async fn example() -> Result<(), temporal_testing::DevServerError> {
    /// let server = temporal_testing::DevServer::start().await?;
    /// server.stop();
    /// # Ok(())
    /// # }
    /// ```
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        self.process
            .print_log_if_panicking(&format!("dev server at {}", self.address));
    }
}

impl DevServerError {
    fn from_startup(failure: StartupFailure, options: &DevServerOptions) -> Self {
        match failure {
            StartupFailure::Exited { status, output } => Self::Exited { status, output },
            StartupFailure::NotReady { output } => Self::NotReady {
                timeout: options.startup_timeout,
                output,
            },
        }
    }

    /// Whether the server gave up because its port was taken, which a retry fixes.
    fn is_address_in_use(&self) -> bool {
        matches!(self, Self::Exited { output, .. } if crate::readiness::mentions_address_in_use(output))
    }
}

/// Runs the dev server on `port` and waits until it answers; a server that does not is
/// killed.
async fn spawn_ready(
    cli: &PathBuf,
    options: &DevServerOptions,
    port: u16,
) -> Result<ManagedChild, DevServerError> {
    let mut process = ManagedChild::spawn(options.command(cli, port)).map_err(|source| {
        DevServerError::Spawn {
            binary: cli.clone(),
            source,
        }
    })?;
    let target = format!("http://{}", SocketAddr::from((Ipv4Addr::LOCALHOST, port)));
    let (target, namespaces) = (&target, &options.namespaces);
    wait_until_ready(
        &mut process,
        options.startup_timeout,
        READINESS_POLL,
        move || answers(target, namespaces),
    )
    .await
    .map_err(|failure| DevServerError::from_startup(failure, options))?;
    Ok(process)
}

/// Picks a free loopback port. The port is free when picked, but nothing holds it until the
/// server binds it, so callers retry on "address already in use"; ports already handed out
/// in this process are never picked twice, which keeps parallel tests apart.
pub(crate) fn reserve_port() -> u16 {
    static HANDED_OUT: Mutex<Option<HashSet<u16>>> = Mutex::new(None);
    let mut handed_out = HANDED_OUT.lock().unwrap_or_else(PoisonError::into_inner);
    let handed_out = handed_out.get_or_insert_with(HashSet::new);
    loop {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|listener| listener.local_addr())
            .map(|addr| addr.port())
            .unwrap_or(0);
        if port != 0 && handed_out.insert(port) {
            return port;
        }
    }
}
