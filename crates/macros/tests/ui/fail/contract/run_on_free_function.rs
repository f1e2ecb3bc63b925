// #[run] on a free function says where it belongs.
use temporal_client::run;

#[run]
async fn run(start: i64) -> i64 {
    start
}

fn main() {}
