// A handler's types are serialized as declared, so it cannot be generic.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal]
    fn increment<T: serde::Serialize>(&mut self, amount: T);
}

fn main() {}
