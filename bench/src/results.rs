//! Everything one run of the benchmark measured: what the report and the charts are made of.

use std::time::Duration;

use crate::machine::Machine;
use crate::measure::Sample;
use crate::operation::Operation;

#[derive(Debug)]
pub(crate) struct Results {
    pub(crate) machine: Machine,
    pub(crate) server_version: String,
    pub(crate) ops: usize,
    pub(crate) concurrency: usize,
    /// Runs of each (operation, mode); the table shows the median by CPU per operation and
    /// the range over all runs.
    pub(crate) repeat: usize,
    pub(crate) quick: bool,
    pub(crate) operations: Vec<OperationResult>,
    pub(crate) startup: Option<Startup>,
    pub(crate) scaling: Vec<Curve>,
    /// Curves that could not be measured, and why.
    pub(crate) failures: Vec<String>,
    pub(crate) build: Option<BuildCost>,
    /// The criterion micro-benchmarks, if they ran.
    pub(crate) micro: Vec<crate::micro::MicroResult>,
}

/// One row of the table: the same workload through the client and through bare tonic.
#[derive(Debug)]
pub(crate) struct OperationResult {
    pub(crate) operation: Operation,
    pub(crate) client: ModeResult,
    pub(crate) tonic: ModeResult,
}

/// Every run of one (operation, mode).
#[derive(Debug)]
pub(crate) struct ModeResult {
    /// The median run by CPU per operation, whose figures the table shows.
    pub(crate) median: Sample,
    /// The lowest and highest CPU per operation (µs) over all runs.
    pub(crate) cpu_range: (f64, f64),
    /// System calls per operation, from `strace -c` runs (`None`: not counted).
    pub(crate) syscalls_per_op: Option<f64>,
}

impl ModeResult {
    /// The median and range of `runs` (at least one).
    pub(crate) fn of_runs(runs: Vec<Sample>, syscalls_per_op: Option<f64>) -> Self {
        let cpu: Vec<f64> = runs.iter().map(Sample::cpu_us_per_op).collect();
        let cpu_range = (
            cpu.iter().copied().fold(f64::INFINITY, f64::min),
            cpu.iter().copied().fold(0.0, f64::max),
        );
        Self {
            median: crate::measure::median_by_cpu(runs),
            cpu_range,
            syscalls_per_op,
        }
    }
}

impl OperationResult {
    /// The client's CPU per operation over bare tonic's, median over median.
    pub(crate) fn cpu_ratio(&self) -> f64 {
        self.client.median.cpu_us_per_op() / self.tonic.median.cpu_us_per_op().max(1e-9)
    }

    /// The range of the ratio over every pair of runs: from the client's best over tonic's
    /// worst to the client's worst over tonic's best. A target is met only when the whole
    /// range meets it.
    pub(crate) fn cpu_ratio_range(&self) -> (f64, f64) {
        let (client_min, client_max) = self.client.cpu_range;
        let (tonic_min, tonic_max) = self.tonic.cpu_range;
        (
            client_min / tonic_max.max(1e-9),
            client_max / tonic_min.max(1e-9),
        )
    }
}

/// Launch, connect and first-call times.
#[derive(Debug)]
pub(crate) struct Startup {
    /// A child process that connects, starts one workflow and exits: median, and runs.
    pub(crate) launch: Duration,
    pub(crate) launch_runs: usize,
    /// `Connection::connect` (dial + `GetSystemInfo`), median.
    pub(crate) connect: Duration,
    /// tonic's `Endpoint::connect` alone (dial + HTTP/2 handshake), median.
    pub(crate) tonic_connect: Duration,
    pub(crate) connect_runs: usize,
}

/// How cost grows along one dimension.
#[derive(Debug)]
pub(crate) struct Curve {
    /// File stem of its chart, e.g. `concurrency`.
    pub(crate) name: &'static str,
    pub(crate) title: &'static str,
    /// What x counts, e.g. "operations in flight".
    pub(crate) x_label: &'static str,
    /// What one unit of work is: "op", "event", "workflow".
    pub(crate) unit: &'static str,
    pub(crate) points: Vec<Point>,
}

#[derive(Debug)]
pub(crate) struct Point {
    pub(crate) x: usize,
    pub(crate) client: Sample,
    pub(crate) tonic: Option<Sample>,
}

/// The cold release build of temporal-client and the hello-world binary.
#[derive(Debug)]
pub(crate) struct BuildCost {
    pub(crate) seconds: f64,
    pub(crate) crates: usize,
    pub(crate) hello_world_bytes: u64,
}
