//! Everything one run of the benchmark measured: what the report and the charts are made of.

use std::time::Duration;

use crate::machine::Machine;
use crate::measure::Sample;
use crate::operation::Operation;

#[derive(Debug)]
pub(crate) struct Results {
    pub(crate) machine: Machine,
    pub(crate) server_version: String,
    /// Operations of the runs counted under strace and valgrind.
    pub(crate) count_ops: usize,
    /// Runs of each (operation, mode); the table shows the median by CPU per operation and
    /// the range over all runs.
    pub(crate) repeat: usize,
    pub(crate) quick: bool,
    /// The operations tables, the main one first.
    pub(crate) tables: Vec<OperationsTable>,
    pub(crate) startup: Option<Startup>,
    pub(crate) scaling: Vec<Curve>,
    /// Curves that could not be measured, and why.
    pub(crate) failures: Vec<String>,
    pub(crate) build: Option<BuildCost>,
    /// The criterion micro-benchmarks, if they ran.
    pub(crate) micro: Vec<crate::micro::MicroResult>,
    /// Why the official client was not measured in this run (`None`: it was).
    pub(crate) official_unavailable: Option<String>,
}

impl Results {
    /// The rows of the main operations table (none if no table was measured).
    pub(crate) fn main_rows(&self) -> &[OperationResult] {
        self.tables.first().map_or(&[], |table| &table.rows)
    }
}

/// The operations measured at one concurrency.
#[derive(Debug)]
pub(crate) struct OperationsTable {
    pub(crate) concurrency: usize,
    /// Operations per workload.
    pub(crate) ops: usize,
    pub(crate) rows: Vec<OperationResult>,
}

/// One row of the table: the same workload through the client, through bare tonic, and
/// through the official client with its gzip off and on (when it was measured).
#[derive(Debug)]
pub(crate) struct OperationResult {
    pub(crate) operation: Operation,
    pub(crate) client: ModeResult,
    pub(crate) tonic: ModeResult,
    pub(crate) official: Option<ModeResult>,
    pub(crate) official_gzip: Option<ModeResult>,
    /// The experimental modes of the run (`--experiment`), in the order asked for.
    pub(crate) experiments: Vec<(crate::operation::Mode, ModeResult)>,
}

/// Every run of one (operation, mode).
#[derive(Debug)]
pub(crate) struct ModeResult {
    /// The median run by CPU per operation, whose figures the table shows.
    pub(crate) median: Sample,
    /// The lowest and highest CPU per operation (µs) over all runs.
    pub(crate) cpu_range: (f64, f64),
    /// The CPU per operation (µs) of each run, in the order the rounds ran.
    pub(crate) cpu_by_round: Vec<f64>,
    /// The lowest and highest p99 latency over all runs: whether a tail is the mode's or
    /// one run's.
    pub(crate) p99_range: (Duration, Duration),
    /// The fewest and most heap allocations per operation over all runs.
    pub(crate) allocations_range: (f64, f64),
    /// System calls per operation, from `strace -c` runs (`None`: not counted).
    pub(crate) syscalls_per_op: Option<f64>,
    /// Instructions per operation, from valgrind runs (`None`: not counted).
    pub(crate) instructions_per_op: Option<f64>,
}

impl ModeResult {
    /// The median and range of `runs` (at least one), with the counts of separate runs.
    pub(crate) fn of_runs(runs: Vec<Sample>, counts: PerOpCounts) -> Self {
        let cpu_range = range_of(&runs, Sample::cpu_us_per_op);
        let cpu_by_round = runs.iter().map(Sample::cpu_us_per_op).collect();
        let p99_range = (
            runs.iter().map(|run| run.p99).min().unwrap_or_default(),
            runs.iter().map(|run| run.p99).max().unwrap_or_default(),
        );
        let allocations_range = range_of(&runs, Sample::allocations_per_op);
        Self {
            median: crate::measure::median_by_cpu(runs),
            cpu_range,
            cpu_by_round,
            p99_range,
            allocations_range,
            syscalls_per_op: counts.syscalls,
            instructions_per_op: counts.instructions,
        }
    }

    /// This mode's CPU per operation over `other`'s, median over median.
    pub(crate) fn cpu_ratio(&self, other: &ModeResult) -> f64 {
        self.median.cpu_us_per_op() / other.median.cpu_us_per_op().max(1e-9)
    }

    /// The range of the ratio over every pair of runs: from this mode's best over the other's
    /// worst to this mode's worst over the other's best. A target is met only when the whole
    /// range meets it.
    pub(crate) fn cpu_ratio_range(&self, other: &ModeResult) -> (f64, f64) {
        ratio_range(self.cpu_range, other.cpu_range)
    }

    /// The range of the ratio of this mode's run to `other`'s run of the same round, over
    /// the rounds both ran: each pair ran back to back, against the server in one state.
    pub(crate) fn cpu_ratio_range_by_round(&self, other: &ModeResult) -> Option<(f64, f64)> {
        self.cpu_by_round
            .iter()
            .zip(&other.cpu_by_round)
            .map(|(ours, theirs)| ours / theirs.max(1e-9))
            .fold(None, widened)
    }

