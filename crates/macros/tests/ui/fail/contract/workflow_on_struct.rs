// #[workflow] goes on a trait: on a struct, the error shows the trait form.
use temporal_client::workflow;

#[workflow]
struct Counter {
    count: i64,
}

fn main() {}
