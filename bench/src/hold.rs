//! Keeps the measured CPU from idling while a measured child sleeps between answers.
//!
//! On a virtual machine an idle CPU halts into the hypervisor, which may run other work on
//! the physical core meanwhile; a child that sleeps between answers (at one call in flight,
//! after every call) then wakes to caches that work has used, at a cost that varied 2-3x from
//! run to run of the same binary (bench/notes/transport-experiment.md, section 8). A spinner
//! in the idle scheduling class (`SCHED_IDLE`, set by util-linux's `chrt`) holds the CPU
//! instead: the child preempts it as soon as it wakes, the spinner's loop touches a few bytes
//! of cache, and its own CPU time is not the child's.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::Error;
use crate::measure::{measured, take_measured_cpu};

/// The subcommand the spinner runs as: `temporal-bench __hold-cpu PARENT_PID`.
pub(crate) const SUBCOMMAND: &str = "__hold-cpu";

/// How many turns of the loop between two looks at whether the bench is still there (a few
/// milliseconds' worth).
const TURNS_BETWEEN_LOOKS: u64 = 1 << 22;

/// The running spinner; dropping it stops it.
pub(crate) struct CpuHolder {
    spinner: Child,
}

impl CpuHolder {
    /// Starts the spinner on the measured CPU, or says why the CPU is left to idle: a bench
    /// with one CPU places nothing, and without `chrt` (or where the idle class is refused)
    /// nothing holds it.
    pub(crate) fn start() -> Result<Self, String> {
        let bench = std::env::current_exe().map_err(|e| format!("no path to the bench: {e}"))?;
        let mut spinner = measured(Command::new("chrt"))
            .args(["--idle", "0"])
            .arg(bench)
            .args([SUBCOMMAND.to_owned(), std::process::id().to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("`chrt` could not be run: {e}"))?;
        // `chrt` fails at once when it cannot set the class or the bench cannot keep to the
        // CPU; a spinner still running after a moment is spinning.
        std::thread::sleep(Duration::from_millis(200));
        match spinner.try_wait() {
            Ok(None) => Ok(Self { spinner }),
            Ok(Some(status)) => {
                let mut why = String::new();
                if let Some(mut stderr) = spinner.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut stderr, &mut why);
                }
                Err(format!(
                    "`chrt --idle 0 temporal-bench {SUBCOMMAND}` ended at once ({status}): {}",
                    why.trim()
                ))
            }
            Err(e) => Err(format!("the spinner could not be watched: {e}")),
        }
    }
}

impl Drop for CpuHolder {
    fn drop(&mut self) {
        let _ = self.spinner.kill();
        let _ = self.spinner.wait();
    }
}

/// The spinner: keeps to the measured CPU and spins, without `pause` (a hypervisor may take a
/// loop of `pause` for a lock's and deschedule the CPU), until the bench that started it is
/// gone, so that a bench killed outright leaves nothing spinning.
pub(crate) fn child_main(args: &[String]) -> Result<(), Error> {
    let parent: u32 = match args {
        [pid] => pid
            .parse()
            .map_err(|_| format!("{SUBCOMMAND}: `{pid}` is not a process id"))?,
        _ => return Err(format!("usage: {SUBCOMMAND} PARENT_PID").into()),
    };
    take_measured_cpu()?;
    let mut turns: u64 = 0;
    loop {
        turns = std::hint::black_box(turns.wrapping_add(1));
        if turns.is_multiple_of(TURNS_BETWEEN_LOOKS)
            && std::os::unix::process::parent_id() != parent
        {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spinner_wants_its_parent_s_pid() {
        for args in [
            &[][..],
            &["a".to_owned()],
            &["1".to_owned(), "2".to_owned()],
        ] {
            assert!(child_main(args).is_err(), "{args:?}");
        }
    }

    /// A spinner whose parent is not the bench's stops at its first look.
    #[test]
    fn a_spinner_without_its_bench_stops() {
        let not_the_parent = std::os::unix::process::parent_id()
            .wrapping_add(1)
            .to_string();
        child_main(&[not_the_parent]).expect("stops");
    }
}
