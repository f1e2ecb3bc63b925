//! What a workload costs its process: CPU time, heap allocations, peak memory, latency
//! percentiles, system calls, instructions; and the child process that runs one workload so
//! that these belong to it alone.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
use nix::unistd::Pid;
use serde_json::{Value, json};

use crate::Error;

/// The prefix of the one line of a child's stdout that carries its [`Sample`].
const SAMPLE_LINE: &str = "SAMPLE ";

/// What the process has used so far: CPU time and heap allocations. The difference of two
/// snapshots is what the work between them cost.
pub(crate) fn process_usage() -> Usage {
    Usage {
        cpu: process_cpu_time(),
        allocations: Allocations::so_far(),
    }
}

/// A snapshot of [`process_usage`], or the difference of two.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Usage {
    pub(crate) cpu: CpuTime,
    pub(crate) allocations: Allocations,
}

impl std::ops::Sub for Usage {
    type Output = Usage;

    fn sub(self, earlier: Usage) -> Usage {
        Usage {
            cpu: self.cpu - earlier.cpu,
            allocations: self.allocations - earlier.allocations,
        }
    }
}

/// Heap allocations made by every thread of the process, counted by the bench binary's global
/// allocator: unlike CPU time, the same workload gives the same counts however busy the
/// machine is (up to the few allocations that depend on how answers are batched).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Allocations {
    /// Calls to `alloc` and `realloc`.
    pub(crate) count: u64,
    /// Bytes asked for by those calls (a `realloc` counts the bytes it grew by).
    pub(crate) bytes: u64,
}

impl Allocations {
    fn so_far() -> Self {
        let stats = crate::ALLOCATOR.stats();
        Self {
            count: (stats.allocations + stats.reallocations) as u64,
            bytes: stats.bytes_allocated as u64 + stats.bytes_reallocated.max(0) as u64,
        }
    }
}

impl std::ops::Sub for Allocations {
    type Output = Allocations;

    fn sub(self, earlier: Allocations) -> Allocations {
        Allocations {
            count: self.count.saturating_sub(earlier.count),
            bytes: self.bytes.saturating_sub(earlier.bytes),
        }
    }
}

/// CPU time the whole process has used so far (every thread: the runtime and tonic's
/// connection tasks run on this one, DNS and blocking work on others): in all, and the part
/// spent in user space.
///
/// Through libc's `clock_gettime`, not rustix's raw-syscall one: rustix finds the vDSO through
/// the aux vector it reads from the kernel (`PR_GET_AUXV`, `/proc/self/auxv`), which under
/// valgrind is valgrind's own, pointing at a vDSO the program under valgrind does not have
/// mapped, and the first call crashed with SIGSEGV. libc reads the aux vector valgrind gives
/// the program.
pub(crate) fn process_cpu_time() -> CpuTime {
    let time = nix::time::clock_gettime(nix::time::ClockId::CLOCK_PROCESS_CPUTIME_ID)
        .map(Duration::from)
        .unwrap_or_default();
    CpuTime {
        total: time,
        user: user_time(),
    }
}

/// User-space CPU time of the process, from `getrusage` (microseconds, as the kernel accounts
/// it); zero if the call fails, which it cannot for `RUSAGE_SELF`.
fn user_time() -> Duration {
    nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_SELF)
        .map(|usage| rusage_duration(usage.user_time()))
        .unwrap_or_default()
}

/// The CPU time (user and system) of this process's children that have ended and been
/// waited for: the servers and workers it runs meanwhile are not among them until they end.
pub(crate) fn waited_children_cpu() -> Duration {
    nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .map(|usage| rusage_duration(usage.user_time()) + rusage_duration(usage.system_time()))
        .unwrap_or_default()
}

/// A time `getrusage` reports, as a `Duration`.
fn rusage_duration(time: nix::sys::time::TimeVal) -> Duration {
    Duration::from_secs(time.tv_sec() as u64) + Duration::from_micros(time.tv_usec() as u64)
}

/// CPU time used by a process: in all (user space and kernel), and in user space, which is
/// where the client's own code runs; the rest is the kernel's work for its syscalls.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct CpuTime {
    pub(crate) total: Duration,
    pub(crate) user: Duration,
}

impl std::ops::Sub for CpuTime {
    type Output = CpuTime;

