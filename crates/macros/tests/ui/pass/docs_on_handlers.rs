//! A public contract whose trait and handlers are documented compiles under
//! `#![deny(missing_docs)]`: the docs move to the generated marker and handler constants.
#![deny(missing_docs)]

use temporal_client::workflow;

/// Counts.
#[workflow]
pub trait Counter {
    /// Starts counting.
    #[run]
    async fn run(&mut self, start: i64) -> i64;

    /// Adds to the count.
    #[signal]
    fn increment(&mut self, amount: i64);

    /// The count.
    #[query]
    fn current(&self) -> i64;

    /// Sets the count.
    #[update]
    async fn set(&mut self, value: i64) -> i64;
}

// An undocumented public contract gets generated docs, so it compiles too.
#[workflow]
pub trait Quiet {
    #[run]
    async fn run(&mut self);

    #[signal]
    fn poke(&mut self);
}

fn main() {}
