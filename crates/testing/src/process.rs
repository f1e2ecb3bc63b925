//! A child process whose output is captured and which is killed when dropped: what every
//! process a test starts needs.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// How many lines of output a process keeps.
const LOG_CAPACITY: usize = 2_000;
/// How many of the first and of the last lines of output an error quotes: the first say
/// what a command line rejected, the last what a process did before it gave up.
const LOG_HEAD_IN_ERRORS: usize = 10;
const LOG_TAIL_IN_ERRORS: usize = 40;
/// How many of the last lines of output a failing test shows.
const LOG_TAIL_ON_PANIC: usize = 60;

/// A running child process with captured stdout and stderr, killed and reaped on drop.
#[derive(Debug)]
pub(crate) struct ManagedChild {
    child: Child,
    log: Log,
}

impl ManagedChild {
    /// Spawns `command` with stdin closed and stdout and stderr captured.
    pub(crate) fn spawn(mut command: Command) -> std::io::Result<Self> {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let log = Log::default();
        log.capture(child.stdout.take());
        log.capture(child.stderr.take());
        Ok(Self { child, log })
    }

    /// The exit status, if the process has exited. Waits briefly after an exit, because the
    /// last lines (which usually say why) may still be on their way to the log.
    pub(crate) async fn exit_status(&mut self) -> Option<ExitStatus> {
        let status = self.child.try_wait().ok().flatten()?;
        tokio::time::sleep(Duration::from_millis(200)).await;
        Some(status)
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The last `count` lines of output, oldest first.
    pub(crate) fn log_tail(&self, count: usize) -> String {
        let lines = self.log.lines();
        let skip = lines.len().saturating_sub(count);
        lines
            .iter()
            .skip(skip)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Whether a line of the output kept so far contains `text`.
    pub(crate) fn log_contains(&self, text: &str) -> bool {
        self.log.lines().iter().any(|line| line.contains(text))
    }

    /// The first and last lines of output, with a marker for what lies between: what an error
    /// quotes.
    pub(crate) fn log_excerpt(&self) -> String {
        let lines = self.log.lines();
        let omitted = lines
            .len()
            .saturating_sub(LOG_HEAD_IN_ERRORS + LOG_TAIL_IN_ERRORS);
        if omitted == 0 {
            return lines.iter().cloned().collect::<Vec<_>>().join("\n");
        }
        let head = lines.iter().take(LOG_HEAD_IN_ERRORS).cloned();
        let marker = std::iter::once(format!("[... {omitted} lines ...]"));
        let tail = lines.iter().skip(LOG_HEAD_IN_ERRORS + omitted).cloned();
        head.chain(marker)
            .chain(tail)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// When the current thread is panicking (a test failing, and this process being dropped
    /// on the way out), prints the tail of the output to stderr, which the test harness shows
    /// with the failure. `what` names the process, such as `dev server at 127.0.0.1:7233`.
    pub(crate) fn print_log_if_panicking(&self, what: &str) {
        if std::thread::panicking() {
            eprintln!(
                "---- the last lines of the {what} ----\n{}\n---- end of the {what} ----",
                self.log_tail(LOG_TAIL_ON_PANIC)
            );
        }
    }

    /// Kills the process and waits for it to exit. Idempotent.
    pub(crate) fn kill(&mut self) {
        // Already-exited children make `kill` fail; either way `wait` reaps the process.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ManagedChild {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The last [`LOG_CAPACITY`] lines a process printed on stdout and stderr.
#[derive(Debug, Clone, Default)]
struct Log(Arc<Mutex<VecDeque<String>>>);

impl Log {
    fn capture(&self, stream: Option<impl Read + Send + 'static>) {
        let Some(stream) = stream else { return };
        let lines = Arc::clone(&self.0);
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let mut lines = lines.lock().unwrap_or_else(PoisonError::into_inner);
                if lines.len() == LOG_CAPACITY {
                    lines.pop_front();
                }
                lines.push_back(line);
            }
        });
    }

    fn lines(&self) -> std::sync::MutexGuard<'_, VecDeque<String>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
