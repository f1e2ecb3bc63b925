// A contract declares handlers: a body is reported, saying to end with `;`.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[query]
    fn current(&self) -> i64 {
        0
    }
}

fn main() {}