    fn sub(self, earlier: CpuTime) -> CpuTime {
        CpuTime {
            total: self.total.saturating_sub(earlier.total),
            user: self.user.saturating_sub(earlier.user),
        }
    }
}

/// The process's peak resident set size (`VmHWM`), in KiB.
pub(crate) fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| parse_status_kib(&status, "VmHWM:"))
        .unwrap_or(0)
}

pub(crate) fn parse_status_kib(status: &str, field: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The `q` quantile (0.0 to 1.0) of sorted values, by the nearest-rank method.
pub(crate) fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The median of unsorted values.
pub(crate) fn median(mut values: Vec<Duration>) -> Duration {
    values.sort_unstable();
    quantile(&values, 0.5)
}

/// The run of median CPU per operation among runs of the same workload.
pub(crate) fn median_by_cpu(mut samples: Vec<Sample>) -> Sample {
    samples.sort_by(|a, b| a.cpu_us_per_op().total_cmp(&b.cpu_us_per_op()));
    let middle = samples.len().saturating_sub(1) / 2;
    samples.swap_remove(middle)
}

/// What one workload cost, as its child process measured it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sample {
    /// Operations (or streamed items) that succeeded.
    pub(crate) ops: u64,
    /// Operations that failed, and the first error.
    pub(crate) errors: u64,
    pub(crate) first_error: Option<String>,
    pub(crate) wall: Duration,
    pub(crate) cpu: Duration,
    /// The part of `cpu` spent in user space.
    pub(crate) user_cpu: Duration,
    pub(crate) peak_rss_kib: u64,
    pub(crate) p50: Duration,
    pub(crate) p99: Duration,
    /// Heap allocations during the workload.
    pub(crate) allocations: Allocations,
}

impl Sample {
    /// Builds a sample from per-operation latencies (in any order).
    pub(crate) fn from_latencies(
        mut latencies: Vec<Duration>,
        errors: u64,
        first_error: Option<String>,
        wall: Duration,
        usage: Usage,
    ) -> Self {
        latencies.sort_unstable();
        Self {
            ops: latencies.len() as u64,
            errors,
            first_error,
            wall,
            cpu: usage.cpu.total,
            user_cpu: usage.cpu.user,
            peak_rss_kib: peak_rss_kib(),
            p50: quantile(&latencies, 0.5),
            p99: quantile(&latencies, 0.99),
            allocations: usage.allocations,
        }
    }

    /// Heap allocations per successful operation.
    pub(crate) fn allocations_per_op(&self) -> f64 {
        self.allocations.count as f64 / self.ops.max(1) as f64
    }

    /// KiB allocated per successful operation.
    pub(crate) fn allocated_kib_per_op(&self) -> f64 {
        self.allocations.bytes as f64 / 1024.0 / self.ops.max(1) as f64
    }

    /// CPU time per successful operation, in µs.
    pub(crate) fn cpu_us_per_op(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / self.ops.max(1) as f64
    }

    /// User-space CPU time per successful operation, in µs.
    pub(crate) fn user_cpu_us_per_op(&self) -> f64 {
        self.user_cpu.as_secs_f64() * 1e6 / self.ops.max(1) as f64
    }

