// Unrelated mistakes in one contract are all reported, each on its own tokens.
use temporal_client::workflow;

#[workflow(rename_all = "camel")]
trait Counter {
    #[signal]
    fn increment(&mut self) -> i64;

    #[query]
    fn current(self) -> i64;

    fn reset(&mut self);
}

fn main() {}
