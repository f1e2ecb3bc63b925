//! `temporal-bench`: what temporal-client costs per call, next to a bare tonic call of the
//! same RPC and to the official Rust client (temporalio-client 1.1.1, gzip off and on),
//! measured against a dev server it starts itself; how that cost grows with concurrency,
//! payload size, history length and list size; and what the client costs to build. Writes
//! `BENCHMARKS.md` and its SVG charts.
//!
//! Run it with `cargo xtask bench` (release build; `--quick` for a smoke run, `--help` for
//! the options). Each workload runs in a fresh child process of a binary that holds the
//! driver and the one client it measures (`temporal-bench-client`, `temporal-bench-tonic`,
//! built beside this one, or the official client's driver, `bench/official`, which this
//! binary builds first), so the CPU time and peak memory it reports belong to that workload
//! and that client alone. The children run under valgrind too, for instruction counts: see
//! `measure::process_cpu_time` for what kept them from it.

mod build_cost;
mod chart;
mod cli;
// Shared with the workload binaries (src/bin): the parent uses the names and the parent's
// side of these, and runs their tests.
#[allow(dead_code)]
mod drive;
mod fixture;
mod hold;
mod machine;
#[allow(dead_code)]
mod measure;
mod memory;
mod micro;
mod official;
mod operation;
mod report;
mod results;
mod scaling;
#[allow(dead_code)]
mod spec;
mod startup;
mod waits;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{Curve, Options};
use crate::fixture::Servers;
use crate::machine::Machine;
use crate::measure::{Sample, count_child_instructions, count_child_syscalls, run_child};
use crate::operation::{Mode, Operation};
use crate::results::{ModeResult, OperationResult, PerOpCounts, Results};
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
        Some(waits::SUBCOMMAND) => waits::child_main(&args[1..]),
        Some(hold::SUBCOMMAND) => hold::child_main(&args[1..]),
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
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut machine = Machine::detect();
    // Before any server or worker starts: they inherit the driver's CPUs.
    machine.measured_cpu = crate::measure::confine_driver()?;
    let holder = match machine.measured_cpu {
        Some(_) => hold::CpuHolder::start(),
        None => Err("one CPU: nothing is placed".to_owned()),
    };
    machine.measured_cpu_idles = holder.as_ref().err().cloned();
    if let Err(why) = &holder {
        eprintln!("bench: the measured CPU idles between a child's answers: {why}");
    }
    let mut servers = Servers::new(&runtime);
    if options.waits {
        let fixture = servers.fresh("the idle waits")?;
        let costs = waits::measure(&fixture, options.quick)?;
        println!("{}", waits::table(&costs));
        return Ok(());
    }
    let mut failures = Vec::new();
    let official = official_executable(options);
    let executables =
        Executables::beside_this_one(official.as_ref().ok().cloned(), options.experiments.clone())?;
    let mut tables = Vec::new();
    for (k, &plan) in options.tables.iter().enumerate() {
        let operations = plan.operations(k == 0, &options.operations);
        let rows = measure_operations(
            &executables,
            &mut servers,
            options,
            plan,
            &operations,
            &mut failures,
        )?;
        println!("{}", report::operations_table(&rows));
        tables.push(results::OperationsTable {
            concurrency: plan.concurrency,
            ops: plan.ops,
            rows,
        });
    }
    let startup = {
        let fixture = servers.fresh("the start-up figures")?;
        eprintln!("bench: launch + connect + start + exit, and connect");
        runtime.block_on(startup::measure(
            &executables.client,
            &fixture.targets,
            if options.quick { 3 } else { LAUNCH_RUNS },
            if options.quick { 5 } else { CONNECT_RUNS },
        ))?
    };
    // A curve that fails is reported as such; the rest of the run still counts. Each curve
    // has a dev server of its own, started afresh (see `Servers`).
    let mut scaling = Vec::new();
    let mut keep = |name: &str, curve: Result<results::Curve, Error>| match curve {
        Ok(curve) => scaling.push(curve),
        Err(err) => {
            eprintln!("bench: the {name} curve failed: {err}");
            failures.push(format!("{name}: {err}"));
        }
    };
    let plan = scaling::Plan::new(options.quick, options.ops, options.repeat);
    for &curve in &options.curves {
        match curve {
            Curve::Concurrency => keep(
                "concurrency",
                scaling::concurrency(&executables, &mut servers, &plan),
            ),
            Curve::Payload => keep(
                "payload",
                scaling::payload(&executables, &mut servers, &plan),
            ),
            Curve::History => keep(
                "history",
                servers.fresh("the history curve").and_then(|fixture| {
                    runtime.block_on(scaling::history(&executables.client, &fixture, &plan))
                }),
            ),
            Curve::List => keep(
                "list",
                servers.fresh("the list curve").and_then(|fixture| {
                    runtime.block_on(scaling::list(&executables.client, &fixture, &plan))
                }),
            ),
        }
    }
    let server_version = servers.version().unwrap_or_default();
    let build = if options.build_cost {
        eprintln!("bench: cold release build of temporal-client (a few minutes)");
        // A build uses every CPU, as an application's would: not the driver's share alone,
        // and none held by the spinner.
        drop(holder);
        crate::measure::release_driver()?;
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
        count_ops: options.count_ops,
        repeat: options.repeat,
        quick: options.quick,
        tables,
        startup: Some(startup),
        scaling,
        failures,
        build,
        micro,
        official_unavailable: official.err(),
    };
    write(&results, &options.output)
}

