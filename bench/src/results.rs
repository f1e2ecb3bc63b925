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
    /// Runs of each (operation, mode); the table shows the median by CPU per operation.
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
    pub(crate) client: Sample,
    pub(crate) tonic: Sample,
}

impl OperationResult {
    /// The client's CPU per operation over bare tonic's.
    pub(crate) fn cpu_ratio(&self) -> f64 {
        self.client.cpu_us_per_op() / self.tonic.cpu_us_per_op().max(1e-9)
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
