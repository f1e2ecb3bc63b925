//! How CPU per unit of work and peak memory grow with concurrency, payload size, history
//! length and list size. Every point is a fresh child process.

use std::path::Path;

use futures_util::StreamExt;
use futures_util::stream;
use temporal_client::{StartOptions, Untyped};

use crate::drive::WAITING_TYPE;
use crate::fixture::{Fixture, Servers};
use crate::measure::{median_by_cpu, run_child};
use crate::operation::{Mode, Operation};
use crate::results::{Curve, Point, Spread};
use crate::spec::Job;
use crate::{Error, Executables};

/// Concurrency of the parent's signals and starts that build long histories and lists.
const SETUP_CONCURRENCY: usize = 64;

/// The largest argument a start can carry: the server refuses gRPC messages over 4 MiB (not
/// configurable), and the rest of the request needs a little room.
const LARGEST_PAYLOAD: usize = 4 * 1024 * 1024 - 4 * 1024;

/// The sizes of one scaling run.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) ops: usize,
    /// Runs of each mode at each point of the curves measured in both modes.
    pub(crate) repeat: usize,
    pub(crate) concurrency_levels: Vec<usize>,
    /// (encoded payload bytes, operations)
    pub(crate) payloads: Vec<(usize, usize)>,
    pub(crate) payload_concurrency: usize,
    pub(crate) history_lengths: Vec<usize>,
    pub(crate) list_sizes: Vec<usize>,
}

impl Plan {
    pub(crate) fn new(quick: bool, ops: usize, repeat: usize) -> Self {
        const KIB: usize = 1024;
        const MIB: usize = 1024 * KIB;
        if quick {
            Self {
                ops,
                repeat,
                concurrency_levels: vec![1, 8, 32],
                payloads: vec![(KIB, 20), (64 * KIB, 20), (MIB, 10)],
                payload_concurrency: 4,
                history_lengths: vec![10, 100, 1_000],
                list_sizes: vec![10, 100, 300],
            }
        } else {
            Self {
                ops,
                repeat,
                concurrency_levels: vec![1, 8, 32, 128, 512],
                // A run of the largest is still a fraction of a second: 20 starts of 4 MiB
                // (~70 ms of CPU) spread by 1.2-1.3x from run to run, 60 by 1.1x in the client
                // (bench/notes/payloads-and-waits.md); every run's payloads stay in the dev
                // server (9 GB resident after 10 runs of 60), hence no more.
                payloads: vec![
                    (KIB, 1000),
                    (16 * KIB, 500),
                    (256 * KIB, 200),
                    (MIB, 80),
                    (LARGEST_PAYLOAD, 40),
                ],
                payload_concurrency: 4,
                history_lengths: vec![10, 100, 1_000, 10_000, 100_000],
                list_sizes: vec![10, 100, 1_000, 10_000],
            }
        }
    }
}

/// The starts one point of the concurrency or payload curve makes in each run.
#[derive(Debug, Clone, Copy)]
struct Starts {
    ops: usize,
    concurrency: usize,
    payload_bytes: usize,
}

/// One point of a curve measured in both modes: `plan.repeat` runs of `starts` in each,
/// the modes alternating which goes first, against a dev server started afresh for the point
/// (2,000 starts x 2 modes x 5 runs is about half of what one dev server holds).
fn both_modes(
    executables: &Executables,
    servers: &mut Servers<'_>,
    plan: &Plan,
    starts: Starts,
    x: usize,
) -> Result<Point, Error> {
    let Starts {
        ops,
        concurrency,
        payload_bytes,
    } = starts;
    let operation = Operation::Start;
    let fixture = servers.fresh(&format!("{operation} at point {x}"))?;
    let run = |mode: Mode| {
        let job = Job::Operations {
            operation,
            mode,
            ops,
            concurrency,
            payload_bytes,
            run_id: crate::new_run_id(operation, mode),
            targets: fixture.targets.clone(),
        };
        let executable = executables
            .of(mode)
            .expect("client and tonic are always there");
        run_child(executable, &job.to_args())
    };
    let (mut client, mut tonic) = (Vec::new(), Vec::new());
    for round in 0..plan.repeat.max(1) {
        if round % 2 == 0 {
            client.push(run(Mode::Client)?);
            tonic.push(run(Mode::Tonic)?);
        } else {
            tonic.push(run(Mode::Tonic)?);
            client.push(run(Mode::Client)?);
        }
    }
    let spread = Spread::of_runs(&client, &tonic);
    Ok(Point {
        x,
        client: median_by_cpu(client),
        tonic: Some(median_by_cpu(tonic)),
        spread: Some(spread),
    })
}

