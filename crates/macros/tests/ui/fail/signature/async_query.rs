// A query answers at once: `async` is reported on the keyword.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[query]
    async fn current(&self) -> i64;
}

fn main() {}
