// A result must be read from a payload: the error points at the result type.
use temporal_client::workflow;

#[derive(serde::Serialize)]
struct Report;

#[workflow]
trait Auditor {
    #[run]
    async fn run(&mut self) -> Report;

    #[query]
    fn latest(&self) -> Report;
}

fn main() {}
