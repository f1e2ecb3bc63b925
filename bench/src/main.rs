//! `temporal-bench`: what temporal-client costs per call, next to a bare tonic call of the
//! same RPC, measured against a dev server it starts itself; how that cost grows with
//! concurrency, payload size, history length and list size; and what the client costs to
//! build. Writes `BENCHMARKS.md` and its SVG charts.
//!
//! Run it with `cargo xtask bench` (release build; `--quick` for a smoke run, `--help` for
//! the options). Each workload runs in a fresh child process (this binary, re-executed with
//! a hidden subcommand), so the CPU time and peak memory it reports belong to that workload
//! alone.

mod build_cost;
mod chart;
mod cli;
mod fixture;
mod machine;
mod measure;
mod micro;
mod operation;
mod report;
mod results;
mod scaling;
mod spec;
mod startup;
mod workload;

use std::path::Path;
use std::process::ExitCode;

use crate::cli::Options;
use crate::fixture::Fixture;
use crate::machine::Machine;
use crate::measure::{count_child_syscalls, run_child};
use crate::operation::{Mode, Operation};
use crate::results::{ModeResult, OperationResult, Results};
use crate::spec::Job;

/// Counts every heap allocation of the process, so that each workload can report how many it
/// made: a figure that, unlike CPU time, the machine's load cannot move.
#[global_allocator]
pub(crate) static ALLOCATOR: &stats_alloc::StatsAlloc<std::alloc::System> =
    &stats_alloc::INSTRUMENTED_SYSTEM;

/// Errors of a tool: reported once, at the top.
pub(crate) type Error = Box<dyn std::error::Error + Send + Sync>;

/// Where the charts go, relative to BENCHMARKS.md.
const CHART_DIR: &str = "bench/charts";
const LAUNCH_RUNS: usize = 11;
const CONNECT_RUNS: usize = 50;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some(spec::WORKLOAD) => workload::child_main(&args[1..]),
        Some(spec::LAUNCH) => workload::launch_main(&args[1..]),
        _ => match Options::parse(&args) {
            Ok(Some(options)) => run(&options),
            Ok(None) => {
                println!("{}", cli::USAGE);
                Ok(())
            }
            Err(err) => Err(err),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("temporal-bench: {err}");
            ExitCode::FAILURE
        }
    }
}

/// A fresh id prefix for the workflows one workload starts.
pub(crate) fn new_run_id(operation: Operation, mode: Mode) -> String {
    let op = operation.name().replace('+', "-");
    format!("{op}-{}-{}", mode.name(), uuid::Uuid::new_v4().simple())
}

fn run(options: &Options) -> Result<(), Error> {
    let executable = std::env::current_exe()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let machine = Machine::detect();
    eprintln!("bench: starting a dev server and the Python worker");
    let fixture = runtime.block_on(Fixture::start())?;
    let operations = measure_operations(&executable, &fixture, options)?;
    println!("{}", report::operations_table(&operations));
    eprintln!("bench: launch + connect + start + exit, and connect");
    let startup = runtime.block_on(startup::measure(
        &executable,
        &fixture.targets,
        if options.quick { 3 } else { LAUNCH_RUNS },
        if options.quick { 5 } else { CONNECT_RUNS },
    ))?;
    // A curve that fails is reported as such; the rest of the run still counts.
    let mut scaling = Vec::new();
    let mut failures = Vec::new();
    let mut keep = |name: &str, curve: Result<results::Curve, Error>| match curve {
        Ok(curve) => scaling.push(curve),
        Err(err) => {
            eprintln!("bench: the {name} curve failed: {err}");
            failures.push(format!("{name}: {err}"));
        }
    };
    if options.scaling {
        let plan = scaling::Plan::new(options.quick, options.ops);
        keep(
            "concurrency",
            scaling::concurrency(&executable, &fixture, &plan),
        );
        keep("payload", scaling::payload(&executable, &fixture, &plan));
        if options.history {
            keep(
                "history",
                runtime.block_on(scaling::history(&executable, &fixture, &plan)),
            );
        }
        keep(
            "list",
            runtime.block_on(scaling::list(&executable, &fixture, &plan)),
        );
    }
    let server_version = fixture.server_version.clone();
    drop(fixture);
    let build = if options.build_cost {
        eprintln!("bench: cold release build of temporal-client (a few minutes)");
        match build_cost::measure(&cli::workspace_root()) {
            Ok(build) => Some(build),
            Err(err) => {
                eprintln!("bench: the build cost was not measured: {err}");
                failures.push(format!("build cost: {err}"));
                None
            }
        }
    } else {
        None
    };
    let micro = if options.micro {
        eprintln!("bench: criterion micro-benchmarks (a few minutes)");
        micro::measure(&cli::workspace_root()).unwrap_or_else(|err| {
            eprintln!("bench: the micro-benchmarks were not measured: {err}");
            failures.push(format!("micro-benchmarks: {err}"));
            Vec::new()
        })
    } else {
        Vec::new()
    };
    let results = Results {
        machine,
        server_version,
        ops: options.ops,
        concurrency: options.concurrency,
        repeat: options.repeat,
        quick: options.quick,
        operations,
        startup: Some(startup),
        scaling,
        failures,
        build,
        micro,
    };
    write(&results, &options.output)
}

