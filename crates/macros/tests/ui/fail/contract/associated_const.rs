// A contract declares only handler methods: an associated const is reported.
use temporal_client::workflow;

#[workflow]
trait Counter {
    const START: i64;

    #[run]
    async fn run(&mut self);
}

fn main() {}
