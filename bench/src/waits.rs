//! What an idle `result()` wait costs: N waits (1,000, 10,000, 100,000) on a few workflows
//! that never complete, opened from one client with the default long-poll bound
//! (`ClientOptions::max_concurrent_long_polls`, 500: the rest queue in the client), each a
//! task as an application spawns it. Each N runs in a fresh child process, which reports the
//! resident memory and the live heap per wait once every wait is pending, the allocations
//! opening them made, and the CPU and allocations of the idle time that follows: a window that
//! spans one server hold of the polls (about 20 s), so the 500 slots' rotation is in it.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use temporal_client::{Client, ClientOptions, Connection, ConnectionOptions, Untyped};
use tokio::task::JoinSet;

use crate::Error;
use crate::fixture::Fixture;
use crate::measure::{CpuTime, process_cpu_time};

/// The hidden subcommand of a child that opens the waits and prints what they cost.
pub(crate) const SUBCOMMAND: &str = "__waits";

/// The prefix of the one line of the child's stdout that carries its figures.
const WAITS_LINE: &str = "WAITS ";

/// How many of the fixture's never-completing workflows the waits are spread over.
const WORKFLOWS: usize = 4;

/// How long the child lets the waits settle (every wait queued or held by the server) before
/// measuring.
const SETTLE: Duration = Duration::from_secs(3);

/// The idle window: longer than the server's hold of a long poll (about 20 s), so that the
/// bounded slots are handed on once in it.
const IDLE: Duration = Duration::from_secs(25);

/// The numbers of waits of a run.
pub(crate) fn counts(quick: bool) -> Vec<usize> {
    if quick {
        vec![1_000, 10_000]
    } else {
        vec![1_000, 10_000, 100_000]
    }
}

/// What N idle waits cost one process.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WaitCost {
    pub(crate) waits: usize,
    /// `size_of_val` of the future `WorkflowHandle::result` returns.
    pub(crate) result_future_bytes: usize,
    /// Resident memory once every wait is pending, less before the first was opened.
    pub(crate) rss_kib: u64,
    /// Heap bytes in use once every wait is pending, less before.
    pub(crate) live_heap_bytes: i64,
    /// Allocations made opening the waits and letting them settle.
    pub(crate) allocations: u64,
    /// CPU time and allocations of the idle window.
    pub(crate) idle_cpu: Duration,
    pub(crate) idle_allocations: u64,
    pub(crate) idle_window: Duration,
    /// Waits that ended during the window (none should: the workflows never complete).
    pub(crate) ended: usize,
}

impl WaitCost {
    pub(crate) fn rss_kib_per_wait(&self) -> f64 {
        self.rss_kib as f64 / self.waits as f64
    }

    pub(crate) fn live_heap_bytes_per_wait(&self) -> f64 {
        self.live_heap_bytes as f64 / self.waits as f64
    }

    pub(crate) fn allocations_per_wait(&self) -> f64 {
        self.allocations as f64 / self.waits as f64
    }

    /// CPU per second of idle time, as a share of one core, in percent.
    pub(crate) fn idle_cpu_percent(&self) -> f64 {
        self.idle_cpu.as_secs_f64() * 100.0 / self.idle_window.as_secs_f64()
    }

    /// CPU per wait per second of idle time, in µs.
    pub(crate) fn idle_cpu_us_per_wait_second(&self) -> f64 {
        self.idle_cpu.as_secs_f64() * 1e6 / self.idle_window.as_secs_f64() / self.waits as f64
    }

    fn to_json(&self) -> Value {
        json!({
            "waits": self.waits,
            "result_future_bytes": self.result_future_bytes,
            "rss_kib": self.rss_kib,
            "live_heap_bytes": self.live_heap_bytes,
            "allocations": self.allocations,
            "idle_cpu_ns": self.idle_cpu.as_nanos() as u64,
            "idle_allocations": self.idle_allocations,
            "idle_window_ns": self.idle_window.as_nanos() as u64,
            "ended": self.ended,
        })
    }

    fn from_json(value: &Value) -> Option<Self> {
        let number = |key: &str| value.get(key).and_then(Value::as_u64);
        Some(Self {
            waits: number("waits")? as usize,
            result_future_bytes: number("result_future_bytes")? as usize,
            rss_kib: number("rss_kib")?,
            live_heap_bytes: value.get("live_heap_bytes")?.as_i64()?,
            allocations: number("allocations")?,
            idle_cpu: Duration::from_nanos(number("idle_cpu_ns")?),
            idle_allocations: number("idle_allocations")?,
            idle_window: Duration::from_nanos(number("idle_window_ns")?),
            ended: number("ended")? as usize,
        })
    }
}

/// Runs one child per count of waits against the fixture's never-completing workflows.
pub(crate) fn measure(fixture: &Fixture, quick: bool) -> Result<Vec<WaitCost>, Error> {
    let executable = std::env::current_exe()?;
    let targets = &fixture.targets;
    let mut costs = Vec::new();
    for waits in counts(quick) {
        eprintln!("bench: {waits} idle result waits (about 30 s)");
        let output = crate::measure::measured(std::process::Command::new(&executable))
            .args([
                SUBCOMMAND.to_owned(),
                targets.address.clone(),
                targets.waiting_prefix.clone(),
                waits.to_string(),
            ])
            .stdin(std::process::Stdio::null())
            .output()?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let cost = stdout
            .lines()
            .find_map(|line| line.strip_prefix(WAITS_LINE))
            .and_then(|line| serde_json::from_str(line).ok())
            .and_then(|value| WaitCost::from_json(&value));
        match cost {
            Some(cost) if output.status.success() => costs.push(cost),
            _ => {
                return Err(format!(
                    "the {waits}-wait child failed ({}): {}",
                    output.status,
                    String::from_utf8_lossy(&output.stderr).trim()
                )
                .into());
            }
        }
    }
    Ok(costs)
}

