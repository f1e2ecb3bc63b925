// A byte string is not a string literal.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal(name = b"inc")]
    fn increment(&mut self);
}

fn main() {}
