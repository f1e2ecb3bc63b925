// A contract describes one workflow type: generics are reported.
use temporal_client::workflow;

#[workflow]
trait Counter<T> {
    #[run]
    async fn run(&mut self, start: T) -> T;
}

fn main() {}
