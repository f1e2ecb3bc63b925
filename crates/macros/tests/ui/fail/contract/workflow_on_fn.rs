// #[workflow] goes on a trait: on a function, the error shows the trait form.
use temporal_client::workflow;

#[workflow]
async fn counter(start: i64) -> i64 {
    start
}

fn main() {}
