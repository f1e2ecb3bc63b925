// Today: "a update name cannot be empty". Expected: "an update name cannot be empty".
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[update(name = "")]
    async fn set(&mut self, value: i64) -> i64;
}

fn main() {}
