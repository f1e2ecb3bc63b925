// An empty trait has no #[run] method either.
use temporal_client::workflow;

#[workflow]
trait Counter {}

fn main() {}