/// The official client's driver, built now unless the run skips it; or why it is not there.
fn official_executable(options: &Options) -> Result<PathBuf, String> {
    if !options.official {
        return Err(if options.quick {
            "skipped by --quick".to_owned()
        } else {
            "skipped by --skip-official".to_owned()
        });
    }
    eprintln!(
        "bench: building the official client's driver (bench/official; minutes the first time)"
    );
    official::build(&cli::workspace_root()).map_err(|err| {
        eprintln!("bench: the official client could not be built: {err}");
        format!("it could not be built: {err}")
    })
}

/// The executables that run the workloads: one binary per client, each holding the workload
/// driver and that client alone (src/workload.rs).
pub(crate) struct Executables {
    /// `temporal-bench-client`: temporal-client's modes, the streamed curves and the launch.
    pub(crate) client: PathBuf,
    /// `temporal-bench-client-direct`: the same built with temporal-client's `http2-direct`
    /// feature, for the `client-direct` experiment, if it was built.
    client_direct: Option<PathBuf>,
    /// `temporal-bench-tonic`: bare tonic and the transport experiments.
    pub(crate) tonic: PathBuf,
    /// The official client's driver, if it was built.
    official: Option<PathBuf>,
    /// The experimental modes this run adds (`--experiment`).
    experiments: Vec<Mode>,
}

impl Executables {
    /// The workload binaries built beside this one (by `cargo xtask bench`), or an error
    /// naming the one missing.
    fn beside_this_one(official: Option<PathBuf>, experiments: Vec<Mode>) -> Result<Self, Error> {
        let this = std::env::current_exe()?;
        let sibling = |name: &str| -> Result<PathBuf, Error> {
            let path = this.with_file_name(name);
            if path.is_file() {
                Ok(path)
            } else {
                Err(format!(
                    "no workload binary {}: `cargo xtask bench` builds them all (see its \
                     `bench` for how)",
                    path.display()
                )
                .into())
            }
        };
        Ok(Self {
            client: sibling("temporal-bench-client")?,
            client_direct: if experiments.contains(&Mode::ClientDirect) {
                Some(sibling("temporal-bench-client-direct")?)
            } else {
                None
            },
            tonic: sibling("temporal-bench-tonic")?,
            official,
            experiments,
        })
    }

