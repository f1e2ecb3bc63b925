// A bare #[workflow] key needs `= "value"`.
use temporal_client::workflow;

#[workflow(name)]
trait Counter {
    #[run]
    async fn run(&mut self);
}

fn main() {}
