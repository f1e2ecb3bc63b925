// A handler cannot be variadic.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal]
    fn increment(&mut self, amount: i64, rest: ...);
}

fn main() {}
