// Today: "unknown #[workflow] option ``" (an empty name). Expected: "unknown #[workflow]
// option `serde::name`; expected `name`, `rename_all` or `crate`".
use temporal_client::workflow;

#[workflow(serde::name = "counter")]
trait Counter {
    #[run]
    async fn run(&mut self);
}

fn main() {}
