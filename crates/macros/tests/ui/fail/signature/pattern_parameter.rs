// Each parameter is named by an identifier: a pattern is reported on the pattern.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self, (start, step): (i64, i64));

    #[signal]
    fn increment(&mut self, _: i64);
}

fn main() {}