pub(crate) fn concurrency(
    executables: &Executables,
    servers: &mut Servers<'_>,
    plan: &Plan,
) -> Result<Curve, Error> {
    let mut points = Vec::new();
    for &level in &plan.concurrency_levels {
        eprintln!("scaling: start at concurrency {level}");
        let starts = Starts {
            ops: plan.ops,
            concurrency: level,
            payload_bytes: 0,
        };
        points.push(both_modes(executables, servers, plan, starts, level)?);
    }
    Ok(Curve {
        name: "concurrency",
        title: "start: cost by concurrency",
        x_label: "operations in flight",
        unit: "op",
        points,
    })
}

pub(crate) fn payload(
    executables: &Executables,
    servers: &mut Servers<'_>,
    plan: &Plan,
) -> Result<Curve, Error> {
    let mut points = Vec::new();
    for &(bytes, ops) in &plan.payloads {
        eprintln!("scaling: start with a {bytes}-byte argument");
        let starts = Starts {
            ops,
            concurrency: plan.payload_concurrency,
            payload_bytes: bytes,
        };
        points.push(both_modes(executables, servers, plan, starts, bytes)?);
    }
    Ok(Curve {
        name: "payload",
        title: "start: cost by argument size",
        x_label: "argument bytes (encoded)",
        unit: "op",
        points,
    })
}

/// Grows one workflow's history by signals (one event each; no worker runs it) and streams
/// it through `fetch_history` at each length.
pub(crate) async fn history(
    executable: &Path,
    fixture: &Fixture,
    plan: &Plan,
) -> Result<Curve, Error> {
    let targets = &fixture.targets;
    let workflow_id = format!("history-{}", uuid::Uuid::new_v4().simple());
    fixture
        .client
        .start(
            WAITING_TYPE,
            ("history",),
            StartOptions::new(workflow_id.as_str(), targets.idle_queue.as_str()),
        )
        .await?;
    // Started and WorkflowTaskScheduled.
    let mut events = 2;
    let handle = fixture.client.get_handle::<Untyped>(workflow_id.as_str());
    let mut points = Vec::new();
    for &length in &plan.history_lengths {
        let signals = length.saturating_sub(events);
        eprintln!("scaling: {signals} signals to grow a history to {length} events");
        let results: Vec<_> = stream::iter(0..signals)
            .map(|_| handle.signal("grow"))
            .buffer_unordered(SETUP_CONCURRENCY)
            .collect()
            .await;
        results.into_iter().try_for_each(|r| r)?;
        events += signals;
        let job = Job::History {
            address: targets.address.clone(),
            workflow_id: workflow_id.clone(),
        };
        let client = run_child(executable, &job.to_args())?;
        if (client.ops as usize) < length {
            return Err(format!(
                "fetch_history streamed {} events of a {length}-event history",
                client.ops
            )
            .into());
        }
        points.push(Point {
            x: length,
            client,
            tonic: None,
            spread: None,
        });
    }
    Ok(Curve {
        name: "history",
        title: "fetch_history: cost by history length (streamed)",
        x_label: "events",
        unit: "event",
        points,
    })
}

/// Starts as many workflows as the largest list size, then streams the first N of them
/// through `Client::list` for each size.
pub(crate) async fn list(
    executable: &Path,
    fixture: &Fixture,
    plan: &Plan,
) -> Result<Curve, Error> {
    let total = plan.list_sizes.iter().copied().max().unwrap_or(0);
    let queue = format!("bench-list-{}", uuid::Uuid::new_v4().simple());
    eprintln!("scaling: starting {total} workflows to list");
    let workflows = (0..total)
        .map(|k| ("benchMany", format!("{queue}-{k}"), queue.clone()))
        .collect();
    fixture.start_all(workflows).await?;
    let query = format!("WorkflowType = 'benchMany' AND TaskQueue = '{queue}'");
    fixture.wait_until_listed(&query, total).await?;
    let mut points = Vec::new();
    for &limit in &plan.list_sizes {
        let job = Job::List {
            address: fixture.targets.address.clone(),
            query: query.clone(),
            limit,
        };
        let client = run_child(executable, &job.to_args())?;
        if (client.ops as usize) < limit {
            return Err(format!("list streamed {} of {limit} workflows", client.ops).into());
        }
        points.push(Point {
            x: limit,
            client,
            tonic: None,
            spread: None,
        });
    }
    Ok(Curve {
        name: "list",
        title: "list: cost by number of workflows (streamed)",
        x_label: "workflows listed",
        unit: "workflow",
        points,
    })
}
