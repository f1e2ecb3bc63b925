// A bare `name` in a handler attribute needs `= "..."`.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[query(name)]
    fn current(&self) -> i64;
}

fn main() {}
