// A contract has one #[run] method: the second is reported, naming the first.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self, start: i64) -> i64;

    #[run]
    async fn run_from_zero(&mut self) -> i64;
}

fn main() {}
