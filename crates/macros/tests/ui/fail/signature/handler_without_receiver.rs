// NOT CAUGHT today (compiles): a handler runs on the workflow's state, so it takes `&self` or
// `&mut self`. Expected: an error on `poke` saying to add `&mut self`.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal]
    fn poke(amount: i64);
}

fn main() {}
