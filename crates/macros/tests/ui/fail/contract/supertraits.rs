// A contract declares every handler itself: supertraits are reported.
use temporal_client::workflow;

trait Base {}

#[workflow]
trait Counter: Base + Send {
    #[run]
    async fn run(&mut self);
}

fn main() {}