/// Runs every operation `options.repeat` times in each mode, alternating which mode goes
/// first so that a server slowing down or speeding up does not favour one, and keeps each
/// mode's median run by CPU per operation and the range over all runs; then, unless
/// `--skip-syscalls`, counts each mode's system calls per operation under strace.
fn measure_operations(
    executable: &Path,
    fixture: &Fixture,
    options: &Options,
) -> Result<Vec<OperationResult>, Error> {
    let mut rows = Vec::new();
    for &operation in &options.operations {
        let sample = |mode, round| {
            eprintln!(
                "bench: {operation} x {} at concurrency {} through {} (run {} of {})",
                options.ops,
                options.concurrency,
                mode_label(mode),
                round + 1,
                options.repeat
            );
            let job = Job::Operations {
                operation,
                mode,
                ops: options.ops,
                concurrency: options.concurrency,
                payload_bytes: 0,
                run_id: new_run_id(operation, mode),
                targets: fixture.targets.clone(),
            };
            run_child(executable, &job.to_args())
        };
        let (mut client, mut tonic) = (Vec::new(), Vec::new());
        for round in 0..options.repeat {
            if round % 2 == 0 {
                tonic.push(sample(Mode::Tonic, round)?);
                client.push(sample(Mode::Client, round)?);
            } else {
                client.push(sample(Mode::Client, round)?);
                tonic.push(sample(Mode::Tonic, round)?);
            }
        }
        let syscalls = |mode| {
            if !options.syscalls {
                return Ok(None);
            }
            eprintln!(
                "bench: {operation} system calls through {} (strace)",
                mode_label(mode)
            );
            syscalls_per_op(executable, fixture, operation, mode, options)
        };
        rows.push(OperationResult {
            operation,
            client: ModeResult::of_runs(client, syscalls(Mode::Client)?),
            tonic: ModeResult::of_runs(tonic, syscalls(Mode::Tonic)?),
        });
    }
    Ok(rows)
}

/// System calls per operation: a workload of `options.ops` operations under `strace -c`, less
/// one of no operations (start-up, connection and warm-up calls are in both).
fn syscalls_per_op(
    executable: &Path,
    fixture: &Fixture,
    operation: Operation,
    mode: Mode,
    options: &Options,
) -> Result<Option<f64>, Error> {
    let job = |ops| Job::Operations {
        operation,
        mode,
        ops,
        concurrency: options.concurrency,
        payload_bytes: 0,
        run_id: new_run_id(operation, mode),
        targets: fixture.targets.clone(),
    };
    let Some(with_ops) = count_child_syscalls(executable, &job(options.ops).to_args())? else {
        return Ok(None);
    };
    let Some(without) = count_child_syscalls(executable, &job(0).to_args())? else {
        return Ok(None);
    };
    Ok(Some(
        with_ops.saturating_sub(without) as f64 / options.ops as f64,
    ))
}

fn mode_label(mode: Mode) -> &'static str {
    match mode {
        Mode::Client => "temporal-client",
        Mode::Tonic => "bare tonic",
    }
}

/// Writes BENCHMARKS.md into `output` and the charts into `output/bench/charts`.
fn write(results: &Results, output: &Path) -> Result<(), Error> {
    let charts = output.join(CHART_DIR);
    std::fs::create_dir_all(&charts)?;
    for curve in &results.scaling {
        chart::draw(curve, &charts)?;
    }
    let path = output.join("BENCHMARKS.md");
    std::fs::write(&path, report::markdown(results, CHART_DIR))?;
    eprintln!("bench: wrote {}", path.display());
    Ok(())
}
