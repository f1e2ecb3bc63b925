//! The guide's "Scheduling Cron Workflows": start the `example` workflow with a cron schedule,
//! see its runs happen (each tick is a new run of the same workflow id, listed by a visibility
//! query), describe the run waiting for the next tick, then stop the schedule by terminating
//! the workflow.
//!
//! The schedule is `@every 2s` so that the sample (and its test) sees two runs within
//! seconds; real schedules are usually five-field cron strings, such as `0 * * * *` (every
//! hour) or `* * * * *` (every minute).
//!
//! Run it against any server with the Python worker of `examples/workers/hello_world.py`
//! polling the `cron` task queue:
//!
//! ```sh
//! python examples/workers/hello_world.py --task-queue cron &
//! TEMPORAL_ADDRESS=localhost:7233 cargo run --example cron
//! ```

use std::time::{Duration, Instant};

use temporal_client::{StartOptions, workflow};

/// The `example` workflow of the hello-world worker.
#[workflow(name = "example")]
trait Example {
    #[run]
    async fn run(&mut self, name: String) -> String;
}

const SCHEDULE: &str = "@every 2s";
/// How many completed runs to wait for, and how long at most.
const RUNS: i64 = 2;
const RUNS_WAIT: Duration = Duration::from_secs(30);

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = temporal_examples::client().await?;

    let workflow_id = format!("cron-{}", uuid::Uuid::new_v4());
    let handle = client
        .start(
            Example,
            "cron".to_owned(),
            // Real schedules are five-field cron strings: "0 * * * *" is every hour.
            StartOptions::new(&workflow_id, "cron").cron_schedule(SCHEDULE),
        )
        .await?;
    println!("Started cron workflow {workflow_id} (schedule {SCHEDULE})");

    // Every run, the first too, waits for its tick. Each tick is a new run with the same
    // workflow id; visibility lists them all (eventually: it lags the server a little).
    let completed = format!("WorkflowId = '{workflow_id}' AND ExecutionStatus = 'Completed'");
    let deadline = Instant::now() + RUNS_WAIT;
    loop {
        let count = client.count(completed.as_str()).await?.count;
        if count >= RUNS {
            break;
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "only {count} of {RUNS} runs completed within {RUNS_WAIT:?}: is a worker \
                 polling task queue `cron`? Start one with \
                 `python examples/workers/hello_world.py --task-queue cron`"
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    let mut runs = client.list(format!("WorkflowId = '{workflow_id}'"));
    let mut rows = Vec::new();
    while let Some(info) = runs.next().await {
        let info = info?;
        rows.push([
            info.run_id,
            temporal_examples::display_status(info.status),
            temporal_examples::display_time(info.execution_time),
            temporal_examples::display_time(info.close_time),
        ]);
    }
    let completed_runs = rows.iter().filter(|row| row[1] == "Completed").count();
    println!("Runs of {workflow_id} ({completed_runs} completed):");
    temporal_examples::print_table(&["run id", "status", "execution time", "close time"], &rows);

    // Between ticks, the latest run exists and waits for its tick, in the chain that the
    // first run began.
    let info = handle.describe().await?.info;
    println!(
        "Latest run {}: {}, runs at {}, first run {}",
        info.run_id,
        temporal_examples::display_status(info.status),
        temporal_examples::display_time(info.execution_time),
        info.raw_info().first_run_id,
    );

    // A cron workflow runs until it is stopped: terminating it ends the schedule.
    handle.terminate("schedule no longer needed").await?;
    let info = handle.describe().await?.info;
    println!(
        "Terminated {workflow_id}: latest run {} is {}",
        info.run_id,
        temporal_examples::display_status(info.status)
    );
    Ok(())
}
