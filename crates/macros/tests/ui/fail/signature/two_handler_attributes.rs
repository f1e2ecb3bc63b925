// A method is one kind of handler: the second attribute is reported.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal]
    #[update]
    fn increment(&mut self, amount: i64);
}

fn main() {}
