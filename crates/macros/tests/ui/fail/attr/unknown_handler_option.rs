// Handler attributes take only `name`; others are reported on the key.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal(rename = "inc")]
    fn increment(&mut self);
}

fn main() {}
