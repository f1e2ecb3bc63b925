// Today: the signal error, then 4 more at the uses (`Counter` cannot be started, x3;
// no item `increment`, with a "did you mean `instrument`" hint) because the placeholder marker
// has no impls and no handler constants. Expected: only the signal error (expand what parsed).
use temporal_client::{Client, Error, StartOptions, workflow};

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self, start: i64) -> i64;

    #[signal]
    fn increment(&mut self, amount: i64) -> i64;
}

#[allow(dead_code)]
async fn uses(client: Client) -> Result<(), Error> {
    let handle = client.start(Counter, 1, StartOptions::new("c-1", "queue")).await?;
    handle.signal(Counter::increment(5)).await?;
    let _: i64 = handle.result().await?;
    Ok(())
}

fn main() {}
