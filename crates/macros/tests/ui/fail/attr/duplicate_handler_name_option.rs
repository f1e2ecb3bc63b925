// A handler's `name` given twice is reported on the second one.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[query(name = "value", name = "current")]
    fn current(&self) -> i64;
}

fn main() {}
