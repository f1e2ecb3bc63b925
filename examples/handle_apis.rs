//! The guide's "Workflow Handle APIs", "Get a Workflow's result" and "Cancel a Workflow"
//! sections, with typed contracts:
//!
//! 1. start `example`, then get a handle to it by id alone (`client.get_handle::<Example>(id)`,
//!    as another process would), wait for its result and describe it (status, type, task
//!    queue, start time, history length);
//! 2. `chargeCustomer` fails (its activity declines the card): `result()` returns
//!    `Error::WorkflowFailed`, whose `failure` chain ends in the root cause;
//! 3. `waitForCancel` is cancelled: the workflow may clean up, then closes as cancelled;
//! 4. another `waitForCancel` is terminated: it stops at once, with the reason given.
//!
//! Run it against any server with the Python worker of `examples/workers/handle_apis.py`
//! polling the `handle-apis` task queue:
//!
//! ```sh
//! python examples/workers/handle_apis.py --task-queue handle-apis &
//! TEMPORAL_ADDRESS=localhost:7233 cargo run --example handle_apis
//! ```

use temporal_client::{Contract, Error, StartOptions, WorkflowHandle, WorkflowResult, workflow};

const TASK_QUEUE: &str = "handle-apis";

/// Greets: `Hello, {name}!`.
#[workflow(name = "example")]
trait Example {
    #[run]
    async fn run(&mut self, name: String) -> String;
}

/// Charges a customer `amount`, through the `charge` activity, which declines every card.
#[workflow(name = "chargeCustomer")]
trait ChargeCustomer {
    #[run]
    async fn run(&mut self, amount: i64) -> String;
}

/// Waits until it is cancelled or terminated.
#[workflow(name = "waitForCancel")]
trait WaitForCancel {
    #[run]
    async fn run(&mut self) -> String;
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = temporal_examples::client().await?;
    let id = |name: &str| format!("{name}-{}", uuid::Uuid::new_v4());

    // 1. Start, then continue by id alone, as a different process would.
    let workflow_id = id("handle-apis-example");
    client
        .start(
            Example,
            "Temporal".to_owned(),
            StartOptions::new(&workflow_id, TASK_QUEUE),
        )
        .await?;
    let handle = client.get_handle::<Example>(&workflow_id);
    print_result(&handle).await?;
    describe(&handle).await?;

    // 2. A workflow that fails: `result()` says why.
    let handle = client
        .start(
            ChargeCustomer,
            42,
            StartOptions::new(id("handle-apis-charge"), TASK_QUEUE),
        )
        .await?;
    print_result(&handle).await?;
    describe(&handle).await?;

    // 3. Cancel: the workflow gets the chance to clean up, then closes as cancelled.
    let handle = client
        .start(
            WaitForCancel,
            (),
            StartOptions::new(id("handle-apis-cancel"), TASK_QUEUE),
        )
        .await?;
    describe(&handle).await?; // Running
    handle.cancel().await?;
    println!("Cancelled {}", handle.workflow_id());
    print_result(&handle).await?;
    describe(&handle).await?;

    // 4. Terminate: the workflow stops at once, with no cleanup.
    let handle = client
        .start(
            WaitForCancel,
            (),
            StartOptions::new(id("handle-apis-terminate"), TASK_QUEUE),
        )
        .await?;
    handle.terminate("no longer needed").await?;
    println!("Terminated {}", handle.workflow_id());
    print_result(&handle).await?;
    describe(&handle).await?;
    Ok(())
}

/// Waits for the workflow's result, as the guide's "Don't forget to handle errors here" does:
/// a workflow that closed without a result is `Error::WorkflowFailed`, a fact to report, not a
/// reason to stop the sample; any other error is.
async fn print_result<W>(handle: &WorkflowHandle<W>) -> Result<(), Error>
where
    W: Contract + WorkflowResult<String>,
{
    let workflow_id = handle.workflow_id();
    match handle.result::<String>().await {
        Ok(result) => println!("Result of {workflow_id}: {result}"),
        Err(Error::WorkflowFailed(failed)) => {
            println!("WorkflowFailed: {failed}");
            // The failure chain, outermost first: for `chargeCustomer`, the activity's
            // failure wraps the application error it raised.
            println!("  failure: {}", failed.failure);
            for cause in failed.failure.chain().skip(1) {
                println!("  caused by: {cause}");
            }
            let root = failed.failure.root_cause();
            println!("  root cause: {root}");
        }
        Err(err) => return Err(err),
    }
    Ok(())
}

/// Prints what the server says of the workflow's latest run.
async fn describe<W: Contract>(handle: &WorkflowHandle<W>) -> Result<(), Error> {
    let info = handle.describe().await?.info;
    println!(
        "Describe {}: status {}, type {}, task queue {}, started {}, history length {}",
        info.workflow_id,
        temporal_examples::display_status(info.status),
        info.workflow_type,
        info.task_queue,
        temporal_examples::display_time(info.start_time),
        info.history_length,
    );
    Ok(())
}
