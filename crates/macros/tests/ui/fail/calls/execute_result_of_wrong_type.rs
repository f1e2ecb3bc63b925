// `execute` answers the run method's result type.
use temporal_client::{Client, Error, StartOptions, workflow};

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self, start: i64) -> i64;
}

async fn uses(client: Client) -> Result<(), Error> {
    let options = StartOptions::new("c-1", "queue");
    let _total: String = client.execute(Counter, 1, options).await?;
    Ok(())
}

fn main() {
    let _ = uses;
}
