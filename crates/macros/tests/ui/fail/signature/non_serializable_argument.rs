// Today: "`Secret` cannot become a Temporal payload" with its primary span on `#[workflow]`
// (only a secondary label on `Secret`). Expected: primary span on the parameter type `Secret`,
// as for results (a `fn check<T: ToPayload>()` spanned on the type).
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
