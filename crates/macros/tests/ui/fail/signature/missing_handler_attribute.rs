// Every method is a handler: one without an attribute is reported on its name.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    fn increment(&mut self, amount: i64);
}

fn main() {}
