// A contract declares only handler methods: an associated type is reported.
use temporal_client::workflow;

#[workflow]
trait Counter {
    type Output;

    #[run]
    async fn run(&mut self);
}

fn main() {}
