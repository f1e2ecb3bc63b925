// A signal returns nothing: the return type is reported, suggesting an update.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal]
    fn increment(&mut self, amount: i64) -> i64;
}

fn main() {}
