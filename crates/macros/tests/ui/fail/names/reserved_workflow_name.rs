// NOT CAUGHT today (compiles): `__temporal` names are Temporal's own, and the check covers
// handler names only. Expected (if the server/SDKs reserve workflow types too): the same
// "reserved" error on the `name` literal.
use temporal_client::workflow;

#[workflow(name = "__temporal_workflow")]
trait Counter {
    #[run]
    async fn run(&mut self);
}

fn main() {}