    /// This mode's instructions per operation over `other`'s, when both were counted.
    pub(crate) fn instructions_ratio(&self, other: &ModeResult) -> Option<f64> {
        Some(self.instructions_per_op? / other.instructions_per_op?.max(1e-9))
    }
}

/// Counts per operation from runs of their own (a workload less a run of no operations).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct PerOpCounts {
    /// System calls, under `strace -f -c`.
    pub(crate) syscalls: Option<f64>,
    /// Instructions, under valgrind.
    pub(crate) instructions: Option<f64>,
}

impl OperationResult {
    /// The client's CPU per operation over bare tonic's, median over median.
    pub(crate) fn cpu_ratio(&self) -> f64 {
        self.client.cpu_ratio(&self.tonic)
    }

    /// The range of the client's ratio to bare tonic over every pair of runs.
    pub(crate) fn cpu_ratio_range(&self) -> (f64, f64) {
        self.client.cpu_ratio_range(&self.tonic)
    }

    /// The heap allocations per operation the client makes beyond bare tonic's, over every
    /// pair of runs: from its fewest less tonic's most to its most less tonic's fewest.
    pub(crate) fn extra_allocations_range(&self) -> (f64, f64) {
        let (min, max) = self.client.allocations_range;
        let (tonic_min, tonic_max) = self.tonic.allocations_range;
        (min - tonic_max, max - tonic_min)
    }

    /// The official client's result with its gzip on or off, if it was measured.
    pub(crate) fn official(&self, gzip: bool) -> Option<&ModeResult> {
        if gzip {
            self.official_gzip.as_ref()
        } else {
            self.official.as_ref()
        }
    }
}

/// Launch, connect and first-call times.
#[derive(Debug)]
pub(crate) struct Startup {
    /// A child process that connects, starts one workflow and exits: median, and runs.
    pub(crate) launch: Duration,
    /// The launch child's own CPU time (user and system), median: what is not the server's.
    pub(crate) launch_cpu: Duration,
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
    /// The client's run, or its median run by CPU per unit when there were several.
    pub(crate) client: Sample,
    /// Bare tonic's, likewise, for the curves measured in both modes.
    pub(crate) tonic: Option<Sample>,
    /// How the client compares with bare tonic over every run, for those curves.
    pub(crate) spread: Option<Spread>,
}

/// The client's figures over bare tonic's at one point of a curve, over every run of both:
/// from the client's best run against tonic's worst to its worst against tonic's best, so
/// that a target counts as met only when the whole range meets it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Spread {
    /// Runs of each mode.
    pub(crate) runs: usize,
    /// CPU per unit of work.
    pub(crate) cpu_ratio: (f64, f64),
    /// Peak RSS.
    pub(crate) rss_ratio: (f64, f64),
    /// The client's and bare tonic's CPU per unit of work in each round, in the order the
    /// rounds ran: the pairs that ran back to back.
    pub(crate) cpu_by_round: Vec<(f64, f64)>,
}

impl Spread {
    pub(crate) fn of_runs(client: &[Sample], tonic: &[Sample]) -> Self {
        let ratio = |figure: fn(&Sample) -> f64| {
            ratio_range(range_of(client, figure), range_of(tonic, figure))
        };
        Self {
            runs: client.len().min(tonic.len()),
            cpu_ratio: ratio(Sample::cpu_us_per_op),
            rss_ratio: ratio(Sample::peak_rss_mib),
            cpu_by_round: client
                .iter()
                .zip(tonic)
                .map(|(ours, theirs)| (ours.cpu_us_per_op(), theirs.cpu_us_per_op()))
                .collect(),
        }
    }
}

impl Spread {
    /// The range of the client's CPU over bare tonic's in the same round, over the rounds.
    pub(crate) fn cpu_ratio_range_by_round(&self) -> Option<(f64, f64)> {
        self.cpu_by_round
            .iter()
            .map(|(ours, theirs)| ours / theirs.max(1e-9))
            .fold(None, widened)
    }
}

/// The lowest and highest of `figure` over `runs`.
fn range_of(runs: &[Sample], figure: fn(&Sample) -> f64) -> (f64, f64) {
    runs.iter()
        .map(figure)
        .fold(None, widened)
        .unwrap_or((f64::INFINITY, 0.0))
}

/// `range` (none yet, or the lowest and highest so far) with `value` taken in.
fn widened(range: Option<(f64, f64)>, value: f64) -> Option<(f64, f64)> {
    Some(match range {
        None => (value, value),
        Some((low, high)) => (low.min(value), high.max(value)),
    })
}

/// The range of one figure's ratio over every pair of runs, given each side's range: from the
/// first's lowest over the other's highest to its highest over the other's lowest.
fn ratio_range((low, high): (f64, f64), (other_low, other_high): (f64, f64)) -> (f64, f64) {
    (low / other_high.max(1e-9), high / other_low.max(1e-9))
}

/// The cold release build of temporal-client and the hello-world binary.
#[derive(Debug)]
pub(crate) struct BuildCost {
    pub(crate) seconds: f64,
    pub(crate) crates: usize,
    /// The stripped hello world with the default release profile (and `strip = true`).
    pub(crate) hello_world_bytes: u64,
    /// The same with the size settings an application may pick (`build_cost::SIZE_PROFILE`).
    pub(crate) hello_world_small_bytes: u64,
}
