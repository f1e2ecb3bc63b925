// `name =` without a value is a syntax error, reported where the value should be.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[query(name = )]
    fn current(&self) -> i64;
}

fn main() {}
