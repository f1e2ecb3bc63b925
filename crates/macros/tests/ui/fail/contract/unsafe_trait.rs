// A contract cannot be unsafe: reported on `unsafe`.
use temporal_client::workflow;

#[workflow]
unsafe trait Counter {
    #[run]
    async fn run(&mut self);
}

fn main() {}
