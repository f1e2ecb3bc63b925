//! Every typed call the client offers, with the types inferred from the contract.

use temporal_client::{Client, Error, StartOptions, workflow};

#[workflow(name = "counter")]
trait Counter {
    #[run]
    async fn run(&mut self, start: i64) -> i64;

    #[signal]
    fn increment(&mut self, amount: i64);

    #[query]
    fn current(&self) -> i64;
}

#[allow(dead_code)]
async fn uses(client: Client) -> Result<(), Error> {
    let handle = client
        .start(Counter, 1, StartOptions::new("c-1", "queue"))
        .await?;
    handle.signal(Counter::increment(5)).await?;
    let current = handle.query(Counter::current).await?;
    let result = handle.result().await?;
    let executed = client
        .execute(Counter, 1, StartOptions::new("c-2", "queue"))
        .await?;
    let by_id = client.get_handle::<Counter>("c-1");
    by_id.signal(Counter::increment(1)).await?;
    let options = StartOptions::new("c-3", "queue");
    let started = client
        .signal_with_start(Counter, 1, options, Counter::increment(2))
        .await?;
    let answer = started.query(Counter::current).await?;
    let _: [i64; 4] = [current, result, executed, answer];
    Ok(())
}

fn main() {}
