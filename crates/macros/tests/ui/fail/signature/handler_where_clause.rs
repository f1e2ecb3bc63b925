// Today: "a handler cannot be generic" on the `#[workflow]` line (`Generics` prints no
// where clause, so the span is the call site). Expected: on the `where` clause.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[query]
    fn current(&self) -> i64 where Self: Sized;
}

fn main() {}
