// A query marker is not a signal.
use temporal_client::{Client, workflow};

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[query]
    fn current(&self) -> i64;
}

async fn uses(client: Client) {
    let _ = client.get_handle::<Counter>("c-1").signal(Counter::current).await;
}

fn main() {
    let _ = uses;
}
