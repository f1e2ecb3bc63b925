//! The expansion trips none of the lints a careful crate denies, for public and private
//! contracts alike.
#![deny(
    warnings,
    unreachable_pub,
    missing_debug_implementations,
    unused_qualifications
)]

use temporal_client::workflow;

#[workflow(rename_all = "camelCase")]
trait Private {
    #[run]
    async fn run(&mut self, start: i64) -> i64;

    #[signal]
    fn add_one(&mut self);

    #[query]
    fn current_value(&self) -> i64;
}

fn main() {
    let _ = (Private, Private::add_one, Private::current_value);
}
