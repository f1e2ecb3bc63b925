//! [`WorkerProcess`]: a worker written in any language, ready once it polls its task queue.

use std::path::PathBuf;
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use temporal_proto::api::enums::v1::TaskQueueType;
use temporal_proto::api::taskqueue::v1::TaskQueue;
use temporal_proto::api::workflowservice::v1::DescribeTaskQueueRequest;

use crate::process::ManagedChild;
use crate::readiness::probe_client;

/// How often a starting worker's task queue is checked for pollers.
const READINESS_POLL: Duration = Duration::from_millis(100);

/// Where a worker polls, and how long to wait for it: what makes a [`WorkerProcess`] ready.
///
/// # Examples
///
/// ```
/// use temporal_testing::WorkerReadiness;
///
/// let readiness = WorkerReadiness::new("http://127.0.0.1:7233", "hello-world")
///     .namespace("billing")
///     .timeout(std::time::Duration::from_secs(60));
/// # let _ = readiness;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct WorkerReadiness {
    target: String,
    namespace: String,
    task_queue: String,
    timeout: Duration,
    output_line: Option<String>,
}

impl WorkerReadiness {
    /// A worker is ready when it polls `task_queue` (for workflow tasks) on the server at
    /// `target`, a URL such as [`DevServer::target`](crate::DevServer::target) returns.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::WorkerReadiness;
    /// let readiness = WorkerReadiness::new("http://127.0.0.1:7233", "hello-world");
    /// # let _ = readiness;
    /// ```
    pub fn new(target: impl Into<String>, task_queue: impl Into<String>) -> Self {
        Self {
            target: target.into(),
            namespace: "default".to_owned(),
            task_queue: task_queue.into(),
            timeout: Duration::from_secs(30),
            output_line: None,
        }
    }

    /// The namespace the worker polls in.
    ///
    /// Defaults to `default`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::WorkerReadiness;
    /// let readiness = WorkerReadiness::new("http://127.0.0.1:7233", "hello-world").namespace("billing");
    /// # let _ = readiness;
    /// ```
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// How long to wait for the worker to poll.
    ///
    /// Defaults to 30 seconds.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::WorkerReadiness;
    /// let readiness = WorkerReadiness::new("http://127.0.0.1:7233", "hello-world")
    ///     .timeout(std::time::Duration::from_secs(60));
    /// # let _ = readiness;
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Takes the worker as ready once it prints a line containing `text`, instead of once the
    /// server reports it polling: for servers that keep no list of pollers, such as the
    /// time-skipping test server (which does not implement `DescribeTaskQueue`). Print the
    /// line as late as the worker's SDK allows, since a workflow started before the worker
    /// polls waits for it.
    ///
    /// Defaults to asking the server.
    ///
    /// # Examples
    ///
    /// ```
    /// # use temporal_testing::WorkerReadiness;
    /// let readiness = WorkerReadiness::new("http://127.0.0.1:7233", "hello-world")
    ///     .output_line("worker ready on hello-world");
    /// # let _ = readiness;
    /// ```
    pub fn output_line(mut self, text: impl Into<String>) -> Self {
        self.output_line = Some(text.into());
        self
    }

    async fn is_ready(&self, process: &ManagedChild) -> bool {
        match &self.output_line {
            Some(text) => process.log_contains(text),
            None => has_poller(self).await,
        }
    }
}

/// Why a [`WorkerProcess`] did not start.
///
/// # Examples
///
/// A command that cannot be spawned fails before any server is asked:
///
/// ```
/// use std::process::Command;
/// use temporal_testing::{WorkerProcess, WorkerProcessError, WorkerReadiness};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let command = Command::new("/definitely/not/a/worker");
/// let readiness = WorkerReadiness::new("http://127.0.0.1:7233", "hello-world");
/// let error = WorkerProcess::start(command, readiness).await.unwrap_err();
/// assert!(matches!(error, WorkerProcessError::Spawn { .. }));
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkerProcessError {
    /// The command could not be spawned.
    #[error("could not run worker command {program}")]
    Spawn {
        /// The program that was run.
        program: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The worker exited before it polled.
    #[error(
        "the worker exited before it polled task queue {task_queue} ({status}); its output:\n{output}"
    )]
    Exited {
        /// The task queue it was to poll.
        task_queue: String,
        /// How it exited.
        status: ExitStatus,
        /// The first and last lines it printed.
        output: String,
    },
    /// No worker polled within the timeout; the process has been killed.
    #[error("no worker polled task queue {task_queue} within {timeout:?}; its output:\n{output}")]
    NotReady {
        /// The task queue it was to poll.
        task_queue: String,
        /// The timeout that passed.
        timeout: Duration,
        /// The first and last lines it printed.
        output: String,
    },
}

