// A typed handle accepts only its own contract's signals.
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
    #[signal]
    fn increment(&mut self, amount: i64);
}

async fn uses(client: Client) {
    let _ = client.get_handle::<Counter>("c-1").signal(Timer::increment(5)).await;
}

fn main() {
    let _ = uses;
}
