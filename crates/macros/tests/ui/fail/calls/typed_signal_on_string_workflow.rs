// A workflow started by name has an untyped handle: contract markers do not apply to it.
use temporal_client::{Client, Error, StartOptions, workflow};

#[workflow(name = "counter")]
trait Counter {
    #[run]
    async fn run(&mut self, start: i64);

    #[signal]
    fn increment(&mut self, amount: i64);
}

async fn uses(client: Client) -> Result<(), Error> {
    let handle = client.start("counter", (1,), StartOptions::new("c-1", "queue")).await?;
    handle.signal(Counter::increment(5)).await
}

fn main() {
    let _ = uses;
}
