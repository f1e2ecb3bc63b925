// An update of another contract, passed to a typed handle: one error, naming both contracts.
use temporal_client::{Client, workflow};

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);
}

#[workflow]
trait Timer {
    #[run]
    async fn run(&mut self);

    #[update]
    fn reset(&mut self, to: i64) -> i64;
}

async fn uses(client: Client) {
    let _ = client.get_handle::<Counter>("c-1").execute_update(Timer::reset(0)).await;
}

fn main() {
    let _ = uses;
}
