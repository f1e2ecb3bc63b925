// `start` takes the run method's argument type: a `&str` for an `i64` is refused.
use temporal_client::{Client, Error, StartOptions, workflow};

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self, start: i64) -> i64;
}

async fn uses(client: Client) -> Result<(), Error> {
    client.start(Counter, "one", StartOptions::new("c-1", "queue")).await?;
    Ok(())
}

fn main() {
    let _ = uses;
}
