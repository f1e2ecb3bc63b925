// A typed handle accepts only its own contract's queries.
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
    #[query]
    fn current(&self) -> i64;
}

async fn uses(client: Client) {
    let _: Result<i64, _> = client.get_handle::<Counter>("c-1").query(Timer::current).await;
}

fn main() {
    let _ = uses;
}
