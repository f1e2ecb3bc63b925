// Today: "a workflow contract cannot be generic" on the `#[workflow]` line (`Generics` prints
// no where clause, so the span is the call site). Expected: on the `where` clause.
use temporal_client::workflow;

#[workflow]
trait Counter
where
    Self: Sized,
{
    #[run]
    async fn run(&mut self);
}

fn main() {}
