// A contract needs a #[run] method: reported on the trait's name, with an example.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[signal]
    fn increment(&mut self, amount: i64);
}

fn main() {}
