// #[workflow] options are `key = "value"`, not `key("value")`.
use temporal_client::workflow;

#[workflow(name("counter"))]
trait Counter {
    #[run]
    async fn run(&mut self);
}

fn main() {}
