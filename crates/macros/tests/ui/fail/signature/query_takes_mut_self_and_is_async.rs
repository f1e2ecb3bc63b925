// Both query mistakes are reported at once, each on its token.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[query]
    async fn current(&mut self) -> i64;
}

fn main() {}