    /// Successful operations per second of wall time.
    pub(crate) fn ops_per_sec(&self) -> f64 {
        self.ops as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    pub(crate) fn peak_rss_mib(&self) -> f64 {
        self.peak_rss_kib as f64 / 1024.0
    }

    fn to_json(&self) -> Value {
        json!({
            "ops": self.ops,
            "errors": self.errors,
            "first_error": self.first_error,
            "wall_ns": self.wall.as_nanos() as u64,
            "cpu_ns": self.cpu.as_nanos() as u64,
            "user_cpu_ns": self.user_cpu.as_nanos() as u64,
            "peak_rss_kib": self.peak_rss_kib,
            "p50_ns": self.p50.as_nanos() as u64,
            "p99_ns": self.p99.as_nanos() as u64,
            "allocations": self.allocations.count,
            "allocated_bytes": self.allocations.bytes,
        })
    }

    fn from_json(value: &Value) -> Option<Self> {
        let number = |key: &str| value.get(key).and_then(Value::as_u64);
        let nanos = |key: &str| number(key).map(Duration::from_nanos);
        Some(Self {
            ops: number("ops")?,
            errors: number("errors")?,
            first_error: value
                .get("first_error")
                .and_then(Value::as_str)
                .map(str::to_owned),
            wall: nanos("wall_ns")?,
            cpu: nanos("cpu_ns")?,
            user_cpu: nanos("user_cpu_ns")?,
            peak_rss_kib: number("peak_rss_kib")?,
            p50: nanos("p50_ns")?,
            p99: nanos("p99_ns")?,
            allocations: Allocations {
                count: number("allocations")?,
                bytes: number("allocated_bytes")?,
            },
        })
    }

    /// The line a child prints for its parent.
    pub(crate) fn to_line(&self) -> String {
        format!("{SAMPLE_LINE}{}", self.to_json())
    }

    /// The sample in a child's stdout.
    pub(crate) fn from_output(stdout: &str) -> Option<Self> {
        let line = stdout
            .lines()
            .find_map(|line| line.strip_prefix(SAMPLE_LINE))?;
        Self::from_json(&serde_json::from_str(line).ok()?)
    }
}

/// Where the bench's processes run: each measured child alone on one CPU (the last this
/// process may use), the driver, the dev server and the worker (which inherit the driver's
/// CPUs) on the others. A client whose server shares its CPU pays in its own figures for the
/// server's work: a cache the server's threads have cooled at each of its wake-ups, and its
/// wake-ups queued behind theirs (bench/notes/transport-experiment.md, section 5). In
/// production the server is on another machine. Every mode is measured alike; on a single
/// CPU nothing is placed.
struct Placement {
    measured: usize,
    rest: CpuSet,
    /// Every CPU the bench was given.
    all: CpuSet,
}

/// The variable that tells a measured child the CPU to keep to ([`take_measured_cpu`]).
const MEASURED_CPU: &str = "TEMPORAL_BENCH_CPU";

fn placement() -> Option<&'static Placement> {
    static PLACEMENT: OnceLock<Option<Placement>> = OnceLock::new();
    PLACEMENT
        .get_or_init(|| {
            let allowed = sched_getaffinity(Pid::from_raw(0)).ok()?;
            let cpus: Vec<usize> = (0..CpuSet::count())
                .filter(|&cpu| allowed.is_set(cpu).unwrap_or(false))
                .collect();
            let (&measured, others) = cpus.split_last()?;
            if others.is_empty() {
                return None;
            }
            let mut rest = CpuSet::new();
            for &cpu in others {
                rest.set(cpu).ok()?;
            }
            Some(Placement {
                measured,
                rest,
                all: allowed,
            })
        })
        .as_ref()
}

/// Keeps this driver, and the servers and workers it starts from now on, off the CPU the
/// measured children run on, and names that CPU for the report (`None` on one CPU).
pub(crate) fn confine_driver() -> Result<Option<String>, Error> {
    let Some(placement) = placement() else {
        return Ok(None);
    };
    sched_setaffinity(Pid::from_raw(0), &placement.rest)
        .map_err(|e| format!("cannot keep the bench off the measured CPU: {e}"))?;
    Ok(Some(format!("CPU {}", placement.measured)))
}

/// Gives this driver back every CPU it was given, for what it measures of itself and of the
/// processes it starts from now on (the cold build, which a confined driver would run on one
/// CPU fewer: 184 s instead of 107 s in the run of 2026-11-30 21:23 UTC).
pub(crate) fn release_driver() -> Result<(), Error> {
    if let Some(placement) = placement() {
        sched_setaffinity(Pid::from_raw(0), &placement.all)
            .map_err(|e| format!("cannot give the bench its CPUs back: {e}"))?;
    }
    Ok(())
}

/// `command`, told to run on the measured CPU alone: the child keeps to it as it starts
/// ([`take_measured_cpu`]).
pub(crate) fn measured(mut command: Command) -> Command {
    if let Some(placement) = placement() {
        command.env(MEASURED_CPU, placement.measured.to_string());
    }
    command
}

