// `crate = "..."` must hold a path.
use temporal_client::workflow;

#[workflow(crate = "my sdk!")]
trait Counter {
    #[run]
    async fn run(&mut self);
}

fn main() {}
