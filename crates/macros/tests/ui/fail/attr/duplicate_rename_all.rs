// `rename_all` given twice is reported on the second one.
use temporal_client::workflow;

#[workflow(rename_all = "camelCase", rename_all = "snake_case")]
trait Counter {
    #[run]
    async fn run(&mut self);
}

fn main() {}
