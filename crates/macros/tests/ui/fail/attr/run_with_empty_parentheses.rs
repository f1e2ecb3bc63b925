// Today: the right message on the wrong place, the `#[workflow]` line (an empty token list
// spans the call site). Expected: on `#[run()]` or its parentheses.
use temporal_client::workflow;

#[workflow]
trait Counter {
    #[run()]
    async fn run(&mut self);
}

fn main() {}
