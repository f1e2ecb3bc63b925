// A query answers its declared result type.
use temporal_client::{Client, workflow};

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[query]
    fn current(&self) -> i64;
}

async fn uses(client: Client) {
    let handle = client.get_handle::<Counter>("c-1");
    let _: Result<String, _> = handle.query(Counter::current).await;
}

fn main() {
    let _ = uses;
}
