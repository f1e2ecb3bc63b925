// signal_with_start checks the signal against the workflow it starts.
use temporal_client::{Client, Error, StartOptions, workflow};

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self, start: i64);
}

#[workflow]
trait Timer {
    #[run]
    async fn run(&mut self);
    #[signal]
    fn increment(&mut self, amount: i64);
}

async fn uses(client: Client) -> Result<(), Error> {
    let opts = StartOptions::new("c-1", "queue");
    client.signal_with_start(Counter, 1, opts, Timer::increment(2)).await?;
    Ok(())
}
fn main() {
    let _ = uses;
}
