// A handler borrows the workflow: `self` by value is reported on the receiver.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal]
    fn finish(self);
}

fn main() {}
