// `result()` answers the run method's result type.
use temporal_client::{Client, Error, workflow};

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self) -> i64;
}

async fn uses(client: Client) -> Result<(), Error> {
    let handle = client.get_handle::<Counter>("c-1");
    let _total: String = handle.result().await?;
    Ok(())
}

fn main() {
    let _ = uses;
}