/// An external worker process (any language), killed when dropped.
///
/// [`WorkerProcess::start`] returns once the server reports a poller on the worker's task queue,
/// so workflows started afterwards are picked up at once.
///
/// # Examples
///
/// ```no_run
/// use std::process::Command;
/// use temporal_testing::{DevServer, WorkerProcess, WorkerReadiness};
///
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// let server = DevServer::start().await?;
/// let mut command = Command::new(temporal_testing::python()?);
/// command
///     .arg("examples/workers/hello_world.py")
///     .args(["--address", &server.address().to_string(), "--task-queue", "hello-world"]);
/// let worker = WorkerProcess::start(command, WorkerReadiness::new(server.target(), "hello-world")).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct WorkerProcess {
    process: ManagedChild,
}

impl WorkerProcess {
    /// Spawns `command` and waits until it polls the task queue of `readiness`.
    ///
    /// # Errors
    ///
    /// [`WorkerProcessError::Spawn`], or [`WorkerProcessError::Exited`] and
    /// [`WorkerProcessError::NotReady`] with the worker's output.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use std::process::Command;
    /// use temporal_testing::{WorkerProcess, WorkerReadiness};
    ///
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// let mut command = Command::new(temporal_testing::python()?);
    /// command.args(["worker.py", "--task-queue", "hello-world"]);
    /// let readiness = WorkerReadiness::new("http://127.0.0.1:7233", "hello-world");
    /// let worker = WorkerProcess::start(command, readiness).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start(
        command: Command,
        readiness: WorkerReadiness,
    ) -> Result<Self, WorkerProcessError> {
        let program = PathBuf::from(command.get_program());
        let mut process = ManagedChild::spawn(command)
            .map_err(|source| WorkerProcessError::Spawn { program, source })?;
        let deadline = Instant::now() + readiness.timeout;
        loop {
            if let Some(status) = process.exit_status().await {
                return Err(WorkerProcessError::Exited {
                    task_queue: readiness.task_queue,
                    status,
                    output: process.log_excerpt(),
                });
            }
            if readiness.is_ready(&process).await {
                return Ok(Self { process });
            }
            if Instant::now() >= deadline {
                return Err(WorkerProcessError::NotReady {
                    task_queue: readiness.task_queue,
                    timeout: readiness.timeout,
                    output: process.log_excerpt(),
                });
            }
            tokio::time::sleep(READINESS_POLL).await;
        }
    }

    /// The worker's process id.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # use temporal_testing::{WorkerProcess, WorkerReadiness};
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// # let command = std::process::Command::new("worker");
    /// # let readiness = WorkerReadiness::new("http://127.0.0.1:7233", "hello-world");
    /// let worker = WorkerProcess::start(command, readiness).await?;
    /// println!("the worker runs as process {}", worker.pid());
    /// # Ok(())
    /// # }
    /// ```
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// The last `lines` lines the worker printed, oldest first.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # use temporal_testing::{WorkerProcess, WorkerReadiness};
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// # let command = std::process::Command::new("worker");
    /// # let readiness = WorkerReadiness::new("http://127.0.0.1:7233", "hello-world");
    /// let worker = WorkerProcess::start(command, readiness).await?;
    /// eprintln!("the worker's output:\n{}", worker.log_tail(20));
    /// # Ok(())
    /// # }
    /// ```
    pub fn log_tail(&self, lines: usize) -> String {
        self.process.log_tail(lines)
    }

    /// Kills the worker and waits for it to exit; dropping it does the same.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # use temporal_testing::{WorkerProcess, WorkerReadiness};
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// # let command = std::process::Command::new("worker");
    /// # let readiness = WorkerReadiness::new("http://127.0.0.1:7233", "hello-world");
    /// let worker = WorkerProcess::start(command, readiness).await?;
    /// worker.stop();
    /// # Ok(())
    /// # }
    /// ```
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        self.process.print_log_if_panicking("worker");
    }
}

/// Whether the server reports a workflow-task poller on the task queue.
async fn has_poller(readiness: &WorkerReadiness) -> bool {
    let Some(mut client) = probe_client(&readiness.target).await else {
        return false;
    };
    let request = DescribeTaskQueueRequest {
        namespace: readiness.namespace.clone(),
        task_queue: Some(TaskQueue {
            name: readiness.task_queue.clone(),
            ..Default::default()
        }),
        task_queue_type: TaskQueueType::Workflow.into(),
        ..Default::default()
    };
    client
        .describe_task_queue(request)
        .await
        .is_ok_and(|response| !response.into_inner().pollers.is_empty())
}