    pub(crate) fn of(&self, mode: Mode) -> Option<&Path> {
        match mode {
            Mode::Client | Mode::ClientIntercepted | Mode::ClientTraced => Some(&self.client),
            Mode::ClientDirect => self.client_direct.as_deref(),
            Mode::Tonic | Mode::TonicTuned | Mode::HyperDirect | Mode::H2Direct => {
                Some(&self.tonic)
            }
            Mode::Official { .. } => self.official.as_deref(),
        }
    }

    /// The modes this run can measure, in table order.
    fn modes(&self) -> Vec<Mode> {
        Mode::ALL
            .into_iter()
            .filter(|&mode| self.of(mode).is_some())
            .chain(self.experiments.iter().copied())
            .collect()
    }
}

/// The modes of round `round`, rotated so that each goes first in turn: a server slowing
/// down or speeding up then favours none.
fn round_order(modes: &[Mode], round: usize) -> Vec<Mode> {
    let mut order = modes.to_vec();
    let len = order.len();
    if len > 0 {
        order.rotate_left(round % len);
    }
    order
}

/// Runs each of `operations` `options.repeat` times in each mode as `plan` says, rotating
/// which mode goes first, and keeps each mode's median run by CPU per operation and the range
/// over all runs; then counts each mode's system calls (strace) and instructions (valgrind)
/// per operation, unless skipped. A failure of the official client's driver drops its modes
/// from that row and is reported; a failure of temporal-client or tonic fails the run.
fn measure_operations(
    executables: &Executables,
    servers: &mut Servers<'_>,
    options: &Options,
    plan: cli::TablePlan,
    operations: &[Operation],
    failures: &mut Vec<String>,
) -> Result<Vec<OperationResult>, Error> {
    let modes = executables.modes();
    let mut rows = Vec::new();
    for &operation in operations {
        // Every mode of a row on the same server, the server afresh for each row.
        let fixture = servers.fresh(&format!(
            "the {operation} row at concurrency {}",
            plan.concurrency
        ))?;
        let job = |mode, ops| Job::Operations {
            operation,
            mode,
            ops,
            concurrency: plan.concurrency,
            payload_bytes: 0,
            run_id: new_run_id(operation, mode),
            targets: fixture.targets.clone(),
        };
        let mut runs: Vec<(Mode, Result<Vec<Sample>, Error>)> =
            modes.iter().map(|&mode| (mode, Ok(Vec::new()))).collect();
        for round in 0..options.repeat {
            for mode in round_order(&modes, round) {
                let (_, mode_runs) = runs
                    .iter_mut()
                    .find(|(m, _)| *m == mode)
                    .expect("every mode has its runs");
                let Ok(samples) = mode_runs else { continue };
                eprintln!(
                    "bench: {operation} x {} at concurrency {} through {} (run {} of {})",
                    plan.ops,
                    plan.concurrency,
                    mode.label(),
                    round + 1,
                    options.repeat
                );
                let executable = executables.of(mode).expect("a mode of this run");
                match run_child(executable, &job(mode, plan.ops).to_args()) {
                    Ok(sample) => samples.push(sample),
                    Err(err) => *mode_runs = Err(err),
                }
            }
        }
        let mut results = Vec::new();
        for (mode, mode_runs) in runs {
            let executable = executables.of(mode).expect("a mode of this run");
            let counted = mode_runs.and_then(|samples| {
                let counts = per_op_counts(executable, operation, mode, options, &job)?;
                Ok(ModeResult::of_runs(samples, counts))
            });
            match (mode, counted) {
                (_, Ok(result)) => results.push((mode, result)),
                (Mode::Client | Mode::Tonic, Err(err)) => return Err(err),
                (_, Err(err)) => {
                    eprintln!("bench: {operation} through {} failed: {err}", mode.label());
                    failures.push(format!("{operation} through {}: {err}", mode.label()));
                }
            }
        }
        let mut take = |wanted: Mode| {
            results
                .iter()
                .position(|(mode, _)| *mode == wanted)
                .map(|k| results.swap_remove(k).1)
        };
        rows.push(OperationResult {
            operation,
            client: take(Mode::Client).expect("measured"),
            tonic: take(Mode::Tonic).expect("measured"),
            official: take(Mode::Official { gzip: false }),
            official_gzip: take(Mode::Official { gzip: true }),
            experiments: options
                .experiments
                .iter()
                .filter_map(|&mode| Some((mode, take(mode)?)))
                .collect(),
        });
    }
    Ok(rows)
}

