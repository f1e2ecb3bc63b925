// `#[signal = "..."]` is written `#[signal(name = "...")]`.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal = "inc"]
    fn increment(&mut self);
}

fn main() {}
