// Today: "cannot find type `Self` in this scope ... `Self` not allowed in a constant item".
// Expected: one macro error on `Self` saying a contract is not implemented by a type, so name
// the concrete type (the trait becomes a marker struct).
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[query]
    fn me(&self) -> Self;
}

fn main() {}
