//! `temporal-bench-client`: the workload child of temporal-client's modes, which the bench
//! runs as `temporal-bench-client __workload key=value...` (one `SAMPLE {json}` line) or
//! `__launch ADDRESS TASK_QUEUE`. It holds the workload driver and temporal-client alone, as
//! an application would, so that the peak RSS it reports is the client's and not the bench
//! parent's (see `workload.rs`). The modules are the bench crate's, included by path.

#[path = "../client_workload.rs"]
mod client_workload;
#[path = "../cost.rs"]
mod cost;
// Shared with the bench's other binaries, which use what this one does not.
#[allow(dead_code)]
#[path = "../drive.rs"]
mod drive;
#[allow(dead_code)]
#[path = "../measure.rs"]
mod measure;
#[allow(dead_code)]
#[path = "../memory.rs"]
mod memory;
#[allow(dead_code)]
#[path = "../operation.rs"]
mod operation;
#[allow(dead_code)]
#[path = "../spec.rs"]
mod spec;
#[path = "../workload.rs"]
mod workload;

use std::process::ExitCode;

/// Counts every heap allocation, as in the bench's other binaries.
#[global_allocator]
static ALLOCATOR: &stats_alloc::StatsAlloc<std::alloc::System> = &stats_alloc::INSTRUMENTED_SYSTEM;

/// Errors of a tool: reported once, at the top.
type Error = Box<dyn std::error::Error + Send + Sync>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.split_first() {
        Some((first, job)) if first == spec::WORKLOAD => {
            workload::child_main(job, client_workload::run)
        }
        Some((first, rest)) if first == spec::LAUNCH => client_workload::launch_main(rest),
        _ => Err(format!(
            "usage: temporal-bench-client {} key=value... | {} ADDRESS TASK_QUEUE \
             (run by temporal-bench)",
            spec::WORKLOAD,
            spec::LAUNCH
        )
        .into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("temporal-bench-client: {err}");
            ExitCode::FAILURE
        }
    }
}
