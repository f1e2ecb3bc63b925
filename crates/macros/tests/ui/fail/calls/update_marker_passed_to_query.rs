// An update marker is not a query.
use temporal_client::{Client, workflow};

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[update]
    async fn set(&mut self, value: i64) -> i64;
}

async fn uses(client: Client) {
    let _: Result<i64, _> = client.get_handle::<Counter>("c-1").query(Counter::set(1)).await;
}

fn main() {
    let _ = uses;
}
