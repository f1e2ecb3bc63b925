// A signal name cannot be empty.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal(name = "")]
    fn increment(&mut self);
}

fn main() {}
