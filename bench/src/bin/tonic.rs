//! `temporal-bench-tonic`: the workload child of the bare tonic modes (and of the transports
//! of issue 16's experiment), which the bench runs as `temporal-bench-tonic __workload
//! key=value...` (one `SAMPLE {json}` line). It holds the workload driver, the generated
//! client and tonic alone, as an application calling the generated client would, so that
//! the peak RSS it reports is tonic's and not the bench parent's (see `workload.rs`). The
//! modules are the bench crate's, included by path.

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
#[path = "../tonic_workload.rs"]
mod tonic_workload;
#[path = "../transport.rs"]
mod transport;
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
            workload::child_main(job, tonic_workload::run)
        }
        _ => Err(format!(
            "usage: temporal-bench-tonic {} key=value... (run by temporal-bench)",
            spec::WORKLOAD
        )
        .into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("temporal-bench-tonic: {err}");
            ExitCode::FAILURE
        }
    }
}
