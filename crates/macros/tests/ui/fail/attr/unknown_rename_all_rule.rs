// An unknown rename_all rule is reported on the value, listing every valid rule.
use temporal_client::workflow;

#[workflow(rename_all = "camelcase")]
trait Counter {
    #[run]
    async fn run(&mut self);
}

fn main() {}
