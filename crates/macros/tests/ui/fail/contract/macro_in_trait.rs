// A macro call in the trait is not a handler method.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    handlers!();
}

fn main() {}