/// The entry point of a `__waits` child: `ADDRESS WORKFLOW_PREFIX WAITS`.
pub(crate) fn child_main(args: &[String]) -> Result<(), Error> {
    crate::measure::take_measured_cpu()?;
    let [address, prefix, waits] = args else {
        return Err(format!("usage: {SUBCOMMAND} ADDRESS WORKFLOW_PREFIX WAITS").into());
    };
    let waits: usize = waits.parse().map_err(|e| format!("bad WAITS: {e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let cost = runtime.block_on(open_waits(address, prefix, waits))?;
    println!("{WAITS_LINE}{}", cost.to_json());
    Ok(())
}

/// Heap figures of the counting allocator.
#[derive(Debug, Clone, Copy)]
struct Heap {
    allocations: u64,
    live_bytes: i64,
}

impl Heap {
    fn now() -> Self {
        let stats = crate::ALLOCATOR.stats();
        Self {
            allocations: (stats.allocations + stats.reallocations) as u64,
            live_bytes: stats.bytes_allocated as i64 - stats.bytes_deallocated as i64
                + stats.bytes_reallocated as i64,
        }
    }
}

async fn open_waits(address: &str, prefix: &str, waits: usize) -> Result<WaitCost, Error> {
    let connection = Connection::connect(ConnectionOptions::new(address)).await?;
    // The default bound on long polls.
    let client = Client::with_options(connection, ClientOptions::default())?;
    let handles: Vec<_> = (0..WORKFLOWS)
        .map(|k| client.get_handle::<Untyped>(format!("{prefix}-{k}")))
        .collect();
    // Warm: the connection is up, and each workflow exists and runs.
    for handle in &handles {
        handle.describe().await?;
    }
    let result_future_bytes = std::mem::size_of_val(&handles[0].result::<String>());
    let (rss_before, heap_before) = (rss_kib(), Heap::now());
    let mut tasks = JoinSet::new();
    for i in 0..waits {
        let handle = handles[i % WORKFLOWS].clone();
        tasks.spawn(async move { handle.result::<String>().await });
    }
    tokio::time::sleep(SETTLE).await;
    let (rss_waiting, heap_waiting) = (rss_kib(), Heap::now());
    let cpu_before: CpuTime = process_cpu_time();
    let started = Instant::now();
    let mut ended = 0;
    // Idle, but awake for any wait that ends (none should).
    let idle = tokio::time::sleep(IDLE);
    tokio::pin!(idle);
    loop {
        tokio::select! {
            _ = &mut idle => break,
            Some(_) = tasks.join_next() => ended += 1,
        }
    }
    let idle_window = started.elapsed();
    let idle_cpu = (process_cpu_time() - cpu_before).total;
    let heap_idle = Heap::now();
    tasks.abort_all();
    Ok(WaitCost {
        waits,
        result_future_bytes,
        rss_kib: rss_waiting.saturating_sub(rss_before),
        live_heap_bytes: heap_waiting.live_bytes - heap_before.live_bytes,
        allocations: heap_waiting.allocations - heap_before.allocations,
        idle_cpu,
        idle_allocations: heap_idle.allocations - heap_waiting.allocations,
        idle_window,
        ended,
    })
}

/// The process's resident memory (`VmRSS`), in KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

/// The figures as a markdown table.
pub(crate) fn table(costs: &[WaitCost]) -> String {
    let mut out = String::from(
        "| waits | `result()` future | resident memory / wait | live heap / wait | \
         allocations / wait | idle CPU (all waits) | idle CPU / wait | idle allocations / s | \
         ended |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for cost in costs {
        out.push_str(&format!(
            "| {} | {} B | {:.2} KiB | {:.0} B | {:.1} | {:.2} % of a core | {:.3} µs/s | {:.0} | {} |\n",
            cost.waits,
            cost.result_future_bytes,
            cost.rss_kib_per_wait(),
            cost.live_heap_bytes_per_wait(),
            cost.allocations_per_wait(),
            cost.idle_cpu_percent(),
            cost.idle_cpu_us_per_wait_second(),
            cost.idle_allocations as f64 / cost.idle_window.as_secs_f64(),
            cost.ended,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_cost_survives_the_trip_through_a_child_s_stdout() {
        let cost = WaitCost {
            waits: 10_000,
            result_future_bytes: 1_234,
            rss_kib: 20_000,
            live_heap_bytes: 15_000_000,
            allocations: 80_000,
            idle_cpu: Duration::from_millis(250),
            idle_allocations: 5_000,
            idle_window: Duration::from_secs(25),
            ended: 0,
        };
        let value: Value = serde_json::from_str(&cost.to_json().to_string()).expect("json");
        assert_eq!(WaitCost::from_json(&value), Some(cost.clone()));
        assert_eq!(cost.rss_kib_per_wait(), 2.0);
        assert_eq!(cost.live_heap_bytes_per_wait(), 1_500.0);
        assert_eq!(cost.allocations_per_wait(), 8.0);
        assert!((cost.idle_cpu_percent() - 1.0).abs() < 1e-9);
        assert!((cost.idle_cpu_us_per_wait_second() - 1.0).abs() < 1e-9);
        let table = table(&[cost]);
        assert!(
            table.contains("| 10000 | 1234 B | 2.00 KiB | 1500 B | 8.0 |"),
            "{table}"
        );
        assert_eq!(counts(true), [1_000, 10_000]);
        assert_eq!(counts(false), [1_000, 10_000, 100_000]);
    }
}
