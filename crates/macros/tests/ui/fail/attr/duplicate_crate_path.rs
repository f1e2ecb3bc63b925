// `crate` given twice is reported on the second one.
use temporal_client::workflow;

#[workflow(crate = "::temporal_client", crate = "::temporal_client")]
trait Counter {
    #[run]
    async fn run(&mut self);
}

fn main() {}