/// System calls (strace) and instructions (valgrind) per operation, each a workload of
/// `options.count_ops` operations less one of no operations (start-up, connection, warm-up and
/// spawning the workload's tasks are in both), unless the run skips them or the tool is missing.
fn per_op_counts(
    executable: &Path,
    operation: Operation,
    mode: Mode,
    options: &Options,
    job: &dyn Fn(Mode, usize) -> Job,
) -> Result<PerOpCounts, Error> {
    type Counter = fn(&Path, &[String]) -> Result<Option<u64>, Error>;
    let per_op = |counter: Counter| -> Result<Option<f64>, Error> {
        let Some(with_ops) = counter(executable, &job(mode, options.count_ops).to_args())? else {
            return Ok(None);
        };
        let Some(without) = counter(executable, &job(mode, 0).to_args())? else {
            return Ok(None);
        };
        Ok(Some(
            with_ops.saturating_sub(without) as f64 / options.count_ops as f64,
        ))
    };
    let mut counts = PerOpCounts::default();
    if options.syscalls {
        eprintln!(
            "bench: {operation} system calls through {} (strace)",
            mode.label()
        );
        counts.syscalls = per_op(count_child_syscalls)?;
    }
    if options.instructions {
        eprintln!(
            "bench: {operation} instructions through {} (valgrind)",
            mode.label()
        );
        counts.instructions = per_op(count_child_instructions)?;
    }
    Ok(counts)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mode_goes_first_in_turn() {
        let modes = Mode::ALL;
        let firsts: Vec<Mode> = (0..8).map(|round| round_order(&modes, round)[0]).collect();
        assert_eq!(&firsts[..4], &modes[..]);
        assert_eq!(&firsts[4..], &modes[..]);
        let order = round_order(&modes, 1);
        assert_eq!(order.len(), 4);
        assert!(modes.iter().all(|mode| order.contains(mode)));
        assert!(round_order(&[], 3).is_empty());
    }

    #[test]
    fn each_mode_runs_in_the_binary_of_its_client() {
        let executables = Executables {
            client: PathBuf::from("/b/temporal-bench-client"),
            client_direct: Some(PathBuf::from("/b/temporal-bench-client-direct")),
            tonic: PathBuf::from("/b/temporal-bench-tonic"),
            official: None,
            experiments: vec![Mode::HyperDirect],
        };
        for mode in [Mode::Client, Mode::ClientIntercepted, Mode::ClientTraced] {
            assert_eq!(executables.of(mode), Some(executables.client.as_path()));
        }
        // The direct transport is in a binary of its own, so that the default mode's holds
        // what an application's default build holds.
        assert_eq!(
            executables.of(Mode::ClientDirect),
            executables.client_direct.as_deref()
        );
        for mode in [
            Mode::Tonic,
            Mode::TonicTuned,
            Mode::HyperDirect,
            Mode::H2Direct,
        ] {
            assert_eq!(executables.of(mode), Some(executables.tonic.as_path()));
        }
        // Without the official driver, its modes are not measured.
        assert_eq!(executables.of(Mode::Official { gzip: true }), None);
        assert_eq!(
            executables.modes(),
            [Mode::Client, Mode::Tonic, Mode::HyperDirect]
        );
    }
}
