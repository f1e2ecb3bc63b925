//! The guide's visibility API (end of "Advanced: Making raw gRPC calls"): start five `example`
//! workflows, three on the `list-count` task queue (a worker completes them) and two on
//! `list-count-unpolled` (no worker polls it, so they stay Running: scheduling is not
//! starting), then list them with a visibility query (`client.list`) as a table and count
//! them (`client.count`), in all and `GROUP BY ExecutionStatus`. Finally it terminates the two
//! that are still running.
//!
//! Visibility is eventually consistent: the sample waits (at most 30 s) until the counts are
//! right before printing.
//!
//! Run it against any server with the Python worker of `examples/workers/hello_world.py`
//! polling the `list-count` task queue:
//!
//! ```sh
//! python examples/workers/hello_world.py --task-queue list-count &
//! TEMPORAL_ADDRESS=localhost:7233 cargo run --example list_count
//! ```

use std::time::{Duration, Instant};

use temporal_client::{StartOptions, WorkflowCount, WorkflowHandle, workflow};

/// The `example` workflow of the hello-world worker.
#[workflow(name = "example")]
trait Example {
    #[run]
    async fn run(&mut self, name: String) -> String;
}

const COMPLETED: i64 = 3;
const RUNNING: i64 = 2;
const VISIBILITY_WAIT: Duration = Duration::from_secs(30);

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = temporal_examples::client().await?;

    // One prefix for this run's workflows, so that the queries see only them.
    let prefix = format!("list-count-{}", uuid::Uuid::new_v4());
    let mut running: Vec<WorkflowHandle<Example>> = Vec::new();
    for i in 1..=COMPLETED + RUNNING {
        let (task_queue, waits) = if i <= COMPLETED {
            ("list-count", false)
        } else {
            ("list-count-unpolled", true)
        };
        let options = StartOptions::new(format!("{prefix}-{i}"), task_queue);
        let handle = client.start(Example, format!("#{i}"), options).await?;
        println!("Started {} on {task_queue}", handle.workflow_id());
        if waits {
            running.push(handle);
        }
    }

    let query = format!("WorkflowId STARTS_WITH '{prefix}'");
    let by_status = format!("{query} GROUP BY ExecutionStatus");
    // Wait until visibility has caught up: every workflow listed, with its final status.
    let deadline = Instant::now() + VISIBILITY_WAIT;
    let counts = loop {
        let counts = client.count(by_status.as_str()).await?;
        if group(&counts, "Completed") == COMPLETED && group(&counts, "Running") == RUNNING {
            break counts;
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "visibility did not show {COMPLETED} completed and {RUNNING} running workflows \
                 within {VISIBILITY_WAIT:?} (it shows {counts:?}): is a worker polling task \
                 queue `list-count`? Start one with \
                 `python examples/workers/hello_world.py --task-queue list-count`"
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };

    // `list` fetches a page at a time as the stream is read.
    println!("\nclient.list(\"{query}\"):");
    let mut workflows = client.list(query.as_str());
    let mut rows = Vec::new();
    while let Some(info) = workflows.next().await {
        let info = info?;
        rows.push([
            info.workflow_id,
            info.workflow_type,
            temporal_examples::display_status(info.status),
            info.task_queue,
            temporal_examples::display_time(info.start_time),
            temporal_examples::display_time(info.close_time),
        ]);
    }
    rows.sort();
    temporal_examples::print_table(
        &[
            "workflow id",
            "type",
            "status",
            "task queue",
            "start time",
            "close time",
        ],
        &rows,
    );

    let total = client.count(query.as_str()).await?;
    println!("\nclient.count: {} workflows", total.count);
    println!("client.count(\"... GROUP BY ExecutionStatus\"):");
    for group in &counts.groups {
        // The group's values are the grouped-by attributes, as JSON: `"Running"`.
        let values: Vec<String> = group
            .values
            .iter()
            .map(|value| {
                value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned)
            })
            .collect();
        println!("  {}: {}", values.join(", "), group.count);
    }

    // Clean up: nothing will ever run the unpolled ones.
    for handle in running {
        handle.terminate("list_count sample done").await?;
    }
    println!("\nTerminated the {RUNNING} running workflows");
    Ok(())
}

/// The count of the group whose value is `status`; 0 when there is none.
fn group(counts: &WorkflowCount, status: &str) -> i64 {
    counts
        .groups
        .iter()
        .filter(|group| group.values.iter().any(|value| value == status))
        .map(|group| group.count)
        .sum()
}
