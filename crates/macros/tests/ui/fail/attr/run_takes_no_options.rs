// #[run] takes no `name`: the workflow's name is set with #[workflow(name = "...")].
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run(name = "counter")]
    async fn run(&mut self);
}

fn main() {}
