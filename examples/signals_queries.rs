//! The guide's "Workflow Handle APIs" `signal()` and `query()` rows, and updates, through a
//! typed contract: start the `counter` workflow at 10, signal `increment(5)`, query `value`
//! (15), update `setValue(100)` (answers the previous value, 15), see the workflow's validator
//! reject `setValue(-1)`, signal `finish` and print the result (100). The compiler checks
//! every call against the `Counter` contract: its arguments, results, and which signals,
//! queries and updates the workflow has.
//!
//! Run it against any server with the Python worker of `examples/workers/counter.py` polling
//! the `counter` task queue:
//!
//! ```sh
//! python examples/workers/counter.py --task-queue counter &
//! TEMPORAL_ADDRESS=localhost:7233 cargo run --example signals_queries
//! ```

use temporal_client::{Error, StartOptions, workflow};

/// The `counter` workflow of `examples/workers/counter.py`.
#[workflow(name = "counter", rename_all = "camelCase")]
trait Counter {
    /// Counts from `start`; returns the final value once `finish` is signaled.
    #[run]
    async fn run(&mut self, start: i64) -> i64;

    /// Adds `amount` to the value.
    #[signal]
    fn increment(&mut self, amount: i64);

    /// Lets the workflow complete with its value.
    #[signal]
    fn finish(&mut self);

    /// The current value.
    #[query]
    fn value(&self) -> i64;

    /// Replaces the value, answering the previous one; the workflow's validator rejects
    /// negative values.
    #[update]
    fn set_value(&mut self, value: i64) -> i64;
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = temporal_examples::client().await?;

    let workflow_id = format!("counter-{}", uuid::Uuid::new_v4());
    // `10` must be an i64: the contract's run method says so.
    let handle = client
        .start(Counter, 10, StartOptions::new(&workflow_id, "counter"))
        .await?;
    println!("Started counter {workflow_id} at 10");

    // A signal is fire-and-forget: the server records it and the workflow handles it.
    handle.signal(Counter::increment(5)).await?;
    println!("Signaled increment(5)");

    // A query reads the workflow's state, and changes nothing.
    let value = handle.query(Counter::value).await?; // an i64
    println!("Query value: {value}");

    // An update changes the state and answers, once the workflow has handled it.
    let previous = handle.execute_update(Counter::set_value(100)).await?;
    println!("Update setValue(100): previous value {previous}");
    println!("Query value: {}", handle.query(Counter::value).await?);

    // The workflow's validator refuses negative values: the update is rejected, and never
    // enters the history.
    match handle.execute_update(Counter::set_value(-1)).await {
        Ok(previous) => println!("Update setValue(-1) accepted?! previous value {previous}"),
        Err(Error::UpdateFailed { failure, .. }) => {
            println!("Update setValue(-1) rejected: {}", failure.message());
        }
        Err(err) => return Err(err.into()),
    }

    handle.signal(Counter::finish).await?;
    println!("Signaled finish");
    let result = handle.result().await?; // an i64, as the contract's run method says
    println!("Result: {result}");
    Ok(())
}
