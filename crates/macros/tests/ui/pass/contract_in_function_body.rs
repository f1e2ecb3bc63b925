//! A contract declared inside a function works like one at module level.

use temporal_client::{StartWorkflow, workflow};

fn main() {
    #[workflow(name = "local")]
    trait Local {
        #[run]
        async fn run(&mut self, start: i64);

        #[signal]
        fn poke(&mut self);
    }

    assert_eq!(StartWorkflow::<i64>::workflow_type(&Local), "local");
    let _ = Local::poke;
}
