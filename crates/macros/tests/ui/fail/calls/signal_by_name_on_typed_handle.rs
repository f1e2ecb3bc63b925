// A typed handle is not signalled by name: `into_untyped()` is the escape hatch.
use temporal_client::{Client, workflow};

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal]
    fn increment(&mut self, amount: i64);
}

async fn uses(client: Client) {
    let _ = client.get_handle::<Counter>("c-1").signal(temporal_client::by_name("increment").arg(5)).await;
}

fn main() {
    let _ = uses;
}
