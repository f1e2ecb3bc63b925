// An explicit query name can collide with another query's method name.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[query]
    fn current(&self) -> i64;

    #[query(name = "current")]
    fn latest(&self) -> i64;
}

fn main() {}
