//! Async activity completion: an activity that waits for a human. The `approval` workflow's
//! `requestApproval` activity hands its task token over and returns without a result; this
//! program, standing in for the approver, heartbeats it and completes it by its token, then
//! rejects a second order by workflow id and activity id, which fails that workflow with the
//! reason.
//!
//! Run it against any server with the Python worker of `examples/workers/async_activity.py`
//! polling the `approvals` task queue (on the same machine: the worker writes each task token
//! to `<temp dir>/temporal-async-activity/`, where a real activity would send an email):
//!
//! ```sh
//! python examples/workers/async_activity.py --task-queue approvals &
//! TEMPORAL_ADDRESS=localhost:7233 cargo run --example async_activity_completion
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use temporal_client::{
    EncodedValues, Error, Failure, FailureKind, StartOptions, WorkflowHandle, workflow,
};
use temporal_examples::SampleError;

/// The Python `approval` workflow: an order in, the approver's decision out.
#[workflow(name = "approval")]
trait Approval {
    #[run]
    async fn run(&mut self, order: String) -> String;
}

const TASK_QUEUE: &str = "approvals";
/// How long to wait for the activity to hand its token over.
const TOKEN_WAIT: Duration = Duration::from_secs(30);

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = temporal_examples::client().await?;

    // Approved: heartbeat, then complete, by task token.
    let order = format!("order-{}", uuid::Uuid::new_v4());
    let handle = client
        .start(
            Approval,
            order.clone(),
            StartOptions::new(&order, TASK_QUEUE),
        )
        .await?;
    let token = task_token(&handle).await?;
    println!(
        "Activity `approval` of {order} is waiting; its task token is {} bytes",
        token.len()
    );
    let activity = client.get_async_activity_handle(token);
    let answer = activity.heartbeat(("reviewing",)).await?;
    println!(
        "Heartbeat recorded; cancellation requested: {}",
        answer.cancel_requested
    );
    activity.complete("approved by manager-7").await?;
    println!("Result: {}", handle.result().await?);

    // Rejected: fail it, by workflow id and activity id, with a non-retryable application
    // failure whose details the workflow's caller can read.
    let order = format!("order-{}", uuid::Uuid::new_v4());
    let handle = client
        .start(
            Approval,
            order.clone(),
            StartOptions::new(&order, TASK_QUEUE),
        )
        .await?;
    task_token(&handle).await?;
    let converter = client.data_converter();
    let details = EncodedValues::new(converter.to_payloads(&("budget", 5000))?, converter.clone());
    client
        .get_async_activity_handle_by_id(&order, "", "approval")
        .fail(
            &Failure::application("over budget", "Rejected")
                .non_retryable()
                .with_details(details),
        )
        .await?;
    match handle.result().await {
        Err(Error::WorkflowFailed(failed)) => {
            let root = failed.failure.root_cause();
            if let FailureKind::Application(app) = root.kind() {
                let (limit, amount): (String, i64) = (app.details.get(0)?, app.details.get(1)?);
                println!(
                    "{order} failed: {} ({}, {limit} {amount})",
                    root.message(),
                    app.type_name
                );
            }
        }
        other => return Err(format!("expected the workflow to fail, got {other:?}").into()),
    }
    Ok(())
}

/// Waits for the activity of `handle` to hand its task token over, as the worker does: a
/// file named after the workflow id.
async fn task_token(handle: &WorkflowHandle<Approval>) -> Result<Vec<u8>, SampleError> {
    let path: PathBuf = std::env::temp_dir()
        .join("temporal-async-activity")
        .join(format!("{}.token", handle.workflow_id()));
    let deadline = Instant::now() + TOKEN_WAIT;
    loop {
        if let Ok(token) = std::fs::read(&path) {
            // Read once: the token is the approver's now.
            let _ = std::fs::remove_file(&path);
            return Ok(token);
        }
        if Instant::now() >= deadline {
            return Err(SampleError::new(format!(
                "no task token at {} within {TOKEN_WAIT:?}: is a worker polling task queue \
                 `{TASK_QUEUE}` on this machine? Start one with \
                 `python examples/workers/async_activity.py --task-queue {TASK_QUEUE}`",
                path.display()
            )));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
