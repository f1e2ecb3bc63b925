// One run parameter takes the value itself, not a 1-tuple (that is the untyped form).
use temporal_client::{Client, Error, StartOptions, workflow};

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self, start: i64) -> i64;
}

async fn uses(client: Client) -> Result<(), Error> {
    client.start(Counter, (1,), StartOptions::new("c-1", "queue")).await?;
    Ok(())
}

fn main() {
    let _ = uses;
}
