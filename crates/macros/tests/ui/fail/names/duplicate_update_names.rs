// Two updates cannot share a name either.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[update]
    async fn set(&mut self, value: i64) -> i64;

    #[update(name = "set")]
    async fn reset(&mut self) -> i64;
}

fn main() {}
