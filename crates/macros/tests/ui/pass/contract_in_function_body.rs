//! A contract declared inside a function works like one at module level.

use temporal_client::{Workflow, workflow};

fn main() {
    #[workflow(name = "local")]
    trait Local {
        #[run]
        async fn run(&mut self, start: i64);

        #[signal]
        fn poke(&mut self);
    }

    assert_eq!(<Local as Workflow>::NAME, "local");
    let _ = Local::poke;
}
