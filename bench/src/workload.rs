//! What the workload binaries share: a child's entry point, and what operation `i` of a
//! workload targets.
//!
//! Each client is driven by a binary of its own that holds the workload driver (drive.rs,
//! measure.rs) and that one client: `temporal-bench-client` (client_workload.rs),
//! `temporal-bench-tonic` (tonic_workload.rs) and the official client's driver
//! (`bench/official`). A child's peak RSS then holds its client's code as an application's
//! would, and none of the parent's (the report, the charts, the dev-server fixture), which in
//! the one binary of old was most of the resident code: bench/notes/memory.md.
//!
//! Every mode runs on a current-thread tokio runtime, the leanest way to drive a client: the
//! client's tasks and tonic's connection task share one thread, so the CPU time is what the
//! calls cost and not what idle worker threads do.

use std::future::Future;

use crate::Error;
use crate::drive::json_string_of_encoded_len;
use crate::measure::Sample;
use crate::operation::{Mode, Operation};
use crate::spec::{Job, Targets};

/// The entry point of a `__workload` child: runs the job with `run` on a current-thread
/// runtime and prints its sample.
pub(crate) fn child_main<F, Fut>(args: &[String], run: F) -> Result<(), Error>
where
    F: FnOnce(Job) -> Fut,
    Fut: Future<Output = Result<Sample, Error>>,
{
    crate::measure::take_measured_cpu()?;
    let job = Job::from_args(args)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let sample = runtime.block_on(run(job))?;
    println!("{}", sample.to_line());
    Ok(())
}

/// A mode this binary does not drive: the parent picked the wrong executable.
pub(crate) fn not_here(mode: Mode) -> Error {
    format!(
        "mode `{}` ({}) is driven by another workload binary",
        mode.name(),
        mode.label()
    )
    .into()
}

/// What operation `i` of a workload targets, whichever client makes it.
pub(crate) struct Workload {
    pub(crate) operation: Operation,
    /// The argument of every operation.
    pub(crate) value: String,
    pub(crate) run_id: String,
    pub(crate) targets: Targets,
}

impl Workload {
    pub(crate) fn new(
        operation: Operation,
        payload_bytes: usize,
        run_id: String,
        targets: Targets,
    ) -> Self {
        Self {
            operation,
            value: json_string_of_encoded_len(payload_bytes),
            run_id,
            targets,
        }
    }

    /// The id of the workflow operation `i` starts.
    pub(crate) fn new_id(&self, i: usize) -> String {
        format!("{}-{i}", self.run_id)
    }

    /// The running workflow operation `i` signals or describes.
    pub(crate) fn waiting_id(&self, i: usize) -> String {
        format!(
            "{}-{}",
            self.targets.waiting_prefix,
            i % self.targets.waiting_count.max(1)
        )
    }

    /// The running workflow operation `i` queries.
    pub(crate) fn queryable_id(&self, i: usize) -> String {
        format!(
            "{}-{}",
            self.targets.queryable_prefix,
            i % self.targets.queryable_count.max(1)
        )
    }
}
