// A handler's `name` is a string literal.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[update(name = set_value)]
    async fn set(&mut self, value: i64) -> i64;
}

fn main() {}
