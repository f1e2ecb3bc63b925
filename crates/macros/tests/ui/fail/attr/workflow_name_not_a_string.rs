// Option values are string literals: an identifier or a number is reported on the value.
use temporal_client::workflow;

#[workflow(name = counter, rename_all = 5)]
trait Counter {
    #[run]
    async fn run(&mut self);
}

fn main() {}
