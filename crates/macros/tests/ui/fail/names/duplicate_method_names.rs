// Today: 10 errors on the `#[workflow]` line (E0428, E0119 for every derive, E0592).
// Expected: one macro error on the second `status`: "`status` is already a handler of this
// contract; rename this method (the wire name can stay, with #[query(name = "status")])".
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run]
    async fn run(&mut self);

    #[signal]
    fn status(&mut self);

    #[query]
    fn status(&self) -> String;
}

fn main() {}
