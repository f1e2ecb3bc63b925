// The workflow type name sent to the server cannot be empty.
use temporal_client::workflow;

#[workflow(name = "")]
trait Counter {
    #[run]
    async fn run(&mut self);
}

fn main() {}