/// Keeps this process to the CPU its parent named ([`measured`]), if it named one: the first
/// thing a measured child does.
pub(crate) fn take_measured_cpu() -> Result<(), Error> {
    let Ok(cpu) = std::env::var(MEASURED_CPU) else {
        return Ok(());
    };
    let cpu: usize = cpu
        .parse()
        .map_err(|_| format!("{MEASURED_CPU}={cpu} is not a CPU number"))?;
    let mut only = CpuSet::new();
    only.set(cpu)?;
    sched_setaffinity(Pid::from_raw(0), &only)
        .map_err(|e| format!("cannot keep to CPU {cpu}: {e}"))?;
    Ok(())
}

/// Runs this executable with `args` in a fresh process and returns the sample it prints.
pub(crate) fn run_child(executable: &Path, args: &[String]) -> Result<Sample, Error> {
    let output = measured(Command::new(executable))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", executable.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    match Sample::from_output(&stdout) {
        Some(sample) if output.status.success() => Ok(sample),
        _ => Err(format!(
            "the workload `{}` failed ({}): {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )
        .into()),
    }
}

/// The system calls of every thread of a child running `args`, counted by `strace -f -c`
/// (`None` when strace is not installed). strace slows the child down, so such a run is for
/// this count only, never for its times. The count covers the whole process, start-up
/// included: subtract a run that does no operations to get the workload's share.
pub(crate) fn count_child_syscalls(
    executable: &Path,
    args: &[String],
) -> Result<Option<u64>, Error> {
    let summary =
        std::env::temp_dir().join(format!("temporal-bench-strace-{}", uuid::Uuid::new_v4()));
    let output = match Command::new("strace")
        .args(["-f", "-c", "-o"])
        .arg(&summary)
        .arg(executable)
        .args(args)
        .stdin(Stdio::null())
        .output()
    {
        Ok(output) => output,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(format!("cannot run strace: {err}").into()),
    };
    let text = std::fs::read_to_string(&summary).unwrap_or_default();
    let _ = std::fs::remove_file(&summary);
    if !output.status.success() {
        return Err(format!(
            "the workload `{}` failed under strace ({}): {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )
        .into());
    }
    total_syscalls(&text)
        .map(Some)
        .ok_or_else(|| format!("strace wrote no summary with a total line:\n{text}").into())
}

/// The instructions every thread of a child running `args` executed, counted by valgrind's
/// cachegrind without its cache simulation (`None` when valgrind is not installed). Like the
/// system calls: a count the machine's load cannot move, for the whole process, start-up
/// included (subtract a run of no operations), from a run too slow for its times to count.
pub(crate) fn count_child_instructions(
    executable: &Path,
    args: &[String],
) -> Result<Option<u64>, Error> {
    let output = match Command::new("valgrind")
        .args([
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
        ])
        .arg(executable)
        .args(args)
        .stdin(Stdio::null())
        .output()
    {
        Ok(output) => output,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(format!("cannot run valgrind: {err}").into()),
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    let sample = Sample::from_output(&String::from_utf8_lossy(&output.stdout));
    match sample {
        Some(sample) if output.status.success() && sample.errors == 0 => {}
        _ => {
            return Err(format!(
                "the workload `{}` failed under valgrind ({}): {}",
                args.join(" "),
                output.status,
                stderr.trim()
            )
            .into());
        }
    }
    instruction_refs(&stderr)
        .map(Some)
        .ok_or_else(|| format!("valgrind printed no `I refs` line:\n{stderr}").into())
}

/// The count of cachegrind's (or callgrind's) `I refs:` summary line, e.g.
/// `==42== I   refs:      4,656,517`.
fn instruction_refs(stderr: &str) -> Option<u64> {
    let line = stderr.lines().find(|line| {
        let text = line.trim_start_matches(|c: char| c == '=' || c.is_ascii_digit());
        text.trim_start().starts_with('I') && text.contains("refs:")
    })?;
    let count = line.split("refs:").nth(1)?.trim().replace(',', "");
    count.parse().ok()
}

/// The `calls` column of the `total` line of `strace -c`'s summary.
fn total_syscalls(summary: &str) -> Option<u64> {
    let total = summary
        .lines()
        .find(|line| line.split_whitespace().last() == Some("total"))?;
    total.split_whitespace().nth(3)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_use_the_nearest_rank() {
        let values: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(quantile(&values, 0.5), Duration::from_millis(50));
        assert_eq!(quantile(&values, 0.99), Duration::from_millis(99));
        assert_eq!(quantile(&values, 1.0), Duration::from_millis(100));
        assert_eq!(quantile(&values[..1], 0.99), Duration::from_millis(1));
        assert_eq!(quantile(&[], 0.5), Duration::ZERO);
        assert_eq!(
            median(vec![
                Duration::from_secs(3),
                Duration::from_secs(1),
                Duration::from_secs(2)
            ]),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn a_sample_survives_the_trip_through_a_child_s_stdout() {
        let sample = Sample {
            ops: 2000,
            errors: 1,
            first_error: Some("deadline exceeded".to_owned()),
            wall: Duration::from_millis(1500),
            cpu: Duration::from_micros(123_456),
            user_cpu: Duration::from_micros(23_456),
            peak_rss_kib: 6000,
            p50: Duration::from_micros(900),
            p99: Duration::from_micros(4000),
            allocations: Allocations {
                count: 40_000,
                bytes: 8_192_000,
            },
        };
        let slower = Sample {
            cpu: sample.cpu * 2,
            ..sample.clone()
        };
        let faster = Sample {
            cpu: sample.cpu / 2,
            ..sample.clone()
        };
        assert_eq!(
            median_by_cpu(vec![slower.clone(), sample.clone(), faster]),
            sample
        );
        assert_eq!(median_by_cpu(vec![slower.clone()]), slower);
        let stdout = format!("noise\n{}\n", sample.to_line());
        assert_eq!(Sample::from_output(&stdout), Some(sample.clone()));
        assert!((sample.cpu_us_per_op() - 61.728).abs() < 1e-9);
        assert_eq!(sample.allocations_per_op(), 20.0);
        assert_eq!(sample.allocated_kib_per_op(), 4.0);
        assert_eq!(Sample::from_output("no sample here"), None);
    }

    #[test]
    fn status_fields_are_read_in_kib() {
        let status = "Name:\tx\nVmHWM:\t    7344 kB\nVmRSS:\t    7000 kB\n";
        assert_eq!(parse_status_kib(status, "VmHWM:"), Some(7344));
        assert_eq!(parse_status_kib(status, "VmRSS:"), Some(7000));
        assert_eq!(parse_status_kib(status, "VmSwap:"), None);
        let cpu = process_cpu_time();
        assert!(cpu.total > Duration::ZERO);
        assert!(cpu.user <= cpu.total + Duration::from_millis(10), "{cpu:?}");
        assert!(peak_rss_kib() > 0);
    }

    #[test]
    fn allocations_are_counted_on_every_thread() {
        let before = process_usage();
        let on_this_thread: Vec<u64> = (0..100).collect();
        std::thread::spawn(|| drop(vec![0u8; 4096]))
            .join()
            .expect("thread ran");
        let used = process_usage() - before;
        drop(on_this_thread);
        assert!(used.allocations.count >= 2, "{used:?}");
        assert!(used.allocations.bytes >= 800 + 4096, "{used:?}");
    }

    #[test]
    fn the_strace_summary_total_is_read_with_or_without_an_errors_column() {
        let with_errors = "% time     seconds  usecs/call     calls    errors syscall\n\
             ------ ----------- ----------- --------- --------- ----------------\n\
             61.08    0.001144           3       330        12 epoll_wait\n\
             ------ ----------- ----------- --------- --------- ----------------\n\
             100.00    0.001873           1      1264        39 total\n";
        assert_eq!(total_syscalls(with_errors), Some(1264));
        let without = "100.00    0.000100           2        57           total\n";
        assert_eq!(total_syscalls(without), Some(57));
        assert_eq!(total_syscalls("strace: no summary"), None);
    }

    #[test]
    fn the_instruction_count_is_read_from_valgrind_s_summary() {
        let stderr = "==19817== Cachegrind, a cache and branch-prediction profiler\n\
             ==19817== Command: /tmp/bench __workload job=operations\n\
             SAMPLE {}\n\
             ==19817== \n\
             ==19817== I   refs:      4,656,517\n";
        assert_eq!(instruction_refs(stderr), Some(4_656_517));
        assert_eq!(instruction_refs("==1== I refs: 12\n"), Some(12));
        assert_eq!(
            instruction_refs("==1== Process terminating with default action of signal 11"),
            None
        );
    }
}
