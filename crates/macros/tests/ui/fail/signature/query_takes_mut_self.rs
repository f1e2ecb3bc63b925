// A query is read-only: `&mut self` is reported on the receiver.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[query]
    fn current(&mut self) -> i64;
}

fn main() {}
