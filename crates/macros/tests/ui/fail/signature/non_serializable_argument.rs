// "`Secret` cannot become a Temporal payload", on the parameter type `Secret`, and its note on
// the same type: nothing points into library source.
use temporal_client::workflow;

struct Secret;

#[workflow]
trait Vault {
    #[run]
    async fn run(&mut self);

    #[signal]
    fn store(&mut self, label: String, secret: Secret);
}

fn main() {}
