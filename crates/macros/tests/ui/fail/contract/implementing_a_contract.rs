// A contract becomes a marker type, not a trait: it cannot be implemented.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);
}

struct MyCounter;

impl Counter for MyCounter {}

fn main() {}
