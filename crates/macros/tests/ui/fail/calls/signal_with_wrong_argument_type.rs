// A signal takes its declared argument type.
use temporal_client::{Client, workflow};

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal]
    fn increment(&mut self, amount: i64);
}

async fn uses(client: Client) {
    let handle = client.get_handle::<Counter>("c-1");
    let _ = handle.signal(Counter::increment("five")).await;
}

fn main() {
    let _ = uses;
}
