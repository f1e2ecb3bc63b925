// #[workflow] options are separated by commas.
use temporal_client::workflow;

#[workflow(name = "counter" rename_all = "camelCase")]
trait Counter {
    #[run]
    async fn run(&mut self);
}

fn main() {}
