// An unknown #[workflow] key is reported on the key, listing the valid ones.
use temporal_client::workflow;

#[workflow(version = "2")]
trait Counter {
    #[run]
    async fn run(&mut self);
}

fn main() {}
