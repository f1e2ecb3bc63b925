// Three run parameters take a 3-tuple: two values are refused.
use temporal_client::{Client, Error, StartOptions, workflow};

#[workflow]
trait Describe {
    #[run]
    async fn run(&mut self, text: String, number: i64, flag: bool) -> String;
}

async fn uses(client: Client) -> Result<(), Error> {
    let options = StartOptions::new("d-1", "queue");
    client.start(Describe, ("x".to_owned(), 7), options).await?;
    Ok(())
}

fn main() {
    let _ = uses;
}
