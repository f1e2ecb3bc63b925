// Names starting with `__temporal` are Temporal's own: an explicit one is reported on it.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[query(name = "__temporal_workflow_metadata")]
    fn metadata(&self) -> String;
}

fn main() {}
