// A signal passed where an update goes: one error.
use temporal_client::{Client, workflow};

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal]
    fn increment(&mut self, amount: i64);
}

async fn uses(client: Client) {
    let _: Result<(), _> = client
        .get_handle::<Counter>("c-1")
        .execute_update(Counter::increment(1))
        .await;
}

fn main() {
    let _ = uses;
}
