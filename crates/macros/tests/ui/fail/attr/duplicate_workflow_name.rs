// `name` given twice is reported on the second one.
use temporal_client::workflow;

#[workflow(name = "counter", name = "counter-v2")]
trait Counter {
    #[run]
    async fn run(&mut self);
}

fn main() {}
